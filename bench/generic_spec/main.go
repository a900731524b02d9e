// bench/generic hand-specialized: the same kernels written for int and ID without type
// parameters (the baseline of the generic-vs-specialized ratio).
package main

func Sum(xs []int) int {
	var s int
	for _, x := range xs {
		s += x
	}
	return s
}

func SumID(xs []ID) ID {
	var s ID
	for _, x := range xs {
		s += x
	}
	return s
}

func Max(xs []int) int {
	m := xs[0]
	for _, x := range xs[1:] {
		if x > m {
			m = x
		}
	}
	return m
}

type Stack struct{ items []int }

func (s *Stack) Push(x int) { s.items = append(s.items, x) }

func (s *Stack) Pop() int {
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
		total += int(SumID(ids[r:]))
	}
	var st Stack
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
