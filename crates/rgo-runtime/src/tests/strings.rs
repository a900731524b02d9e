//! String routines, through their entry points.

use crate::string::{
    decode_rune, encode_rune, rgo_cmpstring, rgo_concatstrings, rgo_decoderune, rgo_intstring,
    rgo_slicebytetostring, rgo_stringtoslicebyte, GoSlice, GoString, RUNE_ERROR,
};

fn gs(s: &str) -> GoString {
    GoString {
        ptr: s.as_ptr(),
        len: s.len() as i64,
    }
}

fn bytes(s: GoString) -> Vec<u8> {
    // SAFETY: strings produced by the runtime or borrowed from live &str.
    unsafe { s.as_bytes().to_vec() }
}

fn concat(parts: &[GoString]) -> GoString {
    let mut out = GoString::EMPTY;
    // SAFETY: valid out pointer and parts.
    unsafe {
        rgo_concatstrings(
            core::ptr::null_mut(),
            &mut out,
            parts.as_ptr(),
            parts.len() as i64,
        )
    };
    out
}

#[test]
fn concat_strings() {
    assert_eq!(bytes(concat(&[gs("ab"), gs(""), gs("cde")])), b"abcde");
    assert_eq!(bytes(concat(&[gs("x"), gs("y"), gs("z")])), b"xyz");
    assert_eq!(concat(&[]).len, 0);
    assert_eq!(concat(&[gs(""), gs("")]).len, 0);
    // A single non-empty operand is returned as is, without copying.
    let only = "only";
    let r = concat(&[gs(""), gs(only), gs("")]);
    assert_eq!(r.ptr, only.as_ptr());
    assert_eq!(r.len, 4);
    // Results are fresh memory, not aliasing the operands.
    let a = "hello, ";
    let r = concat(&[gs(a), gs("world")]);
    assert_ne!(r.ptr, a.as_ptr());
    assert_eq!(bytes(r), b"hello, world");
    // Many parts.
    let parts: Vec<String> = (0..100).map(|i| i.to_string()).collect();
    let gparts: Vec<GoString> = parts.iter().map(|s| gs(s)).collect();
    assert_eq!(bytes(concat(&gparts)), parts.concat().as_bytes());
}

#[test]
fn compare_strings() {
    let cmp = |a: &str, b: &str| {
        // SAFETY: valid strings.
        unsafe { rgo_cmpstring(a.as_ptr(), a.len() as i64, b.as_ptr(), b.len() as i64) }
    };
    assert_eq!(cmp("", ""), 0);
    assert_eq!(cmp("a", "a"), 0);
    assert_eq!(cmp("a", "b"), -1);
    assert_eq!(cmp("b", "a"), 1);
    assert_eq!(cmp("ab", "abc"), -1);
    assert_eq!(cmp("abc", "ab"), 1);
    assert_eq!(cmp("", "a"), -1);
    assert_eq!(cmp("\u{ff}", "a"), 1); // bytewise, unsigned
                                       // SAFETY: null pointers with zero length are valid empty strings.
    assert_eq!(
        unsafe { rgo_cmpstring(core::ptr::null(), 0, core::ptr::null(), 0) },
        0
    );
}

fn intstring(r: i64) -> Vec<u8> {
    let mut out = GoString::EMPTY;
    // SAFETY: valid out pointer.
    unsafe { rgo_intstring(core::ptr::null_mut(), &mut out, r) };
    bytes(out)
}

#[test]
fn int_to_string() {
    assert_eq!(intstring(65), b"A");
    assert_eq!(intstring(0), b"\0");
    assert_eq!(intstring(0xE9), "é".as_bytes());
    assert_eq!(intstring(0x20AC), "€".as_bytes());
    assert_eq!(intstring(0x1F600), "😀".as_bytes());
    assert_eq!(intstring(0x10FFFF), "\u{10FFFF}".as_bytes());
    for bad in [
        -1,
        0xD800,
        0xDFFF,
        0x110000,
        0x1_0000_0041,
        i64::MIN,
        i64::MAX,
    ] {
        assert_eq!(intstring(bad), "\u{FFFD}".as_bytes(), "string({bad:#x})");
    }
}

#[test]
fn encode_matches_std_for_every_scalar() {
    let mut buf = [0u8; 4];
    for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
        let n = encode_rune(&mut buf, c as i64);
        let mut want = [0u8; 4];
        assert_eq!(&buf[..n], c.encode_utf8(&mut want).as_bytes());
        assert_eq!(decode_rune(&buf[..n]), (c as u32, n));
    }
}

#[test]
fn decode_invalid_sequences() {
    let cases: &[&[u8]] = &[
        &[0x80],
        &[0xBF],
        &[0xC0, 0x80],             // overlong
        &[0xC1, 0xBF],             // overlong
        &[0xE0, 0x80, 0x80],       // overlong
        &[0xED, 0xA0, 0x80],       // surrogate
        &[0xF0, 0x80, 0x80, 0x80], // overlong
        &[0xF4, 0x90, 0x80, 0x80], // above U+10FFFF
        &[0xF5, 0x80, 0x80, 0x80],
        &[0xFF],
        &[0xE2, 0x82],       // truncated
        &[0xF0, 0x9F, 0x98], // truncated
        &[0xC3],             // truncated
        &[0xE2, 0x28, 0xA1], // bad continuation
    ];
    for c in cases {
        assert_eq!(decode_rune(c), (RUNE_ERROR, 1), "{c:x?}");
    }
}

#[test]
fn decode_agrees_with_std_on_random_bytes() {
    // A decoder oracle from std: the shortest valid prefix is the rune; none means error.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..200_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let mut b = x.to_le_bytes();
        // Bias towards multi-byte lead bytes.
        b[0] |= 0x80;
        let s = &b[..4];
        let want = (1..=4)
            .find_map(|k| {
                std::str::from_utf8(&s[..k])
                    .ok()
                    .map(|t| (t.chars().next().unwrap() as u32, k))
            })
            .unwrap_or((RUNE_ERROR, 1));
        assert_eq!(decode_rune(s), want, "{s:x?}");
    }
}

#[test]
fn decoderune_entry() {
    let s = "a€😀";
    let dec = |pos: i64| {
        // SAFETY: valid string.
        let v = unsafe { rgo_decoderune(s.as_ptr(), s.len() as i64, pos) };
        ((v & 0xFFFF_FFFF) as u32, v >> 32)
    };
    assert_eq!(dec(0), ('a' as u32, 1));
    assert_eq!(dec(1), ('€' as u32, 3));
    assert_eq!(dec(2), (RUNE_ERROR, 1)); // middle of '€'
    assert_eq!(dec(4), ('😀' as u32, 4));
    assert_eq!(dec(8), (RUNE_ERROR, 1)); // past the end
}

#[test]
fn bytes_string_conversions() {
    let data = b"hello, world";
    let mut s = GoString::EMPTY;
    // SAFETY: valid pointers.
    unsafe { rgo_slicebytetostring(core::ptr::null_mut(), &mut s, data.as_ptr(), 12) };
    assert_eq!(bytes(s), data);
    assert_ne!(s.ptr, data.as_ptr());

    let mut one = GoString::EMPTY;
    // SAFETY: valid pointers.
    unsafe { rgo_slicebytetostring(core::ptr::null_mut(), &mut one, b"Z".as_ptr(), 1) };
    assert_eq!(bytes(one), b"Z");

    let mut empty = GoString {
        ptr: std::ptr::dangling::<u8>(),
        len: 5,
    };
    // SAFETY: a zero-length source is never read.
    unsafe { rgo_slicebytetostring(core::ptr::null_mut(), &mut empty, core::ptr::null(), 0) };
    assert_eq!(empty.len, 0);

    let mut sl = GoSlice {
        ptr: core::ptr::null_mut(),
        len: 0,
        cap: 0,
    };
    // SAFETY: valid pointers.
    unsafe { rgo_stringtoslicebyte(core::ptr::null_mut(), &mut sl, data.as_ptr(), 12) };
    assert_eq!((sl.len, sl.cap), (12, 12));
    // SAFETY: the runtime returned 12 writable bytes.
    let v = unsafe { core::slice::from_raw_parts_mut(sl.ptr, 12) };
    assert_eq!(v, data);
    v[0] = b'J';
    assert_eq!(data[0], b'h');

    // []byte("") is empty but not nil.
    // SAFETY: valid pointers.
    unsafe { rgo_stringtoslicebyte(core::ptr::null_mut(), &mut sl, core::ptr::null(), 0) };
    assert_eq!((sl.len, sl.cap), (0, 0));
    assert!(!sl.ptr.is_null());
}
