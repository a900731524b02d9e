//! Go functions implemented by the runtime: the body-less functions of rgo's own library
//! packages (`lib/`, e.g. `func Gosched()` in package `runtime`).
//!
//! **Naming rule.** A body-less function `F` of package `p` is the C symbol
//! `rgo_<p>_F`; a body-less method `M` with receiver base type `T` is `rgo_<p>_T_M`. In
//! `<p>`, `/` and `.` become `_` (`runtime/debug` → `rgo_runtime_debug_SetGCPercent`).
//!
//! **Signature rule.** The entry uses the C convention (`system_v`) and takes:
//! 1. `g`, the current goroutine;
//! 2. if the Go function has results and they are not exactly one single-part value
//!    (an integer, float, bool or pointer-shaped value): `out`, a pointer to a buffer
//!    holding the results laid out as the fields of a struct `{r0; r1; …}`, which the
//!    entry fills (the Go wrapper reads them back);
//! 3. the receiver, then the parameters, each as its register parts in order (see
//!    codegen's layout: a string is `ptr, len`, a slice `ptr, len, cap`, an interface
//!    `type, data`, a bool one byte); a struct or array parameter as a pointer to a copy.
//!
//! It returns the single result directly when there is one single-part result, else
//! nothing. Codegen compiles each such function as an ordinary Go function (symbol
//! `p.F`) whose body makes this call, so function values, `go` and `defer` need nothing
//! special. Memory-typed results (structs, arrays) are not supported.

/// The entry point of body-less function `name` (method of `recv`, if any) in package
/// `pkg`.
pub fn symbol(pkg: &str, recv: Option<&str>, name: &str) -> String {
    let p: String = pkg
        .chars()
        .map(|c| if c == '/' || c == '.' { '_' } else { c })
        .collect();
    match recv {
        Some(t) => format!("rgo_{p}_{t}_{name}"),
        None => format!("rgo_{p}_{name}"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn names() {
        assert_eq!(
            super::symbol("runtime", None, "Gosched"),
            "rgo_runtime_Gosched"
        );
        assert_eq!(
            super::symbol("runtime/debug", None, "SetGCPercent"),
            "rgo_runtime_debug_SetGCPercent"
        );
        assert_eq!(
            super::symbol("runtime", Some("Func"), "Entry"),
            "rgo_runtime_Func_Entry"
        );
    }
}
