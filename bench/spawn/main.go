// spawn: 1M short-lived goroutines, started in batches of 1000 and joined per batch.
package main

func main() {
	const total, batch = 1000000, 1000
	done := make(chan int, batch)
	sum := 0
	for b := 0; b < total/batch; b++ {
		for i := 0; i < batch; i++ {
			go func(v int) { done <- v & 1 }(i)
		}
		for i := 0; i < batch; i++ {
			sum += <-done
		}
	}
	println(sum)
}
