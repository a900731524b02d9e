// Constants: iota, typed and untyped arithmetic, huge untyped intermediates.

package main

const (
	A = iota
	B
	C
	_
	E
)

const (
	KB = 1 << (10 * (iota + 1))
	MB
	GB
)

type Weekday int

const (
	Sunday Weekday = iota
	Monday
	Tuesday
)

const huge = 1 << 100
const big = huge >> 98
const pi = 3.14159265358979323846264338327950288419716939937510582097494459
const str = "con" + "st"

func main() {
	println(A, B, C, E)
	println(KB, MB, GB)
	println(Sunday, Monday, Tuesday)
	println(big, huge/(huge>>3))
	println(pi, float32(pi))
	println(str, len(str))
	const c = 'x' + 1
	println(c, string(rune(c)))
	println(7/2, 7.0/2, -7/2, 7%-3)
	const mask uint8 = 0xF0
	println(mask, ^mask, mask&^0x30)
	println(1e3 == 1000, 'a' == 97)
}
