//! Interfaces: conversions to and between interface types, dynamic method calls, type
//! assertions, type switches and interface comparison.
//!
//! An interface value is two words (rgo_abi::typ::iface): for `interface{}` the dynamic
//! type's descriptor and a data word; for other interfaces an itab and the data word. The
//! data word holds the value itself when the type is pointer-shaped (typedesc.rs:
//! `KIND_DIRECT_IFACE`), else a pointer to a heap copy. Itabs come from the runtime
//! (`rgo_getitab`, which caches them) and are remembered in a per-(interface, type) data
//! word, so each pair costs one runtime call per program run.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::types::{I64, I8};
use cranelift_codegen::ir::{BlockArg, InstBuilder, Value};
use cranelift_module::Module;
use rgo_abi::lang as l;
use rgo_syntax::ast::{self, Expr, ExprKind};
use rgo_syntax::Pos;
use rgo_types::{Type, TypeId};

use super::{trusted, FnLower, Target, Val, R};
use crate::layout::parts;

impl<M: Module> FnLower<'_, '_, '_, M> {
    pub(super) fn is_iface(&self, ty: TypeId) -> bool {
        matches!(self.types().under(ty), Type::Interface(_))
    }

    pub(super) fn is_empty_iface(&self, ty: TypeId) -> bool {
        matches!(self.types().under(ty), Type::Interface(i) if i.methods.is_empty())
    }

    /// Pointer-shaped types travel in an interface's data word directly.
    fn is_direct(&self, ty: TypeId) -> bool {
        matches!(
            self.types().under(ty),
            Type::Pointer(_) | Type::Chan { .. } | Type::Map { .. } | Type::Signature(_)
        ) || self.kind_of(ty) == Some(rgo_types::BasicKind::UnsafePointer)
    }

    /// The address of type `ty`'s descriptor.
    pub(super) fn desc_addr(&mut self, ty: TypeId, pos: Pos) -> R<Value> {
        let d = self.cx.type_desc(ty).map_err(|e| self.err(pos, e))?;
        let gv = self.cx.module.declare_data_in_func(d, self.b.func);
        Ok(self.b.ins().symbol_value(I64, gv))
    }

    /// The itab of concrete type `ty` for interface `iface`, cached in a data word.
    fn itab_for(&mut self, iface: TypeId, ty: TypeId, pos: Pos) -> R<Value> {
        let slot = self.cx.itab_slot(iface, ty).map_err(|e| self.err(pos, e))?;
        let gv = self.cx.module.declare_data_in_func(slot, self.b.func);
        let addr = self.b.ins().symbol_value(I64, gv);
        let cached = self.b.ins().load(I64, trusted(), addr, 0);
        let miss = self.b.create_block();
        let done = self.b.create_block();
        self.b.append_block_param(done, I64);
        self.b.set_cold_block(miss);
        self.b
            .ins()
            .brif(cached, done, &[BlockArg::Value(cached)], miss, &[]);
        self.b.switch_to_block(miss);
        let inter = self.desc_addr(iface, pos)?;
        let t = self.desc_addr(ty, pos)?;
        let no = self.b.ins().iconst(I8, 0);
        let g = self.g;
        let tab = self
            .call_rt(l::GETITAB, &[g, inter, t, no])?
            .ok_or_else(|| self.err(pos, "internal compiler error"))?;
        self.b.ins().store(trusted(), tab, addr, 0);
        self.b.ins().jump(done, &[BlockArg::Value(tab)]);
        self.b.switch_to_block(done);
        Ok(self.b.block_params(done)[0])
    }

    /// The data word for a value of concrete type `ty`.
    fn box_value(&mut self, v: &[Value], ty: TypeId) -> R<Value> {
        if self.is_direct(ty) {
            return Ok(v[0]);
        }
        let p = self.heap_alloc(ty)?;
        self.store_value_init(p, ty, v);
        Ok(p)
    }

    /// Converts value `v` of type `from` for use as type `to`: the identity unless `to` is
    /// an interface type (boxing a concrete value, or changing interface kinds).
    pub(super) fn convert_value(&mut self, v: Val, from: TypeId, to: TypeId, pos: Pos) -> R<Val> {
        if from == to || !self.is_iface(to) {
            return Ok(v);
        }
        if matches!(
            self.types().get(from),
            Type::Basic(rgo_types::BasicKind::UntypedNil)
        ) {
            return Ok(self.zero_value(to));
        }
        if !self.is_iface(from) {
            let data = self.box_value(&v, from)?;
            let tab = if self.is_empty_iface(to) {
                self.desc_addr(from, pos)?
            } else {
                self.itab_for(to, from, pos)?
            };
            return Ok(vec![tab, data]);
        }
        if self.is_empty_iface(to) {
            if self.is_empty_iface(from) {
                return Ok(v);
            }
            let t = self.dynamic_type(v[0], from);
            return Ok(vec![t, v[1]]);
        }
        // Even between identical interface types the itab names the target type (itabs
        // are compared by address), so convert through the runtime.
        let inter = self.desc_addr(to, pos)?;
        let g = self.g;
        let tab = if self.is_empty_iface(from) {
            self.call_rt(l::ASSERT_E2I, &[g, inter, v[0]])?
        } else {
            self.call_rt(l::CONV_I2I, &[g, inter, v[0]])?
        };
        let tab = tab.ok_or_else(|| self.err(pos, "internal compiler error"))?;
        Ok(vec![tab, v[1]])
    }

    /// Value `v` of type `t` as an `interface{}` (type descriptor, data word).
    pub(super) fn as_eface(&mut self, v: Val, t: TypeId, pos: Pos) -> R<Val> {
        if matches!(
            self.types().get(t),
            Type::Basic(rgo_types::BasicKind::UntypedNil)
        ) {
            let z = self.b.ins().iconst(I64, 0);
            return Ok(vec![z, z]);
        }
        if self.is_iface(t) {
            let dt = self.dynamic_type(v[0], t);
            return Ok(vec![dt, v[1]]);
        }
        let data = self.box_value(&v, t)?;
        Ok(vec![self.desc_addr(t, pos)?, data])
    }

    /// Evaluates `e` as a value of type `to` (implicit conversion to interfaces).
    pub(super) fn expr_as(&mut self, e: &Expr, to: TypeId) -> R<Val> {
        let from = self.type_of(e)?;
        let v = self.expr(e)?;
        self.convert_value(v, from, to, e.pos)
    }

    /// The dynamic type descriptor of an interface value's first word (null for nil).
    pub(super) fn dynamic_type(&mut self, tab: Value, iface_ty: TypeId) -> Value {
        if self.is_empty_iface(iface_ty) {
            return tab;
        }
        let is_nil = self.b.ins().icmp_imm_s(IntCC::Equal, tab, 0);
        let nonnull = self.b.create_block();
        let done = self.b.create_block();
        self.b.append_block_param(done, I64);
        let zero = self.b.ins().iconst(I64, 0);
        self.b
            .ins()
            .brif(is_nil, done, &[BlockArg::Value(zero)], nonnull, &[]);
        self.b.switch_to_block(nonnull);
        let t = self
            .b
            .ins()
            .load(I64, trusted(), tab, rgo_abi::typ::itab::TYPE);
        self.b.ins().jump(done, &[BlockArg::Value(t)]);
        self.b.switch_to_block(done);
        self.b.block_params(done)[0]
    }

    /// `x.m(args)` on an interface value: the method's code from the itab, the data word as
    /// receiver. Returns (code, receiver) for the caller to complete the call.
    pub(super) fn iface_method(&mut self, x: &Expr, name: &str) -> R<(Value, Value)> {
        let xt = self.type_of(x)?;
        let v = self.expr(x)?;
        self.iface_method_of(&v, xt, name, x.pos)
    }

    /// The code of method `name` of interface value `v` (of type `xt`) and its receiver.
    pub(super) fn iface_method_of(
        &mut self,
        v: &[Value],
        xt: TypeId,
        name: &str,
        pos: Pos,
    ) -> R<(Value, Value)> {
        let methods = crate::typedesc::itab_methods(self.types(), xt);
        let idx = methods
            .iter()
            .position(|m| m.name == name)
            .ok_or_else(|| self.err(pos, "internal compiler error: no such interface method"))?;
        self.nil_check(v[0])?;
        let code = self.b.ins().load(
            I64,
            trusted(),
            v[0],
            rgo_abi::typ::itab::FUN + 8 * idx as i32,
        );
        Ok((code, v[1]))
    }

    /// The value of concrete type `ty` held in data word `data`.
    fn unbox(&mut self, data: Value, ty: TypeId) -> Val {
        if self.is_direct(ty) {
            return vec![data];
        }
        let v = self.load_value(data, ty);
        self.stable_copy(ty, v)
    }

    /// Tests whether interface value `v` (of type `xt`) holds type `t`; returns the
    /// condition and the converted value (meaningful only when the condition holds).
    fn assert_test(&mut self, v: &[Value], xt: TypeId, t: TypeId, pos: Pos) -> R<(Value, Val)> {
        if self.is_iface(t) {
            let inter = self.desc_addr(t, pos)?;
            let g = self.g;
            let f = if self.is_empty_iface(xt) {
                l::ASSERT_E2I2
            } else {
                l::ASSERT_I2I2
            };
            if self.is_empty_iface(t) {
                let dt = self.dynamic_type(v[0], xt);
                let ok = self.b.ins().icmp_imm_s(IntCC::NotEqual, dt, 0);
                return Ok((ok, vec![dt, v[1]]));
            }
            let tab = self
                .call_rt(f, &[g, inter, v[0]])?
                .ok_or_else(|| self.err(pos, "internal compiler error"))?;
            let ok = self.b.ins().icmp_imm_s(IntCC::NotEqual, tab, 0);
            return Ok((ok, vec![tab, v[1]]));
        }
        let want = self.desc_addr(t, pos)?;
        let have = self.dynamic_type(v[0], xt);
        let ok = self.b.ins().icmp(IntCC::Equal, have, want);
        // Unbox only on success (the data word of another type may not hold a `t`).
        let yes = self.b.create_block();
        let done = self.b.create_block();
        let ps = parts(self.types(), t);
        for p in &ps {
            self.b.append_block_param(done, p.ty);
        }
        let zeros = self.zero_value(t);
        let zargs: Vec<BlockArg> = zeros.iter().map(|&z| BlockArg::Value(z)).collect();
        self.b.ins().brif(ok, yes, &[], done, &zargs);
        self.b.switch_to_block(yes);
        let val = self.unbox(v[1], t);
        let vargs: Vec<BlockArg> = val.iter().map(|&z| BlockArg::Value(z)).collect();
        self.b.ins().jump(done, &vargs);
        self.b.switch_to_block(done);
        Ok((ok, self.b.block_params(done).to_vec()))
    }

    /// `x.(T)` (panicking form) or, when `with_ok`, `v, ok := x.(T)`.
    pub(super) fn type_assert(&mut self, x: &Expr, t: TypeId, with_ok: bool, pos: Pos) -> R<Val> {
        let xt = self.type_of(x)?;
        let v = self.expr(x)?;
        let (ok, mut val) = self.assert_test(&v, xt, t, pos)?;
        if with_ok {
            val.push(ok);
            return Ok(val);
        }
        let failed = self.b.ins().icmp_imm_s(IntCC::Equal, ok, 0);
        let fail = self.b.create_block();
        let cont = self.b.create_block();
        self.b.set_cold_block(fail);
        self.b.ins().brif(failed, fail, &[], cont, &[]);
        self.b.switch_to_block(fail);
        let g = self.g;
        let want = self.desc_addr(t, pos)?;
        let iface = self.desc_addr(xt, pos)?;
        if self.is_iface(t) && !self.is_empty_iface(t) {
            // Let the runtime produce the missing-method message.
            let f = if self.is_empty_iface(xt) {
                l::ASSERT_E2I
            } else {
                l::ASSERT_I2I
            };
            self.call_rt(f, &[g, want, v[0]])?;
            self.b.ins().jump(cont, &[]);
        } else if self.is_empty_iface(xt) {
            self.call_rt(l::PANIC_DOTTYPE_E, &[g, v[0], want, iface])?;
        } else {
            self.call_rt(l::PANIC_DOTTYPE_I, &[g, v[0], want, iface])?;
        }
        self.b.switch_to_block(cont);
        Ok(val)
    }

    /// `switch [v :=] x.(type) { case T1, T2: ... }`.
    pub(super) fn type_switch(
        &mut self,
        label: Option<String>,
        init: &Option<Box<ast::Stmt>>,
        x: &Expr,
        clauses: &[ast::CaseClause],
    ) -> R<()> {
        if let Some(i) = init {
            self.stmt(i)?;
        }
        let xt = self.type_of(x)?;
        let v = self.expr(x)?;
        let exit = self.b.create_block();
        let mut default = None;
        let bodies: Vec<_> = clauses.iter().map(|_| self.b.create_block()).collect();
        // Per clause, the value its variable gets (when the clause names one type).
        let mut bound: Vec<Option<Val>> = vec![None; clauses.len()];
        for (i, c) in clauses.iter().enumerate() {
            if c.is_default {
                default = Some(i);
                continue;
            }
            for e in &c.exprs {
                let tv = self.cx.tv(e.id).cloned();
                let is_nil = matches!(&e.kind, ExprKind::Name(n) if n == "nil")
                    && !matches!(tv.as_ref().map(|t| &t.mode), Some(rgo_types::Mode::Type));
                let next = self.b.create_block();
                if is_nil {
                    let hit = self.b.ins().icmp_imm_s(IntCC::Equal, v[0], 0);
                    self.b.ins().brif(hit, bodies[i], &[], next, &[]);
                } else {
                    let t = tv.map(|t| t.typ).unwrap_or(rgo_types::basic::INVALID);
                    let (hit, val) = self.assert_test(&v, xt, t, e.pos)?;
                    if c.exprs.len() == 1 {
                        // The clause variable has type `t`; the test's block dominates the
                        // clause body, so its converted value can be used there.
                        bound[i] = Some(val);
                    }
                    self.b.ins().brif(hit, bodies[i], &[], next, &[]);
                }
                self.b.switch_to_block(next);
            }
        }
        let fallback = default.map(|i| bodies[i]).unwrap_or(exit);
        self.b.ins().jump(fallback, &[]);
        self.targets.push(Target {
            label,
            brk: exit,
            cont: None,
        });
        for (i, c) in clauses.iter().enumerate() {
            self.b.switch_to_block(bodies[i]);
            if let Some(id) = &c.implicit {
                if let Some(&o) = self.cx.info.implicits.get(&id.id) {
                    let ty = self.cx.pkg.obj(o).typ;
                    let val = match bound[i].take() {
                        Some(val) if self.types().underlying(ty) != self.types().underlying(xt) => {
                            val
                        }
                        _ => self.convert_value(v.clone(), xt, ty, c.pos)?,
                    };
                    self.declare_local(o, ty, Some(val));
                }
            }
            self.block(&c.body)?;
            self.jump(exit);
        }
        self.targets.pop();
        self.b.switch_to_block(exit);
        Ok(())
    }

    /// `x == y` / `x != y` with interface operands (both already of interface type `t`).
    pub(super) fn iface_equal(&mut self, t: TypeId, a: &[Value], b: &[Value]) -> R<Value> {
        let same = self.b.ins().icmp(IntCC::Equal, a[0], b[0]);
        let check = self.b.create_block();
        let done = self.b.create_block();
        self.b.append_block_param(done, I8);
        let f = self.b.ins().iconst(I8, 0);
        self.b
            .ins()
            .brif(same, check, &[], done, &[BlockArg::Value(f)]);
        self.b.switch_to_block(check);
        let is_nil = self.b.ins().icmp_imm_s(IntCC::Equal, a[0], 0);
        let cmp = self.b.create_block();
        let tr = self.b.ins().iconst(I8, 1);
        self.b
            .ins()
            .brif(is_nil, done, &[BlockArg::Value(tr)], cmp, &[]);
        self.b.switch_to_block(cmp);
        let g = self.g;
        let func = if self.is_empty_iface(t) {
            l::EFACEEQ
        } else {
            l::IFACEEQ
        };
        let r = self
            .call_rt(func, &[g, a[0], a[1], b[1]])?
            .ok_or_else(|| self.err(Pos(0), "internal compiler error"))?;
        self.b.ins().jump(done, &[BlockArg::Value(r)]);
        self.b.switch_to_block(done);
        Ok(self.b.block_params(done)[0])
    }
}
