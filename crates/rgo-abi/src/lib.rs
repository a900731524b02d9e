//! rgo-abi: the one place where the layouts and entry points shared by generated code and
//! the runtime are written down. Codegen reads offsets and symbol names from here; the
//! runtime defines its structures with these layouts (and asserts so at compile time).
//!
//! Architecture invariant: nothing here depends on the compiler or the runtime; both depend
//! on this crate.

/// Pointer size on the one target we support (linux/amd64).
pub const PTR_SIZE: u64 = 8;

/// A Go string: `{ptr, len}`, 16 bytes.
pub mod string {
    pub const PTR: i32 = 0;
    pub const LEN: i32 = 8;
    pub const SIZE: u64 = 16;
}

/// A Go slice: `{ptr, len, cap}`, 24 bytes.
pub mod slice {
    pub const PTR: i32 = 0;
    pub const LEN: i32 = 8;
    pub const CAP: i32 = 16;
    pub const SIZE: u64 = 24;
}

/// Offsets into the G (goroutine descriptor) that generated code touches. Every Go function
/// receives `g` as its VMContext parameter.
///
/// - `STACKGUARD`: the lowest SP a function may move to (stack low bound plus a red zone
///   reserved for runtime calls); Cranelift's `stack_limit` check loads it in every
///   prologue and traps with `STACK_OVERFLOW` below it.
/// - `PREEMPT`: a word that is non-zero when the scheduler or the GC wants this goroutine
///   to stop at its next poll (function entry and loop back-edges); the poll calls
///   [`entry::POLL`].
pub mod lang;
pub mod mem;
pub mod native;
pub mod typ;

pub mod g {
    pub const STACK_LO: i32 = 0;
    pub const STACK_HI: i32 = 8;
    pub const STACKGUARD: i32 = 16;
    pub const PREEMPT: i32 = 24;
    /// Saved context (Go's gobuf): stack pointer, frame pointer, resume PC.
    pub const SCHED_SP: i32 = 32;
    pub const SCHED_FP: i32 = 40;
    pub const SCHED_PC: i32 = 48;
}

/// Bytes between `stack_lo` and `stackguard`: room for runtime calls (printing a fatal error,
/// the signal handler's bookkeeping) made from a goroutine that is at its limit.
pub const STACK_RED_ZONE: u64 = 64 * 1024;

/// Runtime entry points called from generated code. All use the platform C convention
/// (`system_v`); Go functions themselves use Cranelift's `tail` convention. Strings travel
/// as two words `(ptr, len)`; results wider than one word are written through an out
/// pointer given as the first argument.
pub mod entry {
    /// `fn(argc: i32, argv: *const *const u8, main: extern "C" fn(g: *mut G)) -> !`:
    /// sets up the runtime, runs package initialisation and `main.main` (through the
    /// trampoline `main`) on the main goroutine, then exits the process.
    pub const START: &str = "rgo_rt_start";
    /// `fn(g)`: the cold path of a preemption poll.
    pub const POLL: &str = "rgo_poll";
    /// `fn(g)` in Cranelift's `preserve_all` convention (no register is clobbered): the
    /// entry generated preemption polls call, so that values kept in caller-saved
    /// registers (floats especially) need not be spilled around the cold call. It saves
    /// every caller-saved register on the goroutine's stack and calls [`POLL`].
    pub const POLL_PRESERVE: &str = "rgo_poll_preserve";

    /// `print`/`println` support. Each writes one operand to standard error under the
    /// print lock. `printlock`/`printunlock` bracket one `print` statement.
    pub const PRINTLOCK: &str = "rgo_printlock";
    pub const PRINTUNLOCK: &str = "rgo_printunlock";
    /// `fn(v: i64)`
    pub const PRINTINT: &str = "rgo_printint";
    /// `fn(v: u64)`
    pub const PRINTUINT: &str = "rgo_printuint";
    /// `fn(v: f64)` in gc's `+1.500000e+000` format.
    pub const PRINTFLOAT: &str = "rgo_printfloat";
    /// `fn(re: f64, im: f64)` as `(+1.000000e+000+2.000000e+000i)`.
    pub const PRINTCOMPLEX: &str = "rgo_printcomplex";
    /// `fn(v: i8)` (0 or 1)
    pub const PRINTBOOL: &str = "rgo_printbool";
    /// `fn(ptr: *const u8, len: i64)`
    pub const PRINTSTRING: &str = "rgo_printstring";
    /// `fn(p: usize)` as `0x...`
    pub const PRINTPOINTER: &str = "rgo_printpointer";
    /// `fn()`: a space; a newline.
    pub const PRINTSP: &str = "rgo_printsp";
    pub const PRINTNL: &str = "rgo_printnl";
    /// `fn(a, b, c, d: f64, out: *mut [f64; 2])`: complex division `(a+bi)/(c+di)`.
    pub const COMPLEX128DIV: &str = "rgo_complex128div";

    /// Panics. None returns. `g` first.
    /// `fn(g, ptr, len)`: `panic("msg")` with a string value.
    pub const PANIC_STRING: &str = "rgo_panic_string";
    /// `fn(g, ptr, len)`: a value method called through a nil pointer (by the wrapper that
    /// puts it in `*T`'s method set); the text is gc's `value method main.T.M called using
    /// nil *T pointer`, in the program's read-only data. A `runtime.Error` (gc's
    /// `panicwrap`, a `plainError`).
    pub const PANIC_WRAP: &str = "rgo_panicwrap";
    /// `fn(g, kind: i32, bits: u64)`: `panic(v)` with a value of a basic type other than
    /// string; `kind` is a [`crate::Kind`] value and `bits` the value's bits (floats as
    /// their IEEE bits). `fn(g, kind, ptr, len)` for named string types is not needed yet.
    pub const PANIC_BASIC: &str = "rgo_panic_basic";
    /// `fn(g)`: `runtime error: integer divide by zero`.
    pub const PANIC_DIVIDE: &str = "rgo_panic_divide";
    /// `fn(g)`: `runtime error: negative shift amount`.
    pub const PANIC_SHIFT: &str = "rgo_panic_shift";
    /// `fn(g, nil_ptr: i64)`: an `unsafe.Slice` whose length does not fit: `runtime error:
    /// unsafe.Slice: len out of range`, or when `nil_ptr` is non-zero `unsafe.Slice: ptr is
    /// nil and len is not zero`.
    pub const PANIC_UNSAFE_SLICE: &str = "rgo_panic_unsafeslice";
    /// `fn(g, index: i64, len: i64)`: `runtime error: index out of range [i] with length n`.
    pub const PANIC_INDEX: &str = "rgo_panic_index";
    /// `fn(g, hi: i64, cap: i64)`, `fn(g, lo: i64, hi: i64)`: slice bound failures,
    /// `slice bounds out of range [:h] with capacity c` / `[:h] with length n` /
    /// `[l:h]`.
    pub const PANIC_SLICE_CAP: &str = "rgo_panic_slice_acap";
    pub const PANIC_SLICE_LEN: &str = "rgo_panic_slice_alen";
    pub const PANIC_SLICE_B: &str = "rgo_panic_slice_b";
    /// `fn(g)`: `invalid memory address or nil pointer dereference`.
    pub const PANIC_NIL: &str = "rgo_panic_nil";
    /// `fn(g, x: i64, y: i64, code: u32)`: every bounds failure, as Go's `boundsError`:
    /// `code` is one of the [`crate::bounds`] codes, or'ed with [`crate::bounds::UNSIGNED`]
    /// when `x` holds an unsigned value (so `x` ≥ 2⁶³ prints as such). The three
    /// `PANIC_INDEX`/`PANIC_SLICE_*` entry points above are shorthands for signed operands.
    pub const PANIC_BOUNDS: &str = "rgo_panic_bounds";
    /// `fn(g, re: f64, im: f64)`: `panic(v)` with a `complex128` value (a `complex64` may
    /// also go through [`PANIC_BASIC`] with the real part's `f32` bits in the low half of
    /// `bits` and the imaginary part's in the high half).
    pub const PANIC_COMPLEX: &str = "rgo_panic_complex";
    /// `fn(g, ptr, len)`: an unrecoverable runtime failure, `fatal error: msg`, exit 2
    /// (Go's `throw`). Does not return.
    pub const THROW: &str = "rgo_throw";

    /// Strings.
    /// `fn(g, out: *mut GoString, parts: *const GoString, n: i64)`: concatenation.
    pub const CONCAT_STRINGS: &str = "rgo_concatstrings";
    /// `fn(aptr, alen, bptr, blen) -> i64`: -1, 0, +1.
    pub const CMP_STRING: &str = "rgo_cmpstring";
    /// `fn(g, out: *mut GoString, r: i64)`: `string(rune)`.
    pub const INT_STRING: &str = "rgo_intstring";
    /// `fn(g, out: *mut GoString, ptr, len)`: `string(bytes)` copies.
    pub const SLICEBYTE_TO_STRING: &str = "rgo_slicebytetostring";
    /// `fn(g, out: *mut GoSlice, ptr, len)`: `[]byte(s)`.
    pub const STRING_TO_SLICEBYTE: &str = "rgo_stringtoslicebyte";
    /// `fn(ptr, len, pos: i64) -> u64`: decodes the rune at byte `pos`; returns
    /// `rune | (width << 32)` (U+FFFD with width 1 on invalid UTF-8).
    pub const DECODE_RUNE: &str = "rgo_decoderune";
    /// `fn(g, out: *mut GoSlice, ptr, len)`: `[]rune(s)`.
    pub const STRING_TO_SLICERUNE: &str = "rgo_stringtoslicerune";
    /// `fn(g, out: *mut GoString, ptr, len)`: `string(runes)`.
    pub const SLICERUNE_TO_STRING: &str = "rgo_slicerunetostring";

    /// Memory.
    /// `fn(g, size: u64, align: u64) -> *mut u8`: zeroed heap memory. (Type descriptors with
    /// pointer bitmaps replace `align` when the GC arrives.)
    pub const ALLOC: &str = "rgo_alloc";

    /// Goroutines and the scheduler.
    ///
    /// `fn(g, f: extern "C" fn(newg: *mut G, arg: *mut u8), arg: *mut u8)`: the `go`
    /// statement. Codegen packages `go f(x, y)` as a heap-allocated argument block (the
    /// evaluated function value and arguments, evaluated by the *calling* goroutine, in
    /// order) plus an entry function using the C convention (`system_v`) that unpacks
    /// the block and calls the Go function (the `tail` convention) with `newg` as its `g`.
    /// The runtime creates a goroutine whose first frame calls `f(newg, arg)`; when `f`
    /// returns the goroutine exits (as runtime.Goexit). The new goroutine is queued on
    /// the current P's `runnext`, so it typically runs as soon as the creator blocks or
    /// yields. `arg` is opaque to the runtime (keep it reachable: it is on the new
    /// goroutine's stack only as `f`'s argument).
    pub const NEWPROC: &str = "rgo_newproc";
    /// `fn(g, f: extern "C" fn(g, arg), arg: *mut u8, frame: usize)`: `defer`. The deferred
    /// call is packaged exactly as for [`NEWPROC`]; `frame` identifies the deferring
    /// function's activation (its frame pointer). Records form a LIFO chain on the G.
    pub const DEFERPROC: &str = "rgo_deferproc";
    /// `fn(g, frame: usize)`: runs, most recent first, the deferred calls that the
    /// activation `frame` registered and that have not run yet; called before every return
    /// of a function that defers.
    pub const DEFERRETURN: &str = "rgo_deferreturn";
    /// `fn(g, fp: usize, out: *mut [usize; 2])`: `recover()`; `fp` is the calling
    /// function's frame pointer; writes the recovered `interface{}` (or nil).
    pub const GORECOVER: &str = "rgo_gorecover";
    /// `fn(g, typ, data) -> !`: `panic(v)` with `v` converted to `interface{}`.
    pub const GOPANIC: &str = "rgo_gopanic";
    /// `fn(g, table: *const UnwindEntry, n: i64)`: registers the call sites of functions
    /// that defer: 24-byte entries `{func: usize, ret_off: u32, handler_off: u32,
    /// frame_off: u32, _: u32}` (see rgo-runtime's defer.rs).
    pub const REGISTER_UNWIND: &str = "rgo_register_unwind";
    /// `fn(g, table: *const FuncTabEntry, n: i64)`: registers the program's Go functions
    /// for `runtime.Callers`/`Caller`/`FuncForPC`: 64-byte entries `{entry: usize, size:
    /// u32, nlines: u32, name: *const u8, name_len: usize, file: *const u8, file_len:
    /// usize, lines: *const [u32; 2], flags: u32, _: u32}`, in any order. `lines` holds
    /// `nlines` pairs `{code offset, line}` sorted by offset: the code from that offset on
    /// belongs to that source line (of `file`). `flags` bit 0: the function takes
    /// arguments (a receiver or parameters).
    pub const REGISTER_FUNCTAB: &str = "rgo_register_functab";
    /// `fn(g, objtyp, obj, fintyp, fin, thunk)`: a direct call of `runtime.SetFinalizer(obj,
    /// fin)` (both arguments as `interface{}` parts). `thunk` is 0 or a C-convention
    /// function `fn(g, fv, a0, a1)` the call site made for the finalizer argument's static
    /// func type, whose one parameter is a pointer or an interface: it calls the func
    /// value `fv` with that parameter's parts `a0` (pointer) or `a0, a1` (interface:
    /// type or itab, data), ignoring results.
    pub const SETFINALIZER: &str = "rgo_setfinalizer";
    /// `fn(g, f: usize)`: registers the program's string-method caller, a C-convention
    /// function `f(g, code, recv, out: *mut GoString)` that calls the Go method `code`
    /// (signature `func() string`, receiver the interface data word `recv`, as an itab's
    /// code takes it) and stores the result in `*out`. The runtime calls `Error` and
    /// `String` methods through it to print panic values.
    pub const REGISTER_METHOD_CALLER: &str = "rgo_register_method_caller";
    /// `fn(g)`: runtime.Gosched.
    pub const GOSCHED: &str = "rgo_gosched";
    /// `fn(g) -> !`: runtime.Goexit (deferred calls will run here once defer exists).
    pub const GOEXIT: &str = "rgo_goexit";
    /// `fn(g, n: i64) -> i64`: runtime.GOMAXPROCS (previous value; `n <= 0` only reads).
    pub const GOMAXPROCS: &str = "rgo_gomaxprocs";
    /// `fn(g) -> i64`: runtime.NumGoroutine.
    pub const NUMGOROUTINE: &str = "rgo_numgoroutine";
    /// `fn(g) -> i64`: runtime.NumCPU.
    pub const NUMCPU: &str = "rgo_numcpu";
    /// `fn(g)`: runtime.LockOSThread / UnlockOSThread.
    pub const LOCKOSTHREAD: &str = "rgo_lockosthread";
    pub const UNLOCKOSTHREAD: &str = "rgo_unlockosthread";
    /// `fn(g)`: bracket a blocking system call (the P is released meanwhile).
    pub const ENTERSYSCALL: &str = "rgo_entersyscall";
    pub const EXITSYSCALL: &str = "rgo_exitsyscall";
    /// `fn(g, ns: i64)`: time.Sleep — parks the goroutine (returns at once if `ns <= 0`).
    pub const SLEEP: &str = "rgo_sleep";
    /// `fn() -> i64`: monotonic nanoseconds.
    pub const NANOTIME: &str = "rgo_nanotime";

    /// Channels. A channel value is a `*hchan` (null for a nil channel); see
    /// [`crate::hchan`] for the fields generated code may read. Element values travel by
    /// address: the runtime copies `elemsize` bytes between the caller's memory and the
    /// channel. Panics use gc's texts (`send on closed channel`, `close of nil channel`,
    /// `close of closed channel`, `makechan: size out of range`); operations on a nil
    /// channel block forever.
    ///
    /// `fn(g, elemtype: *const Type, elemsize: u64, elemalign: u64, size: i64) -> *hchan`:
    /// `make(chan T, size)`; `elemtype` is T's descriptor (may be null for now).
    pub const MAKECHAN: &str = "rgo_makechan";
    /// `fn(g, c, elem: *const u8)`: `c <- *elem` (blocks).
    pub const CHANSEND: &str = "rgo_chansend";
    /// `fn(g, c, elem: *mut u8) -> bool`: `*elem = <-c` (blocks); `elem` may be null to
    /// discard the value; returns the `ok` of `v, ok := <-c` (false: closed and drained,
    /// `*elem` zeroed).
    pub const CHANRECV: &str = "rgo_chanrecv";
    /// `fn(g, c, elem: *const u8) -> bool`: `select { case c <- v: … default: … }`;
    /// true when sent.
    pub const SELECTNBSEND: &str = "rgo_selectnbsend";
    /// `fn(g, c, elem: *mut u8) -> u64`: `select { case v, ok = <-c: … default: … }`;
    /// bit 0: the case was selected, bit 1: `ok`.
    pub const SELECTNBRECV: &str = "rgo_selectnbrecv";
    /// `fn(g, c)`: `close(c)`.
    pub const CLOSECHAN: &str = "rgo_closechan";
    /// `fn(c) -> i64`: `len(c)` / `cap(c)` (0 for nil); or read [`crate::hchan`] inline.
    pub const CHANLEN: &str = "rgo_chanlen";
    pub const CHANCAP: &str = "rgo_chancap";
    /// `fn(g, cases: *const Scase, ncases: i64, block: i8) -> i64`: a `select` statement
    /// over `ncases` records laid out as [`crate::scase`] (any order; a case whose channel
    /// is nil never fires). `block` is 0 when the select has a `default` clause. Returns
    /// `chosen << 1 | recv_ok`, or -1 when nothing was ready and `block` is 0 (the
    /// default clause); an arithmetic shift right by one gives the case index or -1.
    /// With no non-nil cases and `block` set it never returns (`select {}`).
    pub const SELECTGO: &str = "rgo_selectgo";

    /// Every entry point above, for binding checks (the runtime's symbol table must define
    /// exactly these names).
    pub const ALL: &[&str] = &[
        START,
        POLL,
        POLL_PRESERVE,
        PRINTLOCK,
        PRINTUNLOCK,
        PRINTINT,
        PRINTUINT,
        PRINTFLOAT,
        PRINTCOMPLEX,
        PRINTBOOL,
        PRINTSTRING,
        PRINTPOINTER,
        PRINTSP,
        PRINTNL,
        COMPLEX128DIV,
        PANIC_STRING,
        PANIC_WRAP,
        PANIC_BASIC,
        PANIC_DIVIDE,
        PANIC_SHIFT,
        PANIC_UNSAFE_SLICE,
        PANIC_INDEX,
        PANIC_SLICE_CAP,
        PANIC_SLICE_LEN,
        PANIC_SLICE_B,
        PANIC_NIL,
        PANIC_BOUNDS,
        PANIC_COMPLEX,
        THROW,
        CONCAT_STRINGS,
        CMP_STRING,
        INT_STRING,
        SLICEBYTE_TO_STRING,
        STRING_TO_SLICEBYTE,
        DECODE_RUNE,
        STRING_TO_SLICERUNE,
        SLICERUNE_TO_STRING,
        ALLOC,
        NEWPROC,
        DEFERPROC,
        DEFERRETURN,
        GORECOVER,
        GOPANIC,
        REGISTER_UNWIND,
        REGISTER_FUNCTAB,
        SETFINALIZER,
        REGISTER_METHOD_CALLER,
        GOSCHED,
        GOEXIT,
        GOMAXPROCS,
        NUMGOROUTINE,
        NUMCPU,
        LOCKOSTHREAD,
        UNLOCKOSTHREAD,
        ENTERSYSCALL,
        EXITSYSCALL,
        SLEEP,
        NANOTIME,
        MAKECHAN,
        CHANSEND,
        CHANRECV,
        SELECTNBSEND,
        SELECTNBRECV,
        CLOSECHAN,
        CHANLEN,
        CHANCAP,
        SELECTGO,
    ];
}

/// The head of a channel (`*hchan`) that generated code may read: `len(c)` is the word at
/// `QCOUNT`, `cap(c)` the word at `DATAQSIZ` (after a nil check: both are 0 for nil).
pub mod hchan {
    pub const QCOUNT: i32 = 0;
    pub const DATAQSIZ: i32 = 8;
}

/// A select case record (24 bytes): `{ c: *hchan, elem: *u8, dir: u64 }` where `dir` is
/// [`crate::typ::CHAN_SEND`] (elem points at the value to send) or
/// [`crate::typ::CHAN_RECV`] (elem points where to store the received value, or is null).
pub mod scase {
    pub const CHAN: i32 = 0;
    pub const ELEM: i32 = 8;
    pub const DIR: i32 = 16;
    pub const SIZE: u64 = 24;
}

/// Codes of [`entry::PANIC_BOUNDS`], numbered as Go's `boundsErrorCode`. `x` and `y` are the
/// operands named in each message.
pub mod bounds {
    /// `s[x]`: `index out of range [x] with length y`.
    pub const INDEX: u32 = 0;
    /// `s[?:x]` against `len`: `slice bounds out of range [:x] with length y`.
    pub const SLICE_ALEN: u32 = 1;
    /// `s[?:x]` against `cap`: `slice bounds out of range [:x] with capacity y`.
    pub const SLICE_ACAP: u32 = 2;
    /// `s[x:y]` with `x > y`: `slice bounds out of range [x:y]`.
    pub const SLICE_B: u32 = 3;
    /// `s[?:?:x]` against `len`: `slice bounds out of range [::x] with length y`.
    pub const SLICE3_ALEN: u32 = 4;
    /// `s[?:?:x]` against `cap`: `slice bounds out of range [::x] with capacity y`.
    pub const SLICE3_ACAP: u32 = 5;
    /// `s[?:x:y]` with `x > y`: `slice bounds out of range [:x:y]`.
    pub const SLICE3_B: u32 = 6;
    /// `s[x:y:?]` with `x > y`: `slice bounds out of range [x:y:]`.
    pub const SLICE3_C: u32 = 7;
    /// `(*[x]T)(s)`: `cannot convert slice with length y to pointer to array with length x`.
    pub const CONVERT: u32 = 8;
    /// Or'ed into the code when `x` is an unsigned value.
    pub const UNSIGNED: u32 = 0x100;
}

/// Kinds as Go's reflect.Kind numbers them (runtime._type.kind low bits).
#[repr(u8)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Invalid = 0,
    Bool = 1,
    Int = 2,
    Int8 = 3,
    Int16 = 4,
    Int32 = 5,
    Int64 = 6,
    Uint = 7,
    Uint8 = 8,
    Uint16 = 9,
    Uint32 = 10,
    Uint64 = 11,
    Uintptr = 12,
    Float32 = 13,
    Float64 = 14,
    Complex64 = 15,
    Complex128 = 16,
    Array = 17,
    Chan = 18,
    Func = 19,
    Interface = 20,
    Map = 21,
    Pointer = 22,
    Slice = 23,
    String = 24,
    Struct = 25,
    UnsafePointer = 26,
}

impl Kind {
    pub fn from_u8(v: u8) -> Kind {
        if v <= 26 {
            // SAFETY: Kind is repr(u8) with every value 0..=26 defined.
            unsafe { std::mem::transmute::<u8, Kind>(v) }
        } else {
            Kind::Invalid
        }
    }
}
