//! The `--expr` parser and everything built on it, on arbitrary bytes: an expression parses or is
//! refused with a message that quotes at most an excerpt, never panics or overflows the stack;
//! one that parses evaluates, differentiates, races two optimizers a few steps and traces its
//! contour map.

use nabla_explain::optimize::{contour, expr, race, Objective};
use nabla_nn::optim::OptimizerConfig;

/// Runs one input.
pub fn run(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = match expr::parse(text) {
        Ok(parsed) => parsed,
        Err(nabla_explain::Error::Expression(err)) => {
            assert!(
                err.describe("--expr").chars().count() < 400,
                "the whole text quoted"
            );
            return;
        }
        Err(other) => panic!("not an expression error: {other}"),
    };
    let f = Objective::Expr {
        text: text.to_string(),
        expr: parsed,
    };
    for (x, y) in [(0.0, 0.0), (-1.5, 2.0), (1e300, -1e-300)] {
        let _ = f.value(x, y);
        let _ = f.value_and_gradient(x, y);
    }
    let start = [-1.5, 2.0];
    let runs: Vec<_> = ["sgd", "adam"]
        .iter()
        .filter_map(|name| OptimizerConfig::default_for(name).ok())
        .filter_map(|config| race::run(&f, config, start, 20).ok())
        .collect();
    for run in &runs {
        let summary = run.summary(1e-3);
        assert!(summary.path_length.is_finite() && summary.path_length.is_sign_positive());
        assert!(summary.best_loss.is_finite() || !run.trajectory[0].loss.is_finite());
        if run.diverged_at.is_some() {
            assert!(summary.final_loss.is_none());
        }
    }
    let view = contour::view(&f, start, &runs);
    let _ = contour::trace(&f, &view);
}
