// defer and go of the builtins copy and delete: operands are evaluated (and the key
// converted) at the defer statement, the builtin runs later.
package main

func f(s []int) {
	c := make(chan []int, 1)
	c <- []int{1}
	defer copy(s, <-c)
}

func g(m map[int8]string) {
	defer delete(m, 1)
	defer println(len(m))
	go copy([]byte{0}, "x")
}

func main() {
	x := make([]int, 1)
	f(x)
	println(x[0])
	m := map[int8]string{1: "a", 2: "b"}
	g(m)
	println(len(m))
	b := make([]byte, 3)
	func() { defer copy(b, "xyz") }()
	println(string(b))
}
