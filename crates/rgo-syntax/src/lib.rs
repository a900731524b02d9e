//! rgo-syntax: Go source text → AST.
//!
//! Consumes one file's bytes; produces an [`ast::File`] and the list of syntax errors
//! (all-errors mode: the parser recovers and keeps going). Never panics on any input.
//!
//! The scanner, the parser and the branch checks follow gc's cmd/compile/internal/syntax,
//! so that errors carry gc's exact wording and positions; [`format_error`] prints them as
//! gc does. A few errors gc's type checker reports about shapes this AST cannot hold (a
//! non-name left of `:=`, a malformed select case, ...) are reported here too, and, as in
//! gc, only for files without syntax errors.
//!
//! Build the [`SourceFile`] with [`SourceFile::from_bytes`] so that invalid UTF-8 in the
//! file is reported as gc reports it. [`printer::expr_string`] renders an expression the
//! way gc quotes it in messages; [`literal`] decodes string and rune literals.

pub mod ast;
mod branches;
pub mod literal;
mod parser;
pub mod pos;
pub mod printer;
pub mod scanner;
mod tables;

pub use pos::{Error, Pos, SourceFile};

/// The outcome of parsing one file.
pub struct ParseResult {
    pub file: ast::File,
    /// Errors in gc's wording, sorted by position.
    pub errors: Vec<Error>,
    /// The first `NodeId` not used by this file (pass it as `first_id` for the next file).
    pub next_id: u32,
}

/// Stack for the parsing thread: deep enough for the nesting the parser accepts even in
/// unoptimized builds; only the pages used are ever committed.
const PARSER_STACK: usize = 256 << 20;

/// Parses one Go source file, numbering nodes from `first_id`.
///
/// Parsing recurses once per level of syntactic nesting, so it runs on a thread of its
/// own with a large stack (whatever the caller's stack), and nesting is bounded: at most
/// 1000 levels of parentheses, types, blocks and the like, 5000 `else if`s in a chain and
/// 10000 operators in one binary expression. Trees handed out are therefore of bounded
/// depth, though a recursive walk of a pathological one may still want a big stack.
pub fn parse_file(src: &SourceFile, first_id: u32) -> ParseResult {
    let run = || parser::Parser::new(src, first_id).parse();
    let (file, errors, next_id) = std::thread::scope(|s| {
        std::thread::Builder::new()
            .name("rgo-parse".into())
            .stack_size(PARSER_STACK)
            .spawn_scoped(s, run)
            .ok()
            .and_then(|h| h.join().ok())
    })
    .unwrap_or_else(run);
    ParseResult {
        file,
        errors: filter_errors(src, errors),
        next_id,
    }
}

/// Applies gc's reporting rules to errors in the order they were found: at most one syntax
/// error per line, no repeated message on a line; then sorts them by position.
fn filter_errors(src: &SourceFile, errors: Vec<Error>) -> Vec<Error> {
    let mut last_syntax_line = None;
    let mut last_other: Option<(u32, String)> = None;
    let mut out: Vec<Error> = Vec::with_capacity(errors.len());
    for e in errors {
        let line = src.line_col(e.pos).0;
        if e.msg.starts_with("syntax error") {
            if last_syntax_line == Some(line) {
                continue;
            }
            last_syntax_line = Some(line);
        } else {
            if matches!(&last_other, Some((l, m)) if *l == line && *m == e.msg) {
                continue;
            }
            last_other = Some((line, e.msg.clone()));
        }
        out.push(e);
    }
    out.sort_by_key(|e| e.pos);
    out.dedup();
    out
}

/// Formats an error as gc prints it: `file:line:col: msg`.
pub fn format_error(src: &SourceFile, e: &Error) -> String {
    format!("{}: {}", src.position(e.pos), e.msg)
}
