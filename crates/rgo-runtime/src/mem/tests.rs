//! Tests of the memory system. Pure parts (size classes, span bitmaps, pacer, trace
//! format) and the allocator run in-process. Anything that collects runs in a child
//! process (this test binary re-executed with `RGO_MEM_CHILD=<scenario>`), because a
//! collection in the shared test process would free objects other tests keep only in
//! Rust-allocated memory, which is not a root.

use core::sync::atomic::{AtomicUsize, Ordering};
use std::hint::black_box;
use std::process::Command;

use super::mheap::find_object;
use super::mspan::MSpan;
use super::sizeclasses::*;
use super::*;

// ---- size classes ----

#[test]
fn size_classes_are_gcs_and_lookup_is_smallest_fit() {
    assert_eq!(CLASS_SIZE.len(), 68);
    for c in 1..NUM_SIZE_CLASSES {
        assert!(CLASS_SIZE[c] > CLASS_SIZE[c - 1]);
        assert_eq!(CLASS_SIZE[c] % 8, 0);
        let span = CLASS_NPAGES[c] * PAGE_SIZE;
        let n = objects_per_span(c);
        assert!((1..=super::mspan::MAX_OBJECTS).contains(&n));
        // Tail waste of a span is at most 1/8 of it.
        assert!(
            (span - n * CLASS_SIZE[c]) * 8 <= span,
            "class {c} tail waste"
        );
        // Division magic is exact for every object offset.
        for i in 0..n {
            for off in [i * CLASS_SIZE[c], i * CLASS_SIZE[c] + CLASS_SIZE[c] - 1] {
                assert_eq!(
                    ((off as u64 * DIV_MAGIC[c] as u64) >> 32) as usize,
                    i,
                    "class {c}"
                );
            }
        }
    }
    for size in 1..=MAX_SMALL_SIZE {
        let c = size_to_class(size);
        assert!(CLASS_SIZE[c] >= size, "size {size}");
        assert!(CLASS_SIZE[c - 1] < size, "size {size} not smallest");
        // Rounding waste bound (gc: 12.5%) except for the smallest classes.
        // Worst-case waste of a span of class c (gc's "max waste" column) stays under
        // 20% (it peaks at 15.6% for 4096-byte objects holding 3457-byte requests).
        let prev = CLASS_SIZE[c - 1];
        let span = CLASS_NPAGES[c] * PAGE_SIZE;
        let n = objects_per_span(c);
        let worst = (CLASS_SIZE[c] - prev - 1) * n + (span - n * CLASS_SIZE[c]);
        if CLASS_SIZE[c] > 128 {
            assert!(worst * 5 <= span, "class {c} worst waste");
        }
    }
    assert_eq!(objects_per_span(1), 1024);
    assert_eq!(objects_per_span(67), 1);
}

#[test]
fn span_bitmap_allocation() {
    let mut s = MSpan::new();
    s.init(0x100000, 1, SpanClass::new(1, true), false);
    assert_eq!(s.nelems, 1024);
    s.refill_alloc_cache();
    let mut got = Vec::new();
    while let Some(i) = s.next_free_fast().or_else(|| s.next_free_index()) {
        got.push(i);
    }
    assert_eq!(got, (0..1024).collect::<Vec<_>>());
    // Sweep that keeps every third object; the next pass hands out exactly the others.
    for i in (0..1024).step_by(3) {
        assert!(s.try_mark(i));
        assert!(!s.try_mark(i));
    }
    for w in 0..super::mspan::BITMAP_WORDS {
        s.alloc_bits[w] = s.mark_bits[w].swap(0, Ordering::Relaxed);
    }
    s.freeindex.store(0, Ordering::Relaxed);
    s.alloc_count = 342;
    s.refill_alloc_cache();
    assert!(!s.is_free(0) && s.is_free(1));
    let mut again = Vec::new();
    while let Some(i) = s.next_free_fast().or_else(|| s.next_free_index()) {
        again.push(i);
    }
    let want: Vec<usize> = (0..1024).filter(|i| i % 3 != 0).collect();
    assert_eq!(again, want);
    assert_eq!(s.alloc_count, 1024);
}

// ---- pacer and trace format ----

#[test]
fn pacer_goal_and_trigger() {
    assert_eq!(pacer::heap_goal(0, 100), 4 << 20);
    assert_eq!(pacer::heap_goal(10 << 20, 100), 20 << 20);
    assert_eq!(pacer::heap_goal(10 << 20, 50), 15 << 20);
    assert_eq!(pacer::heap_goal(1 << 20, 200), 8 << 20);
    assert_eq!(pacer::heap_goal(1 << 30, -1), u64::MAX);
    assert_eq!(pacer::parse_gogc("off"), -1);
    assert_eq!(pacer::parse_gogc("25"), 25);
    let t = pacer::trigger_for(10 << 20, 20 << 20);
    assert!(t > 10 << 20 && t < 20 << 20);
    assert_eq!(pacer::trigger_for(0, u64::MAX), u64::MAX);
}

/// Checks `line` against gc's gctrace shape:
/// `gc N @S.SSSs P%: A+B+C ms clock, D+E/F/G+H ms cpu, X->Y->Z MB, G MB goal, S MB stacks,
/// G MB globals, N P[ (forced)]`.
fn trace_line_ok(line: &str) -> bool {
    let num = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit() || c == '.');
    let Some(rest) = line.strip_prefix("gc ") else {
        return false;
    };
    let parts: Vec<&str> = rest.splitn(4, ' ').collect();
    if parts.len() < 4 || !num(parts[0]) {
        return false;
    }
    let (Some(at), Some(pct)) = (parts[1].strip_prefix('@'), parts[2].strip_suffix("%:")) else {
        return false;
    };
    if !at.ends_with('s') || !num(&at[..at.len() - 1]) || !num(pct) {
        return false;
    }
    let rest = parts[3];
    let Some((clock, rest)) = rest.split_once(" ms clock, ") else {
        return false;
    };
    if clock.split('+').count() != 3 || !clock.split('+').all(num) {
        return false;
    }
    let Some((cpu, rest)) = rest.split_once(" ms cpu, ") else {
        return false;
    };
    let cpu_parts: Vec<&str> = cpu.split(['+', '/']).collect();
    if cpu_parts.len() != 5 || !cpu_parts.iter().all(|p| num(p)) || cpu.matches('/').count() != 2 {
        return false;
    }
    let rest = rest.strip_suffix(" (forced)").unwrap_or(rest);
    let f: Vec<&str> = rest.split(", ").collect();
    f.len() == 5
        && f[0]
            .strip_suffix(" MB")
            .is_some_and(|h| h.split("->").count() == 3 && h.split("->").all(num))
        && f[1].strip_suffix(" MB goal").is_some_and(num)
        && f[2].strip_suffix(" MB stacks").is_some_and(num)
        && f[3].strip_suffix(" MB globals").is_some_and(num)
        && f[4].strip_suffix(" P").is_some_and(num)
}

#[test]
fn gctrace_format_matches_gc() {
    assert_eq!(mstats::fmt_ns_as_ms(18_000), "0.018");
    assert_eq!(mstats::fmt_ns_as_ms(1_200_000), "1.2");
    assert_eq!(mstats::fmt_ns_as_ms(4_000), "0.004");
    assert_eq!(mstats::fmt_ns_as_ms(12_345_678), "12");
    assert_eq!(mstats::fmt_ns_as_ms(0), "0");
    assert_eq!(mstats::itoa_div(12, 3), "0.012");
    let line = mstats::format_trace(&mstats::TraceLine {
        num: 1,
        start_ns: 12_000_000,
        util_pct: 2,
        clock: [18_000, 1_200_000, 4_000],
        cpu: [36_000, 100_000, 1_100_000, 200_000, 8_000],
        heap0: 4 << 20,
        heap1: 4 << 20,
        heap2: 0,
        goal: 5 << 20,
        stacks: 0,
        globals: 0,
        procs: 2,
        forced: false,
    });
    assert_eq!(
        line,
        "gc 1 @0.012s 2%: 0.018+1.2+0.004 ms clock, 0.036+0.10/1.1/0.20+0.008 ms cpu, 4->4->0 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P\n"
    );
    assert!(trace_line_ok(line.trim_end()));
    assert!(trace_line_ok(
        "gc 1 @0.012s 2%: 0.018+1.2+0.004 ms clock, 0.036+0.10/1.1/0.2+0.008 ms cpu, 4->4->0 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P"
    ));
    assert!(!trace_line_ok("gc 1 @0.012s 2%: 0.018+1.2 ms clock"));
}

#[test]
fn godebug_parsing() {
    let d = parse_godebug("gctrace=1,gccheckmark=1,clobberfree=1,foo=3");
    assert_eq!(d.gctrace, 1);
    assert!(d.gccheckmark && d.clobberfree);
    assert!(!parse_godebug("gctrace=0").gccheckmark);
}

// ---- allocator (no collection) ----

/// A hand-built type descriptor (rgo_abi::typ layout).
#[repr(C)]
struct Type {
    size: usize,
    ptrdata: usize,
    hash: u32,
    tflag: u8,
    align: u8,
    field_align: u8,
    kind: u8,
    equal: usize,
    gcdata: *const u8,
    str_off: i32,
    ptr_to_this: i32,
}

fn typ(size: usize, ptr_words: &[usize]) -> *const u8 {
    let mut bits = vec![0u8; size.div_ceil(64).max(1)];
    let mut ptrdata = 0;
    for &w in ptr_words {
        bits[w / 8] |= 1 << (w % 8);
        ptrdata = ptrdata.max((w + 1) * 8);
    }
    let gcdata = Box::leak(bits.into_boxed_slice()).as_ptr();
    Box::leak(Box::new(Type {
        size,
        ptrdata,
        hash: 0,
        tflag: 0,
        align: 8,
        field_align: 8,
        kind: rgo_abi::Kind::Struct as u8,
        equal: 0,
        gcdata,
        str_off: 0,
        ptr_to_this: 0,
    })) as *const Type as *const u8
}

#[test]
fn mcache_refills_from_mcentral_and_objects_are_distinct() {
    let t = typ(48, &[0, 2]);
    let n = 3 * objects_per_span(size_to_class(48)) + 7;
    let mut v: Vec<usize> = (0..n)
        // SAFETY: t is a valid descriptor.
        .map(|_| unsafe { rgo_newobject(core::ptr::null_mut(), t) } as usize)
        .collect();
    for &p in &v {
        let (base, size, s) = find_object(p).expect("allocated object");
        assert_eq!((base, size), (p, 48));
        // SAFETY: live span.
        assert!(!unsafe { (*s).noscan() });
        // SAFETY: 48 fresh bytes.
        assert!(unsafe { core::slice::from_raw_parts(p as *const u8, 48) }
            .iter()
            .all(|&b| b == 0));
    }
    v.sort_unstable();
    v.dedup();
    assert_eq!(v.len(), n);
    // Noscan objects land in noscan spans.
    // SAFETY: null type = pointer-free.
    let q = unsafe { rgo_mallocgc(core::ptr::null_mut(), 100, core::ptr::null(), 1) } as usize;
    // SAFETY: live span.
    assert!(unsafe { (*find_object(q).unwrap().2).noscan() });
}

#[test]
fn large_objects_get_their_own_span() {
    let size = 100_000;
    let p = crate::malloc::mallocgc(size, 8) as usize;
    let (base, sz, s) = find_object(p + 99_999).expect("interior of large object");
    assert_eq!(base, p);
    assert_eq!(sz, 13 * PAGE_SIZE);
    // SAFETY: live span.
    assert_eq!(unsafe { (*s).spanclass.sizeclass() }, 0);
    assert_eq!(p % PAGE_SIZE, 0);
    assert!(find_object(p + sz).is_none_or(|(b, _, _)| b != p));
}

#[test]
fn tiny_allocations_share_blocks_and_align_by_size() {
    // Run on a fresh thread so this thread's mcache has a fresh tiny block.
    std::thread::spawn(|| {
        let a = crate::malloc::mallocgc_noscan(4) as usize;
        let b = crate::malloc::mallocgc_noscan(4) as usize;
        let c = crate::malloc::mallocgc_noscan(8) as usize;
        assert_eq!(b, a + 4);
        assert_eq!(c % 8, 0);
        assert_eq!(
            find_object(a).unwrap().0,
            find_object(b).unwrap().0,
            "same 16-byte block"
        );
        assert_eq!(find_object(a).unwrap().1, 16);
        let d = crate::malloc::mallocgc_noscan(3) as usize;
        assert!(d != a && d != b && d != c);
    })
    .join()
    .unwrap();
}

#[test]
fn find_object_resolves_interior_pointers_only_for_allocated_objects() {
    let t = typ(64, &[0]);
    // SAFETY: valid descriptor.
    let p = unsafe { rgo_newobject(core::ptr::null_mut(), t) } as usize;
    for off in [0, 1, 8, 63] {
        assert_eq!(find_object(p + off).map(|o| (o.0, o.1)), Some((p, 64)));
    }
    assert!(find_object(0).is_none());
    assert!(find_object(&t as *const _ as usize).is_none());
    let mut x = 0u64;
    assert!(find_object(black_box(&mut x) as *mut u64 as usize).is_none());
}

#[test]
fn aligned_allocations() {
    for align in [16usize, 32, 64, 128, 256, 4096] {
        for size in [1usize, 24, 100, 3000, 5000] {
            let p = crate::malloc::mallocgc(size, align) as usize;
            assert_eq!(p % align, 0, "size {size} align {align}");
        }
    }
}

// ---- collection scenarios (child processes) ----

fn run_child(name: &str, env: &[(&str, &str)]) -> std::process::Output {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "mem::tests::child",
            "--exact",
            "--test-threads=1",
            "--nocapture",
        ])
        .env("RGO_MEM_CHILD", name)
        .env_remove("GODEBUG")
        .env_remove("GOGC")
        .envs(env.iter().copied())
        .output()
        .expect("spawn child")
}

fn expect_ok(name: &str, env: &[(&str, &str)]) -> String {
    let out = run_child(name, env);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("CHILD-OK"),
        "scenario {name} failed: {:?}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        out.status
    );
    stderr
}

#[test]
fn child() {
    let Ok(name) = std::env::var("RGO_MEM_CHILD") else {
        return;
    };
    match name.as_str() {
        "graph" => scenario_graph(),
        "barrier" => scenario_barrier(true),
        "nobarrier" => scenario_barrier(false),
        "pacer" => scenario_pacer(),
        "gogc_off" => scenario_gogc_off(),
        "finalizers" => scenario_finalizers(),
        _ => panic!("unknown scenario {name}"),
    }
    println!("CHILD-OK");
}

#[test]
fn gc_frees_unreachable_and_keeps_reachable() {
    expect_ok("graph", &[]);
}

#[test]
fn gc_with_checkmark_and_clobberfree() {
    let stderr = expect_ok(
        "graph",
        &[("GODEBUG", "gccheckmark=1,clobberfree=1,gctrace=1")],
    );
    let lines: Vec<&str> = stderr.lines().filter(|l| l.starts_with("gc ")).collect();
    assert!(!lines.is_empty(), "no gctrace output:\n{stderr}");
    for l in lines {
        assert!(trace_line_ok(l), "bad gctrace line: {l}");
    }
}

#[test]
fn write_barrier_during_concurrent_mark() {
    expect_ok("barrier", &[("GODEBUG", "gccheckmark=1,clobberfree=1")]);
}

#[test]
fn checkmark_catches_a_missing_barrier() {
    let out = run_child("nobarrier", &[("GODEBUG", "gccheckmark=1")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr:\n{stderr}");
    assert!(
        stderr.contains("fatal error: checkmark found unmarked object"),
        "stderr:\n{stderr}"
    );
}

#[test]
fn pacer_triggers_cycles_and_bounds_the_heap() {
    expect_ok("pacer", &[]);
}

#[test]
fn finalizers_keep_their_objects_and_queue_in_dependency_order() {
    expect_ok("finalizers", &[("GODEBUG", "gccheckmark=1,clobberfree=1")]);
}

#[test]
fn gogc_off_disables_automatic_collection() {
    expect_ok("gogc_off", &[("GOGC", "off")]);
}

/// Root area for the scenarios: 8 pointer words.
static ROOTS: [AtomicUsize; 8] = [const { AtomicUsize::new(0) }; 8];

fn register_roots() {
    let bitmap: &'static [u8] = &[0xff];
    register_globals(ROOTS.as_ptr() as usize, 64, bitmap.as_ptr());
}

/// Node: { next *Node; val int; left *Node; right *Node } (pointers at words 0, 2, 3).
fn node_type() -> *const u8 {
    typ(32, &[0, 2, 3])
}

fn new_node(t: *const u8, val: usize) -> *mut usize {
    // SAFETY: valid descriptor.
    let p = unsafe { rgo_newobject(core::ptr::null_mut(), t) } as *mut usize;
    // SAFETY: fresh 32-byte object.
    unsafe { *p.add(1) = val };
    p
}

fn set(slot: *mut usize, v: usize) {
    // SAFETY: slot is a pointer word of a live object or a root.
    unsafe { mbarrier::rgo_gcwb(core::ptr::null_mut(), slot as *mut *mut u8, v as *mut u8) };
}

#[inline(never)]
fn build_list(t: *const u8, n: usize, base_val: usize) -> usize {
    let mut head = 0usize;
    for i in 0..n {
        let p = new_node(t, base_val + i);
        set(p, head);
        head = p as usize;
    }
    head
}

fn list_len_and_check(mut p: usize, n: usize, base_val: usize) -> usize {
    let mut k = 0;
    while p != 0 {
        // SAFETY: list nodes are live objects.
        let v = unsafe { *(p as *const usize).add(1) };
        assert_eq!(v, base_val + n - 1 - k, "corrupted node");
        assert!(find_object(p).is_some(), "live node freed");
        // SAFETY: as above.
        p = unsafe { *(p as *const usize) };
        k += 1;
    }
    k
}

#[inline(never)]
fn build_tree(t: *const u8, depth: usize) -> usize {
    let p = new_node(t, depth);
    if depth > 0 {
        // SAFETY: p is a fresh node.
        unsafe {
            set(p.add(2), build_tree(t, depth - 1));
            set(p.add(3), build_tree(t, depth - 1));
        }
    }
    p as usize
}

fn tree_count(p: usize) -> usize {
    if p == 0 {
        return 0;
    }
    assert!(find_object(p).is_some());
    // SAFETY: live nodes.
    unsafe { 1 + tree_count(*(p as *const usize).add(2)) + tree_count(*(p as *const usize).add(3)) }
}

/// Builds garbage and returns the addresses of its nodes, disguised (bit-flipped) so the
/// conservative stack scan does not find them.
#[inline(never)]
fn make_garbage(t: *const u8, n: usize) -> Vec<usize> {
    (0..n).map(|i| !(new_node(t, i) as usize)).collect()
}

#[inline(never)]
fn setup_roots(t: *const u8) {
    ROOTS[0].store(build_list(t, 1000, 7), Ordering::Relaxed);
    ROOTS[1].store(build_tree(t, 9), Ordering::Relaxed);
}

#[inline(never)]
fn check_root_list(i: usize, n: usize, base_val: usize) {
    assert_eq!(
        list_len_and_check(ROOTS[i].load(Ordering::Relaxed), n, base_val),
        n
    );
}

#[inline(never)]
fn make_large_garbage() -> usize {
    !(crate::malloc::mallocgc(300_000, 8) as usize)
}

#[inline(never)]
fn unroot(i: usize) -> usize {
    !ROOTS[i].swap(0, Ordering::Relaxed)
}

#[inline(never)]
fn hang_list(a: usize, t: *const u8, n: usize, base_val: usize) {
    set(a as *mut usize, build_list(t, n, base_val));
}

#[inline(never)]
fn scrub_stack() {
    let mut buf = [0usize; 4096];
    black_box(&mut buf);
}

/// Builds the finalizer scenario's objects and returns them disguised: live A, dead
/// B → C, the func value, dead E → F.
#[inline(never)]
fn setup_finalizers(t: *const u8) -> [usize; 6] {
    use super::mfinal::{add, Record};
    let a = new_node(t, 1) as usize;
    ROOTS[3].store(a, Ordering::Relaxed);
    let b = new_node(t, 2);
    let c = new_node(t, 3) as usize;
    set(b, c);
    let fv = new_node(t, 4) as usize;
    let e = new_node(t, 5);
    let f = new_node(t, 6) as usize;
    set(e, f);
    for (obj, thunk) in [(a, 10), (b as usize, 11), (e as usize, 12), (f, 13)] {
        assert!(add(obj, Record { fv, thunk, tab: 0 }));
    }
    assert!(
        !add(
            a,
            Record {
                fv,
                thunk: 99,
                tab: 0
            }
        ),
        "second record"
    );
    [!a, !(b as usize), !c, !fv, !(e as usize), !f]
}

fn scenario_finalizers() {
    register_roots();
    let t = node_type();
    let objs = setup_finalizers(t);
    scrub_stack();
    rgo_gc(core::ptr::null_mut());
    check_first_finalizer_cycle(objs);
    // The queue entries were dropped (as if the finalizers ran): B, C, E go; F's turn.
    scrub_stack();
    rgo_gc(core::ptr::null_mut());
    check_second_finalizer_cycle(objs);
}

/// A is reachable: its record stays. B is not: queued, and kept with what it reaches.
/// E reaches F: only E is queued this cycle. Takes (and drops) the queue.
#[inline(never)]
fn check_first_finalizer_cycle([a, b, c, fv, e, f]: [usize; 6]) {
    use super::mfinal::{lookup, take_queued};
    assert!(lookup(!a).is_some(), "live object's record removed");
    assert!(lookup(!b).is_none() && lookup(!e).is_none());
    assert!(lookup(!f).is_some(), "F finalized before E");
    let q = take_queued();
    let mut objs: Vec<usize> = q.iter().map(|x| !x.obj).collect();
    objs.sort();
    let mut want = vec![b, e];
    want.sort();
    assert_eq!(objs, want);
    for x in [b, c, e, f, fv] {
        assert!(
            find_object(!x).is_some(),
            "finalizer object or referent freed"
        );
    }
    // SAFETY: B and C are live nodes.
    unsafe {
        assert_eq!(*((!b) as *const usize).add(1), 2);
        assert_eq!(*((!c) as *const usize).add(1), 3);
    }
    assert!(q.iter().all(|x| x.rec.fv == !fv));
}

#[inline(never)]
fn check_second_finalizer_cycle([a, b, c, fv, e, f]: [usize; 6]) {
    use super::mfinal::{lookup, take_queued};
    assert!(lookup(!f).is_none(), "F not finalized after E was freed");
    let q = take_queued();
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].obj, !f);
    assert_eq!(q[0].rec.thunk, 13);
    for x in [b, c, e] {
        assert!(
            find_object(!x).is_none(),
            "finalized garbage kept a second cycle"
        );
    }
    assert!(find_object(!a).is_some() && find_object(!fv).is_some());
}

fn scenario_graph() {
    register_roots();
    let t = node_type();
    setup_roots(t);
    // An object kept alive only by an interior pointer on the stack.
    let big = typ(256, &[0]);
    // SAFETY: valid descriptor.
    let obj = unsafe { rgo_newobject(core::ptr::null_mut(), big) } as usize;
    // SAFETY: 256-byte object.
    unsafe { *((obj + 128) as *mut u64) = 0x1234_5678 };
    let interior = black_box(obj + 128);
    let obj_disguised = !obj;
    let garbage = make_garbage(t, 2000);
    // A large garbage object and a large live one.
    let large_live = crate::malloc::mallocgc(200_000, 8) as usize;
    ROOTS[2].store(large_live, Ordering::Relaxed);
    let large_dead = make_large_garbage();
    scrub_stack();
    rgo_gc(core::ptr::null_mut());
    check_root_list(0, 1000, 7);
    assert_eq!(tree_count(ROOTS[1].load(Ordering::Relaxed)), (1 << 10) - 1);
    let io = find_object(black_box(interior)).expect("object held by an interior pointer");
    assert_eq!(io.0, !obj_disguised);
    // SAFETY: still live.
    assert_eq!(unsafe { *((interior) as *const u64) }, 0x1234_5678);
    assert!(find_object(large_live).is_some());
    assert!(find_object(!large_dead).is_none(), "large garbage survived");
    let survivors = garbage
        .iter()
        .filter(|&&g| find_object(!g).is_some())
        .count();
    assert!(
        survivors <= 20,
        "{survivors} of 2000 garbage nodes survived"
    );
    if debug().clobberfree {
        let clobbered = garbage
            .iter()
            .filter(|&&g| find_object(!g).is_none())
            // SAFETY: freed heap memory stays mapped.
            .filter(|&&g| unsafe { *((!g + 8) as *const u64) } == 0xdeadbeef_deadbeef)
            .count();
        assert!(clobberded_enough(clobbered, garbage.len() - survivors));
    }
    // Drop the list: the next cycle frees it.
    let old_head = unroot(0);
    scrub_stack();
    rgo_gc(core::ptr::null_mut());
    assert!(
        find_object(!old_head).is_none(),
        "unrooted list head survived"
    );
    let ms = mstats::read_mem_stats();
    assert!(ms.num_gc >= 2 && ms.num_forced_gc >= 2);
    assert!(ms.frees >= 2000, "frees {}", ms.frees);
    assert!(
        ms.heap_objects > 1000 && ms.heap_objects < 5000,
        "objects {}",
        ms.heap_objects
    );
    assert!(ms.heap_inuse <= ms.heap_sys && ms.pause_total_ns > 0 && ms.last_gc > 0);
    assert_eq!(ms.next_gc, pacer::heap_goal_now());
}

fn clobberded_enough(clobbered: usize, freed: usize) -> bool {
    clobbered * 10 >= freed * 9
}

fn scenario_barrier(use_barrier: bool) {
    register_roots();
    let t = node_type();
    // A: a root object with slots; the list hangs off A[0].
    let a = new_node(t, 0) as usize;
    ROOTS[0].store(a, Ordering::Relaxed);
    hang_list(a, t, 500, 100);
    scrub_stack();
    mgc::PAUSE_WORKERS.store(true, Ordering::SeqCst);
    mgc::gc_start(true);
    assert!(mgc::is_marking());
    assert_eq!(WRITE_BARRIER_FLAG(), 1);
    // Another thread moves the list from A (grey, not yet scanned) into a new, black
    // object B, then deletes it from A.
    std::thread::spawn(move || {
        let t = node_type();
        let b = new_node(t, 1) as usize;
        // SAFETY: a is live (rooted).
        let p = unsafe { *(a as *const usize) };
        if use_barrier {
            set(b as *mut usize, p);
            set(a as *mut usize, 0);
            // SAFETY: a is live; word 2 is a pointer slot.
            set(unsafe { (a as *mut usize).add(2) }, b);
        } else {
            // SAFETY: plain stores, deliberately bypassing the barrier.
            unsafe {
                *(b as *mut usize) = p;
                *(a as *mut usize) = 0;
                *(a as *mut usize).add(2) = b;
            }
        }
    })
    .join()
    .unwrap();
    mgc::PAUSE_WORKERS.store(false, Ordering::SeqCst);
    mgc::wake_workers();
    rgo_gc(core::ptr::null_mut()); // finishes this cycle, then runs another
                                   // SAFETY: a is live.
    let b = unsafe { *(a as *const usize).add(2) };
    // SAFETY: b is live (A[2]).
    let head = unsafe { *(b as *const usize) };
    assert_eq!(list_len_and_check(head, 500, 100), 500);
    assert_eq!(WRITE_BARRIER_FLAG(), 0);
}

#[allow(non_snake_case)]
fn WRITE_BARRIER_FLAG() -> u32 {
    // SAFETY: the flag word is a static.
    unsafe { *mbarrier::rgo_wbflag_addr() }
}

fn scenario_pacer() {
    mgc::gcenable();
    register_roots();
    let t = node_type();
    let live = build_list(t, 10_000, 0);
    ROOTS[0].store(live, Ordering::Relaxed);
    for _ in 0..200 {
        // 200 × 256 KiB = 50 MiB of garbage.
        black_box(crate::malloc::malloc(
            256 << 10,
            crate::malloc::Layout::Noscan,
            true,
            8,
        ));
        for i in 0..64 {
            black_box(new_node(t, i));
        }
    }
    mgc::gc_forced();
    let ms = mstats::read_mem_stats();
    assert!(ms.num_gc >= 5, "only {} cycles", ms.num_gc);
    assert!(ms.heap_sys < (64 << 20), "heap grew to {}", ms.heap_sys);
    assert_eq!(
        list_len_and_check(ROOTS[0].load(Ordering::Relaxed), 10_000, 0),
        10_000
    );
    assert!(ms.gc_cpu_fraction >= 0.0 && ms.gc_cpu_fraction < 1.0);
    // SetGCPercent returns the old value.
    assert_eq!(rgo_setgcpercent(core::ptr::null_mut(), 50), 100);
    assert_eq!(rgo_setgcpercent(core::ptr::null_mut(), 100), 50);
}

fn scenario_gogc_off() {
    init();
    mgc::gcenable();
    for _ in 0..40 {
        black_box(crate::malloc::mallocgc_noscan(256 << 10));
    }
    assert_eq!(mstats::read_mem_stats().num_gc, 0);
    assert_eq!(rgo_setgcpercent(core::ptr::null_mut(), 100), -1);
}
