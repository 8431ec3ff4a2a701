//! `automl devices`: adapters, limits and the GPU kernel self-check.

use automl::gpu::{matmul, GpuContext};
use automl::platform::block_on;

/// Options of `automl devices`.
#[derive(clap::Args)]
pub struct Args {
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> Result<(), automl::Error> {
    let adapters = block_on(GpuContext::list_adapters());
    let default = block_on(async {
        let ctx = GpuContext::new().await?;
        let check = matmul::self_check(&ctx).await?;
        Ok::<_, automl::gpu::GpuError>((ctx.report.clone(), check))
    });
    if args.json {
        let value = serde_json::json!({
            "adapters": adapters,
            "default": default.as_ref().ok().map(|(r, _)| r),
            "kernel_check": default.as_ref().ok().map(|(_, c)| c),
            "error": default.as_ref().err().map(|e| e.to_string()),
        });
        println!("{value:#}");
    } else {
        if adapters.is_empty() {
            println!("No GPU adapters found.");
        }
        for (i, a) in adapters.iter().enumerate() {
            println!("[{i}] {}", a.summary());
            println!("    driver: {}", a.driver);
            println!(
                "    max storage binding: {} MiB, workgroup memory: {} KiB, invocations/workgroup: {}",
                a.max_storage_buffer_binding_size >> 20,
                a.max_compute_workgroup_storage_size >> 10,
                a.max_compute_invocations_per_workgroup
            );
        }
        match &default {
            Ok((report, check)) => println!(
                "Default adapter: {}\nKernel self-check (matmul {}x{}x{}): {} (max abs error {:.2e})",
                report.summary(),
                check.shape.0,
                check.shape.1,
                check.shape.2,
                if check.passed { "passed" } else { "FAILED" },
                check.max_abs_error
            ),
            Err(e) => println!("Default adapter: none ({e}); training will use the CPU path."),
        }
    }
    match default {
        Ok((_, check)) if !check.passed => Err(automl::Error::Input(format!(
            "the GPU kernel self-check failed (max abs error {})",
            check.max_abs_error
        ))),
        _ => Ok(()),
    }
}
