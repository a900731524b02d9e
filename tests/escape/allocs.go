// -gcflags=-m: every allocation site and moved variable reported in gc's format.
package main

type T struct{ a, b int }

var sink *T

func f(n int) *int {
	x := n
	return &x
}

func main() {
	p := &T{1, 2}
	sink = p
	q := new(int)
	s := make([]int, 100000)
	m := map[int]int{1: 2}
	y := 3
	g := func() int { return y }
	l := []int{1, 2, 3}
	println(*f(3), *q, len(s), len(m), g(), len(l))
	go func() {}()
}
