package main

type MyS string
type P struct{ x, y int }
type Q P

func main() {
	b := []byte("héllo")
	println(len(b), b[1])
	s := string(b[0:2])
	println(s)
	r := []rune("héllo")
	println(len(r), r[1])
	println(string(r[1:3]))
	var m MyS = "abc"
	println(string(m), MyS("x"))
	q := Q(P{1, 2})
	println(q.x, q.y)
	arr := (*[2]int)([]int{7, 8, 9})
	println(arr[1])
}
