//! Channels (Go's chan.go).
//!
//! ## Concepts
//!
//! An [`Hchan`] is a ring buffer of `dataqsiz` elements (none for an unbuffered channel)
//! plus two wait queues of [`Sudog`]s: goroutines blocked sending (`sendq`, each sudog
//! pointing at the value to send) and receiving (`recvq`, pointing at where to put the
//! value, or null to discard it). Values are copied with `memmove` of `elemsize` bytes.
//!
//! Invariants (under `lock`):
//! * `recvq` non-empty ⇒ the buffer is empty (receivers only wait when there is nothing);
//! * `sendq` non-empty ⇒ the buffer is full (for unbuffered: always "full");
//! * `qcount` ≤ `dataqsiz`; a closed channel never gains senders.
//!
//! Hand-off: a send that finds a waiting receiver copies straight into the receiver's
//! memory (its stack — safe because stacks never move and the receiver is parked; a
//! compacted stack is copied back first, see stackcompact.rs) and
//! readies it; a receive that finds a waiting sender on a full buffer takes the head
//! element and puts the sender's value at the tail, keeping FIFO order. So a woken
//! goroutine never has to retry: its operation is complete when it wakes, `success` says
//! whether it completed by a value (true) or by `close` (false).
//!
//! A sudog in a `select` may sit in several queues; `G::select_done` arbitrates: a waker
//! must win the 0 → 1 CAS before it may complete that goroutine's operation
//! ([`WaitQ::dequeue`] skips sudogs whose select was already won).
//!
//! Locking: each channel has its own futex mutex, held only for the operation itself
//! (never while readying a goroutine: the woken G may run at once on another M). A
//! goroutine parks with the channel still locked, and `park_m` unlocks it on g0 after
//! the goroutine is Waiting, so a waker can never ready a goroutine that is still
//! running. `select` locks all its channels in address order.
//!
//! Rejected: lock-free channels (complex, and Go's measurements favour the simple lock);
//! waking the goroutine to retry the operation itself (loses FIFO order and costs a
//! second lock round-trip).

use core::ptr;
use core::sync::atomic::{AtomicPtr, AtomicU32, AtomicUsize, Ordering};

use crate::g::{getg, WaitReason, G};
use crate::lock::Mutex;
use crate::panic::{panic_error, throw, RuntimeError};
use crate::proc::{cur_p, gopark, goready};

/// A goroutine waiting on a channel (Go's sudog).
pub struct Sudog {
    pub g: *mut G,
    pub next: *mut Sudog,
    pub prev: *mut Sudog,
    /// The value to send, or where to receive (may be null: discard).
    pub elem: *mut u8,
    pub c: *mut Hchan,
    pub is_select: bool,
    /// Completed by a value (true) or by close (false).
    pub success: bool,
    /// Next sudog of the same goroutine (`G::waiting`, select only).
    pub waitlink: *mut Sudog,
}

impl Sudog {
    fn new() -> Sudog {
        Sudog {
            g: ptr::null_mut(),
            next: ptr::null_mut(),
            prev: ptr::null_mut(),
            elem: ptr::null_mut(),
            c: ptr::null_mut(),
            is_select: false,
            success: false,
            waitlink: ptr::null_mut(),
        }
    }
}

/// Gets a sudog from the current P's cache (or the heap).
pub(crate) fn acquire_sudog() -> *mut Sudog {
    let pp = cur_p();
    if !pp.is_null() {
        // SAFETY: the cache belongs to the P we hold.
        if let Some(s) = unsafe { (*(*pp).sudogcache.get()).pop() } {
            return s;
        }
    }
    Box::into_raw(Box::new(Sudog::new()))
}

/// Returns a sudog to the current P's cache.
pub(crate) fn release_sudog(s: *mut Sudog) {
    // SAFETY: s is no longer in any queue; we reset it before caching.
    unsafe { *s = Sudog::new() };
    let pp = cur_p();
    if !pp.is_null() {
        // SAFETY: the cache belongs to the P we hold.
        let cache = unsafe { &mut *(*pp).sudogcache.get() };
        if cache.len() < 128 {
            cache.push(s);
            return;
        }
    }
    // SAFETY: allocated by Box in acquire_sudog.
    drop(unsafe { Box::from_raw(s) });
}

/// A queue of waiting sudogs (channel lock).
#[repr(C)]
pub struct WaitQ {
    /// Atomic only so the lock-free emptiness checks of non-blocking operations may read it.
    first: AtomicPtr<Sudog>,
    last: *mut Sudog,
}

impl WaitQ {
    const fn new() -> WaitQ {
        WaitQ {
            first: AtomicPtr::new(ptr::null_mut()),
            last: ptr::null_mut(),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.first.load(Ordering::Acquire).is_null()
    }

    pub(crate) fn enqueue(&mut self, s: *mut Sudog) {
        // SAFETY: s and the queue's members are live sudogs; the channel lock is held.
        unsafe {
            (*s).next = ptr::null_mut();
            (*s).prev = self.last;
            if self.last.is_null() {
                self.first.store(s, Ordering::Release);
            } else {
                (*self.last).next = s;
            }
        }
        self.last = s;
    }

    /// Removes the first sudog whose goroutine may be woken (a select already won by
    /// another case is skipped and dropped from the queue).
    pub(crate) fn dequeue(&mut self) -> *mut Sudog {
        loop {
            let s = self.first.load(Ordering::Relaxed);
            if s.is_null() {
                return s;
            }
            // SAFETY: queue members are live; the channel lock is held.
            unsafe {
                let next = (*s).next;
                self.first.store(next, Ordering::Release);
                if next.is_null() {
                    self.last = ptr::null_mut();
                } else {
                    (*next).prev = ptr::null_mut();
                }
                (*s).next = ptr::null_mut();
                (*s).prev = ptr::null_mut();
                if (*s).is_select
                    && (*(*s).g)
                        .select_done
                        .compare_exchange(0, 1, Ordering::AcqRel, Ordering::Acquire)
                        .is_err()
                {
                    continue;
                }
            }
            return s;
        }
    }

    /// Removes `s` if it is still queued here (select clean-up).
    pub(crate) fn remove(&mut self, s: *mut Sudog) {
        // SAFETY: queue members are live; the channel lock is held.
        unsafe {
            let prev = (*s).prev;
            let next = (*s).next;
            if !prev.is_null() {
                (*prev).next = next;
                if next.is_null() {
                    self.last = prev;
                } else {
                    (*next).prev = prev;
                }
            } else if self.first.load(Ordering::Relaxed) == s {
                self.first.store(next, Ordering::Release);
                if next.is_null() {
                    self.last = ptr::null_mut();
                } else {
                    (*next).prev = ptr::null_mut();
                }
            } else {
                return;
            }
            (*s).next = ptr::null_mut();
            (*s).prev = ptr::null_mut();
        }
    }
}

/// A channel. `qcount` and `dataqsiz` come first, at the offsets in `rgo_abi::hchan`, so
/// generated code may read `len`/`cap` directly.
#[repr(C)]
pub struct Hchan {
    pub qcount: AtomicUsize,
    pub dataqsiz: usize,
    pub buf: *mut u8,
    pub elemsize: usize,
    pub closed: AtomicU32,
    pub elemtype: *const u8,
    pub sendx: usize,
    pub recvx: usize,
    pub recvq: WaitQ,
    pub sendq: WaitQ,
    pub lock: Mutex,
}

const _: () = {
    use core::mem::offset_of;
    assert!(offset_of!(Hchan, qcount) == rgo_abi::hchan::QCOUNT as usize);
    assert!(offset_of!(Hchan, dataqsiz) == rgo_abi::hchan::DATAQSIZ as usize);
};

/// Largest channel buffer in bytes.
const MAX_ALLOC: usize = 1 << 47;

/// make(chan T, size).
pub fn makechan(elemtype: *const u8, elemsize: usize, elemalign: usize, size: i64) -> *mut Hchan {
    if size < 0
        || (elemsize > 0 && (size as u128) * (elemsize as u128) > MAX_ALLOC as u128)
        || elemsize >= 1 << 16
    {
        // SAFETY: panics on the current goroutine.
        unsafe {
            panic_error(
                ptr::null_mut(),
                RuntimeError::Plain("makechan: size out of range"),
            )
        }
    }
    let align = elemalign.max(8);
    let hsize = core::mem::size_of::<Hchan>().next_multiple_of(align);
    let bytes = elemsize * size as usize;
    let mem = crate::malloc::mallocgc(hsize + bytes, align);
    let c = mem as *mut Hchan;
    // SAFETY: fresh zeroed memory large enough for the header and the buffer.
    unsafe {
        ptr::write(
            c,
            Hchan {
                qcount: AtomicUsize::new(0),
                dataqsiz: size as usize,
                buf: mem.add(hsize),
                elemsize,
                closed: AtomicU32::new(0),
                elemtype,
                sendx: 0,
                recvx: 0,
                recvq: WaitQ::new(),
                sendq: WaitQ::new(),
                lock: Mutex::new(),
            },
        );
    }
    c
}

impl Hchan {
    fn slot(&self, i: usize) -> *mut u8 {
        // SAFETY: i < dataqsiz; the buffer holds dataqsiz elements.
        unsafe { self.buf.add(i * self.elemsize) }
    }

    /// Non-blocking send would block (lock-free peek).
    fn full(&self) -> bool {
        if self.dataqsiz == 0 {
            self.recvq.is_empty()
        } else {
            self.qcount.load(Ordering::Acquire) == self.dataqsiz
        }
    }

    /// Non-blocking receive would block (lock-free peek).
    fn empty(&self) -> bool {
        if self.dataqsiz == 0 {
            self.sendq.is_empty()
        } else {
            self.qcount.load(Ordering::Acquire) == 0
        }
    }

    fn copy(&self, dst: *mut u8, src: *const u8) {
        if self.elemsize != 0 && !dst.is_null() {
            crate::mem::mbarrier::bulk_barrier_pre_write(dst, self.elemsize);
            // SAFETY: both point to elemsize bytes of a value of the channel's type.
            unsafe { ptr::copy(src, dst, self.elemsize) };
        }
    }

    fn zero(&self, dst: *mut u8) {
        if self.elemsize != 0 && !dst.is_null() {
            crate::mem::mbarrier::bulk_barrier_pre_write(dst, self.elemsize);
            // SAFETY: dst points to elemsize writable bytes.
            unsafe { ptr::write_bytes(dst, 0, self.elemsize) };
        }
    }

    /// A parked goroutine's `elem` is about to be read or written: its stack must be
    /// resident (stackcompact.rs). Discarding receives and zero-size values touch nothing,
    /// so those goroutines are restored only when they next run.
    ///
    /// # Safety
    /// `sg` is a dequeued sudog of a parked goroutine (lock held).
    unsafe fn touch_stack(&self, sg: *mut Sudog) {
        // SAFETY: by contract.
        unsafe {
            if self.elemsize != 0 && !(*sg).elem.is_null() {
                crate::stackcompact::ensure_resident((*sg).g);
            }
        }
    }

    fn advance(&self, i: usize) -> usize {
        if i + 1 == self.dataqsiz {
            0
        } else {
            i + 1
        }
    }

    /// Completes a waiting receiver `sg` with the value at `ep` (lock held). Returns the G
    /// to ready after unlocking.
    pub(crate) fn send_to(&mut self, sg: *mut Sudog, ep: *const u8) -> *mut G {
        // SAFETY: sg was dequeued from our recvq; its goroutine is parked.
        unsafe {
            self.touch_stack(sg);
            self.copy((*sg).elem, ep);
            (*sg).elem = ptr::null_mut();
            (*sg).success = true;
            let gp = (*sg).g;
            (*gp).param = sg as *mut u8;
            gp
        }
    }

    /// Completes a waiting sender `sg`, receiving into `ep` (lock held). Returns the G to
    /// ready after unlocking.
    pub(crate) fn recv_from(&mut self, sg: *mut Sudog, ep: *mut u8) -> *mut G {
        // SAFETY: sg was dequeued from our sendq; its goroutine is parked.
        unsafe {
            self.touch_stack(sg);
            if self.dataqsiz == 0 {
                self.copy(ep, (*sg).elem);
            } else {
                // Full buffer: take the head, put the sender's value at the tail.
                let q = self.slot(self.recvx);
                self.copy(ep, q);
                self.copy(q, (*sg).elem);
                self.recvx = self.advance(self.recvx);
                self.sendx = self.recvx;
            }
            (*sg).elem = ptr::null_mut();
            (*sg).success = true;
            let gp = (*sg).g;
            (*gp).param = sg as *mut u8;
            gp
        }
    }

    /// Puts the value at `ep` in the buffer (lock held, room checked).
    pub(crate) fn buf_send(&mut self, ep: *const u8) {
        let q = self.slot(self.sendx);
        self.copy(q, ep);
        self.sendx = self.advance(self.sendx);
        self.qcount.fetch_add(1, Ordering::Release);
    }

    /// Takes the head of the buffer into `ep` (lock held, non-empty checked).
    pub(crate) fn buf_recv(&mut self, ep: *mut u8) {
        let q = self.slot(self.recvx);
        self.copy(ep, q);
        self.zero(q);
        self.recvx = self.advance(self.recvx);
        self.qcount.fetch_sub(1, Ordering::Release);
    }

    pub(crate) fn zero_elem(&self, ep: *mut u8) {
        self.zero(ep)
    }
}

/// `park_m` hook: releases the channel lock once the goroutine is Waiting.
unsafe fn chanparkcommit(_gp: *mut G, lock: *mut u8) -> bool {
    // SAFETY: lock is the channel's mutex, held by the parking goroutine.
    unsafe { (*(lock as *const Mutex)).unlock() };
    true
}

fn panic_plain(msg: &'static str) -> ! {
    // SAFETY: panics on the current goroutine.
    unsafe { panic_error(ptr::null_mut(), RuntimeError::Plain(msg)) }
}

/// Blocks the current goroutine forever (nil channel operations, `select {}`).
pub(crate) fn block_forever(reason: WaitReason) -> ! {
    // SAFETY: no unlock function; nobody will ever ready us.
    unsafe { gopark(None, ptr::null_mut(), reason) };
    throw("unreachable")
}

/// `c <- *ep`. With `block` false, returns false instead of blocking.
///
/// # Safety
/// `c` must be null or a channel; `ep` must point to a value of its element type.
pub unsafe fn chansend(c: *mut Hchan, ep: *const u8, block: bool) -> bool {
    if c.is_null() {
        if !block {
            return false;
        }
        block_forever(WaitReason::ChanSendNilChan);
    }
    // SAFETY: c is a live channel (contract); fields other than atomics are touched only
    // under its lock.
    let ch = unsafe { &mut *c };
    if !block && ch.closed.load(Ordering::Acquire) == 0 && ch.full() {
        return false;
    }
    ch.lock.lock();
    if ch.closed.load(Ordering::Relaxed) != 0 {
        ch.lock.unlock();
        panic_plain("send on closed channel");
    }
    let sg = ch.recvq.dequeue();
    if !sg.is_null() {
        let gp = ch.send_to(sg, ep);
        ch.lock.unlock();
        // SAFETY: gp is parked on this channel and we completed its operation.
        unsafe { goready(gp) };
        return true;
    }
    if ch.qcount.load(Ordering::Relaxed) < ch.dataqsiz {
        ch.buf_send(ep);
        ch.lock.unlock();
        return true;
    }
    if !block {
        ch.lock.unlock();
        return false;
    }
    let gp = getg();
    let sg = acquire_sudog();
    // SAFETY: sg is ours; gp is the running goroutine; the channel lock is held until
    // park_m releases it.
    unsafe {
        (*sg).g = gp;
        (*sg).elem = ep as *mut u8;
        (*sg).c = c;
        (*gp).param = ptr::null_mut();
        ch.sendq.enqueue(sg);
        gopark(
            Some(chanparkcommit),
            &ch.lock as *const Mutex as *mut u8,
            WaitReason::ChanSend,
        );
        let ok = (*sg).success;
        (*gp).param = ptr::null_mut();
        release_sudog(sg);
        if !ok {
            panic_plain("send on closed channel");
        }
    }
    true
}

/// `*ep = <-c`. Returns (selected, received): selected is false only for a non-blocking
/// receive that would block; received is false when the value is the zero value of a
/// closed channel. `ep` may be null (value discarded).
///
/// # Safety
/// `c` must be null or a channel; `ep` null or pointing to room for an element.
pub unsafe fn chanrecv(c: *mut Hchan, ep: *mut u8, block: bool) -> (bool, bool) {
    if c.is_null() {
        if !block {
            return (false, false);
        }
        block_forever(WaitReason::ChanReceiveNilChan);
    }
    // SAFETY: as in chansend.
    let ch = unsafe { &mut *c };
    if !block && ch.empty() {
        if ch.closed.load(Ordering::Acquire) == 0 {
            return (false, false);
        }
        if ch.empty() {
            ch.zero_elem(ep);
            return (true, false);
        }
    }
    ch.lock.lock();
    if ch.closed.load(Ordering::Relaxed) != 0 && ch.qcount.load(Ordering::Relaxed) == 0 {
        ch.lock.unlock();
        ch.zero_elem(ep);
        return (true, false);
    }
    let sg = ch.sendq.dequeue();
    if !sg.is_null() {
        let gp = ch.recv_from(sg, ep);
        ch.lock.unlock();
        // SAFETY: gp is parked on this channel and we completed its operation.
        unsafe { goready(gp) };
        return (true, true);
    }
    if ch.qcount.load(Ordering::Relaxed) > 0 {
        ch.buf_recv(ep);
        ch.lock.unlock();
        return (true, true);
    }
    if !block {
        ch.lock.unlock();
        return (false, false);
    }
    let gp = getg();
    let sg = acquire_sudog();
    // SAFETY: as in chansend.
    unsafe {
        (*sg).g = gp;
        (*sg).elem = ep;
        (*sg).c = c;
        (*gp).param = ptr::null_mut();
        ch.recvq.enqueue(sg);
        gopark(
            Some(chanparkcommit),
            &ch.lock as *const Mutex as *mut u8,
            WaitReason::ChanReceive,
        );
        let ok = (*sg).success;
        (*gp).param = ptr::null_mut();
        release_sudog(sg);
        (true, ok)
    }
}

/// close(c).
///
/// # Safety
/// `c` must be null or a channel.
pub unsafe fn closechan(c: *mut Hchan) {
    if c.is_null() {
        panic_plain("close of nil channel");
    }
    // SAFETY: as in chansend.
    let ch = unsafe { &mut *c };
    ch.lock.lock();
    if ch.closed.load(Ordering::Relaxed) != 0 {
        ch.lock.unlock();
        panic_plain("close of closed channel");
    }
    ch.closed.store(1, Ordering::Release);
    let mut wake: Vec<*mut G> = Vec::new();
    loop {
        let sg = ch.recvq.dequeue();
        if sg.is_null() {
            break;
        }
        // SAFETY: dequeued sudog of a parked goroutine.
        unsafe {
            ch.touch_stack(sg);
            ch.zero_elem((*sg).elem);
            (*sg).elem = ptr::null_mut();
            (*sg).success = false;
            (*(*sg).g).param = sg as *mut u8;
            wake.push((*sg).g);
        }
    }
    loop {
        let sg = ch.sendq.dequeue();
        if sg.is_null() {
            break;
        }
        // SAFETY: as above; the sender will panic when it wakes.
        unsafe {
            (*sg).elem = ptr::null_mut();
            (*sg).success = false;
            (*(*sg).g).param = sg as *mut u8;
            wake.push((*sg).g);
        }
    }
    ch.lock.unlock();
    for gp in wake {
        // SAFETY: each is parked on this channel and its operation is complete.
        unsafe { goready(gp) };
    }
}

// ---- entry points (rgo_abi::entry) ----

/// # Safety
/// See `rgo_abi::entry::MAKECHAN`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_makechan(
    _g: *mut G,
    elemtype: *const u8,
    elemsize: u64,
    elemalign: u64,
    size: i64,
) -> *mut Hchan {
    makechan(elemtype, elemsize as usize, elemalign as usize, size)
}

/// # Safety
/// See `rgo_abi::entry::CHANSEND`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_chansend(_g: *mut G, c: *mut Hchan, elem: *const u8) {
    crate::stackcompact::safepoint();
    // SAFETY: forwarded contract.
    unsafe { chansend(c, elem, true) };
}

/// # Safety
/// See `rgo_abi::entry::CHANRECV`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_chanrecv(_g: *mut G, c: *mut Hchan, elem: *mut u8) -> bool {
    crate::stackcompact::safepoint();
    // SAFETY: forwarded contract.
    unsafe { chanrecv(c, elem, true).1 }
}

/// # Safety
/// See `rgo_abi::entry::SELECTNBSEND`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_selectnbsend(_g: *mut G, c: *mut Hchan, elem: *const u8) -> bool {
    // SAFETY: forwarded contract.
    unsafe { chansend(c, elem, false) }
}

/// # Safety
/// See `rgo_abi::entry::SELECTNBRECV`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_selectnbrecv(_g: *mut G, c: *mut Hchan, elem: *mut u8) -> u64 {
    // SAFETY: forwarded contract.
    let (sel, ok) = unsafe { chanrecv(c, elem, false) };
    u64::from(sel) | (u64::from(ok) << 1)
}

/// # Safety
/// See `rgo_abi::entry::CLOSECHAN`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_closechan(_g: *mut G, c: *mut Hchan) {
    // SAFETY: forwarded contract.
    unsafe { closechan(c) }
}

/// # Safety
/// `c` must be null or a channel.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_chanlen(c: *mut Hchan) -> i64 {
    if c.is_null() {
        return 0;
    }
    // SAFETY: contract.
    unsafe { (*c).qcount.load(Ordering::Acquire) as i64 }
}

/// # Safety
/// `c` must be null or a channel.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_chancap(c: *mut Hchan) -> i64 {
    if c.is_null() {
        return 0;
    }
    // SAFETY: contract.
    unsafe { (*c).dataqsiz as i64 }
}
