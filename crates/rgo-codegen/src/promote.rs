//! Methods promoted through embedded fields (spec "Struct types", "Method sets").
//!
//! For a struct type `S` (named, or unnamed such as `struct{ T }`), a breadth-first walk over its embedded fields finds the
//! methods of embedded types; at each depth a name found through two different fields is
//! ambiguous and hides deeper ones, and any name found at a shallower depth (a declared
//! method, a field) wins. A promoted method is in `S`'s own method set when its receiver is
//! a value or the path to it goes through an embedded pointer (which makes the receiver
//! addressable); `*S`'s method set has all of them. Each promoted method gets a wrapper
//! that takes a pointer to the `S` (what an interface's data word holds), follows the field
//! path and calls the method, so itabs can list it; method expressions `S.M` and `(*S).M`
//! use the same wrapper (a struct argument travels by address).

use std::collections::{HashMap, HashSet};

use rgo_types::{ObjId, ObjKind, Package, Type, TypeId};

/// What a promoted method finally calls.
#[derive(Clone, Debug)]
pub(crate) enum PromotedTarget {
    /// A declared method.
    Method(ObjId),
    /// A method of an embedded interface field (dynamic call).
    Iface(TypeId),
}

#[derive(Clone, Debug)]
pub(crate) struct Promoted {
    pub name: String,
    /// Package path for unexported names.
    pub pkg: String,
    /// Field indices from the outer struct to the embedded field holding the method.
    pub path: Vec<usize>,
    pub target: PromotedTarget,
    /// The method's signature type (without receiver).
    pub sig: TypeId,
    /// In the value type's method set (else only in the pointer type's).
    pub in_value_set: bool,
}

/// The promoted methods of type `named` (empty unless it is, or its underlying type is, a
/// struct with embedded fields).
pub(crate) fn promoted_methods(pkg: &Package, named: TypeId) -> Vec<Promoted> {
    let t = &pkg.types;
    // Depth 0: the type's own methods and fields.
    let mut seen: HashSet<String> = HashSet::new();
    if let Type::Named(_) = t.get(named) {
        for &m in &t.named(named).methods {
            seen.insert(pkg.obj(m).name.clone());
        }
    }
    if let Type::Struct(fields) = t.under(named) {
        seen.extend(fields.iter().map(|f| f.name.clone()));
    }
    let mut out = Vec::new();
    // (struct type, path to it, a pointer was followed on the way)
    let mut level: Vec<(TypeId, Vec<usize>, bool)> = vec![(named, Vec::new(), false)];
    let mut visited: HashSet<TypeId> = HashSet::new();
    while !level.is_empty() {
        // Candidates at this depth by name: (how many fields offer it, the candidate).
        let mut found: HashMap<String, (usize, Option<Promoted>)> = HashMap::new();
        let mut next = Vec::new();
        for (st, path, via_ptr) in &level {
            let Type::Struct(fields) = t.under(*st) else {
                continue;
            };
            for (i, f) in fields.iter().enumerate() {
                if !f.embedded {
                    continue;
                }
                let mut p = path.clone();
                p.push(i);
                let (base, is_ptr) = match t.get(f.typ) {
                    Type::Pointer(e) => (*e, true),
                    _ => (f.typ, false),
                };
                let ptr_path = *via_ptr || is_ptr;
                match t.under(base) {
                    Type::Interface(iface) => {
                        for m in &iface.methods {
                            let e = found.entry(m.name.clone()).or_insert((0, None));
                            e.0 += 1;
                            e.1 = Some(Promoted {
                                name: m.name.clone(),
                                pkg: m.pkg.clone(),
                                path: p.clone(),
                                target: PromotedTarget::Iface(base),
                                sig: m.sig,
                                in_value_set: true,
                            });
                        }
                    }
                    _ => {
                        if let Type::Named(_) = t.get(base) {
                            for &m in &t.named(base).methods {
                                let o = pkg.obj(m);
                                let ptr_recv = matches!(
                                    o.kind,
                                    ObjKind::Func { recv: Some(r) } if matches!(t.get(r), Type::Pointer(_))
                                );
                                let e = found.entry(o.name.clone()).or_insert((0, None));
                                e.0 += 1;
                                e.1 = Some(Promoted {
                                    name: o.name.clone(),
                                    pkg: if o.is_exported() {
                                        String::new()
                                    } else {
                                        o.pkg.clone()
                                    },
                                    path: p.clone(),
                                    target: PromotedTarget::Method(m),
                                    sig: o.typ,
                                    in_value_set: !ptr_recv || ptr_path,
                                });
                            }
                        }
                        if let Type::Struct(inner) = t.under(base) {
                            // The embedded struct's fields are at the next depth too.
                            for g in inner {
                                found.entry(g.name.clone()).or_insert((0, None)).0 += 1;
                            }
                            if visited.insert(base) {
                                next.push((base, p, ptr_path));
                            }
                        }
                    }
                }
            }
        }
        for (name, (count, cand)) in found {
            if seen.contains(&name) {
                continue;
            }
            seen.insert(name);
            if let (1, Some(c)) = (count, cand) {
                out.push(c);
            }
        }
        level = next;
    }
    out
}
