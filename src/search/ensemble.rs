//! Ensemble selection over the cross-validated finalists.
//!
//! The cross-validation stage trains each of its candidates once per fold, so every candidate
//! has an out-of-fold prediction for every row of train + validation: the prediction of the fold
//! model that did not train on that row. From these, greedy forward selection with replacement
//! (Caruana et al., "Ensemble selection from libraries of models", ICML 2004; the ensemble of
//! auto-sklearn and AutoGluon) builds the ensemble: start empty, and in each of [`ROUNDS`]
//! rounds add the candidate whose addition gives the best out-of-fold objective of the mean;
//! a candidate may be added again, so the counts become its share. The round with the best
//! objective is kept (the first round is the best single candidate, so the ensemble is never
//! worse than it out of fold). The objective is the search's own: error rate then loss for
//! classification, RMSE for regression, as means over the folds like a trial's
//! [`CvScore`].
//!
//! Each member contributes the bag of its fold models, so the ensemble's prediction is
//! `Σ share_m · mean_f p(m, f)`. Its out-of-fold score is slightly optimistic (the shares were
//! chosen on the same predictions); the test part, evaluated once at the end, is what to read.
//! No training is added and the test part is never read. For classification, the same
//! out-of-fold mixture ([`mixture`]) then fits the ensemble's temperature
//! ([`crate::model::calibration`]).

use super::cv::{self, CvScore};
use super::sampler::Objective;
use crate::model::{loss, EpochMetrics, Spec, TrainData, Weights};
use serde::{Deserialize, Serialize};

/// Rounds of greedy selection (the largest possible sum of counts).
pub const ROUNDS: u32 = 25;

/// One network of the ensemble: a cross-validated trial with its fold models.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    /// Trial number.
    pub trial: u32,
    /// Rounds that chose it (its share is `count / rounds`).
    pub count: u32,
    /// Its fold models, one per fold; their mean output is its prediction.
    pub models: Vec<Weights>,
}

/// The winner as an ensemble of cross-validated trials (one member: the bag of the best
/// trial's fold models).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ensemble {
    /// Members, the lead (largest count, then best cross-validated) first.
    pub members: Vec<Member>,
    /// Its out-of-fold score (for one member, that trial's cross-validated score), before
    /// calibration.
    pub cv: CvScore,
    /// The temperature its class probabilities are scaled by, fitted on its out-of-fold
    /// predictions ([`crate::model::calibration`]); 1 for regression, and in states saved
    /// before it existed.
    #[serde(default = "no_temperature")]
    pub temperature: f64,
}

fn no_temperature() -> f64 {
    1.0
}

/// A member's place in the ensemble, as events and leaderboard rows report it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Share {
    /// Trial number.
    pub trial: u32,
    /// Its weight in the mean (the shares sum to 1).
    pub share: f64,
    /// Its fold models.
    pub models: u32,
}

impl Ensemble {
    /// The lead member's trial: the one the winner's leaderboard row is named after.
    pub fn lead(&self) -> Option<u32> {
        self.members.first().map(|m| m.trial)
    }

    /// Networks in all (every member's fold models).
    pub fn models(&self) -> usize {
        self.members.iter().map(|m| m.models.len()).sum()
    }

    /// Each member's trial, share and number of fold models.
    pub fn shares(&self) -> Vec<Share> {
        let rounds = self.members.iter().map(|m| m.count).sum::<u32>().max(1) as f64;
        self.members
            .iter()
            .map(|m| Share {
                trial: m.trial,
                share: m.count as f64 / rounds,
                models: m.models.len() as u32,
            })
            .collect()
    }

    /// Every network with its weight in the mean: a member's share split evenly over its fold
    /// models ([`crate::model::forward::spread`]). `spec` gives each member's architecture
    /// (`None` leaves the member out).
    pub fn weighted<'a>(
        &'a self,
        spec: impl Fn(u32) -> Option<&'a Spec>,
    ) -> Vec<crate::model::Weighted<'a>> {
        let mut out = Vec::new();
        for (m, s) in self.members.iter().zip(self.shares()) {
            let Some(spec) = spec(m.trial) else { continue };
            out.extend(crate::model::forward::spread(spec, &m.models, s.share));
        }
        out
    }
}

/// The targets of the pool (train rows, then validation rows), as the folds index them.
pub fn pool_targets(pool: &TrainData) -> Vec<f32> {
    pool.train_y.iter().chain(&pool.valid_y).copied().collect()
}

/// Out-of-fold predictions of one candidate (`pool rows × outputs`): each fold's rows predicted
/// by `models[fold]`. `None` when a fold has no model.
pub fn out_of_fold(
    spec: &Spec,
    models: &[Weights],
    pool: &TrainData,
    folds: &[Vec<usize>],
) -> Option<Vec<f32>> {
    let (d, o) = (pool.inputs, spec.outputs as usize);
    let n = pool.train_rows() + pool.valid_rows();
    let mut out = vec![0f32; n * o];
    for (fold, rows) in folds.iter().enumerate() {
        let weights = models.get(fold)?;
        let mut x = Vec::with_capacity(rows.len() * d);
        for &r in rows {
            x.extend_from_slice(cv::pool_row(pool, r)?.0);
        }
        let p = crate::model::predict(spec, weights, &x);
        for (j, &r) in rows.iter().enumerate() {
            out.get_mut(r * o..(r + 1) * o)?
                .copy_from_slice(p.get(j * o..(j + 1) * o)?);
        }
    }
    Some(out)
}

/// How predictions are scored: the task and the target's scale.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scoring {
    /// Outputs per row (classes, or 1).
    pub outputs: usize,
    /// Classification (probabilities) or regression (standardised values).
    pub classification: bool,
    /// Regression RMSE in the target's units is `scale ×` the standardised one.
    pub scale: f64,
}

impl Scoring {
    /// The cross-validated score of pooled predictions: held-out loss and score per fold
    /// (cross-entropy and accuracy, or mean squared error and RMSE), averaged as
    /// [`cv::summarise`] averages a trial's folds.
    pub fn score(&self, pred: &[f32], targets: &[f32], folds: &[Vec<usize>]) -> Option<CvScore> {
        let o = self.outputs.max(1);
        let mut per_fold = Vec::with_capacity(folds.len());
        for rows in folds {
            let (mut l, mut hits) = (0.0f64, 0usize);
            for &r in rows {
                let p = pred.get(r * o..(r + 1) * o)?;
                let y = *targets.get(r)?;
                if self.classification {
                    let c = loss::class_index(y, o);
                    l -= (p[c].max(1e-7) as f64).ln();
                    hits += usize::from(loss::argmax(p) == c);
                } else {
                    l += ((p[0] - y) as f64).powi(2);
                }
            }
            let n = rows.len().max(1) as f64;
            let mean = (l / n) as f32;
            per_fold.push(EpochMetrics {
                epoch: 0,
                train_loss: f32::NAN,
                valid_loss: mean,
                valid_score: if self.classification {
                    (hits as f64 / n) as f32
                } else {
                    mean.sqrt()
                },
                diverged: !mean.is_finite(),
            });
        }
        cv::summarise(&per_fold, self.classification, self.scale)
    }

    /// The ranking objective of a cross-validated score (lower is better).
    pub fn objective(&self, s: &CvScore) -> Objective {
        s.objective(self.classification)
    }
}

/// The share-weighted mean of out-of-fold predictions `oof[i]` with weights `counts[i]` (a
/// candidate without a count, or past the end of `counts`, is left out): the ensemble's own
/// out-of-fold prediction. `None` without a count or when the lengths differ.
pub fn mixture(oof: &[Vec<f32>], counts: &[u32]) -> Option<Vec<f32>> {
    let len = oof.first()?.len();
    let total: u32 = counts.iter().take(oof.len()).sum();
    if total == 0 || oof.iter().any(|p| p.len() != len) {
        return None;
    }
    let mut sum = vec![0f64; len];
    for (p, &n) in oof.iter().zip(counts) {
        for (s, &v) in sum.iter_mut().zip(p) {
            *s += n as f64 * v as f64;
        }
    }
    Some(sum.iter().map(|s| (s / total as f64) as f32).collect())
}

/// Greedy forward selection with replacement over the candidates' out-of-fold predictions
/// (`oof[i]`, `pool rows × outputs`): the count of each candidate in the best round, and that
/// ensemble's score. Ties between candidates go to the earlier one (pass them best first), and
/// between rounds to the earlier (smaller) ensemble. `None` without candidates or scores.
pub fn select(
    oof: &[Vec<f32>],
    targets: &[f32],
    folds: &[Vec<usize>],
    scoring: Scoring,
    rounds: u32,
) -> Option<(Vec<u32>, CvScore)> {
    let len = oof.first()?.len();
    if oof.iter().any(|p| p.len() != len) {
        return None;
    }
    let mut counts = vec![0u32; oof.len()];
    // Sums in f64: adding the same predictions again gives exactly the same mean.
    let mut sum = vec![0f64; len];
    let mut best: Option<(Vec<u32>, CvScore)> = None;
    let mut mean = vec![0f32; len];
    for round in 1..=rounds {
        let mut pick: Option<(usize, CvScore)> = None;
        for (i, p) in oof.iter().enumerate() {
            for ((m, s), &v) in mean.iter_mut().zip(&sum).zip(p) {
                *m = ((s + v as f64) / round as f64) as f32;
            }
            let Some(score) = scoring.score(&mean, targets, folds) else {
                continue;
            };
            let better = pick
                .as_ref()
                .is_none_or(|(_, b)| scoring.objective(&score).cmp(&scoring.objective(b)).is_lt());
            if better {
                pick = Some((i, score));
            }
        }
        let (i, score) = pick?;
        counts[i] += 1;
        for (s, &v) in sum.iter_mut().zip(&oof[i]) {
            *s += v as f64;
        }
        let improves = best
            .as_ref()
            .is_none_or(|(_, b)| scoring.objective(&score).cmp(&scoring.objective(b)).is_lt());
        if improves {
            best = Some((counts.clone(), score));
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scoring() -> Scoring {
        Scoring {
            outputs: 2,
            classification: true,
            scale: 1.0,
        }
    }

    #[test]
    fn scores_pooled_predictions_per_fold_like_a_trial() {
        // Rows 0..4, two folds; targets 0, 1, 0, 1.
        let targets = [0.0, 1.0, 0.0, 1.0];
        let folds = vec![vec![0, 1], vec![2, 3]];
        let pred = [0.9, 0.1, 0.2, 0.8, 0.4, 0.6, 0.3, 0.7];
        let s = scoring().score(&pred, &targets, &folds).unwrap();
        assert_eq!(s.folds, 2);
        // Fold 1 is all right, fold 2 half.
        assert!((s.score - 0.75).abs() < 1e-6, "{s:?}");
        let l1 = (-(0.9f64.ln()) - 0.8f64.ln()) / 2.0;
        let l2 = (-(0.4f64.ln()) - 0.7f64.ln()) / 2.0;
        assert!((s.loss - (l1 + l2) / 2.0).abs() < 1e-5, "{s:?}");
        let reg = Scoring {
            outputs: 1,
            classification: false,
            scale: 2.0,
        };
        let r = reg.score(&[1.0, 1.0, 0.0, 3.0], &targets, &folds).unwrap();
        // Fold MSEs: (1 + 0) / 2 and (0 + 4) / 2; RMSE in units: 2 × mean of their roots.
        assert!((r.loss - (0.5 + 2.0) / 2.0).abs() < 1e-6);
        assert!((r.score - 2.0 * (0.5f64.sqrt() + 2.0f64.sqrt()) / 2.0).abs() < 1e-5);
    }

    #[test]
    fn selection_mixes_complementary_candidates_and_never_loses_to_the_best_one() {
        // Four rows in two folds, all of class 0. Each candidate is confidently wrong on a
        // different row; their mean is right everywhere.
        let targets = [0.0; 4];
        let folds = vec![vec![0, 1], vec![2, 3]];
        let row = |p0: f32| [p0, 1.0 - p0];
        let cand = |ps: [f32; 4]| ps.iter().flat_map(|&p| row(p)).collect::<Vec<f32>>();
        let a = cand([0.45, 0.9, 0.9, 0.9]);
        let b = cand([0.9, 0.45, 0.9, 0.9]);
        let weak = cand([0.6, 0.6, 0.6, 0.6]);
        let (counts, score) =
            select(&[a.clone(), b, weak], &targets, &folds, scoring(), 25).unwrap();
        assert!(counts[0] > 0 && counts[1] > 0, "{counts:?}");
        assert!((score.score - 1.0).abs() < 1e-9, "{score:?}");
        let single = scoring().score(&a, &targets, &folds).unwrap();
        assert!(score.loss < single.loss);
        // One candidate: the ensemble is that candidate (the first round is kept).
        let (counts, one) =
            select(std::slice::from_ref(&a), &targets, &folds, scoring(), 25).unwrap();
        assert_eq!(counts, vec![1]);
        assert_eq!(one, single);
        assert!(select(&[], &targets, &folds, scoring(), 25).is_none());
    }

    #[test]
    fn the_mixture_weights_each_candidate_by_its_count() {
        let oof = vec![vec![1.0, 0.0], vec![0.0, 1.0], vec![0.5, 0.5]];
        assert_eq!(mixture(&oof, &[3, 1, 0]), Some(vec![0.75, 0.25]));
        // Counts past the candidates' end, or a candidate past the counts', are left out.
        assert_eq!(mixture(&oof[..1], &[2, 5]), Some(vec![1.0, 0.0]));
        assert_eq!(mixture(&oof, &[0, 1]), Some(vec![0.0, 1.0]));
        assert_eq!(mixture(&oof, &[0, 0, 0]), None);
        assert_eq!(mixture(&[vec![1.0], vec![1.0, 0.0]], &[1, 1]), None);
    }

    #[test]
    fn regression_selection_averages_errors_of_opposite_sign() {
        let targets = [0.0, 1.0, 2.0, 3.0];
        let folds = vec![vec![0, 2], vec![1, 3]];
        let reg = Scoring {
            outputs: 1,
            classification: false,
            scale: 1.0,
        };
        let high: Vec<f32> = targets.iter().map(|y| y + 0.5).collect();
        let low: Vec<f32> = targets.iter().map(|y| y - 0.5).collect();
        let worse: Vec<f32> = targets.iter().map(|y| y + 2.0).collect();
        let (counts, score) = select(&[high, worse, low], &targets, &folds, reg, 25).unwrap();
        assert_eq!((counts[0], counts[1], counts[2]), (1, 0, 1), "{counts:?}");
        assert!(
            score.score.abs() < 1e-9 && score.loss.abs() < 1e-9,
            "{score:?}"
        );
    }

    #[test]
    fn shares_split_a_members_weight_over_its_fold_models() {
        let spec = Spec::test_mlp(2, 2, &[3], crate::model::Activation::Tanh, 4);
        let w = crate::model::initial_weights(&spec);
        let e = Ensemble {
            members: vec![
                Member {
                    trial: 7,
                    count: 3,
                    models: vec![w.clone(), w.clone()],
                },
                Member {
                    trial: 2,
                    count: 1,
                    models: vec![w.clone()],
                },
            ],
            cv: CvScore {
                folds: 2,
                score: 1.0,
                loss: 0.1,
                diverged: false,
            },
            temperature: 1.0,
        };
        assert_eq!(e.lead(), Some(7));
        assert_eq!(e.models(), 3);
        let shares = e.shares();
        assert_eq!((shares[0].share, shares[1].share), (0.75, 0.25));
        let weighted = e.weighted(|_| Some(&spec));
        let total: f32 = weighted.iter().map(|m| m.share).sum();
        assert!((total - 1.0).abs() < 1e-6);
        assert_eq!(weighted[0].share, 0.375);
    }
}
