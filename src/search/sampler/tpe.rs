//! Tree-structured Parzen Estimator, following Optuna's `TPESampler` defaults (independent,
//! univariate): the first `n_startup_trials` (10) proposals are random; afterwards the evaluated
//! trials are ranked and split into a "good" group of `gamma(n) = min(ceil(0.1·n), 25)` and a
//! "bad" group; for each active parameter a Parzen estimator (a mixture of truncated normals, or of
//! smoothed categorical distributions, plus a prior) is fitted to each group, `n_ei_candidates`
//! (24) values are drawn from the good density `l(x)` and the one maximising `l(x)/g(x)` — the
//! expected-improvement criterion — is kept.
//!
//! Conditional parameters are handled as Optuna does: each parameter's estimators use only the
//! trials in which it was active. Bandwidths follow Optuna's rule (distance to the farther
//! neighbour, clipped by the "magic clip" to `[range / min(100, 1 + kernels), range]`), the prior
//! is centred on the range with the range as its width and weight 1, and observation weights are
//! Optuna's default ramp (older trials weigh less once there are more than 25). Integer parameters
//! are sampled on the continuous relaxation `[low − ½, high + ½]` and rounded.

use super::{draw_all, Observation, Proposal};
use crate::rng::Rng;
use crate::search::space::{Distribution, ParamDef, Sample};
use serde::{Deserialize, Serialize};
use std::collections::hash_map::{Entry, HashMap};
use std::sync::Arc;

/// TPE settings (Optuna's defaults).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TpeConfig {
    /// Random proposals before the model is used.
    pub n_startup_trials: usize,
    /// Candidates drawn from `l(x)` per parameter.
    pub n_ei_candidates: usize,
    /// Weight of the prior component.
    pub prior_weight: f64,
}

impl Default for TpeConfig {
    fn default() -> Self {
        TpeConfig {
            n_startup_trials: 10,
            n_ei_candidates: 24,
            prior_weight: 1.0,
        }
    }
}

/// Optuna's default split: `min(ceil(0.1 · n), 25)` trials in the good group.
pub fn gamma(n: usize) -> usize {
    n.div_ceil(10).min(25)
}

/// Optuna's default observation weights: flat below 25, else a linear ramp for the older ones.
pub fn default_weights(n: usize) -> Vec<f64> {
    if n < 25 {
        return vec![1.0; n];
    }
    let ramp_len = n - 25;
    let mut w: Vec<f64> = (0..ramp_len)
        .map(|i| {
            if ramp_len == 1 {
                1.0 / n as f64
            } else {
                1.0 / n as f64 + (1.0 - 1.0 / n as f64) * i as f64 / (ramp_len - 1) as f64
            }
        })
        .collect();
    w.extend(std::iter::repeat_n(1.0, 25));
    w
}

/// Seeded TPE sampler.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TpeSampler {
    config: TpeConfig,
    rng: Rng,
    /// Values read from the trials' samples so far (not state: neither saved nor compared).
    #[serde(skip)]
    values: ValueCache,
}

impl TpeSampler {
    /// Creates the sampler.
    pub fn new(config: TpeConfig, seed: u64) -> TpeSampler {
        TpeSampler {
            config,
            rng: Rng::new(seed).fork(12),
            values: ValueCache::default(),
        }
    }

    /// Proposes the next sample given all evaluated trials (in trial order).
    pub fn ask(&mut self, params: &[ParamDef], history: &[Observation]) -> Proposal {
        if history.len() < self.config.n_startup_trials.max(1) {
            return Proposal {
                sample: draw_all(params, &mut self.rng),
                parent: None,
                origin: "tpe:startup".into(),
            };
        }
        let mut ranked: Vec<usize> = (0..history.len()).collect();
        ranked.sort_by(|&a, &b| history[a].rank_cmp(&history[b]));
        let mut is_below = vec![false; history.len()];
        for &i in ranked.iter().take(gamma(history.len())) {
            is_below[i] = true;
        }
        let (below, above) = self.values.columns(params, history, &is_below);
        let mut sample = Sample::new();
        for (i, p) in params.iter().enumerate() {
            if !p.active(&sample) {
                continue;
            }
            let v = self.sample_param(&p.dist, &below[i], &above[i]);
            sample.insert(p.name.clone(), v);
        }
        Proposal {
            sample,
            parent: None,
            origin: "tpe".into(),
        }
    }

    fn sample_param(&mut self, dist: &Distribution, below: &[f64], above: &[f64]) -> f64 {
        let prior = self.config.prior_weight;
        match dist {
            Distribution::Categorical { choices } => {
                let l = Categorical::fit(below, choices.len(), prior);
                let g = Categorical::fit(above, choices.len(), prior);
                let mut best = (f64::NEG_INFINITY, 0.0);
                for _ in 0..self.config.n_ei_candidates {
                    let c = l.sample(&mut self.rng);
                    let score = l.log_pdf(c) - g.log_pdf(c);
                    if score > best.0 {
                        best = (score, c as f64);
                    }
                }
                best.1
            }
            Distribution::Float { low, high, log } => {
                self.numerical(*low, *high, *log, false, below, above)
            }
            Distribution::Int { low, high, log } => {
                self.numerical(*low as f64, *high as f64, *log, true, below, above)
            }
        }
    }

    fn numerical(
        &mut self,
        low: f64,
        high: f64,
        log: bool,
        integer: bool,
        below: &[f64],
        above: &[f64],
    ) -> f64 {
        let log = log && low > 0.0;
        let to = |v: f64| {
            if log {
                v.max(f64::MIN_POSITIVE).ln()
            } else {
                v
            }
        };
        let from = |v: f64| if log { v.exp() } else { v };
        let (lo, hi) = if integer && !log {
            (low - 0.5, high + 0.5)
        } else {
            (to(low), to(high))
        };
        let prior = self.config.prior_weight;
        let tb: Vec<f64> = below.iter().map(|&v| to(v)).collect();
        let ta: Vec<f64> = above.iter().map(|&v| to(v)).collect();
        let l = Parzen::fit(&tb, lo, hi, prior);
        let g = Parzen::fit(&ta, lo, hi, prior);
        let mut best = (f64::NEG_INFINITY, 0.5 * (lo + hi));
        for _ in 0..self.config.n_ei_candidates {
            let x = l.sample(&mut self.rng);
            let score = l.log_pdf(x) - g.log_pdf(x);
            if score > best.0 {
                best = (score, x);
            }
        }
        let v = from(best.1).clamp(low, high);
        if integer {
            v.round().clamp(low, high)
        } else {
            v
        }
    }
}

/// Each trial's parameter values (indexed like the parameters, `None` where inactive), read from
/// its sample once: a trial's sample never changes, while TPE reads every trial's values for every
/// proposal. An entry is read again if the trial's sample is not the one it was read from.
#[derive(Debug, Clone, Default)]
struct ValueCache {
    /// The parameters the values are indexed by.
    names: Vec<String>,
    rows: HashMap<u32, (Arc<Sample>, Vec<Option<f64>>)>,
}

/// A cache holds no state of the sampler: two samplers are equal whatever their caches hold.
impl PartialEq for ValueCache {
    fn eq(&self, _: &ValueCache) -> bool {
        true
    }
}

impl ValueCache {
    /// Each parameter's observed values, in trial order, split into the good (`is_below`) and the
    /// bad group: `(below, above)`, indexed like `params`.
    fn columns(
        &mut self,
        params: &[ParamDef],
        history: &[Observation],
        is_below: &[bool],
    ) -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
        if !self.names.iter().eq(params.iter().map(|p| &p.name)) {
            self.names = params.iter().map(|p| p.name.clone()).collect();
            self.rows.clear();
        }
        let mut by_name: Vec<(&str, usize)> = params
            .iter()
            .enumerate()
            .map(|(i, p)| (p.name.as_str(), i))
            .collect();
        by_name.sort_unstable();
        let mut below = vec![Vec::new(); params.len()];
        let mut above = vec![Vec::new(); params.len()];
        for (h, &good) in history.iter().zip(is_below) {
            let row = match self.rows.entry(h.trial) {
                Entry::Occupied(e) if Arc::ptr_eq(&e.get().0, &h.sample) => e.into_mut(),
                // New, or a sample other than the one the values were read from.
                e => {
                    let read = (h.sample.clone(), values_of(&h.sample, &by_name));
                    e.insert_entry(read).into_mut()
                }
            };
            let group = if good { &mut below } else { &mut above };
            for (column, v) in group.iter_mut().zip(&row.1) {
                if let Some(v) = *v {
                    column.push(v);
                }
            }
        }
        (below, above)
    }
}

/// `sample`'s value of each parameter (`by_name`: names sorted, with their indices), by one merge
/// of the two sorted name lists.
fn values_of(sample: &Sample, by_name: &[(&str, usize)]) -> Vec<Option<f64>> {
    let mut values = vec![None; by_name.len()];
    let mut names = by_name.iter().peekable();
    for (key, &v) in sample {
        while names.next_if(|(name, _)| *name < key.as_str()).is_some() {}
        if let Some((_, i)) = names.next_if(|(name, _)| *name == key.as_str()) {
            values[*i] = Some(v);
        }
    }
    values
}

/// `u²` beyond which `exp(−u²/2)` is below `f64::MIN_POSITIVE` (≈ 2.2e-308): `u > 37.65`.
const FAR_TAIL_U2: f64 = 1418.0;

/// A mixture of truncated normals on `[low, high]` (Optuna's numerical Parzen estimator).
#[derive(Debug, Clone, PartialEq)]
pub struct Parzen {
    weights: Vec<f64>,
    mus: Vec<f64>,
    sigmas: Vec<f64>,
    low: f64,
    high: f64,
    /// Per component: `σ·√(2π)`, the normal density's denominator.
    norms: Vec<f64>,
    /// Per component: the normal's mass inside `[low, high]` (at least 1e-300), the truncation's
    /// denominator. It does not depend on `x`, so it is computed once here rather than in every
    /// [`Parzen::log_pdf`].
    masses: Vec<f64>,
}

impl Parzen {
    /// Fits the estimator to observations (already in the transformed space), with a prior.
    pub fn fit(observations: &[f64], low: f64, high: f64, prior_weight: f64) -> Parzen {
        let n = observations.len();
        let range = (high - low).max(f64::MIN_POSITIVE);
        // By value, ties in observation order (what a stable sort by value gives).
        let mut order: Vec<(f64, usize)> = observations.iter().copied().zip(0..).collect();
        order.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut with_ends = Vec::with_capacity(n + 2);
        with_ends.push(low);
        with_ends.extend(order.iter().map(|&(v, _)| v));
        with_ends.push(high);
        let mut sorted_sigmas: Vec<f64> = (1..=n)
            .map(|i| (with_ends[i] - with_ends[i - 1]).max(with_ends[i + 1] - with_ends[i]))
            .collect();
        // consider_endpoints = False: the outermost kernels ignore the range ends.
        if with_ends.len() >= 4 {
            sorted_sigmas[0] = with_ends[2] - with_ends[1];
            sorted_sigmas[n - 1] = with_ends[n] - with_ends[n - 1];
        }
        let kernels = n + 1; // + prior
        let min_sigma = range / (100.0f64).min(1.0 + kernels as f64);
        let mut sigmas = vec![0.0; n];
        for (k, &(_, i)) in order.iter().enumerate() {
            sigmas[i] = sorted_sigmas[k].clamp(min_sigma, range);
        }
        let mut mus = observations.to_vec();
        mus.push(0.5 * (low + high));
        sigmas.push(range);
        let mut weights = default_weights(n);
        weights.push(prior_weight);
        let total: f64 = weights.iter().sum();
        for w in &mut weights {
            *w /= total;
        }
        let norms = sigmas
            .iter()
            .map(|&sigma| sigma * (std::f64::consts::TAU).sqrt())
            .collect();
        let masses = mus
            .iter()
            .zip(&sigmas)
            .map(|(&mu, &sigma)| {
                let z = normal_cdf((high - mu) / sigma) - normal_cdf((low - mu) / sigma);
                z.max(1e-300)
            })
            .collect();
        Parzen {
            weights,
            mus,
            sigmas,
            low,
            high,
            norms,
            masses,
        }
    }

    /// Draws one value: a component by weight, then its truncated normal (by rejection).
    pub fn sample(&self, rng: &mut Rng) -> f64 {
        let k = pick_weighted(&self.weights, rng);
        let (mu, sigma) = (self.mus[k], self.sigmas[k]);
        for _ in 0..100 {
            let x = mu + sigma * rng.normal();
            if (self.low..=self.high).contains(&x) {
                return x;
            }
        }
        mu.clamp(self.low, self.high)
    }

    /// Log density of the mixture at `x`.
    pub fn log_pdf(&self, x: f64) -> f64 {
        // Every kernel's standardised distance first, in a loop that vectorises (the divisions
        // are most of the cost), then the terms in kernel order.
        let us: Vec<f64> = self
            .mus
            .iter()
            .zip(&self.sigmas)
            .map(|(&mu, &sigma)| (x - mu) / sigma)
            .collect();
        let mut total = 0.0;
        let components = self.weights.iter().zip(&self.norms).zip(&self.masses);
        for (((&w, &norm), &mass), &u) in components.zip(&us) {
            // Beyond 37.65 σ the term is below 1e-299 of the prior component's, which every total
            // includes (σ is at least range / 100, and the kernel keeps at least 1e-3 of its mass
            // inside the range, as every kernel centred on an observation does): it cannot change
            // the total's bits, so its `exp` (slow in this underflowing range) is skipped.
            if u * u > FAR_TAIL_U2 && mass >= 1e-3 {
                continue;
            }
            let pdf = (-0.5 * u * u).exp() / norm;
            total += w * pdf / mass;
        }
        total.max(1e-300).ln()
    }
}

/// Optuna's categorical Parzen estimator: each observation is a kernel putting
/// `1 + prior/kernels` mass on its choice and `prior/kernels` on every choice, plus a uniform prior.
#[derive(Debug, Clone, PartialEq)]
pub struct Categorical {
    weights: Vec<f64>,
    /// Kernel `k`'s choice probabilities: `probs[k·choices..(k + 1)·choices]`.
    probs: Vec<f64>,
    choices: usize,
    /// The mixture's probability of each choice, `Σₖ weightₖ·probsₖ`.
    mixture: Vec<f64>,
}

impl Categorical {
    /// Fits the estimator to observed choice indices.
    pub fn fit(observations: &[f64], choices: usize, prior_weight: f64) -> Categorical {
        let choices = choices.max(1);
        let n = observations.len();
        let kernels = n + 1;
        let mut probs = Vec::with_capacity(kernels * choices);
        for k in 0..kernels {
            let start = probs.len();
            probs.resize(start + choices, prior_weight / kernels as f64);
            let row = &mut probs[start..];
            if let Some(&o) = observations.get(k) {
                row[(o.max(0.0) as usize).min(choices - 1)] += 1.0;
            }
            let s: f64 = row.iter().sum();
            row.iter_mut().for_each(|v| *v /= s);
        }
        let mut weights = default_weights(n);
        weights.push(prior_weight);
        let total: f64 = weights.iter().sum();
        weights.iter_mut().for_each(|w| *w /= total);
        let mut mixture = vec![0.0; choices];
        for (w, row) in weights.iter().zip(probs.chunks_exact(choices)) {
            for (m, p) in mixture.iter_mut().zip(row) {
                *m += w * p;
            }
        }
        Categorical {
            weights,
            probs,
            choices,
            mixture,
        }
    }

    /// Draws one choice index: a kernel by weight, then a choice by the kernel's probabilities.
    pub fn sample(&self, rng: &mut Rng) -> usize {
        let k = pick_weighted(&self.weights, rng);
        pick_weighted(&self.probs[k * self.choices..(k + 1) * self.choices], rng)
    }

    /// Log probability of a choice.
    pub fn log_pdf(&self, c: usize) -> f64 {
        let p = self.mixture.get(c).copied().unwrap_or(0.0);
        p.max(1e-300).ln()
    }
}

fn pick_weighted(weights: &[f64], rng: &mut Rng) -> usize {
    let total: f64 = weights.iter().sum();
    let mut u = rng.next_f64() * total;
    for (i, &w) in weights.iter().enumerate() {
        if u < w {
            return i;
        }
        u -= w;
    }
    weights.len().saturating_sub(1)
}

/// Standard normal CDF via `erf` (Abramowitz–Stegun 7.1.26, |error| < 1.5e-7).
fn normal_cdf(x: f64) -> f64 {
    0.5 * (1.0 + erf(x / std::f64::consts::SQRT_2))
}

fn erf(x: f64) -> f64 {
    let sign = if x < 0.0 { -1.0 } else { 1.0 };
    let x = x.abs();
    let t = 1.0 / (1.0 + 0.327_591_1 * x);
    let y = 1.0
        - (((((1.061_405_429 * t - 1.453_152_027) * t) + 1.421_413_741) * t - 0.284_496_736) * t
            + 0.254_829_592)
            * t
            * (-x * x).exp();
    sign * y
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::sampler::Objective;
    use crate::search::space::Condition;

    fn space() -> Vec<ParamDef> {
        vec![
            ParamDef {
                name: "x".into(),
                dist: Distribution::Float {
                    low: -10.0,
                    high: 10.0,
                    log: false,
                },
                condition: None,
            },
            ParamDef {
                name: "lr".into(),
                dist: Distribution::Float {
                    low: 1e-5,
                    high: 1.0,
                    log: true,
                },
                condition: None,
            },
            ParamDef {
                name: "c".into(),
                dist: Distribution::Categorical {
                    choices: vec!["a".into(), "b".into(), "c".into(), "d".into()],
                },
                condition: None,
            },
            ParamDef {
                name: "y".into(),
                dist: Distribution::Int {
                    low: 1,
                    high: 100,
                    log: true,
                },
                condition: Some(Condition::OneOf {
                    param: "c".into(),
                    values: vec![2.0],
                }),
            },
        ]
    }

    /// Optimum at x = 3, lr = 1e-2, c = "c" (where y is active and best at 40).
    fn objective(s: &Sample) -> f64 {
        let x = s["x"];
        let lr = s["lr"].log10();
        let cat = if s["c"] == 2.0 { 0.0 } else { 3.0 };
        let y = s
            .get("y")
            .map(|&y| (y.ln() - 40f64.ln()).powi(2))
            .unwrap_or(0.0);
        (x - 3.0).powi(2) + (lr + 2.0).powi(2) + cat + y
    }

    fn run(trials: usize, seed: u64) -> Vec<Observation> {
        let params = space();
        let mut sampler = TpeSampler::new(TpeConfig::default(), seed);
        let mut history = Vec::new();
        for t in 0..trials {
            let p = sampler.ask(&params, &history);
            let v = objective(&p.sample);
            history.push(Observation {
                trial: t as u32,
                sample: p.sample.into(),
                objective: Objective {
                    primary: v,
                    secondary: 0.0,
                },
                epochs: 1,
                complete: true,
            });
        }
        history
    }

    #[test]
    fn gamma_and_weights_follow_optuna_defaults() {
        assert_eq!(gamma(1), 1);
        assert_eq!(gamma(10), 1);
        assert_eq!(gamma(11), 2);
        assert_eq!(gamma(100), 10);
        assert_eq!(gamma(1000), 25);
        assert_eq!(default_weights(3), vec![1.0; 3]);
        let w = default_weights(30);
        assert_eq!(w.len(), 30);
        assert!((w[0] - 1.0 / 30.0).abs() < 1e-12);
        assert!((w[4] - 1.0).abs() < 1e-12);
        assert!(w[0] < w[1] && w[1] < w[2]);
    }

    #[test]
    fn the_value_cache_changes_no_proposal() {
        let params = space();
        let history = run(40, 3);
        let mut warm = TpeSampler::new(TpeConfig::default(), 9);
        for n in 20..30 {
            warm.ask(&params, &history[..n]); // fills the cache
        }
        // A sampler restored from its saved state starts with an empty cache.
        let json = serde_json::to_string(&warm).unwrap();
        let mut cold: TpeSampler = serde_json::from_str(&json).unwrap();
        assert!(cold.values.rows.is_empty() && !warm.values.rows.is_empty());
        assert_eq!(warm.ask(&params, &history), cold.ask(&params, &history));
        // A trial whose sample is not the one its values were read from is read again.
        let mut changed = history.clone();
        let mut other = (*changed[3].sample).clone();
        other.insert("x".into(), -9.5);
        changed[3].sample = Arc::new(other);
        let mut cold: TpeSampler = serde_json::from_str(&json).unwrap();
        let cached = warm.values.columns(&params, &changed, &[false; 40]);
        let fresh = cold.values.columns(&params, &changed, &[false; 40]);
        assert_eq!(cached, fresh);
        assert!(cached.1[0].contains(&-9.5));
    }

    #[test]
    fn same_seed_same_proposals() {
        assert_eq!(run(25, 5), run(25, 5));
        assert_ne!(run(25, 5), run(25, 6));
    }

    #[test]
    fn proposals_concentrate_in_the_good_region() {
        let mut tpe_late = 0.0;
        let mut rand_late = 0.0;
        let mut cat_hits = 0;
        for seed in 0..4 {
            let h = run(80, seed);
            // Startup proposals are random; compare the last 40 with those of a random sampler.
            let late: Vec<&Observation> = h[40..].iter().collect();
            tpe_late += late.iter().map(|o| o.objective.primary).sum::<f64>() / 40.0;
            cat_hits += late.iter().filter(|o| o.sample["c"] == 2.0).count();
            let mut r = super::super::random::RandomSampler::new(seed);
            let params = space();
            rand_late += (0..40)
                .map(|_| objective(&r.ask(&params).sample))
                .sum::<f64>()
                / 40.0;
            let near = late
                .iter()
                .filter(|o| (o.sample["x"] - 3.0).abs() < 2.0)
                .count();
            assert!(
                near > 20,
                "seed {seed}: only {near}/40 late proposals near x = 3"
            );
        }
        assert!(
            tpe_late * 3.0 < rand_late,
            "tpe {tpe_late} vs random {rand_late}"
        );
        assert!(
            cat_hits > 4 * 40 / 2,
            "categorical optimum chosen {cat_hits}/160 times"
        );
    }

    #[test]
    fn parzen_density_integrates_to_one() {
        let p = Parzen::fit(&[0.2, 0.25, 0.8], 0.0, 1.0, 1.0);
        let n = 10_000;
        let integral: f64 = (0..n)
            .map(|i| p.log_pdf((i as f64 + 0.5) / n as f64).exp() / n as f64)
            .sum();
        assert!((integral - 1.0).abs() < 1e-3, "{integral}");
    }

    #[test]
    fn parzen_density_has_the_bits_of_the_plain_formula() {
        // Many narrow kernels far from most points, so that the far-tail skip is exercised.
        let mut rng = Rng::new(11);
        let obs: Vec<f64> = (0..3000)
            .map(|i| {
                if i % 3 == 0 {
                    rng.next_f64()
                } else {
                    0.9 + 0.01 * rng.next_f64()
                }
            })
            .collect();
        let (low, high) = (-0.5, 1.5);
        let p = Parzen::fit(&obs, low, high, 1.0);
        let mut skipped = 0;
        for i in 0..200 {
            let x = low + (high - low) * i as f64 / 199.0;
            let mut total = 0.0;
            for ((&w, &mu), &sigma) in p.weights.iter().zip(&p.mus).zip(&p.sigmas) {
                let z = normal_cdf((high - mu) / sigma) - normal_cdf((low - mu) / sigma);
                let u = (x - mu) / sigma;
                skipped += (u * u > FAR_TAIL_U2) as usize;
                let pdf = (-0.5 * u * u).exp() / (sigma * (std::f64::consts::TAU).sqrt());
                total += w * pdf / z.max(1e-300);
            }
            assert_eq!(
                p.log_pdf(x).to_bits(),
                total.max(1e-300).ln().to_bits(),
                "x = {x}"
            );
        }
        assert!(skipped > 100_000, "{skipped} far kernels");
    }

    #[test]
    fn categorical_mixture_sums_to_one_and_matches_its_kernels() {
        let c = Categorical::fit(&[2.0, 2.0, 0.0, 2.0], 3, 1.0);
        let p: Vec<f64> = (0..3).map(|i| c.log_pdf(i).exp()).collect();
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12, "{p:?}");
        assert!(p[2] > p[0] && p[0] > p[1], "{p:?}");
        // The same mixture, kernel by kernel: 4 observations and the prior.
        for (i, &pi) in p.iter().enumerate() {
            let direct: f64 = c
                .weights
                .iter()
                .zip(c.probs.chunks_exact(3))
                .map(|(w, row)| w * row[i])
                .sum();
            assert_eq!(pi, direct.ln().exp());
        }
        assert_eq!(c.log_pdf(7), 1e-300f64.ln());
        // Sampling follows the same mixture.
        let mut rng = Rng::new(5);
        let mut counts = [0usize; 3];
        for _ in 0..20_000 {
            counts[c.sample(&mut rng)] += 1;
        }
        for (count, pi) in counts.iter().zip(&p) {
            assert!(
                (*count as f64 / 20_000.0 - pi).abs() < 0.015,
                "{counts:?} {p:?}"
            );
        }
    }
}
