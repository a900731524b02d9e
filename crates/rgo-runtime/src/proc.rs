//! The scheduler's entry points (Go's proc.go) — for now only what a single goroutine
//! needs.
//!
//! Generated code polls `g.preempt` at every function entry and loop back-edge and calls
//! [`rgo_poll`] when it is non-zero. That is rgo's cooperative substitute for Go's
//! asynchronous preemption (signals cannot safely interrupt Cranelift code at arbitrary
//! instructions): sysmon sets the flag on a goroutine that has run for more than 10 ms,
//! and stop-the-world sets it on all of them. With one goroutine and no sysmon yet, the
//! poll just clears the flag; the scheduler will yield (`gosched`) or park for the GC
//! here, through `context::mcall`.

use core::sync::atomic::Ordering;

use crate::g::G;

/// Cold path of the preemption poll.
///
/// # Safety
/// `g` must be the running goroutine (or null).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_poll(g: *mut G) {
    if g.is_null() {
        return;
    }
    // SAFETY: by contract g is the running goroutine.
    let g = unsafe { &*g };
    g.preempt.store(0, Ordering::Relaxed);
    // Scheduler hook: if a stop-the-world or a time-slice preemption asked for it, switch
    // to g0 (mcall) and let the scheduler run something else, or park until the world
    // restarts.
}
