//! The model-file loader on arbitrary bytes: `Model::from_bytes` returns a model or an error,
//! never panics; a model it returns predicts one row without panicking and survives a round
//! trip through its own bytes unchanged.

use nabla_nn::model_file::Model;

/// Runs one input.
pub fn run(data: &[u8]) {
    let Ok(model) = Model::from_bytes("fuzz.safetensors", data) else {
        return;
    };
    let row = vec![0.0; model.feature_names().len()];
    let _ = model.predict(&row);
    let bytes = model.to_bytes().expect("a loaded model serialises");
    let back = Model::from_bytes("round trip", &bytes).expect("its own bytes load");
    assert_eq!(back, model);
}
