//! The engine state of one page (one worker): the loaded table and its roles, the running search
//! and its trainer. Exposed as free functions over a thread-local state; the worker calls them one
//! at a time (it serialises requests), and async calls move the search and trainer out of the
//! state while they run so no borrow is held across an `await`.

use super::backend::{self, Backend, BackendInfo};
use super::candidate;
use super::config::PageConfig;
use super::convert::{from_js, js_err, to_js};
use super::model_file;
use crate::data::{self, builtin, LoadOptions, PrepareOptions, RoleOptions, Table};
use crate::model::Weights;
use crate::search::run::Search;
use crate::search::schedule::Scheduler;
use serde::Serialize;
use std::cell::RefCell;
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;

#[derive(Default)]
struct State {
    table: Option<Table>,
    roles: RoleOptions,
    search: Option<Search>,
    trainer: Option<Backend>,
    /// The search's data generation the trainer was built for.
    generation: u32,
    backend: Option<BackendInfo>,
    started_unix_ms: f64,
    /// Weights of candidates rebuilt for display (see [`candidate`]).
    replicas: BTreeMap<u32, Weights>,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

fn with<R>(f: impl FnOnce(&mut State) -> R) -> R {
    STATE.with(|s| f(&mut s.borrow_mut()))
}

/// Points of a dataset preview: two feature columns and the target.
#[derive(Serialize)]
struct Preview {
    x: Vec<f32>,
    y: Vec<f32>,
    classes: Option<Vec<u32>>,
    values: Option<Vec<f32>>,
    x_name: String,
    y_name: String,
}

const PREVIEW_POINTS: usize = 300;

fn preview(table: &Table) -> Option<Preview> {
    use crate::data::ColumnValues;
    let target = table.columns.last()?;
    let numeric: Vec<&data::Column> = table.columns[..table.columns.len() - 1]
        .iter()
        .filter(|c| matches!(c.values, ColumnValues::Numbers(_)))
        .collect();
    let (cx, cy) = match numeric.len() {
        0 => return None,
        1 => (numeric[0], target),
        _ => (numeric[0], numeric[1]),
    };
    let numbers = |c: &data::Column| match &c.values {
        ColumnValues::Numbers(v) => Some(v.clone()),
        _ => None,
    };
    let xs = numbers(cx)?;
    let ys = numbers(cy)?;
    let step = (table.rows / PREVIEW_POINTS).max(1);
    let pick = |v: &[f32]| v.iter().step_by(step).copied().collect::<Vec<f32>>();
    let (classes, values) = match &target.values {
        ColumnValues::Levels { codes, .. } => {
            (Some(codes.iter().step_by(step).copied().collect()), None)
        }
        ColumnValues::Numbers(v) => (None, Some(pick(v))),
        ColumnValues::Days(_) => return None,
    };
    Some(Preview {
        x: pick(&xs),
        y: pick(&ys),
        classes,
        values,
        x_name: cx.name.clone(),
        y_name: cy.name.clone(),
    })
}

/// The built-in datasets: `{list: BuiltinInfo[], previews: {id: {x, y, classes?, values?}}}`.
#[wasm_bindgen]
pub fn datasets() -> Result<JsValue, JsValue> {
    #[derive(Serialize)]
    struct Datasets {
        list: Vec<builtin::BuiltinInfo>,
        previews: BTreeMap<String, Preview>,
    }
    let list = builtin::list();
    let mut previews = BTreeMap::new();
    for d in &list {
        if let Ok(table) = builtin::load(&d.id, &builtin::ToyOptions::default()) {
            if let Some(p) = preview(&table) {
                previews.insert(d.id.clone(), p);
            }
        }
    }
    to_js(&Datasets { list, previews })
}

fn set_table(table: Table, roles: RoleOptions) -> Result<JsValue, JsValue> {
    let profile = data::profile::profile(&table, &roles).map_err(js_err)?;
    with(|s| {
        s.table = Some(table);
        s.roles = roles;
    });
    to_js(&profile)
}

/// Loads a built-in dataset; resolves to its `Profile`.
#[wasm_bindgen(js_name = loadBuiltin)]
pub fn load_builtin(id: &str) -> Result<JsValue, JsValue> {
    let table = builtin::load(id, &builtin::ToyOptions::default()).map_err(js_err)?;
    set_table(table, RoleOptions::default())
}

/// Reads CSV bytes (read from the user's file inside the worker); resolves to its `Profile`.
#[wasm_bindgen(js_name = loadCsv)]
pub fn load_csv(bytes: &[u8], name: &str) -> Result<JsValue, JsValue> {
    let options = LoadOptions::default();
    let (table, profile) = data::load_csv(bytes, name, &options).map_err(js_err)?;
    with(|s| {
        s.table = Some(table);
        s.roles = options.roles;
    });
    to_js(&profile)
}

/// Changes target, task and feature choices: `{target, task, excluded, included}`; resolves to
/// the new `Profile`.
#[wasm_bindgen]
pub fn configure(roles: JsValue) -> Result<JsValue, JsValue> {
    let roles: RoleOptions = from_js(roles, "column roles")?;
    let table = with(|s| s.table.clone()).ok_or_else(|| js_err("load a dataset first"))?;
    set_table(table, roles)
}

/// The scheduler plan for the page's search settings (before any training); also checks the
/// search space, so that a bad edit is named while the user types.
#[wasm_bindgen]
pub fn plan(config: JsValue) -> Result<JsValue, JsValue> {
    let config: PageConfig = from_js(config, "search settings")?;
    config.space(true, 4096).map_err(js_err)?;
    let scheduler = Scheduler::new(&config.scheduler().map_err(js_err)?, config.fidelity());
    to_js(&scheduler.plan())
}

/// The loaded table prepared for a run: split with `seed`, preparation fitted on its training part.
fn prepare_loaded(seed: u64) -> Result<data::PreparedData, JsValue> {
    let (table, roles) = with(|s| (s.table.clone(), s.roles.clone()));
    let table = table.ok_or_else(|| js_err("load the dataset first"))?;
    data::prepare(
        &table,
        &PrepareOptions {
            roles,
            seed,
            ..PrepareOptions::default()
        },
    )
    .map_err(js_err)
}

/// Opens the trainer for `search`, makes it this page's run, and says how it starts:
/// `{backend: {kind, name, reason}, trials, epochs, elapsed_ms}` (zeros for a new search).
async fn open_run(
    search: Search,
    choice: super::backend::BackendChoice,
) -> Result<JsValue, JsValue> {
    let (trainer, info) = backend::open(choice, search.trainer_data())
        .await
        .map_err(js_err)?;
    #[derive(Serialize)]
    struct Started<'a> {
        backend: &'a BackendInfo,
        trials: usize,
        epochs: u64,
        elapsed_ms: f64,
    }
    let generation = search.data_generation();
    let out = to_js(&Started {
        backend: &info,
        trials: search.trials().len(),
        epochs: search.epochs_used(),
        elapsed_ms: search.elapsed_ms(),
    })?;
    with(|s| {
        s.search = Some(search);
        s.trainer = Some(trainer);
        s.generation = generation;
        s.backend = Some(info);
        s.replicas.clear();
        s.started_unix_ms = js_sys::Date::now();
    });
    Ok(out)
}

/// Prepares the data (split seeded by the run's seed), opens the trainer and creates the search.
/// Resolves to `{backend: {kind, name, reason}, …}` (see [`open_run`]).
#[wasm_bindgen(js_name = startSearch)]
pub async fn start_search(config: JsValue) -> Result<JsValue, JsValue> {
    let config: PageConfig = from_js(config, "search settings")?;
    let prepared = prepare_loaded(config.seed)?;
    let search_config = config.search_config(&prepared).map_err(js_err)?;
    let search = Search::new(search_config, &prepared).map_err(js_err)?;
    open_run(search, config.backend).await
}

/// A snapshot of the running search for the browser's storage: the whole search state (trials,
/// sampler and scheduler state, weights of the candidates in training) without the data, which
/// [`resume_search`] prepares again from the same dataset or file. JSON text.
#[wasm_bindgen(js_name = saveState)]
pub async fn save_state() -> Result<String, JsValue> {
    let (search, mut trainer) = take_run()?;
    let saved = search.save(&mut trainer).await;
    put_run(search, trainer);
    let mut state = saved.map_err(js_err)?;
    Search::detach_data(&mut state);
    serde_json::to_string(&state).map_err(|e| js_err(format!("could not save the search: {e}")))
}

/// Continues a search saved with [`save_state`] on the loaded data: prepares it again with the
/// run's seed, checks it is the same data, opens the trainer and resumes where the snapshot was.
/// Resolves like [`start_search`], with the trials, epochs and time already spent.
#[wasm_bindgen(js_name = resumeSearch)]
pub async fn resume_search(config: JsValue, state: &str) -> Result<JsValue, JsValue> {
    let config: PageConfig = from_js(config, "search settings")?;
    let state: crate::search::run::SearchState = serde_json::from_str(state)
        .map_err(|e| js_err(format!("the saved search could not be read: {e}")))?;
    let prepared = prepare_loaded(state.config().seed)?;
    let search = Search::attach_data(state, prepared).map_err(js_err)?;
    open_run(search, config.backend).await
}

fn take_run() -> Result<(Search, Backend), JsValue> {
    with(|s| match (s.search.take(), s.trainer.take()) {
        (Some(search), Some(trainer)) => Ok((search, trainer)),
        (search, trainer) => {
            s.search = search;
            s.trainer = trainer;
            Err(js_err("no search has been started"))
        }
    })
}

fn put_run(search: Search, trainer: Backend) {
    with(|s| {
        s.search = Some(search);
        s.trainer = Some(trainer);
    });
}

/// One bounded unit of search work; resolves to its events. After the budget is spent, the next
/// call evaluates the finalists on the test part and returns `search_finished`.
#[wasm_bindgen]
pub async fn step() -> Result<JsValue, JsValue> {
    let (mut search, mut trainer) = take_run()?;
    if !search.is_finished() && search.data_generation() != with(|s| s.generation) {
        let kind = trainer.kind().parse().unwrap_or_default();
        match backend::open(kind, search.trainer_data()).await {
            Ok((t, _)) => trainer = t,
            Err(e) => {
                put_run(search, trainer);
                return Err(js_err(e));
            }
        }
        with(|s| s.generation = search.data_generation());
    }
    let result = if search.leaderboard().is_some() {
        Ok(Vec::new())
    } else if search.is_finished() {
        search.finish::<Backend>(None).await
    } else {
        search.step(&mut trainer).await
    };
    put_run(search, trainer);
    to_js(&result.map_err(js_err)?)
}

/// Ends the search phase now and evaluates the finalists; resolves to the remaining events.
#[wasm_bindgen]
pub async fn stop() -> Result<JsValue, JsValue> {
    let (mut search, mut trainer) = take_run()?;
    let mut events = Vec::new();
    let mut result = Ok(());
    if search.leaderboard().is_none() {
        match search.stop(&mut trainer).await {
            Ok(e) => events.extend(e),
            Err(e) => result = Err(e),
        }
        if result.is_ok() {
            match search.finish::<Backend>(None).await {
                Ok(e) => events.extend(e),
                Err(e) => result = Err(e),
            }
        }
    }
    put_run(search, trainer);
    result.map_err(js_err)?;
    to_js(&events)
}

/// Details of one trial for the candidate view: spec, weights, decision boundary (2-D data),
/// confusion matrix or predicted-vs-actual on the validation rows.
#[wasm_bindgen]
pub fn candidate(trial: u32) -> Result<JsValue, JsValue> {
    with(|s| {
        let search = s
            .search
            .as_ref()
            .ok_or_else(|| js_err("no search has been started"))?;
        let info =
            candidate::details(search, trial, s.replicas.get(&trial).cloned()).map_err(js_err)?;
        if let Some(w) = &info.rebuilt {
            s.replicas.insert(trial, w.clone());
        }
        to_js(&info)
    })
}

/// The best network with its weights and the fitted preparation, as JSON text.
#[wasm_bindgen(js_name = exportModel)]
pub fn export_model() -> Result<String, JsValue> {
    with(|s| {
        let search = s
            .search
            .as_ref()
            .ok_or_else(|| js_err("no search has been run"))?;
        model_file::export(search).map_err(js_err)
    })
}

/// The whole run as the search records it ([`crate::report::export::RunExport`]: configuration,
/// seed, data fingerprint, every trial with its curve, baselines, leaderboard), as JSON text.
#[wasm_bindgen(js_name = exportRun)]
pub fn export_run() -> Result<String, JsValue> {
    with(|s| {
        let search = s
            .search
            .as_ref()
            .ok_or_else(|| js_err("no search has been run"))?;
        let run = crate::report::export::RunExport::from_search(search);
        serde_json::to_string(&run).map_err(|e| js_err(format!("could not write the run: {e}")))
    })
}

/// The trials as an Optuna journal (JSON lines).
#[wasm_bindgen(js_name = exportJournal)]
pub fn export_journal() -> Result<String, JsValue> {
    with(|s| {
        let search = s
            .search
            .as_ref()
            .ok_or_else(|| js_err("no search has been run"))?;
        let name = format!("automl-{}", search.data().name);
        Ok(crate::report::export::optuna_journal(
            search,
            &name,
            s.started_unix_ms,
        ))
    })
}

/// Reads a model JSON file, checks it, and scores it on the current data's test rows when the
/// features match. Resolves to the candidate view's details plus `{summary, parameters, message}`.
#[wasm_bindgen(js_name = importModel)]
pub fn import_model(text: &str) -> Result<JsValue, JsValue> {
    let table_and_roles = with(|s| s.table.clone().map(|t| (t, s.roles.clone())));
    let info = model_file::import(text, table_and_roles).map_err(js_err)?;
    to_js(&info)
}
