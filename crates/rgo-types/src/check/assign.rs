//! Assignments in all their forms: the assignability check with gc's `cannot use` messages,
//! variable initialisation (inferring types from untyped values), `=`, `op=`, `:=`, and
//! multi-value forms.

use rgo_syntax::ast::{BinOp, Expr, ExprKind};

use super::{expr_string, Checker, OpMode, Operand};
use crate::constant::ReprError;
use crate::objects::{ObjId, ObjKind, VarKind};
use crate::types::{basic, Type, TypeId};

impl<'a> Checker<'a> {
    /// Checks that `x` can be assigned to a variable of type `t` (`None`: the blank
    /// identifier or an untyped-context like print), converting untyped values.
    pub fn assignment(&mut self, x: &mut Operand<'a>, t: Option<TypeId>, context: &str) {
        if x.is_invalid() {
            return;
        }
        match x.mode {
            OpMode::Constant(_)
            | OpMode::Variable
            | OpMode::MapIndex
            | OpMode::Value
            | OpMode::CommaOk
            | OpMode::Nil => {}
            _ => {
                let s = self.operand_string(x);
                let ts = t.map(|t| self.type_string(t)).unwrap_or_default();
                if let Some(e) = x.expr {
                    self.error_at_expr(e, format!("cannot assign {s} to {ts} in {context}"));
                }
                x.mode = OpMode::Invalid;
                return;
            }
        }
        if self.is_untyped(x.typ) {
            let nil = x.mode == OpMode::Nil || x.typ == basic::UNTYPED_NIL;
            let target = match t {
                None if nil => {
                    if let Some(e) = x.expr {
                        self.error_at_expr(e, format!("use of untyped nil in {context}"));
                    }
                    x.mode = OpMode::Invalid;
                    return;
                }
                None => self.default_type(x.typ),
                Some(t) if self.is_interface(t) && !nil => self.default_type(x.typ),
                Some(t) => t,
            };
            if let Err(code) = self.implicit_convert(x, target) {
                let s = self.operand_string(x);
                let ts = self.type_string(target);
                let mut msg = format!("cannot use {s} as {ts} value in {context}");
                match code {
                    Some(ReprError::Truncated) => msg.push_str(" (truncated)"),
                    Some(ReprError::Overflows) => msg.push_str(" (overflows)"),
                    _ => {}
                }
                if let Some(e) = x.expr {
                    self.error_at_expr(e, msg);
                }
                x.mode = OpMode::Invalid;
                return;
            }
        }
        let Some(t) = t else { return };
        let (ok, reason) = self.assignable_to(x, t);
        if !ok {
            let s = self.operand_string(x);
            let ts = self.type_string(t);
            let msg = if reason.is_empty() {
                format!("cannot use {s} as type {ts} in {context}")
            } else {
                format!("cannot use {s} as type {ts} in {context}:\n\t{reason}")
            };
            if let Some(e) = x.expr {
                self.error_at_expr(e, msg);
            }
            x.mode = OpMode::Invalid;
        }
    }

    /// Initialises variable `v` (whose type may still be unknown) with `x`.
    pub fn init_var(&mut self, v: ObjId, x: &mut Operand<'a>, context: &str) {
        if x.is_invalid() {
            // gc marks the variable used to avoid follow-on errors.
            self.extra[v.0 as usize].used = true;
            return;
        }
        let vt = self.obj(v).typ;
        if vt == basic::INVALID && !self.typed_decl(v) {
            // Infer from the value.
            if x.mode == OpMode::Nil || x.typ == basic::UNTYPED_NIL {
                if let Some(e) = x.expr {
                    self.error_at_expr(e, format!("use of untyped nil in {context}"));
                }
                return;
            }
            let mut t = x.typ;
            if self.is_untyped(t) {
                t = self.default_type(t);
            }
            if let Type::Tuple(_) = self.tt.get(t) {
                return;
            }
            self.obj_mut(v).typ = t;
            self.assignment(x, Some(t), context);
            if x.is_invalid() {
                self.extra[v.0 as usize].used = true;
            }
            return;
        }
        self.assignment(x, Some(vt), context);
        if x.is_invalid() {
            self.extra[v.0 as usize].used = true;
        }
    }

    /// Whether a variable got its type from an explicit declaration (then an Invalid type
    /// means the declared type was bad, and we must not infer).
    fn typed_decl(&self, _v: ObjId) -> bool {
        false
    }

    pub(super) fn init_var_tuple_elem(&mut self, v: ObjId, x: &mut Operand<'a>, _rhs: &'a Expr) {
        let vt = self.obj(v).typ;
        if vt == basic::INVALID {
            self.obj_mut(v).typ = x.typ;
            return;
        }
        let (ok, _) = self.assignable_to(x, vt);
        if !ok {
            let msg = format!(
                "cannot use {} value as type {} in assignment",
                self.type_string(x.typ),
                self.type_string(vt)
            );
            self.error_at_expr(_rhs, msg);
        }
    }

    /// Checks the left-hand side of `=`: returns its type, or None for `_`.
    fn lhs_var(&mut self, e: &'a Expr) -> (Option<TypeId>, bool) {
        if let ExprKind::Name(n) = &e.kind {
            if n == "_" {
                self.info.defs.remove(&e.id);
                return (None, true);
            }
            // Assigning to a local variable does not count as using it.
            if let Some(o) = self.lookup(n) {
                if let ObjKind::Var(_) = self.obj(o).kind {
                    let used = self.extra[o.0 as usize].used;
                    let x = self.expr(e);
                    self.extra[o.0 as usize].used = used;
                    if x.is_invalid() {
                        return (None, false);
                    }
                    return (Some(x.typ), true);
                }
            }
        }
        let x = self.expr(e);
        if x.is_invalid() {
            return (None, false);
        }
        match x.mode {
            OpMode::Variable | OpMode::MapIndex => (Some(x.typ), true),
            _ => {
                let s = self.operand_string(&x);
                let mut msg = format!("cannot assign to {s}");
                if let ExprKind::Selector(base, _) = &e.kind {
                    if let Some(tv) = self.info.types.get(&base.id) {
                        if matches!(tv.mode, crate::info::Mode::MapIndex) {
                            msg =
                                format!("cannot assign to struct field {} in map", expr_string(e));
                        }
                    }
                }
                if let Some(tv) = self.info.types.get(&e.id) {
                    if self.is_string(tv.typ) && matches!(e.kind, ExprKind::Index(..)) {
                        msg = format!("cannot assign to {} (value of type byte)", expr_string(e));
                        msg = msg.replace(
                            "(value of type byte)",
                            "(neither addressable nor a map index expression)",
                        );
                    }
                }
                self.error_at_expr(e, msg);
                (None, false)
            }
        }
    }

    /// Whether `e` is a call of a function with other than one result (peeked without
    /// recording anything).
    pub(super) fn returns_tuple(&mut self, e: &'a Expr) -> bool {
        let mut e = e;
        while let ExprKind::Paren(p) = &e.kind {
            e = p;
        }
        let ExprKind::Call { fun, .. } = &e.kind else {
            return false;
        };
        let ExprKind::Name(n) = &fun.kind else {
            return false;
        };
        let Some(o) = self.lookup(n) else {
            return false;
        };
        if !matches!(self.obj(o).kind, ObjKind::Func { .. }) {
            return false;
        }
        if self.extra[o.0 as usize].decl.is_some() {
            self.obj_decl(o);
        }
        matches!(self.tt.get(self.obj(o).typ), Type::Signature(s) if s.results.len() > 1)
    }

    /// `lhs = rhs` (tuple assignment included).
    pub(super) fn assign_stmt(&mut self, lhs: &'a [Expr], rhs: &'a [Expr]) {
        if lhs.len() == 1 && rhs.len() == 1 && self.returns_tuple(&rhs[0]) {
            let _ = self.lhs_var(&lhs[0]);
            let x = self.multi_expr(&rhs[0], true);
            if let Some(types) = self.tuple_types(&x) {
                self.assign_mismatch_call(&rhs[0], 1, rhs, types.len());
            }
            return;
        }
        if lhs.len() == rhs.len() {
            let mut targets = Vec::new();
            for l in lhs {
                targets.push(self.lhs_var(l));
            }
            for (i, r) in rhs.iter().enumerate() {
                let (t, ok) = targets[i];
                let mut x = self.expr_hint(r, t);
                if !ok {
                    continue;
                }
                self.assignment(&mut x, t, "assignment");
            }
            return;
        }
        if rhs.len() == 1 {
            let mut targets = Vec::new();
            for l in lhs {
                targets.push(self.lhs_var(l));
            }
            let x = self.multi_expr(&rhs[0], true);
            let Some(types) = self.comma_ok_types(&x, lhs.len()) else {
                return;
            };
            if types.len() != lhs.len() {
                self.assign_mismatch_call(&rhs[0], lhs.len(), rhs, types.len());
                return;
            }
            for (i, &t) in types.iter().enumerate() {
                let (lt, ok) = targets[i];
                if let (Some(lt), true) = (lt, ok) {
                    let xo = Operand {
                        mode: OpMode::Value,
                        typ: t,
                        expr: None,
                    };
                    let (good, _) = self.assignable_to(&xo, lt);
                    if !good {
                        let msg = format!(
                            "cannot use {} value as type {} in assignment",
                            self.type_string(t),
                            self.type_string(lt)
                        );
                        self.error_at_expr(&rhs[0], msg);
                    }
                }
            }
            return;
        }
        for l in lhs {
            let _ = self.lhs_var(l);
        }
        for r in rhs {
            let _ = self.multi_expr(r, true);
        }
        self.assign_mismatch(&rhs[0], lhs.len(), rhs, None);
    }

    pub(super) fn assign_mismatch_call(
        &mut self,
        at: &'a Expr,
        nl: usize,
        rhs: &'a [Expr],
        n: usize,
    ) {
        if let ExprKind::Call { fun, .. } = &rhs[0].kind {
            let vars = if nl == 1 {
                "1 variable".to_string()
            } else {
                format!("{nl} variables")
            };
            let vals = if n == 1 {
                "1 value".to_string()
            } else {
                format!("{n} values")
            };
            self.error_at_expr(
                at,
                format!(
                    "assignment mismatch: {} but {} returns {}",
                    vars,
                    expr_string(fun),
                    vals
                ),
            );
            return;
        }
        self.assign_mismatch(at, nl, rhs, Some(n));
    }

    /// `x op= y`.
    pub(super) fn op_assign(
        &mut self,
        s_pos: rgo_syntax::Pos,
        lhs: &'a Expr,
        op: BinOp,
        rhs: &'a Expr,
    ) {
        let _ = s_pos;
        let (lt, ok) = self.lhs_var_used(lhs);
        let mut x = Operand {
            mode: OpMode::Variable,
            typ: lt.unwrap_or(basic::INVALID),
            expr: Some(lhs),
        };
        let mut y = self.expr(rhs);
        if !ok || y.is_invalid() {
            return;
        }
        // Reuse the binary-operator rules via a synthetic check.
        if matches!(op, BinOp::Shl | BinOp::Shr) {
            if !self.is_integer(x.typ) {
                let s = self.operand_string(&x);
                self.error_at_expr(
                    lhs,
                    format!("invalid operation: shifted operand {s} must be integer"),
                );
                return;
            }
            if self.is_untyped(y.typ) {
                self.convert_untyped(&mut y, basic::UINT);
            } else if !self.is_integer(y.typ) {
                let s = self.operand_string(&y);
                self.error_at_expr(
                    rhs,
                    format!("invalid operation: shift count {s} must be integer"),
                );
            }
            return;
        }
        self.match_types(&mut x, &mut y);
        if x.is_invalid() || y.is_invalid() {
            return;
        }
        if x.typ != y.typ {
            let msg = format!(
                "invalid operation: {} {}= {} (mismatched types {} and {})",
                expr_string(lhs),
                op.as_str(),
                expr_string(rhs),
                self.type_string(x.typ),
                self.type_string(y.typ)
            );
            self.error_at_expr(lhs, msg);
            return;
        }
        let t = x.typ;
        let ok = match op {
            BinOp::Add => self.is_numeric_or_string(t),
            BinOp::Sub | BinOp::Mul | BinOp::Div => self.is_numeric(t),
            BinOp::Rem | BinOp::And | BinOp::Or | BinOp::Xor | BinOp::AndNot => self.is_integer(t),
            _ => false,
        };
        if !ok {
            let s = self.operand_string(&x);
            self.error_at_expr(
                lhs,
                format!(
                    "invalid operation: operator {} not defined on {}",
                    op.as_str(),
                    s
                ),
            );
            return;
        }
        if matches!(op, BinOp::Div | BinOp::Rem) && self.is_integer(t) {
            if let Some(v) = y.val() {
                if v.sign() == num_bigint::Sign::NoSign {
                    self.error_at_expr(rhs, "invalid operation: division by zero");
                }
            }
        }
    }

    /// The lhs of `op=`/`++`: it is read, so it counts as used.
    pub(super) fn lhs_var_used(&mut self, e: &'a Expr) -> (Option<TypeId>, bool) {
        let x = self.expr(e);
        if x.is_invalid() {
            return (None, false);
        }
        match x.mode {
            OpMode::Variable | OpMode::MapIndex => (Some(x.typ), true),
            _ => {
                let s = self.operand_string(&x);
                self.error_at_expr(e, format!("cannot assign to {s}"));
                (None, false)
            }
        }
    }

    /// `a, b := x, y`: declares the new variables (at least one must be new).
    pub(super) fn define_stmt(&mut self, pos: rgo_syntax::Pos, lhs: &'a [Expr], rhs: &'a [Expr]) {
        let scope = self.scope;
        let mut vars: Vec<Option<ObjId>> = Vec::new();
        let mut new_vars: Vec<(ObjId, &'a Expr)> = Vec::new();
        let mut any_new = false;
        let mut seen = std::collections::HashSet::new();
        for l in lhs {
            let ExprKind::Name(n) = &l.kind else {
                let _ = self.expr(l);
                self.error_at_expr(l, format!("non-name {} on left side of :=", expr_string(l)));
                vars.push(None);
                continue;
            };
            if n != "_" && !seen.insert(n.clone()) {
                self.error(l.pos, format!("{n} repeated on left side of :="));
                vars.push(None);
                continue;
            }
            if n != "_" {
                if let Some(&o) = self.scopes[scope].names.get(n.as_str()) {
                    self.record_use(l.id, o);
                    vars.push(Some(o));
                    continue;
                }
            }
            let o = self.new_var(n, l.pos, VarKind::Local, basic::INVALID);
            self.info.defs.insert(l.id, o);
            if n != "_" {
                any_new = true;
            }
            new_vars.push((o, l));
            vars.push(Some(o));
        }
        // Types of the right-hand side.
        let is_new = |o: ObjId, nv: &[(ObjId, &Expr)]| nv.iter().any(|(x, _)| *x == o);
        if lhs.len() == 1 && rhs.len() == 1 && self.returns_tuple(&rhs[0]) {
            let x = self.multi_expr(&rhs[0], true);
            if let Some(types) = self.tuple_types(&x) {
                self.assign_mismatch_call(&rhs[0], 1, rhs, types.len());
            }
            if let Some(o) = vars[0] {
                self.extra[o.0 as usize].used = true;
            }
        } else if lhs.len() == rhs.len() {
            for (i, r) in rhs.iter().enumerate() {
                let Some(o) = vars[i] else {
                    let _ = self.expr(r);
                    continue;
                };
                if is_new(o, &new_vars) {
                    let mut x = self.expr(r);
                    self.init_var(o, &mut x, "assignment");
                } else {
                    let t = self.obj(o).typ;
                    let mut x = self.expr_hint(r, Some(t));
                    if let ObjKind::Var(_) = self.obj(o).kind {
                        self.assignment(&mut x, Some(t), "assignment");
                    } else {
                        let s = expr_string(&lhs[i]);
                        self.error_at_expr(&lhs[i], format!("cannot assign to {s}"));
                    }
                }
            }
        } else if rhs.len() == 1 {
            let x = self.multi_expr(&rhs[0], true);
            if let Some(types) = self.comma_ok_types(&x, lhs.len()) {
                if types.len() == lhs.len() {
                    for (i, &t) in types.iter().enumerate() {
                        let Some(o) = vars[i] else { continue };
                        if is_new(o, &new_vars) {
                            self.obj_mut(o).typ = t;
                        } else {
                            let ot = self.obj(o).typ;
                            let xo = Operand {
                                mode: OpMode::Value,
                                typ: t,
                                expr: None,
                            };
                            if !self.assignable_to(&xo, ot).0 {
                                let msg = format!(
                                    "cannot use {} value as type {} in assignment",
                                    self.type_string(t),
                                    self.type_string(ot)
                                );
                                self.error_at_expr(&rhs[0], msg);
                            }
                        }
                    }
                } else if x.mode != OpMode::NoValue {
                    self.assign_mismatch_call(&rhs[0], lhs.len(), rhs, types.len());
                }
            }
        } else {
            for r in rhs {
                let _ = self.multi_expr(r, true);
            }
            self.assign_mismatch(&rhs[0], lhs.len(), rhs, None);
        }
        // Declare the new variables; their scope starts after the statement.
        for (o, l) in &new_vars {
            let name = self.obj(*o).name.clone();
            if name != "_" {
                self.scopes[scope].names.insert(name, *o);
                self.locals.push(*o);
            }
            let _ = l;
        }
        if !any_new && !lhs.is_empty() {
            self.error(pos, "no new variables on left side of :=");
        }
    }
}
