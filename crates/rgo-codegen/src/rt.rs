//! Signatures of the runtime entry points that generated code calls (names from rgo-abi).
//! All use the platform C convention; see rgo_abi::entry for what each does.

use cranelift_codegen::ir::types::{F64, I32, I64, I8};
use cranelift_codegen::ir::{AbiParam, Signature, Type};
use cranelift_codegen::isa::CallConv;
use rgo_abi::entry as e;
use rgo_abi::lang as l;

/// `(params, results)` of a runtime entry point.
pub fn signature_of(name: &str) -> Option<(&'static [Type], &'static [Type])> {
    const NONE: &[Type] = &[];
    Some(match name {
        n if n == e::POLL => (&[I64], NONE),
        n if n == e::PRINTLOCK || n == e::PRINTUNLOCK || n == e::PRINTSP || n == e::PRINTNL => {
            (NONE, NONE)
        }
        n if n == e::PRINTINT || n == e::PRINTUINT || n == e::PRINTPOINTER => (&[I64], NONE),
        n if n == e::PRINTFLOAT => (&[F64], NONE),
        n if n == e::PRINTCOMPLEX => (&[F64, F64], NONE),
        n if n == e::PRINTBOOL => (&[I8], NONE),
        n if n == e::PRINTSTRING => (&[I64, I64], NONE),
        n if n == e::PANIC_STRING => (&[I64, I64, I64], NONE),
        n if n == e::PANIC_BASIC => (&[I64, I32, I64], NONE),
        n if n == e::PANIC_DIVIDE || n == e::PANIC_SHIFT || n == e::PANIC_NIL => (&[I64], NONE),
        n if n == e::PANIC_INDEX
            || n == e::PANIC_SLICE_CAP
            || n == e::PANIC_SLICE_LEN
            || n == e::PANIC_SLICE_B =>
        {
            (&[I64, I64, I64], NONE)
        }
        n if n == e::PANIC_BOUNDS => (&[I64, I64, I64, I32], NONE),
        n if n == e::PANIC_COMPLEX => (&[I64, F64, F64], NONE),
        n if n == e::THROW => (&[I64, I64, I64], NONE),
        n if n == e::CONCAT_STRINGS => (&[I64, I64, I64, I64], NONE),
        n if n == e::CMP_STRING => (&[I64, I64, I64, I64], &[I64]),
        n if n == e::INT_STRING => (&[I64, I64, I64], NONE),
        n if n == e::SLICEBYTE_TO_STRING || n == e::STRING_TO_SLICEBYTE => {
            (&[I64, I64, I64, I64], NONE)
        }
        n if n == e::DECODE_RUNE => (&[I64, I64, I64], &[I64]),
        n if n == e::ALLOC => (&[I64, I64, I64], &[I64]),
        n if n == e::START => (&[I32, I64, I64], NONE),
        n if n == l::MAKESLICE => (&[I64, I64, I64, I64, I64], &[I64]),
        n if n == l::GROWSLICE => (&[I64, I64, I64, I64, I64, I64, I64, I64], NONE),
        _ => return None,
    })
}

/// Entry points that never return (panics and fatal errors).
pub fn is_noreturn(name: &str) -> bool {
    name.starts_with("rgo_panic") || name == e::THROW
}

pub fn make_signature(name: &str, cc: CallConv) -> Signature {
    let (params, results) =
        signature_of(name).unwrap_or_else(|| panic!("unknown runtime entry point {name}"));
    let mut sig = Signature::new(cc);
    sig.params.extend(params.iter().map(|&t| AbiParam::new(t)));
    sig.returns
        .extend(results.iter().map(|&t| AbiParam::new(t)));
    sig
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_runtime_entry_point_has_a_signature() {
        let all = rgo_abi::entry::ALL
            .iter()
            .chain(rgo_abi::mem::ALL)
            .chain(rgo_abi::lang::ALL);
        for name in all {
            assert!(signature_of(name).is_some(), "no signature for {name}");
        }
    }
}
