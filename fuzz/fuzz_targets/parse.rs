//! Feeds arbitrary bytes to the parser: it must never panic, overflow its stack or hang,
//! and every error must point into the file.

#![no_main]

use libfuzzer_sys::fuzz_target;
use rgo_syntax::{format_error, parse_file, SourceFile};

fuzz_target!(|data: &[u8]| {
    let src = SourceFile::from_bytes("fuzz.go", data);
    let r = parse_file(&src, 0);
    for e in &r.errors {
        assert!(
            e.pos.0 as usize <= src.src.len(),
            "error outside the file: {e:?}"
        );
        let _ = format_error(&src, e);
    }
});
