//! The JSON form of `nabla regress` (field names fixed by CONTRACT.md; more fields added).

use serde_json::{json, Value};

use super::Regression;

/// A finite number, or `null`.
fn num(x: f64) -> Value {
    if x.is_finite() {
        json!(x)
    } else {
        Value::Null
    }
}

/// An optional finite number, or `null`.
fn opt(x: Option<f64>) -> Value {
    x.map_or(Value::Null, num)
}

/// The one JSON object printed by `--format json`.
pub fn to_json(r: &Regression) -> Value {
    let fit = &r.fit;
    let coefficients: Vec<Value> = fit
        .coefficients
        .iter()
        .map(|c| {
            json!({
                "name": c.name,
                "estimate": opt(c.estimate),
                "std_error": opt(c.std_error),
                "t": opt(c.t),
                "p_value": opt(c.p_value),
                "ci_low": opt(c.ci_low),
                "ci_high": opt(c.ci_high),
                "aliased": c.aliased,
            })
        })
        .collect();
    let dw = &r.dw;
    let bounds = dw.bounds.map_or(Value::Null, |b| {
        json!({"alpha": b.alpha, "d_l": num(b.d_l), "d_u": num(b.d_u), "method": b.method.name()})
    });
    let breusch_godfrey = match &r.bg {
        Ok(bg) => json!({
            "order": bg.order,
            "statistic": num(bg.statistic),
            "p_value": num(bg.p_value),
            "df": bg.order,
            "f_statistic": num(bg.f_statistic),
            "f_p_value": num(bg.f_p_value),
            "f_df": [bg.f_df.0, bg.f_df.1],
        }),
        Err(not) => json!({
            "order": not.order,
            "statistic": null,
            "p_value": null,
            "df": not.order,
            "f_statistic": null,
            "f_p_value": null,
            "f_df": null,
            "note": not.note,
        }),
    };
    json!({
        "file": r.file,
        "y": r.y_name,
        "row_order": "time",
        "n": fit.n,
        "k": fit.k,
        "rank": fit.rank,
        "df_resid": fit.df_resid,
        "df_model": fit.df_model,
        "intercept": fit.intercept,
        "method": fit.method.name(),
        "coefficients": coefficients,
        "aliased": fit.aliased.iter().map(|&j| r.names[j].clone()).collect::<Vec<_>>(),
        "r_squared": num(fit.r_squared),
        "adj_r_squared": num(fit.adj_r_squared),
        "f_statistic": opt(fit.f_statistic),
        "f_p_value": opt(fit.f_p_value),
        "sigma": num(fit.sigma),
        "rss": num(fit.rss),
        "log_likelihood": num(fit.log_likelihood),
        "aic": num(fit.aic),
        "bic": num(fit.bic),
        "information_criteria": "statsmodels (k = rank; R's AIC/BIC add 2 and ln(n))",
        "condition_number": num(fit.condition_number),
        "fitted": fit.fitted.iter().map(|&v| num(v)).collect::<Vec<_>>(),
        "residuals": fit.residuals.iter().map(|&v| num(v)).collect::<Vec<_>>(),
        "durbin_watson": {
            "statistic": num(dw.statistic),
            "rho": num(dw.rho),
            "p_value": {
                "greater": num(dw.p_value.greater),
                "less": num(dw.p_value.less),
                "two_sided": num(dw.p_value.two_sided),
            },
            "p_method": dw.p_method.name(),
            "null_mean": num(dw.null_mean),
            "null_variance": num(dw.null_variance),
            "bounds": bounds,
            "verdict": dw.verdict.map_or(Value::Null, |v| json!(v.name())),
        },
        "breusch_godfrey": breusch_godfrey,
        "warnings": r.warnings,
    })
}
