//! Cross-validation of the finalists after the search phase, end to end on the CPU trainer with
//! real data (tiny epoch budgets).
#![cfg(not(target_arch = "wasm32"))]

mod common;

use automl::data::{builtin, prepare, PrepareOptions, PreparedData};
use automl::model::cpu::CpuTrainer;
use automl::platform::block_on;
use automl::report::export::ModelFile;
use automl::search::events::{Event, TrialStatus};
use automl::search::run::{Search, SearchConfig};
use automl::search::sampler::SamplerConfig;
use automl::search::schedule::SchedulerConfig;

fn dataset(name: &str) -> PreparedData {
    let table = builtin::load(name, &Default::default()).unwrap();
    prepare(&table, &PrepareOptions::default()).unwrap()
}

fn config(cv_folds: u32, epochs: u64) -> SearchConfig {
    SearchConfig {
        cv_folds,
        cv_candidates: 4,
        // Epoch budgets count every fold: 9 epochs on 5 folds cost 45 candidate-epochs.
        cv_share: 0.5,
        ..common::search_config(
            3,
            SamplerConfig::Tpe(Default::default()),
            SchedulerConfig::Asha { slots: 4 },
            epochs,
        )
    }
}

/// [`config`] with the baselines fitted.
fn with_baselines(cv_folds: u32, epochs: u64) -> SearchConfig {
    SearchConfig {
        baselines: true,
        ..config(cv_folds, epochs)
    }
}

/// Drives a search the way the CLI does: a new trainer whenever the data generation changes.
/// `on_new_data` sees every trainer data set the search asked for.
struct Driver {
    search: Search,
    trainer: CpuTrainer,
    generation: u32,
    events: Vec<Event>,
}

impl Driver {
    fn new(search: Search) -> Driver {
        let trainer = CpuTrainer::new(search.trainer_data());
        let generation = search.data_generation();
        Driver {
            search,
            trainer,
            generation,
            events: Vec::new(),
        }
    }

    fn step(&mut self, on_new_data: &mut impl FnMut(&Search)) {
        if self.search.data_generation() != self.generation {
            self.trainer = CpuTrainer::new(self.search.trainer_data());
            self.generation = self.search.data_generation();
            on_new_data(&self.search);
        }
        let e = block_on(self.search.step(&mut self.trainer)).unwrap();
        self.events.extend(e);
    }

    fn finish(mut self, on_new_data: &mut impl FnMut(&Search)) -> (Search, Vec<Event>) {
        let mut steps = 0;
        while !self.search.is_finished() {
            self.step(on_new_data);
            steps += 1;
            assert!(steps < 10_000, "search does not terminate");
        }
        let e = block_on(self.search.finish::<CpuTrainer>(None)).unwrap();
        self.events.extend(e);
        (self.search, self.events)
    }
}

fn run(config: SearchConfig, data: &PreparedData) -> (Search, Vec<Event>) {
    Driver::new(Search::new(config, data).unwrap()).finish(&mut |_| {})
}

fn cv_started(events: &[Event]) -> Option<(u32, Vec<u32>, usize)> {
    events.iter().find_map(|e| match e {
        Event::CrossValidationStarted {
            folds,
            candidates,
            rows,
            ..
        } => Some((*folds, candidates.clone(), *rows)),
        _ => None,
    })
}

#[test]
fn the_cv_stage_never_reads_the_test_part() {
    let data = dataset("iris");
    let mut scrambled = data.clone();
    for (i, y) in scrambled.test.y.iter_mut().enumerate() {
        *y = ((i + 1) % 3) as f32;
    }
    for v in scrambled.test.x.iter_mut() {
        *v = -*v * 3.0;
    }
    // With the baselines, which are refit on train + validation here too.
    let c = with_baselines(5, 240);
    let (a, ea) = run(c.clone(), &data);
    let (b, _) = run(c, &scrambled);
    assert!(cv_started(&ea).is_some(), "cross-validation did not run");
    assert!(ea
        .iter()
        .any(|e| matches!(e, Event::BaselineRefitted { .. })));
    assert!(a.trials().iter().any(|t| t.cv.is_some()));
    // The baselines were cross-validated on the same folds (their scores are compared below).
    assert!(a.baselines().iter().all(|b| matches!(b.cv, Some(Ok(_)))));
    let trials = |s: &Search| {
        s.trials()
            .iter()
            .map(|t| (t.sample.clone(), t.curve.clone(), t.status, t.cv))
            .collect::<Vec<_>>()
    };
    assert_eq!(trials(&a), trials(&b), "trials and their cv scores");
    let rank = |s: &Search| {
        s.leaderboard()
            .unwrap()
            .rows
            .iter()
            .map(|r| (r.trial, r.valid.clone(), r.cv, r.refit))
            .collect::<Vec<_>>()
    };
    assert_eq!(rank(&a), rank(&b), "selection must not depend on test rows");
    assert_eq!(a.best().unwrap().1, b.best().unwrap().1, "search weights");
    assert!(a.winner_ensemble().is_some());
    assert_eq!(
        a.winner_ensemble(),
        b.winner_ensemble(),
        "the winner's ensemble"
    );
    assert_ne!(
        a.leaderboard().unwrap().rows[0].test,
        b.leaderboard().unwrap().rows[0].test
    );
}

#[test]
fn folds_partition_train_and_validation_rows() {
    let data = dataset("wine");
    let pool = data.train.rows() + data.valid.rows();
    let mut fold_sets: Vec<(Vec<Vec<u32>>, usize)> = Vec::new();
    let mut refit_rows = None;
    let mut record = |s: &Search| {
        let d = s.trainer_data();
        // Rows are identified by their feature bytes (wine has no duplicate rows).
        let key = |x: &[f32]| x.iter().map(|v| v.to_bits()).collect::<Vec<u32>>();
        if d.valid_rows() == data.valid.rows() && d.valid_x == data.valid.x {
            refit_rows = Some(d.train_rows());
        } else {
            assert_eq!(d.train_rows() + d.valid_rows(), pool);
            let held: Vec<Vec<u32>> = d.valid_x.chunks(d.inputs).map(key).collect();
            fold_sets.push((held, d.train_rows()));
        }
    };
    // Without the bag, the winner is refit on train + validation.
    let c = SearchConfig {
        bag: false,
        ..config(4, 240)
    };
    let driver = Driver::new(Search::new(c, &data).unwrap());
    let (search, events) = driver.finish(&mut record);
    let (folds, _, rows) = cv_started(&events).expect("cross-validation ran");
    assert_eq!(rows, pool);
    assert_eq!(fold_sets.len(), folds as usize);
    let mut all: Vec<Vec<u32>> = fold_sets.iter().flat_map(|(h, _)| h.clone()).collect();
    let mut expected: Vec<Vec<u32>> = data
        .train
        .x
        .chunks(data.inputs())
        .chain(data.valid.x.chunks(data.inputs()))
        .map(|x| x.iter().map(|v| v.to_bits()).collect())
        .collect();
    all.sort();
    expected.sort();
    assert_eq!(
        all, expected,
        "held-out folds are a partition of train + valid"
    );
    let test: Vec<Vec<u32>> = data
        .test
        .x
        .chunks(data.inputs())
        .map(|x| x.iter().map(|v| v.to_bits()).collect())
        .collect();
    assert!(
        all.iter().all(|r| !test.contains(r)),
        "a test row in a fold"
    );
    assert_eq!(refit_rows, Some(pool), "refit trains on train + valid");
    assert!(search.winner_refitted());
    assert!(search.winner_ensemble().is_none());
    let best = search.leaderboard().unwrap().best_neural().unwrap();
    assert!(best.refit && best.bag == 0);
    // Its training time counts the search phase, its folds and the refit.
    let (winner, _) = search.best().unwrap();
    assert!(winner.retrain_ms > 0.0);
    assert_eq!(best.train_ms, winner.train_ms + winner.retrain_ms);
}

#[test]
fn the_winner_is_the_bag_of_its_fold_models() {
    use automl::model::trainer::Trainer;
    use automl::model::{predict, predict_mean};
    use automl::report::export::ModelFile;
    use automl::report::metrics::Metrics;
    let data = dataset("wine");
    let mut fold_data = Vec::new();
    // The bag alone (`--no-ensemble`): the cross-validated best with its own fold models.
    let c = SearchConfig {
        ensemble: false,
        ..config(5, 240)
    };
    let driver = Driver::new(Search::new(c, &data).unwrap());
    let (search, events) = driver.finish(&mut |s: &Search| fold_data.push(s.trainer_data()));
    let (winner, search_weights) = search.best().unwrap();
    let ensemble = search.winner_ensemble().expect("the winner was bagged");
    assert_eq!(ensemble.members.len(), 1);
    assert_eq!(
        ensemble.cv,
        winner.cv.unwrap(),
        "a bag's score is its trial's"
    );
    let bag = &ensemble.members[0].models;
    assert_eq!(bag.len(), 5);
    assert!(events.iter().any(|e| matches!(
        e,
        Event::WinnerBagged { trial, models: 5, rows, members, cv: None, temperature }
            if *trial == winner.id && *rows == data.train.rows() + data.valid.rows()
                && members.len() == 1 && members[0].share == 1.0
                && *temperature == Some(ensemble.temperature).filter(|&t| t != 1.0)
    )));
    assert!(!events.iter().any(|e| matches!(e, Event::Refitted { .. })));
    assert!(!search.winner_refitted());
    // Each member is the winner trained from its seed on one fold's training rows: the same
    // weights as training it there again.
    assert_eq!(fold_data.len(), 5, "one trainer per fold, and no refit");
    for (member, fold) in bag.iter().zip(&fold_data) {
        assert_eq!(
            fold.train_rows() + fold.valid_rows(),
            data.train.rows() + data.valid.rows()
        );
        let mut t = CpuTrainer::new(fold.clone());
        let id = t.add(winner.spec.clone(), None).unwrap();
        block_on(t.train(&[id], winner.epochs())).unwrap();
        assert_eq!(&block_on(t.weights(id)).unwrap(), member);
        assert_ne!(member, search_weights);
    }
    // The leaderboard tests the mean of the members; validation stays the search weights'.
    let row = search.leaderboard().unwrap().best_neural().unwrap().clone();
    assert_eq!(row.trial, Some(winner.id));
    assert_eq!((row.bag, row.refit), (5, false));
    assert_eq!(row.parameters, Some(5 * winner.spec.parameter_count()));
    let members: Vec<_> = bag.iter().collect();
    let classes = data.task.outputs();
    let accuracy = |probs: &[f32], y: &[f32]| common::accuracy(probs, y, classes);
    let mean = predict_mean(&winner.spec, &members, &data.test.x);
    let (Metrics::Classification(test), Metrics::Classification(valid)) = (&row.test, &row.valid)
    else {
        panic!("classification metrics expected");
    };
    assert_eq!(test.accuracy, accuracy(&mean, &data.test.y));
    let single = predict(&winner.spec, search_weights, &data.valid.x);
    assert_eq!(valid.accuracy, accuracy(&single, &data.valid.y));
    // The model file carries the whole bag and predicts what the leaderboard tested.
    let file = ModelFile::from_search(&search).unwrap();
    assert_eq!(file.members().len(), 5);
    file.check().unwrap();
    let json = serde_json::to_string(&file).unwrap();
    let back: ModelFile = serde_json::from_str(&json).unwrap();
    assert_eq!(back, file);
    // Its probabilities are calibrated by the bag's temperature, which only a newer reader
    // knows; without one, a bag needs no newer reader.
    let t = ensemble.temperature;
    assert!(t >= 1.0, "{t}");
    assert_eq!(file.temperature, (t != 1.0).then_some(t));
    assert_eq!(file.version, if t != 1.0 { 4 } else { 2 });
    let mut newer = file.clone();
    newer.version = 5;
    assert!(newer.check().unwrap_err().contains("version 5"));
    let mut frozen = file.clone();
    frozen.temperature = Some(0.0);
    assert!(frozen.check().unwrap_err().contains("temperature"));
    let mut broken = file.clone();
    broken.bag[0].layers[0].b.pop();
    assert!(broken.check().unwrap_err().contains("bag member 2"));
    let mut calibrated = mean.clone();
    automl::model::calibration::temper(&mut calibrated, classes, t);
    match back.predict_features(&data.test.x) {
        automl::report::export::Predicted::Classes { probs, .. } => {
            assert_eq!(probs, calibrated)
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        test.log_loss,
        Some(common::log_loss(&calibrated, &data.test.y, classes))
    );
}

/// The out-of-fold predictions of ensemble `e` of `search` and their targets, rebuilt here
/// from the fold trainers' data: each fold's held-out rows predicted by the share-weighted mean
/// of the members' models of that fold.
fn out_of_fold(
    search: &Search,
    e: &automl::search::ensemble::Ensemble,
    fold_data: &[automl::model::TrainData],
) -> (Vec<f32>, Vec<f32>) {
    let classes = search.data().task.outputs();
    let (mut oof, mut targets) = (Vec::new(), Vec::new());
    for (f, fold) in fold_data.iter().enumerate() {
        let mut p = vec![0f64; fold.valid_rows() * classes];
        for (m, s) in e.members.iter().zip(e.shares()) {
            let spec = &search.trials()[m.trial as usize].spec;
            let out = automl::model::predict(spec, &m.models[f], &fold.valid_x);
            for (a, v) in p.iter_mut().zip(out) {
                *a += s.share * v as f64;
            }
        }
        oof.extend(p.iter().map(|&v| v as f32));
        targets.extend_from_slice(&fold.valid_y);
    }
    (oof, targets)
}

#[test]
fn the_winners_probabilities_are_calibrated_on_its_out_of_fold_predictions() {
    use automl::model::calibration::{fit_temperature, temper};
    use automl::report::export::Predicted;
    use automl::report::metrics::Metrics;
    let data = dataset("iris");
    let classes = data.task.outputs();
    let mut fold_data = Vec::new();
    let driver = Driver::new(Search::new(config(5, 240), &data).unwrap());
    let (search, events) = driver.finish(&mut |s: &Search| fold_data.push(s.trainer_data()));
    let e = search.winner_ensemble().expect("the winner was bagged");
    assert!(events.iter().any(|ev| matches!(
        ev,
        Event::WinnerBagged { temperature: Some(t), .. } if *t == e.temperature
    )));
    // This run's networks are more confident out of fold than they are right: the fit
    // softens them, and the held-out log loss falls.
    let (oof, oof_y) = out_of_fold(&search, e, &fold_data);
    let t = fit_temperature(&oof, &oof_y, classes).unwrap();
    assert!(e.temperature > 1.0, "{e:?}");
    assert!(
        (e.temperature - t).abs() < 1e-6 * t,
        "{} {t}",
        e.temperature
    );
    let mut tempered = oof.clone();
    temper(&mut tempered, classes, e.temperature);
    let (before, after) = (
        common::log_loss(&oof, &oof_y, classes),
        common::log_loss(&tempered, &oof_y, classes),
    );
    assert!(after < before, "{after} {before}");
    assert_eq!(
        common::accuracy(&tempered, &oof_y, classes),
        common::accuracy(&oof, &oof_y, classes)
    );
    // The leaderboard tests the calibrated probabilities: the same accuracy as the raw mean, the
    // log loss of the calibrated ones. The cross-validated score that ranked it stays raw.
    let row = search.leaderboard().unwrap().best_neural().unwrap().clone();
    let members = search.best_members().unwrap().1;
    let raw = automl::model::predict_weighted(&members, &data.test.x);
    let mut calibrated = raw.clone();
    temper(&mut calibrated, classes, e.temperature);
    let Metrics::Classification(test) = &row.test else {
        panic!("classification metrics expected");
    };
    assert_eq!(test.accuracy, common::accuracy(&raw, &data.test.y, classes));
    let expected = common::log_loss(&calibrated, &data.test.y, classes);
    assert!(
        (test.log_loss.unwrap() - expected).abs() < 1e-9,
        "{test:?} {expected}"
    );
    let mut start = 0;
    let mut fold_losses = Vec::new();
    for fold in &fold_data {
        let rows = start..start + fold.valid_rows();
        let part = |p: &[f32]| p[rows.start * classes..rows.end * classes].to_vec();
        fold_losses.push(common::log_loss(&part(&oof), &oof_y[rows.clone()], classes));
        start = rows.end;
    }
    let raw_cv = fold_losses.iter().sum::<f64>() / fold_losses.len() as f64;
    assert!(
        (e.cv.loss - raw_cv).abs() < 1e-3 * raw_cv,
        "{:?} {raw_cv}",
        e.cv
    );
    assert_eq!(row.cv.map(|c| c.loss), Some(e.cv.loss));
    assert_eq!(row.temperature, Some(e.temperature));
    // The model file carries the temperature (version 4) and predicts the same probabilities,
    // through JSON.
    let file = ModelFile::from_search(&search).unwrap();
    assert_eq!((file.version, file.temperature), (4, Some(e.temperature)));
    file.check().unwrap();
    let back: ModelFile = serde_json::from_str(&serde_json::to_string(&file).unwrap()).unwrap();
    let Predicted::Classes { probs, labels } = back.predict_features(&data.test.x) else {
        panic!("classes expected");
    };
    assert_eq!(probs, calibrated);
    assert_eq!(labels, automl::report::metrics::argmax_rows(&raw, classes));
    // Without calibration, the same search keeps the raw probabilities.
    let raw_config = SearchConfig {
        calibrate: false,
        ..config(5, 240)
    };
    let (plain, _) = run(raw_config, &data);
    let p = plain.winner_ensemble().unwrap();
    assert_eq!((&p.members, p.cv, p.temperature), (&e.members, e.cv, 1.0));
    let plain_row = plain.leaderboard().unwrap().best_neural().unwrap().clone();
    let Metrics::Classification(plain_test) = &plain_row.test else {
        panic!("classification metrics expected");
    };
    assert_eq!(plain_test.accuracy, test.accuracy);
    let expected = common::log_loss(&raw, &data.test.y, classes);
    assert!((plain_test.log_loss.unwrap() - expected).abs() < 1e-9);
    assert_eq!(plain_row.temperature, None);
    let file = ModelFile::from_search(&plain).unwrap();
    assert_eq!(file.temperature, None);
    assert!(file.version < 4);
}

#[test]
fn the_winner_is_an_ensemble_chosen_on_out_of_fold_predictions() {
    use automl::model::trainer::Trainer;
    use automl::model::{predict, Spec};
    use automl::report::export::ModelFile;
    use automl::report::metrics::Metrics;
    use automl::search::ensemble::ROUNDS;
    let data = dataset("wine");
    let mut fold_data = Vec::new();
    let driver = Driver::new(Search::new(config(5, 240), &data).unwrap());
    let (search, events) = driver.finish(&mut |s: &Search| fold_data.push(s.trainer_data()));
    let e = search
        .winner_ensemble()
        .expect("an ensemble was formed")
        .clone();
    assert!(
        e.members.len() > 1,
        "this run's selection kept one trial: {e:?}"
    );
    let (lead, _) = search.best().unwrap();
    assert_eq!(Some(lead.id), e.lead());
    let spec = |t: u32| -> &Spec { &search.trials()[t as usize].spec };
    // Counts: the lead has the most; all within the rounds; shares sum to 1.
    let counts: Vec<u32> = e.members.iter().map(|m| m.count).collect();
    assert!(counts.iter().all(|&c| c > 0) && counts.iter().sum::<u32>() <= ROUNDS);
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    let shares = e.shares();
    assert!((shares.iter().map(|s| s.share).sum::<f64>() - 1.0).abs() < 1e-12);
    // Every member was cross-validated on every fold, and the ensemble's out-of-fold score
    // beats the best single trial's.
    let best_single = search
        .trials()
        .iter()
        .filter_map(|t| t.cv)
        .map(|c| c.objective(true))
        .min_by(|a, b| a.cmp(b))
        .unwrap();
    assert!(
        e.cv.objective(true).cmp(&best_single).is_lt(),
        "{:?} {best_single:?}",
        e.cv
    );
    // A member's models are its spec trained from its seed on each fold (not the lead's).
    let other = &e.members[1];
    assert_eq!(other.models.len(), 5);
    assert_eq!(fold_data.len(), 5);
    for (model, fold) in other.models.iter().zip(&fold_data) {
        let mut t = CpuTrainer::new(fold.clone());
        let tr = &search.trials()[other.trial as usize];
        let id = t.add(tr.spec.clone(), None).unwrap();
        block_on(t.train(&[id], tr.epochs())).unwrap();
        assert_eq!(&block_on(t.weights(id)).unwrap(), model);
    }
    assert!(events.iter().any(|ev| matches!(
        ev,
        Event::WinnerBagged { trial, models, members, cv: Some(cv), .. }
            if *trial == lead.id && *models as usize == e.models() && *members == shares
                && *cv == e.cv
    )));
    // The leaderboard's first neural row is the ensemble: its test metric is the share-weighted
    // mean of every network's probabilities, computed here without the library's mean.
    let row = search.leaderboard().unwrap().best_neural().unwrap().clone();
    assert_eq!(row.trial, Some(lead.id));
    assert_eq!(row.ensemble, shares);
    assert_eq!(row.cv, Some(e.cv));
    assert_eq!(row.bag as usize, e.models());
    let params: usize = e
        .members
        .iter()
        .map(|m| spec(m.trial).parameter_count() * m.models.len())
        .sum();
    assert_eq!(row.parameters, Some(params));
    // Its training time counts every member's search phase and fold models.
    let time: f64 = e
        .members
        .iter()
        .map(|m| &search.trials()[m.trial as usize])
        .inspect(|t| assert!(t.retrain_ms > 0.0, "trial {} trained on folds", t.id))
        .map(|t| t.train_ms + t.retrain_ms)
        .sum();
    assert_eq!(row.train_ms, time);
    assert!(row.train_ms > lead.train_ms + lead.retrain_ms);
    let classes = data.task.outputs();
    let mut mix = vec![0f64; data.test.rows() * classes];
    for (m, s) in e.members.iter().zip(&shares) {
        for w in &m.models {
            for (a, p) in mix.iter_mut().zip(predict(spec(m.trial), w, &data.test.x)) {
                *a += s.share / m.models.len() as f64 * p as f64;
            }
        }
    }
    let mix32: Vec<f32> = mix.iter().map(|&v| v as f32).collect();
    let Metrics::Classification(test) = &row.test else {
        panic!("classification metrics expected");
    };
    assert_eq!(
        test.accuracy,
        common::accuracy(&mix32, &data.test.y, classes)
    );
    // Its probabilities are scaled by the temperature fitted on its out-of-fold predictions.
    let (oof, oof_y) = out_of_fold(&search, &e, &fold_data);
    let t = automl::model::calibration::fit_temperature(&oof, &oof_y, classes).unwrap();
    assert!(
        (e.temperature - t).abs() < 1e-6 * t,
        "{} {t}",
        e.temperature
    );
    let mut calibrated = mix32.clone();
    automl::model::calibration::temper(&mut calibrated, classes, e.temperature);
    let expected = common::log_loss(&calibrated, &data.test.y, classes);
    assert!(
        (test.log_loss.unwrap() - expected).abs() < 1e-5,
        "{test:?} {expected}"
    );
    // The model file (version 3, or 4 with a temperature) carries every member and predicts
    // what the leaderboard tested.
    let file = ModelFile::from_search(&search).unwrap();
    assert_eq!(file.version, if e.temperature != 1.0 { 4 } else { 3 });
    assert_eq!(file.members().len(), e.models());
    assert_eq!(file.ensemble.len(), e.members.len() - 1);
    file.check().unwrap();
    let back: ModelFile = serde_json::from_str(&serde_json::to_string(&file).unwrap()).unwrap();
    assert_eq!(back, file);
    let automl::report::export::Predicted::Classes { probs, .. } =
        back.predict_features(&data.test.x)
    else {
        panic!("classes expected");
    };
    for (p, q) in probs.iter().zip(&calibrated) {
        assert!((p - q).abs() < 1e-5, "{p} {q}");
    }
    let mut unbalanced = file.clone();
    unbalanced.ensemble[0].share += 0.5;
    assert!(unbalanced.check().unwrap_err().contains("sum to 1"));
    let mut mismatched = file.clone();
    let mut raw = mismatched.ensemble[0].spec.raw().clone();
    raw.outputs += 1;
    mismatched.ensemble[0].spec = raw.validate().unwrap();
    assert!(mismatched
        .check()
        .unwrap_err()
        .contains("ensemble member 2"));
}

#[test]
fn same_seed_gives_the_same_cross_validated_leaderboard() {
    let data = dataset("iris");
    let (a, ea) = run(config(5, 240), &data);
    let (b, eb) = run(config(5, 240), &data);
    let (la, lb) = (a.leaderboard().unwrap(), b.leaderboard().unwrap());
    assert!(la.rows.iter().any(|r| r.cv.is_some()));
    assert_eq!(la.without_timings(), lb.without_timings());
    let cv = |e: &[Event]| {
        e.iter()
            .filter(|e| matches!(e, Event::CrossValidated { .. }))
            .cloned()
            .collect::<Vec<_>>()
    };
    assert!(!cv(&ea).is_empty());
    assert_eq!(cv(&ea), cv(&eb));
}

#[test]
fn save_and_resume_in_the_cv_stage_give_the_uninterrupted_result() {
    let data = dataset("iris");
    let (whole, _) = run(config(5, 240), &data);

    let mut driver = Driver::new(Search::new(config(5, 240), &data).unwrap());
    // Step until two folds of the cross-validation have been trained.
    let mut guard = 0;
    while driver
        .events
        .iter()
        .position(|e| matches!(e, Event::CrossValidationStarted { .. }))
        .is_none_or(|_| driver.search.data_generation() < 3)
    {
        driver.step(&mut |_| {});
        guard += 1;
        assert!(guard < 10_000 && !driver.search.is_finished());
    }
    let state = block_on(driver.search.save(&mut driver.trainer)).unwrap();
    let json = serde_json::to_string(&state).unwrap();
    drop(driver);
    let resumed = Search::resume(serde_json::from_str(&json).unwrap());
    assert!(resumed.data_generation() >= 3);
    let (resumed, events) = Driver::new(resumed).finish(&mut |_| {});
    assert!(events
        .iter()
        .any(|e| matches!(e, Event::CrossValidated { .. })));
    assert_eq!(
        resumed.leaderboard().unwrap().without_timings(),
        whole.leaderboard().unwrap().without_timings()
    );
    assert_eq!(resumed.best().unwrap().1, whole.best().unwrap().1);
    assert!(whole.winner_ensemble().is_some());
    assert_eq!(resumed.winner_ensemble(), whole.winner_ensemble());
}

#[test]
fn a_state_saved_with_the_earlier_bag_field_resumes_with_the_same_winner() {
    let data = dataset("iris");
    let c = SearchConfig {
        ensemble: false,
        ..config(5, 240)
    };
    let mut driver = Driver::new(Search::new(c, &data).unwrap());
    let mut guard = 0;
    while !driver.search.is_finished() {
        driver.step(&mut |_| {});
        guard += 1;
        assert!(guard < 10_000);
    }
    let state = block_on(driver.search.save(&mut driver.trainer)).unwrap();
    let mut json = serde_json::to_value(&state).unwrap();
    // Before ensembles, the winner's bag was saved as `"bag": [trial, [weights…]]`.
    let ensemble = json.as_object_mut().unwrap().remove("ensemble").unwrap();
    let member = &ensemble["members"][0];
    json["bag"] = serde_json::json!([member["trial"], member["models"]]);
    let mut old = Search::resume(serde_json::from_value(json).unwrap());
    let mut now = Search::resume(state);
    let (o, n) = (
        old.winner_ensemble().unwrap(),
        now.winner_ensemble().unwrap(),
    );
    assert_eq!((&o.members, o.cv), (&n.members, n.cv));
    // A state saved before calibration has no temperature: its probabilities stay as they were.
    assert_eq!(o.temperature, 1.0);
    block_on(old.finish::<CpuTrainer>(None)).unwrap();
    block_on(now.finish::<CpuTrainer>(None)).unwrap();
    // The same rows but for the winner's calibrated test log loss.
    let uncalibrated = |s: &Search| {
        let mut l = s.leaderboard().unwrap().without_timings();
        for r in &mut l.rows {
            if let automl::report::metrics::Metrics::Classification(m) = &mut r.test {
                m.log_loss = None;
            }
            r.temperature = None;
        }
        l
    };
    assert_eq!(uncalibrated(&old), uncalibrated(&now));
    assert_eq!(old.leaderboard().unwrap().best_neural().unwrap().bag, 5);
}

#[test]
fn the_winner_is_the_cross_validated_best() {
    let data = dataset("wine");
    let c = SearchConfig {
        ensemble: false,
        ..config(5, 300)
    };
    let (search, events) = run(c, &data);
    let (_, candidates, _) = cv_started(&events).unwrap();
    let scored: Vec<_> = search
        .trials()
        .iter()
        .filter_map(|t| t.cv.map(|c| (t.id, c)))
        .collect();
    assert_eq!(scored.len(), candidates.len());
    let (winner, _) = search.best().unwrap();
    let wcv = winner.cv.expect("the winner was cross-validated");
    for (id, c) in &scored {
        assert!(
            wcv.score > c.score || (wcv.score == c.score && wcv.loss <= c.loss),
            "trial {id} has cv {c:?}, the winner {} {wcv:?}",
            winner.id
        );
    }
    let board = search.leaderboard().unwrap();
    let best = board.best_neural().unwrap();
    assert_eq!(best.trial, Some(winner.id));
    assert_eq!(best.bag, 5);
    // Neural rows appear in cross-validated order.
    let neural: Vec<f64> = board
        .rows
        .iter()
        .filter_map(|r| r.cv.map(|c| c.score))
        .collect();
    assert!(neural.windows(2).all(|w| w[0] >= w[1]), "{neural:?}");
    // The validation-best candidate (first offered) is not the winner here: selection moved.
    assert_ne!(
        candidates[0], winner.id,
        "this run's validation-best also wins cross-validation; the test does not show the CV ordering"
    );
}

#[test]
fn zero_folds_is_the_plain_search() {
    let data = dataset("iris");
    let (off, events) = run(config(0, 240), &data);
    assert!(cv_started(&events).is_none());
    assert!(!events.iter().any(|e| matches!(
        e,
        Event::CrossValidationSkipped { .. } | Event::Refitted { .. }
    )));
    assert!(off.trials().iter().all(|t| t.cv.is_none()));
    assert_eq!(off.data_generation(), 0);
    assert_eq!(off.cv_epochs_used(), 0);
    // The whole epoch budget goes to the search (with cv the search phase gets half).
    assert!(off.epochs_used() > 120, "{}", off.epochs_used());
    let board = off.leaderboard().unwrap();
    assert!(board
        .rows
        .iter()
        .all(|r| !r.refit && r.bag == 0 && r.cv.is_none()));
    assert!(!events
        .iter()
        .any(|e| matches!(e, Event::WinnerBagged { .. })));
    // The winner is the best by validation objective.
    let (winner, _) = off.best().unwrap();
    let wo = winner.objective().unwrap();
    for t in off
        .trials()
        .iter()
        .filter(|t| t.status != TrialStatus::Diverged && t.objective().is_some())
    {
        assert_ne!(
            t.objective().unwrap().cmp(&wo),
            std::cmp::Ordering::Less,
            "trial {} beats the winner on validation",
            t.id
        );
    }
    let (on, _) = run(config(5, 240), &data);
    assert!(on.epochs_used() <= 120);
    assert!(on.cv_epochs_used() > 0);
    assert!(on.epochs_used() + on.cv_epochs_used() <= 240);
}

#[test]
fn weight_inheritance_turns_the_stage_off() {
    let data = dataset("iris");
    let mut c = config(5, 240);
    c.sampler = SamplerConfig::Evolution(automl::search::sampler::evolution::EvolutionConfig {
        inherit: true,
        ..Default::default()
    });
    assert!(!c.cross_validates());
    let (search, events) = run(c.clone(), &data);
    assert!(cv_started(&events).is_none());
    assert!(!events.iter().any(|e| matches!(e, Event::Refitted { .. })));
    assert!(search.trials().iter().any(|t| t.inherited));
    assert_eq!(search.cv_epochs_used(), 0);
    // Without inheritance the same evolution search does cross-validate.
    c.sampler = SamplerConfig::Evolution(Default::default());
    assert!(c.cross_validates());
}

/// A leaderboard row for ranking tests: a network when `trial` is given, else a baseline;
/// `right` of 4 validation rows right.
fn board_row(
    name: &str,
    trial: Option<u32>,
    right: usize,
    cv: Option<automl::search::cv::CvScore>,
) -> automl::report::leaderboard::Row {
    use automl::report::leaderboard::{ModelKind, Row};
    use automl::report::metrics::{classification, Metrics};
    let metrics = |right: usize| {
        let truth = [0u32, 1, 0, 1];
        let pred: Vec<u32> = (0..4)
            .map(|i| if i < right { truth[i] } else { 1 - truth[i] })
            .collect();
        Metrics::Classification(classification(&truth, &pred, None, 2))
    };
    Row {
        rank: 0,
        model: name.into(),
        kind: if trial.is_some() {
            ModelKind::Neural
        } else {
            ModelKind::Baseline
        },
        trial,
        parameters: trial.map(|_| 10),
        valid: metrics(right),
        test: metrics(2),
        epochs: trial.map(|_| 3),
        train_ms: 1.0,
        infer_ms_per_1000: 1.0,
        refit: false,
        bag: 0,
        ensemble: Vec::new(),
        cv,
        temperature: None,
    }
}

#[test]
fn the_leaderboard_puts_rows_that_diverged_on_a_fold_after_the_others() {
    use automl::report::leaderboard::Leaderboard;
    use automl::search::cv::CvScore;
    let row = |trial: u32, right: usize, cv: Option<(f64, bool)>| {
        board_row(
            &format!("net {trial}"),
            Some(trial),
            right,
            cv.map(|(score, diverged)| CvScore {
                folds: 5,
                score,
                loss: 0.3,
                diverged,
            }),
        )
    };
    let board = Leaderboard::new(vec![
        row(0, 4, Some((0.99, true))),
        row(1, 3, None),
        row(2, 2, Some((0.8, false))),
        row(3, 1, Some((0.9, false))),
    ]);
    let order: Vec<u32> = board.rows.iter().filter_map(|r| r.trial).collect();
    assert_eq!(order, vec![3, 2, 1, 0]);
}

#[test]
fn linear_networks_are_cross_validated_bagged_and_predict_from_the_model_file() {
    let data = dataset("iris");
    let mut c = config(5, 240);
    let mut space = automl::search::space::SearchSpace::default_for_data(&data);
    space.depth = (0, 0);
    c.space = Some(space);
    let (search, events) = run(c, &data);
    assert!(
        cv_started(&events).is_some(),
        "cross-validation did not run"
    );
    assert!(search.trials().iter().all(|t| t.spec.hidden.is_empty()));
    let (best, _) = search.best().unwrap();
    assert_eq!(best.spec.summary(), "linear");
    assert!(best.cv.is_some());
    let model = ModelFile::from_search(&search).unwrap();
    model.check().unwrap();
    let accuracy = common::model_test_accuracy(&model, &data.test);
    assert!(accuracy > 0.6, "softmax regression on iris: {accuracy}");
}

#[test]
fn baselines_are_refit_on_train_and_validation_when_the_winner_is() {
    use automl::baselines::{self, BaselineKind, DataSize};
    use automl::report::leaderboard::ModelKind;
    use automl::report::metrics::Metrics;
    let data = dataset("iris");
    let (search, events) = run(with_baselines(5, 240), &data);
    assert!(search.winner_saw_validation());
    let kinds = BaselineKind::for_task(&data.task, DataSize::of(&data));
    let refitted: Vec<&str> = events
        .iter()
        .filter_map(|e| match e {
            Event::BaselineRefitted {
                name,
                rows,
                error: None,
                ..
            } if *rows == data.train.rows() + data.valid.rows() => Some(name.as_str()),
            _ => None,
        })
        .collect();
    let names: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
    assert_eq!(refitted, names, "one refit per baseline, in order");
    // The refits come after the winner's bag, before the end.
    let at = |f: &dyn Fn(&Event) -> bool| events.iter().position(f).unwrap();
    assert!(
        at(&|e| matches!(e, Event::WinnerBagged { .. }))
            < at(&|e| matches!(e, Event::BaselineRefitted { .. }))
    );
    let board = search.leaderboard().unwrap();
    for kind in &kinds {
        let row = baseline_row(board, *kind);
        let result = search.baselines().iter().find(|b| b.kind == *kind).unwrap();
        let (fit, refit) = (
            result.fit.as_ref().unwrap(),
            result.refit.as_ref().unwrap().as_ref().unwrap(),
        );
        // Tested as refit (the same predictions as refitting it again), ranked as first fitted.
        assert!(row.refit);
        assert_eq!(
            refit.test,
            baselines::refit(*kind, &data, search.config().seed)
                .unwrap()
                .test
        );
        let (Metrics::Classification(test), Metrics::Classification(valid)) =
            (&row.test, &row.valid)
        else {
            panic!("classification metrics expected")
        };
        assert_eq!(
            test.accuracy,
            common::label_accuracy(&refit.test, &data.test.y)
        );
        assert_eq!(
            valid.accuracy,
            common::label_accuracy(&fit.valid, &data.valid.y)
        );
        assert_eq!(row.train_ms, fit.fit_ms + refit.fit_ms);
    }
    // The refits train no network: the trainer data did not change for them.
    let (plain, _) = run(
        SearchConfig {
            baselines: false,
            ..with_baselines(5, 240)
        },
        &data,
    );
    assert_eq!(search.data_generation(), plain.data_generation());

    // A winner trained on the training rows alone leaves the baselines as first fitted.
    let (off, events) = run(with_baselines(0, 240), &data);
    assert!(!off.winner_saw_validation());
    assert!(!events
        .iter()
        .any(|e| matches!(e, Event::BaselineRefitted { .. })));
    let board = off.leaderboard().unwrap();
    assert!(board.rows.iter().any(|r| r.kind == ModelKind::Baseline));
    assert!(board.rows.iter().all(|r| !r.refit));
    assert!(off.baselines().iter().all(|b| b.refit.is_none()));
}

/// The leaderboard row of baseline `kind`.
fn baseline_row(
    board: &automl::report::leaderboard::Leaderboard,
    kind: automl::baselines::BaselineKind,
) -> &automl::report::leaderboard::Row {
    use automl::report::leaderboard::ModelKind;
    board
        .rows
        .iter()
        .find(|r| r.kind == ModelKind::Baseline && r.model == kind.name())
        .unwrap()
}

/// A search driven until `n` of its events are `counted` ones.
fn driven_until(
    c: &SearchConfig,
    data: &PreparedData,
    counted: fn(&Event) -> bool,
    n: usize,
) -> Driver {
    let mut driver = Driver::new(Search::new(c.clone(), data).unwrap());
    let mut guard = 0;
    while driver.events.iter().filter(|e| counted(e)).count() < n {
        driver.step(&mut |_| {});
        guard += 1;
        assert!(guard < 10_000 && !driver.search.is_finished());
    }
    driver
}

/// `driver`'s search saved as JSON, resumed and run to its end.
fn saved_and_resumed(mut driver: Driver) -> (Search, Vec<Event>) {
    let state = block_on(driver.search.save(&mut driver.trainer)).unwrap();
    let json = serde_json::to_string(&state).unwrap();
    let resumed = Search::resume(serde_json::from_str(&json).unwrap());
    Driver::new(resumed).finish(&mut |_| {})
}

fn is_refit(e: &Event) -> bool {
    matches!(e, Event::BaselineRefitted { .. })
}

#[test]
fn stopping_or_saving_among_the_baseline_refits() {
    let data = dataset("wine");
    let c = with_baselines(5, 240);
    let (whole, _) = run(c.clone(), &data);
    // Saved after two refits and resumed: the uninterrupted leaderboard.
    let (resumed, events) = saved_and_resumed(driven_until(&c, &data, is_refit, 2));
    let later = events.iter().filter(|e| is_refit(e)).count();
    assert_eq!(later, whole.baselines().len() - 2);
    assert_eq!(
        resumed.leaderboard().unwrap().without_timings(),
        whole.leaderboard().unwrap().without_timings()
    );
    // Stopped after two: those two are tested as refit, the others as first fitted.
    let mut driver = driven_until(&c, &data, is_refit, 2);
    block_on(driver.search.stop(&mut driver.trainer)).unwrap();
    let (stopped, _) = driver.finish(&mut |_| {});
    let refit: Vec<bool> = stopped
        .baselines()
        .iter()
        .map(|b| b.refit.is_some())
        .collect();
    assert_eq!(refit.iter().filter(|&&r| r).count(), 2, "{refit:?}");
    let board = stopped.leaderboard().unwrap();
    for b in stopped.baselines() {
        let row = baseline_row(board, b.kind);
        assert_eq!(row.refit, b.refit.is_some(), "{}", row.model);
    }
    assert_eq!(stopped.best().unwrap().1, whole.best().unwrap().1);
}

/// An iris search with baselines run to its end without cross-validation and without a refit
/// stage: its winner trained on the training rows, and `finish` has not been called (the CLI's
/// `--refit` after a stop then gives it a trainer on train + validation).
fn searched_without_stages() -> Driver {
    let data = dataset("iris");
    let c = with_baselines(0, 120);
    let mut driver = Driver::new(Search::new(c, &data).unwrap());
    while !driver.search.is_finished() {
        driver.step(&mut |_| {});
    }
    assert!(!driver.search.winner_saw_validation());
    driver
}

#[test]
fn a_winner_refit_when_finishing_has_its_baselines_refit_too() {
    use automl::report::leaderboard::ModelKind;
    let mut driver = searched_without_stages();
    let mut refit = CpuTrainer::new(driver.search.refit_data());
    let events = block_on(driver.search.finish(Some(&mut refit))).unwrap();
    let search = driver.search;
    assert!(search.winner_refitted() && search.winner_saw_validation());
    let refits = events
        .iter()
        .filter(|e| matches!(e, Event::BaselineRefitted { error: None, .. }))
        .count();
    assert_eq!(refits, search.baselines().len());
    assert!(matches!(
        events.first(),
        Some(Event::Refitted {
            diverged: false,
            ..
        })
    ));
    assert!(matches!(events.last(), Some(Event::SearchFinished { .. })));
    let board = search.leaderboard().unwrap();
    assert!(board.best_neural().unwrap().refit);
    assert!(board
        .rows
        .iter()
        .filter(|r| r.kind == ModelKind::Baseline)
        .all(|r| r.refit));
}

/// A CPU trainer whose every training call reports its last epoch as diverged: a refit that
/// fails.
struct DivergingTrainer(CpuTrainer);

impl automl::model::trainer::Trainer for DivergingTrainer {
    fn add(
        &mut self,
        spec: automl::model::Spec,
        init: Option<automl::model::Weights>,
    ) -> Result<automl::model::trainer::CandidateId, automl::model::trainer::TrainError> {
        self.0.add(spec, init)
    }
    async fn train(
        &mut self,
        ids: &[automl::model::trainer::CandidateId],
        epochs: u32,
    ) -> Result<Vec<Vec<automl::model::trainer::EpochMetrics>>, automl::model::trainer::TrainError>
    {
        let mut curves = self.0.train(ids, epochs).await?;
        for c in &mut curves {
            if let Some(last) = c.last_mut() {
                last.diverged = true;
            }
        }
        Ok(curves)
    }
    async fn weights(
        &mut self,
        id: automl::model::trainer::CandidateId,
    ) -> Result<automl::model::Weights, automl::model::trainer::TrainError> {
        self.0.weights(id).await
    }
    async fn predict(
        &mut self,
        id: automl::model::trainer::CandidateId,
        x: &[f32],
    ) -> Result<Vec<f32>, automl::model::trainer::TrainError> {
        self.0.predict(id, x).await
    }
    fn remove(&mut self, id: automl::model::trainer::CandidateId) {
        self.0.remove(id)
    }
    async fn state(
        &mut self,
        id: automl::model::trainer::CandidateId,
    ) -> Result<automl::model::trainer::CandidateState, automl::model::trainer::TrainError> {
        self.0.state(id).await
    }
    fn restore(
        &mut self,
        spec: automl::model::Spec,
        state: automl::model::trainer::CandidateState,
    ) -> Result<automl::model::trainer::CandidateId, automl::model::trainer::TrainError> {
        self.0.restore(spec, state)
    }
    fn epochs_done(
        &self,
        id: automl::model::trainer::CandidateId,
    ) -> Result<u32, automl::model::trainer::TrainError> {
        self.0.epochs_done(id)
    }
}

#[test]
fn a_refit_that_diverges_when_finishing_is_discarded() {
    use automl::report::leaderboard::ModelKind;
    let mut driver = searched_without_stages();
    let search_weights = driver.search.best().unwrap().1.clone();
    let mut refit = DivergingTrainer(CpuTrainer::new(driver.search.refit_data()));
    let events = block_on(driver.search.finish(Some(&mut refit))).unwrap();
    let search = driver.search;
    assert!(matches!(
        events.first(),
        Some(Event::Refitted { diverged: true, .. })
    ));
    // The winner keeps its search weights and trained on the training rows only: so do the
    // baselines.
    assert!(!search.winner_refitted() && !search.winner_saw_validation());
    assert_eq!(search.best().unwrap().1, &search_weights);
    assert!(!events
        .iter()
        .any(|e| matches!(e, Event::BaselineRefitted { .. })));
    let board = search.leaderboard().unwrap();
    assert!(board
        .rows
        .iter()
        .filter(|r| r.kind == ModelKind::Neural || r.kind == ModelKind::Baseline)
        .all(|r| !r.refit));
}

#[test]
fn the_leaderboard_ranks_cross_validated_baselines_with_the_networks() {
    use automl::report::leaderboard::Leaderboard;
    use automl::search::cv::CvScore;
    let row = |name: &str, trial: Option<u32>, right: usize, cv: Option<f64>| {
        board_row(
            name,
            trial,
            right,
            cv.map(|score| CvScore {
                folds: 5,
                score,
                loss: if trial.is_some() {
                    0.3
                } else {
                    CvScore::NO_LOSS
                },
                diverged: false,
            }),
        )
    };
    let board = Leaderboard::new(vec![
        row("net 0", Some(0), 4, Some(0.90)),
        row("forest", None, 4, Some(0.80)),
        row("tree", None, 3, None),
        row("knn", None, 2, Some(0.95)),
        row("net 1", Some(1), 2, Some(0.95)),
        row("net 2", Some(2), 4, None),
        row("majority", None, 1, Some(0.5)),
    ]);
    let order: Vec<&str> = board.rows.iter().map(|r| r.model.as_str()).collect();
    // By validation: forest, net 0 and net 2 (tied, fewer parameters first), tree, knn,
    // net 1, majority. The cross-validated rows are ordered by score: at equal scores the
    // network (which has a loss) ranks above the baseline (which gives no probabilities); the
    // network without a cross-validated score follows the last cross-validated network, above
    // the baselines that scored below it; the tree without one goes above the first row that
    // scored below its validation accuracy (0.75).
    assert_eq!(
        order,
        vec!["net 1", "knn", "net 0", "net 2", "forest", "tree", "majority"]
    );
    let ranks: Vec<u32> = board.rows.iter().map(|r| r.rank).collect();
    assert_eq!(ranks, (1..=7).collect::<Vec<u32>>());
    assert_eq!(board.best_baseline().unwrap().model, "knn");
}

#[test]
fn baselines_are_cross_validated_on_the_networks_folds() {
    use automl::baselines::{self, BaselineKind, DataSize};
    use automl::report::leaderboard::ModelKind;
    use automl::search::cv::{self, CvScore};
    let data = dataset("iris");
    let c = with_baselines(5, 240);
    // The held-out rows of every fold the networks trained on.
    let mut network_folds = Vec::new();
    let driver = Driver::new(Search::new(c.clone(), &data).unwrap());
    let (search, events) = driver.finish(&mut |s: &Search| {
        let d = s.trainer_data();
        // A fold cuts the same 120 rows as the search phase, 96 to train (the search: 90).
        if d.train_rows() + d.valid_rows() == data.train.rows() + data.valid.rows()
            && d.train_rows() != data.train.rows()
        {
            network_folds.push((d.valid_x.clone(), d.valid_y.clone()));
        }
    });
    assert_eq!(network_folds.len(), 5, "the networks' five folds");
    let pool = search.train_data();
    let folds = search.cv_fold_rows(&pool, 5).unwrap();
    for (f, (x, y)) in network_folds.iter().enumerate() {
        let fold = cv::fold_data(&pool, &folds, f);
        assert_eq!((&fold.valid_x, &fold.valid_y), (x, y), "fold {f}");
    }
    let kinds = BaselineKind::for_task(&data.task, DataSize::of(&data));
    let crossed: Vec<(&str, u32)> = events
        .iter()
        .filter_map(|e| match e {
            Event::BaselineCrossValidated {
                name,
                folds,
                score: Some(_),
                error: None,
                ..
            } => Some((name.as_str(), *folds)),
            _ => None,
        })
        .collect();
    let names: Vec<(&str, u32)> = kinds.iter().map(|k| (k.name(), 5)).collect();
    assert_eq!(crossed, names, "every baseline, in order, on 5 folds");
    // After the networks' stage and the winner's bag, before the refits.
    let at = |f: &dyn Fn(&Event) -> bool| events.iter().position(f).unwrap();
    let first_cv = at(&|e| matches!(e, Event::BaselineCrossValidated { .. }));
    assert!(at(&|e| matches!(e, Event::WinnerBagged { .. })) < first_cv);
    assert!(first_cv < at(&|e| matches!(e, Event::BaselineRefitted { .. })));
    // Each score is the mean held-out accuracy of the baseline fitted on the other folds.
    let board = search.leaderboard().unwrap();
    for b in search.baselines() {
        let score = b.cv.as_ref().unwrap().as_ref().unwrap();
        let expected = (0..5)
            .map(|f| {
                let fold = cv::fold_data(&pool, &folds, f);
                let (held_out, _) =
                    baselines::fit_fold(b.kind, &data, &fold, search.config().seed).unwrap();
                common::label_accuracy(&held_out, &fold.valid_y)
            })
            .sum::<f64>()
            / 5.0;
        assert!((score.score - expected).abs() < 1e-12, "{:?}", b.kind);
        assert_eq!(score.loss, CvScore::NO_LOSS);
        assert!(b.cv_folds.is_empty() && b.cv_ms > 0.0);
        let row = baseline_row(board, b.kind);
        assert_eq!(row.cv, Some(*score));
    }
    // Networks and baselines rank by their cross-validated scores together.
    let classification = true;
    let scored: Vec<_> = board
        .rows
        .iter()
        .filter_map(|r| r.cv.map(|c| c.objective(classification)))
        .collect();
    assert!(
        scored.windows(2).all(|w| w[0].cmp(&w[1]).is_le()),
        "{scored:?}"
    );
    assert!(board
        .rows
        .iter()
        .any(|r| r.kind == ModelKind::Baseline && r.cv.is_some()));
    // Fitting baselines trains no network: the trainer data generations are those without
    // baselines.
    let (plain, _) = run(
        SearchConfig {
            baselines: false,
            ..c
        },
        &data,
    );
    assert_eq!(search.data_generation(), plain.data_generation());
    // Without the networks' stage the baselines are not cross-validated either.
    let (off, events) = run(with_baselines(0, 120), &data);
    assert!(!events
        .iter()
        .any(|e| matches!(e, Event::BaselineCrossValidated { .. })));
    assert!(off.baselines().iter().all(|b| b.cv.is_none()));
    assert!(off
        .leaderboard()
        .unwrap()
        .rows
        .iter()
        .all(|r| r.kind == ModelKind::Neural || r.cv.is_none()));
}

#[test]
fn regression_baselines_are_cross_validated_in_the_targets_units() {
    use automl::baselines::{self, Prediction};
    use automl::search::cv;
    let data = dataset("diabetes");
    let c = with_baselines(3, 90);
    let (search, _) = run(c, &data);
    let pool = search.train_data();
    let folds = search.cv_fold_rows(&pool, 3).unwrap();
    let std = data.target_scale.unwrap().1 as f64;
    let mean = search
        .baselines()
        .iter()
        .find(|b| b.kind.name() == "mean")
        .unwrap();
    let score = mean.cv.as_ref().unwrap().as_ref().unwrap();
    let (mut rmse, mut mse) = (0.0, 0.0);
    for f in 0..3 {
        let fold = cv::fold_data(&pool, &folds, f);
        let (held_out, _) =
            baselines::fit_fold(mean.kind, &data, &fold, search.config().seed).unwrap();
        let Prediction::Values { values } = held_out else {
            panic!("values expected")
        };
        let m = values
            .iter()
            .zip(&fold.valid_y)
            .map(|(&v, &y)| (v as f64 - y as f64).powi(2))
            .sum::<f64>()
            / values.len() as f64;
        rmse += m.sqrt() * std / 3.0;
        mse += m / 3.0;
    }
    assert!(
        (score.score - rmse).abs() < 1e-9 * rmse,
        "{score:?} vs {rmse}"
    );
    assert!((score.loss - mse).abs() < 1e-12, "{score:?} vs {mse}");
    // The mean's RMSE is about the target's standard deviation, like the networks' scores.
    assert!(
        score.score > 0.8 * std && score.score < 1.2 * std,
        "{score:?}, std {std}"
    );
    let net = search.trials().iter().find_map(|t| t.cv).unwrap();
    assert!(net.score < 1.2 * std, "{net:?}");
}

#[test]
fn stopping_or_saving_among_the_baseline_folds() {
    let data = dataset("wine");
    let c = with_baselines(5, 240);
    let (whole, _) = run(c.clone(), &data);
    fn is_cv(e: &Event) -> bool {
        matches!(e, Event::BaselineCrossValidated { .. })
    }
    // Two baselines done and two folds of the third.
    let started = || {
        let mut driver = driven_until(&c, &data, is_cv, 2);
        driver.step(&mut |_| {});
        driver.step(&mut |_| {});
        assert_eq!(driver.events.iter().filter(|e| is_cv(e)).count(), 2);
        assert_eq!(driver.search.baselines()[2].cv_folds.len(), 2);
        driver
    };
    let (resumed, events) = saved_and_resumed(started());
    let later = events.iter().filter(|e| is_cv(e)).count();
    assert_eq!(later, whole.baselines().len() - 2);
    assert_eq!(
        resumed.leaderboard().unwrap().without_timings(),
        whole.leaderboard().unwrap().without_timings()
    );
    // Stopped there: the two finished keep their scores, the third's folds are dropped, and
    // the rest rank by validation.
    let mut driver = started();
    block_on(driver.search.stop(&mut driver.trainer)).unwrap();
    let (stopped, _) = driver.finish(&mut |_| {});
    let has_cv: Vec<bool> = stopped.baselines().iter().map(|b| b.cv.is_some()).collect();
    assert_eq!(has_cv.iter().filter(|&&c| c).count(), 2, "{has_cv:?}");
    assert!(stopped.baselines().iter().all(|b| b.cv_folds.is_empty()));
    let board = stopped.leaderboard().unwrap();
    for b in stopped.baselines() {
        let row = baseline_row(board, b.kind);
        assert_eq!(row.cv.is_some(), b.cv.is_some(), "{}", row.model);
    }
}

/// [`config`] on `space`, with random proposals so that the trials spread over it.
fn random_on(space: automl::search::space::SearchSpace, epochs: u64) -> SearchConfig {
    SearchConfig {
        sampler: SamplerConfig::Random,
        space: Some(space),
        ..config(5, epochs)
    }
}

#[test]
fn near_copies_of_a_better_trial_are_neither_finalists_nor_cross_validated() {
    use automl::report::leaderboard::ModelKind;
    use automl::search::near_copy::near_copies;
    use automl::search::space::{Range, SearchSpace};
    let data = dataset("iris");
    // A space of one configuration: every trial is a near-copy of every other.
    let mut one = SearchSpace::default_for_data(&data);
    one.depth = (1, 1);
    one.width = Range::log(16.0, 16.0);
    one.activations.truncate(1);
    one.dropout = Range::linear(0.0, 0.0);
    one.weight_decay = Range::log(1e-4, 1e-4);
    one.optimizers.truncate(1);
    one.momentum = Range::linear(0.9, 0.9);
    one.beta1 = Range::linear(0.9, 0.9);
    one.learning_rate = Range::log(0.02, 0.02);
    one.schedules.truncate(1);
    one.batch_sizes.truncate(1);
    let (search, events) = run(random_on(one.clone(), 240), &data);
    let retired = search
        .trials()
        .iter()
        .filter(|t| t.objective().is_some() && t.status != TrialStatus::Running)
        .count();
    assert!(retired >= 4, "only {retired} trials finished");
    let (_, candidates, _) = cv_started(&events).expect("cross-validation did not run");
    assert_eq!(candidates.len(), 1, "{candidates:?}");
    let board = search.leaderboard().unwrap();
    let networks: Vec<_> = board
        .rows
        .iter()
        .filter(|r| r.kind == ModelKind::Neural)
        .collect();
    assert_eq!(networks.len(), 1, "{networks:?}");
    assert_eq!(networks[0].trial, Some(candidates[0]));

    // The same space with a learning rate from 1e-3 to 0.1: trials are near-copies when their
    // rates are within a factor of 100^0.1 ≈ 1.58. The candidates and finalists are the best
    // trials once each near-copy of a better one is passed over.
    let mut rates = one;
    rates.learning_rate = Range::log(1e-3, 0.1);
    let (search, events) = run(random_on(rates, 600), &data);
    let params = search.space().params();
    let (_, candidates, _) = cv_started(&events).expect("cross-validation did not run");
    assert!(candidates.len() >= 2, "{candidates:?}");
    // The ranking the search phase used: by validation objective, then id.
    let objective = |t: &automl::search::run::Trial| t.objective().unwrap();
    let mut by_validation: Vec<_> = search
        .trials()
        .iter()
        .filter(|t| t.objective().is_some() && t.status != TrialStatus::Diverged)
        .collect();
    by_validation.sort_by(|a, b| objective(a).cmp(&objective(b)).then(a.id.cmp(&b.id)));
    // The best trial is a candidate, the candidates come in validation order, and no
    // candidate is a near-copy of another.
    assert_eq!(candidates[0], by_validation[0].id);
    let place = |id: u32| by_validation.iter().position(|t| t.id == id).unwrap();
    assert!(candidates.windows(2).all(|w| place(w[0]) < place(w[1])));
    let trial = |id: u32| &search.trials()[id as usize];
    for (i, &a) in candidates.iter().enumerate() {
        for &b in &candidates[i + 1..] {
            assert!(!near_copies(&params, &trial(a).sample, &trial(b).sample));
        }
    }
    // Trials that rank above the last candidate were passed over, among them near-copies of a
    // better candidate (the others lost their weights before a place came free for them).
    let last = place(*candidates.last().unwrap());
    let passed_over: Vec<u32> = by_validation[..last]
        .iter()
        .filter(|t| !candidates.contains(&t.id))
        .filter(|t| {
            candidates.iter().any(|&c| {
                place(c) < place(t.id) && near_copies(&params, &trial(c).sample, &t.sample)
            })
        })
        .map(|t| t.id)
        .collect();
    assert!(
        !passed_over.is_empty(),
        "no near-copy ranked among the top: the test shows nothing"
    );
    // The leaderboard's networks are cross-validated candidates, none a near-copy of another.
    let board = search.leaderboard().unwrap();
    let networks: Vec<u32> = board
        .rows
        .iter()
        .filter(|r| r.kind == ModelKind::Neural)
        .filter_map(|r| r.trial)
        .collect();
    assert!(networks.len() > 1, "{networks:?}");
    for (i, &a) in networks.iter().enumerate() {
        assert!(candidates.contains(&a));
        for &b in &networks[i + 1..] {
            let (a, b) = (&search.trials()[a as usize], &search.trials()[b as usize]);
            assert!(!near_copies(&params, &a.sample, &b.sample));
        }
    }
}
