// unsafe.Add (the offset converted from any integer type, sign-extended or not by that
// type) and unsafe.Slice with gc's run-time checks.
package main

import "unsafe"

type pair struct{ a, b int32 }

var i = 257

func try(name string, f func()) {
	defer func() {
		if r := recover(); r != nil {
			println(name+":", r.(error).Error())
		}
	}()
	f()
}

func main() {
	var buf [10]byte
	for k := range buf {
		buf[k] = byte('a' + k)
	}
	p0 := unsafe.Pointer(&buf[0])
	println(*(*byte)(unsafe.Add(p0, uint8(i))))
	println(*(*byte)(unsafe.Add(p0, 9)))
	p5 := unsafe.Add(p0, 5)
	println(*(*byte)(unsafe.Add(p5, int8(-3))))
	println(*(*byte)(unsafe.Add(p5, -1)))

	s := unsafe.Slice(&buf[2], 4)
	println(string(s), len(s), cap(s))
	ps := [3]pair{{1, 2}, {3, 4}, {5, 6}}
	t := unsafe.Slice(&ps[0], uint16(3))
	println(len(t), t[2].a, t[2].b)
	var np *pair
	println(len(unsafe.Slice(np, 0)), unsafe.Slice(np, 0) == nil)
	var z [0]struct{}
	println(len(unsafe.Slice(&z, 5)))

	n := -1
	try("negative", func() { _ = unsafe.Slice(&buf[0], n) })
	try("nil", func() { _ = unsafe.Slice(np, 2) })
	var big uint64 = 1 << 63
	try("huge unsigned", func() { _ = unsafe.Slice(&buf[0], big) })
	m := 1 << 61
	try("overflow", func() { _ = unsafe.Slice(&ps[0], m) })
}
