// The length operands of unsafe.Add (may be negative) and unsafe.Slice: gc's checks.
package main

import "unsafe"

var b [4]byte
var _ = unsafe.Add(unsafe.Pointer(&b), -1)
var _ = unsafe.Slice(&b[0], -1)
var _ = unsafe.Slice(&b[0], 1.5)
var _ = unsafe.Slice(&b[0], 2.0)
var _ = unsafe.Slice(&b[0], uint64(1<<63))
var _ = unsafe.Add(unsafe.Pointer(&b), "x")
var _ = unsafe.Slice(&b[0], 1<<70)

func main() {}
