//! Argument parsing and subcommand dispatch.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

mod bench;
mod devices;
mod input;
mod inspect;
mod predict;
mod search;

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
    /// Time the trainers on a fixed workload (GPU population, one at a time, CPU).
    Bench(bench::Args),
    /// Search for the best network within a budget; compare it with classical baselines.
    Search(Box<search::Args>),
    /// Predict a CSV file with a model written by `automl search --model`.
    Predict(predict::Args),
}

/// Exit codes: 0 success, 1 runtime failure (including unreadable or invalid files and data),
/// 2 usage error (arguments).
pub fn main() -> ExitCode {
    // A panic is a bug of this program: say so in one line (the full report with RUST_BACKTRACE).
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        eprintln!(
            "error: internal error ({}). This is a bug in automl, not a problem with your input.",
            automl::platform::panic_text(info)
        );
        if std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0") {
            report(info);
        }
    }));
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Devices(args) => devices::run(args),
        Command::Inspect(args) => inspect::run(args),
        Command::Bench(args) => bench::run(args),
        Command::Search(args) => search::run(*args),
        Command::Predict(args) => predict::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
