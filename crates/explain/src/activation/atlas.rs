//! The activation atlas: each function's properties, measured rather than typed in.
//!
//! For each activation [`analyze`] scans f and f' on a fine grid (step 1e-3 over [−50, 50], plus
//! x = ±1e4 for the tails) and reports:
//!
//! - **range**: the smallest and largest sampled value; a side is unbounded (`null`) when that
//!   extreme is reached in a tail where f still grows (|f(±1e4) − f(±5e3)| > 1e-3).
//! - **zero-centred**: whether the output has mean ≈ 0 for a standard normal input,
//!   `|E f(Z)| ≤ 0.1·sd f(Z)` with Z ~ N(0, 1) (Simpson's rule on [−12, 12]); tanh and SELU are,
//!   sigmoid, ReLU and swish are not.
//! - **vanishing gradient**: the intervals where `|f'(x)| < 1e-3`, endpoints refined by bisection;
//!   an interval touching ±50 whose condition still holds at ±1e4 extends to ±∞.
//! - **non-differentiable points**: where f' jumps between grid neighbours (or f itself jumps),
//!   located by bisection and confirmed by one-sided difference quotients
//!   `(f(c) − f(c−h))/h` and `(f(c+h) − f(c))/h` (h = 1e-7) that differ by more than 1e-3.
//! - **monotonicity**: whether f' ≥ 0 everywhere sampled; otherwise the turning points (sign
//!   changes of f'), e.g. swish's minimum.
//! - **cost**: nanoseconds per element of the f32 forward and backward slice kernels ([`Cost`]),
//!   and the forward cost relative to ReLU's. This crate has no clock: the caller times the
//!   kernels on the machine running it and passes the figures to [`super::json::atlas`].
//!
//! ```
//! use nabla_explain::activation::atlas::analyze;
//! use nabla_tensor::Activation;
//!
//! let relu = analyze(Activation::Relu);
//! assert_eq!(relu.kinks.len(), 1);
//! assert_eq!(relu.kinks[0].x, 0.0);
//! assert_eq!((relu.range_min, relu.range_max), (Some(0.0), None)); // [0, ∞)
//! assert!(relu.monotonic && !relu.zero_centred);
//! ```

use nabla_tensor::Activation;

/// `|f'| below this` counts as a vanishing gradient.
pub const VANISHING: f64 = 1e-3;
/// How many elements a [`Cost`] is timed over (2¹⁶).
pub const TIMED_ELEMENTS: usize = 1 << 16;
const SCAN_LIMIT: f64 = 50.0;
const SCAN_STEP: f64 = 1e-3;
const TAIL: f64 = 1e4;

/// An interval of x; `None` for an infinite end.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    /// The left end (`None`: −∞).
    pub from: Option<f64>,
    /// The right end (`None`: +∞).
    pub to: Option<f64>,
}

/// A point where f is not differentiable.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Kink {
    /// Where.
    pub x: f64,
    /// The left derivative `(f(c) − f(c−h))/h`.
    pub left: f64,
    /// The right derivative `(f(c+h) − f(c))/h`.
    pub right: f64,
    /// Whether f itself is continuous there.
    pub continuous: bool,
}

/// A sign change of f' (a local minimum or maximum of f).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TurningPoint {
    /// Where.
    pub x: f64,
    /// f there.
    pub value: f64,
    /// `true` for a minimum, `false` for a maximum.
    pub minimum: bool,
}

/// The measured properties of one activation.
#[derive(Clone, Debug)]
pub struct Properties {
    /// The function.
    pub activation: Activation,
    /// The smallest sampled value, `None` when unbounded below.
    pub range_min: Option<f64>,
    /// The largest sampled value, `None` when unbounded above.
    pub range_max: Option<f64>,
    /// `E f(Z)` for Z ~ N(0, 1).
    pub mean_normal: f64,
    /// `sd f(Z)` for Z ~ N(0, 1).
    pub sd_normal: f64,
    /// `|E f(Z)| ≤ 0.1·sd f(Z)`.
    pub zero_centred: bool,
    /// Where `|f'| < 1e-3`.
    pub vanishing: Vec<Interval>,
    /// Where f is not differentiable.
    pub kinks: Vec<Kink>,
    /// f' ≥ 0 everywhere sampled.
    pub monotonic: bool,
    /// Local extrema (sign changes of f').
    pub turning_points: Vec<TurningPoint>,
}

/// The measured cost of one activation's f32 slice kernels, timed by the caller.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cost {
    /// Forward nanoseconds per element.
    pub forward_ns: f64,
    /// Backward nanoseconds per element.
    pub backward_ns: f64,
}

/// Rounds to 9 decimals, so that a bisected kink at 3 − 1e-13 reads 3.
fn tidy(v: f64) -> f64 {
    let r = (v * 1e9).round() / 1e9;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

fn grid() -> Vec<f64> {
    let n = (2.0 * SCAN_LIMIT / SCAN_STEP).round() as usize;
    (0..=n)
        .map(|i| -SCAN_LIMIT + i as f64 * SCAN_STEP)
        .collect()
}

/// Bisects `[a, b]` for the point where `pred` changes from `pred(a)` to `pred(b)`.
fn bisect(mut a: f64, mut b: f64, pred: impl Fn(f64) -> bool) -> f64 {
    let left = pred(a);
    for _ in 0..200 {
        let m = 0.5 * (a + b);
        if m <= a || m >= b {
            break;
        }
        if pred(m) == left {
            a = m;
        } else {
            b = m;
        }
    }
    0.5 * (a + b)
}

/// Mean and standard deviation of f(Z), Z ~ N(0, 1), by Simpson's rule on [−12, 12].
fn normal_moments(act: Activation) -> (f64, f64) {
    let n = 24_000; // even
    let (lo, hi) = (-12.0_f64, 12.0_f64);
    let h = (hi - lo) / n as f64;
    let phi = |x: f64| (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt();
    let (mut m1, mut m2) = (0.0, 0.0);
    for i in 0..=n {
        let x = lo + i as f64 * h;
        let w = if i == 0 || i == n {
            1.0
        } else if i % 2 == 1 {
            4.0
        } else {
            2.0
        };
        let f = act.value(x);
        m1 += w * f * phi(x);
        m2 += w * f * f * phi(x);
    }
    let (m1, m2) = (m1 * h / 3.0, m2 * h / 3.0);
    (m1, (m2 - m1 * m1).max(0.0).sqrt())
}

fn vanishing_intervals(act: Activation, xs: &[f64], d: &[f64]) -> Vec<Interval> {
    let small = |x: f64| act.derivative(x).abs() < VANISHING;
    let mut out = Vec::new();
    let mut start: Option<Option<f64>> = None;
    for i in 0..xs.len() {
        let s = d[i].abs() < VANISHING;
        match (s, start) {
            (true, None) => {
                start = Some(if i == 0 && small(-TAIL) {
                    None
                } else if i == 0 {
                    Some(xs[0])
                } else {
                    Some(tidy(bisect(xs[i - 1], xs[i], small)))
                });
            }
            (false, Some(from)) => {
                let to = tidy(bisect(xs[i - 1], xs[i], small));
                out.push(Interval { from, to: Some(to) });
                start = None;
            }
            _ => {}
        }
    }
    if let Some(from) = start {
        let to = if small(TAIL) {
            None
        } else {
            xs.last().copied()
        };
        out.push(Interval { from, to });
    }
    out
}

fn kinks(act: Activation, xs: &[f64], f: &[f64], d: &[f64]) -> Vec<Kink> {
    let mut out: Vec<Kink> = Vec::new();
    for i in 1..xs.len() {
        let (a, b) = (xs[i - 1], xs[i]);
        let dj = (d[i] - d[i - 1]).abs() > 0.05;
        let fj = (f[i] - f[i - 1]).abs() > 0.05 + 2.0 * SCAN_STEP * d[i].abs().max(d[i - 1].abs());
        if !(dj || fj) {
            continue;
        }
        // Bisect towards the jump: keep the half whose ends still differ most.
        let (mut lo, mut hi) = (a, b);
        for _ in 0..200 {
            let m = 0.5 * (lo + hi);
            if m <= lo || m >= hi {
                break;
            }
            let gap = |p: f64, q: f64| {
                (act.derivative(p) - act.derivative(q)).abs() + (act.value(p) - act.value(q)).abs()
            };
            if gap(lo, m) >= gap(m, hi) {
                hi = m;
            } else {
                lo = m;
            }
        }
        let c = tidy(0.5 * (lo + hi));
        let h = 1e-7;
        let fc = act.value(c);
        let left = (fc - act.value(c - h)) / h;
        let right = (act.value(c + h) - fc) / h;
        let continuous = (act.value(c + h) - act.value(c - h)).abs() < 1e-3;
        if ((left - right).abs() > 1e-3 || !continuous) && out.last().is_none_or(|k| k.x != c) {
            out.push(Kink {
                x: c,
                left,
                right,
                continuous,
            });
        }
    }
    out
}

fn turning_points(act: Activation, xs: &[f64], d: &[f64]) -> Vec<TurningPoint> {
    // Sign changes of f' across zero runs: compare each nonzero sign with the previous nonzero.
    let mut out = Vec::new();
    let mut last: Option<(usize, bool)> = None;
    for i in 0..xs.len() {
        if d[i] == 0.0 {
            continue;
        }
        let pos = d[i] > 0.0;
        if let Some((j, was_pos)) = last {
            if was_pos != pos {
                let x = tidy(bisect(xs[j], xs[i], |x| act.derivative(x) > 0.0));
                out.push(TurningPoint {
                    x,
                    value: act.value(x),
                    minimum: pos,
                });
            }
        }
        last = Some((i, pos));
    }
    out
}

/// Measures every property of `act` but its cost (see the module docs).
pub fn analyze(act: Activation) -> Properties {
    let xs = grid();
    let f: Vec<f64> = xs.iter().map(|&x| act.value(x)).collect();
    let d: Vec<f64> = xs.iter().map(|&x| act.derivative(x)).collect();
    let (lo_tail, hi_tail) = (act.value(-TAIL), act.value(TAIL));
    let sampled = f.iter().copied().chain([lo_tail, hi_tail]);
    let (min, max) = sampled.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    // A tail keeps growing when f still changes between x = ±TAIL/2 and ±TAIL.
    let growth = |t: f64| act.value(t) - act.value(t / 2.0);
    let (lo_growth, hi_growth) = (growth(-TAIL), growth(TAIL));
    let unbounded_below =
        lo_growth.abs() > 1e-3 && lo_tail <= min || hi_growth.abs() > 1e-3 && hi_tail <= min;
    let unbounded_above =
        lo_growth.abs() > 1e-3 && lo_tail >= max || hi_growth.abs() > 1e-3 && hi_tail >= max;
    let range_min = (!unbounded_below).then_some(min);
    let range_max = (!unbounded_above).then_some(max);
    let (mean_normal, sd_normal) = normal_moments(act);
    let monotonic =
        d.iter().all(|&v| v >= 0.0) && act.derivative(-TAIL) >= 0.0 && act.derivative(TAIL) >= 0.0;
    Properties {
        activation: act,
        range_min,
        range_max,
        mean_normal,
        sd_normal,
        zero_centred: mean_normal.abs() <= 0.1 * sd_normal,
        vanishing: vanishing_intervals(act, &xs, &d),
        kinks: kinks(act, &xs, &f, &d),
        monotonic,
        turning_points: turning_points(act, &xs, &d),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(name: &str, alpha: Option<f64>, beta: Option<f64>) -> Properties {
        analyze(Activation::parse(name, alpha, beta).unwrap())
    }

    #[test]
    fn kinks_are_found_where_the_definitions_put_them() {
        let xs = |p: &Properties| p.kinks.iter().map(|k| k.x).collect::<Vec<_>>();
        assert_eq!(xs(&props("relu", None, None)), vec![0.0]);
        assert_eq!(xs(&props("relu6", None, None)), vec![0.0, 6.0]);
        assert_eq!(xs(&props("hard_swish", None, None)), vec![-3.0, 3.0]);
        assert_eq!(xs(&props("hard_sigmoid", None, None)), vec![-3.0, 3.0]);
        assert_eq!(xs(&props("leaky_relu", None, None)), vec![0.0]);
        assert_eq!(xs(&props("selu", None, None)), vec![0.0]);
        let step = props("step", None, None);
        assert_eq!(xs(&step), vec![0.0]);
        assert!(!step.kinks[0].continuous);
        for smooth in [
            "sigmoid",
            "tanh",
            "swish",
            "gelu",
            "gelu_tanh",
            "elu",
            "mish",
            "softplus",
        ] {
            assert!(props(smooth, None, None).kinks.is_empty(), "{smooth}");
        }
        let hs = props("hard_swish", None, None);
        assert!((hs.kinks[0].left - 0.0).abs() < 1e-6 && (hs.kinks[0].right + 0.5).abs() < 1e-6);
    }

    #[test]
    fn vanishing_regions_match_closed_forms() {
        // σ'(x) = 1e-3 at x = ±ln((1 + √(1 − 4e-3))/(1 − √(1 − 4e-3))) ≈ ±6.9068.
        let r = (1.0 - 4.0 * VANISHING).sqrt();
        let edge = ((1.0 + r) / (1.0 - r)).ln();
        let s = props("sigmoid", None, None);
        assert_eq!(s.vanishing.len(), 2);
        assert_eq!(s.vanishing[0].from, None);
        assert!((s.vanishing[0].to.unwrap() + edge).abs() < 1e-8);
        assert!((s.vanishing[1].from.unwrap() - edge).abs() < 1e-8);
        assert_eq!(s.vanishing[1].to, None);
        let relu = props("relu", None, None);
        assert_eq!(
            relu.vanishing,
            vec![Interval {
                from: None,
                to: Some(0.0)
            }]
        );
        assert_eq!(
            props("step", None, None).vanishing,
            vec![Interval {
                from: None,
                to: None
            }]
        );
        assert!(props("identity", None, None).vanishing.is_empty());
        assert!(props("leaky_relu", None, None).vanishing.is_empty());
    }

    #[test]
    fn ranges_centring_and_monotonicity() {
        let s = props("sigmoid", None, None);
        assert_eq!((s.range_min, s.range_max), (Some(0.0), Some(1.0)));
        assert!(!s.zero_centred && (s.mean_normal - 0.5).abs() < 1e-12);
        let t = props("tanh", None, None);
        assert!(t.zero_centred && t.monotonic);
        let selu = props("selu", None, None);
        assert!(
            selu.zero_centred,
            "SELU keeps zero mean: {}",
            selu.mean_normal
        );
        assert!(
            (selu.sd_normal - 1.0).abs() < 1e-3,
            "and unit variance: {}",
            selu.sd_normal
        );
        let relu = props("relu", None, None);
        assert_eq!((relu.range_min, relu.range_max), (Some(0.0), None));
        assert!(!relu.zero_centred && relu.monotonic);
        let swish = props("swish", None, None);
        assert!(!swish.monotonic);
        assert_eq!(swish.turning_points.len(), 1);
        let tp = swish.turning_points[0];
        assert!(
            tp.minimum
                && (tp.x + 1.278_464_542_761).abs() < 1e-9
                && (tp.value + 0.278_464_542_761).abs() < 1e-9
        );
        let leaky = props("leaky_relu", None, None);
        assert_eq!((leaky.range_min, leaky.range_max), (None, None));
        let id = props("identity", None, None);
        assert_eq!((id.range_min, id.range_max), (None, None));
        let hs = props("hard_swish", None, None);
        assert_eq!(hs.turning_points[0].x, -1.5);
        assert_eq!(hs.turning_points[0].value, -0.375);
    }
}
