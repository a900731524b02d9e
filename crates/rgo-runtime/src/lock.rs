//! The runtime's own mutex, built directly on Linux futexes.
//!
//! Runtime locks must work in places where std's locks are unwelcome: on the system stack,
//! on a goroutine stack that is nearly exhausted, in the fatal-error path entered from a
//! signal handler, and (later) inside the scheduler, where blocking must not allocate or
//! touch thread-local destructors. The design is the classic three-state futex lock (the
//! one Go's lock_futex.go uses):
//!
//! * `UNLOCKED` — free;
//! * `LOCKED` — held, nobody sleeping;
//! * `SLEEPING` — held, and some thread may be asleep in `futex_wait` on the word.
//!
//! `lock` first tries a plain compare-and-swap, spins briefly, then marks the word
//! `SLEEPING` and sleeps; `unlock` wakes one sleeper only when the word said there might be
//! one. The lock is not re-entrant and has no owner tracking: callers that need
//! re-entrancy (the print lock) count on their own.

use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicU32, Ordering};

const UNLOCKED: u32 = 0;
const LOCKED: u32 = 1;
const SLEEPING: u32 = 2;

/// Spins before sleeping: cheap for the short critical sections the runtime has.
const ACTIVE_SPIN: u32 = 64;

/// A futex-based mutual-exclusion lock without data (Go's `runtime.mutex`).
pub struct Mutex {
    state: AtomicU32,
}

impl Mutex {
    pub const fn new() -> Mutex {
        Mutex {
            state: AtomicU32::new(UNLOCKED),
        }
    }

    /// Acquires the lock, sleeping in the kernel if it stays contended.
    pub fn lock(&self) {
        if self
            .state
            .compare_exchange(UNLOCKED, LOCKED, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
        {
            return;
        }
        self.lock_slow();
    }

    #[cold]
    fn lock_slow(&self) {
        for _ in 0..ACTIVE_SPIN {
            if self.state.load(Ordering::Relaxed) == UNLOCKED
                && self
                    .state
                    .compare_exchange(UNLOCKED, LOCKED, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok()
            {
                return;
            }
            core::hint::spin_loop();
        }
        // From here on we may have slept, so we must leave the word SLEEPING when we get
        // it: another sleeper may still be waiting.
        while self.state.swap(SLEEPING, Ordering::Acquire) != UNLOCKED {
            futex_wait(&self.state, SLEEPING);
        }
    }

    /// Tries to acquire the lock without waiting.
    pub fn try_lock(&self) -> bool {
        self.state
            .compare_exchange(UNLOCKED, LOCKED, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
    }

    /// Releases the lock. The caller must hold it.
    pub fn unlock(&self) {
        if self.state.swap(UNLOCKED, Ordering::Release) == SLEEPING {
            futex_wake(&self.state, 1);
        }
    }
}

impl Default for Mutex {
    fn default() -> Self {
        Mutex::new()
    }
}

/// Data protected by a [`Mutex`].
pub struct Locked<T> {
    mutex: Mutex,
    data: UnsafeCell<T>,
}

// SAFETY: access to `data` only happens through a `LockedGuard`, which exists only while
// the mutex is held, so at most one thread touches `data` at a time.
unsafe impl<T: Send> Sync for Locked<T> {}
// SAFETY: as above; moving the whole `Locked` moves the `T`, which is `Send`.
unsafe impl<T: Send> Send for Locked<T> {}

impl<T> Locked<T> {
    pub const fn new(v: T) -> Locked<T> {
        Locked {
            mutex: Mutex::new(),
            data: UnsafeCell::new(v),
        }
    }

    pub fn lock(&self) -> LockedGuard<'_, T> {
        self.mutex.lock();
        LockedGuard { owner: self }
    }
}

pub struct LockedGuard<'a, T> {
    owner: &'a Locked<T>,
}

impl<T> core::ops::Deref for LockedGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard's existence means the mutex is held by us.
        unsafe { &*self.owner.data.get() }
    }
}

impl<T> core::ops::DerefMut for LockedGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the guard's existence means the mutex is held by us, and `&mut self`
        // makes this the only reference derived from the guard.
        unsafe { &mut *self.owner.data.get() }
    }
}

impl<T> Drop for LockedGuard<'_, T> {
    fn drop(&mut self) {
        self.owner.mutex.unlock();
    }
}

/// Sleeps while `*word == val` (or until a spurious wake-up).
pub fn futex_wait(word: &AtomicU32, val: u32) {
    // SAFETY: FUTEX_WAIT_PRIVATE only reads the word through the pointer, which is valid
    // for the duration of the call; a null timeout means "no timeout".
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAIT | libc::FUTEX_PRIVATE_FLAG,
            val,
            core::ptr::null::<libc::timespec>(),
        );
    }
}

/// Wakes up to `n` threads sleeping on `word`.
pub fn futex_wake(word: &AtomicU32, n: u32) {
    // SAFETY: FUTEX_WAKE_PRIVATE does not dereference the pointer beyond using it as a key.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAKE | libc::FUTEX_PRIVATE_FLAG,
            n,
        );
    }
}

/// Sleeps while `*word == val`, at most `ns` nanoseconds (or until a spurious wake-up).
pub fn futex_wait_timeout(word: &AtomicU32, val: u32, ns: i64) {
    let ts = libc::timespec {
        tv_sec: (ns / 1_000_000_000) as libc::time_t,
        tv_nsec: (ns % 1_000_000_000) as libc::c_long,
    };
    // SAFETY: as for futex_wait; `ts` is a valid relative timeout on our stack.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAIT | libc::FUTEX_PRIVATE_FLAG,
            val,
            &ts as *const libc::timespec,
        );
    }
}

/// A one-shot sleep/wake-up event (Go's `note`), used to park and wake Ms and sysmon
/// without busy waiting.
///
/// States of `key`: 0 = not signalled, 1 = signalled. Exactly one thread sleeps on a note
/// and at most one `wakeup` happens between two `clear`s (a second one is a runtime bug
/// and throws). The sleeper clears the note after waking, before it can be reused.
pub struct Note {
    key: AtomicU32,
}

impl Note {
    pub const fn new() -> Note {
        Note {
            key: AtomicU32::new(0),
        }
    }

    /// Re-arms the note. Only the sleeper calls this, when no wakeup can be in flight.
    pub fn clear(&self) {
        self.key.store(0, Ordering::Relaxed);
    }

    /// Signals the note and wakes its sleeper.
    pub fn wakeup(&self) {
        if self.key.swap(1, Ordering::AcqRel) != 0 {
            crate::panic::throw("notewakeup - double wakeup");
        }
        futex_wake(&self.key, 1);
    }

    /// Sleeps until the note is signalled.
    pub fn sleep(&self) {
        while self.key.load(Ordering::Acquire) == 0 {
            futex_wait(&self.key, 0);
        }
    }

    /// Sleeps until the note is signalled or `ns` nanoseconds passed; returns whether it
    /// was signalled.
    pub fn sleep_timeout(&self, ns: i64) -> bool {
        let deadline = crate::time::nanotime().saturating_add(ns.max(0));
        loop {
            if self.key.load(Ordering::Acquire) != 0 {
                return true;
            }
            let left = deadline - crate::time::nanotime();
            if left <= 0 {
                return self.key.load(Ordering::Acquire) != 0;
            }
            futex_wait_timeout(&self.key, 0, left);
        }
    }

    /// Whether the note is signalled.
    pub fn is_set(&self) -> bool {
        self.key.load(Ordering::Acquire) != 0
    }
}

impl Default for Note {
    fn default() -> Self {
        Note::new()
    }
}
