//! Replays every committed fuzz input of the backprop spec reader (with claims grading) and the
//! `--expr` parser through the harness the fuzzer runs: no input found by fuzzing may make them
//! panic or overflow the stack.

#[path = "../../../fuzz/harness/backprop_spec.rs"]
mod backprop_spec;
#[path = "../../../fuzz/harness/optimize_expr.rs"]
mod optimize_expr;
#[path = "../../../fuzz/harness/replay.rs"]
mod replay;

use replay::replay;

#[test]
fn every_backprop_spec_fuzz_input_is_explained_or_refused_without_a_panic() {
    replay("backprop_spec", backprop_spec::run);
}

#[test]
fn every_expr_fuzz_input_is_raced_or_refused_without_a_panic() {
    replay("optimize_expr", optimize_expr::run);
}
