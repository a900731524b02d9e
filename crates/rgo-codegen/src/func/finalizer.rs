//! `runtime.SetFinalizer(obj, f)`: direct calls are lowered to `rgo_setfinalizer` with a
//! *finalizer thunk* made for the finalizer argument's static func type, because the
//! runtime's finalizer goroutine can only call C-convention code and Go functions use the
//! `tail` convention (see rgo-abi `entry::SETFINALIZER` and the runtime's mem/mfinal.rs).
//!
//! The thunk is `fn(g, fv, a0, a1)` (C convention): it calls the func value `fv` with its
//! one parameter built from `a0` (a pointer) or `a0, a1` (an interface's two words), and
//! drops the results. One thunk per call site (`go`/`defer runtime.SetFinalizer(...)`
//! included: their `go`/`defer` thunk makes the same call); a finalizer whose static type
//! is not such a func type (nil, an interface holding a func, a bad type the runtime will
//! reject) gets none (0), and the runtime falls back on a thunk registered for the same
//! type.

use cranelift_codegen::ir::types::I64;
use cranelift_codegen::ir::{AbiParam, InstBuilder, Signature, UserFuncName, Value};
use cranelift_codegen::isa::CallConv;
use cranelift_codegen::Context;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_module::{FuncId, Module};
use rgo_abi::entry as rt;
use rgo_syntax::ast::Expr;
use rgo_types::{ObjId, ObjKind, Type, TypeId};

use super::conc::{Thunk, ThunkCallee};
use super::{trusted, FnLower, R};
use crate::layout::parts;
use crate::{CgError, Ctx};

impl<M: Module> FnLower<'_, '_, '_, M> {
    /// Whether `obj` is package runtime's `SetFinalizer`.
    pub(super) fn is_set_finalizer(&self, obj: Option<ObjId>) -> bool {
        obj.is_some_and(|o| {
            let o = self.cx.pkg.obj(o);
            o.pkg == "runtime"
                && o.name == "SetFinalizer"
                && matches!(o.kind, ObjKind::Func { recv: None })
        })
    }

    /// `runtime.SetFinalizer(obj, f)` called directly with two arguments.
    pub(super) fn set_finalizer_call(&mut self, fun_ty: TypeId, args: &[Expr]) -> R<()> {
        let any = match self.types().under(fun_ty) {
            Type::Signature(s) if s.params.len() == 2 => s.params[0],
            _ => {
                return Err(self.err(
                    args[0].pos,
                    "internal compiler error: runtime.SetFinalizer's signature",
                ))
            }
        };
        let obj = self.expr_as(&args[0], any)?;
        let fin = self.expr_as(&args[1], any)?;
        let thunk = self.finalizer_thunk(&args[1])?;
        self.call_set_finalizer(&obj, &fin, thunk)
    }

    /// Calls `rgo_setfinalizer` with the two interface arguments and the finalizer thunk.
    pub(super) fn call_set_finalizer(
        &mut self,
        obj: &[Value],
        fin: &[Value],
        thunk: Option<FuncId>,
    ) -> R<()> {
        let thunk = match thunk {
            Some(id) => {
                let r = self.func_ref(id);
                self.b.ins().func_addr(I64, r)
            }
            None => self.b.ins().iconst(I64, 0),
        };
        let g = self.g;
        self.call_rt(
            rt::SETFINALIZER,
            &[g, obj[0], obj[1], fin[0], fin[1], thunk],
        )?;
        Ok(())
    }

    /// The finalizer thunk for the finalizer argument `fin` (see the module header).
    pub(super) fn finalizer_thunk(&mut self, fin: &Expr) -> R<Option<FuncId>> {
        let fin_ty = self.type_of(fin)?;
        let Some(sig_ty) = self.finalizer_thunk_type(fin_ty) else {
            return Ok(None);
        };
        let id = self
            .cx
            .new_thunk(Thunk {
                id: FuncId::from_u32(0),
                callee: ThunkCallee::Finalizer(sig_ty),
                args: vec![],
            })
            .map_err(|e| self.err(fin.pos, e))?;
        Ok(Some(id))
    }

    /// `ty` if it is a func type a finalizer thunk can call: exactly one parameter, a
    /// pointer or an interface, not variadic.
    fn finalizer_thunk_type(&self, ty: TypeId) -> Option<TypeId> {
        let Type::Signature(s) = self.types().under(ty) else {
            return None;
        };
        if s.variadic || s.params.len() != 1 {
            return None;
        }
        let p = s.params[0];
        let ok = matches!(self.types().under(p), Type::Pointer(_)) || self.is_iface(p);
        ok.then_some(ty)
    }
}

/// The C-convention signature of a finalizer thunk: `(g, fv, a0, a1)`.
pub(crate) fn thunk_signature() -> Signature {
    let mut sig = Signature::new(CallConv::SystemV);
    for _ in 0..4 {
        sig.params.push(AbiParam::new(I64));
    }
    sig
}

/// Lowers a finalizer thunk for func type `sig_ty` (see the module header).
pub(crate) fn lower_fin_thunk<M: Module>(
    cx: &mut Ctx<'_, M>,
    ctx: &mut Context,
    fctx: &mut FunctionBuilderContext,
    id: FuncId,
    sig_ty: TypeId,
) -> Result<(), CgError> {
    ctx.func.signature = thunk_signature();
    ctx.func.name = UserFuncName::user(0, id.as_u32());
    let (params, results) = match cx.pkg.types.under(sig_ty) {
        Type::Signature(s) => (s.params.clone(), s.results.clone()),
        _ => (vec![], vec![]),
    };
    let mut b = FunctionBuilder::new(&mut ctx.func, fctx);
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    let bp: Vec<Value> = b.block_params(entry).to_vec();
    let (g, fv) = (bp[0], bp[1]);
    let mut f = FnLower::bare(cx, b, g, fv);
    let mut vals = vec![g, fv];
    for &r in &results {
        if f.is_mem(r) {
            vals.push(f.stack_temp(r));
        }
    }
    if let Some(&p) = params.first() {
        let n = parts(f.types(), p).len().min(2);
        vals.extend_from_slice(&bp[2..2 + n]);
    }
    let code = f.b.ins().load(I64, trusted(), fv, 0);
    let csig = f.cx.go_signature(sig_ty, None);
    let sref = f.b.import_signature(csig);
    f.b.ins().call_indirect(sref, code, &vals);
    f.b.ins().return_(&[]);
    f.finish();
    Ok(())
}
