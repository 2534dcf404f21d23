//! nabla-explain: everything that explains, as a library any front-end can call — the worked
//! forward and backward pass of a small network (spec, pass, worked document), optimizer races on
//! 2-D objectives with their contours, the activation atlas, and the JSON documents of the
//! command-line contract, so the `nabla` CLI and the browser playground print the same numbers.
//!
//! The crate has no file system access, no threads and no clock: it builds and runs on
//! `wasm32-unknown-unknown`. Callers read files and measure time; this crate computes.

pub mod activation;
pub mod backprop;
pub mod claims;
mod error;
pub mod optimize;

pub use error::{Error, Result};
