//! The classical baselines on real data: every one of a task fits, and naive Bayes copes with
//! features that are constant within a class.
#![cfg(not(target_arch = "wasm32"))]

use automl::baselines::{fit, BaselineKind, DataSize, Prediction};
use automl::data::{builtin, prepare, PrepareOptions, PreparedData};

fn load(name: &str) -> PreparedData {
    let table = builtin::load(name, &Default::default()).unwrap();
    prepare(&table, &PrepareOptions::default()).unwrap()
}

fn valid_accuracy(p: &Prediction, data: &PreparedData) -> f64 {
    let Prediction::Classes { labels, .. } = p else {
        panic!("classes expected: {p:?}")
    };
    let right = labels
        .iter()
        .zip(&data.valid.y)
        .filter(|(&l, &y)| l as f32 == y)
        .count();
    right as f64 / labels.len() as f64
}

#[test]
fn every_classification_baseline_fits_digits() {
    // Digits' border pixels are blank in every image of some digits: constant within a class,
    // which made naive Bayes' log-likelihoods NaN before those features were left out of it.
    let data = load("digits");
    for kind in BaselineKind::for_task(&data.task, DataSize::of(&data)) {
        let f = fit(kind, &data, 1).unwrap_or_else(|e| panic!("{e}"));
        let acc = valid_accuracy(&f.valid, &data);
        let floor = if kind == BaselineKind::Majority {
            0.05
        } else {
            0.8
        };
        assert!(acc > floor, "{}: validation accuracy {acc}", kind.name());
    }
}

#[test]
fn naive_bayes_fits_a_feature_constant_within_one_class_only() {
    // `flag` is 0 for every "a" and varies for "b"; `x` separates the classes.
    let mut csv = String::from("x,flag,label\n");
    for i in 0..60 {
        let (label, x, flag) = if i % 2 == 0 {
            ("a", -1.0 - (i % 7) as f64 * 0.1, 0.0)
        } else {
            ("b", 1.0 + (i % 5) as f64 * 0.1, (i % 3) as f64)
        };
        csv.push_str(&format!("{x},{flag},{label}\n"));
    }
    let table =
        automl::data::csv::read_table(csv.as_bytes(), "flags.csv", &Default::default()).unwrap();
    let data = prepare(&table, &PrepareOptions::default()).unwrap();
    let f = fit(BaselineKind::GaussianNb, &data, 1).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(valid_accuracy(&f.valid, &data), 1.0);
}
