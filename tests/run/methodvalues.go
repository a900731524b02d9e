package main

type T struct{ n int }

func (t T) get() int      { return t.n }
func (t *T) inc(d int)    { t.n += d }

type G interface{ get() int }

func apply(f func(int), n int) { f(n) }

func main() {
	t := T{5}
	g := t.get
	t.n = 100
	println(g())
	inc := t.inc
	apply(inc, 3)
	println(t.n)
	var i G = T{7}
	ig := i.get
	println(ig())
	f := T.get
	println(f(T{9}))
	h := (*T).inc
	h(&t, 1)
	println(t.n)
	pg := (*T).get
	println(pg(&t))
}
