//! Spans: runs of pages holding objects of one span class (or one large object).
//!
//! Concepts. A span knows its page range, its class, object size and count, and two
//! bitmaps with one bit per object: `alloc_bits` — the objects that were allocated when
//! the span was last swept — and `mark_bits` — the objects the current GC cycle found
//! reachable. Allocation never writes `alloc_bits`: the owning mcache walks `freeindex`
//! upwards, skipping set bits, through `alloc_cache` (the complement of the 64 alloc bits
//! at `freeindex`, shifted so bit 0 is `freeindex`), so an object is free iff
//! `index ≥ freeindex && !alloc_bits[index]`. Sweeping makes the mark bits the new alloc
//! bits, clears the marks and resets `freeindex` to 0 — gc's design, which makes freeing
//! a whole span's garbage a bitmap copy.
//!
//! Ownership and locks (no lock of its own): a span is owned by at most one party at a
//! time — an mcache (allocating from it, lock-free), an mcentral list (under that
//! mcentral's lock), a sweeper that won the `sweepgen` compare-and-swap, or the heap
//! (under the heap lock). Mark bits are set with atomic OR by any marker; `freeindex` is
//! atomic because markers read it while the owner allocates (`is_free`).
//!
//! `sweepgen` (gc's protocol, `sg` = heap sweepgen, which grows by 2 per cycle):
//! `sg-2` needs sweeping, `sg-1` being swept, `sg` swept and ready, `sg+1` cached by an
//! mcache before sweeping began (must be swept when uncached), `sg+3` swept and cached.
//!
//! Rejected: bitmaps allocated from separate arenas as gc does (gcBits arenas): a span
//! holds at most 1024 objects (8-byte class, one page), so fixed 128-byte bitmaps inside
//! the span descriptor are simpler and the copy at sweep is 16 words.

use core::sync::atomic::{AtomicU32, AtomicU64, AtomicU8, AtomicUsize, Ordering};

use super::sizeclasses::{SpanClass, DIV_MAGIC, PAGE_SHIFT};

/// Most objects any span holds (8-byte objects in one 8 KiB page).
pub const MAX_OBJECTS: usize = 1024;
pub const BITMAP_WORDS: usize = MAX_OBJECTS / 64;

pub const STATE_DEAD: u8 = 0;
pub const STATE_IN_USE: u8 = 1;

pub struct MSpan {
    /// Link in the heap's free list of descriptors.
    pub next: *mut MSpan,
    pub start: usize,
    pub npages: usize,
    pub spanclass: SpanClass,
    pub elemsize: usize,
    pub nelems: usize,
    /// End of the last object (`start + nelems * elemsize`).
    pub limit: usize,
    pub divmul: u32,
    pub freeindex: AtomicUsize,
    pub alloc_cache: u64,
    /// Objects allocated (below freeindex or with alloc bit) — exact when not cached.
    pub alloc_count: usize,
    pub alloc_bits: [u64; BITMAP_WORDS],
    pub mark_bits: [AtomicU64; BITMAP_WORDS],
    /// Second mark bitmap of the `gccheckmark` verification pass.
    pub check_bits: [AtomicU64; BITMAP_WORDS],
    pub sweepgen: AtomicU32,
    pub state: AtomicU8,
    /// Objects may hold stale data: allocation must zero them.
    pub needzero: bool,
}

// SAFETY: spans are shared between threads under the ownership rules in the header.
unsafe impl Send for MSpan {}
unsafe impl Sync for MSpan {}

impl MSpan {
    pub fn new() -> MSpan {
        MSpan {
            next: core::ptr::null_mut(),
            start: 0,
            npages: 0,
            spanclass: SpanClass(0),
            elemsize: 0,
            nelems: 0,
            limit: 0,
            divmul: 0,
            freeindex: AtomicUsize::new(0),
            alloc_cache: 0,
            alloc_count: 0,
            alloc_bits: [0; BITMAP_WORDS],
            mark_bits: Default::default(),
            check_bits: Default::default(),
            sweepgen: AtomicU32::new(0),
            state: AtomicU8::new(STATE_DEAD),
            needzero: false,
        }
    }

    /// Sets the span up for `npages` at `start` holding objects of `spanclass` (class 0:
    /// one object of the whole span).
    pub fn init(&mut self, start: usize, npages: usize, spanclass: SpanClass, needzero: bool) {
        let sc = spanclass.sizeclass();
        self.start = start;
        self.npages = npages;
        self.spanclass = spanclass;
        if sc == 0 {
            self.elemsize = npages << PAGE_SHIFT;
            self.nelems = 1;
            self.divmul = 0;
        } else {
            self.elemsize = super::sizeclasses::CLASS_SIZE[sc];
            self.nelems = (npages << PAGE_SHIFT) / self.elemsize;
            self.divmul = DIV_MAGIC[sc];
        }
        self.limit = start + self.nelems * self.elemsize;
        self.freeindex.store(0, Ordering::Relaxed);
        self.alloc_count = 0;
        self.alloc_bits = [0; BITMAP_WORDS];
        for w in &self.mark_bits {
            w.store(0, Ordering::Relaxed);
        }
        for w in &self.check_bits {
            w.store(0, Ordering::Relaxed);
        }
        self.alloc_cache = !0;
        self.needzero = needzero;
    }

    pub fn noscan(&self) -> bool {
        self.spanclass.noscan()
    }

    /// Index of the object containing `addr` (which must lie in `[start, limit)`).
    #[inline]
    pub fn obj_index(&self, addr: usize) -> usize {
        let off = addr - self.start;
        if self.spanclass.sizeclass() == 0 {
            0
        } else {
            ((off as u64 * self.divmul as u64) >> 32) as usize
        }
    }

    /// gc's isFree: not handed out since the last sweep and not live at it.
    #[inline]
    pub fn is_free(&self, idx: usize) -> bool {
        if idx < self.freeindex.load(Ordering::Acquire) {
            return false;
        }
        self.alloc_bits[idx / 64] & (1 << (idx % 64)) == 0
    }

    #[inline]
    pub fn is_marked(&self, idx: usize) -> bool {
        self.mark_bits[idx / 64].load(Ordering::Relaxed) & (1 << (idx % 64)) != 0
    }

    /// Sets the mark bit; true if it was clear (the object just turned grey/black).
    #[inline]
    pub fn try_mark(&self, idx: usize) -> bool {
        let bit = 1u64 << (idx % 64);
        let w = &self.mark_bits[idx / 64];
        if w.load(Ordering::Relaxed) & bit != 0 {
            return false;
        }
        w.fetch_or(bit, Ordering::AcqRel) & bit == 0
    }

    #[inline]
    pub fn try_checkmark(&self, idx: usize) -> bool {
        let bit = 1u64 << (idx % 64);
        self.check_bits[idx / 64].fetch_or(bit, Ordering::AcqRel) & bit == 0
    }

    /// Loads `alloc_cache` for the 64-object group holding `freeindex`.
    pub fn refill_alloc_cache(&mut self) {
        let fi = self.freeindex.load(Ordering::Relaxed);
        let w = fi / 64;
        self.alloc_cache = if w < BITMAP_WORDS {
            !self.alloc_bits[w] >> (fi % 64)
        } else {
            0
        };
    }

    /// Fast path: the next free object within the current 64-object group, or None.
    #[inline]
    pub fn next_free_fast(&mut self) -> Option<usize> {
        let tz = self.alloc_cache.trailing_zeros() as usize;
        if tz < 64 {
            let fi = self.freeindex.load(Ordering::Relaxed);
            let r = fi + tz;
            if r < self.nelems {
                let nf = r + 1;
                if nf.is_multiple_of(64) && nf != self.nelems {
                    return None;
                }
                self.alloc_cache = self.alloc_cache.checked_shr(tz as u32 + 1).unwrap_or(0);
                self.freeindex.store(nf, Ordering::Release);
                self.alloc_count += 1;
                return Some(r);
            }
        }
        None
    }

    /// Slow path: the next free object at or after `freeindex`, refilling `alloc_cache`
    /// across groups; `None` when the span is full.
    pub fn next_free_index(&mut self) -> Option<usize> {
        let mut fi = self.freeindex.load(Ordering::Relaxed);
        let n = self.nelems;
        if fi >= n {
            return None;
        }
        let mut tz = self.alloc_cache.trailing_zeros() as usize;
        while tz == 64 {
            fi = (fi + 64) & !63;
            if fi >= n {
                self.freeindex.store(n, Ordering::Release);
                return None;
            }
            self.alloc_cache = !self.alloc_bits[fi / 64];
            tz = self.alloc_cache.trailing_zeros() as usize;
        }
        let r = fi + tz;
        if r >= n {
            self.freeindex.store(n, Ordering::Release);
            return None;
        }
        self.alloc_cache = if tz + 1 >= 64 {
            0
        } else {
            self.alloc_cache >> (tz + 1)
        };
        let nf = r + 1;
        if nf.is_multiple_of(64) && nf != n {
            self.alloc_cache = !self.alloc_bits[nf / 64];
        }
        self.freeindex.store(nf, Ordering::Release);
        self.alloc_count += 1;
        Some(r)
    }

    /// Number of marked objects.
    pub fn count_marked(&self) -> usize {
        let words = self.nelems.div_ceil(64);
        self.mark_bits[..words]
            .iter()
            .map(|w| w.load(Ordering::Relaxed).count_ones() as usize)
            .sum()
    }

    /// Whether object `idx` was allocated before this sweep.
    pub fn was_allocated(&self, idx: usize) -> bool {
        idx < self.freeindex.load(Ordering::Relaxed)
            || self.alloc_bits[idx / 64] & (1 << (idx % 64)) != 0
    }
}

impl Default for MSpan {
    fn default() -> Self {
        MSpan::new()
    }
}
