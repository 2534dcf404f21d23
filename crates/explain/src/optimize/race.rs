//! Running optimizers on a test function and measuring their paths: steps to a loss threshold,
//! final loss, path length and oscillation.
//!
//! A run *diverges* at the first step where x, y, the loss or the distance travelled so far
//! stops being a finite number; it stops there, and that point is the last of its trajectory.
//! Everything measured on a diverged run is measured on the points before it (its finite part),
//! so it is always a number: `path_length` is finite and never −0 (0 when the run diverges at
//! its first step), `best_loss` and `oscillation` are those of the finite part, and
//! `steps_to_threshold` is the step where the finite part reached the threshold, if it did.
//! `final_loss` does not exist (`None`): the run has no last finite loss that it ended on.

use nabla_nn::optim::OptimizerConfig;

use super::objective::Objective;
use crate::Result;

/// One point of a trajectory: after `step` optimizer steps (step 0 is the start).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// Steps taken.
    pub step: usize,
    /// x after the step.
    pub x: f64,
    /// y after the step.
    pub y: f64,
    /// f(x, y).
    pub loss: f64,
}

impl Point {
    fn is_finite(&self) -> bool {
        self.x.is_finite() && self.y.is_finite() && self.loss.is_finite()
    }
}

/// One optimizer's run.
#[derive(Clone, Debug)]
pub struct Run {
    /// The optimizer and its hyperparameters.
    pub config: OptimizerConfig,
    /// Every point from the start on; when the run diverged, the last point is the one where it
    /// diverged.
    pub trajectory: Vec<Point>,
    /// The step at which x, y, the loss or the distance travelled stopped being finite (the run
    /// stops there; see the [module docs](self)).
    pub diverged_at: Option<usize>,
}

/// How a run did.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    /// The first step whose loss is at or below the threshold.
    pub steps_to_threshold: Option<usize>,
    /// The loss at the last step (None when the run diverged).
    pub final_loss: Option<f64>,
    /// The smallest loss seen on the path.
    pub best_loss: f64,
    /// Σ ‖pₖ − pₖ₋₁‖ over the finite part of the path: finite, and +0 when it has no step.
    pub path_length: f64,
    /// Sign changes of the step direction: of Δx plus of Δy (zero steps skipped).
    pub oscillation: usize,
}

/// Runs `config` from `start` for `steps` steps of the gradient of `objective`.
///
/// # Errors
/// Any error building the optimizer, taking a step or differentiating a user expression (none
/// for valid configurations).
pub fn run(
    objective: &Objective,
    config: OptimizerConfig,
    start: [f64; 2],
    steps: usize,
) -> Result<Run> {
    let mut optimizer = config.build::<f64>()?;
    let mut p = start;
    let mut trajectory = Vec::with_capacity(steps + 1);
    let (loss, mut grad) = objective.value_and_gradient(p[0], p[1])?;
    trajectory.push(Point {
        step: 0,
        x: p[0],
        y: p[1],
        loss,
    });
    let mut diverged_at = None;
    let mut length = 0.0;
    for step in 1..=steps {
        optimizer.step(&mut [&mut p[..]], &[&grad[..]])?;
        let (loss, g) = objective.value_and_gradient(p[0], p[1])?;
        grad = g;
        let point = Point {
            step,
            x: p[0],
            y: p[1],
            loss,
        };
        let last = trajectory[trajectory.len() - 1];
        length = add_step(length, &last, &point);
        trajectory.push(point);
        if !(point.is_finite() && length.is_finite()) {
            diverged_at = Some(step);
            break;
        }
    }
    Ok(Run {
        config,
        trajectory,
        diverged_at,
    })
}

impl Run {
    /// The trajectory's finite part.
    pub fn finite_points(&self) -> &[Point] {
        match self.diverged_at {
            Some(_) => &self.trajectory[..self.trajectory.len() - 1],
            None => &self.trajectory,
        }
    }

    /// Measures the run against a loss threshold.
    pub fn summary(&self, threshold: f64) -> Summary {
        let points = self.finite_points();
        let steps_to_threshold = points.iter().find(|p| p.loss <= threshold).map(|p| p.step);
        let final_loss = match self.diverged_at {
            Some(_) => None,
            None => points.last().map(|p| p.loss),
        };
        let best_loss = points.iter().map(|p| p.loss).fold(f64::INFINITY, f64::min);
        let path_length = points
            .windows(2)
            .fold(0.0, |total, w| add_step(total, &w[0], &w[1]));
        let oscillation = sign_changes(points.windows(2).map(|w| w[1].x - w[0].x))
            + sign_changes(points.windows(2).map(|w| w[1].y - w[0].y));
        Summary {
            steps_to_threshold,
            final_loss,
            best_loss,
            path_length,
            oscillation,
        }
    }
}

/// `length` plus the distance from `a` to `b`: the one sum that both the run (to see the
/// distance travelled overflow) and its summary make, in the same order. It starts from +0, so
/// an empty path is 0, not `Sum`'s −0.
fn add_step(length: f64, a: &Point, b: &Point) -> f64 {
    length + (b.x - a.x).hypot(b.y - a.y)
}

/// The number of times consecutive non-zero values change sign.
fn sign_changes(values: impl Iterator<Item = f64>) -> usize {
    let mut last = 0.0f64;
    let mut changes = 0;
    for v in values.filter(|v| *v != 0.0) {
        if last != 0.0 && (v > 0.0) != (last > 0.0) {
            changes += 1;
        }
        last = v;
    }
    changes
}

/// Orders runs best first: those that reached the threshold by steps taken, then the rest by
/// final loss, diverged runs last. Returns indices into `summaries`.
pub fn ranking(summaries: &[Summary]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..summaries.len()).collect();
    let key = |s: &Summary| {
        (
            s.final_loss.is_none(),
            s.steps_to_threshold.unwrap_or(usize::MAX),
            s.final_loss.unwrap_or(f64::INFINITY),
        )
    };
    order.sort_by(|&a, &b| {
        let (ka, kb) = (key(&summaries[a]), key(&summaries[b]));
        ka.0.cmp(&kb.0)
            .then(ka.1.cmp(&kb.1))
            .then(ka.2.total_cmp(&kb.2))
    });
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_changes_skip_zero_steps() {
        assert_eq!(sign_changes([1.0, -1.0, 0.0, -2.0, 3.0].into_iter()), 2);
        assert_eq!(sign_changes([1.0, 2.0, 3.0].into_iter()), 0);
        assert_eq!(sign_changes(std::iter::empty()), 0);
    }

    #[test]
    fn summary_of_a_straight_path() {
        let config = OptimizerConfig::from_name("sgd", &[]).unwrap();
        let point = |step, x: f64| Point {
            step,
            x,
            y: 0.0,
            loss: x * x,
        };
        let run = Run {
            config,
            trajectory: vec![point(0, 1.0), point(1, 0.5), point(2, -0.1), point(3, 0.05)],
            diverged_at: None,
        };
        let s = run.summary(0.02);
        assert_eq!(s.steps_to_threshold, Some(2));
        assert!((s.final_loss.unwrap() - 0.0025).abs() < 1e-15);
        assert!((s.path_length - (0.5 + 0.6 + 0.15)).abs() < 1e-12);
        assert_eq!(s.oscillation, 1);
    }

    #[test]
    fn divergence_stops_the_run() {
        let config =
            OptimizerConfig::from_name("sgd", &[("lr", nabla_nn::optim::HyperValue::Number(0.01))])
                .unwrap();
        let objective = Objective::Builtin(nabla_nn::TestFunction::Rosenbrock);
        let run = run(&objective, config, [-1.5, 2.0], 500).unwrap();
        let step = run.diverged_at.expect("diverges");
        assert_eq!(run.trajectory.len(), step + 1);
        assert!(run.summary(1e-3).final_loss.is_none());
    }

    #[test]
    fn a_run_diverging_at_its_first_step_has_path_length_plus_zero() {
        let config = OptimizerConfig::from_name(
            "sgd",
            &[("lr", nabla_nn::optim::HyperValue::Number(1e300))],
        )
        .unwrap();
        let objective = Objective::Builtin(nabla_nn::TestFunction::Rosenbrock);
        let run = run(&objective, config, [-1.5, 2.0], 10).unwrap();
        assert_eq!(run.diverged_at, Some(1));
        let length = run.summary(1e-3).path_length;
        assert!(length == 0.0 && length.is_sign_positive(), "{length:?}");
    }

    /// The invariants of a diverged run's measures (see the module docs).
    fn assert_diverged_consistently(run: &Run, what: &str) {
        let step = run.diverged_at.expect(what);
        assert_eq!(run.trajectory.len(), step + 1, "{what}");
        let s = run.summary(1e-3);
        assert!(
            s.path_length.is_finite() && s.path_length.is_sign_positive(),
            "{what}: path_length {:?}",
            s.path_length
        );
        assert!(s.final_loss.is_none(), "{what}");
        assert!(s.best_loss.is_finite(), "{what}: best_loss {}", s.best_loss);
        assert!(s.steps_to_threshold.is_none_or(|k| k < step), "{what}");
        assert!(run.finite_points().iter().all(|p| p.is_finite()), "{what}");
    }

    #[test]
    fn a_diverged_run_reports_only_numbers_measured_on_its_finite_part() {
        use nabla_nn::optim::HyperValue;
        let functions = [
            nabla_nn::TestFunction::Rosenbrock,
            nabla_nn::TestFunction::Beale,
            nabla_nn::TestFunction::Himmelblau,
            nabla_nn::TestFunction::Quadratic,
        ];
        let mut diverged = 0;
        for function in functions {
            let objective = Objective::Builtin(function);
            for name in [
                "sgd", "momentum", "nesterov", "rmsprop", "adagrad", "adam", "radam",
            ] {
                for lr in [0.05, 10.0, 1e10, 1e300] {
                    let mut config = OptimizerConfig::default_for(name).unwrap();
                    config.set("lr", HyperValue::Number(lr)).unwrap();
                    let run = run(&objective, config, [-1.5, 2.0], 300).unwrap();
                    if run.diverged_at.is_some() {
                        diverged += 1;
                        let what = format!("{} {name} lr {lr}", objective.name());
                        assert_diverged_consistently(&run, &what);
                    }
                }
            }
        }
        assert!(diverged > 20, "only {diverged} runs diverged");
    }

    #[test]
    fn a_path_whose_length_overflows_diverges_where_it_overflows() {
        // |x| + y² with steps of 1e308: x goes 0.5 → −1e308 → 0, every point and loss finite,
        // but the distance travelled (2e308) is not.
        let text = "abs(x) + y^2";
        let objective = Objective::Expr {
            text: text.to_string(),
            expr: super::super::expr::parse(text).unwrap(),
        };
        let config = OptimizerConfig::from_name(
            "sgd",
            &[("lr", nabla_nn::optim::HyperValue::Number(1e308))],
        )
        .unwrap();
        let run = run(&objective, config, [0.5, 0.0], 10).unwrap();
        assert!(run.trajectory.iter().all(|p| p.is_finite()));
        assert_eq!(run.diverged_at, Some(2));
        assert_diverged_consistently(&run, "abs(x) + y^2");
        assert_eq!(run.summary(1e-3).path_length, 1e308);
    }

    #[test]
    fn ranking_puts_diverged_runs_last() {
        let s = |steps, loss| Summary {
            steps_to_threshold: steps,
            final_loss: loss,
            best_loss: 0.0,
            path_length: 0.0,
            oscillation: 0,
        };
        let order = ranking(&[
            s(None, None),
            s(None, Some(0.5)),
            s(Some(30), Some(1e-4)),
            s(Some(10), Some(1e-3)),
        ]);
        assert_eq!(order, [3, 2, 1, 0]);
    }
}
