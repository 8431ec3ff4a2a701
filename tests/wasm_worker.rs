//! Engine tests in headless Chromium, inside a dedicated Web Worker (where the playground runs the engine).
//! Run by `./build.sh test` through wasm-bindgen-test-runner and chromedriver; the tests
//! themselves are declared once in `wasm_common`.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

#[macro_use]
mod wasm_common;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

browser_tests!();
