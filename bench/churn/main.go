// churn: a sliding window of about 200 MB of live objects (byte buffers and pointer
// records) is replaced piece by piece, 2 GB allocated in all — the peak RSS a collector
// needs to sustain a large live heap under steady allocation.
package main

type rec struct {
	buf  []byte
	meta *[4]int
	id   int
}

func main() {
	const window = 200 << 20 // bytes live at any time
	const size = 64 << 10    // bytes per buffer
	const slots = window / size
	ring := make([]*rec, slots)
	total := 0
	sum := 0
	for i := 0; total < 2<<30; i++ {
		r := &rec{buf: make([]byte, size), id: i}
		r.buf[i%size] = byte(i)
		k := i % slots
		if old := ring[k]; old != nil {
			sum += int(old.buf[old.id%size])
		}
		r.meta = &[4]int{i, k, total, sum}
		ring[k] = r
		total += size
	}
	println("allocated MB", total>>20, "checksum", sum)
}
