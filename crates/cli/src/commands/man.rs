//! `nabla man [COMMAND]`: the manual page of nabla, or of one command, in roff on stdout
//! (clap_mangen), generated from the same flag definitions as `--help`.
//!
//! ```text
//! nabla man | man -l -              # read it now
//! nabla man train > nabla-train.1   # install one page per command
//! ```

use anyhow::Context;
use clap::Args;

use crate::output;

/// Flags of `nabla man`.
#[derive(Args, Debug)]
pub struct ManArgs {
    /// A command's page (`nabla-COMMAND(1)`) instead of nabla's own.
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

/// Prints the page on stdout.
pub fn run(args: &ManArgs, command: clap::Command) -> anyhow::Result<()> {
    let page = match &args.command {
        None => command,
        Some(name) => {
            let names: Vec<String> = command
                .get_subcommands()
                .map(|c| c.get_name().to_string())
                .collect();
            let sub = command.find_subcommand(name).with_context(|| {
                format!(
                    "COMMAND: no command named '{name}' (there are {})",
                    names.join(", ")
                )
            })?;
            sub.clone()
                .display_name(format!("nabla-{name}"))
                .bin_name(format!("nabla {name}"))
        }
    };
    let mut roff = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut roff)
        .context("cannot render the manual page")?;
    output::print_text(&String::from_utf8_lossy(&roff))
}
