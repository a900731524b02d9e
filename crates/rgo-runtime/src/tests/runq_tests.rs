//! The per-P run queue: FIFO order, runnext, overflow batches, and stealing under
//! concurrency (every G consumed exactly once).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use crate::g::G;
use crate::runq::{RunQueue, RUNQ_SIZE};

fn fake_gs(n: usize) -> Vec<*mut G> {
    (0..n)
        .map(|i| Box::into_raw(Box::new(G::new(i as i64 + 1))))
        .collect()
}

fn id(g: *mut G) -> i64 {
    // SAFETY: fake Gs live for the whole test.
    unsafe { (*g).goid }
}

#[test]
fn fifo_runnext_and_overflow() {
    let q = RunQueue::new();
    let gs = fake_gs(RUNQ_SIZE + 2);
    for &g in &gs[..RUNQ_SIZE] {
        // SAFETY: single-threaded owner.
        assert!(unsafe { q.put(g, false) }.is_none());
    }
    assert_eq!(q.len(), RUNQ_SIZE);
    // Full: the next put spills half plus the new G.
    // SAFETY: as above.
    let batch = unsafe { q.put(gs[RUNQ_SIZE], false) }.expect("overflow batch");
    assert_eq!(batch.n, RUNQ_SIZE / 2 + 1);
    assert_eq!(id(batch.head), 1);
    assert_eq!(id(batch.tail), RUNQ_SIZE as i64 + 1);
    assert_eq!(q.len(), RUNQ_SIZE / 2);
    // runnext goes first and inherits the time slice.
    // SAFETY: as above.
    assert!(unsafe { q.put(gs[RUNQ_SIZE + 1], true) }.is_none());
    let (g, inherit) = q.get().unwrap();
    assert_eq!(id(g), RUNQ_SIZE as i64 + 2);
    assert!(inherit);
    let mut last = 0;
    while let Some((g, inherit)) = q.get() {
        assert!(!inherit);
        assert!(id(g) > last, "FIFO order");
        last = id(g);
    }
    assert_eq!(last, RUNQ_SIZE as i64);
    assert!(q.is_empty());
}

#[test]
fn steal_takes_half() {
    let victim = RunQueue::new();
    let thief = RunQueue::new();
    let gs = fake_gs(10);
    for &g in &gs {
        // SAFETY: single-threaded.
        unsafe { victim.put(g, false) };
    }
    let g = thief.steal(&victim, false, false).unwrap();
    assert_eq!(id(g), 5, "returns the last of the stolen half");
    assert_eq!(thief.len(), 4);
    assert_eq!(victim.len(), 5);
    // runnext is only stolen when asked and the ring is empty.
    let v2 = RunQueue::new();
    // SAFETY: single-threaded.
    unsafe { v2.put(gs[0], true) };
    let t2 = RunQueue::new();
    assert!(t2.steal(&v2, false, false).is_none());
    assert_eq!(t2.steal(&v2, true, true), Some(gs[0]));
}

#[test]
fn concurrent_steal_consumes_each_g_once() {
    const N: usize = 200_000;
    let gs = Arc::new(
        fake_gs(N)
            .into_iter()
            .map(|g| g as usize)
            .collect::<Vec<_>>(),
    );
    let seen: Arc<Vec<AtomicUsize>> = Arc::new((0..N).map(|_| AtomicUsize::new(0)).collect());
    let owner_q = Arc::new(RunQueue::new());
    let done = Arc::new(AtomicBool::new(false));
    let mut thieves = Vec::new();
    for _ in 0..3 {
        let (vq, seen, done) = (owner_q.clone(), seen.clone(), done.clone());
        thieves.push(std::thread::spawn(move || {
            let mine = RunQueue::new();
            loop {
                let finished = done.load(Ordering::Acquire);
                if let Some(g) = mine.steal(&vq, true, false) {
                    seen[id(g) as usize - 1].fetch_add(1, Ordering::Relaxed);
                    while let Some((g, _)) = mine.get() {
                        seen[id(g) as usize - 1].fetch_add(1, Ordering::Relaxed);
                    }
                } else if finished {
                    break;
                }
            }
        }));
    }
    let mut spilled = 0;
    for (i, &g) in gs.iter().enumerate() {
        // SAFETY: this thread is the only producer.
        if let Some(mut b) = unsafe { owner_q.put(g as *mut G, i % 7 == 0) } {
            loop {
                let x = b.pop();
                if x.is_null() {
                    break;
                }
                spilled += 1;
                seen[id(x) as usize - 1].fetch_add(1, Ordering::Relaxed);
            }
        }
        if i % 3 == 0 {
            if let Some((g, _)) = owner_q.get() {
                seen[id(g) as usize - 1].fetch_add(1, Ordering::Relaxed);
            }
        }
    }
    while let Some((g, _)) = owner_q.get() {
        seen[id(g) as usize - 1].fetch_add(1, Ordering::Relaxed);
    }
    done.store(true, Ordering::Release);
    for t in thieves {
        t.join().unwrap();
    }
    let _ = spilled;
    for (i, s) in seen.iter().enumerate() {
        assert_eq!(
            s.load(Ordering::Relaxed),
            1,
            "G {} consumed wrong number of times",
            i + 1
        );
    }
}
