//! The text form of `nabla regress`: a summary laid out like statsmodels' `OLS.summary()`,
//! followed by the Durbin–Watson and Breusch–Godfrey sections explained in plain words.

use std::fmt::Write;

use nabla_stats::{PMethod, Verdict};

use nabla_explain::regress::Regression;

const WIDTH: usize = 78;

/// A number the way statsmodels' summary prints it: fixed with `prec` decimals in
/// [1e-4, 1e4), scientific otherwise.
fn g(x: f64, prec: usize) -> String {
    if !x.is_finite() {
        return if x.is_nan() {
            "nan".into()
        } else {
            "inf".into()
        };
    }
    if x == 0.0 || (1e-4..1e4).contains(&x.abs()) {
        format!("{x:.prec$}")
    } else {
        format!("{x:.p$e}", p = prec.saturating_sub(1))
    }
}

/// `g` of an optional value, `NA` when absent (as R prints an aliased coefficient).
fn opt(x: Option<f64>, prec: usize) -> String {
    x.map_or_else(|| "NA".to_string(), |v| g(v, prec))
}

/// A p-value: fixed to 4 decimals, scientific below 1e-4.
fn p(x: f64) -> String {
    if x != 0.0 && x < 1e-4 {
        format!("{x:.3e}")
    } else {
        format!("{x:.4}")
    }
}

/// Two label/value pairs side by side, statsmodels' header layout.
fn pair(out: &mut String, l1: &str, v1: &str, l2: &str, v2: &str) {
    let _ = writeln!(out, "{l1:<20}{v1:>18}   {l2:<20}{v2:>17}");
}

/// The whole report.
pub fn render(r: &Regression) -> String {
    let fit = &r.fit;
    let mut out = String::new();
    let name_w = r
        .names
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(0)
        .max(9);
    let rule_w = WIDTH.max(name_w + 66);
    let eq = "=".repeat(rule_w);
    let dash = "-".repeat(rule_w);
    let _ = writeln!(out, "{:^WIDTH$}", "OLS Regression Results");
    let _ = writeln!(out, "{eq}");
    let solver = match fit.method {
        nabla_stats::Method::Qr => "QR",
        nabla_stats::Method::Normal => "normal equations",
    };
    let f_stat = fit.f_statistic.map_or("NA".into(), |v| g(v, 4));
    let f_p = fit.f_p_value.map_or("NA".into(), p);
    pair(
        &mut out,
        "Dep. Variable:",
        &r.y_name,
        "R-squared:",
        &format!("{:.6}", fit.r_squared),
    );
    pair(
        &mut out,
        "Model:",
        "OLS",
        "Adj. R-squared:",
        &format!("{:.6}", fit.adj_r_squared),
    );
    pair(
        &mut out,
        "Method:",
        "Least Squares",
        "F-statistic:",
        &f_stat,
    );
    pair(&mut out, "Solver:", solver, "Prob (F-statistic):", &f_p);
    pair(
        &mut out,
        "No. Observations:",
        &fit.n.to_string(),
        "Log-Likelihood:",
        &g(fit.log_likelihood, 4),
    );
    pair(
        &mut out,
        "Df Residuals:",
        &fit.df_resid.to_string(),
        "AIC:",
        &g(fit.aic, 4),
    );
    pair(
        &mut out,
        "Df Model:",
        &fit.df_model.to_string(),
        "BIC:",
        &g(fit.bic, 4),
    );
    pair(
        &mut out,
        "Covariance Type:",
        "nonrobust",
        "Residual std. error:",
        &g(fit.sigma, 4),
    );
    let _ = writeln!(out, "{eq}");
    let _ = writeln!(
        out,
        "{:<name_w$} {:>11} {:>10} {:>8} {:>9} {:>11} {:>11}",
        "", "coef", "std err", "t", "P>|t|", "[0.025", "0.975]"
    );
    let _ = writeln!(out, "{dash}");
    for c in &fit.coefficients {
        let _ = writeln!(
            out,
            "{:<name_w$} {:>11} {:>10} {:>8} {:>9} {:>11} {:>11}",
            c.name,
            opt(c.estimate, 4),
            opt(c.std_error, 3),
            opt(c.t, 3),
            c.p_value.map_or("NA".into(), p),
            opt(c.ci_low, 3),
            opt(c.ci_high, 3),
        );
    }
    let _ = writeln!(out, "{eq}");
    durbin_watson_section(&mut out, r);
    let _ = writeln!(out, "{dash}");
    match &r.bg {
        Ok(bg) => {
            let _ = writeln!(
                out,
                "Breusch–Godfrey test, order {} (H0: no serial correlation up to lag {}):",
                bg.order, bg.order
            );
            let _ = writeln!(
                out,
                "  LM = {}   p = {} (χ²({}))     F = {}   p = {} (F({}, {}))",
                g(bg.statistic, 4),
                p(bg.p_value),
                bg.order,
                g(bg.f_statistic, 4),
                p(bg.f_p_value),
                bg.f_df.0,
                bg.f_df.1
            );
        }
        Err(not) => {
            let _ = writeln!(out, "Breusch–Godfrey test, order {}:", not.order);
            let _ = writeln!(out, "  {}", wrap(&not.note, WIDTH - 2, 2));
        }
    }
    let _ = writeln!(out, "{eq}");
    let _ = writeln!(out, "Notes:");
    let mut notes = vec![
        "Rows are read in time order: residual t follows residual t−1.".to_string(),
        "Standard errors assume that the covariance matrix of the errors is correctly specified."
            .to_string(),
        "Log-likelihood, AIC and BIC follow statsmodels (k = rank); R's AIC()/BIC() also count σ \
         and are larger by 2 and ln(n)."
            .to_string(),
        format!(
            "Condition number of the design: {} (2-norm, intercept column included).{}",
            g(fit.condition_number, 4),
            if fit.condition_number > nabla_stats::ILL_CONDITIONED {
                " It is large: strong multicollinearity or other numerical problems."
            } else {
                ""
            }
        ),
    ];
    notes.extend(r.warnings.iter().cloned());
    for (i, note) in notes.iter().enumerate() {
        let _ = writeln!(out, "[{}] {}", i + 1, wrap(note, WIDTH - 4, 4));
    }
    out
}

/// The Durbin–Watson section: statistic, p-values, bounds and the verdict in words.
fn durbin_watson_section(out: &mut String, r: &Regression) {
    let dw = &r.dw;
    let d = dw.statistic;
    let _ = writeln!(
        out,
        "Durbin–Watson test for first-order autocorrelation (rows in time order)"
    );
    let _ = writeln!(out, "  d = {d:.6}   ρ̂ = {:.6}   (d ≈ 2(1 − ρ̂))", dw.rho);
    let _ = writeln!(
        out,
        "  d near 2: no autocorrelation; toward 0: positive; toward 4: negative."
    );
    let how = match dw.p_method {
        PMethod::Exact => "exact (eigenvalues of M·A·M, numerical inversion)",
        PMethod::NormalExactMoments => "normal approximation with the exact null mean and variance",
    };
    let _ = writeln!(out, "  p-values, {how}:");
    let _ = writeln!(
        out,
        "    H1 positive autocorrelation   P(D ≤ d) = {}",
        p(dw.p_value.greater)
    );
    let _ = writeln!(
        out,
        "    H1 negative autocorrelation   P(D ≥ d) = {}",
        p(dw.p_value.less)
    );
    let _ = writeln!(
        out,
        "    two-sided                     2·min    = {}",
        p(dw.p_value.two_sided)
    );
    let (Some(b), Some(verdict)) = (dw.bounds, dw.verdict) else {
        let _ = writeln!(
            out,
            "  Bounds test: does not apply (the bounds assume an intercept; this model has none)."
        );
        return;
    };
    let pct = b.alpha * 100.0;
    let _ = writeln!(
        out,
        "  Bounds test at α = {} (n = {}, k′ = {}):\n    d_L = {:.4}   d_U = {:.4}   4 − d_U = {:.4}   4 − d_L = {:.4}",
        b.alpha,
        r.fit.n,
        r.fit.rank.saturating_sub(1),
        b.d_l,
        b.d_u,
        4.0 - b.d_u,
        4.0 - b.d_l
    );
    let explanation = match verdict {
        Verdict::PositiveAutocorrelation => format!(
            "positive autocorrelation. d = {d:.4} is below d_L = {:.4}: at the {pct}% level each \
             residual tends to resemble the one before it, so the errors are not independent and \
             the standard errors above are too optimistic.",
            b.d_l
        ),
        Verdict::NegativeAutocorrelation => format!(
            "negative autocorrelation. 4−d = {:.4} is below d_L = {:.4}: at the {pct}% level \
             the residuals tend to alternate in sign, so the errors are not independent.",
            4.0 - d,
            b.d_l
        ),
        Verdict::NoAutocorrelation => format!(
            "no autocorrelation. d = {d:.4} lies between d_U = {:.4} and 4−d_U = {:.4}: no \
             evidence of first-order autocorrelation at the {pct}% level.",
            b.d_u,
            4.0 - b.d_u
        ),
        Verdict::Inconclusive if r.fit.df_resid == 1 => format!(
            "inconclusive. With one residual degree of freedom the bounds enclose every d the \
             test could see (d = {d:.4} lies between d_L = {:.4} and d_U = {:.4}) and both \
             p-values are 1: nothing can be decided about autocorrelation from {} rows.",
            b.d_l, b.d_u, r.fit.n
        ),
        Verdict::Inconclusive => format!(
            "inconclusive. d = {d:.4} falls between a bound and its mirror (d_L..d_U or \
             4−d_U..4−d_L): the bounds alone cannot decide; the exact p-values above can."
        ),
    };
    let _ = writeln!(out, "  Verdict: {}", wrap(&explanation, WIDTH - 11, 11));
}

/// Wraps `text` at `width` columns, indenting continuation lines by `indent`.
fn wrap(text: &str, width: usize, indent: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines.join(&format!("\n{}", " ".repeat(indent)))
}
