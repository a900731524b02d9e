//! Entry points and layouts of the memory system (allocator, GC, write barrier).
//!
//! All entry points use the C convention (`system_v`), `g` first where present. Type
//! descriptors (`typ`) are laid out as in [`crate::typ`]: the allocator reads `size`,
//! `ptrdata` and the `gcdata` pointer bitmap; `ptrdata == 0` means a pointer-free object
//! (allocated in a noscan span, never scanned).
//!
//! Write barrier protocol for codegen: call [`WBFLAG_ADDR`] once (e.g. at start-up or in
//! `rgo.main`) and keep the address; before every pointer store into the heap or a global,
//! load the `u32` there; if it is non-zero call [`GCWB`] (which performs the store),
//! otherwise store directly. Stores into stack slots need no barrier. Copies of values
//! whose type has pointers go through [`TYPEDMEMMOVE`] (or per-word barriers).
//!
//! Globals: at start-up, before any allocation that may trigger a GC, `rgo.main` calls
//! [`REGISTER_GLOBALS`] once per global data area with a pointer bitmap (one bit per
//! 8-byte word, least significant bit first; null = scan every word conservatively).

/// `fn(g, typ) -> *mut u8`: `new(T)`, zeroed.
pub const NEWOBJECT: &str = "rgo_newobject";
/// `fn(g, size: u64, typ: *const u8 /* or null */, needzero: u64 /* 0 or 1 */) -> *mut u8`:
/// `size` bytes holding `size / typ.size` values of `typ`; a null `typ` means pointer-free.
/// With `needzero == 0` the caller overwrites the whole object before any GC can see it.
pub const MALLOCGC: &str = "rgo_mallocgc";
/// `fn(g, typ, n: i64) -> *mut u8`: a zeroed `[n]T` (e.g. a slice's backing array).
pub const NEWARRAY: &str = "rgo_newarray";
/// `fn(g, slot: *mut *mut u8, new: *mut u8)`: the write barrier's slow path: shades the
/// old `*slot` and `new`, then stores `*slot = new`.
pub const GCWB: &str = "rgo_gcwb";
/// `fn() -> *const u32`: the address of the write-barrier flag word (non-zero while the
/// GC is marking). Constant for the life of the process.
pub const WBFLAG_ADDR: &str = "rgo_wbflag_addr";
/// Data symbol: the write-barrier flag itself (a `u32`, non-zero while marking), which
/// generated code declares as imported data and loads before pointer stores.
pub const WBFLAG: &str = "rgo_writebarrier";
/// `fn(g, dst: *const u8, size: u64)`: shades the old value of every word of
/// `[dst, dst+size)` (call only while the flag is set, before overwriting the range with
/// a bulk copy whose element type has pointers).
pub const BULKBARRIER: &str = "rgo_bulkbarrier";
/// `fn(g, typ, dst: *mut u8, src: *const u8)`: `*dst = *src` for a value of type `typ`,
/// with write barriers on its pointer words.
pub const TYPEDMEMMOVE: &str = "rgo_typedmemmove";
/// `fn(g)`: runtime.GC — runs a complete collection (and sweep) before returning.
pub const GC: &str = "rgo_gc";
/// `fn(g, out: *mut MemStats)`: runtime.ReadMemStats; `out` has the [`memstats`] layout.
pub const READMEMSTATS: &str = "rgo_readmemstats";
/// `fn(g, pct: i64) -> i64`: debug.SetGCPercent (negative: off); returns the old value.
pub const SETGCPERCENT: &str = "rgo_setgcpercent";
/// `fn(g, base: *const u8, size: u64, bitmap: *const u8)`: registers a global data area
/// as a GC root (see the module header).
pub const REGISTER_GLOBALS: &str = "rgo_register_globals";
/// `fn(g)`: debug.FreeOSMemory — a GC, then every free page returned to the OS.
pub const FREEOSMEMORY: &str = "rgo_freeosmemory";

/// Every memory-system entry point (the runtime's symbol table defines exactly these,
/// together with `entry::ALL` and `lang::ALL`).
pub const ALL: &[&str] = &[
    NEWOBJECT,
    MALLOCGC,
    NEWARRAY,
    GCWB,
    WBFLAG_ADDR,
    TYPEDMEMMOVE,
    BULKBARRIER,
    GC,
    READMEMSTATS,
    SETGCPERCENT,
    REGISTER_GLOBALS,
    FREEOSMEMORY,
];

/// Data symbols of the memory system that generated code imports (the runtime's symbol
/// table defines these too).
pub const DATA: &[&str] = &[WBFLAG];

/// `runtime.MemStats` of Go 1.19 (byte offsets; every field is a u64 unless noted):
/// Alloc, TotalAlloc, Sys, Lookups, Mallocs, Frees, HeapAlloc, HeapSys, HeapIdle,
/// HeapInuse, HeapReleased, HeapObjects, StackInuse, StackSys, MSpanInuse, MSpanSys,
/// MCacheInuse, MCacheSys, BuckHashSys, GCSys, OtherSys, NextGC, LastGC, PauseTotalNs,
/// PauseNs [256]u64, PauseEnd [256]u64, NumGC u32, NumForcedGC u32, GCCPUFraction f64,
/// EnableGC bool, DebugGC bool, BySize [61]{Size u32; Mallocs, Frees u64}.
pub mod memstats {
    pub const ALLOC: usize = 0;
    pub const TOTAL_ALLOC: usize = 8;
    pub const SYS: usize = 16;
    pub const MALLOCS: usize = 32;
    pub const FREES: usize = 40;
    pub const HEAP_ALLOC: usize = 48;
    pub const HEAP_SYS: usize = 56;
    pub const HEAP_IDLE: usize = 64;
    pub const HEAP_INUSE: usize = 72;
    pub const HEAP_RELEASED: usize = 80;
    pub const HEAP_OBJECTS: usize = 88;
    pub const STACK_INUSE: usize = 96;
    pub const NEXT_GC: usize = 168;
    pub const LAST_GC: usize = 176;
    pub const PAUSE_TOTAL_NS: usize = 184;
    pub const PAUSE_NS: usize = 192;
    pub const PAUSE_END: usize = 2240;
    pub const NUM_GC: usize = 4288;
    pub const NUM_FORCED_GC: usize = 4292;
    pub const GC_CPU_FRACTION: usize = 4296;
    pub const ENABLE_GC: usize = 4304;
    pub const DEBUG_GC: usize = 4305;
    pub const BY_SIZE: usize = 4312;
    pub const BY_SIZE_ENTRY: usize = 24;
    pub const SIZE: usize = 5776;
}
