//! The `linli` command. All behaviour lives in the `linli_cli` library.

// Records are read on one thread and freed on others; mimalloc handles that pattern far better
// than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    linli_cli::main_with_args(std::env::args_os())
}
