//! Process-level behaviour, checked in child processes against gc's output: normal exit,
//! panics, run-time errors, signals and fatal errors (exit status 2).

use super::child::run;

/// Matches `text` against `pat`, where `{hex}` stands for `0x` and hex digits and `{line}`
/// for the rest of a line.
fn glob(pat: &str, text: &str) -> bool {
    let next = [("{hex}", 0), ("{line}", 1)]
        .iter()
        .filter_map(|&(tok, kind)| pat.find(tok).map(|i| (i, tok.len(), kind)))
        .min();
    let Some((i, toklen, kind)) = next else {
        return pat == text;
    };
    let Some(t) = text.strip_prefix(&pat[..i]) else {
        return false;
    };
    let n = if kind == 0 {
        if !t.starts_with("0x") {
            return false;
        }
        let d = t[2..].bytes().take_while(u8::is_ascii_hexdigit).count();
        if d == 0 {
            return false;
        }
        2 + d
    } else {
        t.find('\n').unwrap_or(t.len())
    };
    glob(&pat[i + toklen..], &t[n..])
}

#[test]
fn glob_matcher() {
    assert!(glob("a {hex} b", "a 0x1f b"));
    assert!(!glob("a {hex} b", "a 1f b"));
    assert!(glob("x{line}\ny", "x anything here\ny"));
    assert!(!glob("abc", "abd"));
}

fn check(scenario: &str, code: i32, pat: &str) {
    let out = run(scenario);
    assert!(
        glob(pat, &out.stderr),
        "scenario {scenario}: stderr\n{}\ndoes not match\n{pat}",
        out.stderr
    );
    assert_eq!(
        out.code,
        Some(code),
        "scenario {scenario}: exit status; stderr:\n{}",
        out.stderr
    );
}

const TRAILER: &str = "\ngoroutine 1 [running]:\n";

fn check_panic(scenario: &str, msg: &str) {
    check(scenario, 2, &format!("panic: {msg}\n{TRAILER}"));
}

#[test]
fn println_formats_and_exit_0() {
    check(
        "println",
        0,
        "1 -2 18446744073709551615 +1.500000e+000 true false hello 0x1f 0x0 \
         (+1.000000e+000-2.000000e+000i)\n-9223372036854775808\n",
    );
}

#[test]
fn args_reach_the_program() {
    check("args", 0, "prog\narg1\nünï\n");
}

#[test]
fn main_goroutine_recurses_deeply() {
    check("deep", 0, "deep 500000\n");
}

#[test]
fn panic_values() {
    check_panic("panic_string", "boom");
    check_panic("panic_int", "5");
    check_panic("panic_int8", "-7");
    check_panic("panic_uint8", "200");
    check_panic("panic_float64", "+1.500000e+000");
    check_panic("panic_float32", "+1.000000e-001");
    check_panic("panic_bool", "true");
    check_panic("panic_complex", "(+1.000000e+000+2.000000e+000i)");
    check_panic("panic_complex64", "(+1.000000e+000+2.000000e+000i)");
    check_panic("panic_nil_value", "nil");
}

#[test]
fn bounds_errors() {
    let re = "runtime error: ";
    check_panic(
        "index",
        &format!("{re}index out of range [5] with length 3"),
    );
    check_panic("index_neg", &format!("{re}index out of range [-1]"));
    check_panic(
        "slice_acap",
        &format!("{re}slice bounds out of range [:5] with capacity 3"),
    );
    check_panic(
        "slice_alen",
        &format!("{re}slice bounds out of range [:4] with length 2"),
    );
    check_panic("slice_b", &format!("{re}slice bounds out of range [3:1]"));
    check_panic(
        "slice3",
        &format!("{re}slice bounds out of range [::9] with capacity 4"),
    );
    check_panic(
        "index_unsigned",
        &format!("{re}index out of range [18446744073709551615] with length 3"),
    );
    check_panic(
        "convert",
        &format!("{re}cannot convert slice with length 2 to pointer to array with length 4"),
    );
}

#[test]
fn arithmetic_and_nil_errors() {
    check_panic("divide", "runtime error: integer divide by zero");
    check_panic("shift", "runtime error: negative shift amount");
    check_panic(
        "nil_explicit",
        "runtime error: invalid memory address or nil pointer dereference",
    );
}

#[test]
fn nil_dereference_fault_becomes_a_panic() {
    check(
        "nil_fault",
        2,
        &format!(
            "panic: runtime error: invalid memory address or nil pointer dereference\n\
             [signal SIGSEGV: segmentation violation code=0x1 addr=0x8 pc={{hex}}]\n{TRAILER}"
        ),
    );
}

#[test]
fn hardware_divide_fault_becomes_a_panic() {
    check(
        "fpe",
        2,
        &format!("panic: runtime error: integer divide by zero\n{TRAILER}"),
    );
}

#[test]
fn fault_at_a_wild_address() {
    check(
        "unexpected_fault",
        2,
        &format!(
            "unexpected fault address 0xdead0000\nfatal error: fault\n\
             [signal SIGSEGV: segmentation violation code=0x1 addr=0xdead0000 pc={{hex}}]\n{TRAILER}"
        ),
    );
}

#[test]
fn unexpected_illegal_instruction() {
    check(
        "ud2",
        2,
        &format!(
            "SIGILL: illegal instruction\nPC={{hex}} m=0 sigcode=2\n\
             instruction bytes: 0xf 0xb{{line}}\n{TRAILER}"
        ),
    );
}

const OVERFLOW: &str = "runtime: goroutine stack exceeds 1000000000-byte limit\n\
    runtime: sp={hex} stack=[{hex}, {hex}]\nfatal error: stack overflow\n";

#[test]
fn stack_overflow_from_prologue_check() {
    check("overflow_check", 2, &format!("{OVERFLOW}{TRAILER}"));
}

#[test]
fn stack_overflow_into_guard_page() {
    check("overflow_guard", 2, &format!("{OVERFLOW}{TRAILER}"));
}

#[test]
fn fatal_error() {
    check(
        "throw",
        2,
        &format!("fatal error: all goroutines are asleep - deadlock!\n{TRAILER}"),
    );
}

#[test]
fn fault_inside_the_runtime() {
    check(
        "runtime_fault",
        2,
        &format!(
            "fatal error: unexpected signal during runtime execution\n\
             [signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc={{hex}}]\n{TRAILER}"
        ),
    );
}

#[test]
fn traps_identified_by_the_code_generator() {
    check_panic("trap_divide", "runtime error: integer divide by zero");
    check(
        "trap_nil",
        2,
        &format!(
            "panic: runtime error: invalid memory address or nil pointer dereference\n\
             [signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc={{hex}}]\n{TRAILER}"
        ),
    );
}
