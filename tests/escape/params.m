# command-line-arguments
params.go:15:9: leaking param: p to result ~r0 level=0
params.go:18:11: p does not escape
params.go:21:12: leaking param: p
params.go:24:14: leaking param: t to result ~r0 level=1
params.go:27:30: &T{...} escapes to heap
params.go:30:10: xs does not escape
params.go:38:7: t does not escape
params.go:47:3: moved to heap: y
params.go:56:2: moved to heap: c
params.go:61:7: &T{...} does not escape
params.go:63:7: &T{...} escapes to heap
params.go:65:10: new(int) does not escape
params.go:67:11: make([]int, 10) does not escape
params.go:68:13: []int{...} does not escape
params.go:69:30: ... argument does not escape
params.go:70:7: func literal does not escape
