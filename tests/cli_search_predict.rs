//! The `automl` binary end to end: `search` on a CSV file that is not a built-in dataset (with
//! categorical and missing values), then `predict` on the same file, and the user errors.
#![cfg(not(target_arch = "wasm32"))]

use automl::data::{load_csv, prepare, LoadOptions, PrepareOptions, RoleOptions};
use automl::report::export::{ModelFile, RunExport};
use automl::report::metrics::Metrics;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const CUSTOMERS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/customers.csv");

fn automl(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_automl"))
        .args(args)
        .env("XDG_RUNTIME_DIR", "/tmp")
        .output()
        .unwrap()
}

/// A short CPU search without baselines, quietly.
const QUICK: &[&str] = &[
    "--max-epochs",
    "3",
    "--backend",
    "cpu",
    "--no-baselines",
    "-q",
];

/// A small CPU search with an epoch budget, as the predict tests run it.
const SMALL_SEARCH: &[&str] = &["--epochs", "240", "--max-epochs", "9", "--backend", "cpu"];

/// `automl search` on customers.csv with target `churned` and the `extra` arguments.
fn search_churned(extra: &[&str]) -> Output {
    let mut args = vec!["search", "--data", CUSTOMERS, "--target", "churned"];
    args.extend_from_slice(extra);
    automl(&args)
}

fn workdir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Runs a search on customers.csv (CPU, fixed seed, tiny epoch budget, a quarter of which
/// cross-validates the top candidate so that the winner is bagged) and then `predict`.
fn search_and_predict(dir: &Path, target: &str, seed: &str) -> (RunExport, ModelFile, String) {
    let (run, model, preds) = (
        dir.join("run.json"),
        dir.join("best.json"),
        dir.join("predictions.csv"),
    );
    let journal = dir.join("trials.jsonl");
    let mut args = vec!["search", "--data", CUSTOMERS, "--target", target];
    args.extend_from_slice(SMALL_SEARCH);
    args.extend_from_slice(&[
        "--seed",
        seed,
        "--out",
        p(&run),
        "--model",
        p(&model),
        "--journal",
        p(&journal),
    ]);
    let o = automl(&args);
    assert!(o.status.success(), "search failed: {}", stderr(&o));
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(table.contains("rank") && (table.contains("majority") || table.contains("mean")));
    for line in std::fs::read_to_string(&journal).unwrap().lines() {
        serde_json::from_str::<serde_json::Value>(line).unwrap();
    }
    let o = automl(&[
        "predict",
        "--model",
        p(&model),
        "--data",
        CUSTOMERS,
        "--out",
        p(&preds),
    ]);
    assert!(o.status.success(), "predict failed: {}", stderr(&o));
    let run: RunExport = serde_json::from_slice(&std::fs::read(&run).unwrap()).unwrap();
    let model: ModelFile = serde_json::from_slice(&std::fs::read(&model).unwrap()).unwrap();
    (run, model, std::fs::read_to_string(&preds).unwrap())
}

/// The rows as the search saw them (the same split seed and roles).
fn truth(target: &str, seed: u64) -> automl::data::PreparedData {
    let bytes = std::fs::read(CUSTOMERS).unwrap();
    let roles = RoleOptions {
        target: Some(target.into()),
        ..RoleOptions::default()
    };
    let load = LoadOptions {
        roles: roles.clone(),
        ..LoadOptions::default()
    };
    let (table, _) = load_csv(&bytes, "customers.csv", &load).unwrap();
    prepare(
        &table,
        &PrepareOptions {
            roles,
            seed,
            ..PrepareOptions::default()
        },
    )
    .unwrap()
}

#[test]
fn predict_reproduces_the_leaderboard_test_accuracy() {
    let dir = workdir("classification");
    let (run, model, preds) = search_and_predict(&dir, "churned", "5");
    let data = truth("churned", 5);
    assert_eq!(run.split, data.rows, "run export must record the split");
    let board = run.leaderboard.unwrap();
    let best = board.best_neural().unwrap();
    assert!(board.best_baseline().is_some());
    assert_eq!(model.test_metrics.as_ref(), Some(&best.test));
    // The winner is the bag of its 5 fold models, or an ensemble of several such bags.
    assert!(best.bag >= 5 && best.bag % 5 == 0, "{}", best.bag);
    assert_eq!(model.members().len(), best.bag as usize);
    assert_eq!(model.ensemble.len() + 1, best.ensemble.len().max(1));

    let mut lines = preds.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let classes = match &model.task {
        automl::data::Task::Classification { classes } => classes.clone(),
        _ => panic!("churned is a classification target"),
    };
    assert_eq!(header.len(), 1 + classes.len());
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let predicted: Vec<String> = rows.iter().map(|r| r[0].to_string()).collect();
    assert_eq!(predicted.len(), 300, "one prediction per data row");
    let correct = data
        .rows
        .test
        .iter()
        .zip(&data.test.y)
        .filter(|(&row, &y)| predicted[row] == classes[y as usize])
        .count();
    let accuracy = correct as f64 / data.test.rows() as f64;
    let Metrics::Classification(test) = &best.test else {
        panic!("classification metrics expected")
    };
    assert!(
        (accuracy - test.accuracy).abs() < 1e-9,
        "predict gives test accuracy {accuracy}, the leaderboard says {}",
        test.accuracy
    );
    // Its probabilities (calibrated when the model has a temperature) are the model file's,
    // whose log loss on the test rows is the leaderboard's.
    let automl::report::export::Predicted::Classes { probs, .. } =
        model.predict_features(&data.test.x)
    else {
        panic!("classification model")
    };
    for (i, &row) in data.rows.test.iter().enumerate() {
        for (c, printed) in rows[row][1..].iter().enumerate() {
            let p = probs[i * classes.len() + c];
            let printed: f32 = printed.parse().unwrap();
            assert!((printed - p).abs() <= 6e-7, "row {row}: {printed} {p}");
        }
    }
    let log_loss = data
        .test
        .y
        .iter()
        .enumerate()
        .map(|(i, &y)| {
            -(probs[i * classes.len() + y as usize] as f64)
                .clamp(1e-15, 1.0)
                .ln()
        })
        .sum::<f64>()
        / data.test.rows() as f64;
    assert!(
        (log_loss - test.log_loss.unwrap()).abs() < 1e-9,
        "{log_loss} {test:?}"
    );

    // Values the model cannot use as they are still get a prediction, and a warning each.
    let odd = dir.join("odd.csv");
    std::fs::write(
        &odd,
        "customer_id,signup_date,age,plan,region,monthly_spend,support_calls,newsletter,tenure_months\n\
         C1,2024-05-17,abc,basic,west,21.12,0,yes,71\n\
         C2,2024-05-17,40,diamond,west,21.12,0,yes,71\n\
         C3,2024-05-17,41,gold,west,21.12,0,yes,71\n\
         C4,,,,,,,,\n",
    )
    .unwrap();
    let o = automl(&[
        "predict",
        "--model",
        p(&dir.join("best.json")),
        "--data",
        p(&odd),
    ]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 5);
    let warning = |text: &str| format!("warning: {}: {text}", odd.display());
    assert!(
        err.contains(&warning(
            "column \"age\": 1 value is not a number (in row 1: \"abc\"); encoded as missing"
        )),
        "{err}"
    );
    assert!(
        err.contains(&warning(
            "column \"plan\": 2 values are not among the model's categories (first in row 2: \"diamond\")"
        )),
        "{err}"
    );
    assert_eq!(
        err.lines().count(),
        2,
        "missing values are not warned about: {err}"
    );
}

#[test]
fn predict_reproduces_the_leaderboard_test_rmse() {
    let dir = workdir("regression");
    let (run, _, preds) = search_and_predict(&dir, "monthly_spend", "2");
    let data = truth("monthly_spend", 2);
    let best = run.leaderboard.unwrap().best_neural().unwrap().clone();
    let predicted: Vec<f64> = preds.lines().skip(1).map(|l| l.parse().unwrap()).collect();
    assert_eq!(predicted.len(), 300);
    let se: f64 = data
        .rows
        .test
        .iter()
        .zip(&data.test.y)
        .map(|(&row, &y)| (predicted[row] - data.unscale(y) as f64).powi(2))
        .sum();
    let rmse = (se / data.test.rows() as f64).sqrt();
    let Metrics::Regression(test) = &best.test else {
        panic!("regression metrics expected")
    };
    assert!(
        (rmse - test.rmse).abs() <= 1e-3 * test.rmse.max(1.0),
        "predict gives test RMSE {rmse}, the leaderboard says {}",
        test.rmse
    );
}

/// Exit code and a one-line message naming the problem; never a panic.
fn fails(args: &[&str], code: i32, needle: &str) {
    let o = automl(args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(code), "{args:?}: {err}");
    assert!(err.contains(needle), "{args:?}: {err:?} lacks {needle:?}");
    assert!(!err.contains("panicked"), "{args:?} panicked: {err}");
    assert!(err.starts_with("error: "), "{err}");
}

#[test]
fn user_errors_have_exit_codes_and_clear_messages() {
    let dir = workdir("errors");
    let missing = dir.join("missing.csv");
    fails(&["search", "--data", p(&missing), "-q"], 1, "cannot read");
    fails(
        &["search", "--data", CUSTOMERS, "--target", "nope", "-q"],
        1,
        "no column named \"nope\"",
    );
    fails(
        &["search", "--data", "builtin:nope", "-q"],
        1,
        "no built-in dataset",
    );
    let ragged = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/ragged.csv");
    fails(&["search", "--data", ragged, "-q"], 1, "row 3");
    fails(&["search", "--budget", "ten", "-q"], 2, "--budget");
    fails(&["search", "--budget", "0s", "-q"], 2, "--budget");
    fails(&["search", "--sampler", "tpe", "--inherit"], 2, "--inherit");
    fails(&["search", "--backend", "tpu"], 2, "unknown backend");
    fails(
        &["search", "--cv-folds", "1", "-q"],
        2,
        "1 fold cannot cross-validate",
    );
    fails(&["search", "--cv-folds", "21", "-q"], 2, "between 2 and 20");
    fails(
        &["search", "--data", CUSTOMERS, "--exclude", "churned", "-q"],
        1,
        "\"churned\" is the target and also excluded",
    );
    // A given delimiter is used (and named when the file does not split at it).
    fails(
        &["search", "--data", CUSTOMERS, "--delimiter", ";", "-q"],
        1,
        "split at the given delimiter ';'",
    );
    fails(
        &["search", "--delimiter", ";", "-q"],
        2,
        "--delimiter applies to CSV files",
    );
    // Outputs that cannot be written are said before the search runs (no leaderboard printed).
    let nowhere = dir.join("no-such-folder").join("run.json");
    for (args, needle) in [
        (
            vec!["search", "--out", p(&nowhere), "-q"],
            "--out ".to_string() + p(&nowhere) + ": cannot write there",
        ),
        (
            vec!["search", "--model", p(&dir), "-q"],
            "it is a folder".to_string(),
        ),
        (
            vec![
                "search",
                "--out",
                p(&missing),
                "--journal",
                p(&missing),
                "-q",
            ],
            "--out and --journal both name".to_string(),
        ),
    ] {
        fails(&args, 1, &needle);
        assert!(automl(&args).stdout.is_empty(), "{args:?}");
    }
    assert!(!missing.exists(), "the check leaves no file behind");

    let bad = dir.join("bad.json");
    std::fs::write(&bad, "{\"format\": \"automl-model\"}").unwrap();
    fails(
        &["predict", "--model", p(&bad), "--data", CUSTOMERS],
        1,
        "is not a model file",
    );
    fails(
        &[
            "predict",
            "--model",
            p(&dir.join("none.json")),
            "--data",
            CUSTOMERS,
        ],
        1,
        "cannot read",
    );

    // A model whose columns the new file lacks.
    let model = dir.join("best.json");
    let o = search_churned(&[QUICK, &["--epochs", "20", "--model", p(&model)]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let fewer = dir.join("fewer.csv");
    let text: String = std::fs::read_to_string(CUSTOMERS)
        .unwrap()
        .lines()
        .map(|l| l.split(',').take(4).collect::<Vec<_>>().join(",") + "\n")
        .collect();
    std::fs::write(&fewer, text).unwrap();
    fails(
        &["predict", "--model", p(&model), "--data", p(&fewer)],
        1,
        "lacks the column",
    );
}

/// The GPU population trainer through the search (lavapipe when there is no GPU).
#[test]
fn search_runs_on_the_gpu_backend() {
    let dir = workdir("gpu");
    let model = dir.join("best.json");
    let o = automl(&[
        "search",
        "--data",
        "builtin:iris",
        "--epochs",
        "16",
        "--max-epochs",
        "3",
        "--parallel",
        "4",
        "--backend",
        "gpu",
        "--no-baselines",
        "--seed",
        "3",
        "--model",
        p(&model),
    ]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("training on the GPU"), "{err}");
    let model: ModelFile = serde_json::from_slice(&std::fs::read(&model).unwrap()).unwrap();
    model.check().unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).contains("rank"));
}

/// Ctrl-C (SIGINT) stops the search, saves its state with `--save-state`, and still prints the
/// leaderboard; `--resume` continues from the saved trials and budget to the end.
#[test]
fn interrupt_saves_the_state_and_resume_continues_it() {
    use std::process::Stdio;
    let dir = workdir("interrupt");
    let state = dir.join("state.json");
    let child = Command::new(env!("CARGO_BIN_EXE_automl"))
        .args([
            "search",
            "--data",
            "builtin:digits",
            "--epochs",
            "1000000",
            "--backend",
            "cpu",
            "--no-baselines",
            "-q",
            "--save-state",
            p(&state),
        ])
        .env("XDG_RUNTIME_DIR", "/tmp")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Let it train for a while (the budget would take far longer), then press Ctrl-C.
    std::thread::sleep(std::time::Duration::from_secs(6));
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {:?}: {err}", out.status);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("   1  "),
        "leaderboard with a first row after the stop: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    let used = saved["epochs_used"].as_u64().unwrap();
    assert!(
        used > 0 && used < 1_000_000,
        "epochs used when stopped: {used}"
    );

    // Resuming continues the same search (same budget, already spent part included): stop it
    // again after a while and check that it trained more on top of the saved trials.
    let state2 = dir.join("state2.json");
    let child = Command::new(env!("CARGO_BIN_EXE_automl"))
        .args([
            "search",
            "--resume",
            p(&state),
            "--backend",
            "cpu",
            "-q",
            "--save-state",
            p(&state2),
        ])
        .env("XDG_RUNTIME_DIR", "/tmp")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_secs(4));
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let resumed: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&state2).unwrap()).unwrap();
    let used2 = resumed["epochs_used"].as_u64().unwrap();
    assert!(
        used2 > used,
        "resumed search trained more: {used} then {used2}"
    );
    let trials = |v: &serde_json::Value| v["trials"].as_array().map_or(0, |t| t.len());
    assert!(trials(&resumed) >= trials(&saved), "saved trials kept");

    // A file that is not a saved state is a clear error.
    let o = automl(&["search", "--resume", CUSTOMERS]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("is not a search state"),
        "{}",
        stderr(&o)
    );
}

/// `--print-space` shows the task's default space; a partial `--space` file edits it, and the
/// search proposes only from the edited space; a bad file names itself and the field.
#[test]
fn a_space_file_edits_the_default_space() {
    let dir = workdir("space");
    let o = search_churned(&["--print-space"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let default: automl::search::space::SearchSpace =
        serde_json::from_slice(&o.stdout).expect("the printed space is a space");
    assert_eq!(default.depth, (1, 4));

    let file = dir.join("space.json");
    std::fs::write(
        &file,
        r#"{"depth": [1, 1], "width": {"min": 4, "max": 12}, "activations": ["tanh"]}"#,
    )
    .unwrap();
    let o = search_churned(&["--space", p(&file), "--print-space"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let edited: automl::search::space::SearchSpace = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!((edited.depth, edited.width.max), ((1, 1), 12.0));
    assert_eq!(
        edited.learning_rate, default.learning_rate,
        "other fields keep the default"
    );

    let run = dir.join("run.json");
    let o = search_churned(
        &[
            QUICK,
            &["--space", p(&file), "--epochs", "60", "--out", p(&run)],
        ]
        .concat(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let export: RunExport = serde_json::from_slice(&std::fs::read(&run).unwrap()).unwrap();
    assert_eq!(export.space, edited);
    assert!(export.trials.len() > 3);
    for t in &export.trials {
        let hidden = &t.spec.raw().hidden;
        assert_eq!(hidden.len(), 1, "trial {}", t.id);
        assert!((4..=12).contains(&hidden[0].width), "trial {}", t.id);
        assert_eq!(hidden[0].activation, automl::model::Activation::Tanh);
    }

    std::fs::write(&file, r#"{"depth": [1, 2], "widht": {"max": 64}}"#).unwrap();
    let space = p(&file).to_string();
    fails(
        &["search", "--space", &space, "-q"],
        1,
        "space.json: invalid search space: widht: unknown field",
    );
    std::fs::write(&file, r#"{"dropout": {"max": 2}}"#).unwrap();
    fails(&["search", "--space", &space, "-q"], 1, "dropout");
    std::fs::write(&file, "{\"depth\": [1, 2],\n}").unwrap();
    fails(&["search", "--space", &space, "-q"], 1, "JSON line 2");
}

#[test]
fn search_reports_what_happens_to_the_rows_even_when_quiet() {
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/missing_target.csv");
    let mut args = vec![
        "search", "--data", file, "--target", "target", "--epochs", "6",
    ];
    args.extend_from_slice(QUICK);
    let o = automl(&args);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    let warning = |text: &str| format!("warning: {file}: {text}");
    assert!(
        err.contains(&warning(
            "2 rows have no value in the target column \"target\" and are dropped"
        )),
        "{err}"
    );
    assert!(
        err.contains(&warning(
            "classes with a single row (kept in the training part only, never scored): c"
        )),
        "{err}"
    );
    // The small epoch budget is used: the leaderboard has networks.
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("   1  "),
        "{err}"
    );
}

#[test]
fn the_summary_line_says_the_baselines_were_fitted_before_the_budget() {
    let o = automl(&[
        "search",
        "--data",
        "builtin:iris",
        "--epochs",
        "30",
        "--max-epochs",
        "3",
        "--backend",
        "cpu",
    ]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    let line = err
        .lines()
        .find(|l| l.starts_with("searched "))
        .unwrap_or_else(|| panic!("no summary line: {err}"));
    assert!(
        line.contains(" s (baselines fitted and scored before: "),
        "{line}"
    );
    assert!(line.ends_with("candidate-epochs"), "{line}");
}

#[test]
fn search_names_a_column_that_encodes_to_nothing_on_the_training_rows() {
    // "rare" has a value in 2 of 200 rows; with some split seed, neither is a training row.
    let dir = workdir("dropped");
    let file = dir.join("rare.csv");
    let mut csv = String::from("x,rare,y\n");
    for i in 0..200 {
        let rare = match i {
            7 => "1.5",
            57 => "2.5",
            _ => "",
        };
        csv.push_str(&format!("{},{rare},{}\n", i % 17, i % 2));
    }
    std::fs::write(&file, &csv).unwrap();
    let (table, _) = load_csv(csv.as_bytes(), "rare.csv", &LoadOptions::default()).unwrap();
    let seed = (1..200u64)
        .find(|&seed| {
            let options = PrepareOptions {
                seed,
                ..PrepareOptions::default()
            };
            let data = prepare(&table, &options).unwrap();
            data.preparation.dropped == ["rare"]
        })
        .expect("a seed whose training part has no value of \"rare\"");
    let seed = seed.to_string();
    let mut args = vec![
        "search",
        "--data",
        p(&file),
        "--target",
        "y",
        "--epochs",
        "6",
        "--seed",
        &seed,
    ];
    args.extend_from_slice(QUICK);
    let o = automl(&args);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains(&format!(
            "warning: {}: column \"rare\" is not used: on the training rows it has no value",
            p(&file)
        )),
        "{err}"
    );
}

#[test]
fn search_on_a_tiny_table_says_its_scores_are_coarse() {
    let dir = workdir("tiny");
    let file = dir.join("tiny.csv");
    let csv: String = std::iter::once("x,y\n".to_string())
        .chain((0..12).map(|i| format!("{},{}\n", i % 5, i % 2)))
        .collect();
    std::fs::write(&file, &csv).unwrap();
    let mut args = vec![
        "search",
        "--data",
        p(&file),
        "--target",
        "y",
        "--epochs",
        "6",
    ];
    args.extend_from_slice(QUICK);
    let o = automl(&args);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    let warning = format!("warning: {}: only ", p(&file));
    let line = err
        .lines()
        .find(|l| l.starts_with(&warning))
        .unwrap_or_else(|| panic!("no warning about the tiny parts in:\n{err}"));
    assert!(
        line.contains("validation and") && line.contains("test rows: one row is"),
        "{line}"
    );
}

#[test]
fn no_calibration_keeps_the_raw_probabilities() {
    let dir = workdir("no-calibration");
    let model_at = |name: &str| dir.join(name);
    for (name, extra) in [
        ("calibrated.json", None),
        ("raw.json", Some("--no-calibration")),
    ] {
        let path = model_at(name);
        let mut args = SMALL_SEARCH.to_vec();
        args.extend_from_slice(&["--seed", "5", "-q", "--model", p(&path)]);
        args.extend(extra);
        let o = search_churned(&args);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let read = |name: &str| -> ModelFile {
        serde_json::from_slice(&std::fs::read(model_at(name)).unwrap()).unwrap()
    };
    let (calibrated, raw) = (read("calibrated.json"), read("raw.json"));
    assert!(calibrated.temperature.is_some_and(|t| t > 1.0));
    assert_eq!(raw.temperature, None);
    assert_eq!(
        (&raw.weights, &raw.bag, &raw.ensemble),
        (&calibrated.weights, &calibrated.bag, &calibrated.ensemble),
        "the same search"
    );
}
