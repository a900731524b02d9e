// An unrecovered panic with a string value exits with status 2.

package main

func fail(msg string) {
	panic(msg)
}

func main() {
	println("before")
	fail("boom")
	println("after")
}
