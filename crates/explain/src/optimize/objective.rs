//! What `nabla optimize` minimises: one of the four test functions (analytic gradients), or a
//! user's `--expr` (gradients from the autodiff tape).

use nabla_nn::TestFunction;

use super::expr::Expr;
use crate::Result;

/// The function being minimised.
#[derive(Clone, Debug)]
pub enum Objective {
    /// A built-in test function.
    Builtin(TestFunction),
    /// A user expression in x and y, with its source text.
    Expr {
        /// The text as given to `--expr`.
        text: String,
        /// The parsed expression.
        expr: Expr,
    },
}

impl Objective {
    /// The function's name (`"expr"` for a user expression).
    pub fn name(&self) -> &str {
        match self {
            Objective::Builtin(f) => f.name(),
            Objective::Expr { .. } => "expr",
        }
    }

    /// The formula, for titles and the JSON.
    pub fn formula(&self) -> &str {
        match self {
            Objective::Builtin(f) => f.formula(),
            Objective::Expr { text, .. } => text,
        }
    }

    /// f(x, y).
    pub fn value(&self, x: f64, y: f64) -> f64 {
        match self {
            Objective::Builtin(f) => f.value(x, y),
            Objective::Expr { expr, .. } => expr.value(x, y),
        }
    }

    /// f(x, y) and its gradient.
    ///
    /// # Errors
    /// Only if the autodiff tape fails on a user expression.
    pub fn value_and_gradient(&self, x: f64, y: f64) -> Result<(f64, [f64; 2])> {
        match self {
            Objective::Builtin(f) => Ok((f.value(x, y), f.gradient(x, y))),
            Objective::Expr { expr, .. } => expr.value_and_gradient(x, y),
        }
    }

    /// The known global minima (none for a user expression).
    pub fn minima(&self) -> &[[f64; 2]] {
        match self {
            Objective::Builtin(f) => f.minima(),
            Objective::Expr { .. } => &[],
        }
    }

    /// The region a picture starts from: the function's usual domain, or a 5 × 5 square around
    /// the start for a user expression.
    pub fn domain(&self, start: [f64; 2]) -> [f64; 4] {
        match self {
            Objective::Builtin(f) => f.domain(),
            Objective::Expr { .. } => [
                start[0] - 2.5,
                start[0] + 2.5,
                start[1] - 2.5,
                start[1] + 2.5,
            ],
        }
    }
}
