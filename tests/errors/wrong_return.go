package main

func f() (int, string) {
	return 1
}

func g() {
	return 2
}

func main() {
	f()
	g()
}
