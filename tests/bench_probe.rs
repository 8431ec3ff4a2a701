//! The on-load backend probe: it measures both backends on the real trainers (lavapipe natively)
//! and picks the faster, and falls back to the CPU with the reason when there is no GPU.
#![cfg(not(target_arch = "wasm32"))]

use automl::bench::{self, probe::probe_data, probe_backends, ProbePick};
use automl::gpu::GpuContext;
use automl::platform::block_on;

#[test]
fn probe_measures_both_backends_and_picks_the_faster() {
    let (data, _) = bench::workload(7, 1).unwrap();
    let ctx = block_on(GpuContext::new()).expect("a GPU adapter (lavapipe) is needed");
    let probe = block_on(probe_backends(&data, Ok(ctx))).unwrap();
    let gpu = probe.gpu_rate.expect("the GPU was measured");
    assert!(probe.gpu_error.is_none(), "{probe:?}");
    assert!(gpu > 0.0 && gpu.is_finite(), "{probe:?}");
    assert!(
        probe.cpu_rate > 0.0 && probe.cpu_rate.is_finite(),
        "{probe:?}"
    );
    let faster = if gpu > probe.cpu_rate {
        ProbePick::Gpu
    } else {
        ProbePick::Cpu
    };
    assert_eq!(probe.pick, faster, "{probe:?}");
    assert_eq!(probe.train_rows, 512);
    assert!(probe.summary().contains("cand-epochs/s"));
}

#[test]
fn probe_without_a_gpu_picks_the_cpu_and_says_why() {
    let (data, _) = bench::workload(7, 1).unwrap();
    let probe = block_on(probe_backends(&data, Err("no adapter here".into()))).unwrap();
    assert_eq!(probe.pick, ProbePick::Cpu);
    assert_eq!(probe.gpu_rate, None);
    assert_eq!(probe.gpu_error.as_deref(), Some("no adapter here"));
    assert!(probe.cpu_rate > 0.0);
}

#[test]
fn probe_data_is_a_prefix_of_each_split() {
    let (data, _) = bench::workload(7, 1).unwrap();
    let small = probe_data(&data);
    assert_eq!(small.train_rows(), 512);
    assert_eq!(small.valid_rows(), 128);
    assert_eq!(small.train_x[..], data.train_x[..512 * data.inputs]);
    assert_eq!(small.valid_y[..], data.valid_y[..128]);
}

#[test]
fn probe_rejects_data_it_cannot_train_on() {
    let (mut data, _) = bench::workload(7, 1).unwrap();
    data.train_y[0] = 99.0; // class index out of range
    assert!(block_on(probe_backends(&data, Err("none".into()))).is_err());
}
