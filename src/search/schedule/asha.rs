//! Asynchronous successive halving (ASHA; Li et al., "A System for Massively Parallel
//! Hyperparameter Tuning", MLSys 2020).
//!
//! Rungs sit at `min_epochs · ηᵏ` epochs (`k = 0..=s_max`, the top one at `max_epochs`). Whenever a
//! training slot is free, the scheduler looks from the top rung down for a trial that is in the
//! best `⌊|rung k| / η⌋` of its rung (by validation loss, then the metric:
//! [`Objective::rung_cmp`]) and not yet promoted, and promotes it — the trial *continues*
//! training from its weights up to the next rung's epochs. Only when nothing is promotable does a
//! new trial start at the bottom rung. Trials are never explicitly stopped: a trial that is not
//! promoted simply waits; at the end of the search it counts as pruned.

use super::{Action, Bracket, Fidelity, Plan, Rung};
use crate::search::sampler::Objective;
use serde::{Deserialize, Serialize};

/// ASHA state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Asha {
    fidelity: Fidelity,
    slots: u32,
    /// Per rung: (trial, objective, promoted).
    rungs: Vec<Vec<(u32, Objective, bool)>>,
    /// Trials training now, with their targets.
    running: Vec<(u32, u32)>,
}

impl Asha {
    /// Creates the scheduler with `slots` trials training together.
    pub fn new(fidelity: Fidelity, slots: u32) -> Asha {
        let levels = fidelity.s_max() as usize + 1;
        Asha {
            fidelity,
            slots: slots.max(1),
            rungs: vec![Vec::new(); levels],
            running: Vec::new(),
        }
    }

    fn top(&self) -> u32 {
        self.fidelity.s_max()
    }

    /// Rung epochs, bottom first.
    pub fn rung_epochs(&self) -> Vec<u32> {
        let s = self.top();
        (0..=s).map(|k| self.fidelity.rung_epochs(s, k)).collect()
    }

    /// ASHA's "plan": one bracket whose rung sizes are not fixed; `candidates` holds η, the
    /// promotion ratio (the best 1/η of each rung move up).
    pub fn plan(&self) -> Plan {
        Plan {
            scheduler: "asha".into(),
            brackets: vec![Bracket {
                s: self.top(),
                rungs: self
                    .rung_epochs()
                    .into_iter()
                    .map(|epochs| Rung {
                        candidates: self.fidelity.eta,
                        epochs,
                    })
                    .collect(),
            }],
            parallel: Some(self.slots),
        }
    }

    /// Fills free slots with promotions, top rung first.
    pub fn promotions(&mut self) -> Vec<Action> {
        let epochs = self.rung_epochs();
        let eta = self.fidelity.eta.max(2) as usize;
        let mut actions = Vec::new();
        while self.running.len() < self.slots as usize {
            let mut found = None;
            for k in (0..self.rungs.len().saturating_sub(1)).rev() {
                let rung = &self.rungs[k];
                let quota = rung.len() / eta;
                if quota == 0 {
                    continue;
                }
                let mut order: Vec<usize> = (0..rung.len()).collect();
                order.sort_by(|&a, &b| {
                    rung[a]
                        .1
                        .rung_cmp(&rung[b].1)
                        .then(rung[a].0.cmp(&rung[b].0))
                });
                if let Some(&i) = order.iter().take(quota).find(|&&i| !rung[i].2) {
                    found = Some((k, i));
                    break;
                }
            }
            let Some((k, i)) = found else {
                break;
            };
            self.rungs[k][i].2 = true;
            let trial = self.rungs[k][i].0;
            self.running.push((trial, epochs[k + 1]));
            actions.push(Action::Promote {
                trial,
                from_epochs: epochs[k],
                to_epochs: epochs[k + 1],
            });
        }
        actions
    }

    /// A new bottom-rung trial whenever a slot is free (after promotions).
    pub fn wants_new(&self) -> Option<u32> {
        (self.running.len() < self.slots as usize).then(|| self.rung_epochs()[0])
    }

    /// Registers a new trial.
    pub fn start(&mut self, trial: u32, target: u32) {
        self.running.push((trial, target));
    }

    /// Trials training now.
    pub fn active(&self) -> Vec<(u32, u32)> {
        self.running.clone()
    }

    /// A trial reached its rung: record it; at the top rung it is complete.
    pub fn report(
        &mut self,
        trial: u32,
        epochs: u32,
        objective: Objective,
        diverged: bool,
    ) -> Vec<Action> {
        let Some(pos) = self.running.iter().position(|&(t, _)| t == trial) else {
            return Vec::new();
        };
        let (_, target) = self.running.remove(pos);
        if diverged {
            return vec![Action::Prune { trial, epochs }];
        }
        let levels = self.rung_epochs();
        let k = levels.iter().position(|&e| e == target).unwrap_or(0);
        if k + 1 >= levels.len() {
            self.rungs[k].push((trial, objective, true));
            return vec![Action::Complete { trial, epochs }];
        }
        self.rungs[k].push((trial, objective, false));
        Vec::new()
    }

    /// Trials waiting at a rung below the top, never promoted (pruned if the search ends now).
    pub fn waiting(&self) -> Vec<u32> {
        let top = self.rungs.len().saturating_sub(1);
        self.rungs[..top]
            .iter()
            .flatten()
            .filter(|(_, _, promoted)| !promoted)
            .map(|&(t, _, _)| t)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(v: f64) -> Objective {
        Objective {
            primary: v,
            secondary: 0.0,
        }
    }

    #[test]
    fn promotes_the_best_third_once_enough_trials_report() {
        let f = Fidelity {
            min_epochs: 1,
            max_epochs: 9,
            eta: 3,
        };
        let mut asha = Asha::new(f, 2);
        assert_eq!(asha.rung_epochs(), vec![1, 3, 9]);
        let mut next = 0u32;
        let mut promoted = Vec::new();
        // Trials report at rung 0 with objective = trial number reversed (later = better).
        for _ in 0..6 {
            promoted.extend(asha.promotions());
            while let Some(t) = asha.wants_new() {
                asha.start(next, t);
                next += 1;
            }
            for (trial, target) in asha.active() {
                if target == 1 {
                    asha.report(trial, 1, obj(100.0 - trial as f64), false);
                }
            }
        }
        // Once rung 0 holds at least η results, its best 1/η is promoted to 3 epochs.
        assert!(!promoted.is_empty());
        for a in &promoted {
            match a {
                Action::Promote {
                    from_epochs,
                    to_epochs,
                    ..
                } => {
                    assert_eq!((*from_epochs, *to_epochs), (1, 3));
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        let first = match &promoted[0] {
            Action::Promote { trial, .. } => *trial,
            _ => unreachable!(),
        };
        assert_eq!(first, 3, "the best of trials 0..=3 is trial 3");
        assert!(asha.active().contains(&(first, 3)));
    }

    #[test]
    fn promotes_by_validation_loss_before_the_error_rate() {
        let f = Fidelity {
            min_epochs: 1,
            max_epochs: 9,
            eta: 3,
        };
        let mut asha = Asha::new(f, 3);
        for t in 0..3 {
            asha.start(t, 1);
        }
        // Trial 0 has the lowest error rate (one validation row better) but has hardly learnt;
        // trial 1 is right about as often and far more confidently.
        let objectives = [(0.0, 1.05), (1.0 / 30.0, 0.12), (1.0 / 30.0, 0.6)];
        for (t, &(primary, secondary)) in objectives.iter().enumerate() {
            asha.report(t as u32, 1, Objective { primary, secondary }, false);
        }
        match asha.promotions().as_slice() {
            [Action::Promote { trial, .. }] => assert_eq!(*trial, 1),
            other => panic!("expected one promotion, got {other:?}"),
        }
    }
}
