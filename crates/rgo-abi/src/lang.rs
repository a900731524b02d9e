//! Entry points and layouts of the language runtime support: maps, interfaces, type
//! equality and hashing.
//!
//! Conventions (as for [`crate::entry`]): every entry point uses the C convention
//! (`system_v`); those that may panic take the calling goroutine `g` first (null means "the
//! current thread's g"). Pointers to types are pointers to descriptors laid out as in
//! [`crate::typ`]. `bool` results and arguments are one byte (0 or 1).
//!
//! # Hash and equality functions referenced from descriptors
//!
//! `_type.equal` is `extern "C" fn(p, q: *const u8) -> bool` and `mapType.hasher` is
//! `extern "C" fn(p: *const u8, seed: usize) -> usize` (see [`crate::typ`]). Codegen fills
//! them with the runtime functions below, chosen by the type:
//!
//! | type                                   | `equal`            | map `hasher`        |
//! |----------------------------------------|--------------------|---------------------|
//! | size 0 (`struct{}`, `[0]T`)            | `MEMEQUAL0`        | `MEMHASH0`          |
//! | bool, ints, uintptr, pointers, chans, unsafe.Pointer, and any regular-memory (`TFLAG_REGULAR_MEMORY`) type of size 1/2/4/8/16 | `MEMEQUAL8..128` | `MEMHASH8..128` |
//! | float32 / float64                      | `F32EQUAL`/`F64EQUAL` | `F32HASH`/`F64HASH` |
//! | complex64 / complex128                 | `C64EQUAL`/`C128EQUAL` | `C64HASH`/`C128HASH` |
//! | string                                 | `STREQUAL`         | `STRHASH`           |
//! | `interface{}` / non-empty interface    | `NILINTEREQUAL`/`INTEREQUAL` | `NILINTERHASH`/`INTERHASH` |
//! | other comparable arrays and structs (including regular memory of other sizes) | a generated function, or `WALKEQUAL` | null |
//! | slices, maps, funcs, and composites containing them | null (not comparable) | — |
//!
//! A C function cannot close over a size or a descriptor, so for the last comparable row
//! the runtime walks the descriptor instead:
//! * `hasher == null` in a map type means "hash the key by walking `key`'s descriptor"
//!   (regular memory of `size` bytes, else field by field / element by element, skipping
//!   blank fields), exactly as an interface holding the key would be hashed;
//! * `equal == WALKEQUAL` means "compare by walking the descriptor". `WALKEQUAL` is a
//!   marker: it is non-null (so reflect's `Comparable` holds) but cannot be called directly
//!   (it throws). Whoever compares values of a type with an arbitrary descriptor (the map
//!   code, `EFACEEQ`, `IFACEEQ`, generated code for `==` on such structs/arrays) goes
//!   through [`TYPEEQUAL`], which calls `equal` or walks.
//!
//! # Maps
//!
//! Go 1.19's design and layouts ([`map`]): `make(map[K]V, n)` → [`MAKEMAP`]; `m[k]` →
//! [`MAPACCESS1`] (a pointer to the element, or to a zeroed area when absent; never null);
//! `v, ok := m[k]` → [`MAPACCESS2`]; `m[k] = v` → [`MAPASSIGN`] then a store through the
//! returned pointer; `delete(m, k)` → [`MAPDELETE`]; `len(m)` → load the word at
//! [`map::hmap::COUNT`] when `m` is not nil (or [`MAPLEN`]); `for k, v := range m` →
//! [`MAPITERINIT`] / [`MAPITERNEXT`] on a [`map::hiter`] in the caller's frame, stopping
//! when `hiter.key` is null. Keys are passed by pointer to the key value.
//!
//! A map type's descriptor (`typ::ext::MAP_*`) holds: `key`, `elem`; `bucket`, a
//! descriptor of the bucket struct (size `bucketsize`; its `ptrdata == 0` tells the
//! runtime buckets hold no pointers; may be null, meaning "has pointers"); `hasher` (table
//! above; null = walk the key's descriptor); `keysize`, `valuesize`, `bucketsize` and the
//! `INDIRECT_*` flag bits from [`map::bucket_layout`]; and in `flags` also
//! `REFLEXIVE_KEY` (key type has no float/complex/interface inside), `NEED_KEY_UPDATE`
//! (it has a float, complex, string or interface inside) and `HASH_MIGHT_PANIC` (it has an
//! interface inside), following arrays' elements and structs' fields, as gc computes them.
//!
//! The `_FAST32`/`_FAST64`/`_FASTSTR` variants take the key by value and skip the generic
//! hash/equal indirections; they may be used only for maps whose type's `hasher` is
//! `MEMHASH32` / `MEMHASH64` / `STRHASH` respectively and whose key is stored inline
//! (never for float keys), so that every way of reaching a map agrees on hashes. Codegen
//! uses them for every such key type (one-field structs and small arrays included).
//!
//! `m[k] op= v` and `m[k]++` evaluate `v`, then call the assign entry point once and
//! update the element through the returned pointer (gc's order); for `/` and `%` they
//! read with the access entry point and assign after dividing, so that a division by
//! zero inserts nothing.
//!
//! # Interfaces
//!
//! Itabs are found or built at run time ([`GETITAB`]) from the interface's `imethod`s and
//! the concrete type's [`uncommon`] method table, and cached in a global table (the first
//! lookup of a pair builds it; later ones are a hash probe). Codegen may also emit itabs
//! statically for conversions it can prove; they need not be in the runtime's cache.

// ---- hashing and equality ----

/// `fn(p, q) -> bool` for types of size 0: always true.
pub const MEMEQUAL0: &str = "rgo_memequal0";
/// `fn(p, q) -> bool`: compare 1/2/4/8/16 bytes.
pub const MEMEQUAL8: &str = "rgo_memequal8";
pub const MEMEQUAL16: &str = "rgo_memequal16";
pub const MEMEQUAL32: &str = "rgo_memequal32";
pub const MEMEQUAL64: &str = "rgo_memequal64";
pub const MEMEQUAL128: &str = "rgo_memequal128";
/// `fn(p, q) -> bool` on Go strings (`{ptr, len}` at `p`, `q`).
pub const STREQUAL: &str = "rgo_strequal";
/// `fn(p, q) -> bool`: IEEE equality (`+0 == -0`, `NaN != NaN`); complex: both parts.
pub const F32EQUAL: &str = "rgo_f32equal";
pub const F64EQUAL: &str = "rgo_f64equal";
pub const C64EQUAL: &str = "rgo_c64equal";
pub const C128EQUAL: &str = "rgo_c128equal";
/// `fn(p, q) -> bool` on non-empty / empty interface values at `p`, `q`. Panics with
/// `runtime error: comparing uncomparable type T` when both hold the same uncomparable T.
pub const INTEREQUAL: &str = "rgo_interequal";
pub const NILINTEREQUAL: &str = "rgo_nilinterequal";
/// The marker for "compare by walking the descriptor" (see the module comment). Calling
/// it is a fatal error.
pub const WALKEQUAL: &str = "rgo_walkequal";

/// `fn(p, seed: usize) -> usize` hashing 0/1/2/4/8/16 bytes at `p`.
pub const MEMHASH0: &str = "rgo_memhash0";
pub const MEMHASH8: &str = "rgo_memhash8";
pub const MEMHASH16: &str = "rgo_memhash16";
pub const MEMHASH32: &str = "rgo_memhash32";
pub const MEMHASH64: &str = "rgo_memhash64";
pub const MEMHASH128: &str = "rgo_memhash128";
/// `fn(p, seed) -> usize` of the Go string at `p`.
pub const STRHASH: &str = "rgo_strhash";
/// `fn(p, seed) -> usize` of floats: `+0` and `-0` hash alike; every NaN hashes to a
/// fresh random value (so NaN keys never collide with themselves usefully).
pub const F32HASH: &str = "rgo_f32hash";
pub const F64HASH: &str = "rgo_f64hash";
pub const C64HASH: &str = "rgo_c64hash";
pub const C128HASH: &str = "rgo_c128hash";
/// `fn(p, seed) -> usize` of the non-empty / empty interface value at `p`: the dynamic
/// value hashed through its descriptor; nil hashes to `seed`. Panics with
/// `runtime error: hash of unhashable type T` for an uncomparable dynamic type.
pub const INTERHASH: &str = "rgo_interhash";
pub const NILINTERHASH: &str = "rgo_nilinterhash";

/// `fn(p: *const u8, len: usize, seed: usize) -> usize`: the runtime's memory hash.
pub const MEMHASH: &str = "rgo_memhash";
/// `fn(t: *const Type, p: *const u8, seed: usize) -> usize`: hashes a value of type `t`
/// by walking its descriptor (what a `hasher == null` map does). May panic (unhashable).
pub const TYPEHASH: &str = "rgo_typehash";
/// `fn(g, t: *const Type, p, q) -> bool`: `*p == *q` for values of type `t`: calls
/// `t.equal`, or walks the descriptor when it is [`WALKEQUAL`]; panics `comparing
/// uncomparable type T` when `t.equal` is null.
pub const TYPEEQUAL: &str = "rgo_typeequal";
/// `fn(g, t: *const Type, x: *const u8, y: *const u8) -> bool`: equality of two empty
/// interfaces already known to hold the same dynamic type `t` (null: both nil → true);
/// `x`, `y` are the data words.
pub const EFACEEQ: &str = "rgo_efaceeq";
/// `fn(g, tab: *const Itab, x, y) -> bool`: the same for non-empty interfaces with the
/// same itab.
pub const IFACEEQ: &str = "rgo_ifaceeq";

// ---- maps ----

/// `fn(g, t: *const MapType, hint: i64) -> *mut Hmap`: `make(map[K]V, hint)`. A hint that
/// is negative or too large is treated as 0 (as gc's runtime does).
pub const MAKEMAP: &str = "rgo_makemap";
/// `fn(g, t, h: *mut Hmap, key: *const u8) -> *const u8`: the element for `*key`, or a
/// pointer to zeroed memory of the element's size when absent or `h` is nil.
pub const MAPACCESS1: &str = "rgo_mapaccess1";
/// `fn(g, t, h, key: *const u8, ok: *mut u8) -> *const u8`: as [`MAPACCESS1`], and
/// stores 1 / 0 to `*ok` (the comma-ok form).
pub const MAPACCESS2: &str = "rgo_mapaccess2";
/// `fn(g, t, h, key: *const u8) -> *mut u8`: the slot for `*key`, inserting the key
/// (with a zeroed element) when absent; the caller stores the element through it before
/// any other map operation. Nil `h`: panics `assignment to entry in nil map`.
pub const MAPASSIGN: &str = "rgo_mapassign";
/// `fn(g, t, h, key: *const u8)`: `delete(h, *key)`; no-op on a nil map.
pub const MAPDELETE: &str = "rgo_mapdelete";
/// `fn(g, t, h, it: *mut Hiter)`: starts a range loop: fills `*it` (96 bytes, any
/// initial contents) and advances to the first entry.
pub const MAPITERINIT: &str = "rgo_mapiterinit";
/// `fn(g, it: *mut Hiter)`: advances; `it.key == null` afterwards means the loop is over.
pub const MAPITERNEXT: &str = "rgo_mapiternext";
/// `fn(h: *const Hmap) -> i64`: `len(h)` (0 for nil).
pub const MAPLEN: &str = "rgo_maplen";
/// Fast paths (see the module comment). Keys by value: `u32` / `u64` / a string as
/// `(ptr, len)`.
/// `fn(g, t, h, key: u32) -> *const u8`
pub const MAPACCESS1_FAST32: &str = "rgo_mapaccess1_fast32";
/// `fn(g, t, h, key: u64) -> *const u8`
pub const MAPACCESS1_FAST64: &str = "rgo_mapaccess1_fast64";
/// `fn(g, t, h, ptr: *const u8, len: i64) -> *const u8`
pub const MAPACCESS1_FASTSTR: &str = "rgo_mapaccess1_faststr";
/// `fn(g, t, h, key: u32, ok: *mut u8) -> *const u8`
pub const MAPACCESS2_FAST32: &str = "rgo_mapaccess2_fast32";
/// `fn(g, t, h, key: u64, ok: *mut u8) -> *const u8`
pub const MAPACCESS2_FAST64: &str = "rgo_mapaccess2_fast64";
/// `fn(g, t, h, ptr, len, ok: *mut u8) -> *const u8`
pub const MAPACCESS2_FASTSTR: &str = "rgo_mapaccess2_faststr";
/// `fn(g, t, h, key: u32) -> *mut u8`
pub const MAPASSIGN_FAST32: &str = "rgo_mapassign_fast32";
/// `fn(g, t, h, key: u64) -> *mut u8`
pub const MAPASSIGN_FAST64: &str = "rgo_mapassign_fast64";
/// `fn(g, t, h, ptr, len) -> *mut u8`
pub const MAPASSIGN_FASTSTR: &str = "rgo_mapassign_faststr";
/// `fn(g, t, h, key: u32)`
pub const MAPDELETE_FAST32: &str = "rgo_mapdelete_fast32";
/// `fn(g, t, h, key: u64)`
pub const MAPDELETE_FAST64: &str = "rgo_mapdelete_fast64";
/// `fn(g, t, h, ptr, len)`
pub const MAPDELETE_FASTSTR: &str = "rgo_mapdelete_faststr";

// ---- interfaces ----

/// `fn(g, inter: *const InterfaceType, t: *const Type, canfail: bool) -> *const Itab`:
/// the itab for `(inter, t)`, built and cached on first use. When `t` lacks a method:
/// null if `canfail`, else panics `interface conversion: T is not I: missing method M`.
pub const GETITAB: &str = "rgo_getitab";
/// `fn(g, inter, t: *const Type) -> *const Itab`: `e.(I)` for an empty interface `e`
/// with dynamic type `t` (null: panics `interface conversion: interface is nil, not I`).
pub const ASSERT_E2I: &str = "rgo_assertE2I";
/// `fn(g, inter, t) -> *const Itab`: `v, ok := e.(I)`: null when nil or not implemented.
pub const ASSERT_E2I2: &str = "rgo_assertE2I2";
/// `fn(g, inter, tab: *const Itab) -> *const Itab`: `i.(I)` for a non-empty interface.
pub const ASSERT_I2I: &str = "rgo_assertI2I";
/// `fn(g, inter, tab) -> *const Itab`: the comma-ok form (null on failure).
pub const ASSERT_I2I2: &str = "rgo_assertI2I2";
/// `fn(g, inter, tab) -> *const Itab`: a conversion between interface types known to
/// succeed statically (nil stays nil).
pub const CONV_I2I: &str = "rgo_convI2I";
/// `fn(g, have: *const Type, want: *const Type, iface: *const Type) -> !`: a failed
/// `x.(T)` with concrete `T` = `want` on an interface of static type `iface` whose dynamic
/// type is `have` (null: nil): `interface conversion: I is H, not T` /
/// `interface conversion: I is nil, not T`.
pub const PANIC_DOTTYPE_E: &str = "rgo_panicdottypeE";
/// `fn(g, have: *const Itab, want, iface) -> !`: the same with the itab of a non-empty
/// interface (null: nil).
pub const PANIC_DOTTYPE_I: &str = "rgo_panicdottypeI";
/// `fn(g, want: *const Type) -> !`: `interface conversion: interface is nil, not T`.
pub const PANIC_NIL_DOTTYPE: &str = "rgo_panicnildottype";
/// `fn(g, t: *const Type, v: *const u8) -> *mut u8`: boxes a value that is not
/// pointer-shaped for an interface's data word: a heap copy of `t.size` bytes at `v`.
pub const CONV_T: &str = "rgo_convT";

/// Every entry point declared here (the runtime's symbol table defines exactly these,
/// together with `entry::ALL` and `mem::ALL`).
/// `fn(g, len: i64, cap: i64, elem: *const Type) -> *mut u8`: the zeroed
/// backing array of `make([]T, len, cap)`; panics `makeslice: len out of range` /
/// `makeslice: cap out of range` as gc does.
pub const MAKESLICE: &str = "rgo_makeslice";
/// `fn(g, out: *mut GoSlice, ptr, len: i64, cap: i64, new_len: i64, elem: *const Type)`:
/// `append` past the capacity. Allocates a larger backing array (gc's growth rule and
/// size-class rounding), copies the old `len` elements, and writes `{ptr, len, newcap}` with the
/// *old* length to `out`; the caller stores the appended elements and sets the length.
pub const GROWSLICE: &str = "rgo_growslice";

pub const ALL: &[&str] = &[
    MAKESLICE,
    GROWSLICE,
    MEMEQUAL0,
    MEMEQUAL8,
    MEMEQUAL16,
    MEMEQUAL32,
    MEMEQUAL64,
    MEMEQUAL128,
    STREQUAL,
    F32EQUAL,
    F64EQUAL,
    C64EQUAL,
    C128EQUAL,
    INTEREQUAL,
    NILINTEREQUAL,
    WALKEQUAL,
    MEMHASH0,
    MEMHASH8,
    MEMHASH16,
    MEMHASH32,
    MEMHASH64,
    MEMHASH128,
    STRHASH,
    F32HASH,
    F64HASH,
    C64HASH,
    C128HASH,
    INTERHASH,
    NILINTERHASH,
    MEMHASH,
    TYPEHASH,
    TYPEEQUAL,
    EFACEEQ,
    IFACEEQ,
    MAKEMAP,
    MAPACCESS1,
    MAPACCESS2,
    MAPASSIGN,
    MAPDELETE,
    MAPITERINIT,
    MAPITERNEXT,
    MAPLEN,
    MAPACCESS1_FAST32,
    MAPACCESS1_FAST64,
    MAPACCESS1_FASTSTR,
    MAPACCESS2_FAST32,
    MAPACCESS2_FAST64,
    MAPACCESS2_FASTSTR,
    MAPASSIGN_FAST32,
    MAPASSIGN_FAST64,
    MAPASSIGN_FASTSTR,
    MAPDELETE_FAST32,
    MAPDELETE_FAST64,
    MAPDELETE_FASTSTR,
    GETITAB,
    ASSERT_E2I,
    ASSERT_E2I2,
    ASSERT_I2I,
    ASSERT_I2I2,
    CONV_I2I,
    PANIC_DOTTYPE_E,
    PANIC_DOTTYPE_I,
    PANIC_NIL_DOTTYPE,
    CONV_T,
];

/// Map layouts, as Go 1.19's `hmap`, `bmap` and `hiter` on amd64.
pub mod map {
    /// Slots per bucket.
    pub const BUCKET_CNT: u64 = 8;
    /// Offset of the keys in a bucket (after the 8 tophash bytes). A bucket is
    /// `tophash [8]u8; keys [8]keyslot; elems [8]elemslot; overflow *bmap`.
    pub const DATA_OFFSET: u64 = 8;
    /// Keys / elements bigger than this are stored out of line: the slot holds a pointer
    /// to a heap copy (`INDIRECT_KEY` / `INDIRECT_ELEM`).
    pub const MAX_KEY_SIZE: u64 = 128;
    pub const MAX_ELEM_SIZE: u64 = 128;
    /// Bytes of zeroed memory behind missing-key results for elements up to this size
    /// (bigger elements get a bigger zeroed area on demand).
    pub const ZERO_VAL_SIZE: u64 = 1024;

    /// `mapType.flags` bits (as gc's): codegen computes them from the key/elem types.
    /// The key slot holds a pointer to the key (key size > `MAX_KEY_SIZE`).
    pub const INDIRECT_KEY: u32 = 1;
    /// The elem slot holds a pointer to the element (elem size > `MAX_ELEM_SIZE`).
    pub const INDIRECT_ELEM: u32 = 2;
    /// `k == k` holds for every key (no floats or interfaces inside the key type).
    pub const REFLEXIVE_KEY: u32 = 4;
    /// Overwriting an entry must also overwrite the stored key (floats: +0/-0;
    /// strings; interfaces; composites containing them).
    pub const NEED_KEY_UPDATE: u32 = 8;
    /// Hashing a key may panic (the key type contains an interface).
    pub const HASH_MIGHT_PANIC: u32 = 16;

    /// The `keysize`, `valuesize` (slot sizes) and `bucketsize` a map type's descriptor
    /// holds for a key of `key_size` bytes and an element of `elem_size` bytes, with the
    /// `INDIRECT_*` flags they imply.
    pub const fn bucket_layout(key_size: u64, elem_size: u64) -> (u8, u8, u16, u32) {
        let mut flags = 0;
        let ks = if key_size > MAX_KEY_SIZE {
            flags |= INDIRECT_KEY;
            8
        } else {
            key_size
        };
        let es = if elem_size > MAX_ELEM_SIZE {
            flags |= INDIRECT_ELEM;
            8
        } else {
            elem_size
        };
        let bucket = DATA_OFFSET + BUCKET_CNT * (ks + es) + 8;
        (ks as u8, es as u8, bucket as u16, flags)
    }

    /// `hmap`: the map header a map value points to.
    pub mod hmap {
        /// `int`: number of entries; first so `len` is one load.
        pub const COUNT: i32 = 0;
        pub const FLAGS: i32 = 8;
        /// log2 of the number of buckets.
        pub const B: i32 = 9;
        pub const NOVERFLOW: i32 = 10;
        pub const HASH0: i32 = 12;
        pub const BUCKETS: i32 = 16;
        pub const OLDBUCKETS: i32 = 24;
        pub const NEVACUATE: i32 = 32;
        pub const EXTRA: i32 = 40;
        pub const SIZE: u64 = 48;
    }

    /// `hiter`: a range loop's state, 12 words, field for field Go 1.19's
    /// `runtime.hiter` (and so `reflect.hiter`). Codegen reserves [`hiter::SIZE`] bytes,
    /// 8-aligned, in the frame and reads `KEY` / `ELEM` after each init/next call.
    pub mod hiter {
        /// Pointer to the current key; null when the iteration is over.
        pub const KEY: i32 = 0;
        /// Pointer to the current element.
        pub const ELEM: i32 = 8;
        pub const T: i32 = 16;
        pub const H: i32 = 24;
        pub const BUCKETS: i32 = 32;
        pub const BPTR: i32 = 40;
        pub const OVERFLOW: i32 = 48;
        pub const OLDOVERFLOW: i32 = 56;
        pub const START_BUCKET: i32 = 64;
        pub const OFFSET: i32 = 72;
        pub const WRAPPED: i32 = 73;
        pub const B: i32 = 74;
        pub const I: i32 = 75;
        pub const BUCKET: i32 = 80;
        pub const CHECK_BUCKET: i32 = 88;
        pub const SIZE: u64 = 96;
    }
}

/// Method tables of named types (and pointers to them): Go 1.19's `uncommontype` and
/// `method`, with two differences: a method's code addresses are absolute, and typeOffs
/// name a type cell holding the descriptor's address (see [`uncommon::METHOD_MTYP`]).
///
/// A descriptor with `TFLAG_UNCOMMON` has an uncommon header right after its kind-specific
/// part, at [`offset_for_kind`] from the descriptor start (for func types the parameter
/// types follow the header). Offsets named "nameOff"/"typeOff" are, as for `_type.str`,
/// relative to the start of the *type descriptor that owns the table* (the interface type
/// for `imethod`s); 0 means none.
pub mod uncommon {
    /// `uncommontype { pkgpath nameOff; mcount, xcount uint16; moff uint32; _ uint32 }`.
    pub const PKGPATH: i32 = 0;
    /// Number of methods: exported ones first, then unexported ones, each group sorted
    /// by name (gc's order; the itab builder does not depend on it).
    pub const MCOUNT: i32 = 4;
    /// Number of exported methods (the first `xcount` entries; reflect's `Method(i)`
    /// reads only these).
    pub const XCOUNT: i32 = 6;
    /// Offset from the uncommon header to the `[mcount]method` array.
    pub const MOFF: i32 = 8;
    pub const SIZE: i32 = 16;

    /// `method { name nameOff; mtyp typeOff; ifn, tfn *code }`: 24 bytes (gc: 16 with
    /// 32-bit text offsets; a JIT cannot express those in data, so the two code fields are
    /// absolute addresses).
    /// - `NAME`: nameOff of the method's name (with pkgPath for unexported names).
    /// - `MTYP`: typeOff of the method's func type without receiver. rgo's typeOffs
    ///   (here and in `imethod.ityp`) are the offset, from the owning descriptor, of a
    ///   *type cell*: an aligned 8-byte word in the same object holding the func type
    ///   descriptor's absolute address (gc: the offset of the descriptor itself from the
    ///   module's types section, which Cranelift data cannot express). The itab builder
    ///   matches it against the interface method's `ityp` by descriptor identity (when
    ///   either is 0, by name alone); the runtime recognises `Error() string` and
    ///   `String() string` through it.
    /// - `IFN`: the function an itab's `fun` slot gets: Go (`tail`) convention, receiver is
    ///   the interface data word (for value methods of non-pointer-shaped types, a wrapper
    ///   that loads the value through it).
    /// - `TFN`: the method with its ordinary receiver (for reflect's method values).
    pub const METHOD_NAME: i32 = 0;
    pub const METHOD_MTYP: i32 = 4;
    pub const METHOD_IFN: i32 = 8;
    pub const METHOD_TFN: i32 = 16;
    pub const METHOD_SIZE: i32 = 24;

    /// Byte offset of the uncommon header from the start of a descriptor of `kind`
    /// (a [`crate::Kind`] value): the size of gc's kind-specific type struct.
    pub const fn offset_for_kind(kind: u8) -> i32 {
        use crate::Kind;
        const H: i32 = crate::typ::rtype::HEADER_SIZE;
        match kind {
            k if k == Kind::Array as u8 => H + 24,
            k if k == Kind::Chan as u8 => H + 16,
            k if k == Kind::Func as u8 => H + 8,
            k if k == Kind::Interface as u8 => H + 32,
            k if k == Kind::Map as u8 => H + 40,
            k if k == Kind::Pointer as u8 => H + 8,
            k if k == Kind::Slice as u8 => H + 8,
            k if k == Kind::Struct as u8 => H + 32,
            _ => H,
        }
    }
}
