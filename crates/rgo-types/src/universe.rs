//! The universe block (spec "Predeclared identifiers") and package `unsafe`.
//!
//! Both are created fresh in each checker's type table so that predeclared types keep the
//! fixed ids of `types::basic` and every package sees the same `error` and `comparable`.

use crate::check::Checker;
use crate::constant::ConstValue;
use crate::objects::{Builtin, ObjKind};
use crate::types::{basic, Interface, Method, Signature, Type};
use rgo_syntax::Pos;

pub(crate) fn populate(c: &mut Checker<'_>) {
    let u = c.universe;
    let basics = [
        ("bool", basic::BOOL),
        ("int", basic::INT),
        ("int8", basic::INT8),
        ("int16", basic::INT16),
        ("int32", basic::INT32),
        ("int64", basic::INT64),
        ("uint", basic::UINT),
        ("uint8", basic::UINT8),
        ("uint16", basic::UINT16),
        ("uint32", basic::UINT32),
        ("uint64", basic::UINT64),
        ("uintptr", basic::UINTPTR),
        ("float32", basic::FLOAT32),
        ("float64", basic::FLOAT64),
        ("complex64", basic::COMPLEX64),
        ("complex128", basic::COMPLEX128),
        ("string", basic::STRING),
        ("byte", basic::UINT8),
        ("rune", basic::INT32),
    ];
    for (name, t) in basics {
        let o = c.new_object(name, Pos(0), ObjKind::TypeName, t);
        c.declare(u, None, o);
    }
    // error: interface{ Error() string }
    let err_obj = c.new_object("error", Pos(0), ObjKind::TypeName, basic::INVALID);
    let err_t = c.tt.new_named(err_obj);
    c.obj_mut(err_obj).typ = err_t;
    let sig = c.tt.intern(Type::Signature(Signature {
        params: vec![],
        results: vec![basic::STRING],
        variadic: false,
    }));
    let iface = c.tt.intern(Type::Interface(Interface {
        methods: vec![Method {
            name: "Error".into(),
            pkg: String::new(),
            sig,
        }],
        terms: None,
        comparable: false,
    }));
    c.tt.named_mut(err_t).underlying = iface;
    let m = c.new_object("Error", Pos(0), ObjKind::Func { recv: Some(err_t) }, sig);
    c.tt.named_mut(err_t).methods.push(m);
    c.declare(u, None, err_obj);

    let empty = c.tt.intern(Type::Interface(Interface {
        methods: vec![],
        terms: None,
        comparable: false,
    }));
    let any = c.new_object("any", Pos(0), ObjKind::TypeName, empty);
    c.declare(u, None, any);

    let cmp_obj = c.new_object("comparable", Pos(0), ObjKind::TypeName, basic::INVALID);
    let cmp_t = c.tt.new_named(cmp_obj);
    c.obj_mut(cmp_obj).typ = cmp_t;
    let ci = c.tt.intern(Type::Interface(Interface {
        methods: vec![],
        terms: None,
        comparable: true,
    }));
    c.tt.named_mut(cmp_t).underlying = ci;
    c.declare(u, None, cmp_obj);

    for (name, v) in [("true", true), ("false", false)] {
        let o = c.new_object(
            name,
            Pos(0),
            ObjKind::Const(ConstValue::Bool(v)),
            basic::UNTYPED_BOOL,
        );
        c.declare(u, None, o);
    }
    let iota = c.new_object(
        "iota",
        Pos(0),
        ObjKind::Const(ConstValue::int(0)),
        basic::UNTYPED_INT,
    );
    c.declare(u, None, iota);
    let nil = c.new_object("nil", Pos(0), ObjKind::Nil, basic::UNTYPED_NIL);
    c.declare(u, None, nil);

    use Builtin::*;
    let builtins = [
        ("append", Append),
        ("cap", Cap),
        ("close", Close),
        ("complex", Complex),
        ("copy", Copy),
        ("delete", Delete),
        ("imag", Imag),
        ("len", Len),
        ("make", Make),
        ("new", New),
        ("panic", Panic),
        ("print", Print),
        ("println", Println),
        ("real", Real),
        ("recover", Recover),
    ];
    for (name, b) in builtins {
        let o = c.new_object(name, Pos(0), ObjKind::Builtin(b), basic::INVALID);
        c.declare(u, None, o);
    }

    // package unsafe
    let p = c.new_object("Pointer", Pos(0), ObjKind::TypeName, basic::UNSAFE_POINTER);
    c.obj_mut(p).pkg = "unsafe".into();
    c.unsafe_scope.insert("Pointer".into(), p);
    for (name, b) in [
        ("Add", Add),
        ("Alignof", Alignof),
        ("Offsetof", Offsetof),
        ("Sizeof", Sizeof),
        ("Slice", Slice),
    ] {
        let o = c.new_object(name, Pos(0), ObjKind::Builtin(b), basic::INVALID);
        c.obj_mut(o).pkg = "unsafe".into();
        c.unsafe_scope.insert(name.into(), o);
    }
    for o in &mut c.extra {
        o.file = usize::MAX;
    }
    for o in &mut c.objects {
        o.file = u32::MAX;
    }
}

/// Names gc treats specially when checking `_ = name` style misuse.
pub fn is_predeclared_type(name: &str) -> bool {
    matches!(
        name,
        "bool"
            | "int"
            | "int8"
            | "int16"
            | "int32"
            | "int64"
            | "uint"
            | "uint8"
            | "uint16"
            | "uint32"
            | "uint64"
            | "uintptr"
            | "float32"
            | "float64"
            | "complex64"
            | "complex128"
            | "string"
            | "byte"
            | "rune"
            | "error"
            | "any"
            | "comparable"
    )
}
