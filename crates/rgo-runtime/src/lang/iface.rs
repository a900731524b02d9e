//! Interfaces: itabs, their global cache, type assertions (Go's iface.go and error.go's
//! `TypeAssertionError`).
//!
//! # Concepts
//!
//! * A non-empty interface value is `{itab, data}`. The **itab** for (interface type I,
//!   concrete type T) holds I, T, T's hash and one code pointer per method of I, in I's
//!   method order, so a method call is two loads and an indirect call.
//! * Codegen may emit itabs for conversions it sees statically; every other pair (type
//!   assertions to interface types, interface-to-interface conversions) is resolved at run
//!   time by [`getitab`]: it matches I's `imethod`s against T's method table (the
//!   uncommon header of T's descriptor, `rgo_abi::lang::uncommon`) by name, signature
//!   descriptor and, for unexported names, package path.
//! * **The itab cache** is a global open-addressing table keyed by the (I, T) pair. Lookups
//!   take no lock: they load the current table and probe with atomic loads. Inserts take
//!   a lock, re-check, and publish the fully built itab with a release store; when the
//!   table is ¾ full a table twice as big is built and published, and the old one is
//!   left in place for readers still probing it. Negative results (T lacks a method) are
//!   cached too, as itabs whose `fun[0]` is 0.
//! * Failures panic with a `*runtime.TypeAssertionError` (a `runtime.Error`, see
//!   `RuntimeError::TypeAssertion`) whose text is gc's: `interface conversion: interface {}
//!   is string, not int`, `interface conversion: main.T is not main.I: missing method M`,
//!   `interface conversion: interface is nil, not main.I`.
//!
//! # Invariants
//!
//! * An itab in the cache is immutable and never freed (itabs and tables live outside the
//!   collected heap, as gc's persistentalloc'd ones do).
//! * At most one itab per (I, T) pair is ever published to the cache.
//!
//! # Rejected alternatives
//!
//! * A `Mutex<HashMap>`: a lock on every dynamic assertion; and Rust collections allocate
//!   on the Rust heap in ways the runtime cannot account for.
//! * Matching methods by a merge of two sorted lists (gc): relies on codegen sorting both
//!   tables identically; the nested scan is O(n·m) only once per pair, then cached.

use core::ptr::null_mut;
use core::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};

use super::static_concat;
use super::typedesc::{InterfaceType, Itab, Name, Type};
use crate::g::G;
use crate::lock::Mutex;
use crate::panic::{panic_error, throw, RuntimeError};

// ---- the cache ----

/// An open-addressing table of itab pointers (`size` is a power of two).
#[repr(C)]
struct ItabTable {
    size: usize,
    count: AtomicUsize,
    entries: [AtomicPtr<Itab>; 0],
}

static ITAB_TABLE: AtomicPtr<ItabTable> = AtomicPtr::new(null_mut());
static ITAB_LOCK: Mutex = Mutex::new();
const INITIAL_TABLE: usize = 512;

/// Memory for runtime structures that live forever, outside the collected heap.
fn persistent_alloc(size: usize) -> *mut u8 {
    let layout = std::alloc::Layout::from_size_align(size.max(8), 8)
        .unwrap_or_else(|_| throw("persistent_alloc: bad size"));
    // SAFETY: a non-zero-sized layout.
    let p = unsafe { std::alloc::alloc_zeroed(layout) };
    if p.is_null() {
        throw("runtime: out of memory");
    }
    p
}

fn new_table(size: usize) -> *mut ItabTable {
    let bytes = core::mem::size_of::<ItabTable>() + size * core::mem::size_of::<usize>();
    let t = persistent_alloc(bytes) as *mut ItabTable;
    // SAFETY: freshly allocated and zeroed (null entries, count 0).
    unsafe { (*t).size = size };
    t
}

impl ItabTable {
    fn entry(&self, i: usize) -> &AtomicPtr<Itab> {
        debug_assert!(i < self.size);
        // SAFETY: the table was allocated with `size` entries after the header.
        unsafe { &*(self.entries.as_ptr().add(i)) }
    }

    /// Probes for (inter, typ).
    fn find(&self, inter: *const InterfaceType, typ: *const Type) -> *const Itab {
        let mask = self.size - 1;
        let mut h = itab_hash(inter, typ) & mask;
        let mut i = 1;
        loop {
            let m = self.entry(h).load(Ordering::Acquire);
            if m.is_null() {
                return m;
            }
            // SAFETY: published itabs are valid and immutable.
            if unsafe { (*m).inter == inter && (*m).typ == typ } {
                return m;
            }
            // Quadratic (triangular) probing visits every slot of a power-of-two table.
            h = (h + i) & mask;
            i += 1;
        }
    }

    /// Inserts `m` (caller holds the lock; the table has a free slot).
    fn insert(&self, m: *mut Itab) {
        let mask = self.size - 1;
        // SAFETY: `m` is a fully built itab.
        let mut h = unsafe { itab_hash((*m).inter, (*m).typ) } & mask;
        let mut i = 1;
        loop {
            let e = self.entry(h);
            if e.load(Ordering::Relaxed).is_null() {
                e.store(m, Ordering::Release);
                self.count.fetch_add(1, Ordering::Relaxed);
                return;
            }
            h = (h + i) & mask;
            i += 1;
        }
    }
}

fn itab_hash(inter: *const InterfaceType, typ: *const Type) -> usize {
    let x = (inter as u64) ^ (typ as u64).rotate_left(29);
    (x.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 17) as usize
}

fn cache_find(inter: *const InterfaceType, typ: *const Type) -> *const Itab {
    let t = ITAB_TABLE.load(Ordering::Acquire);
    if t.is_null() {
        return core::ptr::null();
    }
    // SAFETY: published tables are never freed.
    unsafe { (*t).find(inter, typ) }
}

/// Adds `m` to the cache, growing it when ¾ full. Caller holds `ITAB_LOCK`.
fn cache_add(m: *mut Itab) {
    let mut t = ITAB_TABLE.load(Ordering::Acquire);
    if t.is_null() {
        t = new_table(INITIAL_TABLE);
        ITAB_TABLE.store(t, Ordering::Release);
    }
    // SAFETY: tables are never freed; only lock holders modify them.
    unsafe {
        if 4 * ((*t).count.load(Ordering::Relaxed) + 1) >= 3 * (*t).size {
            let bigger = new_table((*t).size * 2);
            for i in 0..(*t).size {
                let e = (*t).entry(i).load(Ordering::Relaxed);
                if !e.is_null() {
                    (*bigger).insert(e);
                }
            }
            ITAB_TABLE.store(bigger, Ordering::Release);
            t = bigger;
        }
        (*t).insert(m);
    }
}

// ---- building itabs ----

/// Matches `inter`'s methods against `typ`'s, filling `fun` (one slot per interface
/// method) when given. Returns the name of the first missing method.
fn match_methods(
    inter: &InterfaceType,
    typ: &Type,
    mut fun: Option<&mut [usize]>,
) -> Option<&'static [u8]> {
    let methods = typ.uncommon().map(|u| u.methods()).unwrap_or(&[]);
    let ipkg_default = Name(inter.pkgpath).name();
    for (k, im) in inter.methods().iter().enumerate() {
        let iname = inter
            .typ
            .name_off(im.name)
            .unwrap_or(Name(core::ptr::null()));
        let iname_s = iname.name();
        let mut ipkg = iname.pkgpath();
        if ipkg.is_empty() {
            ipkg = ipkg_default;
        }
        let itype = inter.typ.type_off(im.ityp);
        let found = methods.iter().find(|m| {
            let Some(tname) = typ.name_off(m.name) else {
                return false;
            };
            if tname.name() != iname_s {
                return false;
            }
            let mtyp = typ.type_off(m.mtyp);
            if !itype.is_null() && !mtyp.is_null() && itype != mtyp {
                return false;
            }
            if tname.is_exported() {
                return true;
            }
            let mut pkg = tname.pkgpath();
            if pkg.is_empty() {
                pkg = typ.pkgpath();
            }
            pkg == ipkg
        });
        match found {
            Some(m) => {
                if let Some(f) = fun.as_deref_mut() {
                    f[k] = m.ifn as usize;
                }
            }
            None => {
                if let Some(f) = fun.as_deref_mut() {
                    f[0] = 0;
                }
                return Some(iname_s);
            }
        }
    }
    None
}

/// Builds the itab for (inter, typ): positive or negative (`fun[0] == 0`).
fn build_itab(inter: &'static InterfaceType, typ: &'static Type) -> *mut Itab {
    let n = inter.methods().len().max(1);
    let size = core::mem::size_of::<Itab>() + (n - 1) * core::mem::size_of::<usize>();
    let m = persistent_alloc(size) as *mut Itab;
    // SAFETY: `m` has room for the header and `n` method slots.
    unsafe {
        (*m).inter = inter;
        (*m).typ = typ;
        (*m).hash = typ.hash;
        let fun = core::slice::from_raw_parts_mut((*m).fun.as_mut_ptr(), n);
        match_methods(inter, typ, Some(fun));
    }
    m
}

/// The itab for (inter, typ); see `rgo_abi::lang::GETITAB`.
///
/// # Safety
/// `inter` and `typ` must be valid descriptors; `g` the running goroutine or null.
pub unsafe fn getitab(
    g: *mut G,
    inter: *const InterfaceType,
    typ: *const Type,
    canfail: bool,
) -> *const Itab {
    // SAFETY: by contract; descriptors live forever.
    let (inter, typ) = unsafe { (&*inter, &*typ) };
    if inter.methods().is_empty() {
        throw("internal error - misuse of itab");
    }
    if typ.uncommon().is_none() {
        // No methods at all.
        if canfail {
            return core::ptr::null();
        }
        let name = inter
            .typ
            .name_off(inter.methods()[0].name)
            .map(|n| n.name())
            .unwrap_or(b"?");
        type_assertion_panic(g, None, Some(typ), &inter.typ, name);
    }
    let mut m = cache_find(inter, typ);
    if m.is_null() {
        ITAB_LOCK.lock();
        m = cache_find(inter, typ);
        if m.is_null() {
            let built = build_itab(inter, typ);
            cache_add(built);
            m = built;
        }
        ITAB_LOCK.unlock();
    }
    // SAFETY: a published itab.
    if unsafe { (*m).fun[0] } != 0 {
        return m;
    }
    if canfail {
        return core::ptr::null();
    }
    // Negative itabs do not record which method is missing: find it again.
    let missing = match_methods(inter, typ, None).unwrap_or(b"?");
    type_assertion_panic(g, None, Some(typ), &inter.typ, missing)
}

// ---- TypeAssertionError ----

/// Builds gc's `TypeAssertionError` text.
///
/// `iface`: the static interface type (None prints `interface`); `concrete`: the dynamic
/// type (None: the interface was nil); `asserted`: the target type; `missing`: the missing
/// method's name, or empty.
pub fn type_assertion_message(
    iface: Option<&Type>,
    concrete: Option<&Type>,
    asserted: &Type,
    missing: &[u8],
) -> &'static str {
    let inter: &[u8] = iface.map(|t| t.string()).unwrap_or(b"interface");
    let as_ = asserted.string();
    let Some(c) = concrete else {
        return static_concat(&[b"interface conversion: ", inter, b" is nil, not ", as_]);
    };
    let cs = c.string();
    if missing.is_empty() {
        let note: &[u8] = if cs != as_ {
            b""
        } else if c.pkgpath() != asserted.pkgpath() {
            b" (types from different packages)"
        } else {
            b" (types from different scopes)"
        };
        return static_concat(&[
            b"interface conversion: ",
            inter,
            b" is ",
            cs,
            b", not ",
            as_,
            note,
        ]);
    }
    static_concat(&[
        b"interface conversion: ",
        cs,
        b" is not ",
        as_,
        b": missing method ",
        missing,
    ])
}

fn type_assertion_panic(
    g: *mut G,
    iface: Option<&Type>,
    concrete: Option<&Type>,
    asserted: &Type,
    missing: &[u8],
) -> ! {
    let msg = type_assertion_message(iface, concrete, asserted, missing);
    // SAFETY: `g` is the running goroutine or null (see the entry points).
    unsafe { panic_error(g, RuntimeError::TypeAssertion(msg)) }
}

// ---- entry points (rgo_abi::lang) ----
//
// Safety of every entry point: `g` is the calling goroutine or null; type and interface
// type pointers are valid descriptors (or null where a nil interface is meant); itab
// pointers are null or valid itabs.

/// # Safety
/// See above.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_getitab(
    g: *mut G,
    inter: *const InterfaceType,
    typ: *const Type,
    canfail: bool,
) -> *const Itab {
    // SAFETY: see above.
    unsafe { getitab(g, inter, typ, canfail) }
}

/// `e.(I)` for an empty interface with dynamic type `t`.
///
/// # Safety
/// See above.
#[unsafe(no_mangle)]
#[allow(non_snake_case)]
pub unsafe extern "C" fn rgo_assertE2I(
    g: *mut G,
    inter: *const InterfaceType,
    t: *const Type,
) -> *const Itab {
    if t.is_null() {
        // SAFETY: see above.
        type_assertion_panic(g, None, None, unsafe { &(*inter).typ }, b"");
    }
    // SAFETY: see above.
    unsafe { getitab(g, inter, t, false) }
}

/// `v, ok := e.(I)`.
///
/// # Safety
/// See above.
#[unsafe(no_mangle)]
#[allow(non_snake_case)]
pub unsafe extern "C" fn rgo_assertE2I2(
    g: *mut G,
    inter: *const InterfaceType,
    t: *const Type,
) -> *const Itab {
    if t.is_null() {
        return core::ptr::null();
    }
    // SAFETY: see above.
    unsafe { getitab(g, inter, t, true) }
}

/// `i.(I)` for a non-empty interface with itab `tab`.
///
/// # Safety
/// See above.
#[unsafe(no_mangle)]
#[allow(non_snake_case)]
pub unsafe extern "C" fn rgo_assertI2I(
    g: *mut G,
    inter: *const InterfaceType,
    tab: *const Itab,
) -> *const Itab {
    if tab.is_null() {
        // SAFETY: see above.
        type_assertion_panic(g, None, None, unsafe { &(*inter).typ }, b"");
    }
    // SAFETY: see above.
    unsafe { retarget(g, inter, tab, false) }
}

/// The itab of non-null `tab`'s dynamic type for interface `inter` (`tab` itself when it
/// is already for `inter`); `canfail`: null instead of a panic when the type lacks a method.
///
/// # Safety
/// See above; `tab` is non-null.
unsafe fn retarget(
    g: *mut G,
    inter: *const InterfaceType,
    tab: *const Itab,
    canfail: bool,
) -> *const Itab {
    // SAFETY: per the contract.
    unsafe {
        if (*tab).inter == inter {
            return tab;
        }
        getitab(g, inter, (*tab).typ, canfail)
    }
}

/// `v, ok := i.(I)`.
///
/// # Safety
/// See above.
#[unsafe(no_mangle)]
#[allow(non_snake_case)]
pub unsafe extern "C" fn rgo_assertI2I2(
    g: *mut G,
    inter: *const InterfaceType,
    tab: *const Itab,
) -> *const Itab {
    if tab.is_null() {
        return core::ptr::null();
    }
    // SAFETY: see above.
    unsafe { retarget(g, inter, tab, true) }
}

/// A statically valid conversion to interface `inter` from one with itab `tab`.
///
/// # Safety
/// See above.
#[unsafe(no_mangle)]
#[allow(non_snake_case)]
pub unsafe extern "C" fn rgo_convI2I(
    g: *mut G,
    inter: *const InterfaceType,
    tab: *const Itab,
) -> *const Itab {
    if tab.is_null() {
        return core::ptr::null();
    }
    // SAFETY: see above.
    unsafe { retarget(g, inter, tab, false) }
}

/// A failed `x.(T)` (concrete `T` = `want`) on an interface of static type `iface`
/// holding dynamic type `have` (null: nil).
///
/// # Safety
/// See above.
#[unsafe(no_mangle)]
#[allow(non_snake_case)]
pub unsafe extern "C" fn rgo_panicdottypeE(
    g: *mut G,
    have: *const Type,
    want: *const Type,
    iface: *const Type,
) -> ! {
    // SAFETY: see above.
    unsafe { type_assertion_panic(g, iface.as_ref(), have.as_ref(), &*want, b"") }
}

/// [`rgo_panicdottypeE`] for a non-empty interface with itab `have` (null: nil).
///
/// # Safety
/// See above.
#[unsafe(no_mangle)]
#[allow(non_snake_case)]
pub unsafe extern "C" fn rgo_panicdottypeI(
    g: *mut G,
    have: *const Itab,
    want: *const Type,
    iface: *const Type,
) -> ! {
    // SAFETY: see above.
    unsafe {
        let t = if have.is_null() {
            core::ptr::null()
        } else {
            (*have).typ
        };
        rgo_panicdottypeE(g, t, want, iface)
    }
}

/// `x.(T)` on a nil interface whose static type is not known here.
///
/// # Safety
/// See above.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rgo_panicnildottype(g: *mut G, want: *const Type) -> ! {
    // SAFETY: see above.
    unsafe { type_assertion_panic(g, None, None, &*want, b"") }
}

/// Boxes the value of type `t` at `v` for an interface's data word.
///
/// # Safety
/// See above; `v` points to a value of type `t`.
#[unsafe(no_mangle)]
#[allow(non_snake_case)]
pub unsafe extern "C" fn rgo_convT(_g: *mut G, t: *const Type, v: *const u8) -> *mut u8 {
    // SAFETY: see above.
    unsafe {
        let t = &*t;
        let x = crate::malloc::mallocgc(t.size, t.align as usize);
        core::ptr::copy_nonoverlapping(v, x, t.size);
        x
    }
}
