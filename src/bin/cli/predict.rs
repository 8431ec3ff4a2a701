//! `automl predict`: applies a model file written by `automl search` to a CSV file with the
//! training columns (the target may be absent) and writes one prediction per row.

use super::input::read_file;
use automl::data::{CsvOptions, Task};
use automl::report::export::{ModelFile, Predicted};
use automl::Error;
use std::io::Write;
use std::path::PathBuf;

/// Options of `automl predict`.
#[derive(clap::Args)]
pub struct Args {
    /// Model file written by `automl search --model`.
    #[arg(long)]
    model: PathBuf,
    /// CSV file with the training columns (extra columns and the target are ignored).
    #[arg(long)]
    data: PathBuf,
    /// Where to write the predictions (CSV); standard output when absent.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Field delimiter (detected when absent).
    #[arg(long)]
    delimiter: Option<char>,
}

/// Reads and checks a model file.
pub fn load_model(path: &std::path::Path) -> Result<ModelFile, Error> {
    let bytes = read_file(path)?;
    let model: ModelFile = serde_json::from_slice(&bytes).map_err(|e| {
        Error::Input(format!(
            "{} is not a model file written by `automl search --model`: {e}",
            path.display()
        ))
    })?;
    model
        .check()
        .map_err(|e| Error::Input(format!("{}: invalid model: {e}", path.display())))?;
    Ok(model)
}

pub fn run(args: Args) -> Result<(), Error> {
    let model = load_model(&args.model)?;
    let bytes = read_file(&args.data)?;
    let options = CsvOptions {
        delimiter: args.delimiter,
        ..CsvOptions::default()
    };
    let (predicted, notes) = model
        .predict_csv(&bytes, &options)
        .map_err(|e| Error::Input(format!("{}: {e}", args.data.display())))?;
    for note in notes {
        eprintln!("warning: {}: {note}", args.data.display());
    }
    let text = predictions_csv(&model.task, &predicted)?;
    match &args.out {
        Some(path) => {
            super::input::write_file(path, &text)?;
            let rows = match &predicted {
                Predicted::Classes { labels, .. } => labels.len(),
                Predicted::Values { values } => values.len(),
            };
            eprintln!("{rows} predictions written to {}", path.display());
        }
        None => std::io::stdout()
            .write_all(&text)
            .map_err(|e| Error::Input(format!("cannot write the predictions: {e}")))?,
    }
    Ok(())
}

/// One row per input row: `predicted` (class label or value), then for classification one
/// `probability_<class>` column per class.
fn predictions_csv(task: &Task, predicted: &Predicted) -> Result<Vec<u8>, Error> {
    let fail = |e: csv::Error| Error::Input(format!("cannot write the predictions: {e}"));
    let mut w = csv::Writer::from_writer(Vec::new());
    match (task, predicted) {
        (Task::Classification { classes }, Predicted::Classes { labels, probs }) => {
            let mut header = vec!["predicted".to_string()];
            header.extend(classes.iter().map(|c| format!("probability_{c}")));
            w.write_record(&header).map_err(fail)?;
            let k = classes.len().max(1);
            for (label, p) in labels.iter().zip(probs.chunks(k)) {
                let mut record = vec![classes
                    .get(*label as usize)
                    .cloned()
                    .unwrap_or_else(|| label.to_string())];
                record.extend(p.iter().map(|v| format!("{v:.6}")));
                w.write_record(&record).map_err(fail)?;
            }
        }
        (_, Predicted::Values { values }) => {
            w.write_record(["predicted"]).map_err(fail)?;
            for v in values {
                w.write_record([v.to_string()]).map_err(fail)?;
            }
        }
        (_, Predicted::Classes { .. }) => {
            return Err(Error::Input(
                "the model file's task does not match its outputs".into(),
            ))
        }
    }
    w.into_inner()
        .map_err(|e| Error::Input(format!("cannot write the predictions: {e}")))
}
