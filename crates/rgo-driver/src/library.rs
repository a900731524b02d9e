//! rgo's own Go library: packages whose Go sources live in this repository (`lib/`) and
//! are embedded into the driver, so that `rgo` needs nothing but itself to compile them.
//!
//! Today these are `runtime` and `runtime/debug` — gc's runtime package cannot be compiled by anything but gc,
//! so rgo supplies its own: Go declarations (types, constants, variables, functions with
//! Go bodies) plus body-less functions that codegen binds to runtime entry points (see
//! `rgo_abi::native`). An import of one of these paths is resolved here before GOROOT is
//! consulted; the packages a program needs are checked and compiled with it.

use rgo_syntax::ast;

/// One embedded package.
pub struct LibPackage {
    pub path: &'static str,
    /// File names (for positions) and contents.
    pub files: &'static [(&'static str, &'static str)],
}

impl LibPackage {
    /// The directory its files are reported in.
    pub fn dir(&self) -> String {
        format!("$RGOROOT/lib/{}", self.path)
    }
}

/// Every embedded package.
pub const PACKAGES: &[LibPackage] = &[
    LibPackage {
        path: "runtime",
        files: &[
            ("extern.go", include_str!("../../../lib/runtime/extern.go")),
            ("mstats.go", include_str!("../../../lib/runtime/mstats.go")),
            ("symtab.go", include_str!("../../../lib/runtime/symtab.go")),
            ("error.go", include_str!("../../../lib/runtime/error.go")),
        ],
    },
    LibPackage {
        path: "runtime/debug",
        files: &[(
            "debug.go",
            include_str!("../../../lib/runtime/debug/debug.go"),
        )],
    },
];

fn find(path: &str) -> Option<&'static LibPackage> {
    PACKAGES.iter().find(|p| p.path == path)
}

/// Imports of an embedded package's files (parsed with throwaway ids; only for ordering).
fn lib_imports(pkg: &LibPackage) -> Vec<String> {
    let mut out = Vec::new();
    for (name, text) in pkg.files {
        let src = rgo_syntax::SourceFile::new(name.to_string(), text.to_string());
        let r = rgo_syntax::parse_file(&src, 0);
        out.extend(r.file.imports.iter().map(|i| i.path.clone()));
    }
    out
}

/// The embedded packages that `files` import, directly or through each other, in
/// dependency order (each after the packages it imports). `runtime` is always among them,
/// as gc links its runtime into every program: it gives the runtime's panics their
/// `runtime.Error` type.
pub fn closure(files: &[ast::File]) -> Vec<&'static LibPackage> {
    fn visit(path: &str, out: &mut Vec<&'static LibPackage>, seen: &mut Vec<String>) {
        let Some(p) = find(path) else { return };
        if seen.iter().any(|s| s == path) {
            return;
        }
        seen.push(path.to_string());
        for dep in lib_imports(p) {
            visit(&dep, out, seen);
        }
        out.push(p);
    }
    let mut out = Vec::new();
    let mut seen = Vec::new();
    visit("runtime", &mut out, &mut seen);
    for f in files {
        for imp in &f.imports {
            visit(&imp.path, &mut out, &mut seen);
        }
    }
    out
}
