// GC stress: a long-lived binary tree plus many short-lived ones (allocation churn);
// node counts must match at every depth.
package main

type Node struct{ l, r *Node }

func make_(d int) *Node {
	if d == 0 {
		return &Node{}
	}
	return &Node{make_(d - 1), make_(d - 1)}
}

func (n *Node) check() int {
	if n.l == nil {
		return 1
	}
	return 1 + n.l.check() + n.r.check()
}

func main() {
	n := 16
	long := make_(n)
	for d := 4; d <= n; d += 2 {
		iters := 1 << (n - d + 4)
		c := 0
		for i := 0; i < iters; i++ {
			c += make_(d).check()
		}
		println(iters, d, c)
	}
	println("long", long.check())
}
