//! Argument parsing and subcommand dispatch.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

mod devices;
mod inspect;

/// AutoML playground engine: neural architecture and hyperparameter search on your own machine.
#[derive(Parser)]
#[command(name = "automl", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List GPU adapters and run the kernel self-check on the default one.
    Devices(devices::Args),
    /// Profile a CSV file: column types, missing values, target, task and features.
    Inspect(inspect::Args),
}

/// Exit codes: 0 success, 1 runtime failure, 2 usage error (clap).
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Devices(args) => devices::run(args),
        Command::Inspect(args) => inspect::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
