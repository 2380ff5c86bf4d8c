//! The `linli` command. All behaviour lives in the `linli_cli` library.

fn main() -> std::process::ExitCode {
    linli_cli::main_with_args(std::env::args_os())
}
