//! Memory layout of Go types on linux/amd64, and how a value of each type travels through
//! generated code.
//!
//! Types fall into two classes:
//! - *register types* travel as a list of scalar *parts* (Cranelift values): an `int` is one
//!   `i64`, a string `{ptr, len}`, a slice `{ptr, len, cap}`, an interface two words, a
//!   complex128 two `f64`s. In memory each part sits at its recorded offset.
//! - *memory types* (structs and arrays) always live in memory; in generated code their value
//!   is one `i64`: the address of the bytes. Whoever needs the value to stay unchanged while
//!   other code runs (a call argument, a tuple assignment) copies it first.
//!
//! Sizes, alignments and offsets follow gc's rules so that type descriptors and
//! `unsafe.Sizeof` agree with gc.

use cranelift_codegen::ir::types;
use cranelift_codegen::ir::Type as ClType;
use rgo_types::{BasicKind, Type, TypeId, TypeTable};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    pub size: u64,
    pub align: u64,
}

/// One scalar part of a flattened value and its byte offset within the value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Part {
    pub offset: u32,
    pub ty: ClType,
}

pub fn basic_cl_type(k: BasicKind) -> Option<ClType> {
    use BasicKind::*;
    Some(match k {
        Bool | UntypedBool | Int8 | Uint8 => types::I8,
        Int16 | Uint16 => types::I16,
        Int32 | Uint32 | UntypedRune => types::I32,
        Int | Int64 | Uint | Uint64 | Uintptr | UnsafePointer | UntypedInt => types::I64,
        Float32 => types::F32,
        Float64 | UntypedFloat => types::F64,
        _ => return None,
    })
}

pub fn layout(t: &TypeTable, ty: TypeId) -> Layout {
    match t.under(ty) {
        Type::Basic(k) => {
            let k = default_kind(*k);
            let size = k.size();
            let align = match k {
                BasicKind::Complex64 => 4,
                BasicKind::Complex128 => 8,
                BasicKind::String => 8,
                _ => size.max(1),
            };
            Layout { size, align }
        }
        Type::Pointer(_) | Type::Map { .. } | Type::Chan { .. } | Type::Signature(_) => {
            Layout { size: 8, align: 8 }
        }
        Type::Slice(_) => Layout { size: 24, align: 8 },
        Type::Interface(_) => Layout { size: 16, align: 8 },
        Type::Array { len, elem } => {
            let e = layout(t, *elem);
            Layout {
                size: e.size.saturating_mul(*len),
                align: e.align,
            }
        }
        Type::Struct(fields) => {
            let mut off = 0u64;
            let mut align = 1u64;
            for f in fields {
                let l = layout(t, f.typ);
                off = off.next_multiple_of(l.align);
                off += l.size;
                align = align.max(l.align);
            }
            // gc pads a struct that ends in a zero-size field so that taking the field's
            // address cannot point past the object.
            if off > 0 && fields.last().is_some_and(|f| layout(t, f.typ).size == 0) {
                off += 1;
            }
            Layout {
                size: off.next_multiple_of(align),
                align,
            }
        }
        Type::Tuple(_) | Type::Named(_) | Type::TypeParam(_) => Layout { size: 0, align: 1 },
    }
}

/// Untyped kinds that reach code generation (e.g. an untyped bool condition) are represented
/// as their default types.
pub fn default_kind(k: BasicKind) -> BasicKind {
    match k {
        BasicKind::UntypedBool => BasicKind::Bool,
        BasicKind::UntypedInt => BasicKind::Int,
        BasicKind::UntypedRune => BasicKind::Int32,
        BasicKind::UntypedFloat => BasicKind::Float64,
        BasicKind::UntypedComplex => BasicKind::Complex128,
        BasicKind::UntypedString => BasicKind::String,
        BasicKind::UntypedNil => BasicKind::UnsafePointer,
        k => k,
    }
}

/// Structs and arrays: values handled by address (see the module comment).
pub fn is_mem(t: &TypeTable, ty: TypeId) -> bool {
    matches!(t.under(ty), Type::Struct(_) | Type::Array { .. })
}

/// Offset of field `i` of a struct type.
pub fn field_offset(t: &TypeTable, ty: TypeId, i: usize) -> u64 {
    let mut off = 0u64;
    if let Type::Struct(fields) = t.under(ty) {
        for (k, f) in fields.iter().enumerate() {
            let l = layout(t, f.typ);
            off = off.next_multiple_of(l.align);
            if k == i {
                return off;
            }
            off += l.size;
        }
    }
    off
}

/// The parts a value of type `ty` travels as: for register types their scalar parts in
/// memory order; for memory types one `i64` address.
pub fn parts(t: &TypeTable, ty: TypeId) -> Vec<Part> {
    let mut out = Vec::new();
    push_parts(t, ty, 0, &mut out);
    out
}

fn push_parts(t: &TypeTable, ty: TypeId, base: u32, out: &mut Vec<Part>) {
    if is_mem(t, ty) {
        out.push(Part {
            offset: base,
            ty: types::I64,
        });
        return;
    }
    let word = |out: &mut Vec<Part>, n: u32| {
        for i in 0..n {
            out.push(Part {
                offset: base + 8 * i,
                ty: types::I64,
            });
        }
    };
    match t.under(ty) {
        Type::Basic(k) => match default_kind(*k) {
            BasicKind::String => word(out, 2),
            BasicKind::Complex64 => {
                out.push(Part {
                    offset: base,
                    ty: types::F32,
                });
                out.push(Part {
                    offset: base + 4,
                    ty: types::F32,
                });
            }
            BasicKind::Complex128 => {
                out.push(Part {
                    offset: base,
                    ty: types::F64,
                });
                out.push(Part {
                    offset: base + 8,
                    ty: types::F64,
                });
            }
            BasicKind::Invalid => {}
            k => out.push(Part {
                offset: base,
                ty: basic_cl_type(k).unwrap_or(types::I64),
            }),
        },
        Type::Pointer(_) | Type::Map { .. } | Type::Chan { .. } | Type::Signature(_) => {
            word(out, 1)
        }
        Type::Slice(_) => word(out, 3),
        Type::Interface(_) => word(out, 2),
        Type::Array { .. } | Type::Struct(_) => {}
        Type::Tuple(elems) => {
            for &e in elems {
                push_parts(t, e, base, out);
            }
        }
        Type::Named(_) | Type::TypeParam(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rgo_types::basic;
    use rgo_types::types::StructField;

    fn field(name: &str, typ: TypeId) -> StructField {
        StructField {
            name: name.into(),
            typ,
            embedded: false,
            tag: String::new(),
            pkg: "main".into(),
        }
    }

    #[test]
    fn struct_layout_matches_gc() {
        let mut t = TypeTable::new();
        // struct { a int8; b int64; c int16 } is 24 bytes, align 8 (gc: unsafe.Sizeof = 24).
        let s = t.intern(Type::Struct(vec![
            field("a", basic::INT8),
            field("b", basic::INT64),
            field("c", basic::INT16),
        ]));
        assert_eq!(layout(&t, s), Layout { size: 24, align: 8 });
        let offs: Vec<u64> = (0..3).map(|i| field_offset(&t, s, i)).collect();
        assert_eq!(offs, vec![0, 8, 16]);
        assert!(is_mem(&t, s));
        assert_eq!(parts(&t, s).len(), 1);
        // struct { x int32; y struct{} } is padded to 8 (trailing zero-size field).
        let empty = t.intern(Type::Struct(vec![]));
        let s2 = t.intern(Type::Struct(vec![
            field("x", basic::INT32),
            field("y", empty),
        ]));
        assert_eq!(layout(&t, s2), Layout { size: 8, align: 4 });
    }

    #[test]
    fn string_and_complex_parts() {
        let t = TypeTable::new();
        assert_eq!(parts(&t, basic::STRING).len(), 2);
        let c = parts(&t, basic::COMPLEX64);
        assert_eq!((c[1].offset, c[1].ty), (4, types::F32));
        assert_eq!(layout(&t, basic::COMPLEX128), Layout { size: 16, align: 8 });
    }
}
