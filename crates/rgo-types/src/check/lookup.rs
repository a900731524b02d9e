//! Field and method lookup through embedded fields (spec "Selectors"): a breadth-first
//! search by embedding depth, where two hits at the same depth are ambiguous.

use std::collections::HashSet;

use super::Checker;
use crate::objects::{ObjKind, VarKind};
use crate::types::{Type, TypeId};

#[derive(Clone, Debug)]
pub enum LookupResult {
    NotFound,
    Ambiguous,
    Field {
        obj: crate::objects::ObjId,
        typ: TypeId,
        index: Vec<usize>,
        indirect: bool,
    },
    Method {
        obj: crate::objects::ObjId,
        index: Vec<usize>,
        indirect: bool,
    },
}

impl Checker<'_> {
    /// The object standing for field `i` of struct type `st` (created on first use).
    pub fn field_obj(&mut self, st: TypeId, i: usize) -> crate::objects::ObjId {
        if let Some(&o) = self.field_objs.get(&(st, i)) {
            return o;
        }
        let (name, typ) = match self.tt.get(st) {
            Type::Struct(fs) => (fs[i].name.clone(), fs[i].typ),
            _ => (String::from("_"), crate::types::basic::INVALID),
        };
        let o = self.new_object(&name, rgo_syntax::Pos(0), ObjKind::Var(VarKind::Field), typ);
        self.field_objs.insert((st, i), o);
        o
    }

    /// The object standing for method `i` of interface type `it`.
    pub fn iface_method_obj(&mut self, it: TypeId, i: usize) -> crate::objects::ObjId {
        if let Some(&o) = self.field_objs.get(&(it, i)) {
            return o;
        }
        let (name, typ) = match self.tt.get(it) {
            Type::Interface(x) => (x.methods[i].name.clone(), x.methods[i].sig),
            _ => (String::from("_"), crate::types::basic::INVALID),
        };
        let o = self.new_object(
            &name,
            rgo_syntax::Pos(0),
            ObjKind::Func { recv: Some(it) },
            typ,
        );
        self.field_objs.insert((it, i), o);
        o
    }

    /// Whether a field or method `name` declared in package `pkg` can be selected here:
    /// unexported names only from their own package.
    fn visible(&self, name: &str, pkg: &str) -> bool {
        pkg.is_empty() || pkg == self.path || name.chars().next().is_some_and(|c| c.is_uppercase())
    }

    pub fn lookup_field_or_method(&mut self, t: TypeId, name: &str) -> LookupResult {
        if name == "_" {
            return LookupResult::NotFound;
        }
        let (start, ptr) = match self.tt.get(t) {
            Type::Pointer(e) => (*e, true),
            _ => (t, false),
        };
        // A pointer to a named pointer type has no methods; a pointer to an interface neither.
        let mut current = vec![(start, Vec::<usize>::new(), ptr)];
        let mut seen: HashSet<TypeId> = HashSet::new();
        let mut depth = 0;
        while !current.is_empty() && depth < 64 {
            depth += 1;
            let mut next = Vec::new();
            let mut found: Option<LookupResult> = None;
            let mut count = 0;
            for (typ, path, indirect) in current {
                if let Type::Named(_) = self.tt.get(typ) {
                    if !seen.insert(typ) {
                        continue;
                    }
                    // An interface's methods are found through its underlying type.
                    let is_iface = matches!(self.tt.under(typ), Type::Interface(_));
                    let methods = self.tt.named(typ).methods.clone();
                    for (i, m) in methods.iter().enumerate() {
                        if !is_iface
                            && self.obj(*m).name == name
                            && self.visible(name, &self.obj(*m).pkg)
                        {
                            count += 1;
                            let mut p = path.clone();
                            p.push(i);
                            found = Some(LookupResult::Method {
                                obj: *m,
                                index: p,
                                indirect,
                            });
                        }
                    }
                }
                let u = self.tt.underlying(typ);
                match self.tt.get(u).clone() {
                    Type::Struct(fields) => {
                        for (i, f) in fields.iter().enumerate() {
                            if f.name == name && self.visible(name, &f.pkg) {
                                count += 1;
                                let mut p = path.clone();
                                p.push(i);
                                let obj = self.field_obj(u, i);
                                found = Some(LookupResult::Field {
                                    obj,
                                    typ: f.typ,
                                    index: p,
                                    indirect,
                                });
                            }
                            if f.embedded {
                                let (ft, fp) = match self.tt.get(f.typ) {
                                    Type::Pointer(e) => (*e, true),
                                    _ => (f.typ, false),
                                };
                                let mut p = path.clone();
                                p.push(i);
                                next.push((ft, p, indirect || fp));
                            }
                        }
                    }
                    Type::Interface(it)
                        // Methods of a pointer to an interface are not accessible.
                        if !(ptr && path.is_empty()) => {
                            for (i, m) in it.methods.iter().enumerate() {
                                if m.name == name && self.visible(name, &m.pkg) {
                                    count += 1;
                                    let mut p = path.clone();
                                    p.push(i);
                                    let obj = self.iface_method_obj(u, i);
                                    found = Some(LookupResult::Method {
                                        obj,
                                        index: p,
                                        indirect,
                                    });
                                }
                            }
                        }
                    _ => {}
                }
            }
            if count == 1 {
                return found.unwrap_or(LookupResult::NotFound);
            }
            if count > 1 {
                return LookupResult::Ambiguous;
            }
            current = next;
        }
        LookupResult::NotFound
    }
}
