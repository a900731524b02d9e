//! Test selection, mirroring how `$GOROOT/test/run.go` (Go 1.19) reads a test file.
//!
//! run.go takes everything before the first blank line as the "recipe", drops a first line
//! that mentions `+build`, strips a leading `//`, and splits the rest shell-style into the
//! action and its arguments. Build constraints are evaluated over every line before
//! `package`. We deliberately copy its quirks (e.g. a `// +build` comment directly below
//! `// run` becomes program arguments) so that our selection and arguments match what the
//! gc toolchain is tested with.

use std::fs;
use std::io;
use std::path::Path;

/// The directories of $GOROOT/test whose `// run` programs we use, in run.go's order.
pub const DIRS: &[&str] = &[".", "ken", "chan", "interface", "fixedbugs", "typeparam"];

/// What run.go would do with one file, restricted to what matters for `// run` tests.
#[derive(Debug, PartialEq, Eq)]
pub enum Recipe {
    /// A `// run` test we execute: `rgo run <file> <args...>`.
    Run {
        args: Vec<String>,
        /// A `-t N` timeout from the recipe, in seconds.
        timeout: Option<u64>,
    },
    /// A `// run` test we cannot execute faithfully; the string says why.
    Skip(String),
    /// Some other action (errorcheck, compile, rundir, ...): not our business.
    Other,
}

/// The build configuration the constraints are evaluated against (run.go's `context`).
pub struct BuildContext {
    /// Whether the `cgo` tag is satisfied. gc has cgo on this machine, rgo does not.
    pub cgo: bool,
}

/// One `// run` test found in the corpus.
pub struct TestCase {
    /// Path relative to the test directory, as run.go prints it: `fixedbugs/bug002.go`.
    pub name: String,
    pub recipe: Recipe,
}

/// Lists every `// run` test in `DIRS` under `testdir` (sorted per directory, like run.go).
pub fn discover(testdir: &Path, ctx: &BuildContext) -> io::Result<Vec<TestCase>> {
    let mut tests = Vec::new();
    for dir in DIRS {
        let mut names: Vec<String> = fs::read_dir(testdir.join(dir))?
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| !n.starts_with('.') && n.ends_with(".go"))
            .collect();
        names.sort();
        for file in names {
            let name = if *dir == "." {
                file
            } else {
                format!("{dir}/{file}")
            };
            let src = fs::read(testdir.join(&name))?;
            let recipe = recipe(&String::from_utf8_lossy(&src), ctx);
            if recipe != Recipe::Other {
                tests.push(TestCase { name, recipe });
            }
        }
    }
    Ok(tests)
}

/// Decides what to do with a test file's source (run.go's `(*test).run` prologue).
pub fn recipe(src: &str, ctx: &BuildContext) -> Recipe {
    if src.starts_with('\n') {
        return Recipe::Other; // run.go: "starts with newline", an error there
    }
    let Some((mut action, _)) = src.split_once("\n\n") else {
        return Recipe::Other; // run.go: "double newline ... not found", an error there
    };
    if let Some((first, rest)) = action.split_once('\n') {
        if first.contains("+build") {
            action = rest;
        }
    }
    let action = action.strip_prefix("//").unwrap_or(action);
    let Ok(fields) = split_quoted(action) else {
        return Recipe::Other;
    };
    if fields.first().map(String::as_str) != Some("run") {
        return Recipe::Other;
    }

    let header = src.split_once("\npackage").map_or(action, |(h, _)| h);
    for line in header.split('\n') {
        if line.starts_with("package ") {
            break;
        }
        if let Some(expr) = parse_constraint(line) {
            if !expr.eval(&|tag| ctx.matches(tag)) {
                return Recipe::Skip(format!("build constraint `{line}`"));
            }
        }
    }

    // Leading dash arguments are flags for run.go or the go command, the rest go to the
    // program. Any go-command flag changes how gc builds the test, which rgo cannot mimic.
    let mut args = &fields[1..];
    let mut timeout = None;
    let mut go_flags = Vec::new();
    while let Some(arg) = args.first().filter(|a| a.starts_with('-')) {
        match arg.as_str() {
            // run.go's own switches; they do not affect `run` tests.
            "-0" | "-1" | "-s" => {}
            "-t" => {
                args = &args[1..];
                match args.first().and_then(|s| s.parse().ok()) {
                    Some(secs) => timeout = Some(secs),
                    None => return Recipe::Skip("malformed `-t` in recipe".into()),
                }
            }
            "-goexperiment" => {
                let exp = args.get(1).map_or("", String::as_str);
                return Recipe::Skip(format!("needs GOEXPERIMENT={exp}"));
            }
            _ => go_flags.push(arg.as_str()),
        }
        args = &args[1..];
    }
    if !go_flags.is_empty() {
        return Recipe::Skip(format!("needs go command flags `{}`", go_flags.join(" ")));
    }
    Recipe::Run {
        args: args.to_vec(),
        timeout,
    }
}

impl BuildContext {
    /// Whether a build tag is satisfied (run.go's `(*context).match` for linux/amd64).
    fn matches(&self, tag: &str) -> bool {
        let valid = !tag.is_empty()
            && tag
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '.');
        if !valid {
            return false;
        }
        if let Some(exp) = tag.strip_prefix("goexperiment.") {
            // Go 1.19's default experiments on amd64 (`go list -f {{context.ToolTags}}`).
            return matches!(exp, "regabiwrappers" | "regabiargs");
        }
        match tag {
            "cgo" => self.cgo,
            "linux" | "amd64" | "gc" | "test_run" => true,
            // gcflags_noopt only holds when GO_GCFLAGS disables optimization.
            _ => false,
        }
    }
}

/// run.go's `splitQuoted`: whitespace-separated fields, `'`/`"` quoting, `\` escapes.
pub fn split_quoted(s: &str) -> Result<Vec<String>, &'static str> {
    let mut args = Vec::new();
    let mut arg = String::new();
    let (mut escaped, mut quoted, mut quote) = (false, false, None);
    for c in s.chars() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
            continue;
        } else if let Some(q) = quote {
            if c == q {
                quote = None;
                continue;
            }
        } else if c == '"' || c == '\'' {
            quoted = true;
            quote = Some(c);
            continue;
        } else if c.is_whitespace() {
            if quoted || !arg.is_empty() {
                quoted = false;
                args.push(std::mem::take(&mut arg));
            }
            continue;
        }
        arg.push(c);
    }
    if quoted || !arg.is_empty() {
        args.push(arg);
    }
    if quote.is_some() {
        Err("unclosed quote")
    } else if escaped {
        Err("unfinished escaping")
    } else {
        Ok(args)
    }
}

/// A build constraint expression (go/build/constraint's `Expr`).
#[derive(Debug)]
pub enum Expr {
    Tag(String),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

impl Expr {
    pub fn eval(&self, ok: &dyn Fn(&str) -> bool) -> bool {
        match self {
            Expr::Tag(t) => ok(t),
            Expr::Not(x) => !x.eval(ok),
            Expr::And(x, y) => x.eval(ok) && y.eval(ok),
            Expr::Or(x, y) => x.eval(ok) || y.eval(ok),
        }
    }
}

/// go/build/constraint's `Parse`: a `//go:build` or `// +build` line, or `None` if the line
/// is not a (valid) constraint — run.go ignores such lines.
pub fn parse_constraint(line: &str) -> Option<Expr> {
    if let Some(rest) = line.strip_prefix("//go:build") {
        let text = directive_text(rest.trim_end())?;
        let mut p = ExprParser {
            toks: tokenize(text)?,
            pos: 0,
        };
        let x = p.or()?;
        return (p.pos == p.toks.len()).then_some(x);
    }
    let text = directive_text(line.strip_prefix("//")?.trim().strip_prefix("+build")?)?;
    Some(plus_build(text))
}

/// The text after a directive name, which must be followed by space or nothing
/// (so `//go:buildx` is not a constraint).
fn directive_text(rest: &str) -> Option<&str> {
    let trimmed = rest.trim();
    (rest.is_empty() || trimmed.len() != rest.len()).then_some(trimmed)
}

/// `// +build a,!b c`: space-separated alternatives of comma-separated conjunctions.
/// Malformed terms become the never-satisfied tag `ignore`, as in go/build/constraint.
fn plus_build(text: &str) -> Expr {
    let ignore = || Expr::Tag("ignore".into());
    let mut alts = text.split_whitespace().map(|clause| {
        let mut terms = clause.split(',').map(|lit| {
            if lit.starts_with("!!") || lit == "!" {
                return ignore();
            }
            let (neg, name) = match lit.strip_prefix('!') {
                Some(name) => (true, name),
                None => (false, lit),
            };
            let tag = if is_tag(name) {
                Expr::Tag(name.into())
            } else {
                ignore()
            };
            if neg {
                Expr::Not(Box::new(tag))
            } else {
                tag
            }
        });
        let first = terms.next().unwrap_or_else(ignore);
        terms.fold(first, |x, y| Expr::And(Box::new(x), Box::new(y)))
    });
    let first = alts.next().unwrap_or_else(ignore);
    alts.fold(first, |x, y| Expr::Or(Box::new(x), Box::new(y)))
}

fn is_tag(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
}

fn tokenize(text: &str) -> Option<Vec<String>> {
    let mut toks = Vec::new();
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        let len = if rest.starts_with("&&") || rest.starts_with("||") {
            2
        } else if rest.starts_with(['!', '(', ')']) {
            1
        } else {
            let n = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
                .unwrap_or(rest.len());
            if n == 0 {
                return None; // invalid character
            }
            n
        };
        toks.push(rest[..len].to_string());
        rest = rest[len..].trim_start();
    }
    Some(toks)
}

/// Recursive descent over `||`, `&&`, `!`, parentheses and tags.
struct ExprParser {
    toks: Vec<String>,
    pos: usize,
}

impl ExprParser {
    fn peek(&self) -> Option<&str> {
        self.toks.get(self.pos).map(String::as_str)
    }

    fn or(&mut self) -> Option<Expr> {
        let mut x = self.and()?;
        while self.peek() == Some("||") {
            self.pos += 1;
            x = Expr::Or(Box::new(x), Box::new(self.and()?));
        }
        Some(x)
    }

    fn and(&mut self) -> Option<Expr> {
        let mut x = self.not()?;
        while self.peek() == Some("&&") {
            self.pos += 1;
            x = Expr::And(Box::new(x), Box::new(self.not()?));
        }
        Some(x)
    }

    fn not(&mut self) -> Option<Expr> {
        if self.peek() == Some("!") {
            self.pos += 1;
            if self.peek() == Some("!") {
                return None; // "double negation not allowed"
            }
            return Some(Expr::Not(Box::new(self.atom()?)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Option<Expr> {
        let tok = self.peek()?.to_string();
        self.pos += 1;
        match tok.as_str() {
            "(" => {
                let x = self.or()?;
                (self.peek() == Some(")")).then(|| self.pos += 1)?;
                Some(x)
            }
            "&&" | "||" | "!" | ")" => None,
            _ => Some(Expr::Tag(tok)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CTX: BuildContext = BuildContext { cgo: false };

    fn ok(src: &str) -> bool {
        src.split('\n')
            .all(|l| parse_constraint(l).is_none_or(|x| x.eval(&|t| CTX.matches(t))))
    }

    #[test]
    fn constraints_like_run_go() {
        // The cases of run.go's checkShouldTest, with linux/amd64 substituted.
        assert!(ok("// +build linux"));
        assert!(ok("// +build !windows"));
        assert!(ok("// This is a test."));
        assert!(!ok("// +build arm 386"));
        assert!(!ok("// +build !linux,!plan9"));
        assert!(ok("// +build !windows\n// +build amd64"));
        assert!(!ok("// +build !windows\n// +build arm64"));
        assert!(ok("// +build !windows !plan9"));
        assert!(ok("//go:build !windows && (amd64 || arm)"));
        assert!(!ok("//go:build goexperiment.unified"));
        assert!(ok("//go:build goexperiment.regabiargs"));
        assert!(!ok("//go:build cgo"));
        assert!(!ok("// +build"));
        assert!(ok("//go:buildx arm")); // not a constraint
        assert!(ok("//go:build (")); // malformed: ignored
    }

    #[test]
    fn recipes() {
        let run = |args: &[&str]| Recipe::Run {
            args: args.iter().map(|s| s.to_string()).collect(),
            timeout: None,
        };
        assert_eq!(recipe("// run\n\npackage main\n", &CTX), run(&[]));
        assert_eq!(
            recipe("// run arg1 'a b'\n\npackage main\n", &CTX),
            run(&["arg1", "a b"])
        );
        // A +build first line is dropped; a +build line after the action becomes args.
        assert_eq!(
            recipe("// +build linux\n// run\n\npackage main\n", &CTX),
            run(&[])
        );
        assert_eq!(
            recipe("// run\n// +build amd64\n\npackage main\n", &CTX),
            run(&["//", "+build", "amd64"])
        );
        assert!(matches!(
            recipe("// run\n// +build arm\n\npackage main\n", &CTX),
            Recipe::Skip(_)
        ));
        assert!(matches!(
            recipe("// run -gcflags=-l\n\npackage main\n", &CTX),
            Recipe::Skip(_)
        ));
        assert!(matches!(
            recipe("// run -goexperiment fieldtrack\n\npackage main\n", &CTX),
            Recipe::Skip(_)
        ));
        assert_eq!(
            recipe("// run -t 30 x\n\npackage main\n", &CTX),
            Recipe::Run {
                args: vec!["x".into()],
                timeout: Some(30)
            }
        );
        assert_eq!(
            recipe("// errorcheck\n\npackage main\n", &CTX),
            Recipe::Other
        );
        assert_eq!(
            recipe("// runoutput\n\npackage main\n", &CTX),
            Recipe::Other
        );
    }
}
