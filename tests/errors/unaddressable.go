package main

func f() int { return 1 }

func main() {
	f() = 2
	len("s") = 2
}
