//! Parses the Go files named on the command line and prints their errors as gc does
//! (`file:line:col: msg`), for side-by-side comparison with `go tool compile -e`.
//! Exits with status 1 if any file had errors.

fn main() {
    let mut failed = false;
    for path in std::env::args().skip(1) {
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{path}: {e}");
                failed = true;
                continue;
            }
        };
        let src = rgo_syntax::SourceFile::from_bytes(path.as_str(), &bytes);
        for e in rgo_syntax::parse_file(&src, 0).errors {
            println!("{}", rgo_syntax::format_error(&src, &e));
            failed = true;
        }
    }
    std::process::exit(i32::from(failed));
}
