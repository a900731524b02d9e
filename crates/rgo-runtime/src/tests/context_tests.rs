//! The context switch: running code on goroutine stacks and coming back.

use core::arch::asm;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::context::{self, gogo, mcall, prepare, rgo_gogo, rgo_gosave_gogo, switch, systemstack};
use crate::g::{alloc_g, getg, init_current_thread_m, new_goid, setg, GStatus, Gobuf, G};
use crate::stack::{alloc_dedicated, stackalloc, stackfree, StackMem};

/// A closure to run on another stack, and where to come back to.
struct Run<'a> {
    home: Gobuf,
    f: Option<&'a mut dyn FnMut()>,
    panic: Option<Box<dyn std::any::Any + Send>>,
}

extern "C" fn run_entry(arg: usize) -> ! {
    let run = arg as *mut Run;
    // SAFETY: arg is the Run that run_on_stack keeps alive until we switch back.
    unsafe {
        if let Some(f) = (*run).f.take() {
            if let Err(p) = catch_unwind(AssertUnwindSafe(f)) {
                (*run).panic = Some(p);
            }
        }
        gogo(&raw const (*run).home)
    }
}

/// Runs `f` on `mem` (a fresh stack) and returns when it is done. Panics propagate.
fn run_on_stack(mem: &StackMem, f: &mut dyn FnMut()) {
    let mut run = Run {
        home: Gobuf::default(),
        f: Some(f),
        panic: None,
    };
    let runp: *mut Run = &mut run;
    let mut buf = Gobuf::default();
    // SAFETY: `mem` is an unused stack; `run` outlives the excursion.
    unsafe {
        prepare(&mut buf, mem.hi, run_entry, runp as usize);
        switch(&raw mut (*runp).home, &buf);
    }
    if let Some(p) = run.panic.take() {
        resume_unwind(p);
    }
}

fn sp_now() -> usize {
    let sp: usize;
    // SAFETY: reads the stack pointer.
    unsafe { asm!("mov {}, rsp", out(reg) sp) };
    sp
}

#[test]
fn runs_on_the_goroutine_stack_and_returns() {
    let mem = stackalloc();
    let mut seen_sp = 0;
    let mut result = 0u64;
    run_on_stack(&mem, &mut || {
        seen_sp = sp_now();
        result = (1..=10u64).product();
    });
    assert!(
        mem.lo <= seen_sp && seen_sp < mem.hi,
        "did not run on the new stack"
    );
    assert_eq!(result, 3_628_800);
    // Again on the same stack (the free list's reuse pattern).
    run_on_stack(&mem, &mut || result += 1);
    assert_eq!(result, 3_628_801);
    stackfree(mem);
}

#[test]
fn panics_come_back_across_the_switch() {
    let mem = stackalloc();
    let r = catch_unwind(AssertUnwindSafe(|| {
        run_on_stack(&mem, &mut || panic!("boom on goroutine stack"))
    }));
    assert!(r.is_err());
    stackfree(mem);
}

#[inline(never)]
fn recurse(depth: u64, min_sp: &mut usize) -> u64 {
    let pad = std::hint::black_box([depth; 24]);
    *min_sp = (*min_sp).min(sp_now());
    if depth == 0 {
        return 0;
    }
    recurse(depth - 1, min_sp) + pad[depth as usize % 24] % 3
}

#[test]
fn deep_recursion_on_a_big_stack() {
    // Far deeper than any thread stack: about 300 MiB of frames on a 1 GiB goroutine
    // stack, committed lazily.
    let mem = alloc_dedicated(1 << 30).unwrap();
    let depth = 1_000_000u64;
    let mut min_sp = usize::MAX;
    let mut sum = 0;
    run_on_stack(&mem, &mut || sum = recurse(depth, &mut min_sp));
    let want: u64 = (1..=depth).map(|d| d % 3).sum();
    assert_eq!(sum, want);
    let used = mem.hi - min_sp;
    assert!(used > 64 << 20, "used only {used} bytes of stack");
    assert!(min_sp >= mem.lo);
    stackfree(mem);
}

/// A coroutine that yields 0..N to its creator, one switch per value.
struct Coro {
    main: Gobuf,
    co: Gobuf,
    value: usize,
    done: bool,
}

extern "C" fn coro_entry(arg: usize) -> ! {
    let c = arg as *mut Coro;
    // SAFETY: the Coro outlives the coroutine; each side only touches it while the other
    // is suspended.
    unsafe {
        for i in 0..1000 {
            (*c).value = i;
            switch(&raw mut (*c).co, &raw const (*c).main);
        }
        (*c).done = true;
        gogo(&raw const (*c).main)
    }
}

#[test]
fn ping_pong_between_contexts() {
    let mem = stackalloc();
    let mut c = Box::new(Coro {
        main: Gobuf::default(),
        co: Gobuf::default(),
        value: usize::MAX,
        done: false,
    });
    let cp: *mut Coro = &mut *c;
    // SAFETY: fresh stack; the Coro is boxed and outlives the coroutine.
    unsafe {
        prepare(&mut (*cp).co, mem.hi, coro_entry, cp as usize);
        for want in 0..1000 {
            switch(&raw mut (*cp).main, &raw const (*cp).co);
            assert_eq!((*cp).value, want);
            assert!(!(*cp).done);
        }
        switch(&raw mut (*cp).main, &raw const (*cp).co);
        assert!((*cp).done);
    }
    stackfree(mem);
}

extern "C" fn clobber_entry(arg: usize) -> ! {
    // Trash every callee-saved register, then resume the creator: the switch must give
    // it back its own values.
    // SAFETY: never returns; `arg` points to the creator's saved Gobuf.
    unsafe {
        asm!(
            "mov rbx, 0xdead1",
            "mov r12, 0xdead2",
            "mov r13, 0xdead3",
            "mov r14, 0xdead4",
            "mov r15, 0xdead5",
            "mov rbp, 0xdead6",
            "call {gogo}",
            gogo = sym rgo_gogo,
            in("rdi") arg,
            options(noreturn),
        )
    }
}

#[test]
fn switch_preserves_callee_saved_registers() {
    let mem = stackalloc();
    let mut bufs = Box::new([Gobuf::default(); 2]); // [home, coroutine]
    let home: *mut Gobuf = &mut bufs[0];
    let co: *mut Gobuf = &mut bufs[1];
    let mut out = [0u64; 6];
    // SAFETY: the coroutine runs on a fresh stack and resumes `home`; the asm saves and
    // restores every callee-saved register it sets, and keeps the stack aligned at the
    // call (7 pushes + 8 bytes).
    unsafe {
        prepare(&mut *co, mem.hi, clobber_entry, home as usize);
        asm!(
            "push rbx",
            "push rbp",
            "push r12",
            "push r13",
            "push r14",
            "push r15",
            "push {out}",
            "sub rsp, 8",
            "mov rbx, 0x1111",
            "mov r12, 0x2222",
            "mov r13, 0x3333",
            "mov r14, 0x4444",
            "mov r15, 0x5555",
            "mov rbp, 0x6666",
            "call {switch}",
            "add rsp, 8",
            "pop rax",
            "mov [rax], rbx",
            "mov [rax + 8], r12",
            "mov [rax + 16], r13",
            "mov [rax + 24], r14",
            "mov [rax + 32], r15",
            "mov [rax + 40], rbp",
            "pop r15",
            "pop r14",
            "pop r13",
            "pop r12",
            "pop rbp",
            "pop rbx",
            out = in(reg) out.as_mut_ptr(),
            switch = sym rgo_gosave_gogo,
            in("rdi") home,
            in("rsi") co,
            clobber_abi("C"),
        );
    }
    assert_eq!(out, [0x1111, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666]);
    stackfree(mem);
}

// ---- mcall and systemstack need an M whose g0 is parked ----

static STEPS: AtomicUsize = AtomicUsize::new(0);
const STEP_ON_STACK: usize = 1;
const STEP_SYSTEMSTACK: usize = 2;
const STEP_MCALL_ON_G0: usize = 4;
const STEP_MCALL_BACK: usize = 8;
const STEP_G_RESTORED: usize = 16;

extern "C" fn mcall_target(arg: usize) -> ! {
    let g = arg as *mut G;
    // SAFETY: g is the goroutine that called mcall; its m and g0 are valid.
    unsafe {
        let m = (*g).m;
        let sp = sp_now();
        if getg() == (*m).g0 && (*(*m).g0).stack.contains(sp) {
            STEPS.fetch_or(STEP_MCALL_ON_G0, Ordering::SeqCst);
        }
        setg(g);
        gogo(&raw const (*g).sched)
    }
}

extern "C" fn m_goroutine(_: usize) -> ! {
    let g = getg();
    // SAFETY: g is this test's goroutine, with a valid m and parked g0.
    unsafe {
        let m = (*g).m;
        let g0 = (*m).g0;
        if (*g).stack.contains(sp_now()) {
            STEPS.fetch_or(STEP_ON_STACK, Ordering::SeqCst);
        }
        let (cur, sp) = systemstack(|| (getg(), sp_now()));
        if cur == g0 && (*g0).stack.contains(sp) && getg() == g {
            STEPS.fetch_or(STEP_SYSTEMSTACK, Ordering::SeqCst);
        }
        mcall(mcall_target, g as usize);
        STEPS.fetch_or(STEP_MCALL_BACK, Ordering::SeqCst);
        if getg() == g && (*g).stack.contains(sp_now()) {
            STEPS.fetch_or(STEP_G_RESTORED, Ordering::SeqCst);
        }
        (*g).set_status(GStatus::Dead);
        (*m).curg = core::ptr::null_mut();
        setg(g0);
        context::gogo(&raw const (*g0).sched)
    }
}

#[test]
fn mcall_and_systemstack_use_g0() {
    std::thread::spawn(|| {
        let m = init_current_thread_m();
        // SAFETY: a fresh M on this fresh thread, and a fresh G with its own stack.
        unsafe {
            let g0 = (*m).g0;
            assert_eq!(getg(), g0);
            let gp = alloc_g(new_goid());
            (*gp).set_stack(stackalloc());
            prepare(&mut (*gp).sched, (*gp).stack.hi, m_goroutine, 0);
            (*gp).m = m;
            (*m).curg = gp;
            (*gp).set_status(GStatus::Running);
            setg(gp);
            switch(&raw mut (*g0).sched, &raw const (*gp).sched);
            assert_eq!(getg(), g0);
            assert_eq!((*gp).status(), GStatus::Dead as u32);
            if let Some(mem) = (*gp).stack_mem.take() {
                stackfree(mem);
            }
        }
    })
    .join()
    .unwrap();
    assert_eq!(
        STEPS.load(Ordering::SeqCst),
        STEP_ON_STACK | STEP_SYSTEMSTACK | STEP_MCALL_ON_G0 | STEP_MCALL_BACK | STEP_G_RESTORED
    );
}
