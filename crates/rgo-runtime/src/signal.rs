//! Synchronous signals: faults and traps raised by Go code (Go's signal_unix.go).
//!
//! The runtime handles SIGSEGV, SIGBUS, SIGILL and SIGFPE on a per-M alternate signal stack
//! (`minit_signal_stack`), so a goroutine that ran off the end of its stack can still be
//! reported. The handler classifies what happened on the faulting thread:
//!
//! 1. **Stack overflow** — the goroutine's prologue check executed `ud2` (SIGILL) with SP
//!    just above `g.stackguard`, or code touched the guard area below the stack (SIGSEGV),
//!    or SP is already below the stack. There is no stack left to run Go code on, so the
//!    handler prints gc's report (`runtime: goroutine stack exceeds 1000000000-byte
//!    limit`, the sp/stack line, `fatal error: stack overflow`, the goroutine header) from
//!    the signal stack and exits 2. A code generator that knows its trap sites exactly can
//!    say so through [`set_trap_lookup`], which takes precedence over the heuristics.
//! 2. **A fault in Go code** (SIGSEGV/SIGBUS/SIGFPE on a goroutine): as in Go, the handler
//!    records the signal in the G (`sig`, `sigcode0`, `sigcode1`, `sigpc`) and rewrites the
//!    interrupted context so that the faulting instruction appears to have *called*
//!    [`sigpanic`]: the fault PC is pushed as a return address and execution continues
//!    there after the handler returns. `sigpanic` then raises the proper run-time panic
//!    on the goroutine's own stack — a nil dereference (fault address below 4 KiB, printed
//!    with gc's `[signal SIGSEGV: …]` line), an integer division by zero (printed without
//!    it, as gc's explicit divisor check does) — so deferred calls and recover will work on
//!    it exactly as for explicit checks. A fault at another address is gc's `unexpected fault address`
//!    + `fatal error: fault`.
//! 3. **Anything else on an M** (a fault in the runtime on the system stack, a signal sent
//!    by `kill`, an unknown trap): gc's fatal texts — `fatal error: unexpected signal
//!    during runtime execution`, or the signal's name with `PC=… m=… sigcode=…` — exit 2.
//!
//! A signal on a thread that is not an M (in the JIT, the compiler's own threads) is
//! forwarded to whatever handler was installed before ours (e.g. Rust's stack-overflow
//! reporter), or to the default action.
//!
//! SIGPIPE gets a handler that does nothing (so a write to a closed pipe fails with EPIPE,
//! as in Go, while children started by the program still inherit the default action).
//! Asynchronous signals (os/signal, SIGURG preemption, SIGPROF) come with the scheduler.

use core::cell::UnsafeCell;
use core::mem::MaybeUninit;
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::g::M;
use crate::g::{getg, getm, Stack, G};
use crate::panic::{fatalthrow, panic_error, throw, RuntimeError};
use crate::print::{print_hex, print_int, print_str, print_uint, printlock, printlocked};
use crate::stack::{GUARD_SIZE, MAX_STACK_BYTES, PAGE_SIZE};

const SEGV_MAPERR: i32 = 1;
const SEGV_ACCERR: i32 = 2;
const BUS_ADRERR: i32 = 2;
const FPE_INTDIV: i32 = 1;
const FPE_INTOVF: i32 = 2;

/// Faults below this address are nil dereferences (Go: the first page is never mapped).
const NIL_PAGE_LIMIT: usize = 0x1000;

/// A `ud2` trap with SP at most this far above `stackguard` is taken for a failed prologue
/// check (the check runs before the frame is allocated, so SP sits within one frame size
/// of the limit). Frames larger than this are reported as an unexpected SIGILL unless
/// [`set_trap_lookup`] identifies the trap.
const MAX_CHECKED_FRAME: usize = 1 << 20;

/// Size of each M's alternate signal stack.
const SIG_STACK_SIZE: usize = 64 * 1024;

/// Signal names as gc prints them (`[signal SIGSEGV: segmentation violation …]`).
const SIGNAMES: [&str; 32] = [
    "SIGNONE: no trap",
    "SIGHUP: terminal line hangup",
    "SIGINT: interrupt",
    "SIGQUIT: quit",
    "SIGILL: illegal instruction",
    "SIGTRAP: trace trap",
    "SIGABRT: abort",
    "SIGBUS: bus error",
    "SIGFPE: floating-point exception",
    "SIGKILL: kill",
    "SIGUSR1: user-defined signal 1",
    "SIGSEGV: segmentation violation",
    "SIGUSR2: user-defined signal 2",
    "SIGPIPE: write to broken pipe",
    "SIGALRM: alarm clock",
    "SIGTERM: termination",
    "SIGSTKFLT: stack fault",
    "SIGCHLD: child status has changed",
    "SIGCONT: continue",
    "SIGSTOP: stop, unblockable",
    "SIGTSTP: keyboard stop",
    "SIGTTIN: background read from tty",
    "SIGTTOU: background write to tty",
    "SIGURG: urgent condition on socket",
    "SIGXCPU: cpu limit exceeded",
    "SIGXFSZ: file size limit exceeded",
    "SIGVTALRM: virtual alarm clock",
    "SIGPROF: profiling alarm clock",
    "SIGWINCH: window size change",
    "SIGIO: i/o now possible",
    "SIGPWR: power failure restart",
    "SIGSYS: bad system call",
];

/// gc's name of signal `sig`, if it has one.
pub fn signame(sig: u32) -> Option<&'static str> {
    SIGNAMES.get(sig as usize).copied()
}

/// What a trap instruction in generated code stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrapKind {
    StackOverflow,
    IntegerDivideByZero,
    IntegerOverflow,
    NilDeref,
    /// Any other trap: reported as an unexpected signal.
    Other,
}

/// Maps the PC of a trapping instruction to its meaning, or None if unknown.
pub type TrapLookup = fn(pc: usize) -> Option<TrapKind>;

static TRAP_LOOKUP: AtomicUsize = AtomicUsize::new(0);

/// Registers the code generator's trap-site table (e.g. from Cranelift's trap records).
pub fn set_trap_lookup(f: TrapLookup) {
    TRAP_LOOKUP.store(f as usize, Ordering::Release);
}

fn lookup_trap(pc: usize) -> Option<TrapKind> {
    let f = TRAP_LOOKUP.load(Ordering::Acquire);
    if f == 0 {
        return None;
    }
    // SAFETY: the only non-zero value ever stored is a TrapLookup fn pointer.
    let f: TrapLookup = unsafe { core::mem::transmute::<usize, TrapLookup>(f) };
    f(pc)
}

/// Handlers that were installed before ours, for forwarding from non-M threads.
struct OldActions(UnsafeCell<[MaybeUninit<libc::sigaction>; 32]>);
// SAFETY: written only by `install` before our handlers are in place (guarded by
// INSTALLED), read-only afterwards.
unsafe impl Sync for OldActions {}
static OLD_ACTIONS: OldActions = OldActions(UnsafeCell::new([const { MaybeUninit::uninit() }; 32]));
static INSTALLED: AtomicBool = AtomicBool::new(false);

const HANDLED: [i32; 4] = [libc::SIGSEGV, libc::SIGBUS, libc::SIGILL, libc::SIGFPE];

/// Installs the runtime's signal handlers (once per process).
pub fn install() {
    if INSTALLED.swap(true, Ordering::AcqRel) {
        return;
    }
    // SAFETY: sigaction with valid, fully initialised structs; OLD_ACTIONS is written
    // before any of our handlers can run (see OldActions).
    unsafe {
        let old = &mut *OLD_ACTIONS.0.get();
        for &sig in HANDLED.iter() {
            let mut sa: libc::sigaction = core::mem::zeroed();
            sa.sa_sigaction = sighandler as *const () as usize;
            sa.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK | libc::SA_RESTART;
            libc::sigfillset(&mut sa.sa_mask);
            let mut prev: libc::sigaction = core::mem::zeroed();
            libc::sigaction(sig, &sa, &mut prev);
            old[sig as usize] = MaybeUninit::new(prev);
        }
        let mut sa: libc::sigaction = core::mem::zeroed();
        sa.sa_sigaction = sigpipe_noop as *const () as usize;
        sa.sa_flags = libc::SA_RESTART;
        libc::sigaction(libc::SIGPIPE, &sa, core::ptr::null_mut());
    }
}

extern "C" fn sigpipe_noop(_sig: libc::c_int) {}

/// Allocates and installs an alternate signal stack for the calling thread (Go's
/// minitSignalStack); returns its bounds.
pub fn minit_signal_stack() -> Stack {
    let len = SIG_STACK_SIZE + PAGE_SIZE;
    // SAFETY: a fresh anonymous mapping; sigaltstack gets a stack_t describing memory we
    // own and never free (Ms live forever).
    unsafe {
        let p = libc::mmap(
            core::ptr::null_mut(),
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        );
        if p == libc::MAP_FAILED {
            throw("runtime: cannot allocate signal stack");
        }
        libc::mprotect(p, PAGE_SIZE, libc::PROT_NONE);
        let lo = p as usize + PAGE_SIZE;
        let ss = libc::stack_t {
            ss_sp: lo as *mut libc::c_void,
            ss_flags: 0,
            ss_size: SIG_STACK_SIZE,
        };
        libc::sigaltstack(&ss, core::ptr::null_mut());
        Stack {
            lo,
            hi: lo + SIG_STACK_SIZE,
        }
    }
}

/// The interrupted context's registers.
struct Ctx(*mut libc::ucontext_t);

impl Ctx {
    fn reg(&self, r: i32) -> usize {
        // SAFETY: the kernel hands the handler a valid ucontext_t.
        unsafe { (*self.0).uc_mcontext.gregs[r as usize] as usize }
    }
    fn set_reg(&self, r: i32, v: usize) {
        // SAFETY: as above; the kernel restores these registers on return.
        unsafe { (*self.0).uc_mcontext.gregs[r as usize] = v as i64 }
    }
    fn pc(&self) -> usize {
        self.reg(libc::REG_RIP)
    }
    fn sp(&self) -> usize {
        self.reg(libc::REG_RSP)
    }
}

extern "C" fn sighandler(sig: libc::c_int, info: *mut libc::siginfo_t, uctx: *mut libc::c_void) {
    let g = getg();
    let m = getm();
    if g.is_null() || m.is_null() {
        // SAFETY: forwarding the kernel's arguments unchanged.
        unsafe { forward(sig, info, uctx) };
        return;
    }
    let ctx = Ctx(uctx as *mut libc::ucontext_t);
    // SAFETY: info is the kernel's siginfo for this signal.
    let (code, addr) = unsafe { ((*info).si_code, (*info).si_addr() as usize) };
    let (pc, sp) = (ctx.pc(), ctx.sp());
    // SAFETY: m is this thread's M.
    let curg = unsafe { (*m).curg };
    let on_goroutine = !curg.is_null() && g == curg;
    let sent_by_user = code <= 0; // SI_USER, SI_TKILL, SI_QUEUE…

    if on_goroutine && !sent_by_user {
        let trap = if sig == libc::SIGILL || sig == libc::SIGTRAP {
            lookup_trap(pc)
        } else {
            None
        };
        // SAFETY: curg is the running goroutine, valid.
        let overflow = match trap {
            Some(t) => t == TrapKind::StackOverflow,
            None => unsafe { is_stack_overflow(&*curg, sig, pc, sp, addr) },
        };
        if overflow {
            stack_overflow(curg, sp);
        }
        let panics = match sig {
            libc::SIGSEGV | libc::SIGBUS | libc::SIGFPE => true,
            libc::SIGILL | libc::SIGTRAP => {
                matches!(
                    trap,
                    Some(
                        TrapKind::IntegerDivideByZero
                            | TrapKind::IntegerOverflow
                            | TrapKind::NilDeref
                    )
                )
            }
            _ => false,
        };
        if panics {
            // A trap the code generator identified stands for the fault it replaces (a
            // trapping nil check has no fault address: report address 0).
            let (sig, code, addr) = match trap {
                Some(TrapKind::IntegerDivideByZero) => (libc::SIGFPE, FPE_INTDIV, 0),
                Some(TrapKind::IntegerOverflow) => (libc::SIGFPE, FPE_INTOVF, 0),
                Some(TrapKind::NilDeref) => (libc::SIGSEGV, SEGV_MAPERR, 0),
                _ => (sig, code, addr),
            };
            // SAFETY: curg is valid; the rewritten context resumes on its own stack.
            unsafe { prepare_panic(curg, &ctx, sig as u32, code, addr, pc, sp) };
            return;
        }
    }

    if !on_goroutine && !sent_by_user && is_panic_signal(sig) && g == g0_of(m) {
        // A fault in the runtime itself, on the system stack (Go's sigpanic with
        // canpanic false).
        // SAFETY: g is this M's g0, valid.
        unsafe { record_signal(g, sig as u32, code, addr, pc) };
        throw("unexpected signal during runtime execution");
    }
    fatal_signal(g, sig, code, pc);
}

fn g0_of(m: *mut M) -> *mut G {
    // SAFETY: m is this thread's M, valid forever.
    unsafe { (*m).g0 }
}

fn is_panic_signal(sig: i32) -> bool {
    matches!(sig, libc::SIGSEGV | libc::SIGBUS | libc::SIGFPE)
}

/// Heuristic recognition of a stack overflow on goroutine `g`.
fn is_stack_overflow(g: &G, sig: i32, pc: usize, sp: usize, addr: usize) -> bool {
    let lo = g.stack.lo;
    let below = |a: usize| a < lo && a >= lo.saturating_sub(GUARD_SIZE);
    if below(sp) {
        return true;
    }
    match sig {
        libc::SIGSEGV | libc::SIGBUS => below(addr),
        libc::SIGILL => {
            sp >= lo
                && sp < g.stackguard.saturating_add(MAX_CHECKED_FRAME)
                // SAFETY: pc is the address of the instruction that just raised SIGILL, so
                // its first byte is mapped. 0F is never a whole instruction: the CPU had to
                // fetch the next byte (possibly on the next page) to decode the invalid
                // opcode, so that byte is mapped too. ud2 is 0F 0B.
                && unsafe { *(pc as *const u8) } == 0x0f
                && unsafe { *((pc + 1) as *const u8) } == 0x0b
        }
        _ => false,
    }
}

/// gc's report for a goroutine that exceeded its stack; exits 2.
fn stack_overflow(g: *mut G, sp: usize) -> ! {
    printlock();
    print_str("runtime: goroutine stack exceeds ");
    print_uint(MAX_STACK_BYTES);
    print_str("-byte limit\n");
    // SAFETY: g is the running goroutine, valid.
    let stack = unsafe { (*g).stack };
    print_str("runtime: sp=");
    print_hex(sp as u64);
    print_str(" stack=[");
    print_hex(stack.lo as u64);
    print_str(", ");
    print_hex(stack.hi as u64);
    print_str("]\n");
    print_str("fatal error: stack overflow\n");
    fatalthrow(g)
}

/// Records the signal's details in `g` (printed later as `[signal …]`).
///
/// # Safety
/// `g` must be valid and not concurrently modified.
unsafe fn record_signal(g: *mut G, sig: u32, code: i32, addr: usize, pc: usize) {
    // SAFETY: by contract.
    unsafe {
        (*g).sig = sig;
        (*g).sigcode0 = code as u32 as usize;
        (*g).sigcode1 = addr;
        (*g).sigpc = pc;
    }
}

/// Makes the interrupted goroutine call [`sigpanic`] as if from the faulting instruction
/// (Go's preparePanic/pushCall).
///
/// # Safety
/// `g` is the goroutine that was interrupted, `ctx` its context, `sp` its SP, which has
/// room below it (the stack-overflow case was handled before).
unsafe fn prepare_panic(
    g: *mut G,
    ctx: &Ctx,
    sig: u32,
    code: i32,
    addr: usize,
    pc: usize,
    sp: usize,
) {
    // SAFETY: by contract; the slot below SP is free goroutine stack.
    unsafe {
        record_signal(g, sig, code, addr, pc);
        let new_sp = sp - 8;
        *(new_sp as *mut usize) = pc;
        ctx.set_reg(libc::REG_RSP, new_sp);
    }
    ctx.set_reg(libc::REG_RIP, rgo_sigpanic_trampoline as *const () as usize);
    ctx.set_reg(libc::REG_RDI, g as usize);
}

/// Entered (with `rdi` = g) in place of the faulting instruction, whose address sits on
/// the stack as this frame's return address. Builds a frame record so the frame-pointer
/// chain runs through the faulting frame, aligns the stack, and calls `sigpanic`.
#[unsafe(naked)]
unsafe extern "C" fn rgo_sigpanic_trampoline() -> ! {
    core::arch::naked_asm!(
        "push rbp",
        "mov rbp, rsp",
        "and rsp, -16",
        "call {sigpanic}",
        "ud2",
        sigpanic = sym sigpanic,
    )
}

/// Turns the synchronous signal recorded in `g` into a run-time panic (Go's sigpanic).
///
/// # Safety
/// `g` is the running goroutine, as passed by the trampoline.
unsafe extern "C" fn sigpanic(g: *mut G) -> ! {
    // SAFETY: by contract.
    let (sig, code, addr) = unsafe { ((*g).sig as i32, (*g).sigcode0 as i32, (*g).sigcode1) };
    // SAFETY: (for the panic_error calls) g is the running goroutine.
    unsafe { sigpanic_dispatch(g, sig, code, addr) }
}

/// # Safety
/// As for [`sigpanic`].
unsafe fn sigpanic_dispatch(g: *mut G, sig: i32, code: i32, addr: usize) -> ! {
    // SAFETY: forwarded contract, for every panic_error below.
    unsafe {
        match sig {
            libc::SIGBUS => {
                if code == BUS_ADRERR && addr < NIL_PAGE_LIMIT {
                    panic_error(g, RuntimeError::NilDeref);
                }
                unexpected_fault(addr)
            }
            libc::SIGSEGV => {
                if (code == 0 || code == SEGV_MAPERR || code == SEGV_ACCERR)
                    && addr < NIL_PAGE_LIMIT
                {
                    panic_error(g, RuntimeError::NilDeref);
                }
                unexpected_fault(addr)
            }
            libc::SIGFPE => {
                // gc checks divisors explicitly, so its users never see a `[signal SIGFPE`
                // line under a division panic; neither do ours when the code generator
                // relies on the hardware trap instead.
                (*g).sig = 0;
                match code {
                    FPE_INTDIV => panic_error(g, RuntimeError::DivideByZero),
                    FPE_INTOVF => panic_error(g, RuntimeError::Overflow),
                    _ => panic_error(g, RuntimeError::FloatError),
                }
            }
            _ => panic_error(
                g,
                RuntimeError::Message(signame(sig as u32).unwrap_or("unknown signal")),
            ),
        }
    }
}

fn unexpected_fault(addr: usize) -> ! {
    printlocked(|| {
        print_str("unexpected fault address ");
        print_hex(addr as u64);
        print_str("\n");
    });
    throw("fault")
}

/// gc's report for a signal that is not a panic (Go's sighandler throw path); exits 2.
fn fatal_signal(g: *mut G, sig: i32, code: i32, pc: usize) -> ! {
    let m = getm();
    printlock();
    // SAFETY: m is this thread's M.
    unsafe { (*m).throwing = 1 };
    match signame(sig as u32) {
        Some(name) => print_str(name),
        None => {
            print_str("Signal ");
            print_int(sig as i64);
        }
    }
    print_str("\nPC=");
    print_hex(pc as u64);
    print_str(" m=");
    // SAFETY: as above.
    print_int(unsafe { (*m).id });
    print_str(" sigcode=");
    print_int(code as i64);
    print_str("\n");
    if sig == libc::SIGILL || sig == libc::SIGFPE {
        // Up to 16 bytes, not crossing into the next page (which may be unmapped).
        let n = 16.min(PAGE_SIZE - pc % PAGE_SIZE);
        print_str("instruction bytes:");
        for i in 0..n {
            print_str(" ");
            // SAFETY: the faulting instruction's page is mapped.
            print_hex(unsafe { *((pc + i) as *const u8) } as u64);
        }
        print_str("\n");
    }
    // fatalthrow prints "\n" and the goroutine header (the user goroutine's when the
    // signal hit g0).
    fatalthrow(g)
}

/// Passes a signal that arrived on a non-M thread to the previous handler.
///
/// # Safety
/// Arguments are the kernel's, unchanged.
unsafe fn forward(sig: libc::c_int, info: *mut libc::siginfo_t, uctx: *mut libc::c_void) {
    if sig < 0 || sig as usize >= 32 {
        return;
    }
    // SAFETY: install() filled the entry for every signal routed to this handler.
    let old = unsafe { (*OLD_ACTIONS.0.get())[sig as usize].assume_init() };
    let h = old.sa_sigaction;
    if h == libc::SIG_IGN {
        return;
    }
    if h == libc::SIG_DFL {
        // Restore the default action; a fault re-executes and takes it, a sent signal is
        // raised again (it is blocked until we return).
        // SAFETY: plain sigaction/raise calls with valid arguments.
        unsafe {
            let mut sa: libc::sigaction = core::mem::zeroed();
            sa.sa_sigaction = libc::SIG_DFL;
            libc::sigaction(sig, &sa, core::ptr::null_mut());
            if (*info).si_code <= 0 {
                libc::raise(sig);
            }
        }
        return;
    }
    // SAFETY: h is the previous handler, of the kind its flags say.
    unsafe {
        if old.sa_flags & libc::SA_SIGINFO != 0 {
            let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                core::mem::transmute(h);
            f(sig, info, uctx);
        } else {
            let f: extern "C" fn(libc::c_int) = core::mem::transmute(h);
            f(sig);
        }
    }
}
