//! The program's function table and stack walks (Go's symtab.go, traceback.go): what
//! `runtime.Callers`, `runtime.FuncForPC` and `runtime.Caller` need.
//!
//! At start-up `rgo.main` registers the table codegen emitted (`rgo_abi::entry::
//! REGISTER_FUNCTAB`): one entry per named Go function with its code address, size and
//! name. Lookups binary-search a sorted copy. A stack walk follows the frame-pointer
//! chain (every frame keeps one: Cranelift's `preserve_frame_pointers`, and Rust frames
//! through `.cargo/config.toml`) from the caller's frame up to the goroutine's stack top,
//! keeping the return addresses that fall inside Go functions; runtime frames, `go` and
//! `defer` thunks in between are skipped.
//!
//! Each entry also carries the function's file and line table (see codegen's
//! `func/pcln.rs`): lines are those of statements, calls and closing braces. Not kept:
//! column information and inlining (rgo does not inline).

use std::sync::RwLock;

use crate::g::G;

/// One entry of the table codegen emits.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct FuncTabEntry {
    pub entry: usize,
    pub size: u32,
    pub nlines: u32,
    pub name: *const u8,
    pub name_len: usize,
    pub file: *const u8,
    pub file_len: usize,
    /// `nlines` pairs `{code offset, line}`, sorted by offset.
    pub lines: *const [u32; 2],
    /// Bit 0: the function takes arguments.
    pub flags: u32,
    _pad: u32,
}

const _: () = assert!(core::mem::size_of::<FuncTabEntry>() == 64);

// SAFETY: entries point at immutable code and static name bytes.
unsafe impl Send for FuncTabEntry {}
unsafe impl Sync for FuncTabEntry {}

static FUNCTAB: RwLock<Vec<FuncTabEntry>> = RwLock::new(Vec::new());

/// Registers the program's function table.
///
/// # Safety
/// `table` points at `n` entries as described in rgo_abi::entry::REGISTER_FUNCTAB, whose
/// code and names stay mapped for the life of the process.
#[no_mangle]
pub unsafe extern "C" fn rgo_register_functab(_g: *mut G, table: *const FuncTabEntry, n: i64) {
    // SAFETY: per the contract.
    let entries = unsafe { core::slice::from_raw_parts(table, n.max(0) as usize) };
    let mut t = FUNCTAB.write().unwrap_or_else(|e| e.into_inner());
    t.extend_from_slice(entries);
    t.sort_by_key(|e| e.entry);
}

/// The table entry of the function whose code contains `pc`. Never blocks (a fatal
/// report may look functions up): `None` while the table is being registered.
fn find_entry(pc: usize) -> Option<FuncTabEntry> {
    let t = FUNCTAB.try_read().ok()?;
    let i = t.partition_point(|e| e.entry <= pc);
    let e = t.get(i.checked_sub(1)?)?;
    if pc >= e.entry + e.size as usize {
        return None;
    }
    Some(*e)
}

/// The function whose code contains `pc`: its entry address and name.
pub fn find_func(pc: usize) -> Option<(usize, &'static [u8])> {
    let e = find_entry(pc)?;
    // SAFETY: names are static bytes of the registered table.
    let name = unsafe { core::slice::from_raw_parts(e.name, e.name_len) };
    Some((e.entry, name))
}

/// Whether the function containing `pc` takes arguments.
pub fn takes_args(pc: usize) -> bool {
    find_entry(pc).is_some_and(|e| e.flags & 1 != 0)
}

/// The file and line of the code at `pc` (a return address minus one, or an address
/// inside a function), if the function has a line table.
pub fn file_line(pc: usize) -> Option<(&'static [u8], u32)> {
    let e = find_entry(pc)?;
    if e.nlines == 0 || e.lines.is_null() {
        return None;
    }
    // SAFETY: the registered table's line pairs and file name are static.
    let (lines, file) = unsafe {
        (
            core::slice::from_raw_parts(e.lines, e.nlines as usize),
            core::slice::from_raw_parts(e.file, e.file_len),
        )
    };
    let off = (pc - e.entry) as u32;
    let j = lines.partition_point(|l| l[0] <= off);
    let line = lines[j.saturating_sub(1)][1];
    Some((file, line))
}

/// Calls `f` with the return address of each Go frame above the frame whose frame
/// pointer is `fp`, innermost first, until it returns false. Allocates nothing.
///
/// # Safety
/// `g` is null or a valid G; `fp` is a frame pointer on `g`'s stack, in a chain that ends
/// inside it.
pub unsafe fn for_each_frame(g: *mut G, fp: usize, mut f: impl FnMut(usize) -> bool) {
    if g.is_null() {
        return;
    }
    // SAFETY: g is valid by contract.
    let (lo, hi) = unsafe { ((*g).stack.lo, (*g).stack.hi) };
    let mut fp = fp;
    while fp >= lo && fp + 16 <= hi && fp.is_multiple_of(8) {
        // SAFETY: fp is a frame record inside the stack: [fp] = caller's fp, [fp+8] =
        // return address.
        let (next, ret) = unsafe { (*(fp as *const usize), *((fp + 8) as *const usize)) };
        if find_entry(ret.wrapping_sub(1)).is_some() && !f(ret) {
            return;
        }
        if next <= fp {
            break;
        }
        fp = next;
    }
}

/// Return addresses of the Go frames above the frame whose frame pointer is `fp`,
/// innermost first, after skipping `skip` of them; at most `max`.
///
/// # Safety
/// As for [`for_each_frame`].
pub unsafe fn callers(g: *mut G, fp: usize, skip: usize, max: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut skip = skip;
    // SAFETY: forwarded contract.
    unsafe {
        for_each_frame(g, fp, |ret| {
            if skip > 0 {
                skip -= 1;
            } else {
                out.push(ret);
            }
            out.len() < max
        })
    };
    out
}

/// Prints the Go frames above `fp` as gc's traceback does: per frame `pkg.f(...)` (or
/// `pkg.f()` without arguments; rgo cannot show their values) and a tab, `file:line
/// +0xOFF`. Allocates nothing (fatal reports use it); at most 100 frames.
///
/// # Safety
/// As for [`for_each_frame`].
pub unsafe fn print_traceback(g: *mut G, fp: usize) {
    use crate::print::{print_bytes, print_hex, print_int, print_str};
    let mut n = 0;
    let frame = |ret: usize| {
        let pc = ret - 1;
        if let Some(e) = find_entry(pc) {
            // SAFETY: names and files are static bytes of the registered table.
            let (name, file) = unsafe {
                (
                    core::slice::from_raw_parts(e.name, e.name_len),
                    core::slice::from_raw_parts(e.file, e.file_len),
                )
            };
            print_bytes(name);
            print_str(if e.flags & 1 != 0 {
                "(...)\n\t"
            } else {
                "()\n\t"
            });
            match file_line(pc) {
                Some((_, line)) => {
                    print_bytes(file);
                    print_str(":");
                    print_int(line as i64);
                }
                None => print_str("?:0"),
            }
            print_str(" +");
            print_hex((ret - e.entry) as u64);
            print_str("\n");
        }
        n += 1;
        n < 100
    };
    // SAFETY: forwarded contract.
    unsafe { for_each_frame(g, fp, frame) };
}

/// The current frame pointer (of the caller of this inlined helper).
#[inline(always)]
pub fn frame_pointer() -> usize {
    let fp: usize;
    // SAFETY: reads a register.
    unsafe { core::arch::asm!("mov {}, rbp", out(reg) fp, options(nomem, nostack)) };
    fp
}

/// Prints gc's `created by pkg.f` line and its `file:line +0xOFF` for a goroutine made by
/// a `go` statement (nothing for the main goroutine). Allocates nothing.
///
/// # Safety
/// `g` is a valid G.
pub unsafe fn print_created_by(g: *mut G) {
    use crate::print::{print_bytes, print_hex, print_int, print_str};
    // SAFETY: by contract.
    let gopc = unsafe { (*g).gopc };
    let Some(e) = find_entry(gopc.wrapping_sub(1)) else {
        return;
    };
    // SAFETY: names and files are static bytes of the registered table.
    let (name, file) = unsafe {
        (
            core::slice::from_raw_parts(e.name, e.name_len),
            core::slice::from_raw_parts(e.file, e.file_len),
        )
    };
    print_str("created by ");
    print_bytes(name);
    print_str("\n\t");
    match file_line(gopc - 1) {
        Some((_, line)) => {
            print_bytes(file);
            print_str(":");
            print_int(line as i64);
        }
        None => print_str("?:0"),
    }
    print_str(" +");
    print_hex((gopc - e.entry) as u64);
    print_str("\n");
}
