//! Near-copies among the top candidates.
//!
//! A sampler that concentrates, as TPE does late in a long run, proposes many small variations
//! of one good configuration, and several of them can fill the top of the ranking. The search
//! keeps weights for its finalists and cross-validation candidates only; spending those places
//! on near-copies leaves the leaderboard showing one network several times, and the
//! cross-validation stage measuring, and ensemble selection choosing among, what is nearly one
//! model. So the kept places go to the best trials that are not near-copies of a better one
//! (see `Search::distinct_top`).
//!
//! Two samples are near-copies when every parameter is active in both or in neither, every
//! categorical choice (activation, optimizer, schedule, batch size) is the same, and every
//! numerical parameter (depth, widths, dropout, weight decay, learning rate, …) differs by at
//! most [`NEAR`] of its range, measured on its scale (a log-scale parameter by its logarithm).
//! With the default space that means the same depth and activations, widths within a factor
//! of about 1.5, a learning rate within a factor of 2, and so on.

use super::space::{Distribution, ParamDef, Sample};

/// The largest difference, as a fraction of a numerical parameter's range on its scale, at
/// which two samples still count as near-copies.
pub const NEAR: f64 = 0.1;

/// Whether `a` and `b` are near-copies under the parameters `params` (see the module docs).
pub fn near_copies(params: &[ParamDef], a: &Sample, b: &Sample) -> bool {
    params
        .iter()
        .all(|p| match (a.get(&p.name), b.get(&p.name)) {
            (None, None) => true,
            (Some(&x), Some(&y)) => match &p.dist {
                Distribution::Categorical { .. } => x == y,
                Distribution::Int { low, high, log } => {
                    (unit(x, *low as f64, *high as f64, *log)
                        - unit(y, *low as f64, *high as f64, *log))
                    .abs()
                        <= NEAR
                }
                Distribution::Float { low, high, log } => {
                    (unit(x, *low, *high, *log) - unit(y, *low, *high, *log)).abs() <= NEAR
                }
            },
            _ => false,
        })
}

/// `v`'s place in `[low, high]` as a fraction of the range, on a log scale when `log`; 0 for an
/// empty range or a value a log scale cannot place.
fn unit(v: f64, low: f64, high: f64, log: bool) -> f64 {
    let (v, low, high) = if log {
        if v <= 0.0 || low <= 0.0 || high <= 0.0 {
            return 0.0;
        }
        (v.ln(), low.ln(), high.ln())
    } else {
        (v, low, high)
    };
    if high > low {
        (v - low) / (high - low)
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::space::SearchSpace;

    fn sample(pairs: &[(&str, f64)]) -> Sample {
        pairs.iter().map(|&(k, v)| (k.to_string(), v)).collect()
    }

    fn base() -> Sample {
        sample(&[
            ("depth", 2.0),
            ("width_0", 64.0),
            ("width_1", 32.0),
            ("activation_0", 0.0),
            ("activation_1", 2.0),
            ("dropout", 0.2),
            ("weight_decay", 1e-4),
            ("optimizer", 0.0),
            ("beta1", 0.9),
            ("learning_rate", 0.01),
            ("schedule", 1.0),
            ("batch_size", 1.0),
        ])
    }

    fn with(s: &Sample, name: &str, v: f64) -> Sample {
        let mut s = s.clone();
        s.insert(name.into(), v);
        s
    }

    #[test]
    fn small_numerical_differences_make_near_copies() {
        let params = SearchSpace::default_for(true, 200).params();
        let a = base();
        assert!(near_copies(&params, &a, &a));
        // A learning rate 1.9× larger: log(1.9) / log(1000) ≈ 0.093 of the range.
        let b = with(&with(&a, "learning_rate", 0.019), "width_0", 80.0);
        assert!(near_copies(&params, &a, &b));
        assert!(near_copies(&params, &b, &a));
        // 2.2× is beyond a tenth of the log range.
        assert!(!near_copies(&params, &a, &with(&a, "learning_rate", 0.022)));
        // Dropout over 0–0.5: 0.06 apart is 0.12 of the range.
        assert!(!near_copies(&params, &a, &with(&a, "dropout", 0.26)));
        assert!(near_copies(&params, &a, &with(&a, "dropout", 0.24)));
    }

    #[test]
    fn another_choice_or_another_depth_is_not_a_near_copy() {
        let params = SearchSpace::default_for(true, 200).params();
        let a = base();
        assert!(!near_copies(&params, &a, &with(&a, "activation_1", 3.0)));
        assert!(!near_copies(&params, &a, &with(&a, "optimizer", 1.0)));
        assert!(!near_copies(&params, &a, &with(&a, "batch_size", 2.0)));
        // One layer more: another depth, and a width active in one sample only.
        let deeper = with(
            &with(&with(&a, "depth", 3.0), "width_2", 32.0),
            "activation_2",
            2.0,
        );
        assert!(!near_copies(&params, &a, &deeper));
        let mut fewer = a.clone();
        fewer.remove("width_1");
        assert!(!near_copies(&params, &a, &fewer));
    }

    #[test]
    fn unit_places_values_on_their_scale() {
        assert!((unit(0.01, 1e-4, 0.1, true) - 2.0 / 3.0).abs() < 1e-12);
        assert!((unit(0.25, 0.0, 0.5, false) - 0.5).abs() < 1e-12);
        assert_eq!(unit(3.0, 2.0, 2.0, false), 0.0);
        assert_eq!(unit(0.0, 1e-4, 0.1, true), 0.0);
    }
}
