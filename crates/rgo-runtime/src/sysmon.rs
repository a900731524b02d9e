//! The system monitor (Go's sysmon) and GODEBUG's scheduler trace.
//!
//! Sysmon runs on its own OS thread without a P, so it keeps running when every P is busy
//! or blocked. Each round it:
//!
//! * flags goroutines that have run for more than 10 ms without scheduling (`g.preempt`;
//!   their next poll yields) — cooperative preemption, see `proc::rgo_poll`;
//! * retakes Ps whose M is blocked in a system call (after one sysmon tick, ≥ 20 µs, when
//!   there is other work or no idle capacity; after 10 ms regardless), handing them to
//!   other Ms;
//! * starts an M when a timer is overdue and nobody is running timers;
//! * prints the `GODEBUG=schedtrace=N` line every N ms.
//!
//! It sleeps 20 µs between rounds while something happens, backing off exponentially to
//! 10 ms while idle, and when every P is idle (or the world is stopped) it sleeps on its
//! note until a P becomes busy again (`acquirep` wakes it) or the next timer is due — an
//! idle program costs no CPU.
//!
//! `sysmonwait` protocol: sysmon sets it to 1 under its decision; a waker that moves it
//! 1 → 0 owns the one note wakeup. Sysmon, after a timed-out sleep, moves it 1 → 0 itself;
//! if that fails a wakeup is in flight and it waits for it before clearing the note.

use core::sync::atomic::{AtomicI64, AtomicU32, Ordering};

use crate::lock::Note;
use crate::print::{print_int, print_str, printlock, printunlock};
use crate::proc;
use crate::time::nanotime;

static SYSMONWAIT: AtomicU32 = AtomicU32::new(0);
static SYSMONNOTE: Note = Note::new();
/// GODEBUG=schedtrace=N (ms), scheddetail=1.
static SCHEDTRACE: AtomicI64 = AtomicI64::new(0);
static SCHEDDETAIL: AtomicI64 = AtomicI64::new(0);
static START_TIME: AtomicI64 = AtomicI64::new(0);

/// Reads the scheduler's GODEBUG settings.
pub fn parse_godebug() {
    START_TIME.store(nanotime(), Ordering::Relaxed);
    let Ok(v) = std::env::var("GODEBUG") else {
        return;
    };
    for kv in v.split(',') {
        let Some((k, val)) = kv.split_once('=') else {
            continue;
        };
        let Ok(n) = val.trim().parse::<i64>() else {
            continue;
        };
        match k.trim() {
            "schedtrace" => SCHEDTRACE.store(n, Ordering::Relaxed),
            "scheddetail" => SCHEDDETAIL.store(n, Ordering::Relaxed),
            _ => {}
        }
    }
}

/// Wakes sysmon if it is sleeping because everything was idle.
pub fn wake_if_waiting() {
    if SYSMONWAIT.load(Ordering::Acquire) != 0
        && SYSMONWAIT
            .compare_exchange(1, 0, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    {
        SYSMONNOTE.wakeup();
    }
}

/// Starts the sysmon thread.
pub fn start() {
    let r = std::thread::Builder::new()
        .name("rgo-sysmon".into())
        .stack_size(1 << 20)
        .spawn(sysmon);
    if r.is_err() {
        crate::panic::throw("newosproc: cannot create sysmon");
    }
}

fn sysmon() {
    let mut idle = 0u32;
    let mut delay: u32 = 20;
    let mut lasttrace = 0i64;
    let schedtrace = SCHEDTRACE.load(Ordering::Relaxed);
    loop {
        if idle == 0 {
            delay = 20;
        } else if idle > 50 {
            delay = delay.saturating_mul(2);
        }
        delay = delay.min(10_000);
        // SAFETY: plain sleep.
        unsafe { libc::usleep(delay) };
        let mut now = nanotime();
        if schedtrace <= 0
            && (proc::GCWAITING.load(Ordering::Acquire) != 0
                || proc::NPIDLE.load(Ordering::Acquire) as usize == proc::gomaxprocs_now())
        {
            SYSMONWAIT.store(1, Ordering::SeqCst);
            // Re-check after publishing: a P that became busy in between has either seen
            // SYSMONWAIT (and will wake us) or shows up here.
            if proc::GCWAITING.load(Ordering::SeqCst) != 0
                || proc::NPIDLE.load(Ordering::SeqCst) as usize == proc::gomaxprocs_now()
            {
                let next = proc::check_overdue_timers(now);
                let mut sleep = 60_000_000_000i64;
                if next != 0 {
                    sleep = sleep.min((next - now).max(1_000_000));
                }
                if !SYSMONNOTE.sleep_timeout(sleep)
                    && SYSMONWAIT
                        .compare_exchange(1, 0, Ordering::AcqRel, Ordering::Acquire)
                        .is_err()
                {
                    SYSMONNOTE.sleep();
                }
            } else if SYSMONWAIT
                .compare_exchange(1, 0, Ordering::AcqRel, Ordering::Acquire)
                .is_err()
            {
                SYSMONNOTE.sleep();
            }
            SYSMONNOTE.clear();
            idle = 0;
            delay = 20;
            now = nanotime();
        }
        proc::check_overdue_timers(now);
        if proc::retake(now) != 0 {
            idle = 0;
        } else {
            idle += 1;
        }
        if schedtrace > 0 && now - lasttrace >= schedtrace * 1_000_000 {
            lasttrace = now;
            schedtrace_line(SCHEDDETAIL.load(Ordering::Relaxed) > 0);
        }
    }
}

/// Prints one `SCHED` line in gc's format.
pub fn schedtrace_line(detailed: bool) {
    let now = nanotime();
    let (npidle, nmspinning, nmidle, runqsize, mcount) = proc::sched_snapshot();
    printlock();
    print_str("SCHED ");
    print_int((now - START_TIME.load(Ordering::Relaxed)) / 1_000_000);
    print_str("ms: gomaxprocs=");
    let n = proc::gomaxprocs_now();
    print_int(n as i64);
    print_str(" idleprocs=");
    print_int(npidle as i64);
    print_str(" threads=");
    // Sysmon's thread counts, as in gc.
    print_int(mcount as i64 + 1);
    print_str(" spinningthreads=");
    print_int(nmspinning as i64);
    print_str(" idlethreads=");
    print_int(nmidle as i64);
    print_str(" runqueue=");
    print_int(runqsize as i64);
    if detailed {
        print_str("\n");
    }
    for i in 0..n {
        let Some(p) = proc::allp(i) else { continue };
        if detailed {
            print_str("  P");
            print_int(i as i64);
            print_str(": status=");
            print_int(p.status() as i64);
            print_str(" schedtick=");
            print_int(p.schedtick.load(Ordering::Relaxed) as i64);
            print_str(" syscalltick=");
            print_int(p.syscalltick.load(Ordering::Relaxed) as i64);
            print_str(" runqsize=");
            print_int(p.runq.len() as i64);
            print_str("\n");
        } else {
            print_str(if i == 0 { " [" } else { " " });
            print_int(p.runq.len() as i64);
            if i == n - 1 {
                print_str("]\n");
            }
        }
    }
    printunlock();
}
