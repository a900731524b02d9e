//! rgo-runtime: the Go runtime of rgo, written in Rust.
//!
//! Generated code calls into this crate through the `extern "C"` entry points whose names
//! and signatures are written down in `rgo_abi::entry`. The crate is built both as an rlib
//! (linked into the `rgo` binary, whose JIT binds the entry points through [`symbols`]) and
//! as a staticlib (linked into executables written by `rgo build`).
//!
//! The structure follows Go's own runtime, one mechanism per module:
//!
//! | module      | Go counterpart            | what it holds                                        |
//! |-------------|---------------------------|------------------------------------------------------|
//! | [`g`]       | runtime2.go               | G (goroutine), M (OS thread), their states, TLS      |
//! | [`stack`]   | stack.go                  | goroutine stack reservations, the stack pool         |
//! | [`stackcompact`] | stack.go (shrinkstack) | parked goroutines' stacks copied out, pages released |
//! | [`context`] | asm_amd64.s               | gogo / mcall / systemstack context switches          |
//! | [`proc`]    | proc.go                   | the G-M-P scheduler, syscalls, stop-the-world        |
//! | [`runq`]    | proc.go (runq*)           | per-P lock-free run queues, G lists                  |
//! | [`sysmon`]  | proc.go (sysmon)          | preemption, syscall retake, schedtrace               |
//! | [`chan`]    | chan.go                   | channels                                             |
//! | [`select`]  | select.go                 | the select statement                                 |
//! | [`time`]    | time.go                   | clocks, per-P timer heaps, sleep                     |
//! | [`start`]   | proc.go (schedinit, main) | process start-up and exit                            |
//! | [`print`]   | print.go                  | `print`/`println` with gc's formats                  |
//! | [`defer`]   | panic.go (defer, recover) | the defer chain, `recover`, resuming a recovered frame |
//! | [`panic`]   | panic.go, error.go        | panics, runtime errors, fatal errors                 |
//! | [`signal`]  | signal_unix.go            | synchronous signals: faults, traps, stack overflow   |
//! | [`string`]  | string.go, utf8.go        | string routines                                      |
//! | [`malloc`]  | malloc.go                 | the allocation entry points over [`mem`]             |
//! | [`mem`]     | malloc.go, mheap.go, mgc*.go | size classes, spans, mcache/mcentral/mheap, the GC |
//! | [`lang`]    | map.go, alg.go, iface.go, slice.go | maps, hashing/equality, itabs, slices      |
//! | [`lock`]    | lock_futex.go             | the runtime's futex mutex and notes                  |
//! | [`symtab`]  | symtab.go, traceback.go   | the function table, stack walks for Callers          |
//! | [`pkgruntime`] | extern.go, mstats.go   | entry points of package runtime's body-less funcs    |
//!
//! Target: linux/amd64 only (the context switch and signal code are x86-64 specific).

#![deny(unsafe_op_in_unsafe_fn)]

#[cfg(not(all(target_os = "linux", target_arch = "x86_64")))]
compile_error!("rgo-runtime supports linux/amd64 only");

pub mod chan;
pub mod context;
pub mod defer;
pub mod g;
pub mod lang;
pub mod lock;
pub mod malloc;
pub mod mem;
pub mod panic;
pub mod pkgruntime;
pub mod print;
pub mod proc;
pub mod runq;
pub mod select;
pub mod signal;
pub mod stack;
pub mod stackcompact;
pub mod start;
pub mod string;
pub mod symtab;
pub mod sysmon;
pub mod time;

pub use g::{GStatus, Gobuf, G, M};
pub use start::{start, MainFn};
pub use string::{GoSlice, GoString};

use rgo_abi::entry;

fn symtab_symbols() -> Vec<(&'static str, *const u8)> {
    vec![(
        entry::REGISTER_FUNCTAB,
        symtab::rgo_register_functab as *const u8,
    )]
}

/// Every runtime entry point that generated code may call, by its `rgo_abi::entry` name,
/// with its address. The JIT defines these symbols from this table (the `rgo` binary does
/// not export its symbols dynamically). The set of names is exactly `rgo_abi::entry::ALL`, `rgo_abi::mem::ALL` and
/// `rgo_abi::lang::ALL`, plus the native functions of package runtime ([`pkgruntime`]).
pub fn symbols() -> Vec<(&'static str, *const u8)> {
    let mut v = vec![
        (entry::START, start::rgo_rt_start as *const u8),
        (entry::POLL, proc::rgo_poll as *const u8),
        (entry::POLL_PRESERVE, proc::rgo_poll_preserve as *const u8),
        (entry::PRINTLOCK, print::rgo_printlock as *const u8),
        (entry::PRINTUNLOCK, print::rgo_printunlock as *const u8),
        (entry::PRINTINT, print::rgo_printint as *const u8),
        (entry::PRINTUINT, print::rgo_printuint as *const u8),
        (entry::PRINTFLOAT, print::rgo_printfloat as *const u8),
        (entry::PRINTCOMPLEX, print::rgo_printcomplex as *const u8),
        (entry::PRINTBOOL, print::rgo_printbool as *const u8),
        (entry::PRINTSTRING, print::rgo_printstring as *const u8),
        (entry::PRINTPOINTER, print::rgo_printpointer as *const u8),
        (entry::PRINTSP, print::rgo_printsp as *const u8),
        (entry::PRINTNL, print::rgo_printnl as *const u8),
        (entry::COMPLEX128DIV, print::rgo_complex128div as *const u8),
        (entry::PANIC_STRING, panic::rgo_panic_string as *const u8),
        (entry::PANIC_BASIC, panic::rgo_panic_basic as *const u8),
        (entry::PANIC_DIVIDE, panic::rgo_panic_divide as *const u8),
        (entry::PANIC_SHIFT, panic::rgo_panic_shift as *const u8),
        (
            entry::PANIC_UNSAFE_SLICE,
            panic::rgo_panic_unsafeslice as *const u8,
        ),
        (entry::PANIC_INDEX, panic::rgo_panic_index as *const u8),
        (
            entry::PANIC_SLICE_CAP,
            panic::rgo_panic_slice_acap as *const u8,
        ),
        (
            entry::PANIC_SLICE_LEN,
            panic::rgo_panic_slice_alen as *const u8,
        ),
        (entry::PANIC_SLICE_B, panic::rgo_panic_slice_b as *const u8),
        (entry::PANIC_NIL, panic::rgo_panic_nil as *const u8),
        (entry::PANIC_BOUNDS, panic::rgo_panic_bounds as *const u8),
        (entry::PANIC_COMPLEX, panic::rgo_panic_complex as *const u8),
        (entry::THROW, panic::rgo_throw as *const u8),
        (
            entry::CONCAT_STRINGS,
            string::rgo_concatstrings as *const u8,
        ),
        (entry::CMP_STRING, string::rgo_cmpstring as *const u8),
        (entry::INT_STRING, string::rgo_intstring as *const u8),
        (
            entry::SLICEBYTE_TO_STRING,
            string::rgo_slicebytetostring as *const u8,
        ),
        (
            entry::STRING_TO_SLICEBYTE,
            string::rgo_stringtoslicebyte as *const u8,
        ),
        (entry::DECODE_RUNE, string::rgo_decoderune as *const u8),
        (
            entry::STRING_TO_SLICERUNE,
            string::rgo_stringtoslicerune as *const u8,
        ),
        (
            entry::SLICERUNE_TO_STRING,
            string::rgo_slicerunetostring as *const u8,
        ),
        (entry::ALLOC, malloc::rgo_alloc as *const u8),
        (entry::NEWPROC, proc::rgo_newproc as *const u8),
        (entry::DEFERPROC, defer::rgo_deferproc as *const u8),
        (entry::DEFERRETURN, defer::rgo_deferreturn as *const u8),
        (entry::GORECOVER, defer::rgo_gorecover as *const u8),
        (entry::GOPANIC, defer::rgo_gopanic as *const u8),
        (
            entry::REGISTER_UNWIND,
            defer::rgo_register_unwind as *const u8,
        ),
        (
            entry::SETFINALIZER,
            mem::mfinal::rgo_setfinalizer as *const u8,
        ),
        (
            entry::REGISTER_METHOD_CALLER,
            panic::rgo_register_method_caller as *const u8,
        ),
        (entry::PANIC_WRAP, panic::rgo_panicwrap as *const u8),
        (entry::GOSCHED, proc::rgo_gosched as *const u8),
        (entry::GOEXIT, proc::rgo_goexit as *const u8),
        (entry::GOMAXPROCS, proc::rgo_gomaxprocs as *const u8),
        (entry::NUMGOROUTINE, proc::rgo_numgoroutine as *const u8),
        (entry::NUMCPU, proc::rgo_numcpu as *const u8),
        (entry::LOCKOSTHREAD, proc::rgo_lockosthread as *const u8),
        (entry::UNLOCKOSTHREAD, proc::rgo_unlockosthread as *const u8),
        (entry::ENTERSYSCALL, proc::rgo_entersyscall as *const u8),
        (entry::EXITSYSCALL, proc::rgo_exitsyscall as *const u8),
        (entry::SLEEP, time::rgo_sleep as *const u8),
        (entry::NANOTIME, time::rgo_nanotime as *const u8),
        (entry::MAKECHAN, chan::rgo_makechan as *const u8),
        (entry::CHANSEND, chan::rgo_chansend as *const u8),
        (entry::CHANRECV, chan::rgo_chanrecv as *const u8),
        (entry::SELECTNBSEND, chan::rgo_selectnbsend as *const u8),
        (entry::SELECTNBRECV, chan::rgo_selectnbrecv as *const u8),
        (entry::CLOSECHAN, chan::rgo_closechan as *const u8),
        (entry::CHANLEN, chan::rgo_chanlen as *const u8),
        (entry::CHANCAP, chan::rgo_chancap as *const u8),
        (entry::SELECTGO, select::rgo_selectgo as *const u8),
    ];
    v.extend(mem::symbols());
    v.extend(lang::symbols());
    v.extend(symtab_symbols());
    v.extend(pkgruntime::symbols());
    v
}

#[cfg(test)]
mod tests;
