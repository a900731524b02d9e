// A pointer without methods prints as (*T) ADDRESS; one with a String method through it.
package main

type T struct{ a int }

type P struct{ name string }

func (p *P) String() string { return "P(" + p.name + ")" }

func main() {
	defer func() {
		panic(&P{"x"})
	}()
	panic(&T{1})
}
