//! The child side of the process-level tests: each scenario is a stand-in for a compiled
//! Go `main` (an `extern "C" fn(g)`), run through the real start-up path.

use core::arch::asm;
use std::process::Command;

use crate::g::{getg, G};
use crate::panic::{
    rgo_panic_basic, rgo_panic_bounds, rgo_panic_complex, rgo_panic_divide, rgo_panic_index,
    rgo_panic_nil, rgo_panic_shift, rgo_panic_slice_acap, rgo_panic_slice_alen, rgo_panic_slice_b,
    rgo_panic_string, rgo_throw,
};
use crate::print::*;
use crate::signal::{set_trap_lookup, TrapKind};
use crate::start::{start_with, MainFn};
use rgo_abi::{bounds, Kind};

pub const CHILD_ENV: &str = "RGO_RT_TEST_CHILD";

/// What a child run produced.
pub struct Outcome {
    pub code: Option<i32>,
    pub stderr: String,
    pub stdout: String,
}

/// Runs `scenario` in a child process (this test binary, `child_entry` only).
pub fn run(scenario: &str) -> Outcome {
    run_env(scenario, &[])
}

/// [`run`] with extra environment variables (GOMAXPROCS, GODEBUG).
pub fn run_env(scenario: &str, env: &[(&str, &str)]) -> Outcome {
    let exe = std::env::current_exe().expect("test binary");
    let mut cmd = Command::new(exe);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd
        .args([
            "tests::child::child_entry",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, scenario)
        .output()
        .expect("run child");
    Outcome {
        code: out.status.code(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
    }
}

/// Does nothing in a normal test run; in a child, runs the scenario (never returns).
#[test]
fn child_entry() {
    let Ok(name) = std::env::var(CHILD_ENV) else {
        return;
    };
    let (main, stack): (MainFn, usize) = match name.as_str() {
        "println" => (go_println, 1 << 30),
        "args" => (go_args, 1 << 30),
        "deep" => (go_deep, 1 << 30),
        "panic_string" => (go_panic_string, 1 << 30),
        "panic_int" => (go_panic_int, 1 << 30),
        "panic_int8" => (go_panic_int8, 1 << 30),
        "panic_uint8" => (go_panic_uint8, 1 << 30),
        "panic_float64" => (go_panic_float64, 1 << 30),
        "panic_float32" => (go_panic_float32, 1 << 30),
        "panic_bool" => (go_panic_bool, 1 << 30),
        "panic_complex" => (go_panic_complex, 1 << 30),
        "panic_complex64" => (go_panic_complex64, 1 << 30),
        "panic_nil_value" => (go_panic_nil_value, 1 << 30),
        "index" => (go_index, 1 << 30),
        "index_neg" => (go_index_neg, 1 << 30),
        "slice_acap" => (go_slice_acap, 1 << 30),
        "slice_alen" => (go_slice_alen, 1 << 30),
        "slice_b" => (go_slice_b, 1 << 30),
        "slice3" => (go_slice3, 1 << 30),
        "index_unsigned" => (go_index_unsigned, 1 << 30),
        "convert" => (go_convert, 1 << 30),
        "divide" => (go_divide, 1 << 30),
        "shift" => (go_shift, 1 << 30),
        "nil_explicit" => (go_nil_explicit, 1 << 30),
        "nil_fault" => (go_nil_fault, 1 << 30),
        "fpe" => (go_fpe, 1 << 30),
        "unexpected_fault" => (go_unexpected_fault, 1 << 30),
        "ud2" => (go_ud2, 1 << 30),
        "overflow_check" => (go_overflow_check, 8 << 20),
        "overflow_guard" => (go_overflow_guard, 8 << 20),
        "throw" => (go_throw, 1 << 30),
        "runtime_fault" => (go_runtime_fault, 1 << 30),
        "trap_divide" => (go_trap_divide, 1 << 30),
        "trap_nil" => (go_trap_nil, 1 << 30),
        other => match super::sched::scenario(other) {
            Some(m) => (m, 1 << 30),
            None => panic!("unknown scenario {other}"),
        },
    };
    let args = vec![
        b"prog".to_vec(),
        b"arg1".to_vec(),
        "ünï".as_bytes().to_vec(),
    ];
    // SAFETY: a test child: the runtime is started once, by this test only.
    unsafe { start_with(main, args, stack) }
}

fn s(x: &str) {
    // SAFETY: a valid string.
    unsafe { rgo_printstring(x.as_ptr(), x.len() as i64) }
}

extern "C" fn go_println(g: *mut G) {
    assert_eq!(g, getg());
    // SAFETY: g is the main goroutine, valid while it runs.
    let gr = unsafe { &*g };
    assert_eq!(gr.goid, 1);
    let local = 0u8;
    assert!(gr.stack.contains(&local as *const u8 as usize));
    rgo_printlock();
    rgo_printint(1);
    rgo_printsp();
    rgo_printint(-2);
    rgo_printsp();
    rgo_printuint(u64::MAX);
    rgo_printsp();
    rgo_printfloat(1.5);
    rgo_printsp();
    rgo_printbool(1);
    rgo_printsp();
    rgo_printbool(0);
    rgo_printsp();
    s("hello");
    rgo_printsp();
    rgo_printpointer(0x1f);
    rgo_printsp();
    rgo_printpointer(0);
    rgo_printsp();
    rgo_printcomplex(1.0, -2.0);
    rgo_printnl();
    rgo_printint(i64::MIN);
    rgo_printnl();
    rgo_printunlock();
}

extern "C" fn go_args(_g: *mut G) {
    for a in crate::start::args() {
        rgo_printlock();
        // SAFETY: a is a live byte vector.
        unsafe { rgo_printstring(a.as_ptr(), a.len() as i64) };
        rgo_printnl();
        rgo_printunlock();
    }
}

#[inline(never)]
fn recurse(depth: u64) -> u64 {
    let pad = std::hint::black_box([depth; 32]);
    if depth == 0 {
        return 0;
    }
    recurse(depth - 1) + pad[7] % 2
}

extern "C" fn go_deep(_g: *mut G) {
    // ~300 MiB of frames: only possible on the main goroutine's big stack.
    let n = recurse(1_000_000);
    s("deep ");
    rgo_printint(n as i64);
    rgo_printnl();
}

extern "C" fn go_panic_string(g: *mut G) {
    let m = "boom";
    // SAFETY: g is the running goroutine; m is static.
    unsafe { rgo_panic_string(g, m.as_ptr(), m.len() as i64) }
}

macro_rules! basic {
    ($name:ident, $kind:expr, $bits:expr) => {
        extern "C" fn $name(g: *mut G) {
            // SAFETY: g is the running goroutine.
            unsafe { rgo_panic_basic(g, $kind as i32, $bits) }
        }
    };
}
basic!(go_panic_int, Kind::Int, 5);
basic!(go_panic_int8, Kind::Int8, (-7i64) as u64);
basic!(go_panic_uint8, Kind::Uint8, 200);
basic!(go_panic_float64, Kind::Float64, 1.5f64.to_bits());
basic!(go_panic_float32, Kind::Float32, 0.1f32.to_bits() as u64);
basic!(go_panic_bool, Kind::Bool, 1);
basic!(
    go_panic_complex64,
    Kind::Complex64,
    (1.0f32.to_bits() as u64) | ((2.0f32.to_bits() as u64) << 32)
);
basic!(go_panic_nil_value, Kind::Invalid, 0);

extern "C" fn go_panic_complex(g: *mut G) {
    // SAFETY: g is the running goroutine.
    unsafe { rgo_panic_complex(g, 1.0, 2.0) }
}

extern "C" fn go_index(g: *mut G) {
    // SAFETY: g is the running goroutine.
    unsafe { rgo_panic_index(g, 5, 3) }
}
extern "C" fn go_index_neg(g: *mut G) {
    // SAFETY: g is the running goroutine.
    unsafe { rgo_panic_index(g, -1, 3) }
}
extern "C" fn go_slice_acap(g: *mut G) {
    // SAFETY: g is the running goroutine.
    unsafe { rgo_panic_slice_acap(g, 5, 3) }
}
extern "C" fn go_slice_alen(g: *mut G) {
    // SAFETY: g is the running goroutine.
    unsafe { rgo_panic_slice_alen(g, 4, 2) }
}
extern "C" fn go_slice_b(g: *mut G) {
    // SAFETY: g is the running goroutine.
    unsafe { rgo_panic_slice_b(g, 3, 1) }
}
extern "C" fn go_slice3(g: *mut G) {
    // SAFETY: g is the running goroutine.
    unsafe { rgo_panic_bounds(g, 9, 4, bounds::SLICE3_ACAP) }
}
extern "C" fn go_index_unsigned(g: *mut G) {
    // SAFETY: g is the running goroutine.
    unsafe { rgo_panic_bounds(g, u64::MAX as i64, 3, bounds::INDEX | bounds::UNSIGNED) }
}
extern "C" fn go_convert(g: *mut G) {
    // SAFETY: g is the running goroutine.
    unsafe { rgo_panic_bounds(g, 4, 2, bounds::CONVERT) }
}
extern "C" fn go_divide(g: *mut G) {
    // SAFETY: g is the running goroutine.
    unsafe { rgo_panic_divide(g) }
}
extern "C" fn go_shift(g: *mut G) {
    // SAFETY: g is the running goroutine.
    unsafe { rgo_panic_shift(g) }
}
extern "C" fn go_nil_explicit(g: *mut G) {
    // SAFETY: g is the running goroutine.
    unsafe { rgo_panic_nil(g) }
}

extern "C" fn go_nil_fault(_g: *mut G) {
    // A load through a nil struct pointer at field offset 8.
    // SAFETY: deliberately faults; the runtime turns it into a panic and never returns here.
    let v = unsafe { core::ptr::read_volatile(std::hint::black_box(8usize) as *const u64) };
    std::hint::black_box(v);
}

extern "C" fn go_fpe(_g: *mut G) {
    let zero = std::hint::black_box(0i64);
    // SAFETY: deliberately divides by zero in hardware (SIGFPE, FPE_INTDIV).
    unsafe {
        asm!(
            "cqo",
            "idiv {d}",
            d = in(reg) zero,
            inout("rax") 7i64 => _,
            out("rdx") _,
        )
    };
}

extern "C" fn go_unexpected_fault(_g: *mut G) {
    // SAFETY: deliberately faults on an unmapped, non-nil address.
    let v =
        unsafe { core::ptr::read_volatile(std::hint::black_box(0xdead_0000usize) as *const u64) };
    std::hint::black_box(v);
}

extern "C" fn go_ud2(_g: *mut G) {
    // SAFETY: deliberately executes an undefined instruction far from the stack limit.
    unsafe { asm!("ud2", options(noreturn)) }
}

/// A Go function as Cranelift compiles it: its prologue traps when SP is below
/// g.stackguard.
#[inline(never)]
extern "C" fn checked(g: *mut G, n: u64) -> u64 {
    let sp: usize;
    // SAFETY: reads SP; g is the running goroutine.
    unsafe {
        asm!("mov {}, rsp", out(reg) sp);
        if sp < (*g).stackguard {
            asm!("ud2", options(noreturn));
        }
    }
    let pad = std::hint::black_box([n; 16]);
    if pad[0] == u64::MAX {
        return 0;
    }
    checked(g, n + 1) + pad[3]
}

extern "C" fn go_overflow_check(g: *mut G) {
    std::hint::black_box(checked(g, 0));
}

/// Runtime code without a check runs off the stack into the guard area.
#[inline(never)]
fn unchecked(n: u64) -> u64 {
    let pad = std::hint::black_box([n; 512]);
    if pad[0] == u64::MAX {
        return 0;
    }
    unchecked(n + 1) + pad[3]
}

extern "C" fn go_overflow_guard(_g: *mut G) {
    std::hint::black_box(unchecked(0));
}

extern "C" fn go_throw(g: *mut G) {
    let m = "all goroutines are asleep - deadlock!";
    // SAFETY: valid string.
    unsafe { rgo_throw(g, m.as_ptr(), m.len() as i64) }
}

extern "C" fn go_runtime_fault(_g: *mut G) {
    crate::context::systemstack(|| {
        // SAFETY: deliberately faults inside the runtime on the system stack.
        let v = unsafe { core::ptr::read_volatile(std::hint::black_box(0usize) as *const u64) };
        std::hint::black_box(v);
    });
}

/// PC of the trap that `trap_lookup` knows about, and what it stands for.
static TRAP_PC: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static TRAP_KIND: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

/// A code generator's trap table with one entry.
fn trap_lookup(pc: usize) -> Option<TrapKind> {
    use std::sync::atomic::Ordering::SeqCst;
    if pc != TRAP_PC.load(SeqCst) {
        return None;
    }
    Some(match TRAP_KIND.load(SeqCst) {
        0 => TrapKind::IntegerDivideByZero,
        _ => TrapKind::NilDeref,
    })
}

/// Executes a `ud2` registered in the trap table as `kind`.
fn registered_trap(kind: u8) -> ! {
    use std::sync::atomic::Ordering::SeqCst;
    TRAP_KIND.store(kind, SeqCst);
    set_trap_lookup(trap_lookup);
    // SAFETY: records the address of the ud2 below, then executes it; the runtime turns
    // the trap into a panic and never returns here.
    unsafe {
        asm!(
            "lea rax, [rip + 2f]",
            "mov [rdi], rax",
            "2:",
            "ud2",
            in("rdi") TRAP_PC.as_ptr(),
            options(noreturn),
        )
    }
}

extern "C" fn go_trap_divide(_g: *mut G) {
    registered_trap(0)
}

extern "C" fn go_trap_nil(_g: *mut G) {
    registered_trap(1)
}
