//! rgo-codegen: a type-checked Go package → Cranelift IR → machine code.
//!
//! Consumes the AST and the checker's [`Package`]; produces functions in a
//! `cranelift_module::Module`: a [`JITModule`](cranelift_jit::JITModule) for `rgo run`, an
//! [`ObjectModule`](cranelift_object::ObjectModule) for `rgo build`. The contract with the
//! runtime (rgo-abi, docs/ARCHITECTURE.md) shapes every function:
//!
//! - Go functions use Cranelift's `tail` convention and take `g` as their VMContext
//!   parameter. The prologue's `stack_limit` check compares SP with `g.stackguard`; a poll
//!   of `g.preempt` sits at function entry and on every loop back-edge.
//! - Runtime entry points are plain C (`system_v`) functions.
//! - Runtime faults (division by zero, bounds, nil) are explicit compare-and-branch to
//!   non-returning runtime calls; no Cranelift instruction that traps on data is emitted.
//! - The program entry `rgo.main(g)` (C convention) initialises package variables in
//!   dependency order, runs `init` functions, then `main.main`.
//!
//! - Escape analysis (`func/escape/flow.rs`) runs over every function body before any is
//!   lowered, and decides which variables and allocations may live in the frame.
//!
//! Lowering happens from the typed AST directly for now; the Go-level IR stage (rgo-ir:
//! desugaring, inlining) will sit between the checker and this crate.

mod func;
mod layout;
mod promote;
mod reach;
mod rt;
mod typedesc;

use std::collections::{HashMap, HashSet};

use cranelift_codegen::ir::{types, AbiParam, Signature};
use cranelift_codegen::isa::{CallConv, OwnedTargetIsa};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_codegen::Context;
use cranelift_frontend::FunctionBuilderContext;
use cranelift_module::{DataDescription, DataId, FuncId, Linkage, Module};
use rgo_syntax::ast;
use rgo_syntax::Pos;
use rgo_types::{Info, ObjId, ObjKind, Package, Type, TypeAndValue, TypeId};

pub use layout::{layout, parts, Layout};

/// The symbol of the program entry (`fn(g)`, C convention) that the runtime starts on the
/// main goroutine.
pub const ENTRY_SYMBOL: &str = "rgo.main";

/// A code generation failure: a construct this compiler does not handle yet, or an internal
/// error. Reported as `file:line:col: msg`.
#[derive(Debug, Clone)]
pub struct CgError {
    pub file: usize,
    pub pos: Pos,
    pub msg: String,
}

/// Builds the target ISA for the host (x86-64 Linux). `pic` for object files linked into
/// position-independent executables.
pub fn host_isa(pic: bool) -> Result<OwnedTargetIsa, String> {
    let mut flags = settings::builder();
    let set = |f: &mut settings::Builder, k: &str, v: &str| f.set(k, v).map_err(|e| e.to_string());
    set(&mut flags, "opt_level", "speed")?;
    set(&mut flags, "is_pic", if pic { "true" } else { "false" })?;
    set(&mut flags, "use_colocated_libcalls", "false")?;
    set(&mut flags, "preserve_frame_pointers", "true")?;
    set(&mut flags, "enable_multi_ret_implicit_sret", "true")?;
    let isa = cranelift_native::builder().map_err(|e| e.to_string())?;
    isa.finish(settings::Flags::new(flags))
        .map_err(|e| e.to_string())
}

/// A defined function, for the function table: id, code size, file index and line table
/// (`{code offset, line}` pairs, see `func::pcln`).
pub(crate) type CompiledFunc = (FuncId, u32, usize, Vec<(u32, u32)>);

/// Per-program code generation state shared by all functions.
pub(crate) struct Ctx<'a, M: Module> {
    pub module: &'a mut M,
    pub pkg: &'a Package,
    /// Go functions by their object.
    pub funcs: HashMap<ObjId, FuncId>,
    /// Package-level variables by their object.
    pub globals: HashMap<ObjId, DataId>,
    /// Runtime entry points declared so far.
    pub rt: HashMap<&'static str, FuncId>,
    /// String literal data, deduplicated by content.
    pub strings: HashMap<Vec<u8>, DataId>,
    /// Package-level variable initialisers by expression id.
    pub init_exprs: HashMap<ast::NodeId, (usize, &'a ast::Expr)>,
    /// Functions compiled from function literals, by the literal's expression id.
    pub lit_funcs: HashMap<ast::NodeId, FuncId>,
    /// Functions marked `//go:uintptrescapes`: their callers keep the objects of `uintptr`
    /// arguments alive for the call (`func/call.rs`).
    pub uintptrescapes: HashSet<ObjId>,
    /// Static closure objects `{code}` of top-level functions used as values.
    pub funcvals: HashMap<FuncId, DataId>,
    /// `go` thunks declared but not yet lowered.
    pub thunks: Vec<func::conc::Thunk>,
    /// Type descriptors emitted so far.
    pub descs: typedesc::DescTable,
    /// Method functions and their pointer-receiver wrappers, for method tables.
    pub method_funcs: typedesc::MethodFuncs,
    /// Functions that defer: their call sites go into the unwind table.
    pub deferring: HashSet<FuncId>,
    /// `tail`-convention trampolines to runtime entry points (for calls that must be able
    /// to unwind to a landing pad), and those not yet lowered.
    pub trampolines: HashMap<&'static str, FuncId>,
    pub pending_trampolines: Vec<(&'static str, FuncId)>,
    /// Call sites of deferring functions: (function, return offset, landing pad offset,
    /// FP - SP).
    pub unwind: Vec<(FuncId, u32, u32, u32)>,
    /// Method-value wrappers declared but not yet lowered.
    pub method_values: Vec<(FuncId, func::methval::MethodValue, TypeId)>,
    /// Cache slots for itabs (`{I, T}` → a data word filled on first use).
    pub itab_slots: HashMap<(TypeId, TypeId), DataId>,
    /// Every function defined so far, for the function table.
    pub code_sizes: Vec<CompiledFunc>,
    /// File names and sources for line tables (empty: no line information).
    pub sources: &'a [(String, &'a rgo_syntax::SourceFile)],
    /// The checker's results for the function being lowered: the package's `info`, or a
    /// generic instance's (see docs/ARCHITECTURE.md, "Generics").
    pub info: &'a Info,
}

impl<'a, M: Module> Ctx<'a, M> {
    /// The recorded type and mode of an expression of the code being lowered.
    pub fn tv(&self, id: ast::NodeId) -> Option<&'a TypeAndValue> {
        self.info.types.get(&id)
    }

    /// The Cranelift signature of a Go function or method (see docs/ARCHITECTURE.md,
    /// "Calling conventions"): `g`, the closure context, one result pointer per
    /// memory-typed result, the receiver, the parameters; register-typed results return.
    pub fn go_signature(&self, sig_ty: TypeId, recv: Option<TypeId>) -> Signature {
        let t = &self.pkg.types;
        let mut sig = Signature::new(CallConv::Tail);
        sig.params.push(AbiParam::special(
            types::I64,
            cranelift_codegen::ir::ArgumentPurpose::VMContext,
        ));
        sig.params.push(AbiParam::new(types::I64));
        if let Type::Signature(s) = t.under(sig_ty) {
            for &r in &s.results {
                if layout::is_mem(t, r) {
                    sig.params.push(AbiParam::new(types::I64));
                } else {
                    for part in parts(t, r) {
                        sig.returns.push(AbiParam::new(part.ty));
                    }
                }
            }
            for p in recv.iter().chain(&s.params) {
                for part in parts(t, *p) {
                    sig.params.push(AbiParam::new(part.ty));
                }
            }
        }
        sig
    }

    pub fn rt_func(&mut self, name: &'static str) -> Result<FuncId, String> {
        if let Some(&id) = self.rt.get(name) {
            return Ok(id);
        }
        let cc = if name == rgo_abi::entry::POLL_PRESERVE {
            CallConv::PreserveAll
        } else {
            CallConv::SystemV
        };
        let sig = rt::make_signature(name, cc);
        let id = self
            .module
            .declare_function(name, Linkage::Import, &sig)
            .map_err(|e| e.to_string())?;
        self.rt.insert(name, id);
        Ok(id)
    }

    /// A `tail`-convention function `fn(g, args...)` that calls runtime entry `name`.
    pub fn rt_trampoline(&mut self, name: &'static str) -> Result<FuncId, String> {
        if let Some(&id) = self.trampolines.get(name) {
            return Ok(id);
        }
        let rt_sig = rt::make_signature(name, CallConv::SystemV);
        let mut sig = Signature::new(CallConv::Tail);
        sig.params.push(AbiParam::special(
            types::I64,
            cranelift_codegen::ir::ArgumentPurpose::VMContext,
        ));
        sig.params.extend(rt_sig.params.iter().copied());
        sig.returns.extend(rt_sig.returns.iter().copied());
        let id = self
            .module
            .declare_function(&format!("{name}.trampoline"), Linkage::Local, &sig)
            .map_err(|e| e.to_string())?;
        self.trampolines.insert(name, id);
        self.pending_trampolines.push((name, id));
        Ok(id)
    }

    /// Records the call sites of a just-compiled function that defers.
    fn record_unwind(&mut self, id: FuncId, ctx: &Context) {
        if !self.deferring.contains(&id) {
            return;
        }
        let Some(code) = ctx.compiled_code() else {
            return;
        };
        for site in code.buffer.call_sites() {
            let handler = site.exception_handlers.iter().find_map(|h| match h {
                cranelift_codegen::FinalizedMachExceptionHandler::Default(off)
                | cranelift_codegen::FinalizedMachExceptionHandler::Tag(_, off) => Some(*off),
                _ => None,
            });
            if let (Some(h), Some(fo)) = (handler, site.frame_offset) {
                self.unwind.push((id, site.ret_addr, h, fo));
            }
        }
    }

    /// The descriptor of type `ty`.
    pub fn type_desc(&mut self, ty: TypeId) -> Result<DataId, String> {
        self.descs
            .get(self.module, self.pkg, &self.method_funcs, ty)
    }

    /// A writable word caching the itab of (interface `iface`, concrete `ty`).
    pub fn itab_slot(&mut self, iface: TypeId, ty: TypeId) -> Result<DataId, String> {
        if let Some(&d) = self.itab_slots.get(&(iface, ty)) {
            return Ok(d);
        }
        let id = self
            .module
            .declare_anonymous_data(true, false)
            .map_err(|e| e.to_string())?;
        let mut d = DataDescription::new();
        d.define_zeroinit(8);
        d.set_align(8);
        self.module.define_data(id, &d).map_err(|e| e.to_string())?;
        self.itab_slots.insert((iface, ty), id);
        Ok(id)
    }

    /// The static closure object of a top-level function used as a value.
    pub fn funcval_data(&mut self, f: FuncId) -> Result<DataId, String> {
        if let Some(&id) = self.funcvals.get(&f) {
            return Ok(id);
        }
        let id = self
            .module
            .declare_anonymous_data(false, false)
            .map_err(|e| e.to_string())?;
        let mut d = DataDescription::new();
        // Not zero-init: .bss cannot carry the relocation.
        d.define(vec![0u8; 8].into_boxed_slice());
        d.set_align(8);
        let fref = self.module.declare_func_in_data(f, &mut d);
        d.write_function_addr(0, fref);
        self.module.define_data(id, &d).map_err(|e| e.to_string())?;
        self.funcvals.insert(f, id);
        Ok(id)
    }

    pub fn string_data(&mut self, bytes: &[u8]) -> Result<DataId, String> {
        if let Some(&id) = self.strings.get(bytes) {
            return Ok(id);
        }
        let id = self
            .module
            .declare_anonymous_data(false, false)
            .map_err(|e| e.to_string())?;
        let mut d = DataDescription::new();
        // A NUL after the bytes keeps empty strings' pointers valid and non-null.
        let mut contents = bytes.to_vec();
        contents.push(0);
        d.define(contents.into_boxed_slice());
        self.module.define_data(id, &d).map_err(|e| e.to_string())?;
        self.strings.insert(bytes.to_vec(), id);
        Ok(id)
    }
}

/// Symbol name of a package-level function or method, as gc spells it in tracebacks.
fn func_symbol(pkg: &Package, obj: ObjId, decl: &ast::FuncDecl, init_index: &mut u32) -> String {
    let o = pkg.obj(obj);
    if decl.recv.is_none() && o.name == "init" {
        let s = format!("{}.init.{}", o.pkg, *init_index);
        *init_index += 1;
        return s;
    }
    match (&o.kind, &decl.recv) {
        (ObjKind::Func { recv: Some(_) }, Some(recv)) => {
            let (ptr, base) = match &recv.typ.kind {
                ast::ExprKind::Star(inner) => (true, inner.as_ref()),
                _ => (false, &recv.typ),
            };
            let tname = match &base.kind {
                ast::ExprKind::Name(n) => n.clone(),
                ast::ExprKind::Index(x, _) => match &x.kind {
                    ast::ExprKind::Name(n) => n.clone(),
                    _ => "?".into(),
                },
                _ => "?".into(),
            };
            if ptr {
                format!("{}.(*{}).{}", o.pkg, tname, o.name)
            } else {
                format!("{}.{}.{}", o.pkg, tname, o.name)
            }
        }
        _ => format!("{}.{}", o.pkg, o.name),
    }
}

/// A generic function, or a method of a generic type (its receiver names type
/// parameters: `(s *Stack[T])`).
fn is_generic(fd: &ast::FuncDecl) -> bool {
    if !fd.tparams.is_empty() {
        return true;
    }
    let Some(r) = &fd.recv else { return false };
    let mut e = &r.typ;
    while let ast::ExprKind::Paren(x) | ast::ExprKind::Star(x) = &e.kind {
        e = x;
    }
    matches!(e.kind, ast::ExprKind::Index(..))
}

/// Symbol name of an instance, as gc spells it (`main.Max[int]`,
/// `main.(*Stack[int]).Push`), made unique (local types may print alike).
fn instance_symbol<M: Module>(cx: &mut Ctx<'_, M>, inst: &rgo_types::Instance) -> String {
    let pkg = cx.pkg;
    let o = pkg.obj(inst.obj);
    let base = match o.kind {
        ObjKind::Func { recv: Some(r) } => {
            let (ptr, n) = match pkg.types.get(r) {
                Type::Pointer(e) => (true, *e),
                _ => (false, r),
            };
            let ts = typedesc::type_string(pkg, n);
            let ts = ts.strip_prefix(&format!("{}.", o.pkg)).unwrap_or(&ts);
            if ptr {
                format!("{}.(*{}).{}", o.pkg, ts, o.name)
            } else {
                format!("{}.{}.{}", o.pkg, ts, o.name)
            }
        }
        _ => {
            let args: Vec<String> = inst
                .targs
                .iter()
                .map(|&a| typedesc::type_string(pkg, a))
                .collect();
            format!("{}.{}[{}]", o.pkg, o.name, args.join(","))
        }
    };
    unique_name(cx, base)
}

/// `base`, or `base·N` if a symbol of that name exists already.
fn unique_name<M: Module>(cx: &Ctx<'_, M>, base: String) -> String {
    let mut name = base.clone();
    let mut n = 1;
    while cx.module.get_name(&name).is_some() {
        n += 1;
        name = format!("{base}·{n}");
    }
    name
}

/// Declares a Go function or method (object `obj`, whose type is its signature) under
/// `name`; a value-receiver method also gets its `*T` wrapper for method tables.
fn declare_go_func<M: Module>(
    cx: &mut Ctx<'_, M>,
    name: &str,
    obj: ObjId,
) -> Result<FuncId, String> {
    let pkg = cx.pkg;
    let recv = match pkg.obj(obj).kind {
        ObjKind::Func { recv } => recv,
        _ => None,
    };
    let sig = cx.go_signature(pkg.obj(obj).typ, recv);
    let id = cx
        .module
        .declare_function(name, Linkage::Local, &sig)
        .map_err(|e| e.to_string())?;
    cx.funcs.insert(obj, id);
    if let Some(r) = recv {
        cx.method_funcs.methods.insert(obj, id);
        // Value-receiver methods get a wrapper taking `*T`: what an interface's data word
        // holds (named as gc names it).
        if !matches!(pkg.types.get(r), Type::Pointer(_)) {
            let wname = deref_wrapper_name(name, &pkg.obj(obj).pkg, &pkg.obj(obj).name);
            let wname = unique_name(cx, wname);
            let wsig = cx.go_signature(pkg.obj(obj).typ, Some(rgo_types::basic::UNSAFE_POINTER));
            let wid = cx
                .module
                .declare_function(&wname, Linkage::Local, &wsig)
                .map_err(|e| e.to_string())?;
            cx.method_funcs.deref_wrappers.insert(obj, wid);
        }
    }
    Ok(id)
}

/// The symbol of a value method's `*T` wrapper, as gc names it: `main.T.M` →
/// `main.(*T).M`, `main.T[int].M` → `main.(*T[int]).M`.
fn deref_wrapper_name(name: &str, pkg: &str, method: &str) -> String {
    let recv = name
        .strip_prefix(pkg)
        .and_then(|x| x.strip_prefix('.'))
        .and_then(|x| x.strip_suffix(method))
        .and_then(|x| x.strip_suffix('.'));
    match recv {
        Some(t) => format!("{pkg}.(*{t}).{method}"),
        None => format!("{name}·deref"),
    }
}

/// The escape decisions `-gcflags=-m` reports for the functions of `files` declared in
/// package `main`: `(file index, position, message)`, in gc's order. The analysis runs
/// over every function of the program (library packages' tags feed main's calls);
/// generic functions are reported once, from their generic body.
pub fn escape_report(pkg: &Package, files: &[ast::File]) -> Vec<(usize, Pos, String)> {
    let mut decls: Vec<(usize, &ast::FuncDecl, ObjId, &Info)> = Vec::new();
    let mut generic: HashMap<ObjId, &ast::FuncDecl> = HashMap::new();
    for (fi, file) in files.iter().enumerate() {
        for d in &file.decls {
            if let ast::Decl::Func(fd) = d {
                let Some(&obj) = pkg.info.defs.get(&fd.name.id) else {
                    continue;
                };
                if fd.body.is_none() {
                    continue;
                }
                if is_generic(fd) {
                    generic.insert(obj, fd);
                }
                decls.push((fi, fd, obj, &pkg.info));
            }
        }
    }
    // Instances only give their callers tags; their lines come from the generic body.
    let reported = decls.len();
    for inst in &pkg.instances {
        if let Some(fd) = generic.get(&inst.generic) {
            decls.push((0, fd, inst.obj, &inst.info));
        }
    }
    let walks: Vec<func::escape::FuncInfo<'_>> = decls
        .iter()
        .map(|(_, fd, _, info)| {
            let body = fd.body.as_ref().expect("bodies only");
            func::escape::analyze(pkg, info, fd.recv.as_ref(), &fd.sig, body)
        })
        .collect();
    let units: Vec<func::escape::flow::Unit<'_, '_>> = decls
        .iter()
        .zip(&walks)
        .map(|(&(_, fd, obj, info), w)| func::escape::flow::Unit {
            obj,
            decl: fd,
            info,
            walk: w,
        })
        .collect();
    let analysis = func::escape::flow::analyze_program(pkg, &units);
    let main_units: HashMap<ObjId, usize> = decls[..reported]
        .iter()
        .filter(|(fi, _, obj, _)| files[*fi].package.name == "main" && pkg.obj(*obj).pkg == "main")
        .map(|&(fi, _, obj, _)| (obj, fi))
        .collect();
    // gc prints each line as it is found: callees' before their callers'.
    analysis
        .report
        .into_iter()
        .filter_map(|(u, pos, msg)| Some((*main_units.get(&u)?, pos, msg)))
        .collect()
}

/// Compiles the package into `module`: declares and defines every function, the package
/// variables, and the entry `rgo.main`. Returns the entry's id.
pub fn compile<M: Module>(
    module: &mut M,
    pkg: &Package,
    files: &[ast::File],
) -> Result<FuncId, Vec<CgError>> {
    compile_with_lines(module, pkg, files, &[])
}

/// As [`compile`], with line tables for `runtime.Caller` and friends: `sources[i]` is the
/// name to report for `files[i]` and its source text.
pub fn compile_with_lines<'a, M: Module>(
    module: &mut M,
    pkg: &'a Package,
    files: &'a [ast::File],
    sources: &'a [(String, &'a rgo_syntax::SourceFile)],
) -> Result<FuncId, Vec<CgError>> {
    let mut cx = Ctx {
        module,
        pkg,
        funcs: HashMap::new(),
        globals: HashMap::new(),
        rt: HashMap::new(),
        strings: HashMap::new(),
        init_exprs: HashMap::new(),
        lit_funcs: HashMap::new(),
        uintptrescapes: HashSet::new(),
        funcvals: HashMap::new(),
        thunks: Vec::new(),
        descs: typedesc::DescTable::new(),
        method_funcs: typedesc::MethodFuncs {
            methods: HashMap::new(),
            deref_wrappers: HashMap::new(),
            promoted: HashMap::new(),
        },
        itab_slots: HashMap::new(),
        info: &pkg.info,
        method_values: Vec::new(),
        deferring: HashSet::new(),
        trampolines: HashMap::new(),
        pending_trampolines: Vec::new(),
        unwind: Vec::new(),
        code_sizes: Vec::new(),
        sources,
    };
    let internal = |msg: String| {
        vec![CgError {
            file: 0,
            pos: Pos(0),
            msg,
        }]
    };

    // Declare functions and globals first so bodies can refer to any of them.
    let mut decls: Vec<(usize, &ast::FuncDecl, ObjId, &Info)> = Vec::new();
    let mut generic_decls: HashMap<ObjId, (usize, &ast::FuncDecl)> = HashMap::new();
    let mut init_funcs = Vec::new();
    let mut main_func = None;
    let mut init_index = 0;
    let reach = reach::Reach::compute(pkg, files);
    for (fi, file) in files.iter().enumerate() {
        for d in &file.decls {
            match d {
                ast::Decl::Func(fd) => {
                    let obj = match pkg.info.defs.get(&fd.name.id) {
                        Some(&o) => o,
                        // `init` functions are not in scope, but the checker still gives
                        // them an object; without one there is nothing to compile.
                        None => continue,
                    };
                    if is_generic(fd) {
                        // Compiled per instance (below), never on its own.
                        generic_decls.insert(obj, (fi, fd));
                        continue;
                    }
                    if !reach.keep(pkg, obj) {
                        continue;
                    }
                    if fd.pragmas.iter().any(|p| p.trim() == "go:uintptrescapes") {
                        cx.uintptrescapes.insert(obj);
                    }
                    let name = func_symbol(pkg, obj, fd, &mut init_index);
                    let id = declare_go_func(&mut cx, &name, obj).map_err(internal)?;
                    if fd.recv.is_none() && fd.name.name == "init" {
                        init_funcs.push(id);
                    } else if fd.recv.is_none()
                        && fd.name.name == "main"
                        && pkg.obj(obj).pkg == "main"
                    {
                        main_func = Some(id);
                    }
                    decls.push((fi, fd, obj, &pkg.info));
                }
                ast::Decl::Var(vd) => {
                    for v in &vd.values {
                        cx.init_exprs.insert(v.id, (fi, v));
                    }
                    for n in &vd.names {
                        let Some(&obj) = pkg.info.defs.get(&n.id) else {
                            continue;
                        };
                        let o = pkg.obj(obj);
                        let l = layout(&pkg.types, o.typ);
                        // Blank variables still get storage: their initialisers run.
                        let id = if o.name == "_" {
                            cx.module.declare_anonymous_data(true, false)
                        } else {
                            cx.module.declare_data(
                                &format!("{}.{}", o.pkg, o.name),
                                Linkage::Local,
                                true,
                                false,
                            )
                        }
                        .map_err(|e| internal(e.to_string()))?;
                        let mut desc = DataDescription::new();
                        desc.define_zeroinit(l.size.max(1) as usize);
                        desc.set_align(l.align.max(1));
                        cx.module
                            .define_data(id, &desc)
                            .map_err(|e| internal(e.to_string()))?;
                        cx.globals.insert(obj, id);
                    }
                }
                _ => {}
            }
        }
    }
    let Some(main_func) = main_func else {
        return Err(vec![CgError {
            // The main package's first file (library packages' files come first).
            file: files
                .iter()
                .position(|f| f.package.name == "main")
                .unwrap_or(0),
            pos: Pos(0),
            msg: "function main is undeclared in the main package".into(),
        }]);
    };

    // Instances of generic functions and methods (monomorphization: see
    // docs/ARCHITECTURE.md, "Generics"), each with the checker's results for its body.
    for inst in &pkg.instances {
        let Some(&(fi, fd)) = generic_decls.get(&inst.generic) else {
            continue;
        };
        let name = instance_symbol(&mut cx, inst);
        declare_go_func(&mut cx, &name, inst.obj).map_err(internal)?;
        decls.push((fi, fd, inst.obj, &inst.info));
    }

    // Methods promoted into named struct types, for their method tables (declared before
    // any descriptor is emitted; lowered after the declared functions).
    let mut promoted_wrappers = Vec::new();
    let mut named = Vec::new();
    for (i, o) in pkg.objects.iter().enumerate() {
        if !matches!(o.kind, ObjKind::TypeName) || !matches!(pkg.types.get(o.typ), Type::Named(_)) {
            continue;
        }
        if pkg.types.named(o.typ).obj != ObjId(i as u32) {
            continue;
        }
        named.push(o.typ);
    }
    named.extend(pkg.named_instances.iter().copied());
    // Unnamed struct types with embedded fields have promoted methods too (`struct{ S }`
    // satisfies interfaces, `struct{ T }.M` is a method expression). Types are hash-consed,
    // so each such type is one entry of the table.
    let unnamed_start = named.len();
    for i in 0..pkg.types.len() {
        let ty = TypeId(i as u32);
        if let Type::Struct(fields) = pkg.types.get(ty) {
            if fields.iter().any(|f| f.embedded) {
                named.push(ty);
            }
        }
    }
    for (k, nt) in named.into_iter().enumerate() {
        // Generic code has no code of its own: only concrete types get wrappers.
        // (Not `TypeTable::is_concrete`: its depth-bounded walk is exponential in
        // recursive types, fixedbugs/bug336.go took seconds.)
        if func::escape::flow::mentions_type_param(&pkg.types, nt, &mut HashSet::new()) {
            continue;
        }
        for pm in promote::promoted_methods(pkg, nt) {
            // An unnamed struct type may come from library code that is not compiled, so
            // the methods it would call may not exist; such a type has no descriptor.
            if k >= unnamed_start {
                if let promote::PromotedTarget::Method(m) = pm.target {
                    if !cx.funcs.contains_key(&m) {
                        continue;
                    }
                }
            }
            let sig = cx.go_signature(pm.sig, Some(rgo_types::basic::UNSAFE_POINTER));
            // Anonymous: local types of different functions may share a name.
            let id = cx
                .module
                .declare_anonymous_function(&sig)
                .map_err(|e| internal(e.to_string()))?;
            cx.method_funcs.promoted.insert(
                (nt, pm.name.clone()),
                typedesc::PromotedFunc {
                    pkg: pm.pkg.clone(),
                    func: id,
                    in_value_set: pm.in_value_set,
                    sig: pm.sig,
                },
            );
            promoted_wrappers.push((id, nt, pm));
        }
    }

    // Escape analysis over all the bodies at once: callees before callers.
    let walks: Vec<Option<func::escape::FuncInfo<'_>>> = decls
        .iter()
        .map(|(_, fd, _, info)| {
            let body = fd.body.as_ref()?;
            Some(func::escape::analyze(
                pkg,
                info,
                fd.recv.as_ref(),
                &fd.sig,
                body,
            ))
        })
        .collect();
    let units: Vec<func::escape::flow::Unit<'_, '_>> = decls
        .iter()
        .zip(&walks)
        .filter_map(|(&(_, fd, obj, info), w)| {
            Some(func::escape::flow::Unit {
                obj,
                decl: fd,
                info,
                walk: w.as_ref()?,
            })
        })
        .collect();
    let decisions = func::escape::flow::analyze_program(pkg, &units).decisions;
    drop(units);

    let mut ctx = cx.module.make_context();
    let mut fctx = FunctionBuilderContext::new();
    let mut errors = Vec::new();
    for ((fi, fd, obj, info), walk) in decls.into_iter().zip(walks) {
        cx.info = info;
        let Some(body) = &fd.body else {
            if pkg.obj(obj).pkg == "main" {
                errors.push(CgError {
                    file: fi,
                    pos: fd.pos,
                    msg: format!("missing function body for {}", fd.name.name),
                });
            } else {
                // Library packages' body-less functions are implemented by the runtime.
                let id = cx.funcs[&obj];
                let r = func::native::lower_native(&mut cx, &mut ctx, &mut fctx, fi, obj, id);
                finish(&mut cx, &mut ctx, &mut fctx, &mut errors, id, r, fi, fd.pos);
            }
            continue;
        };
        let _ = body;
        let Some(info) = walk else { continue };
        let dec = decisions.get(&obj);
        // Function literals become functions of their own, named as gc names them.
        let parent = cx
            .module
            .declarations()
            .get_function_decl(cx.funcs[&obj])
            .name
            .clone()
            .unwrap_or_default();
        // gc's names: `f.func1`, `f.func2` for the literals of `f`, `f.func1.1` for
        // those nested in `f.func1`.
        let mut names: Vec<String> = Vec::new();
        let mut counts: HashMap<Option<usize>, usize> = HashMap::new();
        for (i, lit) in info.lits.iter().enumerate() {
            let up = info.lit_parents.get(i).copied().flatten();
            let k = counts.entry(up).or_insert(0);
            *k += 1;
            let name = match up {
                None => format!("{parent}.func{k}"),
                Some(p) => format!("{}.{k}", names[p]),
            };
            names.push(name.clone());
            let sig_ty = cx
                .tv(lit.id)
                .map(|tv| tv.typ)
                .unwrap_or(rgo_types::basic::INVALID);
            let sig = cx.go_signature(sig_ty, None);
            let id = cx
                .module
                .declare_function(&name, Linkage::Local, &sig)
                .map_err(|e| internal(e.to_string()))?;
            cx.lit_funcs.insert(lit.id, id);
        }
        let mut bodies = vec![(func::Body::Decl(fd), cx.funcs[&obj], fd.pos)];
        for lit in &info.lits {
            let caps = info.captures.get(&lit.id).map(|v| &v[..]).unwrap_or(&[]);
            bodies.push((func::Body::Lit(lit, caps), cx.lit_funcs[&lit.id], lit.pos));
        }
        for (body, id, pos) in bodies {
            let r = func::lower_function(&mut cx, &mut ctx, &mut fctx, fi, body, id, &info, dec);
            finish(&mut cx, &mut ctx, &mut fctx, &mut errors, id, r, fi, pos);
        }
        flush_pending(&mut cx, &mut ctx, &mut fctx, &mut errors, fi, fd.pos);
    }
    cx.info = &pkg.info;
    if !errors.is_empty() {
        return Err(errors);
    }

    for (id, outer, pm) in &promoted_wrappers {
        let r =
            func::methval::lower_promoted_wrapper(&mut cx, &mut ctx, &mut fctx, *id, *outer, pm);
        finish(&mut cx, &mut ctx, &mut fctx, &mut errors, *id, r, 0, Pos(0));
    }

    let wrappers: Vec<(ObjId, FuncId)> = cx
        .method_funcs
        .deref_wrappers
        .iter()
        .map(|(&o, &f)| (o, f))
        .collect();
    for (method, wid) in wrappers {
        let r = func::lower_deref_wrapper(&mut cx, &mut ctx, &mut fctx, method, wid);
        finish(&mut cx, &mut ctx, &mut fctx, &mut errors, wid, r, 0, Pos(0));
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    // Function literals in package-level initialisers (each initialiser on its own: they
    // share no variables).
    let mut init_exprs: Vec<(usize, &ast::Expr)> = cx.init_exprs.values().copied().collect();
    init_exprs.sort_by_key(|(fi, e)| (*fi, e.pos));
    let mut glob_lits = 0;
    for (file, expr) in init_exprs {
        let info = func::escape::analyze_exprs(pkg, &pkg.info, &[expr]);
        for lit in &info.lits {
            glob_lits += 1;
            let sig_ty = pkg
                .tv(lit.id)
                .map(|tv| tv.typ)
                .unwrap_or(rgo_types::basic::INVALID);
            let sig = cx.go_signature(sig_ty, None);
            let id = cx
                .module
                .declare_function(&format!("main.glob..func{glob_lits}"), Linkage::Local, &sig)
                .map_err(|e| internal(e.to_string()))?;
            cx.lit_funcs.insert(lit.id, id);
        }
        for lit in &info.lits {
            let caps = info.captures.get(&lit.id).map(|v| &v[..]).unwrap_or(&[]);
            let id = cx.lit_funcs[&lit.id];
            let body = func::Body::Lit(lit, caps);
            let r = func::lower_function(&mut cx, &mut ctx, &mut fctx, file, body, id, &info, None);
            finish(
                &mut cx,
                &mut ctx,
                &mut fctx,
                &mut errors,
                id,
                r,
                file,
                lit.pos,
            );
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    // Trampolines the functions above asked for, before the unwind table is written.
    flush_pending(&mut cx, &mut ctx, &mut fctx, &mut errors, 0, Pos(0));
    let unwind = emit_unwind_table(&mut cx).map_err(internal)?;
    let functab = emit_functab(&mut cx).map_err(internal)?;
    let entry = func::lower_entry(
        &mut cx,
        &mut ctx,
        &mut fctx,
        &init_funcs,
        main_func,
        unwind,
        functab,
    )
    .map_err(|e| vec![e])?;
    cx.module.clear_context(&mut ctx);
    flush_pending(&mut cx, &mut ctx, &mut fctx, &mut errors, 0, Pos(0));
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(entry)
}

/// Where a function's lowering ended: defines it in the module (recording its call sites
/// for unwinding), or records the error and resets the builder context the failed
/// lowering abandoned. Either way the codegen context is cleared for the next function.
#[allow(clippy::too_many_arguments)]
fn finish<M: Module>(
    cx: &mut Ctx<'_, M>,
    ctx: &mut Context,
    fctx: &mut FunctionBuilderContext,
    errors: &mut Vec<CgError>,
    id: FuncId,
    lowered: Result<(), CgError>,
    file: usize,
    pos: Pos,
) {
    match lowered {
        Ok(()) => {
            if let Err(e) = cx.module.define_function(id, ctx) {
                errors.push(CgError {
                    file,
                    pos,
                    msg: format!("internal compiler error: {e:?}"),
                });
            }
            cx.record_unwind(id, ctx);
            if let Some(code) = ctx.compiled_code() {
                let lines = func::pcln::line_table(cx.sources, file, code);
                cx.code_sizes
                    .push((id, code.buffer.data().len() as u32, file, lines));
            }
        }
        Err(e) => {
            errors.push(e);
            *fctx = FunctionBuilderContext::new();
        }
    }
    cx.module.clear_context(ctx);
}

/// Lowers the functions that lowering others asked for: method-value wrappers and `go` /
/// `defer` thunks (each may ask for more).
fn flush_pending<M: Module>(
    cx: &mut Ctx<'_, M>,
    ctx: &mut Context,
    fctx: &mut FunctionBuilderContext,
    errors: &mut Vec<CgError>,
    fi: usize,
    pos: Pos,
) {
    while !cx.method_values.is_empty()
        || !cx.thunks.is_empty()
        || !cx.pending_trampolines.is_empty()
    {
        for (name, id) in std::mem::take(&mut cx.pending_trampolines) {
            let r = lower_trampoline(cx, ctx, fctx, name, id);
            finish(cx, ctx, fctx, errors, id, r, fi, pos);
        }
        for (id, mv, sig_ty) in std::mem::take(&mut cx.method_values) {
            let r = func::methval::lower_method_value(cx, ctx, fctx, id, &mv, sig_ty);
            finish(cx, ctx, fctx, errors, id, r, fi, pos);
        }
        for th in std::mem::take(&mut cx.thunks) {
            let r = func::conc::lower_thunk(cx, ctx, fctx, &th);
            finish(cx, ctx, fctx, errors, th.id, r, fi, pos);
        }
    }
}

/// A runtime trampoline: `fn(g, args...) -> results` (tail) calling the C entry point.
fn lower_trampoline<M: Module>(
    cx: &mut Ctx<'_, M>,
    ctx: &mut Context,
    fctx: &mut FunctionBuilderContext,
    name: &'static str,
    id: FuncId,
) -> Result<(), CgError> {
    use cranelift_codegen::ir::InstBuilder;
    let sig = cx
        .module
        .declarations()
        .get_function_decl(id)
        .signature
        .clone();
    ctx.func.signature = sig;
    ctx.func.name = cranelift_codegen::ir::UserFuncName::user(0, id.as_u32());
    let target = cx.rt_func(name).map_err(|msg| CgError {
        file: 0,
        pos: Pos(0),
        msg,
    })?;
    let mut b = cranelift_frontend::FunctionBuilder::new(&mut ctx.func, fctx);
    let blk = b.create_block();
    b.append_block_params_for_function_params(blk);
    b.switch_to_block(blk);
    let params = b.block_params(blk)[1..].to_vec();
    let r = cx.module.declare_func_in_func(target, b.func);
    let inst = b.ins().call(r, &params);
    let rets = b.inst_results(inst).to_vec();
    b.ins().return_(&rets);
    b.seal_all_blocks();
    b.finalize(cx.module.target_config());
    Ok(())
}

/// Emits the unwind table (see rgo-runtime's defer.rs): 24-byte entries `{function
/// address, return offset, landing pad offset, FP - SP}`. Returns its data id and length.
fn emit_unwind_table<M: Module>(cx: &mut Ctx<'_, M>) -> Result<Option<(DataId, usize)>, String> {
    if cx.unwind.is_empty() {
        return Ok(None);
    }
    let id = cx
        .module
        .declare_data("rgo.unwindtab", Linkage::Local, false, false)
        .map_err(|e| e.to_string())?;
    let mut d = DataDescription::new();
    let mut bytes = vec![0u8; 24 * cx.unwind.len()];
    for (i, &(_, ret, handler, fo)) in cx.unwind.iter().enumerate() {
        let e = &mut bytes[24 * i..24 * i + 24];
        e[8..12].copy_from_slice(&ret.to_le_bytes());
        e[12..16].copy_from_slice(&handler.to_le_bytes());
        e[16..20].copy_from_slice(&fo.to_le_bytes());
    }
    d.define(bytes.into_boxed_slice());
    d.set_align(8);
    for (i, &(f, ..)) in cx.unwind.clone().iter().enumerate() {
        let fr = cx.module.declare_func_in_data(f, &mut d);
        d.write_function_addr((24 * i) as u32, fr);
    }
    cx.module.define_data(id, &d).map_err(|e| e.to_string())?;
    Ok(Some((id, cx.unwind.len())))
}

/// Emits the function table (see `rgo_abi::entry::REGISTER_FUNCTAB`): every named Go
/// function with its code size, name, file and line table, for `runtime.Callers`,
/// `Caller` and `FuncForPC`. Anonymous functions (thunks, wrappers), pointer-receiver
/// wrappers and runtime trampolines are left out, so stack walks see only the program's
/// own functions, as in gc. Returns its data id
/// and length.
fn emit_functab<M: Module>(cx: &mut Ctx<'_, M>) -> Result<Option<(DataId, usize)>, String> {
    const ENTRY: usize = 64;
    // gc hides its generated wrappers from stack walks; so do we.
    let wrappers: HashSet<FuncId> = cx.method_funcs.deref_wrappers.values().copied().collect();
    // Functions that take arguments (a traceback prints `f(...)` for them, `f()` else).
    let mut with_args: HashSet<FuncId> = HashSet::new();
    let takes_args = |ty: TypeId| match cx.pkg.types.under(ty) {
        Type::Signature(s) => !s.params.is_empty(),
        _ => false,
    };
    for (&o, &f) in &cx.funcs {
        let obj = cx.pkg.obj(o);
        if takes_args(obj.typ) || matches!(obj.kind, ObjKind::Func { recv: Some(_) }) {
            with_args.insert(f);
        }
    }
    for (&lit, &f) in &cx.lit_funcs {
        if cx.pkg.tv(lit).is_some_and(|tv| takes_args(tv.typ)) {
            with_args.insert(f);
        }
    }
    let mut entries = Vec::new();
    for (id, size, file, lines) in std::mem::take(&mut cx.code_sizes) {
        let decl = cx.module.declarations().get_function_decl(id);
        let Some(name) = decl.name.clone() else {
            continue;
        };
        if name.ends_with(".trampoline") || name == ENTRY_SYMBOL || wrappers.contains(&id) {
            continue;
        }
        entries.push((id, size, name, file, lines, with_args.contains(&id)));
    }
    if entries.is_empty() {
        return Ok(None);
    }
    // Per entry: name, file name and line table data.
    let mut refs = Vec::new();
    for (_, _, name, file, lines, _) in &entries {
        let n = cx.string_data(name.as_bytes())?;
        let fname = cx
            .sources
            .get(*file)
            .map(|s| s.0.clone())
            .unwrap_or_default();
        let f = cx.string_data(fname.as_bytes())?;
        let l = if lines.is_empty() {
            None
        } else {
            let id = cx
                .module
                .declare_anonymous_data(false, false)
                .map_err(|e| e.to_string())?;
            let mut d = DataDescription::new();
            let bytes: Vec<u8> = lines
                .iter()
                .flat_map(|&(off, line)| off.to_le_bytes().into_iter().chain(line.to_le_bytes()))
                .collect();
            d.define(bytes.into_boxed_slice());
            d.set_align(4);
            cx.module.define_data(id, &d).map_err(|e| e.to_string())?;
            Some(id)
        };
        refs.push((n, name.len(), f, fname.len(), l));
    }
    let id = cx
        .module
        .declare_data("rgo.functab", Linkage::Local, false, false)
        .map_err(|e| e.to_string())?;
    let mut d = DataDescription::new();
    let mut bytes = vec![0u8; ENTRY * entries.len()];
    for (i, ((_, size, _, _, lines, args), r)) in entries.iter().zip(&refs).enumerate() {
        let e = &mut bytes[ENTRY * i..ENTRY * (i + 1)];
        e[56..60].copy_from_slice(&u32::from(*args).to_le_bytes());
        e[8..12].copy_from_slice(&size.to_le_bytes());
        e[12..16].copy_from_slice(&(lines.len() as u32).to_le_bytes());
        e[24..32].copy_from_slice(&(r.1 as u64).to_le_bytes());
        e[40..48].copy_from_slice(&(r.3 as u64).to_le_bytes());
    }
    d.define(bytes.into_boxed_slice());
    d.set_align(8);
    for (i, ((f, ..), r)) in entries.iter().zip(&refs).enumerate() {
        let base = (ENTRY * i) as u32;
        let fr = cx.module.declare_func_in_data(*f, &mut d);
        d.write_function_addr(base, fr);
        let gv = cx.module.declare_data_in_data(r.0, &mut d);
        d.write_data_addr(base + 16, gv, 0);
        let gv = cx.module.declare_data_in_data(r.2, &mut d);
        d.write_data_addr(base + 32, gv, 0);
        if let Some(l) = r.4 {
            let gv = cx.module.declare_data_in_data(l, &mut d);
            d.write_data_addr(base + 48, gv, 0);
        }
    }
    cx.module.define_data(id, &d).map_err(|e| e.to_string())?;
    Ok(Some((id, entries.len())))
}

/// Defines the C `main(argc, argv)` of a standalone executable: it hands the entry to the
/// runtime's start routine.
pub fn define_c_main<M: Module>(module: &mut M, entry: FuncId) -> Result<(), String> {
    let mut sig = Signature::new(CallConv::SystemV);
    sig.params.push(AbiParam::new(types::I32));
    sig.params.push(AbiParam::new(types::I64));
    sig.returns.push(AbiParam::new(types::I32));
    let main = module
        .declare_function("main", Linkage::Export, &sig)
        .map_err(|e| e.to_string())?;
    let start = module
        .declare_function(
            rgo_abi::entry::START,
            Linkage::Import,
            &rt::make_signature(rgo_abi::entry::START, CallConv::SystemV),
        )
        .map_err(|e| e.to_string())?;
    let mut ctx: Context = module.make_context();
    ctx.func.signature = sig;
    let mut fctx = FunctionBuilderContext::new();
    {
        use cranelift_codegen::ir::InstBuilder;
        let mut b = cranelift_frontend::FunctionBuilder::new(&mut ctx.func, &mut fctx);
        let blk = b.create_block();
        b.append_block_params_for_function_params(blk);
        b.switch_to_block(blk);
        let (argc, argv) = (b.block_params(blk)[0], b.block_params(blk)[1]);
        let entry_ref = module.declare_func_in_func(entry, b.func);
        let start_ref = module.declare_func_in_func(start, b.func);
        let entry_addr = b.ins().func_addr(types::I64, entry_ref);
        b.ins().call(start_ref, &[argc, argv, entry_addr]);
        let zero = b.ins().iconst(types::I32, 0);
        b.ins().return_(&[zero]);
        b.seal_all_blocks();
        b.finalize(module.target_config());
    }
    module
        .define_function(main, &mut ctx)
        .map_err(|e| format!("{e:?}"))?;
    Ok(())
}
