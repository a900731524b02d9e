// Package-level variables, initialization order by dependency, and init functions.

package main

var a = b + 1 // initialized after b
var b = f()
var counter int
var greeting = "hi"

func f() int {
	counter++
	println("f called", counter)
	return 41
}

func init() {
	println("init 1", a, b)
	counter += 10
}

func init() {
	println("init 2", counter)
}

func bump() int {
	counter++
	return counter
}

func main() {
	println("main", a, b, greeting)
	println(bump(), bump())
	greeting += "!"
	println(greeting)
}
