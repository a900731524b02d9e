package main

func main() {
	if true {
		println("unclosed")
}
