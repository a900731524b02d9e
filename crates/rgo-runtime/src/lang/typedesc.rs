//! Rust views of the type descriptors codegen emits (Go's type.go).
//!
//! The layouts are written down in `rgo_abi::typ` and `rgo_abi::lang::uncommon`; the
//! structs here mirror them field for field and assert so at compile time. Descriptors are
//! read-only data that live as long as the program, so accessors hand out `'static`
//! references.
//!
//! Names (`_type.str`, method names) are gc's encoded names: a flag byte, a uvarint
//! length, the bytes, then optionally a uvarint-prefixed tag and a 4-byte nameOff of the
//! package path. Offsets ("nameOff"/"typeOff") are relative to the descriptor that owns
//! them (see `rgo_abi::typ`), never to a module base: a JIT has no single module.

use rgo_abi::typ::{self, ext, name as nameflag, rtype};
use rgo_abi::{lang::uncommon as unc, Kind};

/// `_type.equal`.
pub type EqualFn = unsafe extern "C" fn(*const u8, *const u8) -> bool;
/// `mapType.hasher`.
pub type HashFn = unsafe extern "C" fn(*const u8, usize) -> usize;

/// `runtime._type`.
#[repr(C)]
pub struct Type {
    pub size: usize,
    pub ptrdata: usize,
    pub hash: u32,
    pub tflag: u8,
    pub align: u8,
    pub field_align: u8,
    pub kind: u8,
    pub equal: Option<EqualFn>,
    pub gcdata: *const u8,
    pub str_off: i32,
    pub ptr_to_this: i32,
}

/// `mapType`.
#[repr(C)]
pub struct MapType {
    pub typ: Type,
    pub key: *const Type,
    pub elem: *const Type,
    pub bucket: *const Type,
    pub hasher: Option<HashFn>,
    pub keysize: u8,
    pub valuesize: u8,
    pub bucketsize: u16,
    pub flags: u32,
}

/// `arrayType`.
#[repr(C)]
pub struct ArrayType {
    pub typ: Type,
    pub elem: *const Type,
    pub slice: *const Type,
    pub len: usize,
}

/// `structField`.
#[repr(C)]
pub struct StructField {
    /// Pointer to an encoded name.
    pub name: *const u8,
    pub typ: *const Type,
    /// `offset << 1 | embedded`.
    pub offset_embed: usize,
}

/// `structType`.
#[repr(C)]
pub struct StructType {
    pub typ: Type,
    pub pkgpath: *const u8,
    pub fields: *const StructField,
    pub fields_len: usize,
    pub fields_cap: usize,
}

/// `imethod`: offsets relative to the interface type's descriptor.
#[repr(C)]
pub struct IMethod {
    pub name: i32,
    pub ityp: i32,
}

/// `interfaceType`.
#[repr(C)]
pub struct InterfaceType {
    pub typ: Type,
    pub pkgpath: *const u8,
    pub mhdr: *const IMethod,
    pub mhdr_len: usize,
    pub mhdr_cap: usize,
}

/// `uncommontype`.
#[repr(C)]
pub struct Uncommon {
    pub pkgpath: i32,
    pub mcount: u16,
    pub xcount: u16,
    pub moff: u32,
    pub unused: u32,
}

/// `method` (rgo's: absolute code addresses).
#[repr(C)]
pub struct Method {
    pub name: i32,
    pub mtyp: i32,
    pub ifn: *const u8,
    pub tfn: *const u8,
}

/// `itab`, with its first method slot; the others follow.
#[repr(C)]
pub struct Itab {
    pub inter: *const InterfaceType,
    pub typ: *const Type,
    pub hash: u32,
    pub pad: [u8; 4],
    pub fun: [usize; 1],
}

const _: () = {
    use core::mem::{offset_of, size_of};
    assert!(offset_of!(Type, size) == rtype::SIZE as usize);
    assert!(offset_of!(Type, ptrdata) == rtype::PTRDATA as usize);
    assert!(offset_of!(Type, hash) == rtype::HASH as usize);
    assert!(offset_of!(Type, tflag) == rtype::TFLAG as usize);
    assert!(offset_of!(Type, align) == rtype::ALIGN as usize);
    assert!(offset_of!(Type, field_align) == rtype::FIELD_ALIGN as usize);
    assert!(offset_of!(Type, kind) == rtype::KIND as usize);
    assert!(offset_of!(Type, equal) == rtype::EQUAL as usize);
    assert!(offset_of!(Type, gcdata) == rtype::GCDATA as usize);
    assert!(offset_of!(Type, str_off) == rtype::STR as usize);
    assert!(offset_of!(Type, ptr_to_this) == rtype::PTR_TO_THIS as usize);
    assert!(size_of::<Type>() == rtype::HEADER_SIZE as usize);
    assert!(offset_of!(MapType, key) == ext::MAP_KEY as usize);
    assert!(offset_of!(MapType, elem) == ext::MAP_ELEM as usize);
    assert!(offset_of!(MapType, bucket) == ext::MAP_BUCKET as usize);
    assert!(offset_of!(MapType, hasher) == ext::MAP_HASHER as usize);
    assert!(offset_of!(MapType, keysize) == ext::MAP_KEYSIZE as usize);
    assert!(offset_of!(MapType, valuesize) == ext::MAP_VALUESIZE as usize);
    assert!(offset_of!(MapType, bucketsize) == ext::MAP_BUCKETSIZE as usize);
    assert!(offset_of!(MapType, flags) == ext::MAP_FLAGS as usize);
    assert!(size_of::<MapType>() == unc::offset_for_kind(Kind::Map as u8) as usize);
    assert!(offset_of!(ArrayType, elem) == ext::ARRAY_ELEM as usize);
    assert!(offset_of!(ArrayType, slice) == ext::ARRAY_SLICE as usize);
    assert!(offset_of!(ArrayType, len) == ext::ARRAY_LEN as usize);
    assert!(size_of::<ArrayType>() == unc::offset_for_kind(Kind::Array as u8) as usize);
    assert!(offset_of!(StructType, pkgpath) == ext::STRUCT_PKGPATH as usize);
    assert!(offset_of!(StructType, fields) == ext::STRUCT_FIELDS as usize);
    assert!(size_of::<StructField>() == ext::STRUCT_FIELD_SIZE as usize);
    assert!(size_of::<StructType>() == unc::offset_for_kind(Kind::Struct as u8) as usize);
    assert!(offset_of!(InterfaceType, pkgpath) == ext::IFACE_PKGPATH as usize);
    assert!(offset_of!(InterfaceType, mhdr) == ext::IFACE_METHODS as usize);
    assert!(size_of::<InterfaceType>() == unc::offset_for_kind(Kind::Interface as u8) as usize);
    assert!(size_of::<IMethod>() == 8);
    assert!(offset_of!(Uncommon, pkgpath) == unc::PKGPATH as usize);
    assert!(offset_of!(Uncommon, mcount) == unc::MCOUNT as usize);
    assert!(offset_of!(Uncommon, xcount) == unc::XCOUNT as usize);
    assert!(offset_of!(Uncommon, moff) == unc::MOFF as usize);
    assert!(size_of::<Uncommon>() == unc::SIZE as usize);
    assert!(offset_of!(Method, name) == unc::METHOD_NAME as usize);
    assert!(offset_of!(Method, mtyp) == unc::METHOD_MTYP as usize);
    assert!(offset_of!(Method, ifn) == unc::METHOD_IFN as usize);
    assert!(offset_of!(Method, tfn) == unc::METHOD_TFN as usize);
    assert!(size_of::<Method>() == unc::METHOD_SIZE as usize);
    assert!(offset_of!(Itab, inter) == typ::itab::INTER as usize);
    assert!(offset_of!(Itab, typ) == typ::itab::TYPE as usize);
    assert!(offset_of!(Itab, hash) == typ::itab::HASH as usize);
    assert!(offset_of!(Itab, fun) == typ::itab::FUN as usize);
};

/// Resolves an offset relative to `base`; 0 is "none".
fn resolve(base: *const u8, off: i32) -> *const u8 {
    if off == 0 {
        core::ptr::null()
    } else {
        base.wrapping_offset(off as isize)
    }
}

impl Type {
    pub fn kind(&self) -> Kind {
        Kind::from_u8(self.kind & typ::KIND_MASK)
    }

    /// The data word of an interface holding this type is the value itself.
    pub fn is_direct_iface(&self) -> bool {
        self.kind & typ::KIND_DIRECT_IFACE != 0
    }

    pub fn is_regular_memory(&self) -> bool {
        self.tflag & typ::TFLAG_REGULAR_MEMORY != 0
    }

    /// The type's string (`reflect.Type.String()`), e.g. `main.T`, `[]int`.
    pub fn string(&self) -> &'static [u8] {
        let n = resolve(self as *const Type as *const u8, self.str_off);
        if n.is_null() {
            return b"?";
        }
        // A descriptor's `str` points at an encoded name in the same read-only data.
        let s = Name(n).name();
        if self.tflag & typ::TFLAG_EXTRA_STAR != 0 && !s.is_empty() {
            &s[1..]
        } else {
            s
        }
    }

    /// The type's string as `&str` (type names are UTF-8; a corrupt one prints as `?`).
    pub fn string_str(&self) -> &'static str {
        core::str::from_utf8(self.string()).unwrap_or("?")
    }

    /// The uncommon header, if the type has one.
    pub fn uncommon(&self) -> Option<&'static Uncommon> {
        if self.tflag & typ::TFLAG_UNCOMMON == 0 {
            return None;
        }
        let off = unc::offset_for_kind(self.kind & typ::KIND_MASK) as usize;
        // SAFETY: TFLAG_UNCOMMON promises the header at this offset (rgo_abi::lang::uncommon).
        Some(unsafe { &*((self as *const Type as *const u8).add(off) as *const Uncommon) })
    }

    /// The package path of a named type (from its uncommon header), or "".
    pub fn pkgpath(&self) -> &'static [u8] {
        match self.uncommon() {
            Some(u) => self.name_off(u.pkgpath).map(|n| n.name()).unwrap_or(b""),
            None => b"",
        }
    }

    /// Resolves a nameOff owned by this descriptor.
    pub fn name_off(&self, off: i32) -> Option<Name> {
        let p = resolve(self as *const Type as *const u8, off);
        (!p.is_null()).then_some(Name(p))
    }

    /// Resolves a typeOff owned by this descriptor (null for 0). rgo's typeOffs name a
    /// *type cell* of the descriptor object, an 8-byte word holding the target
    /// descriptor's address (`rgo_abi::lang::uncommon::METHOD_MTYP`).
    pub fn type_off(&self, off: i32) -> *const Type {
        let cell = resolve(self as *const Type as *const u8, off) as *const *const Type;
        if cell.is_null() {
            return core::ptr::null();
        }
        // SAFETY: a non-zero typeOff names an aligned cell inside this descriptor object.
        unsafe { *cell }
    }

    /// A func type's parameter and result descriptors and whether it is variadic (None
    /// for other kinds).
    pub fn func_params(&self) -> Option<(&'static [*const Type], &'static [*const Type], bool)> {
        if self.kind() != Kind::Func {
            return None;
        }
        let base = self as *const Type as *const u8;
        // SAFETY: a func descriptor has the counts after the header and its parameter and
        // result descriptor pointers after the (optional) uncommon header.
        unsafe {
            let nin = *(base.add(ext::FUNC_IN_COUNT as usize) as *const u16) as usize;
            let out = *(base.add(ext::FUNC_OUT_COUNT as usize) as *const u16);
            let nout = (out & 0x7fff) as usize;
            let mut off = unc::offset_for_kind(Kind::Func as u8) as usize;
            if self.tflag & typ::TFLAG_UNCOMMON != 0 {
                off += unc::SIZE as usize;
            }
            let p = base.add(off) as *const *const Type;
            Some((
                core::slice::from_raw_parts(p, nin),
                core::slice::from_raw_parts(p.add(nin), nout),
                out & 0x8000 != 0,
            ))
        }
    }

    /// The itab code (`ifn`: receiver = the interface data word) of this type's exported
    /// method `name` when its signature is `func() string`, as for `Error` and `String`
    /// (gc's `error` and `stringer` interfaces).
    pub fn string_method(&self, name: &[u8]) -> Option<*const u8> {
        let m = self.uncommon()?.methods().iter().find(|m| {
            self.name_off(m.name)
                .is_some_and(|n| n.is_exported() && n.name() == name)
        })?;
        let sig = self.type_off(m.mtyp);
        // SAFETY: a non-null mtyp is a func type descriptor, as are its results.
        let (ins, outs, variadic) = unsafe { sig.as_ref()?.func_params()? };
        // SAFETY: as above.
        let out = unsafe { outs.first()?.as_ref()? };
        let ok = ins.is_empty()
            && outs.len() == 1
            && !variadic
            && out.kind() == Kind::String
            && out.string() == b"string"
            && out.pkgpath().is_empty();
        ok.then_some(m.ifn)
    }

    /// Views the descriptor as a kind-specific one.
    ///
    /// # Safety
    /// The kind must match `T` (e.g. `ArrayType` for `Kind::Array`).
    pub unsafe fn ext<T>(&self) -> &'static T {
        // SAFETY: by contract the descriptor is a `T`; descriptors live forever.
        unsafe { &*(self as *const Type as *const T) }
    }
}

impl Uncommon {
    /// The method table.
    pub fn methods(&self) -> &'static [Method] {
        if self.mcount == 0 {
            return &[];
        }
        // SAFETY: `moff` locates `mcount` methods after the header (rgo_abi layout).
        unsafe {
            let p = (self as *const Uncommon as *const u8).add(self.moff as usize);
            core::slice::from_raw_parts(p as *const Method, self.mcount as usize)
        }
    }
}

impl StructType {
    pub fn fields(&self) -> &'static [StructField] {
        if self.fields_len == 0 {
            return &[];
        }
        // SAFETY: the descriptor's field slice points at `fields_len` read-only entries.
        unsafe { core::slice::from_raw_parts(self.fields, self.fields_len) }
    }
}

impl StructField {
    pub fn offset(&self) -> usize {
        self.offset_embed >> 1
    }

    /// A `_` field (ignored by equality and hashing).
    pub fn is_blank(&self) -> bool {
        !self.name.is_null() && Name(self.name).name() == b"_"
    }
}

impl InterfaceType {
    pub fn methods(&self) -> &'static [IMethod] {
        if self.mhdr_len == 0 {
            return &[];
        }
        // SAFETY: the descriptor's method slice points at `mhdr_len` read-only entries.
        unsafe { core::slice::from_raw_parts(self.mhdr, self.mhdr_len) }
    }
}

/// An encoded name (gc's `name`).
#[derive(Clone, Copy)]
pub struct Name(pub *const u8);

impl Name {
    fn flags(&self) -> u8 {
        // SAFETY: a Name points at least at its flag byte.
        unsafe { *self.0 }
    }

    /// Reads the uvarint at byte `off`: (value, bytes used).
    fn varint(&self, off: usize) -> (usize, usize) {
        let mut v = 0usize;
        let mut i = 0;
        loop {
            // SAFETY: a well-formed name holds a complete uvarint here.
            let b = unsafe { *self.0.add(off + i) };
            v |= ((b & 0x7f) as usize) << (7 * i);
            i += 1;
            if b & 0x80 == 0 || i == 10 {
                return (v, i);
            }
        }
    }

    pub fn name(&self) -> &'static [u8] {
        if self.0.is_null() {
            return b"";
        }
        let (len, n) = self.varint(1);
        // SAFETY: the name's bytes follow its length.
        unsafe { core::slice::from_raw_parts(self.0.add(1 + n), len) }
    }

    pub fn is_exported(&self) -> bool {
        self.flags() & nameflag::EXPORTED != 0
    }

    /// The package path recorded in the name (unexported names), or "".
    pub fn pkgpath(&self) -> &'static [u8] {
        if self.0.is_null() || self.flags() & nameflag::HAS_PKGPATH == 0 {
            return b"";
        }
        let (len, n) = self.varint(1);
        let mut off = 1 + n + len;
        if self.flags() & nameflag::HAS_TAG != 0 {
            let (tl, tn) = self.varint(off);
            off += tn + tl;
        }
        let mut b = [0u8; 4];
        // SAFETY: a name with HAS_PKGPATH ends with a 4-byte nameOff (unaligned).
        unsafe { core::ptr::copy_nonoverlapping(self.0.add(off), b.as_mut_ptr(), 4) };
        let rel = i32::from_le_bytes(b);
        // The offset is relative to the name's own first byte.
        let p = resolve(self.0, rel);
        if p.is_null() {
            b""
        } else {
            Name(p).name()
        }
    }
}

/// The fallback descriptor `recover` gives the runtime's own panic values (run-time
/// errors and messages) when package runtime registered none (see
/// [`register_runtime_error_type`]): a string-kinded type named `runtime.Error` whose data
/// word points at the error's text.
#[repr(C)]
struct StaticType {
    typ: Type,
    name: [u8; 15],
}

// SAFETY: the descriptor is immutable and holds no pointers that are written.
unsafe impl Sync for StaticType {}

static RUNTIME_ERROR: StaticType = StaticType {
    typ: Type {
        size: 16,
        ptrdata: 8,
        hash: 0x7275_6e74,
        tflag: 0,
        align: 8,
        field_align: 8,
        kind: Kind::String as u8,
        equal: None,
        gcdata: core::ptr::null(),
        str_off: core::mem::size_of::<Type>() as i32,
        ptr_to_this: 0,
    },
    // Name encoding: flags, uvarint length, bytes.
    name: *b"\x01\x0druntime.Error",
};

/// The descriptor of package runtime's `errorString` (a string type with `Error` and
/// `RuntimeError` methods), registered by the package's initialisation.
static REGISTERED_ERROR: core::sync::atomic::AtomicPtr<Type> =
    core::sync::atomic::AtomicPtr::new(core::ptr::null_mut());

/// Makes `t` the type of the runtime's own panic values, so that `recover()` returns
/// real `runtime.Error` values. `t` must be a string-kinded descriptor that stays valid.
pub fn register_runtime_error_type(t: *const Type) {
    REGISTERED_ERROR.store(t as *mut Type, core::sync::atomic::Ordering::Release);
}

/// The descriptor of the runtime's own panic values: package runtime's `errorString`
/// once registered, else [`RUNTIME_ERROR`]. Either way a string-kinded type whose data
/// word points at the error's full text.
pub fn runtime_error_type() -> *const Type {
    let t = REGISTERED_ERROR.load(core::sync::atomic::Ordering::Acquire);
    if t.is_null() {
        &RUNTIME_ERROR.typ
    } else {
        t
    }
}

/// The descriptor of package runtime's `*TypeAssertionError` (a pointer to a struct whose
/// only field is the message string), registered by the package's initialisation.
static TYPE_ASSERTION_ERROR: core::sync::atomic::AtomicPtr<Type> =
    core::sync::atomic::AtomicPtr::new(core::ptr::null_mut());

/// Makes `t` the type of failed type assertions' panic values. `t` must be a pointer type
/// whose element is a struct with one string field, and stay valid.
pub fn register_type_assertion_error_type(t: *const Type) {
    TYPE_ASSERTION_ERROR.store(t as *mut Type, core::sync::atomic::Ordering::Release);
}

/// The registered `*runtime.TypeAssertionError` descriptor, or null.
pub fn type_assertion_error_type() -> *const Type {
    TYPE_ASSERTION_ERROR.load(core::sync::atomic::Ordering::Acquire)
}
