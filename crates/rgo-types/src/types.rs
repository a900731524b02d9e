//! Type representation.
//!
//! Every type lives in one [`TypeTable`] and is named by a [`TypeId`]. Structural types
//! (pointers, slices, arrays, maps, channels, structs, signatures, interfaces, tuples) are
//! hash-consed, so **two types are identical (spec "Type identity") iff their ids are equal**.
//! Named types and type parameters are created fresh and are identical only to themselves;
//! their underlying type is filled in after creation, which is what allows recursive types.
//! Signatures are interned without parameter names (identity ignores them).

use std::collections::HashMap;

use crate::objects::ObjId;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BasicKind {
    Invalid,
    Bool,
    Int,
    Int8,
    Int16,
    Int32,
    Int64,
    Uint,
    Uint8,
    Uint16,
    Uint32,
    Uint64,
    Uintptr,
    Float32,
    Float64,
    Complex64,
    Complex128,
    String,
    UnsafePointer,
    UntypedBool,
    UntypedInt,
    UntypedRune,
    UntypedFloat,
    UntypedComplex,
    UntypedString,
    UntypedNil,
}

impl BasicKind {
    /// The name gc prints (`untyped int`, `int`, `unsafe.Pointer`, ...).
    pub fn name(self) -> &'static str {
        use BasicKind::*;
        match self {
            Invalid => "invalid type",
            Bool => "bool",
            Int => "int",
            Int8 => "int8",
            Int16 => "int16",
            Int32 => "int32",
            Int64 => "int64",
            Uint => "uint",
            Uint8 => "uint8",
            Uint16 => "uint16",
            Uint32 => "uint32",
            Uint64 => "uint64",
            Uintptr => "uintptr",
            Float32 => "float32",
            Float64 => "float64",
            Complex64 => "complex64",
            Complex128 => "complex128",
            String => "string",
            UnsafePointer => "unsafe.Pointer",
            UntypedBool => "untyped bool",
            UntypedInt => "untyped int",
            UntypedRune => "untyped rune",
            UntypedFloat => "untyped float",
            UntypedComplex => "untyped complex",
            UntypedString => "untyped string",
            UntypedNil => "untyped nil",
        }
    }
    pub fn is_untyped(self) -> bool {
        use BasicKind::*;
        matches!(
            self,
            UntypedBool
                | UntypedInt
                | UntypedRune
                | UntypedFloat
                | UntypedComplex
                | UntypedString
                | UntypedNil
        )
    }
    pub fn is_integer(self) -> bool {
        use BasicKind::*;
        matches!(
            self,
            Int | Int8
                | Int16
                | Int32
                | Int64
                | Uint
                | Uint8
                | Uint16
                | Uint32
                | Uint64
                | Uintptr
                | UntypedInt
                | UntypedRune
        )
    }
    pub fn is_unsigned(self) -> bool {
        use BasicKind::*;
        matches!(self, Uint | Uint8 | Uint16 | Uint32 | Uint64 | Uintptr)
    }
    pub fn is_float(self) -> bool {
        matches!(
            self,
            BasicKind::Float32 | BasicKind::Float64 | BasicKind::UntypedFloat
        )
    }
    pub fn is_complex(self) -> bool {
        matches!(
            self,
            BasicKind::Complex64 | BasicKind::Complex128 | BasicKind::UntypedComplex
        )
    }
    pub fn is_numeric(self) -> bool {
        self.is_integer() || self.is_float() || self.is_complex()
    }
    pub fn is_string(self) -> bool {
        matches!(self, BasicKind::String | BasicKind::UntypedString)
    }
    pub fn is_boolean(self) -> bool {
        matches!(self, BasicKind::Bool | BasicKind::UntypedBool)
    }
    /// Size in bytes on linux/amd64 (0 for untyped and invalid kinds).
    pub fn size(self) -> u64 {
        use BasicKind::*;
        match self {
            Bool | Int8 | Uint8 => 1,
            Int16 | Uint16 => 2,
            Int32 | Uint32 | Float32 => 4,
            Int | Int64 | Uint | Uint64 | Uintptr | Float64 | Complex64 | UnsafePointer => 8,
            Complex128 | String => 16,
            _ => 0,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChanDir {
    Both,
    Send,
    Recv,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StructField {
    pub name: String,
    pub typ: TypeId,
    pub embedded: bool,
    pub tag: String,
    /// Package path for unexported names (identity depends on it); empty when exported.
    pub pkg: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Signature {
    pub params: Vec<TypeId>,
    pub results: Vec<TypeId>,
    /// The last parameter has type `[]T` and was declared `...T`.
    pub variadic: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Method {
    pub name: String,
    /// Package path for unexported names; empty when exported.
    pub pkg: String,
    /// A `Type::Signature` (without receiver).
    pub sig: TypeId,
}

/// One term of a type set: `T` or `~T`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Term {
    pub tilde: bool,
    pub typ: TypeId,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Interface {
    /// The full method set (explicit and embedded), sorted by (pkg, name).
    pub methods: Vec<Method>,
    /// Type-set restriction from embedded non-interface types and unions: `None` means all
    /// types; `Some(terms)` is a union (an intersection of embedded unions is computed when
    /// the interface is completed).
    pub terms: Option<Vec<Term>>,
    /// Embeds or is `comparable`.
    pub comparable: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    Basic(BasicKind),
    Pointer(TypeId),
    Slice(TypeId),
    Array {
        len: u64,
        elem: TypeId,
    },
    Map {
        key: TypeId,
        value: TypeId,
    },
    Chan {
        dir: ChanDir,
        elem: TypeId,
    },
    Struct(Vec<StructField>),
    Signature(Signature),
    Interface(Interface),
    /// Results of multi-value calls; never the type of a variable.
    Tuple(Vec<TypeId>),
    /// A defined type; its data is `TypeTable::named(id)`.
    Named(u32),
    /// A type parameter; its data is `TypeTable::type_param(id)`.
    TypeParam(u32),
}

#[derive(Clone, Debug)]
pub struct Named {
    /// The `TypeName` object.
    pub obj: ObjId,
    /// Filled in once the declaration's right-hand side is resolved; `Invalid` until then.
    pub underlying: TypeId,
    /// Declared methods (`Func` objects), in declaration order.
    pub methods: Vec<ObjId>,
    /// For an instantiated generic type: the generic `Named` type and the type arguments.
    pub origin: Option<TypeId>,
    pub targs: Vec<TypeId>,
    /// Type parameters of a generic type (as `TypeParam` types); empty otherwise.
    pub tparams: Vec<TypeId>,
}

#[derive(Clone, Debug)]
pub struct TypeParamData {
    pub obj: ObjId,
    pub index: u32,
    /// An interface type (possibly a `Named` one such as `comparable`).
    pub constraint: TypeId,
}

pub struct TypeTable {
    types: Vec<Type>,
    intern: HashMap<Type, TypeId>,
    named: Vec<Named>,
    tparams: Vec<TypeParamData>,
}

impl Default for TypeTable {
    fn default() -> Self {
        Self::new()
    }
}

/// Ids of the predeclared basic types, fixed by the order `TypeTable::new` creates them.
pub mod basic {
    use super::TypeId;
    pub const INVALID: TypeId = TypeId(0);
    pub const BOOL: TypeId = TypeId(1);
    pub const INT: TypeId = TypeId(2);
    pub const INT8: TypeId = TypeId(3);
    pub const INT16: TypeId = TypeId(4);
    pub const INT32: TypeId = TypeId(5);
    pub const INT64: TypeId = TypeId(6);
    pub const UINT: TypeId = TypeId(7);
    pub const UINT8: TypeId = TypeId(8);
    pub const UINT16: TypeId = TypeId(9);
    pub const UINT32: TypeId = TypeId(10);
    pub const UINT64: TypeId = TypeId(11);
    pub const UINTPTR: TypeId = TypeId(12);
    pub const FLOAT32: TypeId = TypeId(13);
    pub const FLOAT64: TypeId = TypeId(14);
    pub const COMPLEX64: TypeId = TypeId(15);
    pub const COMPLEX128: TypeId = TypeId(16);
    pub const STRING: TypeId = TypeId(17);
    pub const UNSAFE_POINTER: TypeId = TypeId(18);
    pub const UNTYPED_BOOL: TypeId = TypeId(19);
    pub const UNTYPED_INT: TypeId = TypeId(20);
    pub const UNTYPED_RUNE: TypeId = TypeId(21);
    pub const UNTYPED_FLOAT: TypeId = TypeId(22);
    pub const UNTYPED_COMPLEX: TypeId = TypeId(23);
    pub const UNTYPED_STRING: TypeId = TypeId(24);
    pub const UNTYPED_NIL: TypeId = TypeId(25);
}

const BASIC_KINDS: [BasicKind; 26] = {
    use BasicKind::*;
    [
        Invalid,
        Bool,
        Int,
        Int8,
        Int16,
        Int32,
        Int64,
        Uint,
        Uint8,
        Uint16,
        Uint32,
        Uint64,
        Uintptr,
        Float32,
        Float64,
        Complex64,
        Complex128,
        String,
        UnsafePointer,
        UntypedBool,
        UntypedInt,
        UntypedRune,
        UntypedFloat,
        UntypedComplex,
        UntypedString,
        UntypedNil,
    ]
};

impl TypeTable {
    pub fn new() -> TypeTable {
        let mut t = TypeTable {
            types: Vec::new(),
            intern: HashMap::new(),
            named: Vec::new(),
            tparams: Vec::new(),
        };
        for k in BASIC_KINDS {
            t.intern(Type::Basic(k));
        }
        t
    }

    /// Returns the id of a structural type, creating it on first use.
    pub fn intern(&mut self, ty: Type) -> TypeId {
        debug_assert!(!matches!(ty, Type::Named(_) | Type::TypeParam(_)));
        if let Some(&id) = self.intern.get(&ty) {
            return id;
        }
        let id = TypeId(self.types.len() as u32);
        self.types.push(ty.clone());
        self.intern.insert(ty, id);
        id
    }

    /// Creates a new defined type with an `Invalid` underlying type (set it later).
    pub fn new_named(&mut self, obj: ObjId) -> TypeId {
        let n = self.named.len() as u32;
        self.named.push(Named {
            obj,
            underlying: basic::INVALID,
            methods: Vec::new(),
            origin: None,
            targs: Vec::new(),
            tparams: Vec::new(),
        });
        let id = TypeId(self.types.len() as u32);
        self.types.push(Type::Named(n));
        id
    }

    pub fn new_type_param(&mut self, obj: ObjId, index: u32, constraint: TypeId) -> TypeId {
        let n = self.tparams.len() as u32;
        self.tparams.push(TypeParamData {
            obj,
            index,
            constraint,
        });
        let id = TypeId(self.types.len() as u32);
        self.types.push(Type::TypeParam(n));
        id
    }

    /// Sets a type parameter's constraint once it has been checked (constraints may refer
    /// to the type parameters themselves, so they are created first).
    pub fn set_type_param_constraint(&mut self, n: u32, constraint: TypeId) {
        if let Some(tp) = self.tparams.get_mut(n as usize) {
            tp.constraint = constraint;
        }
    }

    pub fn get(&self, id: TypeId) -> &Type {
        &self.types[id.0 as usize]
    }

    pub fn named(&self, id: TypeId) -> &Named {
        match self.get(id) {
            Type::Named(n) => &self.named[*n as usize],
            t => panic!("named() on {t:?}"),
        }
    }

    pub fn named_mut(&mut self, id: TypeId) -> &mut Named {
        match self.types[id.0 as usize] {
            Type::Named(n) => &mut self.named[n as usize],
            ref t => panic!("named_mut() on {t:?}"),
        }
    }

    pub fn type_param(&self, id: TypeId) -> &TypeParamData {
        match self.get(id) {
            Type::TypeParam(n) => &self.tparams[*n as usize],
            t => panic!("type_param() on {t:?}"),
        }
    }

    /// The underlying type (spec "Underlying types"): follows `Named` links. For a type
    /// parameter this is its constraint interface's underlying type.
    pub fn underlying(&self, mut id: TypeId) -> TypeId {
        // Bounded: an ill-formed chain (which the checker reports) must not hang.
        for _ in 0..1000 {
            match self.get(id) {
                Type::Named(n) => {
                    let u = self.named[*n as usize].underlying;
                    if u == id {
                        return basic::INVALID;
                    }
                    id = u;
                }
                Type::TypeParam(n) => id = self.tparams[*n as usize].constraint,
                _ => return id,
            }
        }
        basic::INVALID
    }

    pub fn under(&self, id: TypeId) -> &Type {
        self.get(self.underlying(id))
    }

    /// The basic kind of the underlying type, if it is basic.
    pub fn basic_kind(&self, id: TypeId) -> Option<BasicKind> {
        match self.under(id) {
            Type::Basic(k) => Some(*k),
            _ => None,
        }
    }

    /// Whether `t` mentions no type parameter (generic code is compiled only through
    /// concrete instances).
    pub fn is_concrete(&self, t: TypeId) -> bool {
        self.concrete_depth(t, 0)
    }

    fn concrete_depth(&self, t: TypeId, d: usize) -> bool {
        if d > 50 {
            return true;
        }
        let d = d + 1;
        match self.get(t) {
            Type::TypeParam(_) => false,
            Type::Basic(_) => true,
            Type::Pointer(e) | Type::Slice(e) => self.concrete_depth(*e, d),
            Type::Array { elem, .. } | Type::Chan { elem, .. } => self.concrete_depth(*elem, d),
            Type::Map { key, value } => {
                self.concrete_depth(*key, d) && self.concrete_depth(*value, d)
            }
            Type::Struct(fs) => fs.iter().all(|f| self.concrete_depth(f.typ, d)),
            Type::Signature(s) => s
                .params
                .iter()
                .chain(&s.results)
                .all(|&p| self.concrete_depth(p, d)),
            Type::Tuple(ts) => ts.iter().all(|&p| self.concrete_depth(p, d)),
            Type::Interface(i) => {
                i.methods.iter().all(|m| self.concrete_depth(m.sig, d))
                    && i.terms
                        .iter()
                        .flatten()
                        .all(|term| self.concrete_depth(term.typ, d))
            }
            Type::Named(_) => {
                let n = self.named(t);
                // A local type of a generic function mentions its type parameters through
                // its underlying type.
                n.tparams.is_empty()
                    && n.targs.iter().all(|&a| self.concrete_depth(a, d))
                    && (n.origin.is_some() || self.concrete_depth(n.underlying, d))
            }
        }
    }

    pub fn len(&self) -> usize {
        self.types.len()
    }

    pub fn is_empty(&self) -> bool {
        self.types.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predeclared_ids_match_kinds() {
        let t = TypeTable::new();
        assert_eq!(t.get(basic::INT), &Type::Basic(BasicKind::Int));
        assert_eq!(
            t.get(basic::UNTYPED_NIL),
            &Type::Basic(BasicKind::UntypedNil)
        );
        assert_eq!(
            t.get(basic::UNSAFE_POINTER),
            &Type::Basic(BasicKind::UnsafePointer)
        );
    }

    #[test]
    fn identity_is_id_equality() {
        let mut t = TypeTable::new();
        let a = t.intern(Type::Slice(basic::INT));
        let b = t.intern(Type::Slice(basic::INT));
        let c = t.intern(Type::Slice(basic::INT8));
        assert_eq!(a, b);
        assert_ne!(a, c);
        let n1 = t.new_named(ObjId(0));
        let n2 = t.new_named(ObjId(0));
        assert_ne!(n1, n2);
    }
}
