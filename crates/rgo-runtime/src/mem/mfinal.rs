//! Finalizers (gc's mfinal.go): `runtime.SetFinalizer`, the finalizer table, the queue of
//! finalizers ready to run, and the finalizer goroutine.
//!
//! ## Records
//! `SetFinalizer(obj, f)` checks its arguments as gc does (the same fatal errors) and adds
//! a record to [`TABLE`], keyed by the object's address (the exact pointer: a tiny block
//! may hold several finalized objects). A record keeps the finalizer's func value, the
//! *thunk* that calls it, and the first word of the argument to pass (see "Calling"). The
//! table lives outside the GC heap and is not scanned for objects, so a record does not
//! keep its object alive; it is a root for the func value only.
//!
//! ## Collection (world stopped, at mark termination, after the last drain)
//! 1. Everything reachable *from* a finalized object is marked (gc does this while
//!    marking, in markrootSpans): scan each recorded object without marking it, drain.
//!    So when A points to B and both have finalizers and are unreachable, only A's
//!    finalizer runs this cycle; B's runs after A is gone (gc's documented order).
//! 2. Every recorded object still white is marked (its referents already are), its record
//!    removed, and `(f, obj)` queued. Sweep therefore keeps it; the queue is a root, so it
//!    survives until its finalizer has run, and is freed by a later cycle if the
//!    finalizer did not resurrect it.
//!
//! Checkmark runs just before this step: it verifies the collector's own marking, which
//! this step would otherwise mask (a reachable object the marking lost would be queued
//! and finalized instead of reported). Its roots include the queue and the records' func
//! values, all marked at mark start (or allocated black since).
//!
//! ## Running
//! One finalizer goroutine (gc's fing), created by the first `SetFinalizer`, takes queued
//! finalizers one at a time and calls them; with the queue empty it parks
//! (`finalizer wait`) and mark termination readies it after queueing. While parked it is
//! a system goroutine: `checkdead` and the deadlock report ignore it, so a program whose
//! other goroutines are all blocked still dies with `all goroutines are asleep`. As in
//! gc, `NumGoroutine` never counts it. The entry being run sits in `running`, a root,
//! until the call returns. `runtime.GC` yields once after a collection that queued
//! finalizers, so they run before it returns on one P (gc's caller parks while its mark
//! workers run, which gives the finalizer goroutine the P just the same).
//!
//! ## Calling (the codegen contract, `rgo_abi::entry::SETFINALIZER`)
//! Go functions use Cranelift's `tail` convention; the runtime calls only C-convention
//! code. At each direct call of `runtime.SetFinalizer` whose finalizer argument has a
//! func type with one pointer or interface parameter, codegen emits a thunk
//! `extern "C" fn(g, fn, a0, a1)` that calls the func value with the parameter's parts
//! taken from `a0` (and `a1`); the runtime passes `(obj, 0)` for a pointer parameter,
//! `(type or itab, obj)` for an interface one. A finalizer reaching `SetFinalizer`
//! without a thunk (SetFinalizer called through a func value, or a finalizer whose
//! static type is an interface) uses a thunk registered earlier for the same func type;
//! with none, the call is a fatal error naming the limitation.

use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicBool, AtomicPtr, Ordering};
use std::collections::{HashMap, VecDeque};

use rgo_abi::typ::ext;
use rgo_abi::Kind;

use super::mgcmark::{self, GcWork};
use super::mheap::find_object;
use crate::g::{WaitReason, G};
use crate::lang::typedesc::{InterfaceType, Type};
use crate::lock::{Locked, Mutex};
use crate::panic::throw;

/// The C-convention thunk codegen emits for a finalizer's func type: calls `fv` (a Go
/// func value) with its one parameter made of `a0` (and `a1` for an interface).
pub type FinThunk = unsafe extern "C" fn(g: *mut G, fv: usize, a0: usize, a1: usize);

/// A registered finalizer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record {
    /// The func value (a closure object).
    pub fv: usize,
    pub thunk: usize,
    /// For an interface parameter: the type descriptor or itab that goes with the object;
    /// 0 for a pointer parameter.
    pub tab: usize,
}

/// A finalizer ready to run: `thunk(g, fv, a0, a1)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub obj: usize,
    pub rec: Record,
}

impl Entry {
    fn args(&self) -> (usize, usize) {
        if self.rec.tab == 0 {
            (self.obj, 0)
        } else {
            (self.rec.tab, self.obj)
        }
    }
}

/// Records by object address.
static TABLE: Locked<Option<HashMap<usize, Record>>> = Locked::new(None);
/// Thunks seen per finalizer func type (descriptor address → thunk).
static THUNKS: Locked<Option<HashMap<usize, usize>>> = Locked::new(None);

/// The queue and the finalizer goroutine's state, under `QLOCK` (a raw lock: the
/// goroutine parks with it held and the scheduler releases it, see `gopark`).
struct FinQueue {
    q: VecDeque<Entry>,
    running: Option<Entry>,
    /// The finalizer goroutine is parked waiting for work.
    waiting: bool,
}

struct QueueCell(UnsafeCell<FinQueue>);
// SAFETY: accessed only with QLOCK held.
unsafe impl Sync for QueueCell {}

static QLOCK: Mutex = Mutex::new();
static QUEUE: QueueCell = QueueCell(UnsafeCell::new(FinQueue {
    q: VecDeque::new(),
    running: None,
    waiting: false,
}));
static FING: AtomicPtr<G> = AtomicPtr::new(core::ptr::null_mut());
/// The finalizer goroutine is calling user code (gc's fingRunning).
static FING_RUNNING: AtomicBool = AtomicBool::new(false);

fn with_queue<R>(f: impl FnOnce(&mut FinQueue) -> R) -> R {
    QLOCK.lock();
    // SAFETY: QLOCK held.
    let r = f(unsafe { &mut *QUEUE.0.get() });
    QLOCK.unlock();
    r
}

// ---- SetFinalizer ----

/// Reads the `i`-th parameter type of func type `ft`.
fn func_param(ft: &Type, i: usize) -> *const Type {
    let off = rgo_abi::lang::uncommon::offset_for_kind(Kind::Func as u8) as usize
        + if ft.uncommon().is_some() {
            rgo_abi::lang::uncommon::SIZE as usize
        } else {
            0
        };
    // SAFETY: a func descriptor holds its parameter and result types after the header.
    unsafe { *((ft as *const Type as *const u8).add(off + 8 * i) as *const *const Type) }
}

fn func_counts(ft: &Type) -> (u16, u16) {
    let p = ft as *const Type as *const u8;
    // SAFETY: a func descriptor's counts follow its header.
    unsafe {
        (
            *(p.add(ext::FUNC_IN_COUNT as usize) as *const u16),
            *(p.add(ext::FUNC_OUT_COUNT as usize) as *const u16),
        )
    }
}

fn ptr_elem(t: &Type) -> *const Type {
    // SAFETY: a pointer descriptor's element follows its header.
    unsafe { *((t as *const Type as *const u8).add(ext::PTR_ELEM as usize) as *const *const Type) }
}

/// runtime.SetFinalizer(obj, f): `(etyp, obj)` and `(ftyp, fv)` are the two interface
/// arguments; `thunk` is codegen's caller for `ftyp`, or 0.
///
/// # Safety
/// The descriptors are valid or null; `g` is the running goroutine.
pub unsafe fn set_finalizer(
    g: *mut G,
    etyp: *const Type,
    obj: usize,
    ftyp: *const Type,
    fv: usize,
    thunk: usize,
) {
    if etyp.is_null() {
        throw("runtime.SetFinalizer: first argument is nil");
    }
    // SAFETY: descriptors live forever.
    let et = unsafe { &*etyp };
    if et.kind() != Kind::Pointer {
        throw(&format!(
            "runtime.SetFinalizer: first argument is {}, not pointer",
            et.string_str()
        ));
    }
    let elem = ptr_elem(et);
    if elem.is_null() {
        throw("nil elem type!");
    }
    match find_object(obj) {
        None => {
            // Zero-sized objects and package variables are fine (gc: "might be
            // linker-allocated"); a pointer into the heap's free space or nil is not.
            if obj != 0 && super::mheap::span_of(obj).is_null() {
                return;
            }
            throw("runtime.SetFinalizer: pointer not in allocated block");
        }
        Some((base, _, _)) if base != obj => {
            // An inner pointer is allowed where tiny allocation could have put the object.
            // SAFETY: elem is a descriptor.
            let e = unsafe { &*elem };
            if e.ptrdata != 0 || e.size >= crate::mem::sizeclasses::TINY_SIZE {
                throw("runtime.SetFinalizer: pointer not at beginning of allocated block");
            }
        }
        Some(_) => {}
    }
    if ftyp.is_null() {
        TABLE.lock().as_mut().map(|t| t.remove(&obj));
        return;
    }
    // SAFETY: descriptors live forever.
    let ft = unsafe { &*ftyp };
    if ft.kind() != Kind::Func {
        throw(&format!(
            "runtime.SetFinalizer: second argument is {}, not a function",
            ft.string_str()
        ));
    }
    let (nin, nout) = func_counts(ft);
    let cannot = || -> ! {
        throw(&format!(
            "runtime.SetFinalizer: cannot pass {} to finalizer {}",
            et.string_str(),
            ft.string_str()
        ))
    };
    if nout & 0x8000 != 0 {
        throw(&format!(
            "runtime.SetFinalizer: cannot pass {} to finalizer {} because dotdotdot",
            et.string_str(),
            ft.string_str()
        ));
    }
    if nin != 1 {
        cannot();
    }
    let fint = func_param(ft, 0);
    // SAFETY: descriptors live forever.
    let fi = unsafe { &*fint };
    let tab = if core::ptr::eq(fint, etyp) {
        0
    } else if fi.kind() == Kind::Pointer {
        if (fi.uncommon().is_none() || et.uncommon().is_none()) && ptr_elem(fi) == elem {
            0
        } else {
            cannot()
        }
    } else if fi.kind() == Kind::Interface {
        // SAFETY: kind checked.
        let it: &InterfaceType = unsafe { fi.ext() };
        if it.methods().is_empty() {
            etyp as usize
        } else {
            // SAFETY: valid descriptors; a failed assertion returns null.
            let m = unsafe { crate::lang::iface::getitab(g, it, etyp, true) };
            if m.is_null() {
                cannot();
            }
            m as usize
        }
    } else {
        cannot()
    };
    let thunk = {
        let mut th = THUNKS.lock();
        let th = th.get_or_insert_with(HashMap::new);
        if thunk != 0 {
            th.insert(ftyp as usize, thunk);
            thunk
        } else {
            th.get(&(ftyp as usize)).copied().unwrap_or(0)
        }
    };
    if thunk == 0 {
        throw(&format!(
            "runtime.SetFinalizer: rgo cannot call a finalizer of type {} that no direct call \
             of SetFinalizer passes with that static type",
            ft.string_str()
        ));
    }
    create_fing();
    if !add(obj, Record { fv, thunk, tab }) {
        throw("runtime.SetFinalizer: finalizer already set");
    }
}

/// Adds a record; false if `obj` already has one.
pub fn add(obj: usize, rec: Record) -> bool {
    let mut t = TABLE.lock();
    let t = t.get_or_insert_with(HashMap::new);
    if t.contains_key(&obj) {
        return false;
    }
    t.insert(obj, rec);
    true
}

/// The record of `obj`, if any (tests).
pub fn lookup(obj: usize) -> Option<Record> {
    TABLE.lock().as_ref().and_then(|t| t.get(&obj).copied())
}

/// Takes the queued finalizers (tests, which have no finalizer goroutine).
pub fn take_queued() -> Vec<Entry> {
    with_queue(|q| q.q.drain(..).collect())
}

// ---- the collector's side ----

/// Roots: every record's func value, every queued (and the running) finalizer's func value
/// and object. Precise pointers. World stopped.
pub fn mark_roots(gcw: &mut GcWork) {
    if let Some(t) = TABLE.lock().as_ref() {
        for r in t.values() {
            gcw.grey(r.fv);
        }
    }
    with_queue(|q| {
        for e in q.q.iter().chain(q.running.iter()) {
            gcw.grey(e.rec.fv);
            gcw.grey(e.obj);
        }
    });
}

/// Whether the object at `addr` is marked (false for an address with no object).
fn is_marked(addr: usize) -> bool {
    match find_object(addr) {
        // SAFETY: find_object returned a live span.
        Some((_, _, s)) => unsafe { (*s).is_marked((*s).obj_index(addr)) },
        None => true,
    }
}

/// Mark termination's step (see the module header). World stopped, marking drained.
/// Returns whether finalizers were queued.
pub fn mark_termination() -> bool {
    let mut tab = TABLE.lock();
    let Some(t) = tab.as_mut() else {
        return false;
    };
    if t.is_empty() {
        return false;
    }
    // 1. Referents of every finalized object.
    let mut gcw = GcWork::new();
    for &obj in t.keys() {
        if let Some((base, _, s)) = find_object(obj) {
            // SAFETY: live span.
            if !unsafe { (*s).noscan() } {
                gcw.scan_object(base);
            }
        }
    }
    gcw.drain(u64::MAX, &|| false);
    gcw.flush();
    mgcmark::drain_all();
    // 2. Queue the unreachable ones, keeping them (and so their referents) alive.
    let dead: Vec<usize> = t.keys().copied().filter(|&o| !is_marked(o)).collect();
    if dead.is_empty() {
        return false;
    }
    let mut entries = Vec::with_capacity(dead.len());
    for obj in dead {
        if let Some(rec) = t.remove(&obj) {
            gcw.grey(obj);
            entries.push(Entry { obj, rec });
        }
    }
    drop(tab);
    gcw.flush();
    mgcmark::drain_all();
    with_queue(|q| q.q.extend(entries));
    true
}

// ---- the finalizer goroutine ----

/// Whether `g` is the finalizer goroutine waiting for work (gc's isSystemGoroutine for
/// fing): not counted by deadlock detection and not shown in the deadlock report.
pub fn is_system_goroutine(g: *const G) -> bool {
    core::ptr::eq(g, FING.load(Ordering::Acquire)) && !FING_RUNNING.load(Ordering::Acquire)
}

/// Goroutines NumGoroutine must not count (the finalizer goroutine, once created).
pub fn system_goroutines() -> i64 {
    i64::from(!FING.load(Ordering::Acquire).is_null())
}

/// Whether finalizers wait to run.
pub fn have_queued() -> bool {
    with_queue(|q| !q.q.is_empty())
}

static CREATE: Mutex = Mutex::new();

fn create_fing() {
    if !FING.load(Ordering::Acquire).is_null() {
        return;
    }
    CREATE.lock();
    if FING.load(Ordering::Acquire).is_null() {
        let gp = crate::proc::newproc(fing_main, core::ptr::null_mut());
        FING.store(gp, Ordering::Release);
    }
    CREATE.unlock();
}

/// Readies the finalizer goroutine if it waits and there is work (after mark
/// termination has restarted the world).
pub fn wake_fing() {
    let gp = FING.load(Ordering::Acquire);
    if gp.is_null() {
        return;
    }
    let wake = with_queue(|q| {
        let w = q.waiting && !q.q.is_empty();
        if w {
            q.waiting = false;
        }
        w
    });
    if wake {
        // SAFETY: gp parked itself in fing_main (waiting was set under QLOCK, and the
        // park completes before QLOCK is released).
        unsafe { crate::proc::goready(gp) };
    }
}

/// `gopark`'s unlock function: releases QLOCK once the goroutine is parked.
unsafe fn unlock_queue(_gp: *mut G, _arg: *mut u8) -> bool {
    QLOCK.unlock();
    true
}

/// The finalizer goroutine's body.
unsafe extern "C" fn fing_main(g: *mut G, _arg: *mut u8) {
    loop {
        QLOCK.lock();
        // SAFETY: QLOCK held.
        let q = unsafe { &mut *QUEUE.0.get() };
        let Some(e) = q.q.pop_front() else {
            q.waiting = true;
            // SAFETY: running on the finalizer goroutine; unlock_queue releases QLOCK.
            unsafe {
                crate::proc::gopark(
                    Some(unlock_queue),
                    core::ptr::null_mut(),
                    WaitReason::FinalizerWait,
                )
            };
            continue;
        };
        q.running = Some(e);
        FING_RUNNING.store(true, Ordering::Release);
        QLOCK.unlock();
        let (a0, a1) = e.args();
        // SAFETY: the thunk was emitted by codegen for this func value's type, and the
        // arguments were checked against it by set_finalizer.
        unsafe {
            let f: FinThunk = core::mem::transmute::<usize, FinThunk>(e.rec.thunk);
            f(g, e.rec.fv, a0, a1);
        }
        with_queue(|q| q.running = None);
        FING_RUNNING.store(false, Ordering::Release);
    }
}

/// `rgo_setfinalizer`: see `rgo_abi::entry::SETFINALIZER`.
///
/// # Safety
/// `g` is the running goroutine; the arguments are two interface values and a thunk
/// emitted for the second one's static type (or 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_setfinalizer(
    g: *mut G,
    etyp: *const Type,
    obj: usize,
    ftyp: *const Type,
    fv: usize,
    thunk: usize,
) {
    // SAFETY: by contract.
    unsafe { set_finalizer(g, etyp, obj, ftyp, fv, thunk) }
}
