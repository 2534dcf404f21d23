//! `nabla lr-find`: the learning-rate range test (`nabla_nn::train::lr_find`) on the network
//! `nabla train` would build from the same flags.
//!
//! ```text
//! nabla lr-find [--data …] [train's model and optimizer flags] [--min-lr 1e-7] [--max-lr 10]
//!               [--steps 100] [--plot FILE.png|svg] [--format text|json]
//! ```
//!
//! The rate grows exponentially from `--min-lr` to `--max-lr` over `--steps` mini-batches,
//! cycling through the training rows; the smoothed loss is recorded until it diverges, and the
//! suggestion is read off its longest descent (fastai's `valley`). See docs/training.md.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::bail;
use clap::Args;
use nabla_nn::layers::Mlp;
use nabla_nn::train::{lr_find, Examples, LrFind, LrFindConfig};
use nabla_tensor::Float;
use plotters::coord::Shift;
use plotters::prelude::*;
use serde_json::json;

use super::{self as train, TrainArgs};
use crate::dtype::Dtype;
use crate::output::{self, Format};
use crate::plot::{self, DrawResult, Figure};

/// `nabla lr-find` flags.
#[derive(Args, Debug)]
pub struct LrFindArgs {
    /// The first learning rate.
    #[arg(long, default_value_t = 1e-7, allow_hyphen_values = true)]
    pub min_lr: f64,
    /// The last learning rate (reached unless the loss diverges first).
    #[arg(long, default_value_t = 10.0, allow_hyphen_values = true)]
    pub max_lr: f64,
    /// Mini-batches, one per rate.
    #[arg(long, default_value_t = 100)]
    pub steps: usize,
    #[command(flatten)]
    pub train: TrainArgs,
}

/// Train's flags that change nothing in the range test (it runs `--steps` mini-batches, without
/// clipping, and measures no epoch), refused when given on the command line. (`--test-fraction`
/// and `--validation-fraction` do apply: they choose the training rows it cycles through.)
const UNUSED: [(&str, &str); 3] = [
    ("epochs", "the test runs --steps mini-batches, not epochs"),
    (
        "clip_norm",
        "the test steps without clipping, to see where the loss diverges",
    ),
    ("train_metrics", "the test measures no epoch"),
];

/// Refuses, naming the flag, any of [`UNUSED`] given to `lr-find`.
///
/// # Errors
/// The first such flag given.
pub fn refuse_unused(given: &clap::ArgMatches) -> anyhow::Result<()> {
    for (id, why) in UNUSED {
        if given.value_source(id) == Some(clap::parser::ValueSource::CommandLine) {
            bail!(
                "--{}: does not apply to lr-find: {why}",
                id.replace('_', "-")
            );
        }
    }
    Ok(())
}

/// Runs `nabla lr-find`.
pub fn run(args: &LrFindArgs) -> anyhow::Result<()> {
    let t = &args.train;
    for (flag, given) in [
        ("--task", !t.multitask.tasks.is_empty()),
        ("--save", t.save.is_some()),
        ("--log", t.log.is_some()),
        ("--schedule", t.schedule.is_some()),
        ("--patience", t.patience.is_some()),
        ("--mc-samples", t.mc_samples.is_some()),
        ("--confusion-plot", t.confusion_plot.is_some()),
        ("--config", t.config.is_some()),
        ("--checkpoint", t.checkpoint.is_some()),
        ("--resume", t.resume.is_some()),
    ] {
        if given {
            bail!("{flag}: does not apply to lr-find, which probes single-task networks and keeps none");
        }
    }
    let data_file = Path::new(&t.data);
    crate::paths::RunPaths::new()
        .input("--data", data_file.exists().then_some(data_file))
        .output("--plot", t.plot.as_deref())
        .check()?;
    crate::limits::use_threads("--threads", t.threads)?;
    if let Some(path) = &t.plot {
        plot::ImageFormat::from_path(path, "--plot")?;
    }
    let setup = train::single_task_setup(t)?;
    let config = LrFindConfig {
        min_lr: args.min_lr,
        max_lr: args.max_lr,
        steps: args.steps,
        batch_size: t.batch,
        seed: t.seed,
        optimizer: setup.train.optimizer,
    };
    let check = |flag: &str, ok: bool, why: &str| {
        if ok {
            Ok(())
        } else {
            Err(anyhow::anyhow!("{flag}: {why}"))
        }
    };
    check(
        "--min-lr",
        args.min_lr > 0.0 && args.min_lr.is_finite(),
        "must be a positive finite rate",
    )?;
    check(
        "--max-lr",
        args.max_lr > args.min_lr && args.max_lr.is_finite(),
        "must be finite and above --min-lr",
    )?;
    check(
        "--steps",
        args.steps >= 2,
        "the test needs at least 2 steps",
    )?;
    // Each step keeps its rate and smoothed loss: priced before any work.
    crate::limits::check_memory(
        "--steps",
        format_args!("{} steps", args.steps),
        args.steps as f64 * 2.0 * std::mem::size_of::<f64>() as f64,
    )?;
    let found = match t.dtype {
        Dtype::F32 => find::<f32>(&setup, &config)?,
        Dtype::F64 => find::<f64>(&setup, &config)?,
    };
    if let Some(path) = &t.plot {
        let title = format!(
            "{}: learning-rate range test, {}",
            setup.prepared.name,
            config.optimizer.name()
        );
        plot::save(
            path,
            "--plot",
            (900, 560),
            &Curve {
                title,
                found: &found,
            },
        )?;
    }
    match t.common.format {
        Format::Json => output::print_json(&json!({
            "dataset": setup.prepared.name,
            "optimizer": config.optimizer.name(),
            "min_lr": args.min_lr,
            "max_lr": args.max_lr,
            "steps": args.steps,
            "batch": t.batch,
            "seed": t.seed,
            "lrs": found.lrs,
            "losses": found.losses,
            "suggested_lr": found.suggested_lr,
            "diverged": found.diverged,
        })),
        Format::Text | Format::Markdown => output::print_text(&to_text(&found, &config)),
    }
}

fn find<T: Float>(setup: &train::Setup, config: &LrFindConfig) -> anyhow::Result<LrFind> {
    let objective = setup.prepared.objective;
    let (x, y) = nabla_nn::data::prepare::tensors::<T>(&setup.prepared.split.train, objective)?;
    let mut mlp = Mlp::<T>::new(&setup.mlp, config.seed)?;
    Ok(lr_find(
        &mut mlp,
        &Examples::new(objective, &x, &y),
        config,
    )?)
}

fn to_text(found: &LrFind, config: &LrFindConfig) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "learning-rate range test: {} from {:e} to {:e} over {} steps{}",
        config.optimizer.name(),
        config.min_lr,
        config.max_lr,
        config.steps,
        if found.diverged {
            format!(" (diverged after {})", found.lrs.len())
        } else {
            String::new()
        }
    );
    let _ = writeln!(s, "\n{:>12}  smoothed loss", "lr");
    let every = (found.lrs.len() / 12).max(1);
    for (i, (lr, loss)) in found.lrs.iter().zip(&found.losses).enumerate() {
        if i % every == 0 || i + 1 == found.lrs.len() {
            let _ = writeln!(s, "{lr:>12.3e}  {loss:.4}");
        }
    }
    match found.suggested_lr {
        Some(lr) => {
            let _ = writeln!(s, "\nsuggested learning rate: {lr:.3e}");
        }
        None => {
            let _ = writeln!(s, "\nno suggestion: too few steps before the loss diverged");
        }
    }
    s
}

/// The smoothed loss against the rate (log scale), the suggestion marked.
struct Curve<'a> {
    title: String,
    found: &'a LrFind,
}

impl Figure for Curve<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE)?;
        let f = self.found;
        let (lo, hi) = f
            .losses
            .iter()
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| {
                (l.min(v), h.max(v))
            });
        let (lo, hi) = if lo < hi {
            (lo, hi)
        } else {
            (lo - 1.0, lo + 1.0)
        };
        let first = f.lrs.first().copied().unwrap_or(1e-7);
        let last = f.lrs.last().copied().unwrap_or(10.0).max(first * 10.0);
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, (plot::FONT, 20))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d((first..last).log_scale(), lo..hi)?;
        chart
            .configure_mesh()
            .x_desc("learning rate")
            .y_desc("smoothed loss")
            .x_label_formatter(&|v| format!("{v:.0e}"))
            .draw()?;
        chart.draw_series(LineSeries::new(
            f.lrs.iter().copied().zip(f.losses.iter().copied()),
            plot::color(0).stroke_width(2),
        ))?;
        if let Some(lr) = f.suggested_lr {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(lr, lo), (lr, hi)],
                    plot::color(3).stroke_width(2),
                )))?
                .label(format!("suggested {lr:.2e}"))
                .legend(|(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], plot::color(3).stroke_width(2))
                });
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.8))
                .border_style(BLACK)
                .position(SeriesLabelPosition::UpperLeft)
                .draw()?;
        }
        Ok(())
    }
}
