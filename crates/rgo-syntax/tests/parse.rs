//! The shape of the trees: every expression, type, statement and declaration form, checked
//! through a compact S-expression dump, plus positions, node ids and file-level data.

use rgo_syntax::ast::*;
use rgo_syntax::{parse_file, Pos, SourceFile};

fn parse(src: &str) -> File {
    let f = SourceFile::new("x.go", src);
    let r = parse_file(&f, 0);
    assert!(r.errors.is_empty(), "{src}\n{:?}", r.errors);
    r.file
}

fn list(xs: &[Expr]) -> String {
    xs.iter().map(e).collect::<Vec<_>>().join(" ")
}

fn opt(x: &Option<Box<Expr>>) -> String {
    x.as_ref().map_or("_".into(), |x| e(x))
}

fn fields(fs: &[Field]) -> String {
    fs.iter()
        .map(|f| {
            let names: Vec<_> = f.names.iter().map(|n| n.name.as_str()).collect();
            let mut s = format!("({} {}", names.join(","), e(&f.typ));
            if let Some(t) = &f.tag {
                s += &format!(" tag={t:?}");
            }
            if f.embedded {
                s += " embedded";
            }
            s + ")"
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn sig(f: &FuncType) -> String {
    format!(
        "(func [{}] [{}]{})",
        fields(&f.params),
        fields(&f.results),
        if f.variadic { " variadic" } else { "" }
    )
}

/// Expressions as S-expressions; binary operators fully parenthesized.
fn e(x: &Expr) -> String {
    match &x.kind {
        ExprKind::Bad => "BAD".into(),
        ExprKind::Name(n) => n.clone(),
        ExprKind::BasicLit { kind, value } => format!("{kind:?}:{value}"),
        ExprKind::CompositeLit { typ, elems, .. } => format!("(lit {} {})", opt(typ), list(elems)),
        ExprKind::KeyValue(k, v) => format!("({}: {})", e(k), e(v)),
        ExprKind::FuncLit { sig: s, body } => format!("(funclit {} {})", sig(s), body.stmts.len()),
        ExprKind::Paren(x) => format!("(paren {})", e(x)),
        ExprKind::Selector(x, s) => format!("(sel {} {})", e(x), s.name),
        ExprKind::Index(x, i) => format!("(index {} {})", e(x), list(i)),
        ExprKind::Slice {
            x,
            lo,
            hi,
            max,
            full,
        } => format!(
            "(slice {} {} {} {}{})",
            e(x),
            opt(lo),
            opt(hi),
            opt(max),
            if *full { " full" } else { "" }
        ),
        ExprKind::TypeAssert { x, typ } => format!("(assert {} {})", e(x), opt(typ)),
        ExprKind::Call { fun, args, dots } => format!(
            "(call {} {}{})",
            e(fun),
            list(args),
            if *dots { "..." } else { "" }
        ),
        ExprKind::Star(x) => format!("(* {})", e(x)),
        ExprKind::Unary(op, x) => format!("({} {})", op.as_str(), e(x)),
        ExprKind::Binary(op, x, y) => format!("({} {} {})", op.as_str(), e(x), e(y)),
        ExprKind::ArrayType { len, elem } => format!("(array {} {})", opt(len), e(elem)),
        ExprKind::SliceType(x) => format!("(slicetype {})", e(x)),
        ExprKind::DotsType(x) => format!("(... {})", e(x)),
        ExprKind::StructType(fs) => format!("(struct {})", fields(fs)),
        ExprKind::FuncType(f) => sig(f),
        ExprKind::InterfaceType(elems) => {
            let parts: Vec<_> = elems
                .iter()
                .map(|m| match m {
                    InterfaceElem::Method { name, sig: s } => format!("{}{}", name.name, sig(s)),
                    InterfaceElem::Embed(t) => e(t),
                })
                .collect();
            format!("(interface {})", parts.join(" "))
        }
        ExprKind::MapType(k, v) => format!("(map {} {})", e(k), e(v)),
        ExprKind::ChanType(d, x) => format!("(chan{d:?} {})", e(x)),
    }
}

fn stmts(l: &[Stmt]) -> String {
    l.iter().map(s).collect::<Vec<_>>().join(" ")
}

fn block(b: &Block) -> String {
    format!("{{{}}}", stmts(&b.stmts))
}

fn opt_stmt(x: &Option<Box<Stmt>>) -> String {
    x.as_ref().map_or("_".into(), |x| s(x))
}

fn s(x: &Stmt) -> String {
    match &x.kind {
        StmtKind::Empty => "empty".into(),
        StmtKind::Labeled { label, stmt } => format!("({}: {})", label.name, s(stmt)),
        StmtKind::Block(b) => block(b),
        StmtKind::Expr(x) => e(x),
        StmtKind::Send { ch, value } => format!("(send {} {})", e(ch), e(value)),
        StmtKind::IncDec { x, inc } => format!("({} {})", if *inc { "++" } else { "--" }, e(x)),
        StmtKind::Assign { lhs, op, rhs } => format!(
            "(assign{} [{}] [{}])",
            op.map_or(String::new(), |o| o.as_str().to_string()),
            list(lhs),
            list(rhs)
        ),
        StmtKind::Define { lhs, rhs } => format!("(define [{}] [{}])", list(lhs), list(rhs)),
        StmtKind::Go(x) => format!("(go {})", e(x)),
        StmtKind::Defer(x) => format!("(defer {})", e(x)),
        StmtKind::Return(xs) => format!("(return {})", list(xs)),
        StmtKind::Branch { kind, label } => format!(
            "({kind:?}{})",
            label
                .as_ref()
                .map_or(String::new(), |l| format!(" {}", l.name))
        ),
        StmtKind::If {
            init,
            cond,
            then,
            els,
        } => format!(
            "(if {} {} {} {})",
            opt_stmt(init),
            e(cond),
            block(then),
            opt_stmt(els)
        ),
        StmtKind::Switch {
            init, tag, clauses, ..
        } => format!(
            "(switch {} {} {})",
            opt_stmt(init),
            tag.as_ref().map_or("_".into(), e),
            cases(clauses)
        ),
        StmtKind::TypeSwitch {
            init,
            bind,
            x,
            clauses,
            ..
        } => format!(
            "(typeswitch {} {} {} {})",
            opt_stmt(init),
            bind.as_ref().map_or("_", |b| &b.name),
            e(x),
            cases(clauses)
        ),
        StmtKind::Select { clauses, .. } => {
            let cs: Vec<_> = clauses
                .iter()
                .map(|c| {
                    let comm = match &c.comm {
                        CommOp::Default => "default".to_string(),
                        CommOp::Send { ch, value } => format!("(send {} {})", e(ch), e(value)),
                        CommOp::Recv { lhs, define, recv } => {
                            format!("(recv [{}] {define} {})", list(lhs), e(recv))
                        }
                    };
                    format!("({comm} {})", stmts(&c.body))
                })
                .collect();
            format!("(select {})", cs.join(" "))
        }
        StmtKind::For {
            init,
            cond,
            post,
            body,
        } => format!(
            "(for {} {} {} {})",
            opt_stmt(init),
            cond.as_ref().map_or("_".into(), e),
            opt_stmt(post),
            block(body)
        ),
        StmtKind::Range {
            key,
            value,
            define,
            x,
            body,
        } => format!(
            "(range {} {} {define} {} {})",
            key.as_ref().map_or("_".into(), e),
            value.as_ref().map_or("_".into(), e),
            e(x),
            block(body)
        ),
        StmtKind::Decl(ds) => format!("(decl {})", ds.iter().map(d).collect::<Vec<_>>().join(" ")),
    }
}

fn cases(cs: &[CaseClause]) -> String {
    cs.iter()
        .map(|c| {
            let head = if c.is_default {
                "default".to_string()
            } else {
                format!("case {}", list(&c.exprs))
            };
            let imp = c
                .implicit
                .as_ref()
                .map_or(String::new(), |i| format!(" ({})", i.name));
            format!("({head}{imp}: {})", stmts(&c.body))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn d(x: &Decl) -> String {
    let names = |ns: &[Ident]| {
        ns.iter()
            .map(|n| n.name.as_str())
            .collect::<Vec<_>>()
            .join(",")
    };
    match x {
        Decl::Const(c) => format!(
            "(const {} {} iota={} [{}]{})",
            names(&c.names),
            c.typ.as_ref().map_or("_".into(), e),
            c.iota,
            list(&c.values),
            if c.group.is_some() { " grouped" } else { "" }
        ),
        Decl::Var(v) => format!(
            "(var {} {} [{}])",
            names(&v.names),
            v.typ.as_ref().map_or("_".into(), e),
            list(&v.values)
        ),
        Decl::Type(t) => format!(
            "(type {}{} [{}] {})",
            t.name.name,
            if t.alias { " =" } else { "" },
            fields(&t.tparams),
            e(&t.typ)
        ),
        Decl::Func(f) => format!(
            "(func {}{} [{}] {} {}{})",
            f.recv.as_ref().map_or(String::new(), |r| format!(
                "{} ",
                fields(std::slice::from_ref(r))
            )),
            f.name.name,
            fields(&f.tparams),
            sig(&f.sig),
            f.body.as_ref().map_or("nobody".into(), block),
            if f.pragmas.is_empty() {
                String::new()
            } else {
                format!(" {:?}", f.pragmas)
            }
        ),
    }
}

/// The dump of the single expression in `var _ = <src>`.
fn expr(src: &str) -> String {
    let f = parse(&format!("package p\nvar _ = {src}\n"));
    match &f.decls[0] {
        Decl::Var(v) => e(&v.values[0]),
        _ => unreachable!(),
    }
}

/// The dump of the statements of `func _() { <src> }`.
fn body(src: &str) -> String {
    let f = parse(&format!("package p\nfunc _() {{\n{src}\n}}\n"));
    match &f.decls[0] {
        Decl::Func(f) => stmts(&f.body.as_ref().unwrap().stmts),
        _ => unreachable!(),
    }
}

/// The dumps of the declarations of a file with the given body after `package p`.
fn decls(src: &str) -> Vec<String> {
    parse(&format!("package p\n{src}\n"))
        .decls
        .iter()
        .map(d)
        .collect()
}

#[test]
fn operands_and_precedence() {
    assert_eq!(expr("a + b*c"), "(+ a (* b c))");
    assert_eq!(
        expr("a || b && c == d + e<<f"),
        "(|| a (&& b (== c (+ d (<< e f)))))"
    );
    assert_eq!(expr("a - b - c"), "(- (- a b) c)");
    assert_eq!(expr("-x &^ ^y"), "(&^ (- x) (^ y))");
    assert_eq!(expr("!*p"), "(! (* p))");
    assert_eq!(expr("&T{}"), "(& (lit T ))");
    assert_eq!(expr("&(T{})"), "(& (lit T ))");
    assert_eq!(expr("(a + b) * c"), "(* (paren (+ a b)) c)");
    assert_eq!(expr("<-ch"), "(<- ch)");
    assert_eq!(
        expr("1 + 2.5 + 3i + 'x' + \"s\" + `r`"),
        "(+ (+ (+ (+ (+ Int:1 Float:2.5) Imag:3i) Rune:'x') String:\"s\") String:`r`)"
    );
    assert_eq!(expr("0x1p-2"), "Float:0x1p-2");
}

#[test]
fn primary_expressions() {
    assert_eq!(expr("a.b.c"), "(sel (sel a b) c)");
    assert_eq!(expr("a[i]"), "(index a i)");
    assert_eq!(expr("f[int, string]"), "(index f int string)");
    assert_eq!(expr("m[k,]"), "(index m k)");
    assert_eq!(expr("s[:]"), "(slice s _ _ _)");
    assert_eq!(expr("s[i:]"), "(slice s i _ _)");
    assert_eq!(expr("s[:j]"), "(slice s _ j _)");
    assert_eq!(expr("s[i:j:k]"), "(slice s i j k full)");
    assert_eq!(expr("s[:j:k]"), "(slice s _ j k full)");
    assert_eq!(expr("x.(T)"), "(assert x T)");
    assert_eq!(expr("x.(*pkg.T)"), "(assert x (* (sel pkg T)))");
    assert_eq!(expr("f(a, b...)"), "(call f a b...)");
    assert_eq!(expr("f(a, b,)"), "(call f a b)");
    assert_eq!(expr("f()()"), "(call (call f ) )");
    assert_eq!(expr("T.m"), "(sel T m)");
    assert_eq!(expr("(*T).m"), "(sel (paren (* T)) m)");
    assert_eq!(expr("[]int(x)"), "(call (slicetype int) x)");
    assert_eq!(expr("(<-chan int)(x)"), "(call (paren (chanRecv int)) x)");
    assert_eq!(
        expr("func(int) int(f)"),
        "(call (func [( int)] [( int)]) f)"
    );
    assert_eq!(expr("G[int](1)"), "(call (index G int) Int:1)");
    assert_eq!(
        expr("pkg.G[int, string]{}"),
        "(lit (index (sel pkg G) int string) )"
    );
}

#[test]
fn composite_and_function_literals() {
    assert_eq!(expr("T{1, 2}"), "(lit T Int:1 Int:2)");
    assert_eq!(expr("T{a: 1, b: 2,}"), "(lit T (a: Int:1) (b: Int:2))");
    assert_eq!(
        expr("[]T{{1}, {x: 2}}"),
        "(lit (slicetype T) (lit _ Int:1) (lit _ (x: Int:2)))"
    );
    assert_eq!(expr("[...]int{1}"), "(lit (array _ int) Int:1)");
    assert_eq!(
        expr("map[string]int{\"a\": 1}"),
        "(lit (map string int) (String:\"a\": Int:1))"
    );
    assert_eq!(
        expr("map[K]V{{1, 2}: {3}}"),
        "(lit (map K V) ((lit _ Int:1 Int:2): (lit _ Int:3)))"
    );
    assert_eq!(expr("struct{ x int }{1}"), "(lit (struct (x int)) Int:1)");
    assert_eq!(expr("pkg.T{}"), "(lit (sel pkg T) )");
    assert_eq!(
        expr("func(a, b int, c ...string) (r int) { return 1 }"),
        "(funclit (func [(a,b int) (c (... string))] [(r int)] variadic) 1)"
    );
}

#[test]
fn types() {
    assert_eq!(
        expr("[]*[4]map[string]chan<- int(nil)"),
        "(call (slicetype (* (array Int:4 (map string (chanSend int))))) nil)"
    );
    assert_eq!(
        expr("(<-chan <-chan int)(nil)"),
        "(call (paren (chanRecv (chanRecv int))) nil)"
    );
    assert_eq!(
        expr("(chan (<-chan int))(nil)"),
        "(call (paren (chanBoth (chanRecv int))) nil)"
    );
    assert_eq!(
        expr("(func(int, string) (bool, error))(nil)"),
        "(call (paren (func [( int) ( string)] [( bool) ( error)])) nil)"
    );
    assert_eq!(
        expr("(struct { a, b int `tag`; T; *pkg.U; V[int] })(x)"),
        "(call (paren (struct (a,b int tag=\"tag\") ( T embedded) ( (* (sel pkg U)) embedded) ( (index V int) embedded))) x)"
    );
    assert_eq!(
        expr("(interface { m(x int) bool; io.Reader; ~int | ~string; comparable })(x)"),
        "(call (paren (interface m(func [(x int)] [( bool)]) (sel io Reader) (| (~ int) (~ string)) comparable)) x)"
    );
}

#[test]
fn declarations() {
    assert_eq!(
        decls("const (\n\tA = iota\n\tB\n\tC, D int = 1, 2\n)\nconst E = 1"),
        [
            "(const A _ iota=0 [iota] grouped)",
            "(const B _ iota=1 [] grouped)",
            "(const C,D int iota=2 [Int:1 Int:2] grouped)",
            "(const E _ iota=0 [Int:1])"
        ]
    );
    assert_eq!(
        decls("var a int\nvar b, c = 1, 2\nvar (\n\td []T\n)"),
        [
            "(var a int [])",
            "(var b,c _ [Int:1 Int:2])",
            "(var d (slicetype T) [])"
        ]
    );
    assert_eq!(
        decls("type A int\ntype B = A\ntype (C struct{}; D *C)"),
        [
            "(type A [] int)",
            "(type B = [] A)",
            "(type C [] (struct ))",
            "(type D [] (* C))"
        ]
    );
    assert_eq!(
        decls("func f()\nfunc (r *T) m(a, b int) (x, y int) {}\nfunc (T) n() int { return 0 }"),
        [
            "(func f [] (func [] []) nobody)",
            "(func (r (* T)) m [] (func [(a,b int)] [(x,y int)]) {})",
            "(func ( T) n [] (func [] [( int)]) {(return Int:0)})"
        ]
    );
}

#[test]
fn generics() {
    assert_eq!(
        decls("func Map[K comparable, V any, F ~func(K) V](m map[K]V, f F) {}"),
        ["(func Map [(K comparable) (V any) (F (~ (func [( K)] [( V)])))] (func [(m (map K V)) (f F)] []) {})"]
    );
    assert_eq!(
        decls("type List[T any] struct { next *List[T] }"),
        ["(type List [(T any)] (struct (next (* (index List T)))))"]
    );
    assert_eq!(
        decls("type Number interface { ~int | ~int64 | float64 }"),
        ["(type Number [] (interface (| (| (~ int) (~ int64)) float64)))"]
    );
    assert_eq!(
        decls("type S[P, Q any] []P"),
        ["(type S [(P,Q any)] (slicetype P))"]
    );
    assert_eq!(
        decls("type C[P ~int|string] int"),
        ["(type C [(P (| (~ int) string))] int)"]
    );
    assert_eq!(decls("type E[P *T,] int"), ["(type E [(P (* T))] int)"]);
    assert_eq!(
        decls("type F[P *[]int] int"),
        ["(type F [(P (* (slicetype int)))] int)"]
    );
    assert_eq!(
        decls("type G[P interface{ m() }] int"),
        ["(type G [(P (interface m(func [] [])))] int)"]
    );
    assert_eq!(
        decls("type M[K comparable, V any] map[K]V"),
        ["(type M [(K comparable) (V any)] (map K V))"]
    );
    // the `[` ambiguity resolved as gc does: these are arrays
    assert_eq!(decls("type A[N] int"), ["(type A [] (array N int))"]);
    assert_eq!(
        decls("type B[N * M] int"),
        ["(type B [] (array (* N M) int))"]
    );
    assert_eq!(
        decls("type C[2 * N] int"),
        ["(type C [] (array (* Int:2 N) int))"]
    );
    assert_eq!(
        decls("type D[P *T] struct{}"),
        ["(type D [] (array (* P T) (struct )))"]
    );
    assert_eq!(decls("type E [N]T"), ["(type E [] (array N T))"]);
    assert_eq!(decls("type F []T"), ["(type F [] (slicetype T))"]);
    assert_eq!(
        decls("func (l *List[T]) Push(v T) {}"),
        ["(func (l (* (index List T))) Push [] (func [(v T)] []) {})"]
    );
    assert_eq!(
        decls("type I interface { List[int]; m() }"),
        ["(type I [] (interface (index List int) m(func [] [])))"]
    );
    assert_eq!(
        body("x := Sum[int, float64](a)"),
        "(define [x] [(call (index Sum int float64) a)])"
    );
}

#[test]
fn simple_statements() {
    assert_eq!(body("x"), "x");
    assert_eq!(body("x, y = y, x"), "(assign [x y] [y x])");
    assert_eq!(body("a, b := 1, 2"), "(define [a b] [Int:1 Int:2])");
    assert_eq!(
        body("x += 1; x <<= 2; x &^= y"),
        "(assign+ [x] [Int:1]) (assign<< [x] [Int:2]) (assign&^ [x] [y])"
    );
    assert_eq!(body("x++; y--"), "(++ x) (-- y)");
    assert_eq!(body("ch <- v"), "(send ch v)");
    assert_eq!(body("<-ch"), "(<- ch)");
    assert_eq!(body("f(); (g)()"), "(call f ) (call (paren g) )");
    assert_eq!(body(";;"), "empty empty");
    assert_eq!(body("*p = 1"), "(assign [(* p)] [Int:1])");
    assert_eq!(
        body("go f(x); defer g()"),
        "(go (call f x)) (defer (call g ))"
    );
    assert_eq!(
        body("var x int; const c = 1; type t int"),
        "(decl (var x int [])) (decl (const c _ iota=0 [Int:1])) (decl (type t [] int))"
    );
    assert_eq!(
        body("return; return 1, 2"),
        "(return ) (return Int:1 Int:2)"
    );
    assert_eq!(
        body("{ x := 1; _ = x }"),
        "{(define [x] [Int:1]) (assign [_] [x])}"
    );
}

#[test]
fn control_flow() {
    assert_eq!(body("if x { a() }"), "(if _ x {(call a )} _)");
    assert_eq!(
        body("if x := f(); x > 0 {} else if y {} else {}"),
        "(if (define [x] [(call f )]) (> x Int:0) {} (if _ y {} {}))"
    );
    assert_eq!(body("for {}"), "(for _ _ _ {})");
    assert_eq!(body("for x < 10 {}"), "(for _ (< x Int:10) _ {})");
    assert_eq!(
        body("for i := 0; i < n; i++ {}"),
        "(for (define [i] [Int:0]) (< i n) (++ i) {})"
    );
    assert_eq!(body("for ;; {}"), "(for _ _ _ {})");
    assert_eq!(body("for range ch {}"), "(range _ _ false ch {})");
    assert_eq!(body("for k := range m {}"), "(range k _ true m {})");
    assert_eq!(body("for k, v = range m {}"), "(range k v false m {})");
    assert_eq!(body("switch {}"), "(switch _ _ )");
    assert_eq!(
        body("switch x := f(); x { case 1, 2: a(); fallthrough; case 3: default: }"),
        "(switch (define [x] [(call f )]) x (case Int:1 Int:2: (call a ) (Fallthrough)) (case Int:3: ) (default: ))"
    );
    assert_eq!(
        body("switch v := x.(type) { case int, string: case nil: default: }"),
        "(typeswitch _ v x (case int string (v): ) (case nil (v): ) (default (v): ))"
    );
    assert_eq!(body("switch x.(type) {}"), "(typeswitch _ _ x )");
    assert_eq!(
        body("select { case v := <-a: case v, ok = <-b: case c <- 1: case <-d: default: }"),
        "(select ((recv [v] true (<- a)) ) ((recv [v ok] false (<- b)) ) ((send c Int:1) ) ((recv [] false (<- d)) ) (default ))"
    );
    assert_eq!(
        body("L: for { break L; continue L }\ngoto M\nM:"),
        "(L: (for _ _ _ {(Break L) (Continue L)})) (Goto M) (M: empty)"
    );
}

#[test]
fn composite_literal_versus_block() {
    // in a header, `{` after a plain name starts the block
    assert_eq!(body("if x == T {}"), "(if _ (== x T) {} _)");
    assert_eq!(
        body("for _, x := range []T{{}} {}"),
        "(range _ x true (lit (slicetype T) (lit _ )) {})"
    );
    assert_eq!(
        body("if x == (T{}) {}"),
        "(if _ (== x (paren (lit T ))) {} _)"
    );
    assert_eq!(
        body("switch (T{}).x {}"),
        "(switch _ (sel (paren (lit T )) x) )"
    );
    assert_eq!(body("if f(T{}) {}"), "(if _ (call f (lit T )) {} _)");
}

#[test]
fn positions_follow_gc() {
    let src = "package p\n\nfunc f() {\n\tx := a + b[i](c).d\n}\n";
    let f = SourceFile::new("x.go", src);
    let r = parse_file(&f, 100);
    let Decl::Func(fd) = &r.file.decls[0] else {
        unreachable!()
    };
    let st = &fd.body.as_ref().unwrap().stmts[0];
    assert_eq!(f.line_col(st.pos), (4, 4)); // :=
    let StmtKind::Define { lhs, rhs } = &st.kind else {
        unreachable!()
    };
    assert_eq!(f.line_col(lhs[0].pos), (4, 2));
    assert_eq!(f.line_col(rhs[0].pos), (4, 9)); // +
    let ExprKind::Binary(_, _, y) = &rhs[0].kind else {
        unreachable!()
    };
    assert_eq!(f.line_col(y.pos), (4, 18)); // .
    let ExprKind::Selector(call, _) = &y.kind else {
        unreachable!()
    };
    assert_eq!(f.line_col(call.pos), (4, 15)); // (
    let ExprKind::Call { fun, .. } = &call.kind else {
        unreachable!()
    };
    assert_eq!(f.line_col(fun.pos), (4, 12)); // [
    assert_eq!(r.file.pos, Pos(0));
    assert_eq!(f.line_col(r.file.eof), (6, 1));
    // ids are fresh, start at first_id, and next_id is past all of them
    let mut ids = vec![
        r.file.package.id.0,
        fd.name.id.0,
        lhs[0].id.0,
        rhs[0].id.0,
        y.id.0,
        call.id.0,
        fun.id.0,
    ];
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 7);
    assert!(ids[0] >= 100 && *ids.last().unwrap() < r.next_id);
}

#[test]
fn file_level_data() {
    let src = "//go:build linux && amd64\n\n// Package p.\npackage p\n\nimport (\n\t\"fmt\"\n\tm \"math\"\n\t. \"strings\"\n\t_ \"embed\"\n)\nimport \"os\"\n\n//go:linkname now time.now\n//go:linkname local\n\n//go:noinline\n//go:nosplit\nfunc f() {}\n\nvar x int\n\nfunc g() {}\n";
    let f = parse(src);
    assert_eq!(f.go_build.as_deref(), Some("linux && amd64"));
    assert_eq!(f.package.name, "p");
    let imports: Vec<_> = f
        .imports
        .iter()
        .map(|i| {
            (
                i.local_name.as_ref().map(|n| n.name.clone()),
                i.path.clone(),
            )
        })
        .collect();
    assert_eq!(
        imports,
        [
            (None, "fmt".to_string()),
            (Some("m".to_string()), "math".to_string()),
            (Some(".".to_string()), "strings".to_string()),
            (Some("_".to_string()), "embed".to_string()),
            (None, "os".to_string()),
        ]
    );
    let links: Vec<_> = f
        .linknames
        .iter()
        .map(|(_, a, b)| (a.as_str(), b.as_str()))
        .collect();
    assert_eq!(links, [("now", "time.now"), ("local", "")]);
    let Decl::Func(fd) = &f.decls[0] else {
        unreachable!()
    };
    assert_eq!(fd.pragmas, ["go:noinline", "go:nosplit"]);
    let Decl::Func(gd) = &f.decls[2] else {
        unreachable!()
    };
    assert!(gd.pragmas.is_empty());
}

#[test]
fn unquoting_helpers() {
    use rgo_syntax::literal::{unquote_rune, unquote_string};
    assert_eq!(unquote_string("\"a\\x00\"").unwrap(), b"a\0");
    assert_eq!(unquote_rune("'\\u00e9'"), Some(0xe9));
}
