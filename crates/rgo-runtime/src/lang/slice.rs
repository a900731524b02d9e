//! Slices: allocation for `make` and growth for `append`.
//!
//! A slice is `{ptr, len, cap}` (rgo_abi::slice). Generated code appends in place while
//! `len + n <= cap`; past that it calls [`rgo_growslice`], which allocates a new backing
//! array with Go's growth rule (double small slices, grow large ones by about 1.25x with a
//! smooth transition at 256 elements, never less than what is needed) and copies the old
//! elements, and rounds the new capacity up to fill its size class, as gc does.
//! Both entries take the element's type descriptor: backing arrays of pointer-free
//! elements are noscan, the others are scanned precisely from the element's bitmap.

use super::typedesc::Type;
use crate::g::G;
use crate::malloc::{malloc, Layout};
use crate::mem::sizeclasses::{size_to_class, CLASS_SIZE, MAX_SMALL_SIZE, PAGE_SIZE};
use crate::string::GoSlice;

/// The largest allocation a slice may ask for (gc's maxAlloc on linux/amd64: 2^48).
const MAX_ALLOC: u64 = 1 << 48;

/// Go's growth rule (runtime.growslice, 1.18+): the capacity for at least `needed` elements
/// when the old capacity is `old_cap`.
pub fn next_cap(old_cap: u64, needed: u64) -> u64 {
    let double = old_cap.saturating_mul(2);
    if needed > double {
        return needed;
    }
    const THRESHOLD: u64 = 256;
    if old_cap < THRESHOLD {
        return double;
    }
    let mut cap = old_cap;
    while cap < needed {
        cap = cap.saturating_add((cap + 3 * THRESHOLD) / 4);
    }
    cap
}

/// The allocation for `cap` elements of `elem`: typed (precisely scanned) when the
/// element has pointers, noscan otherwise.
fn alloc_elems(elem: &Type, cap: u64) -> *mut u8 {
    let layout = if elem.ptrdata == 0 {
        Layout::Noscan
    } else {
        Layout::Typed(elem as *const Type as *const u8, cap as usize)
    };
    malloc(
        (cap * elem.size as u64).max(1) as usize,
        layout,
        true,
        (elem.align as usize).max(1),
    )
}

/// The capacity that fills the allocation for `cap` elements of `size` bytes (gc's
/// roundupsize: small sizes round up to their size class, large ones to whole pages).
pub fn round_cap(cap: u64, size: u64) -> u64 {
    if size == 0 {
        return cap;
    }
    let bytes = cap.saturating_mul(size);
    let rounded = if bytes as usize <= MAX_SMALL_SIZE {
        CLASS_SIZE[size_to_class(bytes as usize)] as u64
    } else {
        bytes.next_multiple_of(PAGE_SIZE as u64)
    };
    rounded / size
}

/// # Safety
/// `g` is the calling goroutine (or null); `elem` is a valid descriptor.
#[no_mangle]
pub unsafe extern "C" fn rgo_makeslice(
    g: *mut G,
    len: i64,
    cap: i64,
    elem: *const Type,
) -> *mut u8 {
    // SAFETY: per the contract.
    let elem = unsafe { &*elem };
    let esize = elem.size as u64;
    let too_big = |n: i64| n < 0 || (esize != 0 && (n as u64).saturating_mul(esize) > MAX_ALLOC);
    if too_big(len) {
        super::panic_message_g(g, "makeslice: len out of range");
    }
    if too_big(cap) || cap < len {
        super::panic_message_g(g, "makeslice: cap out of range");
    }
    alloc_elems(elem, cap as u64)
}

/// # Safety
/// `out` is writable; `ptr[..len * elem.size]` is readable; `g` is the calling goroutine;
/// `elem` is a valid descriptor.
#[no_mangle]
pub unsafe extern "C" fn rgo_growslice(
    g: *mut G,
    out: *mut GoSlice,
    ptr: *const u8,
    len: i64,
    cap: i64,
    new_len: i64,
    elem: *const Type,
) {
    // SAFETY: per the contract.
    let elem = unsafe { &*elem };
    let esize = elem.size as u64;
    if new_len < 0 {
        super::panic_message_g(g, "growslice: len out of range");
    }
    let mut new_cap = next_cap(cap as u64, new_len as u64);
    if esize != 0 && new_cap.saturating_mul(esize) > MAX_ALLOC {
        super::panic_message_g(g, "growslice: cap out of range");
    }
    new_cap = round_cap(new_cap, esize);
    // The new array is fresh (and black while marking): copying the old elements into it
    // needs no barrier, the old array's referents are already in the marking snapshot.
    let p = alloc_elems(elem, new_cap);
    let bytes = len as usize * esize as usize;
    if bytes > 0 {
        // SAFETY: the caller guarantees `ptr[..bytes]` is readable; `p` has room for
        // `new_cap >= len` elements and is a fresh allocation (no overlap).
        unsafe { core::ptr::copy_nonoverlapping(ptr, p, bytes) };
    }
    // SAFETY: the caller guarantees `out` is writable.
    unsafe {
        out.write(GoSlice {
            ptr: p,
            len,
            cap: new_cap as i64,
        })
    };
}

#[cfg(test)]
mod tests {
    use super::{next_cap, round_cap};

    #[test]
    fn growth_matches_go() {
        // Values from gc 1.19 before size-class rounding.
        assert_eq!(next_cap(0, 1), 1);
        assert_eq!(next_cap(1, 2), 2);
        assert_eq!(next_cap(4, 5), 8);
        assert_eq!(next_cap(255, 256), 510);
        assert_eq!(next_cap(256, 257), 512);
        assert_eq!(next_cap(512, 513), 832);
        assert_eq!(next_cap(10, 100), 100);
    }

    #[test]
    fn capacity_fills_size_class() {
        // gc 1.19: append(make([]byte, 0), 5 bytes) has cap 8; 9 ints → 10 (80-byte class);
        // 5 24-byte structs → 5 (128-byte class); large arrays round to pages.
        assert_eq!(round_cap(5, 1), 8);
        assert_eq!(round_cap(9, 8), 10);
        assert_eq!(round_cap(3, 8), 3);
        assert_eq!(round_cap(5, 24), 5);
        assert_eq!(round_cap(40_000, 1), 40_960);
        assert_eq!(round_cap(7, 0), 7);
    }
}
