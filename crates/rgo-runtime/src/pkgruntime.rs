//! The entry points behind the body-less Go functions of packages runtime and
//! runtime/debug (rgo's `lib/runtime`),
//! named by rgo-abi's native rule (`runtime.Gosched` → `rgo_runtime_Gosched`) and taking
//! their arguments as that rule lays them out: `g` first, an out buffer for results other
//! than one single-part value, then the parameters' parts.
//!
//! Most forward to the mechanism's own module (scheduler, collector, symbol table). One
//! is an honest placeholder: `GC` before the scheduler has wired the collector in
//! (without its hooks a collection could not see other goroutines' stacks, so it does
//! nothing).

use crate::g::{getg, G};
use crate::panic::{Panic, PanicValue};
use crate::string::GoString;

/// # Safety
/// `g` is the running goroutine.
#[no_mangle]
pub unsafe extern "C" fn rgo_runtime_Gosched(g: *mut G) {
    // SAFETY: forwarded contract.
    unsafe { crate::proc::rgo_gosched(g) }
}

/// # Safety
/// `g` is the running goroutine.
#[no_mangle]
pub unsafe extern "C" fn rgo_runtime_GOMAXPROCS(g: *mut G, n: i64) -> i64 {
    // SAFETY: forwarded contract.
    unsafe { crate::proc::rgo_gomaxprocs(g, n) }
}

#[no_mangle]
pub extern "C" fn rgo_runtime_NumGoroutine(g: *mut G) -> i64 {
    crate::proc::rgo_numgoroutine(g)
}

#[no_mangle]
pub extern "C" fn rgo_runtime_NumCPU(g: *mut G) -> i64 {
    crate::proc::rgo_numcpu(g)
}

/// runtime.Goexit: runs every pending deferred call of the goroutine (as a panic would,
/// but `recover` returns nil in them), then ends it.
///
/// # Safety
/// `g` is the running goroutine.
#[no_mangle]
pub unsafe extern "C" fn rgo_runtime_Goexit(g: *mut G) {
    let g = if g.is_null() { getg() } else { g };
    let mut p = Panic {
        arg: PanicValue::Nil,
        link: core::ptr::null_mut(),
        recovered: false,
        aborted: false,
        goexit: true,
        thunk_fp: 0,
        printing: false,
    };
    // SAFETY: g is the running goroutine; its panic chain is only touched by itself, and
    // `p` outlives the deferred calls (goexit1 does not return).
    unsafe {
        p.link = (*g).panic;
        (*g).panic = &mut p;
        crate::defer::run_for_panic(g, &mut p);
        (*g).panic = p.link;
    }
    crate::proc::goexit1()
}

/// # Safety
/// `g` is the running goroutine.
#[no_mangle]
pub unsafe extern "C" fn rgo_runtime_LockOSThread(g: *mut G) {
    // SAFETY: forwarded contract.
    unsafe { crate::proc::rgo_lockosthread(g) }
}

/// # Safety
/// `g` is the running goroutine.
#[no_mangle]
pub unsafe extern "C" fn rgo_runtime_UnlockOSThread(g: *mut G) {
    // SAFETY: forwarded contract.
    unsafe { crate::proc::rgo_unlockosthread(g) }
}

/// runtime.KeepAlive: the call itself is what keeps `x` alive (an opaque call the
/// compiler cannot remove, with `x` in its arguments).
#[no_mangle]
pub extern "C" fn rgo_runtime_KeepAlive(_g: *mut G, typ: *const u8, data: *const u8) {
    core::hint::black_box((typ, data));
}

/// runtime.GC: a full collection once the scheduler has wired the collector in (see the
/// module header); until then a no-op.
#[no_mangle]
pub extern "C" fn rgo_runtime_GC(g: *mut G) {
    if crate::mem::world::hooks_installed() {
        crate::mem::rgo_gc(g);
        // Let the finalizers this collection queued run before returning (gc's caller
        // parks while the collection runs, which gives the finalizer goroutine its turn).
        if crate::mem::mfinal::have_queued() {
            crate::proc::gosched();
        }
    }
}

/// runtime.ReadMemStats.
///
/// # Safety
/// `m` points at a `runtime.MemStats` (rgo_abi::mem::memstats layout).
#[no_mangle]
pub unsafe extern "C" fn rgo_runtime_ReadMemStats(g: *mut G, m: *mut u8) {
    if m.is_null() {
        // SAFETY: g is the running goroutine.
        unsafe { crate::panic::panic_error(g, crate::panic::RuntimeError::NilDeref) }
    }
    // SAFETY: forwarded contract.
    unsafe { crate::mem::rgo_readmemstats(g, m) }
}

/// runtime.Breakpoint: a breakpoint trap (SIGTRAP).
#[no_mangle]
pub extern "C" fn rgo_runtime_Breakpoint(_g: *mut G) {
    // SAFETY: int3 only raises SIGTRAP.
    unsafe { core::arch::asm!("int3") };
}

/// runtime.SetFinalizer reached through its Go function (a func value of SetFinalizer):
/// without the call site's thunk (direct calls use `rgo_setfinalizer`, see mem/mfinal.rs).
///
/// # Safety
/// `g` is the running goroutine; the arguments are two interface values.
#[no_mangle]
pub unsafe extern "C" fn rgo_runtime_SetFinalizer(
    g: *mut G,
    obj_typ: *const u8,
    obj: *const u8,
    fin_typ: *const u8,
    fin: *const u8,
) {
    // SAFETY: by contract.
    unsafe {
        crate::mem::mfinal::set_finalizer(
            g,
            obj_typ.cast(),
            obj as usize,
            fin_typ.cast(),
            fin as usize,
            0,
        )
    }
}

/// `gogetenv(key string) string`: writes the variable's value (or "") to `out`.
///
/// # Safety
/// `out` has room for a string; `key` is a Go string.
#[no_mangle]
pub unsafe extern "C" fn rgo_runtime_gogetenv(
    _g: *mut G,
    out: *mut GoString,
    key: *const u8,
    len: i64,
) {
    // SAFETY: a Go string's bytes.
    let k = unsafe { core::slice::from_raw_parts(key, len.max(0) as usize) };
    let v = std::str::from_utf8(k)
        .ok()
        .and_then(std::env::var_os)
        .map(|v| crate::string::new_string(v.as_encoded_bytes()))
        .unwrap_or(GoString::EMPTY);
    // SAFETY: out is writable by contract.
    unsafe { out.write(v) };
}

/// `funcInfo(pc uintptr, name *string, entry *uintptr) bool`: the Go function
/// containing `pc`.
///
/// # Safety
/// `name` and `entry` are valid pointers.
#[no_mangle]
pub unsafe extern "C" fn rgo_runtime_funcInfo(
    _g: *mut G,
    pc: usize,
    name: *mut GoString,
    entry: *mut usize,
) -> bool {
    let Some((e, n)) = crate::symtab::find_func(pc) else {
        return false;
    };
    // SAFETY: per the contract; the name bytes are static.
    unsafe {
        name.write(GoString {
            ptr: n.as_ptr(),
            len: n.len() as i64,
        });
        entry.write(e);
    }
    true
}

/// `funcLine(pc uintptr, file *string, line *int) bool`: the source position of `pc`.
///
/// # Safety
/// `file` and `line` are valid pointers.
#[no_mangle]
pub unsafe extern "C" fn rgo_runtime_funcLine(
    _g: *mut G,
    pc: usize,
    file: *mut GoString,
    line: *mut i64,
) -> bool {
    let Some((f, l)) = crate::symtab::file_line(pc) else {
        return false;
    };
    // SAFETY: per the contract; the file name bytes are static.
    unsafe {
        file.write(GoString {
            ptr: f.as_ptr(),
            len: f.len() as i64,
        });
        line.write(l as i64);
    }
    true
}

/// runtime.Callers(skip, pc []uintptr) int: frame 0 is runtime.Callers itself.
///
/// # Safety
/// `g` is the running goroutine; `pc` is a slice's backing array of `len` words.
#[no_mangle]
pub unsafe extern "C" fn rgo_runtime_Callers(
    g: *mut G,
    skip: i64,
    pc: *mut usize,
    len: i64,
    _cap: i64,
) -> i64 {
    let g = if g.is_null() { getg() } else { g };
    let fp = crate::symtab::frame_pointer();
    let max = len.max(0) as usize;
    // SAFETY: fp is this function's frame, on g's stack.
    let pcs = unsafe { crate::symtab::callers(g, fp, skip.max(0) as usize, max) };
    for (i, &p) in pcs.iter().enumerate() {
        // SAFETY: i < len.
        unsafe { pc.add(i).write(p) };
    }
    pcs.len() as i64
}

/// `registerErrorTypes(e, ta any) bool`: makes `e`'s dynamic type (package runtime's
/// `errorString`) the type of the runtime's own panic values, and `ta`'s
/// (`*TypeAssertionError`) the type of failed type assertions' values.
#[no_mangle]
pub extern "C" fn rgo_runtime_registerErrorTypes(
    _g: *mut G,
    etyp: *const u8,
    _edata: *const u8,
    tatyp: *const u8,
    _tadata: *const u8,
) -> bool {
    if !etyp.is_null() {
        crate::lang::typedesc::register_runtime_error_type(etyp as *const _);
    }
    if !tatyp.is_null() {
        crate::lang::typedesc::register_type_assertion_error_type(tatyp as *const _);
    }
    true
}

/// runtime.Stack(buf []byte, all bool) int: the calling goroutine's trace (see the Go
/// declaration for what is left out).
///
/// # Safety
/// `g` is the running goroutine; `buf` is a slice's backing array of `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn rgo_runtime_Stack(
    g: *mut G,
    buf: *mut u8,
    len: i64,
    _cap: i64,
    _all: bool,
) -> i64 {
    let g = if g.is_null() { getg() } else { g };
    let fp = crate::symtab::frame_pointer();
    // SAFETY: fp is this function's frame, on g's stack; skip runtime.Stack itself.
    let pcs = unsafe { crate::symtab::callers(g, fp, 1, 100) };
    // SAFETY: g is the running goroutine.
    let mut text = format!("goroutine {} [running]:\n", unsafe { (*g).goid });
    for pc in pcs {
        let Some((entry, name)) = crate::symtab::find_func(pc - 1) else {
            continue;
        };
        text.push_str(&String::from_utf8_lossy(name));
        text.push_str(if crate::symtab::takes_args(pc - 1) {
            "(...)\n"
        } else {
            "()\n"
        });
        match crate::symtab::file_line(pc - 1) {
            Some((file, line)) => text.push_str(&format!(
                "\t{}:{} +{:#x}\n",
                String::from_utf8_lossy(file),
                line,
                pc - entry
            )),
            None => text.push_str(&format!("\t?:0 +{:#x}\n", pc - entry)),
        }
    }
    // SAFETY: g is the running goroutine.
    let gopc = unsafe { (*g).gopc };
    if let Some((entry, name)) = crate::symtab::find_func(gopc.wrapping_sub(1)) {
        text.push_str("created by ");
        text.push_str(&String::from_utf8_lossy(name));
        let (file, line) = crate::symtab::file_line(gopc - 1).unwrap_or((b"?", 0));
        text.push_str(&format!(
            "\n\t{}:{} +{:#x}\n",
            String::from_utf8_lossy(file),
            line,
            gopc - entry
        ));
    }
    let n = text.len().min(len.max(0) as usize);
    // SAFETY: n <= len bytes of buf are writable.
    unsafe { core::ptr::copy_nonoverlapping(text.as_ptr(), buf, n) };
    n as i64
}

/// runtime/debug.SetGCPercent.
#[no_mangle]
pub extern "C" fn rgo_runtime_debug_SetGCPercent(g: *mut G, pct: i64) -> i64 {
    crate::mem::rgo_setgcpercent(g, pct)
}

/// runtime/debug.FreeOSMemory: a collection (once the collector is wired in, as for
/// [`rgo_runtime_GC`]), then every free page goes back to the operating system.
#[no_mangle]
pub extern "C" fn rgo_runtime_debug_FreeOSMemory(g: *mut G) {
    if crate::mem::world::hooks_installed() {
        crate::mem::rgo_freeosmemory(g);
    } else {
        crate::mem::scavenge::release_all();
    }
}

/// Every entry point of this module, for the JIT's symbol table.
pub fn symbols() -> Vec<(&'static str, *const u8)> {
    vec![
        ("rgo_runtime_Gosched", rgo_runtime_Gosched as *const u8),
        (
            "rgo_runtime_GOMAXPROCS",
            rgo_runtime_GOMAXPROCS as *const u8,
        ),
        (
            "rgo_runtime_NumGoroutine",
            rgo_runtime_NumGoroutine as *const u8,
        ),
        ("rgo_runtime_NumCPU", rgo_runtime_NumCPU as *const u8),
        ("rgo_runtime_Goexit", rgo_runtime_Goexit as *const u8),
        (
            "rgo_runtime_LockOSThread",
            rgo_runtime_LockOSThread as *const u8,
        ),
        (
            "rgo_runtime_UnlockOSThread",
            rgo_runtime_UnlockOSThread as *const u8,
        ),
        ("rgo_runtime_KeepAlive", rgo_runtime_KeepAlive as *const u8),
        ("rgo_runtime_GC", rgo_runtime_GC as *const u8),
        (
            "rgo_runtime_ReadMemStats",
            rgo_runtime_ReadMemStats as *const u8,
        ),
        (
            "rgo_runtime_Breakpoint",
            rgo_runtime_Breakpoint as *const u8,
        ),
        (
            "rgo_runtime_SetFinalizer",
            rgo_runtime_SetFinalizer as *const u8,
        ),
        ("rgo_runtime_gogetenv", rgo_runtime_gogetenv as *const u8),
        ("rgo_runtime_funcInfo", rgo_runtime_funcInfo as *const u8),
        ("rgo_runtime_Callers", rgo_runtime_Callers as *const u8),
        ("rgo_runtime_funcLine", rgo_runtime_funcLine as *const u8),
        (
            "rgo_runtime_registerErrorTypes",
            rgo_runtime_registerErrorTypes as *const u8,
        ),
        ("rgo_runtime_Stack", rgo_runtime_Stack as *const u8),
        (
            "rgo_runtime_debug_SetGCPercent",
            rgo_runtime_debug_SetGCPercent as *const u8,
        ),
        (
            "rgo_runtime_debug_FreeOSMemory",
            rgo_runtime_debug_FreeOSMemory as *const u8,
        ),
    ]
}
