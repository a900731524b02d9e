//! The Go abstract syntax tree.
//!
//! Shape follows cmd/compile/internal/syntax rather than go/ast: declarations are flat (a
//! `const (...)` group becomes one `ConstDecl` per spec, sharing a group), and every node's
//! `pos` is the position gc's syntax package gives it, because the type checker reports its
//! errors at those positions. For terminals that is where they start; for the others it is
//! the token that identifies the production: the operator of a binary expression, `[` of an
//! index expression, `(` of a call, `.` of a selector, `{` of a composite literal, the
//! keyword of a statement, the `=`/`:=`/`op=` of an assignment.
//!
//! Every expression and every declared identifier carries a [`NodeId`], unique within one
//! parse (the parser numbers them from the `first_id` it is given, so ids stay unique across
//! the files of a package). The type checker keys its results by these ids.

use crate::pos::Pos;

/// Identifies an expression or a declaring identifier; the key of the checker's tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub u32);

/// A name in a declaring position (or a label, or a selector's field name).
#[derive(Clone, Debug)]
pub struct Ident {
    pub id: NodeId,
    pub pos: Pos,
    pub name: String,
}

#[derive(Clone, Debug)]
pub struct File {
    /// Position of the `package` keyword.
    pub pos: Pos,
    pub package: Ident,
    pub imports: Vec<ImportDecl>,
    /// All top-level declarations other than imports, in source order.
    pub decls: Vec<Decl>,
    /// The expression of a `//go:build` line before the package clause, verbatim.
    pub go_build: Option<String>,
    /// `//go:linkname local remote` directives anywhere in the file, with their positions.
    pub linknames: Vec<(Pos, String, String)>,
    /// Position of the end of the file.
    pub eof: Pos,
}

#[derive(Clone, Debug)]
pub struct ImportDecl {
    pub pos: Pos,
    /// `None` for a plain import; `Some` with name `.` or `_` or a rename.
    pub local_name: Option<Ident>,
    /// The import path, unquoted.
    pub path: String,
    pub path_pos: Pos,
}

/// Declarations in a `( ... )` group share the same group number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Group(pub u32);

#[derive(Clone, Debug)]
pub enum Decl {
    Const(ConstDecl),
    Type(TypeDecl),
    Var(VarDecl),
    Func(FuncDecl),
}

#[derive(Clone, Debug)]
pub struct ConstDecl {
    pub pos: Pos,
    pub group: Option<Group>,
    /// Index of this spec within its group: the value of `iota`.
    pub iota: u32,
    pub names: Vec<Ident>,
    pub typ: Option<Expr>,
    /// Empty when the spec repeats the previous spec's type and values (the checker looks
    /// back within the group; gc's "missing init expr for const declaration" when none).
    pub values: Vec<Expr>,
}

#[derive(Clone, Debug)]
pub struct TypeDecl {
    pub pos: Pos,
    pub group: Option<Group>,
    pub name: Ident,
    /// Empty when the type is not generic.
    pub tparams: Vec<Field>,
    /// `type A = B`
    pub alias: bool,
    pub typ: Expr,
}

#[derive(Clone, Debug)]
pub struct VarDecl {
    pub pos: Pos,
    pub group: Option<Group>,
    pub names: Vec<Ident>,
    pub typ: Option<Expr>,
    pub values: Vec<Expr>,
}

#[derive(Clone, Debug)]
pub struct FuncDecl {
    pub pos: Pos,
    /// `//go:noinline`, `//go:nosplit`, ... directly above the declaration, without `//`.
    pub pragmas: Vec<String>,
    pub recv: Option<Field>,
    pub name: Ident,
    pub tparams: Vec<Field>,
    pub sig: FuncType,
    /// `None` for a function declared without a body.
    pub body: Option<Block>,
}

/// A parameter, result, struct field or type-parameter group: `a, b int`, or just `int`.
#[derive(Clone, Debug)]
pub struct Field {
    pub pos: Pos,
    /// Empty for an anonymous parameter or an embedded field.
    pub names: Vec<Ident>,
    pub typ: Expr,
    /// Struct field tag, unquoted.
    pub tag: Option<String>,
    /// True for an embedded struct field (`T` or `*T` or `pkg.T` with no name).
    pub embedded: bool,
}

#[derive(Clone, Debug)]
pub struct FuncType {
    /// Position of `func`, or of `(` for a method signature in an interface.
    pub pos: Pos,
    pub params: Vec<Field>,
    pub results: Vec<Field>,
    /// The last parameter's type is `...T` (represented as `ExprKind::DotsType`).
    pub variadic: bool,
}

#[derive(Clone, Debug)]
pub struct Expr {
    pub id: NodeId,
    pub pos: Pos,
    pub kind: ExprKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LitKind {
    Int,
    Float,
    Imag,
    Rune,
    String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    /// `+x`
    Pos,
    /// `-x`
    Neg,
    /// `!x`
    Not,
    /// `^x`
    Xor,
    /// `&x`
    Addr,
    /// `<-x`
    Recv,
    /// `~T` in a constraint
    Tilde,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    OrOr,
    AndAnd,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    /// `|`; also a union of terms in a constraint.
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

impl BinOp {
    pub fn as_str(self) -> &'static str {
        match self {
            BinOp::OrOr => "||",
            BinOp::AndAnd => "&&",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Or => "|",
            BinOp::Xor => "^",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Rem => "%",
            BinOp::And => "&",
            BinOp::AndNot => "&^",
            BinOp::Shl => "<<",
            BinOp::Shr => ">>",
        }
    }
}

impl UnOp {
    pub fn as_str(self) -> &'static str {
        match self {
            UnOp::Pos => "+",
            UnOp::Neg => "-",
            UnOp::Not => "!",
            UnOp::Xor => "^",
            UnOp::Addr => "&",
            UnOp::Recv => "<-",
            UnOp::Tilde => "~",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChanDir {
    Both,
    /// `chan<- T`
    Send,
    /// `<-chan T`
    Recv,
}

/// An interface element: a method, or an embedded type / type-set term (`~int | string`).
#[derive(Clone, Debug)]
pub enum InterfaceElem {
    Method { name: Ident, sig: FuncType },
    Embed(Expr),
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    /// Produced after a syntax error so parsing can go on.
    Bad,
    Name(String),
    /// `value` is the literal's source text (with quotes for strings and runes).
    BasicLit {
        kind: LitKind,
        value: String,
    },
    /// `T{...}`; `typ` is `None` for an elided type inside another composite literal.
    CompositeLit {
        typ: Option<Box<Expr>>,
        elems: Vec<Expr>,
        rbrace: Pos,
    },
    /// `key: value` inside a composite literal.
    KeyValue(Box<Expr>, Box<Expr>),
    FuncLit {
        sig: FuncType,
        body: Block,
    },
    Paren(Box<Expr>),
    Selector(Box<Expr>, Ident),
    /// `x[i]`, or a generic instantiation `f[int, string]` (several indices).
    Index(Box<Expr>, Vec<Expr>),
    Slice {
        x: Box<Expr>,
        lo: Option<Box<Expr>>,
        hi: Option<Box<Expr>>,
        max: Option<Box<Expr>>,
        full: bool,
    },
    /// `x.(T)`; `typ` is `None` for `x.(type)` in a type switch header.
    TypeAssert {
        x: Box<Expr>,
        typ: Option<Box<Expr>>,
    },
    Call {
        fun: Box<Expr>,
        args: Vec<Expr>,
        /// `f(xs...)`
        dots: bool,
    },
    /// `*x`: a dereference or a pointer type, resolved by the checker.
    Star(Box<Expr>),
    Unary(UnOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),

    /// `[N]T`; `len` is `None` for `[...]T`.
    ArrayType {
        len: Option<Box<Expr>>,
        elem: Box<Expr>,
    },
    SliceType(Box<Expr>),
    /// `...T`, only as the type of a final parameter.
    DotsType(Box<Expr>),
    StructType(Vec<Field>),
    FuncType(FuncType),
    InterfaceType(Vec<InterfaceElem>),
    MapType(Box<Expr>, Box<Expr>),
    ChanType(ChanDir, Box<Expr>),
}

#[derive(Clone, Debug)]
pub struct Block {
    /// Position of `{`.
    pub pos: Pos,
    pub stmts: Vec<Stmt>,
    /// Position of `}`.
    pub rbrace: Pos,
}

#[derive(Clone, Debug)]
pub struct Stmt {
    pub pos: Pos,
    pub kind: StmtKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BranchKind {
    Break,
    Continue,
    Goto,
    Fallthrough,
}

#[derive(Clone, Debug)]
pub struct CaseClause {
    /// Position of `case` or `default`.
    pub pos: Pos,
    /// Empty for `default`. In a type switch these are types (`nil` allowed).
    pub exprs: Vec<Expr>,
    pub is_default: bool,
    /// Position of `:`.
    pub colon: Pos,
    pub body: Vec<Stmt>,
    /// In a type switch with a binding (`switch v := x.(type)`), the implicit variable
    /// declared in this clause; the checker records its object under this id.
    pub implicit: Option<Ident>,
}

#[derive(Clone, Debug)]
pub enum CommOp {
    /// `default:`
    Default,
    /// `case ch <- v:`
    Send { ch: Expr, value: Expr },
    /// `case <-ch:`, `case x = <-ch:`, `case x, ok := <-ch:`; `recv` is the `<-ch` expression.
    Recv {
        lhs: Vec<Expr>,
        define: bool,
        recv: Expr,
    },
}

#[derive(Clone, Debug)]
pub struct CommClause {
    pub pos: Pos,
    pub comm: CommOp,
    pub colon: Pos,
    pub body: Vec<Stmt>,
}

#[derive(Clone, Debug)]
pub enum StmtKind {
    Empty,
    Labeled {
        label: Ident,
        stmt: Box<Stmt>,
    },
    Block(Block),
    Expr(Expr),
    Send {
        ch: Expr,
        value: Expr,
    },
    IncDec {
        x: Expr,
        inc: bool,
    },
    /// `lhs = rhs` (op `None`) or `lhs op= rhs` (one expression each side).
    Assign {
        lhs: Vec<Expr>,
        op: Option<BinOp>,
        rhs: Vec<Expr>,
    },
    /// `a, b := x, y`; every lhs is an `ExprKind::Name` whose id is its defining id.
    Define {
        lhs: Vec<Expr>,
        rhs: Vec<Expr>,
    },
    Go(Expr),
    Defer(Expr),
    Return(Vec<Expr>),
    Branch {
        kind: BranchKind,
        label: Option<Ident>,
    },
    If {
        init: Option<Box<Stmt>>,
        cond: Expr,
        then: Block,
        /// Another `If` statement or a `Block`.
        els: Option<Box<Stmt>>,
    },
    Switch {
        init: Option<Box<Stmt>>,
        tag: Option<Expr>,
        clauses: Vec<CaseClause>,
        rbrace: Pos,
    },
    /// `switch [init;] [v :=] x.(type) { ... }`; `x` is the operand of `.(type)`.
    TypeSwitch {
        init: Option<Box<Stmt>>,
        bind: Option<Ident>,
        x: Expr,
        clauses: Vec<CaseClause>,
        rbrace: Pos,
    },
    Select {
        clauses: Vec<CommClause>,
        rbrace: Pos,
    },
    For {
        init: Option<Box<Stmt>>,
        cond: Option<Expr>,
        post: Option<Box<Stmt>>,
        body: Block,
    },
    /// `for [key [, value] (=|:=)] range x { ... }`
    Range {
        key: Option<Expr>,
        value: Option<Expr>,
        define: bool,
        x: Expr,
        body: Block,
    },
    /// A `const`, `type` or `var` declaration inside a function.
    Decl(Vec<Decl>),
}
