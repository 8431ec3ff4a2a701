//! The search settings as the page sends them, and their translation into a [`SearchConfig`].

use super::backend::BackendChoice;
use crate::data::{PreparedData, Task};
use crate::search::run::SearchConfig;
use crate::search::sampler::{evolution::EvolutionConfig, SamplerConfig};
use crate::search::schedule::{Fidelity, SchedulerConfig};
use crate::search::space::{Range, SearchSpace};
use crate::search::Budget;
use serde::Deserialize;

/// Settings of the search panel (the page validates ranges first; the search validates again).
#[derive(Debug, Clone, Deserialize)]
pub struct PageConfig {
    /// `random`, `tpe` or `evolution`.
    pub sampler: String,
    /// `hyperband`, `sh`, `asha` or `none`.
    pub scheduler: String,
    /// Seconds of searching.
    pub budget_seconds: Option<f64>,
    /// Candidate-epochs in total.
    pub budget_epochs: Option<u64>,
    /// Epochs per candidate at the top rung.
    pub max_epochs: u32,
    /// Seed of the run (also the split seed).
    pub seed: u64,
    /// Children inherit their parents' weights (evolution).
    pub inherit: bool,
    /// Backend choice.
    #[serde(default)]
    pub backend: BackendChoice,
    /// Hidden layers `[min, max]`.
    pub depth: (u32, u32),
    /// Units per layer `[min, max]`.
    pub width: (f64, f64),
    /// Learning rate `[min, max]`.
    pub learning_rate: (f64, f64),
    /// Dropout `[min, max]`.
    pub dropout: (f64, f64),
    /// Further edits of the space as a JSON object (see [`SearchSpace::with_overrides`]),
    /// applied over the ranges above.
    #[serde(default)]
    pub space_json: Option<String>,
}

/// Candidates trained together by ASHA and by "no early stopping".
const PARALLEL: u32 = 8;

impl PageConfig {
    /// The scheduler settings.
    pub fn scheduler(&self) -> Result<SchedulerConfig, String> {
        Ok(match self.scheduler.as_str() {
            "hyperband" => SchedulerConfig::Hyperband,
            "sh" => SchedulerConfig::SuccessiveHalving,
            "asha" => SchedulerConfig::Asha { slots: PARALLEL },
            "none" => SchedulerConfig::None { parallel: PARALLEL },
            other => {
                return Err(format!(
                    "unknown scheduler \"{other}\" (hyperband, sh, asha, none)"
                ))
            }
        })
    }

    /// Rungs at `max_epochs / 3ᵏ` epochs, the lowest at least one epoch.
    pub fn fidelity(&self) -> Fidelity {
        let max_epochs = self.max_epochs.max(1);
        Fidelity {
            min_epochs: (max_epochs / 27).max(1),
            max_epochs,
            eta: 3,
        }
    }

    /// The full search configuration for `data`.
    pub fn search_config(&self, data: &PreparedData) -> Result<SearchConfig, String> {
        let sampler = match (self.sampler.as_str(), self.inherit) {
            (_, true) | ("evolution", _) => SamplerConfig::Evolution(EvolutionConfig {
                inherit: self.inherit,
                ..EvolutionConfig::default()
            }),
            ("random", false) => SamplerConfig::Random,
            ("tpe", false) => SamplerConfig::Tpe(Default::default()),
            (other, _) => {
                return Err(format!(
                    "unknown sampler \"{other}\" (random, tpe, evolution)"
                ))
            }
        };
        let classification = matches!(data.task, Task::Classification { .. });
        let space = self.space(classification, data.train.rows())?;
        Ok(SearchConfig {
            seed: self.seed,
            space: Some(space),
            sampler,
            scheduler: self.scheduler()?,
            fidelity: self.fidelity(),
            budget: Budget {
                seconds: self.budget_seconds,
                epochs: self.budget_epochs,
            },
            max_epochs_per_step: 3,
            ..SearchConfig::default()
        })
    }

    /// The task's default space with the page's ranges and JSON edits, validated.
    pub fn space(&self, classification: bool, train_rows: usize) -> Result<SearchSpace, String> {
        let mut space = SearchSpace::default_for(classification, train_rows);
        space.depth = self.depth;
        space.width = Range {
            min: self.width.0,
            max: self.width.1,
            log: space.width.log,
        };
        space.learning_rate = Range::log(self.learning_rate.0, self.learning_rate.1);
        space.dropout = Range::linear(self.dropout.0, self.dropout.1);
        let edited = match self.space_json.as_deref().filter(|j| !j.trim().is_empty()) {
            // `with_overrides` validates the edited space.
            Some(json) => space.with_overrides(json),
            None => space.validate().map(|()| space),
        };
        edited.map_err(|e| e.to_string())
    }
}
