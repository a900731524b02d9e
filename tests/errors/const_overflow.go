package main

func main() {
	var b uint8 = 300
	const c int8 = 128
	x := uint8(256)
	println(b, c, x)
}
