//! `automl inspect`: reads a CSV file and prints its profile (column types, missing values,
//! target and task, what is used as a feature).

use automl::data::{load_csv, LoadOptions, RoleOptions, TaskKind};
use std::path::PathBuf;

/// Options of `automl inspect`.
#[derive(clap::Args)]
pub struct Args {
    /// The CSV file.
    file: PathBuf,
    /// Target column (default: the last column).
    #[arg(long)]
    target: Option<String>,
    /// Task, when the inferred one is wrong: classification or regression.
    #[arg(long, value_parser = ["classification", "regression"])]
    task: Option<String>,
    /// Columns not to use as features (repeatable).
    #[arg(long)]
    exclude: Vec<String>,
    /// Field delimiter (detected when absent).
    #[arg(long)]
    delimiter: Option<char>,
    /// Print JSON instead of a text table.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> Result<(), automl::Error> {
    let name = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| args.file.display().to_string());
    let mut options = LoadOptions {
        roles: RoleOptions {
            target: args.target,
            task: args.task.as_deref().map(|t| match t {
                "regression" => TaskKind::Regression,
                _ => TaskKind::Classification,
            }),
            excluded: args.exclude,
            ..RoleOptions::default()
        },
        ..LoadOptions::default()
    };
    options.csv.delimiter = args.delimiter;
    let size = std::fs::metadata(&args.file)
        .map_err(|e| automl::Error::Input(format!("cannot read {}: {e}", args.file.display())))?
        .len();
    if size > options.csv.limits.max_bytes as u64 {
        return Err(automl::data::DataError::TooLarge {
            bytes: size as usize,
            limit: options.csv.limits.max_bytes,
        }
        .into());
    }
    let bytes = std::fs::read(&args.file)
        .map_err(|e| automl::Error::Input(format!("cannot read {}: {e}", args.file.display())))?;
    let (_, profile) = load_csv(&bytes, &name, &options)
        .map_err(|e| automl::Error::Input(format!("{}: {e}", args.file.display())))?;
    if args.json {
        let json = serde_json::to_string_pretty(&profile)
            .map_err(|e| automl::Error::Input(format!("cannot write JSON: {e}")))?;
        println!("{json}");
    } else {
        print!("{}", profile.to_text());
    }
    Ok(())
}
