//! The page heap: arenas, the page allocator, span descriptors, the arena index and the
//! heap pointer bitmap.
//!
//! Concepts. Heap memory comes from the OS in *arenas* of 64 MiB (aligned to their size,
//! reserved `MAP_NORESERVE` so the kernel commits pages on first touch). The heap hands
//! out runs of 8 KiB pages as *spans*. Per arena there is metadata ([`HeapArena`]): the
//! span descriptor of every page (so any interior address finds its span in O(1): arena
//! index → arena → page → span, which is what conservative scanning needs), one bit per
//! heap word saying "this word may hold a pointer" (the heap bitmap, written at allocation
//! from the type's `gcdata`, all ones for untyped allocations, never written for noscan
//! spans), and one bit per page saying the page is *dirty* (touched since it was mapped
//! or last returned to the OS; a clean page reads as zeros, so spans of clean pages need
//! no zeroing and free clean pages count as released).
//!
//! The arena index is a flat table with one slot per possible arena of the 48-bit address
//! space (2^22 slots, 32 MiB of address space committed only where touched): one load to
//! go from an address to its arena. gc uses a two-level map for 64-bit systems with huge
//! address spaces; one level suffices on linux/amd64.
//!
//! Page allocator. Free runs of pages are kept twice under the heap lock: by address
//! (`BTreeMap<base, npages>`, to coalesce neighbours when freeing) and by (size, address)
//! (`BTreeSet`, for a best-fit, lowest-address-among-equals search in O(log n)). gc uses a
//! radix tree of bitmaps summarised per chunk, which scales to many Ps without a global
//! lock; the B-tree is much simpler and its lock is taken only when an mcache refills from
//! an empty mcentral or for large objects. The heap grows in steps of at least 4 MiB
//! carved from the current arena.
//!
//! Locks: `HEAP` (the Locked<MHeap>) protects the free runs, the descriptor free list, the
//! growth region and the page statistics. Span map entries are written under it and read
//! without it (atomic pointers; a reader double-checks the span's state and bounds).

use core::ptr;
use core::sync::atomic::{AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::collections::{BTreeMap, BTreeSet};

use super::mspan::{MSpan, STATE_DEAD, STATE_IN_USE};
use super::sizeclasses::{SpanClass, PAGE_SHIFT, PAGE_SIZE};
use crate::lock::Locked;

pub const ARENA_SHIFT: usize = 26;
pub const ARENA_SIZE: usize = 1 << ARENA_SHIFT;
pub const PAGES_PER_ARENA: usize = ARENA_SIZE / PAGE_SIZE;
const ARENA_INDEX_LEN: usize = 1 << (48 - ARENA_SHIFT);
const BITMAP_WORDS: usize = ARENA_SIZE / 8 / 64;
/// Smallest heap growth step, in pages (4 MiB).
const GROW_PAGES: usize = 512;

/// Metadata of one arena.
pub struct HeapArena {
    pub spans: [AtomicPtr<MSpan>; PAGES_PER_ARENA],
    pub bitmap: [AtomicU64; BITMAP_WORDS],
    /// One bit per page: touched since mapped or scavenged.
    pub dirty: [u64; PAGES_PER_ARENA / 64],
}

/// The heap's sweep generation (see mspan.rs); advanced by 2 at each mark termination.
pub static SWEEPGEN: AtomicU32 = AtomicU32::new(0);

static ARENA_INDEX: AtomicPtr<AtomicPtr<HeapArena>> = AtomicPtr::new(ptr::null_mut());

pub struct MHeap {
    free_by_addr: BTreeMap<usize, usize>,
    free_by_size: BTreeSet<(usize, usize)>,
    cur_next: usize,
    cur_end: usize,
    span_free: *mut MSpan,
    /// Pages in in-use spans.
    pub pages_inuse: usize,
    /// Bytes of arena memory the heap has grown into (HeapSys).
    pub sys_bytes: usize,
    /// Free pages that are clean (never touched or scavenged): HeapReleased.
    pub released_pages: usize,
    /// Bytes of arena metadata mapped (part of GCSys).
    pub meta_bytes: usize,
    /// Span descriptors ever created.
    pub nspans: usize,
}

// SAFETY: the raw pointers are only used under the HEAP lock.
unsafe impl Send for MHeap {}

pub static HEAP: Locked<MHeap> = Locked::new(MHeap {
    free_by_addr: BTreeMap::new(),
    free_by_size: BTreeSet::new(),
    cur_next: 0,
    cur_end: 0,
    span_free: ptr::null_mut(),
    pages_inuse: 0,
    sys_bytes: 0,
    released_pages: 0,
    meta_bytes: 0,
    nspans: 0,
});

/// Bytes of in-use spans, mirrored outside the lock for the pacer.
pub static HEAP_INUSE: AtomicUsize = AtomicUsize::new(0);

/// Maps `len` bytes of zeroed, lazily committed memory.
pub fn sys_map(len: usize) -> usize {
    // SAFETY: an anonymous private mapping at a kernel-chosen address.
    let p = unsafe {
        libc::mmap(
            ptr::null_mut(),
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        )
    };
    if p == libc::MAP_FAILED {
        crate::panic::throw("runtime: out of memory");
    }
    p as usize
}

/// Maps `len` bytes aligned to `align` (a power of two), trimming the excess.
fn sys_map_aligned(len: usize, align: usize) -> usize {
    let raw = sys_map(len + align);
    let base = raw.next_multiple_of(align);
    // SAFETY: unmapping the unaligned head and the tail of our own fresh mapping.
    unsafe {
        if base > raw {
            libc::munmap(raw as *mut libc::c_void, base - raw);
        }
        let end = base + len;
        let raw_end = raw + len + align;
        if raw_end > end {
            libc::munmap(end as *mut libc::c_void, raw_end - end);
        }
    }
    base
}

fn arena_index() -> *mut AtomicPtr<HeapArena> {
    let t = ARENA_INDEX.load(Ordering::Acquire);
    if !t.is_null() {
        return t;
    }
    let m = sys_map(ARENA_INDEX_LEN * 8) as *mut AtomicPtr<HeapArena>;
    match ARENA_INDEX.compare_exchange(ptr::null_mut(), m, Ordering::AcqRel, Ordering::Acquire) {
        Ok(_) => m,
        Err(other) => {
            // SAFETY: our mapping lost the race and was never shared.
            unsafe { libc::munmap(m as *mut libc::c_void, ARENA_INDEX_LEN * 8) };
            other
        }
    }
}

/// The arena metadata for `addr`, or null if `addr` is not in the heap.
#[inline]
pub fn arena_of(addr: usize) -> *mut HeapArena {
    let i = addr >> ARENA_SHIFT;
    if i >= ARENA_INDEX_LEN {
        return ptr::null_mut();
    }
    let t = ARENA_INDEX.load(Ordering::Acquire);
    if t.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: i is within the table, which is mapped for its whole length.
    unsafe { (*t.add(i)).load(Ordering::Acquire) }
}

/// The in-use span containing `addr`, or null.
#[inline]
pub fn span_of(addr: usize) -> *mut MSpan {
    let a = arena_of(addr);
    if a.is_null() {
        return ptr::null_mut();
    }
    let page = (addr >> PAGE_SHIFT) & (PAGES_PER_ARENA - 1);
    // SAFETY: arena metadata is never freed.
    let s = unsafe { (*a).spans[page].load(Ordering::Acquire) };
    if s.is_null() {
        return s;
    }
    // SAFETY: span descriptors are never freed (only recycled); we re-check its state.
    let sp = unsafe { &*s };
    if sp.state.load(Ordering::Acquire) != STATE_IN_USE || addr < sp.start || addr >= sp.limit {
        return ptr::null_mut();
    }
    s
}

/// The allocated object containing `addr`: `(base, size, span)`. Interior pointers count;
/// addresses of free slots, span tails and non-heap memory give `None`. O(1).
#[inline]
pub fn find_object(addr: usize) -> Option<(usize, usize, *mut MSpan)> {
    let s = span_of(addr);
    if s.is_null() {
        return None;
    }
    // SAFETY: span_of returned a live descriptor.
    let sp = unsafe { &*s };
    let idx = sp.obj_index(addr);
    if sp.is_free(idx) {
        return None;
    }
    Some((sp.start + idx * sp.elemsize, sp.elemsize, s))
}

impl MHeap {
    fn insert_free(&mut self, base: usize, npages: usize) {
        self.free_by_addr.insert(base, npages);
        self.free_by_size.insert((npages, base));
    }

    fn remove_free(&mut self, base: usize, npages: usize) {
        self.free_by_addr.remove(&base);
        self.free_by_size.remove(&(npages, base));
    }

    /// Returns pages to the free structure, coalescing with neighbours.
    fn free_pages(&mut self, mut base: usize, mut npages: usize) {
        if let Some((&pb, &pn)) = self.free_by_addr.range(..base).next_back() {
            if pb + (pn << PAGE_SHIFT) == base {
                self.remove_free(pb, pn);
                base = pb;
                npages += pn;
            }
        }
        let end = base + (npages << PAGE_SHIFT);
        if let Some(&nn) = self.free_by_addr.get(&end) {
            self.remove_free(end, nn);
            npages += nn;
        }
        self.insert_free(base, npages);
    }

    fn take_pages(&mut self, npages: usize) -> Option<usize> {
        let &(n, base) = self.free_by_size.range((npages, 0)..).next()?;
        self.remove_free(base, n);
        if n > npages {
            self.insert_free(base + (npages << PAGE_SHIFT), n - npages);
        }
        Some(base)
    }

    /// Adds at least `npages` pages to the free structure.
    fn grow(&mut self, npages: usize) {
        let want = npages.max(GROW_PAGES);
        let avail = (self.cur_end - self.cur_next) >> PAGE_SHIFT;
        if avail < npages {
            if avail > 0 {
                let (b, n) = (self.cur_next, avail);
                self.add_grown(b, n);
            }
            let len = (npages << PAGE_SHIFT).next_multiple_of(ARENA_SIZE);
            let base = sys_map_aligned(len, ARENA_SIZE);
            let idx = arena_index();
            let mut a = base;
            while a < base + len {
                let meta = sys_map(core::mem::size_of::<HeapArena>()) as *mut HeapArena;
                self.meta_bytes += core::mem::size_of::<HeapArena>();
                // SAFETY: the index covers every 48-bit address; a is a fresh arena base.
                unsafe { (*idx.add(a >> ARENA_SHIFT)).store(meta, Ordering::Release) };
                a += ARENA_SIZE;
            }
            self.cur_next = base;
            self.cur_end = base + len;
        }
        let avail = (self.cur_end - self.cur_next) >> PAGE_SHIFT;
        let n = want.min(avail);
        let b = self.cur_next;
        self.cur_next += n << PAGE_SHIFT;
        self.add_grown(b, n);
    }

    fn add_grown(&mut self, base: usize, npages: usize) {
        self.sys_bytes += npages << PAGE_SHIFT;
        self.released_pages += npages;
        self.free_pages(base, npages);
    }

    fn new_span_desc(&mut self) -> *mut MSpan {
        let s = self.span_free;
        if !s.is_null() {
            // SAFETY: descriptors on the free list are owned by the heap.
            self.span_free = unsafe { (*s).next };
            return s;
        }
        self.nspans += 1;
        Box::into_raw(Box::new(MSpan::new()))
    }
}

/// Walks pages `[base, base + npages)`, calling `f(arena, page_index)`.
fn for_pages(base: usize, npages: usize, mut f: impl FnMut(&mut HeapArena, usize)) {
    for i in 0..npages {
        let addr = base + (i << PAGE_SHIFT);
        let a = arena_of(addr);
        // SAFETY: pages handed out by the heap lie in registered arenas; callers hold the
        // heap lock, which serialises writers of `dirty` and the span map.
        unsafe { f(&mut *a, (addr >> PAGE_SHIFT) & (PAGES_PER_ARENA - 1)) };
    }
}

/// Allocates a span of `npages` for `spanclass`. The span is marked swept for the current
/// cycle and entered in the span map; its objects are zero unless `needzero` is set.
pub fn alloc_span(npages: usize, spanclass: SpanClass) -> *mut MSpan {
    let mut h = HEAP.lock();
    let base = match h.take_pages(npages) {
        Some(b) => b,
        None => {
            h.grow(npages);
            h.take_pages(npages)
                .unwrap_or_else(|| crate::panic::throw("runtime: out of memory"))
        }
    };
    let s = h.new_span_desc();
    let mut clean = 0;
    let mut needzero = false;
    for_pages(base, npages, |a, p| {
        if a.dirty[p / 64] & (1 << (p % 64)) == 0 {
            clean += 1;
        } else {
            needzero = true;
        }
        a.dirty[p / 64] |= 1 << (p % 64);
        a.spans[p].store(s, Ordering::Release);
    });
    h.released_pages -= clean;
    h.pages_inuse += npages;
    HEAP_INUSE.fetch_add(npages << PAGE_SHIFT, Ordering::Relaxed);
    // SAFETY: the descriptor is ours until published by the state store below.
    unsafe {
        (*s).init(base, npages, spanclass, needzero);
        (*s).sweepgen
            .store(SWEEPGEN.load(Ordering::Relaxed), Ordering::Relaxed);
        (*s).state.store(STATE_IN_USE, Ordering::Release);
    }
    s
}

/// Returns a span's pages to the heap.
///
/// # Safety
/// `s` is an in-use span owned by the caller, with no live objects.
pub unsafe fn free_span(s: *mut MSpan) {
    let mut h = HEAP.lock();
    // SAFETY: the caller owns the span.
    let sp = unsafe { &mut *s };
    sp.state.store(STATE_DEAD, Ordering::Release);
    for_pages(sp.start, sp.npages, |a, p| {
        a.spans[p].store(ptr::null_mut(), Ordering::Release)
    });
    h.pages_inuse -= sp.npages;
    HEAP_INUSE.fetch_sub(sp.npages << PAGE_SHIFT, Ordering::Relaxed);
    h.free_pages(sp.start, sp.npages);
    sp.next = h.span_free;
    h.span_free = s;
}

/// Returns up to `bytes` of free, dirty pages to the OS (largest runs first); returns the
/// bytes released.
pub fn scavenge(bytes: usize) -> usize {
    let mut h = HEAP.lock();
    let runs: Vec<(usize, usize)> = h.free_by_size.iter().rev().map(|&(n, b)| (b, n)).collect();
    let mut released = 0;
    for (base, n) in runs {
        if released >= bytes {
            break;
        }
        let mut run_start = None;
        let mut cleaned = 0;
        for i in 0..=n {
            let dirty = i < n && {
                let addr = base + (i << PAGE_SHIFT);
                let a = arena_of(addr);
                let p = (addr >> PAGE_SHIFT) & (PAGES_PER_ARENA - 1);
                // SAFETY: free pages lie in registered arenas; we hold the heap lock.
                unsafe {
                    let d = (*a).dirty[p / 64] & (1 << (p % 64)) != 0;
                    (*a).dirty[p / 64] &= !(1 << (p % 64));
                    d
                }
            };
            match (dirty, run_start) {
                (true, None) => run_start = Some(i),
                (false, Some(s)) => {
                    // SAFETY: pages [s, i) are free heap pages nobody references.
                    unsafe {
                        libc::madvise(
                            (base + (s << PAGE_SHIFT)) as *mut libc::c_void,
                            (i - s) << PAGE_SHIFT,
                            libc::MADV_DONTNEED,
                        )
                    };
                    cleaned += i - s;
                    run_start = None;
                }
                _ => {}
            }
        }
        h.released_pages += cleaned;
        released += cleaned << PAGE_SHIFT;
    }
    released
}

/// Heap statistics snapshot: (sys, inuse, released) bytes, metadata bytes, span count.
pub fn heap_stats() -> (usize, usize, usize, usize, usize) {
    let h = HEAP.lock();
    (
        h.sys_bytes,
        h.pages_inuse << PAGE_SHIFT,
        h.released_pages << PAGE_SHIFT,
        h.meta_bytes,
        h.nspans,
    )
}

// ---- heap bitmap ----

#[inline]
fn bitmap_word(addr: usize) -> (&'static AtomicU64, usize) {
    let a = arena_of(addr);
    let bit = (addr & (ARENA_SIZE - 1)) / 8;
    // SAFETY: callers pass addresses of heap objects; arena metadata lives forever.
    (unsafe { &(*a).bitmap[bit / 64] }, bit % 64)
}

/// Writes the pointer bits of `nwords` words at `addr`: word i gets `f(i)`.
pub fn heap_bits_write(addr: usize, nwords: usize, mut f: impl FnMut(usize) -> bool) {
    let mut i = 0;
    while i < nwords {
        let (w, shift) = bitmap_word(addr + i * 8);
        let take = (64 - shift).min(nwords - i);
        let mut bits = 0u64;
        for j in 0..take {
            if f(i + j) {
                bits |= 1 << j;
            }
        }
        let mask = if take == 64 {
            !0
        } else {
            ((1u64 << take) - 1) << shift
        };
        let old = w.load(Ordering::Relaxed);
        w.store((old & !mask) | (bits << shift), Ordering::Relaxed);
        i += take;
    }
}

/// Writes the pointer bits of `nwords <= 64` words at `addr` from `bits` (bit i = word i).
#[inline]
pub fn heap_bits_write_word(addr: usize, nwords: usize, bits: u64) {
    let (w, shift) = bitmap_word(addr);
    let first = (64 - shift).min(nwords);
    let mask = if first == 64 {
        !0
    } else {
        ((1u64 << first) - 1) << shift
    };
    let old = w.load(Ordering::Relaxed);
    w.store((old & !mask) | ((bits << shift) & mask), Ordering::Relaxed);
    if first < nwords {
        let rest = nwords - first;
        let (w2, _) = bitmap_word(addr + first * 8);
        let mask2 = if rest == 64 { !0 } else { (1u64 << rest) - 1 };
        let old = w2.load(Ordering::Relaxed);
        w2.store(
            (old & !mask2) | ((bits >> first) & mask2),
            Ordering::Relaxed,
        );
    }
}

/// Sets (`val`) or clears the pointer bits of `nwords` words at `addr`.
pub fn heap_bits_fill(addr: usize, nwords: usize, val: bool) {
    let mut i = 0;
    while i < nwords {
        let (w, shift) = bitmap_word(addr + i * 8);
        let take = (64 - shift).min(nwords - i);
        let mask = if take == 64 {
            !0
        } else {
            ((1u64 << take) - 1) << shift
        };
        let old = w.load(Ordering::Relaxed);
        w.store(
            if val { old | mask } else { old & !mask },
            Ordering::Relaxed,
        );
        i += take;
    }
}

/// Pointer bits of up to 64 words starting at `addr` (bit 0 = `addr`), and how many words
/// they cover (up to the next 64-word bitmap boundary).
#[inline]
pub fn heap_bits_read(addr: usize) -> (u64, usize) {
    let (w, shift) = bitmap_word(addr);
    (w.load(Ordering::Relaxed) >> shift, 64 - shift)
}
