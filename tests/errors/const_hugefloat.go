// Untyped float constants past gc's exponent range, and the messages for huge values
// that do not fit a type.
package main

const n = 1e646456992

var _ = n * 10 / n
var _ = 1e646456993
var _ = 0x1p2147483647
var _ float64 = 1e646
var _ int = 1e5000
var _ int = 1e300 / 7 * 7
var _ = -1e100000

func main() {}
