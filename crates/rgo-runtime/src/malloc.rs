//! Heap allocation (Go's malloc.go): the allocation paths on top of the memory system in
//! [`crate::mem`].
//!
//! Three paths, as in gc:
//! * **tiny** — pointer-free requests below 16 bytes are packed into one 16-byte block
//!   per mcache (`mcache.tiny`), each aligned by its size (8/4/2); the block lives as long
//!   as any object in it is reachable;
//! * **small** — up to 32 KiB: rounded to a size class and taken from the mcache's span
//!   for (class, scan/noscan), lock-free; a full span is swapped for another from the
//!   mcentral (`refill`, the slow path, which also checks whether to start a GC);
//! * **large** — above 32 KiB: a span of its own straight from the heap, after sweeping
//!   enough pages to cover it.
//!
//! What an object's memory says to the collector is decided here: a *typed* object's
//! words are marked as pointers or not from its type's `gcdata` bitmap; an *untyped*
//! object (`rgo_alloc`, [`mallocgc`]) has every word marked as a possible pointer, so the
//! collector scans it conservatively; a *noscan* object goes to a noscan span and is never
//! scanned. While the GC marks, new objects are allocated black (marked), and allocating
//! goroutines first pay their assist debt (mem::mgcmark).
//!
//! Facts kept from the placeholder: memory is zeroed unless the caller says it overwrites
//! it all; zero-sized allocations return the address of one static word (Go's
//! `zerobase`); failure is `fatal error: runtime: out of memory`.

use core::sync::atomic::Ordering;

use crate::g::G;
use crate::mem::mcache::{self, MCache};
use crate::mem::mgc;
use crate::mem::mheap::{alloc_span, heap_bits_fill, heap_bits_write, heap_bits_write_word};
use crate::mem::mspan::MSpan;
use crate::mem::mstats::HEAP_LIVE;
use crate::mem::sizeclasses::{
    size_to_class, SpanClass, CLASS_SIZE, MAX_SMALL_SIZE, NUM_SIZE_CLASSES, PAGE_SHIFT, PAGE_SIZE,
    TINY_SIZE,
};

/// The address returned for every zero-sized allocation.
static ZEROBASE: u64 = 0;

/// Largest alignment served; page alignment comes from large spans.
const MAX_ALIGN: usize = PAGE_SIZE;

/// How the collector must treat an object's words.
#[derive(Clone, Copy)]
pub enum Layout {
    /// No pointers: a noscan span, never scanned.
    Noscan,
    /// `count` consecutive values of the type at this descriptor (rgo_abi::typ layout).
    Typed(*const u8, usize),
    /// Unknown: every word is a potential pointer (scanned conservatively).
    Conservative,
}

/// Type descriptor fields the allocator reads.
pub struct TypeInfo {
    pub size: usize,
    pub ptrdata: usize,
    pub gcdata: *const u8,
}

/// Reads a type descriptor.
///
/// # Safety
/// `typ` points at a descriptor laid out as `rgo_abi::typ::rtype`.
pub unsafe fn type_info(typ: *const u8) -> TypeInfo {
    use rgo_abi::typ::rtype;
    // SAFETY: per the contract the descriptor has these fields.
    unsafe {
        TypeInfo {
            size: (typ.add(rtype::SIZE as usize) as *const usize).read_unaligned(),
            ptrdata: (typ.add(rtype::PTRDATA as usize) as *const usize).read_unaligned(),
            gcdata: (typ.add(rtype::GCDATA as usize) as *const *const u8).read_unaligned(),
        }
    }
}

/// Allocates `size` bytes laid out as `layout`, aligned to `align` (power of two ≤ 8192;
/// 0 means 8), zeroed if `needzero`.
pub fn malloc(size: usize, layout: Layout, needzero: bool, align: usize) -> *mut u8 {
    if size == 0 {
        return &ZEROBASE as *const u64 as *mut u8;
    }
    if size > (1usize << 47) {
        crate::panic::throw("runtime: out of memory");
    }
    let align = align.clamp(8, MAX_ALIGN);
    if !align.is_power_of_two() {
        crate::panic::throw("mallocgc: bad alignment");
    }
    crate::mem::init();
    if mgc::is_marking() {
        // SAFETY: the calling thread's mcache is used only by this thread.
        crate::mem::mgcmark::assist_alloc(unsafe { &mut *mcache::current() }, size);
    }
    // Fetched after the assist: an assist that waited for the cycle to end may have
    // resumed this goroutine on another thread.
    // SAFETY: the calling thread's mcache is used only by this thread.
    let c = unsafe { &mut *mcache::current() };
    let noscan = matches!(layout, Layout::Noscan);
    let mut slow = false;
    let (x, span, idx);
    if noscan && size < TINY_SIZE && align <= 8 {
        if let Some(p) = tiny_alloc(c, size, &mut slow) {
            return p;
        }
        unreachable!()
    } else if let Some(class) = small_class(size, align) {
        let spc = SpanClass::new(class, noscan);
        let (s, i) = next_free(c, spc, &mut slow);
        // SAFETY: the span is cached by our mcache.
        let sp = unsafe { &*s };
        x = sp.start + i * sp.elemsize;
        if needzero && sp.needzero {
            // SAFETY: the slot is ours and elemsize bytes long.
            unsafe { core::ptr::write_bytes(x as *mut u8, 0, sp.elemsize) };
        }
        c.count_malloc(class);
        span = s;
        idx = i;
    } else {
        let npages = size.div_ceil(PAGE_SIZE);
        if !crate::mem::mgcsweep::is_sweep_done_hint() {
            crate::mem::mgcsweep::reclaim(npages);
        }
        let s = alloc_span(npages, SpanClass::new(0, noscan));
        // SAFETY: fresh span, ours.
        let sp = unsafe { &mut *s };
        sp.freeindex.store(1, Ordering::Release);
        sp.alloc_count = 1;
        x = sp.start;
        if needzero && sp.needzero {
            // SAFETY: the span's pages are ours.
            unsafe { core::ptr::write_bytes(x as *mut u8, 0, npages << PAGE_SHIFT) };
        }
        HEAP_LIVE.fetch_add((npages << PAGE_SHIFT) as u64, Ordering::Relaxed);
        c.count_large(npages << PAGE_SHIFT);
        // SAFETY: the span is ours until published on the list.
        unsafe { crate::mem::mcentral::push_swept(s, true) };
        span = s;
        idx = 0;
        slow = true;
    }
    // SAFETY: span is the live span holding x.
    let sp = unsafe { &*span };
    if !noscan {
        write_heap_bits(x, size, sp.elemsize, layout);
    }
    if mgc::is_marking() {
        // Allocate black: the new object survives this cycle and is never scanned in it.
        if sp.try_mark(idx) {
            crate::mem::mgcmark::count_marked(sp.elemsize);
        }
    }
    if slow {
        mgc::maybe_trigger();
    }
    x as *mut u8
}

fn small_class(size: usize, align: usize) -> Option<usize> {
    if size > MAX_SMALL_SIZE {
        return None;
    }
    let mut c = size_to_class(size);
    while c < NUM_SIZE_CLASSES {
        if CLASS_SIZE[c].is_multiple_of(align) {
            return Some(c);
        }
        c += 1;
    }
    None
}

#[inline]
fn next_free(c: &mut MCache, spc: SpanClass, slow: &mut bool) -> (*mut MSpan, usize) {
    let s = c.alloc[spc.index()];
    if !s.is_null() {
        // SAFETY: cached by our mcache.
        let sp = unsafe { &mut *s };
        if let Some(i) = sp.next_free_fast() {
            return (s, i);
        }
        if let Some(i) = sp.next_free_index() {
            return (s, i);
        }
    }
    *slow = true;
    let s = c.refill(spc);
    // SAFETY: just cached by our mcache and guaranteed to have a free object.
    let i = unsafe { (*s).next_free_index() }
        .unwrap_or_else(|| crate::panic::throw("mcache: refill returned a full span"));
    (s, i)
}

fn tiny_alloc(c: &mut MCache, size: usize, slow: &mut bool) -> Option<*mut u8> {
    let mut off = c.tiny_offset;
    if size & 7 == 0 {
        off = off.next_multiple_of(8);
    } else if size & 3 == 0 {
        off = off.next_multiple_of(4);
    } else if size & 1 == 0 {
        off = off.next_multiple_of(2);
    }
    if c.tiny != 0 && off + size <= TINY_SIZE {
        c.tiny_offset = off + size;
        c.count_tiny();
        return Some((c.tiny + off) as *mut u8);
    }
    let spc = SpanClass::new(size_to_class(TINY_SIZE), true);
    let (s, i) = next_free(c, spc, slow);
    // SAFETY: cached by our mcache.
    let sp = unsafe { &*s };
    let x = sp.start + i * sp.elemsize;
    if sp.needzero {
        // SAFETY: the 16-byte slot is ours.
        unsafe { core::ptr::write_bytes(x as *mut u8, 0, TINY_SIZE) };
    }
    if mgc::is_marking() && sp.try_mark(i) {
        crate::mem::mgcmark::count_marked(sp.elemsize);
    }
    c.count_malloc(spc.sizeclass());
    c.count_tiny();
    if c.tiny == 0 || size < c.tiny_offset {
        c.tiny = x;
        c.tiny_offset = size;
    }
    if *slow {
        mgc::maybe_trigger();
    }
    Some(x as *mut u8)
}

fn write_heap_bits(x: usize, size: usize, elemsize: usize, layout: Layout) {
    let nwords = elemsize / 8;
    match layout {
        Layout::Noscan => {}
        Layout::Conservative => {
            let used = size.div_ceil(8).min(nwords);
            heap_bits_fill(x, used, true);
            if used < nwords {
                heap_bits_fill(x + used * 8, nwords - used, false);
            }
        }
        Layout::Typed(typ, count) => {
            // SAFETY: callers pass valid descriptors.
            let t = unsafe { type_info(typ) };
            let tw = (t.size / 8).max(1);
            let pw = t.ptrdata / 8;
            let total = tw * count;
            let gcdata = t.gcdata;
            if tw <= 64 && nwords <= 64 {
                // Small objects (the common case): the element's bits as one word,
                // repeated every `tw` words, written with at most two bitmap stores.
                let mut elem = 0u64;
                for b in 0..pw.div_ceil(8) {
                    // SAFETY: gcdata holds at least ptrdata/8 bits.
                    elem |= (unsafe { *gcdata.add(b) } as u64) << (8 * b);
                }
                if pw < 64 {
                    elem &= (1u64 << pw) - 1;
                }
                let mut bits = 0u64;
                let mut at = 0;
                while at < total.min(nwords) {
                    bits |= elem << at;
                    at += tw;
                }
                if nwords < 64 {
                    bits &= (1u64 << nwords) - 1;
                }
                heap_bits_write_word(x, nwords, bits);
                return;
            }
            heap_bits_write(x, nwords, |i| {
                if i >= total {
                    return false;
                }
                let j = i % tw;
                // SAFETY: gcdata holds at least ptrdata/8 bits.
                j < pw && unsafe { (*gcdata.add(j / 8) >> (j % 8)) & 1 != 0 }
            });
        }
    }
}

/// Allocates `size` zeroed bytes aligned to `align` (0 or a power of two), scanned
/// conservatively by the collector (every word may be a pointer).
pub fn mallocgc(size: usize, align: usize) -> *mut u8 {
    malloc(size, Layout::Conservative, true, align)
}

/// Allocates `size` zeroed bytes for an object without pointers (never scanned).
pub fn mallocgc_noscan(size: usize) -> *mut u8 {
    malloc(size, Layout::Noscan, true, 8)
}

/// Entry point: zeroed heap memory for generated code. Untyped, so scanned
/// conservatively (see rgo_abi::entry::ALLOC). A non-null `g` marks the program as
/// running generated code, which enables automatic collection.
#[unsafe(no_mangle)]
pub extern "C" fn rgo_alloc(g: *mut G, size: u64, align: u64) -> *mut u8 {
    if !g.is_null() {
        mgc::gcenable_from_entry();
    }
    malloc(size as usize, Layout::Conservative, true, align as usize)
}
