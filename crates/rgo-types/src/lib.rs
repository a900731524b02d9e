//! rgo-types: the type checker.
//!
//! Consumes the parsed files of one package; produces a [`Package`]: the type table, the
//! objects every name denotes and, per expression, its type and constant value — or the
//! list of type errors in gc's wording and positions.

pub mod check;
pub mod constant;
pub mod info;
pub mod objects;
pub mod types;
pub mod universe;

pub use check::{
    check_package, check_package_with, check_packages, expr_string, Importer, PackageFiles,
};
pub use constant::ConstValue;
pub use info::{
    Info, Initializer, Instance, Mode, Package, Selection, SelectionKind, TypeAndValue,
};
pub use objects::{Builtin, ObjId, ObjKind, Object, VarKind};
pub use types::{basic, BasicKind, Type, TypeId, TypeTable};
