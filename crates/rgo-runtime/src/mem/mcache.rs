//! Per-thread allocation caches (gc's mcache): one cached span per span class, the tiny
//! allocator's current block, the allocation counters and the GC assist credit.
//!
//! Concepts. Allocation takes the next free slot of the cached span with no lock and no
//! atomic read-modify-write: only the owner touches an mcache. When the span is full the
//! mcache returns it to its mcentral and takes another (`refill`).
//!
//! Ownership. Today an mcache belongs to an OS thread (created on first allocation,
//! flushed and retired when the thread exits). In gc it belongs to a P; when the
//! scheduler introduces Ps, it creates one mcache per P with [`new_mcache`] and moves it
//! with [`attach`]/[`detach`] as a P moves between Ms, exactly as `acquirep` does. The GC
//! flushes every mcache at mark termination while the world is stopped
//! ([`flush_all`]), which requires that no owner is allocating then.
//!
//! Locks: `ALL` (the registry) protects the list of mcaches; the flush at mark
//! termination and a retiring thread both hold it, so they never overlap. Counters are
//! atomics written by the owner with plain load+store and read by anyone.

use core::cell::Cell;
use core::ptr;
use core::sync::atomic::{AtomicU64, Ordering};

use super::mcentral::{cache_span, uncache_span};
use super::mspan::MSpan;
use super::mstats::{RETIRED_LARGE_BYTES, RETIRED_NMALLOC, RETIRED_TINY};
use super::sizeclasses::{SpanClass, NUM_SIZE_CLASSES, NUM_SPAN_CLASSES};
use crate::lock::Locked;

pub struct MCache {
    pub alloc: [*mut MSpan; NUM_SPAN_CLASSES],
    /// Current tiny block (0 if none) and the offset of its first free byte.
    pub tiny: usize,
    pub tiny_offset: usize,
    pub tiny_allocs: AtomicU64,
    /// Objects allocated per size class (0: large objects).
    pub nmalloc: [AtomicU64; NUM_SIZE_CLASSES],
    pub large_bytes: AtomicU64,
    /// GC assist credit in bytes (negative: debt). gc keeps it per goroutine.
    pub assist_credit: i64,
}

struct Registry(Vec<*mut MCache>);
// SAFETY: the pointers are only dereferenced under the rules in the header.
unsafe impl Send for Registry {}

static ALL: Locked<Registry> = Locked::new(Registry(Vec::new()));

#[inline]
fn bump(c: &AtomicU64, n: u64) {
    c.store(c.load(Ordering::Relaxed) + n, Ordering::Relaxed);
}

impl MCache {
    #[inline]
    pub fn count_malloc(&self, sizeclass: usize) {
        bump(&self.nmalloc[sizeclass], 1);
    }
    #[inline]
    pub fn count_large(&self, bytes: usize) {
        bump(&self.nmalloc[0], 1);
        bump(&self.large_bytes, bytes as u64);
    }
    #[inline]
    pub fn count_tiny(&self) {
        bump(&self.tiny_allocs, 1);
    }

    /// Replaces the cached span of `spc` by one with a free object.
    pub fn refill(&mut self, spc: SpanClass) -> *mut MSpan {
        let old = self.alloc[spc.index()];
        if !old.is_null() {
            // SAFETY: the span was cached by us.
            unsafe { uncache_span(old) };
        }
        let s = cache_span(spc);
        self.alloc[spc.index()] = s;
        s
    }

    /// Returns every cached span to its mcentral and drops the tiny block.
    pub fn release_all(&mut self) {
        for i in 0..NUM_SPAN_CLASSES {
            let s = self.alloc[i];
            if !s.is_null() {
                self.alloc[i] = ptr::null_mut();
                // SAFETY: cached by us.
                unsafe { uncache_span(s) };
            }
        }
        self.tiny = 0;
        self.tiny_offset = 0;
    }
}

/// Creates and registers an mcache (for a P, or for a thread).
pub fn new_mcache() -> *mut MCache {
    let c = Box::into_raw(Box::new(MCache {
        alloc: [ptr::null_mut(); NUM_SPAN_CLASSES],
        tiny: 0,
        tiny_offset: 0,
        tiny_allocs: AtomicU64::new(0),
        nmalloc: [const { AtomicU64::new(0) }; NUM_SIZE_CLASSES],
        large_bytes: AtomicU64::new(0),
        assist_credit: 0,
    }));
    ALL.lock().0.push(c);
    c
}

/// Flushes, unregisters and frees an mcache (a P being destroyed, a thread exiting).
///
/// # Safety
/// `c` came from [`new_mcache`], is attached nowhere and is not used afterwards.
pub unsafe fn free_mcache(c: *mut MCache) {
    let mut all = ALL.lock();
    // SAFETY: per the contract, c is ours alone.
    let cache = unsafe { &mut *c };
    cache.release_all();
    for (r, n) in RETIRED_NMALLOC.iter().zip(&cache.nmalloc) {
        r.fetch_add(n.load(Ordering::Relaxed), Ordering::Relaxed);
    }
    RETIRED_LARGE_BYTES.fetch_add(cache.large_bytes.load(Ordering::Relaxed), Ordering::Relaxed);
    RETIRED_TINY.fetch_add(cache.tiny_allocs.load(Ordering::Relaxed), Ordering::Relaxed);
    all.0.retain(|&p| p != c);
    drop(all);
    // SAFETY: allocated by new_mcache with Box.
    drop(unsafe { Box::from_raw(c) });
}

/// Calls `f` on every registered mcache (under the registry lock).
pub fn for_each_mcache(mut f: impl FnMut(&MCache)) {
    let all = ALL.lock();
    for &c in &all.0 {
        // SAFETY: registered mcaches stay valid while registered; we only read atomics.
        f(unsafe { &*c });
    }
}

pub fn count() -> usize {
    ALL.lock().0.len()
}

/// Flushes every mcache (mark termination, world stopped): spans go back to their
/// mcentrals (stale ones are swept), tiny blocks are dropped.
pub fn flush_all() {
    let all = ALL.lock();
    for &c in &all.0 {
        // SAFETY: the world is stopped, so no owner is using its mcache.
        unsafe { (*c).release_all() };
    }
}

/// Calls `f` with the tiny block of every mcache (they are roots at mark termination).
pub fn for_each_tiny(mut f: impl FnMut(usize)) {
    let all = ALL.lock();
    for &c in &all.0 {
        // SAFETY: the world is stopped.
        let t = unsafe { (*c).tiny };
        if t != 0 {
            f(t);
        }
    }
}

struct ThreadCache(Cell<*mut MCache>);
impl Drop for ThreadCache {
    fn drop(&mut self) {
        let c = self.0.replace(ptr::null_mut());
        if !c.is_null() {
            // SAFETY: the thread is exiting; its mcache is used by nobody else.
            unsafe { free_mcache(c) };
        }
    }
}

thread_local! {
    static CURRENT: ThreadCache = const { ThreadCache(Cell::new(ptr::null_mut())) };
}

/// The calling thread's mcache, created on first use.
///
/// Never inlined, like `g::getg`: a goroutine can yield inside the allocator (an assist
/// waiting for the cycle to end) and resume on another thread, and an inlined thread-local
/// access lets the compiler reuse the old thread's address after the call.
#[inline(never)]
pub fn current() -> *mut MCache {
    let c = CURRENT.try_with(|t| t.0.get()).unwrap_or(ptr::null_mut());
    if !c.is_null() {
        return c;
    }
    current_slow()
}

#[cold]
fn current_slow() -> *mut MCache {
    let c = new_mcache();
    if CURRENT.try_with(|t| t.0.set(c)).is_err() {
        // The thread is tearing down its locals; this allocation uses a throwaway cache
        // that stays registered (and is flushed by the GC like any other).
        return c;
    }
    c
}

/// Installs `c` as the calling thread's mcache (the scheduler's acquirep); returns the
/// previous one, which the caller now owns.
///
/// # Safety
/// `c` is null or an mcache that no other thread uses.
pub unsafe fn attach(c: *mut MCache) -> *mut MCache {
    CURRENT.with(|t| t.0.replace(c))
}

/// Detaches the calling thread's mcache (the scheduler's releasep) and returns it.
pub fn detach() -> *mut MCache {
    CURRENT.with(|t| t.0.replace(ptr::null_mut()))
}
