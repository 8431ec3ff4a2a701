//! Hyperparameter and architecture search.
//!
//! - [`space`]: what may be searched, as data, and the one step from a sample to a [`Spec`](crate::model::Spec);
//!   [`space_edit`]: a space edited by a partial JSON object (the CLI's `--space` file).
//! - [`sampler`]: random, TPE and regularized evolution.
//! - [`schedule`]: no early stopping, successive halving / Hyperband, ASHA.
//! - [`cv`]: cross-validation of the finalists after the search phase.
//! - [`ensemble`]: the winner as an ensemble of the cross-validated finalists.
//! - [`events`]: the typed event stream.
//! - [`near_copy`]: which top candidates are near-copies of a better one (they get no kept place).
//! - [`run`]: the search state machine ([`run::Search`]).

pub mod cv;
pub mod ensemble;
pub mod events;
pub mod near_copy;
pub mod run;
pub mod sampler;
pub mod schedule;
pub mod space;
pub mod space_edit;

use serde::{Deserialize, Serialize};

/// How much a search may spend. The search stops at whichever limit comes first; at least one
/// limit must be set.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Budget {
    /// Wall-clock seconds of searching (pauses excluded).
    pub seconds: Option<f64>,
    /// Candidate-epochs in total (one candidate trained one epoch = 1).
    pub epochs: Option<u64>,
}
