//! Printing types and expressions the way gc's messages show them (types2's TypeString
//! and syntax.String in its short form), since error text must match gc byte for byte.

use rgo_syntax::ast::{ChanDir as AstDir, Expr, ExprKind, FuncType, InterfaceElem, LitKind};

use super::Checker;
use crate::types::{ChanDir, Type, TypeId};

impl Checker<'_> {
    pub fn type_string(&self, t: TypeId) -> String {
        let mut s = String::new();
        self.write_type(&mut s, t, 0);
        s
    }

    fn write_type(&self, s: &mut String, t: TypeId, depth: usize) {
        if depth > 50 {
            s.push_str("...");
            return;
        }
        match self.tt.get(t) {
            Type::Basic(k) => s.push_str(k.name()),
            Type::Pointer(e) => {
                s.push('*');
                self.write_type(s, *e, depth + 1);
            }
            Type::Slice(e) => {
                s.push_str("[]");
                self.write_type(s, *e, depth + 1);
            }
            Type::Array { len, elem } => {
                s.push_str(&format!("[{len}]"));
                self.write_type(s, *elem, depth + 1);
            }
            Type::Map { key, value } => {
                s.push_str("map[");
                self.write_type(s, *key, depth + 1);
                s.push(']');
                self.write_type(s, *value, depth + 1);
            }
            Type::Chan { dir, elem } => {
                let paren = *dir == ChanDir::Both
                    && matches!(
                        self.tt.get(*elem),
                        Type::Chan {
                            dir: ChanDir::Recv,
                            ..
                        }
                    );
                s.push_str(match dir {
                    ChanDir::Both => "chan ",
                    ChanDir::Send => "chan<- ",
                    ChanDir::Recv => "<-chan ",
                });
                if paren {
                    s.push('(');
                }
                self.write_type(s, *elem, depth + 1);
                if paren {
                    s.push(')');
                }
            }
            Type::Struct(fields) => {
                s.push_str("struct{");
                for (i, f) in fields.iter().enumerate() {
                    if i > 0 {
                        s.push_str("; ");
                    }
                    if !f.embedded {
                        s.push_str(&f.name);
                        s.push(' ');
                    }
                    self.write_type(s, f.typ, depth + 1);
                    if !f.tag.is_empty() {
                        s.push_str(&format!(" {:?}", f.tag));
                    }
                }
                s.push('}');
            }
            Type::Signature(sig) => {
                s.push_str("func");
                self.write_sig(s, t, depth);
                let _ = sig;
            }
            Type::Interface(it) => {
                if it.methods.is_empty() && it.terms.is_none() && !it.comparable {
                    s.push_str("interface{}");
                    return;
                }
                s.push_str("interface{");
                let mut first = true;
                if it.comparable {
                    s.push_str("comparable");
                    first = false;
                }
                for m in &it.methods {
                    if !first {
                        s.push_str("; ");
                    }
                    first = false;
                    s.push_str(&m.name);
                    self.write_sig(s, m.sig, depth + 1);
                }
                if let Some(terms) = &it.terms {
                    if !first {
                        s.push_str("; ");
                    }
                    for (i, term) in terms.iter().enumerate() {
                        if i > 0 {
                            s.push('|');
                        }
                        if term.tilde {
                            s.push('~');
                        }
                        self.write_type(s, term.typ, depth + 1);
                    }
                }
                s.push('}');
            }
            Type::Tuple(ts) => {
                s.push('(');
                for (i, t) in ts.iter().enumerate() {
                    if i > 0 {
                        s.push_str(", ");
                    }
                    self.write_type(s, *t, depth + 1);
                }
                s.push(')');
            }
            Type::Named(_) => {
                let n = self.tt.named(t);
                let o = self.obj(n.obj);
                if !o.pkg.is_empty() && o.pkg != self.path {
                    let last = o.pkg.rsplit('/').next().unwrap_or(&o.pkg);
                    s.push_str(last);
                    s.push('.');
                }
                s.push_str(&o.name);
                if !n.targs.is_empty() {
                    s.push('[');
                    for (i, a) in n.targs.clone().iter().enumerate() {
                        if i > 0 {
                            s.push_str(", ");
                        }
                        self.write_type(s, *a, depth + 1);
                    }
                    s.push(']');
                }
            }
            Type::TypeParam(_) => {
                let p = self.tt.type_param(t);
                s.push_str(&self.obj(p.obj).name);
            }
        }
    }

    /// Writes `(params) results` of a signature type.
    fn write_sig(&self, s: &mut String, t: TypeId, depth: usize) {
        let Type::Signature(sig) = self.tt.get(t) else {
            return;
        };
        s.push('(');
        for (i, p) in sig.params.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            if sig.variadic && i + 1 == sig.params.len() {
                s.push_str("...");
                if let Type::Slice(e) = self.tt.get(*p) {
                    self.write_type(s, *e, depth + 1);
                    continue;
                }
            }
            self.write_type(s, *p, depth + 1);
        }
        s.push(')');
        match sig.results.len() {
            0 => {}
            1 => {
                s.push(' ');
                self.write_type(s, sig.results[0], depth + 1);
            }
            _ => {
                s.push_str(" (");
                for (i, r) in sig.results.iter().enumerate() {
                    if i > 0 {
                        s.push_str(", ");
                    }
                    self.write_type(s, *r, depth + 1);
                }
                s.push(')');
            }
        }
    }
}

/// An expression as gc prints it in messages (syntax.String, short form: function bodies
/// and composite literal contents are elided as `{…}`).
pub fn expr_string(e: &Expr) -> String {
    let mut s = String::new();
    write_expr(&mut s, e, 0);
    s
}

fn write_list(s: &mut String, es: &[Expr], depth: usize) {
    for (i, e) in es.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        write_expr(s, e, depth);
    }
}

fn write_functype(s: &mut String, ft: &FuncType, depth: usize) {
    s.push('(');
    for (i, p) in ft.params.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        for (j, n) in p.names.iter().enumerate() {
            if j > 0 {
                s.push_str(", ");
            }
            s.push_str(&n.name);
        }
        if !p.names.is_empty() {
            s.push(' ');
        }
        write_expr(s, &p.typ, depth + 1);
    }
    s.push(')');
    if !ft.results.is_empty() {
        s.push(' ');
        let paren = ft.results.len() > 1 || !ft.results[0].names.is_empty();
        if paren {
            s.push('(');
        }
        for (i, p) in ft.results.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            for (j, n) in p.names.iter().enumerate() {
                if j > 0 {
                    s.push_str(", ");
                }
                s.push_str(&n.name);
            }
            if !p.names.is_empty() {
                s.push(' ');
            }
            write_expr(s, &p.typ, depth + 1);
        }
        if paren {
            s.push(')');
        }
    }
}

fn write_expr(s: &mut String, e: &Expr, depth: usize) {
    if depth > 100 {
        s.push('…');
        return;
    }
    let d = depth + 1;
    match &e.kind {
        ExprKind::Bad => s.push_str("BadExpr"),
        ExprKind::Name(n) => s.push_str(n),
        ExprKind::BasicLit { value, kind } => {
            let _ = LitKind::Int == *kind;
            s.push_str(value)
        }
        ExprKind::CompositeLit { typ, elems, .. } => {
            if let Some(t) = typ {
                write_expr(s, t, d);
            }
            if elems.is_empty() {
                s.push_str("{}");
            } else {
                s.push_str("{…}");
            }
        }
        ExprKind::KeyValue(k, v) => {
            write_expr(s, k, d);
            s.push_str(": ");
            write_expr(s, v, d);
        }
        ExprKind::FuncLit { sig, .. } => {
            s.push_str("func");
            write_functype(s, sig, d);
            s.push_str(" {…}");
        }
        ExprKind::Paren(x) => {
            s.push('(');
            write_expr(s, x, d);
            s.push(')');
        }
        ExprKind::Selector(x, sel) => {
            write_expr(s, x, d);
            s.push('.');
            s.push_str(&sel.name);
        }
        ExprKind::Index(x, idx) => {
            write_expr(s, x, d);
            s.push('[');
            write_list(s, idx, d);
            s.push(']');
        }
        ExprKind::Slice {
            x,
            lo,
            hi,
            max,
            full,
        } => {
            write_expr(s, x, d);
            s.push('[');
            if let Some(l) = lo {
                write_expr(s, l, d);
            }
            s.push(':');
            if let Some(h) = hi {
                write_expr(s, h, d);
            }
            if *full {
                s.push(':');
                if let Some(m) = max {
                    write_expr(s, m, d);
                }
            }
            s.push(']');
        }
        ExprKind::TypeAssert { x, typ } => {
            write_expr(s, x, d);
            s.push_str(".(");
            match typ {
                Some(t) => write_expr(s, t, d),
                None => s.push_str("type"),
            }
            s.push(')');
        }
        ExprKind::Call { fun, args, dots } => {
            write_expr(s, fun, d);
            s.push('(');
            write_list(s, args, d);
            if *dots {
                s.push_str("...");
            }
            s.push(')');
        }
        ExprKind::Star(x) => {
            s.push('*');
            write_expr(s, x, d);
        }
        ExprKind::Unary(op, x) => {
            s.push_str(op.as_str());
            write_expr(s, x, d);
        }
        ExprKind::Binary(op, x, y) => {
            write_binary_operand(s, x, *op, d, false);
            s.push(' ');
            s.push_str(op.as_str());
            s.push(' ');
            write_binary_operand(s, y, *op, d, true);
        }
        ExprKind::ArrayType { len, elem } => {
            s.push('[');
            match len {
                Some(l) => write_expr(s, l, d),
                None => s.push_str("..."),
            }
            s.push(']');
            write_expr(s, elem, d);
        }
        ExprKind::SliceType(x) => {
            s.push_str("[]");
            write_expr(s, x, d);
        }
        ExprKind::DotsType(x) => {
            s.push_str("...");
            write_expr(s, x, d);
        }
        ExprKind::StructType(fields) => {
            s.push_str("struct{");
            for (i, f) in fields.iter().enumerate() {
                if i > 0 {
                    s.push_str("; ");
                }
                for (j, n) in f.names.iter().enumerate() {
                    if j > 0 {
                        s.push_str(", ");
                    }
                    s.push_str(&n.name);
                }
                if !f.names.is_empty() {
                    s.push(' ');
                }
                write_expr(s, &f.typ, d);
            }
            s.push('}');
        }
        ExprKind::FuncType(ft) => {
            s.push_str("func");
            write_functype(s, ft, d);
        }
        ExprKind::InterfaceType(elems) => {
            s.push_str("interface{");
            for (i, el) in elems.iter().enumerate() {
                if i > 0 {
                    s.push_str("; ");
                }
                match el {
                    InterfaceElem::Method { name, sig } => {
                        s.push_str(&name.name);
                        write_functype(s, sig, d);
                    }
                    InterfaceElem::Embed(x) => write_expr(s, x, d),
                }
            }
            s.push('}');
        }
        ExprKind::MapType(k, v) => {
            s.push_str("map[");
            write_expr(s, k, d);
            s.push(']');
            write_expr(s, v, d);
        }
        ExprKind::ChanType(dir, x) => {
            s.push_str(match dir {
                AstDir::Both => "chan ",
                AstDir::Send => "chan<- ",
                AstDir::Recv => "<-chan ",
            });
            write_expr(s, x, d);
        }
    }
}

fn write_binary_operand(
    s: &mut String,
    x: &Expr,
    _op: rgo_syntax::ast::BinOp,
    d: usize,
    _right: bool,
) {
    // The parser keeps parentheses as nodes, so the tree prints verbatim.
    write_expr(s, x, d);
}
