//! The best-model file: the network (spec + weights) with the fitted preparation and the names
//! it needs to be used on new rows, as versioned JSON; and reading such a file back.

use super::candidate::{self, CandidateInfo};
use crate::data::{self, PrepareOptions, RoleOptions, Table};
use crate::report::export::ModelFile;
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

/// Reads a model file; with a loaded table whose columns fit, scores it on that data's
/// validation rows (prepared with the model's own target and split seed 1).
pub fn import(text: &str, table: Option<(Table, RoleOptions)>) -> Result<Imported, String> {
    let file: ModelFile =
        serde_json::from_str(text).map_err(|e| format!("not a model file: {e}"))?;
    file.check()?;
    if file.version != 1 {
        return Err(format!(
            "model file version {} is not supported (expected 1)",
            file.version
        ));
    }
    let feature_names = file.preparation.feature_names.clone();
    let summary = file.spec.summary();
    let parameters = file.spec.parameter_count();
    let fallback = || {
        let prepared = data::PreparedData::from_parts(
            file.dataset.clone(),
            file.task.clone(),
            feature_names.clone(),
            Default::default(),
            Default::default(),
            Default::default(),
            file.target_scale,
        );
        candidate::view(
            &prepared,
            file.spec.clone(),
            file.weights.clone(),
            None,
            None,
        )
    };
    let mut message = format!("{parameters} parameters, trained on {}", file.dataset);
    let view = match table {
        Some((table, roles)) => match data::prepare(
            &table,
            &PrepareOptions {
                roles,
                ..PrepareOptions::default()
            },
        ) {
            Ok(prepared) if prepared.feature_names == feature_names => {
                let info = candidate::view(
                    &prepared,
                    file.spec.clone(),
                    file.weights.clone(),
                    None,
                    None,
                );
                if let Some(candidate::Evaluation::Confusion { matrix, .. }) = &info.evaluation {
                    let total: u32 = matrix.iter().flatten().sum();
                    let right: u32 = (0..matrix.len()).map(|i| matrix[i][i]).sum();
                    message.push_str(&format!(
                        "; on the loaded data it classifies {right} of {total} validation rows correctly"
                    ));
                }
                info
            }
            Ok(_) => {
                message.push_str(
                    "; the loaded data has different columns, so it is shown without a score",
                );
                fallback()
            }
            Err(e) => {
                message.push_str(&format!("; the loaded data could not be prepared ({e})"));
                fallback()
            }
        },
        None => fallback(),
    };
    Ok(Imported {
        summary,
        parameters,
        message,
        view,
    })
}
