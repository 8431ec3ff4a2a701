//! The GPU population trainer on the native adapter (lavapipe on machines without a GPU):
//! pause/resume equivalence, divergence containment, weight inheritance, prediction, limits.
//! Agreement with the CPU reference trainer is in `gpu_vs_cpu.rs`.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use automl::gpu::{GpuContext, GpuTrainer};
use automl::model::spec::Activation;
use automl::model::trainer::{Trainer, Weights};
use automl::platform::block_on;
use common::*;

fn trainer(classification: bool) -> GpuTrainer {
    let ctx =
        block_on(GpuContext::new()).expect("a GPU adapter (lavapipe) is needed for these tests");
    block_on(GpuTrainer::new(ctx, data(classification))).unwrap()
}

#[test]
fn pause_and_resume_equals_training_straight_through() {
    let a = spec(
        &[(6, Activation::Tanh), (5, Activation::Relu)],
        adam(),
        0.2,
        0.01,
        8,
        true,
        5,
    );
    let other = spec(&[(4, Activation::Gelu)], sgd(), 0.0, 0.0, 16, true, 6);

    let mut straight = trainer(true);
    let id = straight.add(a.clone(), None).unwrap();
    let m_straight = block_on(straight.train(&[id], 3)).unwrap().remove(0);
    let w_straight = block_on(straight.weights(id)).unwrap();

    let mut paused = trainer(true);
    let id = paused.add(a, None).unwrap();
    let first = block_on(paused.train(&[id], 1)).unwrap().remove(0);
    // Others train (and join the population) while `id` is paused.
    let o = paused.add(other, None).unwrap();
    block_on(paused.train(&[o], 2)).unwrap();
    let rest = block_on(paused.train(&[id], 2)).unwrap().remove(0);
    let w_paused = block_on(paused.weights(id)).unwrap();

    assert_eq!(paused.epochs_done(id).unwrap(), 3);
    let all: Vec<_> = first.into_iter().chain(rest).collect();
    assert_eq!(all.len(), 3);
    for (x, y) in all.iter().zip(&m_straight) {
        assert_eq!(x.epoch, y.epoch);
        assert_eq!(x.train_loss, y.train_loss, "epoch {}", x.epoch);
        assert_eq!(x.valid_loss, y.valid_loss, "epoch {}", x.epoch);
    }
    assert_eq!(w_paused, w_straight);
}

#[test]
fn a_diverging_candidate_does_not_disturb_the_others() {
    block_on(common::gpu_checks::divergence_is_contained());
}

#[test]
fn a_widened_child_computes_its_parents_function() {
    block_on(common::gpu_checks::widened_child_preserves_function());
}

#[test]
fn inherited_weights_are_used_and_predictions_follow_them() {
    let s = spec(
        &[(7, Activation::Sigmoid), (3, Activation::LeakyRelu)],
        adam(),
        0.0,
        0.0,
        4,
        true,
        21,
    );
    let mut parent = automl::model::initial_weights(&spec(
        &[(7, Activation::Sigmoid), (3, Activation::LeakyRelu)],
        adam(),
        0.0,
        0.0,
        4,
        true,
        999,
    ));
    for (i, l) in parent.layers.iter_mut().enumerate() {
        for (j, b) in l.b.iter_mut().enumerate() {
            *b = 0.1 * (i + j) as f32 - 0.2;
        }
    }
    let mut t = trainer(true);
    let id = t.add(s.clone(), Some(parent.clone())).unwrap();
    let fresh = t.add(s.clone(), None).unwrap();
    assert_eq!(block_on(t.weights(id)).unwrap(), parent);
    assert_ne!(block_on(t.weights(fresh)).unwrap(), parent);

    let d = data(true);
    let rows = 9; // not a multiple of the batch size
    let x = &d.valid_x[..rows * d.inputs];
    let got = block_on(t.predict(id, x)).unwrap();
    let want = host_predict(&s, &parent, x);
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(&want) {
        assert!((g - w).abs() < 1e-5, "{g} vs {w}");
    }

    // Shapes that do not match are refused.
    let mut wrong = parent.clone();
    wrong.layers.pop();
    assert!(t.add(s, Some(wrong)).is_err());
}

#[test]
fn regression_predictions_and_metrics_are_consistent() {
    let s = spec(&[(6, Activation::Tanh)], adamw(), 0.0, 0.05, 8, false, 31);
    let mut t = trainer(false);
    let id = t.add(s.clone(), None).unwrap();
    let m = block_on(t.train(&[id], 4)).unwrap().remove(0);
    assert_eq!(m.len(), 4);
    assert!(m[3].train_loss < m[0].train_loss, "{m:?}");
    // The reported validation RMSE is the RMSE of the model's own predictions.
    let d = data(false);
    let w = block_on(t.weights(id)).unwrap();
    let pred = block_on(t.predict(id, &d.valid_x)).unwrap();
    let host = host_predict(&s, &w, &d.valid_x);
    let mse: f32 = pred
        .iter()
        .zip(&d.valid_y)
        .map(|(p, y)| (p - y) * (p - y))
        .sum::<f32>()
        / d.valid_rows() as f32;
    assert!(
        (mse.sqrt() - m[3].valid_score).abs() < 1e-4,
        "{} vs {}",
        mse.sqrt(),
        m[3].valid_score
    );
    for (p, h) in pred.iter().zip(&host) {
        assert!((p - h).abs() < 1e-4);
    }
}

#[test]
fn removed_candidates_free_their_slot_and_others_keep_state() {
    let a = spec(&[(5, Activation::Relu)], adam(), 0.0, 0.0, 8, true, 41);
    let b = spec(
        &[(9, Activation::Tanh), (4, Activation::Relu)],
        sgd(),
        0.0,
        0.0,
        8,
        true,
        42,
    );
    let mut t = trainer(true);
    let ia = t.add(a, None).unwrap();
    let ib = t.add(b, None).unwrap();
    block_on(t.train(&[ia, ib], 1)).unwrap();
    let wb = block_on(t.weights(ib)).unwrap();
    t.remove(ia);
    assert!(t.epochs_done(ia).is_err());
    assert_eq!(block_on(t.weights(ib)).unwrap(), wb);
    assert!(block_on(t.train(&[ia], 1)).is_err());
}

#[test]
fn mismatched_specs_are_refused() {
    let mut t = trainer(true);
    let regression = spec(&[(5, Activation::Relu)], adam(), 0.0, 0.0, 8, false, 1);
    assert!(t.add(regression, None).is_err());
}

#[test]
fn a_population_beyond_the_adapter_limits_is_refused_with_a_clear_error() {
    let mut ctx = block_on(GpuContext::new()).unwrap();
    // Pretend the adapter only allows 64 KiB per storage buffer.
    ctx.report.max_storage_buffer_binding_size = 64 << 10;
    let mut t = block_on(GpuTrainer::new(ctx, data(true))).unwrap();
    let small = spec(&[(8, Activation::Relu)], adam(), 0.0, 0.0, 8, true, 1);
    let id = t.add(small, None).unwrap();
    // 5·1000 + 1000·1000 + … parameters need ~4 MB: refused, and the trainer stays usable.
    let big = spec(
        &[(1000, Activation::Relu), (1000, Activation::Relu)],
        adam(),
        0.0,
        0.0,
        8,
        true,
        2,
    );
    let err = t.add(big, None).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("limits") && msg.contains("parameter buffer"),
        "{msg}"
    );
    assert_eq!(block_on(t.train(&[id], 1)).unwrap()[0].len(), 1);
}

#[test]
fn candidates_beyond_one_dispatch_train_in_groups_with_the_same_results() {
    let specs = [
        spec(&[(40, Activation::Relu)], adam(), 0.0, 0.0, 8, true, 21),
        spec(
            &[(8, Activation::Tanh), (64, Activation::Gelu)],
            adam(),
            0.1,
            0.001,
            16,
            true,
            22,
        ),
        spec(&[(20, Activation::Sigmoid)], sgd(), 0.0, 0.0, 32, true, 23),
        spec(
            &[(64, Activation::LeakyRelu)],
            adam(),
            0.0,
            0.0,
            8,
            true,
            24,
        ),
        spec(&[(30, Activation::Relu)], sgd(), 0.0, 0.01, 16, true, 25),
    ];
    let run = |limit: Option<u32>| {
        let mut ctx = block_on(GpuContext::new()).unwrap();
        if let Some(l) = limit {
            // Pretend the adapter launches at most `l` workgroups per dispatch dimension: the
            // forward list of layer 0 alone has 2 + 1 + 1 + 2 + 1 = 7 tiles of 32 columns.
            ctx.report.max_compute_workgroups_per_dimension = l;
        }
        let mut t = block_on(GpuTrainer::new(ctx, data(true))).unwrap();
        let ids: Vec<_> = specs
            .iter()
            .map(|s| t.add(s.clone(), None).unwrap())
            .collect();
        let metrics = block_on(t.train(&ids, 3)).unwrap();
        let weights: Vec<_> = ids
            .iter()
            .map(|&id| block_on(t.weights(id)).unwrap())
            .collect();
        (metrics, weights)
    };
    let (m_one, w_one) = run(None);
    let (m_split, w_split) = run(Some(6));
    assert_eq!(m_split.len(), specs.len());
    for (a, b) in m_one.iter().zip(&m_split) {
        assert_eq!(a.len(), 3);
        for (x, y) in a.iter().zip(b) {
            assert_eq!(x.train_loss, y.train_loss, "epoch {}", x.epoch);
            assert_eq!(x.valid_loss, y.valid_loss, "epoch {}", x.epoch);
        }
    }
    assert_eq!(w_one, w_split);
    // A candidate too large for one dispatch on its own is refused with a reason.
    let mut ctx = block_on(GpuContext::new()).unwrap();
    ctx.report.max_compute_workgroups_per_dimension = 6;
    let mut t = block_on(GpuTrainer::new(ctx, data(true))).unwrap();
    let wide = spec(&[(1000, Activation::Relu)], adam(), 0.0, 0.0, 8, true, 26);
    let msg = t.add(wide, None).unwrap_err().to_string();
    assert!(msg.contains("workgroups in one dispatch"), "{msg}");
}

/// Trains each spec 2 epochs in one trainer, moves its state into a fresh trainer and trains 3
/// more there; returns the 5 epochs' metrics and the final weights per spec.
fn moved<T: Trainer>(
    make: &dyn Fn() -> T,
    specs: &[automl::model::Spec],
) -> Vec<(Vec<automl::model::EpochMetrics>, Weights)> {
    let mut first = make();
    let ids: Vec<_> = specs
        .iter()
        .map(|s| first.add(s.clone(), None).unwrap())
        .collect();
    let before = block_on(first.train(&ids, 2)).unwrap();
    let states: Vec<_> = ids
        .iter()
        .map(|&id| block_on(first.state(id)).unwrap())
        .collect();
    drop(first);
    let mut second = make();
    // Another candidate first, so the restored ones land in other slots.
    let other = spec(&[(3, Activation::Tanh)], sgd(), 0.0, 0.0, 8, true, 99);
    second.add(other, None).unwrap();
    let ids: Vec<_> = specs
        .iter()
        .zip(states)
        .map(|(s, st)| second.restore(s.clone(), st).unwrap())
        .collect();
    for &id in &ids {
        assert_eq!(second.epochs_done(id).unwrap(), 2);
    }
    let after = block_on(second.train(&ids, 3)).unwrap();
    before
        .into_iter()
        .zip(after)
        .zip(&ids)
        .map(|((mut b, a), &id)| {
            b.extend(a);
            (b, block_on(second.weights(id)).unwrap())
        })
        .collect()
}

fn straight<T: Trainer>(
    make: &dyn Fn() -> T,
    specs: &[automl::model::Spec],
) -> Vec<(Vec<automl::model::EpochMetrics>, Weights)> {
    let mut t = make();
    let ids: Vec<_> = specs
        .iter()
        .map(|s| t.add(s.clone(), None).unwrap())
        .collect();
    let m = block_on(t.train(&ids, 5)).unwrap();
    m.into_iter()
        .zip(&ids)
        .map(|(m, &id)| (m, block_on(t.weights(id)).unwrap()))
        .collect()
}

#[test]
fn a_candidate_state_moved_to_a_new_trainer_continues_exactly() {
    // Cosine schedule with warm-up and dropout (common::spec): the epoch and step counters
    // matter, as do the Adam moments and the SGD velocity.
    let specs = [
        spec(
            &[(6, Activation::Tanh), (5, Activation::Relu)],
            adam(),
            0.2,
            0.01,
            8,
            true,
            31,
        ),
        spec(&[(7, Activation::Gelu)], sgd(), 0.1, 0.001, 16, true, 32),
        spec(
            &[(9, Activation::LeakyRelu)],
            adamw(),
            0.0,
            0.01,
            8,
            true,
            33,
        ),
    ];
    let gpu = || trainer(true);
    let cpu = || automl::model::CpuTrainer::new(data(true));
    for (name, a, b) in [
        ("gpu", straight(&gpu, &specs), moved(&gpu, &specs)),
        ("cpu", straight(&cpu, &specs), moved(&cpu, &specs)),
    ] {
        for (i, ((m1, w1), (m2, w2))) in a.iter().zip(&b).enumerate() {
            assert_eq!(m1.len(), 5, "{name} candidate {i}");
            assert_eq!(m1, m2, "{name} candidate {i}: metrics");
            assert_eq!(w1, w2, "{name} candidate {i}: weights");
        }
    }
    // A state does not fit another architecture or optimizer.
    let mut t = trainer(true);
    let id = t.add(specs[0].clone(), None).unwrap();
    let st = block_on(t.state(id)).unwrap();
    assert!(t.restore(specs[1].clone(), st.clone()).is_err());
    let mut other_optimizer = specs[0].raw().clone();
    other_optimizer.optimizer = sgd();
    let msg = t
        .restore(other_optimizer.validate().unwrap(), st)
        .unwrap_err()
        .to_string();
    assert!(msg.contains("optimizer state"), "{msg}");
}

/// A search on the GPU trainer gives the same trials whether waiting trials stay in the trainer
/// or move off it (retrained from their seed, or restored from their state) and come back.
#[test]
fn a_search_moving_waiting_trials_off_the_gpu_gives_the_same_trials() {
    use automl::data::{builtin, prepare, PrepareOptions};
    use automl::search::run::{Search, SearchConfig};
    use automl::search::sampler::SamplerConfig;
    use automl::search::schedule::SchedulerConfig;
    let table = builtin::load("iris", &Default::default()).unwrap();
    let data = prepare(&table, &PrepareOptions::default()).unwrap();
    let base = search_config(
        3,
        SamplerConfig::Random,
        SchedulerConfig::Asha { slots: 3 },
        60,
    );
    let run = |resident_waiting: usize| {
        let c = SearchConfig {
            resident_waiting,
            ..base.clone()
        };
        let mut search = Search::new(c, &data).unwrap();
        let ctx = block_on(GpuContext::new()).unwrap();
        let mut t = block_on(GpuTrainer::new(ctx, search.train_data())).unwrap();
        while !search.is_finished() {
            block_on(search.step(&mut t)).unwrap();
        }
        block_on(search.finish::<GpuTrainer>(None)).unwrap();
        search
            .trials()
            .iter()
            .map(|t| t.curve.clone())
            .collect::<Vec<_>>()
    };
    let kept = run(100_000);
    assert!(kept.len() > 8, "only {} trials", kept.len());
    assert_eq!(run(2), kept);
}

/// With cross-validation on the GPU trainer (a new trainer for each fold, as the CLI and the
/// page build them), the winner is the bag of its fold models: each member is the winner trained
/// on that fold's rows, and the leaderboard tests their mean.
#[test]
fn a_cross_validated_search_on_the_gpu_bags_the_winner_from_its_folds() {
    use automl::data::{builtin, prepare, PrepareOptions};
    use automl::model::predict_mean;
    use automl::report::metrics::Metrics;
    use automl::search::run::{Search, SearchConfig};
    use automl::search::sampler::SamplerConfig;
    use automl::search::schedule::SchedulerConfig;
    let table = builtin::load("iris", &Default::default()).unwrap();
    let data = prepare(&table, &PrepareOptions::default()).unwrap();
    let config = SearchConfig {
        cv_candidates: 2,
        cv_share: 0.5,
        ensemble: false,
        ..search_config(
            4,
            SamplerConfig::Random,
            SchedulerConfig::Asha { slots: 3 },
            160,
        )
    };
    let mut search = Search::new(config, &data).unwrap();
    let ctx = block_on(GpuContext::new()).unwrap();
    let mut t = block_on(GpuTrainer::new(ctx.clone(), search.train_data())).unwrap();
    let mut generation = search.data_generation();
    let mut folds = Vec::new();
    while !search.is_finished() {
        if search.data_generation() != generation {
            generation = search.data_generation();
            folds.push(search.trainer_data());
            t = block_on(GpuTrainer::new(ctx.clone(), search.trainer_data())).unwrap();
        }
        block_on(search.step(&mut t)).unwrap();
    }
    block_on(search.finish::<GpuTrainer>(None)).unwrap();
    let (winner, _) = search.best().unwrap();
    let ensemble = search.winner_ensemble().expect("the winner was bagged");
    let bag = &ensemble.members[0].models;
    assert_eq!((ensemble.members.len(), bag.len(), folds.len()), (1, 5, 5));
    for (member, fold) in bag.iter().zip(folds) {
        let mut again = block_on(GpuTrainer::new(ctx.clone(), fold)).unwrap();
        let id = again.add(winner.spec.clone(), None).unwrap();
        block_on(again.train(&[id], winner.epochs())).unwrap();
        assert_eq!(&block_on(again.weights(id)).unwrap(), member);
    }
    let row = search.leaderboard().unwrap().best_neural().unwrap().clone();
    assert_eq!(row.bag, 5);
    let members: Vec<_> = bag.iter().collect();
    let mean = predict_mean(&winner.spec, &members, &data.test.x);
    let Metrics::Classification(test) = &row.test else {
        panic!("classification expected");
    };
    assert_eq!(
        test.accuracy,
        common::accuracy(&mean, &data.test.y, data.task.outputs())
    );
}
