//! Shared fixtures of the trainer and search tests: small seeded data sets, candidate builders and
//! a small search configuration.
#![allow(dead_code)]

use automl::model::spec::{Activation, Init, LayerSpec, Loss, Optimizer, RawSpec, Schedule, Spec};
use automl::model::trainer::{TrainData, Weights};
use automl::rng::Rng;

pub mod gpu_checks;

pub const INPUTS: usize = 5;
pub const CLASSES: usize = 3;

/// 37 training and 11 validation rows (neither a multiple of the batch sizes used), with targets
/// from a fixed nonlinear rule so that training makes progress.
pub fn data(classification: bool) -> TrainData {
    let mut rng = Rng::new(77);
    let mut make = |rows: usize| {
        let mut x = Vec::new();
        let mut y = Vec::new();
        for _ in 0..rows {
            let row: Vec<f32> = (0..INPUTS).map(|_| rng.next_f32() * 2.0 - 1.0).collect();
            let s = row[0] + 0.5 * row[1] * row[2] - row[3];
            if classification {
                y.push(if s < -0.3 {
                    0.0
                } else if s < 0.3 {
                    1.0
                } else {
                    2.0
                });
            } else {
                y.push(s + 0.1 * row[4]);
            }
            x.extend(row);
        }
        (x, y)
    };
    let (train_x, train_y) = make(37);
    let (valid_x, valid_y) = make(11);
    TrainData {
        inputs: INPUTS,
        outputs: if classification { CLASSES } else { 1 },
        classification,
        train_x,
        train_y,
        valid_x,
        valid_y,
    }
}

pub fn adam() -> Optimizer {
    Optimizer::Adam {
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
    }
}

pub fn adamw() -> Optimizer {
    Optimizer::AdamW {
        beta1: 0.85,
        beta2: 0.99,
        eps: 1e-7,
    }
}

pub fn sgd() -> Optimizer {
    Optimizer::Sgd { momentum: 0.8 }
}

/// A candidate with the given hidden layers and hyperparameters.
#[allow(clippy::too_many_arguments)]
pub fn spec(
    hidden: &[(u32, Activation)],
    optimizer: Optimizer,
    dropout: f32,
    weight_decay: f32,
    batch: u32,
    classification: bool,
    seed: u64,
) -> Spec {
    RawSpec {
        inputs: INPUTS as u32,
        outputs: if classification { CLASSES as u32 } else { 1 },
        loss: if classification {
            Loss::SoftmaxCrossEntropy
        } else {
            Loss::MeanSquaredError
        },
        hidden: hidden
            .iter()
            .map(|&(width, activation)| LayerSpec { width, activation })
            .collect(),
        dropout,
        weight_decay,
        optimizer,
        learning_rate: match optimizer {
            Optimizer::Sgd { .. } => 0.05,
            _ => 0.01,
        },
        schedule: Schedule::Cosine,
        warmup_epochs: 1,
        horizon_epochs: 6,
        batch_size: batch,
        init: if seed % 2 == 0 {
            Init::He
        } else {
            Init::Xavier
        },
        seed: seed | (seed << 40),
    }
    .validate()
    .unwrap()
}

fn act(a: Activation, x: f64) -> f64 {
    match a {
        Activation::Relu => x.max(0.0),
        Activation::LeakyRelu => {
            if x > 0.0 {
                x
            } else {
                0.01 * x
            }
        }
        Activation::Tanh => x.tanh(),
        Activation::Sigmoid => 1.0 / (1.0 + (-x).exp()),
        Activation::Gelu => {
            let k = (2.0 / std::f64::consts::PI).sqrt();
            0.5 * x * (1.0 + (k * (x + 0.044715 * x * x * x)).tanh())
        }
    }
}

/// Share of rows whose most probable class (`probs`, `rows × classes`) is the target in `y`.
pub fn accuracy(probs: &[f32], y: &[f32], classes: usize) -> f64 {
    let labels = automl::report::metrics::argmax_rows(probs, classes);
    let right = labels
        .iter()
        .zip(y)
        .filter(|(l, y)| **l == **y as u32)
        .count();
    right as f64 / y.len() as f64
}

/// Mean log loss of `rows × classes` probabilities on `y`, as the leaderboard's metrics
/// compute it (probabilities clamped to `[1e-15, 1 − 1e-15]`).
pub fn log_loss(probs: &[f32], y: &[f32], classes: usize) -> f64 {
    let total: f64 = probs
        .chunks_exact(classes)
        .zip(y)
        .map(|(row, &c)| -(row[c as usize] as f64).clamp(1e-15, 1.0 - 1e-15).ln())
        .sum();
    total / y.len() as f64
}

/// Accuracy of a baseline's predicted class labels on `y`.
pub fn label_accuracy(p: &automl::baselines::Prediction, y: &[f32]) -> f64 {
    let automl::baselines::Prediction::Classes { labels, .. } = p else {
        panic!("classes expected: {p:?}")
    };
    let right = labels
        .iter()
        .zip(y)
        .filter(|(&l, &y)| l as f32 == y)
        .count();
    right as f64 / y.len() as f64
}

/// Plain f64 forward pass (no dropout): probabilities or values.
pub fn host_predict(spec: &Spec, w: &Weights, x: &[f32]) -> Vec<f32> {
    let mut out = Vec::new();
    for row in x.chunks(spec.inputs as usize) {
        let mut a: Vec<f64> = row.iter().map(|&v| v as f64).collect();
        for (l, layer) in w.layers.iter().enumerate() {
            let mut z: Vec<f64> = layer.b.iter().map(|&b| b as f64).collect();
            for (i, ai) in a.iter().enumerate() {
                for (j, zj) in z.iter_mut().enumerate() {
                    *zj += ai * layer.w[i * layer.outputs + j] as f64;
                }
            }
            a = if l < spec.hidden.len() {
                z.iter()
                    .map(|&v| act(spec.hidden[l].activation, v))
                    .collect()
            } else {
                z
            };
        }
        if spec.loss == Loss::SoftmaxCrossEntropy {
            let m = a.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            let s: f64 = a.iter().map(|v| (v - m).exp()).sum();
            out.extend(a.iter().map(|v| ((v - m).exp() / s) as f32));
        } else {
            out.extend(a.iter().map(|&v| v as f32));
        }
    }
    out
}

/// A search for tests: candidates trained 1–9 epochs (η = 3), an epoch budget, no baselines.
pub fn search_config(
    seed: u64,
    sampler: automl::search::sampler::SamplerConfig,
    scheduler: automl::search::schedule::SchedulerConfig,
    epochs: u64,
) -> automl::search::run::SearchConfig {
    automl::search::run::SearchConfig {
        seed,
        sampler,
        scheduler,
        fidelity: automl::search::schedule::Fidelity {
            min_epochs: 1,
            max_epochs: 9,
            eta: 3,
        },
        budget: automl::search::Budget {
            seconds: None,
            epochs: Some(epochs),
        },
        baselines: false,
        ..Default::default()
    }
}

/// The test accuracy of `model`'s own predictions on `test`, checked to equal the test accuracy
/// the model file records.
pub fn model_test_accuracy(
    model: &automl::report::export::ModelFile,
    test: &automl::data::Part,
) -> f64 {
    use automl::report::export::Predicted;
    use automl::report::metrics::Metrics;
    let Predicted::Classes { labels, .. } = model.predict_features(&test.x) else {
        panic!("classification model")
    };
    let correct = labels
        .iter()
        .zip(&test.y)
        .filter(|(p, y)| **p as f32 == **y)
        .count();
    let accuracy = correct as f64 / test.rows() as f64;
    match model.test_metrics.as_ref() {
        Some(Metrics::Classification(m)) => assert_eq!(m.accuracy, accuracy),
        other => panic!("{other:?}"),
    }
    accuracy
}
