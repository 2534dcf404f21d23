//! Golden tests: nabla-stats against R (lm, lmtest::dwtest, lmtest::bgtest), statsmodels, an
//! independent exact Durbin–Watson computation and NIST's certified Longley values. The fixtures
//! are written by `tools/oracles/stats/generate.py` (versions inside each fixture).

use std::path::PathBuf;

use nabla_stats::{
    breusch_godfrey, durbin_watson, Design, DurbinWatsonConfig, FitWarning, Method, OlsConfig,
    OlsFit, PMethod,
};
use serde_json::Value;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

struct Case {
    fx: Value,
    design: Design,
    y: Vec<f64>,
}

/// Reads a fixture and its CSV (a plain numeric CSV with a header line).
fn case(name: &str) -> Case {
    let text = std::fs::read_to_string(fixtures().join(format!("{name}.json"))).unwrap();
    let fx: Value = serde_json::from_str(&text).unwrap();
    let csv = std::fs::read_to_string(fixtures().join(fx["csv"].as_str().unwrap())).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let rows: Vec<Vec<f64>> = lines
        .map(|l| l.split(',').map(|c| c.parse().unwrap()).collect())
        .collect();
    let col = |name: &str| -> Vec<f64> {
        let j = header.iter().position(|h| *h == name).unwrap();
        rows.iter().map(|r| r[j]).collect()
    };
    let y = col(fx["y"].as_str().unwrap());
    let xs: Vec<(String, Vec<f64>)> = fx["x"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n.as_str().unwrap().to_string(), col(n.as_str().unwrap())))
        .collect();
    let regressors: Vec<(&str, &[f64])> =
        xs.iter().map(|(n, v)| (n.as_str(), v.as_slice())).collect();
    let design =
        Design::with_rows(y.len(), &regressors, fx["intercept"].as_bool().unwrap()).unwrap();
    Case { fx, design, y }
}

fn fit(c: &Case, method: Method) -> OlsFit {
    OlsConfig {
        method,
        ..OlsConfig::default()
    }
    .fit(&c.design, &c.y)
    .unwrap()
}

fn num(v: &Value) -> Option<f64> {
    v.as_f64()
}

fn list(v: &Value) -> Vec<Option<f64>> {
    v.as_array().unwrap().iter().map(num).collect()
}

#[track_caller]
fn assert_rel(what: &str, actual: f64, expected: f64, rel: f64) {
    let err = (actual - expected).abs();
    assert!(
        err <= rel * expected.abs() || err < 1e-300,
        "{what}: {actual:e} vs {expected:e} (relative error {:e})",
        err / expected.abs()
    );
}

#[track_caller]
fn assert_abs(what: &str, actual: f64, expected: f64, tol: f64) {
    assert!(
        (actual - expected).abs() <= tol,
        "{what}: {actual:e} vs {expected:e} (error {:e})",
        (actual - expected).abs()
    );
}

/// Cases whose design is well-conditioned and full-rank.
const WELL_CONDITIONED: &[&str] = &[
    "textbook",
    "cars",
    "cars_no_intercept",
    "women",
    "mtcars",
    "lifecyclesavings",
    "trees",
    "stackloss",
    "faithful",
    "ar1_rho_neg",
    "ar1_rho_zero",
    "ar1_rho_pos",
    "ar1_n500",
];

/// Compares the summary with R and statsmodels to relative `rel`.
fn check_summary(name: &str, f: &OlsFit, fx: &Value, rel: f64) {
    let r = &fx["r"];
    let sm = &fx["statsmodels"];
    for (key, get) in [
        (
            "estimate",
            (|c: &nabla_stats::Coefficient| c.estimate) as fn(&_) -> _,
        ),
        ("std_error", |c| c.std_error),
        ("t", |c| c.t),
        ("p_value", |c| c.p_value),
        ("ci_low", |c| c.ci_low),
        ("ci_high", |c| c.ci_high),
    ] {
        for (c, expected) in f.coefficients.iter().zip(list(&r[key])) {
            match (get(c), expected) {
                (Some(a), Some(e)) => assert_rel(&format!("{name} {} {key}", c.name), a, e, rel),
                (None, None) => {}
                (a, e) => panic!("{name} {} {key}: {a:?} vs R {e:?}", c.name),
            }
        }
    }
    assert_rel(
        &format!("{name} R²"),
        f.r_squared,
        num(&r["r_squared"]).unwrap(),
        rel,
    );
    assert_rel(
        &format!("{name} adj R²"),
        f.adj_r_squared,
        num(&r["adj_r_squared"]).unwrap(),
        rel,
    );
    if let Some(fs) = num(&r["f_statistic"]) {
        assert_rel(&format!("{name} F"), f.f_statistic.unwrap(), fs, rel);
        assert_rel(
            &format!("{name} F p"),
            f.f_p_value.unwrap(),
            num(&r["f_p_value"]).unwrap(),
            rel,
        );
    }
    assert_rel(
        &format!("{name} σ"),
        f.sigma,
        num(&r["sigma"]).unwrap(),
        rel,
    );
    assert_rel(
        &format!("{name} llf"),
        f.log_likelihood,
        num(&r["log_likelihood"]).unwrap(),
        rel,
    );
    // statsmodels' AIC/BIC convention (where statsmodels finds the same rank); R's is larger by
    // 2 and ln(n).
    if num(&sm["df_resid"]) == Some(f.df_resid as f64) {
        assert_rel(&format!("{name} AIC"), f.aic, num(&sm["aic"]).unwrap(), rel);
        assert_rel(&format!("{name} BIC"), f.bic, num(&sm["bic"]).unwrap(), rel);
    }
    assert_rel(
        &format!("{name} R AIC"),
        f.aic + 2.0,
        num(&r["aic_r"]).unwrap(),
        rel,
    );
    assert_rel(
        &format!("{name} R BIC"),
        f.bic + (f.n as f64).ln(),
        num(&r["bic_r"]).unwrap(),
        rel,
    );
    let expected_resid = list(&r["residuals"]);
    let scale = f.sigma;
    for (t, (a, e)) in f.residuals.iter().zip(expected_resid).enumerate() {
        assert_abs(
            &format!("{name} residual {t}"),
            *a,
            e.unwrap(),
            rel * scale * 10.0,
        );
    }
}

#[test]
fn summary_matches_r_and_statsmodels_on_well_conditioned_data() {
    for name in WELL_CONDITIONED {
        let c = case(name);
        let f = fit(&c, Method::Qr);
        check_summary(name, &f, &c.fx, 1e-9);
        assert_rel(
            &format!("{name} condition number"),
            f.condition_number,
            num(&c.fx["statsmodels"]["condition_number"]).unwrap(),
            1e-9,
        );
        assert!(f.warnings.is_empty(), "{name}: {:?}", f.warnings);
    }
}

#[test]
fn normal_equations_agree_on_well_conditioned_data() {
    for name in WELL_CONDITIONED {
        let c = case(name);
        let f = fit(&c, Method::Normal);
        // The normal equations square the condition number (up to ~1e6 here).
        check_summary(name, &f, &c.fx, 1e-6);
    }
}

#[test]
fn longley_meets_nist_certified_values_to_ten_digits() {
    let c = case("longley");
    let f = fit(&c, Method::Qr);
    let nist = &c.fx["nist_certified"];
    for (j, coef) in f.coefficients.iter().enumerate() {
        assert_rel(
            &format!("longley {} estimate", coef.name),
            coef.estimate.unwrap(),
            nist["estimate"][j].as_f64().unwrap(),
            1e-10,
        );
        assert_rel(
            &format!("longley {} std error", coef.name),
            coef.std_error.unwrap(),
            nist["std_error"][j].as_f64().unwrap(),
            1e-10,
        );
    }
    assert_rel("longley σ", f.sigma, nist["sigma"].as_f64().unwrap(), 1e-10);
    assert_rel(
        "longley R²",
        f.r_squared,
        nist["r_squared"].as_f64().unwrap(),
        1e-10,
    );
    assert_rel("longley RSS", f.rss, nist["rss"].as_f64().unwrap(), 1e-10);
    assert_rel(
        "longley F",
        f.f_statistic.unwrap(),
        nist["f_statistic"].as_f64().unwrap(),
        1e-10,
    );
    // And R and statsmodels agree with it less closely; check against R loosely.
    check_summary("longley", &f, &c.fx, 1e-7);
}

#[test]
fn longley_on_the_normal_equations_warns_how_many_digits_survive() {
    let c = case("longley");
    let f = fit(&c, Method::Normal);
    let warning = f
        .warnings
        .iter()
        .find_map(|w| match w {
            FitWarning::IllConditioned {
                condition_number,
                trusted_digits,
            } => Some((*condition_number, *trusted_digits)),
            _ => None,
        })
        .expect("an ill-conditioning warning");
    assert_rel("longley κ", warning.0, 4.859_257_015_454_868e9, 1e-6);
    assert!(warning.1 < 1.0, "{warning:?}");
}

#[test]
fn durbin_watson_exact_p_values_match_r_where_r_is_right() {
    // R's dwtest (Pan's algorithm) is reliable for n < 100 on full-rank, well-conditioned designs.
    for name in WELL_CONDITIONED {
        let c = case(name);
        if c.y.len() >= 100 {
            continue;
        }
        let f = fit(&c, Method::Qr);
        let dw = durbin_watson(&c.design, &f, &DurbinWatsonConfig::default()).unwrap();
        let r = &c.fx["r"];
        assert_eq!(dw.p_method, PMethod::Exact);
        assert_rel(
            &format!("{name} d"),
            dw.statistic,
            num(&r["dw_statistic"]).unwrap(),
            1e-10,
        );
        assert_rel(
            &format!("{name} d (statsmodels)"),
            dw.statistic,
            num(&c.fx["statsmodels"]["durbin_watson"]).unwrap(),
            1e-10,
        );
        for (ours, key) in [
            (dw.p_value.greater, "dw_p_exact_greater"),
            (dw.p_value.less, "dw_p_exact_less"),
            (dw.p_value.two_sided, "dw_p_exact_two_sided"),
        ] {
            assert_abs(&format!("{name} {key}"), ours, num(&r[key]).unwrap(), 1e-8);
        }
    }
}

#[test]
fn durbin_watson_matches_an_independent_exact_computation_everywhere() {
    for name in WELL_CONDITIONED.iter().chain(&[
        "longley",
        "near_collinear",
        "near_aliased",
        "rank_deficient",
    ]) {
        let c = case(name);
        let f = fit(&c, Method::Qr);
        let dw = durbin_watson(&c.design, &f, &DurbinWatsonConfig::default()).unwrap();
        let ind = &c.fx["independent_exact"];
        assert_rel(
            &format!("{name} d"),
            dw.statistic,
            num(&ind["statistic"]).unwrap(),
            1e-9,
        );
        assert_abs(
            &format!("{name} greater"),
            dw.p_value.greater,
            num(&ind["p_greater"]).unwrap(),
            1e-9,
        );
        assert_abs(
            &format!("{name} less"),
            dw.p_value.less,
            num(&ind["p_less"]).unwrap(),
            1e-9,
        );
    }
}

#[test]
fn durbin_watson_normal_approximation_matches_r_exact_false() {
    for name in ["textbook", "cars", "mtcars", "ar1_n500", "faithful"] {
        let c = case(name);
        let f = fit(&c, Method::Qr);
        let config = DurbinWatsonConfig {
            exact_limit: 0,
            ..DurbinWatsonConfig::default()
        };
        let dw = durbin_watson(&c.design, &f, &config).unwrap();
        assert_eq!(dw.p_method, PMethod::NormalExactMoments);
        let r = &c.fx["r"];
        assert_rel(
            &format!("{name} normal greater"),
            dw.p_value.greater,
            num(&r["dw_p_normal_greater"]).unwrap(),
            1e-9,
        );
        assert_rel(
            &format!("{name} normal less"),
            dw.p_value.less,
            num(&r["dw_p_normal_less"]).unwrap(),
            1e-9,
        );
    }
}

#[test]
fn breusch_godfrey_matches_lmtest() {
    for name in WELL_CONDITIONED.iter().chain(&["longley"]) {
        let c = case(name);
        let f = fit(&c, Method::Qr);
        let order = c.fx["bg_order"].as_u64().unwrap() as usize;
        let bg = breusch_godfrey(&c.design, &f, order).unwrap();
        let r = &c.fx["r"];
        let rel = if *name == "longley" { 1e-7 } else { 1e-9 };
        assert_rel(
            &format!("{name} LM"),
            bg.statistic,
            num(&r["bg_statistic"]).unwrap(),
            rel,
        );
        assert_rel(
            &format!("{name} LM p"),
            bg.p_value,
            num(&r["bg_p_value"]).unwrap(),
            rel,
        );
        assert_rel(
            &format!("{name} F"),
            bg.f_statistic,
            num(&r["bg_f_statistic"]).unwrap(),
            rel,
        );
        assert_rel(
            &format!("{name} F p"),
            bg.f_p_value,
            num(&r["bg_f_p_value"]).unwrap(),
            rel,
        );
    }
}

#[test]
fn rank_deficient_design_reports_the_aliased_column_as_r_does() {
    let c = case("rank_deficient");
    let f = fit(&c, Method::Qr);
    assert_eq!(f.rank, 3);
    assert_eq!(f.aliased, vec![3]);
    let names: Vec<&str> = f.coefficients.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["intercept", "a", "b", "c"]);
    assert!(f.coefficients[3].aliased && f.coefficients[3].estimate.is_none());
    assert!(matches!(&f.warnings[..], [FitWarning::Aliased { columns }] if columns == &["c"]));
    check_summary("rank_deficient", &f, &c.fx, 1e-9);
    // The bounds use k′ = rank − 1 = 2.
    let dw = durbin_watson(&c.design, &f, &DurbinWatsonConfig::default()).unwrap();
    let expected = nabla_stats::dw_bounds(30, 2, 0.05, true).unwrap().unwrap();
    assert_eq!(dw.bounds.unwrap(), expected);
    // R's dwtest is wrong here (it uses ncol(X)); ours matches the independent computation.
    let r_greater = num(&c.fx["r"]["dw_p_exact_greater"]).unwrap();
    assert!((dw.p_value.greater - r_greater).abs() > 0.1);
}

#[test]
fn near_collinear_design_fits_on_qr() {
    let c = case("near_collinear");
    let f = fit(&c, Method::Qr);
    assert!(f.condition_number > 1e6 && f.aliased.is_empty());
    // R's lm (LINPACK QR, no refinement) and ours agree to its own accuracy here.
    check_summary("near_collinear", &f, &c.fx, 1e-6);
}

#[test]
fn column_below_the_rank_tolerance_is_aliased_as_in_r() {
    // x2 = x1 + 1e-8·noise: R's lm drops x2 (NA); statsmodels' pinv splits a huge effect.
    let c = case("near_aliased");
    let f = fit(&c, Method::Qr);
    assert_eq!(f.aliased, vec![2]);
    assert!(c.fx["r"]["estimate"][2].is_null());
    assert!(c.fx["statsmodels"]["estimate"][1].as_f64().unwrap().abs() > 1e3);
    check_summary("near_aliased", &f, &c.fx, 1e-9);
}

#[test]
fn no_intercept_model_has_no_bounds_but_exact_p_values() {
    let c = case("cars_no_intercept");
    let f = fit(&c, Method::Qr);
    let dw = durbin_watson(&c.design, &f, &DurbinWatsonConfig::default()).unwrap();
    assert!(dw.bounds.is_none() && dw.verdict.is_none());
    assert_abs(
        "no-intercept greater",
        dw.p_value.greater,
        num(&c.fx["r"]["dw_p_exact_greater"]).unwrap(),
        1e-8,
    );
}

#[test]
fn bounds_match_an_independent_computation_over_a_grid() {
    let text = std::fs::read_to_string(fixtures().join("dw_bounds.json")).unwrap();
    let fx: Value = serde_json::from_str(&text).unwrap();
    let rows = fx["bounds"].as_array().unwrap();
    assert!(rows.len() > 80);
    for row in rows {
        let n = row["n"].as_u64().unwrap() as usize;
        let k = row["k_prime"].as_u64().unwrap() as usize;
        let alpha = row["alpha"].as_f64().unwrap();
        let b = nabla_stats::dw_bounds(n, k, alpha, true).unwrap().unwrap();
        let what = format!("n={n} k′={k} α={alpha}");
        assert_abs(
            &format!("{what} d_L"),
            b.d_l,
            row["d_l"].as_f64().unwrap(),
            1e-9,
        );
        assert_abs(
            &format!("{what} d_U"),
            b.d_u,
            row["d_u"].as_f64().unwrap(),
            1e-9,
        );
    }
}
