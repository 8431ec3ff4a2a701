//! Temperature scaling of class probabilities (Guo et al., "On calibration of modern neural
//! networks", ICML 2017; AutoGluon offers the same for its predictors).
//!
//! A network trained with cross-entropy tends to be more confident on rows it has not seen than
//! it is right, and a confident mistake dominates the log loss. Temperature scaling divides the
//! log-probabilities by one number `T` and normalises again: `q_c ∝ p_c^(1/T)`. `T > 1` softens
//! every prediction alike, so the predicted class (and the accuracy) never changes; only the
//! probabilities do. `T` is fitted by minimising the log loss of held-out predictions: here the
//! out-of-fold predictions of the cross-validated winner, whose every row was predicted by a
//! model that did not train on it.
//!
//! The fit only softens (`T ≥ 1`): held-out predictions that are right on every row would
//! otherwise be sharpened without limit (the log loss keeps falling as `T → 0`), which makes
//! the first mistake on new rows all the costlier. Log-probabilities are floored at
//! [`LOG_FLOOR`] so that a probability that rounded to zero can still be softened.

use super::loss;

/// The largest temperature the fit may choose.
pub const MAX_TEMPERATURE: f64 = 16.0;

/// The smallest log-probability used (probabilities below `e^-69 ≈ 1e-30` count as that).
pub const LOG_FLOOR: f64 = -69.0;

/// Iterations of the golden-section search (the bracket shrinks by 0.618 each).
const ITERATIONS: usize = 60;

fn log_p(p: f32) -> f64 {
    if p > 0.0 {
        (p as f64).ln().max(LOG_FLOOR)
    } else {
        LOG_FLOOR
    }
}

/// Scales `rows × classes` probabilities in place by `temperature` (see the module doc). A
/// temperature of 1, a non-finite or non-positive one, or fewer than two classes leave them
/// as they are. The largest probability of each row stays the largest.
pub fn temper(probs: &mut [f32], classes: usize, temperature: f64) {
    if classes < 2 || temperature == 1.0 || !temperature.is_finite() || temperature <= 0.0 {
        return;
    }
    let beta = 1.0 / temperature;
    for row in probs.chunks_exact_mut(classes) {
        let logits: Vec<f64> = row.iter().map(|&p| beta * log_p(p)).collect();
        let max = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let sum: f64 = logits.iter().map(|l| (l - max).exp()).sum();
        for (p, l) in row.iter_mut().zip(&logits) {
            *p = ((l - max).exp() / sum) as f32;
        }
    }
}

/// Mean log loss of `rows × classes` probabilities scaled by `1 / beta` against `targets`
/// (class indices as floats).
fn mean_loss(log_probs: &[f64], targets: &[f32], classes: usize, beta: f64) -> f64 {
    let mut total = 0.0;
    for (row, &y) in log_probs.chunks_exact(classes).zip(targets) {
        let c = loss::class_index(y, classes);
        let max = row.iter().copied().fold(f64::NEG_INFINITY, f64::max) * beta;
        let lse = max + row.iter().map(|l| (beta * l - max).exp()).sum::<f64>().ln();
        total += lse - beta * row[c];
    }
    total / targets.len().max(1) as f64
}

/// The temperature in `[1, MAX_TEMPERATURE]` that minimises the mean log loss of the held-out
/// `rows × classes` probabilities `probs` against `targets` (one class index per row, as
/// floats). The loss of temperature-scaled log-probabilities is convex in `1 / T`, so a
/// golden-section search on `1 / T` finds the minimum. `None` for fewer than two classes, no
/// rows, or shapes that do not match.
pub fn fit_temperature(probs: &[f32], targets: &[f32], classes: usize) -> Option<f64> {
    if classes < 2 || targets.is_empty() || probs.len() != targets.len() * classes {
        return None;
    }
    let log_probs: Vec<f64> = probs.iter().map(|&p| log_p(p)).collect();
    let loss_at = |beta: f64| mean_loss(&log_probs, targets, classes, beta);
    let (mut lo, mut hi) = (1.0 / MAX_TEMPERATURE, 1.0);
    let ratio = (5f64.sqrt() - 1.0) / 2.0;
    let (mut a, mut b) = (hi - ratio * (hi - lo), lo + ratio * (hi - lo));
    let (mut fa, mut fb) = (loss_at(a), loss_at(b));
    for _ in 0..ITERATIONS {
        if fa <= fb {
            hi = b;
            (b, fb) = (a, fa);
            a = hi - ratio * (hi - lo);
            fa = loss_at(a);
        } else {
            lo = a;
            (a, fa) = (b, fb);
            b = lo + ratio * (hi - lo);
            fb = loss_at(b);
        }
    }
    // The bracket's ends are candidates too: the minimum of a convex loss may lie on a bound.
    let best = [1.0, (lo + hi) / 2.0, 1.0 / MAX_TEMPERATURE]
        .into_iter()
        .map(|b| (b, loss_at(b)))
        .min_by(|x, y| x.1.total_cmp(&y.1))
        .map_or(1.0, |(b, _)| b);
    Some(1.0 / best)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loss_of(probs: &[f32], targets: &[f32], classes: usize) -> f64 {
        let lp: Vec<f64> = probs.iter().map(|&p| log_p(p)).collect();
        mean_loss(&lp, targets, classes, 1.0)
    }

    #[test]
    fn tempering_softens_without_changing_the_predicted_class() {
        let mut p = vec![0.9f32, 0.09, 0.01, 0.2, 0.5, 0.3];
        let before = p.clone();
        temper(&mut p, 3, 2.0);
        for (row, old) in p.chunks_exact(3).zip(before.chunks_exact(3)) {
            assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-6);
            assert_eq!(loss::argmax(row), loss::argmax(old));
            let max = |r: &[f32]| r.iter().copied().fold(0.0, f32::max);
            assert!(max(row) < max(old), "{row:?} vs {old:?}");
        }
        // q ∝ √p for T = 2.
        let s = 0.9f64.sqrt() + 0.09f64.sqrt() + 0.01f64.sqrt();
        assert!((p[0] as f64 - 0.9f64.sqrt() / s).abs() < 1e-6);
        let mut same = before.clone();
        temper(&mut same, 3, 1.0);
        assert_eq!(same, before);
    }

    #[test]
    fn a_probability_that_rounded_to_zero_can_still_be_softened() {
        let mut p = vec![1.0f32, 0.0];
        temper(&mut p, 2, 4.0);
        assert!(p[1] > 0.0 && p[1] < 1e-6, "{p:?}");
        assert_eq!(p[0], 1.0 - p[1]);
    }

    #[test]
    fn overconfident_held_out_predictions_get_a_temperature_that_lowers_their_loss() {
        // Right with 0.99 on 8 rows of 10, wrong with 0.99 on 2: the true rate is 0.8, so the
        // best temperature softens, and the loss falls.
        let mut probs = Vec::new();
        let mut targets = Vec::new();
        for i in 0..10 {
            probs.extend_from_slice(&[0.99f32, 0.01]);
            targets.push(if i < 8 { 0.0 } else { 1.0 });
        }
        let t = fit_temperature(&probs, &targets, 2).unwrap();
        assert!(t > 1.5 && t < MAX_TEMPERATURE, "{t}");
        // At the optimum the confidence matches the rate: p^(1/T) / (p^(1/T) + q^(1/T)) = 0.8.
        let mut scaled = probs.clone();
        temper(&mut scaled, 2, t);
        assert!((scaled[0] - 0.8).abs() < 1e-3, "{scaled:?}");
        assert!(loss_of(&scaled, &targets, 2) < loss_of(&probs, &targets, 2));
        for other in [t * 0.8, t * 1.25] {
            let mut s = probs.clone();
            temper(&mut s, 2, other);
            assert!(loss_of(&s, &targets, 2) > loss_of(&scaled, &targets, 2));
        }
    }

    #[test]
    fn predictions_right_on_every_row_are_never_sharpened() {
        let probs = [0.7f32, 0.3, 0.4, 0.6, 0.8, 0.2];
        let targets = [0.0, 1.0, 0.0];
        assert_eq!(fit_temperature(&probs, &targets, 2), Some(1.0));
        assert_eq!(fit_temperature(&probs, &targets, 1), None);
        assert_eq!(fit_temperature(&probs[..4], &targets, 2), None);
        assert_eq!(fit_temperature(&[], &[], 2), None);
    }
}
