//! Go maps (Go's map.go and map_fast*.go): a hash table of buckets with incremental growth.
//!
//! # Concepts
//!
//! * **Buckets of 8 slots.** A map value points to an [`Hmap`] header whose `buckets` is an
//!   array of 2^B buckets. A bucket holds 8 *tophash* bytes (the top 8 bits of each slot's
//!   hash, or a small state value: empty, evacuated), then the 8 keys, the 8 elements and
//!   an overflow pointer (layout in `rgo_abi::lang::map`). The low B bits of a hash select
//!   the bucket; the tophash byte filters slots before keys are compared. A full bucket
//!   chains to overflow buckets. Keys or elements bigger than 128 bytes are stored out of
//!   line (the slot holds a pointer).
//! * **Empty states.** `EMPTY_ONE` marks a free slot; `EMPTY_REST` additionally says every
//!   later slot of this bucket and all its overflow buckets is free, so a search can stop
//!   early. Deletion turns a slot into `EMPTY_ONE` and, when it was the last used one,
//!   converts the run of trailing `EMPTY_ONE`s into `EMPTY_REST`.
//! * **Incremental growth.** When the average load passes 6.5 entries per bucket the table
//!   doubles; when there are too many overflow buckets (after many deletes) it is rebuilt
//!   at the same size. Growth allocates the new array and keeps the old one
//!   (`oldbuckets`); every later write first *evacuates* the old bucket it touches plus
//!   one more in order (`nevacuate`), so no single operation pays for the whole copy. On a
//!   doubling, old bucket i splits into new buckets i ("X") and i+2^(B-1) ("Y") by the
//!   next hash bit; the old slots' tophash records which (`EVACUATED_X`/`_Y`) or
//!   `EVACUATED_EMPTY`. Lookups read an old bucket while it is not yet evacuated.
//! * **Iteration** ([`Hiter`], laid out as Go 1.19's `hiter` so that `reflect.hiter` can
//!   match) starts at a random bucket and a random slot offset, and walks the bucket array
//!   it saw at start (`it.buckets`, size 2^it.B). If the map grew since, and the old bucket
//!   feeding the current one is not yet evacuated, the iterator walks that old bucket and
//!   yields only the entries that will land in the current new bucket (`check_bucket`);
//!   entries already moved are looked up again in the live table so deleted or updated
//!   entries are seen as they are now. Hence: every entry present for the whole loop is
//!   produced exactly once, entries deleted before being reached are not produced, and
//!   entries added during the loop may or may not be.
//! * **NaN keys**: `NaN != NaN`, so each insert of a NaN key adds a new entry that no
//!   lookup can find; their hashes are random, and during growth they are split by the
//!   old tophash's low bit instead of the (unrepeatable) hash, so iterators stay
//!   consistent.
//! * **Nil maps** read as empty; writing one panics `assignment to entry in nil map`.
//! * **Missing keys** read as a pointer to a zeroed area (`ZERO_VAL`; a read-only mapping
//!   for elements larger than `ZERO_VAL_SIZE`), so generated code never branches on
//!   absence for `m[k]`.
//! * **Searching a bucket** reads its 8 tophash bytes as one word and finds the slots
//!   whose byte matches (or that are empty) with a few ALU operations (`match_top`,
//!   `match_empty`); keys are compared only behind a matching byte, and the chain ends at
//!   a bucket whose last byte is `EMPTY_REST`. The bytes usually come from a cache miss,
//!   so one branch per bucket instead of one per slot keeps mispredictions from stalling
//!   the independent lookups the CPU overlaps with it.
//! * **Fast paths**: every operation, evacuation included, is written once, generic over a
//!   `KeyOps` (how keys are hashed and compared, and their slot size when fixed);
//!   monomorphising it for 32-bit, 64-bit and string keys gives the `_fast*` entry points
//!   that codegen calls for such keys (gc's `mapaccess1_fast64` & co.): the key arrives
//!   by value, its hash and comparison are inlined (no indirect hasher/equal calls), slot
//!   offsets are constant multiples, and keys and elements of one or two words are moved
//!   without `memmove`. A fast path hashes exactly as the descriptor's `hasher` does, so
//!   generic and fast operations (and the iterator, which is generic) can share a map.
//! * **Races** are detected on a best-effort basis, as in gc: a writer sets `HASH_WRITING`
//!   for the duration of an operation, and anyone who sees it set throws `concurrent map
//!   writes` / `concurrent map read and map write`.
//!
//! # Invariants
//!
//! * `count` is the number of live entries and is the header's first word (`len(m)` is a
//!   load in generated code).
//! * A key lives in exactly one place: its bucket in `buckets` (or that bucket's
//!   overflow chain), or, while its old bucket is not evacuated, in `oldbuckets`.
//! * `oldbuckets != null` exactly while growing; `nevacuate` old buckets below it are
//!   evacuated.
//! * In a live chain, every slot after an `EMPTY_REST` slot (in its bucket and the
//!   overflow buckets after it) is `EMPTY_REST`: inserts fill the first free slot,
//!   evacuation fills new buckets from slot 0, and deletion only turns a trailing run of
//!   `EMPTY_ONE`s into `EMPTY_REST`. Searches rely on it to stop at a bucket whose last
//!   byte is `EMPTY_REST`.
//! * Overflow buckets of pointer-free bucket types are recorded in `extra.overflow` so the
//!   (future, precise) collector keeps them alive even though it does not scan buckets.
//!
//! # Rejected alternatives
//!
//! * Open addressing with SwissTable-style groups (Rust's HashMap, Go ≥ 1.24): faster, but
//!   Go 1.19's iteration semantics (growth during iteration, `reflect.hiter` layout) are
//!   defined by this design, and upstream reflect reads it.
//! * Growing all at once: simpler, but a single insert could then take time proportional
//!   to the map's size, and live iterators would have to be invalidated.

use core::ptr::null_mut;
use core::sync::atomic::{AtomicU8, Ordering};

use super::alg::{fastrand, fastrand64, hash32, hash64, memhash, str_equal};
use super::alg::{typeequal, typehash};
use super::typedesc::{MapType, Type};
use crate::g::G;
use crate::lock::Locked;
use crate::malloc::{malloc, mallocgc, Layout};
use crate::panic::throw;
use crate::string::GoString;
use rgo_abi::lang::map as abi;

const BUCKET_CNT: usize = abi::BUCKET_CNT as usize;
const DATA_OFFSET: usize = abi::DATA_OFFSET as usize;
/// Maximum average load of a bucket that triggers growth: 6.5 = 13/2.
const LOAD_FACTOR_NUM: usize = 13;
const LOAD_FACTOR_DEN: usize = 2;
/// Largest object the allocator can hand out (amd64's 48-bit address space).
const MAX_ALLOC: u128 = 1 << 48;

// tophash states. Values below MIN_TOP_HASH are states; real tophashes are bumped above.
/// This slot and all later ones (and overflow buckets) are empty.
const EMPTY_REST: u8 = 0;
/// This slot is empty.
const EMPTY_ONE: u8 = 1;
/// The entry moved to the first half of the bigger table.
const EVACUATED_X: u8 = 2;
/// The entry moved to the second half.
const EVACUATED_Y: u8 = 3;
/// The slot was empty when its bucket was evacuated.
const EVACUATED_EMPTY: u8 = 4;
const MIN_TOP_HASH: u8 = 5;

// hmap flags
/// There may be an iterator using `buckets`.
const ITERATOR: u8 = 1;
/// There may be an iterator using `oldbuckets`.
const OLD_ITERATOR: u8 = 2;
/// A goroutine is writing the map.
const HASH_WRITING: u8 = 4;
/// The current growth keeps the size.
const SAME_SIZE_GROW: u8 = 8;

/// `check_bucket` value meaning "no filtering".
const NO_CHECK: usize = 1 << 63;

/// The map header (Go's `hmap`; offsets in `rgo_abi::lang::map::hmap`).
#[repr(C)]
pub struct Hmap {
    pub count: i64,
    flags: u8,
    b: u8,
    noverflow: u16,
    hash0: u32,
    buckets: *mut u8,
    oldbuckets: *mut u8,
    nevacuate: usize,
    extra: *mut MapExtra,
}

/// Fields not every map needs (Go's `mapextra`).
#[repr(C)]
struct MapExtra {
    /// Overflow buckets of `buckets` / `oldbuckets` (pointer-free bucket types only).
    overflow: *mut OvfList,
    oldoverflow: *mut OvfList,
    /// Next preallocated overflow bucket.
    next_overflow: *mut u8,
}

/// A Go `[]*bmap`.
#[repr(C)]
struct OvfList {
    ptr: *mut *mut u8,
    len: usize,
    cap: usize,
}

/// A range loop's state (Go's `hiter`; offsets in `rgo_abi::lang::map::hiter`).
#[repr(C)]
pub struct Hiter {
    pub key: *mut u8,
    pub elem: *mut u8,
    t: *const MapType,
    h: *mut Hmap,
    buckets: *mut u8,
    bptr: *mut u8,
    overflow: *mut OvfList,
    oldoverflow: *mut OvfList,
    start_bucket: usize,
    offset: u8,
    wrapped: bool,
    b: u8,
    i: u8,
    bucket: usize,
    check_bucket: usize,
}

const _: () = {
    use abi::{hiter as hi, hmap as hm};
    use core::mem::{offset_of, size_of};
    assert!(offset_of!(Hmap, count) == hm::COUNT as usize);
    assert!(offset_of!(Hmap, flags) == hm::FLAGS as usize);
    assert!(offset_of!(Hmap, b) == hm::B as usize);
    assert!(offset_of!(Hmap, noverflow) == hm::NOVERFLOW as usize);
    assert!(offset_of!(Hmap, hash0) == hm::HASH0 as usize);
    assert!(offset_of!(Hmap, buckets) == hm::BUCKETS as usize);
    assert!(offset_of!(Hmap, oldbuckets) == hm::OLDBUCKETS as usize);
    assert!(offset_of!(Hmap, nevacuate) == hm::NEVACUATE as usize);
    assert!(offset_of!(Hmap, extra) == hm::EXTRA as usize);
    assert!(size_of::<Hmap>() == hm::SIZE as usize);
    assert!(offset_of!(Hiter, key) == hi::KEY as usize);
    assert!(offset_of!(Hiter, elem) == hi::ELEM as usize);
    assert!(offset_of!(Hiter, t) == hi::T as usize);
    assert!(offset_of!(Hiter, h) == hi::H as usize);
    assert!(offset_of!(Hiter, buckets) == hi::BUCKETS as usize);
    assert!(offset_of!(Hiter, bptr) == hi::BPTR as usize);
    assert!(offset_of!(Hiter, overflow) == hi::OVERFLOW as usize);
    assert!(offset_of!(Hiter, oldoverflow) == hi::OLDOVERFLOW as usize);
    assert!(offset_of!(Hiter, start_bucket) == hi::START_BUCKET as usize);
    assert!(offset_of!(Hiter, offset) == hi::OFFSET as usize);
    assert!(offset_of!(Hiter, wrapped) == hi::WRAPPED as usize);
    assert!(offset_of!(Hiter, b) == hi::B as usize);
    assert!(offset_of!(Hiter, i) == hi::I as usize);
    assert!(offset_of!(Hiter, bucket) == hi::BUCKET as usize);
    assert!(offset_of!(Hiter, check_bucket) == hi::CHECK_BUCKET as usize);
    assert!(size_of::<Hiter>() == hi::SIZE as usize);
};

// ---- write-barrier hooks ----
//
// Every pointer store into a map's heap memory (header, buckets, overflow lists,
// out-of-line keys and elements, heap-allocated iterators) goes through `store_ptr` /
// `wb!`, and every copy of a key or element through `typedmemmove`, so the concurrent
// collector's write barrier is applied in exactly these places.

/// Stores `v` into the pointer slot `slot`.
///
/// # Safety
/// `slot` is a valid, aligned pointer slot.
#[inline(always)]
unsafe fn store_ptr(slot: *mut *mut u8, v: *mut u8) {
    crate::mem::mbarrier::bulk_barrier_pre_write(slot as *const u8, 8);
    // SAFETY: by contract.
    unsafe { *slot = v }
}

/// `wb!(place, value)`: stores a pointer into the field `place` through [`store_ptr`].
macro_rules! wb {
    ($place:expr, $v:expr) => {
        store_ptr(
            core::ptr::addr_of_mut!($place) as *mut *mut u8,
            $v as *mut u8,
        )
    };
}

// ---- the map type ----

impl MapType {
    fn key(&self) -> &'static Type {
        // SAFETY: a map type's key descriptor is valid and lives forever.
        unsafe { &*self.key }
    }
    fn elem(&self) -> &'static Type {
        // SAFETY: as for the key.
        unsafe { &*self.elem }
    }
    fn indirect_key(&self) -> bool {
        self.flags & abi::INDIRECT_KEY != 0
    }
    fn indirect_elem(&self) -> bool {
        self.flags & abi::INDIRECT_ELEM != 0
    }
    fn reflexive_key(&self) -> bool {
        self.flags & abi::REFLEXIVE_KEY != 0
    }
    fn need_key_update(&self) -> bool {
        self.flags & abi::NEED_KEY_UPDATE != 0
    }
    fn hash_might_panic(&self) -> bool {
        self.flags & abi::HASH_MIGHT_PANIC != 0
    }
    /// Buckets hold no pointers, so the collector will not scan them (and overflow
    /// buckets must be kept alive through `extra.overflow`). Unknown (no bucket
    /// descriptor) counts as "has pointers".
    fn bucket_noscan(&self) -> bool {
        // SAFETY: a non-null bucket descriptor is valid.
        !self.bucket.is_null() && unsafe { (*self.bucket).ptrdata == 0 }
    }
}

// ---- how keys are hashed and compared ----

/// Hashing and comparing keys of one representation; the map code is generic over it.
trait KeyOps {
    /// The key slot size when it is fixed by the representation (the `_fast*` paths,
    /// whose keys are always stored inline), so that slot addresses are constant
    /// multiples; `None`: read `keysize` and the indirection flag from the descriptor.
    const SLOT: Option<usize>;
    /// # Safety
    /// `k` points to a key of the map's key type.
    unsafe fn hash(t: &MapType, k: *const u8, seed: usize) -> usize;
    /// # Safety
    /// `a`, `b` point to keys of the map's key type.
    unsafe fn equal(t: &MapType, a: *const u8, b: *const u8) -> bool;
}

/// Any key type, through the descriptor.
struct Generic;
impl KeyOps for Generic {
    const SLOT: Option<usize> = None;
    #[inline(always)]
    unsafe fn hash(t: &MapType, k: *const u8, seed: usize) -> usize {
        // SAFETY: by contract.
        unsafe {
            match t.hasher {
                Some(f) => f(k, seed),
                None => typehash(t.key(), k, seed),
            }
        }
    }
    #[inline(always)]
    unsafe fn equal(t: &MapType, a: *const u8, b: *const u8) -> bool {
        // SAFETY: by contract.
        unsafe { typeequal(null_mut(), t.key(), a, b) }
    }
}

/// 4-byte keys hashed as `rgo_memhash32` hashes them.
struct K32;
impl KeyOps for K32 {
    const SLOT: Option<usize> = Some(4);
    #[inline(always)]
    unsafe fn hash(_t: &MapType, k: *const u8, seed: usize) -> usize {
        // SAFETY: by contract.
        hash32(unsafe { (k as *const u32).read_unaligned() }, seed)
    }
    #[inline(always)]
    unsafe fn equal(_t: &MapType, a: *const u8, b: *const u8) -> bool {
        // SAFETY: by contract.
        unsafe { (a as *const u32).read_unaligned() == (b as *const u32).read_unaligned() }
    }
}

/// 8-byte keys hashed as `rgo_memhash64` hashes them.
struct K64;
impl KeyOps for K64 {
    const SLOT: Option<usize> = Some(8);
    #[inline(always)]
    unsafe fn hash(_t: &MapType, k: *const u8, seed: usize) -> usize {
        // SAFETY: by contract.
        hash64(unsafe { (k as *const u64).read_unaligned() }, seed)
    }
    #[inline(always)]
    unsafe fn equal(_t: &MapType, a: *const u8, b: *const u8) -> bool {
        // SAFETY: by contract.
        unsafe { (a as *const u64).read_unaligned() == (b as *const u64).read_unaligned() }
    }
}

/// String keys hashed as `rgo_strhash` hashes them.
struct KStr;
impl KeyOps for KStr {
    const SLOT: Option<usize> = Some(16);
    #[inline(always)]
    unsafe fn hash(_t: &MapType, k: *const u8, seed: usize) -> usize {
        // SAFETY: by contract.
        unsafe {
            let s = &*(k as *const GoString);
            memhash(s.ptr, s.len as usize, seed)
        }
    }
    #[inline(always)]
    unsafe fn equal(_t: &MapType, a: *const u8, b: *const u8) -> bool {
        // SAFETY: by contract.
        unsafe { str_equal(&*(a as *const GoString), &*(b as *const GoString)) }
    }
}

// ---- buckets ----

#[inline(always)]
fn bucket_shift(b: u8) -> usize {
    1usize << b
}

#[inline(always)]
fn bucket_mask(b: u8) -> usize {
    bucket_shift(b) - 1
}

/// The tophash byte of a hash (never a state value).
#[inline(always)]
fn tophash(hash: usize) -> u8 {
    let top = (hash >> (usize::BITS - 8)) as u8;
    if top < MIN_TOP_HASH {
        top + MIN_TOP_HASH
    } else {
        top
    }
}

#[inline(always)]
fn is_empty(top: u8) -> bool {
    top <= EMPTY_ONE
}

// The eight tophash bytes of a bucket are examined as one little-endian word (byte i is
// slot i): a search costs a few ALU operations and one branch per bucket instead of a
// data-dependent branch per slot, which matters because the bytes usually arrive from a
// cache miss and every mispredicted branch on them stalls the next independent lookup.

const BYTES_LO: u64 = 0x0101_0101_0101_0101;
const BYTES_HI: u64 = 0x8080_8080_8080_8080;

/// The bit 7 of each byte of `w` that is zero, and no other bit (exact: no borrows cross
/// bytes, unlike the shorter `(w - LO) & !w & HI`).
#[inline(always)]
fn zero_bytes(w: u64) -> u64 {
    !(((w & !BYTES_HI).wrapping_add(!BYTES_HI)) | w) & BYTES_HI
}

/// Slots whose tophash is `top`.
#[inline(always)]
fn match_top(w: u64, top: u8) -> u64 {
    zero_bytes(w ^ (BYTES_LO * top as u64))
}

/// Empty slots (`EMPTY_REST` or `EMPTY_ONE`).
#[inline(always)]
fn match_empty(w: u64) -> u64 {
    zero_bytes(w & !BYTES_LO)
}

/// The slot of the lowest bit set by one of the `match_*` functions.
#[inline(always)]
fn first_slot(m: u64) -> usize {
    (m.trailing_zeros() / 8) as usize
}

/// Whether nothing after this bucket's slots (in it or its overflow chain) is in use. An
/// `EMPTY_REST` slot is only ever followed by `EMPTY_REST` slots, so the last one says.
#[inline(always)]
fn rest_empty(w: u64) -> bool {
    (w >> 56) as u8 == EMPTY_REST
}

/// # Safety
/// `b` is a bucket.
#[inline(always)]
unsafe fn tophashes(b: *const u8) -> u64 {
    // SAFETY: a bucket starts with its 8 tophash bytes (and is 8-aligned).
    unsafe { (b as *const u64).read() }
}

// The bucket accessors below take `b`, a pointer to a bucket of `t`'s layout.

/// # Safety
/// `base` points to an array of at least `i + 1` buckets of `t`.
#[inline(always)]
unsafe fn bucket_at(t: &MapType, base: *mut u8, i: usize) -> *mut u8 {
    // SAFETY: by contract.
    unsafe { base.add(i * t.bucketsize as usize) }
}

#[inline(always)]
fn key_size<K: KeyOps>(t: &MapType) -> usize {
    match K::SLOT {
        Some(n) => n,
        None => t.keysize as usize,
    }
}

/// # Safety
/// `b` is a bucket of `t`; `i < 8`.
#[inline(always)]
unsafe fn key_slot<K: KeyOps>(t: &MapType, b: *mut u8, i: usize) -> *mut u8 {
    // SAFETY: by contract: the keys follow the tophash bytes.
    unsafe { b.add(DATA_OFFSET + i * key_size::<K>(t)) }
}

/// # Safety
/// `b` is a bucket of `t`; `i < 8`.
#[inline(always)]
unsafe fn elem_slot<K: KeyOps>(t: &MapType, b: *mut u8, i: usize) -> *mut u8 {
    // SAFETY: by contract: the elements follow the keys.
    unsafe { b.add(DATA_OFFSET + BUCKET_CNT * key_size::<K>(t) + i * t.valuesize as usize) }
}

/// The key stored in a key slot (following the indirection for big keys).
///
/// # Safety
/// `slot` is a key slot of `t`.
#[inline(always)]
unsafe fn stored_key<K: KeyOps>(t: &MapType, slot: *mut u8) -> *mut u8 {
    if K::SLOT.is_none() && t.indirect_key() {
        // SAFETY: an indirect slot holds a pointer to the key.
        unsafe { *(slot as *mut *mut u8) }
    } else {
        slot
    }
}

/// # Safety
/// `slot` is an element slot of `t`.
#[inline(always)]
unsafe fn stored_elem(t: &MapType, slot: *mut u8) -> *mut u8 {
    if t.indirect_elem() {
        // SAFETY: an indirect slot holds a pointer to the element.
        unsafe { *(slot as *mut *mut u8) }
    } else {
        slot
    }
}

/// # Safety
/// `b` is a bucket of `t`.
#[inline(always)]
unsafe fn overflow(t: &MapType, b: *mut u8) -> *mut u8 {
    // SAFETY: the overflow pointer is the bucket's last word.
    unsafe { *(b.add(t.bucketsize as usize - 8) as *mut *mut u8) }
}

/// # Safety
/// `b` is a bucket of `t`.
#[inline(always)]
unsafe fn set_overflow(t: &MapType, b: *mut u8, ovf: *mut u8) {
    // SAFETY: the overflow pointer is the bucket's last word.
    unsafe { store_ptr(b.add(t.bucketsize as usize - 8) as *mut *mut u8, ovf) }
}

/// # Safety
/// `b` is a bucket.
#[inline(always)]
unsafe fn evacuated(b: *mut u8) -> bool {
    // SAFETY: a bucket starts with its tophash bytes.
    let top = unsafe { *b };
    top > EMPTY_ONE && top < MIN_TOP_HASH
}

fn alloc_buckets(t: &MapType, n: usize) -> *mut u8 {
    let size = n
        .checked_mul(t.bucketsize as usize)
        .unwrap_or_else(|| throw("runtime: out of memory"));
    let layout = if t.bucket.is_null() {
        Layout::Conservative
    } else if t.bucket_noscan() {
        Layout::Noscan
    } else {
        Layout::Typed(t.bucket as *const u8, n)
    };
    malloc(size, layout, true, 8)
}

fn new_object(t: &Type) -> *mut u8 {
    let layout = if t.ptrdata == 0 {
        Layout::Noscan
    } else {
        Layout::Typed(t as *const Type as *const u8, 1)
    };
    malloc(t.size, layout, true, t.align as usize)
}

/// # Safety
/// `src` and `dst` point to `t.size` bytes.
#[inline(always)]
unsafe fn typedmemmove(t: &Type, dst: *mut u8, src: *const u8) {
    if t.ptrdata != 0 {
        crate::mem::mbarrier::bulk_barrier_pre_write(dst, t.size);
    }
    // SAFETY: by contract.
    unsafe { move_bytes(dst, src, t.size) }
}

/// Copies `n` bytes; keys and elements are mostly one or two words, and a call of
/// `memmove` for those costs more than the copy.
///
/// # Safety
/// `src` and `dst` point to `n` bytes; the regions are distinct or identical.
#[inline(always)]
unsafe fn move_bytes(dst: *mut u8, src: *const u8, n: usize) {
    // SAFETY: by contract; each value is read completely before it is written.
    unsafe {
        match n {
            8 => (dst as *mut u64).write_unaligned((src as *const u64).read_unaligned()),
            16 => (dst as *mut u128).write_unaligned((src as *const u128).read_unaligned()),
            4 => (dst as *mut u32).write_unaligned((src as *const u32).read_unaligned()),
            _ => core::ptr::copy(src, dst, n),
        }
    }
}

/// A bucket array for 2^b buckets, with preallocated overflow buckets after them when
/// b >= 4. Returns the array and the first spare overflow bucket (or null). The last
/// spare's overflow pointer is set (to the array) to mark the end of the spares.
fn make_bucket_array(t: &MapType, b: u8) -> (*mut u8, *mut u8) {
    let base = bucket_shift(b);
    let mut n = base;
    if b >= 4 {
        n += base >> 4;
    }
    let buckets = alloc_buckets(t, n);
    if n == base {
        return (buckets, null_mut());
    }
    // SAFETY: the array has `n` buckets.
    unsafe {
        let next = bucket_at(t, buckets, base);
        let last = bucket_at(t, buckets, n - 1);
        set_overflow(t, last, buckets);
        (buckets, next)
    }
}

fn over_load_factor(count: i64, b: u8) -> bool {
    count > BUCKET_CNT as i64
        && count as u64 > (LOAD_FACTOR_NUM * (bucket_shift(b) / LOAD_FACTOR_DEN)) as u64
}

fn too_many_overflow_buckets(noverflow: u16, b: u8) -> bool {
    // With few buckets, as many overflow buckets as buckets is too many; past 2^15 the
    // count is approximate (see incr_noverflow).
    let b = b.min(15);
    noverflow >= 1u16 << b
}

impl Hmap {
    fn growing(&self) -> bool {
        !self.oldbuckets.is_null()
    }
    fn same_size_grow(&self) -> bool {
        self.flags & SAME_SIZE_GROW != 0
    }
    fn noldbuckets(&self) -> usize {
        if self.same_size_grow() {
            bucket_shift(self.b)
        } else {
            bucket_shift(self.b - 1)
        }
    }
    fn oldbucketmask(&self) -> usize {
        self.noldbuckets() - 1
    }
    fn extra(&mut self) -> &mut MapExtra {
        if self.extra.is_null() {
            let e = mallocgc(core::mem::size_of::<MapExtra>(), 8);
            // SAFETY: a field of a live map header.
            unsafe { wb!(self.extra, e) };
        }
        // SAFETY: just allocated (zeroed) or set before.
        unsafe { &mut *self.extra }
    }
    /// Counts an overflow bucket; approximately (with probability 1/2^(B-15)) for big
    /// tables, so that the 16-bit counter compares meaningfully with 2^15.
    fn incr_noverflow(&mut self) {
        if self.b < 16 {
            self.noverflow = self.noverflow.wrapping_add(1);
            return;
        }
        let s = self.b - 15;
        let mask = if s >= 32 { u32::MAX } else { (1u32 << s) - 1 };
        if fastrand() & mask == 0 {
            self.noverflow = self.noverflow.wrapping_add(1);
        }
    }
    fn create_overflow(&mut self) {
        let e = self.extra();
        if e.overflow.is_null() {
            let l = mallocgc(core::mem::size_of::<OvfList>(), 8);
            // SAFETY: a field of a live mapextra.
            unsafe { wb!(e.overflow, l) };
        }
    }
    fn flags_atomic(&mut self) -> &AtomicU8 {
        // SAFETY: viewing the flag byte as an atomic (same size and alignment); iterators
        // on several goroutines may set bits concurrently with readers.
        unsafe { AtomicU8::from_ptr(&mut self.flags) }
    }
}

/// Appends `b` to an overflow list.
///
/// # Safety
/// `l` points to a valid list.
unsafe fn ovf_push(l: *mut OvfList, b: *mut u8) {
    // SAFETY: by contract; the list's array has `cap` slots.
    unsafe {
        let l = &mut *l;
        if l.len == l.cap {
            let cap = (l.cap * 2).max(4);
            let p = mallocgc(cap * 8, 8) as *mut *mut u8;
            if l.len > 0 {
                core::ptr::copy_nonoverlapping(l.ptr, p, l.len);
            }
            wb!(l.ptr, p);
            l.cap = cap;
        }
        store_ptr(l.ptr.add(l.len), b);
        l.len += 1;
    }
}

/// Chains a new overflow bucket after `b` and returns it.
///
/// # Safety
/// `b` is the last bucket of a chain of `h`.
unsafe fn new_overflow(t: &MapType, h: &mut Hmap, b: *mut u8) -> *mut u8 {
    // SAFETY: spare buckets belong to the current array; see make_bucket_array.
    unsafe {
        let ovf;
        if !h.extra.is_null() && !(*h.extra).next_overflow.is_null() {
            ovf = (*h.extra).next_overflow;
            if overflow(t, ovf).is_null() {
                wb!((*h.extra).next_overflow, ovf.add(t.bucketsize as usize));
            } else {
                // The last spare: clear its end marker.
                set_overflow(t, ovf, null_mut());
                wb!((*h.extra).next_overflow, null_mut::<u8>());
            }
        } else {
            ovf = alloc_buckets(t, 1);
        }
        h.incr_noverflow();
        if t.bucket_noscan() {
            h.create_overflow();
            ovf_push((*h.extra).overflow, ovf);
        }
        set_overflow(t, b, ovf);
        ovf
    }
}

// ---- the zero value ----

#[repr(C, align(16))]
struct ZeroVal([u8; abi::ZERO_VAL_SIZE as usize]);

static ZERO_VAL: ZeroVal = ZeroVal([0; abi::ZERO_VAL_SIZE as usize]);

/// A read-only zero mapping for elements bigger than `ZERO_VAL` (address, size).
static BIG_ZERO: Locked<(usize, usize)> = Locked::new((0, 0));

/// A pointer to at least `size` zero bytes that are never written.
fn zero_val(size: usize) -> *const u8 {
    if size <= ZERO_VAL.0.len() {
        return ZERO_VAL.0.as_ptr();
    }
    let mut z = BIG_ZERO.lock();
    if z.1 < size {
        let len = size.next_multiple_of(1 << 16);
        // SAFETY: a fresh read-only anonymous mapping (zero pages, no memory used). Older
        // mappings stay mapped: callers may still hold pointers into them.
        let p = unsafe {
            libc::mmap(
                null_mut(),
                len,
                libc::PROT_READ,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            throw("runtime: out of memory");
        }
        *z = (p as usize, len);
    }
    z.0 as *const u8
}

// ---- operations ----

/// `make(map[K]V, hint)`.
fn makemap(t: &MapType, hint: i64) -> *mut Hmap {
    let mut hint = hint;
    if hint < 0 || hint as u128 * t.bucketsize as u128 > MAX_ALLOC {
        hint = 0;
    }
    let hp = mallocgc(core::mem::size_of::<Hmap>(), 8) as *mut Hmap;
    // SAFETY: freshly allocated, zeroed.
    let h = unsafe { &mut *hp };
    h.hash0 = fastrand();
    let mut b = 0u8;
    while over_load_factor(hint, b) {
        b += 1;
    }
    h.b = b;
    // With B == 0 the bucket array is allocated lazily by the first assignment.
    if b != 0 {
        let (buckets, next) = make_bucket_array(t, b);
        // SAFETY: fields of the new header.
        unsafe { wb!(h.buckets, buckets) };
        if !next.is_null() {
            // SAFETY: as above.
            unsafe { wb!(h.extra().next_overflow, next) };
        }
    }
    hp
}

/// Finds `key`: the stored key and element, or nulls.
///
/// # Safety
/// `h` is null or a map of type `t`; `key` points to a key.
#[inline(always)]
unsafe fn lookup<K: KeyOps>(t: &MapType, h: *mut Hmap, key: *const u8) -> (*mut u8, *mut u8) {
    // SAFETY: by contract; bucket pointers come from the map's own arrays.
    unsafe {
        if h.is_null() || (*h).count == 0 {
            if t.hash_might_panic() {
                // An unhashable key must panic even on an empty map.
                K::hash(t, key, 0);
            }
            return (null_mut(), null_mut());
        }
        let h = &*h;
        if h.flags & HASH_WRITING != 0 {
            throw("concurrent map read and map write");
        }
        let hash = K::hash(t, key, h.hash0 as usize);
        let m = bucket_mask(h.b);
        let mut b = bucket_at(t, h.buckets, hash & m);
        if h.growing() {
            let m = if h.same_size_grow() { m } else { m >> 1 };
            let oldb = bucket_at(t, h.oldbuckets, hash & m);
            if !evacuated(oldb) {
                b = oldb;
            }
        }
        let top = tophash(hash);
        loop {
            let w = tophashes(b);
            let mut m = match_top(w, top);
            while m != 0 {
                let i = first_slot(m);
                let k = stored_key::<K>(t, key_slot::<K>(t, b, i));
                if K::equal(t, key, k) {
                    return (k, stored_elem(t, elem_slot::<K>(t, b, i)));
                }
                m &= m - 1;
            }
            if rest_empty(w) {
                return (null_mut(), null_mut());
            }
            b = overflow(t, b);
            if b.is_null() {
                return (null_mut(), null_mut());
            }
        }
    }
}

/// Copies a new key into its slot.
///
/// # Safety
/// `dst` is a key slot (or an out-of-line key) of `t`; `key` points to a key.
#[inline(always)]
unsafe fn store_key<K: KeyOps>(t: &MapType, dst: *mut u8, key: *const u8) {
    // SAFETY: by contract.
    unsafe {
        match K::SLOT {
            Some(n) if t.key().ptrdata == 0 => move_bytes(dst, key, n),
            _ => typedmemmove(t.key(), dst, key),
        }
    }
}

/// Finds or inserts `key`; returns the element slot.
///
/// # Safety
/// `h` is null or a map of type `t`; `key` points to a key.
#[inline(always)]
unsafe fn assign<K: KeyOps>(g: *mut G, t: &MapType, h: *mut Hmap, key: *const u8) -> *mut u8 {
    if h.is_null() {
        super::panic_plain_g(g, "assignment to entry in nil map");
    }
    // SAFETY: by contract; bucket pointers come from the map's own arrays.
    unsafe {
        let h = &mut *h;
        if h.flags & HASH_WRITING != 0 {
            throw("concurrent map writes");
        }
        // Hash before marking the map: the hasher may panic.
        let hash = K::hash(t, key, h.hash0 as usize);
        h.flags ^= HASH_WRITING;
        if h.buckets.is_null() {
            wb!(h.buckets, alloc_buckets(t, 1));
        }
        let top = tophash(hash);
        loop {
            let bucket = hash & bucket_mask(h.b);
            if h.growing() {
                grow_work::<K>(t, h, bucket);
            }
            let mut b = bucket_at(t, h.buckets, bucket);
            // The first free slot of the chain: its bucket and index.
            let mut insertb: *mut u8 = null_mut();
            let mut inserti = 0;
            loop {
                let w = tophashes(b);
                let mut m = match_top(w, top);
                while m != 0 {
                    let i = first_slot(m);
                    let k = stored_key::<K>(t, key_slot::<K>(t, b, i));
                    if K::equal(t, key, k) {
                        // Present: update the key if its representation may differ
                        // (+0/-0, or a string whose old bytes can then be freed).
                        if t.need_key_update() {
                            typedmemmove(t.key(), k, key);
                        }
                        return assign_done(t, h, elem_slot::<K>(t, b, i));
                    }
                    m &= m - 1;
                }
                if insertb.is_null() {
                    let e = match_empty(w);
                    if e != 0 {
                        insertb = b;
                        inserti = first_slot(e);
                    }
                }
                if rest_empty(w) {
                    break;
                }
                let ovf = overflow(t, b);
                if ovf.is_null() {
                    break;
                }
                b = ovf;
            }
            // Absent. Grow first if the table is too full or too scattered, then retry:
            // growing moves everything.
            if !h.growing()
                && (over_load_factor(h.count + 1, h.b)
                    || too_many_overflow_buckets(h.noverflow, h.b))
            {
                hash_grow(t, h);
                continue;
            }
            if insertb.is_null() {
                insertb = new_overflow(t, h, b);
                inserti = 0;
            }
            let mut insertk = key_slot::<K>(t, insertb, inserti);
            let elem = elem_slot::<K>(t, insertb, inserti);
            if K::SLOT.is_none() && t.indirect_key() {
                let kmem = new_object(t.key());
                store_ptr(insertk as *mut *mut u8, kmem);
                insertk = kmem;
            }
            if t.indirect_elem() {
                store_ptr(elem as *mut *mut u8, new_object(t.elem()));
            }
            store_key::<K>(t, insertk, key);
            *insertb.add(inserti) = top;
            h.count += 1;
            return assign_done(t, h, elem);
        }
    }
}

/// # Safety
/// `elem` is an element slot of `h`.
unsafe fn assign_done(t: &MapType, h: &mut Hmap, elem: *mut u8) -> *mut u8 {
    if h.flags & HASH_WRITING == 0 {
        throw("concurrent map writes");
    }
    h.flags &= !HASH_WRITING;
    // SAFETY: by contract.
    unsafe { stored_elem(t, elem) }
}

/// `delete(h, key)`.
///
/// # Safety
/// `h` is null or a map of type `t`; `key` points to a key.
unsafe fn delete<K: KeyOps>(t: &MapType, h: *mut Hmap, key: *const u8) {
    // SAFETY: by contract; bucket pointers come from the map's own arrays.
    unsafe {
        if h.is_null() || (*h).count == 0 {
            if t.hash_might_panic() {
                K::hash(t, key, 0);
            }
            return;
        }
        let h = &mut *h;
        if h.flags & HASH_WRITING != 0 {
            throw("concurrent map writes");
        }
        let hash = K::hash(t, key, h.hash0 as usize);
        h.flags ^= HASH_WRITING;
        let bucket = hash & bucket_mask(h.b);
        if h.growing() {
            grow_work::<K>(t, h, bucket);
        }
        let borig = bucket_at(t, h.buckets, bucket);
        let mut b = borig;
        let top = tophash(hash);
        'search: while !b.is_null() {
            for i in 0..BUCKET_CNT {
                let th = *b.add(i);
                if th != top {
                    if th == EMPTY_REST {
                        break 'search;
                    }
                    continue;
                }
                let kslot = key_slot::<K>(t, b, i);
                if !K::equal(t, key, stored_key::<K>(t, kslot)) {
                    continue;
                }
                // Clear the slot so the collector does not keep its referents alive.
                if K::SLOT.is_none() && t.indirect_key() {
                    store_ptr(kslot as *mut *mut u8, null_mut());
                } else {
                    crate::mem::mbarrier::bulk_barrier_pre_write(kslot, t.key().size);
                    core::ptr::write_bytes(kslot, 0, t.key().size);
                }
                let eslot = elem_slot::<K>(t, b, i);
                if t.indirect_elem() {
                    store_ptr(eslot as *mut *mut u8, null_mut());
                } else {
                    crate::mem::mbarrier::bulk_barrier_pre_write(eslot, t.elem().size);
                    core::ptr::write_bytes(eslot, 0, t.elem().size);
                }
                *b.add(i) = EMPTY_ONE;
                // If this was the last entry of the chain, turn the trailing run of
                // EMPTY_ONEs into EMPTY_REST (walking backwards through the chain).
                let last = if i == BUCKET_CNT - 1 {
                    let o = overflow(t, b);
                    o.is_null() || *o == EMPTY_REST
                } else {
                    *b.add(i + 1) == EMPTY_REST
                };
                if last {
                    let mut i = i;
                    loop {
                        *b.add(i) = EMPTY_REST;
                        if i == 0 {
                            if b == borig {
                                break;
                            }
                            let c = b;
                            b = borig;
                            while overflow(t, b) != c {
                                b = overflow(t, b);
                            }
                            i = BUCKET_CNT - 1;
                        } else {
                            i -= 1;
                        }
                        if *b.add(i) != EMPTY_ONE {
                            break;
                        }
                    }
                }
                h.count -= 1;
                if h.count == 0 {
                    // Reset the seed so an attacker cannot keep provoking collisions by
                    // refilling an emptied map.
                    h.hash0 = fastrand();
                }
                break 'search;
            }
            b = overflow(t, b);
        }
        if h.flags & HASH_WRITING == 0 {
            throw("concurrent map writes");
        }
        h.flags &= !HASH_WRITING;
    }
}

// ---- growth ----

/// Starts growing: a bigger (or same-size) array; entries move lazily.
///
/// # Safety
/// `h` is a map of type `t` that is not growing.
unsafe fn hash_grow(t: &MapType, h: &mut Hmap) {
    let mut bigger = 1u8;
    if !over_load_factor(h.count + 1, h.b) {
        bigger = 0;
        h.flags |= SAME_SIZE_GROW;
    }
    let old = h.buckets;
    let (newbuckets, next) = make_bucket_array(t, h.b + bigger);
    let mut flags = h.flags & !(ITERATOR | OLD_ITERATOR);
    if h.flags & ITERATOR != 0 {
        flags |= OLD_ITERATOR;
    }
    h.b += bigger;
    h.flags = flags;
    // SAFETY: fields of a live map header.
    unsafe {
        wb!(h.oldbuckets, old);
        wb!(h.buckets, newbuckets);
    }
    h.nevacuate = 0;
    h.noverflow = 0;
    if !h.extra.is_null() {
        let e = h.extra();
        if !e.overflow.is_null() {
            if !e.oldoverflow.is_null() {
                throw("oldoverflow is not nil");
            }
            // SAFETY: fields of a live mapextra.
            unsafe {
                wb!(e.oldoverflow, e.overflow);
                wb!(e.overflow, null_mut::<u8>());
            }
        }
    }
    if !next.is_null() {
        // SAFETY: as above.
        unsafe { wb!(h.extra().next_overflow, next) };
    }
}

/// Evacuates the old bucket feeding `bucket` (about to be used) and one more.
///
/// # Safety
/// `h` is a growing map of type `t`.
unsafe fn grow_work<K: KeyOps>(t: &MapType, h: &mut Hmap, bucket: usize) {
    // SAFETY: by contract.
    unsafe {
        evacuate::<K>(t, h, bucket & h.oldbucketmask());
        if h.growing() {
            evacuate::<K>(t, h, h.nevacuate);
        }
    }
}

/// An evacuation destination.
struct EvacDst {
    b: *mut u8,
    i: usize,
    k: *mut u8,
    e: *mut u8,
}

/// # Safety
/// `b` is a bucket of `t`.
#[inline(always)]
unsafe fn evac_dst<K: KeyOps>(t: &MapType, b: *mut u8) -> EvacDst {
    // SAFETY: by contract.
    unsafe {
        EvacDst {
            b,
            i: 0,
            k: key_slot::<K>(t, b, 0),
            e: elem_slot::<K>(t, b, 0),
        }
    }
}

/// Moves old bucket `oldbucket`'s chain into the new array. `K` must hash as the map's
/// hasher does (any `K` that may reach this map does).
///
/// # Safety
/// `h` is a growing map of type `t`; `oldbucket < h.noldbuckets()`.
unsafe fn evacuate<K: KeyOps>(t: &MapType, h: &mut Hmap, oldbucket: usize) {
    // SAFETY: by contract; all buckets touched belong to the map's arrays.
    unsafe {
        let b0 = bucket_at(t, h.oldbuckets, oldbucket);
        let newbit = h.noldbuckets();
        if !evacuated(b0) {
            let x = evac_dst::<K>(t, bucket_at(t, h.buckets, oldbucket));
            let y = if h.same_size_grow() {
                EvacDst {
                    b: null_mut(),
                    i: 0,
                    k: null_mut(),
                    e: null_mut(),
                }
            } else {
                evac_dst::<K>(t, bucket_at(t, h.buckets, oldbucket + newbit))
            };
            let mut xy = [x, y];
            let (ks, es) = (key_size::<K>(t), t.valuesize as usize);
            let elem = t.elem();
            let mut b = b0;
            while !b.is_null() {
                let w = tophashes(b);
                // The old bucket's new tophash states: EVACUATED_EMPTY unless moved.
                let mut states = BYTES_LO * EVACUATED_EMPTY as u64;
                let mut full = !match_empty(w) & BYTES_HI;
                while full != 0 {
                    let i = first_slot(full);
                    full &= full - 1;
                    let k = key_slot::<K>(t, b, i);
                    let e = elem_slot::<K>(t, b, i);
                    let mut top = (w >> (8 * i)) as u8;
                    if top < MIN_TOP_HASH {
                        throw("bad map state");
                    }
                    let k2 = stored_key::<K>(t, k);
                    let mut use_y = 0u8;
                    if !h.same_size_grow() {
                        let hash = K::hash(t, k2, h.hash0 as usize);
                        if K::SLOT.is_none()
                            && h.flags & ITERATOR != 0
                            && !t.reflexive_key()
                            && !K::equal(t, k2, k2)
                        {
                            // A NaN-like key: its hash is not repeatable, so an iterator
                            // could not tell where it went. Split on the old tophash's
                            // low bit (which the iterator checks) and give it a new one.
                            use_y = top & 1;
                            top = tophash(hash);
                        } else if hash & newbit != 0 {
                            use_y = 1;
                        }
                    }
                    states ^= ((EVACUATED_EMPTY ^ (EVACUATED_X + use_y)) as u64) << (8 * i);
                    let dst = &mut xy[use_y as usize];
                    if dst.i == BUCKET_CNT {
                        *dst = evac_dst::<K>(t, new_overflow(t, h, dst.b));
                    }
                    *dst.b.add(dst.i & (BUCKET_CNT - 1)) = top;
                    if K::SLOT.is_none() && t.indirect_key() {
                        store_ptr(dst.k as *mut *mut u8, k2);
                    } else {
                        store_key::<K>(t, dst.k, k);
                    }
                    if t.indirect_elem() {
                        store_ptr(dst.e as *mut *mut u8, *(e as *mut *mut u8));
                    } else {
                        typedmemmove(elem, dst.e, e);
                    }
                    dst.i += 1;
                    dst.k = dst.k.add(ks);
                    dst.e = dst.e.add(es);
                }
                (b as *mut u64).write(states);
                b = overflow(t, b);
            }
            // Unlink the overflow chain and drop references from the old bucket, unless
            // an iterator may still walk it (keep the tophash states: lookups and
            // iterators read them).
            if h.flags & OLD_ITERATOR == 0 && !t.bucket_noscan() {
                let data = b0.add(DATA_OFFSET);
                let n = t.bucketsize as usize - DATA_OFFSET;
                crate::mem::mbarrier::bulk_barrier_pre_write(data, n);
                core::ptr::write_bytes(data, 0, n);
            }
        }
        if oldbucket == h.nevacuate {
            advance_evacuation_mark(t, h, newbit);
        }
    }
}

/// Moves `nevacuate` past evacuated buckets; ends the growth when all are.
///
/// # Safety
/// `h` is a growing map of type `t`.
unsafe fn advance_evacuation_mark(t: &MapType, h: &mut Hmap, newbit: usize) {
    h.nevacuate += 1;
    // Bound the work: at most 1024 buckets checked per call.
    let stop = (h.nevacuate + 1024).min(newbit);
    // SAFETY: nevacuate < newbit = number of old buckets.
    while h.nevacuate != stop && unsafe { evacuated(bucket_at(t, h.oldbuckets, h.nevacuate)) } {
        h.nevacuate += 1;
    }
    if h.nevacuate == newbit {
        // SAFETY: fields of a live map header.
        unsafe {
            wb!(h.oldbuckets, null_mut::<u8>());
            if !h.extra.is_null() {
                wb!(h.extra().oldoverflow, null_mut::<u8>());
            }
        }
        h.flags &= !SAME_SIZE_GROW;
    }
}

// ---- iteration ----

/// Starts iterating `h` with `it`.
///
/// # Safety
/// `h` is null or a map of type `t`; `it` points to writable memory for a `Hiter`.
unsafe fn iterinit(t: *const MapType, h: *mut Hmap, it: *mut Hiter) {
    // SAFETY: by contract.
    unsafe {
        core::ptr::write_bytes(it, 0, 1);
        let it = &mut *it;
        wb!(it.t, t);
        if h.is_null() || (*h).count == 0 {
            return;
        }
        let t = &*t;
        let h = &mut *h;
        wb!(it.h, h as *mut Hmap);
        it.b = h.b;
        wb!(it.buckets, h.buckets);
        if t.bucket_noscan() {
            // Keep the overflow buckets reachable from the iterator: the map may grow
            // and drop its own references while the loop still walks them.
            h.create_overflow();
            wb!(it.overflow, (*h.extra).overflow);
            wb!(it.oldoverflow, (*h.extra).oldoverflow);
        }
        let r = if h.b > 31 - 3 {
            fastrand64() as usize
        } else {
            fastrand() as usize
        };
        it.start_bucket = r & bucket_mask(h.b);
        it.offset = ((r >> h.b) & (BUCKET_CNT - 1)) as u8;
        it.bucket = it.start_bucket;
        h.flags_atomic()
            .fetch_or(ITERATOR | OLD_ITERATOR, Ordering::Relaxed);
        iternext(it);
    }
}

/// Advances `it` to the next entry; sets `it.key` to null at the end.
///
/// # Safety
/// `it` was set up by [`iterinit`].
unsafe fn iternext(it: &mut Hiter) {
    if it.h.is_null() {
        // SAFETY: fields of the iterator.
        unsafe {
            wb!(it.key, null_mut::<u8>());
            wb!(it.elem, null_mut::<u8>());
        }
        return;
    }
    // SAFETY: `it` describes a live map and its bucket arrays.
    unsafe {
        let h = &*it.h;
        let t = &*it.t;
        if h.flags & HASH_WRITING != 0 {
            throw("concurrent map iteration and map write");
        }
        let mut bucket = it.bucket;
        let mut b = it.bptr;
        let mut i = it.i as usize;
        let mut check_bucket = it.check_bucket;
        loop {
            if b.is_null() {
                if bucket == it.start_bucket && it.wrapped {
                    wb!(it.key, null_mut::<u8>());
                    wb!(it.elem, null_mut::<u8>());
                    return;
                }
                if h.growing() && it.b == h.b {
                    // The map grew to our size after the loop started, and is still
                    // moving entries: walk the old bucket that feeds this one if it has
                    // not been evacuated yet, keeping only entries bound for `bucket`.
                    let oldbucket = bucket & h.oldbucketmask();
                    b = bucket_at(t, h.oldbuckets, oldbucket);
                    if !evacuated(b) {
                        check_bucket = bucket;
                    } else {
                        b = bucket_at(t, it.buckets, bucket);
                        check_bucket = NO_CHECK;
                    }
                } else {
                    b = bucket_at(t, it.buckets, bucket);
                    check_bucket = NO_CHECK;
                }
                bucket += 1;
                if bucket == bucket_shift(it.b) {
                    bucket = 0;
                    it.wrapped = true;
                }
                i = 0;
            }
            while i < BUCKET_CNT {
                let offi = (i + it.offset as usize) & (BUCKET_CNT - 1);
                let top = *b.add(offi);
                if is_empty(top) || top == EVACUATED_EMPTY {
                    i += 1;
                    continue;
                }
                let k = stored_key::<Generic>(t, key_slot::<Generic>(t, b, offi));
                let e = elem_slot::<Generic>(t, b, offi);
                if check_bucket != NO_CHECK && !h.same_size_grow() {
                    if t.reflexive_key() || Generic::equal(t, k, k) {
                        // Would this entry go to the new bucket we are producing?
                        let hash = Generic::hash(t, k, h.hash0 as usize);
                        if hash & bucket_mask(it.b) != check_bucket {
                            i += 1;
                            continue;
                        }
                    } else if check_bucket >> (it.b - 1) != (top & 1) as usize {
                        // NaN-like keys go X or Y by the tophash's low bit (evacuate).
                        i += 1;
                        continue;
                    }
                }
                if (top != EVACUATED_X && top != EVACUATED_Y)
                    || !(t.reflexive_key() || Generic::equal(t, k, k))
                {
                    // Not moved (or unfindable anyway): this copy is the entry.
                    wb!(it.key, k);
                    wb!(it.elem, stored_elem(t, e));
                } else {
                    // Moved during the loop: the live table has its current state (it
                    // may have been deleted or updated since).
                    let (rk, re) = lookup::<Generic>(t, it.h, k);
                    if rk.is_null() {
                        i += 1;
                        continue;
                    }
                    wb!(it.key, rk);
                    wb!(it.elem, re);
                }
                it.bucket = bucket;
                wb!(it.bptr, b);
                it.i = (i + 1) as u8;
                it.check_bucket = check_bucket;
                return;
            }
            b = overflow(t, b);
            i = 0;
        }
    }
}

// ---- entry points (rgo_abi::lang) ----
//
// Safety of every entry point: `g` is the calling goroutine or null; `t` is a valid map
// type descriptor; `h` is null or a map made with `t`; key pointers point to keys of
// `t`'s key type; `it` points to a Hiter in the caller's frame.

/// `make(map[K]V, hint)`.
///
/// # Safety
/// See above.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_makemap(_g: *mut G, t: *const MapType, hint: i64) -> *mut Hmap {
    // SAFETY: see above.
    makemap(unsafe { &*t }, hint)
}

/// # Safety
/// See above.
unsafe fn access1<K: KeyOps>(t: *const MapType, h: *mut Hmap, key: *const u8) -> *const u8 {
    // SAFETY: see above.
    unsafe {
        let t = &*t;
        let (_, e) = lookup::<K>(t, h, key);
        if e.is_null() {
            zero_val(t.elem().size)
        } else {
            e
        }
    }
}

/// # Safety
/// See above; `ok` points to a writable byte.
unsafe fn access2<K: KeyOps>(
    t: *const MapType,
    h: *mut Hmap,
    key: *const u8,
    ok: *mut u8,
) -> *const u8 {
    // SAFETY: see above.
    unsafe {
        let t = &*t;
        let (_, e) = lookup::<K>(t, h, key);
        *ok = !e.is_null() as u8;
        if e.is_null() {
            zero_val(t.elem().size)
        } else {
            e
        }
    }
}

/// `m[k]`: the element, or a pointer to zeroes.
///
/// # Safety
/// See above.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_mapaccess1(
    _g: *mut G,
    t: *const MapType,
    h: *mut Hmap,
    key: *const u8,
) -> *const u8 {
    // SAFETY: see above.
    unsafe { access1::<Generic>(t, h, key) }
}

/// `v, ok := m[k]`.
///
/// # Safety
/// See above; `ok` points to a writable byte.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_mapaccess2(
    _g: *mut G,
    t: *const MapType,
    h: *mut Hmap,
    key: *const u8,
    ok: *mut u8,
) -> *const u8 {
    // SAFETY: see above.
    unsafe { access2::<Generic>(t, h, key, ok) }
}

/// `m[k] = …`: the element slot to store into.
///
/// # Safety
/// See above.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_mapassign(
    g: *mut G,
    t: *const MapType,
    h: *mut Hmap,
    key: *const u8,
) -> *mut u8 {
    // SAFETY: see above.
    unsafe { assign::<Generic>(g, &*t, h, key) }
}

/// `delete(m, k)`.
///
/// # Safety
/// See above.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_mapdelete(
    _g: *mut G,
    t: *const MapType,
    h: *mut Hmap,
    key: *const u8,
) {
    // SAFETY: see above.
    unsafe { delete::<Generic>(&*t, h, key) }
}

/// Starts `for k, v := range m`.
///
/// # Safety
/// See above.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_mapiterinit(
    _g: *mut G,
    t: *const MapType,
    h: *mut Hmap,
    it: *mut Hiter,
) {
    // SAFETY: see above.
    unsafe { iterinit(t, h, it) }
}

/// The next iteration of a range loop.
///
/// # Safety
/// See above; `it` was started by `rgo_mapiterinit`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_mapiternext(_g: *mut G, it: *mut Hiter) {
    // SAFETY: see above.
    unsafe { iternext(&mut *it) }
}

/// `len(m)`.
///
/// # Safety
/// `h` is null or a map.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_maplen(h: *const Hmap) -> i64 {
    if h.is_null() {
        0
    } else {
        // SAFETY: by contract.
        unsafe { (*h).count }
    }
}

macro_rules! fast_entries {
    ($ops:ty, $a1:ident, $a2:ident, $as:ident, $del:ident, ($($kp:ident: $kt:ty),+), $mk:expr) => {
        /// Fast-path `m[k]` (see `rgo_abi::lang`).
        ///
        /// # Safety
        /// See above; the map's hasher matches this fast path.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $a1(
            _g: *mut G,
            t: *const MapType,
            h: *mut Hmap,
            $($kp: $kt),+
        ) -> *const u8 {
            let k = $mk;
            // SAFETY: see above.
            unsafe { access1::<$ops>(t, h, &k as *const _ as *const u8) }
        }

        /// Fast-path `v, ok := m[k]`.
        ///
        /// # Safety
        /// See above; `ok` points to a writable byte.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $a2(
            _g: *mut G,
            t: *const MapType,
            h: *mut Hmap,
            $($kp: $kt,)+
            ok: *mut u8,
        ) -> *const u8 {
            let k = $mk;
            // SAFETY: see above.
            unsafe { access2::<$ops>(t, h, &k as *const _ as *const u8, ok) }
        }

        /// Fast-path `m[k] = …`.
        ///
        /// # Safety
        /// See above.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $as(
            g: *mut G,
            t: *const MapType,
            h: *mut Hmap,
            $($kp: $kt),+
        ) -> *mut u8 {
            let k = $mk;
            // SAFETY: see above.
            unsafe { assign::<$ops>(g, &*t, h, &k as *const _ as *const u8) }
        }

        /// Fast-path `delete(m, k)`.
        ///
        /// # Safety
        /// See above.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $del(
            _g: *mut G,
            t: *const MapType,
            h: *mut Hmap,
            $($kp: $kt),+
        ) {
            let k = $mk;
            // SAFETY: see above.
            unsafe { delete::<$ops>(&*t, h, &k as *const _ as *const u8) }
        }
    };
}

fast_entries!(
    K32,
    rgo_mapaccess1_fast32,
    rgo_mapaccess2_fast32,
    rgo_mapassign_fast32,
    rgo_mapdelete_fast32,
    (key: u32),
    key
);
fast_entries!(
    K64,
    rgo_mapaccess1_fast64,
    rgo_mapaccess2_fast64,
    rgo_mapassign_fast64,
    rgo_mapdelete_fast64,
    (key: u64),
    key
);
fast_entries!(
    KStr,
    rgo_mapaccess1_faststr,
    rgo_mapaccess2_faststr,
    rgo_mapassign_faststr,
    rgo_mapdelete_faststr,
    (ptr: *const u8, len: i64),
    GoString { ptr, len }
);

/// Rust-side helpers for the rest of the runtime (and tests).
impl Hmap {
    /// Number of entries.
    pub fn len(&self) -> i64 {
        self.count
    }
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
    /// log2 of the bucket count.
    pub fn log2_buckets(&self) -> u8 {
        self.b
    }
    /// Whether an incremental growth is in progress.
    pub fn is_growing(&self) -> bool {
        self.growing()
    }
}

#[cfg(test)]
pub(super) fn test_null_hiter() -> Hiter {
    Hiter {
        key: null_mut(),
        elem: null_mut(),
        t: core::ptr::null(),
        h: null_mut(),
        buckets: null_mut(),
        bptr: null_mut(),
        overflow: null_mut(),
        oldoverflow: null_mut(),
        start_bucket: 0,
        offset: 0,
        wrapped: false,
        b: 0,
        i: 0,
        bucket: 0,
        check_bucket: 0,
    }
}

#[cfg(test)]
mod swar_tests {
    use super::*;

    /// The tophash word helpers against a byte-by-byte reading, on words made of the
    /// interesting byte values (states, the smallest tophash, bytes with bit 7 set) and
    /// on pseudo-random words.
    #[test]
    fn tophash_word_matches_bytes() {
        let vals = [0u8, 1, 2, 4, 5, 6, 0x7f, 0x80, 0x81, 0xfe, 0xff];
        let mut x = 0x1234_5678_9abc_def1u64;
        for n in 0..200_000u64 {
            let w = if n % 2 == 0 {
                let mut w = 0u64;
                let mut m = n / 2;
                for i in 0..8 {
                    w |= (vals[(m % vals.len() as u64) as usize] as u64) << (8 * i);
                    m /= vals.len() as u64;
                }
                w
            } else {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                x
            };
            let top = [5u8, 6, 0x80, 0xff][(n % 4) as usize];
            let bytes = w.to_le_bytes();
            let want = |f: &dyn Fn(u8) -> bool| {
                (0..8).fold(0u64, |m, i| {
                    m | if f(bytes[i]) { 0x80 << (8 * i) } else { 0 }
                })
            };
            assert_eq!(match_top(w, top), want(&|b| b == top), "{w:#x} {top}");
            assert_eq!(match_empty(w), want(&|b| is_empty(b)), "{w:#x}");
            assert_eq!(rest_empty(w), bytes[7] == EMPTY_REST);
            if let Some(i) = (0..8).find(|&i| bytes[i] == top) {
                assert_eq!(first_slot(match_top(w, top)), i);
            }
        }
    }
}
