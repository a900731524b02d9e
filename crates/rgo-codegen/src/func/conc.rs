//! Goroutines and channels: `go`, send, receive, `close`, `range` over a channel, `select`.
//!
//! `go f(x, y)` evaluates `f` and the arguments in the calling goroutine into a heap block
//! `{f, x, y}` and hands the runtime (`rgo_newproc`) the block and a *thunk*: a small
//! C-convention function, one per `go` statement, that the new goroutine's first frame calls
//! with the block; it loads the callee and arguments and makes the call. Thunks are lowered
//! after the enclosing function (see `lower_thunk`).
//!
//! Channel operations pass elements by address: a send spills the value to a stack slot, a
//! receive names a slot for the runtime to fill. `select` builds an array of case records
//! (rgo_abi::scase) on the stack; the runtime returns `chosen << 1 | ok` or -1 for default.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::types::{I64, I8};
use cranelift_codegen::ir::{
    AbiParam, InstBuilder, Signature, StackSlotData, StackSlotKind, UserFuncName, Value,
};
use cranelift_codegen::isa::CallConv;
use cranelift_codegen::Context;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_module::{FuncId, Module};
use rgo_abi::entry as rt;
use rgo_syntax::ast::{self, CommOp, Expr, ExprKind};
use rgo_syntax::Pos;
use rgo_types::{Builtin, ObjKind, SelectionKind, Type, TypeId};

use super::{trusted, FnLower, Target, Val, R};
use crate::layout::{layout, parts};
use crate::{CgError, Ctx};

/// A `go`/`defer` call's shape: what its thunk loads from the block and calls.
pub(crate) struct Thunk {
    pub id: FuncId,
    pub callee: ThunkCallee,
    /// Types of the values stored in the block after the callee word, in order (the
    /// receiver first for methods; the operands for builtins).
    pub args: Vec<TypeId>,
}

pub(crate) enum ThunkCallee {
    /// A known function; the Go signature type of the call.
    Direct(FuncId, TypeId),
    /// A func value stored first in the block; its Go signature type.
    Value(TypeId),
    /// A builtin applied to the stored operands.
    Builtin(Builtin),
    /// Not a `go`/`defer` thunk: a finalizer thunk for this func type (`finalizer.rs`).
    Finalizer(TypeId),
    /// `runtime.SetFinalizer(obj, f)` with the finalizer thunk made at the statement.
    SetFinalizer(Option<FuncId>),
}

/// Offsets of each argument in a thunk's block: the callee word at 0, then the arguments
/// at their alignment. Returns the offsets and the block size.
fn block_layout(t: &rgo_types::TypeTable, args: &[TypeId]) -> (Vec<u64>, u64) {
    let mut off = 8u64;
    let mut offs = Vec::new();
    for &a in args {
        let l = layout(t, a);
        off = off.next_multiple_of(l.align.max(1));
        offs.push(off);
        off += l.size;
    }
    (offs, off.max(8))
}

/// Lowers a thunk: `fn(g, block)` (C convention) that makes the saved call.
pub(crate) fn lower_thunk<M: Module>(
    cx: &mut Ctx<'_, M>,
    ctx: &mut Context,
    fctx: &mut FunctionBuilderContext,
    th: &Thunk,
) -> Result<(), CgError> {
    if let ThunkCallee::Finalizer(sig_ty) = th.callee {
        return super::finalizer::lower_fin_thunk(cx, ctx, fctx, th.id, sig_ty);
    }
    let mut sig = Signature::new(CallConv::SystemV);
    sig.params.push(AbiParam::new(I64));
    sig.params.push(AbiParam::new(I64));
    ctx.func.signature = sig;
    ctx.func.name = UserFuncName::user(0, th.id.as_u32());
    let (offs, _) = block_layout(&cx.pkg.types, &th.args);
    let mut b = FunctionBuilder::new(&mut ctx.func, fctx);
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    let (g, block) = (b.block_params(entry)[0], b.block_params(entry)[1]);
    let closure = match th.callee {
        ThunkCallee::Value(_) => b.ins().load(I64, trusted(), block, 0),
        _ => b.ins().iconst(I64, 0),
    };
    let mut f = FnLower::bare(cx, b, g, closure);
    // The stored values (memory-typed ones by address: the block is this call's own copy).
    let mut ops: Vec<(TypeId, Val)> = Vec::new();
    for (&a, &off) in th.args.iter().zip(&offs) {
        let addr = f.b.ins().iadd_imm_s(block, off as i64);
        let v = f.load_value(addr, a);
        ops.push((a, v));
    }
    match th.callee {
        ThunkCallee::Builtin(Builtin::Recover) => {
            let fp = ops[0].1[0];
            // The recovered value (an interface{}) is discarded.
            let slot = f.b.create_sized_stack_slot(StackSlotData::new(
                cranelift_codegen::ir::StackSlotKind::ExplicitSlot,
                16,
                3,
            ));
            let out = f.b.ins().stack_addr(I64, slot, 0);
            f.call_rt(rt::GORECOVER, &[g, fp, out])?;
        }
        ThunkCallee::Builtin(bi) => {
            f.builtin_values(bi, ops, Pos(0))?;
        }
        ThunkCallee::Finalizer(_) => unreachable!("lowered by lower_fin_thunk"),
        ThunkCallee::SetFinalizer(fin_thunk) => {
            f.call_set_finalizer(&ops[0].1, &ops[1].1, fin_thunk)?;
        }
        ThunkCallee::Direct(_, sig_ty) | ThunkCallee::Value(sig_ty) => {
            let results = match f.types().under(sig_ty) {
                Type::Signature(s) => s.results.clone(),
                _ => vec![],
            };
            let mut vals = vec![g, closure];
            for &r in &results {
                if f.is_mem(r) {
                    vals.push(f.stack_temp(r));
                }
            }
            for (_, v) in ops {
                vals.extend(v);
            }
            if let ThunkCallee::Direct(fid, _) = th.callee {
                let r = f.func_ref(fid);
                f.b.ins().call(r, &vals);
            } else {
                f.nil_check(closure)?;
                let code = f.b.ins().load(I64, trusted(), closure, 0);
                let csig = f.cx.go_signature(sig_ty, None);
                let sref = f.b.import_signature(csig);
                f.b.ins().call_indirect(sref, code, &vals);
            }
        }
    }
    f.b.ins().return_(&[]);
    f.finish();
    Ok(())
}

/// Per select clause: its case index (`None` for default), and for receives the buffer
/// the runtime fills and the element type.
type SelectClause = (Option<usize>, Option<(Value, TypeId)>);

impl<M: Module> FnLower<'_, '_, '_, M> {
    /// `go f(args)`.
    pub(super) fn go_stmt(&mut self, call: &Expr) -> R<()> {
        let (code, block) = self.package_call(call, "go")?;
        let g = self.g;
        self.call_rt(rt::NEWPROC, &[g, code, block])?;
        Ok(())
    }

    /// `defer f(args)`: registered on the goroutine's defer chain with this activation's
    /// frame pointer; run by `rgo_deferreturn` before each return, or by a panic.
    pub(super) fn defer_stmt(&mut self, call: &Expr) -> R<()> {
        let (code, block) = self.package_call(call, "defer")?;
        let g = self.g;
        let fp = self.b.ins().get_frame_pointer(I64);
        self.call_rt(rt::DEFERPROC, &[g, code, block, fp])?;
        Ok(())
    }

    /// Evaluates the callee and arguments of a `go`/`defer` call into a heap block; returns
    /// the address of the thunk that makes the call and the block.
    fn package_call(&mut self, call: &Expr, what: &str) -> R<(Value, Value)> {
        let ExprKind::Call { fun, args, dots } = &call.kind else {
            return Err(self.err(call.pos, "internal compiler error: go/defer without a call"));
        };
        let fun_ty = self.type_of(fun)?;
        if let Some(rgo_types::Mode::Builtin) = self.cx.tv(fun.id).map(|tv| &tv.mode) {
            let b = match self
                .callee_obj(fun)
                .map(|o| self.cx.pkg.obj(o).kind.clone())
            {
                Some(ObjKind::Builtin(b))
                    if matches!(
                        b,
                        Builtin::Print
                            | Builtin::Println
                            | Builtin::Panic
                            | Builtin::Close
                            | Builtin::Copy
                    ) =>
                {
                    b
                }
                // The key converts to the map's key type now, as the call would.
                Some(ObjKind::Builtin(Builtin::Delete)) => {
                    let mt = self.type_of(&args[0])?;
                    let kt = self
                        .map_kv(mt)
                        .map(|(k, _)| k)
                        .ok_or_else(|| self.err(call.pos, "internal compiler error: delete"))?;
                    let m = self.expr(&args[0])?;
                    let k = self.expr_as(&args[1], kt)?;
                    return self.store_thunk_block(
                        ThunkCallee::Builtin(Builtin::Delete),
                        vec![mt, kt],
                        None,
                        vec![m, k],
                        call.pos,
                    );
                }
                // `defer recover()` recovers as if this function called recover() when the
                // deferred call runs: the thunk passes this activation's frame pointer.
                Some(ObjKind::Builtin(Builtin::Recover)) if what == "defer" => {
                    let fp = self.b.ins().get_frame_pointer(I64);
                    return self.store_thunk_block(
                        ThunkCallee::Builtin(Builtin::Recover),
                        vec![rgo_types::basic::UINTPTR],
                        None,
                        vec![vec![fp]],
                        call.pos,
                    );
                }
                _ => return Err(self.unsupported(call.pos, &format!("{what} with this builtin"))),
            };
            let ops = self.builtin_operands(b, args)?;
            let types: Vec<TypeId> = ops.iter().map(|o| o.0).collect();
            let vals: Vec<Val> = ops.into_iter().map(|o| o.1).collect();
            return self.store_thunk_block(ThunkCallee::Builtin(b), types, None, vals, call.pos);
        }
        let sig = match self.types().under(fun_ty) {
            Type::Signature(s) => s.clone(),
            _ => {
                return Err(self.err(
                    call.pos,
                    "internal compiler error: callee is not a function",
                ))
            }
        };
        // The callee: a top-level function or method (called directly), or a func value.
        let mut callee = ThunkCallee::Value(fun_ty);
        let mut recv_ty = None;
        let mut arg_vals: Vec<Val> = Vec::new();
        let mut fv = None;
        let obj = self.callee_obj(fun);
        if args.len() == 2 && self.is_set_finalizer(obj) {
            callee = ThunkCallee::SetFinalizer(self.finalizer_thunk(&args[1])?);
        } else if let Some(o) =
            obj.filter(|o| matches!(self.cx.pkg.obj(*o).kind, ObjKind::Func { recv: None }))
        {
            if let Some(&f) = self.cx.funcs.get(&o) {
                callee = ThunkCallee::Direct(f, fun_ty);
            }
        } else if self.is_iface_call(fun) {
            // An interface method: bind the receiver now (a nil interface panics here, as
            // in gc) and call the method value later.
            let sel = self.cx.info.selections.get(&fun.id).cloned();
            let sel = sel.ok_or_else(|| self.err(fun.pos, "internal compiler error: selector"))?;
            let v = self.method_value(fun, &sel, fun_ty)?;
            fv = Some(v[0]);
        } else if let Some((f, r)) = self.method_call_parts(fun)? {
            callee = ThunkCallee::Direct(f, fun_ty);
            recv_ty = Some(r.0);
            arg_vals.push(r.1);
        }
        if let (ThunkCallee::Value(_), None) = (&callee, fv) {
            let v = self.expr(fun)?[0];
            // `go` of a nil func panics at once; a deferred nil func when it is called
            // (the thunk checks).
            if what == "go" {
                self.nil_check(v)?;
            }
            fv = Some(v);
        }
        // Arguments, packed as the callee expects (variadic ones into a slice).
        if sig.variadic && !dots {
            let fixed = sig.params.len() - 1;
            for (a, &pt) in args[..fixed].iter().zip(&sig.params) {
                arg_vals.push(self.expr_as(a, pt)?);
            }
            arg_vals.push(self.slice_of(sig.params[fixed], &args[fixed..], None)?);
        } else if args.len() == 1
            && matches!(self.types().get(self.type_of(&args[0])?), Type::Tuple(_))
        {
            let v = self.expr(&args[0])?;
            let mut off = 0;
            for &p in &sig.params {
                let n = parts(self.types(), p).len();
                arg_vals.push(v[off..off + n].to_vec());
                off += n;
            }
        } else {
            for (a, &pt) in args.iter().zip(&sig.params) {
                arg_vals.push(self.expr_as(a, pt)?);
            }
        }
        let arg_types: Vec<TypeId> = recv_ty
            .into_iter()
            .chain(sig.params.iter().copied())
            .collect();
        self.store_thunk_block(callee, arg_types, fv, arg_vals, call.pos)
    }

    /// Stores a call package's values into a new heap block and declares its thunk.
    fn store_thunk_block(
        &mut self,
        callee: ThunkCallee,
        arg_types: Vec<TypeId>,
        fv: Option<Value>,
        arg_vals: Vec<Val>,
        pos: Pos,
    ) -> R<(Value, Value)> {
        let (offs, size) = block_layout(self.types(), &arg_types);
        let block = self.alloc_bytes(size, 8)?;
        if let Some(v) = fv {
            self.b.ins().store(trusted(), v, block, 0);
        }
        for ((v, &t), &off) in arg_vals.iter().zip(&arg_types).zip(&offs) {
            let a = self.b.ins().iadd_imm_s(block, off as i64);
            self.store_value_init(a, t, v);
        }
        let id = self
            .cx
            .new_thunk(Thunk {
                id: FuncId::from_u32(0),
                callee,
                args: arg_types,
            })
            .map_err(|e| self.err(pos, e))?;
        let r = self.func_ref(id);
        let code = self.b.ins().func_addr(I64, r);
        Ok((code, block))
    }

    /// `x.m` on an interface value (directly or through an embedded interface field).
    fn is_iface_call(&self, fun: &Expr) -> bool {
        let ExprKind::Selector(x, _) = &fun.kind else {
            return false;
        };
        let Some(sel) = self.cx.info.selections.get(&fun.id) else {
            return false;
        };
        sel.kind == SelectionKind::MethodVal
            && (self.type_of(x).is_ok_and(|t| self.is_iface(t))
                || matches!(self.cx.pkg.obj(sel.obj).kind, ObjKind::Func { recv: Some(r) } if self.is_iface(r)))
    }

    /// For a method call's callee `x.m`: the method's function, and the receiver's type and
    /// value (see `method_call`).
    fn method_call_parts(&mut self, fun: &Expr) -> R<Option<(FuncId, (TypeId, Val))>> {
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
            return Ok(None);
        };
        Ok(self.method_call(fun)?.map(|(f, v)| (f, (recv_ty, v))))
    }

    fn chan_elem(&self, ch_ty: TypeId) -> Option<TypeId> {
        match self.types().under(ch_ty) {
            Type::Chan { elem, .. } => Some(*elem),
            _ => None,
        }
    }

    /// `make(chan T, n)`.
    pub(super) fn make_chan(&mut self, ch_ty: TypeId, size: Option<&Expr>) -> R<Val> {
        let elem = self.chan_elem(ch_ty).unwrap_or(rgo_types::basic::INVALID);
        let l = layout(self.types(), elem);
        let n = match size {
            Some(e) => self.int_operand(e)?,
            None => self.b.ins().iconst(I64, 0),
        };
        let z = self.b.ins().iconst(I64, 0);
        let es = self.b.ins().iconst(I64, l.size as i64);
        let ea = self.b.ins().iconst(I64, l.align.max(1) as i64);
        let g = self.g;
        let c = self
            .call_rt(rt::MAKECHAN, &[g, z, es, ea, n])?
            .ok_or_else(|| self.err(Pos(0), "internal compiler error"))?;
        Ok(vec![c])
    }

    /// `ch <- v`.
    pub(super) fn send(&mut self, ch: &Expr, value: &Expr) -> R<()> {
        let ct = self.type_of(ch)?;
        let elem = self.chan_elem(ct).unwrap_or(rgo_types::basic::INVALID);
        let c = self.expr(ch)?[0];
        let v = self.expr_as(value, elem)?;
        let tmp = self.stack_temp(elem);
        self.store_value_init(tmp, elem, &v);
        let g = self.g;
        self.call_rt(rt::CHANSEND, &[g, c, tmp])?;
        Ok(())
    }

    /// `<-ch`: the element, followed by `ok` when `with_ok`.
    pub(super) fn recv(&mut self, ch: &Expr, with_ok: bool) -> R<Val> {
        let ct = self.type_of(ch)?;
        let elem = self.chan_elem(ct).unwrap_or(rgo_types::basic::INVALID);
        let c = self.expr(ch)?[0];
        let tmp = self.stack_temp(elem);
        let g = self.g;
        let ok = self
            .call_rt(rt::CHANRECV, &[g, c, tmp])?
            .ok_or_else(|| self.err(ch.pos, "internal compiler error"))?;
        let mut v = self.load_value(tmp, elem);
        v = self.stable_copy(elem, v);
        if with_ok {
            v.push(ok);
        }
        Ok(v)
    }

    /// `for v := range ch`.
    pub(super) fn range_chan(
        &mut self,
        label: Option<String>,
        key: Option<&Expr>,
        define: bool,
        x: &Expr,
        body: &ast::Block,
    ) -> R<()> {
        let ct = self.type_of(x)?;
        let elem = self.chan_elem(ct).unwrap_or(rgo_types::basic::INVALID);
        let c = self.expr(x)?[0];
        let key = key.filter(|k| !matches!(&k.kind, ExprKind::Name(n) if n == "_"));
        if let (Some(k), true) = (key, define) {
            if let Some(&o) = self.cx.info.defs.get(&k.id) {
                let ty = self.cx.pkg.obj(o).typ;
                self.declare_local(o, ty, None);
            }
        }
        let header = self.b.create_block();
        let body_blk = self.b.create_block();
        let exit = self.b.create_block();
        self.b.ins().jump(header, &[]);
        self.b.switch_to_block(header);
        let tmp = self.stack_temp(elem);
        let g = self.g;
        let ok = self
            .call_rt(rt::CHANRECV, &[g, c, tmp])?
            .ok_or_else(|| self.err(x.pos, "internal compiler error"))?;
        self.b.ins().brif(ok, body_blk, &[], exit, &[]);
        self.b.switch_to_block(body_blk);
        if let Some(k) = key {
            let v = self.load_value(tmp, elem);
            let v = self.stable_copy(elem, v);
            self.assign_iter_var(k, define, v)?;
        }
        self.targets.push(Target {
            label,
            brk: exit,
            cont: Some(header),
        });
        self.block(&body.stmts)?;
        self.targets.pop();
        if !self.is_terminated() {
            self.poll();
            self.b.ins().jump(header, &[]);
        }
        self.b.switch_to_block(exit);
        Ok(())
    }

    /// `select { ... }`.
    pub(super) fn select_stmt(
        &mut self,
        label: Option<String>,
        clauses: &[ast::CommClause],
    ) -> R<()> {
        // Case records for the non-default clauses, in source order; receive buffers.
        let n = clauses
            .iter()
            .filter(|c| !matches!(c.comm, CommOp::Default))
            .count();
        let has_default = n < clauses.len();
        let slot = self.b.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            (rgo_abi::scase::SIZE as u32 * n as u32).max(8),
            3,
        ));
        let cases = self.b.ins().stack_addr(I64, slot, 0);
        let mut info: Vec<SelectClause> = Vec::new();
        let mut k = 0;
        for c in clauses {
            match &c.comm {
                CommOp::Default => info.push((None, None)),
                CommOp::Send { ch, value } => {
                    let ct = self.type_of(ch)?;
                    let elem = self.chan_elem(ct).unwrap_or(rgo_types::basic::INVALID);
                    let chv = self.expr(ch)?[0];
                    let v = self.expr_as(value, elem)?;
                    let tmp = self.stack_temp(elem);
                    self.store_value_init(tmp, elem, &v);
                    self.write_case(cases, k, chv, tmp, rgo_abi::typ::CHAN_SEND);
                    info.push((Some(k), None));
                    k += 1;
                }
                CommOp::Recv { recv, .. } => {
                    let ch = match &recv.kind {
                        ExprKind::Unary(ast::UnOp::Recv, ch) => ch,
                        ExprKind::Paren(inner) => match &inner.kind {
                            ExprKind::Unary(ast::UnOp::Recv, ch) => ch,
                            _ => {
                                return Err(
                                    self.err(recv.pos, "internal compiler error: select receive")
                                )
                            }
                        },
                        _ => {
                            return Err(
                                self.err(recv.pos, "internal compiler error: select receive")
                            )
                        }
                    };
                    let ct = self.type_of(ch)?;
                    let elem = self.chan_elem(ct).unwrap_or(rgo_types::basic::INVALID);
                    let chv = self.expr(ch)?[0];
                    let tmp = self.stack_temp(elem);
                    let size = layout(self.types(), elem).size;
                    self.zero_mem(tmp, size);
                    self.write_case(cases, k, chv, tmp, rgo_abi::typ::CHAN_RECV);
                    info.push((Some(k), Some((tmp, elem))));
                    k += 1;
                }
            }
        }
        let g = self.g;
        let count = self.b.ins().iconst(I64, n as i64);
        let block = self.b.ins().iconst(I8, (!has_default) as i64);
        let r = self
            .call_rt(rt::SELECTGO, &[g, cases, count, block])?
            .ok_or_else(|| self.err(Pos(0), "internal compiler error"))?;
        let chosen = self.b.ins().sshr_imm_s(r, 1);
        let ok = self.b.ins().band_imm_s(r, 1);
        let ok = self.b.ins().ireduce(I8, ok);
        let exit = self.b.create_block();
        self.targets.push(Target {
            label,
            brk: exit,
            cont: None,
        });
        for (c, (case, buf)) in clauses.iter().zip(info) {
            let want = case.map(|i| i as i64).unwrap_or(-1);
            let hit = self.b.ins().icmp_imm_s(IntCC::Equal, chosen, want);
            let body = self.b.create_block();
            let next = self.b.create_block();
            self.b.ins().brif(hit, body, &[], next, &[]);
            self.b.switch_to_block(body);
            if let (CommOp::Recv { lhs, define, .. }, Some((tmp, elem))) = (&c.comm, buf) {
                let mut v = self.load_value(tmp, elem);
                v = self.stable_copy(elem, v);
                let vals = [(elem, v), (rgo_types::basic::BOOL, vec![ok])];
                for (x, (from, v)) in lhs.iter().zip(vals) {
                    if *define {
                        self.assign_iter_var(x, true, v.clone())
                            .or_else(|_| self.define_iter_var(x, v))?;
                        continue;
                    }
                    if matches!(&x.kind, ExprKind::Name(n) if n == "_") {
                        continue;
                    }
                    // `case i = <-c` assigns with the usual conversion (e.g. to an interface).
                    let p = self.lvalue(x)?;
                    let to = match &p {
                        super::stmt::Lvalue::Var(o) => self.cx.pkg.obj(*o).typ,
                        _ => self.type_of(x)?,
                    };
                    let v = self.convert_value(v, from, to, x.pos)?;
                    self.write_lvalue(p, to, v, x.pos)?;
                }
            }
            self.block(&c.body)?;
            self.jump(exit);
            self.b.switch_to_block(next);
        }
        self.jump(exit);
        self.targets.pop();
        self.b.switch_to_block(exit);
        Ok(())
    }

    fn define_iter_var(&mut self, x: &Expr, v: Val) -> R<()> {
        if let Some(&o) = self.cx.info.defs.get(&x.id) {
            let ty = self.cx.pkg.obj(o).typ;
            self.declare_local(o, ty, Some(v));
        }
        Ok(())
    }

    fn write_case(&mut self, cases: Value, k: usize, c: Value, elem: Value, dir: u64) {
        let base = (k as u64 * rgo_abi::scase::SIZE) as i32;
        let d = self.b.ins().iconst(I64, dir as i64);
        self.b
            .ins()
            .store(trusted(), c, cases, base + rgo_abi::scase::CHAN);
        self.b
            .ins()
            .store(trusted(), elem, cases, base + rgo_abi::scase::ELEM);
        self.b
            .ins()
            .store(trusted(), d, cases, base + rgo_abi::scase::DIR);
    }
}

impl<M: Module> Ctx<'_, M> {
    /// Declares a new thunk function and queues it for lowering.
    pub(crate) fn new_thunk(&mut self, mut th: Thunk) -> Result<FuncId, String> {
        let sig = if let ThunkCallee::Finalizer(_) = th.callee {
            super::finalizer::thunk_signature()
        } else {
            let mut sig = Signature::new(CallConv::SystemV);
            sig.params.push(AbiParam::new(I64));
            sig.params.push(AbiParam::new(I64));
            sig
        };
        let id = self
            .module
            .declare_anonymous_function(&sig)
            .map_err(|e| e.to_string())?;
        th.id = id;
        self.thunks.push(th);
        Ok(id)
    }
}

/// Symbol of the program's string-method caller (see [`lower_string_method_caller`]).
pub(crate) const STRING_METHOD_CALLER: &str = "rgo.callstringmethod";

/// Lowers the program's string-method caller, `fn(g, code, recv, out)` (C convention):
/// calls `code`, the itab code of a `func() string` method (Go's `tail` convention, the
/// interface data word `recv` as its receiver), and stores the string in `out`. `rgo.main`
/// registers it with the runtime (`rgo_abi::entry::REGISTER_METHOD_CALLER`), which prints
/// panic values through their `Error` and `String` methods with it.
pub(crate) fn lower_string_method_caller<M: Module>(
    cx: &mut Ctx<'_, M>,
    ctx: &mut Context,
    fctx: &mut FunctionBuilderContext,
) -> Result<FuncId, CgError> {
    let internal = |msg: String| CgError {
        file: 0,
        pos: Pos(0),
        msg: format!("internal compiler error: {msg}"),
    };
    let mut sig = Signature::new(CallConv::SystemV);
    for _ in 0..4 {
        sig.params.push(AbiParam::new(I64));
    }
    let id = cx
        .module
        .declare_function(STRING_METHOD_CALLER, cranelift_module::Linkage::Local, &sig)
        .map_err(|e| internal(e.to_string()))?;
    ctx.func.signature = sig;
    ctx.func.name = UserFuncName::user(0, id.as_u32());
    {
        let mut b = FunctionBuilder::new(&mut ctx.func, fctx);
        let entry = b.create_block();
        b.append_block_params_for_function_params(entry);
        b.switch_to_block(entry);
        let p = b.block_params(entry).to_vec();
        let (g, code, recv, out) = (p[0], p[1], p[2], p[3]);
        // A method `func() string` as an itab calls it: (g, closure, receiver) -> string.
        let mut msig = Signature::new(CallConv::Tail);
        msig.params.push(AbiParam::special(
            I64,
            cranelift_codegen::ir::ArgumentPurpose::VMContext,
        ));
        msig.params.push(AbiParam::new(I64));
        msig.params.push(AbiParam::new(I64));
        msig.returns.push(AbiParam::new(I64));
        msig.returns.push(AbiParam::new(I64));
        let sref = b.import_signature(msig);
        let closure = b.ins().iconst(I64, 0);
        let call = b.ins().call_indirect(sref, code, &[g, closure, recv]);
        let r = b.inst_results(call).to_vec();
        b.ins().store(trusted(), r[0], out, rgo_abi::string::PTR);
        b.ins().store(trusted(), r[1], out, rgo_abi::string::LEN);
        b.ins().return_(&[]);
        b.seal_all_blocks();
        b.finalize(cx.module.target_config());
    }
    cx.module
        .define_function(id, ctx)
        .map_err(|e| internal(format!("{e:?}")))?;
    cx.module.clear_context(ctx);
    Ok(id)
}
