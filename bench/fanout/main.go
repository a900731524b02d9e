// fanout: a CPU-bound job split into 256 independent pieces handed to one goroutine per
// piece, results gathered over a channel — how work spreads over GOMAXPROCS Ps.
package main

// collatz returns the total number of Collatz steps for every start value in [lo, hi).
func collatz(lo, hi int) int {
	total := 0
	for n := lo; n < hi; n++ {
		x := n
		for x != 1 {
			if x&1 == 0 {
				x >>= 1
			} else {
				x = 3*x + 1
			}
			total++
		}
	}
	return total
}

func main() {
	const pieces = 256
	const per = 48000
	results := make(chan int, pieces)
	for p := 0; p < pieces; p++ {
		go func(p int) {
			results <- collatz(1+p*per, 1+(p+1)*per)
		}(p)
	}
	sum := 0
	for p := 0; p < pieces; p++ {
		sum += <-results
	}
	println("steps", sum)
}
