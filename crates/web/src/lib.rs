//! nabla-web: nabla in the browser. The site's pages call these functions through WebAssembly;
//! each one runs the same library code as the matching `nabla` command and returns the same
//! JSON document as text (the page `JSON.parse`s it, which gives plain objects), so the browser
//! and the terminal print the same numbers. Bad input is an error holding the CLI's one-line
//! message, with the argument's name (`spec`, `claims`, `tolerance`) where the CLI names the
//! file or flag.
//!
//! The functions here are plain Rust (and tested natively); [`bindings`] exports them to
//! JavaScript with `wasm-bindgen`, and `web/src/nabla.js` wraps those exports as
//! `window.nabla`.
//!
//! ```
//! let spec = r#"{"input": [0.5, 1.0], "target": [1.0], "loss": "bce",
//!     "layers": [{"weight": [[1, 1], [-1, -1]], "bias": [1, 2], "activation": "sigmoid"},
//!                {"weight": [[0.8, -1]], "bias": [-1], "activation": "sigmoid"}]}"#;
//! let json: serde_json::Value = serde_json::from_str(&nabla_web::backprop::json(spec, None, None)?).unwrap();
//! assert!(json["loss"].as_f64().is_some());
//! # Ok::<(), String>(())
//! ```

pub mod activation;
pub mod backprop;
pub mod bench;
pub mod bindings;
pub mod optimize;
pub mod options;
pub mod playground;
pub mod regress;
pub mod train;
