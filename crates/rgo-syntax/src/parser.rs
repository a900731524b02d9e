//! The recursive-descent parser.
//!
//! Its structure mirrors gc's parser (cmd/compile/internal/syntax) production by production,
//! on purpose: gc's error messages depend on exactly which production notices the problem
//! and on how it resynchronizes (`advance` to a follow set), and matching them is a goal.
//! Where gc builds intermediate nodes our AST lacks (list expressions, type switch guards,
//! range clauses) the parser uses small private types and lowers them into the AST.
//!
//! Two kinds of errors are kept apart: those gc's parser reports (always reported), and the
//! few that gc's type checker reports about shapes our AST cannot represent (a non-name on
//! the left of `:=`, a malformed select case, ...): gc only type-checks files that parsed
//! without syntax errors, so those are reported only when no syntax error occurred.
//!
//! Nesting is limited (`MAX_DEPTH`) so that no input can overflow the stack; past the limit
//! the parser reports an error and skips to the end of the file.

use crate::ast::*;
use crate::branches;
use crate::pos::{Error, Pos, SourceFile};
use crate::printer::{expr_list_string, expr_string, simple_stmt_string};
use crate::scanner::{Op, Scanner, Token};

/// Deepest syntactic nesting accepted (parenthesized expressions, nested types, blocks...).
const MAX_DEPTH: u32 = 1000;
/// Longest chain of binary operators and of `else if`s accepted: each element makes the
/// tree one level deeper.
const MAX_CHAIN: u32 = 10_000;
const MAX_ELSE_IF: u32 = 5_000;

pub(crate) struct Parser<'a> {
    file: &'a SourceFile,
    s: Scanner<'a>,
    next_id: u32,
    /// Errors gc's type checker would report; dropped if there is a syntax error.
    check_errors: Vec<Error>,
    /// Function nesting (in a function, statement keywords stop error recovery).
    fnest: u32,
    /// Expression nesting; -1 in control clause headers, where `{` cannot start a
    /// composite literal of a plain type name.
    xnest: i32,
    depth: u32,
    groups: u32,
    /// `s.directives[pragma_start..]` are the directives not yet claimed or discarded.
    pragma_start: usize,
}

/// A parameter as parsed, before names and types are matched up: a name without a type
/// shares the type of the next parameter (`a, b int`).
struct Param {
    pos: Pos,
    name: Option<Ident>,
    typ: Option<Expr>,
}

/// A simple statement, or one of the header forms only `for` and `switch` accept.
#[allow(clippy::large_enum_variant)] // short-lived: lowered at once into the AST
enum Simple {
    Stmt(Stmt),
    /// `[lhs (= | :=)] range x`; `pos` is that of `range`.
    Range {
        pos: Pos,
        lhs: Vec<Expr>,
        define: bool,
        x: Expr,
    },
    /// `bind := x.(type)`
    Guard {
        bind: Ident,
        x: Expr,
    },
}

/// The condition of an `if`, `for` or `switch` header.
enum Cond {
    Expr(Expr),
    Guard { bind: Ident, x: Expr },
}

struct Header {
    init: Option<Simple>,
    cond: Option<Cond>,
    post: Option<Simple>,
}

/// What `name [` turned out to start: an array type, or type arguments of `name`.
enum ArrayOrTArgs {
    Array(Expr),
    TArgs(Pos, Vec<Expr>),
}

/// Statement keywords where error recovery stops inside a function.
fn in_stopset(t: Token) -> bool {
    use Token::*;
    matches!(
        t,
        Break
            | Const
            | Continue
            | Defer
            | Fallthrough
            | For
            | Go
            | Goto
            | If
            | Return
            | Select
            | Switch
            | Type
            | Var
    )
}

fn bin_op(op: Op) -> Option<BinOp> {
    Some(match op {
        Op::OrOr => BinOp::OrOr,
        Op::AndAnd => BinOp::AndAnd,
        Op::Eql => BinOp::Eq,
        Op::Neq => BinOp::Ne,
        Op::Lss => BinOp::Lt,
        Op::Leq => BinOp::Le,
        Op::Gtr => BinOp::Gt,
        Op::Geq => BinOp::Ge,
        Op::Add => BinOp::Add,
        Op::Sub => BinOp::Sub,
        Op::Or => BinOp::Or,
        Op::Xor => BinOp::Xor,
        Op::Mul => BinOp::Mul,
        Op::Div => BinOp::Div,
        Op::Rem => BinOp::Rem,
        Op::And => BinOp::And,
        Op::AndNot => BinOp::AndNot,
        Op::Shl => BinOp::Shl,
        Op::Shr => BinOp::Shr,
        Op::None | Op::Not | Op::Tilde => return None,
    })
}

fn unparen(mut x: Expr) -> Expr {
    while let ExprKind::Paren(_) = x.kind {
        let ExprKind::Paren(inner) = x.kind else {
            break;
        };
        x = *inner;
    }
    x
}

fn unparen_ref(mut x: &Expr) -> &Expr {
    while let ExprKind::Paren(inner) = &x.kind {
        x = inner;
    }
    x
}

/// Whether `x` is certainly a type element (and not possibly a value).
fn is_type_elem(x: &Expr) -> bool {
    match &x.kind {
        ExprKind::ArrayType { .. }
        | ExprKind::StructType(_)
        | ExprKind::FuncType(_)
        | ExprKind::InterfaceType(_)
        | ExprKind::SliceType(_)
        | ExprKind::MapType(..)
        | ExprKind::ChanType(..) => true,
        ExprKind::Binary(_, l, r) => is_type_elem(l) || is_type_elem(r),
        ExprKind::Unary(op, x) => *op == UnOp::Tilde || is_type_elem(x),
        ExprKind::Star(x) => is_type_elem(x),
        ExprKind::Paren(x) => is_type_elem(x),
        _ => false,
    }
}

/// Whether `x` is certainly a value (and not possibly a type).
fn is_value(x: &Expr) -> bool {
    match &x.kind {
        ExprKind::BasicLit { .. }
        | ExprKind::CompositeLit { .. }
        | ExprKind::FuncLit { .. }
        | ExprKind::Slice { .. }
        | ExprKind::TypeAssert { .. }
        | ExprKind::Call { .. }
        | ExprKind::Unary(..)
        | ExprKind::Binary(..) => true,
        ExprKind::Paren(x) => is_value(x),
        ExprKind::Index(x, idx) => is_value(x) || idx.len() == 1 && is_value(&idx[0]),
        _ => false,
    }
}

/// Splits `x` into a type parameter name and its constraint if `x` can be read as
/// `name constraint` (`P *C`, `P []int`, `P ~int|string`, `P (C)`); the split happens only
/// if the constraint is certainly a type element, or if `force` is set. Gives `x` back if
/// it does not split.
fn extract_name(x: Expr, force: bool) -> Result<(Expr, Option<Expr>), Expr> {
    let Expr { id, pos, kind } = x;
    match kind {
        ExprKind::Name(_) => Ok((Expr { id, pos, kind }, None)),
        ExprKind::Binary(BinOp::Mul, l, r)
            if matches!(l.kind, ExprKind::Name(_)) && (force || is_type_elem(&r)) =>
        {
            Ok((
                *l,
                Some(Expr {
                    id,
                    pos,
                    kind: ExprKind::Star(r),
                }),
            ))
        }
        ExprKind::Binary(BinOp::Or, l, r) => {
            let force = force || is_type_elem(&r);
            match extract_name(*l, force) {
                Ok((name, Some(lhs))) => Ok((
                    name,
                    Some(Expr {
                        id,
                        pos,
                        kind: ExprKind::Binary(BinOp::Or, Box::new(lhs), r),
                    }),
                )),
                Ok((l, None)) | Err(l) => Err(Expr {
                    id,
                    pos,
                    kind: ExprKind::Binary(BinOp::Or, Box::new(l), r),
                }),
            }
        }
        ExprKind::Call {
            fun,
            mut args,
            dots: false,
        } if matches!(fun.kind, ExprKind::Name(_))
            && args.len() == 1
            && (force || is_type_elem(&args[0])) =>
        {
            let arg = args.pop();
            Ok((*fun, arg))
        }
        kind => Err(Expr { id, pos, kind }),
    }
}

/// The position where `x` starts in the source (gc's `syntax.StartPos`).
pub(crate) fn start_pos(x: &Expr) -> Pos {
    match &x.kind {
        ExprKind::CompositeLit { typ: Some(t), .. } => start_pos(t),
        ExprKind::Selector(x, _)
        | ExprKind::Index(x, _)
        | ExprKind::TypeAssert { x, .. }
        | ExprKind::Call { fun: x, .. }
        | ExprKind::Binary(_, x, _) => start_pos(x),
        _ => x.pos,
    }
}

impl<'a> Parser<'a> {
    pub(crate) fn new(file: &'a SourceFile, first_id: u32) -> Parser<'a> {
        let mut s = Scanner::new(file);
        s.next();
        Parser {
            file,
            s,
            next_id: first_id,
            check_errors: Vec::new(),
            fnest: 0,
            xnest: 0,
            depth: 0,
            groups: 0,
            pragma_start: 0,
        }
    }

    /// Parses the file; returns it, all errors in reporting order, and the next free id.
    pub(crate) fn parse(mut self) -> (File, Vec<Error>, u32) {
        let mut file = self.file_clause();
        for d in &self.s.directives {
            let Some(args) = d.text.strip_prefix("go:linkname") else {
                if let Some(expr) = d.text.strip_prefix("go:build") {
                    if d.line_start
                        && d.pos < file.pos
                        && file.go_build.is_none()
                        && (expr.is_empty() || expr.starts_with([' ', '\t']))
                    {
                        file.go_build = Some(expr.trim().to_string());
                    }
                }
                continue;
            };
            if !d.line_start || !(args.is_empty() || args.starts_with([' ', '\t'])) {
                continue;
            }
            let f: Vec<&str> = args.split_whitespace().collect();
            match f.as_slice() {
                [local] => file
                    .linknames
                    .push((d.pos, local.to_string(), String::new())),
                [local, remote] => {
                    file.linknames
                        .push((d.pos, local.to_string(), remote.to_string()))
                }
                _ => self.s.errors.push(Error {
                    pos: d.pos,
                    msg: "usage: //go:linkname localname [linkname]".into(),
                }),
            }
        }
        let mut errors = self.s.errors;
        if !errors.iter().any(|e| e.msg.starts_with("syntax error")) {
            errors.append(&mut self.check_errors);
        }
        (file, errors, self.next_id)
    }

    // ---- tokens and errors

    fn tok(&self) -> Token {
        self.s.tok
    }

    fn pos(&self) -> Pos {
        self.s.pos
    }

    fn next(&mut self) {
        self.s.next();
    }

    fn is_op(&self, op: Op) -> bool {
        self.s.tok == Token::Operator && self.s.op == op
    }

    fn got(&mut self, t: Token) -> bool {
        if self.s.tok == t {
            self.next();
            true
        } else {
            false
        }
    }

    fn want(&mut self, t: Token) {
        if !self.got(t) {
            self.syntax_error(&format!("expecting {}", t.as_str()));
            self.advance(&[]);
        }
    }

    /// Like `got(Assign)`, but also accepts `:=` (with an error), for better recovery.
    fn got_assign(&mut self) -> bool {
        match self.tok() {
            Token::Define => {
                self.syntax_error("expecting =");
                self.next();
                true
            }
            Token::Assign => {
                self.next();
                true
            }
            _ => false,
        }
    }

    fn error_at(&mut self, pos: Pos, msg: String) {
        self.s.errors.push(Error { pos, msg });
    }

    fn error(&mut self, msg: &str) {
        self.error_at(self.pos(), msg.to_string());
    }

    fn check_error(&mut self, pos: Pos, msg: String) {
        self.check_errors.push(Error { pos, msg });
    }

    fn syntax_error(&mut self, msg: &str) {
        self.syntax_error_at(self.pos(), msg);
    }

    /// Reports `syntax error: ...`; messages starting with "in", "at", "after" or
    /// "expecting" are completed with a description of the current token.
    fn syntax_error_at(&mut self, pos: Pos, msg: &str) {
        if self.tok() == Token::Eof && !self.s.errors.is_empty() {
            return; // avoid meaningless follow-up errors
        }
        let msg = if msg.is_empty() {
            String::new()
        } else if msg.starts_with("in ") || msg.starts_with("at ") || msg.starts_with("after ") {
            format!(" {msg}")
        } else if msg.starts_with("expecting ") {
            format!(", {msg}")
        } else {
            self.error_at(pos, format!("syntax error: {msg}"));
            return;
        };
        let tok = match self.tok() {
            Token::Name | Token::Semi => self.s.lit.to_string(),
            Token::Literal => format!("literal {}", self.s.lit),
            Token::Operator => self.s.op.as_str().to_string(),
            Token::AssignOp => format!("{}=", self.s.op.as_str()),
            Token::IncOp => format!("{0}{0}", self.s.op.as_str()),
            t => t.as_str().to_string(),
        };
        self.error_at(pos, format!("syntax error: unexpected {tok}{msg}"));
    }

    /// Skips tokens until one in `follow` (or, inside a function, a statement keyword);
    /// with an empty `follow`, skips exactly one token. Never skips EOF.
    fn advance(&mut self, follow: &[Token]) {
        if follow.is_empty() {
            if self.tok() != Token::Eof {
                self.next();
            }
            return;
        }
        while self.tok() != Token::Eof
            && !follow.contains(&self.tok())
            && !(self.fnest > 0 && in_stopset(self.tok()))
        {
            self.next();
        }
    }

    /// Enters one level of nesting; past the limit, gives up (see `bail_out`).
    fn enter(&mut self) -> bool {
        if self.depth >= MAX_DEPTH {
            self.bail_out("syntax error: nesting too deep");
            return false;
        }
        self.depth += 1;
        true
    }

    /// Reports `msg` (unless at EOF already) and skips the rest of the file, so that every
    /// production on the way back out ends at once.
    fn bail_out(&mut self, msg: &str) {
        if self.tok() != Token::Eof {
            self.error(msg);
            while self.tok() != Token::Eof {
                self.next();
            }
        }
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    // ---- pragmas

    fn clear_pragma(&mut self) {
        self.pragma_start = self.s.directives.len();
    }

    /// The `//go:` directives since the last declaration, for a function declaration.
    fn take_pragma(&mut self) -> Vec<String> {
        let list = self
            .s
            .directives
            .get(self.pragma_start..)
            .unwrap_or(&[])
            .iter()
            .filter(|d| {
                d.line_start
                    && !d.text.starts_with("go:linkname")
                    && !d.text.starts_with("go:build")
            })
            .map(|d| d.text.clone())
            .collect();
        self.clear_pragma();
        list
    }

    // ---- node construction

    fn new_id(&mut self) -> NodeId {
        let id = NodeId(self.next_id);
        self.next_id = self.next_id.wrapping_add(1);
        id
    }

    fn mk(&mut self, pos: Pos, kind: ExprKind) -> Expr {
        Expr {
            id: self.new_id(),
            pos,
            kind,
        }
    }

    fn bad_at(&mut self, pos: Pos) -> Expr {
        self.mk(pos, ExprKind::Bad)
    }

    fn bad_expr(&mut self) -> Expr {
        self.bad_at(self.pos())
    }

    fn ident(&mut self, pos: Pos, name: &str) -> Ident {
        Ident {
            id: self.new_id(),
            pos,
            name: name.to_string(),
        }
    }

    fn name_expr(n: Ident) -> Expr {
        Expr {
            id: n.id,
            pos: n.pos,
            kind: ExprKind::Name(n.name),
        }
    }

    fn expr_to_ident(x: Expr) -> Option<Ident> {
        match x.kind {
            ExprKind::Name(name) => Some(Ident {
                id: x.id,
                pos: x.pos,
                name,
            }),
            _ => None,
        }
    }

    // ---- files and declarations

    fn file_clause(&mut self) -> File {
        let pos = self.pos();
        let mut f = File {
            pos,
            package: Ident {
                id: NodeId(0),
                pos,
                name: "_".into(),
            },
            imports: Vec::new(),
            decls: Vec::new(),
            go_build: None,
            linknames: Vec::new(),
            eof: pos,
        };
        if !self.got(Token::Package) {
            self.syntax_error("package statement must be first");
            f.package.id = self.new_id();
            return f;
        }
        self.clear_pragma();
        f.package = self.name();
        self.want(Token::Semi);
        if !self.s.errors.is_empty() {
            // gc does not go on if the package clause has errors
            return f;
        }

        while self.got(Token::Import) {
            let mut imports = Vec::new();
            self.append_group(&mut imports, |p, _, _| p.import_decl());
            f.imports.extend(imports);
            self.want(Token::Semi);
        }

        while self.tok() != Token::Eof {
            match self.tok() {
                Token::Const => {
                    self.next();
                    self.append_group(&mut f.decls, |p, g, i| Some(p.const_decl(g, i)));
                }
                Token::Type => {
                    self.next();
                    self.append_group(&mut f.decls, |p, g, _| Some(p.type_decl(g)));
                }
                Token::Var => {
                    self.next();
                    self.append_group(&mut f.decls, |p, g, _| Some(p.var_decl(g)));
                }
                Token::Func => {
                    let kw = self.pos();
                    self.next();
                    if let Some(d) = self.func_decl_or_nil(kw) {
                        f.decls.push(Decl::Func(d));
                    }
                }
                _ => {
                    let after_bodyless_func =
                        matches!(f.decls.last(), Some(Decl::Func(d)) if d.body.is_none());
                    if self.tok() == Token::Lbrace && after_bodyless_func {
                        self.syntax_error("unexpected semicolon or newline before {");
                    } else {
                        self.syntax_error("non-declaration statement outside function body");
                    }
                    self.advance(&[Token::Const, Token::Type, Token::Var, Token::Func]);
                    continue;
                }
            }
            // Discard pragmas before consuming ';': the comments after it belong to the
            // next declaration.
            self.clear_pragma();
            if self.tok() != Token::Eof && !self.got(Token::Semi) {
                self.syntax_error("after top level declaration");
                self.advance(&[Token::Const, Token::Type, Token::Var, Token::Func]);
            }
        }
        self.clear_pragma();
        f.eof = self.pos();
        f
    }

    /// Parses the `list` of comma- or semicolon-separated elements up to `close`, calling
    /// `f` for each (which returns true to stop); returns the position of `close`.
    fn list(
        &mut self,
        context: &str,
        sep: Token,
        close: Token,
        mut f: impl FnMut(&mut Self) -> bool,
    ) -> Pos {
        let mut done = false;
        while self.tok() != Token::Eof && self.tok() != close && !done {
            done = f(self);
            if !self.got(sep) && self.tok() != close {
                self.syntax_error(&format!(
                    "in {context}; possibly missing {} or {}",
                    sep.as_str(),
                    close.as_str()
                ));
                self.advance(&[Token::Rparen, Token::Rbrack, Token::Rbrace]);
                if self.tok() != close {
                    return self.pos();
                }
            }
        }
        let pos = self.pos();
        self.want(close);
        pos
    }

    /// A single spec, or a parenthesized group of them; `f` gets the group and the index
    /// of the spec within it.
    fn append_group<T>(
        &mut self,
        out: &mut Vec<T>,
        mut f: impl FnMut(&mut Self, Option<Group>, u32) -> Option<T>,
    ) {
        if self.tok() == Token::Lparen {
            self.groups += 1;
            let g = Group(self.groups);
            self.clear_pragma();
            self.next();
            let mut index = 0;
            self.list("grouped declaration", Token::Semi, Token::Rparen, |p| {
                if let Some(x) = f(p, Some(g), index) {
                    out.push(x);
                }
                index += 1;
                false
            });
        } else if let Some(x) = f(self, None, 0) {
            out.push(x);
        }
    }

    fn import_decl(&mut self) -> Option<ImportDecl> {
        let pos = self.pos();
        let local_name = match self.tok() {
            Token::Name => Some(self.name()),
            Token::Dot => {
                let n = self.ident(pos, ".");
                self.next();
                Some(n)
            }
            _ => None,
        };
        let Some((path_pos, kind, lit, bad)) = self.oliteral() else {
            self.syntax_error("missing import path");
            self.advance(&[Token::Semi, Token::Rparen]);
            return None;
        };
        if bad {
            return None;
        }
        if kind != LitKind::String {
            self.syntax_error_at(self.pos(), "import path must be a string");
            return None;
        }
        let path = crate::literal::unquote_string(lit)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        Some(ImportDecl {
            pos,
            local_name,
            path,
            path_pos,
        })
    }

    fn const_decl(&mut self, group: Option<Group>, iota: u32) -> Decl {
        let pos = self.pos();
        let first = self.name();
        let names = self.name_list(first);
        let mut typ = None;
        let mut values = Vec::new();
        if !matches!(self.tok(), Token::Eof | Token::Semi | Token::Rparen) {
            typ = self.type_or_nil();
            if self.got_assign() {
                values = self.expr_list();
            }
        }
        Decl::Const(ConstDecl {
            pos,
            group,
            iota,
            names,
            typ,
            values,
        })
    }

    fn type_decl(&mut self, group: Option<Group>) -> Decl {
        let pos = self.pos();
        let name = self.name();
        let mut tparams = Vec::new();
        let mut alias = false;
        let typ;
        if self.tok() == Token::Lbrack {
            // An array or slice type, or a type parameter list.
            let lbrack = self.pos();
            self.next();
            match self.tok() {
                Token::Name => {
                    // `[P` may start an array length expression or a type parameter list;
                    // parse an expression and see whether it splits into `P constraint`.
                    // A name followed by `[` starts a constraint (`P []E`): an index
                    // expression is never a constant array length.
                    let mut x = Self::name_expr(self.name());
                    if self.tok() != Token::Lbrack {
                        self.xnest += 1;
                        let px = self.pexpr(Some(x), false);
                        x = self.binary_expr(Some(px), 0);
                        self.xnest -= 1;
                    }
                    let comma = self.tok() == Token::Comma;
                    match extract_name(x, comma) {
                        Ok((pname, ptype)) if ptype.is_some() || self.tok() != Token::Rbrack => {
                            let pname = Self::expr_to_ident(pname);
                            let list = self.param_list(pname, ptype, Token::Rbrack, true);
                            tparams = group_params(list);
                            alias = self.got_assign();
                            typ = self.type_or_nil();
                        }
                        Ok((x, _)) | Err(x) => typ = Some(self.array_type(lbrack, Some(x))),
                    }
                }
                Token::Rbrack => {
                    self.next();
                    typ = Some(self.slice_type(lbrack));
                }
                _ => typ = Some(self.array_type(lbrack, None)),
            }
        } else {
            alias = self.got_assign();
            typ = self.type_or_nil();
        }
        let typ = match typ {
            Some(t) => t,
            None => {
                let t = self.bad_expr();
                self.syntax_error("in type declaration");
                self.advance(&[Token::Semi, Token::Rparen]);
                t
            }
        };
        Decl::Type(TypeDecl {
            pos,
            group,
            name,
            tparams,
            alias,
            typ,
        })
    }

    fn var_decl(&mut self, group: Option<Group>) -> Decl {
        let pos = self.pos();
        let first = self.name();
        let names = self.name_list(first);
        let mut typ = None;
        let mut values = Vec::new();
        if self.got_assign() {
            values = self.expr_list();
        } else {
            typ = Some(self.type_());
            if self.got_assign() {
                values = self.expr_list();
            }
        }
        Decl::Var(VarDecl {
            pos,
            group,
            names,
            typ,
            values,
        })
    }

    /// `func` has been consumed; `kw` is its position.
    fn func_decl_or_nil(&mut self, kw: Pos) -> Option<FuncDecl> {
        let pos = self.pos();
        let pragmas = self.take_pragma();
        let mut recv = None;
        if self.got(Token::Lparen) {
            let list = self.param_list(None, None, Token::Rparen, false);
            match list.len() {
                0 => self.error("method has no receiver"),
                n => {
                    if n > 1 {
                        self.error("method has multiple receivers");
                    }
                    recv = group_params(list).into_iter().next().map(|mut f| {
                        f.names.truncate(1);
                        f
                    });
                }
            }
        }
        if self.tok() != Token::Name {
            self.syntax_error("expecting name or (");
            self.advance(&[Token::Lbrace, Token::Semi]);
            return None;
        }
        let name = self.name();
        let context = if recv.is_some() { "method" } else { "" };
        let (tparams, sig) = self.func_type(kw, context);
        let body = (self.tok() == Token::Lbrace).then(|| self.func_body());
        Some(FuncDecl {
            pos,
            pragmas,
            recv,
            name,
            tparams,
            sig,
            body,
        })
    }

    fn func_body(&mut self) -> Block {
        self.fnest += 1;
        let errors = self.s.errors.len();
        let body = self.block_stmt("");
        self.fnest -= 1;
        // Branch errors only make sense in functions without syntax errors.
        if errors == self.s.errors.len() {
            branches::check(self.file, &body, &mut self.s.errors);
        }
        body
    }

    // ---- expressions

    fn expr(&mut self) -> Expr {
        self.binary_expr(None, 0)
    }

    fn binary_expr(&mut self, x: Option<Expr>, prec: u8) -> Expr {
        let mut x = match x {
            Some(x) => x,
            None => self.unary_expr(),
        };
        let mut chain = 0;
        while matches!(self.tok(), Token::Operator | Token::Star) && self.s.prec > prec {
            chain += 1;
            if chain > MAX_CHAIN {
                self.bail_out("syntax error: expression too long");
                break;
            }
            let pos = self.pos();
            let op = self.s.op;
            let tprec = self.s.prec;
            self.next();
            let y = self.binary_expr(None, tprec);
            let Some(op) = bin_op(op) else {
                return x;
            };
            x = self.mk(pos, ExprKind::Binary(op, Box::new(x), Box::new(y)));
        }
        x
    }

    fn unary_expr(&mut self) -> Expr {
        if !self.enter() {
            return self.bad_expr();
        }
        let x = self.unary_expr_inner();
        self.leave();
        x
    }

    fn unary_expr_inner(&mut self) -> Expr {
        let pos = self.pos();
        match self.tok() {
            Token::Operator | Token::Star => {
                let op = match self.s.op {
                    Op::Mul => None,
                    Op::Add => Some(UnOp::Pos),
                    Op::Sub => Some(UnOp::Neg),
                    Op::Not => Some(UnOp::Not),
                    Op::Xor => Some(UnOp::Xor),
                    Op::Tilde => Some(UnOp::Tilde),
                    Op::And => Some(UnOp::Addr),
                    _ => return self.pexpr(None, true),
                };
                self.next();
                let x = self.unary_expr();
                let kind = match op {
                    None => ExprKind::Star(Box::new(x)),
                    // `&(T{})`: drop the parentheses gc's operand keeps for complits
                    Some(UnOp::Addr) => ExprKind::Unary(UnOp::Addr, Box::new(unparen(x))),
                    Some(op) => ExprKind::Unary(op, Box::new(x)),
                };
                self.mk(pos, kind)
            }
            Token::Arrow => {
                self.next();
                // `<-chan T` is a type, `<-x` a receive: only the operand tells.
                let mut x = self.unary_expr();
                if matches!(x.kind, ExprKind::ChanType(..)) {
                    self.reassociate_arrow(&mut x);
                    return x;
                }
                self.mk(pos, ExprKind::Unary(UnOp::Recv, Box::new(x)))
            }
            _ => self.pexpr(None, true),
        }
    }

    /// `<-` followed by channel type `x`: the arrow belongs to the channel type,
    /// `<-(chan E)` is `<-chan E` and `<-(chan<- E)` is `<-chan (<-E)`.
    fn reassociate_arrow(&mut self, x: &mut Expr) {
        fn walk(t: &mut Expr, errors: &mut Vec<String>) {
            match &mut t.kind {
                ExprKind::ChanType(dir, elem) => {
                    let old = *dir;
                    if old == ChanDir::Recv {
                        // <-<-chan E is not permitted
                        errors.push("unexpected <-, expecting chan".to_string());
                    }
                    *dir = ChanDir::Recv;
                    if old == ChanDir::Send {
                        walk(elem, errors);
                    }
                }
                _ => errors.push(format!("unexpected {}, expecting chan", expr_string(t))),
            }
        }
        let mut errors = Vec::new();
        walk(x, &mut errors);
        for e in errors {
            self.syntax_error(&e);
        }
    }

    fn call_stmt(&mut self) -> Stmt {
        let pos = self.pos();
        let kw = self.tok();
        self.next();
        let mut x = self.pexpr(None, self.tok() == Token::Lparen);
        if matches!(x.kind, ExprKind::Paren(_)) {
            self.error_at(
                x.pos,
                format!("expression in {} must not be parenthesized", kw.as_str()),
            );
            x = unparen(x);
        }
        if !matches!(x.kind, ExprKind::Call { .. }) {
            self.error_at(
                x.pos,
                format!("expression in {} must be function call", kw.as_str()),
            );
            // assume the common error of leaving out the parentheses
            let p = x.pos;
            x = self.mk(
                p,
                ExprKind::Call {
                    fun: Box::new(x),
                    args: Vec::new(),
                    dots: false,
                },
            );
        }
        let kind = if kw == Token::Go {
            StmtKind::Go(x)
        } else {
            StmtKind::Defer(x)
        };
        Stmt { pos, kind }
    }

    fn operand(&mut self, keep_parens: bool) -> Expr {
        let pos = self.pos();
        match self.tok() {
            Token::Name => {
                let n = self.name();
                Self::name_expr(n)
            }
            Token::Literal => match self.oliteral() {
                Some((pos, kind, value, false)) => self.mk(
                    pos,
                    ExprKind::BasicLit {
                        kind,
                        value: value.to_string(),
                    },
                ),
                _ => self.bad_at(pos),
            },
            Token::Lparen => {
                self.next();
                self.xnest += 1;
                let x = self.expr();
                self.xnest -= 1;
                self.want(Token::Rparen);
                // Parentheses are kept where an error may need them: around a complit
                // type (`(T){}`, not permitted) and in go/defer statements.
                if keep_parens || self.tok() == Token::Lbrace {
                    self.mk(pos, ExprKind::Paren(Box::new(x)))
                } else {
                    x
                }
            }
            Token::Func => {
                self.next();
                let (_, sig) = self.func_type(pos, "function type");
                if self.tok() == Token::Lbrace {
                    self.xnest += 1;
                    let body = self.func_body();
                    self.xnest -= 1;
                    self.mk(pos, ExprKind::FuncLit { sig, body })
                } else {
                    self.mk(pos, ExprKind::FuncType(sig))
                }
            }
            Token::Lbrack | Token::Chan | Token::Map | Token::Struct | Token::Interface => {
                self.type_()
            }
            _ => {
                let x = self.bad_expr();
                self.syntax_error("expecting expression");
                self.advance(&[Token::Rparen, Token::Rbrack, Token::Rbrace]);
                x
            }
        }
    }

    /// PrimaryExpr: an operand (or `x`) followed by selectors, indices, slices, type
    /// assertions, calls and composite literal bodies.
    fn pexpr(&mut self, x: Option<Expr>, keep_parens: bool) -> Expr {
        let mut x = match x {
            Some(x) => x,
            None => self.operand(keep_parens),
        };
        loop {
            let pos = self.pos();
            match self.tok() {
                Token::Dot => {
                    self.next();
                    match self.tok() {
                        Token::Name => {
                            let sel = self.name();
                            x = self.mk(pos, ExprKind::Selector(Box::new(x), sel));
                        }
                        Token::Lparen => {
                            self.next();
                            let typ = if self.got(Token::Type) {
                                None
                            } else {
                                Some(Box::new(self.type_()))
                            };
                            x = self.mk(
                                pos,
                                ExprKind::TypeAssert {
                                    x: Box::new(x),
                                    typ,
                                },
                            );
                            self.want(Token::Rparen);
                        }
                        _ => {
                            self.syntax_error("expecting name or (");
                            self.advance(&[Token::Semi, Token::Rparen]);
                        }
                    }
                }
                Token::Lbrack => {
                    self.next();
                    if self.tok() == Token::Rbrack {
                        // invalid empty instance, slice or index expression
                        self.syntax_error("expecting operand");
                        self.next();
                        continue;
                    }
                    let mut lo = None;
                    if self.tok() != Token::Colon {
                        let (list, comma) = self.type_list();
                        if comma || self.tok() == Token::Rbrack {
                            self.want(Token::Rbrack);
                            x = self.mk(pos, ExprKind::Index(Box::new(x), list));
                            continue;
                        }
                        lo = list.into_iter().next().map(Box::new);
                    }
                    // x[lo:...
                    if !self.got(Token::Colon) {
                        self.syntax_error("expecting comma, : or ]");
                        self.advance(&[Token::Comma, Token::Colon, Token::Rbrack]);
                    }
                    self.xnest += 1;
                    let mut hi = None;
                    let mut max = None;
                    let mut full = false;
                    if self.tok() != Token::Colon && self.tok() != Token::Rbrack {
                        hi = Some(Box::new(self.expr()));
                    }
                    if self.tok() == Token::Colon {
                        full = true;
                        if hi.is_none() {
                            self.error("middle index required in 3-index slice");
                            hi = Some(Box::new(self.bad_expr()));
                        }
                        self.next();
                        if self.tok() != Token::Rbrack {
                            max = Some(Box::new(self.expr()));
                        } else {
                            self.error("final index required in 3-index slice");
                            max = Some(Box::new(self.bad_expr()));
                        }
                    }
                    self.xnest -= 1;
                    self.want(Token::Rbrack);
                    x = self.mk(
                        pos,
                        ExprKind::Slice {
                            x: Box::new(x),
                            lo,
                            hi,
                            max,
                            full,
                        },
                    );
                }
                Token::Lparen => {
                    self.next();
                    let (args, dots) = self.arg_list();
                    x = self.mk(
                        pos,
                        ExprKind::Call {
                            fun: Box::new(x),
                            args,
                            dots,
                        },
                    );
                }
                Token::Lbrace => {
                    // Does `{` start a composite literal or a block?
                    let t = unparen_ref(&x);
                    let complit_ok = match &t.kind {
                        ExprKind::Name(_) | ExprKind::Selector(..) => self.xnest >= 0,
                        ExprKind::Index(..) => self.xnest >= 0 && !is_value(t),
                        ExprKind::ArrayType { .. }
                        | ExprKind::SliceType(_)
                        | ExprKind::StructType(_)
                        | ExprKind::MapType(..) => true,
                        _ => false,
                    };
                    if !complit_ok {
                        break;
                    }
                    if matches!(x.kind, ExprKind::Paren(_)) {
                        self.syntax_error("cannot parenthesize type in composite literal");
                    }
                    let mut n = self.complit_expr();
                    if let ExprKind::CompositeLit { typ, .. } = &mut n.kind {
                        *typ = Some(Box::new(x));
                    }
                    x = n;
                }
                _ => break,
            }
        }
        x
    }

    /// Element = Expression | LiteralValue .
    fn bare_complit_expr(&mut self) -> Expr {
        if self.tok() == Token::Lbrace {
            self.complit_expr()
        } else {
            self.expr()
        }
    }

    /// LiteralValue = "{" [ ElementList [ "," ] ] "}" .
    fn complit_expr(&mut self) -> Expr {
        let pos = self.pos();
        if !self.enter() {
            return self.bad_expr();
        }
        self.xnest += 1;
        self.want(Token::Lbrace);
        let mut elems = Vec::new();
        let rbrace = self.list("composite literal", Token::Comma, Token::Rbrace, |p| {
            let mut e = p.bare_complit_expr();
            if p.tok() == Token::Colon {
                let colon = p.pos();
                p.next();
                let v = p.bare_complit_expr();
                e = p.mk(colon, ExprKind::KeyValue(Box::new(e), Box::new(v)));
            }
            elems.push(e);
            false
        });
        self.xnest -= 1;
        self.leave();
        self.mk(
            pos,
            ExprKind::CompositeLit {
                typ: None,
                elems,
                rbrace,
            },
        )
    }

    // ---- types

    fn type_(&mut self) -> Expr {
        match self.type_or_nil() {
            Some(t) => t,
            None => {
                let t = self.bad_expr();
                self.syntax_error("expecting type");
                self.advance(&[
                    Token::Comma,
                    Token::Colon,
                    Token::Semi,
                    Token::Rparen,
                    Token::Rbrack,
                    Token::Rbrace,
                ]);
                t
            }
        }
    }

    fn type_or_nil(&mut self) -> Option<Expr> {
        if !self.enter() {
            return Some(self.bad_expr());
        }
        let t = self.type_or_nil_inner();
        self.leave();
        t
    }

    fn type_or_nil_inner(&mut self) -> Option<Expr> {
        let pos = self.pos();
        let t = match self.tok() {
            Token::Star => {
                self.next();
                let t = self.type_();
                self.mk(pos, ExprKind::Star(Box::new(t)))
            }
            Token::Arrow => {
                self.next();
                self.want(Token::Chan);
                let elem = self.chan_elem();
                self.mk(pos, ExprKind::ChanType(ChanDir::Recv, Box::new(elem)))
            }
            Token::Func => {
                self.next();
                let (_, sig) = self.func_type(pos, "function type");
                self.mk(pos, ExprKind::FuncType(sig))
            }
            Token::Lbrack => {
                self.next();
                if self.got(Token::Rbrack) {
                    self.slice_type(pos)
                } else {
                    self.array_type(pos, None)
                }
            }
            Token::Chan => {
                self.next();
                let dir = if self.got(Token::Arrow) {
                    ChanDir::Send
                } else {
                    ChanDir::Both
                };
                let elem = self.chan_elem();
                self.mk(pos, ExprKind::ChanType(dir, Box::new(elem)))
            }
            Token::Map => {
                self.next();
                self.want(Token::Lbrack);
                let key = self.type_();
                self.want(Token::Rbrack);
                let val = self.type_();
                self.mk(pos, ExprKind::MapType(Box::new(key), Box::new(val)))
            }
            Token::Struct => self.struct_type(),
            Token::Interface => self.interface_type(),
            Token::Name => self.qualified_name(None),
            Token::Lparen => {
                self.next();
                let t = self.type_();
                self.want(Token::Rparen);
                t
            }
            _ => return None,
        };
        Some(t)
    }

    /// Type arguments `[T1, T2]` of the type name `typ`.
    fn type_instance(&mut self, typ: Expr) -> Expr {
        let pos = self.pos();
        self.want(Token::Lbrack);
        let list = if self.tok() == Token::Rbrack {
            self.syntax_error("expecting type");
            vec![self.bad_expr()]
        } else {
            self.type_list().0
        };
        self.want(Token::Rbrack);
        self.mk(pos, ExprKind::Index(Box::new(typ), list))
    }

    /// A signature with optional type parameters, which are an error unless `context` is
    /// empty; `pos` becomes the FuncType's position.
    fn func_type(&mut self, pos: Pos, context: &str) -> (Vec<Field>, FuncType) {
        let start = self.pos();
        let mut tparams = Vec::new();
        if self.got(Token::Lbrack) {
            if !context.is_empty() {
                self.syntax_error_at(start, &format!("{context} must have no type parameters"));
            }
            if self.tok() == Token::Rbrack {
                self.syntax_error("empty type parameter list");
                self.next();
            } else {
                let list = self.param_list(None, None, Token::Rbrack, true);
                tparams = group_params(list);
            }
        }
        self.want(Token::Lparen);
        let params = group_params(self.param_list(None, None, Token::Rparen, false));
        let results = self.func_result();
        let variadic =
            matches!(params.last(), Some(f) if matches!(f.typ.kind, ExprKind::DotsType(_)));
        (
            tparams,
            FuncType {
                pos,
                params,
                results,
                variadic,
            },
        )
    }

    /// `[` has been consumed (at `pos`); `len` is the length if already parsed.
    fn array_type(&mut self, pos: Pos, len: Option<Expr>) -> Expr {
        let len = match len {
            Some(l) => Some(l),
            None if self.got(Token::DotDotDot) => None,
            None => {
                self.xnest += 1;
                let l = self.expr();
                self.xnest -= 1;
                Some(l)
            }
        };
        if self.tok() == Token::Comma {
            // trailing commas are accepted in type parameter lists, not here
            self.syntax_error("unexpected comma; expecting ]");
            self.next();
        }
        self.want(Token::Rbrack);
        let elem = self.type_();
        self.mk(
            pos,
            ExprKind::ArrayType {
                len: len.map(Box::new),
                elem: Box::new(elem),
            },
        )
    }

    /// `[]` has been consumed; `pos` is the position of `[`.
    fn slice_type(&mut self, pos: Pos) -> Expr {
        let elem = self.type_();
        self.mk(pos, ExprKind::SliceType(Box::new(elem)))
    }

    fn chan_elem(&mut self) -> Expr {
        match self.type_or_nil() {
            Some(t) => t,
            None => {
                let t = self.bad_expr();
                self.syntax_error("missing channel element type");
                t
            }
        }
    }

    fn struct_type(&mut self) -> Expr {
        let pos = self.pos();
        self.want(Token::Struct);
        self.want(Token::Lbrace);
        let mut fields = Vec::new();
        self.list("struct type", Token::Semi, Token::Rbrace, |p| {
            p.field_decl(&mut fields);
            false
        });
        self.mk(pos, ExprKind::StructType(fields))
    }

    fn interface_type(&mut self) -> Expr {
        let pos = self.pos();
        self.want(Token::Interface);
        self.want(Token::Lbrace);
        let mut elems = Vec::new();
        self.list("interface type", Token::Semi, Token::Rbrace, |p| {
            let elem = if p.tok() == Token::Name {
                p.method_decl()
            } else {
                let t = p.embedded_term();
                InterfaceElem::Embed(p.union_rest(t))
            };
            elems.push(elem);
            false
        });
        self.mk(pos, ExprKind::InterfaceType(elems))
    }

    fn func_result(&mut self) -> Vec<Field> {
        if self.got(Token::Lparen) {
            return group_params(self.param_list(None, None, Token::Rparen, false));
        }
        let pos = self.pos();
        match self.type_or_nil() {
            Some(typ) => vec![Field {
                pos,
                names: Vec::new(),
                typ,
                tag: None,
                embedded: false,
            }],
            None => Vec::new(),
        }
    }

    fn tag(&mut self) -> Option<String> {
        let (pos, kind, lit, bad) = self.oliteral()?;
        if kind != LitKind::String {
            if !bad {
                self.check_error(pos, format!("invalid AST: incorrect tag syntax: {lit:?}"));
            }
            return None;
        }
        crate::literal::unquote_string(lit).map(|b| String::from_utf8_lossy(&b).into_owned())
    }

    fn field_decl(&mut self, fields: &mut Vec<Field>) {
        let pos = self.pos();
        let embedded = |typ, tag| Field {
            pos,
            names: Vec::new(),
            typ,
            tag,
            embedded: true,
        };
        match self.tok() {
            Token::Name => {
                let name = self.name();
                if matches!(
                    self.tok(),
                    Token::Dot | Token::Literal | Token::Semi | Token::Rbrace
                ) {
                    let typ = self.qualified_name(Some(name));
                    let tag = self.tag();
                    fields.push(embedded(typ, tag));
                    return;
                }
                let names = self.name_list(name);
                // `T[P1, P2]` embeds an instantiated type; `a [N]E` declares a field.
                let typ = if names.len() == 1 && self.tok() == Token::Lbrack {
                    match self.array_or_targs() {
                        ArrayOrTArgs::Array(t) => t,
                        ArrayOrTArgs::TArgs(ipos, args) => {
                            let n = names.into_iter().next().map(Self::name_expr);
                            let base = match n {
                                Some(n) => n,
                                None => self.bad_at(pos),
                            };
                            let typ = self.mk(ipos, ExprKind::Index(Box::new(base), args));
                            let tag = self.tag();
                            fields.push(embedded(typ, tag));
                            return;
                        }
                    }
                } else {
                    self.type_()
                };
                let tag = self.tag();
                fields.push(Field {
                    pos: names.first().map_or(pos, |n| n.pos),
                    names,
                    typ,
                    tag,
                    embedded: false,
                });
            }
            Token::Star => {
                self.next();
                let typ = if self.tok() == Token::Lparen {
                    self.syntax_error("cannot parenthesize embedded type");
                    self.next();
                    let t = self.qualified_name(None);
                    self.got(Token::Rparen);
                    t
                } else {
                    self.qualified_name(None)
                };
                let tag = self.tag();
                let star = self.mk(pos, ExprKind::Star(Box::new(typ)));
                fields.push(embedded(star, tag));
            }
            Token::Lparen => {
                self.syntax_error("cannot parenthesize embedded type");
                self.next();
                let typ = if self.tok() == Token::Star {
                    let spos = self.pos();
                    self.next();
                    let t = self.qualified_name(None);
                    self.mk(spos, ExprKind::Star(Box::new(t)))
                } else {
                    self.qualified_name(None)
                };
                self.got(Token::Rparen);
                let tag = self.tag();
                fields.push(embedded(typ, tag));
            }
            _ => {
                self.syntax_error("expecting field name or embedded type");
                self.advance(&[Token::Semi, Token::Rbrace]);
            }
        }
    }

    /// After `name`: `[n]E` (an array type) or `[T1, T2]` (type arguments of `name`).
    fn array_or_targs(&mut self) -> ArrayOrTArgs {
        let pos = self.pos();
        self.want(Token::Lbrack);
        if self.got(Token::Rbrack) {
            return ArrayOrTArgs::Array(self.slice_type(pos));
        }
        let (mut list, comma) = self.type_list();
        self.want(Token::Rbrack);
        if !comma {
            if let Some(elem) = self.type_or_nil() {
                let len = list.pop().map(Box::new);
                let t = self.mk(
                    pos,
                    ExprKind::ArrayType {
                        len,
                        elem: Box::new(elem),
                    },
                );
                return ArrayOrTArgs::Array(t);
            }
        }
        ArrayOrTArgs::TArgs(pos, list)
    }

    /// An optional literal: position, kind, text and whether it is malformed.
    fn oliteral(&mut self) -> Option<(Pos, LitKind, &'a str, bool)> {
        if self.tok() != Token::Literal {
            return None;
        }
        let lit = (self.pos(), self.s.kind, self.s.lit, self.s.bad);
        self.next();
        Some(lit)
    }

    /// An interface element starting with a name: a method, or an embedded type.
    fn method_decl(&mut self) -> InterfaceElem {
        let name = self.name();
        const CONTEXT: &str = "interface method";
        match self.tok() {
            Token::Lparen => {
                let lparen = self.pos();
                let (_, sig) = self.func_type(lparen, CONTEXT);
                InterfaceElem::Method { name, sig }
            }
            Token::Lbrack => {
                // A generic method `m[T C](x T)` (accepted, with an error) or an embedded
                // instantiated type `T[P1, P2]`.
                let lbrack = self.pos();
                self.next();
                if self.tok() == Token::Rbrack {
                    let rbrack = self.pos();
                    self.next();
                    if self.tok() == Token::Lparen {
                        self.error_at(rbrack, "empty type parameter list".into());
                        let lparen = self.pos();
                        let (_, sig) = self.func_type(lparen, CONTEXT);
                        return InterfaceElem::Method { name, sig };
                    }
                    self.error_at(rbrack, "empty type argument list".into());
                    let t = Self::name_expr(name);
                    return InterfaceElem::Embed(self.union_rest(t));
                }
                // Type arguments look like a parameter list of types: parse one, decide.
                let list = self.param_list(None, None, Token::Rbrack, false);
                if list.is_empty() {
                    if self.tok() == Token::Lparen {
                        let lparen = self.pos();
                        let (_, sig) = self.func_type(lparen, CONTEXT);
                        return InterfaceElem::Method { name, sig };
                    }
                    let t = Self::name_expr(name);
                    return InterfaceElem::Embed(self.union_rest(t));
                }
                if list[0].name.is_some() {
                    let lparen = self.pos();
                    let (_, sig) = self.func_type(lparen, CONTEXT);
                    self.error_at(
                        lbrack,
                        "interface method must have no type parameters".into(),
                    );
                    return InterfaceElem::Method { name, sig };
                }
                let args = list
                    .into_iter()
                    .map(|p| p.typ.unwrap_or_else(|| self.bad_at(p.pos)))
                    .collect();
                let t = self.mk(
                    lbrack,
                    ExprKind::Index(Box::new(Self::name_expr(name)), args),
                );
                InterfaceElem::Embed(self.union_rest(t))
            }
            _ => {
                let t = self.qualified_name(Some(name));
                InterfaceElem::Embed(self.union_rest(t))
            }
        }
    }

    /// Continues the union `t | term | ...` of an embedded element.
    fn union_rest(&mut self, mut t: Expr) -> Expr {
        while self.is_op(Op::Or) {
            let pos = self.pos();
            self.next();
            let y = self.embedded_term();
            t = self.mk(pos, ExprKind::Binary(BinOp::Or, Box::new(t), Box::new(y)));
        }
        t
    }

    /// EmbeddedTerm = [ "~" ] Type .
    fn embedded_term(&mut self) -> Expr {
        if self.is_op(Op::Tilde) {
            let pos = self.pos();
            self.next();
            let t = self.type_();
            return self.mk(pos, ExprKind::Unary(UnOp::Tilde, Box::new(t)));
        }
        match self.type_or_nil() {
            Some(t) => t,
            None => {
                let t = self.bad_expr();
                self.syntax_error("expecting ~ term or type");
                self.advance(&[
                    Token::Operator,
                    Token::Semi,
                    Token::Rparen,
                    Token::Rbrack,
                    Token::Rbrace,
                ]);
                t
            }
        }
    }

    /// Continues a parameter whose type starts a union (`P int | string`).
    fn param_union(&mut self, mut f: Param) -> Param {
        let t = match f.typ.take() {
            Some(t) => t,
            None => self.bad_at(f.pos),
        };
        f.typ = Some(self.union_rest(t));
        f
    }

    /// ParameterDecl = [ IdentifierList ] [ "..." ] Type . `name` may already be parsed.
    fn param_decl_or_nil(&mut self, name: Option<Ident>, follow: Token) -> Option<Param> {
        // type set notation is ok in type parameter lists
        let type_sets_ok = follow == Token::Rbrack;
        let mut pos = self.pos();
        if let Some(n) = &name {
            pos = n.pos;
        } else if type_sets_ok && self.is_op(Op::Tilde) {
            let t = self.embedded_term();
            let f = Param {
                pos,
                name: None,
                typ: Some(t),
            };
            return Some(self.param_union(f));
        }
        let mut f = Param {
            pos,
            name: None,
            typ: None,
        };
        if self.tok() == Token::Name || name.is_some() {
            let name = match name {
                Some(n) => n,
                None => self.name(),
            };
            if self.tok() == Token::Lbrack {
                match self.array_or_targs() {
                    ArrayOrTArgs::Array(t) => {
                        f.name = Some(name);
                        f.typ = Some(t);
                    }
                    ArrayOrTArgs::TArgs(ipos, args) => {
                        let t =
                            self.mk(ipos, ExprKind::Index(Box::new(Self::name_expr(name)), args));
                        f.typ = Some(t);
                    }
                }
                if type_sets_ok && self.is_op(Op::Or) {
                    f = self.param_union(f);
                }
                return Some(f);
            }
            if self.tok() == Token::Dot {
                f.typ = Some(self.qualified_name(Some(name)));
                if type_sets_ok && self.is_op(Op::Or) {
                    f = self.param_union(f);
                }
                return Some(f);
            }
            if type_sets_ok && self.is_op(Op::Or) {
                f.typ = Some(Self::name_expr(name));
                return Some(self.param_union(f));
            }
            f.name = Some(name);
        }
        if self.tok() == Token::DotDotDot {
            let dpos = self.pos();
            self.next();
            let elem = match self.type_or_nil() {
                Some(t) => t,
                None => {
                    let t = self.bad_expr();
                    self.syntax_error("... is missing type");
                    t
                }
            };
            f.typ = Some(self.mk(dpos, ExprKind::DotsType(Box::new(elem))));
            return Some(f);
        }
        if type_sets_ok && self.is_op(Op::Tilde) {
            let t = self.embedded_term();
            f.typ = Some(self.union_rest(t));
            return Some(f);
        }
        f.typ = self.type_or_nil();
        if type_sets_ok && self.is_op(Op::Or) && f.typ.is_some() {
            f = self.param_union(f);
        }
        if f.name.is_some() || f.typ.is_some() {
            return Some(f);
        }
        self.syntax_error(&format!("expecting {}", follow.as_str()));
        self.advance(&[Token::Comma, follow]);
        None
    }

    /// Parameters up to `close` (`(` or `[` consumed). `name` and `typ` may be an already
    /// parsed first parameter. Afterwards either all parameters have names or none has;
    /// a name without a type shares the type of the next parameter.
    fn param_list(
        &mut self,
        mut name: Option<Ident>,
        mut typ: Option<Expr>,
        close: Token,
        require_names: bool,
    ) -> Vec<Param> {
        if name.is_some() && typ.is_some() && self.tok() == close {
            self.next();
            let n = name.take();
            return vec![Param {
                pos: n.as_ref().map_or(Pos(0), |n| n.pos),
                name: n,
                typ,
            }];
        }
        let mut list = Vec::new();
        let mut named = 0; // parameters with a name and a type
        let mut typed = 0; // parameters with a type
        let end = self.list("parameter list", Token::Comma, close, |p| {
            let par = match typ.take() {
                Some(t) => {
                    let n = name.take();
                    Some(Param {
                        pos: n.as_ref().map_or(t.pos, |n| n.pos),
                        name: n,
                        typ: Some(t),
                    })
                }
                None => p.param_decl_or_nil(name.take(), close),
            };
            if let Some(par) = par {
                if par.name.is_some() && par.typ.is_some() {
                    named += 1;
                }
                if par.typ.is_some() {
                    typed += 1;
                }
                list.push(par);
            }
            false
        });
        if list.is_empty() {
            return list;
        }
        if named == 0 && !require_names {
            // all unnamed: the names are type names
            for par in &mut list {
                if let Some(n) = par.name.take() {
                    par.typ = Some(Self::name_expr(n));
                }
            }
        } else if named != list.len() {
            // some named: all must have names and types
            let mut err_pos = None;
            let mut have_type = false;
            for par in list.iter_mut().rev() {
                if let Some(t) = &par.typ {
                    have_type = true;
                    if par.name.is_none() {
                        let p = start_pos(t);
                        err_pos = Some(p);
                        par.name = Some(self.ident(p, "_"));
                    }
                } else if !have_type {
                    // only a name and no type to share
                    let p = par.name.as_ref().map_or(par.pos, |n| n.pos);
                    err_pos = Some(p);
                    par.typ = Some(self.bad_at(p));
                }
            }
            if let Some(mut pos) = err_pos {
                let msg = if require_names {
                    if named == typed {
                        pos = end;
                        "missing type constraint"
                    } else {
                        "type parameters must be named"
                    }
                } else {
                    "mixed named and unnamed parameters"
                };
                self.syntax_error_at(pos, msg);
            }
        }
        list
    }

    // ---- statements

    /// SimpleStmt; `lhs` may already be parsed. `keyword` is the statement whose header
    /// this is (`for` permits a range clause, `switch` a type switch guard).
    fn simple_stmt(&mut self, lhs: Option<Vec<Expr>>, keyword: Token) -> Simple {
        if keyword == Token::For && self.tok() == Token::Range {
            return self.range_clause(Vec::new(), false);
        }
        let mut lhs = match lhs {
            Some(l) => l,
            None => self.expr_list(),
        };
        if lhs.len() == 1 && !matches!(self.tok(), Token::Assign | Token::Define) {
            let pos = self.pos();
            let x = lhs.pop().unwrap_or_else(|| self.bad_at(pos));
            let kind = match self.tok() {
                Token::AssignOp => {
                    let op = bin_op(self.s.op);
                    self.next();
                    let rhs = self.expr();
                    StmtKind::Assign {
                        lhs: vec![x],
                        op,
                        rhs: vec![rhs],
                    }
                }
                Token::IncOp => {
                    let inc = self.s.op == Op::Add;
                    self.next();
                    StmtKind::IncDec { x, inc }
                }
                Token::Arrow => {
                    self.next();
                    let value = self.expr();
                    StmtKind::Send { ch: x, value }
                }
                _ => {
                    return Simple::Stmt(Stmt {
                        pos: x.pos,
                        kind: StmtKind::Expr(x),
                    })
                }
            };
            return Simple::Stmt(Stmt { pos, kind });
        }
        match self.tok() {
            Token::Assign | Token::Define => {
                let pos = self.pos();
                let define = self.tok() == Token::Define;
                self.next();
                if keyword == Token::For && self.tok() == Token::Range {
                    return self.range_clause(lhs, define);
                }
                let mut rhs = self.expr_list();
                let is_guard = |r: &[Expr]| {
                    matches!(
                        r,
                        [Expr {
                            kind: ExprKind::TypeAssert { typ: None, .. },
                            ..
                        }]
                    )
                };
                if keyword == Token::Switch
                    && define
                    && is_guard(&rhs)
                    && matches!(
                        lhs.as_slice(),
                        [Expr {
                            kind: ExprKind::Name(_),
                            ..
                        }]
                    )
                {
                    let bind = lhs.pop().and_then(Self::expr_to_ident);
                    let guard = rhs.pop().map(|g| match g.kind {
                        ExprKind::TypeAssert { x, .. } => *x,
                        _ => g,
                    });
                    if let (Some(bind), Some(x)) = (bind, guard) {
                        return Simple::Guard { bind, x };
                    }
                }
                Simple::Stmt(self.assign_stmt(pos, define, lhs, rhs))
            }
            _ => {
                self.syntax_error("expecting := or = or comma");
                self.advance(&[Token::Semi, Token::Rbrace]);
                let pos = self.pos();
                let x = lhs.into_iter().next().unwrap_or_else(|| self.bad_at(pos));
                Simple::Stmt(Stmt {
                    pos: x.pos,
                    kind: StmtKind::Expr(x),
                })
            }
        }
    }

    /// The left side of `:=` must be names (gc's type checker says so); others become `_`.
    fn define_names(&mut self, lhs: Vec<Expr>) -> Vec<Expr> {
        lhs.into_iter()
            .map(|x| {
                if matches!(x.kind, ExprKind::Name(_)) {
                    return x;
                }
                let p = start_pos(&x);
                self.check_error(
                    p,
                    format!("non-name {} on left side of :=", expr_string(&x)),
                );
                let n = self.ident(p, "_");
                Self::name_expr(n)
            })
            .collect()
    }

    /// An assignment or short variable declaration; the left side of the latter is checked
    /// only once it becomes a statement (so an error can still quote it as written).
    fn assign_stmt(&mut self, pos: Pos, define: bool, lhs: Vec<Expr>, rhs: Vec<Expr>) -> Stmt {
        let kind = if define {
            StmtKind::Define { lhs, rhs }
        } else {
            StmtKind::Assign { lhs, op: None, rhs }
        };
        Stmt { pos, kind }
    }

    fn range_clause(&mut self, lhs: Vec<Expr>, define: bool) -> Simple {
        let pos = self.pos();
        self.next(); // range
        let x = self.expr();
        Simple::Range {
            pos,
            lhs,
            define,
            x,
        }
    }

    fn labeled_stmt_or_nil(&mut self, label: Ident) -> Option<Stmt> {
        let pos = self.pos();
        self.want(Token::Colon);
        let stmt = if self.tok() == Token::Rbrace {
            // a statement is required; before `}` it may be the empty statement
            Stmt {
                pos: self.pos(),
                kind: StmtKind::Empty,
            }
        } else {
            match self.stmt_or_nil() {
                Some(s) => s,
                None => {
                    self.syntax_error_at(pos, "missing statement after label");
                    return None;
                }
            }
        };
        Some(Stmt {
            pos,
            kind: StmtKind::Labeled {
                label,
                stmt: Box::new(stmt),
            },
        })
    }

    fn block_stmt(&mut self, context: &str) -> Block {
        let pos = self.pos();
        // people coming from C may forget that braces are mandatory in Go
        if !self.got(Token::Lbrace) {
            self.syntax_error(&format!("expecting {{ after {context}"));
            self.advance(&[Token::Name, Token::Rbrace]);
            let rbrace = self.pos();
            if self.got(Token::Rbrace) {
                return Block {
                    pos,
                    stmts: Vec::new(),
                    rbrace,
                };
            }
        }
        let stmts = self.stmt_list();
        let rbrace = self.pos();
        self.want(Token::Rbrace);
        Block { pos, stmts, rbrace }
    }

    fn decl_stmt(&mut self) -> Stmt {
        let pos = self.pos();
        let kw = self.tok();
        self.next();
        let mut decls = Vec::new();
        match kw {
            Token::Const => {
                self.append_group(&mut decls, |p, g, i| Some(p.const_decl(g, i)));
            }
            Token::Type => self.append_group(&mut decls, |p, g, _| Some(p.type_decl(g))),
            _ => self.append_group(&mut decls, |p, g, _| Some(p.var_decl(g))),
        }
        Stmt {
            pos,
            kind: StmtKind::Decl(decls),
        }
    }

    fn simple_to_stmt(&mut self, s: Simple) -> Stmt {
        match s {
            Simple::Stmt(Stmt {
                pos,
                kind: StmtKind::Define { lhs, rhs },
            }) => Stmt {
                pos,
                kind: StmtKind::Define {
                    lhs: self.define_names(lhs),
                    rhs,
                },
            },
            Simple::Stmt(s) => s,
            // not produced outside for and switch headers
            Simple::Range { pos, x, .. } => Stmt {
                pos,
                kind: StmtKind::Expr(x),
            },
            Simple::Guard { x, .. } => Stmt {
                pos: x.pos,
                kind: StmtKind::Expr(x),
            },
        }
    }

    fn for_stmt(&mut self) -> Stmt {
        let pos = self.pos();
        let h = self.header(Token::For);
        let body = self.block_stmt("for clause");
        let kind = match h.init {
            Some(Simple::Range {
                pos: _,
                lhs,
                define,
                x,
            }) => {
                let mut lhs = if define { self.range_names(lhs) } else { lhs };
                if lhs.len() > 2 {
                    let p = start_pos(&lhs[2]);
                    self.check_error(
                        p,
                        "range clause permits at most two iteration variables".into(),
                    );
                    lhs.truncate(2);
                }
                let mut it = lhs.into_iter();
                StmtKind::Range {
                    key: it.next(),
                    value: it.next(),
                    define,
                    x,
                    body,
                }
            }
            init => {
                let init = init.map(|s| Box::new(self.simple_to_stmt(s)));
                let post = h.post.map(|s| Box::new(self.simple_to_stmt(s)));
                let cond = h.cond.map(|c| self.cond_expr(c));
                StmtKind::For {
                    init,
                    cond,
                    post,
                    body,
                }
            }
        };
        Stmt { pos, kind }
    }

    /// The iteration variables of `for ... := range` must be names.
    fn range_names(&mut self, lhs: Vec<Expr>) -> Vec<Expr> {
        lhs.into_iter()
            .map(|x| {
                if matches!(x.kind, ExprKind::Name(_)) {
                    return x;
                }
                let p = start_pos(&x);
                self.check_error(p, format!("cannot declare {}", expr_string(&x)));
                let n = self.ident(p, "_");
                Self::name_expr(n)
            })
            .collect()
    }

    fn cond_expr(&mut self, c: Cond) -> Expr {
        match c {
            Cond::Expr(e) => e,
            Cond::Guard { x, .. } => x,
        }
    }

    /// The header of an `if`, `for` or `switch`: `[init ;] cond` or `init; cond; post`.
    fn header(&mut self, keyword: Token) -> Header {
        let mut h = Header {
            init: None,
            cond: None,
            post: None,
        };
        self.want(keyword);
        if self.tok() == Token::Lbrace {
            if keyword == Token::If {
                self.syntax_error("missing condition in if statement");
                h.cond = Some(Cond::Expr(self.bad_expr()));
            }
            return h;
        }
        let outer = self.xnest;
        self.xnest = -1;

        if self.tok() != Token::Semi {
            // accept a var declaration, with an error
            if self.got(Token::Var) {
                self.syntax_error(&format!(
                    "var declaration not allowed in {} initializer",
                    keyword.as_str()
                ));
            }
            let init = self.simple_stmt(None, keyword);
            if matches!(init, Simple::Range { .. }) {
                h.init = Some(init);
                self.xnest = outer;
                return h;
            }
            h.init = Some(init);
        }

        let mut cond_stmt = None;
        let mut semi: Option<(Pos, &str)> = None;
        'done: {
            if self.tok() != Token::Lbrace {
                if self.tok() == Token::Semi {
                    semi = Some((self.pos(), self.s.lit));
                    self.next();
                } else {
                    // asking for `{` rather than `;` gives a better message
                    self.want(Token::Lbrace);
                    if self.tok() != Token::Lbrace {
                        self.advance(&[Token::Lbrace, Token::Rbrace]);
                    }
                }
                if keyword == Token::For {
                    if self.tok() != Token::Semi {
                        if self.tok() == Token::Lbrace {
                            self.syntax_error("expecting for loop condition");
                            break 'done;
                        }
                        cond_stmt = Some(self.simple_stmt(None, Token::Eof));
                    }
                    self.want(Token::Semi);
                    if self.tok() != Token::Lbrace {
                        let post = self.simple_stmt(None, Token::Eof);
                        if let Simple::Stmt(Stmt {
                            pos,
                            kind: StmtKind::Define { .. },
                        }) = &post
                        {
                            self.syntax_error_at(
                                *pos,
                                "cannot declare in post statement of for loop",
                            );
                        }
                        h.post = Some(post);
                    }
                } else if self.tok() != Token::Lbrace {
                    cond_stmt = Some(self.simple_stmt(None, keyword));
                }
            } else {
                cond_stmt = h.init.take();
            }
        }

        h.cond = match cond_stmt {
            None => {
                if let (Token::If, Some((pos, lit))) = (keyword, semi) {
                    if lit != "semicolon" {
                        self.syntax_error_at(
                            pos,
                            &format!("unexpected {lit}, expecting {{ after if clause"),
                        );
                    } else {
                        self.syntax_error_at(pos, "missing condition in if statement");
                    }
                    Some(Cond::Expr(self.bad_at(pos)))
                } else {
                    None
                }
            }
            Some(Simple::Stmt(Stmt {
                kind: StmtKind::Expr(e),
                ..
            })) => Some(Cond::Expr(e)),
            Some(Simple::Guard { bind, x }) => Some(Cond::Guard { bind, x }),
            Some(other) => {
                // A common mistake is `=` for `==`; make that one explicit.
                let (pos, desc) = match &other {
                    Simple::Stmt(s) => match &s.kind {
                        StmtKind::Assign { lhs, op: None, rhs } => (
                            s.pos,
                            format!(
                                "assignment ({}) = ({})",
                                expr_list_string(lhs),
                                expr_list_string(rhs)
                            ),
                        ),
                        _ => (s.pos, simple_stmt_string(s)),
                    },
                    Simple::Range { pos, .. } => (*pos, "range clause".into()),
                    Simple::Guard { x, .. } => (x.pos, expr_string(x)),
                };
                self.syntax_error_at(pos, &format!("cannot use {desc} as value"));
                None
            }
        };
        self.xnest = outer;
        h
    }

    /// An `if` statement; `chain` counts the `else if`s before it.
    fn if_stmt(&mut self, chain: u32) -> Stmt {
        let pos = self.pos();
        if chain > MAX_ELSE_IF {
            self.bail_out("syntax error: else-if chain too long");
        }
        let h = self.header(Token::If);
        let then = self.block_stmt("if clause");
        let mut els = None;
        if self.got(Token::Else) {
            match self.tok() {
                Token::If => els = Some(Box::new(self.if_stmt(chain + 1))),
                Token::Lbrace => {
                    let b = self.block_stmt("");
                    els = Some(Box::new(Stmt {
                        pos: b.pos,
                        kind: StmtKind::Block(b),
                    }));
                }
                _ => {
                    self.syntax_error("else must be followed by if or statement block");
                    self.advance(&[Token::Name, Token::Rbrace]);
                }
            }
        }
        let init = h.init.map(|s| Box::new(self.simple_to_stmt(s)));
        let cond = match h.cond {
            Some(c) => self.cond_expr(c),
            None => self.bad_at(pos),
        };
        Stmt {
            pos,
            kind: StmtKind::If {
                init,
                cond,
                then,
                els,
            },
        }
    }

    fn switch_stmt(&mut self) -> Stmt {
        let pos = self.pos();
        let h = self.header(Token::Switch);
        if !self.got(Token::Lbrace) {
            self.syntax_error("missing { after switch clause");
            self.advance(&[Token::Case, Token::Default, Token::Rbrace]);
        }
        let mut clauses = Vec::new();
        while self.tok() != Token::Eof && self.tok() != Token::Rbrace {
            clauses.push(self.case_clause());
        }
        let rbrace = self.pos();
        self.want(Token::Rbrace);
        let init = h.init.map(|s| Box::new(self.simple_to_stmt(s)));
        let kind = match h.cond {
            Some(Cond::Guard { bind, x }) => {
                for c in &mut clauses {
                    c.implicit = Some(self.ident(bind.pos, &bind.name));
                }
                StmtKind::TypeSwitch {
                    init,
                    bind: Some(bind),
                    x,
                    clauses,
                    rbrace,
                }
            }
            Some(Cond::Expr(Expr {
                kind: ExprKind::TypeAssert { x, typ: None },
                ..
            })) => StmtKind::TypeSwitch {
                init,
                bind: None,
                x: *x,
                clauses,
                rbrace,
            },
            Some(Cond::Expr(tag)) => StmtKind::Switch {
                init,
                tag: Some(tag),
                clauses,
                rbrace,
            },
            None => StmtKind::Switch {
                init,
                tag: None,
                clauses,
                rbrace,
            },
        };
        Stmt { pos, kind }
    }

    fn select_stmt(&mut self) -> Stmt {
        let pos = self.pos();
        self.want(Token::Select);
        if !self.got(Token::Lbrace) {
            self.syntax_error("missing { after select clause");
            self.advance(&[Token::Case, Token::Default, Token::Rbrace]);
        }
        let mut clauses = Vec::new();
        while self.tok() != Token::Eof && self.tok() != Token::Rbrace {
            clauses.push(self.comm_clause());
        }
        let rbrace = self.pos();
        self.want(Token::Rbrace);
        Stmt {
            pos,
            kind: StmtKind::Select { clauses, rbrace },
        }
    }

    fn case_clause(&mut self) -> CaseClause {
        let pos = self.pos();
        let mut exprs = Vec::new();
        let mut is_default = false;
        match self.tok() {
            Token::Case => {
                self.next();
                exprs = self.expr_list();
            }
            Token::Default => {
                self.next();
                is_default = true;
            }
            _ => {
                self.syntax_error("expecting case or default or }");
                self.advance(&[Token::Colon, Token::Case, Token::Default, Token::Rbrace]);
            }
        }
        let colon = self.pos();
        self.want(Token::Colon);
        let body = self.stmt_list();
        CaseClause {
            pos,
            exprs,
            is_default,
            colon,
            body,
            implicit: None,
        }
    }

    fn comm_clause(&mut self) -> CommClause {
        let pos = self.pos();
        let comm = match self.tok() {
            Token::Case => {
                self.next();
                let s = self.simple_stmt(None, Token::Eof);
                let s = self.simple_to_stmt(s);
                self.comm_op(s)
            }
            Token::Default => {
                self.next();
                CommOp::Default
            }
            _ => {
                self.syntax_error("expecting case or default or }");
                self.advance(&[Token::Colon, Token::Case, Token::Default, Token::Rbrace]);
                CommOp::Default
            }
        };
        let colon = self.pos();
        self.want(Token::Colon);
        let body = self.stmt_list();
        CommClause {
            pos,
            comm,
            colon,
            body,
        }
    }

    /// A select case must be a send or a receive, possibly assigned (checked by gc's type
    /// checker; our AST cannot hold anything else).
    fn comm_op(&mut self, s: Stmt) -> CommOp {
        let is_recv = |x: &Expr| matches!(unparen_ref(x).kind, ExprKind::Unary(UnOp::Recv, _));
        let start = match &s.kind {
            StmtKind::Assign { lhs, .. } | StmtKind::Define { lhs, .. } => {
                lhs.first().map_or(s.pos, start_pos)
            }
            StmtKind::IncDec { x, .. } => start_pos(x),
            _ => s.pos,
        };
        match s.kind {
            StmtKind::Send { ch, value } => return CommOp::Send { ch, value },
            StmtKind::Expr(x) if is_recv(&x) => {
                return CommOp::Recv {
                    lhs: Vec::new(),
                    define: false,
                    recv: unparen(x),
                }
            }
            StmtKind::Assign {
                lhs,
                op: None,
                mut rhs,
            } if rhs.len() == 1 && is_recv(&rhs[0]) => {
                if let Some(r) = rhs.pop() {
                    return CommOp::Recv {
                        lhs,
                        define: false,
                        recv: unparen(r),
                    };
                }
            }
            StmtKind::Define { lhs, mut rhs } if rhs.len() == 1 && is_recv(&rhs[0]) => {
                if let Some(r) = rhs.pop() {
                    return CommOp::Recv {
                        lhs,
                        define: true,
                        recv: unparen(r),
                    };
                }
            }
            _ => {}
        }
        self.check_error(
            start,
            "select case must be send or receive (possibly with assignment)".into(),
        );
        CommOp::Default
    }

    fn stmt_or_nil(&mut self) -> Option<Stmt> {
        if !self.enter() {
            return None;
        }
        let s = self.stmt_or_nil_inner();
        self.leave();
        s
    }

    fn stmt_or_nil_inner(&mut self) -> Option<Stmt> {
        // Most statements start with a name; look for that first.
        if self.tok() == Token::Name {
            self.clear_pragma();
            let mut lhs = self.expr_list();
            if self.tok() == Token::Colon
                && matches!(
                    lhs.as_slice(),
                    [Expr {
                        kind: ExprKind::Name(_),
                        ..
                    }]
                )
            {
                if let Some(label) = lhs.pop().and_then(Self::expr_to_ident) {
                    return self.labeled_stmt_or_nil(label);
                }
            }
            let s = self.simple_stmt(Some(lhs), Token::Eof);
            return Some(self.simple_to_stmt(s));
        }
        match self.tok() {
            Token::Var | Token::Const | Token::Type => return Some(self.decl_stmt()),
            _ => {}
        }
        self.clear_pragma();
        let pos = self.pos();
        let simple = |p: &mut Self| {
            let s = p.simple_stmt(None, Token::Eof);
            Some(p.simple_to_stmt(s))
        };
        match self.tok() {
            Token::Lbrace => {
                let b = self.block_stmt("");
                Some(Stmt {
                    pos,
                    kind: StmtKind::Block(b),
                })
            }
            Token::Operator | Token::Star => match self.s.op {
                Op::Add | Op::Sub | Op::Mul | Op::And | Op::Xor | Op::Not => simple(self),
                _ => None,
            },
            Token::Literal
            | Token::Func
            | Token::Lparen
            | Token::Lbrack
            | Token::Struct
            | Token::Map
            | Token::Chan
            | Token::Interface
            | Token::Arrow => simple(self),
            Token::For => Some(self.for_stmt()),
            Token::Switch => Some(self.switch_stmt()),
            Token::Select => Some(self.select_stmt()),
            Token::If => Some(self.if_stmt(0)),
            Token::Fallthrough => {
                self.next();
                Some(Stmt {
                    pos,
                    kind: StmtKind::Branch {
                        kind: BranchKind::Fallthrough,
                        label: None,
                    },
                })
            }
            Token::Break | Token::Continue => {
                let kind = if self.tok() == Token::Break {
                    BranchKind::Break
                } else {
                    BranchKind::Continue
                };
                self.next();
                let label = (self.tok() == Token::Name).then(|| self.name());
                Some(Stmt {
                    pos,
                    kind: StmtKind::Branch { kind, label },
                })
            }
            Token::Go | Token::Defer => Some(self.call_stmt()),
            Token::Goto => {
                self.next();
                let label = Some(self.name());
                Some(Stmt {
                    pos,
                    kind: StmtKind::Branch {
                        kind: BranchKind::Goto,
                        label,
                    },
                })
            }
            Token::Return => {
                self.next();
                let results = if matches!(self.tok(), Token::Semi | Token::Rbrace) {
                    Vec::new()
                } else {
                    self.expr_list()
                };
                Some(Stmt {
                    pos,
                    kind: StmtKind::Return(results),
                })
            }
            Token::Semi => Some(Stmt {
                pos,
                kind: StmtKind::Empty,
            }),
            _ => None,
        }
    }

    fn stmt_list(&mut self) -> Vec<Stmt> {
        let mut list = Vec::new();
        while !matches!(
            self.tok(),
            Token::Eof | Token::Rbrace | Token::Case | Token::Default
        ) {
            let s = self.stmt_or_nil();
            self.clear_pragma();
            let Some(s) = s else {
                break;
            };
            list.push(s);
            // ";" is optional before "}"
            if !self.got(Token::Semi) && self.tok() != Token::Rbrace {
                self.syntax_error("at end of statement");
                self.advance(&[Token::Semi, Token::Rbrace, Token::Case, Token::Default]);
                self.got(Token::Semi); // avoid a spurious empty statement
            }
        }
        list
    }

    /// Call arguments up to `)` (consumed); the last may be followed by `...`.
    fn arg_list(&mut self) -> (Vec<Expr>, bool) {
        let mut list = Vec::new();
        let mut dots = false;
        self.xnest += 1;
        self.list("argument list", Token::Comma, Token::Rparen, |p| {
            list.push(p.expr());
            dots = p.got(Token::DotDotDot);
            dots
        });
        self.xnest -= 1;
        (list, dots)
    }

    // ---- common productions

    fn name(&mut self) -> Ident {
        let pos = self.pos();
        if self.tok() == Token::Name {
            let lit = self.s.lit;
            let n = self.ident(pos, lit);
            self.next();
            return n;
        }
        let n = self.ident(pos, "_");
        self.syntax_error("expecting name");
        self.advance(&[]);
        n
    }

    fn name_list(&mut self, first: Ident) -> Vec<Ident> {
        let mut list = vec![first];
        while self.got(Token::Comma) {
            list.push(self.name());
        }
        list
    }

    /// A possibly qualified, possibly instantiated type name; `name` may be parsed already.
    fn qualified_name(&mut self, name: Option<Ident>) -> Expr {
        let mut x = match name {
            Some(n) => Self::name_expr(n),
            None if self.tok() == Token::Name => {
                let n = self.name();
                Self::name_expr(n)
            }
            None => {
                let n = self.ident(self.pos(), "_");
                self.syntax_error("expecting name");
                self.advance(&[Token::Dot, Token::Semi, Token::Rbrace]);
                Self::name_expr(n)
            }
        };
        if self.tok() == Token::Dot {
            let pos = self.pos();
            self.next();
            let sel = self.name();
            x = self.mk(pos, ExprKind::Selector(Box::new(x), sel));
        }
        if self.tok() == Token::Lbrack {
            x = self.type_instance(x);
        }
        x
    }

    fn expr_list(&mut self) -> Vec<Expr> {
        let mut list = vec![self.expr()];
        while self.got(Token::Comma) {
            list.push(self.expr());
        }
        list
    }

    /// A non-empty list of an expression followed by types, with an optional trailing
    /// comma; also says whether there was a comma.
    fn type_list(&mut self) -> (Vec<Expr>, bool) {
        self.xnest += 1;
        let mut list = vec![self.expr()];
        let mut comma = false;
        if self.got(Token::Comma) {
            comma = true;
            if let Some(t) = self.type_or_nil() {
                list.push(t);
                while self.got(Token::Comma) {
                    match self.type_or_nil() {
                        Some(t) => list.push(t),
                        None => break,
                    }
                }
            }
        }
        self.xnest -= 1;
        (list, comma)
    }
}

/// Groups parsed parameters into fields: names without a type join the next typed one.
fn group_params(list: Vec<Param>) -> Vec<Field> {
    let mut fields = Vec::new();
    let mut names = Vec::new();
    let mut pos = None;
    for p in list {
        pos.get_or_insert(p.pos);
        names.extend(p.name);
        if let Some(typ) = p.typ {
            fields.push(Field {
                pos: pos.take().unwrap_or(p.pos),
                names: std::mem::take(&mut names),
                typ,
                tag: None,
                embedded: false,
            });
        }
    }
    fields
}
