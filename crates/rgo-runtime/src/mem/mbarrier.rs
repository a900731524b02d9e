//! The write barrier: gc's hybrid barrier (Yuasa deletion + Dijkstra insertion), active
//! only while marking.
//!
//! Generated code, for every pointer store into the heap or a global, tests the flag word
//! whose address `rgo_wbflag_addr()` returns: zero → plain store; non-zero → call
//! `rgo_gcwb(g, slot, new)`, which shades the pointer being overwritten and the one being
//! written, then performs the store. Shading the old value keeps an object alive that a
//! goroutine moved from the heap onto its (already scanned, barrier-free) stack; shading
//! the new value keeps alive an object stored into a black object. Stores to stack slots
//! never need a barrier: stacks are scanned once, at mark start, and everything
//! allocated afterwards is black.
//!
//! `rgo_typedmemmove` copies a whole value of a type with pointers, applying the barrier
//! to each pointer word first (gc's bulkBarrierPreWrite), so copying structs and arrays
//! with pointers is safe during marking.

use core::sync::atomic::{AtomicPtr, Ordering};

use super::mgc::WRITE_BARRIER;
use super::mgcmark::queue_push_one;
use super::mheap::{arena_of, find_object};
use crate::g::G;
use crate::malloc::type_info;

/// Greys the object containing `p` (if it is a heap object).
#[inline]
pub fn shade(p: usize) {
    if p == 0 || arena_of(p).is_null() {
        return;
    }
    let Some((base, _, s)) = find_object(p) else {
        return;
    };
    // SAFETY: find_object returned a live span.
    let sp = unsafe { &*s };
    if sp.try_mark(sp.obj_index(base)) {
        super::mgcmark::count_marked(sp.elemsize);
        if !sp.noscan() {
            queue_push_one(base);
        }
    }
}

/// Entry point: the barrier's slow path; shades `*slot` and `new`, then stores.
///
/// # Safety
/// `slot` is a valid, aligned pointer slot.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_gcwb(_g: *mut G, slot: *mut *mut u8, new: *mut u8) {
    let slot = slot as *const AtomicPtr<u8>;
    // SAFETY: per the contract.
    let slot = unsafe { &*slot };
    if WRITE_BARRIER.load(Ordering::Relaxed) != 0 {
        shade(slot.load(Ordering::Relaxed) as usize);
        shade(new as usize);
    }
    slot.store(new, Ordering::Release);
}

/// The barrier for a bulk overwrite of `[dst, dst+size)` whose layout the runtime does not
/// know (map buckets, channel buffers, `copy` into a slice): while marking, shades every
/// word's old value that points into the heap (gc's bulkBarrierPreWrite, conservatively).
/// Shading non-pointer words that happen to look like pointers only keeps an object alive
/// for one more cycle.
#[inline]
pub fn bulk_barrier_pre_write(dst: *const u8, size: usize) {
    if WRITE_BARRIER.load(Ordering::Relaxed) == 0 || dst.is_null() {
        return;
    }
    bulk_shade(dst, size);
}

#[cold]
fn bulk_shade(dst: *const u8, size: usize) {
    let start = (dst as usize).next_multiple_of(8);
    let end = dst as usize + size;
    let mut a = start;
    while a + 8 <= end {
        // SAFETY: the caller owns `[dst, dst+size)`; aligned word reads inside it.
        shade(
            unsafe { (a as *const AtomicPtr<u8>).as_ref().unwrap() }.load(Ordering::Relaxed)
                as usize,
        );
        a += 8;
    }
}

/// Entry point: [`bulk_barrier_pre_write`] for generated code (`copy`, `append` of a
/// slice into spare capacity); called only while the flag is set.
///
/// # Safety
/// `[dst, dst+size)` is readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_bulkbarrier(_g: *mut G, dst: *const u8, size: u64) {
    bulk_barrier_pre_write(dst, size as usize);
}

/// Entry point: the address of the barrier flag (a `u32`, non-zero while marking).
#[unsafe(no_mangle)]
pub extern "C" fn rgo_wbflag_addr() -> *const u32 {
    WRITE_BARRIER.as_ptr() as *const u32
}

/// Entry point: `*dst = *src` for a value of type `typ`, with barriers.
///
/// # Safety
/// `typ` is a valid descriptor; `dst` and `src` hold values of that type.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_typedmemmove(
    _g: *mut G,
    typ: *const u8,
    dst: *mut u8,
    src: *const u8,
) {
    if core::ptr::eq(dst, src) {
        return;
    }
    // SAFETY: per the contract.
    let t = unsafe { type_info(typ) };
    if t.ptrdata != 0 && WRITE_BARRIER.load(Ordering::Relaxed) != 0 {
        for w in 0..t.ptrdata / 8 {
            // SAFETY: gcdata covers ptrdata/8 bits; both values span t.size bytes.
            unsafe {
                if (*t.gcdata.add(w / 8) >> (w % 8)) & 1 != 0 {
                    shade(*(dst as *const usize).add(w));
                    shade(*(src as *const usize).add(w));
                }
            }
        }
    }
    // SAFETY: both hold t.size bytes; memmove semantics.
    unsafe { core::ptr::copy(src, dst, t.size) };
}
