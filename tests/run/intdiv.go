// Integer division and remainder (truncated toward zero) and shift semantics.

package main

func divmod(a, b int) {
	println(a, b, a/b, a%b)
}

func shifts(s uint) {
	var one int64 = 1
	var neg int64 = -8
	var ones uint8 = 255
	println(s, one<<s, neg>>s, ones<<s, ones>>s)
}

func main() {
	divmod(7, 2)
	divmod(-7, 2)
	divmod(7, -2)
	divmod(-7, -2)
	divmod(0, 5)
	divmod(5, 7)

	// The most negative value divided by -1 wraps instead of trapping.
	var m64 int64 = -9223372036854775808
	var m1 int64 = -1
	println(m64/m1, m64%m1)
	var m8 int8 = -128
	var n1 int8 = -1
	println(m8/n1, m8%n1)

	var u uint32 = 4000000000
	println(u/3, u%3)

	// Shifts by counts at or beyond the width.
	shifts(0)
	shifts(1)
	shifts(7)
	shifts(8)
	shifts(31)
	shifts(63)
	shifts(64)
	shifts(65)
	shifts(200)
	var x int32 = -1
	var big uint64 = 1 << 40
	println(x>>big, uint32(x)>>big, x<<big)
}
