package main

import "os"

func main() {
	println("hi")
}
