//! The leaderboard: neural finalists and baselines on the same split and metrics, ranked by the
//! cross-validated score where there is one, else by the validation metric (selection never
//! looks at test scores).

use super::metrics::Metrics;
use crate::search::cv::CvScore;
use crate::search::ensemble::Share;
use serde::{Deserialize, Serialize};

/// Where a row comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    /// A searched network.
    Neural,
    /// A classical baseline.
    Baseline,
}

/// One leaderboard row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// 1-based rank: by cross-validated score where there is one, else by validation metric
    /// (see [`Leaderboard::new`]).
    pub rank: u32,
    /// Architecture summary or baseline name.
    pub model: String,
    /// Neural or baseline.
    pub kind: ModelKind,
    /// Trial number (neural rows).
    pub trial: Option<u32>,
    /// Trainable parameters (neural rows).
    pub parameters: Option<usize>,
    /// Validation metrics.
    pub valid: Metrics,
    /// Test metrics (evaluated once, at the end).
    pub test: Metrics,
    /// Epochs trained (neural rows).
    pub epochs: Option<u32>,
    /// Training time in milliseconds. For a network, every network of the tested model counts
    /// with all its training: the search phase, its cross-validation folds and a refit (for an
    /// ensemble, the sum over its members).
    pub train_ms: f64,
    /// Inference time per 1,000 rows in milliseconds.
    pub infer_ms_per_1000: f64,
    /// Whether the model was refit on train + validation before the test evaluation: a
    /// network's weights, or a baseline (refit whenever the winner was trained on those rows;
    /// its validation metrics stay those of its fit on the training rows).
    #[serde(default)]
    pub refit: bool,
    /// Networks whose mean output is this row's model: the winner's fold models when it was
    /// bagged (its parameters then count all of them), 0 for one network or a baseline.
    #[serde(default)]
    pub bag: u32,
    /// The trials whose bags form this row's model, with their shares, when the winner is an
    /// ensemble of several (its parameters and `bag` then count every network, and `cv` is
    /// the ensemble's out-of-fold score); empty otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ensemble: Vec<Share>,
    /// Cross-validated score on train + validation folds (neural finalists that were
    /// cross-validated, and the baselines fitted on the same folds).
    #[serde(default)]
    pub cv: Option<CvScore>,
    /// The temperature that scales this row's class probabilities (its test log loss is that of
    /// the scaled ones): the winner's, fitted on its out-of-fold predictions; `None` unscaled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
}

/// Ranked rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Leaderboard {
    /// Rows, best first.
    pub rows: Vec<Row>,
}

impl Leaderboard {
    /// Ranks rows by validation metric (accuracy descending / RMSE ascending), ties by test-free
    /// secondary keys (validation log loss, then fewer parameters, then name). When some rows
    /// carry a cross-validated score, the neural rows and the cross-validated baselines are
    /// reordered by it within the places they hold (cross-validated first, by score, then loss;
    /// a baseline gives no probabilities, so a network with the same score ranks above it), and
    /// a baseline without one is placed among them by its validation score.
    pub fn new(mut rows: Vec<Row>) -> Leaderboard {
        rows.sort_by(|a, b| {
            let (pa, pb) = (a.valid.primary(), b.valid.primary());
            let primary = if a.valid.higher_is_better() {
                pb.total_cmp(&pa)
            } else {
                pa.total_cmp(&pb)
            };
            let loss = |r: &Row| match &r.valid {
                Metrics::Classification(m) => m.log_loss.unwrap_or(f64::INFINITY),
                Metrics::Regression(m) => m.mae,
            };
            primary
                .then(loss(a).total_cmp(&loss(b)))
                .then(a.parameters.unwrap_or(0).cmp(&b.parameters.unwrap_or(0)))
                .then(a.model.cmp(&b.model))
        });
        // When some rows were cross-validated (networks, and the baselines fitted on the same
        // folds), those rows are ordered by that (more reliable) estimate, then loss; neural
        // rows without one follow the last cross-validated network in their validation order,
        // and rows that diverged on a fold come last (as `Search` ranks them). Each baseline
        // without a cross-validated score then goes above the first of those rows whose score
        // (cross-validated, else validation) is worse than its validation score.
        if rows.iter().any(|r| r.cv.is_some()) {
            let class = |r: &Row| CvScore::rank_class(r.cv.as_ref());
            let (mut placed, others): (Vec<Row>, Vec<Row>) = rows
                .drain(..)
                .partition(|r| r.kind == ModelKind::Neural || r.cv.is_some());
            placed.sort_by(|a, b| {
                class(a).cmp(&class(b)).then(match (&a.cv, &b.cv) {
                    (Some(x), Some(y)) if class(a) == 0 && class(b) == 0 => {
                        let classification = a.valid.higher_is_better();
                        x.objective(classification)
                            .cmp(&y.objective(classification))
                    }
                    _ => std::cmp::Ordering::Equal,
                })
            });
            // Networks without a cross-validated score (the search ranked them below the
            // cross-validated ones) follow the last cross-validated network, not the last
            // cross-validated baseline: the baselines below it stay below them.
            let scored = placed.iter().filter(|r| class(r) == 0).count();
            let unscored = placed.iter().filter(|r| class(r) == 1).count();
            let after = placed[..scored]
                .iter()
                .rposition(|r| r.kind == ModelKind::Neural)
                .map_or(0, |i| i + 1);
            placed[after..scored + unscored].rotate_right(unscored);
            // The score a row is placed by: a failed cross-validation counts as the worst.
            let score = |r: &Row| match (class(r), &r.cv) {
                (0, Some(c)) => c.score,
                (2, _) if r.valid.higher_is_better() => f64::NEG_INFINITY,
                (2, _) => f64::INFINITY,
                _ => r.valid.primary(),
            };
            for r in others {
                let own = r.valid.primary();
                let worse = |other: f64| {
                    if r.valid.higher_is_better() {
                        other < own
                    } else {
                        other > own
                    }
                };
                let at = placed
                    .iter()
                    .position(|p| worse(score(p)))
                    .unwrap_or(placed.len());
                placed.insert(at, r);
            }
            rows = placed;
        }
        for (i, r) in rows.iter_mut().enumerate() {
            r.rank = i as u32 + 1;
        }
        Leaderboard { rows }
    }

    /// The best neural row.
    pub fn best_neural(&self) -> Option<&Row> {
        self.rows.iter().find(|r| r.kind == ModelKind::Neural)
    }

    /// The best baseline row.
    pub fn best_baseline(&self) -> Option<&Row> {
        self.rows.iter().find(|r| r.kind == ModelKind::Baseline)
    }

    /// A copy without timing columns (which vary between runs), for reproducibility checks.
    pub fn without_timings(&self) -> Leaderboard {
        let mut l = self.clone();
        for r in &mut l.rows {
            r.train_ms = 0.0;
            r.infer_ms_per_1000 = 0.0;
        }
        l
    }

    /// A plain-text table for terminals.
    pub fn table(&self) -> String {
        let regression = self
            .rows
            .first()
            .is_some_and(|r| !r.valid.higher_is_better());
        let (m1, m2) = if regression {
            ("RMSE", "R²")
        } else {
            ("acc", "F1")
        };
        let mut out = format!(
            "{:>4}  {:<34} {:>9} {:>7} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}\n",
            "rank",
            "model",
            "params",
            "epochs",
            format!("val {m1}"),
            format!("cv {m1}"),
            format!("test {m1}"),
            format!("test {m2}"),
            if regression { "MAE" } else { "logloss" },
            "train ms",
            "ms/1k"
        );
        for r in &self.rows {
            let (v1, t1, t2, t3) = match (&r.valid, &r.test) {
                (Metrics::Classification(v), Metrics::Classification(t)) => (
                    v.accuracy,
                    t.accuracy,
                    t.macro_f1,
                    t.log_loss
                        .map(|l| format!("{l:.3}"))
                        .unwrap_or_else(|| "-".into()),
                ),
                (Metrics::Regression(v), Metrics::Regression(t)) => {
                    (v.rmse, t.rmse, t.r2, metric_text(t.mae))
                }
                _ => (f64::NAN, f64::NAN, f64::NAN, "-".into()),
            };
            let cv =
                r.cv.map(|c| metric_text(c.score))
                    .unwrap_or_else(|| "-".into());
            let suffix = match (r.bag, r.refit, r.ensemble.len()) {
                (0, true, _) => " (refit)".to_string(),
                (0, false, _) => String::new(),
                (k, _, m) if m > 1 => format!(" (ensemble of {m}, {k} nets)"),
                (k, _, _) => format!(" (bag of {k})"),
            };
            let room = 34 - suffix.chars().count();
            let mut model = r.model.clone();
            if model.chars().count() > room {
                model = model.chars().take(room - 1).collect::<String>() + "…";
            }
            model.push_str(&suffix);
            out.push_str(&format!(
                "{:>4}  {:<34} {:>9} {:>7} {:>9} {:>9} {:>9} {:>9.4} {:>9} {:>9.1} {:>9.3}\n",
                r.rank,
                model,
                r.parameters
                    .map(|p| p.to_string())
                    .unwrap_or_else(|| "-".into()),
                r.epochs
                    .map(|e| e.to_string())
                    .unwrap_or_else(|| "-".into()),
                metric_text(v1),
                cv,
                metric_text(t1),
                t2,
                t3,
                r.train_ms,
                r.infer_ms_per_1000
            ));
        }
        out
    }
}

/// A score as the terminal shows it: four decimals as long as that stays short (a regression
/// target in the millions would give 13-character RMSEs), whole numbers from 10,000, and
/// scientific notation from 10^9.
pub fn metric_text(v: f64) -> String {
    match v.abs() {
        a if !a.is_finite() || a < 1e4 => format!("{v:.4}"),
        a if a < 1e9 => format!("{v:.0}"),
        _ => format!("{v:.4e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::metric_text;

    #[test]
    fn scores_stay_short_in_the_terminal() {
        assert_eq!(metric_text(0.96667), "0.9667");
        assert_eq!(metric_text(52.08821), "52.0882");
        assert_eq!(metric_text(9999.5), "9999.5000");
        assert_eq!(metric_text(10955861.17), "10955861");
        assert_eq!(metric_text(-12345.6), "-12346");
        assert_eq!(metric_text(8.875e11), "8.8750e11");
        assert_eq!(metric_text(f64::NAN), "NaN");
    }
}
