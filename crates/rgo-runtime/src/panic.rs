//! Panics, run-time errors and fatal errors (Go's panic.go and error.go).
//!
//! Two ways to die, as in Go:
//!
//! * A **panic** (`panic(v)`, or a run-time error such as an index out of range) is a value
//!   travelling up the goroutine's stack. [`gopanic`] pushes a [`Panic`] record on the G's
//!   panic chain, and — once defer/recover exist — runs the goroutine's deferred calls,
//!   any of which may recover it. A panic nobody recovers reaches [`fatalpanic`], which
//!   prints the chain (`panic: v`, with ` [recovered]` on re-panicked ones), the
//!   `[signal …]` line when a fault caused it, a blank line, the goroutine header
//!   (`goroutine 1 [running]:`) and its Go frames (symtab's traceback), and exits with
//!   status 2.
//! * A **fatal error** ([`throw`]: the runtime itself is in trouble — stack overflow,
//!   deadlock, corrupted state) cannot be recovered: it prints `fatal error: msg`, the same
//!   trailer, and exits with status 2.
//!
//! Run-time errors are [`RuntimeError`] values (in Go, values of `runtime.Error`), whose
//! text is gc's: `runtime error: index out of range [5] with length 3`; `recover` boxes
//! them as package runtime's `errorString` or `*TypeAssertionError` (defer.rs). A panic's
//! value is a [`PanicValue`] that prints itself as gc's `printpanicval` would; before an
//! unrecovered chain is printed, [`preprintpanics`] replaces Go values that have an
//! `Error() string` or `String() string` method by the method's result, calling the Go
//! method through the program's string-method caller (registered by `rgo.main`).
//!
//! Printing happens on the system stack under the print lock, and allocates nothing (the
//! `Error`/`String` calls run before, on the panicking goroutine's stack, as in gc).
//! A second failure while printing prints `panic during panic` and exits; a third gives
//! up sooner (Go's `m.dying` levels).

use core::sync::atomic::{AtomicU32, Ordering};

use rgo_abi::{bounds, Kind};

use crate::g::{getg, getm, is_g0, GStatus, G};
use crate::lock::Mutex;
use crate::print::{
    print_bool, print_bytes, print_complex, print_float, print_hex, print_int, print_str,
    print_uint, printlock, printunlock,
};

/// A failed index or slice expression (Go's `boundsError`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BoundsError {
    /// The offending operand (interpreted as unsigned unless `signed`).
    pub x: i64,
    /// The length, capacity or other bound it was checked against (never negative).
    pub y: i64,
    pub signed: bool,
    /// One of `rgo_abi::bounds` codes (without the UNSIGNED flag).
    pub code: u32,
}

impl BoundsError {
    /// Go's text, with '%x' and '%y' standing for the operands.
    fn template(&self) -> &'static str {
        let negative = self.signed && self.x < 0;
        // Go's texts: '%x' and '%y' stand for the operands.
        let fmt: &'static str = match (self.code, negative) {
            (bounds::INDEX, false) => "index out of range [%x] with length %y",
            (bounds::INDEX, true) => "index out of range [%x]",
            (bounds::SLICE_ALEN, false) => "slice bounds out of range [:%x] with length %y",
            (bounds::SLICE_ALEN, true) => "slice bounds out of range [:%x]",
            (bounds::SLICE_ACAP, false) => "slice bounds out of range [:%x] with capacity %y",
            (bounds::SLICE_ACAP, true) => "slice bounds out of range [:%x]",
            (bounds::SLICE_B, false) => "slice bounds out of range [%x:%y]",
            (bounds::SLICE_B, true) => "slice bounds out of range [%x:]",
            (bounds::SLICE3_ALEN, false) => "slice bounds out of range [::%x] with length %y",
            (bounds::SLICE3_ALEN, true) => "slice bounds out of range [::%x]",
            (bounds::SLICE3_ACAP, false) => "slice bounds out of range [::%x] with capacity %y",
            (bounds::SLICE3_ACAP, true) => "slice bounds out of range [::%x]",
            (bounds::SLICE3_B, false) => "slice bounds out of range [:%x:%y]",
            (bounds::SLICE3_B, true) => "slice bounds out of range [:%x:]",
            (bounds::SLICE3_C, false) => "slice bounds out of range [%x:%y:]",
            (bounds::SLICE3_C, true) => "slice bounds out of range [%x::]",
            (bounds::CONVERT, _) => {
                "cannot convert slice with length %y to pointer to array with length %x"
            }
            _ => "index out of range [%x] with length %y",
        };
        fmt
    }

    /// Prints the message after `runtime error: `.
    fn print(&self) {
        let b = self.template().as_bytes();
        let mut start = 0;
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'%' && i + 1 < b.len() {
                print_bytes(&b[start..i]);
                match b[i + 1] {
                    b'x' if self.signed => print_int(self.x),
                    b'x' => print_uint(self.x as u64),
                    _ => print_int(self.y),
                }
                i += 2;
                start = i;
            } else {
                i += 1;
            }
        }
        print_bytes(&b[start..]);
    }

    /// The message after `runtime error: `, as a string (for `recover`).
    fn text(&self) -> String {
        let x = if self.signed {
            self.x.to_string()
        } else {
            (self.x as u64).to_string()
        };
        self.template()
            .replace("%x", &x)
            .replace("%y", &self.y.to_string())
    }
}

/// A run-time error (a `runtime.Error` in Go).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuntimeError {
    /// `integer divide by zero`
    DivideByZero,
    /// `integer overflow`
    Overflow,
    /// `floating point error`
    FloatError,
    /// `negative shift amount`
    NegativeShift,
    /// `invalid memory address or nil pointer dereference`
    NilDeref,
    /// Index and slice bounds.
    Bounds(BoundsError),
    /// Go's `errorString`: printed as `runtime error: ` + text.
    Message(&'static str),
    /// Go's `plainError`: printed as the text alone (e.g. `assignment to entry in nil map`).
    Plain(&'static str),
    /// A failed type assertion (Go's `*TypeAssertionError`): printed as the text alone;
    /// `recover` returns a `*runtime.TypeAssertionError`.
    TypeAssertion(&'static str),
}

impl RuntimeError {
    /// Prints the error's text (what its `Error()` method returns).
    pub fn print(&self) {
        if let RuntimeError::Plain(s) | RuntimeError::TypeAssertion(s) = self {
            print_str(s);
            return;
        }
        print_str("runtime error: ");
        match self {
            RuntimeError::DivideByZero => print_str("integer divide by zero"),
            RuntimeError::Overflow => print_str("integer overflow"),
            RuntimeError::FloatError => print_str("floating point error"),
            RuntimeError::NegativeShift => print_str("negative shift amount"),
            RuntimeError::NilDeref => {
                print_str("invalid memory address or nil pointer dereference")
            }
            RuntimeError::Bounds(b) => b.print(),
            RuntimeError::Message(s) => print_str(s),
            RuntimeError::Plain(_) | RuntimeError::TypeAssertion(_) => {}
        }
    }
}

/// The value a panic carries.
#[derive(Clone, Copy, Debug)]
pub enum PanicValue {
    /// `panic(nil)`.
    Nil,
    /// A string (bytes owned by the Go program: static data or the heap).
    String { ptr: *const u8, len: usize },
    /// A value of a basic kind other than string and complex128: its bits (see
    /// `rgo_abi::entry::PANIC_BASIC`).
    Basic { kind: Kind, bits: u64 },
    /// A complex128 (or widened complex64).
    Complex { re: f64, im: f64 },
    /// A run-time error.
    Error(RuntimeError),
    /// `panic(v)` with any Go value, as an `interface{}`: the dynamic type's descriptor
    /// (never null) and the data word.
    Eface { typ: *const u8, data: *const u8 },
}

impl PanicValue {
    /// Prints the value as gc's `printpanicval` does.
    pub fn print(&self) {
        match *self {
            PanicValue::Nil => print_str("nil"),
            PanicValue::String { ptr, len } => {
                if !ptr.is_null() && len > 0 {
                    // SAFETY: a panic's string points to the Go string's live bytes.
                    print_bytes(unsafe { core::slice::from_raw_parts(ptr, len) });
                }
            }
            PanicValue::Basic { kind, bits } => print_basic(kind, bits),
            PanicValue::Complex { re, im } => print_complex(re, im),
            PanicValue::Error(e) => e.print(),
            PanicValue::Eface { typ, data } => print_eface(typ, data),
        }
    }
}

fn print_basic(kind: Kind, bits: u64) {
    match kind {
        Kind::Invalid => print_str("nil"),
        Kind::Bool => print_bool(bits & 0xff != 0),
        Kind::Int | Kind::Int64 => print_int(bits as i64),
        Kind::Int8 => print_int(bits as u8 as i8 as i64),
        Kind::Int16 => print_int(bits as u16 as i16 as i64),
        Kind::Int32 => print_int(bits as u32 as i32 as i64),
        Kind::Uint | Kind::Uint64 | Kind::Uintptr => print_uint(bits),
        Kind::Uint8 => print_uint(bits as u8 as u64),
        Kind::Uint16 => print_uint(bits as u16 as u64),
        Kind::Uint32 => print_uint(bits as u32 as u64),
        Kind::Float32 => print_float(f32::from_bits(bits as u32) as f64),
        Kind::Float64 => print_float(f64::from_bits(bits)),
        Kind::Complex64 => print_complex(
            f32::from_bits(bits as u32) as f64,
            f32::from_bits((bits >> 32) as u32) as f64,
        ),
        // Not basic values: gc prints "(TYPE) ADDR"; without a type descriptor we can only
        // name the kind.
        _ => {
            print_str("(");
            print_str(kind_name(kind));
            print_str(") ");
            print_hex(bits);
        }
    }
}

/// The text `print` shows for a runtime-made panic value (strings and run-time errors), for
/// `recover` to hand back.
pub fn panic_text(v: &PanicValue) -> String {
    match *v {
        PanicValue::String { ptr, len } if !ptr.is_null() => {
            // SAFETY: panic strings point at `len` readable bytes.
            let b = unsafe { core::slice::from_raw_parts(ptr, len) };
            String::from_utf8_lossy(b).into_owned()
        }
        PanicValue::Error(RuntimeError::Plain(s) | RuntimeError::TypeAssertion(s)) => s.to_string(),
        PanicValue::Error(RuntimeError::Message(s)) => format!("runtime error: {s}"),
        PanicValue::Error(RuntimeError::DivideByZero) => {
            "runtime error: integer divide by zero".into()
        }
        PanicValue::Error(RuntimeError::NilDeref) => {
            "runtime error: invalid memory address or nil pointer dereference".into()
        }
        PanicValue::Error(RuntimeError::NegativeShift) => {
            "runtime error: negative shift amount".into()
        }
        PanicValue::Error(RuntimeError::Bounds(b)) => format!("runtime error: {}", b.text()),
        PanicValue::Error(RuntimeError::Overflow) => "runtime error: integer overflow".into(),
        PanicValue::Error(RuntimeError::FloatError) => "runtime error: floating point error".into(),
        _ => "runtime error".into(),
    }
}

/// gc's printpanicval for an `interface{}` value: basic kinds print their value (named
/// ones as `main.T(5)`), strings quoted when named, anything else `(T) 0xADDR`.
fn print_eface(typ: *const u8, data: *const u8) {
    // SAFETY: `typ` is a descriptor emitted by the compiler (non-null by contract).
    let t = unsafe { &*(typ as *const crate::lang::typedesc::Type) };
    let name = t.string_str();
    let kind = t.kind();
    // The runtime's own errors print as their text (gc prints an error's Error()).
    let named = t.uncommon().is_some()
        && !name.is_empty()
        && name.contains('.')
        && typ as *const crate::lang::typedesc::Type != crate::lang::typedesc::runtime_error_type();
    let read = |size: usize| -> u64 {
        if t.is_direct_iface() {
            return data as u64;
        }
        // SAFETY: a non-direct data word points at a value of the descriptor's type.
        unsafe {
            match size {
                1 => *data as u64,
                2 => *(data as *const u16) as u64,
                4 => *(data as *const u32) as u64,
                _ => *(data as *const u64),
            }
        }
    };
    let basic = match kind {
        Kind::Bool | Kind::Int8 | Kind::Uint8 => Some(read(1)),
        Kind::Int16 | Kind::Uint16 => Some(read(2)),
        Kind::Int32 | Kind::Uint32 | Kind::Float32 => Some(read(4)),
        Kind::Int | Kind::Int64 | Kind::Uint | Kind::Uint64 | Kind::Uintptr | Kind::Float64 => {
            Some(read(8))
        }
        _ => None,
    };
    if let Some(bits) = basic {
        if named {
            print_str(name);
            print_str("(");
        }
        print_basic(kind, bits);
        if named {
            print_str(")");
        }
        return;
    }
    match kind {
        Kind::String => {
            // SAFETY: a string's data word points at its {ptr, len} header.
            let (p, n) = unsafe { (*(data as *const *const u8), *(data as *const usize).add(1)) };
            if named {
                print_str(name);
                print_str("(\"");
            }
            if !p.is_null() && n > 0 {
                // SAFETY: Go strings point at `n` readable bytes.
                crate::print::print_bytes(unsafe { core::slice::from_raw_parts(p, n) });
            }
            if named {
                print_str("\")");
            }
        }
        Kind::Complex128 | Kind::Complex64 => {
            // SAFETY: the data word points at the complex value.
            let (re, im) = unsafe {
                if kind == Kind::Complex128 {
                    (*(data as *const f64), *(data as *const f64).add(1))
                } else {
                    (
                        *(data as *const f32) as f64,
                        *(data as *const f32).add(1) as f64,
                    )
                }
            };
            // The complex value prints its own parentheses: `main.C(+1.0e+000+2.0e+000i)`.
            if named {
                print_str(name);
            }
            print_complex(re, im);
        }
        _ => {
            print_str("(");
            print_str(name);
            print_str(") ");
            crate::print::rgo_printpointer(data as usize);
        }
    }
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Array => "array",
        Kind::Chan => "chan",
        Kind::Func => "func",
        Kind::Interface => "interface",
        Kind::Map => "map",
        Kind::Pointer => "ptr",
        Kind::Slice => "slice",
        Kind::String => "string",
        Kind::Struct => "struct",
        Kind::UnsafePointer => "unsafe.Pointer",
        Kind::Complex128 => "complex128",
        _ => "?",
    }
}

/// One active panic (Go's `_panic`), linked from `G::panic`, innermost first. Lives on
/// the stack of the [`gopanic`] call that created it.
#[repr(C)]
pub struct Panic {
    pub arg: PanicValue,
    /// The panic that was in progress when this one started (a deferred call panicked).
    pub link: *mut Panic,
    /// A deferred call recovered this panic.
    pub recovered: bool,
    /// A later panic ran over this one's deferred calls.
    pub aborted: bool,
    /// This is runtime.Goexit, not a real panic.
    pub goexit: bool,
    /// While a deferred call runs for this panic: the frame pointer of the thunk that
    /// calls it (`recover` checks that its caller was called by that thunk).
    pub thunk_fp: usize,
    /// The `Error`/`String` method of this panic's value is running to print it (a panic
    /// that reaches the top while this is set is a panic while printing panic values).
    pub printing: bool,
}

/// Number of Ms printing a fatal error (Go's `panicking`). Later, a main goroutine
/// returning while this is non-zero waits for the printer to exit the process.
pub static PANICKING: AtomicU32 = AtomicU32::new(0);

/// Serialises fatal error reports; held until the process exits.
static PANIC_LOCK: Mutex = Mutex::new();

/// `dying` level for threads that are not Ms.
static NON_M_DYING: AtomicU32 = AtomicU32::new(0);

/// Starts a panic with value `arg` on goroutine `g` (Go's gopanic).
///
/// # Safety
/// `g` must be the running goroutine, or null to mean the current thread's g.
pub unsafe fn gopanic(g: *mut G, arg: PanicValue) -> ! {
    let g = if g.is_null() { getg() } else { g };
    let mut p = Panic {
        arg,
        link: core::ptr::null_mut(),
        recovered: false,
        aborted: false,
        goexit: false,
        thunk_fp: 0,
        printing: false,
    };
    if !g.is_null() {
        // SAFETY: g is the running goroutine; its panic chain is only touched by itself.
        unsafe {
            p.link = (*g).panic;
            (*g).panic = &mut p;
        }
    }
    // Run the goroutine's deferred calls, most recent first. (A deferred call that
    // recovers will mark `p.recovered`, and the unwinder will resume the frame that
    // deferred it; until then `recover` is rejected by the compiler.)
    if !g.is_null() {
        // SAFETY: g is the running goroutine and `p` is its innermost panic.
        unsafe {
            crate::defer::run_for_panic(g, &mut p);
            if printing_panic(p.link) {
                panic_while_printing(g, &p.arg);
            }
            preprintpanics(g, &mut p);
        }
    }
    // SAFETY: g is null or valid, and `p` stays alive: fatalpanic does not return.
    unsafe { fatalpanic(g) }
}

/// `fn(g, code, recv, out)`: calls the Go method `code` (a `func() string` taking the
/// interface data word `recv` as its receiver) on goroutine `g` and stores its result in
/// `*out`. Generated by codegen, registered by `rgo.main` (`rgo_abi::entry::
/// REGISTER_METHOD_CALLER`).
pub type StringMethodCaller =
    unsafe extern "C" fn(*mut G, *const u8, *const u8, *mut crate::string::GoString);

static STRING_METHOD_CALLER: core::sync::atomic::AtomicUsize =
    core::sync::atomic::AtomicUsize::new(0);

/// Registers the program's [`StringMethodCaller`].
///
/// # Safety
/// `f` is a [`StringMethodCaller`] that stays valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_register_method_caller(_g: *mut G, f: usize) {
    STRING_METHOD_CALLER.store(f, Ordering::Release);
}

/// Replaces each panic value whose dynamic type has an `Error() string` method (gc's
/// `error`), else a `String() string` method (gc's `stringer`), by that method's result,
/// as gc's preprintpanics does before printing. The methods run on the panicking
/// goroutine; a panic escaping one of them ends the program with `panic while printing
/// panic value` (see [`panic_while_printing`]).
///
/// # Safety
/// `g` is the running goroutine and `p` its innermost panic; the links are live.
unsafe fn preprintpanics(g: *mut G, mut p: *mut Panic) {
    let caller = STRING_METHOD_CALLER.load(Ordering::Acquire);
    if caller == 0 {
        return;
    }
    // SAFETY: registered by rgo.main with this type.
    let call: StringMethodCaller = unsafe { core::mem::transmute(caller) };
    while !p.is_null() {
        // SAFETY: by contract; the records stay alive while their gopanic frames do.
        unsafe {
            if let PanicValue::Eface { typ, data } = (*p).arg {
                let t = &*(typ as *const crate::lang::typedesc::Type);
                if let Some(code) = t
                    .string_method(b"Error")
                    .or_else(|| t.string_method(b"String"))
                {
                    let mut out = crate::string::GoString {
                        ptr: core::ptr::null(),
                        len: 0,
                    };
                    (*p).printing = true;
                    call(g, code, data, &mut out);
                    (*p).printing = false;
                    (*p).arg = PanicValue::String {
                        ptr: out.ptr,
                        len: out.len.max(0) as usize,
                    };
                }
            }
            p = (*p).link;
        }
    }
}

/// Some panic of the chain from `p` on is having its value printed.
///
/// # Safety
/// `p` is null or a live panic record whose links are live.
unsafe fn printing_panic(mut p: *mut Panic) -> bool {
    while !p.is_null() {
        // SAFETY: by contract.
        unsafe {
            if (*p).printing {
                return true;
            }
            p = (*p).link;
        }
    }
    false
}

/// A panic with value `v` escaped an `Error`/`String` method called to print a panic
/// value: gc's `fatal error: panic while printing panic value: TEXT` for a string value,
/// `…: type T` for others.
fn panic_while_printing(g: *mut G, v: &PanicValue) -> ! {
    printlock();
    print_str("fatal error: panic while printing panic value: ");
    match *v {
        PanicValue::String { .. } => v.print(),
        PanicValue::Eface { typ, .. } => {
            // SAFETY: a panic's descriptor is valid.
            let t = unsafe { &*(typ as *const crate::lang::typedesc::Type) };
            if t.kind() == Kind::String && t.string() == b"string" {
                v.print();
            } else {
                print_str("type ");
                print_bytes(t.string());
            }
        }
        PanicValue::Nil => print_str("type <nil>"),
        PanicValue::Basic { kind, .. } => {
            print_str("type ");
            print_str(basic_kind_name(kind));
        }
        PanicValue::Complex { .. } => print_str("type complex128"),
        PanicValue::Error(e) => {
            print_str("type ");
            print_str(match e {
                RuntimeError::Bounds(_) => "runtime.boundsError",
                RuntimeError::Plain(_) => "runtime.plainError",
                RuntimeError::TypeAssertion(_) => "*runtime.TypeAssertionError",
                _ => "runtime.errorString",
            });
        }
    }
    print_str("\n");
    fatalthrow(g)
}

/// The name of a basic kind's predeclared type.
fn basic_kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Bool => "bool",
        Kind::Int => "int",
        Kind::Int8 => "int8",
        Kind::Int16 => "int16",
        Kind::Int32 => "int32",
        Kind::Int64 => "int64",
        Kind::Uint => "uint",
        Kind::Uint8 => "uint8",
        Kind::Uint16 => "uint16",
        Kind::Uint32 => "uint32",
        Kind::Uint64 => "uint64",
        Kind::Uintptr => "uintptr",
        Kind::Float32 => "float32",
        Kind::Float64 => "float64",
        Kind::Complex64 => "complex64",
        _ => kind_name(k),
    }
}

/// Panics with a run-time error (Go's `panic(boundsError{…})`, `panicdivide`, …).
///
/// # Safety
/// As for [`gopanic`].
pub unsafe fn panic_error(g: *mut G, e: RuntimeError) -> ! {
    // SAFETY: forwarded contract.
    unsafe { gopanic(g, PanicValue::Error(e)) }
}

/// Prints an unrecovered panic chain with the trailer and exits 2 (Go's fatalpanic).
///
/// # Safety
/// `g` must be null or a valid G whose panic chain is live.
unsafe fn fatalpanic(g: *mut G) -> ! {
    // Where the panicking goroutine's frames start (we are still on its stack).
    let fp = crate::symtab::frame_pointer();
    crate::context::systemstack(|| {
        printlock();
        if startpanic() && !g.is_null() {
            // SAFETY: g is valid; its panic chain consists of live Panic records.
            unsafe { printpanics((*g).panic) };
        }
        dopanic(g, fp);
        printunlock();
    });
    exit(2)
}

/// Prints `p`'s chain, oldest first.
///
/// # Safety
/// `p` must be null or a live Panic whose links are live.
unsafe fn printpanics(p: *mut Panic) {
    if p.is_null() {
        return;
    }
    // SAFETY: by contract.
    let p = unsafe { &*p };
    if !p.link.is_null() {
        // SAFETY: by contract.
        unsafe {
            printpanics(p.link);
            if !(*p.link).goexit {
                print_str("\t");
            }
        }
    }
    if p.goexit {
        return;
    }
    print_str("panic: ");
    p.arg.print();
    if p.recovered {
        print_str(" [recovered]");
    }
    print_str("\n");
}

fn dying_level() -> &'static AtomicU32 {
    let m = getm();
    if m.is_null() {
        &NON_M_DYING
    } else {
        // SAFETY: an M lives forever; `dying` is only touched by its own thread. Viewing
        // the u32 field as an AtomicU32 is sound (same size and alignment).
        unsafe { AtomicU32::from_ptr(&raw mut (*m).dying) }
    }
}

/// Prepares for a fatal report (Go's startpanic_m). Returns whether the panic values
/// should be printed.
fn startpanic() -> bool {
    let dying = dying_level();
    match dying.load(Ordering::Relaxed) {
        0 => {
            dying.store(1, Ordering::Relaxed);
            PANICKING.fetch_add(1, Ordering::SeqCst);
            PANIC_LOCK.lock();
            true
        }
        1 => {
            dying.store(2, Ordering::Relaxed);
            print_str("panic during panic\n");
            false
        }
        2 => {
            dying.store(3, Ordering::Relaxed);
            print_str("stack trace unavailable\n");
            exit(4)
        }
        _ => exit(5),
    }
}

/// Prints the part of a fatal report after the message: the signal line, the goroutine
/// header and, given the frame pointer `fp` of a frame on the goroutine's stack (0: none),
/// the traceback of its Go frames above it (Go's dopanic_m).
fn dopanic(g: *mut G, fp: usize) {
    if g.is_null() {
        return;
    }
    // SAFETY: g is a valid G (the failing goroutine or g0); its m, if any, is valid.
    unsafe {
        if (*g).sig != 0 {
            print_str("[signal ");
            match crate::signal::signame((*g).sig) {
                Some(name) => print_str(name),
                None => print_hex((*g).sig as u64),
            }
            print_str(" code=");
            print_hex((*g).sigcode0 as u64);
            print_str(" addr=");
            print_hex((*g).sigcode1 as u64);
            print_str(" pc=");
            print_hex((*g).sigpc as u64);
            print_str("]\n");
        }
        let shown = if is_g0(g) { (*(*g).m).curg } else { g };
        if !shown.is_null() {
            print_str("\n");
            goroutineheader(shown);
            if fp != 0 {
                crate::symtab::print_traceback(shown, fp);
                crate::symtab::print_created_by(shown);
            }
        }
    }
}

/// Prints `goroutine N [status]:` (the wait reason for a waiting goroutine, and `, locked
/// to thread` when it is).
///
/// # Safety
/// `g` must be a valid G.
pub unsafe fn goroutineheader(g: *mut G) {
    // SAFETY: by contract.
    let (goid, status, reason, locked) = unsafe {
        (
            (*g).goid,
            (*g).status(),
            (*g).waitreason,
            !(*g).lockedm.is_null(),
        )
    };
    print_str("goroutine ");
    print_int(goid);
    print_str(" [");
    match GStatus::from_u32(status) {
        Some(GStatus::Waiting) if reason != crate::g::WaitReason::Zero => print_str(reason.name()),
        Some(s) => print_str(s.name()),
        None => print_str("???"),
    }
    if locked {
        print_str(", locked to thread");
    }
    print_str("]:\n");
}

/// The deadlock report (Go's `fatal` from checkdead): `fatal error: msg`, then a blank
/// line, a header and the Go frames of every goroutine; exits 2.
pub fn fatal_deadlock(msg: &str) -> ! {
    printlock();
    print_str("fatal error: ");
    print_str(msg);
    print_str("\n");
    crate::g::for_each_g(|g| {
        if g.goid == 0 || crate::mem::mfinal::is_system_goroutine(g) {
            return;
        }
        match GStatus::from_u32(g.status()) {
            Some(GStatus::Dead) | Some(GStatus::Idle) | None => {}
            Some(_) => {
                print_str("\n");
                let gp = g as *const G as *mut G;
                // SAFETY: g is a live G from allgs; a parked goroutine's frame-pointer
                // chain starts at its saved FP.
                unsafe {
                    crate::stackcompact::ensure_resident(gp);
                    goroutineheader(gp);
                    crate::symtab::print_traceback(gp, g.sched.fp);
                    crate::symtab::print_created_by(gp);
                }
            }
        }
    });
    exit(2)
}

/// A fatal error: prints `fatal error: msg` and the trailer, exits 2 (Go's throw).
pub fn throw(msg: &str) -> ! {
    throw_bytes(msg.as_bytes())
}

/// [`throw`] with a message given as bytes.
pub fn throw_bytes(msg: &[u8]) -> ! {
    printlock();
    print_str("fatal error: ");
    print_bytes(msg);
    print_str("\n");
    fatalthrow(getg())
}

/// The trailer of a fatal error for goroutine `g` (Go's fatalthrow): exits 2.
pub fn fatalthrow(g: *mut G) -> ! {
    let m = getm();
    if !m.is_null() {
        // SAFETY: this thread's M; `throwing` is only touched by its own thread.
        unsafe {
            if (*m).throwing == 0 {
                (*m).throwing = 1;
            }
        }
    }
    printlock();
    startpanic();
    dopanic(g, 0);
    exit(2)
}

/// Ends the process with `code` at once, as Go's exit does (no atexit handlers, no
/// unwinding).
pub fn exit(code: i32) -> ! {
    // SAFETY: _exit has no preconditions and does not return.
    unsafe { libc::_exit(code) }
}

// ---- entry points (rgo_abi::entry::PANIC_* and THROW) ----
//
// Safety of every entry point taking `g`: `g` is the calling goroutine (generated code
// passes its own g), or null to mean the current thread's g.

/// `panic(s)` with a string value.
///
/// # Safety
/// See above; `ptr` must point to `len` readable bytes that stay alive (a Go string).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_panic_string(g: *mut G, ptr: *const u8, len: i64) -> ! {
    let v = PanicValue::String {
        ptr,
        len: len.max(0) as usize,
    };
    // SAFETY: see above.
    unsafe { gopanic(g, v) }
}

/// A value method called through a nil pointer: `msg` is gc's text (see
/// `rgo_abi::entry::PANIC_WRAP`).
///
/// # Safety
/// See above; `ptr` must point to `len` bytes that live as long as the program (generated
/// code's read-only data).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_panicwrap(g: *mut G, ptr: *const u8, len: i64) -> ! {
    let msg: &'static [u8] = if ptr.is_null() || len <= 0 {
        &[]
    } else {
        // SAFETY: by contract.
        unsafe { core::slice::from_raw_parts(ptr, len as usize) }
    };
    let msg = core::str::from_utf8(msg).unwrap_or("value method called using nil pointer");
    // SAFETY: see above.
    unsafe { panic_error(g, RuntimeError::Plain(msg)) }
}

/// `panic(v)` for a basic-kind value `v` other than string (see `rgo_abi::entry`).
///
/// # Safety
/// See above.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_panic_basic(g: *mut G, kind: i32, bits: u64) -> ! {
    let kind = if (0..=26).contains(&kind) {
        Kind::from_u8(kind as u8)
    } else {
        Kind::Invalid
    };
    // SAFETY: see above.
    unsafe { gopanic(g, PanicValue::Basic { kind, bits }) }
}

/// `panic(v)` for a complex128 value.
///
/// # Safety
/// See above.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_panic_complex(g: *mut G, re: f64, im: f64) -> ! {
    // SAFETY: see above.
    unsafe { gopanic(g, PanicValue::Complex { re, im }) }
}

/// `runtime error: integer divide by zero`.
///
/// # Safety
/// See above.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_panic_divide(g: *mut G) -> ! {
    // SAFETY: see above.
    unsafe { panic_error(g, RuntimeError::DivideByZero) }
}

/// `runtime error: negative shift amount`.
///
/// # Safety
/// See above.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_panic_shift(g: *mut G) -> ! {
    // SAFETY: see above.
    unsafe { panic_error(g, RuntimeError::NegativeShift) }
}

/// A failed `unsafe.Slice` check (gc's `panicunsafeslicelen` / `panicunsafeslicenilptr`).
///
/// # Safety
/// See above.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_panic_unsafeslice(g: *mut G, nil_ptr: i64) -> ! {
    let msg = if nil_ptr != 0 {
        "unsafe.Slice: ptr is nil and len is not zero"
    } else {
        "unsafe.Slice: len out of range"
    };
    // SAFETY: see above.
    unsafe { panic_error(g, RuntimeError::Message(msg)) }
}

/// `runtime error: invalid memory address or nil pointer dereference`.
///
/// # Safety
/// See above.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_panic_nil(g: *mut G) -> ! {
    // SAFETY: see above.
    unsafe { panic_error(g, RuntimeError::NilDeref) }
}

/// # Safety
/// As for [`gopanic`].
unsafe fn panic_bounds(g: *mut G, x: i64, y: i64, code: u32) -> ! {
    let e = BoundsError {
        x,
        y,
        signed: code & bounds::UNSIGNED == 0,
        code: code & !bounds::UNSIGNED,
    };
    // SAFETY: forwarded contract.
    unsafe { panic_error(g, RuntimeError::Bounds(e)) }
}

/// `index out of range [index] with length len`.
///
/// # Safety
/// See above.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_panic_index(g: *mut G, index: i64, len: i64) -> ! {
    // SAFETY: see above.
    unsafe { panic_bounds(g, index, len, bounds::INDEX) }
}

/// `slice bounds out of range [:hi] with capacity cap`.
///
/// # Safety
/// See above.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_panic_slice_acap(g: *mut G, hi: i64, cap: i64) -> ! {
    // SAFETY: see above.
    unsafe { panic_bounds(g, hi, cap, bounds::SLICE_ACAP) }
}

/// `slice bounds out of range [:hi] with length len`.
///
/// # Safety
/// See above.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_panic_slice_alen(g: *mut G, hi: i64, len: i64) -> ! {
    // SAFETY: see above.
    unsafe { panic_bounds(g, hi, len, bounds::SLICE_ALEN) }
}

/// `slice bounds out of range [lo:hi]`.
///
/// # Safety
/// See above.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_panic_slice_b(g: *mut G, lo: i64, hi: i64) -> ! {
    // SAFETY: see above.
    unsafe { panic_bounds(g, lo, hi, bounds::SLICE_B) }
}

/// Any bounds failure: `code` is an `rgo_abi::bounds` code, possibly with `UNSIGNED`.
///
/// # Safety
/// See above.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_panic_bounds(g: *mut G, x: i64, y: i64, code: u32) -> ! {
    // SAFETY: see above.
    unsafe { panic_bounds(g, x, y, code) }
}

/// `fatal error: msg`.
///
/// # Safety
/// `ptr` must point to `len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_throw(_g: *mut G, ptr: *const u8, len: i64) -> ! {
    let msg: &[u8] = if ptr.is_null() || len <= 0 {
        &[]
    } else {
        // SAFETY: by contract.
        unsafe { core::slice::from_raw_parts(ptr, len as usize) }
    };
    throw_bytes(msg)
}
