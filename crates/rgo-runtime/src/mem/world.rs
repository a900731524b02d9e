//! The collector's view of the rest of the runtime: stopping and starting the world,
//! enumerating goroutine stacks, and the number of Ps — as hooks the scheduler installs.
//!
//! Why hooks. The scheduler (Ps, Ms, run queues, safe points) lives elsewhere and changes
//! on its own schedule; the collector needs only four things from it. [`set_world_hooks`]
//! installs them once at start-up. Contract:
//! * `stop_the_world` returns when no other goroutine runs Go code or is inside the
//!   allocator (all parked at a safe point: a preemption poll, a blocking runtime call);
//!   it is called by a goroutine (or the GC on its behalf) that then does the STW work on
//!   its own thread. `start_the_world` resumes them.
//! * `for_each_stack(f)` calls `f(lo, hi)` for every goroutine stack to scan: for parked
//!   goroutines from their saved SP (the switch pushed their callee-saved registers
//!   there) to `stack.hi`; for the calling goroutine from the current SP (the collector
//!   has already spilled its registers onto it). Called with the world stopped.
//! * `gomaxprocs()` — the number of Ps (sizes the background mark workers, gctrace).
//! * `yield_now()` is called in every round of the collector's waits (for the cycle lock,
//!   for the mark workers): a goroutine yields its P (Gosched) so that a stop-the-world
//!   requested meanwhile can stop it; runtime threads yield the CPU. Without it, a
//!   goroutine waiting for the cycle lock while the holder stops the world deadlocks.
//!
//! Defaults (today's runtime: one goroutine): stopping the world is a no-op, the only
//! stack is the calling thread's (the current goroutine's, from SP to `g.stack.hi`, or
//! the OS thread's own stack when not on a goroutine), and GOMAXPROCS is the env var or
//! the CPU count. With the defaults, every STW phase runs on the one mutator thread, which
//! is what makes the no-op stop correct.

use core::cell::Cell;
use core::sync::atomic::{AtomicPtr, Ordering};

/// The scheduler's services the collector uses (see the module header for the contract).
#[derive(Clone, Copy)]
pub struct WorldHooks {
    pub stop_the_world: fn(),
    pub start_the_world: fn(),
    pub for_each_stack: fn(&mut dyn FnMut(usize, usize)),
    pub gomaxprocs: fn() -> usize,
    pub yield_now: fn(),
}

static HOOKS: AtomicPtr<WorldHooks> = AtomicPtr::new(core::ptr::null_mut());

/// Installs the scheduler's hooks (replacing the defaults). Call before the first GC.
pub fn set_world_hooks(h: WorldHooks) {
    let p = Box::into_raw(Box::new(h));
    // The previous hooks are leaked: a concurrent reader may still hold them.
    HOOKS.store(p, Ordering::Release);
}

/// The default hooks (single goroutine).
pub const DEFAULT_HOOKS: WorldHooks = WorldHooks {
    stop_the_world: || {},
    start_the_world: || {},
    for_each_stack: current_stack,
    gomaxprocs: default_gomaxprocs,
    yield_now: std::thread::yield_now,
};

/// Whether the scheduler installed its hooks (automatic collection waits for it: with
/// the defaults, other goroutines' stacks would not be scanned).
pub fn hooks_installed() -> bool {
    !HOOKS.load(Ordering::Acquire).is_null()
}

fn hooks() -> WorldHooks {
    let p = HOOKS.load(Ordering::Acquire);
    if p.is_null() {
        DEFAULT_HOOKS
    } else {
        // SAFETY: installed hooks are leaked, never freed.
        unsafe { *p }
    }
}

pub fn stop() {
    (hooks().stop_the_world)()
}
pub fn start() {
    (hooks().start_the_world)()
}
pub fn for_each_stack(f: &mut dyn FnMut(usize, usize)) {
    (hooks().for_each_stack)(f)
}
pub fn gomaxprocs() -> usize {
    (hooks().gomaxprocs)().max(1)
}
pub fn yield_now() {
    (hooks().yield_now)()
}

fn default_gomaxprocs() -> usize {
    static N: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *N.get_or_init(|| {
        std::env::var("GOMAXPROCS")
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
            .filter(|&n| n > 0)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
    })
}

thread_local! {
    static THREAD_HI: Cell<usize> = const { Cell::new(0) };
}

/// Top of the calling OS thread's stack.
pub fn thread_stack_hi() -> usize {
    let hi = THREAD_HI.with(|c| c.get());
    if hi != 0 {
        return hi;
    }
    // SAFETY: pthread_getattr_np fills attr for the calling thread; we read the bounds and
    // destroy it. All pointers are to locals.
    let hi = unsafe {
        let mut attr: libc::pthread_attr_t = core::mem::zeroed();
        if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) != 0 {
            return 0;
        }
        let mut addr: *mut libc::c_void = core::ptr::null_mut();
        let mut size: libc::size_t = 0;
        let rc = libc::pthread_attr_getstack(&attr, &mut addr, &mut size);
        libc::pthread_attr_destroy(&mut attr);
        if rc != 0 {
            return 0;
        }
        addr as usize + size
    };
    THREAD_HI.with(|c| c.set(hi));
    hi
}

/// The live part of the calling thread's current stack: `(sp, hi)`.
#[inline(never)]
pub fn current_stack_range() -> (usize, usize) {
    let marker = 0usize;
    let sp = core::hint::black_box(&marker) as *const usize as usize & !7;
    let g = crate::g::getg();
    if !g.is_null() {
        // SAFETY: the thread's current G is valid while it runs.
        let st = unsafe { (*g).stack };
        if st.contains(sp) {
            return (sp, st.hi);
        }
    }
    (sp, thread_stack_hi())
}

/// Default `for_each_stack`: the calling thread's stack only.
pub fn current_stack(f: &mut dyn FnMut(usize, usize)) {
    let (lo, hi) = current_stack_range();
    if hi > lo {
        f(lo, hi);
    }
}

/// Calls `f(arg, sp)` after pushing the callee-saved registers, so a conservative scan
/// of the stack from `sp` up also sees pointers held only in registers.
#[unsafe(naked)]
unsafe extern "C" fn rgo_spill_call(arg: *mut u8, f: unsafe extern "C" fn(*mut u8, usize)) {
    core::arch::naked_asm!(
        "push rbp",
        "mov rbp, rsp",
        "push rbx",
        "push r12",
        "push r13",
        "push r14",
        "push r15",
        "sub rsp, 8",
        "mov rax, rsi",
        "mov rsi, rsp",
        "call rax",
        "add rsp, 8",
        "pop r15",
        "pop r14",
        "pop r13",
        "pop r12",
        "pop rbx",
        "pop rbp",
        "ret",
    )
}

/// Runs `f` with the caller's callee-saved registers spilled on the stack below it.
pub fn with_registers_spilled<F: FnMut()>(mut f: F) {
    unsafe extern "C" fn tramp<F: FnMut()>(arg: *mut u8, _sp: usize) {
        // SAFETY: arg is the &mut F passed below, alive for the call.
        unsafe { (*(arg as *mut F))() }
    }
    // SAFETY: the trampoline matches the signature and arg outlives the call.
    unsafe { rgo_spill_call(&mut f as *mut F as *mut u8, tramp::<F>) }
}
