//! `automl search`: runs a search on a CSV file or a built-in dataset with a progress bar and
//! event lines, prints the leaderboard and writes the run, the best model and an Optuna journal.

use super::input::{check_outputs, prepared, read_file, write_file, write_json, Source};
use automl::backend::{Backend, BackendChoice};
use automl::data::{PreparedData, Task, TaskKind};
use automl::platform::block_on;
use automl::report::export::{optuna_journal, ModelFile, RunExport};
use automl::report::leaderboard::metric_text;
use automl::search::events::Event;
use automl::search::run::{Search, SearchConfig};
use automl::search::sampler::evolution::EvolutionConfig;
use automl::search::sampler::{Objective, SamplerConfig};
use automl::search::schedule::{Fidelity, Plan, SchedulerConfig};
use automl::search::space::SearchSpace;
use automl::search::Budget;
use automl::Error;
use indicatif::{ProgressBar, ProgressStyle};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Options of `automl search`.
#[derive(clap::Args)]
pub struct Args {
    /// A CSV file, or `builtin:NAME` (iris, wine, breast_cancer, digits, diabetes, …). Default:
    /// builtin:iris.
    #[arg(long)]
    data: Option<String>,
    /// Target column (default: the dataset's target, or the last column of a CSV file).
    #[arg(long)]
    target: Option<String>,
    /// Task, when the inferred one is wrong.
    #[arg(long, value_parser = ["classification", "regression"])]
    task: Option<String>,
    /// Columns not to use as features (repeatable).
    #[arg(long)]
    exclude: Vec<String>,
    /// Field delimiter of a CSV file (detected when absent).
    #[arg(long)]
    delimiter: Option<char>,
    /// Wall-clock budget of the search phase: `90`, `90s`, `2m`, `1.5m` (default 60s when no
    /// --epochs is given).
    #[arg(long, value_parser = parse_budget)]
    budget: Option<f64>,
    /// Budget in candidate-epochs (one candidate trained one epoch = 1).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    epochs: Option<u64>,
    /// Proposal strategy [default: tpe; evolution with --inherit].
    #[arg(long, value_parser = ["tpe", "random", "evolution"])]
    sampler: Option<String>,
    /// Early stopping: asha, hyperband, sh (successive halving) or none.
    #[arg(long, default_value = "asha", value_parser = ["asha", "hyperband", "sh", "none"])]
    scheduler: String,
    /// Evolution children start from their parent's weights (implies --sampler evolution).
    #[arg(long)]
    inherit: bool,
    /// Seed of the run (split, proposals, initial weights, baselines).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Trainer: auto (the faster of GPU and CPU, measured by a quick probe), gpu or cpu.
    #[arg(long, default_value = "auto")]
    backend: BackendChoice,
    /// Epochs of a candidate that trains to the end; the lowest rung is max/27 (at least 1).
    #[arg(long, default_value_t = 81, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    max_epochs: u32,
    /// Candidates trained together (ASHA slots, or the population without early stopping).
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=256))]
    parallel: u32,
    /// Skip the classical baselines.
    #[arg(long)]
    no_baselines: bool,
    /// Folds of the cross-validation of the top candidates after the search phase (0 = off).
    /// With it, up to 25 % of the budget is held back for it and the winner is the best
    /// cross-validated candidate.
    #[arg(long, default_value_t = 5, value_parser = parse_cv_folds)]
    cv_folds: u32,
    /// How many of the top candidates (by validation score, passing over near-copies of a better one) are cross-validated, at most.
    #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u32).range(1..=64))]
    cv_candidates: u32,
    /// Keep one network as the winner instead of the bag of its cross-validation fold models
    /// (the default with cross-validation); it is then refit on train + validation.
    #[arg(long)]
    no_bag: bool,
    /// Bag the winner's fold models alone instead of choosing an ensemble of the
    /// cross-validated candidates' fold models (the default: greedy selection on their
    /// out-of-fold predictions, which may keep the winner alone).
    #[arg(long)]
    no_ensemble: bool,
    /// Keep the winner's raw class probabilities instead of softening them by a temperature
    /// fitted on its out-of-fold predictions (the default for classification with a bag; the
    /// predicted classes are the same either way).
    #[arg(long)]
    no_calibration: bool,
    /// Always retrain the winner on train + validation before its test evaluation, as one
    /// network (by default this happens when cross-validation ran and the winner is not bagged).
    #[arg(long, conflicts_with = "no_refit")]
    refit: bool,
    /// Never retrain the winner on train + validation.
    #[arg(long)]
    no_refit: bool,
    /// A JSON file editing the search space: an object with only the fields to change, e.g.
    /// `{"depth": [1, 2], "width": {"max": 128}, "activations": ["relu", "tanh"]}`; every other
    /// field keeps the task's default (see --print-space).
    #[arg(long)]
    space: Option<PathBuf>,
    /// Print the search space the search would use (the task's default, edited by --space) as
    /// JSON, and exit without searching.
    #[arg(long)]
    print_space: bool,
    /// Write the whole run as JSON here.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Write the best network (with its data preparation) here, for `automl predict`.
    #[arg(long)]
    model: Option<PathBuf>,
    /// Write the trials as an Optuna journal (JSON lines) here.
    #[arg(long)]
    journal: Option<PathBuf>,
    /// No progress bar or event lines; only the leaderboard.
    #[arg(long, short)]
    quiet: bool,
    /// On Ctrl-C, save the search's state here before stopping, so `--resume` can continue it.
    #[arg(long)]
    save_state: Option<PathBuf>,
    /// Continue a search saved with `--save-state`: data, settings, trials and the budget already
    /// spent come from the file.
    #[arg(long, conflicts_with_all = ["data", "delimiter", "target", "task", "exclude", "budget", "epochs", "sampler", "inherit", "seed", "max_epochs", "parallel", "no_baselines", "cv_folds", "cv_candidates", "no_refit", "no_bag", "no_ensemble", "no_calibration", "space", "print_space"])]
    resume: Option<PathBuf>,
}

/// Parses `90`, `90s`, `2m`, `1.5m`, `1h` into seconds.
fn parse_budget(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let (number, unit) = match t.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((i, _)) => (&t[..i], &t[i..]),
        None => (t, "s"),
    };
    let scale = match unit {
        "s" | "sec" => 1.0,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        other => return Err(format!("unknown unit {other:?} (use s, m or h, e.g. 60s)")),
    };
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a duration (e.g. 60s, 2m)"))?;
    let seconds = value * scale;
    if !seconds.is_finite() || seconds <= 0.0 || seconds > 7.0 * 86_400.0 {
        return Err(format!("{s:?} must be more than 0 and at most a week"));
    }
    Ok(seconds)
}

/// `--cv-folds`: 0 turns the stage off; otherwise 2 to 20 folds (one fold would leave no rows
/// to train on, and silently skipping the stage would hide that).
fn parse_cv_folds(s: &str) -> Result<u32, String> {
    let folds: u32 = s
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a whole number of folds"))?;
    match folds {
        0 | 2..=20 => Ok(folds),
        1 => Err("1 fold cannot cross-validate (no rows would be left to train on); use 0 to turn the stage off, or 2 to 20 folds".into()),
        _ => Err(format!("{folds} folds; between 2 and 20 are allowed (0 = off)")),
    }
}

/// A usage error found after parsing (exit code 2, clap's format).
fn usage(message: &str) -> ! {
    use clap::CommandFactory;
    super::Cli::command()
        .error(clap::error::ErrorKind::ArgumentConflict, message)
        .exit()
}

fn config(args: &Args) -> SearchConfig {
    let sampler = match (args.sampler.as_deref(), args.inherit) {
        (Some("evolution"), inherit) | (None, inherit @ true) => {
            SamplerConfig::Evolution(EvolutionConfig {
                inherit,
                ..EvolutionConfig::default()
            })
        }
        (Some(other), true) => usage(&format!(
            "--inherit needs --sampler evolution (got --sampler {other})"
        )),
        (Some("random"), false) => SamplerConfig::Random,
        _ => SamplerConfig::Tpe(Default::default()),
    };
    let scheduler = match args.scheduler.as_str() {
        "hyperband" => SchedulerConfig::Hyperband,
        "sh" => SchedulerConfig::SuccessiveHalving,
        "none" => SchedulerConfig::None {
            parallel: args.parallel,
        },
        _ => SchedulerConfig::Asha {
            slots: args.parallel,
        },
    };
    let seconds = match (args.budget, args.epochs) {
        (None, None) => Some(60.0),
        (s, _) => s,
    };
    SearchConfig {
        seed: args.seed,
        sampler,
        scheduler,
        fidelity: Fidelity {
            min_epochs: (args.max_epochs / 27).max(1),
            max_epochs: args.max_epochs,
            eta: 3,
        },
        budget: Budget {
            seconds,
            epochs: args.epochs,
        },
        baselines: !args.no_baselines,
        cv_folds: args.cv_folds,
        cv_candidates: args.cv_candidates as usize,
        bag: !args.no_bag,
        ensemble: !args.no_ensemble,
        calibrate: !args.no_calibration,
        refit: match (args.refit, args.no_refit) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        },
        ..SearchConfig::default()
    }
}

/// A search from the arguments, or the one saved in `--resume`.
fn open_search(args: &Args) -> Result<Search, Error> {
    if let Some(path) = &args.resume {
        let bytes = read_file(path)?;
        let state = serde_json::from_slice(&bytes).map_err(|e| {
            Error::Input(format!(
                "{} is not a search state written by --save-state: {e}",
                path.display()
            ))
        })?;
        return Ok(Search::resume(state));
    }
    let mut config = config(args);
    let task = args.task.as_deref().map(|t| match t {
        "regression" => TaskKind::Regression,
        _ => TaskKind::Classification,
    });
    let source = Source::parse(args.data.as_deref());
    if let (Source::Builtin(id), Some(_)) = (&source, args.delimiter) {
        usage(&format!(
            "--delimiter applies to CSV files; builtin:{id} is a built-in dataset"
        ));
    }
    let (data, warnings) = prepared(
        &source,
        args.target.clone(),
        task,
        args.exclude.clone(),
        args.delimiter,
        args.seed,
    )?;
    // Printed even with --quiet: they say what happens to the user's rows.
    for w in warnings {
        eprintln!("warning: {w}");
    }
    config.space = Some(space(args, &data)?);
    Search::new(config, &data).map_err(|e| Error::Input(e.to_string()))
}

/// The task's default space for `data`, edited by the `--space` file when one is given.
fn space(args: &Args, data: &PreparedData) -> Result<SearchSpace, Error> {
    let default = SearchSpace::default_for_data(data);
    let Some(path) = &args.space else {
        return Ok(default);
    };
    let bytes = read_file(path)?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|e| Error::Input(format!("{} is not UTF-8 text: {e}", path.display())))?;
    default
        .with_overrides(text)
        .map_err(|e| Error::Input(format!("{}: {e}", path.display())))
}

pub fn run(args: Args) -> Result<(), Error> {
    // A search can run for long; an output that cannot be written is said before it starts.
    let outputs: Vec<(&str, &Path)> = [
        ("--out", &args.out),
        ("--model", &args.model),
        ("--journal", &args.journal),
        ("--save-state", &args.save_state),
    ]
    .into_iter()
    .filter_map(|(flag, path)| path.as_deref().map(|p| (flag, p)))
    .collect();
    if !args.print_space {
        check_outputs(&outputs)?;
    }
    let mut search = open_search(&args)?;
    if args.print_space {
        let json = serde_json::to_string_pretty(search.space())
            .map_err(|e| Error::Input(format!("cannot encode the search space: {e}")))?;
        println!("{json}");
        return Ok(());
    }
    let data = search.data().clone();
    let seed = search.config().seed;
    let (mut trainer, info) = block_on(Backend::choose(args.backend, search.trainer_data()))
        .map_err(|e| Error::Input(e.to_string()))?;
    // Cross-validation folds and the refit train on other rows: a new trainer of the same kind
    // is built whenever the search's data generation changes.
    let mut generation = search.data_generation();
    // Ctrl-C is the user's "stop": the step under way completes, the state is saved if asked,
    // and the search ends with the leaderboard of what was trained.
    let interrupted = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&interrupted);
    if let Err(e) = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst)) {
        eprintln!("warning: Ctrl-C cannot stop the search cleanly here ({e})");
    }
    let start_unix_ms = unix_ms();
    let mut view = View::new(args.quiet, &data);
    view.line(info.announcement());
    while !search.is_finished() {
        if interrupted.load(Ordering::SeqCst) {
            view.line("interrupted".to_string());
            if let Some(path) = &args.save_state {
                let state =
                    block_on(search.save(&mut trainer)).map_err(|e| Error::Input(e.to_string()))?;
                write_json(path, &state)?;
                view.line(format!(
                    "search state saved to {0}; continue with: automl search --resume {0}",
                    path.display()
                ));
            }
            let events =
                block_on(search.stop(&mut trainer)).map_err(|e| Error::Input(e.to_string()))?;
            for event in &events {
                view.event(event, &search);
            }
            break;
        }
        if search.data_generation() != generation {
            let kind = trainer.kind().parse().unwrap_or(args.backend);
            trainer = block_on(Backend::choose(kind, search.trainer_data()))
                .map_err(|e| Error::Input(e.to_string()))?
                .0;
            generation = search.data_generation();
        }
        let events = block_on(search.step(&mut trainer)).map_err(|e| {
            view.bar.finish_and_clear();
            Error::Input(e.to_string())
        })?;
        for event in &events {
            view.event(event, &search);
        }
        view.update(&search);
    }
    // The refit stage normally retrains the winner; after a stop (Ctrl-C) it is skipped, and
    // --refit still asks for it here.
    let mut refit = if args.refit && !search.winner_refitted() {
        Some(
            block_on(Backend::choose(args.backend, search.refit_data()))
                .map_err(|e| Error::Input(e.to_string()))?
                .0,
        )
    } else {
        None
    };
    let events = block_on(search.finish(refit.as_mut())).map_err(|e| {
        view.bar.finish_and_clear();
        Error::Input(e.to_string())
    })?;
    view.bar.finish_and_clear();
    for event in &events {
        view.event(event, &search);
    }
    if let Some(board) = search.leaderboard() {
        print!("{}", board.table());
    }
    if let Some(path) = &args.out {
        write_json(path, &RunExport::from_search(&search))?;
        view.line(format!("run written to {}", path.display()));
    }
    if let Some(path) = &args.model {
        match ModelFile::from_search(&search) {
            Some(model) => {
                write_json(path, &model)?;
                view.line(format!("best model written to {}", path.display()));
            }
            None => {
                return Err(Error::Input(format!(
                    "no network finished training within the budget; {} was not written",
                    path.display()
                )))
            }
        }
    }
    if let Some(path) = &args.journal {
        let study = format!("{}-seed{}", data.name, seed);
        write_file(
            path,
            optuna_journal(&search, &study, start_unix_ms).as_bytes(),
        )?;
        view.line(format!("Optuna journal written to {}", path.display()));
    }
    Ok(())
}

fn unix_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

/// The terminal view: a progress bar (elapsed against the budget, with ETA) and event lines.
struct View {
    bar: ProgressBar,
    quiet: bool,
    best: Option<Objective>,
    metric: &'static str,
    scale: Option<(f32, f32)>,
    /// Time the baselines took to fit and predict (before the budget starts).
    baselines_ms: f64,
    /// Time the baselines took to fit on the cross-validation folds (after the budget).
    baseline_cv_ms: f64,
    /// Time the baselines took to refit on train + validation (after the budget).
    baseline_refits_ms: f64,
}

impl View {
    fn new(quiet: bool, data: &PreparedData) -> View {
        let bar = if quiet {
            ProgressBar::hidden()
        } else {
            let bar = ProgressBar::new(1000);
            let style = ProgressStyle::with_template(
                "{spinner} {elapsed_precise} [{bar:30}] {percent:>3}% ETA {eta} {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
            bar.set_style(style);
            bar.enable_steady_tick(Duration::from_millis(250));
            bar
        };
        View {
            bar,
            quiet,
            best: None,
            metric: match data.task {
                Task::Classification { .. } => "acc",
                Task::Regression => "RMSE",
            },
            scale: data.target_scale,
            baselines_ms: 0.0,
            baseline_cv_ms: 0.0,
            baseline_refits_ms: 0.0,
        }
    }

    fn line(&self, text: String) {
        if !self.quiet {
            self.bar.suspend(|| eprintln!("{text}"));
        }
    }

    fn update(&self, search: &Search) {
        self.bar
            .set_position((search.progress() * 1000.0).round() as u64);
        let best = self
            .best
            .map(|o| format!(" · best val {} {}", self.metric, self.show(o.primary)))
            .unwrap_or_default();
        self.bar.set_message(format!(
            "{} trials · {} epochs{best}",
            search.trials().len(),
            search.epochs_used()
        ));
    }

    /// An objective's primary value as the user reads it (accuracy, or RMSE in target units).
    fn show(&self, primary: f64) -> String {
        match self.scale {
            None => metric_text(1.0 - primary),
            Some((_, std)) => metric_text(primary * std as f64),
        }
    }

    fn event(&mut self, event: &Event, search: &Search) {
        match event {
            Event::SearchStarted {
                dataset,
                task,
                seed,
                plan,
                rows,
                sampler,
                inherit,
                budget,
                ..
            } => {
                let budget = match (budget.seconds, budget.epochs) {
                    (Some(s), Some(e)) => format!("{s:.0} s or {e} epochs"),
                    (Some(s), None) => format!("{s:.0} s"),
                    (None, Some(e)) => format!("{e} epochs"),
                    (None, None) => "trial limit".into(),
                };
                self.line(format!(
                    "search {dataset} ({task}; {} train / {} valid / {} test rows), sampler {sampler}{}, seed {seed}, budget {budget}",
                    rows[0], rows[1], rows[2],
                    if *inherit { " with weight inheritance" } else { "" },
                ));
                self.line(plan_text(plan));
            }
            Event::BaselineFinished {
                name,
                valid,
                fit_ms,
                predict_ms,
                error,
            } => {
                self.baselines_ms += fit_ms + predict_ms;
                match (valid, error) {
                    (Some(m), _) => self.line(format!(
                        "baseline {name:<22} val {} {}  (fit {fit_ms:.0} ms, predict {predict_ms:.0} ms)",
                        m.primary_name(),
                        metric_text(m.primary())
                    )),
                    (None, Some(e)) => self.line(format!("baseline {name:<22} failed: {e}")),
                    (None, None) => {}
                }
            }
            Event::BaselineSkipped { name, reason } => {
                self.line(format!("baseline {name:<22} {reason}"))
            }
            Event::BaselineCrossValidated {
                name,
                folds,
                score,
                fit_ms,
                error,
            } => {
                self.baseline_cv_ms += fit_ms;
                self.line(match (score, error) {
                    (Some(s), _) => format!(
                        "baseline {name:<22} cv {} on {folds} folds (fit {fit_ms:.0} ms)",
                        metric_text(*s)
                    ),
                    (None, Some(e)) => format!("baseline {name:<22} {e}"),
                    (None, None) => return,
                })
            }
            Event::BaselineRefitted {
                name,
                rows,
                fit_ms,
                error,
            } => {
                self.baseline_refits_ms += fit_ms;
                self.line(match error {
                None => format!(
                    "baseline {name:<22} refit on {rows} train + valid rows (fit {fit_ms:.0} ms)"
                ),
                Some(e) => format!(
                    "baseline {name:<22} refit failed: {e}; it is tested as fitted on the training rows"
                ),
            })
            }
            Event::TrialFinished {
                trial,
                objective: Some(objective),
                epochs,
                ..
            } => {
                let better = self
                    .best
                    .is_none_or(|b| objective.cmp(&b) == std::cmp::Ordering::Less);
                if better && objective.primary.is_finite() {
                    self.best = Some(*objective);
                    let summary = search
                        .trials()
                        .get(*trial as usize)
                        .map(|t| t.spec.summary())
                        .unwrap_or_default();
                    self.line(format!(
                        "new best: trial {trial} ({summary}) val {} {} after {}",
                        self.metric,
                        self.show(objective.primary),
                        epochs_text(*epochs)
                    ));
                }
            }
            Event::CrossValidationStarted {
                folds,
                candidates,
                passed_over,
                rows,
            } => {
                let list = |ts: &[u32]| {
                    ts.iter()
                        .map(|t| format!("#{t}"))
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                let passed = if passed_over.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; {} passed over: would not fit into the budget left",
                        list(passed_over)
                    )
                };
                self.line(format!(
                    "cross-validating {} candidates ({}) on {folds} folds of {rows} train + valid rows{passed}",
                    candidates.len(),
                    list(candidates)
                ))
            }
            Event::CrossValidationSkipped { reason } => {
                self.line(format!("cross-validation skipped: {reason}"))
            }
            Event::CrossValidated {
                trial,
                folds,
                score,
                loss,
                diverged,
            } => self.line(format!(
                "cv trial {trial}: {} {} (loss {loss:.4}, {folds} folds){}",
                self.metric,
                metric_text(*score),
                if *diverged {
                    ", diverged on a fold"
                } else {
                    ""
                }
            )),
            Event::Refitted {
                trial,
                epochs,
                rows,
                diverged,
            } => self.line(if *diverged {
                format!("refit of trial {trial} diverged; its search weights are kept")
            } else {
                format!(
                    "refit trial {trial} on {rows} train + valid rows for {}",
                    epochs_text(*epochs)
                )
            }),
            Event::WinnerBagged {
                trial,
                models,
                rows,
                members,
                cv,
                temperature,
            } => {
                let winner = match (members.as_slice(), cv) {
                    ([_, _, ..], Some(cv)) => format!(
                        "winner: an ensemble of {} cross-validated trials' fold models ({}; \
                         {models} networks, out-of-fold score {})",
                        members.len(),
                        members
                            .iter()
                            .map(|m| format!("trial {} × {:.2}", m.trial, m.share))
                            .collect::<Vec<_>>()
                            .join(", "),
                        metric_text(cv.score)
                    ),
                    _ => format!(
                        "winner: trial {trial} as the bag of its {models} fold models (each \
                         trained on {}/{models} of the {rows} train + valid rows)",
                        models.saturating_sub(1)
                    ),
                };
                let calibrated = temperature.map_or(String::new(), |t| {
                    format!("; probabilities softened by the temperature {t:.2} fitted out of fold")
                });
                self.line(winner + &calibrated)
            }
            Event::Diverged { trial, epoch } => {
                self.line(format!("trial {trial} diverged at epoch {epoch}"))
            }
            Event::SearchFinished {
                elapsed_ms,
                trials,
                epochs,
                ..
            } => {
                // The budget covers the search; the baselines were fitted and scored before it
                // (and cross-validated and refit after it, when the networks were).
                let mut parts = Vec::new();
                if self.baselines_ms > 0.0 {
                    parts.push(format!(
                        "baselines fitted and scored before: {:.1} s",
                        self.baselines_ms / 1000.0
                    ));
                }
                if self.baseline_cv_ms > 0.0 {
                    parts.push(format!(
                        "cross-validated after: {:.1} s",
                        self.baseline_cv_ms / 1000.0
                    ));
                }
                if self.baseline_refits_ms > 0.0 {
                    parts.push(format!(
                        "refit after: {:.1} s",
                        self.baseline_refits_ms / 1000.0
                    ));
                }
                let baselines = if parts.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", parts.join(", "))
                };
                self.line(format!(
                    "searched {:.1} s{baselines}: {trials} trials, {epochs} candidate-epochs",
                    elapsed_ms / 1000.0
                ))
            }
            _ => {}
        }
    }
}

/// The scheduler plan in one or a few lines: candidates × epochs per rung, per bracket.
fn plan_text(plan: &Plan) -> String {
    let mut out = format!("plan: {}", plan.scheduler);
    if let Some(p) = plan.parallel {
        out += &format!(", {p} candidates trained together");
    }
    for b in &plan.brackets {
        let rungs: Vec<String> = b
            .rungs
            .iter()
            .map(|r| format!("{}×{}ep", r.candidates, r.epochs))
            .collect();
        out += &format!("\n  bracket s={}: {}", b.s, rungs.join(" → "));
    }
    out
}

/// "1 epoch", "n epochs".
fn epochs_text(n: u32) -> String {
    if n == 1 {
        "1 epoch".into()
    } else {
        format!("{n} epochs")
    }
}

#[cfg(test)]
mod tests {
    use super::parse_budget;

    #[test]
    fn budgets_parse() {
        assert_eq!(parse_budget("60"), Ok(60.0));
        assert_eq!(parse_budget("60s"), Ok(60.0));
        assert_eq!(parse_budget("1.5m"), Ok(90.0));
        assert_eq!(parse_budget("1h"), Ok(3600.0));
        assert!(parse_budget("0s").is_err());
        assert!(parse_budget("-3").is_err());
        assert!(parse_budget("10x").is_err());
        assert!(parse_budget("abc").is_err());
        assert!(parse_budget("nan").is_err());
    }
}
