//! Cross-validation of the search's finalists.
//!
//! With 60/20/20 splits of small tables the validation part has a few dozen rows, so many trials
//! tie at the best validation score and the tie-break picks among noisy estimates. After the
//! search phase, the top candidates (by validation objective) are therefore retrained from
//! scratch — same spec, same seed, the epochs they had trained — on `k` stratified folds of the
//! training and validation rows together, and scored on each held-out fold. The preparation stays
//! the one fitted on the training part, and the test part is never read.
//!
//! Budget rule (see [`plan`]): with cross-validation on, the search phase ends at `1 - share` of
//! the epoch budget, and holds back from the time budget the stage's estimated cost for the
//! current top candidates times [`RESERVE_MARGIN`] (at most `share` of it; a fixed reserve would
//! mostly go unused on small data, where retraining a few candidates takes seconds); since a step
//! cannot be cut short, the phase ends when one more step as long as the latest would run into
//! that reserve ([`search_may_go_on`]), and a step trains only the epochs predicted to end
//! before it (`search::run::epochs_that_fit`). The stage then takes candidates in validation order
//! whose estimated cost fits, with the ones taken before them, into what is left of the whole
//! budget after closing the search phase, passing over any that would not. The top candidate
//! is taken or the stage is skipped when nothing was held back for it (it alone would not fit
//! into `share`: it stays the winner without the stage); when time was held back and the
//! closing of the search phase put a trial first that does not fit, the stage starts from the
//! best candidate that does ([`plan_passing_over`]), so the time is not lost. Each candidate's
//! time is estimated from its own measured training time on one of the trainer's threads
//! (what it takes trained alone), scaled to the fold's rows, and the stage's time is the
//! longest-first schedule of the taken candidates on the trainer's threads ([`fold_ms`],
//! [`stage_ms`]). All taken candidates train together, one fold per step; after each fold the
//! estimate is corrected by the measured time and the lowest candidates are dropped when the
//! rest would not fit any more (the top one is never dropped, so a started stage always ends
//! with at least one comparable result).
//!
//! With bagging on (`SearchConfig::bag`, the default), the stage also keeps each candidate's
//! weights after every fold ([`CvStage::weights`]); when it ends, the winner becomes an ensemble
//! of those fold models ([`super::ensemble`]): the bag of its own `k`, or several candidates'
//! bags with shares, whose weighted mean output is the model tested and exported.

use super::run::longest_first_ms;
use super::sampler::Objective;
use crate::data::DataError;
use crate::model::{EpochMetrics, TrainData, Weights};
use serde::{Deserialize, Serialize};

/// The cross-validated score of one trial: means over the folds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CvScore {
    /// Folds evaluated.
    pub folds: u32,
    /// Mean held-out score: accuracy (classification) or RMSE in the target's units (regression).
    pub score: f64,
    /// Mean held-out loss (cross-entropy, or mean squared error in standardised units);
    /// [`CvScore::NO_LOSS`] for a model without probabilities. JSON has no infinity or NaN, so
    /// such a loss, or one that is not finite, is written as `null` and read back as `NO_LOSS`.
    #[serde(with = "loss_json")]
    pub loss: f64,
    /// Whether training diverged on some fold (the trial then ranks after every trial without
    /// such a result, cross-validated or not).
    #[serde(default)]
    pub diverged: bool,
}

impl CvScore {
    /// The loss of a model that gives no probabilities (the classification baselines): it ranks
    /// after a network with the same score, as a baseline does by validation, where its log
    /// loss is unknown.
    pub const NO_LOSS: f64 = f64::MAX;

    /// Whether training diverged on some fold or gave no finite score: evidence that the spec
    /// trains unreliably.
    pub fn failed(&self) -> bool {
        self.diverged || !self.score.is_finite() || !self.loss.is_finite()
    }

    /// The ranking objective of the score (lower is better): error rate (classification) or
    /// RMSE, then loss; [`Objective::WORST`] when it [`CvScore::failed`]. The score counts to 6
    /// significant digits: means with the same total right on the same folds (a network's fold
    /// accuracies are f32, a baseline's f64, and fold totals may be spread differently) differ
    /// in the last bits, and such a tie is broken by the loss rather than by rounding.
    pub fn objective(&self, classification: bool) -> Objective {
        if self.failed() {
            return Objective::WORST;
        }
        let score = significant(self.score, 6);
        Objective {
            primary: if classification { 1.0 - score } else { score },
            secondary: self.loss,
        }
    }

    /// Where a cross-validation result puts a trial in the ranking (search and leaderboard):
    /// 0 cross-validated on every fold, 1 not cross-validated, 2 [`CvScore::failed`] — it ranks
    /// after every trial without that evidence.
    pub fn rank_class(cv: Option<&CvScore>) -> u8 {
        match cv {
            Some(c) if c.failed() => 2,
            Some(_) => 0,
            None => 1,
        }
    }
}

/// `x` rounded to `digits` significant decimal digits (0 and values that are not finite as
/// they are).
fn significant(x: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(digits - 1 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

/// [`CvScore::loss`] in JSON: a number, or `null` for [`CvScore::NO_LOSS`] and losses that are
/// not finite (read back as `NO_LOSS`).
mod loss_json {
    use super::CvScore;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(loss: &f64, s: S) -> Result<S::Ok, S::Error> {
        if *loss == CvScore::NO_LOSS || !loss.is_finite() {
            s.serialize_none()
        } else {
            s.serialize_some(loss)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.unwrap_or(CvScore::NO_LOSS))
    }
}

/// The state of the cross-validation stage (serialisable with the search).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CvStage {
    /// Rows of each fold, as indices into the pool (training rows first, then validation rows).
    pub folds: Vec<Vec<usize>>,
    /// Trials still being cross-validated, best validation objective first.
    pub candidates: Vec<u32>,
    /// Estimated time of each candidate over all folds on one of the trainer's threads (ms),
    /// same order as `candidates`.
    pub estimate_ms: Vec<f64>,
    /// The next fold to train.
    pub next: usize,
    /// Held-out metrics per fold, per candidate (same order as `candidates`).
    pub results: Vec<Vec<EpochMetrics>>,
    /// Trained weights per fold, per candidate (same order as `candidates`), when the winner's
    /// fold models are to form its bag (see [`crate::search::run::SearchConfig::bag`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub weights: Vec<Vec<Weights>>,
}

/// Assigns the pool (`train` rows then `valid` rows) to `k` folds, stratified by class for
/// classification; seeded.
pub fn folds(data: &TrainData, k: usize, seed: u64) -> Result<Vec<Vec<usize>>, DataError> {
    let n = data.train_rows() + data.valid_rows();
    let rows: Vec<usize> = (0..n).collect();
    let labels: Option<Vec<u32>> = data.classification.then(|| {
        data.train_y
            .iter()
            .chain(&data.valid_y)
            .map(|&y| y.max(0.0) as u32)
            .collect()
    });
    crate::data::split::kfold(&rows, labels.as_deref(), k, seed)
}

/// Row `r` of the pool (training rows first, then validation rows, as folds index them): its
/// features and target; `None` past the end.
pub fn pool_row(pool: &TrainData, r: usize) -> Option<(&[f32], f32)> {
    let (d, t) = (pool.inputs, pool.train_rows());
    if r < t {
        Some((pool.train_x.get(r * d..(r + 1) * d)?, *pool.train_y.get(r)?))
    } else {
        let v = r - t;
        Some((pool.valid_x.get(v * d..(v + 1) * d)?, *pool.valid_y.get(v)?))
    }
}

/// The trainer data of fold `i`: every other fold trains, fold `i` is held out. `pool` is the
/// search's train + validation data; fold rows past its end are skipped.
pub fn fold_data(pool: &TrainData, folds: &[Vec<usize>], i: usize) -> TrainData {
    let mut out = TrainData {
        inputs: pool.inputs,
        outputs: pool.outputs,
        classification: pool.classification,
        train_x: Vec::new(),
        train_y: Vec::new(),
        valid_x: Vec::new(),
        valid_y: Vec::new(),
    };
    for (j, fold) in folds.iter().enumerate() {
        for (x, y) in fold.iter().filter_map(|&r| pool_row(pool, r)) {
            if j == i {
                out.valid_x.extend_from_slice(x);
                out.valid_y.push(y);
            } else {
                out.train_x.extend_from_slice(x);
                out.train_y.push(y);
            }
        }
    }
    out
}

/// What the stage can afford: candidate-epochs and milliseconds (`None` = unlimited).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Allowance {
    /// Candidate-epochs left (one candidate trained one epoch on one fold = 1).
    pub epochs: Option<u64>,
    /// Milliseconds left.
    pub ms: Option<f64>,
}

/// One candidate offered to the stage: its trial, epochs to train, and estimated time (ms) over
/// all folds on one of the trainer's threads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Offer {
    /// Trial number.
    pub trial: u32,
    /// Epochs per fold.
    pub epochs: u32,
    /// Estimated time over all folds on one of the trainer's threads (trained alone).
    pub estimate_ms: f64,
}

/// How many times its estimated cost the search phase holds back for the stage (within
/// `cv_share` of the time budget). The estimate is the [`stage_ms`] of the candidates' times
/// on one thread in the search steps they trained in ([`super::run::thread_times`]); a fold
/// trains six or fewer candidates together, and each fold also adds its networks and reads
/// their weights out. Measured per fold against the earlier estimate, the sum of the
/// candidates' shares of those steps (60 s runs, two cores, CPU trainer): 0.89–0.93× on wine
/// seed 1 and iris seed 1, 0.97–1.14× on digits seed 3, 1.17× on breast cancer seed 3's first
/// fold, but 1.6× for a candidate trained alone (digits seed 25 at 30 s), which the times on
/// one thread now model. When steps were shared equally among their candidates, wine's folds
/// took 1.6× the estimate, and without a margin the stage dropped five of six candidates.
pub const RESERVE_MARGIN: f64 = 1.25;

/// The time (ms) the search phase holds back for the stage under a time budget of `budget_ms`:
/// the stage's estimated cost `estimate_ms` times [`RESERVE_MARGIN`], at most `share` of the
/// budget.
pub fn reserve_ms(estimate_ms: f64, budget_ms: f64, share: f64) -> f64 {
    (estimate_ms * RESERVE_MARGIN).min(budget_ms * share)
}

/// The estimated time (ms) the search phase holds back for the stage, before [`reserve_ms`]'s
/// margin and cap: the [`stage_ms`] on `threads` of the candidates (estimates `estimate_ms`,
/// best first) that [`plan`] would take within `cap_ms` (`share` of the budget), or 0 when the
/// top one alone would take more: its stage would not fit, so time held back for it would be
/// lost to the search rather than spent.
pub fn held_back_ms(estimate_ms: &[f64], k: usize, threads: usize, cap_ms: f64) -> f64 {
    let taken = fitting(estimate_ms, k, threads, |_, ms| ms <= cap_ms);
    let times: Vec<f64> = taken.iter().map(|&i| estimate_ms[i]).collect();
    stage_ms(&times, k, threads)
}

/// Whether the search phase may take another step, having spent `elapsed_ms` of the time up to
/// `limit_ms` (the time budget less the [`reserve_ms`] held back for the stage): only when one
/// more step as long as the latest (`last_step_ms`; a step cannot be cut short) still ends
/// before the limit.
pub fn search_may_go_on(elapsed_ms: f64, last_step_ms: f64, limit_ms: f64) -> bool {
    elapsed_ms + last_step_ms < limit_ms
}

/// Takes the first of `offers` (best first) and then, in order, every other one that still fits
/// `allowance` with the ones taken before it, with `k` folds on a trainer that trains `threads`
/// candidates at the same time (the time of the taken ones is their [`stage_ms`]): a candidate
/// that would not fit is passed over, so a large one does not keep smaller ones that fit
/// beside the others out of the stage. Empty when even the first does not fit: the top
/// candidate is cross-validated or none is.
pub fn plan(offers: &[Offer], k: usize, allowance: Allowance, threads: usize) -> Vec<Offer> {
    let estimates: Vec<f64> = offers.iter().map(|o| o.estimate_ms).collect();
    fitting(&estimates, k, threads, |taken, ms| {
        let epochs: u64 = taken
            .iter()
            .map(|&i| offers[i].epochs as u64 * k as u64)
            .sum();
        allowance.epochs.is_none_or(|e| epochs <= e) && allowance.ms.is_none_or(|m| ms <= m)
    })
    .into_iter()
    .map(|i| offers[i])
    .collect()
}

/// The [`plan`] of the offers from the best one that fits on (passing over better ones that do
/// not): empty when none fits. For a stage time was held back for, when the top candidate no
/// longer fits into it.
pub fn plan_passing_over(
    offers: &[Offer],
    k: usize,
    allowance: Allowance,
    threads: usize,
) -> Vec<Offer> {
    (0..offers.len())
        .map(|i| plan(&offers[i..], k, allowance, threads))
        .find(|taken| !taken.is_empty())
        .unwrap_or_default()
}

/// Indices of the candidates [`plan`] takes among `estimate_ms` (best first): the first, and
/// each later one for which `fits(taken, stage_ms)` still holds with it added; none when the
/// first does not fit.
fn fitting(
    estimate_ms: &[f64],
    k: usize,
    threads: usize,
    fits: impl Fn(&[usize], f64) -> bool,
) -> Vec<usize> {
    let mut taken: Vec<usize> = Vec::new();
    for i in 0..estimate_ms.len() {
        let mut with = taken.clone();
        with.push(i);
        let times: Vec<f64> = with.iter().map(|&j| estimate_ms[j]).collect();
        if fits(&with, stage_ms(&times, k, threads)) {
            taken = with;
        } else if taken.is_empty() {
            break;
        }
    }
    taken
}

/// The estimated time (ms) of one of `k` folds that trains candidates whose estimates over all
/// folds are `estimate_ms`, on a trainer that trains `threads` of them at the same time: the
/// longest-first schedule of their per-fold times on that many threads, as the trainer runs
/// them ([`longest_first_ms`]). On one thread the sum; on two, six similar candidates take half
/// their sum, while one large candidate with a few small ones takes about the large one's time
/// alone, so dropping the small ones saves nothing. The estimates are times on one thread
/// ([`crate::search::run::Trial::thread_ms`]): a candidate trained alone takes all of its own.
/// The caller scales the result by what a fold measured ([`keep_after_fold`]'s `ratio`).
pub fn fold_ms(estimate_ms: &[f64], k: usize, threads: usize) -> f64 {
    let jobs: Vec<f64> = estimate_ms.iter().map(|e| e / k.max(1) as f64).collect();
    longest_first_ms(&jobs, threads)
}

/// The estimated time (ms) of the whole stage: `k` folds of [`fold_ms`].
pub fn stage_ms(estimate_ms: &[f64], k: usize, threads: usize) -> f64 {
    fold_ms(estimate_ms, k, threads) * k.max(1) as f64
}

/// After a fold: how many candidates (a prefix, at least one) still fit into `left_ms`, given
/// the folds remaining and each prefix's [`fold_ms`] on `threads` threads scaled by `ratio`
/// (measured time of the fold just trained over its [`fold_ms`]). The top candidate is always
/// kept, and so is every candidate that adds nothing to its time alone (small ones scheduled
/// beside a large one), even when the top one alone no longer fits.
pub fn keep_after_fold(
    estimate_ms: &[f64],
    ratio: f64,
    folds_left: usize,
    k: usize,
    left_ms: f64,
    threads: usize,
) -> usize {
    let time = |n: usize| fold_ms(&estimate_ms[..n], k, threads) * ratio * folds_left as f64;
    let allowed = left_ms.max(time(1.min(estimate_ms.len())));
    let mut keep = 1;
    while keep < estimate_ms.len() && time(keep + 1) <= allowed {
        keep += 1;
    }
    keep.min(estimate_ms.len())
}

/// Mean held-out metrics of one candidate over its folds (`None` when it has none);
/// `score_scale` turns the trainer's regression RMSE (standardised) into the target's units.
pub fn summarise(
    results: &[EpochMetrics],
    classification: bool,
    score_scale: f64,
) -> Option<CvScore> {
    if results.is_empty() {
        return None;
    }
    let n = results.len() as f64;
    let diverged = results
        .iter()
        .any(|m| m.diverged || !m.valid_loss.is_finite() || !m.valid_score.is_finite());
    let score = results.iter().map(|m| m.valid_score as f64).sum::<f64>() / n;
    let loss = results.iter().map(|m| m.valid_loss as f64).sum::<f64>() / n;
    Some(CvScore {
        folds: results.len() as u32,
        score: if classification {
            score
        } else {
            score * score_scale
        },
        loss,
        diverged,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> TrainData {
        TrainData {
            inputs: 2,
            outputs: 2,
            classification: true,
            train_x: (0..16).map(|v| v as f32).collect(),
            train_y: vec![0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0],
            valid_x: (100..108).map(|v| v as f32).collect(),
            valid_y: vec![0.0, 1.0, 0.0, 1.0],
        }
    }

    #[test]
    fn scores_equal_but_for_rounding_tie_and_the_loss_decides() {
        let cv = |score: f64, loss: f64| CvScore {
            folds: 5,
            score,
            loss,
            diverged: false,
        };
        // Two models' means of f32 fold accuracies with the same total right (118 of 120 rows
        // in 5 folds of 24), which differ in the last bits.
        let mean = |folds: [f32; 5]| folds.iter().map(|&a| a as f64).sum::<f64>() / 5.0;
        let network = mean([23.0 / 24.0, 23.0 / 24.0, 1.0, 1.0, 1.0]);
        let baseline = mean([22.0 / 24.0, 1.0, 1.0, 1.0, 1.0]);
        assert_ne!(network, baseline);
        let (a, b) = (cv(network, 0.2), cv(baseline, CvScore::NO_LOSS));
        assert!(a.objective(true).cmp(&b.objective(true)).is_lt());
        assert!(b.objective(true).cmp(&a.objective(true)).is_gt());
        // A baseline's exact mean against a network's f32 one (0.95 against 0.94999999).
        let exact = (22.0 / 24.0 + 4.0 * (23.0 / 24.0)) / 5.0;
        let f32_mean = mean([
            22.0 / 24.0,
            23.0 / 24.0,
            23.0 / 24.0,
            23.0 / 24.0,
            23.0 / 24.0,
        ]);
        assert_ne!(exact, f32_mean);
        assert!(cv(f32_mean, 0.2)
            .objective(true)
            .cmp(&cv(exact, CvScore::NO_LOSS).objective(true))
            .is_lt());
        // A real difference still counts, at any scale.
        assert!(cv(0.95, 9.0)
            .objective(true)
            .cmp(&cv(0.9499, 0.1).objective(true))
            .is_lt());
        assert!(cv(1.2345e-9, 9.0)
            .objective(false)
            .cmp(&cv(1.2346e-9, 0.1).objective(false))
            .is_lt());
        assert_eq!(significant(1234.5678, 6), 1234.57);
        assert_eq!(significant(-0.000123456789, 3), -0.000123);
    }

    #[test]
    fn a_loss_without_a_number_is_null_in_json_and_reads_back() {
        let with = |loss: f64| CvScore {
            folds: 5,
            score: 0.9,
            loss,
            diverged: false,
        };
        let json = serde_json::to_string(&with(CvScore::NO_LOSS)).unwrap();
        assert!(json.contains(r#""loss":null"#), "{json}");
        let back: CvScore = serde_json::from_str(&json).unwrap();
        assert_eq!(back, with(CvScore::NO_LOSS));
        let json = serde_json::to_string(&with(f64::NAN)).unwrap();
        let back: CvScore = serde_json::from_str(&json).unwrap();
        assert_eq!(back.loss, CvScore::NO_LOSS);
        let json = serde_json::to_string(&with(0.25)).unwrap();
        assert!(json.contains(r#""loss":0.25"#), "{json}");
        assert_eq!(serde_json::from_str::<CvScore>(&json).unwrap(), with(0.25));
    }

    #[test]
    fn folds_partition_the_pool_and_keep_rows_intact() {
        let d = data();
        let f = folds(&d, 3, 5).unwrap();
        let mut all: Vec<usize> = f.iter().flatten().copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..12).collect::<Vec<_>>());
        let mut seen = Vec::new();
        for i in 0..3 {
            let fd = fold_data(&d, &f, i);
            assert_eq!(fd.valid_rows(), f[i].len());
            assert_eq!(fd.train_rows() + fd.valid_rows(), 12);
            for r in 0..fd.valid_rows() {
                seen.push((fd.valid_x[2 * r], fd.valid_y[r]));
            }
        }
        let mut expected: Vec<(f32, f32)> = (0..8)
            .map(|r| (d.train_x[2 * r], d.train_y[r]))
            .chain((0..4).map(|r| (d.valid_x[2 * r], d.valid_y[r])))
            .collect();
        seen.sort_by(|a, b| a.0.total_cmp(&b.0));
        expected.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert_eq!(seen, expected);
    }

    #[test]
    fn plan_takes_the_top_candidate_and_each_later_one_that_still_fits() {
        let o = |trial, epochs, ms| Offer {
            trial,
            epochs,
            estimate_ms: ms,
        };
        let offers = [o(4, 9, 100.0), o(2, 3, 50.0), o(7, 27, 10.0)];
        let none = Allowance {
            epochs: None,
            ms: None,
        };
        assert_eq!(plan(&offers, 5, none, 1).len(), 3);
        let by_epochs = Allowance {
            epochs: Some(60),
            ms: None,
        };
        assert_eq!(plan(&offers, 5, by_epochs, 1).len(), 2);
        let by_time = Allowance {
            epochs: None,
            ms: Some(120.0),
        };
        // The second (50 ms) would not fit beside the first on one thread; the third does.
        let taken: Vec<u32> = plan(&offers, 5, by_time, 1)
            .iter()
            .map(|o| o.trial)
            .collect();
        assert_eq!(taken, [4, 7]);
        // On two threads the smaller ones train beside the first.
        assert_eq!(plan(&offers, 5, by_time, 2).len(), 3);
        assert_eq!(stage_ms(&[100.0, 50.0, 10.0], 5, 2), 100.0);
        assert_eq!(stage_ms(&[100.0, 50.0, 10.0], 5, 1), 160.0);
        let nothing = Allowance {
            epochs: None,
            ms: Some(99.0),
        };
        assert!(plan(&offers, 5, nothing, 1).is_empty());
        assert_eq!(
            keep_after_fold(&[100.0, 100.0, 100.0], 1.0, 4, 5, 170.0, 1),
            2
        );
        assert_eq!(keep_after_fold(&[100.0, 100.0], 10.0, 4, 5, 1.0, 1), 1);
    }

    #[test]
    fn a_fold_takes_the_longest_first_schedule_of_its_candidates_on_the_trainers_threads() {
        // Per fold (k = 5): 100 ms for the large candidate, 20 ms for each small one.
        let mixed = [500.0, 100.0, 100.0, 100.0];
        assert_eq!(fold_ms(&mixed, 5, 1), 160.0);
        assert_eq!(fold_ms(&mixed, 5, 2), 100.0);
        assert_eq!(fold_ms(&[100.0; 6], 5, 2), 60.0);
        assert_eq!(fold_ms(&[100.0; 6], 5, 8), 20.0);
        assert_eq!(fold_ms(&[], 5, 2), 0.0);

        // A first fold at 1.17 times its estimate (as on breast cancer seed 3 at 60 s, whose
        // stage was over its 25 % cap), and 450 ms left for 4 more folds. On two threads the
        // small candidates run beside the large one, so all four stay although the large one
        // alone (468 ms) no longer fits: dropping them would save nothing.
        let ratio = 117.0 / fold_ms(&mixed, 5, 2);
        assert_eq!(keep_after_fold(&mixed, ratio, 4, 5, 450.0, 2), 4);
        // On one thread the folds add up, so dropping the last one saves its time.
        let ratio = 117.0 / fold_ms(&mixed, 5, 1);
        assert_eq!(keep_after_fold(&mixed, ratio, 4, 5, 450.0, 1), 3);
        // Similar candidates on two threads: each pair costs one more slot.
        assert_eq!(keep_after_fold(&[100.0; 6], 1.0, 4, 5, 200.0, 2), 4);
        assert_eq!(keep_after_fold(&[100.0; 6], 1.0, 4, 5, 240.0, 2), 6);
        assert_eq!(keep_after_fold(&[100.0; 6], 1.0, 4, 5, 100.0, 2), 2);
    }

    #[test]
    fn a_candidate_that_trained_beside_another_is_planned_at_its_time_alone() {
        use crate::search::run::{thread_times, time_shares};
        // In the search phase the top candidate trained beside one of equal work, each on one
        // of two threads, in steps of 1,000 ms: its share of them is half, but it used its
        // thread the whole time, and trained alone in the stage it takes that long.
        let costs = [1.0, 1.0];
        let share = time_shares(1000.0, &costs)[0];
        let alone = thread_times(1000.0, &costs, 2)[0];
        assert_eq!((share, alone), (500.0, 1000.0));
        let offer = |trial, ms| Offer {
            trial,
            epochs: 10,
            estimate_ms: ms,
        };
        let left = |ms| Allowance {
            epochs: None,
            ms: Some(ms),
        };
        // 800 ms left: the share fits, the time it takes does not, so the stage is skipped
        // rather than run over the budget.
        assert_eq!(plan(&[offer(0, share)], 5, left(800.0), 2).len(), 1);
        assert!(plan(&[offer(0, alone)], 5, left(800.0), 2).is_empty());
        // Its twin trains beside it in the stage too, at no extra time on two threads.
        let twins = [offer(0, alone), offer(1, alone)];
        assert_eq!(plan(&twins, 5, left(1000.0), 2).len(), 2);
        assert_eq!(plan(&twins, 5, left(1000.0), 1).len(), 1);
    }

    #[test]
    fn the_reserve_keeps_every_candidate_when_folds_run_over_the_estimate() {
        // Iris, 60 s: six candidates estimated at 1,429 ms over five folds; the first fold
        // running 1.17 times its estimate, the most measured (breast cancer).
        let estimate = [579.0, 222.0, 159.0, 61.0, 227.0, 181.0];
        let total: f64 = estimate.iter().sum();
        let (ratio, k) = (1.17, 5);
        let fold_ms = ratio * total / k as f64;
        let reserve = reserve_ms(total, 60_000.0, 0.25);
        assert_eq!(reserve, RESERVE_MARGIN * total);
        assert_eq!(
            keep_after_fold(&estimate, ratio, k - 1, k, reserve - fold_ms, 1),
            6
        );
        // Holding back the bare estimate would drop candidates after the first fold.
        assert!(keep_after_fold(&estimate, ratio, k - 1, k, total - fold_ms, 1) < 6);
        // A large stage is held back `share` of the budget at most.
        assert_eq!(reserve_ms(13_800.0, 60_000.0, 0.25), 15_000.0);
        // Nothing is held back for a top candidate that alone would not fit into that share
        // (digits seed 25 at 30 s: about 13 s on one thread, with 7.5 s the most held back).
        assert_eq!(held_back_ms(&[13_000.0, 500.0], 5, 2, 7_500.0), 0.0);
        assert_eq!(held_back_ms(&[7_000.0, 7_000.0], 5, 2, 7_500.0), 7_000.0);
        // On one thread the second would not fit beside the first within the share.
        assert_eq!(held_back_ms(&[7_000.0, 7_000.0], 5, 1, 7_500.0), 7_000.0);
        assert_eq!(held_back_ms(&[], 5, 2, 7_500.0), 0.0);
        // A large second candidate is passed over, and the time held back is that of the
        // ones that fit (random search on digits seed 1 at 30 s: 1.6 s, 9.3 s and 3.4 s
        // estimated on one thread; everything up to the cap was held back for a stage that
        // then took the top one alone, and the run ended at 23.3 s).
        assert_eq!(
            held_back_ms(&[1_600.0, 9_300.0, 3_400.0], 5, 2, 7_500.0),
            3_400.0
        );
        let o = |trial, ms| Offer {
            trial,
            epochs: 81,
            estimate_ms: ms,
        };
        let offers = [o(45, 1_600.0), o(40, 9_300.0), o(18, 3_400.0)];
        let left = Allowance {
            epochs: None,
            ms: Some(7_500.0),
        };
        let taken: Vec<u32> = plan(&offers, 5, left, 2).iter().map(|o| o.trial).collect();
        assert_eq!(taken, [45, 18]);
        // A top candidate that does not fit: the plan is empty, unless it may be passed over.
        let offers = [o(88, 10_400.0), o(90, 1_300.0), o(89, 500.0)];
        assert!(plan(&offers, 5, left, 2).is_empty());
        let taken: Vec<u32> = plan_passing_over(&offers, 5, left, 2)
            .iter()
            .map(|o| o.trial)
            .collect();
        assert_eq!(taken, [90, 89]);
        assert!(plan_passing_over(&offers[..1], 5, left, 2).is_empty());
    }

    #[test]
    fn the_search_phase_stops_a_step_before_the_reserve() {
        // 30 s budget, 200 ms reserve: the last step ends before 29.8 s.
        assert!(search_may_go_on(29_000.0, 700.0, 30_000.0 - 200.0));
        assert!(!search_may_go_on(29_000.0, 800.0, 30_000.0 - 200.0));
        assert!(!search_may_go_on(29_800.0, 0.0, 30_000.0 - 200.0));
        assert!(search_may_go_on(0.0, 0.0, 30_000.0));
    }
}
