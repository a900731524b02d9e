//! Instantiation of generic types and functions, and the discovery of the concrete
//! instances that codegen compiles.
//!
//! rgo compiles generics by full monomorphization (docs/ARCHITECTURE.md, "Generics"): every
//! generic function or method is compiled once per list of concrete type arguments. The
//! checker is where those lists become known, so it does the discovery:
//!
//! - Instantiating a generic function (`F[int]`, or a call that infers the arguments)
//!   yields an *instance object*: a `Func` object with the substituted signature, recorded
//!   as the use of the function's name. Instantiating a generic named type (`Stack[int]`)
//!   gives the new `Named` one instance object per method, with substituted signatures and
//!   receiver, so lookups, method sets and interface satisfaction see concrete types.
//! - An instance whose type arguments mention no type parameter is *concrete*; its body is
//!   re-checked with each type parameter's name bound to its type argument, into an `Info`
//!   of its own (`Package::instances`). Codegen lowers it like any non-generic function.
//!   Checking it may find further instances (a worklist runs to a fixed point; a bound on
//!   the number of instances stops runaway instantiation such as `F[T]` calling `F[*T]`).
//!
//! Re-checking with concrete types (instead of substituting the generic body's recorded
//! types) gives codegen concrete selections, conversions and operator types for free. Its
//! cost is that rules written for generic code must not fire twice: errors found while
//! re-checking an instance are dropped (the generic body was already checked, and a valid
//! generic body only turns things like `case T:` next to `case int:` into duplicates).

use rgo_syntax::ast::{self, ExprKind};

use super::{Checker, DeclRef};
use crate::info::Instance;
use crate::objects::{ObjId, ObjKind, VarKind};
use crate::types::{basic, Type, TypeId};

/// The most concrete instances one package may have (gc reports an instantiation cycle;
/// this bound only keeps the compiler from running away).
const MAX_INSTANCES: usize = 2000;

/// Where an instance object comes from.
#[derive(Clone)]
pub(crate) struct InstOrigin {
    pub generic: ObjId,
    pub targs: Vec<TypeId>,
    /// Type parameter → type argument.
    pub map: Vec<(TypeId, TypeId)>,
    /// For methods: the instantiated receiver base type.
    pub recv_named: Option<TypeId>,
    pub resolved: bool,
}

impl<'a> Checker<'a> {
    /// Whether `t` mentions no type parameter.
    pub(super) fn is_concrete(&self, t: TypeId) -> bool {
        self.tt.is_concrete(t)
    }

    /// Creates (or reuses) the instance of a generic named type.
    pub(super) fn instantiate_named(&mut self, g: TypeId, targs: Vec<TypeId>) -> TypeId {
        if let Some(&t) = self.instances.get(&(g, targs.clone())) {
            return t;
        }
        let obj = self.tt.named(g).obj;
        let inst = self.tt.new_named(obj);
        self.instances.insert((g, targs.clone()), inst);
        let tparams = self.tt.named(g).tparams.clone();
        let map: Vec<(TypeId, TypeId)> = tparams.into_iter().zip(targs.iter().copied()).collect();
        {
            let n = self.tt.named_mut(inst);
            n.origin = Some(g);
            n.targs = targs.clone();
        }
        let u = self.tt.named(g).underlying;
        if u == basic::INVALID {
            // The generic type's declaration is still being checked (a recursive
            // reference); its underlying type is substituted once it is known.
            self.pending_instances.push((inst, g));
        } else {
            let su = self.subst(u, &map, 0);
            self.tt.named_mut(inst).underlying = self.tt.underlying(su);
        }
        let mut methods = Vec::new();
        for m in self.tt.named(g).methods.clone() {
            let o = self.obj(m).clone();
            let file = self.extra[m.0 as usize].file;
            let saved = self.file;
            self.file = file;
            let io = self.new_object(&o.name, o.pos, ObjKind::Func { recv: None }, basic::INVALID);
            self.file = saved;
            self.inst_origin.insert(
                io,
                InstOrigin {
                    generic: m,
                    targs: targs.clone(),
                    map: map.clone(),
                    recv_named: Some(inst),
                    resolved: false,
                },
            );
            methods.push(io);
        }
        self.tt.named_mut(inst).methods = methods.clone();
        if targs.iter().all(|&a| self.is_concrete(a)) {
            self.named_instances.push(inst);
            self.inst_queue.extend(methods);
        }
        inst
    }

    /// Fills in the underlying types of instances created while their generic type was
    /// being declared.
    pub(super) fn complete_pending_instances(&mut self) {
        for (inst, g) in std::mem::take(&mut self.pending_instances) {
            let u = self.tt.named(g).underlying;
            if u == basic::INVALID {
                self.pending_instances.push((inst, g));
                continue;
            }
            let map: Vec<(TypeId, TypeId)> = self
                .tt
                .named(g)
                .tparams
                .clone()
                .into_iter()
                .zip(self.tt.named(inst).targs.clone())
                .collect();
            let su = self.subst(u, &map, 0);
            self.tt.named_mut(inst).underlying = self.tt.underlying(su);
        }
    }

    /// The instance object of generic function `generic` for `targs`.
    pub(super) fn func_instance(&mut self, generic: ObjId, targs: Vec<TypeId>) -> ObjId {
        if let Some(&o) = self.func_insts.get(&(generic, targs.clone())) {
            return o;
        }
        let o = self.obj(generic).clone();
        let file = self.extra[generic.0 as usize].file;
        let saved = self.file;
        self.file = file;
        let io = self.new_object(&o.name, o.pos, ObjKind::Func { recv: None }, basic::INVALID);
        self.file = saved;
        let tps = self.func_tparams.get(&generic).cloned().unwrap_or_default();
        let map = tps.into_iter().zip(targs.iter().copied()).collect();
        self.func_insts.insert((generic, targs.clone()), io);
        self.inst_origin.insert(
            io,
            InstOrigin {
                generic,
                targs: targs.clone(),
                map,
                recv_named: None,
                resolved: false,
            },
        );
        self.resolve_instance(io);
        if targs.iter().all(|&a| self.is_concrete(a)) {
            self.inst_queue.push(io);
        }
        io
    }

    /// Gives an instance object its substituted signature and receiver (once).
    pub(super) fn resolve_instance(&mut self, io: ObjId) {
        let Some(orig) = self.inst_origin.get(&io).cloned() else {
            return;
        };
        if orig.resolved {
            return;
        }
        if let Some(e) = self.inst_origin.get_mut(&io) {
            e.resolved = true;
        }
        self.ensure_method(orig.generic);
        let gt = self.obj(orig.generic).typ;
        let sig = self.subst(gt, &orig.map, 0);
        let recv = match (self.obj(orig.generic).kind.clone(), orig.recv_named) {
            (ObjKind::Func { recv: Some(r) }, Some(n)) => {
                if matches!(self.tt.get(r), Type::Pointer(_)) {
                    Some(self.tt.intern(Type::Pointer(n)))
                } else {
                    Some(n)
                }
            }
            _ => None,
        };
        let ob = self.obj_mut(io);
        ob.typ = sig;
        ob.kind = ObjKind::Func { recv };
    }

    /// The generic object behind an instance object (the object itself otherwise).
    pub(super) fn generic_of(&self, o: ObjId) -> ObjId {
        self.inst_origin.get(&o).map_or(o, |i| i.generic)
    }

    /// Re-checks the body of every concrete instance (see the module comment).
    pub(super) fn check_instances(&mut self) {
        let mut done = std::collections::HashSet::new();
        loop {
            while let Some(io) = self.inst_queue.pop() {
                if !done.insert(io) {
                    continue;
                }
                if done.len() > MAX_INSTANCES {
                    let g = self.generic_of(io);
                    self.file = self.extra[g.0 as usize].file;
                    let pos = self.obj(g).pos;
                    self.error(pos, "instantiation cycle");
                    return;
                }
                self.check_instance(io);
            }
            // Method objects of instances that no body needed still get their signatures
            // (substituting them may instantiate more types, whose methods are queued).
            let all: Vec<ObjId> = self.inst_origin.keys().copied().collect();
            for io in all {
                self.resolve_instance(io);
            }
            if self.inst_queue.is_empty() {
                return;
            }
        }
    }

    fn check_instance(&mut self, io: ObjId) {
        self.resolve_instance(io);
        let Some(orig) = self.inst_origin.get(&io).cloned() else {
            return;
        };
        let Some(DeclRef::Func(fd)) = self.extra[orig.generic.0 as usize].decl else {
            return;
        };
        let Some(body) = &fd.body else { return };
        let saved_info = std::mem::take(&mut self.info);
        let saved_errors = self.errors.len();
        let saved = (
            self.file,
            self.scope,
            self.func.take(),
            self.decl_obj.take(),
        );
        self.file = self.extra[orig.generic.0 as usize].file;
        self.scope = self.pkg_scope;
        self.open_scope(true);
        // Bind the type parameters' names to the type arguments.
        let names: Vec<&'a ast::Expr> = match &fd.recv {
            Some(r) => receiver_tparam_names(&r.typ),
            None => Vec::new(),
        };
        let mut bind: Vec<(&str, rgo_syntax::Pos, Option<ast::NodeId>)> = names
            .iter()
            .filter_map(|e| match &e.kind {
                ExprKind::Name(n) => Some((n.as_str(), e.pos, Some(e.id))),
                _ => None,
            })
            .collect();
        for f in &fd.tparams {
            for n in &f.names {
                bind.push((n.name.as_str(), n.pos, Some(n.id)));
            }
        }
        for (i, (name, pos, id)) in bind.into_iter().enumerate() {
            let t = orig.targs.get(i).copied().unwrap_or(basic::INVALID);
            let o = self.new_object(name, pos, ObjKind::TypeName, t);
            let s = self.scope;
            self.declare(s, id, o);
        }
        self.info.defs.insert(fd.name.id, io);
        let sig = self.obj(io).typ;
        if let (Some(r), ObjKind::Func { recv: Some(rt) }) = (&fd.recv, self.obj(io).kind.clone()) {
            if let Some(n) = r.names.first() {
                let v = self.new_var(&n.name, n.pos, VarKind::Receiver, rt);
                let s = self.scope;
                self.declare(s, Some(n.id), v);
            }
        }
        self.func_body(sig, &fd.sig, body);
        self.close_scope();
        let info = std::mem::replace(&mut self.info, saved_info);
        self.errors.truncate(saved_errors);
        (self.file, self.scope, self.func, self.decl_obj) = saved;
        self.done_instances.push(Instance {
            generic: orig.generic,
            obj: io,
            targs: orig.targs,
            info,
        });
    }

    /// Substitutes type arguments for type parameters.
    pub(super) fn subst(&mut self, t: TypeId, map: &[(TypeId, TypeId)], depth: usize) -> TypeId {
        if depth > 50 || map.is_empty() {
            return t;
        }
        if let Some(&(_, a)) = map.iter().find(|(p, _)| *p == t) {
            return a;
        }
        let d = depth + 1;
        match self.tt.get(t).clone() {
            Type::Pointer(e) => {
                let e = self.subst(e, map, d);
                self.tt.intern(Type::Pointer(e))
            }
            Type::Slice(e) => {
                let e = self.subst(e, map, d);
                self.tt.intern(Type::Slice(e))
            }
            Type::Array { len, elem } => {
                let elem = self.subst(elem, map, d);
                self.tt.intern(Type::Array { len, elem })
            }
            Type::Map { key, value } => {
                let key = self.subst(key, map, d);
                let value = self.subst(value, map, d);
                self.tt.intern(Type::Map { key, value })
            }
            Type::Chan { dir, elem } => {
                let elem = self.subst(elem, map, d);
                self.tt.intern(Type::Chan { dir, elem })
            }
            Type::Struct(mut fs) => {
                for f in &mut fs {
                    f.typ = self.subst(f.typ, map, d);
                }
                self.tt.intern(Type::Struct(fs))
            }
            Type::Signature(mut s) => {
                for p in &mut s.params {
                    *p = self.subst(*p, map, d);
                }
                for p in &mut s.results {
                    *p = self.subst(*p, map, d);
                }
                self.tt.intern(Type::Signature(s))
            }
            Type::Tuple(mut ts) => {
                for p in &mut ts {
                    *p = self.subst(*p, map, d);
                }
                self.tt.intern(Type::Tuple(ts))
            }
            Type::Interface(mut i) => {
                for m in &mut i.methods {
                    m.sig = self.subst(m.sig, map, d);
                }
                if let Some(terms) = &mut i.terms {
                    for term in terms {
                        term.typ = self.subst(term.typ, map, d);
                    }
                }
                self.tt.intern(Type::Interface(i))
            }
            Type::Named(_) => {
                let targs = self.tt.named(t).targs.clone();
                if targs.is_empty() {
                    return t;
                }
                let origin = self.tt.named(t).origin.unwrap_or(t);
                let new: Vec<TypeId> = targs.iter().map(|&a| self.subst(a, map, d)).collect();
                if new == targs {
                    return t;
                }
                self.instantiate_named(origin, new)
            }
            _ => t,
        }
    }
}

/// The type parameter names of a generic receiver `(r *T[P, Q])`.
pub(super) fn receiver_tparam_names(e: &ast::Expr) -> Vec<&ast::Expr> {
    let mut e = e;
    while let ExprKind::Paren(x) | ExprKind::Star(x) = &e.kind {
        e = x;
    }
    match &e.kind {
        ExprKind::Index(_, args) => args.iter().collect(),
        _ => Vec::new(),
    }
}
