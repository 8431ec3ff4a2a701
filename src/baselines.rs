//! Classical baselines from `smartcore`, trained on the same split and scored with the same metrics
//! as the neural candidates.

use smartcore::linalg::basic::matrix::DenseMatrix;
use smartcore::linear::logistic_regression::{LogisticRegression, LogisticRegressionParameters};
use std::fmt;

/// Why a baseline could not be trained.
#[derive(Debug, Clone, PartialEq)]
pub struct BaselineError {
    /// Baseline name.
    pub model: String,
    /// What failed.
    pub message: String,
}

impl fmt::Display for BaselineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "baseline {} failed: {}", self.model, self.message)
    }
}

impl std::error::Error for BaselineError {}

fn fail(model: &str, e: impl fmt::Display) -> BaselineError {
    BaselineError {
        model: model.to_string(),
        message: e.to_string(),
    }
}

/// Builds a smartcore matrix from row-major `f32` features.
pub fn dense(x: &[f32], rows: usize, cols: usize) -> Result<DenseMatrix<f64>, BaselineError> {
    let values: Vec<f64> = x.iter().map(|&v| v as f64).collect();
    DenseMatrix::new(rows, cols, values, false).map_err(|e| fail("matrix", e))
}

/// Fits a logistic regression on `(x, y)` and returns its accuracy on `(tx, ty)`.
pub fn logistic_regression_accuracy(
    x: &[f32],
    y: &[u32],
    tx: &[f32],
    ty: &[u32],
    cols: usize,
) -> Result<f64, BaselineError> {
    let name = "logistic regression";
    let train = dense(x, y.len(), cols)?;
    let test = dense(tx, ty.len(), cols)?;
    let model =
        LogisticRegression::fit(&train, &y.to_vec(), LogisticRegressionParameters::default())
            .map_err(|e| fail(name, e))?;
    let predicted: Vec<u32> = model.predict(&test).map_err(|e| fail(name, e))?;
    let correct = predicted.iter().zip(ty).filter(|(p, t)| p == t).count();
    Ok(correct as f64 / ty.len().max(1) as f64)
}

/// The vertical-slice check: logistic regression on iris with a seeded 70/30 split.
pub fn iris_logistic_regression(seed: u64) -> Result<f64, BaselineError> {
    let iris = smartcore::dataset::iris::load_dataset();
    let cols = iris.num_features;
    let rows = iris.num_samples;
    let mut order: Vec<usize> = (0..rows).collect();
    crate::rng::Rng::new(seed).shuffle(&mut order);
    let cut = rows * 7 / 10;
    let pick = |idx: &[usize]| -> (Vec<f32>, Vec<u32>) {
        let mut x = Vec::with_capacity(idx.len() * cols);
        let mut y = Vec::with_capacity(idx.len());
        for &i in idx {
            x.extend_from_slice(&iris.data[i * cols..(i + 1) * cols]);
            y.push(iris.target[i] as u32);
        }
        (x, y)
    };
    let (x, y) = pick(&order[..cut]);
    let (tx, ty) = pick(&order[cut..]);
    logistic_regression_accuracy(&x, &y, &tx, &ty, cols)
}

#[cfg(test)]
mod tests {
    #[test]
    fn iris_logistic_regression_is_accurate() {
        let acc = super::iris_logistic_regression(1).unwrap();
        assert!(acc > 0.9, "accuracy {acc}");
    }
}
