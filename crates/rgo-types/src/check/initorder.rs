//! Package initialization order (spec "Package initialization"): repeatedly initialise the
//! earliest declared variable that does not depend on uninitialised variables, where
//! dependencies are followed through the functions an initializer references.

use std::collections::{HashMap, HashSet};

use super::{Checker, DeclRef};
use crate::info::Initializer;
use crate::objects::{ObjId, ObjKind};

impl Checker<'_> {
    pub(super) fn compute_init_order(&mut self) {
        let vars: Vec<ObjId> = self
            .pkg_order
            .iter()
            .copied()
            .filter(|&o| matches!(self.extra[o.0 as usize].decl, Some(DeclRef::Var { .. })))
            .collect();
        // Variables each variable depends on, transitively through functions.
        let mut var_deps: HashMap<ObjId, HashSet<ObjId>> = HashMap::new();
        for &v in &vars {
            let mut out = HashSet::new();
            let mut seen = HashSet::new();
            let mut stack: Vec<ObjId> = self.extra[v.0 as usize].deps.clone();
            while let Some(d) = stack.pop() {
                if !seen.insert(d) {
                    continue;
                }
                match self.obj(d).kind {
                    ObjKind::Var(crate::objects::VarKind::Global) => {
                        out.insert(d);
                    }
                    ObjKind::Func { .. } | ObjKind::Const(_) => {
                        stack.extend(
                            self.extra
                                .get(d.0 as usize)
                                .map(|e| e.deps.clone())
                                .unwrap_or_default(),
                        );
                    }
                    _ => {}
                }
            }
            var_deps.insert(v, out);
        }
        // Report cycles: a variable reaching itself.
        let mut reported = false;
        for &v in &vars {
            if !reported {
                if let Some(path) = self.find_cycle(v) {
                    self.report_init_cycle(&path);
                    reported = true;
                }
            }
        }
        if reported {
            return;
        }
        let mut done: HashSet<ObjId> = HashSet::new();
        let mut emitted_decls: HashSet<usize> = HashSet::new();
        let mut remaining = vars.clone();
        while !remaining.is_empty() {
            let pick = remaining
                .iter()
                .position(|v| var_deps[v].iter().all(|d| done.contains(d) || d == v))
                .unwrap_or(0);
            let v = remaining.remove(pick);
            done.insert(v);
            let Some(DeclRef::Var { decl, .. }) = self.extra[v.0 as usize].decl else {
                continue;
            };
            let key = decl as *const _ as usize;
            if decl.values.is_empty() {
                continue;
            }
            if decl.values.len() == 1 && decl.names.len() > 1 {
                if !emitted_decls.insert(key) {
                    continue;
                }
                let lhs: Vec<ObjId> = decl
                    .names
                    .iter()
                    .filter_map(|n| self.info.defs.get(&n.id).copied())
                    .collect();
                // All variables of a multi-value declaration are initialised together.
                for &l in &lhs {
                    done.insert(l);
                }
                remaining.retain(|r| !lhs.contains(r));
                self.info.init_order.push(Initializer {
                    lhs,
                    rhs: decl.values[0].id,
                });
            } else {
                let idx = decl
                    .names
                    .iter()
                    .position(|n| self.info.defs.get(&n.id) == Some(&v));
                if let Some(i) = idx {
                    if let Some(val) = decl.values.get(i) {
                        self.info.init_order.push(Initializer {
                            lhs: vec![v],
                            rhs: val.id,
                        });
                    }
                }
            }
        }
    }

    /// A dependency path from `v` back to itself.
    fn find_cycle(&self, v: ObjId) -> Option<Vec<ObjId>> {
        let mut path = vec![v];
        let mut seen = HashSet::new();
        if self.dfs(v, v, &mut path, &mut seen) {
            Some(path)
        } else {
            None
        }
    }

    fn dfs(
        &self,
        target: ObjId,
        cur: ObjId,
        path: &mut Vec<ObjId>,
        seen: &mut HashSet<ObjId>,
    ) -> bool {
        let deps = self
            .extra
            .get(cur.0 as usize)
            .map(|e| e.deps.clone())
            .unwrap_or_default();
        for d in deps {
            if d == target {
                return true;
            }
            if !matches!(
                self.obj(d).kind,
                ObjKind::Var(_) | ObjKind::Func { .. } | ObjKind::Const(_)
            ) {
                continue;
            }
            if !seen.insert(d) {
                continue;
            }
            path.push(d);
            if self.dfs(target, d, path, seen) {
                return true;
            }
            path.pop();
        }
        false
    }

    fn report_init_cycle(&mut self, cycle: &[ObjId]) {
        let first = cycle[0];
        let mut msg = format!("initialization loop for {}", self.obj(first).name);
        for &c in cycle {
            let p = self.pos_string(self.extra[c.0 as usize].file, self.obj(c).pos);
            msg.push_str(&format!("\n\t{}: {} refers to", p, self.obj(c).name));
        }
        let p = self.pos_string(self.extra[first.0 as usize].file, self.obj(first).pos);
        msg.push_str(&format!("\n\t{}: {}", p, self.obj(first).name));
        self.file = self.extra[first.0 as usize].file;
        let pos = self.obj(first).pos;
        self.error(pos, msg);
    }
}
