//! Seeded initial weights, and the check that a weight set fits a spec.

use super::spec::{Init, Spec};
use super::trainer::{LayerWeights, TrainError, Weights};
use crate::rng::Rng;

/// Initial weights of a candidate, exactly as the trainer contract defines them: layer `l` draws
/// from `Rng::new(seed).fork(1000 + l)` in row-major order, `w = (normal() · std) as f32` with the
/// product taken in `f64`, He `std = sqrt(2 / in)`, Xavier `std = sqrt(2 / (in + out))`; biases 0.
pub fn initial_weights(spec: &Spec) -> Weights {
    let widths = spec.widths();
    let root = Rng::new(spec.seed);
    let layers = widths
        .windows(2)
        .enumerate()
        .map(|(l, pair)| {
            let (inputs, outputs) = (pair[0], pair[1]);
            let std = match spec.init {
                Init::He => (2.0 / inputs as f64).sqrt(),
                Init::Xavier => (2.0 / (inputs + outputs) as f64).sqrt(),
            };
            let mut rng = root.fork(1000 + l as u64);
            let w = (0..inputs * outputs)
                .map(|_| (rng.normal() * std) as f32)
                .collect();
            LayerWeights {
                inputs,
                outputs,
                w,
                b: vec![0.0; outputs],
            }
        })
        .collect();
    Weights { layers }
}

/// Checks that `weights` has exactly the layer shapes of `spec`; the error names the first
/// mismatching layer.
pub fn check_weights(spec: &Spec, weights: &Weights) -> Result<(), TrainError> {
    let widths = spec.widths();
    if weights.layers.len() != widths.len() - 1 {
        return Err(TrainError::Shape(format!(
            "weights have {} layers, the spec has {} (hidden layers + output)",
            weights.layers.len(),
            widths.len() - 1
        )));
    }
    for (l, (layer, pair)) in weights.layers.iter().zip(widths.windows(2)).enumerate() {
        if layer.inputs != pair[0]
            || layer.outputs != pair[1]
            || layer.w.len() != pair[0] * pair[1]
            || layer.b.len() != pair[1]
        {
            return Err(TrainError::Shape(format!(
                "layer {l}: weights are {}×{} ({} weights, {} biases), the spec needs {}×{}",
                layer.inputs,
                layer.outputs,
                layer.w.len(),
                layer.b.len(),
                pair[0],
                pair[1]
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::spec::Loss;

    #[test]
    fn shapes_scale_and_determinism() {
        let spec = Spec::default_for(64, 10, Loss::SoftmaxCrossEntropy, 9).unwrap();
        let w = initial_weights(&spec);
        check_weights(&spec, &w).unwrap();
        assert_eq!(w, initial_weights(&spec));
        let first = &w.layers[0].w;
        let var = first.iter().map(|v| (*v as f64).powi(2)).sum::<f64>() / first.len() as f64;
        assert!(
            (var - 2.0 / 64.0).abs() < 0.2 * 2.0 / 64.0,
            "variance {var}"
        );
        assert!(w.layers.iter().all(|l| l.b.iter().all(|b| *b == 0.0)));
        let other = Spec::default_for(64, 10, Loss::SoftmaxCrossEntropy, 10).unwrap();
        assert_ne!(w, initial_weights(&other));
        // The first weight is pinned to the contract's formula.
        let expected = (Rng::new(9).fork(1000).normal() * (2.0f64 / 64.0).sqrt()) as f32;
        assert_eq!(first[0], expected);
    }

    #[test]
    fn rejects_mismatched_shapes() {
        let spec = Spec::default_for(4, 3, Loss::SoftmaxCrossEntropy, 1).unwrap();
        let mut w = initial_weights(&spec);
        w.layers[1].b.pop();
        let err = check_weights(&spec, &w).unwrap_err();
        assert!(err.to_string().contains("layer 1"), "{err}");
    }
}
