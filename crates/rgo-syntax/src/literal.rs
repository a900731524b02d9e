//! Values of string and rune literals.
//!
//! The AST keeps literals as source text (so the checker can report them verbatim); these
//! helpers decode them. Go strings are byte strings — `"\xff"` is not UTF-8 — so strings
//! decode to bytes. Both return `None` for text the scanner would have rejected.

/// The bytes of an interpreted (`"..."`) or raw (`` `...` ``) string literal. Raw strings
/// drop carriage returns, as the spec says.
pub fn unquote_string(lit: &str) -> Option<Vec<u8>> {
    if let Some(body) = lit.strip_prefix('`').and_then(|s| s.strip_suffix('`')) {
        return Some(body.bytes().filter(|&b| b != b'\r').collect());
    }
    let body = lit.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = Vec::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match escape(&mut chars, '"')? {
                Unit::Byte(b) => out.push(b),
                Unit::Char(c) => push_char(&mut out, c),
            }
        } else if c == '"' || c == '\n' {
            return None;
        } else {
            push_char(&mut out, c);
        }
    }
    Some(out)
}

/// The code point of a rune literal (`'a'`, `'\n'`, `'\377'`, `'\u00e9'`).
pub fn unquote_rune(lit: &str) -> Option<u32> {
    let body = lit.strip_prefix('\'')?.strip_suffix('\'')?;
    let mut chars = body.chars();
    let value = match chars.next()? {
        '\\' => match escape(&mut chars, '\'')? {
            Unit::Byte(b) => b as u32,
            Unit::Char(c) => c as u32,
        },
        '\'' | '\n' => return None,
        c => c as u32,
    };
    chars.next().is_none().then_some(value)
}

enum Unit {
    /// `\x..` and octal escapes denote single bytes.
    Byte(u8),
    Char(char),
}

fn push_char(out: &mut Vec<u8>, c: char) {
    let mut buf = [0; 4];
    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
}

/// Decodes an escape after `\`.
fn escape(chars: &mut std::str::Chars<'_>, quote: char) -> Option<Unit> {
    let c = chars.next()?;
    let simple = match c {
        'a' => Some('\x07'),
        'b' => Some('\x08'),
        'f' => Some('\x0c'),
        'n' => Some('\n'),
        'r' => Some('\r'),
        't' => Some('\t'),
        'v' => Some('\x0b'),
        '\\' => Some('\\'),
        _ if c == quote => Some(c),
        _ => None,
    };
    if let Some(s) = simple {
        return Some(Unit::Char(s));
    }
    let (digits, radix, first) = match c {
        '0'..='7' => (2, 8, c.to_digit(8)),
        'x' => (2, 16, None),
        'u' => (4, 16, None),
        'U' => (8, 16, None),
        _ => return None,
    };
    let mut v = first.unwrap_or(0);
    for _ in 0..digits {
        v = v
            .checked_mul(radix)?
            .checked_add(chars.next()?.to_digit(radix)?)?;
    }
    match c {
        '0'..='7' | 'x' => u8::try_from(v).ok().map(Unit::Byte),
        _ => char::from_u32(v).map(Unit::Char),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings() {
        assert_eq!(unquote_string(r#""a\tb""#).unwrap(), b"a\tb");
        assert_eq!(unquote_string(r#""\xff\377\u00e9\U0001F600""#).unwrap(), {
            let mut v = vec![0xff, 0xff];
            v.extend_from_slice("é😀".as_bytes());
            v
        });
        assert_eq!(unquote_string("`a\r\nb\\n`").unwrap(), b"a\nb\\n");
        assert_eq!(unquote_string(r#""\'""#), None);
        assert_eq!(unquote_string(r#""\400""#), None);
        assert_eq!(unquote_string(r#""\uD800""#), None);
    }

    #[test]
    fn runes() {
        assert_eq!(unquote_rune("'a'"), Some(97));
        assert_eq!(unquote_rune(r"'\''"), Some(39));
        assert_eq!(unquote_rune(r"'\377'"), Some(255));
        assert_eq!(unquote_rune(r"'\x41'"), Some(65));
        assert_eq!(unquote_rune("'é'"), Some(0xe9));
        assert_eq!(unquote_rune(r"'\U0010FFFF'"), Some(0x10FFFF));
        assert_eq!(unquote_rune("'ab'"), None);
        assert_eq!(unquote_rune(r#"'\"'"#), None);
        assert_eq!(unquote_rune("''"), None);
    }
}
