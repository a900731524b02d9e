package main

type Number interface {
	~int | ~float64
}

func Double[T Number](x T) T { return x * 2 }

func main() {
	var n Number
	_ = n
	_ = Double(3)
}
