//! What the checker hands to later stages.

use std::collections::HashMap;

use rgo_syntax::ast::NodeId;

use crate::constant::ConstValue;
use crate::objects::{ObjId, Object};
use crate::types::{TypeId, TypeTable};

/// How an expression may be used (go/types' operand modes).
#[derive(Clone, Debug, PartialEq)]
pub enum Mode {
    /// Names a type.
    Type,
    /// A constant; its value after conversion to the recorded type.
    Constant(ConstValue),
    /// An addressable variable (or a field/element of one).
    Variable,
    /// A map index expression (assignable, not addressable, comma-ok capable).
    MapIndex,
    /// A computed value.
    Value,
    /// A value usable in comma-ok form (`<-ch`, `x.(T)`).
    CommaOk,
    /// A call of a function without results.
    NoValue,
    /// A builtin function name.
    Builtin,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TypeAndValue {
    pub mode: Mode,
    /// For untyped constants and untyped results this is the **final** type after
    /// implicit conversion from context (as go/types records it): in `var x int8 = 1`
    /// the literal `1` is recorded with type `int8`. Untyped types remain only where
    /// nothing converted them (e.g. an untyped bool condition: `untyped bool`).
    pub typ: TypeId,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SelectionKind {
    /// `x.f`, a struct field (possibly promoted).
    FieldVal,
    /// `x.m`, a method value or a call's callee.
    MethodVal,
    /// `T.m` / `(*T).m`, a method expression.
    MethodExpr,
}

#[derive(Clone, Debug)]
pub struct Selection {
    pub kind: SelectionKind,
    /// The type of `x` in `x.f`.
    pub recv: TypeId,
    /// The field (a `Var(Field)` object) or method (a `Func` object).
    pub obj: ObjId,
    /// Field indices from `recv` through embedded fields to the target; for methods the
    /// path to the embedded field whose type has the method, then the method's index.
    pub index: Vec<usize>,
    /// Some pointer along the path was dereferenced implicitly.
    pub indirect: bool,
}

/// One package-level variable initialisation, in the order the spec's "Package
/// initialization" requires.
#[derive(Clone, Debug)]
pub struct Initializer {
    /// Variables on the left (`ObjId`s of `Var(Global)` objects); several for `a, b = f()`.
    pub lhs: Vec<ObjId>,
    /// The initialising expression.
    pub rhs: NodeId,
}

/// The checker's results for one package. Every expression node that was checked has an
/// entry in `types`; every declaring identifier in `defs`; every use of a name (an
/// `ExprKind::Name` expression or the selected name of a qualified identifier) in `uses`.
#[derive(Default)]
pub struct Info {
    pub types: HashMap<NodeId, TypeAndValue>,
    pub defs: HashMap<NodeId, ObjId>,
    pub uses: HashMap<NodeId, ObjId>,
    /// Keyed by the id of the `Selector` expression; absent for qualified identifiers.
    pub selections: HashMap<NodeId, Selection>,
    /// Type-switch clause variables, keyed by the clause's `implicit` ident id.
    pub implicits: HashMap<NodeId, ObjId>,
    pub init_order: Vec<Initializer>,
}

/// One instance of a generic function or method, with type arguments that mention no type
/// parameter (see check/instantiate.rs: instances are monomorphized).
pub struct Instance {
    /// The generic function or method (the object its declaration defines).
    pub generic: ObjId,
    /// The instance's own `Func` object: concrete signature and receiver. Uses of the
    /// instance (calls, method selections, method tables) name this object.
    pub obj: ObjId,
    pub targs: Vec<TypeId>,
    /// The body's types and objects, checked with the type arguments in place of the type
    /// parameters; the declaration's name maps to `obj` in `defs`.
    pub info: Info,
}

/// A checked package.
pub struct Package {
    pub path: String,
    pub types: TypeTable,
    pub objects: Vec<Object>,
    pub info: Info,
    /// Package-level objects by name.
    pub scope: HashMap<String, ObjId>,
    /// Concrete instances of generic functions and methods, to compile in place of the
    /// generic declarations (whose bodies have no code of their own).
    pub instances: Vec<Instance>,
    /// Instantiated named types whose type arguments are concrete (`Stack[int]`).
    pub named_instances: Vec<TypeId>,
}

impl Package {
    pub fn obj(&self, id: ObjId) -> &Object {
        &self.objects[id.0 as usize]
    }
    /// The recorded type and mode of an expression.
    pub fn tv(&self, id: NodeId) -> Option<&TypeAndValue> {
        self.info.types.get(&id)
    }
}
