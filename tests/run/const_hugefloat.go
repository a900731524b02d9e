// Untyped float constants far beyond float64's range (gc: 512-bit floats with a 32-bit
// exponent once a fraction would exceed 4096 bits) are usable in constant expressions
// whose result is representable.
package main

const (
	n  = 1e646456992
	d  = 1e646456991
	h  = 0x1p2147483000
	t  = 1e-800000000 // below the exponent range: zero
	r  = 1e5000 / 3 * 3 / 1e4998
	cm = 1e5000 > 1e4999
)

func main() {
	x := n / d
	println(x == 10.0, x)
	println(h/h, h/0x1p2147482999)
	println(t == 0, t*1e300)
	println(r, cm)
	println(-n/d, n*0 == 0)
	var f32 float32 = 1e-5000
	println(f32)
}
