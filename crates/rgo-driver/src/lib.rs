//! rgo-driver: orchestration of the stages for one program.
//!
//! Reads the named files, parses them (all-errors mode), type-checks the package, generates
//! code, then either runs it in this process (JIT: `rgo run`) or writes an object file and
//! links it with the runtime's static library into an executable (`rgo build`).
//! Diagnostics print as gc prints them: `file:line:col: message`, sorted by position, at
//! most 10 and then `too many errors`; any diagnostic means exit status 1.
//!
//! Packages of our own library (`lib/`, embedded: today `runtime`) are checked into the
//! same tables as the main package and compiled with it. Loading the rest of the standard
//! library from GOROOT and go.mod packages will live here too; today other imports are
//! known by name only.

use std::ffi::CString;
use std::path::{Path, PathBuf};
use std::process::Command;

use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::default_libcall_names;
use cranelift_object::{ObjectBuilder, ObjectModule};
use rgo_syntax::{ast, SourceFile};
use rgo_types::Package;

mod library;

/// A failure to produce a program, already formatted for the user.
pub struct Failure {
    /// Lines to print on standard error.
    pub message: String,
    /// The process exit status: 1 for compile errors, 2 for usage errors.
    pub code: i32,
}

impl Failure {
    fn usage(msg: impl Into<String>) -> Failure {
        Failure {
            message: msg.into(),
            code: 2,
        }
    }
    fn compile(msg: impl Into<String>) -> Failure {
        Failure {
            message: msg.into(),
            code: 1,
        }
    }
}

/// A parsed and type-checked main package, with the packages of our own library it
/// imports: `sources`/`files` list those packages' files first (dependencies first), then
/// the main package's, and `package` holds all of them (see `rgo_types::check_packages`).
pub struct Program {
    pub sources: Vec<SourceFile>,
    pub files: Vec<ast::File>,
    pub package: Package,
}

/// gc stops after this many errors.
const MAX_ERRORS: usize = 10;

fn render(sources: &[SourceFile], mut errs: Vec<(usize, rgo_syntax::Error)>) -> String {
    errs.sort_by_key(|(f, e)| (*f, e.pos));
    let mut out = String::new();
    for (i, (f, e)) in errs.iter().enumerate() {
        if i == MAX_ERRORS {
            out.push_str(&format!(
                "{}: too many errors\n",
                sources[*f].position(e.pos)
            ));
            break;
        }
        out.push_str(&format!("{}: {}\n", sources[*f].position(e.pos), e.msg));
    }
    out
}

/// Reads, parses and type-checks the files of the main package.
pub fn load(paths: &[PathBuf]) -> Result<Program, Failure> {
    if paths.is_empty() {
        return Err(Failure::usage("no go files listed"));
    }
    let mut sources = Vec::new();
    for p in paths {
        let text = std::fs::read(p)
            .map_err(|e| Failure::compile(format!("open {}: {}", p.display(), io_reason(&e))))?;
        let text = String::from_utf8_lossy(&text).into_owned();
        sources.push(SourceFile::new(p.display().to_string(), text));
    }
    let mut files = Vec::new();
    let mut errs = Vec::new();
    let mut next_id = 0;
    for (i, src) in sources.iter().enumerate() {
        let r = rgo_syntax::parse_file(src, next_id);
        next_id = r.next_id;
        errs.extend(r.errors.into_iter().map(|e| (i, e)));
        files.push(r.file);
    }
    if !errs.is_empty() {
        return Err(Failure::compile(render(&sources, errs)));
    }
    for (i, f) in files.iter().enumerate() {
        if f.package.name != "main" {
            return Err(Failure::compile(format!(
                "package {} is not a main package",
                if i == 0 {
                    &f.package.name
                } else {
                    &files[0].package.name
                }
            )));
        }
    }
    // Our own packages that the program imports (directly or through each other) are
    // parsed from the embedded sources and checked first, into the same tables; their
    // files come before the main package's.
    let own = library::closure(&files);
    let mut all_sources = Vec::new();
    let mut all_files = Vec::new();
    let mut ranges = Vec::new();
    for pkg in &own {
        let start = all_files.len();
        for (name, text) in pkg.files {
            let src = SourceFile::new(format!("{}/{}", pkg.dir(), name), text.to_string());
            let r = rgo_syntax::parse_file(&src, next_id);
            next_id = r.next_id;
            if let Some(e) = r.errors.first() {
                return Err(Failure::compile(format!(
                    "rgo: internal error in package {}: {}: {}",
                    pkg.path,
                    src.position(e.pos),
                    e.msg
                )));
            }
            all_sources.push(src);
            all_files.push(r.file);
        }
        ranges.push((pkg.path, start..all_files.len()));
    }
    let main_start = all_files.len();
    all_sources.extend(sources);
    all_files.extend(files);
    ranges.push(("main", main_start..all_files.len()));
    let pairs: Vec<(&SourceFile, &ast::File)> = all_sources.iter().zip(all_files.iter()).collect();
    let pkgs: Vec<rgo_types::PackageFiles> = ranges
        .iter()
        .map(|(path, r)| (*path, &pairs[r.clone()]))
        .collect();
    let mut importer = GorootImporter::new();
    let package = rgo_types::check_packages(&pkgs, Some(&mut importer))
        .map_err(|errs| Failure::compile(render(&all_sources, errs)))?;
    Ok(Program {
        sources: all_sources,
        files: all_files,
        package,
    })
}

/// Resolves import paths against GOROOT/src. Compiling the standard library is the next
/// step; until then a package that exists is known by name only (an empty scope), so an
/// unused import is reported as gc reports it and a use says the package can't be compiled.
struct GorootImporter {
    goroot: PathBuf,
}

impl GorootImporter {
    fn new() -> GorootImporter {
        let goroot = std::env::var_os("GOROOT")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/usr/lib/go-1.19"));
        GorootImporter { goroot }
    }
}

impl rgo_types::Importer for GorootImporter {
    fn import(
        &mut self,
        path: &str,
        _types: &mut rgo_types::TypeTable,
        _objects: &mut Vec<rgo_types::Object>,
    ) -> Result<(String, std::collections::HashMap<String, rgo_types::ObjId>), String> {
        if self.goroot.join("src").join(path).is_dir() {
            let name = path.rsplit('/').next().unwrap_or(path).to_string();
            Ok((name, std::collections::HashMap::new()))
        } else {
            Err("file not found".into())
        }
    }
}

/// The file names line tables report (absolute, as gc records them) with their sources.
fn line_sources(prog: &Program) -> Vec<(String, &SourceFile)> {
    prog.sources
        .iter()
        .map(|s| {
            let p = Path::new(&s.name);
            let name = if p.is_relative() && p.exists() {
                std::env::current_dir()
                    .map(|d| d.join(p).display().to_string())
                    .unwrap_or_else(|_| s.name.clone())
            } else {
                s.name.clone()
            };
            (name, s)
        })
        .collect()
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        _ => e.to_string(),
    }
}

fn codegen_failure(prog: &Program, errs: Vec<rgo_codegen::CgError>) -> Failure {
    let errs = errs
        .into_iter()
        .map(|e| {
            (
                e.file.min(prog.sources.len().saturating_sub(1)),
                rgo_syntax::Error {
                    pos: e.pos,
                    msg: e.msg,
                },
            )
        })
        .collect();
    Failure::compile(render(&prog.sources, errs))
}

/// Compiles the program into memory and runs it on the runtime linked into this process.
/// Returns only on failure to compile; the program's exit ends the process.
pub fn run(paths: &[PathBuf], args: &[String]) -> Failure {
    run_with(paths, args, &Flags::default())
}

/// Compiler flags (`-gcflags`), as gc spells them.
#[derive(Default, Clone, Debug)]
pub struct Flags {
    /// `-m`: print the compiler's escape decisions (what is allocated on the heap).
    pub escapes: bool,
}

impl Flags {
    /// Parses a `-gcflags` value (space-separated flags); unknown flags are an error.
    pub fn parse(s: &str) -> Result<Flags, String> {
        let mut f = Flags::default();
        for flag in s.split_whitespace() {
            match flag {
                "-m" => f.escapes = true,
                _ => return Err(format!("rgo: unsupported -gcflags flag {flag}")),
            }
        }
        Ok(f)
    }
}

/// `-m`: the escape report, printed as gc prints it (on stderr, before the program runs).
fn report_flags(prog: &Program, flags: &Flags) {
    if !flags.escapes {
        return;
    }
    let mut out = String::from("# command-line-arguments\n");
    for (fi, pos, msg) in rgo_codegen::escape_report(&prog.package, &prog.files) {
        out += &format!("{}: {msg}\n", prog.sources[fi].position(pos));
    }
    eprint!("{out}");
}

/// [`run`] with compiler flags.
pub fn run_with(paths: &[PathBuf], args: &[String], flags: &Flags) -> Failure {
    let prog = match load(paths) {
        Ok(p) => p,
        Err(f) => return f,
    };
    report_flags(&prog, flags);
    let isa = match rgo_codegen::host_isa(false) {
        Ok(i) => i,
        Err(e) => return Failure::compile(format!("rgo: {e}")),
    };
    let mut builder = JITBuilder::with_isa(isa, default_libcall_names());
    let symbols = rgo_runtime::symbols();
    let start = symbols
        .iter()
        .find(|(n, _)| *n == rgo_abi::entry::START)
        .map(|(_, p)| *p);
    builder.symbols(symbols);
    let mut module = JITModule::new(builder);
    let lines = line_sources(&prog);
    let entry =
        match rgo_codegen::compile_with_lines(&mut module, &prog.package, &prog.files, &lines) {
            Ok(e) => e,
            Err(errs) => return codegen_failure(&prog, errs),
        };
    if let Err(e) = module.finalize_definitions() {
        return Failure::compile(format!("rgo: {e}"));
    }
    let entry = module.get_finalized_function(entry);
    let Some(start) = start else {
        return Failure::compile("rgo: runtime has no start routine");
    };

    // argv for the program: its path then its arguments, as `go run` passes them.
    let mut argv_owned: Vec<CString> = Vec::new();
    let name = paths[0].with_extension("");
    argv_owned.push(CString::new(name.display().to_string()).unwrap_or_default());
    argv_owned.extend(
        args.iter()
            .map(|a| CString::new(a.as_str()).unwrap_or_default()),
    );
    let mut argv: Vec<*const u8> = argv_owned.iter().map(|c| c.as_ptr() as *const u8).collect();
    argv.push(std::ptr::null());
    type StartFn = unsafe extern "C" fn(i32, *const *const u8, *const u8) -> !;
    // SAFETY: `start` is the runtime's `rgo_rt_start`, whose signature rgo-abi fixes as
    // StartFn; `entry` is the finalized `rgo.main` and stays mapped for the life of the
    // process, as do `argv`'s strings (this call never returns).
    unsafe {
        let start: StartFn = std::mem::transmute::<*const u8, StartFn>(start);
        start(argv.len() as i32 - 1, argv.as_ptr(), entry)
    }
}

/// Compiles the program to an object file and links it with the runtime library into a
/// static executable at `out`.
pub fn build(paths: &[PathBuf], out: &Path) -> Result<(), Failure> {
    build_with(paths, out, &Flags::default())
}

/// [`build`] with compiler flags.
pub fn build_with(paths: &[PathBuf], out: &Path, flags: &Flags) -> Result<(), Failure> {
    let prog = load(paths)?;
    report_flags(&prog, flags);
    let isa = rgo_codegen::host_isa(false).map_err(|e| Failure::compile(format!("rgo: {e}")))?;
    let builder = ObjectBuilder::new(isa, "main", default_libcall_names())
        .map_err(|e| Failure::compile(format!("rgo: {e}")))?;
    let mut module = ObjectModule::new(builder);
    let lines = line_sources(&prog);
    let entry = rgo_codegen::compile_with_lines(&mut module, &prog.package, &prog.files, &lines)
        .map_err(|errs| codegen_failure(&prog, errs))?;
    rgo_codegen::define_c_main(&mut module, entry)
        .map_err(|e| Failure::compile(format!("rgo: {e}")))?;
    let product = module.finish();
    let bytes = product
        .emit()
        .map_err(|e| Failure::compile(format!("rgo: {e}")))?;

    let runtime = find_runtime_lib().ok_or_else(|| {
        Failure::compile(
            "rgo: cannot find librgo_runtime.a next to the rgo executable; build it with `cargo build --release --workspace`",
        )
    })?;
    let dir = tempdir()?;
    let obj = dir.join("main.o");
    std::fs::write(&obj, bytes).map_err(|e| Failure::compile(format!("rgo: {e}")))?;
    let status = Command::new("cc")
        .args(["-static", "-no-pie", "-o"])
        .arg(out)
        .arg(&obj)
        .arg(&runtime)
        .args(["-lpthread", "-ldl", "-lm", "-lc"])
        .output();
    let _ = std::fs::remove_dir_all(&dir);
    // glibc's warnings about static getaddrinfo/getpwuid (unused by Go programs) are noise;
    // the linker's output is shown only when it fails.
    match status {
        Ok(o) if o.status.success() => Ok(()),
        Ok(o) => Err(Failure::compile(format!(
            "rgo: linker failed ({})\n{}",
            o.status,
            String::from_utf8_lossy(&o.stderr)
        ))),
        Err(e) => Err(Failure::compile(format!(
            "rgo: cannot run the linker cc: {e}"
        ))),
    }
}

fn tempdir() -> Result<PathBuf, Failure> {
    let base = std::env::temp_dir();
    for i in 0..100u32 {
        let d = base.join(format!("rgo-build-{}-{}", std::process::id(), i));
        if std::fs::create_dir(&d).is_ok() {
            return Ok(d);
        }
    }
    Err(Failure::compile("rgo: cannot create a temporary directory"))
}

/// The runtime library sits next to the `rgo` executable in cargo's target directory:
/// `cargo build --workspace` puts `librgo_runtime.a` there; a build of the `rgo` package
/// alone updates it only under `deps/`, with a hash in its name. The newest of them is the
/// one built with this `rgo` (an older copy next to the executable would be stale).
fn find_runtime_lib() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let dir = exe.parent()?;
    let direct = dir.join("librgo_runtime.a");
    let hashed = std::fs::read_dir(dir.join("deps"))
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            let n = p.file_name().unwrap_or_default().to_string_lossy();
            n.starts_with("librgo_runtime-") && n.ends_with(".a")
        });
    std::iter::once(direct)
        .chain(hashed)
        .filter(|p| p.exists())
        .max_by_key(|p| p.metadata().and_then(|m| m.modified()).ok())
}
