//! Times nabla's CSV reader alone: `Dataset::from_csv` on FILE, every column a feature, for
//! `bench/regress_end_to_end.py` to compare with pandas' `read_csv`.
//!
//!     cargo run --release -p nabla-nn --example read_csv -- FILE.csv
//!
//! Prints one JSON object: rows, columns, seconds (reading the file included) and a checksum
//! of the values (so the work cannot be skipped).

use std::process::ExitCode;
use std::time::Instant;

use nabla_nn::data::{CsvOptions, Dataset};

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: read_csv FILE.csv");
        return ExitCode::from(2);
    };
    let start = Instant::now();
    let ds = match Dataset::from_csv(&path, &CsvOptions::default()) {
        Ok(ds) => ds,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let seconds = start.elapsed().as_secs_f64();
    let checksum: f64 = ds.features().iter().sum();
    println!(
        "{{\"rows\": {}, \"columns\": {}, \"seconds\": {seconds}, \"checksum\": {checksum}}}",
        ds.n_samples(),
        ds.n_features()
    );
    ExitCode::SUCCESS
}
