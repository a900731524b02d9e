// Printing bools and strings, and how print differs from println.

package main

func main() {
	t, f := true, false
	println(t, f, !t, t && f, t || f)
	println("hello", "world")
	println("")
	println("tab\there", "quote\"", "newline\nin string")
	println("unicode: héllo, 世界")
	print("no", "spaces", "\n")
	print(t, f, "\n")
	println()
	var s string
	println(s == "", len(s))
}
