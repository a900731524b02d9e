// Selectors that differ from a field or method only in their first letter's case, and
// unexported names of another package (package runtime).
package main

import "runtime"

type T struct{ name int }

func (T) get() int { return 0 }

func main() {
	var t T
	_ = t.Name
	_ = t.Get
	_ = t.name
	_ = runtime.gogetenv("HOME")
	_ = runtime.Nope
	var m runtime.MemStats
	m.Foo = 1
	var f runtime.Func
	_ = f.name
}
