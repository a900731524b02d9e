package runtime

// The Error interface identifies a run time error.
type Error interface {
	error

	// RuntimeError is a no-op function that serves only to distinguish types that are
	// run time errors from ordinary errors.
	RuntimeError()
}
