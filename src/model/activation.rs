//! Hidden-layer activation functions and their derivatives, as the trainer contract defines them
//! (leaky relu slope 0.01; gelu in its tanh approximation).

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
            Activation::Tanh => z.tanh(),
            Activation::Sigmoid => 1.0 / (1.0 + (-z).exp()),
            Activation::Gelu => 0.5 * z * (1.0 + (GELU_C * (z + GELU_A * z * z * z)).tanh()),
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
                let t = z.tanh();
                1.0 - t * t
            }
            Activation::Sigmoid => {
                let s = 1.0 / (1.0 + (-z).exp());
                s * (1.0 - s)
            }
            Activation::Gelu => {
                let t = (GELU_C * (z + GELU_A * z * z * z)).tanh();
                0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * GELU_C * (1.0 + 3.0 * GELU_A * z * z)
            }
        }
    }

    /// Applies the activation to every element of `z`, writing into `out`.
    pub fn apply_slice(self, z: &[f32], out: &mut [f32]) {
        match self {
            // Branch-free forms the compiler vectorises.
            Activation::Relu => out.iter_mut().zip(z).for_each(|(o, &v)| *o = v.max(0.0)),
            _ => out.iter_mut().zip(z).for_each(|(o, &v)| *o = self.apply(v)),
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
