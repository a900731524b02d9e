package main

type P struct {
	x, y int
	name string
}

type Q struct {
	P
	z [3]int
}

func (p P) sum() int   { return p.x + p.y }
func (p *P) scale(k int) { p.x *= k; p.y *= k }

func mk(a, b int) P { return P{a, b, "p"} }

func main() {
	p := P{x: 1, y: 2, name: "hi"}
	p.scale(3)
	println(p.x, p.y, p.name, p.sum())
	q := &Q{P: mk(4, 5)}
	q.z[1] = 7
	q.scale(2)
	println(q.x, q.y, q.sum(), q.z[0], q.z[1], len(q.z))
	s := []int{1, 2, 3}
	s[2] = 10
	t := s[1:]
	println(len(s), cap(s), t[0], t[1], len(t))
	var arr [4]string
	arr[2] = "two"
	println(arr[2], len(arr[2]))
	x := 5
	px := &x
	*px = 6
	println(x)
	f := func(d int) int { x += d; return x }
	println(f(1), f(2), x)
	g := mk
	println(g(7, 8).sum())
	counter := 0
	inc := func() { counter++ }
	inc()
	inc()
	println(counter)
}
