//! Calls: Go functions, builtins, conversions, print.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::types::{self, F32, F64, I32, I64};
use cranelift_codegen::ir::{InstBuilder, StackSlotData, StackSlotKind, Value};
use cranelift_module::FuncId;
use cranelift_module::Module;
use rgo_abi::entry as rt;
use rgo_syntax::ast::{Expr, ExprKind};
use rgo_syntax::Pos;
use rgo_types::{BasicKind, Builtin, Mode, ObjId, ObjKind, SelectionKind, Type, TypeId};

use super::{trusted, FnLower, Val, R};
use crate::layout::{default_kind, layout, parts};

impl<M: Module> FnLower<'_, '_, '_, M> {
    pub(super) fn call(
        &mut self,
        e: &Expr,
        fun: &Expr,
        args: &[Expr],
        dots: bool,
        ty: TypeId,
    ) -> R<Val> {
        self.set_pos(e.pos);
        let ftv = self
            .cx
            .tv(fun.id)
            .cloned()
            .ok_or_else(|| self.err(fun.pos, "internal compiler error: callee has no type"))?;
        match ftv.mode {
            Mode::Type => return self.conversion(&args[0], ty, e.pos),
            Mode::Builtin => {
                let obj = self.callee_obj(fun);
                if let Some(ObjKind::Builtin(b)) = obj.map(|o| self.cx.pkg.obj(o).kind.clone()) {
                    return self.builtin(b, args, dots, e.pos, e.id);
                }
                return Err(self.unsupported(e.pos, "this builtin"));
            }
            _ => {}
        }
        let fun_ty = self.type_of(fun)?;
        if args.len() == 2 && self.is_set_finalizer(self.callee_obj(fun)) {
            self.set_finalizer_call(fun_ty, args)?;
            return Ok(vec![]);
        }
        let sig = match self.types().under(fun_ty) {
            Type::Signature(sig) => sig.clone(),
            _ => return Err(self.err(fun.pos, "internal compiler error: callee is not a function")),
        };
        // The callee: a top-level function, a method (with its receiver), or a func value.
        enum Callee {
            Direct(FuncId),
            Value(Value),
            /// A method of an interface value: the code from the itab.
            Iface(Value),
        }
        let mut recv: Option<Val> = None;
        let callee = match self.callee_obj(fun) {
            Some(o) if matches!(self.cx.pkg.obj(o).kind, ObjKind::Func { recv: None }) => {
                match self.cx.funcs.get(&o) {
                    Some(&f) => Callee::Direct(f),
                    None => return Err(self.unsupported(e.pos, "calls of this function")),
                }
            }
            _ if self.is_iface_method(fun) => {
                let ExprKind::Selector(x, sel) = &fun.kind else {
                    unreachable!("checked by is_iface_method")
                };
                let (code, data) = self.iface_method(x, &sel.name)?;
                recv = Some(vec![data]);
                Callee::Iface(code)
            }
            _ if self.promoted_iface_method(fun).is_some() => {
                let (code, data) = self.promoted_iface_call(fun)?;
                recv = Some(vec![data]);
                Callee::Iface(code)
            }
            _ => match self.method_call(fun)? {
                Some((f, r)) => {
                    recv = Some(r);
                    Callee::Direct(f)
                }
                None => {
                    let fv = self.expr(fun)?[0];
                    self.nil_check(fv)?;
                    Callee::Value(fv)
                }
            },
        };
        let closure = match callee {
            Callee::Value(fv) => fv,
            Callee::Direct(_) | Callee::Iface(_) => self.b.ins().iconst(I64, 0),
        };
        let mut vals = vec![self.g, closure];
        // Memory-typed results are written into temporaries the caller provides.
        let mut result_tmps = Vec::new();
        for &r in &sig.results {
            if self.is_mem(r) {
                let t = self.stack_temp(r);
                result_tmps.push(t);
                vals.push(t);
            }
        }
        if let Some(r) = recv {
            vals.extend(r);
        }
        // `//go:uintptrescapes`: a pointer converted to `uintptr` in the arguments keeps
        // its object alive for the call. The values are stored in a slot of this frame,
        // which the collector scans conservatively (a `...uintptr` slice is pointer
        // memory, see `slice_of`).
        let escapes = self
            .callee_obj(fun)
            .is_some_and(|o| self.cx.uintptrescapes.contains(&o));
        let mut keep: Vec<Value> = Vec::new();
        let arg0_ty = match args.first() {
            Some(a) => Some(self.type_of(a)?),
            None => None,
        };
        if let (1, Some(Type::Tuple(elems))) = (args.len(), arg0_ty.map(|t| self.types().get(t))) {
            // `f(g())`: `g`'s results are the arguments, converted to the parameters'
            // types; for a variadic `f` those past the fixed parameters fill a new slice.
            let elems = elems.clone();
            let tuple = arg0_ty.unwrap_or(rgo_types::basic::INVALID);
            let v = self.expr(&args[0])?;
            let v = self.copy_tuple(tuple, v);
            let fixed = if sig.variadic && !dots {
                sig.params.len() - 1
            } else {
                sig.params.len()
            };
            let mut rest = Vec::new();
            let mut off = 0;
            for (i, &t) in elems.iter().enumerate() {
                let n = parts(self.types(), t).len();
                let x = v[off..off + n].to_vec();
                off += n;
                if i < fixed {
                    vals.extend(self.convert_value(x, t, sig.params[i], e.pos)?);
                } else {
                    rest.push((t, x));
                }
            }
            if fixed < sig.params.len() {
                vals.extend(self.slice_of_values(sig.params[fixed], rest, e.pos)?);
            }
        } else if sig.variadic && !dots {
            // The trailing arguments become a new slice: `f(a, b, c)` for `f(a T, xs ...U)`.
            let fixed = sig.params.len() - 1;
            for (a, &pt) in args[..fixed].iter().zip(&sig.params) {
                let v = self.expr_as(a, pt)?;
                if escapes && self.kind_of(pt) == Some(BasicKind::Uintptr) {
                    keep.push(v[0]);
                }
                vals.extend(self.stable_copy(pt, v));
            }
            let slice_ty = sig.params[fixed];
            vals.extend(self.slice_of(slice_ty, &args[fixed..], Some(e.id))?);
        } else {
            for (a, &pt) in args.iter().zip(&sig.params) {
                let v = self.expr_as(a, pt)?;
                if escapes && self.kind_of(pt) == Some(BasicKind::Uintptr) {
                    keep.push(v[0]);
                }
                vals.extend(self.stable_copy(pt, v));
            }
        }
        let kept = if keep.is_empty() {
            None
        } else {
            let slot = self.b.create_sized_stack_slot(StackSlotData::new(
                StackSlotKind::ExplicitSlot,
                8 * keep.len() as u32,
                3,
            ));
            let base = self.b.ins().stack_addr(I64, slot, 0);
            for (i, &v) in keep.iter().enumerate() {
                self.b.ins().store(trusted(), v, base, 8 * i as i32);
            }
            Some(base)
        };
        let target = match callee {
            Callee::Direct(fid) => super::Callee::Direct(self.func_ref(fid)),
            Callee::Value(fv) => {
                let code = self.b.ins().load(I64, trusted(), fv, 0);
                let csig = self.cx.go_signature(fun_ty, None);
                super::Callee::Indirect(self.b.import_signature(csig), code)
            }
            Callee::Iface(code) => {
                let csig = self
                    .cx
                    .go_signature(fun_ty, Some(rgo_types::basic::UNSAFE_POINTER));
                super::Callee::Indirect(self.b.import_signature(csig), code)
            }
        };
        let rets = self.emit_call(target, &vals);
        if let Some(base) = kept {
            // Only for the call: the objects may die after it, as in gc.
            let zero = self.b.ins().iconst(I64, 0);
            for i in 0..keep.len() {
                self.b.ins().store(trusted(), zero, base, 8 * i as i32);
            }
        }
        // Reassemble the results in order: registers from the call, memory from the temps.
        let mut out = Vec::new();
        let (mut ri, mut ti) = (0, 0);
        for &r in &sig.results {
            if self.is_mem(r) {
                out.push(result_tmps[ti]);
                ti += 1;
            } else {
                let n = parts(self.types(), r).len();
                let part = rets
                    .get(ri..ri + n)
                    .ok_or_else(|| self.err(e.pos, "internal compiler error: call results"))?;
                out.extend_from_slice(part);
                ri += n;
            }
        }
        Ok(out)
    }

    /// Copies the memory-typed elements of a multi-value result so they stay unchanged.
    pub(super) fn copy_tuple(&mut self, tuple: TypeId, v: Val) -> Val {
        let Type::Tuple(elems) = self.types().get(tuple).clone() else {
            return v;
        };
        let mut out = Vec::new();
        let mut off = 0;
        for t in elems {
            let n = parts(self.types(), t).len();
            let part = v[off..off + n].to_vec();
            off += n;
            out.extend(self.stable_copy(t, part));
        }
        out
    }

    /// `x.m` where `x` has an interface type.
    fn is_iface_method(&self, fun: &Expr) -> bool {
        let ExprKind::Selector(x, _) = &fun.kind else {
            return false;
        };
        let is_method = self
            .cx
            .info
            .selections
            .get(&fun.id)
            .is_some_and(|s| s.kind == SelectionKind::MethodVal);
        is_method && self.type_of(x).is_ok_and(|t| self.is_iface(t))
    }

    /// `x.m` where `m` is promoted from an embedded field of interface type: the path to
    /// that field.
    pub(super) fn promoted_iface_method(&self, fun: &Expr) -> Option<Vec<usize>> {
        let sel = self.cx.info.selections.get(&fun.id)?;
        if sel.kind != SelectionKind::MethodVal || sel.index.len() < 2 {
            return None;
        }
        match self.cx.pkg.obj(sel.obj).kind {
            ObjKind::Func { recv: Some(r) } if self.is_iface(r) => {
                Some(sel.index[..sel.index.len() - 1].to_vec())
            }
            _ => None,
        }
    }

    /// The code and receiver of a method promoted from an embedded interface field.
    pub(super) fn promoted_iface_call(&mut self, fun: &Expr) -> R<(Value, Value)> {
        let ExprKind::Selector(x, name) = &fun.kind else {
            return Err(self.err(fun.pos, "internal compiler error: selector"));
        };
        let path = self
            .promoted_iface_method(fun)
            .ok_or_else(|| self.err(fun.pos, "internal compiler error: promoted method"))?;
        let (addr, ty) = self.field_addr(x, &path)?;
        let v = self.load_value(addr, ty);
        self.iface_method_of(&v, ty, &name.name, fun.pos)
    }

    /// For `x.m(...)` with a statically known method: the method's function and the
    /// receiver argument (address or value as the method declares, through embedded fields
    /// and with the implicit `&x`/`*x`). `None` when `fun` is not such a method.
    pub(super) fn method_call(&mut self, fun: &Expr) -> R<Option<(FuncId, Val)>> {
        let ExprKind::Selector(x, _) = &fun.kind else {
            return Ok(None);
        };
        let Some(sel) = self.cx.info.selections.get(&fun.id).cloned() else {
            return Ok(None);
        };
        if sel.kind != SelectionKind::MethodVal {
            return Ok(None);
        }
        let ObjKind::Func {
            recv: Some(recv_ty),
        } = self.cx.pkg.obj(sel.obj).kind
        else {
            return Err(self.unsupported(fun.pos, "interface method calls"));
        };
        let Some(&fid) = self.cx.funcs.get(&sel.obj) else {
            return Err(self.unsupported(fun.pos, "calls of this method"));
        };
        let wants_ptr = matches!(self.types().get(recv_ty), Type::Pointer(_));
        let path = &sel.index[..sel.index.len().saturating_sub(1)];
        let xt = self.type_of(x)?;
        // The embedded value that has the method, as an address (or a pointer value).
        let (addr, ty) = if path.is_empty() {
            if matches!(self.types().under(xt), Type::Pointer(_)) {
                (self.expr(x)?[0], xt)
            } else if wants_ptr {
                (self.place(x)?, xt)
            } else {
                let v = self.expr(x)?;
                return Ok(Some((fid, self.stable_copy(recv_ty, v))));
            }
        } else {
            self.field_addr(x, path)?
        };
        // `addr` holds a value of type `ty`, unless `ty` is a pointer and we got the pointer
        // value itself (the direct case above).
        let direct_ptr = path.is_empty() && matches!(self.types().under(xt), Type::Pointer(_));
        let recv_val = match (
            wants_ptr,
            direct_ptr,
            matches!(self.types().under(ty), Type::Pointer(_)),
        ) {
            (true, true, _) => vec![addr],
            (true, false, true) => vec![self.b.ins().load(I64, trusted(), addr, 0)],
            (true, false, false) => vec![addr],
            (false, true, _) => {
                self.nil_check(addr)?;
                let v = self.load_value(addr, recv_ty);
                self.stable_copy(recv_ty, v)
            }
            (false, false, true) => {
                let p = self.b.ins().load(I64, trusted(), addr, 0);
                self.nil_check(p)?;
                let v = self.load_value(p, recv_ty);
                self.stable_copy(recv_ty, v)
            }
            (false, false, false) => {
                let v = self.load_value(addr, recv_ty);
                self.stable_copy(recv_ty, v)
            }
        };
        Ok(Some((fid, recv_val)))
    }

    /// `append(s, xs...)`: stores in place while the capacity allows, else grows through
    /// the runtime first.
    fn append(&mut self, args: &[Expr], spread: bool, pos: Pos) -> R<Val> {
        let at = self.type_of(&args[0])?;
        if let Type::Tuple(elems) = self.types().get(at).clone() {
            // `append(f())`: the slice and the values to append are `f`'s results.
            let v = self.expr(&args[0])?;
            let v = self.copy_tuple(at, v);
            let st = elems[0];
            let elem = match self.types().under(st) {
                Type::Slice(e) => *e,
                _ => return Err(self.unsupported(pos, "append to this type")),
            };
            let mut off = parts(self.types(), st).len();
            let s = v[..off].to_vec();
            let mut items = Vec::new();
            for &t in &elems[1..] {
                let n = parts(self.types(), t).len();
                let x = v[off..off + n].to_vec();
                off += n;
                items.push(self.convert_value(x, t, elem, pos)?);
            }
            let n = self.b.ins().iconst(I64, items.len() as i64);
            return self.append_to(s, elem, None, n, items, pos);
        }
        let st = at;
        let elem = match self.types().under(st) {
            Type::Slice(e) => *e,
            _ => return Err(self.unsupported(pos, "append to this type")),
        };
        let s = self.expr(&args[0])?;
        // The appended values: either each argument, or all of `xs...` (a slice or string).
        let (extra_ptr, extra_len, items) = if spread {
            let v = self.expr(&args[1])?;
            (Some(v[0]), v[1], Vec::new())
        } else {
            let mut items = Vec::new();
            for a in &args[1..] {
                let v = self.expr_as(a, elem)?;
                items.push(self.stable_copy(elem, v));
            }
            let n = self.b.ins().iconst(I64, items.len() as i64);
            (None, n, items)
        };
        self.append_to(s, elem, extra_ptr, extra_len, items, pos)
    }

    /// Appends to slice `s` (of element type `elem`) either `extra_len` elements at
    /// `extra_ptr` or the evaluated `items`.
    fn append_to(
        &mut self,
        s: Val,
        elem: TypeId,
        extra_ptr: Option<Value>,
        extra_len: Value,
        items: Vec<Val>,
        pos: Pos,
    ) -> R<Val> {
        let l = layout(self.types(), elem);
        let new_len = self.b.ins().iadd(s[1], extra_len);
        // Unsigned: an overflowed (negative) length goes to the runtime, which panics.
        let fits = self
            .b
            .ins()
            .icmp(IntCC::UnsignedLessThanOrEqual, new_len, s[2]);
        let grow = self.b.create_block();
        let store = self.b.create_block();
        self.b.append_block_param(store, I64);
        self.b.append_block_param(store, I64);
        self.b.set_cold_block(grow);
        self.b.ins().brif(
            fits,
            store,
            &[
                cranelift_codegen::ir::BlockArg::Value(s[0]),
                cranelift_codegen::ir::BlockArg::Value(s[2]),
            ],
            grow,
            &[],
        );
        self.b.switch_to_block(grow);
        let slot = self
            .b
            .create_sized_stack_slot(cranelift_codegen::ir::StackSlotData::new(
                cranelift_codegen::ir::StackSlotKind::ExplicitSlot,
                24,
                3,
            ));
        let out = self.b.ins().stack_addr(I64, slot, 0);
        let edesc = self.desc_addr(elem, pos)?;
        let g = self.g;
        self.call_rt(
            rgo_abi::lang::GROWSLICE,
            &[g, out, s[0], s[1], s[2], new_len, edesc],
        )?;
        let np = self.b.ins().stack_load(I64, I64, slot, 0);
        let nc = self.b.ins().stack_load(I64, I64, slot, 16);
        self.b.ins().jump(
            store,
            &[
                cranelift_codegen::ir::BlockArg::Value(np),
                cranelift_codegen::ir::BlockArg::Value(nc),
            ],
        );
        self.b.switch_to_block(store);
        let ptr = self.b.block_params(store)[0];
        let cap = self.b.block_params(store)[1];
        let off = self.b.ins().imul_imm_s(s[1], l.size as i64);
        let dst = self.b.ins().iadd(ptr, off);
        match extra_ptr {
            Some(src) => {
                let bytes = self.b.ins().imul_imm_s(extra_len, l.size as i64);
                // The spare capacity may hold stale pointers.
                self.bulk_barrier(elem, dst, bytes)?;
                let cfg = self.cx.module.target_config();
                self.b.call_memmove(cfg, dst, src, bytes);
            }
            None => {
                for (i, v) in items.iter().enumerate() {
                    let a = self.b.ins().iadd_imm_s(dst, i as i64 * l.size as i64);
                    self.store_value(a, elem, v);
                }
            }
        }
        Ok(vec![ptr, new_len, cap])
    }

    /// A new slice of type `slice_ty` holding the values of `elems` (nil when empty): the
    /// implicit slice of a variadic call.
    ///
    /// A `...uintptr` slice is allocated as pointer memory, so that a pointer converted
    /// to `uintptr` in a call's arguments keeps its object alive for the call, as gc's
    /// `//go:uintptrescapes` arguments do (for the other arguments see `call`;
    /// test/fixedbugs/issue24491a.go).
    pub(super) fn slice_of(
        &mut self,
        slice_ty: TypeId,
        elems: &[Expr],
        site: Option<rgo_syntax::ast::NodeId>,
    ) -> R<Val> {
        if elems.is_empty() {
            let z = self.b.ins().iconst(I64, 0);
            return Ok(vec![z, z, z]);
        }
        let on_stack = site.is_some_and(|id| self.stack_sites.contains(&id));
        let (elem_ty, size, ptr) = self.slice_backing(slice_ty, elems.len(), on_stack, Pos(0))?;
        for (i, e) in elems.iter().enumerate() {
            let v = self.expr_as(e, elem_ty)?;
            let addr = self.b.ins().iadd_imm_s(ptr, i as i64 * size as i64);
            self.store_value_init(addr, elem_ty, &v);
        }
        let len = self.b.ins().iconst(I64, elems.len() as i64);
        Ok(vec![ptr, len, len])
    }

    /// A new slice of type `slice_ty` holding already evaluated values (nil when empty),
    /// each converted from its type to the element type: the implicit slice of a variadic
    /// call whose arguments are another call's results.
    fn slice_of_values(&mut self, slice_ty: TypeId, elems: Vec<(TypeId, Val)>, pos: Pos) -> R<Val> {
        if elems.is_empty() {
            let z = self.b.ins().iconst(I64, 0);
            return Ok(vec![z, z, z]);
        }
        let n = elems.len();
        let elem_ty = self.slice_elem(slice_ty, pos)?;
        let mut conv = Vec::new();
        for (t, v) in elems {
            conv.push(self.convert_value(v, t, elem_ty, pos)?);
        }
        let (_, size, ptr) = self.slice_backing(slice_ty, n, false, pos)?;
        for (i, v) in conv.iter().enumerate() {
            let addr = self.b.ins().iadd_imm_s(ptr, i as i64 * size as i64);
            self.store_value_init(addr, elem_ty, v);
        }
        let len = self.b.ins().iconst(I64, n as i64);
        Ok(vec![ptr, len, len])
    }

    fn slice_elem(&self, slice_ty: TypeId, pos: Pos) -> R<TypeId> {
        match self.types().under(slice_ty) {
            Type::Slice(e) => Ok(*e),
            _ => Err(self.err(pos, "internal compiler error: not a slice type")),
        }
    }

    /// A zeroed backing array for `n` elements of a slice of type `slice_ty`, in the frame
    /// when `on_stack`: (element type, element size, address). Uintptr elements are
    /// allocated as pointers (see `slice_of`).
    fn slice_backing(
        &mut self,
        slice_ty: TypeId,
        n: usize,
        on_stack: bool,
        pos: Pos,
    ) -> R<(TypeId, u64, Value)> {
        let elem_ty = self.slice_elem(slice_ty, pos)?;
        let l = crate::layout::layout(self.types(), elem_ty);
        let ptr = if on_stack {
            self.stack_zeroed(l.size * n as u64, l.align)
        } else {
            let alloc_ty = if self.kind_of(elem_ty) == Some(BasicKind::Uintptr) {
                rgo_types::basic::UNSAFE_POINTER
            } else {
                elem_ty
            };
            self.heap_alloc_array(alloc_ty, n as u64)?
        };
        Ok((elem_ty, l.size, ptr))
    }

    /// The backing array of `make([]elem, len[, cap])` in the frame, when its capacity is
    /// a constant (escape analysis checked the size): `None` otherwise. A non-constant
    /// `len` above the capacity still panics through the runtime's `makeslice`.
    fn stack_make(
        &mut self,
        elem: TypeId,
        sizes: &[Expr],
        len: Value,
        cap: Value,
        pos: Pos,
    ) -> R<Option<Value>> {
        let n = match sizes
            .last()
            .and_then(|c| self.cx.tv(c.id))
            .map(|tv| &tv.mode)
        {
            Some(Mode::Constant(rgo_types::ConstValue::Int(v))) => match u64::try_from(v) {
                Ok(n) => n,
                Err(_) => return Ok(None),
            },
            _ => return Ok(None),
        };
        let l = layout(self.types(), elem);
        if l.size.saturating_mul(n) > crate::func::escape::flow::MAX_IMPLICIT_STACK_VAR {
            return Ok(None);
        }
        if sizes.len() == 2 {
            // `make([]T, len, N)`: a bad `len` panics as the runtime reports it.
            let bad = self.b.ins().icmp(IntCC::UnsignedGreaterThan, len, cap);
            let fail = self.b.create_block();
            let ok = self.b.create_block();
            self.b.set_cold_block(fail);
            self.b.ins().brif(bad, fail, &[], ok, &[]);
            self.b.switch_to_block(fail);
            let edesc = self.desc_addr(elem, pos)?;
            let g = self.g;
            self.call_rt(rgo_abi::lang::MAKESLICE, &[g, len, cap, edesc])?;
            self.b.ins().jump(ok, &[]);
            self.b.switch_to_block(ok);
        }
        Ok(Some(self.stack_zeroed(l.size * n, l.align)))
    }

    /// The object a callee names: a function (or an instance of a generic one, `F[int]`),
    /// a variable, a builtin.
    pub(super) fn callee_obj(&self, fun: &Expr) -> Option<ObjId> {
        match &fun.kind {
            ExprKind::Paren(x) => self.callee_obj(x),
            ExprKind::Name(_) => self.cx.info.uses.get(&fun.id).copied(),
            ExprKind::Selector(..) => self.qualified(fun),
            ExprKind::Index(x, _) => self
                .callee_obj(x)
                .filter(|&o| matches!(self.cx.pkg.obj(o).kind, ObjKind::Func { recv: None })),
            _ => None,
        }
    }

    pub(super) fn builtin(
        &mut self,
        b: Builtin,
        args: &[Expr],
        dots: bool,
        pos: Pos,
        id: rgo_syntax::ast::NodeId,
    ) -> R<Val> {
        match b {
            Builtin::Print | Builtin::Println | Builtin::Panic | Builtin::Close => {
                let ops = self.builtin_operands(b, args)?;
                self.builtin_values(b, ops, pos)
            }
            Builtin::Len | Builtin::Cap => {
                let t = self.type_of(&args[0])?;
                let v = self.expr(&args[0])?;
                let idx = if b == Builtin::Len { 1 } else { 2 };
                if self.kind_of(t) == Some(BasicKind::String) {
                    return Ok(vec![v[1]]);
                }
                let array_len = match self.types().under(t) {
                    Type::Array { len, .. } => Some(*len),
                    Type::Pointer(p) => match self.types().under(*p) {
                        Type::Array { len, .. } => Some(*len),
                        _ => None,
                    },
                    _ => None,
                };
                if let Some(n) = array_len {
                    // The operand was evaluated for its side effects; the length is fixed.
                    return Ok(vec![self.b.ins().iconst(I64, n as i64)]);
                }
                match self.types().under(t) {
                    Type::Slice(_) => Ok(vec![v[idx]]),
                    Type::Map { .. } => Ok(vec![self.map_len(v[0])]),
                    Type::Chan { .. } => {
                        let f = if idx == 1 { rt::CHANLEN } else { rt::CHANCAP };
                        let r = self.call_rt(f, &[v[0]])?;
                        Ok(vec![
                            r.ok_or_else(|| self.err(pos, "internal compiler error"))?
                        ])
                    }
                    _ => Err(self.unsupported(pos, &format!("{b:?} of this type"))),
                }
            }
            Builtin::New => {
                let t = self.type_of(&args[0])?;
                if self.stack_sites.contains(&id) {
                    let l = layout(self.types(), t);
                    return Ok(vec![self.stack_zeroed(l.size, l.align)]);
                }
                Ok(vec![self.heap_alloc(t)?])
            }
            Builtin::Make => {
                let t = self.type_of(&args[0])?;
                match self.types().under(t).clone() {
                    Type::Slice(elem) => {
                        let len = self.int_operand(&args[1])?;
                        let cap = match args.get(2) {
                            Some(c) => self.int_operand(c)?,
                            None => len,
                        };
                        if self.stack_sites.contains(&id) {
                            if let Some(p) = self.stack_make(elem, &args[1..], len, cap, pos)? {
                                return Ok(vec![p, len, cap]);
                            }
                        }
                        let edesc = self.desc_addr(elem, pos)?;
                        let g = self.g;
                        let p = self
                            .call_rt(rgo_abi::lang::MAKESLICE, &[g, len, cap, edesc])?
                            .ok_or_else(|| self.err(pos, "internal compiler error"))?;
                        Ok(vec![p, len, cap])
                    }
                    Type::Chan { .. } => self.make_chan(t, args.get(1)),
                    Type::Map { .. } => self.make_map(t, args.get(1), pos),
                    _ => Err(self.unsupported(pos, "make of this type")),
                }
            }
            Builtin::Append => self.append(args, dots, pos),
            Builtin::Real | Builtin::Imag => {
                let v = self.expr(&args[0])?;
                Ok(vec![v[if b == Builtin::Real { 0 } else { 1 }]])
            }
            Builtin::Complex => {
                // The operands already have the float type matching the result;
                // `complex(f())` takes both from one multi-value call.
                let mut v = Vec::new();
                for a in args {
                    v.extend(self.expr(a)?);
                }
                match v[..] {
                    [re, im] => Ok(vec![re, im]),
                    _ => Err(self.err(pos, "internal compiler error: complex operands")),
                }
            }
            Builtin::Recover => {
                let slot =
                    self.b
                        .create_sized_stack_slot(cranelift_codegen::ir::StackSlotData::new(
                            cranelift_codegen::ir::StackSlotKind::ExplicitSlot,
                            16,
                            3,
                        ));
                let out = self.b.ins().stack_addr(I64, slot, 0);
                let fp = self.b.ins().get_frame_pointer(I64);
                let g = self.g;
                self.call_rt(rt::GORECOVER, &[g, fp, out])?;
                let t = self.b.ins().stack_load(I64, I64, slot, 0);
                let d = self.b.ins().stack_load(I64, I64, slot, 8);
                Ok(vec![t, d])
            }
            Builtin::Delete => self.map_delete(&args[0], &args[1], pos),
            Builtin::Copy => {
                let dt = self.type_of(&args[0])?;
                let d = self.expr(&args[0])?;
                let s = self.expr(&args[1])?;
                Ok(vec![self.copy_values(dt, &d, &s)?])
            }
            Builtin::Add => {
                let p = self.expr_as(&args[0], rgo_types::basic::UNSAFE_POINTER)?[0];
                // Sign- or zero-extended by the operand's type, as gc converts it to uintptr.
                let n = self.int_operand(&args[1])?;
                Ok(vec![self.b.ins().iadd(p, n)])
            }
            Builtin::Slice => self.unsafe_slice(args, pos),
            _ => Err(self.unsupported(pos, &format!("builtin {b:?}"))),
        }
    }

    /// `unsafe.Slice(p, n)`: `p[:n:n]` with gc's checks: `n` must be a non-negative `int`
    /// (an unsigned value of 2⁶³ or more is negative as an `int`) and the `n` elements must
    /// not wrap around the address space, which for a nil `p` means `n` must be 0.
    fn unsafe_slice(&mut self, args: &[Expr], pos: Pos) -> R<Val> {
        let pt = self.type_of(&args[0])?;
        let elem = match self.types().under(pt) {
            Type::Pointer(e) => *e,
            _ => return Err(self.err(pos, "internal compiler error: unsafe.Slice operand")),
        };
        let p = self.expr(&args[0])?[0];
        let n = self.int_operand(&args[1])?;
        let neg = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, n, 0);
        let zero = self.b.ins().iconst(I64, 0);
        self.panic_if(neg, rt::PANIC_UNSAFE_SLICE, &[zero])?;
        let size = layout(self.types(), elem).size;
        if let Some(max) = u64::MAX.checked_div(size) {
            let max = self.b.ins().iconst(I64, max as i64);
            let overflow = self.b.ins().icmp(IntCC::UnsignedGreaterThan, n, max);
            let mem = self.b.ins().imul_imm_s(n, size as i64);
            let room = self.b.ins().ineg(p);
            let wraps = self.b.ins().icmp(IntCC::UnsignedGreaterThan, mem, room);
            let bad = self.b.ins().bor(overflow, wraps);
            let is_nil = self.b.ins().icmp_imm_s(IntCC::Equal, p, 0);
            let is_nil = self.b.ins().uextend(I64, is_nil);
            self.panic_if(bad, rt::PANIC_UNSAFE_SLICE, &[is_nil])?;
        }
        Ok(vec![p, n, n])
    }

    /// Evaluates the operands of a builtin that works on plain values (print, println,
    /// panic, close); a single multi-value call to print is spread into its results.
    pub(super) fn builtin_operands(&mut self, b: Builtin, args: &[Expr]) -> R<Vec<(TypeId, Val)>> {
        let mut ops = Vec::new();
        for a in args {
            let t = self.type_of(a)?;
            let v = self.expr(a)?;
            match self.types().get(t).clone() {
                Type::Tuple(elems) if matches!(b, Builtin::Print | Builtin::Println) => {
                    let mut off = 0;
                    for et in elems {
                        let n = parts(self.types(), et).len();
                        ops.push((et, v[off..off + n].to_vec()));
                        off += n;
                    }
                }
                _ => ops.push((t, v)),
            }
        }
        Ok(ops)
    }

    /// print, println, panic and close applied to evaluated operands (also what deferred
    /// and `go` calls of these builtins run).
    /// `copy(d, s)` of evaluated operands (`d` of slice type `dt`; `s` a slice or string):
    /// the number of elements copied.
    pub(super) fn copy_values(&mut self, dt: TypeId, d: &[Value], s: &[Value]) -> R<Value> {
        let (elem, esize) = match self.types().under(dt) {
            Type::Slice(e) => (*e, layout(self.types(), *e).size),
            _ => (rgo_types::basic::UINT8, 1),
        };
        let n = self.b.ins().smin(d[1], s[1]);
        let bytes = self.b.ins().imul_imm_s(n, esize as i64);
        self.bulk_barrier(elem, d[0], bytes)?;
        let cfg = self.cx.module.target_config();
        self.b.call_memmove(cfg, d[0], s[0], bytes);
        Ok(n)
    }

    pub(super) fn builtin_values(
        &mut self,
        b: Builtin,
        ops: Vec<(TypeId, Val)>,
        pos: Pos,
    ) -> R<Val> {
        match b {
            Builtin::Print | Builtin::Println => {
                self.call_rt(rt::PRINTLOCK, &[])?;
                for (i, (t, v)) in ops.into_iter().enumerate() {
                    if i > 0 && b == Builtin::Println {
                        self.call_rt(rt::PRINTSP, &[])?;
                    }
                    self.print_value(t, v, pos)?;
                }
                if b == Builtin::Println {
                    self.call_rt(rt::PRINTNL, &[])?;
                }
                self.call_rt(rt::PRINTUNLOCK, &[])?;
            }
            Builtin::Panic => {
                // The value travels as an `interface{}`, which `recover` hands back.
                let (t, v) = ops
                    .into_iter()
                    .next()
                    .ok_or_else(|| self.err(pos, "internal compiler error"))?;
                let e = self.as_eface(v, t, pos)?;
                let g = self.g;
                self.call_rt(rt::GOPANIC, &[g, e[0], e[1]])?;
            }
            Builtin::Close => {
                let c = ops
                    .first()
                    .map(|o| o.1[0])
                    .ok_or_else(|| self.err(pos, "internal compiler error"))?;
                let g = self.g;
                self.call_rt(rt::CLOSECHAN, &[g, c])?;
            }
            Builtin::Copy => {
                let [(dt, d), (_, s)] = <[(TypeId, Val); 2]>::try_from(ops)
                    .map_err(|_| self.err(pos, "internal compiler error: copy operands"))?;
                self.copy_values(dt, &d, &s)?;
            }
            Builtin::Delete => {
                let [(mt, m), (kt, k)] = <[(TypeId, Val); 2]>::try_from(ops)
                    .map_err(|_| self.err(pos, "internal compiler error: delete operands"))?;
                self.map_delete_values(mt, m[0], kt, &k, pos)?;
            }
            _ => return Err(self.unsupported(pos, &format!("builtin {b:?} here"))),
        }
        Ok(vec![])
    }

    pub(super) fn print_value(&mut self, t: TypeId, v: Val, pos: Pos) -> R<()> {
        let k = match self.types().under(t) {
            Type::Basic(k) => default_kind(*k),
            Type::Pointer(_) | Type::Map { .. } | Type::Chan { .. } | Type::Signature(_) => {
                BasicKind::UnsafePointer
            }
            Type::Slice(_) => {
                // gc prints a slice as `[len/cap]0xptr`.
                let (lb, sl, rb) = (
                    self.string_const(b"[")?,
                    self.string_const(b"/")?,
                    self.string_const(b"]")?,
                );
                self.call_rt(rt::PRINTSTRING, &lb)?;
                self.call_rt(rt::PRINTINT, &[v[1]])?;
                self.call_rt(rt::PRINTSTRING, &sl)?;
                self.call_rt(rt::PRINTINT, &[v[2]])?;
                self.call_rt(rt::PRINTSTRING, &rb)?;
                self.call_rt(rt::PRINTPOINTER, &[v[0]])?;
                return Ok(());
            }
            Type::Interface(_) => {
                // gc prints an interface as `(type-or-itab,data)`.
                let (lp, comma, rp) = (
                    self.string_const(b"(")?,
                    self.string_const(b",")?,
                    self.string_const(b")")?,
                );
                self.call_rt(rt::PRINTSTRING, &lp)?;
                self.call_rt(rt::PRINTPOINTER, &[v[0]])?;
                self.call_rt(rt::PRINTSTRING, &comma)?;
                self.call_rt(rt::PRINTPOINTER, &[v[1]])?;
                self.call_rt(rt::PRINTSTRING, &rp)?;
                return Ok(());
            }
            _ => return Err(self.unsupported(pos, "printing this type")),
        };
        match k {
            BasicKind::Bool => {
                self.call_rt(rt::PRINTBOOL, &[v[0]])?;
            }
            BasicKind::String => {
                self.call_rt(rt::PRINTSTRING, &[v[0], v[1]])?;
            }
            BasicKind::Float32 | BasicKind::Float64 => {
                let x = self.widen_float(v[0]);
                self.call_rt(rt::PRINTFLOAT, &[x])?;
            }
            BasicKind::Complex64 | BasicKind::Complex128 => {
                let re = self.widen_float(v[0]);
                let im = self.widen_float(v[1]);
                self.call_rt(rt::PRINTCOMPLEX, &[re, im])?;
            }
            BasicKind::UnsafePointer => {
                self.call_rt(rt::PRINTPOINTER, &[v[0]])?;
            }
            k if k.is_unsigned() => {
                let x = self.extend_to_i64(v[0], k);
                self.call_rt(rt::PRINTUINT, &[x])?;
            }
            k => {
                let x = self.extend_to_i64(v[0], k);
                self.call_rt(rt::PRINTINT, &[x])?;
            }
        }
        Ok(())
    }

    pub(super) fn widen_float(&mut self, v: Value) -> Value {
        if self.b.func.dfg.value_type(v) == F32 {
            self.b.ins().fpromote(F64, v)
        } else {
            v
        }
    }

    pub(super) fn conversion(&mut self, x: &Expr, to: TypeId, pos: Pos) -> R<Val> {
        let from = self.type_of(x)?;
        let v = self.expr(x)?;
        if self.is_iface(to) {
            return self.convert_value(v, from, to, pos);
        }
        let elem_kind = |f: &Self, t: TypeId| match f.types().under(t) {
            Type::Slice(e) => f.kind_of(*e),
            _ => None,
        };
        let (fk, tk) = match (self.kind_of(from), self.kind_of(to)) {
            (Some(f), Some(t)) => (f, t),
            // string ↔ []byte / []rune.
            (Some(BasicKind::String), None) => {
                let f = match elem_kind(self, to) {
                    Some(BasicKind::Uint8) => rt::STRING_TO_SLICEBYTE,
                    Some(BasicKind::Int32) => rt::STRING_TO_SLICERUNE,
                    _ => return Err(self.unsupported(pos, "this conversion")),
                };
                return self.runtime_slice(f, &[v[0], v[1]]);
            }
            (None, Some(BasicKind::String)) => {
                let f = match elem_kind(self, from) {
                    Some(BasicKind::Uint8) => rt::SLICEBYTE_TO_STRING,
                    Some(BasicKind::Int32) => rt::SLICERUNE_TO_STRING,
                    _ => return Err(self.unsupported(pos, "this conversion")),
                };
                return self.runtime_string(f, &[v[0], v[1]]);
            }
            _ => {
                // Conversions between identical underlying types keep the representation,
                // as do pointer ↔ unsafe.Pointer.
                let (uf, ut) = (self.types().underlying(from), self.types().underlying(to));
                if uf == ut
                    || parts(self.types(), from).len() == parts(self.types(), to).len()
                        && !self.is_mem(from)
                        && !matches!(self.types().get(uf), Type::Slice(_))
                {
                    return Ok(v);
                }
                // A slice to an array pointer: `(*[N]T)(s)` checks the length.
                if let (Type::Slice(_), Type::Pointer(p)) =
                    (self.types().get(uf).clone(), self.types().get(ut).clone())
                {
                    if let Type::Array { len, .. } = self.types().under(p).clone() {
                        let n = self.b.ins().iconst(I64, len as i64);
                        let bad = self.b.ins().icmp(IntCC::SignedLessThan, v[1], n);
                        let code = self.b.ins().iconst(I32, rgo_abi::bounds::CONVERT as i64);
                        self.panic_if(bad, rt::PANIC_BOUNDS, &[n, v[1], code])?;
                        return Ok(vec![v[0]]);
                    }
                }
                if uf == ut
                    || self.is_mem(from) && layout(self.types(), from) == layout(self.types(), to)
                {
                    return Ok(v);
                }
                return Err(self.unsupported(pos, "this conversion"));
            }
        };
        if fk == tk
            || matches!(
                (fk, tk),
                (BasicKind::UnsafePointer, BasicKind::Uintptr)
                    | (BasicKind::Uintptr, BasicKind::UnsafePointer)
            )
        {
            return Ok(v);
        }
        let tt = parts(self.types(), to);
        if tk == BasicKind::String && fk.is_integer() {
            let r = self.extend_to_i64(v[0], fk);
            return self.runtime_string(rt::INT_STRING, &[r]);
        }
        if fk.is_integer() && tk.is_integer() {
            let src = self.b.func.dfg.value_type(v[0]);
            let dst = tt[0].ty;
            return Ok(vec![if src.bits() > dst.bits() {
                self.b.ins().ireduce(dst, v[0])
            } else if src.bits() < dst.bits() {
                if fk.is_unsigned() {
                    self.b.ins().uextend(dst, v[0])
                } else {
                    self.b.ins().sextend(dst, v[0])
                }
            } else {
                v[0]
            }]);
        }
        if fk.is_integer() && tk.is_float() {
            let src = self.extend_to_i64(v[0], fk);
            return Ok(vec![if fk.is_unsigned() {
                self.b.ins().fcvt_from_uint(tt[0].ty, src)
            } else {
                self.b.ins().fcvt_from_sint(tt[0].ty, src)
            }]);
        }
        if fk.is_float() && tk.is_integer() {
            // Out-of-range conversions are implementation-defined in Go; saturate.
            let w = if tk.is_unsigned() {
                self.b.ins().fcvt_to_uint_sat(I64, v[0])
            } else {
                self.b.ins().fcvt_to_sint_sat(I64, v[0])
            };
            return Ok(vec![if tt[0].ty == I64 {
                w
            } else {
                self.b.ins().ireduce(tt[0].ty, w)
            }]);
        }
        if fk.is_float() && tk.is_float() {
            return Ok(vec![self.float_resize(v[0], tt[0].ty)]);
        }
        if fk.is_complex() && tk.is_complex() {
            let t = tt[0].ty;
            return Ok(vec![self.float_resize(v[0], t), self.float_resize(v[1], t)]);
        }
        Err(self.unsupported(pos, "this conversion"))
    }

    pub(super) fn float_resize(&mut self, v: Value, to: types::Type) -> Value {
        let from = self.b.func.dfg.value_type(v);
        if from == to {
            v
        } else if to == F64 {
            self.b.ins().fpromote(F64, v)
        } else {
            self.b.ins().fdemote(F32, v)
        }
    }

    /// Calls a runtime routine that writes a slice result through an out pointer.
    fn runtime_slice(&mut self, name: &'static str, args: &[Value]) -> R<Val> {
        let slot = self
            .b
            .create_sized_stack_slot(cranelift_codegen::ir::StackSlotData::new(
                cranelift_codegen::ir::StackSlotKind::ExplicitSlot,
                24,
                3,
            ));
        let out = self.b.ins().stack_addr(I64, slot, 0);
        let mut all = vec![self.g, out];
        all.extend_from_slice(args);
        self.call_rt(name, &all)?;
        Ok((0..3)
            .map(|i| self.b.ins().stack_load(I64, I64, slot, 8 * i))
            .collect())
    }

    /// Calls a runtime routine that writes a string result through an out pointer.
    pub(super) fn runtime_string(&mut self, name: &'static str, args: &[Value]) -> R<Val> {
        let slot = self
            .b
            .create_sized_stack_slot(cranelift_codegen::ir::StackSlotData::new(
                cranelift_codegen::ir::StackSlotKind::ExplicitSlot,
                16,
                3,
            ));
        let out = self.b.ins().stack_addr(I64, slot, 0);
        let mut all = vec![self.g, out];
        all.extend_from_slice(args);
        self.call_rt(name, &all)?;
        let ptr = self.b.ins().stack_load(I64, I64, slot, 0);
        let len = self.b.ins().stack_load(I64, I64, slot, 8);
        Ok(vec![ptr, len])
    }
}
