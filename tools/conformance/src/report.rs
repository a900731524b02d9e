//! Judging a test's result and summarizing failures by cause.

use std::collections::BTreeMap;
use std::io;
use std::time::Duration;

use crate::exec::{self, Exit, Finished};

pub enum Outcome {
    Pass,
    Fail {
        /// A short cause shared by similar failures (used to group them).
        key: String,
        /// Everything needed to debug this one failure (shown with --verbose).
        detail: String,
    },
}

/// A test that was never started.
pub fn not_run(why: &str) -> Outcome {
    Outcome::Fail {
        key: why.to_string(),
        detail: why.to_string(),
    }
}

/// Pass = exit status 0 and output byte-equal to `want` (run.go's checkExpectedOutput).
pub fn judge(result: io::Result<Finished>, want: &[u8], timeout: Duration) -> Outcome {
    let run = match result {
        Ok(run) => run,
        Err(e) => return not_run(&format!("cannot start rgo: {e}")),
    };
    // run.go normalizes CRLF in the output (for Windows); keep parity.
    let got = String::from_utf8_lossy(&run.output).replace("\r\n", "\n");
    let want = String::from_utf8_lossy(want);
    let status = match run.exit {
        Exit::TimedOut => {
            let key = format!("timed out after {}s", timeout.as_secs());
            return Outcome::Fail {
                detail: format!("{key}; output so far:\n{}", indent(&got)),
                key,
            };
        }
        Exit::Status(s) => s,
    };
    if status.success() && got == want {
        return Outcome::Pass;
    }
    let key = if status.success() {
        // Name the first line where the output goes wrong.
        let (g, w) = first_difference(&got, &want);
        match g {
            Some(line) => format!("wrong output: {}", normalize(line)),
            None => format!("output ends early, missing: {}", normalize(w.unwrap_or(""))),
        }
    } else {
        let first = got
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("(no output)");
        format!("{}: {}", exec::describe(&status), normalize(first))
    };
    let detail = format!(
        "{}\n--- want\n{}--- got\n{}",
        exec::describe(&status),
        indent(&want),
        indent(&got)
    );
    Outcome::Fail { key, detail }
}

/// The first pair of lines that differ (`None` where one side has ended).
fn first_difference<'a>(got: &'a str, want: &'a str) -> (Option<&'a str>, Option<&'a str>) {
    let (mut g, mut w) = (got.split_inclusive('\n'), want.split_inclusive('\n'));
    loop {
        match (g.next(), w.next()) {
            (Some(a), Some(b)) if a == b => continue,
            (a, b) => return (a.map(str::trim_end), b.map(str::trim_end)),
        }
    }
}

/// Makes a line comparable across tests: drops a leading `file.go:L:C: ` position,
/// masks hex numbers (addresses, pcs), and caps the length.
fn normalize(line: &str) -> String {
    let mut line = line.trim();
    if let Some(i) = line.find(".go:") {
        let prefix_ok = !line[..i].contains(' ');
        let after = line[i + 4..].trim_start_matches(|c: char| c.is_ascii_digit() || c == ':');
        if prefix_ok && after.len() < line[i + 4..].len() {
            line = after.trim_start();
        }
    }
    let mut out = String::new();
    let mut rest = line;
    while let Some(i) = rest.find("0x") {
        out.push_str(&rest[..i + 2]);
        let tail = rest[i + 2..].trim_start_matches(|c: char| c.is_ascii_hexdigit());
        if tail.len() < rest.len() - i - 2 {
            out.push('…');
        }
        rest = tail;
    }
    out.push_str(rest);
    if out.chars().count() > 160 {
        out = out.chars().take(157).collect::<String>() + "...";
    }
    out
}

fn indent(text: &str) -> String {
    const MAX_LINES: usize = 40;
    let mut out: String = text
        .lines()
        .take(MAX_LINES)
        .map(|l| format!("    {l}\n"))
        .collect();
    let n = text.lines().count();
    if n > MAX_LINES {
        out += &format!("    [... {} more lines]\n", n - MAX_LINES);
    }
    out
}

/// One line per finished test, plus the failure detail (one print call, so parallel
/// workers do not interleave).
pub fn print_verbose(name: &str, outcome: &Outcome) {
    match outcome {
        Outcome::Pass => println!("PASS {name}"),
        Outcome::Fail { detail, .. } => println!("FAIL {name}: {detail}"),
    }
}

/// Failures grouped by cause, largest group first.
pub fn print_groups<'a>(results: impl Iterator<Item = (&'a str, &'a Outcome)>) {
    let mut groups: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (name, outcome) in results {
        if let Outcome::Fail { key, .. } = outcome {
            groups.entry(key).or_default().push(name);
        }
    }
    let mut groups: Vec<_> = groups.into_iter().collect();
    groups.sort_by_key(|(_, names)| std::cmp::Reverse(names.len()));
    for (key, names) in groups {
        println!("\n[{}] {key}", names.len());
        for name in names {
            println!("    {name}");
        }
    }
    println!();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_positions_and_addresses() {
        assert_eq!(
            normalize("fixedbugs/bug1.go:3:5: undefined: x"),
            "undefined: x"
        );
        assert_eq!(normalize("./a.go:12: bad"), "bad");
        assert_eq!(normalize("panic: x at 0xc000012345"), "panic: x at 0x…");
        assert_eq!(normalize("see a.go: no"), "see a.go: no");
    }

    #[test]
    fn finds_first_difference() {
        assert_eq!(first_difference("a\nb\n", "a\nc\n"), (Some("b"), Some("c")));
        assert_eq!(first_difference("a\n", "a\nc\n"), (None, Some("c")));
        assert_eq!(first_difference("a", "a\n"), (Some("a"), Some("a")));
    }
}
