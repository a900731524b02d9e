// Panic values with String() string print through it; Error() wins over String(); a
// re-panicking deferred call prints both values, the first marked [recovered].
package main

type S struct{ n int }

func (s S) String() string { return "S!" }

// Both methods: gc prints Error().
type E int

func (E) Error() string  { return "err" }
func (E) String() string { return "str" }

// A String method with another signature is not fmt.Stringer.
type N int

func (N) String() int { return 0 }

func main() {
	defer func() {
		r := recover()
		println("recovered", r.(E).Error())
		defer func() {
			panic(N(7))
		}()
		panic(S{1})
	}()
	panic(E(3))
}
