//! Hidden-layer activation functions and their derivatives, as the trainer contract defines them
//! (leaky relu slope 0.01; gelu in its tanh approximation).
//! gelu is computed as `z · σ(2u)`, which equals `0.5 z (1 + tanh u)` without its cancellation
//! for negative `z`. `tanh`, `exp` and `σ` come from [`super::fastmath`]: vectorisable, and the
//! same bits on every platform.

use super::fastmath::{sigmoid, tanh};
use super::spec::Activation;

/// Negative-side slope of the leaky relu.
pub const LEAKY_SLOPE: f32 = 0.01;
/// `sqrt(2 / π)`, the gelu tanh-approximation constant.
const GELU_C: f32 = 0.797_884_6;
/// Cubic coefficient of the gelu tanh approximation.
const GELU_A: f32 = 0.044_715;

impl Activation {
    /// The activation of a pre-activation value `z`.
    #[inline]
    pub fn apply(self, z: f32) -> f32 {
        match self {
            Activation::Relu => z.max(0.0),
            Activation::LeakyRelu => {
                if z > 0.0 {
                    z
                } else {
                    LEAKY_SLOPE * z
                }
            }
            Activation::Tanh => tanh(z),
            Activation::Sigmoid => sigmoid(z),
            Activation::Gelu => z * sigmoid(2.0 * GELU_C * (z + GELU_A * z * z * z)),
        }
    }

    /// The derivative `d apply(z) / dz` (for relu and leaky relu, the right derivative at 0 is
    /// not used: `z = 0` counts as the negative side).
    #[inline]
    pub fn derivative(self, z: f32) -> f32 {
        match self {
            Activation::Relu => {
                if z > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Activation::LeakyRelu => {
                if z > 0.0 {
                    1.0
                } else {
                    LEAKY_SLOPE
                }
            }
            Activation::Tanh => {
                let t = tanh(z);
                1.0 - t * t
            }
            Activation::Sigmoid => {
                let s = sigmoid(z);
                s * (1.0 - s)
            }
            Activation::Gelu => {
                // d/dz z·σ(2u) = σ(2u) + z · 2σ(2u)(1 − σ(2u)) · u′(z).
                let s = sigmoid(2.0 * GELU_C * (z + GELU_A * z * z * z));
                s + z * 2.0 * s * (1.0 - s) * GELU_C * (1.0 + 3.0 * GELU_A * z * z)
            }
        }
    }

    /// Applies the activation to every element of `z`, writing into `out`.
    pub fn apply_slice(self, z: &[f32], out: &mut [f32]) {
        // One loop per activation, so that each is branch-free and the compiler vectorises it.
        fn each(z: &[f32], out: &mut [f32], f: impl Fn(f32) -> f32) {
            out.iter_mut().zip(z).for_each(|(o, &v)| *o = f(v));
        }
        match self {
            Activation::Relu => each(z, out, |v| v.max(0.0)),
            Activation::LeakyRelu => each(z, out, |v| Activation::LeakyRelu.apply(v)),
            Activation::Tanh => each(z, out, tanh),
            Activation::Sigmoid => each(z, out, |v| Activation::Sigmoid.apply(v)),
            Activation::Gelu => each(z, out, |v| Activation::Gelu.apply(v)),
        }
    }

    /// Multiplies every element of `grad` by the derivative at the matching pre-activation in
    /// `z`, and by the matching element of `mask` when one is given (dropout's scaled mask).
    pub fn scale_by_derivative(self, z: &[f32], mask: Option<&[f32]>, grad: &mut [f32]) {
        fn each(z: &[f32], mask: Option<&[f32]>, grad: &mut [f32], f: impl Fn(f32) -> f32) {
            match mask {
                None => grad.iter_mut().zip(z).for_each(|(g, &v)| *g *= f(v)),
                Some(mask) => grad
                    .iter_mut()
                    .zip(z)
                    .zip(mask)
                    .for_each(|((g, &v), &m)| *g *= m * f(v)),
            }
        }
        match self {
            Activation::Relu => each(z, mask, grad, |v| Activation::Relu.derivative(v)),
            Activation::LeakyRelu => each(z, mask, grad, |v| Activation::LeakyRelu.derivative(v)),
            Activation::Tanh => each(z, mask, grad, |v| Activation::Tanh.derivative(v)),
            Activation::Sigmoid => each(z, mask, grad, |v| Activation::Sigmoid.derivative(v)),
            Activation::Gelu => each(z, mask, grad, |v| Activation::Gelu.derivative(v)),
        }
    }

    /// Whether every output of this activation is `>= 0` (so a following relu is the identity).
    pub fn non_negative(self) -> bool {
        matches!(self, Activation::Relu | Activation::Sigmoid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derivatives_match_central_differences() {
        for act in Activation::ALL {
            for i in -40..=40 {
                let z = i as f64 * 0.1 + 0.013; // stay off the relu kink
                let h = 1e-3f64;
                let up = act.apply((z + h) as f32) as f64;
                let down = act.apply((z - h) as f32) as f64;
                let numeric = (up - down) / (2.0 * h);
                let analytic = act.derivative(z as f32) as f64;
                assert!(
                    (numeric - analytic).abs() < 2e-3,
                    "{} at {z}: numeric {numeric} analytic {analytic}",
                    act.name()
                );
            }
        }
    }

    #[test]
    fn known_values() {
        assert_eq!(Activation::Relu.apply(-2.0), 0.0);
        assert_eq!(Activation::LeakyRelu.apply(-2.0), -0.02);
        assert!((Activation::Sigmoid.apply(0.0) - 0.5).abs() < 1e-7);
        assert!((Activation::Tanh.apply(1.0) - 0.761_594_2).abs() < 1e-6);
        // gelu(1) with the tanh approximation ≈ 0.841192
        assert!((Activation::Gelu.apply(1.0) - 0.841_192).abs() < 1e-5);
        assert!(Activation::Sigmoid.apply(-200.0).is_finite());
    }
}
