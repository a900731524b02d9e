// Higher-order generic functions with inferred and explicit type arguments.
package main

type Number interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~float32 | ~float64
}

func Map[T, U any](xs []T, f func(T) U) []U {
	out := make([]U, 0, len(xs))
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}

func Filter[T any](xs []T, keep func(T) bool) []T {
	var out []T
	for _, x := range xs {
		if keep(x) {
			out = append(out, x)
		}
	}
	return out
}

func Reduce[T, A any](xs []T, init A, f func(A, T) A) A {
	acc := init
	for _, x := range xs {
		acc = f(acc, x)
	}
	return acc
}

func Sum[T Number](xs []T) T {
	var s T
	for _, x := range xs {
		s += x
	}
	return s
}

func Max[T int | float64 | string](a, b T) T {
	if a > b {
		return a
	}
	return b
}

// Keys returns the keys of m in increasing order (insertion sort).
func Keys[K int | string, V any](m map[K]V) []K {
	var ks []K
	for k := range m {
		ks = append(ks, k)
	}
	for i := 1; i < len(ks); i++ {
		for j := i; j > 0 && ks[j] < ks[j-1]; j-- {
			ks[j], ks[j-1] = ks[j-1], ks[j]
		}
	}
	return ks
}

// Concat works for any slice type, keeping the named type.
func Concat[S ~[]E, E any](a, b S) S {
	r := make(S, 0, len(a)+len(b))
	r = append(r, a...)
	return append(r, b...)
}

type Celsius float64
type IDs []int

func printInts(xs []int) {
	for _, x := range xs {
		print(x, " ")
	}
	println()
}

func main() {
	xs := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	sq := Map(xs, func(x int) int { return x * x })
	printInts(sq)
	ev := Filter(sq, func(x int) bool { return x%2 == 0 })
	printInts(ev)
	println("sum", Sum(ev), Sum([]float64{0.5, 0.25}))
	strs := Map(xs[:3], func(x int) string { return string(rune('a' + x)) })
	println(strs[0], strs[1], strs[2])
	joined := Reduce(strs, "", func(a string, s string) string { return a + s })
	println("joined", joined)
	n := Reduce[int, int](xs, 0, func(a, x int) int { return a + x })
	println("reduce", n)

	temps := []Celsius{20.5, 22, 19.5}
	println("celsius sum", Sum(temps) == 62)

	println(Max(3, 7), Max(2.5, -1.0), Max("go", "rust"))
	maxInt := Max[int]
	println("func value", maxInt(-4, -9))

	m := map[string]int{"b": 2, "c": 3, "a": 1}
	for _, k := range Keys(m) {
		print(k, "=", m[k], " ")
	}
	println()

	ids := Concat(IDs{1, 2}, IDs{3})
	printInts(ids)
	println("len", len(ids))

	lens := Map(Map([]string{"x", "yy", "zzz"}, func(s string) []byte { return []byte(s) }),
		func(b []byte) int { return len(b) })
	printInts(lens)
}
