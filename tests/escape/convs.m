# command-line-arguments
convs.go:16:9: v escapes to heap
convs.go:21:22: n escapes to heap
convs.go:22:18: (interface {})(n + 1) escapes to heap
convs.go:26:7: &W{...} escapes to heap
convs.go:26:11: n escapes to heap
convs.go:28:4: n escapes to heap
convs.go:29:7: n escapes to heap
convs.go:31:16: n escapes to heap
convs.go:31:19: "x" escapes to heap
convs.go:32:2: s escapes to heap
convs.go:33:2: []interface {}{...} escapes to heap
convs.go:33:22: []interface {}{...} escapes to heap
convs.go:33:23: n escapes to heap
convs.go:33:26: n escapes to heap
convs.go:34:2: []rune{...} escapes to heap
convs.go:34:15: []rune{...} escapes to heap
convs.go:35:2: string([]byte{...}) escapes to heap
convs.go:35:15: string([]byte{...}) escapes to heap
convs.go:35:22: []byte{...} does not escape
convs.go:36:13: "a" + string(rune(n)) does not escape
convs.go:36:20: string(rune(n)) does not escape
convs.go:37:2: x + y + x escapes to heap
convs.go:37:15: x + y + x escapes to heap
