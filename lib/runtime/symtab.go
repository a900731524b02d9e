package runtime

// Func describes a function of the running program.
type Func struct {
	name  string
	entry uintptr
}

// funcInfo looks up the Go function whose code contains pc.
func funcInfo(pc uintptr, name *string, entry *uintptr) bool

// FuncForPC returns a *Func describing the function that contains pc, or nil.
func FuncForPC(pc uintptr) *Func {
	f := new(Func)
	if !funcInfo(pc, &f.name, &f.entry) {
		return nil
	}
	return f
}

// Name returns the name of the function.
func (f *Func) Name() string {
	if f == nil {
		return ""
	}
	return f.name
}

// Entry returns the entry address of the function.
func (f *Func) Entry() uintptr {
	if f == nil {
		return 0
	}
	return f.entry
}

// funcLine looks up the source position of pc.
func funcLine(pc uintptr, file *string, line *int) bool

// FileLine returns the file name and line number of the source code corresponding to pc
// ("?" and 0 where the function has no line table).
func (f *Func) FileLine(pc uintptr) (file string, line int) {
	if !funcLine(pc, &file, &line) {
		return "?", 0
	}
	return file, line
}

// Callers fills pc with the return program counters of function invocations on the
// calling goroutine's stack; skip 0 is the frame of Callers itself, 1 its caller.
func Callers(skip int, pc []uintptr) int

// Caller reports information about function invocations on the calling goroutine's
// stack: skip 0 is the caller of Caller.
func Caller(skip int) (pc uintptr, file string, line int, ok bool) {
	var pcs [1]uintptr
	if Callers(skip+2, pcs[:]) == 0 {
		return 0, "", 0, false
	}
	pc = pcs[0] - 1
	f := FuncForPC(pc)
	if f == nil {
		return pc, "", 0, false
	}
	file, line = f.FileLine(pc)
	return pc, file, line, true
}

// Frame is the information returned by Frames for each call frame.
type Frame struct {
	PC       uintptr
	Func     *Func
	Function string
	File     string
	Line     int
	Entry    uintptr
}

// Frames may be used to get function/file/line information for a slice of PC values
// returned by Callers.
type Frames struct {
	callers []uintptr
}

// CallersFrames takes a slice of PCs returned by Callers and prepares to return
// function/file/line information.
func CallersFrames(callers []uintptr) *Frames {
	return &Frames{callers: callers}
}

// Next returns a Frame representing the next call frame in the slice of PC values, and
// whether there are more frames after it.
func (ci *Frames) Next() (frame Frame, more bool) {
	if len(ci.callers) == 0 {
		return Frame{}, false
	}
	pc := ci.callers[0] - 1
	ci.callers = ci.callers[1:]
	frame.PC = pc
	if f := FuncForPC(pc); f != nil {
		frame.Func = f
		frame.Function = f.name
		frame.Entry = f.entry
		frame.File, frame.Line = f.FileLine(pc)
	}
	return frame, len(ci.callers) > 0
}
