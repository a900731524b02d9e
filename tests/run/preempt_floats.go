// Preemption in the middle of float loops: with GOMAXPROCS=1 the goroutines below are
// switched at their loop back-edge polls (sysmon asks after 10 ms) while their running
// sums live in vector registers; every sum must come out as if run alone.
package main

func work(seed float64, n int) float64 {
	a, b, c := seed, seed*0.5, seed*0.25
	for i := 0; i < n; i++ {
		a = a*0.999999 + b*1e-6
		b = b*0.999998 + c*2e-6
		c = c*0.999997 + a*3e-6
	}
	return a + b + c
}

func main() {
	const n = 30000000
	const k = 4
	want := make([]float64, k)
	for i := range want {
		want[i] = work(float64(i+1), n/10)
	}
	got := make(chan [2]float64, k)
	for i := 0; i < k; i++ {
		go func(i int) {
			// Long enough to be preempted many times, then the short reference run.
			work(float64(i+1), n)
			got <- [2]float64{float64(i), work(float64(i+1), n/10)}
		}(i)
	}
	ok := true
	for i := 0; i < k; i++ {
		r := <-got
		if r[1] != want[int(r[0])] {
			println("BUG: goroutine", int(r[0]), r[1], want[int(r[0])])
			ok = false
		}
	}
	println("floats intact:", ok)
}
