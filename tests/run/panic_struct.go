// Values of other types print as (T) ADDRESS; named basic types as T(v).
package main

type T struct{ a, b int }
type C complex128
type F float64
type Str string

func main() {
	defer func() {
		defer func() {
			defer func() {
				recover()
				panic(C(1 + 2i))
			}()
			panic(Str("x"))
		}()
		panic(F(1.5))
	}()
	panic(T{1, 2})
}
