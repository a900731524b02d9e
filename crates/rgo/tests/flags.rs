//! `-gcflags` handling: `-m` prints the compiler's escape decisions in gc's format, before
//! the program runs (rgo run) or instead of nothing (rgo build); unknown flags are usage
//! errors. Expected output: tests/escape/X.m next to X.go.

use std::path::Path;
use std::process::Command;

fn rgo() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rgo"))
}

fn escape_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/escape")
}

#[test]
fn m_reports_escape_decisions() {
    let dir = escape_dir();
    let want = std::fs::read_to_string(dir.join("allocs.m")).unwrap();
    let out = rgo()
        .args(["run", "-gcflags=-m", "allocs.go"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}", out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with(&want),
        "want report:\n{want}\ngot:\n{stderr}"
    );
    // The program still runs after the report.
    assert!(
        stderr[want.len()..].starts_with("3 0 100000 1 3 3\n"),
        "{stderr}"
    );
}

#[test]
fn unknown_gcflag_is_a_usage_error() {
    let out = rgo()
        .args(["run", "-gcflags=-bogus", "allocs.go"])
        .current_dir(escape_dir())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unsupported -gcflags flag -bogus"));
}
