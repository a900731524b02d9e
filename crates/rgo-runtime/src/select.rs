//! The `select` statement (Go's select.go).
//!
//! Codegen lays out one [`Scase`] per communication case (`rgo_abi::scase`) in any order
//! and calls [`rgo_selectgo`]. The algorithm:
//!
//! 1. **Poll order**: a uniformly random permutation of the cases with non-nil channels
//!    (so no case is favoured); **lock order**: the same cases sorted by channel address,
//!    so two selects locking overlapping channels cannot deadlock (a channel appearing
//!    twice is locked once).
//! 2. With every channel locked, take the first case in poll order that can proceed now
//!    (a waiting partner, buffer room/data, or a closed channel) and complete it.
//! 3. Otherwise, without `block` (a `default` case), unlock and return -1.
//! 4. Otherwise enqueue a sudog (marked `is_select`) on every channel, park, and let
//!    `park_m` unlock the channels only after we are Waiting — no wake-up can be lost.
//!    The first waker wins `G::select_done` and completes its case (see chan.rs); the
//!    others skip our sudogs.
//! 5. Woken: lock everything again, dequeue the losing sudogs, report the winner.
//!
//! `select {}` (no cases, or only nil channels) with `block` parks forever (gc's
//! `select (no cases)`).

use core::ptr;
use core::sync::atomic::Ordering;

use crate::chan::{acquire_sudog, block_forever, release_sudog, Hchan, Sudog};
use crate::g::{getg, WaitReason, G};
use crate::panic::{panic_error, RuntimeError};
use crate::proc::{fastrandn, gopark, goready};
use rgo_abi::typ::{CHAN_RECV, CHAN_SEND};

/// One case of a select (`rgo_abi::scase`): the channel, the value to send or where to
/// receive (null: discard), and the direction (`CHAN_SEND` or `CHAN_RECV`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct Scase {
    pub c: *mut Hchan,
    pub elem: *mut u8,
    pub dir: u64,
}

const _: () = {
    use core::mem::{offset_of, size_of};
    assert!(offset_of!(Scase, c) == rgo_abi::scase::CHAN as usize);
    assert!(offset_of!(Scase, elem) == rgo_abi::scase::ELEM as usize);
    assert!(offset_of!(Scase, dir) == rgo_abi::scase::DIR as usize);
    assert!(size_of::<Scase>() == rgo_abi::scase::SIZE as usize);
};

fn sellock(cases: &[Scase], lockorder: &[usize]) {
    let mut last: *mut Hchan = ptr::null_mut();
    for &i in lockorder {
        let c = cases[i].c;
        if c != last {
            last = c;
            // SAFETY: non-nil channel of the select.
            unsafe { (*c).lock.lock() };
        }
    }
}

fn selunlock(cases: &[Scase], lockorder: &[usize]) {
    let mut last: *mut Hchan = ptr::null_mut();
    for &i in lockorder {
        let c = cases[i].c;
        if c != last {
            last = c;
            // SAFETY: locked by sellock.
            unsafe { (*c).lock.unlock() };
        }
    }
}

/// `park_m` hook: unlocks the select's channels, following `gp.waiting` (in lock order).
/// Reads each next link before releasing the lock that protects it.
unsafe fn selparkcommit(gp: *mut G, _arg: *mut u8) -> bool {
    let mut last: *mut Hchan = ptr::null_mut();
    // SAFETY: gp's sudogs stay queued (hence alive) until gp relocks every channel,
    // which it cannot do before we release them in the same order.
    unsafe {
        let mut sg = (*gp).waiting;
        while !sg.is_null() {
            let c = (*sg).c;
            let next = (*sg).waitlink;
            if c != last && !last.is_null() {
                (*last).lock.unlock();
            }
            last = c;
            sg = next;
        }
        if !last.is_null() {
            (*last).lock.unlock();
        }
    }
    true
}

fn send_on_closed() -> ! {
    // SAFETY: panics on the current goroutine.
    unsafe {
        panic_error(
            ptr::null_mut(),
            RuntimeError::Plain("send on closed channel"),
        )
    }
}

/// Runs a select over `cases`. Returns (chosen case index, received a value), or
/// (-1, false) when nothing was ready and `block` is false.
///
/// # Safety
/// Every case's channel is null or live; `elem`s as for chansend/chanrecv.
pub unsafe fn selectgo(cases: &[Scase], block: bool) -> (isize, bool) {
    // Poll order: random permutation of the non-nil cases.
    let mut pollorder: Vec<usize> = Vec::with_capacity(cases.len());
    for (i, cas) in cases.iter().enumerate() {
        if cas.c.is_null() {
            continue;
        }
        let n = pollorder.len();
        let j = fastrandn(n as u32 + 1) as usize;
        pollorder.push(i);
        pollorder.swap(n, j);
    }
    if pollorder.is_empty() {
        if !block {
            return (-1, false);
        }
        block_forever(WaitReason::SelectNoCases);
    }
    let mut lockorder = pollorder.clone();
    lockorder.sort_unstable_by_key(|&i| cases[i].c as usize);

    sellock(cases, &lockorder);

    // Pass 1: anything ready?
    for &i in &pollorder {
        let cas = cases[i];
        // SAFETY: locked, live channel.
        let ch = unsafe { &mut *cas.c };
        if cas.dir == CHAN_RECV {
            let sg = ch.sendq.dequeue();
            if !sg.is_null() {
                let gp = ch.recv_from(sg, cas.elem);
                selunlock(cases, &lockorder);
                // SAFETY: a parked sender whose operation we completed.
                unsafe { goready(gp) };
                return (i as isize, true);
            }
            if ch.qcount.load(Ordering::Relaxed) > 0 {
                ch.buf_recv(cas.elem);
                selunlock(cases, &lockorder);
                return (i as isize, true);
            }
            if ch.closed.load(Ordering::Relaxed) != 0 {
                selunlock(cases, &lockorder);
                ch.zero_elem(cas.elem);
                return (i as isize, false);
            }
        } else if cas.dir == CHAN_SEND {
            if ch.closed.load(Ordering::Relaxed) != 0 {
                selunlock(cases, &lockorder);
                send_on_closed();
            }
            let sg = ch.recvq.dequeue();
            if !sg.is_null() {
                let gp = ch.send_to(sg, cas.elem);
                selunlock(cases, &lockorder);
                // SAFETY: a parked receiver whose operation we completed.
                unsafe { goready(gp) };
                return (i as isize, false);
            }
            if ch.qcount.load(Ordering::Relaxed) < ch.dataqsiz {
                ch.buf_send(cas.elem);
                selunlock(cases, &lockorder);
                return (i as isize, false);
            }
        }
    }
    if !block {
        selunlock(cases, &lockorder);
        return (-1, false);
    }

    // Pass 2: wait on every channel.
    let gp = getg();
    // SAFETY: gp is the running goroutine; the channels are locked.
    unsafe {
        (*gp).select_done.store(0, Ordering::Release);
        (*gp).param = ptr::null_mut();
        let mut tail: *mut *mut Sudog = &mut (*gp).waiting;
        for &i in &lockorder {
            let cas = cases[i];
            let sg = acquire_sudog();
            (*sg).g = gp;
            (*sg).is_select = true;
            (*sg).elem = cas.elem;
            (*sg).c = cas.c;
            *tail = sg;
            tail = &mut (*sg).waitlink;
            if cas.dir == CHAN_RECV {
                (*cas.c).recvq.enqueue(sg);
            } else {
                (*cas.c).sendq.enqueue(sg);
            }
        }
        *tail = ptr::null_mut();
        gopark(Some(selparkcommit), ptr::null_mut(), WaitReason::Select);

        // Pass 3: woken by the winner; dequeue from the other channels.
        sellock(cases, &lockorder);
        let winner = (*gp).param as *mut Sudog;
        (*gp).param = ptr::null_mut();
        let mut chosen: isize = -1;
        let mut recv_ok = false;
        let mut closed_send = false;
        let mut sg = (*gp).waiting;
        (*gp).waiting = ptr::null_mut();
        let mut k = 0;
        while !sg.is_null() {
            let next = (*sg).waitlink;
            let i = lockorder[k];
            let cas = cases[i];
            if sg == winner {
                chosen = i as isize;
                if cas.dir == CHAN_RECV {
                    recv_ok = (*sg).success;
                } else if !(*sg).success {
                    closed_send = true;
                }
            } else if cas.dir == CHAN_RECV {
                (*cas.c).recvq.remove(sg);
            } else {
                (*cas.c).sendq.remove(sg);
            }
            release_sudog(sg);
            sg = next;
            k += 1;
        }
        selunlock(cases, &lockorder);
        if closed_send {
            send_on_closed();
        }
        if chosen < 0 {
            crate::panic::throw("selectgo: bad wakeup");
        }
        (chosen, recv_ok)
    }
}

/// Entry point: see `rgo_abi::entry::SELECTGO`. Returns `chosen << 1 | recv_ok`, or -1
/// when nothing was ready and `block` is 0.
///
/// # Safety
/// `cases` points to `ncases` case records as described in `rgo_abi::scase`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_selectgo(
    _g: *mut G,
    cases: *const Scase,
    ncases: i64,
    block: i8,
) -> i64 {
    crate::stackcompact::safepoint();
    let cases: &[Scase] = if ncases <= 0 || cases.is_null() {
        &[]
    } else {
        // SAFETY: contract.
        unsafe { core::slice::from_raw_parts(cases, ncases as usize) }
    };
    // SAFETY: forwarded contract.
    let (chosen, ok) = unsafe { selectgo(cases, block != 0) };
    if chosen < 0 {
        -1
    } else {
        ((chosen as i64) << 1) | i64::from(ok)
    }
}
