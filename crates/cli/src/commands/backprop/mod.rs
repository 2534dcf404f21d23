//! `nabla backprop`: a worked forward and backward pass for a small network, as a textbook
//! shows it — every net input and output, the loss with its numbers, every gradient as its
//! chain-rule product, the deltas layer by layer, and the weights after one optimizer step.
//!
//! It runs on nabla's autodiff tape (the engine `nabla train` uses), so what it explains is
//! what training does. The computation lives in [`nabla_explain::backprop`] (the spec, the
//! pass, the names, the worked document and its JSON); this command reads the file and prints
//! the document with [`text`] or [`markdown`].
//!
//! ```text
//! nabla backprop --spec net.json                     # the worked solution as text
//! nabla backprop --spec net.json --format markdown   # the same, as markdown
//! nabla backprop --spec net.json --format json       # every number at full precision
//! nabla backprop --spec net.json --check             # also: tape vs finite differences
//! nabla backprop --spec net.json --tape              # also: the recorded tape, node by node
//! nabla backprop --spec net.json --claims mine.json  # also: a worked solution, marked claim by claim
//! ```

mod markdown;
mod text;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{anyhow, Context as _};
use clap::Args;
use nabla_explain::backprop::{document, json, names, pass, spec};
use nabla_explain::claims;

use crate::marked::{self, ClaimsArgs};
use crate::output::{CommonArgs, Format};

/// `nabla backprop` arguments.
#[derive(Args, Debug)]
pub struct BackpropArgs {
    /// The network spec (JSON): input(s), target(s), layers, loss, optional optimizer.
    #[arg(long, value_name = "NET.json")]
    pub spec: PathBuf,
    /// Also compare the tape's gradients with central finite differences and report the
    /// largest relative error.
    #[arg(long)]
    pub check: bool,
    /// Also list the autodiff tape itself: every node's operation, inputs, value and gradient.
    #[arg(long)]
    pub tape: bool,
    /// Significant digits of the numbers in text and markdown (JSON is always full precision).
    #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u8).range(1..=17))]
    pub digits: u8,
    #[command(flatten)]
    pub claims: ClaimsArgs,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Runs `nabla backprop`.
///
/// # Errors
/// An unreadable or invalid spec (one line naming the file and the field at fault), or a loss
/// the network's outputs cannot feed (BCE outside [0, 1]); with `--claims`, an unreadable claims
/// file or an unknown name. A graded solution with any claim not correct is not an error: it
/// exits 1.
pub fn run(args: &BackpropArgs) -> anyhow::Result<ExitCode> {
    crate::paths::RunPaths::new()
        .input("--spec", Some(&args.spec))
        .input("--claims", args.claims.claims.as_deref())
        .check()?;
    let file = args.spec.display().to_string();
    let text =
        std::fs::read_to_string(&args.spec).with_context(|| format!("cannot read {file}"))?;
    let spec = spec::parse(&text).map_err(|e| anyhow!("{file}: {e}"))?;
    let pass = pass::run(&spec, args.check).map_err(|e| anyhow!("{file}: {e}"))?;
    let names = names::Names::new(&spec);
    let grading = match args.claims.read()? {
        Some(c) => {
            Some(c.grade(|text, rule| claims::backprop::grade(text, &spec, &pass, &names, rule))?)
        }
        None => None,
    };
    marked::print(
        args.common.format,
        grading.as_ref(),
        || json::render(&spec, &pass, &names, args.tape),
        |format| {
            let cx = document::Context {
                spec: &spec,
                pass: &pass,
                names: &names,
                fmt: document::Fmt {
                    digits: usize::from(args.digits),
                },
                tape: args.tape,
            };
            let doc = document::build(&cx);
            if format == Format::Markdown {
                markdown::render(&doc)
            } else {
                text::render(&doc)
            }
        },
    )
}
