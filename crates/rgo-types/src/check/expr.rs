//! Expressions: operands, untyped constant rules (implicit conversion, default types, and
//! re-recording the final type of untyped sub-expressions), operators, selectors, indexing,
//! slicing, composite literals and function literals.

use rgo_syntax::ast::{BinOp, Expr, ExprKind, LitKind, UnOp};

use super::{expr_string, Checker, LookupResult, OpMode, Operand};
use crate::constant::{ConstValue, ReprError};
use crate::info::{Mode, Selection, SelectionKind, TypeAndValue};
use crate::objects::{ObjKind, VarKind};
use crate::types::{basic, BasicKind, ChanDir, Type, TypeId};

impl<'a> Checker<'a> {
    /// Checks `e` as a single value (not a type, not a multi-value call).
    pub fn expr(&mut self, e: &'a Expr) -> Operand<'a> {
        let x = self.raw_expr(e, None, false);
        let x = self.single_value(x);
        self.instantiated(x)
    }

    pub fn expr_hint(&mut self, e: &'a Expr, hint: Option<TypeId>) -> Operand<'a> {
        let x = self.raw_expr(e, hint, false);
        let x = self.single_value(x);
        self.instantiated(x)
    }

    /// Checks `e`, allowing a multi-value call result (a `Tuple` type) when `allow_tuple`.
    pub fn multi_expr(&mut self, e: &'a Expr, allow_tuple: bool) -> Operand<'a> {
        let x = self.raw_expr(e, None, false);
        if allow_tuple {
            let x = self.not_type(x);
            return self.instantiated(x);
        }
        let x = self.single_value(x);
        self.instantiated(x)
    }

    fn not_type(&mut self, mut x: Operand<'a>) -> Operand<'a> {
        match x.mode {
            OpMode::TypeExpr => {
                if let Some(e) = x.expr {
                    let s = expr_string(e);
                    self.error_at_expr(e, format!("{s} (type) is not an expression"));
                }
                x.mode = OpMode::Invalid;
            }
            OpMode::Builtin(_) => {
                if let Some(e) = x.expr {
                    let s = expr_string(e);
                    self.error_at_expr(e, format!("{s} (built-in) must be called"));
                }
                x.mode = OpMode::Invalid;
            }
            OpMode::NoValue => {
                if let Some(e) = x.expr {
                    let s = expr_string(e);
                    self.error_at_expr(e, format!("{s} (no value) used as value"));
                }
                x.mode = OpMode::Invalid;
            }
            _ => {}
        }
        x
    }

    /// A generic function must be instantiated (or called) to be used as a value.
    fn instantiated(&mut self, mut x: Operand<'a>) -> Operand<'a> {
        if self.is_generic_func(&x) {
            if let Some(e) = x.expr {
                let s = expr_string(e);
                self.error_at_expr(
                    e,
                    format!("cannot use generic function {s} without instantiation"),
                );
            }
            x.mode = OpMode::Invalid;
        }
        x
    }

    /// How gc prints type parameter `tp`'s constraint `c` (possibly substituted): the
    /// empty interface as `any`, an implicit interface as its union.
    pub fn constraint_string(&self, tp: TypeId, c: TypeId) -> String {
        if self.implicit_constraints.contains(&tp) {
            if let Type::Interface(i) = self.tt.get(c) {
                if i.methods.is_empty() && !i.comparable {
                    let s = self.type_string(c);
                    return s
                        .strip_prefix("interface{")
                        .and_then(|x| x.strip_suffix('}'))
                        .map_or(s.clone(), str::to_string);
                }
            }
        }
        match self.tt.get(c) {
            Type::Interface(i) if i.methods.is_empty() && i.terms.is_none() && !i.comparable => {
                "any".into()
            }
            _ => self.type_string(c),
        }
    }

    pub(super) fn single_value(&mut self, x: Operand<'a>) -> Operand<'a> {
        let mut x = self.not_type(x);
        if x.is_invalid() {
            return x;
        }
        if let Type::Tuple(_) = self.tt.get(x.typ) {
            let s = self.operand_string(&x);
            if let Some(e) = x.expr {
                self.error_at_expr(e, format!("multiple-value {s} in single-value context"));
            }
            x.mode = OpMode::Invalid;
        }
        x
    }

    /// Types of a multi-value operand (or the single type), `None` if invalid.
    pub fn tuple_types(&self, x: &Operand<'a>) -> Option<Vec<TypeId>> {
        if x.is_invalid() {
            return None;
        }
        match self.tt.get(x.typ) {
            Type::Tuple(ts) => Some(ts.clone()),
            _ => Some(vec![x.typ]),
        }
    }

    /// Like `tuple_types`, but a comma-ok operand (`m[k]`, `x.(T)`, `<-c`) assigned to two
    /// variables yields `(T, bool)`, and the expression is re-recorded with that tuple type.
    pub fn comma_ok_types(&mut self, x: &Operand<'a>, n: usize) -> Option<Vec<TypeId>> {
        if n == 2 && matches!(x.mode, OpMode::CommaOk | OpMode::MapIndex) {
            let tup = self.tt.intern(Type::Tuple(vec![x.typ, basic::BOOL]));
            let mut e = x.expr;
            while let Some(ex) = e {
                if let Some(tv) = self.info.types.get_mut(&ex.id) {
                    tv.typ = tup;
                }
                e = match &ex.kind {
                    ExprKind::Paren(inner) => Some(inner),
                    _ => None,
                };
            }
            return Some(vec![x.typ, basic::BOOL]);
        }
        self.tuple_types(x)
    }

    /// go/types' operand formatting, as used inside gc's messages.
    pub fn operand_string(&self, x: &Operand<'a>) -> String {
        if x.mode == OpMode::Nil || (x.typ == basic::UNTYPED_NIL && x.mode != OpMode::Invalid) {
            return "nil".into();
        }
        let expr = x.expr.map(expr_string).unwrap_or_else(|| match &x.mode {
            OpMode::TypeExpr => self.type_string(x.typ),
            OpMode::Constant(v) => v.gc_string(),
            _ => String::new(),
        });
        let mut s = String::new();
        if !expr.is_empty() {
            s.push_str(&expr);
            s.push_str(" (");
        }
        let mut has_type = false;
        match x.mode {
            OpMode::Invalid | OpMode::NoValue | OpMode::Builtin(_) | OpMode::TypeExpr => {}
            _ => {
                if self.is_untyped(x.typ) {
                    s.push_str(self.tt.basic_kind(x.typ).map(|k| k.name()).unwrap_or(""));
                    s.push(' ');
                } else {
                    has_type = true;
                }
            }
        }
        s.push_str(match x.mode {
            OpMode::Invalid => "invalid operand",
            OpMode::NoValue => "no value",
            OpMode::Builtin(_) => "built-in",
            OpMode::TypeExpr => "type",
            OpMode::Constant(_) => "constant",
            OpMode::Variable => "variable",
            OpMode::MapIndex => "map index expression",
            OpMode::Value => "value",
            OpMode::CommaOk => "comma, ok expression",
            OpMode::Nil => "nil",
        });
        if let OpMode::Constant(v) = &x.mode {
            let vs = v.gc_string();
            if vs != expr {
                s.push(' ');
                s.push_str(&vs);
            }
        }
        if has_type {
            if x.typ != basic::INVALID {
                s.push_str(" of type ");
                s.push_str(&self.type_string(x.typ));
                if self.is_type_param(x.typ) {
                    let c = self.tt.type_param(x.typ).constraint;
                    s.push_str(" constrained by ");
                    s.push_str(&self.constraint_string(x.typ, c));
                }
            } else {
                s.push_str(" with invalid type");
            }
        }
        if !expr.is_empty() {
            s.push(')');
        }
        s
    }

    /// Checks any expression (value, type, builtin, multi-value call) and records it.
    pub fn raw_expr(
        &mut self,
        e: &'a Expr,
        hint: Option<TypeId>,
        _allow_type: bool,
    ) -> Operand<'a> {
        let x = self.expr_internal(e, hint);
        self.record(&x);
        x
    }

    fn expr_internal(&mut self, e: &'a Expr, hint: Option<TypeId>) -> Operand<'a> {
        let ex = Some(e);
        match &e.kind {
            ExprKind::Bad => Operand::invalid(ex),
            ExprKind::Name(n) => self.ident(e, n),
            ExprKind::BasicLit { kind, value } => {
                let typ = match kind {
                    LitKind::Int => basic::UNTYPED_INT,
                    LitKind::Float => basic::UNTYPED_FLOAT,
                    LitKind::Imag => basic::UNTYPED_COMPLEX,
                    LitKind::Rune => basic::UNTYPED_RUNE,
                    LitKind::String => basic::UNTYPED_STRING,
                };
                match ConstValue::from_literal(*kind, value) {
                    Some(v) => {
                        if v.overflows_untyped() {
                            self.error(e.pos, format!("excessively large constant {value}"));
                            return Operand::invalid(ex);
                        }
                        Operand {
                            mode: OpMode::Constant(v),
                            typ,
                            expr: ex,
                        }
                    }
                    None => {
                        self.error(e.pos, format!("malformed constant: {value}"));
                        Operand::invalid(ex)
                    }
                }
            }
            ExprKind::CompositeLit { typ, elems, .. } => {
                self.composite_lit(e, typ.as_deref(), elems, hint)
            }
            ExprKind::KeyValue(..) => {
                self.error(e.pos, "unexpected key:value expression");
                Operand::invalid(ex)
            }
            ExprKind::FuncLit { sig, body } => {
                self.open_scope(true);
                let st = self.func_type(sig);
                let saved_decl = self.decl_obj;
                let saved_iota = self.iota.take();
                self.func_body(st, sig, body);
                self.iota = saved_iota;
                self.decl_obj = saved_decl;
                self.close_scope();
                Operand {
                    mode: OpMode::Value,
                    typ: st,
                    expr: ex,
                }
            }
            ExprKind::Paren(x) => {
                let mut o = self.raw_expr(x, hint, true);
                o.expr = ex;
                o
            }
            ExprKind::Selector(x, sel) => self.selector(e, x, sel),
            ExprKind::Index(x, idx) => self.index_expr(e, x, idx),
            ExprKind::Slice {
                x,
                lo,
                hi,
                max,
                full,
            } => self.slice_expr(e, x, lo.as_deref(), hi.as_deref(), max.as_deref(), *full),
            ExprKind::TypeAssert { x, typ } => {
                let xo = self.expr(x);
                let Some(t) = typ else {
                    self.error(e.pos, "use of .(type) outside type switch");
                    return Operand::invalid(ex);
                };
                let tt = self.var_type(t);
                if xo.is_invalid() || tt == basic::INVALID {
                    return Operand::invalid(ex);
                }
                if !self.is_interface(xo.typ) {
                    let s = self.operand_string(&xo);
                    self.error_at_expr(x, format!("invalid operation: {s} is not an interface"));
                    return Operand::invalid(ex);
                }
                self.check_type_assert(&xo, tt, t);
                Operand {
                    mode: OpMode::CommaOk,
                    typ: tt,
                    expr: ex,
                }
            }
            ExprKind::Call { .. } => self.call(e),
            ExprKind::Star(x) => {
                let xo = self.raw_expr(x, None, true);
                match xo.mode {
                    OpMode::Invalid => Operand::invalid(ex),
                    OpMode::TypeExpr => {
                        let t = self.tt.intern(Type::Pointer(xo.typ));
                        Operand {
                            mode: OpMode::TypeExpr,
                            typ: t,
                            expr: ex,
                        }
                    }
                    _ => {
                        let xo = self.single_value(xo);
                        if xo.is_invalid() {
                            return Operand::invalid(ex);
                        }
                        if xo.typ == basic::UNTYPED_NIL || xo.mode == OpMode::Nil {
                            self.error_at_expr(e, "invalid operation: cannot indirect nil");
                            return Operand::invalid(ex);
                        }
                        match self.core_under(xo.typ).clone() {
                            Type::Pointer(b) => Operand {
                                mode: OpMode::Variable,
                                typ: b,
                                expr: ex,
                            },
                            _ => {
                                let s = self.operand_string(&xo);
                                self.error_at_expr(
                                    e,
                                    format!("invalid operation: cannot indirect {s}"),
                                );
                                Operand::invalid(ex)
                            }
                        }
                    }
                }
            }
            ExprKind::Unary(op, x) => self.unary(e, *op, x, hint),
            ExprKind::Binary(op, x, y) => self.binary(e, *op, x, y, hint),
            ExprKind::ArrayType { .. }
            | ExprKind::SliceType(_)
            | ExprKind::DotsType(_)
            | ExprKind::StructType(_)
            | ExprKind::FuncType(_)
            | ExprKind::InterfaceType(_)
            | ExprKind::MapType(..)
            | ExprKind::ChanType(..) => {
                let t = self.type_literal(e);
                if t == basic::INVALID {
                    return Operand::invalid(ex);
                }
                Operand {
                    mode: OpMode::TypeExpr,
                    typ: t,
                    expr: ex,
                }
            }
        }
    }

    fn check_type_assert(&mut self, x: &Operand<'a>, t: TypeId, te: &Expr) {
        // A type parameter may be instantiated with any type: never impossible here.
        if self.is_interface(t) || self.is_type_param(t) {
            return;
        }
        if let Some(reason) = self.missing_method(t, x.typ) {
            let reason = reason
                .trim_start_matches('(')
                .trim_end_matches(')')
                .to_string();
            let msg = format!(
                "impossible type assertion: {}\n\t{} does not implement {} ({})",
                expr_string(x.expr.unwrap_or(te)),
                self.type_string(t),
                self.type_string(x.typ),
                reason
            );
            let _ = msg;
            let s = format!(
                "impossible type assertion: {}.({})\n\t{} does not implement {} ({})",
                x.expr.map(expr_string).unwrap_or_default(),
                expr_string(te),
                self.type_string(t),
                self.type_string(x.typ),
                reason
            );
            self.error_at_expr(te, s);
        }
    }

    fn ident(&mut self, e: &'a Expr, n: &str) -> Operand<'a> {
        let ex = Some(e);
        if n == "_" {
            self.error(e.pos, "cannot use _ as value");
            return Operand::invalid(ex);
        }
        let Some(o) = self.lookup(n) else {
            self.error(e.pos, format!("undefined: {n}"));
            return Operand::invalid(ex);
        };
        self.record_use(e.id, o);
        let kind = self.obj(o).kind.clone();
        // Package-level objects may need checking first.
        if self.extra[o.0 as usize].decl.is_some() {
            self.obj_decl(o);
        }
        let typ = self.obj(o).typ;
        match kind {
            ObjKind::PkgName(_) => {
                self.error(e.pos, format!("use of package {n} without selector"));
                Operand::invalid(ex)
            }
            ObjKind::Const(_) => {
                let kind = self.obj(o).kind.clone();
                if n == "iota" && self.obj(o).pkg.is_empty() {
                    let Some(i) = self.iota else {
                        self.error(e.pos, "cannot use iota outside constant declaration");
                        return Operand::invalid(ex);
                    };
                    return Operand {
                        mode: OpMode::Constant(ConstValue::int(i as i64)),
                        typ,
                        expr: ex,
                    };
                }
                if typ == basic::INVALID {
                    return Operand::invalid(ex);
                }
                self.add_dep(o);
                let ObjKind::Const(v) = kind else {
                    return Operand::invalid(ex);
                };
                Operand {
                    mode: OpMode::Constant(v),
                    typ,
                    expr: ex,
                }
            }
            ObjKind::TypeName => {
                if typ == basic::INVALID {
                    return Operand::invalid(ex);
                }
                Operand {
                    mode: OpMode::TypeExpr,
                    typ,
                    expr: ex,
                }
            }
            ObjKind::Var(k) => {
                self.extra[o.0 as usize].used = true;
                if k == VarKind::Global {
                    self.add_dep(o);
                }
                if typ == basic::INVALID {
                    return Operand::invalid(ex);
                }
                Operand {
                    mode: OpMode::Variable,
                    typ,
                    expr: ex,
                }
            }
            ObjKind::Func { .. } => {
                self.add_dep(o);
                if typ == basic::INVALID {
                    return Operand::invalid(ex);
                }
                Operand {
                    mode: OpMode::Value,
                    typ,
                    expr: ex,
                }
            }
            ObjKind::Builtin(b) => Operand {
                mode: OpMode::Builtin(b),
                typ: basic::INVALID,
                expr: ex,
            },
            ObjKind::Nil => Operand {
                mode: OpMode::Nil,
                typ: basic::UNTYPED_NIL,
                expr: ex,
            },
            ObjKind::Label => {
                self.error(e.pos, format!("undefined: {n}"));
                Operand::invalid(ex)
            }
        }
    }

    // ---- implicit conversion of untyped operands ----

    /// Converts an untyped operand to `target` (implicitly), updating recorded types.
    /// Returns false (without reporting) when impossible; `code` tells why for constants.
    pub fn implicit_convert(
        &mut self,
        x: &mut Operand<'a>,
        target: TypeId,
    ) -> Result<(), Option<ReprError>> {
        if x.is_invalid() || !self.is_untyped(x.typ) || target == basic::INVALID {
            return Ok(());
        }
        if self.is_untyped(target) {
            // Both untyped: the larger numeric kind wins.
            let (xk, tk) = (
                self.tt.basic_kind(x.typ).unwrap(),
                self.tt.basic_kind(target).unwrap(),
            );
            if xk.is_numeric() && tk.is_numeric() {
                let rank = |k: BasicKind| match k {
                    BasicKind::UntypedInt => 0,
                    BasicKind::UntypedRune => 1,
                    BasicKind::UntypedFloat => 2,
                    _ => 3,
                };
                if rank(tk) > rank(xk) {
                    if let OpMode::Constant(v) = &x.mode {
                        if let Some(nv) = v.to_kind(tk) {
                            x.mode = OpMode::Constant(nv);
                        }
                    }
                    x.typ = target;
                    if let Some(e) = x.expr {
                        self.update_expr_type(e, target, false);
                    }
                }
                return Ok(());
            }
            if xk != tk {
                return Err(None);
            }
            return Ok(());
        }
        let tu = self.tt.underlying(target);
        let new_typ;
        match self.tt.get(tu).clone() {
            Type::Basic(k) if !self.is_type_param(target) => {
                if x.mode == OpMode::Nil || x.typ == basic::UNTYPED_NIL {
                    if k != BasicKind::UnsafePointer {
                        return Err(None);
                    }
                    new_typ = target;
                } else if let OpMode::Constant(v) = &x.mode {
                    match v.represent(k) {
                        Ok(nv) => {
                            x.mode = OpMode::Constant(nv);
                            new_typ = target;
                        }
                        Err(r) => {
                            // A numeric constant of the wrong kind is a mismatch, not an overflow.
                            let xk = self.tt.basic_kind(x.typ).unwrap_or(BasicKind::Invalid);
                            if (xk.is_numeric() && k.is_numeric()) || r != ReprError::Mismatch {
                                return Err(Some(r));
                            }
                            return Err(None);
                        }
                    }
                } else {
                    let xk = self.tt.basic_kind(x.typ).unwrap_or(BasicKind::Invalid);
                    let ok = match xk {
                        BasicKind::UntypedBool => k.is_boolean(),
                        BasicKind::UntypedInt
                        | BasicKind::UntypedRune
                        | BasicKind::UntypedFloat
                        | BasicKind::UntypedComplex => k.is_numeric(),
                        BasicKind::UntypedString => k.is_string(),
                        _ => false,
                    };
                    if !ok {
                        return Err(None);
                    }
                    new_typ = target;
                }
            }
            Type::Interface(_) if !self.is_type_param(target) => {
                if x.mode == OpMode::Nil || x.typ == basic::UNTYPED_NIL {
                    new_typ = target;
                } else {
                    new_typ = self.default_type(x.typ);
                    if let OpMode::Constant(v) = &x.mode {
                        let k = self.tt.basic_kind(new_typ).unwrap_or(BasicKind::Invalid);
                        match v.represent(k) {
                            Ok(nv) => x.mode = OpMode::Constant(nv),
                            Err(r) => return Err(Some(r)),
                        }
                    }
                }
            }
            Type::Pointer(_)
            | Type::Signature(_)
            | Type::Slice(_)
            | Type::Map { .. }
            | Type::Chan { .. } => {
                if x.mode != OpMode::Nil && x.typ != basic::UNTYPED_NIL {
                    return Err(None);
                }
                new_typ = target;
            }
            _ => {
                if self.is_type_param(target) {
                    // Accept conversions to type parameters loosely (generics are partial).
                    new_typ = target;
                } else {
                    return Err(None);
                }
            }
        }
        x.typ = new_typ;
        if let Some(e) = x.expr {
            let v = x.val().cloned();
            self.update_expr_type(e, new_typ, true);
            if let Some(v) = v {
                if let Some(tv) = self.info.types.get_mut(&e.id) {
                    tv.mode = Mode::Constant(v);
                }
            }
        }
        Ok(())
    }

    /// Reports a failed implicit conversion gc-style (`cannot convert`, `overflows`, `truncated`).
    pub fn convert_untyped(&mut self, x: &mut Operand<'a>, target: TypeId) {
        if let Err(code) = self.implicit_convert(x, target) {
            let s = self.operand_string(x);
            let t = self.type_string(target);
            let msg = match code {
                Some(ReprError::Overflows) => format!("{s} overflows {t}"),
                Some(ReprError::Truncated) => format!("{s} truncated to {t}"),
                _ => format!("cannot convert {s} to {t}"),
            };
            if let Some(e) = x.expr {
                self.error_at_expr(e, msg);
            }
            x.mode = OpMode::Invalid;
        }
    }

    /// Re-records the type of an untyped expression and its untyped operands once the
    /// context has decided it (go/types' updateExprType).
    pub fn update_expr_type(&mut self, e: &'a Expr, t: TypeId, _final: bool) {
        let Some(old) = self.info.types.get(&e.id).cloned() else {
            return;
        };
        if !self.is_untyped(old.typ) {
            return;
        }
        match &e.kind {
            ExprKind::Paren(x) => self.update_expr_type(x, t, _final),
            ExprKind::Unary(op, x)
                if (*op != UnOp::Not || self.is_boolean(t))
                    && *op != UnOp::Recv
                    && *op != UnOp::Addr =>
            {
                self.update_expr_type(x, t, _final)
            }
            ExprKind::Binary(op, x, y) => {
                if matches!(
                    op,
                    BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
                ) {
                    // Comparison results are independent of their operands' types.
                } else if matches!(op, BinOp::Shl | BinOp::Shr) {
                    self.update_expr_type(x, t, _final);
                    // A non-constant shift of an untyped constant takes the context type,
                    // which must be an integer.
                    if !matches!(old.mode, Mode::Constant(_))
                        && !self.is_integer(t)
                        && !self.is_untyped(t)
                        && !self.is_interface(t)
                    {
                        let ts = self.type_string(t);
                        self.error_at_expr(
                            e,
                            format!(
                                "invalid operation: {} (shift of type {})",
                                expr_string(e),
                                ts
                            ),
                        );
                    }
                } else {
                    self.update_expr_type(x, t, _final);
                    self.update_expr_type(y, t, _final);
                }
            }
            _ => {}
        }
        let mut nt = t;
        if self.is_interface(t) && !self.is_untyped(t) && old.typ != basic::UNTYPED_NIL {
            nt = self.default_type(old.typ);
        }
        let mode = match old.mode {
            Mode::Constant(v) => {
                let k = self.tt.basic_kind(nt).unwrap_or(BasicKind::Invalid);
                Mode::Constant(v.represent(k).unwrap_or(v))
            }
            m => m,
        };
        self.info.types.insert(e.id, TypeAndValue { mode, typ: nt });
    }

    /// Gives an untyped operand its default type (for `x := 1`, interface targets, ...).
    pub fn default_convert(&mut self, x: &mut Operand<'a>) {
        if x.is_invalid() || !self.is_untyped(x.typ) || x.typ == basic::UNTYPED_NIL {
            return;
        }
        let t = self.default_type(x.typ);
        self.convert_untyped(x, t);
    }

    // ---- operators ----

    fn unary(&mut self, e: &'a Expr, op: UnOp, xe: &'a Expr, hint: Option<TypeId>) -> Operand<'a> {
        let ex = Some(e);
        if op == UnOp::Addr {
            // &T{...} with an elided type in a composite literal: hint is *T.
            let inner_hint = hint.and_then(|h| match self.tt.under(h) {
                Type::Pointer(b) => Some(*b),
                _ => None,
            });
            let mut inner = xe;
            while let ExprKind::Paren(p) = &inner.kind {
                inner = p;
            }
            let x = self.expr_hint(xe, inner_hint);
            if x.is_invalid() {
                return Operand::invalid(ex);
            }
            if x.mode != OpMode::Variable && !matches!(inner.kind, ExprKind::CompositeLit { .. }) {
                let s = self.operand_string(&x);
                self.error_at_expr(e, format!("invalid operation: cannot take address of {s}"));
                return Operand::invalid(ex);
            }
            let t = self.tt.intern(Type::Pointer(x.typ));
            return Operand {
                mode: OpMode::Value,
                typ: t,
                expr: ex,
            };
        }
        if op == UnOp::Recv {
            let x = self.expr(xe);
            if x.is_invalid() {
                return Operand::invalid(ex);
            }
            match self.core_under(x.typ).clone() {
                Type::Chan { dir, elem } => {
                    if dir == ChanDir::Send {
                        let s = self.operand_string(&x);
                        self.error_at_expr(
                            e,
                            format!("invalid operation: cannot receive from send-only channel {s}"),
                        );
                        return Operand::invalid(ex);
                    }
                    return Operand {
                        mode: OpMode::CommaOk,
                        typ: elem,
                        expr: ex,
                    };
                }
                _ => {
                    let s = self.operand_string(&x);
                    self.error_at_expr(
                        e,
                        format!("invalid operation: cannot receive from non-channel {s}"),
                    );
                    return Operand::invalid(ex);
                }
            }
        }
        if op == UnOp::Tilde {
            self.error(
                e.pos,
                "cannot use ~ outside of interface or type constraint",
            );
            let _ = self.expr(xe);
            return Operand::invalid(ex);
        }
        let mut x = self.expr(xe);
        if x.is_invalid() {
            return Operand::invalid(ex);
        }
        let ok = match op {
            UnOp::Pos | UnOp::Neg => self.is_numeric(x.typ),
            UnOp::Xor => self.is_integer(x.typ),
            UnOp::Not => self.is_boolean(x.typ),
            _ => false,
        };
        if !ok {
            let s = self.operand_string(&x);
            self.error_at_expr(
                xe,
                format!(
                    "invalid operation: operator {} not defined on {}",
                    op.as_str(),
                    s
                ),
            );
            return Operand::invalid(ex);
        }
        x.expr = ex;
        if let OpMode::Constant(v) = &x.mode {
            let bits = if self.is_unsigned(x.typ) {
                self.tt.basic_kind(x.typ).map(|k| (k.size() * 8) as u32)
            } else {
                None
            };
            match ConstValue::unary(op, v, bits) {
                Some(nv) => {
                    x.mode = OpMode::Constant(nv);
                    self.check_const_overflow(&mut x, e);
                }
                None => return Operand::invalid(ex),
            }
            return x;
        }
        x.mode = OpMode::Value;
        x
    }

    /// Typed constants must stay representable; untyped ones within gc's limits.
    fn check_const_overflow(&mut self, x: &mut Operand<'a>, e: &'a Expr) {
        let Some(v) = x.val().cloned() else { return };
        if self.is_untyped(x.typ) {
            if v.overflows_untyped() {
                self.error_at_expr(e, "constant overflow");
                x.mode = OpMode::Invalid;
            }
            return;
        }
        let Some(k) = self.kind(x.typ) else { return };
        match v.represent(k) {
            Ok(nv) => x.mode = OpMode::Constant(nv),
            Err(_) => {
                let msg = format!(
                    "constant {} overflows {}",
                    v.gc_string(),
                    self.type_string(x.typ)
                );
                self.error_at_expr(e, msg);
                x.mode = OpMode::Invalid;
            }
        }
    }

    fn binary(
        &mut self,
        e: &'a Expr,
        op: BinOp,
        xe: &'a Expr,
        ye: &'a Expr,
        hint: Option<TypeId>,
    ) -> Operand<'a> {
        let ex = Some(e);
        if matches!(op, BinOp::Shl | BinOp::Shr) {
            return self.shift(e, op, xe, ye, hint);
        }
        let mut x = self.expr(xe);
        let mut y = self.expr(ye);
        if x.is_invalid() || y.is_invalid() {
            return Operand::invalid(ex);
        }
        let is_cmp = matches!(
            op,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
        );
        self.match_types(&mut x, &mut y);
        if x.is_invalid() || y.is_invalid() {
            return Operand::invalid(ex);
        }
        if is_cmp {
            return self.comparison(e, op, x, y);
        }
        if x.typ != y.typ {
            // Untyped vs untyped of different kinds (e.g. bool and int), or typed mismatch.
            if x.typ != basic::INVALID && y.typ != basic::INVALID {
                let msg = format!(
                    "invalid operation: {} (mismatched types {} and {})",
                    expr_string(e),
                    self.type_string(x.typ),
                    self.type_string(y.typ)
                );
                self.error_at_expr(xe, msg);
            }
            return Operand::invalid(ex);
        }
        let t = x.typ;
        let ok = match op {
            BinOp::Add => self.is_numeric_or_string(t),
            BinOp::Sub | BinOp::Mul | BinOp::Div => self.is_numeric(t),
            BinOp::Rem | BinOp::And | BinOp::Or | BinOp::Xor | BinOp::AndNot => self.is_integer(t),
            BinOp::AndAnd | BinOp::OrOr => self.is_boolean(t),
            _ => false,
        };
        if !ok {
            let s = self.operand_string(&x);
            self.error_at_expr(
                xe,
                format!(
                    "invalid operation: operator {} not defined on {}",
                    op.as_str(),
                    s
                ),
            );
            return Operand::invalid(ex);
        }
        if matches!(op, BinOp::Div | BinOp::Rem) && (x.val().is_some() || self.is_integer(t)) {
            if let Some(v) = y.val() {
                let zero = match v {
                    ConstValue::Int(_) | ConstValue::Float(_) | ConstValue::BigFloat(_) => {
                        v.sign() == num_bigint::Sign::NoSign
                    }
                    ConstValue::Complex(a, b) => {
                        num_traits::Zero::is_zero(a) && num_traits::Zero::is_zero(b)
                    }
                    _ => false,
                };
                if zero {
                    self.error_at_expr(ye, "invalid operation: division by zero");
                    return Operand::invalid(ex);
                }
            }
        }
        if let (Some(a), Some(b)) = (x.val().cloned(), y.val().cloned()) {
            let int_div = self.is_integer(t);
            match ConstValue::binary(op, &a, &b, int_div) {
                Ok(Some(v)) => {
                    let v = if op == BinOp::Add
                        && matches!((&a, &b), (ConstValue::String(_), ConstValue::String(_)))
                    {
                        ConstValue::String(ConstValue::concat(
                            a.as_str().unwrap_or(""),
                            b.as_str().unwrap_or(""),
                        ))
                    } else {
                        v
                    };
                    let mut r = Operand {
                        mode: OpMode::Constant(v),
                        typ: t,
                        expr: ex,
                    };
                    // `/` on untyped ints is integer division; keep the int kind.
                    self.check_const_overflow(&mut r, e);
                    return r;
                }
                Ok(None) => return Operand::invalid(ex),
                Err(crate::constant::ConstError::DivisionByZero) => {
                    self.error_at_expr(ye, "invalid operation: division by zero");
                    return Operand::invalid(ex);
                }
                Err(crate::constant::ConstError::NotRepresentable) => {
                    // At the operator, as gc reports it.
                    self.error(e.pos, "constant result is not representable");
                    return Operand::invalid(ex);
                }
            }
        }
        let _ = hint;
        Operand {
            mode: OpMode::Value,
            typ: t,
            expr: ex,
        }
    }

    /// Brings untyped operands of a binary operation to a common type (spec: an untyped
    /// operand is converted to the other operand's type).
    pub(super) fn match_types(&mut self, x: &mut Operand<'a>, y: &mut Operand<'a>) {
        let may_convert = |c: &Self, x: &Operand<'a>, y: &Operand<'a>| -> bool {
            let (xu, yu) = (c.is_untyped(x.typ), c.is_untyped(y.typ));
            if xu && yu {
                return true;
            }
            // Avoid converting between strings and numbers, bools and others.
            if c.is_boolean(x.typ) != c.is_boolean(y.typ) {
                return false;
            }
            if c.is_string(x.typ) != c.is_string(y.typ) {
                return false;
            }
            if x.mode == OpMode::Nil || x.typ == basic::UNTYPED_NIL {
                return c.has_nil(y.typ);
            }
            if y.mode == OpMode::Nil || y.typ == basic::UNTYPED_NIL {
                return c.has_nil(x.typ);
            }
            if c.is_pointer(x.typ) || c.is_pointer(y.typ) {
                return false;
            }
            true
        };
        if may_convert(self, x, y) {
            let yt = y.typ;
            self.convert_untyped(x, yt);
            if x.is_invalid() {
                return;
            }
            let xt = x.typ;
            self.convert_untyped(y, xt);
        }
    }

    fn is_pointer(&self, t: TypeId) -> bool {
        matches!(self.tt.under(t), Type::Pointer(_))
    }

    fn comparison(
        &mut self,
        e: &'a Expr,
        op: BinOp,
        x: Operand<'a>,
        y: Operand<'a>,
    ) -> Operand<'a> {
        let ex = Some(e);
        let xnil = x.mode == OpMode::Nil || x.typ == basic::UNTYPED_NIL;
        let ynil = y.mode == OpMode::Nil || y.typ == basic::UNTYPED_NIL;
        let mut err: Option<String> = None;
        let (ok_assign, _) = self.assignable_to(&x, y.typ);
        let (ok_assign2, _) = self.assignable_to(&y, x.typ);
        if !ok_assign && !ok_assign2 {
            err = Some(format!(
                "mismatched types {} and {}",
                self.type_string(x.typ),
                self.type_string(y.typ)
            ));
        } else if matches!(op, BinOp::Eq | BinOp::Ne) {
            if xnil && ynil {
                err = Some(format!("operator {} not defined on nil", op.as_str()));
            } else if xnil || ynil {
                let other = if xnil { y.typ } else { x.typ };
                if !self.has_nil(other) {
                    err = Some(format!(
                        "mismatched types {} and untyped nil",
                        self.type_string(other)
                    ));
                }
            } else if !self.comparable_operand(x.typ) {
                err = Some(self.incomparable_cause(x.typ));
            } else if !self.comparable_operand(y.typ) {
                err = Some(self.incomparable_cause(y.typ));
            }
        } else if !self.is_ordered(x.typ) && self.is_type_param(x.typ) {
            err = Some(format!(
                "type parameter {} is not comparable with {}",
                self.type_string(x.typ),
                op.as_str()
            ));
        } else if !self.is_ordered(x.typ) {
            let s = self.operand_string(&x);
            err = Some(format!("operator {} not defined on {}", op.as_str(), s));
        }
        if let Some(cause) = err {
            let ExprKind::Binary(_, xe, _) = &e.kind else {
                return Operand::invalid(ex);
            };
            let msg = format!("invalid operation: {} ({})", expr_string(e), cause);
            self.error_at_expr(xe, msg);
            return Operand::invalid(ex);
        }
        if let (Some(a), Some(b)) = (x.val(), y.val()) {
            if let Some(r) = ConstValue::compare(op, a, b) {
                return Operand {
                    mode: OpMode::Constant(ConstValue::Bool(r)),
                    typ: basic::UNTYPED_BOOL,
                    expr: ex,
                };
            }
        }
        // Untyped operands compared with each other get their default types.
        let mut x = x;
        let mut y = y;
        if self.is_untyped(x.typ) && !xnil {
            self.default_convert(&mut x);
        }
        if self.is_untyped(y.typ) && !ynil {
            self.default_convert(&mut y);
        }
        Operand {
            mode: OpMode::Value,
            typ: basic::UNTYPED_BOOL,
            expr: ex,
        }
    }

    /// `==` applies: comparable types, and type parameters whose type set is.
    fn comparable_operand(&self, t: TypeId) -> bool {
        if self.is_type_param(t) {
            return self.strictly_comparable(t);
        }
        self.comparable(t)
    }

    fn incomparable_cause(&self, t: TypeId) -> String {
        if self.is_type_param(t) {
            return "incomparable types in type set".into();
        }
        match self.tt.under(t) {
            Type::Slice(_) => "slice can only be compared to nil".into(),
            Type::Map { .. } => "map can only be compared to nil".into(),
            Type::Signature(_) => "func can only be compared to nil".into(),
            _ => format!("{} cannot be compared", self.type_string(t)),
        }
    }

    fn shift(
        &mut self,
        e: &'a Expr,
        op: BinOp,
        xe: &'a Expr,
        ye: &'a Expr,
        hint: Option<TypeId>,
    ) -> Operand<'a> {
        let ex = Some(e);
        let mut x = self.expr(xe);
        let mut y = self.expr(ye);
        if x.is_invalid() || y.is_invalid() {
            return Operand::invalid(ex);
        }
        // The left operand must be an integer (or an untyped constant representable as one).
        if let Some(v) = x.val().cloned() {
            if self.is_untyped(x.typ) {
                match v.to_int() {
                    Some(i) => {
                        if !matches!(v, ConstValue::Int(_)) {
                            x.mode = OpMode::Constant(ConstValue::Int(i));
                        }
                    }
                    None => {
                        let s = self.operand_string(&x);
                        self.error_at_expr(
                            xe,
                            format!("invalid operation: shifted operand {s} must be integer"),
                        );
                        return Operand::invalid(ex);
                    }
                }
            } else if !self.is_integer(x.typ) {
                let s = self.operand_string(&x);
                self.error_at_expr(
                    xe,
                    format!("invalid operation: shifted operand {s} must be integer"),
                );
                return Operand::invalid(ex);
            }
        } else if !self.is_integer(x.typ) {
            let s = self.operand_string(&x);
            self.error_at_expr(
                xe,
                format!("invalid operation: shifted operand {s} must be integer"),
            );
            return Operand::invalid(ex);
        }
        // The right operand: integer, or untyped constant representable as uint.
        if let Some(v) = y.val().cloned() {
            match v.to_int() {
                Some(i) if i.sign() != num_bigint::Sign::Minus => {
                    if self.is_untyped(y.typ) {
                        y.mode = OpMode::Constant(ConstValue::Int(i));
                        self.convert_untyped(&mut y, basic::UINT);
                        if y.is_invalid() {
                            return Operand::invalid(ex);
                        }
                    }
                }
                Some(_) => {
                    let s = self.operand_string(&y);
                    self.error_at_expr(ye, format!("invalid operation: negative shift count {s}"));
                    return Operand::invalid(ex);
                }
                None => {
                    let s = self.operand_string(&y);
                    self.error_at_expr(
                        ye,
                        format!("invalid operation: shift count {s} must be integer"),
                    );
                    return Operand::invalid(ex);
                }
            }
        } else if !self.is_integer(y.typ) {
            let s = self.operand_string(&y);
            self.error_at_expr(
                ye,
                format!("invalid operation: shift count {s} must be integer"),
            );
            return Operand::invalid(ex);
        } else if self.is_untyped(y.typ) {
            self.convert_untyped(&mut y, basic::UINT);
        }
        if let (Some(a), Some(b)) = (x.val().cloned(), y.val().cloned()) {
            let s = b.as_u64().unwrap_or(u64::MAX);
            if s > 10_000 && op == BinOp::Shl {
                let sy = self.operand_string(&y);
                self.error_at_expr(ye, format!("invalid shift count {sy}"));
                return Operand::invalid(ex);
            }
            match ConstValue::shift(&a, op, s) {
                Some(v) => {
                    let mut r = Operand {
                        mode: OpMode::Constant(v),
                        typ: x.typ,
                        expr: ex,
                    };
                    if self.is_untyped(x.typ)
                        && x.typ != basic::UNTYPED_INT
                        && x.typ != basic::UNTYPED_RUNE
                    {
                        r.typ = basic::UNTYPED_INT;
                    }
                    self.check_const_overflow(&mut r, e);
                    return r;
                }
                None => return Operand::invalid(ex),
            }
        }
        // Non-constant shift with an untyped constant lhs: its type comes from context;
        // update_expr_type checks it is an integer then.
        let _ = hint;
        let t = if self.is_untyped(x.typ) {
            basic::UNTYPED_INT
        } else {
            x.typ
        };
        Operand {
            mode: OpMode::Value,
            typ: t,
            expr: ex,
        }
    }

    // ---- selectors ----

    fn selector(
        &mut self,
        e: &'a Expr,
        xe: &'a Expr,
        sel: &'a rgo_syntax::ast::Ident,
    ) -> Operand<'a> {
        let ex = Some(e);
        // Qualified identifier?
        if let ExprKind::Name(pn) = &xe.kind {
            if let Some(o) = self.lookup(pn) {
                if let ObjKind::PkgName(path) = self.obj(o).kind.clone() {
                    self.record_use(xe.id, o);
                    self.extra[o.0 as usize].used = true;
                    let target = if path == "unsafe" {
                        self.unsafe_scope.get(&sel.name).copied()
                    } else {
                        self.pkg_scopes
                            .get(&path)
                            .and_then(|s| s.get(&sel.name).copied())
                    };
                    let Some(t) = target else {
                        // An importer may know a package exists without being able to
                        // load it (an empty scope): say so rather than "undefined".
                        if self.pkg_scopes.get(&path).is_some_and(|s| s.is_empty()) {
                            self.error(
                                sel.pos,
                                format!("rgo: package {path} cannot be compiled yet (needed for {pn}.{})", sel.name),
                            );
                            return Operand::invalid(ex);
                        }
                        self.error(sel.pos, format!("undefined: {}.{}", pn, sel.name));
                        return Operand::invalid(ex);
                    };
                    if !sel.name.chars().next().is_some_and(|c| c.is_uppercase()) {
                        self.error(
                            sel.pos,
                            format!("{} not exported by package {}", sel.name, pn),
                        );
                        return Operand::invalid(ex);
                    }
                    self.record_use(sel.id, t);
                    let typ = self.obj(t).typ;
                    return match self.obj(t).kind.clone() {
                        ObjKind::Builtin(b) => Operand {
                            mode: OpMode::Builtin(b),
                            typ: basic::INVALID,
                            expr: ex,
                        },
                        ObjKind::TypeName => Operand {
                            mode: OpMode::TypeExpr,
                            typ,
                            expr: ex,
                        },
                        ObjKind::Const(v) => Operand {
                            mode: OpMode::Constant(v),
                            typ,
                            expr: ex,
                        },
                        ObjKind::Var(_) => Operand {
                            mode: OpMode::Variable,
                            typ,
                            expr: ex,
                        },
                        _ => Operand {
                            mode: OpMode::Value,
                            typ,
                            expr: ex,
                        },
                    };
                }
            }
        }
        let x = self.raw_expr(xe, None, true);
        let x = match x.mode {
            OpMode::TypeExpr => x,
            _ => self.single_value(x),
        };
        if x.is_invalid() {
            return Operand::invalid(ex);
        }
        if x.mode == OpMode::TypeExpr {
            // Method expression T.m / (*T).m.
            let res = self.lookup_field_or_method(x.typ, &sel.name);
            let LookupResult::Method {
                obj,
                index,
                indirect,
            } = res
            else {
                let s = expr_string(e);
                let msg = format!(
                    "{} undefined (type {} has no method {})",
                    s,
                    self.type_string(x.typ),
                    sel.name
                );
                self.error(sel.pos, msg);
                return Operand::invalid(ex);
            };
            self.ensure_method(obj);
            let mt = self.obj(obj).typ;
            let (mut params, results, variadic) = match self.tt.get(mt).clone() {
                Type::Signature(s) => (s.params, s.results, s.variadic),
                _ => return Operand::invalid(ex),
            };
            params.insert(0, x.typ);
            let ft = self.tt.intern(Type::Signature(crate::types::Signature {
                params,
                results,
                variadic,
            }));
            self.record_use(sel.id, obj);
            // A method expression references the method (spec "Package initialization").
            self.add_dep(obj);
            self.info.selections.insert(
                e.id,
                Selection {
                    kind: SelectionKind::MethodExpr,
                    recv: x.typ,
                    obj,
                    index,
                    indirect,
                },
            );
            return Operand {
                mode: OpMode::Value,
                typ: ft,
                expr: ex,
            };
        }
        if x.mode == OpMode::Nil {
            self.error_at_expr(
                e,
                format!(
                    "{} undefined (type untyped nil has no field or method {})",
                    expr_string(e),
                    sel.name
                ),
            );
            return Operand::invalid(ex);
        }
        let res = self.lookup_field_or_method(x.typ, &sel.name);
        match res {
            LookupResult::Field {
                obj,
                typ,
                index,
                indirect,
            } => {
                self.record_use(sel.id, obj);
                self.info.selections.insert(
                    e.id,
                    Selection {
                        kind: SelectionKind::FieldVal,
                        recv: x.typ,
                        obj,
                        index,
                        indirect,
                    },
                );
                let mode = if x.mode == OpMode::Variable || indirect || self.is_pointer(x.typ) {
                    OpMode::Variable
                } else {
                    OpMode::Value
                };
                Operand {
                    mode,
                    typ,
                    expr: ex,
                }
            }
            LookupResult::Method {
                obj,
                index,
                indirect,
            } => {
                self.ensure_method(obj);
                // Pointer-receiver methods need an addressable operand or a pointer.
                let ptr_recv = match self.obj(obj).kind {
                    ObjKind::Func { recv: Some(r) } => matches!(self.tt.get(r), Type::Pointer(_)),
                    _ => false,
                };
                if ptr_recv && !indirect && !self.is_pointer(x.typ) && x.mode != OpMode::Variable {
                    let msg = format!(
                        "cannot call pointer method {} on {}",
                        sel.name,
                        self.type_string(x.typ)
                    );
                    self.error_at_expr(e, msg);
                    return Operand::invalid(ex);
                }
                self.record_use(sel.id, obj);
                self.add_dep(obj);
                self.info.selections.insert(
                    e.id,
                    Selection {
                        kind: SelectionKind::MethodVal,
                        recv: x.typ,
                        obj,
                        index,
                        indirect,
                    },
                );
                let typ = self.obj(obj).typ;
                Operand {
                    mode: OpMode::Value,
                    typ,
                    expr: ex,
                }
            }
            LookupResult::Ambiguous => {
                self.error(sel.pos, format!("ambiguous selector {}", expr_string(e)));
                Operand::invalid(ex)
            }
            LookupResult::NotFound => {
                let what = if matches!(self.tt.under(x.typ), Type::Interface(_))
                    && self.is_pointer(x.typ)
                {
                    format!(
                        "{} undefined (type {} is pointer to interface, not interface)",
                        expr_string(e),
                        self.type_string(x.typ)
                    )
                } else {
                    // types2 points out a selector that differs only in its first letter's
                    // case (e.g. an unexported field of another package).
                    let mut chars = sel.name.chars();
                    let other = match chars.next() {
                        Some(c) if c.is_uppercase() => c.to_lowercase().chain(chars).collect(),
                        Some(c) => c.to_uppercase().chain(chars).collect(),
                        None => String::new(),
                    };
                    let hint = if !other.is_empty()
                        && matches!(
                            self.lookup_field_or_method(x.typ, &other),
                            LookupResult::Field { .. } | LookupResult::Method { .. }
                        ) {
                        format!(", but does have {other}")
                    } else {
                        String::new()
                    };
                    format!(
                        "{} undefined (type {} has no field or method {}{})",
                        expr_string(e),
                        self.type_string(x.typ),
                        sel.name,
                        hint
                    )
                };
                self.error(sel.pos, what);
                Operand::invalid(ex)
            }
        }
    }

    /// Makes sure a method's signature has been resolved (its declaration checked).
    pub fn ensure_method(&mut self, m: crate::objects::ObjId) {
        if self.inst_origin.contains_key(&m) {
            self.resolve_instance(m);
        } else if self.extra[m.0 as usize].decl.is_some() {
            self.obj_decl(m);
        }
    }

    // ---- index and slice ----

    fn index_expr(&mut self, e: &'a Expr, xe: &'a Expr, idx: &'a [Expr]) -> Operand<'a> {
        let ex = Some(e);
        let x = self.raw_expr(xe, None, true);
        if x.is_invalid() {
            for i in idx {
                let _ = self.raw_expr(i, None, true);
            }
            return Operand::invalid(ex);
        }
        if x.mode == OpMode::TypeExpr || self.is_generic_func(&x) {
            return self.instantiate(e, x, idx);
        }
        let x = self.single_value(x);
        if x.is_invalid() {
            return Operand::invalid(ex);
        }
        if idx.len() != 1 {
            self.error(e.pos, "unexpected comma; expecting ]".to_string());
            return Operand::invalid(ex);
        }
        let ie = &idx[0];
        let u = self.core_under(x.typ).clone();
        let (elem, length, mode) = match u {
            Type::Basic(k) if k.is_string() => {
                let mode = OpMode::Value;
                let len = x.val().and_then(|v| {
                    v.as_str()
                        .map(|s| crate::constant::const_bytes(s).len() as u64)
                });
                (basic::UINT8, len, mode)
            }
            Type::Array { len, elem } => {
                let mode = if x.mode == OpMode::Variable {
                    OpMode::Variable
                } else {
                    OpMode::Value
                };
                (elem, Some(len), mode)
            }
            Type::Pointer(b) => match self.core_under(b).clone() {
                Type::Array { len, elem } => (elem, Some(len), OpMode::Variable),
                _ => return self.bad_index(e, &x),
            },
            Type::Slice(elem) => (elem, None, OpMode::Variable),
            Type::Map { key, value } => {
                let mut k = self.expr(ie);
                self.assignment(&mut k, Some(key), "map index");
                return Operand {
                    mode: OpMode::MapIndex,
                    typ: value,
                    expr: ex,
                };
            }
            _ => match self.type_param_index(x.typ) {
                Some((elem, mode)) => (elem, None, mode),
                None => return self.bad_index(e, &x),
            },
        };
        let iv = self.index_value(ie, length);
        // Constant string indexed by constant: still a (non-constant) byte value.
        if let (Some(ConstValue::String(s)), Some(i)) = (x.val(), iv) {
            let b = crate::constant::const_bytes(s);
            if (i as usize) < b.len() {
                // gc treats "abc"[1] as a non-constant byte value.
            }
        }
        Operand {
            mode,
            typ: elem,
            expr: ex,
        }
    }

    /// Indexing a type parameter without a core type: every type of its type set must be
    /// indexable (strings, arrays, pointers to arrays, slices) with one element type; the
    /// result is addressable unless a string is among them.
    fn type_param_index(&self, t: TypeId) -> Option<(TypeId, OpMode)> {
        let terms = self.type_set_terms(t)?;
        let mut elem = None;
        let mut mode = OpMode::Variable;
        for term in &terms {
            let e = match self.tt.under(term.typ) {
                Type::Basic(k) if k.is_string() => {
                    mode = OpMode::Value;
                    basic::UINT8
                }
                Type::Array { elem, .. } | Type::Slice(elem) => *elem,
                Type::Pointer(b) => match self.tt.under(*b) {
                    Type::Array { elem, .. } => *elem,
                    _ => return None,
                },
                _ => return None,
            };
            match elem {
                None => elem = Some(e),
                Some(x) if x == e => {}
                Some(_) => return None,
            }
        }
        Some((elem?, mode))
    }

    fn bad_index(&mut self, e: &'a Expr, x: &Operand<'a>) -> Operand<'a> {
        let s = self.operand_string(x);
        self.error_at_expr(e, format!("invalid operation: cannot index {s}"));
        Operand::invalid(Some(e))
    }

    /// Checks an index: integer type (untyped constants become int), non-negative and
    /// within `length` when constant. Returns the constant value if any.
    pub(super) fn index_value(&mut self, ie: &'a Expr, length: Option<u64>) -> Option<u64> {
        let mut i = self.expr(ie);
        if i.is_invalid() {
            return None;
        }
        if self.is_untyped(i.typ) {
            if let Some(v) = i.val() {
                if v.to_int().is_none() {
                    let s = self.operand_string(&i);
                    self.error_at_expr(ie, format!("invalid argument: index {s} must be integer"));
                    return None;
                }
            }
            self.convert_untyped(&mut i, basic::INT);
            if i.is_invalid() {
                return None;
            }
        }
        if !self.is_integer(i.typ) {
            let s = self.operand_string(&i);
            self.error_at_expr(ie, format!("invalid argument: index {s} must be integer"));
            return None;
        }
        if let Some(v) = i.val() {
            let iv = v.to_int()?;
            if iv.sign() == num_bigint::Sign::Minus {
                let s = self.operand_string(&i);
                self.error_at_expr(
                    ie,
                    format!("invalid argument: index {s} must not be negative"),
                );
                return None;
            }
            let n = v.as_u64()?;
            if let Some(len) = length {
                if n >= len {
                    let s = self.operand_string(&i);
                    self.error_at_expr(
                        ie,
                        format!("invalid argument: index {s} out of bounds [0:{len}]"),
                    );
                    return None;
                }
            }
            return Some(n);
        }
        None
    }

    fn slice_expr(
        &mut self,
        e: &'a Expr,
        xe: &'a Expr,
        lo: Option<&'a Expr>,
        hi: Option<&'a Expr>,
        max: Option<&'a Expr>,
        full: bool,
    ) -> Operand<'a> {
        let ex = Some(e);
        let x = self.expr(xe);
        if x.is_invalid() {
            for i in [lo, hi, max].into_iter().flatten() {
                let _ = self.expr(i);
            }
            return Operand::invalid(ex);
        }
        let u = if self.is_bytestring_param(x.typ) {
            // Spec "Core types": strings and byte slices slice alike (`bytestring`).
            Type::Basic(BasicKind::String)
        } else {
            self.core_under(x.typ).clone()
        };
        let (typ, length) = match u {
            Type::Basic(k) if k.is_string() => {
                if full {
                    self.error(e.pos, "invalid operation: 3-index slice of string");
                    return Operand::invalid(ex);
                }
                let len = x.val().and_then(|v| {
                    v.as_str()
                        .map(|s| crate::constant::const_bytes(s).len() as u64)
                });
                let t = if k == BasicKind::UntypedString {
                    basic::STRING
                } else {
                    x.typ
                };
                (t, len)
            }
            Type::Array { len, elem } => {
                if x.mode != OpMode::Variable {
                    let s = self.operand_string(&x);
                    self.error_at_expr(
                        e,
                        format!("invalid operation: {} (slice of unaddressable value)", s),
                    );
                    return Operand::invalid(ex);
                }
                (self.tt.intern(Type::Slice(elem)), Some(len))
            }
            Type::Pointer(b) => match self.core_under(b).clone() {
                Type::Array { len, elem } => (self.tt.intern(Type::Slice(elem)), Some(len)),
                _ => {
                    let s = self.operand_string(&x);
                    self.error_at_expr(e, format!("cannot slice {s}"));
                    return Operand::invalid(ex);
                }
            },
            Type::Slice(_) => (x.typ, None),
            _ => {
                let s = self.operand_string(&x);
                self.error_at_expr(e, format!("cannot slice {s}"));
                return Operand::invalid(ex);
            }
        };
        let cap = length.map(|l| l + 1);
        let mut vals = Vec::new();
        for i in [lo, hi, max] {
            match i {
                Some(ie) => vals.push(self.index_value(ie, cap)),
                None => vals.push(None),
            }
        }
        // Constant indices must be increasing.
        let mut prev: Option<u64> = None;
        for (k, v) in vals.iter().enumerate() {
            if let Some(v) = v {
                if let Some(p) = prev {
                    if *v < p {
                        let ie = [lo, hi, max][k].unwrap();
                        self.error_at_expr(ie, format!("invalid slice indices: {} < {}", v, p));
                    }
                }
                prev = Some(*v);
            }
        }
        Operand {
            mode: OpMode::Value,
            typ,
            expr: ex,
        }
    }

    // ---- composite literals ----

    fn composite_lit(
        &mut self,
        e: &'a Expr,
        te: Option<&'a Expr>,
        elems: &'a [Expr],
        hint: Option<TypeId>,
    ) -> Operand<'a> {
        let ex = Some(e);
        let typ = match te {
            Some(t) => {
                if let ExprKind::ArrayType { len: None, elem } = &t.kind {
                    // [...]T{...}: the length comes from the elements.
                    let et = self.var_type(elem);
                    let n = self.indexed_elems(elems, et, None);
                    let at = self.tt.intern(Type::Array { len: n, elem: et });
                    self.record_type_expr(t, at);
                    return Operand {
                        mode: OpMode::Value,
                        typ: at,
                        expr: ex,
                    };
                }
                self.typexpr(t)
            }
            None => match hint {
                Some(h) => {
                    // &T elided: hint may be a pointer.
                    h
                }
                None => {
                    self.error(e.pos, "invalid composite literal type: missing type");
                    return Operand::invalid(ex);
                }
            },
        };
        if typ == basic::INVALID {
            for el in elems {
                self.skip_elem(el);
            }
            return Operand::invalid(ex);
        }
        let (base, is_ptr_hint) = match (te.is_none(), self.core_under(typ).clone()) {
            (true, Type::Pointer(b)) => (b, true),
            _ => (typ, false),
        };
        match self.core_under(base).clone() {
            Type::Struct(fields) => {
                let st = self.core_type(base).unwrap_or(self.tt.underlying(base));
                if elems.is_empty() {
                } else if matches!(elems[0].kind, ExprKind::KeyValue(..)) {
                    let mut seen = std::collections::HashSet::new();
                    for el in elems {
                        let ExprKind::KeyValue(k, v) = &el.kind else {
                            self.error_at_expr(
                                el,
                                "mixture of field:value and value elements in struct literal",
                            );
                            let _ = self.expr(el);
                            continue;
                        };
                        let ExprKind::Name(kn) = &k.kind else {
                            self.error_at_expr(
                                k,
                                format!("invalid field name {} in struct literal", expr_string(k)),
                            );
                            let _ = self.expr(v);
                            continue;
                        };
                        let Some(i) = fields.iter().position(|f| &f.name == kn) else {
                            let msg = format!(
                                "unknown field '{}' in struct literal of type {}",
                                kn,
                                self.type_string(base)
                            );
                            self.error(k.pos, msg);
                            let _ = self.expr(v);
                            continue;
                        };
                        let fo = self.field_obj(st, i);
                        self.record_use(k.id, fo);
                        if !seen.insert(i) {
                            self.error(
                                k.pos,
                                format!("duplicate field name {kn} in struct literal"),
                            );
                        }
                        let mut vo = self.expr_hint(v, Some(fields[i].typ));
                        self.assignment(&mut vo, Some(fields[i].typ), "struct literal");
                    }
                } else {
                    for (i, el) in elems.iter().enumerate() {
                        if let ExprKind::KeyValue(_, v) = &el.kind {
                            self.error_at_expr(
                                el,
                                "mixture of field:value and value elements in struct literal",
                            );
                            let _ = self.expr(v);
                            continue;
                        }
                        if i >= fields.len() {
                            self.error_at_expr(
                                el,
                                format!("too many values in {}{{…}}", self.type_string(base)),
                            );
                            break;
                        }
                        let mut vo = self.expr_hint(el, Some(fields[i].typ));
                        self.assignment(&mut vo, Some(fields[i].typ), "struct literal");
                    }
                    if elems.len() < fields.len() && !elems.is_empty() {
                        let rb = match &e.kind {
                            ExprKind::CompositeLit { rbrace, .. } => *rbrace,
                            _ => e.pos,
                        };
                        self.error(
                            rb,
                            format!("too few values in {}{{…}}", self.type_string(base)),
                        );
                    }
                }
            }
            Type::Array { len, elem } => {
                self.indexed_elems(elems, elem, Some(len));
            }
            Type::Slice(elem) => {
                self.indexed_elems(elems, elem, None);
            }
            Type::Map { key, value } => {
                let mut seen_keys: Vec<ConstValue> = Vec::new();
                for el in elems {
                    let ExprKind::KeyValue(k, v) = &el.kind else {
                        self.error_at_expr(el, "missing key in map literal");
                        let _ = self.expr_hint(el, Some(value));
                        continue;
                    };
                    let mut ko = self.expr_hint(k, Some(key));
                    self.assignment(&mut ko, Some(key), "map literal");
                    if let Some(kv) = ko.val() {
                        if !self.is_interface(key) {
                            if seen_keys.contains(kv) {
                                let s = expr_string(k);
                                self.error_at_expr(k, format!("duplicate key {s} in map literal"));
                            } else {
                                seen_keys.push(kv.clone());
                            }
                        }
                    }
                    let mut vo = self.expr_hint(v, Some(value));
                    self.assignment(&mut vo, Some(value), "map literal");
                }
            }
            _ => {
                if typ != basic::INVALID {
                    let msg = format!("invalid composite literal type {}", self.type_string(typ));
                    self.error(e.pos, msg);
                }
                for el in elems {
                    self.skip_elem(el);
                }
                return Operand::invalid(ex);
            }
        }
        // With an elided `&T` (element type *T), the literal stands for `&T{...}`.
        let typ = if is_ptr_hint { typ } else { base };
        Operand {
            mode: OpMode::Value,
            typ,
            expr: ex,
        }
    }

    fn skip_elem(&mut self, el: &'a Expr) {
        match &el.kind {
            ExprKind::KeyValue(_, v) => {
                let _ = self.raw_expr(v, None, true);
            }
            _ => {
                let _ = self.raw_expr(el, None, true);
            }
        }
    }

    /// Elements of an array/slice literal; returns the length (max index + 1).
    fn indexed_elems(&mut self, elems: &'a [Expr], et: TypeId, length: Option<u64>) -> u64 {
        let mut idx: u64 = 0;
        let mut max: u64 = 0;
        let mut seen = std::collections::HashSet::new();
        for el in elems {
            let v = if let ExprKind::KeyValue(k, v) = &el.kind {
                let ko = self.expr(k);
                if let Some(kv) = ko.val().and_then(|v| v.as_u64()) {
                    if self.is_integer(ko.typ) || self.is_untyped(ko.typ) {
                        idx = kv;
                    }
                    if let Some(l) = length {
                        if kv >= l {
                            let s = self.operand_string(&ko);
                            self.error_at_expr(
                                k,
                                format!("invalid argument: index {s} out of bounds [0:{l}]"),
                            );
                        }
                    }
                } else if !ko.is_invalid() {
                    let s = self.operand_string(&ko);
                    self.error_at_expr(k, format!("index {s} must be integer constant"));
                }
                if let Some(tv) = self.info.types.get(&k.id).cloned() {
                    if self.is_untyped(tv.typ) {
                        self.info.types.insert(
                            k.id,
                            TypeAndValue {
                                typ: basic::INT,
                                ..tv
                            },
                        );
                    }
                }
                v
            } else {
                if let Some(l) = length {
                    if idx >= l {
                        self.error_at_expr(el, format!("array index {idx} out of bounds [0:{l}]"));
                    }
                }
                el
            };
            if !seen.insert(idx) {
                self.error_at_expr(
                    el,
                    format!("duplicate index {idx} in array or slice literal"),
                );
            }
            let mut vo = self.expr_hint(v, Some(et));
            self.assignment(&mut vo, Some(et), "array or slice literal");
            idx += 1;
            max = max.max(idx);
        }
        max
    }
}
