//! Lowering of one Go function body to Cranelift IR.
//!
//! Where a variable lives is decided before lowering (escape.rs, escape/flow.rs): in SSA
//! variables (one per scalar part; Cranelift's frontend builds the SSA form), in a stack
//! slot (structs and arrays, and variables whose address is taken or that a closure
//! captures by reference, when escape analysis proves the address does not outlive the
//! frame), or in a heap cell (when it may). Control flow maps onto blocks: every Go
//! statement that transfers control (return, break, continue, goto, a panic) ends the
//! current block and lowering continues in a fresh, unreachable block, so statements after
//! it need no special casing.
//!
//! Function literals are lowered as functions of their own after their enclosing function;
//! a closure value is an object `{code, captures...}` (each captured variable's address,
//! or its value when captured by value), in the heap or, when it does not escape, in the
//! frame, passed as the callee's context argument. A top-level function used as a value is a static
//! object `{code}`.

use std::collections::{HashMap, HashSet};

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::types::{self, F32, F64, I64};
use cranelift_codegen::ir::{
    AbiParam, Block, FuncRef, GlobalValueData, InstBuilder, MemFlagsData, Signature, StackSlotData,
    StackSlotKind, TrapCode, UserFuncName, Value,
};
use cranelift_codegen::isa::CallConv;
use cranelift_codegen::Context;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};
use cranelift_module::{FuncId, Module};
use num_bigint::BigInt;
use num_traits::ToPrimitive;
use rgo_abi::entry as rt;
use rgo_syntax::ast::{self, Expr, ExprKind};
use rgo_syntax::Pos;
use rgo_types::{BasicKind, ObjId, ObjKind, Type, TypeId};

use crate::layout::{default_kind, is_mem, layout, parts, Part};
use crate::{CgError, Ctx};

mod barrier;
mod call;
pub(crate) mod conc;
pub(crate) mod escape;
mod expr;
mod finalizer;
mod iface;
mod maps;
pub(crate) mod methval;
pub(crate) mod native;
pub(crate) mod pcln;
mod stmt;

type R<T> = Result<T, CgError>;

/// A Go value: its parts (see layout.rs); a memory-typed value is one address.
type Val = Vec<Value>;

/// Where a break or continue goes.
struct Target {
    label: Option<String>,
    brk: Block,
    /// `None` for switch and select (no continue).
    cont: Option<Block>,
}

/// Where a local variable lives.
#[derive(Clone)]
enum Storage {
    /// One SSA variable per part of a register-typed value.
    Ssa(Vec<Variable>),
    /// Memory (a stack slot or heap cell) whose address the variable holds.
    Mem(Variable),
}

/// What is being lowered: a declared function or a function literal.
pub(crate) enum Body<'a> {
    Decl(&'a ast::FuncDecl),
    /// A function literal and the variables it captures.
    Lit(&'a Expr, &'a [ObjId]),
}

pub(crate) struct FnLower<'a, 'c, 'f, M: Module> {
    cx: &'c mut Ctx<'a, M>,
    b: FunctionBuilder<'f>,
    file: usize,
    g: Value,
    /// The closure context argument (0 for direct calls of top-level functions).
    closure: Value,
    locals: HashMap<ObjId, Storage>,
    /// Variables that must live in heap cells.
    heap: HashSet<ObjId>,
    /// Variables that need memory (address taken, or captured by reference): a heap cell
    /// if in `heap`, else a stack slot.
    mem: HashSet<ObjId>,
    /// Captured variables that closures hold by value (copies in the closure record).
    byval: HashSet<ObjId>,
    /// Allocation sites (`new`, `&T{}`, `make`, literals, closures, variadic slices) whose
    /// memory may be in the frame: escape analysis proved it does not outlive the frame
    /// (nor, inside a loop, the iteration).
    stack_sites: HashSet<ast::NodeId>,
    /// Variables captured by each function literal of the enclosing declaration.
    captures: HashMap<ast::NodeId, Vec<ObjId>>,
    /// Variables of the named results, or `None` for unnamed results.
    named_results: Option<Vec<ObjId>>,
    result_types: Vec<TypeId>,
    /// Where memory-typed results are written (one per such result, in order).
    result_ptrs: Vec<Value>,
    targets: Vec<Target>,
    labels: HashMap<String, Block>,
    funcrefs: HashMap<FuncId, FuncRef>,
    /// Set while lowering a clause body reached by `fallthrough`: the next clause's body.
    fallthrough: Option<Block>,
    /// The function contains `defer` statements: returns run the deferred calls.
    has_defer: bool,
    /// In a function that defers: the landing pad every call's exceptional edge leads to
    /// (see rgo-runtime's defer.rs). `None` elsewhere and while emitting the pad itself.
    landing: Option<Block>,
}

/// What a call goes to.
#[derive(Clone, Copy)]
pub(super) enum Callee {
    Direct(FuncRef),
    Indirect(cranelift_codegen::ir::SigRef, Value),
}

/// Where the variables of a function (and its literals) live, from the escape analysis'
/// decisions: `(heap, mem, byval)`. `byval` are the captured variables literals copy into
/// their closures; `mem` those that need an address (taken, or captured by reference),
/// in a heap cell when in `heap`, else in a stack slot. Without decisions (package-level
/// initialisers) every captured or address-taken variable is in the heap.
fn var_homes(
    info: &escape::FuncInfo<'_>,
    dec: Option<&escape::flow::Decisions>,
) -> (HashSet<ObjId>, HashSet<ObjId>, HashSet<ObjId>) {
    let byval: HashSet<ObjId> = dec
        .map(|d| d.byval.difference(&info.addressed).copied().collect())
        .unwrap_or_default();
    let mut mem = info.addressed.clone();
    mem.extend(info.captured.difference(&byval).copied());
    let Some(d) = dec else {
        return (mem.clone(), mem, byval);
    };
    // A variable the analysis did not model stays in the heap.
    let mut heap: HashSet<ObjId> = mem
        .iter()
        .copied()
        .filter(|o| !d.known_vars.contains(o))
        .collect();
    heap.extend(d.heap_vars.iter().copied());
    (heap, mem, byval)
}

/// Whether a function body (not counting nested function literals) contains `defer`.
fn contains_defer(stmts: &[ast::Stmt]) -> bool {
    use ast::StmtKind as S;
    stmts.iter().any(|s| match &s.kind {
        S::Defer(_) => true,
        S::Labeled { stmt, .. } => contains_defer(std::slice::from_ref(stmt)),
        S::Block(b) => contains_defer(&b.stmts),
        S::If { then, els, .. } => {
            contains_defer(&then.stmts)
                || els
                    .as_ref()
                    .is_some_and(|e| contains_defer(std::slice::from_ref(e)))
        }
        S::Switch { clauses, .. } | S::TypeSwitch { clauses, .. } => {
            clauses.iter().any(|c| contains_defer(&c.body))
        }
        S::Select { clauses, .. } => clauses.iter().any(|c| contains_defer(&c.body)),
        S::For { body, .. } | S::Range { body, .. } => contains_defer(&body.stmts),
        _ => false,
    })
}

fn trusted() -> MemFlagsData {
    MemFlagsData::trusted()
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn lower_function<M: Module>(
    cx: &mut Ctx<'_, M>,
    ctx: &mut Context,
    fctx: &mut FunctionBuilderContext,
    file: usize,
    body: Body<'_>,
    id: FuncId,
    info: &escape::FuncInfo<'_>,
    dec: Option<&escape::flow::Decisions>,
) -> R<()> {
    // The signature type, receiver, parameter/result fields and statements of the body.
    let (sig_ty, recv_ty, recv_field, sig, block) = match body {
        Body::Decl(decl) => {
            let obj = cx.info.defs.get(&decl.name.id).copied();
            let obj = obj.ok_or_else(|| CgError {
                file,
                pos: decl.pos,
                msg: "internal compiler error: function without object".into(),
            })?;
            let recv = match cx.pkg.obj(obj).kind {
                ObjKind::Func { recv } => recv,
                _ => None,
            };
            let Some(block) = &decl.body else {
                return Err(CgError {
                    file,
                    pos: decl.pos,
                    msg: format!("missing function body for {}", decl.name.name),
                });
            };
            let sig_ty = cx.pkg.obj(obj).typ;
            (sig_ty, recv, decl.recv.as_ref(), &decl.sig, block)
        }
        Body::Lit(e, _) => {
            let ExprKind::FuncLit { sig, body } = &e.kind else {
                unreachable!("Body::Lit holds a function literal");
            };
            let sig_ty = cx
                .tv(e.id)
                .map(|tv| tv.typ)
                .unwrap_or(rgo_types::basic::INVALID);
            (sig_ty, None, None, sig, body)
        }
    };
    ctx.func.signature = cx.go_signature(sig_ty, recv_ty);
    ctx.func.name = UserFuncName::user(0, id.as_u32());
    let mut b = FunctionBuilder::new(&mut ctx.func, fctx);
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    let params: Vec<Value> = b.block_params(entry).to_vec();
    let (g, closure) = (params[0], params[1]);
    install_stack_limit(&mut b);

    let (param_types, result_types) = match cx.pkg.types.get(sig_ty) {
        Type::Signature(s) => (s.params.clone(), s.results.clone()),
        _ => (vec![], vec![]),
    };
    let (heap, mem, byval) = var_homes(info, dec);
    let mut f = FnLower {
        cx,
        b,
        file,
        g,
        closure,
        locals: HashMap::new(),
        heap,
        mem,
        byval,
        stack_sites: dec.map(|d| d.stack_sites.clone()).unwrap_or_default(),
        captures: info.captures.clone(),
        named_results: None,
        result_types: result_types.clone(),
        result_ptrs: Vec::new(),
        targets: Vec::new(),
        labels: HashMap::new(),
        funcrefs: HashMap::new(),
        fallthrough: None,
        has_defer: contains_defer(&block.stmts),
        landing: None,
    };
    if f.has_defer {
        let pad = f.b.create_block();
        f.b.set_cold_block(pad);
        f.landing = Some(pad);
        f.cx.deferring.insert(id);
    }
    f.poll();

    let mut next = 2;
    for &r in &result_types {
        if is_mem(f.types(), r) {
            f.result_ptrs.push(params[next]);
            next += 1;
        }
    }
    // Captured variables follow the code pointer in the closure: the addresses of those
    // captured by reference, the values of those captured by value (read in place).
    if let Body::Lit(_, caps) = body {
        for (&o, (off, byval)) in caps.iter().zip(f.capture_layout(caps).0) {
            let addr = if byval {
                f.b.ins().iadd_imm_s(closure, off as i64)
            } else {
                f.b.ins().load(I64, trusted(), closure, off as i32)
            };
            let var = f.b.declare_var(I64);
            f.b.def_var(var, addr);
            f.locals.insert(o, Storage::Mem(var));
        }
    }
    // Bind the receiver and parameters, in order.
    let mut fields: Vec<&ast::Field> = Vec::new();
    fields.extend(recv_field);
    fields.extend(sig.params.iter());
    let all_types: Vec<TypeId> = recv_ty.into_iter().chain(param_types).collect();
    let mut ti = 0;
    for field in fields {
        for k in 0..field.names.len().max(1) {
            let ty = all_types
                .get(ti)
                .copied()
                .unwrap_or(rgo_types::basic::INVALID);
            ti += 1;
            let n = parts(f.types(), ty).len();
            let vals = params[next..next + n].to_vec();
            next += n;
            if let Some(id) = field.names.get(k) {
                if let Some(&o) = f.cx.info.defs.get(&id.id) {
                    // A memory-typed parameter arrives as a copy this function owns.
                    f.declare_local_owned(o, ty, vals);
                }
            }
        }
    }
    if sig.results.iter().any(|r| !r.names.is_empty()) {
        let mut objs = Vec::new();
        for r in &sig.results {
            for n in &r.names {
                let o = f.cx.info.defs.get(&n.id).copied();
                let o = o.ok_or_else(|| f.err(n.pos, "unresolved result"))?;
                let ty = f.cx.pkg.obj(o).typ;
                f.declare_local(o, ty, None);
                objs.push(o);
            }
        }
        f.named_results = Some(objs);
    }

    f.block(&block.stmts)?;
    if !f.is_terminated() {
        f.set_pos(block.rbrace);
        if f.result_types.is_empty() || f.named_results.is_some() {
            f.ret(vec![])?;
        } else {
            f.b.ins().trap(TrapCode::unwrap_user(1));
        }
    }
    // The landing pad of a recovered panic: run the remaining deferred calls, then return
    // the named results (or zero values) as a normal return.
    if let Some(pad) = f.landing.take() {
        f.b.switch_to_block(pad);
        let vals = if f.named_results.is_some() {
            vec![]
        } else {
            let mut z = Vec::new();
            for t in f.result_types.clone() {
                z.extend(f.zero_value(t));
            }
            z
        };
        f.ret(vals)?;
    }
    f.finish();
    Ok(())
}

/// The program entry `rgo.main(g)`: package variable initialisers in the checker's order,
/// then `init` functions in source order, then `main.main`.
pub(crate) fn lower_entry<M: Module>(
    cx: &mut Ctx<'_, M>,
    ctx: &mut Context,
    fctx: &mut FunctionBuilderContext,
    init_funcs: &[FuncId],
    main: FuncId,
    unwind: Option<(cranelift_module::DataId, usize)>,
    functab: Option<(cranelift_module::DataId, usize)>,
) -> R<FuncId> {
    let caller = conc::lower_string_method_caller(cx, ctx, fctx)?;
    let mut sig = Signature::new(CallConv::SystemV);
    sig.params.push(AbiParam::new(I64));
    let id = cx
        .module
        .declare_function(crate::ENTRY_SYMBOL, cranelift_module::Linkage::Export, &sig)
        .map_err(|e| CgError {
            file: 0,
            pos: Pos(0),
            msg: e.to_string(),
        })?;
    ctx.func.signature = sig;
    ctx.func.name = UserFuncName::user(0, id.as_u32());
    let mut b = FunctionBuilder::new(&mut ctx.func, fctx);
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    let g = b.block_params(entry)[0];
    let closure = b.ins().iconst(I64, 0);
    let mut f = FnLower::bare(cx, b, g, closure);
    if let Some(table) = functab {
        crate::func::pcln::register_functab(&mut f, table)?;
    }
    if let Some((table, n)) = unwind {
        let gv = f.cx.module.declare_data_in_func(table, f.b.func);
        let addr = f.b.ins().symbol_value(I64, gv);
        let n = f.b.ins().iconst(I64, n as i64);
        f.call_rt(rt::REGISTER_UNWIND, &[g, addr, n])?;
    }
    let cref = f.cx.module.declare_func_in_func(caller, f.b.func);
    let caddr = f.b.ins().func_addr(I64, cref);
    f.call_rt(rt::REGISTER_METHOD_CALLER, &[g, caddr])?;
    f.register_globals()?;
    let inits = f.cx.info.init_order.clone();
    for init in &inits {
        let Some((file, expr)) = f.cx.init_exprs.get(&init.rhs).copied() else {
            continue;
        };
        f.file = file;
        if init.lhs.len() == 1 {
            let ty = f.cx.pkg.obj(init.lhs[0]).typ;
            let v = f.expr_as(expr, ty)?;
            f.store_global(init.lhs[0], v)?;
        } else {
            // `var a, b T = f()`: split the tuple, converting each element to its variable.
            let tt = f.type_of(expr)?;
            let elems = match f.types().get(tt) {
                Type::Tuple(es) => es.clone(),
                _ => return Err(f.err(expr.pos, "internal compiler error: not a tuple")),
            };
            let v = f.expr(expr)?;
            let mut off = 0;
            for (&o, &et) in init.lhs.iter().zip(&elems) {
                let n = parts(f.types(), et).len();
                let part = v[off..off + n].to_vec();
                off += n;
                let ty = f.cx.pkg.obj(o).typ;
                let part = f.convert_value(part, et, ty, expr.pos)?;
                f.store_global(o, part)?;
            }
        }
    }
    for &fid in init_funcs.iter().chain(std::iter::once(&main)) {
        let r = f.func_ref(fid);
        let (g, zero) = (f.g, f.closure);
        f.b.ins().call(r, &[g, zero]);
    }
    f.b.ins().return_(&[]);
    let cx = f.finish();
    cx.module.define_function(id, ctx).map_err(|e| CgError {
        file: 0,
        pos: Pos(0),
        msg: format!("internal compiler error: {e:?}"),
    })?;
    Ok(id)
}

/// Starts a generated function with the Go convention for signature `sig_ty` (plus `recv`
/// as the receiver parameter): wrappers that adapt one calling shape to another. Returns
/// the lowering context, the entry block's parameters and the number of result pointers
/// among them (they follow `g` and the closure context).
pub(crate) fn begin_wrapper<'a, 'c, 'f, M: Module>(
    cx: &'c mut Ctx<'a, M>,
    ctx: &'f mut Context,
    fctx: &'f mut FunctionBuilderContext,
    id: FuncId,
    sig_ty: TypeId,
    recv: Option<TypeId>,
) -> (FnLower<'a, 'c, 'f, M>, Vec<Value>, usize) {
    ctx.func.signature = cx.go_signature(sig_ty, recv);
    ctx.func.name = UserFuncName::user(0, id.as_u32());
    let mut b = FunctionBuilder::new(&mut ctx.func, fctx);
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    let params: Vec<Value> = b.block_params(entry).to_vec();
    let f = FnLower::bare(cx, b, params[0], params[1]);
    let n_sret = match f.types().under(sig_ty) {
        Type::Signature(s) => s.results.iter().filter(|&&r| f.is_mem(r)).count(),
        _ => 0,
    };
    (f, params, n_sret)
}

/// The wrapper of a value-receiver method that takes the receiver by pointer (as an
/// interface's data word holds it): loads the value and calls the method. A nil pointer
/// (a nil `*T` in an interface) panics as gc's wrappers do (`rgo_abi::entry::PANIC_WRAP`).
pub(crate) fn lower_deref_wrapper<M: Module>(
    cx: &mut Ctx<'_, M>,
    ctx: &mut Context,
    fctx: &mut FunctionBuilderContext,
    method: ObjId,
    id: FuncId,
) -> R<()> {
    let sig_ty = cx.pkg.obj(method).typ;
    let recv_ty = match cx.pkg.obj(method).kind {
        ObjKind::Func { recv: Some(r) } => r,
        _ => rgo_types::basic::INVALID,
    };
    let target = cx.funcs[&method];
    let (mut f, params, n_sret) = begin_wrapper(
        cx,
        ctx,
        fctx,
        id,
        sig_ty,
        Some(rgo_types::basic::UNSAFE_POINTER),
    );
    let p = params[2 + n_sret];
    // Through a nil *T: gc's panicwrap text.
    let pkg = f.cx.pkg;
    let tname = crate::typedesc::type_string(pkg, recv_ty);
    let tpkg = match pkg.types.get(recv_ty) {
        Type::Named(_) => pkg.obj(pkg.types.named(recv_ty).obj).pkg.as_str(),
        _ => "",
    };
    let mut short = tname
        .strip_prefix(tpkg)
        .and_then(|s| s.strip_prefix('.'))
        .unwrap_or(&tname)
        .to_string();
    // gc's wrappers of generic types' methods are shared by shape: `G[...]`.
    if let Some(at) = short.find('[') {
        short.replace_range(at.., "[...]");
    }
    let mname = &pkg.obj(method).name;
    let msg = format!("value method {tpkg}.{short}.{mname} called using nil *{short} pointer");
    let msg = f.string_const(msg.as_bytes())?;
    let is_nil = f.b.ins().icmp_imm_s(IntCC::Equal, p, 0);
    f.panic_if(is_nil, rt::PANIC_WRAP, &msg)?;
    let v = f.load_value(p, recv_ty);
    let v = f.stable_copy(recv_ty, v);
    let mut args = params[..2 + n_sret].to_vec();
    args.extend(v);
    args.extend_from_slice(&params[3 + n_sret..]);
    let r = f.func_ref(target);
    let inst = f.b.ins().call(r, &args);
    let rets = f.b.inst_results(inst).to_vec();
    f.b.ins().return_(&rets);
    f.finish();
    Ok(())
}

/// Makes the prologue compare SP against `g.stackguard` (Cranelift traps with
/// `STACK_OVERFLOW` below it; the runtime's signal handler reports the overflow).
fn install_stack_limit(b: &mut FunctionBuilder<'_>) {
    let vmctx = b.create_global_value(GlobalValueData::VMContext);
    let flags = b
        .func
        .dfg
        .mem_flags
        .insert_unchecked(trusted().with_readonly());
    let limit = b.create_global_value(GlobalValueData::Load {
        base: vmctx,
        offset: rgo_abi::g::STACKGUARD.into(),
        global_type: I64,
        flags,
    });
    b.func.stack_limit = Some(limit);
}

fn int_bits(v: &BigInt) -> i64 {
    if let Some(x) = v.to_i64() {
        return x;
    }
    if let Some(x) = v.to_u64() {
        return x as i64;
    }
    let m: BigInt = BigInt::from(1u8) << 64;
    let r = ((v % &m) + &m) % &m;
    r.to_u64().unwrap_or(0) as i64
}

fn rat_f64(r: &num_rational::BigRational) -> f64 {
    rgo_types::constant::rat_to_f64(r)
}

impl<'a, 'c, 'f, M: Module> FnLower<'a, 'c, 'f, M> {
    /// A lowering context for generated code that has no Go body of its own (the program
    /// entry, thunks).
    pub(super) fn bare(
        cx: &'c mut Ctx<'a, M>,
        b: FunctionBuilder<'f>,
        g: Value,
        closure: Value,
    ) -> Self {
        FnLower {
            cx,
            b,
            file: 0,
            g,
            closure,
            locals: HashMap::new(),
            heap: HashSet::new(),
            mem: HashSet::new(),
            byval: HashSet::new(),
            stack_sites: HashSet::new(),
            captures: HashMap::new(),
            named_results: None,
            result_types: vec![],
            result_ptrs: vec![],
            targets: Vec::new(),
            labels: HashMap::new(),
            funcrefs: HashMap::new(),
            fallthrough: None,
            has_defer: false,
            landing: None,
        }
    }

    /// Where each captured variable sits in a closure record `{code, captures...}`:
    /// `(offset, by value)`, and the record's size. A variable captured by reference takes
    /// one word (its address), one captured by value its size rounded up to words.
    pub(super) fn capture_layout(&self, caps: &[ObjId]) -> (Vec<(u64, bool)>, u64) {
        let mut off = 8;
        let mut out = Vec::new();
        for o in caps {
            let byval = self.byval.contains(o);
            out.push((off, byval));
            off += if byval {
                layout(self.types(), self.cx.pkg.obj(*o).typ)
                    .size
                    .next_multiple_of(8)
            } else {
                8
            };
        }
        (out, off)
    }

    /// Seals and finalizes the function being built; gives back the codegen context.
    pub(super) fn finish(mut self) -> &'c mut Ctx<'a, M> {
        self.b.seal_all_blocks();
        let cfg = self.cx.module.target_config();
        self.b.finalize(cfg);
        self.cx
    }

    pub(super) fn err(&self, pos: Pos, msg: impl Into<String>) -> CgError {
        CgError {
            file: self.file,
            pos,
            msg: msg.into(),
        }
    }

    pub(super) fn unsupported(&self, pos: Pos, what: &str) -> CgError {
        self.err(pos, format!("rgo: {what} is not supported yet"))
    }

    pub(super) fn types(&self) -> &'a rgo_types::TypeTable {
        &self.cx.pkg.types
    }

    pub(super) fn type_of(&self, e: &Expr) -> R<TypeId> {
        self.cx
            .tv(e.id)
            .map(|tv| tv.typ)
            .ok_or_else(|| self.err(e.pos, "internal compiler error: expression has no type"))
    }

    pub(super) fn kind_of(&self, ty: TypeId) -> Option<BasicKind> {
        self.types().basic_kind(ty).map(default_kind)
    }

    pub(super) fn is_mem(&self, ty: TypeId) -> bool {
        is_mem(self.types(), ty)
    }

    pub(super) fn is_terminated(&self) -> bool {
        match self.b.current_block() {
            None => true,
            Some(blk) => self
                .b
                .func
                .layout
                .last_inst(blk)
                .is_some_and(|i| self.b.func.dfg.insts[i].opcode().is_terminator()),
        }
    }

    /// After a terminator: continue in a fresh block that nothing jumps to.
    pub(super) fn start_dead_block(&mut self) {
        let blk = self.b.create_block();
        self.b.switch_to_block(blk);
    }

    pub(super) fn jump(&mut self, to: Block) {
        if !self.is_terminated() {
            self.b.ins().jump(to, &[]);
        }
    }

    pub(super) fn func_ref(&mut self, id: FuncId) -> FuncRef {
        if let Some(&r) = self.funcrefs.get(&id) {
            return r;
        }
        let r = self.cx.module.declare_func_in_func(id, self.b.func);
        self.funcrefs.insert(id, r);
        r
    }

    pub(super) fn call_rt(&mut self, name: &'static str, args: &[Value]) -> R<Option<Value>> {
        let results = if self.landing.is_some() {
            // A panic raised inside must be able to reach the landing pad: call through a
            // `tail`-convention trampoline, whose exceptional edge clobbers every register.
            let id = self
                .cx
                .rt_trampoline(name)
                .map_err(|e| self.err(Pos(0), e))?;
            let r = self.func_ref(id);
            let mut all = vec![self.g];
            all.extend_from_slice(args);
            self.emit_call(Callee::Direct(r), &all)
        } else {
            let id = self.cx.rt_func(name).map_err(|e| self.err(Pos(0), e))?;
            let r = self.func_ref(id);
            let inst = self.b.ins().call(r, args);
            self.b.inst_results(inst).to_vec()
        };
        if crate::rt::is_noreturn(name) {
            self.b.ins().trap(TrapCode::unwrap_user(2));
            self.start_dead_block();
            return Ok(None);
        }
        Ok(results.first().copied())
    }

    /// Emits a call; in a function that defers, a `try_call` whose exceptional edge goes
    /// to the landing pad. Returns the call's results.
    pub(super) fn emit_call(&mut self, callee: Callee, args: &[Value]) -> Vec<Value> {
        let Some(pad) = self.landing else {
            let inst = match callee {
                Callee::Direct(r) => self.b.ins().call(r, args),
                Callee::Indirect(sig, code) => self.b.ins().call_indirect(sig, code, args),
            };
            return self.b.inst_results(inst).to_vec();
        };
        use cranelift_codegen::ir::{BlockArg, ExceptionTableData, ExceptionTableItem};
        let sig = match callee {
            Callee::Direct(r) => self.b.func.dfg.ext_funcs[r].signature,
            Callee::Indirect(sig, _) => sig,
        };
        let ret_types: Vec<types::Type> = self.b.func.dfg.signatures[sig]
            .returns
            .iter()
            .map(|p| p.value_type)
            .collect();
        let normal = self.b.create_block();
        for &t in &ret_types {
            self.b.append_block_param(normal, t);
        }
        let rets: Vec<BlockArg> = (0..ret_types.len() as u32)
            .map(BlockArg::TryCallRet)
            .collect();
        let normal_call = self.b.func.dfg.block_call(normal, &rets);
        let pad_call = self.b.func.dfg.block_call(pad, &[]);
        let table =
            ExceptionTableData::new(sig, normal_call, [ExceptionTableItem::Default(pad_call)]);
        let et = self.b.func.dfg.exception_tables.push(table);
        match callee {
            Callee::Direct(r) => self.b.ins().try_call(r, args, et),
            Callee::Indirect(_, code) => self.b.ins().try_call_indirect(code, args, et),
        };
        self.b.switch_to_block(normal);
        self.b.block_params(normal).to_vec()
    }

    /// Branches to a cold block that calls the no-return runtime function `name` when
    /// `cond` is true.
    pub(super) fn panic_if(&mut self, cond: Value, name: &'static str, args: &[Value]) -> R<()> {
        let fail = self.b.create_block();
        let ok = self.b.create_block();
        self.b.set_cold_block(fail);
        self.b.ins().brif(cond, fail, &[], ok, &[]);
        self.b.switch_to_block(fail);
        let mut all = vec![self.g];
        all.extend_from_slice(args);
        self.call_rt(name, &all)?;
        self.b.switch_to_block(ok);
        Ok(())
    }

    /// Panics with a nil dereference when `p` is 0.
    pub(super) fn nil_check(&mut self, p: Value) -> R<()> {
        let is_nil = self.b.ins().icmp_imm_s(IntCC::Equal, p, 0);
        self.panic_if(is_nil, rt::PANIC_NIL, &[])
    }

    /// The preemption poll: a load of `g.preempt` and a branch to a cold runtime call.
    pub(super) fn poll(&mut self) {
        let flag = self
            .b
            .ins()
            .load(I64, trusted(), self.g, rgo_abi::g::PREEMPT);
        let cold = self.b.create_block();
        let cont = self.b.create_block();
        self.b.set_cold_block(cold);
        self.b.ins().brif(flag, cold, &[], cont, &[]);
        self.b.switch_to_block(cold);
        if let Ok(id) = self.cx.rt_func(rt::POLL_PRESERVE) {
            let r = self.func_ref(id);
            let g = self.g;
            self.b.ins().call(r, &[g]);
        }
        self.b.ins().jump(cont, &[]);
        self.b.switch_to_block(cont);
    }

    // ---- memory ----

    pub(super) fn zero_of(&mut self, t: types::Type) -> Value {
        match t {
            F32 => self.b.ins().f32const(0.0),
            F64 => self.b.ins().f64const(0.0),
            t => self.b.ins().iconst(t, 0),
        }
    }

    /// A fresh stack slot for a value of type `ty`; returns its address.
    pub(super) fn stack_temp(&mut self, ty: TypeId) -> Value {
        let l = layout(self.types(), ty);
        let align_shift = l.align.max(1).trailing_zeros() as u8;
        let slot = self.b.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            l.size.max(1) as u32,
            align_shift,
        ));
        self.b.ins().stack_addr(I64, slot, 0)
    }

    /// Zeroed memory of `size` bytes in the frame, for an allocation escape analysis
    /// proved does not outlive it. Zeroed where it is evaluated: inside a loop each
    /// iteration gets a fresh value in the same slot.
    pub(super) fn stack_zeroed(&mut self, size: u64, align: u64) -> Value {
        let slot = self.b.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            size.max(1) as u32,
            align.clamp(1, 16).trailing_zeros() as u8,
        ));
        let a = self.b.ins().stack_addr(I64, slot, 0);
        self.zero_mem(a, size);
        a
    }

    /// Zeroed heap memory of `size` bytes.
    pub(super) fn alloc_bytes(&mut self, size: u64, align: u64) -> R<Value> {
        let size = self.b.ins().iconst(I64, size.max(1) as i64);
        let align = self.b.ins().iconst(I64, align.max(1) as i64);
        let g = self.g;
        self.call_rt(rt::ALLOC, &[g, size, align])?
            .ok_or_else(|| self.err(Pos(0), "internal compiler error: alloc"))
    }

    pub(super) fn zero_mem(&mut self, addr: Value, size: u64) {
        if size == 0 {
            return;
        }
        if size <= 128 {
            let cfg = self.cx.module.target_config();
            self.b
                .emit_small_memset(cfg, addr, 0, size, 1, MemFlagsData::new());
        } else {
            let cfg = self.cx.module.target_config();
            let zero = self.b.ins().iconst(types::I8, 0);
            let n = self.b.ins().iconst(I64, size as i64);
            self.b.call_memset(cfg, addr, zero, n);
        }
    }

    pub(super) fn copy_mem(&mut self, dst: Value, src: Value, size: u64) {
        if size == 0 {
            return;
        }
        let cfg = self.cx.module.target_config();
        if size <= 128 {
            self.b
                .emit_small_memory_copy(cfg, dst, src, size, 1, 1, false, MemFlagsData::new());
        } else {
            let n = self.b.ins().iconst(I64, size as i64);
            self.b.call_memmove(cfg, dst, src, n);
        }
    }

    /// Zero value of any type (memory types get a zeroed stack temporary).
    pub(super) fn zero_value(&mut self, ty: TypeId) -> Val {
        if self.is_mem(ty) {
            let a = self.stack_temp(ty);
            let size = layout(self.types(), ty).size;
            self.zero_mem(a, size);
            return vec![a];
        }
        parts(self.types(), ty)
            .iter()
            .map(|p| self.zero_of(p.ty))
            .collect()
    }

    /// The value of type `ty` stored at `addr` (for memory types: the address itself).
    pub(super) fn load_value(&mut self, addr: Value, ty: TypeId) -> Val {
        if self.is_mem(ty) {
            return vec![addr];
        }
        let ps = parts(self.types(), ty);
        self.load_parts(addr, &ps)
    }

    /// A copy of a memory-typed value that no other code can change (register-typed values
    /// are returned as they are).
    pub(super) fn stable_copy(&mut self, ty: TypeId, v: Val) -> Val {
        if !self.is_mem(ty) {
            return v;
        }
        let t = self.stack_temp(ty);
        self.store_value_init(t, ty, &v);
        vec![t]
    }

    pub(super) fn load_parts(&mut self, addr: Value, ps: &[Part]) -> Val {
        ps.iter()
            .map(|p| self.b.ins().load(p.ty, trusted(), addr, p.offset as i32))
            .collect()
    }

    pub(super) fn store_parts(&mut self, addr: Value, ps: &[Part], v: &[Value]) {
        for (p, &x) in ps.iter().zip(v) {
            self.b.ins().store(trusted(), x, addr, p.offset as i32);
        }
    }

    // ---- variables ----

    /// Declares a local variable initialised with `init` (zero when `None`), choosing its
    /// storage: a heap cell if it escapes, memory for structs and arrays, else SSA.
    pub(super) fn declare_local(&mut self, obj: ObjId, ty: TypeId, init: Option<Val>) {
        let heap = self.heap.contains(&obj);
        if heap || self.mem.contains(&obj) || self.is_mem(ty) {
            let addr = if heap {
                match self.heap_alloc(ty) {
                    Ok(a) => a,
                    Err(_) => self.stack_temp(ty),
                }
            } else {
                self.stack_temp(ty)
            };
            match init {
                // A fresh heap cell or this frame's slot: nothing to overwrite.
                Some(v) => self.store_value_init(addr, ty, &v),
                None if !heap => {
                    let size = layout(self.types(), ty).size;
                    self.zero_mem(addr, size);
                }
                None => {}
            }
            let var = self.b.declare_var(I64);
            self.b.def_var(var, addr);
            self.locals.insert(obj, Storage::Mem(var));
            return;
        }
        let init = match init {
            Some(v) => v,
            None => self.zero_value(ty),
        };
        let ps = parts(self.types(), ty);
        let vars = ps
            .iter()
            .zip(init)
            .map(|(p, v)| {
                let var = self.b.declare_var(p.ty);
                self.b.def_var(var, v);
                var
            })
            .collect();
        self.locals.insert(obj, Storage::Ssa(vars));
    }

    /// Like `declare_local`, for a value this function already owns (a parameter): a
    /// memory-typed one is used in place unless it must move to the heap.
    pub(super) fn declare_local_owned(&mut self, obj: ObjId, ty: TypeId, v: Val) {
        if self.is_mem(ty) && !self.heap.contains(&obj) {
            let var = self.b.declare_var(I64);
            self.b.def_var(var, v[0]);
            self.locals.insert(obj, Storage::Mem(var));
            return;
        }
        self.declare_local(obj, ty, Some(v));
    }

    pub(super) fn global_addr(&mut self, obj: ObjId) -> Option<Value> {
        let data = *self.cx.globals.get(&obj)?;
        let gv = self.cx.module.declare_data_in_func(data, self.b.func);
        Some(self.b.ins().symbol_value(I64, gv))
    }

    pub(super) fn store_global(&mut self, obj: ObjId, v: Val) -> R<()> {
        let ty = self.cx.pkg.obj(obj).typ;
        if let Some(addr) = self.global_addr(obj) {
            self.store_value(addr, ty, &v);
        }
        Ok(())
    }

    /// The address of a variable that lives in memory (globals, heap cells, stack slots).
    pub(super) fn var_addr(&mut self, obj: ObjId) -> Option<Value> {
        match self.locals.get(&obj) {
            Some(Storage::Mem(var)) => {
                let var = *var;
                Some(self.b.use_var(var))
            }
            Some(Storage::Ssa(_)) => None,
            None => self.global_addr(obj),
        }
    }

    pub(super) fn read_var(&mut self, obj: ObjId, pos: Pos) -> R<Val> {
        if let Some(Storage::Ssa(vars)) = self.locals.get(&obj) {
            let vars = vars.clone();
            return Ok(vars.iter().map(|&v| self.b.use_var(v)).collect());
        }
        let ty = self.cx.pkg.obj(obj).typ;
        match self.var_addr(obj) {
            Some(addr) => Ok(self.load_value(addr, ty)),
            None => Err(self.unsupported(pos, "this kind of variable")),
        }
    }

    pub(super) fn write_var(&mut self, obj: ObjId, v: Val, pos: Pos) -> R<()> {
        if let Some(Storage::Ssa(vars)) = self.locals.get(&obj) {
            for (var, x) in vars.clone().into_iter().zip(v) {
                self.b.def_var(var, x);
            }
            return Ok(());
        }
        let ty = self.cx.pkg.obj(obj).typ;
        let on_stack = self.locals.contains_key(&obj) && !self.heap.contains(&obj);
        match self.var_addr(obj) {
            Some(addr) if on_stack => {
                self.store_value_init(addr, ty, &v);
                Ok(())
            }
            Some(addr) => {
                self.store_value(addr, ty, &v);
                Ok(())
            }
            None => Err(self.unsupported(pos, "assignment to this kind of variable")),
        }
    }
}
