package main

func main() {
	println("a",
	x := 1
}
