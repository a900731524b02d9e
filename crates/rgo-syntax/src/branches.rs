//! Checks of labels and branch statements in a function body.
//!
//! gc does this in its syntax package, right after parsing a function without errors (its
//! type checker is told to skip it), so the messages come from here: unused or duplicate
//! labels, `break`/`continue` outside a loop or with a wrong label, misplaced `fallthrough`,
//! and `goto`s that jump into a block or over a variable declaration. Each block records its
//! parent and the label of the statement it belongs to; forward gotos travel up until a
//! label resolves them.

use crate::ast::*;
use crate::pos::{Error, Pos, SourceFile};
use crate::printer::expr_list_string;
use std::collections::HashMap;

pub(crate) fn check(file: &SourceFile, body: &Block, errors: &mut Vec<Error>) {
    let mut c = Checker {
        file,
        errors,
        labels: Vec::new(),
        by_name: HashMap::new(),
        blocks: Vec::new(),
    };
    let fwd = c.block_branches(None, Targets::default(), None, body.pos, &body.stmts);
    for g in fwd {
        match c.by_name.get(&g.name).copied() {
            Some(l) => {
                c.labels[l].used = true; // avoid "defined and not used"
                let start = c.blocks[c.labels[l].block].start;
                let at = c.pos_string(start);
                c.err(
                    g.pos,
                    format!("goto {} jumps into block starting at {at}", g.name),
                );
            }
            None => c.err(g.pos, format!("label {} not defined", g.name)),
        }
    }
    for i in 0..c.labels.len() {
        if !c.labels[i].used {
            let (pos, name) = (c.labels[i].pos, c.labels[i].name.clone());
            c.err(pos, format!("label {name} defined and not used"));
        }
    }
}

/// What a labeled statement can be the target of.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TargetKind {
    Loop,
    SwitchOrSelect,
    Other,
}

struct Label {
    name: String,
    pos: Pos,
    /// The block declaring the label.
    block: usize,
    /// Identifies the labeled statement (the label's node id).
    stmt: NodeId,
    kind: TargetKind,
    used: bool,
}

struct BlockInfo {
    parent: Option<usize>,
    start: Pos,
    /// The labeled statement this block is the body of, if any.
    lstmt: Option<NodeId>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Breaks {
    Loop,
    Select,
    Switch { type_switch: bool, nclauses: usize },
}

/// The statements an unlabeled branch refers to.
#[derive(Clone, Copy, Default)]
struct Targets {
    breaks: Option<Breaks>,
    continues: bool,
    /// Index of the clause of the immediately enclosing switch.
    case_index: Option<usize>,
}

/// A goto whose label has not been seen yet.
#[derive(Clone)]
struct Goto {
    name: String,
    pos: Pos,
    id: NodeId,
}

struct Checker<'a> {
    file: &'a SourceFile,
    errors: &'a mut Vec<Error>,
    labels: Vec<Label>,
    by_name: HashMap<String, usize>,
    blocks: Vec<BlockInfo>,
}

fn target_kind(s: &Stmt) -> TargetKind {
    match s.kind {
        StmtKind::For { .. } | StmtKind::Range { .. } => TargetKind::Loop,
        StmtKind::Switch { .. } | StmtKind::TypeSwitch { .. } | StmtKind::Select { .. } => {
            TargetKind::SwitchOrSelect
        }
        _ => TargetKind::Other,
    }
}

impl Checker<'_> {
    fn err(&mut self, pos: Pos, msg: String) {
        self.errors.push(Error { pos, msg });
    }

    fn pos_string(&self, pos: Pos) -> String {
        self.file.position(pos).to_string()
    }

    fn declare(&mut self, block: usize, label: &Ident, kind: TargetKind) -> usize {
        if let Some(&alt) = self.by_name.get(&label.name) {
            let at = self.pos_string(self.labels[alt].pos);
            self.err(
                label.pos,
                format!("label {} already defined at {at}", label.name),
            );
            return alt;
        }
        self.labels.push(Label {
            name: label.name.clone(),
            pos: label.pos,
            block,
            stmt: label.id,
            kind,
            used: false,
        });
        self.by_name
            .insert(label.name.clone(), self.labels.len() - 1);
        self.labels.len() - 1
    }

    fn ancestors(&self, b: usize) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(Some(b), |&b| self.blocks[b].parent)
    }

    /// The label `name` if it is declared in `b` or an enclosing block.
    fn goto_target(&mut self, b: usize, name: &str) -> bool {
        let Some(&l) = self.by_name.get(name) else {
            return false;
        };
        self.labels[l].used = true; // even if it is not a valid target
        let lb = self.labels[l].block;
        self.ancestors(b).any(|a| a == lb)
    }

    /// For a labeled break or continue: `None` if the label is not declared, otherwise
    /// the kind of statement it labels if that statement encloses `b` (else `Other`).
    fn enclosing_target(&mut self, b: usize, name: &str) -> Option<TargetKind> {
        let l = *self.by_name.get(name)?;
        self.labels[l].used = true;
        let stmt = self.labels[l].stmt;
        let encloses = self
            .ancestors(b)
            .any(|a| self.blocks[a].lstmt == Some(stmt));
        Some(if encloses {
            self.labels[l].kind
        } else {
            TargetKind::Other
        })
    }

    fn block_branches(
        &mut self,
        parent: Option<usize>,
        ctxt: Targets,
        lstmt: Option<NodeId>,
        start: Pos,
        body: &[Stmt],
    ) -> Vec<Goto> {
        self.blocks.push(BlockInfo {
            parent,
            start,
            lstmt,
        });
        let b = self.blocks.len() - 1;

        let mut var_decl: Option<(Pos, String)> = None;
        let mut fwd: Vec<Goto> = Vec::new();
        let mut bad: Vec<NodeId> = Vec::new(); // forward gotos before the variable

        let n = body
            .iter()
            .rposition(|s| !matches!(s.kind, StmtKind::Empty))
            .map_or(0, |i| i + 1);
        let list = &body[..n];
        for (index, stmt) in list.iter().enumerate() {
            let mut lstmt = None;
            let mut s = stmt;
            loop {
                match &s.kind {
                    StmtKind::Decl(decls) => {
                        if let Some(Decl::Var(v)) = decls.iter().find(|d| matches!(d, Decl::Var(_)))
                        {
                            let name = v.names.first().map_or("_", |n| &n.name);
                            var_decl = Some((v.pos, name.to_string()));
                            bad = fwd.iter().map(|g| g.id).collect();
                        }
                    }
                    StmtKind::Labeled { label, stmt: inner } => {
                        if label.name != "_" {
                            let l = self.declare(b, label, target_kind(inner));
                            let mut i = 0;
                            while i < fwd.len() {
                                if fwd[i].name != label.name {
                                    i += 1;
                                    continue;
                                }
                                let g = fwd.remove(i);
                                self.labels[l].used = true;
                                if let Some((vpos, vname)) = &var_decl {
                                    if bad.contains(&g.id) {
                                        let at = self.pos_string(*vpos);
                                        self.err(
                                            g.pos,
                                            format!(
                                                "goto {} jumps over declaration of {vname} at {at}",
                                                g.name
                                            ),
                                        );
                                    }
                                }
                            }
                            lstmt = Some(label.id);
                        }
                        s = inner;
                        continue;
                    }
                    StmtKind::Branch { kind, label: None } => {
                        self.unlabeled_branch(*kind, s.pos, ctxt, index + 1 == list.len())
                    }
                    StmtKind::Branch {
                        kind,
                        label: Some(label),
                    } => match kind {
                        BranchKind::Break => match self.enclosing_target(b, &label.name) {
                            Some(TargetKind::Loop | TargetKind::SwitchOrSelect) => {}
                            Some(TargetKind::Other) => {
                                self.err(label.pos, format!("invalid break label {}", label.name))
                            }
                            None => self.err(
                                label.pos,
                                format!("break label not defined: {}", label.name),
                            ),
                        },
                        BranchKind::Continue => match self.enclosing_target(b, &label.name) {
                            Some(TargetKind::Loop) => {}
                            Some(_) => self
                                .err(label.pos, format!("invalid continue label {}", label.name)),
                            None => self.err(
                                label.pos,
                                format!("continue label not defined: {}", label.name),
                            ),
                        },
                        BranchKind::Goto => {
                            if !self.goto_target(b, &label.name) {
                                fwd.push(Goto {
                                    name: label.name.clone(),
                                    pos: label.pos,
                                    id: label.id,
                                });
                            }
                        }
                        BranchKind::Fallthrough => {}
                    },
                    StmtKind::Define { lhs, .. } => {
                        var_decl = Some((s.pos, expr_list_string(lhs)));
                        bad = fwd.iter().map(|g| g.id).collect();
                    }
                    StmtKind::Block(blk) => {
                        let inner = Targets {
                            case_index: None,
                            ..ctxt
                        };
                        fwd.extend(self.block_branches(Some(b), inner, lstmt, blk.pos, &blk.stmts));
                    }
                    StmtKind::If { then, els, .. } => {
                        let inner = Targets {
                            case_index: None,
                            ..ctxt
                        };
                        fwd.extend(self.block_branches(
                            Some(b),
                            inner,
                            lstmt,
                            then.pos,
                            &then.stmts,
                        ));
                        if let Some(e) = els {
                            let e = std::slice::from_ref(&**e);
                            fwd.extend(self.block_branches(Some(b), inner, lstmt, e[0].pos, e));
                        }
                    }
                    StmtKind::For { body, .. } | StmtKind::Range { body, .. } => {
                        let inner = Targets {
                            breaks: Some(Breaks::Loop),
                            continues: true,
                            case_index: None,
                        };
                        fwd.extend(self.block_branches(
                            Some(b),
                            inner,
                            lstmt,
                            body.pos,
                            &body.stmts,
                        ));
                    }
                    StmtKind::Switch { clauses, .. } | StmtKind::TypeSwitch { clauses, .. } => {
                        let type_switch = matches!(s.kind, StmtKind::TypeSwitch { .. });
                        for (i, cc) in clauses.iter().enumerate() {
                            let inner = Targets {
                                breaks: Some(Breaks::Switch {
                                    type_switch,
                                    nclauses: clauses.len(),
                                }),
                                continues: ctxt.continues,
                                case_index: Some(i),
                            };
                            fwd.extend(self.block_branches(
                                Some(b),
                                inner,
                                lstmt,
                                cc.pos,
                                &cc.body,
                            ));
                        }
                    }
                    StmtKind::Select { clauses, .. } => {
                        let inner = Targets {
                            breaks: Some(Breaks::Select),
                            continues: ctxt.continues,
                            case_index: None,
                        };
                        for cc in clauses {
                            fwd.extend(self.block_branches(
                                Some(b),
                                inner,
                                lstmt,
                                cc.pos,
                                &cc.body,
                            ));
                        }
                    }
                    _ => {}
                }
                break;
            }
        }
        fwd
    }

    fn unlabeled_branch(&mut self, kind: BranchKind, pos: Pos, ctxt: Targets, last: bool) {
        let msg = match kind {
            BranchKind::Break if ctxt.breaks.is_none() => {
                "break is not in a loop, switch, or select"
            }
            BranchKind::Continue if !ctxt.continues => "continue is not in a loop",
            BranchKind::Fallthrough => match (ctxt.breaks, ctxt.case_index) {
                (
                    Some(Breaks::Switch {
                        type_switch: true, ..
                    }),
                    _,
                ) => "cannot fallthrough in type switch",
                (Some(Breaks::Switch { nclauses, .. }), Some(i)) if last => {
                    if i + 1 == nclauses {
                        "cannot fallthrough final case in switch"
                    } else {
                        return; // fallthrough ok
                    }
                }
                _ => "fallthrough statement out of place",
            },
            _ => return,
        };
        self.err(pos, msg.to_string());
    }
}
