//! Type predicates from the spec: comparability, assignability, convertibility, interface
//! satisfaction and default types. Identity is id equality thanks to hash-consing.

use super::{Checker, OpMode, Operand};
use crate::types::{basic, BasicKind, ChanDir, Type, TypeId};

impl<'a> Checker<'a> {
    pub fn is_untyped(&self, t: TypeId) -> bool {
        matches!(self.tt.get(t), Type::Basic(k) if k.is_untyped())
    }

    pub fn is_named(&self, t: TypeId) -> bool {
        matches!(
            self.tt.get(t),
            Type::Named(_) | Type::Basic(_) | Type::TypeParam(_)
        )
    }

    pub fn is_interface(&self, t: TypeId) -> bool {
        !matches!(self.tt.get(t), Type::TypeParam(_))
            && matches!(self.tt.under(t), Type::Interface(_))
    }

    pub fn is_type_param(&self, t: TypeId) -> bool {
        matches!(self.tt.get(t), Type::TypeParam(_))
    }

    /// The terms of a type parameter's type set (`None`: all types, as for `any` or
    /// method-only constraints).
    pub fn type_set_terms(&self, t: TypeId) -> Option<Vec<crate::types::Term>> {
        if !self.is_type_param(t) {
            return None;
        }
        let c = self.tt.type_param(t).constraint;
        match self.tt.under(c) {
            Type::Interface(i) => i.terms.clone(),
            _ => None,
        }
    }

    /// Spec "Core types": the underlying type of a non-type-parameter; for a type
    /// parameter, the underlying type all types of its type set share, if any.
    pub fn core_type(&self, t: TypeId) -> Option<TypeId> {
        if !self.is_type_param(t) {
            return Some(self.tt.underlying(t));
        }
        let terms = self.type_set_terms(t)?;
        let mut core = None;
        for term in &terms {
            let u = self.core_type(term.typ)?;
            match core {
                None => core = Some(u),
                Some(c) if c == u => {}
                Some(_) => return None,
            }
        }
        core
    }

    /// A type parameter without a core type whose type set holds only strings and byte
    /// slices (the spec's `bytestring` core type for slicing).
    pub fn is_bytestring_param(&self, t: TypeId) -> bool {
        self.core_type(t).is_none()
            && self.type_set_terms(t).is_some_and(|ts| {
                !ts.is_empty()
                    && ts.iter().all(|term| match self.tt.under(term.typ) {
                        Type::Basic(k) => k.is_string(),
                        Type::Slice(e) => self.tt.basic_kind(*e) == Some(BasicKind::Uint8),
                        _ => false,
                    })
            })
    }

    /// The structure operations see: the core type's, or else the underlying type.
    pub fn core_under(&self, t: TypeId) -> &Type {
        match self.core_type(t) {
            Some(c) => self.tt.get(c),
            None => self.tt.under(t),
        }
    }

    pub fn kind(&self, t: TypeId) -> Option<BasicKind> {
        if self.is_type_param(t) {
            return None;
        }
        self.tt.basic_kind(t)
    }

    /// Applies a basic-kind predicate; for a type parameter, to every term of its type set.
    fn kind_pred(&self, t: TypeId, f: fn(BasicKind) -> bool) -> bool {
        if self.is_type_param(t) {
            let c = self.tt.type_param(t).constraint;
            if let Type::Interface(i) = self.tt.under(c) {
                if let Some(terms) = &i.terms {
                    return !terms.is_empty()
                        && terms
                            .iter()
                            .all(|term| self.tt.basic_kind(term.typ).is_some_and(f));
                }
            }
            return false;
        }
        self.kind(t).is_some_and(f)
    }
    pub fn is_integer(&self, t: TypeId) -> bool {
        self.kind_pred(t, |k| k.is_integer())
    }
    pub fn is_unsigned(&self, t: TypeId) -> bool {
        self.kind_pred(t, |k| k.is_unsigned())
    }
    pub fn is_float(&self, t: TypeId) -> bool {
        self.kind_pred(t, |k| k.is_float())
    }
    pub fn is_numeric(&self, t: TypeId) -> bool {
        self.kind_pred(t, |k| k.is_numeric())
    }
    pub fn is_string(&self, t: TypeId) -> bool {
        self.kind_pred(t, |k| k.is_string())
    }
    /// `+` applies (for a type parameter: every type of its type set is numeric or string).
    pub fn is_numeric_or_string(&self, t: TypeId) -> bool {
        self.kind_pred(t, |k| k.is_numeric() || k.is_string())
    }
    pub fn is_boolean(&self, t: TypeId) -> bool {
        self.kind_pred(t, |k| k.is_boolean())
    }
    /// Ordered types (spec "Comparison operators"): integers, floats, strings.
    pub fn is_ordered(&self, t: TypeId) -> bool {
        self.kind_pred(t, |k| k.is_integer() || k.is_float() || k.is_string())
    }

    /// The type an untyped value gets where no other type is implied.
    pub fn default_type(&self, t: TypeId) -> TypeId {
        match self.tt.get(t) {
            Type::Basic(k) => match k {
                BasicKind::UntypedBool => basic::BOOL,
                BasicKind::UntypedInt => basic::INT,
                BasicKind::UntypedRune => basic::INT32,
                BasicKind::UntypedFloat => basic::FLOAT64,
                BasicKind::UntypedComplex => basic::COMPLEX128,
                BasicKind::UntypedString => basic::STRING,
                _ => t,
            },
            _ => t,
        }
    }

    pub fn has_nil(&self, t: TypeId) -> bool {
        matches!(
            self.tt.under(t),
            Type::Pointer(_)
                | Type::Slice(_)
                | Type::Map { .. }
                | Type::Chan { .. }
                | Type::Signature(_)
                | Type::Interface(_)
                | Type::Basic(BasicKind::UnsafePointer)
        )
    }

    pub fn comparable(&self, t: TypeId) -> bool {
        self.comparable_depth(t, 0)
    }

    fn comparable_depth(&self, t: TypeId, d: usize) -> bool {
        if d > 100 {
            return true;
        }
        match self.tt.under(t) {
            Type::Basic(k) => *k != BasicKind::UntypedNil,
            Type::Pointer(_) | Type::Chan { .. } | Type::Interface(_) => true,
            Type::Struct(fs) => fs.iter().all(|f| self.comparable_depth(f.typ, d + 1)),
            Type::Array { elem, .. } => self.comparable_depth(*elem, d + 1),
            _ => false,
        }
    }

    /// Spec "Assignability" for a (possibly untyped) operand. The reason, if any, is the
    /// second message line gc prints.
    pub fn assignable_to(&mut self, x: &Operand<'a>, t: TypeId) -> (bool, String) {
        let v = x.typ;
        if v == t || v == basic::INVALID || t == basic::INVALID {
            return (true, String::new());
        }
        let vu = self.tt.underlying(v);
        let tu = self.tt.underlying(t);
        if self.is_untyped(v) {
            if let Type::Basic(tk) = self.tt.get(tu).clone() {
                if x.mode == OpMode::Nil {
                    return (tk == BasicKind::UnsafePointer, String::new());
                }
                if let Some(val) = x.val() {
                    return (val.represent(tk).is_ok(), String::new());
                }
                // Non-constant untyped bool etc.
                let vk = self.kind(v).unwrap_or(BasicKind::Invalid);
                if vk == BasicKind::UntypedBool {
                    return (tk.is_boolean(), String::new());
                }
                return (tk.is_numeric() && vk.is_numeric(), String::new());
            }
            if x.mode == OpMode::Nil || v == basic::UNTYPED_NIL {
                return (self.has_nil(t), String::new());
            }
            if self.is_interface(t) && !self.is_type_param(t) {
                let it = self.tt.under(t).clone();
                if let Type::Interface(i) = it {
                    return (i.methods.is_empty(), String::new());
                }
            }
            return (false, String::new());
        }
        // Identical underlying types and at least one is not a named type.
        if vu == tu
            && (!self.is_named(v) || !self.is_named(t))
            && !self.is_type_param(v)
            && !self.is_type_param(t)
        {
            return (true, String::new());
        }
        // Type parameters (spec "Assignability"): with a non-named type on the other side,
        // every type of the parameter's type set must be assignable.
        if self.is_type_param(v) && !self.is_named(t) {
            if let Some(terms) = self.type_set_terms(v) {
                let ok = terms.iter().all(|term| {
                    let y = Operand {
                        mode: OpMode::Value,
                        typ: term.typ,
                        expr: None,
                    };
                    self.assignable_to(&y, t).0
                });
                return (ok, String::new());
            }
        }
        if self.is_type_param(t) && !self.is_named(v) {
            if let Some(terms) = self.type_set_terms(t) {
                let ok = terms.iter().all(|term| self.assignable_to(x, term.typ).0);
                return (ok, String::new());
            }
        }
        // Interface satisfaction.
        if self.is_interface(t) {
            match self.missing_method(v, t) {
                None => return (true, String::new()),
                Some(reason) => {
                    let r = format!(
                        "{} does not implement {} {}",
                        self.type_string(v),
                        self.type_string(t),
                        reason
                    );
                    return (false, r);
                }
            }
        }
        // Bidirectional channel to channel type.
        if let (
            Type::Chan {
                dir: ChanDir::Both,
                elem: ve,
            },
            Type::Chan { elem: te, .. },
        ) = (self.tt.get(vu).clone(), self.tt.get(tu).clone())
        {
            if ve == te && (!self.is_named(v) || !self.is_named(t)) {
                return (true, String::new());
            }
        }
        // Explain a common mistake: T vs *T for interfaces is handled above.
        (false, String::new())
    }

    /// If `v` does not implement interface `t`, the parenthesised reason gc prints.
    pub fn missing_method(&mut self, v: TypeId, t: TypeId) -> Option<String> {
        let Type::Interface(ti) = self.tt.under(t).clone() else {
            return None;
        };
        if let Some(terms) = &ti.terms {
            if !terms.iter().any(|term| {
                term.typ == v
                    || (term.tilde && self.tt.underlying(v) == self.tt.underlying(term.typ))
            }) {
                return Some(String::new());
            }
        }
        let v_iface = match self.tt.under(v) {
            Type::Interface(i) if !self.is_type_param(v) => Some(i.clone()),
            _ => None,
        };
        for m in &ti.methods {
            if let Some(vi) = &v_iface {
                match vi.methods.iter().find(|x| x.name == m.name) {
                    Some(x) if x.sig == m.sig => continue,
                    Some(x) => {
                        let (have, want) = (self.type_string(x.sig), self.type_string(m.sig));
                        return Some(format!(
                            "(wrong type for {} method)\n\t\thave {}{}\n\t\twant {}{}",
                            m.name,
                            m.name,
                            have.trim_start_matches("func"),
                            m.name,
                            want.trim_start_matches("func")
                        ));
                    }
                    None => return Some(format!("(missing {} method)", m.name)),
                }
            }
            match self.lookup_field_or_method(v, &m.name) {
                super::LookupResult::Method { obj, indirect, .. } => {
                    self.ensure_method(obj);
                    let mt = self.obj(obj).typ;
                    if mt != m.sig {
                        let (have, want) = (self.type_string(mt), self.type_string(m.sig));
                        return Some(format!(
                            "(wrong type for {} method)\n\t\thave {}{}\n\t\twant {}{}",
                            m.name,
                            m.name,
                            have.trim_start_matches("func"),
                            m.name,
                            want.trim_start_matches("func")
                        ));
                    }
                    // A pointer-receiver method is not in the method set of a value.
                    let ptr_recv = match self.obj(obj).kind {
                        crate::objects::ObjKind::Func { recv: Some(r) } => {
                            matches!(self.tt.get(r), Type::Pointer(_))
                        }
                        _ => false,
                    };
                    let v_is_ptr = matches!(self.tt.get(v), Type::Pointer(_));
                    if ptr_recv && !v_is_ptr && !indirect {
                        return Some(format!("({} method has pointer receiver)", m.name));
                    }
                }
                _ => return Some(format!("(missing {} method)", m.name)),
            }
        }
        None
    }

    /// Spec "Conversions" for non-constant values: may a value of type `v` be converted to `t`?
    pub fn convertible(&mut self, x: &Operand<'a>, t: TypeId) -> bool {
        if self.assignable_to(x, t).0 {
            return true;
        }
        let v = x.typ;
        // Type parameters: each pair of types from the two type sets must convert.
        if self.is_type_param(v) || self.is_type_param(t) {
            let set = |this: &Self, u: TypeId| -> Option<Vec<TypeId>> {
                if this.is_type_param(u) {
                    this.type_set_terms(u)
                        .map(|ts| ts.iter().map(|term| term.typ).collect())
                } else {
                    Some(vec![u])
                }
            };
            let (Some(vs), Some(ts)) = (set(self, v), set(self, t)) else {
                return false;
            };
            for &a in &vs {
                for &b in &ts {
                    let y = Operand {
                        mode: OpMode::Value,
                        typ: a,
                        expr: None,
                    };
                    if !self.convertible(&y, b) {
                        return false;
                    }
                }
            }
            return true;
        }
        let vu = self.tt.underlying(v);
        let tu = self.tt.underlying(t);
        if self.identical_ignore_tags(vu, tu) {
            return true;
        }
        if let (Type::Pointer(a), Type::Pointer(b)) =
            (self.tt.get(v).clone(), self.tt.get(t).clone())
        {
            if self.identical_ignore_tags(self.tt.underlying(a), self.tt.underlying(b)) {
                return true;
            }
        }
        let (vk, tk) = (self.kind(v), self.kind(t));
        if let (Some(a), Some(b)) = (vk, tk) {
            if (a.is_integer() || a.is_float()) && (b.is_integer() || b.is_float()) {
                return true;
            }
            if a.is_complex() && b.is_complex() {
                return true;
            }
            if a.is_integer() && b.is_string() {
                return true;
            }
            if (a == BasicKind::UnsafePointer && (b == BasicKind::Uintptr))
                || (b == BasicKind::UnsafePointer && a == BasicKind::Uintptr)
            {
                return true;
            }
        }
        if tk.is_some_and(|k| k.is_string()) && self.is_bytes_or_runes(vu) {
            return true;
        }
        if vk.is_some_and(|k| k.is_string()) && self.is_bytes_or_runes(tu) {
            return true;
        }
        if vk == Some(BasicKind::UnsafePointer) && matches!(self.tt.get(tu), Type::Pointer(_)) {
            return true;
        }
        if tk == Some(BasicKind::UnsafePointer) && matches!(self.tt.get(vu), Type::Pointer(_)) {
            return true;
        }
        // Slice to array pointer (Go 1.17).
        if let (Type::Slice(se), Type::Pointer(p)) =
            (self.tt.get(vu).clone(), self.tt.get(tu).clone())
        {
            if let Type::Array { elem, .. } = self.tt.under(p) {
                if *elem == se {
                    return true;
                }
            }
        }
        false
    }

    pub fn is_bytes_or_runes(&self, t: TypeId) -> bool {
        if let Type::Slice(e) = self.tt.under(t) {
            let k = self.tt.basic_kind(*e);
            return matches!(k, Some(BasicKind::Uint8) | Some(BasicKind::Int32))
                && !self.is_type_param(*e);
        }
        false
    }

    pub fn identical_ignore_tags(&self, a: TypeId, b: TypeId) -> bool {
        if a == b {
            return true;
        }
        match (self.tt.get(a), self.tt.get(b)) {
            (Type::Struct(fa), Type::Struct(fb)) => {
                fa.len() == fb.len()
                    && fa.iter().zip(fb.iter()).all(|(x, y)| {
                        x.name == y.name
                            && x.embedded == y.embedded
                            && self.identical_ignore_tags(x.typ, y.typ)
                    })
            }
            (Type::Pointer(x), Type::Pointer(y)) => self.identical_ignore_tags(*x, *y),
            _ => false,
        }
    }
}
