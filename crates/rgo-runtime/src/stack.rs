//! Goroutine stacks.
//!
//! Go starts goroutines on 2 KiB stacks and copies a stack to a larger one when it runs
//! out. rgo cannot move stacks (Cranelift-generated frames hold raw pointers into them), so
//! each goroutine instead gets a large *virtual reservation* that the kernel commits a page
//! at a time as the goroutine first touches it. A running goroutine that used little stack
//! therefore costs a page or two of memory, whatever its reservation; one that stays
//! parked costs only the bytes it uses, once stackcompact.rs has copied them out.
//!
//! The limit is enforced by generated code, not by the memory map: every Go function's
//! prologue compares the new SP with `g.stackguard` (`stack.lo + STACK_RED_ZONE`) and
//! traps (`ud2`, SIGILL) below it; the signal handler turns that into gc's
//! `fatal error: stack overflow`. The red zone leaves room for the runtime routines that
//! generated code calls, which run on the goroutine stack and have no such check.
//!
//! Two kinds of stack:
//!
//! * **Dedicated** — one mapping of its own, with a PROT_NONE guard area below it. The main
//!   goroutine gets one of `MAIN_STACK_SIZE` (1 GiB, so deep recursion behaves as in Go,
//!   whose limit is 1e9 bytes).
//! * **Pooled** — every other goroutine. Stacks of `GOROUTINE_STACK_SIZE` are carved out of
//!   big regions (one mmap each), because a process may have only `vm.max_map_count`
//!   (65530) mappings and a million goroutines is a normal Go program. For the same
//!   reason, pooled stacks have no guard page of their own: a guard between two stacks
//!   would split the region into two mappings per stack. Only the bottom of each region
//!   is guarded. (Go's own goroutine stacks have no guard pages either; they, too, rely
//!   on the prologue check.)
//!
//! Freed pooled stacks go to a free list and are reused LIFO; their pages are given back to
//! the kernel with `madvise(MADV_DONTNEED)`, except the top few pages that the next
//! goroutine will touch first anyway. Regions are marked `MADV_NOHUGEPAGE` so touching the
//! top of a stack never commits a 2 MiB page. Reservations use `MAP_NORESERVE`, so they do
//! not count against the overcommit heuristic.
//!
//! Dead goroutines keep their stacks on the G free lists; a parked goroutine's stack, and
//! the stacks of dead goroutines on the global free list, are given back to the kernel by
//! stackcompact.rs (with [`release_range`]).

use crate::lock::Locked;

/// Memory page size (checked against the system's at start-up).
pub const PAGE_SIZE: usize = 4096;

/// Size of the inaccessible area below a dedicated stack or a pooled region.
pub const GUARD_SIZE: usize = 64 * 1024;

/// Usable size of the main goroutine's stack: at least Go's 1e9-byte maximum.
pub const MAIN_STACK_SIZE: usize = 1 << 30;

/// Usable size of every other goroutine's stack. 64 MiB × 1M goroutines is 64 TiB of the
/// 128 TiB user address space; a parked goroutine commits only what it touched.
pub const GOROUTINE_STACK_SIZE: usize = 64 << 20;

/// Pooled stacks per region: 1024 × 64 MiB = 64 GiB of address space per mapping.
pub const REGION_STACKS: usize = 1024;

/// Bytes at the top of a freed stack that stay committed for the next user.
pub const FREE_KEEP: usize = 16 * 1024;

/// Go's documented maximum stack size, printed in its overflow message.
pub const MAX_STACK_BYTES: u64 = 1_000_000_000;

/// Where a stack's memory came from, so it can be given back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StackKind {
    /// Carved from a pool region; goes back to the pool's free list.
    Pooled,
    /// Its own mapping `[base, base + len)`, unmapped when freed.
    Dedicated { base: usize, len: usize },
}

/// A stack's memory: usable bounds `[lo, hi)` and provenance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StackMem {
    pub lo: usize,
    pub hi: usize,
    pub kind: StackKind,
}

impl StackMem {
    pub fn size(&self) -> usize {
        self.hi - self.lo
    }
}

/// Reserves `len` bytes of lazily committed, read-write memory. Returns null on failure.
fn reserve(len: usize) -> *mut u8 {
    // SAFETY: an anonymous private mapping at a kernel-chosen address touches no existing
    // memory.
    let p = unsafe {
        libc::mmap(
            core::ptr::null_mut(),
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE | libc::MAP_STACK,
            -1,
            0,
        )
    };
    if p == libc::MAP_FAILED {
        core::ptr::null_mut()
    } else {
        p as *mut u8
    }
}

/// Makes `[base, base + GUARD_SIZE)` inaccessible.
fn protect_guard(base: usize) {
    // SAFETY: `base` is the start of a mapping we own that is longer than GUARD_SIZE.
    unsafe {
        libc::mprotect(base as *mut libc::c_void, GUARD_SIZE, libc::PROT_NONE);
    }
}

/// Allocates a dedicated stack of `size` usable bytes (rounded up to pages) with a guard
/// area below it. Returns None if the address space is exhausted.
pub fn alloc_dedicated(size: usize) -> Option<StackMem> {
    let size = size.div_ceil(PAGE_SIZE) * PAGE_SIZE;
    let len = size + GUARD_SIZE;
    let base = reserve(len) as usize;
    if base == 0 {
        return None;
    }
    protect_guard(base);
    Some(StackMem {
        lo: base + GUARD_SIZE,
        hi: base + len,
        kind: StackKind::Dedicated { base, len },
    })
}

/// A pool of equally sized stacks carved from large regions, with a free list.
pub struct StackPool {
    stack_size: usize,
    region_stacks: usize,
    /// Free stacks' `lo`, reused last-in first-out (the most recently freed are the most
    /// likely to still have committed pages).
    free: Vec<usize>,
    /// Next never-used stack in the current region, and the region's end.
    cur: usize,
    end: usize,
    /// Every region mapped, as (base, len) — for diagnostics and the GC later.
    regions: Vec<(usize, usize)>,
    in_use: usize,
}

impl StackPool {
    pub const fn new(stack_size: usize, region_stacks: usize) -> StackPool {
        StackPool {
            stack_size,
            region_stacks,
            free: Vec::new(),
            cur: 0,
            end: 0,
            regions: Vec::new(),
            in_use: 0,
        }
    }

    pub fn stack_size(&self) -> usize {
        self.stack_size
    }

    /// Stacks currently handed out.
    pub fn in_use(&self) -> usize {
        self.in_use
    }

    /// Number of regions mapped so far.
    pub fn region_count(&self) -> usize {
        self.regions.len()
    }

    /// Takes a stack from the free list, or carves a new one (mapping a new region when
    /// the current one is used up). Returns None when out of address space.
    pub fn alloc(&mut self) -> Option<StackMem> {
        let lo = if let Some(lo) = self.free.pop() {
            lo
        } else {
            if self.cur == self.end {
                self.new_region()?;
            }
            let lo = self.cur;
            self.cur += self.stack_size;
            lo
        };
        self.in_use += 1;
        Some(StackMem {
            lo,
            hi: lo + self.stack_size,
            kind: StackKind::Pooled,
        })
    }

    fn new_region(&mut self) -> Option<()> {
        let len = GUARD_SIZE + self.stack_size * self.region_stacks;
        let base = reserve(len) as usize;
        if base == 0 {
            return None;
        }
        protect_guard(base);
        // SAFETY: advice on a mapping we own; it only changes how pages get committed.
        unsafe {
            libc::madvise(
                (base + GUARD_SIZE) as *mut libc::c_void,
                len - GUARD_SIZE,
                libc::MADV_NOHUGEPAGE,
            );
        }
        self.regions.push((base, len));
        self.cur = base + GUARD_SIZE;
        self.end = base + len;
        Some(())
    }

    /// Returns a stack to the free list. Its memory should have been released with
    /// [`release_pages`] first (outside the pool's lock).
    pub fn free(&mut self, mem: StackMem) {
        debug_assert_eq!(mem.kind, StackKind::Pooled);
        debug_assert_eq!(mem.size(), self.stack_size);
        self.in_use -= 1;
        self.free.push(mem.lo);
    }
}

/// Gives a pooled stack's pages back to the kernel, keeping the top `FREE_KEEP` bytes.
/// After this the memory reads as zeros when next touched.
pub fn release_pages(mem: &StackMem) {
    let len = mem.size().saturating_sub(FREE_KEEP);
    if len == 0 {
        return;
    }
    // SAFETY: the range lies inside a stack we own and that nobody runs on any more.
    unsafe {
        libc::madvise(mem.lo as *mut libc::c_void, len, libc::MADV_DONTNEED);
    }
}

/// Gives the pages of `[lo, hi)` (whole pooled stacks nobody runs on) back to the kernel,
/// page tables included; they read as zeros when next touched. A fresh mapping with the
/// region's flags replaces the range (MADV_DONTNEED would keep the page tables, one 4 KiB
/// page per touched stack at this spacing); the kernel merges it back into the region's
/// mapping, so the number of mappings does not grow.
pub fn release_range(lo: usize, hi: usize) {
    // SAFETY: by contract the range lies inside a pool region we own and holds no live
    // data; MAP_FIXED replaces exactly that range.
    unsafe {
        let p = libc::mmap(
            lo as *mut libc::c_void,
            hi - lo,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE
                | libc::MAP_ANONYMOUS
                | libc::MAP_NORESERVE
                | libc::MAP_STACK
                | libc::MAP_FIXED,
            -1,
            0,
        );
        if p == libc::MAP_FAILED {
            libc::madvise(lo as *mut libc::c_void, hi - lo, libc::MADV_DONTNEED);
            return;
        }
        libc::madvise(lo as *mut libc::c_void, hi - lo, libc::MADV_NOHUGEPAGE);
    }
}

static POOL: Locked<StackPool> = Locked::new(StackPool::new(GOROUTINE_STACK_SIZE, REGION_STACKS));

/// Allocates a goroutine stack from the global pool (Go's stackalloc).
pub fn stackalloc() -> StackMem {
    match POOL.lock().alloc() {
        Some(s) => s,
        None => crate::panic::throw("out of memory allocating stack"),
    }
}

/// Frees a goroutine stack (Go's stackfree): pooled stacks go back to the pool, dedicated
/// ones are unmapped.
pub fn stackfree(mem: StackMem) {
    match mem.kind {
        StackKind::Pooled => {
            release_pages(&mem);
            POOL.lock().free(mem);
        }
        StackKind::Dedicated { base, len } => {
            // SAFETY: the mapping was created by alloc_dedicated and nothing runs on it.
            unsafe {
                libc::munmap(base as *mut libc::c_void, len);
            }
        }
    }
}

/// Checks the assumptions this module makes about the system.
pub fn init() {
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if page as usize != PAGE_SIZE {
        crate::panic::throw("unexpected system page size");
    }
}
