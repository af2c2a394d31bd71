// mimalloc: a build allocates and frees millions of small strings on every
// core at once; glibc's allocator spent a tenth of a 50k-page build in its
// own bookkeeping and grew slower as the heap grew.
// `--features system-allocator` builds with the system's allocator instead,
// for heap profilers that hook malloc (heaptrack, massif).
#[cfg(not(feature = "system-allocator"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(handbook::cli::main());
}
