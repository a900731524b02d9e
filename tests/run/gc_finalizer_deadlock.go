// A program whose goroutines are all blocked dies of a deadlock even though the
// finalizer goroutine exists (it is a system goroutine while it waits), and NumGoroutine
// does not count it.
package main

import "runtime"

type T struct{ n int }

func main() {
	for i := 0; i < 10; i++ {
		runtime.SetFinalizer(&T{i}, func(*T) {})
	}
	runtime.GC()
	runtime.GC()
	println("goroutines:", runtime.NumGoroutine())
	c := make(chan int)
	<-c
}
