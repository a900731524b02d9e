// Multi-value calls as the arguments of append, of variadic functions (the results
// past the fixed parameters fill the implicit slice) and of functions whose parameters
// need conversions (to interfaces).

package main

type S struct{ a, b int }

func two() (int, string)          { return 7, "x" }
func three() ([]byte, byte, byte) { return []byte{'a'}, '1', '2' }
func pair() (S, *S)               { s := &S{1, 2}; return *s, s }

func vari(xs ...interface{}) {
	for _, x := range xs {
		println(x.(int) + 0)
	}
}
func vari2(a int, xs ...int) { println(a, len(xs)) }
func ints() (int, int, int)    { return 1, 2, 3 }
func one() int                 { return 9 }
func two2() (int, int)         { return 4, 5 }
func take(a interface{}, b interface{}) {
	println(a.(int), b.(string))
}
func takeS(a S, p *S) { println(a.a, a.b, p.a, p.b) }

func main() {
	b := append(three())
	println(string(b), len(b), cap(b) >= 3)
	type L []interface{}
	mk := func() (L, int, string) { return L{1}, 2, "three" }
	l := append(mk())
	println(len(l), l[1].(int), l[2].(string))
	take(two())
	takeS(pair())
	vari(ints())
	vari2(ints())
	vari2(one())
	vari2(two2())
	println(complex(func() (float64, float64) { return 5, 7 }()) == 5+7i)
}
