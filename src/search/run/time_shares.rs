//! Sharing the measured wall time of a group of candidates trained together among them.

use crate::model::Spec;

/// Each candidate's share of `total_ms`, in proportion to its `costs` (the work it did in the
/// group: [`Spec::epoch_cost`] times the epochs it trained); equal shares when
/// no cost is positive and finite. The shares add up to `total_ms`.
pub fn time_shares(total_ms: f64, costs: &[f64]) -> Vec<f64> {
    let valid = |c: f64| if c.is_finite() && c > 0.0 { c } else { 0.0 };
    let sum: f64 = costs.iter().map(|&c| valid(c)).sum();
    if sum <= 0.0 {
        let n = costs.len().max(1) as f64;
        return vec![total_ms / n; costs.len()];
    }
    costs.iter().map(|&c| total_ms * valid(c) / sum).collect()
}

/// [`time_shares`] of a group whose candidates each trained `epochs` epochs of their spec over
/// `rows` rows: their work is [`Spec::epoch_cost`] times those epochs.
pub fn shares_by_work<'a>(
    total_ms: f64,
    rows: usize,
    work: impl Iterator<Item = (&'a Spec, usize)>,
) -> Vec<f64> {
    let costs: Vec<f64> = work
        .map(|(spec, epochs)| spec.epoch_cost(rows) * epochs as f64)
        .collect();
    time_shares(total_ms, &costs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_follow_the_work_and_add_up() {
        let s = time_shares(100.0, &[1.0, 3.0, 0.0]);
        assert_eq!(s, vec![25.0, 75.0, 0.0]);
        assert_eq!(time_shares(90.0, &[0.0, 0.0, f64::NAN]), vec![30.0; 3]);
        assert!(time_shares(5.0, &[]).is_empty());
        let s = time_shares(7.0, &[2.0, f64::INFINITY, 5.0]);
        assert_eq!(s, vec![2.0, 0.0, 5.0]);
    }

    #[test]
    fn work_is_the_epoch_cost_times_the_epochs_trained() {
        use crate::model::Activation;
        let small = Spec::test_mlp(4, 3, &[8], Activation::Relu, 32);
        let large = Spec::test_mlp(4, 3, &[512, 512], Activation::Relu, 32);
        let (a, b) = (small.epoch_cost(100) * 3.0, large.epoch_cost(100));
        let s = shares_by_work(60.0, 100, [(&small, 3), (&large, 1)].into_iter());
        assert_eq!(s, time_shares(60.0, &[a, b]));
        assert!(s[1] > 10.0 * s[0]);
    }
}
