package main

type Box struct{ v int }

func main() {
	var b Box[int]
	_ = b
}
