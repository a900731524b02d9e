//! Type expressions: turning `[]T`, `struct{...}`, `func(...)`, `interface{...}`, `map`,
//! `chan`, array lengths and type-parameter lists into interned types.

use rgo_syntax::ast::{self, ChanDir as AstDir, Expr, ExprKind, InterfaceElem};

use super::{Checker, OpMode};
use crate::objects::ObjKind;
use crate::types::{basic, ChanDir, Interface, Method, Signature, StructField, Term, Type, TypeId};

impl<'a> Checker<'a> {
    /// Checks `e` as a type and records it; reports `x is not a type` otherwise.
    pub fn typexpr(&mut self, e: &'a Expr) -> TypeId {
        let x = self.raw_expr(e, None, true);
        match x.mode {
            OpMode::TypeExpr if self.is_generic_type(x.typ) => {
                let s = self.generic_type_string(x.typ);
                self.error_at_expr(
                    e,
                    format!("cannot use generic type {s} without instantiation"),
                );
                basic::INVALID
            }
            OpMode::TypeExpr => x.typ,
            OpMode::Invalid => basic::INVALID,
            _ => {
                let s = self.operand_string(&x);
                self.error_at_expr(e, format!("{s} is not a type"));
                basic::INVALID
            }
        }
    }

    /// A generic named type (not an instance of one).
    pub fn is_generic_type(&self, t: TypeId) -> bool {
        matches!(self.tt.get(t), Type::Named(_)) && !self.tt.named(t).tparams.is_empty()
    }

    /// `Stack[T any]`: a generic type with its type parameter list, as gc prints it.
    fn generic_type_string(&self, t: TypeId) -> String {
        let n = self.tt.named(t);
        let params: Vec<String> = n
            .tparams
            .iter()
            .map(|&p| {
                let o = self.tt.type_param(p).obj;
                let c = self.tt.type_param(p).constraint;
                format!("{} {}", self.obj(o).name, self.constraint_string(p, c))
            })
            .collect();
        format!("{}[{}]", self.obj(n.obj).name, params.join(", "))
    }

    /// A type used for a variable: constraint interfaces are not allowed.
    pub fn var_type(&mut self, e: &'a Expr) -> TypeId {
        let t = self.typexpr(e);
        if let Type::Interface(i) = self.tt.under(t) {
            if !self.is_type_param(t) && (i.terms.is_some() || i.comparable) {
                let msg = if i.comparable && i.terms.is_none() {
                    format!("cannot use type {} outside a type constraint: interface is (or embeds) comparable", self.type_string(t))
                } else {
                    format!("cannot use type {} outside a type constraint: interface contains type constraints", self.type_string(t))
                };
                self.error_at_expr(e, msg);
            }
        }
        t
    }

    /// A generic type name without instantiating it (receivers).
    pub fn typexpr_no_instantiate(&mut self, e: &'a Expr) -> TypeId {
        if let ExprKind::Name(n) = &e.kind {
            if let Some(o) = self.lookup(n) {
                if matches!(self.obj(o).kind, ObjKind::TypeName) {
                    self.obj_decl(o);
                    self.record_use(e.id, o);
                    let t = self.obj(o).typ;
                    self.record_type_expr(e, t);
                    return t;
                }
            }
            self.error(e.pos, format!("undefined: {n}"));
            return basic::INVALID;
        }
        self.typexpr(e)
    }

    /// Builds the type denoted by a type literal expression (called from `raw_expr`).
    pub(super) fn type_literal(&mut self, e: &'a Expr) -> TypeId {
        match &e.kind {
            ExprKind::ArrayType { len, elem } => {
                let et = self.var_type(elem);
                let Some(len) = len else {
                    self.error(
                        e.pos,
                        "invalid use of [...] array (outside a composite literal)",
                    );
                    return basic::INVALID;
                };
                let n = self.array_length(len);
                match n {
                    Some(n) if et != basic::INVALID => {
                        self.tt.intern(Type::Array { len: n, elem: et })
                    }
                    _ => basic::INVALID,
                }
            }
            ExprKind::SliceType(elem) => {
                let et = self.var_type(elem);
                self.tt.intern(Type::Slice(et))
            }
            ExprKind::DotsType(elem) => {
                self.error(e.pos, "invalid use of ...");
                let _ = self.var_type(elem);
                basic::INVALID
            }
            ExprKind::StructType(fields) => self.struct_type(fields),
            ExprKind::FuncType(ft) => {
                self.open_scope(false);
                let t = self.func_type(ft);
                self.close_scope();
                t
            }
            ExprKind::InterfaceType(elems) => self.interface_type(elems),
            ExprKind::MapType(k, v) => {
                let kt = self.var_type(k);
                let vt = self.var_type(v);
                if kt != basic::INVALID {
                    if self.is_type_param(kt) {
                        // Constraint decides; accept.
                    } else if self.tt.underlying(kt) == basic::INVALID
                        && matches!(self.tt.get(kt), Type::Named(_))
                    {
                        self.delayed_keys.push((self.file, k, kt));
                    } else if !self.comparable(kt) {
                        self.error_at_expr(
                            k,
                            format!("invalid map key type {}", self.type_string(kt)),
                        );
                    }
                }
                self.tt.intern(Type::Map { key: kt, value: vt })
            }
            ExprKind::ChanType(dir, elem) => {
                let et = self.var_type(elem);
                let dir = match dir {
                    AstDir::Both => ChanDir::Both,
                    AstDir::Send => ChanDir::Send,
                    AstDir::Recv => ChanDir::Recv,
                };
                self.tt.intern(Type::Chan { dir, elem: et })
            }
            _ => basic::INVALID,
        }
    }

    pub(super) fn check_delayed_keys(&mut self) {
        for (f, k, kt) in std::mem::take(&mut self.delayed_keys) {
            self.file = f;
            if !self.comparable(kt) && self.tt.underlying(kt) != basic::INVALID {
                self.error_at_expr(k, format!("invalid map key type {}", self.type_string(kt)));
            }
        }
    }

    /// Evaluates an array length: a non-negative constant representable as int.
    fn array_length(&mut self, e: &'a Expr) -> Option<u64> {
        let x = self.expr(e);
        if x.is_invalid() {
            return None;
        }
        let Some(v) = x.val().cloned() else {
            if x.mode == OpMode::TypeExpr {
                return None;
            }
            self.error_at_expr(
                e,
                format!(
                    "array length {} (value of type {}) must be constant",
                    super::expr_string(e),
                    self.type_string(x.typ)
                ),
            );
            return None;
        };
        if self.is_untyped(x.typ) || self.is_integer(x.typ) {
            if let Some(i) = v.to_int() {
                use num_traits::ToPrimitive;
                if let Some(n) = i.to_i64() {
                    if n >= 0 {
                        return Some(n as u64);
                    }
                }
                let s = self.operand_string(&x);
                self.error_at_expr(e, format!("invalid array length {s}"));
                return None;
            }
        }
        let s = self.operand_string(&x);
        self.error_at_expr(e, format!("array length {s} must be integer"));
        None
    }

    fn struct_type(&mut self, fields: &'a [ast::Field]) -> TypeId {
        let mut out: Vec<StructField> = Vec::new();
        let mut seen: std::collections::HashMap<String, rgo_syntax::Pos> = Default::default();
        for f in fields {
            let t = self.var_type(&f.typ);
            let tag = f.tag.clone().unwrap_or_default();
            if f.embedded || f.names.is_empty() {
                let name = embedded_name(&f.typ).unwrap_or("_").to_string();
                // Embedded type must be a type name T or *T, T not a pointer.
                if t != basic::INVALID {
                    let (base, is_ptr) = match self.tt.get(t) {
                        Type::Pointer(b) if matches!(f.typ.kind, ExprKind::Star(_)) => (*b, true),
                        _ => (t, false),
                    };
                    match self.tt.under(base) {
                        Type::Pointer(_) => {
                            self.error_at_expr(&f.typ, "embedded field type cannot be a pointer")
                        }
                        Type::Basic(crate::types::BasicKind::UnsafePointer) => self
                            .error_at_expr(&f.typ, "embedded field type cannot be unsafe.Pointer"),
                        Type::Interface(_) if is_ptr => self.error_at_expr(
                            &f.typ,
                            "embedded field type cannot be a pointer to an interface",
                        ),
                        _ => {}
                    }
                }
                self.add_field(&mut out, &mut seen, &name, f.pos, t, true, tag.clone());
            } else {
                for n in &f.names {
                    let o = self.new_var(&n.name, n.pos, crate::objects::VarKind::Field, t);
                    self.info.defs.insert(n.id, o);
                    self.add_field(&mut out, &mut seen, &n.name, n.pos, t, false, tag.clone());
                }
            }
        }
        self.tt.intern(Type::Struct(out))
    }

    #[allow(clippy::too_many_arguments)]
    fn add_field(
        &mut self,
        out: &mut Vec<StructField>,
        seen: &mut std::collections::HashMap<String, rgo_syntax::Pos>,
        name: &str,
        pos: rgo_syntax::Pos,
        t: TypeId,
        embedded: bool,
        tag: String,
    ) {
        if name != "_" {
            if let Some(&p) = seen.get(name) {
                let other = self.pos_string(self.file, p);
                self.error(
                    pos,
                    format!("{name} redeclared\n\t{other}: other declaration of {name}"),
                );
            } else {
                seen.insert(name.to_string(), pos);
            }
        }
        let exported = name.chars().next().is_some_and(|c| c.is_uppercase());
        out.push(StructField {
            name: name.to_string(),
            typ: t,
            embedded,
            tag,
            pkg: if exported {
                String::new()
            } else {
                self.path.clone()
            },
        });
    }

    /// Builds a signature type; parameter names are not part of it.
    pub fn func_type(&mut self, ft: &'a ast::FuncType) -> TypeId {
        let mut params = Vec::new();
        let n = ft.params.len();
        let mut variadic = false;
        for (i, f) in ft.params.iter().enumerate() {
            let t = if let ExprKind::DotsType(elem) = &f.typ.kind {
                let et = self.var_type(elem);
                if i + 1 != n || f.names.len() > 1 {
                    self.error(f.typ.pos, "can only use ... with final parameter in list");
                }
                variadic = i + 1 == n;
                let st = self.tt.intern(Type::Slice(et));
                self.record_type_expr(&f.typ, st);
                st
            } else {
                self.var_type(&f.typ)
            };
            let k = f.names.len().max(1);
            for _ in 0..k {
                params.push(t);
            }
        }
        let mut results = Vec::new();
        for f in &ft.results {
            let t = self.var_type(&f.typ);
            for _ in 0..f.names.len().max(1) {
                results.push(t);
            }
        }
        self.tt.intern(Type::Signature(Signature {
            params,
            results,
            variadic,
        }))
    }

    fn interface_type(&mut self, elems: &'a [InterfaceElem]) -> TypeId {
        let mut methods: Vec<Method> = Vec::new();
        let mut terms: Option<Vec<Term>> = None;
        let mut comparable = false;
        let mut positions: std::collections::HashMap<String, rgo_syntax::Pos> = Default::default();
        for el in elems {
            match el {
                InterfaceElem::Method { name, sig } => {
                    self.open_scope(false);
                    let st = self.func_type(sig);
                    self.close_scope();
                    if name.name == "_" {
                        self.error(name.pos, "methods must have a unique non-blank name");
                        continue;
                    }
                    if let Some(&p) = positions.get(&name.name) {
                        let other = self.pos_string(self.file, p);
                        self.error(
                            name.pos,
                            format!(
                                "duplicate method {}\n\t{}: other declaration of {}",
                                name.name, other, name.name
                            ),
                        );
                        continue;
                    }
                    positions.insert(name.name.clone(), name.pos);
                    let exported = name.name.chars().next().is_some_and(|c| c.is_uppercase());
                    let o = self.new_object(&name.name, name.pos, ObjKind::Func { recv: None }, st);
                    self.info.defs.insert(name.id, o);
                    methods.push(Method {
                        name: name.name.clone(),
                        pkg: if exported {
                            String::new()
                        } else {
                            self.path.clone()
                        },
                        sig: st,
                    });
                }
                InterfaceElem::Embed(e) => {
                    let ts = self.union_terms(e);
                    if ts.len() == 1 && !ts[0].tilde {
                        let t = ts[0].typ;
                        if let Type::Interface(it) = self.tt.under(t).clone() {
                            if !self.is_type_param(t) {
                                for m in it.methods {
                                    match methods.iter().find(|x| x.name == m.name) {
                                        Some(x) if x.sig != m.sig => {
                                            self.error_at_expr(
                                                e,
                                                format!("duplicate method {}", m.name),
                                            );
                                        }
                                        Some(_) => {}
                                        None => methods.push(m),
                                    }
                                }
                                comparable |= it.comparable;
                                if let Some(t2) = it.terms {
                                    terms = Some(intersect(terms, t2));
                                }
                                continue;
                            }
                        }
                        if t == basic::INVALID {
                            continue;
                        }
                        // Embedding an interface that is still being declared: a cycle.
                        if let Type::Named(_) = self.tt.get(t) {
                            let o = self.tt.named(t).obj;
                            if self.tt.named(t).underlying == basic::INVALID
                                && self.obj_path.contains(&o)
                            {
                                self.report_cycle(o);
                                continue;
                            }
                        }
                    }
                    if let Some(flat) = self.union_type_set(ts) {
                        terms = Some(intersect(terms, flat));
                    }
                }
            }
        }
        methods.sort_by(|a, b| {
            (a.pkg.as_str(), a.name.as_str()).cmp(&(b.pkg.as_str(), b.name.as_str()))
        });
        self.tt.intern(Type::Interface(Interface {
            methods,
            terms,
            comparable,
        }))
    }

    /// The terms of `A | ~B | C` in an interface or constraint.
    fn union_terms(&mut self, e: &'a Expr) -> Vec<Term> {
        match &e.kind {
            ExprKind::Binary(ast::BinOp::Or, x, y) => {
                let mut v = self.union_terms(x);
                v.extend(self.union_terms(y));
                v
            }
            ExprKind::Unary(ast::UnOp::Tilde, x) => {
                let t = self.typexpr(x);
                vec![Term {
                    tilde: true,
                    typ: t,
                }]
            }
            _ => {
                let t = self.typexpr(e);
                vec![Term {
                    tilde: false,
                    typ: t,
                }]
            }
        }
    }

    /// Declares the type parameters of a generic function or type in the current scope.
    pub fn declare_type_params(&mut self, fields: &'a [ast::Field]) -> Vec<TypeId> {
        let mut out = Vec::new();
        let mut objs = Vec::new();
        let mut idx = 0u32;
        // Declare all names first: constraints may refer to any of them.
        for f in fields {
            for n in &f.names {
                let o = self.new_object(&n.name, n.pos, ObjKind::TypeName, basic::INVALID);
                let tp = self.tt.new_type_param(o, idx, basic::INVALID);
                idx += 1;
                self.obj_mut(o).typ = tp;
                let s = self.scope;
                self.declare(s, Some(n.id), o);
                objs.push((f, tp));
                out.push(tp);
            }
        }
        for (f, tp) in objs {
            let c = self.constraint(&f.typ);
            if !self.is_written_interface(&f.typ) {
                // `[T ~int | float64]`: gc prints the implicit interface as its union.
                self.implicit_constraints.insert(tp);
            }
            if let Type::TypeParam(n) = self.tt.get(tp) {
                let n = *n;
                self.tt.set_type_param_constraint(n, c);
            }
        }
        out
    }

    /// Whether a constraint expression denotes an interface (`interface{...}`, a name of
    /// one) rather than a union or a single type term.
    fn is_written_interface(&self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::InterfaceType(_) => true,
            ExprKind::Paren(x) => self.is_written_interface(x),
            ExprKind::Binary(ast::BinOp::Or, ..) | ExprKind::Unary(ast::UnOp::Tilde, _) => false,
            _ => self
                .info
                .types
                .get(&e.id)
                .is_some_and(|tv| matches!(self.tt.under(tv.typ), Type::Interface(_))),
        }
    }

    fn constraint(&mut self, e: &'a Expr) -> TypeId {
        let terms = self.union_terms(e);
        if terms.len() == 1 && !terms[0].tilde {
            let t = terms[0].typ;
            if self.is_type_param(t) {
                self.error_at_expr(e, "cannot use a type parameter as constraint");
                return basic::INVALID;
            }
            if matches!(self.tt.under(t), Type::Interface(_)) || t == basic::INVALID {
                return t;
            }
        }
        let terms = self.union_type_set(terms);
        self.tt.intern(Type::Interface(Interface {
            methods: vec![],
            terms,
            comparable: false,
        }))
    }

    /// A union's type set is the union of its terms' type sets: interface terms contribute
    /// theirs, and one without terms makes it all types (`None`).
    fn union_type_set(&self, ts: Vec<Term>) -> Option<Vec<Term>> {
        let mut flat = Vec::new();
        for term in ts {
            match self.tt.under(term.typ) {
                Type::Interface(it) if !self.is_type_param(term.typ) && !term.tilde => {
                    flat.extend(it.terms.clone()?);
                }
                _ => flat.push(term),
            }
        }
        Some(flat)
    }
}

fn intersect(a: Option<Vec<Term>>, b: Vec<Term>) -> Vec<Term> {
    match a {
        None => b,
        Some(a) => a
            .into_iter()
            .filter(|t| b.iter().any(|u| u.typ == t.typ))
            .collect(),
    }
}

/// The implicit field name of an embedded field: the type name without package or `*`.
fn embedded_name(e: &Expr) -> Option<&str> {
    match &e.kind {
        ExprKind::Name(n) => Some(n),
        ExprKind::Star(x) | ExprKind::Paren(x) => embedded_name(x),
        ExprKind::Selector(_, sel) => Some(&sel.name),
        ExprKind::Index(x, _) => embedded_name(x),
        _ => None,
    }
}
