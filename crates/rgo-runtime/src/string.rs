//! String routines (Go's string.go and utf8.go).
//!
//! A Go string is `{ptr, len}` and immutable; a slice is `{ptr, len, cap}` (layouts in
//! `rgo_abi::string` / `rgo_abi::slice`). Strings are never NUL-terminated and `ptr` may be
//! anything (even null) when `len` is 0. Results wider than a register travel through an
//! out pointer, as the ABI says.
//!
//! * Concatenation allocates one new string, except when at most one operand is non-empty:
//!   then that operand *is* the result (strings are immutable, so sharing is safe).
//! * Conversions between `[]byte` and `string` copy, since one side is mutable. Strings
//!   of one byte point into a static table instead of allocating (as gc does).
//! * `string(rune)` encodes UTF-8; values that are not valid code points (negative,
//!   surrogates, above U+10FFFF) become U+FFFD, the replacement character.
//! * Decoding follows Go's utf8 rules: overlong forms, surrogates and truncated sequences
//!   decode as U+FFFD with width 1.

use crate::g::G;
use crate::malloc::mallocgc_noscan;

/// A Go string (`rgo_abi::string`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct GoString {
    pub ptr: *const u8,
    pub len: i64,
}

/// A Go slice (`rgo_abi::slice`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct GoSlice {
    pub ptr: *mut u8,
    pub len: i64,
    pub cap: i64,
}

const _: () = {
    use core::mem::{offset_of, size_of};
    assert!(offset_of!(GoString, ptr) == rgo_abi::string::PTR as usize);
    assert!(offset_of!(GoString, len) == rgo_abi::string::LEN as usize);
    assert!(size_of::<GoString>() == rgo_abi::string::SIZE as usize);
    assert!(offset_of!(GoSlice, ptr) == rgo_abi::slice::PTR as usize);
    assert!(offset_of!(GoSlice, len) == rgo_abi::slice::LEN as usize);
    assert!(offset_of!(GoSlice, cap) == rgo_abi::slice::CAP as usize);
    assert!(size_of::<GoSlice>() == rgo_abi::slice::SIZE as usize);
};

impl GoString {
    pub const EMPTY: GoString = GoString {
        ptr: core::ptr::null(),
        len: 0,
    };

    /// The string's bytes.
    ///
    /// # Safety
    /// `ptr` must point to `len` bytes that outlive `'a` (any value when `len` is 0).
    pub unsafe fn as_bytes<'a>(&self) -> &'a [u8] {
        if self.len <= 0 || self.ptr.is_null() {
            &[]
        } else {
            // SAFETY: by contract.
            unsafe { core::slice::from_raw_parts(self.ptr, self.len as usize) }
        }
    }
}

/// Every one-byte string, so short conversions need not allocate.
static ONE_BYTE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = i as u8;
        i += 1;
    }
    t
};

/// Copies `b` into a freshly allocated string.
pub fn new_string(b: &[u8]) -> GoString {
    match b.len() {
        0 => GoString::EMPTY,
        1 => GoString {
            ptr: &ONE_BYTE[b[0] as usize],
            len: 1,
        },
        n => {
            let p = mallocgc_noscan(n);
            // SAFETY: p is a fresh allocation of n bytes, disjoint from b.
            unsafe { core::ptr::copy_nonoverlapping(b.as_ptr(), p, n) };
            GoString {
                ptr: p,
                len: n as i64,
            }
        }
    }
}

pub const RUNE_ERROR: u32 = 0xFFFD;
const SURROGATE_MIN: i64 = 0xD800;
const SURROGATE_MAX: i64 = 0xDFFF;
const MAX_RUNE: i64 = 0x10FFFF;

/// Encodes `r` as UTF-8 into `buf`, returning the length; invalid code points encode
/// U+FFFD.
pub fn encode_rune(buf: &mut [u8; 4], r: i64) -> usize {
    let r = if !(0..=MAX_RUNE).contains(&r) || (SURROGATE_MIN..=SURROGATE_MAX).contains(&r) {
        RUNE_ERROR as i64
    } else {
        r
    } as u32;
    if r < 0x80 {
        buf[0] = r as u8;
        1
    } else if r < 0x800 {
        buf[0] = 0xC0 | (r >> 6) as u8;
        buf[1] = 0x80 | (r & 0x3F) as u8;
        2
    } else if r < 0x10000 {
        buf[0] = 0xE0 | (r >> 12) as u8;
        buf[1] = 0x80 | ((r >> 6) & 0x3F) as u8;
        buf[2] = 0x80 | (r & 0x3F) as u8;
        3
    } else {
        buf[0] = 0xF0 | (r >> 18) as u8;
        buf[1] = 0x80 | ((r >> 12) & 0x3F) as u8;
        buf[2] = 0x80 | ((r >> 6) & 0x3F) as u8;
        buf[3] = 0x80 | (r & 0x3F) as u8;
        4
    }
}

/// Decodes the rune starting at `s[0]`: `(rune, width)`; `(U+FFFD, 1)` for invalid or
/// truncated encodings, `(U+FFFD, 0)` for an empty input.
pub fn decode_rune(s: &[u8]) -> (u32, usize) {
    let Some(&b0) = s.first() else {
        return (RUNE_ERROR, 0);
    };
    if b0 < 0x80 {
        return (b0 as u32, 1);
    }
    // Width and the valid range of the second byte, per lead byte (Go's "accept ranges").
    let (width, lo, hi) = match b0 {
        0xC2..=0xDF => (2, 0x80, 0xBF),
        0xE0 => (3, 0xA0, 0xBF),
        0xE1..=0xEC | 0xEE..=0xEF => (3, 0x80, 0xBF),
        0xED => (3, 0x80, 0x9F),
        0xF0 => (4, 0x90, 0xBF),
        0xF1..=0xF3 => (4, 0x80, 0xBF),
        0xF4 => (4, 0x80, 0x8F),
        _ => return (RUNE_ERROR, 1),
    };
    if s.len() < width {
        return (RUNE_ERROR, 1);
    }
    let b1 = s[1];
    if b1 < lo || b1 > hi {
        return (RUNE_ERROR, 1);
    }
    let cont = |b: u8| (0x80..=0xBF).contains(&b);
    match width {
        2 => (((b0 as u32 & 0x1F) << 6) | (b1 as u32 & 0x3F), 2),
        3 => {
            if !cont(s[2]) {
                return (RUNE_ERROR, 1);
            }
            (
                ((b0 as u32 & 0x0F) << 12) | ((b1 as u32 & 0x3F) << 6) | (s[2] as u32 & 0x3F),
                3,
            )
        }
        _ => {
            if !cont(s[2]) || !cont(s[3]) {
                return (RUNE_ERROR, 1);
            }
            (
                ((b0 as u32 & 0x07) << 18)
                    | ((b1 as u32 & 0x3F) << 12)
                    | ((s[2] as u32 & 0x3F) << 6)
                    | (s[3] as u32 & 0x3F),
                4,
            )
        }
    }
}

/// Concatenates `parts` (Go's concatstrings).
pub fn concat(parts: &[GoString]) -> GoString {
    let mut total: usize = 0;
    let mut nonempty = 0;
    let mut last = GoString::EMPTY;
    for p in parts {
        if p.len <= 0 {
            continue;
        }
        total = match total.checked_add(p.len as usize) {
            Some(t) if t <= isize::MAX as usize => t,
            _ => crate::panic::throw("string concatenation too long"),
        };
        nonempty += 1;
        last = *p;
    }
    if nonempty <= 1 {
        return last;
    }
    let dst = mallocgc_noscan(total);
    let mut off = 0;
    for p in parts {
        if p.len <= 0 {
            continue;
        }
        // SAFETY: each part is a valid Go string; dst has room for `total` bytes and the
        // copies fill disjoint consecutive ranges of it.
        unsafe {
            core::ptr::copy_nonoverlapping(p.ptr, dst.add(off), p.len as usize);
        }
        off += p.len as usize;
    }
    GoString {
        ptr: dst,
        len: total as i64,
    }
}

// ---- entry points (rgo_abi::entry) ----

/// # Safety
/// `out` must be writable; `parts` must point to `n` valid Go strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_concatstrings(
    _g: *mut G,
    out: *mut GoString,
    parts: *const GoString,
    n: i64,
) {
    let parts: &[GoString] = if n <= 0 || parts.is_null() {
        &[]
    } else {
        // SAFETY: by contract.
        unsafe { core::slice::from_raw_parts(parts, n as usize) }
    };
    // SAFETY: by contract.
    unsafe { out.write(concat(parts)) };
}

/// Three-way comparison of two strings, bytewise: -1, 0 or +1.
///
/// # Safety
/// Both pointers must point to their lengths' worth of readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_cmpstring(
    aptr: *const u8,
    alen: i64,
    bptr: *const u8,
    blen: i64,
) -> i64 {
    // SAFETY: by contract.
    let (a, b) = unsafe {
        (
            GoString {
                ptr: aptr,
                len: alen,
            }
            .as_bytes(),
            GoString {
                ptr: bptr,
                len: blen,
            }
            .as_bytes(),
        )
    };
    match a.cmp(b) {
        core::cmp::Ordering::Less => -1,
        core::cmp::Ordering::Equal => 0,
        core::cmp::Ordering::Greater => 1,
    }
}

/// `string(r)` for an integer `r`.
///
/// # Safety
/// `out` must be writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_intstring(_g: *mut G, out: *mut GoString, r: i64) {
    let mut buf = [0u8; 4];
    let n = encode_rune(&mut buf, r);
    // SAFETY: by contract.
    unsafe { out.write(new_string(&buf[..n])) };
}

/// `string(b)` for a byte slice: copies.
///
/// # Safety
/// `out` must be writable; `ptr` must point to `len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_slicebytetostring(
    _g: *mut G,
    out: *mut GoString,
    ptr: *const u8,
    len: i64,
) {
    // SAFETY: by contract.
    unsafe {
        let b = GoString { ptr, len }.as_bytes();
        out.write(new_string(b));
    }
}

/// `[]byte(s)`: a new slice with a copy of the bytes (never nil, even when empty).
///
/// # Safety
/// `out` must be writable; `ptr` must point to `len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_stringtoslicebyte(
    _g: *mut G,
    out: *mut GoSlice,
    ptr: *const u8,
    len: i64,
) {
    // SAFETY: by contract.
    let b = unsafe { GoString { ptr, len }.as_bytes() };
    let p = mallocgc_noscan(b.len());
    // SAFETY: p is a fresh allocation of b.len() bytes; out is writable by contract.
    unsafe {
        core::ptr::copy_nonoverlapping(b.as_ptr(), p, b.len());
        out.write(GoSlice {
            ptr: p,
            len: b.len() as i64,
            cap: b.len() as i64,
        });
    }
}

/// Decodes the rune at byte `pos` of the string: `rune | (width << 32)`.
///
/// # Safety
/// `ptr` must point to `len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_decoderune(ptr: *const u8, len: i64, pos: i64) -> u64 {
    // SAFETY: by contract.
    let s = unsafe { GoString { ptr, len }.as_bytes() };
    let rest = if pos < 0 || pos as usize >= s.len() {
        &[][..]
    } else {
        &s[pos as usize..]
    };
    let (r, w) = decode_rune(rest);
    let w = w.max(1);
    r as u64 | ((w as u64) << 32)
}

/// `[]rune(s)`: decodes the string (invalid UTF-8 becomes U+FFFD, one per bad byte).
///
/// # Safety
/// `out` must be writable; `ptr` must point to `len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_stringtoslicerune(
    _g: *mut G,
    out: *mut GoSlice,
    ptr: *const u8,
    len: i64,
) {
    // SAFETY: by contract.
    let mut b = unsafe { GoString { ptr, len }.as_bytes() };
    let mut runes = Vec::new();
    while !b.is_empty() {
        let (r, w) = decode_rune(b);
        runes.push(r as i32);
        b = &b[w.max(1)..];
    }
    let p = mallocgc_noscan(runes.len() * 4);
    // SAFETY: p has room for runes.len() 4-byte values; out is writable by contract.
    unsafe {
        core::ptr::copy_nonoverlapping(runes.as_ptr() as *const u8, p, runes.len() * 4);
        out.write(GoSlice {
            ptr: p,
            len: runes.len() as i64,
            cap: runes.len() as i64,
        });
    }
}

/// `string(runes)`: encodes each rune (invalid ones as U+FFFD).
///
/// # Safety
/// `out` must be writable; `ptr` must point to `len` readable 4-byte runes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_slicerunetostring(
    _g: *mut G,
    out: *mut GoString,
    ptr: *const i32,
    len: i64,
) {
    let runes: &[i32] = if len <= 0 || ptr.is_null() {
        &[]
    } else {
        // SAFETY: by contract.
        unsafe { core::slice::from_raw_parts(ptr, len as usize) }
    };
    let mut bytes = Vec::with_capacity(runes.len());
    for &r in runes {
        let mut buf = [0u8; 4];
        let n = encode_rune(&mut buf, r as i64);
        bytes.extend_from_slice(&buf[..n]);
    }
    // SAFETY: out is writable by contract.
    unsafe { out.write(new_string(&bytes)) };
}
