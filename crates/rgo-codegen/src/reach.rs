//! Which functions of library packages a program needs.
//!
//! Every program is compiled with package runtime (and whatever else of rgo's library it
//! imports), but most programs use little of it; compiling all of it would cost more than
//! compiling a small program itself. So functions and methods of packages other than
//! `main` are compiled only when reachable. Roots: every function and method of package
//! main and every instance of its generic ones, `init` functions and package variables'
//! initialisers. From a reachable function,
//! the functions its code names are reachable (escape analysis' walk records them), and
//! so are all methods of every named type that its code's types contain (deeply: through
//! elements, fields, underlying types and method signatures) — those types' descriptors
//! may be emitted, and a descriptor's method table refers to every method. The named types
//! declared in package main count as contained (their promoted-method wrappers call the
//! methods of embedded types).

use std::collections::{HashMap, HashSet};

use rgo_syntax::ast;
use rgo_types::{ObjId, ObjKind, Package, Type, TypeId};

use crate::func::escape;

/// The library functions and methods that must be compiled (besides package main's own
/// functions and `init`s).
pub(crate) struct Reach {
    needed: HashSet<ObjId>,
}

/// What a function's code refers to.
#[derive(Default)]
struct Refs {
    funcs: HashSet<ObjId>,
    types: HashSet<TypeId>,
}

struct Walk<'p> {
    pkg: &'p Package,
    refs: HashMap<ObjId, Refs>,
    needed: HashSet<ObjId>,
    work: Vec<ObjId>,
    seen_types: HashSet<TypeId>,
}

impl Walk<'_> {
    fn need(&mut self, o: ObjId) {
        if self.needed.insert(o) {
            self.work.push(o);
        }
    }

    /// Marks the methods of every named type inside `t` as needed.
    fn contain(&mut self, t: TypeId) {
        if !self.seen_types.insert(t) {
            return;
        }
        let tt = &self.pkg.types;
        match tt.get(t).clone() {
            Type::Pointer(e) | Type::Slice(e) => self.contain(e),
            Type::Array { elem, .. } | Type::Chan { elem, .. } => self.contain(elem),
            Type::Map { key, value } => {
                self.contain(key);
                self.contain(value);
            }
            Type::Struct(fields) => {
                for f in fields {
                    self.contain(f.typ);
                }
            }
            Type::Signature(s) => {
                for p in s.params.iter().chain(&s.results) {
                    self.contain(*p);
                }
            }
            Type::Tuple(ts) => {
                for p in ts {
                    self.contain(p);
                }
            }
            Type::Interface(i) => {
                for m in &i.methods {
                    self.contain(m.sig);
                }
            }
            Type::Named(_) => {
                let n = tt.named(t).clone();
                self.contain(n.underlying);
                for m in n.methods {
                    let sig = self.pkg.obj(m).typ;
                    self.need(m);
                    self.contain(sig);
                }
            }
            Type::Basic(_) | Type::TypeParam(_) => {}
        }
    }
}

impl Reach {
    pub(crate) fn compute(pkg: &Package, files: &[ast::File]) -> Reach {
        let mut w = Walk {
            pkg,
            refs: HashMap::new(),
            needed: HashSet::new(),
            work: Vec::new(),
            seen_types: HashSet::new(),
        };
        let mut roots = Vec::new();
        let mut root_refs = Refs::default();
        let mut generic_bodies = HashMap::new();
        for file in files {
            for d in &file.decls {
                match d {
                    ast::Decl::Func(fd) => {
                        let Some(&obj) = pkg.info.defs.get(&fd.name.id) else {
                            continue;
                        };
                        if let Some(body) = &fd.body {
                            generic_bodies.insert(obj, (fd, body));
                            let info =
                                escape::analyze(pkg, &pkg.info, fd.recv.as_ref(), &fd.sig, body);
                            let mut types = info.types;
                            types.insert(pkg.obj(obj).typ);
                            w.refs.insert(
                                obj,
                                Refs {
                                    funcs: info.funcs,
                                    types,
                                },
                            );
                        }
                        if always(pkg, obj) {
                            roots.push(obj);
                        }
                    }
                    ast::Decl::Var(vd) => {
                        let exprs: Vec<&ast::Expr> = vd.values.iter().collect();
                        let info = escape::analyze_exprs(pkg, &pkg.info, &exprs);
                        root_refs.funcs.extend(info.funcs);
                        root_refs.types.extend(info.types);
                        for n in &vd.names {
                            if let Some(&o) = pkg.info.defs.get(&n.id) {
                                root_refs.types.insert(pkg.obj(o).typ);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        // Instances of generic functions (all compiled; only package main has generics)
        // refer to what their own `Info` says.
        for inst in &pkg.instances {
            if let Some((fd, body)) = generic_bodies.get(&inst.generic) {
                let info = escape::analyze(pkg, &inst.info, fd.recv.as_ref(), &fd.sig, body);
                root_refs.funcs.extend(info.funcs);
                root_refs.types.extend(info.types);
            }
        }
        // Types declared in package main.
        for o in &pkg.objects {
            if o.pkg == "main" && matches!(o.kind, ObjKind::TypeName) {
                root_refs.types.insert(o.typ);
            }
        }
        for o in roots {
            w.need(o);
        }
        for f in root_refs.funcs {
            w.need(f);
        }
        for t in root_refs.types {
            w.contain(t);
        }
        while let Some(o) = w.work.pop() {
            let Some(r) = w.refs.remove(&o) else {
                continue;
            };
            for f in r.funcs {
                w.need(f);
            }
            for t in r.types {
                w.contain(t);
            }
        }
        Reach { needed: w.needed }
    }

    /// Whether the function or method `obj` is compiled.
    pub(crate) fn keep(&self, pkg: &Package, obj: ObjId) -> bool {
        always(pkg, obj) || self.needed.contains(&obj)
    }
}

fn always(pkg: &Package, obj: ObjId) -> bool {
    let o = pkg.obj(obj);
    o.pkg == "main" || (o.name == "init" && matches!(o.kind, ObjKind::Func { recv: None }))
}
