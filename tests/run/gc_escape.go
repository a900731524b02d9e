// Escape analysis under GC stress: values the analysis keeps in the frame must stay
// intact while the collector runs (a wrong stack allocation shows up as corrupted or
// shared values), and values it moves to the heap must outlive their frames.
package main

type node struct {
	val  int
	next *node
	buf  [4]int
}

var global *node
var keep []*int

// churn allocates garbage so that GOGC=5 starts collections between the checks.
//
//go:noinline
func churn(n int) int {
	s := 0
	for i := 0; i < n; i++ {
		b := make([]byte, 64+i%200)
		b[0] = byte(i)
		s += int(b[0])
		p := &node{val: i}
		global2 = p
	}
	return s
}

var global2 *node

//go:noinline
func add(p *int, d int) { *p += d }

//go:noinline
func sumList(n *node) int {
	s := 0
	for ; n != nil; n = n.next {
		s += n.val
	}
	return s
}

//go:noinline
func ptrTo(x int) *int { return &x }

//go:noinline
func fill(s []int) {
	for i := range s {
		s[i] = i * i
	}
}

// Address-taken locals that do not escape: passed to a function that only writes
// through them.
func locals() {
	x := 1
	for i := 0; i < 100; i++ {
		add(&x, i)
		churn(10)
	}
	println("locals", x)
}

// A list built from &T{} inside one frame: it never escapes.
func stackList() {
	var head *node
	a := &node{val: 1}
	b := &node{val: 2, next: a}
	c := &node{val: 3, next: b}
	head = c
	churn(2000)
	println("stackList", sumList(head), a.val, b.next.val)
}

// Per-iteration variables whose addresses outlive the iteration must be distinct.
func loopAddrs() {
	var ps []*int
	for i := 0; i < 5; i++ {
		v := i * 10
		ps = append(ps, &v)
	}
	churn(2000)
	for _, p := range ps {
		print(*p, " ")
	}
	println()
	// &T{} in a loop that does not outlive the iteration: fresh and zeroed each time.
	total := 0
	for i := 0; i < 5; i++ {
		n := &node{}
		n.buf[i%4] += i
		total += n.buf[0] + n.buf[1] + n.buf[2] + n.buf[3]
		q := new(int)
		*q += i
		total += *q
	}
	println("loop", total)
}

// Pointers returned from functions and stored in globals must be heap memory.
func outlive() {
	p := ptrTo(42)
	global = &node{val: 7}
	keep = append(keep, ptrTo(1), ptrTo(2))
	churn(5000)
	println("outlive", *p, global.val, *keep[0], *keep[1])
}

// Closures: captured by value, by reference, escaping and not.
func closures() func() int {
	a := 5
	b := 0
	inc := func() { b++ }
	for i := 0; i < 10; i++ {
		inc()
	}
	read := func() int { return a + b }
	churn(1000)
	println("closures", read(), b)
	counter := 0
	return func() int {
		counter++
		return counter * a
	}
}

// Small constant-size make and slice literals that stay in the frame.
func slices() {
	s := make([]int, 16)
	fill(s)
	lit := []int{1, 2, 3, 4}
	churn(2000)
	println("slices", s[15], lit[3], len(s))
	var arr [8]int
	fill(arr[:])
	println("array", arr[7])
}

// A deferred closure outside loops keeps its captured variables in the frame; in a loop
// its arguments are heap memory.
func defers() (r int) {
	x := 3
	defer func() {
		r = x * 2
	}()
	for i := 0; i < 3; i++ {
		v := i
		defer add(&v, 0)
	}
	x = 4
	return 0
}

// Goroutines receive heap copies.
func goroutines() {
	done := make(chan int)
	for i := 0; i < 4; i++ {
		v := i
		go func() {
			churn(100)
			done <- v * 100
		}()
	}
	s := 0
	for i := 0; i < 4; i++ {
		s += <-done
	}
	println("goroutines", s)
}

func main() {
	locals()
	stackList()
	loopAddrs()
	outlive()
	f := closures()
	churn(1000)
	println("counter", f(), f())
	slices()
	println("defers", defers())
	goroutines()
}
