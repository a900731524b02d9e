package main

type Stack[T any] struct {
	items []T
}

func Map[T, U any](xs []T, f func(T) U) []U { return nil }

func main() {
	var s Stack
	f := Map
	_, _ = s, f
}
