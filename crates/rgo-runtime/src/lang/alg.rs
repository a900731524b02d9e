//! Hashing and equality of Go values (Go's alg.go and hash64.go).
//!
//! # Concepts
//!
//! * **One seeded hash over memory.** [`memhash`] is a multiply-mix hash in the wyhash
//!   family: the input is folded 16 bytes at a time (three independent lanes for long
//!   inputs) with 64×64→128-bit multiplies whose halves are xor-ed together, and a final
//!   multiply mixes in the length. Four 64-bit secrets drawn from the kernel at first use
//!   make hashes differ between processes, so an attacker cannot precompute colliding keys,
//!   and every map adds its own random 32-bit seed (`hmap.hash0`) on top.
//! * **Per-kind functions with fixed C signatures**, referenced from type descriptors
//!   (`_type.equal`, `mapType.hasher`) and called through them: fixed-size memory
//!   (`rgo_memhash8..128`), strings, floats (where `+0 == -0` must hash alike and a NaN is
//!   unequal to everything, itself included, so it hashes to a fresh random value), complex
//!   numbers, interfaces (hash/compare the dynamic value through the dynamic type).
//! * **The descriptor walker** ([`typehash`], [`typeequal`]) handles everything else:
//!   regular memory of any size, arrays element by element, structs field by field
//!   (skipping blank fields and padding). A C function cannot close over a size or a type,
//!   so instead of generating wrappers, a map type with a null `hasher` hashes by walking
//!   its key's descriptor, and an `equal` field holding the [`rgo_walkequal`] marker means
//!   "compare by walking". Interface hashing always walks (as gc's `typehash` does), so the
//!   hash of a value never depends on which code path reached it.
//!
//! # Invariants
//!
//! * Within one map, every key is hashed by the same function with the same seed, so
//!   equal keys hash alike: the map calls `hasher` (or walks when it is null) and nothing
//!   else; the fast-path entry points call exactly the function the descriptor names.
//! * Hash and equality agree: `eq(p, q)` implies `hash(p) == hash(q)` (floats normalise
//!   `-0`; blank fields and padding are skipped by both).
//! * Uncomparable dynamic types panic with gc's texts: `hash of unhashable type T`,
//!   `comparing uncomparable type T` (both `runtime error:`s).
//!
//! # Rejected alternatives
//!
//! * Hardware AES hashing (gc's aeshash): faster on long keys but needs target-feature
//!   dispatch; the multiply-mix hash is within a small factor and portable.
//! * Generating a hash/equal function per struct key type in codegen: gc does this, and
//!   codegen may still do so (any C function with the right signature works), but the
//!   walker makes it unnecessary for correctness.

use core::cell::Cell;
use std::sync::OnceLock;

use super::typedesc::{ArrayType, InterfaceType, Itab, StructType, Type};
use super::{panic_message, static_concat};
use crate::g::G;
use rgo_abi::Kind;

// ---- the memory hash ----

const P0: u64 = 0x9e37_79b9_7f4a_7c15;
const P1: u64 = 0xc2b2_ae3d_27d4_eb4f;
const P2: u64 = 0x1656_67b1_9e37_79f9;
const P3: u64 = 0x27d4_eb2f_1656_67c5;

static SECRETS: OnceLock<[u64; 4]> = OnceLock::new();

fn init_secrets() -> [u64; 4] {
    let mut buf = [0u8; 32];
    // SAFETY: getrandom writes at most `buf.len()` bytes into `buf`.
    let n = unsafe { libc::getrandom(buf.as_mut_ptr().cast(), buf.len(), 0) };
    if n != buf.len() as isize {
        // No kernel randomness: fall back to the clock and an address (ASLR).
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: clock_gettime fills `ts`.
        unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
        let x = (ts.tv_nsec as u64) ^ ((ts.tv_sec as u64) << 32) ^ (&buf as *const _ as u64);
        for (i, c) in buf.chunks_mut(8).enumerate() {
            c.copy_from_slice(&mum(x ^ P0, P1.wrapping_add(i as u64)).to_le_bytes());
        }
    }
    let mut k = [0u64; 4];
    for (i, c) in buf.chunks(8).enumerate() {
        // Odd secrets keep every multiply invertible in its low half.
        k[i] = u64::from_le_bytes(c.try_into().unwrap()) | 1;
    }
    k
}

#[inline(always)]
fn secrets() -> &'static [u64; 4] {
    SECRETS.get_or_init(init_secrets)
}

#[inline(always)]
fn mul128(a: u64, b: u64) -> (u64, u64) {
    let r = (a as u128) * (b as u128);
    (r as u64, (r >> 64) as u64)
}

#[inline(always)]
fn mum(a: u64, b: u64) -> u64 {
    let (lo, hi) = mul128(a, b);
    lo ^ hi
}

/// The last step shared by every memory hash: mixes the two folded words, the running
/// state and the length.
#[inline(always)]
fn finish(a: u64, b: u64, s: u64, len: u64, k: &[u64; 4]) -> u64 {
    let (lo, hi) = mul128(a ^ k[1], b ^ s);
    mum(lo ^ k[0] ^ len, hi ^ k[1])
}

/// # Safety
/// `p` must point to 8 readable bytes.
#[inline(always)]
unsafe fn r8(p: *const u8) -> u64 {
    // SAFETY: by contract.
    unsafe { (p as *const u64).read_unaligned() }
}

/// # Safety
/// `p` must point to 4 readable bytes.
#[inline(always)]
unsafe fn r4(p: *const u8) -> u64 {
    // SAFETY: by contract.
    unsafe { (p as *const u32).read_unaligned() as u64 }
}

/// Hashes `len` bytes at `p` with `seed`. Inputs of up to 16 bytes (most map keys) are
/// hashed inline; longer ones by [`memhash_long`].
///
/// # Safety
/// `p` must point to `len` readable bytes (any value when `len` is 0).
#[inline(always)]
pub unsafe fn memhash(p: *const u8, len: usize, seed: usize) -> usize {
    if len > 16 {
        // SAFETY: by contract.
        return unsafe { memhash_long(p, len, seed) };
    }
    let k = secrets();
    let (a, b);
    // SAFETY: every read below stays within `p[..len]`.
    unsafe {
        if len >= 4 {
            let q = (len >> 3) << 2;
            a = (r4(p) << 32) | r4(p.add(q));
            b = (r4(p.add(len - 4)) << 32) | r4(p.add(len - 4 - q));
        } else if len > 0 {
            a = ((*p as u64) << 16) | ((*p.add(len >> 1) as u64) << 8) | *p.add(len - 1) as u64;
            b = 0;
        } else {
            a = 0;
            b = 0;
        }
    }
    finish(a, b, seed as u64 ^ k[0], len as u64, k) as usize
}

/// [`memhash`] of more than 16 bytes.
///
/// # Safety
/// `p` must point to `len > 16` readable bytes.
#[inline(never)]
unsafe fn memhash_long(p: *const u8, len: usize, seed: usize) -> usize {
    let k = secrets();
    let mut s = seed as u64 ^ k[0];
    let (a, b);
    // SAFETY: every read below stays within `p[..len]`.
    unsafe {
        let mut q = p;
        let mut i = len;
        if i > 48 {
            let (mut s1, mut s2) = (s, s);
            while i > 48 {
                s = mum(r8(q) ^ k[1], r8(q.add(8)) ^ s);
                s1 = mum(r8(q.add(16)) ^ k[2], r8(q.add(24)) ^ s1);
                s2 = mum(r8(q.add(32)) ^ k[3], r8(q.add(40)) ^ s2);
                q = q.add(48);
                i -= 48;
            }
            s ^= s1 ^ s2;
        }
        while i > 16 {
            s = mum(r8(q) ^ k[1], r8(q.add(8)) ^ s);
            q = q.add(16);
            i -= 16;
        }
        // The last 16 bytes of the input (overlapping what was folded: len > 16).
        a = r8(q.add(i).sub(16));
        b = r8(q.add(i).sub(8));
    }
    finish(a, b, s, len as u64, k) as usize
}

#[inline(always)]
fn hash_word(x: u64, seed: usize, len: u64) -> usize {
    let k = secrets();
    finish(x, x.rotate_left(32), seed as u64 ^ k[0], len, k) as usize
}

/// The hash `rgo_memhash32` computes, of the value rather than its address (the maps'
/// fast paths inline it).
#[inline(always)]
pub fn hash32(x: u32, seed: usize) -> usize {
    hash_word(x as u64, seed, 4)
}

/// The hash `rgo_memhash64` computes, of the value.
#[inline(always)]
pub fn hash64(x: u64, seed: usize) -> usize {
    hash_word(x, seed, 8)
}

// ---- fastrand ----

thread_local! {
    static RAND: Cell<u64> = const { Cell::new(0) };
}

/// A fast per-thread pseudo-random number (Go's fastrand64): wyrand over a per-thread
/// state seeded from the process secrets and the thread.
pub fn fastrand64() -> u64 {
    RAND.with(|c| {
        let mut s = c.get();
        if s == 0 {
            s = secrets()[3] ^ (c as *const Cell<u64> as u64).wrapping_mul(P2);
        }
        s = s.wrapping_add(P0);
        c.set(s);
        mum(s, s ^ P3)
    })
}

pub fn fastrand() -> u32 {
    fastrand64() as u32
}

// ---- hashes referenced from descriptors ----

/// `memhash` with the C signature (`rgo_abi::lang::MEMHASH`).
///
/// # Safety
/// `p` must point to `len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_memhash(p: *const u8, len: usize, seed: usize) -> usize {
    // SAFETY: by contract.
    unsafe { memhash(p, len, seed) }
}

/// Hash of a zero-size value: the seed, mixed.
#[unsafe(no_mangle)]
pub extern "C" fn rgo_memhash0(_p: *const u8, seed: usize) -> usize {
    hash_word(0, seed, 0)
}

/// # Safety
/// `p` must point to 1 readable byte.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_memhash8(p: *const u8, seed: usize) -> usize {
    // SAFETY: by contract.
    hash_word(unsafe { *p } as u64, seed, 1)
}

/// # Safety
/// `p` must point to 2 readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_memhash16(p: *const u8, seed: usize) -> usize {
    // SAFETY: by contract.
    hash_word(
        unsafe { (p as *const u16).read_unaligned() } as u64,
        seed,
        2,
    )
}

/// # Safety
/// `p` must point to 4 readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_memhash32(p: *const u8, seed: usize) -> usize {
    // SAFETY: by contract.
    hash32(unsafe { (p as *const u32).read_unaligned() }, seed)
}

/// # Safety
/// `p` must point to 8 readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_memhash64(p: *const u8, seed: usize) -> usize {
    // SAFETY: by contract.
    hash64(unsafe { r8(p) }, seed)
}

/// # Safety
/// `p` must point to 16 readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_memhash128(p: *const u8, seed: usize) -> usize {
    let k = secrets();
    // SAFETY: by contract.
    let (a, b) = unsafe { (r8(p), r8(p.add(8))) };
    finish(a, b, seed as u64 ^ k[0], 16, k) as usize
}

/// Hash of the Go string at `p`.
///
/// # Safety
/// `p` must point to a valid Go string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_strhash(p: *const u8, seed: usize) -> usize {
    // SAFETY: by contract, `p` holds `{ptr, len}` describing readable bytes.
    unsafe {
        let s = &*(p as *const crate::string::GoString);
        memhash(s.ptr, s.len as usize, seed)
    }
}

/// A NaN's hash: random, so NaN keys spread over the buckets instead of piling up.
fn nan_hash(seed: usize) -> usize {
    mum(seed as u64 ^ fastrand64(), P1) as usize
}

/// Hash of the float32 at `p`.
///
/// # Safety
/// `p` must point to 4 readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_f32hash(p: *const u8, seed: usize) -> usize {
    // SAFETY: by contract.
    let f = unsafe { (p as *const f32).read_unaligned() };
    if f == 0.0 {
        hash_word(0, seed, 4)
    } else if f.is_nan() {
        nan_hash(seed)
    } else {
        hash_word(f.to_bits() as u64, seed, 4)
    }
}

/// Hash of the float64 at `p`.
///
/// # Safety
/// `p` must point to 8 readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_f64hash(p: *const u8, seed: usize) -> usize {
    // SAFETY: by contract.
    let f = unsafe { (p as *const f64).read_unaligned() };
    if f == 0.0 {
        hash_word(0, seed, 8)
    } else if f.is_nan() {
        nan_hash(seed)
    } else {
        hash_word(f.to_bits(), seed, 8)
    }
}

/// Hash of the complex64 at `p` (real part, then imaginary part).
///
/// # Safety
/// `p` must point to 8 readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_c64hash(p: *const u8, seed: usize) -> usize {
    // SAFETY: by contract.
    unsafe { rgo_f32hash(p.add(4), rgo_f32hash(p, seed)) }
}

/// Hash of the complex128 at `p`.
///
/// # Safety
/// `p` must point to 16 readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_c128hash(p: *const u8, seed: usize) -> usize {
    // SAFETY: by contract.
    unsafe { rgo_f64hash(p.add(8), rgo_f64hash(p, seed)) }
}

/// Hashes a dynamic value of type `t` held in an interface whose data word is at `data`.
///
/// # Safety
/// `t` must be a valid descriptor and `data` point to the interface's data word.
unsafe fn hash_dynamic(t: *const Type, data: *const u8, seed: usize) -> usize {
    // SAFETY: by contract.
    let t = unsafe { &*t };
    if t.equal.is_none() {
        unhashable(t)
    }
    let p = if t.is_direct_iface() {
        data
    } else {
        // SAFETY: a boxed value: the data word points at it.
        unsafe { *(data as *const *const u8) }
    };
    // SAFETY: `p` points at a value of type `t`.
    let h = unsafe { typehash(t, p, seed ^ P2 as usize) };
    (h as u64).wrapping_mul(P3) as usize
}

/// Hash of the non-empty interface value at `p` (`{itab, data}`).
///
/// # Safety
/// `p` must point to a valid interface value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_interhash(p: *const u8, seed: usize) -> usize {
    // SAFETY: by contract.
    unsafe {
        let tab = *(p as *const *const Itab);
        if tab.is_null() {
            return seed;
        }
        hash_dynamic((*tab).typ, p.add(8), seed)
    }
}

/// Hash of the empty interface value at `p` (`{type, data}`).
///
/// # Safety
/// `p` must point to a valid interface value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_nilinterhash(p: *const u8, seed: usize) -> usize {
    // SAFETY: by contract.
    unsafe {
        let t = *(p as *const *const Type);
        if t.is_null() {
            return seed;
        }
        hash_dynamic(t, p.add(8), seed)
    }
}

fn unhashable(t: &Type) -> ! {
    panic_message(static_concat(&[b"hash of unhashable type ", t.string()]))
}

fn uncomparable(g: *mut G, t: &Type) -> ! {
    super::panic_message_g(
        g,
        static_concat(&[b"comparing uncomparable type ", t.string()]),
    )
}

/// Hashes the value of type `t` at `p` by walking the descriptor (Go's typehash).
///
/// # Safety
/// `t` must be a valid descriptor and `p` point to a value of that type.
pub unsafe fn typehash(t: &Type, p: *const u8, seed: usize) -> usize {
    // SAFETY (whole body): `p` points at a value of type `t`, so each field / element
    // address computed from the descriptor is inside it.
    unsafe {
        if t.is_regular_memory() {
            return match t.size {
                0 => rgo_memhash0(p, seed),
                1 => rgo_memhash8(p, seed),
                2 => rgo_memhash16(p, seed),
                4 => rgo_memhash32(p, seed),
                8 => rgo_memhash64(p, seed),
                16 => rgo_memhash128(p, seed),
                n => memhash(p, n, seed),
            };
        }
        match t.kind() {
            Kind::Float32 => rgo_f32hash(p, seed),
            Kind::Float64 => rgo_f64hash(p, seed),
            Kind::Complex64 => rgo_c64hash(p, seed),
            Kind::Complex128 => rgo_c128hash(p, seed),
            Kind::String => rgo_strhash(p, seed),
            Kind::Interface => {
                if t.ext::<InterfaceType>().methods().is_empty() {
                    rgo_nilinterhash(p, seed)
                } else {
                    rgo_interhash(p, seed)
                }
            }
            Kind::Array => {
                let a = t.ext::<ArrayType>();
                let e = &*a.elem;
                let mut h = seed;
                for i in 0..a.len {
                    h = typehash(e, p.add(i * e.size), h);
                }
                h
            }
            Kind::Struct => {
                let mut h = seed;
                for f in t.ext::<StructType>().fields() {
                    if f.is_blank() {
                        continue;
                    }
                    h = typehash(&*f.typ, p.add(f.offset()), h);
                }
                h
            }
            Kind::Bool
            | Kind::Int
            | Kind::Int8
            | Kind::Int16
            | Kind::Int32
            | Kind::Int64
            | Kind::Uint
            | Kind::Uint8
            | Kind::Uint16
            | Kind::Uint32
            | Kind::Uint64
            | Kind::Uintptr
            | Kind::Pointer
            | Kind::Chan
            | Kind::UnsafePointer => memhash(p, t.size, seed),
            _ => unhashable(t),
        }
    }
}

/// `rgo_abi::lang::TYPEHASH`.
///
/// # Safety
/// As for [`typehash`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_typehash(t: *const Type, p: *const u8, seed: usize) -> usize {
    // SAFETY: by contract.
    unsafe { typehash(&*t, p, seed) }
}

// ---- equality ----

/// `*p == *q` for values of type `t`: through `t.equal`, or by walking the descriptor when
/// it holds the [`rgo_walkequal`] marker. Panics (on `g`) for an uncomparable type.
///
/// # Safety
/// `t` must be a valid descriptor and `p`, `q` point to values of that type.
pub unsafe fn typeequal(g: *mut G, t: &Type, p: *const u8, q: *const u8) -> bool {
    match t.equal {
        None => uncomparable(g, t),
        Some(f) if f as *const () == rgo_walkequal as *const () => {
            // SAFETY: by contract.
            unsafe { walkequal(g, t, p, q) }
        }
        // SAFETY: `equal` compares two values of its type.
        Some(f) => unsafe { f(p, q) },
    }
}

/// # Safety
/// As for [`typeequal`].
unsafe fn walkequal(g: *mut G, t: &Type, p: *const u8, q: *const u8) -> bool {
    // SAFETY (whole body): `p`, `q` point at values of type `t`; field and element
    // addresses come from the descriptor.
    unsafe {
        if t.is_regular_memory() {
            return memeq(p, q, t.size);
        }
        match t.kind() {
            Kind::Float32 => rgo_f32equal(p, q),
            Kind::Float64 => rgo_f64equal(p, q),
            Kind::Complex64 => rgo_c64equal(p, q),
            Kind::Complex128 => rgo_c128equal(p, q),
            Kind::String => rgo_strequal(p, q),
            Kind::Interface => {
                let (x, y) = (p as *const [*const u8; 2], q as *const [*const u8; 2]);
                if (*x)[0] != (*y)[0] {
                    return false;
                }
                if t.ext::<InterfaceType>().methods().is_empty() {
                    efaceeq(g, (*x)[0] as *const Type, (*x)[1], (*y)[1])
                } else {
                    ifaceeq(g, (*x)[0] as *const Itab, (*x)[1], (*y)[1])
                }
            }
            Kind::Array => {
                let a = t.ext::<ArrayType>();
                let e = &*a.elem;
                (0..a.len).all(|i| typeequal(g, e, p.add(i * e.size), q.add(i * e.size)))
            }
            Kind::Struct => t.ext::<StructType>().fields().iter().all(|f| {
                f.is_blank() || typeequal(g, &*f.typ, p.add(f.offset()), q.add(f.offset()))
            }),
            Kind::Bool
            | Kind::Int
            | Kind::Int8
            | Kind::Int16
            | Kind::Int32
            | Kind::Int64
            | Kind::Uint
            | Kind::Uint8
            | Kind::Uint16
            | Kind::Uint32
            | Kind::Uint64
            | Kind::Uintptr
            | Kind::Pointer
            | Kind::Chan
            | Kind::UnsafePointer => memeq(p, q, t.size),
            _ => uncomparable(g, t),
        }
    }
}

/// # Safety
/// `p` and `q` must point to `n` readable bytes (any value, even null, when `n` is 0).
unsafe fn memeq(p: *const u8, q: *const u8, n: usize) -> bool {
    // SAFETY: by contract.
    n == 0
        || p == q
        || unsafe { core::slice::from_raw_parts(p, n) == core::slice::from_raw_parts(q, n) }
}

/// `rgo_abi::lang::TYPEEQUAL`.
///
/// # Safety
/// As for [`typeequal`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_typeequal(
    g: *mut G,
    t: *const Type,
    p: *const u8,
    q: *const u8,
) -> bool {
    // SAFETY: by contract.
    unsafe { typeequal(g, &*t, p, q) }
}

/// The "compare by walking the descriptor" marker; never called legitimately.
#[unsafe(no_mangle)]
pub extern "C" fn rgo_walkequal(_p: *const u8, _q: *const u8) -> bool {
    crate::panic::throw("rgo_walkequal called directly (compare through rgo_typeequal)")
}

/// Always true: values of size 0.
#[unsafe(no_mangle)]
pub extern "C" fn rgo_memequal0(_p: *const u8, _q: *const u8) -> bool {
    true
}

macro_rules! memequal {
    ($name:ident, $t:ty) => {
        /// Compares two fixed-size values.
        ///
        /// # Safety
        /// `p` and `q` must point to values of that size.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $name(p: *const u8, q: *const u8) -> bool {
            // SAFETY: by contract.
            unsafe { (p as *const $t).read_unaligned() == (q as *const $t).read_unaligned() }
        }
    };
}
memequal!(rgo_memequal8, u8);
memequal!(rgo_memequal16, u16);
memequal!(rgo_memequal32, u32);
memequal!(rgo_memequal64, u64);
memequal!(rgo_memequal128, u128);
memequal!(rgo_f32equal, f32);
memequal!(rgo_f64equal, f64);

/// # Safety
/// `p` and `q` must point to complex64 values.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_c64equal(p: *const u8, q: *const u8) -> bool {
    // SAFETY: by contract.
    unsafe { rgo_f32equal(p, q) && rgo_f32equal(p.add(4), q.add(4)) }
}

/// # Safety
/// `p` and `q` must point to complex128 values.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_c128equal(p: *const u8, q: *const u8) -> bool {
    // SAFETY: by contract.
    unsafe { rgo_f64equal(p, q) && rgo_f64equal(p.add(8), q.add(8)) }
}

/// # Safety
/// `p` and `q` must point to valid Go strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_strequal(p: *const u8, q: *const u8) -> bool {
    // SAFETY: by contract.
    unsafe {
        let (a, b) = (
            &*(p as *const crate::string::GoString),
            &*(q as *const crate::string::GoString),
        );
        str_equal(a, b)
    }
}

/// Equality of two Go strings (what `rgo_strequal` computes).
///
/// # Safety
/// Both strings describe readable bytes.
#[inline(always)]
pub unsafe fn str_equal(a: &crate::string::GoString, b: &crate::string::GoString) -> bool {
    // SAFETY: by contract.
    a.len == b.len && (a.ptr == b.ptr || unsafe { short_memeq(a.ptr, b.ptr, a.len as usize) })
}

/// `memeq` that compares inputs of up to 16 bytes with two overlapping loads per side
/// (map keys are mostly short strings, and a `memcmp` call costs more than they do).
///
/// # Safety
/// `p` and `q` point to `n` readable bytes.
#[inline(always)]
unsafe fn short_memeq(p: *const u8, q: *const u8, n: usize) -> bool {
    // SAFETY: every read stays within the first `n` bytes.
    unsafe {
        if n >= 8 {
            if n > 16 {
                return memeq(p, q, n);
            }
            r8(p) == r8(q) && r8(p.add(n - 8)) == r8(q.add(n - 8))
        } else if n >= 4 {
            r4(p) == r4(q) && r4(p.add(n - 4)) == r4(q.add(n - 4))
        } else {
            (0..n).all(|i| *p.add(i) == *q.add(i))
        }
    }
}

/// Equality of two non-empty interface values.
///
/// # Safety
/// `p` and `q` must point to valid interface values.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_interequal(p: *const u8, q: *const u8) -> bool {
    // SAFETY: by contract.
    unsafe {
        let (x, y) = (
            &*(p as *const [*const u8; 2]),
            &*(q as *const [*const u8; 2]),
        );
        x[0] == y[0] && ifaceeq(core::ptr::null_mut(), x[0] as *const Itab, x[1], y[1])
    }
}

/// Equality of two empty interface values.
///
/// # Safety
/// `p` and `q` must point to valid interface values.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_nilinterequal(p: *const u8, q: *const u8) -> bool {
    // SAFETY: by contract.
    unsafe {
        let (x, y) = (
            &*(p as *const [*const u8; 2]),
            &*(q as *const [*const u8; 2]),
        );
        x[0] == y[0] && efaceeq(core::ptr::null_mut(), x[0] as *const Type, x[1], y[1])
    }
}

/// Equality of the data words `x`, `y` of two interfaces holding dynamic type `t`.
///
/// # Safety
/// `t` must be null or valid and `x`, `y` data words of values of type `t`.
pub unsafe fn efaceeq(g: *mut G, t: *const Type, x: *const u8, y: *const u8) -> bool {
    if t.is_null() {
        return true;
    }
    // SAFETY: by contract.
    let t = unsafe { &*t };
    if t.equal.is_none() {
        uncomparable(g, t)
    }
    if t.is_direct_iface() {
        return x == y;
    }
    // SAFETY: boxed values of type `t`.
    unsafe { typeequal(g, t, x, y) }
}

/// [`efaceeq`] for two non-empty interfaces with itab `tab`.
///
/// # Safety
/// `tab` must be null or valid; `x`, `y` as for [`efaceeq`].
pub unsafe fn ifaceeq(g: *mut G, tab: *const Itab, x: *const u8, y: *const u8) -> bool {
    if tab.is_null() {
        return true;
    }
    // SAFETY: by contract.
    unsafe { efaceeq(g, (*tab).typ, x, y) }
}

/// `rgo_abi::lang::EFACEEQ`.
///
/// # Safety
/// As for [`efaceeq`]; `g` is the calling goroutine or null.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_efaceeq(
    g: *mut G,
    t: *const Type,
    x: *const u8,
    y: *const u8,
) -> bool {
    // SAFETY: by contract.
    unsafe { efaceeq(g, t, x, y) }
}

/// `rgo_abi::lang::IFACEEQ`.
///
/// # Safety
/// As for [`ifaceeq`]; `g` is the calling goroutine or null.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_ifaceeq(
    g: *mut G,
    tab: *const Itab,
    x: *const u8,
    y: *const u8,
) -> bool {
    // SAFETY: by contract.
    unsafe { ifaceeq(g, tab, x, y) }
}
