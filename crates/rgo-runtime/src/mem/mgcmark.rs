//! Marking: grey objects, work queues, scanning, roots, assists, and the checkmark pass.
//!
//! Tri-colour invariant. White = unmarked, grey = marked and queued, black = marked and
//! scanned (or noscan, or allocated during the cycle). Marking ends when no grey objects
//! remain; no black object then points to a white one, because (1) roots are scanned
//! with the world stopped at the start of the cycle, (2) new objects are black, and (3)
//! every pointer store into the heap or a global shades both the overwritten and the new
//! pointer while marking (the hybrid barrier, mbarrier.rs), so a pointer moved from the
//! heap onto a stack or into a black object is shaded on the way.
//!
//! Work queues (gc's gcWork). Each marker (background worker, assisting goroutine,
//! runtime.GC caller, mark termination) keeps a private stack of grey objects and trades
//! batches of [`BATCH`] with one global queue; barrier shading pushes single objects onto
//! the global queue's partial batch. `QUEUED` counts globally queued objects, so "no work
//! anywhere" is cheap to test. Locks: `QUEUE` protects the global batches.
//!
//! Scanning. Heap objects are scanned precisely: the heap bitmap (written at allocation
//! from the type's `gcdata`, or all ones for untyped objects) says which words may hold
//! pointers; each candidate is resolved with `find_object` (so stale or foreign values
//! are ignored). Stacks, spilled registers and unregistered runtime memory are scanned
//! conservatively: every aligned word that points into an allocated object marks it,
//! interior pointers included. Globals registered by the compiler are scanned with their
//! own bitmaps.
//!
//! Checkmark (GODEBUG=gccheckmark=1): after the concurrent mark, with the world stopped,
//! mark again from the roots into a second bitmap and fail with
//! `fatal error: checkmark found unmarked object` if anything reachable was left white.
//! Reachable through *precise* edges, that is: a global's pointer word or a heap object's
//! pointer field leading to a white object is a lost object (a missing barrier, a root
//! missed at mark start). A conservatively scanned word (stacks, runtime records) that
//! leads to a white object proves nothing: runtime frames written after the stacks were
//! scanned hold dead values (a span's base address, a freed object's address), so such
//! objects are not reported and not descended into.

use core::sync::atomic::{AtomicI64, AtomicU64, AtomicUsize, Ordering};

use super::mcache::MCache;
use super::mheap::{heap_bits_read, span_of};
use crate::lock::Locked;

pub const BATCH: usize = 256;

struct Queue {
    full: Vec<Vec<usize>>,
    partial: Vec<usize>,
}

static QUEUE: Locked<Queue> = Locked::new(Queue {
    full: Vec::new(),
    partial: Vec::new(),
});
pub static QUEUED: AtomicUsize = AtomicUsize::new(0);

/// Bytes of objects marked this cycle (gc's heapMarked, including allocate-black).
pub static BYTES_MARKED: AtomicU64 = AtomicU64::new(0);
/// Bytes scanned this cycle (heap objects, stacks, globals).
pub static SCAN_WORK: AtomicU64 = AtomicU64::new(0);
/// Scan work done by background workers not yet claimed by assists.
pub static BG_CREDIT: AtomicI64 = AtomicI64::new(0);
pub static STACK_SCAN: AtomicU64 = AtomicU64::new(0);
pub static GLOBALS_SCAN: AtomicU64 = AtomicU64::new(0);
pub static ASSIST_NS: AtomicU64 = AtomicU64::new(0);
/// Assists currently holding private work.
pub static NASSIST: AtomicUsize = AtomicUsize::new(0);

pub fn count_marked(n: usize) {
    BYTES_MARKED.fetch_add(n as u64, Ordering::Relaxed);
}

/// Publishes a batch and wakes idle workers.
fn queue_push_batch(b: Vec<usize>) {
    if b.is_empty() {
        return;
    }
    let n = b.len();
    QUEUE.lock().full.push(b);
    QUEUED.fetch_add(n, Ordering::Release);
    super::mgc::wake_workers();
}

/// Queues one grey object globally (write barrier path).
pub fn queue_push_one(obj: usize) {
    let mut q = QUEUE.lock();
    q.partial.push(obj);
    if q.partial.len() >= BATCH {
        let b = core::mem::take(&mut q.partial);
        q.full.push(b);
    }
    drop(q);
    QUEUED.fetch_add(1, Ordering::Release);
    super::mgc::wake_workers();
}

fn queue_pop_batch() -> Option<Vec<usize>> {
    if QUEUED.load(Ordering::Acquire) == 0 {
        return None;
    }
    let mut q = QUEUE.lock();
    let b = match q.full.pop() {
        Some(b) => b,
        None if !q.partial.is_empty() => core::mem::take(&mut q.partial),
        None => return None,
    };
    QUEUED.fetch_sub(b.len(), Ordering::AcqRel);
    Some(b)
}

/// A marker's private work.
pub struct GcWork {
    buf: Vec<usize>,
    /// Marking into the checkmark bitmap (verification pass), private, never published.
    checkmark: bool,
    /// Checkmark: the words being scanned are conservative roots (see the header).
    conservative: bool,
    pub marked: u64,
    pub scanned: u64,
    pub failures: usize,
}

impl GcWork {
    pub fn new() -> GcWork {
        GcWork {
            buf: Vec::with_capacity(2 * BATCH),
            checkmark: false,
            conservative: false,
            marked: 0,
            scanned: 0,
            failures: 0,
        }
    }

    fn put(&mut self, obj: usize) {
        self.buf.push(obj);
        if !self.checkmark && self.buf.len() >= 2 * BATCH {
            let half: Vec<usize> = self.buf.drain(..BATCH).collect();
            queue_push_batch(half);
        }
    }

    fn get(&mut self) -> Option<usize> {
        if let Some(o) = self.buf.pop() {
            return Some(o);
        }
        if self.checkmark {
            return None;
        }
        let b = queue_pop_batch()?;
        self.buf = b;
        self.buf.pop()
    }

    /// Publishes private work and statistics.
    pub fn flush(&mut self) {
        if !self.buf.is_empty() {
            let b = core::mem::replace(&mut self.buf, Vec::with_capacity(2 * BATCH));
            queue_push_batch(b);
        }
        BYTES_MARKED.fetch_add(self.marked, Ordering::Relaxed);
        SCAN_WORK.fetch_add(self.scanned, Ordering::Relaxed);
        self.marked = 0;
        self.scanned = 0;
    }

    /// Shades the object containing `addr`, if any.
    #[inline]
    pub fn grey(&mut self, addr: usize) {
        // One span lookup serves both the "is it an allocated heap object" test and the
        // mark (this is the marker's inner loop).
        let s = span_of(addr);
        if s.is_null() {
            return;
        }
        // SAFETY: span_of returned a live span.
        let sp = unsafe { &*s };
        let idx = sp.obj_index(addr);
        if sp.is_free(idx) {
            return;
        }
        let base = sp.start + idx * sp.elemsize;
        let size = sp.elemsize;
        if self.checkmark {
            if !sp.is_marked(idx) {
                if self.conservative {
                    return;
                }
                self.failures += 1;
                eprintln!(
                    "runtime: checkmarks found unexpected unmarked object obj={:#x} size={} (pointer {:#x})",
                    base, size, addr
                );
            }
            if sp.try_checkmark(idx) && !sp.noscan() {
                self.put(base);
            }
            return;
        }
        if sp.try_mark(idx) {
            self.marked += size as u64;
            if !sp.noscan() {
                self.put(base);
            }
        }
    }

    /// Scans a heap object precisely from the heap bitmap.
    pub fn scan_object(&mut self, base: usize) {
        let s = span_of(base);
        if s.is_null() {
            return;
        }
        // SAFETY: live span.
        let size = unsafe { (*s).elemsize };
        let mut off = 0;
        while off < size {
            let (bits, n) = heap_bits_read(base + off);
            let n = n.min((size - off) / 8);
            let mut b = if n >= 64 {
                bits
            } else {
                bits & ((1u64 << n) - 1)
            };
            while b != 0 {
                let i = b.trailing_zeros() as usize;
                b &= b - 1;
                let slot = (base + off + i * 8) as *const AtomicUsize;
                // SAFETY: slot lies inside a live heap object; racing mutator writes are
                // word-sized and the barrier covers them.
                let v = unsafe { (*slot).load(Ordering::Relaxed) };
                if v != 0 {
                    self.grey(v);
                }
            }
            off += n * 8;
        }
        self.scanned += size as u64;
    }

    /// Scans `[lo, hi)` conservatively.
    pub fn scan_conservative(&mut self, lo: usize, hi: usize) {
        let mut p = (lo + 7) & !7;
        while p + 8 <= hi {
            // SAFETY: the range is a live stack or root region given by its owner.
            let v = unsafe { (p as *const usize).read_volatile() };
            if v != 0 {
                self.grey(v);
            }
            p += 8;
        }
        self.scanned += (hi.saturating_sub(lo)) as u64;
    }

    /// Drains work until none is left, `budget` bytes were scanned, or `stop()` says so;
    /// returns the bytes scanned.
    pub fn drain(&mut self, budget: u64, stop: &dyn Fn() -> bool) -> u64 {
        let start = self.scanned;
        let mut n = 0u32;
        while let Some(obj) = self.get() {
            self.scan_object(obj);
            if self.scanned - start >= budget {
                break;
            }
            n += 1;
            if n.is_multiple_of(64) && stop() {
                break;
            }
        }
        self.scanned - start
    }
}

impl Default for GcWork {
    fn default() -> Self {
        GcWork::new()
    }
}

// ---- roots ----

/// A global variable area: `size` bytes at `base`, pointer words given by `bitmap` (one
/// bit per word, least significant first), or all words when `bitmap` is null.
#[derive(Clone, Copy)]
struct GlobalRoot {
    base: usize,
    size: usize,
    bitmap: *const u8,
}

struct Globals(Vec<GlobalRoot>);
// SAFETY: registered areas and bitmaps are static data of the program.
unsafe impl Send for Globals {}

static GLOBALS: Locked<Globals> = Locked::new(Globals(Vec::new()));
/// A runtime-internal root scanner: reports pointer words through the callback.
pub type RootScanner = fn(&mut dyn FnMut(usize));

static ROOT_SCANNERS: Locked<Vec<RootScanner>> = Locked::new(Vec::new());

/// Registers a global data area as a root (see `rgo_register_globals`).
pub fn register_globals(base: usize, size: usize, bitmap: *const u8) {
    GLOBALS.lock().0.push(GlobalRoot { base, size, bitmap });
}

/// Removes a registered global area (tests, unloaded JIT modules).
pub fn unregister_globals(base: usize) {
    GLOBALS.lock().0.retain(|r| r.base != base);
}

/// Registers a runtime-internal root scanner: called with the world stopped at the start
/// of every cycle (and by checkmark), it reports every pointer the runtime keeps outside
/// the GC heap and outside goroutine stacks (panic values in Rust-allocated records,
/// channel buffers allocated elsewhere, ...).
pub fn register_root_scanner(f: RootScanner) {
    ROOT_SCANNERS.lock().push(f);
}

/// Marks everything the roots reach directly. World stopped.
pub fn mark_roots(gcw: &mut GcWork) {
    super::world::with_registers_spilled(|| {
        let before = gcw.scanned;
        gcw.conservative = true;
        super::world::for_each_stack(&mut |lo, hi| gcw.scan_conservative(lo, hi));
        gcw.conservative = false;
        STACK_SCAN.fetch_add(gcw.scanned - before, Ordering::Relaxed);
    });
    let roots: Vec<GlobalRoot> = GLOBALS.lock().0.clone();
    let mut gbytes = 0u64;
    for r in roots {
        gbytes += r.size as u64;
        for w in 0..r.size / 8 {
            // SAFETY: the registrant promised `size` bytes and a bitmap of size/8 bits.
            let is_ptr =
                r.bitmap.is_null() || unsafe { (*r.bitmap.add(w / 8) >> (w % 8)) & 1 != 0 };
            if is_ptr {
                // SAFETY: inside the registered area.
                let v = unsafe { ((r.base + w * 8) as *const AtomicUsize).as_ref().unwrap() }
                    .load(Ordering::Relaxed);
                if v != 0 {
                    gcw.grey(v);
                }
            }
        }
    }
    gcw.scanned += gbytes;
    GLOBALS_SCAN.fetch_add(gbytes, Ordering::Relaxed);
    super::mfinal::mark_roots(gcw);
    let scanners: Vec<RootScanner> = ROOT_SCANNERS.lock().clone();
    gcw.conservative = true;
    for f in scanners {
        f(&mut |p| gcw.grey(p));
    }
    gcw.conservative = false;
}

// ---- assists ----

/// Charges an allocation of `size` bytes to the mcache's assist credit during marking and
/// pays a debt by taking background credit or scanning.
pub fn assist_alloc(c: &mut MCache, size: usize) {
    c.assist_credit -= size as i64;
    if c.assist_credit >= 0 {
        return;
    }
    let ratio = super::pacer::assist_ratio();
    if ratio <= 0.0 {
        c.assist_credit = 0;
        return;
    }
    // Pay in chunks of at least 64 KiB of scan work, as gc does, to amortise the cost.
    let mut debt = ((-c.assist_credit) as f64 * ratio) as i64;
    debt = debt.max(64 << 10);
    let bg = BG_CREDIT.load(Ordering::Relaxed);
    if bg > 0 {
        let steal = bg.min(debt);
        if BG_CREDIT
            .compare_exchange(bg, bg - steal, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
        {
            debt -= steal;
            c.assist_credit += (steal as f64 / ratio) as i64;
        }
    }
    if debt <= 0 {
        return;
    }
    let t0 = super::nanotime();
    let done = assist_drain(debt as u64);
    ASSIST_NS.fetch_add(super::nanotime() - t0, Ordering::Relaxed);
    c.assist_credit += (done as f64 / ratio) as i64;
    if c.assist_credit < 0 {
        // No work was left to take. Past the goal, wait for the workers to finish and end
        // the cycle here (gc parks the goroutine on its assist queue); below it, go on
        // with credit for the minimum assist's worth of allocation, so that an empty queue
        // does not send every allocation into a fruitless assist.
        c.assist_credit = ((64 << 10) as f64 / ratio) as i64;
        let goal = super::pacer::CYCLE_GOAL.load(Ordering::Relaxed);
        if super::mstats::HEAP_LIVE.load(Ordering::Relaxed) >= goal {
            super::mgc::help_and_terminate();
        }
    }
}

/// Marks for up to `budget` bytes of scan work on the calling thread; returns the work.
pub fn assist_drain(budget: u64) -> u64 {
    if super::mgc::PAUSE_WORKERS.load(Ordering::Relaxed) {
        return 0;
    }
    NASSIST.fetch_add(1, Ordering::AcqRel);
    let mut gcw = GcWork::new();
    let done = gcw.drain(budget, &|| !super::mgc::is_marking());
    gcw.flush();
    NASSIST.fetch_sub(1, Ordering::AcqRel);
    super::mgc::check_mark_done();
    done
}

/// Drains every grey object on the calling thread (mark termination).
pub fn drain_all() {
    let mut gcw = GcWork::new();
    loop {
        gcw.drain(u64::MAX, &|| false);
        gcw.flush();
        if QUEUED.load(Ordering::Acquire) == 0 {
            break;
        }
    }
}

/// The checkmark verification pass (world stopped, marking complete). Returns the number
/// of reachable objects found unmarked.
pub fn checkmark() -> usize {
    let mut gcw = GcWork::new();
    gcw.checkmark = true;
    mark_roots(&mut gcw);
    super::mcache::for_each_tiny(|t| gcw.grey(t));
    while let Some(o) = gcw.get() {
        gcw.scan_object(o);
    }
    gcw.failures
}
