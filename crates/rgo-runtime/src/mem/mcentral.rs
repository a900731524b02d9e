//! Central free lists: one mcentral per span class, holding the spans not cached by any
//! mcache, split into *partial* (some free object) and *full*, each in a swept and an
//! unswept set.
//!
//! Concepts. Which of the two sets in each pair is "swept" flips every GC cycle: with heap
//! sweepgen `sg`, set `(sg/2) % 2` is swept and the other unswept. Advancing `sg` by 2 at
//! mark termination therefore turns every swept span into an unswept one without touching
//! the lists — gc's trick. An mcache that needs a span takes a swept partial span, else
//! sweeps unswept spans itself (lazy sweeping: the allocating goroutine pays), else asks
//! the heap for a fresh span.
//!
//! Locks: each mcentral's `lists` lock protects its four vectors. Span ownership passes
//! with the pop/push (see mspan.rs). The lock is never held while sweeping or while taking
//! the heap lock. gc uses lock-free span sets here; a short mutex per class is simpler and
//! is only taken on an mcache refill.

use core::sync::atomic::Ordering;

use super::mgcsweep::{sweep_span, ActiveSweep};
use super::mheap::{alloc_span, SWEEPGEN};
use super::mspan::MSpan;
use super::mstats::HEAP_LIVE;
use super::sizeclasses::{SpanClass, CLASS_NPAGES, NUM_SPAN_CLASSES};
use crate::lock::Locked;

pub struct SpanPtr(pub *mut MSpan);
// SAFETY: span pointers move between threads with ownership (see mspan.rs).
unsafe impl Send for SpanPtr {}

#[derive(Default)]
pub struct Lists {
    pub partial: [Vec<SpanPtr>; 2],
    pub full: [Vec<SpanPtr>; 2],
}

pub struct MCentral {
    pub lists: Locked<Lists>,
}

#[allow(clippy::declare_interior_mutable_const)]
const EMPTY: MCentral = MCentral {
    lists: Locked::new(Lists {
        partial: [Vec::new(), Vec::new()],
        full: [Vec::new(), Vec::new()],
    }),
};

pub static CENTRAL: [MCentral; NUM_SPAN_CLASSES] = [EMPTY; NUM_SPAN_CLASSES];

#[inline]
pub fn swept(sg: u32) -> usize {
    ((sg / 2) % 2) as usize
}
#[inline]
pub fn unswept(sg: u32) -> usize {
    1 - swept(sg)
}

/// How many unswept spans a refill sweeps before giving up and growing the heap.
const SWEEP_BUDGET: usize = 100;

/// Gives an mcache a span of class `spc` with at least one free object, marked as cached.
pub fn cache_span(spc: SpanClass) -> *mut MSpan {
    let c = &CENTRAL[spc.index()];
    let sg = SWEEPGEN.load(Ordering::Acquire);
    let mut got = c.lists.lock().partial[swept(sg)].pop().map(|p| p.0);
    if got.is_none() {
        let mut budget = SWEEP_BUDGET;
        while got.is_none() && budget > 0 {
            budget -= 1;
            let _active = ActiveSweep::enter();
            let s = {
                let mut l = c.lists.lock();
                match l.partial[unswept(sg)].pop() {
                    Some(s) => s.0,
                    None => match l.full[unswept(sg)].pop() {
                        Some(s) => s.0,
                        None => break,
                    },
                }
            };
            // SAFETY: popped from a list, so we own the span.
            let sp = unsafe { &*s };
            if sp
                .sweepgen
                .compare_exchange(
                    sg.wrapping_sub(2),
                    sg.wrapping_sub(1),
                    Ordering::AcqRel,
                    Ordering::Relaxed,
                )
                .is_err()
            {
                continue;
            }
            // SAFETY: we won the sweep CAS.
            if unsafe { sweep_span(s, true) } {
                got = Some(s);
            } else {
                c.lists.lock().full[swept(sg)].push(SpanPtr(s));
            }
        }
    }
    let s = match got {
        Some(s) => s,
        None => alloc_span(CLASS_NPAGES[spc.sizeclass()], spc),
    };
    // SAFETY: the span is ours (popped, swept or fresh).
    let sp = unsafe { &mut *s };
    sp.refill_alloc_cache();
    sp.sweepgen.store(sg.wrapping_add(3), Ordering::Release);
    HEAP_LIVE.fetch_add(
        ((sp.nelems - sp.alloc_count) * sp.elemsize) as u64,
        Ordering::Relaxed,
    );
    s
}

/// Takes back a span from an mcache. A span cached before the current sweep began is
/// swept now.
///
/// # Safety
/// `s` was cached by the calling mcache, which gives it up.
pub unsafe fn uncache_span(s: *mut MSpan) {
    // SAFETY: the caller owned the span.
    let sp = unsafe { &mut *s };
    let sg = SWEEPGEN.load(Ordering::Acquire);
    if sp.sweepgen.load(Ordering::Relaxed) == sg.wrapping_add(1) {
        let _active = ActiveSweep::enter();
        sp.sweepgen.store(sg.wrapping_sub(1), Ordering::Relaxed);
        // SAFETY: we own the span and marked it as being swept.
        unsafe { sweep_span(s, false) };
        return;
    }
    let unused = ((sp.nelems - sp.alloc_count) * sp.elemsize) as u64;
    sub_saturating(unused);
    sp.sweepgen.store(sg, Ordering::Release);
    let mut l = CENTRAL[sp.spanclass.index()].lists.lock();
    if sp.alloc_count < sp.nelems {
        l.partial[swept(sg)].push(SpanPtr(s));
    } else {
        l.full[swept(sg)].push(SpanPtr(s));
    }
}

fn sub_saturating(n: u64) {
    let _ = HEAP_LIVE.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |v| {
        Some(v.saturating_sub(n))
    });
}

/// Puts a swept span on its class's swept list.
///
/// # Safety
/// The caller owns `s`.
pub unsafe fn push_swept(s: *mut MSpan, full: bool) {
    // SAFETY: the caller owns the span (it just swept it).
    let spc = unsafe { (*s).spanclass };
    let sg = SWEEPGEN.load(Ordering::Acquire);
    let mut l = CENTRAL[spc.index()].lists.lock();
    if full {
        l.full[swept(sg)].push(SpanPtr(s));
    } else {
        l.partial[swept(sg)].push(SpanPtr(s));
    }
}
