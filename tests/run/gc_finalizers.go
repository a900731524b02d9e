// GC stress test of finalizers: objects with finalizers become unreachable among lots of
// garbage; finalizers must run exactly once, see intact objects (and everything they
// reach), run in dependency order, stay away from reachable objects, and be cleared by a
// nil finalizer. The collector scans stacks conservatively, so counts are checked against
// bounds rather than exact values where a stale stack word could keep an object.
package main

import "runtime"

type Node struct {
	id    int
	left  *Node
	right *Node
	vals  []int
}

type Pair struct{ a, b int }

type Valuer interface{ Value() int }

func (n *Node) Value() int { return n.id }

var (
	finalized  int
	sumSeen    int
	badTree    int
	order      []string
	resurrect  *Node
	resurRuns  int
	reachable  []*Node
	ifaceRuns  int
	clearedRan int
)

func tree(depth, id int) *Node {
	if depth == 0 {
		return &Node{id: id, vals: []int{id, id * 2}}
	}
	return &Node{id: id, left: tree(depth-1, 2*id), right: tree(depth-1, 2*id+1), vals: make([]int, 8)}
}

func sum(n *Node) int {
	if n == nil {
		return 0
	}
	s := n.id + sum(n.left) + sum(n.right)
	for _, v := range n.vals {
		s += v
	}
	return s
}

// churn allocates enough garbage to trigger several cycles at GOGC=5. (Goroutines call
// it concurrently: it keeps its garbage in a local.)
func churn(n int) {
	var garbage [][]byte
	for i := 0; i < n; i++ {
		garbage = append(garbage, make([]byte, 512))
		if len(garbage) > 64 {
			garbage = nil
		}
		_ = tree(2, i)
	}
}

// waitFor runs collections until cond holds (or gives up).
func waitFor(cond func() bool) bool {
	for i := 0; i < 200; i++ {
		if cond() {
			return true
		}
		runtime.GC()
		runtime.Gosched()
	}
	return cond()
}

func makeFinalized(n int, want []int) {
	for i := 0; i < n; i++ {
		t := tree(3, i)
		want[i] = sum(t)
		id := i
		runtime.SetFinalizer(t, func(t *Node) {
			finalized++
			s := sum(t)
			sumSeen += s
			if s != want[id] {
				badTree++
			}
		})
		churn(4)
	}
}

func manyFinalizers() {
	const n = 400
	want := make([]int, n)
	makeFinalized(n, want)
	churn(200)
	ok := waitFor(func() bool { return finalized >= n-8 })
	println("many: finalizers ran:", ok, "intact:", badTree == 0, "at most once:", finalized <= n)
}

func makeChain() {
	a := &Node{id: 1}
	b := &Node{id: 2}
	a.left = b
	runtime.SetFinalizer(a, func(n *Node) { order = append(order, "a") })
	runtime.SetFinalizer(b, func(n *Node) { order = append(order, "b") })
}

func chain() {
	makeChain()
	churn(50)
	ok := waitFor(func() bool { return len(order) == 2 })
	println("chain: both ran:", ok, "dependency order:", len(order) == 2 && order[0] == "a" && order[1] == "b")
}

func makeResurrect() {
	n := tree(4, 7)
	runtime.SetFinalizer(n, func(n *Node) {
		resurrect = n
		resurRuns++
	})
}

func resurrection() {
	makeResurrect()
	churn(50)
	ok := waitFor(func() bool { return resurrect != nil })
	want := sum(tree(4, 7))
	churn(200)
	runtime.GC()
	runtime.GC()
	println("resurrect: ran:", ok, "intact after more cycles:", resurrect != nil && sum(resurrect) == want)
	// The finalizer ran once and its record is gone: dropping the object again frees it
	// without running anything.
	resurrect = nil
	churn(50)
	for i := 0; i < 5; i++ {
		runtime.GC()
		runtime.Gosched()
	}
	println("resurrect: runs:", resurRuns)
}

func reachableObjects() {
	runs := 0
	for i := 0; i < 50; i++ {
		n := &Node{id: i}
		reachable = append(reachable, n)
		runtime.SetFinalizer(n, func(*Node) { runs++ })
	}
	churn(300)
	for i := 0; i < 5; i++ {
		runtime.GC()
		runtime.Gosched()
	}
	ids := 0
	for i, n := range reachable {
		if n.id == i {
			ids++
		}
	}
	println("reachable: finalizers run:", runs, "objects intact:", ids)
	for _, n := range reachable {
		runtime.SetFinalizer(n, nil)
	}
	reachable = nil
	churn(100)
	for i := 0; i < 5; i++ {
		runtime.GC()
		runtime.Gosched()
	}
	println("cleared: finalizers run:", runs)
}

func makeIface() {
	for i := 0; i < 20; i++ {
		n := &Node{id: i}
		switch i % 3 {
		case 0:
			runtime.SetFinalizer(n, func(v Valuer) {
				if v.Value() >= 0 {
					ifaceRuns++
				}
			})
		case 1:
			runtime.SetFinalizer(n, func(x any) {
				if _, ok := x.(*Node); ok {
					ifaceRuns++
				}
			})
		default:
			// Results are ignored, memory-typed ones too.
			runtime.SetFinalizer(n, func(p *Node) (Pair, int) {
				if p.id >= 0 {
					ifaceRuns++
				}
				return Pair{p.id, p.id}, p.id
			})
		}
	}
}

func ifaceParams() {
	makeIface()
	churn(100)
	ok := waitFor(func() bool { return ifaceRuns >= 18 })
	println("param and result kinds: ran:", ok, "at most once:", ifaceRuns <= 20)
}

func makeCleared() {
	for i := 0; i < 20; i++ {
		n := &Node{id: i}
		runtime.SetFinalizer(n, func(*Node) { clearedRan++ })
		runtime.SetFinalizer(n, nil)
	}
}

var concRuns int

func concurrentSetters() {
	const workers, per = 4, 100
	done := make(chan bool)
	for w := 0; w < workers; w++ {
		go func(w int) {
			for i := 0; i < per; i++ {
				n := tree(2, w*per+i)
				runtime.SetFinalizer(n, func(*Node) { concRuns++ })
				churn(2)
			}
			done <- true
		}(w)
	}
	for w := 0; w < workers; w++ {
		<-done
	}
	churn(100)
	ok := waitFor(func() bool { return concRuns >= workers*per-16 })
	println("concurrent setters: ran:", ok, "at most once:", concRuns <= workers*per)
}

var goDeferSum int

func makeGoDefer() {
	t := &Node{id: 5}
	defer runtime.SetFinalizer(t, func(n *Node) { goDeferSum += n.id })
	u := &Node{id: 100}
	go runtime.SetFinalizer(u, func(n *Node) { goDeferSum += n.id })
}

func goDefer() {
	makeGoDefer()
	churn(50)
	ok := waitFor(func() bool { return goDeferSum == 105 })
	println("go and defer SetFinalizer: ran:", ok)
}

func main() {
	manyFinalizers()
	goDefer()
	concurrentSetters()
	chain()
	resurrection()
	reachableObjects()
	ifaceParams()
	makeCleared()
	churn(100)
	runtime.GC()
	runtime.GC()
	println("set then cleared: ran:", clearedRan)
	println("goroutines:", runtime.NumGoroutine())
}
