//! Compaction of parked goroutines' stacks: rgo's counterpart of Go's stack shrinking.
//!
//! Go starts goroutines on 2 KiB stacks. rgo's stacks are fixed virtual reservations that
//! the kernel commits a page at a time (stack.rs), so every goroutine that has run holds at
//! least one 4 KiB page, although one blocked in a channel operation uses a few hundred
//! bytes of it: a million parked goroutines would hold 4 GB where gc needs 2.6 GB.
//!
//! A goroutine that stays parked in a channel operation, a select or a sleep for a whole
//! compaction interval has the live part of its stack (from its saved SP to the top) copied
//! into a malloc'ed buffer, and the stack's pages are given back to the kernel. The stack
//! keeps its virtual addresses, so the bytes are later copied back to exactly where they
//! were and every pointer into the stack (saved frame pointers, pointers between frames, a
//! sudog's `elem`) is valid again: nothing is relocated, which rgo could not do since it has
//! no stack maps.
//!
//! Who touches a parked goroutine's stack, and how each copes with a compacted one:
//! * the scheduler, about to run it: [`ensure_resident`] in `proc::execute`;
//! * a channel operation completing it through `sudog.elem` (send to a waiting receiver,
//!   receive from a waiting sender, close clearing a receiver's slot): restores first
//!   (chan.rs);
//! * the collector's root scan: scans the buffer instead (`proc::for_each_stack`);
//! * the deadlock report's tracebacks: restores.
//!
//! Other waits (finalizer, GC) are never compacted: their wakers are not audited.
//!
//! When. A pass runs with the world stopped, so no waker is half-way through completing a
//! candidate, and restores (always done by a thread holding a P) cannot overlap it. A pass
//! is wanted once [`COMPACT_EVERY`] stacks had pages committed since the last one (fresh
//! stacks, restores, reused released stacks): roughly every 16 MiB of stack. It runs at the
//! next [`safepoint`] (a `go` statement, channel operation, goroutine exit or preemption
//! poll) of a goroutine that holds no runtime lock; a restore that crosses the threshold
//! also asks the goroutine it restores to poll.
//!
//! Pages are given back by mapping fresh memory over the stacks (stack::release_range),
//! not with `madvise`: a stack touched only at its top still costs a page-table page (its
//! neighbours are 64 MiB away), and only unmapping frees those.
//!
//! Candidates: `park_m` records each parking goroutine in its P's list (once, while it is
//! in the list) with the pass epoch. A pass compacts those parked since before the previous
//! pass and keeps the younger ones, so a goroutine parking for microseconds (ping-pong) is
//! never copied. The same pass gives back the pages of dead goroutines' stacks on the
//! global free list (Go frees those stacks in the GC). Ranges are sorted and merged, so
//! stacks carved consecutively from one region go back in one `madvise`.

use core::ptr;
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};

use crate::g::{GStatus, WaitReason, G};
use crate::proc::P;
use crate::stack::StackKind;

/// Stacks committed between passes (4 KiB each at least).
pub const COMPACT_EVERY: usize = 4096;

static GROWTH: AtomicUsize = AtomicUsize::new(0);
static WANTED: AtomicBool = AtomicBool::new(false);
static EPOCH: AtomicU32 = AtomicU32::new(0);
/// Statistics: goroutines compacted and restored, passes run.
pub static COMPACTED: AtomicUsize = AtomicUsize::new(0);
pub static RESTORED: AtomicUsize = AtomicUsize::new(0);
pub static PASSES: AtomicUsize = AtomicUsize::new(0);

/// Waits whose wakers all restore before touching the stack (see the header).
fn compactable(r: WaitReason) -> bool {
    matches!(
        r,
        WaitReason::ChanReceive
            | WaitReason::ChanSend
            | WaitReason::Select
            | WaitReason::SelectNoCases
            | WaitReason::ChanReceiveNilChan
            | WaitReason::ChanSendNilChan
            | WaitReason::Sleep
    )
}

fn pooled(g: &G) -> bool {
    matches!(g.stack_mem, Some(m) if m.kind == StackKind::Pooled)
}

/// Counts `n` stacks whose pages were (re)committed.
pub fn note_growth(n: usize) {
    if GROWTH.fetch_add(n, Ordering::Relaxed) + n >= COMPACT_EVERY {
        WANTED.store(true, Ordering::Relaxed);
    }
}

/// A pass is due.
#[inline]
pub fn wanted() -> bool {
    WANTED.load(Ordering::Relaxed)
}

/// `park_m`, before the goroutine can be woken: records it as a candidate.
///
/// # Safety
/// `pp` is the P held by the caller; `gp` is Waiting and not yet visible to wakers.
pub unsafe fn note_parked(pp: *mut P, gp: *mut G) {
    // SAFETY: by contract nobody else touches gp's fields now; the list is pp's owner's.
    unsafe {
        let g = &mut *gp;
        g.park_epoch = EPOCH.load(Ordering::Relaxed);
        if g.compact_candidate || !compactable(g.waitreason) || !pooled(g) {
            return;
        }
        g.compact_candidate = true;
        (*(*pp).compact_candidates.get()).push(gp);
    }
}

/// Copies a compacted stack back; a no-op for a resident one.
///
/// # Safety
/// `gp` is a valid G that is not running; the caller holds a P (so no pass runs).
#[inline]
pub unsafe fn ensure_resident(gp: *mut G) {
    // SAFETY: by contract.
    if unsafe { !(*gp).saved_stack.load(Ordering::Acquire).is_null() } {
        unsafe { restore(gp) }
    }
}

#[cold]
unsafe fn restore(gp: *mut G) {
    // SAFETY: by contract gp is not running and its stack is reserved for it; the buffer
    // holds `saved_len` bytes that belong at the top of the stack.
    unsafe {
        let buf = (*gp).saved_stack.swap(ptr::null_mut(), Ordering::AcqRel);
        if buf.is_null() {
            return;
        }
        let len = (*gp).saved_len;
        ptr::copy_nonoverlapping(buf, ((*gp).stack.hi - len) as *mut u8, len);
        libc::free(buf as *mut libc::c_void);
    }
    RESTORED.fetch_add(1, Ordering::Relaxed);
    note_growth(1);
}

/// The buffer holding a compacted stack's bytes, if it is compacted (world stopped).
pub fn saved_range(g: &G) -> Option<(usize, usize)> {
    let p = g.saved_stack.load(Ordering::Acquire) as usize;
    (p != 0).then(|| (p, p + g.saved_len))
}

/// Stack memory in use (MemStats.StackInuse), world stopped: each live goroutine's
/// committed pages from its saved SP to the top (at least one), or the bytes of its
/// compacted copy.
pub fn stack_inuse() -> u64 {
    let page = crate::stack::PAGE_SIZE;
    let mut n = 0usize;
    crate::g::for_each_g(|g| {
        if g.goid == 0 {
            return;
        }
        let sp = match crate::g::GStatus::from_u32(g.status()) {
            None | Some(GStatus::Dead) | Some(GStatus::Idle) => return,
            Some(GStatus::Syscall) => g.syscallsp,
            Some(_) => g.sched.sp,
        };
        n += match saved_range(g) {
            Some((lo, hi)) => hi - lo,
            None if g.stack.contains(sp) => (g.stack.hi - sp).next_multiple_of(page),
            None => page,
        };
    });
    n as u64
}

/// A safe point for a pass: runtime entry points called by Go code (`go`, channel
/// operations, goroutine exit, preemption polls) call this; it runs a pass if one is due.
#[inline]
pub fn safepoint() {
    if wanted() {
        maybe_compact();
    }
}

/// Runs a pass if one is wanted and the caller is a goroutine holding a P and no runtime
/// lock (the pass stops the world).
#[cold]
pub fn maybe_compact() {
    if !crate::proc::may_stop_world() || !WANTED.swap(false, Ordering::AcqRel) {
        return;
    }
    GROWTH.store(0, Ordering::Relaxed);
    crate::proc::stop_the_world("stack compaction");
    crate::context::systemstack(pass);
    crate::proc::start_the_world();
}

/// One pass, world stopped.
fn pass() {
    let epoch = EPOCH.fetch_add(1, Ordering::Relaxed) + 1;
    PASSES.fetch_add(1, Ordering::Relaxed);
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    let mut n = 0;
    crate::proc::for_each_p(|p| {
        // SAFETY: the world is stopped; nobody else uses the list or the Gs in it.
        let list = unsafe { &mut *p.compact_candidates.get() };
        list.retain(|&gp| {
            // SAFETY: a G from allgs (never freed); world stopped.
            let g = unsafe { &mut *gp };
            let parked = g.status() == GStatus::Waiting as u32
                && compactable(g.waitreason)
                && pooled(g)
                && g.saved_stack.load(Ordering::Relaxed).is_null();
            if parked && g.park_epoch + 1 >= epoch {
                return true;
            }
            g.compact_candidate = false;
            if parked && compact_one(g) {
                ranges.push((g.stack.lo, g.stack.hi));
                n += 1;
            }
            false
        });
    });
    COMPACTED.fetch_add(n, Ordering::Relaxed);
    crate::proc::release_dead_stacks(&mut |lo, hi| ranges.push((lo, hi)));
    release(ranges);
}

/// Copies a parked goroutine's live stack out. False if it cannot (no memory, odd SP).
fn compact_one(g: &mut G) -> bool {
    let (sp, hi) = (g.sched.sp, g.stack.hi);
    if sp < g.stack.lo || sp >= hi {
        return false;
    }
    let len = hi - sp;
    // SAFETY: plain allocation.
    let buf = unsafe { libc::malloc(len) } as *mut u8;
    if buf.is_null() {
        return false;
    }
    // SAFETY: [sp, hi) is the parked goroutine's live stack; buf has len bytes.
    unsafe { ptr::copy_nonoverlapping(sp as *const u8, buf, len) };
    g.saved_len = len;
    g.saved_stack.store(buf, Ordering::Release);
    true
}

/// Gives the pages of whole stacks back, merging adjacent ones into one call.
fn release(mut ranges: Vec<(usize, usize)>) {
    ranges.sort_unstable();
    let mut i = 0;
    while i < ranges.len() {
        let (lo, mut hi) = ranges[i];
        i += 1;
        while i < ranges.len() && ranges[i].0 == hi {
            hi = ranges[i].1;
            i += 1;
        }
        crate::stack::release_range(lo, hi);
    }
}
