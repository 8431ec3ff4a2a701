//! A saved search without its data (what the page keeps in the browser's storage): the data are
//! prepared again from the same source and put back, and the search continues exactly as if the
//! state had been saved with its data.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use automl::data::{builtin, prepare, PrepareOptions, PreparedData};
use automl::model::cpu::CpuTrainer;
use automl::platform::block_on;
use automl::search::run::{Search, SearchConfig};
use automl::search::sampler::SamplerConfig;
use automl::search::schedule::SchedulerConfig;

fn prepared(id: &str, seed: u64) -> PreparedData {
    let table = builtin::load(id, &Default::default()).unwrap();
    prepare(
        &table,
        &PrepareOptions {
            seed,
            ..PrepareOptions::default()
        },
    )
    .unwrap()
}

fn config() -> SearchConfig {
    common::search_config(
        4,
        SamplerConfig::Random,
        SchedulerConfig::Asha { slots: 3 },
        80,
    )
}

/// Runs a resumed search to the end; returns the leaderboard as (model, valid, test) text.
fn finish(mut search: Search) -> Vec<String> {
    let mut trainer = CpuTrainer::new(search.train_data());
    while !search.is_finished() {
        block_on(search.step(&mut trainer)).unwrap();
    }
    block_on(search.finish::<CpuTrainer>(None)).unwrap();
    let board = search.leaderboard().unwrap();
    board
        .rows
        .iter()
        .map(|r| format!("{} {:?} {:?}", r.model, r.valid, r.test))
        .collect()
}

/// A search stepped a few times and saved (with its data).
fn saved() -> automl::search::run::SearchState {
    let data = prepared("iris", config().seed);
    let mut search = Search::new(config(), &data).unwrap();
    let mut trainer = CpuTrainer::new(search.train_data());
    for _ in 0..5 {
        block_on(search.step(&mut trainer)).unwrap();
    }
    assert!(!search.trials().is_empty());
    block_on(search.save(&mut trainer)).unwrap()
}

#[test]
fn a_state_without_data_continues_like_a_state_with_data() {
    let full = saved();
    let with_data = serde_json::to_string(&full).unwrap();
    let mut detached = full.clone();
    let taken = Search::detach_data(&mut detached);
    assert_eq!(&taken, full.data(), "detach returns the data unchanged");
    let without = serde_json::to_string(&detached).unwrap();
    assert!(
        detached.data().train.rows() == 0
            && detached.data().valid.rows() == 0
            && detached.data().test.rows() == 0,
        "the stored state holds no rows"
    );
    assert!(without.len() < with_data.len());

    // Later, elsewhere: the data are prepared again from the same source with the run's seed.
    let state = serde_json::from_str(&without).unwrap();
    let again = prepared("iris", config().seed);
    let resumed = Search::attach_data(state, again).unwrap();
    assert_eq!(resumed.trials(), full.trials());
    let reference = Search::resume(serde_json::from_str(&with_data).unwrap());
    assert_eq!(finish(resumed), finish(reference));
}

#[test]
fn other_data_are_refused_with_a_reason() {
    let mut state = saved();
    Search::detach_data(&mut state);
    let err = Search::attach_data(state.clone(), prepared("wine", 4))
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("not the file or dataset"), "{err}");
    let mut other_columns = prepared("iris", 4);
    other_columns.feature_names.reverse();
    let err = Search::attach_data(state, other_columns)
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("other feature columns"), "{err}");
}
