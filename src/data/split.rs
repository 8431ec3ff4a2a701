//! Seeded train/validation/test splits (stratified by class for classification) and k-fold
//! assignment. Only [`crate::rng::Rng`] is used, so a seed gives the same split everywhere.

use super::DataError;
use crate::rng::Rng;
use serde::{Deserialize, Serialize};

/// Shares of the rows that go to validation and test; the rest is training.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Fractions {
    /// Validation share, in `(0, 1)`.
    pub valid: f64,
    /// Test share, in `[0, 1)`.
    pub test: f64,
}

impl Default for Fractions {
    /// 60 % train, 20 % validation, 20 % test.
    fn default() -> Self {
        Fractions {
            valid: 0.2,
            test: 0.2,
        }
    }
}

impl Fractions {
    /// Checks both shares are in range and leave room for training rows.
    pub fn check(&self) -> Result<(), DataError> {
        let ok = self.valid > 0.0 && self.valid < 1.0 && self.test >= 0.0 && self.test < 1.0;
        if !ok || self.valid + self.test >= 0.95 {
            return Err(DataError::InvalidSplit {
                reason: format!(
                    "validation {} and test {} must be shares in (0, 1) and [0, 1) that leave at least 5 % for training",
                    self.valid, self.test
                ),
            });
        }
        Ok(())
    }
}

/// Row indices of each part, into the rows that were split.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SplitIndices {
    /// Training rows.
    pub train: Vec<usize>,
    /// Validation rows.
    pub valid: Vec<usize>,
    /// Test rows.
    pub test: Vec<usize>,
}

/// Groups `0..n` by class (one group of all rows without labels).
fn groups(labels: Option<&[u32]>, n: usize) -> Vec<Vec<usize>> {
    match labels {
        None => vec![(0..n).collect()],
        Some(labels) => {
            let classes = labels.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
            let mut g = vec![Vec::new(); classes];
            for (i, &c) in labels.iter().enumerate().take(n) {
                g[c as usize].push(i);
            }
            g
        }
    }
}

/// Splits `n` rows into train/validation/test. With `labels` (class per row) every class is
/// split in the same proportions; a class too small to share goes to training first. Each part
/// comes back in a seeded random order.
pub fn stratified_split(
    labels: Option<&[u32]>,
    n: usize,
    fractions: Fractions,
    seed: u64,
) -> Result<SplitIndices, DataError> {
    fractions.check()?;
    let needed = if fractions.test > 0.0 { 3 } else { 2 };
    if n < needed {
        return Err(DataError::TooFewRows { rows: n, needed });
    }
    let rng = Rng::new(seed).fork(0x5D11);
    let mut split = SplitIndices::default();
    for (c, mut rows) in groups(labels, n).into_iter().enumerate() {
        rng.fork(c as u64 + 1).shuffle(&mut rows);
        let m = rows.len();
        let mut n_test = (m as f64 * fractions.test).round() as usize;
        let mut n_valid = (m as f64 * fractions.valid).round() as usize;
        while n_test + n_valid >= m && n_test + n_valid > 0 {
            if n_test >= n_valid && n_test > 0 {
                n_test -= 1;
            } else {
                n_valid -= 1;
            }
        }
        split.test.extend_from_slice(&rows[..n_test]);
        split
            .valid
            .extend_from_slice(&rows[n_test..n_test + n_valid]);
        split.train.extend_from_slice(&rows[n_test + n_valid..]);
    }
    // Tiny classes can leave a part empty: move one training row of the largest class over.
    for (part, wanted) in [(1usize, true), (2, fractions.test > 0.0)] {
        let empty = if part == 1 {
            split.valid.is_empty()
        } else {
            split.test.is_empty()
        };
        if wanted && empty && split.train.len() > 1 {
            let moved = split.train.remove(largest_class_row(labels, &split.train));
            if part == 1 {
                split.valid.push(moved);
            } else {
                split.test.push(moved);
            }
        }
    }
    if split.train.is_empty()
        || split.valid.is_empty()
        || (fractions.test > 0.0 && split.test.is_empty())
    {
        return Err(DataError::TooFewRows { rows: n, needed });
    }
    let mut order = rng.fork(0);
    order.shuffle(&mut split.train);
    order.shuffle(&mut split.valid);
    order.shuffle(&mut split.test);
    Ok(split)
}

/// Position in `train` of a row of the class with the most rows there (the first such row);
/// 0 without labels.
fn largest_class_row(labels: Option<&[u32]>, train: &[usize]) -> usize {
    let Some(labels) = labels else {
        return 0;
    };
    let class = |&r: &usize| labels.get(r).copied().unwrap_or(0);
    let mut counts = std::collections::BTreeMap::new();
    for r in train {
        *counts.entry(class(r)).or_insert(0usize) += 1;
    }
    // The largest class; ties go to the lowest class number.
    let largest = counts
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(&c, _)| c);
    train
        .iter()
        .position(|r| Some(class(r)) == largest)
        .unwrap_or(0)
}

/// Assigns `rows` to `k` folds (stratified by `labels[row]` when given); returns the rows of
/// each fold. Every row is in exactly one fold.
pub fn kfold(
    rows: &[usize],
    labels: Option<&[u32]>,
    k: usize,
    seed: u64,
) -> Result<Vec<Vec<usize>>, DataError> {
    if k < 2 || k > rows.len() {
        return Err(DataError::InvalidSplit {
            reason: format!("{k} folds need 2 ≤ k ≤ {} (the rows available)", rows.len()),
        });
    }
    let rng = Rng::new(seed).fork(0xF01D);
    let local: Option<Vec<u32>> = labels.map(|l| {
        rows.iter()
            .map(|&r| l.get(r).copied().unwrap_or(0))
            .collect()
    });
    let mut folds = vec![Vec::new(); k];
    let mut next = 0usize;
    for (c, mut members) in groups(local.as_deref(), rows.len()).into_iter().enumerate() {
        rng.fork(c as u64 + 1).shuffle(&mut members);
        for i in members {
            folds[next % k].push(rows[i]);
            next += 1;
        }
    }
    Ok(folds)
}
