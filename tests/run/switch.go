// Expression and tagless switches, fallthrough, default placement.

package main

func classify(n int) string {
	switch {
	case n < 0:
		return "negative"
	case n == 0:
		return "zero"
	case n < 10:
		return "small"
	default:
		return "large"
	}
}

func day(d int) string {
	switch d {
	default:
		return "unknown"
	case 0, 6:
		return "weekend"
	case 1, 2, 3, 4, 5:
		return "weekday"
	}
}

func fall(n int) {
	switch n {
	case 1:
		print("one ")
		fallthrough
	case 2:
		print("two ")
		fallthrough
	case 3:
		print("three ")
	case 4:
		print("four ")
	}
	println()
}

func main() {
	println(-5, classify(-5))
	println(0, classify(0))
	println(3, classify(3))
	println(42, classify(42))
	for d := -1; d <= 7; d++ {
		println(d, day(d))
	}
	for n := 0; n <= 4; n++ {
		fall(n)
	}
	switch x := 5; x * 2 {
	case 10:
		println("ten")
	}
	s := "b"
	switch s {
	case "a":
		println("a")
	case "b":
		println("b")
		break
		println("unreachable")
	}
}
