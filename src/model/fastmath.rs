//! `exp`, `tanh` and the logistic sigmoid for the CPU trainer's activations, in plain f32
//! arithmetic.
//!
//! The platforms' `expf` and `tanhf` are calls the compiler cannot vectorise (they were a third
//! of the CPU trainer's time), and they differ between platforms. These are branch-free
//! (selects, not jumps), so the activation loops vectorise, and made only of IEEE additions,
//! multiplications, divisions and bit operations, so they give the same bits natively and in
//! WebAssembly. Accuracy (checked by the tests against f64): `exp` within 1 ulp, `tanh` within
//! 2 ulp, `sigmoid` within 3 ulp.

/// `log2(e)`.
const LOG2E: f32 = std::f32::consts::LOG2_E;
/// `ln 2` split for Cody–Waite range reduction: the high part has few significant bits, so
/// `n · LN2_HI` is exact for the `n` that occur.
const LN2_HI: f32 = 0.693_359_4;
/// The rest of `ln 2` (`ln 2 − LN2_HI`).
const LN2_LO: f32 = -2.121_944_4e-4;
/// Adding and subtracting `1.5 · 2²³` rounds an f32 below `2²²` in magnitude to the nearest
/// integer (a trick that needs no `round` instruction, which SSE2 lacks).
const ROUNDER: f32 = 12_582_912.0;
/// Inputs of [`exp`] are clamped to this range, so that the power of two it scales by stays a
/// normal float (`2⁻¹²⁶ … 2¹²⁷`).
const EXP_MIN: f32 = -87.3;
/// See [`EXP_MIN`].
const EXP_MAX: f32 = 88.3;
/// Coefficients (highest first) of the polynomial `q` in `e^r ≈ 1 + r + r²·q(r)` on
/// `|r| ≤ ln 2 / 2` (the Cephes `expf` minimax polynomial).
const EXP_Q: [f32; 6] = [
    1.987_569_2e-4,
    1.398_199_9e-3,
    8.333_452e-3,
    4.166_579_6e-2,
    1.666_666_5e-1,
    5e-1,
];

/// `e^x` within 1 ulp; inputs beyond [`EXP_MIN`]…[`EXP_MAX`] are clamped there (giving about
/// `1e-38` and `2e38` rather than 0 and infinity). NaN stays NaN.
#[inline(always)]
pub fn exp(x: f32) -> f32 {
    let x = x.clamp(EXP_MIN, EXP_MAX);
    let n = (x * LOG2E + ROUNDER) - ROUNDER;
    let r = x - n * LN2_HI - n * LN2_LO;
    let mut q = EXP_Q[0];
    for &c in &EXP_Q[1..] {
        q = q * r + c;
    }
    let e = q * (r * r) + r + 1.0;
    // 2ⁿ built from its exponent bits (n is an integer in −126…127 here; NaN casts to 0).
    let scale = f32::from_bits(((n as i32 + 127) as u32) << 23);
    e * scale
}

/// The logistic sigmoid `1 / (1 + e^−x)` within 3 ulp. NaN stays NaN.
#[inline(always)]
pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + exp(-x))
}

/// Below this magnitude [`tanh`] uses its odd polynomial, above it [`exp`].
const TANH_SMALL: f32 = 0.625;
/// Coefficients (highest first) of the polynomial `q` in `tanh x ≈ x + x³·q(x²)` on
/// `|x| < 0.625` (the Cephes `tanhf` minimax polynomial).
const TANH_Q: [f32; 5] = [
    -5.704_988_7e-3,
    2.063_909e-2,
    -5.373_971_6e-2,
    1.333_144_2e-1,
    -3.333_328e-1,
];

/// tanh(x) within 2 ulp: an odd polynomial near 0, `(1 − e^−2|x|) / (1 + e^−2|x|)` with the sign
/// of `x` elsewhere (which keeps full precision in the `1 − |tanh x|` that the derivatives of
/// tanh and gelu depend on). NaN stays NaN.
#[inline(always)]
pub fn tanh(x: f32) -> f32 {
    let z = x * x;
    let mut q = TANH_Q[0];
    for &c in &TANH_Q[1..] {
        q = q * z + c;
    }
    let near = q * z * x + x;
    let e = exp(-2.0 * x.abs());
    let far = ((1.0 - e) / (1.0 + e)).copysign(x);
    if x.abs() < TANH_SMALL {
        near
    } else {
        far
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worst error of `f` against `exact` over every `step`-th f32 in `[lo, hi]`, in units
    /// in the last place of the exact value.
    fn worst_ulp(
        lo: f32,
        hi: f32,
        step: u32,
        f: impl Fn(f32) -> f32,
        exact: impl Fn(f64) -> f64,
    ) -> (f64, f32) {
        let mut worst = (0.0f64, 0.0f32);
        let mut check = |x: f32| {
            let want = exact(x as f64);
            let got = f(x) as f64;
            let w = (want as f32).abs().max(f32::MIN_POSITIVE);
            let ulp = (f32::from_bits(w.to_bits() + 1) - w) as f64;
            let err = (got - want).abs() / ulp;
            if err > worst.0 {
                worst = (err, x);
            }
        };
        // Negative floats count down in bits towards −0, positive ones up from +0.
        if lo < 0.0 {
            let mut bits = lo.to_bits();
            while bits > 0x8000_0000 {
                check(f32::from_bits(bits));
                bits = bits.saturating_sub(step).max(0x8000_0000);
            }
        }
        let mut bits = lo.max(0.0).to_bits();
        while bits <= hi.to_bits() && hi >= 0.0 {
            check(f32::from_bits(bits));
            bits += step;
        }
        worst
    }

    #[test]
    fn exp_is_within_1_ulp() {
        let (ulp, at) = worst_ulp(-87.0, 88.0, 61, exp, f64::exp);
        assert!(ulp <= 1.0, "exp: {ulp} ulp at {at}");
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(1.0), std::f32::consts::E);
        assert!(exp(f32::NAN).is_nan());
        assert!(exp(-1000.0) >= 0.0 && exp(-1000.0) < 1e-37);
        assert!(exp(1000.0).is_finite() && exp(1000.0) > 1e38);
    }

    #[test]
    fn sigmoid_is_within_3_ulp() {
        let (ulp, at) = worst_ulp(-80.0, 20.0, 61, sigmoid, |x| 1.0 / (1.0 + (-x).exp()));
        assert!(ulp <= 3.0, "sigmoid: {ulp} ulp at {at}");
        assert_eq!(sigmoid(0.0), 0.5);
        assert_eq!(sigmoid(100.0), 1.0);
        assert!(sigmoid(f32::NAN).is_nan());
    }

    #[test]
    fn tanh_is_within_2_ulp() {
        let (ulp, at) = worst_ulp(-12.0, 12.0, 61, tanh, f64::tanh);
        assert!(ulp <= 2.0, "tanh: {ulp} ulp at {at}");
        assert_eq!(tanh(0.0), 0.0);
        assert_eq!(tanh(30.0), 1.0);
        assert_eq!(tanh(-30.0), -1.0);
        assert_eq!(tanh(f32::INFINITY), 1.0);
        assert_eq!(tanh(f32::NEG_INFINITY), -1.0);
        assert!(tanh(f32::NAN).is_nan());
        for x in [1e-5f32, 0.1, 0.7, 2.5, 8.0] {
            assert_eq!(tanh(-x), -tanh(x), "odd at {x}");
        }
        // 1 − tanh keeps its precision where tanh is close to 1 (gelu's derivative needs it).
        let x = 4.0f32;
        let exact = 1.0 - (x as f64).tanh();
        assert!(
            ((1.0 - tanh(x)) as f64 - exact).abs() <= 6e-8,
            "1 − tanh(4)"
        );
    }
}
