//! Memory held by parked goroutines: tests/memory/parked.go parks 50000 goroutines and
//! prints MemStats.StackInuse per goroutine. An uncompacted rgo stack holds at least one
//! 4 KiB page; compaction (rgo-runtime's stackcompact.rs) copies the few hundred bytes in
//! use out of all but the most recently parked goroutines (about 1.5 KiB on average here;
//! without compaction at least 4096). gc prints about 4 KiB.

use std::path::Path;
use std::process::Command;

fn run(envs: &[(&str, &str)]) -> (u64, String) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/memory");
    let out = Command::new(env!("CARGO_BIN_EXE_rgo"))
        .args(["run", "parked.go"])
        .envs(envs.iter().copied())
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stderr).into_owned();
    let per_g = text
        .lines()
        .find_map(|l| l.strip_prefix("stack bytes per goroutine: "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no stack figure in:\n{text}"));
    (per_g, text)
}

#[test]
fn parked_goroutines_hold_less_than_a_page_of_stack() {
    for procs in ["1", "2"] {
        let (per_g, text) = run(&[("GOMAXPROCS", procs)]);
        assert!(
            per_g < 3000,
            "GOMAXPROCS={procs}: {per_g} stack bytes per parked goroutine\n{text}"
        );
        assert!(text.contains("sum: 20450000"), "{text}");
    }
}
