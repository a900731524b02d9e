package main

func Zero[T any]() T {
	var z T
	return z
}

func Convert[T, U any](x T) U {
	var u U
	return u
}

func main() {
	_ = Zero()
	_ = Convert(1)
}
