// 50000 goroutines park in channel operations; the program prints the stack memory they
// hold (MemStats.StackInuse per goroutine), then wakes them and checks their frames.
// crates/rgo/tests/memory.rs asserts that compaction brought it well below one page.
package main

import "runtime"

//go:noinline
func wait(depth int, c chan int) int {
	var local [16]int
	for i := range local {
		local[i] = depth + i
	}
	v := 0
	if depth > 0 {
		v = wait(depth-1, c)
	} else {
		v = <-c
	}
	for _, x := range local {
		v += x
	}
	return v
}

func main() {
	const n = 50000
	c := make(chan int)
	done := make(chan int, n)
	for i := 0; i < n; i++ {
		go func() { done <- wait(2, c) }()
	}
	for runtime.NumGoroutine() < n+1 {
		runtime.Gosched()
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	println("stack bytes per goroutine:", ms.StackInuse/n)
	for i := 0; i < n; i++ {
		c <- 1
	}
	sum := 0
	for i := 0; i < n; i++ {
		sum += <-done
	}
	println("sum:", sum)
}
