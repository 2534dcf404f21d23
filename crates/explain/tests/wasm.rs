//! nabla-explain's API on wasm32: the same calls the browser playground makes — a worked backprop
//! pass and its document, a graded worked solution, an optimizer race with its contours, the
//! activation atlas, a graded regression and a regression of CSV text — must give exactly the
//! numbers they give natively.
//!
//! Natively this is a plain test; on `wasm32-unknown-unknown` it runs under node through
//! `wasm-bindgen-test-runner` (see `.ci/run`):
//!
//! ```text
//! CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
//!     cargo test -p nabla-explain --target wasm32-unknown-unknown --test wasm
//! ```
//!
//! Both compare every result, as JSON text (shortest round-trip numbers), with
//! `tests/wasm_native.json`, written by a native run with `NABLA_BLESS=1` (and
//! `--test-threads=1`: the tests share the file). Natively the text must match exactly; on
//! wasm32 every number must agree to 1e-9 relative (see [`REL`]: the last few ulps differ there)
//! and every text to its printed digits; a failure names the result and the first field off.

use nabla_explain::activation::{self, atlas};
use nabla_explain::backprop::{document, json, names::Names, pass, spec};
use nabla_explain::claims::{self, Rule};
use nabla_explain::optimize::{self, contour, race, Objective};
use nabla_explain::regress;
use nabla_nn::optim::OptimizerConfig;
use nabla_nn::TestFunction;
use nabla_stats::{breusch_godfrey, durbin_watson, Design, DurbinWatsonConfig, OlsConfig};
use nabla_tensor::Activation;
use serde_json::{json, Map, Value};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

const REFERENCE_SPEC: &str = include_str!("../../cli/tests/fixtures/backprop/specs/reference.json");
const BATCH_SPEC: &str =
    include_str!("../../cli/tests/fixtures/backprop/specs/relu_batch_softmax_onehot_adam.json");
const STUDENT_CLAIMS: &str = include_str!("../../../docs/examples/student-backprop-claims.json");
const NATIVE: &str = include_str!("wasm_native.json");

/// A worked pass, its JSON document and its text blocks (as Debug text), with the tape.
fn backprop(text: &str) -> Value {
    let spec = spec::parse(text).expect("a valid spec");
    // No gradient check: its finite differences are rounding noise, not a result.
    let pass = pass::run(&spec, false).expect("the pass runs");
    let names = Names::new(&spec);
    let cx = document::Context {
        spec: &spec,
        pass: &pass,
        names: &names,
        fmt: document::Fmt { digits: 6 },
        tape: true,
    };
    let blocks: Vec<String> = document::build(&cx)
        .iter()
        .map(|b| format!("{b:?}"))
        .collect();
    json!({"json": json::render(&spec, &pass, &names, true), "document": blocks})
}

/// The student's worked solution of the reference problem, graded.
fn graded_solution() -> Value {
    let spec = spec::parse(REFERENCE_SPEC).expect("a valid spec");
    let pass = pass::run(&spec, false).expect("the pass runs");
    let names = Names::new(&spec);
    let grading = claims::backprop::grade(STUDENT_CLAIMS, &spec, &pass, &names, Rule::LastDigit)
        .expect("gradable claims");
    let mut object = Map::new();
    grading.add_to_json(&mut object);
    Value::Object(object)
}

/// Four optimizers raced on Rosenbrock's valley and a user expression, with the contour map.
fn optimizer_race() -> Value {
    let rosenbrock = Objective::Builtin(TestFunction::Rosenbrock);
    let text = "(1-x)^2 + 100*(y-x^2)^2 + tanh(x)*sigmoid(y) - exp(-(x^2+y^2))";
    let expression = Objective::Expr {
        text: text.to_string(),
        expr: optimize::expr::parse(text).expect("a valid expression"),
    };
    let mut out = Vec::new();
    for f in [&rosenbrock, &expression] {
        let runs: Vec<race::Run> = ["nesterov", "rmsprop", "adam", "radam"]
            .iter()
            .map(|name| {
                let config = OptimizerConfig::default_for(name).expect("an optimizer");
                race::run(f, config, [-1.5, 2.0], 40).expect("the race runs")
            })
            .collect();
        let summaries: Vec<race::Summary> = runs.iter().map(|r| r.summary(1e-3)).collect();
        let view = contour::view(f, [-1.5, 2.0], &runs);
        // Each level with its polylines' count, points and coordinate sums (any ulp shows).
        let contours: Vec<Value> = contour::trace(f, &view)
            .levels
            .iter()
            .map(|(level, lines)| {
                let points = lines.iter().flatten();
                let sum_x: f64 = points.clone().map(|p| p.0).sum();
                let sum_y: f64 = points.clone().map(|p| p.1).sum();
                json!([level, lines.len(), points.count(), sum_x, sum_y])
            })
            .collect();
        out.push(json!({
            "race": optimize::json::render(f, 1e-3, &runs, &summaries),
            "ranking": race::ranking(&summaries),
            "contours": contours,
        }));
    }
    Value::Array(out)
}

/// The atlas of four functions, with fixed costs (this crate has no clock; the caller times).
fn activation_atlas() -> Value {
    let cost = atlas::Cost {
        forward_ns: 1.0,
        backward_ns: 2.0,
    };
    let rows: Vec<(atlas::Properties, atlas::Cost)> = [
        Activation::Relu,
        Activation::Swish { beta: 1.0 },
        Activation::HardSwish,
        Activation::Gelu,
    ]
    .iter()
    .map(|&a| (atlas::analyze(a), cost))
    .collect();
    let swish = Activation::Swish { beta: 1.0 };
    let points = activation::evaluate(swish, &[-30.0, -1.5, -0.5, 0.0, 0.5, 1.5, 30.0]);
    json!({
        "atlas": activation::json::atlas(&rows, 1.0),
        "points": activation::json::points(swish, &points),
        "note": activation::note(swish),
    })
}

/// What the browser's `nabla.regress(csvText, options)` returns for the MISSION.md problem's
/// CSV text: the whole `nabla regress --format json` document, with a worked solution graded.
fn regression_of_csv_text() -> Value {
    let csv = include_str!("../../stats/tests/fixtures/data/textbook.csv");
    let r = regress::regress("textbook.csv", csv, &regress::RegressOptions::new("y"))
        .expect("a regression");
    let text = r#"{"slope": 0.854, "sse": 1.44, "sum_sq_diff": 3.5, "d": 2.43}"#;
    let grading = r.grade(text, Rule::LastDigit).expect("gradable claims");
    r.json(Some(&grading))
}

/// The MISSION.md regression problem: the fit, Durbin–Watson with exact p-values and bounds,
/// Breusch–Godfrey, and a worked solution graded.
fn regression() -> Value {
    let x = [48.9, 50.4, 52.9, 55.0, 56.8, 58.8, 61.2, 62.5, 64.7, 68.0];
    let y = [40.8, 42.5, 44.9, 46.1, 47.4, 49.1, 51.5, 53.5, 54.2, 57.3];
    let design = Design::new(&[("x", &x[..])], true).expect("a design");
    let fit = OlsConfig::default().fit(&design, &y).expect("a fit");
    let dw = durbin_watson(&design, &fit, &DurbinWatsonConfig::default()).expect("the test");
    let bg = breusch_godfrey(&design, &fit, 1).expect("the test");
    let text = r#"{"slope": 0.854, "sse": 1.44, "sum_sq_diff": 3.5, "d": 2.43, "verdict": "no_autocorrelation"}"#;
    let grading = claims::regress::grade(text, &design, &y, &fit, &dw, Rule::LastDigit)
        .expect("gradable claims");
    let mut object = Map::new();
    grading.add_to_json(&mut object);
    let bounds = dw.bounds.expect("bounds with an intercept");
    json!({
        "estimates": fit.coefficients.iter().map(|c| c.estimate).collect::<Vec<_>>(),
        "std_errors": fit.coefficients.iter().map(|c| c.std_error).collect::<Vec<_>>(),
        "residuals": fit.residuals,
        "r_squared": fit.r_squared,
        "d": dw.statistic,
        "p_value": [dw.p_value.greater, dw.p_value.less, dw.p_value.two_sided],
        "bounds": [bounds.d_l, bounds.d_u],
        "verdict": dw.verdict.map(|v| v.name()),
        "breusch_godfrey": [bg.statistic, bg.p_value],
        "claims": Value::Object(object),
    })
}

/// How far a wasm32 number may be from the native one, relative: wasm32's `exp`, `ln`, `tanh`
/// (Rust's libm port) and its one-thread linear algebra (other summation orders) round
/// differently from the native glibc and SIMD paths, by a few ulps that a race of 40 steps or a
/// Breusch–Godfrey statistic grows to about 1e-13.
const REL: f64 = 1e-9;
/// The same for numbers printed inside text (6 significant digits: one unit in the last digit).
const REL_PRINTED: f64 = 2e-5;

/// Whether two numbers agree to `rel` (relative to the larger, or absolutely below 1e-300).
fn close(a: f64, b: f64, rel: f64) -> bool {
    a == b || (a - b).abs() <= rel * a.abs().max(b.abs()).max(1e-300)
}

/// Splits text into its numbers and the text between them.
fn tokens(text: &str) -> (Vec<f64>, Vec<String>) {
    let (mut numbers, mut rest, mut word) = (Vec::new(), vec![String::new()], String::new());
    let flush = |word: &mut String, numbers: &mut Vec<f64>, rest: &mut Vec<String>| {
        match word.parse::<f64>() {
            Ok(v) if !word.is_empty() => {
                numbers.push(v);
                rest.push(String::new());
            }
            _ => rest.last_mut().expect("a piece").push_str(word),
        }
        word.clear();
    };
    for c in text.chars() {
        let continues = c.is_ascii_digit()
            || c == '.'
            || ((c == 'e' || c == '-') && !word.is_empty())
            || (c == '-' && word.is_empty());
        if continues {
            word.push(c);
        } else {
            flush(&mut word, &mut numbers, &mut rest);
            rest.last_mut().expect("a piece").push(c);
        }
    }
    flush(&mut word, &mut numbers, &mut rest);
    (numbers, rest)
}

/// The first place where `wasm` and `native` differ beyond the tolerances, by JSON path.
fn difference(path: &str, wasm: &Value, native: &Value) -> Option<String> {
    let at = |what: String| Some(format!("{path}: {what}"));
    match (wasm, native) {
        (Value::Number(a), Value::Number(b)) => {
            let (a, b) = (a.as_f64()?, b.as_f64()?);
            (!close(a, b, REL)).then(|| format!("{path}: {a} vs native {b}"))
        }
        (Value::String(a), Value::String(b)) => {
            let (na, ta) = tokens(a);
            let (nb, tb) = tokens(b);
            if ta != tb || na.len() != nb.len() {
                return at(format!("{a:?} vs native {b:?}"));
            }
            let off = na.iter().zip(&nb).any(|(x, y)| !close(*x, *y, REL_PRINTED));
            off.then(|| format!("{path}: {a:?} vs native {b:?}"))
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (x, y))| difference(&format!("{path}[{i}]"), x, y)),
        (Value::Object(a), Value::Object(b)) if a.len() == b.len() => {
            a.iter().find_map(|(k, x)| {
                b.get(k).map_or_else(
                    || at(format!("no {k} natively")),
                    |y| difference(&format!("{path}.{k}"), x, y),
                )
            })
        }
        _ => (wasm != native).then(|| format!("{path}: {wasm} vs native {native}")),
    }
}

/// Compares `value` with the native result named `name`, or records it (`NABLA_BLESS=1`,
/// natively). Natively the text must match exactly; on wasm32, to the tolerances above.
fn check(name: &str, value: Value) {
    let text = serde_json::to_string_pretty(&value).expect("JSON");
    #[cfg(not(target_arch = "wasm32"))]
    if std::env::var_os("NABLA_BLESS").is_some() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/wasm_native.json");
        let mut all: Map<String, Value> = std::fs::read_to_string(path)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default();
        all.insert(name.to_string(), Value::String(text));
        let out = serde_json::to_string_pretty(&Value::Object(all)).expect("JSON") + "\n";
        std::fs::write(path, out).expect("writable tests/wasm_native.json");
        return;
    }
    let native: Map<String, Value> = serde_json::from_str(NATIVE).expect("the native results");
    let expected = native[name].as_str().expect("a recorded result");
    if cfg!(not(target_arch = "wasm32")) {
        assert!(
            text == expected,
            "{name} differs from the recorded native result"
        );
        return;
    }
    let expected: Value = serde_json::from_str(expected).expect("JSON");
    if let Some(place) = difference(name, &value, &expected) {
        panic!("{place}");
    }
}

#[test]
fn tolerances_tell_a_rounding_from_a_different_number() {
    let number = |v: f64| json!(v);
    assert!(difference(
        "x",
        &number(0.2820947917738778),
        &number(0.28209479177387775)
    )
    .is_none());
    assert!(difference("x", &number(0.28209), &number(0.2821)).is_some());
    let text = |t: &str| Value::String(t.to_string());
    assert!(difference(
        "s",
        &text("J = 0.939121 at w-1.5"),
        &text("J = 0.939122 at w-1.5")
    )
    .is_none());
    assert!(difference("s", &text("J = 0.939121"), &text("J = 0.94")).is_some());
    assert!(difference("s", &text("J = 1 (a)"), &text("J = 1 (b)")).is_some());
}

#[test]
fn a_worked_backprop_pass_and_document_match_native() {
    check("backprop_reference", backprop(REFERENCE_SPEC));
    check("backprop_batch_softmax_adam", backprop(BATCH_SPEC));
}

#[test]
fn a_graded_worked_solution_matches_native() {
    check("claims_backprop", graded_solution());
}

#[test]
fn an_optimizer_race_and_its_contours_match_native() {
    check("optimizer_race", optimizer_race());
}

#[test]
fn the_activation_atlas_matches_native() {
    check("activation_atlas", activation_atlas());
}

#[test]
fn a_graded_regression_matches_native() {
    check("regression", regression());
}

#[test]
fn the_regression_of_csv_text_matches_native() {
    check("regress_csv_text", regression_of_csv_text());
}
