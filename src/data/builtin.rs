//! Built-in datasets, bundled in the binary: seeded 2-D toys for visual lessons and small real
//! tabular sets. Each loads as a [`Table`] so it goes through the same preparation as a CSV.

use super::table::{fingerprint, Column, Table};
use super::toys::{self, Toy, ToyTarget};
use super::{DataError, TaskKind};
use serde::{Deserialize, Serialize};

/// Description of a built-in dataset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuiltinInfo {
    /// Stable id used in URLs and on the command line.
    pub id: String,
    /// Display name.
    pub name: String,
    /// One or two sentences.
    pub description: String,
    /// Where the data comes from.
    pub source: String,
    /// Licence line.
    pub licence: String,
    /// What it is for.
    pub task: TaskKind,
    /// Whether it is generated from [`ToyOptions`] (otherwise fixed real data).
    pub toy: bool,
    /// Rows (for toys: with the default options).
    pub rows: usize,
    /// Raw feature columns.
    pub features: usize,
}

/// Generation options of the toy datasets (ignored by the real ones).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ToyOptions {
    /// Seed.
    pub seed: u64,
    /// Standard deviation of the added Gaussian noise, in `[0, 2]`.
    pub noise: f64,
    /// Rows, in `[10, 100000]`.
    pub samples: usize,
}

impl Default for ToyOptions {
    /// Seed 1, noise 0.1, 400 samples.
    fn default() -> Self {
        ToyOptions {
            seed: 1,
            noise: 0.1,
            samples: 400,
        }
    }
}

const GENERATED: &str = "generated in the browser from a seed";
const GENERATED_LICENCE: &str = "no licence needed (synthetic)";
const UCI_CC_BY: &str = "CC BY 4.0 (UCI Machine Learning Repository)";

type Generator = fn(usize, u64, f64) -> Toy;

const TOYS: [(&str, &str, &str, TaskKind, usize, Generator); 7] = [
    ("circle", "Circle", "Points inside a disk versus points on a ring around it: not linearly separable.", TaskKind::Classification, 2, toys::circle),
    ("xor", "XOR", "Class depends on whether x1 and x2 have the same sign: the classic problem a single neuron cannot solve.", TaskKind::Classification, 2, toys::xor),
    ("gaussians", "Two Gaussians", "Two overlapping Gaussian blobs: linearly separable up to the noise.", TaskKind::Classification, 2, toys::gaussians),
    ("spirals", "Two spirals", "Two interleaved spirals: hard for small networks, needs depth or good features.", TaskKind::Classification, 2, toys::spirals),
    ("moons", "Moons", "Two interleaving half circles.", TaskKind::Classification, 2, toys::moons),
    ("sine", "Sine (1-D regression)", "y = sin(3x) plus noise, for x in [-1, 1].", TaskKind::Regression, 1, toys::sine),
    ("bumps", "Bumps (2-D regression)", "A positive and a negative Gaussian bump on the plane, plus noise.", TaskKind::Regression, 2, toys::bumps),
];

/// Every built-in dataset, toys first.
pub fn list() -> Vec<BuiltinInfo> {
    let mut out: Vec<BuiltinInfo> = TOYS
        .iter()
        .map(|(id, name, description, task, features, _)| BuiltinInfo {
            id: id.to_string(),
            name: name.to_string(),
            description: description.to_string(),
            source: GENERATED.to_string(),
            licence: GENERATED_LICENCE.to_string(),
            task: *task,
            toy: true,
            rows: ToyOptions::default().samples,
            features: *features,
        })
        .collect();
    let real = |id: &str,
                name: &str,
                description: &str,
                source: &str,
                licence: &str,
                task,
                rows,
                features| BuiltinInfo {
        id: id.into(),
        name: name.into(),
        description: description.into(),
        source: source.into(),
        licence: licence.into(),
        task,
        toy: false,
        rows,
        features,
    };
    out.extend([
        real("iris", "Iris", "150 iris flowers of three species, 4 measurements each (Fisher, 1936).",
            "UCI Machine Learning Repository, Iris (R. A. Fisher), via smartcore", UCI_CC_BY, TaskKind::Classification, 150, 4),
        real("wine", "Wine", "178 wines from three cultivars of one Italian region, 13 chemical measurements each.",
            "UCI Machine Learning Repository, Wine (Forina et al.), copy from scikit-learn", UCI_CC_BY, TaskKind::Classification, 178, 13),
        real("breast_cancer", "Breast cancer (Wisconsin diagnostic)", "569 breast masses, 30 features of cell nuclei from images; malignant or benign.",
            "UCI Machine Learning Repository, Breast Cancer Wisconsin (Diagnostic) (Wolberg, Street, Mangasarian), via smartcore", UCI_CC_BY, TaskKind::Classification, 569, 30),
        real("digits", "Digits (8×8)", "1797 handwritten digits as 8×8 images of 0-16 grey levels; pixel_r_c is row r, column c.",
            "UCI Machine Learning Repository, Optical Recognition of Handwritten Digits (Alpaydin, Kaynak), via smartcore", UCI_CC_BY, TaskKind::Classification, 1797, 64),
        real("diabetes", "Diabetes", "442 diabetes patients, 10 baseline variables; predict disease progression after one year.",
            "Efron, Hastie, Johnstone, Tibshirani (2004), Least Angle Regression, via smartcore",
            "published with the paper for research use; redistributed by scikit-learn (BSD-3-Clause) and smartcore (Apache-2.0)", TaskKind::Regression, 442, 10),
    ]);
    out
}

fn check(options: &ToyOptions) -> Result<(), DataError> {
    if !(10..=100_000).contains(&options.samples) {
        return Err(DataError::InvalidOption {
            option: "samples".into(),
            reason: format!("{} is outside 10..=100000", options.samples),
        });
    }
    if !(0.0..=2.0).contains(&options.noise) {
        return Err(DataError::InvalidOption {
            option: "noise".into(),
            reason: format!("{} is outside 0..=2", options.noise),
        });
    }
    Ok(())
}

fn classes_column(name: &str, y: Vec<u32>, labels: &[&str]) -> Column {
    Column::categorical(name, y, labels.iter().map(|s| s.to_string()).collect())
}

fn table(id: &str, key: String, columns: Vec<Column>, task: TaskKind) -> Table {
    let rows = columns.first().map_or(0, |c| c.values.len());
    Table {
        name: id.to_string(),
        fingerprint: fingerprint(key.as_bytes()),
        columns,
        rows,
        format: None,
        task_hint: Some(task),
        warnings: Vec::new(),
    }
}

/// Row-major features into named numeric columns.
fn numeric_columns(data: &[f32], names: &[String]) -> Vec<Column> {
    let width = names.len().max(1);
    names
        .iter()
        .enumerate()
        .map(|(j, n)| {
            Column::numeric(
                n.clone(),
                data.iter().skip(j).step_by(width).copied().collect(),
            )
        })
        .collect()
}

fn strings(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// Loads a built-in dataset. The target is always the last column.
pub fn load(id: &str, options: &ToyOptions) -> Result<Table, DataError> {
    if let Some((_, _, _, task, _, generate)) = TOYS.iter().find(|t| t.0 == id) {
        check(options)?;
        let toy = generate(options.samples, options.seed, options.noise);
        let mut columns: Vec<Column> = toy
            .features
            .into_iter()
            .map(|(n, v)| Column::numeric(n, v))
            .collect();
        columns.push(match toy.target {
            ToyTarget::Classes(y, labels) => classes_column("class", y, &labels),
            ToyTarget::Values(v) => Column::numeric("y", v),
        });
        let key = format!(
            "builtin:{id}:{}:{}:{}",
            options.seed, options.noise, options.samples
        );
        return Ok(table(id, key, columns, *task));
    }
    let key = format!("builtin:{id}");
    match id {
        "iris" => {
            let d = smartcore::dataset::iris::load_dataset();
            let mut columns = numeric_columns(&d.data, &d.feature_names);
            columns.push(classes_column(
                "species",
                d.target,
                &["setosa", "versicolor", "virginica"],
            ));
            Ok(table(id, key, columns, TaskKind::Classification))
        }
        "breast_cancer" => {
            let d = smartcore::dataset::breast_cancer::load_dataset();
            let mut columns = numeric_columns(&d.data, &d.feature_names);
            columns.push(classes_column(
                "diagnosis",
                d.target,
                &["malignant", "benign"],
            ));
            Ok(table(id, key, columns, TaskKind::Classification))
        }
        "digits" => {
            let d = smartcore::dataset::digits::load_dataset();
            let names: Vec<String> = (0..64)
                .map(|i| format!("pixel_{}_{}", i / 8, i % 8))
                .collect();
            let mut columns = numeric_columns(&d.data, &names);
            let y = d.target.iter().map(|&t| t as u32).collect();
            let labels: Vec<String> = (0..10).map(|i| i.to_string()).collect();
            columns.push(Column::categorical("digit", y, labels));
            Ok(table(id, key, columns, TaskKind::Classification))
        }
        "diabetes" => {
            let d = smartcore::dataset::diabetes::load_dataset();
            let names = strings(&[
                "age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6",
            ]);
            let mut columns = numeric_columns(&d.data, &names);
            columns.push(Column::numeric(
                "progression",
                d.target.iter().map(|&t| t as f32).collect(),
            ));
            Ok(table(id, key, columns, TaskKind::Regression))
        }
        "wine" => wine(key),
        _ => Err(DataError::UnknownDataset {
            id: id.to_string(),
            available: list().into_iter().map(|b| b.id).collect(),
        }),
    }
}

const WINE_CSV: &str = include_str!("builtin_data/wine_data.csv");
const WINE_FEATURES: [&str; 13] = [
    "alcohol",
    "malic_acid",
    "ash",
    "alcalinity_of_ash",
    "magnesium",
    "total_phenols",
    "flavanoids",
    "nonflavanoid_phenols",
    "proanthocyanins",
    "color_intensity",
    "hue",
    "od280/od315_of_diluted_wines",
    "proline",
];

/// Decodes the bundled scikit-learn `wine_data.csv` (first line: rows, columns, class names).
fn wine(key: String) -> Result<Table, DataError> {
    let corrupt = |reason: String| DataError::BuiltinCorrupt {
        id: "wine".into(),
        reason,
    };
    let mut lines = WINE_CSV.lines().filter(|l| !l.trim().is_empty());
    let head: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let labels: Vec<&str> = head.iter().skip(2).copied().collect();
    let mut data = Vec::new();
    let mut y = Vec::new();
    for (i, line) in lines.enumerate() {
        let fields: Vec<&str> = line.split(',').collect();
        if fields.len() != 14 {
            return Err(corrupt(format!(
                "line {} has {} fields",
                i + 2,
                fields.len()
            )));
        }
        for f in &fields[..13] {
            data.push(
                f.trim()
                    .parse::<f32>()
                    .map_err(|e| corrupt(format!("line {}: {e}", i + 2)))?,
            );
        }
        let class: u32 = fields[13]
            .trim()
            .parse()
            .map_err(|e| corrupt(format!("line {}: {e}", i + 2)))?;
        if class as usize >= labels.len() {
            return Err(corrupt(format!("line {}: class {class}", i + 2)));
        }
        y.push(class);
    }
    let mut columns = numeric_columns(&data, &strings(&WINE_FEATURES));
    columns.push(classes_column("cultivar", y, &labels));
    Ok(table("wine", key, columns, TaskKind::Classification))
}
