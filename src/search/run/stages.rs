//! The stages after the search phase, as methods of [`Search`]: closing the search phase, the
//! cross-validation of the top candidates (one fold per step, see [`crate::search::cv`]) and the
//! refit of the winner on train + validation.

use super::*;

/// A trial's place in the ranking: not the ensemble's lead, its cross-validation class, its
/// cross-validated objective, its validation objective, its id.
type RankKey = (bool, u8, Option<Objective>, Objective, u32);

/// The ranking order of [`Search::ranked`]. It is total: within one (lead, class) group either
/// every trial has a cross-validated objective or none has, and ids are unique.
fn rank_cmp(a: &RankKey, b: &RankKey) -> std::cmp::Ordering {
    a.0.cmp(&b.0)
        .then(a.1.cmp(&b.1))
        .then(match (a.2, b.2) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => std::cmp::Ordering::Equal,
        })
        .then(a.3.cmp(&b.3))
        .then(a.4.cmp(&b.4))
}

impl Search {
    /// The search phase is over: retire what runs, then cross-validate (or refit, or stop).
    /// The step doing this began at `started_ms`; its time so far counts against the stage.
    pub(super) async fn close_search_phase<T: Trainer>(
        &mut self,
        trainer: &mut T,
        events: &mut Vec<Event>,
        started_ms: f64,
    ) -> Result<(), SearchError> {
        // Whether time was held back for the stage: retiring the running trials may put a
        // trial that would not fit first (and re-estimate the reserve as none).
        let reserved = self.cv_reserve_ms > 0.0;
        self.end_search_phase(trainer, events).await?;
        self.begin_cv(
            events,
            now_ms() - started_ms,
            trainer.parallelism(),
            reserved,
        );
        Ok(())
    }

    /// Trials ranked for selection: the lead of the winner's ensemble first, when there is
    /// one; then cross-validated ones (by cross-validated objective), then the others by
    /// validation objective, then those that diverged on a fold (see
    /// [`Trial::cv_rank_class`]); diverged and running trials are left out.
    pub(super) fn ranked(&self) -> Vec<u32> {
        Self::sorted(self.rank_keys(self.trials.iter()))
    }

    /// [`Search::ranked`] restricted to `ids` (each at most once). It reads only those trials:
    /// the kept places are ranked after every retired trial, among a handful of trials.
    pub(super) fn ranked_among(&self, ids: impl IntoIterator<Item = u32>) -> Vec<u32> {
        let trials = ids.into_iter().filter_map(|t| self.trials.get(t as usize));
        Self::sorted(self.rank_keys(trials))
    }

    fn sorted(mut keys: Vec<RankKey>) -> Vec<u32> {
        keys.sort_by(rank_cmp);
        keys.iter().map(|key| key.4).collect()
    }

    /// Each rankable trial's ranking keys (see [`rank_cmp`]), read once.
    fn rank_keys<'a>(&self, trials: impl Iterator<Item = &'a Trial>) -> Vec<RankKey> {
        let lead = self.ensemble.as_ref().and_then(|e| e.lead());
        trials
            .filter(|t| !matches!(t.status, TrialStatus::Running | TrialStatus::Diverged))
            .filter_map(|t| {
                let objective = t.objective()?;
                Some((
                    Some(t.id) != lead,
                    t.cv_rank_class(),
                    t.cv_objective(),
                    objective,
                    t.id,
                ))
            })
            .collect()
    }

    /// How many of the ranked trials keep their weights while the search runs: the finalists,
    /// and the cross-validation candidates (one of which may become the winner).
    pub(super) fn kept_pool(&self) -> usize {
        let cv = if self.config.cross_validates() {
            self.config.cv_candidates
        } else {
            0
        };
        self.config.finalists.max(cv).max(1)
    }

    /// Starts the cross-validation stage (see [`super::cv`] for the budget rule), or moves on
    /// when it is off or cannot run. `spent_ms`: time the current step has taken and not yet
    /// added to the elapsed time (closing the search phase); `threads`: how many candidates the
    /// trainer trains at the same time; `reserved`: whether the search phase held time back for
    /// the stage. When it did and the top candidate no longer fits (a trial stopped by the
    /// closing of the search phase, longer than the one the time was held for, may rank first),
    /// the best ones that fit are cross-validated instead ([`cv::plan_passing_over`]), and
    /// rank above it; when it did not, the top candidate was too large for the stage from the
    /// start, and it stays the winner without one.
    pub(super) fn begin_cv(
        &mut self,
        events: &mut Vec<Event>,
        spent_ms: f64,
        threads: usize,
        reserved: bool,
    ) {
        if !self.config.cross_validates() {
            return self.after_cv();
        }
        let pool = self.data.train_data();
        let n = pool.train_rows() + pool.valid_rows();
        let k = (self.config.cv_folds as usize).min(n);
        let skip = |s: &mut Search, events: &mut Vec<Event>, reason: String| {
            events.push(Event::CrossValidationSkipped { reason });
            s.after_cv();
        };
        if k < 2 {
            return skip(self, events, format!("{n} rows are too few for folds"));
        }
        let folds = match self.cv_fold_rows(&pool, k) {
            Ok(f) => f,
            Err(e) => return skip(self, events, e.to_string()),
        };
        let offers = self.cv_offers(&self.ranked(), k);
        if offers.is_empty() {
            return skip(self, events, "no candidate finished training".into());
        }
        let b = self.config.budget;
        let allowance = Allowance {
            epochs: b
                .epochs
                .map(|e| e.saturating_sub(self.epochs_used + self.cv_epochs)),
            ms: b.seconds.map(|s| s * 1000.0 - self.elapsed_ms - spent_ms),
        };
        let taken = if reserved {
            cv::plan_passing_over(&offers, k, allowance, threads)
        } else {
            cv::plan(&offers, k, allowance, threads)
        };
        if taken.is_empty() {
            return skip(
                self,
                events,
                format!(
                    "cross-validating the top candidate ({} epoch{} × {k} folds, about {:.1} s) does not fit into the budget left",
                    offers[0].epochs,
                    if offers[0].epochs == 1 { "" } else { "s" },
                    offers[0].estimate_ms / 1000.0
                ),
            );
        }
        let last = taken
            .last()
            .and_then(|l| offers.iter().position(|o| o.trial == l.trial))
            .unwrap_or(0);
        events.push(Event::CrossValidationStarted {
            folds: k as u32,
            candidates: taken.iter().map(|o| o.trial).collect(),
            passed_over: offers[..last]
                .iter()
                .filter(|o| !taken.iter().any(|t| t.trial == o.trial))
                .map(|o| o.trial)
                .collect(),
            rows: n,
        });
        self.cv = Some(CvStage {
            folds,
            candidates: taken.iter().map(|o| o.trial).collect(),
            estimate_ms: taken.iter().map(|o| o.estimate_ms).collect(),
            next: 0,
            results: vec![Vec::new(); taken.len()],
            weights: if self.config.bags() {
                vec![Vec::new(); taken.len()]
            } else {
                Vec::new()
            },
        });
        self.set_phase(Phase::CrossValidating);
    }

    /// The `k` folds of `pool` (the search's train + validation data) the networks are
    /// cross-validated on, and then the baselines: seeded by the run's seed, so a resumed
    /// search cuts the same ones.
    pub fn cv_fold_rows(
        &self,
        pool: &crate::model::TrainData,
        k: usize,
    ) -> Result<Vec<Vec<usize>>, crate::data::DataError> {
        let seed = crate::rng::Rng::new(self.config.seed)
            .fork(0xC7_F01D)
            .next_u64();
        cv::folds(pool, k, seed)
    }

    /// Folds the stage will use.
    pub(super) fn cv_folds(&self) -> usize {
        let n = self.data.train.rows() + self.data.valid.rows();
        (self.config.cv_folds as usize).min(n)
    }

    /// The cross-validation candidates among `ranked` trials, with their estimated time on one
    /// of the trainer's threads over `k` folds: the trial's own measured time on a thread
    /// ([`Trial::thread_ms`]; its share of the steps, [`Trial::train_ms`], in a search saved
    /// without it), scaled by `k - 1` and by the fold's training rows over the search's. Only
    /// trials whose search-phase weights are kept qualify: the winner's leaderboard row takes
    /// its validation metrics from them.
    pub(super) fn cv_offers(&self, ranked: &[u32], k: usize) -> Vec<Offer> {
        let n = self.data.train.rows() + self.data.valid.rows();
        let scale = k.saturating_sub(1) as f64 * n as f64 / self.data.train.rows().max(1) as f64;
        ranked
            .iter()
            .filter(|t| self.kept.contains_key(t))
            .filter_map(|&t| self.trials.get(t as usize))
            .filter(|t| t.objective().is_some_and(|o| o != Objective::WORST) && t.epochs() > 0)
            .take(self.config.cv_candidates)
            .map(|t| Offer {
                trial: t.id,
                epochs: t.epochs(),
                estimate_ms: if t.thread_ms > 0.0 {
                    t.thread_ms
                } else {
                    t.train_ms
                } * scale,
            })
            .collect()
    }

    /// At the end of a stage that kept its fold models: the winner (now ranked first by its
    /// cross-validated score) becomes an ensemble of the candidates' fold models, chosen by
    /// greedy selection on their out-of-fold predictions ([`super::super::ensemble`]) among
    /// those that trained on every fold without diverging; with [`SearchConfig::ensemble`] off,
    /// or when selection keeps it alone, the winner's own bag. Nothing is formed when the
    /// winner diverged on a fold or lacks a fold model.
    fn form_ensemble(&mut self, mut stage: CvStage, events: &mut Vec<Event>) {
        self.ensemble = None;
        let ranked = self.ranked();
        let Some(&winner) = ranked.first() else {
            return;
        };
        let k = stage.folds.len();
        let complete = |i: usize| {
            stage.weights.get(i).is_some_and(|w| w.len() == k)
                && stage
                    .results
                    .get(i)
                    .is_some_and(|r| r.iter().all(|m| !m.diverged))
        };
        // Complete candidates, best cross-validated first.
        let order: Vec<usize> = ranked
            .iter()
            .filter_map(|t| stage.candidates.iter().position(|c| c == t))
            .filter(|&i| complete(i))
            .collect();
        if order.first().map(|&i| stage.candidates[i]) != Some(winner) {
            return;
        }
        let Some(winner_cv) = self.trials.get(winner as usize).and_then(|t| t.cv) else {
            return;
        };
        let classification = matches!(self.data.task, Task::Classification { .. });
        let scoring = ensemble::Scoring {
            outputs: self.data.task.outputs(),
            classification,
            scale: self.data.target_scale.map_or(1.0, |(_, std)| std as f64),
        };
        let pool = self.data.train_data();
        let targets = ensemble::pool_targets(&pool);
        // Out-of-fold predictions of the candidates selection may choose from (only the winner's
        // without selection), for the selection and the calibration.
        let selecting = self.config.ensemble && order.len() > 1;
        let calibrating = classification && self.config.calibrate;
        let considered = if selecting { &order[..] } else { &order[..1] };
        let oof = (selecting || calibrating)
            .then(|| self.out_of_fold(&stage, considered, &pool))
            .flatten();
        let mut counts = vec![0u32; order.len()];
        counts[0] = 1;
        let mut score = winner_cv;
        if let (true, Some(oof)) = (selecting, &oof) {
            if let Some((c, s)) =
                ensemble::select(oof, &targets, &stage.folds, scoring, ensemble::ROUNDS)
            {
                // Kept only when it ranks above the winner by the score the leaderboard
                // compares (the winner's own comes from the trainer's metrics).
                let several = c.iter().filter(|&&n| n > 0).count() > 1;
                if several
                    && s.objective(classification)
                        .cmp(&winner_cv.objective(classification))
                        .is_lt()
                {
                    counts = c;
                    score = s;
                }
            }
        }
        let temperature = oof
            .filter(|_| calibrating)
            .and_then(|oof| {
                let mixture = ensemble::mixture(&oof, &counts)?;
                crate::model::calibration::fit_temperature(&mixture, &targets, scoring.outputs)
            })
            .unwrap_or(1.0);
        // Members: largest count first, then best cross-validated.
        let mut picked: Vec<(usize, u32)> = order
            .iter()
            .zip(&counts)
            .filter(|(_, &n)| n > 0)
            .map(|(&i, &n)| (i, n))
            .collect();
        picked.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
        let mut members = Vec::with_capacity(picked.len());
        for &(i, count) in &picked {
            members.push(Member {
                trial: stage.candidates[i],
                count,
                models: std::mem::take(&mut stage.weights[i]),
            });
        }
        let ensemble = Ensemble {
            members,
            cv: score,
            temperature,
        };
        let Some(lead) = ensemble.lead() else {
            return;
        };
        events.push(Event::WinnerBagged {
            trial: lead,
            models: ensemble.models() as u32,
            rows: self.data.train.rows() + self.data.valid.rows(),
            members: ensemble.shares(),
            cv: (ensemble.members.len() > 1).then_some(score),
            temperature: (temperature != 1.0).then_some(temperature),
        });
        self.ensemble = Some(ensemble);
    }

    /// Out-of-fold predictions over the pool of the stage's candidates `indices` (into the
    /// stage), in that order; `None` when one lacks a trial or a fold model.
    fn out_of_fold(
        &self,
        stage: &CvStage,
        indices: &[usize],
        pool: &crate::model::TrainData,
    ) -> Option<Vec<Vec<f32>>> {
        indices
            .iter()
            .map(|&i| {
                let spec = &self.trials.get(*stage.candidates.get(i)? as usize)?.spec;
                ensemble::out_of_fold(spec, stage.weights.get(i)?, pool, &stage.folds)
            })
            .collect()
    }

    /// After cross-validation (or without it): refit the winner when wanted, else stop.
    pub(super) fn after_cv(&mut self) {
        self.cv = None;
        let cross_validated = self.trials.iter().any(|t| t.cv.is_some());
        let wanted = self
            .config
            .refit
            .unwrap_or(cross_validated && self.ensemble.is_none());
        if wanted && !self.ranked().is_empty() {
            self.set_phase(Phase::Refit);
        } else {
            self.after_stages();
        }
    }

    /// Trains every candidate on the current fold (the trainer is built on
    /// [`Search::trainer_data`]) for its own epoch count, and records the held-out metrics.
    pub(super) async fn cv_step<T: Trainer>(
        &mut self,
        trainer: &mut T,
        events: &mut Vec<Event>,
    ) -> Result<(), SearchError> {
        let Some(mut stage) = self.cv.take() else {
            self.after_cv();
            return Ok(());
        };
        let t0 = now_ms();
        let mut ids = Vec::new();
        let mut targets = Vec::new();
        for &t in &stage.candidates {
            let tr = &self.trials[t as usize];
            ids.push(trainer.add(tr.spec.clone(), None)?);
            targets.push(tr.epochs());
        }
        let n = ids.len();
        let mut done = vec![0u32; n];
        let mut last: Vec<EpochMetrics> = vec![
            EpochMetrics {
                epoch: 0,
                train_loss: f32::NAN,
                valid_loss: f32::NAN,
                valid_score: f32::NAN,
                diverged: true,
            };
            n
        ];
        let mut stopped = vec![false; n];
        // Train all together to the smallest count, drop those done, continue the rest: specs
        // carry their own schedule horizon, so e epochs equal the first e of a longer run.
        loop {
            let active: Vec<usize> = (0..n)
                .filter(|&i| !stopped[i] && done[i] < targets[i])
                .collect();
            let Some(k) = active.iter().map(|&i| targets[i] - done[i]).min() else {
                break;
            };
            let group: Vec<CandidateId> = active.iter().map(|&i| ids[i]).collect();
            let t1 = now_ms();
            let results = trainer.train(&group, k).await?;
            let elapsed = now_ms() - t1;
            let held_out = stage.folds.get(stage.next).map_or(0, Vec::len);
            let rows = (self.data.train.rows() + self.data.valid.rows()).saturating_sub(held_out);
            let work = active
                .iter()
                .zip(&results)
                .map(|(&i, curve)| (&self.trials[stage.candidates[i] as usize].spec, curve.len()));
            let shares = time_shares(elapsed, &work_costs(rows, work));
            for ((&i, curve), share) in active.iter().zip(results).zip(shares) {
                if let Some(tr) = self.trials.get_mut(stage.candidates[i] as usize) {
                    tr.retrain_ms += share;
                }
                self.cv_epochs += curve.len() as u64;
                if let Some(m) = curve.last() {
                    last[i] = *m;
                }
                if (curve.len() as u32) < k || curve.iter().any(|m| m.diverged) {
                    stopped[i] = true;
                    last[i].diverged = true;
                }
                done[i] += k;
            }
        }
        for (i, &id) in ids.iter().enumerate() {
            if let Some(bag) = stage.weights.get_mut(i) {
                bag.push(trainer.weights(id).await?);
            }
        }
        for id in ids {
            trainer.remove(id);
        }
        for (r, m) in stage.results.iter_mut().zip(last) {
            r.push(m);
        }
        stage.next += 1;
        let k = stage.folds.len();
        if stage.next >= k {
            let classification = matches!(self.data.task, Task::Classification { .. });
            let scale = self.data.target_scale.map_or(1.0, |(_, std)| std as f64);
            for (&t, results) in stage.candidates.iter().zip(&stage.results) {
                let score = cv::summarise(results, classification, scale);
                if let (Some(tr), Some(score)) = (self.trials.get_mut(t as usize), score) {
                    tr.cv = Some(score);
                    events.push(Event::CrossValidated {
                        trial: t,
                        folds: score.folds,
                        score: score.score,
                        loss: score.loss,
                        diverged: score.diverged,
                    });
                }
            }
            self.form_ensemble(stage, events);
            self.after_cv();
            return Ok(());
        }
        // Correct the estimate with this fold's time; drop the lowest candidates that would no
        // longer fit (never the top one), a fold's time being the schedule of its candidates on
        // the trainer's threads.
        if let Some(s) = self.config.budget.seconds {
            let measured = now_ms() - t0;
            let threads = trainer.parallelism();
            let estimated = cv::fold_ms(&stage.estimate_ms, k, threads);
            let ratio = if estimated > 0.0 {
                measured / estimated
            } else {
                1.0
            };
            let left = s * 1000.0 - (self.elapsed_ms + measured);
            let folds_left = k - stage.next;
            let keep = cv::keep_after_fold(&stage.estimate_ms, ratio, folds_left, k, left, threads);
            stage.candidates.truncate(keep);
            stage.estimate_ms.truncate(keep);
            stage.results.truncate(keep);
            stage.weights.truncate(keep);
        }
        self.cv = Some(stage);
        self.generation += 1;
        Ok(())
    }

    /// Retrains the winner from scratch on train + validation (the trainer is built on
    /// [`Search::refit_data`]) for the epochs it trained; its search-phase weights are kept for
    /// the held-out validation metrics. A refit that diverges is discarded.
    pub(super) async fn refit_step<T: Trainer>(
        &mut self,
        trainer: &mut T,
        events: &mut Vec<Event>,
    ) -> Result<(), SearchError> {
        if let Some(&trial) = self.ranked().first() {
            if !self.pre_refit.contains_key(&trial) {
                events.push(self.refit_winner(trainer, trial).await?);
            }
        }
        self.after_stages();
        Ok(())
    }

    /// Retrains `trial` from scratch on `trainer`'s data (train + validation) for the epochs it
    /// trained. Unless it diverged or stopped short, the new weights are kept and the old ones
    /// move to `pre_refit` (for the held-out validation metrics). Returns the `Refitted` event.
    pub(super) async fn refit_winner<T: Trainer>(
        &mut self,
        trainer: &mut T,
        trial: u32,
    ) -> Result<Event, SearchError> {
        let epochs = self.trials[trial as usize].epochs();
        let (weights, curve) = self.retrain(trainer, trial).await?;
        let trained = curve.iter().map(|c| c.len()).sum::<usize>();
        let diverged = (trained as u32) < epochs || curve.iter().flatten().any(|m| m.diverged);
        if !diverged {
            if let Some(old) = self.kept.insert(trial, weights) {
                self.pre_refit.insert(trial, old);
            }
        }
        Ok(Event::Refitted {
            trial,
            epochs,
            rows: self.data.train.rows() + self.data.valid.rows(),
            diverged,
        })
    }

    /// Trains `trial`'s spec from scratch on `trainer`'s data for the epochs it trained, and
    /// adds the time to its [`Trial::retrain_ms`]: the weights and the curve.
    pub(super) async fn retrain<T: Trainer>(
        &mut self,
        trainer: &mut T,
        trial: u32,
    ) -> Result<(Weights, Vec<Vec<EpochMetrics>>), SearchError> {
        let tr = self
            .trials
            .get(trial as usize)
            .ok_or(TrainError::UnknownCandidate(CandidateId(trial)))?;
        let (spec, epochs) = (tr.spec.clone(), tr.epochs());
        let t0 = now_ms();
        let id = trainer.add(spec, None)?;
        let curve = trainer.train(&[id], epochs).await?;
        let weights = trainer.weights(id).await?;
        trainer.remove(id);
        self.trials[trial as usize].retrain_ms += now_ms() - t0;
        Ok((weights, curve))
    }
}

// Natively only: the search is driven with `block_on`.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::model::CpuTrainer;
    use crate::platform::block_on;

    /// A finished search on iris without cross-validation (a tiny epoch budget).
    fn searched() -> Search {
        let budget = Budget {
            seconds: None,
            epochs: Some(20),
        };
        let (data, config) = iris_without_cv(4, 2, budget);
        let mut search = Search::new(config, &data).unwrap();
        let mut trainer = CpuTrainer::new(search.train_data());
        while !search.is_finished() {
            block_on(search.step(&mut trainer)).unwrap();
        }
        search
    }

    /// [`searched`] with cross-validation on and a 10 s budget of which 1 s is left, its top
    /// candidate (whose weights are kept) too large for it and the next ones small; and those
    /// candidates, best first.
    fn top_too_large() -> (Search, Vec<u32>) {
        let mut s = searched();
        s.config.cv_folds = 5;
        s.config.budget = Budget {
            seconds: Some(10.0),
            epochs: None,
        };
        s.elapsed_ms = 9_000.0;
        let offered: Vec<u32> = s
            .ranked()
            .into_iter()
            .filter(|t| s.kept.contains_key(t))
            .collect();
        for &t in &offered {
            s.trials[t as usize].thread_ms = 10.0;
        }
        s.trials[offered[0] as usize].thread_ms = 1.0e6;
        (s, offered)
    }

    #[test]
    fn a_top_candidate_that_does_not_fit_is_passed_over_only_where_time_was_held_back_for_it() {
        // Nothing was held back (it alone was too large for the stage): it stays first, and
        // the stage is skipped.
        let (mut s, offered) = top_too_large();
        assert!(offered.len() >= 3, "{offered:?}");
        let mut events = Vec::new();
        s.begin_cv(&mut events, 0.0, 1, false);
        assert!(
            matches!(events.last(), Some(Event::CrossValidationSkipped { .. })),
            "{events:?}"
        );
        assert_eq!(s.ranked()[0], offered[0]);
        // Time was held back, and closing the search phase put it first: the stage takes the
        // best ones that fit.
        let (mut s, offered) = top_too_large();
        let mut events = Vec::new();
        s.begin_cv(&mut events, 0.0, 1, true);
        let Some(Event::CrossValidationStarted {
            candidates,
            passed_over,
            ..
        }) = events.last()
        else {
            panic!("{events:?}");
        };
        assert!(!candidates.contains(&offered[0]), "{candidates:?}");
        assert_eq!(candidates.first(), offered.get(1));
        assert_eq!(passed_over, &[offered[0]]);
    }

    fn cv(score: f64, diverged: bool) -> Option<CvScore> {
        Some(CvScore {
            folds: 5,
            score,
            loss: 0.5,
            diverged,
        })
    }

    #[test]
    fn a_trial_that_diverged_on_a_fold_ranks_after_those_without_cross_validation() {
        let mut s = searched();
        let by_validation = s.ranked();
        assert!(by_validation.len() >= 4, "{by_validation:?}");
        let (a, b) = (by_validation[2], by_validation[3]);
        // Cross-validated trials come first, by their cross-validated score.
        s.trials[a as usize].cv = cv(0.9, false);
        s.trials[b as usize].cv = cv(0.95, false);
        assert_eq!(&s.ranked()[..2], &[b, a]);
        // One that diverged on a fold goes after every trial without that evidence.
        s.trials[b as usize].cv = cv(0.95, true);
        let ranked = s.ranked();
        assert_eq!(ranked[0], a);
        assert_eq!(*ranked.last().unwrap(), b);
        s.trials[a as usize].cv = cv(0.9, true);
        let ranked = s.ranked();
        assert_eq!(ranked[0], by_validation[0], "the best by validation wins");
        assert_eq!(&ranked[ranked.len() - 2..], &[a, b]);
    }
}
