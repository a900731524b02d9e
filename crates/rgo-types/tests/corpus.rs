//! Runs the checker over Go's own test corpus: every `// run` program that imports nothing
//! (or only "unsafe") must type-check cleanly; `// errorcheck` programs should produce at
//! least one error. Skips when GOROOT's test directory is not installed.

use std::path::Path;

use rgo_syntax::{parse_file, SourceFile};

const ROOT: &str = "/usr/lib/go-1.19/test";
const DIRS: &[&str] = &[".", "ken", "chan", "interface", "fixedbugs", "typeparam"];

/// The test directive: the first line comment that isn't a build constraint.
fn directive(src: &str) -> Option<String> {
    for line in src.lines() {
        let l = line.trim();
        if l.is_empty() || l.starts_with("//go:build") || l.starts_with("// +build") {
            continue;
        }
        return l.strip_prefix("//").map(|s| s.trim().to_string());
    }
    None
}

enum Outcome {
    Skip,
    Clean,
    Errors(Vec<String>),
    Panic,
}

fn check_file(path: &Path) -> Outcome {
    let Ok(src) = std::fs::read_to_string(path) else {
        return Outcome::Skip;
    };
    let sf = SourceFile::new(path.display().to_string(), src);
    let pr = parse_file(&sf, 0);
    if !pr.errors.is_empty() || pr.file.imports.iter().any(|i| i.path != "unsafe") {
        return Outcome::Skip;
    }
    let file = pr.file;
    let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let files = [(&sf, &file)];
        match rgo_types::check_package("main", &files) {
            Ok(_) => Vec::new(),
            Err(errs) => errs
                .iter()
                .map(|(_, e)| rgo_syntax::format_error(&sf, e))
                .collect(),
        }
    }));
    match res {
        Ok(e) if e.is_empty() => Outcome::Clean,
        Ok(e) => Outcome::Errors(e),
        Err(_) => Outcome::Panic,
    }
}

fn corpus(kind: &str) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for d in DIRS {
        let Ok(rd) = std::fs::read_dir(Path::new(ROOT).join(d)) else {
            continue;
        };
        let mut v: Vec<_> = rd.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        v.sort();
        for p in v {
            if p.extension().is_some_and(|x| x == "go") {
                if let Ok(src) = std::fs::read_to_string(&p) {
                    if directive(&src).is_some_and(|d| d == kind) {
                        out.push(p);
                    }
                }
            }
        }
    }
    out
}

fn run_in_big_stack<F: FnOnce() + Send + 'static>(f: F) {
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn run_programs_typecheck_cleanly() {
    if !Path::new(ROOT).exists() {
        eprintln!("skipping: {ROOT} not installed");
        return;
    }
    run_in_big_stack(|| {
        std::panic::set_hook(Box::new(|_| {}));
        let (mut clean, mut failed, mut panics, mut total) = (0, 0, 0, 0);
        let mut report = Vec::new();
        for p in corpus("run") {
            match check_file(&p) {
                Outcome::Skip => continue,
                Outcome::Clean => clean += 1,
                Outcome::Errors(e) => {
                    failed += 1;
                    report.push(e[0].to_string());
                }
                Outcome::Panic => {
                    panics += 1;
                    report.push(format!("PANIC {}", p.display()));
                }
            }
            total += 1;
        }
        let _ = std::panic::take_hook();
        for r in &report {
            eprintln!("{r}");
        }
        eprintln!("run programs: {clean}/{total} clean, {failed} with errors, {panics} panics");
        assert_eq!(panics, 0, "checker panicked");
        assert!(
            total == 0 || clean * 100 >= total * 98,
            "too many failures: {clean}/{total}"
        );
    });
}

#[test]
fn errorcheck_programs_report_errors() {
    if !Path::new(ROOT).exists() {
        return;
    }
    run_in_big_stack(|| {
        std::panic::set_hook(Box::new(|_| {}));
        let (mut with_errors, mut total, mut panics) = (0, 0, 0);
        for p in corpus("errorcheck") {
            match check_file(&p) {
                Outcome::Skip => continue,
                Outcome::Clean => {}
                Outcome::Errors(_) => with_errors += 1,
                Outcome::Panic => {
                    panics += 1;
                    eprintln!("PANIC {}", p.display());
                }
            }
            total += 1;
        }
        let _ = std::panic::take_hook();
        eprintln!("errorcheck programs: {with_errors}/{total} report errors, {panics} panics");
        assert_eq!(panics, 0, "checker panicked");
    });
}
