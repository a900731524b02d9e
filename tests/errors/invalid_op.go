package main

func main() {
	var b bool
	var s string
	println(!s, -b, s*2)
}
