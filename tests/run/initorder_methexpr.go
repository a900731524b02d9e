// A method expression references its method for package initialization order, as a
// method value does: the variables the method reads are initialised first.
package main

type T int

func (r T) Method1() int  { return a }
func (r T) Method2() int  { return b }
func (r *T) Method3() int { return c }

var dummy1 = T(0).Method1()
var dummy2 = T.Method2(0)
var dummy3 = (*T).Method3(nil)
var dummy4 = T.Method2

var a = identity(1)
var b = identity(2)
var c = identity(3)

func identity(a int) int { return a }

func main() {
	println(dummy1, dummy2, dummy3, dummy4(0))
}
