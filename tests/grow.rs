//! Weight inheritance: copied, widened and deepened children compute their parent's function.
#![cfg(not(target_arch = "wasm32"))]

use automl::model::trainer::Trainer;
use automl::model::{
    inherit, predict, Activation, CpuTrainer, GrowError, Init, LayerSpec, Loss, Optimizer, RawSpec,
    Schedule, Spec, TrainData,
};
use automl::rng::Rng;

fn spec(hidden: &[(u32, Activation)], loss: Loss, seed: u64) -> Spec {
    RawSpec {
        inputs: 6,
        outputs: if loss == Loss::SoftmaxCrossEntropy {
            4
        } else {
            1
        },
        loss,
        hidden: hidden
            .iter()
            .map(|&(width, activation)| LayerSpec { width, activation })
            .collect(),
        dropout: 0.1,
        weight_decay: 0.0,
        optimizer: Optimizer::Adam {
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
        },
        learning_rate: 0.01,
        schedule: Schedule::Constant,
        warmup_epochs: 0,
        horizon_epochs: 10,
        batch_size: 16,
        init: Init::He,
        seed,
    }
    .validate()
    .unwrap()
}

fn rows(n: usize) -> Vec<f32> {
    let mut rng = Rng::new(5);
    (0..n * 6).map(|_| 2.0 * rng.normal() as f32).collect()
}

/// Trained parent weights (so biases and weights are not at their initial values).
fn trained(parent: &Spec) -> automl::model::Weights {
    let x = rows(200);
    let mut rng = Rng::new(8);
    let classes = parent.outputs as usize;
    let y: Vec<f32> = (0..200)
        .map(|_| {
            if classes > 1 {
                rng.below(classes) as f32
            } else {
                rng.normal() as f32
            }
        })
        .collect();
    let data = TrainData {
        inputs: 6,
        outputs: classes,
        classification: classes > 1,
        train_x: x.clone(),
        train_y: y.clone(),
        valid_x: x,
        valid_y: y,
    };
    let mut t = CpuTrainer::new(data);
    let id = t.add(parent.clone(), None).unwrap();
    t.train_epochs(&[id], 3).unwrap();
    t.weights_ref(id).unwrap().clone()
}

fn assert_same_function(parent: &Spec, child: &Spec) {
    let pw = trained(parent);
    let cw = inherit(parent, &pw, child, 17).unwrap();
    automl::model::check_weights(child, &cw).unwrap();
    let x = rows(64);
    let (a, b) = (predict(parent, &pw, &x), predict(child, &cw, &x));
    let worst = a
        .iter()
        .zip(&b)
        .map(|(p, c)| (p - c).abs())
        .fold(0.0f32, f32::max);
    assert!(
        worst < 1e-5,
        "{} -> {}: max difference {worst}",
        parent.summary(),
        child.summary()
    );
}

#[test]
fn widened_children_compute_the_parent_function() {
    use Activation::*;
    for act in Activation::ALL {
        for loss in [Loss::SoftmaxCrossEntropy, Loss::MeanSquaredError] {
            let parent = spec(&[(5, act), (4, Tanh)], loss, 1);
            let child = spec(&[(13, act), (9, Tanh)], loss, 2);
            assert_same_function(&parent, &child);
        }
    }
    // Only one of two layers widened.
    assert_same_function(
        &spec(&[(5, Gelu), (4, Relu)], Loss::SoftmaxCrossEntropy, 1),
        &spec(&[(5, Gelu), (11, Relu)], Loss::SoftmaxCrossEntropy, 1),
    );
}

#[test]
fn deepened_children_compute_the_parent_function() {
    use Activation::*;
    let parent = spec(&[(8, Relu), (5, Sigmoid)], Loss::SoftmaxCrossEntropy, 3);
    // After the relu layer, after the sigmoid layer, two in a row, and leaky relu.
    assert_same_function(
        &parent,
        &spec(&[(8, Relu), (8, Relu), (5, Sigmoid)], parent.loss, 4),
    );
    assert_same_function(
        &parent,
        &spec(&[(8, Relu), (5, Sigmoid), (5, LeakyRelu)], parent.loss, 4),
    );
    assert_same_function(
        &parent,
        &spec(
            &[(8, Relu), (8, LeakyRelu), (8, Relu), (5, Sigmoid)],
            parent.loss,
            4,
        ),
    );
    // Widen and deepen at once.
    assert_same_function(
        &parent,
        &spec(
            &[(12, Relu), (12, Relu), (7, Sigmoid), (7, Relu)],
            parent.loss,
            4,
        ),
    );
}

#[test]
fn matching_shapes_copy_and_the_child_trains() {
    use Activation::*;
    let parent = spec(&[(8, Tanh)], Loss::MeanSquaredError, 3);
    let pw = trained(&parent);
    assert_eq!(
        inherit(&parent, &pw, &spec(&[(8, Tanh)], parent.loss, 9), 1).unwrap(),
        pw
    );
    // A widened child has distinct replica weights (the split is not symmetric).
    let child = spec(&[(16, Tanh)], parent.loss, 9);
    let cw = inherit(&parent, &pw, &child, 1).unwrap();
    let out = &cw.layers[1].w;
    let mut distinct = out.clone();
    distinct.sort_by(f32::total_cmp);
    distinct.dedup();
    assert_eq!(distinct.len(), out.len());
}

#[test]
fn refuses_what_cannot_be_preserved() {
    use Activation::*;
    let loss = Loss::SoftmaxCrossEntropy;
    let parent = spec(&[(8, Relu), (6, Tanh)], loss, 3);
    let pw = trained(&parent);
    let try_child = |hidden: &[(u32, Activation)]| inherit(&parent, &pw, &spec(hidden, loss, 4), 1);

    let narrower = try_child(&[(4, Relu), (6, Tanh)]).unwrap_err();
    assert!(
        matches!(narrower, GrowError::Narrower { child_layer: 0, .. }),
        "{narrower}"
    );
    // Insertion after a tanh layer (negative outputs) is not an identity.
    let after_tanh = try_child(&[(8, Relu), (6, Tanh), (6, Relu)]).unwrap_err();
    assert!(
        matches!(after_tanh, GrowError::NotExact { child_layer: 2, .. }),
        "{after_tanh}"
    );
    // Inserted tanh is never an identity; nor is a width change.
    assert!(matches!(
        try_child(&[(8, Relu), (8, Tanh), (6, Tanh)]),
        Err(GrowError::NotExact { .. })
    ));
    assert!(matches!(
        try_child(&[(8, Relu), (9, Relu), (6, Tanh)]),
        Err(GrowError::NotExact { child_layer: 1, .. })
    ));
    // Dropping a layer or changing its activation.
    assert!(matches!(
        try_child(&[(8, Relu)]),
        Err(GrowError::Unmatched { parent_layer: 1 })
    ));
    assert!(try_child(&[(8, Relu), (9, Sigmoid)]).is_err());
    // Equal shapes copy, even with another activation (documented: the function then changes).
    assert_eq!(try_child(&[(8, Relu), (6, Sigmoid)]).unwrap(), pw);
    // Different inputs.
    let mut raw = spec(&[(8, Relu), (6, Tanh)], loss, 4).raw().clone();
    raw.inputs = 7;
    let other = raw.validate().unwrap();
    let err = inherit(&parent, &pw, &other, 1).unwrap_err();
    assert!(err.to_string().contains("inputs"), "{err}");
}

#[test]
fn a_linear_parent_copies_and_refuses_a_layer_on_its_inputs() {
    use Activation::*;
    let loss = Loss::SoftmaxCrossEntropy;
    let parent = spec(&[], loss, 3);
    let pw = trained(&parent);
    assert_eq!(pw.layers.len(), 1);
    assert_eq!(inherit(&parent, &pw, &spec(&[], loss, 9), 1).unwrap(), pw);
    // The network inputs can be negative, so no inserted layer is an identity on them.
    let err = inherit(&parent, &pw, &spec(&[(6, Relu)], loss, 9), 1).unwrap_err();
    assert!(
        matches!(err, GrowError::NotExact { child_layer: 0, .. }),
        "{err}"
    );
    // A deeper parent cannot become linear.
    let deep = spec(&[(8, Relu)], loss, 3);
    let dw = trained(&deep);
    assert!(matches!(
        inherit(&deep, &dw, &parent, 1),
        Err(GrowError::Unmatched { parent_layer: 0 })
    ));
}
