//! Tests of hashing, equality, maps and interfaces, on type descriptors built by hand the
//! way codegen lays them out (`rgo_abi::typ`, `rgo_abi::lang`).
//!
//! Paths that end the process (panics) run in a child: the test binary re-executes itself
//! with `RGO_LANG_TEST_CHILD=<scenario>` selecting only `child_entry`, which starts the
//! runtime with the scenario as "Go main"; the parent checks the exit status and stderr.

use core::ptr::{null, null_mut};
use std::collections::{HashMap, HashSet};
use std::process::Command;

use super::alg::*;
use super::iface::*;
use super::map::*;
use super::typedesc::*;
use crate::g::G;
use crate::string::GoString;
use rgo_abi::lang::map as mabi;
use rgo_abi::{typ as abi, Kind};

// ---- building descriptors ----

/// A leaked, zeroed, 8-aligned block holding one descriptor at offset 0 and, from
/// `next`, the names and tables it refers to by offset.
struct Desc {
    base: *mut u8,
    next: usize,
}

impl Desc {
    fn new() -> Desc {
        let b: &'static mut [u64; 1024] = Box::leak(Box::new([0u64; 1024]));
        Desc {
            base: b.as_mut_ptr() as *mut u8,
            next: 1024,
        }
    }

    fn at<T>(&self, off: usize) -> *mut T {
        // SAFETY: offsets stay inside the 8 KiB block.
        unsafe { self.base.add(off) as *mut T }
    }

    /// Appends an encoded name; returns its offset from the descriptor.
    fn name(&mut self, s: &str, flags: u8, pkgpath: Option<&str>) -> i32 {
        let off = self.next;
        let mut v = vec![
            flags
                | if pkgpath.is_some() {
                    abi::name::HAS_PKGPATH
                } else {
                    0
                },
        ];
        let mut n = s.len();
        loop {
            let b = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                v.push(b);
                break;
            }
            v.push(b | 0x80);
        }
        v.extend_from_slice(s.as_bytes());
        let pk_at = v.len();
        if pkgpath.is_some() {
            v.extend_from_slice(&[0; 4]);
        }
        // SAFETY: inside the block.
        unsafe { core::ptr::copy_nonoverlapping(v.as_ptr(), self.at::<u8>(off), v.len()) };
        self.next = (off + v.len() + 7) & !7;
        if let Some(p) = pkgpath {
            let poff = self.name(p, 0, None);
            // The pkgPath nameOff is relative to the name's first byte.
            let rel = (poff - off as i32).to_le_bytes();
            // SAFETY: inside the block.
            unsafe { core::ptr::copy_nonoverlapping(rel.as_ptr(), self.at::<u8>(off + pk_at), 4) };
        }
        off as i32
    }

    /// Appends a type cell holding `t`; returns its typeOff.
    fn type_cell(&mut self, t: *const Type) -> i32 {
        let off = self.next;
        // SAFETY: inside the block, 8-aligned.
        unsafe { *self.at::<*const Type>(off) = t };
        self.next += 8;
        off as i32
    }

    fn typ(&self) -> &'static mut Type {
        // SAFETY: the descriptor lives at offset 0 of a leaked block.
        unsafe { &mut *self.at::<Type>(0) }
    }
}

fn basic(name: &str, kind: Kind, size: usize, eq: Option<EqualFn>, regular: bool) -> Desc {
    let mut d = Desc::new();
    let str_off = d.name(name, 0, None);
    let t = d.typ();
    t.size = size;
    t.align = size.clamp(1, 8) as u8;
    t.field_align = t.align;
    t.kind = kind as u8;
    t.tflag = if regular {
        abi::TFLAG_REGULAR_MEMORY
    } else {
        0
    };
    t.equal = eq;
    t.str_off = str_off;
    t.hash = name.len() as u32 * 7919;
    d
}

fn int_t() -> &'static Type {
    basic("int", Kind::Int, 8, Some(rgo_memequal64), true).typ()
}
fn int32_t() -> &'static Type {
    basic("int32", Kind::Int32, 4, Some(rgo_memequal32), true).typ()
}
fn string_t() -> &'static Type {
    basic("string", Kind::String, 16, Some(rgo_strequal), false).typ()
}
fn float64_t() -> &'static Type {
    basic("float64", Kind::Float64, 8, Some(rgo_f64equal), false).typ()
}
fn slice_t() -> &'static Type {
    basic("[]int", Kind::Slice, 24, None, false).typ()
}

fn eface_t() -> &'static Type {
    let d = basic(
        "interface {}",
        Kind::Interface,
        16,
        Some(rgo_nilinterequal),
        false,
    );
    d.typ()
}

/// `struct { a int32; _ int32; s string; f float64 }` named `main.K`.
fn struct_k() -> &'static Type {
    let mut d = basic("main.K", Kind::Struct, 40, Some(rgo_walkequal), false);
    let (i32t, st, ft) = (int32_t(), string_t(), float64_t());
    let fields_off = d.next;
    d.next += 4 * 24;
    let names = [
        d.name("a", 0, None),
        d.name("_", 0, None),
        d.name("s", 0, None),
        d.name("f", 0, None),
    ];
    let fields = [(i32t, 0usize), (i32t, 4), (st, 8), (ft, 24)];
    for (i, ((ft, off), n)) in fields.iter().zip(names).enumerate() {
        let f = d.at::<StructField>(fields_off + i * 24);
        // SAFETY: inside the block.
        unsafe {
            (*f).name = d.at::<u8>(n as usize);
            (*f).typ = *ft;
            (*f).offset_embed = off << 1;
        }
    }
    let s = d.at::<StructType>(0);
    // SAFETY: the block holds a StructType at 0.
    unsafe {
        (*s).fields = d.at::<StructField>(fields_off);
        (*s).fields_len = 4;
        (*s).fields_cap = 4;
    }
    d.typ()
}

#[repr(C)]
#[derive(Clone, Copy)]
struct K {
    a: i32,
    blank: i32,
    s: GoString,
    f: f64,
}

fn gs(s: &'static str) -> GoString {
    GoString {
        ptr: s.as_ptr(),
        len: s.len() as i64,
    }
}

fn map_t(
    key: &'static Type,
    elem: &'static Type,
    hasher: Option<HashFn>,
    flags: u32,
) -> &'static MapType {
    let d = basic("map[?]?", Kind::Map, 8, None, false);
    let m = d.at::<MapType>(0);
    let (ks, es, bs, ind) = mabi::bucket_layout(key.size as u64, elem.size as u64);
    // A pointer-free bucket type when neither key nor elem has pointers (for the
    // overflow-list path).
    let bucket = basic("bucket", Kind::Struct, bs as usize, None, false);
    // SAFETY: the block holds a MapType at 0.
    unsafe {
        (*m).key = key;
        (*m).elem = elem;
        (*m).bucket = bucket.typ();
        (*m).hasher = hasher;
        (*m).keysize = ks;
        (*m).valuesize = es;
        (*m).bucketsize = bs;
        (*m).flags = flags | ind;
        &*m
    }
}

const REFLEXIVE: u32 = mabi::REFLEXIVE_KEY;
const UPDATE: u32 = mabi::NEED_KEY_UPDATE;

fn map_int_int() -> &'static MapType {
    map_t(int_t(), int_t(), Some(rgo_memhash64), REFLEXIVE)
}

// ---- map helpers ----

fn g0() -> *mut G {
    null_mut()
}

fn put<Kt, V: Copy>(t: &MapType, h: *mut Hmap, k: &Kt, v: V) {
    // SAFETY: the map's key and element types are Kt and V.
    unsafe {
        let e = rgo_mapassign(g0(), t, h, k as *const Kt as *const u8);
        *(e as *mut V) = v;
    }
}

fn get<Kt, V: Copy>(t: &MapType, h: *mut Hmap, k: &Kt) -> Option<V> {
    let mut ok = 0u8;
    // SAFETY: as for `put`.
    unsafe {
        let e = rgo_mapaccess2(g0(), t, h, k as *const Kt as *const u8, &mut ok);
        let v = *(e as *const V);
        (ok != 0).then_some(v)
    }
}

fn del<Kt>(t: &MapType, h: *mut Hmap, k: &Kt) {
    // SAFETY: as for `put`.
    unsafe { rgo_mapdelete(g0(), t, h, k as *const Kt as *const u8) }
}

fn len(h: *mut Hmap) -> i64 {
    // SAFETY: a map or null.
    unsafe { rgo_maplen(h) }
}

/// All (key, elem) pairs a full iteration produces.
fn collect<Kt: Copy, V: Copy>(t: &MapType, h: *mut Hmap) -> Vec<(Kt, V)> {
    let mut it = test_null_hiter();
    let mut out = Vec::new();
    // SAFETY: the map's types are Kt and V.
    unsafe {
        rgo_mapiterinit(g0(), t, h, &mut it);
        while !it.key.is_null() {
            out.push((*(it.key as *const Kt), *(it.elem as *const V)));
            rgo_mapiternext(g0(), &mut it);
        }
    }
    out
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 11
    }
}

// ---- hashing and equality ----

#[test]
fn memhash_properties() {
    let data: Vec<u8> = (0..300u32).map(|i| (i * 7 + 3) as u8).collect();
    let copy = data.clone();
    let mut seen = HashSet::new();
    for n in 0..data.len() {
        // SAFETY: both buffers hold `n` bytes.
        let (a, b) = unsafe { (memhash(data.as_ptr(), n, 42), memhash(copy.as_ptr(), n, 42)) };
        assert_eq!(a, b, "length {n}: same bytes, same hash");
        seen.insert(a);
        // SAFETY: as above.
        let c = unsafe { memhash(data.as_ptr(), n, 43) };
        assert_ne!(a, c, "length {n}: seed matters");
    }
    assert_eq!(seen.len(), data.len(), "prefix hashes collide");
    // One flipped bit changes the hash, at every position of a 64-byte input.
    let base = [0u8; 64];
    // SAFETY: 64 bytes.
    let h0 = unsafe { memhash(base.as_ptr(), 64, 1) };
    for i in 0..64 * 8 {
        let mut x = base;
        x[i / 8] ^= 1 << (i % 8);
        // SAFETY: 64 bytes.
        assert_ne!(unsafe { memhash(x.as_ptr(), 64, 1) }, h0, "bit {i}");
    }
}

#[test]
fn fixed_size_hashes_spread() {
    // Low bits (bucket index) and top byte (tophash) of consecutive ints spread well.
    let mut low = [0u32; 256];
    let mut top = [0u32; 256];
    for i in 0..256 * 64u64 {
        // SAFETY: 8 bytes.
        let h = unsafe { rgo_memhash64(&i as *const u64 as *const u8, 7) };
        low[h & 255] += 1;
        top[h >> 56] += 1;
    }
    for c in low.iter().chain(top.iter()) {
        assert!((20..=120).contains(c), "skewed distribution: {c}");
    }
    let x = 0x1234_5678u32;
    // SAFETY: 4 bytes.
    unsafe {
        assert_eq!(
            rgo_memhash32(&x as *const u32 as *const u8, 1),
            rgo_memhash32(&x as *const u32 as *const u8, 1)
        );
        assert_ne!(
            rgo_memhash32(&x as *const u32 as *const u8, 1),
            rgo_memhash32(&x as *const u32 as *const u8, 2)
        );
    }
}

#[test]
fn float_hash_and_equal() {
    let (pz, nz, nan, one) = (0.0f64, -0.0f64, f64::NAN, 1.0f64);
    let p = |x: &f64| x as *const f64 as *const u8;
    // SAFETY: pointers to f64s.
    unsafe {
        assert!(rgo_f64equal(p(&pz), p(&nz)));
        assert_eq!(rgo_f64hash(p(&pz), 9), rgo_f64hash(p(&nz), 9));
        assert!(!rgo_f64equal(p(&nan), p(&nan)));
        assert_ne!(rgo_f64hash(p(&nan), 9), rgo_f64hash(p(&nan), 9));
        assert_eq!(rgo_f64hash(p(&one), 9), rgo_f64hash(p(&one), 9));
        let (a, b) = (-0.0f32, 0.0f32);
        let q = |x: &f32| x as *const f32 as *const u8;
        assert!(rgo_f32equal(q(&a), q(&b)));
        assert_eq!(rgo_f32hash(q(&a), 3), rgo_f32hash(q(&b), 3));
        let c1 = [0.0f64, -0.0];
        let c2 = [-0.0f64, 0.0];
        let r = |x: &[f64; 2]| x.as_ptr() as *const u8;
        assert!(rgo_c128equal(r(&c1), r(&c2)));
        assert_eq!(rgo_c128hash(r(&c1), 5), rgo_c128hash(r(&c2), 5));
        let c3 = [1.0f64, f64::NAN];
        assert!(!rgo_c128equal(r(&c3), r(&c3)));
    }
}

#[test]
fn string_hash_and_equal() {
    let a = String::from("hello, world");
    let b = String::from("hello, world");
    let (sa, sb) = (
        GoString {
            ptr: a.as_ptr(),
            len: a.len() as i64,
        },
        GoString {
            ptr: b.as_ptr(),
            len: b.len() as i64,
        },
    );
    let sc = gs("hello, worle");
    let e1 = GoString::EMPTY;
    let e2 = GoString {
        ptr: 0x10 as *const u8,
        len: 0,
    };
    let p = |s: &GoString| s as *const GoString as *const u8;
    // SAFETY: pointers to valid strings.
    unsafe {
        assert!(rgo_strequal(p(&sa), p(&sb)));
        assert_eq!(rgo_strhash(p(&sa), 1), rgo_strhash(p(&sb), 1));
        assert!(!rgo_strequal(p(&sa), p(&sc)));
        assert_ne!(rgo_strhash(p(&sa), 1), rgo_strhash(p(&sc), 1));
        assert!(rgo_strequal(p(&e1), p(&e2)));
        assert_eq!(rgo_strhash(p(&e1), 1), rgo_strhash(p(&e2), 1));
    }
}

#[test]
fn struct_walker_skips_blank_fields() {
    let kt = struct_k();
    let k1 = K {
        a: 1,
        blank: 5,
        s: gs("x"),
        f: 0.0,
    };
    let k2 = K {
        a: 1,
        blank: 6,
        s: gs("x"),
        f: -0.0,
    };
    let k3 = K { a: 2, ..k1 };
    let p = |k: &K| k as *const K as *const u8;
    // SAFETY: values of the struct type.
    unsafe {
        assert!(typeequal(null_mut(), kt, p(&k1), p(&k2)));
        assert_eq!(typehash(kt, p(&k1), 3), typehash(kt, p(&k2), 3));
        assert!(!typeequal(null_mut(), kt, p(&k1), p(&k3)));
        assert_ne!(typehash(kt, p(&k1), 3), typehash(kt, p(&k3), 3));
        let kn = K { f: f64::NAN, ..k1 };
        assert!(!typeequal(null_mut(), kt, p(&kn), p(&kn)));
    }
}

#[test]
fn interface_hash_and_equal() {
    let it = int_t();
    let st = string_t();
    let (five, five2) = (Box::new(5i64), Box::new(5i64));
    let s = Box::new(gs("5"));
    let e1: [*const u8; 2] = [
        it as *const Type as *const u8,
        &*five as *const i64 as *const u8,
    ];
    let e2: [*const u8; 2] = [
        it as *const Type as *const u8,
        &*five2 as *const i64 as *const u8,
    ];
    let e3: [*const u8; 2] = [
        st as *const Type as *const u8,
        &*s as *const GoString as *const u8,
    ];
    let nil: [*const u8; 2] = [null(), null()];
    let p = |e: &[*const u8; 2]| e.as_ptr() as *const u8;
    // SAFETY: valid empty-interface values.
    unsafe {
        assert!(rgo_nilinterequal(p(&e1), p(&e2)));
        assert_eq!(rgo_nilinterhash(p(&e1), 1), rgo_nilinterhash(p(&e2), 1));
        assert!(!rgo_nilinterequal(p(&e1), p(&e3)));
        assert!(rgo_nilinterequal(p(&nil), p(&nil)));
        assert!(!rgo_nilinterequal(p(&nil), p(&e1)));
        assert_eq!(rgo_nilinterhash(p(&nil), 77), 77);
        assert!(rgo_efaceeq(null_mut(), it, e1[1], e2[1]));
    }
}

// ---- maps ----

#[test]
fn bucket_layout_matches_gc() {
    assert_eq!(mabi::bucket_layout(8, 8), (8, 8, 144, 0));
    assert_eq!(mabi::bucket_layout(16, 8), (16, 8, 208, 0));
    assert_eq!(mabi::bucket_layout(200, 8), (8, 8, 144, mabi::INDIRECT_KEY));
    assert_eq!(mabi::bucket_layout(0, 0), (0, 0, 16, 0));
}

#[test]
fn int_map_against_oracle() {
    let t = map_int_int();
    // SAFETY: a valid map type.
    let h = unsafe { rgo_makemap(g0(), t, 0) };
    let mut oracle: HashMap<i64, i64> = HashMap::new();
    let mut r = Rng(1);
    const N: i64 = 1_000_000;
    for i in 0..N {
        let k = (r.next() % (4 * N as u64)) as i64 - N;
        if i % 2 == 0 {
            put(t, h, &k, i);
        } else {
            // The fast path shares the hasher: both must agree.
            // SAFETY: a map with int keys and elems hashed by rgo_memhash64.
            unsafe { *(rgo_mapassign_fast64(g0(), t, h, k as u64) as *mut i64) = i };
        }
        oracle.insert(k, i);
    }
    assert_eq!(len(h), oracle.len() as i64);
    for (k, v) in &oracle {
        assert_eq!(get::<i64, i64>(t, h, k), Some(*v), "key {k}");
    }
    // Absent keys read as zero.
    let absent = 10 * N;
    assert_eq!(get::<i64, i64>(t, h, &absent), None);
    // SAFETY: as above.
    unsafe {
        assert_eq!(
            *(rgo_mapaccess1(g0(), t, h, &absent as *const i64 as *const u8) as *const i64),
            0
        );
        assert_eq!(
            *(rgo_mapaccess1_fast64(g0(), t, h, absent as u64) as *const i64),
            0
        );
    }
    // Delete a third, through both paths.
    let keys: Vec<i64> = oracle.keys().copied().collect();
    for (i, k) in keys.iter().enumerate() {
        if i % 3 == 0 {
            if i % 2 == 0 {
                del(t, h, k);
            } else {
                // SAFETY: as above.
                unsafe { rgo_mapdelete_fast64(g0(), t, h, *k as u64) };
            }
            oracle.remove(k);
        }
    }
    assert_eq!(len(h), oracle.len() as i64);
    for (i, k) in keys.iter().enumerate() {
        let want = oracle.get(k).copied();
        if i % 5 == 0 {
            let mut ok = 0;
            // SAFETY: as above.
            let v =
                unsafe { *(rgo_mapaccess2_fast64(g0(), t, h, *k as u64, &mut ok) as *const i64) };
            assert_eq!((ok != 0).then_some(v), want);
        } else {
            assert_eq!(get::<i64, i64>(t, h, k), want);
        }
    }
    // A full iteration sees every entry exactly once.
    let got = collect::<i64, i64>(t, h);
    assert_eq!(got.len(), oracle.len());
    let got: HashMap<i64, i64> = got.into_iter().collect();
    assert_eq!(got, oracle);
}

#[test]
fn string_map_against_oracle() {
    let t = map_t(string_t(), int_t(), Some(rgo_strhash), REFLEXIVE | UPDATE);
    // SAFETY: a valid map type.
    let h = unsafe { rgo_makemap(g0(), t, 1000) };
    let mut oracle: HashMap<String, i64> = HashMap::new();
    let mut keep = Vec::new();
    for i in 0..100_000i64 {
        let s = format!("key-{}", (i * 7919) % 150_000);
        let k = GoString {
            ptr: s.as_ptr(),
            len: s.len() as i64,
        };
        if i % 2 == 0 {
            put(t, h, &k, i);
        } else {
            // SAFETY: a string-keyed map hashed by rgo_strhash.
            unsafe { *(rgo_mapassign_faststr(g0(), t, h, k.ptr, k.len) as *mut i64) = i };
        }
        oracle.insert(s.clone(), i);
        keep.push(s);
    }
    assert_eq!(len(h), oracle.len() as i64);
    for (s, v) in &oracle {
        // A different copy of the bytes: keys compare by content.
        let c = s.clone();
        let k = GoString {
            ptr: c.as_ptr(),
            len: c.len() as i64,
        };
        assert_eq!(get::<GoString, i64>(t, h, &k), Some(*v));
        // SAFETY: as above.
        let f = unsafe { *(rgo_mapaccess1_faststr(g0(), t, h, k.ptr, k.len) as *const i64) };
        assert_eq!(f, *v);
    }
    for s in oracle.keys().take(30_000).cloned().collect::<Vec<_>>() {
        let k = GoString {
            ptr: s.as_ptr(),
            len: s.len() as i64,
        };
        // SAFETY: as above.
        unsafe { rgo_mapdelete_faststr(g0(), t, h, k.ptr, k.len) };
        oracle.remove(&s);
    }
    assert_eq!(len(h), oracle.len() as i64);
    let got = collect::<GoString, i64>(t, h);
    assert_eq!(got.len(), oracle.len());
    for (k, v) in got {
        // SAFETY: keys point into `keep`'s strings.
        let s = std::str::from_utf8(unsafe { k.as_bytes() }).unwrap();
        assert_eq!(oracle.get(s), Some(&v));
    }
    drop(keep);
}

#[test]
fn nil_map_reads_as_empty() {
    let t = map_int_int();
    let k = 5i64;
    assert_eq!(get::<i64, i64>(t, null_mut(), &k), None);
    assert_eq!(len(null_mut()), 0);
    del(t, null_mut(), &k);
    assert!(collect::<i64, i64>(t, null_mut()).is_empty());
}

#[test]
fn iteration_start_varies() {
    let t = map_int_int();
    // SAFETY: a valid map type.
    let h = unsafe { rgo_makemap(g0(), t, 0) };
    for k in 0..100i64 {
        put(t, h, &k, k);
    }
    let firsts: HashSet<i64> = (0..50).map(|_| collect::<i64, i64>(t, h)[0].0).collect();
    assert!(
        firsts.len() > 5,
        "iteration order barely varies: {firsts:?}"
    );
    // Small maps (one bucket) vary too, through the slot offset.
    // SAFETY: a valid map type.
    let h2 = unsafe { rgo_makemap(g0(), t, 0) };
    for k in 0..5i64 {
        put(t, h2, &k, k);
    }
    let firsts: HashSet<i64> = (0..50).map(|_| collect::<i64, i64>(t, h2)[0].0).collect();
    assert!(firsts.len() > 1);
}

#[test]
fn delete_and_insert_during_iteration() {
    let t = map_int_int();
    for round in 0..20u64 {
        // SAFETY: a valid map type.
        let h = unsafe { rgo_makemap(g0(), t, 0) };
        let n = 1000i64;
        for k in 0..n {
            put(t, h, &k, k);
        }
        let mut seen = HashSet::new();
        let mut deleted = HashSet::new();
        let mut present: HashSet<i64> = (0..n).collect();
        let mut r = Rng(round);
        let mut it = test_null_hiter();
        let mut next_new = n;
        // SAFETY: int keys and elems.
        unsafe {
            rgo_mapiterinit(g0(), t, h, &mut it);
            while !it.key.is_null() {
                let k = *(it.key as *const i64);
                assert_eq!(*(it.elem as *const i64), k);
                assert!(present.contains(&k), "absent key {k} produced");
                assert!(!deleted.contains(&k), "deleted key {k} produced");
                assert!(seen.insert(k), "key {k} produced twice");
                // Delete a random old key, and add new ones (forcing growth mid-loop).
                let d = (r.next() % n as u64) as i64;
                if !seen.contains(&d) {
                    deleted.insert(d);
                }
                del(t, h, &d);
                present.remove(&d);
                for _ in 0..3 {
                    put(t, h, &next_new, next_new);
                    present.insert(next_new);
                    next_new += 1;
                }
                rgo_mapiternext(g0(), &mut it);
            }
        }
        // Every original key present throughout was produced.
        for k in 0..n {
            if !deleted.contains(&k) {
                assert!(seen.contains(&k), "round {round}: key {k} never produced");
            }
        }
        assert_eq!(len(h), present.len() as i64);
        let all: HashSet<i64> = collect::<i64, i64>(t, h)
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(all, present);
    }
}

#[test]
fn iteration_started_during_growth() {
    // Start loops while the map is half-way through an incremental growth, so the
    // iterator walks unevacuated old buckets and filters by destination bucket.
    let t = map_int_int();
    for round in 0..30u64 {
        // SAFETY: a valid map type.
        let h = unsafe { rgo_makemap(g0(), t, 0) };
        let mut present = HashSet::new();
        let mut k = 0i64;
        // SAFETY: a valid map.
        while !(unsafe { (*h).is_growing() }) || k < 200 + 37 * round as i64 {
            put(t, h, &k, k);
            present.insert(k);
            k += 1;
        }
        // SAFETY: a valid map.
        assert!(unsafe { (*h).is_growing() });
        let k0 = k;
        let mut seen = HashSet::new();
        let mut it = test_null_hiter();
        let mut r = Rng(round + 100);
        // SAFETY: int keys and elems.
        unsafe {
            rgo_mapiterinit(g0(), t, h, &mut it);
            while !it.key.is_null() {
                let x = *(it.key as *const i64);
                assert!(present.contains(&x), "absent key {x} produced");
                assert!(seen.insert(x), "key {x} produced twice");
                if r.next().is_multiple_of(2) {
                    let d = (r.next() % k as u64) as i64;
                    del(t, h, &d);
                    present.remove(&d);
                    if !seen.contains(&d) {
                        seen.insert(d); // must not be produced from now on
                    }
                }
                put(t, h, &k, k);
                present.insert(k);
                k += 1;
                rgo_mapiternext(g0(), &mut it);
            }
        }
        // Keys there from the start were produced, unless deleted first (marked seen).
        assert!(
            (0..k0).all(|x| seen.contains(&x)),
            "round {round}: a key was skipped"
        );
        assert_eq!(len(h), present.len() as i64);
    }
}

#[test]
fn nan_keys() {
    let t = map_t(float64_t(), int_t(), Some(rgo_f64hash), UPDATE);
    // SAFETY: a valid map type.
    let h = unsafe { rgo_makemap(g0(), t, 0) };
    let nan = f64::NAN;
    for i in 0..3 {
        put(t, h, &nan, i);
    }
    assert_eq!(len(h), 3);
    assert_eq!(get::<f64, i64>(t, h, &nan), None);
    del(t, h, &nan);
    assert_eq!(len(h), 3);
    // +0 and -0 are one key; the stored key is updated to the latest representation.
    put(t, h, &0.0f64, 10);
    put(t, h, &-0.0f64, 11);
    assert_eq!(len(h), 4);
    assert_eq!(get::<f64, i64>(t, h, &0.0f64), Some(11));
    let all = collect::<f64, i64>(t, h);
    assert_eq!(all.len(), 4);
    assert_eq!(all.iter().filter(|(k, _)| k.is_nan()).count(), 3);
    let zero = all.iter().find(|(k, _)| *k == 0.0).unwrap();
    assert!(zero.0.is_sign_negative());
    // Many NaNs through growth, iterated while growing.
    for i in 0..200 {
        put(t, h, &nan, i);
        put(t, h, &(i as f64 + 1.0), i);
    }
    assert_eq!(collect::<f64, i64>(t, h).len(), 404);
}

#[test]
fn struct_and_interface_keys() {
    let kt = struct_k();
    let t = map_t(kt, int_t(), None, UPDATE);
    // SAFETY: a valid map type.
    let h = unsafe { rgo_makemap(g0(), t, 0) };
    let names = ["a", "b", "c", "d"];
    for i in 0..400 {
        let k = K {
            a: i,
            blank: i * 3,
            s: gs(names[i as usize % 4]),
            f: i as f64,
        };
        put(t, h, &k, i as i64);
    }
    assert_eq!(len(h), 400);
    for i in 0..400 {
        let k = K {
            a: i,
            blank: -1,
            s: gs(names[i as usize % 4]),
            f: i as f64,
        };
        assert_eq!(get::<K, i64>(t, h, &k), Some(i as i64));
    }
    // map[interface{}]int
    let et = eface_t();
    let it = map_t(
        et,
        int_t(),
        Some(rgo_nilinterhash),
        UPDATE | mabi::HASH_MIGHT_PANIC,
    );
    // SAFETY: a valid map type.
    let h = unsafe { rgo_makemap(g0(), it, 0) };
    let int = int_t();
    let st = string_t();
    let vals: Vec<Box<i64>> = (0..100).map(Box::new).collect();
    let strs: Vec<Box<GoString>> = (0..100).map(|_| Box::new(gs("s"))).collect();
    for (i, v) in vals.iter().enumerate() {
        let e: [*const u8; 2] = [
            int as *const Type as *const u8,
            &**v as *const i64 as *const u8,
        ];
        put(it, h, &e, i as i64);
    }
    for s in &strs {
        let e: [*const u8; 2] = [
            st as *const Type as *const u8,
            &**s as *const GoString as *const u8,
        ];
        put(it, h, &e, -1i64);
    }
    assert_eq!(len(h), 101);
    let seven = Box::new(7i64);
    let e: [*const u8; 2] = [
        int as *const Type as *const u8,
        &*seven as *const i64 as *const u8,
    ];
    assert_eq!(get::<_, i64>(it, h, &e), Some(7));
}

#[test]
fn big_keys_and_elems_are_indirect() {
    let key = basic("[200]uint8", Kind::Array, 200, Some(rgo_walkequal), true).typ();
    let elem = basic("[3000]uint8", Kind::Array, 3000, None, true).typ();
    let t = map_t(key, elem, None, REFLEXIVE);
    assert_eq!(t.flags & 3, 3);
    // SAFETY: a valid map type.
    let h = unsafe { rgo_makemap(g0(), t, 0) };
    for i in 0..100u8 {
        let k = [i; 200];
        put(t, h, &k, [i.wrapping_add(1); 3000]);
    }
    for i in 0..100u8 {
        let k = [i; 200];
        let v = get::<[u8; 200], [u8; 3000]>(t, h, &k).unwrap();
        assert!(v.iter().all(|&b| b == i.wrapping_add(1)));
    }
    // Absent: a zero area as big as the element.
    let k = [250u8; 200];
    // SAFETY: as above.
    let z = unsafe { rgo_mapaccess1(g0(), t, h, k.as_ptr()) };
    // SAFETY: at least 3000 readable zero bytes.
    assert!(unsafe { core::slice::from_raw_parts(z, 3000) }
        .iter()
        .all(|&b| b == 0));
    for i in 0..50u8 {
        del(t, h, &[i; 200]);
    }
    assert_eq!(collect::<[u8; 200], [u8; 3000]>(t, h).len(), 50);
}

#[test]
fn same_size_growth_after_churn() {
    // Insert/delete churn creates overflow buckets without growing the count: the map
    // must rebuild at the same size rather than grow without bound.
    let t = map_int_int();
    // SAFETY: a valid map type.
    let h = unsafe { rgo_makemap(g0(), t, 0) };
    for k in 0..1000i64 {
        put(t, h, &k, k);
    }
    // SAFETY: a valid map.
    let b0 = unsafe { (*h).log2_buckets() };
    for k in 1000..200_000i64 {
        put(t, h, &k, k);
        del(t, h, &(k - 1000));
    }
    assert_eq!(len(h), 1000);
    // SAFETY: a valid map.
    assert!(unsafe { (*h).log2_buckets() } <= b0 + 1);
    let got: HashSet<i64> = collect::<i64, i64>(t, h)
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(got, (199_000..200_000).collect());
}

/// A hasher that sends every string of the same length to one bucket with one tophash,
/// so that searches must compare keys behind equal tophash bytes, chains grow long, and
/// growth cannot spread them.
unsafe extern "C" fn colliding_strhash(p: *const u8, _seed: usize) -> usize {
    // SAFETY: `p` points to a Go string.
    let n = unsafe { (*(p as *const GoString)).len } as usize;
    (0x9e << 56) | (n & 1)
}

#[test]
fn colliding_hashes() {
    let t = map_t(
        string_t(),
        int_t(),
        Some(colliding_strhash),
        REFLEXIVE | UPDATE,
    );
    // SAFETY: a valid map type.
    let h = unsafe { rgo_makemap(g0(), t, 0) };
    let keys: Vec<String> = (0..600).map(|i| format!("c{i:04}")).collect();
    let gk = |i: usize| GoString {
        ptr: keys[i].as_ptr(),
        len: keys[i].len() as i64,
    };
    let mut oracle: HashMap<usize, i64> = HashMap::new();
    let mut r = Rng(7);
    for round in 0..6 {
        for _ in 0..800 {
            let i = (r.next() % keys.len() as u64) as usize;
            match r.next() % 3 {
                0 => {
                    del(t, h, &gk(i));
                    oracle.remove(&i);
                }
                _ => {
                    let v = (round * 10_000 + i) as i64;
                    put(t, h, &gk(i), v);
                    oracle.insert(i, v);
                }
            }
        }
        assert_eq!(len(h), oracle.len() as i64, "round {round}");
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(
                get::<GoString, i64>(t, h, &gk(i)),
                oracle.get(&i).copied(),
                "round {round}, key {k}"
            );
        }
        let got = collect::<GoString, i64>(t, h);
        assert_eq!(got.len(), oracle.len());
        for (k, v) in got {
            // SAFETY: keys point into `keys`.
            let s = std::str::from_utf8(unsafe { k.as_bytes() }).unwrap();
            let i: usize = s[1..].parse().unwrap();
            assert_eq!(oracle.get(&i), Some(&v));
        }
    }
    // Emptying the map through its long chain leaves a map that refills correctly.
    for i in 0..keys.len() {
        del(t, h, &gk(i));
    }
    assert_eq!(len(h), 0);
    assert!(collect::<GoString, i64>(t, h).is_empty());
    for i in 0..100 {
        put(t, h, &gk(i), i as i64);
    }
    assert_eq!(get::<GoString, i64>(t, h, &gk(99)), Some(99));
    assert_eq!(get::<GoString, i64>(t, h, &gk(100)), None);
}

#[test]
fn fast32_map_against_oracle() {
    let t = map_t(int32_t(), int_t(), Some(rgo_memhash32), REFLEXIVE);
    // SAFETY: a valid map type.
    let h = unsafe { rgo_makemap(g0(), t, 0) };
    let mut oracle: HashMap<i32, i64> = HashMap::new();
    let mut r = Rng(3);
    for i in 0..200_000i64 {
        let k = (r.next() % 150_000) as i32 - 20_000;
        // SAFETY: an int32-keyed map hashed by rgo_memhash32.
        unsafe {
            match i % 4 {
                0 => put(t, h, &k, i),
                1 => *(rgo_mapassign_fast32(g0(), t, h, k as u32) as *mut i64) = i,
                2 => {
                    del(t, h, &k);
                    oracle.remove(&k);
                    continue;
                }
                _ => {
                    rgo_mapdelete_fast32(g0(), t, h, k as u32);
                    oracle.remove(&k);
                    continue;
                }
            }
        }
        oracle.insert(k, i);
    }
    assert_eq!(len(h), oracle.len() as i64);
    for k in -20_000..130_000i32 {
        let want = oracle.get(&k).copied();
        let mut ok = 0u8;
        // SAFETY: as above.
        unsafe {
            let v = *(rgo_mapaccess2_fast32(g0(), t, h, k as u32, &mut ok) as *const i64);
            assert_eq!((ok != 0).then_some(v), want, "key {k}");
            let v1 = *(rgo_mapaccess1_fast32(g0(), t, h, k as u32) as *const i64);
            assert_eq!(v1, want.unwrap_or(0));
        }
        assert_eq!(get::<i32, i64>(t, h, &k), want);
    }
    let got: HashMap<i32, i64> = collect::<i32, i64>(t, h).into_iter().collect();
    assert_eq!(got, oracle);
}

#[test]
fn fast_paths_grow_during_iteration() {
    // Inserting through the fast paths while a loop runs makes the map grow (and
    // evacuate through the fast paths' own evacuation) under the iterator: every key
    // present from the start is produced exactly once.
    let t = map_int_int();
    let ts = map_t(string_t(), int_t(), Some(rgo_strhash), REFLEXIVE | UPDATE);
    let names: Vec<String> = (0..20_000).map(|i| format!("s{i}")).collect();
    for round in 0..8u64 {
        // SAFETY: valid map types.
        let (h, hs) = unsafe { (rgo_makemap(g0(), t, 0), rgo_makemap(g0(), ts, 0)) };
        let n0 = 50 + 300 * round as usize;
        // SAFETY: int and string maps hashed by rgo_memhash64 / rgo_strhash.
        unsafe {
            for (i, s) in names.iter().enumerate().take(n0) {
                *(rgo_mapassign_fast64(g0(), t, h, i as u64) as *mut i64) = i as i64;
                *(rgo_mapassign_faststr(g0(), ts, hs, s.as_ptr(), s.len() as i64) as *mut i64) =
                    i as i64;
            }
            let mut it = test_null_hiter();
            let mut its = test_null_hiter();
            let (mut seen, mut seens) = (HashSet::new(), HashSet::new());
            let mut next = n0;
            rgo_mapiterinit(g0(), t, h, &mut it);
            rgo_mapiterinit(g0(), ts, hs, &mut its);
            while !it.key.is_null() || !its.key.is_null() {
                if !it.key.is_null() {
                    let k = *(it.key as *const i64);
                    assert_eq!(*(it.elem as *const i64), k);
                    assert!(seen.insert(k), "int key {k} twice");
                    rgo_mapiternext(g0(), &mut it);
                }
                if !its.key.is_null() {
                    let k = *(its.key as *const GoString);
                    assert!(seens.insert(k.as_bytes().to_vec()), "string key twice");
                    rgo_mapiternext(g0(), &mut its);
                }
                for _ in 0..3 {
                    if next < names.len() {
                        *(rgo_mapassign_fast64(g0(), t, h, next as u64) as *mut i64) = next as i64;
                        let s = &names[next];
                        *(rgo_mapassign_faststr(g0(), ts, hs, s.as_ptr(), s.len() as i64)
                            as *mut i64) = next as i64;
                        next += 1;
                    }
                }
            }
            assert!((0..n0 as i64).all(|k| seen.contains(&k)), "round {round}");
            assert!(
                names[..n0].iter().all(|s| seens.contains(s.as_bytes())),
                "round {round}"
            );
            assert_eq!(len(h), next as i64);
            for (i, s) in names.iter().enumerate().take(next) {
                let v = *(rgo_mapaccess1_fast64(g0(), t, h, i as u64) as *const i64);
                assert_eq!(v, i as i64);
                let v = *(rgo_mapaccess1_faststr(g0(), ts, hs, s.as_ptr(), s.len() as i64)
                    as *const i64);
                assert_eq!(v, i as i64);
            }
        }
    }
}

#[test]
fn string_keys_compare_by_content() {
    // Keys of every short length (the inline comparison's cases) that differ in one
    // byte, at either end, and equal keys at different addresses.
    let t = map_t(string_t(), int_t(), Some(rgo_strhash), REFLEXIVE | UPDATE);
    // SAFETY: a valid map type.
    let h = unsafe { rgo_makemap(g0(), t, 0) };
    let mut keys = Vec::new();
    for n in 0..=40usize {
        let base = vec![b'x'; n];
        keys.push(base.clone());
        for pos in [0, n / 2, n.saturating_sub(1)] {
            if n > 0 {
                let mut k = base.clone();
                k[pos] = b'y';
                keys.push(k);
            }
        }
    }
    keys.sort();
    keys.dedup();
    for (i, k) in keys.iter().enumerate() {
        // SAFETY: a string map hashed by rgo_strhash.
        unsafe {
            *(rgo_mapassign_faststr(g0(), t, h, k.as_ptr(), k.len() as i64) as *mut i64) = i as i64
        };
    }
    assert_eq!(len(h), keys.len() as i64);
    for (i, k) in keys.iter().enumerate() {
        let copy = k.clone();
        let mut ok = 0u8;
        // SAFETY: as above.
        let v = unsafe {
            *(rgo_mapaccess2_faststr(g0(), t, h, copy.as_ptr(), copy.len() as i64, &mut ok)
                as *const i64)
        };
        assert_eq!(
            (ok, v),
            (1, i as i64),
            "key {:?}",
            String::from_utf8_lossy(k)
        );
        let mut other = copy.clone();
        other.push(b'z');
        if keys.binary_search(&other).is_err() {
            // SAFETY: as above.
            unsafe {
                rgo_mapaccess2_faststr(g0(), t, h, other.as_ptr(), other.len() as i64, &mut ok)
            };
            assert_eq!(ok, 0);
        }
    }
}

// ---- interfaces ----

/// An interface type `main.I` with methods (sorted) `M`, `N`, and optionally an
/// unexported `m`.
fn iface_i(with_unexported: bool) -> &'static InterfaceType {
    iface_i_typed(with_unexported, &[])
}

/// [`iface_i`] whose first methods have the func types `sigs`.
fn iface_i_typed(with_unexported: bool, sigs: &[*const Type]) -> &'static InterfaceType {
    let mut d = basic("main.I", Kind::Interface, 16, Some(rgo_interequal), false);
    let pkg = d.name("main", 0, None);
    let n = if with_unexported { 3 } else { 2 };
    let mhdr = d.next;
    d.next += 8 * n;
    let names = [
        d.name("M", abi::name::EXPORTED, None),
        d.name("N", abi::name::EXPORTED, None),
        d.name("m", 0, Some("main")),
    ];
    for (i, name) in names.iter().take(n).enumerate() {
        let ityp = sigs.get(i).map(|&t| d.type_cell(t)).unwrap_or(0);
        let im = d.at::<IMethod>(mhdr + 8 * i);
        // SAFETY: inside the block.
        unsafe {
            (*im).name = *name;
            (*im).ityp = ityp;
        }
    }
    let it = d.at::<InterfaceType>(0);
    // SAFETY: the block holds an InterfaceType.
    unsafe {
        (*it).pkgpath = d.at::<u8>(pkg as usize);
        (*it).mhdr = d.at::<IMethod>(mhdr);
        (*it).mhdr_len = n;
        (*it).mhdr_cap = n;
        &*it
    }
}

extern "C" fn fn_m() {}
extern "C" fn fn_n() {}
extern "C" fn fn_lower_m() {}

/// A named int type with the given methods (name, exported, pkgpath).
fn named_with_methods(
    name: &str,
    methods: &[(&str, bool, Option<&str>, extern "C" fn())],
) -> &'static Type {
    named_with_typed_methods(name, methods, &[])
}

/// [`named_with_methods`] whose first methods have the func types `sigs`.
fn named_with_typed_methods(
    name: &str,
    methods: &[(&str, bool, Option<&str>, extern "C" fn())],
    sigs: &[*const Type],
) -> &'static Type {
    let mut d = basic(name, Kind::Int, 8, Some(rgo_memequal64), true);
    let pkg = d.name("main", 0, None);
    let u = rgo_abi::lang::uncommon::offset_for_kind(Kind::Int as u8) as usize;
    assert_eq!(u, 48);
    let moff = 16usize; // methods right after the uncommon header
    let names: Vec<i32> = methods
        .iter()
        .map(|(n, exp, pp, _)| d.name(n, if *exp { abi::name::EXPORTED } else { 0 }, *pp))
        .collect();
    let cells: Vec<i32> = sigs.iter().map(|&t| d.type_cell(t)).collect();
    let t = d.typ();
    t.tflag |= abi::TFLAG_UNCOMMON | abi::TFLAG_NAMED;
    let uc = d.at::<Uncommon>(u);
    // SAFETY: inside the block (descriptor 48 bytes, header 16, methods 24 each).
    unsafe {
        (*uc).pkgpath = pkg;
        (*uc).mcount = methods.len() as u16;
        (*uc).xcount = methods.iter().filter(|m| m.1).count() as u16;
        (*uc).moff = moff as u32;
        for (i, (m, nm)) in methods.iter().zip(names).enumerate() {
            let e = d.at::<Method>(u + moff + 24 * i);
            (*e).name = nm;
            (*e).mtyp = cells.get(i).copied().unwrap_or(0);
            (*e).ifn = m.3 as *const u8;
            (*e).tfn = m.3 as *const u8;
        }
    }
    d.typ()
}

#[test]
fn itabs_are_built_and_cached() {
    let i = iface_i(false);
    let t = named_with_methods(
        "main.T",
        &[
            ("M", true, None, fn_m),
            ("N", true, None, fn_n),
            ("m", false, None, fn_lower_m),
        ],
    );
    // SAFETY: valid descriptors.
    unsafe {
        let tab = getitab(null_mut(), i, t, false);
        assert!(!tab.is_null());
        assert_eq!((*tab).inter, i as *const InterfaceType);
        assert_eq!((*tab).typ, t as *const Type);
        assert_eq!((*tab).hash, t.hash);
        let fun = core::slice::from_raw_parts((*tab).fun.as_ptr(), 2);
        assert_eq!(
            fun,
            &[fn_m as *const () as usize, fn_n as *const () as usize]
        );
        assert_eq!(getitab(null_mut(), i, t, false), tab, "cached");
        assert_eq!(rgo_assertE2I(null_mut(), i, t), tab);
        assert_eq!(rgo_assertI2I(null_mut(), i, tab), tab);
        assert_eq!(rgo_assertE2I2(null_mut(), i, null()), null());
        // An unexported interface method matches only within its package.
        let i2 = iface_i(true);
        let tab2 = getitab(null_mut(), i2, t, true);
        assert!(!tab2.is_null());
        assert_eq!(
            *(*tab2).fun.as_ptr().add(2),
            fn_lower_m as *const () as usize
        );
    }
    // Many pairs: the cache grows and keeps every itab findable.
    let types: Vec<&'static Type> = (0..2000)
        .map(|_| {
            named_with_methods(
                "main.X",
                &[("M", true, None, fn_m), ("N", true, None, fn_n)],
            )
        })
        .collect();
    // SAFETY: valid descriptors.
    let tabs: Vec<*const Itab> = types
        .iter()
        .map(|t| unsafe { getitab(null_mut(), i, *t, false) })
        .collect();
    for (t, tab) in types.iter().zip(&tabs) {
        // SAFETY: as above.
        assert_eq!(unsafe { getitab(null_mut(), i, *t, false) }, *tab);
    }
}

#[test]
fn itabs_compare_method_types() {
    let sig_a = basic("func() int", Kind::Func, 8, None, false).typ() as *const Type;
    let sig_b = basic("func() float64", Kind::Func, 8, None, false).typ() as *const Type;
    let i = iface_i_typed(false, &[sig_a]);
    let methods = [
        ("M", true, None, fn_m as extern "C" fn()),
        ("N", true, None, fn_n),
    ];
    let same = named_with_typed_methods("main.A", &methods, &[sig_a]);
    let other = named_with_typed_methods("main.B", &methods, &[sig_b]);
    let untyped = named_with_methods("main.C", &methods);
    assert_eq!(
        same.type_off(same.uncommon().unwrap().methods()[0].mtyp),
        sig_a
    );
    // SAFETY: valid descriptors.
    unsafe {
        assert!(!getitab(null_mut(), i, same, true).is_null());
        assert!(getitab(null_mut(), i, other, true).is_null());
        // Without a recorded type (mtyp 0) the name decides.
        assert!(!getitab(null_mut(), i, untyped, true).is_null());
    }
}

#[test]
fn missing_methods_and_messages() {
    let i = iface_i(false);
    let u = named_with_methods("main.U", &[("M", true, None, fn_m)]);
    let v = named_with_methods(
        "main.V",
        &[("M", true, None, fn_m), ("n", false, Some("main"), fn_n)],
    );
    // SAFETY: valid descriptors.
    unsafe {
        assert!(getitab(null_mut(), i, u, true).is_null());
        assert!(
            getitab(null_mut(), i, u, true).is_null(),
            "negative result cached"
        );
        assert!(getitab(null_mut(), i, v, true).is_null());
        assert!(rgo_assertE2I2(null_mut(), i, int_t()).is_null());
    }
    let msg = type_assertion_message(None, Some(u), &i.typ, b"N");
    assert_eq!(
        msg,
        "interface conversion: main.U is not main.I: missing method N"
    );
    let msg = type_assertion_message(Some(eface_t()), Some(string_t()), int_t(), b"");
    assert_eq!(msg, "interface conversion: interface {} is string, not int");
    let msg = type_assertion_message(None, None, &i.typ, b"");
    assert_eq!(msg, "interface conversion: interface is nil, not main.I");
    let msg = type_assertion_message(Some(&i.typ), Some(int_t()), int_t(), b"");
    assert_eq!(
        msg,
        "interface conversion: main.I is int, not int (types from different scopes)"
    );
}

// ---- process-level: panics ----

const CHILD_ENV: &str = "RGO_LANG_TEST_CHILD";

fn run_child(scenario: &str) -> (Option<i32>, String) {
    let exe = std::env::current_exe().expect("test binary");
    let out = Command::new(exe)
        .args([
            "lang::tests::child_entry",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, scenario)
        .output()
        .expect("run child");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn child_entry() {
    let Ok(name) = std::env::var(CHILD_ENV) else {
        return;
    };
    let main: crate::start::MainFn = match name.as_str() {
        "nil_map_assign" => go_nil_map_assign,
        "unhashable" => go_unhashable,
        "uncomparable" => go_uncomparable,
        "missing_method" => go_missing_method,
        "e2i_nil" => go_e2i_nil,
        "dottype" => go_dottype,
        other => panic!("unknown scenario {other}"),
    };
    // SAFETY: a test child: the runtime is started once, by this test only.
    unsafe { crate::start::start_with(main, vec![b"prog".to_vec()], 1 << 30) }
}

extern "C" fn go_nil_map_assign(g: *mut G) {
    let k = 1i64;
    // SAFETY: g is the running goroutine.
    unsafe { rgo_mapassign(g, map_int_int(), null_mut(), &k as *const i64 as *const u8) };
}

extern "C" fn go_unhashable(g: *mut G) {
    let t = map_t(
        eface_t(),
        int_t(),
        Some(rgo_nilinterhash),
        UPDATE | mabi::HASH_MIGHT_PANIC,
    );
    let sl = Box::new([0usize; 3]);
    let e: [*const u8; 2] = [
        slice_t() as *const Type as *const u8,
        sl.as_ptr() as *const u8,
    ];
    // SAFETY: g is the running goroutine; a valid map type and key.
    unsafe {
        let h = rgo_makemap(g, t, 0);
        rgo_mapassign(g, t, h, e.as_ptr() as *const u8);
    }
}

extern "C" fn go_uncomparable(g: *mut G) {
    let x = Box::new([0usize; 3]);
    // SAFETY: g is the running goroutine.
    unsafe {
        rgo_efaceeq(
            g,
            slice_t(),
            x.as_ptr() as *const u8,
            x.as_ptr() as *const u8,
        )
    };
}

extern "C" fn go_missing_method(g: *mut G) {
    let u = named_with_methods("main.U", &[("M", true, None, fn_m)]);
    // SAFETY: g is the running goroutine.
    unsafe { rgo_assertE2I(g, iface_i(false), u) };
}

extern "C" fn go_e2i_nil(g: *mut G) {
    // SAFETY: g is the running goroutine.
    unsafe { rgo_assertE2I(g, iface_i(false), null()) };
}

extern "C" fn go_dottype(g: *mut G) {
    // SAFETY: g is the running goroutine.
    unsafe { rgo_panicdottypeE(g, string_t(), int_t(), eface_t()) }
}

fn check_panic(scenario: &str, msg: &str) {
    let (code, stderr) = run_child(scenario);
    let want = format!("panic: {msg}\n\ngoroutine 1 [running]:\n");
    assert!(
        stderr.starts_with(&want),
        "scenario {scenario}: stderr\n{stderr}\nwant prefix\n{want}"
    );
    assert_eq!(code, Some(2), "scenario {scenario}");
}

#[test]
fn panics_with_gc_texts() {
    check_panic("nil_map_assign", "assignment to entry in nil map");
    check_panic("unhashable", "runtime error: hash of unhashable type []int");
    check_panic(
        "uncomparable",
        "runtime error: comparing uncomparable type []int",
    );
    check_panic(
        "missing_method",
        "interface conversion: main.U is not main.I: missing method N",
    );
    check_panic(
        "e2i_nil",
        "interface conversion: interface is nil, not main.I",
    );
    check_panic(
        "dottype",
        "interface conversion: interface {} is string, not int",
    );
}
