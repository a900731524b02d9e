//! Type descriptors, laid out as Go 1.19's `runtime._type` and its kind-specific extensions
//! (`reflect.rtype`, `ptrType`, `sliceType`, ...), so that upstream `reflect` and
//! `internal/reflectlite` can later read what codegen emits.
//!
//! Codegen emits one read-only descriptor per type used at run time (allocation, interfaces,
//! maps, channels); identical types share one descriptor, so descriptor address equality is
//! type identity, as in gc. The runtime reads descriptors for allocation (size, `ptrdata`,
//! `gcdata`), hashing and equality (maps, interface comparison), and printing (`str`).
//!
//! Differences from gc, by decision:
//! - `equal` is a C-ABI function `extern "C" fn(p: *const u8, q: *const u8) -> bool`, or
//!   null when the type is not comparable (gc uses its Go ABI here; our runtime calls it
//!   directly from Rust).
//! - `MapType::hasher` is `extern "C" fn(p: *const u8, seed: usize) -> usize`.
//! - `str` (a gc `nameOff`) and `ptr_to_this` (a `typeOff`) are offsets from the start of
//!   the descriptor itself, 0 meaning none; gc resolves them against module data, which a
//!   JIT has no single copy of. A nameOff leads to a [`Name`] in the same object; a typeOff
//!   leads to a *type cell* in the same object, an 8-byte word holding the target
//!   descriptor's absolute address (Cranelift data can hold absolute addresses of other
//!   objects, not offsets between them). `ptr_to_this` is always 0 today.
//! - `gcdata` always points at a pointer bitmap (one bit per word of the `ptrdata` prefix,
//!   least significant bit first); gc's GC programs (`KIND_GC_PROG`) are never emitted.

/// `runtime._type`: 48 bytes.
pub mod rtype {
    pub const SIZE: i32 = 0;
    pub const PTRDATA: i32 = 8;
    pub const HASH: i32 = 16;
    pub const TFLAG: i32 = 20;
    pub const ALIGN: i32 = 21;
    pub const FIELD_ALIGN: i32 = 22;
    pub const KIND: i32 = 23;
    pub const EQUAL: i32 = 24;
    pub const GCDATA: i32 = 32;
    pub const STR: i32 = 40;
    pub const PTR_TO_THIS: i32 = 44;
    /// Size of the common header; kind-specific fields follow.
    pub const HEADER_SIZE: i32 = 48;
}

/// `tflag` bits.
pub const TFLAG_UNCOMMON: u8 = 1 << 0;
pub const TFLAG_EXTRA_STAR: u8 = 1 << 1;
pub const TFLAG_NAMED: u8 = 1 << 2;
pub const TFLAG_REGULAR_MEMORY: u8 = 1 << 3;

/// `kind` byte: the low 5 bits are a [`crate::Kind`]; these are flags.
pub const KIND_DIRECT_IFACE: u8 = 1 << 5;
pub const KIND_GC_PROG: u8 = 1 << 6;
pub const KIND_MASK: u8 = (1 << 5) - 1;

/// Kind-specific tails, as offsets from the start of the descriptor.
pub mod ext {
    use super::rtype::HEADER_SIZE as H;
    /// `ptrType { elem *_type }`
    pub const PTR_ELEM: i32 = H;
    /// `sliceType { elem *_type }`
    pub const SLICE_ELEM: i32 = H;
    /// `arrayType { elem, slice *_type; len uintptr }`
    pub const ARRAY_ELEM: i32 = H;
    pub const ARRAY_SLICE: i32 = H + 8;
    pub const ARRAY_LEN: i32 = H + 16;
    /// `chanType { elem *_type; dir uintptr }`
    pub const CHAN_ELEM: i32 = H;
    pub const CHAN_DIR: i32 = H + 8;
    /// `mapType { key, elem, bucket *_type; hasher fn; keysize, valuesize u8;
    /// bucketsize u16; flags u32 }`
    pub const MAP_KEY: i32 = H;
    pub const MAP_ELEM: i32 = H + 8;
    pub const MAP_BUCKET: i32 = H + 16;
    pub const MAP_HASHER: i32 = H + 24;
    pub const MAP_KEYSIZE: i32 = H + 32;
    pub const MAP_VALUESIZE: i32 = H + 33;
    pub const MAP_BUCKETSIZE: i32 = H + 34;
    pub const MAP_FLAGS: i32 = H + 36;
    /// `structType { pkgPath name; fields []structField }`; a structField is
    /// `{ name name; typ *_type; offsetEmbed uintptr }` (offset << 1 | embedded).
    pub const STRUCT_PKGPATH: i32 = H;
    pub const STRUCT_FIELDS: i32 = H + 8;
    pub const STRUCT_FIELD_SIZE: i32 = 24;
    /// `funcType { inCount, outCount uint16 }` then the parameter and result `*_type`s.
    pub const FUNC_IN_COUNT: i32 = H;
    pub const FUNC_OUT_COUNT: i32 = H + 2;
    /// `interfaceType { pkgpath name; mhdr []imethod }`; an imethod is
    /// `{ name nameOff; ityp typeOff }` (8 bytes); `ityp` names a type cell holding the
    /// method's func type descriptor (see `lang::uncommon::METHOD_MTYP`).
    pub const IFACE_PKGPATH: i32 = H;
    pub const IFACE_METHODS: i32 = H + 8;
}

/// Channel direction values of `chanType.dir` (reflect.ChanDir).
pub const CHAN_RECV: u64 = 1;
pub const CHAN_SEND: u64 = 2;
pub const CHAN_BOTH: u64 = 3;

/// A `Name` is gc's encoded name: a flag byte (exported, has tag, has pkgPath, embedded),
/// a uvarint length, the bytes, then optionally a uvarint-length-prefixed tag.
pub mod name {
    pub const EXPORTED: u8 = 1 << 0;
    pub const HAS_TAG: u8 = 1 << 1;
    pub const HAS_PKGPATH: u8 = 1 << 2;
    pub const EMBEDDED: u8 = 1 << 3;
}

/// An interface value's two words. For an empty interface (`eface`): the dynamic type's
/// descriptor and the data word. For a non-empty interface (`iface`): an itab and the data
/// word. The data word holds the value itself when the type is pointer-shaped
/// (`KIND_DIRECT_IFACE`), else a pointer to a heap copy.
pub mod iface {
    pub const TAB: i32 = 0;
    pub const DATA: i32 = 8;
}

/// `runtime.itab`: `{ inter *interfacetype; _type *_type; hash uint32; _ [4]byte;
/// fun [n]uintptr }`. `fun[0] == 0` means the type does not implement the interface
/// (cached negative result). Method entries are Go (`tail` convention) function addresses
/// taking the receiver's data word.
pub mod itab {
    pub const INTER: i32 = 0;
    pub const TYPE: i32 = 8;
    pub const HASH: i32 = 16;
    pub const FUN: i32 = 24;
}
