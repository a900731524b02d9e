//! rgo-syntax: Go source text → AST.
//!
//! Consumes one file's bytes; produces an [`ast::File`] and the list of syntax errors
//! (all-errors mode: the parser recovers and keeps going). Never panics on any input.

pub mod ast;
pub mod pos;

pub use pos::{Error, Pos, SourceFile};
