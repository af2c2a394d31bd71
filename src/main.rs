// mimalloc: a build allocates and frees millions of small strings on every
// core at once; glibc's allocator spent a tenth of a 50k-page build in its
// own bookkeeping and grew slower as the heap grew.
// `--no-default-features --features system-allocator` builds with the
// system's allocator instead, for heap profilers that hook malloc
// (heaptrack, massif).
// With `malloc-override` (a default feature) the process's malloc is
// mimalloc's, so a heap profiler hooking malloc would see nothing.
#[cfg(all(feature = "system-allocator", feature = "malloc-override"))]
compile_error!(
    "system-allocator needs --no-default-features: malloc-override routes malloc to mimalloc"
);

#[cfg(not(feature = "system-allocator"))]
#[global_allocator]
static ALLOCATOR: Mimalloc = Mimalloc;

/// mimalloc as Rust's allocator, through its plain entry points wherever
/// they give the alignment asked for. Every block mimalloc hands out is
/// aligned to a word, and nearly every allocation of a build asks for no
/// more; going through the aligned entry points for all of them (as the
/// `mimalloc` crate does) took a longer path on each call, and a block of
/// more than a kilobyte whose size is not a power of two went to its
/// over-allocating fallback: 0.7% of a build's instructions, and about 4%
/// of its CPU time on long pages.
#[cfg(not(feature = "system-allocator"))]
struct Mimalloc;

/// Whether a block from mimalloc's plain entry points has the alignment
/// `layout` asks for: every block is aligned to a machine word.
#[cfg(not(feature = "system-allocator"))]
#[inline]
fn plain_block_fits(layout: std::alloc::Layout) -> bool {
    layout.align() <= std::mem::size_of::<usize>()
}

// SAFETY: each call hands the layout's size to mimalloc, and its alignment
// to the aligned entry point whenever it is more than every block has;
// blocks are freed and resized by mimalloc, which made them.
#[cfg(not(feature = "system-allocator"))]
unsafe impl std::alloc::GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        use libmimalloc_sys::{mi_malloc, mi_malloc_aligned};
        match plain_block_fits(layout) {
            true => mi_malloc(layout.size()).cast(),
            false => mi_malloc_aligned(layout.size(), layout.align()).cast(),
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        use libmimalloc_sys::{mi_zalloc, mi_zalloc_aligned};
        match plain_block_fits(layout) {
            true => mi_zalloc(layout.size()).cast(),
            false => mi_zalloc_aligned(layout.size(), layout.align()).cast(),
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: std::alloc::Layout) {
        libmimalloc_sys::mi_free(ptr.cast());
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        use libmimalloc_sys::{mi_realloc, mi_realloc_aligned};
        match plain_block_fits(layout) {
            true => mi_realloc(ptr.cast(), new_size).cast(),
            false => mi_realloc_aligned(ptr.cast(), new_size, layout.align()).cast(),
        }
    }
}

fn main() {
    #[cfg(not(feature = "system-allocator"))]
    tune_allocator();
    std::process::exit(handbook::cli::main());
}

/// mimalloc's defaults suit long-lived services; a build is one pass that
/// allocates and frees gigabytes of short-lived page strings:
/// - Freed memory is kept instead of handed back to the system a second
///   later (`purge_delay`): handing it back meant faulting it in and zeroing
///   it again a moment later, 23,000-43,000 page faults and a tenth of a 10k
///   build's CPU; kept, it is reused, for 1-3% more peak memory.
/// - No transparent huge pages: each first touch zeroed 2 MB at a time, and
///   a build's memory is touched sparsely; without them peak memory is 3-5%
///   lower at the same speed.
///
/// `serve` keeps its site in memory anyway. A `MIMALLOC_PURGE_DELAY` or
/// `MIMALLOC_ALLOW_THP` set by the user is left as it is.
#[cfg(not(feature = "system-allocator"))]
fn tune_allocator() {
    // `mi_option_purge_delay`: the same place in the option enum of mimalloc
    // 2 and 3, whose defaults (10 and 1,000 ms) tell that it is the one.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    const PURGE_DELAY_DEFAULTS: [std::os::raw::c_long; 2] = [10, 1000];
    let user_set = ["MIMALLOC_PURGE_DELAY", "MIMALLOC_RESET_DELAY"]
        .iter()
        .any(|name| std::env::var_os(name).is_some());
    // SAFETY: reading and setting an option are plain calls on mimalloc's
    // global option table, valid at any time.
    unsafe {
        let current = libmimalloc_sys::mi_option_get(PURGE_DELAY);
        if !user_set && PURGE_DELAY_DEFAULTS.contains(&current) {
            libmimalloc_sys::mi_option_set(PURGE_DELAY, -1);
        }
    }
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
        // SAFETY: prctl with PR_SET_THP_DISABLE only sets a flag of this
        // process; a kernel without it returns an error, which changes nothing.
        unsafe {
            libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
        }
    }
}
