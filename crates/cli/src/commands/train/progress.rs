//! The progress line on stderr while training: epoch, batch, running loss, throughput.
//!
//! It draws only when stderr is a terminal and `--quiet` is off, so logs and pipes stay clean.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use nabla_nn::train::{EpochMetrics, Event};

/// A throttled, single-line progress display.
pub struct Progress {
    enabled: bool,
    epochs: usize,
    last_draw: Option<Instant>,
}

impl Progress {
    /// A display for `epochs` epochs; silent when `quiet` or stderr is not a terminal.
    pub fn new(epochs: usize, quiet: bool) -> Self {
        Self {
            enabled: !quiet && std::io::stderr().is_terminal(),
            epochs,
            last_draw: None,
        }
    }

    /// Shows a training event (at most ten redraws a second, and every epoch's end).
    pub fn update<M: EpochMetrics, S>(&mut self, event: Event<'_, M, S>) {
        if !self.enabled {
            return;
        }
        let line = match event {
            Event::Batch {
                epoch,
                batch,
                batches,
                running_loss,
                rows_per_second,
            } => {
                let due = self
                    .last_draw
                    .is_none_or(|t| t.elapsed() >= Duration::from_millis(100));
                if !due && batch != batches {
                    return;
                }
                format!(
                    "epoch {epoch}/{} {} batch {batch}/{batches}  loss {running_loss:.4}  {rows_per_second:.0} rows/s",
                    self.epochs,
                    bar(batch, batches, 20),
                )
            }
            Event::Epoch(report) => {
                let mut line = format!(
                    "epoch {}/{} done  train loss {:.4}",
                    report.epoch,
                    self.epochs,
                    report.train.loss()
                );
                if let Some(v) = &report.validation {
                    line.push_str(&format!("  validation loss {:.4}", v.loss()));
                }
                line
            }
        };
        self.last_draw = Some(Instant::now());
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{line}");
        let _ = err.flush();
    }

    /// Ends the line.
    pub fn finish(&mut self) {
        if self.enabled && self.last_draw.is_some() {
            eprintln!();
        }
    }
}

fn bar(done: usize, total: usize, width: usize) -> String {
    let filled = (done * width)
        .checked_div(total)
        .unwrap_or(width)
        .min(width);
    format!("[{}{}]", "#".repeat(filled), "-".repeat(width - filled))
}
