// The runtime package: constants, scheduler queries, Goexit running deferred calls,
// LockOSThread, MemStats, GC, Callers/FuncForPC/Caller/CallersFrames with names and
// lines, KeepAlive, Stack, package variables of another package, and runtime/debug.
package main

import (
	"runtime"
	"runtime/debug"
)

type point struct{ x, y int }

func (p *point) where() (string, int) {
	_, _, line, ok := runtime.Caller(0)
	return runtime.FuncForPC(pc()).Name(), line*10 + b2i(ok)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// pc returns a return address inside its caller.
func pc() uintptr {
	var pcs [1]uintptr
	runtime.Callers(2, pcs[:])
	return pcs[0]
}

func stack() []string {
	var pcs [8]uintptr
	n := runtime.Callers(1, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	var names []string
	for {
		f, more := frames.Next()
		names = append(names, f.Function)
		if f.Function == "main.main" || !more {
			break
		}
	}
	return names
}

func deep(n int) []string {
	if n == 0 {
		return stack()
	}
	return deep(n - 1)
}

func main() {
	println(runtime.GOOS, runtime.GOARCH, runtime.Compiler)
	println(runtime.Version() != "", runtime.NumCPU() >= 1)
	old := runtime.GOMAXPROCS(2)
	println(old >= 1, runtime.GOMAXPROCS(0))
	runtime.GOMAXPROCS(old)
	println(runtime.NumGoroutine())

	// Goexit runs the goroutine's deferred calls, innermost first; recover sees nil.
	done := make(chan bool)
	go func() {
		defer close(done)
		defer func() { println("deferred 1, recover:", recover() == nil) }()
		func() {
			defer println("deferred 2")
			runtime.Goexit()
		}()
		println("not reached")
	}()
	<-done

	runtime.LockOSThread()
	runtime.Gosched()
	runtime.UnlockOSThread()

	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	p := &point{1, 2}
	println(m.Mallocs >= m.Frees, m.HeapAlloc <= m.HeapSys, m.EnableGC, len(m.BySize))
	runtime.KeepAlive(p)

	name, line := p.where()
	println(name, line)
	for _, s := range deep(2) {
		println(s)
	}
	f := runtime.FuncForPC(pc())
	println(f.Name(), f.Entry() <= pc(), runtime.FuncForPC(0) == nil)
	var nilf *runtime.Func
	println(nilf.Name() == "")

	runtime.MemProfileRate = 0
	println(runtime.MemProfileRate)
	println(debug.SetGCPercent(50), debug.SetGCPercent(100))
	st := string(debug.Stack())
	println(len(st) > 0 && st[:len("goroutine 1 [running]:\nruntime/debug.Stack")] == "goroutine 1 [running]:\nruntime/debug.Stack")
	buf := make([]byte, 100)
	n := runtime.Stack(buf, false)
	println(string(buf[:len("goroutine 1 [running]:\nmain.main")]), n <= len(buf))

	// Run-time errors are runtime.Error values.
	func() {
		defer func() {
			err := recover().(runtime.Error)
			println(err.Error())
		}()
		var a []int
		_ = a[5]
	}()

	var e error = runtimeErr()
	if re, ok := e.(runtime.Error); ok {
		re.RuntimeError()
		println(re.Error())
	}
}

type myErr struct{}

func (myErr) Error() string { return "my runtime error" }
func (myErr) RuntimeError() {}

func runtimeErr() error { return myErr{} }
