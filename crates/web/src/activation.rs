//! `nabla.activation`, `nabla.atlas` and the Activation atlas page: an activation's values and
//! derivatives at given points ([`json`], the `nabla activation NAME --at X,… --format json`
//! document), the measured properties of each function ([`atlas`], `nabla activation --table
//! --format json` less the kernel timings) and the paragraph on each ([`notes`]).
//!
//! The atlas's cost columns are the CLI timing its f32 kernels on the machine it runs on; the
//! browser does not, so [`atlas`] leaves out `timing` and each row's `forward_ns_per_element`,
//! `backward_ns_per_element` and `relative_cost`. Every other field is the CLI's.

use nabla_explain::activation::{self as explain, atlas as measure, json as act_json, parse};
use nabla_tensor::Activation;
use serde_json::{Map, Value};

use crate::options::Options;

/// `{alpha, beta}` (both optional), as `--alpha`/`--beta`.
fn params(o: &Options) -> Result<(Option<f64>, Option<f64>), String> {
    Ok((o.number("alpha")?, o.number("beta")?))
}

/// `nabla activation NAME --at XS [--alpha A] [--beta B] --format json`, as text: `xs` is the
/// JSON text of the points (an array, one number, or `"-2,0,2"`), `params` that of `{alpha,
/// beta}` (or null).
///
/// # Errors
/// The CLI's one-line message: an unknown name, a parameter the function does not take or
/// cannot use, a point that is not a finite number, an unknown parameter key.
pub fn json(name: &str, xs: &str, params_text: &str) -> Result<String, String> {
    let p = Options::parse(params_text)?;
    let (alpha, beta) = params(&p)?;
    p.finish()?;
    let act = parse::one(name, alpha, beta).map_err(|e| e.to_string())?;
    let at = Options::parse(&format!(
        "{{\"at\": {}}}",
        if xs.trim().is_empty() { "null" } else { xs }
    ))
    .map_err(|_| format!("--at: '{xs}' is not a list of numbers"))?;
    let xs = at
        .numbers("at")?
        .ok_or("--at: give the points to evaluate, e.g. --at -2,0,2")?;
    Ok(act_json::points(act, &explain::evaluate(act, &xs)).to_string())
}

/// `nabla activation [NAME] --table [--alpha A] [--beta B] --format json` without the kernel
/// timings (see the module docs), as text. Options: `name` (the list, `"swish:2,relu"` or an
/// array of items; every function when absent), `alpha`, `beta`.
///
/// # Errors
/// The CLI's one-line message for a bad list or parameter, or an unknown option.
pub fn atlas(options: &str) -> Result<String, String> {
    let o = Options::parse(options)?;
    let names = o.strings("name")?.map(|items| items.join(","));
    let (alpha, beta) = params(&o)?;
    o.finish()?;
    let acts = parse::atlas_list(names.as_deref(), alpha, beta).map_err(|e| e.to_string())?;
    let rows: Vec<measure::Properties> = acts.iter().map(|&a| measure::analyze(a)).collect();
    Ok(act_json::atlas_properties(&rows).to_string())
}

/// `{name: paragraph}` for every activation the engine has (the text `nabla activation` prints
/// under its table), as text.
pub fn notes() -> String {
    let notes: Map<String, Value> = Activation::all()
        .iter()
        .filter_map(|&a| explain::note(a).map(|n| (a.name().to_string(), Value::from(n))))
        .collect();
    Value::Object(notes).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Value {
        serde_json::from_str(text).expect("valid JSON")
    }

    #[test]
    fn points_are_pytorchs_values_and_kink_derivatives() {
        let doc = parse(&json("relu", "[-1, 0, 2]", "").unwrap());
        let d: Vec<f64> = doc["points"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["derivative"].as_f64().unwrap())
            .collect();
        assert_eq!(d, [0.0, 0.0, 1.0]); // PyTorch takes 0 at the kink
        let doc = parse(&json("leaky_relu", "\"0\"", r#"{"alpha": 0.2}"#).unwrap());
        assert_eq!(doc["points"][0]["derivative"], 0.2);
        assert_eq!(doc["params"]["alpha"], 0.2);
        let doc = parse(&json("swish", "[2]", r#"{"beta": 0}"#).unwrap());
        assert_eq!(doc["points"][0]["value"], 1.0); // β = 0: x/2
    }

    #[test]
    fn bad_input_is_the_clis_message() {
        assert!(json("sigmoidal", "[0]", "")
            .unwrap_err()
            .starts_with("unknown activation 'sigmoidal'; valid names: step,"));
        assert_eq!(
            json("relu", "[0]", r#"{"alpha": 0.1}"#).unwrap_err(),
            "--alpha: relu takes no parameter alpha"
        );
        assert_eq!(
            json("relu", "[0, null]", "").unwrap_err(),
            "--at: 'null' is not a finite number"
        );
        assert!(json("relu", "", "")
            .unwrap_err()
            .starts_with("--at: give the points"));
        assert!(json("relu", "[0]", r#"{"gamma": 1}"#)
            .unwrap_err()
            .contains("'gamma'"));
        assert_eq!(
            atlas(r#"{"beta": 2}"#).unwrap_err(),
            "--alpha/--beta with --table need the NAME list they apply to"
        );
    }

    #[test]
    fn the_atlas_is_the_clis_without_the_clock() {
        let doc = parse(&atlas(r#"{"name": ["swish:2", "relu"]}"#).unwrap());
        let rows = doc["activations"].as_array().unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0]["params"]["beta"], 2.0);
        assert!(rows[0].get("relative_cost").is_none() && doc.get("timing").is_none());
        assert_eq!(rows[1]["non_differentiable"][0]["x"], 0.0);
        let all = parse(&atlas("").unwrap());
        assert_eq!(
            all["activations"].as_array().unwrap().len(),
            Activation::all().len()
        );
        assert!(parse(&notes())["relu"]
            .as_str()
            .unwrap()
            .contains("dying ReLU"));
    }
}
