// -gcflags=-m: closures (captured by value and by reference, deferred, spawned, called
// on the spot), interface conversions, method values, strings, results. Every function is
// //go:noinline; gc 1.19 prints the same lines (besides inlining lines) except one: gc
// devirtualizes the call i.M() in boxes (it sees that i holds a *S) and so keeps
// &S{...} on the stack, where rgo, which does not devirtualize, reports it escaping.
package main

type S struct {
	name string
	next *S
	vals []int
}

type I interface{ M() int }

func (s *S) M() int { return len(s.name) }

type V struct{ x int }

func (v V) M() int { return v.x }

var global I
var gs *S
var ch = make(chan *int, 1)
var done = make(chan bool)

//go:noinline
func first(s *S) *S { return s.next }

//go:noinline
func name(s *S) string { return s.name }

//go:noinline
func keep(s *S) { gs = s }

//go:noinline
func two(a, b *int) (*int, *int) { return b, a }

//go:noinline
func callI(i I) int { return i.M() }

//go:noinline
func concat(a, b string) string { return a + b }

//go:noinline
func bytes(s string) int {
	b := []byte(s)
	return len(b)
}

//go:noinline
func named() (r *int) {
	x := 3
	r = &x
	return
}

//go:noinline
func deferred() int {
	x := 1
	defer func() {
		x++
	}()
	return x
}

//go:noinline
func goer() {
	y := 2
	go func() {
		println(y)
		done <- true
	}()
}

//go:noinline
func sender() {
	z := 4
	ch <- &z
}

//go:noinline
func boxes() {
	v := V{3}
	global = v
	var i I = &S{name: "x"}
	println(i.M())
	println(callI(V{5}))
}

//go:noinline
func arr() int {
	var a [4]int
	s := a[:]
	s[0] = 1
	return a[0]
}

//go:noinline
func mv() int {
	s := S{name: "ab"}
	f := s.M
	return f()
}

//go:noinline
func rec(n int, p *int) int {
	if n == 0 {
		return *p
	}
	return rec(n-1, p)
}

func main() {
	s := &S{name: "a"}
	println(first(s) == nil, name(s))
	t := &S{name: "b"}
	keep(t)
	a, b := 1, 2
	p, q := two(&a, &b)
	println(*p, *q)
	println(concat("x", "y"), bytes("abc"))
	println(*named(), deferred())
	goer()
	<-done
	sender()
	boxes()
	println(arr(), mv())
	k := 9
	println(rec(3, &k))
	if k == 0 {
		panic("done")
	}
}
