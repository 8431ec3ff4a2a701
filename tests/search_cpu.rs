//! The search state machine end to end on the CPU trainer with real data (tiny budgets).
#![cfg(not(target_arch = "wasm32"))]

mod common;

use automl::data::{builtin, prepare, PrepareOptions, PreparedData};
use automl::model::cpu::CpuTrainer;
use automl::model::trainer::{CandidateId, CandidateState, TrainError, Trainer, Weights};
use automl::model::Spec;
use automl::platform::block_on;
use automl::report::export::{optuna_journal, ModelFile, RunExport};
use automl::search::events::{Event, TrialStatus};
use automl::search::run::{Search, SearchConfig};
use automl::search::sampler::evolution::EvolutionConfig;
use automl::search::sampler::SamplerConfig;
use automl::search::schedule::SchedulerConfig;

fn iris() -> PreparedData {
    let table = builtin::load("iris", &Default::default()).unwrap();
    prepare(&table, &PrepareOptions::default()).unwrap()
}

fn config(sampler: SamplerConfig, scheduler: SchedulerConfig, epochs: u64) -> SearchConfig {
    common::search_config(7, sampler, scheduler, epochs)
}

/// Runs a search to the end; returns it with all its events.
fn run(config: SearchConfig, data: &PreparedData) -> (Search, Vec<Event>) {
    run_on_threads(config, data, None)
}

/// [`run`] on a CPU trainer with `threads` threads (its default when `None`).
fn run_on_threads(
    config: SearchConfig,
    data: &PreparedData,
    threads: Option<usize>,
) -> (Search, Vec<Event>) {
    let mut search = Search::new(config, data).unwrap();
    let mut trainer = CpuTrainer::new(search.train_data());
    if let Some(n) = threads {
        trainer = trainer.with_threads(n);
    }
    let mut events = Vec::new();
    let mut steps = 0;
    while !search.is_finished() {
        events.extend(block_on(search.step(&mut trainer)).unwrap());
        steps += 1;
        assert!(steps < 10_000, "search does not terminate");
    }
    events.extend(block_on(search.finish::<CpuTrainer>(None)).unwrap());
    (search, events)
}

#[test]
fn same_seed_gives_the_same_leaderboard() {
    let data = iris();
    let c = config(
        SamplerConfig::Tpe(Default::default()),
        SchedulerConfig::Asha { slots: 4 },
        120,
    );
    let (a, _) = run(c.clone(), &data);
    let (b, _) = run(c, &data);
    let (la, lb) = (a.leaderboard().unwrap(), b.leaderboard().unwrap());
    assert!(!la.rows.is_empty());
    assert_eq!(la.without_timings(), lb.without_timings());
    let curves = |s: &Search| {
        s.trials()
            .iter()
            .map(|t| t.curve.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(curves(&a), curves(&b));
}

#[test]
fn a_trials_time_on_a_thread_is_its_share_on_one_thread_and_more_on_several() {
    let data = iris();
    let c = config(
        SamplerConfig::Random,
        SchedulerConfig::Asha { slots: 4 },
        200,
    );
    let total = |s: &Search, f: fn(&automl::search::run::Trial) -> f64| {
        s.trials().iter().map(f).sum::<f64>()
    };
    let (one, _) = run_on_threads(c.clone(), &data, Some(1));
    assert!(total(&one, |t| t.train_ms) > 0.0);
    for t in one.trials() {
        assert!((t.thread_ms - t.train_ms).abs() <= 1e-9 * t.train_ms.max(1.0));
    }
    // On two threads a trial that trained beside others used its thread for more than its
    // share of the steps, and the threads were busy at most twice the steps' time.
    let (two, _) = run_on_threads(c, &data, Some(2));
    for t in two.trials() {
        assert!(t.thread_ms >= t.train_ms * (1.0 - 1e-9), "trial {}", t.id);
    }
    let (shares, on_threads) = (total(&two, |t| t.train_ms), total(&two, |t| t.thread_ms));
    assert!(on_threads > shares, "{on_threads} against {shares}");
    assert!(on_threads <= 2.0 * shares * (1.0 + 1e-9));
}

#[test]
fn asha_promotions_continue_training() {
    let data = iris();
    let c = config(
        SamplerConfig::Random,
        SchedulerConfig::Asha { slots: 3 },
        150,
    );
    let (search, events) = run(c, &data);
    let mut promoted = 0;
    for e in &events {
        if let Event::Promoted {
            trial,
            from_epochs,
            to_epochs,
        } = e
        {
            promoted += 1;
            let t = &search.trials()[*trial as usize];
            // Continuing: the curve is one unbroken sequence of epochs 1..=n, never restarted.
            let epochs: Vec<u32> = t.curve.iter().map(|m| m.epoch).collect();
            assert_eq!(epochs, (1..=t.epochs()).collect::<Vec<u32>>());
            assert!(
                t.epochs() > *from_epochs || t.status == TrialStatus::Stopped,
                "{e:?}"
            );
            assert!(*to_epochs > *from_epochs);
        }
    }
    assert!(promoted > 0, "no promotion happened");
    // Epochs add up: the budget counter equals the sum of every trial's epochs.
    let total: u64 = search.trials().iter().map(|t| t.epochs() as u64).sum();
    assert_eq!(total, search.epochs_used());
    let epoch_events = events
        .iter()
        .filter(|e| matches!(e, Event::Epoch { .. }))
        .count() as u64;
    assert_eq!(epoch_events, total);
    assert!(total <= 150);
}

#[test]
fn hyperband_prunes_by_rung_and_plans_first() {
    let data = iris();
    let c = config(SamplerConfig::Random, SchedulerConfig::Hyperband, 200);
    let (search, events) = run(c, &data);
    match &events[0] {
        Event::SearchStarted {
            plan,
            params,
            space,
            ..
        } => {
            // The page labels and scales its parallel-coordinates axes from these definitions.
            assert_eq!(params, &space.params());
            for t in search.trials() {
                for name in t.sample.keys() {
                    assert!(params.iter().any(|d| &d.name == name), "{name} undefined");
                }
            }
            assert_eq!(plan.brackets.len(), 3);
            assert_eq!(
                plan.brackets[0]
                    .rungs
                    .iter()
                    .map(|r| (r.candidates, r.epochs))
                    .collect::<Vec<_>>(),
                vec![(9, 1), (3, 3), (1, 9)]
            );
        }
        other => panic!("first event is {other:?}"),
    }
    let pruned = search
        .trials()
        .iter()
        .filter(|t| t.status == TrialStatus::Pruned)
        .count();
    assert!(pruned >= 6, "only {pruned} pruned");
    for t in search
        .trials()
        .iter()
        .filter(|t| t.status == TrialStatus::Pruned)
    {
        assert!(
            [1, 3].contains(&t.epochs()),
            "pruned at {} epochs",
            t.epochs()
        );
    }
}

#[test]
fn inheritance_reuses_parent_weights() {
    let data = iris();
    let evo = |inherit| {
        SamplerConfig::Evolution(EvolutionConfig {
            population: 4,
            sample_size: 2,
            inherit,
        })
    };
    let (with, _) = run(
        config(evo(true), SchedulerConfig::None { parallel: 2 }, 120),
        &data,
    );
    let (without, _) = run(
        config(evo(false), SchedulerConfig::None { parallel: 2 }, 120),
        &data,
    );
    let inherited: Vec<_> = with.trials().iter().filter(|t| t.inherited).collect();
    assert!(!inherited.is_empty(), "no child inherited weights");
    assert!(without.trials().iter().all(|t| !t.inherited));
    // A child that starts from trained weights begins far better than a fresh network: its first
    // epoch's validation loss is close to its parent's final loss.
    for child in inherited {
        let parent = &with.trials()[child.parent.unwrap() as usize];
        let parent_loss = parent.curve.last().unwrap().valid_loss;
        let child_first = child.curve[0].valid_loss;
        assert!(
            child_first < parent_loss * 1.5 + 0.05,
            "child {} starts at {child_first}, parent ended at {parent_loss}",
            child.id
        );
    }
}

#[test]
fn the_test_part_never_influences_the_search() {
    let data = iris();
    let mut scrambled = data.clone();
    for (i, y) in scrambled.test.y.iter_mut().enumerate() {
        *y = (i % 3) as f32;
    }
    for v in scrambled.test.x.iter_mut() {
        *v = -*v;
    }
    let c = config(
        SamplerConfig::Tpe(Default::default()),
        SchedulerConfig::Asha { slots: 4 },
        100,
    );
    let (a, _) = run(c.clone(), &data);
    let (b, _) = run(c, &scrambled);
    let curves = |s: &Search| {
        s.trials()
            .iter()
            .map(|t| (t.sample.clone(), t.curve.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(curves(&a), curves(&b));
    let rank = |s: &Search| {
        s.leaderboard()
            .unwrap()
            .rows
            .iter()
            .map(|r| (r.trial, r.valid.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        rank(&a),
        rank(&b),
        "ranking must depend on validation data only"
    );
    assert_ne!(
        a.leaderboard().unwrap().rows[0].test,
        b.leaderboard().unwrap().rows[0].test
    );
}

#[test]
fn exports_round_trip_and_the_model_reproduces_the_test_metric() {
    let data = iris();
    let mut c = config(
        SamplerConfig::Tpe(Default::default()),
        SchedulerConfig::Asha { slots: 4 },
        80,
    );
    c.baselines = true;
    let (search, events) = run(c, &data);
    let json = serde_json::to_string(&events).unwrap();
    let back: Vec<Event> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, events);
    assert!(json.contains("\"type\":\"baseline_finished\""));

    let run_export = RunExport::from_search(&search);
    let text = serde_json::to_string_pretty(&run_export).unwrap();
    assert_eq!(
        serde_json::from_str::<RunExport>(&text).unwrap(),
        run_export
    );
    assert_eq!(run_export.trials.len(), search.trials().len());

    let model = ModelFile::from_search(&search).unwrap();
    let text = serde_json::to_string(&model).unwrap();
    let model: ModelFile = serde_json::from_str(&text).unwrap();
    model.check().unwrap();
    common::model_test_accuracy(&model, &data.test);

    let journal = optuna_journal(&search, "iris", 1_700_000_000_000.0);
    let lines: Vec<serde_json::Value> = journal
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["op_code"], 0);
    let created = lines.iter().filter(|l| l["op_code"] == 4).count();
    assert_eq!(created, search.trials().len());
    assert!(lines.iter().any(|l| l["op_code"] == 7));
    assert!(lines
        .iter()
        .filter(|l| l["op_code"] == 6)
        .all(|l| l["datetime_complete"].is_string()));
}

#[test]
fn regression_curves_are_standardised_and_the_scale_to_read_them_is_sent() {
    let table = builtin::load("diabetes", &Default::default()).unwrap();
    let data = prepare(&table, &PrepareOptions::default()).unwrap();
    let (_, std) = data.target_scale.unwrap();
    let c = config(
        SamplerConfig::Random,
        SchedulerConfig::None { parallel: 4 },
        40,
    );
    let (search, events) = run(c, &data);
    match &events[0] {
        Event::SearchStarted { target_scale, .. } => assert_eq!(*target_scale, data.target_scale),
        other => panic!("first event is {other:?}"),
    }
    let export = RunExport::from_search(&search);
    assert_eq!(export.target_scale, data.target_scale);
    // A leaderboard row's validation RMSE (target units) is its trial's last curve point
    // (standardised) times the target's standard deviation.
    let board = search.leaderboard().unwrap();
    let mut checked = 0;
    for row in board.rows.iter().filter(|r| r.trial.is_some()) {
        let trial = &search.trials()[row.trial.unwrap() as usize];
        let last = trial.curve.last().unwrap().valid_score as f64 * std as f64;
        let automl::report::metrics::Metrics::Regression(m) = &row.valid else {
            panic!("regression row {row:?}")
        };
        assert!(
            (m.rmse - last).abs() <= 1e-3 * m.rmse,
            "#{}: {} vs {last}",
            trial.id,
            m.rmse
        );
        assert!(m.rmse > 20.0, "diabetes RMSE in its units: {}", m.rmse);
        checked += 1;
    }
    assert!(checked > 0);
    // The Optuna journal's values are in the target's units too, as the leaderboard's.
    let journal = optuna_journal(&search, "diabetes", 1_700_000_000_000.0);
    for line in journal.lines() {
        let l: serde_json::Value = serde_json::from_str(line).unwrap();
        let trial = l["trial_id"]
            .as_u64()
            .map(|id| &search.trials()[id as usize]);
        if l["op_code"] == 6 && l["values"].is_array() {
            let last = trial.unwrap().curve.last().unwrap().valid_score as f64 * std as f64;
            let v = l["values"][0].as_f64().unwrap();
            assert!((v - last).abs() <= 1e-9 * last && v > 20.0, "{v} vs {last}");
        }
    }
}

#[test]
fn save_and_resume_continue_the_search() {
    let data = iris();
    let c = config(
        SamplerConfig::Random,
        SchedulerConfig::Asha { slots: 3 },
        90,
    );
    let mut search = Search::new(c.clone(), &data).unwrap();
    let mut trainer = CpuTrainer::new(search.train_data());
    for _ in 0..6 {
        block_on(search.step(&mut trainer)).unwrap();
    }
    let state = block_on(search.save(&mut trainer)).unwrap();
    let json = serde_json::to_string(&state).unwrap();
    // Only trials in the middle of a rung carry their training state; trials waiting at a rung
    // are retrained from their seed when promoted, which keeps saved states small.
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let parked = value["parked"].as_object().unwrap();
    let states = parked.values().filter(|p| p.get("State").is_some()).count();
    assert!(states <= 3, "{states} states saved");
    assert!(parked.values().any(|p| p.get("Replay").is_some()));
    let before = search.epochs_used();
    let mut resumed = Search::resume(serde_json::from_str(&json).unwrap());
    let mut fresh = CpuTrainer::new(resumed.train_data());
    assert_eq!(resumed.epochs_used(), before);
    while !resumed.is_finished() {
        block_on(resumed.step(&mut fresh)).unwrap();
    }
    block_on(resumed.finish::<CpuTrainer>(None)).unwrap();
    assert!(resumed.epochs_used() > before);
    assert!(resumed.epochs_used() <= 90);
    assert!(resumed.leaderboard().is_some());
    // Candidates saved mid-training continue exactly (weights, optimizer state, schedule
    // position): the resumed search is the uninterrupted one.
    let (straight, _) = run(c, &data);
    assert_eq!(curves(&resumed), curves(&straight));
    assert_eq!(
        resumed.leaderboard().unwrap().without_timings(),
        straight.leaderboard().unwrap().without_timings()
    );
}

fn curves(s: &Search) -> Vec<Vec<automl::model::EpochMetrics>> {
    s.trials().iter().map(|t| t.curve.clone()).collect()
}

/// A CPU trainer that counts the candidates it holds.
struct Counting {
    inner: CpuTrainer,
    held: usize,
    most: usize,
}

impl Counting {
    fn count(&mut self, id: CandidateId) -> CandidateId {
        self.held += 1;
        self.most = self.most.max(self.held);
        id
    }
}

impl Trainer for Counting {
    fn add(&mut self, spec: Spec, init: Option<Weights>) -> Result<CandidateId, TrainError> {
        let id = self.inner.add(spec, init)?;
        Ok(self.count(id))
    }
    async fn train(
        &mut self,
        ids: &[CandidateId],
        epochs: u32,
    ) -> Result<Vec<Vec<automl::model::EpochMetrics>>, TrainError> {
        self.inner.train(ids, epochs).await
    }
    async fn weights(&mut self, id: CandidateId) -> Result<Weights, TrainError> {
        self.inner.weights(id).await
    }
    async fn predict(&mut self, id: CandidateId, x: &[f32]) -> Result<Vec<f32>, TrainError> {
        self.inner.predict(id, x).await
    }
    fn remove(&mut self, id: CandidateId) {
        if self.inner.epochs_done(id).is_ok() {
            self.held -= 1;
        }
        self.inner.remove(id)
    }
    fn epochs_done(&self, id: CandidateId) -> Result<u32, TrainError> {
        self.inner.epochs_done(id)
    }
    async fn state(&mut self, id: CandidateId) -> Result<CandidateState, TrainError> {
        self.inner.state(id).await
    }
    fn restore(&mut self, spec: Spec, state: CandidateState) -> Result<CandidateId, TrainError> {
        let id = self.inner.restore(spec, state)?;
        Ok(self.count(id))
    }
}

#[test]
fn waiting_trials_move_off_the_trainer_without_changing_the_search() {
    let data = iris();
    // Children of the evolution sampler with inheritance start from their parent's weights, so
    // they move with their complete state; the others are retrained from their seed.
    let samplers = [
        SamplerConfig::Random,
        SamplerConfig::Evolution(EvolutionConfig {
            inherit: true,
            ..EvolutionConfig::default()
        }),
    ];
    for sampler in samplers {
        let base = config(sampler.clone(), SchedulerConfig::Asha { slots: 3 }, 240);
        let run_counting = |resident_waiting: usize| {
            let c = SearchConfig {
                resident_waiting,
                ..base.clone()
            };
            let mut search = Search::new(c, &data).unwrap();
            let mut trainer = Counting {
                inner: CpuTrainer::new(search.train_data()),
                held: 0,
                most: 0,
            };
            while !search.is_finished() {
                block_on(search.step(&mut trainer)).unwrap();
            }
            block_on(search.finish::<CpuTrainer>(None)).unwrap();
            (search, trainer.most)
        };
        let (kept, most_kept) = run_counting(100_000);
        let (moved, most_moved) = run_counting(2);
        // Without the limit, many trials wait in the trainer; with it, at most the limit plus
        // the trials training (3 slots, and one just started or promoted).
        assert!(most_kept > 10, "{sampler:?}: only {most_kept} held");
        assert!(most_moved <= 2 + 3 + 1, "{sampler:?}: {most_moved} held");
        assert_eq!(curves(&moved), curves(&kept), "{sampler:?}");
        assert_eq!(
            moved.leaderboard().unwrap().without_timings(),
            kept.leaderboard().unwrap().without_timings(),
            "{sampler:?}"
        );
    }
}

#[test]
fn baselines_left_out_for_the_data_are_announced_and_not_fitted() {
    // 2 features, 3,500 rows: 2,100 training rows are too many for the SVC's quadratic fit.
    let options = builtin::ToyOptions {
        samples: 3500,
        ..Default::default()
    };
    let table = builtin::load("gaussians", &options).unwrap();
    let data = prepare(&table, &PrepareOptions::default()).unwrap();
    let mut c = config(
        SamplerConfig::Random,
        SchedulerConfig::None { parallel: 4 },
        8,
    );
    c.baselines = true;
    let mut search = Search::new(c, &data).unwrap();
    let mut trainer = CpuTrainer::new(search.train_data());
    let first = block_on(search.step(&mut trainer)).unwrap();
    assert!(matches!(first[0], Event::SearchStarted { .. }), "{first:?}");
    let skipped: Vec<_> = first
        .iter()
        .filter_map(|e| match e {
            Event::BaselineSkipped { name, reason } => Some((name.as_str(), reason.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(skipped.len(), 1, "{first:?}");
    assert_eq!(skipped[0].0, "SVC (RBF)");
    assert!(
        skipped[0].1.contains("2100 training rows × 2 features"),
        "{}",
        skipped[0].1
    );
    // The other baselines run; the SVC does not.
    let mut fitted = Vec::new();
    while fitted.len() < 6 {
        for e in block_on(search.step(&mut trainer)).unwrap() {
            if let Event::BaselineFinished { name, .. } = e {
                fitted.push(name);
            }
        }
    }
    assert!(!fitted.iter().any(|n| n.starts_with("SVC")), "{fitted:?}");
    assert!(search
        .baselines()
        .iter()
        .all(|b| b.kind.name() != "SVC (RBF)"));
    // The run file lists it with its reason, after the fitted ones.
    let run = RunExport::from_search(&search);
    let last = run.baselines.last().unwrap();
    assert_eq!(last.name, "SVC (RBF)");
    assert_eq!(last.skipped.as_deref(), Some(skipped[0].1));
    assert_eq!((last.fit_ms, last.error.as_deref()), (None, None));
    assert!(run.baselines[..run.baselines.len() - 1]
        .iter()
        .all(|b| b.skipped.is_none() && b.fit_ms.is_some()));
}

#[test]
fn evolution_grows_linear_parents_into_networks_with_a_layer() {
    let data = iris();
    let mut c = config(
        SamplerConfig::Evolution(EvolutionConfig {
            population: 4,
            sample_size: 2,
            inherit: false,
        }),
        SchedulerConfig::None { parallel: 4 },
        120,
    );
    let mut space = automl::search::space::SearchSpace::default_for_data(&data);
    space.depth = (0, 1);
    c.space = Some(space);
    let (search, _) = run(c, &data);
    let trials = search.trials();
    assert!(
        trials.iter().any(|t| t.spec.hidden.is_empty()),
        "no linear trial"
    );
    let grown = trials.iter().filter(|t| {
        t.origin == "mutate:add_layer"
            && t.parent
                .is_some_and(|p| trials[p as usize].spec.hidden.is_empty())
    });
    assert!(grown.clone().count() > 0, "no linear parent gained a layer");
    assert!(grown
        .clone()
        .all(|t| t.spec.hidden.len() == 1 && !t.curve.is_empty()));
}
