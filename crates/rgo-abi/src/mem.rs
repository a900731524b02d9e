//! Entry points and layouts of the memory system (allocator, GC, write barrier).

/// Every memory-system entry point (the runtime's symbol table defines exactly these,
/// together with `entry::ALL` and `lang::ALL`).
pub const ALL: &[&str] = &[];
