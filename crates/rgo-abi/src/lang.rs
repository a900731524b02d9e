//! Entry points of the language runtime support: maps, interfaces, type equality and hashing.

/// Every entry point declared here (the runtime's symbol table defines exactly these,
/// together with `entry::ALL` and `mem::ALL`).
pub const ALL: &[&str] = &[];
