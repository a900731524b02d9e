//! Calls and conversions: argument passing (variadic, multi-value spreading), gc's
//! `too many/not enough arguments` messages, conversions `T(x)`, and (partial) generic
//! instantiation.

use rgo_syntax::ast::{Expr, ExprKind};

use super::{expr_string, Checker, OpMode, Operand};
use crate::constant::ConstValue;
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
                let Type::Signature(mut sig) = self.tt.under(f.typ).clone() else {
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
                if let Some(tps) = self.generic_tparams(&f) {
                    // Infer type arguments from the argument types and substitute.
                    let mut map: Vec<(TypeId, TypeId)> = Vec::new();
                    for (i, o) in ops.iter().enumerate() {
                        if o.is_invalid() {
                            continue;
                        }
                        let p = if sig.variadic && i + 1 >= sig.params.len() && !*dots {
                            match self.tt.get(*sig.params.last().unwrap_or(&basic::INVALID)) {
                                Type::Slice(e) => *e,
                                _ => basic::INVALID,
                            }
                        } else {
                            sig.params.get(i).copied().unwrap_or(basic::INVALID)
                        };
                        if !self.is_untyped(o.typ) {
                            self.unify(p, o.typ, &mut map, &tps, 0);
                        }
                    }
                    for (i, o) in ops.iter().enumerate() {
                        if let Some(&p) = sig.params.get(i) {
                            if tps.contains(&p)
                                && !map.iter().any(|(t, _)| *t == p)
                                && self.is_untyped(o.typ)
                                && !o.is_invalid()
                            {
                                let d = self.default_type(o.typ);
                                map.push((p, d));
                            }
                        }
                    }
                    let st = self.tt.intern(Type::Signature(sig.clone()));
                    let ns = self.subst(st, &map, 0);
                    if let Type::Signature(s2) = self.tt.get(ns).clone() {
                        sig = s2;
                    }
                    if let Some(fe) = f.expr {
                        let t = self.tt.intern(Type::Signature(sig.clone()));
                        if let Some(tv) = self.info.types.get_mut(&fe.id) {
                            tv.typ = t;
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

    /// Type parameters of a generic function operand (a name or selector of a generic func).
    fn generic_tparams(&self, x: &Operand<'a>) -> Option<Vec<TypeId>> {
        let e = x.expr?;
        let id = match &e.kind {
            ExprKind::Name(_) => e.id,
            ExprKind::Selector(_, s) => s.id,
            _ => return None,
        };
        let o = self.info.uses.get(&id)?;
        self.func_tparams.get(o).cloned().filter(|t| !t.is_empty())
    }

    /// Structural unification of a parameter type with an argument type.
    fn unify(
        &mut self,
        p: TypeId,
        a: TypeId,
        map: &mut Vec<(TypeId, TypeId)>,
        tps: &[TypeId],
        d: usize,
    ) {
        if d > 30 || p == a {
            return;
        }
        if tps.contains(&p) {
            if !map.iter().any(|(t, _)| *t == p) {
                map.push((p, a));
            }
            return;
        }
        let pa = self.tt.get(p).clone();
        let aa = if matches!(self.tt.get(a), Type::Named(_)) && !matches!(pa, Type::Named(_)) {
            self.tt.under(a).clone()
        } else {
            self.tt.get(a).clone()
        };
        match (pa, aa) {
            (Type::Pointer(x), Type::Pointer(y)) | (Type::Slice(x), Type::Slice(y)) => {
                self.unify(x, y, map, tps, d + 1)
            }
            (Type::Array { elem: x, .. }, Type::Array { elem: y, .. }) => {
                self.unify(x, y, map, tps, d + 1)
            }
            (Type::Chan { elem: x, .. }, Type::Chan { elem: y, .. }) => {
                self.unify(x, y, map, tps, d + 1)
            }
            (Type::Map { key: k1, value: v1 }, Type::Map { key: k2, value: v2 }) => {
                self.unify(k1, k2, map, tps, d + 1);
                self.unify(v1, v2, map, tps, d + 1);
            }
            (Type::Signature(s1), Type::Signature(s2)) => {
                for (x, y) in s1.params.iter().zip(s2.params.iter()) {
                    self.unify(*x, *y, map, tps, d + 1);
                }
                for (x, y) in s1.results.iter().zip(s2.results.iter()) {
                    self.unify(*x, *y, map, tps, d + 1);
                }
            }
            (Type::Struct(f1), Type::Struct(f2)) => {
                for (x, y) in f1.iter().zip(f2.iter()) {
                    self.unify(x.typ, y.typ, map, tps, d + 1);
                }
            }
            (Type::Named(_), Type::Named(_)) => {
                let (o1, o2) = (self.tt.named(p).origin, self.tt.named(a).origin);
                if o1.is_some() && o1 == o2 {
                    let (t1, t2) = (
                        self.tt.named(p).targs.clone(),
                        self.tt.named(a).targs.clone(),
                    );
                    for (x, y) in t1.iter().zip(t2.iter()) {
                        self.unify(*x, *y, map, tps, d + 1);
                    }
                }
            }
            _ => {}
        }
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
                            if k.is_integer() && xk.is_float() && !self.is_untyped(x.typ) =>
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
        self.generic_tparams(x).is_some()
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
        let tps = self.generic_tparams(&x).unwrap_or_default();
        if targs.len() > tps.len() {
            self.error_at_expr(
                &idx[tps.len().min(idx.len() - 1)],
                format!(
                    "got {} type arguments but {} has {} type parameters",
                    targs.len(),
                    expr_string(x.expr.unwrap_or(e)),
                    tps.len()
                ),
            );
            return Operand::invalid(Some(e));
        }
        let map: Vec<(TypeId, TypeId)> = tps.into_iter().zip(targs).collect();
        let t = self.subst(x.typ, &map, 0);
        Operand {
            mode: OpMode::Value,
            typ: t,
            expr: Some(e),
        }
    }

    /// Creates (or reuses) the instance of a generic named type.
    fn instantiate_named(&mut self, g: TypeId, targs: Vec<TypeId>) -> TypeId {
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
            n.targs = targs;
        }
        let u = self.tt.named(g).underlying;
        let su = self.subst(u, &map, 0);
        self.tt.named_mut(inst).underlying = self.tt.underlying(su);
        let methods = self.tt.named(g).methods.clone();
        self.tt.named_mut(inst).methods = methods;
        inst
    }

    /// Substitutes type arguments for type parameters in a structural type.
    pub(super) fn subst(&mut self, t: TypeId, map: &[(TypeId, TypeId)], depth: usize) -> TypeId {
        if depth > 50 {
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
