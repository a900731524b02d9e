package runtime

// The Error interface identifies a run time error.
type Error interface {
	error

	// RuntimeError is a no-op function that serves only to distinguish types that are
	// run time errors from ordinary errors.
	RuntimeError()
}

// errorString is the dynamic type of the run-time errors the runtime raises (index out
// of range, nil dereference, failed conversions, ...). Its value is the whole message,
// "runtime error: " included; the runtime creates the values (crates/rgo-runtime
// defer.rs) once this package has registered the type.
type errorString string

func (e errorString) RuntimeError() {}

func (e errorString) Error() string { return string(e) }

// registerErrorType tells the runtime the dynamic type of e.
func registerErrorType(e any) bool

var _ = registerErrorType(errorString(""))
