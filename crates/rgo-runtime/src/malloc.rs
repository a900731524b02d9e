//! Heap allocation — **a placeholder**.
//!
//! This is the simplest sound allocator that gives generated code what it needs (zeroed,
//! aligned memory that stays valid): bump allocation out of large chunks obtained with
//! `mmap`, under one lock, never freed. It will be replaced wholesale by Go's design
//! (DESIGN.md): size classes, mspans, per-P mcaches with a lock-free fast path, mcentral,
//! the page heap, the tiny allocator, and the garbage collector that reclaims memory.
//! Code outside this module should only use [`mallocgc`] / [`mallocgc_noscan`] (and the
//! `rgo_alloc` entry point), so the replacement stays local.
//!
//! Facts the replacement must keep:
//! * memory is zeroed (fresh anonymous mappings are, and nothing is reused here);
//! * zero-sized allocations all return the address of one static word (Go's
//!   `zerobase`), so they are distinct from nil;
//! * objects larger than a chunk fraction get their own mapping;
//! * an allocation that cannot be satisfied is `fatal error: runtime: out of memory`.

use core::sync::atomic::{AtomicU64, Ordering};

use crate::g::G;
use crate::lock::Locked;

/// Size of each bump chunk.
const CHUNK_SIZE: usize = 64 << 20;
/// Objects at least this big get a mapping of their own.
const LARGE_OBJECT: usize = CHUNK_SIZE / 8;
/// Largest alignment served (bigger requests are rounded down to the page size, which
/// every chunk start already has).
const MAX_ALIGN: usize = 4096;

/// The address returned for every zero-sized allocation.
static ZEROBASE: u64 = 0;

struct Bump {
    cur: usize,
    end: usize,
}

static HEAP: Locked<Bump> = Locked::new(Bump { cur: 0, end: 0 });

/// Bytes handed out so far (for statistics until the real allocator keeps MemStats).
pub static ALLOCATED_BYTES: AtomicU64 = AtomicU64::new(0);

fn map(len: usize) -> usize {
    // SAFETY: an anonymous private mapping at a kernel-chosen address.
    let p = unsafe {
        libc::mmap(
            core::ptr::null_mut(),
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

/// Allocates `size` zeroed bytes aligned to `align` (a power of two; 0 means 1).
pub fn mallocgc(size: usize, align: usize) -> *mut u8 {
    if size == 0 {
        return &ZEROBASE as *const u64 as *mut u8;
    }
    let align = align.clamp(1, MAX_ALIGN);
    if !align.is_power_of_two() {
        crate::panic::throw("mallocgc: bad alignment");
    }
    if size > isize::MAX as usize / 2 {
        crate::panic::throw("runtime: out of memory");
    }
    ALLOCATED_BYTES.fetch_add(size as u64, Ordering::Relaxed);
    if size >= LARGE_OBJECT {
        let len = size.div_ceil(MAX_ALIGN) * MAX_ALIGN;
        return map(len) as *mut u8;
    }
    let mut heap = HEAP.lock();
    let mut start = heap.cur.next_multiple_of(align);
    if heap.cur == 0 || start + size > heap.end {
        let base = map(CHUNK_SIZE);
        heap.cur = base;
        heap.end = base + CHUNK_SIZE;
        start = base;
    }
    heap.cur = start + size;
    start as *mut u8
}

/// Allocates `size` zeroed bytes for an object without pointers (the GC will not scan it).
pub fn mallocgc_noscan(size: usize) -> *mut u8 {
    mallocgc(size, 1)
}

/// Entry point: zeroed heap memory for generated code.
#[unsafe(no_mangle)]
pub extern "C" fn rgo_alloc(_g: *mut G, size: u64, align: u64) -> *mut u8 {
    mallocgc(size as usize, align as usize)
}
