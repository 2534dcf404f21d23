//! `nabla`: the command-line face of the nabla toolkit.
//!
//! One module per command under `commands/`; each defines its clap `Args` and a `run` function.
//! `main` turns every error into one line on stderr and exit status 2, and a closed pipe into a
//! quiet exit, so no panic or backtrace reaches the user; a command that grades claims returns
//! its own exit status (1 when a claim is not correct).

mod commands;
mod marked;
mod output;
mod plot;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// A deep-learning fundamentals toolkit: every core idea computable, checkable and visible.
#[derive(Parser)]
#[command(name = "nabla", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Time the reference training workloads (for comparisons with PyTorch).
    Bench(commands::bench::BenchArgs),
    /// Train a network on an embedded data set or a CSV file (the default: digits, 64-64-10).
    Train(commands::train::TrainArgs),
    /// Does sharing help? Single-task networks against one multi-task network under each loss
    /// balancing, on the same splits and seeds (per-task test metrics, mean ± std).
    MtlCompare(commands::mtl_compare::MtlCompareArgs),
    /// Predict with a saved model: class and probabilities, or value, per row of a CSV file.
    Predict(commands::predict::PredictArgs),
    /// Evaluate a saved model on labelled rows: loss, accuracy or MSE and R².
    Eval(commands::eval::EvalArgs),
    /// A worked forward and backward pass for a small network, as a textbook shows it.
    Backprop(commands::backprop::BackpropArgs),
    /// An activation function's values and derivatives at given points (PyTorch's definitions).
    Activation(commands::activation::ActivationArgs),
    /// Race optimizers on a 2-D test function (paths, ranking, contour plot).
    Optimize(commands::optimize::OptimizeArgs),
    /// Ordinary least squares with a full summary, Durbin–Watson (exact p-values and bounds) and
    /// Breusch–Godfrey; rows are observations in time order.
    Regress(commands::regress::RegressArgs),
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Bench(args) => commands::bench::run(&args),
        Command::Train(args) => commands::train::run(&args),
        Command::MtlCompare(args) => commands::mtl_compare::run(&args),
        Command::Predict(args) => commands::predict::run(&args),
        Command::Eval(args) => commands::eval::run(&args),
        // Commands that grade claims exit 1 when a claim is not correct.
        Command::Backprop(args) => return commands::backprop::run(&args),
        Command::Activation(args) => commands::activation::run(&args),
        Command::Optimize(args) => commands::optimize::run(&args),
        Command::Regress(args) => return commands::regress::run(&args),
    }?;
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // clap prints help/version to stdout (exit 0) and usage errors to stderr (exit 2).
            let _ = err.print();
            return if err.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            if output::is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("nabla: {err:#}");
            ExitCode::from(2)
        }
    }
}
