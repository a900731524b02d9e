//! Cranelift signatures of the runtime entry points that generated code calls. The names and
//! their meaning are written down in rgo-abi (`entry`, `mem`, `lang`); this table gives the
//! machine types. All use the platform C convention. `bool` is one byte (`I8`).

use cranelift_codegen::ir::types::{F64, I32, I64, I8};
use cranelift_codegen::ir::{AbiParam, Signature, Type};
use cranelift_codegen::isa::CallConv;
use rgo_abi::{entry as e, lang as l, mem as m};

type Sig = (&'static str, &'static [Type], &'static [Type]);

const N: &[Type] = &[];
const P: &[Type] = &[I64];
const PP: &[Type] = &[I64, I64];
const PPP: &[Type] = &[I64, I64, I64];
const PPPP: &[Type] = &[I64, I64, I64, I64];
const B: &[Type] = &[I8];

#[rustfmt::skip]
const TABLE: &[Sig] = &[
    // Start-up, scheduling, polls.
    (e::START, &[I32, I64, I64], N),
    (e::POLL, P, N),
    (e::POLL_PRESERVE, P, N),
    (e::NEWPROC, PPP, N),
    (e::DEFERPROC, PPPP, N),
    (e::DEFERRETURN, PP, N),
    (e::GORECOVER, PPP, N),
    (e::GOPANIC, PPP, N),
    (e::REGISTER_UNWIND, PPP, N),
    (e::REGISTER_FUNCTAB, PPP, N),
    (e::SETFINALIZER, &[I64, I64, I64, I64, I64, I64], N),
    (e::REGISTER_METHOD_CALLER, PP, N),
    (e::GOSCHED, P, N),
    (e::GOEXIT, P, N),
    (e::GOMAXPROCS, PP, P),
    (e::NUMGOROUTINE, P, P),
    (e::NUMCPU, P, P),
    (e::LOCKOSTHREAD, P, N),
    (e::UNLOCKOSTHREAD, P, N),
    (e::ENTERSYSCALL, P, N),
    (e::EXITSYSCALL, P, N),
    (e::SLEEP, PP, N),
    (e::NANOTIME, N, P),
    // print / println.
    (e::PRINTLOCK, N, N),
    (e::PRINTUNLOCK, N, N),
    (e::PRINTSP, N, N),
    (e::PRINTNL, N, N),
    (e::PRINTINT, P, N),
    (e::PRINTUINT, P, N),
    (e::PRINTPOINTER, P, N),
    (e::PRINTFLOAT, &[F64], N),
    (e::PRINTCOMPLEX, &[F64, F64], N),
    (e::PRINTBOOL, B, N),
    (e::PRINTSTRING, PP, N),
    (e::COMPLEX128DIV, &[F64, F64, F64, F64, I64], N),
    // Panics and fatal errors (none returns).
    (e::PANIC_STRING, PPP, N),
    (e::PANIC_WRAP, PPP, N),
    (e::PANIC_BASIC, &[I64, I32, I64], N),
    (e::PANIC_COMPLEX, &[I64, F64, F64], N),
    (e::PANIC_DIVIDE, P, N),
    (e::PANIC_SHIFT, P, N),
    (e::PANIC_UNSAFE_SLICE, PP, N),
    (e::PANIC_NIL, P, N),
    (e::PANIC_INDEX, PPP, N),
    (e::PANIC_SLICE_CAP, PPP, N),
    (e::PANIC_SLICE_LEN, PPP, N),
    (e::PANIC_SLICE_B, PPP, N),
    (e::PANIC_BOUNDS, &[I64, I64, I64, I32], N),
    (e::THROW, PPP, N),
    // Strings.
    (e::CONCAT_STRINGS, PPPP, N),
    (e::CMP_STRING, PPPP, P),
    (e::INT_STRING, PPP, N),
    (e::SLICEBYTE_TO_STRING, PPPP, N),
    (e::STRING_TO_SLICEBYTE, PPPP, N),
    (e::DECODE_RUNE, PPP, P),
    (e::STRING_TO_SLICERUNE, PPPP, N),
    (e::SLICERUNE_TO_STRING, PPPP, N),
    (e::ALLOC, PPP, P),
    // Channels and select.
    (e::MAKECHAN, &[I64, I64, I64, I64, I64], P),
    (e::CHANSEND, PPP, N),
    (e::CHANRECV, PPP, B),
    (e::SELECTNBSEND, PPP, B),
    (e::SELECTNBRECV, PPP, P),
    (e::CLOSECHAN, PP, N),
    (e::CHANLEN, P, P),
    (e::CHANCAP, P, P),
    (e::SELECTGO, &[I64, I64, I64, I8], P),
    // Memory system.
    (m::NEWOBJECT, PP, P),
    (m::MALLOCGC, PPPP, P),
    (m::NEWARRAY, PPP, P),
    (m::GCWB, PPP, N),
    (m::WBFLAG_ADDR, N, P),
    (m::TYPEDMEMMOVE, PPPP, N),
    (m::BULKBARRIER, PPP, N),
    (m::GC, P, N),
    (m::READMEMSTATS, PP, N),
    (m::SETGCPERCENT, PP, P),
    (m::REGISTER_GLOBALS, PPPP, N),
    (m::FREEOSMEMORY, P, N),
    // Slices.
    (l::MAKESLICE, PPPP, P),
    (l::GROWSLICE, &[I64, I64, I64, I64, I64, I64, I64], N),
    // Equality and hashing referenced from descriptors.
    (l::MEMEQUAL0, PP, B),
    (l::MEMEQUAL8, PP, B),
    (l::MEMEQUAL16, PP, B),
    (l::MEMEQUAL32, PP, B),
    (l::MEMEQUAL64, PP, B),
    (l::MEMEQUAL128, PP, B),
    (l::STREQUAL, PP, B),
    (l::F32EQUAL, PP, B),
    (l::F64EQUAL, PP, B),
    (l::C64EQUAL, PP, B),
    (l::C128EQUAL, PP, B),
    (l::INTEREQUAL, PP, B),
    (l::NILINTEREQUAL, PP, B),
    (l::WALKEQUAL, PP, B),
    (l::MEMHASH0, PP, P),
    (l::MEMHASH8, PP, P),
    (l::MEMHASH16, PP, P),
    (l::MEMHASH32, PP, P),
    (l::MEMHASH64, PP, P),
    (l::MEMHASH128, PP, P),
    (l::STRHASH, PP, P),
    (l::F32HASH, PP, P),
    (l::F64HASH, PP, P),
    (l::C64HASH, PP, P),
    (l::C128HASH, PP, P),
    (l::INTERHASH, PP, P),
    (l::NILINTERHASH, PP, P),
    (l::MEMHASH, PPP, P),
    (l::TYPEHASH, PPP, P),
    (l::TYPEEQUAL, PPPP, B),
    (l::EFACEEQ, PPPP, B),
    (l::IFACEEQ, PPPP, B),
    // Maps.
    (l::MAKEMAP, PPP, P),
    (l::MAPACCESS1, PPPP, P),
    (l::MAPACCESS2, &[I64, I64, I64, I64, I64], P),
    (l::MAPASSIGN, PPPP, P),
    (l::MAPDELETE, PPPP, N),
    (l::MAPITERINIT, PPPP, N),
    (l::MAPITERNEXT, PP, N),
    (l::MAPLEN, P, P),
    (l::MAPACCESS1_FAST32, &[I64, I64, I64, I32], P),
    (l::MAPACCESS1_FAST64, PPPP, P),
    (l::MAPACCESS1_FASTSTR, &[I64, I64, I64, I64, I64], P),
    (l::MAPACCESS2_FAST32, &[I64, I64, I64, I32, I64], P),
    (l::MAPACCESS2_FAST64, &[I64, I64, I64, I64, I64], P),
    (l::MAPACCESS2_FASTSTR, &[I64, I64, I64, I64, I64, I64], P),
    (l::MAPASSIGN_FAST32, &[I64, I64, I64, I32], P),
    (l::MAPASSIGN_FAST64, PPPP, P),
    (l::MAPASSIGN_FASTSTR, &[I64, I64, I64, I64, I64], P),
    (l::MAPDELETE_FAST32, &[I64, I64, I64, I32], N),
    (l::MAPDELETE_FAST64, PPPP, N),
    (l::MAPDELETE_FASTSTR, &[I64, I64, I64, I64, I64], N),
    // Interfaces.
    (l::GETITAB, &[I64, I64, I64, I8], P),
    (l::ASSERT_E2I, PPP, P),
    (l::ASSERT_E2I2, PPP, P),
    (l::ASSERT_I2I, PPP, P),
    (l::ASSERT_I2I2, PPP, P),
    (l::CONV_I2I, PPP, P),
    (l::PANIC_DOTTYPE_E, PPPP, N),
    (l::PANIC_DOTTYPE_I, PPPP, N),
    (l::PANIC_NIL_DOTTYPE, PP, N),
    (l::CONV_T, PPP, P),
];

/// `(params, results)` of a runtime entry point.
pub fn signature_of(name: &str) -> Option<(&'static [Type], &'static [Type])> {
    TABLE
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|&(_, p, r)| (p, r))
}

/// Entry points that never return (panics and fatal errors).
pub fn is_noreturn(name: &str) -> bool {
    name.starts_with("rgo_panic") || name == e::THROW || name == e::GOEXIT || name == e::GOPANIC
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

    #[test]
    fn table_has_no_duplicates_or_strays() {
        let all: Vec<&str> = rgo_abi::entry::ALL
            .iter()
            .chain(rgo_abi::mem::ALL)
            .chain(rgo_abi::lang::ALL)
            .copied()
            .collect();
        for (i, (n, _, _)) in TABLE.iter().enumerate() {
            assert!(all.contains(n), "{n} is not a runtime entry point");
            assert!(!TABLE[..i].iter().any(|(m, _, _)| m == n), "{n} twice");
        }
    }
}
