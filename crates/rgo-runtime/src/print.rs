//! The `print` and `println` built-ins, and the runtime's own diagnostic output.
//!
//! Everything goes unbuffered to standard error (fd 2), one `write` per operand, exactly
//! like gc's runtime, so output interleaves with a crash the same way. Formats are gc's:
//!
//! * integers in decimal; pointers (and `printhex`) as `0x` + lower-case hex;
//! * floats in gc's fixed scientific form, sign always shown: `+1.500000e+000`, `NaN`,
//!   `+Inf`, `-Inf` — 7 significant digits computed by repeated scaling by 10 in f64
//!   arithmetic (so the digits are gc's, including its occasional last-digit rounding
//!   quirks, not a correctly rounded conversion);
//! * complex numbers as `(` real imag `i)` with both parts in float form;
//! * bools as `true`/`false`.
//!
//! A `print` statement brackets its operands with the print lock so concurrent statements
//! do not interleave. The lock is re-entrant per thread (a fatal error raised while
//! printing must still be able to print); the count lives in a thread-local because a
//! goroutine cannot be rescheduled in the middle of a print statement (no preemption
//! poll happens between `printlock` and `printunlock`), so thread = M = holder.
//!
//! This module allocates nothing and is safe to use from the fatal-error path and from
//! signal handlers.

use core::cell::Cell;

use crate::lock::Mutex;

static DEBUG_LOCK: Mutex = Mutex::new();

thread_local! {
    static PRINT_DEPTH: Cell<u32> = const { Cell::new(0) };
}

/// Takes the print lock (re-entrant on the same thread).
pub fn printlock() {
    let d = PRINT_DEPTH.with(|c| c.get());
    if d == 0 {
        DEBUG_LOCK.lock();
    }
    PRINT_DEPTH.with(|c| c.set(d + 1));
}

/// Releases one level of the print lock.
pub fn printunlock() {
    let d = PRINT_DEPTH.with(|c| c.get());
    if d == 0 {
        // Unbalanced: a codegen bug. Ignore rather than corrupt the mutex.
        return;
    }
    PRINT_DEPTH.with(|c| c.set(d - 1));
    if d == 1 {
        DEBUG_LOCK.unlock();
    }
}

/// Runs `f` holding the print lock.
pub fn printlocked<R>(f: impl FnOnce() -> R) -> R {
    printlock();
    let r = f();
    printunlock();
    r
}

/// Writes all of `b` to fd 2, retrying on short writes and EINTR.
pub fn write_err(mut b: &[u8]) {
    while !b.is_empty() {
        // SAFETY: `b` is a valid readable buffer of the given length.
        let n = unsafe { libc::write(2, b.as_ptr() as *const libc::c_void, b.len()) };
        if n < 0 {
            // SAFETY: errno location is always valid for the calling thread.
            if unsafe { *libc::__errno_location() } == libc::EINTR {
                continue;
            }
            return;
        }
        if n == 0 {
            return;
        }
        b = &b[n as usize..];
    }
}

pub fn print_bytes(b: &[u8]) {
    write_err(b);
}

pub fn print_str(s: &str) {
    write_err(s.as_bytes());
}

/// Formats `v` in decimal into the end of `buf`, returning the digits.
fn fmt_uint(buf: &mut [u8; 20], mut v: u64) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    &buf[i..]
}

pub fn print_uint(v: u64) {
    let mut buf = [0u8; 20];
    write_err(fmt_uint(&mut buf, v));
}

pub fn print_int(v: i64) {
    let mut buf = [0u8; 21];
    let mut digits = [0u8; 20];
    let d = fmt_uint(&mut digits, v.unsigned_abs());
    let mut n = 0;
    if v < 0 {
        buf[0] = b'-';
        n = 1;
    }
    buf[n..n + d.len()].copy_from_slice(d);
    write_err(&buf[..n + d.len()]);
}

/// `0x` followed by at least one lower-case hex digit.
pub fn print_hex(mut v: u64) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut buf = [0u8; 18];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = DIGITS[(v % 16) as usize];
        v /= 16;
        if v == 0 {
            break;
        }
    }
    i -= 1;
    buf[i] = b'x';
    i -= 1;
    buf[i] = b'0';
    write_err(&buf[i..]);
}

pub fn print_bool(v: bool) {
    print_str(if v { "true" } else { "false" })
}

/// Number of significant digits gc prints for a float.
const FLOAT_DIGITS: usize = 7;

/// A float in gc's `print` format: either a special value or exactly
/// `±d.dddddde±ddd` (14 bytes).
pub enum FloatText {
    Special(&'static str),
    Digits([u8; FLOAT_DIGITS + 7]),
}

impl FloatText {
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            FloatText::Special(s) => s.as_bytes(),
            FloatText::Digits(b) => b,
        }
    }
}

/// Formats `v` as gc's runtime does.
pub fn format_float(v: f64) -> FloatText {
    if v.is_nan() {
        return FloatText::Special("NaN");
    }
    if v.is_infinite() {
        return FloatText::Special(if v > 0.0 { "+Inf" } else { "-Inf" });
    }
    let mut out = [0u8; FLOAT_DIGITS + 7];
    out[0] = b'+';
    let mut exp: i32 = 0;
    let mut x = v;
    if x == 0.0 {
        if x.is_sign_negative() {
            out[0] = b'-';
        }
    } else {
        if x < 0.0 {
            x = -x;
            out[0] = b'-';
        }
        // Normalise into [1, 10) by repeated scaling, as gc does: the rounding errors of
        // these steps are part of the expected output.
        while x >= 10.0 {
            exp += 1;
            x /= 10.0;
        }
        while x < 1.0 {
            exp -= 1;
            x *= 10.0;
        }
        // Round at the last printed digit: add 5 × 10^-FLOAT_DIGITS, itself built by
        // repeated division.
        let mut half = 5.0f64;
        for _ in 0..FLOAT_DIGITS {
            half /= 10.0;
        }
        x += half;
        if x >= 10.0 {
            exp += 1;
            x /= 10.0;
        }
    }
    // Digits go to out[2..2+FLOAT_DIGITS]; then the first one moves before the point.
    for i in 0..FLOAT_DIGITS {
        let d = x as i64;
        out[i + 2] = b'0' + d as u8;
        x -= d as f64;
        x *= 10.0;
    }
    out[1] = out[2];
    out[2] = b'.';
    out[FLOAT_DIGITS + 2] = b'e';
    out[FLOAT_DIGITS + 3] = b'+';
    if exp < 0 {
        exp = -exp;
        out[FLOAT_DIGITS + 3] = b'-';
    }
    out[FLOAT_DIGITS + 4] = b'0' + (exp / 100) as u8;
    out[FLOAT_DIGITS + 5] = b'0' + ((exp / 10) % 10) as u8;
    out[FLOAT_DIGITS + 6] = b'0' + (exp % 10) as u8;
    FloatText::Digits(out)
}

pub fn print_float(v: f64) {
    write_err(format_float(v).as_bytes());
}

pub fn print_complex(re: f64, im: f64) {
    print_str("(");
    print_float(re);
    print_float(im);
    print_str("i)");
}

// ---- entry points (rgo_abi::entry::PRINT*) ----

#[unsafe(no_mangle)]
pub extern "C" fn rgo_printlock() {
    printlock();
}

#[unsafe(no_mangle)]
pub extern "C" fn rgo_printunlock() {
    printunlock();
}

#[unsafe(no_mangle)]
pub extern "C" fn rgo_printint(v: i64) {
    print_int(v);
}

#[unsafe(no_mangle)]
pub extern "C" fn rgo_printuint(v: u64) {
    print_uint(v);
}

#[unsafe(no_mangle)]
pub extern "C" fn rgo_printfloat(v: f64) {
    print_float(v);
}

#[unsafe(no_mangle)]
pub extern "C" fn rgo_printcomplex(re: f64, im: f64) {
    print_complex(re, im);
}

#[unsafe(no_mangle)]
pub extern "C" fn rgo_printbool(v: i8) {
    print_bool(v != 0);
}

/// # Safety
/// `ptr` must point to `len` readable bytes (or `len` must be 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_printstring(ptr: *const u8, len: i64) {
    if len <= 0 || ptr.is_null() {
        return;
    }
    // SAFETY: contract of the entry point: a Go string's bytes.
    let b = unsafe { core::slice::from_raw_parts(ptr, len as usize) };
    write_err(b);
}

#[unsafe(no_mangle)]
pub extern "C" fn rgo_printpointer(p: usize) {
    print_hex(p as u64);
}

#[unsafe(no_mangle)]
pub extern "C" fn rgo_printsp() {
    print_str(" ");
}

#[unsafe(no_mangle)]
pub extern "C" fn rgo_printnl() {
    print_str("\n");
}

/// `x / y` for complex128 (Go's complex division): Smith's algorithm, which avoids
/// overflow in the intermediate products, then the C99 Annex G fix-ups that turn a NaN
/// result into the right infinity or zero. Writes the quotient to `out`.
///
/// # Safety
/// `out` must be writable for two f64.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_complex128div(a: f64, b: f64, c: f64, d: f64, out: *mut [f64; 2]) {
    let (mut e, mut f);
    if c.abs() >= d.abs() {
        let r = d / c;
        let den = c + r * d;
        e = (a + b * r) / den;
        f = (b - a * r) / den;
    } else {
        let r = c / d;
        let den = d + r * c;
        e = (a * r + b) / den;
        f = (b * r - a) / den;
    }
    if e.is_nan() && f.is_nan() {
        let inf = f64::INFINITY;
        if c == 0.0 && d == 0.0 && (!a.is_nan() || !b.is_nan()) {
            // Non-zero finite or infinite over zero: a signed infinity.
            e = inf.copysign(c) * a;
            f = inf.copysign(c) * b;
        } else if (a.is_infinite() || b.is_infinite()) && c.is_finite() && d.is_finite() {
            // Infinite over finite: infinity.
            let a2 = if a.is_infinite() {
                1f64.copysign(a)
            } else {
                0f64.copysign(a)
            };
            let b2 = if b.is_infinite() {
                1f64.copysign(b)
            } else {
                0f64.copysign(b)
            };
            e = inf * (a2 * c + b2 * d);
            f = inf * (b2 * c - a2 * d);
        } else if (c.is_infinite() || d.is_infinite()) && a.is_finite() && b.is_finite() {
            // Finite over infinite: zero.
            let c2 = if c.is_infinite() {
                1f64.copysign(c)
            } else {
                0f64.copysign(c)
            };
            let d2 = if d.is_infinite() {
                1f64.copysign(d)
            } else {
                0f64.copysign(d)
            };
            e = 0.0 * (a * c2 + b * d2);
            f = 0.0 * (b * c2 - a * d2);
        }
    }
    // SAFETY: out is writable by contract.
    unsafe { *out = [e, f] };
}
