package main

type K struct {
	a int
	s string
}

func main() {
	m := make(map[string]int)
	m["a"] = 1
	m["b"] += 2
	m["a"]++
	println(len(m), m["a"], m["b"], m["zz"])
	v, ok := m["b"]
	println(v, ok)
	_, ok = m["q"]
	println(ok)
	delete(m, "a")
	println(len(m))
	sk := map[K]string{{1, "x"}: "one", {2, "y"}: "two"}
	println(sk[K{1, "x"}], sk[K{2, "y"}], len(sk))
	sum := 0
	big := map[int]int{}
	for i := 0; i < 1000; i++ {
		big[i] = i * 2
	}
	for k, v := range big {
		sum += k + v
	}
	println(sum, len(big))
	var nm map[string]bool
	println(nm["x"], len(nm))
	mi := map[interface{}]int{1: 1, "s": 2}
	println(mi[1], mi["s"])
	defer func() { println(recover() != nil) }()
	nm["x"] = true
}
