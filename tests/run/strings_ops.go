// String concatenation, comparison, length and indexing.

package main

func greet(name string) string {
	return "hello, " + name + "!"
}

func main() {
	a := "foo"
	b := "bar"
	c := a + b
	println(c, len(c))
	println(greet("gopher"))
	c += "baz"
	println(c, len(c))

	println(a == "foo", a != "foo", a < b, a > b, a <= "foo", b >= "bas")
	println("" < "a", "a" < "aa", "ab" < "b", "Z" < "a")

	s := "héllo"
	println(len(s), len("世界"))
	println(s[0], s[1], s[2], s[len(s)-1])
	for i := 0; i < len(a); i++ {
		print(a[i], " ")
	}
	println()

	// Building a string in a loop.
	acc := ""
	for i := 0; i < 5; i++ {
		acc = acc + "ab"
	}
	println(acc, len(acc))
}
