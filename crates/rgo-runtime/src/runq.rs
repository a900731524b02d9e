//! Run queues: the per-P lock-free ring with its `runnext` slot, and the intrusive G lists
//! used for the global run queue and the free lists (Go's runqput/runqget/runqsteal and
//! gQueue/gList in proc.go).
//!
//! ## The per-P ring
//!
//! A P's local queue is a ring of [`RUNQ_SIZE`] slots indexed by two free-running `u32`
//! counters, `head` and `tail` (`tail - head` is the length; wrap-around is harmless).
//!
//! * Only the owner (the M holding the P) *produces*: it writes a slot at `tail` and then
//!   publishes it with a release store of `tail + 1`.
//! * Anyone *consumes*: the owner (`get`) and thieves (`grab`, from other Ms looking for
//!   work) read slots at `head` and claim them with a CAS on `head`. A consumer that loses
//!   the CAS retries; the slots it read are ignored, so reading a slot that is concurrently
//!   being overwritten is harmless (the slot values are atomics, so it is not a data race
//!   either).
//! * `runnext` holds one G that runs before everything in the ring (the goroutine just
//!   readied by the running one — a send waking a receiver, `go f()` — runs next and
//!   inherits the time slice, which keeps producer/consumer pairs on one P). The owner
//!   swaps it; thieves take it only with a CAS.
//!
//! Invariants: `0 <= tail - head <= RUNQ_SIZE`; each G is in at most one queue; a G in a
//! queue is Runnable.
//!
//! When the ring is full, the owner moves half of it plus the new G to the global queue in
//! one batch (`put` returns the batch; the caller holds `sched.lock` to add it), so the
//! cost of the global lock is amortised over 128 goroutines. Thieves take half of a
//! victim's queue (`steal`), writing straight into their own ring (which is empty when they
//! steal).
//!
//! Rejected: a mutex per P (every `go` statement and wake-up would take a lock); a
//! Chase-Lev deque (the owner pops LIFO, which breaks Go's FIFO fairness within a P).

use core::ptr;
use core::sync::atomic::{AtomicPtr, AtomicU32, Ordering};

use crate::g::G;

/// Slots in a P's ring (Go's 256).
pub const RUNQ_SIZE: usize = 256;

/// An intrusive FIFO of Gs linked through `G::schedlink`. Not synchronised: its owner's
/// lock protects it.
pub struct GQueue {
    pub head: *mut G,
    pub tail: *mut G,
    pub n: usize,
}

// SAFETY: a GQueue only holds pointers to Gs (never freed); whoever owns the queue
// provides the synchronisation.
unsafe impl Send for GQueue {}

impl Default for GQueue {
    fn default() -> Self {
        GQueue::new()
    }
}

impl GQueue {
    pub const fn new() -> GQueue {
        GQueue {
            head: ptr::null_mut(),
            tail: ptr::null_mut(),
            n: 0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.head.is_null()
    }

    /// Appends `gp`.
    ///
    /// # Safety
    /// `gp` must be a valid G in no other queue.
    pub unsafe fn push_back(&mut self, gp: *mut G) {
        // SAFETY: gp and the current tail are valid Gs owned by this queue.
        unsafe {
            (*gp).schedlink = ptr::null_mut();
            if self.tail.is_null() {
                self.head = gp;
            } else {
                (*self.tail).schedlink = gp;
            }
        }
        self.tail = gp;
        self.n += 1;
    }

    /// Prepends `gp`.
    ///
    /// # Safety
    /// As for [`GQueue::push_back`].
    pub unsafe fn push_front(&mut self, gp: *mut G) {
        // SAFETY: gp is valid and in no queue.
        unsafe { (*gp).schedlink = self.head };
        self.head = gp;
        if self.tail.is_null() {
            self.tail = gp;
        }
        self.n += 1;
    }

    /// Moves all of `q` to the end of this queue.
    pub fn append(&mut self, q: &mut GQueue) {
        if q.is_empty() {
            return;
        }
        if self.tail.is_null() {
            self.head = q.head;
        } else {
            // SAFETY: tail is a valid G of this queue.
            unsafe { (*self.tail).schedlink = q.head };
        }
        self.tail = q.tail;
        self.n += q.n;
        *q = GQueue::new();
    }

    /// Removes and returns the first G, or null.
    pub fn pop(&mut self) -> *mut G {
        let gp = self.head;
        if !gp.is_null() {
            // SAFETY: gp is a valid G of this queue.
            unsafe {
                self.head = (*gp).schedlink;
                (*gp).schedlink = ptr::null_mut();
            }
            if self.head.is_null() {
                self.tail = ptr::null_mut();
            }
            self.n -= 1;
        }
        gp
    }
}

/// A P's local run queue.
pub struct RunQueue {
    head: AtomicU32,
    tail: AtomicU32,
    buf: [AtomicPtr<G>; RUNQ_SIZE],
    runnext: AtomicPtr<G>,
}

impl Default for RunQueue {
    fn default() -> Self {
        RunQueue::new()
    }
}

impl RunQueue {
    pub const fn new() -> RunQueue {
        RunQueue {
            head: AtomicU32::new(0),
            tail: AtomicU32::new(0),
            buf: [const { AtomicPtr::new(ptr::null_mut()) }; RUNQ_SIZE],
            runnext: AtomicPtr::new(ptr::null_mut()),
        }
    }

    /// Number of Gs in the ring plus runnext (a snapshot).
    pub fn len(&self) -> usize {
        let h = self.head.load(Ordering::Acquire);
        let t = self.tail.load(Ordering::Acquire);
        let n = t.wrapping_sub(h) as usize;
        n.min(RUNQ_SIZE) + usize::from(!self.runnext.load(Ordering::Acquire).is_null())
    }

    /// Whether the queue is empty, read consistently: a G moving from runnext to the ring
    /// (or back) is never missed.
    pub fn is_empty(&self) -> bool {
        loop {
            let h = self.head.load(Ordering::Acquire);
            let t = self.tail.load(Ordering::Acquire);
            let next = self.runnext.load(Ordering::Acquire);
            if self.tail.load(Ordering::Acquire) == t {
                return h == t && next.is_null();
            }
        }
    }

    /// Owner only: adds `gp` (to runnext when `next`, kicking the previous runnext G into
    /// the ring). When the ring is full, returns half of it plus the G being added as a
    /// batch for the global queue.
    ///
    /// # Safety
    /// Only the P's owner may call this; `gp` must be a valid Runnable G in no queue.
    pub unsafe fn put(&self, mut gp: *mut G, next: bool) -> Option<GQueue> {
        if next {
            let old = self.runnext.swap(gp, Ordering::AcqRel);
            if old.is_null() {
                return None;
            }
            gp = old;
        }
        loop {
            let h = self.head.load(Ordering::Acquire);
            let t = self.tail.load(Ordering::Relaxed);
            if (t.wrapping_sub(h) as usize) < RUNQ_SIZE {
                self.buf[t as usize % RUNQ_SIZE].store(gp, Ordering::Relaxed);
                self.tail.store(t.wrapping_add(1), Ordering::Release);
                return None;
            }
            // SAFETY: forwarded contract.
            if let Some(batch) = unsafe { self.put_slow(gp, h, t) } {
                return Some(batch);
            }
            // Consumers made room meanwhile: retry the fast path.
        }
    }

    /// Takes the first half of a full ring plus `gp` as a batch.
    unsafe fn put_slow(&self, gp: *mut G, h: u32, t: u32) -> Option<GQueue> {
        let n = (t.wrapping_sub(h) as usize) / 2;
        if n != RUNQ_SIZE / 2 {
            crate::panic::throw("runqputslow: queue is not full");
        }
        let mut batch = [ptr::null_mut::<G>(); RUNQ_SIZE / 2];
        for (i, slot) in batch.iter_mut().enumerate() {
            *slot = self.buf[h.wrapping_add(i as u32) as usize % RUNQ_SIZE].load(Ordering::Relaxed);
        }
        if self
            .head
            .compare_exchange(
                h,
                h.wrapping_add(n as u32),
                Ordering::AcqRel,
                Ordering::Relaxed,
            )
            .is_err()
        {
            return None;
        }
        let mut q = GQueue::new();
        for &g in batch.iter() {
            // SAFETY: the CAS gave us these Gs; each is valid and now in no queue.
            unsafe { q.push_back(g) };
        }
        // SAFETY: gp is valid and in no queue.
        unsafe { q.push_back(gp) };
        Some(q)
    }

    /// Owner only: takes the next G to run. The flag says whether it came from runnext
    /// (and so inherits the current time slice).
    pub fn get(&self) -> Option<(*mut G, bool)> {
        let next = self.runnext.load(Ordering::Acquire);
        if !next.is_null()
            && self
                .runnext
                .compare_exchange(next, ptr::null_mut(), Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
        {
            return Some((next, true));
        }
        loop {
            let h = self.head.load(Ordering::Acquire);
            let t = self.tail.load(Ordering::Relaxed);
            if t == h {
                return None;
            }
            let gp = self.buf[h as usize % RUNQ_SIZE].load(Ordering::Relaxed);
            if self
                .head
                .compare_exchange(h, h.wrapping_add(1), Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
            {
                return Some((gp, false));
            }
        }
    }

    /// Owner only: empties the queue (runnext first) into `q` (used when a P is destroyed).
    pub fn drain_into(&self, q: &mut GQueue) {
        while let Some((gp, _)) = self.get() {
            // SAFETY: gp came off this queue and is in no other.
            unsafe { q.push_back(gp) };
        }
    }

    /// Thief side: claims half of this queue (at least one G), copying the Gs into
    /// `dst`'s ring starting at index `dst_tail`. Takes runnext when the ring is empty and
    /// `steal_runnext` is set (after a short pause when the victim's P is running). Returns
    /// how many Gs were claimed.
    fn grab(
        &self,
        dst: &RunQueue,
        dst_tail: u32,
        steal_runnext: bool,
        victim_running: bool,
    ) -> u32 {
        loop {
            let h = self.head.load(Ordering::Acquire);
            let t = self.tail.load(Ordering::Acquire);
            let n = t.wrapping_sub(h);
            let n = n - n / 2;
            if n == 0 {
                if steal_runnext {
                    let mut next = self.runnext.load(Ordering::Acquire);
                    if !next.is_null() && victim_running {
                        // The victim has most likely just readied `next` and is about to
                        // block and run it (a channel hand-off): give it that chance
                        // rather than bounce the pair between Ps (Go backs off alike).
                        // SAFETY: usleep has no preconditions.
                        unsafe { libc::usleep(3) };
                        next = self.runnext.load(Ordering::Acquire);
                    }
                    if !next.is_null()
                        && self
                            .runnext
                            .compare_exchange(
                                next,
                                ptr::null_mut(),
                                Ordering::AcqRel,
                                Ordering::Relaxed,
                            )
                            .is_ok()
                    {
                        dst.buf[dst_tail as usize % RUNQ_SIZE].store(next, Ordering::Relaxed);
                        return 1;
                    }
                }
                return 0;
            }
            if n as usize > RUNQ_SIZE / 2 {
                // Read an inconsistent head/tail pair: retry.
                continue;
            }
            for i in 0..n {
                let g = self.buf[h.wrapping_add(i) as usize % RUNQ_SIZE].load(Ordering::Relaxed);
                dst.buf[dst_tail.wrapping_add(i) as usize % RUNQ_SIZE].store(g, Ordering::Relaxed);
            }
            if self
                .head
                .compare_exchange(h, h.wrapping_add(n), Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
            {
                return n;
            }
        }
    }

    /// Owner of `self` steals half of `victim`'s Gs into its own ring and returns one of
    /// them to run, or None.
    pub fn steal(
        &self,
        victim: &RunQueue,
        steal_runnext: bool,
        victim_running: bool,
    ) -> Option<*mut G> {
        let t = self.tail.load(Ordering::Relaxed);
        let n = victim.grab(self, t, steal_runnext, victim_running);
        if n == 0 {
            return None;
        }
        let n = n - 1;
        let gp = self.buf[t.wrapping_add(n) as usize % RUNQ_SIZE].load(Ordering::Relaxed);
        if n == 0 {
            return Some(gp);
        }
        let h = self.head.load(Ordering::Acquire);
        if t.wrapping_sub(h).wrapping_add(n) as usize >= RUNQ_SIZE {
            crate::panic::throw("runqsteal: runq overflow");
        }
        self.tail.store(t.wrapping_add(n), Ordering::Release);
        Some(gp)
    }
}
