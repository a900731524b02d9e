// for loops with break, continue and labels.

package main

func main() {
	sum := 0
	for i := 0; i < 10; i++ {
		if i%2 == 0 {
			continue
		}
		sum += i
	}
	println("odd sum", sum)

	n := 0
	for {
		n++
		if n == 5 {
			break
		}
	}
	println("n", n)

	k := 10
	for k > 0 {
		k -= 3
	}
	println("k", k)

outer:
	for i := 0; i < 4; i++ {
		for j := 0; j < 4; j++ {
			if j == 2 {
				continue outer
			}
			if i == 3 {
				break outer
			}
			println("i j", i, j)
		}
	}

	// Nested loops with an unlabeled break only leave the inner loop.
	count := 0
	for i := 0; i < 3; i++ {
		for j := 0; ; j++ {
			if j > i {
				break
			}
			count++
		}
	}
	println("count", count)

	// Primes below 50 by trial division.
	for p := 2; p < 50; p++ {
		prime := true
		for d := 2; d*d <= p; d++ {
			if p%d == 0 {
				prime = false
				break
			}
		}
		if prime {
			print(p, " ")
		}
	}
	println()
}
