# command-line-arguments
closures.go:16:7: s does not escape
closures.go:28:12: leaking param: s to result ~r0 level=1
closures.go:31:11: leaking param: s to result ~r0 level=1
closures.go:34:11: leaking param: s
closures.go:37:10: leaking param: a to result ~r1 level=0
closures.go:37:13: leaking param: b to result ~r0 level=0
closures.go:40:12: leaking param: i
closures.go:43:13: a does not escape
closures.go:43:16: b does not escape
closures.go:43:44: a + b escapes to heap
closures.go:46:12: s does not escape
closures.go:47:13: ([]byte)(s) does not escape
closures.go:53:2: moved to heap: x
closures.go:61:8: func literal does not escape
closures.go:70:5: func literal escapes to heap
closures.go:78:2: moved to heap: z
closures.go:85:2: v escapes to heap
closures.go:86:12: &S{...} escapes to heap
closures.go:88:17: V{...} escapes to heap
closures.go:102:8: s.M does not escape
closures.go:107:17: p does not escape
closures.go:115:7: &S{...} does not escape
closures.go:117:7: &S{...} escapes to heap
closures.go:132:8: "done" escapes to heap
