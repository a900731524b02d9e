package main

func safeDiv(a, b int) (q int, err string) {
	defer func() {
		if r := recover(); r != nil {
			err = "recovered"
			q = -1
		}
	}()
	return a / b, ""
}

func nested() (s string) {
	defer func() {
		r := recover()
		s = r.(string)
	}()
	panic("inner value")
}

type E struct{ code int }

func typed() {
	defer func() {
		r := recover()
		e, ok := r.(E)
		println("typed:", e.code, ok)
	}()
	panic(E{42})
}

func noRecover() {
	defer func() {
		println("recover outside panic:", recover() == nil)
	}()
}

func deep(n int) {
	if n == 0 {
		var a []int
		_ = a[5]
	}
	deep(n - 1)
}

func viaDeep() (ok bool) {
	defer func() {
		if recover() != nil {
			ok = true
		}
	}()
	deep(10)
	return false
}

func main() {
	println(safeDiv(10, 2))
	println(safeDiv(1, 0))
	println(nested())
	typed()
	noRecover()
	println(viaDeep())
}
