//! Which local variables need memory, and what each function literal captures.
//!
//! A first walk over a top-level function and all the literals nested in it: a variable
//! needs memory when its address is taken (`&x`, a pointer-receiver method called on it,
//! an array sliced) or a function literal refers to it (closures capture by reference).
//! The walk also records the functions and methods the code names (the call graph of the
//! flow analysis, and `reach.rs`) and the types it uses. Whether such memory can be in the
//! frame or must be in the heap is the flow analysis' decision ([`flow`]).
//!
//! The walk records, for every declared object, the literal depth that owns it; a use at
//! a deeper depth is a capture by every literal between the use and the owner.

pub(crate) mod flow;

use std::collections::{HashMap, HashSet};

use rgo_syntax::ast::{
    Block, CommOp, Decl, Expr, ExprKind, FuncType, Ident, NodeId, Stmt, StmtKind, UnOp,
};
use rgo_types::{Info, ObjId, ObjKind, Package, SelectionKind, Type, TypeAndValue, VarKind};

pub(crate) struct FuncInfo<'a> {
    /// Variables whose address is taken (the flow analysis, [`flow`], decides which of
    /// them the frame can hold).
    pub addressed: HashSet<ObjId>,
    /// Variables function literals capture.
    pub captured: HashSet<ObjId>,
    /// Free variables of each function literal (keyed by the literal's expression id), in
    /// order of first use.
    pub captures: HashMap<NodeId, Vec<ObjId>>,
    /// The function literals, outermost first.
    pub lits: Vec<&'a Expr>,
    /// For each literal, the index in `lits` of the literal it is nested in (if any).
    pub lit_parents: Vec<Option<usize>>,
    /// Package-level functions (not methods) named in the code, plainly or qualified.
    pub funcs: HashSet<ObjId>,
    /// Methods named in the code (called, as values, or as method expressions).
    pub methods: HashSet<ObjId>,
    /// Types of the code's expressions and declared names.
    pub types: HashSet<rgo_types::TypeId>,
}

struct Walker<'a, 'p> {
    pkg: &'p Package,
    /// The checker's results for the code walked (the package's, or an instance's).
    ti: &'p Info,
    info: FuncInfo<'a>,
    owner: HashMap<ObjId, usize>,
    /// Ids of the literals being walked, innermost last.
    stack: Vec<NodeId>,
}

pub(crate) fn analyze<'a>(
    pkg: &Package,
    ti: &Info,
    recv: Option<&'a rgo_syntax::ast::Field>,
    sig: &'a FuncType,
    body: &'a Block,
) -> FuncInfo<'a> {
    let mut w = Walker::new(pkg, ti);
    if let Some(r) = recv {
        w.fields(std::slice::from_ref(r));
    }
    w.sig(sig);
    w.block(body);
    w.info
}

/// The same analysis over package-level initialiser expressions (the function literals
/// they contain capture only each other's variables).
pub(crate) fn analyze_exprs<'a>(pkg: &Package, ti: &Info, exprs: &[&'a Expr]) -> FuncInfo<'a> {
    let mut w = Walker::new(pkg, ti);
    for e in exprs {
        w.expr(e);
    }
    w.info
}

impl<'a, 'p> Walker<'a, 'p> {
    fn new(pkg: &'p Package, ti: &'p Info) -> Self {
        Walker {
            pkg,
            ti,
            info: FuncInfo {
                addressed: HashSet::new(),
                captured: HashSet::new(),
                captures: HashMap::new(),
                lits: Vec::new(),
                lit_parents: Vec::new(),
                funcs: HashSet::new(),
                methods: HashSet::new(),
                types: HashSet::new(),
            },
            owner: HashMap::new(),
            stack: Vec::new(),
        }
    }

    fn tv(&self, id: NodeId) -> Option<&'p TypeAndValue> {
        self.ti.types.get(&id)
    }

    fn def(&mut self, id: NodeId) {
        if let Some(&o) = self.ti.defs.get(&id) {
            self.owner.insert(o, self.stack.len());
            self.info.types.insert(self.pkg.obj(o).typ);
        }
    }

    fn ident(&mut self, i: &Ident) {
        self.def(i.id);
    }

    fn fields(&mut self, fs: &'a [rgo_syntax::ast::Field]) {
        for f in fs {
            for n in &f.names {
                self.ident(n);
            }
        }
    }

    fn sig(&mut self, sig: &'a FuncType) {
        self.fields(&sig.params);
        self.fields(&sig.results);
    }

    fn is_local_var(&self, o: ObjId) -> bool {
        matches!(
            self.pkg.obj(o).kind,
            ObjKind::Var(VarKind::Local | VarKind::Param | VarKind::Result | VarKind::Receiver)
        )
    }

    fn use_name(&mut self, id: NodeId) {
        let Some(&o) = self.ti.uses.get(&id) else {
            return;
        };
        if matches!(self.pkg.obj(o).kind, ObjKind::Func { recv: None }) {
            self.info.funcs.insert(o);
        }
        if !self.is_local_var(o) {
            return;
        }
        let Some(&depth) = self.owner.get(&o) else {
            return;
        };
        if depth < self.stack.len() {
            self.info.captured.insert(o);
            for lit in &self.stack[depth..] {
                let caps = self.info.captures.entry(*lit).or_default();
                if !caps.contains(&o) {
                    caps.push(o);
                }
            }
        }
    }

    /// Marks the variable at the root of an addressable expression as address-taken.
    fn take_address(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Paren(x) => self.take_address(x),
            ExprKind::Name(_) => {
                if let Some(&o) = self.ti.uses.get(&e.id) {
                    if self.is_local_var(o) {
                        self.info.addressed.insert(o);
                    }
                }
            }
            // A field of a struct variable, or through an implicit dereference.
            ExprKind::Selector(x, _) => {
                let indirect = self.ti.selections.get(&e.id).is_some_and(|s| s.indirect);
                if !indirect && !self.is_pointer(x) {
                    self.take_address(x);
                }
            }
            // An element of an array variable (not of a slice or through a pointer).
            ExprKind::Index(x, _) if self.is_array(x) => self.take_address(x),
            _ => {}
        }
    }

    fn is_pointer(&self, e: &Expr) -> bool {
        self.tv(e.id)
            .is_some_and(|tv| matches!(self.pkg.types.under(tv.typ), Type::Pointer(_)))
    }

    fn is_array(&self, e: &Expr) -> bool {
        self.tv(e.id)
            .is_some_and(|tv| matches!(self.pkg.types.under(tv.typ), Type::Array { .. }))
    }

    fn block(&mut self, b: &'a Block) {
        for s in &b.stmts {
            self.stmt(s);
        }
    }

    fn opt_stmt(&mut self, s: &'a Option<Box<Stmt>>) {
        if let Some(s) = s {
            self.stmt(s);
        }
    }

    fn stmt(&mut self, s: &'a Stmt) {
        match &s.kind {
            StmtKind::Empty | StmtKind::Branch { .. } => {}
            StmtKind::Labeled { stmt, .. } => self.stmt(stmt),
            StmtKind::Block(b) => self.block(b),
            StmtKind::Expr(e) | StmtKind::Go(e) | StmtKind::Defer(e) => self.expr(e),
            StmtKind::Send { ch, value } => {
                self.expr(ch);
                self.expr(value);
            }
            StmtKind::IncDec { x, .. } => self.expr(x),
            StmtKind::Assign { lhs, rhs, .. } => {
                self.exprs(rhs);
                self.exprs(lhs);
            }
            StmtKind::Define { lhs, rhs } => {
                self.exprs(rhs);
                for x in lhs {
                    self.def(x.id);
                    self.expr(x);
                }
            }
            StmtKind::Return(xs) => self.exprs(xs),
            StmtKind::If {
                init,
                cond,
                then,
                els,
            } => {
                self.opt_stmt(init);
                self.expr(cond);
                self.block(then);
                if let Some(e) = els {
                    self.stmt(e);
                }
            }
            StmtKind::Switch {
                init, tag, clauses, ..
            } => {
                self.opt_stmt(init);
                if let Some(t) = tag {
                    self.expr(t);
                }
                for c in clauses {
                    self.exprs(&c.exprs);
                    for st in &c.body {
                        self.stmt(st);
                    }
                }
            }
            StmtKind::TypeSwitch {
                init, x, clauses, ..
            } => {
                self.opt_stmt(init);
                self.expr(x);
                for c in clauses {
                    if let Some(i) = &c.implicit {
                        if let Some(&o) = self.ti.implicits.get(&i.id) {
                            self.owner.insert(o, self.stack.len());
                        }
                    }
                    for st in &c.body {
                        self.stmt(st);
                    }
                }
            }
            StmtKind::Select { clauses, .. } => {
                for c in clauses {
                    match &c.comm {
                        CommOp::Default => {}
                        CommOp::Send { ch, value } => {
                            self.expr(ch);
                            self.expr(value);
                        }
                        CommOp::Recv { lhs, define, recv } => {
                            self.expr(recv);
                            for x in lhs {
                                if *define {
                                    self.def(x.id);
                                }
                                self.expr(x);
                            }
                        }
                    }
                    for st in &c.body {
                        self.stmt(st);
                    }
                }
            }
            StmtKind::For {
                init,
                cond,
                post,
                body,
            } => {
                self.opt_stmt(init);
                if let Some(c) = cond {
                    self.expr(c);
                }
                self.opt_stmt(post);
                self.block(body);
            }
            StmtKind::Range {
                key,
                value,
                define,
                x,
                body,
            } => {
                self.expr(x);
                for k in [key, value].into_iter().flatten() {
                    if *define {
                        self.def(k.id);
                    }
                    self.expr(k);
                }
                self.block(body);
            }
            StmtKind::Decl(decls) => {
                for d in decls {
                    if let Decl::Var(v) = d {
                        self.exprs(&v.values);
                        for n in &v.names {
                            self.ident(n);
                        }
                    }
                }
            }
        }
    }

    fn exprs(&mut self, xs: &'a [Expr]) {
        for x in xs {
            self.expr(x);
        }
    }

    fn expr(&mut self, e: &'a Expr) {
        if let Some(tv) = self.tv(e.id) {
            self.info.types.insert(tv.typ);
        }
        match &e.kind {
            ExprKind::Name(_) => self.use_name(e.id),
            ExprKind::Bad | ExprKind::BasicLit { .. } => {}
            ExprKind::CompositeLit { elems, .. } => self.exprs(elems),
            ExprKind::KeyValue(k, v) => {
                // A struct literal's key is a field name, not a variable.
                if !matches!(k.kind, ExprKind::Name(_)) || self.ti.uses.contains_key(&k.id) {
                    self.expr(k);
                }
                self.expr(v);
            }
            ExprKind::FuncLit { sig, body } => {
                let parent = self
                    .stack
                    .last()
                    .and_then(|p| self.info.lits.iter().position(|l| l.id == *p));
                self.info.lits.push(e);
                self.info.lit_parents.push(parent);
                self.stack.push(e.id);
                self.sig(sig);
                self.block(body);
                self.stack.pop();
            }
            ExprKind::Paren(x) | ExprKind::Star(x) => self.expr(x),
            ExprKind::Selector(x, name) => {
                // A qualified identifier names another package's object.
                self.use_name(name.id);
                if let Some(sel) = self.ti.selections.get(&e.id) {
                    if sel.kind != SelectionKind::FieldVal {
                        self.info.methods.insert(sel.obj);
                    }
                    let ptr_recv = matches!(
                        self.pkg.obj(sel.obj).kind,
                        ObjKind::Func { recv: Some(r) } if matches!(self.pkg.types.get(r), Type::Pointer(_))
                    );
                    if sel.kind == SelectionKind::MethodVal
                        && ptr_recv
                        && !sel.indirect
                        && !self.is_pointer(x)
                    {
                        self.take_address(x);
                    }
                }
                self.expr(x);
            }
            ExprKind::Index(x, idx) => {
                self.expr(x);
                self.exprs(idx);
            }
            ExprKind::Slice { x, lo, hi, max, .. } => {
                if self.is_array(x) {
                    self.take_address(x);
                }
                self.expr(x);
                for y in [lo, hi, max].into_iter().flatten() {
                    self.expr(y);
                }
            }
            ExprKind::TypeAssert { x, .. } => self.expr(x),
            ExprKind::Call { fun, args, .. } => {
                self.expr(fun);
                self.exprs(args);
            }
            ExprKind::Unary(op, x) => {
                if *op == UnOp::Addr {
                    self.take_address(x);
                }
                self.expr(x);
            }
            ExprKind::Binary(_, x, y) => {
                self.expr(x);
                self.expr(y);
            }
            // Type expressions hold no variables (array lengths are constants).
            ExprKind::ArrayType { .. }
            | ExprKind::SliceType(_)
            | ExprKind::DotsType(_)
            | ExprKind::StructType(_)
            | ExprKind::FuncType(_)
            | ExprKind::InterfaceType(_)
            | ExprKind::MapType(..)
            | ExprKind::ChanType(..) => {}
        }
    }
}
