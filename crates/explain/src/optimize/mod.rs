//! Optimizer races on functions of x and y: the built-in test functions or a user's expression
//! ([`expr`], differentiated on nabla's autodiff tape), the runs and their summaries ([`race`]),
//! the contour map they are drawn on ([`contour`]) and the contract's JSON ([`json`]).
//!
//! ```
//! use nabla_explain::optimize::{expr, json, race, Objective};
//! use nabla_nn::optim::OptimizerConfig;
//! let text = "(1-x)^2 + 100*(y-x^2)^2";
//! let f = Objective::Expr { text: text.to_string(), expr: expr::parse(text)? };
//! let runs = ["sgd", "adam"]
//!     .iter()
//!     .map(|name| race::run(&f, OptimizerConfig::default_for(name)?, [-1.5, 2.0], 100))
//!     .collect::<Result<Vec<_>, _>>()?;
//! let summaries: Vec<_> = runs.iter().map(|r| r.summary(1e-3)).collect();
//! let best = race::ranking(&summaries)[0];
//! assert!(summaries[best].best_loss < f.value(-1.5, 2.0));
//! let doc = json::render(&f, 1e-3, &runs, &summaries);
//! assert_eq!(doc["runs"].as_array().map(Vec::len), Some(2));
//! # Ok::<(), nabla_explain::Error>(())
//! ```

pub mod contour;
pub mod expr;
pub mod json;
pub mod objective;
pub mod race;

pub use objective::Objective;
pub use race::{Point, Run, Summary};
