use super::*;

/// Scans `src` to the end; returns the tokens (as text: names and literals as their
/// source, semicolons as `;` plus their kind, others as gc spells them) and the errors as
/// `line:col: msg`.
fn scan(src: &str) -> (Vec<String>, Vec<String>) {
    let file = SourceFile::new("x.go", src);
    let mut s = Scanner::new(&file);
    let mut toks = Vec::new();
    loop {
        s.next();
        let t = match s.tok {
            Token::Eof => break,
            Token::Name | Token::Literal => s.lit.to_string(),
            Token::Semi => format!(";{}", s.lit),
            Token::Operator | Token::Star => s.op.as_str().to_string(),
            Token::AssignOp => format!("{}=", s.op.as_str()),
            Token::IncOp => format!("{0}{0}", s.op.as_str()),
            t => t.as_str().to_string(),
        };
        toks.push(t);
        if toks.len() > 1000 {
            panic!("no progress");
        }
    }
    let errs = s
        .errors
        .iter()
        .map(|e| {
            let (l, c) = file.line_col(e.pos);
            format!("{l}:{c}: {}", e.msg)
        })
        .collect();
    (toks, errs)
}

fn toks(src: &str) -> Vec<String> {
    let (t, e) = scan(src);
    assert!(e.is_empty(), "{src:?}: unexpected errors {e:?}");
    t
}

fn errs(src: &str) -> Vec<String> {
    scan(src).1
}

#[test]
fn operators_and_keywords() {
    assert_eq!(
        toks("a += b &^= c &^ d && e || f <- g <= h << i <<= j >>= k != !l ~m ... . : := = =="),
        [
            "a", "+=", "b", "&^=", "c", "&^", "d", "&&", "e", "||", "f", "<-", "g", "<=", "h",
            "<<", "i", "<<=", "j", ">>=", "k", "!=", "!", "l", "~", "m", "...", ".", ":", ":=",
            "=", "=="
        ]
    );
    assert_eq!(toks("x.. y"), ["x", ".", ".", "y", ";EOF"]);
    assert_eq!(
        toks("break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var"),
        [
            "break", "case", "chan", "const", "continue", "default", "defer", "else",
            "fallthrough", "for", "func", "go", "goto", "if", "import", "interface", "map",
            "package", "range", "return", "select", "struct", "switch", "type", "var"
        ]
    );
}

#[test]
fn semicolon_insertion() {
    // after names, literals, break/continue/fallthrough/return, ++, --, ), ], }
    assert_eq!(
        toks("a\n1\n'x'\n\"s\"\n`r`\nbreak\ncontinue\nfallthrough\nreturn\ni++\ni--\n)\n]\n}\n"),
        [
            "a",
            ";newline",
            "1",
            ";newline",
            "'x'",
            ";newline",
            "\"s\"",
            ";newline",
            "`r`",
            ";newline",
            "break",
            ";newline",
            "continue",
            ";newline",
            "fallthrough",
            ";newline",
            "return",
            ";newline",
            "i",
            "++",
            ";newline",
            "i",
            "--",
            ";newline",
            ")",
            ";newline",
            "]",
            ";newline",
            "}",
            ";newline"
        ]
    );
    // not after operators, keywords that continue, or opening brackets
    assert_eq!(toks("a +\nb\n"), ["a", "+", "b", ";newline"]);
    assert_eq!(toks("func (\n{\n[\n,\n"), ["func", "(", "{", "[", "comma"]);
    // comments: a line comment ends at the newline, which still counts
    assert_eq!(toks("a // c\nb"), ["a", ";newline", "b", ";EOF"]);
    // a general comment spanning lines acts as a newline
    assert_eq!(toks("a /* x\n */ b"), ["a", ";newline", "b", ";EOF"]);
    assert_eq!(toks("a /* x */ b"), ["a", "b", ";EOF"]);
    assert_eq!(toks("a; b"), ["a", ";semicolon", "b", ";EOF"]);
    assert_eq!(toks("x // at eof"), ["x", ";EOF"]);
    assert_eq!(toks("\u{feff}a\r\nb"), ["a", ";newline", "b", ";EOF"]);
}

#[test]
fn number_literals() {
    for lit in [
        "0",
        "123",
        "0x1F",
        "0X_1f",
        "0o17",
        "0O17",
        "0777",
        "0b1010",
        "0B_1",
        "1_000_000",
        "0_7",
        "1.5",
        "1.",
        ".5",
        "1e10",
        "1E+5",
        "1.5e-3",
        "0x1p-2",
        "0x1.8p3",
        "0X.8P0",
        "1i",
        "0i",
        "1.5i",
        "0x1p2i",
        "0b1i",
        "0o7i",
        "089i",
        "089.5",
        "1e3i",
        "0.",
    ] {
        assert_eq!(toks(lit), [lit, ";EOF"], "{lit}");
    }
    let file = SourceFile::new("x.go", "0x1p-2 1.5i 'a' 7");
    let mut s = Scanner::new(&file);
    let mut kinds = Vec::new();
    for _ in 0..4 {
        s.next();
        kinds.push(s.kind);
    }
    assert_eq!(
        kinds,
        [LitKind::Float, LitKind::Imag, LitKind::Rune, LitKind::Int]
    );
}

#[test]
fn number_errors() {
    assert_eq!(errs("0x"), ["1:3: hexadecimal literal has no digits"]);
    assert_eq!(errs("0b"), ["1:3: binary literal has no digits"]);
    assert_eq!(errs("0o8"), ["1:3: invalid digit '8' in octal literal"]);
    assert_eq!(errs("0b102"), ["1:5: invalid digit '2' in binary literal"]);
    assert_eq!(errs("09"), ["1:2: invalid digit '9' in octal literal"]);
    assert_eq!(
        errs("0b1.0"),
        ["1:4: invalid radix point in binary literal"]
    );
    assert_eq!(
        errs("0x1.0"),
        ["1:6: hexadecimal mantissa requires a 'p' exponent"]
    );
    assert_eq!(errs("0x1e3p"), ["1:7: exponent has no digits"]);
    assert_eq!(
        errs("0b1e3"),
        ["1:4: 'e' exponent requires decimal mantissa"]
    );
    assert_eq!(
        errs("1p3"),
        ["1:2: 'p' exponent requires hexadecimal mantissa"]
    );
    assert_eq!(errs("1e"), ["1:3: exponent has no digits"]);
    assert_eq!(errs("1__2"), ["1:3: '_' must separate successive digits"]);
    assert_eq!(errs("12_"), ["1:3: '_' must separate successive digits"]);
    assert_eq!(errs("0x_"), ["1:4: hexadecimal literal has no digits"]);
    assert_eq!(errs("1_.5"), ["1:2: '_' must separate successive digits"]);
    assert_eq!(errs("0x1_p2"), ["1:4: '_' must separate successive digits"]);
}

#[test]
fn rune_and_string_literals() {
    for lit in [
        r"'a'",
        r"'\a'",
        r"'\b'",
        r"'\f'",
        r"'\n'",
        r"'\r'",
        r"'\t'",
        r"'\v'",
        r"'\\'",
        r"'\''",
        r"'\377'",
        r"'\x41'",
        r"'\u12e4'",
        r"'\U00101234'",
        "'ä'",
        "'本'",
        r#""\"""#,
        r#""a\x00\u00e9\U0001F600""#,
        r#""\000""#,
        "`a\\n\"`",
        "``",
        r#""""#,
    ] {
        assert_eq!(toks(lit), [lit, ";EOF"], "{lit}");
    }
}

#[test]
fn rune_and_string_errors() {
    assert_eq!(errs("''"), ["1:2: empty rune literal or unescaped '"]);
    assert_eq!(
        errs("'ab'"),
        ["1:1: more than one character in rune literal"]
    );
    assert_eq!(errs("'a"), ["1:1: rune literal not terminated"]);
    assert_eq!(
        errs("'a\n'"),
        [
            "1:3: newline in rune literal",
            "2:1: rune literal not terminated"
        ]
    );
    assert_eq!(errs(r"'\q'"), ["1:3: unknown escape"]);
    assert_eq!(errs(r#"'\"'"#), ["1:3: unknown escape"]);
    assert_eq!(errs(r#""\'""#), ["1:3: unknown escape"]);
    assert_eq!(errs(r"'\400'"), ["1:6: octal escape value 256 > 255"]);
    assert_eq!(
        errs(r"'\xg0'"),
        ["1:4: invalid character 'g' in hexadecimal escape"]
    );
    assert_eq!(
        errs(r"'\08'"),
        ["1:4: invalid character '8' in octal escape"]
    );
    assert_eq!(
        errs(r"'\uD800'"),
        ["1:8: escape is invalid Unicode code point U+D800"]
    );
    assert_eq!(
        errs(r"'\U00110000'"),
        ["1:12: escape is invalid Unicode code point U+110000"]
    );
    assert_eq!(
        errs("\"abc\n\""),
        ["1:5: newline in string", "2:1: string not terminated"]
    );
    assert_eq!(errs("\"abc"), ["1:1: string not terminated"]);
    assert_eq!(errs("`abc"), ["1:1: string not terminated"]);
    assert_eq!(errs("/* abc"), ["1:1: comment not terminated"]);
}

#[test]
fn raw_strings_keep_newlines() {
    assert_eq!(toks("`a\nb`\n"), ["`a\nb`", ";newline"]);
}

#[test]
fn identifiers() {
    assert_eq!(toks("αβ _x x1 ǅ 本"), ["αβ", "_x", "x1", "ǅ", "本", ";EOF"]);
    assert_eq!(
        errs("a·b"),
        ["1:2: invalid character U+00B7 '·' in identifier"]
    );
    assert_eq!(
        errs("٣x"),
        ["1:1: identifier cannot begin with digit U+0663 '٣'"]
    );
    assert_eq!(errs("x٣"), Vec::<String>::new());
}

#[test]
fn invalid_characters() {
    assert_eq!(errs("a @ b"), ["1:3: invalid character U+0040 '@'"]);
    assert_eq!(errs("a # b"), ["1:3: invalid character U+0023 '#'"]);
    assert_eq!(errs("a\u{0}b"), ["1:2: invalid NUL character"]);
    assert_eq!(
        errs("a \u{feff}b"),
        ["1:3: invalid BOM in the middle of the file"]
    );
    assert_eq!(errs("\u{7}"), ["1:1: invalid character U+0007"]);
    let file = SourceFile::from_bytes("x.go", b"a \xff b");
    let mut s = Scanner::new(&file);
    while s.tok != Token::Eof || s.errors.is_empty() {
        s.next();
        if s.tok == Token::Eof {
            break;
        }
    }
    assert_eq!(s.errors[0].msg, "invalid UTF-8 encoding");
    assert_eq!(s.errors[0].pos, Pos(2));
}

#[test]
fn directives() {
    let file = SourceFile::new(
        "x.go",
        "//go:build linux\n\npackage p\n\n//go:noinline\nfunc f() {} // go:not\nx //go:nosplit\n",
    );
    let mut s = Scanner::new(&file);
    loop {
        s.next();
        if s.tok == Token::Eof {
            break;
        }
    }
    let d: Vec<_> = s
        .directives
        .iter()
        .map(|d| (d.text.as_str(), d.line_start))
        .collect();
    assert_eq!(
        d,
        [
            ("go:build linux", true),
            ("go:noinline", true),
            ("go:nosplit", false)
        ]
    );
}
