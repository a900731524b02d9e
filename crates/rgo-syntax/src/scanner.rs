//! The Go scanner: source text → tokens, one at a time, on demand.
//!
//! It follows gc's scanner rather than go/scanner, because gc's error messages and positions
//! are the reference: the current character is kept decoded (`ch`, -1 at end of file), a
//! NUL, an invalid UTF-8 byte or a misplaced BOM is reported and then skipped as if absent,
//! and a literal that has an error is still returned as a literal (with `bad` set) so the
//! parser can go on. Semicolons are inserted at newlines and at end of file after the tokens
//! the spec lists. Comments are skipped, except that `//go:` directives are collected.

use crate::pos::{Error, Pos, SourceFile};
use crate::tables;
use std::fmt::Write;

/// A token kind. Names, literals and operators carry their text or operator in the scanner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Token {
    Eof,
    Name,
    Literal,
    /// A binary or unary operator; see [`Scanner::op`].
    Operator,
    /// `op=`
    AssignOp,
    /// `++` or `--`
    IncOp,
    Assign,
    Define,
    Arrow,
    Star,
    Lparen,
    Lbrack,
    Lbrace,
    Rparen,
    Rbrack,
    Rbrace,
    Comma,
    Semi,
    Colon,
    Dot,
    DotDotDot,
    Break,
    Case,
    Chan,
    Const,
    Continue,
    Default,
    Defer,
    Else,
    Fallthrough,
    For,
    Func,
    Go,
    Goto,
    If,
    Import,
    Interface,
    Map,
    Package,
    Range,
    Return,
    Select,
    Struct,
    Switch,
    Type,
    Var,
}

impl Token {
    /// The token as gc spells it in messages (`tokstring`).
    pub fn as_str(self) -> &'static str {
        use Token::*;
        match self {
            Eof => "EOF",
            Name => "name",
            Literal => "literal",
            Operator => "op",
            AssignOp => "op=",
            IncOp => "opop",
            Assign => "=",
            Define => ":=",
            Arrow => "<-",
            Star => "*",
            Lparen => "(",
            Lbrack => "[",
            Lbrace => "{",
            Rparen => ")",
            Rbrack => "]",
            Rbrace => "}",
            Comma => "comma",
            Semi => "semicolon or newline",
            Colon => ":",
            Dot => ".",
            DotDotDot => "...",
            Break => "break",
            Case => "case",
            Chan => "chan",
            Const => "const",
            Continue => "continue",
            Default => "default",
            Defer => "defer",
            Else => "else",
            Fallthrough => "fallthrough",
            For => "for",
            Func => "func",
            Go => "go",
            Goto => "goto",
            If => "if",
            Import => "import",
            Interface => "interface",
            Map => "map",
            Package => "package",
            Range => "range",
            Return => "return",
            Select => "select",
            Struct => "struct",
            Switch => "switch",
            Type => "type",
            Var => "var",
        }
    }

    fn keyword(s: &str) -> Option<Token> {
        use Token::*;
        Some(match s {
            "break" => Break,
            "case" => Case,
            "chan" => Chan,
            "const" => Const,
            "continue" => Continue,
            "default" => Default,
            "defer" => Defer,
            "else" => Else,
            "fallthrough" => Fallthrough,
            "for" => For,
            "func" => Func,
            "go" => Go,
            "goto" => Goto,
            "if" => If,
            "import" => Import,
            "interface" => Interface,
            "map" => Map,
            "package" => Package,
            "range" => Range,
            "return" => Return,
            "select" => Select,
            "struct" => Struct,
            "switch" => Switch,
            "type" => Type,
            "var" => Var,
            _ => return None,
        })
    }
}

/// Operators, for `Token::Operator`, `Token::AssignOp`, `Token::IncOp` and `Token::Star`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    None,
    Not,
    Tilde,
    OrOr,
    AndAnd,
    Eql,
    Neq,
    Lss,
    Leq,
    Gtr,
    Geq,
    Add,
    Sub,
    Or,
    Xor,
    Mul,
    Div,
    Rem,
    And,
    AndNot,
    Shl,
    Shr,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::None => "",
            Op::Not => "!",
            Op::Tilde => "~",
            Op::OrOr => "||",
            Op::AndAnd => "&&",
            Op::Eql => "==",
            Op::Neq => "!=",
            Op::Lss => "<",
            Op::Leq => "<=",
            Op::Gtr => ">",
            Op::Geq => ">=",
            Op::Add => "+",
            Op::Sub => "-",
            Op::Or => "|",
            Op::Xor => "^",
            Op::Mul => "*",
            Op::Div => "/",
            Op::Rem => "%",
            Op::And => "&",
            Op::AndNot => "&^",
            Op::Shl => "<<",
            Op::Shr => ">>",
        }
    }
}

/// Binary operator precedences (0 for unary-only operators).
pub const PREC_OROR: u8 = 1;
pub const PREC_ANDAND: u8 = 2;
pub const PREC_CMP: u8 = 3;
pub const PREC_ADD: u8 = 4;
pub const PREC_MUL: u8 = 5;

pub use crate::ast::LitKind;

/// A `//go:...` comment: `text` is the comment without `//`, `pos` the position of `go:`,
/// `line_start` whether only blanks precede it on its line.
#[derive(Clone, Debug)]
pub struct Directive {
    pub pos: Pos,
    pub text: String,
    pub line_start: bool,
}

const EOF: i32 = -1;

pub struct Scanner<'a> {
    file: &'a SourceFile,
    src: &'a str,
    /// The current character (-1 at end of file), its offset and its width in bytes.
    ch: i32,
    ch_off: usize,
    chw: usize,
    /// Whether a newline or EOF becomes a semicolon.
    nlsemi: bool,
    /// Offset of the start of the line holding the current character.
    line_start: usize,

    /// The current token and its position.
    pub tok: Token,
    pub pos: Pos,
    /// For `Name` and `Literal`: the source text; for `Semi`: "semicolon", "newline" or "EOF".
    pub lit: &'a str,
    pub kind: LitKind,
    /// For `Literal`: the literal is malformed (an error was reported).
    pub bad: bool,
    pub op: Op,
    pub prec: u8,
    /// Whether only blanks precede the current token on its line.
    pub line_blank: bool,

    pub errors: Vec<Error>,
    pub directives: Vec<Directive>,
}

impl<'a> Scanner<'a> {
    pub fn new(file: &'a SourceFile) -> Scanner<'a> {
        let mut s = Scanner {
            file,
            src: &file.src,
            ch: ' ' as i32,
            ch_off: 0,
            chw: 0,
            nlsemi: false,
            line_start: 0,
            tok: Token::Eof,
            pos: Pos(0),
            lit: "",
            kind: LitKind::Int,
            bad: false,
            op: Op::None,
            prec: 0,
            line_blank: true,
            errors: Vec::new(),
            directives: Vec::new(),
        };
        s.nextch();
        s
    }

    fn error_at(&mut self, off: usize, msg: String) {
        self.errors.push(Error {
            pos: Pos(off as u32),
            msg,
        });
    }

    /// Reports an error at the current character.
    fn error(&mut self, msg: String) {
        self.error_at(self.ch_off, msg)
    }

    /// Advances to the next character, reporting and skipping NULs, invalid UTF-8 and BOMs.
    fn nextch(&mut self) {
        loop {
            if self.ch == '\n' as i32 {
                self.line_start = self.ch_off + 1;
            }
            self.ch_off += self.chw;
            let Some(&b) = self.src.as_bytes().get(self.ch_off) else {
                self.ch = EOF;
                self.chw = 0;
                return;
            };
            if b < 0x80 {
                self.ch = b as i32;
                self.chw = 1;
                if b == 0 {
                    self.error("invalid NUL character".into());
                    continue;
                }
                return;
            }
            let c = self.src[self.ch_off..].chars().next().unwrap_or('\u{fffd}');
            self.ch = c as i32;
            self.chw = c.len_utf8();
            if c == '\u{fffd}' && self.file.is_invalid_utf8(Pos(self.ch_off as u32)) {
                self.error("invalid UTF-8 encoding".into());
                continue;
            }
            if c == '\u{feff}' {
                if self.ch_off > 0 {
                    self.error("invalid BOM in the middle of the file".into());
                }
                continue;
            }
            return;
        }
    }

    fn segment(&self, start: usize) -> &'a str {
        self.src.get(start..self.ch_off).unwrap_or("")
    }

    /// Scans the next token.
    pub fn next(&mut self) {
        let nlsemi = self.nlsemi;
        self.nlsemi = false;
        loop {
            let line_before = self.line_start;
            let at_line_start = self.ch_off == self.line_start;
            while self.ch == ' ' as i32
                || self.ch == '\t' as i32
                || self.ch == '\n' as i32 && !nlsemi
                || self.ch == '\r' as i32
            {
                self.nextch();
            }
            self.pos = Pos(self.ch_off as u32);
            self.line_blank = self.line_start > line_before || at_line_start;
            if self.scan_token(nlsemi) {
                return;
            }
        }
    }

    /// Scans one token starting at the current character; false if it was a comment or an
    /// invalid character, which the caller skips.
    fn scan_token(&mut self, nlsemi: bool) -> bool {
        let start = self.ch_off;
        let ch = self.ch;
        if ch < 0 {
            if nlsemi {
                self.lit = "EOF";
                self.tok = Token::Semi;
            } else {
                self.tok = Token::Eof;
            }
            return true;
        }
        let c = char::from_u32(ch as u32).unwrap_or('\u{fffd}');
        if is_letter(c) || !c.is_ascii() && self.at_ident_char(true) {
            self.nextch();
            self.ident(start);
            return true;
        }
        self.nextch();
        let tok = match c {
            '\n' => {
                self.lit = "newline";
                Token::Semi
            }
            '0'..='9' => {
                self.number(start, false);
                return true;
            }
            '"' => {
                self.std_string(start);
                return true;
            }
            '`' => {
                self.raw_string(start);
                return true;
            }
            '\'' => {
                self.rune(start);
                return true;
            }
            '(' => Token::Lparen,
            '[' => Token::Lbrack,
            '{' => Token::Lbrace,
            ',' => Token::Comma,
            ';' => {
                self.lit = "semicolon";
                Token::Semi
            }
            ')' => {
                self.nlsemi = true;
                Token::Rparen
            }
            ']' => {
                self.nlsemi = true;
                Token::Rbrack
            }
            '}' => {
                self.nlsemi = true;
                Token::Rbrace
            }
            ':' => {
                if self.got('=') {
                    Token::Define
                } else {
                    Token::Colon
                }
            }
            '.' => {
                if is_decimal(self.ch) {
                    self.number(start, true);
                    return true;
                }
                if self.ch == '.' as i32 && self.src.as_bytes().get(self.ch_off + 1) == Some(&b'.')
                {
                    self.nextch();
                    self.nextch();
                    Token::DotDotDot
                } else {
                    Token::Dot
                }
            }
            '+' | '-' => {
                let op = if c == '+' { Op::Add } else { Op::Sub };
                self.set_op(op, PREC_ADD);
                if self.got(c) {
                    self.nlsemi = true;
                    Token::IncOp
                } else {
                    self.assign_op()
                }
            }
            '*' => {
                self.set_op(Op::Mul, PREC_MUL);
                if self.got('=') {
                    Token::AssignOp
                } else {
                    Token::Star
                }
            }
            '/' => {
                if self.got('/') {
                    self.line_comment(start);
                    return false;
                }
                if self.got('*') {
                    let line_before = self.line_start;
                    self.full_comment(start);
                    if self.line_start > line_before && nlsemi {
                        self.lit = "newline";
                        self.tok = Token::Semi;
                        return true;
                    }
                    return false;
                }
                self.set_op(Op::Div, PREC_MUL);
                self.assign_op()
            }
            '%' => {
                self.set_op(Op::Rem, PREC_MUL);
                self.assign_op()
            }
            '&' => {
                if self.got('&') {
                    self.set_op(Op::AndAnd, PREC_ANDAND);
                    Token::Operator
                } else {
                    let op = if self.got('^') { Op::AndNot } else { Op::And };
                    self.set_op(op, PREC_MUL);
                    self.assign_op()
                }
            }
            '|' => {
                if self.got('|') {
                    self.set_op(Op::OrOr, PREC_OROR);
                    Token::Operator
                } else {
                    self.set_op(Op::Or, PREC_ADD);
                    self.assign_op()
                }
            }
            '^' => {
                self.set_op(Op::Xor, PREC_ADD);
                self.assign_op()
            }
            '<' => {
                if self.got('=') {
                    self.set_op(Op::Leq, PREC_CMP);
                    Token::Operator
                } else if self.got('<') {
                    self.set_op(Op::Shl, PREC_MUL);
                    self.assign_op()
                } else if self.got('-') {
                    Token::Arrow
                } else {
                    self.set_op(Op::Lss, PREC_CMP);
                    Token::Operator
                }
            }
            '>' => {
                if self.got('=') {
                    self.set_op(Op::Geq, PREC_CMP);
                    Token::Operator
                } else if self.got('>') {
                    self.set_op(Op::Shr, PREC_MUL);
                    self.assign_op()
                } else {
                    self.set_op(Op::Gtr, PREC_CMP);
                    Token::Operator
                }
            }
            '=' => {
                if self.got('=') {
                    self.set_op(Op::Eql, PREC_CMP);
                    Token::Operator
                } else {
                    Token::Assign
                }
            }
            '!' => {
                if self.got('=') {
                    self.set_op(Op::Neq, PREC_CMP);
                } else {
                    self.set_op(Op::Not, 0);
                }
                Token::Operator
            }
            '~' => {
                self.set_op(Op::Tilde, 0);
                Token::Operator
            }
            _ => {
                self.error_at(start, format!("invalid character {}", fmt_u(ch as u32)));
                return false;
            }
        };
        self.tok = tok;
        true
    }

    fn got(&mut self, c: char) -> bool {
        if self.ch == c as i32 {
            self.nextch();
            true
        } else {
            false
        }
    }

    fn set_op(&mut self, op: Op, prec: u8) {
        self.op = op;
        self.prec = prec;
    }

    fn assign_op(&mut self) -> Token {
        if self.got('=') {
            Token::AssignOp
        } else {
            Token::Operator
        }
    }

    fn ident(&mut self, start: usize) {
        while self.ch >= 0
            && self.ch < 0x80
            && (is_letter(self.ch as u8 as char) || is_decimal(self.ch))
        {
            self.nextch();
        }
        if self.ch >= 0x80 {
            while self.at_ident_char(false) {
                self.nextch();
            }
        }
        let lit = self.segment(start);
        if lit.len() >= 2 {
            if let Some(kw) = Token::keyword(lit) {
                self.nlsemi = matches!(
                    kw,
                    Token::Break | Token::Continue | Token::Fallthrough | Token::Return
                );
                self.tok = kw;
                return;
            }
        }
        self.nlsemi = true;
        self.lit = lit;
        self.tok = Token::Name;
    }

    /// Whether the current (non-ASCII, or any) character may continue an identifier;
    /// reports digits at the start and non-letters inside, as gc does, and accepts them.
    fn at_ident_char(&mut self, first: bool) -> bool {
        let Some(c) = u32::try_from(self.ch).ok().and_then(char::from_u32) else {
            return false;
        };
        if is_unicode_letter(c) || c == '_' {
            return true;
        }
        if is_unicode_digit(c) {
            if first {
                self.error(format!(
                    "identifier cannot begin with digit {}",
                    fmt_u(self.ch as u32)
                ));
            }
            return true;
        }
        if !c.is_ascii() {
            self.error(format!(
                "invalid character {} in identifier",
                fmt_u(self.ch as u32)
            ));
            return true;
        }
        false
    }

    fn set_lit(&mut self, start: usize, kind: LitKind, ok: bool) {
        self.nlsemi = true;
        self.tok = Token::Literal;
        self.lit = self.segment(start);
        self.bad = !ok;
        self.kind = kind;
    }

    /// Scans digits in `base`; returns bit 0 set if a digit was seen, bit 1 if a `_` was.
    /// Records in `invalid` the offset of the first digit not valid in a base <= 10.
    fn digits(&mut self, base: u32, mut invalid: Option<&mut Option<usize>>) -> u8 {
        let mut digsep = 0;
        loop {
            let c = self.ch;
            let is_digit = if base <= 10 { is_decimal(c) } else { is_hex(c) };
            if c == '_' as i32 {
                digsep |= 2;
            } else if is_digit {
                digsep |= 1;
                if base <= 10 && (c - '0' as i32) as u32 >= base {
                    if let Some(inv) = invalid.as_deref_mut() {
                        inv.get_or_insert(self.ch_off);
                    }
                }
            } else {
                return digsep;
            }
            self.nextch();
        }
    }

    fn number(&mut self, start: usize, mut seen_point: bool) {
        let mut ok = true;
        let mut kind = LitKind::Int;
        let mut base = 10;
        let mut prefix = '\0'; // '0' for legacy octal, or 'x', 'o', 'b'
        let mut digsep = 0;
        let mut invalid = None;

        if !seen_point {
            if self.src.as_bytes().get(start) == Some(&b'0') {
                match lower(self.ch) {
                    'x' => {
                        self.nextch();
                        (base, prefix) = (16, 'x');
                    }
                    'o' => {
                        self.nextch();
                        (base, prefix) = (8, 'o');
                    }
                    'b' => {
                        self.nextch();
                        (base, prefix) = (2, 'b');
                    }
                    _ => {
                        (base, prefix) = (8, '0');
                        digsep = 1; // the leading 0
                    }
                }
            } else {
                digsep = 1; // the first digit, already consumed
            }
            digsep |= self.digits(base, Some(&mut invalid));
            if self.ch == '.' as i32 {
                if prefix == 'o' || prefix == 'b' {
                    self.error(format!(
                        "invalid radix point in {} literal",
                        base_name(base)
                    ));
                    ok = false;
                }
                self.nextch();
                seen_point = true;
            }
        }

        if seen_point {
            kind = LitKind::Float;
            digsep |= self.digits(base, Some(&mut invalid));
        }

        if digsep & 1 == 0 && ok {
            self.error(format!("{} literal has no digits", base_name(base)));
            ok = false;
        }

        let e = lower(self.ch);
        if e == 'e' || e == 'p' {
            if ok {
                if e == 'e' && prefix != '\0' && prefix != '0' {
                    self.error(format!(
                        "{} exponent requires decimal mantissa",
                        quote_rune(self.ch)
                    ));
                    ok = false;
                } else if e == 'p' && prefix != 'x' {
                    self.error(format!(
                        "{} exponent requires hexadecimal mantissa",
                        quote_rune(self.ch)
                    ));
                    ok = false;
                }
            }
            self.nextch();
            kind = LitKind::Float;
            if self.ch == '+' as i32 || self.ch == '-' as i32 {
                self.nextch();
            }
            digsep = self.digits(10, None) | (digsep & 2);
            if digsep & 1 == 0 && ok {
                self.error("exponent has no digits".into());
                ok = false;
            }
        } else if prefix == 'x' && kind == LitKind::Float && ok {
            self.error("hexadecimal mantissa requires a 'p' exponent".into());
            ok = false;
        }

        if self.ch == 'i' as i32 {
            kind = LitKind::Imag;
            self.nextch();
        }

        self.set_lit(start, kind, ok);

        if kind == LitKind::Int && ok {
            if let Some(off) = invalid {
                let d = self.src.as_bytes().get(off).copied().unwrap_or(b'0');
                self.error_at(
                    off,
                    format!(
                        "invalid digit {} in {} literal",
                        quote_rune(d as i32),
                        base_name(base)
                    ),
                );
                ok = false;
            }
        }

        if digsep & 2 != 0 && ok {
            if let Some(i) = invalid_sep(self.lit) {
                self.error_at(start + i, "'_' must separate successive digits".into());
                ok = false;
            }
        }
        self.bad = !ok;
    }

    fn rune(&mut self, start: usize) {
        let mut ok = true;
        let mut n = 0;
        loop {
            if self.ch == '\'' as i32 {
                if ok {
                    if n == 0 {
                        self.error("empty rune literal or unescaped '".into());
                        ok = false;
                    } else if n != 1 {
                        self.error_at(start, "more than one character in rune literal".into());
                        ok = false;
                    }
                }
                self.nextch();
                break;
            }
            if self.ch == '\\' as i32 {
                self.nextch();
                if !self.escape('\'') {
                    ok = false;
                }
                n += 1;
                continue;
            }
            if self.ch == '\n' as i32 {
                if ok {
                    self.error("newline in rune literal".into());
                    ok = false;
                }
                break;
            }
            if self.ch < 0 {
                if ok {
                    self.error_at(start, "rune literal not terminated".into());
                    ok = false;
                }
                break;
            }
            self.nextch();
            n += 1;
        }
        self.set_lit(start, LitKind::Rune, ok);
    }

    fn std_string(&mut self, start: usize) {
        let mut ok = true;
        loop {
            if self.ch == '"' as i32 {
                self.nextch();
                break;
            }
            if self.ch == '\\' as i32 {
                self.nextch();
                if !self.escape('"') {
                    ok = false;
                }
                continue;
            }
            if self.ch == '\n' as i32 {
                self.error("newline in string".into());
                ok = false;
                break;
            }
            if self.ch < 0 {
                self.error_at(start, "string not terminated".into());
                ok = false;
                break;
            }
            self.nextch();
        }
        self.set_lit(start, LitKind::String, ok);
    }

    fn raw_string(&mut self, start: usize) {
        let mut ok = true;
        loop {
            if self.ch == '`' as i32 {
                self.nextch();
                break;
            }
            if self.ch < 0 {
                self.error_at(start, "string not terminated".into());
                ok = false;
                break;
            }
            self.nextch();
        }
        self.set_lit(start, LitKind::String, ok);
    }

    /// Scans an escape after `\`; reports an error and returns false if it is invalid.
    fn escape(&mut self, quote: char) -> bool {
        let c = self.ch;
        let (n, base, max): (u32, u32, u32) = match char::from_u32(c.max(0) as u32) {
            _ if c < 0 => return true, // the caller reports the missing end
            Some(x) if x == quote || "abfnrtv\\".contains(x) => {
                self.nextch();
                return true;
            }
            Some('0'..='7') => (3, 8, 255),
            Some('x') => {
                self.nextch();
                (2, 16, 255)
            }
            Some('u') => {
                self.nextch();
                (4, 16, 0x10FFFF)
            }
            Some('U') => {
                self.nextch();
                (8, 16, 0x10FFFF)
            }
            _ => {
                self.error("unknown escape".into());
                return false;
            }
        };
        let mut x: u32 = 0;
        for _ in 0..n {
            if self.ch < 0 {
                return true; // the caller reports the missing end
            }
            let d = if is_decimal(self.ch) {
                (self.ch - '0' as i32) as u32
            } else if ('a'..='f').contains(&lower(self.ch)) {
                lower(self.ch) as u32 - 'a' as u32 + 10
            } else {
                base
            };
            if d >= base {
                self.error(format!(
                    "invalid character {} in {} escape",
                    quote_rune(self.ch),
                    base_name(base)
                ));
                return false;
            }
            x = x.wrapping_mul(base).wrapping_add(d);
            self.nextch();
        }
        if x > max && base == 8 {
            self.error(format!("octal escape value {x} > 255"));
            return false;
        }
        if x > max || (0xD800..0xE000).contains(&x) {
            self.error(format!("escape is invalid Unicode code point {}", fmt_u(x)));
            return false;
        }
        true
    }

    fn skip_line(&mut self) {
        while self.ch >= 0 && self.ch != '\n' as i32 {
            self.nextch();
        }
    }

    /// `//` has been consumed; collects `//go:` directives.
    fn line_comment(&mut self, start: usize) {
        let is_directive = self.src.as_bytes().get(self.ch_off..self.ch_off + 3) == Some(b"go:");
        self.skip_line();
        if is_directive {
            let text = self.segment(start + 2);
            let text = text.strip_suffix('\r').unwrap_or(text);
            self.directives.push(Directive {
                pos: Pos(start as u32 + 2),
                text: text.to_string(),
                line_start: self.line_blank,
            });
        }
    }

    /// `/*` has been consumed.
    fn full_comment(&mut self, start: usize) {
        while self.ch >= 0 {
            if self.ch == '*' as i32 {
                self.nextch();
                if self.ch == '/' as i32 {
                    self.nextch();
                    return;
                }
            } else {
                self.nextch();
            }
        }
        self.error_at(start, "comment not terminated".into());
    }
}

fn lower(ch: i32) -> char {
    if (0..0x80).contains(&ch) {
        (ch as u8 | 0x20) as char
    } else {
        '\0'
    }
}

fn is_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_decimal(ch: i32) -> bool {
    ('0' as i32..='9' as i32).contains(&ch)
}

fn is_hex(ch: i32) -> bool {
    is_decimal(ch) || ('a'..='f').contains(&lower(ch))
}

fn in_table(table: &[(u32, u32)], c: u32) -> bool {
    table
        .binary_search_by(|&(lo, hi)| {
            if hi < c {
                std::cmp::Ordering::Less
            } else if lo > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// Go's `unicode.IsLetter`.
pub fn is_unicode_letter(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        in_table(tables::LETTER, c as u32)
    }
}

/// Go's `unicode.IsDigit`.
pub fn is_unicode_digit(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_digit()
    } else {
        in_table(tables::DIGIT, c as u32)
    }
}

/// Go's `unicode.IsPrint`.
fn is_print(c: u32) -> bool {
    if c < 0x80 {
        (0x20..0x7f).contains(&c)
    } else {
        in_table(tables::PRINT, c)
    }
}

fn base_name(base: u32) -> &'static str {
    match base {
        2 => "binary",
        8 => "octal",
        10 => "decimal",
        _ => "hexadecimal",
    }
}

/// Go's `%#U`: `U+0041 'A'`, or just `U+0000` if not printable.
fn fmt_u(c: u32) -> String {
    let mut s = format!("U+{c:04X}");
    if is_print(c) {
        if let Some(ch) = char::from_u32(c) {
            let _ = write!(s, " '{ch}'");
        }
    }
    s
}

/// Go's `%q` of a rune (strconv.QuoteRune).
pub fn quote_rune(ch: i32) -> String {
    let c = ch.max(0) as u32;
    let body = match char::from_u32(c) {
        Some('\'') => "\\'".to_string(),
        Some('\\') => "\\\\".to_string(),
        Some('\x07') => "\\a".to_string(),
        Some('\x08') => "\\b".to_string(),
        Some('\x0c') => "\\f".to_string(),
        Some('\n') => "\\n".to_string(),
        Some('\r') => "\\r".to_string(),
        Some('\t') => "\\t".to_string(),
        Some('\x0b') => "\\v".to_string(),
        Some(x) if is_print(c) => x.to_string(),
        _ if c < 0x80 => format!("\\x{c:02x}"),
        _ if c < 0x10000 => format!("\\u{c:04x}"),
        _ => format!("\\U{c:08x}"),
    };
    format!("'{body}'")
}

/// The offset of the first `_` in a number literal that does not separate two digits.
fn invalid_sep(x: &str) -> Option<usize> {
    let b = x.as_bytes();
    let mut x1 = b' '; // the prefix letter; only 'x' matters
    let mut d = b'.'; // the previous character class: '_', '0' (a digit) or '.' (other)
    let mut i = 0;
    if b.len() >= 2 && b[0] == b'0' {
        x1 = b[1] | 0x20;
        if x1 == b'x' || x1 == b'o' || x1 == b'b' {
            d = b'0';
            i = 2;
        }
    }
    while i < b.len() {
        let p = d;
        d = b[i];
        if d == b'_' {
            if p != b'0' {
                return Some(i);
            }
        } else if d.is_ascii_digit() || x1 == b'x' && d.is_ascii_hexdigit() {
            d = b'0';
        } else {
            if p == b'_' {
                return Some(i - 1);
            }
            d = b'.';
        }
        i += 1;
    }
    (d == b'_').then(|| b.len() - 1)
}

#[cfg(test)]
mod tests;
