// An Error method that panics while the runtime prints a panic value: fatal error.
package main

type E struct{ msg string }

func (e E) Error() string {
	defer func() {
		// A panic recovered inside the method does not matter.
		recover()
	}()
	if e.msg == "inner" {
		panic("recovered inside")
	}
	panic("inner")
}

type R struct{}

func (R) Error() string {
	defer func() { println("Error's deferred call runs") }()
	panic(E{"inner"})
}

func main() {
	var e error = E{"inner"}
	println(e.Error() == "")
	panic(R{})
}
