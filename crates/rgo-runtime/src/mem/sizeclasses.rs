//! Size classes: the table that turns a request size into one of 68 object sizes, and the
//! number of pages a span of each class occupies.
//!
//! Concepts. Small objects (up to [`MAX_SMALL_SIZE`]) are rounded up to a *size class*;
//! every span holds objects of exactly one class, so an object's size and index follow
//! from its address alone (span base + index × size). Class 0 means "large": an object of
//! its own span. The sizes are gc's documented classes (runtime/sizeclasses.go), chosen so
//! that rounding wastes at most 12.5% of an object and the unused tail of a span stays
//! small; the span sizes (`CLASS_NPAGES`) are gc's, too. Everything else here (lookup
//! tables, division magic) is computed by `const fn` from those two columns.
//!
//! Invariants (checked by tests): sizes increase strictly and are multiples of 8; every
//! request size maps to the smallest class that fits; object alignment follows from size
//! (a class size that is a multiple of 2^k, k ≤ 13, yields 2^k-aligned objects because
//! spans start on page boundaries); `(off * DIV_MAGIC[c]) >> 32 == off / size` for every
//! object offset in a span of class `c`.
//!
//! Rejected: computing classes at start-up from gc's generator algorithm. A fixed table is
//! easier to audit and identical to gc's, which keeps MemStats.BySize comparable.

/// log2 of the heap page size (gc's 8 KiB pages).
pub const PAGE_SHIFT: usize = 13;
pub const PAGE_SIZE: usize = 1 << PAGE_SHIFT;
/// Largest object served from size-classed spans.
pub const MAX_SMALL_SIZE: usize = 32768;
/// Size classes including class 0 (large objects).
pub const NUM_SIZE_CLASSES: usize = 68;
/// Span classes: size class × {scan, noscan}.
pub const NUM_SPAN_CLASSES: usize = NUM_SIZE_CLASSES * 2;
/// Requests below this that contain no pointers use the tiny allocator.
pub const TINY_SIZE: usize = 16;
const SMALL_SIZE_DIV: usize = 8;
const SMALL_SIZE_MAX: usize = 1024;
const LARGE_SIZE_DIV: usize = 128;

/// Bytes per object of each class (gc's class_to_size).
pub const CLASS_SIZE: [usize; NUM_SIZE_CLASSES] = [
    0, 8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256, 288, 320,
    352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792,
    2048, 2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728,
    10240, 10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264, 28672,
    32768,
];

/// Pages per span of each class (gc's class_to_allocnpages).
pub const CLASS_NPAGES: [usize; NUM_SIZE_CLASSES] = [
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 2, 1, 2, 1, 2, 1, 3, 2, 3, 1, 3, 2, 3, 4, 5, 6, 1, 7, 6, 5, 4, 3, 5, 7, 2, 9, 7, 5, 8,
    3, 10, 7, 4,
];

/// `u32::MAX / size + 1`: `(offset * magic) >> 32` divides an in-span offset by the size.
pub const DIV_MAGIC: [u32; NUM_SIZE_CLASSES] = {
    let mut t = [0u32; NUM_SIZE_CLASSES];
    let mut c = 1;
    while c < NUM_SIZE_CLASSES {
        t[c] = (u32::MAX / CLASS_SIZE[c] as u32) + 1;
        c += 1;
    }
    t
};

const fn class_for(size: usize) -> u8 {
    let mut c = 1;
    while c < NUM_SIZE_CLASSES {
        if CLASS_SIZE[c] >= size {
            return c as u8;
        }
        c += 1;
    }
    0
}

/// Class of sizes `≤ 1024`, indexed by `ceil(size / 8)`.
static SIZE_TO_CLASS8: [u8; SMALL_SIZE_MAX / SMALL_SIZE_DIV + 1] = {
    let mut t = [0u8; SMALL_SIZE_MAX / SMALL_SIZE_DIV + 1];
    let mut i = 0;
    while i < t.len() {
        t[i] = class_for(i * SMALL_SIZE_DIV);
        i += 1;
    }
    t
};

/// Class of sizes in `(1024, 32768]`, indexed by `ceil((size - 1024) / 128)`.
static SIZE_TO_CLASS128: [u8; (MAX_SMALL_SIZE - SMALL_SIZE_MAX) / LARGE_SIZE_DIV + 1] = {
    let mut t = [0u8; (MAX_SMALL_SIZE - SMALL_SIZE_MAX) / LARGE_SIZE_DIV + 1];
    let mut i = 0;
    while i < t.len() {
        t[i] = class_for(SMALL_SIZE_MAX + i * LARGE_SIZE_DIV);
        i += 1;
    }
    t
};

/// The smallest size class whose objects hold `size` bytes (`1 ≤ size ≤ MAX_SMALL_SIZE`).
#[inline]
pub fn size_to_class(size: usize) -> usize {
    debug_assert!(size <= MAX_SMALL_SIZE);
    if size <= SMALL_SIZE_MAX {
        SIZE_TO_CLASS8[size.div_ceil(SMALL_SIZE_DIV)] as usize
    } else {
        SIZE_TO_CLASS128[(size - SMALL_SIZE_MAX).div_ceil(LARGE_SIZE_DIV)] as usize
    }
}

/// Objects per span of class `c` (≥ 1 for c ≥ 1).
#[inline]
pub const fn objects_per_span(c: usize) -> usize {
    CLASS_NPAGES[c] * PAGE_SIZE / CLASS_SIZE[c]
}

/// A span class: size class << 1 | noscan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SpanClass(pub u8);

impl SpanClass {
    pub const fn new(sizeclass: usize, noscan: bool) -> SpanClass {
        SpanClass(((sizeclass as u8) << 1) | noscan as u8)
    }
    pub const fn sizeclass(self) -> usize {
        (self.0 >> 1) as usize
    }
    pub const fn noscan(self) -> bool {
        self.0 & 1 != 0
    }
    pub const fn index(self) -> usize {
        self.0 as usize
    }
}
