//! The collector's cycle: phases, background mark workers, start and termination.
//!
//! A cycle, as in gc:
//! 1. **Sweep termination** — finish sweeping the previous cycle's spans, stop the world.
//! 2. **Mark start (STW)** — turn on the write barrier and allocate-black, scan the roots
//!    (stacks and registers conservatively, globals precisely, runtime roots) into the
//!    grey queue, shade the mcaches' tiny blocks (allocation carves new objects from
//!    them), restart the world. (gc scans stacks concurrently, one goroutine at a
//!    time; with conservatively scanned stacks and no stack barriers, scanning them all
//!    while stopped is the simple correct choice — the pause is proportional to live stack
//!    bytes. Moving it out of the pause is future work.)
//! 3. **Concurrent mark** — background workers (25% of GOMAXPROCS, at least one, each an
//!    OS thread parked when idle) drain the grey queue while mutators run; allocating
//!    goroutines assist in proportion to their allocation (pacer.rs).
//! 4. **Mark termination (STW)** — stop the workers, shade the mcaches' tiny blocks, drain
//!    what the barrier produced last, optionally verify (checkmark), queue the
//!    finalizers of unreachable objects and keep those objects (mfinal.rs), turn the barrier
//!    off, set the next goal, advance sweepgen (every span becomes unswept) and flush the
//!    mcaches, restart the world.
//! 5. **Sweep** — lazily by allocation, and by the background sweeper thread.
//!
//! Who runs the STW phases. Mark start runs on the goroutine whose allocation crossed
//! the trigger (or that called runtime.GC). Mark termination runs on a mutator too: the
//! workers only *detect* that no grey objects remain (`MARK_DONE`), and the next
//! allocation, or the runtime.GC caller, terminates. With the default world hooks (one
//! goroutine, no-op stop) this keeps all STW work on the one mutator thread; gc lets the
//! last worker terminate because its workers are goroutines that can stop the world.
//!
//! Locks: `CYCLE` serialises cycle transitions (start, termination); `WORKERS` guards
//! the workers' parked/active transitions against termination's stop request.

use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};

use super::mgcmark::{self, GcWork, QUEUED};
use super::mheap::SWEEPGEN;
use super::mstats::*;
use super::{mcache, mgcsweep, pacer, world};
use crate::lock::Mutex;

pub const PHASE_OFF: u32 = 0;
pub const PHASE_MARK: u32 = 1;
pub const PHASE_MARKTERM: u32 = 2;

pub static GCPHASE: AtomicU32 = AtomicU32::new(PHASE_OFF);
/// The write-barrier flag generated code tests before pointer stores (non-zero: call
/// `rgo_gcwb`). Generated code reads it as the data symbol `rgo_writebarrier`
/// (`rgo_abi::mem::WBFLAG`); `rgo_wbflag_addr` returns its address too.
#[unsafe(export_name = "rgo_writebarrier")]
pub static WRITE_BARRIER: AtomicU32 = AtomicU32::new(0);
/// Whether allocation may start cycles (gc's gcenable).
static ENABLED: AtomicBool = AtomicBool::new(false);
static CYCLE: Mutex = Mutex::new();
pub static MARK_DONE: AtomicBool = AtomicBool::new(false);
static DONE_SEQ: AtomicU32 = AtomicU32::new(0);

static WORKERS: Mutex = Mutex::new();
static NWORKERS: AtomicUsize = AtomicUsize::new(0);
static NWAIT: AtomicUsize = AtomicUsize::new(0);
static STOP_WORKERS: AtomicBool = AtomicBool::new(false);
static WAKE_SEQ: AtomicU32 = AtomicU32::new(0);
static WORKER_NS: AtomicU64 = AtomicU64::new(0);
/// Test knob: background workers and assists do not mark while set.
pub static PAUSE_WORKERS: AtomicBool = AtomicBool::new(false);

static SWEEP_SEQ: AtomicU32 = AtomicU32::new(0);
static SWEEPER_STARTED: AtomicBool = AtomicBool::new(false);

/// Timeline of the cycle in progress, for gctrace.
struct Cycle {
    t_sweep_term: u64,
    t_mark: u64,
    t_mark_term: u64,
    heap0: u64,
    forced: bool,
    stw_ns: u64,
}
static mut CUR: Cycle = Cycle {
    t_sweep_term: 0,
    t_mark: 0,
    t_mark_term: 0,
    heap0: 0,
    forced: false,
    stw_ns: 0,
};

fn cur() -> &'static mut Cycle {
    // SAFETY: only accessed while holding CYCLE.
    unsafe { &mut *core::ptr::addr_of_mut!(CUR) }
}

#[inline]
pub fn is_marking() -> bool {
    GCPHASE.load(Ordering::Relaxed) != PHASE_OFF
}

/// Lets allocation start GC cycles (gc's gcenable, called once the runtime is up).
pub fn gcenable() {
    if !ENABLED.load(Ordering::Relaxed) {
        ENABLED.store(true, Ordering::Relaxed);
    }
}

/// Called by allocation entry points with a non-null `g` (generated code is running):
/// enables automatic collection once the scheduler has installed its world hooks.
#[inline]
pub fn gcenable_from_entry() {
    if !ENABLED.load(Ordering::Relaxed) && world::hooks_installed() {
        gcenable();
    }
}

pub fn gc_enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// Allocation slow-path hook: start a cycle at the trigger, finish one whose marking is
/// done.
pub fn maybe_trigger() {
    if is_marking() {
        if MARK_DONE.load(Ordering::Acquire) {
            mark_termination();
        }
        return;
    }
    if ENABLED.load(Ordering::Relaxed) && HEAP_LIVE.load(Ordering::Relaxed) >= pacer::trigger() {
        gc_start(false);
    }
}

fn futex_wait_timeout(word: &AtomicU32, val: u32, ns: i64) {
    let ts = libc::timespec {
        tv_sec: ns / 1_000_000_000,
        tv_nsec: ns % 1_000_000_000,
    };
    // SAFETY: FUTEX_WAIT_PRIVATE reads the word; the timeout is a local.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAIT | libc::FUTEX_PRIVATE_FLAG,
            val,
            &ts as *const libc::timespec,
        );
    }
}

fn bump_and_wake(word: &AtomicU32) {
    word.fetch_add(1, Ordering::Release);
    crate::lock::futex_wake(word, u32::MAX);
}

/// Wakes parked mark workers (new grey objects or a phase change).
pub fn wake_workers() {
    if NWAIT.load(Ordering::Relaxed) > 0 {
        bump_and_wake(&WAKE_SEQ);
    }
}

/// Sets MARK_DONE when no marker holds or can find work.
pub fn check_mark_done() {
    if GCPHASE.load(Ordering::Acquire) != PHASE_MARK {
        return;
    }
    WORKERS.lock();
    let done = NWAIT.load(Ordering::Acquire) == NWORKERS.load(Ordering::Acquire)
        && QUEUED.load(Ordering::Acquire) == 0
        && mgcmark::NASSIST.load(Ordering::Acquire) == 0;
    WORKERS.unlock();
    if done && !MARK_DONE.swap(true, Ordering::AcqRel) {
        bump_and_wake(&DONE_SEQ);
    }
}

fn ensure_workers() {
    let want = ((world::gomaxprocs() as f64) * 0.25 + 0.5).floor().max(1.0) as usize;
    while NWORKERS.load(Ordering::Relaxed) < want {
        WORKERS.lock();
        NWORKERS.fetch_add(1, Ordering::AcqRel);
        NWAIT.fetch_add(1, Ordering::AcqRel);
        WORKERS.unlock();
        let r = std::thread::Builder::new()
            .name("gc-mark-worker".into())
            .spawn(worker_main);
        if r.is_err() {
            crate::panic::throw("runtime: cannot create GC worker thread");
        }
    }
}

fn worker_main() {
    let mut gcw = GcWork::new();
    loop {
        // Parked (counted in NWAIT) until there is work in a marking phase.
        loop {
            let seq = WAKE_SEQ.load(Ordering::Acquire);
            WORKERS.lock();
            let go = GCPHASE.load(Ordering::Acquire) == PHASE_MARK
                && !STOP_WORKERS.load(Ordering::Acquire)
                && !PAUSE_WORKERS.load(Ordering::Acquire)
                && QUEUED.load(Ordering::Acquire) > 0;
            if go {
                NWAIT.fetch_sub(1, Ordering::AcqRel);
            }
            WORKERS.unlock();
            if go {
                break;
            }
            futex_wait_timeout(&WAKE_SEQ, seq, 20_000_000);
        }
        let t0 = super::nanotime();
        let done = gcw.drain(u64::MAX, &|| {
            STOP_WORKERS.load(Ordering::Relaxed) || PAUSE_WORKERS.load(Ordering::Relaxed)
        });
        gcw.flush();
        mgcmark::BG_CREDIT.fetch_add(done as i64, Ordering::Relaxed);
        WORKER_NS.fetch_add(super::nanotime() - t0, Ordering::Relaxed);
        WORKERS.lock();
        NWAIT.fetch_add(1, Ordering::AcqRel);
        WORKERS.unlock();
        check_mark_done();
    }
}

/// Starts a cycle (if none is running). `forced`: runtime.GC, regardless of the trigger.
pub fn gc_start(forced: bool) {
    if forced {
        lock_cycle();
    } else if !CYCLE.try_lock() {
        return;
    }
    if GCPHASE.load(Ordering::Acquire) != PHASE_OFF
        || (!forced && HEAP_LIVE.load(Ordering::Relaxed) < pacer::trigger())
    {
        CYCLE.unlock();
        return;
    }
    let c = cur();
    c.forced = forced;
    // Sweeping what is left runs before the pause (gc does it inside; here it is not
    // stop-the-world work), so the sweep-termination time is the pause itself.
    mgcsweep::finish_sweep();
    c.t_sweep_term = super::nanotime();
    world::stop();
    let t_stw = super::nanotime();
    c.heap0 = HEAP_LIVE.load(Ordering::Relaxed);
    mgcmark::BYTES_MARKED.store(0, Ordering::Relaxed);
    mgcmark::SCAN_WORK.store(0, Ordering::Relaxed);
    mgcmark::BG_CREDIT.store(0, Ordering::Relaxed);
    mgcmark::STACK_SCAN.store(0, Ordering::Relaxed);
    mgcmark::GLOBALS_SCAN.store(0, Ordering::Relaxed);
    mgcmark::ASSIST_NS.store(0, Ordering::Relaxed);
    WORKER_NS.store(0, Ordering::Relaxed);
    MARK_DONE.store(false, Ordering::Release);
    STOP_WORKERS.store(false, Ordering::Release);
    pacer::start_cycle(c.heap0);
    WRITE_BARRIER.store(1, Ordering::SeqCst);
    GCPHASE.store(PHASE_MARK, Ordering::SeqCst);
    let mut gcw = GcWork::new();
    mgcmark::mark_roots(&mut gcw);
    // The mcaches' current tiny blocks: objects carved from them during the cycle are new
    // and must be black like other allocations (gc's gcMarkTinyAllocs at mark start);
    // shading only at termination misses a block an mcache replaced meanwhile.
    mcache::for_each_tiny(|t| gcw.grey(t));
    gcw.flush();
    c.t_mark = super::nanotime();
    c.stw_ns = c.t_mark - t_stw;
    world::start();
    ensure_workers();
    wake_workers();
    CYCLE.unlock();
    // Nothing grey at all (tiny heap): let termination happen at the next opportunity.
    check_mark_done();
}

/// Ends the mark phase (see the module header). A no-op if no cycle is marking.
pub fn mark_termination() {
    lock_cycle();
    if GCPHASE.load(Ordering::Acquire) != PHASE_MARK {
        CYCLE.unlock();
        return;
    }
    let c = cur();
    c.t_mark_term = super::nanotime();
    world::stop();
    GCPHASE.store(PHASE_MARKTERM, Ordering::SeqCst);
    WORKERS.lock();
    STOP_WORKERS.store(true, Ordering::Release);
    WORKERS.unlock();
    bump_and_wake(&WAKE_SEQ);
    while NWAIT.load(Ordering::Acquire) != NWORKERS.load(Ordering::Acquire) {
        std::thread::yield_now();
    }
    {
        let mut gcw = GcWork::new();
        mcache::for_each_tiny(|t| gcw.grey(t));
        gcw.flush();
    }
    mgcmark::drain_all();
    let stacks = mgcmark::STACK_SCAN.load(Ordering::Relaxed);
    let globals = mgcmark::GLOBALS_SCAN.load(Ordering::Relaxed);
    if super::debug().gccheckmark {
        let bad = mgcmark::checkmark();
        if bad > 0 {
            crate::panic::throw("checkmark found unmarked object");
        }
    }
    // After the check: queueing finalizers marks the objects it queues, which would hide
    // a reachable object the marking lost (it would be finalized instead of reported).
    let fin_queued = super::mfinal::mark_termination();
    WRITE_BARRIER.store(0, Ordering::SeqCst);
    GCPHASE.store(PHASE_OFF, Ordering::SeqCst);
    let heap1 = HEAP_LIVE.load(Ordering::Relaxed);
    let marked = mgcmark::BYTES_MARKED.load(Ordering::Relaxed);
    let scan = mgcmark::SCAN_WORK.load(Ordering::Relaxed);
    let goal = pacer::CYCLE_GOAL.load(Ordering::Relaxed);
    pacer::end_cycle(marked, scan);
    HEAP_LIVE.store(marked, Ordering::Relaxed);
    SWEEPGEN.fetch_add(2, Ordering::AcqRel);
    mgcsweep::SWEEP_DONE.store(false, Ordering::Release);
    mcache::flush_all();
    let t_end = super::nanotime();
    let n = NUMGC.fetch_add(1, Ordering::Relaxed) + 1;
    let pause = c.stw_ns + (t_end - c.t_mark_term);
    PAUSE_TOTAL_NS.fetch_add(pause, Ordering::Relaxed);
    let unix_now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    PAUSE_NS[((n + 255) % 256) as usize].store(pause, Ordering::Relaxed);
    PAUSE_END[((n + 255) % 256) as usize].store(unix_now, Ordering::Relaxed);
    LAST_GC_UNIX_NS.store(unix_now, Ordering::Relaxed);
    if c.forced {
        NUM_FORCED_GC.fetch_add(1, Ordering::Relaxed);
    }
    let procs = world::gomaxprocs() as u64;
    let sweep_term_cpu = (c.t_mark - c.t_sweep_term) * procs;
    let mark_term_cpu = (t_end - c.t_mark_term) * procs;
    let assist = mgcmark::ASSIST_NS.load(Ordering::Relaxed);
    let bg = WORKER_NS.load(Ordering::Relaxed);
    GC_CPU_NS.fetch_add(
        sweep_term_cpu + mark_term_cpu + assist + bg,
        Ordering::Relaxed,
    );
    world::start();
    if fin_queued {
        super::mfinal::wake_fing();
    }
    if super::debug().gctrace > 0 {
        let line = format_trace(&TraceLine {
            num: n,
            start_ns: c.t_sweep_term,
            util_pct: (gc_cpu_fraction() * 100.0) as u64,
            clock: [
                c.t_mark - c.t_sweep_term,
                c.t_mark_term - c.t_mark,
                t_end - c.t_mark_term,
            ],
            cpu: [sweep_term_cpu, assist, bg, 0, mark_term_cpu],
            heap0: c.heap0,
            heap1,
            heap2: marked,
            goal,
            stacks,
            globals,
            procs: procs as usize,
            forced: c.forced,
        });
        crate::print::print_bytes(line.as_bytes());
    }
    CYCLE.unlock();
    start_sweeper();
    bump_and_wake(&SWEEP_SEQ);
    super::scavenge::wake();
}

/// runtime.GC: runs a full cycle and finishes sweeping before returning.
pub fn gc_forced() {
    super::init();
    if is_marking() {
        help_and_terminate();
    }
    gc_start(true);
    help_and_terminate();
    mgcsweep::finish_sweep();
}

/// Marks on the calling thread until no work is left, then terminates the cycle.
pub fn help_and_terminate() {
    while GCPHASE.load(Ordering::Acquire) == PHASE_MARK {
        let seq = DONE_SEQ.load(Ordering::Acquire);
        if !PAUSE_WORKERS.load(Ordering::Relaxed) {
            mgcmark::assist_drain(u64::MAX);
        }
        check_mark_done();
        if MARK_DONE.load(Ordering::Acquire) {
            break;
        }
        // A short sleep, then a pass through the scheduler: a stop-the-world requested
        // meanwhile waits at most this long for our P.
        futex_wait_timeout(&DONE_SEQ, seq, 50_000);
        world::yield_now();
    }
    mark_termination();
}

/// Takes the cycle lock; waiting for it must not hold up its holder's stop-the-world.
fn lock_cycle() {
    while !CYCLE.try_lock() {
        world::yield_now();
    }
}

fn start_sweeper() {
    if SWEEPER_STARTED.swap(true, Ordering::AcqRel) {
        return;
    }
    let _ = std::thread::Builder::new()
        .name("gc-sweeper".into())
        .spawn(|| loop {
            let seq = SWEEP_SEQ.load(Ordering::Acquire);
            let mut n = 0;
            while mgcsweep::sweepone().is_some() {
                n += 1;
                if n % 16 == 0 {
                    std::thread::yield_now();
                }
            }
            if mgcsweep::is_sweep_done() {
                mgcsweep::SWEEP_DONE.store(true, Ordering::Release);
            }
            futex_wait_timeout(&SWEEP_SEQ, seq, 100_000_000);
        });
}
