//! Trains several candidates for the same number of epochs, on all cores natively and in order on
//! the web. Candidates share only the (read-only) data, so the results are identical whatever the
//! thread count or schedule.

use super::candidate::Candidate;
use crate::model::trainer::{EpochMetrics, TrainData};

/// Trains each job for `epochs` epochs on up to `threads` threads; results in job order.
pub(super) fn train_all(
    jobs: Vec<&mut Candidate>,
    data: &TrainData,
    epochs: u32,
    threads: usize,
) -> Vec<Vec<EpochMetrics>> {
    #[cfg(not(target_arch = "wasm32"))]
    if threads > 1 && jobs.len() > 1 {
        return native::train_all(jobs, data, epochs, threads);
    }
    let _ = threads;
    jobs.into_iter().map(|c| c.train(data, epochs)).collect()
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;

    /// Longest jobs first, pulled from a shared counter by `threads` scoped threads.
    pub(super) fn train_all(
        jobs: Vec<&mut Candidate>,
        data: &TrainData,
        epochs: u32,
        threads: usize,
    ) -> Vec<Vec<EpochMetrics>> {
        let count = jobs.len();
        let rows = data.train_rows();
        let mut queue: Vec<(usize, &mut Candidate)> = jobs.into_iter().enumerate().collect();
        queue.sort_by(|a, b| b.1.cost(rows).total_cmp(&a.1.cost(rows)));
        let slots: Vec<Mutex<Option<(usize, &mut Candidate)>>> =
            queue.into_iter().map(|j| Mutex::new(Some(j))).collect();
        let next = AtomicUsize::new(0);
        let done: Vec<(usize, Vec<EpochMetrics>)> = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads.min(count))
                .map(|_| {
                    scope.spawn(|| {
                        let mut out = Vec::new();
                        loop {
                            let i = next.fetch_add(1, Ordering::Relaxed);
                            let Some(slot) = slots.get(i) else { break };
                            let job = slot.lock().unwrap_or_else(|e| e.into_inner()).take();
                            if let Some((index, candidate)) = job {
                                out.push((index, candidate.train(data, epochs)));
                            }
                        }
                        out
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|w| match w.join() {
                    Ok(results) => results,
                    Err(panic) => std::panic::resume_unwind(panic),
                })
                .collect()
        });
        let mut results = vec![Vec::new(); count];
        for (index, metrics) in done {
            results[index] = metrics;
        }
        results
    }
}
