//! Regularized (aging) evolution (Real et al., 2019).
//!
//! The first `population` proposals are random. After that, each proposal samples `sample_size`
//! members of the population (with replacement), takes the best as the parent, and applies one
//! mutation — architecture (add or remove a layer, resize a layer, change an activation) or
//! hyperparameter (perturb a learning rate, dropout, weight decay, momentum/beta1; switch the
//! optimizer, schedule or batch size). When a trial stops it joins the population and the
//! *oldest* member leaves, so the population size stays constant and good models cannot live
//! forever.
//!
//! In weight-inheritance mode architecture mutations are restricted to the function-preserving
//! ones (add a layer, widen a layer), so a child can start from its parent's weights.

use super::{draw_all, repair, Observation, Proposal};
use crate::rng::Rng;
use crate::search::space::{Distribution, ParamDef, Sample, SearchSpace};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// Evolution settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvolutionConfig {
    /// Population size P (members kept).
    pub population: usize,
    /// Tournament size S.
    pub sample_size: usize,
    /// Restrict architecture mutations to those compatible with weight inheritance.
    pub inherit: bool,
}

impl Default for EvolutionConfig {
    fn default() -> Self {
        EvolutionConfig {
            population: 12,
            sample_size: 4,
            inherit: false,
        }
    }
}

/// Evolution sampler with its aging population.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvolutionSampler {
    config: EvolutionConfig,
    rng: Rng,
    population: VecDeque<Observation>,
    proposed: usize,
}

impl EvolutionSampler {
    /// Creates the sampler.
    pub fn new(config: EvolutionConfig, seed: u64) -> EvolutionSampler {
        EvolutionSampler {
            config,
            rng: Rng::new(seed).fork(13),
            population: VecDeque::new(),
            proposed: 0,
        }
    }

    /// Current population, oldest first.
    pub fn population(&self) -> impl Iterator<Item = &Observation> {
        self.population.iter()
    }

    /// Proposes a random member (while the population fills) or a mutated tournament winner.
    pub fn ask(&mut self, space: &SearchSpace, params: &[ParamDef]) -> Proposal {
        self.proposed += 1;
        let p = self.config.population.max(1);
        if self.proposed <= p || self.population.is_empty() {
            return Proposal {
                sample: draw_all(params, &mut self.rng),
                parent: None,
                origin: "random".into(),
            };
        }
        let mut parent: Option<&Observation> = None;
        for _ in 0..self.config.sample_size.max(1) {
            let cand = &self.population[self.rng.below(self.population.len())];
            if parent.is_none_or(|b| cand.objective.cmp(&b.objective).is_lt()) {
                parent = Some(cand);
            }
        }
        let Some(parent) = parent.cloned() else {
            return Proposal {
                sample: draw_all(params, &mut self.rng),
                parent: None,
                origin: "random".into(),
            };
        };
        let (sample, what) = self.mutate(space, params, &parent.sample);
        Proposal {
            sample,
            parent: Some(parent.trial),
            origin: format!("mutate:{what}"),
        }
    }

    /// Adds a stopped trial to the population and retires the oldest member beyond size P.
    pub fn tell(&mut self, observation: &Observation) {
        self.population.push_back(observation.clone());
        while self.population.len() > self.config.population.max(1) {
            self.population.pop_front();
        }
    }

    fn mutate(
        &mut self,
        space: &SearchSpace,
        params: &[ParamDef],
        parent: &Sample,
    ) -> (Sample, &'static str) {
        let mut s = parent.clone();
        let depth = s.get("depth").copied().unwrap_or(1.0) as u32;
        let (dmin, dmax) = space.depth;
        let arch: &[&str] = if self.config.inherit {
            &["add_layer", "widen"]
        } else {
            &["add_layer", "remove_layer", "resize", "activation"]
        };
        let hyper = [
            "learning_rate",
            "dropout",
            "weight_decay",
            "optimizer",
            "schedule",
            "batch_size",
            "momentum_or_beta1",
        ];
        // Half architecture, half hyperparameter mutations; retry when one does not apply.
        for _ in 0..16 {
            let what = if self.rng.next_f64() < 0.5 {
                arch[self.rng.below(arch.len())]
            } else {
                hyper[self.rng.below(hyper.len())]
            };
            let layer = self.rng.below(depth as usize);
            let applied = match what {
                // From no hidden layer: `repair` below draws the new layer's width and activation.
                "add_layer" if depth == 0 && dmax > 0 => {
                    s.insert("depth".into(), 1.0);
                    true
                }
                "add_layer" if depth < dmax => {
                    // Insert after `layer` a copy of its width and activation (an identity-able layer).
                    for l in (layer + 1..depth as usize).rev() {
                        move_layer(&mut s, l, l + 1);
                    }
                    copy_layer(&mut s, layer, layer + 1);
                    if self.config.inherit {
                        // An inserted layer can start as an identity only with a relu unit.
                        if let Some(relu) = space
                            .activations
                            .iter()
                            .position(|&a| a == crate::model::Activation::Relu)
                        {
                            s.insert(format!("activation_{}", layer + 1), relu as f64);
                        }
                    }
                    s.insert("depth".into(), (depth + 1) as f64);
                    true
                }
                "remove_layer" if depth > dmin => {
                    for l in layer + 1..depth as usize {
                        move_layer(&mut s, l, l - 1);
                    }
                    s.remove(&format!("width_{}", depth - 1));
                    s.remove(&format!("activation_{}", depth - 1));
                    s.insert("depth".into(), (depth - 1) as f64);
                    true
                }
                "resize" | "widen" if depth > 0 => {
                    let key = format!("width_{layer}");
                    let w = s.get(&key).copied().unwrap_or(space.width.min);
                    let factor = if what == "widen" {
                        1.25 + 0.75 * self.rng.next_f64()
                    } else {
                        (0.5 * self.rng.normal()).exp()
                    };
                    let nw = (w * factor).round().clamp(space.width.min, space.width.max);
                    let changed = nw != w;
                    s.insert(key, nw);
                    changed
                }
                "activation" if depth > 0 && space.activations.len() > 1 => {
                    let key = format!("activation_{layer}");
                    let cur = s.get(&key).copied().unwrap_or(0.0);
                    let next = (cur as usize + 1 + self.rng.below(space.activations.len() - 1))
                        % space.activations.len();
                    s.insert(key, next as f64);
                    true
                }
                "momentum_or_beta1" => {
                    let name = if s.contains_key("momentum") {
                        "momentum"
                    } else {
                        "beta1"
                    };
                    self.perturb(params, &mut s, name)
                }
                "learning_rate" | "dropout" | "weight_decay" | "optimizer" | "schedule"
                | "batch_size" => self.perturb(params, &mut s, what),
                _ => false,
            };
            if applied {
                return (repair(params, &s, &mut self.rng), what);
            }
        }
        (repair(params, &s, &mut self.rng), "none")
    }

    fn perturb(&mut self, params: &[ParamDef], s: &mut Sample, name: &str) -> bool {
        let Some(def) = params.iter().find(|p| p.name == name) else {
            return false;
        };
        let Some(&cur) = s.get(name) else {
            return false;
        };
        let next = match &def.dist {
            Distribution::Float { low, high, log } => {
                if *log && *low > 0.0 {
                    (cur.max(*low).ln() + 0.5 * self.rng.normal())
                        .exp()
                        .clamp(*low, *high)
                } else {
                    (cur + 0.15 * (high - low) * self.rng.normal()).clamp(*low, *high)
                }
            }
            Distribution::Int { low, high, .. } => (cur
                + (0.15 * (high - low) as f64 * self.rng.normal()).round())
            .clamp(*low as f64, *high as f64),
            Distribution::Categorical { choices } => {
                if choices.len() < 2 {
                    return false;
                }
                ((cur as usize + 1 + self.rng.below(choices.len() - 1)) % choices.len()) as f64
            }
        };
        s.insert(name.to_string(), next);
        next != cur
    }
}

fn move_layer(s: &mut Sample, from: usize, to: usize) {
    for key in ["width", "activation"] {
        if let Some(v) = s.remove(&format!("{key}_{from}")) {
            s.insert(format!("{key}_{to}"), v);
        }
    }
}

fn copy_layer(s: &mut Sample, from: usize, to: usize) {
    for key in ["width", "activation"] {
        if let Some(&v) = s.get(&format!("{key}_{from}")) {
            s.insert(format!("{key}_{to}"), v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::sampler::Objective;

    fn observe(trial: u32, sample: Sample, v: f64) -> Observation {
        Observation {
            trial,
            sample: sample.into(),
            objective: Objective {
                primary: v,
                secondary: 0.0,
            },
            epochs: 1,
            complete: true,
        }
    }

    fn score(s: &Sample) -> f64 {
        // Prefers a learning rate near 1e-2 and two layers.
        (s["learning_rate"].log10() + 2.0).abs() + (s["depth"] - 2.0).abs()
    }

    #[test]
    fn keeps_population_size_and_ages_out_the_oldest() {
        let space = SearchSpace::default_for(true, 500);
        let params = space.params();
        let config = EvolutionConfig {
            population: 6,
            sample_size: 3,
            inherit: false,
        };
        let mut ev = EvolutionSampler::new(config, 9);
        for t in 0..40u32 {
            let p = ev.ask(&space, &params);
            if t >= 6 {
                assert!(p.parent.is_some(), "trial {t} should be a mutation");
                assert!(p.origin.starts_with("mutate:"));
            }
            // The child is always a valid point of the space.
            let shape = crate::search::space::SpecShape {
                inputs: 4,
                outputs: 3,
                loss: crate::model::Loss::SoftmaxCrossEntropy,
                horizon_epochs: 10,
                seed: 1,
            };
            let spec = space.to_spec(&p.sample, &shape).unwrap();
            assert_eq!(
                space.sample_of(&spec).len(),
                p.sample.len(),
                "{:?}",
                p.sample
            );
            let v = score(&p.sample);
            ev.tell(&observe(t, p.sample, v));
            assert_eq!(ev.population().count(), (t as usize + 1).min(6));
        }
        let members: Vec<u32> = ev.population().map(|o| o.trial).collect();
        assert_eq!(members, (34..40).collect::<Vec<u32>>());
    }

    #[test]
    fn inheritance_mode_only_grows_architectures() {
        let space = SearchSpace::default_for(true, 500);
        let params = space.params();
        let config = EvolutionConfig {
            population: 3,
            sample_size: 2,
            inherit: true,
        };
        let mut ev = EvolutionSampler::new(config, 2);
        let mut samples: Vec<Sample> = Vec::new();
        for t in 0..30u32 {
            let p = ev.ask(&space, &params);
            if let Some(parent) = p.parent {
                let ps = &samples[parent as usize];
                assert!(p.sample["depth"] >= ps["depth"]);
                for l in 0..ps["depth"] as usize {
                    assert!(p.sample[&format!("width_{l}")] >= ps[&format!("width_{l}")]);
                }
            }
            samples.push(p.sample.clone());
            let v = score(&p.sample);
            ev.tell(&observe(t, p.sample, v));
        }
    }

    #[test]
    fn a_linear_parent_gains_a_layer_or_changes_hyperparameters() {
        let mut space = SearchSpace::default_for(true, 500);
        space.depth = (0, 2);
        let params = space.params();
        let mut ev = EvolutionSampler::new(EvolutionConfig::default(), 6);
        let mut drawn = draw_all(&params, &mut Rng::new(1));
        drawn.insert("depth".into(), 0.0);
        let parent = repair(&params, &drawn, &mut Rng::new(1));
        assert!(!parent.contains_key("width_0"));
        let mut grown = 0;
        for _ in 0..40 {
            let (child, what) = ev.mutate(&space, &params, &parent);
            assert_ne!(what, "none", "a linear parent always has a mutation");
            assert!(!["resize", "activation", "remove_layer"].contains(&what));
            if what == "add_layer" {
                grown += 1;
                assert_eq!(child["depth"], 1.0);
                assert!(child.contains_key("width_0") && child.contains_key("activation_0"));
            } else {
                assert_eq!(child["depth"], 0.0);
                assert_ne!(child, parent, "{what} changed nothing");
            }
        }
        assert!(grown > 0);
    }

    #[test]
    fn same_seed_same_proposals() {
        let space = SearchSpace::default_for(false, 500);
        let params = space.params();
        let run = |seed| {
            let mut ev = EvolutionSampler::new(EvolutionConfig::default(), seed);
            (0..30u32)
                .map(|t| {
                    let p = ev.ask(&space, &params);
                    ev.tell(&observe(t, p.sample.clone(), score(&p.sample)));
                    p
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(run(4), run(4));
    }
}
