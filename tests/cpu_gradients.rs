//! Finite-difference checks of the CPU trainer's gradients: every activation, both losses,
//! multi-layer networks, with dropout masks fixed by the step index.
#![cfg(not(target_arch = "wasm32"))]

use automl::model::{
    batch_gradients, initial_weights, Activation, Init, LayerSpec, Loss, Optimizer, RawSpec,
    Schedule, Spec, Weights,
};
use automl::rng::Rng;

fn spec(hidden: &[(u32, Activation)], loss: Loss, dropout: f32, seed: u64) -> Spec {
    RawSpec {
        inputs: 5,
        outputs: if loss == Loss::SoftmaxCrossEntropy {
            3
        } else {
            1
        },
        loss,
        hidden: hidden
            .iter()
            .map(|&(width, activation)| LayerSpec { width, activation })
            .collect(),
        dropout,
        weight_decay: 0.0,
        optimizer: Optimizer::Sgd { momentum: 0.0 },
        learning_rate: 0.1,
        schedule: Schedule::Constant,
        warmup_epochs: 0,
        horizon_epochs: 10,
        batch_size: 6,
        init: Init::Xavier,
        seed,
    }
    .validate()
    .unwrap()
}

fn batch(spec: &Spec, rows: usize, seed: u64) -> (Vec<f32>, Vec<f32>) {
    let mut rng = Rng::new(seed);
    let x = (0..rows * spec.inputs as usize)
        .map(|_| rng.normal() as f32)
        .collect();
    let y = (0..rows)
        .map(|_| match spec.loss {
            Loss::SoftmaxCrossEntropy => rng.below(spec.outputs as usize) as f32,
            Loss::MeanSquaredError => rng.normal() as f32,
        })
        .collect();
    (x, y)
}

/// Compares every analytic gradient entry with a central difference of the batch objective.
fn check(spec: &Spec, step: u64) {
    let mut weights = initial_weights(spec);
    // Non-zero biases so that bias gradients are exercised away from the initial point.
    let mut rng = Rng::new(99);
    for layer in &mut weights.layers {
        layer
            .b
            .iter_mut()
            .for_each(|b| *b = 0.1 * rng.normal() as f32);
    }
    let (x, y) = batch(spec, 6, 7);
    let (_, grads) = batch_gradients(spec, &weights, &x, &y, step, true);
    // Small enough to rarely cross a relu kink, large enough for f32 round-off (~1e-4 here).
    let h = 1e-3f32;
    let objective = |w: &Weights| batch_gradients(spec, w, &x, &y, step, true).0;
    let mut worst = 0.0f64;
    let mut checked = 0;
    for l in 0..weights.layers.len() {
        for (is_bias, len) in [
            (false, weights.layers[l].w.len()),
            (true, weights.layers[l].b.len()),
        ] {
            for i in 0..len {
                let mut plus = weights.clone();
                let mut minus = weights.clone();
                let (p, m, analytic) = if is_bias {
                    (
                        &mut plus.layers[l].b[i],
                        &mut minus.layers[l].b[i],
                        grads.layers[l].b[i],
                    )
                } else {
                    (
                        &mut plus.layers[l].w[i],
                        &mut minus.layers[l].w[i],
                        grads.layers[l].w[i],
                    )
                };
                let base = *p;
                *p = base + h;
                *m = base - h;
                let step_size = (*p - *m) as f64; // the representable step
                let numeric = (objective(&plus) - objective(&minus)) / step_size;
                let err = (numeric - analytic as f64).abs() / (3e-3 + analytic.abs() as f64);
                worst = worst.max(err);
                checked += 1;
                assert!(
                    err < 5e-2,
                    "{} layer {l} {} {i}: numeric {numeric} analytic {analytic}",
                    spec.summary(),
                    if is_bias { "bias" } else { "weight" }
                );
            }
        }
    }
    assert!(checked > 20);
}

#[test]
fn every_activation_with_both_losses() {
    for act in Activation::ALL {
        for loss in [Loss::SoftmaxCrossEntropy, Loss::MeanSquaredError] {
            check(&spec(&[(4, act)], loss, 0.0, 11), 0);
        }
    }
}

#[test]
fn deep_mixed_networks() {
    use Activation::*;
    let layers = [(6, Tanh), (5, Gelu), (4, Sigmoid), (4, LeakyRelu)];
    check(&spec(&layers, Loss::SoftmaxCrossEntropy, 0.0, 3), 0);
    check(&spec(&layers, Loss::MeanSquaredError, 0.0, 4), 0);
}

#[test]
fn with_fixed_dropout_masks() {
    use Activation::*;
    let layers = [(8, Tanh), (7, Sigmoid)];
    for step in [0, 5] {
        check(&spec(&layers, Loss::SoftmaxCrossEntropy, 0.3, 5), step);
        check(&spec(&layers, Loss::MeanSquaredError, 0.3, 6), step);
    }
    // The mask really changes with the step (so the checks above exercise two masks).
    let s = spec(&layers, Loss::MeanSquaredError, 0.3, 6);
    let w = initial_weights(&s);
    let (x, y) = batch(&s, 6, 7);
    assert_ne!(
        batch_gradients(&s, &w, &x, &y, 0, true).0,
        batch_gradients(&s, &w, &x, &y, 5, true).0
    );
}

#[test]
fn relu_networks_away_from_kinks() {
    use Activation::*;
    check(
        &spec(
            &[(6, Relu), (5, LeakyRelu)],
            Loss::SoftmaxCrossEntropy,
            0.0,
            21,
        ),
        0,
    );
    check(
        &spec(
            &[(6, LeakyRelu), (5, Relu)],
            Loss::MeanSquaredError,
            0.2,
            22,
        ),
        3,
    );
}
