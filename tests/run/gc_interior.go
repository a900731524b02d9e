// GC stress: objects kept alive only by interior pointers held in local variables
// (into an array element, a struct field, a sub-slice), across many collections.
package main

type big struct {
	pad  [100]int
	mid  int
	tail [50]*int
}

func fill(n int) *big {
	b := &big{}
	for i := range b.pad {
		b.pad[i] = n + i
	}
	b.mid = n * 7
	for i := range b.tail {
		v := n + i
		b.tail[i] = &v
	}
	return b
}

func churn(k int) int {
	s := 0
	for i := 0; i < k; i++ {
		x := make([]int, 64)
		x[3] = i
		s += x[3]
	}
	return s
}

func main() {
	ok := true
	for round := 0; round < 40; round++ {
		mid := &fill(round).mid          // a field in the middle of the object
		elem := &fill(round + 1).pad[99] // the last element of an array field
		sub := make([]int, 1000)[500:501] // a sub-slice starting mid-object
		sub[0] = round
		tailp := fill(round + 2).tail[49] // a pointer read out of a dead object
		churn(2000)
		if *mid != round*7 || *elem != round+1+99 || sub[0] != round || *tailp != round+2+49 {
			println("BUG: round", round, *mid, *elem, sub[0], *tailp)
			ok = false
		}
	}
	println("interior ok", ok)
}
