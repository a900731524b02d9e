package main

type List[T any] struct {
	head T
	next *List[T]
}

func (l *List[T]) Head() T {
	return l.next
}

func First[T any](xs []T) T {
	return xs
}

func main() {
	var l List[int]
	_ = l.Head()
	_ = First([]int{1})
}
