// The smallest benchmark: measures startup, compile and link overhead.
package main

func main() {
	println("hello, world")
}
