//! Declarations: collecting package-level objects, resolving them lazily in dependency
//! order (so `var a = b; var b = 1` works and cycles are found), local declarations, and
//! the delayed checking of function bodies.

use rgo_syntax::ast::{self, Decl, Expr, ExprKind};
use rgo_syntax::Pos;

use super::{Checker, Color, DeclRef, FuncCtx, OpMode, Operand};
use crate::constant::ConstValue;
use crate::objects::{ObjId, ObjKind, VarKind};
use crate::types::{basic, Type, TypeId};

impl<'a> Checker<'a> {
    pub(super) fn collect_objects(&mut self) {
        let files = self.files;
        let mut methods: Vec<(usize, ObjId, &'a ast::FuncDecl)> = Vec::new();
        let mut order: Vec<ObjId> = Vec::new();
        for (fi, (_, file)) in files.iter().enumerate() {
            self.file = fi;
            let fs = self.new_scope(None, false);
            self.file_scopes.push(fs);
            for imp in &file.imports {
                let name = match &imp.local_name {
                    Some(n) => n.name.clone(),
                    None => imp.path.rsplit('/').next().unwrap_or(&imp.path).to_string(),
                };
                if imp.path == "unsafe" {
                    let o = self.new_object(
                        &name,
                        imp.pos,
                        ObjKind::PkgName("unsafe".into()),
                        basic::INVALID,
                    );
                    if name != "_" && name != "." {
                        self.declare(fs, imp.local_name.as_ref().map(|n| n.id), o);
                    } else if name == "." {
                        for (n, &u) in self.unsafe_scope.clone().iter() {
                            self.scopes[fs].names.insert(n.clone(), u);
                        }
                    }
                    self.imports.push((fi, o, imp.path.clone(), imp.path_pos));
                } else {
                    let res = if self.checked.contains(&imp.path) {
                        Ok((String::new(), self.pkg_scopes[&imp.path].clone()))
                    } else {
                        match self.importer.as_mut() {
                            Some(imp_) => imp_.import(&imp.path, &mut self.tt, &mut self.objects),
                            None => Err("file not found".to_string()),
                        }
                    };
                    while self.extra.len() < self.objects.len() {
                        self.extra.push(super::ObjExtra {
                            decl: None,
                            color: Color::Black,
                            used: false,
                            file: usize::MAX,
                            deps: Vec::new(),
                        });
                    }
                    match res {
                        Ok((_pname, scope)) => {
                            let o = self.new_object(
                                &name,
                                imp.pos,
                                ObjKind::PkgName(imp.path.clone()),
                                basic::INVALID,
                            );
                            if name == "." {
                                // A dot import declares the package's exported names in
                                // the file scope.
                                for (n, &u) in &scope {
                                    if self.objects[u.0 as usize].is_exported() {
                                        self.scopes[fs].names.insert(n.clone(), u);
                                    }
                                }
                            } else if name != "_" {
                                self.declare(fs, imp.local_name.as_ref().map(|n| n.id), o);
                            }
                            self.pkg_scopes.insert(imp.path.clone(), scope);
                            self.imports.push((fi, o, imp.path.clone(), imp.path_pos));
                        }
                        Err(e) => {
                            self.error(
                                imp.path_pos,
                                format!("could not import {} ({})", imp.path, e),
                            );
                        }
                    }
                }
            }
            // Const groups repeat the last spec with values (implicit repetition).
            let mut last_const: Option<(Option<&'a Expr>, &'a [Expr], Option<ast::Group>)> = None;
            for d in &file.decls {
                match d {
                    Decl::Const(cd) => {
                        let (typ, values) = if cd.values.is_empty() && cd.typ.is_none() {
                            match last_const {
                                Some((t, v, g)) if g.is_some() && g == cd.group => (t, v),
                                _ => (None, &cd.values[..]),
                            }
                        } else {
                            last_const = Some((cd.typ.as_ref(), &cd.values[..], cd.group));
                            (cd.typ.as_ref(), &cd.values[..])
                        };
                        self.const_spec_arity(cd, values);
                        for (i, n) in cd.names.iter().enumerate() {
                            let o = self.new_object(
                                &n.name,
                                n.pos,
                                ObjKind::Const(ConstValue::int(0)),
                                basic::INVALID,
                            );
                            self.extra[o.0 as usize].decl = Some(DeclRef::Const {
                                typ,
                                init: values.get(i),
                                iota: cd.iota,
                                index: i,
                            });
                            self.extra[o.0 as usize].color = Color::White;
                            self.declare_pkg(n.id, o);
                            order.push(o);
                        }
                    }
                    Decl::Var(vd) => {
                        for (i, n) in vd.names.iter().enumerate() {
                            let o = self.new_var(&n.name, n.pos, VarKind::Global, basic::INVALID);
                            self.extra[o.0 as usize].decl =
                                Some(DeclRef::Var { decl: vd, index: i });
                            self.extra[o.0 as usize].color = Color::White;
                            self.declare_pkg(n.id, o);
                            order.push(o);
                        }
                        self.var_decls.push(vd);
                    }
                    Decl::Type(td) => {
                        let o = self.new_object(
                            &td.name.name,
                            td.name.pos,
                            ObjKind::TypeName,
                            basic::INVALID,
                        );
                        if !td.alias {
                            let t = self.tt.new_named(o);
                            self.obj_mut(o).typ = t;
                        }
                        self.extra[o.0 as usize].decl = Some(DeclRef::Type(td));
                        self.extra[o.0 as usize].color = Color::White;
                        self.declare_pkg(td.name.id, o);
                        order.push(o);
                    }
                    Decl::Func(fd) => {
                        let o = self.new_object(
                            &fd.name.name,
                            fd.name.pos,
                            ObjKind::Func { recv: None },
                            basic::INVALID,
                        );
                        self.extra[o.0 as usize].decl = Some(DeclRef::Func(fd));
                        self.extra[o.0 as usize].color = Color::White;
                        self.info.defs.insert(fd.name.id, o);
                        if fd.recv.is_some() {
                            methods.push((fi, o, fd));
                        } else if fd.name.name == "init" {
                            if !fd.tparams.is_empty() {
                                self.error(fd.name.pos, "func init must have no type parameters");
                            }
                            if !fd.sig.params.is_empty() || !fd.sig.results.is_empty() {
                                self.error(
                                    fd.name.pos,
                                    "func init must have no arguments and no return values",
                                );
                            }
                            if fd.body.is_none() {
                                self.error(fd.name.pos, "missing function body");
                            }
                        } else {
                            if fd.name.name == "main" && self.path == "main" {
                                if !fd.tparams.is_empty() {
                                    self.error(
                                        fd.name.pos,
                                        "func main must have no type parameters",
                                    );
                                }
                                if !fd.sig.params.is_empty() || !fd.sig.results.is_empty() {
                                    self.error(
                                        fd.name.pos,
                                        "func main must have no arguments and no return values",
                                    );
                                }
                            }
                            self.declare_pkg_nodef(o);
                        }
                        self.funcs.push(o);
                        order.push(o);
                    }
                }
            }
        }
        // Associate methods with their receiver base types.
        for (fi, o, fd) in methods {
            self.file = fi;
            let Some(recv) = &fd.recv else { continue };
            let base = receiver_base_name(&recv.typ);
            let Some(base) = base else { continue };
            let Some(&tobj) = self.scopes[self.pkg_scope].names.get(base) else {
                continue;
            };
            if !matches!(self.obj(tobj).kind, ObjKind::TypeName) {
                continue;
            }
            let t = self.obj(tobj).typ;
            if !matches!(self.tt.get(t), Type::Named(_)) {
                continue;
            }
            if fd.name.name == "_" {
                continue;
            }
            let existing = self.tt.named(t).methods.clone();
            if let Some(&prev) = existing.iter().find(|&&m| self.obj(m).name == fd.name.name) {
                let other = self.pos_string(self.extra[prev.0 as usize].file, self.obj(prev).pos);
                let msg = format!(
                    "method {}.{} already declared at {}",
                    self.obj(tobj).name,
                    fd.name.name,
                    other
                );
                self.error(fd.name.pos, msg);
                continue;
            }
            self.tt.named_mut(t).methods.push(o);
        }
        self.pkg_order = order;
    }

    fn const_spec_arity(&mut self, cd: &'a ast::ConstDecl, values: &'a [Expr]) {
        if values.is_empty() {
            if let Some(n) = cd.names.first() {
                self.error(n.pos, "missing init expr for const declaration");
            }
        } else if cd.names.len() > values.len() {
            self.error(
                cd.names[values.len()].pos,
                "missing init expr for const declaration",
            );
        } else if cd.names.len() < values.len() && !cd.values.is_empty() {
            self.error_at_expr(&values[cd.names.len()], "extra init expr");
        }
    }

    fn declare_pkg(&mut self, id: ast::NodeId, o: ObjId) {
        let name = self.obj(o).name.clone();
        if name == "init" && !matches!(self.obj(o).kind, ObjKind::Func { .. }) {
            self.error(self.obj(o).pos, "cannot declare init - must be func");
            self.info.defs.insert(id, o);
            return;
        }
        if name == "main"
            && self.path == "main"
            && !matches!(self.obj(o).kind, ObjKind::Func { .. })
        {
            self.error(self.obj(o).pos, "cannot declare main - must be func");
            self.info.defs.insert(id, o);
            return;
        }
        let s = self.pkg_scope;
        self.declare(s, Some(id), o);
    }

    fn declare_pkg_nodef(&mut self, o: ObjId) {
        let s = self.pkg_scope;
        self.declare(s, None, o);
    }

    pub(super) fn check_package_objects(&mut self) {
        let order = self.pkg_order.clone();
        for o in order {
            self.obj_decl(o);
        }
        // Resolve underlying types that were not yet known when their RHS was checked.
        loop {
            let mut changed = false;
            for (n, rhs) in self.pending_underlying.clone() {
                let u = self.tt.underlying(rhs);
                if self.tt.named(n).underlying == basic::INVALID && u != basic::INVALID && u != n {
                    self.tt.named_mut(n).underlying = u;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        // Validate that no named type contains itself.
        for o in self.pkg_order.clone() {
            if let Some(DeclRef::Type(td)) = self.extra[o.0 as usize].decl {
                if !td.alias {
                    let t = self.obj(o).typ;
                    self.file = self.extra[o.0 as usize].file;
                    self.check_valid_type(t, o);
                }
            }
        }
    }

    /// Resolves a package-level object's type (and value), checking its declaration on first use.
    pub fn obj_decl(&mut self, o: ObjId) {
        let ext = &self.extra[o.0 as usize];
        match ext.color {
            Color::Black => {}
            Color::Grey => {
                // A cycle. Through a named type it is fine (the Named exists already);
                // for consts/vars it is reported by the initialization-order check;
                // an alias referring to itself is invalid.
                match self.obj(o).kind {
                    ObjKind::TypeName if self.obj(o).typ == basic::INVALID => {
                        self.report_cycle(o);
                    }
                    ObjKind::Const(_) | ObjKind::Var(_) => {
                        if let Some(pos) = self.obj_path.iter().position(|&x| x == o) {
                            let cycle: Vec<ObjId> = self.obj_path[pos..].to_vec();
                            let all_vals = cycle.iter().all(|&c| {
                                matches!(self.obj(c).kind, ObjKind::Const(_) | ObjKind::Var(_))
                            });
                            if !all_vals || matches!(self.obj(o).kind, ObjKind::Const(_)) {
                                self.report_cycle(o);
                            }
                        }
                    }
                    _ => {}
                }
            }
            Color::White => {
                let Some(decl) = ext.decl else {
                    self.extra[o.0 as usize].color = Color::Black;
                    return;
                };
                self.extra[o.0 as usize].color = Color::Grey;
                self.obj_path.push(o);
                let saved = (
                    self.file,
                    self.scope,
                    self.iota,
                    self.func.take(),
                    self.decl_obj,
                );
                self.file = self.extra[o.0 as usize].file;
                self.scope = self.pkg_scope;
                self.iota = None;
                match decl {
                    DeclRef::Const {
                        typ, init, iota, ..
                    } => {
                        self.decl_obj = Some(o);
                        self.const_decl(o, typ, init, iota);
                    }
                    DeclRef::Var { decl, .. } => {
                        let lhs: Vec<ObjId> = decl
                            .names
                            .iter()
                            .filter_map(|n| self.info.defs.get(&n.id).copied())
                            .collect();
                        for &l in &lhs {
                            self.extra[l.0 as usize].color = Color::Grey;
                        }
                        self.decl_obj = Some(o);
                        self.var_decl(&lhs, decl.typ.as_ref(), &decl.values);
                        // Dependencies are shared by all variables of the declaration.
                        let deps = self.extra[o.0 as usize].deps.clone();
                        for &l in &lhs {
                            if l != o {
                                for &d in &deps {
                                    if !self.extra[l.0 as usize].deps.contains(&d) {
                                        self.extra[l.0 as usize].deps.push(d);
                                    }
                                }
                                self.extra[l.0 as usize].color = Color::Black;
                            }
                        }
                    }
                    DeclRef::Type(td) => {
                        self.decl_obj = None;
                        self.type_decl(o, td);
                    }
                    DeclRef::Func(fd) => {
                        self.decl_obj = None;
                        self.func_decl(o, fd);
                    }
                }
                let (f, s, i, fc, d) = saved;
                self.file = f;
                self.scope = s;
                self.iota = i;
                self.func = fc;
                self.decl_obj = d;
                self.obj_path.pop();
                self.extra[o.0 as usize].color = Color::Black;
            }
        }
    }

    pub(super) fn report_cycle(&mut self, o: ObjId) {
        let Some(pos) = self.obj_path.iter().position(|&x| x == o) else {
            return;
        };
        let cycle: Vec<ObjId> = self.obj_path[pos..].to_vec();
        let is_type = matches!(self.obj(o).kind, ObjKind::TypeName);
        // Start with the object that appears first in the source.
        let first = (0..cycle.len())
            .min_by_key(|&i| (self.extra[cycle[i].0 as usize].file, self.obj(cycle[i]).pos))
            .unwrap_or(0);
        let name0 = self.obj(cycle[first]).name.clone();
        let mut msg = if is_type {
            format!("invalid recursive type {name0}")
        } else {
            format!("illegal cycle in declaration of {name0}")
        };
        let mut i = first;
        for _ in 0..cycle.len() {
            let c = cycle[i];
            let p = self.pos_string(self.extra[c.0 as usize].file, self.obj(c).pos);
            msg.push_str(&format!("\n\t{}: {} refers to", p, self.obj(c).name));
            i = (i + 1) % cycle.len();
        }
        let c = cycle[i];
        let p = self.pos_string(self.extra[c.0 as usize].file, self.obj(c).pos);
        msg.push_str(&format!("\n\t{}: {}", p, self.obj(c).name));
        let f = self.extra[cycle[first].0 as usize].file;
        let saved = self.file;
        self.file = f;
        self.error(self.obj(cycle[first]).pos, msg);
        self.file = saved;
    }

    pub(super) fn const_decl(
        &mut self,
        o: ObjId,
        typ: Option<&'a Expr>,
        init: Option<&'a Expr>,
        iota: u32,
    ) {
        self.iota = Some(iota);
        let t = typ.map(|t| self.typexpr(t));
        if let Some(t) = t {
            if t != basic::INVALID {
                let ok = matches!(self.tt.under(t), Type::Basic(k) if *k != crate::types::BasicKind::UnsafePointer)
                    && !self.is_type_param(t);
                if !ok {
                    self.error_at_expr(
                        typ.unwrap(),
                        format!("invalid constant type {}", self.type_string(t)),
                    );
                    self.obj_mut(o).typ = basic::INVALID;
                    self.iota = None;
                    return;
                }
            }
        }
        let Some(init) = init else {
            self.obj_mut(o).typ = basic::INVALID;
            self.iota = None;
            return;
        };
        let mut x = self.expr(init);
        self.iota = None;
        if x.is_invalid() {
            self.obj_mut(o).typ = basic::INVALID;
            return;
        }
        if !matches!(x.mode, OpMode::Constant(_)) {
            let s = self.operand_string(&x);
            self.error_at_expr(init, format!("{s} is not constant"));
            self.obj_mut(o).typ = basic::INVALID;
            return;
        }
        if let Some(t) = t {
            self.assignment(&mut x, Some(t), "constant declaration");
            if x.is_invalid() {
                self.obj_mut(o).typ = basic::INVALID;
                return;
            }
        }
        let v = x.val().cloned().unwrap_or(ConstValue::int(0));
        let ob = self.obj_mut(o);
        ob.typ = x.typ;
        ob.kind = ObjKind::Const(v);
    }

    /// Checks `var lhs [typ] = values`, giving each lhs variable its type.
    pub(super) fn var_decl(&mut self, lhs: &[ObjId], typ: Option<&'a Expr>, values: &'a [Expr]) {
        let t = typ.map(|t| self.var_type(t));
        if let Some(t) = t {
            for &l in lhs {
                self.obj_mut(l).typ = t;
            }
        }
        if values.is_empty() {
            if t.is_none() {
                for &l in lhs {
                    self.obj_mut(l).typ = basic::INVALID;
                }
            }
            return;
        }
        if lhs.len() == 1 && values.len() == 1 && self.returns_tuple(&values[0]) {
            let x = self.multi_expr(&values[0], true);
            if let Some(types) = self.tuple_types(&x) {
                self.assign_mismatch_call(&values[0], 1, values, types.len());
            }
            self.extra[lhs[0].0 as usize].used = true;
            return;
        }
        if lhs.len() == values.len() {
            for (i, &l) in lhs.iter().enumerate() {
                let mut x = self.expr(&values[i]);
                self.init_var(l, &mut x, "variable declaration");
            }
            return;
        }
        if values.len() == 1 {
            let x = self.multi_expr(&values[0], true);
            if let Some(types) = self.comma_ok_types(&x, lhs.len()) {
                if types.len() == lhs.len() {
                    for (i, &l) in lhs.iter().enumerate() {
                        let mut xi = Operand {
                            mode: OpMode::Value,
                            typ: types[i],
                            expr: None,
                        };
                        if i == 0 {
                            xi.expr = x.expr;
                        }
                        self.init_var_tuple_elem(l, &mut xi, &values[0]);
                    }
                    return;
                }
                if !x.is_invalid() {
                    self.assign_mismatch_call(&values[0], lhs.len(), values, types.len());
                }
            }
        } else {
            self.assign_mismatch(&values[0], lhs.len(), values, None);
        }
        for &l in lhs {
            self.extra[l.0 as usize].used = true;
            if self.obj(l).typ == basic::INVALID || t.is_none() {
                self.obj_mut(l).typ = basic::INVALID;
            }
        }
    }

    /// gc's `assignment mismatch` message, at the first right-hand value.
    pub(super) fn assign_mismatch(
        &mut self,
        at: &Expr,
        nl: usize,
        rhs: &[Expr],
        returned: Option<usize>,
    ) {
        let vars = if nl == 1 {
            "1 variable".to_string()
        } else {
            format!("{nl} variables")
        };
        let msg = match (returned, rhs.len() == 1) {
            (Some(n), true) if matches!(rhs[0].kind, ExprKind::Call { .. }) => {
                let vals = if n == 1 {
                    "1 value".to_string()
                } else {
                    format!("{n} values")
                };
                format!(
                    "assignment mismatch: {} but {} returns {}",
                    vars,
                    super::expr_string(&rhs[0]),
                    vals
                )
            }
            _ => {
                let n = returned.unwrap_or(rhs.len());
                let vals = if n == 1 {
                    "1 value".to_string()
                } else {
                    format!("{n} values")
                };
                format!("assignment mismatch: {vars} but {vals}")
            }
        };
        self.error_at_expr(at, msg);
    }

    fn type_decl(&mut self, o: ObjId, td: &'a ast::TypeDecl) {
        if td.alias {
            let t = self.typexpr(&td.typ);
            self.obj_mut(o).typ = t;
            return;
        }
        let named = self.obj(o).typ;
        if !td.tparams.is_empty() {
            self.open_scope(false);
            let tps = self.declare_type_params(&td.tparams);
            self.tt.named_mut(named).tparams = tps;
        }
        let rhs = self.typexpr(&td.typ);
        let mut u = self.tt.underlying(rhs);
        if self.is_type_param(rhs) {
            self.error_at_expr(
                &td.typ,
                "cannot use a type parameter as RHS in type declaration",
            );
            u = basic::INVALID;
        }
        if u == named {
            u = basic::INVALID;
        }
        if u == basic::INVALID
            && rhs != basic::INVALID
            && matches!(self.tt.get(rhs), Type::Named(_))
        {
            // The RHS is a named type still being declared (`type T2 T1` inside T1's
            // declaration); its underlying type is filled in after all declarations.
            self.pending_underlying.push((named, rhs));
        }
        self.tt.named_mut(named).underlying = u;
        if !td.tparams.is_empty() {
            self.close_scope();
        }
        if !self.pending_instances.is_empty() {
            self.complete_pending_instances();
        }
        // Methods of the type: resolve their signatures now so lookups see them.
        let methods = self.tt.named(named).methods.clone();
        let u_fields: Vec<String> = match self.tt.get(u) {
            Type::Struct(fs) => fs.iter().map(|f| f.name.clone()).collect(),
            _ => Vec::new(),
        };
        for m in methods {
            let name = self.obj(m).name.clone();
            if u_fields.contains(&name) {
                let p = self.obj(m).pos;
                let f = self.extra[m.0 as usize].file;
                let saved = self.file;
                self.file = f;
                self.error(p, format!("field and method with the same name {name}"));
                self.file = saved;
            }
        }
    }

    fn func_decl(&mut self, o: ObjId, fd: &'a ast::FuncDecl) {
        self.open_scope(true);
        if !fd.tparams.is_empty() {
            let tps = self.declare_type_params(&fd.tparams);
            self.func_tparams.insert(o, tps);
        }
        let mut recv_t = None;
        if let Some(r) = &fd.recv {
            recv_t = Some(self.receiver_type(r));
        }
        let sig = self.func_type(&fd.sig);
        self.close_scope();
        let ob = self.obj_mut(o);
        ob.typ = sig;
        ob.kind = ObjKind::Func { recv: recv_t };
        if fd.body.is_some() {
            self.delayed.push((o, fd));
        } else if fd.recv.is_some() || !fd.pragmas.iter().any(|p| p.starts_with("go:linkname")) {
            // Body-less functions are allowed (assembly / linkname); gc only complains
            // without -complete. We accept them.
        }
    }

    /// Resolves a receiver's type: `T`, `*T` or `T[P]`, with T a named type of this package.
    fn receiver_type(&mut self, r: &'a ast::Field) -> TypeId {
        let mut e = &r.typ;
        while let ExprKind::Paren(x) = &e.kind {
            e = x;
        }
        let (ptr, base) = match &e.kind {
            ExprKind::Star(x) => (true, &**x),
            _ => (false, e),
        };
        let mut b = base;
        while let ExprKind::Paren(x) = &b.kind {
            b = x;
        }
        let t = match &b.kind {
            ExprKind::Index(x, args) => {
                // Generic receiver: declare the type parameters by the given names.
                let t = self.typexpr_no_instantiate(x);
                if let Type::Named(_) = self.tt.get(t) {
                    let tps = self.tt.named(t).tparams.clone();
                    for (i, a) in args.iter().enumerate() {
                        if let ExprKind::Name(n) = &a.kind {
                            let tp = tps.get(i).copied().unwrap_or(basic::INVALID);
                            let obj = self.new_object(n, a.pos, ObjKind::TypeName, tp);
                            let s = self.scope;
                            self.declare(s, Some(a.id), obj);
                            self.record_type_expr(a, tp);
                        }
                    }
                }
                // The receiver is the type instantiated with its own parameters.
                let t = match self.tt.get(t) {
                    Type::Named(_) if !self.tt.named(t).tparams.is_empty() => {
                        let tps = self.tt.named(t).tparams.clone();
                        self.instantiate_named(t, tps)
                    }
                    _ => t,
                };
                self.record_type_expr(b, t);
                t
            }
            _ => self.typexpr(b),
        };
        if t == basic::INVALID {
            return basic::INVALID;
        }
        let valid = match self.tt.get(t) {
            Type::Named(_) => {
                let n = self.tt.named(t);
                let obj = self.obj(n.obj);
                if obj.pkg != self.path {
                    false
                } else {
                    !matches!(self.tt.under(t), Type::Pointer(_) | Type::Interface(_))
                }
            }
            _ => false,
        };
        if !valid {
            let msg = match self.tt.get(t) {
                Type::Named(_) if matches!(self.tt.under(t), Type::Pointer(_)) => {
                    format!(
                        "invalid receiver type {} (pointer or interface type)",
                        self.type_string(t)
                    )
                }
                Type::Named(_) if matches!(self.tt.under(t), Type::Interface(_)) => {
                    format!(
                        "invalid receiver type {} (pointer or interface type)",
                        self.type_string(t)
                    )
                }
                Type::Basic(_) => format!(
                    "cannot define new methods on non-local type {}",
                    self.type_string(t)
                ),
                _ => format!("invalid receiver type {}", self.type_string(t)),
            };
            self.error_at_expr(b, msg);
        }
        let rt = if ptr {
            self.tt.intern(Type::Pointer(t))
        } else {
            t
        };
        if ptr {
            self.record_type_expr(e, rt);
        }
        rt
    }

    pub(super) fn check_delayed_bodies(&mut self) {
        let mut i = 0;
        while i < self.delayed.len() {
            let (o, fd) = self.delayed[i];
            i += 1;
            self.file = self.extra[o.0 as usize].file;
            self.scope = self.pkg_scope;
            self.decl_obj = Some(o);
            let sig = self.obj(o).typ;
            if let Some(body) = &fd.body {
                self.open_scope(true);
                // Re-use the type parameters the signature was built with.
                for tp in self.func_tparams.get(&o).cloned().unwrap_or_default() {
                    let tobj = self.tt.type_param(tp).obj;
                    let name = self.obj(tobj).name.clone();
                    if name != "_" {
                        let sc = self.scope;
                        self.scopes[sc].names.insert(name, tobj);
                    }
                }
                if let Some(r) = &fd.recv {
                    let rt = match self.obj(o).kind {
                        ObjKind::Func { recv: Some(r) } => r,
                        _ => basic::INVALID,
                    };
                    // Re-declare the receiver's type parameters for generic receivers.
                    let _ = self.receiver_type_params_only(r);
                    if let Some(n) = r.names.first() {
                        let v = self.new_var(&n.name, n.pos, VarKind::Receiver, rt);
                        let s = self.scope;
                        self.declare(s, Some(n.id), v);
                    }
                }
                self.generic_body = !fd.tparams.is_empty()
                    || fd.recv.as_ref().is_some_and(|r| {
                        !super::instantiate::receiver_tparam_names(&r.typ).is_empty()
                    });
                self.func_body(sig, &fd.sig, body);
                self.generic_body = false;
                self.close_scope();
            }
            self.decl_obj = None;
        }
    }

    /// For a generic receiver `(r *T[P])`, declares `P` in the current scope.
    fn receiver_type_params_only(&mut self, r: &'a ast::Field) -> Option<()> {
        let mut e = &r.typ;
        while let ExprKind::Paren(x) | ExprKind::Star(x) = &e.kind {
            e = x;
        }
        if let ExprKind::Index(x, args) = &e.kind {
            let t = self.typexpr_no_instantiate(x);
            if let Type::Named(_) = self.tt.get(t) {
                let tps = self.tt.named(t).tparams.clone();
                for (i, a) in args.iter().enumerate() {
                    if let ExprKind::Name(n) = &a.kind {
                        let tp = tps.get(i).copied().unwrap_or(basic::INVALID);
                        let obj = self.new_object(n, a.pos, ObjKind::TypeName, tp);
                        let s = self.scope;
                        self.declare(s, Some(a.id), obj);
                    }
                }
            }
        }
        Some(())
    }

    /// Checks a function body in the current (function) scope: declares the parameters,
    /// checks statements, reports missing returns and, for outermost bodies, unused variables.
    pub(super) fn func_body(&mut self, sig: TypeId, ft: &'a ast::FuncType, body: &'a ast::Block) {
        let (params, results, _variadic) = match self.tt.get(sig) {
            Type::Signature(s) => (s.params.clone(), s.results.clone(), s.variadic),
            _ => (vec![], vec![], false),
        };
        let mut k = 0;
        for f in &ft.params {
            if f.names.is_empty() {
                k += 1;
                continue;
            }
            for n in &f.names {
                let t = params.get(k).copied().unwrap_or(basic::INVALID);
                k += 1;
                let v = self.new_var(&n.name, n.pos, VarKind::Param, t);
                let s = self.scope;
                self.declare(s, Some(n.id), v);
            }
        }
        let mut k = 0;
        let mut named = false;
        for f in &ft.results {
            if f.names.is_empty() {
                k += 1;
                continue;
            }
            named = true;
            for n in &f.names {
                let t = results.get(k).copied().unwrap_or(basic::INVALID);
                k += 1;
                let v = self.new_var(&n.name, n.pos, VarKind::Result, t);
                let s = self.scope;
                self.declare(s, Some(n.id), v);
            }
        }
        let outer = self.func.is_none();
        let saved_locals = if outer {
            std::mem::take(&mut self.locals)
        } else {
            Vec::new()
        };
        let saved = self.func.replace(FuncCtx {
            sig,
            results: results.clone(),
            named_results: named,
        });
        let saved_labels = std::mem::take(&mut self.labels);
        self.collect_labels(&body.stmts);
        self.stmt_list(&body.stmts, super::stmt::StmtCtx::default());
        if !results.is_empty() && !self.is_terminating_list(&body.stmts, "") {
            self.error(body.rbrace, "missing return");
        }
        self.report_unused_labels();
        self.labels = saved_labels;
        self.func = saved;
        if outer {
            self.report_unused();
            self.locals = saved_locals;
        }
    }

    /// Reports `x declared but not used` for this function's locals, in source order.
    pub(super) fn report_unused(&mut self) {
        let mut unused: Vec<ObjId> = self
            .locals
            .iter()
            .copied()
            .filter(|&v| !self.extra[v.0 as usize].used && self.obj(v).name != "_")
            .collect();
        unused.sort_by_key(|&v| self.obj(v).pos);
        unused.dedup();
        for v in unused {
            let msg = format!("{} declared but not used", self.obj(v).name);
            let p = self.obj(v).pos;
            self.error(p, msg);
        }
        self.locals.clear();
    }

    pub(super) fn check_unused_imports(&mut self) {
        for (fi, o, path, _pos) in self.imports.clone() {
            if self.extra[o.0 as usize].used {
                continue;
            }
            if self.obj(o).name == "." {
                // Used when any name it brought into the file scope was.
                let scope = if path == "unsafe" {
                    self.unsafe_scope.clone()
                } else {
                    self.pkg_scopes.get(&path).cloned().unwrap_or_default()
                };
                let used = self.dot_used.borrow();
                if scope.values().any(|&u| used.contains(&(fi, u))) {
                    continue;
                }
            }
            let name = self.obj(o).name.clone();
            let last = path.rsplit('/').next().unwrap_or(&path).to_string();
            if name == "_" {
                continue;
            }
            self.file = fi;
            let p = self.obj(o).pos;
            if name == last || name == "." {
                self.error(p, format!("imported and not used: {path:?}"));
            } else {
                self.error(p, format!("imported and not used: {path:?} as {name}"));
            }
        }
    }

    /// A local `const`, `type` or `var` declaration statement.
    pub(super) fn local_decls(&mut self, decls: &'a [Decl]) {
        let mut last_const: Option<(Option<&'a Expr>, &'a [Expr], Option<ast::Group>)> = None;
        for d in decls {
            match d {
                Decl::Const(cd) => {
                    let (typ, values) = if cd.values.is_empty() && cd.typ.is_none() {
                        match last_const {
                            Some((t, v, g)) if g == cd.group => (t, v),
                            _ => (None, &cd.values[..]),
                        }
                    } else {
                        last_const = Some((cd.typ.as_ref(), &cd.values[..], cd.group));
                        (cd.typ.as_ref(), &cd.values[..])
                    };
                    self.const_spec_arity(cd, values);
                    let mut objs = Vec::new();
                    for (i, n) in cd.names.iter().enumerate() {
                        let o = self.new_object(
                            &n.name,
                            n.pos,
                            ObjKind::Const(ConstValue::int(0)),
                            basic::INVALID,
                        );
                        self.const_decl(o, typ, values.get(i), cd.iota);
                        objs.push((n.id, o));
                    }
                    for (id, o) in objs {
                        let s = self.scope;
                        self.declare(s, Some(id), o);
                        // Unused local constants are not errors.
                        self.extra[o.0 as usize].used = true;
                    }
                }
                Decl::Var(vd) => {
                    let objs: Vec<ObjId> = vd
                        .names
                        .iter()
                        .map(|n| self.new_var(&n.name, n.pos, VarKind::Local, basic::INVALID))
                        .collect();
                    self.var_decl(&objs, vd.typ.as_ref(), &vd.values);
                    for (n, &o) in vd.names.iter().zip(objs.iter()) {
                        let s = self.scope;
                        self.declare(s, Some(n.id), o);
                        self.locals.push(o);
                    }
                }
                Decl::Type(td) => {
                    let o = self.new_object(
                        &td.name.name,
                        td.name.pos,
                        ObjKind::TypeName,
                        basic::INVALID,
                    );
                    if !td.alias {
                        let t = self.tt.new_named(o);
                        self.obj_mut(o).typ = t;
                    }
                    let s = self.scope;
                    self.declare(s, Some(td.name.id), o);
                    self.type_decl(o, td);
                    if !td.alias {
                        let t = self.obj(o).typ;
                        self.check_valid_type(t, o);
                    }
                }
                Decl::Func(_) => {}
            }
        }
    }

    /// Reports `invalid recursive type` when a named type contains itself by value.
    pub(super) fn check_valid_type(&mut self, t: TypeId, o: ObjId) {
        let mut path = vec![];
        if self.find_self_containment(t, t, &mut path, 0) {
            // path holds the named types of the cycle.
            let mut msg = format!("invalid recursive type {}", self.obj(o).name);
            let objs: Vec<ObjId> = path.iter().map(|&n| self.tt.named(n).obj).collect();
            for &c in &objs {
                let p = self.pos_string(self.extra[c.0 as usize].file, self.obj(c).pos);
                msg.push_str(&format!("\n\t{}: {} refers to", p, self.obj(c).name));
            }
            let p = self.pos_string(self.extra[o.0 as usize].file, self.obj(o).pos);
            msg.push_str(&format!("\n\t{}: {}", p, self.obj(o).name));
            // Break the cycle so later stages don't loop.
            for &n in &path {
                self.tt.named_mut(n).underlying = basic::INVALID;
            }
            let pos = self.obj(o).pos;
            self.error(pos, msg);
        }
    }

    fn find_self_containment(
        &mut self,
        target: TypeId,
        t: TypeId,
        path: &mut Vec<TypeId>,
        depth: usize,
    ) -> bool {
        if depth > 200 {
            return false;
        }
        match self.tt.get(t).clone() {
            Type::Named(_) => {
                if !path.is_empty() && t == target {
                    return true;
                }
                if path.contains(&t) {
                    return false;
                }
                if let Some(&ok) = self.valid_checked.get(&t) {
                    if ok && t != target {
                        return false;
                    }
                }
                path.push(t);
                let u = self.tt.named(t).underlying;
                if self.find_self_containment(target, u, path, depth + 1) {
                    return true;
                }
                path.pop();
                false
            }
            Type::Array { elem, .. } => self.find_self_containment(target, elem, path, depth + 1),
            Type::Struct(fs) => fs
                .iter()
                .any(|f| self.find_self_containment(target, f.typ, path, depth + 1)),
            _ => false,
        }
    }
}

/// The base type name of a receiver type expression (`T`, `*T`, `(T)`, `T[P]`).
fn receiver_base_name(e: &Expr) -> Option<&str> {
    let mut e = e;
    loop {
        match &e.kind {
            ExprKind::Paren(x) | ExprKind::Star(x) => e = x,
            ExprKind::Index(x, _) => e = x,
            ExprKind::Name(n) => return Some(n),
            _ => return None,
        }
    }
}

#[allow(dead_code)]
fn unused(_: Pos) {}
