// Goroutines parked long enough to have their stacks compacted (copied out, pages given
// back) and later woken by every kind of channel operation: values received into and sent
// from their stack slots, selects, close, and heap objects reachable only from their
// parked frames across collections. 20000 fresh stacks make several compaction passes.
package main

import "runtime"

type node struct {
	id   int
	vals []int
	next *node
}

func makeList(id, n int) *node {
	var head *node
	for i := 0; i < n; i++ {
		head = &node{id: id, vals: []int{id, i, id * i}, next: head}
	}
	return head
}

func listSum(l *node) int {
	s := 0
	for ; l != nil; l = l.next {
		s += l.id + l.vals[0] + l.vals[1] + l.vals[2]
	}
	return s
}

// park recurses so that several frames with live locals sit above the parked one.
func park(depth, id int, in, out, sel1, sel2 chan int, quit chan struct{}) int {
	var local [8]int
	for i := range local {
		local[i] = id*31 + i + depth
	}
	l := makeList(id, 3)
	r := 0
	if depth > 0 {
		r = park(depth-1, id, in, out, sel1, sel2, quit)
	} else {
		switch id % 5 {
		case 0:
			r = <-in
		case 1:
			out <- id * 7
			r = 1
		case 2:
			select {
			case v := <-sel1:
				r = v
			case v := <-sel2:
				r = -v
			}
		case 3:
			<-quit
			r = 1000
		case 4:
			v, ok := <-in2
			if !ok {
				r = 2000 + v
			}
		}
	}
	s := 0
	for _, v := range local {
		s += v
	}
	return r + s + listSum(l)
}

var in2 = make(chan int)

func expect(depth, id, r int) int {
	total := r
	for d := 0; d <= depth; d++ {
		for i := 0; i < 8; i++ {
			total += id*31 + i + d
		}
		for i := 0; i < 3; i++ {
			total += id + id + i + id*i
		}
	}
	return total
}

func main() {
	const n = 20000
	in, out := make(chan int), make(chan int)
	sel1, sel2 := make(chan int), make(chan int)
	quit := make(chan struct{})
	results := make(chan [2]int, n)
	for id := 0; id < n; id++ {
		go func(id int) {
			depth := id % 4
			results <- [2]int{id, park(depth, id, in, out, sel1, sel2, quit)}
		}(id)
	}
	// Let every goroutine park, then collect, so marking runs over compacted stacks.
	for runtime.NumGoroutine() < n+1 {
		runtime.Gosched()
	}
	for i := 0; i < 3; i++ {
		runtime.GC()
		runtime.Gosched()
	}
	// Wake them: sends into receivers' stack slots, receives from senders' slots.
	sentOut := 0
	for id := 0; id < n; id += 5 {
		in <- id + 5
	}
	for id := 1; id < n; id += 5 {
		v := <-out
		sentOut += v
	}
	for id := 2; id < n; id += 5 {
		// Either case may be chosen; the receiver reports the sign.
		if id%2 == 0 {
			sel1 <- id * 3
		} else {
			sel2 <- id * 3
		}
	}
	close(quit)
	close(in2)
	// Which receiver gets which value is up to the scheduler; the sum of what they got
	// is not, and each goroutine's own frames must be intact.
	gotR, wantR, bad := 0, 0, 0
	for i := 0; i < n; i++ {
		res := <-results
		id := res[0]
		r := res[1] - expect(id%4, id, 0)
		fixed := map[int]int{1: 1, 3: 1000, 4: 2000}
		if w, ok := fixed[id%5]; ok && r != w {
			bad++
			if bad < 5 {
				println("goroutine", id, "got", r, "want", w)
			}
		}
		gotR += r
		switch id % 5 {
		case 0:
			wantR += id + 5
		case 1:
			wantR += 1
		case 2:
			if id%2 == 0 {
				wantR += id * 3
			} else {
				wantR -= id * 3
			}
		case 3:
			wantR += 1000
		case 4:
			wantR += 2000
		}
	}
	wantOut := 0
	for id := 1; id < n; id += 5 {
		wantOut += id * 7
	}
	println("bad:", bad, "sums equal:", gotR == wantR, "sent values:", sentOut == wantOut)
}
