// Objects reachable only through other heap objects survive many back-to-back
// collections. Regression test: the background sweeper (an OS thread that
// stop-the-world does not stop) could read sweepgen, stall across a mark termination,
// then pop a span already swept for the new cycle and drop it from the span lists; the
// dropped span kept stale mark bits, its objects looked black and were never scanned,
// and what they pointed to was freed (GODEBUG=clobberfree=1 makes that visible).
package main

import "runtime"

type box struct{ p *[4]int }

var boxes []*box

func mk(k int) {
	c := new([4]int)
	c[0] = k
	boxes = append(boxes, &box{p: c})
}

func check(round, gc int) bool {
	for i, b := range boxes {
		if b.p[0] != i {
			println("round", round, "gc", gc, "box", i, "holds", b.p[0])
			return false
		}
	}
	return true
}

func main() {
	for round := 0; round < 30; round++ {
		for k := 0; k < 8; k++ {
			mk(k)
		}
		for i := 0; i < 20; i++ {
			runtime.GC()
			if !check(round, i) {
				return
			}
		}
		boxes = make([]*box, 0, 8)
	}
	println("ok")
}
