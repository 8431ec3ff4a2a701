//! Memory measurement for the stated browser budget: 200,000 rows × 200 numeric columns.
//! Ignored by default (it allocates about 1 GB); run with
//! `cargo test --release --test data_memory -- --ignored --nocapture`.
#![cfg(not(target_arch = "wasm32"))]

use automl::data::{load_csv, prepare, LoadOptions, PrepareOptions};

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

#[test]
#[ignore]
fn two_hundred_thousand_rows_by_two_hundred_columns() {
    let (rows, cols) = (200_000usize, 200usize);
    let mut rng = automl::rng::Rng::new(9);
    let mut csv = Vec::with_capacity(rows * cols * 6 + 4096);
    for j in 0..cols {
        csv.extend_from_slice(format!("f{j}").as_bytes());
        csv.push(if j + 1 == cols { b'\n' } else { b',' });
    }
    for _ in 0..rows {
        for j in 0..cols {
            let v = rng.below(10_000);
            if j + 1 == cols {
                csv.push(b'0' + (v % 2) as u8);
                csv.push(b'\n');
            } else {
                let d = [v / 1000, v / 100 % 10, v / 10 % 10, v % 10];
                csv.extend_from_slice(&[
                    b'0' + d[0] as u8,
                    b'.',
                    b'0' + d[1] as u8,
                    b'0' + d[2] as u8,
                    b'0' + d[3] as u8,
                    b',',
                ]);
            }
        }
    }
    let base = peak_rss_mib();
    let start = std::time::Instant::now();
    let (table, profile) = load_csv(&csv, "big.csv", &LoadOptions::default()).unwrap();
    let load_s = start.elapsed().as_secs_f64();
    let after_load = peak_rss_mib();
    assert_eq!((table.rows, profile.columns.len()), (rows, cols));
    let start = std::time::Instant::now();
    let prepared = prepare(&table, &PrepareOptions::default()).unwrap();
    let prep_s = start.elapsed().as_secs_f64();
    let after_prep = peak_rss_mib();
    assert_eq!(prepared.inputs(), cols - 1);
    println!(
        "input {:.0} MiB; peak RSS: after generating {base:.0} MiB, after load+profile {after_load:.0} MiB (+{:.0}), after prepare {after_prep:.0} MiB (+{:.0}); load {load_s:.1} s, prepare {prep_s:.1} s",
        csv.len() as f64 / 1048576.0,
        after_load - base,
        after_prep - after_load
    );
}
