// Recursion.

package main

func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}

func fact(n uint64) uint64 {
	if n == 0 {
		return 1
	}
	return n * fact(n-1)
}

// Mutual recursion.
func even(n int) bool {
	if n == 0 {
		return true
	}
	return odd(n - 1)
}

func odd(n int) bool {
	if n == 0 {
		return false
	}
	return even(n - 1)
}

func main() {
	for i := 0; i <= 30; i += 5 {
		println(i, fib(i))
	}
	println(fact(20), fact(21))
	println(even(1000), odd(1000), even(7))
}
