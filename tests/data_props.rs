//! Property tests: reading, profiling and preparing never panic, whatever the bytes.
#![cfg(not(target_arch = "wasm32"))]

use automl::data::{load_csv, prepare, CsvOptions, LoadOptions, PrepareOptions};
use proptest::prelude::*;

fn run(bytes: &[u8]) {
    if let Ok((table, profile)) = load_csv(bytes, "prop", &LoadOptions::default()) {
        assert_eq!(profile.columns.len(), table.columns.len());
        let _ = profile.to_text();
        if let Ok(p) = prepare(&table, &PrepareOptions::default()) {
            assert_eq!(p.train.x.len(), p.train.rows() * p.inputs());
            assert!(p.train.x.iter().all(|v| v.is_finite()));
            let _ = p.preparation.transform_csv(bytes, &CsvOptions::default());
        }
    }
}

/// CSV-like text from a small alphabet with the characters that matter to a parser.
fn csvish() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just(",".to_string()),
        Just(";".to_string()),
        Just("\t".to_string()),
        Just("|".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\"".to_string()),
        Just("NA".to_string()),
        Just("?".to_string()),
        Just("-".to_string()),
        Just("1,5".to_string()),
        Just("2024-02-29".to_string()),
        Just("yes".to_string()),
        Just("no".to_string()),
        Just("\u{feff}".to_string()),
        Just("é".to_string()),
        "[a-c]{1,3}",
        "-?[0-9]{1,4}(\\.[0-9]{1,2})?",
    ];
    proptest::collection::vec(token, 0..120).prop_map(|t| t.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        run(&bytes);
    }

    #[test]
    fn csv_like_text_never_panics(text in csvish()) {
        run(text.as_bytes());
    }

    #[test]
    fn well_formed_tables_always_load(rows in 3usize..40, cols in 2usize..6, seed in any::<u64>()) {
        let mut rng = automl::rng::Rng::new(seed);
        let mut csv: String = (0..cols).map(|j| format!("c{j}")).collect::<Vec<_>>().join(",");
        csv.push('\n');
        for r in 0..rows {
            let line: Vec<String> = (0..cols).map(|j| if j + 1 == cols { (r % 2).to_string() } else { format!("{:.3}", rng.normal()) }).collect();
            csv.push_str(&line.join(","));
            csv.push('\n');
        }
        let (t, p) = load_csv(csv.as_bytes(), "ok", &LoadOptions::default()).unwrap();
        prop_assert_eq!(t.rows, rows);
        prop_assert_eq!(p.columns.len(), cols);
    }
}
