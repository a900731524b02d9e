//! Builtin functions (spec "Built-in functions") and package unsafe's functions; each has
//! its own argument rules and constant-folding cases (`len` of arrays and constant strings).

use rgo_syntax::ast::Expr;

use super::{expr_string, Checker, OpMode, Operand};
use crate::constant::ConstValue;
use crate::objects::Builtin;
use crate::types::{basic, BasicKind, Type, TypeId};

impl<'a> Checker<'a> {
    pub(super) fn builtin(
        &mut self,
        e: &'a Expr,
        b: Builtin,
        args: &'a [Expr],
        dots: bool,
    ) -> Operand<'a> {
        let ex = Some(e);
        let name = match b {
            Builtin::Append => "append",
            Builtin::Cap => "cap",
            Builtin::Close => "close",
            Builtin::Complex => "complex",
            Builtin::Copy => "copy",
            Builtin::Delete => "delete",
            Builtin::Imag => "imag",
            Builtin::Len => "len",
            Builtin::Make => "make",
            Builtin::New => "new",
            Builtin::Panic => "panic",
            Builtin::Print => "print",
            Builtin::Println => "println",
            Builtin::Real => "real",
            Builtin::Recover => "recover",
            Builtin::Add => "unsafe.Add",
            Builtin::Alignof => "unsafe.Alignof",
            Builtin::Offsetof => "unsafe.Offsetof",
            Builtin::Sizeof => "unsafe.Sizeof",
            Builtin::Slice => "unsafe.Slice",
        };
        let (min, max): (usize, Option<usize>) = match b {
            Builtin::Append => (1, None),
            Builtin::Cap
            | Builtin::Len
            | Builtin::Close
            | Builtin::Imag
            | Builtin::Real
            | Builtin::New => (1, Some(1)),
            Builtin::Panic | Builtin::Alignof | Builtin::Offsetof | Builtin::Sizeof => (1, Some(1)),
            Builtin::Complex | Builtin::Copy | Builtin::Delete | Builtin::Add | Builtin::Slice => {
                (2, Some(2))
            }
            Builtin::Make => (1, Some(3)),
            Builtin::Print | Builtin::Println => (0, None),
            Builtin::Recover => (0, Some(0)),
        };
        if dots && b != Builtin::Append {
            self.error_at_expr(
                e,
                format!("invalid operation: invalid use of ... with built-in {name}"),
            );
            return Operand::invalid(ex);
        }
        // A single multi-value call may supply several arguments (print(f()), complex(f())).
        if args.len() == 1
            && min <= 2
            && max.is_none_or(|m| m >= 2)
            && matches!(args[0].kind, rgo_syntax::ast::ExprKind::Call { .. })
            && matches!(
                b,
                Builtin::Print | Builtin::Println | Builtin::Complex | Builtin::Append
            )
        {
            let (ops, spread) = self.eval_args(args, false);
            if spread {
                if b == Builtin::Append {
                    let st = ops[0].typ;
                    if let Type::Slice(elem) = self.core_under(st).clone() {
                        for o in &ops[1..] {
                            if !self.assignable_to(o, elem).0 {
                                let msg = format!(
                                    "cannot use {} value as type {} in argument to append",
                                    self.type_string(o.typ),
                                    self.type_string(elem)
                                );
                                self.error_at_expr(&args[0], msg);
                            }
                        }
                        return Operand {
                            mode: OpMode::Value,
                            typ: st,
                            expr: ex,
                        };
                    }
                    self.error_at_expr(
                        &args[0],
                        format!("invalid argument: {} is not a slice", self.type_string(st)),
                    );
                    return Operand::invalid(ex);
                }
                if b == Builtin::Complex {
                    let rt = match (
                        ops.len(),
                        self.kind(ops[0].typ),
                        self.kind(ops.get(1).map(|o| o.typ).unwrap_or(basic::INVALID)),
                    ) {
                        (2, Some(BasicKind::Float32), Some(BasicKind::Float32)) => basic::COMPLEX64,
                        (2, Some(BasicKind::Float64), Some(BasicKind::Float64)) => {
                            basic::COMPLEX128
                        }
                        _ => {
                            self.error_at_expr(e, format!("invalid operation: {} (arguments must be two floating-point values)", expr_string(e)));
                            return Operand::invalid(ex);
                        }
                    };
                    return Operand {
                        mode: OpMode::Value,
                        typ: rt,
                        expr: ex,
                    };
                }
                return self.no_value(e);
            }
            if b == Builtin::Append {
                // Not spread: fall back to the ordinary single-argument handling below.
                let x = ops.into_iter().next().unwrap_or(Operand::invalid(None));
                if x.is_invalid() {
                    return Operand::invalid(ex);
                }
                if let Type::Slice(_) = self.core_under(x.typ) {
                    return Operand {
                        mode: OpMode::Value,
                        typ: x.typ,
                        expr: ex,
                    };
                }
                let s = self.operand_string(&x);
                self.error_at_expr(&args[0], format!("invalid argument: {s} is not a slice"));
                return Operand::invalid(ex);
            }
            if b != Builtin::Complex {
                let mut x = ops.into_iter().next().unwrap_or(Operand::invalid(None));
                if x.mode == OpMode::Nil {
                    self.error_at_expr(
                        &args[0],
                        "use of untyped nil in argument to built-in print",
                    );
                } else {
                    self.assignment(&mut x, None, &format!("argument to built-in {name}"));
                }
                return self.no_value(e);
            }
            self.error(
                e.pos,
                format!(
                    "not enough arguments for {} (expected 2, found 1)",
                    expr_string(e)
                ),
            );
            return Operand::invalid(ex);
        }
        if args.len() < min || max.is_some_and(|m| args.len() > m) {
            for a in args {
                let _ = self.raw_expr(a, None, true);
            }
            let msg = if args.len() < min {
                "not enough"
            } else {
                "too many"
            };
            let s = expr_string(e);
            let at = if args.len() < min {
                e.pos
            } else {
                args[max.unwrap_or(0)].pos
            };
            self.error(
                at,
                format!(
                    "{msg} arguments for {s} (expected {min}, found {})",
                    args.len()
                ),
            );
            return Operand::invalid(ex);
        }
        match b {
            Builtin::Len | Builtin::Cap => {
                let x = self.expr(&args[0]);
                if x.is_invalid() {
                    return Operand::invalid(ex);
                }
                let u = self.core_under(x.typ).clone();
                let arr = match &u {
                    Type::Array { len, .. } => Some(*len),
                    Type::Pointer(p) => match self.core_under(*p) {
                        Type::Array { len, .. } => Some(*len),
                        _ => None,
                    },
                    _ => None,
                };
                let ok = match &u {
                    Type::Basic(k) => k.is_string() && b == Builtin::Len,
                    Type::Array { .. } | Type::Slice(_) | Type::Chan { .. } => true,
                    Type::Map { .. } => b == Builtin::Len,
                    Type::Pointer(_) => arr.is_some(),
                    Type::Interface(_) if self.is_type_param(x.typ) => true,
                    _ => false,
                };
                if !ok {
                    let s = self.operand_string(&x);
                    self.error_at_expr(&args[0], format!("invalid argument: {s} for {name}"));
                    return Operand::invalid(ex);
                }
                if let Some(ConstValue::String(s)) = x.val() {
                    let n = crate::constant::const_bytes(s).len() as i64;
                    let mut xs = x.clone();
                    self.default_convert(&mut xs);
                    return Operand {
                        mode: OpMode::Constant(ConstValue::int(n)),
                        typ: basic::INT,
                        expr: ex,
                    };
                }
                if let Some(n) = arr {
                    if !contains_call_or_recv(&args[0]) {
                        return Operand {
                            mode: OpMode::Constant(ConstValue::int(n as i64)),
                            typ: basic::INT,
                            expr: ex,
                        };
                    }
                }
                Operand {
                    mode: OpMode::Value,
                    typ: basic::INT,
                    expr: ex,
                }
            }
            Builtin::Append => {
                let s = self.expr(&args[0]);
                if s.is_invalid() {
                    for a in &args[1..] {
                        let _ = self.expr(a);
                    }
                    return Operand::invalid(ex);
                }
                let st = s.typ;
                let Type::Slice(elem) = self.core_under(st).clone() else {
                    if s.mode == OpMode::Nil {
                        self.error_at_expr(
                            &args[0],
                            "first argument to append must be a typed slice; found untyped nil",
                        );
                    } else {
                        let os = self.operand_string(&s);
                        self.error_at_expr(
                            &args[0],
                            format!(
                                "invalid argument: {os} (variable of type {}) is not a slice",
                                self.type_string(st)
                            )
                            .replace(&format!(" (variable of type {})", self.type_string(st)), ""),
                        );
                    }
                    for a in &args[1..] {
                        let _ = self.expr(a);
                    }
                    return Operand::invalid(ex);
                };
                if dots {
                    if args.len() != 2 {
                        self.error_at_expr(e, "can only use ... with final argument in list");
                        return Operand::invalid(ex);
                    }
                    let mut y = self.expr(&args[1]);
                    if y.is_invalid() {
                        return Operand::invalid(ex);
                    }
                    // append([]byte, string...) is allowed (also for a type parameter
                    // whose types are all strings or byte slices).
                    let bytes_or_string = self.is_string(y.typ)
                        || self.type_set_terms(y.typ).is_some_and(|ts| {
                            ts.iter().all(|term| {
                                self.is_string(term.typ)
                                    || matches!(self.tt.under(term.typ), Type::Slice(e)
                                        if self.tt.basic_kind(*e) == Some(BasicKind::Uint8))
                            })
                        });
                    if (elem == basic::UINT8 || self.tt.basic_kind(elem) == Some(BasicKind::Uint8))
                        && bytes_or_string
                    {
                        self.convert_untyped(&mut y, basic::STRING);
                        return Operand {
                            mode: OpMode::Value,
                            typ: st,
                            expr: ex,
                        };
                    }
                    let want = self.tt.intern(Type::Slice(elem));
                    self.assignment(&mut y, Some(want), "append");
                    return Operand {
                        mode: OpMode::Value,
                        typ: st,
                        expr: ex,
                    };
                }
                for a in &args[1..] {
                    let mut y = self.expr_hint(a, Some(elem));
                    self.assignment(&mut y, Some(elem), "argument to append");
                }
                Operand {
                    mode: OpMode::Value,
                    typ: st,
                    expr: ex,
                }
            }
            Builtin::Close => {
                let x = self.expr(&args[0]);
                if x.is_invalid() {
                    return Operand::invalid(ex);
                }
                // A type parameter: every type of its type set must be a channel (they
                // need not share a core type).
                let u = match self.type_set_terms(x.typ) {
                    Some(ts)
                        if ts
                            .iter()
                            .all(|t| matches!(self.tt.under(t.typ), Type::Chan { .. })) =>
                    {
                        let recv_only = ts.iter().any(|t| {
                            matches!(
                                self.tt.under(t.typ),
                                Type::Chan {
                                    dir: crate::types::ChanDir::Recv,
                                    ..
                                }
                            )
                        });
                        let dir = if recv_only {
                            crate::types::ChanDir::Recv
                        } else {
                            crate::types::ChanDir::Both
                        };
                        Type::Chan {
                            dir,
                            elem: basic::INVALID,
                        }
                    }
                    _ => self.core_under(x.typ).clone(),
                };
                match u {
                    Type::Chan { dir, .. } => {
                        if dir == crate::types::ChanDir::Recv {
                            let s = self.operand_string(&x);
                            self.error_at_expr(
                                &args[0],
                                format!("invalid operation: cannot close receive-only channel {s}"),
                            );
                        }
                    }
                    _ => {
                        let s = self.operand_string(&x);
                        self.error_at_expr(
                            &args[0],
                            format!("invalid operation: cannot close non-channel {s}"),
                        );
                    }
                }
                self.no_value(e)
            }
            Builtin::Complex => {
                let mut x = self.expr(&args[0]);
                let mut y = self.expr(&args[1]);
                if x.is_invalid() || y.is_invalid() {
                    return Operand::invalid(ex);
                }
                // Untyped operands follow the other's type; both untyped → untyped complex.
                let (xu, yu) = (self.is_untyped(x.typ), self.is_untyped(y.typ));
                if xu && !yu {
                    let t = y.typ;
                    self.convert_untyped(&mut x, t);
                } else if yu && !xu {
                    let t = x.typ;
                    self.convert_untyped(&mut y, t);
                }
                if x.is_invalid() || y.is_invalid() {
                    return Operand::invalid(ex);
                }
                if xu && yu {
                    if let (Some(a), Some(b)) = (x.val(), y.val()) {
                        match (a.to_rat(), b.to_rat()) {
                            (Some(re), Some(im)) => {
                                return Operand {
                                    mode: OpMode::Constant(ConstValue::Complex(re, im)),
                                    typ: basic::UNTYPED_COMPLEX,
                                    expr: ex,
                                };
                            }
                            _ => {
                                self.error_at_expr(
                                    e,
                                    "invalid operation: complex arguments must be real",
                                );
                                return Operand::invalid(ex);
                            }
                        }
                    }
                    self.convert_untyped(&mut x, basic::FLOAT64);
                    self.convert_untyped(&mut y, basic::FLOAT64);
                }
                if x.typ != y.typ {
                    let msg = format!(
                        "invalid operation: {} (mismatched types {} and {})",
                        expr_string(e),
                        self.type_string(x.typ),
                        self.type_string(y.typ)
                    );
                    self.error_at_expr(e, msg);
                    return Operand::invalid(ex);
                }
                let rt = match self.kind(x.typ) {
                    Some(BasicKind::Float32) => basic::COMPLEX64,
                    Some(BasicKind::Float64) => basic::COMPLEX128,
                    _ => {
                        let s = self.operand_string(&x);
                        self.error_at_expr(
                            &args[0],
                            format!(
                                "invalid argument: arguments have type {}, expected floating-point",
                                self.type_string(x.typ)
                            ),
                        );
                        let _ = s;
                        return Operand::invalid(ex);
                    }
                };
                if let (Some(a), Some(b)) = (x.val(), y.val()) {
                    if let (Some(re), Some(im)) = (a.to_rat(), b.to_rat()) {
                        return Operand {
                            mode: OpMode::Constant(ConstValue::Complex(re, im)),
                            typ: rt,
                            expr: ex,
                        };
                    }
                }
                Operand {
                    mode: OpMode::Value,
                    typ: rt,
                    expr: ex,
                }
            }
            Builtin::Real | Builtin::Imag => {
                let mut x = self.expr(&args[0]);
                if x.is_invalid() {
                    return Operand::invalid(ex);
                }
                if self.is_untyped(x.typ) {
                    if let Some(v) = x.val() {
                        if let Some((re, im)) = v.to_complex() {
                            let r = if b == Builtin::Real { re } else { im };
                            return Operand {
                                mode: OpMode::Constant(ConstValue::Float(r)),
                                typ: basic::UNTYPED_FLOAT,
                                expr: ex,
                            };
                        }
                    }
                    self.convert_untyped(&mut x, basic::COMPLEX128);
                }
                let rt = match self.kind(x.typ) {
                    Some(BasicKind::Complex64) => basic::FLOAT32,
                    Some(BasicKind::Complex128) => basic::FLOAT64,
                    _ => {
                        let s = self.operand_string(&x);
                        self.error_at_expr(
                            &args[0],
                            format!("invalid argument: {s} not of complex type"),
                        );
                        return Operand::invalid(ex);
                    }
                };
                if let Some(v) = x.val() {
                    if let Some((re, im)) = v.to_complex() {
                        let r = if b == Builtin::Real { re } else { im };
                        return Operand {
                            mode: OpMode::Constant(ConstValue::Float(r)),
                            typ: rt,
                            expr: ex,
                        };
                    }
                }
                Operand {
                    mode: OpMode::Value,
                    typ: rt,
                    expr: ex,
                }
            }
            Builtin::Copy => {
                let x = self.expr(&args[0]);
                let mut y = self.expr(&args[1]);
                if x.is_invalid() || y.is_invalid() {
                    return Operand::invalid(ex);
                }
                let Type::Slice(de) = self.core_under(x.typ).clone() else {
                    let s = self.operand_string(&x);
                    self.error_at_expr(
                        e,
                        format!(
                            "invalid argument: copy expects slice arguments; found {} and {}",
                            s,
                            self.operand_string(&y)
                        ),
                    );
                    return Operand::invalid(ex);
                };
                let ok = match self.core_under(y.typ).clone() {
                    Type::Slice(se) => se == de,
                    Type::Basic(k) if k.is_string() => {
                        self.convert_untyped(&mut y, basic::STRING);
                        self.tt.basic_kind(de) == Some(BasicKind::Uint8)
                    }
                    _ => false,
                };
                if !ok {
                    let msg = format!(
                        "invalid argument: arguments to copy {} and {} have different element types {} and {}",
                        self.operand_string(&x),
                        self.operand_string(&y),
                        self.type_string(de),
                        match self.core_under(y.typ) {
                            Type::Slice(se) => self.type_string(*se),
                            _ => self.type_string(y.typ),
                        }
                    );
                    self.error_at_expr(e, msg);
                    return Operand::invalid(ex);
                }
                Operand {
                    mode: OpMode::Value,
                    typ: basic::INT,
                    expr: ex,
                }
            }
            Builtin::Delete => {
                let m = self.expr(&args[0]);
                if m.is_invalid() {
                    let _ = self.expr(&args[1]);
                    return Operand::invalid(ex);
                }
                // A type parameter's maps need only share their key type.
                let shared_key = self.type_set_terms(m.typ).and_then(|ts| {
                    let keys: Vec<Option<TypeId>> = ts
                        .iter()
                        .map(|t| match self.tt.under(t.typ) {
                            Type::Map { key, .. } => Some(*key),
                            _ => None,
                        })
                        .collect();
                    match keys.first() {
                        Some(&Some(k)) if keys.iter().all(|&x| x == Some(k)) => Some(k),
                        _ => None,
                    }
                });
                let u = match shared_key {
                    Some(key) => Type::Map {
                        key,
                        value: basic::INVALID,
                    },
                    None => self.core_under(m.typ).clone(),
                };
                let Type::Map { key, .. } = u else {
                    let s = self.operand_string(&m);
                    self.error_at_expr(&args[0], format!("invalid argument: {s} is not a map"));
                    let _ = self.expr(&args[1]);
                    return Operand::invalid(ex);
                };
                let mut k = self.expr(&args[1]);
                self.assignment(&mut k, Some(key), "argument to delete");
                self.no_value(e)
            }
            Builtin::Make => {
                let t = self.var_type(&args[0]);
                if t == basic::INVALID {
                    for a in &args[1..] {
                        let _ = self.expr(a);
                    }
                    return Operand::invalid(ex);
                }
                let min = match self.core_under(t) {
                    Type::Slice(_) => 2,
                    Type::Map { .. } | Type::Chan { .. } => 1,
                    _ => {
                        let s = expr_string(&args[0]);
                        self.error_at_expr(&args[0], format!("invalid argument: cannot make {s}; type must be slice, map, or channel"));
                        for a in &args[1..] {
                            let _ = self.expr(a);
                        }
                        return Operand::invalid(ex);
                    }
                };
                if args.len() < min || (min == 1 && args.len() > 2) {
                    let s = expr_string(&args[0]);
                    let msg = {
                        format!(
                            "invalid operation: {} expects {} or {} arguments; found {}",
                            expr_string(e),
                            min,
                            min + 1,
                            args.len()
                        )
                    };
                    let _ = s;
                    self.error_at_expr(e, msg);
                    return Operand::invalid(ex);
                }
                let mut sizes = Vec::new();
                for a in &args[1..] {
                    sizes.push(self.size_arg(a));
                }
                if let (Some(Some(l)), Some(Some(c))) = (sizes.first(), sizes.get(1)) {
                    if l > c {
                        self.error_at_expr(
                            &args[1],
                            "invalid argument: length and capacity swapped".to_string(),
                        );
                    }
                }
                Operand {
                    mode: OpMode::Value,
                    typ: t,
                    expr: ex,
                }
            }
            Builtin::New => {
                let t = self.var_type(&args[0]);
                if t == basic::INVALID {
                    return Operand::invalid(ex);
                }
                let p = self.tt.intern(Type::Pointer(t));
                Operand {
                    mode: OpMode::Value,
                    typ: p,
                    expr: ex,
                }
            }
            Builtin::Panic => {
                let mut x = self.expr(&args[0]);
                let empty = self.empty_interface();
                self.assignment(&mut x, Some(empty), "argument to panic");
                self.no_value(e)
            }
            Builtin::Print | Builtin::Println => {
                for a in args {
                    let mut x = self.expr(a);
                    if x.mode == OpMode::Nil {
                        self.error_at_expr(a, "use of untyped nil in argument to built-in print");
                        continue;
                    }
                    self.assignment(&mut x, None, &format!("argument to built-in {name}"));
                }
                self.no_value(e)
            }
            Builtin::Recover => {
                let empty = self.empty_interface();
                Operand {
                    mode: OpMode::Value,
                    typ: empty,
                    expr: ex,
                }
            }
            Builtin::Sizeof | Builtin::Alignof => {
                let mut x = self.expr(&args[0]);
                if x.is_invalid() {
                    return Operand::invalid(ex);
                }
                self.assignment(&mut x, None, "argument to unsafe.Sizeof");
                let (size, align) = self.size_align(x.typ);
                let v = if b == Builtin::Sizeof { size } else { align };
                Operand {
                    mode: OpMode::Constant(ConstValue::int(v as i64)),
                    typ: basic::UINTPTR,
                    expr: ex,
                }
            }
            Builtin::Offsetof => {
                let a = &args[0];
                let mut inner = a;
                while let rgo_syntax::ast::ExprKind::Paren(p) = &inner.kind {
                    inner = p;
                }
                let rgo_syntax::ast::ExprKind::Selector(base, _) = &inner.kind else {
                    self.error_at_expr(
                        a,
                        format!(
                            "invalid argument: {} is not a selector expression",
                            expr_string(a)
                        ),
                    );
                    let _ = self.expr(a);
                    return Operand::invalid(ex);
                };
                let x = self.expr(inner);
                if x.is_invalid() {
                    return Operand::invalid(ex);
                }
                let Some(sel) = self.info.selections.get(&inner.id).cloned() else {
                    return Operand::invalid(ex);
                };
                if sel.kind != crate::info::SelectionKind::FieldVal {
                    self.error_at_expr(
                        a,
                        format!("invalid argument: {} is a method value", expr_string(a)),
                    );
                    return Operand::invalid(ex);
                }
                let bt = self
                    .info
                    .types
                    .get(&base.id)
                    .map(|t| t.typ)
                    .unwrap_or(basic::INVALID);
                let off = self.offset_of(bt, &sel.index);
                Operand {
                    mode: OpMode::Constant(ConstValue::int(off as i64)),
                    typ: basic::UINTPTR,
                    expr: ex,
                }
            }
            Builtin::Add => {
                let mut p = self.expr(&args[0]);
                self.assignment(
                    &mut p,
                    Some(basic::UNSAFE_POINTER),
                    "argument to unsafe.Add",
                );
                self.unsafe_len_arg(&args[1], true);
                Operand {
                    mode: OpMode::Value,
                    typ: basic::UNSAFE_POINTER,
                    expr: ex,
                }
            }
            Builtin::Slice => {
                let p = self.expr(&args[0]);
                self.unsafe_len_arg(&args[1], false);
                if p.is_invalid() {
                    return Operand::invalid(ex);
                }
                let Type::Pointer(elem) = self.core_under(p.typ).clone() else {
                    let s = self.operand_string(&p);
                    self.error_at_expr(&args[0], format!("invalid argument: {s} is not a pointer"));
                    return Operand::invalid(ex);
                };
                let st = self.tt.intern(Type::Slice(elem));
                Operand {
                    mode: OpMode::Value,
                    typ: st,
                    expr: ex,
                }
            }
        }
    }

    fn no_value(&mut self, e: &'a Expr) -> Operand<'a> {
        let t = self.tt.intern(Type::Tuple(vec![]));
        Operand {
            mode: OpMode::NoValue,
            typ: t,
            expr: Some(e),
        }
    }

    pub fn empty_interface(&mut self) -> TypeId {
        self.tt.intern(Type::Interface(crate::types::Interface {
            methods: vec![],
            terms: None,
            comparable: false,
        }))
    }

    /// A length/capacity/size argument: integer (untyped constants become int), non-negative.
    fn size_arg(&mut self, a: &'a Expr) -> Option<u64> {
        let mut x = self.expr(a);
        if x.is_invalid() {
            return None;
        }
        if self.is_untyped(x.typ) {
            if let Some(v) = x.val() {
                if v.to_int().is_none() {
                    let s = self.operand_string(&x);
                    self.error_at_expr(a, format!("{s} truncated to int"));
                    return None;
                }
            }
            self.convert_untyped(&mut x, basic::INT);
        }
        if x.is_invalid() {
            return None;
        }
        if !(self.is_integer(x.typ)
            || (self.is_float(x.typ) && x.val().is_some_and(|v| v.to_int().is_some())))
        {
            let s = self.operand_string(&x);
            self.error_at_expr(a, format!("cannot convert {s} to type int"));
            return None;
        }
        if let Some(v) = x.val() {
            if v.sign() == num_bigint::Sign::Minus {
                let s = self.operand_string(&x);
                self.error_at_expr(
                    a,
                    format!("invalid argument: index {s} must not be negative"),
                );
                return None;
            }
            return v.as_u64();
        }
        None
    }

    /// The length operand of `unsafe.Add` and `unsafe.Slice`: any integer type (untyped
    /// constants become `int`); a constant must fit in an `int` and, unless
    /// `allow_negative`, not be negative.
    fn unsafe_len_arg(&mut self, a: &'a Expr, allow_negative: bool) {
        let mut x = self.expr(a);
        if !x.is_invalid() && self.is_untyped(x.typ) {
            self.convert_untyped(&mut x, basic::INT);
        }
        if x.is_invalid() {
            return;
        }
        let s = self.operand_string(&x);
        if !self.is_integer(x.typ) {
            self.error_at_expr(a, format!("invalid argument: length {s} must be integer"));
            return;
        }
        if let Some(v) = x.val() {
            if !allow_negative && v.sign() == num_bigint::Sign::Minus {
                let msg = format!("invalid argument: length {s} must not be negative");
                self.error_at_expr(a, msg);
            } else if v.as_i64().is_none() {
                self.error_at_expr(a, format!("invalid argument: length {s} overflows int"));
            }
        }
    }

    /// Size and alignment on linux/amd64 (gc's layout rules).
    pub fn size_align(&self, t: TypeId) -> (u64, u64) {
        self.size_align_depth(t, 0)
    }

    fn size_align_depth(&self, t: TypeId, d: usize) -> (u64, u64) {
        if d > 100 {
            return (0, 1);
        }
        match self.tt.under(t) {
            Type::Basic(k) => {
                let s = k.size();
                let a = match k {
                    BasicKind::Complex128 | BasicKind::String => 8,
                    BasicKind::Complex64 => 4,
                    _ => s.max(1),
                };
                (s, a)
            }
            Type::Pointer(_) | Type::Map { .. } | Type::Chan { .. } | Type::Signature(_) => (8, 8),
            Type::Slice(_) => (24, 8),
            Type::Interface(_) => (16, 8),
            Type::Array { len, elem } => {
                let (s, a) = self.size_align_depth(*elem, d + 1);
                (s.saturating_mul(*len), a)
            }
            Type::Struct(fs) => {
                let mut off = 0u64;
                let mut maxa = 1u64;
                let n = fs.len();
                for (i, f) in fs.iter().enumerate() {
                    let (s, a) = self.size_align_depth(f.typ, d + 1);
                    off = off.div_ceil(a) * a;
                    off += s;
                    maxa = maxa.max(a);
                    // A trailing zero-size field gets padding so &x.f stays in bounds.
                    if i + 1 == n && s == 0 && off > 0 {
                        off += 1;
                    }
                }
                (off.div_ceil(maxa) * maxa, maxa)
            }
            _ => (0, 1),
        }
    }

    fn offset_of(&self, t: TypeId, path: &[usize]) -> u64 {
        let mut t = t;
        let mut total = 0;
        for &i in path {
            if let Type::Pointer(b) = self.tt.under(t) {
                t = *b;
            }
            let Type::Struct(fs) = self.tt.under(t).clone() else {
                return total;
            };
            let mut off = 0u64;
            for (j, f) in fs.iter().enumerate() {
                let (s, a) = self.size_align(f.typ);
                off = off.div_ceil(a) * a;
                if j == i {
                    break;
                }
                off += s;
            }
            total += off;
            t = fs.get(i).map(|f| f.typ).unwrap_or(basic::INVALID);
        }
        total
    }
}

/// `len(a)` of an array is constant unless the argument contains a call or receive.
fn contains_call_or_recv(e: &Expr) -> bool {
    use rgo_syntax::ast::{ExprKind as K, UnOp};
    match &e.kind {
        K::Call { .. } => true,
        K::Unary(UnOp::Recv, _) => true,
        K::Paren(x) | K::Star(x) | K::Unary(_, x) => contains_call_or_recv(x),
        K::Selector(x, _) => contains_call_or_recv(x),
        K::Index(x, i) => contains_call_or_recv(x) || i.iter().any(contains_call_or_recv),
        K::Binary(_, x, y) => contains_call_or_recv(x) || contains_call_or_recv(y),
        _ => false,
    }
}
