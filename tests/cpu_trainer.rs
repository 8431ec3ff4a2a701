//! The CPU trainer end to end: learning, pause/resume equivalence, divergence containment,
//! determinism across thread counts, prediction, and input errors.
#![cfg(not(target_arch = "wasm32"))]

use automl::model::trainer::{CandidateId, TrainError, Trainer};
use automl::model::{
    predict, Activation, CpuTrainer, Init, LayerSpec, Loss, Optimizer, RawSpec, Schedule, Spec,
    TrainData,
};
use automl::platform::block_on;
use automl::rng::Rng;

/// Rows labelled by a random linear teacher (classification) or a smooth function (regression).
fn data(rows: usize, inputs: usize, classes: usize, seed: u64) -> TrainData {
    let mut rng = Rng::new(seed);
    let teacher: Vec<f32> = (0..inputs * classes.max(1))
        .map(|_| rng.normal() as f32)
        .collect();
    let mut make = |n: usize| {
        let x: Vec<f32> = (0..n * inputs).map(|_| rng.normal() as f32).collect();
        let y = x
            .chunks(inputs)
            .map(|row| {
                let score = |c: usize| -> f32 {
                    row.iter()
                        .enumerate()
                        .map(|(i, v)| v * teacher[i * classes.max(1) + c])
                        .sum()
                };
                if classes >= 2 {
                    (0..classes)
                        .max_by(|&a, &b| score(a).total_cmp(&score(b)))
                        .unwrap() as f32
                } else {
                    (score(0)).sin() + 0.5 * row[0]
                }
            })
            .collect();
        (x, y)
    };
    let (train_x, train_y) = make(rows);
    let (valid_x, valid_y) = make(rows / 4);
    TrainData {
        inputs,
        outputs: classes.max(1),
        classification: classes >= 2,
        train_x,
        train_y,
        valid_x,
        valid_y,
    }
}

fn spec(d: &TrainData, hidden: &[(u32, Activation)], optimizer: Optimizer, seed: u64) -> RawSpec {
    RawSpec {
        inputs: d.inputs as u32,
        outputs: d.outputs as u32,
        loss: if d.classification {
            Loss::SoftmaxCrossEntropy
        } else {
            Loss::MeanSquaredError
        },
        hidden: hidden
            .iter()
            .map(|&(width, activation)| LayerSpec { width, activation })
            .collect(),
        dropout: 0.0,
        weight_decay: 0.0,
        optimizer,
        learning_rate: 0.01,
        schedule: Schedule::Constant,
        warmup_epochs: 0,
        horizon_epochs: 20,
        batch_size: 16,
        init: Init::He,
        seed,
    }
}

const ADAM: Optimizer = Optimizer::Adam {
    beta1: 0.9,
    beta2: 0.999,
    eps: 1e-8,
};
const ADAMW: Optimizer = Optimizer::AdamW {
    beta1: 0.9,
    beta2: 0.99,
    eps: 1e-7,
};
const SGD: Optimizer = Optimizer::Sgd { momentum: 0.9 };

/// A varied population: every optimizer, dropout, decay, warm-up and cosine schedule.
fn population(d: &TrainData) -> Vec<Spec> {
    use Activation::*;
    let mut a = spec(d, &[(16, Relu)], ADAM, 1);
    a.dropout = 0.2;
    let mut b = spec(d, &[(12, Tanh), (8, Gelu)], ADAMW, 2);
    b.weight_decay = 0.01;
    b.schedule = Schedule::Cosine;
    b.warmup_epochs = 2;
    let mut c = spec(d, &[(10, LeakyRelu), (6, Sigmoid), (5, Relu)], SGD, 3);
    c.weight_decay = 1e-3;
    c.batch_size = 7; // last batch partial
    c.dropout = 0.1;
    [a, b, c]
        .into_iter()
        .map(|r| r.validate().unwrap())
        .collect()
}

fn add_all(t: &mut CpuTrainer, specs: &[Spec]) -> Vec<CandidateId> {
    specs
        .iter()
        .map(|s| t.add(s.clone(), None).unwrap())
        .collect()
}

#[test]
fn learns_a_classification_and_a_regression_task() {
    let d = data(400, 6, 3, 1);
    let s = spec(&d, &[(32, Activation::Relu)], ADAM, 4)
        .validate()
        .unwrap();
    let mut t = CpuTrainer::new(d.clone());
    let id = t.add(s, None).unwrap();
    let m = block_on(t.train(&[id], 15)).unwrap().remove(0);
    assert_eq!(m.len(), 15);
    assert_eq!(m[14].epoch, 15);
    assert!(m[14].train_loss < 0.5 * m[0].train_loss, "{m:?}");
    assert!(m[14].valid_score > 0.85, "accuracy {}", m[14].valid_score);

    let r = data(400, 4, 1, 2);
    let s = spec(&r, &[(32, Activation::Tanh)], ADAM, 5)
        .validate()
        .unwrap();
    let mut t = CpuTrainer::new(r);
    let id = t.add(s, None).unwrap();
    let m = t.train_epochs(&[id], 15).unwrap().remove(0);
    assert!(m[14].valid_loss < 0.5 * m[0].valid_loss, "{m:?}");
    assert!((m[14].valid_score - m[14].valid_loss.sqrt()).abs() < 1e-6);
}

#[test]
fn pause_and_resume_equals_one_run_bit_for_bit() {
    let d = data(150, 5, 3, 3);
    let specs = population(&d);
    let mut once = CpuTrainer::new(d.clone());
    let ids = add_all(&mut once, &specs);
    let full = once.train_epochs(&ids, 7).unwrap();

    let mut paused = CpuTrainer::new(d);
    let pids = add_all(&mut paused, &specs);
    let first = paused.train_epochs(&pids, 3).unwrap();
    // Others train in between; that must not matter.
    let other = paused.add(specs[0].clone(), None).unwrap();
    paused.train_epochs(&[other], 2).unwrap();
    let second = paused.train_epochs(&pids, 4).unwrap();
    for (i, (id, pid)) in ids.iter().zip(&pids).enumerate() {
        let joined: Vec<_> = first[i].iter().chain(&second[i]).copied().collect();
        assert_eq!(full[i], joined, "candidate {i}");
        assert_eq!(
            once.weights_ref(*id).unwrap(),
            paused.weights_ref(*pid).unwrap()
        );
        assert_eq!(paused.epochs_done(*pid).unwrap(), 7);
    }
}

#[test]
fn results_do_not_depend_on_threads_or_runs() {
    let d = data(120, 5, 3, 4);
    let specs = population(&d);
    let run = |threads: usize| {
        let mut t = CpuTrainer::new(d.clone()).with_threads(threads);
        let ids = add_all(&mut t, &specs);
        let m = t.train_epochs(&ids, 3).unwrap();
        let w: Vec<_> = ids
            .iter()
            .map(|id| t.weights_ref(*id).unwrap().clone())
            .collect();
        (m, w)
    };
    let single = run(1);
    assert_eq!(single, run(1));
    assert_eq!(single, run(3));
    assert_eq!(single, run(8));
}

#[test]
fn the_trainer_reports_how_many_candidates_train_at_once() {
    // The search models a group's time as the schedule of its candidates on these threads.
    let d = data(40, 3, 2, 1);
    assert_eq!(CpuTrainer::new(d.clone()).with_threads(1).parallelism(), 1);
    assert_eq!(CpuTrainer::new(d.clone()).with_threads(3).parallelism(), 3);
    assert!(CpuTrainer::new(d).parallelism() >= 1);
}

#[test]
fn a_diverging_candidate_stops_and_leaves_the_others_alone() {
    let d = data(120, 5, 1, 5);
    let mut specs = population(&d);
    let mut wild = spec(&d, &[(16, Activation::Relu)], SGD, 9);
    wild.learning_rate = 10.0;
    specs.insert(1, wild.validate().unwrap());

    let mut together = CpuTrainer::new(d.clone()).with_threads(2);
    let ids = add_all(&mut together, &specs);
    let m = together.train_epochs(&ids, 5).unwrap();
    let last = m[1].last().unwrap();
    assert!(last.diverged, "{:?}", m[1]);
    assert!(m[1].len() < 5);
    assert!(together.diverged(ids[1]).unwrap());
    // A diverged candidate is not trained further.
    assert_eq!(together.train_epochs(&[ids[1]], 2).unwrap(), vec![vec![]]);

    for (i, s) in specs.iter().enumerate().filter(|(i, _)| *i != 1) {
        let mut alone = CpuTrainer::new(d.clone());
        let id = alone.add(s.clone(), None).unwrap();
        let solo = alone.train_epochs(&[id], 5).unwrap().remove(0);
        assert_eq!(solo, m[i], "candidate {i}");
        assert!(solo.iter().all(|e| !e.diverged));
        assert_eq!(
            alone.weights_ref(id).unwrap(),
            together.weights_ref(ids[i]).unwrap()
        );
    }
}

#[test]
fn predict_gives_probabilities_matching_the_free_function() {
    let d = data(100, 5, 3, 6);
    let specs = population(&d);
    let mut t = CpuTrainer::new(d.clone());
    let ids = add_all(&mut t, &specs);
    t.train_epochs(&ids, 2).unwrap();
    for (id, s) in ids.iter().zip(&specs) {
        let p = block_on(t.predict(*id, &d.valid_x)).unwrap();
        assert_eq!(p.len(), d.valid_rows() * 3);
        for row in p.chunks(3) {
            assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        }
        let w = block_on(t.weights(*id)).unwrap();
        assert_eq!(p, predict(s, &w, &d.valid_x));
    }
}

#[test]
fn inherited_weights_are_used_and_checked() {
    let d = data(100, 5, 3, 7);
    let s = population(&d).remove(0);
    let mut t = CpuTrainer::new(d);
    let a = t.add(s.clone(), None).unwrap();
    t.train_epochs(&[a], 2).unwrap();
    let trained = t.weights_ref(a).unwrap().clone();
    let b = t.add(s.clone(), Some(trained.clone())).unwrap();
    assert_eq!(t.weights_ref(b).unwrap(), &trained);
    assert_eq!(t.epochs_done(b).unwrap(), 0);
    let mut bad = trained;
    bad.layers[0].w.pop();
    assert!(matches!(t.add(s, Some(bad)), Err(TrainError::Shape(_))));
}

#[test]
fn input_errors_are_reported_not_panicked() {
    let d = data(50, 5, 3, 8);
    let s = population(&d).remove(0);
    let mut t = CpuTrainer::new(d.clone());
    let wrong = spec(&data(10, 4, 3, 1), &[(4, Activation::Relu)], ADAM, 1)
        .validate()
        .unwrap();
    assert!(matches!(t.add(wrong, None), Err(TrainError::Shape(_))));
    let ghost = CandidateId(77);
    assert_eq!(
        t.train_epochs(&[ghost], 1),
        Err(TrainError::UnknownCandidate(ghost))
    );
    assert!(t.epochs_done(ghost).is_err());
    let id = t.add(s.clone(), None).unwrap();
    assert!(matches!(
        t.predict_rows(id, &[1.0, 2.0]),
        Err(TrainError::Shape(_))
    ));
    t.remove(id);
    assert!(t.weights_ref(id).is_err());

    let mut broken = d;
    broken.train_y[3] = 9.0; // class out of range
    let mut t = CpuTrainer::new(broken);
    let err = t.add(s, None).unwrap_err();
    assert!(err.to_string().contains("training row 3"), "{err}");
}
