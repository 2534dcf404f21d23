//! Inputs at the edges of what the statistics accept: the smallest fittable sample, and sizes
//! whose matrices cannot be allocated. Each is a result or a structured error, never a panic.

use nabla_stats::{
    breusch_godfrey, check_allocation, durbin_watson, max_breusch_godfrey_order, Design,
    DurbinWatsonConfig, OlsConfig, StatsError,
};

#[test]
fn a_fit_with_one_residual_degree_of_freedom_is_fitted_and_breusch_godfrey_is_not_computable() {
    // n = k + 1: three observations, intercept and one slope.
    let x = [1.0, 2.0, 4.0];
    let y = [1.0, 3.0, 2.0];
    let design = Design::new(&[("x", &x[..])], true).unwrap();
    let fit = OlsConfig::default().fit(&design, &y).unwrap();
    assert_eq!((fit.n, fit.rank, fit.df_resid), (3, 2, 1));
    assert!(fit
        .coefficients
        .iter()
        .all(|c| c.estimate.is_some_and(f64::is_finite)));
    assert_eq!(max_breusch_godfrey_order(&fit), 0);
    let err = breusch_godfrey(&design, &fit, 1).unwrap_err();
    assert!(
        matches!(
            err,
            StatsError::BreuschGodfreyNotComputable { n: 3, rank: 2 }
        ),
        "{err}"
    );
    // Durbin–Watson still exists: one non-zero eigenvalue, d is that eigenvalue, and under H0
    // d has that one value: both tails are 1 (they used to be 1 and 0, whichever way the
    // rounding of ν − d fell, a "significant" negative autocorrelation at p = 0), exact or
    // approximated, and the null variance is 0, not rounding noise below it.
    for exact_limit in [DurbinWatsonConfig::default().exact_limit, 0] {
        let config = DurbinWatsonConfig {
            exact_limit,
            ..DurbinWatsonConfig::default()
        };
        let dw = durbin_watson(&design, &fit, &config).unwrap();
        assert!(dw.statistic.is_finite() && dw.statistic >= 0.0 && dw.statistic <= 4.0);
        let p = dw.p_value;
        assert_eq!((p.greater, p.less, p.two_sided), (1.0, 1.0, 1.0));
        assert_eq!(dw.null_variance, 0.0);
        assert!((dw.null_mean - dw.statistic).abs() < 1e-12);
    }
}

#[test]
fn a_fit_with_as_many_observations_as_columns_is_an_error_naming_both() {
    let x = [1.0, 2.0];
    let y = [1.0, 3.0];
    let design = Design::new(&[("x", &x[..])], true).unwrap();
    let err = OlsConfig::default().fit(&design, &y).unwrap_err();
    assert!(
        matches!(
            err,
            StatsError::TooFewObservations {
                rows: 2,
                columns: 2
            }
        ),
        "{err}"
    );
}

#[test]
fn a_fit_with_two_residual_degrees_of_freedom_computes_every_test() {
    // n = k + 2: Breusch–Godfrey of order 1 exists (its F test has one degree of freedom left);
    // order 2 is beyond the largest and named with it.
    let x = [1.0, 2.0, 4.0, 5.0];
    let y = [1.0, 3.0, 2.0, 7.0];
    let design = Design::new(&[("x", &x[..])], true).unwrap();
    let fit = OlsConfig::default().fit(&design, &y).unwrap();
    assert_eq!(max_breusch_godfrey_order(&fit), 1);
    let bg = breusch_godfrey(&design, &fit, 1).unwrap();
    assert!(bg.statistic.is_finite() && bg.p_value > 0.0 && bg.p_value < 1.0);
    assert_eq!(bg.f_df, (1, 1));
    let err = breusch_godfrey(&design, &fit, 2).unwrap_err();
    assert!(
        matches!(err, StatsError::InvalidOrder { order: 2, max: 1 }),
        "{err}"
    );
    let dw = durbin_watson(&design, &fit, &DurbinWatsonConfig::default()).unwrap();
    let p = dw.p_value;
    assert!(p.greater > 0.0 && p.greater < 1.0 && (p.greater + p.less - 1.0).abs() < 1e-9);
    assert!(dw.null_variance > 0.0);
}

#[test]
fn an_order_beyond_the_largest_is_named_with_the_largest() {
    let x: Vec<f64> = (0..8).map(|i| f64::from(i) * 0.7).collect();
    let y: Vec<f64> = x.iter().map(|v| (v * 3.1).sin() + v).collect();
    let design = Design::new(&[("x", &x[..])], true).unwrap();
    let fit = OlsConfig::default().fit(&design, &y).unwrap();
    assert_eq!(max_breusch_godfrey_order(&fit), 5);
    breusch_godfrey(&design, &fit, 5).unwrap();
    let err = breusch_godfrey(&design, &fit, 6).unwrap_err();
    assert!(
        matches!(err, StatsError::InvalidOrder { order: 6, max: 5 }),
        "{err}"
    );
}

#[test]
fn matrices_beyond_the_address_space_are_a_structured_error_not_an_abort() {
    // 10⁷ × 10⁷ doubles are 800 TB, beyond any address space; 2⁴⁰ × 2⁴⁰ overflows usize.
    for (rows, cols) in [(10_000_000, 10_000_000), (1 << 40, 1 << 40)] {
        let err = check_allocation("a test", rows, cols).unwrap_err();
        match err {
            StatsError::TooLarge {
                what,
                rows: r,
                cols: c,
                bytes,
            } => {
                assert_eq!((what, r, c), ("a test", rows, cols));
                assert_eq!(bytes, rows as f64 * cols as f64 * 8.0);
            }
            other => panic!("{other}"),
        }
    }
    check_allocation("a small matrix", 100, 100).unwrap();
}

#[test]
fn huge_values_are_a_fit_or_an_overflow_error_never_a_panic() {
    // Squares of values beyond ~1e154 overflow f64: the sums of squares are then infinite and
    // the F and t distributions were handed NaN (statrs panics on it). Every scale, in the
    // response or in a regressor, is either a fit whose statistics are finite or null, or
    // StatsError::Overflow.
    for scale in [
        1e100,
        1e150,
        1e155,
        1e200,
        1e290,
        1e300,
        1e307,
        f64::MAX / 40.0,
    ] {
        let wobble = [0.3, -0.1, 0.7, 0.2, -0.4, 0.9, 0.1, -0.6, 0.5, 0.0];
        let t: Vec<f64> = (0..10).map(|i| i as f64).collect();
        let big: Vec<f64> = t.iter().zip(wobble).map(|(t, w)| (t + w) * scale).collect();
        for (x, y) in [(&t, &big), (&big, &t), (&big, &big)] {
            let design = Design::new(&[("x", &x[..])], true).unwrap();
            match OlsConfig::default().fit(&design, y) {
                Ok(fit) => {
                    assert!(fit.f_statistic.is_none_or(f64::is_finite), "{scale:e}");
                    assert!(fit.f_p_value.is_none_or(|p| (0.0..=1.0).contains(&p)));
                    for c in &fit.coefficients {
                        assert!(c.p_value.is_none_or(|p| (0.0..=1.0).contains(&p)));
                    }
                    let _ = durbin_watson(&design, &fit, &DurbinWatsonConfig::default());
                    let _ = breusch_godfrey(&design, &fit, 1);
                }
                Err(StatsError::Overflow { largest }) => {
                    assert!(largest >= scale, "{largest:e} < {scale:e}");
                    assert!(StatsError::Overflow { largest }
                        .to_string()
                        .contains("rescale"));
                }
                Err(e) => {
                    // Another structured error is an answer too (a rank the SVD cannot find).
                    let _ = e.to_string();
                }
            }
        }
    }
}
