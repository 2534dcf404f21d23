//! The final evaluation's check that every prediction exists: a row of the train, validation or
//! test part whose network outputs are not finite (a feature far outside the training range, a
//! tiny feature std) is an error naming the data and the row, not a `null` probability beside
//! a class and an accuracy.

use nabla_nn::data::{Split, SplitConfig};
use nabla_tensor::{Float, Tensor};

use super::TrainArgs;

/// Which data row (from 0) each row of each part is: the run's seeded split of `n` rows, or
/// `None` where the parts' rows are not the data's rows one for one (rows left out before the
/// split).
pub fn split_rows(args: &TrainArgs, n: usize, rows_left_out: usize) -> Option<Split> {
    if rows_left_out > 0 {
        return None;
    }
    let config = SplitConfig {
        test_fraction: args.test_fraction,
        validation_fraction: args.validation_fraction,
        seed: args.seed,
        stratify_by: None,
    };
    Split::of_size(n, &config).ok()
}

/// Fails on the first row of `out` (the `part` part's outputs) that is not finite, naming
/// `--data` and the row: the data's row (from 1) where `split` says which it is.
///
/// # Errors
/// `--data DATA: row R (test row K): the network's output is …`.
pub fn check<T: Float>(
    out: &Tensor<T>,
    part: &str,
    data: &str,
    split: Option<&Split>,
) -> anyhow::Result<()> {
    let Err(nabla_nn::Error::NonFiniteOutput { row, value }) = nabla_nn::train::check_finite(out)
    else {
        return Ok(());
    };
    let rows = split.map(|s| match part {
        "train" => &s.train,
        "validation" => &s.validation,
        _ => &s.test,
    });
    let shown = nabla_nn::Error::NonFiniteOutput {
        row: rows
            .and_then(|r| r.get(row - 1))
            .map_or(row, |data_row| data_row + 1),
        value,
    };
    let place = if rows.is_some() {
        format!(" ({part} row {row})")
    } else {
        format!(" (of the {part} rows)")
    };
    let text = shown.to_string();
    let (head, tail) = text.split_once(':').unwrap_or((&text, ""));
    anyhow::bail!("--data {data}: {head}{place}:{tail}")
}
