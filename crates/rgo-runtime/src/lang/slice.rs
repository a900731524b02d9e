//! Slices: allocation for `make` and growth for `append`.
//!
//! A slice is `{ptr, len, cap}` (rgo_abi::slice). Generated code appends in place while
//! `len + n <= cap`; past that it calls [`rgo_growslice`], which allocates a new backing
//! array with Go's growth rule (double small slices, grow large ones by about 1.25x with a
//! smooth transition at 256 elements, never less than what is needed) and copies the old
//! elements. gc also rounds the new capacity up to its allocation size class; that step
//! joins the size-class allocator, so until then capacities after growth can be smaller
//! than gc's.

use crate::g::G;
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

/// # Safety
/// `g` is the calling goroutine (or null).
#[no_mangle]
pub unsafe extern "C" fn rgo_makeslice(
    g: *mut G,
    len: i64,
    cap: i64,
    elem_size: u64,
    elem_align: u64,
) -> *mut u8 {
    let too_big =
        |n: i64| n < 0 || (elem_size != 0 && (n as u64).saturating_mul(elem_size) > MAX_ALLOC);
    if too_big(len) {
        super::panic_message_g(g, "makeslice: len out of range");
    }
    if too_big(cap) || cap < len {
        super::panic_message_g(g, "makeslice: cap out of range");
    }
    crate::malloc::mallocgc(
        (cap as u64 * elem_size).max(1) as usize,
        elem_align.max(1) as usize,
    )
}

/// # Safety
/// `out` is writable; `ptr[..len * elem_size]` is readable; `g` is the calling goroutine.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn rgo_growslice(
    g: *mut G,
    out: *mut GoSlice,
    ptr: *const u8,
    len: i64,
    cap: i64,
    new_len: i64,
    elem_size: u64,
    elem_align: u64,
) {
    if new_len < 0 {
        super::panic_message_g(g, "growslice: len out of range");
    }
    let new_cap = next_cap(cap as u64, new_len as u64);
    if elem_size != 0 && new_cap.saturating_mul(elem_size) > MAX_ALLOC {
        super::panic_message_g(g, "growslice: cap out of range");
    }
    let p = crate::malloc::mallocgc(
        (new_cap * elem_size).max(1) as usize,
        elem_align.max(1) as usize,
    );
    let bytes = len as usize * elem_size as usize;
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
    use super::next_cap;

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
}
