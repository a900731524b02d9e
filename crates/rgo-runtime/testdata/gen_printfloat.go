// Generates src/tests/gc_printfloat.txt: each line is a float64's IEEE bits (decimal) and
// gc's println output for it. Run: go run testdata/gen_printfloat.go 2> src/tests/gc_printfloat.txt

package main

import "math"

func main() {
	vals := []float64{0, math.Copysign(0, -1), 1, -1, 1.5, -1.5, 0.1, 0.2, 0.3, 1.0 / 3, 2.0 / 3, 10, 100, 1e6, 1e7, 1e-7,
		123456789, 9.9999995, 9.999999, 9.9999994, 9.99999949999, 99999995, 0.5, 0.25, 1e100, 1e-100, 1e300, 1e-300,
		1e308, 1.7976931348623157e308, 5e-324, 2.2250738585072014e-308, 1e22, 1e23, 3.141592653589793, 2.718281828459045,
		0.999999949, 0.99999995, 0.9999999, 1234.5678, -98765.4321, 6.02214076e23, 1.602176634e-19, 4294967296, 18446744073709551616,
		-9223372036854775808, 0.01, 0.001, 7, 8, 9, 11, 15.5, 1e15, 1e16, 1e17, 123e-20, 45.678e30,
		float64(float32(0.1)), float64(float32(1.0 / 3)), float64(float32(16777217)), float64(float32(3.4e38)), float64(float32(1.4e-45)),
		math.NaN(), math.Inf(1), math.Inf(-1)}
	x := uint64(0x9E3779B97F4A7C15)
	for i := 0; i < 300; i++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		f := math.Float64frombits(x)
		if f != f {
			continue
		}
		vals = append(vals, f)
	}
	y := uint64(12345)
	for i := 0; i < 200; i++ {
		y = y*6364136223846793005 + 1442695040888963407
		vals = append(vals, float64(y>>11)/float64(1<<53)*math.Pow(10, float64(int(y%40))-20))
	}
	for _, v := range vals {
		println(math.Float64bits(v), v)
	}
}
