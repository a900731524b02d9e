// Multiplication by constants that codegen strength-reduces (3, 5, 9 become shift+add):
// results must wrap exactly as imul does, for every integer width and signedness, with
// the constant on either side.
package main

//go:noinline
func id64(x int64) int64 { return x }

//go:noinline
func idu8(x uint8) uint8 { return x }

//go:noinline
func id16(x int16) int16 { return x }

//go:noinline
func idu32(x uint32) uint32 { return x }

func main() {
	for _, v := range []int64{0, 1, -1, 7, -7, 1 << 61, -(1 << 62), 9223372036854775807, -9223372036854775808} {
		x := id64(v)
		println(x*3, 5*x, x*9, x*6, x*-3)
	}
	for _, v := range []uint8{0, 1, 85, 128, 255} {
		x := idu8(v)
		println(x*3, 5*x, x*9)
	}
	for _, v := range []int16{0, -1, 10923, -32768, 32767} {
		x := id16(v)
		println(x*3, 5*x, x*9)
	}
	for _, v := range []uint32{0, 1, 1431655766, 4294967295} {
		x := idu32(v)
		println(x*3, 5*x, x*9)
	}
	// The Collatz step, whose loop this speeds up.
	steps, n := 0, id64(27)
	for n != 1 {
		if n&1 == 0 {
			n >>= 1
		} else {
			n = 3*n + 1
		}
		steps++
	}
	println(steps)
}
