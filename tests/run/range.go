package main

func main() {
	s := []int{5, 6, 7}
	sum := 0
	for i, v := range s {
		sum += i * v
	}
	println(sum)
	for i, r := range "héllo, 世界" {
		print(i, ":", r, " ")
	}
	println()
	a := [3]string{"a", "b", "c"}
	for _, x := range a {
		print(x)
	}
	println()
	var fs []func() int
	for i := 0; i < 3; i++ {
		fs = append(fs, func() int { return i })
	}
	for _, f := range fs {
		print(f(), " ")
	}
	println()
	b := make([]byte, 0, 2)
	b = append(b, 'x', 'y', 'z')
	b = append(b, "123"...)
	println(len(b), cap(b), string(b[0]), b[5])
	n := copy(b, "QQ")
	println(n, b[0], b[1])
}
