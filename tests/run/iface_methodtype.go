// Interface satisfaction compares method types, not just names.
package main

type myint int

func (x myint) foo() int { return int(x) }

type myfloat float64

func (x myfloat) foo() float64 { return float64(x) }

type ptrT struct{ v int }

func (p *ptrT) foo() int { return p.v }

type Fooer interface{ foo() int }
type FFooer interface{ foo() float64 }

func classify(i interface{}) {
	switch x := i.(type) {
	case Fooer:
		println("Fooer", x.foo())
	case FFooer:
		println("FFooer", x.foo())
	case interface{ foo() string }:
		println("string fooer")
	default:
		println("other")
	}
}

func main() {
	classify(myint(1))
	classify(myfloat(2.5))
	classify(&ptrT{3})
	classify(ptrT{4})
	classify("x")
	_, ok := interface{}(myfloat(1)).(Fooer)
	println(ok)
	var f FFooer = myfloat(3)
	_, ok = f.(Fooer)
	println(ok)
	defer func() {
		println(recover().(error).Error())
		_ = f.(Fooer)
	}()
	_ = interface{}(myint(1)).(FFooer)
}

// The generic form (go/test typeparam/typeswitch5.go's case).
func f[T any](i interface{}) {
	switch x := i.(type) {
	case interface{ foo() T }:
		println("fooer", x.foo())
	default:
		println("other")
	}
}

func init() {
	f[int](myint(6))
	f[int](myfloat(7))
	f[float64](myint(8))
	f[float64](myfloat(9))
}
