//! The scavenger: returns idle heap pages to the OS.
//!
//! Free pages that were used keep their physical memory until returned with
//! `madvise(MADV_DONTNEED)` (the mapping stays; the next touch faults in a zero page, so
//! a scavenged page also needs no zeroing). After each GC cycle a background thread
//! releases free pages until the heap's retained memory (HeapSys − HeapReleased) is at
//! most the next heap goal plus 10% — gc's retention target — largest free runs first.
//! `debug.FreeOSMemory` (`rgo_freeosmemory`) runs a GC and releases everything free.
//!
//! Rejected: gc's scavenger paces itself to 1% of one CPU and works chunk by chunk
//! between cycles; releasing right after each cycle, once, is simpler and bounded by the
//! amount of free memory.

use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use super::mheap::{heap_stats, scavenge};

static SEQ: AtomicU32 = AtomicU32::new(0);
static STARTED: AtomicBool = AtomicBool::new(false);

/// Bytes to release now so that retained memory drops to the target.
pub fn excess() -> usize {
    let (sys, _inuse, released, _, _) = heap_stats();
    let goal = super::pacer::heap_goal_now();
    if goal == u64::MAX {
        return 0;
    }
    let target = (goal + goal / 10) as usize;
    let retained = sys - released;
    retained.saturating_sub(target)
}

/// Wakes the background scavenger (after a GC cycle).
pub fn wake() {
    if !STARTED.swap(true, Ordering::AcqRel) {
        let _ = std::thread::Builder::new()
            .name("gc-scavenger".into())
            .spawn(|| loop {
                let seq = SEQ.load(Ordering::Acquire);
                let n = excess();
                if n > 0 {
                    scavenge(n);
                }
                crate::lock::futex_wait(&SEQ, seq);
            });
    }
    SEQ.fetch_add(1, Ordering::Release);
    crate::lock::futex_wake(&SEQ, 1);
}

/// Releases every free page (debug.FreeOSMemory, after a GC).
pub fn release_all() -> usize {
    scavenge(usize::MAX)
}
