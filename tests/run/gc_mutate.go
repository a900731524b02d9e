// GC stress: lists and trees shared by several goroutines are mutated (pointer stores
// into old heap objects, unlinking and relinking) while the collector marks; garbage
// allocation keeps cycles running. Checksums must be intact at the end.
package main

type node struct {
	val  int
	next *node
	kids [2]*tree
}

type tree struct {
	l, r *tree
	v    int
}

func build(d, v int) *tree {
	if d == 0 {
		return &tree{v: v}
	}
	return &tree{build(d-1, 2*v), build(d-1, 2*v+1), v}
}

func sum(t *tree) int {
	if t == nil {
		return 0
	}
	return t.v + sum(t.l) + sum(t.r)
}

type list struct {
	head *node
	n    int
}

func (l *list) push(v int) {
	l.head = &node{val: v, next: l.head}
	l.n++
}

// rotate moves the head to the tail: every node stays reachable only through pointers
// that are rewritten while the collector may be marking.
func (l *list) rotate() {
	if l.head == nil || l.head.next == nil {
		return
	}
	h := l.head
	l.head = h.next
	h.next = nil
	t := l.head
	for t.next != nil {
		t = t.next
	}
	t.next = h
}

func (l *list) sum() int {
	s := 0
	for p := l.head; p != nil; p = p.next {
		s += p.val
		for _, k := range p.kids {
			s += sum(k)
		}
	}
	return s
}

var sink []*tree

func worker(id int, lists []*list, done chan int) {
	total := 0
	for round := 0; round < 300; round++ {
		l := lists[(id+round)%len(lists)]
		_ = l
		// Garbage: short-lived trees.
		for i := 0; i < 4; i++ {
			total += sum(build(5, i))
		}
		sink = append(sink[:0], build(3, round))
	}
	done <- total
}

func main() {
	const nlists = 4
	lists := make([]*list, nlists)
	for i := range lists {
		lists[i] = &list{}
		for j := 0; j < 50; j++ {
			lists[i].push(i*1000 + j)
			lists[i].head.kids[j%2] = build(3, j)
		}
	}
	want := make([]int, nlists)
	for i, l := range lists {
		want[i] = l.sum()
	}
	done := make(chan int)
	for w := 0; w < 4; w++ {
		go worker(w, lists, done)
	}
	// The main goroutine mutates the shared structures while the workers allocate.
	for r := 0; r < 2000; r++ {
		l := lists[r%nlists]
		l.rotate()
		n := l.head
		// Swap subtrees between nodes: old pointers are deleted from live objects.
		n.kids[0], n.kids[1] = n.kids[1], n.kids[0]
		if n.next != nil {
			n.kids[0], n.next.kids[0] = n.next.kids[0], n.kids[0]
		}
		_ = build(2, r)
	}
	total := 0
	for w := 0; w < 4; w++ {
		total += <-done
	}
	println("workers", total)
	for i, l := range lists {
		if l.sum() != want[i] || l.n != 50 {
			println("BUG: list", i, l.sum(), want[i])
		}
	}
	println("lists ok")
}
