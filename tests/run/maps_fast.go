package main

// Map keys that take the runtime's fast paths (4-byte, 8-byte and string keys, also as
// one-field structs and small arrays) next to keys that do not, and `m[k] op= v`, which
// updates the element in place with one insertion.

type I32 struct{ v int32 }
type Pair [2]int32
type S struct{ s string }
type P struct{ a, b int32 }

var calls int

func f(m map[string]int, k string, v int) int {
	calls++
	m[k] = v
	return 1
}

// Map operations in a function that defers go through the runtime-call trampolines.
func deferring(m32 map[int32]int, ms map[string]int, k int32, s string) (r int) {
	defer func() {
		if e := recover(); e != nil {
			println("recovered:", e.(error).Error())
			r = -1
		}
	}()
	m32[k] += 5
	ms[s]++
	v, ok := m32[k]
	_, ok2 := ms[s+"x"]
	delete(ms, "zz")
	delete(m32, k+1)
	if k == 3 {
		var nm map[int32]int
		nm[k] = 1
	}
	n := v + ms[s] + m32[k]
	if ok {
		n += 100
	}
	if ok2 {
		n += 1000
	}
	return n
}

func try(name string, fn func()) {
	defer func() {
		if r := recover(); r != nil {
			println(name, "panic:", r.(error).Error())
		}
	}()
	fn()
}

func main() {
	m32 := map[int32]int{}
	mu32 := map[uint32]string{}
	m64 := map[int]int{}
	mp := map[*int]int{}
	ms := map[string]int{}
	mi32 := map[I32]int{}
	mpair := map[Pair]int{}
	mS := map[S]int{}
	mP := map[P]int{}
	mr := map[rune]int{}
	const N = 5000
	ptrs := make([]*int, 100)
	for i := range ptrs {
		ptrs[i] = new(int)
	}
	for i := 0; i < N; i++ {
		m32[int32(i*3)] += i
		mu32[uint32(i)] = "v"
		mu32[uint32(i)] += "w"
		m64[i*7] = i
		m64[i*7] *= 2
		mp[ptrs[i%100]]++
		ms["k"+string(rune('a'+i%26))+string(rune('a'+i/26%26))] += i
		mi32[I32{int32(i % 300)}]++
		mpair[Pair{int32(i % 40), int32(i % 7)}] |= 1 << uint(i%5)
		mS[S{string(rune('A' + i%50))}] -= i
		mP[P{int32(i), -int32(i)}] = i
		mr[rune(i%1000)] ^= i
	}
	println(len(m32), m32[0], m32[3], m32[int32(3*(N-1))], m32[1])
	println(len(mu32), mu32[0], mu32[N-1], mu32[N] == "")
	println(len(m64), m64[0], m64[7*(N-1)], m64[1])
	println(len(mp), mp[ptrs[0]], mp[ptrs[99]], mp[new(int)])
	println(len(ms), ms["kaa"], ms["kzz"], ms["kab"], ms["nope"])
	println(len(mi32), mi32[I32{0}], mi32[I32{299}], mi32[I32{300}])
	println(len(mpair), mpair[Pair{0, 0}], mpair[Pair{39, 6}], mpair[Pair{1, 1}])
	println(len(mS), mS[S{"A"}], mS[S{"r"}], mS[S{"?"}])
	println(len(mP), mP[P{10, -10}], mP[P{10, 10}])
	println(len(mr), mr[0], mr[999], mr[1000])

	// Comma-ok and deletes through every form.
	for i := 0; i < N; i += 2 {
		delete(m32, int32(i*3))
		delete(m64, i*7)
		delete(mu32, uint32(i))
		delete(mP, P{int32(i), -int32(i)})
	}
	delete(ms, "kaa")
	delete(mS, S{"A"})
	delete(mi32, I32{0})
	delete(mpair, Pair{0, 0})
	n := 0
	for i := 0; i < 2*N; i++ {
		if _, ok := m32[int32(i*3)]; ok {
			n++
		}
		if v, ok := m64[i*7]; ok && v == 2*i {
			n++
		}
		if _, ok := mu32[uint32(i)]; ok {
			n++
		}
		if _, ok := mP[P{int32(i), -int32(i)}]; ok {
			n++
		}
	}
	_, ok1 := ms["kaa"]
	_, ok2 := mS[S{"A"}]
	_, ok3 := mi32[I32{0}]
	_, ok4 := mpair[Pair{0, 0}]
	_, ok5 := ms["kab"]
	println(n, len(m32), len(m64), len(mu32), len(mP), ok1, ok2, ok3, ok4, ok5)

	// Sums over iteration (order-independent).
	s := 0
	for k, v := range m64 {
		s += k + v
	}
	for k, v := range ms {
		s += len(k) + v
	}
	println(s)

	// Updates in place while growing: every key is new, then updated again.
	g := map[string]string{}
	for i := 0; i < 3000; i++ {
		k := string(rune('a'+i%26)) + string(rune('0'+i%10)) + string(rune('A'+i/260))
		g[k] += k
		g[k] += "!"
	}
	println(len(g), g["a0A"], g["b1A"], len(g["z9L"]))

	// Floats: +0 and -0 are one key; NaN keys never match.
	mf := map[float64]int{}
	negz := 0.0
	negz = -negz
	mf[0] += 1
	mf[negz] += 2
	nan := negz / negz * 0
	nan = nan - nan
	zero := 0.0
	nan = zero / zero
	mf[nan] += 5
	mf[nan] += 7
	println(len(mf), mf[0], mf[nan])
	mc := map[complex128]int{1i: 1}
	mc[1i] *= 9
	println(len(mc), mc[1i])

	// Interface keys: unhashable dynamic types panic before anything is inserted.
	mi := map[interface{}]int{}
	mi[1] += 1
	mi["1"] += 2
	mi[int32(1)] += 3
	try("iface", func() { mi[[]int{1}] += 1 })
	println(len(mi), mi[1], mi["1"], mi[int32(1)])

	// Operators that can panic look up first and insert only on success.
	d := map[int]int{}
	zi := 0
	try("div", func() { d[5] /= zi })
	try("mod", func() { d[6] %= zi })
	sh := -1
	try("shift", func() { d[7] <<= sh })
	println(len(d))
	d[8] += 8
	d[8] /= 2
	d[8] <<= 2
	d[8] %= 5
	d[9]--
	println(len(d), d[8], d[9])

	// The right-hand side is evaluated before the element is read.
	e := map[string]int{"x": 10}
	e["x"] += f(e, "x", 100)
	e["y"] += f(e, "y", 50)
	println(e["x"], e["y"], calls)

	// Nil maps: reads are zero, updates panic.
	var nm map[int]int
	var nms map[string]int
	println(nm[1], nms["a"], len(nm))
	try("nil", func() { nm[1]++ })
	try("nil", func() { nms["a"] += 1 })
	try("nil", func() { nms["a"] = 1 })

	dm32 := map[int32]int{2: 7}
	dms := map[string]int{"zz": 1}
	println(deferring(dm32, dms, 1, "a"), deferring(dm32, dms, 2, "a"), deferring(dm32, dms, 3, "b"), len(dm32), len(dms), dm32[3])
}
