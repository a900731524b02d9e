package main

type Namer interface{ Name() string }

type Base struct{ id int }

func (b Base) Name() string { return "base" }
func (b *Base) SetID(i int) { b.id = i }

type Logger interface{ Log(s string) }

type printLogger struct{ prefix string }

func (p printLogger) Log(s string) { println(p.prefix + s) }

// Value embedding: Name is in Derived's method set, SetID only in *Derived's.
type Derived struct {
	Base
	extra int
}

// Pointer embedding: both methods are in Wrapped's method set.
type Wrapped struct {
	*Base
}

// Interface embedding: calls go through the field's dynamic value.
type Service struct {
	Logger
	name string
}

type Setter interface{ SetID(int) }

func main() {
	d := Derived{Base{1}, 2}
	var n Namer = d
	println(n.Name())
	var s Setter = &d
	s.SetID(7)
	println(d.id, d.Name())

	w := Wrapped{&Base{3}}
	var s2 Setter = w
	s2.SetID(9)
	println(w.id)

	svc := Service{printLogger{"> "}, "svc"}
	svc.Log("hello")
	var l Logger = svc
	l.Log("via interface")
	f := svc.Log
	f("method value")
	defer svc.Log("deferred")
}
