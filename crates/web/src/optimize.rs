//! `nabla.optimize` and the Optimizer race page: optimizers raced on a 2-D test function or a
//! typed expression ([`json`], the `nabla optimize --format json` document) and the contour map
//! the page draws their paths on ([`contours`]).
//!
//! Options are `nabla optimize`'s long flags in camelCase: `{function: "rosenbrock"}` or
//! `{expr: "x^2+3*y^2"}`, `optimizer` ("sgd,adam" or `["sgd", "adam"]`), `start` (`[x, y]`),
//! `steps`, `lr` (one, or one per optimizer), `momentum`, `dampening`, `weightDecay`, `alpha`,
//! `eps`, `centered`, `beta1`, `beta2`, `amsgrad`, `rho`, `lrDecay`, `initialAccumulator`,
//! `momentumDecay`, `threshold`. As on the command line, a hyperparameter given to an optimizer
//! that does not take it is an error. One more option the CLI has no flag for: `runs`, a list
//! of `{optimizer, lr, momentum, …}` objects, races optimizers that each have their own
//! hyperparameters (the race page's sliders) in place of the top-level ones.

use nabla_explain::optimize::{contour, expr, json as race_json, race, Objective, Run};
use nabla_explain::Error;
use nabla_nn::optim::{HyperValue, OptimizerConfig};
pub use race_json::hyperparameters;
use serde_json::{json, Value};

use crate::options::{flag, Options};

/// The most steps one run may take (as the CLI).
const MAX_STEPS: usize = 10_000_000;

/// The numeric hyperparameter options and their keys in PyTorch's param groups.
const NUMBERS: [(&str, &str); 11] = [
    ("momentum", "momentum"),
    ("dampening", "dampening"),
    ("weightDecay", "weight_decay"),
    ("alpha", "alpha"),
    ("eps", "eps"),
    ("beta1", "beta1"),
    ("beta2", "beta2"),
    ("rho", "rho"),
    ("lrDecay", "lr_decay"),
    ("initialAccumulator", "initial_accumulator_value"),
    ("momentumDecay", "momentum_decay"),
];

/// The flag options and their keys.
const FLAGS: [(&str, &str); 2] = [("centered", "centered"), ("amsgrad", "amsgrad")];

/// The option (camelCase key) of a hyperparameter key.
fn option_of(key: &str) -> &str {
    NUMBERS
        .iter()
        .chain(&FLAGS)
        .find(|(_, k)| *k == key)
        .map_or(key, |(o, _)| o)
}

/// A race read from the options.
struct Race {
    function: Objective,
    start: [f64; 2],
    threshold: f64,
    runs: Vec<Run>,
}

/// The function from `function` or `expr`.
fn objective(o: &Options) -> Result<Objective, String> {
    match (o.string("function")?, o.string("expr")?) {
        (Some(_), Some(_)) => Err("--function and --expr: give one of them, not both".into()),
        (Some(name), None) => nabla_nn::TestFunction::from_name(&name)
            .map(Objective::Builtin)
            .map_err(|e| format!("--function: {e}")),
        (None, Some(text)) => {
            let parsed = expr::parse(&text).map_err(|e| match e {
                Error::Expression(e) => e.describe("--expr"),
                other => other.to_string(),
            })?;
            if !parsed.uses_variables() {
                return Err(format!(
                    "--expr '{text}': the function depends on neither x nor y"
                ));
            }
            Ok(Objective::Expr { text, expr: parsed })
        }
        (None, None) => Err("--function or --expr is required".into()),
    }
}

/// Each optimizer's configuration, refusing hyperparameters that do not apply to it.
fn configs(o: &Options) -> Result<Vec<OptimizerConfig>, String> {
    let names = o.strings("optimizer")?.ok_or("--optimizer is required")?;
    let lrs = match o.numbers("lr")? {
        None => vec![None; names.len()],
        Some(lrs) if lrs.len() == 1 => vec![Some(lrs[0]); names.len()],
        Some(lrs) if lrs.len() == names.len() => lrs.into_iter().map(Some).collect(),
        Some(lrs) => {
            return Err(format!(
                "--lr: expected one learning rate or one per optimizer ({}), got {}",
                names.len(),
                lrs.len()
            ))
        }
    };
    let mut given = Vec::new();
    for (option, key) in NUMBERS {
        if let Some(v) = o.number(option)? {
            given.push((option, key, HyperValue::Number(v)));
        }
    }
    for (option, key) in FLAGS {
        if o.flag(option)? {
            given.push((option, key, HyperValue::Flag(true)));
        }
    }
    let mut out = Vec::new();
    for (name, lr) in names.iter().zip(lrs) {
        if name.is_empty() {
            return Err(format!(
                "--optimizer: empty optimizer name in '{}'",
                names.join(",")
            ));
        }
        let mut config =
            OptimizerConfig::default_for(name).map_err(|e| format!("--optimizer: {e}"))?;
        let keys = config.keys();
        let lr = lr.map(|v| ("lr", "lr", HyperValue::Number(v)));
        for &(option, key, value) in lr.iter().chain(&given) {
            if !keys.contains(&key) {
                let accepted: Vec<String> = keys.iter().map(|k| flag(option_of(k))).collect();
                return Err(format!(
                    "{} does not apply to optimizer '{name}' (it takes: {})",
                    flag(option),
                    accepted.join(", ")
                ));
            }
            config
                .set(key, value)
                .map_err(|e| format!("{}: {e}", flag(option)))?;
        }
        if let Err(err) = config.validate() {
            let option = match &err {
                nabla_nn::Error::InvalidParameter { name: key, .. } => flag(option_of(key)),
                _ => "--optimizer".to_string(),
            };
            return Err(format!("{option} ({name}): {err}"));
        }
        out.push(config);
    }
    Ok(out)
}

/// Reads the options and runs the race.
fn race(options: &str) -> Result<Race, String> {
    let o = Options::parse(options)?;
    if o.get("runs").is_some() && o.get("optimizer").is_some() {
        return Err("runs and --optimizer: give one of them, not both".into());
    }
    let function = objective(&o)?;
    let start = o.numbers("start")?.ok_or("--start is required")?;
    let start: [f64; 2] = start
        .try_into()
        .map_err(|v: Vec<f64>| format!("--start: expected two numbers X,Y, got {}", v.len()))?;
    let f0 = function.value(start[0], start[1]);
    if !f0.is_finite() {
        return Err(format!(
            "--start: f({}, {}) = {f0} is not a finite number; choose another start",
            start[0], start[1]
        ));
    }
    let steps = o.count("steps")?.ok_or("--steps is required")?;
    if steps > MAX_STEPS {
        return Err(format!("--steps: at most {MAX_STEPS}, got {steps}"));
    }
    let threshold = o.number("threshold")?.unwrap_or(1e-3);
    if threshold < 0.0 {
        return Err(format!(
            "--threshold: expected a finite number ≥ 0, got {threshold}"
        ));
    }
    let configs = match o.get("runs").cloned() {
        None => configs(&o)?,
        Some(Value::Array(runs)) => {
            let mut all = Vec::new();
            for (i, run) in runs.into_iter().enumerate() {
                let what = format!("runs[{i}]");
                let run = Options::from_value(run, &what)?;
                all.extend(configs(&run).map_err(|e| format!("{what}: {e}"))?);
                run.finish().map_err(|e| format!("{what}: {e}"))?;
            }
            all
        }
        Some(_) => return Err("runs: expected a list of {optimizer, lr, …} objects".into()),
    };
    o.finish()?;
    let runs = configs
        .into_iter()
        .map(|config| race::run(&function, config, start, steps))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    Ok(Race {
        function,
        start,
        threshold,
        runs,
    })
}

/// `nabla optimize … --format json`: the race's JSON document, as text.
///
/// # Errors
/// The CLI's one-line message naming the flag (as its camelCase option) at fault.
pub fn json(options: &str) -> Result<String, String> {
    let r = race(options)?;
    let summaries: Vec<_> = r.runs.iter().map(|run| run.summary(r.threshold)).collect();
    Ok(race_json::render(&r.function, r.threshold, &r.runs, &summaries).to_string())
}

/// The contour map the race is drawn on (the region `nabla optimize --plot` shows, holding the
/// start and the paths): `{view: {x: [lo, hi], y: [lo, hi]}, shift, levels: [{level, lines:
/// [[[x, y], ..], ..]}]}`, where `level` is a value of f − `shift`.
///
/// # Errors
/// As [`json`].
pub fn contours(options: &str) -> Result<String, String> {
    let r = race(options)?;
    let view = contour::view(&r.function, r.start, &r.runs);
    let map = contour::trace(&r.function, &view);
    let levels: Vec<Value> = map
        .levels
        .iter()
        .map(|(level, lines)| json!({ "level": level, "lines": lines }))
        .collect();
    Ok(json!({
        "view": { "x": [view[0].start, view[0].end], "y": [view[1].start, view[1].end] },
        "shift": map.shift,
        "levels": levels,
    })
    .to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Value {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn a_race_has_a_trajectory_per_optimizer() {
        let doc = parse(
            &json(r#"{"function": "rosenbrock", "optimizer": "sgd,adam", "start": [-1.5, 2], "steps": 5, "lr": [0.001, 0.1]}"#)
                .unwrap(),
        );
        assert_eq!(doc["function"], "rosenbrock");
        let runs = doc["runs"].as_array().unwrap();
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[1]["hyperparameters"]["lr"], 0.1);
        assert_eq!(runs[0]["trajectory"].as_array().unwrap().len(), 6);
        assert_eq!(runs[0]["trajectory"][0]["x"], -1.5);
    }

    #[test]
    fn options_are_refused_as_the_cli_refuses_flags() {
        let base = r#""optimizer": "sgd", "start": [1, 1], "steps": 3"#;
        let err = json(&format!(
            r#"{{"function": "rosenbrock", {base}, "momentum": 0.9}}"#
        ))
        .unwrap_err();
        assert!(
            err.starts_with("--momentum does not apply to optimizer 'sgd'"),
            "{err}"
        );
        let err = json(&format!(r#"{{"function": "nope", {base}}}"#)).unwrap_err();
        assert!(err.starts_with("--function: "), "{err}");
        let err = json(&format!(r#"{{"expr": "2+3", {base}}}"#)).unwrap_err();
        assert!(err.contains("neither x nor y"), "{err}");
        let err = json(&format!(r#"{{"function": "beale", {base}, "lr": -1}}"#)).unwrap_err();
        assert!(err.starts_with("--lr (sgd)"), "{err}");
        let err = json(&format!(r#"{{"function": "beale", {base}, "stpes": 2}}"#)).unwrap_err();
        assert!(err.contains("unknown option 'stpes'"), "{err}");
    }

    #[test]
    fn runs_have_their_own_hyperparameters() {
        let doc = parse(
            &json(r#"{"function": "quadratic", "start": [1, 1], "steps": 2,
                "runs": [{"optimizer": "sgd", "lr": 0.01}, {"optimizer": "momentum", "momentum": 0.5}]}"#)
                .unwrap(),
        );
        assert_eq!(doc["runs"][0]["hyperparameters"]["lr"], 0.01);
        assert_eq!(doc["runs"][1]["hyperparameters"]["momentum"], 0.5);
        let err = json(
            r#"{"function": "quadratic", "start": [1, 1], "steps": 2,
                "runs": [{"optimizer": "adam", "momentum": 0.5}]}"#,
        )
        .unwrap_err();
        assert!(
            err.starts_with("runs[0]: --momentum does not apply"),
            "{err}"
        );
    }

    #[test]
    fn contours_cover_the_start() {
        let doc = parse(
            &contours(r#"{"expr": "x^2 + 3*y^2", "optimizer": ["adam"], "start": [2, 1], "steps": 10, "lr": 0.1}"#)
                .unwrap(),
        );
        let x = doc["view"]["x"].as_array().unwrap();
        assert!(x[0].as_f64().unwrap() <= 2.0 && x[1].as_f64().unwrap() >= 2.0);
        assert_eq!(doc["levels"].as_array().unwrap().len(), contour::LEVELS);
    }
}
