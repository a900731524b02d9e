// -gcflags=-m: implicit and explicit conversions to interfaces, string conversions and
// concatenations, positions of conversions in assignments and literals. gc 1.19 prints
// the same lines (besides inlining lines) except the position of the constant "x" in
// append's arguments (gc reports it at the previous argument) and the package-level map
// literal (rgo does not analyse package initialisers: it always allocates them).
package main

type V struct{ x int }

var sink interface{}
var m = map[interface{}]int{}
var c = make(chan interface{}, 10)

//go:noinline
func ret(v V) interface{} {
	return v
}

//go:noinline
func decl(n int) {
	var i interface{} = n
	j := interface{}(n + 1)
	sink = i
	sink = j
	type W struct{ a interface{} }
	w := &W{a: n}
	sink = w
	m[n] = 1
	c <- n
	var s []interface{}
	s = append(s, n, "x")
	sink = s
	sink = []interface{}{n, n}
	sink = []rune("abc")
	sink = string([]byte{1, 2})
	x, y := "a"+string(rune(n)), "b"
	sink = x + y + x
}

func main() {
	println(ret(V{1}) != nil)
	decl(3)
}
