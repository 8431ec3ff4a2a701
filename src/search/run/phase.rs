//! The search phase, as methods of [`Search`]: budget checks, one step of the scheduler's rung
//! population (new trials from the sampler, training, promotions and pruning), and keeping the
//! weights of finalists and evolution parents.

use super::*;
use std::cmp::Ordering;

impl Search {
    /// Whether the search phase may go on, and the candidate-epochs it has left. With
    /// cross-validation the search phase gets `1 - cv_share` of each budget.
    pub(super) fn budget_left(&self) -> (bool, Option<u64>) {
        let b = self.config.budget;
        let share = self.config.search_share();
        // A step cannot be cut short, so with cross-validation the phase also ends when one more
        // step as long as the latest would run past its time limit.
        let time_ok = self.search_time_limit_ms().is_none_or(|limit_ms| {
            if self.config.cross_validates() {
                cv::search_may_go_on(self.elapsed_ms, self.last_step_ms, limit_ms)
            } else {
                self.elapsed_ms < limit_ms
            }
        });
        let epochs_left = b.epochs.map(|e| {
            let limit = ((e as f64 * share).floor() as u64).max(1);
            limit.saturating_sub(self.epochs_used)
        });
        (time_ok && epochs_left != Some(0), epochs_left)
    }

    /// Under a time budget, the time (ms) by which the search phase ends: the budget, less with
    /// cross-validation the time held back for the stage (its estimated cost for the current
    /// top candidates with a margin, [`cv::RESERVE_MARGIN`], at most `cv_share` of the budget: a
    /// reserve the stage could not use would be lost).
    fn search_time_limit_ms(&self) -> Option<f64> {
        let budget_ms = self.config.budget.seconds? * 1000.0;
        Some(if self.config.cross_validates() {
            budget_ms - cv::reserve_ms(self.cv_reserve_ms, budget_ms, self.config.cv_share)
        } else {
            budget_ms
        })
    }

    /// Under a time budget, the time (ms) this step, which began at `started_ms`, has left to
    /// train in before the [`Search::search_time_limit_ms`]. A step cannot be cut short once
    /// training, so it trains only the epochs that fit at the rate measured on the latest one
    /// (see [`epochs_that_fit`]).
    fn training_time_left(&self, started_ms: f64) -> Option<f64> {
        let limit_ms = self.search_time_limit_ms()?;
        Some(limit_ms - self.elapsed_ms - (now_ms() - started_ms))
    }

    pub(super) fn may_start_trial(&self) -> bool {
        let (ok, _) = self.budget_left();
        ok && self
            .config
            .max_trials
            .is_none_or(|m| (self.trials.len() as u32) < m)
    }

    pub(super) fn history(&self) -> Vec<Observation> {
        self.trials
            .iter()
            .filter_map(|t| {
                t.objective().map(|objective| Observation {
                    trial: t.id,
                    sample: t.sample.clone(),
                    objective,
                    epochs: t.epochs(),
                    complete: t.status == TrialStatus::Completed,
                })
            })
            .collect()
    }

    /// One step of the search phase, which began at `started_ms` ([`now_ms`]).
    pub(super) async fn search_step<T: Trainer>(
        &mut self,
        trainer: &mut T,
        events: &mut Vec<Event>,
        started_ms: f64,
    ) -> Result<(), SearchError> {
        // Candidates saved mid-training by an earlier version come back with their weights.
        for (trial, weights) in std::mem::take(&mut self.reattach) {
            if let Some(t) = self.trials.get(trial as usize) {
                let id = trainer.add(t.spec.clone(), Some(weights))?;
                self.live.insert(trial, id);
                self.no_replay.insert(trial);
            }
        }
        if !self.budget_left().0 {
            return self.close_search_phase(trainer, events, started_ms).await;
        }
        for action in self.scheduler.promotions() {
            self.apply(action, trainer, events).await?;
        }
        while let Some(target) = self.scheduler.wants_new() {
            if !self.may_start_trial() {
                break;
            }
            let trial = self.start_trial(target, trainer, events).await?;
            self.scheduler.start(trial, target);
        }
        let mut group: Vec<(u32, u32)> = self
            .scheduler
            .active()
            .into_iter()
            .filter(|(t, target)| {
                self.trials
                    .get(*t as usize)
                    .is_some_and(|tr| tr.epochs() < *target)
            })
            .collect();
        if group.is_empty() {
            return self.close_search_phase(trainer, events, started_ms).await;
        }
        let mut k = group
            .iter()
            .map(|&(t, target)| target - self.trials[t as usize].epochs())
            .min()
            .unwrap_or(1)
            .min(self.config.max_epochs_per_step.max(1));
        if let (_, Some(left)) = self.budget_left() {
            k = k.min((left / group.len() as u64).min(u32::MAX as u64) as u32);
            if k == 0 {
                // Fewer epochs left than candidates: the first ones get one epoch each, so a
                // small budget is used up rather than left untrained.
                group.truncate(left as usize);
                k = 1;
            }
            if group.is_empty() {
                return self.close_search_phase(trainer, events, started_ms).await;
            }
        }
        for &(trial, _) in &group {
            self.unpark(trial, trainer).await?;
        }
        let ids: Vec<CandidateId> = group
            .iter()
            .map(|(t, _)| {
                self.live
                    .get(t)
                    .copied()
                    .ok_or(TrainError::UnknownCandidate(CandidateId(*t)))
            })
            .collect::<Result<_, _>>()?;
        let rows = self.data.train.rows();
        let threads = trainer.parallelism();
        if let Some(left_ms) = self.training_time_left(started_ms) {
            let per_epoch: Vec<f64> = group
                .iter()
                .map(|&(t, _)| self.trials[t as usize].spec.epoch_cost(rows))
                .collect();
            k = epochs_that_fit(&per_epoch, threads, self.train_rate, left_ms, k);
            if k == 0 {
                // Not even one more epoch would end in time.
                return self.close_search_phase(trainer, events, started_ms).await;
            }
        }
        let t0 = now_ms();
        let results = trainer.train(&ids, k).await?;
        let elapsed = now_ms() - t0;
        let work = group
            .iter()
            .zip(&results)
            .map(|(&(t, _), curve)| (&self.trials[t as usize].spec, curve.len()));
        let costs = work_costs(rows, work);
        let work_span = span(&costs, threads);
        if elapsed.is_finite() && work_span > 0.0 {
            self.train_rate = elapsed / work_span;
        }
        let shares = time_shares(elapsed, &costs);
        let on_threads = thread_times(elapsed, &costs, threads);
        let mut reached = Vec::new();
        let each = shares.into_iter().zip(on_threads);
        for ((&(trial, target), curve), (share, on_thread)) in group.iter().zip(results).zip(each) {
            let tr = &mut self.trials[trial as usize];
            tr.train_ms += share;
            tr.thread_ms += on_thread;
            self.epochs_used += curve.len() as u64;
            let mut diverged = (curve.len() as u32) < k;
            for m in curve {
                tr.curve.push(m);
                events.push(Event::Epoch { trial, metrics: m });
                if m.diverged {
                    diverged = true;
                    events.push(Event::Diverged {
                        trial,
                        epoch: m.epoch,
                    });
                    break;
                }
            }
            if diverged || tr.epochs() >= target {
                reached.push((trial, diverged));
            }
        }
        for (trial, diverged) in reached {
            let tr = &self.trials[trial as usize];
            let objective = tr.objective().unwrap_or(Objective::WORST);
            let epochs = tr.epochs();
            if diverged {
                self.trials[trial as usize].status = TrialStatus::Diverged;
            }
            self.observe(trial, trainer).await?;
            for action in self.scheduler.report(trial, epochs, objective, diverged) {
                self.apply(action, trainer, events).await?;
            }
        }
        self.park_waiting(trainer).await
    }

    /// Puts a parked trial back into the trainer, exactly where it stopped. Retrained epochs
    /// take time but are not counted as trained epochs of the budget.
    async fn unpark<T: Trainer>(&mut self, trial: u32, trainer: &mut T) -> Result<(), SearchError> {
        if self.live.contains_key(&trial) {
            return Ok(());
        }
        let (Some(parked), Some(t)) = (self.parked.remove(&trial), self.trials.get(trial as usize))
        else {
            return Ok(());
        };
        let id = match parked {
            Parked::State(state) => trainer.restore(t.spec.clone(), state)?,
            Parked::Replay { epochs } => {
                let id = trainer.add(t.spec.clone(), None)?;
                if epochs > 0 {
                    trainer.train(&[id], epochs).await?;
                }
                id
            }
        };
        self.live.insert(trial, id);
        Ok(())
    }

    /// How `trial` (in the trainer as `id`; `active` when it is training toward a rung) is kept
    /// off the trainer: replayed from its seed when that reproduces it (it waits at a rung and
    /// trained from its own initial weights), else with its complete state.
    pub(super) async fn parked_form<T: Trainer>(
        &self,
        trial: u32,
        id: CandidateId,
        active: bool,
        trainer: &mut T,
    ) -> Result<Parked, SearchError> {
        let own_start = self
            .trials
            .get(trial as usize)
            .is_some_and(|t| !t.inherited)
            && !self.no_replay.contains(&trial);
        if !active && own_start {
            return Ok(Parked::Replay {
                epochs: trainer.epochs_done(id)?,
            });
        }
        Ok(Parked::State(trainer.state(id).await?))
    }

    /// Keeps the trainer's population bounded: once more than `config.resident_waiting` trials
    /// wait in the trainer between rungs, the least promising of them move off it until half
    /// that many remain. Moving is exact, so results do not depend on it; it keeps GPU memory
    /// and the cost of re-laying out the population from growing with every trial.
    async fn park_waiting<T: Trainer>(&mut self, trainer: &mut T) -> Result<(), SearchError> {
        let active: Vec<u32> = self.scheduler.active().iter().map(|&(t, _)| t).collect();
        let mut waiting: Vec<u32> = self
            .live
            .keys()
            .copied()
            .filter(|t| !active.contains(t))
            .collect();
        if waiting.len() <= self.config.resident_waiting {
            return Ok(());
        }
        self.best_first(&mut waiting, Objective::rung_cmp);
        for trial in waiting.into_iter().skip(self.config.resident_waiting / 2) {
            if let Some(&id) = self.live.get(&trial) {
                let parked = self.parked_form(trial, id, false, trainer).await?;
                self.parked.insert(trial, parked);
                self.live.remove(&trial);
                trainer.remove(id);
            }
        }
        Ok(())
    }

    /// Sorts trials by their latest validation objective in `order`, best first (ties by id):
    /// [`Objective::rung_cmp`], the order the schedulers promote in, or [`Objective::cmp`], the
    /// ranking's.
    fn best_first(&self, trials: &mut [u32], order: fn(&Objective, &Objective) -> Ordering) {
        let objective = |t: u32| {
            self.trials
                .get(t as usize)
                .and_then(|tr| tr.objective())
                .unwrap_or(Objective::WORST)
        };
        trials.sort_by(|&a, &b| order(&objective(a), &objective(b)).then(a.cmp(&b)));
    }

    pub(super) async fn start_trial<T: Trainer>(
        &mut self,
        target: u32,
        trainer: &mut T,
        events: &mut Vec<Event>,
    ) -> Result<u32, SearchError> {
        let id = self.trials.len() as u32;
        let history = if self.sampler.uses_history() {
            self.history()
        } else {
            Vec::new()
        };
        let proposal = self.sampler.ask(&self.space, &history);
        let shape = SpecShape {
            inputs: self.data.inputs() as u32,
            outputs: self.data.task.outputs() as u32,
            loss: match self.data.task {
                Task::Classification { .. } => Loss::SoftmaxCrossEntropy,
                Task::Regression => Loss::MeanSquaredError,
            },
            horizon_epochs: self.config.fidelity.max_epochs,
            seed: crate::rng::Rng::new(self.config.seed)
                .fork(100_000 + id as u64)
                .next_u64(),
        };
        let spec = self
            .space
            .to_spec(&proposal.sample, &shape)
            .map_err(SearchError::Spec)?;
        let mut init = None;
        if self.config.inherit() {
            if let Some(parent) = proposal.parent {
                if let (Some(p), Some(w)) =
                    (self.trials.get(parent as usize), self.kept.get(&parent))
                {
                    init = inherit_weights(&p.spec, w, &spec);
                }
            }
        }
        let inherited = init.is_some();
        let cid = trainer.add(spec.clone(), init)?;
        self.live.insert(id, cid);
        events.push(Event::TrialStarted {
            trial: id,
            summary: spec.summary(),
            parameters: spec.parameter_count(),
            params: proposal.sample.clone(),
            parent: proposal.parent,
            inherited,
            origin: proposal.origin.clone(),
            target_epochs: target,
        });
        self.trials.push(Trial {
            id,
            sample: Arc::new(proposal.sample),
            spec,
            parent: proposal.parent,
            origin: proposal.origin,
            inherited,
            status: TrialStatus::Running,
            curve: Vec::new(),
            train_ms: 0.0,
            thread_ms: 0.0,
            retrain_ms: 0.0,
            cv: None,
        });
        Ok(id)
    }

    /// Tells the sampler about a trial's evaluation at a rung and keeps its weights when it may
    /// be needed later (evolution parent or finalist).
    pub(super) async fn observe<T: Trainer>(
        &mut self,
        trial: u32,
        trainer: &mut T,
    ) -> Result<(), SearchError> {
        let Some(tr) = self.trials.get(trial as usize) else {
            return Ok(());
        };
        let Some(objective) = tr.objective() else {
            return Ok(());
        };
        self.sampler.tell(&Observation {
            trial,
            sample: tr.sample.clone(),
            objective,
            epochs: tr.epochs(),
            complete: tr.epochs() >= self.config.fidelity.max_epochs,
        });
        if self.config.inherit() && objective != Objective::WORST {
            if let Some(&id) = self.live.get(&trial) {
                self.kept.insert(trial, trainer.weights(id).await?);
            }
        }
        Ok(())
    }

    pub(super) async fn apply<T: Trainer>(
        &mut self,
        action: Action,
        trainer: &mut T,
        events: &mut Vec<Event>,
    ) -> Result<(), SearchError> {
        match action {
            Action::Promote {
                trial,
                from_epochs,
                to_epochs,
            } => {
                events.push(Event::Promoted {
                    trial,
                    from_epochs,
                    to_epochs,
                });
            }
            Action::Prune { trial, epochs } => {
                let status = match self.trials.get(trial as usize).map(|t| t.status) {
                    Some(TrialStatus::Diverged) => TrialStatus::Diverged,
                    _ => {
                        events.push(Event::Pruned { trial, epochs });
                        TrialStatus::Pruned
                    }
                };
                self.retire(trial, status, trainer, events).await?;
            }
            Action::Complete { trial, .. } => {
                self.retire(trial, TrialStatus::Completed, trainer, events)
                    .await?;
            }
        }
        Ok(())
    }

    /// A trial stops for good: keep its weights if it is a finalist so far, free its slot.
    pub(super) async fn retire<T: Trainer>(
        &mut self,
        trial: u32,
        status: TrialStatus,
        trainer: &mut T,
        events: &mut Vec<Event>,
    ) -> Result<(), SearchError> {
        let Some(tr) = self.trials.get_mut(trial as usize) else {
            return Ok(());
        };
        tr.status = status;
        let objective = tr.objective();
        events.push(Event::TrialFinished {
            trial,
            status,
            epochs: tr.epochs(),
            objective,
            valid_score: tr.curve.last().map(|m| m.valid_score),
        });
        let keep = status != TrialStatus::Diverged
            && self.is_finalist(trial)
            && !self.kept.contains_key(&trial);
        if keep {
            // A finalist's weights are needed: a parked one comes back for them.
            self.unpark(trial, trainer).await?;
        }
        self.parked.remove(&trial);
        if let Some(id) = self.live.remove(&trial) {
            if keep {
                self.kept.insert(trial, trainer.weights(id).await?);
            }
            trainer.remove(id);
        }
        // The kept places change only when a trial earns one (or, with weight inheritance, when
        // the parents change).
        if keep || self.config.inherit() {
            self.prune_kept(trainer.parallelism());
        }
        Ok(())
    }

    /// The best `finalists` retired trials with kept weights, no two of them near-copies (see
    /// [`Search::distinct_top`]).
    pub(super) fn finalist_ids(&self) -> Vec<u32> {
        self.distinct_top(self.config.finalists.max(1))
    }

    /// Whether `trial`, retiring, earns one of the kept places.
    pub(super) fn is_finalist(&self, trial: u32) -> bool {
        let pool = self.kept_pool();
        let ranked = self.kept_ranked(Some(trial));
        // Outside weight inheritance (which keeps its parents too) the kept trials are the
        // distinct top itself: when a full pool of them ranks above `trial`, it earns no place.
        // Most trials retire that way, so this saves the near-copy comparisons for them.
        if !self.config.inherit()
            && !self.kept.contains_key(&trial)
            && ranked
                .iter()
                .position(|&t| t == trial)
                .is_none_or(|p| p >= pool)
        {
            return false;
        }
        self.distinct_of(&ranked, pool).contains(&trial)
    }

    /// The best `k` trials (see [`Search::ranked`]) among those with kept weights, leaving out each one that is a near-copy ([`near_copy`]) of a better one already taken.
    ///
    /// Only trials with kept weights compete, since a finalist or candidate needs them. A
    /// retired trial's objective no longer changes, so without near-copies a trial that earned
    /// no place when it retired never earns one later. With them it can: a better trial that
    /// retires later and is a near-copy of two kept ones frees a place, which then goes to the
    /// best trial that still has its weights.
    fn distinct_top(&self, k: usize) -> Vec<u32> {
        self.distinct_of(&self.kept_ranked(None), k)
    }

    /// The trials with kept weights and `also`, ranked ([`Search::ranked_among`]).
    fn kept_ranked(&self, also: Option<u32>) -> Vec<u32> {
        let extra = also.filter(|t| !self.kept.contains_key(t));
        self.ranked_among(self.kept.keys().copied().chain(extra))
    }

    /// The first `k` of `ranked` (best first), passing over each near-copy of one already taken.
    fn distinct_of(&self, ranked: &[u32], k: usize) -> Vec<u32> {
        let params = self.space.params();
        let mut top: Vec<&Trial> = Vec::with_capacity(k);
        for trial in ranked.iter().filter_map(|&t| self.trials.get(t as usize)) {
            if top.len() >= k {
                break;
            }
            if !top
                .iter()
                .any(|better| near_copy::near_copies(&params, &better.sample, &trial.sample))
            {
                top.push(trial);
            }
        }
        top.iter().map(|t| t.id).collect()
    }

    /// Keeps the weights of the distinct top `kept_pool` trials (the finalists and
    /// cross-validation candidates; see [`Search::distinct_top`]) and, with weight inheritance,
    /// of the parents; with cross-validation, re-estimates the stage's reserve from the offers
    /// among the kept trials, all of them trained together on the trainer's `threads`
    /// ([`cv::held_back_ms`]: none when the top one alone would not fit).
    pub(super) fn prune_kept(&mut self, threads: usize) {
        let ranked = self.kept_ranked(None);
        if self.config.cross_validates() {
            let k = self.cv_folds();
            let estimates: Vec<f64> = self
                .cv_offers(&ranked, k)
                .iter()
                .map(|o| o.estimate_ms)
                .collect();
            let cap = self
                .config
                .budget
                .seconds
                .map_or(f64::INFINITY, |s| s * 1000.0 * self.config.cv_share);
            self.cv_reserve_ms = cv::held_back_ms(&estimates, k, threads, cap);
        }
        let finalists = self.distinct_of(&ranked, self.kept_pool());
        let parents: Vec<u32> = match &self.sampler {
            Sampler::Evolution(e) if self.config.inherit() => {
                e.population().map(|o| o.trial).collect()
            }
            _ => Vec::new(),
        };
        self.kept
            .retain(|t, _| finalists.contains(t) || parents.contains(t));
    }

    pub(super) async fn end_search_phase<T: Trainer>(
        &mut self,
        trainer: &mut T,
        events: &mut Vec<Event>,
    ) -> Result<(), SearchError> {
        let mut running: Vec<u32> = self.live.keys().copied().collect();
        running.extend(self.parked.keys().copied());
        // Best first, so that few parked trials are finalists when they retire (and need their
        // weights back).
        self.best_first(&mut running, Objective::cmp);
        let active: Vec<u32> = self.scheduler.active().iter().map(|&(t, _)| t).collect();
        for trial in running {
            let status = if active.contains(&trial) {
                TrialStatus::Stopped
            } else {
                TrialStatus::Pruned
            };
            if self
                .trials
                .get(trial as usize)
                .is_some_and(|t| t.status == TrialStatus::Running)
            {
                self.retire(trial, status, trainer, events).await?;
            } else {
                if let Some(id) = self.live.remove(&trial) {
                    trainer.remove(id);
                }
                self.parked.remove(&trial);
            }
        }
        Ok(())
    }
}

// Natively only: the search is driven with `block_on`.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::model::CpuTrainer;
    use crate::platform::block_on;

    /// A search on iris under a 100 s budget, without cross-validation, two trials of 20 epochs
    /// training 5 epochs a step, after its first training step; and its trainer.
    fn after_one_step() -> (Search, CpuTrainer) {
        let budget = Budget {
            seconds: Some(100.0),
            epochs: None,
        };
        let (data, mut config) = iris_without_cv(2, 20, budget);
        config.max_epochs_per_step = 5;
        let mut search = Search::new(config, &data).unwrap();
        let mut trainer = CpuTrainer::new(search.train_data());
        while search.epochs_used == 0 {
            block_on(search.step(&mut trainer)).unwrap();
        }
        (search, trainer)
    }

    /// The trials training, with the epochs each has trained.
    fn training(s: &Search) -> Vec<(u32, u32)> {
        s.scheduler
            .active()
            .into_iter()
            .map(|(t, _)| (t, s.trials[t as usize].epochs()))
            .collect()
    }

    /// Sets the trainer's rate so that one epoch of the trials training takes `epoch_ms`.
    fn one_epoch_takes(s: &mut Search, trainer: &CpuTrainer, epoch_ms: f64) {
        let rows = s.data.train.rows();
        let per_epoch: Vec<f64> = training(s)
            .iter()
            .map(|&(t, _)| s.trials[t as usize].spec.epoch_cost(rows))
            .collect();
        s.train_rate = epoch_ms / span(&per_epoch, trainer.parallelism());
    }

    #[test]
    fn a_step_trains_only_the_epochs_that_end_before_the_time_budget() {
        let (mut s, mut trainer) = after_one_step();
        let before = training(&s);
        assert_eq!(before.len(), 2, "{before:?}");
        assert!(before.iter().all(|&(_, e)| e == 5), "{before:?}");
        // 10 s left and an epoch predicted at 4 s: two of the five epochs fit.
        s.elapsed_ms = 90_000.0;
        one_epoch_takes(&mut s, &trainer, 4_000.0);
        block_on(s.step(&mut trainer)).unwrap();
        let after: Vec<(u32, u32)> = before
            .iter()
            .map(|&(t, _)| (t, s.trials[t as usize].epochs()))
            .collect();
        assert!(after.iter().all(|&(_, e)| e == 7), "{after:?}");
        assert!(s.phase == Phase::Searching, "{:?}", s.phase);
        // With the rate measured again (the epochs took far less than predicted), the next
        // step trains all five.
        block_on(s.step(&mut trainer)).unwrap();
        assert!(
            training(&s).iter().all(|&(_, e)| e == 12),
            "{:?}",
            training(&s)
        );
    }

    #[test]
    fn a_step_in_which_not_one_epoch_would_end_in_time_closes_the_search_phase() {
        let (mut s, mut trainer) = after_one_step();
        let before = training(&s);
        s.elapsed_ms = 98_000.0;
        one_epoch_takes(&mut s, &trainer, 4_000.0);
        block_on(s.step(&mut trainer)).unwrap();
        assert!(s.phase != Phase::Searching, "{:?}", s.phase);
        for (t, epochs) in before {
            assert_eq!(s.trials[t as usize].epochs(), epochs, "trial {t}");
        }
    }
}
