//! Type descriptors: the read-only data objects that describe Go types at run time
//! (Go's reflectdata/reflect.go), laid out as `rgo_abi::typ` and `rgo_abi::lang` say and
//! read by the runtime through `rgo_runtime::lang::typedesc`.
//!
//! # What is emitted
//!
//! [`DescTable::get`] returns the descriptor of a type, emitting it (and every descriptor,
//! bitmap and runtime function it refers to) on first use. Identical types share one
//! descriptor, so descriptor address equality is type identity: the cache is keyed by
//! [`TypeId`] (identity in rgo-types), except that unnamed slice types are keyed by their
//! element, because an array's descriptor needs `[]E`, which the (immutable) type table may
//! not hold.
//!
//! One data object per descriptor, named like gc's symbol (`type:main.T`, `type:[]int`;
//! a `·N` suffix keeps distinct types with equal strings apart), holds, in order:
//! 1. the `_type` header and the kind-specific tail (`typ::ext`);
//! 2. the uncommon header (`lang::uncommon`), when the type is named or has methods, at
//!    `uncommon::offset_for_kind`;
//! 3. the kind's variable-length data, as gc places it: a func's parameter and result
//!    descriptor pointers, a struct's `[]structField` array, an interface's `[]imethod`;
//! 4. the method table (`moff` points here);
//! 5. every encoded `Name` the descriptor refers to (its string, field names, method
//!    names, package paths), deduplicated within the object, and the type cells of its
//!    typeOffs (see the deviations).
//!
//! Names live *inside* the descriptor object because the runtime resolves `nameOff`s
//! (`str`, method and imethod names, a name's pkgPath) relative to the owning descriptor,
//! and Cranelift data relocations can only express absolute 8-byte addresses: offsets
//! within one object are plain constants. Absolute pointers (struct field names, struct and
//! interface pkgPaths, the fields/imethods slices) are relocations to the object itself
//! plus an addend. Pointer bitmaps (`gcdata`) are separate read-only objects
//! (`runtime.gcbits.<hex>`), shared by every descriptor with the same bitmap; a type
//! without pointers has `gcdata == null`.
//!
//! # Rules (gc's, unless listed under deviations)
//!
//! * `tflag`: `NAMED` for defined types; `UNCOMMON` for defined types and for `*T` when `T`
//!   has declared methods; `REGULAR_MEMORY` when gc's `AlgType` is `AMEM` (only integers,
//!   bools, pointers, chans, unsafe.Pointer inside, no padding, no blank fields).
//! * `equal` / map `hasher` per the table in `rgo_abi::lang` (a single-field struct or
//!   single-element array uses its element's function, as gc's `AlgType` does).
//! * `hash` is FNV-1a (32 bits) of the type string (gc: the first 4 bytes of an MD5 of the
//!   link string); only equality of hashes for identical types matters.
//! * Method tables list exported methods first, then unexported ones, each sorted by name
//!   (then package path); interfaces' `imethod`s are sorted the same way. Unexported
//!   method and imethod names always carry their package path (gc omits it when it equals
//!   the type's package; the runtime accepts both).
//!
//! # Deviations from gc
//!
//! * `KIND_DIRECT_IFACE` is set exactly when the underlying type is a pointer, chan, map,
//!   func or unsafe.Pointer. gc also treats single-pointer-field structs and
//!   single-element pointer arrays as pointer-shaped; rgo boxes them like any other
//!   struct/array (layout.rs treats structs and arrays as memory values).
//! * `str` never uses `TFLAG_EXTRA_STAR` (the string is stored as is).
//! * typeOffs are indirect: method `mtyp` and imethod `ityp` hold the offset of a *type
//!   cell*, an aligned 8-byte word appended to the descriptor object (after the names)
//!   whose content is a relocation to the method's func type descriptor (gc: the offset of
//!   that descriptor itself within the module, which Cranelift data cannot express). The
//!   runtime thus compares method types by descriptor identity when it builds itabs, and
//!   recognises `Error() string` / `String() string` when it prints panic values.
//!   `ptrToThis` is 0.
//! * A map's `bucket` is a synthetic struct descriptor (`type:noalg.map.bucket[K]V`) with
//!   the bucket's size, `ptrdata` and bitmap but no fields.
//! * gcdata is always a bitmap (never a GC program), and null when `ptrdata == 0`.
//!
//! # Out of scope (for now)
//!
//! * Struct field and interface method names of other packages are not qualified in type
//!   strings.

use std::collections::{HashMap, HashSet};

use cranelift_codegen::isa::CallConv;
use cranelift_module::{DataDescription, DataId, FuncId, Linkage, Module};
use rgo_abi::lang::{self, map as mabi, uncommon as unc};
use rgo_abi::typ::{self as abi, ext, name as nflag, rtype};
use rgo_abi::Kind;
use rgo_types::types::{ChanDir, Interface, Method, Signature, StructField};
use rgo_types::{basic, BasicKind, ObjId, ObjKind, Package, Type, TypeId, TypeTable};

use crate::layout::{field_offset, layout};

/// Function ids the lead's code provides for method tables.
pub(crate) struct MethodFuncs {
    /// Every declared method (a `Func` object with a receiver) -> its function.
    pub methods: HashMap<ObjId, FuncId>,
    /// For methods with a value receiver of a type that is not pointer-shaped: a wrapper
    /// taking a pointer to the receiver (what an interface's data word holds). Also needed
    /// for value methods of pointer-shaped types (say `type F func()`) once `*F`'s
    /// descriptor is emitted, since `*F`'s data word is a pointer to the `F`.
    pub deref_wrappers: HashMap<ObjId, FuncId>,
    /// Methods promoted through embedded fields, per named type: `(T, name)` → the entry.
    pub promoted: HashMap<(TypeId, String), PromotedFunc>,
}

/// A method promoted into a named type, as its method tables need it.
pub(crate) struct PromotedFunc {
    /// The method's package path (for unexported names).
    pub pkg: String,
    /// A wrapper taking a pointer to the `T`.
    pub func: FuncId,
    /// `T`'s own method set has it (else only `*T`'s).
    pub in_value_set: bool,
    /// The method's signature type (without receiver).
    pub sig: TypeId,
}

/// How a descriptor is cached: see the module comment.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Ty(TypeId),
    /// An unnamed `[]E`, by `E`.
    Slice(TypeId),
    /// The bucket of a map type.
    Bucket(TypeId),
}

/// The descriptors emitted so far, and the objects they share.
pub(crate) struct DescTable {
    descs: HashMap<Key, DataId>,
    symbols: HashSet<String>,
    bitmaps: HashMap<Vec<u8>, DataId>,
    rt: HashMap<&'static str, FuncId>,
}

impl Default for DescTable {
    fn default() -> Self {
        Self::new()
    }
}

/// gc's `AlgKind`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Alg {
    NoEq,
    Mem,
    F32,
    F64,
    C64,
    C128,
    Str,
    Inter,
    NilInter,
    Special,
}

impl DescTable {
    pub fn new() -> Self {
        DescTable {
            descs: HashMap::new(),
            symbols: HashSet::new(),
            bitmaps: HashMap::new(),
            rt: HashMap::new(),
        }
    }

    /// The descriptor of `ty` (canonical: identical types get one descriptor), emitting it
    /// and everything it references on first use.
    pub fn get<M: Module>(
        &mut self,
        module: &mut M,
        pkg: &Package,
        methods: &MethodFuncs,
        ty: TypeId,
    ) -> Result<DataId, String> {
        let t = &pkg.types;
        let ty = normalize(t, ty)?;
        let key = match t.get(ty) {
            Type::Slice(e) => Key::Slice(normalize(t, *e)?),
            _ => Key::Ty(ty),
        };
        if let Some(&id) = self.descs.get(&key) {
            return Ok(id);
        }
        let mut e = Emitter {
            tab: self,
            module,
            pkg,
            methods,
        };
        match key {
            Key::Slice(elem) => e.slice_desc(elem),
            _ => e.type_desc(ty),
        }
    }
}

/// Maps untyped basic types to their defaults; rejects types that have no descriptor.
fn normalize(t: &TypeTable, ty: TypeId) -> Result<TypeId, String> {
    Ok(match t.get(ty) {
        Type::Basic(k) => match k {
            BasicKind::UntypedBool => basic::BOOL,
            BasicKind::UntypedInt => basic::INT,
            BasicKind::UntypedRune => basic::INT32,
            BasicKind::UntypedFloat => basic::FLOAT64,
            BasicKind::UntypedComplex => basic::COMPLEX128,
            BasicKind::UntypedString => basic::STRING,
            BasicKind::UntypedNil | BasicKind::Invalid => {
                return Err(format!("no type descriptor for {}", k.name()))
            }
            _ => ty,
        },
        Type::Tuple(_) => return Err("no type descriptor for a tuple".into()),
        Type::TypeParam(_) => return Err("no type descriptor for a type parameter".into()),
        _ => ty,
    })
}

/// One descriptor object under construction: a zeroed body of known size, then names.
struct Obj {
    bytes: Vec<u8>,
    body: usize,
    /// (offset, addend): an absolute pointer into this object.
    self_relocs: Vec<(u32, i64)>,
    data_relocs: Vec<(u32, DataId)>,
    func_relocs: Vec<(u32, FuncId)>,
    names: HashMap<(Vec<u8>, Option<String>), u32>,
    /// Type cells appended after the body: descriptor -> cell offset.
    cells: HashMap<DataId, u32>,
}

impl Obj {
    fn new(body: usize) -> Obj {
        Obj {
            bytes: vec![0; body],
            body,
            self_relocs: Vec::new(),
            data_relocs: Vec::new(),
            func_relocs: Vec::new(),
            names: HashMap::new(),
            cells: HashMap::new(),
        }
    }

    fn put(&mut self, off: i32, v: &[u8]) {
        let o = off as usize;
        debug_assert!(o + v.len() <= self.body);
        self.bytes[o..o + v.len()].copy_from_slice(v);
    }
    fn u8(&mut self, off: i32, v: u8) {
        self.put(off, &[v]);
    }
    fn u16(&mut self, off: i32, v: u16) {
        self.put(off, &v.to_le_bytes());
    }
    fn u32(&mut self, off: i32, v: u32) {
        self.put(off, &v.to_le_bytes());
    }
    fn u64(&mut self, off: i32, v: u64) {
        self.put(off, &v.to_le_bytes());
    }
    fn data(&mut self, off: i32, d: Option<DataId>) {
        if let Some(d) = d {
            self.data_relocs.push((off as u32, d));
        }
    }
    fn func(&mut self, off: i32, f: Option<FuncId>) {
        if let Some(f) = f {
            self.func_relocs.push((off as u32, f));
        }
    }
    fn self_ptr(&mut self, off: i32, target: u32) {
        self.self_relocs.push((off as u32, target as i64));
    }

    /// Appends (or finds) a *type cell*: an aligned 8-byte word holding the absolute
    /// address of descriptor `d`. Returns its offset from the descriptor start, which is
    /// what rgo's typeOffs (method `mtyp`, imethod `ityp`) hold (see the module comment).
    fn type_cell(&mut self, d: DataId) -> u32 {
        if let Some(&off) = self.cells.get(&d) {
            return off;
        }
        let off = self.bytes.len().next_multiple_of(8);
        self.bytes.resize(off + 8, 0);
        self.data_relocs.push((off as u32, d));
        self.cells.insert(d, off as u32);
        off as u32
    }

    /// Appends (or finds) an encoded name; returns its offset from the descriptor start.
    fn name(
        &mut self,
        s: &str,
        tag: &str,
        exported: bool,
        embedded: bool,
        pkgpath: Option<&str>,
    ) -> u32 {
        let mut flags = 0;
        if exported {
            flags |= nflag::EXPORTED;
        }
        if !tag.is_empty() {
            flags |= nflag::HAS_TAG;
        }
        if embedded {
            flags |= nflag::EMBEDDED;
        }
        if pkgpath.is_some() {
            flags |= nflag::HAS_PKGPATH;
        }
        let mut enc = vec![flags];
        uvarint(&mut enc, s.len());
        enc.extend_from_slice(s.as_bytes());
        if !tag.is_empty() {
            uvarint(&mut enc, tag.len());
            enc.extend_from_slice(tag.as_bytes());
        }
        let key = (enc.clone(), pkgpath.map(str::to_owned));
        if let Some(&off) = self.names.get(&key) {
            return off;
        }
        let off = self.bytes.len() as u32;
        self.bytes.extend_from_slice(&enc);
        if let Some(p) = pkgpath {
            let at = self.bytes.len();
            self.bytes.extend_from_slice(&[0; 4]);
            let poff = self.name(p, "", false, false, None);
            // A name's pkgPath nameOff is relative to the name's first byte.
            let rel = (poff as i32 - off as i32).to_le_bytes();
            self.bytes[at..at + 4].copy_from_slice(&rel);
        }
        self.names.insert(key, off);
        off
    }

    fn define<M: Module>(self, module: &mut M, id: DataId) -> Result<(), String> {
        let mut d = DataDescription::new();
        d.define(self.bytes.into_boxed_slice());
        d.set_align(8);
        if !self.self_relocs.is_empty() {
            let me = module.declare_data_in_data(id, &mut d);
            for (off, add) in self.self_relocs {
                d.write_data_addr(off, me, add);
            }
        }
        for (off, target) in self.data_relocs {
            let gv = module.declare_data_in_data(target, &mut d);
            d.write_data_addr(off, gv, 0);
        }
        for (off, f) in self.func_relocs {
            let fr = module.declare_func_in_data(f, &mut d);
            d.write_function_addr(off, fr);
        }
        module.define_data(id, &d).map_err(|e| e.to_string())
    }
}

fn uvarint(out: &mut Vec<u8>, mut v: usize) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn fnv1a(s: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.bytes() {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

fn is_exported(name: &str) -> bool {
    name.chars().next().is_some_and(char::is_uppercase)
}

/// A package's name from its path (the last element), as type strings qualify names.
fn pkg_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Common header fields computed for one type.
struct Header {
    size: u64,
    ptrdata: u64,
    hash: u32,
    tflag: u8,
    align: u8,
    kind: u8,
    equal: Option<&'static str>,
    gcdata: Option<DataId>,
    string: String,
    exported: bool,
}

/// A method table entry.
struct MethodEntry {
    name: String,
    pkg: String,
    /// The method's signature type (without receiver): its descriptor is `mtyp`.
    sig: TypeId,
    ifn: FuncId,
    tfn: FuncId,
}

struct Emitter<'a, M: Module> {
    tab: &'a mut DescTable,
    module: &'a mut M,
    pkg: &'a Package,
    methods: &'a MethodFuncs,
}

impl<M: Module> Emitter<'_, M> {
    fn get(&mut self, ty: TypeId) -> Result<DataId, String> {
        self.tab.get(self.module, self.pkg, self.methods, ty)
    }

    /// Declares the descriptor object of `key` under a unique symbol and caches it (before
    /// its contents are built, so recursive types find it).
    fn declare(&mut self, key: Key, string: &str) -> Result<DataId, String> {
        let base = format!("type:{string}");
        let mut sym = base.clone();
        let mut n = 1;
        while self.tab.symbols.contains(&sym) {
            sym = format!("{base}·{n}");
            n += 1;
        }
        self.tab.symbols.insert(sym.clone());
        let id = self
            .module
            .declare_data(&sym, Linkage::Local, false, false)
            .map_err(|e| e.to_string())?;
        self.tab.descs.insert(key, id);
        Ok(id)
    }

    fn rt(&mut self, name: &'static str) -> Result<FuncId, String> {
        if let Some(&f) = self.tab.rt.get(name) {
            return Ok(f);
        }
        let sig = crate::rt::make_signature(name, CallConv::SystemV);
        let f = self
            .module
            .declare_function(name, Linkage::Import, &sig)
            .map_err(|e| e.to_string())?;
        self.tab.rt.insert(name, f);
        Ok(f)
    }

    fn bitmap(&mut self, bits: Vec<u8>) -> Result<Option<DataId>, String> {
        if bits.is_empty() {
            return Ok(None);
        }
        if let Some(&id) = self.tab.bitmaps.get(&bits) {
            return Ok(Some(id));
        }
        // gc's symbol name, for bitmaps short enough to spell out.
        let sym = if bits.len() <= 32 {
            let hex: String = bits.iter().map(|b| format!("{b:02x}")).collect();
            format!("runtime.gcbits.{hex}")
        } else {
            format!("runtime.gcbits.#{}", self.tab.bitmaps.len())
        };
        let id = self
            .module
            .declare_data(&sym, Linkage::Local, false, false)
            .map_err(|e| e.to_string())?;
        let mut d = DataDescription::new();
        d.define(bits.clone().into_boxed_slice());
        self.module.define_data(id, &d).map_err(|e| e.to_string())?;
        self.tab.bitmaps.insert(bits, id);
        Ok(Some(id))
    }

    /// Header fields of a type from the type table.
    fn header(&mut self, ty: TypeId) -> Result<Header, String> {
        let pkg = self.pkg;
        let t = &pkg.types;
        let l = layout(t, ty);
        let ptrdata = ptrdata(t, ty);
        let string = type_string(self.pkg, ty);
        let named = matches!(t.get(ty), Type::Named(_));
        let mut tflag = 0;
        let has_promoted = |n: TypeId| self.methods.promoted.keys().any(|(o, _)| *o == n);
        if named {
            tflag |= abi::TFLAG_NAMED | abi::TFLAG_UNCOMMON;
        } else if let Type::Pointer(e) = t.get(ty) {
            if has_methods(t, *e) || has_promoted(*e) {
                tflag |= abi::TFLAG_UNCOMMON;
            }
        } else if has_promoted(ty) {
            // An unnamed struct with promoted methods (gc: any type with methods).
            tflag |= abi::TFLAG_UNCOMMON;
        }
        let a = alg(t, ty);
        if a == Alg::Mem {
            tflag |= abi::TFLAG_REGULAR_MEMORY;
        }
        let mut kind = kind_of(t, ty) as u8;
        if is_direct_iface(t, ty) {
            kind |= abi::KIND_DIRECT_IFACE;
        }
        let exported = match t.get(ty) {
            Type::Named(_) => is_exported(&self.pkg.obj(t.named(ty).obj).name),
            Type::Pointer(e) => match t.get(*e) {
                Type::Named(_) => is_exported(&self.pkg.obj(t.named(*e).obj).name),
                _ => false,
            },
            _ => false,
        };
        let mut bits = vec![0u8; (ptrdata / 8).div_ceil(8) as usize];
        ptr_bits(t, ty, 0, &mut bits);
        Ok(Header {
            size: l.size,
            ptrdata,
            hash: fnv1a(&string),
            tflag,
            align: l.align as u8,
            kind,
            equal: equal_fn(a, l.size),
            gcdata: self.bitmap(bits)?,
            string,
            exported,
        })
    }

    fn write_header(&mut self, o: &mut Obj, h: &Header) -> Result<(), String> {
        o.u64(rtype::SIZE, h.size);
        o.u64(rtype::PTRDATA, h.ptrdata);
        o.u32(rtype::HASH, h.hash);
        o.u8(rtype::TFLAG, h.tflag);
        o.u8(rtype::ALIGN, h.align);
        o.u8(rtype::FIELD_ALIGN, h.align);
        o.u8(rtype::KIND, h.kind);
        if let Some(eq) = h.equal {
            let f = self.rt(eq)?;
            o.func(rtype::EQUAL, Some(f));
        }
        o.data(rtype::GCDATA, h.gcdata);
        let s = o.name(&h.string, "", h.exported, false, None);
        o.u32(rtype::STR, s);
        Ok(())
    }

    /// The descriptor of an unnamed `[]elem`.
    fn slice_desc(&mut self, elem: TypeId) -> Result<DataId, String> {
        let string = format!("[]{}", type_string(self.pkg, elem));
        let id = self.declare(Key::Slice(elem), &string)?;
        let h = Header {
            size: 24,
            ptrdata: 8,
            hash: fnv1a(&string),
            tflag: 0,
            align: 8,
            kind: Kind::Slice as u8,
            equal: None,
            gcdata: self.bitmap(vec![1])?,
            string,
            exported: false,
        };
        let mut o = Obj::new(unc::offset_for_kind(Kind::Slice as u8) as usize);
        self.write_header(&mut o, &h)?;
        let e = self.get(elem)?;
        o.data(ext::SLICE_ELEM, Some(e));
        o.define(self.module, id)?;
        Ok(id)
    }

    /// The method table of `ty` (a named type or a pointer to one), in table order.
    fn method_set(&self, ty: TypeId) -> Result<Vec<MethodEntry>, String> {
        let pkg = self.pkg;
        let t = &pkg.types;
        let (named, ptr) = match t.get(ty) {
            Type::Named(_) | Type::Struct(_) => (ty, false),
            Type::Pointer(e) if matches!(t.get(*e), Type::Named(_) | Type::Struct(_)) => (*e, true),
            _ => return Ok(Vec::new()),
        };
        let direct = is_direct_iface(t, named);
        let mut out = Vec::new();
        let declared: &[ObjId] = match t.get(named) {
            Type::Named(_) => &t.named(named).methods,
            _ => &[],
        };
        for &m in declared {
            let obj = self.pkg.obj(m);
            let ObjKind::Func { recv: Some(recv) } = obj.kind else {
                continue;
            };
            let ptr_recv = matches!(t.get(recv), Type::Pointer(_));
            if ptr_recv && !ptr {
                continue;
            }
            let missing = |what: &str| {
                format!(
                    "type descriptor: no {what} for method {}.{}",
                    type_string(self.pkg, named),
                    obj.name
                )
            };
            let tfn = *self
                .methods
                .methods
                .get(&m)
                .ok_or_else(|| missing("function"))?;
            let ifn = if ptr_recv || (!ptr && direct) {
                tfn
            } else {
                *self
                    .methods
                    .deref_wrappers
                    .get(&m)
                    .ok_or_else(|| missing("pointer-receiver wrapper"))?
            };
            out.push(MethodEntry {
                name: obj.name.clone(),
                pkg: obj.pkg.clone(),
                sig: obj.typ,
                ifn,
                tfn,
            });
        }
        for ((n, name), p) in &self.methods.promoted {
            if *n == named && (ptr || p.in_value_set) {
                out.push(MethodEntry {
                    name: name.clone(),
                    pkg: p.pkg.clone(),
                    sig: p.sig,
                    ifn: p.func,
                    tfn: p.func,
                });
            }
        }
        out.sort_by(|a, b| method_order(&a.name, &a.pkg, &b.name, &b.pkg));
        Ok(out)
    }

    /// The package path recorded in an uncommon header (gc's `typePkg`).
    fn type_pkg(&self, ty: TypeId) -> Option<String> {
        let pkg = self.pkg;
        let t = &pkg.types;
        let named = match t.get(ty) {
            Type::Named(_) => ty,
            Type::Pointer(e) | Type::Slice(e) | Type::Array { elem: e, .. } => match t.get(*e) {
                Type::Named(_) => *e,
                _ => return None,
            },
            Type::Chan { elem, .. } => match t.get(*elem) {
                Type::Named(_) => *elem,
                _ => return None,
            },
            _ => return None,
        };
        let p = &self.pkg.obj(t.named(named).obj).pkg;
        (!p.is_empty()).then(|| p.clone())
    }

    /// The descriptor of any type but an unnamed slice (see `slice_desc`).
    fn type_desc(&mut self, ty: TypeId) -> Result<DataId, String> {
        let h = self.header(ty)?;
        let id = self.declare(Key::Ty(ty), &symbol_string(self.pkg, ty, &h.string))?;
        let pkg = self.pkg;
        let t = &pkg.types;
        let u = t.underlying(ty);
        let kind = h.kind & abi::KIND_MASK;
        let unc_off = unc::offset_for_kind(kind);
        let uncommon = h.tflag & abi::TFLAG_UNCOMMON != 0;
        let methods = if uncommon && !matches!(t.get(u), Type::Interface(_)) {
            self.method_set(ty)?
        } else {
            Vec::new()
        };
        // Variable-length kind data placed after the (optional) uncommon header.
        let extra = match t.get(u) {
            Type::Signature(s) => 8 * (s.params.len() + s.results.len()),
            Type::Struct(fs) => ext::STRUCT_FIELD_SIZE as usize * fs.len(),
            Type::Interface(i) => 8 * i.methods.len(),
            _ => 0,
        };
        let data_off = unc_off as usize + if uncommon { unc::SIZE as usize } else { 0 };
        let moff = data_off + extra;
        let body = moff + unc::METHOD_SIZE as usize * methods.len();
        let mut o = Obj::new(body);
        self.write_header(&mut o, &h)?;

        match t.get(u).clone() {
            Type::Basic(_) => {}
            Type::Pointer(e) => {
                let d = self.get(e)?;
                o.data(ext::PTR_ELEM, Some(d));
            }
            Type::Slice(e) => {
                let d = self.get(e)?;
                o.data(ext::SLICE_ELEM, Some(d));
            }
            Type::Array { len, elem } => {
                let d = self.get(elem)?;
                o.data(ext::ARRAY_ELEM, Some(d));
                let s = match self.tab.descs.get(&Key::Slice(normalize(t, elem)?)) {
                    Some(&s) => s,
                    None => self.slice_desc(normalize(t, elem)?)?,
                };
                o.data(ext::ARRAY_SLICE, Some(s));
                o.u64(ext::ARRAY_LEN, len);
            }
            Type::Chan { dir, elem } => {
                let d = self.get(elem)?;
                o.data(ext::CHAN_ELEM, Some(d));
                let dir = match dir {
                    ChanDir::Both => abi::CHAN_BOTH,
                    ChanDir::Send => abi::CHAN_SEND,
                    ChanDir::Recv => abi::CHAN_RECV,
                };
                o.u64(ext::CHAN_DIR, dir);
            }
            Type::Map { key, value } => self.map_tail(&mut o, ty, key, value)?,
            Type::Struct(fields) => self.struct_tail(&mut o, u, &fields, data_off)?,
            Type::Signature(sig) => {
                o.u16(ext::FUNC_IN_COUNT, sig.params.len() as u16);
                let mut out = sig.results.len() as u16;
                if sig.variadic {
                    out |= 0x8000;
                }
                o.u16(ext::FUNC_OUT_COUNT, out);
                for (i, &p) in sig.params.iter().chain(&sig.results).enumerate() {
                    let d = self.get(p)?;
                    o.data((data_off + 8 * i) as i32, Some(d));
                }
            }
            Type::Interface(iface) => {
                let tpkg = match t.get(ty) {
                    Type::Named(_) => self.type_pkg(ty),
                    _ => None,
                };
                if let Some(p) = &tpkg {
                    let n = o.name(p, "", false, false, None);
                    o.self_ptr(ext::IFACE_PKGPATH, n);
                }
                let mut ms: Vec<&Method> = iface.methods.iter().collect();
                ms.sort_by(|a, b| method_order(&a.name, &a.pkg, &b.name, &b.pkg));
                for (i, m) in ms.iter().enumerate() {
                    let exp = is_exported(&m.name);
                    let pkgpath = (!exp).then_some(m.pkg.as_str());
                    let n = o.name(&m.name, "", exp, false, pkgpath);
                    o.u32((data_off + 8 * i) as i32, n);
                    let sig = self.get(m.sig)?;
                    let c = o.type_cell(sig);
                    o.u32((data_off + 8 * i + 4) as i32, c);
                }
                if !ms.is_empty() {
                    o.self_ptr(ext::IFACE_METHODS, data_off as u32);
                }
                o.u64(ext::IFACE_METHODS + 8, ms.len() as u64);
                o.u64(ext::IFACE_METHODS + 16, ms.len() as u64);
            }
            Type::Named(_) | Type::Tuple(_) | Type::TypeParam(_) => {
                return Err(format!("type descriptor: unexpected type {}", h.string))
            }
        }

        if uncommon {
            if let Some(p) = self.type_pkg(ty) {
                let n = o.name(&p, "", false, false, None);
                o.u32(unc_off + unc::PKGPATH, n);
            }
            let xcount = methods.iter().filter(|m| is_exported(&m.name)).count();
            o.u16(unc_off + unc::MCOUNT, methods.len() as u16);
            o.u16(unc_off + unc::XCOUNT, xcount as u16);
            o.u32(unc_off + unc::MOFF, (moff - unc_off as usize) as u32);
            for (i, m) in methods.iter().enumerate() {
                let at = (moff + unc::METHOD_SIZE as usize * i) as i32;
                let exp = is_exported(&m.name);
                let pkgpath = (!exp).then_some(m.pkg.as_str());
                let n = o.name(&m.name, "", exp, false, pkgpath);
                o.u32(at + unc::METHOD_NAME, n);
                let sig = self.get(m.sig)?;
                let c = o.type_cell(sig);
                o.u32(at + unc::METHOD_MTYP, c);
                o.func(at + unc::METHOD_IFN, Some(m.ifn));
                o.func(at + unc::METHOD_TFN, Some(m.tfn));
            }
        }
        o.define(self.module, id)?;
        Ok(id)
    }

    fn struct_tail(
        &mut self,
        o: &mut Obj,
        u: TypeId,
        fields: &[StructField],
        data_off: usize,
    ) -> Result<(), String> {
        let pkg = self.pkg;
        let t = &pkg.types;
        // gc: the package of the first unexported field.
        if let Some(f) = fields.iter().find(|f| !is_exported(&f.name)) {
            if !f.pkg.is_empty() {
                let n = o.name(&f.pkg, "", false, false, None);
                o.self_ptr(ext::STRUCT_PKGPATH, n);
            }
        }
        let offsets: Vec<u64> = (0..fields.len()).map(|i| field_offset(t, u, i)).collect();
        for (i, f) in fields.iter().enumerate() {
            let at = (data_off + ext::STRUCT_FIELD_SIZE as usize * i) as i32;
            let n = o.name(&f.name, &f.tag, is_exported(&f.name), f.embedded, None);
            o.self_ptr(at, n);
            let d = self.get(f.typ)?;
            o.data(at + 8, Some(d));
            o.u64(at + 16, offsets[i] << 1 | f.embedded as u64);
        }
        if !fields.is_empty() {
            o.self_ptr(ext::STRUCT_FIELDS, data_off as u32);
        }
        o.u64(ext::STRUCT_FIELDS + 8, fields.len() as u64);
        o.u64(ext::STRUCT_FIELDS + 16, fields.len() as u64);
        Ok(())
    }

    fn map_tail(
        &mut self,
        o: &mut Obj,
        ty: TypeId,
        key: TypeId,
        value: TypeId,
    ) -> Result<(), String> {
        let pkg = self.pkg;
        let t = &pkg.types;
        let ks = layout(t, key).size;
        let vs = layout(t, value).size;
        let (kslot, vslot, bsize, mut flags) = mabi::bucket_layout(ks, vs);
        if is_reflexive(t, key) {
            flags |= mabi::REFLEXIVE_KEY;
        }
        if need_key_update(t, key) {
            flags |= mabi::NEED_KEY_UPDATE;
        }
        if hash_might_panic(t, key) {
            flags |= mabi::HASH_MIGHT_PANIC;
        }
        let hasher = map_hasher(t, key);
        let kd = self.get(key)?;
        let vd = self.get(value)?;
        o.data(ext::MAP_KEY, Some(kd));
        o.data(ext::MAP_ELEM, Some(vd));
        let b = self.bucket_desc(ty, key, value, flags, bsize)?;
        o.data(ext::MAP_BUCKET, Some(b));
        if let Some(hf) = hasher {
            let f = self.rt(hf)?;
            o.func(ext::MAP_HASHER, Some(f));
        }
        o.u8(ext::MAP_KEYSIZE, kslot);
        o.u8(ext::MAP_VALUESIZE, vslot);
        o.u16(ext::MAP_BUCKETSIZE, bsize);
        o.u32(ext::MAP_FLAGS, flags);
        Ok(())
    }

    /// The synthetic bucket descriptor of a map type (see the module comment).
    fn bucket_desc(
        &mut self,
        map: TypeId,
        key: TypeId,
        value: TypeId,
        flags: u32,
        bsize: u16,
    ) -> Result<DataId, String> {
        if let Some(&id) = self.tab.descs.get(&Key::Bucket(map)) {
            return Ok(id);
        }
        let pkg = self.pkg;
        let t = &pkg.types;
        let (k, v) = (layout(t, key).size, layout(t, value).size);
        let (ks, vs, _, _) = mabi::bucket_layout(k, v);
        let (ks, vs) = (ks as u64, vs as u64);
        let words = (bsize as u64 / 8) as usize;
        let mut bits = vec![0u8; words.div_ceil(8)];
        let base_k = mabi::DATA_OFFSET;
        let base_v = base_k + mabi::BUCKET_CNT * ks;
        for i in 0..mabi::BUCKET_CNT {
            if flags & mabi::INDIRECT_KEY != 0 {
                set_bit(&mut bits, base_k + i * ks);
            } else {
                ptr_bits(t, key, base_k + i * ks, &mut bits);
            }
            if flags & mabi::INDIRECT_ELEM != 0 {
                set_bit(&mut bits, base_v + i * vs);
            } else {
                ptr_bits(t, value, base_v + i * vs, &mut bits);
            }
        }
        let has_ptrs = bits.iter().any(|&b| b != 0);
        let ptrdata = if has_ptrs {
            // The overflow pointer is the last word.
            set_bit(&mut bits, bsize as u64 - 8);
            bsize as u64
        } else {
            bits.clear();
            0
        };
        let string = format!(
            "noalg.map.bucket[{}]{}",
            type_string(self.pkg, key),
            type_string(self.pkg, value)
        );
        let id = self.declare(Key::Bucket(map), &string)?;
        let h = Header {
            size: bsize as u64,
            ptrdata,
            hash: fnv1a(&string),
            tflag: 0,
            align: 8,
            kind: Kind::Struct as u8,
            equal: None,
            gcdata: self.bitmap(bits)?,
            string,
            exported: false,
        };
        let mut o = Obj::new(unc::offset_for_kind(Kind::Struct as u8) as usize);
        self.write_header(&mut o, &h)?;
        o.define(self.module, id)?;
        Ok(id)
    }
}

/// gc's method order: exported names first, then by name, then by package path.
/// The methods of interface type `iface` in itab order (the order of its `imethod`s).
pub(crate) fn itab_methods(t: &TypeTable, iface: TypeId) -> Vec<Method> {
    let mut ms = match t.under(iface) {
        Type::Interface(Interface { methods, .. }) => methods.clone(),
        _ => Vec::new(),
    };
    ms.sort_by(|a, b| method_order(&a.name, &a.pkg, &b.name, &b.pkg));
    ms
}

fn method_order(an: &str, ap: &str, bn: &str, bp: &str) -> std::cmp::Ordering {
    is_exported(bn)
        .cmp(&is_exported(an))
        .then_with(|| an.cmp(bn))
        .then_with(|| ap.cmp(bp))
}

/// `ty` is a defined type with declared methods.
fn has_methods(t: &TypeTable, ty: TypeId) -> bool {
    matches!(t.get(ty), Type::Named(_)) && !t.named(ty).methods.is_empty()
}

fn kind_of(t: &TypeTable, ty: TypeId) -> Kind {
    match t.under(ty) {
        Type::Basic(k) => match crate::layout::default_kind(*k) {
            BasicKind::Bool => Kind::Bool,
            BasicKind::Int => Kind::Int,
            BasicKind::Int8 => Kind::Int8,
            BasicKind::Int16 => Kind::Int16,
            BasicKind::Int32 => Kind::Int32,
            BasicKind::Int64 => Kind::Int64,
            BasicKind::Uint => Kind::Uint,
            BasicKind::Uint8 => Kind::Uint8,
            BasicKind::Uint16 => Kind::Uint16,
            BasicKind::Uint32 => Kind::Uint32,
            BasicKind::Uint64 => Kind::Uint64,
            BasicKind::Uintptr => Kind::Uintptr,
            BasicKind::Float32 => Kind::Float32,
            BasicKind::Float64 => Kind::Float64,
            BasicKind::Complex64 => Kind::Complex64,
            BasicKind::Complex128 => Kind::Complex128,
            BasicKind::String => Kind::String,
            BasicKind::UnsafePointer => Kind::UnsafePointer,
            _ => Kind::Invalid,
        },
        Type::Pointer(_) => Kind::Pointer,
        Type::Slice(_) => Kind::Slice,
        Type::Array { .. } => Kind::Array,
        Type::Map { .. } => Kind::Map,
        Type::Chan { .. } => Kind::Chan,
        Type::Struct(_) => Kind::Struct,
        Type::Signature(_) => Kind::Func,
        Type::Interface(_) => Kind::Interface,
        Type::Tuple(_) | Type::Named(_) | Type::TypeParam(_) => Kind::Invalid,
    }
}

/// Pointer-shaped: the interface data word holds the value itself (see the module comment).
fn is_direct_iface(t: &TypeTable, ty: TypeId) -> bool {
    match t.under(ty) {
        Type::Pointer(_) | Type::Chan { .. } | Type::Map { .. } | Type::Signature(_) => true,
        Type::Basic(k) => *k == BasicKind::UnsafePointer,
        _ => false,
    }
}

/// Bytes of the prefix of a `ty` value that holds pointers.
pub(crate) fn ptrdata(t: &TypeTable, ty: TypeId) -> u64 {
    match t.under(ty) {
        Type::Basic(k) => match crate::layout::default_kind(*k) {
            BasicKind::String | BasicKind::UnsafePointer => 8,
            _ => 0,
        },
        Type::Pointer(_)
        | Type::Chan { .. }
        | Type::Map { .. }
        | Type::Signature(_)
        | Type::Slice(_) => 8,
        Type::Interface(_) => 16,
        Type::Array { len, elem } => {
            let p = ptrdata(t, *elem);
            if *len == 0 || p == 0 {
                0
            } else {
                (len - 1) * layout(t, *elem).size + p
            }
        }
        Type::Struct(fields) => {
            let mut last = 0;
            for (i, f) in fields.iter().enumerate() {
                let p = ptrdata(t, f.typ);
                if p > 0 {
                    last = field_offset(t, ty, i) + p;
                }
            }
            last
        }
        Type::Tuple(_) | Type::Named(_) | Type::TypeParam(_) => 0,
    }
}

fn set_bit(bits: &mut [u8], off: u64) {
    let w = (off / 8) as usize;
    if let Some(b) = bits.get_mut(w / 8) {
        *b |= 1 << (w % 8);
    }
}

/// Sets the bits of the pointer words of a `ty` value at byte offset `base`.
pub(crate) fn ptr_bits(t: &TypeTable, ty: TypeId, base: u64, bits: &mut [u8]) {
    match t.under(ty) {
        Type::Basic(k) => {
            if matches!(
                crate::layout::default_kind(*k),
                BasicKind::String | BasicKind::UnsafePointer
            ) {
                set_bit(bits, base);
            }
        }
        Type::Pointer(_)
        | Type::Chan { .. }
        | Type::Map { .. }
        | Type::Signature(_)
        | Type::Slice(_) => set_bit(bits, base),
        Type::Interface(_) => {
            set_bit(bits, base);
            set_bit(bits, base + 8);
        }
        Type::Array { len, elem } => {
            if ptrdata(t, *elem) == 0 {
                return;
            }
            let es = layout(t, *elem).size;
            for i in 0..*len {
                ptr_bits(t, *elem, base + i * es, bits);
            }
        }
        Type::Struct(fields) => {
            for (i, f) in fields.iter().enumerate() {
                if ptrdata(t, f.typ) > 0 {
                    ptr_bits(t, f.typ, base + field_offset(t, ty, i), bits);
                }
            }
        }
        Type::Tuple(_) | Type::Named(_) | Type::TypeParam(_) => {}
    }
}

/// gc's `AlgType`.
fn alg(t: &TypeTable, ty: TypeId) -> Alg {
    match t.under(ty) {
        Type::Basic(k) => match crate::layout::default_kind(*k) {
            BasicKind::Float32 => Alg::F32,
            BasicKind::Float64 => Alg::F64,
            BasicKind::Complex64 => Alg::C64,
            BasicKind::Complex128 => Alg::C128,
            BasicKind::String => Alg::Str,
            BasicKind::Invalid => Alg::NoEq,
            _ => Alg::Mem,
        },
        Type::Pointer(_) | Type::Chan { .. } => Alg::Mem,
        Type::Map { .. } | Type::Signature(_) | Type::Slice(_) => Alg::NoEq,
        Type::Interface(i) => {
            if i.methods.is_empty() {
                Alg::NilInter
            } else {
                Alg::Inter
            }
        }
        Type::Array { len, elem } => {
            let a = alg(t, *elem);
            match (a, len) {
                (Alg::Mem, _) | (Alg::NoEq, _) => a,
                (_, 0) => Alg::Mem,
                (_, 1) => a,
                _ => Alg::Special,
            }
        }
        Type::Struct(fields) => {
            if fields.len() == 1 && fields[0].name != "_" {
                return alg(t, fields[0].typ);
            }
            let size = layout(t, ty).size;
            let mut ret = Alg::Mem;
            for (i, f) in fields.iter().enumerate() {
                let a = alg(t, f.typ);
                if a == Alg::NoEq {
                    return Alg::NoEq;
                }
                let end = field_offset(t, ty, i) + layout(t, f.typ).size;
                let next = if i + 1 < fields.len() {
                    field_offset(t, ty, i + 1)
                } else {
                    size
                };
                if a != Alg::Mem || f.name == "_" || end != next {
                    ret = Alg::Special;
                }
            }
            ret
        }
        Type::Tuple(_) | Type::Named(_) | Type::TypeParam(_) => Alg::NoEq,
    }
}

/// `_type.equal` (rgo_abi::lang's table).
fn equal_fn(a: Alg, size: u64) -> Option<&'static str> {
    Some(match a {
        Alg::NoEq => return None,
        Alg::Mem => match size {
            0 => lang::MEMEQUAL0,
            1 => lang::MEMEQUAL8,
            2 => lang::MEMEQUAL16,
            4 => lang::MEMEQUAL32,
            8 => lang::MEMEQUAL64,
            16 => lang::MEMEQUAL128,
            _ => lang::WALKEQUAL,
        },
        Alg::F32 => lang::F32EQUAL,
        Alg::F64 => lang::F64EQUAL,
        Alg::C64 => lang::C64EQUAL,
        Alg::C128 => lang::C128EQUAL,
        Alg::Str => lang::STREQUAL,
        Alg::Inter => lang::INTEREQUAL,
        Alg::NilInter => lang::NILINTEREQUAL,
        Alg::Special => lang::WALKEQUAL,
    })
}

/// `mapType.hasher` (rgo_abi::lang's table); None: walk the key's descriptor.
fn hash_fn(a: Alg, size: u64) -> Option<&'static str> {
    Some(match a {
        Alg::NoEq | Alg::Special => return None,
        Alg::Mem => match size {
            0 => lang::MEMHASH0,
            1 => lang::MEMHASH8,
            2 => lang::MEMHASH16,
            4 => lang::MEMHASH32,
            8 => lang::MEMHASH64,
            16 => lang::MEMHASH128,
            _ => return None,
        },
        Alg::F32 => lang::F32HASH,
        Alg::F64 => lang::F64HASH,
        Alg::C64 => lang::C64HASH,
        Alg::C128 => lang::C128HASH,
        Alg::Str => lang::STRHASH,
        Alg::Inter => lang::INTERHASH,
        Alg::NilInter => lang::NILINTERHASH,
    })
}

/// The `hasher` of maps with key type `key`; codegen's choice of a map fast path
/// (`func/maps.rs`) must follow it.
pub(crate) fn map_hasher(t: &TypeTable, key: TypeId) -> Option<&'static str> {
    hash_fn(alg(t, key), layout(t, key).size)
}

/// Composite key rules of gc's `isreflexive` / `needkeyupdate` / `hashMightPanic`.
fn key_any(t: &TypeTable, ty: TypeId, leaf: &dyn Fn(&Type) -> bool) -> bool {
    match t.under(ty) {
        Type::Array { elem, .. } => key_any(t, *elem, leaf),
        Type::Struct(fields) => fields.iter().any(|f| key_any(t, f.typ, leaf)),
        other => leaf(other),
    }
}

fn is_reflexive(t: &TypeTable, ty: TypeId) -> bool {
    !key_any(t, ty, &|u| match u {
        Type::Basic(k) => k.is_float() || k.is_complex(),
        Type::Interface(_) => true,
        _ => false,
    })
}

fn need_key_update(t: &TypeTable, ty: TypeId) -> bool {
    key_any(t, ty, &|u| match u {
        Type::Basic(k) => k.is_float() || k.is_complex() || k.is_string(),
        Type::Interface(_) => true,
        _ => false,
    })
}

fn hash_might_panic(t: &TypeTable, ty: TypeId) -> bool {
    key_any(t, ty, &|u| matches!(u, Type::Interface(_)))
}

/// The symbol suffix of a descriptor: the type string, with named types qualified by their
/// package path (as gc's link names).
fn symbol_string(pkg: &Package, ty: TypeId, string: &str) -> String {
    match pkg.types.get(ty) {
        Type::Named(_) => {
            let o = pkg.obj(pkg.types.named(ty).obj);
            if o.pkg.is_empty() {
                string.to_owned()
            } else {
                let name = string.rsplit_once('.').map_or(string, |(_, n)| n);
                let name = string
                    .strip_prefix(pkg_name(&o.pkg))
                    .and_then(|s| s.strip_prefix('.'))
                    .unwrap_or(name);
                format!("{}.{}", o.pkg, name)
            }
        }
        _ => string.to_owned(),
    }
}

/// The type's string as gc's reflect prints it (`main.T`, `[]string`, `func(int) string`).
pub(crate) fn type_string(pkg: &Package, ty: TypeId) -> String {
    let mut s = String::new();
    write_type(pkg, ty, &mut s, 0);
    s
}

fn write_type(pkg: &Package, ty: TypeId, s: &mut String, depth: u32) {
    if depth > 100 {
        s.push_str("...");
        return;
    }
    let t = &pkg.types;
    let d = depth + 1;
    match t.get(ty) {
        Type::Basic(k) => s.push_str(crate::layout::default_kind(*k).name()),
        Type::Named(_) => {
            let n = t.named(ty);
            let o = pkg.obj(n.obj);
            if !o.pkg.is_empty() {
                s.push_str(pkg_name(&o.pkg));
                s.push('.');
            }
            s.push_str(&o.name);
            if !n.targs.is_empty() {
                s.push('[');
                for (i, &a) in n.targs.iter().enumerate() {
                    if i > 0 {
                        s.push(',');
                    }
                    write_type(pkg, a, s, d);
                }
                s.push(']');
            }
        }
        Type::Pointer(e) => {
            s.push('*');
            write_type(pkg, *e, s, d);
        }
        Type::Slice(e) => {
            s.push_str("[]");
            write_type(pkg, *e, s, d);
        }
        Type::Array { len, elem } => {
            s.push_str(&format!("[{len}]"));
            write_type(pkg, *elem, s, d);
        }
        Type::Map { key, value } => {
            s.push_str("map[");
            write_type(pkg, *key, s, d);
            s.push(']');
            write_type(pkg, *value, s, d);
        }
        Type::Chan { dir, elem } => {
            match dir {
                ChanDir::Both => s.push_str("chan "),
                ChanDir::Send => s.push_str("chan<- "),
                ChanDir::Recv => s.push_str("<-chan "),
            }
            let paren = *dir == ChanDir::Both
                && matches!(
                    t.get(*elem),
                    Type::Chan {
                        dir: ChanDir::Recv,
                        ..
                    }
                );
            if paren {
                s.push('(');
            }
            write_type(pkg, *elem, s, d);
            if paren {
                s.push(')');
            }
        }
        Type::Struct(fields) => {
            if fields.is_empty() {
                s.push_str("struct {}");
                return;
            }
            s.push_str("struct { ");
            for (i, f) in fields.iter().enumerate() {
                if i > 0 {
                    s.push_str("; ");
                }
                if !f.embedded {
                    s.push_str(&f.name);
                    s.push(' ');
                }
                write_type(pkg, f.typ, s, d);
                if !f.tag.is_empty() {
                    s.push(' ');
                    s.push_str(&go_quote(&f.tag));
                }
            }
            s.push_str(" }");
        }
        Type::Signature(sig) => {
            s.push_str("func");
            write_sig(pkg, sig, s, d);
        }
        Type::Interface(Interface { methods, .. }) => {
            if methods.is_empty() {
                s.push_str("interface {}");
                return;
            }
            let mut ms: Vec<&Method> = methods.iter().collect();
            ms.sort_by(|a, b| method_order(&a.name, &a.pkg, &b.name, &b.pkg));
            s.push_str("interface { ");
            for (i, m) in ms.iter().enumerate() {
                if i > 0 {
                    s.push_str("; ");
                }
                s.push_str(&m.name);
                if let Type::Signature(sig) = t.get(m.sig) {
                    write_sig(pkg, sig, s, d);
                }
            }
            s.push_str(" }");
        }
        Type::Tuple(es) => {
            s.push('(');
            for (i, &e) in es.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                write_type(pkg, e, s, d);
            }
            s.push(')');
        }
        Type::TypeParam(_) => {
            let o = pkg.obj(t.type_param(ty).obj);
            s.push_str(&o.name);
        }
    }
}

fn write_sig(pkg: &Package, sig: &Signature, s: &mut String, d: u32) {
    let t = &pkg.types;
    s.push('(');
    for (i, &p) in sig.params.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        if sig.variadic && i + 1 == sig.params.len() {
            s.push_str("...");
            match t.get(p) {
                Type::Slice(e) => write_type(pkg, *e, s, d),
                _ => write_type(pkg, p, s, d),
            }
        } else {
            write_type(pkg, p, s, d);
        }
    }
    s.push(')');
    match sig.results.len() {
        0 => {}
        1 => {
            s.push(' ');
            write_type(pkg, sig.results[0], s, d);
        }
        _ => {
            s.push_str(" (");
            for (i, &r) in sig.results.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                write_type(pkg, r, s, d);
            }
            s.push(')');
        }
    }
}

/// Go's `strconv.Quote` (for struct tags in type strings).
fn go_quote(v: &str) -> String {
    let mut s = String::from("\"");
    for c in v.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\n' => s.push_str("\\n"),
            '\t' => s.push_str("\\t"),
            '\r' => s.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                s.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => s.push(c),
        }
    }
    s.push('"');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use cranelift_jit::{JITBuilder, JITModule};
    use cranelift_module::default_libcall_names;
    use rgo_runtime::lang::alg::{rgo_typeequal, rgo_typehash};
    use rgo_runtime::lang::iface::rgo_getitab;
    use rgo_runtime::lang::map::{rgo_makemap, rgo_mapaccess1, rgo_mapassign};
    use rgo_runtime::lang::typedesc::{
        ArrayType, InterfaceType, MapType, Name, StructType, Type as RType,
    };
    use rgo_runtime::GoString;
    use rgo_syntax::Pos;
    use rgo_types::{Info, Object};

    extern "C" fn m_value() {}
    extern "C" fn m_value_wrapper() {}
    extern "C" fn n_ptr() {}

    fn field(name: &str, typ: TypeId) -> StructField {
        StructField {
            name: name.into(),
            typ,
            embedded: false,
            tag: String::new(),
            pkg: if is_exported(name) { "" } else { "main" }.into(),
        }
    }

    fn object(name: &str, kind: ObjKind, typ: TypeId) -> Object {
        Object {
            name: name.into(),
            pos: Pos(0),
            file: 0,
            pkg: "main".into(),
            kind,
            typ,
        }
    }

    struct Fixture {
        pkg: Package,
        padded: TypeId,
        named: TypeId,
        ptr_named: TypeId,
        iface_mn: TypeId,
        iface_m: TypeId,
        map_str: TypeId,
        map_struct: TypeId,
        key_struct: TypeId,
        arr: TypeId,
        func_ty: TypeId,
        m_obj: ObjId,
        n_obj: ObjId,
    }

    /// package main
    /// type T struct { a int8; p *int; s string; f float64 }   // padded, pointers
    /// func (T) M(); func (*T) n()
    /// plus interfaces, maps and arrays built from them.
    fn fixture() -> Fixture {
        let mut t = TypeTable::new();
        let sig = t.intern(Type::Signature(Signature {
            params: vec![],
            results: vec![],
            variadic: false,
        }));
        let pint = t.intern(Type::Pointer(basic::INT));
        let padded = t.intern(Type::Struct(vec![
            field("a", basic::INT8),
            field("p", pint),
            field("s", basic::STRING),
            field("F", basic::FLOAT64),
        ]));
        let named = t.new_named(ObjId(0));
        t.named_mut(named).underlying = padded;
        let ptr_named = t.intern(Type::Pointer(named));
        let recv_ptr = ptr_named;
        t.named_mut(named).methods = vec![ObjId(1), ObjId(2)];
        let m = |n: &str, pkg: &str| Method {
            name: n.into(),
            pkg: pkg.into(),
            sig,
        };
        let iface_mn = t.intern(Type::Interface(Interface {
            methods: vec![m("M", ""), m("n", "main")],
            terms: None,
            comparable: false,
        }));
        let iface_m = t.intern(Type::Interface(Interface {
            methods: vec![m("M", "")],
            terms: None,
            comparable: false,
        }));
        let map_str = t.intern(Type::Map {
            key: basic::STRING,
            value: basic::INT,
        });
        let key_struct = t.intern(Type::Struct(vec![
            field("a", basic::INT32),
            field("s", basic::STRING),
        ]));
        let map_struct = t.intern(Type::Map {
            key: key_struct,
            value: basic::STRING,
        });
        let arr = t.intern(Type::Array {
            len: 3,
            elem: basic::STRING,
        });
        let sl = t.intern(Type::Slice(basic::STRING));
        let func_ty = t.intern(Type::Signature(Signature {
            params: vec![basic::INT, sl],
            results: vec![basic::STRING],
            variadic: true,
        }));
        let objects = vec![
            object("T", ObjKind::TypeName, named),
            object("M", ObjKind::Func { recv: Some(named) }, sig),
            object(
                "n",
                ObjKind::Func {
                    recv: Some(recv_ptr),
                },
                sig,
            ),
        ];
        Fixture {
            pkg: Package {
                path: "main".into(),
                types: t,
                objects,
                info: Info::default(),
                scope: HashMap::new(),
                instances: Vec::new(),
                named_instances: Vec::new(),
            },
            padded,
            named,
            ptr_named,
            iface_mn,
            iface_m,
            map_str,
            map_struct,
            key_struct,
            arr,
            func_ty,
            m_obj: ObjId(1),
            n_obj: ObjId(2),
        }
    }

    fn jit() -> JITModule {
        let isa = crate::host_isa(false).unwrap();
        let mut b = JITBuilder::with_isa(isa, default_libcall_names());
        b.symbols(rgo_runtime::symbols());
        b.symbol("test_m_value", m_value as *const u8);
        b.symbol("test_m_value_wrapper", m_value_wrapper as *const u8);
        b.symbol("test_n_ptr", n_ptr as *const u8);
        JITModule::new(b)
    }

    fn import(m: &mut JITModule, name: &str) -> FuncId {
        let sig = m.make_signature();
        m.declare_function(name, Linkage::Import, &sig).unwrap()
    }

    fn desc(m: &JITModule, id: DataId) -> &'static RType {
        let (p, _) = m.get_finalized_data(id);
        // SAFETY: a finalized descriptor; the module is leaked by the tests.
        unsafe { &*(p as *const RType) }
    }

    fn s(p: &[u8]) -> &str {
        std::str::from_utf8(p).unwrap()
    }

    #[test]
    fn descriptors_read_back_and_work_with_the_runtime() {
        let fx = fixture();
        let mut module = jit();
        let mf = MethodFuncs {
            methods: HashMap::from([
                (fx.m_obj, import(&mut module, "test_m_value")),
                (fx.n_obj, import(&mut module, "test_n_ptr")),
            ]),
            deref_wrappers: HashMap::from([(
                fx.m_obj,
                import(&mut module, "test_m_value_wrapper"),
            )]),
            promoted: HashMap::new(),
        };
        let mut tab = DescTable::new();
        let mut get = |m: &mut JITModule, ty| tab.get(m, &fx.pkg, &mf, ty).unwrap();
        let ids: Vec<(TypeId, DataId)> = [
            basic::INT,
            basic::STRING,
            basic::FLOAT64,
            basic::UNTYPED_INT,
            fx.padded,
            fx.named,
            fx.ptr_named,
            fx.iface_mn,
            fx.iface_m,
            fx.map_str,
            fx.map_struct,
            fx.key_struct,
            fx.arr,
            fx.func_ty,
        ]
        .iter()
        .map(|&ty| (ty, get(&mut module, ty)))
        .collect();
        // Canonical: asking again yields the same object; untyped int is int.
        assert_eq!(get(&mut module, fx.named), ids[5].1);
        assert_eq!(ids[0].1, ids[3].1);
        module.finalize_definitions().unwrap();
        let module = Box::leak(Box::new(module));
        let d = |ty: TypeId| desc(module, ids.iter().find(|(t, _)| *t == ty).unwrap().1);

        // Basic types.
        let int = d(basic::INT);
        assert_eq!((int.size, int.ptrdata, int.align), (8, 0, 8));
        assert_eq!(int.kind(), Kind::Int);
        assert_eq!(int.string_str(), "int");
        assert_eq!(int.tflag, abi::TFLAG_REGULAR_MEMORY);
        assert!(int.gcdata.is_null());
        assert_eq!(int.hash, fnv1a("int"));
        let st = d(basic::STRING);
        assert_eq!((st.size, st.ptrdata, st.tflag), (16, 8, 0));
        // SAFETY: ptrdata > 0, so gcdata is a bitmap.
        assert_eq!(unsafe { *st.gcdata }, 1);
        assert_eq!(d(basic::FLOAT64).tflag, 0);

        // struct { a int8; p *int; s string; F float64 }: size 40, pointers at words 1, 2.
        let ps = d(fx.padded);
        assert_eq!((ps.size, ps.ptrdata, ps.align), (40, 24, 8));
        assert_eq!(ps.kind(), Kind::Struct);
        assert_eq!(ps.tflag, 0);
        assert!(!ps.is_direct_iface());
        // SAFETY: as above.
        assert_eq!(unsafe { *ps.gcdata }, 0b110);
        assert_eq!(
            ps.string_str(),
            "struct { a int8; p *int; s string; F float64 }"
        );
        // SAFETY: kind Struct.
        let sx = unsafe { ps.ext::<StructType>() };
        let fields = sx.fields();
        assert_eq!(fields.len(), 4);
        assert_eq!(s(Name(fields[2].name).name()), "s");
        assert_eq!(fields[3].offset(), 32);
        assert!(Name(fields[3].name).is_exported());
        assert_eq!(s(Name(sx.pkgpath).name()), "main");
        // SAFETY: field descriptors are valid.
        assert_eq!(unsafe { (*fields[1].typ).string_str() }, "*int");

        // The named type: uncommon, value method set {M} via the wrapper.
        let nt = d(fx.named);
        assert_eq!(nt.string_str(), "main.T");
        assert_eq!(nt.tflag, abi::TFLAG_NAMED | abi::TFLAG_UNCOMMON);
        assert_eq!(s(nt.pkgpath()), "main");
        let ms = nt.uncommon().unwrap().methods();
        assert_eq!(ms.len(), 1);
        assert_eq!(s(nt.name_off(ms[0].name).unwrap().name()), "M");
        assert_eq!(ms[0].ifn, m_value_wrapper as *const u8);
        assert_eq!(ms[0].tfn, m_value as *const u8);
        let pt = d(fx.ptr_named);
        assert_eq!(pt.string_str(), "*main.T");
        assert!(pt.is_direct_iface());
        assert_eq!(pt.tflag, abi::TFLAG_UNCOMMON | abi::TFLAG_REGULAR_MEMORY);
        let u = pt.uncommon().unwrap();
        assert_eq!((u.mcount, u.xcount), (2, 1));
        let pms = u.methods();
        let n = pt.name_off(pms[1].name).unwrap();
        assert_eq!(
            (s(n.name()), s(n.pkgpath()), n.is_exported()),
            ("n", "main", false)
        );
        assert_eq!(pms[0].ifn, m_value_wrapper as *const u8);
        assert_eq!(pms[1].ifn, n_ptr as *const u8);

        // Arrays and funcs.
        let ar = d(fx.arr);
        assert_eq!((ar.size, ar.ptrdata), (48, 40));
        // SAFETY: kind Array.
        let ax = unsafe { ar.ext::<ArrayType>() };
        assert_eq!(ax.len, 3);
        // SAFETY: valid descriptors.
        assert_eq!(unsafe { (*ax.slice).string_str() }, "[]string");
        assert_eq!(unsafe { (*ax.elem).string_str() }, "string");
        // SAFETY: as above.
        assert_eq!(unsafe { *ar.gcdata }, 0b10101);
        let f = d(fx.func_ty);
        assert_eq!(f.string_str(), "func(int, ...string) string");
        assert!(f.is_direct_iface() && f.equal.is_none());
        // SAFETY: inCount/outCount and the parameter pointers follow the header.
        unsafe {
            let p = f as *const RType as *const u8;
            assert_eq!(*(p.add(48) as *const u16), 2);
            assert_eq!(*(p.add(50) as *const u16), 1 | 0x8000);
            let p1 = *(p.add(64) as *const *const RType);
            assert_eq!((*p1).string_str(), "[]string");
        }
        // The array's slice descriptor is the canonical `[]string` one.
        // SAFETY: as above.
        assert_eq!(ax.slice, unsafe {
            *((f as *const RType as *const u8).add(64) as *const *const RType)
        });

        // Equality and hashing of a struct through the runtime (walks: float + padding).
        #[repr(C)]
        #[derive(Clone, Copy)]
        struct S {
            a: i8,
            p: *const i64,
            s: GoString,
            f: f64,
        }
        let x = 7i64;
        let gs = |t: &'static str| GoString {
            ptr: t.as_ptr(),
            len: t.len() as isize as _,
        };
        let v1 = S {
            a: 1,
            p: &x,
            s: gs("hello"),
            f: 0.0,
        };
        let mut v2 = v1;
        v2.f = -0.0;
        let heap = String::from("hello");
        v2.s = GoString {
            ptr: heap.as_ptr(),
            len: 5,
        };
        let ptr = |v: &S| v as *const S as *const u8;
        // SAFETY: valid descriptor and values of its type.
        unsafe {
            assert!(rgo_typeequal(core::ptr::null_mut(), ps, ptr(&v1), ptr(&v2)));
            assert_eq!(rgo_typehash(ps, ptr(&v1), 9), rgo_typehash(ps, ptr(&v2), 9));
            v2.a = 2;
            assert!(!rgo_typeequal(
                core::ptr::null_mut(),
                ps,
                ptr(&v1),
                ptr(&v2)
            ));
        }

        // Maps: string keys, struct keys.
        let mt = d(fx.map_str) as *const RType as *const MapType;
        // SAFETY: a map descriptor.
        unsafe {
            assert_eq!((*mt).typ.string_str(), "map[string]int");
            assert_eq!((*mt).keysize, 16);
            assert_eq!((*mt).flags, mabi::REFLEXIVE_KEY | mabi::NEED_KEY_UPDATE);
            assert!((*mt).hasher.is_some());
            assert!(!(*mt).bucket.is_null() && (*(*mt).bucket).ptrdata > 0);
            let h = rgo_makemap(core::ptr::null_mut(), mt, 0);
            let keys: Vec<String> = (0..200).map(|i| format!("k{i}")).collect();
            for (i, k) in keys.iter().enumerate() {
                let key = GoString {
                    ptr: k.as_ptr(),
                    len: k.len() as _,
                };
                let slot =
                    rgo_mapassign(core::ptr::null_mut(), mt, h, &key as *const _ as *const u8);
                *(slot as *mut i64) = i as i64 * 3;
            }
            for (i, k) in keys.iter().enumerate() {
                let copy = k.clone();
                let key = GoString {
                    ptr: copy.as_ptr(),
                    len: copy.len() as _,
                };
                let e = rgo_mapaccess1(core::ptr::null_mut(), mt, h, &key as *const _ as *const u8);
                assert_eq!(*(e as *const i64), i as i64 * 3);
            }
            let missing = gs("nope");
            let e = rgo_mapaccess1(
                core::ptr::null_mut(),
                mt,
                h,
                &missing as *const _ as *const u8,
            );
            assert_eq!(*(e as *const i64), 0);
        }
        let ks = d(fx.key_struct);
        assert_eq!(ks.equal.map(|f| f as usize), {
            // struct { a int32; s string } has padding: walked.
            let w = rgo_runtime::symbols()
                .into_iter()
                .find(|(n, _)| *n == lang::WALKEQUAL)
                .unwrap()
                .1;
            Some(w as usize)
        });
        #[repr(C)]
        struct K {
            a: i32,
            s: GoString,
        }
        let mt2 = d(fx.map_struct) as *const RType as *const MapType;
        // SAFETY: a map descriptor with key K and element string.
        unsafe {
            assert!((*mt2).hasher.is_none());
            let h = rgo_makemap(core::ptr::null_mut(), mt2, 10);
            let names: Vec<String> = (0..100).map(|i| format!("n{i}")).collect();
            for (i, n) in names.iter().enumerate() {
                let k = K {
                    a: i as i32 % 7,
                    s: GoString {
                        ptr: n.as_ptr(),
                        len: n.len() as _,
                    },
                };
                let slot =
                    rgo_mapassign(core::ptr::null_mut(), mt2, h, &k as *const K as *const u8);
                *(slot as *mut GoString) = GoString {
                    ptr: n.as_ptr(),
                    len: n.len() as _,
                };
            }
            for (i, n) in names.iter().enumerate() {
                let c = n.clone();
                let k = K {
                    a: i as i32 % 7,
                    s: GoString {
                        ptr: c.as_ptr(),
                        len: c.len() as _,
                    },
                };
                let e = rgo_mapaccess1(core::ptr::null_mut(), mt2, h, &k as *const K as *const u8)
                    as *const GoString;
                assert_eq!((*e).ptr, n.as_ptr());
                let k2 = K {
                    a: i as i32 % 7 + 1,
                    s: GoString {
                        ptr: c.as_ptr(),
                        len: c.len() as _,
                    },
                };
                let e2 = rgo_mapaccess1(core::ptr::null_mut(), mt2, h, &k2 as *const K as *const u8)
                    as *const GoString;
                assert_eq!((*e2).len, 0);
            }
        }

        // Interfaces: interface { M(); n() } vs T (lacks n) and *T (has both).
        let imn = d(fx.iface_mn) as *const RType as *const InterfaceType;
        let im = d(fx.iface_m) as *const RType as *const InterfaceType;
        // SAFETY: interface descriptors and concrete type descriptors.
        unsafe {
            assert_eq!((*imn).typ.string_str(), "interface { M(); n() }");
            assert_eq!((*imn).typ.kind(), Kind::Interface);
            assert_eq!((*imn).methods().len(), 2);
            let g = core::ptr::null_mut();
            let tab = rgo_getitab(g, imn, pt, true);
            assert!(!tab.is_null());
            let fun = (*tab).fun.as_ptr();
            assert_eq!(*fun, m_value_wrapper as *const () as usize);
            assert_eq!(*fun.add(1), n_ptr as *const () as usize);
            assert!(rgo_getitab(g, imn, nt, true).is_null());
            let tab = rgo_getitab(g, im, nt, true);
            assert!(!tab.is_null());
            assert_eq!((*tab).fun[0], m_value_wrapper as *const () as usize);
            assert!(rgo_getitab(g, im, ps, true).is_null());

            // typeOffs lead, through type cells, to the one `func()` descriptor.
            let sig = (*imn).typ.type_off((*imn).methods()[0].ityp);
            assert!(!sig.is_null());
            assert_eq!((*sig).string_str(), "func()");
            assert_eq!(nt.type_off(ms[0].mtyp), sig);
            assert_eq!(pt.type_off(pms[1].mtyp), sig);
            let (ins, outs, variadic) = (*sig).func_params().unwrap();
            assert!(ins.is_empty() && outs.is_empty() && !variadic);
            // `M()` is no `func() string` method.
            assert!(nt.string_method(b"M").is_none());
            let (ins, outs, variadic) = f.func_params().unwrap();
            assert_eq!((ins.len(), outs.len(), variadic), (2, 1, true));
            assert_eq!((*outs[0]).string_str(), "string");
        }
    }

    #[test]
    fn recursive_types_and_object_files() {
        // type L struct { next *L; v int }, and a second `main.L` (a local type elsewhere).
        let mut fx = fixture();
        let t = &mut fx.pkg.types;
        let l = t.new_named(ObjId(3));
        let pl = t.intern(Type::Pointer(l));
        let u = t.intern(Type::Struct(vec![
            field("next", pl),
            field("v", basic::INT),
        ]));
        t.named_mut(l).underlying = u;
        let l2 = t.new_named(ObjId(4));
        t.named_mut(l2).underlying = basic::INT;
        fx.pkg.objects.push(object("L", ObjKind::TypeName, l));
        fx.pkg.objects.push(object("L", ObjKind::TypeName, l2));
        let isa = crate::host_isa(true).unwrap();
        let b = cranelift_object::ObjectBuilder::new(isa, "t", default_libcall_names()).unwrap();
        let mut module = cranelift_object::ObjectModule::new(b);
        let f = import_obj(&mut module);
        let mf = MethodFuncs {
            methods: HashMap::from([(fx.m_obj, f), (fx.n_obj, f)]),
            deref_wrappers: HashMap::from([(fx.m_obj, f)]),
            promoted: HashMap::new(),
        };
        let mut tab = DescTable::new();
        let a = tab.get(&mut module, &fx.pkg, &mf, l).unwrap();
        let b = tab.get(&mut module, &fx.pkg, &mf, l2).unwrap();
        assert_ne!(a, b);
        assert_eq!(
            tab.get(&mut module, &fx.pkg, &mf, pl).unwrap(),
            tab.descs[&Key::Ty(pl)]
        );
        for ty in [fx.ptr_named, fx.map_struct, fx.arr, fx.func_ty, fx.iface_mn] {
            tab.get(&mut module, &fx.pkg, &mf, ty).unwrap();
        }
        assert!(tab.symbols.contains("type:main.L·1"));
        assert!(tab.symbols.contains("type:*main.L"));
        let bytes = module.finish().emit().unwrap();
        assert!(!bytes.is_empty());
    }

    fn import_obj(m: &mut cranelift_object::ObjectModule) -> FuncId {
        let sig = m.make_signature();
        m.declare_function("f", Linkage::Import, &sig).unwrap()
    }

    #[test]
    fn type_strings_and_algs() {
        let fx = fixture();
        let mut t = fx.pkg.types;
        let ch = t.intern(Type::Chan {
            dir: ChanDir::Recv,
            elem: basic::INT,
        });
        let chch = t.intern(Type::Chan {
            dir: ChanDir::Both,
            elem: ch,
        });
        let e = t.intern(Type::Interface(Interface {
            methods: vec![],
            terms: None,
            comparable: false,
        }));
        let tagged = t.intern(Type::Struct(vec![StructField {
            tag: "json:\"x\"".into(),
            ..field("X", basic::FLOAT32)
        }]));
        let multi = t.intern(Type::Signature(Signature {
            params: vec![],
            results: vec![basic::INT, e],
            variadic: false,
        }));
        let bytes3 = t.intern(Type::Array {
            len: 3,
            elem: basic::UINT8,
        });
        let pkg = Package { types: t, ..fx.pkg };
        let t = &pkg.types;
        assert_eq!(type_string(&pkg, chch), "chan (<-chan int)");
        assert_eq!(type_string(&pkg, e), "interface {}");
        assert_eq!(
            type_string(&pkg, tagged),
            "struct { X float32 \"json:\\\"x\\\"\" }"
        );
        assert_eq!(type_string(&pkg, multi), "func() (int, interface {})");
        // Single-field struct takes its field's algorithm, as gc's AlgType.
        assert_eq!(alg(t, tagged), Alg::F32);
        assert_eq!(alg(t, bytes3), Alg::Mem);
        assert_eq!(equal_fn(Alg::Mem, 3), Some(lang::WALKEQUAL));
        assert_eq!(hash_fn(Alg::Mem, 3), None);
        assert_eq!(alg(t, fx.key_struct), Alg::Special);
        assert_eq!(alg(t, fx.map_str), Alg::NoEq);
        assert!(!is_reflexive(t, tagged));
        assert!(hash_might_panic(t, e));
        assert_eq!(ptrdata(t, e), 16);
    }
}
