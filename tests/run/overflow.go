// Arithmetic on sized integers wraps around.

package main

func main() {
	var a int8 = 127
	a++
	println(a)
	a = -128
	a--
	println(a)
	var b int8 = 100
	println(b+b, b*3, -b-b)

	var c int16 = 32767
	println(c+1, c*2, -c-2)

	var d int32 = 2147483647
	println(d+1, d*d)

	var e uint8 = 200
	println(e+100, e*2, 0-e)

	var f uint16 = 1
	println(f-2, f<<15, f<<16)

	var g int64 = 9223372036854775807
	println(g+1, g*2)

	var min8 int8 = -128
	println(-min8, min8*-1)

	// Conversions truncate.
	var big int64 = 0x123456789
	println(int8(big), uint8(big), int16(big), uint32(big), int32(big))
	var n int64 = -1
	println(uint8(n), uint16(n), uint32(n), uint64(n))
}
