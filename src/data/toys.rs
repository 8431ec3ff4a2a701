//! Seeded 2-D toy datasets for visual lessons, plus 1-D and 2-D regression toys. Points lie
//! roughly in `[-1, 1]²`; `noise` is the standard deviation of Gaussian noise added to each
//! coordinate (classification) or to the target (regression).

use crate::rng::Rng;
use std::f64::consts::PI;

/// Generated columns: feature columns (x1, x2 …), then the target.
pub(crate) struct Toy {
    pub features: Vec<(String, Vec<f32>)>,
    /// Class per row (classification) with its labels, or values (regression).
    pub target: ToyTarget,
}

pub(crate) enum ToyTarget {
    Classes(Vec<u32>, [&'static str; 2]),
    Values(Vec<f32>),
}

fn two_class(
    n: usize,
    seed: u64,
    noise: f64,
    labels: [&'static str; 2],
    mut point: impl FnMut(&mut Rng, usize, f64) -> (f64, f64),
) -> Toy {
    let mut rng = Rng::new(seed).fork(7);
    let (mut x1, mut x2, mut y) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for i in 0..n {
        let class = i % 2;
        let t = (i / 2) as f64 / (n.div_ceil(2)).max(1) as f64;
        let (a, b) = point(&mut rng, class, t);
        x1.push((a + noise * rng.normal()) as f32);
        x2.push((b + noise * rng.normal()) as f32);
        y.push(class as u32);
    }
    Toy {
        features: vec![("x1".into(), x1), ("x2".into(), x2)],
        target: ToyTarget::Classes(y, labels),
    }
}

/// Inside a disk of radius 0.5 vs a ring between 0.7 and 1.0.
pub(crate) fn circle(n: usize, seed: u64, noise: f64) -> Toy {
    two_class(n, seed, noise, ["inside", "outside"], |rng, class, _| {
        let r = if class == 0 {
            0.5 * rng.next_f64().sqrt()
        } else {
            0.7 + 0.3 * rng.next_f64()
        };
        let a = rng.next_f64() * 2.0 * PI;
        (r * a.cos(), r * a.sin())
    })
}

/// Quadrants: same sign of x1 and x2 vs opposite signs.
pub(crate) fn xor(n: usize, seed: u64, noise: f64) -> Toy {
    two_class(
        n,
        seed,
        noise,
        ["same sign", "opposite sign"],
        |rng, class, _| {
            let pad = |v: f64| if v >= 0.0 { v + 0.05 } else { v - 0.05 };
            let a = pad(rng.next_f64() * 1.9 - 0.95);
            let b = pad(rng.next_f64() * 1.9 - 0.95).abs() * a.signum();
            if class == 0 {
                (a, b)
            } else {
                (a, -b)
            }
        },
    )
}

/// Two Gaussian blobs centred at (−0.5, −0.5) and (0.5, 0.5).
pub(crate) fn gaussians(n: usize, seed: u64, noise: f64) -> Toy {
    two_class(n, seed, noise, ["blob a", "blob b"], |rng, class, _| {
        let c = if class == 0 { -0.5 } else { 0.5 };
        (c + 0.25 * rng.normal(), c + 0.25 * rng.normal())
    })
}

/// Two interleaved spirals, 1.5 turns each.
pub(crate) fn spirals(n: usize, seed: u64, noise: f64) -> Toy {
    two_class(n, seed, noise, ["spiral a", "spiral b"], |_, class, t| {
        let r = 0.05 + 0.95 * t;
        let a = 3.0 * PI * t + class as f64 * PI;
        (r * a.cos(), r * a.sin())
    })
}

/// Two interleaving half circles.
pub(crate) fn moons(n: usize, seed: u64, noise: f64) -> Toy {
    two_class(n, seed, noise, ["upper", "lower"], |rng, class, _| {
        let a = rng.next_f64() * PI;
        if class == 0 {
            (0.6 * a.cos() - 0.3, 0.6 * a.sin() - 0.15)
        } else {
            (0.3 - 0.6 * a.cos(), 0.15 - 0.6 * a.sin())
        }
    })
}

/// 1-D: `y = sin(3x)` for `x` uniform in [−1, 1].
pub(crate) fn sine(n: usize, seed: u64, noise: f64) -> Toy {
    let mut rng = Rng::new(seed).fork(11);
    let (mut x, mut y) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for _ in 0..n {
        let a = rng.next_f64() * 2.0 - 1.0;
        x.push(a as f32);
        y.push(((3.0 * a).sin() + noise * rng.normal()) as f32);
    }
    Toy {
        features: vec![("x".into(), x)],
        target: ToyTarget::Values(y),
    }
}

/// 2-D: two Gaussian bumps of opposite sign, `y = e^{−4|p−a|²} − e^{−4|p−b|²}`.
pub(crate) fn bumps(n: usize, seed: u64, noise: f64) -> Toy {
    let mut rng = Rng::new(seed).fork(13);
    let (mut x1, mut x2, mut y) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for _ in 0..n {
        let a = rng.next_f64() * 2.0 - 1.0;
        let b = rng.next_f64() * 2.0 - 1.0;
        let bump = |cx: f64, cy: f64| (-4.0 * ((a - cx).powi(2) + (b - cy).powi(2))).exp();
        x1.push(a as f32);
        x2.push(b as f32);
        y.push((bump(-0.4, -0.4) - bump(0.4, 0.4) + noise * rng.normal()) as f32);
    }
    Toy {
        features: vec![("x1".into(), x1), ("x2".into(), x2)],
        target: ToyTarget::Values(y),
    }
}
