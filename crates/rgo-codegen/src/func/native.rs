//! Go functions implemented by the runtime (rgo-abi's `native` rules): a body-less
//! function of one of rgo's library packages is compiled as an ordinary Go function whose
//! body calls the C entry point `rgo_<pkg>_<name>`, passing `g`, an out buffer when the
//! results are not one single-part value, and the parameters' parts; then returns the
//! results. Every way of calling a Go function (direct, through a func value, `go`,
//! `defer`) therefore works unchanged.
//!
//! Also here: resolving qualified identifiers (`runtime.GC`, `runtime.MemProfileRate`),
//! which name another package's function or variable exactly as a plain name does.

use cranelift_codegen::ir::types::I64;
use cranelift_codegen::ir::{AbiParam, InstBuilder, Signature, StackSlotData, StackSlotKind};
use cranelift_codegen::isa::CallConv;
use cranelift_codegen::Context;
use cranelift_frontend::FunctionBuilderContext;
use cranelift_module::{Linkage, Module};
use rgo_types::{ObjId, ObjKind, Type};

use rgo_syntax::ast::{Expr, ExprKind};

use super::{begin_wrapper, FnLower, R};
use crate::layout::{layout, parts};
use crate::{CgError, Ctx};

/// Defines `id` (the Go function of body-less `obj`) as a call of its runtime entry.
pub(crate) fn lower_native<M: Module>(
    cx: &mut Ctx<'_, M>,
    ctx: &mut Context,
    fctx: &mut FunctionBuilderContext,
    file: usize,
    obj: ObjId,
    id: cranelift_module::FuncId,
) -> R<()> {
    let pkg = cx.pkg;
    let o = pkg.obj(obj);
    let t = &pkg.types;
    let recv = match o.kind {
        ObjKind::Func { recv } => recv,
        _ => None,
    };
    // The receiver's base type name (`T` for `T` and `*T`).
    let recv_name = recv.map(|r| {
        let base = match t.get(r) {
            Type::Pointer(e) => *e,
            _ => r,
        };
        match t.get(base) {
            Type::Named(_) => pkg.obj(t.named(base).obj).name.clone(),
            _ => String::new(),
        }
    });
    let symbol = rgo_abi::native::symbol(&o.pkg, recv_name.as_deref(), &o.name);
    let (params_ty, results) = match t.under(o.typ) {
        Type::Signature(s) => (s.params.clone(), s.results.clone()),
        _ => (Vec::new(), Vec::new()),
    };
    let err = |msg: String| CgError {
        file,
        pos: o.pos,
        msg,
    };
    if results.iter().any(|&r| crate::layout::is_mem(t, r)) {
        return Err(err(format!(
            "rgo: native function {} cannot return a struct or array",
            o.name
        )));
    }
    // One single-part result returns in a register; otherwise an out buffer.
    let direct = match &results[..] {
        [] => true,
        [r] => parts(t, *r).len() == 1,
        _ => false,
    };
    let mut offsets = Vec::new();
    let mut size = 0u64;
    let mut align = 1u64;
    for &r in &results {
        let l = layout(t, r);
        let a = l.align.max(1);
        size = size.div_ceil(a) * a;
        offsets.push(size);
        size += l.size;
        align = align.max(a);
    }

    let mut sig = Signature::new(CallConv::SystemV);
    sig.params.push(AbiParam::new(I64));
    if !direct {
        sig.params.push(AbiParam::new(I64));
    }
    for &p in recv.iter().chain(&params_ty) {
        if crate::layout::is_mem(t, p) {
            sig.params.push(AbiParam::new(I64));
        } else {
            for part in parts(t, p) {
                sig.params.push(AbiParam::new(part.ty));
            }
        }
    }
    if direct {
        if let [r] = &results[..] {
            sig.returns.push(AbiParam::new(parts(t, *r)[0].ty));
        }
    }
    let target = cx
        .module
        .declare_function(&symbol, Linkage::Import, &sig)
        .map_err(|e| err(e.to_string()))?;

    let (mut f, params, n_sret) = begin_wrapper(cx, ctx, fctx, id, o.typ, recv);
    debug_assert_eq!(n_sret, 0);
    f.file = file;
    let mut args = vec![f.g];
    let buf = if direct {
        None
    } else {
        let slot = f.b.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            size.max(1) as u32,
            align.trailing_zeros() as u8,
        ));
        let a = f.b.ins().stack_addr(I64, slot, 0);
        args.push(a);
        Some(a)
    };
    args.extend_from_slice(&params[2..]);
    let r = f.cx.module.declare_func_in_func(target, f.b.func);
    let inst = f.b.ins().call(r, &args);
    let mut rets = f.b.inst_results(inst).to_vec();
    if let Some(buf) = buf {
        for (&r, &off) in results.iter().zip(&offsets) {
            let a = f.b.ins().iadd_imm_s(buf, off as i64);
            rets.extend(f.load_value(a, r));
        }
    }
    f.b.ins().return_(&rets);
    f.finish();
    Ok(())
}

impl<M: Module> FnLower<'_, '_, '_, M> {
    /// The object a qualified identifier `pkg.Name` denotes (`None` for other selectors).
    pub(super) fn qualified(&self, e: &Expr) -> Option<ObjId> {
        let ExprKind::Selector(x, sel) = &e.kind else {
            return None;
        };
        if !matches!(x.kind, ExprKind::Name(_)) {
            return None;
        }
        let p = *self.cx.info.uses.get(&x.id)?;
        if !matches!(self.cx.pkg.obj(p).kind, ObjKind::PkgName(_)) {
            return None;
        }
        self.cx.info.uses.get(&sel.id).copied()
    }
}
