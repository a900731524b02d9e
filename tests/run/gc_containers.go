// GC stress: maps and slices of pointers grown while the collector runs; values are
// replaced and deleted (barriers on runtime-side stores) and checked at the end.
package main

type item struct {
	id   int
	name string
	next *item
}

func mkname(i int) string {
	b := make([]byte, 0, 8)
	for i > 0 {
		b = append(b, byte('a'+i%26))
		i /= 26
	}
	return string(b)
}

func main() {
	m := make(map[int]*item)
	ms := make(map[string][]*item)
	var all []*item
	for i := 0; i < 20000; i++ {
		it := &item{id: i, name: mkname(i)}
		if i > 0 {
			it.next = all[i-1]
		}
		m[i] = it
		ms[it.name] = append(ms[it.name], it)
		all = append(all, it)
		if i%3 == 0 {
			// Replace an older value: the old pointer is overwritten inside a bucket.
			m[i/2] = &item{id: i / 2, name: mkname(i / 2)}
		}
		if i%7 == 0 {
			delete(m, i/3)
			m[i/3] = all[i/3]
		}
		_ = make([]byte, 100)
	}
	sum := 0
	for k, v := range m {
		if v.id != k || v.name != mkname(k) {
			println("BUG: map entry", k)
		}
		sum += v.id
	}
	n := 0
	for name, items := range ms {
		for _, it := range items {
			if it.name != name {
				println("BUG: name", name)
			}
			n++
		}
	}
	chain := 0
	for p := all[len(all)-1]; p != nil; p = p.next {
		chain++
	}
	// copy() of pointers over older pointers, then check.
	half := make([]*item, len(all)/2)
	copy(half, all[len(all)/2:])
	copy(all, half)
	for i, p := range all[:len(half)] {
		if p.id != i+len(all)/2 {
			println("BUG: copy", i)
			break
		}
	}
	println(len(m), sum, n, chain)
}
