// Dot imports and renamed imports of the same package.
package main

import (
	. "runtime"
	rt "runtime"
	. "unsafe"
)

func main() {
	var m MemStats
	ReadMemStats(&m)
	println(GOOS, rt.GOARCH, Sizeof(m.NumGC), len(m.PauseNs))
}
