//! The GC pacer: when to start a cycle and how much marking allocating goroutines owe.
//!
//! Model (gc's, simplified). GOGC (env var, `off`, or `debug.SetGCPercent`) sets the
//! *heap goal*: the live heap found by the last mark times `1 + GOGC/100`, at least
//! 4 MiB × GOGC/100 (gc's heapMinimum). A cycle starts when the live heap (bytes handed
//! to mcaches plus large objects) reaches the *trigger*, 7/8 of the way from the last
//! marked size to the goal, leaving the rest as runway for concurrent marking. During the
//! cycle every allocated byte costs `assist_ratio` bytes of scan work — the expected scan
//! work divided by the runway — paid from background workers' surplus credit first, else
//! by scanning (mgcmark::assist_alloc); so the cycle ends near the goal however fast the
//! mutator allocates.
//!
//! gc 1.19 derives the trigger from the measured cycle cost (its "runway" controller);
//! a fixed 7/8 fraction is simpler and keeps the goal, with assists covering the error.

use core::sync::atomic::{AtomicI32, AtomicU64, Ordering};

pub const HEAP_MINIMUM: u64 = 4 << 20;
/// Fraction of the runway (goal − marked) after which a cycle starts, in eighths.
const TRIGGER_EIGHTHS: u64 = 7;

static GCPERCENT: AtomicI32 = AtomicI32::new(100);
static LAST_MARKED: AtomicU64 = AtomicU64::new(0);
static LAST_SCAN_WORK: AtomicU64 = AtomicU64::new(0);
static GOAL: AtomicU64 = AtomicU64::new(HEAP_MINIMUM);
static TRIGGER: AtomicU64 = AtomicU64::new(HEAP_MINIMUM / 8 * TRIGGER_EIGHTHS);
static ASSIST_RATIO: AtomicU64 = AtomicU64::new(0);
/// The goal of the cycle in progress (for gctrace).
pub static CYCLE_GOAL: AtomicU64 = AtomicU64::new(0);

/// Heap goal for `marked` live bytes under `gogc` (negative: GC off → `u64::MAX`).
pub fn heap_goal(marked: u64, gogc: i32) -> u64 {
    if gogc < 0 {
        return u64::MAX;
    }
    let g = gogc as u64;
    let goal = marked.saturating_add(marked.saturating_mul(g) / 100);
    goal.max(HEAP_MINIMUM * g / 100)
}

/// Trigger for a goal: 7/8 of the runway above `marked`.
pub fn trigger_for(marked: u64, goal: u64) -> u64 {
    if goal == u64::MAX {
        return u64::MAX;
    }
    let runway = goal.saturating_sub(marked);
    marked + runway / 8 * TRIGGER_EIGHTHS
}

/// Parses a GOGC value: a percentage, or `off`.
pub fn parse_gogc(v: &str) -> i32 {
    if v == "off" {
        return -1;
    }
    v.parse::<i32>().unwrap_or(100)
}

fn recompute() {
    let gogc = GCPERCENT.load(Ordering::Relaxed);
    let marked = LAST_MARKED.load(Ordering::Relaxed);
    let goal = heap_goal(marked, gogc);
    GOAL.store(goal, Ordering::Relaxed);
    TRIGGER.store(trigger_for(marked, goal), Ordering::Relaxed);
}

pub fn init_from_env(gogc: Option<&str>) {
    if let Some(v) = gogc {
        GCPERCENT.store(parse_gogc(v), Ordering::Relaxed);
    }
    recompute();
}

/// debug.SetGCPercent: sets GOGC, returns the old value.
pub fn set_gc_percent(p: i32) -> i32 {
    let p = p.max(-1);
    let old = GCPERCENT.swap(p, Ordering::Relaxed);
    recompute();
    old
}

pub fn gc_percent() -> i32 {
    GCPERCENT.load(Ordering::Relaxed)
}
pub fn trigger() -> u64 {
    TRIGGER.load(Ordering::Relaxed)
}
pub fn heap_goal_now() -> u64 {
    GOAL.load(Ordering::Relaxed)
}

/// Scan work owed per allocated byte during the current cycle.
pub fn assist_ratio() -> f64 {
    f64::from_bits(ASSIST_RATIO.load(Ordering::Relaxed))
}

/// A cycle starts with `heap_live` bytes live: fix its goal and assist ratio.
pub fn start_cycle(heap_live: u64) {
    let goal = GOAL.load(Ordering::Relaxed);
    CYCLE_GOAL.store(goal, Ordering::Relaxed);
    let expected = LAST_SCAN_WORK
        .load(Ordering::Relaxed)
        .max(LAST_MARKED.load(Ordering::Relaxed))
        .max(heap_live / 2)
        .max(1 << 20);
    let runway = goal.saturating_sub(heap_live).max(1 << 20);
    let ratio = if goal == u64::MAX {
        0.0
    } else {
        expected as f64 / runway as f64
    };
    ASSIST_RATIO.store(ratio.to_bits(), Ordering::Relaxed);
}

/// A cycle marked `marked` bytes after `scan_work` bytes of scanning: next goal.
pub fn end_cycle(marked: u64, scan_work: u64) {
    LAST_MARKED.store(marked, Ordering::Relaxed);
    LAST_SCAN_WORK.store(scan_work, Ordering::Relaxed);
    recompute();
}
