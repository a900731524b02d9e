//! Exact constant values (spec "Constants"): integers and rationals of arbitrary precision.

use num_bigint::BigInt;
use num_rational::BigRational;

#[derive(Clone, Debug, PartialEq)]
pub enum ConstValue {
    Bool(bool),
    String(String),
    /// Integer values (also runes).
    Int(BigInt),
    /// Floating-point values, exactly.
    Float(BigRational),
    Complex(BigRational, BigRational),
}
