//! Untyped float constants too large or too small for an exact fraction.
//!
//! gc (go/constant) keeps an untyped float as an exact fraction while its numerator and
//! denominator have fewer than 4096 bits, and otherwise as a binary floating-point number
//! with a 512-bit mantissa and a 32-bit exponent (`math/big.Float`), rounded to nearest
//! even after every operation; a result past the exponent range is an error, one below it
//! is zero. `BigFloat` is that second form, so the same programs compile: `1e646456992 /
//! 1e646456991` is 10, `1e646456993` is malformed.

use num_bigint::{BigInt, Sign};
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};

/// Mantissa bits of gc's untyped floats.
pub const PREC: u64 = 512;
/// Exponent range of `big.Float` (value = 0.mantissa × 2^exp with 0.5 ≤ 0.mantissa < 1).
const MAX_EXP: i64 = i32::MAX as i64;
const MIN_EXP: i64 = i32::MIN as i64;

/// `mant × 2^exp`, with `mant` odd (or zero, then `exp` is 0).
#[derive(Clone, Debug, PartialEq)]
pub struct BigFloat {
    mant: BigInt,
    exp: i64,
}

/// An operation whose result is past the exponent range (gc: infinity, not a constant).
#[derive(Debug, PartialEq, Eq)]
pub struct Overflow;

impl BigFloat {
    pub fn zero() -> BigFloat {
        BigFloat {
            mant: BigInt::zero(),
            exp: 0,
        }
    }

    pub fn is_zero(&self) -> bool {
        self.mant.is_zero()
    }

    pub fn sign(&self) -> Sign {
        self.mant.sign()
    }

    /// The binary exponent as `big.Float.MantExp` reports it: `|x| = m × 2^e`, 0.5 ≤ m < 1.
    pub fn mant_exp(&self) -> i64 {
        if self.is_zero() {
            0
        } else {
            self.exp + self.mant.bits() as i64
        }
    }

    /// `m × 2^e` rounded to `prec` bits; `sticky` says the exact value is a little further
    /// from zero than `m × 2^e` (less than one unit of `e`), which matters only for ties.
    pub fn round(m: BigInt, e: i64, sticky: bool, prec: u64) -> Result<BigFloat, Overflow> {
        if m.is_zero() {
            return Ok(BigFloat::zero());
        }
        let neg = m.is_negative();
        let mut a = m.abs();
        let mut e = e;
        let n = a.bits();
        if n > prec {
            let k = n - prec;
            let low = &a & ((BigInt::one() << k) - 1u32);
            a >>= k;
            e += k as i64;
            let half = BigInt::one() << (k - 1);
            let up = match low.cmp(&half) {
                std::cmp::Ordering::Greater => true,
                std::cmp::Ordering::Less => false,
                std::cmp::Ordering::Equal => sticky || a.is_odd(),
            };
            if up {
                a += 1u32;
            }
        }
        let tz = a.trailing_zeros().unwrap_or(0);
        a >>= tz;
        e += tz as i64;
        let f = BigFloat {
            mant: if neg { -a } else { a },
            exp: e,
        };
        let me = f.mant_exp();
        if me > MAX_EXP {
            return Err(Overflow);
        }
        if me < MIN_EXP {
            return Ok(BigFloat::zero());
        }
        Ok(f)
    }

    /// The exact value of a fraction, rounded.
    pub fn from_rat(r: &BigRational, prec: u64) -> Result<BigFloat, Overflow> {
        let (n, d) = (r.numer(), r.denom());
        if n.is_zero() {
            return Ok(BigFloat::zero());
        }
        // Enough quotient bits for rounding, the remainder as the sticky bit.
        let s = (prec as i64 + 2 + d.bits() as i64 - n.bits() as i64).max(0);
        let (q, rem) = (n << s as usize).div_rem(d);
        BigFloat::round(q, -s, !rem.is_zero(), prec)
    }

    /// The exact value as a fraction when its exponent is within `limit` bits.
    pub fn to_rat(&self, limit: i64) -> Option<BigRational> {
        if self.mant_exp().abs() > limit || self.exp.abs() > limit + PREC as i64 {
            return None;
        }
        Some(if self.exp >= 0 {
            BigRational::from_integer(&self.mant << self.exp as usize)
        } else {
            BigRational::new(self.mant.clone(), BigInt::one() << (-self.exp) as usize)
        })
    }

    pub fn neg(&self) -> BigFloat {
        BigFloat {
            mant: -&self.mant,
            exp: self.exp,
        }
    }

    pub fn mul(&self, y: &BigFloat, prec: u64) -> Result<BigFloat, Overflow> {
        BigFloat::round(&self.mant * &y.mant, self.exp + y.exp, false, prec)
    }

    /// `None` when `y` is zero.
    pub fn quo(&self, y: &BigFloat, prec: u64) -> Option<Result<BigFloat, Overflow>> {
        if y.is_zero() {
            return None;
        }
        if self.is_zero() {
            return Some(Ok(BigFloat::zero()));
        }
        let s = (prec as i64 + 2 + y.mant.bits() as i64 - self.mant.bits() as i64).max(0);
        let (q, rem) = (&self.mant << s as usize).div_rem(&y.mant);
        // Truncated toward zero: the remainder pushes the value away from zero.
        Some(BigFloat::round(
            q,
            self.exp - y.exp - s,
            !rem.is_zero(),
            prec,
        ))
    }

    pub fn add(&self, y: &BigFloat, prec: u64) -> Result<BigFloat, Overflow> {
        if self.is_zero() {
            return BigFloat::round(y.mant.clone(), y.exp, false, prec);
        }
        if y.is_zero() {
            return BigFloat::round(self.mant.clone(), self.exp, false, prec);
        }
        let top = self.mant_exp().max(y.mant_exp());
        let width = prec.max(self.mant.bits()).max(y.mant.bits()) as i64 + 8;
        let floor = top - width;
        // Each operand in units of 2^(floor-1). An operand below `floor` is the smaller by
        // far (the other has its top bit within `width` of `floor`): truncated, it
        // becomes an odd multiple, which sits strictly between the neighbours the exact
        // value lies between, so rounding (at least 8 bits further up) decides the same.
        let scaled = |x: &BigFloat| -> BigInt {
            if x.exp >= floor {
                &x.mant << (x.exp - floor + 1) as usize
            } else {
                let k = (floor - x.exp) as usize;
                let t = x.mant.abs() >> k;
                let v = (t << 1usize) + 1u32;
                if x.mant.is_negative() {
                    -v
                } else {
                    v
                }
            }
        };
        BigFloat::round(scaled(self) + scaled(y), floor - 1, false, prec)
    }

    pub fn compare(&self, y: &BigFloat) -> std::cmp::Ordering {
        use std::cmp::Ordering;
        let (sx, sy) = (self.sign(), y.sign());
        if sx != sy {
            let rank = |s: Sign| match s {
                Sign::Minus => 0,
                Sign::NoSign => 1,
                Sign::Plus => 2,
            };
            return rank(sx).cmp(&rank(sy));
        }
        if sx == Sign::NoSign {
            return Ordering::Equal;
        }
        // Same sign: compare magnitudes, then flip for negatives.
        let mag = match self.mant_exp().cmp(&y.mant_exp()) {
            Ordering::Equal => {
                // Same top bit: align the mantissas' lowest bits.
                let e = self.exp.min(y.exp);
                let a = self.mant.abs() << (self.exp - e) as usize;
                let b = y.mant.abs() << (y.exp - e) as usize;
                a.cmp(&b)
            }
            o => o,
        };
        if sx == Sign::Minus {
            mag.reverse()
        } else {
            mag
        }
    }

    /// `m × 10^e` (the decimal literal `m`e`e`), as gc's `big.Float` parses it: the power
    /// of five at 64 more bits, then one rounding to `PREC`.
    pub fn from_decimal(m: &BigInt, e: i64) -> Result<BigFloat, Overflow> {
        let x = BigFloat::round(m.clone(), 0, false, PREC)?;
        if e == 0 {
            return Ok(x);
        }
        let p5 = pow5(e.unsigned_abs(), PREC + 64)?;
        let two = BigFloat {
            mant: BigInt::one(),
            exp: e,
        };
        let r = if e > 0 {
            x.mul(&p5, PREC + 64)?
        } else {
            match x.quo(&p5, PREC + 64) {
                Some(r) => r?,
                None => return Ok(BigFloat::zero()),
            }
        };
        r.mul(&two, PREC)
    }

    /// Round to nearest f64 (±infinity past its range).
    pub fn to_f64(&self) -> f64 {
        if self.is_zero() {
            return 0.0;
        }
        let neg = self.mant.is_negative();
        let me = self.mant_exp();
        let v = if me > 1025 {
            f64::INFINITY
        } else if me < -1080 {
            0.0
        } else {
            match self.to_rat(1100) {
                Some(r) => super::rat_to_f64(&r.abs()),
                None => 0.0,
            }
        };
        if neg {
            -v
        } else {
            v
        }
    }

    /// go/constant's `String` for a float outside the f64 range: six significant digits
    /// of an approximate decimal mantissa and the decimal exponent.
    pub fn approx_string(&self) -> String {
        let me = self.mant_exp();
        // The mantissa in [0.5, 1): its top 64 bits are plenty for six digits.
        let a = self.mant.abs();
        let bits = a.bits();
        let top = if bits > 64 {
            a >> (bits - 64) as usize
        } else {
            a << (64 - bits) as usize
        };
        let mut m = top.to_f64().unwrap_or(0.0) / 2f64.powi(64);
        if self.mant.is_negative() {
            m = -m;
        }
        let d = me as f64 * (std::f64::consts::LN_2 / std::f64::consts::LN_10);
        let mut e = d as i64;
        m *= 10f64.powf(d - e as f64);
        let am = m.abs();
        if am < 1.0 - 0.5e-6 {
            m *= 10.0;
            e -= 1;
        } else if am >= 10.0 {
            m /= 10.0;
            e += 1;
        }
        format!("{}e{:+}", super::fmt_g(m, 6), e)
    }
}

/// `5^n` with `prec`-bit arithmetic (gc's `pow5`: exact up to 5^27, then repeated
/// squaring with a factor kept at 64 more bits).
fn pow5(n: u64, prec: u64) -> Result<BigFloat, Overflow> {
    const EXACT: u64 = 27;
    let five = |k: u64| BigInt::from(5u64.pow(k as u32));
    if n <= EXACT {
        return BigFloat::round(five(n), 0, false, prec);
    }
    let mut z = BigFloat::round(five(EXACT), 0, false, prec)?;
    let mut f = BigFloat::round(BigInt::from(5), 0, false, prec + 64)?;
    let mut k = n - EXACT;
    while k > 0 {
        if k & 1 != 0 {
            z = z.mul(&f, prec)?;
        }
        k >>= 1;
        if k > 0 {
            f = f.mul(&f, prec + 64)?;
        }
    }
    Ok(z)
}
