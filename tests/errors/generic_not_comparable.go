package main

type Set[T comparable] map[T]bool

func Index[T comparable](xs []T, x T) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

func main() {
	var s Set[[]int]
	_ = s
	_ = Index([]func(){}, nil)
}
