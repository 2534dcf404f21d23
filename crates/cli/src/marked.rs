//! `--claims CLAIMS.json` and `--tolerance REL`, shared by `nabla backprop` and `nabla regress`:
//! reading the claims file, and printing the graded claims as a marked solution (every claimed
//! line with ✓, carried or ✗ and the right working). Exit status 1 when any claim is carried or
//! wrong, as `diff` does; the grading itself is `nabla_explain::claims`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{anyhow, Context};
use clap::Args;
use nabla_explain::claims::{Grade, Grading, Rule};
use serde_json::Value;

use crate::output::{print_json, print_text, Format};

/// The claims flags.
#[derive(Args, Debug)]
pub struct ClaimsArgs {
    /// Grade a worked solution: a JSON object of quantity name → the number written down (a
    /// verdict: its string). Each claim is marked correct, carried (wrong only because of an
    /// earlier mistake) or wrong; the exit status is 1 unless all are correct.
    ///
    /// Names for backprop: net_h1, out_h1, J, dJ/dout_o1, dout_h1/dnet_h1, delta_h1, dJ/dw5,
    /// dJ/db3, and w5+ / b3+ after the optimizer step; units and parameters are named as the
    /// worked solution names them (x1.., h1.. or h1_1.., o1.., w1.., b1.., or the spec's
    /// "names"); in a batch, net_h1[2] is sample 2. Names for regress: each coefficient by its
    /// column (intercept; slope with one regressor), r_squared, sigma, sse, sum_sq_diff, d, d_L,
    /// d_U, verdict, rho, and the lists residuals and fitted. A claim is correct within one unit
    /// of its last written digit; carried when it follows by the right formula from the
    /// claimant's own earlier values. docs/check.md has the details.
    #[arg(long, value_name = "CLAIMS.json")]
    pub claims: Option<PathBuf>,
    /// With --claims: a claim is correct within this relative tolerance of the true value
    /// (instead of within one unit of its last written digit).
    #[arg(
        long,
        value_name = "REL",
        requires = "claims",
        allow_hyphen_values = true
    )]
    pub tolerance: Option<f64>,
}

/// A claims file to grade: its name for messages, its text and the rule.
pub struct ClaimsFile {
    /// The path as given.
    pub file: String,
    /// Its text (graded from the text, so the written digits survive).
    pub text: String,
    /// The grading rule.
    pub rule: Rule,
}

impl ClaimsArgs {
    /// Reads the claims file, if one was given.
    ///
    /// # Errors
    /// An unreadable file, or a `--tolerance` that is negative or not finite.
    pub fn read(&self) -> anyhow::Result<Option<ClaimsFile>> {
        let Some(path) = &self.claims else {
            return Ok(None);
        };
        let rule = match self.tolerance {
            None => Rule::LastDigit,
            Some(rel) => Rule::relative(rel).map_err(|e| anyhow!("--{e}"))?,
        };
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {file}"))?;
        Ok(Some(ClaimsFile { file, text, rule }))
    }
}

impl ClaimsFile {
    /// Grades the claims with `grade` (the command's grader, given the text and the rule); an
    /// error names the claims file.
    ///
    /// # Errors
    /// Whatever the grader refuses: an unknown name, a malformed file, a duplicate key.
    pub fn grade(
        &self,
        grade: impl FnOnce(&str, Rule) -> nabla_explain::Result<Grading>,
    ) -> anyhow::Result<Grading> {
        grade(&self.text, self.rule).map_err(|e| anyhow!("{}: {e}", self.file))
    }
}

/// Prints a command's result with its graded claims, if any: `json` gains `claims` and
/// `claims_summary`, the text or markdown `report` gains the marked solution. Returns the exit
/// status: 1 when any claim is not correct, else 0.
///
/// # Errors
/// A write error on stdout.
pub fn print(
    format: Format,
    grading: Option<&Grading>,
    json: impl FnOnce() -> Value,
    report: impl FnOnce(Format) -> String,
) -> anyhow::Result<ExitCode> {
    if format == Format::Json {
        let mut doc = json();
        if let (Some(g), Some(object)) = (grading, doc.as_object_mut()) {
            g.add_to_json(object);
        }
        print_json(&doc)?;
    } else {
        let mut out = report(format);
        if let Some(g) = grading {
            out.push_str(&render(g, format));
        }
        print_text(&out)?;
    }
    Ok(match grading {
        Some(g) if !g.all_correct() => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    })
}

/// The mark in front of a claim.
fn mark(grade: Grade) -> &'static str {
    match grade {
        Grade::Correct => "✓",
        Grade::Carried => "carried",
        Grade::Wrong => "✗",
    }
}

/// The marked solution, as text or markdown.
fn render(grading: &Grading, format: Format) -> String {
    let s = grading.summary();
    let total = grading.claims.len();
    let heading = "Your solution, marked";
    let tally = format!(
        "{} claim{}: {} correct, {} carried forward, {} wrong.",
        total,
        if total == 1 { "" } else { "s" },
        s.correct,
        s.carried,
        s.wrong
    );
    let mut out = String::new();
    if format == Format::Markdown {
        out.push_str(&format!("\n## {heading}\n\n{tally}\n\n"));
        for c in &grading.claims {
            out.push_str(&format!(
                "- {} `{} = {}`  \n  {}\n",
                mark(c.grade),
                c.name,
                c.claimed.text(),
                c.explanation.replace('*', "\\*")
            ));
        }
    } else {
        out.push_str(&format!(
            "\n{heading}\n{}\n{tally}\n\n",
            "-".repeat(heading.chars().count())
        ));
        for c in &grading.claims {
            out.push_str(&format!(
                "{:<7} {} = {}\n",
                mark(c.grade),
                c.name,
                c.claimed.text()
            ));
            out.push_str(&format!("        {}\n", c.explanation));
        }
    }
    out
}
