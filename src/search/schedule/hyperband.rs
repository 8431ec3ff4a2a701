//! Hyperband and successive halving (Li et al., "Hyperband", JMLR 2018).
//!
//! With `R` = `max_epochs` in units of `min_epochs`, `s_max = ⌊log_η R⌋` and `B = (s_max + 1) R`,
//! bracket `s` (from `s_max` down to 0) starts `n = ⌈B / R · ηˢ / (s + 1)⌉` candidates at
//! `r = R η⁻ˢ` epochs; at rung `i` it keeps `nᵢ = ⌊n η⁻ⁱ⌋` candidates trained to `r ηⁱ` epochs.
//! Successive halving is the single most aggressive bracket (`s = s_max`). Brackets repeat while
//! the budget lasts. A rung's whole population trains together; when all its members have reached
//! the rung's epochs, the best `nᵢ₊₁` (by validation loss, then the metric:
//! [`Objective::rung_cmp`]) continue and the rest are pruned.

use super::{Action, Bracket, Fidelity, Plan, Rung};
use crate::search::sampler::Objective;
use serde::{Deserialize, Serialize};

/// Hyperband's bracket plan for a fidelity (the formula above, in execution order).
pub fn bracket_plan(f: &Fidelity) -> Vec<Bracket> {
    let s_max = f.s_max();
    let eta = f.eta.max(2) as u64;
    (0..=s_max)
        .rev()
        .map(|s| {
            // n = ceil((s_max + 1) * eta^s / (s + 1)), exact in integers.
            let n = ((s_max as u64 + 1) * eta.pow(s)).div_ceil(s as u64 + 1);
            let rungs = (0..=s)
                .map(|i| Rung {
                    candidates: (n / eta.pow(i)) as u32,
                    epochs: f.rung_epochs(s, i),
                })
                .collect();
            Bracket { s, rungs }
        })
        .collect()
}

/// Synchronous Hyperband / successive-halving state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hyperband {
    fidelity: Fidelity,
    brackets: Vec<Bracket>,
    successive_halving: bool,
    bracket: usize,
    rung: usize,
    /// Members of the current rung and whether each has reported (objective, diverged).
    members: Vec<(u32, Option<(Objective, bool)>)>,
}

impl Hyperband {
    /// Creates the scheduler; `successive_halving` keeps only the most aggressive bracket.
    pub fn new(fidelity: Fidelity, successive_halving: bool) -> Hyperband {
        let mut brackets = bracket_plan(&fidelity);
        if successive_halving {
            brackets.truncate(1);
        }
        Hyperband {
            fidelity,
            brackets,
            successive_halving,
            bracket: 0,
            rung: 0,
            members: Vec::new(),
        }
    }

    /// The bracket plan.
    pub fn plan(&self) -> Plan {
        Plan {
            scheduler: if self.successive_halving {
                "successive_halving"
            } else {
                "hyperband"
            }
            .into(),
            brackets: self.brackets.clone(),
            parallel: None,
        }
    }

    fn current(&self) -> Option<&Rung> {
        self.brackets
            .get(self.bracket)
            .and_then(|b| b.rungs.get(self.rung))
    }

    /// New trials are wanted while the first rung of the current bracket is being filled.
    pub fn wants_new(&self) -> Option<u32> {
        let rung = self.current()?;
        (self.rung == 0 && self.members.len() < rung.candidates.max(1) as usize)
            .then_some(rung.epochs)
    }

    /// Registers a new trial in the current bracket's first rung.
    pub fn start(&mut self, trial: u32, _target: u32) {
        self.members.push((trial, None));
    }

    /// Members of the current rung that have not reported yet.
    pub fn active(&self) -> Vec<(u32, u32)> {
        let Some(rung) = self.current() else {
            return Vec::new();
        };
        self.members
            .iter()
            .filter(|(_, r)| r.is_none())
            .map(|&(t, _)| (t, rung.epochs))
            .collect()
    }

    /// Records a member's result; when the rung is complete, promotes the best and prunes the rest.
    pub fn report(
        &mut self,
        trial: u32,
        epochs: u32,
        objective: Objective,
        diverged: bool,
    ) -> Vec<Action> {
        if let Some(m) = self.members.iter_mut().find(|(t, _)| *t == trial) {
            m.1 = Some((objective, diverged));
        }
        if self.members.iter().any(|(_, r)| r.is_none()) {
            return Vec::new();
        }
        let Some(bracket) = self.brackets.get(self.bracket).cloned() else {
            return Vec::new();
        };
        let mut ranked: Vec<(u32, Objective, bool)> = self
            .members
            .iter()
            .filter_map(|&(t, r)| r.map(|(o, d)| (t, o, d)))
            .collect();
        ranked.sort_by(|a, b| a.2.cmp(&b.2).then(a.1.rung_cmp(&b.1)).then(a.0.cmp(&b.0)));
        let rung_epochs = bracket.rungs[self.rung].epochs;
        let mut actions = Vec::new();
        if let Some(next) = bracket.rungs.get(self.rung + 1) {
            let keep = next.candidates as usize;
            let mut survivors = Vec::new();
            for (i, &(t, _, d)) in ranked.iter().enumerate() {
                if i < keep && !d {
                    actions.push(Action::Promote {
                        trial: t,
                        from_epochs: rung_epochs,
                        to_epochs: next.epochs,
                    });
                    survivors.push((t, None));
                } else {
                    actions.push(Action::Prune {
                        trial: t,
                        epochs: rung_epochs,
                    });
                }
            }
            self.rung += 1;
            self.members = survivors;
            if self.members.is_empty() {
                self.next_bracket();
            }
        } else {
            for &(t, _, d) in &ranked {
                actions.push(if d {
                    Action::Prune {
                        trial: t,
                        epochs: rung_epochs,
                    }
                } else {
                    Action::Complete {
                        trial: t,
                        epochs: rung_epochs,
                    }
                });
            }
            self.next_bracket();
        }
        let _ = epochs;
        actions
    }

    fn next_bracket(&mut self) {
        self.bracket = (self.bracket + 1) % self.brackets.len().max(1);
        self.rung = 0;
        self.members.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(b: &Bracket) -> Vec<(u32, u32)> {
        b.rungs.iter().map(|r| (r.candidates, r.epochs)).collect()
    }

    #[test]
    fn plan_matches_the_paper_for_r81_eta3() {
        let plan = bracket_plan(&Fidelity {
            min_epochs: 1,
            max_epochs: 81,
            eta: 3,
        });
        assert_eq!(plan.len(), 5);
        assert_eq!(
            counts(&plan[0]),
            vec![(81, 1), (27, 3), (9, 9), (3, 27), (1, 81)]
        );
        assert_eq!(counts(&plan[1]), vec![(34, 3), (11, 9), (3, 27), (1, 81)]);
        assert_eq!(counts(&plan[2]), vec![(15, 9), (5, 27), (1, 81)]);
        assert_eq!(counts(&plan[3]), vec![(8, 27), (2, 81)]);
        assert_eq!(counts(&plan[4]), vec![(5, 81)]);
    }

    #[test]
    fn plan_matches_the_formula_for_other_inputs() {
        for (min, max, eta) in [(1u32, 27u32, 3u32), (2, 32, 2), (1, 20, 3), (3, 100, 4)] {
            let f = Fidelity {
                min_epochs: min,
                max_epochs: max,
                eta,
            };
            let s_max = ((max as f64 / min as f64).ln() / (eta as f64).ln() + 1e-9).floor() as u32;
            let plan = bracket_plan(&f);
            assert_eq!(plan.len() as u32, s_max + 1);
            for b in &plan {
                let s = b.s as f64;
                let n = ((s_max as f64 + 1.0) / (s + 1.0) * (eta as f64).powf(s)).ceil();
                for (i, r) in b.rungs.iter().enumerate() {
                    assert_eq!(
                        r.candidates,
                        (n / (eta as f64).powi(i as i32)).floor() as u32
                    );
                    let e = (max as f64 * (eta as f64).powf(i as f64 - s)).round() as u32;
                    assert_eq!(r.epochs, e.max(min));
                }
                assert_eq!(b.rungs.last().map(|r| r.epochs), Some(max));
            }
        }
    }

    /// Successive halving over 1–9 epochs (η = 3) with its first rung started: trials 0, 1, …
    /// each at the epochs the scheduler asked for (returned in order).
    fn halving_started() -> (Hyperband, Vec<u32>) {
        let f = Fidelity {
            min_epochs: 1,
            max_epochs: 9,
            eta: 3,
        };
        let mut hb = Hyperband::new(f, true);
        let mut targets = Vec::new();
        while let Some(target) = hb.wants_new() {
            hb.start(targets.len() as u32, target);
            targets.push(target);
        }
        (hb, targets)
    }

    #[test]
    fn rungs_promote_the_best_and_continue() {
        let (mut hb, targets) = halving_started();
        assert_eq!(targets, vec![1; 9]);
        let mut actions = Vec::new();
        for t in 0..9u32 {
            let o = Objective {
                primary: t as f64,
                secondary: 0.0,
            };
            actions.extend(hb.report(t, 1, o, false));
        }
        let promoted: Vec<u32> = actions
            .iter()
            .filter_map(|a| match a {
                Action::Promote {
                    trial, to_epochs, ..
                } => {
                    assert_eq!(*to_epochs, 3);
                    Some(*trial)
                }
                _ => None,
            })
            .collect();
        assert_eq!(promoted, vec![0, 1, 2]);
        assert_eq!(hb.active(), vec![(0, 3), (1, 3), (2, 3)]);
    }

    #[test]
    fn a_rung_keeps_the_lowest_validation_losses() {
        let (mut hb, targets) = halving_started();
        assert_eq!(targets.len(), 9);
        // Trials 0–2 have the lowest error rate but the highest losses; losses fall with the
        // trial number from 4 onwards, so 8, 7 and 6 have the three lowest.
        let mut actions = Vec::new();
        for t in 0..9u32 {
            let o = Objective {
                primary: if t < 3 { 0.0 } else { 1.0 / 30.0 },
                secondary: if t < 3 { 2.0 } else { 1.0 - t as f64 / 10.0 },
            };
            actions.extend(hb.report(t, 1, o, false));
        }
        let mut promoted: Vec<u32> = actions
            .iter()
            .filter_map(|a| match a {
                Action::Promote { trial, .. } => Some(*trial),
                _ => None,
            })
            .collect();
        promoted.sort_unstable();
        assert_eq!(promoted, vec![6, 7, 8]);
    }
}
