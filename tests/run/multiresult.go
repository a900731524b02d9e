// Functions with multiple results, named results and the blank identifier.

package main

func swap(a, b int) (int, int) { return b, a }

func divmod(a, b int) (q, r int) {
	q = a / b
	r = a % b
	return
}

func three() (int, string, bool) { return 1, "two", true }

func pass() (int, int) { return swap(1, 2) }

func named() (x int) {
	x = 10
	x *= 2
	return x + 1
}

func main() {
	a, b := swap(1, 2)
	println(a, b)
	a, b = b, a
	println(a, b)
	q, r := divmod(17, 5)
	println(q, r)
	_, r2 := divmod(20, 6)
	println(r2)
	i, s, ok := three()
	println(i, s, ok)
	println(pass())
	println(named())
	x, y, z := 1, 2, 3
	x, y, z = z, x, y
	println(x, y, z)
}
