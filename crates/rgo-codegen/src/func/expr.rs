//! Expressions: names, constants, operators, indexing.

use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::types::{self, F32, F64, I32, I64, I8};
use cranelift_codegen::ir::{BlockArg, InstBuilder, Value};
use cranelift_module::Module;
use rgo_abi::entry as rt;
use rgo_syntax::ast::{BinOp, Expr, ExprKind, UnOp};
use rgo_syntax::Pos;
use rgo_types::{BasicKind, ConstValue, Mode, ObjId, ObjKind, SelectionKind, Type, TypeId};

use num_traits::ToPrimitive;

use super::{int_bits, rat_f64, trusted, FnLower, Val, R};
use crate::layout::{field_offset, layout, parts};

impl<M: Module> FnLower<'_, '_, '_, M> {
    pub(super) fn expr(&mut self, e: &Expr) -> R<Val> {
        let tv =
            self.cx.tv(e.id).cloned().ok_or_else(|| {
                self.err(e.pos, "internal compiler error: expression has no type")
            })?;
        if let Mode::Constant(c) = &tv.mode {
            return self.constant(c, tv.typ, e.pos);
        }
        match &e.kind {
            ExprKind::Paren(x) => self.expr(x),
            ExprKind::Name(_) => {
                let obj = self.cx.info.uses.get(&e.id).copied();
                let obj = obj.ok_or_else(|| self.err(e.pos, "unresolved name"))?;
                self.name_value(obj, tv.typ, e.pos)
            }
            ExprKind::FuncLit { .. } => self.closure(e),
            ExprKind::CompositeLit { .. } => self.composite(e, tv.typ, false),
            ExprKind::Unary(UnOp::Addr, x) => Ok(vec![self.address_of(x)?]),
            ExprKind::Unary(UnOp::Recv, x) => {
                let with_ok = matches!(self.types().get(tv.typ), Type::Tuple(_));
                self.recv(x, with_ok)
            }
            ExprKind::Unary(op, x) => self.unary(*op, x, tv.typ, e.pos),
            ExprKind::Star(x) => {
                let p = self.expr(x)?[0];
                self.nil_check(p)?;
                Ok(self.load_value(p, tv.typ))
            }
            ExprKind::Binary(op, x, y) => {
                if matches!(op, BinOp::AndAnd | BinOp::OrOr) {
                    return self.logical(*op, x, y);
                }
                let xt = self.type_of(x)?;
                let yt = self.type_of(y)?;
                let a = self.expr(x)?;
                let bv = self.expr(y)?;
                self.binary_values(*op, xt, yt, tv.typ, a, bv, e.pos)
            }
            ExprKind::Call { fun, args, dots } => self.call(e, fun, args, *dots, tv.typ),
            ExprKind::Selector(x, _) => {
                let sel = self.cx.info.selections.get(&e.id).cloned();
                match sel {
                    Some(sel) if sel.kind == SelectionKind::FieldVal => {
                        let addr = self.field_addr(x, &sel.index)?.0;
                        Ok(self.load_value(addr, tv.typ))
                    }
                    Some(sel) if sel.kind == SelectionKind::MethodVal => {
                        self.method_value(e, &sel, tv.typ)
                    }
                    Some(sel) => self.method_expr(e, &sel),
                    None => match self.qualified(e) {
                        Some(obj) => self.name_value(obj, tv.typ, e.pos),
                        None => Err(self.unsupported(e.pos, "this selector")),
                    },
                }
            }
            ExprKind::Index(..) if self.callee_obj(e).is_some() => {
                // `F[int]`: an instance of a generic function, used as a value.
                let obj = self
                    .callee_obj(e)
                    .ok_or_else(|| self.err(e.pos, "unresolved name"))?;
                self.func_value(obj, e.pos)
            }
            ExprKind::Index(x, idx) if idx.len() == 1 => {
                let xt = self.type_of(x)?;
                if self.kind_of(xt) == Some(BasicKind::String) {
                    let s = self.expr(x)?;
                    let i = self.int_operand(&idx[0])?;
                    self.bounds_check(i, s[1])?;
                    let addr = self.b.ins().iadd(s[0], i);
                    return Ok(vec![self.b.ins().load(I8, trusted(), addr, 0)]);
                }
                if matches!(self.types().under(xt), Type::Map { .. }) {
                    let with_ok = matches!(self.types().get(tv.typ), Type::Tuple(_));
                    return self.map_index(x, &idx[0], with_ok, e.pos);
                }
                let addr = self.elem_addr(x, &idx[0])?;
                Ok(self.load_value(addr, tv.typ))
            }
            ExprKind::TypeAssert { x, .. } => {
                let (t, with_ok) = match self.types().get(tv.typ) {
                    Type::Tuple(ts) => (ts[0], true),
                    _ => (tv.typ, false),
                };
                self.type_assert(x, t, with_ok, e.pos)
            }
            ExprKind::Slice { x, lo, hi, max, .. } => {
                self.slice_expr(x, lo.as_deref(), hi.as_deref(), max.as_deref(), e.pos)
            }
            _ => Err(self.unsupported(e.pos, "this expression")),
        }
    }

    /// The value of a variable or function named by `obj` (a plain or qualified name).
    fn name_value(&mut self, obj: ObjId, ty: TypeId, pos: Pos) -> R<Val> {
        match self.cx.pkg.obj(obj).kind {
            ObjKind::Var(_) => self.read_var(obj, pos),
            ObjKind::Nil => Ok(self.zero_value(ty)),
            ObjKind::Func { recv: None } => self.func_value(obj, pos),
            _ => Err(self.unsupported(pos, "this use of a name")),
        }
    }

    /// The address of an addressable expression, or of the memory holding a memory-typed
    /// value.
    pub(super) fn place(&mut self, e: &Expr) -> R<Value> {
        match &e.kind {
            ExprKind::Paren(x) => self.place(x),
            ExprKind::Name(_) => {
                let obj = self.cx.info.uses.get(&e.id).copied();
                let obj = obj.ok_or_else(|| self.err(e.pos, "unresolved name"))?;
                if let Some(a) = self.var_addr(obj) {
                    return Ok(a);
                }
                // An SSA variable of a memory type cannot happen; of a register type only
                // when a value is wanted in memory: spill a copy.
                let ty = self.type_of(e)?;
                let v = self.read_var(obj, e.pos)?;
                let t = self.stack_temp(ty);
                self.store_value_init(t, ty, &v);
                Ok(t)
            }
            ExprKind::Selector(x, _) => {
                let sel = self.cx.info.selections.get(&e.id).cloned();
                match sel {
                    Some(sel) if sel.kind == SelectionKind::FieldVal => {
                        Ok(self.field_addr(x, &sel.index)?.0)
                    }
                    None => match self.qualified(e).and_then(|o| self.var_addr(o)) {
                        Some(a) => Ok(a),
                        None => self.spill(e),
                    },
                    _ => self.spill(e),
                }
            }
            ExprKind::Index(x, idx) if idx.len() == 1 => {
                let xt = self.type_of(x)?;
                if matches!(self.types().under(xt), Type::Map { .. })
                    || self.kind_of(xt) == Some(BasicKind::String)
                {
                    return self.spill(e);
                }
                self.elem_addr(x, &idx[0])
            }
            ExprKind::Star(x) => {
                let p = self.expr(x)?[0];
                self.nil_check(p)?;
                Ok(p)
            }
            _ => self.spill(e),
        }
    }

    /// The value of `e` in memory: memory-typed values are already; others are spilled to a
    /// stack temporary.
    fn spill(&mut self, e: &Expr) -> R<Value> {
        let ty = self.type_of(e)?;
        let v = self.expr(e)?;
        if self.is_mem(ty) {
            return Ok(v[0]);
        }
        let t = self.stack_temp(ty);
        self.store_value_init(t, ty, &v);
        Ok(t)
    }

    /// `&x`: the variable's address (escape analysis put it in memory), or for `&T{...}` a
    /// new heap object.
    pub(super) fn address_of(&mut self, x: &Expr) -> R<Value> {
        match &x.kind {
            ExprKind::Paren(inner) => self.address_of(inner),
            ExprKind::CompositeLit { .. } => {
                let ty = self.type_of(x)?;
                if self.is_mem(ty) {
                    return Ok(self.composite(x, ty, true)?[0]);
                }
                // `&[]T{...}`, `&map[K]V{...}`: a new cell holding the value.
                let v = self.composite(x, ty, false)?;
                let cell = self.heap_alloc(ty)?;
                self.store_value_init(cell, ty, &v);
                Ok(cell)
            }
            _ => self.place(x),
        }
    }

    /// Follows a field path from `x` (through embedded fields, dereferencing pointers on the
    /// way, with nil checks). Returns the address of the selected value and its type.
    pub(super) fn field_addr(&mut self, x: &Expr, path: &[usize]) -> R<(Value, TypeId)> {
        let xt = self.type_of(x)?;
        let (mut addr, mut ty) = match self.types().under(xt) {
            Type::Pointer(elem) => {
                let elem = *elem;
                let p = self.expr(x)?[0];
                self.nil_check(p)?;
                (p, elem)
            }
            _ => (self.place(x)?, xt),
        };
        for &i in path {
            if let Type::Pointer(elem) = self.types().under(ty) {
                let elem = *elem;
                let p = self.b.ins().load(I64, trusted(), addr, 0);
                self.nil_check(p)?;
                addr = p;
                ty = elem;
            }
            let fty = match self.types().under(ty) {
                Type::Struct(fields) => fields.get(i).map(|f| f.typ),
                _ => None,
            };
            let fty =
                fty.ok_or_else(|| self.err(x.pos, "internal compiler error: bad field path"))?;
            let off = field_offset(self.types(), ty, i);
            if off != 0 {
                addr = self.b.ins().iadd_imm_s(addr, off as i64);
            }
            ty = fty;
        }
        Ok((addr, ty))
    }

    /// Address of `x[i]` for arrays, pointers to arrays and slices, with the bounds check.
    pub(super) fn elem_addr(&mut self, x: &Expr, i: &Expr) -> R<Value> {
        let xt = self.type_of(x)?;
        let (base, len, elem) = match self.types().under(xt).clone() {
            Type::Array { len, elem } => {
                let base = self.place(x)?;
                (base, self.b.ins().iconst(I64, len as i64), elem)
            }
            Type::Pointer(p) => match self.types().under(p).clone() {
                Type::Array { len, elem } => {
                    let base = self.expr(x)?[0];
                    self.nil_check(base)?;
                    (base, self.b.ins().iconst(I64, len as i64), elem)
                }
                _ => return Err(self.unsupported(x.pos, "this index expression")),
            },
            Type::Slice(elem) => {
                let s = self.expr(x)?;
                (s[0], s[1], elem)
            }
            _ => return Err(self.unsupported(x.pos, "this index expression")),
        };
        let idx = self.int_operand(i)?;
        self.bounds_check(idx, len)?;
        let size = layout(self.types(), elem).size as i64;
        let off = self.b.ins().imul_imm_s(idx, size);
        Ok(self.b.ins().iadd(base, off))
    }

    /// `x[lo:hi:max]` of strings, arrays, pointers to arrays and slices, with gc's checks.
    fn slice_expr(
        &mut self,
        x: &Expr,
        lo: Option<&Expr>,
        hi: Option<&Expr>,
        max: Option<&Expr>,
        pos: Pos,
    ) -> R<Val> {
        let xt = self.type_of(x)?;
        let is_string = self.kind_of(xt) == Some(BasicKind::String);
        let (base, len, cap, esize) = if is_string {
            let s = self.expr(x)?;
            (s[0], s[1], s[1], 1)
        } else {
            match self.types().under(xt).clone() {
                Type::Array { len, elem } => {
                    let base = self.place(x)?;
                    let n = self.b.ins().iconst(I64, len as i64);
                    (base, n, n, layout(self.types(), elem).size)
                }
                Type::Pointer(p) => match self.types().under(p).clone() {
                    Type::Array { len, elem } => {
                        let base = self.expr(x)?[0];
                        self.nil_check(base)?;
                        let n = self.b.ins().iconst(I64, len as i64);
                        (base, n, n, layout(self.types(), elem).size)
                    }
                    _ => return Err(self.unsupported(pos, "this slice expression")),
                },
                Type::Slice(elem) => {
                    let s = self.expr(x)?;
                    (s[0], s[1], s[2], layout(self.types(), elem).size)
                }
                _ => return Err(self.unsupported(pos, "this slice expression")),
            }
        };
        let lo = match lo {
            Some(l) => self.int_operand(l)?,
            None => self.b.ins().iconst(I64, 0),
        };
        let hi_given = hi.is_some();
        let hi = match hi {
            Some(h) => self.int_operand(h)?,
            None => len,
        };
        use rgo_abi::bounds as bc;
        let max = match max {
            Some(m) => {
                let m = self.int_operand(m)?;
                self.bounds_fail_if(IntCC::UnsignedGreaterThan, m, cap, bc::SLICE3_ACAP)?;
                self.bounds_fail_if(IntCC::UnsignedGreaterThan, hi, m, bc::SLICE3_B)?;
                self.bounds_fail_if(IntCC::UnsignedGreaterThan, lo, hi, bc::SLICE3_C)?;
                Some(m)
            }
            None => {
                if hi_given {
                    let code = if is_string {
                        bc::SLICE_ALEN
                    } else {
                        bc::SLICE_ACAP
                    };
                    let limit = if is_string { len } else { cap };
                    self.bounds_fail_if(IntCC::UnsignedGreaterThan, hi, limit, code)?;
                }
                self.bounds_fail_if(IntCC::UnsignedGreaterThan, lo, hi, bc::SLICE_B)?;
                None
            }
        };
        let off = self.b.ins().imul_imm_s(lo, esize as i64);
        let ptr = self.b.ins().iadd(base, off);
        let new_len = self.b.ins().isub(hi, lo);
        if is_string {
            // As for slices below: an empty result keeps the base pointer.
            let empty = self.b.ins().icmp_imm_s(IntCC::Equal, new_len, 0);
            let ptr = self.b.ins().select(empty, base, ptr);
            return Ok(vec![ptr, new_len]);
        }
        let new_cap = self.b.ins().isub(max.unwrap_or(cap), lo);
        // Never point past the end of the backing array (it would keep the next object
        // alive): an empty-capacity result keeps the base pointer.
        let empty = self.b.ins().icmp_imm_s(IntCC::Equal, new_cap, 0);
        let ptr = self.b.ins().select(empty, base, ptr);
        Ok(vec![ptr, new_len, new_cap])
    }

    /// Panics with the bounds error `code` (operands `x`, `y`) when `x cc y`.
    fn bounds_fail_if(&mut self, cc: IntCC, x: Value, y: Value, code: u32) -> R<()> {
        let bad = self.b.ins().icmp(cc, x, y);
        let c = self.b.ins().iconst(I32, code as i64);
        self.panic_if(bad, rt::PANIC_BOUNDS, &[x, y, c])
    }

    /// The static closure of a top-level function.
    fn func_value(&mut self, obj: ObjId, pos: Pos) -> R<Val> {
        let fid = self.cx.funcs.get(&obj).copied();
        let fid = fid.ok_or_else(|| self.err(pos, "internal compiler error: unknown function"))?;
        let data = self.cx.funcval_data(fid).map_err(|e| self.err(pos, e))?;
        let gv = self.cx.module.declare_data_in_func(data, self.b.func);
        Ok(vec![self.b.ins().symbol_value(I64, gv)])
    }

    /// A closure object `{code, captured cells...}` for a function literal.
    fn closure(&mut self, e: &Expr) -> R<Val> {
        let fid = self.cx.lit_funcs.get(&e.id).copied();
        let fid = fid.ok_or_else(|| self.err(e.pos, "internal compiler error: unknown literal"))?;
        let caps = self.captures.get(&e.id).cloned().unwrap_or_default();
        if caps.is_empty() {
            // Nothing captured: one static closure object, as gc makes (no allocation).
            let data = self.cx.funcval_data(fid).map_err(|m| self.err(e.pos, m))?;
            let gv = self.cx.module.declare_data_in_func(data, self.b.func);
            return Ok(vec![self.b.ins().symbol_value(I64, gv)]);
        }
        let (slots, size) = self.capture_layout(&caps);
        let obj = if self.stack_sites.contains(&e.id) {
            self.stack_zeroed(size, 8)
        } else {
            let size = self.b.ins().iconst(I64, size as i64);
            let align = self.b.ins().iconst(I64, 8);
            let g = self.g;
            self.call_rt(rt::ALLOC, &[g, size, align])?
                .ok_or_else(|| self.err(e.pos, "internal compiler error: alloc"))?
        };
        let r = self.func_ref(fid);
        let code = self.b.ins().func_addr(I64, r);
        self.b.ins().store(trusted(), code, obj, 0);
        for (o, (off, byval)) in caps.iter().zip(slots) {
            let slot = self.b.ins().iadd_imm_s(obj, off as i64);
            if byval {
                // A copy of the current value: nobody assigns the variable afterwards.
                let v = self.read_var(*o, e.pos)?;
                let ty = self.cx.pkg.obj(*o).typ;
                self.store_value_init(slot, ty, &v);
                continue;
            }
            let cell = self.var_addr(*o).ok_or_else(|| {
                self.err(
                    e.pos,
                    "internal compiler error: captured variable not in memory",
                )
            })?;
            self.b.ins().store(trusted(), cell, slot, 0);
        }
        Ok(vec![obj])
    }

    /// A composite literal's value; `heap` puts it in a new heap object (for `&T{...}`).
    pub(super) fn composite(&mut self, e: &Expr, ty: TypeId, heap: bool) -> R<Val> {
        let ExprKind::CompositeLit { elems, .. } = &e.kind else {
            return Err(self.err(e.pos, "internal compiler error: not a composite literal"));
        };
        match self.types().under(ty).clone() {
            Type::Struct(_) | Type::Array { .. } => {
                let addr = if heap && !self.stack_sites.contains(&e.id) {
                    self.heap_alloc(ty)?
                } else {
                    let a = self.stack_temp(ty);
                    let size = layout(self.types(), ty).size;
                    self.zero_mem(a, size);
                    a
                };
                self.fill_composite(addr, ty, elems)?;
                Ok(vec![addr])
            }
            Type::Slice(elem) => {
                let n = self.composite_len(elems)?;
                let addr = if self.stack_sites.contains(&e.id) {
                    let l = layout(self.types(), elem);
                    self.stack_zeroed(l.size * n, l.align)
                } else {
                    self.heap_alloc_array(elem, n)?
                };
                self.fill_array(addr, elem, elems)?;
                let len = self.b.ins().iconst(I64, n as i64);
                Ok(vec![addr, len, len])
            }
            // An elided `&T{...}` inside another literal is recorded with type `*T`.
            Type::Pointer(elem) => self.composite(e, elem, true),
            Type::Map { .. } => self.map_literal(ty, elems, e.pos),
            _ => Err(self.unsupported(e.pos, "this composite literal")),
        }
    }

    /// The length of an array or slice literal: one past the largest index.
    fn composite_len(&self, elems: &[Expr]) -> R<u64> {
        let mut next = 0u64;
        let mut max = 0u64;
        for el in elems {
            if let ExprKind::KeyValue(k, _) = &el.kind {
                next = self.const_index(k)?;
            }
            next += 1;
            max = max.max(next);
        }
        Ok(max)
    }

    fn const_index(&self, k: &Expr) -> R<u64> {
        match self.cx.tv(k.id).map(|tv| &tv.mode) {
            Some(Mode::Constant(ConstValue::Int(v))) => Ok(int_bits(v) as u64),
            _ => Err(self.err(k.pos, "internal compiler error: non-constant index")),
        }
    }

    /// Stores the elements of a struct or array literal into zeroed memory at `addr`.
    fn fill_composite(&mut self, addr: Value, ty: TypeId, elems: &[Expr]) -> R<()> {
        match self.types().under(ty).clone() {
            Type::Struct(fields) => {
                for (i, el) in elems.iter().enumerate() {
                    let (fi, v) = match &el.kind {
                        ExprKind::KeyValue(k, v) => {
                            let ExprKind::Name(name) = &k.kind else {
                                return Err(self.err(k.pos, "internal compiler error: field key"));
                            };
                            let fi = fields.iter().position(|f| &f.name == name);
                            let fi = fi.ok_or_else(|| {
                                self.err(k.pos, "internal compiler error: unknown field")
                            })?;
                            (fi, v.as_ref())
                        }
                        _ => (i, el),
                    };
                    let off = field_offset(self.types(), ty, fi);
                    let fa = self.b.ins().iadd_imm_s(addr, off as i64);
                    self.store_elem(fa, fields[fi].typ, v)?;
                }
            }
            Type::Array { elem, .. } => self.fill_array(addr, elem, elems)?,
            _ => return Err(self.err(Pos(0), "internal compiler error: composite kind")),
        }
        Ok(())
    }

    /// Stores the elements of an array or slice literal into zeroed memory at `addr`.
    fn fill_array(&mut self, addr: Value, elem: TypeId, elems: &[Expr]) -> R<()> {
        let size = layout(self.types(), elem).size as i64;
        let mut next = 0u64;
        for el in elems {
            let v = match &el.kind {
                ExprKind::KeyValue(k, v) => {
                    next = self.const_index(k)?;
                    v.as_ref()
                }
                _ => el,
            };
            let ea = self.b.ins().iadd_imm_s(addr, next as i64 * size);
            self.store_elem(ea, elem, v)?;
            next += 1;
        }
        Ok(())
    }

    /// Stores one literal element; nested struct/array literals are built in place.
    fn store_elem(&mut self, addr: Value, ty: TypeId, v: &Expr) -> R<()> {
        if let ExprKind::CompositeLit { elems, .. } = &v.kind {
            if self.is_mem(ty) && self.type_of(v)? == ty {
                return self.fill_composite(addr, ty, elems);
            }
        }
        // Literal elements go into memory just allocated or zeroed for this literal.
        let val = self.expr_as(v, ty)?;
        self.store_value_init(addr, ty, &val);
        Ok(())
    }

    /// An index operand as an i64 (sign- or zero-extended per its type).
    pub(super) fn int_operand(&mut self, e: &Expr) -> R<Value> {
        let t = self.type_of(e)?;
        let v = self.expr(e)?[0];
        let k = self.kind_of(t).unwrap_or(BasicKind::Int);
        Ok(self.extend_to_i64(v, k))
    }

    pub(super) fn extend_to_i64(&mut self, v: Value, k: BasicKind) -> Value {
        let vt = self.b.func.dfg.value_type(v);
        if vt == I64 {
            v
        } else if k.is_unsigned() {
            self.b.ins().uextend(I64, v)
        } else {
            self.b.ins().sextend(I64, v)
        }
    }

    /// `0 <= i < len` as one unsigned comparison.
    pub(super) fn bounds_check(&mut self, i: Value, len: Value) -> R<()> {
        let bad = self.b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, i, len);
        self.panic_if(bad, rt::PANIC_INDEX, &[i, len])
    }

    pub(super) fn one_of(&mut self, ty: TypeId, pos: Pos) -> R<Val> {
        let ps = parts(self.types(), ty);
        Ok(match ps.first().map(|p| p.ty) {
            Some(F32) => vec![self.b.ins().f32const(1.0)],
            Some(F64) if ps.len() == 1 => vec![self.b.ins().f64const(1.0)],
            Some(F64) => vec![self.b.ins().f64const(1.0), self.b.ins().f64const(0.0)],
            Some(t) if ps.len() == 1 => vec![self.b.ins().iconst(t, 1)],
            _ => return Err(self.unsupported(pos, "++/-- on this type")),
        })
    }

    pub(super) fn constant(&mut self, c: &ConstValue, ty: TypeId, pos: Pos) -> R<Val> {
        let ps = parts(self.types(), ty);
        let kind = self.kind_of(ty);
        Ok(match c {
            ConstValue::Bool(v) => vec![self.b.ins().iconst(I8, *v as i64)],
            ConstValue::String(s) => self.string_const(&rgo_types::constant::const_bytes(s))?,
            ConstValue::Int(v) => match ps.as_slice() {
                [p] if p.ty == F32 => vec![self.b.ins().f32const(v.to_f64().unwrap_or(0.0) as f32)],
                [p] if p.ty == F64 => vec![self.b.ins().f64const(v.to_f64().unwrap_or(0.0))],
                [p] => vec![self.b.ins().iconst(p.ty, int_bits(v))],
                [re, _] if kind.is_some_and(|k| k.is_complex()) => {
                    let r = v.to_f64().unwrap_or(0.0);
                    self.complex_const(re.ty, r, 0.0)
                }
                _ => return Err(self.unsupported(pos, "this constant")),
            },
            ConstValue::Float(r) => match ps.as_slice() {
                [p] if p.ty == F32 => vec![self.b.ins().f32const(rat_f64(r) as f32)],
                [p] if p.ty == F64 => vec![self.b.ins().f64const(rat_f64(r))],
                [p] => {
                    let i = r.to_integer();
                    vec![self.b.ins().iconst(p.ty, int_bits(&i))]
                }
                [re, _] => {
                    let x = rat_f64(r);
                    self.complex_const(re.ty, x, 0.0)
                }
                _ => return Err(self.unsupported(pos, "this constant")),
            },
            // Typed constants are rounded to their type, and an untyped float used as a
            // value is converted to float64 first, which rejects these.
            ConstValue::BigFloat(_) => return Err(self.unsupported(pos, "this constant")),
            ConstValue::Complex(re, im) => match ps.as_slice() {
                [p, _] => {
                    let (a, b) = (rat_f64(re), rat_f64(im));
                    self.complex_const(p.ty, a, b)
                }
                [p] if p.ty == F64 || p.ty == F32 => {
                    let a = rat_f64(re);
                    if p.ty == F32 {
                        vec![self.b.ins().f32const(a as f32)]
                    } else {
                        vec![self.b.ins().f64const(a)]
                    }
                }
                [p] => {
                    let i = re.to_integer();
                    vec![self.b.ins().iconst(p.ty, int_bits(&i))]
                }
                _ => return Err(self.unsupported(pos, "this constant")),
            },
        })
    }

    pub(super) fn complex_const(&mut self, t: types::Type, re: f64, im: f64) -> Val {
        if t == F32 {
            vec![
                self.b.ins().f32const(re as f32),
                self.b.ins().f32const(im as f32),
            ]
        } else {
            vec![self.b.ins().f64const(re), self.b.ins().f64const(im)]
        }
    }

    pub(super) fn string_const(&mut self, bytes: &[u8]) -> R<Val> {
        let data = self
            .cx
            .string_data(bytes)
            .map_err(|e| self.err(Pos(0), e))?;
        let gv = self.cx.module.declare_data_in_func(data, self.b.func);
        let ptr = self.b.ins().symbol_value(I64, gv);
        let len = self.b.ins().iconst(I64, bytes.len() as i64);
        Ok(vec![ptr, len])
    }

    pub(super) fn unary(&mut self, op: UnOp, x: &Expr, ty: TypeId, pos: Pos) -> R<Val> {
        let v = self.expr(x)?;
        let k = self.kind_of(ty);
        Ok(match op {
            UnOp::Pos => v,
            UnOp::Neg => match k {
                Some(k) if k.is_float() || k.is_complex() => {
                    v.iter().map(|&p| self.b.ins().fneg(p)).collect()
                }
                Some(_) => vec![self.b.ins().ineg(v[0])],
                None => return Err(self.unsupported(pos, "negation of this type")),
            },
            UnOp::Not => vec![self.b.ins().bxor_imm_s(v[0], 1)],
            UnOp::Xor => vec![self.b.ins().bnot(v[0])],
            _ => return Err(self.unsupported(pos, &format!("unary {}", op.as_str()))),
        })
    }

    pub(super) fn logical(&mut self, op: BinOp, x: &Expr, y: &Expr) -> R<Val> {
        let a = self.expr(x)?[0];
        let rhs = self.b.create_block();
        let done = self.b.create_block();
        let res = self.b.append_block_param(done, I8);
        let short = [BlockArg::Value(a)];
        if op == BinOp::AndAnd {
            self.b.ins().brif(a, rhs, &[], done, &short);
        } else {
            self.b.ins().brif(a, done, &short, rhs, &[]);
        }
        self.b.switch_to_block(rhs);
        let bv = self.expr(y)?[0];
        self.b.ins().jump(done, &[BlockArg::Value(bv)]);
        self.b.switch_to_block(done);
        Ok(vec![res])
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn binary_values(
        &mut self,
        op: BinOp,
        xt: TypeId,
        yt: TypeId,
        rt_ty: TypeId,
        a: Val,
        bv: Val,
        pos: Pos,
    ) -> R<Val> {
        use BinOp::*;
        if matches!(op, Eq | Ne | Lt | Le | Gt | Ge) {
            return Ok(vec![self.compare(op, xt, yt, a, bv, pos)?]);
        }
        if matches!(op, Shl | Shr) {
            return self.shift(op, xt, yt, a[0], bv[0]).map(|v| vec![v]);
        }
        let k = self.kind_of(rt_ty).ok_or_else(|| {
            self.unsupported(pos, &format!("operator {} on this type", op.as_str()))
        })?;
        if k == BasicKind::String && op == Add {
            return self.concat(&[a, bv]);
        }
        if k.is_complex() {
            return self.complex_arith(op, a, bv, pos);
        }
        let (x, y) = (a[0], bv[0]);
        let ins = self.b.ins();
        Ok(vec![if k.is_float() {
            match op {
                Add => ins.fadd(x, y),
                Sub => ins.fsub(x, y),
                Mul => ins.fmul(x, y),
                Div => ins.fdiv(x, y),
                _ => return Err(self.unsupported(pos, &format!("float operator {}", op.as_str()))),
            }
        } else {
            match op {
                Add => ins.iadd(x, y),
                Sub => ins.isub(x, y),
                Mul => return Ok(vec![self.mul_int(x, y)]),
                And => ins.band(x, y),
                Or => ins.bor(x, y),
                Xor => ins.bxor(x, y),
                AndNot => ins.band_not(x, y),
                Div | Rem => {
                    return self
                        .int_div(op == Rem, k.is_unsigned(), x, y)
                        .map(|v| vec![v])
                }
                _ => return Err(self.unsupported(pos, &format!("operator {}", op.as_str()))),
            }
        }])
    }

    /// `x * y` on integers. A multiplier of 3, 5 or 9 becomes `x + x<<k`, which the x64
    /// backend folds into one `lea` (1–2 cycles, against 3 for `imul`: it sits on the
    /// dependency chain of loops like `x = 3*x + 1`); Cranelift already turns powers of two
    /// into shifts.
    fn mul_int(&mut self, x: Value, y: Value) -> Value {
        let konst =
            |b: &cranelift_frontend::FunctionBuilder<'_>, v: Value| match b.func.dfg.value_def(v) {
                cranelift_codegen::ir::ValueDef::Result(inst, 0) => match b.func.dfg.insts[inst] {
                    cranelift_codegen::ir::InstructionData::UnaryImm {
                        opcode: cranelift_codegen::ir::Opcode::Iconst,
                        imm,
                    } => Some(imm.bits()),
                    _ => None,
                },
                _ => None,
            };
        let (v, c) = match (konst(&self.b, x), konst(&self.b, y)) {
            (_, Some(c)) => (x, c),
            (Some(c), _) => (y, c),
            _ => return self.b.ins().imul(x, y),
        };
        let shift = match c {
            3 => 1,
            5 => 2,
            9 => 3,
            _ => return self.b.ins().imul(x, y),
        };
        let sh = self.b.ins().ishl_imm_u(v, shift);
        self.b.ins().iadd(v, sh)
    }

    /// Go integer division: a zero divisor panics; for signed operands `MinInt / -1`
    /// wraps to `MinInt` and `MinInt % -1` is 0 (the hardware instruction would fault).
    pub(super) fn int_div(&mut self, rem: bool, unsigned: bool, x: Value, y: Value) -> R<Value> {
        let zero = self.b.ins().icmp_imm_s(IntCC::Equal, y, 0);
        self.panic_if(zero, rt::PANIC_DIVIDE, &[])?;
        if unsigned {
            return Ok(if rem {
                self.b.ins().urem(x, y)
            } else {
                self.b.ins().udiv(x, y)
            });
        }
        let ty = self.b.func.dfg.value_type(x);
        let minus_one = self.b.ins().icmp_imm_s(IntCC::Equal, y, -1);
        let slow = self.b.create_block();
        let normal = self.b.create_block();
        let done = self.b.create_block();
        let res = self.b.append_block_param(done, ty);
        self.b.ins().brif(minus_one, slow, &[], normal, &[]);
        self.b.switch_to_block(slow);
        let special = if rem {
            self.b.ins().iconst(ty, 0)
        } else {
            self.b.ins().ineg(x)
        };
        self.b.ins().jump(done, &[BlockArg::Value(special)]);
        self.b.switch_to_block(normal);
        let r = if rem {
            self.b.ins().srem(x, y)
        } else {
            self.b.ins().sdiv(x, y)
        };
        self.b.ins().jump(done, &[BlockArg::Value(r)]);
        self.b.switch_to_block(done);
        Ok(res)
    }

    /// Go shifts: counts at or above the width give 0 (or the sign fill for a signed right
    /// shift); a negative signed count panics.
    pub(super) fn shift(
        &mut self,
        op: BinOp,
        xt: TypeId,
        yt: TypeId,
        x: Value,
        y: Value,
    ) -> R<Value> {
        let xk = self.kind_of(xt).unwrap_or(BasicKind::Int);
        let yk = self.kind_of(yt).unwrap_or(BasicKind::Uint);
        if !yk.is_unsigned() {
            let neg = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, y, 0);
            self.panic_if(neg, rt::PANIC_SHIFT, &[])?;
        }
        let count = {
            let yty = self.b.func.dfg.value_type(y);
            if yty == I64 {
                y
            } else {
                self.b.ins().uextend(I64, y)
            }
        };
        let ty = self.b.func.dfg.value_type(x);
        let width = ty.bits() as i64;
        let big = self
            .b
            .ins()
            .icmp_imm_s(IntCC::UnsignedGreaterThanOrEqual, count, width);
        Ok(match op {
            BinOp::Shl => {
                let s = self.b.ins().ishl(x, count);
                let z = self.b.ins().iconst(ty, 0);
                self.b.ins().select(big, z, s)
            }
            _ if xk.is_unsigned() => {
                let s = self.b.ins().ushr(x, count);
                let z = self.b.ins().iconst(ty, 0);
                self.b.ins().select(big, z, s)
            }
            _ => {
                let max = self.b.ins().iconst(I64, width - 1);
                let c = self.b.ins().select(big, max, count);
                self.b.ins().sshr(x, c)
            }
        })
    }

    pub(super) fn compare(
        &mut self,
        op: BinOp,
        xt: TypeId,
        _yt: TypeId,
        a: Val,
        bv: Val,
        pos: Pos,
    ) -> R<Value> {
        use BinOp::*;
        // Interface comparisons: the other operand is converted to the interface type.
        if self.is_iface(xt) || self.is_iface(_yt) {
            let t = if self.is_iface(xt) { xt } else { _yt };
            let a = self.convert_value(a, xt, t, pos)?;
            let b = self.convert_value(bv, _yt, t, pos)?;
            let eq = self.iface_equal(t, &a, &b)?;
            return Ok(if op == Ne {
                self.b.ins().bxor_imm_s(eq, 1)
            } else {
                eq
            });
        }
        if self.is_mem(xt) {
            let d = self.desc_addr(xt, pos)?;
            let g = self.g;
            let eq = self
                .call_rt(rgo_abi::lang::TYPEEQUAL, &[g, d, a[0], bv[0]])?
                .ok_or_else(|| self.err(pos, "internal compiler error"))?;
            return Ok(if op == Ne {
                self.b.ins().bxor_imm_s(eq, 1)
            } else {
                eq
            });
        }
        let k = self.kind_of(xt);
        match k {
            Some(BasicKind::String) => {
                let r = self
                    .call_rt(rt::CMP_STRING, &[a[0], a[1], bv[0], bv[1]])?
                    .ok_or_else(|| self.err(pos, "internal compiler error"))?;
                let cc = match op {
                    Eq => IntCC::Equal,
                    Ne => IntCC::NotEqual,
                    Lt => IntCC::SignedLessThan,
                    Le => IntCC::SignedLessThanOrEqual,
                    Gt => IntCC::SignedGreaterThan,
                    _ => IntCC::SignedGreaterThanOrEqual,
                };
                Ok(self.b.ins().icmp_imm_s(cc, r, 0))
            }
            Some(k) if k.is_float() || k.is_complex() => {
                let cc = match op {
                    Eq => FloatCC::Equal,
                    Ne => FloatCC::NotEqual,
                    Lt => FloatCC::LessThan,
                    Le => FloatCC::LessThanOrEqual,
                    Gt => FloatCC::GreaterThan,
                    _ => FloatCC::GreaterThanOrEqual,
                };
                let mut r = self.b.ins().fcmp(cc, a[0], bv[0]);
                if k.is_complex() {
                    let r2 = self.b.ins().fcmp(cc, a[1], bv[1]);
                    r = if op == Eq {
                        self.b.ins().band(r, r2)
                    } else {
                        self.b.ins().bor(r, r2)
                    };
                }
                Ok(r)
            }
            _ if a.len() == 1 => {
                let unsigned = k.is_none_or(|k| k.is_unsigned() || k == BasicKind::Bool);
                let cc = match (op, unsigned) {
                    (Eq, _) => IntCC::Equal,
                    (Ne, _) => IntCC::NotEqual,
                    (Lt, false) => IntCC::SignedLessThan,
                    (Le, false) => IntCC::SignedLessThanOrEqual,
                    (Gt, false) => IntCC::SignedGreaterThan,
                    (Ge, false) => IntCC::SignedGreaterThanOrEqual,
                    (Lt, true) => IntCC::UnsignedLessThan,
                    (Le, true) => IntCC::UnsignedLessThanOrEqual,
                    (Gt, true) => IntCC::UnsignedGreaterThan,
                    (Ge, true) => IntCC::UnsignedGreaterThanOrEqual,
                    _ => unreachable!("comparison operators only"),
                };
                Ok(self.b.ins().icmp(cc, a[0], bv[0]))
            }
            // Slices, maps and funcs compare only with nil: their first word.
            _ if !a.is_empty() && a.len() == bv.len() => {
                let cc = if op == Ne {
                    IntCC::NotEqual
                } else {
                    IntCC::Equal
                };
                Ok(self.b.ins().icmp(cc, a[0], bv[0]))
            }
            _ => Err(self.unsupported(pos, "comparison of this type")),
        }
    }

    pub(super) fn complex_arith(&mut self, op: BinOp, a: Val, bv: Val, pos: Pos) -> R<Val> {
        let (ar, ai, br, bi) = (a[0], a[1], bv[0], bv[1]);
        let ins = &mut self.b;
        Ok(match op {
            BinOp::Add => vec![ins.ins().fadd(ar, br), ins.ins().fadd(ai, bi)],
            BinOp::Sub => vec![ins.ins().fsub(ar, br), ins.ins().fsub(ai, bi)],
            BinOp::Mul => {
                let rr = ins.ins().fmul(ar, br);
                let ii = ins.ins().fmul(ai, bi);
                let ri = ins.ins().fmul(ar, bi);
                let ir = ins.ins().fmul(ai, br);
                vec![ins.ins().fsub(rr, ii), ins.ins().fadd(ri, ir)]
            }
            BinOp::Div => {
                // Through the runtime in float64 (complex64 operands are widened).
                let narrow = self.b.func.dfg.value_type(ar) == cranelift_codegen::ir::types::F32;
                let w: Vec<Value> = [ar, ai, br, bi]
                    .iter()
                    .map(|&v| self.widen_float(v))
                    .collect();
                let slot =
                    self.b
                        .create_sized_stack_slot(cranelift_codegen::ir::StackSlotData::new(
                            cranelift_codegen::ir::StackSlotKind::ExplicitSlot,
                            16,
                            3,
                        ));
                let out = self.b.ins().stack_addr(I64, slot, 0);
                self.call_rt(rt::COMPLEX128DIV, &[w[0], w[1], w[2], w[3], out])?;
                let re = self.b.ins().stack_load(I64, F64, slot, 0);
                let im = self.b.ins().stack_load(I64, F64, slot, 8);
                if narrow {
                    let f32t = cranelift_codegen::ir::types::F32;
                    vec![
                        self.b.ins().fdemote(f32t, re),
                        self.b.ins().fdemote(f32t, im),
                    ]
                } else {
                    vec![re, im]
                }
            }
            _ => return Err(self.unsupported(pos, "this complex operator")),
        })
    }

    /// Concatenates strings through the runtime (one allocation for the whole result).
    pub(super) fn concat(&mut self, strs: &[Val]) -> R<Val> {
        let n = strs.len() as u32;
        let slot = self
            .b
            .create_sized_stack_slot(cranelift_codegen::ir::StackSlotData::new(
                cranelift_codegen::ir::StackSlotKind::ExplicitSlot,
                16 * n + 16,
                3,
            ));
        for (i, s) in strs.iter().enumerate() {
            self.b.ins().stack_store(I64, s[0], slot, (16 * i) as i32);
            self.b
                .ins()
                .stack_store(I64, s[1], slot, (16 * i + 8) as i32);
        }
        let out = 16 * n as i32;
        let out_addr = self.b.ins().stack_addr(I64, slot, out);
        let parts_addr = self.b.ins().stack_addr(I64, slot, 0);
        let count = self.b.ins().iconst(I64, n as i64);
        let g = self.g;
        self.call_rt(rt::CONCAT_STRINGS, &[g, out_addr, parts_addr, count])?;
        let ptr = self.b.ins().stack_load(I64, I64, slot, out);
        let len = self.b.ins().stack_load(I64, I64, slot, out + 8);
        Ok(vec![ptr, len])
    }
}
