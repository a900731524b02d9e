// Methods promoted into unnamed struct types (`struct{ S }`) are in the method sets of
// the struct and of pointers to it: such values satisfy interfaces, and method
// expressions on them (and on pointers to named structs embedding a pointer) call the
// promoted method through the embedded field path.
package main

type S string
type P string
type T struct{ x int }
type Inner struct{ s string }
type Outer struct{ *Inner }

func (s S) val() int      { return 1 }
func (p *P) val() int     { return 2 }
func (t T) val() int      { return 7 + t.x }
func (t T) Name() string  { return "T" }
func (i Inner) M() string { return i.s }
func (i *Inner) PM() string {
	if i == nil {
		return "nil"
	}
	return "p:" + i.s
}

type Val interface{ val() int }
type Namer interface{ Name() string }

func val(v Val) int { return v.val() }

type N int

func (N) m2() string { return "m2" }

func main() {
	var zs struct{ S }
	var zp struct{ *P }
	zt := struct{ T }{T{3}}
	println(val(zs), val(&zs), val(zp), val(&zp), val(zt), val(&zt))

	var e interface{} = zt
	if n, ok := e.(Namer); ok {
		println("Namer:", n.Name())
	}
	_, ok := e.(Val)
	println("zt is Val:", ok)
	// *P's method is not in struct{ P }'s method set, only in its pointer's.
	e = struct{ P }{}
	_, ok = e.(Val)
	println("struct{ P } is Val:", ok)
	e = &struct{ P }{}
	_, ok = e.(Val)
	println("*struct{ P } is Val:", ok)

	h := (*Outer).M
	println(h(&Outer{&Inner{"hello"}}))
	o := Outer.M
	println(o(Outer{&Inner{"world"}}))
	pm := Outer.PM
	println(pm(Outer{}), pm(Outer{&Inner{"x"}}))
	g := struct{ N }.m2
	println(g(struct{ N }{}))
	f := struct{ T }.val
	println(f(zt))
	fp := (*struct{ T }).val
	println(fp(&zt))

	defer func() { println("recovered:", recover() != nil) }()
	println(h(&Outer{}))
}
