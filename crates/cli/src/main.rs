//! `nabla`: the command-line face of the nabla toolkit.
//!
//! One module per command under `commands/`; each defines its clap `Args` and a `run` function.
//! `main` turns every error into one line on stderr and exit status 2, and a closed pipe into a
//! quiet exit, so no panic or backtrace reaches the user; a command that grades claims returns
//! its own exit status (1 when a claim is not correct); an interrupt removes the temporary
//! files of unfinished writes and exits 130 ([`temp_files`]).

mod commands;
mod confusion_plot;
mod data_argument;
mod dtype;
mod limits;
mod marked;
mod mc_dropout;
mod model_args;
mod model_data;
mod multitask_model;
mod output;
mod paths;
mod plot;
mod report;
mod temp_files;
mod training_cost;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

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
    Train(Box<commands::train::TrainArgs>),
    /// The learning-rate range test: the loss as the rate grows exponentially, and a suggestion.
    LrFind(Box<commands::train::lr_find::LrFindArgs>),
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
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) on stdout.
    Completions(commands::completions::CompletionsArgs),
    /// Print the manual page (roff) of nabla or of one command on stdout.
    Man(commands::man::ManArgs),
}

/// nabla's clap command: the derived one, with every option's value allowed to start with `-`
/// (`--at -2,2`, `--start -1.5,2`, and `--epochs -1`, which then fails naming `--epochs`).
pub fn cli_command() -> clap::Command {
    values_may_start_with_a_hyphen(Cli::command())
}

fn values_may_start_with_a_hyphen(command: clap::Command) -> clap::Command {
    command
        .mut_args(|arg| {
            if arg.get_long().is_some() && arg.get_action().takes_values() {
                arg.allow_hyphen_values(true)
            } else {
                arg
            }
        })
        .mut_subcommands(values_may_start_with_a_hyphen)
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Bench(args) => commands::bench::run(&args),
        Command::Train(args) => commands::train::run(&args),
        Command::LrFind(args) => commands::train::lr_find::run(&args),
        Command::MtlCompare(args) => commands::mtl_compare::run(&args),
        Command::Predict(args) => commands::predict::run(&args),
        Command::Eval(args) => commands::eval::run(&args),
        // Commands that grade claims exit 1 when a claim is not correct.
        Command::Backprop(args) => return commands::backprop::run(&args),
        Command::Activation(args) => commands::activation::run(&args),
        Command::Optimize(args) => commands::optimize::run(&args),
        Command::Regress(args) => return commands::regress::run(&args),
        Command::Completions(args) => commands::completions::run(&args, cli_command()),
        Command::Man(args) => commands::man::run(&args, cli_command()),
    }?;
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    temp_files::remove_on_interrupt();
    // `nabla train --config FILE` stands for the file's flags written on the command line.
    // `nabla train FILE.csv` stands for `--data FILE.csv`; `nabla regress --data FILE.csv` for
    // `nabla regress FILE.csv`.
    let args = data_argument::normalise(std::env::args_os().collect(), &cli_command())
        .and_then(commands::train::config::expand);
    let args = match args {
        Ok(args) => args,
        Err(err) => {
            eprintln!("nabla: {err:#}");
            return ExitCode::from(2);
        }
    };
    let parsed = cli_command()
        .try_get_matches_from(args)
        .and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_definition_is_consistent() {
        cli_command().debug_assert();
    }

    #[test]
    fn every_option_value_may_start_with_a_hyphen() {
        fn check(command: &clap::Command) {
            for arg in command.get_arguments() {
                if arg.get_long().is_some() && arg.get_action().takes_values() {
                    assert!(
                        arg.is_allow_hyphen_values_set(),
                        "{} --{}",
                        command.get_name(),
                        arg.get_long().unwrap()
                    );
                }
            }
            command.get_subcommands().for_each(check);
        }
        check(&cli_command());
    }
}
