//! The GC contract in generated code: typed allocation and write barriers.
//!
//! **Allocation.** Heap memory for a value of a known type comes from `rgo_newobject` with
//! the type's descriptor, whose `gcdata` bitmap tells the collector which words are
//! pointers; pointer-free values go to noscan spans (`rgo_mallocgc` with a null type).
//! Runtime-shaped objects whose layout no Go type describes (closure records, `go`
//! argument blocks) use `rgo_alloc`, which the collector scans conservatively.
//!
//! **Barriers.** The collector is a snapshot-at-the-beginning marker: every stack is
//! scanned once, with the world stopped, when marking starts, and objects allocated while
//! marking are black. What it must not miss is a pointer *deleted* from the heap or a
//! global while it is unscanned, so every store that may overwrite a pointer in memory
//! that is not this goroutine's stack goes through the barrier (`rgo_gcwb` shades the old
//! and the new value — gc's hybrid barrier — when the flag `rgo_writebarrier` is set):
//! * register-typed values: the pointer words are stored by `rgo_gcwb`, the rest directly,
//!   after one test of the flag;
//! * memory-typed values (structs, arrays) with pointers: `rgo_typedmemmove`;
//! * bulk copies (`copy`, `append` of a slice): `rgo_bulkbarrier` over the destination.
//!
//! Stores into stack slots and into memory this function just allocated (zeroed, not yet
//! visible to anyone) skip the barrier: `store_value_init`.

use cranelift_codegen::ir::types::{I32, I64};
use cranelift_codegen::ir::{InstBuilder, Value};
use cranelift_module::{DataId, Linkage, Module};
use rgo_abi::mem as m;
use rgo_syntax::Pos;
use rgo_types::{ObjId, TypeId};

use super::{trusted, FnLower, R};
use crate::layout::{layout, parts};
use crate::typedesc;

impl<M: Module> FnLower<'_, '_, '_, M> {
    /// Whether values of `ty` hold pointers the collector must see.
    pub(super) fn has_pointers(&self, ty: TypeId) -> bool {
        typedesc::ptrdata(self.types(), ty) > 0
    }

    /// The current value of the write-barrier flag (non-zero while the GC marks).
    fn wb_flag(&mut self) -> R<Value> {
        let d = self
            .cx
            .module
            .declare_data(m::WBFLAG, Linkage::Import, true, false)
            .map_err(|e| self.err(Pos(0), e.to_string()))?;
        let gv = self.cx.module.declare_data_in_func(d, self.b.func);
        let addr = self.b.ins().symbol_value(I64, gv);
        Ok(self.b.ins().load(I32, trusted(), addr, 0))
    }

    /// Stores value `v` of type `ty` at `addr`, which may be in the heap or a global:
    /// with write barriers on its pointer words while the GC marks.
    pub(super) fn store_value(&mut self, addr: Value, ty: TypeId, v: &[Value]) {
        if !self.has_pointers(ty) {
            return self.store_value_init(addr, ty, v);
        }
        // Only an internal failure (a missing entry point) can make this fail; a plain
        // store is then the best that can be done.
        if self.store_barriered(addr, ty, v).is_err() {
            self.store_value_init(addr, ty, v);
        }
    }

    fn store_barriered(&mut self, addr: Value, ty: TypeId, v: &[Value]) -> R<()> {
        let flag = self.wb_flag()?;
        let slow = self.b.create_block();
        let fast = self.b.create_block();
        let done = self.b.create_block();
        self.b.set_cold_block(slow);
        self.b.ins().brif(flag, slow, &[], fast, &[]);
        self.b.switch_to_block(slow);
        if self.is_mem(ty) {
            let desc = self.desc_addr(ty, Pos(0))?;
            let g = self.g;
            self.call_rt(m::TYPEDMEMMOVE, &[g, desc, addr, v[0]])?;
        } else {
            let ps = parts(self.types(), ty);
            let ptr = pointer_words(self.types(), ty);
            for (p, &x) in ps.iter().zip(v) {
                if ptr.contains(&p.offset) {
                    let slot = self.b.ins().iadd_imm_s(addr, p.offset as i64);
                    let g = self.g;
                    self.call_rt(m::GCWB, &[g, slot, x])?;
                } else {
                    self.b.ins().store(trusted(), x, addr, p.offset as i32);
                }
            }
        }
        self.b.ins().jump(done, &[]);
        self.b.switch_to_block(fast);
        self.store_value_init(addr, ty, v);
        self.b.ins().jump(done, &[]);
        self.b.switch_to_block(done);
        Ok(())
    }

    /// Stores without a barrier: `addr` is a stack slot or memory this function allocated
    /// and nobody else can see yet.
    pub(super) fn store_value_init(&mut self, addr: Value, ty: TypeId, v: &[Value]) {
        if self.is_mem(ty) {
            let size = layout(self.types(), ty).size;
            self.copy_mem(addr, v[0], size);
            return;
        }
        let ps = parts(self.types(), ty);
        self.store_parts(addr, &ps, v);
    }

    /// Before a bulk copy of `bytes` bytes of `elem` values over `dst`: while the GC
    /// marks, shades the pointers about to be overwritten.
    pub(super) fn bulk_barrier(&mut self, elem: TypeId, dst: Value, bytes: Value) -> R<()> {
        if !self.has_pointers(elem) {
            return Ok(());
        }
        let flag = self.wb_flag()?;
        let slow = self.b.create_block();
        let done = self.b.create_block();
        self.b.set_cold_block(slow);
        self.b.ins().brif(flag, slow, &[], done, &[]);
        self.b.switch_to_block(slow);
        let g = self.g;
        self.call_rt(m::BULKBARRIER, &[g, dst, bytes])?;
        self.b.ins().jump(done, &[]);
        self.b.switch_to_block(done);
        Ok(())
    }

    /// In `rgo.main`, before anything can allocate: registers every package variable
    /// that holds pointers as a GC root, with its type's pointer bitmap.
    pub(super) fn register_globals(&mut self) -> R<()> {
        let mut globals: Vec<(ObjId, DataId)> =
            self.cx.globals.iter().map(|(&o, &d)| (o, d)).collect();
        globals.sort_by_key(|(o, _)| o.0);
        for (obj, data) in globals {
            let ty = self.cx.pkg.obj(obj).typ;
            if !self.has_pointers(ty) {
                continue;
            }
            let gv = self.cx.module.declare_data_in_func(data, self.b.func);
            let addr = self.b.ins().symbol_value(I64, gv);
            let size = layout(self.types(), ty).size;
            let size = self.b.ins().iconst(I64, size as i64);
            let desc = self.desc_addr(ty, Pos(0))?;
            let bitmap = self
                .b
                .ins()
                .load(I64, trusted(), desc, rgo_abi::typ::rtype::GCDATA);
            let g = self.g;
            self.call_rt(m::REGISTER_GLOBALS, &[g, addr, size, bitmap])?;
        }
        Ok(())
    }

    /// Zeroed heap memory for a value of type `ty`, typed for the collector.
    pub(super) fn heap_alloc(&mut self, ty: TypeId) -> R<Value> {
        if !self.has_pointers(ty) {
            return self.alloc_noscan(layout(self.types(), ty).size);
        }
        let desc = self.desc_addr(ty, Pos(0))?;
        let g = self.g;
        self.call_rt(m::NEWOBJECT, &[g, desc])?
            .ok_or_else(|| self.err(Pos(0), "internal compiler error: alloc"))
    }

    /// Zeroed pointer-free heap memory of `size` bytes (a noscan span).
    fn alloc_noscan(&mut self, size: u64) -> R<Value> {
        let g = self.g;
        let size = self.b.ins().iconst(I64, size as i64);
        let null = self.b.ins().iconst(I64, 0);
        let zero = self.b.ins().iconst(I64, 1);
        self.call_rt(m::MALLOCGC, &[g, size, null, zero])?
            .ok_or_else(|| self.err(Pos(0), "internal compiler error: alloc"))
    }

    /// Zeroed heap memory for `n` values of type `elem` (a composite literal's backing
    /// array), typed for the collector.
    pub(super) fn heap_alloc_array(&mut self, elem: TypeId, n: u64) -> R<Value> {
        if !self.has_pointers(elem) {
            return self.alloc_noscan(layout(self.types(), elem).size * n);
        }
        let desc = self.desc_addr(elem, Pos(0))?;
        let count = self.b.ins().iconst(I64, n as i64);
        let g = self.g;
        self.call_rt(m::NEWARRAY, &[g, desc, count])?
            .ok_or_else(|| self.err(Pos(0), "internal compiler error: alloc"))
    }
}

/// Byte offsets of the pointer words among a register-typed value's parts.
fn pointer_words(t: &rgo_types::TypeTable, ty: TypeId) -> Vec<u32> {
    let size = layout(t, ty).size;
    let mut bits = vec![0u8; (size / 8).div_ceil(8) as usize + 1];
    typedesc::ptr_bits(t, ty, 0, &mut bits);
    (0..size / 8)
        .filter(|w| (bits[(w / 8) as usize] >> (w % 8)) & 1 != 0)
        .map(|w| (w * 8) as u32)
        .collect()
}
