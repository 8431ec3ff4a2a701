//! Multi-fidelity schedulers, with epochs as the resource.
//!
//! - [`full`]: no early stopping — every candidate trains for the full horizon.
//! - [`hyperband`]: successive halving and Hyperband (Li et al., 2018), synchronous rungs.
//! - [`asha`]: asynchronous successive halving (Li et al., 2020), promotion-based.
//!
//! A scheduler never trains anything: it decides which trials train next and up to which epoch
//! count (`target`, counted per trial across pauses). Promotions always *continue* a trial from
//! its current weights: a trial promoted from the rung at 3 epochs to the rung at 9 trains 6 more.
//!
//! The search drives a scheduler in this order every step: [`Scheduler::promotions`] (ASHA fills
//! free slots with promotions), [`Scheduler::wants_new`] / [`Scheduler::start`] (new trials),
//! [`Scheduler::active`] (the group to train together), then [`Scheduler::report`] for each trial
//! that reached its target.

pub mod asha;
pub mod full;
pub mod hyperband;

use super::sampler::Objective;
use serde::{Deserialize, Serialize};

/// The epoch resource: rungs at `min_epochs · etaᵏ`, up to `max_epochs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fidelity {
    /// Epochs at the lowest rung (r).
    pub min_epochs: u32,
    /// Epochs at the top rung (R); also every candidate's schedule horizon.
    pub max_epochs: u32,
    /// Reduction factor η (keep 1/η per rung).
    pub eta: u32,
}

impl Fidelity {
    /// `s_max`: the largest `s` with `min_epochs · ηˢ ≤ max_epochs`.
    pub fn s_max(&self) -> u32 {
        let eta = self.eta.max(2) as u64;
        let mut s = 0;
        let mut r = self.min_epochs.max(1) as u64;
        while r * eta <= self.max_epochs as u64 {
            r *= eta;
            s += 1;
        }
        s
    }

    /// Epochs at rung `k` counted from the bottom of a bracket with `s` halvings:
    /// `round(R · η^(k − s))`, at least `min_epochs`.
    pub fn rung_epochs(&self, s: u32, k: u32) -> u32 {
        let eta = self.eta.max(2) as f64;
        let e = (self.max_epochs as f64 * eta.powi(k as i32 - s as i32)).round() as u32;
        e.clamp(self.min_epochs.max(1), self.max_epochs.max(1))
    }
}

/// One rung of a bracket: how many candidates train to how many epochs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rung {
    /// Candidates at this rung (for ASHA: the promotion fraction, not a count).
    pub candidates: u32,
    /// Total epochs each has trained when the rung is evaluated.
    pub epochs: u32,
}

/// One bracket of Hyperband (or the single bracket of successive halving / ASHA).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bracket {
    /// Number of halvings `s`.
    pub s: u32,
    /// Rungs, bottom first.
    pub rungs: Vec<Rung>,
}

/// The plan shown before a search starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// Scheduler name.
    pub scheduler: String,
    /// Brackets in execution order (repeated while the budget lasts).
    pub brackets: Vec<Bracket>,
    /// Candidates trained together at most (ASHA slots, or the no-early-stopping population).
    pub parallel: Option<u32>,
}

/// Which scheduler, with its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SchedulerConfig {
    /// No early stopping: `parallel` candidates at a time, each to `max_epochs`.
    None {
        /// Candidates trained together.
        parallel: u32,
    },
    /// Successive halving: Hyperband's most aggressive bracket, repeated.
    SuccessiveHalving,
    /// Hyperband: all brackets from most to least aggressive, repeated.
    Hyperband,
    /// ASHA with `slots` candidates training at a time.
    Asha {
        /// Candidates trained together.
        slots: u32,
    },
}

/// What a scheduler decided about a trial.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    /// Keep training the trial up to `to_epochs` (continuing from its weights).
    Promote {
        /// Trial.
        trial: u32,
        /// Epochs it has.
        from_epochs: u32,
        /// Epochs it will have.
        to_epochs: u32,
    },
    /// Stop the trial early.
    Prune {
        /// Trial.
        trial: u32,
        /// Epochs it had.
        epochs: u32,
    },
    /// The trial reached the top rung.
    Complete {
        /// Trial.
        trial: u32,
        /// Epochs it had.
        epochs: u32,
    },
}

/// A scheduler with its state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Scheduler {
    /// See [`full::Full`].
    None(full::Full),
    /// See [`hyperband::Hyperband`] (successive halving is its one-bracket form).
    Hyperband(hyperband::Hyperband),
    /// See [`asha::Asha`].
    Asha(asha::Asha),
}

impl Scheduler {
    /// Creates a scheduler.
    pub fn new(config: &SchedulerConfig, fidelity: Fidelity) -> Scheduler {
        match config {
            SchedulerConfig::None { parallel } => {
                Scheduler::None(full::Full::new(fidelity, *parallel))
            }
            SchedulerConfig::SuccessiveHalving => {
                Scheduler::Hyperband(hyperband::Hyperband::new(fidelity, true))
            }
            SchedulerConfig::Hyperband => {
                Scheduler::Hyperband(hyperband::Hyperband::new(fidelity, false))
            }
            SchedulerConfig::Asha { slots } => Scheduler::Asha(asha::Asha::new(fidelity, *slots)),
        }
    }

    /// The plan (brackets and rungs) for display before the run.
    pub fn plan(&self) -> Plan {
        match self {
            Scheduler::None(s) => s.plan(),
            Scheduler::Hyperband(s) => s.plan(),
            Scheduler::Asha(s) => s.plan(),
        }
    }

    /// Promotions into free capacity (ASHA only; the others promote when a rung completes).
    pub fn promotions(&mut self) -> Vec<Action> {
        match self {
            Scheduler::Asha(s) => s.promotions(),
            _ => Vec::new(),
        }
    }

    /// The epoch target of a new trial, if the scheduler wants one now.
    pub fn wants_new(&self) -> Option<u32> {
        match self {
            Scheduler::None(s) => s.wants_new(),
            Scheduler::Hyperband(s) => s.wants_new(),
            Scheduler::Asha(s) => s.wants_new(),
        }
    }

    /// Registers a newly created trial with the target given by [`Scheduler::wants_new`].
    pub fn start(&mut self, trial: u32, target: u32) {
        match self {
            Scheduler::None(s) => s.start(trial, target),
            Scheduler::Hyperband(s) => s.start(trial, target),
            Scheduler::Asha(s) => s.start(trial, target),
        }
    }

    /// Trials to train now, with their epoch targets.
    pub fn active(&self) -> Vec<(u32, u32)> {
        match self {
            Scheduler::None(s) => s.active(),
            Scheduler::Hyperband(s) => s.active(),
            Scheduler::Asha(s) => s.active(),
        }
    }

    /// A trial reached its target (or diverged); returns the decisions this unlocks.
    pub fn report(
        &mut self,
        trial: u32,
        epochs: u32,
        objective: Objective,
        diverged: bool,
    ) -> Vec<Action> {
        match self {
            Scheduler::None(s) => s.report(trial, epochs),
            Scheduler::Hyperband(s) => s.report(trial, epochs, objective, diverged),
            Scheduler::Asha(s) => s.report(trial, epochs, objective, diverged),
        }
    }
}
