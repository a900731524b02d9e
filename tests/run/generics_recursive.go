// Recursive generic types and functions, generic calling generic.
package main

type Ordered interface {
	~int | ~int64 | ~float64 | ~string
}

type Tree[T Ordered] struct {
	root *treeNode[T]
	size int
}

type treeNode[T Ordered] struct {
	val         T
	left, right *treeNode[T]
}

func (t *Tree[T]) Insert(v T) bool {
	p := &t.root
	for *p != nil {
		switch {
		case v < (*p).val:
			p = &(*p).left
		case v > (*p).val:
			p = &(*p).right
		default:
			return false
		}
	}
	*p = &treeNode[T]{val: v}
	t.size++
	return true
}

func (n *treeNode[T]) walk(f func(T)) {
	if n == nil {
		return
	}
	n.left.walk(f)
	f(n.val)
	n.right.walk(f)
}

func (t *Tree[T]) Walk(f func(T)) { t.root.walk(f) }

func Height[T Ordered](n *treeNode[T]) int {
	if n == nil {
		return 0
	}
	l, r := Height(n.left), Height(n.right)
	if l > r {
		return l + 1
	}
	return r + 1
}

// List is a persistent cons list.
type List[T any] struct {
	head T
	tail *List[T]
}

func Cons[T any](x T, l *List[T]) *List[T] { return &List[T]{x, l} }

func Len[T any](l *List[T]) int {
	if l == nil {
		return 0
	}
	return 1 + Len(l.tail)
}

func Reverse[T any](l *List[T]) *List[T] {
	var r *List[T]
	for ; l != nil; l = l.tail {
		r = Cons(l.head, r)
	}
	return r
}

func MapList[T, U any](l *List[T], f func(T) U) *List[U] {
	if l == nil {
		return nil
	}
	return Cons(f(l.head), MapList(l.tail, f))
}

func Fib[T ~int | ~int64](n T) T {
	if n < 2 {
		return n
	}
	return Fib(n-1) + Fib(n-2)
}

type Graph[K comparable] struct {
	edges map[K][]K
}

func (g *Graph[K]) Reach(from K, seen map[K]bool) {
	if seen[from] {
		return
	}
	seen[from] = true
	for _, to := range g.edges[from] {
		g.Reach(to, seen)
	}
}

func main() {
	var t Tree[int]
	for _, v := range []int{50, 30, 70, 20, 40, 60, 80, 30} {
		t.Insert(v)
	}
	t.Walk(func(v int) { print(v, " ") })
	println()
	println("size", t.size, "height", Height(t.root))

	var ts Tree[string]
	for _, w := range []string{"pear", "apple", "fig"} {
		ts.Insert(w)
	}
	ts.Walk(func(s string) { print(s, " ") })
	println()

	var l *List[int]
	for i := 1; i <= 5; i++ {
		l = Cons(i, l)
	}
	println("len", Len(l))
	for r := Reverse(l); r != nil; r = r.tail {
		print(r.head, " ")
	}
	println()
	sl := MapList(l, func(i int) string { return string(rune('A' + i)) })
	for ; sl != nil; sl = sl.tail {
		print(sl.head)
	}
	println()

	println("fib", Fib(20), Fib(int64(30)))

	g := &Graph[string]{edges: map[string][]string{
		"a": {"b", "c"}, "b": {"d"}, "c": {"d", "a"}, "e": {"a"},
	}}
	seen := map[string]bool{}
	g.Reach("a", seen)
	println("reach", len(seen), seen["d"], seen["e"])

	// Build and drop many trees: instantiated types allocate like any other.
	total := 0
	for k := 0; k < 200; k++ {
		var tt Tree[int64]
		for i := int64(0); i < 500; i++ {
			tt.Insert((i * 7919) % 1000)
		}
		total += tt.size
	}
	println("total", total)
}
