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

/// Every other tests/escape/X.go: the report is X.m (the program's own output follows).
#[test]
fn m_reports_match_expectations() {
    let dir = escape_dir();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().ok()?;
            let stem = name.strip_suffix(".go")?.to_string();
            (stem != "allocs" && dir.join(format!("{stem}.m")).exists()).then_some(stem)
        })
        .collect();
    names.sort();
    assert!(!names.is_empty());
    let mut failures = Vec::new();
    for name in names {
        let want = std::fs::read_to_string(dir.join(format!("{name}.m"))).unwrap();
        let out = rgo()
            .args(["run", "-gcflags=-m", &format!("{name}.go")])
            .current_dir(&dir)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        if !out.status.success() || !stderr.starts_with(&want) {
            failures.push(format!("{name}.go: want report:\n{want}\ngot:\n{stderr}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
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
