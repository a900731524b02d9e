//! Calls and conversions: argument passing (variadic, multi-value spreading), gc's
//! `too many/not enough arguments` messages, conversions `T(x)`, and (partial) generic
//! instantiation.

use rgo_syntax::ast::{Expr, ExprKind, NodeId};

use super::{expr_string, Checker, OpMode, Operand};
use crate::constant::ConstValue;
use crate::objects::ObjId;
use crate::types::{basic, BasicKind, Type, TypeId};

impl<'a> Checker<'a> {
    pub(super) fn call(&mut self, e: &'a Expr) -> Operand<'a> {
        let ex = Some(e);
        let ExprKind::Call { fun, args, dots } = &e.kind else {
            return Operand::invalid(ex);
        };
        let f = self.raw_expr(fun, None, true);
        match f.mode.clone() {
            OpMode::Invalid => {
                for a in args {
                    let _ = self.raw_expr(a, None, true);
                }
                Operand::invalid(ex)
            }
            OpMode::TypeExpr => self.conversion(e, f.typ, args, *dots),
            OpMode::Builtin(b) => self.builtin(e, b, args, *dots),
            _ => {
                let f = self.single_value(f);
                if f.is_invalid() {
                    for a in args {
                        let _ = self.raw_expr(a, None, true);
                    }
                    return Operand::invalid(ex);
                }
                let Type::Signature(mut sig) = self.core_under(f.typ).clone() else {
                    let s = self.operand_string(&f);
                    self.error_at_expr(
                        e,
                        format!("invalid operation: cannot call non-function {s}"),
                    );
                    for a in args {
                        let _ = self.raw_expr(a, None, true);
                    }
                    return Operand::invalid(ex);
                };
                let (ops, spread) = self.eval_args(args, *dots);
                let generic = self.generic_func(&f).map(|(g, n, t)| (g, n, t, Vec::new()));
                let partial = f
                    .expr
                    .and_then(|fe| self.partial_insts.get(&fe.id).cloned());
                if let Some((gobj, name_id, tps, given)) = generic.or(partial) {
                    let Some(targs) = self.infer(e, &tps, &sig, &ops, *dots, &given) else {
                        return Operand::invalid(ex);
                    };
                    if !self.verify_targs(&tps, &targs, &[], e.pos) {
                        return Operand::invalid(ex);
                    }
                    let inst = self.func_instance(gobj, targs);
                    self.record_use(name_id, inst);
                    let it = self.obj(inst).typ;
                    if let Type::Signature(s2) = self.tt.get(it).clone() {
                        sig = s2;
                    }
                    if let Some(fe) = f.expr {
                        if let Some(tv) = self.info.types.get_mut(&fe.id) {
                            tv.typ = it;
                        }
                    }
                }
                self.arguments(e, fun, &sig.params, sig.variadic, ops, spread, args, *dots);
                let (mode, typ) = match sig.results.len() {
                    0 => (OpMode::NoValue, basic::INVALID),
                    1 => (OpMode::Value, sig.results[0]),
                    _ => (
                        OpMode::Value,
                        self.tt.intern(Type::Tuple(sig.results.clone())),
                    ),
                };
                let typ = if mode == OpMode::NoValue {
                    self.tt.intern(Type::Tuple(vec![]))
                } else {
                    typ
                };
                Operand {
                    mode,
                    typ,
                    expr: ex,
                }
            }
        }
    }

    /// Evaluates call arguments; a single multi-value call spreads into several operands.
    pub(super) fn eval_args(&mut self, args: &'a [Expr], dots: bool) -> (Vec<Operand<'a>>, bool) {
        let mut ops: Vec<Operand<'a>> = Vec::new();
        if args.len() == 1 && !dots {
            let x = self.multi_expr(&args[0], true);
            if let Type::Tuple(ts) = self.tt.get(x.typ).clone() {
                if !x.is_invalid() && x.mode != OpMode::NoValue && ts.len() != 1 {
                    for t in ts {
                        ops.push(Operand {
                            mode: OpMode::Value,
                            typ: t,
                            expr: None,
                        });
                    }
                    return (ops, true);
                }
            }
            ops.push(self.single_value(x));
            return (ops, false);
        }
        for a in args {
            ops.push(self.expr(a));
        }
        (ops, false)
    }

    /// A generic function operand (a name of a generic func, not yet instantiated): its
    /// object, the id of the name, and its type parameters.
    fn generic_func(&self, x: &Operand<'a>) -> Option<(ObjId, NodeId, Vec<TypeId>)> {
        let e = x.expr?;
        let id = match &e.kind {
            ExprKind::Name(_) => e.id,
            ExprKind::Selector(_, s) => s.id,
            _ => return None,
        };
        let o = *self.info.uses.get(&id)?;
        let tps = self.func_tparams.get(&o).filter(|t| !t.is_empty())?;
        Some((o, id, tps.clone()))
    }

    /// A generic function instantiating itself with a type built from one of its own type
    /// parameters (`F[*T]` inside `F`) would need infinitely many instances: gc reports an
    /// instantiation cycle at the type parameter.
    fn instantiation_cycle(
        &mut self,
        gobj: ObjId,
        tps: &[TypeId],
        targs: &[TypeId],
        at: &[&'a Expr],
    ) -> bool {
        if self.decl_obj != Some(gobj) {
            return false;
        }
        for (i, &a) in targs.iter().enumerate() {
            let Some(&tp) = tps.iter().find(|&&p| p != a && self.mentions(a, p, 0)) else {
                continue;
            };
            let o = self.tt.type_param(tp).obj;
            let Some(ae) = at.get(i) else { continue };
            let msg = format!(
                "instantiation cycle:\n\t{}: {} instantiated as {}",
                self.pos_string(self.file, super::start_pos(ae)),
                self.obj(o).name,
                self.type_string(a)
            );
            let pos = self.obj(o).pos;
            self.error(pos, msg);
            return true;
        }
        false
    }

    /// Spec "Type inference": function argument type inference from typed arguments, then
    /// constraint type inference from core types, then untyped constants' default types.
    /// `given` are explicit leading type arguments. Reports `cannot infer P`.
    pub(super) fn infer(
        &mut self,
        call: &'a Expr,
        tps: &[TypeId],
        sig: &crate::types::Signature,
        ops: &[Operand<'a>],
        dots: bool,
        given: &[TypeId],
    ) -> Option<Vec<TypeId>> {
        let mut map: Vec<(TypeId, TypeId)> =
            tps.iter().copied().zip(given.iter().copied()).collect();
        let param_of = |this: &Self, i: usize| -> TypeId {
            if sig.variadic && i + 1 >= sig.params.len() && !dots {
                match this.tt.get(*sig.params.last().unwrap_or(&basic::INVALID)) {
                    Type::Slice(e) => *e,
                    _ => basic::INVALID,
                }
            } else {
                sig.params.get(i).copied().unwrap_or(basic::INVALID)
            }
        };
        for (i, o) in ops.iter().enumerate() {
            if o.is_invalid() || self.is_untyped(o.typ) {
                continue;
            }
            let p = param_of(self, i);
            let before = map.iter().find(|(t, _)| *t == p).map(|x| x.1);
            if !self.unify(p, o.typ, &mut map, tps, 0) {
                let what = o.expr.map(expr_string).unwrap_or_default();
                let msg = match before {
                    Some(prev) => format!(
                        "type {} of {} does not match inferred type {} for {}",
                        self.type_string(o.typ),
                        what,
                        self.type_string(prev),
                        self.type_string(p)
                    ),
                    None => format!(
                        "type {} of {} does not match {}",
                        self.type_string(o.typ),
                        what,
                        self.type_string(p)
                    ),
                };
                let at = o.expr.map_or(call.pos, super::start_pos);
                self.error(at, msg);
                return None;
            }
        }
        self.infer_from_constraints(tps, &mut map);
        // Untyped arguments of parameters typed by a bare type parameter still unbound:
        // the first one's default type (Go 1.19), which the others must match.
        let mut defaulted: Vec<TypeId> = Vec::new();
        for (i, o) in ops.iter().enumerate() {
            let p = param_of(self, i);
            if o.is_invalid()
                || !self.is_untyped(o.typ)
                || !tps.contains(&p)
                || o.mode == OpMode::Nil
            {
                continue;
            }
            let d = self.default_type(o.typ);
            match map.iter().find(|(t, _)| *t == p).map(|x| x.1) {
                None => {
                    map.push((p, d));
                    defaulted.push(p);
                }
                Some(prev) if defaulted.contains(&p) && prev != d => {
                    let msg = format!(
                        "default type {} of {} does not match inferred type {} for {}",
                        self.type_string(d),
                        o.expr.map(expr_string).unwrap_or_default(),
                        self.type_string(prev),
                        self.type_string(p)
                    );
                    let at = o.expr.map_or(call.pos, super::start_pos);
                    self.error(at, msg);
                    return None;
                }
                Some(_) => {}
            }
        }
        self.infer_from_constraints(tps, &mut map);
        let mut targs = Vec::new();
        for &tp in tps {
            match map.iter().find(|(t, _)| *t == tp) {
                Some(&(_, a)) => targs.push(self.subst(a, &map, 0)),
                None => {
                    let o = self.tt.type_param(tp).obj;
                    let f = self.extra[o.0 as usize].file;
                    let at = self.pos_string(f, self.obj(o).pos);
                    let msg = format!("cannot infer {} ({})", self.obj(o).name, at);
                    self.error(call.pos, msg);
                    return None;
                }
            }
        }
        Some(targs)
    }

    /// Constraint type inference: a type parameter whose constraint has a core type is
    /// unified with it (inferring the core type's parameters, or itself).
    fn infer_from_constraints(&mut self, tps: &[TypeId], map: &mut Vec<(TypeId, TypeId)>) {
        for _ in 0..tps.len() + 1 {
            let before = map.len();
            for &tp in tps {
                let c = self.tt.type_param(tp).constraint;
                let Some((core, tilde)) = self.single_term(c) else {
                    continue;
                };
                match map.iter().find(|(t, _)| *t == tp).map(|x| x.1) {
                    Some(a) => {
                        let a = if tilde { self.tt.underlying(a) } else { a };
                        let _ = self.unify(core, a, map, tps, 0);
                    }
                    None => {
                        let t = self.subst(core, map, 0);
                        if self.is_concrete_over(t, tps) {
                            map.push((tp, t));
                        }
                    }
                }
            }
            if map.len() == before {
                break;
            }
        }
    }

    /// Whether `t` mentions none of the type parameters `tps`.
    fn is_concrete_over(&self, t: TypeId, tps: &[TypeId]) -> bool {
        !tps.iter().any(|&p| self.mentions(t, p, 0))
    }

    fn mentions(&self, t: TypeId, p: TypeId, d: usize) -> bool {
        if t == p {
            return true;
        }
        if d > 30 {
            return false;
        }
        match self.tt.get(t) {
            Type::Pointer(e) | Type::Slice(e) => self.mentions(*e, p, d + 1),
            Type::Array { elem, .. } | Type::Chan { elem, .. } => self.mentions(*elem, p, d + 1),
            Type::Map { key, value } => {
                self.mentions(*key, p, d + 1) || self.mentions(*value, p, d + 1)
            }
            Type::Struct(fs) => fs.iter().any(|f| self.mentions(f.typ, p, d + 1)),
            Type::Signature(s) => s
                .params
                .iter()
                .chain(&s.results)
                .any(|&x| self.mentions(x, p, d + 1)),
            Type::Named(_) => self
                .tt
                .named(t)
                .targs
                .iter()
                .any(|&x| self.mentions(x, p, d + 1)),
            _ => false,
        }
    }

    /// The single term of a constraint with exactly one (`[]E`, `~[]E`), if any.
    pub(super) fn single_term(&self, c: TypeId) -> Option<(TypeId, bool)> {
        match self.tt.under(c) {
            Type::Interface(i) => match i.terms.as_deref() {
                Some([t]) => Some((t.typ, t.tilde)),
                _ => None,
            },
            _ => None,
        }
    }

    /// Checks type arguments against their constraints (spec "Instantiations"); errors
    /// at the type argument expressions `at` or, for inferred ones, at `pos`.
    pub(super) fn verify_targs(
        &mut self,
        tps: &[TypeId],
        targs: &[TypeId],
        at: &[&'a Expr],
        pos: rgo_syntax::Pos,
    ) -> bool {
        let map: Vec<(TypeId, TypeId)> = tps.iter().copied().zip(targs.iter().copied()).collect();
        for (i, (&tp, &a)) in tps.iter().zip(targs).enumerate() {
            let c = self.tt.type_param(tp).constraint;
            let c = self.subst(c, &map, 0);
            if let Some(reason) = self.unsatisfied(a, c) {
                let msg = format!(
                    "{} does not implement {}{}",
                    self.type_string(a),
                    self.constraint_string(tp, c),
                    reason
                );
                match at.get(i) {
                    Some(e) => self.error_at_expr(e, msg),
                    None => self.error(pos, msg),
                }
                return false;
            }
        }
        true
    }

    /// Why type `t` does not satisfy constraint `c` (the text after `does not implement C`),
    /// or `None` when it does.
    pub(super) fn unsatisfied(&mut self, t: TypeId, c: TypeId) -> Option<String> {
        let Type::Interface(ci) = self.tt.under(c).clone() else {
            return None;
        };
        if t == basic::INVALID {
            return None;
        }
        // As gc: methods first, then comparability, then the type set.
        if !ci.methods.is_empty() {
            let mi = crate::types::Interface {
                methods: ci.methods.clone(),
                terms: None,
                comparable: false,
            };
            let mt = self.tt.intern(Type::Interface(mi));
            if let Some(r) = self.missing_method(t, mt) {
                return Some(format!(" {r}"));
            }
        }
        if ci.comparable && !self.strictly_comparable(t) {
            return Some(String::new());
        }
        if let Some(terms) = &ci.terms {
            let ok = if self.is_type_param(t) {
                let tc = self.tt.type_param(t).constraint;
                match self.tt.under(tc).clone() {
                    Type::Interface(ti) => match ti.terms {
                        Some(tterms) => tterms.iter().all(|x| {
                            terms.iter().any(|y| {
                                (x.typ == y.typ && (y.tilde || !x.tilde))
                                    || (y.tilde
                                        && self.tt.underlying(x.typ) == self.tt.underlying(y.typ))
                            })
                        }),
                        None => false,
                    },
                    _ => false,
                }
            } else {
                terms.iter().any(|term| {
                    term.typ == t
                        || (term.tilde && self.tt.underlying(t) == self.tt.underlying(term.typ))
                })
            };
            if !ok {
                let list: Vec<String> = terms
                    .iter()
                    .map(|x| {
                        format!(
                            "{}{}",
                            if x.tilde { "~" } else { "" },
                            self.type_string(x.typ)
                        )
                    })
                    .collect();
                if self.is_type_param(t) {
                    return Some(String::new());
                }
                return Some(format!(
                    " ({} missing in {})",
                    self.type_string(t),
                    list.join(" | ")
                ));
            }
        }
        None
    }

    /// Comparable in the sense of the `comparable` constraint in Go 1.19: interfaces (and
    /// types containing them) do not satisfy it; type parameters do when their own
    /// constraint is comparable.
    pub(super) fn strictly_comparable(&self, t: TypeId) -> bool {
        self.strictly_comparable_depth(t, 0)
    }

    fn strictly_comparable_depth(&self, t: TypeId, d: usize) -> bool {
        if d > 50 {
            return true;
        }
        if self.is_type_param(t) {
            let c = self.tt.type_param(t).constraint;
            return match self.tt.under(c) {
                Type::Interface(i) => {
                    i.comparable
                        || i.terms.as_ref().is_some_and(|ts| {
                            !ts.is_empty()
                                && ts
                                    .iter()
                                    .all(|x| self.strictly_comparable_depth(x.typ, d + 1))
                        })
                }
                _ => false,
            };
        }
        match self.tt.under(t) {
            Type::Basic(k) => *k != BasicKind::UntypedNil,
            Type::Pointer(_) | Type::Chan { .. } => true,
            Type::Interface(_) => false,
            Type::Struct(fs) => fs
                .iter()
                .all(|f| self.strictly_comparable_depth(f.typ, d + 1)),
            Type::Array { elem, .. } => self.strictly_comparable_depth(*elem, d + 1),
            _ => false,
        }
    }

    /// Structural unification of a parameter type with an argument type: binds the type
    /// parameters of `tps` in `p`. False when the structures disagree.
    fn unify(
        &mut self,
        p: TypeId,
        a: TypeId,
        map: &mut Vec<(TypeId, TypeId)>,
        tps: &[TypeId],
        d: usize,
    ) -> bool {
        if d > 30 || (p == a && !self.mentions_any(p, tps)) {
            return true;
        }
        if tps.contains(&p) {
            match map.iter().find(|(t, _)| *t == p).map(|x| x.1) {
                None => {
                    map.push((p, a));
                    return true;
                }
                Some(prev) => {
                    if prev == a {
                        return true;
                    }
                    // Inexact unification: a named and an unnamed type with the same
                    // underlying type unify (the named one is kept).
                    if self.tt.underlying(prev) == self.tt.underlying(a)
                        && (!self.is_named(prev) || !self.is_named(a))
                    {
                        if !self.is_named(prev) {
                            if let Some(x) = map.iter_mut().find(|(t, _)| *t == p) {
                                x.1 = a;
                            }
                        }
                        return true;
                    }
                    // Bound to a type still mentioning type parameters: unify on.
                    return !self.is_concrete_over(prev, tps)
                        && self.unify(prev, a, map, tps, d + 1);
                }
            }
        }
        if !self.mentions_any(p, tps) {
            // Nothing to infer here; assignability is checked later.
            return true;
        }
        // Inexact unification: a defined type unifies with an unnamed one through its
        // underlying type.
        let (pn, an) = (
            matches!(self.tt.get(p), Type::Named(_)),
            matches!(self.tt.get(a), Type::Named(_)),
        );
        let pa = if pn && !an {
            self.tt.under(p).clone()
        } else {
            self.tt.get(p).clone()
        };
        let aa = if an && !pn {
            self.tt.under(a).clone()
        } else {
            self.tt.get(a).clone()
        };
        match (pa, aa) {
            (Type::Pointer(x), Type::Pointer(y)) | (Type::Slice(x), Type::Slice(y)) => {
                self.unify(x, y, map, tps, d + 1)
            }
            (Type::Array { elem: x, len: l1 }, Type::Array { elem: y, len: l2 }) => {
                l1 == l2 && self.unify(x, y, map, tps, d + 1)
            }
            (Type::Chan { elem: x, .. }, Type::Chan { elem: y, .. }) => {
                self.unify(x, y, map, tps, d + 1)
            }
            (Type::Map { key: k1, value: v1 }, Type::Map { key: k2, value: v2 }) => {
                self.unify(k1, k2, map, tps, d + 1) && self.unify(v1, v2, map, tps, d + 1)
            }
            (Type::Signature(s1), Type::Signature(s2)) => {
                s1.params.len() == s2.params.len()
                    && s1.results.len() == s2.results.len()
                    && s1
                        .params
                        .iter()
                        .zip(s2.params.iter())
                        .chain(s1.results.iter().zip(s2.results.iter()))
                        .all(|(x, y)| self.unify(*x, *y, map, tps, d + 1))
            }
            (Type::Struct(f1), Type::Struct(f2)) => {
                f1.len() == f2.len()
                    && f1
                        .iter()
                        .zip(f2.iter())
                        .all(|(x, y)| self.unify(x.typ, y.typ, map, tps, d + 1))
            }
            (Type::Named(_), Type::Named(_)) => {
                let (o1, o2) = (self.tt.named(p).origin, self.tt.named(a).origin);
                if o1.is_some() && o1 == o2 {
                    let (t1, t2) = (
                        self.tt.named(p).targs.clone(),
                        self.tt.named(a).targs.clone(),
                    );
                    t1.iter()
                        .zip(t2.iter())
                        .all(|(x, y)| self.unify(*x, *y, map, tps, d + 1))
                } else {
                    false
                }
            }
            _ => false,
        }
    }

    fn mentions_any(&self, t: TypeId, tps: &[TypeId]) -> bool {
        tps.iter().any(|&p| self.mentions(t, p, 0))
    }

    /// Checks call arguments against parameter types.
    #[allow(clippy::too_many_arguments)]
    fn arguments(
        &mut self,
        call: &'a Expr,
        fun: &'a Expr,
        params: &[TypeId],
        variadic: bool,
        mut ops: Vec<Operand<'a>>,
        spread: bool,
        args: &'a [Expr],
        dots: bool,
    ) {
        if ops.iter().any(|o| o.is_invalid()) {
            return;
        }
        let nparams = params.len();
        if dots {
            if !variadic {
                let s = expr_string(fun);
                self.error_at_expr(
                    &args[args.len() - 1],
                    format!("have (...) used with non-variadic function {s}"),
                );
                self.error_at_expr(call, format!("cannot use ... in call to non-variadic {s}"));
                return;
            }
            if ops.len() != nparams {
                self.count_error(call, fun, params, variadic, &ops, args);
                return;
            }
            for (i, x) in ops.iter_mut().enumerate() {
                let t = params[i];
                self.assignment(x, Some(t), "argument");
            }
            return;
        }
        let ok_count = if variadic {
            ops.len() + 1 >= nparams
        } else {
            ops.len() == nparams
        };
        if !ok_count {
            self.count_error(call, fun, params, variadic, &ops, args);
            return;
        }
        for (i, x) in ops.iter_mut().enumerate() {
            let t = if variadic && i + 1 >= nparams {
                match self.tt.get(params[nparams - 1]) {
                    Type::Slice(e) => *e,
                    _ => basic::INVALID,
                }
            } else {
                params[i]
            };
            if spread {
                // Values from a multi-value call have no expression of their own.
                let (ok, reason) = self.assignable_to(x, t);
                if !ok {
                    let msg = format!(
                        "cannot use {} (value of type {}) as type {} in argument to {}{}",
                        expr_string(&args[0]),
                        self.type_string(x.typ),
                        self.type_string(t),
                        expr_string(fun),
                        if reason.is_empty() {
                            String::new()
                        } else {
                            format!(":\n\t{reason}")
                        }
                    );
                    self.error_at_expr(&args[0], msg);
                }
                continue;
            }
            let ctx = format!("argument to {}", expr_string(fun));
            self.assignment(x, Some(t), &ctx);
        }
    }

    fn count_error(
        &mut self,
        call: &'a Expr,
        fun: &'a Expr,
        params: &[TypeId],
        variadic: bool,
        ops: &[Operand<'a>],
        args: &'a [Expr],
    ) {
        let too_many = ops.len() > params.len();
        let have: Vec<String> = ops
            .iter()
            .map(|o| {
                if o.val().is_some() && self.is_untyped(o.typ) && self.is_numeric(o.typ) {
                    "number".to_string()
                } else {
                    self.type_string(o.typ)
                }
            })
            .collect();
        let mut want: Vec<String> = params.iter().map(|&t| self.type_string(t)).collect();
        if variadic {
            if let Some(last) = want.last_mut() {
                *last = format!("...{}", last.trim_start_matches("[]"));
            }
        }
        let msg = format!(
            "{} arguments in call to {}\n\thave ({})\n\twant ({})",
            if too_many { "too many" } else { "not enough" },
            expr_string(fun),
            have.join(", "),
            want.join(", ")
        );
        // gc reports at the first extra argument, else at the last argument, else at the
        // start of the call.
        if too_many && args.len() > params.len() {
            self.error_at_expr(&args[params.len()], msg);
        } else if let Some(last) = args.last() {
            self.error_at_expr(last, msg);
        } else {
            self.error_at_expr(call, msg);
        }
    }

    /// Position of a call's closing parenthesis (gc reports a conversion's missing argument there).
    fn call_rparen(&self, call: &'a Expr) -> rgo_syntax::Pos {
        // The AST does not record `)`; scan the source from the last argument (or `(`).
        let Some((sf, _)) = self.files.get(self.file) else {
            return call.pos;
        };
        let src = sf.src.as_bytes();
        let mut depth = 0i32;
        let mut i = call.pos.0 as usize;
        while i < src.len() {
            match src[i] {
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        return rgo_syntax::Pos(i as u32);
                    }
                }
                b'"' | b'\'' | b'`' => {
                    let q = src[i];
                    i += 1;
                    while i < src.len() && src[i] != q {
                        if src[i] == b'\\' && q != b'`' {
                            i += 1;
                        }
                        i += 1;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        call.pos
    }

    /// `T(x)`: spec "Conversions".
    fn conversion(&mut self, e: &'a Expr, t: TypeId, args: &'a [Expr], dots: bool) -> Operand<'a> {
        let ex = Some(e);
        if args.len() != 1 || dots {
            if args.is_empty() {
                self.error(
                    self.call_rparen(e),
                    format!("missing argument in conversion to {}", self.type_string(t)),
                );
            } else {
                self.error_at_expr(
                    &args[args.len() - 1],
                    format!(
                        "too many arguments in conversion to {}",
                        self.type_string(t)
                    ),
                );
            }
            for a in args {
                let _ = self.raw_expr(a, None, true);
            }
            return Operand::invalid(ex);
        }
        let mut x = self.expr(&args[0]);
        if x.is_invalid() {
            return Operand::invalid(ex);
        }
        // Constant conversions yield constants.
        let tk = self.kind(t);
        if let (Some(v), Some(k)) = (x.val().cloned(), tk) {
            if k != BasicKind::UnsafePointer {
                let xk = self.tt.basic_kind(x.typ).unwrap_or(BasicKind::Invalid);
                let result = if k.is_string() && xk.is_integer() {
                    // string(rune constant)
                    let c = v
                        .as_i64()
                        .and_then(|i| u32::try_from(i).ok())
                        .and_then(char::from_u32)
                        .unwrap_or('\u{FFFD}');
                    Some(ConstValue::String(c.to_string()))
                } else if (k.is_numeric() && xk.is_numeric())
                    || (k.is_string() && xk.is_string())
                    || (k.is_boolean() && xk.is_boolean())
                {
                    match v.represent(k) {
                        Ok(nv) => Some(nv),
                        Err(crate::constant::ReprError::Truncated)
                            if k.is_integer()
                                && xk.is_float()
                                && !self.is_untyped(x.typ)
                                && v.to_int().is_none() =>
                        {
                            None
                        }
                        Err(_) => {
                            let s = self.operand_string(&x);
                            let msg = if self.is_untyped(x.typ) {
                                format!("cannot convert {} to type {}", s, self.type_string(t))
                            } else {
                                format!(
                                    "constant {} overflows {}",
                                    v.gc_string(),
                                    self.type_string(t)
                                )
                            };
                            self.error_at_expr(&args[0], msg);
                            return Operand::invalid(ex);
                        }
                    }
                } else {
                    None
                };
                if let Some(nv) = result {
                    if self.is_untyped(x.typ) {
                        // The argument keeps its default type in the record (as gc does for
                        // representable conversions the final type is T).
                        let _ = self.implicit_convert(&mut x, t);
                    }
                    return Operand {
                        mode: OpMode::Constant(nv),
                        typ: t,
                        expr: ex,
                    };
                }
            }
        }
        let ok = if self.is_untyped(x.typ) {
            let mut y = x.clone();
            if self.implicit_convert(&mut y, t).is_ok() {
                x = y;
                true
            } else {
                // Untyped non-representable in a non-constant conversion (e.g. int(1.5)):
                let mut d = x.clone();
                self.default_convert(&mut d);
                if d.is_invalid() {
                    return Operand::invalid(ex);
                }
                x = d;
                self.convertible(&x, t)
            }
        } else {
            self.convertible(&x, t)
        };
        if !ok {
            let s = self.operand_string(&x);
            self.error_at_expr(
                &args[0],
                format!("cannot convert {} to type {}", s, self.type_string(t)),
            );
            return Operand::invalid(ex);
        }
        Operand {
            mode: OpMode::Value,
            typ: t,
            expr: ex,
        }
    }

    pub(super) fn is_generic_func(&self, x: &Operand<'a>) -> bool {
        self.generic_func(x).is_some()
    }

    /// `G[A, B]`: generic instantiation (partial: type arguments are checked, the generic
    /// type itself stands for the instance).
    pub(super) fn instantiate(
        &mut self,
        e: &'a Expr,
        x: Operand<'a>,
        idx: &'a [Expr],
    ) -> Operand<'a> {
        let mut targs = Vec::new();
        for i in idx {
            targs.push(self.typexpr(i));
        }
        if x.mode == OpMode::TypeExpr {
            if let Type::Named(_) = self.tt.get(x.typ) {
                if self.tt.named(x.typ).tparams.is_empty() {
                    let msg = format!("{} is not a generic type", self.type_string(x.typ));
                    self.error_at_expr(e, msg);
                    return Operand::invalid(Some(e));
                }
                let tps = self.tt.named(x.typ).tparams.clone();
                if targs.len() != tps.len() {
                    let msg = format!(
                        "got {} arguments but {} type parameters",
                        targs.len(),
                        tps.len()
                    );
                    self.error_at_expr(e, msg);
                    return Operand::invalid(Some(e));
                }
                let at: Vec<&'a Expr> = idx.iter().collect();
                if !targs.contains(&basic::INVALID) && !self.verify_targs(&tps, &targs, &at, e.pos)
                {
                    return Operand::invalid(Some(e));
                }
                let t = self.instantiate_named(x.typ, targs);
                return Operand {
                    mode: OpMode::TypeExpr,
                    typ: t,
                    expr: Some(e),
                };
            }
            let msg = format!("{} is not a generic type", self.type_string(x.typ));
            self.error_at_expr(e, msg);
            return Operand::invalid(Some(e));
        }
        // Explicit instantiation of a generic function.
        let Some((gobj, name_id, tps)) = self.generic_func(&x) else {
            let s = expr_string(x.expr.unwrap_or(e));
            self.error_at_expr(e, format!("invalid operation: cannot index {s}"));
            return Operand::invalid(Some(e));
        };
        if targs.len() > tps.len() {
            self.error_at_expr(
                &idx[tps.len().min(idx.len() - 1)],
                format!("got {} type arguments but want {}", targs.len(), tps.len()),
            );
            return Operand::invalid(Some(e));
        }
        if targs.contains(&basic::INVALID) {
            return Operand::invalid(Some(e));
        }
        if targs.len() < tps.len() {
            // Constraint type inference may supply the rest (`f2[byte]` with
            // `B interface{ []A }`).
            let mut map: Vec<(TypeId, TypeId)> = tps.iter().copied().zip(targs.clone()).collect();
            self.infer_from_constraints(&tps, &mut map);
            let full: Vec<TypeId> = tps
                .iter()
                .filter_map(|tp| map.iter().find(|(t, _)| t == tp).map(|x| x.1))
                .collect();
            if full.len() == tps.len() {
                targs = full.iter().map(|&a| self.subst(a, &map, 0)).collect();
            }
        }
        if targs.len() < tps.len() {
            // Partial instantiation: the call infers the rest.
            let map: Vec<(TypeId, TypeId)> = tps.iter().copied().zip(targs.clone()).collect();
            let t = self.subst(x.typ, &map, 0);
            self.partial_insts.insert(e.id, (gobj, name_id, tps, targs));
            return Operand {
                mode: OpMode::Value,
                typ: t,
                expr: Some(e),
            };
        }
        let at: Vec<&'a Expr> = idx.iter().collect();
        if !self.verify_targs(&tps, &targs, &at, e.pos) {
            return Operand::invalid(Some(e));
        }
        if self.instantiation_cycle(gobj, &tps, &targs, &at) {
            return Operand::invalid(Some(e));
        }
        let inst = self.func_instance(gobj, targs);
        self.record_use(name_id, inst);
        let t = self.obj(inst).typ;
        Operand {
            mode: OpMode::Value,
            typ: t,
            expr: Some(e),
        }
    }
}
