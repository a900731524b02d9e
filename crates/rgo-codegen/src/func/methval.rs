//! Method values (`x.M` not called) and method expressions (`T.M`, `(*T).M`).
//!
//! A method value is a closure `{code, receiver}`: the receiver is evaluated (and copied)
//! when the method value is, and the code is a small wrapper (gc's `T.M-fm`) that loads it
//! from the closure context and calls the method. For an interface receiver the closure
//! holds the interface value and the wrapper makes the dynamic call.
//!
//! A method expression needs no wrapper: a method's function already takes the receiver
//! as its first parameter after the closure context, which is exactly how a func value of
//! type `func(T, params...)` is called; `(*T).M` for a value-receiver `M` uses the
//! pointer-receiver wrapper the interfaces need anyway.

use cranelift_codegen::ir::types::I64;
use cranelift_codegen::ir::InstBuilder;
use cranelift_codegen::Context;
use cranelift_frontend::FunctionBuilderContext;
use cranelift_module::{FuncId, Module};
use rgo_syntax::ast::{Expr, ExprKind};
use rgo_types::{ObjId, ObjKind, Selection, Type, TypeId};

use super::{trusted, FnLower, Val, R};
use crate::{CgError, Ctx};

/// A method-value wrapper to generate.
pub(crate) enum MethodValue {
    /// A statically known method; the receiver's type as stored in the closure.
    Static { method: ObjId, recv: TypeId },
    /// A method of interface type `iface` (the closure holds the interface value).
    Iface { iface: TypeId, name: String },
    /// The method expression `I.m`: the interface value is the first parameter.
    IfaceExpr { iface: TypeId, name: String },
}

impl<M: Module> Ctx<'_, M> {
    fn method_value_func(&mut self, mv: MethodValue, sig_ty: TypeId) -> Result<FuncId, String> {
        let sig = self.go_signature(sig_ty, None);
        let id = self
            .module
            .declare_anonymous_function(&sig)
            .map_err(|e| e.to_string())?;
        self.method_values.push((id, mv, sig_ty));
        Ok(id)
    }
}

/// Lowers a method-value wrapper `fn(g, closure, params...)`.
pub(crate) fn lower_method_value<M: Module>(
    cx: &mut Ctx<'_, M>,
    ctx: &mut Context,
    fctx: &mut FunctionBuilderContext,
    id: FuncId,
    mv: &MethodValue,
    sig_ty: TypeId,
) -> Result<(), CgError> {
    let (mut f, params, n_sret) = super::begin_wrapper(cx, ctx, fctx, id, sig_ty, None);
    let (g, closure) = (params[0], params[1]);
    let zero = f.b.ins().iconst(I64, 0);
    let mut args = vec![g, zero];
    args.extend_from_slice(&params[2..2 + n_sret]);
    let rest = params[2 + n_sret..].to_vec();
    let inst = match mv {
        MethodValue::IfaceExpr { iface, name } => {
            // `sig_ty` is `func(I, params...)`: the interface value comes first.
            let (tab, data) = (rest[0], rest[1]);
            let (code, recv) = f.iface_method_of(&[tab, data], *iface, name, rgo_syntax::Pos(0))?;
            args.push(recv);
            args.extend_from_slice(&rest[2..]);
            let msig = crate::typedesc::itab_methods(f.types(), *iface)
                .into_iter()
                .find(|m| &m.name == name)
                .map(|m| m.sig)
                .unwrap_or(sig_ty);
            let csig =
                f.cx.go_signature(msig, Some(rgo_types::basic::UNSAFE_POINTER));
            let sref = f.b.import_signature(csig);
            f.b.ins().call_indirect(sref, code, &args)
        }
        MethodValue::Static { method, recv } => {
            let addr = f.b.ins().iadd_imm_s(closure, 8);
            let v = f.load_value(addr, *recv);
            args.extend(f.stable_copy(*recv, v));
            args.extend(rest);
            let fid = f.cx.funcs[method];
            let r = f.func_ref(fid);
            f.b.ins().call(r, &args)
        }
        MethodValue::Iface { iface, name } => {
            let tab = f.b.ins().load(I64, trusted(), closure, 8);
            let data = f.b.ins().load(I64, trusted(), closure, 16);
            let methods = crate::typedesc::itab_methods(f.types(), *iface);
            let idx = methods.iter().position(|m| &m.name == name).unwrap_or(0);
            let code = f.b.ins().load(
                I64,
                trusted(),
                tab,
                rgo_abi::typ::itab::FUN + 8 * idx as i32,
            );
            args.push(data);
            args.extend(rest);
            let csig =
                f.cx.go_signature(sig_ty, Some(rgo_types::basic::UNSAFE_POINTER));
            let sref = f.b.import_signature(csig);
            f.b.ins().call_indirect(sref, code, &args)
        }
    };
    let rets = f.b.inst_results(inst).to_vec();
    f.b.ins().return_(&rets);
    f.finish();
    Ok(())
}

impl<M: Module> FnLower<'_, '_, '_, M> {
    /// `x.M` as a value (`sel` is its selection; `ty` the method value's func type).
    pub(super) fn method_value(&mut self, e: &Expr, sel: &Selection, ty: TypeId) -> R<Val> {
        let ExprKind::Selector(x, name) = &e.kind else {
            return Err(self.err(e.pos, "internal compiler error: method value"));
        };
        let mut xt = self.type_of(x)?;
        let promoted = self.promoted_iface_method(e);
        if self.is_iface(xt) || promoted.is_some() {
            let v = match promoted {
                Some(path) => {
                    let (addr, ty) = self.field_addr(x, &path)?;
                    xt = ty;
                    self.load_value(addr, ty)
                }
                None => self.expr(x)?,
            };
            self.nil_check(v[0])?;
            let f = self
                .cx
                .method_value_func(
                    MethodValue::Iface {
                        iface: xt,
                        name: name.name.clone(),
                    },
                    ty,
                )
                .map_err(|m| self.err(e.pos, m))?;
            let obj = self.alloc_bytes(24, 8)?;
            let r = self.func_ref(f);
            let code = self.b.ins().func_addr(I64, r);
            self.b.ins().store(trusted(), code, obj, 0);
            self.b.ins().store(trusted(), v[0], obj, 8);
            self.b.ins().store(trusted(), v[1], obj, 16);
            return Ok(vec![obj]);
        }
        let recv_ty = match self.cx.pkg.obj(sel.obj).kind {
            ObjKind::Func { recv: Some(r) } => r,
            _ => return Err(self.unsupported(e.pos, "this method value")),
        };
        let (_, recv) = self
            .method_call(e)?
            .ok_or_else(|| self.err(e.pos, "internal compiler error: method value"))?;
        let f = self
            .cx
            .method_value_func(
                MethodValue::Static {
                    method: sel.obj,
                    recv: recv_ty,
                },
                ty,
            )
            .map_err(|m| self.err(e.pos, m))?;
        let size = 8 + crate::layout::layout(self.types(), recv_ty).size;
        let obj = self.alloc_bytes(size, 8)?;
        let r = self.func_ref(f);
        let code = self.b.ins().func_addr(I64, r);
        self.b.ins().store(trusted(), code, obj, 0);
        let at = self.b.ins().iadd_imm_s(obj, 8);
        self.store_value_init(at, recv_ty, &recv);
        Ok(vec![obj])
    }

    /// `T.M` / `(*T).M`: the method (or its pointer wrapper) as a func value.
    pub(super) fn method_expr(&mut self, e: &Expr, sel: &Selection) -> R<Val> {
        if sel.index.len() > 1 && !self.is_iface(sel.recv) {
            // Promoted through embedded fields: the wrapper the method tables use takes a
            // pointer to the outer struct, which is also how a struct receiver is passed
            // (memory types travel by address), so it serves both `T.M` and `(*T).M`.
            let outer = match self.types().get(sel.recv) {
                Type::Pointer(e) => *e,
                _ => sel.recv,
            };
            let name = self.cx.pkg.obj(sel.obj).name.clone();
            let fid = self
                .cx
                .method_funcs
                .promoted
                .get(&(outer, name))
                .map(|p| p.func)
                .ok_or_else(|| self.err(e.pos, "internal compiler error: promoted method"))?;
            let data = self.cx.funcval_data(fid).map_err(|m| self.err(e.pos, m))?;
            let gv = self.cx.module.declare_data_in_func(data, self.b.func);
            return Ok(vec![self.b.ins().symbol_value(I64, gv)]);
        }
        let recv_ty = match self.cx.pkg.obj(sel.obj).kind {
            ObjKind::Func { recv: Some(r) } => r,
            _ => return Err(self.unsupported(e.pos, "this method expression")),
        };
        if self.is_iface(sel.recv) {
            let ExprKind::Selector(_, name) = &e.kind else {
                return Err(self.err(e.pos, "internal compiler error: method expression"));
            };
            let ty = self.type_of(e)?;
            let f = self
                .cx
                .method_value_func(
                    MethodValue::IfaceExpr {
                        iface: sel.recv,
                        name: name.name.clone(),
                    },
                    ty,
                )
                .map_err(|m| self.err(e.pos, m))?;
            let data = self.cx.funcval_data(f).map_err(|m| self.err(e.pos, m))?;
            let gv = self.cx.module.declare_data_in_func(data, self.b.func);
            return Ok(vec![self.b.ins().symbol_value(I64, gv)]);
        }
        let via_ptr = matches!(self.types().under(sel.recv), Type::Pointer(_))
            && !matches!(self.types().get(recv_ty), Type::Pointer(_));
        let fid = if via_ptr {
            self.cx.method_funcs.deref_wrappers.get(&sel.obj).copied()
        } else {
            self.cx.funcs.get(&sel.obj).copied()
        };
        let fid = fid.ok_or_else(|| self.err(e.pos, "internal compiler error: method"))?;
        let data = self.cx.funcval_data(fid).map_err(|m| self.err(e.pos, m))?;
        let gv = self.cx.module.declare_data_in_func(data, self.b.func);
        Ok(vec![self.b.ins().symbol_value(I64, gv)])
    }
}

/// Lowers the wrapper of a method promoted into named type `outer`: `fn(g, closure, result
/// pointers, p *outer, params...)` that follows the field path from `p` and calls the
/// method with the receiver it declares.
pub(crate) fn lower_promoted_wrapper<M: Module>(
    cx: &mut Ctx<'_, M>,
    ctx: &mut Context,
    fctx: &mut FunctionBuilderContext,
    id: FuncId,
    outer: TypeId,
    pm: &crate::promote::Promoted,
) -> Result<(), CgError> {
    use crate::promote::PromotedTarget;
    let (mut f, params, n_sret) = super::begin_wrapper(
        cx,
        ctx,
        fctx,
        id,
        pm.sig,
        Some(rgo_types::basic::UNSAFE_POINTER),
    );
    let g = params[0];
    let p = params[2 + n_sret];
    f.nil_check(p)?;
    // Walk to the embedded field: `addr` holds a value of type `ty`.
    let (mut addr, mut ty) = (p, outer);
    for &i in &pm.path {
        if let Type::Pointer(e) = f.types().under(ty) {
            let e = *e;
            let q = f.b.ins().load(I64, trusted(), addr, 0);
            f.nil_check(q)?;
            addr = q;
            ty = e;
        }
        let fty = match f.types().under(ty) {
            Type::Struct(fields) => fields[i].typ,
            _ => rgo_types::basic::INVALID,
        };
        let off = crate::layout::field_offset(f.types(), ty, i);
        addr = f.b.ins().iadd_imm_s(addr, off as i64);
        ty = fty;
    }
    let mut args = vec![g, f.b.ins().iconst(I64, 0)];
    args.extend_from_slice(&params[2..2 + n_sret]);
    let rest = params[3 + n_sret..].to_vec();
    let inst = match &pm.target {
        PromotedTarget::Iface(iface) => {
            let v = f.load_value(addr, *iface);
            let (code, data) = f.iface_method_of(&v, *iface, &pm.name, rgo_syntax::Pos(0))?;
            args.push(data);
            args.extend(rest);
            let csig =
                f.cx.go_signature(pm.sig, Some(rgo_types::basic::UNSAFE_POINTER));
            let sref = f.b.import_signature(csig);
            f.b.ins().call_indirect(sref, code, &args)
        }
        PromotedTarget::Method(m) => {
            let recv_ty = match f.cx.pkg.obj(*m).kind {
                ObjKind::Func { recv: Some(r) } => r,
                _ => rgo_types::basic::INVALID,
            };
            // The embedded value's address (through an embedded pointer if there is one;
            // a nil one is fine for a pointer-receiver method).
            let ptr_recv = matches!(f.types().get(recv_ty), Type::Pointer(_));
            let base = if matches!(f.types().under(ty), Type::Pointer(_)) {
                let q = f.b.ins().load(I64, trusted(), addr, 0);
                if !ptr_recv {
                    f.nil_check(q)?;
                }
                q
            } else {
                addr
            };
            if ptr_recv {
                args.push(base);
            } else {
                let v = f.load_value(base, recv_ty);
                args.extend(f.stable_copy(recv_ty, v));
            }
            args.extend(rest);
            let fid = f.cx.funcs[m];
            let r = f.func_ref(fid);
            f.b.ins().call(r, &args)
        }
    };
    let rets = f.b.inst_results(inst).to_vec();
    f.b.ins().return_(&rets);
    f.finish();
    Ok(())
}
