//! The worked forward and backward pass of a small network, as a textbook shows it.
//!
//! [`spec`] reads and checks the network's JSON, [`pass`] runs it on nabla's autodiff tape (the
//! engine training uses, so what is explained is what training does), [`names`] gives units and
//! parameters their textbook names, [`document`] arranges the worked solution for any renderer,
//! and [`json`] builds the contract's JSON document.
//!
//! ```
//! use nabla_explain::backprop::{document, json, names::Names, pass, spec};
//! let spec = spec::parse(
//!     r#"{"input": [0.5, 1.0], "target": [1.0], "loss": "bce",
//!         "layers": [{"weight": [[1, 1], [-1, -1]], "bias": [1, 2], "activation": "sigmoid"},
//!                    {"weight": [[0.8, -1]], "bias": [-1], "activation": "sigmoid"}],
//!         "optimizer": {"name": "sgd", "lr": 0.1}}"#,
//! )?;
//! let pass = pass::run(&spec, false)?;
//! let names = Names::new(&spec);
//! let cx = document::Context { spec: &spec, pass: &pass, names: &names, fmt: document::Fmt { digits: 6 }, tape: false };
//! let blocks = document::build(&cx);
//! assert!(!blocks.is_empty());
//! let doc = json::render(&spec, &pass, &names, false);
//! assert_eq!(doc["loss"].as_f64(), Some(pass.loss));
//! # Ok::<(), nabla_explain::Error>(())
//! ```

pub mod document;
pub mod json;
pub mod names;
pub mod pass;
pub mod spec;
