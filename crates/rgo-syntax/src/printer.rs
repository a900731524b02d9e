//! Expressions back to source text, in the one-line short form gc's `syntax.String` uses
//! in messages (`f(x)[1:2]`, `a + b * c`, function and composite literal bodies as `{…}`),
//! so that diagnostics quoting an expression read exactly as gc's.

use crate::ast::*;
use std::fmt::Write;

/// The expression as gc prints it in error messages.
pub fn expr_string(e: &Expr) -> String {
    let mut s = String::new();
    expr(&mut s, e);
    s
}

/// A comma-separated expression list, as gc prints a list expression.
pub fn expr_list_string(list: &[Expr]) -> String {
    let mut s = String::new();
    expr_list(&mut s, list);
    s
}

fn expr_list(s: &mut String, list: &[Expr]) {
    for (i, e) in list.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        expr(s, e);
    }
}

fn opt(s: &mut String, e: &Option<Box<Expr>>) {
    if let Some(e) = e {
        expr(s, e);
    }
}

fn expr(s: &mut String, e: &Expr) {
    match &e.kind {
        ExprKind::Bad => s.push_str("<bad expr>"),
        ExprKind::Name(n) => s.push_str(n),
        ExprKind::BasicLit { value, .. } => s.push_str(value),
        ExprKind::CompositeLit { typ, elems, .. } => {
            opt(s, typ);
            s.push_str(if elems.is_empty() { "{}" } else { "{…}" });
        }
        ExprKind::KeyValue(k, v) => {
            expr(s, k);
            s.push_str(": ");
            expr(s, v);
        }
        ExprKind::FuncLit { sig, body } => {
            func_type(s, sig);
            s.push_str(if body.stmts.is_empty() {
                " {}"
            } else {
                " {…}"
            });
        }
        ExprKind::Paren(x) => {
            s.push('(');
            expr(s, x);
            s.push(')');
        }
        ExprKind::Selector(x, sel) => {
            expr(s, x);
            s.push('.');
            s.push_str(&sel.name);
        }
        ExprKind::Index(x, idx) => {
            expr(s, x);
            s.push('[');
            expr_list(s, idx);
            s.push(']');
        }
        ExprKind::Slice { x, lo, hi, max, .. } => {
            expr(s, x);
            s.push('[');
            opt(s, lo);
            s.push(':');
            opt(s, hi);
            if let Some(m) = max {
                s.push(':');
                expr(s, m);
            }
            s.push(']');
        }
        ExprKind::TypeAssert { x, typ } => {
            expr(s, x);
            s.push_str(".(");
            match typ {
                Some(t) => expr(s, t),
                None => s.push_str("type"),
            }
            s.push(')');
        }
        ExprKind::Call { fun, args, dots } => {
            expr(s, fun);
            s.push('(');
            expr_list(s, args);
            if *dots {
                s.push_str("...");
            }
            s.push(')');
        }
        ExprKind::Star(x) => {
            s.push('*');
            expr(s, x);
        }
        ExprKind::Unary(op, x) => {
            s.push_str(op.as_str());
            expr(s, x);
        }
        ExprKind::Binary(op, x, y) => {
            expr(s, x);
            let _ = write!(s, " {} ", op.as_str());
            expr(s, y);
        }
        ExprKind::ArrayType { len, elem } => {
            s.push('[');
            match len {
                Some(l) => expr(s, l),
                None => s.push_str("..."),
            }
            s.push(']');
            expr(s, elem);
        }
        ExprKind::SliceType(elem) => {
            s.push_str("[]");
            expr(s, elem);
        }
        ExprKind::DotsType(elem) => {
            s.push_str("...");
            expr(s, elem);
        }
        ExprKind::StructType(fields) => {
            s.push_str("struct{");
            for (i, f) in fields.iter().enumerate() {
                if i > 0 {
                    s.push_str("; ");
                }
                field(s, f);
                if let Some(tag) = &f.tag {
                    let _ = write!(s, " {tag:?}");
                }
            }
            s.push('}');
        }
        ExprKind::FuncType(sig) => func_type(s, sig),
        ExprKind::InterfaceType(elems) => {
            s.push_str("interface{");
            for (i, m) in elems.iter().enumerate() {
                if i > 0 {
                    s.push_str("; ");
                }
                match m {
                    InterfaceElem::Method { name, sig } => {
                        s.push_str(&name.name);
                        signature(s, sig);
                    }
                    InterfaceElem::Embed(t) => expr(s, t),
                }
            }
            s.push('}');
        }
        ExprKind::MapType(k, v) => {
            s.push_str("map[");
            expr(s, k);
            s.push(']');
            expr(s, v);
        }
        ExprKind::ChanType(dir, elem) => {
            s.push_str(match dir {
                ChanDir::Both => "chan ",
                ChanDir::Send => "chan<- ",
                ChanDir::Recv => "<-chan ",
            });
            let parens =
                *dir == ChanDir::Both && matches!(elem.kind, ExprKind::ChanType(ChanDir::Recv, _));
            if parens {
                s.push('(');
            }
            expr(s, elem);
            if parens {
                s.push(')');
            }
        }
    }
}

fn field(s: &mut String, f: &Field) {
    for (i, n) in f.names.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        s.push_str(&n.name);
    }
    if !f.names.is_empty() {
        s.push(' ');
    }
    let mut t = &f.typ;
    while let ExprKind::Paren(x) = &t.kind {
        t = x;
    }
    expr(s, t);
}

fn func_type(s: &mut String, sig: &FuncType) {
    s.push_str("func");
    signature(s, sig);
}

fn signature(s: &mut String, sig: &FuncType) {
    params(s, &sig.params);
    match sig.results.as_slice() {
        [] => {}
        [r] if r.names.is_empty() => {
            s.push(' ');
            expr(s, &r.typ);
        }
        rs => {
            s.push(' ');
            params(s, rs);
        }
    }
}

fn params(s: &mut String, list: &[Field]) {
    s.push('(');
    for (i, f) in list.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        field(s, f);
    }
    s.push(')');
}

/// A simple statement as gc prints it (`x := 5`, `x += 1`, `x++`, `ch <- v`).
pub(crate) fn simple_stmt_string(st: &Stmt) -> String {
    let mut s = String::new();
    match &st.kind {
        StmtKind::Expr(e) => expr(&mut s, e),
        StmtKind::Send { ch, value } => {
            expr(&mut s, ch);
            s.push_str(" <- ");
            expr(&mut s, value);
        }
        StmtKind::IncDec { x, inc } => {
            expr(&mut s, x);
            s.push_str(if *inc { "++" } else { "--" });
        }
        StmtKind::Assign { lhs, op, rhs } => {
            expr_list(&mut s, lhs);
            let _ = write!(s, " {}= ", op.map_or("", |o| o.as_str()));
            expr_list(&mut s, rhs);
        }
        StmtKind::Define { lhs, rhs } => {
            expr_list(&mut s, lhs);
            s.push_str(" := ");
            expr_list(&mut s, rhs);
        }
        _ => {}
    }
    s
}

#[cfg(test)]
mod tests {
    use crate::{parse_file, SourceFile};

    fn first_value(src: &str) -> String {
        let f = SourceFile::new("x.go", format!("package p\nvar _ = {src}\n"));
        let r = parse_file(&f, 0);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        match &r.file.decls[0] {
            crate::ast::Decl::Var(v) => super::expr_string(&v.values[0]),
            _ => unreachable!(),
        }
    }

    #[test]
    fn round_trip() {
        for src in [
            "a + b * c",
            "f(x)[1:2]",
            "x.(T)",
            "s[i:j:k]",
            "T{…}",
            "[]int{}",
            "func(a, b int) (c int) {…}",
            "map[string][]*T{}",
            "<-ch",
            "chan<- int(nil)",
            "(<-chan int)(nil)",
            "struct{a int; b string}{}",
            "interface{m() int; ~int | string}(nil)",
            "f(xs...)",
            "[...]int{}",
            "g[int, string]",
        ] {
            let src_in = src.replace('…', "1");
            assert_eq!(first_value(&src_in), src);
        }
    }
}
