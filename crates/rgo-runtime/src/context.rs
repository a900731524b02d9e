//! Context switching: the hand-written x86-64 routines that move a thread from one stack to
//! another (Go's gogo, mcall and systemstack in asm_amd64.s).
//!
//! A suspended context is a [`Gobuf`]: `sp`, `fp` (the frame-pointer chain head, so
//! tracebacks, the panic unwinder and the GC can walk a parked goroutine) and `pc`. Go's
//! own ABI has no callee-saved registers, so its gobuf needs nothing more; here the switch
//! is called from Rust (System V ABI), whose caller expects rbx, rbp and r12–r15 to
//! survive the call. The saving routines therefore build an ordinary frame (`push rbp;
//! mov rbp, rsp`), push the other five callee-saved registers on the *suspended* stack, and
//! record `sp` below them, `fp` = that frame and `pc` = a resume label that pops them and
//! returns. Resuming any gobuf is always the same three loads: `rsp`, `rbp`, jump to `pc`.
//! Keeping the registers on the stack rather than in the G means a conservative stack
//! scan from `sched.sp` also finds pointers that lived only in registers. (MXCSR and the
//! x87 control word are not switched: nothing in Go changes them.)
//!
//! * [`switch`] — save the current context into one gobuf and resume another: the way
//!   g0 starts a goroutine and (later) the scheduler's handoff.
//! * [`gogo`] — resume a gobuf, abandoning the current context.
//! * [`mcall`] — save the current goroutine's context into its `g.sched`, move to the
//!   M's g0 stack and call `f(arg)` there; `f` never returns (it resumes some gobuf).
//!   This is how a goroutine parks, yields or exits.
//! * [`systemstack`] — run a closure on the M's g0 stack and come back, for runtime work
//!   that needs a big stack or must not run on a goroutine's (GC, scheduler, fatal errors).
//!
//! A goroutine that has never run gets a gobuf from [`prepare`]: `pc` is the trampoline
//! `rgo_gostart`, which pops the entry function and its argument that `prepare` left at
//! the top of the new stack, clears rbp (ending the frame chain) and calls it with the
//! stack aligned as the System V ABI wants. Entry functions never return; a goroutine ends
//! by switching away for good.
//!
//! Whoever switches updates the thread-local current g (`g::setg`) just before the switch;
//! these routines only move registers.

use core::arch::naked_asm;
use core::mem::offset_of;

use crate::g::{getg, getm, setg, Gobuf};

/// Saves the current context in `*save` and resumes `*load`. Returns when something
/// resumes `*save`.
#[unsafe(naked)]
pub(crate) unsafe extern "C" fn rgo_gosave_gogo(save: *mut Gobuf, load: *const Gobuf) {
    naked_asm!(
        "push rbp",
        "mov rbp, rsp",
        "push rbx",
        "push r12",
        "push r13",
        "push r14",
        "push r15",
        "mov [rdi + {sp}], rsp",
        "mov [rdi + {fp}], rbp",
        "lea rax, [rip + 2f]",
        "mov [rdi + {pc}], rax",
        "mov rsp, [rsi + {sp}]",
        "mov rbp, [rsi + {fp}]",
        "jmp qword ptr [rsi + {pc}]",
        "2:",
        "pop r15",
        "pop r14",
        "pop r13",
        "pop r12",
        "pop rbx",
        "pop rbp",
        "ret",
        sp = const offset_of!(Gobuf, sp),
        fp = const offset_of!(Gobuf, fp),
        pc = const offset_of!(Gobuf, pc),
    )
}

/// Resumes `*load`; the current context is abandoned.
#[unsafe(naked)]
pub(crate) unsafe extern "C" fn rgo_gogo(load: *const Gobuf) -> ! {
    naked_asm!(
        "mov rsp, [rdi + {sp}]",
        "mov rbp, [rdi + {fp}]",
        "jmp qword ptr [rdi + {pc}]",
        sp = const offset_of!(Gobuf, sp),
        fp = const offset_of!(Gobuf, fp),
        pc = const offset_of!(Gobuf, pc),
    )
}

/// Saves the current context in `*save`, switches to the stack whose (16-byte aligned) top
/// is `sp` and calls `f(arg)` there. `f` must not return.
#[unsafe(naked)]
unsafe extern "C" fn rgo_mcall(
    save: *mut Gobuf,
    arg: usize,
    f: extern "C" fn(usize) -> !,
    sp: usize,
) {
    naked_asm!(
        "push rbp",
        "mov rbp, rsp",
        "push rbx",
        "push r12",
        "push r13",
        "push r14",
        "push r15",
        "mov [rdi + {sp}], rsp",
        "mov [rdi + {fp}], rbp",
        "lea rax, [rip + 2f]",
        "mov [rdi + {pc}], rax",
        "mov rsp, rcx",
        "mov rdi, rsi",
        "call rdx",
        "ud2",
        "2:",
        "pop r15",
        "pop r14",
        "pop r13",
        "pop r12",
        "pop rbx",
        "pop rbp",
        "ret",
        sp = const offset_of!(Gobuf, sp),
        fp = const offset_of!(Gobuf, fp),
        pc = const offset_of!(Gobuf, pc),
    )
}

/// Calls `f(arg)` with the stack pointer set to `sp` (16-byte aligned), then returns on the
/// original stack. The frame built here links the new stack's frames back to the caller's,
/// so a frame-pointer walk crosses the switch.
#[unsafe(naked)]
unsafe extern "C" fn rgo_call_on_stack(arg: *mut u8, f: unsafe extern "C" fn(*mut u8), sp: usize) {
    naked_asm!(
        "push rbp",
        "mov rbp, rsp",
        "mov rsp, rdx",
        "call rsi",
        "mov rsp, rbp",
        "pop rbp",
        "ret",
    )
}

/// First code a new goroutine runs: its stack top holds `[entry, arg]` (see [`prepare`]).
#[unsafe(naked)]
unsafe extern "C" fn rgo_gostart() -> ! {
    naked_asm!("pop rax", "pop rdi", "xor ebp, ebp", "call rax", "ud2")
}

/// Entry function of a goroutine: receives the argument given to [`prepare`], never
/// returns.
pub type EntryFn = extern "C" fn(usize) -> !;

/// Makes `buf` start `entry(arg)` on the stack whose top is `stack_hi` when resumed.
///
/// # Safety
/// `stack_hi` must be the top of a writable stack of at least a few KiB that nothing else
/// uses.
pub unsafe fn prepare(buf: &mut Gobuf, stack_hi: usize, entry: EntryFn, arg: usize) {
    let top = stack_hi & !15;
    let sp = top - 32;
    // SAFETY: [sp, top) lies at the top of the stack the caller handed us.
    unsafe {
        *(sp as *mut usize) = entry as usize;
        *((sp + 8) as *mut usize) = arg;
    }
    // After rgo_gostart pops both words, rsp = top - 16: 16-byte aligned before its call.
    buf.sp = sp;
    buf.fp = 0;
    buf.pc = rgo_gostart as *const () as usize;
}

/// Saves the current context into `*save` and resumes `*load`; returns when `*save` is
/// resumed.
///
/// # Safety
/// `*load` must be a context saved by this module (or made by [`prepare`]) whose stack is
/// not in use, and `save` must stay valid until it is resumed.
pub unsafe fn switch(save: *mut Gobuf, load: *const Gobuf) {
    // SAFETY: forwarded contract.
    unsafe { rgo_gosave_gogo(save, load) }
}

/// Resumes `*load`, abandoning the current context.
///
/// # Safety
/// As for [`switch`]; nothing may rely on the current stack any more.
pub unsafe fn gogo(load: *const Gobuf) -> ! {
    // SAFETY: forwarded contract.
    unsafe { rgo_gogo(load) }
}

/// Saves the current goroutine's context in its `sched`, switches to the M's g0 stack and
/// calls `f(arg)` there with g0 as the current g (Go's mcall). `f` must not return: it
/// resumes some context, possibly this goroutine's, in which case `mcall` returns.
///
/// # Safety
/// Must be called on a goroutine (not g0) of an M whose g0 is parked in a saved context.
pub unsafe fn mcall(f: EntryFn, arg: usize) {
    let g = getg();
    // SAFETY: contract: g is a running goroutine with a valid m and g0.
    unsafe {
        let m = (*g).m;
        if m.is_null() || (*m).g0 == g {
            crate::panic::throw("runtime: mcall called on m->g0 stack");
        }
        let g0 = (*m).g0;
        setg(g0);
        rgo_mcall(&mut (*g).sched, arg, f, (*g0).sched.sp & !15);
        // Resumed: whoever resumed us has set the current g back.
    }
}

/// Runs `f` on the current M's system (g0) stack and returns its result (Go's
/// systemstack). Runs `f` directly when already on g0, or on a thread that is not an M.
pub fn systemstack<R, F: FnOnce() -> R>(f: F) -> R {
    let g = getg();
    let m = getm();
    if g.is_null() || m.is_null() {
        return f();
    }
    // SAFETY: m is this thread's M, alive forever.
    let g0 = unsafe { (*m).g0 };
    if g == g0 || g0.is_null() {
        return f();
    }
    struct Slot<F, R> {
        f: Option<F>,
        r: Option<R>,
    }
    unsafe extern "C" fn trampoline<R, F: FnOnce() -> R>(p: *mut u8) {
        // SAFETY: p is the &mut Slot passed below, alive for the whole call.
        let slot = unsafe { &mut *(p as *mut Slot<F, R>) };
        if let Some(f) = slot.f.take() {
            slot.r = Some(f());
        }
    }
    let mut slot = Slot {
        f: Some(f),
        r: None,
    };
    // SAFETY: g0 is parked (we run on a goroutine of this M), so everything below its saved
    // sp is free; the slot outlives the call.
    unsafe {
        let sp = (*g0).sched.sp & !15;
        setg(g0);
        rgo_call_on_stack(
            &mut slot as *mut Slot<F, R> as *mut u8,
            trampoline::<R, F>,
            sp,
        );
        setg(g);
    }
    match slot.r {
        Some(r) => r,
        None => crate::panic::throw("systemstack: function did not complete"),
    }
}

/// The resume label of [`switch`]'s saved contexts lies inside this routine; tracebacks
/// use it to recognise a parked goroutine's top frame.
pub fn switch_routine_addr() -> usize {
    rgo_gosave_gogo as *const () as usize
}
