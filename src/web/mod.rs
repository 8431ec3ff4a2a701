//! The wasm-bindgen surface used by `www/worker.js`. Thin by design: it converts to and from JS
//! values and calls the library.
//!
//! - [`check`]: the engine self-check shown on load.
//! - [`session`]: data loading, the search loop's `step`, candidate details, exports.
//! - [`backend`]: GPU or CPU trainer, and why.
//! - [`config`]: the search panel's settings as a search configuration.
//! - [`candidate`]: what the candidate view draws (boundary grid, confusion matrix).
//! - [`model_file`]: the best-model JSON file.

pub mod backend;
pub mod bench;
pub mod candidate;
pub mod check;
pub mod config;
mod convert;
pub mod model_file;
pub mod session;

use wasm_bindgen::prelude::*;

/// Installs the panic hooks: a Rust panic shows as a readable console error, and its message is
/// kept for [`last_panic`].
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
    crate::platform::record_panics();
}

/// The message and place of the panic that aborted the latest engine call, if one did: the
/// worker reads it when a call ends in a `RuntimeError` ("unreachable") to say what went wrong.
#[wasm_bindgen(js_name = lastPanic)]
pub fn last_panic() -> Option<String> {
    crate::platform::last_panic()
}
