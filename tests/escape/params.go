// -gcflags=-m: parameters (leaks to the heap, to results, of contents), address-taken
// locals, loops, variadic calls. Every function is //go:noinline, so gc 1.19 prints exactly
// these lines too (besides its inlining lines, which rgo does not print).
package main

type T struct {
	a, b int
	p    *int
}

var sink *T
var gp *int

//go:noinline
func id(p *int) *int { return p }

//go:noinline
func read(p *int) int { return *p }

//go:noinline
func store(p *int) { gp = p }

//go:noinline
func content(t *T) *int { return t.p }

//go:noinline
func newT(a int) *T { return &T{a: a} }

//go:noinline
func sum(xs ...int) int {
	s := 0
	for _, x := range xs {
		s += x
	}
	return s
}

func (t *T) get() int { return t.a }

//go:noinline
func loops() int {
	var keep []*int
	total := 0
	for i := 0; i < 3; i++ {
		x := i
		total += read(&x)
		y := i
		keep = append(keep, &y)
	}
	return total + len(keep)
}

func main() {
	a := 1
	b := 2
	c := 3
	println(read(&a), *id(&b))
	store(&c)
	t := T{a: 1}
	println(t.get())
	u := &T{a: 2}
	println(u.get(), newT(3).a)
	v := &T{a: 4}
	sink = v
	w := new(int)
	*w = 5
	s := make([]int, 10)
	s2 := []int{1, 2, 3}
	println(len(s), len(s2), sum(1, 2, 3), *w)
	f := func() int { return a + b }
	println(f())
	println(loops())
	var q T
	x := 7
	q.p = &x
	println(*content(&q))
}
