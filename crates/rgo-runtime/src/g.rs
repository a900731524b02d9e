//! Goroutines (G) and OS threads (M): the descriptors the rest of the runtime is built on.
//!
//! Go's scheduler has three actors. A **G** is a goroutine: its stack, its saved context
//! while it is not running, its status, its panic and defer chains. An **M** is an OS
//! thread able to run Go code; each M has a **g0**, a G describing the thread's own system
//! stack, on which the scheduler, the GC and other heavy runtime work run (see
//! `context::systemstack`). A **P** (processor, the right to run Go code, holding the
//! run queue and the allocation cache) will join them with the scheduler; until then the
//! process has exactly one M, `m0`, running the main goroutine.
//!
//! The G is `#[repr(C)]` and begins with the fields generated code touches, at the offsets
//! written in `rgo_abi::g` (stack bounds, `stackguard` for the prologue's overflow check,
//! the `preempt` word polled at function entries and loop back-edges, and the saved context
//! `sched`). The assertions below keep the two in step. Fields after those are private to
//! the runtime and may change freely.
//!
//! The thread-local *current g* and *current m* (Go keeps g in a register and m in g)
//! serve runtime code that is not handed `g`: the signal handler, the print lock, the
//! fatal-error path. Generated code always passes g explicitly; whoever switches
//! goroutines updates the thread-local (`setg`) just before the switch.
//!
//! Status transitions follow Go's state machine, and only these edges exist (anything else
//! is a runtime bug and throws in `cas_status`):
//!
//! ```text
//!   Idle ──newproc──► Dead ──newproc──► Runnable ◄──ready── Waiting
//!                      ▲                  │  ▲                 ▲
//!                      │          execute │  │ gosched/preempt  │ gopark (with a WaitReason)
//!                      │                  ▼  │                 │
//!                      └────goexit──── Running ────────────────┘
//!                                        │  ▲
//!                           entersyscall ▼  │ exitsyscall (fast path)
//!                                      Syscall ──exitsyscall (slow)──► Runnable
//! ```
//!
//! Statuses are stored atomically because the GC, sysmon and the deadlock detector read
//! other goroutines' statuses. A Waiting G records *why* in `waitreason` (gc's strings,
//! printed in goroutine headers: `goroutine 1 [chan receive]:`).
//!
//! Thread-locals and goroutine migration: a goroutine that parks may resume on another
//! thread. The compiler is allowed to cache the address of a thread-local within one
//! function, so [`getg`]/[`getm`]/[`setg`] are never inlined, and runtime code that may
//! switch (gopark, gosched, exitsyscall) re-reads them only through these calls.

use core::cell::Cell;
use core::mem::offset_of;
use core::ptr;
use core::sync::atomic::{AtomicI64, AtomicPtr, AtomicU32, AtomicUsize, Ordering};

use crate::lock::{Locked, Note};
use crate::panic::Panic;
use crate::proc::P;
use crate::stack::StackMem;

/// Bounds of a stack: `[lo, hi)`, growing down from `hi`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stack {
    pub lo: usize,
    pub hi: usize,
}

impl Stack {
    pub fn contains(&self, addr: usize) -> bool {
        self.lo <= addr && addr < self.hi
    }
}

/// A saved execution context (Go's gobuf): where to resume a goroutine that is not
/// running. The callee-saved registers are not here: the switch routines push them on the
/// suspended stack before saving `sp` (see `context`), so a conservative scan of the stack
/// from `sp` also sees pointers that were only held in registers.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct Gobuf {
    /// Stack pointer to restore.
    pub sp: usize,
    /// Frame pointer to restore: the head of the frame-pointer chain that unwinders and
    /// tracebacks follow (0 for a goroutine that has not started yet).
    pub fp: usize,
    /// Where execution resumes.
    pub pc: usize,
}

/// Goroutine states, numbered as in Go (runtime2.go), so GODEBUG and traceback output can
/// use Go's names. Not every state is used yet.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GStatus {
    /// Just allocated, not yet initialised.
    Idle = 0,
    /// On a run queue, not executing user code; its stack is not owned by anyone.
    Runnable = 1,
    /// Executing user code on an M; owns its stack; not on a run queue.
    Running = 2,
    /// In a system call: not executing user code, owns its stack, has an M but no P.
    Syscall = 3,
    /// Blocked in the runtime (channel, lock, sleep…), recorded somewhere so it can be
    /// made runnable again; its stack is not owned by it.
    Waiting = 4,
    /// Finished (or not yet used): on a free list, or just exited; no stack use.
    Dead = 6,
    /// Stack being moved (Go's stack copying; rgo never moves stacks, kept for numbering).
    Copystack = 8,
    /// Stopped itself at a preemption request, waiting to be resumed by whoever asked.
    Preempted = 9,
}

/// Why a goroutine is Waiting (Go's waitReason), numbered and worded as in gc so that
/// goroutine headers read the same.
#[repr(u8)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitReason {
    Zero = 0,
    GcAssistMarking,
    IoWait,
    ChanReceiveNilChan,
    ChanSendNilChan,
    DumpingHeap,
    GarbageCollection,
    GarbageCollectionScan,
    PanicWait,
    Select,
    SelectNoCases,
    GcAssistWait,
    GcSweepWait,
    GcScavengeWait,
    ChanReceive,
    ChanSend,
    FinalizerWait,
    ForceGcIdle,
    Semacquire,
    Sleep,
    SyncCondWait,
    TimerGoroutineIdle,
    TraceReaderBlocked,
    WaitForGcCycle,
    GcWorkerIdle,
    Preempted,
    DebugCall,
}

impl WaitReason {
    /// gc's text for the reason.
    pub fn name(self) -> &'static str {
        match self {
            WaitReason::Zero => "",
            WaitReason::GcAssistMarking => "GC assist marking",
            WaitReason::IoWait => "IO wait",
            WaitReason::ChanReceiveNilChan => "chan receive (nil chan)",
            WaitReason::ChanSendNilChan => "chan send (nil chan)",
            WaitReason::DumpingHeap => "dumping heap",
            WaitReason::GarbageCollection => "garbage collection",
            WaitReason::GarbageCollectionScan => "garbage collection scan",
            WaitReason::PanicWait => "panicwait",
            WaitReason::Select => "select",
            WaitReason::SelectNoCases => "select (no cases)",
            WaitReason::GcAssistWait => "GC assist wait",
            WaitReason::GcSweepWait => "GC sweep wait",
            WaitReason::GcScavengeWait => "GC scavenge wait",
            WaitReason::ChanReceive => "chan receive",
            WaitReason::ChanSend => "chan send",
            WaitReason::FinalizerWait => "finalizer wait",
            WaitReason::ForceGcIdle => "force gc (idle)",
            WaitReason::Semacquire => "semacquire",
            WaitReason::Sleep => "sleep",
            WaitReason::SyncCondWait => "sync.Cond.Wait",
            WaitReason::TimerGoroutineIdle => "timer goroutine (idle)",
            WaitReason::TraceReaderBlocked => "trace reader (blocked)",
            WaitReason::WaitForGcCycle => "wait for GC cycle",
            WaitReason::GcWorkerIdle => "GC worker (idle)",
            WaitReason::Preempted => "preempted",
            WaitReason::DebugCall => "debug call",
        }
    }
}

/// Called on g0 by `park_m` after the parking goroutine's context is saved and its status
/// is Waiting: releases whatever lock protected the decision to park. Returning false
/// cancels the park (the goroutine resumes at once).
pub type UnlockFn = unsafe fn(gp: *mut G, arg: *mut u8) -> bool;

impl GStatus {
    pub fn from_u32(v: u32) -> Option<GStatus> {
        Some(match v {
            0 => GStatus::Idle,
            1 => GStatus::Runnable,
            2 => GStatus::Running,
            3 => GStatus::Syscall,
            4 => GStatus::Waiting,
            6 => GStatus::Dead,
            8 => GStatus::Copystack,
            9 => GStatus::Preempted,
            _ => return None,
        })
    }

    /// The word Go prints in a goroutine header (`goroutine 1 [running]:`).
    pub fn name(self) -> &'static str {
        match self {
            GStatus::Idle => "idle",
            GStatus::Runnable => "runnable",
            GStatus::Running => "running",
            GStatus::Syscall => "syscall",
            GStatus::Waiting => "waiting",
            GStatus::Dead => "dead",
            GStatus::Copystack => "copystack",
            GStatus::Preempted => "preempted",
        }
    }
}

/// A goroutine descriptor. The first fields are the ABI with generated code.
#[repr(C)]
pub struct G {
    // ---- ABI: offsets fixed by rgo_abi::g ----
    /// Usable stack bounds (the guard page, if any, lies below `stack.lo`).
    pub stack: Stack,
    /// `stack.lo + STACK_RED_ZONE`: the prologue check traps when SP would go below it.
    pub stackguard: usize,
    /// Non-zero when the scheduler or GC asks this goroutine to stop at its next poll.
    pub preempt: AtomicUsize,
    /// Saved context while not running.
    pub sched: Gobuf,

    // ---- runtime-private ----
    /// Goroutine id (1 is the main goroutine; 0 marks a g0).
    pub goid: i64,
    /// A `GStatus` value.
    pub status: AtomicU32,
    /// The M running this G (null when not running).
    pub m: *mut M,
    /// Innermost active panic (Go's `_panic` chain).
    pub panic: *mut Panic,
    /// Innermost pending deferred call (the defer chain arrives with defer/recover).
    pub defer: *mut u8,
    /// Details of the synchronous signal being turned into a panic (Go's `sig`,
    /// `sigcode0`, `sigcode1`, `sigpc`): printed as `[signal …]` by a fatal panic.
    pub sig: u32,
    pub sigcode0: usize,
    pub sigcode1: usize,
    pub sigpc: usize,
    /// The memory backing `stack`, returned to the stack allocator when the G dies.
    pub stack_mem: Option<StackMem>,
    /// Link in a run queue or free list.
    pub schedlink: *mut G,
    /// The goroutine's Go entry function (Go's `startpc`), for tracebacks' "created by".
    pub start_fn: usize,
    /// Argument block handed to `start_fn` (see `rgo_abi::entry::NEWPROC`).
    pub start_arg: usize,
    /// Return address of the `go` statement's call that created this goroutine (Go's
    /// `gopc`), for tracebacks' "created by"; 0 if unknown.
    pub gopc: usize,
    /// Why the goroutine is Waiting (meaningful only in that state).
    pub waitreason: WaitReason,
    /// Wake-up data: the sudog that completed a channel operation (set by the waker
    /// before `ready`).
    pub param: *mut u8,
    /// Sudogs this goroutine waits on (a select's cases, in lock order), linked by
    /// `waitlink`.
    pub waiting: *mut crate::chan::Sudog,
    /// Select arbitration: the first waker to move this from 0 to 1 wins.
    pub select_done: AtomicU32,
    /// The M this goroutine is locked to (LockOSThread), or null; `locked` counts nesting.
    pub lockedm: *mut M,
    pub locked: u32,
    /// Timer used by `time.Sleep` (allocated on first use, reused).
    pub timer: *mut crate::time::Timer,
    /// SP when entering a system call (for the GC's scan of a goroutine in a syscall).
    pub syscallsp: usize,
    /// Callee-saved registers at entersyscall, for the collector (see proc::entersyscall).
    pub syscall_regs: [usize; 6],
    /// A compacted stack's bytes (from `sched.sp` to `stack.hi`, `saved_len` of them), or
    /// null while the stack is resident (stackcompact.rs).
    pub saved_stack: AtomicPtr<u8>,
    pub saved_len: usize,
    /// Compaction epoch of the last park; whether the G is in a P's candidate list; for a
    /// dead G, whether its stack's pages were given back.
    pub park_epoch: u32,
    pub compact_candidate: bool,
    pub stack_released: bool,
}

// Generated code relies on these offsets (rgo_abi::g).
const _: () = {
    use rgo_abi::g as abi;
    assert!(offset_of!(G, stack.lo) == abi::STACK_LO as usize);
    assert!(offset_of!(G, stack.hi) == abi::STACK_HI as usize);
    assert!(offset_of!(G, stackguard) == abi::STACKGUARD as usize);
    assert!(offset_of!(G, preempt) == abi::PREEMPT as usize);
    assert!(offset_of!(G, sched.sp) == abi::SCHED_SP as usize);
    assert!(offset_of!(G, sched.fp) == abi::SCHED_FP as usize);
    assert!(offset_of!(G, sched.pc) == abi::SCHED_PC as usize);
    assert!(core::mem::size_of::<AtomicUsize>() == rgo_abi::PTR_SIZE as usize);
};

impl G {
    /// A fresh descriptor with no stack.
    pub fn new(goid: i64) -> G {
        G {
            stack: Stack::default(),
            stackguard: 0,
            preempt: AtomicUsize::new(0),
            sched: Gobuf::default(),
            goid,
            status: AtomicU32::new(GStatus::Idle as u32),
            m: ptr::null_mut(),
            panic: ptr::null_mut(),
            defer: ptr::null_mut(),
            sig: 0,
            sigcode0: 0,
            sigcode1: 0,
            sigpc: 0,
            stack_mem: None,
            schedlink: ptr::null_mut(),
            start_fn: 0,
            start_arg: 0,
            gopc: 0,
            waitreason: WaitReason::Zero,
            param: ptr::null_mut(),
            waiting: ptr::null_mut(),
            select_done: AtomicU32::new(0),
            lockedm: ptr::null_mut(),
            locked: 0,
            timer: ptr::null_mut(),
            syscallsp: 0,
            syscall_regs: [0; 6],
            saved_stack: AtomicPtr::new(ptr::null_mut()),
            saved_len: 0,
            park_epoch: 0,
            compact_candidate: false,
            stack_released: false,
        }
    }

    /// Gives the G its stack: bounds, and the prologue limit above the red zone.
    pub fn set_stack(&mut self, mem: StackMem) {
        self.stack = Stack {
            lo: mem.lo,
            hi: mem.hi,
        };
        self.stackguard = mem.lo + rgo_abi::STACK_RED_ZONE as usize;
        self.stack_mem = Some(mem);
    }

    pub fn status(&self) -> u32 {
        self.status.load(Ordering::Acquire)
    }

    pub fn set_status(&self, s: GStatus) {
        self.status.store(s as u32, Ordering::Release);
    }

    /// Go's casgstatus: moves from `old` to `new`, throwing on an unexpected state (a
    /// runtime bug).
    pub fn cas_status(&self, old: GStatus, new: GStatus) {
        if self
            .status
            .compare_exchange(old as u32, new as u32, Ordering::AcqRel, Ordering::Acquire)
            .is_err()
        {
            crate::panic::throw("casgstatus: bad incoming values");
        }
    }
}

/// An OS thread that runs Go code (Go's `m`).
#[repr(C)]
pub struct M {
    pub id: i64,
    /// The G describing this thread's system stack.
    pub g0: *mut G,
    /// The goroutine this M is running (null when on g0 between goroutines).
    pub curg: *mut G,
    /// The alternate signal stack (Go's gsignal stack).
    pub gsignal: Stack,
    /// Non-zero while printing a fatal panic (1), or after failing while doing so.
    pub dying: u32,
    /// Non-zero while throwing (a fatal error).
    pub throwing: u32,
    /// Non-zero while the M must not be preempted or rescheduled.
    pub locks: i32,
    /// Non-zero while inside the allocator.
    pub mallocing: i32,
    /// The thread's handle.
    pub thread: libc::pthread_t,
    /// Link in the list of all Ms.
    pub alllink: *mut M,
    /// The P held (null when idle or in a system call), the P to take when woken, and
    /// the P held before entering a system call.
    pub p: *mut P,
    pub nextp: *mut P,
    pub oldp: *mut P,
    /// Looking for work without finding any yet (counted in `sched.nmspinning`).
    pub spinning: bool,
    /// Where the M sleeps when it has nothing to do (Go's `m.park`).
    pub park: Note,
    /// Link in the idle-M list (sched.lock).
    pub schedlink: *mut M,
    /// The goroutine locked to this thread, or null.
    pub lockedg: *mut G,
    /// What `park_m` calls after parking (see [`UnlockFn`]).
    pub waitunlockf: Option<UnlockFn>,
    pub waitlock: *mut u8,
    /// Per-M random state (select's shuffle, stealing order).
    pub fastrand: u64,
}

thread_local! {
    static CUR_G: Cell<*mut G> = const { Cell::new(ptr::null_mut()) };
    static CUR_M: Cell<*mut M> = const { Cell::new(ptr::null_mut()) };
}

/// The G running on this thread (g0 when on the system stack), or null on a thread that is
/// not an M. Async-signal-safe.
#[inline(never)]
pub fn getg() -> *mut G {
    CUR_G.with(|c| c.get())
}

/// Records `g` as the current G of this thread. Call just before switching to it.
#[inline(never)]
pub fn setg(g: *mut G) {
    CUR_G.with(|c| c.set(g))
}

/// This thread's M, or null. Async-signal-safe.
#[inline(never)]
pub fn getm() -> *mut M {
    CUR_M.with(|c| c.get())
}

#[inline(never)]
fn setm(m: *mut M) {
    CUR_M.with(|c| c.set(m))
}

/// Pointer wrapper so the registries can live in statics.
struct Ptrs<T>(Vec<*mut T>);
// SAFETY: the pointers are only stored and handed back; every dereference happens in code
// that upholds the runtime's own synchronisation rules for Gs and Ms.
unsafe impl<T> Send for Ptrs<T> {}

/// Every G ever created (Go's allgs): for tracebacks, the GC's root scan, NumGoroutine.
static ALLGS: Locked<Ptrs<G>> = Locked::new(Ptrs(Vec::new()));
static ALLM: Locked<Ptrs<M>> = Locked::new(Ptrs(Vec::new()));
static NEXT_GOID: AtomicI64 = AtomicI64::new(1);
static NEXT_MID: AtomicI64 = AtomicI64::new(0);

/// Allocates a new goroutine id.
pub fn new_goid() -> i64 {
    NEXT_GOID.fetch_add(1, Ordering::Relaxed)
}

/// Allocates a G descriptor (with goid and no stack) and registers it in allgs.
///
/// Gs are never freed: a dead G goes to a free list for reuse (as in Go), so pointers to
/// it held by a traceback or a GC scan never dangle.
pub fn alloc_g(goid: i64) -> *mut G {
    let g = Box::into_raw(Box::new(G::new(goid)));
    ALLGS.lock().0.push(g);
    g
}

/// Number of Gs ever allocated (live or dead).
pub fn allg_count() -> usize {
    ALLGS.lock().0.len()
}

/// Bounds of the calling thread's own stack.
fn thread_stack_bounds() -> Stack {
    // SAFETY: pthread_getattr_np fills `attr` for the calling thread; we read the stack
    // bounds out of it and destroy it. All pointers are to locals.
    unsafe {
        let mut attr: libc::pthread_attr_t = core::mem::zeroed();
        if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) != 0 {
            return Stack::default();
        }
        let mut addr: *mut libc::c_void = ptr::null_mut();
        let mut size: libc::size_t = 0;
        let rc = libc::pthread_attr_getstack(&attr, &mut addr, &mut size);
        libc::pthread_attr_destroy(&mut attr);
        if rc != 0 {
            return Stack::default();
        }
        Stack {
            lo: addr as usize,
            hi: addr as usize + size,
        }
    }
}

/// Allocates an M and its g0 (Go's allocm); the thread it will run on sets the g0's stack
/// and its thread-locals in [`minit`]. Registers the M in allm. Ms are never freed.
pub fn allocm() -> *mut M {
    let id = NEXT_MID.fetch_add(1, Ordering::Relaxed);
    let g0 = alloc_g(0);
    let m = Box::into_raw(Box::new(M {
        id,
        g0,
        curg: ptr::null_mut(),
        gsignal: Stack::default(),
        dying: 0,
        throwing: 0,
        locks: 0,
        mallocing: 0,
        thread: 0,
        alllink: ptr::null_mut(),
        p: ptr::null_mut(),
        nextp: ptr::null_mut(),
        oldp: ptr::null_mut(),
        spinning: false,
        park: Note::new(),
        schedlink: ptr::null_mut(),
        lockedg: ptr::null_mut(),
        waitunlockf: None,
        waitlock: ptr::null_mut(),
        fastrand: 0x9e37_79b9_7f4a_7c15 ^ ((id as u64 + 1).wrapping_mul(0xbf58_476d_1ce4_e5b9)),
    }));
    // SAFETY: g0 was just allocated and is not shared yet.
    unsafe {
        (*g0).m = m;
        (*g0).set_status(GStatus::Running);
    }
    {
        let mut all = ALLM.lock();
        if let Some(&last) = all.0.last() {
            // SAFETY: Ms are never freed; `last` is valid, and alllink is only written here
            // under the ALLM lock.
            unsafe { (*last).alllink = m };
        }
        all.0.push(m);
    }
    m
}

/// Binds the calling OS thread to `m` (Go's minit): the g0 describes this thread's stack,
/// the M gets an alternate signal stack, and the thread-locals point at m and g0.
///
/// # Safety
/// `m` must come from [`allocm`] and not be bound to any other thread.
pub unsafe fn minit(m: *mut M) {
    let bounds = thread_stack_bounds();
    // SAFETY: by contract m (and its g0) belong to this thread from now on.
    unsafe {
        let g0 = (*m).g0;
        (*g0).stack = bounds;
        (*g0).stackguard = bounds.lo + rgo_abi::STACK_RED_ZONE as usize;
        (*m).thread = libc::pthread_self();
        (*m).gsignal = crate::signal::minit_signal_stack();
        setm(m);
        setg(g0);
    }
}

/// Turns the calling OS thread into an M (allocm + minit for the current thread).
pub fn init_current_thread_m() -> *mut M {
    let m = allocm();
    // SAFETY: m is new and bound to no thread.
    unsafe { minit(m) };
    m
}

/// Number of Ms ever created.
pub fn mcount() -> usize {
    ALLM.lock().0.len()
}

/// Calls `f` on every G ever created (live, parked or dead; g0s included: they have goid
/// 0), under the allgs lock. `f` must not create goroutines.
pub fn for_each_g(mut f: impl FnMut(&G)) {
    let all = ALLGS.lock();
    for &g in all.0.iter() {
        // SAFETY: Gs are never freed.
        f(unsafe { &*g });
    }
}

/// True if `g` is its M's g0 (runtime code on the system stack).
///
/// # Safety
/// `g` must be null or a valid G.
pub unsafe fn is_g0(g: *mut G) -> bool {
    if g.is_null() {
        return false;
    }
    // SAFETY: g is valid by contract; its m, when set, is a valid M.
    unsafe {
        let m = (*g).m;
        !m.is_null() && (*m).g0 == g
    }
}
