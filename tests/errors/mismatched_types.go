package main

func main() {
	x := 1
	s := "a"
	println(x + s)
	var f float64 = 2
	println(x * f)
}
