// Escape analysis: small values whose addresses are taken but never outlive the frame.
// A loop passes &local to a function that only reads and writes through it, builds small
// &T{} values and short slices that die with the iteration, and calls a closure that
// captures locals. With escape analysis none of them allocates; without it every
// iteration allocates several heap objects.
package main

type vec struct{ x, y, z float64 }

//go:noinline
func addTo(acc *vec, v *vec) {
	acc.x += v.x
	acc.y += v.y
	acc.z += v.z
}

//go:noinline
func norm1(v *vec) float64 {
	s := v.x
	if v.y > 0 {
		s += v.y
	} else {
		s -= v.y
	}
	return s + v.z
}

//go:noinline
func sum(xs []int) int {
	s := 0
	for _, x := range xs {
		s += x
	}
	return s
}

func main() {
	var acc vec
	total := 0.0
	n := 0
	for i := 0; i < 20000000; i++ {
		f := float64(i & 1023)
		v := &vec{f, -f, 1}
		addTo(&acc, v)
		total += norm1(v)
		k := i & 7
		buf := []int{k, k + 1, k + 2, k + 3}
		n += sum(buf)
		step := func() int { return k + n&1 }
		n += step()
	}
	println(int64(acc.x), int64(acc.y), int64(acc.z), int64(total), n)
}
