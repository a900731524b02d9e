//! Memory statistics: the counters the allocator and collector keep, `runtime.MemStats`
//! (laid out as Go 1.19's, offsets in `rgo_abi::mem::memstats`), and the `gctrace` line.
//!
//! Concepts. Allocation counts live in each mcache (written only by its owner, so no
//! atomic read-modify-write on the fast path) and are summed over all mcaches when read;
//! frees are counted by the sweeper per span; so `Mallocs - Frees` is the number of live
//! objects as of the last sweep plus everything allocated since. `HEAP_LIVE` is the
//! pacer's view (gc's heapLive): bytes in spans handed to mcaches plus large objects,
//! reset to the marked bytes at each mark termination.

use core::sync::atomic::{AtomicU64, Ordering};

use super::sizeclasses::{CLASS_SIZE, NUM_SIZE_CLASSES};

pub static HEAP_LIVE: AtomicU64 = AtomicU64::new(0);
/// Objects freed by sweeping, per size class (0 = large).
pub static FREES: [AtomicU64; NUM_SIZE_CLASSES] = [const { AtomicU64::new(0) }; NUM_SIZE_CLASSES];
pub static LARGE_FREED_BYTES: AtomicU64 = AtomicU64::new(0);
/// Counters of mcaches that were freed.
pub static RETIRED_NMALLOC: [AtomicU64; NUM_SIZE_CLASSES] =
    [const { AtomicU64::new(0) }; NUM_SIZE_CLASSES];
pub static RETIRED_LARGE_BYTES: AtomicU64 = AtomicU64::new(0);
pub static RETIRED_TINY: AtomicU64 = AtomicU64::new(0);

pub static NUMGC: AtomicU64 = AtomicU64::new(0);
pub static NUM_FORCED_GC: AtomicU64 = AtomicU64::new(0);
pub static PAUSE_TOTAL_NS: AtomicU64 = AtomicU64::new(0);
pub static PAUSE_NS: [AtomicU64; 256] = [const { AtomicU64::new(0) }; 256];
pub static PAUSE_END: [AtomicU64; 256] = [const { AtomicU64::new(0) }; 256];
pub static LAST_GC_UNIX_NS: AtomicU64 = AtomicU64::new(0);
/// CPU time spent by the collector (STW phases × procs, marking, assists), ns.
pub static GC_CPU_NS: AtomicU64 = AtomicU64::new(0);

/// Go 1.19's `runtime.MemStats`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct MemStats {
    pub alloc: u64,
    pub total_alloc: u64,
    pub sys: u64,
    pub lookups: u64,
    pub mallocs: u64,
    pub frees: u64,
    pub heap_alloc: u64,
    pub heap_sys: u64,
    pub heap_idle: u64,
    pub heap_inuse: u64,
    pub heap_released: u64,
    pub heap_objects: u64,
    pub stack_inuse: u64,
    pub stack_sys: u64,
    pub mspan_inuse: u64,
    pub mspan_sys: u64,
    pub mcache_inuse: u64,
    pub mcache_sys: u64,
    pub buck_hash_sys: u64,
    pub gc_sys: u64,
    pub other_sys: u64,
    pub next_gc: u64,
    pub last_gc: u64,
    pub pause_total_ns: u64,
    pub pause_ns: [u64; 256],
    pub pause_end: [u64; 256],
    pub num_gc: u32,
    pub num_forced_gc: u32,
    pub gc_cpu_fraction: f64,
    pub enable_gc: bool,
    pub debug_gc: bool,
    pub by_size: [BySize; 61],
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct BySize {
    pub size: u32,
    pub mallocs: u64,
    pub frees: u64,
}

const _: () = {
    use core::mem::{offset_of, size_of};
    use rgo_abi::mem::memstats as abi;
    assert!(offset_of!(MemStats, alloc) == abi::ALLOC);
    assert!(offset_of!(MemStats, heap_alloc) == abi::HEAP_ALLOC);
    assert!(offset_of!(MemStats, stack_inuse) == abi::STACK_INUSE);
    assert!(offset_of!(MemStats, next_gc) == abi::NEXT_GC);
    assert!(offset_of!(MemStats, pause_ns) == abi::PAUSE_NS);
    assert!(offset_of!(MemStats, pause_end) == abi::PAUSE_END);
    assert!(offset_of!(MemStats, num_gc) == abi::NUM_GC);
    assert!(offset_of!(MemStats, gc_cpu_fraction) == abi::GC_CPU_FRACTION);
    assert!(offset_of!(MemStats, enable_gc) == abi::ENABLE_GC);
    assert!(offset_of!(MemStats, by_size) == abi::BY_SIZE);
    assert!(size_of::<BySize>() == abi::BY_SIZE_ENTRY);
    assert!(size_of::<MemStats>() == abi::SIZE);
};

/// Allocation counters summed over all mcaches (live and retired): per-class object
/// counts (class 0 = large objects), large bytes, tiny allocations.
pub fn malloc_counts() -> ([u64; NUM_SIZE_CLASSES], u64, u64) {
    let mut n = [0u64; NUM_SIZE_CLASSES];
    for (i, v) in n.iter_mut().enumerate() {
        *v = RETIRED_NMALLOC[i].load(Ordering::Relaxed);
    }
    let mut large = RETIRED_LARGE_BYTES.load(Ordering::Relaxed);
    let mut tiny = RETIRED_TINY.load(Ordering::Relaxed);
    super::mcache::for_each_mcache(|c| {
        for (i, v) in n.iter_mut().enumerate() {
            *v += c.nmalloc[i].load(Ordering::Relaxed);
        }
        large += c.large_bytes.load(Ordering::Relaxed);
        tiny += c.tiny_allocs.load(Ordering::Relaxed);
    });
    (n, large, tiny)
}

/// Fills a MemStats snapshot.
pub fn read_mem_stats() -> MemStats {
    let (n, large_bytes, tiny) = malloc_counts();
    let mut total_alloc = large_bytes;
    let mut mallocs = tiny;
    let mut frees = tiny;
    let mut freed_bytes = LARGE_FREED_BYTES.load(Ordering::Relaxed);
    let mut by_size = [BySize::default(); 61];
    for c in 0..NUM_SIZE_CLASSES {
        let f = FREES[c].load(Ordering::Relaxed);
        mallocs += n[c];
        frees += f;
        if c > 0 {
            total_alloc += n[c] * CLASS_SIZE[c] as u64;
            freed_bytes += f * CLASS_SIZE[c] as u64;
        }
        if c < 61 {
            by_size[c] = BySize {
                size: CLASS_SIZE[c] as u32,
                mallocs: n[c],
                frees: f,
            };
        }
    }
    let (heap_sys, heap_inuse, released, meta, nspans) = super::mheap::heap_stats();
    let alloc = total_alloc.saturating_sub(freed_bytes);
    let mspan_sys = (nspans * core::mem::size_of::<super::mspan::MSpan>()) as u64;
    let mcache_sys =
        (super::mcache::count() * core::mem::size_of::<super::mcache::MCache>()) as u64;
    let gc_sys = meta as u64 + (32 << 20);
    let stack_sys = 0;
    let mut ms = MemStats {
        alloc,
        total_alloc,
        sys: heap_sys as u64 + mspan_sys + mcache_sys + gc_sys + stack_sys,
        lookups: 0,
        mallocs,
        frees,
        heap_alloc: alloc,
        heap_sys: heap_sys as u64,
        heap_idle: (heap_sys - heap_inuse) as u64,
        heap_inuse: heap_inuse as u64,
        heap_released: released as u64,
        heap_objects: mallocs.saturating_sub(frees),
        stack_inuse: 0,
        stack_sys,
        mspan_inuse: mspan_sys,
        mspan_sys,
        mcache_inuse: mcache_sys,
        mcache_sys,
        buck_hash_sys: 0,
        gc_sys,
        other_sys: 0,
        next_gc: super::pacer::heap_goal_now(),
        last_gc: LAST_GC_UNIX_NS.load(Ordering::Relaxed),
        pause_total_ns: PAUSE_TOTAL_NS.load(Ordering::Relaxed),
        pause_ns: [0; 256],
        pause_end: [0; 256],
        num_gc: NUMGC.load(Ordering::Relaxed) as u32,
        num_forced_gc: NUM_FORCED_GC.load(Ordering::Relaxed) as u32,
        gc_cpu_fraction: gc_cpu_fraction(),
        enable_gc: true,
        debug_gc: false,
        by_size,
    };
    for i in 0..256 {
        ms.pause_ns[i] = PAUSE_NS[i].load(Ordering::Relaxed);
        ms.pause_end[i] = PAUSE_END[i].load(Ordering::Relaxed);
    }
    if ms.next_gc == u64::MAX {
        ms.next_gc = 0;
    }
    ms
}

/// Fraction of the available CPU time used by the GC since the program started.
pub fn gc_cpu_fraction() -> f64 {
    let elapsed = super::nanotime_since_start().max(1) as f64;
    let procs = (super::world::gomaxprocs().max(1)) as f64;
    GC_CPU_NS.load(Ordering::Relaxed) as f64 / (elapsed * procs)
}

/// gc's itoaDiv: `val` with a decimal point `dec` digits from the right.
pub fn itoa_div(val: u64, dec: usize) -> String {
    let mut s = val.to_string();
    if dec == 0 {
        return s;
    }
    while s.len() <= dec {
        s.insert(0, '0');
    }
    s.insert(s.len() - dec, '.');
    s
}

/// gc's fmtNSAsMS: whole milliseconds from 10 ms up, else two significant digits with
/// at most three decimals.
pub fn fmt_ns_as_ms(ns: u64) -> String {
    if ns >= 10_000_000 {
        return itoa_div(ns / 1_000_000, 0);
    }
    let mut x = ns / 1000;
    if x == 0 {
        return "0".into();
    }
    let mut dec = 3;
    while x >= 100 {
        x /= 10;
        dec -= 1;
    }
    itoa_div(x, dec)
}

/// The fields of one `gctrace` line.
pub struct TraceLine {
    pub num: u64,
    pub start_ns: u64,
    pub util_pct: u64,
    pub clock: [u64; 3],
    pub cpu: [u64; 5],
    pub heap0: u64,
    pub heap1: u64,
    pub heap2: u64,
    pub goal: u64,
    pub stacks: u64,
    pub globals: u64,
    pub procs: usize,
    pub forced: bool,
}

/// Formats a gctrace line exactly as gc 1.19 prints it (with the trailing newline).
pub fn format_trace(t: &TraceLine) -> String {
    let mut s = format!(
        "gc {} @{}s {}%: ",
        t.num,
        itoa_div(t.start_ns / 1_000_000, 3),
        t.util_pct
    );
    let clock: Vec<String> = t.clock.iter().map(|&n| fmt_ns_as_ms(n)).collect();
    s += &clock.join("+");
    s += " ms clock, ";
    for (i, &n) in t.cpu.iter().enumerate() {
        if i == 2 || i == 3 {
            s.push('/');
        } else if i != 0 {
            s.push('+');
        }
        s += &fmt_ns_as_ms(n);
    }
    s += &format!(
        " ms cpu, {}->{}->{} MB, {} MB goal, {} MB stacks, {} MB globals, {} P",
        t.heap0 >> 20,
        t.heap1 >> 20,
        t.heap2 >> 20,
        t.goal >> 20,
        t.stacks >> 20,
        t.globals >> 20,
        t.procs
    );
    if t.forced {
        s += " (forced)";
    }
    s.push('\n');
    s
}
