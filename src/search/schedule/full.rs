//! No early stopping: `parallel` candidates train together to the full horizon, then the next
//! `parallel` start. The baseline that multi-fidelity schedulers are measured against.

use super::{Action, Bracket, Fidelity, Plan, Rung};
use serde::{Deserialize, Serialize};

/// State of the no-early-stopping scheduler.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Full {
    fidelity: Fidelity,
    parallel: u32,
    running: Vec<u32>,
}

impl Full {
    /// Creates the scheduler.
    pub fn new(fidelity: Fidelity, parallel: u32) -> Full {
        Full {
            fidelity,
            parallel: parallel.max(1),
            running: Vec::new(),
        }
    }

    /// One rung: everyone at `max_epochs`.
    pub fn plan(&self) -> Plan {
        Plan {
            scheduler: "none".into(),
            brackets: vec![Bracket {
                s: 0,
                rungs: vec![Rung {
                    candidates: self.parallel,
                    epochs: self.fidelity.max_epochs,
                }],
            }],
            parallel: Some(self.parallel),
        }
    }

    /// A new trial whenever fewer than `parallel` are running.
    pub fn wants_new(&self) -> Option<u32> {
        (self.running.len() < self.parallel as usize).then_some(self.fidelity.max_epochs)
    }

    /// Registers a trial.
    pub fn start(&mut self, trial: u32, _target: u32) {
        self.running.push(trial);
    }

    /// Running trials.
    pub fn active(&self) -> Vec<(u32, u32)> {
        self.running
            .iter()
            .map(|&t| (t, self.fidelity.max_epochs))
            .collect()
    }

    /// A trial finished.
    pub fn report(&mut self, trial: u32, epochs: u32) -> Vec<Action> {
        self.running.retain(|&t| t != trial);
        vec![Action::Complete { trial, epochs }]
    }
}
