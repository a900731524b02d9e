//! Sweeping: turning the mark bits of the last cycle into the allocation state of the next.
//!
//! Concepts. After mark termination advances the heap's sweepgen, every span is unswept.
//! Three parties sweep, racing through the span's `sweepgen` compare-and-swap
//! (`sg-2 → sg-1`), so each span is swept exactly once per cycle: the allocating mcache
//! (lazily, in `cache_span`, for the class it needs), the background sweeper thread
//! (`sweepone` in a loop, yielding between spans), and whoever needs sweeping finished
//! (the next GC start, `runtime.GC`). A span cached by an mcache when the cycle ended is
//! swept when it is uncached (at the mark-termination flush).
//!
//! Sweeping a small span copies mark bits to alloc bits (unmarked objects become free),
//! clears the marks and resets `freeindex`; an empty span goes back to the heap. A large
//! span is either kept or freed whole. With `GODEBUG=clobberfree=1`, freed objects are
//! overwritten with `0xdeadbeef` first, so a use after free reads garbage loudly.
//!
//! `ACTIVE_SWEEPERS` counts sweeps in progress (including a span popped but not yet
//! placed), so "sweeping is finished" means no unswept spans *and* no active sweeper.
//!
//! The background sweeper is an OS thread that stop-the-world does not stop: it can read
//! sweepgen, stall, and pop from a list after mark termination advanced sweepgen, when
//! that list holds spans already swept for the new cycle. Its sweepgen CAS then fails,
//! and it puts the span back where it was (a span dropped from the lists would never be
//! swept again: its stale mark bits would make its objects look black, so they would not
//! be scanned, and what they point to would be freed).

use core::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

use super::mcentral::{push_swept, unswept, SpanPtr, CENTRAL};
use super::mheap::{free_span, SWEEPGEN};
use super::mspan::{MSpan, BITMAP_WORDS};
use super::mstats::{FREES, LARGE_FREED_BYTES};
use super::sizeclasses::{NUM_SPAN_CLASSES, PAGE_SHIFT};

pub static ACTIVE_SWEEPERS: AtomicUsize = AtomicUsize::new(0);
/// Pages freed by sweeping, in total (for tests and the reclaim loop).
pub static PAGES_RECLAIMED: AtomicU64 = AtomicU64::new(0);
static NEXT_CLASS: AtomicUsize = AtomicUsize::new(0);
/// Set once the background sweeper found nothing left (a hint; cleared each cycle).
pub static SWEEP_DONE: AtomicBool = AtomicBool::new(true);

pub fn is_sweep_done_hint() -> bool {
    SWEEP_DONE.load(Ordering::Relaxed)
}

/// RAII count of an active sweep.
pub struct ActiveSweep;
impl ActiveSweep {
    pub fn enter() -> ActiveSweep {
        ACTIVE_SWEEPERS.fetch_add(1, Ordering::AcqRel);
        ActiveSweep
    }
}
impl Drop for ActiveSweep {
    fn drop(&mut self) {
        ACTIVE_SWEEPERS.fetch_sub(1, Ordering::AcqRel);
    }
}

fn clobber(addr: usize, len: usize) {
    let p = addr as *mut u32;
    for i in 0..len / 4 {
        // SAFETY: the object is free garbage owned by the sweeper.
        unsafe { p.add(i).write_volatile(0xdeadbeef) };
    }
}

/// Sweeps span `s`. With `preserve`, the span stays with the caller, who learns whether
/// it has a free object; otherwise it goes to its mcentral's swept lists or, if empty,
/// back to the heap (and the result is false).
///
/// # Safety
/// The caller owns `s` and has set its sweepgen to `sg-1`.
pub unsafe fn sweep_span(s: *mut MSpan, preserve: bool) -> bool {
    // SAFETY: ownership per the contract.
    let sp = unsafe { &mut *s };
    let sg = SWEEPGEN.load(Ordering::Acquire);
    let clobberfree = super::debug().clobberfree;
    if sp.spanclass.sizeclass() == 0 {
        let live = sp.is_marked(0);
        sp.mark_bits[0].store(0, Ordering::Relaxed);
        sp.check_bits[0].store(0, Ordering::Relaxed);
        if live {
            sp.sweepgen.store(sg, Ordering::Release);
            if !preserve {
                // SAFETY: we own the swept span.
                unsafe { push_swept(s, true) };
            }
            return false;
        }
        FREES[0].fetch_add(1, Ordering::Relaxed);
        LARGE_FREED_BYTES.fetch_add(sp.elemsize as u64, Ordering::Relaxed);
        if clobberfree {
            clobber(sp.start, sp.elemsize);
        }
        PAGES_RECLAIMED.fetch_add(sp.npages as u64, Ordering::Relaxed);
        sp.sweepgen.store(sg, Ordering::Release);
        // SAFETY: the object is dead and the span ours.
        unsafe { free_span(s) };
        return false;
    }
    let nalloc = sp.count_marked();
    let nfreed = sp.alloc_count.saturating_sub(nalloc);
    if clobberfree && nfreed > 0 {
        for i in 0..sp.nelems {
            if sp.was_allocated(i) && !sp.is_marked(i) {
                clobber(sp.start + i * sp.elemsize, sp.elemsize);
            }
        }
    }
    for w in 0..BITMAP_WORDS {
        sp.alloc_bits[w] = sp.mark_bits[w].swap(0, Ordering::Relaxed);
        sp.check_bits[w].store(0, Ordering::Relaxed);
    }
    sp.freeindex.store(0, Ordering::Release);
    sp.alloc_count = nalloc;
    sp.refill_alloc_cache();
    if nfreed > 0 {
        sp.needzero = true;
        FREES[sp.spanclass.sizeclass()].fetch_add(nfreed as u64, Ordering::Relaxed);
    }
    sp.sweepgen.store(sg, Ordering::Release);
    if preserve {
        return nalloc < sp.nelems;
    }
    if nalloc == 0 {
        PAGES_RECLAIMED.fetch_add(sp.npages as u64, Ordering::Relaxed);
        // SAFETY: no live objects remain.
        unsafe { free_span(s) };
        return false;
    }
    // SAFETY: we own the swept span.
    unsafe { push_swept(s, nalloc == sp.nelems) };
    false
}

/// Sweeps one unswept span; returns the pages it covered, or None when nothing is left.
pub fn sweepone() -> Option<usize> {
    let sg = SWEEPGEN.load(Ordering::Acquire);
    let start = NEXT_CLASS.load(Ordering::Relaxed);
    for k in 0..NUM_SPAN_CLASSES {
        let spc = (start + k) % NUM_SPAN_CLASSES;
        let active = ActiveSweep::enter();
        let s = {
            let mut l = CENTRAL[spc].lists.lock();
            match l.partial[unswept(sg)].pop() {
                Some(s) => Some((s.0, false)),
                None => l.full[unswept(sg)].pop().map(|s| (s.0, true)),
            }
        };
        let Some((s, from_full)) = s else {
            drop(active);
            continue;
        };
        NEXT_CLASS.store(spc, Ordering::Relaxed);
        // SAFETY: popped from a list, so ours.
        let sp = unsafe { &*s };
        let npages = sp.npages;
        if sp
            .sweepgen
            .compare_exchange(
                sg.wrapping_sub(2),
                sg.wrapping_sub(1),
                Ordering::AcqRel,
                Ordering::Relaxed,
            )
            .is_ok()
        {
            // SAFETY: we won the CAS.
            unsafe { sweep_span(s, false) };
        } else {
            // `sg` is stale: a cycle ended since we read it (only the background sweeper,
            // which stop-the-world does not stop, can straddle that), so the list we
            // popped from now holds spans swept for the new cycle. Put the span back
            // where it was: dropped, it would never be swept again, and its stale mark
            // bits would make its objects look black, unscanned, in later cycles (their
            // referents would be freed).
            let mut l = CENTRAL[spc].lists.lock();
            let list = if from_full {
                &mut l.full[unswept(sg)]
            } else {
                &mut l.partial[unswept(sg)]
            };
            list.push(SpanPtr(s));
            drop(l);
            drop(active);
            return Some(0);
        }
        drop(active);
        return Some(npages);
    }
    None
}

/// Whether every span of this cycle has been swept.
pub fn is_sweep_done() -> bool {
    let sg = SWEEPGEN.load(Ordering::Acquire);
    if ACTIVE_SWEEPERS.load(Ordering::Acquire) != 0 {
        return false;
    }
    CENTRAL.iter().all(|c| {
        let l = c.lists.lock();
        l.partial[unswept(sg)].is_empty() && l.full[unswept(sg)].is_empty()
    })
}

/// Sweeps everything that is left and waits for concurrent sweepers (gc's finishsweep_m).
pub fn finish_sweep() {
    loop {
        while sweepone().is_some() {}
        while ACTIVE_SWEEPERS.load(Ordering::Acquire) != 0 {
            std::thread::yield_now();
        }
        // A background sweeper with a stale sweepgen may have put an unswept span back
        // while we waited (see `sweepone`).
        if is_sweep_done() {
            break;
        }
    }
}

/// Sweeps until `npages` pages were reclaimed or nothing is left to sweep (gc's
/// reclaim, run before the heap grows for a large object).
pub fn reclaim(npages: usize) {
    let goal = PAGES_RECLAIMED.load(Ordering::Relaxed) + npages as u64;
    let mut budget = 64;
    while PAGES_RECLAIMED.load(Ordering::Relaxed) < goal && budget > 0 {
        budget -= 1;
        if sweepone().is_none() {
            break;
        }
    }
}

/// Bytes covered by `npages` pages.
pub const fn pages_bytes(npages: usize) -> usize {
    npages << PAGE_SHIFT
}
