package main

type Shape interface {
	Area() int
	Name() string
}

type Rect struct{ w, h int }
type Sq int

func (r Rect) Area() int     { return r.w * r.h }
func (r Rect) Name() string  { return "rect" }
func (s *Sq) Area() int      { return int(*s) * int(*s) }
func (s *Sq) Name() string   { return "sq" }

type Stringer interface{ String() string }

func (r Rect) String() string { return "R" }

func describe(x interface{}) string {
	switch v := x.(type) {
	case nil:
		return "nil"
	case int:
		return "int"
	case string:
		return "string:" + v
	case Shape:
		return "shape:" + v.Name()
	default:
		return "other"
	}
}

func main() {
	var s Shape = Rect{3, 4}
	println(s.Area(), s.Name())
	q := Sq(5)
	s = &q
	println(s.Area(), s.Name())
	shapes := []Shape{Rect{1, 2}, &q}
	total := 0
	for _, sh := range shapes {
		total += sh.Area()
	}
	println(total)
	var e interface{} = 42
	n, ok := e.(int)
	println(n, ok)
	_, ok = e.(string)
	println(ok)
	println(describe(nil), describe(1), describe("x"), describe(Rect{}), describe(1.5))
	var st Stringer = Rect{}
	println(st.String())
	var e2 interface{} = Rect{1, 2}
	r := e2.(Rect)
	println(r.w, r.h)
	println(e == 42, e != 43, e2 == Rect{1, 2})
	var nilshape Shape
	println(nilshape == nil, s != nil)
	if sh, ok := e2.(Shape); ok {
		println("e2 is a shape", sh.Area())
	}
}
