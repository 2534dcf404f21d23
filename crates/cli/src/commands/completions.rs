//! `nabla completions SHELL`: a completion script for bash, zsh, fish, elvish or PowerShell,
//! generated from nabla's own flag definitions (clap_complete), so it never drifts from them.
//!
//! ```text
//! nabla completions bash > ~/.local/share/bash-completion/completions/nabla
//! nabla completions zsh > ~/.zfunc/_nabla
//! nabla completions fish > ~/.config/fish/completions/nabla.fish
//! ```

use clap::Args;
use clap_complete::Shell;

use crate::output;

/// Flags of `nabla completions`.
#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Prints the script on stdout.
pub fn run(args: &CompletionsArgs, mut command: clap::Command) -> anyhow::Result<()> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "nabla", &mut script);
    output::print_text(&String::from_utf8_lossy(&script))
}
