// Printing floats: println's %e-like format, NaN, infinities and negative zero.

package main

func zero() float64 { return 0 }

func main() {
	println(1.5, -2.25, 0.1, 100.0, 1e100, -1e-100)
	var f32 float32 = 3.14159
	println(f32, float32(0.1), float32(16777217))
	println(1.0/3.0, 2.0/3.0, 123456789.0)

	z := zero()
	nan := z / z
	inf := 1 / z
	println(nan, inf, -inf)
	println(nan == nan, nan != nan, inf > 1e308, -inf < -1e308)

	negz := -z
	println(z, negz, negz == z)
	println(1 / negz)

	var big float64 = 1 << 62
	println(big, float32(big))
	print(0.5, 0.25, "\n")
}
