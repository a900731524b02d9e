// parked: 1M goroutines blocked on one channel, then released; peak memory is the point.
package main

func main() {
	const n = 1000000
	gate := make(chan struct{})
	done := make(chan int, 1024)
	for i := 0; i < n; i++ {
		go func() {
			<-gate
			done <- 1
		}()
	}
	close(gate)
	sum := 0
	for i := 0; i < n; i++ {
		sum += <-done
	}
	println(sum)
}
