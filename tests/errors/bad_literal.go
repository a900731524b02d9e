package main

func main() {
	a := 0x
	b := 1__0
	c := 09
	println(a, b, c)
}
