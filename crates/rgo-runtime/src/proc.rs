//! The scheduler (Go's proc.go): goroutines (G) multiplexed on OS threads (M) through
//! processors (P).
//!
//! ## Concepts
//!
//! * A **P** is the right to run Go code. There are exactly GOMAXPROCS of them (default:
//!   the CPU count; the `GOMAXPROCS` environment variable or [`gomaxprocs`] change it).
//!   Each owns a local run queue (a 256-slot lock-free ring plus `runnext`, see `runq`),
//!   a free list of dead Gs with their stacks, and a timer heap.
//! * An **M** runs Go code only while holding a P. An M without work parks on its futex
//!   note (`M::park`) in the idle list; `startm` hands it a P and wakes it, or creates a
//!   new thread when none is idle.
//! * A **G** runs on an M until it parks (`gopark`: channel, select, sleep), yields
//!   (`gosched`, or a preemption poll after sysmon flagged it), enters a system call, or
//!   exits. Every one of these switches to the M's g0 stack (`context::mcall`) and calls
//!   [`schedule`], which finds the next G ([`find_runnable`]) and resumes it (`execute`).
//!
//! ## Finding work (`find_runnable`)
//!
//! In order: stop for a pending stop-the-world; run due timers of our P; every 61st
//! schedule take one G from the global queue first (fairness: a busy local queue cannot
//! starve the global one); our local queue; the global queue; then *spin*: steal half of a
//! random victim's queue (and run its due timers; on the last round also its `runnext`,
//! after a 3 µs pause when the victim is running: it has most likely just readied that G
//! in a channel hand-off and is about to block and run it, and taking it would bounce the
//! pair between Ps and threads). At most half of the busy Ps' worth of Ms
//! spin at once (`2 * nmspinning < gomaxprocs - npidle`). An M that finds nothing gives
//! its P back, re-checks every queue (a G made runnable while we were giving up must not be
//! stranded), and parks — with a timeout equal to the next timer when there is one.
//!
//! Wake-ups: whoever makes a G runnable while there are idle Ps and no spinning M calls
//! [`wakep`], which starts one spinning M; a spinning M that finds work stops spinning and,
//! if it was the last spinner, wakes another (`reset_spinning`). This keeps just enough
//! threads awake without busy waiting.
//!
//! ## Locks (in acquisition order)
//!
//! * `SCHED` (`Locked<SchedInner>`): idle M list, idle P list, global run queue, the
//!   stop-the-world count, the timer sleeper. Never held while switching stacks.
//! * `GFREE` (global free Gs) — taken alone.
//! * a P's `timers` lock — taken alone (callbacks run without it).
//! * channel locks (`chan`) are taken before none of the above and released before
//!   readying a goroutine.
//!
//! The atomics `npidle`, `nmspinning`, `gcwaiting`, `runqsize` mirror SCHED state for
//! lock-free fast checks; they change only under SCHED's lock (except `nmspinning`).
//!
//! ## P states
//!
//! ```text
//!  Idle ──acquirep──► Running ──entersyscall──► Syscall ──retake (sysmon)──► Idle
//!   ▲                  │   ▲                      │
//!   └────releasep──────┘   └──exitsyscall (fast)──┘
//!  Running/Idle/Syscall ──stop_the_world──► GcStop ──start_the_world──► Idle/Running
//!  any ──procresize (shrink)──► Dead
//! ```
//!
//! ## API for the garbage collector
//!
//! * [`stop_the_world`]`(reason)` / [`start_the_world`]`()`: called on a goroutine that
//!   holds a P. On return from `stop_the_world`, every other goroutine is parked at a
//!   safe point (a preemption poll, a blocking operation, or in a system call with its P
//!   taken), no other M runs Go code, and all Ps but the caller's are GcStop. Nested or
//!   concurrent calls are serialised (a second caller yields until the first finishes).
//! * [`for_each_g`]`(f)`: visits every G ever created. A G's stack is
//!   [`stack_scan_range`]: from its saved SP (`sched.sp`, or `syscallsp` in a system call)
//!   to `stack.hi`; the switch routines push callee-saved registers below the saved SP's
//!   frame, so a conservative scan of that range sees every live pointer. The running
//!   caller's own stack is scanned from its current SP.
//!
//! ## Rejected alternatives
//!
//! * One global run queue under a mutex (Go ≤ 1.0): every `go` statement contends.
//! * Work-stealing with Ms spinning indefinitely: burns CPUs on an idle program; Go's
//!   bounded spinning + futex parking is used instead.
//! * Signal-based asynchronous preemption: Cranelift code is not interruptible at
//!   arbitrary instructions (no stack maps there), so preemption is cooperative through
//!   the polls generated code already has (`rgo_poll`).

use core::cell::UnsafeCell;
use core::ptr;
use core::sync::atomic::{AtomicBool, AtomicI32, AtomicI64, AtomicPtr, AtomicU32, Ordering};

use crate::context::{self, mcall};
use crate::g::{alloc_g, allocm, getg, getm, minit, new_goid, GStatus, UnlockFn, WaitReason, G, M};
use crate::lock::{Locked, Mutex, Note};
use crate::panic::throw;
use crate::runq::{GQueue, RunQueue, RUNQ_SIZE};
use crate::time::{check_timers, nanotime, TimerHeap};

pub use crate::g::for_each_g;

/// Upper bound of GOMAXPROCS.
pub const MAX_PROCS: usize = 256;

/// P statuses (Go's _Pidle …).
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PStatus {
    Idle = 0,
    Running = 1,
    Syscall = 2,
    GcStop = 3,
    Dead = 4,
}

/// A processor.
pub struct P {
    pub id: i32,
    /// A `PStatus`.
    pub status: AtomicU32,
    /// Link in the idle list (SCHED lock).
    link: UnsafeCell<*mut P>,
    /// Incremented on every scheduling round / system call (sysmon watches them).
    pub schedtick: AtomicU32,
    pub syscalltick: AtomicU32,
    /// Sysmon's last observations (sysmon only).
    sysmon_schedtick: AtomicU32,
    sysmon_schedwhen: AtomicI64,
    sysmon_syscalltick: AtomicU32,
    sysmon_syscallwhen: AtomicI64,
    /// The M holding this P (null when idle or in a syscall).
    pub m: AtomicPtr<M>,
    pub runq: RunQueue,
    /// Dead Gs with stacks, for reuse (owner only).
    gfree: UnsafeCell<GQueue>,
    /// Free sudogs (owner only).
    pub(crate) sudogcache: UnsafeCell<Vec<*mut crate::chan::Sudog>>,
    /// Goroutines parked on this P that a stack compaction pass may copy out (owner, or
    /// the pass with the world stopped; see stackcompact.rs).
    pub(crate) compact_candidates: UnsafeCell<Vec<*mut G>>,
    /// Timers started on this P, and the earliest deadline (0: none) for lock-free checks.
    pub timers: Locked<TimerHeap>,
    pub timer0_when: AtomicI64,
    /// Goroutines started minus goroutines ended on this P (written by the owner only, so
    /// without a locked instruction; runtime.NumGoroutine sums every P's). A goroutine
    /// may end on another P than the one that started it, so one P's count can go negative.
    ngoroutines: AtomicI64,
}

// SAFETY: the UnsafeCell fields are accessed only by the P's owner (gfree, sudogcache) or
// under SCHED's lock (link); everything else is atomic or locked.
unsafe impl Sync for P {}
// SAFETY: as above.
unsafe impl Send for P {}

impl P {
    fn new(id: i32) -> P {
        P {
            id,
            status: AtomicU32::new(PStatus::GcStop as u32),
            link: UnsafeCell::new(ptr::null_mut()),
            schedtick: AtomicU32::new(0),
            syscalltick: AtomicU32::new(0),
            sysmon_schedtick: AtomicU32::new(0),
            sysmon_schedwhen: AtomicI64::new(0),
            sysmon_syscalltick: AtomicU32::new(0),
            sysmon_syscallwhen: AtomicI64::new(0),
            m: AtomicPtr::new(ptr::null_mut()),
            runq: RunQueue::new(),
            gfree: UnsafeCell::new(GQueue::new()),
            sudogcache: UnsafeCell::new(Vec::new()),
            compact_candidates: UnsafeCell::new(Vec::new()),
            timers: Locked::new(TimerHeap::new()),
            timer0_when: AtomicI64::new(0),
            ngoroutines: AtomicI64::new(0),
        }
    }

    pub fn status(&self) -> PStatus {
        match self.status.load(Ordering::Acquire) {
            0 => PStatus::Idle,
            1 => PStatus::Running,
            2 => PStatus::Syscall,
            3 => PStatus::GcStop,
            _ => PStatus::Dead,
        }
    }

    fn set_status(&self, s: PStatus) {
        self.status.store(s as u32, Ordering::Release);
    }

    fn cas_status(&self, old: PStatus, new: PStatus) -> bool {
        self.status
            .compare_exchange(old as u32, new as u32, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }
}

/// Scheduler state protected by the SCHED lock.
struct SchedInner {
    /// Idle Ms, linked by `M::schedlink`.
    midle: *mut M,
    nmidle: i32,
    /// Ms idle because their locked goroutine is not runnable.
    nmidlelocked: i32,
    /// Ms created (sysmon excluded).
    mcount: i32,
    /// Idle Ps, linked by `P::link`.
    pidle: *mut P,
    /// The global run queue.
    runq: GQueue,
    /// Ps still to stop for the pending stop-the-world.
    stopwait: i32,
    /// The idle M sleeping until the next timer, and until when.
    timer_sleeper: *mut M,
    timer_sleep_until: i64,
}

// SAFETY: only accessed under the SCHED lock.
unsafe impl Send for SchedInner {}

static SCHED: Locked<SchedInner> = Locked::new(SchedInner {
    midle: ptr::null_mut(),
    nmidle: 0,
    nmidlelocked: 0,
    mcount: 0,
    pidle: ptr::null_mut(),
    runq: GQueue::new(),
    stopwait: 0,
    timer_sleeper: ptr::null_mut(),
    timer_sleep_until: 0,
});

/// Lock-free mirrors and flags.
pub(crate) static NPIDLE: AtomicI32 = AtomicI32::new(0);
pub(crate) static NMSPINNING: AtomicI32 = AtomicI32::new(0);
pub(crate) static GCWAITING: AtomicU32 = AtomicU32::new(0);
pub(crate) static RUNQSIZE: AtomicI32 = AtomicI32::new(0);
pub(crate) static GOMAXPROCS: AtomicI32 = AtomicI32::new(0);
pub(crate) static MCOUNT: AtomicI32 = AtomicI32::new(0);
pub(crate) static NMIDLE: AtomicI32 = AtomicI32::new(0);
/// Live goroutines (runtime.NumGoroutine).
static NGOROUTINES: AtomicI64 = AtomicI64::new(0);
/// Set once the main goroutine runs: before that, wakep starts no threads.
static MAIN_STARTED: AtomicBool = AtomicBool::new(false);
/// The stop-the-world caller sleeps here until `stopwait` reaches 0.
static STOPNOTE: Note = Note::new();
/// Serialises stop-the-world callers (Go's worldsema).
static WORLDSEMA: Mutex = Mutex::new();

/// Dead Gs with stacks, shared between Ps.
static GFREE: Locked<GQueue> = Locked::new(GQueue::new());

/// Every P ever created, by id; the first GOMAXPROCS are in use.
static ALLP: [AtomicPtr<P>; MAX_PROCS] = [const { AtomicPtr::new(ptr::null_mut()) }; MAX_PROCS];

/// Stack size of the threads Ms run on (their g0 stacks: the scheduler, GC marking).
const M_STACK_SIZE: usize = 8 << 20;

/// The P with id `i`, if created.
pub fn allp(i: usize) -> Option<&'static P> {
    let p = ALLP.get(i)?.load(Ordering::Acquire);
    // SAFETY: Ps are never freed.
    (!p.is_null()).then(|| unsafe { &*p })
}

/// Current GOMAXPROCS.
pub fn gomaxprocs_now() -> usize {
    GOMAXPROCS.load(Ordering::Acquire).max(1) as usize
}

pub(crate) fn for_each_p(mut f: impl FnMut(&'static P)) {
    for i in 0..gomaxprocs_now() {
        if let Some(p) = allp(i) {
            f(p)
        }
    }
}

/// Number of CPUs available to the process (runtime.NumCPU).
pub fn ncpu() -> usize {
    // SAFETY: sched_getaffinity writes the set we own.
    unsafe {
        let mut set: libc::cpu_set_t = core::mem::zeroed();
        if libc::sched_getaffinity(0, core::mem::size_of::<libc::cpu_set_t>(), &mut set) == 0 {
            let n = libc::CPU_COUNT(&set);
            if n > 0 {
                return n as usize;
            }
        }
        libc::sysconf(libc::_SC_NPROCESSORS_ONLN).max(1) as usize
    }
}

/// Live goroutines (runtime.NumGoroutine); as in gc, the finalizer goroutine does not
/// count.
pub fn num_goroutine() -> i64 {
    let mut n = NGOROUTINES.load(Ordering::Relaxed);
    for i in 0..MAX_PROCS {
        if let Some(p) = allp(i) {
            n += p.ngoroutines.load(Ordering::Relaxed);
        }
    }
    n - crate::mem::mfinal::system_goroutines()
}

/// Counts a goroutine started (+1) or ended (-1) on `pp`, which the caller holds.
fn count_goroutine(pp: *mut P, d: i64) {
    if pp.is_null() {
        NGOROUTINES.fetch_add(d, Ordering::Relaxed);
    } else {
        // SAFETY: pp is held by the caller, the only writer of its count.
        let c = unsafe { &(*pp).ngoroutines };
        c.store(c.load(Ordering::Relaxed) + d, Ordering::Relaxed);
    }
}

/// A cheap per-M random number (Go's fastrand).
pub fn fastrand() -> u32 {
    let m = getm();
    if m.is_null() {
        return nanotime() as u32;
    }
    // SAFETY: only this thread touches its M's fastrand.
    unsafe {
        let mut x = (*m).fastrand;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (*m).fastrand = x;
        (x >> 32) as u32
    }
}

/// A random number in `[0, n)`.
pub fn fastrandn(n: u32) -> u32 {
    ((fastrand() as u64 * n as u64) >> 32) as u32
}

// ---------------------------------------------------------------------------------------
// Start-up.

/// Creates the Ps (GOMAXPROCS from the environment, default the CPU count) and gives P0 to
/// the calling M (Go's schedinit + procresize).
pub fn schedinit() {
    let mut n = ncpu();
    if let Ok(v) = std::env::var("GOMAXPROCS") {
        if let Ok(k) = v.trim().parse::<usize>() {
            if k > 0 {
                n = k;
            }
        }
    }
    let n = n.clamp(1, MAX_PROCS);
    crate::sysmon::parse_godebug();
    let mut s = SCHED.lock();
    procresize(&mut s, n);
    let me = cur_p();
    for_each_p(|p| {
        let pp = p as *const P as *mut P;
        if pp != me && p.status() == PStatus::GcStop {
            pidleput(&mut s, pp);
        }
    });
    drop(s);
    MCOUNT.store(1, Ordering::Relaxed);
    SCHED.lock().mcount = 1;
    // The collector may now stop the world and find every goroutine.
    crate::mem::register_root_scanner(scan_g_roots);
    crate::mem::set_world_hooks(crate::mem::WorldHooks {
        stop_the_world: gc_stop_the_world,
        start_the_world: gc_start_the_world,
        for_each_stack,
        gomaxprocs: gomaxprocs_now,
        yield_now: gc_yield,
    });
}

/// Creates goroutine number 1 running `entry(arg)` on a dedicated stack of `stack_size`
/// bytes, on the current P's run queue.
pub fn new_main_goroutine(entry: context::EntryFn, arg: usize, stack_size: usize) -> *mut G {
    let Some(mem) = crate::stack::alloc_dedicated(stack_size) else {
        throw("runtime: cannot allocate the main goroutine's stack");
    };
    let gp = alloc_g(new_goid());
    // SAFETY: gp is new and not shared; the stack is fresh.
    unsafe {
        (*gp).set_status(GStatus::Dead);
        (*gp).set_stack(mem);
        (*gp).start_fn = arg;
        context::prepare(&mut (*gp).sched, mem.hi, entry, arg);
        (*gp).cas_status(GStatus::Dead, GStatus::Runnable);
        NGOROUTINES.fetch_add(1, Ordering::Relaxed);
        runqput(cur_p(), gp, true);
    }
    gp
}

/// Marks the main goroutine as started (from then on new work wakes idle Ps).
pub fn set_main_started() {
    MAIN_STARTED.store(true, Ordering::Release);
}

/// Turns the calling thread's g0 into a scheduler loop (Go's mstart0): records where g0's
/// stack is free from now on and never returns.
#[inline(never)]
pub fn mstart() -> ! {
    let m = getm();
    let sp: usize;
    // SAFETY: reads the stack pointer.
    unsafe { core::arch::asm!("mov {}, rsp", out(reg) sp) };
    // SAFETY: m is this thread's M; g0 is its system stack. Everything below this frame
    // is free for mcall/systemstack from now on (this function never returns).
    unsafe {
        let g0 = (*m).g0;
        (*g0).sched.sp = (sp - 256) & !15;
        (*g0).sched.fp = 0;
        (*g0).sched.pc = 0;
        if !(*m).nextp.is_null() {
            let pp = (*m).nextp;
            (*m).nextp = ptr::null_mut();
            acquirep(pp);
        }
    }
    schedule()
}

/// Creates a new M running on a new thread, which will hold `pp` (Go's newm).
fn newm(pp: *mut P, spinning: bool) {
    let m = allocm();
    // SAFETY: m is new; the thread we start is its only user.
    unsafe {
        (*m).nextp = pp;
        (*m).spinning = spinning;
    }
    SCHED.lock().mcount += 1;
    MCOUNT.fetch_add(1, Ordering::Relaxed);
    struct SendM(*mut M);
    // SAFETY: the M is handed over to the new thread.
    unsafe impl Send for SendM {}
    let sm = SendM(m);
    let r = std::thread::Builder::new()
        .name("rgo-m".into())
        .stack_size(M_STACK_SIZE)
        .spawn(move || {
            let sm = sm;
            // SAFETY: the M belongs to this thread only.
            unsafe { minit(sm.0) };
            mstart()
        });
    if r.is_err() {
        throw("newosproc: cannot create thread");
    }
}

// ---------------------------------------------------------------------------------------
// P and M lists (SCHED lock held).

fn pidleput(s: &mut SchedInner, pp: *mut P) {
    // SAFETY: pp is a live P we own; link is protected by SCHED.
    unsafe {
        (*pp).set_status(PStatus::Idle);
        *(*pp).link.get() = s.pidle;
    }
    s.pidle = pp;
    NPIDLE.fetch_add(1, Ordering::AcqRel);
}

fn pidleget(s: &mut SchedInner) -> *mut P {
    let pp = s.pidle;
    if !pp.is_null() {
        // SAFETY: idle Ps' links are protected by SCHED.
        s.pidle = unsafe { *(*pp).link.get() };
        NPIDLE.fetch_sub(1, Ordering::AcqRel);
    }
    pp
}

fn mput(s: &mut SchedInner, m: *mut M) {
    // SAFETY: m is the calling M; schedlink is protected by SCHED.
    unsafe { (*m).schedlink = s.midle };
    s.midle = m;
    s.nmidle += 1;
    NMIDLE.store(s.nmidle, Ordering::Relaxed);
    checkdead(s);
}

fn mget(s: &mut SchedInner) -> *mut M {
    let m = s.midle;
    if !m.is_null() {
        // SAFETY: idle Ms' links are protected by SCHED.
        s.midle = unsafe { (*m).schedlink };
        s.nmidle -= 1;
        NMIDLE.store(s.nmidle, Ordering::Relaxed);
        if s.timer_sleeper == m {
            s.timer_sleeper = ptr::null_mut();
        }
    }
    m
}

/// Removes `m` from the idle list; false if it was not there (someone claimed it).
fn mremove(s: &mut SchedInner, m: *mut M) -> bool {
    let mut link: *mut *mut M = &mut s.midle;
    // SAFETY: the idle list is protected by SCHED, which we hold.
    unsafe {
        while !(*link).is_null() {
            if *link == m {
                *link = (*m).schedlink;
                s.nmidle -= 1;
                NMIDLE.store(s.nmidle, Ordering::Relaxed);
                if s.timer_sleeper == m {
                    s.timer_sleeper = ptr::null_mut();
                }
                return true;
            }
            link = &mut (**link).schedlink;
        }
    }
    false
}

fn globrunqput(s: &mut SchedInner, gp: *mut G) {
    // SAFETY: gp is Runnable and in no queue.
    unsafe { s.runq.push_back(gp) };
    RUNQSIZE.store(s.runq.n as i32, Ordering::Release);
}

fn globrunqputbatch(s: &mut SchedInner, q: &mut GQueue) {
    s.runq.append(q);
    RUNQSIZE.store(s.runq.n as i32, Ordering::Release);
}

/// Takes a share of the global queue for `pp`: returns one G and moves up to `max - 1`
/// more (0: a fair share) to `pp`'s local queue.
fn globrunqget(s: &mut SchedInner, pp: &P, max: usize) -> *mut G {
    if s.runq.n == 0 {
        return ptr::null_mut();
    }
    let mut n = (s.runq.n / gomaxprocs_now() + 1).min(s.runq.n);
    if max > 0 {
        n = n.min(max);
    }
    n = n.min(RUNQ_SIZE / 2);
    let gp = s.runq.pop();
    for _ in 1..n {
        let g = s.runq.pop();
        // SAFETY: we own pp (the caller holds it); the ring has room for RUNQ_SIZE/2.
        if let Some(mut b) = unsafe { pp.runq.put(g, false) } {
            globrunqputbatch(s, &mut b);
        }
    }
    RUNQSIZE.store(s.runq.n as i32, Ordering::Release);
    gp
}

// ---------------------------------------------------------------------------------------
// Acquiring and releasing Ps.

/// The current M's P (null if none).
pub fn cur_p() -> *mut P {
    let m = getm();
    if m.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: this thread's M.
    unsafe { (*m).p }
}

/// Binds `pp` (Idle) to the current M.
///
/// # Safety
/// The M must hold no P; `pp` must be Idle and owned by the caller.
unsafe fn acquirep(pp: *mut P) {
    let m = getm();
    // SAFETY: contract.
    unsafe {
        if !(*m).p.is_null() {
            throw("acquirep: already in go");
        }
        if !(*pp).cas_status(PStatus::Idle, PStatus::Running) {
            throw("acquirep: invalid p state");
        }
        (*m).p = pp;
        (*pp).m.store(m, Ordering::Release);
    }
    crate::sysmon::wake_if_waiting();
}

/// Unbinds the current M's P and returns it (Idle).
fn releasep() -> *mut P {
    let m = getm();
    // SAFETY: this thread's M; its P is valid.
    unsafe {
        let pp = (*m).p;
        if pp.is_null() {
            throw("releasep: invalid arg");
        }
        (*m).p = ptr::null_mut();
        (*pp).m.store(ptr::null_mut(), Ordering::Release);
        (*pp).set_status(PStatus::Idle);
        pp
    }
}

// ---------------------------------------------------------------------------------------
// Parking and waking Ms.

/// Parks the current M until some `startm` hands it a P (Go's stopm); returns holding it.
fn stopm() {
    let m = getm();
    {
        let mut s = SCHED.lock();
        mput(&mut s, m);
    }
    // SAFETY: this thread's M.
    unsafe {
        (*m).park.sleep();
        (*m).park.clear();
        let pp = (*m).nextp;
        (*m).nextp = ptr::null_mut();
        acquirep(pp);
    }
}

/// Like [`stopm`], but gives up at the deadline `until` (the next timer). Returns whether
/// the M now holds a P.
fn stopm_until(until: i64) -> bool {
    let m = getm();
    {
        let mut s = SCHED.lock();
        mput(&mut s, m);
        s.timer_sleeper = m;
        s.timer_sleep_until = until;
    }
    // SAFETY: this thread's M.
    unsafe {
        let woken = (*m).park.sleep_timeout(until - nanotime());
        if !woken {
            let mut s = SCHED.lock();
            if mremove(&mut s, m) {
                return false;
            }
            // Claimed by startm or a timer wake-up just now: its wakeup is coming.
            drop(s);
            (*m).park.sleep();
        }
        (*m).park.clear();
        let pp = (*m).nextp;
        (*m).nextp = ptr::null_mut();
        if pp.is_null() {
            return false;
        }
        acquirep(pp);
    }
    true
}

/// A timer due at `when` was started: wakes the timer sleeper if it sleeps past it.
pub(crate) fn wake_timer_sleeper(when: i64) {
    let m = {
        let mut s = SCHED.lock();
        let m = s.timer_sleeper;
        if m.is_null() || s.timer_sleep_until <= when {
            return;
        }
        if !mremove(&mut s, m) {
            return;
        }
        m
    };
    // SAFETY: we removed m from the idle list, so we own its one wakeup; nextp null means
    // "look for work yourself".
    unsafe {
        (*m).nextp = ptr::null_mut();
        (*m).park.wakeup();
    }
}

/// Runs some M on `pp` (or on an idle P when null) (Go's startm). `spinning`: the caller
/// incremented `nmspinning` for the new M.
fn startm(mut pp: *mut P, spinning: bool) {
    let mut s = SCHED.lock();
    if pp.is_null() {
        pp = pidleget(&mut s);
        if pp.is_null() {
            drop(s);
            if spinning {
                NMSPINNING.fetch_sub(1, Ordering::AcqRel);
            }
            return;
        }
    }
    let nm = mget(&mut s);
    drop(s);
    if nm.is_null() {
        newm(pp, spinning);
        return;
    }
    // SAFETY: we took nm off the idle list, so we own its wakeup.
    unsafe {
        (*nm).spinning = spinning;
        (*nm).nextp = pp;
        (*nm).park.wakeup();
    }
}

/// Gives away `pp`, whose M is about to block (Go's handoffp): to a new M if there is work,
/// otherwise to the idle list.
fn handoffp(pp: *mut P) {
    // SAFETY: Ps are never freed; the caller owns pp.
    let p = unsafe { &*pp };
    if !p.runq.is_empty() || RUNQSIZE.load(Ordering::Acquire) != 0 {
        startm(pp, false);
        return;
    }
    if GCWAITING.load(Ordering::Acquire) != 0 {
        let mut s = SCHED.lock();
        p.set_status(PStatus::GcStop);
        s.stopwait -= 1;
        if s.stopwait == 0 {
            STOPNOTE.wakeup();
        }
        return;
    }
    if NMSPINNING.load(Ordering::Acquire) + NPIDLE.load(Ordering::Acquire) == 0
        && NMSPINNING
            .compare_exchange(0, 1, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    {
        startm(pp, true);
        return;
    }
    let mut s = SCHED.lock();
    if GCWAITING.load(Ordering::Acquire) != 0 {
        p.set_status(PStatus::GcStop);
        s.stopwait -= 1;
        if s.stopwait == 0 {
            STOPNOTE.wakeup();
        }
        return;
    }
    if s.runq.n != 0 {
        drop(s);
        startm(pp, false);
        return;
    }
    pidleput(&mut s, pp);
}

/// Starts a spinning M if there are idle Ps and nobody is spinning (Go's wakep).
pub fn wakep() {
    if !MAIN_STARTED.load(Ordering::Acquire) || NPIDLE.load(Ordering::Acquire) == 0 {
        return;
    }
    if NMSPINNING.load(Ordering::Acquire) != 0
        || NMSPINNING
            .compare_exchange(0, 1, Ordering::AcqRel, Ordering::Acquire)
            .is_err()
    {
        return;
    }
    startm(ptr::null_mut(), true);
}

fn reset_spinning(m: *mut M) {
    // SAFETY: this thread's M.
    unsafe { (*m).spinning = false };
    let n = NMSPINNING.fetch_sub(1, Ordering::AcqRel) - 1;
    if n < 0 {
        throw("findrunnable: negative nmspinning");
    }
    if n == 0 {
        wakep();
    }
}

// ---------------------------------------------------------------------------------------
// Run queues.

/// Puts `gp` on `pp`'s queue (runnext when `next`), overflowing to the global queue.
///
/// # Safety
/// The caller must hold `pp`; `gp` must be Runnable and in no queue.
unsafe fn runqput(pp: *mut P, gp: *mut G, next: bool) {
    // SAFETY: contract.
    if let Some(mut batch) = unsafe { (*pp).runq.put(gp, next) } {
        let mut s = SCHED.lock();
        globrunqputbatch(&mut s, &mut batch);
    }
}

/// Makes a Waiting `gp` Runnable and queues it to run next on the current P (Go's ready /
/// goready).
///
/// # Safety
/// `gp` must be a valid G parked with `gopark`.
pub unsafe fn goready(gp: *mut G) {
    // SAFETY: contract.
    unsafe {
        (*gp).cas_status(GStatus::Waiting, GStatus::Runnable);
        let pp = cur_p();
        if pp.is_null() {
            let mut s = SCHED.lock();
            globrunqput(&mut s, gp);
        } else {
            runqput(pp, gp, true);
        }
    }
    wakep();
}

// ---------------------------------------------------------------------------------------
// The scheduler loop (on g0).

/// Runs `gp` on the current M (Go's execute). `inherit`: it continues the current time
/// slice (came from runnext).
fn execute(gp: *mut G, inherit: bool) -> ! {
    let m = getm();
    // SAFETY: m is this thread's M holding a P; gp is Runnable and owned by us now.
    unsafe {
        (*m).curg = gp;
        (*gp).m = m;
        (*gp).cas_status(GStatus::Runnable, GStatus::Running);
        if GCWAITING.load(Ordering::Acquire) == 0 {
            (*gp).preempt.store(0, Ordering::Relaxed);
        }
        crate::stackcompact::ensure_resident(gp);
        if crate::stackcompact::wanted() {
            // Its next poll runs the pass (this is g0, which cannot stop the world).
            (*gp).preempt.store(1, Ordering::Relaxed);
        }
        if !inherit {
            (*(*m).p).schedtick.fetch_add(1, Ordering::Relaxed);
        }
        crate::g::setg(gp);
        context::gogo(&(*gp).sched)
    }
}

/// One round of scheduling: find a runnable goroutine and run it. Never returns.
pub fn schedule() -> ! {
    let m = getm();
    // SAFETY: this thread's M, on g0.
    unsafe {
        if (*m).locks != 0 {
            throw("schedule: holding locks");
        }
        if !(*m).lockedg.is_null() {
            stoplockedm();
            execute((*m).lockedg, false);
        }
        loop {
            let (gp, inherit) = find_runnable();
            if (*m).spinning {
                reset_spinning(m);
            }
            let lm = (*gp).lockedm;
            if !lm.is_null() && lm != m {
                startlockedm(gp);
                continue;
            }
            execute(gp, inherit);
        }
    }
}

/// Stops the current M for a pending stop-the-world (Go's gcstopm).
fn gcstopm() {
    let m = getm();
    // SAFETY: this thread's M.
    unsafe {
        if (*m).spinning {
            (*m).spinning = false;
            if NMSPINNING.fetch_sub(1, Ordering::AcqRel) <= 0 {
                throw("gcstopm: negative nmspinning");
            }
        }
    }
    let pp = releasep();
    {
        let mut s = SCHED.lock();
        // SAFETY: pp is the P we just released.
        unsafe { (*pp).set_status(PStatus::GcStop) };
        s.stopwait -= 1;
        if s.stopwait == 0 {
            STOPNOTE.wakeup();
        }
    }
    stopm();
}

/// Earliest timer of all Ps (0: none).
fn earliest_timer() -> i64 {
    let mut first = 0i64;
    for_each_p(|p| {
        let w = p.timer0_when.load(Ordering::Acquire);
        if w != 0 && (first == 0 || w < first) {
            first = w;
        }
    });
    first
}

/// Tries to steal a G (and runs other Ps' due timers) (Go's stealWork).
fn steal_work(pp: &'static P, mut now: i64) -> Option<*mut G> {
    let n = gomaxprocs_now();
    const STEAL_TRIES: usize = 4;
    for attempt in 0..STEAL_TRIES {
        let last = attempt == STEAL_TRIES - 1;
        let start = fastrandn(n as u32) as usize;
        for k in 0..n {
            if GCWAITING.load(Ordering::Acquire) != 0 {
                return None;
            }
            let Some(victim) = allp((start + k) % n) else {
                continue;
            };
            if core::ptr::eq(victim, pp) {
                continue;
            }
            if last {
                let w = victim.timer0_when.load(Ordering::Acquire);
                if w != 0 {
                    if now == 0 {
                        now = nanotime();
                    }
                    if w <= now {
                        // SAFETY: on g0 holding pp: readied Gs go to pp.
                        unsafe { check_timers(victim, now) };
                        if let Some((gp, _)) = pp.runq.get() {
                            return Some(gp);
                        }
                    }
                }
            }
            if victim.status() != PStatus::Idle || last {
                let running = victim.status() == PStatus::Running;
                if let Some(gp) = pp.runq.steal(&victim.runq, last, running) {
                    return Some(gp);
                }
            }
        }
    }
    None
}

/// Finds a runnable goroutine, blocking (parking the M) until there is one (Go's
/// findRunnable). Returns it and whether it inherits the time slice.
fn find_runnable() -> (*mut G, bool) {
    let m = getm();
    'top: loop {
        // SAFETY: m is this thread's M and holds a P at the top of each iteration.
        let pp: &'static P = unsafe { &*(*m).p };
        if GCWAITING.load(Ordering::Acquire) != 0 {
            gcstopm();
            continue 'top;
        }
        // SAFETY: on g0 holding pp.
        let now = unsafe { check_timers(pp, 0) };
        if pp.schedtick.load(Ordering::Relaxed).is_multiple_of(61)
            && RUNQSIZE.load(Ordering::Acquire) > 0
        {
            let gp = globrunqget(&mut SCHED.lock(), pp, 1);
            if !gp.is_null() {
                return (gp, false);
            }
        }
        if let Some(r) = pp.runq.get() {
            return r;
        }
        if RUNQSIZE.load(Ordering::Acquire) > 0 {
            let gp = globrunqget(&mut SCHED.lock(), pp, 0);
            if !gp.is_null() {
                return (gp, false);
            }
        }
        // Spin: steal from others, if not too many Ms spin already.
        // SAFETY: this thread's M.
        let spinning = unsafe { (*m).spinning };
        let busy = gomaxprocs_now() as i32 - NPIDLE.load(Ordering::Acquire);
        if spinning || 2 * NMSPINNING.load(Ordering::Acquire) < busy {
            if !spinning {
                // SAFETY: this thread's M.
                unsafe { (*m).spinning = true };
                NMSPINNING.fetch_add(1, Ordering::AcqRel);
            }
            if let Some(gp) = steal_work(pp, now) {
                return (gp, false);
            }
        }
        // Nothing: give up the P.
        let mut s = SCHED.lock();
        if GCWAITING.load(Ordering::Acquire) != 0 {
            drop(s);
            continue 'top;
        }
        if s.runq.n != 0 {
            let gp = globrunqget(&mut s, pp, 0);
            return (gp, false);
        }
        let pp = releasep();
        pidleput(&mut s, pp);
        drop(s);
        // SAFETY: this thread's M.
        let was_spinning = unsafe { (*m).spinning };
        if was_spinning {
            // SAFETY: this thread's M.
            unsafe { (*m).spinning = false };
            if NMSPINNING.fetch_sub(1, Ordering::AcqRel) <= 0 {
                throw("findrunnable: negative nmspinning");
            }
        }
        // Re-check everything a spinner could have missed while we were giving up: a G
        // queued on a P after we looked would otherwise wait for the next wakep.
        let mut work = RUNQSIZE.load(Ordering::Acquire) > 0;
        for_each_p(|p| work |= !p.runq.is_empty());
        let next_timer = earliest_timer();
        if next_timer != 0 && next_timer <= nanotime() {
            work = true;
        }
        if work {
            let mut s = SCHED.lock();
            let pp = pidleget(&mut s);
            drop(s);
            if !pp.is_null() {
                // SAFETY: pp came off the idle list: ours.
                unsafe {
                    acquirep(pp);
                    (*m).spinning = true;
                }
                NMSPINNING.fetch_add(1, Ordering::AcqRel);
                continue 'top;
            }
        }
        if next_timer != 0 {
            if !stopm_until(next_timer) {
                // Timed out (or woken for a timer) without a P: look for one to run the
                // timers on.
                let mut s = SCHED.lock();
                let pp = pidleget(&mut s);
                drop(s);
                if pp.is_null() {
                    stopm();
                } else {
                    // SAFETY: ours now.
                    unsafe {
                        acquirep(pp);
                        (*m).spinning = true;
                    }
                    NMSPINNING.fetch_add(1, Ordering::AcqRel);
                }
            }
        } else {
            stopm();
        }
    }
}

// ---------------------------------------------------------------------------------------
// Locked goroutines (LockOSThread).

/// The current M's locked G is not running: give the P away and sleep until someone hands
/// us a P together with the runnable locked G (Go's stoplockedm).
fn stoplockedm() {
    let m = getm();
    // SAFETY: this thread's M.
    unsafe {
        if !(*m).p.is_null() {
            let pp = releasep();
            handoffp(pp);
        }
        {
            let mut s = SCHED.lock();
            s.nmidlelocked += 1;
            checkdead(&mut s);
        }
        // Whoever wakes us (startlockedm) has already counted us as running again, so
        // that checkdead never sees our runnable G with every M idle.
        (*m).park.sleep();
        (*m).park.clear();
        let pp = (*m).nextp;
        (*m).nextp = ptr::null_mut();
        acquirep(pp);
    }
}

/// `gp` is locked to another M: hand it our P and park ourselves (Go's startlockedm).
fn startlockedm(gp: *mut G) {
    // SAFETY: gp is Runnable, locked to a parked M (in stoplockedm).
    unsafe {
        let lm = (*gp).lockedm;
        SCHED.lock().nmidlelocked -= 1;
        let pp = releasep();
        (*lm).nextp = pp;
        (*lm).park.wakeup();
    }
    stopm();
}

/// runtime.LockOSThread.
pub fn lock_os_thread() {
    let gp = getg();
    // SAFETY: gp is the running goroutine on its M.
    unsafe {
        let m = (*gp).m;
        (*gp).locked += 1;
        (*gp).lockedm = m;
        (*m).lockedg = gp;
    }
}

/// runtime.UnlockOSThread.
pub fn unlock_os_thread() {
    let gp = getg();
    // SAFETY: gp is the running goroutine on its M.
    unsafe {
        if (*gp).locked == 0 {
            return;
        }
        (*gp).locked -= 1;
        if (*gp).locked == 0 {
            let m = (*gp).m;
            (*gp).lockedm = ptr::null_mut();
            (*m).lockedg = ptr::null_mut();
        }
    }
}

// ---------------------------------------------------------------------------------------
// Goroutine transitions (called on goroutines; the work happens on g0 via mcall).

/// Detaches the current goroutine from its M (on g0).
fn dropg(m: *mut M) {
    // SAFETY: this thread's M.
    unsafe {
        let gp = (*m).curg;
        if !gp.is_null() {
            (*gp).m = ptr::null_mut();
        }
        (*m).curg = ptr::null_mut();
    }
}

extern "C" fn park_m(arg: usize) -> ! {
    let gp = arg as *mut G;
    let m = getm();
    // SAFETY: gp is the goroutine that mcalled; its context is saved.
    unsafe {
        (*gp).cas_status(GStatus::Running, GStatus::Waiting);
        dropg(m);
        crate::stackcompact::note_parked((*m).p, gp);
        if let Some(f) = (*m).waitunlockf.take() {
            let lock = (*m).waitlock;
            (*m).waitlock = ptr::null_mut();
            if !f(gp, lock) {
                (*gp).cas_status(GStatus::Waiting, GStatus::Runnable);
                execute(gp, true);
            }
        }
    }
    schedule()
}

/// Parks the current goroutine (Go's gopark): it becomes Waiting with `reason`; then, on
/// g0, `unlockf(gp, lock)` runs (see [`UnlockFn`]). Returns when someone calls
/// [`goready`] on it.
///
/// # Safety
/// Must run on a goroutine; `unlockf`/`lock` must be valid for each other.
pub unsafe fn gopark(unlockf: Option<UnlockFn>, lock: *mut u8, reason: WaitReason) {
    let gp = getg();
    // SAFETY: gp is the running goroutine on its M.
    unsafe {
        let m = (*gp).m;
        if (*m).locks != 0 {
            throw("gopark: holding locks");
        }
        (*m).waitunlockf = unlockf;
        (*m).waitlock = lock;
        (*gp).waitreason = reason;
        mcall(park_m, gp as usize);
    }
}

extern "C" fn gosched_m(arg: usize) -> ! {
    let gp = arg as *mut G;
    let m = getm();
    // SAFETY: gp is the goroutine that mcalled.
    unsafe {
        (*gp).cas_status(GStatus::Running, GStatus::Runnable);
        dropg(m);
    }
    globrunqput(&mut SCHED.lock(), gp);
    schedule()
}

/// Yields the processor (runtime.Gosched): the goroutine goes to the global queue.
pub fn gosched() {
    let gp = getg();
    // SAFETY: gp is the running goroutine.
    unsafe { mcall(gosched_m, gp as usize) };
}

extern "C" fn goexit0(arg: usize) -> ! {
    let gp = arg as *mut G;
    let m = getm();
    // SAFETY: gp is the goroutine that mcalled; nothing runs on its stack any more.
    unsafe {
        (*gp).cas_status(GStatus::Running, GStatus::Dead);
        dropg(m);
        (*gp).lockedm = ptr::null_mut();
        (*gp).locked = 0;
        (*m).lockedg = ptr::null_mut();
        (*gp).param = ptr::null_mut();
        (*gp).waiting = ptr::null_mut();
        (*gp).panic = ptr::null_mut();
        (*gp).defer = ptr::null_mut();
        (*gp).waitreason = WaitReason::Zero;
        (*gp).preempt.store(0, Ordering::Relaxed);
        count_goroutine((*m).p, -1);
        if (*gp).goid != 1 {
            gfput((*m).p, gp);
        }
    }
    schedule()
}

/// Ends the current goroutine (runtime.Goexit after deferred calls, or the return of its
/// entry function).
pub fn goexit1() -> ! {
    crate::stackcompact::safepoint();
    let gp = getg();
    // Defer hook: runtime.Goexit runs the goroutine's deferred calls here.
    // SAFETY: gp is the running goroutine.
    unsafe { mcall(goexit0, gp as usize) };
    throw("goexit: resumed")
}

/// Puts a dead G on `pp`'s free list, spilling half to the global list when long.
///
/// # Safety
/// The caller holds `pp`; `gp` is Dead.
unsafe fn gfput(pp: *mut P, gp: *mut G) {
    // SAFETY: owner-only list of the P we hold.
    unsafe {
        let q = &mut *(*pp).gfree.get();
        q.push_front(gp);
        if q.n >= 64 {
            let mut g = GFREE.lock();
            while q.n > 32 {
                let x = q.pop();
                g.push_front(x);
            }
        }
    }
}

/// Reports the stacks of dead Gs on the global free list whose pages were not yet given
/// back, and marks them given back (a stack compaction pass, world stopped). New Gs are
/// pushed at the front, so the walk stops at the first one already released.
pub(crate) fn release_dead_stacks(f: &mut dyn FnMut(usize, usize)) {
    let q = GFREE.lock();
    let mut gp = q.head;
    while !gp.is_null() {
        // SAFETY: Gs on the free list are valid and, with the world stopped, ours.
        let g = unsafe { &mut *gp };
        if g.stack_released {
            break;
        }
        if matches!(g.stack_mem, Some(m) if m.kind == crate::stack::StackKind::Pooled) {
            g.stack_released = true;
            f(g.stack.lo, g.stack.hi);
        }
        gp = g.schedlink;
    }
}

/// Takes a dead G (with its stack) from `pp`'s or the global free list.
///
/// # Safety
/// The caller holds `pp`.
unsafe fn gfget(pp: *mut P) -> *mut G {
    // SAFETY: owner-only list of the P we hold.
    unsafe {
        let q = &mut *(*pp).gfree.get();
        if q.is_empty() {
            let mut g = GFREE.lock();
            while q.n < 32 && !g.is_empty() {
                let x = g.pop();
                q.push_front(x);
            }
        }
        q.pop()
    }
}

/// First frame of every goroutine made by [`newproc`].
extern "C" fn goroutine_start(arg: usize) -> ! {
    let gp = arg as *mut G;
    // SAFETY: newproc stored a GoEntry and its argument in gp.
    unsafe {
        let f: GoEntry = core::mem::transmute::<usize, GoEntry>((*gp).start_fn);
        f(gp, (*gp).start_arg as *mut u8);
    }
    goexit1()
}

/// A goroutine body as codegen emits it (see `rgo_abi::entry::NEWPROC`).
pub type GoEntry = unsafe extern "C" fn(g: *mut G, arg: *mut u8);

/// Creates a goroutine running `f(g, arg)`, queued to run next on the current P (Go's
/// newproc).
pub fn newproc(f: GoEntry, arg: *mut u8) -> *mut G {
    let pp = cur_p();
    if pp.is_null() {
        throw("newproc: no P");
    }
    // SAFETY: we hold pp; the G we take or make is ours until queued.
    unsafe {
        let mut gp = gfget(pp);
        if gp.is_null() {
            gp = alloc_g(0);
            (*gp).set_status(GStatus::Dead);
            (*gp).set_stack(crate::stack::stackalloc());
            crate::stackcompact::note_growth(1);
        } else if (*gp).stack_released {
            (*gp).stack_released = false;
            crate::stackcompact::note_growth(1);
        }
        (*gp).goid = new_goid();
        (*gp).start_fn = f as usize;
        (*gp).start_arg = arg as usize;
        (*gp).gopc = 0;
        (*gp).sig = 0;
        let hi = (*gp).stack.hi;
        context::prepare(&mut (*gp).sched, hi, goroutine_start, gp as usize);
        count_goroutine(pp, 1);
        (*gp).cas_status(GStatus::Dead, GStatus::Runnable);
        runqput(pp, gp, true);
        wakep();
        gp
    }
}

// ---------------------------------------------------------------------------------------
// System calls.

/// The running goroutine is about to block in the kernel: it keeps its M but gives up its
/// P (Go's entersyscall). Sysmon hands the P to another M if the call lasts.
pub fn entersyscall() {
    let gp = getg();
    // SAFETY: gp is the running goroutine on an M that holds a P.
    unsafe {
        let m = (*gp).m;
        let pp = (*m).p;
        if pp.is_null() {
            return;
        }
        let sp: usize;
        core::arch::asm!("mov {}, rsp", out(reg) sp);
        (*gp).syscallsp = sp;
        // Go code's callee-saved registers may hold the only copy of a pointer for the
        // whole call; the collector scans this copy (scan_g_roots), not the registers.
        let r = &mut (*gp).syscall_regs;
        core::arch::asm!(
            "mov [{0}], rbx", "mov [{0} + 8], rbp", "mov [{0} + 16], r12",
            "mov [{0} + 24], r13", "mov [{0} + 32], r14", "mov [{0} + 40], r15",
            in(reg) r.as_mut_ptr(), options(nostack, preserves_flags),
        );
        (*gp).cas_status(GStatus::Running, GStatus::Syscall);
        (*pp).m.store(ptr::null_mut(), Ordering::Release);
        (*m).oldp = pp;
        (*m).p = ptr::null_mut();
        (*pp).set_status(PStatus::Syscall);
        if GCWAITING.load(Ordering::Acquire) != 0 {
            let mut s = SCHED.lock();
            if s.stopwait > 0 && (*pp).cas_status(PStatus::Syscall, PStatus::GcStop) {
                s.stopwait -= 1;
                if s.stopwait == 0 {
                    STOPNOTE.wakeup();
                }
            }
        }
    }
}

extern "C" fn exitsyscall0(arg: usize) -> ! {
    let gp = arg as *mut G;
    let m = getm();
    // SAFETY: gp is the goroutine that mcalled, on this M without a P.
    unsafe {
        (*gp).cas_status(GStatus::Syscall, GStatus::Runnable);
        dropg(m);
        let mut s = SCHED.lock();
        let pp = if GCWAITING.load(Ordering::Acquire) == 0 {
            pidleget(&mut s)
        } else {
            ptr::null_mut()
        };
        if pp.is_null() {
            globrunqput(&mut s, gp);
        }
        drop(s);
        if !pp.is_null() {
            acquirep(pp);
            execute(gp, false);
        }
        if !(*m).lockedg.is_null() {
            stoplockedm();
            execute(gp, false);
        }
    }
    stopm();
    schedule()
}

/// The system call returned (Go's exitsyscall): take the old P back if sysmon did not give
/// it away, else any idle P, else queue the goroutine and park the M.
pub fn exitsyscall() {
    let gp = getg();
    // SAFETY: gp is the running goroutine (in Syscall) on its M.
    unsafe {
        let m = (*gp).m;
        let oldp = (*m).oldp;
        (*m).oldp = ptr::null_mut();
        if oldp.is_null() {
            return;
        }
        if (*oldp).cas_status(PStatus::Syscall, PStatus::Idle) {
            acquirep(oldp);
        } else {
            let mut s = SCHED.lock();
            let pp = if GCWAITING.load(Ordering::Acquire) == 0 {
                pidleget(&mut s)
            } else {
                ptr::null_mut()
            };
            drop(s);
            if pp.is_null() {
                mcall(exitsyscall0, gp as usize);
                (*gp).syscallsp = 0;
                return;
            }
            acquirep(pp);
        }
        (*(*m).p).syscalltick.fetch_add(1, Ordering::Relaxed);
        (*gp).cas_status(GStatus::Syscall, GStatus::Running);
        (*gp).syscallsp = 0;
    }
}

/// Whether the caller runs on a user goroutine (not g0) whose M holds a P.
/// The caller may stop the world: a goroutine holding a P and no runtime lock.
pub(crate) fn may_stop_world() -> bool {
    // SAFETY: the current G's M is this thread's.
    on_goroutine_with_p() && unsafe { (*getm()).locks == 0 }
}

fn on_goroutine_with_p() -> bool {
    let gp = getg();
    // SAFETY: gp is null or this thread's current G; its M is read by this thread only.
    !gp.is_null() && unsafe { !crate::g::is_g0(gp) && !(*gp).m.is_null() } && !cur_p().is_null()
}

/// Runs `f` as a blocking system call (between [`entersyscall`] and [`exitsyscall`]) when
/// called on a goroutine; directly otherwise.
pub fn syscall<R>(f: impl FnOnce() -> R) -> R {
    if !on_goroutine_with_p() {
        return f();
    }
    entersyscall();
    let r = f();
    exitsyscall();
    r
}

// ---------------------------------------------------------------------------------------
// Preemption, stop-the-world, GOMAXPROCS.

/// Asks the goroutine running on `pp` to yield at its next poll.
pub(crate) fn preemptone(pp: &P) {
    let m = pp.m.load(Ordering::Acquire);
    if m.is_null() {
        return;
    }
    // SAFETY: Ms and Gs are never freed; a stale curg only gets a spurious yield.
    unsafe {
        let gp = (*m).curg;
        if !gp.is_null() && gp != (*m).g0 {
            (*gp).preempt.store(1, Ordering::Release);
        }
    }
}

fn preemptall(except: *mut P) {
    for_each_p(|p| {
        if !core::ptr::eq(p, except) && p.status() == PStatus::Running {
            preemptone(p);
        }
    });
}

/// Stops every goroutine but the caller's at a safe point (see the module header).
pub fn stop_the_world(_reason: &str) {
    while !WORLDSEMA.try_lock() {
        gosched();
    }
    context::systemstack(stop_the_world_with_sema);
}

fn stop_the_world_with_sema() {
    let me = cur_p();
    if me.is_null() {
        throw("stopTheWorld: no P");
    }
    let wait = {
        let mut s = SCHED.lock();
        s.stopwait = gomaxprocs_now() as i32;
        GCWAITING.store(1, Ordering::SeqCst);
        preemptall(me);
        // SAFETY: our own P.
        unsafe { (*me).set_status(PStatus::GcStop) };
        s.stopwait -= 1;
        for_each_p(|p| {
            if p.cas_status(PStatus::Syscall, PStatus::GcStop) {
                p.syscalltick.fetch_add(1, Ordering::Relaxed);
                s.stopwait -= 1;
            }
        });
        loop {
            let pp = pidleget(&mut s);
            if pp.is_null() {
                break;
            }
            // SAFETY: taken off the idle list.
            unsafe { (*pp).set_status(PStatus::GcStop) };
            s.stopwait -= 1;
        }
        s.stopwait > 0
    };
    if wait {
        loop {
            if STOPNOTE.sleep_timeout(100_000) {
                break;
            }
            preemptall(me);
        }
        STOPNOTE.clear();
    }
    let mut bad = false;
    for_each_p(|p| bad |= p.status() != PStatus::GcStop);
    if bad {
        throw("stopTheWorld: not stopped");
    }
}

/// Restarts the world stopped by [`stop_the_world`].
pub fn start_the_world() {
    context::systemstack(|| start_the_world_with_sema(0));
    WORLDSEMA.unlock();
}

fn start_the_world_with_sema(newprocs: usize) {
    let mut with_work: Vec<*mut P> = Vec::new();
    {
        let mut s = SCHED.lock();
        if newprocs != 0 {
            procresize(&mut s, newprocs);
        }
        let me = cur_p();
        GCWAITING.store(0, Ordering::SeqCst);
        for_each_p(|p| {
            let pp = p as *const P as *mut P;
            if pp == me {
                p.set_status(PStatus::Running);
            } else if p.status() == PStatus::GcStop {
                if p.runq.is_empty() {
                    pidleput(&mut s, pp);
                } else {
                    p.set_status(PStatus::Idle);
                    with_work.push(pp);
                }
            }
        });
    }
    crate::sysmon::wake_if_waiting();
    for pp in with_work {
        startm(pp, false);
    }
    wakep();
}

/// Changes the number of Ps to `n` (SCHED held; the world is stopped or not started).
fn procresize(s: &mut SchedInner, n: usize) {
    let old = GOMAXPROCS.load(Ordering::Acquire).max(0) as usize;
    #[allow(clippy::needless_range_loop)]
    for i in 0..n {
        if ALLP[i].load(Ordering::Acquire).is_null() {
            let p = Box::into_raw(Box::new(P::new(i as i32)));
            ALLP[i].store(p, Ordering::Release);
        } else if i >= old {
            // SAFETY: Ps are never freed.
            unsafe { (*ALLP[i].load(Ordering::Acquire)).set_status(PStatus::GcStop) };
        }
    }
    let m = getm();
    // SAFETY: m is this thread's M.
    let mut me = unsafe { (*m).p };
    #[allow(clippy::needless_range_loop)]
    for i in n..old {
        let pp = ALLP[i].load(Ordering::Acquire);
        // SAFETY: a P beyond the new count; the world is stopped, so we may empty it.
        unsafe {
            let p = &*pp;
            let mut q = GQueue::new();
            p.runq.drain_into(&mut q);
            globrunqputbatch(s, &mut q);
            let gf = &mut *p.gfree.get();
            let mut g = GFREE.lock();
            g.append(gf);
            drop(g);
            let cands = core::mem::take(&mut *p.compact_candidates.get());
            (*(*ALLP[0].load(Ordering::Acquire)).compact_candidates.get()).extend(cands);
            let moved: Vec<*mut crate::time::Timer> = {
                let mut h = p.timers.lock();
                let mut v = Vec::new();
                while h.first_when() != 0 {
                    v.push(h.pop_first());
                }
                p.timer0_when.store(0, Ordering::Release);
                v
            };
            let dst = &*ALLP[0].load(Ordering::Acquire);
            for t in moved {
                dst.timers_push(t);
            }
            if pp == me {
                (*m).p = ptr::null_mut();
                me = ptr::null_mut();
            }
            p.m.store(ptr::null_mut(), Ordering::Release);
            p.set_status(PStatus::Dead);
        }
    }
    // Unlink destroyed Ps from the idle list.
    let mut list = s.pidle;
    s.pidle = ptr::null_mut();
    NPIDLE.store(0, Ordering::Release);
    while !list.is_null() {
        // SAFETY: idle list members are live Ps.
        let next = unsafe { *(*list).link.get() };
        // SAFETY: as above.
        if unsafe { ((*list).id as usize) < n } {
            pidleput(s, list);
        }
        list = next;
    }
    GOMAXPROCS.store(n as i32, Ordering::Release);
    if me.is_null() && !m.is_null() {
        let p0 = ALLP[0].load(Ordering::Acquire);
        // SAFETY: P0 always exists; at start-up or after a shrink we take it.
        unsafe {
            (*p0).set_status(PStatus::Idle);
            acquirep(p0);
        }
    }
}

impl P {
    /// Moves a timer into this P's heap (procresize).
    fn timers_push(&self, t: *mut crate::time::Timer) {
        let mut h = self.timers.lock();
        // SAFETY: t is a pending timer removed from a dead P's heap.
        unsafe { h.push_moved(t, self as *const P as *mut P) };
        self.timer0_when.store(h.first_when(), Ordering::Release);
    }
}

/// runtime.GOMAXPROCS(n): sets the number of Ps when `n > 0`; returns the previous value.
pub fn gomaxprocs(n: i64) -> i64 {
    let prev = gomaxprocs_now() as i64;
    if n <= 0 || n as usize == prev as usize {
        return prev;
    }
    let n = (n as usize).min(MAX_PROCS);
    stop_the_world("GOMAXPROCS");
    context::systemstack(|| start_the_world_with_sema(n));
    WORLDSEMA.unlock();
    prev
}

// ---------------------------------------------------------------------------------------
// Deadlock detection.

/// Called when an M goes idle (SCHED held): if no M can ever run Go code again, reports
/// the deadlock (Go's checkdead).
fn checkdead(s: &mut SchedInner) {
    if !MAIN_STARTED.load(Ordering::Acquire) {
        return;
    }
    let run = s.mcount - s.nmidle - s.nmidlelocked;
    if run > 0 {
        return;
    }
    if run < 0 {
        throw("checkdead: inconsistent counts");
    }
    let mut waiting = 0;
    let mut runnable = false;
    for_each_g(|g| {
        if g.goid == 0 || crate::mem::mfinal::is_system_goroutine(g) {
            return;
        }
        match GStatus::from_u32(g.status()) {
            Some(GStatus::Waiting) | Some(GStatus::Preempted) => waiting += 1,
            Some(GStatus::Runnable) | Some(GStatus::Running) | Some(GStatus::Syscall) => {
                runnable = true
            }
            _ => {}
        }
    });
    if runnable {
        throw("checkdead: runnable g");
    }
    if waiting == 0 {
        crate::panic::fatal_deadlock("no goroutines (main called runtime.Goexit) - deadlock!");
    }
    let mut timers = false;
    for_each_p(|p| timers |= p.timer0_when.load(Ordering::Acquire) != 0);
    if timers {
        return;
    }
    crate::panic::fatal_deadlock("all goroutines are asleep - deadlock!");
}

/// The range a conservative scan of `g`'s stack must cover: `(lo, hi)` from its saved SP
/// (or its SP at system-call entry) to the stack top; None for dead or never-started Gs
/// and for g0s.
pub fn stack_scan_range(g: &G) -> Option<(usize, usize)> {
    if g.goid == 0 {
        return None;
    }
    let sp = match GStatus::from_u32(g.status())? {
        GStatus::Dead | GStatus::Idle => return None,
        GStatus::Syscall => g.syscallsp,
        _ => g.sched.sp,
    };
    (sp != 0 && g.stack.contains(sp)).then_some((sp, g.stack.hi))
}

/// Snapshot for schedtrace: (npidle, nmspinning, nmidle, global runq size, mcount).
pub(crate) fn sched_snapshot() -> (i32, i32, i32, i32, i32) {
    (
        NPIDLE.load(Ordering::Relaxed),
        NMSPINNING.load(Ordering::Relaxed),
        NMIDLE.load(Ordering::Relaxed),
        RUNQSIZE.load(Ordering::Relaxed),
        MCOUNT.load(Ordering::Relaxed),
    )
}

/// Sysmon's look at every P: preempt long-running goroutines, retake Ps blocked in system
/// calls (Go's retake). Returns how many Ps were retaken.
pub(crate) fn retake(now: i64) -> u32 {
    const FORCE_PREEMPT_NS: i64 = 10_000_000;
    let mut n = 0;
    for_each_p(|p| {
        let st = p.status();
        let mut sysretake = false;
        if st == PStatus::Running || st == PStatus::Syscall {
            let t = p.schedtick.load(Ordering::Relaxed);
            if p.sysmon_schedtick.load(Ordering::Relaxed) != t {
                p.sysmon_schedtick.store(t, Ordering::Relaxed);
                p.sysmon_schedwhen.store(now, Ordering::Relaxed);
            } else if p.sysmon_schedwhen.load(Ordering::Relaxed) + FORCE_PREEMPT_NS <= now {
                preemptone(p);
                sysretake = true;
            }
        }
        if st == PStatus::Syscall {
            let t = p.syscalltick.load(Ordering::Relaxed);
            if !sysretake && p.sysmon_syscalltick.load(Ordering::Relaxed) != t {
                p.sysmon_syscalltick.store(t, Ordering::Relaxed);
                p.sysmon_syscallwhen.store(now, Ordering::Relaxed);
                return;
            }
            if p.runq.is_empty()
                && NMSPINNING.load(Ordering::Acquire) + NPIDLE.load(Ordering::Acquire) > 0
                && p.sysmon_syscallwhen.load(Ordering::Relaxed) + FORCE_PREEMPT_NS > now
            {
                return;
            }
            if p.cas_status(PStatus::Syscall, PStatus::Idle) {
                p.syscalltick.fetch_add(1, Ordering::Relaxed);
                n += 1;
                handoffp(p as *const P as *mut P);
            }
        }
    });
    n
}

/// Sysmon's timer backstop: a timer is overdue and no M is sleeping on it.
pub(crate) fn check_overdue_timers(now: i64) -> i64 {
    let next = earliest_timer();
    if next != 0 && next < now - 1_000_000 && NPIDLE.load(Ordering::Acquire) > 0 {
        startm(ptr::null_mut(), false);
    }
    next
}

// ---------------------------------------------------------------------------------------
// The collector's hooks (mem::world::WorldHooks has exactly these shapes).

/// `WorldHooks::stop_the_world`.
pub fn gc_stop_the_world() {
    stop_the_world("GC");
}

/// `WorldHooks::start_the_world`.
pub fn gc_start_the_world() {
    start_the_world();
}

/// `WorldHooks::for_each_stack`: every goroutine stack to scan, with the world stopped;
/// the caller's own goroutine from the current SP.
pub fn for_each_stack(f: &mut dyn FnMut(usize, usize)) {
    let me = getg();
    let sp: usize;
    // SAFETY: reads the stack pointer.
    unsafe { core::arch::asm!("mov {}, rsp", out(reg) sp) };
    // SAFETY: me is null or this thread's G; its m's curg is the goroutine we run for.
    let cur = unsafe {
        if !me.is_null() && crate::g::is_g0(me) {
            (*(*me).m).curg
        } else {
            me
        }
    };
    for_each_g(|g| {
        if core::ptr::eq(g, cur) {
            let lo = if g.stack.contains(sp) { sp } else { g.sched.sp };
            f(lo, g.stack.hi);
        } else if let Some((lo, hi)) = crate::stackcompact::saved_range(g) {
            f(lo, hi);
        } else if let Some((lo, hi)) = stack_scan_range(g) {
            f(lo, hi);
        }
    });
}

/// `WorldHooks::yield_now`: a goroutine holding a P yields it (and passes through the
/// scheduler, where a pending stop-the-world stops it); other callers yield the thread.
fn gc_yield() {
    if on_goroutine_with_p() {
        gosched();
    } else {
        std::thread::yield_now();
    }
}

/// The collector's runtime-internal roots: what Gs hold outside their stacks (defer
/// records, a new goroutine's argument block, the receive slots of their sudogs, the
/// registers saved on entering a system call). Gs and sudogs live outside the GC heap,
/// so their words are reported conservatively. World stopped.
fn scan_g_roots(report: &mut dyn FnMut(usize)) {
    fn words<T>(x: &T, report: &mut dyn FnMut(usize)) {
        let p = x as *const T as *const usize;
        for i in 0..core::mem::size_of::<T>() / 8 {
            // SAFETY: reads within `x`.
            let w = unsafe { p.add(i).read_unaligned() };
            if w != 0 {
                report(w);
            }
        }
    }
    for_each_g(|g| {
        if g.status() == GStatus::Dead as u32 {
            return;
        }
        words(g, report);
        let mut sg = g.waiting;
        while !sg.is_null() {
            // SAFETY: with the world stopped a G's sudog list is stable.
            let s = unsafe { &*sg };
            words(s, report);
            sg = s.waitlink;
        }
    });
}

// ---------------------------------------------------------------------------------------
// Entry points (rgo_abi::entry). `g` is always the calling goroutine.

/// Cold path of the preemption poll: yields when sysmon or a stop-the-world asked.
///
/// # Safety
/// `g` must be the running goroutine (or null).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_poll(g: *mut G) {
    // SAFETY: forwarded contract.
    unsafe { poll(g) }
}

/// [`rgo_poll`] for callers in Cranelift's `preserve_all` convention: saves every
/// caller-saved general and vector register on the goroutine's stack around the call (the
/// conservative stack scan then also sees pointers that lived in them). `g` in rdi.
///
/// # Safety
/// As [`rgo_poll`]; called only from generated code.
#[unsafe(naked)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_poll_preserve(g: *mut G) {
    core::arch::naked_asm!(
        "push rbp",
        "mov rbp, rsp",
        "push rax",
        "push rcx",
        "push rdx",
        "push rsi",
        "push rdi",
        "push r8",
        "push r9",
        "push r10",
        "push r11",
        // 9 pushes after rbp leave rsp 8 mod 16; 264 bytes of vector slots realign it.
        "sub rsp, 264",
        "movdqu [rsp + 0], xmm0",
        "movdqu [rsp + 16], xmm1",
        "movdqu [rsp + 32], xmm2",
        "movdqu [rsp + 48], xmm3",
        "movdqu [rsp + 64], xmm4",
        "movdqu [rsp + 80], xmm5",
        "movdqu [rsp + 96], xmm6",
        "movdqu [rsp + 112], xmm7",
        "movdqu [rsp + 128], xmm8",
        "movdqu [rsp + 144], xmm9",
        "movdqu [rsp + 160], xmm10",
        "movdqu [rsp + 176], xmm11",
        "movdqu [rsp + 192], xmm12",
        "movdqu [rsp + 208], xmm13",
        "movdqu [rsp + 224], xmm14",
        "movdqu [rsp + 240], xmm15",
        "call {poll}",
        "movdqu xmm0, [rsp + 0]",
        "movdqu xmm1, [rsp + 16]",
        "movdqu xmm2, [rsp + 32]",
        "movdqu xmm3, [rsp + 48]",
        "movdqu xmm4, [rsp + 64]",
        "movdqu xmm5, [rsp + 80]",
        "movdqu xmm6, [rsp + 96]",
        "movdqu xmm7, [rsp + 112]",
        "movdqu xmm8, [rsp + 128]",
        "movdqu xmm9, [rsp + 144]",
        "movdqu xmm10, [rsp + 160]",
        "movdqu xmm11, [rsp + 176]",
        "movdqu xmm12, [rsp + 192]",
        "movdqu xmm13, [rsp + 208]",
        "movdqu xmm14, [rsp + 224]",
        "movdqu xmm15, [rsp + 240]",
        "add rsp, 264",
        "pop r11",
        "pop r10",
        "pop r9",
        "pop r8",
        "pop rdi",
        "pop rsi",
        "pop rdx",
        "pop rcx",
        "pop rax",
        "pop rbp",
        "ret",
        poll = sym rgo_poll,
    )
}

/// The poll's slow path.
///
/// # Safety
/// `g` must be the running goroutine (or null).
unsafe fn poll(g: *mut G) {
    if g.is_null() {
        return;
    }
    // SAFETY: by contract g is the running goroutine.
    let gr = unsafe { &*g };
    if gr.preempt.swap(0, Ordering::AcqRel) == 0 {
        return;
    }
    let m = gr.m;
    // SAFETY: m is this goroutine's M.
    if m.is_null() || unsafe { (*m).locks != 0 || (*m).p.is_null() || (*m).g0 == g } {
        return;
    }
    crate::stackcompact::safepoint();
    gosched();
}

/// `go f(args)`: see `rgo_abi::entry::NEWPROC`.
///
/// # Safety
/// `g` is the running goroutine; `f` must be callable as `f(newg, arg)`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_newproc(_g: *mut G, f: GoEntry, arg: *mut u8) {
    // Generated code calls us directly: our return address is in the `go` statement's
    // function (frame pointers are kept, so it sits above our saved frame pointer).
    // SAFETY: our own frame record.
    let gopc = unsafe { *((crate::symtab::frame_pointer() + 8) as *const usize) };
    let gp = newproc(f, arg);
    // SAFETY: gp is a live G; gopc is only read by tracebacks.
    unsafe { (*gp).gopc = gopc };
    crate::stackcompact::safepoint();
}

/// runtime.Gosched.
///
/// # Safety
/// `g` is the running goroutine.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_gosched(_g: *mut G) {
    gosched()
}

/// runtime.Goexit.
///
/// # Safety
/// `g` is the running goroutine.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_goexit(_g: *mut G) -> ! {
    goexit1()
}

/// runtime.GOMAXPROCS.
///
/// # Safety
/// `g` is the running goroutine.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_gomaxprocs(_g: *mut G, n: i64) -> i64 {
    gomaxprocs(n)
}

/// runtime.NumGoroutine.
#[unsafe(no_mangle)]
pub extern "C" fn rgo_numgoroutine(_g: *mut G) -> i64 {
    num_goroutine()
}

/// runtime.NumCPU.
#[unsafe(no_mangle)]
pub extern "C" fn rgo_numcpu(_g: *mut G) -> i64 {
    ncpu() as i64
}

/// runtime.LockOSThread.
///
/// # Safety
/// `g` is the running goroutine.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_lockosthread(_g: *mut G) {
    lock_os_thread()
}

/// runtime.UnlockOSThread.
///
/// # Safety
/// `g` is the running goroutine.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_unlockosthread(_g: *mut G) {
    unlock_os_thread()
}

/// Brackets a blocking system call made by generated code (the syscall package).
///
/// # Safety
/// `g` is the running goroutine; calls must pair.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_entersyscall(_g: *mut G) {
    entersyscall()
}

/// See [`rgo_entersyscall`].
///
/// # Safety
/// As there.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_exitsyscall(_g: *mut G) {
    exitsyscall()
}
