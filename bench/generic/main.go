// Generic kernels: Sum, Max and a generic Stack over []int, instantiated at int (and a
// named int type). bench/generic_spec is the same program hand-specialized to int; the
// ratio of the two measures what generics cost (rgo monomorphizes: nothing).
package main

type Integer interface {
	~int | ~int32 | ~int64
}

func Sum[T Integer](xs []T) T {
	var s T
	for _, x := range xs {
		s += x
	}
	return s
}

func Max[T Integer](xs []T) T {
	m := xs[0]
	for _, x := range xs[1:] {
		if x > m {
			m = x
		}
	}
	return m
}

type Stack[T any] struct{ items []T }

func (s *Stack[T]) Push(x T) { s.items = append(s.items, x) }

func (s *Stack[T]) Pop() T {
	x := s.items[len(s.items)-1]
	s.items = s.items[:len(s.items)-1]
	return x
}

type ID int

func main() {
	const N = 1 << 20
	xs := make([]int, N)
	ids := make([]ID, N)
	for i := range xs {
		xs[i] = (i * 7919) % 1000003
		ids[i] = ID(xs[i])
	}
	total, best := 0, 0
	for r := 0; r < 300; r++ {
		xs[r] = r * 3
		total += Sum(xs)
		best += Max(xs)
		total += int(Sum(ids[r:]))
	}
	var st Stack[int]
	acc := 0
	for r := 0; r < 20; r++ {
		for i := 0; i < N; i++ {
			st.Push(xs[i])
		}
		for i := 0; i < N; i++ {
			acc += st.Pop()
		}
	}
	println(total, best, acc)
}
