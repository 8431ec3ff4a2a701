//! The best-model file: the network (spec + weights) with the fitted preparation and the names
//! it needs to be used on new rows, as versioned JSON; and reading such a file back.

use super::candidate::{self, CandidateInfo};
use crate::data::{self, PrepareOptions, RoleOptions, Table, Task, TaskKind};
use crate::report::export::{ModelFile, Predicted, SplitRecord};
use crate::report::metrics;
use crate::search::run::Search;
use serde::Serialize;

/// Serialises the search's best network as the shared model file
/// ([`crate::report::export::ModelFile`], the format `automl predict --model` reads).
pub fn export(search: &Search) -> Result<String, String> {
    let file = ModelFile::from_search(search)
        .ok_or("the search has not finished, so there is no best model yet")?;
    serde_json::to_string_pretty(&file).map_err(|e| format!("could not write the model: {e}"))
}

/// What importing a model shows.
#[derive(Debug, Clone, Serialize)]
pub struct Imported {
    /// Architecture summary.
    pub summary: String,
    /// Trainable parameters.
    pub parameters: usize,
    /// A sentence about the model and how it scores on the loaded data.
    pub message: String,
    /// The candidate view.
    #[serde(flatten)]
    pub view: CandidateInfo,
}

/// Reads a model file and, with a loaded table that has the model's columns, scores it there
/// with the model's own preparation. On the very file it was trained on, only the rows its search
/// held out for testing are scored (found again from the split recorded in the file), so the
/// score is honest and equals the leaderboard's; on other data, every row with a target is.
pub fn import(text: &str, table: Option<(Table, RoleOptions)>) -> Result<Imported, String> {
    let file: ModelFile =
        serde_json::from_str(text).map_err(|e| format!("not a model file: {e}"))?;
    file.check()?;
    let summary = file.spec.summary();
    let members = file.members();
    let models = members.len();
    let parameters: usize = members.iter().map(|m| m.spec.parameter_count()).sum();
    let mut message = if !file.ensemble.is_empty() {
        format!(
            "an ensemble of {} networks' bags ({models} networks, {parameters} parameters in \
             all), trained on {}",
            file.ensemble.len() + 1,
            file.dataset
        )
    } else if models > 1 {
        format!(
            "a bag of {models} networks ({parameters} parameters in all), trained on {}",
            file.dataset
        )
    } else {
        format!("{parameters} parameters, trained on {}", file.dataset)
    };
    if let Some(t) = file.temperature {
        message.push_str(&format!(
            ", its class probabilities softened by the temperature {t:.2} fitted out of fold"
        ));
    }
    let scored = match table {
        Some((table, _)) => match score(&file, &table) {
            Ok((prepared, sentence)) => {
                message.push_str(&format!("; {sentence}"));
                Some(prepared)
            }
            Err(why) => {
                message.push_str(&format!("; it is shown without a score: {why}"));
                None
            }
        },
        None => None,
    };
    let prepared = scored.unwrap_or_else(|| {
        data::PreparedData::from_parts(
            file.dataset.clone(),
            file.task.clone(),
            file.preparation.feature_names.clone(),
            Default::default(),
            Default::default(),
            Default::default(),
            file.target_scale,
        )
    });
    let mut view = candidate::view(
        &prepared,
        file.spec.clone(),
        file.weights.clone(),
        &members,
        file.temperature.unwrap_or(1.0),
        None,
        None,
    );
    view.set_part("scored rows");
    Ok(Imported {
        summary,
        parameters,
        message,
        view,
    })
}

/// The rows of `table` the model is scored on, encoded with its preparation (as the validation
/// part of the returned data, which is what the candidate view evaluates), and a sentence saying
/// which rows they are and how the model does on them.
fn score(file: &ModelFile, table: &Table) -> Result<(data::PreparedData, String), String> {
    let kind = match file.task {
        Task::Classification { .. } => TaskKind::Classification,
        Task::Regression => TaskKind::Regression,
    };
    let roles = RoleOptions {
        target: Some(file.preparation.target.clone()),
        task: Some(kind),
        ..RoleOptions::default()
    };
    let record = file.split.as_ref();
    let targets = data::split_targets(
        table,
        &PrepareOptions {
            roles,
            seed: record.map(|r| r.seed).unwrap_or(1),
            fractions: record.map(|r| r.fractions).unwrap_or_default(),
            ..PrepareOptions::default()
        },
    )
    .map_err(|e| e.to_string())?;
    let same_file = table.fingerprint == file.data_fingerprint;
    let held_out = record.is_some_and(|r| {
        r.test_rows == targets.rows.test.len()
            && r.test_digest == SplitRecord::digest(&targets.rows.test)
    });
    let (mut rows, which) = if same_file && held_out {
        (
            targets.rows.test.clone(),
            "on the rows of this file its search held out for testing".to_string(),
        )
    } else if same_file {
        return Err(
            "this is the file it was trained on, but its held-out test rows cannot be found again \
             (the file records no split, or another one), and its training rows would flatter it"
                .into(),
        );
    } else {
        let mut all: Vec<usize> = targets
            .rows
            .train
            .iter()
            .chain(&targets.rows.valid)
            .chain(&targets.rows.test)
            .copied()
            .collect();
        all.sort_unstable();
        (
            all,
            format!(
                "on all rows of {}, which is not the data it was trained on",
                table.name
            ),
        )
    };
    // Targets in the model's terms: its class order, or its standardised scale.
    let mut y = Vec::with_capacity(rows.len());
    let mut unknown = 0usize;
    match &file.task {
        Task::Classification { classes } => {
            rows.retain(|&r| {
                let name = targets.classes.get(targets.y[r] as usize);
                match name.and_then(|n| classes.iter().position(|c| c == n)) {
                    Some(i) => {
                        y.push(i as f32);
                        true
                    }
                    None => {
                        unknown += 1;
                        false
                    }
                }
            });
        }
        Task::Regression => {
            let (mean, std) = file.target_scale.unwrap_or((0.0, 1.0));
            y.extend(rows.iter().map(|&r| (targets.y[r] - mean) / std));
        }
    }
    if rows.is_empty() {
        return Err("no row of the loaded data has a target the model knows".into());
    }
    let x = file
        .preparation
        .transform_table(table, &rows)
        .map_err(|e| e.to_string())?;
    let predicted = file.predict_features(&x);
    let result = match (&file.task, &predicted) {
        (Task::Classification { classes }, Predicted::Classes { labels, probs }) => {
            let truth: Vec<u32> = y.iter().map(|&v| v as u32).collect();
            let m = metrics::classification(&truth, labels, Some(probs), classes.len());
            let right = truth.iter().zip(labels).filter(|(a, b)| a == b).count();
            format!(
                "{which} it classifies {right} of {} correctly (accuracy {:.3})",
                rows.len(),
                m.accuracy
            )
        }
        (_, Predicted::Values { values }) => {
            let (mean, std) = file.target_scale.unwrap_or((0.0, 1.0));
            let actual: Vec<f32> = y.iter().map(|&v| v * std + mean).collect();
            let m = metrics::regression(&actual, values, None);
            format!(
                "{which} ({} rows) its RMSE is {:.4} and R² {:.3}",
                rows.len(),
                m.rmse,
                m.r2
            )
        }
        _ => String::new(),
    };
    let skipped = if unknown > 0 {
        format!("; {unknown} rows with classes it does not know were left out")
    } else {
        String::new()
    };
    let prepared = data::PreparedData::from_parts(
        file.dataset.clone(),
        file.task.clone(),
        file.preparation.feature_names.clone(),
        Default::default(),
        data::Part { x, y },
        Default::default(),
        file.target_scale,
    );
    Ok((prepared, format!("{result}{skipped}")))
}
