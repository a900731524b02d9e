//! Objects: what a name denotes (spec "Declarations and scope").

use rgo_syntax::Pos;

use crate::constant::ConstValue;
use crate::types::TypeId;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjId(pub u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Builtin {
    Append,
    Cap,
    Close,
    Complex,
    Copy,
    Delete,
    Imag,
    Len,
    Make,
    New,
    Panic,
    Print,
    Println,
    Real,
    Recover,
    // package unsafe
    Add,
    Alignof,
    Offsetof,
    Sizeof,
    Slice,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarKind {
    /// Package-level variable.
    Global,
    /// Function-local variable (incl. named results' and range/switch variables).
    Local,
    Param,
    Result,
    Receiver,
    /// Struct field.
    Field,
}

#[derive(Clone, Debug)]
pub enum ObjKind {
    Const(ConstValue),
    TypeName,
    Var(VarKind),
    /// A function or method; for a method `recv` is the receiver type as declared (`T`
    /// or `*T`). `decl` indexes the package's function declarations (see `Info::funcs`).
    Func {
        recv: Option<TypeId>,
    },
    Builtin(Builtin),
    Nil,
    Label,
    /// An imported package name; the string is the import path.
    PkgName(String),
}

#[derive(Clone, Debug)]
pub struct Object {
    pub name: String,
    pub pos: Pos,
    /// Index of the file (in the slice given to the checker) that declares it; `u32::MAX`
    /// for universe and imported objects.
    pub file: u32,
    /// Package path: "main" for the main package, "" for the universe.
    pub pkg: String,
    pub kind: ObjKind,
    /// Type of the object (`Invalid` for labels and package names; a `Signature` for funcs).
    pub typ: TypeId,
}

impl Object {
    pub fn is_exported(&self) -> bool {
        self.name.chars().next().is_some_and(|c| c.is_uppercase())
    }
}
