//! Tests of the runtime's mechanisms.
//!
//! In-process tests cover the pure parts (float formatting, strings, allocators) and the
//! context switch (on goroutine stacks of this test thread). Paths that end the process
//! (panics, fatal errors, signals, a whole `start`) run in a child: the test binary
//! re-executes itself with `RGO_RT_TEST_CHILD=<scenario>` and only the `child_entry` test
//! selected; that test starts the runtime with the scenario's "Go main", and the parent
//! checks the exit status and standard error against gc's texts.

mod child;
mod context_tests;
mod fatal;
mod misc;
mod runq_tests;
mod sched;
mod strings;

use crate::print::format_float;

#[test]
fn printfloat_matches_gc_table() {
    // Each line: IEEE bits in decimal, then gc's println output for that float64.
    let table = include_str!("gc_printfloat.txt");
    let mut n = 0;
    for line in table.lines() {
        let (bits, want) = line.split_once(' ').expect("table line");
        let v = f64::from_bits(bits.parse::<u64>().expect("bits"));
        let got = format_float(v);
        assert_eq!(
            std::str::from_utf8(got.as_bytes()).unwrap(),
            want,
            "printfloat({v:e}) (bits {bits})"
        );
        n += 1;
    }
    assert!(n > 500, "table too short: {n}");
}

#[test]
fn printfloat_special_values() {
    let f = |v: f64| String::from_utf8(format_float(v).as_bytes().to_vec()).unwrap();
    assert_eq!(f(f64::NAN), "NaN");
    assert_eq!(f(f64::INFINITY), "+Inf");
    assert_eq!(f(f64::NEG_INFINITY), "-Inf");
    assert_eq!(f(0.0), "+0.000000e+000");
    assert_eq!(f(-0.0), "-0.000000e+000");
    assert_eq!(f(1.5), "+1.500000e+000");
    assert_eq!(f(-2.5e-10), "-2.500000e-010");
    assert_eq!(f(1e300), "+1.000000e+300");
}

#[test]
fn symbols_cover_the_abi_exactly() {
    let syms = crate::symbols();
    let native: Vec<&str> = crate::pkgruntime::symbols()
        .iter()
        .map(|(n, _)| *n)
        .collect();
    let mut names: Vec<&str> = syms
        .iter()
        .map(|(n, _)| *n)
        .filter(|n| !native.contains(n))
        .collect();
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    assert_eq!(before, names.len(), "duplicate symbol names");
    let mut want: Vec<&str> = rgo_abi::entry::ALL.to_vec();
    want.extend(rgo_abi::mem::ALL);
    want.extend(rgo_abi::lang::ALL);
    want.extend(rgo_abi::mem::DATA);
    want.sort_unstable();
    assert_eq!(names, want);
    for (n, p) in syms {
        assert!(!p.is_null(), "{n} has a null address");
    }
}
