// Unbounded recursion ends in a fatal stack overflow (exit status 2), not a crash.

package main

func recurse(n int) int {
	return recurse(n+1) + 1
}

func main() {
	println("start")
	println(recurse(0))
}
