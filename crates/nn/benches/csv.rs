//! CSV ingestion: `Dataset::from_csv_reader` on in-memory text shaped like the two jobs users
//! run, 20,000 × 50 numbers written with 12 significant digits (the regression job's file at a
//! tenth of its rows) and 2,000 × 785 pixel values with a class label (784-input data), and the
//! same numbers parsed by `str::parse::<f64>` alone as the baseline of the float parser.
//!
//! `cargo bench -p nabla-nn --bench csv`; end to end against pandas:
//! `python3 bench/regress_end_to_end.py`.

#![allow(missing_docs)] // criterion's macros generate undocumented items

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use nabla_nn::data::{CsvOptions, Dataset, TargetSpec};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// `rows` × `cols` standard-normal-ish numbers, header `x0..`, 12 significant digits.
fn wide_numbers(rows: usize, cols: usize) -> String {
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    let header: Vec<String> = (0..cols).map(|j| format!("x{j}")).collect();
    let mut text = header.join(",") + "\n";
    for _ in 0..rows {
        let row: Vec<String> = (0..cols)
            .map(|_| format!("{:.11e}", rng.gen_range(-3.0f64..3.0)))
            .collect();
        text.push_str(&row.join(","));
        text.push('\n');
    }
    text
}

/// `rows` images of 784 pixels in 0..=255 and a label column.
fn pixels(rows: usize) -> String {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let mut text: String = (0..784).map(|j| format!("p{j},")).collect();
    text.push_str("label\n");
    for _ in 0..rows {
        for _ in 0..784 {
            let v: u8 = if rng.gen_bool(0.8) { 0 } else { rng.gen() };
            text.push_str(&v.to_string());
            text.push(',');
        }
        text.push_str(&rng.gen_range(0..10).to_string());
        text.push('\n');
    }
    text
}

fn ingestion(c: &mut Criterion) {
    let mut group = c.benchmark_group("csv");
    group.sample_size(10);
    let numbers = wide_numbers(20_000, 50);
    group.throughput(Throughput::Bytes(numbers.len() as u64));
    group.bench_function("numbers_20000x50", |b| {
        b.iter(|| {
            Dataset::from_csv_reader("bench.csv", numbers.as_bytes(), &CsvOptions::default())
                .expect("reads")
        })
    });
    group.bench_function("numbers_20000x50_str_parse_only", |b| {
        b.iter(|| {
            let mut sum = 0.0;
            for line in numbers.lines().skip(1) {
                for cell in line.split(',') {
                    sum += cell.parse::<f64>().expect("a number");
                }
            }
            sum
        })
    });
    let images = pixels(2_000);
    let options = CsvOptions {
        targets: vec![TargetSpec::parse("label").expect("spec")],
        ..CsvOptions::default()
    };
    group.throughput(Throughput::Bytes(images.len() as u64));
    group.bench_function("pixels_2000x785", |b| {
        b.iter(|| {
            Dataset::from_csv_reader("bench.csv", images.as_bytes(), &options).expect("reads")
        })
    });
    group.finish();
}

criterion_group!(benches, ingestion);
criterion_main!(benches);
