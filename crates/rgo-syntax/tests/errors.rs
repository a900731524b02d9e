//! Error messages and positions, checked against gc 1.19 (`go tool compile -e`): for each
//! input, the lines gc prints that come from its syntax package (type errors omitted).

use rgo_syntax::{format_error, parse_file, SourceFile};

fn errors(src: &str) -> Vec<String> {
    let f = SourceFile::new("x.go", src);
    parse_file(&f, 0)
        .errors
        .iter()
        .map(|e| format_error(&f, e))
        .collect()
}

#[track_caller]
fn check(src: &str, want: &[&str]) {
    assert_eq!(errors(src), want, "source:\n{src}");
}

#[test]
fn missing_comma_in_call() {
    check(
        "package p\n\nfunc f() {\n\tx := foo(1, 2\n}\n",
        &[
        "x.go:4:15: syntax error: unexpected newline in argument list; possibly missing comma or )"
        ],
    );
}

#[test]
fn define_as_if_condition() {
    check(
        "package p\n\nfunc f() {\n\tif x := 1 {\n\t}\n}\n",
        &["x.go:4:7: syntax error: cannot use x := 1 as value"],
    );
}

#[test]
fn brace_on_next_line() {
    check(
        "package p\n\nfunc f()\n{\n}\n",
        &["x.go:4:1: syntax error: unexpected semicolon or newline before {"],
    );
}

#[test]
fn statement_outside_function() {
    check(
        "package p\n\nx := 1\n",
        &["x.go:3:1: syntax error: non-declaration statement outside function body"],
    );
}

#[test]
fn define_in_for_post() {
    check(
        "package p\n\nfunc f() {\n\tfor i := 0; i < 10; i := i + 1 {\n\t}\n}\n",
        &["x.go:4:24: syntax error: cannot declare in post statement of for loop"],
    );
}

#[test]
fn go_defer_forms() {
    check(
        "package p\n\nfunc f() {\n\tgo func() {}\n\tdefer (g())\n}\n",
        &[
            "x.go:4:5: expression in go must be function call",
            "x.go:5:8: expression in defer must not be parenthesized",
        ],
    );
}

#[test]
fn comma_in_struct() {
    check(
        "package p\n\ntype T struct {\n\ta int,\n\tb string\n}\n",
        &[
        "x.go:4:7: syntax error: unexpected comma in struct type; possibly missing semicolon or newline or }"
        ],
    );
}

#[test]
fn newline_in_composite_literal() {
    check(
        "package p\n\nfunc f() {\n\tvar x = []int{1, 2, 3\n\t}\n}\n",
        &[
        "x.go:4:23: syntax error: unexpected newline in composite literal; possibly missing comma or }"
        ],
    );
}

#[test]
fn receivers() {
    check(
        "package p\n\nfunc (a, b T) m() {}\nfunc () n() {}\n",
        &[
            "x.go:3:15: method has multiple receivers",
            "x.go:4:9: method has no receiver",
        ],
    );
}

#[test]
fn parameter_lists() {
    check(
        "package p\n\nfunc f[T](x T) {}\nfunc g(a int, string) {}\n",
        &[
            "x.go:3:9: syntax error: missing type constraint",
            "x.go:4:15: syntax error: mixed named and unnamed parameters",
        ],
    );
}

#[test]
fn branches() {
    check(
        "package p\n\nfunc f() {\n\tswitch x {\n\tcase 1:\n\t\tfallthrough\n\t}\n\tbreak\n\tfor {\n\t\tcontinue L\n\t}\n}\n",
        &[
        "x.go:6:3: cannot fallthrough final case in switch",
        "x.go:8:2: break is not in a loop, switch, or select",
        "x.go:10:12: continue label not defined: L"
        ],
    );
}

#[test]
fn else_for() {
    check(
        "package p\n\nfunc f() {\n\tif x {\n\t} else for {\n\t}\n}\n",
        &["x.go:5:9: syntax error: else must be followed by if or statement block"],
    );
}

#[test]
fn import_path_and_slice() {
    check(
        "package p\n\nimport 42\n\nvar x = s[1:2:]\n",
        &[
            "x.go:3:10: syntax error: import path must be a string",
            "x.go:5:15: final index required in 3-index slice",
        ],
    );
}

#[test]
fn generic_interface_method() {
    check(
        "package p\n\ntype I interface {\n\tm[T any]()\n}\n\nvar c = <-chan<- int(nil)\n",
        &["x.go:4:3: interface method must have no type parameters"],
    );
}

#[test]
fn label_and_var() {
    check(
        "package p\n\nfunc f() {\n\tL:\n}\n\nfunc g() {\n\tx.y := 1\n\tvar a, b\n}\n",
        &[
            "x.go:4:2: label L defined and not used",
            "x.go:9:10: syntax error: unexpected newline, expecting type",
        ],
    );
}

#[test]
fn unfinished_expression() {
    check(
        "package p\n\nvar x = 1 +\n\nfunc f() {\n\ta[] = 1\n}\n",
        &[
            "x.go:5:6: syntax error: unexpected f, expecting (",
            "x.go:6:4: syntax error: unexpected ] after top level declaration",
        ],
    );
}

#[test]
fn select_case_and_if_header() {
    check(
        "package p\n\nfunc f() {\n\tselect {\n\tcase x++:\n\t}\n\tif x := 1; {\n\t}\n}\n",
        &["x.go:7:11: syntax error: missing condition in if statement"],
    );
}

#[test]
fn unterminated_string() {
    check(
        "package p; var s = \"abc",
        &["x.go:1:20: string not terminated"],
    );
}

#[test]
fn array_or_type_parameters() {
    check(
        "package p\n\ntype A[N] int\ntype B[P *T] struct{}\ntype C[P *T,] struct{}\ntype D[T interface{}|int] int\n",
        &[

        ],
    );
}

#[test]
fn missing_comma_in_map_literal() {
    check(
        "package p\n\nfunc f() {\n\tvar x = map[string]int{\"a\": 1 \"b\": 2}\n}\n",
        &[
        "x.go:4:32: syntax error: unexpected literal \"b\" in composite literal; possibly missing comma or }"
        ],
    );
}
