//! The exports the page's JavaScript calls (through `wasm-bindgen`): each forwards to the plain
//! function of the same name and turns its error message into a JavaScript `Error`, which
//! `web/src/nabla.js` passes on as the promise's rejection.

use wasm_bindgen::prelude::*;

/// An error message as a JavaScript `Error`.
fn error(message: String) -> JsError {
    JsError::new(&message)
}

/// [`crate::backprop::json`]: the `nabla backprop --format json` document, as text.
///
/// # Errors
/// The CLI's one-line message.
#[wasm_bindgen]
pub fn backprop(
    spec: &str,
    claims: Option<String>,
    tolerance: Option<f64>,
) -> Result<String, JsError> {
    crate::backprop::json(spec, claims.as_deref(), tolerance).map_err(error)
}

/// [`crate::backprop::worked`]: the worked solution's blocks, as JSON text.
///
/// # Errors
/// The CLI's one-line message.
#[wasm_bindgen(js_name = backpropWorked)]
pub fn backprop_worked(spec: &str, digits: u32) -> Result<String, JsError> {
    crate::backprop::worked(spec, digits).map_err(error)
}

/// [`crate::activation::json`]: the `nabla activation NAME --at … --format json` document.
///
/// # Errors
/// The CLI's one-line message.
#[wasm_bindgen]
pub fn activation(name: &str, xs: &str, params: &str) -> Result<String, JsError> {
    crate::activation::json(name, xs, params).map_err(error)
}

/// [`crate::activation::atlas`]: the atlas's measured properties, as JSON text.
///
/// # Errors
/// The CLI's one-line message.
#[wasm_bindgen]
pub fn atlas(options: &str) -> Result<String, JsError> {
    crate::activation::atlas(options).map_err(error)
}

/// [`crate::activation::notes`]: the paragraph on each activation, as JSON text.
#[wasm_bindgen(js_name = activationNotes)]
pub fn activation_notes() -> String {
    crate::activation::notes()
}

/// [`crate::bench::json`]: `nabla bench`'s workloads timed here, as JSON text.
///
/// # Errors
/// The CLI's one-line message.
#[wasm_bindgen]
pub fn bench(options: &str) -> Result<String, JsError> {
    crate::bench::json(options).map_err(error)
}

/// [`crate::optimize::json`]: the `nabla optimize --format json` document, as text.
///
/// # Errors
/// The CLI's one-line message.
#[wasm_bindgen]
pub fn optimize(options: &str) -> Result<String, JsError> {
    crate::optimize::json(options).map_err(error)
}

/// [`crate::optimize::contours`]: the race's contour map, as JSON text.
///
/// # Errors
/// The CLI's one-line message.
#[wasm_bindgen(js_name = optimizeContours)]
pub fn optimize_contours(options: &str) -> Result<String, JsError> {
    crate::optimize::contours(options).map_err(error)
}

/// [`crate::regress::json`]: the `nabla regress FILE.csv --format json` document for the CSV
/// text, as text.
///
/// # Errors
/// The CLI's one-line message.
#[wasm_bindgen]
pub fn regress(csv: &str, options: &str) -> Result<String, JsError> {
    crate::regress::json(csv, options).map_err(error)
}

/// [`crate::train::json`]: the `nabla train --format json` document, as text.
///
/// # Errors
/// The CLI's one-line message.
#[wasm_bindgen]
pub fn train(options: &str) -> Result<String, JsError> {
    crate::train::json(options).map_err(error)
}

/// [`crate::playground::Session`]: a network in training, stepped from JavaScript.
#[wasm_bindgen]
pub struct Session(crate::playground::Session);

#[wasm_bindgen]
impl Session {
    /// A fresh network on fresh data.
    ///
    /// # Errors
    /// The CLI's one-line message for a bad option.
    #[wasm_bindgen(constructor)]
    pub fn new(options: &str) -> Result<Session, JsError> {
        crate::playground::Session::new(options)
            .map(Session)
            .map_err(error)
    }

    /// Runs `n` mini-batches; the new state as JSON text.
    ///
    /// # Errors
    /// A diverged loss.
    pub fn step(&mut self, n: usize) -> Result<String, JsError> {
        self.0.step(n).map_err(error)
    }

    /// The state with every recorded loss, as JSON text.
    pub fn state(&self) -> String {
        self.0.state()
    }

    /// Changes the learning rate or the batch size without starting over.
    ///
    /// # Errors
    /// Another option, or a bad value.
    pub fn set(&mut self, options: &str) -> Result<(), JsError> {
        self.0.set(options).map_err(error)
    }

    /// The data set and its points, as JSON text.
    pub fn data(&self) -> String {
        self.0.data()
    }

    /// The blue class's probability on a grid, row by row from the top.
    ///
    /// # Errors
    /// Data that is not two-dimensional, or a bad resolution.
    pub fn boundary(&self, resolution: usize) -> Result<Vec<f32>, JsError> {
        self.0.boundary(resolution).map_err(error)
    }
}
