//! `nabla optimize`: race optimizers on a two-dimensional test function.
//!
//! Each optimizer named in `--optimizer` runs from `--start` for `--steps` steps of the analytic
//! gradient, with PyTorch's update rules and defaults (`--lr` defaults to PyTorch's default for
//! each optimizer). The text form prints each trajectory (sampled for long runs) and a ranking by
//! steps to a loss threshold, final loss, path length and oscillation; `--plot` draws the paths
//! on the function's contour map next to the loss curves.

mod picture;

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{anyhow, bail, Context};
use clap::Args;
use nabla_explain::optimize::{expr, json, race, Objective, Run, Summary};
use nabla_explain::Error;
use nabla_nn::optim::{HyperValue, OptimizerConfig};

use crate::output::{self, CommonArgs, Format};

/// The most steps one run may take.
const MAX_STEPS: usize = 10_000_000;

/// Flags of `nabla optimize`.
#[derive(Args, Debug)]
pub struct OptimizeArgs {
    /// Test function: rosenbrock, quadratic, beale or himmelblau.
    #[arg(long, required_unless_present = "expr", conflicts_with = "expr")]
    pub function: Option<String>,
    /// Your own function of x and y instead, e.g. "(1-x)^2+100*(y-x^2)^2" (+ - * / ^, exp, log,
    /// sqrt, abs, tanh, sigmoid, pi, e); its gradient comes from nabla's autodiff tape.
    #[arg(long, allow_hyphen_values = true)]
    pub expr: Option<String>,
    /// Optimizer, or several comma-separated to race them: sgd, momentum, nesterov, rmsprop,
    /// adam, adamw, adagrad, adadelta, nadam, radam.
    #[arg(long)]
    pub optimizer: String,
    /// Start point X,Y.
    #[arg(long, allow_hyphen_values = true)]
    pub start: String,
    /// Optimizer steps.
    #[arg(long)]
    pub steps: usize,
    /// Learning rate (default: PyTorch's default for each optimizer); one value for every
    /// optimizer, or one per optimizer, comma-separated.
    #[arg(long, allow_hyphen_values = true)]
    pub lr: Option<String>,
    /// Momentum factor (momentum 0.9, nesterov 0.9, rmsprop 0).
    #[arg(long, allow_hyphen_values = true)]
    pub momentum: Option<f64>,
    /// Dampening of the momentum buffer (momentum; default 0).
    #[arg(long, allow_hyphen_values = true)]
    pub dampening: Option<f64>,
    /// L2 penalty added to the gradient (decoupled for adamw; default 0, adamw 0.01).
    #[arg(long = "weight-decay", allow_hyphen_values = true)]
    pub weight_decay: Option<f64>,
    /// Smoothing constant of RMSprop's squared-gradient average (default 0.99).
    #[arg(long, allow_hyphen_values = true)]
    pub alpha: Option<f64>,
    /// Term added to the denominator (rmsprop/adam/adamw/nadam/radam 1e-8, adagrad 1e-10,
    /// adadelta 1e-6).
    #[arg(long, allow_hyphen_values = true)]
    pub eps: Option<f64>,
    /// RMSprop: divide by the estimated variance instead of the second moment.
    #[arg(long)]
    pub centered: bool,
    /// Decay of the first moment (adam, adamw, nadam, radam; default 0.9).
    #[arg(long, allow_hyphen_values = true)]
    pub beta1: Option<f64>,
    /// Decay of the second moment (adam, adamw, nadam, radam; default 0.999).
    #[arg(long, allow_hyphen_values = true)]
    pub beta2: Option<f64>,
    /// Adam/AdamW: use the running maximum of the second moment.
    #[arg(long)]
    pub amsgrad: bool,
    /// Adadelta's decay of its running averages (default 0.9).
    #[arg(long, allow_hyphen_values = true)]
    pub rho: Option<f64>,
    /// Adagrad's learning-rate decay (default 0).
    #[arg(long = "lr-decay", allow_hyphen_values = true)]
    pub lr_decay: Option<f64>,
    /// Adagrad's initial accumulator value (default 0).
    #[arg(long = "initial-accumulator", allow_hyphen_values = true)]
    pub initial_accumulator: Option<f64>,
    /// NAdam's momentum decay (default 0.004).
    #[arg(long = "momentum-decay", allow_hyphen_values = true)]
    pub momentum_decay: Option<f64>,
    /// Loss threshold for the ranking's "steps to reach" column.
    #[arg(long, default_value_t = 1e-3, allow_hyphen_values = true)]
    pub threshold: f64,
    /// Draw the race (paths on the contour map, loss curves) to FILE.png or FILE.svg.
    #[arg(long)]
    pub plot: Option<PathBuf>,
    #[command(flatten)]
    pub common: CommonArgs,
}

impl OptimizeArgs {
    /// The hyperparameter flags given, as (flag, key, value).
    fn hyperparameter_flags(&self) -> Vec<(&'static str, &'static str, HyperValue)> {
        let numbers = [
            ("--momentum", "momentum", self.momentum),
            ("--dampening", "dampening", self.dampening),
            ("--weight-decay", "weight_decay", self.weight_decay),
            ("--alpha", "alpha", self.alpha),
            ("--eps", "eps", self.eps),
            ("--beta1", "beta1", self.beta1),
            ("--beta2", "beta2", self.beta2),
            ("--rho", "rho", self.rho),
            ("--lr-decay", "lr_decay", self.lr_decay),
            (
                "--initial-accumulator",
                "initial_accumulator_value",
                self.initial_accumulator,
            ),
            ("--momentum-decay", "momentum_decay", self.momentum_decay),
        ];
        let mut flags: Vec<_> = numbers
            .into_iter()
            .filter_map(|(flag, key, v)| v.map(|v| (flag, key, HyperValue::Number(v))))
            .collect();
        if self.centered {
            flags.push(("--centered", "centered", HyperValue::Flag(true)));
        }
        if self.amsgrad {
            flags.push(("--amsgrad", "amsgrad", HyperValue::Flag(true)));
        }
        flags
    }
}

/// The command-line flag of a hyperparameter key.
fn flag_of(key: &str) -> String {
    match key {
        "initial_accumulator_value" => "--initial-accumulator".to_string(),
        other => format!("--{}", other.replace('_', "-")),
    }
}

/// Builds each optimizer's configuration, rejecting flags that do not apply to it.
fn configs(args: &OptimizeArgs) -> anyhow::Result<Vec<OptimizerConfig>> {
    let names: Vec<&str> = args.optimizer.split(',').map(str::trim).collect();
    let lrs = match &args.lr {
        None => vec![None; names.len()],
        Some(text) => {
            let lrs = output::parse_number_list("--lr", text)?;
            match lrs.len() {
                1 => vec![Some(lrs[0]); names.len()],
                n if n == names.len() => lrs.into_iter().map(Some).collect(),
                n => bail!(
                    "--lr: expected one learning rate or one per optimizer ({}), got {n}",
                    names.len()
                ),
            }
        }
    };
    let mut out = Vec::new();
    for (name, lr) in names.into_iter().zip(lrs) {
        let mut flags = args.hyperparameter_flags();
        if let Some(lr) = lr {
            flags.insert(0, ("--lr", "lr", HyperValue::Number(lr)));
        }
        if name.is_empty() {
            bail!("--optimizer: empty optimizer name in '{}'", args.optimizer);
        }
        let mut config =
            OptimizerConfig::default_for(name).with_context(|| "--optimizer".to_string())?;
        let keys = config.keys();
        for &(flag, key, value) in &flags {
            if !keys.contains(&key) {
                let accepted: Vec<String> = keys.iter().map(|k| flag_of(k)).collect();
                bail!(
                    "{flag} does not apply to optimizer '{name}' (it takes: {})",
                    accepted.join(", ")
                );
            }
            config.set(key, value).with_context(|| flag.to_string())?;
        }
        if let Err(err) = config.validate() {
            let flag = match &err {
                nabla_nn::Error::InvalidParameter { name: key, .. } => flag_of(key),
                _ => "--optimizer".to_string(),
            };
            return Err(anyhow::Error::new(err).context(format!("{flag} ({name})")));
        }
        out.push(config);
    }
    Ok(out)
}

/// Runs `nabla optimize`.
pub fn run(args: &OptimizeArgs) -> anyhow::Result<()> {
    let function = match (&args.function, &args.expr) {
        (Some(name), _) => {
            Objective::Builtin(nabla_nn::TestFunction::from_name(name).context("--function")?)
        }
        (None, Some(text)) => {
            let expr = expr::parse(text).map_err(|e| match e {
                Error::Expression(e) => anyhow!(e.describe("--expr")),
                other => anyhow!(other),
            })?;
            if !expr.uses_variables() {
                bail!("--expr '{text}': the function depends on neither x nor y");
            }
            Objective::Expr {
                text: text.clone(),
                expr,
            }
        }
        (None, None) => bail!("--function or --expr is required"),
    };
    let start = output::parse_number_list("--start", &args.start)?;
    let start: [f64; 2] = start.try_into().map_err(|v: Vec<f64>| {
        anyhow::anyhow!("--start: expected two numbers X,Y, got {}", v.len())
    })?;
    let f0 = function.value(start[0], start[1]);
    if !f0.is_finite() {
        bail!(
            "--start: f({}, {}) = {f0} is not a finite number; choose another start",
            start[0],
            start[1]
        );
    }
    if args.steps > MAX_STEPS {
        bail!("--steps: at most {MAX_STEPS}, got {}", args.steps);
    }
    if !(args.threshold.is_finite() && args.threshold >= 0.0) {
        bail!(
            "--threshold: expected a finite number ≥ 0, got {}",
            args.threshold
        );
    }
    let configs = configs(args)?;
    if let Some(path) = &args.plot {
        crate::plot::ImageFormat::from_path(path, "--plot")?;
    }
    crate::paths::RunPaths::new()
        .output("--plot", args.plot.as_deref())
        .check()?;
    let runs: Vec<Run> = configs
        .into_iter()
        .map(|config| race::run(&function, config, start, args.steps))
        .collect::<nabla_explain::Result<_>>()?;
    for r in &runs {
        if let Some(step) = r.diverged_at {
            let last = r.trajectory[r.trajectory.len() - 1];
            args.common.warn(format_args!(
                "{} diverged at step {step} (x = {}, y = {}, loss = {}: a coordinate, the loss \
                 or the distance travelled is no longer a finite number); its run stops there",
                r.config.name(),
                last.x,
                last.y,
                last.loss
            ));
        }
    }
    let summaries: Vec<Summary> = runs.iter().map(|r| r.summary(args.threshold)).collect();
    if let Some(path) = &args.plot {
        picture::draw(path, &function, start, &runs)?;
    }
    match args.common.format {
        Format::Json => {
            output::print_json(&json::render(&function, args.threshold, &runs, &summaries))
        }
        Format::Text | Format::Markdown => output::print_text(&to_text(
            &function,
            start,
            args.threshold,
            &runs,
            &summaries,
            args.common.format == Format::Markdown,
        )),
    }
}

/// The label of a run: its name and hyperparameters.
pub(crate) fn label(config: &OptimizerConfig) -> String {
    let params: Vec<String> = config
        .hyperparameters()
        .into_iter()
        .filter(|(_, v)| *v != HyperValue::Flag(false))
        .map(|(k, v)| match v {
            HyperValue::Flag(_) => k.to_string(),
            HyperValue::Number(x) => format!("{k}={x:?}"),
        })
        .collect();
    format!("{} ({})", config.name(), params.join(", "))
}

/// Rows to show for a run of `n + 1` points: all of them up to 21, else 11 evenly spaced
/// ones plus the last.
fn sampled_rows(len: usize) -> Vec<usize> {
    if len <= 21 {
        return (0..len).collect();
    }
    let last = len - 1;
    let mut rows: Vec<usize> = (0..=10).map(|i| i * last / 10).collect();
    rows.dedup();
    rows
}

fn fmt_value(v: f64) -> String {
    if !v.is_finite() {
        return format!("{v}");
    }
    if v == 0.0 || (1e-4..1e6).contains(&v.abs()) {
        format!("{v:.6}")
    } else {
        format!("{v:.4e}")
    }
}

/// Writes a table: aligned columns for text, a pipe table for markdown. The first column is
/// left-aligned when `left_first`, every other column right-aligned.
fn write_table(
    out: &mut String,
    markdown: bool,
    headers: &[&str],
    rows: &[Vec<String>],
    left_first: bool,
) {
    if markdown {
        let _ = writeln!(out, "| {} |", headers.join(" | "));
        let rule: Vec<&str> = (0..headers.len())
            .map(|c| if c == 0 && left_first { ":---" } else { "---:" })
            .collect();
        let _ = writeln!(out, "|{}|", rule.join("|"));
        for row in rows {
            let _ = writeln!(out, "| {} |", row.join(" | "));
        }
        return;
    }
    let widths: Vec<usize> = (0..headers.len())
        .map(|c| {
            rows.iter()
                .map(|r| r[c].chars().count())
                .chain(std::iter::once(headers[c].chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<&str>| -> String {
        cells
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                let pad = " ".repeat(widths[c] - cell.chars().count());
                if c == 0 && left_first {
                    format!("{cell}{pad}")
                } else {
                    format!("{pad}{cell}")
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let _ = writeln!(out, "{}", line(headers.to_vec()));
    for row in rows {
        let _ = writeln!(out, "{}", line(row.iter().map(String::as_str).collect()));
    }
}

fn to_text(
    function: &Objective,
    start: [f64; 2],
    threshold: f64,
    runs: &[Run],
    summaries: &[Summary],
    markdown: bool,
) -> String {
    let mut out = String::new();
    let heading = |level: usize, text: &str| {
        if markdown {
            format!("{} {text}", "#".repeat(level))
        } else {
            text.to_string()
        }
    };
    let mut title = format!(
        "{} f(x, y) = {}, from ({}, {})",
        function.name(),
        function.formula(),
        start[0],
        start[1],
    );
    if !function.minima().is_empty() {
        let minima: Vec<String> = function
            .minima()
            .iter()
            .map(|m| format!("({}, {})", fmt_value(m[0]), fmt_value(m[1])))
            .collect();
        let _ = write!(title, "; minimum f = 0 at {}", minima.join(", "));
    }
    let _ = writeln!(out, "{}", heading(1, &title));
    for r in runs {
        let _ = writeln!(out, "\n{}", heading(2, &label(&r.config)));
        let len = r.trajectory.len();
        let shown = sampled_rows(len);
        if shown.len() < len {
            let _ = writeln!(out, "({} of {} points shown)", shown.len(), len);
        }
        if markdown {
            let _ = writeln!(out);
        }
        let rows: Vec<Vec<String>> = shown
            .iter()
            .map(|&i| {
                let p = r.trajectory[i];
                vec![
                    p.step.to_string(),
                    fmt_value(p.x),
                    fmt_value(p.y),
                    fmt_value(p.loss),
                ]
            })
            .collect();
        write_table(
            &mut out,
            markdown,
            &["step", "x", "y", "loss"],
            &rows,
            false,
        );
        if let Some(step) = r.diverged_at {
            let _ = writeln!(
                out,
                "{}diverged at step {step}: run stopped",
                if markdown { "\n" } else { "" }
            );
        }
    }
    let _ = writeln!(
        out,
        "\n{}",
        heading(
            2,
            &format!(
                "ranking (steps to loss ≤ {threshold}, then final loss; oscillation = sign changes of Δx plus Δy)"
            )
        )
    );
    if markdown {
        let _ = writeln!(out);
    }
    let rows: Vec<Vec<String>> = race::ranking(summaries)
        .iter()
        .enumerate()
        .map(|(rank, &i)| {
            let s = &summaries[i];
            vec![
                (rank + 1).to_string(),
                runs[i].config.name().to_string(),
                s.steps_to_threshold
                    .map_or_else(|| "not reached".to_string(), |n| n.to_string()),
                s.final_loss
                    .map_or_else(|| "diverged".to_string(), fmt_value),
                fmt_value(s.path_length),
                s.oscillation.to_string(),
            ]
        })
        .collect();
    let headers = [
        "rank",
        "optimizer",
        "steps to reach",
        "final loss",
        "path length",
        "oscillation",
    ];
    if markdown {
        write_table(&mut out, true, &headers, &rows, false);
    } else {
        // The optimizer column reads better left-aligned after the rank.
        let rows: Vec<Vec<String>> = rows
            .into_iter()
            .map(|mut r| {
                let name = r.remove(1);
                r[0] = format!("{:>4}  {name:<9}", r[0]);
                r
            })
            .collect();
        let mut h = headers.to_vec();
        h.remove(1);
        let first = format!("{:>4}  {:<9}", "rank", "optimizer");
        h[0] = &first;
        write_table(&mut out, false, &h, &rows, true);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sampled_rows_keep_first_and_last() {
        assert_eq!(sampled_rows(5), [0, 1, 2, 3, 4]);
        let rows = sampled_rows(1001);
        assert_eq!(rows.first(), Some(&0));
        assert_eq!(rows.last(), Some(&1000));
        assert_eq!(rows.len(), 11);
    }

    #[test]
    fn flags_are_spelled_as_on_the_command_line() {
        assert_eq!(flag_of("weight_decay"), "--weight-decay");
        assert_eq!(
            flag_of("initial_accumulator_value"),
            "--initial-accumulator"
        );
        assert_eq!(flag_of("beta1"), "--beta1");
    }
}
