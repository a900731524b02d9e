//! Lowering of one Go function body to Cranelift IR.
//!
//! Local variables are SSA variables, one per scalar part of their type (see layout.rs);
//! Cranelift's frontend builds the SSA form. Control flow maps onto blocks: every Go
//! statement that transfers control (return, break, continue, goto, a panic) ends the
//! current block and lowering continues in a fresh, unreachable block, so statements after
//! it need no special casing.

use std::collections::HashMap;

use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::types::{self, F32, F64, I32, I64, I8};
use cranelift_codegen::ir::{
    AbiParam, Block, BlockArg, FuncRef, GlobalValueData, InstBuilder, MemFlagsData, Signature,
    TrapCode, UserFuncName, Value,
};
use cranelift_codegen::isa::CallConv;
use cranelift_codegen::Context;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};
use cranelift_module::{FuncId, Module};
use num_bigint::BigInt;
use num_traits::ToPrimitive;
use rgo_abi::entry as rt;
use rgo_syntax::ast::{self, BinOp, Expr, ExprKind, Stmt, StmtKind, UnOp};
use rgo_syntax::Pos;
use rgo_types::{basic, BasicKind, Builtin, ConstValue, Mode, ObjId, ObjKind, Type, TypeId};

use crate::layout::{default_kind, parts, Part};
use crate::{CgError, Ctx};

type R<T> = Result<T, CgError>;

/// A Go value: its scalar parts, in `layout::parts` order.
type Val = Vec<Value>;

/// Where a break or continue goes.
struct Target {
    label: Option<String>,
    brk: Block,
    /// `None` for switch and select (no continue).
    cont: Option<Block>,
}

pub(crate) struct FnLower<'a, 'c, 'f, M: Module> {
    cx: &'c mut Ctx<'a, M>,
    b: FunctionBuilder<'f>,
    file: usize,
    g: Value,
    locals: HashMap<ObjId, Vec<Variable>>,
    /// Variables of the named results, or `None` for unnamed results.
    named_results: Option<Vec<ObjId>>,
    result_types: Vec<TypeId>,
    targets: Vec<Target>,
    labels: HashMap<String, Block>,
    funcrefs: HashMap<FuncId, FuncRef>,
    /// Set while lowering a clause body reached by `fallthrough`: the next clause's body.
    fallthrough: Option<Block>,
}

fn trusted() -> MemFlagsData {
    MemFlagsData::trusted()
}

pub(crate) fn lower_function<M: Module>(
    cx: &mut Ctx<'_, M>,
    ctx: &mut Context,
    fctx: &mut FunctionBuilderContext,
    file: usize,
    decl: &ast::FuncDecl,
    obj: ObjId,
) -> R<()> {
    let sig_ty = cx.pkg.obj(obj).typ;
    ctx.func.signature = cx.go_signature(sig_ty);
    ctx.func.name = UserFuncName::user(0, cx.funcs[&obj].as_u32());
    let Some(body) = &decl.body else {
        return Err(CgError {
            file,
            pos: decl.pos,
            msg: format!("missing function body for {}", decl.name.name),
        });
    };
    let mut b = FunctionBuilder::new(&mut ctx.func, fctx);
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    let params: Vec<Value> = b.block_params(entry).to_vec();
    let g = params[0];
    install_stack_limit(&mut b, g);

    let (param_types, result_types) = match cx.pkg.types.get(sig_ty) {
        Type::Signature(s) => (s.params.clone(), s.results.clone()),
        _ => (vec![], vec![]),
    };
    let mut f = FnLower {
        cx,
        b,
        file,
        g,
        locals: HashMap::new(),
        named_results: None,
        result_types,
        targets: Vec::new(),
        labels: HashMap::new(),
        funcrefs: HashMap::new(),
        fallthrough: None,
    };
    f.poll();

    // Bind parameters: the receiver first, then the declared parameters, in order.
    let mut next = 1;
    let mut param_fields: Vec<&ast::Field> = Vec::new();
    if let Some(r) = &decl.recv {
        param_fields.push(r);
    }
    param_fields.extend(decl.sig.params.iter());
    let mut ti = 0;
    let mut all_types = Vec::new();
    if decl.recv.is_some() {
        if let ObjKind::Func { recv: Some(rt) } = f.cx.pkg.obj(obj).kind {
            all_types.push(rt);
        }
    }
    all_types.extend(param_types);
    for field in param_fields {
        let count = field.names.len().max(1);
        for k in 0..count {
            let ty = all_types.get(ti).copied().unwrap_or(basic::INVALID);
            ti += 1;
            let n = parts(&f.cx.pkg.types, ty).len();
            let vals = params[next..next + n].to_vec();
            next += n;
            if let Some(id) = field.names.get(k) {
                if let Some(&o) = f.cx.pkg.info.defs.get(&id.id) {
                    f.declare_local(o, ty, Some(vals));
                }
            }
        }
    }
    if decl.sig.results.iter().any(|r| !r.names.is_empty()) {
        let mut objs = Vec::new();
        for r in &decl.sig.results {
            for n in &r.names {
                let o = f.cx.pkg.info.defs.get(&n.id).copied();
                let o = o.ok_or_else(|| f.err(n.pos, "unresolved result"))?;
                let ty = f.cx.pkg.obj(o).typ;
                f.declare_local(o, ty, None);
                objs.push(o);
            }
        }
        f.named_results = Some(objs);
    }

    f.block(&body.stmts)?;
    if !f.is_terminated() {
        if f.result_types.is_empty() || f.named_results.is_some() {
            f.ret(vec![])?;
        } else {
            f.b.ins().trap(TrapCode::unwrap_user(1));
        }
    }
    f.b.seal_all_blocks();
    let cfg = f.cx.module.target_config();
    f.b.finalize(cfg);
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
) -> R<FuncId> {
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
    let mut f = FnLower {
        cx,
        b,
        file: 0,
        g,
        locals: HashMap::new(),
        named_results: None,
        result_types: vec![],
        targets: Vec::new(),
        labels: HashMap::new(),
        funcrefs: HashMap::new(),
        fallthrough: None,
    };
    let inits = f.cx.pkg.info.init_order.clone();
    for init in &inits {
        let Some(expr) = find_expr(f.cx.files, init.rhs) else {
            continue;
        };
        f.file = expr.0;
        let v = f.expr(expr.1)?;
        if init.lhs.len() == 1 {
            f.store_global(init.lhs[0], v)?;
        } else {
            let mut off = 0;
            for &o in &init.lhs {
                let n = parts(&f.cx.pkg.types, f.cx.pkg.obj(o).typ).len();
                f.store_global(o, v[off..off + n].to_vec())?;
                off += n;
            }
        }
    }
    for &fid in init_funcs.iter().chain(std::iter::once(&main)) {
        let r = f.func_ref(fid);
        let g = f.g;
        f.b.ins().call(r, &[g]);
    }
    f.b.ins().return_(&[]);
    f.b.seal_all_blocks();
    let cfg = f.cx.module.target_config();
    f.b.finalize(cfg);
    f.cx.module.define_function(id, ctx).map_err(|e| CgError {
        file: 0,
        pos: Pos(0),
        msg: format!("internal compiler error: {e:?}"),
    })?;
    Ok(id)
}

/// Makes the prologue compare SP against `g.stackguard` (Cranelift traps with
/// `STACK_OVERFLOW` below it; the runtime's signal handler reports the overflow).
fn install_stack_limit(b: &mut FunctionBuilder<'_>, _g: Value) {
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

/// Finds the expression with id `id` among the package-level var declarations.
fn find_expr(files: &[ast::File], id: ast::NodeId) -> Option<(usize, &Expr)> {
    for (fi, f) in files.iter().enumerate() {
        for d in &f.decls {
            if let ast::Decl::Var(v) = d {
                if let Some(e) = v.values.iter().find(|e| e.id == id) {
                    return Some((fi, e));
                }
            }
        }
    }
    None
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
    fn err(&self, pos: Pos, msg: impl Into<String>) -> CgError {
        CgError {
            file: self.file,
            pos,
            msg: msg.into(),
        }
    }

    fn unsupported(&self, pos: Pos, what: &str) -> CgError {
        self.err(pos, format!("rgo: {what} is not supported yet"))
    }

    fn types(&self) -> &rgo_types::TypeTable {
        &self.cx.pkg.types
    }

    fn type_of(&self, e: &Expr) -> R<TypeId> {
        self.cx
            .pkg
            .tv(e.id)
            .map(|tv| tv.typ)
            .ok_or_else(|| self.err(e.pos, "internal compiler error: expression has no type"))
    }

    fn kind_of(&self, ty: TypeId) -> Option<BasicKind> {
        self.types().basic_kind(ty).map(default_kind)
    }

    fn is_terminated(&self) -> bool {
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
    fn start_dead_block(&mut self) {
        let blk = self.b.create_block();
        self.b.switch_to_block(blk);
    }

    fn jump(&mut self, to: Block) {
        if !self.is_terminated() {
            self.b.ins().jump(to, &[]);
        }
    }

    fn func_ref(&mut self, id: FuncId) -> FuncRef {
        if let Some(&r) = self.funcrefs.get(&id) {
            return r;
        }
        let r = self.cx.module.declare_func_in_func(id, self.b.func);
        self.funcrefs.insert(id, r);
        r
    }

    fn call_rt(&mut self, name: &'static str, args: &[Value]) -> R<Option<Value>> {
        let id = self.cx.rt_func(name).map_err(|e| self.err(Pos(0), e))?;
        let r = self.func_ref(id);
        let inst = self.b.ins().call(r, args);
        if crate::rt::is_noreturn(name) {
            self.b.ins().trap(TrapCode::unwrap_user(2));
            self.start_dead_block();
            return Ok(None);
        }
        Ok(self.b.inst_results(inst).first().copied())
    }

    /// Branches to a cold block that calls the no-return runtime function `name` when
    /// `cond` is true.
    fn panic_if(&mut self, cond: Value, name: &'static str, args: &[Value]) -> R<()> {
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

    /// The preemption poll: a load of `g.preempt` and a branch to a cold runtime call.
    fn poll(&mut self) {
        let flag = self
            .b
            .ins()
            .load(I64, trusted(), self.g, rgo_abi::g::PREEMPT);
        let cold = self.b.create_block();
        let cont = self.b.create_block();
        self.b.set_cold_block(cold);
        self.b.ins().brif(flag, cold, &[], cont, &[]);
        self.b.switch_to_block(cold);
        if let Ok(id) = self.cx.rt_func(rt::POLL) {
            let r = self.func_ref(id);
            let g = self.g;
            self.b.ins().call(r, &[g]);
        }
        self.b.ins().jump(cont, &[]);
        self.b.switch_to_block(cont);
    }

    // ---- variables ----

    fn zero_parts(&mut self, ty: TypeId) -> Val {
        parts(self.types(), ty)
            .iter()
            .map(|p| self.zero_of(p.ty))
            .collect()
    }

    fn zero_of(&mut self, t: types::Type) -> Value {
        match t {
            F32 => self.b.ins().f32const(0.0),
            F64 => self.b.ins().f64const(0.0),
            t => self.b.ins().iconst(t, 0),
        }
    }

    fn declare_local(&mut self, obj: ObjId, ty: TypeId, init: Option<Val>) {
        let ps = parts(self.types(), ty);
        let init = match init {
            Some(v) => v,
            None => self.zero_parts(ty),
        };
        let vars: Vec<Variable> = ps
            .iter()
            .zip(init)
            .map(|(p, v)| {
                let var = self.b.declare_var(p.ty);
                self.b.def_var(var, v);
                var
            })
            .collect();
        self.locals.insert(obj, vars);
    }

    fn global_addr(&mut self, obj: ObjId) -> Option<Value> {
        let data = *self.cx.globals.get(&obj)?;
        let gv = self.cx.module.declare_data_in_func(data, self.b.func);
        Some(self.b.ins().symbol_value(I64, gv))
    }

    fn load_parts(&mut self, addr: Value, ps: &[Part]) -> Val {
        ps.iter()
            .map(|p| self.b.ins().load(p.ty, trusted(), addr, p.offset as i32))
            .collect()
    }

    fn store_parts(&mut self, addr: Value, ps: &[Part], v: &[Value]) {
        for (p, &x) in ps.iter().zip(v) {
            self.b.ins().store(trusted(), x, addr, p.offset as i32);
        }
    }

    fn store_global(&mut self, obj: ObjId, v: Val) -> R<()> {
        let ty = self.cx.pkg.obj(obj).typ;
        let ps = parts(self.types(), ty);
        if let Some(addr) = self.global_addr(obj) {
            self.store_parts(addr, &ps, &v);
        }
        Ok(())
    }

    fn read_var(&mut self, obj: ObjId, pos: Pos) -> R<Val> {
        if let Some(vars) = self.locals.get(&obj) {
            let vars = vars.clone();
            return Ok(vars.iter().map(|&v| self.b.use_var(v)).collect());
        }
        if let Some(addr) = self.global_addr(obj) {
            let ty = self.cx.pkg.obj(obj).typ;
            let ps = parts(self.types(), ty);
            return Ok(self.load_parts(addr, &ps));
        }
        Err(self.unsupported(pos, "this kind of variable"))
    }

    fn write_var(&mut self, obj: ObjId, v: Val, pos: Pos) -> R<()> {
        if let Some(vars) = self.locals.get(&obj) {
            for (var, x) in vars.clone().into_iter().zip(v) {
                self.b.def_var(var, x);
            }
            return Ok(());
        }
        if self.cx.globals.contains_key(&obj) {
            return self.store_global(obj, v);
        }
        Err(self.unsupported(pos, "assignment to this kind of variable"))
    }

    // ---- statements ----

    fn block(&mut self, stmts: &[Stmt]) -> R<()> {
        for s in stmts {
            self.stmt(s)?;
        }
        Ok(())
    }

    fn stmt(&mut self, s: &Stmt) -> R<()> {
        match &s.kind {
            StmtKind::Empty => Ok(()),
            StmtKind::Block(b) => self.block(&b.stmts),
            StmtKind::Expr(e) => {
                self.expr_any(e)?;
                Ok(())
            }
            StmtKind::Decl(decls) => {
                for d in decls {
                    if let ast::Decl::Var(v) = d {
                        self.var_decl(v)?;
                    }
                }
                Ok(())
            }
            StmtKind::Define { lhs, rhs } => self.assign(lhs, rhs, true, s.pos),
            StmtKind::Assign { lhs, op: None, rhs } => self.assign(lhs, rhs, false, s.pos),
            StmtKind::Assign {
                lhs,
                op: Some(op),
                rhs,
            } => {
                let (x, y) = (&lhs[0], &rhs[0]);
                let ty = self.type_of(x)?;
                let a = self.expr(x)?;
                let yt = self.type_of(y)?;
                let bv = self.expr(y)?;
                let r = self.binary_values(*op, ty, yt, ty, a, bv, s.pos)?;
                self.store_to(x, r)
            }
            StmtKind::IncDec { x, inc } => {
                let ty = self.type_of(x)?;
                let a = self.expr(x)?;
                let one = self.one_of(ty, x.pos)?;
                let op = if *inc { BinOp::Add } else { BinOp::Sub };
                let r = self.binary_values(op, ty, ty, ty, a, one, s.pos)?;
                self.store_to(x, r)
            }
            StmtKind::Return(results) => self.return_stmt(results, s.pos),
            StmtKind::If {
                init,
                cond,
                then,
                els,
            } => {
                if let Some(i) = init {
                    self.stmt(i)?;
                }
                let c = self.expr(cond)?[0];
                let tb = self.b.create_block();
                let eb = self.b.create_block();
                let done = self.b.create_block();
                self.b.ins().brif(c, tb, &[], eb, &[]);
                self.b.switch_to_block(tb);
                self.block(&then.stmts)?;
                self.jump(done);
                self.b.switch_to_block(eb);
                if let Some(e) = els {
                    self.stmt(e)?;
                }
                self.jump(done);
                self.b.switch_to_block(done);
                Ok(())
            }
            StmtKind::For {
                init,
                cond,
                post,
                body,
            } => self.for_stmt(None, init, cond.as_ref(), post, body),
            StmtKind::Switch {
                init, tag, clauses, ..
            } => self.switch_stmt(None, init, tag.as_ref(), clauses),
            StmtKind::Labeled { label, stmt } => {
                let blk = self.label_block(&label.name);
                self.jump(blk);
                self.b.switch_to_block(blk);
                let name = Some(label.name.clone());
                match &stmt.kind {
                    StmtKind::For {
                        init,
                        cond,
                        post,
                        body,
                    } => self.for_stmt(name, init, cond.as_ref(), post, body),
                    StmtKind::Switch {
                        init, tag, clauses, ..
                    } => self.switch_stmt(name, init, tag.as_ref(), clauses),
                    _ => self.stmt(stmt),
                }
            }
            StmtKind::Branch { kind, label } => {
                let lname = label.as_ref().map(|l| l.name.as_str());
                let dest = match kind {
                    ast::BranchKind::Goto => {
                        let name = lname.unwrap_or_default().to_string();
                        Some(self.label_block(&name))
                    }
                    ast::BranchKind::Fallthrough => self.fallthrough,
                    ast::BranchKind::Break => self
                        .targets
                        .iter()
                        .rev()
                        .find(|t| lname.is_none() || t.label.as_deref() == lname)
                        .map(|t| t.brk),
                    ast::BranchKind::Continue => self
                        .targets
                        .iter()
                        .rev()
                        .filter(|t| t.cont.is_some())
                        .find(|t| lname.is_none() || t.label.as_deref() == lname)
                        .and_then(|t| t.cont),
                };
                let dest = dest.ok_or_else(|| self.err(s.pos, "invalid branch target"))?;
                self.b.ins().jump(dest, &[]);
                self.start_dead_block();
                Ok(())
            }
            StmtKind::Send { .. } => Err(self.unsupported(s.pos, "channel send")),
            StmtKind::Go(_) => Err(self.unsupported(s.pos, "go statement")),
            StmtKind::Defer(_) => Err(self.unsupported(s.pos, "defer")),
            StmtKind::TypeSwitch { .. } => Err(self.unsupported(s.pos, "type switch")),
            StmtKind::Select { .. } => Err(self.unsupported(s.pos, "select")),
            StmtKind::Range { .. } => Err(self.unsupported(s.pos, "range loop")),
        }
    }

    fn label_block(&mut self, name: &str) -> Block {
        if let Some(&b) = self.labels.get(name) {
            return b;
        }
        let b = self.b.create_block();
        self.labels.insert(name.to_string(), b);
        b
    }

    fn var_decl(&mut self, v: &ast::VarDecl) -> R<()> {
        let objs: Vec<Option<ObjId>> = v
            .names
            .iter()
            .map(|n| self.cx.pkg.info.defs.get(&n.id).copied())
            .collect();
        let vals = self.rhs_values(&v.values, v.names.len())?;
        for (i, o) in objs.into_iter().enumerate() {
            let Some(o) = o else { continue };
            let ty = self.cx.pkg.obj(o).typ;
            let init = vals.as_ref().map(|vs| vs[i].clone());
            self.declare_local(o, ty, init);
        }
        Ok(())
    }

    /// Evaluates right-hand sides left to right into one value per left-hand side (a
    /// single multi-value call is split). `None` when there are no values.
    fn rhs_values(&mut self, rhs: &[Expr], n: usize) -> R<Option<Vec<Val>>> {
        if rhs.is_empty() {
            return Ok(None);
        }
        if rhs.len() == 1 && n > 1 {
            let ty = self.type_of(&rhs[0])?;
            let all = self.expr(&rhs[0])?;
            let elems = match self.types().get(ty) {
                Type::Tuple(ts) => ts.clone(),
                _ => return Err(self.unsupported(rhs[0].pos, "this multi-value expression")),
            };
            let mut out = Vec::new();
            let mut off = 0;
            for t in elems {
                let k = parts(self.types(), t).len();
                out.push(all[off..off + k].to_vec());
                off += k;
            }
            return Ok(Some(out));
        }
        let mut out = Vec::new();
        for e in rhs {
            out.push(self.expr(e)?);
        }
        Ok(Some(out))
    }

    fn assign(&mut self, lhs: &[Expr], rhs: &[Expr], define: bool, _pos: Pos) -> R<()> {
        let vals = self.rhs_values(rhs, lhs.len())?.unwrap_or_default();
        for (x, v) in lhs.iter().zip(vals) {
            if let ExprKind::Name(n) = &x.kind {
                if n == "_" {
                    continue;
                }
                if define {
                    if let Some(&o) = self.cx.pkg.info.defs.get(&x.id) {
                        let ty = self.cx.pkg.obj(o).typ;
                        self.declare_local(o, ty, Some(v));
                        continue;
                    }
                }
            }
            self.store_to(x, v)?;
        }
        Ok(())
    }

    fn store_to(&mut self, x: &Expr, v: Val) -> R<()> {
        match &x.kind {
            ExprKind::Paren(inner) => self.store_to(inner, v),
            ExprKind::Name(n) if n == "_" => Ok(()),
            ExprKind::Name(_) => {
                let obj = self.cx.pkg.info.uses.get(&x.id).copied();
                let obj = obj.ok_or_else(|| self.err(x.pos, "unresolved name"))?;
                self.write_var(obj, v, x.pos)
            }
            _ => Err(self.unsupported(x.pos, "assignment to this expression")),
        }
    }

    fn return_stmt(&mut self, results: &[Expr], pos: Pos) -> R<()> {
        let mut vals = Vec::new();
        if results.is_empty() {
            if let Some(objs) = self.named_results.clone() {
                for o in objs {
                    vals.extend(self.read_var(o, pos)?);
                }
            }
        } else if results.len() == 1 && self.result_types.len() > 1 {
            vals = self.expr(&results[0])?;
        } else {
            for e in results {
                vals.extend(self.expr(e)?);
            }
        }
        self.ret(vals)
    }

    fn ret(&mut self, mut vals: Val) -> R<()> {
        if vals.is_empty() {
            if let Some(objs) = self.named_results.clone() {
                for o in objs {
                    vals.extend(self.read_var(o, Pos(0))?);
                }
            }
        }
        self.b.ins().return_(&vals);
        self.start_dead_block();
        Ok(())
    }

    fn for_stmt(
        &mut self,
        label: Option<String>,
        init: &Option<Box<Stmt>>,
        cond: Option<&Expr>,
        post: &Option<Box<Stmt>>,
        body: &ast::Block,
    ) -> R<()> {
        if let Some(i) = init {
            self.stmt(i)?;
        }
        let header = self.b.create_block();
        let body_blk = self.b.create_block();
        let latch = self.b.create_block();
        let exit = self.b.create_block();
        self.b.ins().jump(header, &[]);
        self.b.switch_to_block(header);
        match cond {
            Some(c) => {
                let v = self.expr(c)?[0];
                self.b.ins().brif(v, body_blk, &[], exit, &[]);
            }
            None => {
                self.b.ins().jump(body_blk, &[]);
            }
        }
        self.b.switch_to_block(body_blk);
        self.targets.push(Target {
            label,
            brk: exit,
            cont: Some(latch),
        });
        self.block(&body.stmts)?;
        self.targets.pop();
        self.jump(latch);
        self.b.switch_to_block(latch);
        if let Some(p) = post {
            self.stmt(p)?;
        }
        self.poll();
        self.b.ins().jump(header, &[]);
        self.b.switch_to_block(exit);
        Ok(())
    }

    fn switch_stmt(
        &mut self,
        label: Option<String>,
        init: &Option<Box<Stmt>>,
        tag: Option<&Expr>,
        clauses: &[ast::CaseClause],
    ) -> R<()> {
        if let Some(i) = init {
            self.stmt(i)?;
        }
        let tag_val = match tag {
            Some(t) => Some((self.type_of(t)?, self.expr(t)?)),
            None => None,
        };
        let exit = self.b.create_block();
        let bodies: Vec<Block> = clauses.iter().map(|_| self.b.create_block()).collect();
        let mut default = None;
        for (i, c) in clauses.iter().enumerate() {
            if c.is_default {
                default = Some(bodies[i]);
                continue;
            }
            for e in &c.exprs {
                let hit = match &tag_val {
                    Some((tt, tv)) => {
                        let et = self.type_of(e)?;
                        let ev = self.expr(e)?;
                        self.compare(BinOp::Eq, *tt, et, tv.clone(), ev, e.pos)?
                    }
                    None => self.expr(e)?[0],
                };
                let next = self.b.create_block();
                self.b.ins().brif(hit, bodies[i], &[], next, &[]);
                self.b.switch_to_block(next);
            }
        }
        self.b.ins().jump(default.unwrap_or(exit), &[]);
        self.targets.push(Target {
            label,
            brk: exit,
            cont: None,
        });
        for (i, c) in clauses.iter().enumerate() {
            self.b.switch_to_block(bodies[i]);
            let saved = self.fallthrough.take();
            self.fallthrough = bodies.get(i + 1).copied();
            self.block(&c.body)?;
            self.fallthrough = saved;
            self.jump(exit);
        }
        self.targets.pop();
        self.b.switch_to_block(exit);
        Ok(())
    }

    // ---- expressions ----

    /// Lowers an expression whose value may be absent (a call of a function without
    /// results).
    fn expr_any(&mut self, e: &Expr) -> R<Val> {
        self.expr(e)
    }

    fn expr(&mut self, e: &Expr) -> R<Val> {
        let tv =
            self.cx.pkg.tv(e.id).cloned().ok_or_else(|| {
                self.err(e.pos, "internal compiler error: expression has no type")
            })?;
        if let Mode::Constant(c) = &tv.mode {
            return self.constant(c, tv.typ, e.pos);
        }
        match &e.kind {
            ExprKind::Paren(x) => self.expr(x),
            ExprKind::Name(_) => {
                let obj = self.cx.pkg.info.uses.get(&e.id).copied();
                let obj = obj.ok_or_else(|| self.err(e.pos, "unresolved name"))?;
                match self.cx.pkg.obj(obj).kind {
                    ObjKind::Var(_) => self.read_var(obj, e.pos),
                    ObjKind::Nil => Ok(self.zero_parts(tv.typ)),
                    _ => Err(self.unsupported(e.pos, "this use of a name")),
                }
            }
            ExprKind::Unary(op, x) => self.unary(*op, x, tv.typ, e.pos),
            ExprKind::Binary(op, x, y) => {
                if matches!(op, BinOp::AndAnd | BinOp::OrOr) {
                    return self.logical(*op, x, y);
                }
                let xt = self.type_of(x)?;
                let yt = self.type_of(y)?;
                let a = self.expr(x)?;
                let bv = self.expr(y)?;
                self.binary_values(*op, xt, yt, tv.typ, a, bv, e.pos)
            }
            ExprKind::Call { fun, args, dots } => self.call(e, fun, args, *dots, tv.typ),
            ExprKind::Index(x, idx) if idx.len() == 1 => {
                let xt = self.type_of(x)?;
                if self.kind_of(xt) == Some(BasicKind::String) {
                    let s = self.expr(x)?;
                    let i = self.int_operand(&idx[0])?;
                    self.bounds_check(i, s[1])?;
                    let addr = self.b.ins().iadd(s[0], i);
                    return Ok(vec![self.b.ins().load(I8, trusted(), addr, 0)]);
                }
                Err(self.unsupported(e.pos, "this index expression"))
            }
            ExprKind::Slice { x, lo, hi, max, .. } => {
                let xt = self.type_of(x)?;
                if self.kind_of(xt) == Some(BasicKind::String) && max.is_none() {
                    let s = self.expr(x)?;
                    let lo = match lo {
                        Some(l) => self.int_operand(l)?,
                        None => self.b.ins().iconst(I64, 0),
                    };
                    let hi = match hi {
                        Some(h) => self.int_operand(h)?,
                        None => s[1],
                    };
                    let bad_hi = self.b.ins().icmp(IntCC::UnsignedGreaterThan, hi, s[1]);
                    self.panic_if(bad_hi, rt::PANIC_SLICE_LEN, &[hi, s[1]])?;
                    let bad_lo = self.b.ins().icmp(IntCC::UnsignedGreaterThan, lo, hi);
                    self.panic_if(bad_lo, rt::PANIC_SLICE_B, &[lo, hi])?;
                    let ptr = self.b.ins().iadd(s[0], lo);
                    let len = self.b.ins().isub(hi, lo);
                    return Ok(vec![ptr, len]);
                }
                Err(self.unsupported(e.pos, "this slice expression"))
            }
            _ => Err(self.unsupported(e.pos, "this expression")),
        }
    }

    /// An index operand as an i64 (sign- or zero-extended per its type).
    fn int_operand(&mut self, e: &Expr) -> R<Value> {
        let t = self.type_of(e)?;
        let v = self.expr(e)?[0];
        let k = self.kind_of(t).unwrap_or(BasicKind::Int);
        Ok(self.extend_to_i64(v, k))
    }

    fn extend_to_i64(&mut self, v: Value, k: BasicKind) -> Value {
        let vt = self.b.func.dfg.value_type(v);
        if vt == I64 {
            v
        } else if k.is_unsigned() {
            self.b.ins().uextend(I64, v)
        } else {
            self.b.ins().sextend(I64, v)
        }
    }

    /// `0 <= i < len` as one unsigned comparison.
    fn bounds_check(&mut self, i: Value, len: Value) -> R<()> {
        let bad = self.b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, i, len);
        self.panic_if(bad, rt::PANIC_INDEX, &[i, len])
    }

    fn one_of(&mut self, ty: TypeId, pos: Pos) -> R<Val> {
        let ps = parts(self.types(), ty);
        Ok(match ps.first().map(|p| p.ty) {
            Some(F32) => vec![self.b.ins().f32const(1.0)],
            Some(F64) if ps.len() == 1 => vec![self.b.ins().f64const(1.0)],
            Some(F64) => vec![self.b.ins().f64const(1.0), self.b.ins().f64const(0.0)],
            Some(t) if ps.len() == 1 => vec![self.b.ins().iconst(t, 1)],
            _ => return Err(self.unsupported(pos, "++/-- on this type")),
        })
    }

    fn constant(&mut self, c: &ConstValue, ty: TypeId, pos: Pos) -> R<Val> {
        let ps = parts(self.types(), ty);
        let kind = self.kind_of(ty);
        Ok(match c {
            ConstValue::Bool(v) => vec![self.b.ins().iconst(I8, *v as i64)],
            ConstValue::String(s) => self.string_const(&rgo_types::constant::const_bytes(s))?,
            ConstValue::Int(v) => match ps.as_slice() {
                [p] if p.ty == F32 => vec![self.b.ins().f32const(v.to_f64().unwrap_or(0.0) as f32)],
                [p] if p.ty == F64 => vec![self.b.ins().f64const(v.to_f64().unwrap_or(0.0))],
                [p] => vec![self.b.ins().iconst(p.ty, int_bits(v))],
                [re, _] if kind.is_some_and(|k| k.is_complex()) => {
                    let r = v.to_f64().unwrap_or(0.0);
                    self.complex_const(re.ty, r, 0.0)
                }
                _ => return Err(self.unsupported(pos, "this constant")),
            },
            ConstValue::Float(r) => match ps.as_slice() {
                [p] if p.ty == F32 => vec![self.b.ins().f32const(rat_f64(r) as f32)],
                [p] if p.ty == F64 => vec![self.b.ins().f64const(rat_f64(r))],
                [p] => {
                    let i = r.to_integer();
                    vec![self.b.ins().iconst(p.ty, int_bits(&i))]
                }
                [re, _] => {
                    let x = rat_f64(r);
                    self.complex_const(re.ty, x, 0.0)
                }
                _ => return Err(self.unsupported(pos, "this constant")),
            },
            ConstValue::Complex(re, im) => match ps.as_slice() {
                [p, _] => {
                    let (a, b) = (rat_f64(re), rat_f64(im));
                    self.complex_const(p.ty, a, b)
                }
                [p] if p.ty == F64 || p.ty == F32 => {
                    let a = rat_f64(re);
                    if p.ty == F32 {
                        vec![self.b.ins().f32const(a as f32)]
                    } else {
                        vec![self.b.ins().f64const(a)]
                    }
                }
                [p] => {
                    let i = re.to_integer();
                    vec![self.b.ins().iconst(p.ty, int_bits(&i))]
                }
                _ => return Err(self.unsupported(pos, "this constant")),
            },
        })
    }

    fn complex_const(&mut self, t: types::Type, re: f64, im: f64) -> Val {
        if t == F32 {
            vec![
                self.b.ins().f32const(re as f32),
                self.b.ins().f32const(im as f32),
            ]
        } else {
            vec![self.b.ins().f64const(re), self.b.ins().f64const(im)]
        }
    }

    fn string_const(&mut self, bytes: &[u8]) -> R<Val> {
        let data = self
            .cx
            .string_data(bytes)
            .map_err(|e| self.err(Pos(0), e))?;
        let gv = self.cx.module.declare_data_in_func(data, self.b.func);
        let ptr = self.b.ins().symbol_value(I64, gv);
        let len = self.b.ins().iconst(I64, bytes.len() as i64);
        Ok(vec![ptr, len])
    }

    fn unary(&mut self, op: UnOp, x: &Expr, ty: TypeId, pos: Pos) -> R<Val> {
        let v = self.expr(x)?;
        let k = self.kind_of(ty);
        Ok(match op {
            UnOp::Pos => v,
            UnOp::Neg => match k {
                Some(k) if k.is_float() || k.is_complex() => {
                    v.iter().map(|&p| self.b.ins().fneg(p)).collect()
                }
                Some(_) => vec![self.b.ins().ineg(v[0])],
                None => return Err(self.unsupported(pos, "negation of this type")),
            },
            UnOp::Not => vec![self.b.ins().bxor_imm_s(v[0], 1)],
            UnOp::Xor => vec![self.b.ins().bnot(v[0])],
            _ => return Err(self.unsupported(pos, &format!("unary {}", op.as_str()))),
        })
    }

    fn logical(&mut self, op: BinOp, x: &Expr, y: &Expr) -> R<Val> {
        let a = self.expr(x)?[0];
        let rhs = self.b.create_block();
        let done = self.b.create_block();
        let res = self.b.append_block_param(done, I8);
        let short = [BlockArg::Value(a)];
        if op == BinOp::AndAnd {
            self.b.ins().brif(a, rhs, &[], done, &short);
        } else {
            self.b.ins().brif(a, done, &short, rhs, &[]);
        }
        self.b.switch_to_block(rhs);
        let bv = self.expr(y)?[0];
        self.b.ins().jump(done, &[BlockArg::Value(bv)]);
        self.b.switch_to_block(done);
        Ok(vec![res])
    }

    #[allow(clippy::too_many_arguments)]
    fn binary_values(
        &mut self,
        op: BinOp,
        xt: TypeId,
        yt: TypeId,
        rt_ty: TypeId,
        a: Val,
        bv: Val,
        pos: Pos,
    ) -> R<Val> {
        use BinOp::*;
        if matches!(op, Eq | Ne | Lt | Le | Gt | Ge) {
            return Ok(vec![self.compare(op, xt, yt, a, bv, pos)?]);
        }
        if matches!(op, Shl | Shr) {
            return self.shift(op, xt, yt, a[0], bv[0]).map(|v| vec![v]);
        }
        let k = self.kind_of(rt_ty).ok_or_else(|| {
            self.unsupported(pos, &format!("operator {} on this type", op.as_str()))
        })?;
        if k == BasicKind::String && op == Add {
            return self.concat(&[a, bv]);
        }
        if k.is_complex() {
            return self.complex_arith(op, a, bv, pos);
        }
        let (x, y) = (a[0], bv[0]);
        let ins = self.b.ins();
        Ok(vec![if k.is_float() {
            match op {
                Add => ins.fadd(x, y),
                Sub => ins.fsub(x, y),
                Mul => ins.fmul(x, y),
                Div => ins.fdiv(x, y),
                _ => return Err(self.unsupported(pos, &format!("float operator {}", op.as_str()))),
            }
        } else {
            match op {
                Add => ins.iadd(x, y),
                Sub => ins.isub(x, y),
                Mul => ins.imul(x, y),
                And => ins.band(x, y),
                Or => ins.bor(x, y),
                Xor => ins.bxor(x, y),
                AndNot => ins.band_not(x, y),
                Div | Rem => {
                    return self
                        .int_div(op == Rem, k.is_unsigned(), x, y)
                        .map(|v| vec![v])
                }
                _ => return Err(self.unsupported(pos, &format!("operator {}", op.as_str()))),
            }
        }])
    }

    /// Go integer division: a zero divisor panics; for signed operands `MinInt / -1`
    /// wraps to `MinInt` and `MinInt % -1` is 0 (the hardware instruction would fault).
    fn int_div(&mut self, rem: bool, unsigned: bool, x: Value, y: Value) -> R<Value> {
        let zero = self.b.ins().icmp_imm_s(IntCC::Equal, y, 0);
        self.panic_if(zero, rt::PANIC_DIVIDE, &[])?;
        if unsigned {
            return Ok(if rem {
                self.b.ins().urem(x, y)
            } else {
                self.b.ins().udiv(x, y)
            });
        }
        let ty = self.b.func.dfg.value_type(x);
        let minus_one = self.b.ins().icmp_imm_s(IntCC::Equal, y, -1);
        let slow = self.b.create_block();
        let normal = self.b.create_block();
        let done = self.b.create_block();
        let res = self.b.append_block_param(done, ty);
        self.b.ins().brif(minus_one, slow, &[], normal, &[]);
        self.b.switch_to_block(slow);
        let special = if rem {
            self.b.ins().iconst(ty, 0)
        } else {
            self.b.ins().ineg(x)
        };
        self.b.ins().jump(done, &[BlockArg::Value(special)]);
        self.b.switch_to_block(normal);
        let r = if rem {
            self.b.ins().srem(x, y)
        } else {
            self.b.ins().sdiv(x, y)
        };
        self.b.ins().jump(done, &[BlockArg::Value(r)]);
        self.b.switch_to_block(done);
        Ok(res)
    }

    /// Go shifts: counts at or above the width give 0 (or the sign fill for a signed right
    /// shift); a negative signed count panics.
    fn shift(&mut self, op: BinOp, xt: TypeId, yt: TypeId, x: Value, y: Value) -> R<Value> {
        let xk = self.kind_of(xt).unwrap_or(BasicKind::Int);
        let yk = self.kind_of(yt).unwrap_or(BasicKind::Uint);
        if !yk.is_unsigned() {
            let neg = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, y, 0);
            self.panic_if(neg, rt::PANIC_SHIFT, &[])?;
        }
        let count = {
            let yty = self.b.func.dfg.value_type(y);
            if yty == I64 {
                y
            } else {
                self.b.ins().uextend(I64, y)
            }
        };
        let ty = self.b.func.dfg.value_type(x);
        let width = ty.bits() as i64;
        let big = self
            .b
            .ins()
            .icmp_imm_s(IntCC::UnsignedGreaterThanOrEqual, count, width);
        Ok(match op {
            BinOp::Shl => {
                let s = self.b.ins().ishl(x, count);
                let z = self.b.ins().iconst(ty, 0);
                self.b.ins().select(big, z, s)
            }
            _ if xk.is_unsigned() => {
                let s = self.b.ins().ushr(x, count);
                let z = self.b.ins().iconst(ty, 0);
                self.b.ins().select(big, z, s)
            }
            _ => {
                let max = self.b.ins().iconst(I64, width - 1);
                let c = self.b.ins().select(big, max, count);
                self.b.ins().sshr(x, c)
            }
        })
    }

    fn compare(
        &mut self,
        op: BinOp,
        xt: TypeId,
        _yt: TypeId,
        a: Val,
        bv: Val,
        pos: Pos,
    ) -> R<Value> {
        use BinOp::*;
        let k = self.kind_of(xt);
        match k {
            Some(BasicKind::String) => {
                let r = self
                    .call_rt(rt::CMP_STRING, &[a[0], a[1], bv[0], bv[1]])?
                    .ok_or_else(|| self.err(pos, "internal compiler error"))?;
                let cc = match op {
                    Eq => IntCC::Equal,
                    Ne => IntCC::NotEqual,
                    Lt => IntCC::SignedLessThan,
                    Le => IntCC::SignedLessThanOrEqual,
                    Gt => IntCC::SignedGreaterThan,
                    _ => IntCC::SignedGreaterThanOrEqual,
                };
                Ok(self.b.ins().icmp_imm_s(cc, r, 0))
            }
            Some(k) if k.is_float() || k.is_complex() => {
                let cc = match op {
                    Eq => FloatCC::Equal,
                    Ne => FloatCC::NotEqual,
                    Lt => FloatCC::LessThan,
                    Le => FloatCC::LessThanOrEqual,
                    Gt => FloatCC::GreaterThan,
                    _ => FloatCC::GreaterThanOrEqual,
                };
                let mut r = self.b.ins().fcmp(cc, a[0], bv[0]);
                if k.is_complex() {
                    let r2 = self.b.ins().fcmp(cc, a[1], bv[1]);
                    r = if op == Eq {
                        self.b.ins().band(r, r2)
                    } else {
                        self.b.ins().bor(r, r2)
                    };
                }
                Ok(r)
            }
            _ if a.len() == 1 => {
                let unsigned = k.is_none_or(|k| k.is_unsigned() || k == BasicKind::Bool);
                let cc = match (op, unsigned) {
                    (Eq, _) => IntCC::Equal,
                    (Ne, _) => IntCC::NotEqual,
                    (Lt, false) => IntCC::SignedLessThan,
                    (Le, false) => IntCC::SignedLessThanOrEqual,
                    (Gt, false) => IntCC::SignedGreaterThan,
                    (Ge, false) => IntCC::SignedGreaterThanOrEqual,
                    (Lt, true) => IntCC::UnsignedLessThan,
                    (Le, true) => IntCC::UnsignedLessThanOrEqual,
                    (Gt, true) => IntCC::UnsignedGreaterThan,
                    (Ge, true) => IntCC::UnsignedGreaterThanOrEqual,
                    _ => unreachable!("comparison operators only"),
                };
                Ok(self.b.ins().icmp(cc, a[0], bv[0]))
            }
            _ => Err(self.unsupported(pos, "comparison of this type")),
        }
    }

    fn complex_arith(&mut self, op: BinOp, a: Val, bv: Val, pos: Pos) -> R<Val> {
        let (ar, ai, br, bi) = (a[0], a[1], bv[0], bv[1]);
        let ins = &mut self.b;
        Ok(match op {
            BinOp::Add => vec![ins.ins().fadd(ar, br), ins.ins().fadd(ai, bi)],
            BinOp::Sub => vec![ins.ins().fsub(ar, br), ins.ins().fsub(ai, bi)],
            BinOp::Mul => {
                let rr = ins.ins().fmul(ar, br);
                let ii = ins.ins().fmul(ai, bi);
                let ri = ins.ins().fmul(ar, bi);
                let ir = ins.ins().fmul(ai, br);
                vec![ins.ins().fsub(rr, ii), ins.ins().fadd(ri, ir)]
            }
            _ => return Err(self.unsupported(pos, "complex division")),
        })
    }

    /// Concatenates strings through the runtime (one allocation for the whole result).
    fn concat(&mut self, strs: &[Val]) -> R<Val> {
        let n = strs.len() as u32;
        let slot = self
            .b
            .create_sized_stack_slot(cranelift_codegen::ir::StackSlotData::new(
                cranelift_codegen::ir::StackSlotKind::ExplicitSlot,
                16 * n + 16,
                3,
            ));
        for (i, s) in strs.iter().enumerate() {
            self.b.ins().stack_store(I64, s[0], slot, (16 * i) as i32);
            self.b
                .ins()
                .stack_store(I64, s[1], slot, (16 * i + 8) as i32);
        }
        let out = 16 * n as i32;
        let out_addr = self.b.ins().stack_addr(I64, slot, out);
        let parts_addr = self.b.ins().stack_addr(I64, slot, 0);
        let count = self.b.ins().iconst(I64, n as i64);
        let g = self.g;
        self.call_rt(rt::CONCAT_STRINGS, &[g, out_addr, parts_addr, count])?;
        let ptr = self.b.ins().stack_load(I64, I64, slot, out);
        let len = self.b.ins().stack_load(I64, I64, slot, out + 8);
        Ok(vec![ptr, len])
    }

    fn call(&mut self, e: &Expr, fun: &Expr, args: &[Expr], dots: bool, ty: TypeId) -> R<Val> {
        let ftv = self
            .cx
            .pkg
            .tv(fun.id)
            .cloned()
            .ok_or_else(|| self.err(fun.pos, "internal compiler error: callee has no type"))?;
        match ftv.mode {
            Mode::Type => return self.conversion(&args[0], ty, e.pos),
            Mode::Builtin => {
                let obj = self.callee_obj(fun);
                if let Some(ObjKind::Builtin(b)) = obj.map(|o| self.cx.pkg.obj(o).kind.clone()) {
                    return self.builtin(b, args, e.pos);
                }
                return Err(self.unsupported(e.pos, "this builtin"));
            }
            _ => {}
        }
        let obj = self.callee_obj(fun);
        let fid = obj.and_then(|o| {
            matches!(self.cx.pkg.obj(o).kind, ObjKind::Func { recv: None })
                .then(|| self.cx.funcs.get(&o).copied())
                .flatten()
        });
        let Some(fid) = fid else {
            return Err(self.unsupported(e.pos, "calls of function values and methods"));
        };
        let sig = match self.types().get(self.type_of(fun)?) {
            Type::Signature(sig) => sig.clone(),
            _ => return Err(self.err(fun.pos, "internal compiler error: callee is not a function")),
        };
        let mut vals = vec![self.g];
        if args.len() == 1 && matches!(self.types().get(self.type_of(&args[0])?), Type::Tuple(_)) {
            if sig.variadic {
                return Err(self.unsupported(e.pos, "multi-value arguments to a variadic function"));
            }
            vals.extend(self.expr(&args[0])?);
        } else if sig.variadic && !dots {
            // The trailing arguments become a new slice: `f(a, b, c)` for `f(a T, xs ...U)`.
            let fixed = sig.params.len() - 1;
            for a in &args[..fixed] {
                vals.extend(self.expr(a)?);
            }
            let slice_ty = sig.params[fixed];
            vals.extend(self.slice_of(slice_ty, &args[fixed..])?);
        } else {
            for a in args {
                vals.extend(self.expr(a)?);
            }
        }
        let r = self.func_ref(fid);
        let inst = self.b.ins().call(r, &vals);
        Ok(self.b.inst_results(inst).to_vec())
    }

    /// A new slice of type `slice_ty` holding the values of `elems` (nil when empty).
    fn slice_of(&mut self, slice_ty: TypeId, elems: &[Expr]) -> R<Val> {
        let elem_ty = match self.types().under(slice_ty) {
            Type::Slice(e) => *e,
            _ => return Err(self.err(Pos(0), "internal compiler error: not a slice type")),
        };
        if elems.is_empty() {
            let z = self.b.ins().iconst(I64, 0);
            return Ok(vec![z, z, z]);
        }
        let l = crate::layout::layout(self.types(), elem_ty);
        let ps = parts(self.types(), elem_ty);
        let n = elems.len() as i64;
        let size = self.b.ins().iconst(I64, (l.size as i64 * n).max(1));
        let align = self.b.ins().iconst(I64, l.align as i64);
        let g = self.g;
        let ptr = self
            .call_rt(rt::ALLOC, &[g, size, align])?
            .ok_or_else(|| self.err(Pos(0), "internal compiler error: alloc"))?;
        for (i, e) in elems.iter().enumerate() {
            let v = self.expr(e)?;
            let addr = self.b.ins().iadd_imm_s(ptr, i as i64 * l.size as i64);
            self.store_parts(addr, &ps, &v);
        }
        let len = self.b.ins().iconst(I64, n);
        Ok(vec![ptr, len, len])
    }

    fn callee_obj(&self, fun: &Expr) -> Option<ObjId> {
        match &fun.kind {
            ExprKind::Paren(x) => self.callee_obj(x),
            ExprKind::Name(_) => self.cx.pkg.info.uses.get(&fun.id).copied(),
            _ => None,
        }
    }

    fn builtin(&mut self, b: Builtin, args: &[Expr], pos: Pos) -> R<Val> {
        match b {
            Builtin::Print | Builtin::Println => {
                // Operands are evaluated before anything is printed; a single multi-value
                // call prints each of its results.
                let mut operands: Vec<(TypeId, Val)> = Vec::new();
                for a in args {
                    let t = self.type_of(a)?;
                    let v = self.expr(a)?;
                    match self.types().get(t).clone() {
                        Type::Tuple(elems) => {
                            let mut off = 0;
                            for et in elems {
                                let n = parts(self.types(), et).len();
                                operands.push((et, v[off..off + n].to_vec()));
                                off += n;
                            }
                        }
                        _ => operands.push((t, v)),
                    }
                }
                self.call_rt(rt::PRINTLOCK, &[])?;
                for (i, (t, v)) in operands.into_iter().enumerate() {
                    if i > 0 && b == Builtin::Println {
                        self.call_rt(rt::PRINTSP, &[])?;
                    }
                    self.print_value(t, v, pos)?;
                }
                if b == Builtin::Println {
                    self.call_rt(rt::PRINTNL, &[])?;
                }
                self.call_rt(rt::PRINTUNLOCK, &[])?;
                Ok(vec![])
            }
            Builtin::Panic => {
                let t = self.type_of(&args[0])?;
                let v = self.expr(&args[0])?;
                let g = self.g;
                match self.kind_of(t) {
                    Some(BasicKind::String) => {
                        self.call_rt(rt::PANIC_STRING, &[g, v[0], v[1]])?;
                    }
                    Some(k) if v.len() == 1 => {
                        let kind = self.b.ins().iconst(I32, abi_kind(k) as i64);
                        let bits = self.to_bits(v[0], k);
                        self.call_rt(rt::PANIC_BASIC, &[g, kind, bits])?;
                    }
                    _ => return Err(self.unsupported(pos, "panic with this value")),
                }
                Ok(vec![])
            }
            Builtin::Len => {
                let t = self.type_of(&args[0])?;
                if self.kind_of(t) == Some(BasicKind::String) {
                    let v = self.expr(&args[0])?;
                    return Ok(vec![v[1]]);
                }
                Err(self.unsupported(pos, "len of this type"))
            }
            _ => Err(self.unsupported(pos, &format!("builtin {b:?}"))),
        }
    }

    /// The value's bits as an i64, for the runtime's basic-kind panic printer.
    fn to_bits(&mut self, v: Value, k: BasicKind) -> Value {
        match self.b.func.dfg.value_type(v) {
            F64 => self.b.ins().bitcast(I64, MemFlagsData::new(), v),
            F32 => {
                let w = self.b.ins().fpromote(F64, v);
                self.b.ins().bitcast(I64, MemFlagsData::new(), w)
            }
            _ => self.extend_to_i64(v, k),
        }
    }

    fn print_value(&mut self, t: TypeId, v: Val, pos: Pos) -> R<()> {
        let k = match self.types().under(t) {
            Type::Basic(k) => default_kind(*k),
            Type::Pointer(_) | Type::Map { .. } | Type::Chan { .. } | Type::Signature(_) => {
                BasicKind::UnsafePointer
            }
            _ => return Err(self.unsupported(pos, "printing this type")),
        };
        match k {
            BasicKind::Bool => {
                self.call_rt(rt::PRINTBOOL, &[v[0]])?;
            }
            BasicKind::String => {
                self.call_rt(rt::PRINTSTRING, &[v[0], v[1]])?;
            }
            BasicKind::Float32 | BasicKind::Float64 => {
                let x = self.widen_float(v[0]);
                self.call_rt(rt::PRINTFLOAT, &[x])?;
            }
            BasicKind::Complex64 | BasicKind::Complex128 => {
                let re = self.widen_float(v[0]);
                let im = self.widen_float(v[1]);
                self.call_rt(rt::PRINTCOMPLEX, &[re, im])?;
            }
            BasicKind::UnsafePointer => {
                self.call_rt(rt::PRINTPOINTER, &[v[0]])?;
            }
            k if k.is_unsigned() => {
                let x = self.extend_to_i64(v[0], k);
                self.call_rt(rt::PRINTUINT, &[x])?;
            }
            k => {
                let x = self.extend_to_i64(v[0], k);
                self.call_rt(rt::PRINTINT, &[x])?;
            }
        }
        Ok(())
    }

    fn widen_float(&mut self, v: Value) -> Value {
        if self.b.func.dfg.value_type(v) == F32 {
            self.b.ins().fpromote(F64, v)
        } else {
            v
        }
    }

    fn conversion(&mut self, x: &Expr, to: TypeId, pos: Pos) -> R<Val> {
        let from = self.type_of(x)?;
        let v = self.expr(x)?;
        let (fk, tk) = match (self.kind_of(from), self.kind_of(to)) {
            (Some(f), Some(t)) => (f, t),
            _ => {
                // Conversions between identical underlying types keep the representation.
                if self.types().underlying(from) == self.types().underlying(to) {
                    return Ok(v);
                }
                return Err(self.unsupported(pos, "this conversion"));
            }
        };
        if fk == tk {
            return Ok(v);
        }
        let tt = parts(self.types(), to);
        if tk == BasicKind::String && fk.is_integer() {
            let r = self.extend_to_i64(v[0], fk);
            return self.runtime_string(rt::INT_STRING, &[r]);
        }
        if fk.is_integer() && tk.is_integer() {
            let src = self.b.func.dfg.value_type(v[0]);
            let dst = tt[0].ty;
            return Ok(vec![if src.bits() > dst.bits() {
                self.b.ins().ireduce(dst, v[0])
            } else if src.bits() < dst.bits() {
                if fk.is_unsigned() {
                    self.b.ins().uextend(dst, v[0])
                } else {
                    self.b.ins().sextend(dst, v[0])
                }
            } else {
                v[0]
            }]);
        }
        if fk.is_integer() && tk.is_float() {
            let src = self.extend_to_i64(v[0], fk);
            return Ok(vec![if fk.is_unsigned() {
                self.b.ins().fcvt_from_uint(tt[0].ty, src)
            } else {
                self.b.ins().fcvt_from_sint(tt[0].ty, src)
            }]);
        }
        if fk.is_float() && tk.is_integer() {
            // Out-of-range conversions are implementation-defined in Go; saturate.
            let w = if tk.is_unsigned() {
                self.b.ins().fcvt_to_uint_sat(I64, v[0])
            } else {
                self.b.ins().fcvt_to_sint_sat(I64, v[0])
            };
            return Ok(vec![if tt[0].ty == I64 {
                w
            } else {
                self.b.ins().ireduce(tt[0].ty, w)
            }]);
        }
        if fk.is_float() && tk.is_float() {
            return Ok(vec![self.float_resize(v[0], tt[0].ty)]);
        }
        if fk.is_complex() && tk.is_complex() {
            let t = tt[0].ty;
            return Ok(vec![self.float_resize(v[0], t), self.float_resize(v[1], t)]);
        }
        Err(self.unsupported(pos, "this conversion"))
    }

    fn float_resize(&mut self, v: Value, to: types::Type) -> Value {
        let from = self.b.func.dfg.value_type(v);
        if from == to {
            v
        } else if to == F64 {
            self.b.ins().fpromote(F64, v)
        } else {
            self.b.ins().fdemote(F32, v)
        }
    }

    /// Calls a runtime routine that writes a string result through an out pointer.
    fn runtime_string(&mut self, name: &'static str, args: &[Value]) -> R<Val> {
        let slot = self
            .b
            .create_sized_stack_slot(cranelift_codegen::ir::StackSlotData::new(
                cranelift_codegen::ir::StackSlotKind::ExplicitSlot,
                16,
                3,
            ));
        let out = self.b.ins().stack_addr(I64, slot, 0);
        let mut all = vec![self.g, out];
        all.extend_from_slice(args);
        self.call_rt(name, &all)?;
        let ptr = self.b.ins().stack_load(I64, I64, slot, 0);
        let len = self.b.ins().stack_load(I64, I64, slot, 8);
        Ok(vec![ptr, len])
    }
}

fn abi_kind(k: BasicKind) -> rgo_abi::Kind {
    use rgo_abi::Kind;
    match k {
        BasicKind::Bool => Kind::Bool,
        BasicKind::Int => Kind::Int,
        BasicKind::Int8 => Kind::Int8,
        BasicKind::Int16 => Kind::Int16,
        BasicKind::Int32 => Kind::Int32,
        BasicKind::Int64 => Kind::Int64,
        BasicKind::Uint => Kind::Uint,
        BasicKind::Uint8 => Kind::Uint8,
        BasicKind::Uint16 => Kind::Uint16,
        BasicKind::Uint32 => Kind::Uint32,
        BasicKind::Uint64 => Kind::Uint64,
        BasicKind::Uintptr => Kind::Uintptr,
        BasicKind::Float32 => Kind::Float32,
        BasicKind::Float64 => Kind::Float64,
        BasicKind::Complex64 => Kind::Complex64,
        BasicKind::Complex128 => Kind::Complex128,
        BasicKind::String => Kind::String,
        BasicKind::UnsafePointer => Kind::UnsafePointer,
        _ => Kind::Invalid,
    }
}
