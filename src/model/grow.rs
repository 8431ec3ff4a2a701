//! Weight inheritance: a child candidate starts from its parent's weights instead of from scratch.
//!
//! - **Copy** when the child has exactly the parent's layer widths (any hyperparameters may
//!   differ; if a hidden activation differs, the function changes accordingly).
//! - **Widen** (Net2WiderNet): a child layer at least as wide as the parent layer it continues
//!   keeps the parent's units and fills the extra ones with copies of randomly chosen parent
//!   units (incoming weights and bias copied). A unit replicated `c` times has its outgoing
//!   weights split between its `c` copies with seeded random fractions that sum to one — the
//!   classic equal split `1 / c` would keep the copies identical forever under gradient descent;
//!   unequal fractions preserve the function just as exactly and let the copies drift apart.
//! - **Deepen** (Net2DeeperNet): a child layer with no parent counterpart is inserted with identity
//!   weights and zero bias. This is exact only when the activation of the inserted layer is the
//!   identity on its input, so it is allowed only for a **relu or leaky relu** layer, **as wide
//!   as the layer before it**, placed after a layer whose outputs are never negative (relu,
//!   sigmoid, or another inserted layer). Anything else is refused with [`GrowError::NotExact`].
//!
//! Matched layers must keep the parent's activation; inputs and outputs must be the same. The
//! child computes the parent's function (without dropout) up to float rounding of the split.

use super::init::check_weights;
use super::spec::{Activation, Spec};
use super::trainer::{LayerWeights, Weights};
use crate::rng::Rng;
use std::fmt;

/// Why a child cannot inherit from a parent.
#[derive(Debug, Clone, PartialEq)]
pub enum GrowError {
    /// Parent and child differ in input features or outputs.
    Interface {
        /// `inputs` or `outputs`.
        what: &'static str,
        /// The parent's count.
        parent: u32,
        /// The child's count.
        child: u32,
    },
    /// The parent's weights do not fit the parent spec.
    ParentWeights(String),
    /// A child layer is narrower than the parent layer it continues.
    Narrower {
        /// Hidden layer index in the child.
        child_layer: usize,
        /// Parent width.
        parent_width: u32,
        /// Child width.
        child_width: u32,
    },
    /// A parent layer has no counterpart in the child (layers can be added, not removed, and
    /// matched layers keep their activation).
    Unmatched {
        /// Hidden layer index in the parent.
        parent_layer: usize,
    },
    /// An inserted child layer cannot start as an exact identity.
    NotExact {
        /// Hidden layer index in the child.
        child_layer: usize,
        /// Why.
        reason: String,
    },
}

impl fmt::Display for GrowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GrowError::Interface {
                what,
                parent,
                child,
            } => {
                write!(
                    f,
                    "cannot inherit weights: the parent has {parent} {what}, the child {child}"
                )
            }
            GrowError::ParentWeights(m) => write!(f, "cannot inherit weights: parent weights: {m}"),
            GrowError::Narrower {
                child_layer,
                parent_width,
                child_width,
            } => write!(
                f,
                "cannot inherit weights: child hidden layer {child_layer} has {child_width} units, \
                 fewer than the parent's {parent_width} (layers can only be widened)"
            ),
            GrowError::Unmatched { parent_layer } => write!(
                f,
                "cannot inherit weights: parent hidden layer {parent_layer} has no counterpart in \
                 the child (same activation, at least as wide)"
            ),
            GrowError::NotExact {
                child_layer,
                reason,
            } => write!(
                f,
                "cannot inherit weights: new child hidden layer {child_layer} cannot start as an \
                 identity: {reason}"
            ),
        }
    }
}

impl std::error::Error for GrowError {}

/// How child hidden layer `j` relates to the parent.
#[derive(Debug, Clone, Copy)]
enum Source {
    /// Continues parent hidden layer `k`.
    Parent(usize),
    /// Inserted identity layer.
    Inserted,
}

/// Replication of a widened layer: child unit → parent unit, and its share of the outgoing weight.
struct Replication {
    source: Vec<usize>,
    share: Vec<f32>,
}

impl Replication {
    fn identity(n: usize) -> Replication {
        Replication {
            source: (0..n).collect(),
            share: vec![1.0; n],
        }
    }

    fn widen(parent: usize, child: usize, rng: &mut Rng) -> Replication {
        let mut source: Vec<usize> = (0..parent).collect();
        source.extend((parent..child).map(|_| rng.below(parent)));
        let raw: Vec<f32> = source
            .iter()
            .enumerate()
            .map(|(u, _)| {
                if u < parent && child == parent {
                    1.0
                } else {
                    0.5 + rng.next_f32()
                }
            })
            .collect();
        let mut total = vec![0.0f32; parent];
        for (&s, &r) in source.iter().zip(&raw) {
            total[s] += r;
        }
        let share = source
            .iter()
            .zip(&raw)
            .map(|(&s, &r)| r / total[s])
            .collect();
        Replication { source, share }
    }
}

/// Weights for `child` derived from `parent_weights` (see the module docs for the rules). `seed`
/// drives which units are replicated and how their outgoing weights are split.
pub fn inherit(
    parent: &Spec,
    parent_weights: &Weights,
    child: &Spec,
    seed: u64,
) -> Result<Weights, GrowError> {
    for (what, p, c) in [
        ("inputs", parent.inputs, child.inputs),
        ("outputs", parent.outputs, child.outputs),
    ] {
        if p != c {
            return Err(GrowError::Interface {
                what,
                parent: p,
                child: c,
            });
        }
    }
    check_weights(parent, parent_weights).map_err(|e| GrowError::ParentWeights(e.to_string()))?;
    if parent.widths() == child.widths() {
        return Ok(parent_weights.clone());
    }
    let sources = align(parent, child)?;

    // Replication of every parent hidden layer into its (wider) child counterpart.
    let mut rng = Rng::new(seed).fork(0x6_7209);
    let mut reps = Vec::with_capacity(parent.hidden.len());
    for (j, src) in sources.iter().enumerate() {
        if let Source::Parent(k) = *src {
            let (pw, cw) = (
                parent.hidden[k].width as usize,
                child.hidden[j].width as usize,
            );
            reps.push(Replication::widen(pw, cw, &mut rng));
        }
    }

    // Parent affine layer k maps replication k − 1 (or the inputs) to replication k (or outputs).
    let parent_layers = parent_weights.layers.len();
    let widened: Vec<LayerWeights> = parent_weights
        .layers
        .iter()
        .enumerate()
        .map(|(k, layer)| {
            let identity_in;
            let rin = if k == 0 {
                identity_in = Replication::identity(layer.inputs);
                &identity_in
            } else {
                &reps[k - 1]
            };
            let identity_out;
            let rout = if k + 1 == parent_layers {
                identity_out = Replication::identity(layer.outputs);
                &identity_out
            } else {
                &reps[k]
            };
            widen_layer(layer, rin, rout)
        })
        .collect();

    // Assemble the child: widened parent layers in order, identity layers where inserted.
    let mut layers = Vec::with_capacity(child.hidden.len() + 1);
    let mut next_parent = widened.into_iter();
    for (j, src) in sources.iter().enumerate() {
        match src {
            Source::Parent(_) => layers.extend(next_parent.next()),
            Source::Inserted => layers.push(identity_layer(child.hidden[j].width as usize)),
        }
    }
    layers.extend(next_parent.next()); // the output layer
    Ok(Weights { layers })
}

/// Matches each child hidden layer to a parent layer or marks it inserted (greedy, in order).
fn align(parent: &Spec, child: &Spec) -> Result<Vec<Source>, GrowError> {
    let (p, c) = (parent.hidden.len(), child.hidden.len());
    if c < p {
        // Layers cannot be removed: the first parent layer past the child's depth is lost.
        return Err(GrowError::Unmatched { parent_layer: c });
    }
    let mut sources = Vec::with_capacity(c);
    let mut k = 0;
    let mut prev_non_negative = false; // the network inputs may be negative
    for (j, layer) in child.hidden.iter().enumerate() {
        let can_match = k < p && layer.activation == parent.hidden[k].activation && c - j >= p - k;
        if can_match {
            let pw = parent.hidden[k].width;
            if layer.width < pw {
                return Err(GrowError::Narrower {
                    child_layer: j,
                    parent_width: pw,
                    child_width: layer.width,
                });
            }
            sources.push(Source::Parent(k));
            prev_non_negative = layer.activation.non_negative();
            k += 1;
            continue;
        }
        if c - j <= p - k && k < p {
            return Err(GrowError::Unmatched { parent_layer: k });
        }
        let not_exact = |reason: String| GrowError::NotExact {
            child_layer: j,
            reason,
        };
        if !matches!(layer.activation, Activation::Relu | Activation::LeakyRelu) {
            return Err(not_exact(format!(
                "its activation is {}; only relu or leaky_relu can be an identity",
                layer.activation.name()
            )));
        }
        if !prev_non_negative {
            return Err(not_exact(
                "its input can be negative (it must follow a relu or sigmoid layer)".into(),
            ));
        }
        let prev_width = child.hidden[j - 1].width;
        if layer.width != prev_width {
            return Err(not_exact(format!(
                "it has {} units but its input has {prev_width}",
                layer.width
            )));
        }
        sources.push(Source::Inserted);
    }
    if k < p {
        return Err(GrowError::Unmatched { parent_layer: k });
    }
    Ok(sources)
}

/// `W'[a, b] = W[src_in(a), src_out(b)] · share_in(a)`, `b'[b] = b[src_out(b)]`.
fn widen_layer(layer: &LayerWeights, rin: &Replication, rout: &Replication) -> LayerWeights {
    let (inputs, outputs) = (rin.source.len(), rout.source.len());
    let mut w = Vec::with_capacity(inputs * outputs);
    for (&si, &share) in rin.source.iter().zip(&rin.share) {
        let prow = &layer.w[si * layer.outputs..(si + 1) * layer.outputs];
        w.extend(rout.source.iter().map(|&so| prow[so] * share));
    }
    LayerWeights {
        inputs,
        outputs,
        w,
        b: rout.source.iter().map(|&so| layer.b[so]).collect(),
    }
}

fn identity_layer(width: usize) -> LayerWeights {
    let mut w = vec![0.0; width * width];
    for i in 0..width {
        w[i * width + i] = 1.0;
    }
    LayerWeights {
        inputs: width,
        outputs: width,
        w,
        b: vec![0.0; width],
    }
}
