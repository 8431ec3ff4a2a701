//! Sharing the measured wall time of a group of candidates trained together among them, each
//! one's time on the trainer's threads, and how many epochs a group can train in the time left
//! at the rate measured on the latest group.

use crate::model::Spec;

/// The work of each candidate of a group that trained `epochs` epochs of its spec over `rows`
/// rows: [`Spec::epoch_cost`] times those epochs.
pub fn work_costs<'a>(rows: usize, work: impl Iterator<Item = (&'a Spec, usize)>) -> Vec<f64> {
    work.map(|(spec, epochs)| spec.epoch_cost(rows) * epochs as f64)
        .collect()
}

/// `costs` with every cost that is not positive and finite as 0, or all 1 when none is.
fn usable(costs: &[f64]) -> Vec<f64> {
    let valid: Vec<f64> = costs
        .iter()
        .map(|&c| if c.is_finite() && c > 0.0 { c } else { 0.0 })
        .collect();
    if valid.iter().sum::<f64>() > 0.0 {
        valid
    } else {
        vec![1.0; costs.len()]
    }
}

/// Each candidate's share of `total_ms`, in proportion to its `costs` (the work it did in the
/// group, [`work_costs`]); equal shares when no cost is positive and finite. The shares add up
/// to `total_ms`.
pub fn time_shares(total_ms: f64, costs: &[f64]) -> Vec<f64> {
    let costs = usable(costs);
    let sum: f64 = costs.iter().sum();
    costs.iter().map(|&c| total_ms * c / sum).collect()
}

/// The time `jobs` take on `threads` threads when each job, longest first, goes to the thread
/// with the least work so far (how the CPU trainer runs a group): the most work on one thread.
/// On one thread the sum; on many, the longest job.
pub fn longest_first_ms(jobs: &[f64], threads: usize) -> f64 {
    let mut jobs = jobs.to_vec();
    jobs.sort_by(|a, b| b.total_cmp(a));
    let mut load = vec![0.0f64; threads.max(1)];
    for job in jobs {
        if let Some(least) = load.iter_mut().min_by(|a, b| a.total_cmp(b)) {
            *least += job;
        }
    }
    load.into_iter().fold(0.0, f64::max)
}

/// Each candidate's time on one of the trainer's `threads` threads in a group that took
/// `total_ms`: its work, at the rate that makes the group's [`longest_first_ms`] schedule take
/// `total_ms`. On one thread these are the [`time_shares`]; a candidate trained alone took the
/// whole time on its thread, while each of two similar candidates on two threads did too,
/// where its share is half.
pub fn thread_times(total_ms: f64, costs: &[f64], threads: usize) -> Vec<f64> {
    let costs = usable(costs);
    let span = longest_first_ms(&costs, threads);
    costs.iter().map(|&c| total_ms * c / span).collect()
}

/// The time a group with work `costs` ([`work_costs`]) takes on the trainer's `threads` threads,
/// in units of work: the [`longest_first_ms`] schedule of its usable costs. A measured wall time
/// over this span is the trainer's rate (ms per unit of work), and the rate times the span of
/// another group predicts that group's time.
pub fn span(costs: &[f64], threads: usize) -> f64 {
    longest_first_ms(&usable(costs), threads)
}

/// How many epochs, at most `k`, a group whose candidates' work per epoch is `per_epoch`
/// trains within `left_ms` on `threads` threads at `rate_ms` per unit of [`span`]: `k` when the
/// rate is not known yet (not positive and finite), 0 when not even one epoch fits.
pub fn epochs_that_fit(
    per_epoch: &[f64],
    threads: usize,
    rate_ms: f64,
    left_ms: f64,
    k: u32,
) -> u32 {
    if !(rate_ms.is_finite() && rate_ms > 0.0) {
        return k;
    }
    let epoch_ms = rate_ms * span(per_epoch, threads);
    if epoch_ms.is_nan() || epoch_ms <= 0.0 {
        return k;
    }
    let fit = (left_ms / epoch_ms).floor();
    if fit >= k as f64 {
        k
    } else if fit >= 1.0 {
        fit as u32
    } else {
        0
    }
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
        let costs = work_costs(100, [(&small, 3), (&large, 1)].into_iter());
        assert_eq!(costs, vec![a, b]);
        let s = time_shares(60.0, &costs);
        assert!(s[1] > 10.0 * s[0]);
    }

    #[test]
    fn a_candidate_trained_alone_or_beside_others_took_the_group_time_on_its_thread() {
        assert_eq!(longest_first_ms(&[5.0, 1.0, 1.0, 1.0], 2), 5.0);
        assert_eq!(longest_first_ms(&[5.0, 1.0, 1.0, 1.0], 1), 8.0);
        assert_eq!(longest_first_ms(&[2.0; 6], 2), 6.0);
        assert_eq!(longest_first_ms(&[], 2), 0.0);
        // Alone: the whole time, on any number of threads.
        assert_eq!(thread_times(900.0, &[3.0], 2), vec![900.0]);
        assert_eq!(time_shares(900.0, &[3.0]), vec![900.0]);
        // Two similar candidates on two threads: each the whole time (its share is half).
        assert_eq!(thread_times(900.0, &[3.0, 3.0], 2), vec![900.0, 900.0]);
        // One large candidate beside small ones: the large one set the time.
        assert_eq!(
            thread_times(500.0, &[5.0, 1.0, 1.0, 1.0], 2),
            vec![500.0, 100.0, 100.0, 100.0]
        );
        // On one thread, the shares.
        assert_eq!(
            thread_times(800.0, &[5.0, 1.0, 1.0, 1.0], 1),
            time_shares(800.0, &[5.0, 1.0, 1.0, 1.0])
        );
        assert_eq!(thread_times(90.0, &[0.0, f64::NAN], 2), vec![90.0, 90.0]);
    }

    #[test]
    fn a_step_trains_the_epochs_its_time_left_allows_at_the_measured_rate() {
        // Two candidates of work 3 and 1 per epoch on two threads: an epoch spans 3 units.
        assert_eq!(span(&[3.0, 1.0], 2), 3.0);
        assert_eq!(span(&[3.0, 1.0], 1), 4.0);
        assert_eq!(span(&[0.0, f64::NAN], 2), 1.0);
        // At 10 ms per unit an epoch takes 30 ms: 100 ms allow 3 of the 5 epochs asked for.
        assert_eq!(epochs_that_fit(&[3.0, 1.0], 2, 10.0, 100.0, 5), 3);
        assert_eq!(epochs_that_fit(&[3.0, 1.0], 2, 10.0, 1000.0, 5), 5);
        assert_eq!(epochs_that_fit(&[3.0, 1.0], 2, 10.0, 30.0, 5), 1);
        // Not even one epoch: none; no time left at all: none.
        assert_eq!(epochs_that_fit(&[3.0, 1.0], 2, 10.0, 29.0, 5), 0);
        assert_eq!(epochs_that_fit(&[3.0, 1.0], 2, 10.0, -5.0, 5), 0);
        // On one thread the same group spans 4 units an epoch.
        assert_eq!(epochs_that_fit(&[3.0, 1.0], 1, 10.0, 100.0, 5), 2);
        // No rate measured yet: the epochs asked for.
        assert_eq!(epochs_that_fit(&[3.0, 1.0], 2, 0.0, 1.0, 5), 5);
        assert_eq!(epochs_that_fit(&[3.0, 1.0], 2, f64::NAN, 1.0, 5), 5);
    }
}
