//! Statements: assignments, declarations, control flow.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::types::I64;
use cranelift_codegen::ir::{Block, InstBuilder};
use cranelift_module::Module;
use rgo_syntax::ast::{self, BinOp, Expr, ExprKind, Stmt, StmtKind};
use rgo_syntax::Pos;
use rgo_types::{ObjId, Type, TypeId};

use super::{FnLower, Target, Val, R};

/// An assignment target with its operands evaluated.
pub(super) enum Lvalue {
    Blank,
    Var(ObjId),
    Addr(cranelift_codegen::ir::Value),
    /// `m[k]`: the map type, the map, and the evaluated key.
    MapIndex(TypeId, cranelift_codegen::ir::Value, super::maps::MapKey),
}
use crate::layout::parts;

impl<M: Module> FnLower<'_, '_, '_, M> {
    // ---- statements ----

    pub(super) fn block(&mut self, stmts: &[Stmt]) -> R<()> {
        for s in stmts {
            self.stmt(s)?;
        }
        Ok(())
    }

    pub(super) fn stmt(&mut self, s: &Stmt) -> R<()> {
        self.set_pos(s.pos);
        match &s.kind {
            StmtKind::Empty => Ok(()),
            StmtKind::Block(b) => self.block(&b.stmts),
            StmtKind::Expr(e) => {
                self.expr(e)?;
                Ok(())
            }
            StmtKind::Decl(decls) => {
                for d in decls {
                    if let ast::Decl::Var(v) = d {
                        self.var_decl(v)?;
                    }
                }
                Ok(())
            }
            StmtKind::Define { lhs, rhs } => self.assign(lhs, rhs, true, s.pos),
            StmtKind::Assign { lhs, op: None, rhs } => self.assign(lhs, rhs, false, s.pos),
            StmtKind::Assign {
                lhs,
                op: Some(op),
                rhs,
            } => {
                let (x, y) = (&lhs[0], &rhs[0]);
                let ty = self.type_of(x)?;
                let place = self.lvalue(x)?;
                let yt = self.type_of(y)?;
                if let Lvalue::MapIndex(mt, h, key) = place {
                    // As gc (order.go): `m[k] op= y` evaluates y first, then finds or
                    // inserts the slot once and updates it in place; `/` and `%` look the
                    // key up and insert it only after dividing, so that a division by zero
                    // inserts nothing.
                    let bv = self.expr(y)?;
                    if !matches!(op, BinOp::Div | BinOp::Rem) {
                        return self.map_update(mt, h, key, ty, *op, yt, bv, s.pos);
                    }
                    let a = self.map_read(mt, h, key, x.pos)?;
                    let r = self.binary_values(*op, ty, yt, ty, a, bv, s.pos)?;
                    return self.write_lvalue(place, ty, r, x.pos);
                }
                let a = self.read_lvalue(&place, ty, x.pos)?;
                let bv = self.expr(y)?;
                let r = self.binary_values(*op, ty, yt, ty, a, bv, s.pos)?;
                self.write_lvalue(place, ty, r, x.pos)
            }
            StmtKind::IncDec { x, inc } => {
                let ty = self.type_of(x)?;
                let place = self.lvalue(x)?;
                let op = if *inc { BinOp::Add } else { BinOp::Sub };
                if let Lvalue::MapIndex(mt, h, key) = place {
                    let one = self.one_of(ty, x.pos)?;
                    return self.map_update(mt, h, key, ty, op, ty, one, s.pos);
                }
                let a = self.read_lvalue(&place, ty, x.pos)?;
                let one = self.one_of(ty, x.pos)?;
                let r = self.binary_values(op, ty, ty, ty, a, one, s.pos)?;
                self.write_lvalue(place, ty, r, x.pos)
            }
            StmtKind::Return(results) => self.return_stmt(results, s.pos),
            StmtKind::If {
                init,
                cond,
                then,
                els,
            } => {
                if let Some(i) = init {
                    self.stmt(i)?;
                }
                let c = self.expr(cond)?[0];
                let tb = self.b.create_block();
                let eb = self.b.create_block();
                let done = self.b.create_block();
                self.b.ins().brif(c, tb, &[], eb, &[]);
                self.b.switch_to_block(tb);
                self.block(&then.stmts)?;
                self.jump(done);
                self.b.switch_to_block(eb);
                if let Some(e) = els {
                    self.stmt(e)?;
                }
                self.jump(done);
                self.b.switch_to_block(done);
                Ok(())
            }
            StmtKind::For {
                init,
                cond,
                post,
                body,
            } => self.for_stmt(None, init, cond.as_ref(), post, body),
            StmtKind::Switch {
                init, tag, clauses, ..
            } => self.switch_stmt(None, init, tag.as_ref(), clauses),
            StmtKind::Labeled { label, stmt } => {
                let blk = self.label_block(&label.name);
                self.jump(blk);
                self.b.switch_to_block(blk);
                let name = Some(label.name.clone());
                match &stmt.kind {
                    StmtKind::For {
                        init,
                        cond,
                        post,
                        body,
                    } => self.for_stmt(name, init, cond.as_ref(), post, body),
                    StmtKind::Switch {
                        init, tag, clauses, ..
                    } => self.switch_stmt(name, init, tag.as_ref(), clauses),
                    StmtKind::Range {
                        key,
                        value,
                        define,
                        x,
                        body,
                    } => self.range_stmt(
                        name,
                        key.as_ref(),
                        value.as_ref(),
                        *define,
                        x,
                        body,
                        stmt.pos,
                    ),
                    StmtKind::Select { clauses, .. } => self.select_stmt(name, clauses),
                    StmtKind::TypeSwitch {
                        init, x, clauses, ..
                    } => self.type_switch(name, init, x, clauses),
                    _ => self.stmt(stmt),
                }
            }
            StmtKind::Branch { kind, label } => {
                let lname = label.as_ref().map(|l| l.name.as_str());
                let dest = match kind {
                    ast::BranchKind::Goto => {
                        let name = lname.unwrap_or_default().to_string();
                        Some(self.label_block(&name))
                    }
                    ast::BranchKind::Fallthrough => self.fallthrough,
                    ast::BranchKind::Break => self
                        .targets
                        .iter()
                        .rev()
                        .find(|t| lname.is_none() || t.label.as_deref() == lname)
                        .map(|t| t.brk),
                    ast::BranchKind::Continue => self
                        .targets
                        .iter()
                        .rev()
                        .filter(|t| t.cont.is_some())
                        .find(|t| lname.is_none() || t.label.as_deref() == lname)
                        .and_then(|t| t.cont),
                };
                let dest = dest.ok_or_else(|| self.err(s.pos, "invalid branch target"))?;
                self.b.ins().jump(dest, &[]);
                self.start_dead_block();
                Ok(())
            }
            StmtKind::Send { ch, value } => self.send(ch, value),
            StmtKind::Go(call) => self.go_stmt(call),
            StmtKind::Defer(call) => self.defer_stmt(call),
            StmtKind::TypeSwitch {
                init, x, clauses, ..
            } => self.type_switch(None, init, x, clauses),
            StmtKind::Select { clauses, .. } => self.select_stmt(None, clauses),
            StmtKind::Range {
                key,
                value,
                define,
                x,
                body,
            } => self.range_stmt(None, key.as_ref(), value.as_ref(), *define, x, body, s.pos),
        }
    }

    /// Lowers a loop body whose `break` goes to `exit` and `continue` to `latch`, then
    /// falls into `latch` (where the caller advances the loop).
    pub(super) fn loop_body(
        &mut self,
        label: Option<String>,
        stmts: &[Stmt],
        exit: Block,
        latch: Block,
    ) -> R<()> {
        self.targets.push(Target {
            label,
            brk: exit,
            cont: Some(latch),
        });
        self.block(stmts)?;
        self.targets.pop();
        self.jump(latch);
        self.b.switch_to_block(latch);
        Ok(())
    }

    pub(super) fn label_block(&mut self, name: &str) -> Block {
        if let Some(&b) = self.labels.get(name) {
            return b;
        }
        let b = self.b.create_block();
        self.labels.insert(name.to_string(), b);
        b
    }

    pub(super) fn var_decl(&mut self, v: &ast::VarDecl) -> R<()> {
        let objs: Vec<Option<ObjId>> = v
            .names
            .iter()
            .map(|n| self.cx.info.defs.get(&n.id).copied())
            .collect();
        let vals = self.rhs_values(&v.values, v.names.len())?;
        for (i, o) in objs.into_iter().enumerate() {
            let Some(o) = o else { continue };
            let ty = self.cx.pkg.obj(o).typ;
            let init = match vals.as_ref().map(|vs| vs[i].clone()) {
                Some((from, val)) => Some(self.convert_value(val, from, ty, v.pos)?),
                None => None,
            };
            self.declare_local(o, ty, init);
        }
        Ok(())
    }

    /// Evaluates right-hand sides left to right into one value per left-hand side (a
    /// single multi-value call is split). `None` when there are no values.
    pub(super) fn rhs_values(&mut self, rhs: &[Expr], n: usize) -> R<Option<Vec<(TypeId, Val)>>> {
        if rhs.is_empty() {
            return Ok(None);
        }
        if rhs.len() == 1 && n > 1 {
            let ty = self.type_of(&rhs[0])?;
            let all = self.expr(&rhs[0])?;
            let elems = match self.types().get(ty) {
                Type::Tuple(ts) => ts.clone(),
                _ => return Err(self.unsupported(rhs[0].pos, "this multi-value expression")),
            };
            let mut out = Vec::new();
            let mut off = 0;
            for t in elems {
                let k = parts(self.types(), t).len();
                out.push((t, all[off..off + k].to_vec()));
                off += k;
            }
            return Ok(Some(out));
        }
        let mut out = Vec::new();
        for e in rhs {
            let t = self.type_of(e)?;
            out.push((t, self.expr(e)?));
        }
        Ok(Some(out))
    }

    pub(super) fn assign(&mut self, lhs: &[Expr], rhs: &[Expr], define: bool, _pos: Pos) -> R<()> {
        // Phase one: the left side's index and indirection operands, then the right side;
        // phase two: the assignments, left to right.
        let mut places: Vec<Option<Lvalue>> = Vec::new();
        for x in lhs {
            let new_var = define && self.cx.info.defs.contains_key(&x.id);
            let blank = matches!(&x.kind, ExprKind::Name(n) if n == "_");
            places.push(if new_var || blank {
                None
            } else {
                Some(self.lvalue(x)?)
            });
        }
        let vals = match self.map_comma_ok_blank(lhs, rhs)? {
            Some(v) => v,
            None => self.rhs_values(rhs, lhs.len())?.unwrap_or_default(),
        };
        // Convert each value to its target's type (interfaces box here); with several
        // targets, memory-typed values are copied first so that earlier assignments
        // cannot change them.
        let mut ready = Vec::new();
        for ((x, (from, v)), place) in lhs.iter().zip(vals).zip(&places) {
            // A redeclared variable in `a, b := ...` has no recorded expression type.
            let target = match place {
                Some(Lvalue::Var(o)) => Some(self.cx.pkg.obj(*o).typ),
                Some(Lvalue::Blank) => None,
                Some(Lvalue::Addr(_)) | Some(Lvalue::MapIndex(..)) => Some(self.type_of(x)?),
                None => self
                    .cx
                    .info
                    .defs
                    .get(&x.id)
                    .map(|&o| self.cx.pkg.obj(o).typ),
            };
            let v = match target {
                Some(t) => {
                    let v = self.convert_value(v, from, t, x.pos)?;
                    if lhs.len() > 1 {
                        self.stable_copy(t, v)
                    } else {
                        v
                    }
                }
                None => v,
            };
            ready.push((target, v));
        }
        for ((x, (target, v)), place) in lhs.iter().zip(ready).zip(places) {
            match (place, target) {
                (Some(p), Some(ty)) => self.write_lvalue(p, ty, v, x.pos)?,
                (Some(_), None) => {}
                (None, _) => {
                    if let Some(&o) = self.cx.info.defs.get(&x.id) {
                        let ty = self.cx.pkg.obj(o).typ;
                        self.declare_local(o, ty, Some(v));
                    }
                }
            }
        }
        Ok(())
    }

    /// Resolves the operands of an assignment target: a variable, or an address.
    pub(super) fn lvalue(&mut self, x: &Expr) -> R<Lvalue> {
        if let Some(o) = self.qualified(x) {
            return Ok(Lvalue::Var(o));
        }
        match &x.kind {
            ExprKind::Paren(inner) => self.lvalue(inner),
            ExprKind::Name(n) if n == "_" => Ok(Lvalue::Blank),
            ExprKind::Name(_) => {
                let obj = self.cx.info.uses.get(&x.id).copied();
                let obj = obj.ok_or_else(|| self.err(x.pos, "unresolved name"))?;
                Ok(Lvalue::Var(obj))
            }
            ExprKind::Index(m, idx)
                if matches!(self.types().under(self.type_of(m)?), Type::Map { .. }) =>
            {
                let (mt, h, key) = self.map_and_key(m, &idx[0], x.pos)?;
                Ok(Lvalue::MapIndex(mt, h, key))
            }
            _ => Ok(Lvalue::Addr(self.place(x)?)),
        }
    }

    pub(super) fn read_lvalue(&mut self, p: &Lvalue, ty: TypeId, pos: Pos) -> R<Val> {
        match p {
            Lvalue::Blank => Ok(self.zero_value(ty)),
            Lvalue::Var(o) => self.read_var(*o, pos),
            Lvalue::Addr(a) => Ok(self.load_value(*a, ty)),
            Lvalue::MapIndex(mt, h, key) => self.map_read(*mt, *h, *key, pos),
        }
    }

    pub(super) fn write_lvalue(&mut self, p: Lvalue, ty: TypeId, v: Val, pos: Pos) -> R<()> {
        match p {
            Lvalue::Blank => Ok(()),
            Lvalue::Var(o) => self.write_var(o, v, pos),
            Lvalue::Addr(a) => {
                self.store_value(a, ty, &v);
                Ok(())
            }
            Lvalue::MapIndex(mt, h, key) => {
                let slot = self.map_assign_slot(mt, h, key, pos)?;
                self.store_value(slot, ty, &v);
                Ok(())
            }
        }
    }

    pub(super) fn store_to(&mut self, x: &Expr, v: Val) -> R<()> {
        let ty = self.type_of(x)?;
        let p = self.lvalue(x)?;
        self.write_lvalue(p, ty, v, x.pos)
    }

    pub(super) fn return_stmt(&mut self, results: &[Expr], pos: Pos) -> R<()> {
        let mut vals = Vec::new();
        if results.is_empty() {
            if let Some(objs) = self.named_results.clone() {
                for o in objs {
                    vals.extend(self.read_var(o, pos)?);
                }
            }
        } else if results.len() == 1 && self.result_types.len() > 1 {
            let t = self.type_of(&results[0])?;
            let v = self.expr(&results[0])?;
            vals = self.copy_tuple(t, v);
        } else {
            for (e, t) in results.iter().zip(self.result_types.clone()) {
                vals.extend(self.expr_as(e, t)?);
            }
        }
        self.ret(vals)
    }

    fn run_defers(&mut self) -> R<()> {
        let g = self.g;
        let fp = self.b.ins().get_frame_pointer(I64);
        self.call_rt(rgo_abi::entry::DEFERRETURN, &[g, fp])?;
        Ok(())
    }

    pub(super) fn ret(&mut self, mut vals: Val) -> R<()> {
        if vals.is_empty() {
            if let Some(objs) = self.named_results.clone() {
                for o in objs {
                    vals.extend(self.read_var(o, Pos(0))?);
                }
            }
        }
        if self.has_defer {
            // Deferred calls run after the results are set and may change named results.
            if let Some(objs) = self.named_results.clone() {
                let mut off = 0;
                for o in &objs {
                    let n = parts(self.types(), self.cx.pkg.obj(*o).typ).len();
                    let part = vals[off..off + n].to_vec();
                    off += n;
                    self.write_var(*o, part, Pos(0))?;
                }
                self.run_defers()?;
                vals.clear();
                for o in objs {
                    vals.extend(self.read_var(o, Pos(0))?);
                }
            } else {
                let mut off = 0;
                let mut stable = Vec::new();
                for ty in self.result_types.clone() {
                    let n = parts(self.types(), ty).len();
                    let part = vals[off..off + n].to_vec();
                    off += n;
                    stable.extend(self.stable_copy(ty, part));
                }
                vals = stable;
                self.run_defers()?;
            }
        }
        // Memory-typed results go through the caller's result pointers; the rest return.
        let mut regs = Vec::new();
        let (mut off, mut k) = (0, 0);
        for ty in self.result_types.clone() {
            let n = parts(self.types(), ty).len();
            let part = &vals[off..off + n];
            off += n;
            if self.is_mem(ty) {
                let dst = self.result_ptrs[k];
                k += 1;
                // Result pointers are the caller's stack temporaries.
                self.store_value_init(dst, ty, part);
            } else {
                regs.extend_from_slice(part);
            }
        }
        self.b.ins().return_(&regs);
        self.start_dead_block();
        Ok(())
    }

    /// `for k, v := range x` over strings, arrays, pointers to arrays and slices. The range
    /// expression is evaluated once; the iteration variables are one pair of variables for
    /// the whole loop (Go 1.19), assigned at the top of each iteration.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn range_stmt(
        &mut self,
        label: Option<String>,
        key: Option<&Expr>,
        value: Option<&Expr>,
        define: bool,
        x: &Expr,
        body: &ast::Block,
        pos: Pos,
    ) -> R<()> {
        let xt = self.type_of(x)?;
        let is_string = self.kind_of(xt) == Some(rgo_types::BasicKind::String);
        let value = value.filter(|v| !matches!(&v.kind, ExprKind::Name(n) if n == "_"));
        let key = key.filter(|k| !matches!(&k.kind, ExprKind::Name(n) if n == "_"));
        // (base address, length, element type); for strings the bytes.
        let (base, len, elem) = if is_string {
            let v = self.expr(x)?;
            (v[0], v[1], None)
        } else {
            match self.types().under(xt).clone() {
                Type::Slice(e) => {
                    let v = self.expr(x)?;
                    (v[0], v[1], Some(e))
                }
                Type::Array { len, elem } => {
                    // The array is copied when its elements are used (value semantics).
                    let v = self.expr(x)?;
                    let v = if value.is_some() {
                        self.stable_copy(xt, v)
                    } else {
                        v
                    };
                    (v[0], self.b.ins().iconst(I64, len as i64), Some(elem))
                }
                Type::Pointer(p) => match self.types().under(p).clone() {
                    Type::Array { len, elem } => {
                        let v = self.expr(x)?;
                        if value.is_some() {
                            self.nil_check(v[0])?;
                        }
                        (v[0], self.b.ins().iconst(I64, len as i64), Some(elem))
                    }
                    _ => return Err(self.unsupported(pos, "range over this type")),
                },
                Type::Chan { .. } => return self.range_chan(label, key, define, x, body),
                Type::Map { .. } => return self.range_map(label, key, value, define, x, body),
                _ => return Err(self.unsupported(pos, "range over this type")),
            }
        };
        // The iteration variables.
        let targets: Vec<Option<&Expr>> = vec![key, value];
        for t in targets.iter().flatten() {
            if matches!(&t.kind, ExprKind::Name(n) if n == "_") {
                continue;
            }
            if define {
                if let Some(&o) = self.cx.info.defs.get(&t.id) {
                    let ty = self.cx.pkg.obj(o).typ;
                    self.declare_local(o, ty, None);
                }
            }
        }
        let idx = self.b.declare_var(I64);
        let zero = self.b.ins().iconst(I64, 0);
        self.b.def_var(idx, zero);
        // For strings, the width of the rune decoded at `idx` (the step to the next one).
        let width = self.b.declare_var(I64);
        let one = self.b.ins().iconst(I64, 1);
        self.b.def_var(width, one);

        let header = self.b.create_block();
        let body_blk = self.b.create_block();
        let latch = self.b.create_block();
        let exit = self.b.create_block();
        self.b.ins().jump(header, &[]);
        self.b.switch_to_block(header);
        let i = self.b.use_var(idx);
        let more = self.b.ins().icmp(IntCC::SignedLessThan, i, len);
        self.b.ins().brif(more, body_blk, &[], exit, &[]);
        self.b.switch_to_block(body_blk);
        let i = self.b.use_var(idx);
        // The iteration values first, then the assignment (`for i, x[i] = range y` indexes
        // with the old `i`, as a parallel assignment does).
        let mut kv = None;
        if let Some(k) = key {
            let kt = self.type_of(k)?;
            let pt = self.part_type(kt);
            kv = Some(if self.b.func.dfg.value_type(i) == pt {
                i
            } else {
                self.b.ins().ireduce(pt, i)
            });
        }
        let mut ev = None;
        if is_string {
            let (r, w) = self.decode_rune(base, len, i)?;
            self.b.def_var(width, w);
            ev = Some(vec![r]);
        } else if let (Some(_), Some(elem)) = (value, elem) {
            let size = crate::layout::layout(self.types(), elem).size as i64;
            let off = self.b.ins().imul_imm_s(i, size);
            let addr = self.b.ins().iadd(base, off);
            let v = self.load_value(addr, elem);
            ev = Some(self.stable_copy(elem, v));
        }
        if define {
            if let (Some(k), Some(v)) = (key, kv) {
                self.assign_iter_var(k, true, vec![v])?;
            }
            if let (Some(x), Some(v)) = (value, ev) {
                self.assign_iter_var(x, true, v)?;
            }
        } else {
            let kp = key.map(|k| self.lvalue(k)).transpose()?;
            let vp = value.map(|v| self.lvalue(v)).transpose()?;
            if let (Some(k), Some(p), Some(v)) = (key, kp, kv) {
                let t = self.type_of(k)?;
                self.write_lvalue(p, t, vec![v], k.pos)?;
            }
            if let (Some(x), Some(p), Some(v)) = (value, vp, ev) {
                let t = self.type_of(x)?;
                self.write_lvalue(p, t, v, x.pos)?;
            }
        }
        self.loop_body(label, &body.stmts, exit, latch)?;
        let i = self.b.use_var(idx);
        let step = self.b.use_var(width);
        let next = self.b.ins().iadd(i, step);
        self.b.def_var(idx, next);
        self.poll();
        self.b.ins().jump(header, &[]);
        self.b.switch_to_block(exit);
        Ok(())
    }

    fn part_type(&self, ty: TypeId) -> cranelift_codegen::ir::Type {
        parts(self.types(), ty).first().map(|p| p.ty).unwrap_or(I64)
    }

    pub(super) fn assign_iter_var(&mut self, x: &Expr, define: bool, v: Val) -> R<()> {
        if matches!(&x.kind, ExprKind::Name(n) if n == "_") {
            return Ok(());
        }
        if define {
            if let Some(&o) = self.cx.info.defs.get(&x.id) {
                return self.write_var(o, v, x.pos);
            }
        }
        self.store_to(x, v)
    }

    /// Decodes the UTF-8 sequence at `s[i]`: (rune as i32, width in bytes). ASCII is decoded
    /// inline; everything else by the runtime.
    fn decode_rune(
        &mut self,
        base: cranelift_codegen::ir::Value,
        len: cranelift_codegen::ir::Value,
        i: cranelift_codegen::ir::Value,
    ) -> R<(cranelift_codegen::ir::Value, cranelift_codegen::ir::Value)> {
        use cranelift_codegen::ir::types::{I32, I8};
        let addr = self.b.ins().iadd(base, i);
        let byte = self.b.ins().load(I8, super::trusted(), addr, 0);
        let ascii = self.b.ins().icmp_imm_u(IntCC::UnsignedLessThan, byte, 0x80);
        let slow = self.b.create_block();
        let done = self.b.create_block();
        self.b.append_block_param(done, I32);
        self.b.append_block_param(done, I64);
        let r = self.b.ins().uextend(I32, byte);
        let one = self.b.ins().iconst(I64, 1);
        use cranelift_codegen::ir::BlockArg;
        self.b.ins().brif(
            ascii,
            done,
            &[BlockArg::Value(r), BlockArg::Value(one)],
            slow,
            &[],
        );
        self.b.switch_to_block(slow);
        let packed = self
            .call_rt(rgo_abi::entry::DECODE_RUNE, &[base, len, i])?
            .ok_or_else(|| self.err(Pos(0), "internal compiler error"))?;
        let r = self.b.ins().ireduce(I32, packed);
        let w = self.b.ins().ushr_imm_u(packed, 32);
        self.b
            .ins()
            .jump(done, &[BlockArg::Value(r), BlockArg::Value(w)]);
        self.b.switch_to_block(done);
        let p = self.b.block_params(done).to_vec();
        Ok((p[0], p[1]))
    }

    pub(super) fn for_stmt(
        &mut self,
        label: Option<String>,
        init: &Option<Box<Stmt>>,
        cond: Option<&Expr>,
        post: &Option<Box<Stmt>>,
        body: &ast::Block,
    ) -> R<()> {
        if let Some(i) = init {
            self.stmt(i)?;
        }
        let header = self.b.create_block();
        let body_blk = self.b.create_block();
        let latch = self.b.create_block();
        let exit = self.b.create_block();
        self.b.ins().jump(header, &[]);
        self.b.switch_to_block(header);
        match cond {
            Some(c) => {
                let v = self.expr(c)?[0];
                self.b.ins().brif(v, body_blk, &[], exit, &[]);
            }
            None => {
                self.b.ins().jump(body_blk, &[]);
            }
        }
        self.b.switch_to_block(body_blk);
        self.loop_body(label, &body.stmts, exit, latch)?;
        if let Some(p) = post {
            self.stmt(p)?;
        }
        self.poll();
        self.b.ins().jump(header, &[]);
        self.b.switch_to_block(exit);
        Ok(())
    }

    pub(super) fn switch_stmt(
        &mut self,
        label: Option<String>,
        init: &Option<Box<Stmt>>,
        tag: Option<&Expr>,
        clauses: &[ast::CaseClause],
    ) -> R<()> {
        if let Some(i) = init {
            self.stmt(i)?;
        }
        let tag_val = match tag {
            Some(t) => Some((self.type_of(t)?, self.expr(t)?)),
            None => None,
        };
        let exit = self.b.create_block();
        let bodies: Vec<Block> = clauses.iter().map(|_| self.b.create_block()).collect();
        let mut default = None;
        for (i, c) in clauses.iter().enumerate() {
            if c.is_default {
                default = Some(bodies[i]);
                continue;
            }
            for e in &c.exprs {
                let hit = match &tag_val {
                    Some((tt, tv)) => {
                        let et = self.type_of(e)?;
                        let ev = self.expr(e)?;
                        self.compare(BinOp::Eq, *tt, et, tv.clone(), ev, e.pos)?
                    }
                    None => self.expr(e)?[0],
                };
                let next = self.b.create_block();
                self.b.ins().brif(hit, bodies[i], &[], next, &[]);
                self.b.switch_to_block(next);
            }
        }
        self.b.ins().jump(default.unwrap_or(exit), &[]);
        self.targets.push(Target {
            label,
            brk: exit,
            cont: None,
        });
        for (i, c) in clauses.iter().enumerate() {
            self.b.switch_to_block(bodies[i]);
            let saved = self.fallthrough.take();
            self.fallthrough = bodies.get(i + 1).copied();
            self.block(&c.body)?;
            self.fallthrough = saved;
            self.jump(exit);
        }
        self.targets.pop();
        self.b.switch_to_block(exit);
        Ok(())
    }
}
