# command-line-arguments
allocs.go:9:2: moved to heap: x
allocs.go:14:7: &T{...} escapes to heap
allocs.go:16:10: new(int) does not escape
allocs.go:17:11: make([]int, 100000) escapes to heap
allocs.go:18:18: map[int]int{...} does not escape
allocs.go:20:7: func literal does not escape
allocs.go:21:12: []int{...} does not escape
allocs.go:23:5: func literal escapes to heap
