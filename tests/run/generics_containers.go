// Generic container types: methods are compiled once per instantiation.
package main

type Stack[T any] struct {
	items []T
}

func (s *Stack[T]) Push(x T) { s.items = append(s.items, x) }

func (s *Stack[T]) Pop() (T, bool) {
	var zero T
	if len(s.items) == 0 {
		return zero, false
	}
	x := s.items[len(s.items)-1]
	s.items = s.items[:len(s.items)-1]
	return x, true
}

func (s Stack[T]) Len() int { return len(s.items) }

type node[T any] struct {
	val  T
	next *node[T]
}

// Queue is a linked list with a tail pointer.
type Queue[T any] struct {
	head, tail *node[T]
	n          int
}

func (q *Queue[T]) Put(x T) {
	nd := &node[T]{val: x}
	if q.tail == nil {
		q.head = nd
	} else {
		q.tail.next = nd
	}
	q.tail = nd
	q.n++
}

func (q *Queue[T]) Get() (T, bool) {
	if q.head == nil {
		var zero T
		return zero, false
	}
	nd := q.head
	q.head = nd.next
	if q.head == nil {
		q.tail = nil
	}
	q.n--
	return nd.val, true
}

type Pair[K comparable, V any] struct {
	Key K
	Val V
}

type Set[T comparable] map[T]struct{}

func (s Set[T]) Add(x T)           { s[x] = struct{}{} }
func (s Set[T]) Has(x T) bool      { _, ok := s[x]; return ok }
func (s Set[T]) Len() int          { return len(s) }
func NewSet[T comparable]() Set[T] { return make(Set[T]) }

type Lener interface{ Len() int }

type point struct{ x, y int }

func main() {
	var si Stack[int]
	for i := 0; i < 5; i++ {
		si.Push(i * i)
	}
	println("int stack len", si.Len())
	for {
		x, ok := si.Pop()
		if !ok {
			break
		}
		print(x, " ")
	}
	println()

	ss := &Stack[string]{}
	ss.Push("a")
	ss.Push("b")
	top, _ := ss.Pop()
	println("string stack top", top, ss.Len())

	var sp Stack[point]
	sp.Push(point{1, 2})
	sp.Push(point{3, 4})
	p, _ := sp.Pop()
	println("point", p.x, p.y)

	var q Queue[Pair[string, int]]
	q.Put(Pair[string, int]{"one", 1})
	q.Put(Pair[string, int]{"two", 2})
	q.Put(Pair[string, int]{Key: "three", Val: 3})
	println("queue len", q.n)
	for {
		kv, ok := q.Get()
		if !ok {
			break
		}
		println(kv.Key, kv.Val)
	}

	s := NewSet[string]()
	s.Add("x")
	s.Add("y")
	s.Add("x")
	println("set", s.Len(), s.Has("x"), s.Has("z"))

	// Instantiated types satisfy interfaces through their own method tables.
	var ls []Lener
	ls = append(ls, si, Stack[string]{items: []string{"p", "q", "r"}}, s)
	for _, l := range ls {
		print(l.Len(), " ")
	}
	println()

	// Many small allocations of an instantiated type.
	var big Queue[[]int]
	total := 0
	for i := 0; i < 100000; i++ {
		big.Put([]int{i, i + 1})
		if i%2 == 0 {
			v, _ := big.Get()
			total += v[1]
		}
	}
	println("big", big.n, total)
}
