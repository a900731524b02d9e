//! Exact constant values (spec "Constants"): integers and rationals of arbitrary precision.
//!
//! Untyped constant arithmetic must be exact (the spec requires at least 256-bit mantissas;
//! we use unbounded rationals), while typed float constants are rounded to their type's
//! precision when they are converted. Messages derived from these operations (overflow,
//! truncation) are composed by the checker; this module only reports what went wrong.

use num_bigint::{BigInt, Sign};
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};

use rgo_syntax::ast::{BinOp, LitKind, UnOp};

use crate::types::BasicKind;

mod bigfloat;
pub use bigfloat::BigFloat;

#[derive(Clone, Debug, PartialEq)]
pub enum ConstValue {
    Bool(bool),
    String(String),
    /// Integer values (also runes).
    Int(BigInt),
    /// Floating-point values, exactly.
    Float(BigRational),
    /// A floating-point value whose exact fraction would be too large (see `bigfloat`).
    BigFloat(BigFloat),
    Complex(BigRational, BigRational),
}

/// Why constant arithmetic has no result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConstError {
    DivisionByZero,
    /// Past the range of untyped floats (gc: `constant result is not representable`).
    NotRepresentable,
}

/// gc keeps a fraction exact while its parts have fewer bits than this (go/constant's
/// `maxExp`), and switches to a 512-bit float beyond.
const MAX_RAT_BITS: u64 = 4096;

/// Why a constant cannot be represented by a type (gc appends these to its messages).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReprError {
    /// `(overflows)`
    Overflows,
    /// `(truncated)`
    Truncated,
    /// Wrong kind altogether (e.g. a string as an int).
    Mismatch,
}

/// Largest binary exponent an untyped float may reach before gc calls it an overflow.
const MAX_EXP: i64 = 1 << 14;

fn rat(i: BigInt) -> BigRational {
    BigRational::from_integer(i)
}

impl ConstValue {
    pub fn int(v: i64) -> ConstValue {
        ConstValue::Int(BigInt::from(v))
    }

    /// Parses the source text of a basic literal. `None` for malformed text.
    pub fn from_literal(kind: LitKind, text: &str) -> Option<ConstValue> {
        match kind {
            LitKind::Int => parse_int(text).map(ConstValue::Int),
            LitKind::Float => parse_float_value(text),
            LitKind::Imag => {
                let t = text.strip_suffix('i')?;
                // An imaginary literal's mantissa is decimal even with leading zeros
                // (`0123i` is 123i) unless it has an explicit base prefix.
                let v = if t.contains(['.', 'e', 'E', 'p', 'P'])
                    && !t.starts_with("0x")
                    && !t.starts_with("0X")
                {
                    parse_float(t)?
                } else if t.starts_with("0x")
                    || t.starts_with("0X")
                    || t.starts_with("0b")
                    || t.starts_with("0B")
                    || t.starts_with("0o")
                    || t.starts_with("0O")
                {
                    if t.contains(['.', 'p', 'P']) {
                        parse_float(t)?
                    } else {
                        rat(parse_int(t)?)
                    }
                } else {
                    let digits: String = t.chars().filter(|&c| c != '_').collect();
                    rat(digits.parse::<BigInt>().ok()?)
                };
                Some(ConstValue::Complex(BigRational::zero(), v))
            }
            LitKind::Rune => {
                let inner = text.strip_prefix('\'')?.strip_suffix('\'')?;
                let (vals, _) = unescape(inner, '\'')?;
                if vals.len() != 1 {
                    return None;
                }
                Some(ConstValue::Int(BigInt::from(vals[0].value())))
            }
            LitKind::String => {
                if let Some(raw) = text.strip_prefix('`') {
                    let raw = raw.strip_suffix('`')?;
                    return Some(ConstValue::String(raw.replace('\r', "")));
                }
                let inner = text.strip_prefix('"')?.strip_suffix('"')?;
                let (vals, _) = unescape(inner, '"')?;
                let mut bytes = Vec::new();
                for v in vals {
                    match v {
                        Unit::Byte(b) => bytes.push(b),
                        Unit::Char(c) => {
                            let mut buf = [0u8; 4];
                            let ch = char::from_u32(c).unwrap_or('\u{FFFD}');
                            bytes.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                        }
                    }
                }
                Some(ConstValue::String(bytes_to_string(bytes)))
            }
        }
    }

    pub fn is_int(&self) -> bool {
        matches!(self, ConstValue::Int(_))
    }

    /// The value as an exact integer if it is one (`2.0` and `2+0i` are).
    pub fn to_int(&self) -> Option<BigInt> {
        match self {
            ConstValue::Int(i) => Some(i.clone()),
            ConstValue::Float(f) if f.is_integer() => Some(f.to_integer()),
            ConstValue::BigFloat(f) => f
                .to_rat(MAX_RAT_BITS as i64)
                .filter(|r| r.is_integer())
                .map(|r| r.to_integer()),
            ConstValue::Complex(re, im) if im.is_zero() && re.is_integer() => Some(re.to_integer()),
            _ => None,
        }
    }

    /// The value as an exact real number, if it is numeric and real.
    pub fn to_rat(&self) -> Option<BigRational> {
        match self {
            ConstValue::Int(i) => Some(rat(i.clone())),
            ConstValue::Float(f) => Some(f.clone()),
            ConstValue::BigFloat(f) => f.to_rat(MAX_RAT_BITS as i64),
            ConstValue::Complex(re, im) if im.is_zero() => Some(re.clone()),
            _ => None,
        }
    }

    pub fn to_complex(&self) -> Option<(BigRational, BigRational)> {
        match self {
            ConstValue::Complex(re, im) => Some((re.clone(), im.clone())),
            _ => self.to_rat().map(|r| (r, BigRational::zero())),
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        self.to_int().and_then(|i| i.to_i64())
    }

    pub fn as_u64(&self) -> Option<u64> {
        self.to_int().and_then(|i| i.to_u64())
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            ConstValue::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            ConstValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// Approximate float value (for codegen of float constants and messages).
    pub fn to_f64(&self) -> Option<f64> {
        if let ConstValue::BigFloat(f) = self {
            return Some(f.to_f64());
        }
        self.to_rat().map(|r| rat_to_f64(&r))
    }

    /// The value converted to the numeric "kind" of an untyped type (int, rune, float,
    /// complex); `None` if not exactly representable as that kind (a float with a fraction
    /// as int).
    pub fn to_kind(&self, kind: BasicKind) -> Option<ConstValue> {
        use BasicKind::*;
        match kind {
            UntypedInt | UntypedRune => self.to_int().map(ConstValue::Int),
            UntypedFloat if matches!(self, ConstValue::BigFloat(_)) => Some(self.clone()),
            UntypedFloat => self.to_rat().map(ConstValue::Float),
            UntypedComplex => self.to_complex().map(|(a, b)| ConstValue::Complex(a, b)),
            _ => Some(self.clone()),
        }
    }

    /// Checks that the value is representable by a value of basic kind `kind` and returns
    /// it converted (rounded for floats) to that kind's representation.
    pub fn represent(&self, kind: BasicKind) -> Result<ConstValue, ReprError> {
        use BasicKind::*;
        match kind {
            Bool | UntypedBool => match self {
                ConstValue::Bool(_) => Ok(self.clone()),
                _ => Err(ReprError::Mismatch),
            },
            String | UntypedString => match self {
                ConstValue::String(_) => Ok(self.clone()),
                _ => Err(ReprError::Mismatch),
            },
            k if k.is_integer() => {
                if matches!(self, ConstValue::Bool(_) | ConstValue::String(_)) {
                    return Err(ReprError::Mismatch);
                }
                let Some(i) = self.to_int() else {
                    return Err(ReprError::Truncated);
                };
                if matches!(k, UntypedInt | UntypedRune) {
                    return Ok(ConstValue::Int(i));
                }
                let (lo, hi) = int_range(k);
                if i < lo || i > hi {
                    // gc calls any float or complex value that does not fit an integer
                    // type truncated, even an integral one.
                    return Err(if self.is_int() {
                        ReprError::Overflows
                    } else {
                        ReprError::Truncated
                    });
                }
                Ok(ConstValue::Int(i))
            }
            Float32 | Float64 | UntypedFloat => {
                if let ConstValue::BigFloat(f) = self {
                    // Far outside both float types' ranges, or a fraction gc keeps rounded.
                    return match kind {
                        UntypedFloat => Ok(self.clone()),
                        _ if f.mant_exp() > 1100 => Err(ReprError::Overflows),
                        _ if f.mant_exp() < -1100 => Ok(ConstValue::Float(BigRational::zero())),
                        _ => ConstValue::Float(f.to_rat(1100).unwrap_or_default()).represent(kind),
                    };
                }
                let Some(r) = self.to_rat() else {
                    return match self {
                        ConstValue::Complex(..) => Err(ReprError::Truncated),
                        _ => Err(ReprError::Mismatch),
                    };
                };
                match kind {
                    Float32 => round_float(&r, 24, 127)
                        .map(ConstValue::Float)
                        .ok_or(ReprError::Overflows),
                    Float64 => round_float(&r, 53, 1023)
                        .map(ConstValue::Float)
                        .ok_or(ReprError::Overflows),
                    _ => Ok(ConstValue::Float(r)),
                }
            }
            Complex64 | Complex128 | UntypedComplex => {
                let Some((re, im)) = self.to_complex() else {
                    return Err(ReprError::Mismatch);
                };
                let (p, e) = if kind == Complex64 {
                    (24, 127)
                } else {
                    (53, 1023)
                };
                if kind == UntypedComplex {
                    return Ok(ConstValue::Complex(re, im));
                }
                let re = round_float(&re, p, e).ok_or(ReprError::Overflows)?;
                let im = round_float(&im, p, e).ok_or(ReprError::Overflows)?;
                Ok(ConstValue::Complex(re, im))
            }
            UnsafePointer | UntypedNil | Invalid => Err(ReprError::Mismatch),
            _ => Err(ReprError::Mismatch),
        }
    }

    /// True when an untyped value has grown past what gc accepts (`constant overflow`).
    pub fn overflows_untyped(&self) -> bool {
        match self {
            ConstValue::Int(i) => i.bits() > 512,
            // Fractions past gc's limits become `BigFloat`s, which have their own.
            ConstValue::Float(_) | ConstValue::BigFloat(_) => false,
            ConstValue::Complex(a, b) => rat_exp(a).abs() > MAX_EXP || rat_exp(b).abs() > MAX_EXP,
            _ => false,
        }
    }

    /// Unary `+ - ^ !`. For `^` on unsigned typed values, `unsigned_bits` gives the width.
    pub fn unary(op: UnOp, x: &ConstValue, unsigned_bits: Option<u32>) -> Option<ConstValue> {
        match (op, x) {
            (UnOp::Pos, ConstValue::Int(_) | ConstValue::Float(_) | ConstValue::Complex(..)) => {
                Some(x.clone())
            }
            (UnOp::Neg, ConstValue::Int(i)) => Some(ConstValue::Int(-i)),
            (UnOp::Neg, ConstValue::Float(f)) => Some(ConstValue::Float(-f)),
            (UnOp::Pos, ConstValue::BigFloat(_)) => Some(x.clone()),
            (UnOp::Neg, ConstValue::BigFloat(f)) => Some(ConstValue::BigFloat(f.neg())),
            (UnOp::Neg, ConstValue::Complex(a, b)) => Some(ConstValue::Complex(-a, -b)),
            (UnOp::Xor, ConstValue::Int(i)) => {
                let r = !i.clone();
                Some(ConstValue::Int(match unsigned_bits {
                    Some(n) => {
                        let m = (BigInt::one() << n) - 1;
                        r & m
                    }
                    None => r,
                }))
            }
            (UnOp::Not, ConstValue::Bool(b)) => Some(ConstValue::Bool(!b)),
            _ => None,
        }
    }

    /// Binary arithmetic on two values of the same kind (the checker matches kinds first).
    /// `int_div` selects truncated integer division for `/`. `Ok(None)` means an operator
    /// not defined on the operands.
    pub fn binary(
        op: BinOp,
        x: &ConstValue,
        y: &ConstValue,
        int_div: bool,
    ) -> Result<Option<ConstValue>, ConstError> {
        use ConstValue::*;
        // Bring both to the larger numeric kind.
        let (x, y) = match match_kinds(x, y) {
            Some(p) => p,
            None => return Ok(None),
        };
        Ok(match (&x, &y) {
            (Int(a), Int(b)) => {
                let r = match op {
                    BinOp::Add => a + b,
                    BinOp::Sub => a - b,
                    BinOp::Mul => a * b,
                    BinOp::Div => {
                        if b.is_zero() {
                            return Err(ConstError::DivisionByZero);
                        }
                        if int_div {
                            a / b
                        } else {
                            return Ok(Some(make_rat(BigRational::new(a.clone(), b.clone()))));
                        }
                    }
                    BinOp::Rem => {
                        if b.is_zero() {
                            return Err(ConstError::DivisionByZero);
                        }
                        a % b
                    }
                    BinOp::And => a & b,
                    BinOp::Or => a | b,
                    BinOp::Xor => a ^ b,
                    BinOp::AndNot => a & !b.clone(),
                    _ => return Ok(None),
                };
                Some(Int(r))
            }
            (Float(a), Float(b)) => {
                let r = match op {
                    BinOp::Add => a + b,
                    BinOp::Sub => a - b,
                    BinOp::Mul => a * b,
                    BinOp::Div => {
                        if b.is_zero() {
                            return Err(ConstError::DivisionByZero);
                        }
                        a / b
                    }
                    _ => return Ok(None),
                };
                Some(make_rat(r))
            }
            (BigFloat(a), BigFloat(b)) => {
                let p = bigfloat::PREC;
                let r = match op {
                    BinOp::Add => a.add(b, p),
                    BinOp::Sub => a.add(&b.neg(), p),
                    BinOp::Mul => a.mul(b, p),
                    BinOp::Div => a.quo(b, p).ok_or(ConstError::DivisionByZero)?,
                    _ => return Ok(None),
                };
                Some(BigFloat(r.map_err(|_| ConstError::NotRepresentable)?))
            }
            (Complex(a, b), Complex(c, d)) => {
                let r = match op {
                    BinOp::Add => (a + c, b + d),
                    BinOp::Sub => (a - c, b - d),
                    BinOp::Mul => (a * c - b * d, b * c + a * d),
                    BinOp::Div => {
                        let s = c * c + d * d;
                        if s.is_zero() {
                            return Err(ConstError::DivisionByZero);
                        }
                        ((a * c + b * d) / &s, (b * c - a * d) / &s)
                    }
                    _ => return Ok(None),
                };
                Some(Complex(r.0, r.1))
            }
            (String(a), String(b)) if op == BinOp::Add => Some(String(format!("{a}{b}"))),
            (Bool(a), Bool(b)) => match op {
                BinOp::AndAnd => Some(Bool(*a && *b)),
                BinOp::OrOr => Some(Bool(*a || *b)),
                _ => None,
            },
            _ => None,
        })
    }

    /// Comparison; `None` when the operands cannot be compared.
    pub fn compare(op: BinOp, x: &ConstValue, y: &ConstValue) -> Option<bool> {
        use std::cmp::Ordering;
        use ConstValue::*;
        let ord: Option<Ordering> = match (x, y) {
            (Bool(a), Bool(b)) => {
                return match op {
                    BinOp::Eq => Some(a == b),
                    BinOp::Ne => Some(a != b),
                    _ => None,
                }
            }
            (String(a), String(b)) => Some(a.as_bytes().cmp(b.as_bytes())),
            _ => {
                let (x, y) = match_kinds(x, y)?;
                match (&x, &y) {
                    (Int(a), Int(b)) => Some(a.cmp(b)),
                    (Float(a), Float(b)) => Some(a.cmp(b)),
                    (BigFloat(a), BigFloat(b)) => Some(a.compare(b)),
                    (Complex(a, b), Complex(c, d)) => {
                        return match op {
                            BinOp::Eq => Some(a == c && b == d),
                            BinOp::Ne => Some(a != c || b != d),
                            _ => None,
                        }
                    }
                    _ => None,
                }
            }
        };
        let o = ord?;
        Some(match op {
            BinOp::Eq => o == Ordering::Equal,
            BinOp::Ne => o != Ordering::Equal,
            BinOp::Lt => o == Ordering::Less,
            BinOp::Le => o != Ordering::Greater,
            BinOp::Gt => o == Ordering::Greater,
            BinOp::Ge => o != Ordering::Less,
            _ => return None,
        })
    }

    /// `x << s` / `x >> s` on an integer value.
    pub fn shift(x: &ConstValue, op: BinOp, s: u64) -> Option<ConstValue> {
        let i = x.to_int()?;
        match op {
            BinOp::Shl => {
                if s > 10_000 {
                    return None;
                }
                Some(ConstValue::Int(i << (s as usize)))
            }
            BinOp::Shr => {
                let s = s.min(1 << 20) as usize;
                // Arithmetic shift: rounds toward negative infinity.
                Some(ConstValue::Int(if i.is_negative() {
                    let d = BigInt::one() << s;
                    i.div_floor(&d)
                } else {
                    i >> s
                }))
            }
            _ => None,
        }
    }

    /// Go's `constant.Value.String()` form, used in messages: ints in decimal, floats with
    /// 6 significant digits (`1e+100`), strings quoted and shortened.
    pub fn gc_string(&self) -> String {
        match self {
            ConstValue::Bool(b) => b.to_string(),
            ConstValue::String(s) => {
                let q = go_quote(s);
                const MAX: usize = 72;
                if q.chars().count() > MAX {
                    let mut t: String = q.chars().take(MAX - 3).collect();
                    t.push_str("...");
                    t
                } else {
                    q
                }
            }
            ConstValue::Int(i) => i.to_string(),
            ConstValue::Float(f) => fmt_float(f),
            ConstValue::BigFloat(f) => {
                let x = f.to_f64();
                if x.is_finite() && x != 0.0 {
                    fmt_g(x, 6)
                } else {
                    f.approx_string()
                }
            }
            ConstValue::Complex(a, b) => format!("({} + {}i)", fmt_float(a), fmt_float(b)),
        }
    }
}

/// A float result: exact while its fraction stays within gc's limits, else rounded.
fn make_rat(r: BigRational) -> ConstValue {
    if r.numer().bits() < MAX_RAT_BITS && r.denom().bits() < MAX_RAT_BITS {
        return ConstValue::Float(r);
    }
    match BigFloat::from_rat(&r, bigfloat::PREC) {
        Ok(f) => ConstValue::BigFloat(f),
        // Unreachable for fractions of a few thousand bits; keep the exact value.
        Err(_) => ConstValue::Float(r),
    }
}

fn kind_rank(v: &ConstValue) -> u8 {
    match v {
        ConstValue::Int(_) => 1,
        ConstValue::Float(_) | ConstValue::BigFloat(_) => 2,
        ConstValue::Complex(..) => 3,
        _ => 0,
    }
}

/// Converts two numeric values to the larger of their kinds (bools/strings unchanged).
fn match_kinds(x: &ConstValue, y: &ConstValue) -> Option<(ConstValue, ConstValue)> {
    let (rx, ry) = (kind_rank(x), kind_rank(y));
    if rx == 0 || ry == 0 {
        return Some((x.clone(), y.clone()));
    }
    let r = rx.max(ry);
    let big = matches!(x, ConstValue::BigFloat(_)) || matches!(y, ConstValue::BigFloat(_));
    if big && r > 2 {
        // A complex operand with a float too large for a fraction: not supported.
        return None;
    }
    let conv = |v: &ConstValue| -> Option<ConstValue> {
        match r {
            1 => Some(v.clone()),
            2 if big => match v {
                ConstValue::BigFloat(_) => Some(v.clone()),
                _ => BigFloat::from_rat(&v.to_rat()?, bigfloat::PREC)
                    .ok()
                    .map(ConstValue::BigFloat),
            },
            2 => v.to_rat().map(ConstValue::Float),
            _ => v.to_complex().map(|(a, b)| ConstValue::Complex(a, b)),
        }
    };
    Some((conv(x)?, conv(y)?))
}

/// Inclusive range of an integer kind on linux/amd64.
pub fn int_range(k: BasicKind) -> (BigInt, BigInt) {
    use BasicKind::*;
    let (signed, bits) = match k {
        Int8 => (true, 8),
        Int16 => (true, 16),
        Int32 => (true, 32),
        Int | Int64 => (true, 64),
        Uint8 => (false, 8),
        Uint16 => (false, 16),
        Uint32 => (false, 32),
        Uint | Uint64 | Uintptr => (false, 64),
        _ => (true, 4096),
    };
    if signed {
        let h: BigInt = BigInt::one() << (bits - 1usize);
        (-h.clone(), h - 1)
    } else {
        (BigInt::zero(), (BigInt::one() << bits) - 1)
    }
}

/// floor(log2(|r|)) approximately (bit-length difference); 0 for zero.
fn rat_exp(r: &BigRational) -> i64 {
    if r.is_zero() {
        return 0;
    }
    r.numer().bits() as i64 - r.denom().bits() as i64
}

/// Rounds `r` to the nearest binary float with `prec` mantissa bits (round half to even),
/// with max exponent `emax` (IEEE: 127 / 1023) and gradual underflow. `None` on overflow.
pub fn round_float(r: &BigRational, prec: u32, emax: i64) -> Option<BigRational> {
    if r.is_zero() {
        return Some(BigRational::zero());
    }
    let neg = r.is_negative();
    let a = r.abs();
    let (n, d) = (a.numer().clone(), a.denom().clone());
    // Find e with 2^e <= a < 2^(e+1).
    let mut e = n.bits() as i64 - d.bits() as i64;
    let ge = |e: i64| -> bool {
        // a >= 2^e ?
        if e >= 0 {
            n >= (&d << (e as usize))
        } else {
            (&n << ((-e) as usize)) >= d
        }
    };
    if !ge(e) {
        e -= 1;
    }
    if ge(e + 1) {
        e += 1;
    }
    let emin = 1 - emax; // smallest normal exponent
    let e_eff = e.max(emin);
    // Scale so that the mantissa has `prec` bits: q = a * 2^(prec-1-e_eff).
    let sh = prec as i64 - 1 - e_eff;
    let (num, den) = if sh >= 0 {
        (&n << (sh as usize), d.clone())
    } else {
        (n.clone(), &d << ((-sh) as usize))
    };
    let (mut q, rem) = num.div_rem(&den);
    let twice = &rem * 2u32;
    if twice > den || (twice == den && q.is_odd()) {
        q += 1u32;
    }
    // Rebuild value = q * 2^-sh.
    let mut val = if sh >= 0 {
        BigRational::new(q.clone(), BigInt::one() << (sh as usize))
    } else {
        rat(q.clone() << ((-sh) as usize))
    };
    // Overflow: value >= 2^(emax+1).
    let limit = rat(BigInt::one() << ((emax + 1) as usize));
    if val >= limit {
        return None;
    }
    if neg {
        val = -val;
    }
    Some(val)
}

/// Correctly rounded conversion to f64 (infinite on overflow).
pub fn rat_to_f64(r: &BigRational) -> f64 {
    match round_float(r, 53, 1023) {
        None => {
            if r.is_negative() {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            }
        }
        Some(v) => {
            if v.is_zero() {
                return 0.0;
            }
            // v is exactly representable: numerator < 2^53 after reduction, denominator a power of two.
            let neg = v.is_negative();
            let v = v.abs();
            let n = v.numer().to_f64().unwrap_or(f64::INFINITY);
            let dbits = v.denom().bits() as i32 - 1;
            let mut x = n;
            // Divide by 2^dbits in steps to stay exact through subnormals.
            let mut k = dbits;
            while k > 0 {
                let s = k.min(1000);
                x /= 2f64.powi(s);
                k -= s;
            }
            if neg {
                -x
            } else {
                x
            }
        }
    }
}

/// Exact rational value of an f64.
pub fn f64_to_rat(f: f64) -> Option<BigRational> {
    BigRational::from_float(f)
}

/// `%.6g`-style formatting, as go/constant prints floats in messages.
fn fmt_float(r: &BigRational) -> String {
    if r.is_integer() && r.numer().bits() < 64 {
        // Go prints small integral floats like 3 as "3".
        let i = r.to_integer();
        let s = i.to_string();
        if s.trim_start_matches('-').len() <= 21 {
            return s;
        }
    }
    let f = rat_to_f64(r);
    if f.is_finite() {
        return fmt_g(f, 6);
    }
    // Outside the f64 range: as go/constant does, from the value rounded to 512 bits.
    match BigFloat::from_rat(r, bigfloat::PREC) {
        Ok(b) => b.approx_string(),
        Err(_) => f.to_string(),
    }
}

/// C-style `%.{p}g` with Go's exponent format (`e+06`→`e+06`, Go prints at least 2 digits).
pub fn fmt_g(f: f64, p: usize) -> String {
    if f == 0.0 {
        return "0".into();
    }
    let exp = f.abs().log10().floor() as i32;
    let s = format!("{:.*e}", p.saturating_sub(1), f);
    // s like "1.23450e5"
    let (mant, e) = s.split_once('e').unwrap_or((&s, "0"));
    let e: i32 = e.parse().unwrap_or(exp);
    if e < -4 || e >= p as i32 {
        let mant = if mant.contains('.') {
            mant.trim_end_matches('0').trim_end_matches('.')
        } else {
            mant
        };
        format!("{}e{}{:02}", mant, if e < 0 { '-' } else { '+' }, e.abs())
    } else {
        let decimals = (p as i32 - 1 - e).max(0) as usize;
        let s = format!("{:.*}", decimals, f);
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    }
}

fn parse_int(text: &str) -> Option<BigInt> {
    let t: String = text.chars().filter(|&c| c != '_').collect();
    let (radix, digits) = if let Some(r) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        (16, r)
    } else if let Some(r) = t.strip_prefix("0b").or_else(|| t.strip_prefix("0B")) {
        (2, r)
    } else if let Some(r) = t.strip_prefix("0o").or_else(|| t.strip_prefix("0O")) {
        (8, r)
    } else if t.len() > 1 && t.starts_with('0') {
        (8, &t[1..])
    } else {
        (10, t.as_str())
    };
    if digits.is_empty() {
        return None;
    }
    BigInt::parse_bytes(digits.as_bytes(), radix)
}

/// A float literal split into an integer mantissa and binary and decimal exponents:
/// its value is `m * 2^e2 * 10^e10`. None for malformed text or exponent overflow.
fn split_float(text: &str) -> Option<(BigInt, i64, i64)> {
    let t: String = text.chars().filter(|&c| c != '_').collect();
    let hex = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X"));
    let (body, marks, radix) = match hex {
        Some(h) => (h, ['p', 'P'], 16),
        None => (t.as_str(), ['e', 'E'], 10),
    };
    let (mant, exp) = match body.find(marks) {
        Some(i) => (&body[..i], body[i + 1..].parse::<i64>().ok()?),
        None => (body, 0),
    };
    let (ip, fp) = mant.split_once('.').unwrap_or((mant, ""));
    let digits = format!("{ip}{fp}");
    let m = if digits.is_empty() {
        BigInt::zero()
    } else {
        BigInt::parse_bytes(digits.as_bytes(), radix)?
    };
    Some(if radix == 16 {
        (m, exp.checked_sub(4 * fp.len() as i64)?, 0)
    } else {
        (m, 0, exp.checked_sub(fp.len() as i64)?)
    })
}

/// A float literal as gc reads it: an exact fraction when its binary exponent is within
/// gc's limits, else rounded to 512 bits; `None` past the exponent range (gc: `malformed
/// constant`).
fn parse_float_value(text: &str) -> Option<ConstValue> {
    let (m, e2, e10) = split_float(text)?;
    if m.is_zero() {
        return Some(ConstValue::Float(BigRational::zero()));
    }
    // A cheap estimate settles most literals; near gc's limit, its own test decides.
    let est = m.bits() as f64 + e2 as f64 + e10 as f64 * std::f64::consts::LOG2_10;
    if est.abs() > MAX_RAT_BITS as f64 - 64.0 {
        let f = if e10 == 0 {
            BigFloat::round(m.clone(), e2, false, bigfloat::PREC)
        } else {
            BigFloat::from_decimal(&m, e10)
        }
        .ok()?;
        let me = f.mant_exp();
        if f.is_zero() || me <= -(MAX_RAT_BITS as i64) || me >= MAX_RAT_BITS as i64 {
            return Some(if f.is_zero() {
                ConstValue::Float(BigRational::zero())
            } else {
                ConstValue::BigFloat(f)
            });
        }
    }
    Some(ConstValue::Float(float_rat(m, e2, e10)))
}

fn parse_float(text: &str) -> Option<BigRational> {
    let (m, e2, e10) = split_float(text)?;
    Some(float_rat(m, e2, e10))
}

/// `m * 2^e2 * 10^e10` as an exact fraction (one of the exponents is zero).
fn float_rat(m: BigInt, e2: i64, e10: i64) -> BigRational {
    if e10 == 0 {
        return scale2(rat(m), e2);
    }
    let e = e10;
    if e.abs() > 100_000 {
        // Absurd exponents: saturate so arithmetic stays bounded (gc rejects these too).
        if m.is_zero() || e < 0 {
            return BigRational::zero();
        }
        return rat(BigInt::from(10).pow(100_000u32));
    }
    let p = BigInt::from(10).pow(e.unsigned_abs() as u32);
    if e >= 0 {
        rat(m * p)
    } else {
        BigRational::new(m, p)
    }
}

fn scale2(r: BigRational, e: i64) -> BigRational {
    let e = e.clamp(-100_000, 100_000);
    if e >= 0 {
        r * rat(BigInt::one() << (e as usize))
    } else {
        r / rat(BigInt::one() << ((-e) as usize))
    }
}

enum Unit {
    Byte(u8),
    Char(u32),
}

impl Unit {
    fn value(&self) -> u32 {
        match self {
            Unit::Byte(b) => *b as u32,
            Unit::Char(c) => *c,
        }
    }
}

/// Decodes the body of an interpreted string or rune literal. Returns the units and
/// whether any escape was invalid (then `None`).
fn unescape(s: &str, quote: char) -> Option<(Vec<Unit>, ())> {
    let mut out = Vec::new();
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(Unit::Char(c as u32));
            continue;
        }
        let e = it.next()?;
        let simple = match e {
            'a' => Some(7),
            'b' => Some(8),
            'f' => Some(12),
            'n' => Some(10),
            'r' => Some(13),
            't' => Some(9),
            'v' => Some(11),
            '\\' => Some(92),
            _ => None,
        };
        if let Some(v) = simple {
            out.push(Unit::Char(v));
            continue;
        }
        if e == quote {
            out.push(Unit::Char(e as u32));
            continue;
        }
        let mut digits = |n: usize, radix: u32| -> Option<u32> {
            let mut v = 0u32;
            for _ in 0..n {
                let d = it.next()?.to_digit(radix)?;
                v = v.checked_mul(radix)?.checked_add(d)?;
            }
            Some(v)
        };
        match e {
            '0'..='7' => {
                let rest = digits(2, 8)?;
                let v = e.to_digit(8)? * 64 + rest;
                if v > 255 {
                    return None;
                }
                out.push(Unit::Byte(v as u8));
            }
            'x' => out.push(Unit::Byte(digits(2, 16)? as u8)),
            'u' => {
                let v = digits(4, 16)?;
                if (0xD800..0xE000).contains(&v) {
                    return None;
                }
                out.push(Unit::Char(v));
            }
            'U' => {
                let v = digits(8, 16)?;
                if v > 0x10FFFF || (0xD800..0xE000).contains(&v) {
                    return None;
                }
                out.push(Unit::Char(v));
            }
            _ => return None,
        }
    }
    Some((out, ()))
}

/// Go strings are byte strings; ours are Rust `String`s. Invalid UTF-8 bytes are kept
/// byte-exact by mapping each to a private code point range is not possible in `String`,
/// so we store them lossily only when they are not valid UTF-8. (Codegen reads
/// `const_bytes` for the exact bytes.)
fn bytes_to_string(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let bytes = e.into_bytes();
            encode_raw_bytes(&bytes)
        }
    }
}

/// Marker prefix for strings holding non-UTF-8 bytes: the bytes are stored as chars in
/// U+10FF00..U+10FFFF after this prefix. See [`const_bytes`].
const RAW_MARK: char = '\u{10FEFF}';

fn encode_raw_bytes(bytes: &[u8]) -> String {
    let mut s = String::new();
    s.push(RAW_MARK);
    for &b in bytes {
        s.push(char::from_u32(0x10FF00 + b as u32).unwrap_or('\u{FFFD}'));
    }
    s
}

/// The exact bytes of a string constant (handles strings holding invalid UTF-8, which are
/// stored in an escaped form inside `ConstValue::String`).
pub fn const_bytes(s: &str) -> Vec<u8> {
    if let Some(rest) = s.strip_prefix(RAW_MARK) {
        rest.chars()
            .map(|c| (c as u32).wrapping_sub(0x10FF00) as u8)
            .collect()
    } else {
        s.as_bytes().to_vec()
    }
}

/// Builds a string constant from raw bytes (for conversions and concatenation results).
pub fn string_from_bytes(b: Vec<u8>) -> String {
    bytes_to_string(b)
}

fn go_quote(s: &str) -> String {
    let bytes = const_bytes(s);
    let mut out = String::from("\"");
    let text = String::from_utf8_lossy(&bytes);
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl ConstValue {
    /// String concatenation that preserves raw bytes.
    pub fn concat(a: &str, b: &str) -> String {
        if !a.starts_with(RAW_MARK) && !b.starts_with(RAW_MARK) {
            return format!("{a}{b}");
        }
        let mut v = const_bytes(a);
        v.extend(const_bytes(b));
        bytes_to_string(v)
    }

    /// Sign of a numeric value.
    pub fn sign(&self) -> Sign {
        match self {
            ConstValue::Int(i) => i.sign(),
            ConstValue::Float(f) => {
                if f.is_zero() {
                    Sign::NoSign
                } else if f.is_negative() {
                    Sign::Minus
                } else {
                    Sign::Plus
                }
            }
            ConstValue::BigFloat(f) => f.sign(),
            _ => Sign::NoSign,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(k: LitKind, s: &str) -> ConstValue {
        ConstValue::from_literal(k, s).unwrap()
    }

    #[test]
    fn int_literals() {
        assert_eq!(lit(LitKind::Int, "42"), ConstValue::int(42));
        assert_eq!(lit(LitKind::Int, "0x_2A"), ConstValue::int(42));
        assert_eq!(lit(LitKind::Int, "052"), ConstValue::int(42));
        assert_eq!(lit(LitKind::Int, "0o52"), ConstValue::int(42));
        assert_eq!(lit(LitKind::Int, "0b101010"), ConstValue::int(42));
        assert_eq!(lit(LitKind::Int, "1_000"), ConstValue::int(1000));
    }

    #[test]
    fn float_literals() {
        let v = lit(LitKind::Float, "1.5");
        assert_eq!(v, ConstValue::Float(BigRational::new(3.into(), 2.into())));
        let v = lit(LitKind::Float, "0x1p-2");
        assert_eq!(v, ConstValue::Float(BigRational::new(1.into(), 4.into())));
        let v = lit(LitKind::Float, "1e3");
        assert_eq!(v.to_int(), Some(BigInt::from(1000)));
        assert_eq!(lit(LitKind::Float, ".5").to_f64(), Some(0.5));
        assert_eq!(
            lit(LitKind::Imag, "0123i"),
            ConstValue::Complex(BigRational::zero(), rat(123.into()))
        );
    }

    #[test]
    fn rune_and_string_literals() {
        assert_eq!(lit(LitKind::Rune, "'a'"), ConstValue::int(97));
        assert_eq!(lit(LitKind::Rune, "'\\n'"), ConstValue::int(10));
        assert_eq!(lit(LitKind::Rune, "'\\x41'"), ConstValue::int(65));
        assert_eq!(lit(LitKind::Rune, "'\\u00e9'"), ConstValue::int(0xe9));
        assert_eq!(lit(LitKind::Rune, "'\\''"), ConstValue::int(39));
        assert_eq!(lit(LitKind::Rune, "'世'"), ConstValue::int(0x4e16));
        assert_eq!(
            lit(LitKind::String, "\"a\\tb\""),
            ConstValue::String("a\tb".into())
        );
        assert_eq!(
            lit(LitKind::String, "`a\\n`"),
            ConstValue::String("a\\n".into())
        );
        let s = lit(LitKind::String, "\"\\xff\\x00\"");
        assert_eq!(const_bytes(s.as_str().unwrap()), vec![0xff, 0]);
        assert_eq!(
            lit(LitKind::String, "\"\\u65e5\""),
            ConstValue::String("日".into())
        );
        assert!(ConstValue::from_literal(LitKind::Rune, "'ab'").is_none());
    }

    #[test]
    fn arithmetic() {
        let a = ConstValue::int(7);
        let b = ConstValue::int(2);
        assert_eq!(
            ConstValue::binary(BinOp::Div, &a, &b, true),
            Ok(Some(ConstValue::int(3)))
        );
        assert_eq!(
            ConstValue::binary(BinOp::Rem, &ConstValue::int(-7), &b, true),
            Ok(Some(ConstValue::int(-1)))
        );
        assert_eq!(
            ConstValue::binary(BinOp::Div, &a, &ConstValue::int(0), true),
            Err(ConstError::DivisionByZero)
        );
        let f = ConstValue::binary(BinOp::Div, &a, &b, false)
            .unwrap()
            .unwrap();
        assert_eq!(f.to_f64(), Some(3.5));
        assert_eq!(
            ConstValue::binary(
                BinOp::AndNot,
                &ConstValue::int(0b1111),
                &ConstValue::int(0b0101),
                true
            ),
            Ok(Some(ConstValue::int(0b1010)))
        );
        assert_eq!(
            ConstValue::unary(UnOp::Xor, &ConstValue::int(0), Some(8)),
            Some(ConstValue::int(255))
        );
        assert_eq!(
            ConstValue::unary(UnOp::Xor, &ConstValue::int(0), None),
            Some(ConstValue::int(-1))
        );
        assert_eq!(
            ConstValue::shift(&ConstValue::int(1), BinOp::Shl, 100)
                .unwrap()
                .to_int()
                .unwrap()
                .bits(),
            101
        );
        assert_eq!(
            ConstValue::shift(&ConstValue::int(-5), BinOp::Shr, 1),
            Some(ConstValue::int(-3))
        );
        assert_eq!(
            ConstValue::compare(BinOp::Lt, &ConstValue::int(1), &lit(LitKind::Float, "1.5")),
            Some(true)
        );
        let c = ConstValue::binary(
            BinOp::Mul,
            &lit(LitKind::Imag, "1i"),
            &lit(LitKind::Imag, "1i"),
            false,
        )
        .unwrap()
        .unwrap();
        assert_eq!(c.to_int(), Some(BigInt::from(-1)));
    }

    #[test]
    fn representability() {
        use BasicKind::*;
        assert_eq!(
            ConstValue::int(300).represent(Uint8),
            Err(ReprError::Overflows)
        );
        assert_eq!(
            ConstValue::int(-1).represent(Uint),
            Err(ReprError::Overflows)
        );
        assert_eq!(
            ConstValue::int(127).represent(Int8),
            Ok(ConstValue::int(127))
        );
        assert_eq!(
            ConstValue::int(128).represent(Int8),
            Err(ReprError::Overflows)
        );
        assert_eq!(
            lit(LitKind::Float, "1.5").represent(Int),
            Err(ReprError::Truncated)
        );
        assert_eq!(
            lit(LitKind::Float, "2.0").represent(Int),
            Ok(ConstValue::int(2))
        );
        assert_eq!(
            lit(LitKind::Float, "1e100").represent(Float32),
            Err(ReprError::Overflows)
        );
        assert!(lit(LitKind::Float, "1e300").represent(Float64).is_ok());
        let r = lit(LitKind::Float, "0.1").represent(Float32).unwrap();
        assert_eq!(r.to_f64(), Some(0.1f32 as f64));
        let r = lit(LitKind::Float, "0.1").represent(Float64).unwrap();
        assert_eq!(r.to_f64(), Some(0.1));
        assert_eq!(
            ConstValue::String("x".into()).represent(Int),
            Err(ReprError::Mismatch)
        );
        assert_eq!(
            lit(LitKind::Imag, "1i").represent(Float64),
            Err(ReprError::Truncated)
        );
        assert_eq!(
            ConstValue::shift(&ConstValue::int(1), BinOp::Shl, 64)
                .unwrap()
                .represent(Uint64),
            Err(ReprError::Overflows)
        );
    }

    #[test]
    fn strings_for_messages() {
        assert_eq!(lit(LitKind::Float, "1e100").gc_string(), "1e+100");
        assert_eq!(lit(LitKind::Float, "1.5").gc_string(), "1.5");
        assert_eq!(lit(LitKind::Float, "0.000001").gc_string(), "1e-06");
        assert_eq!(ConstValue::int(300).gc_string(), "300");
        assert_eq!(ConstValue::String("a\"b".into()).gc_string(), "\"a\\\"b\"");
    }

    #[test]
    fn huge_floats() {
        let n = lit(LitKind::Float, "1e646456992");
        let d = lit(LitKind::Float, "1e646456991");
        assert!(matches!(n, ConstValue::BigFloat(_)));
        assert_eq!(n.gc_string(), "1e+646456992");
        let q = ConstValue::binary(BinOp::Div, &n, &d, false)
            .unwrap()
            .unwrap();
        assert_eq!(
            q.represent(BasicKind::Float64),
            Ok(ConstValue::Float(rat(10.into())))
        );
        assert_eq!(
            ConstValue::binary(BinOp::Mul, &n, &lit(LitKind::Int, "10"), false),
            Err(ConstError::NotRepresentable)
        );
        assert_eq!(
            ConstValue::from_literal(LitKind::Float, "1e646456993"),
            None
        );
        // Below the exponent range: zero.
        let z = lit(LitKind::Float, "1e-800000000");
        assert_eq!(
            z.represent(BasicKind::Float64),
            Ok(ConstValue::Float(BigRational::zero()))
        );
        // Past 4096 bits, fractions are rounded to 512 bits, as gc does.
        let big = lit(LitKind::Float, "1e5000");
        let third = ConstValue::binary(BinOp::Div, &big, &lit(LitKind::Int, "3"), false);
        assert!(matches!(third, Ok(Some(ConstValue::BigFloat(_)))));
        assert_eq!(lit(LitKind::Float, "1e646").gc_string(), "1e+646");
        assert_eq!(
            ConstValue::compare(BinOp::Gt, &big, &lit(LitKind::Float, "1e4999")),
            Some(true)
        );
        assert_eq!(big.represent(BasicKind::Int), Err(ReprError::Truncated));
    }
}
