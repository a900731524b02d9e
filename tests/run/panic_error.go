// An unrecovered panic whose value implements error prints v.Error().
package main

type E struct{ msg string }

func (e *E) Error() string { return "E: " + e.msg }

func main() {
	defer println("deferred runs first")
	var err error = &E{"boom"}
	panic(err)
}
