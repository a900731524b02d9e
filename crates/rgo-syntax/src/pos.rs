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
    /// Offsets in `src` of the U+FFFD characters that stand for invalid UTF-8 bytes of the
    /// original file (see [`SourceFile::from_bytes`]); the scanner reports each one.
    invalid_utf8: Vec<u32>,
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
            invalid_utf8: Vec::new(),
        }
    }

    /// Builds a source file from raw bytes: each byte that is not part of valid UTF-8 becomes
    /// U+FFFD and is remembered, so the parser can report gc's "invalid UTF-8 encoding".
    pub fn from_bytes(name: impl Into<String>, bytes: &[u8]) -> SourceFile {
        let mut src = String::with_capacity(bytes.len());
        let mut invalid = Vec::new();
        for chunk in bytes.utf8_chunks() {
            src.push_str(chunk.valid());
            for _ in chunk.invalid() {
                invalid.push(src.len() as u32);
                src.push(char::REPLACEMENT_CHARACTER);
            }
        }
        let mut f = SourceFile::new(name, src);
        f.invalid_utf8 = invalid;
        f
    }

    /// Whether the character at `pos` replaced an invalid UTF-8 byte.
    pub fn is_invalid_utf8(&self, pos: Pos) -> bool {
        self.invalid_utf8.binary_search(&pos.0).is_ok()
    }

    /// 1-based line and byte column of `pos`.
    pub fn line_col(&self, pos: Pos) -> (u32, u32) {
        let line = match self.line_starts.binary_search(&pos.0) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
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

    #[test]
    fn from_bytes_marks_invalid_utf8() {
        let f = SourceFile::from_bytes("a.go", b"a\xffb\xc3");
        assert_eq!(f.src, "a\u{fffd}b\u{fffd}");
        assert!(f.is_invalid_utf8(Pos(1)));
        assert!(f.is_invalid_utf8(Pos(5)));
        assert!(!f.is_invalid_utf8(Pos(4)));
    }
}
