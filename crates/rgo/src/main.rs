//! rgo: the command line. `rgo run`, `rgo build`, `rgo version`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "rgo",
    about = "rgo compiles and runs Go programs",
    disable_version_flag = true
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Compile and run a Go program: rgo run file.go... [arguments...]
    Run {
        /// Compiler flags, as for gc: `-m` prints escape decisions.
        #[arg(long = "gcflags", allow_hyphen_values = true)]
        gcflags: Option<String>,
        /// Go files, then the program's arguments.
        #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Compile a Go program into a static executable.
    Build {
        /// Output file (default: the first file's name without .go).
        #[arg(short = 'o')]
        output: Option<PathBuf>,
        /// Compiler flags, as for gc: `-m` prints escape decisions.
        #[arg(long = "gcflags", allow_hyphen_values = true)]
        gcflags: Option<String>,
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print rgo's version.
    Version,
}

/// `-gcflags`: a bad flag is a usage error (exit 2).
fn parse_gcflags(s: Option<&str>) -> Result<rgo_driver::Flags, ExitCode> {
    rgo_driver::Flags::parse(s.unwrap_or("")).map_err(|e| {
        eprintln!("{e}");
        ExitCode::from(2)
    })
}

fn fail(f: rgo_driver::Failure) -> ExitCode {
    eprint!("{}", f.message);
    if !f.message.ends_with('\n') {
        eprintln!();
    }
    ExitCode::from(f.code as u8)
}

fn main() -> ExitCode {
    // gc's tools spell long flags with one dash (`-gcflags=-m`); clap wants two. Only the
    // command's own flags are rewritten, not the program arguments after the .go files.
    let mut seen_go = false;
    let argv = std::env::args_os().map(|a| {
        let s = a.to_string_lossy();
        if s.ends_with(".go") {
            seen_go = true;
        }
        if !seen_go && (s == "-gcflags" || s.starts_with("-gcflags=")) {
            format!("-{s}").into()
        } else {
            a
        }
    });
    let cli = match Cli::try_parse_from(argv) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match cli.cmd {
        Cmd::Version => {
            println!(
                "rgo version {} (go1.19) linux/amd64",
                env!("CARGO_PKG_VERSION")
            );
            ExitCode::SUCCESS
        }
        Cmd::Run { args, gcflags } => {
            let flags = match parse_gcflags(gcflags.as_deref()) {
                Ok(f) => f,
                Err(code) => return code,
            };
            // Like `go run`: the leading .go arguments are the program, the rest its args.
            let n = args.iter().take_while(|a| a.ends_with(".go")).count();
            if n == 0 {
                eprintln!("rgo run: no go files listed");
                return ExitCode::from(2);
            }
            let files: Vec<PathBuf> = args[..n].iter().map(PathBuf::from).collect();
            fail(rgo_driver::run_with(&files, &args[n..], &flags))
        }
        Cmd::Build {
            output,
            files,
            gcflags,
        } => {
            let flags = match parse_gcflags(gcflags.as_deref()) {
                Ok(f) => f,
                Err(code) => return code,
            };
            let out =
                output.unwrap_or_else(|| PathBuf::from(files[0].file_stem().unwrap_or_default()));
            match rgo_driver::build_with(&files, &out, &flags) {
                Ok(()) => ExitCode::SUCCESS,
                Err(f) => fail(f),
            }
        }
    }
}
