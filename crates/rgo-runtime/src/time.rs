//! Clocks and timers (Go's time.go, in its per-P form).
//!
//! ## Concepts
//!
//! A [`Timer`] is a deadline (`when`, monotonic nanoseconds), an optional `period` and a
//! callback `f(arg, seq, delay)`. Each P owns a binary min-heap of the timers started on
//! it, under the P's `timers` lock. Ms run due timers:
//!
//! * in `schedule`, for their own P ([`check_timers`]) before looking for goroutines;
//! * while stealing work, for other Ps (an idle P's timers still fire);
//! * an M that finds no work at all sleeps on its note with a timeout equal to the
//!   earliest timer of any P (it is the "timer sleeper"; starting an earlier timer wakes
//!   it), so timers need no dedicated thread and an idle program does not spin;
//! * sysmon, as a backstop, starts an M when a timer is overdue and nobody runs it.
//!
//! Callbacks run on g0 with the heap unlocked, on the M that holds some P, so they may
//! ready goroutines (`goready`), which is all `time.Sleep` needs: the sleeping goroutine's
//! own timer readies it. The future `time` package's runtimeTimer (Timer, Ticker,
//! AfterFunc) sits on the same [`add_timer`]/[`del_timer`]/[`mod_timer`] calls with its
//! own callbacks (sendTime, goFunc).
//!
//! ## State machine
//!
//! A timer is *pending* while `pp` is non-null (it is in that P's heap at `idx`) and
//! *inactive* otherwise. Only code holding `pp`'s timers lock changes `pp`/`idx`. A timer
//! that fires leaves the heap before its callback runs (a periodic one is re-inserted with
//! its next deadline), so `del_timer` racing with a firing returns false, as Go's
//! `Timer.Stop` does for a timer that already fired.
//!
//! Rejected: Go 1.14's lock-free status word with its nine states (needed for its
//! deferred-deletion optimisation; a per-P lock is simpler and enough until profiles say
//! otherwise); one global timer thread (Go ≤ 1.13: a thread switch per timer).

use core::ptr;
use core::sync::atomic::{AtomicPtr, Ordering};

use crate::g::{getg, getm, WaitReason, G};
use crate::proc::{self, P};

/// Monotonic time in nanoseconds (Go's nanotime).
pub fn nanotime() -> i64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes the timespec we own.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec * 1_000_000_000 + ts.tv_nsec
}

/// Wall-clock time: (seconds, nanoseconds) since the Unix epoch (Go's walltime).
pub fn walltime() -> (i64, i32) {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes the timespec we own.
    unsafe { libc::clock_gettime(libc::CLOCK_REALTIME, &mut ts) };
    (ts.tv_sec, ts.tv_nsec as i32)
}

/// A timer callback: `f(arg, seq, delay)` with `delay` = how late it runs (ns).
pub type TimerFn = unsafe fn(arg: usize, seq: usize, delay: i64);

/// A runtime timer (Go's runtimeTimer). The memory belongs to whoever started it and must
/// stay valid while the timer is pending.
#[repr(C)]
pub struct Timer {
    pub when: i64,
    pub period: i64,
    pub f: Option<TimerFn>,
    pub arg: usize,
    pub seq: usize,
    /// The P whose heap holds this timer (null when inactive).
    pp: AtomicPtr<P>,
    /// Position in that heap.
    idx: usize,
}

impl Timer {
    pub const fn new() -> Timer {
        Timer {
            when: 0,
            period: 0,
            f: None,
            arg: 0,
            seq: 0,
            pp: AtomicPtr::new(ptr::null_mut()),
            idx: 0,
        }
    }

    pub fn is_pending(&self) -> bool {
        !self.pp.load(Ordering::Acquire).is_null()
    }
}

impl Default for Timer {
    fn default() -> Self {
        Timer::new()
    }
}

/// A P's timer heap (protected by `P::timers`).
#[derive(Default)]
pub struct TimerHeap {
    heap: Vec<*mut Timer>,
}

// SAFETY: the heap holds pointers to live timers; the P's lock serialises all access.
unsafe impl Send for TimerHeap {}

impl TimerHeap {
    pub const fn new() -> TimerHeap {
        TimerHeap { heap: Vec::new() }
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    fn when(&self, i: usize) -> i64 {
        // SAFETY: every timer in the heap is live (owner contract).
        unsafe { (*self.heap[i]).when }
    }

    fn set(&mut self, i: usize, t: *mut Timer) {
        self.heap[i] = t;
        // SAFETY: as above; we hold the heap's lock, which owns `idx`.
        unsafe { (*t).idx = i };
    }

    fn sift_up(&mut self, mut i: usize) {
        let t = self.heap[i];
        // SAFETY: live timer.
        let w = unsafe { (*t).when };
        while i > 0 {
            let parent = (i - 1) / 2;
            if self.when(parent) <= w {
                break;
            }
            let pt = self.heap[parent];
            self.set(i, pt);
            i = parent;
        }
        self.set(i, t);
    }

    fn sift_down(&mut self, mut i: usize) {
        let n = self.heap.len();
        let t = self.heap[i];
        // SAFETY: live timer.
        let w = unsafe { (*t).when };
        loop {
            let l = 2 * i + 1;
            if l >= n {
                break;
            }
            let mut c = l;
            if l + 1 < n && self.when(l + 1) < self.when(l) {
                c = l + 1;
            }
            if self.when(c) >= w {
                break;
            }
            let ct = self.heap[c];
            self.set(i, ct);
            i = c;
        }
        self.set(i, t);
    }

    fn push(&mut self, t: *mut Timer) {
        self.heap.push(t);
        let i = self.heap.len() - 1;
        self.sift_up(i);
    }

    fn remove(&mut self, i: usize) {
        let last = self.heap.len() - 1;
        if i != last {
            let lt = self.heap[last];
            self.set(i, lt);
        }
        self.heap.pop();
        if i < self.heap.len() {
            self.sift_down(i);
            self.sift_up(i);
        }
    }

    /// Removes and returns the earliest timer, now inactive (procresize moves it).
    pub(crate) fn pop_first(&mut self) -> *mut Timer {
        let t = self.heap[0];
        self.remove(0);
        // SAFETY: live timer; we hold its heap's lock.
        unsafe { (*t).pp.store(ptr::null_mut(), Ordering::Release) };
        t
    }

    /// Inserts a timer taken from another P's heap with [`TimerHeap::pop_first`].
    ///
    /// # Safety
    /// `t` must be live and inactive; `pp` must be this heap's P, whose lock we hold.
    pub(crate) unsafe fn push_moved(&mut self, t: *mut Timer, pp: *mut P) {
        // SAFETY: contract.
        unsafe { (*t).pp.store(pp, Ordering::Release) };
        self.push(t);
    }

    /// Deadline of the earliest timer, or 0 if none.
    pub fn first_when(&self) -> i64 {
        if self.heap.is_empty() {
            0
        } else {
            self.when(0)
        }
    }
}

fn update_timer0(pp: &P, h: &TimerHeap) {
    pp.timer0_when.store(h.first_when(), Ordering::Release);
}

/// Starts `t` (Go's addtimer): puts it in the current P's heap.
///
/// # Safety
/// `t` must be inactive and stay valid while pending; must run on an M holding a P.
pub unsafe fn add_timer(t: *mut Timer) {
    let m = getm();
    // SAFETY: the caller holds a P (contract).
    let pp = unsafe { (*m).p };
    if pp.is_null() {
        crate::panic::throw("addtimer: no P");
    }
    // SAFETY: pp is a live P; t is valid (contract).
    unsafe {
        if (*t).when <= 0 {
            (*t).when = i64::MAX;
        }
        let when = (*t).when;
        let p = &*pp;
        {
            let mut h = p.timers.lock();
            (*t).pp.store(pp, Ordering::Release);
            h.push(t);
            update_timer0(p, &h);
        }
        proc::wake_timer_sleeper(when);
    }
}

/// Stops `t` (Go's deltimer); returns whether it was pending.
///
/// # Safety
/// `t` must be valid.
pub unsafe fn del_timer(t: *mut Timer) -> bool {
    loop {
        // SAFETY: t is valid (contract).
        let pp = unsafe { (*t).pp.load(Ordering::Acquire) };
        if pp.is_null() {
            return false;
        }
        // SAFETY: Ps are never freed.
        let p = unsafe { &*pp };
        let mut h = p.timers.lock();
        // SAFETY: we hold pp's lock, which owns `pp`/`idx` while the timer is in its heap.
        unsafe {
            if (*t).pp.load(Ordering::Acquire) != pp {
                continue;
            }
            h.remove((*t).idx);
            (*t).pp.store(ptr::null_mut(), Ordering::Release);
        }
        update_timer0(p, &h);
        return true;
    }
}

/// Restarts `t` with a new deadline and period (Go's modtimer); returns whether it was
/// pending before.
///
/// # Safety
/// As for [`add_timer`], except that `t` may be pending.
pub unsafe fn mod_timer(t: *mut Timer, when: i64, period: i64) -> bool {
    // SAFETY: forwarded contract.
    unsafe {
        let was = del_timer(t);
        (*t).when = when;
        (*t).period = period;
        add_timer(t);
        was
    }
}

/// Runs `pp`'s due timers (Go's checkTimers). Returns `now` (0 when nothing was due and
/// the clock was not read).
///
/// # Safety
/// Must run on g0 (callbacks may ready goroutines, which needs the caller's P).
pub unsafe fn check_timers(pp: &P, mut now: i64) -> i64 {
    let first = pp.timer0_when.load(Ordering::Acquire);
    if first == 0 {
        return now;
    }
    if now == 0 {
        now = nanotime();
    }
    if first > now {
        return now;
    }
    let mut h = pp.timers.lock();
    while !h.is_empty() {
        let t = h.heap[0];
        // SAFETY: heap members are live; we hold the heap's lock.
        let (f, arg, seq, when) = unsafe {
            let when = (*t).when;
            if when > now {
                break;
            }
            if (*t).period > 0 {
                let p = (*t).period;
                (*t).when = when.saturating_add(p.saturating_mul(1 + (now - when) / p));
                h.sift_down(0);
            } else {
                h.remove(0);
                (*t).pp.store(ptr::null_mut(), Ordering::Release);
            }
            ((*t).f, (*t).arg, (*t).seq, when)
        };
        update_timer0(pp, &h);
        drop(h);
        if let Some(f) = f {
            // SAFETY: the callback's owner guarantees it is callable with its arg.
            unsafe { f(arg, seq, now - when) };
        }
        h = pp.timers.lock();
    }
    update_timer0(pp, &h);
    now
}

/// Timer callback that readies the goroutine `arg` (time.Sleep's wake-up).
unsafe fn goroutine_ready(arg: usize, _seq: usize, _delay: i64) {
    // SAFETY: arg is the sleeping G, parked with reason Sleep.
    unsafe { proc::goready(arg as *mut G) }
}

/// `park_m` hook for [`sleep`]: starts the sleep timer once the goroutine is Waiting, so
/// the wake-up cannot overtake the park.
unsafe fn reset_for_sleep(gp: *mut G, _arg: *mut u8) -> bool {
    // SAFETY: gp's timer was set up by sleep and is inactive.
    unsafe { add_timer((*gp).timer) };
    true
}

/// Parks the current goroutine for `ns` nanoseconds (Go's timeSleep).
pub fn sleep(ns: i64) {
    if ns <= 0 {
        return;
    }
    let gp = getg();
    // SAFETY: gp is the running goroutine; its timer is only used by itself.
    unsafe {
        if (*gp).timer.is_null() {
            (*gp).timer = Box::into_raw(Box::new(Timer::new()));
        }
        let t = (*gp).timer;
        (*t).f = Some(goroutine_ready);
        (*t).arg = gp as usize;
        (*t).period = 0;
        (*t).when = nanotime().saturating_add(ns);
        proc::gopark(Some(reset_for_sleep), ptr::null_mut(), WaitReason::Sleep);
    }
}

/// Entry point `rgo_sleep(g, ns)` (time.Sleep).
///
/// # Safety
/// `g` must be the running goroutine.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_sleep(_g: *mut G, ns: i64) {
    sleep(ns)
}

/// Entry point `rgo_nanotime() -> i64`.
#[unsafe(no_mangle)]
pub extern "C" fn rgo_nanotime() -> i64 {
    nanotime()
}
