// Constraints with methods, pointer-method constraints, comparable, and type switches
// inside generic code.
package main

type Stringer interface{ String() string }

type Celsius int

func (c Celsius) String() string { return itoa(int(c)) + "C" }

type Name string

func (n Name) String() string { return "<" + string(n) + ">" }

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	if neg {
		return "-" + string(b)
	}
	return string(b)
}

func Join[T Stringer](xs []T, sep string) string {
	s := ""
	for i, x := range xs {
		if i > 0 {
			s += sep
		}
		s += x.String()
	}
	return s
}

// Setter is satisfied by *T only: New allocates a T and calls the pointer method.
type Setter[T any] interface {
	*T
	Set(string)
}

type Config struct{ v string }

func (c *Config) Set(s string) { c.v = "config:" + s }

func FromStrings[T any, PT Setter[T]](ss []string) []T {
	out := make([]T, len(ss))
	for i, s := range ss {
		p := PT(&out[i])
		p.Set(s)
	}
	return out
}

func Index[T comparable](xs []T, x T) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

func Describe[T any](x T) string {
	switch v := any(x).(type) {
	case int:
		return "int " + itoa(v)
	case string:
		return "string " + v
	case Stringer:
		return "stringer " + v.String()
	default:
		return "other"
	}
}

type Number interface{ ~int | ~int64 }

func Abs[T Number](x T) T {
	if x < 0 {
		return -x
	}
	return x
}

type key struct{ a, b int }

func main() {
	println(Join([]Celsius{10, -3, 0}, ", "))
	println(Join([]Name{"ann", "bob"}, " "))
	cs := FromStrings[Config]([]string{"a", "b"})
	println(cs[0].v, cs[1].v)
	println(Index([]string{"x", "y", "z"}, "z"), Index([]int{1, 2}, 5))
	println(Index([]key{{1, 2}, {3, 4}}, key{3, 4}))
	println(Describe(42))
	println(Describe("hi"))
	println(Describe(Celsius(7)))
	println(Describe(3.5))
	println(Abs(-5), Abs(Celsius(-12)).String(), Abs(int64(9)))
}
