//! rgo-conformance: runs the `// run` programs of Go's test suite ($GOROOT/test) with
//! `rgo run` and compares their combined output with the `.out` files, the way Go's own
//! driver (test/run.go) does for gc. See `--help`.

mod exec;
mod report;
mod select;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use std::{env, fs, thread};

use report::Outcome;
use select::{BuildContext, Recipe, TestCase};

const USAGE: &str = "\
usage: rgo-conformance [options]

Runs every `// run` test of $GOROOT/test (dirs ., ken, chan, interface, fixedbugs,
typeparam) as `<rgo> run <file> [args]` from the test directory, and checks that it
exits 0 with combined stdout+stderr equal to <name>.out (empty if there is none).

options:
  --rgo PATH          rgo binary (default target/release/rgo)
  --goroot DIR        Go root holding test/ (default /usr/lib/go-1.19)
  --filter SUBSTR     only tests whose path contains SUBSTR (repeatable: any matches)
  -j, --jobs N        parallel tests (default: number of CPUs)
  --timeout SECS      per-test timeout (default 10; a recipe's `-t N` may raise it)
  --deadline SECS     start no test after SECS seconds; the rest count as failed
                      (bounds CI time when many tests hang)
  --cgo               treat the `cgo` build tag as satisfied (as gc does; rgo has no cgo)
  --write-list FILE   write the sorted paths of the passing tests to FILE
  --check-list FILE   fail if a test listed in FILE (one path per line, # comments) did not
                      pass; a listed test that fails is re-run once, alone, and reported
  --list-only         print the selected tests (and, with --verbose, the skipped ones)
  -v, --verbose       print every result as it finishes, with output diffs for failures
  -h, --help          this text

Exit status: 1 if a --check-list test did not pass; without --check-list, 1 if any test
failed; 2 on usage or setup errors. The last line of output is `N passed, M failed, K skipped`.";

struct Options {
    rgo: PathBuf,
    goroot: PathBuf,
    filters: Vec<String>,
    jobs: usize,
    timeout: u64,
    deadline: Option<Duration>,
    cgo: bool,
    write_list: Option<PathBuf>,
    check_list: Option<PathBuf>,
    list_only: bool,
    verbose: bool,
}

fn parse_args() -> Result<Options, String> {
    let mut o = Options {
        rgo: PathBuf::from("target/release/rgo"),
        goroot: PathBuf::from("/usr/lib/go-1.19"),
        filters: Vec::new(),
        jobs: thread::available_parallelism().map_or(1, |n| n.get()),
        timeout: 10,
        deadline: None,
        cgo: false,
        write_list: None,
        check_list: None,
        list_only: false,
        verbose: false,
    };
    let mut args = env::args().skip(1);
    while let Some(arg) = args.next() {
        // Accept both `--flag value` and `--flag=value`.
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or(format!("{flag} needs a value"))
        };
        let number = |v: String| {
            v.parse::<usize>()
                .map_err(|_| format!("{flag}: bad number {v:?}"))
        };
        match flag.as_str() {
            "--rgo" => o.rgo = value()?.into(),
            "--goroot" => o.goroot = value()?.into(),
            "--filter" => o.filters.push(value()?),
            "-j" | "--jobs" => o.jobs = number(value()?)?.max(1),
            "--timeout" => o.timeout = number(value()?)? as u64,
            "--deadline" => o.deadline = Some(Duration::from_secs(number(value()?)? as u64)),
            "--cgo" => o.cgo = true,
            "--write-list" => o.write_list = Some(value()?.into()),
            "--check-list" => o.check_list = Some(value()?.into()),
            "--list-only" => o.list_only = true,
            "-v" | "--verbose" => o.verbose = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            // `-j8`, as make and cargo accept it.
            _ if flag.starts_with("-j") => o.jobs = number(flag[2..].to_string())?.max(1),
            _ => return Err(format!("unknown argument {arg:?}")),
        }
    }
    // Tests run from inside the Go root, so relative paths must not stay relative.
    o.goroot = std::path::absolute(&o.goroot).map_err(|e| format!("--goroot: {e}"))?;
    Ok(o)
}

fn main() -> ExitCode {
    match parse_args().and_then(|o| run(&o)) {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("rgo-conformance: {msg}");
            ExitCode::from(2)
        }
    }
}

fn run(o: &Options) -> Result<ExitCode, String> {
    let testdir = o.goroot.join("test");
    if !testdir.join("run.go").is_file() {
        return Err(format!(
            "no Go test suite at {} (install it: apt-get install golang-1.19-src)",
            testdir.display()
        ));
    }
    let ctx = BuildContext { cgo: o.cgo };
    let all = select::discover(&testdir, &ctx)
        .map_err(|e| format!("reading {}: {e}", testdir.display()))?;
    let (tests, skipped): (Vec<&TestCase>, Vec<&TestCase>) = all
        .iter()
        .filter(|t| o.filters.is_empty() || o.filters.iter().any(|f| t.name.contains(f)))
        .partition(|t| matches!(t.recipe, Recipe::Run { .. }));

    if o.list_only {
        for t in &tests {
            println!("{}", t.name);
        }
        if o.verbose {
            for t in &skipped {
                if let Recipe::Skip(why) = &t.recipe {
                    println!("skip {}: {why}", t.name);
                }
            }
        }
        eprintln!("{} selected, {} skipped", tests.len(), skipped.len());
        return Ok(ExitCode::SUCCESS);
    }

    // The tests run from inside the test directory, so the binary path must be absolute.
    let rgo = fs::canonicalize(&o.rgo).map_err(|e| {
        format!(
            "rgo binary {}: {e} (build it with `cargo build --release -p rgo`)",
            o.rgo.display()
        )
    })?;
    let listed = match &o.check_list {
        Some(path) => read_list(path)?,
        None => Vec::new(),
    };
    let envs = child_env(&o.goroot);
    println!(
        "running {} tests from {} with {} ({} jobs, {}s timeout)",
        tests.len(),
        testdir.display(),
        rgo.display(),
        o.jobs,
        o.timeout
    );

    let start = Instant::now();
    let run_one = |t: &TestCase, may_skip: bool| {
        let Recipe::Run { args, timeout } = &t.recipe else {
            unreachable!("only runnable tests are scheduled")
        };
        if may_skip && o.deadline.is_some_and(|d| start.elapsed() > d) {
            return report::not_run("not run: --deadline reached");
        }
        let mut cmd = Command::new(&rgo);
        cmd.arg("run")
            .arg(&t.name)
            .args(args)
            .current_dir(&testdir)
            .envs(envs.iter().cloned());
        let timeout = Duration::from_secs(timeout.unwrap_or(0).max(o.timeout));
        let want = fs::read(testdir.join(format!("{}.out", t.name.trim_end_matches(".go"))))
            .unwrap_or_default(); // no .out file means the output must be empty
        let outcome = report::judge(exec::run(cmd, timeout), &want, timeout);
        if o.verbose {
            report::print_verbose(&t.name, &outcome);
        }
        outcome
    };
    let mut results = run_parallel(&tests, o.jobs, |t| run_one(t, true));

    // A listed test that failed gets one more chance, run alone: on a loaded 2-core CI
    // machine a few heavy tests (e.g. nosplit.go, which runs `go build` dozens of times)
    // can exceed the timeout. The retry is reported, so real flakiness stays visible.
    // Many listed failures are a real regression, not noise: then retrying would only
    // cost time (up to a timeout each, serially).
    const MAX_RETRIES: usize = 10;
    let mut retry: Vec<(&TestCase, &mut Outcome)> = tests
        .iter()
        .copied()
        .zip(results.iter_mut())
        .filter(|(t, r)| matches!(r, Outcome::Fail { .. }) && listed.contains(&t.name))
        .collect();
    if retry.len() <= MAX_RETRIES {
        for (t, result) in &mut retry {
            if let outcome @ Outcome::Pass = run_one(t, false) {
                println!("{}: failed, then passed when re-run alone (flaky?)", t.name);
                **result = outcome;
            }
        }
    }

    let passing: BTreeSet<&str> = tests
        .iter()
        .zip(&results)
        .filter(|(_, r)| matches!(r, Outcome::Pass))
        .map(|(t, _)| t.name.as_str())
        .collect();
    let failed = tests.len() - passing.len();
    report::print_groups(tests.iter().map(|t| t.name.as_str()).zip(&results));

    if let Some(path) = &o.write_list {
        let text: String = passing.iter().map(|n| format!("{n}\n")).collect();
        fs::write(path, text).map_err(|e| format!("writing {}: {e}", path.display()))?;
    }
    let mut code = if failed > 0 { 1 } else { 0 };
    if let Some(path) = &o.check_list {
        // Listed tests outside the active filters were not run, so they are not judged.
        let regressions: Vec<&String> = listed
            .iter()
            .filter(|l| o.filters.is_empty() || o.filters.iter().any(|f| l.contains(f.as_str())))
            .filter(|l| !passing.contains(l.as_str()))
            .collect();
        if regressions.is_empty() {
            println!("all tests listed in {} pass", path.display());
        } else {
            println!(
                "\n{} tests listed in {} did not pass:",
                regressions.len(),
                path.display()
            );
            for name in &regressions {
                println!("    {name}");
            }
        }
        code = if regressions.is_empty() { 0 } else { 1 };
    }
    println!("elapsed {:.1}s", start.elapsed().as_secs_f64());
    println!(
        "{} passed, {failed} failed, {} skipped",
        passing.len(),
        skipped.len()
    );
    Ok(ExitCode::from(code))
}

/// The environment run.go gives a test: GOENV/GOFLAGS neutralized, GOOS/GOARCH set, and
/// the Go root's bin first in PATH (a few tests run `go` themselves). PWD names the test
/// directory as run.go's shell would (`cd $GOROOT/test`), unresolved, for os.Getwd.
fn child_env(goroot: &Path) -> Vec<(String, String)> {
    let mut envs = vec![
        ("GOENV".to_string(), "off".to_string()),
        ("GOFLAGS".to_string(), String::new()),
        ("PWD".to_string(), goroot.join("test").display().to_string()),
    ];
    for (key, default) in [("GOOS", "linux"), ("GOARCH", "amd64")] {
        if env::var_os(key).is_none_or(|v| v.is_empty()) {
            envs.push((key.to_string(), default.to_string()));
        }
    }
    let bin = goroot.join("bin").display().to_string();
    let path = match env::var("PATH") {
        Ok(p) if !p.is_empty() => format!("{bin}:{p}"),
        _ => bin,
    };
    envs.push(("PATH".to_string(), path));
    envs
}

/// Runs `f` over `items` on `jobs` threads; results come back in input order.
fn run_parallel<T: Sync, R: Send>(items: &[T], jobs: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new(items.iter().map(|_| None).collect());
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
        .map(|r| r.expect("every item was run"))
        .collect()
}

/// The test paths in a list file: one per line, blank lines and `#` comments ignored.
fn read_list(path: &Path) -> Result<Vec<String>, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect())
}
