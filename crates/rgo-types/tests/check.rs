//! Checker tests: exact gc messages (verified against go1.19's compiler) and recorded
//! types, values, objects and selections.

use rgo_syntax::ast::{self, ExprKind, StmtKind};
use rgo_syntax::{parse_file, SourceFile};
use rgo_types::{basic, ConstValue, Mode, Package};

fn check(src: &str) -> (Result<Package, Vec<String>>, ast::File) {
    let sf = SourceFile::new("x.go", src);
    let pr = parse_file(&sf, 0);
    assert!(pr.errors.is_empty(), "syntax errors: {:?}", pr.errors);
    let file = pr.file;
    let files = [(&sf, &file)];
    let r = rgo_types::check_package("main", &files).map_err(|errs| {
        errs.iter()
            .map(|(_, e)| rgo_syntax::format_error(&sf, e))
            .collect()
    });
    (r, file)
}

fn errors(src: &str) -> Vec<String> {
    match check(src).0 {
        Ok(_) => vec![],
        Err(e) => e,
    }
}

fn ok(src: &str) -> (Package, ast::File) {
    let (r, f) = check(src);
    match r {
        Ok(p) => (p, f),
        Err(e) => panic!("unexpected errors:\n{}", e.join("\n")),
    }
}

#[test]
fn gc_messages_basic() {
    let src = "package main

const c = 300

func f(a int) int {
	var b int8 = c
	var i int = 1.5
	_ = 1 / 0
	u := 3
	var s string = a
	if a {
	}
	f(1, 2)
	return
}

func main() {}
";
    let got = errors(src);
    let want = vec![
        "x.go:6:15: cannot use c (untyped int constant 300) as int8 value in variable declaration (overflows)",
        "x.go:7:14: cannot use 1.5 (untyped float constant) as int value in variable declaration (truncated)",
        "x.go:8:10: invalid operation: division by zero",
        "x.go:9:2: u declared but not used",
        "x.go:10:17: cannot use a (variable of type int) as type string in variable declaration",
        "x.go:11:5: non-boolean condition in if statement",
        "x.go:13:7: too many arguments in call to f\n\thave (number, number)\n\twant (int)",
        "x.go:14:2: not enough return values\n\thave ()\n\twant (int)",
    ];
    assert_eq!(got, want);
}

#[test]
fn gc_messages_exact() {
    let src = "package main

func f(a int) int {
	_ = a + \"s\"
	_ = !a
	for {
		break
	}
}

func g() {
	var z int
	z = 3
	1 = 2
	undefinedy()
	var q int
	var q int
}

func main() {}
";
    let got = errors(src);
    let want = vec![
        "x.go:4:6: invalid operation: a + \"s\" (mismatched types int and untyped string)",
        "x.go:5:7: invalid operation: operator ! not defined on a (variable of type int)",
        "x.go:9:1: missing return",
        "x.go:12:6: z declared but not used",
        "x.go:14:2: cannot assign to 1 (untyped int constant)",
        "x.go:15:2: undefined: undefinedy",
        "x.go:16:6: q declared but not used",
        "x.go:17:6: q redeclared in this block\n\tx.go:16:6: other declaration of q",
    ];
    assert_eq!(got, want);
}

#[test]
fn gc_messages_more() {
    let src = "package main

type T struct{ a int }
type I interface{ M() }

func (t *T) M() {}

func f() (int, int) { return 1, 2 }

func main() {
	var b int8
	_ = b + 300
	_ = int8(300)
	var t T
	var i I = t
	_ = i
	x := f()
	_ = x
	_ = t.b
	_ = nil
}
";
    let got = errors(src);
    let want = vec![
        "x.go:12:10: 300 (untyped int constant) overflows int8",
        "x.go:13:11: cannot convert 300 (untyped int constant) to type int8",
        "x.go:15:12: cannot use t (variable of type T) as type I in variable declaration:\n\tT does not implement I (M method has pointer receiver)",
        "x.go:17:7: assignment mismatch: 1 variable but f returns 2 values",
        "x.go:19:8: t.b undefined (type T has no field or method b)",
        "x.go:20:6: use of untyped nil in assignment",
    ];
    assert_eq!(got, want);
}

#[test]
fn gc_messages_decls() {
    let src = "package main

type A struct{ b B }
type B struct{ a A }

var x = y
var y = x

func main() {
	x := 1
	x := 2
	_, _ = 1
}
";
    let got = errors(src);
    let want = vec![
        "x.go:3:6: invalid recursive type A\n\tx.go:3:6: A refers to\n\tx.go:4:6: B refers to\n\tx.go:3:6: A",
        "x.go:6:5: initialization loop for x\n\tx.go:6:5: x refers to\n\tx.go:7:5: y refers to\n\tx.go:6:5: x",
        "x.go:10:2: x declared but not used",
        "x.go:11:4: no new variables on left side of :=",
        "x.go:12:9: assignment mismatch: 2 variables but 1 value",
    ];
    assert_eq!(got, want);
}

#[test]
fn too_many_errors() {
    let mut src = String::from("package main\n\nfunc main() {\n");
    for i in 1..=12 {
        src.push_str(&format!("\ta{i} := 1\n"));
    }
    src.push_str("}\n");
    let got = errors(&src);
    assert_eq!(got.len(), 11);
    assert_eq!(got[9], "x.go:13:2: a10 declared but not used");
    assert_eq!(got[10], "x.go:13:2: too many errors");
}

fn find_expr<'a>(f: &'a ast::File, pred: &dyn Fn(&ast::Expr) -> bool) -> Vec<&'a ast::Expr> {
    fn walk_expr<'a>(
        e: &'a ast::Expr,
        pred: &dyn Fn(&ast::Expr) -> bool,
        out: &mut Vec<&'a ast::Expr>,
    ) {
        if pred(e) {
            out.push(e);
        }
        match &e.kind {
            ExprKind::Binary(_, x, y) => {
                walk_expr(x, pred, out);
                walk_expr(y, pred, out);
            }
            ExprKind::Unary(_, x)
            | ExprKind::Paren(x)
            | ExprKind::Star(x)
            | ExprKind::Selector(x, _) => walk_expr(x, pred, out),
            ExprKind::Call { fun, args, .. } => {
                walk_expr(fun, pred, out);
                for a in args {
                    walk_expr(a, pred, out);
                }
            }
            ExprKind::CompositeLit { elems, .. } => {
                for a in elems {
                    walk_expr(a, pred, out);
                }
            }
            ExprKind::KeyValue(k, v) => {
                walk_expr(k, pred, out);
                walk_expr(v, pred, out);
            }
            ExprKind::Index(x, i) => {
                walk_expr(x, pred, out);
                for a in i {
                    walk_expr(a, pred, out);
                }
            }
            _ => {}
        }
    }
    fn walk_stmt<'a>(
        s: &'a ast::Stmt,
        pred: &dyn Fn(&ast::Expr) -> bool,
        out: &mut Vec<&'a ast::Expr>,
    ) {
        match &s.kind {
            StmtKind::Expr(e) => walk_expr(e, pred, out),
            StmtKind::Assign { lhs, rhs, .. } | StmtKind::Define { lhs, rhs } => {
                for e in lhs.iter().chain(rhs) {
                    walk_expr(e, pred, out);
                }
            }
            StmtKind::Decl(ds) => {
                for d in ds {
                    if let ast::Decl::Var(v) = d {
                        for e in &v.values {
                            walk_expr(e, pred, out);
                        }
                    }
                }
            }
            StmtKind::If { cond, then, .. } => {
                walk_expr(cond, pred, out);
                for s in &then.stmts {
                    walk_stmt(s, pred, out);
                }
            }
            StmtKind::Return(es) => {
                for e in es {
                    walk_expr(e, pred, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for d in &f.decls {
        match d {
            ast::Decl::Var(v) => {
                for e in &v.values {
                    walk_expr(e, pred, &mut out);
                }
            }
            ast::Decl::Const(c) => {
                for e in &c.values {
                    walk_expr(e, pred, &mut out);
                }
            }
            ast::Decl::Func(fd) => {
                if let Some(b) = &fd.body {
                    for s in &b.stmts {
                        walk_stmt(s, pred, &mut out);
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn lit<'a>(f: &'a ast::File, text: &str) -> Vec<&'a ast::Expr> {
    let t = text.to_string();
    find_expr(
        f,
        &move |e| matches!(&e.kind, ExprKind::BasicLit { value, .. } if *value == t),
    )
}

#[test]
fn untyped_constants_get_final_types() {
    let (p, f) = ok("package main

var x int8 = 1
var y float32 = 2 + 3
var z = 1 << 2
var w interface{} = 7

func main() {
	var s uint = 3
	_ = s << 4
	if 1 < 2 {
	}
}
");
    let one = lit(&f, "1")[0];
    assert_eq!(p.tv(one.id).unwrap().typ, basic::INT8);
    let two = lit(&f, "2")[0];
    assert_eq!(p.tv(two.id).unwrap().typ, basic::FLOAT32);
    let bin = find_expr(&f, &|e| {
        matches!(e.kind, ExprKind::Binary(ast::BinOp::Add, ..))
    })[0];
    let tv = p.tv(bin.id).unwrap();
    assert_eq!(tv.typ, basic::FLOAT32);
    assert!(matches!(&tv.mode, Mode::Constant(ConstValue::Float(_))));
    let shl = find_expr(&f, &|e| {
        matches!(e.kind, ExprKind::Binary(ast::BinOp::Shl, ..))
    })[0];
    assert_eq!(p.tv(shl.id).unwrap().typ, basic::INT);
    assert_eq!(
        p.tv(shl.id).unwrap().mode,
        Mode::Constant(ConstValue::int(4))
    );
    let seven = lit(&f, "7")[0];
    assert_eq!(p.tv(seven.id).unwrap().typ, basic::INT);
    let cmp = find_expr(&f, &|e| {
        matches!(e.kind, ExprKind::Binary(ast::BinOp::Lt, ..))
    })[0];
    assert_eq!(p.tv(cmp.id).unwrap().typ, basic::UNTYPED_BOOL);
    let four = lit(&f, "4")[0];
    assert_eq!(p.tv(four.id).unwrap().typ, basic::UINT);
}

#[test]
fn iota_and_implicit_repetition() {
    let (p, _) = ok("package main

type Weekday int

const (
	Sunday Weekday = iota
	Monday
	Tuesday
	_
	Thursday
)

const (
	a, b = iota * 10, iota + 1
	c, d
)

func main() {}
");
    let get = |n: &str| {
        let o = p.obj(p.scope[n]);
        match &o.kind {
            rgo_types::ObjKind::Const(v) => (v.clone(), o.typ),
            _ => panic!(),
        }
    };
    assert_eq!(get("Tuesday").0, ConstValue::int(2));
    assert_eq!(get("Thursday").0, ConstValue::int(4));
    assert_eq!(get("Monday").1, p.obj(p.scope["Weekday"]).typ);
    assert_eq!(get("c").0, ConstValue::int(10));
    assert_eq!(get("d").0, ConstValue::int(2));
}

#[test]
fn selections_and_init_order() {
    let (p, f) = ok("package main

type Inner struct{ X int }

func (i *Inner) Get() int { return i.X }

type Outer struct {
	*Inner
	Y int
}

var a = b + c
var b = f()
var c = 1

func f() int { return c }

func main() {
	o := Outer{Inner: &Inner{X: 1}}
	_ = o.X
	_ = o.Get()
	m := map[string]int{}
	v, ok := m[\"k\"]
	_, _ = v, ok
}
");
    let sels = find_expr(
        &f,
        &|e| matches!(&e.kind, ExprKind::Selector(_, s) if s.name == "X"),
    );
    let sel = &p.info.selections[&sels[sels.len() - 1].id];
    assert_eq!(sel.index, vec![0, 0]);
    assert!(sel.indirect);
    let gets = find_expr(
        &f,
        &|e| matches!(&e.kind, ExprKind::Selector(_, s) if s.name == "Get"),
    );
    assert_eq!(
        p.info.selections[&gets[0].id].kind,
        rgo_types::SelectionKind::MethodVal
    );
    let order: Vec<&str> = p
        .info
        .init_order
        .iter()
        .map(|i| p.obj(i.lhs[0]).name.as_str())
        .collect();
    assert_eq!(order, vec!["c", "b", "a"]);
}

#[test]
fn type_switch_implicits() {
    let (p, _) = ok("package main

func main() {
	var x interface{} = 1
	switch v := x.(type) {
	case int:
		_ = v + 1
	case string, bool:
		_ = v
	}
}
");
    let mut types: Vec<_> = p.info.implicits.values().map(|&o| p.obj(o).typ).collect();
    types.sort();
    assert_eq!(types.len(), 2);
    assert!(types.contains(&basic::INT));
}

#[test]
fn never_panics_on_cycles() {
    for src in [
        "package main\ntype T [len(T{})]int\nfunc main() {}\n",
        "package main\ntype T struct{ a [2]T }\nfunc main() {}\n",
        "package main\ntype A = B\ntype B = A\nfunc main() {}\n",
        "package main\nconst c = c\nfunc main() {}\n",
        "package main\ntype T interface{ T }\nfunc main() {}\n",
        "package main\nfunc f[P any, Q P]() {}\nfunc main() {}\n",
        "package main\nvar x [1 << 70]int\nfunc main() {}\n",
    ] {
        let r = errors(src);
        assert!(!r.is_empty(), "expected errors for {src}");
    }
}

#[test]
fn generics_partial() {
    ok("package main

type Number interface{ ~int | ~float64 }

func Max[T Number](a, b T) T {
	if a > b {
		return a
	}
	return b
}

type List[T any] struct {
	head *node[T]
}

type node[T any] struct {
	v    T
	next *node[T]
}

func main() {
	_ = Max(1, 2)
	_ = Max[float64](1, 2.5)
	var l List[int]
	_ = l.head
}
");
}

#[test]
fn generic_instances_are_discovered() {
    let (p, _) = ok("package main

type Stack[T any] struct{ items []T }

func (s *Stack[T]) Push(x T) { s.items = append(s.items, x) }

func Map[T, U any](xs []T, f func(T) U) []U { return nil }

func id[T any](x T) T { return id2(x) }

func id2[T any](x T) T { return x }

func unused[T any](x T) {}

func main() {
	var s Stack[int]
	s.Push(1)
	_ = Map([]int{1}, func(i int) string { return \"\" })
	_ = id(\"s\")
}
");
    let mut got: Vec<(String, Vec<rgo_types::TypeId>)> = p
        .instances
        .iter()
        .map(|i| (p.obj(i.generic).name.clone(), i.targs.clone()))
        .collect();
    got.sort();
    let want = vec![
        ("Map".to_string(), vec![basic::INT, basic::STRING]),
        ("Push".to_string(), vec![basic::INT]),
        ("id".to_string(), vec![basic::STRING]),
        ("id2".to_string(), vec![basic::STRING]),
    ];
    assert_eq!(got, want);
    // One instance type per (generic, type arguments); its method has a concrete
    // signature and receiver.
    assert_eq!(p.named_instances.len(), 1);
    let push = p
        .instances
        .iter()
        .find(|i| p.obj(i.generic).name == "Push")
        .unwrap();
    match p.obj(push.obj).kind {
        rgo_types::ObjKind::Func { recv: Some(r) } => {
            assert_eq!(
                p.types.get(r),
                &rgo_types::Type::Pointer(p.named_instances[0])
            );
        }
        ref k => panic!("{k:?}"),
    }
}

#[test]
fn generic_gc_messages() {
    let src = "package main

func Zero[T any]() T {
	var z T
	return z
}

func Max[T int | float64](a, b T) T {
	if a > b {
		return a
	}
	return b
}

func Add[T any](a, b T) T { return a + b }

func main() {
	_ = Zero()
	_ = Max(1, 2.5)
	_ = Max[string]
	var i int
	var f float64
	_ = Max(i, f)
	g := Max
	_ = g
}
";
    let got = errors(src);
    let want = vec![
        "x.go:15:36: invalid operation: operator + not defined on a (variable of type T constrained by any)",
        "x.go:18:10: cannot infer T (x.go:3:11)",
        "x.go:19:13: default type float64 of 2.5 does not match inferred type int for T",
        "x.go:20:10: string does not implement int|float64 (string missing in int | float64)",
        "x.go:23:13: type float64 of f does not match inferred type int for T",
        "x.go:24:7: cannot use generic function Max without instantiation",
    ];
    assert_eq!(got, want);
}
