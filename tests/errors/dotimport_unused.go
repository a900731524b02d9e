// A dot import none of whose names is used.
package main

import . "runtime"

func main() {
}
