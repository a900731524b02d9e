//! Statements: blocks and scopes, control flow (if/for/range/switch/type switch/select),
//! branch and label rules (gc reports these from its syntax package; we do it here with
//! the same wording), terminating statements for `missing return`, go/defer/return.

use std::collections::HashMap;

use rgo_syntax::ast::{self, BranchKind, CommOp, Expr, ExprKind, Stmt, StmtKind, UnOp};
use rgo_syntax::Pos;

use super::{expr_string, Checker, OpMode, Operand};
use crate::info::{Mode, TypeAndValue};
use crate::objects::{ObjId, VarKind};
use crate::types::{basic, ChanDir, Type, TypeId};

#[derive(Clone, Default)]
pub(crate) struct StmtCtx<'a> {
    pub break_ok: bool,
    pub continue_ok: bool,
    pub fallthrough_ok: bool,
    pub final_case: bool,
    /// Enclosing labeled statements: (name, is loop).
    pub labels: Vec<(&'a str, bool)>,
}

/// Labels of the current function: name → (position, used).
pub(crate) type Labels = HashMap<String, (Pos, bool)>;

impl<'a> Checker<'a> {
    pub(super) fn collect_labels(&mut self, stmts: &'a [Stmt]) {
        for s in stmts {
            self.collect_labels_stmt(s);
        }
    }

    fn collect_labels_stmt(&mut self, s: &'a Stmt) {
        match &s.kind {
            StmtKind::Labeled { label, stmt } => {
                if label.name != "_" {
                    if let Some(&(p, _)) = self.labels.get(&label.name) {
                        let other = self.pos_string(self.file, p);
                        self.error(
                            label.pos,
                            format!("label {} already defined at {}", label.name, other),
                        );
                    } else {
                        self.labels.insert(label.name.clone(), (label.pos, false));
                    }
                }
                self.collect_labels_stmt(stmt);
            }
            StmtKind::Block(b) => self.collect_labels(&b.stmts),
            StmtKind::If { then, els, .. } => {
                self.collect_labels(&then.stmts);
                if let Some(e) = els {
                    self.collect_labels_stmt(e);
                }
            }
            StmtKind::For { body, .. } | StmtKind::Range { body, .. } => {
                self.collect_labels(&body.stmts)
            }
            StmtKind::Switch { clauses, .. } | StmtKind::TypeSwitch { clauses, .. } => {
                for c in clauses {
                    self.collect_labels(&c.body);
                }
            }
            StmtKind::Select { clauses, .. } => {
                for c in clauses {
                    self.collect_labels(&c.body);
                }
            }
            _ => {}
        }
    }

    pub(super) fn report_unused_labels(&mut self) {
        let mut v: Vec<(String, Pos)> = self
            .labels
            .iter()
            .filter(|(_, (_, used))| !used)
            .map(|(n, (p, _))| (n.clone(), *p))
            .collect();
        v.sort_by_key(|x| x.1);
        for (n, p) in v {
            self.error(p, format!("label {n} defined and not used"));
        }
    }

    pub(super) fn stmt_list(&mut self, stmts: &'a [Stmt], ctx: StmtCtx<'a>) {
        let n = stmts.len();
        // Trailing empty statements don't count when deciding if fallthrough is last.
        let last = stmts
            .iter()
            .rposition(|s| !matches!(s.kind, StmtKind::Empty))
            .unwrap_or(0);
        for (i, s) in stmts.iter().enumerate() {
            let mut c = ctx.clone();
            c.fallthrough_ok = ctx.fallthrough_ok && i == last;
            let _ = n;
            self.stmt(s, c);
        }
    }

    fn block(&mut self, b: &'a ast::Block, ctx: StmtCtx<'a>) {
        self.open_scope(false);
        self.stmt_list(&b.stmts, ctx);
        self.close_scope();
    }

    fn simple_stmt(&mut self, s: Option<&'a Stmt>) {
        if let Some(s) = s {
            self.stmt(s, StmtCtx::default());
        }
    }

    pub(super) fn stmt(&mut self, s: &'a Stmt, ctx: StmtCtx<'a>) {
        let inner = StmtCtx {
            fallthrough_ok: false,
            ..ctx.clone()
        };
        match &s.kind {
            StmtKind::Empty => {}
            StmtKind::Labeled { label, stmt } => {
                let is_loop = matches!(stmt.kind, StmtKind::For { .. } | StmtKind::Range { .. });
                let mut c = ctx.clone();
                c.labels.push((&label.name, is_loop));
                self.stmt(stmt, c);
            }
            StmtKind::Block(b) => self.block(b, inner),
            StmtKind::Expr(e) => self.expr_stmt(e),
            StmtKind::Send { ch, value } => {
                let c = self.expr(ch);
                let mut v = self.expr(value);
                if c.is_invalid() || v.is_invalid() {
                    return;
                }
                match self.core_under(c.typ).clone() {
                    Type::Chan { dir, elem } => {
                        if dir == ChanDir::Recv {
                            let cs = self.operand_string(&c);
                            self.error(
                                s.pos,
                                format!(
                                    "invalid operation: cannot send to receive-only channel {cs}"
                                ),
                            );
                            return;
                        }
                        self.assignment(&mut v, Some(elem), "send");
                    }
                    _ => {
                        let cs = self.operand_string(&c);
                        self.error(
                            s.pos,
                            format!("invalid operation: cannot send to non-channel {cs}"),
                        );
                    }
                }
            }
            StmtKind::IncDec { x, inc } => {
                let (t, ok) = self.lhs_var_used(x);
                if let (Some(t), true) = (t, ok) {
                    if !self.is_numeric(t) {
                        let xo = Operand {
                            mode: OpMode::Variable,
                            typ: t,
                            expr: Some(x),
                        };
                        let xs = self.operand_string(&xo);
                        let op = if *inc { "++" } else { "--" };
                        self.error_at_expr(
                            x,
                            format!(
                                "invalid operation: {}{} (non-numeric type {})",
                                expr_string(x),
                                op,
                                self.type_string(t)
                            ),
                        );
                        let _ = xs;
                    }
                }
            }
            StmtKind::Assign { lhs, op, rhs } => match op {
                None => self.assign_stmt(lhs, rhs),
                Some(op) => {
                    if lhs.len() != 1 || rhs.len() != 1 {
                        self.error(
                            s.pos,
                            format!(
                                "assignment operation {}= requires single-valued expressions",
                                op.as_str()
                            ),
                        );
                        return;
                    }
                    self.op_assign(s.pos, &lhs[0], *op, &rhs[0]);
                }
            },
            StmtKind::Define { lhs, rhs } => self.define_stmt(s.pos, lhs, rhs),
            StmtKind::Go(e) | StmtKind::Defer(e) => {
                let what = if matches!(s.kind, StmtKind::Go(_)) {
                    "go"
                } else {
                    "defer"
                };
                let mut inner_e = e;
                while let ExprKind::Paren(p) = &inner_e.kind {
                    inner_e = p;
                }
                if !matches!(inner_e.kind, ExprKind::Call { .. }) {
                    let _ = self.raw_expr(e, None, true);
                    self.error_at_expr(e, format!("expression in {what} must be function call"));
                    return;
                }
                let x = self.raw_expr(e, None, true);
                if x.is_invalid() {
                    return;
                }
                if let ExprKind::Call { fun, .. } = &inner_e.kind {
                    if let Some(tv) = self.info.types.get(&fun.id) {
                        if tv.mode == Mode::Builtin {
                            if let ExprKind::Name(n) = &fun.kind {
                                if !matches!(
                                    n.as_str(),
                                    "close"
                                        | "copy"
                                        | "delete"
                                        | "panic"
                                        | "print"
                                        | "println"
                                        | "recover"
                                ) {
                                    let xs = self.operand_string(&x);
                                    self.error_at_expr(
                                        e,
                                        format!("{what} discards result of {xs}"),
                                    );
                                }
                            }
                        }
                    }
                }
            }
            StmtKind::Return(results) => self.return_stmt(s, results),
            StmtKind::Branch { kind, label } => self.branch(s, *kind, label.as_ref(), &ctx),
            StmtKind::If {
                init,
                cond,
                then,
                els,
            } => {
                self.open_scope(false);
                self.simple_stmt(init.as_deref());
                let c = self.expr(cond);
                if !c.is_invalid() && !self.is_boolean(c.typ) {
                    self.error_at_expr(cond, "non-boolean condition in if statement");
                }
                self.block(then, inner.clone());
                if let Some(e) = els {
                    match &e.kind {
                        StmtKind::If { .. } => self.stmt(e, inner.clone()),
                        StmtKind::Block(b) => self.block(b, inner.clone()),
                        _ => self.stmt(e, inner.clone()),
                    }
                }
                self.close_scope();
            }
            StmtKind::Switch {
                init, tag, clauses, ..
            } => {
                self.open_scope(false);
                self.simple_stmt(init.as_deref());
                let mut tx = match tag {
                    Some(t) => {
                        let mut x = self.expr(t);
                        self.assignment(&mut x, None, "switch expression");
                        if !x.is_invalid() && !self.comparable(x.typ) && !self.has_nil(x.typ) {
                            let xs = self.operand_string(&x);
                            self.error_at_expr(t, format!("cannot switch on {xs}"));
                            x.mode = OpMode::Invalid;
                        }
                        Some(x)
                    }
                    None => None,
                };
                let mut defaults = 0;
                let mut seen: Vec<(crate::constant::ConstValue, TypeId, Pos)> = Vec::new();
                let nclauses = clauses.len();
                for (ci, cl) in clauses.iter().enumerate() {
                    if cl.is_default {
                        defaults += 1;
                        if defaults > 1 {
                            self.error(cl.pos, "multiple defaults in switch");
                        }
                    }
                    for ce in &cl.exprs {
                        match &mut tx {
                            Some(x) => {
                                if x.is_invalid() {
                                    let _ = self.expr(ce);
                                    continue;
                                }
                                let mut y = self.expr(ce);
                                if y.is_invalid() {
                                    continue;
                                }
                                let mut xc = x.clone();
                                self.case_compare(&mut xc, &mut y, ce);
                                if let Some(v) = y.val() {
                                    if let Some((_, _, p)) =
                                        seen.iter().find(|(sv, st, _)| sv == v && *st == y.typ)
                                    {
                                        let other = self.pos_string(self.file, *p);
                                        self.error_at_expr(ce, format!("duplicate case {} in expression switch\n\t{}: previous case", expr_string(ce), other));
                                    } else {
                                        seen.push((v.clone(), y.typ, super::start_pos(ce)));
                                    }
                                }
                            }
                            None => {
                                let mut y = self.expr(ce);
                                if y.is_invalid() {
                                    continue;
                                }
                                if !self.is_boolean(y.typ) {
                                    let ys = self.operand_string(&y);
                                    self.error_at_expr(ce, format!("invalid case {} in switch (mismatched types {} and bool)", expr_string(ce), self.type_string(y.typ)));
                                    let _ = ys;
                                    continue;
                                }
                                self.convert_untyped(&mut y, basic::BOOL);
                            }
                        }
                    }
                    self.open_scope(false);
                    let c = StmtCtx {
                        break_ok: true,
                        fallthrough_ok: true,
                        final_case: ci + 1 == nclauses,
                        ..inner.clone()
                    };
                    self.stmt_list(&cl.body, c);
                    self.close_scope();
                }
                self.close_scope();
            }
            StmtKind::TypeSwitch {
                init,
                bind,
                x,
                clauses,
                ..
            } => {
                self.open_scope(false);
                self.simple_stmt(init.as_deref());
                let xo = self.expr(x);
                let xt = xo.typ;
                let valid = !xo.is_invalid();
                if valid && !self.is_interface(xt) {
                    let xs = self.operand_string(&xo);
                    self.error_at_expr(x, format!("{} is not an interface", xs));
                }
                let mut defaults = 0;
                let mut bind_objs: Vec<ObjId> = Vec::new();
                for cl in clauses {
                    if cl.is_default {
                        defaults += 1;
                        if defaults > 1 {
                            self.error(cl.pos, "multiple defaults in switch");
                        }
                    }
                    let mut single: Option<TypeId> = None;
                    for ce in &cl.exprs {
                        let t = if matches!(&ce.kind, ExprKind::Name(n) if n == "nil")
                            && self.lookup("nil").is_some_and(|o| {
                                matches!(self.obj(o).kind, crate::objects::ObjKind::Nil)
                            }) {
                            let o = self.lookup("nil").unwrap();
                            self.record_use(ce.id, o);
                            self.info.types.insert(
                                ce.id,
                                TypeAndValue {
                                    mode: Mode::Value,
                                    typ: basic::UNTYPED_NIL,
                                },
                            );
                            basic::UNTYPED_NIL
                        } else {
                            let t = self.typexpr(ce);
                            if t != basic::INVALID
                                && valid
                                && self.is_interface(xt)
                                && !self.is_interface(t)
                                && !self.is_type_param(t)
                            {
                                if let Some(reason) = self.missing_method(t, xt) {
                                    let msg = format!(
                                        "impossible type switch case: {} cannot have dynamic type {} {}",
                                        self.operand_string(&xo),
                                        self.type_string(t),
                                        reason
                                    );
                                    self.error_at_expr(ce, msg);
                                }
                            }
                            t
                        };
                        single = if cl.exprs.len() == 1 { Some(t) } else { None };
                    }
                    self.open_scope(false);
                    if let (Some(b), Some(imp)) = (bind, &cl.implicit) {
                        let t = match single {
                            Some(t) if t != basic::UNTYPED_NIL => t,
                            _ => xt,
                        };
                        let v = self.new_var(&b.name, imp.pos, VarKind::Local, t);
                        self.info.implicits.insert(imp.id, v);
                        let sc = self.scope;
                        if b.name != "_" {
                            self.scopes[sc].names.insert(b.name.clone(), v);
                        }
                        bind_objs.push(v);
                    } else if let Some(b) = bind {
                        // The parser did not provide an implicit ident: declare under the bind.
                        let t = match single {
                            Some(t) if t != basic::UNTYPED_NIL => t,
                            _ => xt,
                        };
                        let v = self.new_var(&b.name, b.pos, VarKind::Local, t);
                        let sc = self.scope;
                        if b.name != "_" {
                            self.scopes[sc].names.insert(b.name.clone(), v);
                        }
                        bind_objs.push(v);
                    }
                    let c = StmtCtx {
                        break_ok: true,
                        ..inner.clone()
                    };
                    self.stmt_list(&cl.body, c);
                    self.close_scope();
                }
                if let Some(b) = bind {
                    let used = bind_objs.iter().any(|&v| self.extra[v.0 as usize].used);
                    if b.name != "_" && !used {
                        self.error(b.pos, format!("{} declared but not used", b.name));
                    }
                    // Record the bind ident itself as defining the first clause's object.
                    if let Some(&first) = bind_objs.first() {
                        self.info.defs.insert(b.id, first);
                    }
                    for v in bind_objs {
                        self.extra[v.0 as usize].used = true;
                    }
                }
                self.close_scope();
            }
            StmtKind::Select { clauses, .. } => {
                let mut defaults = 0;
                for cl in clauses {
                    self.open_scope(false);
                    match &cl.comm {
                        CommOp::Default => {
                            defaults += 1;
                            if defaults > 1 {
                                self.error(cl.pos, "multiple defaults in select");
                            }
                        }
                        CommOp::Send { ch, value } => {
                            let st = Stmt {
                                pos: cl.pos,
                                kind: StmtKind::Empty,
                            };
                            let _ = st;
                            let c = self.expr(ch);
                            let mut v = self.expr(value);
                            if !c.is_invalid() && !v.is_invalid() {
                                match self.core_under(c.typ).clone() {
                                    Type::Chan { dir, elem } if dir != ChanDir::Recv => {
                                        self.assignment(&mut v, Some(elem), "send")
                                    }
                                    _ => {
                                        let cs = self.operand_string(&c);
                                        self.error_at_expr(ch, format!("invalid operation: cannot send to non-channel {cs}"));
                                    }
                                }
                            }
                        }
                        CommOp::Recv { lhs, define, recv } => {
                            let mut r = recv;
                            while let ExprKind::Paren(p) = &r.kind {
                                r = p;
                            }
                            if !matches!(r.kind, ExprKind::Unary(UnOp::Recv, _)) {
                                self.error_at_expr(
                                    recv,
                                    "select case must be receive, send or assign recv",
                                );
                            }
                            if lhs.is_empty() {
                                let _ = self.expr(recv);
                            } else if *define {
                                self.define_stmt(cl.pos, lhs, std::slice::from_ref(recv));
                            } else {
                                self.assign_stmt(lhs, std::slice::from_ref(recv));
                            }
                        }
                    }
                    let c = StmtCtx {
                        break_ok: true,
                        ..inner.clone()
                    };
                    self.stmt_list(&cl.body, c);
                    self.close_scope();
                }
            }
            StmtKind::For {
                init,
                cond,
                post,
                body,
            } => {
                self.open_scope(false);
                self.simple_stmt(init.as_deref());
                if let Some(c) = cond {
                    let x = self.expr(c);
                    if !x.is_invalid() && !self.is_boolean(x.typ) {
                        self.error_at_expr(c, "non-boolean condition in for statement");
                    }
                }
                if let Some(p) = post {
                    if matches!(p.kind, StmtKind::Define { .. }) {
                        self.error(p.pos, "cannot declare in post statement of for loop");
                    }
                    self.simple_stmt(Some(p));
                }
                let c = StmtCtx {
                    break_ok: true,
                    continue_ok: true,
                    ..inner.clone()
                };
                self.block(body, c);
                self.close_scope();
            }
            StmtKind::Range {
                key,
                value,
                define,
                x,
                body,
            } => {
                self.open_scope(false);
                self.range_stmt(s, key.as_ref(), value.as_ref(), *define, x);
                let c = StmtCtx {
                    break_ok: true,
                    continue_ok: true,
                    ..inner.clone()
                };
                self.block(body, c);
                self.close_scope();
            }
            StmtKind::Decl(decls) => {
                if self.generic_body && decls.iter().any(|d| matches!(d, ast::Decl::Type(_))) {
                    self.error(
                        s.pos,
                        "type declarations inside generic functions are not currently supported",
                    );
                }
                self.local_decls(decls)
            }
        }
    }

    /// `switch x { case y: }` compares like `x == y`.
    fn case_compare(&mut self, x: &mut Operand<'a>, y: &mut Operand<'a>, ce: &'a Expr) {
        self.match_types(y, x);
        if x.is_invalid() || y.is_invalid() {
            return;
        }
        let (a, _) = self.assignable_to(y, x.typ);
        let (b, _) = self.assignable_to(x, y.typ);
        if !a && !b {
            let xs = x.expr.map(expr_string).unwrap_or_default();
            let msg = format!(
                "invalid case {} in switch on {} (mismatched types {} and {})",
                expr_string(ce),
                xs,
                self.type_string(y.typ),
                self.type_string(x.typ)
            );
            self.error_at_expr(ce, msg);
            return;
        }
        if !self.comparable(y.typ) && y.mode != OpMode::Nil {
            let msg = format!(
                "invalid case {} in switch (can only compare {} to nil)",
                expr_string(ce),
                expr_string(ce)
            );
            self.error_at_expr(ce, msg);
        }
    }

    fn expr_stmt(&mut self, e: &'a Expr) {
        let x = self.raw_expr(e, None, true);
        let msg = match &x.mode {
            OpMode::Invalid => return,
            OpMode::Builtin(_) => "must be called",
            OpMode::TypeExpr => "is not an expression",
            OpMode::NoValue => return,
            _ => {
                let mut inner = e;
                while let ExprKind::Paren(p) = &inner.kind {
                    inner = p;
                }
                match &inner.kind {
                    ExprKind::Call { fun, .. } => {
                        // Calls are fine, except of builtins that produce values and conversions.
                        let fm = self.info.types.get(&fun.id).map(|t| t.mode.clone());
                        match fm {
                            Some(Mode::Type) => "is not used",
                            Some(Mode::Builtin) => {
                                let name = match &fun.kind {
                                    ExprKind::Name(n) => n.as_str(),
                                    ExprKind::Selector(_, s) => s.name.as_str(),
                                    _ => "",
                                };
                                if matches!(name, "copy" | "recover") {
                                    return;
                                }
                                "is not used"
                            }
                            _ => return,
                        }
                    }
                    ExprKind::Unary(UnOp::Recv, _) => return,
                    _ => "is not used",
                }
            }
        };
        let s = self.operand_string(&x);
        self.error_at_expr(e, format!("{s} {msg}"));
    }

    fn return_stmt(&mut self, s: &'a Stmt, results: &'a [Expr]) {
        let Some(fc) = self.func.clone() else { return };
        let want = fc.results.clone();
        if results.is_empty() {
            if !want.is_empty() && !fc.named_results {
                let w: Vec<String> = want.iter().map(|&t| self.type_string(t)).collect();
                self.error(
                    s.pos,
                    format!(
                        "not enough return values\n\thave ()\n\twant ({})",
                        w.join(", ")
                    ),
                );
            }
            if fc.named_results {
                // Named results shadowed by a local declaration cannot be returned implicitly.
                self.check_result_shadowing(s);
            }
            return;
        }
        if want.is_empty() {
            let _ = results.iter().map(|r| self.multi_expr(r, true)).count();
            let have = self.have_list(results);
            self.error_at_expr(
                &results[0],
                format!("too many return values\n\thave ({have})\n\twant ()"),
            );
            return;
        }
        if results.len() == 1 && want.len() > 1 {
            let x = self.multi_expr(&results[0], true);
            let Some(types) = self.tuple_types(&x) else {
                return;
            };
            if types.len() != want.len() {
                // gc summarises an untyped numeric constant as "number".
                let is_num_const = x.val().is_some()
                    && types.len() == 1
                    && self.is_untyped(types[0])
                    && self.is_numeric(types[0]);
                let have: Vec<String> = if is_num_const {
                    vec!["number".to_string()]
                } else {
                    types.iter().map(|&t| self.type_string(t)).collect()
                };
                let w: Vec<String> = want.iter().map(|&t| self.type_string(t)).collect();
                let which = if types.len() < want.len() {
                    "not enough"
                } else {
                    "too many"
                };
                self.error_at_expr(
                    &results[0],
                    format!(
                        "{} return values\n\thave ({})\n\twant ({})",
                        which,
                        have.join(", "),
                        w.join(", ")
                    ),
                );
                return;
            }
            for (i, &t) in types.iter().enumerate() {
                let xo = Operand {
                    mode: OpMode::Value,
                    typ: t,
                    expr: None,
                };
                if !self.assignable_to(&xo, want[i]).0 {
                    let msg = format!(
                        "cannot use {} value as type {} in return statement",
                        self.type_string(t),
                        self.type_string(want[i])
                    );
                    self.error_at_expr(&results[0], msg);
                }
            }
            return;
        }
        if results.len() != want.len() {
            let mut ops = Vec::new();
            for r in results {
                ops.push(self.expr(r));
            }
            if ops.iter().any(|o| o.is_invalid()) {
                return;
            }
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
            let w: Vec<String> = want.iter().map(|&t| self.type_string(t)).collect();
            let (which, at) = if results.len() < want.len() {
                ("not enough", s.pos)
            } else {
                ("too many", super::start_pos(&results[want.len()]))
            };
            self.error(
                at,
                format!(
                    "{} return values\n\thave ({})\n\twant ({})",
                    which,
                    have.join(", "),
                    w.join(", ")
                ),
            );
            return;
        }
        for (i, r) in results.iter().enumerate() {
            let mut x = self.expr_hint(r, Some(want[i]));
            self.assignment(&mut x, Some(want[i]), "return statement");
        }
    }

    fn have_list(&mut self, results: &'a [Expr]) -> String {
        let mut v = Vec::new();
        for r in results {
            let t = self
                .info
                .types
                .get(&r.id)
                .map(|t| (t.typ, matches!(t.mode, Mode::Constant(_))));
            v.push(match t {
                Some((t, c)) if c && self.is_untyped(t) && self.is_numeric(t) => "number".into(),
                Some((t, _)) => self.type_string(t),
                None => "invalid type".into(),
            });
        }
        v.join(", ")
    }

    fn check_result_shadowing(&mut self, _s: &'a Stmt) {}

    fn branch(
        &mut self,
        s: &'a Stmt,
        kind: BranchKind,
        label: Option<&'a ast::Ident>,
        ctx: &StmtCtx<'a>,
    ) {
        match kind {
            BranchKind::Break | BranchKind::Continue => {
                let name = if kind == BranchKind::Break {
                    "break"
                } else {
                    "continue"
                };
                if let Some(l) = label {
                    if let Some(e) = self.labels.get_mut(&l.name) {
                        e.1 = true;
                    }
                    match ctx.labels.iter().rev().find(|(n, _)| *n == l.name) {
                        Some((_, is_loop)) => {
                            if kind == BranchKind::Continue && !is_loop {
                                self.error(l.pos, format!("invalid continue label {}", l.name));
                            }
                        }
                        None => {
                            if self.labels.contains_key(&l.name) {
                                self.error(l.pos, format!("invalid {} label {}", name, l.name));
                            } else {
                                self.error(
                                    l.pos,
                                    format!("{} label not defined: {}", name, l.name),
                                );
                            }
                        }
                    }
                    return;
                }
                if kind == BranchKind::Break && !ctx.break_ok {
                    self.error(s.pos, "break is not in a loop, switch, or select");
                } else if kind == BranchKind::Continue && !ctx.continue_ok {
                    self.error(s.pos, "continue is not in a loop");
                }
            }
            BranchKind::Goto => {
                if let Some(l) = label {
                    match self.labels.get_mut(&l.name) {
                        Some(e) => e.1 = true,
                        None => self.error(l.pos, format!("label {} not defined", l.name)),
                    }
                }
            }
            BranchKind::Fallthrough => {
                if !ctx.fallthrough_ok {
                    self.error(s.pos, "fallthrough statement out of place");
                } else if ctx.final_case {
                    self.error(s.pos, "cannot fallthrough final case in switch");
                }
            }
        }
    }

    fn range_stmt(
        &mut self,
        s: &'a Stmt,
        key: Option<&'a Expr>,
        value: Option<&'a Expr>,
        define: bool,
        x: &'a Expr,
    ) {
        let mut xo = self.expr(x);
        let (kt, vt): (TypeId, Option<TypeId>) = if xo.is_invalid() {
            (basic::INVALID, Some(basic::INVALID))
        } else {
            if self.is_untyped(xo.typ) {
                self.default_convert(&mut xo);
            }
            let mut u = self.core_under(xo.typ).clone();
            if let Type::Pointer(p) = &u {
                if let Type::Array { .. } = self.core_under(*p) {
                    u = self.core_under(*p).clone();
                }
            }
            match u {
                Type::Basic(k) if k.is_string() => (basic::INT, Some(basic::INT32)),
                Type::Array { elem, .. } | Type::Slice(elem) => (basic::INT, Some(elem)),
                Type::Map { key, value } => (key, Some(value)),
                Type::Chan { dir, elem } => {
                    if dir == ChanDir::Send {
                        let xs = self.operand_string(&xo);
                        self.error_at_expr(
                            x,
                            format!(
                                "invalid operation: range {} receive from send-only channel",
                                xs
                            ),
                        );
                    }
                    if let Some(v) = value {
                        self.error_at_expr(
                            v,
                            format!(
                                "range over {} permits only one iteration variable",
                                self.operand_string(&xo)
                            ),
                        );
                    }
                    (elem, None)
                }
                _ => {
                    let xs = self.operand_string(&xo);
                    self.error_at_expr(x, format!("cannot range over {xs}"));
                    (basic::INVALID, Some(basic::INVALID))
                }
            }
        };
        let vars = [(key, Some(kt)), (value, vt)];
        if define {
            let mut new_objs = Vec::new();
            for (e, t) in vars {
                let Some(e) = e else { continue };
                let ExprKind::Name(n) = &e.kind else {
                    self.error_at_expr(
                        e,
                        format!("non-name {} on left side of :=", expr_string(e)),
                    );
                    continue;
                };
                let t = t.unwrap_or(basic::INVALID);
                let o = self.new_var(n, e.pos, VarKind::Local, t);
                self.info.defs.insert(e.id, o);
                self.info.types.insert(
                    e.id,
                    TypeAndValue {
                        mode: Mode::Variable,
                        typ: t,
                    },
                );
                new_objs.push((n.clone(), o));
            }
            let sc = self.scope;
            for (n, o) in new_objs {
                if n != "_" {
                    self.scopes[sc].names.insert(n, o);
                    self.locals.push(o);
                }
            }
            let _ = s;
        } else {
            for (e, t) in vars {
                let Some(e) = e else { continue };
                let Some(t) = t else { continue };
                if matches!(&e.kind, ExprKind::Name(n) if n == "_") {
                    continue;
                }
                let (lt, ok) = self.lhs_var_for_range(e);
                if let (Some(lt), true) = (lt, ok) {
                    let xo = Operand {
                        mode: OpMode::Value,
                        typ: t,
                        expr: None,
                    };
                    if !self.assignable_to(&xo, lt).0 {
                        let msg = format!(
                            "cannot assign {} to {} (variable of type {}) in range",
                            self.type_string(t),
                            expr_string(e),
                            self.type_string(lt)
                        );
                        self.error_at_expr(e, msg);
                    }
                }
            }
        }
    }

    fn lhs_var_for_range(&mut self, e: &'a Expr) -> (Option<TypeId>, bool) {
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

    // ---- terminating statements (spec "Terminating statements") ----

    pub(super) fn is_terminating_list(&self, stmts: &[Stmt], label: &str) -> bool {
        // Trailing empty statements are ignored.
        match stmts
            .iter()
            .rev()
            .find(|s| !matches!(s.kind, StmtKind::Empty))
        {
            Some(s) => self.is_terminating(s, label),
            None => false,
        }
    }

    fn is_terminating(&self, s: &Stmt, label: &str) -> bool {
        match &s.kind {
            StmtKind::Return(_) => true,
            StmtKind::Branch {
                kind: BranchKind::Goto,
                ..
            }
            | StmtKind::Branch {
                kind: BranchKind::Fallthrough,
                ..
            } => true,
            StmtKind::Expr(e) => {
                let mut e = e;
                while let ExprKind::Paren(p) = &e.kind {
                    e = p;
                }
                if let ExprKind::Call { fun, .. } = &e.kind {
                    if let ExprKind::Name(n) = &fun.kind {
                        if n == "panic" {
                            if let Some(o) = self.info.uses.get(&fun.id) {
                                return matches!(
                                    self.obj(*o).kind,
                                    crate::objects::ObjKind::Builtin(
                                        crate::objects::Builtin::Panic
                                    )
                                );
                            }
                        }
                    }
                }
                false
            }
            StmtKind::Block(b) => self.is_terminating_list(&b.stmts, ""),
            StmtKind::Labeled { label, stmt } => self.is_terminating(stmt, &label.name),
            StmtKind::If { then, els, .. } => {
                els.as_ref().is_some_and(|e| self.is_terminating(e, ""))
                    && self.is_terminating_list(&then.stmts, "")
            }
            StmtKind::For { cond, body, .. } => {
                cond.is_none() && !has_break(&body.stmts, label, true)
            }
            StmtKind::Range { .. } => false,
            StmtKind::Switch { clauses, .. } | StmtKind::TypeSwitch { clauses, .. } => {
                clauses.iter().any(|c| c.is_default)
                    && clauses.iter().all(|c| {
                        self.is_terminating_list(&c.body, "") && !has_break(&c.body, label, true)
                    })
            }
            StmtKind::Select { clauses, .. } => clauses
                .iter()
                .all(|c| self.is_terminating_list(&c.body, "") && !has_break(&c.body, label, true)),
            _ => false,
        }
    }
}

/// Whether `stmts` contain a `break` that refers to the enclosing statement (unlabeled at
/// this level, or labeled with `label`).
fn has_break(stmts: &[Stmt], label: &str, top: bool) -> bool {
    stmts.iter().any(|s| has_break_stmt(s, label, top))
}

fn has_break_stmt(s: &Stmt, label: &str, top: bool) -> bool {
    match &s.kind {
        StmtKind::Branch {
            kind: BranchKind::Break,
            label: l,
        } => match l {
            None => top,
            Some(l) => l.name == label && !label.is_empty(),
        },
        StmtKind::Block(b) => has_break(&b.stmts, label, top),
        StmtKind::Labeled { stmt, .. } => has_break_stmt(stmt, label, top),
        StmtKind::If { then, els, .. } => {
            has_break(&then.stmts, label, top)
                || els.as_ref().is_some_and(|e| has_break_stmt(e, label, top))
        }
        // Nested breakable statements capture unlabeled breaks.
        StmtKind::For { body, .. } | StmtKind::Range { body, .. } => {
            has_break(&body.stmts, label, false)
        }
        StmtKind::Switch { clauses, .. } | StmtKind::TypeSwitch { clauses, .. } => {
            clauses.iter().any(|c| has_break(&c.body, label, false))
        }
        StmtKind::Select { clauses, .. } => {
            clauses.iter().any(|c| has_break(&c.body, label, false))
        }
        _ => false,
    }
}

#[allow(dead_code)]
fn unused(_: &Operand<'_>, _: Mode, _: TypeAndValue) {}
