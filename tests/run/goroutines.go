package main

func worker(id int, in <-chan int, out chan<- int) {
	for v := range in {
		out <- v * id
	}
}

type acc struct{ total int }

func (a *acc) add(ch chan int, done chan bool) {
	for v := range ch {
		a.total += v
	}
	done <- true
}

func main() {
	in := make(chan int)
	out := make(chan int, 10)
	for i := 1; i <= 3; i++ {
		go worker(i, in, out)
	}
	go func() {
		for i := 0; i < 30; i++ {
			in <- 1
		}
		close(in)
	}()
	sum := 0
	for i := 0; i < 30; i++ {
		sum += <-out
	}
	println(sum >= 30, sum <= 90)
	a := &acc{}
	ch := make(chan int)
	done := make(chan bool)
	go a.add(ch, done)
	for i := 0; i < 100; i++ {
		ch <- i
	}
	close(ch)
	<-done
	println(a.total)
	c1 := make(chan string)
	c2 := make(chan string)
	// The second sender starts only after the first message arrived, so the output order
	// is fixed.
	go func() { c1 <- "one" }()
	for got := 0; got < 2; got++ {
		select {
		case m := <-c1:
			println("c1", m)
			go func() { c2 <- "two" }()
		case m, ok := <-c2:
			println("c2", m, ok)
		}
	}
	select {
	case v := <-c1:
		println("unexpected", v)
	default:
		println("default")
	}
	close(out)
	v, ok := <-out
	println(len(out), v, ok)
}
