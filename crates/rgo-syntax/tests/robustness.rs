//! Cheap, deterministic stand-in for the fuzzer (fuzz/) in ordinary test runs: every prefix
//! of a program using most of the grammar, and pseudo-random byte mutations of it, must
//! parse without panicking and with errors inside the file.

use rgo_syntax::{format_error, parse_file, SourceFile};

const PROGRAM: &str = r#"//go:build linux

package p

import (
	"fmt"
	m "math"
)

//go:noinline
func Map[K comparable, V any, R ~[]V | []int](m map[K]V, f func(V) R) (out []R) {
	for k, v := range m {
		out = append(out, f(v))
		_ = k
	}
	return
}

type List[T any] struct {
	next *List[T] `json:"next"`
	val  T
	fmt.Stringer
}

type A [N]int

func (l *List[T]) Len() (n int) {
L:
	for p := l; p != nil; p = p.next {
		switch x := any(p.val).(type) {
		case int, string:
			n += 0x1p-2 + 'a' + 1_000i
		case nil:
			break L
		default:
			_ = x
			continue
		}
		select {
		case v, ok := <-make(chan int):
			_, _ = v, ok
		case ch <- 1:
		default:
		}
		if s := []int{1, 2}[1:2:2]; len(s) > 0 && !false {
			goto L
		} else if x := (T{}); x == x {
			defer func() { recover() }()
			go fmt.Println(`raw
string`, "s\n\x41\u00e9", m.Pi...)
		}
	}
	var c <-chan chan<- struct{ a, b int }
	const (
		a = iota
		b
	)
	return
}
"#;

fn check(src: &str) {
    let f = SourceFile::new("x.go", src);
    let r = parse_file(&f, 0);
    for e in &r.errors {
        assert!(e.pos.0 as usize <= src.len(), "{e:?} outside {src:?}");
        let _ = format_error(&f, e);
    }
}

#[test]
fn program_parses() {
    let f = SourceFile::new("x.go", PROGRAM);
    let r = parse_file(&f, 0);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
}

#[test]
fn every_prefix() {
    let mut end = 0;
    while end <= PROGRAM.len() {
        check(&PROGRAM[..end]);
        end += 1;
        while !PROGRAM.is_char_boundary(end) && end < PROGRAM.len() {
            end += 1;
        }
    }
}

#[test]
fn random_mutations() {
    const PIECES: &[&str] = &[
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        ",",
        ";",
        "\n",
        ".",
        "...",
        "<-",
        ":=",
        "=",
        "*",
        "~",
        "|",
        "func",
        "type",
        "if",
        "for",
        "case",
        "chan",
        "interface",
        "`",
        "\"",
        "'",
        "/*",
        "//",
        "0x",
        "_",
        "\\",
        "\u{0}",
        "\u{feff}",
        "é",
        "range",
        "else",
        "go",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut rand = move |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n.max(1)
    };
    for _ in 0..3000 {
        let mut s = PROGRAM.to_string();
        for _ in 0..1 + rand(4) {
            let mut at = rand(s.len());
            while !s.is_char_boundary(at) {
                at -= 1;
            }
            match rand(3) {
                0 => s.insert_str(at, PIECES[rand(PIECES.len())]),
                1 => {
                    let mut to = (at + 1 + rand(8)).min(s.len());
                    while !s.is_char_boundary(to) {
                        to += 1;
                    }
                    s.replace_range(at..to, "");
                }
                _ => {
                    let mut to = (at + 1 + rand(40)).min(s.len());
                    while !s.is_char_boundary(to) {
                        to += 1;
                    }
                    let piece = s[at..to].to_string();
                    let mut dst = rand(s.len());
                    while !s.is_char_boundary(dst) {
                        dst -= 1;
                    }
                    s.insert_str(dst, &piece);
                }
            }
        }
        check(&s);
    }
}
