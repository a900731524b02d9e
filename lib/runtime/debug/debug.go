// Package debug is rgo's runtime/debug: controls of the runtime (crates/rgo-runtime)
// for programs that tune it. Body-less functions are implemented by the runtime
// (runtime/debug.SetGCPercent → rgo_runtime_debug_SetGCPercent).
package debug

import "runtime"

// SetGCPercent sets the garbage collection target percentage and returns the previous
// setting; a negative percentage disables the collector.
func SetGCPercent(percent int) int

// FreeOSMemory forces a garbage collection, then returns as much memory to the operating
// system as possible.
func FreeOSMemory()

// The limits below are recorded and reported back, but rgo does not enforce them yet:
// goroutine stacks are limited by their reservations (1 GiB for the main goroutine,
// 64 MiB for the others), threads by the operating system.
var (
	maxStack     = 1000000000
	maxThreads   = 10000
	panicOnFault = false
	memoryLimit  = int64(1<<63 - 1)
)

// SetMaxStack sets the maximum amount of memory a single goroutine stack may use and
// returns the previous setting.
func SetMaxStack(bytes int) int {
	old := maxStack
	maxStack = bytes
	return old
}

// SetMaxThreads sets the maximum number of operating system threads the program may use
// and returns the previous setting.
func SetMaxThreads(threads int) int {
	old := maxThreads
	maxThreads = threads
	return old
}

// SetPanicOnFault controls whether an unexpected fault at a non-nil address panics
// instead of crashing the program; it returns the previous setting.
func SetPanicOnFault(enabled bool) bool {
	old := panicOnFault
	panicOnFault = enabled
	return old
}

// SetMemoryLimit sets a soft memory limit for the runtime and returns the previous one;
// a negative input only reads it.
func SetMemoryLimit(limit int64) int64 {
	old := memoryLimit
	if limit >= 0 {
		memoryLimit = limit
	}
	return old
}

// SetTraceback sets how much the runtime prints before exiting on an unrecovered panic
// or a fatal error. rgo always prints the current goroutine's header only.
func SetTraceback(level string) {}

// Stack returns a formatted stack trace of the goroutine that calls it.
func Stack() []byte {
	buf := make([]byte, 1024)
	for {
		n := runtime.Stack(buf, false)
		if n < len(buf) {
			return buf[:n]
		}
		buf = make([]byte, 2*len(buf))
	}
}

// PrintStack prints to standard error the stack trace returned by Stack.
func PrintStack() {
	print(string(Stack()))
}
