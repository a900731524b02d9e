// Map kernel: 1M int inserts and lookups, then 200k string keys.
package main

func key(i int) string {
	var buf [20]byte
	n := len(buf)
	for {
		n--
		buf[n] = byte('0' + i%10)
		i /= 10
		if i == 0 {
			break
		}
	}
	return "k" + string(buf[n:])
}

func main() {
	const N = 1000000
	m := make(map[int]int)
	for i := 0; i < N; i++ {
		m[i*7] = i
	}
	hits := 0
	for i := 0; i < 2*N; i++ {
		if _, ok := m[i]; ok {
			hits++
		}
	}
	println(len(m), hits)
	s := make(map[string]int)
	for i := 0; i < 200000; i++ {
		s[key(i)] += i
	}
	sum := 0
	for i := 0; i < 200000; i += 3 {
		sum += s[key(i)]
	}
	println(len(s), sum)
}
