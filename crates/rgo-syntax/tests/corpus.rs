//! Parses Go's own test suite and standard library (from the installed Go 1.19 GOROOT, or
//! `$RGO_GOROOT`): every file must parse without errors, except `// errorcheck` tests
//! (which are meant to have errors), placeholder files of directory tests, and files under
//! `testdata`. Skipped when the directory is missing.

use rgo_syntax::{format_error, parse_file, SourceFile};
use std::path::{Path, PathBuf};

fn goroot() -> Option<PathBuf> {
    let root = std::env::var_os("RGO_GOROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/lib/go-1.19"));
    root.join("src").is_dir().then_some(root)
}

fn go_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            go_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "go") {
            out.push(path);
        }
    }
}

/// The test's header comment: `errorcheck`, `run`, `compiledir`, ...
fn test_kind(src: &str) -> &str {
    src.lines()
        .find(|l| {
            l.starts_with("// ") && !l.starts_with("// +build") && !l.starts_with("//go:build")
        })
        .and_then(|l| l[3..].split_whitespace().next())
        .unwrap_or("")
}

/// Parses `files` on all cores; returns the number parsed and the formatted errors of those
/// for which `errors_expected` is false.
fn parse_all(files: &[PathBuf], errors_expected: fn(&Path, &str) -> bool) -> (usize, Vec<String>) {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let chunk = files.len().div_ceil(threads).max(1);
    let results: Vec<(usize, Vec<String>)> = std::thread::scope(|s| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    let mut errs = Vec::new();
                    let mut n = 0;
                    for path in part {
                        let Ok(bytes) = std::fs::read(path) else {
                            continue;
                        };
                        let src = SourceFile::from_bytes(path.display().to_string(), &bytes);
                        let r = parse_file(&src, 0);
                        n += 1;
                        if !errors_expected(path, &src.src) {
                            errs.extend(r.errors.iter().map(|e| format_error(&src, e)));
                        }
                    }
                    (n, errs)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    results
        .into_iter()
        .fold((0, Vec::new()), |(n, mut errs), (m, e)| {
            errs.extend(e);
            (n + m, errs)
        })
}

#[test]
fn go_test_suite() {
    let Some(root) = goroot() else {
        eprintln!("skipped: no GOROOT with test/");
        return;
    };
    let mut files = Vec::new();
    go_files(&root.join("test"), &mut files);
    if files.is_empty() {
        eprintln!("skipped: no GOROOT/test");
        return;
    }
    let (n, errs) = parse_all(&files, |_, src| {
        let kind = test_kind(src);
        kind.starts_with("errorcheck") || kind.ends_with("dir")
    });
    assert!(n > 2000, "only {n} files");
    assert!(
        errs.is_empty(),
        "{} errors:\n{}",
        errs.len(),
        errs.join("\n")
    );
}

#[test]
fn go_standard_library() {
    let Some(root) = goroot() else {
        eprintln!("skipped: no GOROOT");
        return;
    };
    let mut files = Vec::new();
    go_files(&root.join("src"), &mut files);
    files.retain(|p| !p.components().any(|c| c.as_os_str() == "testdata"));
    let (n, errs) = parse_all(&files, |_, _| false);
    assert!(n > 4000, "only {n} files");
    assert!(
        errs.is_empty(),
        "{} errors:\n{}",
        errs.len(),
        errs.join("\n")
    );
}
