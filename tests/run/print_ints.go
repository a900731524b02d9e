// Printing integers of every width with println and print, including the extremes.

package main

func main() {
	var i8 int8 = -128
	var i16 int16 = -32768
	var i32 int32 = -2147483648
	var i64 int64 = -9223372036854775808
	var u8 uint8 = 255
	var u16 uint16 = 65535
	var u32 uint32 = 4294967295
	var u64 uint64 = 18446744073709551615
	var i int = 9223372036854775807
	var u uint = 18446744073709551615
	var up uintptr = 4096
	var b byte = 'A'
	var r rune = 'é'
	println(i8, i16, i32, i64)
	println(u8, u16, u32, u64)
	println(i, u, up, b, r)
	println(0, -1, 1, 42, -42)
	println(int8(127), int16(32767), int32(2147483647), int64(9223372036854775807))

	// Wraparound at run time.
	i8--
	i16--
	i32--
	i64--
	u8++
	u16++
	u32++
	u64++
	i++
	u++
	println(i8, i16, i32, i64)
	println(u8, u16, u32, u64)
	println(i, u)

	// print adds no spaces and no newline.
	print(1, 2, 3, "\n")
	print(-7, " ", u64-1, "\n")
}
