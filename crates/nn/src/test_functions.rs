//! The two-dimensional test functions that `nabla optimize` races optimizers on, with analytic
//! gradients and known global minima.
//!
//! ```text
//! rosenbrock  (1 − x)² + 100(y − x²)²                              min 0 at (1, 1)
//! quadratic   ½(x² + 50y²)                                         min 0 at (0, 0)
//! beale       (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²   min 0 at (3, 0.5)
//! himmelblau  (x² + y − 11)² + (x + y² − 7)²                       min 0 at four points
//! ```
//!
//! ```
//! use nabla_nn::TestFunction;
//!
//! let f = TestFunction::from_name("rosenbrock")?;
//! assert_eq!(f.value(1.0, 1.0), 0.0);
//! assert_eq!(f.gradient(0.0, 0.0), [-2.0, 0.0]);
//! # Ok::<(), nabla_nn::Error>(())
//! ```

use crate::{Error, Result};

/// One of the four test functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TestFunction {
    /// Rosenbrock's banana valley: `(1 − x)² + 100(y − x²)²`.
    Rosenbrock,
    /// An ill-conditioned bowl (condition number 50): `½(x² + 50y²)`.
    Quadratic,
    /// Beale's function: `(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²`.
    Beale,
    /// Himmelblau's function, four global minima: `(x² + y − 11)² + (x + y² − 7)²`.
    Himmelblau,
}

/// The names accepted by [`TestFunction::from_name`].
pub const TEST_FUNCTION_NAMES: [&str; 4] = ["rosenbrock", "quadratic", "beale", "himmelblau"];

impl TestFunction {
    /// Every test function, in the order of [`TEST_FUNCTION_NAMES`].
    pub const ALL: [TestFunction; 4] = [
        TestFunction::Rosenbrock,
        TestFunction::Quadratic,
        TestFunction::Beale,
        TestFunction::Himmelblau,
    ];

    /// Looks a function up by name.
    ///
    /// # Errors
    /// [`Error::UnknownTestFunction`] for any other name.
    pub fn from_name(name: &str) -> Result<Self> {
        match name {
            "rosenbrock" => Ok(TestFunction::Rosenbrock),
            "quadratic" => Ok(TestFunction::Quadratic),
            "beale" => Ok(TestFunction::Beale),
            "himmelblau" => Ok(TestFunction::Himmelblau),
            _ => Err(Error::UnknownTestFunction {
                name: name.to_string(),
            }),
        }
    }

    /// The function's name.
    pub fn name(self) -> &'static str {
        match self {
            TestFunction::Rosenbrock => "rosenbrock",
            TestFunction::Quadratic => "quadratic",
            TestFunction::Beale => "beale",
            TestFunction::Himmelblau => "himmelblau",
        }
    }

    /// The formula, for legends and titles.
    pub fn formula(self) -> &'static str {
        match self {
            TestFunction::Rosenbrock => "(1−x)² + 100(y−x²)²",
            TestFunction::Quadratic => "½(x² + 50y²)",
            TestFunction::Beale => "(1.5−x+xy)² + (2.25−x+xy²)² + (2.625−x+xy³)²",
            TestFunction::Himmelblau => "(x²+y−11)² + (x+y²−7)²",
        }
    }

    /// f(x, y).
    pub fn value(self, x: f64, y: f64) -> f64 {
        match self {
            TestFunction::Rosenbrock => {
                let a = 1.0 - x;
                let b = y - x * x;
                a * a + 100.0 * (b * b)
            }
            TestFunction::Quadratic => 0.5 * (x * x + 50.0 * (y * y)),
            TestFunction::Beale => {
                let [a, b, c] = beale_terms(x, y);
                a * a + b * b + c * c
            }
            TestFunction::Himmelblau => {
                let u = x * x + y - 11.0;
                let v = x + y * y - 7.0;
                u * u + v * v
            }
        }
    }

    /// The analytic gradient [∂f/∂x, ∂f/∂y].
    ///
    /// ```text
    /// rosenbrock  [−2(1 − x) − 400x(y − x²),  200(y − x²)]
    /// quadratic   [x,  50y]
    /// beale       with a, b, c the three terms:
    ///             [2a(y − 1) + 2b(y² − 1) + 2c(y³ − 1),  2a·x + 2b·2xy + 2c·3xy²]
    /// himmelblau  with u = x² + y − 11, v = x + y² − 7:  [4xu + 2v,  2u + 4yv]
    /// ```
    pub fn gradient(self, x: f64, y: f64) -> [f64; 2] {
        match self {
            TestFunction::Rosenbrock => {
                let b = y - x * x;
                [-2.0 * (1.0 - x) - 400.0 * x * b, 200.0 * b]
            }
            TestFunction::Quadratic => [x, 50.0 * y],
            TestFunction::Beale => {
                let [a, b, c] = beale_terms(x, y);
                let y2 = y * y;
                let y3 = y2 * y;
                [
                    2.0 * a * (y - 1.0) + 2.0 * b * (y2 - 1.0) + 2.0 * c * (y3 - 1.0),
                    2.0 * a * x + 2.0 * b * (2.0 * x * y) + 2.0 * c * (3.0 * x * y2),
                ]
            }
            TestFunction::Himmelblau => {
                let u = x * x + y - 11.0;
                let v = x + y * y - 7.0;
                [4.0 * x * u + 2.0 * v, 2.0 * u + 4.0 * y * v]
            }
        }
    }

    /// The global minima (all with f = 0).
    pub fn minima(self) -> &'static [[f64; 2]] {
        match self {
            TestFunction::Rosenbrock => &[[1.0, 1.0]],
            TestFunction::Quadratic => &[[0.0, 0.0]],
            TestFunction::Beale => &[[3.0, 0.5]],
            TestFunction::Himmelblau => &[
                [3.0, 2.0],
                [-2.805_118_086_952_745, 3.131_312_518_250_573],
                [-3.779_310_253_377_747, -3.283_185_991_286_17],
                [3.584_428_340_330_492, -1.848_126_526_964_404],
            ],
        }
    }

    /// A region that shows the function's shape around its minima: `[x_min, x_max, y_min, y_max]`.
    pub fn domain(self) -> [f64; 4] {
        match self {
            TestFunction::Rosenbrock => [-2.0, 2.0, -1.0, 3.0],
            TestFunction::Quadratic => [-2.0, 2.0, -1.0, 1.0],
            TestFunction::Beale => [-4.5, 4.5, -4.5, 4.5],
            TestFunction::Himmelblau => [-5.0, 5.0, -5.0, 5.0],
        }
    }
}

fn beale_terms(x: f64, y: f64) -> [f64; 3] {
    let y2 = y * y;
    let y3 = y2 * y;
    [1.5 - x + x * y, 2.25 - x + x * y2, 2.625 - x + x * y3]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minima_are_zeros_of_value_and_gradient() {
        for f in TestFunction::ALL {
            for &[x, y] in f.minima() {
                assert!(f.value(x, y).abs() < 1e-20, "{} at ({x}, {y})", f.name());
                let [gx, gy] = f.gradient(x, y);
                assert!(
                    gx.abs() < 1e-9 && gy.abs() < 1e-9,
                    "{}: {gx}, {gy}",
                    f.name()
                );
            }
        }
    }

    #[test]
    fn gradients_match_central_differences() {
        let points = [(-1.5, 2.0), (0.3, -0.7), (2.1, 1.3), (-0.4, 0.9)];
        for f in TestFunction::ALL {
            for &(x, y) in &points {
                let h = 1e-6;
                let dx = (f.value(x + h, y) - f.value(x - h, y)) / (2.0 * h);
                let dy = (f.value(x, y + h) - f.value(x, y - h)) / (2.0 * h);
                let [gx, gy] = f.gradient(x, y);
                let tol = |g: f64| 1e-6 * g.abs().max(1.0);
                assert!(
                    (gx - dx).abs() < tol(gx),
                    "{} d/dx at ({x}, {y}): {gx} vs {dx}",
                    f.name()
                );
                assert!(
                    (gy - dy).abs() < tol(gy),
                    "{} d/dy at ({x}, {y}): {gy} vs {dy}",
                    f.name()
                );
            }
        }
    }

    #[test]
    fn names_round_trip() {
        for (f, name) in TestFunction::ALL.iter().zip(TEST_FUNCTION_NAMES) {
            assert_eq!(f.name(), name);
            assert_eq!(TestFunction::from_name(name).unwrap(), *f);
        }
        assert!(TestFunction::from_name("ackley").is_err());
    }
}
