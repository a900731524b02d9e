package main

func Id[T any](x T) T { return x }

type Pair[K comparable, V any] struct {
	k K
	v V
}

func main() {
	_ = Id[int, string](1)
	var p Pair[int]
	_ = p
}
