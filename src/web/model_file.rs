//! The best-model file: the network (spec + weights) with the fitted preparation and the names
//! it needs to be used on new rows, as versioned JSON; and reading such a file back.

use super::candidate::{self, CandidateInfo};
use crate::data::{self, Preparation, PrepareOptions, RoleOptions, Table, Task};
use crate::model::{Spec, Weights};
use crate::search::run::Search;
use serde::{Deserialize, Serialize};

/// Format tag of a model file.
pub const MODEL_FORMAT: &str = "automl-model";

/// A trained network ready to be used again.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ModelFile {
    /// Always [`MODEL_FORMAT`].
    pub format: String,
    /// Schema version.
    pub version: u32,
    /// Dataset name.
    pub dataset: String,
    /// Task and classes.
    pub task: Task,
    /// Encoded input names, in order.
    pub feature_names: Vec<String>,
    /// The fitted preparation (imputation, encoding, scaling).
    pub preparation: Preparation,
    /// Regression target mean and std.
    pub target_scale: Option<(f32, f32)>,
    /// Trial number in its search.
    pub trial: u32,
    /// Architecture and hyperparameters (validated when read).
    pub spec: Spec,
    /// Trained weights.
    pub weights: Weights,
}

/// Serialises the search's best network.
pub fn export(search: &Search) -> Result<String, String> {
    let (trial, weights) = search
        .best()
        .ok_or("the search has not finished, so there is no best model yet")?;
    let d = search.data();
    let file = ModelFile {
        format: MODEL_FORMAT.into(),
        version: 1,
        dataset: d.name.clone(),
        task: d.task.clone(),
        feature_names: d.feature_names.clone(),
        preparation: d.preparation.clone(),
        target_scale: d.target_scale,
        trial: trial.id,
        spec: trial.spec.clone(),
        weights: weights.clone(),
    };
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

fn check_weights(spec: &Spec, weights: &Weights) -> Result<(), String> {
    let widths = spec.widths();
    if weights.layers.len() + 1 != widths.len() {
        return Err(format!(
            "weights: {} layers, but the spec has {}",
            weights.layers.len(),
            widths.len() - 1
        ));
    }
    for (l, (layer, pair)) in weights.layers.iter().zip(widths.windows(2)).enumerate() {
        if layer.inputs != pair[0]
            || layer.outputs != pair[1]
            || layer.w.len() != pair[0] * pair[1]
            || layer.b.len() != pair[1]
        {
            return Err(format!(
                "weights.layers[{l}]: shape {}×{} with {} weights and {} biases does not match the spec's {}×{}",
                layer.inputs,
                layer.outputs,
                layer.w.len(),
                layer.b.len(),
                pair[0],
                pair[1]
            ));
        }
        if layer.w.iter().chain(&layer.b).any(|v| !v.is_finite()) {
            return Err(format!("weights.layers[{l}]: contains a non-finite value"));
        }
    }
    Ok(())
}

/// Reads a model file; with a loaded table whose columns fit, scores it on that data's
/// validation rows (prepared with the model's own target and split seed 1).
pub fn import(text: &str, table: Option<(Table, RoleOptions)>) -> Result<Imported, String> {
    let file: ModelFile =
        serde_json::from_str(text).map_err(|e| format!("not a model file: {e}"))?;
    if file.format != MODEL_FORMAT {
        return Err(format!(
            "format is \"{}\", expected \"{MODEL_FORMAT}\"",
            file.format
        ));
    }
    if file.version != 1 {
        return Err(format!(
            "model file version {} is not supported (expected 1)",
            file.version
        ));
    }
    check_weights(&file.spec, &file.weights)?;
    let summary = file.spec.summary();
    let parameters = file.spec.parameter_count();
    let fallback = || {
        let prepared = data::PreparedData::from_parts(
            file.dataset.clone(),
            file.task.clone(),
            file.feature_names.clone(),
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
            Ok(prepared) if prepared.feature_names == file.feature_names => {
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
