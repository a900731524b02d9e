//! Maps: `make`, literals, index, comma-ok index, assignment, `delete`, `len`, `range`.
//!
//! Everything goes through the runtime's hash maps (rgo_abi::lang) with the map type's
//! descriptor; keys are passed by address (spilled to a stack slot), elements come back as
//! pointers into the map (or to a zero area for missing keys) and are copied out at once.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::types::{I64, I8};
use cranelift_codegen::ir::{InstBuilder, StackSlotData, StackSlotKind, Value};
use cranelift_module::Module;
use rgo_abi::lang as l;
use rgo_syntax::ast::{self, Expr, ExprKind};
use rgo_syntax::Pos;
use rgo_types::{Type, TypeId};

use super::{trusted, FnLower, Val, R};

impl<M: Module> FnLower<'_, '_, '_, M> {
    /// Key and element types of a map type.
    pub(super) fn map_kv(&self, ty: TypeId) -> Option<(TypeId, TypeId)> {
        match self.types().under(ty) {
            Type::Map { key, value } => Some((*key, *value)),
            _ => None,
        }
    }

    /// `make(map[K]V[, hint])`.
    pub(super) fn make_map(&mut self, ty: TypeId, hint: Option<&Expr>, pos: Pos) -> R<Val> {
        let t = self.desc_addr(ty, pos)?;
        let n = match hint {
            Some(h) => self.int_operand(h)?,
            None => self.b.ins().iconst(I64, 0),
        };
        let g = self.g;
        let h = self
            .call_rt(l::MAKEMAP, &[g, t, n])?
            .ok_or_else(|| self.err(pos, "internal compiler error"))?;
        Ok(vec![h])
    }

    /// A map literal `map[K]V{k: v, ...}`.
    pub(super) fn map_literal(&mut self, ty: TypeId, elems: &[Expr], pos: Pos) -> R<Val> {
        let (kt, vt) = self
            .map_kv(ty)
            .ok_or_else(|| self.err(pos, "internal compiler error"))?;
        let h = self.make_map(ty, None, pos)?[0];
        for el in elems {
            let ExprKind::KeyValue(k, v) = &el.kind else {
                return Err(self.err(el.pos, "internal compiler error: map literal element"));
            };
            let key = self.map_key_operand(k, kt)?;
            let val = self.expr_as(v, vt)?;
            let slot = self.map_assign_slot(ty, h, key, pos)?;
            self.store_value(slot, vt, &val);
        }
        Ok(vec![h])
    }

    /// Evaluates a key (converted to the key type) into a stack slot; returns its address.
    pub(super) fn map_key_operand(&mut self, k: &Expr, kt: TypeId) -> R<Value> {
        let v = self.expr_as(k, kt)?;
        let tmp = self.stack_temp(kt);
        self.store_value_init(tmp, kt, &v);
        Ok(tmp)
    }

    /// `m[k]`, and with `with_ok` also the presence flag.
    pub(super) fn map_index(&mut self, m: &Expr, k: &Expr, with_ok: bool, pos: Pos) -> R<Val> {
        let mt = self.type_of(m)?;
        let (kt, vt) = self
            .map_kv(mt)
            .ok_or_else(|| self.err(pos, "internal compiler error"))?;
        let h = self.expr(m)?[0];
        let key = self.map_key_operand(k, kt)?;
        let t = self.desc_addr(mt, pos)?;
        let g = self.g;
        if with_ok {
            let slot = self.b.create_sized_stack_slot(StackSlotData::new(
                StackSlotKind::ExplicitSlot,
                1,
                0,
            ));
            let okp = self.b.ins().stack_addr(I64, slot, 0);
            let p = self
                .call_rt(l::MAPACCESS2, &[g, t, h, key, okp])?
                .ok_or_else(|| self.err(pos, "internal compiler error"))?;
            let v = self.load_value(p, vt);
            let mut v = self.stable_copy(vt, v);
            v.push(self.b.ins().load(I8, trusted(), okp, 0));
            return Ok(v);
        }
        let p = self
            .call_rt(l::MAPACCESS1, &[g, t, h, key])?
            .ok_or_else(|| self.err(pos, "internal compiler error"))?;
        let v = self.load_value(p, vt);
        Ok(self.stable_copy(vt, v))
    }

    /// The element slot for key (at address) `key` in map `h` of type `mt`, inserting it.
    pub(super) fn map_assign_slot(
        &mut self,
        mt: TypeId,
        h: Value,
        key: Value,
        pos: Pos,
    ) -> R<Value> {
        let t = self.desc_addr(mt, pos)?;
        let g = self.g;
        self.call_rt(l::MAPASSIGN, &[g, t, h, key])?
            .ok_or_else(|| self.err(pos, "internal compiler error"))
    }

    /// `delete(m, k)`.
    pub(super) fn map_delete(&mut self, m: &Expr, k: &Expr, pos: Pos) -> R<Val> {
        let mt = self.type_of(m)?;
        let (kt, _) = self
            .map_kv(mt)
            .ok_or_else(|| self.err(pos, "internal compiler error"))?;
        let h = self.expr(m)?[0];
        let key = self.map_key_operand(k, kt)?;
        let t = self.desc_addr(mt, pos)?;
        let g = self.g;
        self.call_rt(l::MAPDELETE, &[g, t, h, key])?;
        Ok(vec![])
    }

    /// `delete(m, k)` of evaluated operands (`k` already of the key type `kt`).
    pub(super) fn map_delete_values(
        &mut self,
        mt: TypeId,
        h: Value,
        kt: TypeId,
        k: &[Value],
        pos: Pos,
    ) -> R<()> {
        let key = self.stack_temp(kt);
        self.store_value_init(key, kt, k);
        let t = self.desc_addr(mt, pos)?;
        let g = self.g;
        self.call_rt(l::MAPDELETE, &[g, t, h, key])?;
        Ok(())
    }

    /// `len(m)`: the count word of a non-nil map.
    pub(super) fn map_len(&mut self, h: Value) -> Value {
        let is_nil = self.b.ins().icmp_imm_s(IntCC::Equal, h, 0);
        let load = self.b.create_block();
        let done = self.b.create_block();
        self.b.append_block_param(done, I64);
        let zero = self.b.ins().iconst(I64, 0);
        self.b.ins().brif(
            is_nil,
            done,
            &[cranelift_codegen::ir::BlockArg::Value(zero)],
            load,
            &[],
        );
        self.b.switch_to_block(load);
        let n = self.b.ins().load(I64, trusted(), h, l::map::hmap::COUNT);
        self.b
            .ins()
            .jump(done, &[cranelift_codegen::ir::BlockArg::Value(n)]);
        self.b.switch_to_block(done);
        self.b.block_params(done)[0]
    }

    /// `for k, v := range m`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn range_map(
        &mut self,
        label: Option<String>,
        key: Option<&Expr>,
        value: Option<&Expr>,
        define: bool,
        x: &Expr,
        body: &ast::Block,
    ) -> R<()> {
        let mt = self.type_of(x)?;
        let (kt, vt) = self
            .map_kv(mt)
            .ok_or_else(|| self.err(x.pos, "internal compiler error"))?;
        let h = self.expr(x)?[0];
        for t in [key, value].into_iter().flatten() {
            if define && !matches!(&t.kind, ExprKind::Name(n) if n == "_") {
                if let Some(&o) = self.cx.info.defs.get(&t.id) {
                    let ty = self.cx.pkg.obj(o).typ;
                    self.declare_local(o, ty, None);
                }
            }
        }
        let it = self.b.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            l::map::hiter::SIZE as u32,
            3,
        ));
        let itp = self.b.ins().stack_addr(I64, it, 0);
        self.zero_mem(itp, l::map::hiter::SIZE);
        let t = self.desc_addr(mt, x.pos)?;
        let g = self.g;
        self.call_rt(l::MAPITERINIT, &[g, t, h, itp])?;
        let header = self.b.create_block();
        let body_blk = self.b.create_block();
        let latch = self.b.create_block();
        let exit = self.b.create_block();
        self.b.ins().jump(header, &[]);
        self.b.switch_to_block(header);
        let itp = self.b.ins().stack_addr(I64, it, 0);
        let kp = self.b.ins().load(I64, trusted(), itp, l::map::hiter::KEY);
        self.b.ins().brif(kp, body_blk, &[], exit, &[]);
        self.b.switch_to_block(body_blk);
        if let Some(k) = key {
            let kv = self.load_value(kp, kt);
            let kv = self.stable_copy(kt, kv);
            self.assign_iter_var(k, define, kv)?;
        }
        if let Some(v) = value.filter(|v| !matches!(&v.kind, ExprKind::Name(n) if n == "_")) {
            let itp = self.b.ins().stack_addr(I64, it, 0);
            let ep = self.b.ins().load(I64, trusted(), itp, l::map::hiter::ELEM);
            let ev = self.load_value(ep, vt);
            let ev = self.stable_copy(vt, ev);
            self.assign_iter_var(v, define, ev)?;
        }
        self.loop_body(label, &body.stmts, exit, latch)?;
        let itp = self.b.ins().stack_addr(I64, it, 0);
        let g = self.g;
        self.call_rt(l::MAPITERNEXT, &[g, itp])?;
        self.poll();
        self.b.ins().jump(header, &[]);
        self.b.switch_to_block(exit);
        Ok(())
    }
}
