//! What the candidate view shows about one trial: its spec and weights, its decision boundary on
//! 2-D data, and a confusion matrix (classification) or predicted-vs-actual values (regression)
//! on the validation rows. The test rows are not touched here.

use crate::data::{PreparedData, Task};
use crate::model::{predict_weighted, CpuTrainer, Spec, Weighted, Weights};
use crate::search::run::Search;
use serde::Serialize;

/// Cells per side of the decision-boundary grid.
const GRID: usize = 48;
/// Validation rows drawn or listed at most.
const MAX_POINTS: usize = 600;

/// The decision boundary over the two (prepared, standardised) features.
#[derive(Debug, Clone, Serialize)]
pub struct Boundary {
    /// Cells per side.
    pub size: usize,
    /// Axis ranges.
    pub bounds: Bounds,
    /// Predicted class per cell (classification), bottom row first.
    pub classes: Option<Vec<u32>>,
    /// Probability of the predicted class per cell.
    pub confidence: Option<Vec<f32>>,
    /// Predicted value per cell (regression, in target units).
    pub values: Option<Vec<f32>>,
    /// Validation points drawn on top.
    pub points: Points,
    /// First feature's name.
    pub x_name: String,
    /// Second feature's name.
    pub y_name: String,
}

/// Axis ranges of a plot.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Bounds {
    /// Left.
    pub x0: f32,
    /// Right.
    pub x1: f32,
    /// Bottom.
    pub y0: f32,
    /// Top.
    pub y1: f32,
}

/// Points with a class or a value each.
#[derive(Debug, Clone, Serialize)]
pub struct Points {
    /// First coordinate.
    pub x: Vec<f32>,
    /// Second coordinate.
    pub y: Vec<f32>,
    /// Class per point.
    pub classes: Option<Vec<u32>>,
    /// Value per point.
    pub values: Option<Vec<f32>>,
}

/// Confusion matrix or predicted-vs-actual values.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Evaluation {
    /// `matrix[true][predicted]` counts.
    Confusion {
        /// Counts.
        matrix: Vec<Vec<u32>>,
        /// Class labels.
        labels: Vec<String>,
        /// Which rows.
        part: &'static str,
    },
    /// Target units.
    Regression {
        /// True values.
        actual: Vec<f32>,
        /// Predictions.
        predicted: Vec<f32>,
        /// Which rows.
        part: &'static str,
    },
}

/// Everything the candidate view needs.
#[derive(Debug, Clone, Serialize)]
pub struct CandidateInfo {
    /// The network.
    pub spec: Spec,
    /// Its trained weights (the first member's, for a bag).
    pub weights: Weights,
    /// Networks whose share-weighted mean output is the model shown (1, or the networks of a
    /// bag or an ensemble); the boundary and the evaluation are the mean's.
    pub models: usize,
    /// Encoded feature names.
    pub input_names: Vec<String>,
    /// Class labels, or the target name.
    pub output_names: Vec<String>,
    /// Decision boundary (two features only).
    pub boundary: Option<Boundary>,
    /// Validation evaluation.
    pub evaluation: Option<Evaluation>,
    /// How the weights were obtained, when not directly from the search.
    pub note: Option<String>,
    /// Weights rebuilt for this view (cached by the session).
    #[serde(skip)]
    pub rebuilt: Option<Weights>,
}

/// Rebuilds a trial's weights by training its spec from its seed on the CPU for the same number
/// of epochs (the CPU trainer follows the same contract as the GPU one).
fn rebuild(search: &Search, spec: &Spec, epochs: u32) -> Result<Weights, String> {
    let mut trainer = CpuTrainer::new(search.train_data());
    let id = crate::model::trainer::Trainer::add(&mut trainer, spec.clone(), None)
        .map_err(|e| e.to_string())?;
    trainer
        .train_epochs(&[id], epochs)
        .map_err(|e| e.to_string())?;
    trainer.weights_ref(id).cloned().map_err(|e| e.to_string())
}

/// Collects the details of `trial`; `cached` holds weights rebuilt earlier.
pub fn details(
    search: &Search,
    trial: u32,
    cached: Option<Weights>,
) -> Result<CandidateInfo, String> {
    let tr = search
        .trials()
        .iter()
        .find(|t| t.id == trial)
        .ok_or_else(|| format!("there is no trial #{trial}"))?;
    let spec = tr.spec.clone();
    let best = search
        .best()
        .filter(|(b, _)| b.id == trial)
        .map(|(_, w)| w.clone());
    let ensemble = search.winner_ensemble().filter(|_| best.is_some());
    let members = match ensemble {
        Some(_) => search.best_members().map(|(_, m)| m).unwrap_or_default(),
        None => Vec::new(),
    };
    if let (Some(e), Some(first)) = (ensemble, members.first()) {
        let note = if e.members.len() > 1 {
            let parts: Vec<String> = e
                .shares()
                .iter()
                .map(|s| format!("#{} × {:.2}", s.trial, s.share))
                .collect();
            format!(
                "The winner is an ensemble of {} cross-validated trials ({}), chosen by greedy \
                 selection on their out-of-fold predictions; each predicts as the mean of its \
                 fold models, {} networks in all, each trained on one cross-validation fold's \
                 share of the train + validation rows. The edges show this trial's first fold \
                 model; the boundary and the matrix are the ensemble's, and the matrix counts \
                 rows most of them trained on. Its held-out scores are the out-of-fold and test \
                 ones on the leaderboard.",
                e.members.len(),
                parts.join(", "),
                members.len()
            )
        } else {
            format!(
                "The winner is the bag of its {} fold models: the same network trained on each \
                 cross-validation fold's share of the train + validation rows, predicting \
                 together (the mean of their outputs). The edges show the first of them; the \
                 boundary and the matrix are the bag's, and the matrix counts rows most of them \
                 trained on. Its held-out scores are the cross-validated and test ones on the \
                 leaderboard.",
                members.len()
            )
        };
        let note = if e.temperature != 1.0 {
            format!(
                "{note} Its class probabilities are softened by the temperature {:.2}, fitted \
                 on its out-of-fold predictions; the boundary's shading shows them so.",
                e.temperature
            )
        } else {
            note
        };
        let weights = first.weights.clone();
        let mut info = view(
            search.data(),
            spec,
            weights,
            &members,
            e.temperature,
            Some(note),
            None,
        );
        info.set_part("validation rows, also in the ensemble's training rows");
        return Ok(info);
    }
    let refit = best.is_some() && search.winner_refitted();
    let (weights, note, rebuilt) = match (best, cached) {
        (Some(w), _) if refit => (
            w,
            Some(
                "The winner was refit on train + validation rows: the matrix below counts rows it \
                 trained on. Its held-out scores are the cross-validated and test ones on the \
                 leaderboard."
                    .to_string(),
            ),
            None,
        ),
        (Some(w), _) => (w, None, None),
        (None, Some(w)) => (w, Some(rebuilt_note(tr.inherited)), None),
        (None, None) => {
            let w = rebuild(search, &spec, tr.epochs().max(1))?;
            (w.clone(), Some(rebuilt_note(tr.inherited)), Some(w))
        }
    };
    let mut info = view(search.data(), spec, weights, &[], 1.0, note, rebuilt);
    if refit {
        info.set_part("validation rows, also in the refit's training rows");
    }
    Ok(info)
}

fn rebuilt_note(inherited: bool) -> String {
    let mut s =
        "Weights retrained on the CPU from this candidate's seed for the same epochs, for display."
            .to_string();
    if inherited {
        s.push_str(" It inherited its parent's weights in the search, so this replica differs.");
    }
    s
}

impl CandidateInfo {
    /// Renames the rows the evaluation was computed on (for the caption).
    pub fn set_part(&mut self, rows: &'static str) {
        match &mut self.evaluation {
            Some(Evaluation::Confusion { part, .. })
            | Some(Evaluation::Regression { part, .. }) => *part = rows,
            None => {}
        }
    }
}

/// The view of a network with its weights on prepared data; `model` holds the networks whose
/// share-weighted mean is the model shown when it is a bag or an ensemble (empty: the network
/// alone), whose class probabilities are scaled by `temperature`
/// ([`crate::model::calibration`]; 1 leaves them as they are).
pub fn view(
    data: &PreparedData,
    spec: Spec,
    weights: Weights,
    model: &[Weighted<'_>],
    temperature: f64,
    note: Option<String>,
    rebuilt: Option<Weights>,
) -> CandidateInfo {
    let alone = [Weighted {
        spec: &spec,
        weights: &weights,
        share: 1.0,
    }];
    let members = if model.is_empty() { &alone[..] } else { model };
    let output_names = match &data.task {
        Task::Classification { classes } => classes.clone(),
        Task::Regression => vec!["prediction".into()],
    };
    let boundary =
        (data.inputs() == 2 && spec.inputs == 2).then(|| boundary(data, members, temperature));
    let evaluation = (spec.inputs as usize == data.inputs()).then(|| evaluation(data, members));
    let models = members.len();
    CandidateInfo {
        spec,
        weights,
        models,
        input_names: data.feature_names.clone(),
        output_names,
        boundary,
        evaluation,
        note,
        rebuilt,
    }
}

fn argmax(row: &[f32]) -> (u32, f32) {
    let mut best = (0u32, f32::NEG_INFINITY);
    for (i, &p) in row.iter().enumerate() {
        if p > best.1 {
            best = (i as u32, p);
        }
    }
    best
}

fn sample_rows(rows: usize) -> Vec<usize> {
    let step = rows.div_ceil(MAX_POINTS).max(1);
    (0..rows).step_by(step).collect()
}

fn boundary(data: &PreparedData, members: &[Weighted<'_>], temperature: f64) -> Boundary {
    let (mut x0, mut x1, mut y0, mut y1) = (
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::INFINITY,
        f32::NEG_INFINITY,
    );
    for part in [&data.train, &data.valid] {
        for p in part.x.chunks_exact(2) {
            x0 = x0.min(p[0]);
            x1 = x1.max(p[0]);
            y0 = y0.min(p[1]);
            y1 = y1.max(p[1]);
        }
    }
    if x1 <= x0 || !(x0.is_finite() && x1.is_finite()) {
        (x0, x1) = (-1.0, 1.0);
    }
    if y1 <= y0 || !(y0.is_finite() && y1.is_finite()) {
        (y0, y1) = (-1.0, 1.0);
    }
    let (mx, my) = ((x1 - x0) * 0.08, (y1 - y0) * 0.08);
    let bounds = Bounds {
        x0: x0 - mx,
        x1: x1 + mx,
        y0: y0 - my,
        y1: y1 + my,
    };
    let mut grid = Vec::with_capacity(GRID * GRID * 2);
    for row in 0..GRID {
        for col in 0..GRID {
            let fx = (col as f32 + 0.5) / GRID as f32;
            let fy = (row as f32 + 0.5) / GRID as f32;
            grid.push(bounds.x0 + fx * (bounds.x1 - bounds.x0));
            grid.push(bounds.y0 + fy * (bounds.y1 - bounds.y0));
        }
    }
    let mut out = predict_weighted(members, &grid);
    let idx = sample_rows(data.valid.rows());
    let px = idx.iter().map(|&i| data.valid.x[i * 2]).collect();
    let py = idx.iter().map(|&i| data.valid.x[i * 2 + 1]).collect();
    let (classes, confidence, values, points) = match &data.task {
        Task::Classification { classes } => {
            let k = classes.len().max(1);
            crate::model::calibration::temper(&mut out, k, temperature);
            let (c, p): (Vec<u32>, Vec<f32>) = out.chunks_exact(k).map(argmax).unzip();
            let labels = idx.iter().map(|&i| data.valid.y[i] as u32).collect();
            (
                Some(c),
                Some(p),
                None,
                Points {
                    x: px,
                    y: py,
                    classes: Some(labels),
                    values: None,
                },
            )
        }
        Task::Regression => {
            let v = out.iter().map(|&y| data.unscale(y)).collect();
            let actual = idx.iter().map(|&i| data.unscale(data.valid.y[i])).collect();
            (
                None,
                None,
                Some(v),
                Points {
                    x: px,
                    y: py,
                    classes: None,
                    values: Some(actual),
                },
            )
        }
    };
    Boundary {
        size: GRID,
        bounds,
        classes,
        confidence,
        values,
        points,
        x_name: data.feature_names.first().cloned().unwrap_or_default(),
        y_name: data.feature_names.get(1).cloned().unwrap_or_default(),
    }
}

fn evaluation(data: &PreparedData, members: &[Weighted<'_>]) -> Evaluation {
    let out = predict_weighted(members, &data.valid.x);
    match &data.task {
        Task::Classification { classes } => {
            let k = classes.len().max(1);
            let mut matrix = vec![vec![0u32; k]; k];
            for (row, &y) in out.chunks_exact(k).zip(&data.valid.y) {
                let (p, _) = argmax(row);
                let t = (y.max(0.0) as usize).min(k - 1);
                matrix[t][p as usize] += 1;
            }
            Evaluation::Confusion {
                matrix,
                labels: classes.clone(),
                part: "validation rows",
            }
        }
        Task::Regression => {
            let idx = sample_rows(data.valid.rows());
            Evaluation::Regression {
                actual: idx.iter().map(|&i| data.unscale(data.valid.y[i])).collect(),
                predicted: idx
                    .iter()
                    .filter_map(|&i| out.get(i))
                    .map(|&v| data.unscale(v))
                    .collect(),
                part: "validation rows",
            }
        }
    }
}
