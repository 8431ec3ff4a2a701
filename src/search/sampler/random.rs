//! Random search: every active parameter drawn independently (log-uniform on log ranges).

use super::{draw_all, Proposal};
use crate::rng::Rng;
use crate::search::space::ParamDef;
use serde::{Deserialize, Serialize};

/// Seeded random sampler.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RandomSampler {
    rng: Rng,
}

impl RandomSampler {
    /// Creates the sampler.
    pub fn new(seed: u64) -> RandomSampler {
        RandomSampler {
            rng: Rng::new(seed).fork(11),
        }
    }

    /// Draws one proposal.
    pub fn ask(&mut self, params: &[ParamDef]) -> Proposal {
        Proposal {
            sample: draw_all(params, &mut self.rng),
            parent: None,
            origin: "random".into(),
        }
    }
}
