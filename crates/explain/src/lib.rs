//! nabla-explain: everything that explains, as a library any front-end can call — the worked
//! forward and backward pass of a small network (spec, pass, worked document), optimizer races on
//! 2-D objectives with their contours, the activation atlas, least squares with its
//! autocorrelation tests from CSV text, checking worked solutions claim by claim, and the JSON
//! documents of the command-line contract, so the `nabla` CLI and the browser playground print
//! the same numbers.
//!
//! The crate has no file system access, no threads and no clock: it builds and runs on
//! `wasm32-unknown-unknown` (`tests/wasm.rs` runs this API there and checks that every number
//! equals the native one). Callers read files and measure time; this crate computes.
//!
//! **A worked backprop pass** ([`backprop`]): parse a spec, run the pass, build the document.
//!
//! ```
//! use nabla_explain::backprop::{json, names::Names, pass, spec};
//! let spec = spec::parse(r#"{"input": [1.0], "target": [0.0], "loss": "mse",
//!     "layers": [{"weight": [[2.0]], "bias": [0.5]}], "optimizer": {"name": "sgd", "lr": 0.1}}"#)?;
//! let pass = pass::run(&spec, false)?;
//! assert_eq!(pass.loss, 6.25); // (2·1 + 0.5 − 0)²
//! let doc = json::render(&spec, &pass, &Names::new(&spec), false);
//! assert_eq!(doc["loss"], 6.25);
//! # Ok::<(), nabla_explain::Error>(())
//! ```
//!
//! **Checking a worked solution** ([`claims`]): each claimed number graded correct, carried
//! forward or wrong.
//!
//! ```
//! use nabla_explain::backprop::{names::Names, pass, spec};
//! use nabla_explain::claims::{backprop::grade, Grade, Rule};
//! let spec = spec::parse(r#"{"input": [1.0], "target": [0.0], "loss": "mse",
//!     "layers": [{"weight": [[2.0]], "bias": [0.5]}]}"#)?;
//! let pass = pass::run(&spec, false)?;
//! // net = 2.5 is right; J = 6.3 is within one unit of its last digit of 6.25.
//! let grading = grade(r#"{"net_o1": 2.5, "J": 6.3}"#, &spec, &pass, &Names::new(&spec), Rule::LastDigit)?;
//! assert!(grading.claims.iter().all(|c| c.grade == Grade::Correct));
//! # Ok::<(), nabla_explain::Error>(())
//! ```
//!
//! **An optimizer race** ([`optimize`]): optimizers on one objective, ranked.
//!
//! ```
//! use nabla_explain::optimize::{race, Objective};
//! use nabla_nn::{optim::OptimizerConfig, TestFunction};
//! let f = Objective::Builtin(TestFunction::Quadratic);
//! let adam = race::run(&f, OptimizerConfig::default_for("adam")?, [1.0, 1.0], 50)?;
//! let start = f.value(1.0, 1.0);
//! assert!(adam.summary(1e-3).final_loss.is_some_and(|loss| loss < start));
//! # Ok::<(), nabla_explain::Error>(())
//! ```
//!
//! **A regression with its diagnostics** ([`regress`]): CSV text in, the contract's JSON out.
//!
//! ```
//! use nabla_explain::regress::{regress, RegressOptions};
//! let r = regress("t.csv", "x,y\n1,1.9\n2,4.1\n3,6.2\n4,7.8\n5,10.1\n", &RegressOptions::new("y"))?;
//! assert_eq!(r.json(None)["coefficients"][1]["name"], "x");
//! # Ok::<(), nabla_explain::Error>(())
//! ```
//!
//! **The activation atlas** ([`activation`]): properties measured, not typed in.
//!
//! ```
//! use nabla_explain::activation::atlas;
//! let relu6 = atlas::analyze(nabla_tensor::Activation::Relu6);
//! let kinks: Vec<f64> = relu6.kinks.iter().map(|k| k.x).collect();
//! assert_eq!(kinks, [0.0, 6.0]);
//! ```

pub mod activation;
pub mod backprop;
pub mod claims;
mod error;
pub mod optimize;
pub mod regress;

pub use error::{Error, Result};
