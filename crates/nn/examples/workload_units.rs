//! Runs a fixed number of units of one benchmark workload (see `nabla_nn::workload`) on one
//! thread or more: for profilers and instruction counters (`perf record`, `valgrind
//! --tool=callgrind`), which want the same work on every run, where `nabla bench` runs for a
//! fixed time.
//!
//!     cargo run --release -p nabla-nn --example workload_units -- mlp784_b128 200 [THREADS]
//!
//! Prints one JSON object: the workload, the units run, the wall seconds per unit (after one
//! warm-up unit) and the last loss (so the work cannot be skipped).

use std::process::ExitCode;
use std::time::Instant;

use nabla_nn::workload::{Workload, WorkloadRunner};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let parsed = match args.as_slice() {
        [name, units] | [name, units, _] => Workload::parse(name).zip(units.parse::<usize>().ok()),
        _ => None,
    };
    let threads = args.get(2).map(|t| t.parse::<usize>());
    let (Some((workload, units)), None | Some(Ok(_))) = (parsed, &threads) else {
        eprintln!("usage: workload_units WORKLOAD UNITS [THREADS]");
        return ExitCode::from(2);
    };
    if let Some(Ok(threads)) = threads {
        if let Err(e) = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global()
        {
            eprintln!("threads: {e}");
            return ExitCode::from(2);
        }
    }
    let run = || -> nabla_nn::Result<(f64, f64)> {
        let mut runner = WorkloadRunner::<f32>::new(workload, 0)?;
        runner.run_unit()?;
        let start = Instant::now();
        let mut loss = 0.0;
        for _ in 0..units {
            loss = runner.run_unit()?;
        }
        Ok((start.elapsed().as_secs_f64() / units.max(1) as f64, loss))
    };
    match run() {
        Ok((seconds, loss)) => {
            println!(
                "{{\"workload\": \"{}\", \"units\": {units}, \"unit_seconds\": {seconds}, \"loss\": {loss}}}",
                workload.name()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}
