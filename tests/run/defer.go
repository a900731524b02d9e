package main

func f() (n int) {
	defer func() { n *= 2 }()
	defer println("deferred in f", n)
	n = 5
	return n + 1
}

type T struct{ name string }

func (t T) bye() { println("bye", t.name) }

func g() {
	for i := 0; i < 3; i++ {
		defer print(i, " ")
	}
}

func h() {
	t := T{"x"}
	defer t.bye()
	t.name = "y"
	defer func() {
		println("before panic runs")
	}()
	panic("boom")
}

func main() {
	println(f())
	g()
	println()
	func() {
		defer func() { println("recovered:", recover().(string)) }()
		h()
	}()
}
