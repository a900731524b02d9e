//! The checker's shared state: scopes, objects, error collection and result recording.
//!
//! The checking itself is split by concern into the sibling modules; they all extend the
//! one `Checker` type so that each concern can call the others freely, as go/types does.

mod assign;
mod builtins;
mod call;
mod decl;
mod expr;
mod initorder;
mod instantiate;
mod lookup;
mod predicates;
mod stmt;
mod typestr;
mod typexpr;

use std::collections::HashMap;

use rgo_syntax::ast::{self, Expr, ExprKind, NodeId};
use rgo_syntax::{Error, Pos, SourceFile};

use crate::constant::ConstValue;
use crate::info::{Info, Mode, Package, TypeAndValue};
use crate::objects::{ObjId, ObjKind, Object, VarKind};
use crate::types::{basic, TypeId, TypeTable};

pub use lookup::LookupResult;
pub use typestr::expr_string;

/// Hook for resolving import paths other than `unsafe`. The standard library will come
/// through here; until then every other path is reported as gc reports a missing package.
pub trait Importer {
    /// Declares the package's exported objects into `objects`/`types` and returns its
    /// name and scope, or an error message.
    fn import(
        &mut self,
        path: &str,
        types: &mut TypeTable,
        objects: &mut Vec<Object>,
    ) -> Result<(String, HashMap<String, ObjId>), String>;
}

/// Identifies a scope in the checker's scope arena.
pub(crate) type ScopeId = usize;

pub(crate) struct Scope {
    pub parent: Option<ScopeId>,
    pub names: HashMap<String, ObjId>,
    /// The outermost scope of a function (its parameters live here); for later stages'
    /// closure analysis.
    #[allow(dead_code)]
    pub func: bool,
}

/// How a package-level object is declared (for lazy, dependency-ordered checking).
#[derive(Clone, Copy)]
pub(crate) enum DeclRef<'a> {
    Const {
        typ: Option<&'a Expr>,
        init: Option<&'a Expr>,
        iota: u32,
        /// Index of the name in its spec.
        #[allow(dead_code)]
        index: usize,
    },
    Var {
        decl: &'a ast::VarDecl,
        #[allow(dead_code)]
        index: usize,
    },
    Type(&'a ast::TypeDecl),
    Func(&'a ast::FuncDecl),
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Color {
    White,
    Grey,
    Black,
}

pub(crate) struct ObjExtra<'a> {
    pub decl: Option<DeclRef<'a>>,
    pub color: Color,
    pub used: bool,
    /// File the object was declared in (for switching position context).
    pub file: usize,
    /// Objects a package-level var/func refers to (for initialization order).
    pub deps: Vec<ObjId>,
}

/// go/types' operand modes.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum OpMode {
    Invalid,
    NoValue,
    Builtin(crate::objects::Builtin),
    TypeExpr,
    Constant(ConstValue),
    Variable,
    MapIndex,
    Value,
    CommaOk,
    Nil,
}

/// The result of checking an expression.
#[derive(Clone, Debug)]
pub(crate) struct Operand<'a> {
    pub mode: OpMode,
    pub typ: TypeId,
    pub expr: Option<&'a Expr>,
}

impl<'a> Operand<'a> {
    pub fn invalid(expr: Option<&'a Expr>) -> Self {
        Operand {
            mode: OpMode::Invalid,
            typ: basic::INVALID,
            expr,
        }
    }
    pub fn is_invalid(&self) -> bool {
        self.mode == OpMode::Invalid
    }
    pub fn val(&self) -> Option<&ConstValue> {
        match &self.mode {
            OpMode::Constant(v) => Some(v),
            _ => None,
        }
    }
}

/// Per-function-body context.
#[derive(Clone)]
pub(crate) struct FuncCtx {
    #[allow(dead_code)]
    pub sig: TypeId,
    pub results: Vec<TypeId>,
    pub named_results: bool,
}

pub(crate) struct Checker<'a> {
    pub path: String,
    pub files: &'a [(&'a SourceFile, &'a ast::File)],
    pub tt: TypeTable,
    pub objects: Vec<Object>,
    pub extra: Vec<ObjExtra<'a>>,
    pub info: Info,
    pub errors: Vec<(usize, Error)>,
    pub file: usize,
    pub scopes: Vec<Scope>,
    pub scope: ScopeId,
    pub pkg_scope: ScopeId,
    pub file_scopes: Vec<ScopeId>,
    pub universe: ScopeId,
    /// The objects being resolved (cycle detection).
    pub obj_path: Vec<ObjId>,
    /// Value of `iota` while checking a constant declaration.
    pub iota: Option<u32>,
    pub func: Option<FuncCtx>,
    /// The package-level object whose initializer/body is being checked (dependencies).
    pub decl_obj: Option<ObjId>,
    /// Function bodies to check after package-level declarations.
    pub delayed: Vec<(ObjId, &'a ast::FuncDecl)>,
    /// Imports: (file, pkgname obj, used) for the unused-import check.
    pub imports: Vec<(usize, ObjId, String, Pos)>,
    /// Package-level function declarations in source order (for codegen / init funcs).
    pub funcs: Vec<ObjId>,
    pub unsafe_scope: HashMap<String, ObjId>,
    pub importer: Option<&'a mut dyn Importer>,
    /// Local variables declared in the current function (unused detection).
    pub locals: Vec<ObjId>,
    /// Named types whose validity (no invalid recursion) has been checked.
    pub valid_checked: HashMap<TypeId, bool>,
    /// Package-level objects in declaration order.
    pub pkg_order: Vec<ObjId>,
    pub var_decls: Vec<&'a ast::VarDecl>,
    pub labels: stmt::Labels,
    /// Scopes of imported packages by path.
    pub pkg_scopes: HashMap<String, HashMap<String, ObjId>>,
    /// Objects for struct fields and interface methods, keyed by (type, index).
    pub field_objs: HashMap<(TypeId, usize), ObjId>,
    /// Map key types whose comparability is checked once their declarations are complete.
    pub delayed_keys: Vec<(usize, &'a Expr, TypeId)>,
    /// Instances of generic types: (generic, type arguments) → instance.
    pub instances: HashMap<(TypeId, Vec<TypeId>), TypeId>,
    /// Type parameters of generic functions.
    pub func_tparams: HashMap<ObjId, Vec<TypeId>>,
    /// Named types whose RHS named type had no underlying type yet: (named, rhs).
    pub pending_underlying: Vec<(TypeId, TypeId)>,
    /// Packages checked earlier into these tables (see [`check_packages`]): their imports
    /// resolve to their scopes in `pkg_scopes`, not through the importer.
    pub checked: std::collections::HashSet<String>,
    /// Objects of dot-imported packages found through a file scope: (file, object), for
    /// the unused-import check.
    pub dot_used: std::cell::RefCell<std::collections::HashSet<(usize, ObjId)>>,
    /// Instances of generic types created before their generic type's underlying type was
    /// known: (instance, generic).
    pub pending_instances: Vec<(TypeId, TypeId)>,
    /// Instance objects of generic functions: (generic, type arguments) → instance.
    pub func_insts: HashMap<(ObjId, Vec<TypeId>), ObjId>,
    /// Where each instance object (of a function or of a method) comes from.
    pub inst_origin: HashMap<ObjId, instantiate::InstOrigin>,
    /// Concrete instances whose bodies are still to be checked.
    pub inst_queue: Vec<ObjId>,
    pub done_instances: Vec<crate::info::Instance>,
    pub named_instances: Vec<TypeId>,
    /// Partial instantiations `F[A]` awaiting inference at their call: index expression →
    /// (generic, name id, type parameters, given type arguments).
    pub partial_insts: HashMap<NodeId, (ObjId, NodeId, Vec<TypeId>, Vec<TypeId>)>,
    /// Checking the body of a generic function or method (gc 1.19 rejects local type
    /// declarations there).
    pub generic_body: bool,
    /// Type parameters whose constraint was written as a union or type term
    /// (`[T ~int | float64]`): gc prints the implicit interface as the union alone.
    pub implicit_constraints: std::collections::HashSet<TypeId>,
}

/// Type-checks one package. `path` is its import path ("main" for commands).
#[allow(clippy::result_large_err)]
pub fn check_package(
    path: &str,
    files: &[(&SourceFile, &ast::File)],
) -> Result<Package, Vec<(usize, Error)>> {
    check_package_with(path, files, None)
}

/// As [`check_package`], resolving imports other than `unsafe` through `importer`.
#[allow(clippy::result_large_err)]
pub fn check_package_with<'a>(
    path: &str,
    files: &'a [(&'a SourceFile, &'a ast::File)],
    importer: Option<&'a mut dyn Importer>,
) -> Result<Package, Vec<(usize, Error)>> {
    let mut c = Checker::new(path, files);
    c.importer = importer;
    c.run();
    if !c.errors.is_empty() {
        return Err(finish_errors(c.errors, files));
    }
    let scope = c.scopes[c.pkg_scope].names.clone();
    Ok(Package {
        path: path.to_string(),
        types: c.tt,
        objects: c.objects,
        info: c.info,
        scope,
        instances: c.done_instances,
        named_instances: c.named_instances,
    })
}

/// One package of a multi-package check: its import path and its files.
pub type PackageFiles<'a> = (&'a str, &'a [(&'a SourceFile, &'a ast::File)]);

/// Type-checks several packages into **one** type table, object list and `Info`, in the
/// order given (dependencies first): each package sees the earlier ones as imports by
/// path, so a type declared in one is the same `TypeId` in all, and later stages can
/// compile every package from the one [`Package`] (whose `scope` is the last package's).
/// File indices are global: package `i`'s files are numbered after those of packages
/// `0..i` (in objects and in errors). Node ids must be unique across all files. Errors
/// stop the check after the package that has them.
#[allow(clippy::result_large_err)]
pub fn check_packages<'a>(
    pkgs: &[PackageFiles<'a>],
    importer: Option<&'a mut dyn Importer>,
) -> Result<Package, Vec<(usize, Error)>> {
    let Some(&(first, first_files)) = pkgs.first() else {
        return check_package_with("main", &[], importer);
    };
    let mut c = Checker::new(first, first_files);
    c.importer = importer;
    let mut base = 0;
    for (i, &(path, files)) in pkgs.iter().enumerate() {
        if i > 0 {
            c.start_package(path, files);
        }
        let first_obj = c.objects.len();
        c.run();
        if !c.errors.is_empty() {
            let errs = finish_errors(std::mem::take(&mut c.errors), files);
            return Err(errs.into_iter().map(|(f, e)| (f + base, e)).collect());
        }
        for o in &mut c.objects[first_obj..] {
            if o.file != u32::MAX {
                o.file += base as u32;
            }
        }
        base += files.len();
        let scope = c.scopes[c.pkg_scope].names.clone();
        c.pkg_scopes.insert(path.to_string(), scope);
        c.checked.insert(path.to_string());
    }
    let scope = c.scopes[c.pkg_scope].names.clone();
    Ok(Package {
        path: c.path.clone(),
        types: c.tt,
        objects: c.objects,
        info: c.info,
        scope,
        instances: c.done_instances,
        named_instances: c.named_instances,
    })
}

/// gc prints the first 10 errors it finds, sorted by position, then `too many errors` at
/// the position of the 10th.
fn finish_errors(
    mut errs: Vec<(usize, Error)>,
    _files: &[(&SourceFile, &ast::File)],
) -> Vec<(usize, Error)> {
    // Remove exact duplicates (same place, same message), as gc does.
    let mut seen = std::collections::HashSet::new();
    errs.retain(|(f, e)| seen.insert((*f, e.pos, e.msg.clone())));
    let too_many = if errs.len() >= 10 {
        let last = errs[9].clone();
        errs.truncate(10);
        Some(last)
    } else {
        None
    };
    errs.sort_by_key(|a| (a.0, a.1.pos));
    if let Some((f, e)) = too_many {
        errs.push((
            f,
            Error {
                pos: e.pos,
                msg: "too many errors".into(),
            },
        ));
    }
    errs
}

impl<'a> Checker<'a> {
    fn new(path: &str, files: &'a [(&'a SourceFile, &'a ast::File)]) -> Self {
        let mut c = Checker {
            path: path.to_string(),
            files,
            tt: TypeTable::new(),
            objects: Vec::new(),
            extra: Vec::new(),
            info: Info::default(),
            errors: Vec::new(),
            file: 0,
            scopes: Vec::new(),
            scope: 0,
            pkg_scope: 0,
            file_scopes: Vec::new(),
            universe: 0,
            obj_path: Vec::new(),
            iota: None,
            func: None,
            decl_obj: None,
            delayed: Vec::new(),
            imports: Vec::new(),
            funcs: Vec::new(),
            unsafe_scope: HashMap::new(),
            importer: None,
            locals: Vec::new(),
            valid_checked: HashMap::new(),
            pkg_order: Vec::new(),
            var_decls: Vec::new(),
            labels: Default::default(),
            pkg_scopes: HashMap::new(),
            field_objs: HashMap::new(),
            delayed_keys: Vec::new(),
            instances: HashMap::new(),
            func_tparams: HashMap::new(),
            pending_underlying: Vec::new(),
            checked: Default::default(),
            dot_used: Default::default(),
            pending_instances: Vec::new(),
            func_insts: HashMap::new(),
            inst_origin: HashMap::new(),
            inst_queue: Vec::new(),
            done_instances: Vec::new(),
            named_instances: Vec::new(),
            partial_insts: HashMap::new(),
            generic_body: false,
            implicit_constraints: Default::default(),
        };
        c.universe = c.new_scope(None, false);
        crate::universe::populate(&mut c);
        c.pkg_scope = c.new_scope(Some(c.universe), false);
        c.scope = c.pkg_scope;
        c
    }

    /// Resets the per-package state to check another package into the same tables (the
    /// universe, types, objects, `Info` and earlier packages' scopes stay).
    fn start_package(&mut self, path: &str, files: &'a [(&'a SourceFile, &'a ast::File)]) {
        self.path = path.to_string();
        self.files = files;
        self.file = 0;
        self.pkg_scope = self.new_scope(Some(self.universe), false);
        self.scope = self.pkg_scope;
        self.file_scopes.clear();
        self.obj_path.clear();
        self.iota = None;
        self.func = None;
        self.decl_obj = None;
        self.delayed.clear();
        self.imports.clear();
        self.funcs.clear();
        self.locals.clear();
        self.pkg_order.clear();
        self.var_decls.clear();
        self.delayed_keys.clear();
    }

    fn run(&mut self) {
        self.collect_objects();
        self.check_package_objects();
        self.check_delayed_keys();
        self.check_delayed_bodies();
        self.compute_init_order();
        self.check_unused_imports();
        if self.errors.is_empty() {
            self.check_instances();
        }
    }

    // ---- errors ----

    pub fn error(&mut self, pos: Pos, msg: impl Into<String>) {
        let msg = msg.into();
        self.errors.push((self.file, Error { pos, msg }));
    }

    pub fn error_at_expr(&mut self, e: &Expr, msg: impl Into<String>) {
        let p = start_pos(e);
        self.error(p, msg);
    }

    /// `file:line:col` of a position in the current file, for multi-line messages.
    pub fn pos_string(&self, file: usize, pos: Pos) -> String {
        match self.files.get(file) {
            Some((sf, _)) => sf.position(pos).to_string(),
            None => "<unknown>".into(),
        }
    }

    // ---- scopes and objects ----

    pub fn new_scope(&mut self, parent: Option<ScopeId>, func: bool) -> ScopeId {
        self.scopes.push(Scope {
            parent,
            names: HashMap::new(),
            func,
        });
        self.scopes.len() - 1
    }

    pub fn open_scope(&mut self, func: bool) {
        let s = self.new_scope(Some(self.scope), func);
        self.scope = s;
    }

    pub fn close_scope(&mut self) {
        if let Some(p) = self.scopes[self.scope].parent {
            self.scope = p;
        }
    }

    pub fn new_object(&mut self, name: &str, pos: Pos, kind: ObjKind, typ: TypeId) -> ObjId {
        let id = ObjId(self.objects.len() as u32);
        let pkg = if self.pkg_scope == 0 {
            String::new()
        } else {
            self.path.clone()
        };
        self.objects.push(Object {
            name: name.to_string(),
            pos,
            file: self.file as u32,
            pkg,
            kind,
            typ,
        });
        self.extra.push(ObjExtra {
            decl: None,
            color: Color::Black,
            used: false,
            file: self.file,
            deps: Vec::new(),
        });
        id
    }

    pub fn obj(&self, id: ObjId) -> &Object {
        &self.objects[id.0 as usize]
    }

    pub fn obj_mut(&mut self, id: ObjId) -> &mut Object {
        &mut self.objects[id.0 as usize]
    }

    /// Declares `obj` in `scope`; reports gc's redeclaration error on conflict.
    pub fn declare(&mut self, scope: ScopeId, id: Option<NodeId>, obj: ObjId) {
        let name = self.obj(obj).name.clone();
        if let Some(id) = id {
            self.info.defs.insert(id, obj);
        }
        if name == "_" {
            return;
        }
        if let Some(&prev) = self.scopes[scope].names.get(&name) {
            let pos = self.obj(obj).pos;
            let other = self.obj(prev);
            let other_pos = self.pos_string(self.extra[prev.0 as usize].file, other.pos);
            let msg = format!(
                "{name} redeclared in this block\n\t{other_pos}: other declaration of {name}"
            );
            self.error(pos, msg);
            // Avoid a follow-on "declared but not used" for the rejected object.
            self.extra[obj.0 as usize].used = true;
            return;
        }
        self.scopes[scope].names.insert(name, obj);
    }

    /// Looks a name up from the current scope outwards.
    pub fn lookup(&self, name: &str) -> Option<ObjId> {
        let mut s = Some(self.scope);
        while let Some(id) = s {
            if let Some(&o) = self.scopes[id].names.get(name) {
                return Some(o);
            }
            // After the package scope come the file's imports, then the universe.
            if id == self.pkg_scope {
                if let Some(&fs) = self.file_scopes.get(self.file) {
                    if let Some(&o) = self.scopes[fs].names.get(name) {
                        if !matches!(self.obj(o).kind, ObjKind::PkgName(_)) {
                            self.dot_used.borrow_mut().insert((self.file, o));
                        }
                        return Some(o);
                    }
                }
            }
            s = self.scopes[id].parent;
        }
        None
    }

    // ---- recording ----

    pub fn record(&mut self, x: &Operand<'a>) {
        let Some(e) = x.expr else { return };
        let mode = match &x.mode {
            OpMode::Invalid => return,
            OpMode::NoValue => Mode::NoValue,
            OpMode::Builtin(_) => Mode::Builtin,
            OpMode::TypeExpr => Mode::Type,
            OpMode::Constant(v) => Mode::Constant(v.clone()),
            OpMode::Variable => Mode::Variable,
            OpMode::MapIndex => Mode::MapIndex,
            OpMode::Value | OpMode::Nil => Mode::Value,
            OpMode::CommaOk => Mode::CommaOk,
        };
        self.info
            .types
            .insert(e.id, TypeAndValue { mode, typ: x.typ });
    }

    pub fn record_type_expr(&mut self, e: &Expr, t: TypeId) {
        self.info.types.insert(
            e.id,
            TypeAndValue {
                mode: Mode::Type,
                typ: t,
            },
        );
    }

    pub fn record_use(&mut self, id: NodeId, obj: ObjId) {
        self.info.uses.insert(id, obj);
    }

    /// Notes that the current declaration depends on `obj` (initialization order).
    pub fn add_dep(&mut self, obj: ObjId) {
        let obj = self.generic_of(obj);
        if let Some(d) = self.decl_obj {
            if d != obj {
                let deps = &mut self.extra[d.0 as usize].deps;
                if !deps.contains(&obj) {
                    deps.push(obj);
                }
            }
        }
    }

    pub fn new_var(&mut self, name: &str, pos: Pos, kind: VarKind, typ: TypeId) -> ObjId {
        self.new_object(name, pos, ObjKind::Var(kind), typ)
    }
}

/// The position gc reports errors about an expression at: its leftmost token, except
/// where syntax.StartPos keeps the node's own position.
pub fn start_pos(e: &Expr) -> Pos {
    let mut e = e;
    loop {
        match &e.kind {
            ExprKind::CompositeLit { typ: Some(t), .. } => e = t,
            ExprKind::Selector(x, _) | ExprKind::Index(x, _) | ExprKind::Slice { x, .. } => e = x,
            ExprKind::TypeAssert { x, .. } => e = x,
            ExprKind::Binary(_, x, _) => e = x,
            ExprKind::Call { fun, .. } => e = fun,
            _ => return e.pos,
        }
    }
}
