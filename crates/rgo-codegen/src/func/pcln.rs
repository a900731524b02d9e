//! Line tables (Go's pcln tables, much simplified): which source line each range of a
//! function's machine code comes from, for `runtime.Caller`, `Callers` + `FuncForPC`
//! and friends.
//!
//! Lowering tags instructions with the byte offset of the construct they come from
//! (Cranelift source locations): each statement, each call (its `(`, where gc puts a
//! call's position) and a function's closing brace (its implicit return, where gc puts
//! deferred calls that run at the end). A function lies in one file, so the offset alone
//! identifies the position. After compilation the ranges become `{code offset, line}`
//! pairs that go into the function table (`emit_functab`).

use cranelift_codegen::ir::types::I64;
use cranelift_codegen::ir::{InstBuilder, SourceLoc};
use cranelift_codegen::CompiledCode;
use cranelift_module::Module;
use rgo_syntax::{Pos, SourceFile};

use super::{FnLower, R};

impl<M: Module> FnLower<'_, '_, '_, M> {
    /// Attributes the instructions emitted from now on to source position `pos`.
    pub(super) fn set_pos(&mut self, pos: Pos) {
        self.b.set_srcloc(SourceLoc::new(pos.0));
    }
}

/// The `{code offset, line}` pairs of a compiled function of `sources[file]`, sorted by
/// offset, one per change of line (empty without sources).
pub(crate) fn line_table(
    sources: &[(String, &SourceFile)],
    file: usize,
    code: &CompiledCode,
) -> Vec<(u32, u32)> {
    let Some((_, src)) = sources.get(file) else {
        return Vec::new();
    };
    let mut out: Vec<(u32, u32)> = Vec::new();
    for loc in code.buffer.get_srclocs_sorted() {
        if loc.loc.is_default() {
            continue;
        }
        let (line, _) = src.line_col(Pos(loc.loc.bits()));
        if out.last().is_some_and(|&(_, l)| l == line) {
            continue;
        }
        out.push((loc.start, line));
    }
    out
}

/// In `rgo.main`: registers the function table (`emit_functab`) with the runtime.
pub(crate) fn register_functab<M: Module>(
    f: &mut FnLower<'_, '_, '_, M>,
    (table, n): (cranelift_module::DataId, usize),
) -> R<()> {
    let gv = f.cx.module.declare_data_in_func(table, f.b.func);
    let addr = f.b.ins().symbol_value(I64, gv);
    let n = f.b.ins().iconst(I64, n as i64);
    let g = f.g;
    f.call_rt(rgo_abi::entry::REGISTER_FUNCTAB, &[g, addr, n])?;
    Ok(())
}
