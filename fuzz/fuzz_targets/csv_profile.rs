//! Any bytes: read as CSV, profile, prepare, and re-encode with the fitted preparation.
//! Run: `cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run csv_profile -- -max_total_time=300`
#![no_main]

use automl::data::{load_csv, prepare, CsvOptions, LoadOptions, PrepareOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((table, profile)) = load_csv(data, "fuzz", &LoadOptions::default()) {
        let _ = profile.to_text();
        if let Ok(prepared) = prepare(&table, &PrepareOptions::default()) {
            let _ = prepared
                .preparation
                .transform_csv(data, &CsvOptions::default());
        }
    }
});
