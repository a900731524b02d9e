//! Language support: maps, interfaces, equality and hashing (to come).

/// Entry points of the language support, for [`crate::symbols`].
pub fn symbols() -> Vec<(&'static str, *const u8)> {
    Vec::new()
}
