//! Escape analysis proper: which memory may live in the frame of the function that creates
//! it, and which must be allocated in the heap.
//!
//! The design follows gc's (cmd/compile/internal/escape), written afresh over rgo's typed
//! AST. Every function body becomes a graph of *locations*: local variables, parameters,
//! results, allocation sites (`new`, `&T{}`, `make`, composite literals, closures, the
//! implicit slice of a variadic call, interface boxes, string results), and two sinks:
//! the heap (which everything outlives nothing) and a blank location for discarded
//! values. Evaluating an expression means flowing its value into a *hole*: a destination
//! location plus a dereference count. `dst = src` is an edge with count 0, `dst = &src`
//! −1, `dst = *src` +1; stores through pointers, into globals, maps, channels and
//! appended slices, and arguments of calls nobody can see into flow to the heap. Values
//! without pointers flow nowhere.
//!
//! Solving walks the graph backwards from every location (the *root*), computing the
//! least number of dereferences with which each other location's value reaches it (a
//! shortest-path problem with −1 edges, bounded below by 0 for values reached through an
//! address: "root = &l; l = x" moves `l`'s address to the root, not `x`'s). A location
//! whose address reaches a root that *outlives* it must be heap-allocated: the heap and
//! escaping locations outlive everything; results outlive everything (callers may keep
//! them), except that a literal called on the spot returns into its caller's frame;
//! within one function, a location declared outside a loop outlives one declared inside
//! it (each iteration's variable is distinct, but shares one frame slot); a location of a
//! function outlives those of the literals nested in it. A location that becomes
//! escaping is walked again as a root, until nothing changes.
//!
//! Functions are analysed bottom-up over the call graph, each strongly connected
//! component together (with the literals nested in its functions), so a call to an
//! already analysed function uses its *parameter tags*: for each parameter, the least
//! dereference count with which it leaks to the heap and to each result. A call inside
//! the component flows arguments into the callee's parameter locations directly. Calls
//! through function values, interfaces, and to functions without Go bodies leak their
//! arguments to the heap.
//!
//! `go` statements and `defer` inside loops leak everything they evaluate (the call runs
//! after the frame, or after the iteration, is gone); a `defer` outside loops runs before
//! the frame is popped and is analysed as an ordinary call. Converting a pointer to
//! `uintptr` leaks it (the integer can turn back into a pointer anywhere). Size limits
//! are gc's: declared variables above 10 MiB and implicit allocations (`new`, `&T{}`,
//! constant-size `make`, literals) above 64 KiB stay in the heap, as does `make` with a
//! non-constant size.
//!
//! Function literals capture by reference: a literal's record holds its free variables'
//! addresses, so a captured variable lives as long as the closure may; a closure that
//! does not escape leaves its variables in the frame.
//!
//! `-gcflags=-m` prints the decisions in gc's words (see [`Decisions::report`]).

use std::collections::{HashMap, HashSet};

use rgo_syntax::ast::{
    self, BinOp, Block, BranchKind, CommOp, Decl, Expr, ExprKind, FuncType, NodeId, Stmt, StmtKind,
    UnOp,
};
use rgo_syntax::Pos;
use rgo_types::{
    BasicKind, Builtin, ConstValue, Info, Mode, ObjId, ObjKind, Package, SelectionKind, Type,
    TypeId, VarKind,
};

use super::FuncInfo;
use crate::layout::layout;

/// gc's limits: declared variables larger than this live in the heap.
const MAX_STACK_VAR: u64 = 10 << 20;
/// gc's limit for implicit allocations (`new`, `&T{}`, `make`, literals).
pub(crate) const MAX_IMPLICIT_STACK_VAR: u64 = 64 << 10;
/// gc's limit for variables captured by value.
const MAX_BYVAL: u64 = 128;
/// Results whose leaks a parameter tag records; leaks to later results count as heap.
const TAGGED_RESULTS: usize = 7;

/// One function body to analyse: a declared function (or one instance of a generic one)
/// with the literals nested in it.
pub(crate) struct Unit<'a, 'p> {
    /// The function's object (the instance's for instances).
    pub obj: ObjId,
    pub decl: &'a ast::FuncDecl,
    /// The checker's results for this body.
    pub info: &'p Info,
    /// The first walk's results (captures, literals, callees).
    pub walk: &'p FuncInfo<'a>,
}

/// The analysis' decisions for one unit.
#[derive(Default)]
pub(crate) struct Decisions {
    /// Variables whose address outlives the frame (or that are too large for it).
    pub heap_vars: HashSet<ObjId>,
    /// Every variable the analysis modelled; an address-taken variable here and not in
    /// `heap_vars` may live in the frame.
    pub known_vars: HashSet<ObjId>,
    /// Allocation sites (keyed as [`site_key`] says) whose memory may be in the frame.
    pub stack_sites: HashSet<NodeId>,
    /// Captured variables the unit's literals copy into their closures (by value).
    pub byval: HashSet<ObjId>,
}

/// What a parameter leaks: the least dereference count to the heap and to each of the
/// first results; `None` where it does not.
#[derive(Clone, Default, Debug)]
struct Leaks {
    heap: Option<u32>,
    results: [Option<u32>; TAGGED_RESULTS],
}

impl Leaks {
    fn add_heap(&mut self, d: u32) {
        self.heap = Some(self.heap.map_or(d, |h| h.min(d)));
    }

    fn add_result(&mut self, i: usize, d: u32) {
        self.results[i] = Some(self.results[i].map_or(d, |h| h.min(d)));
    }

    /// Drops result leaks no shorter than the heap leak: the heap already covers them.
    fn optimize(&mut self) {
        if let Some(h) = self.heap {
            for r in &mut self.results {
                if r.is_some_and(|x| x >= h) {
                    *r = None;
                }
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.heap.is_none() && self.results.iter().all(Option::is_none)
    }

    fn all_heap() -> Leaks {
        Leaks {
            heap: Some(0),
            ..Leaks::default()
        }
    }
}

/// What the analysis of a program decided.
pub(crate) struct Analysis {
    /// The decisions for each unit's object.
    pub decisions: HashMap<ObjId, Decisions>,
    /// gc's `-m` lines, in gc's order (callees' before their callers'): the unit they
    /// belong to, position, message.
    pub report: Vec<(ObjId, Pos, String)>,
}

/// Analyses `units` bottom-up over their call graph.
pub(crate) fn analyze_program(pkg: &Package, units: &[Unit<'_, '_>]) -> Analysis {
    let index: HashMap<ObjId, usize> = units.iter().enumerate().map(|(i, u)| (u.obj, i)).collect();
    let succ: Vec<Vec<usize>> = units
        .iter()
        .map(|u| {
            let mut s: Vec<usize> = u
                .walk
                .funcs
                .iter()
                .chain(u.walk.methods.iter())
                .filter_map(|o| index.get(o).copied())
                .collect();
            s.sort_unstable();
            s.dedup();
            s
        })
        .collect();
    let mut tags: HashMap<ObjId, Vec<Leaks>> = HashMap::new();
    let mut out = Analysis {
        decisions: HashMap::new(),
        report: Vec::new(),
    };
    for scc in sccs(&succ) {
        let mut b = Batch::new(pkg, units, &scc, &tags);
        b.run();
        let (t, d, lines) = b.finish();
        tags.extend(t);
        out.decisions.extend(d);
        out.report.extend(lines);
    }
    out
}

/// Strongly connected components of the graph `succ`, callees before callers (Tarjan's
/// algorithm, iterative: call chains may be deep).
fn sccs(succ: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let n = succ.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut out = Vec::new();
    let mut next = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut i)) = work.last_mut() {
            if *i < succ[v].len() {
                let w = succ[v][*i];
                *i += 1;
                if index[w] == usize::MAX {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(p, _)) = work.last() {
                low[p] = low[p].min(low[v]);
            }
            if low[v] == index[v] {
                let mut c = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    c.push(w);
                    if w == v {
                        break;
                    }
                }
                c.reverse();
                out.push(c);
            }
        }
    }
    out
}

type LocId = usize;
type FnId = usize;

const HEAP: LocId = 0;
const BLANK: LocId = 1;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum SiteKind {
    /// `new(T)`
    New,
    /// `&T{...}`
    PtrLit,
    /// `[]T{...}`
    SliceLit,
    /// `make([]T, n)`
    MakeSlice,
    /// The implicit slice of a variadic call.
    Ddd,
    /// A function literal's closure record.
    Closure,
    /// Memory codegen does not place in the frame yet: maps, interface boxes, strings,
    /// method values.
    Other,
}

enum LocKind {
    Heap,
    Blank,
    Var(ObjId),
    /// An unnamed result.
    Result,
    Site {
        key: NodeId,
        kind: SiteKind,
        pos: Pos,
        text: String,
        /// gc's size limits, checked after the walk: the site must be in the heap.
        too_big: bool,
    },
    /// A temporary (the operand of a range statement).
    Temp,
}

struct Loc {
    kind: LocKind,
    func: FnId,
    depth: u32,
    /// Values flowing into this location: `(source, dereference count)`.
    edges: Vec<(LocId, i32)>,
    escapes: bool,
    /// Index among its function's parameters (receiver first).
    param: Option<usize>,
    /// Index among its function's results.
    result: Option<usize>,
    leaks: Leaks,
    /// Its address was taken somewhere (a literal must capture it by reference).
    addrtaken: bool,
    /// Assigned after its declaration (ignoring straight-line assignments before the
    /// first capture): a literal must capture it by reference.
    reassigned: bool,
    captured: bool,
    // Solver state.
    walkgen: u32,
    derefs: i32,
    queued: bool,
}

/// A function of the batch: a unit's declared function or a literal nested in it.
struct Func {
    parent: Option<FnId>,
    unit: usize,
    /// Parameter locations, receiver first (`None` for unnamed and blank parameters).
    params: Vec<Option<LocId>>,
    /// For each parameter: position and name, for `-m`.
    param_names: Vec<Option<(Pos, String)>>,
    param_types: Vec<TypeId>,
    results: Vec<LocId>,
    result_names: Vec<String>,
    /// A literal called where it is written: its results stay in the caller's frame.
    called: bool,
}

/// Where a value flows: a location and a dereference count (−1: its address).
#[derive(Clone, Copy, Debug)]
struct Hole {
    dst: LocId,
    derefs: i32,
}

/// The destinations of one value (empty: discarded).
type Ks = Vec<Hole>;

fn shift(ks: &Ks, d: i32) -> Ks {
    ks.iter()
        .map(|h| Hole {
            dst: h.dst,
            derefs: (h.derefs + d).max(-1),
        })
        .collect()
}

fn hole(l: LocId) -> Ks {
    vec![Hole { dst: l, derefs: 0 }]
}

fn heap() -> Ks {
    hole(HEAP)
}

fn discard() -> Ks {
    hole(BLANK)
}

/// What a call goes to.
enum Target {
    /// A function of this batch (top-level or literal).
    Batch(FnId),
    /// A function analysed before: its tags.
    Tagged(Vec<Leaks>),
    /// Unknown code: everything leaks.
    Unknown,
}

struct Batch<'a, 'p, 't> {
    pkg: &'p Package,
    units: &'p [Unit<'a, 'p>],
    members: Vec<usize>,
    tags: &'t HashMap<ObjId, Vec<Leaks>>,
    locs: Vec<Loc>,
    fns: Vec<Func>,
    /// The top-level function of each member unit.
    unit_fn: HashMap<ObjId, FnId>,
    vars: HashMap<(usize, ObjId), LocId>,
    lit_fn: HashMap<(usize, NodeId), FnId>,
    /// Closure sites and the literal they make: `(site, unit, literal id)`.
    closures: Vec<(LocId, usize, NodeId)>,
    /// Variables literals capture by value: `(unit, variable)`.
    byval: HashSet<(usize, ObjId)>,
    // Walk state.
    unit: usize,
    cur: FnId,
    depth: u32,
    looping: HashSet<String>,
}

impl<'a, 'p, 't> Batch<'a, 'p, 't> {
    fn new(
        pkg: &'p Package,
        units: &'p [Unit<'a, 'p>],
        members: &[usize],
        tags: &'t HashMap<ObjId, Vec<Leaks>>,
    ) -> Self {
        let mut b = Batch {
            pkg,
            units,
            members: members.to_vec(),
            tags,
            locs: Vec::new(),
            fns: Vec::new(),
            unit_fn: HashMap::new(),
            vars: HashMap::new(),
            lit_fn: HashMap::new(),
            closures: Vec::new(),
            byval: HashSet::new(),
            unit: 0,
            cur: 0,
            depth: 1,
            looping: HashSet::new(),
        };
        b.new_loc(LocKind::Heap);
        b.new_loc(LocKind::Blank);
        b.locs[HEAP].escapes = true;
        b
    }

    fn info(&self) -> &'p Info {
        self.units[self.unit].info
    }

    fn new_loc(&mut self, kind: LocKind) -> LocId {
        self.locs.push(Loc {
            kind,
            func: self.cur,
            depth: self.depth,
            edges: Vec::new(),
            escapes: false,
            param: None,
            result: None,
            leaks: Leaks::default(),
            addrtaken: false,
            reassigned: false,
            captured: false,
            walkgen: 0,
            derefs: 0,
            queued: false,
        });
        self.locs.len() - 1
    }

    // ---- types ----

    fn ty(&self, e: &Expr) -> Option<TypeId> {
        self.info().types.get(&e.id).map(|tv| tv.typ)
    }

    fn is_const(&self, e: &Expr) -> bool {
        matches!(
            self.info().types.get(&e.id).map(|tv| &tv.mode),
            Some(Mode::Constant(_))
        )
    }

    fn has_pointers(&self, t: TypeId) -> bool {
        has_pointers(&self.pkg.types, t, 0)
    }

    fn is_iface(&self, t: TypeId) -> bool {
        matches!(self.pkg.types.under(t), Type::Interface(_))
    }

    fn is_pointer(&self, t: TypeId) -> bool {
        matches!(self.pkg.types.under(t), Type::Pointer(_))
    }

    /// Values of `t` sit in an interface's data word as they are (rgo boxes all others).
    fn is_direct(&self, t: TypeId) -> bool {
        matches!(
            self.pkg.types.under(t),
            Type::Pointer(_) | Type::Chan { .. } | Type::Map { .. } | Type::Signature(_)
        ) || self.pkg.types.basic_kind(t) == Some(BasicKind::UnsafePointer)
            || self.pkg.types.basic_kind(t) == Some(BasicKind::UntypedNil)
    }

    /// The size of values of `t`; `None` in generic code (a type parameter inside).
    fn size_of(&self, t: TypeId) -> Option<u64> {
        let mut seen = HashSet::new();
        (!mentions_type_param(&self.pkg.types, t, &mut seen))
            .then(|| layout(&self.pkg.types, t).size)
    }

    fn const_int(&self, e: &Expr) -> Option<i64> {
        match self.info().types.get(&e.id).map(|tv| &tv.mode) {
            Some(Mode::Constant(ConstValue::Int(v))) => i64::try_from(v).ok(),
            _ => None,
        }
    }

    fn sig_of(&self, t: TypeId) -> Option<rgo_types::types::Signature> {
        match self.pkg.types.under(t) {
            Type::Signature(s) => Some(s.clone()),
            _ => None,
        }
    }

    fn field_type(&self, t: TypeId, i: usize) -> Option<TypeId> {
        match self.pkg.types.under(t) {
            Type::Struct(fs) => fs.get(i).map(|f| f.typ),
            _ => None,
        }
    }

    // ---- locations of names ----

    fn local_obj(&self, id: NodeId, defs: bool) -> Option<ObjId> {
        let map = if defs {
            &self.info().defs
        } else {
            &self.info().uses
        };
        let o = *map.get(&id)?;
        matches!(
            self.pkg.obj(o).kind,
            ObjKind::Var(VarKind::Local | VarKind::Param | VarKind::Result | VarKind::Receiver)
        )
        .then_some(o)
    }

    fn var_loc(&mut self, o: ObjId) -> LocId {
        if let Some(&l) = self.vars.get(&(self.unit, o)) {
            return l;
        }
        let l = self.new_loc(LocKind::Var(o));
        self.vars.insert((self.unit, o), l);
        l
    }

    /// A declaration: the variable's location, at the current loop depth.
    fn dcl(&mut self, o: ObjId) -> LocId {
        let l = self.var_loc(o);
        self.locs[l].depth = self.depth;
        self.locs[l].func = self.cur;
        l
    }

    fn dcl_ident(&mut self, id: NodeId) -> Ks {
        match self.local_obj(id, true) {
            Some(o) => hole(self.dcl(o)),
            None => discard(),
        }
    }

    // ---- the graph ----

    fn flow(&mut self, ks: &Ks, src: LocId) {
        for h in ks {
            if h.derefs < 0 {
                self.locs[src].addrtaken = true;
            }
            if h.dst == BLANK || (h.dst == src && h.derefs >= 0) {
                continue;
            }
            if self.locs[h.dst].escapes && h.derefs < 0 {
                self.locs[src].escapes = true;
                continue;
            }
            self.locs[h.dst].edges.push((src, h.derefs));
        }
    }

    /// A new allocation site whose address flows to `ks`; returns the hole for its
    /// contents.
    fn spill(&mut self, ks: &Ks, kind: SiteKind, e: &Expr, pos: Pos, text: String) -> Ks {
        let l = self.new_loc(LocKind::Site {
            key: e.id,
            kind,
            pos,
            text,
            too_big: false,
        });
        self.flow(&shift(ks, -1), l);
        hole(l)
    }

    fn set_too_big(&mut self, ks: &Ks) {
        if let Some(h) = ks.first() {
            if let LocKind::Site { too_big, .. } = &mut self.locs[h.dst].kind {
                *too_big = true;
            }
        }
    }

    // ---- functions ----

    /// Creates a function's parameter and result locations.
    fn init_func(
        &mut self,
        parent: Option<FnId>,
        recv: Option<&'a ast::Field>,
        sig: &'a FuncType,
        sig_ty: Option<TypeId>,
    ) -> FnId {
        let f = self.fns.len();
        self.fns.push(Func {
            parent,
            unit: self.unit,
            params: Vec::new(),
            param_names: Vec::new(),
            param_types: Vec::new(),
            results: Vec::new(),
            result_names: Vec::new(),
            called: false,
        });
        let (saved_cur, saved_depth) = (self.cur, self.depth);
        self.cur = f;
        self.depth = 1;
        let s = sig_ty.and_then(|t| self.sig_of(t));
        let mut ptypes: Vec<TypeId> = Vec::new();
        let mut fields: Vec<&ast::Field> = Vec::new();
        fields.extend(recv);
        fields.extend(sig.params.iter());
        for field in fields {
            for k in 0..field.names.len().max(1) {
                let (loc, name) = match field.names.get(k) {
                    Some(n) if n.name != "_" => match self.local_obj(n.id, true) {
                        Some(o) => {
                            ptypes.push(self.pkg.obj(o).typ);
                            (Some(self.dcl(o)), Some((n.pos, n.name.clone())))
                        }
                        None => (None, None),
                    },
                    _ => (None, None),
                };
                if loc.is_none() {
                    ptypes.push(rgo_types::basic::INVALID);
                }
                let i = self.fns[f].params.len();
                if let Some(l) = loc {
                    self.locs[l].param = Some(i);
                }
                self.fns[f].params.push(loc);
                self.fns[f].param_names.push(name);
            }
        }
        // Types of unnamed parameters come from the signature.
        if let Some(s) = &s {
            let off = usize::from(recv.is_some());
            for (i, &t) in s.params.iter().enumerate() {
                if let Some(slot) = ptypes.get_mut(i + off) {
                    if *slot == rgo_types::basic::INVALID {
                        *slot = t;
                    }
                }
            }
        }
        self.fns[f].param_types = ptypes;
        let mut ri = 0;
        for field in &sig.results {
            for k in 0..field.names.len().max(1) {
                let (l, name) = match field.names.get(k) {
                    Some(n) => match self.local_obj(n.id, true) {
                        Some(o) if n.name != "_" => (self.dcl(o), n.name.clone()),
                        _ => (self.new_loc(LocKind::Result), format!("~b{ri}")),
                    },
                    None => (self.new_loc(LocKind::Result), format!("~r{ri}")),
                };
                self.locs[l].result = Some(ri);
                self.fns[f].results.push(l);
                self.fns[f].result_names.push(name);
                ri += 1;
            }
        }
        self.cur = saved_cur;
        self.depth = saved_depth;
        f
    }

    /// Whether `c` is nested (strictly) inside `f`.
    fn contains(&self, f: FnId, c: FnId) -> bool {
        let mut x = self.fns[c].parent;
        while let Some(p) = x {
            if p == f {
                return true;
            }
            x = self.fns[p].parent;
        }
        false
    }

    // ---- walking ----

    fn run(&mut self) {
        for &u in &self.members.clone() {
            self.unit = u;
            let d = self.units[u].decl;
            let f = self.init_func(
                None,
                d.recv.as_ref(),
                &d.sig,
                Some(self.pkg.obj(self.units[u].obj).typ),
            );
            self.unit_fn.insert(self.units[u].obj, f);
        }
        for &u in &self.members.clone() {
            self.unit = u;
            let d = self.units[u].decl;
            self.cur = self.unit_fn[&self.units[u].obj];
            self.depth = 1;
            if let Some(body) = &d.body {
                self.func_body(body);
            }
        }
        // Captured variables flow into their closures: by value when nobody can change
        // them after the capture (never reassigned, address never taken) and they are
        // small (gc's 128 bytes), else by reference.
        for (site, unit, lit) in std::mem::take(&mut self.closures) {
            self.unit = unit;
            let caps = self.units[unit]
                .walk
                .captures
                .get(&lit)
                .cloned()
                .unwrap_or_default();
            for o in caps {
                let l = self.var_loc(o);
                let small = self
                    .size_of(self.pkg.obj(o).typ)
                    .is_some_and(|s| s <= MAX_BYVAL);
                if !self.locs[l].addrtaken && !self.locs[l].reassigned && small {
                    self.byval.insert((unit, o));
                    self.flow(&hole(site), l);
                } else {
                    self.flow(&shift(&hole(site), -1), l);
                }
            }
        }
        // gc's size limits.
        for l in 2..self.locs.len() {
            let big = match &self.locs[l].kind {
                LocKind::Var(o) => {
                    self.locs[l].param.is_none()
                        && self.locs[l].result.is_none()
                        && self
                            .size_of(self.pkg.obj(*o).typ)
                            .is_some_and(|s| s > MAX_STACK_VAR)
                }
                LocKind::Site { too_big, .. } => *too_big,
                _ => false,
            };
            if big {
                self.flow(&shift(&heap(), -1), l);
            }
        }
        self.solve();
    }

    fn func_body(&mut self, body: &'a Block) {
        let saved = std::mem::take(&mut self.looping);
        self.looping = looping_labels(&body.stmts);
        self.block(body);
        self.looping = saved;
    }

    fn block(&mut self, b: &'a Block) {
        self.stmts(&b.stmts);
    }

    fn stmts(&mut self, ss: &'a [Stmt]) {
        let d = self.depth;
        for s in ss {
            self.stmt(s);
        }
        self.depth = d;
    }

    fn opt_stmt(&mut self, s: &'a Option<Box<Stmt>>) {
        if let Some(s) = s {
            self.stmt(s);
        }
    }

    fn stmt(&mut self, s: &'a Stmt) {
        match &s.kind {
            StmtKind::Empty | StmtKind::Branch { .. } => {}
            StmtKind::Labeled { label, stmt } => {
                if self.looping.contains(&label.name) {
                    self.depth += 1;
                }
                self.stmt(stmt);
            }
            StmtKind::Block(b) => self.block(b),
            StmtKind::Expr(e) => self.discard(e),
            StmtKind::Go(e) => self.go_defer(e, true),
            StmtKind::Defer(e) => self.go_defer(e, self.depth > 1),
            StmtKind::Send { ch, value } => {
                self.discard(ch);
                let elem = self.ty(ch).and_then(|t| match self.pkg.types.under(t) {
                    Type::Chan { elem, .. } => Some(*elem),
                    _ => None,
                });
                self.expr_to(&heap(), value, elem);
            }
            StmtKind::IncDec { x, .. } => {
                let k = self.addr(x);
                self.reassigned(&k);
            }
            StmtKind::Assign { lhs, op, rhs } => {
                if op.is_some() {
                    let k = self.addr(&lhs[0]);
                    self.expr(&k, &rhs[0]);
                    self.reassigned(&k);
                } else {
                    self.assign_list(lhs, rhs, false, start_pos(&lhs[0]));
                }
            }
            StmtKind::Define { lhs, rhs } => self.assign_list(lhs, rhs, true, start_pos(&lhs[0])),
            StmtKind::Return(xs) => {
                let res: Vec<LocId> = self.fns[self.cur].results.clone();
                let ks: Vec<Ks> = res.iter().map(|&l| hole(l)).collect();
                if xs.len() == 1 && res.len() > 1 {
                    self.call_multi(&ks, &xs[0]);
                } else {
                    for (i, x) in xs.iter().enumerate() {
                        let k = ks.get(i).cloned().unwrap_or_default();
                        let t = res.get(i).map(|&l| self.loc_type(l));
                        self.expr_to(&k, x, t.flatten());
                    }
                }
                // `return x` assigns the (possibly named and captured) results.
                if !xs.is_empty() {
                    for k in &ks {
                        self.reassigned(k);
                    }
                }
            }
            StmtKind::If {
                init,
                cond,
                then,
                els,
            } => {
                let d = self.depth;
                self.opt_stmt(init);
                self.discard(cond);
                self.block(then);
                if let Some(e) = els {
                    self.stmt(e);
                }
                self.depth = d;
            }
            StmtKind::Switch {
                init, tag, clauses, ..
            } => {
                let d = self.depth;
                self.opt_stmt(init);
                if let Some(t) = tag {
                    self.discard(t);
                }
                for c in clauses {
                    for x in &c.exprs {
                        self.discard(x);
                    }
                    self.stmts(&c.body);
                }
                self.depth = d;
            }
            StmtKind::TypeSwitch {
                init, x, clauses, ..
            } => {
                let d = self.depth;
                self.opt_stmt(init);
                let mut ks = Ks::new();
                for c in clauses {
                    let Some(i) = &c.implicit else { continue };
                    let Some(&o) = self.info().implicits.get(&i.id) else {
                        continue;
                    };
                    let t = self.pkg.obj(o).typ;
                    let l = self.dcl(o);
                    if self.has_pointers(t) {
                        ks.extend(self.dot_type(&hole(l), t));
                    }
                }
                self.expr(&ks, x);
                for c in clauses {
                    self.stmts(&c.body);
                }
                self.depth = d;
            }
            StmtKind::Select { clauses, .. } => {
                for c in clauses {
                    match &c.comm {
                        CommOp::Default => {}
                        CommOp::Send { ch, value } => {
                            self.discard(ch);
                            let elem = self.ty(ch).and_then(|t| match self.pkg.types.under(t) {
                                Type::Chan { elem, .. } => Some(*elem),
                                _ => None,
                            });
                            self.expr_to(&heap(), value, elem);
                        }
                        CommOp::Recv { lhs, define, recv } => {
                            self.discard(recv);
                            for x in lhs {
                                if *define {
                                    self.dcl_ident(x.id);
                                } else {
                                    let k = self.addr(x);
                                    self.reassigned(&k);
                                }
                            }
                        }
                    }
                    self.stmts(&c.body);
                }
            }
            StmtKind::For {
                init,
                cond,
                post,
                body,
            } => {
                let d = self.depth;
                self.opt_stmt(init);
                self.depth += 1;
                if let Some(c) = cond {
                    self.discard(c);
                }
                self.opt_stmt(post);
                self.block(body);
                self.depth = d;
            }
            StmtKind::Range {
                key,
                value,
                define,
                x,
                body,
            } => {
                let d = self.depth;
                // The operand is evaluated once, outside the loop.
                let tmp = self.new_loc(LocKind::Temp);
                self.expr(&hole(tmp), x);
                let mut ks = Vec::new();
                for k in [key, value] {
                    ks.push(match k {
                        Some(k) if *define => self.dcl_ident(k.id),
                        Some(k) => self.addr(k),
                        None => discard(),
                    });
                }
                // Range variables are assigned on every iteration.
                for k in &ks {
                    self.reassigned(k);
                }
                self.depth += 1;
                let xt = self.ty(x);
                let is_array =
                    xt.is_some_and(|t| matches!(self.pkg.types.under(t), Type::Array { .. }));
                let vk = if is_array {
                    ks[1].clone()
                } else {
                    shift(&ks[1], 1)
                };
                self.flow(&vk, tmp);
                self.block(body);
                self.depth = d;
            }
            StmtKind::Decl(decls) => {
                for d in decls {
                    if let Decl::Var(v) = d {
                        let ks: Vec<Ks> = v.names.iter().map(|n| self.dcl_ident(n.id)).collect();
                        if v.values.len() == 1 && v.names.len() > 1 {
                            self.call_multi(&ks, &v.values[0]);
                        } else {
                            for (i, x) in v.values.iter().enumerate() {
                                let t = v
                                    .names
                                    .get(i)
                                    .and_then(|n| self.info().defs.get(&n.id))
                                    .map(|&o| self.pkg.obj(o).typ);
                                let k = ks.get(i).cloned().unwrap_or_default();
                                self.expr_to(&k, x, t);
                            }
                        }
                    }
                }
            }
        }
    }

    fn loc_type(&self, l: LocId) -> Option<TypeId> {
        match &self.locs[l].kind {
            LocKind::Var(o) => Some(self.pkg.obj(*o).typ),
            LocKind::Result => self.result_type(self.locs[l].func, self.locs[l].result?),
            _ => None,
        }
    }

    /// The declared type of result `i` of function `f`.
    fn result_type(&self, f: FnId, i: usize) -> Option<TypeId> {
        let t = self.fn_sig_type(f)?;
        self.sig_of(t)?.results.get(i).copied()
    }

    fn fn_sig_type(&self, f: FnId) -> Option<TypeId> {
        if self.fns[f].parent.is_none() {
            let u = self.fns[f].unit;
            return Some(self.pkg.obj(self.units[u].obj).typ);
        }
        let (&(u, lit), _) = self.lit_fn.iter().find(|(_, &v)| v == f)?;
        self.units[u].info.types.get(&lit).map(|tv| tv.typ)
    }

    /// Marks the variables `ks` stores into as assigned after their declaration.
    fn reassigned(&mut self, ks: &Ks) {
        for h in ks {
            self.locs[h.dst].reassigned = true;
        }
    }

    /// `lhs = rhs` or `lhs := rhs` (statement at `pos`).
    fn assign_list(&mut self, lhs: &'a [Expr], rhs: &'a [Expr], define: bool, pos: Pos) {
        let ks: Vec<Ks> = lhs
            .iter()
            .map(|x| {
                if define {
                    if let Some(o) = self.local_obj(x.id, true) {
                        return hole(self.dcl(o));
                    }
                }
                self.addr(x)
            })
            .collect();
        // After the right-hand side: a literal created there sees the assignment.
        let mut assigned = Vec::new();
        for (x, k) in lhs.iter().zip(&ks) {
            if !define || self.local_obj(x.id, true).is_none() {
                assigned.push(k.clone());
            }
        }
        if rhs.len() == 1 && lhs.len() > 1 {
            self.call_multi(&ks, &rhs[0]);
            for k in &assigned {
                self.reassigned(k);
            }
            return;
        }
        for (i, x) in rhs.iter().enumerate() {
            let t = lhs.get(i).and_then(|l| {
                if define {
                    self.info()
                        .defs
                        .get(&l.id)
                        .map(|&o| self.pkg.obj(o).typ)
                        .or_else(|| self.ty(l))
                } else {
                    self.ty(l)
                }
            });
            let k = ks.get(i).cloned().unwrap_or_default();
            // gc places an assignment's implicit conversion at the statement.
            let at = if define { None } else { Some(pos) };
            self.expr_to_at(&k, x, t, at);
        }
        for k in &assigned {
            self.reassigned(k);
        }
    }

    /// A multi-valued expression (a call, `v, ok := m[k]`, `x.(T)`, `<-ch`) into `ks`.
    fn call_multi(&mut self, ks: &[Ks], e: &'a Expr) {
        match &strip_paren(e).kind {
            ExprKind::Call { .. } if !self.is_conversion(strip_paren(e)) => {
                self.call(ks, strip_paren(e), CallMode::Normal)
            }
            _ => {
                let k = ks.first().cloned().unwrap_or_default();
                self.expr(&k, e);
            }
        }
    }

    /// The holes for storing into `e`.
    fn addr(&mut self, e: &'a Expr) -> Ks {
        match &e.kind {
            ExprKind::Paren(x) => self.addr(x),
            ExprKind::Name(n) => {
                if n == "_" {
                    return discard();
                }
                match self.local_obj(e.id, false) {
                    Some(o) => hole(self.var_loc(o)),
                    None => heap(),
                }
            }
            ExprKind::Selector(x, _) => match self.info().selections.get(&e.id) {
                Some(sel) if sel.kind == SelectionKind::FieldVal => {
                    if self.path_derefs(sel.recv, &sel.index) > 0 {
                        self.discard(x);
                        heap()
                    } else {
                        self.addr(x)
                    }
                }
                _ => heap(),
            },
            ExprKind::Index(x, idx) => {
                let xt = self.ty(x);
                let under = xt.map(|t| self.pkg.types.under(t).clone());
                match under {
                    Some(Type::Array { .. }) => {
                        for i in idx {
                            self.discard(i);
                        }
                        self.addr(x)
                    }
                    Some(Type::Map { key, .. }) => {
                        self.discard(x);
                        for i in idx {
                            self.expr_to(&heap(), i, Some(key));
                        }
                        heap()
                    }
                    _ => {
                        self.discard(x);
                        for i in idx {
                            self.discard(i);
                        }
                        heap()
                    }
                }
            }
            _ => {
                self.discard(e);
                heap()
            }
        }
    }

    /// How many pointers a field path from a value of type `t` dereferences.
    fn path_derefs(&self, mut t: TypeId, path: &[usize]) -> i32 {
        let mut n = 0;
        for &i in path {
            if let Type::Pointer(e) = self.pkg.types.under(t) {
                n += 1;
                t = *e;
            }
            match self.field_type(t, i) {
                Some(ft) => t = ft,
                None => break,
            }
        }
        n
    }

    /// The type reached by a field path from `t` (after the path's implicit dereferences).
    fn path_type(&self, mut t: TypeId, path: &[usize]) -> TypeId {
        for &i in path {
            if let Type::Pointer(e) = self.pkg.types.under(t) {
                t = *e;
            }
            match self.field_type(t, i) {
                Some(ft) => t = ft,
                None => break,
            }
        }
        t
    }

    fn discard(&mut self, e: &'a Expr) {
        self.expr(&discard(), e);
    }

    /// `e` flows into `ks`, converted to `target` first: a concrete value becoming an
    /// interface is boxed (a new allocation site) unless it is pointer-shaped.
    fn expr_to(&mut self, ks: &Ks, e: &'a Expr, target: Option<TypeId>) {
        self.expr_to_at(ks, e, target, None);
    }

    /// As `expr_to`, reporting a conversion at `at` (gc's position for it) when given.
    fn expr_to_at(&mut self, ks: &Ks, e: &'a Expr, target: Option<TypeId>, at: Option<Pos>) {
        match target {
            Some(to) if self.is_iface(to) => self.expr_boxed(ks, e, at),
            _ => self.expr(ks, e),
        }
    }

    /// `e` converted to an interface type.
    fn expr_boxed(&mut self, ks: &Ks, e: &'a Expr, at: Option<Pos>) {
        let from = self.ty(e);
        if from.is_some_and(|f| !self.is_iface(f) && !self.is_direct(f)) {
            let text = gc_text(e);
            let k = self.spill(ks, SiteKind::Other, e, at.unwrap_or(e.pos), text);
            return self.expr(&k, e);
        }
        self.expr(ks, e);
    }

    /// `x.(T)`: a concrete non-pointer-shaped `T` is read out of the box.
    fn dot_type(&self, ks: &Ks, t: TypeId) -> Ks {
        if !self.is_iface(t) && !self.is_direct(t) {
            shift(ks, 1)
        } else {
            ks.clone()
        }
    }

    fn is_conversion(&self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::Call { fun, .. } => matches!(
                self.info().types.get(&fun.id).map(|tv| &tv.mode),
                Some(Mode::Type)
            ),
            _ => false,
        }
    }

    fn builtin_of(&self, fun: &Expr) -> Option<Builtin> {
        let o = match &strip_paren(fun).kind {
            ExprKind::Name(_) => self.info().uses.get(&strip_paren(fun).id),
            ExprKind::Selector(_, n) => self.info().uses.get(&n.id),
            _ => None,
        }?;
        match self.pkg.obj(*o).kind {
            ObjKind::Builtin(b) => Some(b),
            _ => None,
        }
    }

    /// Evaluates `e`, its value flowing into `ks`.
    fn expr(&mut self, ks: &Ks, e: &'a Expr) {
        let t = self.ty(e);
        let mut ks = ks.clone();
        if let Some(t) = t {
            let untyped = self.pkg.types.basic_kind(t).is_some_and(|k| k.is_untyped());
            if !untyped && !self.has_pointers(t) {
                // A value without pointers flows nowhere (its address still may).
                for h in &mut ks {
                    if h.derefs >= 0 {
                        h.dst = BLANK;
                    }
                }
            }
        }
        if self.is_const(e) {
            return;
        }
        match &e.kind {
            ExprKind::Bad | ExprKind::BasicLit { .. } => {}
            ExprKind::Name(_) => {
                if let Some(o) = self.local_obj(e.id, false) {
                    let l = self.var_loc(o);
                    self.flow(&ks, l);
                }
            }
            ExprKind::CompositeLit { typ, elems, .. } => {
                let Some(t) = t else { return };
                self.composite(&ks, e, t, typ.as_deref(), elems);
            }
            ExprKind::KeyValue(_, v) => self.expr(&ks, v),
            ExprKind::FuncLit { sig, body } => {
                let k = self.spill(&ks, SiteKind::Closure, e, e.pos, "func literal".into());
                let site = k[0].dst;
                self.closures.push((site, self.unit, e.id));
                let caps = self.units[self.unit]
                    .walk
                    .captures
                    .get(&e.id)
                    .cloned()
                    .unwrap_or_default();
                for o in caps {
                    let l = self.var_loc(o);
                    if !self.locs[l].captured {
                        self.locs[l].captured = true;
                        // Assignments before the first capture, in straight-line code,
                        // happen before the closure copies the value.
                        if self.locs[l].depth == self.depth {
                            self.locs[l].reassigned = false;
                        }
                    }
                }
                self.walk_lit(e, sig, body);
            }
            ExprKind::Paren(x) => self.expr(&ks, x),
            ExprKind::Selector(x, name) => {
                let Some(sel) = self.info().selections.get(&e.id).cloned() else {
                    // A qualified identifier: another package's variable or function.
                    let _ = name;
                    return;
                };
                match sel.kind {
                    SelectionKind::FieldVal => {
                        let d = self.path_derefs(sel.recv, &sel.index);
                        self.expr(&shift(&ks, d), x);
                    }
                    SelectionKind::MethodVal => self.method_value(&ks, e, x, &sel),
                    SelectionKind::MethodExpr => {}
                }
            }
            ExprKind::Index(x, idx) => {
                let xt = self.ty(x);
                let under = xt.map(|t| self.pkg.types.under(t).clone());
                match under {
                    Some(Type::Array { .. }) => self.expr(&ks, x),
                    Some(Type::Slice(_)) | Some(Type::Pointer(_)) => self.expr(&shift(&ks, 1), x),
                    Some(Type::Signature(_)) | None => {
                        // A generic function's instantiation.
                        return;
                    }
                    _ => self.discard(x),
                }
                for i in idx {
                    self.discard(i);
                }
            }
            ExprKind::Slice { x, lo, hi, max, .. } => {
                let xt = self.ty(x);
                let is_array =
                    xt.is_some_and(|t| matches!(self.pkg.types.under(t), Type::Array { .. }));
                // Slicing an array takes its address.
                let k = if is_array { shift(&ks, -1) } else { ks.clone() };
                self.expr(&k, x);
                for y in [lo, hi, max].into_iter().flatten() {
                    self.discard(y);
                }
            }
            ExprKind::TypeAssert { x, .. } => {
                let k = match t {
                    Some(t) => self.dot_type(&ks, t),
                    None => ks.clone(),
                };
                self.expr(&k, x);
            }
            ExprKind::Call { .. } => {
                if self.is_conversion(e) {
                    self.conversion(&ks, e);
                } else {
                    self.call(&[ks], e, CallMode::Normal);
                }
            }
            ExprKind::Star(x) => self.expr(&shift(&ks, 1), x),
            ExprKind::Unary(op, x) => match op {
                UnOp::Addr => {
                    if let ExprKind::CompositeLit { typ, elems, .. } = &strip_paren(x).kind {
                        let lit = strip_paren(x);
                        let body = if elems.is_empty() { "{}" } else { "{...}" };
                        let text = match typ {
                            Some(t) => format!("&{}{body}", gc_text_of(t)),
                            None => format!("&{body}"),
                        };
                        let k = self.spill(&ks, SiteKind::PtrLit, lit, e.pos, text);
                        if let Some(s) = self.ty(lit).and_then(|t| self.size_of(t)) {
                            if s > MAX_IMPLICIT_STACK_VAR {
                                self.set_too_big(&k);
                            }
                        }
                        if self.ty(lit).is_some_and(|t| {
                            matches!(self.pkg.types.under(t), Type::Slice(_) | Type::Map { .. })
                        }) {
                            // `&[]T{...}`: a heap cell holding the slice.
                            self.set_too_big(&k);
                        }
                        self.expr(&k, lit);
                    } else {
                        self.expr(&shift(&ks, -1), x);
                    }
                }
                _ => self.discard(x),
            },
            ExprKind::Binary(op, x, y) => {
                let is_string = t.is_some_and(|t| {
                    self.pkg
                        .types
                        .basic_kind(t)
                        .is_some_and(|k| matches!(k, BasicKind::String | BasicKind::UntypedString))
                });
                if *op == BinOp::Add && is_string {
                    let text = gc_text_of(e);
                    self.spill(&ks, SiteKind::Other, e, e.pos, text);
                    self.concat_operands(x);
                    self.concat_operands(y);
                } else {
                    self.discard(x);
                    self.discard(y);
                }
            }
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

    /// The operands of a string concatenation (gc flattens `a + b + c` into one).
    fn concat_operands(&mut self, e: &'a Expr) {
        if let ExprKind::Binary(BinOp::Add, x, y) = &strip_paren(e).kind {
            if !self.is_const(e) {
                self.concat_operands(x);
                self.concat_operands(y);
                return;
            }
        }
        self.discard(e);
    }

    fn composite(
        &mut self,
        ks: &Ks,
        e: &'a Expr,
        t: TypeId,
        typ: Option<&'a Expr>,
        elems: &'a [Expr],
    ) {
        let body = if elems.is_empty() { "{}" } else { "{...}" };
        let text = |s: &str| match typ {
            Some(t) => format!("{}{s}", gc_text_of(t)),
            None => s.to_string(),
        };
        match self.pkg.types.under(t).clone() {
            Type::Struct(fields) => {
                for (i, el) in elems.iter().enumerate() {
                    let (fi, v, at) = match &el.kind {
                        ExprKind::KeyValue(k, v) => {
                            let name = match &k.kind {
                                ExprKind::Name(n) => n.as_str(),
                                _ => "",
                            };
                            (
                                fields.iter().position(|f| f.name == name),
                                &**v,
                                Some(el.pos),
                            )
                        }
                        _ => (Some(i), el, None),
                    };
                    let ft = fi.and_then(|i| fields.get(i)).map(|f| f.typ);
                    self.expr_to_at(ks, v, ft, at);
                }
            }
            Type::Array { elem, .. } => {
                for el in elems {
                    let v = match &el.kind {
                        ExprKind::KeyValue(k, v) => {
                            self.discard(k);
                            &**v
                        }
                        _ => el,
                    };
                    self.expr_to(ks, v, Some(elem));
                }
            }
            Type::Slice(elem) => {
                let k = self.spill(ks, SiteKind::SliceLit, e, e.pos, text(body));
                let n = composite_len(self, elems);
                if self
                    .size_of(elem)
                    .is_none_or(|s| s.saturating_mul(n) > MAX_IMPLICIT_STACK_VAR)
                {
                    self.set_too_big(&k);
                }
                for el in elems {
                    let v = match &el.kind {
                        ExprKind::KeyValue(_, v) => &**v,
                        _ => el,
                    };
                    self.expr_to(&k, v, Some(elem));
                }
            }
            Type::Map { key, value } => {
                self.spill(ks, SiteKind::Other, e, e.pos, text(body));
                for el in elems {
                    if let ExprKind::KeyValue(k, v) = &el.kind {
                        self.expr_to(&heap(), k, Some(key));
                        self.expr_to(&heap(), v, Some(value));
                    }
                }
            }
            // An elided `&T{...}` inside another literal.
            Type::Pointer(inner) => {
                let k = self.spill(ks, SiteKind::PtrLit, e, e.pos, "&{...}".into());
                if self
                    .size_of(inner)
                    .is_none_or(|s| s > MAX_IMPLICIT_STACK_VAR)
                {
                    self.set_too_big(&k);
                }
                self.composite(&k, e, inner, typ, elems);
            }
            _ => {
                for el in elems {
                    self.discard(el);
                }
            }
        }
    }

    fn walk_lit(&mut self, e: &'a Expr, sig: &'a FuncType, body: &'a Block) {
        let parent = self.cur;
        let f = self.init_func(Some(parent), None, sig, self.ty(e));
        self.lit_fn.insert((self.unit, e.id), f);
        let (saved_cur, saved_depth) = (self.cur, self.depth);
        self.cur = f;
        self.depth = 1;
        self.func_body(body);
        self.cur = saved_cur;
        self.depth = saved_depth;
    }

    /// A method value `x.M`: a closure record holding the receiver.
    fn method_value(&mut self, ks: &Ks, e: &'a Expr, x: &'a Expr, sel: &rgo_types::Selection) {
        let text = gc_text_of(e);
        let site = self.spill(ks, SiteKind::Other, e, e.pos, text);
        // Nobody knows how it will be called: its receiver leaks as the method's tag says
        // with the results going to the heap.
        let mut k = site;
        k.extend(match self.method_target(sel) {
            Target::Tagged(tags) => {
                let l = tags.first().cloned().unwrap_or_else(Leaks::all_heap);
                let mut r = Ks::new();
                if let Some(h) = l.heap {
                    r.extend(shift(&heap(), h as i32));
                }
                if let Some(m) = l.results.iter().flatten().min() {
                    r.extend(shift(&heap(), *m as i32));
                }
                r
            }
            _ => heap(),
        });
        self.receiver(&k, x, sel);
    }

    /// The receiver `x` of method selection `sel`, flowing into `ks` as the method's
    /// receiver parameter (through embedded fields, and with the implicit `&` or `*`).
    fn receiver(&mut self, ks: &Ks, x: &'a Expr, sel: &rgo_types::Selection) {
        let path = &sel.index[..sel.index.len().saturating_sub(1)];
        let mut d = self.path_derefs(sel.recv, path);
        let ft = self.path_type(sel.recv, path);
        let wants_ptr = match self.pkg.obj(sel.obj).kind {
            ObjKind::Func { recv: Some(r) } => self.is_pointer(r),
            _ => false,
        };
        let is_ptr = self.is_pointer(ft);
        if wants_ptr && !is_ptr {
            d -= 1;
        } else if !wants_ptr && is_ptr && !self.is_iface(ft) {
            d += 1;
        }
        self.expr(&shift(ks, d), x);
    }

    fn method_target(&self, sel: &rgo_types::Selection) -> Target {
        match self.pkg.obj(sel.obj).kind {
            ObjKind::Func { recv: Some(r) } if !self.is_iface(r) => self.func_target(sel.obj),
            _ => Target::Unknown,
        }
    }

    fn func_target(&self, o: ObjId) -> Target {
        if let Some(&f) = self.unit_fn.get(&o) {
            return Target::Batch(f);
        }
        match self.tags.get(&o) {
            Some(t) => Target::Tagged(t.clone()),
            None => Target::Unknown,
        }
    }

    /// A conversion `T(x)`.
    fn conversion(&mut self, ks: &Ks, e: &'a Expr) {
        let ExprKind::Call { args, .. } = &e.kind else {
            return;
        };
        let Some(x) = args.first() else { return };
        let (Some(to), Some(from)) = (self.ty(e), self.ty(x)) else {
            return self.discard(x);
        };
        let tt = &self.pkg.types;
        let to_kind = tt.basic_kind(to);
        let from_kind = tt.basic_kind(from);
        if self.is_iface(to) && !self.is_iface(from) && !self.is_direct(from) {
            let text = gc_text_of(e);
            let k = self.spill(ks, SiteKind::Other, e, e.pos, text);
            return self.expr(&k, x);
        }
        if to_kind == Some(BasicKind::Uintptr) && from_kind == Some(BasicKind::UnsafePointer) {
            // The address may come back as a pointer anywhere.
            return self.expr(&heap(), x);
        }
        if to_kind == Some(BasicKind::UnsafePointer)
            && from_kind != Some(BasicKind::UnsafePointer)
            && !self.is_pointer(from)
        {
            return self.discard(x);
        }
        let string_to_slice = matches!(
            from_kind,
            Some(BasicKind::String | BasicKind::UntypedString)
        ) && matches!(tt.under(to), Type::Slice(_));
        let to_string = matches!(to_kind, Some(BasicKind::String))
            && !matches!(
                from_kind,
                Some(BasicKind::String | BasicKind::UntypedString)
            );
        if string_to_slice || to_string {
            let text = gc_text_of(e);
            self.spill(ks, SiteKind::Other, e, e.pos, text);
            return self.discard(x);
        }
        self.expr(ks, x);
    }

    /// A call; `ks[i]` receives result `i` (missing ones are discarded).
    fn call(&mut self, ks: &[Ks], e: &'a Expr, mode: CallMode) {
        let ExprKind::Call { fun, args, dots } = &e.kind else {
            return;
        };
        if let Some(b) = self.builtin_of(fun) {
            let k = ks.first().cloned().unwrap_or_default();
            return self.builtin(&k, e, b, args, *dots, mode);
        }
        let heap_all = mode != CallMode::Normal;
        let Some(sig) = self.ty(fun).and_then(|t| self.sig_of(t)) else {
            self.discard(fun);
            for a in args {
                self.expr(&heap(), a);
            }
            return;
        };
        let fun0 = strip_paren(fun);
        // The callee, and the receiver as an extra first argument.
        let mut recv: Option<(&'a Expr, rgo_types::Selection)> = None;
        let mut method_expr = false;
        let target = match &fun0.kind {
            ExprKind::FuncLit { .. } => {
                let fk = if heap_all { heap() } else { discard() };
                self.expr(&fk, fun0);
                match self.lit_fn.get(&(self.unit, fun0.id)) {
                    Some(&f) if !heap_all => {
                        self.fns[f].called = true;
                        Target::Batch(f)
                    }
                    _ => Target::Unknown,
                }
            }
            ExprKind::Selector(x, _) => match self.info().selections.get(&fun0.id).cloned() {
                Some(sel) if sel.kind == SelectionKind::MethodVal => {
                    let t = self.method_target(&sel);
                    if matches!(t, Target::Unknown) {
                        // An interface method: the receiver is the interface value.
                        let k = heap();
                        self.receiver(&k, x, &sel);
                        recv = None;
                    } else {
                        recv = Some((x, sel));
                    }
                    t
                }
                Some(sel) if sel.kind == SelectionKind::MethodExpr => {
                    method_expr = true;
                    self.method_target(&sel)
                }
                Some(_) => {
                    // A field holding a func value.
                    let fk = if heap_all { heap() } else { discard() };
                    self.expr(&fk, fun0);
                    Target::Unknown
                }
                None => match self.info().uses.get(&fun0.id).or_else(|| {
                    if let ExprKind::Selector(_, n) = &fun0.kind {
                        self.info().uses.get(&n.id)
                    } else {
                        None
                    }
                }) {
                    Some(&o) if matches!(self.pkg.obj(o).kind, ObjKind::Func { .. }) => {
                        self.func_target(o)
                    }
                    _ => Target::Unknown,
                },
            },
            ExprKind::Name(_) | ExprKind::Index(..) => {
                let o = match &fun0.kind {
                    ExprKind::Index(x, _) => self.info().uses.get(&strip_paren(x).id),
                    _ => self.info().uses.get(&fun0.id),
                }
                .copied();
                match o {
                    Some(o) if matches!(self.pkg.obj(o).kind, ObjKind::Func { .. }) => {
                        self.func_target(o)
                    }
                    _ => {
                        let fk = if heap_all { heap() } else { discard() };
                        self.expr(&fk, fun0);
                        Target::Unknown
                    }
                }
            }
            _ => {
                let fk = if heap_all { heap() } else { discard() };
                self.expr(&fk, fun0);
                Target::Unknown
            }
        };
        let target = if heap_all { Target::Unknown } else { target };
        // Results of a function of this batch flow out of its result locations.
        if let Target::Batch(f) = &target {
            let res = self.fns[*f].results.clone();
            for (i, r) in res.into_iter().enumerate() {
                if let Some(k) = ks.get(i) {
                    self.flow(k, r);
                }
            }
        }
        // A method expression's signature already has the receiver first.
        let _ = method_expr;
        let n_formals = sig.params.len() + usize::from(recv.is_some());
        let holes: Vec<Ks> = (0..n_formals)
            .map(|i| self.param_hole(&target, i, ks))
            .collect();
        // Formal types, receiver first.
        let mut ftypes: Vec<Option<TypeId>> = Vec::new();
        if recv.is_some() {
            ftypes.push(None);
        }
        ftypes.extend(sig.params.iter().map(|&t| Some(t)));
        let mut ai = 0;
        if let Some((x, sel)) = &recv {
            let k = holes[0].clone();
            self.receiver(&k, x, sel);
            ai = 1;
        }
        let n_results = match args.first().and_then(|a| self.ty(a)) {
            Some(t) => match self.pkg.types.get(t) {
                Type::Tuple(ts) => ts.len(),
                _ => 1,
            },
            None => 1,
        };
        if args.len() == 1 && n_results > 1 && sig.variadic && !*dots {
            // `f(g())` into a variadic `f`: the results past the fixed parameters fill a
            // heap slice that codegen allocates; they leak.
            let fixed = n_formals - 1;
            let mut hs: Vec<Ks> = holes[ai..fixed].to_vec();
            hs.resize_with(n_results, heap);
            return self.call(&hs, &args[0], CallMode::Normal);
        }
        if args.len() == 1 && n_formals - ai > 1 {
            // `f(g())`: the results of `g` are the arguments.
            let hs: Vec<Ks> = holes[ai..].to_vec();
            // Conversions of these values to interfaces box them: leak conservatively.
            let hs: Vec<Ks> = hs
                .into_iter()
                .enumerate()
                .map(|(i, h)| {
                    if ftypes
                        .get(ai + i)
                        .copied()
                        .flatten()
                        .is_some_and(|t| self.is_iface(t))
                    {
                        heap()
                    } else {
                        h
                    }
                })
                .collect();
            return self.call(&hs, &args[0], CallMode::Normal);
        }
        let fixed = if sig.variadic && !*dots {
            n_formals - 1
        } else {
            n_formals
        };
        let mut ddd: Option<Ks> = None;
        for (j, a) in args.iter().enumerate() {
            let i = j + ai;
            if i < fixed {
                let k = holes.get(i).cloned().unwrap_or_else(heap);
                self.expr_to(&k, a, ftypes.get(i).copied().flatten());
                continue;
            }
            // The implicit slice of a variadic call.
            let elem = sig
                .params
                .last()
                .and_then(|&t| match self.pkg.types.under(t) {
                    Type::Slice(e) => Some(*e),
                    _ => None,
                });
            if ddd.is_none() {
                let k = holes.get(fixed).cloned().unwrap_or_else(heap);
                let site = self.spill(&k, SiteKind::Ddd, e, e.pos, "... argument".into());
                let n = (args.len() - j) as u64;
                if elem
                    .and_then(|t| self.size_of(t))
                    .is_none_or(|s| s.saturating_mul(n) > MAX_IMPLICIT_STACK_VAR)
                {
                    self.set_too_big(&site);
                }
                ddd = Some(site);
            }
            let k = ddd.clone().unwrap_or_default();
            self.expr_to(&k, a, elem);
        }
    }

    /// Where argument `i` (receiver first) of a call to `target` flows.
    fn param_hole(&mut self, target: &Target, i: usize, ks: &[Ks]) -> Ks {
        match target {
            Target::Batch(f) => match self.fns[*f].params.get(i) {
                Some(Some(l)) => hole(*l),
                Some(None) => discard(),
                None => heap(),
            },
            Target::Tagged(tags) => {
                let Some(l) = tags.get(i) else { return heap() };
                let mut out = Ks::new();
                if let Some(h) = l.heap {
                    out.extend(shift(&heap(), h as i32));
                }
                for (r, x) in l.results.iter().enumerate() {
                    if let (Some(x), Some(k)) = (x, ks.get(r)) {
                        out.extend(shift(k, *x as i32));
                    }
                }
                out
            }
            Target::Unknown => heap(),
        }
    }

    fn builtin(
        &mut self,
        ks: &Ks,
        e: &'a Expr,
        b: Builtin,
        args: &'a [Expr],
        dots: bool,
        mode: CallMode,
    ) {
        if mode != CallMode::Normal {
            // A deferred or spawned builtin: its operands outlive the statement.
            for a in args {
                self.expr(&heap(), a);
            }
            return;
        }
        match b {
            Builtin::Append => {
                let Some(s) = args.first() else { return };
                if let Some(Type::Tuple(ts)) = self.ty(s).map(|t| self.pkg.types.get(t)) {
                    // `append(f())`: the slice and the appended values are `f`'s results;
                    // its elements may be copied into a new heap array, the values are
                    // stored into one.
                    let n = ts.len();
                    let mut k = ks.clone();
                    k.extend(shift(&heap(), 1));
                    let mut hs = vec![k];
                    hs.resize_with(n, heap);
                    return self.call(&hs, s, CallMode::Normal);
                }
                let st = self.ty(s);
                let elem = st.and_then(|t| match self.pkg.types.under(t) {
                    Type::Slice(e) => Some(*e),
                    _ => None,
                });
                let elem_ptrs = elem.is_some_and(|t| self.has_pointers(t));
                // The result may be the appendee; when it grows, its elements are copied
                // into a new heap array.
                let mut k = ks.clone();
                if elem_ptrs {
                    k.extend(shift(&heap(), 1));
                }
                self.expr(&k, s);
                if dots {
                    if let Some(x) = args.get(1) {
                        let xs_ptrs = self.ty(x).is_some_and(|t| {
                            matches!(self.pkg.types.under(t), Type::Slice(e) if self.has_pointers(*e))
                        });
                        let k = if xs_ptrs {
                            shift(&heap(), 1)
                        } else {
                            discard()
                        };
                        self.expr(&k, x);
                    }
                } else {
                    for a in &args[1..] {
                        self.expr_to(&heap(), a, elem);
                    }
                }
            }
            Builtin::Copy => {
                if let [dst, src] = args {
                    self.discard(dst);
                    let ptrs = self.ty(src).is_some_and(|t| {
                        matches!(self.pkg.types.under(t), Type::Slice(e) if self.has_pointers(*e))
                    });
                    let k = if ptrs { shift(&heap(), 1) } else { discard() };
                    self.expr(&k, src);
                }
            }
            Builtin::Panic => {
                if let Some(a) = args.first() {
                    self.expr_boxed(&heap(), a, Some(e.pos));
                }
            }
            Builtin::New => {
                let k = self.spill(ks, SiteKind::New, e, e.pos, gc_text_of(e));
                let big = args
                    .first()
                    .and_then(|a| self.ty(a))
                    .and_then(|t| self.size_of(t))
                    .is_none_or(|s| s > MAX_IMPLICIT_STACK_VAR);
                if big {
                    self.set_too_big(&k);
                }
            }
            Builtin::Make => {
                let Some(t) = args.first().and_then(|a| self.ty(a)) else {
                    return;
                };
                match self.pkg.types.under(t).clone() {
                    Type::Slice(elem) => {
                        let k = self.spill(ks, SiteKind::MakeSlice, e, e.pos, gc_text_of(e));
                        let n = args.get(2).or(args.get(1)).and_then(|a| self.const_int(a));
                        let ok = n.is_some_and(|n| {
                            self.size_of(elem)
                                .is_some_and(|s| s == 0 || (n as u64) <= MAX_IMPLICIT_STACK_VAR / s)
                        });
                        if !ok {
                            self.set_too_big(&k);
                        }
                    }
                    Type::Map { .. } => {
                        self.spill(ks, SiteKind::Other, e, e.pos, gc_text_of(e));
                    }
                    _ => {}
                }
                for a in &args[1..] {
                    self.discard(a);
                }
            }
            Builtin::Add | Builtin::Slice => {
                if let Some(p) = args.first() {
                    self.expr(ks, p);
                }
                for a in args.iter().skip(1) {
                    self.discard(a);
                }
            }
            _ => {
                for a in args {
                    self.discard(a);
                }
            }
        }
    }

    /// `go f(x)` and `defer f(x)`: `later` is set when the call may run after the frame or
    /// the current loop iteration is gone (every `go`, a `defer` inside a loop).
    fn go_defer(&mut self, e: &'a Expr, later: bool) {
        let call = strip_paren(e);
        if !matches!(call.kind, ExprKind::Call { .. }) || self.is_conversion(call) {
            let k = if later { heap() } else { discard() };
            return self.expr(&k, call);
        }
        let mode = if later {
            CallMode::Later
        } else {
            CallMode::Normal
        };
        self.call(&[], call, mode);
    }

    // ---- solving ----

    fn solve(&mut self) {
        let mut todo: Vec<LocId> = Vec::new();
        for l in (0..self.locs.len()).rev() {
            todo.push(l);
            self.locs[l].queued = true;
        }
        // The heap first.
        todo.retain(|&l| l != HEAP);
        todo.push(HEAP);
        let mut walkgen = 0;
        while let Some(root) = todo.pop() {
            self.locs[root].queued = false;
            walkgen += 1;
            self.walk_one(root, walkgen, &mut todo);
        }
    }

    /// Least dereference counts from every location to `root`; moves to the heap every
    /// location whose address reaches a root that outlives it.
    fn walk_one(&mut self, root: LocId, walkgen: u32, todo: &mut Vec<LocId>) {
        self.locs[root].walkgen = walkgen;
        self.locs[root].derefs = 0;
        let mut work = vec![root];
        while let Some(l) = work.pop() {
            let mut derefs = self.locs[l].derefs;
            let address_of = derefs < 0;
            if address_of {
                derefs = 0;
            }
            if self.outlives(root, l) {
                if self.locs[l].param.is_some() {
                    self.leak_to(l, root, derefs as u32);
                }
                if address_of && !self.locs[l].escapes {
                    self.locs[l].escapes = true;
                    if !self.locs[l].queued {
                        self.locs[l].queued = true;
                        todo.push(l);
                    }
                    continue;
                }
            }
            for i in 0..self.locs[l].edges.len() {
                let (src, ed) = self.locs[l].edges[i];
                if self.locs[src].escapes {
                    continue;
                }
                let d = derefs + ed;
                if self.locs[src].walkgen != walkgen || self.locs[src].derefs > d {
                    self.locs[src].walkgen = walkgen;
                    self.locs[src].derefs = d;
                    work.push(src);
                }
            }
        }
    }

    /// Whether values stored in `l` may outlive `other` if `other` were in the frame.
    fn outlives(&self, l: LocId, other: LocId) -> bool {
        let (a, b) = (&self.locs[l], &self.locs[other]);
        if a.escapes {
            return true;
        }
        if a.result.is_some() {
            // A literal called on the spot returns into the frame that called it.
            if self.fns[a.func].called && self.contains(b.func, a.func) {
                return false;
            }
            return true;
        }
        if a.func == b.func && a.depth < b.depth {
            return true;
        }
        self.contains(a.func, b.func)
    }

    fn leak_to(&mut self, param: LocId, sink: LocId, derefs: u32) {
        let s = &self.locs[sink];
        if !s.escapes && s.func == self.locs[param].func {
            if let Some(r) = s.result.filter(|&r| r < TAGGED_RESULTS) {
                self.locs[param].leaks.add_result(r, derefs);
                return;
            }
        }
        self.locs[param].leaks.add_heap(derefs);
    }

    // ---- results ----

    /// Parameter tags of the batch's units and the decisions for each.
    /// Parameter tags of the batch's units, the decisions for each, and the `-m` lines
    /// in gc's order: parameters, then variables (by function, in declaration order),
    /// then allocation sites (in evaluation order).
    #[allow(clippy::type_complexity)]
    fn finish(
        self,
    ) -> (
        HashMap<ObjId, Vec<Leaks>>,
        HashMap<ObjId, Decisions>,
        Vec<(ObjId, Pos, String)>,
    ) {
        let mut tags = HashMap::new();
        let mut lines = Vec::new();
        let mut dec: HashMap<ObjId, Decisions> = HashMap::new();
        for &u in &self.members {
            dec.insert(self.units[u].obj, Decisions::default());
        }
        for f in &self.fns {
            let uobj = self.units[f.unit].obj;
            let mut ftags = Vec::new();
            for (i, p) in f.params.iter().enumerate() {
                let ty = f
                    .param_types
                    .get(i)
                    .copied()
                    .unwrap_or(rgo_types::basic::INVALID);
                let ptrs = ty == rgo_types::basic::INVALID || self.has_pointers(ty);
                let (Some(l), true) = (*p, ptrs) else {
                    ftags.push(Leaks::default());
                    continue;
                };
                let mut leaks = self.locs[l].leaks.clone();
                leaks.optimize();
                if let (false, Some((pos, name))) = (self.locs[l].escapes, &f.param_names[i]) {
                    let mut say = |m: String| lines.push((uobj, *pos, m));
                    if leaks.is_empty() {
                        say(format!("{name} does not escape"));
                    }
                    match leaks.heap {
                        Some(0) => say(format!("leaking param: {name}")),
                        Some(_) => say(format!("leaking param content: {name}")),
                        None => {}
                    }
                    for (r, x) in leaks.results.iter().enumerate() {
                        if let Some(x) = x {
                            let rn = f.result_names.get(r).cloned().unwrap_or_default();
                            say(format!("leaking param: {name} to result {rn} level={x}"));
                        }
                    }
                }
                ftags.push(leaks);
            }
            if f.parent.is_none() {
                tags.insert(uobj, ftags);
            }
        }
        for &(u, o) in &self.byval {
            if let Some(d) = dec.get_mut(&self.units[u].obj) {
                d.byval.insert(o);
            }
        }
        let mut vars: Vec<&Loc> = self
            .locs
            .iter()
            .filter(|l| matches!(l.kind, LocKind::Var(_)))
            .collect();
        vars.sort_by_key(|l| l.func);
        for l in vars {
            let LocKind::Var(o) = l.kind else { continue };
            let uobj = self.units[self.fns[l.func].unit].obj;
            let Some(d) = dec.get_mut(&uobj) else {
                continue;
            };
            d.known_vars.insert(o);
            if l.escapes {
                d.heap_vars.insert(o);
                let ob = self.pkg.obj(o);
                lines.push((uobj, ob.pos, format!("moved to heap: {}", ob.name)));
            }
        }
        for l in &self.locs {
            let LocKind::Site {
                key,
                kind,
                pos,
                text,
                ..
            } = &l.kind
            else {
                continue;
            };
            let uobj = self.units[self.fns[l.func].unit].obj;
            let Some(d) = dec.get_mut(&uobj) else {
                continue;
            };
            if l.escapes {
                lines.push((uobj, *pos, format!("{text} escapes to heap")));
            } else {
                lines.push((uobj, *pos, format!("{text} does not escape")));
                if *kind != SiteKind::Other {
                    d.stack_sites.insert(*key);
                }
            }
        }
        (tags, dec, lines)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum CallMode {
    Normal,
    /// The call runs later than the statement (`go`, `defer` in a loop).
    Later,
}

fn strip_paren(e: &Expr) -> &Expr {
    match &e.kind {
        ExprKind::Paren(x) => strip_paren(x),
        _ => e,
    }
}

/// The length of a slice literal: one past the largest index.
fn composite_len(b: &Batch<'_, '_, '_>, elems: &[Expr]) -> u64 {
    let mut next = 0u64;
    let mut max = 0u64;
    for el in elems {
        if let ExprKind::KeyValue(k, _) = &el.kind {
            next = b.const_int(k).unwrap_or(0) as u64;
        }
        next += 1;
        max = max.max(next);
    }
    max
}

/// Whether `t` mentions a type parameter (each type visited once: recursive types through
/// pointers would make a depth-bounded walk exponential).
pub(crate) fn mentions_type_param(
    tt: &rgo_types::TypeTable,
    t: TypeId,
    seen: &mut HashSet<TypeId>,
) -> bool {
    if !seen.insert(t) {
        return false;
    }
    match tt.get(t) {
        Type::TypeParam(_) => true,
        Type::Basic(_) => false,
        Type::Named(_) => {
            let n = tt.named(t);
            n.targs.iter().any(|&a| mentions_type_param(tt, a, seen))
                || mentions_type_param(tt, n.underlying, seen)
        }
        Type::Pointer(e) | Type::Slice(e) => mentions_type_param(tt, *e, seen),
        Type::Array { elem, .. } | Type::Chan { elem, .. } => mentions_type_param(tt, *elem, seen),
        Type::Map { key, value } => {
            mentions_type_param(tt, *key, seen) || mentions_type_param(tt, *value, seen)
        }
        Type::Struct(fs) => fs.iter().any(|f| mentions_type_param(tt, f.typ, seen)),
        Type::Signature(s) => s
            .params
            .iter()
            .chain(&s.results)
            .any(|&x| mentions_type_param(tt, x, seen)),
        Type::Tuple(ts) => ts.iter().any(|&x| mentions_type_param(tt, x, seen)),
        Type::Interface(_) => false,
    }
}

fn has_pointers(tt: &rgo_types::TypeTable, t: TypeId, depth: usize) -> bool {
    if depth > 50 {
        return true;
    }
    match tt.get(t) {
        Type::TypeParam(_) => true,
        Type::Named(_) => has_pointers(tt, tt.underlying(t), depth + 1),
        Type::Basic(k) => matches!(
            k,
            BasicKind::String
                | BasicKind::UnsafePointer
                | BasicKind::UntypedString
                | BasicKind::UntypedNil
        ),
        Type::Pointer(_)
        | Type::Slice(_)
        | Type::Map { .. }
        | Type::Chan { .. }
        | Type::Signature(_)
        | Type::Interface(_) => true,
        Type::Array { len, elem } => *len > 0 && has_pointers(tt, *elem, depth + 1),
        Type::Struct(fs) => fs.iter().any(|f| has_pointers(tt, f.typ, depth + 1)),
        Type::Tuple(ts) => ts.iter().any(|&e| has_pointers(tt, e, depth + 1)),
    }
}

/// Labels of `stmts` (not inside literals) that a later `goto` jumps back to: they start
/// loops as `for` does.
fn looping_labels(stmts: &[Stmt]) -> HashSet<String> {
    fn scan(ss: &[Stmt], labels: &mut Vec<(String, Pos)>, gotos: &mut Vec<(String, Pos)>) {
        for s in ss {
            scan_one(s, labels, gotos);
        }
    }
    fn scan_one(s: &Stmt, labels: &mut Vec<(String, Pos)>, gotos: &mut Vec<(String, Pos)>) {
        match &s.kind {
            StmtKind::Labeled { label, stmt } => {
                labels.push((label.name.clone(), s.pos));
                scan_one(stmt, labels, gotos);
            }
            StmtKind::Branch {
                kind: BranchKind::Goto,
                label: Some(l),
            } => gotos.push((l.name.clone(), s.pos)),
            StmtKind::Block(b) => scan(&b.stmts, labels, gotos),
            StmtKind::If { then, els, .. } => {
                scan(&then.stmts, labels, gotos);
                if let Some(e) = els {
                    scan_one(e, labels, gotos);
                }
            }
            StmtKind::Switch { clauses, .. } | StmtKind::TypeSwitch { clauses, .. } => {
                for c in clauses {
                    scan(&c.body, labels, gotos);
                }
            }
            StmtKind::Select { clauses, .. } => {
                for c in clauses {
                    scan(&c.body, labels, gotos);
                }
            }
            StmtKind::For { body, .. } | StmtKind::Range { body, .. } => {
                scan(&body.stmts, labels, gotos)
            }
            _ => {}
        }
    }
    let mut labels = Vec::new();
    let mut gotos = Vec::new();
    scan(stmts, &mut labels, &mut gotos);
    labels
        .into_iter()
        .filter(|(n, p)| gotos.iter().any(|(g, gp)| g == n && gp > p))
        .map(|(n, _)| n)
        .collect()
}

/// An expression as gc's messages print it.
fn gc_text(e: &Expr) -> String {
    gc_text_of(e)
}

/// rgo's printer, adjusted to gc's spelling: `{...}` for literal bodies, `interface {}`,
/// and conversions to composite types parenthesised (`([]byte)(s)`).
fn gc_text_of(e: &Expr) -> String {
    let fix = |s: String| {
        s.replace('\u{2026}', "...")
            .replace("interface{", "interface {")
    };
    if let ExprKind::Call { fun, args, .. } = &e.kind {
        let composite_type = matches!(
            strip_paren(fun).kind,
            ExprKind::ArrayType { .. }
                | ExprKind::SliceType(_)
                | ExprKind::MapType(..)
                | ExprKind::ChanType(..)
                | ExprKind::FuncType(_)
                | ExprKind::InterfaceType(_)
                | ExprKind::Star(_)
        );
        if composite_type && args.len() == 1 {
            // gc turns a constant string converted to runes into a literal.
            let t = rgo_syntax::printer::expr_string(strip_paren(fun));
            if t == "[]rune" && matches!(args[0].kind, ExprKind::BasicLit { .. }) {
                return "[]rune{...}".into();
            }
            let t = rgo_syntax::printer::expr_string(strip_paren(fun));
            let a = rgo_syntax::printer::expr_string(&args[0]);
            return fix(format!("({t})({a})"));
        }
    }
    fix(rgo_syntax::printer::expr_string(e))
}

/// Where gc's statements start: the leftmost token of `e`.
fn start_pos(e: &Expr) -> Pos {
    match &e.kind {
        ExprKind::Selector(x, _)
        | ExprKind::Index(x, _)
        | ExprKind::Slice { x, .. }
        | ExprKind::TypeAssert { x, .. } => start_pos(x),
        ExprKind::Call { fun, .. } => start_pos(fun),
        ExprKind::Binary(_, x, _) => start_pos(x),
        ExprKind::KeyValue(k, _) => start_pos(k),
        _ => e.pos,
    }
}
