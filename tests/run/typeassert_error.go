// Failed type assertions panic with a *runtime.TypeAssertionError (a runtime.Error).
package main

import "runtime"

type I interface{ M() }
type T int

func (T) M() {}

type U struct{}

func try(name string, f func()) {
	defer func() {
		r := recover()
		if te, ok := r.(*runtime.TypeAssertionError); ok {
			println(name, "TypeAssertionError:", te.Error())
		}
		if re, ok := r.(runtime.Error); ok {
			println(name, "runtime.Error:", re.Error())
			if e, ok := re.(interface{ Error() string }); ok {
				println(name, "Error() string:", e.Error())
			}
		}
		if e, ok := r.(error); ok {
			println(name, "error:", e.Error())
		}
		switch r.(type) {
		case runtime.Error:
			println(name, "switch: runtime.Error")
		default:
			println(name, "switch: other")
		}
	}()
	f()
}

func main() {
	var x interface{} = "s"
	try("E2T", func() { _ = x.(int) })
	try("E2I", func() { _ = x.(I) })
	var i I
	try("nilI", func() { _ = i.(T) })
	try("nilE", func() { var e interface{}; _ = e.(I) })
	i = T(1)
	try("I2T", func() { _ = i.(interface{ N() }) })
	var u interface{} = U{}
	try("E2I2", func() { _ = u.(I) })
	try("div", func() { a := 0; println(1 / a) })
	var e interface{} = T(2)
	_ = e.(string)
}
