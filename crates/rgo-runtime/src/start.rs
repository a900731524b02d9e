//! Process start-up and exit (Go's rt0 → schedinit → newproc(runtime.main) → mstart, and
//! runtime.main).
//!
//! [`rgo_rt_start`] (called by the `main` function of an executable built by `rgo build`)
//! and [`start`] (called in-process by the JIT of `rgo run`) do the same thing:
//!
//! 1. record the program arguments (for os.Args);
//! 2. turn the calling thread into `m0`: its g0 is the thread's own stack, it gets an
//!    alternate signal stack, and the thread-locals point at m0/g0;
//! 3. install the signal handlers;
//! 4. create the Ps (`proc::schedinit`: GOMAXPROCS, GODEBUG) and give P0 to m0;
//! 5. create the main goroutine (goid 1) with a dedicated 1 GiB lazily committed stack,
//!    whose first frame is [`main_goroutine`] with the compiler's `main(g)` trampoline as
//!    argument (that trampoline runs package initialisation, then `main.main`), on P0's
//!    run queue;
//! 6. start sysmon and enter the scheduler on m0 (`proc::mstart`). When `main(g)`
//!    returns, the main goroutine exits the process with status 0 — as in Go, returning
//!    from main.main ends the program whatever other goroutines are doing.
//!
//! A panic or fatal error never comes back here: it exits with status 2 from wherever it
//! is.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

use crate::g::{getg, init_current_thread_m, G};
use crate::panic::{exit, throw, PANICKING};
use crate::stack::MAIN_STACK_SIZE;

/// The compiler-generated entry: runs package initialisation and `main.main` on `g`.
pub type MainFn = extern "C" fn(g: *mut G);

static ARGS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
static STARTED: AtomicBool = AtomicBool::new(false);

/// The program's arguments (`os.Args`), program name first.
pub fn args() -> &'static [Vec<u8>] {
    ARGS.get().map(|v| v.as_slice()).unwrap_or(&[])
}

/// Entry point for executables: never returns.
///
/// # Safety
/// `argv` must hold `argc` valid NUL-terminated strings (as given to C's `main`); may be
/// called once per process, on the thread that will become m0.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_rt_start(argc: i32, argv: *const *const u8, main: MainFn) -> ! {
    let mut args = Vec::new();
    for i in 0..argc.max(0) as usize {
        // SAFETY: by contract argv has argc valid C strings.
        let a = unsafe { *argv.add(i) };
        if a.is_null() {
            break;
        }
        // SAFETY: a is a valid NUL-terminated string.
        let s = unsafe { std::ffi::CStr::from_ptr(a as *const libc::c_char) };
        args.push(s.to_bytes().to_vec());
    }
    // SAFETY: forwarded contract.
    unsafe { start_with(main, args, MAIN_STACK_SIZE) }
}

/// Entry point for the in-process JIT: runs `main` as the Go program's main goroutine with
/// `args` as os.Args, then exits the process. Never returns.
///
/// # Safety
/// `main` must be a compiled Go main trampoline; may be called once per process.
pub unsafe fn start(main: MainFn, args: Vec<String>) -> ! {
    let args = args.into_iter().map(String::into_bytes).collect();
    // SAFETY: forwarded contract.
    unsafe { start_with(main, args, MAIN_STACK_SIZE) }
}

/// [`start`] with the main goroutine's stack size chosen by the caller (tests use small
/// stacks to reach the overflow paths quickly).
///
/// # Safety
/// As for [`start`].
#[doc(hidden)]
pub unsafe fn start_with(main: MainFn, args: Vec<Vec<u8>>, main_stack_size: usize) -> ! {
    if STARTED.swap(true, Ordering::AcqRel) {
        throw("runtime: started twice");
    }
    let _ = ARGS.set(args);
    crate::stack::init();
    let m = init_current_thread_m();
    crate::signal::install();

    let _ = m;
    crate::proc::schedinit();
    crate::proc::new_main_goroutine(main_goroutine, main as usize, main_stack_size);
    crate::sysmon::start();
    crate::proc::mstart()
}

/// First frame of the main goroutine (Go's runtime.main).
extern "C" fn main_goroutine(arg: usize) -> ! {
    // SAFETY: `arg` is the MainFn that start_with gave to new_main_goroutine.
    let main: MainFn = unsafe { core::mem::transmute::<usize, MainFn>(arg) };
    crate::proc::set_main_started();
    main(getg());
    // Another goroutine is printing a fatal panic: let it finish and exit(2) rather than
    // exiting 0 under it (Go parks the main goroutine forever here).
    while PANICKING.load(Ordering::SeqCst) != 0 {
        // SAFETY: plain sleep.
        unsafe { libc::usleep(100_000) };
    }
    // Returning from main.main ends the program, whatever other goroutines are doing.
    exit(0)
}
