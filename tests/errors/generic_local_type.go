package main

func Wrap[T any](x T) []T {
	type list []T
	return list{x}
}

type Box[T any] struct{ v T }

func (b Box[T]) Pair() [2]T {
	type (
		pair [2]T
		unused int
	)
	return pair{b.v, b.v}
}

func main() {
	_ = Wrap(1)
	_ = Box[int]{}.Pair()
}
