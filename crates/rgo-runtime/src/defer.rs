//! Deferred calls (Go's deferproc/deferreturn).
//!
//! `defer f(x)` packages the call as for `go` (rgo_abi::entry::NEWPROC): a block holding the
//! evaluated callee and arguments, and a C-convention entry that makes the call. The record
//! is pushed on the goroutine's defer chain together with the deferring activation's frame
//! pointer. Before each return, a function that defers runs the records of its own frame,
//! most recent first (`rgo_deferreturn`); a panic runs every remaining record of the
//! goroutine, innermost first (`run_for_panic`, called from `gopanic`).
//!
//! Records are heap objects (conservatively scanned: they hold the block pointer). gc puts
//! most of them on the stack ("open-coded" or stack-allocated defers); that optimisation
//! needs the compiler's escape information and can come later.
//!
//! `recover` needs the unwinder that resumes a recovering frame at its landing pad; until
//! that exists the compiler rejects `recover`, so a panic that reaches here always ends
//! the program after the deferred calls ran.

use crate::g::{getg, G};

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

/// Runs every pending deferred call of `g`, most recent first (a panic unwinding).
///
/// # Safety
/// `g` is the running goroutine.
pub unsafe fn run_for_panic(g: *mut G) {
    loop {
        let d = head(g);
        if d.is_null() {
            return;
        }
        // SAFETY: as in rgo_deferreturn.
        let (f, arg) = unsafe {
            set_head(g, (*d).link);
            ((*d).f, (*d).arg)
        };
        f(g, arg);
    }
}
