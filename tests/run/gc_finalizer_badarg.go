// SetFinalizer checks its arguments as gc does: a finalizer must take the object's type
// (or an assignable pointer type, or an interface the object implements).
package main

import "runtime"

type T struct{ n int }

type Namer interface{ Name() string }

func (t *T) Name() string { return "t" }

func main() {
	t := &T{1}
	runtime.SetFinalizer(t, func(*T) {})
	runtime.SetFinalizer(t, nil)
	runtime.SetFinalizer(t, func(Namer) {})
	runtime.SetFinalizer(t, nil)
	runtime.SetFinalizer(t, func(any) int { return 0 })
	runtime.SetFinalizer(t, nil)
	var z struct{}
	runtime.SetFinalizer(&z, func(*struct{}) {})
	println("ok so far")
	runtime.SetFinalizer(t, func(*int) {})
}
