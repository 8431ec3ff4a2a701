//! The baselines' cross-validation, as methods of [`Search`]. After the networks were
//! cross-validated, each baseline is fitted on the same folds of train + validation and scored
//! on each held-out fold, one fold of one baseline per step and outside the time budget, like
//! its other fits. The leaderboard then ranks baselines and networks by the same kind of
//! estimate, on the same rows. A baseline too costly to fit on every fold
//! ([`BaselineKind::not_cross_validated_because`]) is placed by its validation score. The test part is
//! never read.

use super::*;

impl Search {
    /// The first baseline result from `from` on that is still to be cross-validated: one that
    /// was fitted and has no cross-validation outcome yet, after the networks' stage scored
    /// some trial. `None` when there is none, or the networks were not cross-validated.
    pub(super) fn next_baseline_to_cross_validate(&self, from: usize) -> Option<usize> {
        if !self.config.cross_validates() || !self.trials.iter().any(|t| t.cv.is_some()) {
            return None;
        }
        (from..self.baselines.len())
            .find(|&i| self.baselines[i].fit.is_ok() && self.baselines[i].cv.is_none())
    }

    /// Fits baseline result `next` (or the next one still to do) on its next fold; after its
    /// last fold, or when it cannot be cross-validated, records the outcome and sends
    /// [`Event::BaselineCrossValidated`].
    pub(super) fn baseline_cv_step(&mut self, next: usize, events: &mut Vec<Event>) {
        let Some(i) = self.next_baseline_to_cross_validate(next) else {
            return self.after_baseline_cv();
        };
        let pool = self.data.train_data();
        let folds = match self.cv_fold_rows(&pool, self.cv_folds()) {
            Ok(folds) => folds,
            Err(e) => return self.end_baseline_cv(i, Err(e.to_string()), events),
        };
        let kind = self.baselines[i].kind;
        if self.baselines[i].cv_folds.is_empty() {
            let sizes: Vec<DataSize> = (0..folds.len())
                .map(|f| DataSize::of_fold(&self.data, &cv::fold_data(&pool, &folds, f)))
                .collect();
            if let Some(reason) = kind.not_cross_validated_because(&self.data.task, &sizes) {
                return self.end_baseline_cv(i, Err(reason), events);
            }
        }
        let f = self.baselines[i].cv_folds.len();
        let fold = cv::fold_data(&pool, &folds, f);
        match baselines::fit_fold(kind, &self.data, &fold, self.config.seed) {
            Ok((held_out, fit_ms)) => {
                let score = self.fold_score(&held_out, &fold.valid_y);
                let b = &mut self.baselines[i];
                b.cv_ms += fit_ms;
                b.cv_folds.push(score);
                if b.cv_folds.len() >= folds.len() {
                    let summary = self.summarise_folds(&self.baselines[i].cv_folds);
                    self.end_baseline_cv(i, Ok(summary), events);
                } else {
                    self.phase = Phase::CrossValidatingBaselines { next: i };
                }
            }
            Err(e) => self.end_baseline_cv(i, Err(e.message), events),
        }
    }

    /// Records baseline result `i`'s cross-validation outcome, sends its event and moves on to
    /// the next baseline.
    fn end_baseline_cv(
        &mut self,
        i: usize,
        outcome: Result<CvScore, String>,
        events: &mut Vec<Event>,
    ) {
        let b = &mut self.baselines[i];
        b.cv_folds.clear();
        events.push(Event::BaselineCrossValidated {
            name: b.kind.name().into(),
            folds: outcome.as_ref().map_or(0, |c| c.folds),
            score: outcome.as_ref().ok().map(|c| c.score),
            fit_ms: b.cv_ms,
            error: outcome.as_ref().err().cloned(),
        });
        b.cv = Some(outcome);
        self.phase = Phase::CrossValidatingBaselines { next: i + 1 };
    }

    /// A baseline's score on one held-out fold, in the units of the networks' fold metrics:
    /// accuracy, or RMSE in standardised units.
    fn fold_score(&self, held_out: &Prediction, targets: &[f32]) -> f64 {
        let n = targets.len().max(1) as f64;
        match held_out {
            Prediction::Classes { labels, .. } => {
                let right = labels
                    .iter()
                    .zip(targets)
                    .filter(|&(&l, &y)| l == y.max(0.0) as u32)
                    .count();
                right as f64 / n
            }
            Prediction::Values { values } => {
                let squares: f64 = values
                    .iter()
                    .zip(targets)
                    .map(|(&v, &y)| (v as f64 - y as f64).powi(2))
                    .sum();
                (squares / n).sqrt()
            }
        }
    }

    /// The means over a baseline's fold scores, as [`cv::summarise`] gives a network's:
    /// accuracy, or RMSE in the target's units; the loss is the mean squared error in
    /// standardised units (each fold's RMSE squared), or [`CvScore::NO_LOSS`] for a classifier,
    /// which gives no probabilities.
    fn summarise_folds(&self, folds: &[f64]) -> CvScore {
        let n = folds.len().max(1) as f64;
        let score = folds.iter().sum::<f64>() / n;
        match self.data.task {
            Task::Classification { .. } => CvScore {
                folds: folds.len() as u32,
                score,
                loss: CvScore::NO_LOSS,
                diverged: false,
            },
            Task::Regression => CvScore {
                folds: folds.len() as u32,
                score: score * self.data.target_scale.map_or(1.0, |(_, std)| std as f64),
                loss: folds.iter().map(|rmse| rmse * rmse).sum::<f64>() / n,
                diverged: false,
            },
        }
    }
}
