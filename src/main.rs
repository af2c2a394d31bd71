// mimalloc: a build allocates and frees millions of small strings on every
// core at once; glibc's allocator spent a tenth of a 50k-page build in its
// own bookkeeping and grew slower as the heap grew.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(handbook::cli::main());
}
