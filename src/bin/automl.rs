//! `automl` — the native command-line edge of the engine. Thin: parses arguments, calls the
//! library, prints results, maps errors to exit codes.

#[cfg(not(target_arch = "wasm32"))]
mod cli;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
