// panic(p) with a nil *T whose T has a value Error method: printing the value calls the
// method through the nil pointer, which panics (gc's panicwrap) while printing.
package main

type T struct{ s string }

func (t T) Error() string { return "T:" + t.s }

func main() {
	var p *T
	defer println("deferred")
	panic(p)
}
