//! The trainer a search runs on in the browser: see [`crate::backend`], where the choice lives.

pub use crate::backend::{Backend, BackendChoice, BackendInfo};
use crate::model::trainer::TrainData;

/// Opens the trainer for `choice` on `data` (the error is the message shown to the user).
pub async fn open(
    choice: BackendChoice,
    data: TrainData,
) -> Result<(Backend, BackendInfo), String> {
    Backend::choose(choice, data)
        .await
        .map_err(|e| e.to_string())
}
