// A value method called through a nil pointer in an interface panics with gc's
// panicwrap text, a runtime.Error.
package main

import "runtime"

type T int

func (t T) F() {}

type G[X any] struct{ x X }

func (g G[X]) F() {}

type I interface{ F() }

var (
	t *T
	i I = t
	g *G[string]
	j I = g
)

func try(x I) {
	defer func() {
		r := recover()
		_, ok := r.(runtime.Error)
		println(ok, r.(error).Error())
	}()
	x.F()
}

func main() {
	try(i)
	try(j)
}
