//! The backprop spec reader and everything built on it, on arbitrary bytes: a spec parses or is
//! refused, never panics; a spec that parses runs its pass, gets its names, worked document and
//! JSON; and a claims file (the bytes after the first NUL, if any) is graded or refused.

use nabla_explain::backprop::{document, json, names::Names, pass, spec};
use nabla_explain::claims::{backprop::grade, Rule};

/// Runs one input.
pub fn run(data: &[u8]) {
    let (spec_bytes, claims_bytes) = match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], Some(&data[at + 1..])),
        None => (data, None),
    };
    let Ok(text) = std::str::from_utf8(spec_bytes) else {
        return;
    };
    let Ok(spec) = spec::parse(text) else {
        return;
    };
    let Ok(pass) = pass::run(&spec, true) else {
        return;
    };
    let names = Names::new(&spec);
    let cx = document::Context {
        spec: &spec,
        pass: &pass,
        names: &names,
        fmt: document::Fmt { digits: 6 },
        tape: false,
    };
    assert!(!document::build(&cx).is_empty());
    let doc = json::render(&spec, &pass, &names, false);
    assert!(doc.get("loss").is_some());
    if let Some(claims) = claims_bytes.and_then(|b| std::str::from_utf8(b).ok()) {
        for rule in [Rule::LastDigit, Rule::Relative(1e-3)] {
            if let Ok(grading) = grade(claims, &spec, &pass, &names, rule) {
                let _ = format!("{grading:?}");
            }
        }
    }
}
