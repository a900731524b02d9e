// Package runtime is rgo's runtime package: the Go-visible surface of the runtime
// written in Rust (crates/rgo-runtime). Functions declared here without a body are
// implemented there; codegen calls the entry point named by rgo-abi's native rule
// (runtime.Gosched → rgo_runtime_Gosched, taking g first).
package runtime

// The target and toolchain this program was compiled for.
const (
	GOOS     = "linux"
	GOARCH   = "amd64"
	Compiler = "gc"
)

// The Go release whose behaviour rgo implements.
const buildVersion = "go1.19.8"

// Version returns the Go tree's version string.
func Version() string { return buildVersion }

// MemProfileRate controls the fraction of allocations recorded in the memory profile.
// rgo has no memory profiler yet; the variable exists so that programs may set it.
var MemProfileRate int = 512 * 1024

// Gosched yields the processor, allowing other goroutines to run.
func Gosched()

// GOMAXPROCS sets the maximum number of CPUs executing Go code at once and returns the
// previous setting; n < 1 only reads it.
func GOMAXPROCS(n int) int

// NumGoroutine returns the number of goroutines that currently exist.
func NumGoroutine() int

// NumCPU returns the number of logical CPUs usable by the current process.
func NumCPU() int

// NumCgoCall returns the number of cgo calls made by the current process: rgo has no
// cgo.
func NumCgoCall() int64 { return 0 }

// Goexit runs all deferred calls of the calling goroutine, then terminates it.
func Goexit()

// LockOSThread wires the calling goroutine to its current operating system thread.
func LockOSThread()

// UnlockOSThread undoes an earlier call to LockOSThread.
func UnlockOSThread()

// KeepAlive marks its argument as reachable until this call.
func KeepAlive(x any)

// GC runs a garbage collection and blocks until it is complete.
func GC()

// Breakpoint executes a breakpoint trap.
func Breakpoint()

// SetFinalizer sets the finalizer associated with obj: when the collector finds obj
// unreachable, it queues finalizer(obj) to run on the finalizer goroutine and keeps obj
// until then. A nil finalizer clears obj's. Direct calls are compiled to a runtime entry
// that also receives a caller for the finalizer's func type (see the runtime's
// mem/mfinal.rs); this body-less function serves calls through func values.
func SetFinalizer(obj any, finalizer any)

// GOROOT returns the root of the Go tree: $GOROOT if set, else the one rgo reads.
func GOROOT() string {
	if s := gogetenv("GOROOT"); s != "" {
		return s
	}
	return "/usr/lib/go-1.19"
}

// gogetenv returns the value of environment variable key ("" if unset).
func gogetenv(key string) string

// Stack formats a stack trace of the calling goroutine into buf and returns the number
// of bytes written: a `goroutine N [running]:` header, then per frame the function and
// its file:line. With all set, gc adds the other goroutines; rgo does not yet. Argument
// values are not printed (`(...)`).
func Stack(buf []byte, all bool) int
