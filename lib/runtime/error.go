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

// A TypeAssertionError explains a failed type assertion.
//
// gc's holds the descriptors of the types involved and the missing method's name, and
// formats them in Error; rgo's runtime formats the text when the assertion fails and
// stores it here (the fields are unexported, so only the text can be observed).
type TypeAssertionError struct {
	msg string
}

func (*TypeAssertionError) RuntimeError() {}

func (e *TypeAssertionError) Error() string { return e.msg }

// registerErrorTypes tells the runtime the dynamic types of e (errorString) and ta
// (*TypeAssertionError).
func registerErrorTypes(e any, ta any) bool

var _ = registerErrorTypes(errorString(""), (*TypeAssertionError)(nil))
