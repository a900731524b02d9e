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
//! 4. create the main goroutine (goid 1) with a dedicated 1 GiB lazily committed stack,
//!    whose first frame is [`main_goroutine`] with the compiler's `main(g)` trampoline as
//!    argument (that trampoline runs package initialisation, then `main.main`);
//! 5. switch from g0 to it. When `main(g)` returns, the main goroutine marks itself dead
//!    and resumes g0, which exits the process with status 0 — as in Go, returning from
//!    main.main ends the program whatever other goroutines are doing.
//!
//! A panic or fatal error never comes back here: it exits with status 2 from wherever it
//! is.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

use crate::context;
use crate::g::{alloc_g, getg, init_current_thread_m, new_goid, setg, GStatus, G};
use crate::panic::{exit, throw, PANICKING};
use crate::stack::{alloc_dedicated, MAIN_STACK_SIZE};

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

    let Some(mem) = alloc_dedicated(main_stack_size) else {
        throw("runtime: cannot allocate the main goroutine's stack");
    };
    let gp = alloc_g(new_goid());
    // SAFETY: m and its g0 were just created for this thread; gp is new and not shared;
    // the stack is fresh and unused.
    unsafe {
        let g0 = (*m).g0;
        (*gp).set_stack(mem);
        (*gp).start_fn = main as usize;
        context::prepare(&mut (*gp).sched, mem.hi, main_goroutine, main as usize);
        (*gp).set_status(GStatus::Runnable);

        // Go's execute(): bind gp to this M and run it.
        (*gp).m = m;
        (*m).curg = gp;
        (*gp).cas_status(GStatus::Runnable, GStatus::Running);
        setg(gp);
        context::switch(&mut (*g0).sched, &(*gp).sched);
        // Back on g0: the main goroutine has returned from main.
    }
    exit(0)
}

/// First frame of the main goroutine (Go's runtime.main).
extern "C" fn main_goroutine(arg: usize) -> ! {
    // SAFETY: `arg` is the MainFn that start_with gave to context::prepare.
    let main: MainFn = unsafe { core::mem::transmute::<usize, MainFn>(arg) };
    main(getg());
    // Another goroutine is printing a fatal panic: let it finish and exit(2) rather than
    // exiting 0 under it (Go parks the main goroutine forever here).
    while PANICKING.load(Ordering::SeqCst) != 0 {
        // SAFETY: plain sleep.
        unsafe { libc::usleep(100_000) };
    }
    main_exit(getg())
}

/// Retires the main goroutine and resumes g0, which exits the process.
fn main_exit(g: *mut G) -> ! {
    // SAFETY: g is the running main goroutine of this M; g0 is parked in start_with.
    unsafe {
        let m = (*g).m;
        let g0 = (*m).g0;
        (*g).cas_status(GStatus::Running, GStatus::Dead);
        (*m).curg = core::ptr::null_mut();
        (*g).m = core::ptr::null_mut();
        setg(g0);
        context::gogo(&(*g0).sched)
    }
}
