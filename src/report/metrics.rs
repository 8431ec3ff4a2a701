//! Evaluation metrics shared by neural candidates and baselines.
//!
//! Classification: accuracy, balanced accuracy, macro F1, log loss, confusion matrix.
//! Regression: RMSE, MAE and R², always in the original units of the target (predictions and
//! targets are un-standardised with the training part's mean and std before scoring).

use serde::{Deserialize, Serialize};

/// Probabilities are clipped to `[EPS, 1 - EPS]` before taking logs (as scikit-learn does).
const EPS: f64 = 1e-15;

/// Classification scores on one part of the data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassificationMetrics {
    /// Fraction of rows predicted correctly.
    pub accuracy: f64,
    /// Mean recall over the classes present in the true labels.
    pub balanced_accuracy: f64,
    /// Unweighted mean F1 over the classes present in the true or predicted labels.
    pub macro_f1: f64,
    /// Mean negative log-likelihood of the true class; `None` for models without probabilities.
    pub log_loss: Option<f64>,
    /// `confusion[true][predicted]` row counts.
    pub confusion: Vec<Vec<u32>>,
}

/// Regression scores on one part of the data, in the target's original units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegressionMetrics {
    /// Root mean squared error.
    pub rmse: f64,
    /// Mean absolute error.
    pub mae: f64,
    /// Coefficient of determination (1 − SSE / SST; 0 when the target is constant).
    pub r2: f64,
}

/// Scores of one model on one part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "task", rename_all = "snake_case")]
pub enum Metrics {
    /// Classification task.
    Classification(ClassificationMetrics),
    /// Regression task.
    Regression(RegressionMetrics),
}

impl Metrics {
    /// The headline number: accuracy (classification) or RMSE (regression).
    pub fn primary(&self) -> f64 {
        match self {
            Metrics::Classification(m) => m.accuracy,
            Metrics::Regression(m) => m.rmse,
        }
    }

    /// Whether larger values of [`Metrics::primary`] are better.
    pub fn higher_is_better(&self) -> bool {
        matches!(self, Metrics::Classification(_))
    }

    /// Name of the headline number.
    pub fn primary_name(&self) -> &'static str {
        match self {
            Metrics::Classification(_) => "accuracy",
            Metrics::Regression(_) => "rmse",
        }
    }
}

/// Index of the largest value in each row of a `rows × classes` matrix.
pub fn argmax_rows(probs: &[f32], classes: usize) -> Vec<u32> {
    if classes == 0 {
        return Vec::new();
    }
    probs
        .chunks(classes)
        .map(|row| {
            let mut best = 0;
            for (j, &p) in row.iter().enumerate() {
                if p > row[best] {
                    best = j;
                }
            }
            best as u32
        })
        .collect()
}

#[allow(clippy::needless_range_loop)] // confusion is indexed on both axes
/// Scores hard predictions (and, when given, `rows × classes` probabilities) against labels.
pub fn classification(
    labels: &[u32],
    predicted: &[u32],
    probs: Option<&[f32]>,
    classes: usize,
) -> ClassificationMetrics {
    let mut confusion = vec![vec![0u32; classes]; classes];
    for (&t, &p) in labels.iter().zip(predicted) {
        if (t as usize) < classes && (p as usize) < classes {
            confusion[t as usize][p as usize] += 1;
        }
    }
    let n = labels.len().max(1) as f64;
    let correct: u32 = (0..classes).map(|c| confusion[c][c]).sum();
    let accuracy = correct as f64 / n;

    let mut recall_sum = 0.0;
    let mut recall_classes = 0usize;
    let mut f1_sum = 0.0;
    let mut f1_classes = 0usize;
    for c in 0..classes {
        let support: u32 = confusion[c].iter().sum();
        let predicted_c: u32 = (0..classes).map(|t| confusion[t][c]).sum();
        let tp = confusion[c][c] as f64;
        if support > 0 {
            recall_sum += tp / support as f64;
            recall_classes += 1;
        }
        if support > 0 || predicted_c > 0 {
            let denom = support as f64 + predicted_c as f64;
            f1_sum += if denom > 0.0 { 2.0 * tp / denom } else { 0.0 };
            f1_classes += 1;
        }
    }
    let balanced_accuracy = recall_sum / recall_classes.max(1) as f64;
    let macro_f1 = f1_sum / f1_classes.max(1) as f64;

    let log_loss = probs.map(|p| {
        let total: f64 = labels
            .iter()
            .enumerate()
            .map(|(r, &t)| {
                let v = p.get(r * classes + t as usize).copied().unwrap_or(0.0) as f64;
                -v.clamp(EPS, 1.0 - EPS).ln()
            })
            .sum();
        total / n
    });
    ClassificationMetrics {
        accuracy,
        balanced_accuracy,
        macro_f1,
        log_loss,
        confusion,
    }
}

/// Scores predictions against targets, both in standardised units, after mapping them back to
/// the original units with `scale = (mean, std)` (identity when `None`).
pub fn regression(
    targets: &[f32],
    predicted: &[f32],
    scale: Option<(f32, f32)>,
) -> RegressionMetrics {
    let (mean, std) = scale
        .map(|(m, s)| (m as f64, s as f64))
        .unwrap_or((0.0, 1.0));
    let t: Vec<f64> = targets.iter().map(|&v| v as f64 * std + mean).collect();
    let p: Vec<f64> = predicted.iter().map(|&v| v as f64 * std + mean).collect();
    let n = t.len().max(1) as f64;
    let sse: f64 = t.iter().zip(&p).map(|(a, b)| (a - b) * (a - b)).sum();
    let sae: f64 = t.iter().zip(&p).map(|(a, b)| (a - b).abs()).sum();
    let t_mean = t.iter().sum::<f64>() / n;
    let sst: f64 = t.iter().map(|a| (a - t_mean) * (a - t_mean)).sum();
    RegressionMetrics {
        rmse: (sse / n).sqrt(),
        mae: sae / n,
        r2: if sst > 0.0 { 1.0 - sse / sst } else { 0.0 },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification_metrics_match_hand_computed_values() {
        // true: 0 0 1 1 2 ; predicted: 0 1 1 1 0
        let labels = [0, 0, 1, 1, 2];
        let predicted = [0, 1, 1, 1, 0];
        let m = classification(&labels, &predicted, None, 3);
        assert!((m.accuracy - 0.6).abs() < 1e-12);
        // recalls: 0.5, 1.0, 0.0 -> 0.5
        assert!((m.balanced_accuracy - 0.5).abs() < 1e-12);
        // F1: class0 2*1/(2+2)=0.5, class1 2*2/(2+3)=0.8, class2 0 -> 1.3/3
        assert!((m.macro_f1 - 1.3 / 3.0).abs() < 1e-12);
        assert_eq!(
            m.confusion,
            vec![vec![1, 1, 0], vec![0, 2, 0], vec![1, 0, 0]]
        );
        assert_eq!(m.log_loss, None);
    }

    #[test]
    fn log_loss_uses_the_true_class_probability() {
        let probs = [0.5f32, 0.5, 0.25, 0.75];
        let m = classification(&[0, 1], &argmax_rows(&probs, 2), Some(&probs), 2);
        let expected = -(0.5f64.ln() + 0.75f64.ln()) / 2.0;
        assert!((m.log_loss.unwrap() - expected).abs() < 1e-6);
    }

    #[test]
    fn regression_metrics_are_in_original_units() {
        let m = regression(&[0.0, 1.0], &[0.5, 1.0], Some((10.0, 2.0)));
        // original: targets 10, 12; predictions 11, 12
        assert!((m.rmse - (0.5f64).sqrt()).abs() < 1e-9);
        assert!((m.mae - 0.5).abs() < 1e-9);
        assert!((m.r2 - (1.0 - 1.0 / 2.0)).abs() < 1e-9);
    }
}
