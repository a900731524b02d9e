//! Maps: `make`, literals, index, comma-ok index, assignment, `delete`, `len`, `range`.
//!
//! Everything goes through the runtime's hash maps (rgo_abi::lang) with the map type's
//! descriptor. Keys whose map `hasher` is `MEMHASH32`, `MEMHASH64` or `STRHASH` use the
//! `_fast*` entry points and travel by value (as gc's `mapaccess1_fast64` & co.); other
//! keys are spilled to a stack slot and passed by address. Elements come back as pointers
//! into the map (or to a zero area for missing keys) and are copied out at once.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::types::{I32, I64, I8};
use cranelift_codegen::ir::{InstBuilder, StackSlotData, StackSlotKind, Value};
use cranelift_module::Module;
use rgo_abi::lang as l;
use rgo_syntax::ast::{self, Expr, ExprKind};
use rgo_syntax::Pos;
use rgo_types::{Type, TypeId};

use super::{trusted, FnLower, Val, R};
use crate::layout::parts;

/// An evaluated map key, in the form the entry point chosen for its map type takes.
#[derive(Clone, Copy)]
pub(super) enum MapKey {
    /// The address of a copy of the key (generic entry points).
    Addr(Value),
    /// A 4-byte key (`_fast32`).
    K32(Value),
    /// An 8-byte key (`_fast64`).
    K64(Value),
    /// A string key's pointer and length (`_faststr`).
    Str(Value, Value),
}

/// Entry point names of one key form: access1, access2, assign, delete.
struct MapFns {
    access1: &'static str,
    access2: &'static str,
    assign: &'static str,
    delete: &'static str,
}

impl MapKey {
    fn fns(&self) -> MapFns {
        match self {
            MapKey::Addr(_) => MapFns {
                access1: l::MAPACCESS1,
                access2: l::MAPACCESS2,
                assign: l::MAPASSIGN,
                delete: l::MAPDELETE,
            },
            MapKey::K32(_) => MapFns {
                access1: l::MAPACCESS1_FAST32,
                access2: l::MAPACCESS2_FAST32,
                assign: l::MAPASSIGN_FAST32,
                delete: l::MAPDELETE_FAST32,
            },
            MapKey::K64(_) => MapFns {
                access1: l::MAPACCESS1_FAST64,
                access2: l::MAPACCESS2_FAST64,
                assign: l::MAPASSIGN_FAST64,
                delete: l::MAPDELETE_FAST64,
            },
            MapKey::Str(..) => MapFns {
                access1: l::MAPACCESS1_FASTSTR,
                access2: l::MAPACCESS2_FASTSTR,
                assign: l::MAPASSIGN_FASTSTR,
                delete: l::MAPDELETE_FASTSTR,
            },
        }
    }

    /// The key's argument words.
    fn args(&self) -> Vec<Value> {
        match *self {
            MapKey::Addr(v) | MapKey::K32(v) | MapKey::K64(v) => vec![v],
            MapKey::Str(p, n) => vec![p, n],
        }
    }
}

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

    /// Evaluates the map operand `m` and then the key `k` of `m[k]` (or `delete(m, k)`):
    /// the map's type, its handle and the key.
    pub(super) fn map_and_key(
        &mut self,
        m: &Expr,
        k: &Expr,
        pos: Pos,
    ) -> R<(TypeId, Value, MapKey)> {
        let mt = self.type_of(m)?;
        let (kt, _) = self
            .map_kv(mt)
            .ok_or_else(|| self.err(pos, "internal compiler error"))?;
        let h = self.expr(m)?[0];
        let key = self.map_key_operand(k, kt)?;
        Ok((mt, h, key))
    }

    /// Calls the map entry point `f(g, type, h, key..., extra...)`, which returns a pointer
    /// when the entry point returns one.
    fn map_call(
        &mut self,
        f: &'static str,
        mt: TypeId,
        h: Value,
        key: &MapKey,
        extra: &[Value],
        pos: Pos,
    ) -> R<Option<Value>> {
        let t = self.desc_addr(mt, pos)?;
        let mut args = vec![self.g, t, h];
        args.extend(key.args());
        args.extend_from_slice(extra);
        self.call_rt(f, &args)
    }

    /// Evaluates a key (converted to the key type `kt`) for the map's entry points.
    pub(super) fn map_key_operand(&mut self, k: &Expr, kt: TypeId) -> R<MapKey> {
        let v = self.expr_as(k, kt)?;
        Ok(self.map_key(kt, &v))
    }

    /// The form of an evaluated key `v` of type `kt`. A fast form holds the key's words
    /// (loaded now when the key is a memory type), a generic one the address of a copy:
    /// either way later writes to the key's variables do not change it.
    pub(super) fn map_key(&mut self, kt: TypeId, v: &[Value]) -> MapKey {
        let tys: Vec<_> = parts(self.types(), kt).iter().map(|p| p.ty).collect();
        let mem = self.is_mem(kt);
        // The fast paths hash exactly as the descriptor's `hasher` does (rgo_abi::lang).
        match crate::typedesc::map_hasher(self.types(), kt) {
            Some(l::MEMHASH32) if mem => {
                return MapKey::K32(self.b.ins().load(I32, trusted(), v[0], 0));
            }
            Some(l::MEMHASH32) if tys == [I32] => return MapKey::K32(v[0]),
            Some(l::MEMHASH64) if mem => {
                return MapKey::K64(self.b.ins().load(I64, trusted(), v[0], 0));
            }
            Some(l::MEMHASH64) if tys == [I64] => return MapKey::K64(v[0]),
            Some(l::STRHASH) if mem => {
                let p = self.b.ins().load(I64, trusted(), v[0], 0);
                let n = self.b.ins().load(I64, trusted(), v[0], 8);
                return MapKey::Str(p, n);
            }
            Some(l::STRHASH) if tys == [I64, I64] => return MapKey::Str(v[0], v[1]),
            _ => {}
        }
        let tmp = self.stack_temp(kt);
        self.store_value_init(tmp, kt, v);
        MapKey::Addr(tmp)
    }

    /// The right side of `_, ok = m[k]` (or `:=`), when the statement is one: the element
    /// is not read (a hit would otherwise load it, often a cache miss of its own), its
    /// zero value stands in for the blank.
    pub(super) fn map_comma_ok_blank(
        &mut self,
        lhs: &[Expr],
        rhs: &[Expr],
    ) -> R<Option<Vec<(TypeId, Val)>>> {
        let ([first, _], [r]) = (lhs, rhs) else {
            return Ok(None);
        };
        if !matches!(&first.kind, ExprKind::Name(n) if n == "_") {
            return Ok(None);
        }
        let mut e = r;
        while let ExprKind::Paren(inner) = &e.kind {
            e = inner;
        }
        let ExprKind::Index(m, idx) = &e.kind else {
            return Ok(None);
        };
        let mt = self.type_of(m)?;
        let (Some((_, vt)), [k]) = (self.map_kv(mt), idx.as_slice()) else {
            return Ok(None);
        };
        let tt = self.type_of(e)?;
        let Type::Tuple(ts) = self.types().get(tt) else {
            return Ok(None);
        };
        let okt = ts[1];
        let v = self.map_index_ok(m, k, false, e.pos)?;
        let ok = v[v.len() - 1];
        let zero = self.zero_value(vt);
        Ok(Some(vec![(vt, zero), (okt, vec![ok])]))
    }

    /// `m[k]`, and with `with_ok` also the presence flag.
    pub(super) fn map_index(&mut self, m: &Expr, k: &Expr, with_ok: bool, pos: Pos) -> R<Val> {
        if with_ok {
            return self.map_index_ok(m, k, true, pos);
        }
        let (mt, h, key) = self.map_and_key(m, k, pos)?;
        self.map_read(mt, h, key, pos)
    }

    /// `v, ok := m[k]`: the element (when `value`; else nothing) and the presence flag.
    fn map_index_ok(&mut self, m: &Expr, k: &Expr, value: bool, pos: Pos) -> R<Val> {
        let (mt, h, key) = self.map_and_key(m, k, pos)?;
        let (_, vt) = self
            .map_kv(mt)
            .ok_or_else(|| self.err(pos, "internal compiler error"))?;
        let slot =
            self.b
                .create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, 1, 0));
        let okp = self.b.ins().stack_addr(I64, slot, 0);
        let p = self
            .map_call(key.fns().access2, mt, h, &key, &[okp], pos)?
            .ok_or_else(|| self.err(pos, "internal compiler error"))?;
        let mut v = if value {
            let v = self.load_value(p, vt);
            self.stable_copy(vt, v)
        } else {
            Vec::new()
        };
        v.push(self.b.ins().load(I8, trusted(), okp, 0));
        Ok(v)
    }

    /// The value of `m[k]` for an evaluated key (a copy: later map writes do not change it).
    pub(super) fn map_read(&mut self, mt: TypeId, h: Value, key: MapKey, pos: Pos) -> R<Val> {
        let (_, vt) = self
            .map_kv(mt)
            .ok_or_else(|| self.err(pos, "internal compiler error"))?;
        let p = self
            .map_call(key.fns().access1, mt, h, &key, &[], pos)?
            .ok_or_else(|| self.err(pos, "internal compiler error"))?;
        let v = self.load_value(p, vt);
        Ok(self.stable_copy(vt, v))
    }

    /// The element slot for key `key` in map `h` of type `mt`, inserting it.
    pub(super) fn map_assign_slot(
        &mut self,
        mt: TypeId,
        h: Value,
        key: MapKey,
        pos: Pos,
    ) -> R<Value> {
        self.map_call(key.fns().assign, mt, h, &key, &[], pos)?
            .ok_or_else(|| self.err(pos, "internal compiler error"))
    }

    /// `m[k] op= y` (and `m[k]++`) with `y` evaluated: one insertion, then the element is
    /// updated in place (the slot stays valid: nothing else touches the map meanwhile).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn map_update(
        &mut self,
        mt: TypeId,
        h: Value,
        key: MapKey,
        ty: TypeId,
        op: ast::BinOp,
        yt: TypeId,
        y: Val,
        pos: Pos,
    ) -> R<()> {
        let slot = self.map_assign_slot(mt, h, key, pos)?;
        let a = self.load_value(slot, ty);
        let a = self.stable_copy(ty, a);
        let r = self.binary_values(op, ty, yt, ty, a, y, pos)?;
        self.store_value(slot, ty, &r);
        Ok(())
    }

    /// `delete(m, k)`.
    pub(super) fn map_delete(&mut self, m: &Expr, k: &Expr, pos: Pos) -> R<Val> {
        let (mt, h, key) = self.map_and_key(m, k, pos)?;
        self.map_delete_key(mt, h, key, pos)
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
        let key = self.map_key(kt, k);
        self.map_delete_key(mt, h, key, pos)?;
        Ok(())
    }

    fn map_delete_key(&mut self, mt: TypeId, h: Value, key: MapKey, pos: Pos) -> R<Val> {
        self.map_call(key.fns().delete, mt, h, &key, &[], pos)?;
        Ok(vec![])
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
