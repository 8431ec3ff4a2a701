//! Seeded random numbers shared by every path.
//!
//! Reproducibility is a product feature: the same seed gives the same splits, initial weights,
//! shuffles and dropout masks on every platform. We therefore use our own small generators, whose
//! output is fixed by this file and does not change with a dependency upgrade.
//!
//! - [`Rng`] is SplitMix64, a sequential generator for host-side sampling.
//! - [`hash_u32`] is a stateless counter-based hash (PCG-style) that the WGSL kernels implement
//!   identically, so the GPU can draw dropout masks that match the CPU trainer bit for bit.

/// A small, fast, seeded sequential generator (SplitMix64).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// Creates a generator from a seed. Different seeds give independent-looking streams.
    pub fn new(seed: u64) -> Self {
        Rng {
            state: seed ^ 0x5851_F42D_4C95_7F2D,
        }
    }

    /// Derives an independent child generator for a named sub-task (e.g. "split", "init").
    pub fn fork(&self, stream: u64) -> Rng {
        let mut r = Rng::new(self.state ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        r.next_u64();
        r
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)` with 53 bits of precision.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `[0, 1)` as `f32`.
    pub fn next_f32(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 * (1.0 / (1u32 << 24) as f32)
    }

    /// Uniform integer in `[0, n)`; returns 0 when `n == 0`.
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        // Lemire's multiply-shift; the tiny bias is irrelevant at our sizes.
        ((self.next_u64() >> 32).wrapping_mul(n as u64) >> 32) as usize
    }

    /// Standard normal sample (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.next_f64().max(f64::MIN_POSITIVE);
        let u2 = self.next_f64();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// Fisher–Yates shuffle in place.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }

    /// A random permutation of `0..n`.
    pub fn permutation(&mut self, n: usize) -> Vec<u32> {
        let mut p: Vec<u32> = (0..n as u32).collect();
        self.shuffle(&mut p);
        p
    }
}

/// Stateless 32-bit hash (PCG output permutation). Mirrored in WGSL as `hash_u32`.
#[inline]
pub fn hash_u32(x: u32) -> u32 {
    let state = x.wrapping_mul(747_796_405).wrapping_add(2_891_336_453);
    let word = ((state >> ((state >> 28) + 4)) ^ state).wrapping_mul(277_803_737);
    (word >> 22) ^ word
}

/// Uniform in `[0, 1)` from a counter triple; mirrored in WGSL as `uniform3`.
#[inline]
pub fn uniform3(a: u32, b: u32, c: u32) -> f32 {
    let h = hash_u32(a ^ hash_u32(b ^ hash_u32(c)));
    (h >> 8) as f32 * (1.0 / 16_777_216.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        assert_ne!(Rng::new(7).next_u64(), Rng::new(8).next_u64());
    }

    #[test]
    fn known_values_are_stable_across_platforms() {
        // Pinned outputs: if these change, every saved seed in the wild changes meaning.
        let mut r = Rng::new(42);
        let first = r.next_u64();
        assert_eq!(first, Rng::new(42).next_u64());
        assert_eq!(hash_u32(0), 129_708_002);
        assert_eq!(hash_u32(1), 2_831_084_092);
    }

    #[test]
    fn below_and_permutation_are_in_range() {
        let mut r = Rng::new(1);
        for n in 1..50 {
            assert!(r.below(n) < n);
        }
        let mut p = r.permutation(100);
        p.sort_unstable();
        assert_eq!(p, (0..100).collect::<Vec<u32>>());
    }

    #[test]
    fn uniform3_is_in_unit_interval_and_roughly_uniform() {
        let mut sum = 0.0f64;
        for i in 0..10_000u32 {
            let u = uniform3(i, 3, 9);
            assert!((0.0..1.0).contains(&u));
            sum += u as f64;
        }
        let mean = sum / 10_000.0;
        assert!((mean - 0.5).abs() < 0.02, "mean {mean}");
    }
}
