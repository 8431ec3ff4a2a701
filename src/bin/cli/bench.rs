//! `automl bench`: the fixed trainer benchmark.

use automl::bench::{self, BenchConfig};
use automl::gpu::GpuContext;
use automl::platform::block_on;

/// Options of `automl bench`.
#[derive(clap::Args)]
pub struct Args {
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    /// Timed epochs per candidate (after one warm-up epoch).
    #[arg(long, default_value_t = 3)]
    epochs: u32,
    /// Candidates in the population.
    #[arg(long, default_value_t = 32)]
    candidates: usize,
    /// Time only the first K candidates one at a time (the rate is per candidate-epoch).
    #[arg(long, value_name = "K")]
    one_at_a_time: Option<usize>,
    /// Skip the CPU trainer.
    #[arg(long)]
    no_cpu: bool,
    /// Matrix sizes for the matmul ceiling, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "256,512,1024")]
    matmul: Vec<usize>,
    /// Seed of the data and the candidates.
    #[arg(long, default_value_t = 2024)]
    seed: u64,
}

pub fn run(args: Args) -> Result<(), automl::Error> {
    if args.epochs == 0 || args.candidates == 0 {
        return Err(automl::Error::Input(
            "--epochs and --candidates must be at least 1".into(),
        ));
    }
    let config = BenchConfig {
        epochs: args.epochs,
        candidates: args.candidates,
        one_at_a_time: args.one_at_a_time,
        cpu: !args.no_cpu,
        matmul_sizes: args.matmul,
        seed: args.seed,
    };
    let report = block_on(async {
        let cpu = if config.cpu {
            Some(bench::run_cpu(&config).await?)
        } else {
            None
        };
        let ctx = GpuContext::new().await?;
        let (data, _) = bench::workload(config.seed, 1)?;
        let probe = bench::probe_backends(&data, Ok(ctx.clone())).await?;
        let mut report = bench::run_gpu(ctx, config.clone(), cpu).await?;
        report.probe = Some(probe);
        Ok::<_, automl::Error>(report)
    })?;
    if args.json {
        let json = serde_json::to_string_pretty(&report)
            .map_err(|e| automl::Error::Input(e.to_string()))?;
        println!("{json}");
    } else {
        print!("{}", report.to_text());
    }
    Ok(())
}
