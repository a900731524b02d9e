//! Deferred calls and recovery (Go's deferproc, deferreturn, gorecover, recovery).
//!
//! `defer f(x)` packages the call as for `go` (rgo_abi::entry::NEWPROC): a block holding the
//! evaluated callee and arguments, and a C-convention thunk that makes the call. The record
//! is pushed on the goroutine's defer chain together with the deferring activation's frame
//! pointer. Before each return, a function that defers runs the records of its own frame,
//! most recent first (`rgo_deferreturn`); a panic runs every remaining record of the
//! goroutine, innermost first (`run_for_panic`, called from `gopanic`).
//!
//! # Recovery
//! In a function that defers, the compiler makes every call a Cranelift `try_call` whose
//! exceptional edge leads to one landing pad: "run my remaining deferred calls, then return
//! normally with the current named results". For each such call site it registers the
//! return address, the landing pad and the SP-to-FP distance (`rgo_register_unwind`).
//!
//! `recover()` (`rgo_gorecover`) succeeds when a panic is running a deferred call and the
//! function calling `recover` was called directly by that call's thunk: the thunk is
//! entered through [`call_deferred`], which records where the thunk's frame will be, and
//! the recovering function's saved frame pointer must be exactly that. When the deferred
//! call returns with the panic recovered, `recovery` walks the frame-pointer chain from
//! the panic up to the deferring frame, finds the return address of the call that is in
//! progress there, and resumes that frame at its landing pad with SP and FP set for it.
//! The landing pad's exceptional edge clobbers every register (the `tail` convention), so
//! nothing else needs restoring. Rust frames on the way keep frame pointers
//! (.cargo/config.toml), so the chain is complete.
//!
//! Records are heap objects (conservatively scanned: they hold the block pointer). gc puts
//! most of them on the stack ("open-coded" defers); that optimisation needs the compiler's
//! escape information and can come later.

use std::sync::RwLock;

use crate::g::{getg, G};
use crate::panic::{Panic, PanicValue, RuntimeError};

/// One deferred call, linked from `G::defer`, most recent first.
#[repr(C)]
pub struct Defer {
    pub link: *mut Defer,
    pub f: extern "C" fn(*mut G, *mut u8),
    pub arg: *mut u8,
    /// Frame pointer of the deferring activation.
    pub frame: usize,
}

fn head(g: *mut G) -> *mut Defer {
    // SAFETY: g is the running goroutine; only it touches its defer chain.
    unsafe { (*g).defer as *mut Defer }
}

fn set_head(g: *mut G, d: *mut Defer) {
    // SAFETY: as in `head`.
    unsafe { (*g).defer = d as *mut u8 };
}

/// # Safety
/// `g` is the running goroutine (or null); `f` and `arg` form a call package as described
/// in rgo_abi::entry::DEFERPROC.
#[no_mangle]
pub unsafe extern "C" fn rgo_deferproc(
    g: *mut G,
    f: extern "C" fn(*mut G, *mut u8),
    arg: *mut u8,
    frame: usize,
) {
    let g = if g.is_null() { getg() } else { g };
    let d = crate::malloc::mallocgc(core::mem::size_of::<Defer>(), 8) as *mut Defer;
    // SAFETY: `d` is fresh memory of the right size and alignment.
    unsafe {
        d.write(Defer {
            link: head(g),
            f,
            arg,
            frame,
        })
    };
    set_head(g, d);
}

/// # Safety
/// `g` is the running goroutine (or null).
#[no_mangle]
pub unsafe extern "C" fn rgo_deferreturn(g: *mut G, frame: usize) {
    let g = if g.is_null() { getg() } else { g };
    loop {
        let d = head(g);
        // SAFETY: records on the chain are live until popped.
        if d.is_null() || unsafe { (*d).frame } != frame {
            return;
        }
        // Pop before calling: the deferred call may defer and return itself.
        // SAFETY: as above.
        let (f, arg) = unsafe {
            set_head(g, (*d).link);
            ((*d).f, (*d).arg)
        };
        f(g, arg);
    }
}

/// Runs the pending deferred calls of `g` for panic `p`, most recent first; resumes the
/// deferring frame instead of returning if one of them recovers.
///
/// # Safety
/// `g` is the running goroutine and `p` its innermost panic.
pub unsafe fn run_for_panic(g: *mut G, p: *mut Panic) {
    loop {
        let d = head(g);
        if d.is_null() {
            return;
        }
        // SAFETY: as in rgo_deferreturn; `p` lives in gopanic's frame below us.
        let (f, arg, frame) = unsafe {
            set_head(g, (*d).link);
            ((*d).f, (*d).arg, (*d).frame)
        };
        // SAFETY: `f` is a thunk of the C convention; the slot is p.thunk_fp.
        unsafe { call_deferred(f, g, arg, &mut (*p).thunk_fp) };
        // SAFETY: as above.
        unsafe {
            (*p).thunk_fp = 0;
            if (*p).recovered {
                (*g).panic = (*p).link;
                recovery(frame);
            }
        }
    }
}

/// Calls `f(g, arg)` and first stores into `*slot` the frame pointer `f`'s prologue will
/// set up (its frame record sits right below this call's return address).
///
/// # Safety
/// `f` is a C-convention function with a standard `push rbp; mov rbp, rsp` prologue.
#[unsafe(naked)]
unsafe extern "C" fn call_deferred(
    f: extern "C" fn(*mut G, *mut u8),
    g: *mut G,
    arg: *mut u8,
    slot: *mut usize,
) {
    core::arch::naked_asm!(
        "push rbp",
        "mov rbp, rsp",
        // The callee pushes its return address at rsp-8 and rbp at rsp-16.
        "lea rax, [rsp - 16]",
        "mov [rcx], rax",
        "mov rax, rdi",
        "mov rdi, rsi",
        "mov rsi, rdx",
        "call rax",
        "pop rbp",
        "ret",
    )
}

/// One call site of a function that defers (see the module comment).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct UnwindEntry {
    /// Address of the function's code.
    pub func: usize,
    /// Offset of the call's return address within the function.
    pub ret_off: u32,
    /// Offset of the landing pad within the function.
    pub handler_off: u32,
    /// FP minus SP at the call site.
    pub frame_off: u32,
    pub _pad: u32,
}

/// Call sites by return address.
static UNWIND: RwLock<Vec<(usize, usize, usize)>> = RwLock::new(Vec::new());

/// Registers a compiled program's call-site table.
///
/// # Safety
/// `table` points to `n` entries.
#[no_mangle]
pub unsafe extern "C" fn rgo_register_unwind(_g: *mut G, table: *const UnwindEntry, n: i64) {
    if table.is_null() || n <= 0 {
        return;
    }
    // SAFETY: by contract.
    let entries = unsafe { core::slice::from_raw_parts(table, n as usize) };
    let mut t = UNWIND.write().unwrap_or_else(|e| e.into_inner());
    for e in entries {
        t.push((
            e.func + e.ret_off as usize,
            e.func + e.handler_off as usize,
            e.frame_off as usize,
        ));
    }
    t.sort_unstable();
}

fn lookup(ret: usize) -> Option<(usize, usize)> {
    let t = UNWIND.read().unwrap_or_else(|e| e.into_inner());
    let i = t.binary_search_by_key(&ret, |e| e.0).ok()?;
    Some((t[i].1, t[i].2))
}

/// Resumes the activation whose frame pointer is `frame` at the landing pad of the call it
/// has in progress. Falls back to the fatal panic path if the call site is unknown.
unsafe fn recovery(frame: usize) -> ! {
    let mut x: usize;
    // SAFETY: reads this function's frame pointer.
    unsafe { core::arch::asm!("mov {}, rbp", out(reg) x) };
    // Walk saved frame pointers up to the frame record whose saved FP is `frame`.
    let mut steps = 0;
    while x != 0 && steps < 100_000 {
        // SAFETY: frame records on the goroutine stack are (saved rbp, return address).
        let (next, ret) = unsafe { (*(x as *const usize), *((x + 8) as *const usize)) };
        if next == frame {
            if let Some((pc, frame_off)) = lookup(ret) {
                // SAFETY: `frame` is a live activation of compiled code and `pc` its
                // landing pad, which expects SP = FP - frame_off.
                unsafe { resume(frame - frame_off, frame, pc) }
            }
            break;
        }
        x = next;
        steps += 1;
    }
    crate::panic::throw("recover: no landing pad for the recovering frame")
}

/// Sets SP and FP and jumps.
#[unsafe(naked)]
unsafe extern "C" fn resume(sp: usize, fp: usize, pc: usize) -> ! {
    core::arch::naked_asm!("mov rsp, rdi", "mov rbp, rsi", "jmp rdx")
}

/// `recover()`: writes the current panic's value as an `interface{}` to `out` and stops the
/// panic, if called directly by a deferred call that the panic is running; else writes nil.
///
/// # Safety
/// `g` is the running goroutine (or null); `fp` is the caller's frame pointer; `out` has
/// room for two words.
#[no_mangle]
pub unsafe extern "C" fn rgo_gorecover(g: *mut G, fp: usize, out: *mut [usize; 2]) {
    let g = if g.is_null() { getg() } else { g };
    // SAFETY: out is writable by contract.
    unsafe { *out = [0, 0] };
    // SAFETY: g is the running goroutine; its panic chain is live.
    let p = unsafe { (*g).panic };
    if p.is_null() {
        return;
    }
    // SAFETY: as above; `fp` is the caller's frame record.
    unsafe {
        if (*p).recovered || (*p).goexit || (*p).thunk_fp == 0 {
            return;
        }
        if *(fp as *const usize) != (*p).thunk_fp {
            return;
        }
        (*p).recovered = true;
        *out = eface_of(&(*p).arg);
    }
}

/// A panic value as an `interface{}`: values of Go types as they were; failed type
/// assertions as a `*runtime.TypeAssertionError` (a pointer to a struct whose only field
/// is the text); the runtime's other errors and strings as a string-kinded value of
/// `runtime.errorString`'s descriptor.
fn eface_of(v: &PanicValue) -> [usize; 2] {
    match *v {
        PanicValue::Eface { typ, data } => [typ as usize, data as usize],
        PanicValue::Nil => [0, 0],
        _ => {
            let msg = crate::panic::panic_text(v);
            let s = crate::string::new_string(msg.as_bytes());
            // The string header: errorString's boxed value, or the TypeAssertionError
            // struct (same layout). Scanned conservatively.
            let cell = crate::malloc::mallocgc(16, 8) as *mut crate::string::GoString;
            // SAFETY: `cell` is fresh memory for one string header.
            unsafe { cell.write(s) };
            let tae = crate::lang::typedesc::type_assertion_error_type();
            let typ = match v {
                PanicValue::Error(RuntimeError::TypeAssertion(_)) if !tae.is_null() => tae,
                _ => crate::lang::typedesc::runtime_error_type(),
            };
            [typ as usize, cell as usize]
        }
    }
}

/// `panic(v)` with a Go value converted to `interface{}`.
///
/// # Safety
/// `g` is the running goroutine (or null); `typ` is a descriptor or null (`panic(nil)`).
#[no_mangle]
pub unsafe extern "C" fn rgo_gopanic(g: *mut G, typ: *const u8, data: *const u8) {
    let v = if typ.is_null() {
        PanicValue::Nil
    } else {
        PanicValue::Eface { typ, data }
    };
    // SAFETY: forwarded contract.
    unsafe { crate::panic::gopanic(g, v) }
}
