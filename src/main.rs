fn main() {
    std::process::exit(handbook::cli::main());
}
