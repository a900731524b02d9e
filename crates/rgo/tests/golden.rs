//! Golden tests: runs the rgo binary over every program in `tests/run` and `tests/errors`
//! (at the repository root) and compares exit status and combined stdout+stderr with the
//! expected files. All cases run in parallel and every mismatch is reported, as a diff,
//! before the test fails. Conventions are documented in tests/README.md.
//!
//! Environment:
//!   RGO_BIN=path          test another binary (e.g. scripts/fake-rgo-gc.sh) instead of ours
//!   GOLDEN_FILTER=substr  only the cases whose path contains substr
//!   RGO_GOLDEN_BUILD=1    also check `rgo build` + running the executable for tests/run

use std::fmt::Write as _;
use std::io::{self, Read};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex};
use std::time::Duration;
use std::{env, fs, thread};

/// Generous: the stack overflow test recurses through a 1 GB stack.
const TIMEOUT: Duration = Duration::from_secs(60);
/// A line of an expected `.out` that matches any run of output lines (see tests/README.md).
const WILDCARD: &str = "[...]";

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// `rgo run X.go`: compare with X.out and X.exitcode.
    Run,
    /// `rgo build -o TMP X.go`, then run TMP: same expectations as Run.
    Build,
    /// `rgo run X.go` must fail to compile: exit 1, output exactly X.err.
    Error,
}

struct Case {
    /// The `.go` file; the command runs in its directory with the bare file name.
    src: PathBuf,
    /// `tests/run/x.go`, for messages.
    name: String,
    mode: Mode,
}

#[test]
fn golden() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests");
    let rgo = env::var_os("RGO_BIN")
        .map(|p| fs::canonicalize(&p).unwrap_or_else(|e| panic!("RGO_BIN={p:?}: {e}")))
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_rgo")));
    let filter = env::var("GOLDEN_FILTER").unwrap_or_default();
    let build_too = env::var_os("RGO_GOLDEN_BUILD").is_some_and(|v| v == "1");

    let mut cases = Vec::new();
    for (dir, mode) in [("run", Mode::Run), ("errors", Mode::Error)] {
        for src in go_files(&root.join(dir)) {
            let name = format!("tests/{dir}/{}", src.file_name().unwrap().to_string_lossy());
            if !name.contains(&filter) {
                continue;
            }
            if mode == Mode::Run && build_too {
                let (src, name) = (src.clone(), name.clone());
                cases.push(Case {
                    src,
                    name,
                    mode: Mode::Build,
                });
            }
            cases.push(Case { src, name, mode });
        }
    }
    assert!(
        !cases.is_empty(),
        "no golden tests under {}",
        root.display()
    );

    let failures = parallel_map(&cases, |case| check(&rgo, case));
    let failures: Vec<String> = failures.into_iter().flatten().collect();
    for report in &failures {
        eprintln!("{report}");
    }
    assert!(
        failures.is_empty(),
        "{} of {} golden tests failed (binary: {})",
        failures.len(),
        cases.len(),
        rgo.display()
    );
}

fn go_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "go"))
        .collect();
    files.sort();
    files
}

/// Runs one case; `None` if it passed, else a readable report of the mismatch.
fn check(rgo: &Path, case: &Case) -> Option<String> {
    let dir = case.src.parent().unwrap();
    let file = case.src.file_name().unwrap().to_str().unwrap();
    let sibling = |ext: &str| case.src.with_extension(ext);
    let args: Vec<String> = fs::read_to_string(sibling("args"))
        .map(|s| s.lines().map(String::from).collect())
        .unwrap_or_default();

    // `X.env`: one configuration per line (space-separated NAME=VALUE); the program runs
    // once per configuration, and each run must match.
    let configs: Vec<Vec<(String, String)>> = match fs::read_to_string(sibling("env")) {
        Ok(text) => text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                l.split_whitespace()
                    .filter_map(|kv| kv.split_once('='))
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect()
            })
            .collect(),
        Err(_) => vec![Vec::new()],
    };

    let exe = env::temp_dir().join(format!("rgo-golden-{}-{file}.exe", std::process::id()));
    let shown_args: String = args.iter().map(|a| format!(" {a}")).collect();
    let (shown, program) = match case.mode {
        Mode::Run | Mode::Error => (
            format!("rgo run {file}{shown_args}"),
            vec![rgo.as_os_str().to_owned(), "run".into(), file.into()],
        ),
        Mode::Build => {
            let mut build = Command::new(rgo);
            build.args(["build", "-o"]).arg(&exe).arg(file);
            let built = match run(build, dir) {
                Ok((status, out)) if status.success() => out,
                Ok((status, out)) => {
                    return Some(format!(
                        "=== {}: `rgo build` failed ({})\n{}",
                        case.name,
                        describe(status),
                        String::from_utf8_lossy(&out)
                    ))
                }
                Err(e) => return Some(format!("=== {}: {e}", case.name)),
            };
            if !built.is_empty() {
                return Some(format!(
                    "=== {}: `rgo build` printed output\n{}",
                    case.name,
                    String::from_utf8_lossy(&built)
                ));
            }
            (
                format!("rgo build -o X {file} && ./X{shown_args}"),
                vec![exe.as_os_str().to_owned()],
            )
        }
    };
    let mut reports = String::new();
    for config in &configs {
        let mut cmd = Command::new(&program[0]);
        cmd.args(&program[1..])
            .args(&args)
            .envs(config.iter().cloned());
        let shown_env: String = config.iter().map(|(k, v)| format!("{k}={v} ")).collect();
        if let Some(r) = compare(case, run(cmd, dir), &format!("{shown_env}{shown}")) {
            reports += &r;
        }
    }
    // Only the build case owns the executable (the run case of the same file runs in
    // parallel and must not delete it).
    if case.mode == Mode::Build {
        let _ = fs::remove_file(&exe);
    }
    (!reports.is_empty()).then_some(reports)
}

/// Compares one run's result with the case's expectations; `None` if it matches.
fn compare(case: &Case, result: io::Result<(ExitStatus, Vec<u8>)>, shown: &str) -> Option<String> {
    let sibling = |ext: &str| case.src.with_extension(ext);
    let (status, out) = match result {
        Ok(r) => r,
        Err(e) => return Some(format!("=== {} ({shown}): {e}", case.name)),
    };
    let got = String::from_utf8_lossy(&out);

    let (want, want_code) = if case.mode == Mode::Error {
        (read(&sibling("err")), 1)
    } else {
        let code = fs::read_to_string(sibling("exitcode"))
            .map(|s| s.trim().parse().expect("bad .exitcode"))
            .unwrap_or(0);
        (read(&sibling("out")), code)
    };
    let output_ok = if case.mode != Mode::Error && want.lines().any(|l| l == WILDCARD) {
        glob_match(&lines(&want), &lines(&got))
    } else {
        got == want
    };
    if output_ok && status.code() == Some(want_code) {
        return None;
    }

    let mut report = format!("=== {} ({shown})\n", case.name);
    if status.code() != Some(want_code) {
        let _ = writeln!(report, "exit: want {want_code}, got {}", describe(status));
    }
    if !output_ok {
        report += "output (- want, + got):\n";
        report += &diff(&lines(&want), &lines(&got));
    }
    Some(report)
}

/// Expected output may hold bytes that are not UTF-8 (Go strings are bytes); both sides are
/// compared after the same lossy decoding.
fn read(path: &Path) -> String {
    let b = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    String::from_utf8_lossy(&b).into_owned()
}

fn describe(status: ExitStatus) -> String {
    match (status.code(), status.signal()) {
        (Some(code), _) => code.to_string(),
        (None, Some(sig)) => format!("killed by signal {sig}"),
        _ => status.to_string(),
    }
}

/// Runs `cmd` in `dir` with stdout and stderr interleaved in one pipe, as a terminal would
/// show them. On timeout the whole process group is killed (a stand-in rgo may fork).
fn run(mut cmd: Command, dir: &Path) -> io::Result<(ExitStatus, Vec<u8>)> {
    let (mut reader, writer) = io::pipe()?;
    cmd.current_dir(dir)
        .stdin(Stdio::null())
        .stdout(writer.try_clone()?)
        .stderr(writer)
        .process_group(0);
    let mut child = cmd.spawn()?;
    drop(cmd); // closes our copies of the pipe's write end, so reading ends at EOF
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || tx.send(child.wait()));
    let drain = thread::spawn(move || {
        let mut out = Vec::new();
        let _ = reader.read_to_end(&mut out);
        out
    });
    let status = match rx.recv_timeout(TIMEOUT) {
        Ok(status) => status?,
        Err(_) => {
            // std cannot signal a process group; kill(1) can.
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{pid}")])
                .status();
            let _ = rx.recv();
            return Err(io::Error::other(format!(
                "timed out after {}s; output so far:\n{}",
                TIMEOUT.as_secs(),
                String::from_utf8_lossy(&drain.join().unwrap_or_default())
            )));
        }
    };
    Ok((status, drain.join().unwrap_or_default()))
}

/// Output as lines without terminators. A missing final newline is not distinguished
/// here; exact comparisons (no wildcard) compare the bytes instead.
fn lines(s: &str) -> Vec<&str> {
    s.lines().collect()
}

/// `[...]` matches any run of lines (possibly none); every other line must match exactly.
fn glob_match(pattern: &[&str], got: &[&str]) -> bool {
    match pattern.split_first() {
        None => got.is_empty(),
        Some((&WILDCARD, rest)) => (0..=got.len()).any(|i| glob_match(rest, &got[i..])),
        Some((line, rest)) => got.first() == Some(line) && glob_match(rest, &got[1..]),
    }
}

/// A line diff (longest common subsequence), `-` for wanted lines, `+` for extra ones.
fn diff(want: &[&str], got: &[&str]) -> String {
    const MAX_LINES: usize = 2000;
    const MAX_SHOWN: usize = 80;
    if want.len() > MAX_LINES || got.len() > MAX_LINES {
        return format!(
            "    (too long to diff: {} vs {} lines)\n",
            want.len(),
            got.len()
        );
    }
    // lcs[i][j] = length of the LCS of want[i..] and got[j..].
    let mut lcs = vec![vec![0u32; got.len() + 1]; want.len() + 1];
    for i in (0..want.len()).rev() {
        for j in (0..got.len()).rev() {
            lcs[i][j] = if want[i] == got[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < want.len() || j < got.len() {
        if i < want.len() && j < got.len() && want[i] == got[j] {
            out.push(format!("   {}", want[i]));
            (i, j) = (i + 1, j + 1);
        } else if i < want.len() && (j == got.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push(format!(" - {}", want[i]));
            i += 1;
        } else {
            out.push(format!(" + {}", got[j]));
            j += 1;
        }
    }
    if !out
        .iter()
        .any(|l| l.starts_with(" -") || l.starts_with(" +"))
    {
        return "    (the outputs differ only in line terminators or a final newline)
"
        .into();
    }
    let mut text: String = out
        .iter()
        .take(MAX_SHOWN)
        .map(|l| format!("{l}\n"))
        .collect();
    if out.len() > MAX_SHOWN {
        let _ = writeln!(text, "    [... {} more lines]", out.len() - MAX_SHOWN);
    }
    text
}

/// Maps `f` over `items` on all CPUs; results in input order.
fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let jobs = thread::available_parallelism().map_or(1, |n| n.get());
    let next = AtomicUsize::new(0);
    let results = Mutex::new((0..items.len()).map(|_| None).collect::<Vec<Option<R>>>());
    thread::scope(|s| {
        for _ in 0..jobs.min(items.len()) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                let r = f(item);
                results.lock().unwrap()[i] = Some(r);
            });
        }
    });
    results
        .into_inner()
        .unwrap()
        .into_iter()
        .map(Option::unwrap)
        .collect()
}

#[test]
fn wildcard_matching() {
    let m = |p: &str, g: &str| glob_match(&lines(p), &lines(g));
    assert!(m("a\n[...]\n", "a\nb\nc\n"));
    assert!(m("a\n[...]\n", "a\n"));
    assert!(!m("a\n[...]\n", "b\n"));
    assert!(m("a\n[...]\nz\n[...]\n", "a\nx\ny\nz\nw\n"));
    assert!(!m("a\n[...]\nz\n", "a\nz\nq\n"));
    assert!(m("a\nb\n", "a\nb\n"));
    assert!(diff(&["a", "b"], &["a", "c"]).contains(" - b\n + c\n"));
}
