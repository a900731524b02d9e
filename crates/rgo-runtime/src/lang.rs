//! Language support: hashing and equality, maps, interfaces (Go's alg.go, map*.go,
//! iface.go, type.go).
//!
//! | module       | Go counterpart       | what it holds                                         |
//! |--------------|----------------------|-------------------------------------------------------|
//! | [`typedesc`] | type.go              | Rust views of the descriptors codegen emits            |
//! | [`alg`]      | alg.go, hash64.go    | the seeded hash, per-kind hash/equal, descriptor walker |
//! | [`map`]      | map.go, map_fast*.go | hash maps: buckets, growth, iteration                  |
//! | [`iface`]    | iface.go, error.go   | itabs and their cache, type assertions, conversions    |
//! | [`slice`]    | slice.go             | `make` and `append` growth for slices                  |
//!
//! Entry points and the layouts generated code relies on are written down in
//! `rgo_abi::lang`; [`symbols`] binds every one of them.

pub mod alg;
pub mod iface;
pub mod map;
pub mod slice;
pub mod typedesc;

#[cfg(test)]
mod tests;

use crate::g::G;
use crate::panic::{panic_error, RuntimeError};
use rgo_abi::lang as abi;

/// Copies `parts` into one heap string that lives as long as anything refers to it (a
/// panic message built from type names). Bytes that are not UTF-8 become `?`.
pub(crate) fn static_concat(parts: &[&[u8]]) -> &'static str {
    let n: usize = parts.iter().map(|p| p.len()).sum();
    let p = crate::malloc::mallocgc_noscan(n);
    let mut off = 0;
    for part in parts {
        // SAFETY: `p` has room for `n` bytes, the sum of the parts' lengths.
        unsafe { core::ptr::copy_nonoverlapping(part.as_ptr(), p.add(off), part.len()) };
        off += part.len();
    }
    // SAFETY: `p[..n]` was just written and is never written again.
    let b: &'static [u8] = unsafe { core::slice::from_raw_parts(p, n) };
    core::str::from_utf8(b).unwrap_or("?")
}

/// Panics on the current goroutine with `runtime error: msg`.
pub(crate) fn panic_message(msg: &'static str) -> ! {
    panic_message_g(core::ptr::null_mut(), msg)
}

/// Panics on `g` (null: the current goroutine) with `runtime error: msg`.
pub(crate) fn panic_message_g(g: *mut G, msg: &'static str) -> ! {
    // SAFETY: `g` is the running goroutine or null (every caller passes what its own
    // caller, generated code, passed).
    unsafe { panic_error(g, RuntimeError::Message(msg)) }
}

/// Panics on `g` with a runtime error whose text is `msg` alone (gc's `plainError`).
pub(crate) fn panic_plain_g(g: *mut G, msg: &'static str) -> ! {
    // SAFETY: as for `panic_message_g`.
    unsafe { panic_error(g, RuntimeError::Plain(msg)) }
}

/// Entry points of the language support, for [`crate::symbols`].
pub fn symbols() -> Vec<(&'static str, *const u8)> {
    vec![
        (abi::MAKESLICE, slice::rgo_makeslice as *const u8),
        (abi::GROWSLICE, slice::rgo_growslice as *const u8),
        (abi::MEMEQUAL0, alg::rgo_memequal0 as *const u8),
        (abi::MEMEQUAL8, alg::rgo_memequal8 as *const u8),
        (abi::MEMEQUAL16, alg::rgo_memequal16 as *const u8),
        (abi::MEMEQUAL32, alg::rgo_memequal32 as *const u8),
        (abi::MEMEQUAL64, alg::rgo_memequal64 as *const u8),
        (abi::MEMEQUAL128, alg::rgo_memequal128 as *const u8),
        (abi::STREQUAL, alg::rgo_strequal as *const u8),
        (abi::F32EQUAL, alg::rgo_f32equal as *const u8),
        (abi::F64EQUAL, alg::rgo_f64equal as *const u8),
        (abi::C64EQUAL, alg::rgo_c64equal as *const u8),
        (abi::C128EQUAL, alg::rgo_c128equal as *const u8),
        (abi::INTEREQUAL, alg::rgo_interequal as *const u8),
        (abi::NILINTEREQUAL, alg::rgo_nilinterequal as *const u8),
        (abi::WALKEQUAL, alg::rgo_walkequal as *const u8),
        (abi::MEMHASH0, alg::rgo_memhash0 as *const u8),
        (abi::MEMHASH8, alg::rgo_memhash8 as *const u8),
        (abi::MEMHASH16, alg::rgo_memhash16 as *const u8),
        (abi::MEMHASH32, alg::rgo_memhash32 as *const u8),
        (abi::MEMHASH64, alg::rgo_memhash64 as *const u8),
        (abi::MEMHASH128, alg::rgo_memhash128 as *const u8),
        (abi::STRHASH, alg::rgo_strhash as *const u8),
        (abi::F32HASH, alg::rgo_f32hash as *const u8),
        (abi::F64HASH, alg::rgo_f64hash as *const u8),
        (abi::C64HASH, alg::rgo_c64hash as *const u8),
        (abi::C128HASH, alg::rgo_c128hash as *const u8),
        (abi::INTERHASH, alg::rgo_interhash as *const u8),
        (abi::NILINTERHASH, alg::rgo_nilinterhash as *const u8),
        (abi::MEMHASH, alg::rgo_memhash as *const u8),
        (abi::TYPEHASH, alg::rgo_typehash as *const u8),
        (abi::TYPEEQUAL, alg::rgo_typeequal as *const u8),
        (abi::EFACEEQ, alg::rgo_efaceeq as *const u8),
        (abi::IFACEEQ, alg::rgo_ifaceeq as *const u8),
        (abi::MAKEMAP, map::rgo_makemap as *const u8),
        (abi::MAPACCESS1, map::rgo_mapaccess1 as *const u8),
        (abi::MAPACCESS2, map::rgo_mapaccess2 as *const u8),
        (abi::MAPASSIGN, map::rgo_mapassign as *const u8),
        (abi::MAPDELETE, map::rgo_mapdelete as *const u8),
        (abi::MAPITERINIT, map::rgo_mapiterinit as *const u8),
        (abi::MAPITERNEXT, map::rgo_mapiternext as *const u8),
        (abi::MAPLEN, map::rgo_maplen as *const u8),
        (
            abi::MAPACCESS1_FAST32,
            map::rgo_mapaccess1_fast32 as *const u8,
        ),
        (
            abi::MAPACCESS1_FAST64,
            map::rgo_mapaccess1_fast64 as *const u8,
        ),
        (
            abi::MAPACCESS1_FASTSTR,
            map::rgo_mapaccess1_faststr as *const u8,
        ),
        (
            abi::MAPACCESS2_FAST32,
            map::rgo_mapaccess2_fast32 as *const u8,
        ),
        (
            abi::MAPACCESS2_FAST64,
            map::rgo_mapaccess2_fast64 as *const u8,
        ),
        (
            abi::MAPACCESS2_FASTSTR,
            map::rgo_mapaccess2_faststr as *const u8,
        ),
        (
            abi::MAPASSIGN_FAST32,
            map::rgo_mapassign_fast32 as *const u8,
        ),
        (
            abi::MAPASSIGN_FAST64,
            map::rgo_mapassign_fast64 as *const u8,
        ),
        (
            abi::MAPASSIGN_FASTSTR,
            map::rgo_mapassign_faststr as *const u8,
        ),
        (
            abi::MAPDELETE_FAST32,
            map::rgo_mapdelete_fast32 as *const u8,
        ),
        (
            abi::MAPDELETE_FAST64,
            map::rgo_mapdelete_fast64 as *const u8,
        ),
        (
            abi::MAPDELETE_FASTSTR,
            map::rgo_mapdelete_faststr as *const u8,
        ),
        (abi::GETITAB, iface::rgo_getitab as *const u8),
        (abi::ASSERT_E2I, iface::rgo_assertE2I as *const u8),
        (abi::ASSERT_E2I2, iface::rgo_assertE2I2 as *const u8),
        (abi::ASSERT_I2I, iface::rgo_assertI2I as *const u8),
        (abi::ASSERT_I2I2, iface::rgo_assertI2I2 as *const u8),
        (abi::CONV_I2I, iface::rgo_convI2I as *const u8),
        (abi::PANIC_DOTTYPE_E, iface::rgo_panicdottypeE as *const u8),
        (abi::PANIC_DOTTYPE_I, iface::rgo_panicdottypeI as *const u8),
        (
            abi::PANIC_NIL_DOTTYPE,
            iface::rgo_panicnildottype as *const u8,
        ),
        (abi::CONV_T, iface::rgo_convT as *const u8),
    ]
}
