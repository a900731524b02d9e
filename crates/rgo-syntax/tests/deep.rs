//! Pathological nesting must produce errors, never a stack overflow — also when the caller
//! runs on a small stack (2 MiB, a spawned thread's default) and drops the tree there.

use rgo_syntax::{parse_file, SourceFile};

const N_OK: usize = 2_000;

fn parse_on_small_stack(src: String) -> Vec<String> {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let f = SourceFile::new("x.go", src);
            let r = parse_file(&f, 0);
            r.errors.iter().map(|e| e.msg.clone()).collect()
        })
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn deep_nesting() {
    let forms = [
        ("(", ")"),
        ("[]", ""),
        ("*", ""),
        ("- ", ""),
        ("<-", ""),
        ("func() {", "}"),
        ("S{", "}"),
        ("[]T{{", "}}"),
        ("map[int]", ""),
        ("struct{ f ", " }"),
    ];
    for n in [900, 100_000] {
        for (open, close) in forms {
            let body = format!("{}x{}", open.repeat(n), close.repeat(n));
            let src = format!("package p\nfunc f() {{ _ = {body} }}\n");
            let errs = parse_on_small_stack(src);
            if n < 1000 && !open.contains('{') {
                assert!(errs.is_empty(), "{open}: {errs:?}");
            } else if n > 1000 {
                assert!(
                    errs.iter().any(|e| e.contains("too deep")),
                    "{open}: {errs:?}"
                );
            }
        }
    }
    let blocks = format!(
        "package p\nfunc f() {{ {}{} }}\n",
        "{".repeat(50_000),
        "}".repeat(50_000)
    );
    assert!(parse_on_small_stack(blocks)
        .iter()
        .any(|e| e.contains("too deep")));
}

#[test]
fn long_chains() {
    let sum = format!("package p\nvar x = 1{}\n", " + 1".repeat(N_OK));
    assert!(parse_on_small_stack(sum).is_empty());
    let sum = format!("package p\nvar x = 1{}\n", " + 1".repeat(200_000));
    assert_eq!(
        parse_on_small_stack(sum),
        ["syntax error: expression too long"]
    );
    let chain = format!(
        "package p\nfunc f() {{ if x {{}}{} }}\n",
        " else if x {}".repeat(N_OK)
    );
    assert!(parse_on_small_stack(chain).is_empty());
    let chain = format!(
        "package p\nfunc f() {{ if x {{}}{} }}\n",
        " else if x {}".repeat(6_000)
    );
    assert_eq!(
        parse_on_small_stack(chain),
        ["syntax error: else-if chain too long"]
    );
}
