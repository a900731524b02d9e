//! Source positions: a `Pos` is a byte offset into one file; `SourceFile` turns it into
//! gc's `file:line:col` (1-based line, 1-based byte column).

use std::fmt;

/// Byte offset into a source file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pos(pub u32);

pub struct SourceFile {
    /// The name printed in diagnostics (as given on the command line).
    pub name: String,
    pub src: String,
    line_starts: Vec<u32>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, src: impl Into<String>) -> SourceFile {
        let src = src.into();
        let mut line_starts = vec![0];
        for (i, b) in src.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(i as u32 + 1);
            }
        }
        SourceFile {
            name: name.into(),
            src,
            line_starts,
        }
    }

    /// 1-based line and byte column of `pos`.
    pub fn line_col(&self, pos: Pos) -> (u32, u32) {
        let line = match self.line_starts.binary_search(&pos.0) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        (line as u32 + 1, pos.0 - self.line_starts[line] + 1)
    }

    pub fn position(&self, pos: Pos) -> Position<'_> {
        let (line, col) = self.line_col(pos);
        Position {
            file: &self.name,
            line,
            col,
        }
    }
}

pub struct Position<'a> {
    pub file: &'a str,
    pub line: u32,
    pub col: u32,
}

impl fmt::Display for Position<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

/// A diagnostic at a position in one file: printed as `file:line:col: msg`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub pos: Pos,
    pub msg: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col() {
        let f = SourceFile::new("a.go", "ab\n\tc\n");
        assert_eq!(f.line_col(Pos(0)), (1, 1));
        assert_eq!(f.line_col(Pos(2)), (1, 3));
        assert_eq!(f.line_col(Pos(3)), (2, 1));
        assert_eq!(f.line_col(Pos(4)), (2, 2));
        assert_eq!(f.line_col(Pos(6)), (3, 1));
    }
}
