package main

type Shower interface {
	Show() string
}

func ShowAll[T Shower](xs []T) {
	for _, x := range xs {
		println(x.Show())
	}
}

type thing struct{}

func main() {
	ShowAll([]thing{{}})
	ShowAll([]int{1})
}
