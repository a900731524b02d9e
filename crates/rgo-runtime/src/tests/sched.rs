//! The scheduler, channels, select, timers, preemption and deadlock detection, run in
//! child processes through the real start-up path with GOMAXPROCS 1, 2 and 8. Goroutine
//! bodies are `extern "C" fn(g, arg)`, as codegen will emit them.

use core::ptr;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

use super::child::run_env;
use crate::chan::{rgo_chanrecv, rgo_chansend, rgo_closechan, rgo_makechan, Hchan};
use crate::g::G;
use crate::proc::{rgo_gosched, rgo_newproc, rgo_poll};
use crate::select::{rgo_selectgo, Scase};
use crate::start::MainFn;
use rgo_abi::typ::{CHAN_RECV, CHAN_SEND};

/// The scenarios of this module, by name.
pub fn scenario(name: &str) -> Option<MainFn> {
    Some(match name {
        "pc_unbuffered" => go_pc_unbuffered,
        "pc_buffered" => go_pc_buffered,
        "select_fanin" => go_select_fanin,
        "many_goroutines" => go_many_goroutines,
        "preempt" => go_preempt,
        "deadlock" => go_deadlock,
        "deadlock_select" => go_deadlock_select,
        "sleep" => go_sleep,
        "send_closed" => go_send_closed,
        "close_closed" => go_close_closed,
        "close_nil" => go_close_nil,
        "gomaxprocs" => go_gomaxprocs,
        "syscall" => go_syscall,
        "main_exits" => go_main_exits,
        "schedtrace" => go_schedtrace,
        _ => return None,
    })
}

fn out(s: &str) {
    // SAFETY: writes our own buffer to stdout.
    unsafe { libc::write(1, s.as_ptr() as *const libc::c_void, s.len()) };
}

fn makechan(size: i64) -> *mut Hchan {
    // SAFETY: a plain int64 channel.
    unsafe { rgo_makechan(ptr::null_mut(), ptr::null(), 8, 8, size) }
}

fn send(g: *mut G, c: *mut Hchan, v: i64) {
    // SAFETY: v lives across the call.
    unsafe { rgo_chansend(g, c, &v as *const i64 as *const u8) }
}

fn recv(g: *mut G, c: *mut Hchan) -> (i64, bool) {
    let mut v = -1i64;
    // SAFETY: v is room for one element.
    let ok = unsafe { rgo_chanrecv(g, c, &mut v as *mut i64 as *mut u8) };
    (v, ok)
}

fn go(g: *mut G, f: unsafe extern "C" fn(*mut G, *mut u8), arg: *mut u8) {
    // SAFETY: f takes (g, arg).
    unsafe { rgo_newproc(g, f, arg) }
}

fn leak<T>(v: T) -> *mut u8 {
    Box::into_raw(Box::new(v)) as *mut u8
}

// ---- producers and consumers ----

struct Prod {
    c: *mut Hchan,
    from: i64,
    n: i64,
    done: *mut Hchan,
}

unsafe extern "C" fn producer(g: *mut G, arg: *mut u8) {
    // SAFETY: arg is a leaked Prod.
    let p = unsafe { &*(arg as *const Prod) };
    for i in 0..p.n {
        send(g, p.c, p.from + i);
    }
    if !p.done.is_null() {
        send(g, p.done, 1);
    }
}

const PRODUCERS: i64 = 8;
const PER: i64 = 20_000;

fn expected_sum() -> i64 {
    let total = PRODUCERS * PER;
    total * (total - 1) / 2
}

extern "C" fn go_pc_unbuffered(g: *mut G) {
    let c = makechan(0);
    for k in 0..PRODUCERS {
        let arg = leak(Prod {
            c,
            from: k * PER,
            n: PER,
            done: ptr::null_mut(),
        });
        go(g, producer, arg);
    }
    let mut sum = 0;
    for _ in 0..PRODUCERS * PER {
        let (v, ok) = recv(g, c);
        assert!(ok);
        sum += v;
    }
    assert_eq!(sum, expected_sum());
    out(&format!("sum {sum}\n"));
}

struct Cons {
    c: *mut Hchan,
    result: *mut Hchan,
}

unsafe extern "C" fn consumer(g: *mut G, arg: *mut u8) {
    // SAFETY: arg is a leaked Cons.
    let a = unsafe { &*(arg as *const Cons) };
    let mut sum = 0;
    loop {
        let (v, ok) = recv(g, a.c);
        if !ok {
            assert_eq!(v, 0, "receive from a closed channel yields the zero value");
            break;
        }
        sum += v;
    }
    send(g, a.result, sum);
}

extern "C" fn go_pc_buffered(g: *mut G) {
    let c = makechan(16);
    let done = makechan(PRODUCERS);
    let result = makechan(0);
    for k in 0..PRODUCERS {
        go(
            g,
            producer,
            leak(Prod {
                c,
                from: k * PER,
                n: PER,
                done,
            }),
        );
    }
    for _ in 0..3 {
        go(g, consumer, leak(Cons { c, result }));
    }
    for _ in 0..PRODUCERS {
        recv(g, done);
    }
    // SAFETY: c is a live channel.
    unsafe { rgo_closechan(g, c) };
    let mut sum = 0;
    for _ in 0..3 {
        sum += recv(g, result).0;
    }
    assert_eq!(sum, expected_sum());
    out(&format!("sum {sum}\n"));
}

// ---- select fan-in over 1000 channels ----

struct One {
    c: *mut Hchan,
    v: i64,
}

unsafe extern "C" fn send_one(g: *mut G, arg: *mut u8) {
    // SAFETY: leaked One.
    let a = unsafe { &*(arg as *const One) };
    send(g, a.c, a.v);
    send(g, a.c, a.v * 1000);
}

extern "C" fn go_select_fanin(g: *mut G) {
    const N: usize = 1000;
    let chans: Vec<*mut Hchan> = (0..N).map(|_| makechan(0)).collect();
    for (i, &c) in chans.iter().enumerate() {
        go(g, send_one, leak(One { c, v: i as i64 }));
    }
    let mut slot = vec![0i64; N];
    let mut cases: Vec<Scase> = (0..N)
        .map(|i| Scase {
            c: chans[i],
            elem: &mut slot[i] as *mut i64 as *mut u8,
            dir: CHAN_RECV,
        })
        .collect();
    // A send case on a nil channel never fires.
    let dummy = 5i64;
    cases.push(Scase {
        c: ptr::null_mut(),
        elem: &dummy as *const i64 as *mut u8,
        dir: CHAN_SEND,
    });
    let mut sum = 0i64;
    let mut hits = vec![0u32; N];
    for _ in 0..2 * N {
        // SAFETY: cases are valid records.
        let r = unsafe { rgo_selectgo(g, cases.as_ptr(), cases.len() as i64, 1) };
        assert!(r >= 0);
        let i = (r >> 1) as usize;
        assert_eq!(r & 1, 1, "recv ok");
        hits[i] += 1;
        sum += slot[i];
    }
    assert!(hits.iter().all(|&h| h == 2));
    let n = N as i64;
    assert_eq!(sum, n * (n - 1) / 2 * 1001);
    // Non-blocking: nothing is ready now.
    // SAFETY: as above.
    let r = unsafe { rgo_selectgo(g, cases.as_ptr(), cases.len() as i64, 0) };
    assert_eq!(r, -1);
    out(&format!("sum {sum}\n"));
}

// ---- 100k goroutines ----

unsafe extern "C" fn tick(g: *mut G, arg: *mut u8) {
    send(g, arg as *mut Hchan, 1);
}

extern "C" fn go_many_goroutines(g: *mut G) {
    const WAVE: usize = 10_000;
    let c = makechan(64);
    let mut total = 0;
    for _ in 0..10 {
        for _ in 0..WAVE {
            go(g, tick, c as *mut u8);
        }
        for _ in 0..WAVE {
            total += recv(g, c).0;
        }
    }
    assert_eq!(total, 100_000);
    let allg = crate::g::allg_count();
    // Dead Gs are reused: far fewer descriptors than goroutines.
    assert!(allg < 3 * WAVE, "allg {allg}");
    out(&format!("joined {total}\n"));
}

// ---- preemption ----

static STOP: AtomicBool = AtomicBool::new(false);
static SPINS: AtomicI64 = AtomicI64::new(0);

unsafe extern "C" fn spinner(g: *mut G, _arg: *mut u8) {
    while !STOP.load(Ordering::Relaxed) {
        SPINS.fetch_add(1, Ordering::Relaxed);
        // The poll generated code puts on loop back-edges.
        // SAFETY: g is this goroutine.
        if unsafe { (*g).preempt.load(Ordering::Relaxed) } != 0 {
            // SAFETY: as above.
            unsafe { rgo_poll(g) };
        }
    }
}

extern "C" fn go_preempt(g: *mut G) {
    go(g, spinner, ptr::null_mut());
    // Let the spinner take the (only) P; we must get it back through preemption.
    // SAFETY: g is this goroutine.
    unsafe { rgo_gosched(g) };
    while SPINS.load(Ordering::Relaxed) == 0 {
        // SAFETY: as above.
        unsafe { rgo_gosched(g) };
    }
    STOP.store(true, Ordering::Relaxed);
    out("main ran\n");
}

// ---- deadlock ----

unsafe extern "C" fn block_nil_send(g: *mut G, _arg: *mut u8) {
    send(g, ptr::null_mut(), 1);
}

extern "C" fn go_deadlock(g: *mut G) {
    go(g, block_nil_send, ptr::null_mut());
    let c = makechan(0);
    recv(g, c);
}

extern "C" fn go_deadlock_select(g: *mut G) {
    // SAFETY: zero cases.
    unsafe { rgo_selectgo(g, ptr::null(), 0, 1) };
}

// ---- timers ----

unsafe extern "C" fn sleeper(g: *mut G, arg: *mut u8) {
    crate::time::sleep(30_000_000);
    send(g, arg as *mut Hchan, 1);
}

extern "C" fn go_sleep(g: *mut G) {
    let t0 = crate::time::nanotime();
    let c = makechan(0);
    for _ in 0..50 {
        go(g, sleeper, c as *mut u8);
    }
    for _ in 0..50 {
        recv(g, c);
    }
    let el = crate::time::nanotime() - t0;
    assert!(el >= 30_000_000, "woke too early: {el}");
    assert!(el < 2_000_000_000, "too slow: {el}");
    crate::time::sleep(10_000_000);
    out("slept\n");
}

// ---- panics ----

extern "C" fn go_send_closed(g: *mut G) {
    let c = makechan(1);
    // SAFETY: live channel.
    unsafe { rgo_closechan(g, c) };
    send(g, c, 1);
}

extern "C" fn go_close_closed(g: *mut G) {
    let c = makechan(0);
    // SAFETY: live channel.
    unsafe {
        rgo_closechan(g, c);
        rgo_closechan(g, c);
    }
}

extern "C" fn go_close_nil(g: *mut G) {
    // SAFETY: a nil channel.
    unsafe { rgo_closechan(g, ptr::null_mut()) };
}

// ---- GOMAXPROCS at run time ----

extern "C" fn go_gomaxprocs(g: *mut G) {
    let c = makechan(0);
    for k in 0..4 {
        go(
            g,
            producer,
            leak(Prod {
                c,
                from: k * 1000,
                n: 1000,
                done: ptr::null_mut(),
            }),
        );
    }
    let mut sum = 0;
    for i in 0..4000 {
        if i == 1000 {
            assert_eq!(crate::proc::gomaxprocs(4), 2);
        }
        if i == 2500 {
            assert_eq!(crate::proc::gomaxprocs(1), 4);
        }
        sum += recv(g, c).0;
    }
    assert_eq!(sum, 3999 * 4000 / 2);
    assert_eq!(crate::proc::gomaxprocs(0), 1);
    // The producers finish exiting after their last send.
    let mut spins = 0;
    while crate::proc::num_goroutine() != 1 {
        spins += 1;
        assert!(spins < 1_000_000, "producers never exited");
        // SAFETY: g is this goroutine.
        unsafe { rgo_gosched(g) };
    }
    out("resized\n");
}

// ---- system calls release the P ----

static SYSCALL_DONE: AtomicBool = AtomicBool::new(false);

unsafe extern "C" fn blocker(g: *mut G, arg: *mut u8) {
    crate::proc::syscall(|| {
        // SAFETY: plain sleep in the kernel.
        unsafe { libc::usleep(200_000) };
    });
    SYSCALL_DONE.store(true, Ordering::Release);
    send(g, arg as *mut Hchan, 1);
}

unsafe extern "C" fn counter(g: *mut G, arg: *mut u8) {
    let mut n = 0i64;
    while !SYSCALL_DONE.load(Ordering::Acquire) && n < 1000 {
        n += 1;
        // SAFETY: g is this goroutine.
        unsafe { rgo_gosched(g) };
    }
    send(g, arg as *mut Hchan, n);
}

extern "C" fn go_syscall(g: *mut G) {
    let c = makechan(0);
    let d = makechan(0);
    go(g, blocker, c as *mut u8);
    // SAFETY: g is this goroutine.
    unsafe { rgo_gosched(g) };
    go(g, counter, d as *mut u8);
    let (n, _) = recv(g, d);
    // The counter ran (and finished) while the blocker's M slept in the kernel.
    assert_eq!(n, 1000);
    assert!(!SYSCALL_DONE.load(Ordering::Acquire));
    recv(g, c);
    out("syscall ok\n");
}

// ---- main returning ends the program ----

unsafe extern "C" fn forever(g: *mut G, _arg: *mut u8) {
    loop {
        // SAFETY: g is this goroutine.
        unsafe { rgo_gosched(g) };
    }
}

extern "C" fn go_main_exits(g: *mut G) {
    go(g, forever, ptr::null_mut());
    go(g, block_nil_send, ptr::null_mut());
    crate::time::sleep(5_000_000);
    out("bye\n");
}

extern "C" fn go_schedtrace(_g: *mut G) {
    crate::time::sleep(60_000_000);
}

// ---- the tests ----

fn check(scenario: &str, procs: &str, want_stdout: &str) {
    let o = run_env(scenario, &[("GOMAXPROCS", procs)]);
    assert_eq!(
        o.code,
        Some(0),
        "{scenario} GOMAXPROCS={procs}: stderr:\n{}",
        o.stderr
    );
    assert!(
        o.stdout.contains(want_stdout),
        "{scenario} GOMAXPROCS={procs}: stdout {:?}",
        o.stdout
    );
}

fn each_procs(scenario: &str, want: &str) {
    for p in ["1", "2", "8"] {
        check(scenario, p, want);
    }
}

#[test]
fn producers_consumers_unbuffered() {
    each_procs("pc_unbuffered", &format!("sum {}", expected_sum()));
}

#[test]
fn producers_consumers_buffered() {
    each_procs("pc_buffered", &format!("sum {}", expected_sum()));
}

#[test]
fn select_fan_in_1000() {
    each_procs("select_fanin", "sum ");
}

#[test]
fn hundred_thousand_goroutines() {
    each_procs("many_goroutines", "joined 100000");
}

#[test]
fn sysmon_preempts_a_polling_loop() {
    check("preempt", "1", "main ran");
    check("preempt", "2", "main ran");
}

#[test]
fn sleep_parks_and_wakes() {
    each_procs("sleep", "slept");
}

#[test]
fn gomaxprocs_resizes_while_running() {
    check("gomaxprocs", "2", "resized");
}

#[test]
fn syscalls_release_the_p() {
    check("syscall", "1", "syscall ok");
}

#[test]
fn main_return_ends_the_program() {
    each_procs("main_exits", "bye");
}

#[test]
fn deadlock_is_reported() {
    for p in ["1", "2", "8"] {
        let o = run_env("deadlock", &[("GOMAXPROCS", p)]);
        assert_eq!(o.code, Some(2), "stderr:\n{}", o.stderr);
        assert_eq!(
            o.stderr,
            "fatal error: all goroutines are asleep - deadlock!\n\n\
             goroutine 1 [chan receive]:\n\n\
             goroutine 2 [chan send (nil chan)]:\n",
            "GOMAXPROCS={p}"
        );
    }
    let o = run_env("deadlock_select", &[("GOMAXPROCS", "2")]);
    assert_eq!(o.code, Some(2));
    assert_eq!(
        o.stderr,
        "fatal error: all goroutines are asleep - deadlock!\n\ngoroutine 1 [select (no cases)]:\n"
    );
}

#[test]
fn channel_panics_use_gc_texts() {
    for (s, msg) in [
        ("send_closed", "send on closed channel"),
        ("close_closed", "close of closed channel"),
        ("close_nil", "close of nil channel"),
    ] {
        let o = run_env(s, &[("GOMAXPROCS", "2")]);
        assert_eq!(o.code, Some(2), "{s}: {}", o.stderr);
        assert_eq!(
            o.stderr,
            format!("panic: {msg}\n\ngoroutine 1 [running]:\n"),
            "{s}"
        );
    }
}

#[test]
fn schedtrace_prints_gc_format() {
    let o = run_env(
        "schedtrace",
        &[("GOMAXPROCS", "2"), ("GODEBUG", "schedtrace=10")],
    );
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    let line = o
        .stderr
        .lines()
        .find(|l| l.starts_with("SCHED "))
        .unwrap_or_else(|| panic!("no SCHED line in {:?}", o.stderr));
    assert!(line.contains("ms: gomaxprocs=2 idleprocs="), "{line}");
    for k in [
        " threads=",
        " spinningthreads=",
        " idlethreads=",
        " runqueue=",
    ] {
        assert!(line.contains(k), "{line}");
    }
    assert!(line.ends_with(']'), "{line}");
}
