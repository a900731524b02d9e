//! Allocators: the heap placeholder and the stack pool.

use crate::malloc::{mallocgc, rgo_alloc};
use crate::stack::{
    alloc_dedicated, release_pages, stackfree, StackKind, StackPool, FREE_KEEP, GUARD_SIZE,
    PAGE_SIZE,
};

#[test]
fn alloc_is_zeroed_aligned_and_distinct() {
    let mut seen = Vec::new();
    for i in 0..2000usize {
        let size = 1 + (i * 37) % 300;
        let align = 1usize << (i % 5);
        let p = rgo_alloc(core::ptr::null_mut(), size as u64, align as u64);
        assert!(!p.is_null());
        assert_eq!(p as usize % align, 0);
        // SAFETY: p is a fresh allocation of `size` bytes.
        let mem = unsafe { core::slice::from_raw_parts_mut(p, size) };
        assert!(mem.iter().all(|&b| b == 0));
        mem.fill(0xAB);
        seen.push((p as usize, size));
    }
    seen.sort_unstable();
    for w in seen.windows(2) {
        assert!(w[0].0 + w[0].1 <= w[1].0, "overlapping allocations");
    }
}

#[test]
fn alloc_zero_size_and_large() {
    let a = mallocgc(0, 8);
    let b = mallocgc(0, 1);
    assert!(!a.is_null());
    assert_eq!(a, b, "zero-sized allocations share zerobase");
    let big = 20 << 20;
    let p = mallocgc(big, 8);
    // SAFETY: p is a fresh allocation of `big` bytes.
    unsafe {
        assert_eq!(*p, 0);
        assert_eq!(*p.add(big - 1), 0);
        *p.add(big - 1) = 1;
    }
}

#[test]
fn alloc_from_many_threads() {
    let handles: Vec<_> = (0..4)
        .map(|t| {
            std::thread::spawn(move || {
                let mut v = Vec::new();
                for i in 0..5000usize {
                    let p = mallocgc(24, 8) as *mut u64;
                    // SAFETY: fresh 24-byte, 8-aligned allocation.
                    unsafe {
                        assert_eq!(*p, 0);
                        *p = (t << 32 | i) as u64;
                    }
                    v.push(p as usize);
                }
                for (i, &p) in v.iter().enumerate() {
                    // SAFETY: still our allocation; nobody else writes it.
                    assert_eq!(unsafe { *(p as *const u64) }, (t << 32 | i) as u64);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}

#[test]
fn stack_pool_carves_reuses_and_releases() {
    let size = 256 * 1024;
    let mut pool = StackPool::new(size, 4);
    let stacks: Vec<_> = (0..10).map(|_| pool.alloc().expect("stack")).collect();
    assert_eq!(pool.region_count(), 3);
    assert_eq!(pool.in_use(), 10);
    for s in &stacks {
        assert_eq!(s.kind, StackKind::Pooled);
        assert_eq!(s.size(), size);
        assert_eq!(s.lo % PAGE_SIZE, 0);
        // SAFETY: the pool handed out [lo, hi) as writable memory.
        unsafe {
            *(s.lo as *mut u64) = 1;
            *((s.hi - 8) as *mut u64) = 2;
        }
    }
    let mut sorted: Vec<_> = stacks.iter().map(|s| (s.lo, s.hi)).collect();
    sorted.sort_unstable();
    for w in sorted.windows(2) {
        assert!(w[0].1 <= w[1].0, "stacks overlap");
    }
    // Freed stacks come back last-in first-out, with the pages below the kept top zeroed.
    let victim = stacks[3];
    release_pages(&victim);
    pool.free(victim);
    assert_eq!(pool.in_use(), 9);
    let again = pool.alloc().unwrap();
    assert_eq!(again, victim);
    // SAFETY: memory of a stack we own.
    unsafe {
        assert_eq!(*(again.lo as *const u64), 0, "released page not zero");
        assert_eq!(*((again.hi - 8) as *const u64), 2, "kept top page lost");
    }
    assert!(FREE_KEEP < size);
    // No new region for a reused stack.
    assert_eq!(pool.region_count(), 3);
}

#[test]
fn dedicated_stack_bounds() {
    let s = alloc_dedicated(100_000).expect("stack");
    assert_eq!(s.size() % PAGE_SIZE, 0);
    assert!(s.size() >= 100_000);
    match s.kind {
        StackKind::Dedicated { base, len } => {
            assert_eq!(base + GUARD_SIZE, s.lo);
            assert_eq!(base + len, s.hi);
        }
        _ => panic!("not dedicated"),
    }
    // SAFETY: the usable range is writable.
    unsafe {
        *(s.lo as *mut u8) = 1;
        *((s.hi - 1) as *mut u8) = 1;
    }
    stackfree(s);
}

#[test]
fn global_stack_pool() {
    let a = crate::stack::stackalloc();
    let b = crate::stack::stackalloc();
    assert_ne!(a.lo, b.lo);
    assert_eq!(a.size(), crate::stack::GOROUTINE_STACK_SIZE);
    stackfree(a);
    stackfree(b);
}
