//! Running one child with combined output, a timeout, and process-group cleanup.

use std::io::{self, Read};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// Output beyond this is drained and dropped, so a runaway test cannot exhaust memory.
const MAX_OUTPUT: usize = 64 << 20;

pub enum Exit {
    Status(ExitStatus),
    TimedOut,
}

pub struct Finished {
    pub exit: Exit,
    /// stdout and stderr interleaved exactly as written, through one shared pipe.
    pub output: Vec<u8>,
}

/// Runs `cmd` to completion or until `timeout`, then kills its whole process group: a
/// compiler driver may fork the program (or `go run` may), and a killed parent must not
/// leave a child holding the output pipe open.
pub fn run(mut cmd: Command, timeout: Duration) -> io::Result<Finished> {
    let (mut reader, writer) = io::pipe()?;
    cmd.stdin(Stdio::null())
        .stdout(writer.try_clone()?)
        .stderr(writer)
        .process_group(0);
    let mut child = cmd.spawn()?;
    // Our copies of the write end live in `cmd`; drop them or the read never sees EOF.
    drop(cmd);
    let pgid = child.id() as libc::pid_t;

    let drain = thread::spawn(move || {
        let mut out = Vec::new();
        let mut buf = [0u8; 64 << 10];
        loop {
            match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) if out.len() < MAX_OUTPUT => out.extend_from_slice(&buf[..n]),
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        out
    });

    let (tx, rx) = mpsc::channel();
    thread::spawn(move || tx.send(child.wait()));
    let exit = match rx.recv_timeout(timeout) {
        Ok(status) => Exit::Status(status?),
        Err(_) => {
            kill_group(pgid);
            // The wait must still reap the child; its status is irrelevant now.
            let _ = rx.recv();
            Exit::TimedOut
        }
    };
    // Stragglers (background children of the test) would keep the pipe open forever.
    kill_group(pgid);
    let output = drain.join().unwrap_or_default();
    Ok(Finished { exit, output })
}

fn kill_group(pgid: libc::pid_t) {
    // SAFETY: killpg has no memory-safety preconditions; ESRCH (group gone) is fine.
    unsafe {
        libc::killpg(pgid, libc::SIGKILL);
    }
}

/// `exit status 1` / `signal: killed`, in the words Go's os/exec uses.
pub fn describe(status: &ExitStatus) -> String {
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exit status {code}"),
        (None, Some(sig)) => format!("signal {sig}"),
        _ => status.to_string(),
    }
}
