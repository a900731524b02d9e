//! Memory management: Go's size-class allocator and concurrent tri-colour mark-sweep
//! collector, one mechanism per module (as in gc's runtime):
//!
//! | module          | gc counterpart        | what it holds                                   |
//! |-----------------|-----------------------|-------------------------------------------------|
//! | [`sizeclasses`] | sizeclasses.go        | the 68 size classes, span sizes, lookup tables  |
//! | [`mspan`]       | mheap.go (mspan)      | spans, alloc/mark bitmaps, free-slot search     |
//! | [`mheap`]       | mheap.go, mpagealloc  | arenas, arena index, page allocator, heap bits  |
//! | [`mcentral`]    | mcentral.go           | per-span-class lists, lazy sweeping on refill   |
//! | [`mcache`]      | mcache.go             | per-thread (later per-P) lock-free caches       |
//! | [`mgc`]         | mgc.go                | cycle phases, workers, start, mark termination  |
//! | [`mgcmark`]     | mgcmark.go, mgcwork   | grey queues, scanning, roots, assists, checkmark|
//! | [`mgcsweep`]    | mgcsweep.go           | sweeping, background sweeper                    |
//! | [`mbarrier`]    | mbarrier.go           | hybrid write barrier, typedmemmove              |
//! | [`mfinal`]      | mfinal.go             | finalizer table, queue, finalizer goroutine     |
//! | [`pacer`]       | mgcpacer.go           | GOGC, heap goal, trigger, assist ratio          |
//! | [`mstats`]      | mstats.go             | counters, MemStats, the gctrace line            |
//! | [`scavenge`]    | mgcscavenge.go        | returning idle pages to the OS                  |
//! | [`world`]       | (proc.go interface)   | hooks the scheduler installs: STW, stacks, Ps   |
//!
//! The allocation paths themselves are in `crate::malloc` (gc's malloc.go).
//!
//! Entry points (names and signatures in `rgo_abi::mem`) are defined here and in
//! mbarrier.rs. GODEBUG settings read at start-up: `gctrace=1`, `gccheckmark=1`,
//! `clobberfree=1`; GOGC: a percentage or `off`.

pub mod mbarrier;
pub mod mcache;
pub mod mcentral;
pub mod mfinal;
pub mod mgc;
pub mod mgcmark;
pub mod mgcsweep;
pub mod mheap;
pub mod mspan;
pub mod mstats;
pub mod pacer;
pub mod scavenge;
pub mod sizeclasses;
pub mod world;

#[cfg(test)]
mod tests;

use core::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::Instant;

use crate::g::G;
use crate::malloc::{malloc, type_info, Layout};
use rgo_abi::mem as abi;

pub use mgcmark::{register_globals, register_root_scanner};
pub use mheap::find_object;
pub use world::{set_world_hooks, WorldHooks};

/// GODEBUG settings of the memory system.
#[derive(Clone, Copy, Default, Debug)]
pub struct Debug {
    pub gctrace: u32,
    pub gccheckmark: bool,
    pub clobberfree: bool,
}

static DEBUG: OnceLock<Debug> = OnceLock::new();
static START: OnceLock<Instant> = OnceLock::new();
static INITED: AtomicBool = AtomicBool::new(false);

/// Parses a GODEBUG value (`name=val,name=val`).
pub fn parse_godebug(s: &str) -> Debug {
    let mut d = Debug::default();
    for kv in s.split(',') {
        let Some((k, v)) = kv.split_once('=') else {
            continue;
        };
        let n = v.parse::<u32>().unwrap_or(0);
        match k {
            "gctrace" => d.gctrace = n,
            "gccheckmark" => d.gccheckmark = n != 0,
            "clobberfree" => d.clobberfree = n != 0,
            _ => {}
        }
    }
    d
}

pub fn debug() -> Debug {
    *DEBUG.get_or_init(|| parse_godebug(&std::env::var("GODEBUG").unwrap_or_default()))
}

/// One-time set-up (GODEBUG, GOGC, the clock origin). Cheap after the first call.
#[inline]
pub fn init() {
    if !INITED.load(Ordering::Acquire) {
        init_slow();
    }
}

#[cold]
fn init_slow() {
    START.get_or_init(Instant::now);
    debug();
    pacer::init_from_env(std::env::var("GOGC").ok().as_deref());
    INITED.store(true, Ordering::Release);
}

/// Monotonic nanoseconds since the memory system started.
pub fn nanotime() -> u64 {
    START.get_or_init(Instant::now).elapsed().as_nanos() as u64
}

pub fn nanotime_since_start() -> u64 {
    nanotime()
}

/// Re-exported for the scheduler: enable automatic collection (gc's gcenable).
pub use mgc::gcenable;

// ---- entry points ----

/// `rgo_newobject(g, typ) -> *mut u8`: a zeroed object of type `typ`.
///
/// # Safety
/// `typ` is a valid type descriptor.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_newobject(g: *mut G, typ: *const u8) -> *mut u8 {
    if !g.is_null() {
        mgc::gcenable_from_entry();
    }
    // SAFETY: per the contract.
    let t = unsafe { type_info(typ) };
    let layout = if t.ptrdata == 0 {
        Layout::Noscan
    } else {
        Layout::Typed(typ, 1)
    };
    malloc(t.size, layout, true, 8)
}

/// `rgo_mallocgc(g, size, typ, needzero) -> *mut u8`: `size` bytes holding
/// `size / typ.size` values of `typ`; a null `typ` means no pointers (gc's convention).
///
/// # Safety
/// `typ` is null or a valid type descriptor.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_mallocgc(
    g: *mut G,
    size: u64,
    typ: *const u8,
    needzero: u64,
) -> *mut u8 {
    if !g.is_null() {
        mgc::gcenable_from_entry();
    }
    let layout = if typ.is_null() {
        Layout::Noscan
    } else {
        // SAFETY: per the contract.
        let t = unsafe { type_info(typ) };
        if t.ptrdata == 0 {
            Layout::Noscan
        } else {
            Layout::Typed(typ, (size as usize / t.size.max(1)).max(1))
        }
    };
    malloc(size as usize, layout, needzero != 0, 8)
}

/// `rgo_newarray(g, typ, n) -> *mut u8`: a zeroed array of `n` values of `typ`.
///
/// # Safety
/// `typ` is a valid type descriptor.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_newarray(g: *mut G, typ: *const u8, n: i64) -> *mut u8 {
    if !g.is_null() {
        mgc::gcenable_from_entry();
    }
    // SAFETY: per the contract.
    let t = unsafe { type_info(typ) };
    if n < 0 {
        crate::panic::throw("runtime: allocation size out of range");
    }
    let Some(size) = t.size.checked_mul(n as usize).filter(|&s| s <= 1 << 47) else {
        crate::panic::throw("runtime: allocation size out of range");
    };
    let layout = if t.ptrdata == 0 {
        Layout::Noscan
    } else {
        Layout::Typed(typ, n as usize)
    };
    malloc(size, layout, true, 8)
}

/// `rgo_gc(g)`: runtime.GC.
#[unsafe(no_mangle)]
pub extern "C" fn rgo_gc(_g: *mut G) {
    mgc::gc_forced();
}

/// `rgo_readmemstats(g, out)`: runtime.ReadMemStats.
///
/// # Safety
/// `out` points at `rgo_abi::mem::memstats::SIZE` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_readmemstats(_g: *mut G, out: *mut u8) {
    init();
    let mut ms = mstats::read_mem_stats();
    if world::hooks_installed() {
        // Goroutine stacks live outside the heap; counting them needs every G still.
        world::stop();
        let stacks = crate::stackcompact::stack_inuse();
        world::start();
        ms.stack_inuse = stacks;
        ms.stack_sys = stacks;
        ms.sys += stacks;
    }
    // SAFETY: per the contract; MemStats has the ABI layout (asserted in mstats.rs).
    unsafe { (out as *mut mstats::MemStats).write_unaligned(ms) };
}

/// `rgo_setgcpercent(g, pct) -> old`: debug.SetGCPercent.
#[unsafe(no_mangle)]
pub extern "C" fn rgo_setgcpercent(_g: *mut G, pct: i64) -> i64 {
    init();
    let old = pacer::set_gc_percent(pct.clamp(-1, i32::MAX as i64) as i32);
    // A lower goal may already be exceeded.
    mgc::maybe_trigger();
    old as i64
}

/// `rgo_register_globals(g, base, size, bitmap)`: registers a global data area as a root.
///
/// # Safety
/// `[base, base+size)` stays valid; `bitmap` is null or holds `size/8` bits.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_register_globals(
    _g: *mut G,
    base: *const u8,
    size: u64,
    bitmap: *const u8,
) {
    register_globals(base as usize, size as usize, bitmap);
}

/// `rgo_freeosmemory(g)`: debug.FreeOSMemory.
#[unsafe(no_mangle)]
pub extern "C" fn rgo_freeosmemory(_g: *mut G) {
    mgc::gc_forced();
    scavenge::release_all();
}

/// Entry points of the memory system, for [`crate::symbols`].
pub fn symbols() -> Vec<(&'static str, *const u8)> {
    vec![
        (abi::NEWOBJECT, rgo_newobject as *const u8),
        (abi::MALLOCGC, rgo_mallocgc as *const u8),
        (abi::NEWARRAY, rgo_newarray as *const u8),
        (abi::GCWB, mbarrier::rgo_gcwb as *const u8),
        (abi::WBFLAG_ADDR, mbarrier::rgo_wbflag_addr as *const u8),
        (abi::TYPEDMEMMOVE, mbarrier::rgo_typedmemmove as *const u8),
        (abi::BULKBARRIER, mbarrier::rgo_bulkbarrier as *const u8),
        (abi::WBFLAG, mgc::WRITE_BARRIER.as_ptr() as *const u8),
        (abi::GC, rgo_gc as *const u8),
        (abi::READMEMSTATS, rgo_readmemstats as *const u8),
        (abi::SETGCPERCENT, rgo_setgcpercent as *const u8),
        (abi::REGISTER_GLOBALS, rgo_register_globals as *const u8),
        (abi::FREEOSMEMORY, rgo_freeosmemory as *const u8),
    ]
}
