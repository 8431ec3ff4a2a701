//! Reporting: evaluation metrics, the leaderboard, and export formats (run JSON, model JSON,
//! Optuna journal).

pub mod export;
pub mod leaderboard;
pub mod metrics;
