//! Native GPU tests. On machines without a GPU they run on lavapipe (Mesa's CPU Vulkan driver),
//! which `./build.sh setup` installs, so a GPU adapter is always expected here.
#![cfg(not(target_arch = "wasm32"))]

use automl::gpu::{matmul, GpuContext};
use automl::platform::block_on;

#[test]
fn an_adapter_is_available_and_described() {
    let ctx =
        block_on(GpuContext::new()).expect("a Vulkan adapter (lavapipe on CPU-only machines)");
    assert!(!ctx.report.backend.is_empty());
    assert!(ctx.report.max_compute_invocations_per_workgroup >= 64);
    assert!(!ctx.report.summary().is_empty());
    let listed = block_on(GpuContext::list_adapters());
    assert!(!listed.is_empty());
}

#[test]
fn matmul_kernel_matches_cpu_on_awkward_shapes() {
    let ctx = block_on(GpuContext::new()).expect("adapter");
    let kernel = block_on(matmul::Matmul::new(&ctx)).expect("kernel compiles");
    let mut rng = automl::rng::Rng::new(9);
    for &(m, k, n) in &[(1, 1, 1), (33, 31, 65), (64, 64, 64), (5, 100, 3)] {
        let a: Vec<f32> = (0..m * k).map(|_| rng.next_f32() - 0.5).collect();
        let b: Vec<f32> = (0..k * n).map(|_| rng.next_f32() - 0.5).collect();
        let gpu = block_on(kernel.run(&ctx, &a, &b, m, k, n)).expect("runs");
        let cpu = matmul::matmul_cpu(&a, &b, m, k, n);
        assert_eq!(gpu.len(), cpu.len());
        for (i, (g, c)) in gpu.iter().zip(&cpu).enumerate() {
            assert!(
                (g - c).abs() < 1e-4,
                "{m}x{k}x{n} element {i}: gpu {g} cpu {c}"
            );
        }
    }
}

#[test]
fn self_check_passes() {
    let ctx = block_on(GpuContext::new()).expect("adapter");
    let check = block_on(matmul::self_check(&ctx)).expect("runs");
    assert!(check.passed, "max abs error {}", check.max_abs_error);
}

#[test]
fn a_broken_shader_is_reported_not_panicked() {
    let ctx = block_on(GpuContext::new()).expect("adapter");
    let broken = matmul::MATMUL_WGSL.replace("acc0 + ta", "acc0 + undefined_name");
    let result = block_on(ctx.compute_pipeline("broken", &broken, "main"));
    assert!(matches!(result, Err(automl::gpu::GpuError::Validation(_))));
}

#[test]
fn operand_shape_mismatch_is_an_error() {
    let ctx = block_on(GpuContext::new()).expect("adapter");
    let kernel = block_on(matmul::Matmul::new(&ctx)).expect("kernel compiles");
    assert!(kernel.job(&ctx, &[1.0; 3], &[1.0; 4], 2, 2, 2).is_err());
}
