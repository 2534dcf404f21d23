//! Activation functions: value, derivative, and tight slice kernels for the tape.
//!
//! Every function here follows PyTorch's CPU kernels (`torch.nn.functional`, PyTorch 2.15) to the
//! operation: the same formula, the same order of floating-point operations where it matters, the
//! same constants (rounded to the element type as PyTorch rounds them) and the same convention at
//! every kink. The golden tests in `tests/activation_golden.rs` hold each one to PyTorch's value and
//! autograd derivative within 1e-12 (f64) and 1e-6 (f32) on a grid from 0 and ±1e-7 to ±1e4.
//!
//! The backward kernels take both the input `x` and the forward output `y`, because PyTorch
//! differentiates some functions from their output (sigmoid: `y·(1−y)`, tanh: `1−y²`) and others
//! from their input (relu, gelu, elu, softplus, mish, ...).
//!
//! No function returns NaN or ±∞ for a finite input, in f32 or f64. Where PyTorch's own formula
//! would overflow, nabla switches to an algebraically equal form: softplus with a threshold beyond
//! `ln(MAX)`, hard swish for `x ≥ 3` (`x` rather than `x·6/6`), the gelu-tanh derivative for
//! |x| ≳ 1.8e19 in f32; and a parameter too large for the element type saturates at its largest
//! value. These are the only departures, and they change no value PyTorch computes as finite.
//!
//! ```
//! use nabla_tensor::Activation;
//!
//! let swish = Activation::parse("swish", None, Some(0.0)).unwrap();
//! assert_eq!(swish.value(3.0_f64), 1.5); // β = 0: x/2 exactly
//!
//! let relu = Activation::Relu;
//! let x = [-1.0_f64, 0.0, 2.0];
//! let mut y = [0.0; 3];
//! relu.forward(&x, &mut y);
//! assert_eq!(y, [0.0, 0.0, 2.0]);
//! let mut g = [0.0; 3];
//! relu.backward(&x, &y, &[1.0, 1.0, 1.0], &mut g);
//! assert_eq!(g, [0.0, 0.0, 1.0]); // PyTorch: relu'(0) = 0
//! ```

use crate::{Error, Float, Result};

/// SELU's α (Klambauer et al. 2017), as PyTorch spells it.
pub const SELU_ALPHA: f64 = 1.673_263_242_354_377_284_817_042_991_671_7;
/// SELU's scale λ (Klambauer et al. 2017), as PyTorch spells it.
pub const SELU_SCALE: f64 = 1.050_700_987_355_480_493_419_334_985_294_6;

/// An activation function with its parameters.
///
/// "Cost" below is the relative cost of one forward evaluation: *cheap* (a compare or a
/// multiply), *moderate* (one `exp`/`tanh`/`erf`), *expensive* (two or more transcendental calls).
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum Activation {
    /// `f(x) = x`, `f'(x) = 1`.
    ///
    /// Properties: never saturates, differentiable everywhere, zero-centred, cheap; stacking
    /// identity layers collapses to one linear map.
    Identity,
    /// Binary step: `f(x) = 1` for `x > 0`, else `0`; `f'(x) = 0` everywhere (nabla's convention).
    ///
    /// Properties: the gradient is zero everywhere (it vanishes on the whole line, so gradient
    /// descent cannot train through it); not differentiable at 0 (jump); not zero-centred
    /// (outputs 0 or 1); cheap.
    Step,
    /// Logistic sigmoid `σ(x) = 1/(1+e^(−x))`; `σ'(x) = σ(x)(1−σ(x))`, computed from the output.
    ///
    /// Properties: `|f'| < 1e-3` for `|x| ≳ 6.9` (vanishing gradient; at most 0.25 at 0);
    /// differentiable everywhere; not zero-centred (range (0, 1)); moderate cost.
    Sigmoid,
    /// `tanh(x)`; `f'(x) = 1 − tanh²(x)`, computed from the output.
    ///
    /// Properties: `|f'| < 1e-3` for `|x| ≳ 4.1` (vanishing gradient); differentiable
    /// everywhere; zero-centred (range (−1, 1)); moderate cost.
    Tanh,
    /// `relu(x) = max(x, 0)`; `f'(x) = 1` for `x > 0`, else `0` (PyTorch: `f'(0) = 0`).
    ///
    /// Properties: the gradient is zero for every `x ≤ 0` ("dying ReLU"); not differentiable at 0;
    /// not zero-centred (range [0, ∞)); cheap.
    Relu,
    /// `f(x) = x` for `x > 0`, else `αx` (PyTorch default α = 0.01); `f'(0) = α`.
    ///
    /// Properties: the gradient never vanishes (α for x ≤ 0); not differentiable at 0; roughly
    /// zero-centred only for large α; cheap.
    LeakyRelu {
        /// The slope for `x ≤ 0` (PyTorch's `negative_slope`).
        alpha: f64,
    },
    /// Swish `f(x) = x·σ(βx)` (β = 1 is SiLU); `f'(x) = σ(βx) + βx·σ(βx)(1−σ(βx))`.
    ///
    /// β = 0 gives `x/2` exactly; as β → ∞ it approaches ReLU (without NaN for any finite β).
    /// Properties: for β = 1 the gradient vanishes (`|f'| < 1e-3`) only for `x ≲ −9.0`; smooth
    /// (differentiable everywhere), non-monotonic (minimum ≈ −0.278 at x ≈ −1.278 for β = 1);
    /// not zero-centred; moderate cost. β may be trained: see [`swish_beta_derivative`].
    Swish {
        /// The slope β inside the sigmoid.
        beta: f64,
    },
    /// Hard swish `f(x) = x·relu6(x+3)/6`; `f'(x) = 0` for `x ≤ −3`, `x/3 + ½` for `−3 < x < 3`,
    /// `1` for `x ≥ 3` (PyTorch's conventions at the kinks: `f'(−3) = 0`, `f'(3) = 1`).
    ///
    /// Properties: the gradient is zero for `x ≤ −3`; not differentiable at ±3 (the derivative
    /// jumps from 0 to −½ and from 3/2 to 1); not zero-centred; cheap (no transcendental call)
    /// — the swish of small devices.
    HardSwish,
    /// `relu6(x) = min(max(x, 0), 6)`; `f'(x) = 1` for `0 < x < 6`, else `0` (PyTorch:
    /// `f'(0) = f'(6) = 0`).
    ///
    /// Properties: the gradient is zero for `x ≤ 0` and `x ≥ 6`; not differentiable at 0 and 6;
    /// not zero-centred (range [0, 6]); cheap.
    Relu6,
    /// Hard sigmoid `f(x) = relu6(x+3)/6`; `f'(x) = 1/6` for `−3 < x < 3`, else `0`.
    ///
    /// PyTorch's derivative constant is `1/6` rounded to f32 even in f64
    /// (0.1666666716337204), and nabla uses the same. Properties: the gradient is zero for
    /// `|x| ≥ 3`; not differentiable at ±3; not zero-centred (range [0, 1]); cheap.
    HardSigmoid,
    /// GELU with the exact normal CDF: `f(x) = x·Φ(x) = ½x(1 + erf(x/√2))`;
    /// `f'(x) = Φ(x) + x·φ(x)`.
    ///
    /// Properties: the gradient vanishes (`|f'| < 1e-3`) for `x ≲ −3.8`; smooth,
    /// non-monotonic (minimum ≈ −0.170 at x ≈ −0.752); not zero-centred; moderate cost (erf).
    Gelu,
    /// GELU with PyTorch's tanh approximation (`approximate="tanh"`):
    /// `f(x) = ½x(1 + tanh(√(2/π)(x + 0.044715x³)))`.
    ///
    /// Properties: as [`Activation::Gelu`], within about 1e-3 of it (the gradient vanishes for
    /// `x ≲ −3.7`); moderate cost (tanh).
    GeluTanh,
    /// ELU: `f(x) = x` for `x > 0`, else `α(eˣ − 1)` (PyTorch default α = 1); `f'(x) = αeˣ` for
    /// `x ≤ 0` (so `f'(0) = α`), else 1.
    ///
    /// PyTorch computes `exp(x) − 1`, not `expm1(x)`; nabla does the same so that values agree
    /// near 0. Properties: the gradient vanishes (`|f'| < 1e-3`) for `x ≲ ln(1e-3/α)` (≈ −6.9
    /// for α = 1); differentiable everywhere only for α = 1 (else a kink at 0); roughly
    /// zero-centred (range (−α, ∞)); moderate cost.
    Elu {
        /// The scale of the negative branch.
        alpha: f64,
    },
    /// SELU: `λ·elu(x, α)` with PyTorch's constants α ≈ 1.6733, λ ≈ 1.0507; `f'(0) = λα`.
    ///
    /// Properties: the gradient vanishes (`|f'| < 1e-3`) for `x ≲ −7.5`; not differentiable at
    /// 0 (the derivative jumps from λα ≈ 1.758 to λ); self-normalising (keeps zero mean and unit
    /// variance); moderate cost.
    Selu,
    /// Softplus `f(x) = ln(1 + e^(βx))/β`, and `f(x) = x` where `βx > threshold` (PyTorch
    /// defaults β = 1, threshold = 20); `f'(x) = e^(βx)/(1 + e^(βx))`, or 1 past the threshold.
    ///
    /// Properties: the gradient vanishes (`|f'| < 1e-3`) for `βx ≲ −6.9`; smooth (a smooth
    /// ReLU); not zero-centred (range (0, ∞)); expensive (exp and log).
    Softplus {
        /// The sharpness β.
        beta: f64,
        /// Above `βx > threshold` the function is taken as linear.
        threshold: f64,
    },
    /// Mish `f(x) = x·tanh(softplus(x))`; `f'(x) = tanh(sp) + x·σ(x)(1 − tanh²(sp))`.
    ///
    /// Properties: the gradient vanishes (`|f'| < 1e-3`) for `x ≲ −9.0`; smooth,
    /// non-monotonic (minimum ≈ −0.309 at x ≈ −1.19); not zero-centred; expensive (exp, log1p,
    /// tanh, and a second exp in the derivative).
    Mish,
    /// `log σ(x) = min(x, 0) − ln(1 + e^(−|x|))`; `f'(x) = 1 − σ(x)`.
    ///
    /// Properties: the gradient vanishes (`|f'| < 1e-3`) for `x ≳ 6.9`; smooth; not
    /// zero-centred (range (−∞, 0)); expensive (exp and log1p).
    LogSigmoid,
}

/// The names [`Activation::parse`] accepts, in the order of `nabla`'s contract.
pub const ACTIVATION_NAMES: &[&str] = &[
    "step",
    "sigmoid",
    "tanh",
    "relu",
    "leaky_relu",
    "swish",
    "hard_swish",
    "relu6",
    "hard_sigmoid",
    "gelu",
    "gelu_tanh",
    "elu",
    "selu",
    "softplus",
    "mish",
    "log_sigmoid",
    "silu",
    "identity",
];

const ALL: [Activation; 17] = [
    Activation::Step,
    Activation::Sigmoid,
    Activation::Tanh,
    Activation::Relu,
    Activation::LeakyRelu { alpha: 0.01 },
    Activation::Swish { beta: 1.0 },
    Activation::HardSwish,
    Activation::Relu6,
    Activation::HardSigmoid,
    Activation::Gelu,
    Activation::GeluTanh,
    Activation::Elu { alpha: 1.0 },
    Activation::Selu,
    Activation::Softplus {
        beta: 1.0,
        threshold: 20.0,
    },
    Activation::Mish,
    Activation::LogSigmoid,
    Activation::Identity,
];

impl Activation {
    /// `f(x)`.
    ///
    /// ```
    /// use nabla_tensor::Activation;
    /// assert_eq!(Activation::HardSwish.value(3.0_f64), 3.0);
    /// assert_eq!(Activation::Sigmoid.value(-1e4_f32), 0.0);
    /// ```
    #[inline]
    pub fn value<T: Float>(self, x: T) -> T {
        match self {
            Activation::Identity => x,
            Activation::Step => step(x),
            Activation::Sigmoid => sigmoid(x),
            Activation::Tanh => x.tanh(),
            Activation::Relu => relu(x),
            Activation::LeakyRelu { alpha } => leaky_relu(x, param::<T>(alpha)),
            Activation::Swish { beta: 1.0 } => silu(x),
            Activation::Swish { beta } => swish(x, param::<T>(beta)),
            Activation::HardSwish => hard_swish(x),
            Activation::Relu6 => relu6(x),
            Activation::HardSigmoid => hard_sigmoid(x),
            Activation::Gelu => gelu(x),
            Activation::GeluTanh => gelu_tanh(x),
            Activation::Elu { alpha } => {
                let c = EluCoefficients::<T>::new(alpha, 1.0);
                elu(x, c)
            }
            Activation::Selu => selu_value(x),
            Activation::Softplus { beta, threshold } => {
                let c = SoftplusCoefficients::<T>::new(beta, threshold);
                softplus(x, c)
            }
            Activation::Mish => mish(x),
            Activation::LogSigmoid => log_sigmoid(x),
        }
    }

    /// `f'(x)`, with PyTorch's convention at each kink (see each variant).
    ///
    /// ```
    /// use nabla_tensor::Activation;
    /// assert_eq!(Activation::Relu.derivative(0.0_f64), 0.0);
    /// assert_eq!(Activation::LeakyRelu { alpha: 0.1 }.derivative(0.0_f64), 0.1);
    /// assert_eq!(Activation::Sigmoid.derivative(0.0_f64), 0.25);
    /// ```
    #[inline]
    pub fn derivative<T: Float>(self, x: T) -> T {
        let one = T::one();
        match self {
            // Functions PyTorch differentiates from their output.
            Activation::Sigmoid => sigmoid_grad(sigmoid(x), one),
            Activation::Tanh => tanh_grad(x.tanh(), one),
            _ => self.grad_from_x(x, one),
        }
    }

    /// `upstream · f'(x)` for the functions whose backward needs only `x`.
    #[inline(always)]
    fn grad_from_x<T: Float>(self, x: T, g: T) -> T {
        match self {
            Activation::Identity => g,
            Activation::Step => T::zero(),
            Activation::Sigmoid => sigmoid_grad(sigmoid(x), g),
            Activation::Tanh => tanh_grad(x.tanh(), g),
            Activation::Relu => relu_grad(x, g),
            Activation::LeakyRelu { alpha } => leaky_relu_grad(x, param::<T>(alpha), g),
            Activation::Swish { beta: 1.0 } => silu_grad(x, g),
            Activation::Swish { beta } => swish_grad(x, param::<T>(beta), g),
            Activation::HardSwish => hard_swish_grad(x, g),
            Activation::Relu6 => relu6_grad(x, g),
            Activation::HardSigmoid => hard_sigmoid_grad(x, g),
            Activation::Gelu => gelu_grad(x, g),
            Activation::GeluTanh => gelu_tanh_grad(x, g),
            Activation::Elu { alpha } => elu_grad(x, EluCoefficients::new(alpha, 1.0), g),
            Activation::Selu => elu_grad(x, EluCoefficients::new(SELU_ALPHA, SELU_SCALE), g),
            Activation::Softplus { beta, threshold } => {
                softplus_grad(x, SoftplusCoefficients::new(beta, threshold), g)
            }
            Activation::Mish => mish_grad(x, g),
            Activation::LogSigmoid => log_sigmoid_grad(x, g),
        }
    }

    /// `out[i] = f(x[i])`: one tight loop per function, which the compiler can vectorise.
    ///
    /// # Panics
    /// If `x` and `out` differ in length (a bug in the caller, not bad user input).
    pub fn forward<T: Float>(self, x: &[T], out: &mut [T]) {
        assert_eq!(
            x.len(),
            out.len(),
            "activation forward: x and out differ in length"
        );
        match self {
            Activation::Identity => out.copy_from_slice(x),
            Activation::Step => map(x, out, step),
            Activation::Sigmoid => map(x, out, sigmoid),
            Activation::Tanh => map(x, out, |v: T| v.tanh()),
            Activation::Relu => map(x, out, relu),
            Activation::LeakyRelu { alpha } => {
                let a = param::<T>(alpha);
                map(x, out, |v| leaky_relu(v, a));
            }
            Activation::Swish { beta: 1.0 } => map(x, out, silu),
            Activation::Swish { beta } => {
                let b = param::<T>(beta);
                map(x, out, |v| swish(v, b));
            }
            Activation::HardSwish => map(x, out, hard_swish),
            Activation::Relu6 => map(x, out, relu6),
            Activation::HardSigmoid => map(x, out, hard_sigmoid),
            Activation::Gelu => map(x, out, gelu),
            Activation::GeluTanh => map(x, out, gelu_tanh),
            Activation::Elu { alpha } => {
                let c = EluCoefficients::new(alpha, 1.0);
                map(x, out, |v| elu(v, c));
            }
            Activation::Selu => {
                let c = EluCoefficients::new(SELU_ALPHA, SELU_SCALE);
                map(x, out, |v| elu(v, c));
            }
            Activation::Softplus { beta, threshold } => {
                let c = SoftplusCoefficients::new(beta, threshold);
                map(x, out, |v| softplus(v, c));
            }
            Activation::Mish => map(x, out, mish),
            Activation::LogSigmoid => map(x, out, log_sigmoid),
        }
    }

    /// `grad_x[i] = upstream[i] · f'(x[i])`, with PyTorch's backward formula for each function:
    /// from the output `y` for sigmoid (`g·(1−y)·y`) and tanh (`g·(1−y²)`), from the input `x`
    /// for every other function. `y` must be `forward(x)`.
    ///
    /// # Panics
    /// If the four slices differ in length.
    pub fn backward<T: Float>(self, x: &[T], y: &[T], upstream: &[T], grad_x: &mut [T]) {
        let n = x.len();
        assert!(
            y.len() == n && upstream.len() == n && grad_x.len() == n,
            "activation backward: x, y, upstream and grad_x differ in length"
        );
        match self {
            Activation::Identity => grad_x.copy_from_slice(upstream),
            Activation::Step => grad_x.fill(T::zero()),
            Activation::Sigmoid => zip_map(y, upstream, grad_x, sigmoid_grad),
            Activation::Tanh => zip_map(y, upstream, grad_x, tanh_grad),
            Activation::Relu => zip_map(x, upstream, grad_x, relu_grad),
            Activation::LeakyRelu { alpha } => {
                let a = param::<T>(alpha);
                zip_map(x, upstream, grad_x, |v, g| leaky_relu_grad(v, a, g));
            }
            Activation::Swish { beta: 1.0 } => zip_map(x, upstream, grad_x, silu_grad),
            Activation::Swish { beta } => {
                let b = param::<T>(beta);
                zip_map(x, upstream, grad_x, |v, g| swish_grad(v, b, g));
            }
            Activation::HardSwish => zip_map(x, upstream, grad_x, hard_swish_grad),
            Activation::Relu6 => zip_map(x, upstream, grad_x, relu6_grad),
            Activation::HardSigmoid => zip_map(x, upstream, grad_x, hard_sigmoid_grad),
            Activation::Gelu => zip_map(x, upstream, grad_x, gelu_grad),
            Activation::GeluTanh => zip_map(x, upstream, grad_x, gelu_tanh_grad),
            Activation::Elu { alpha } => {
                let c = EluCoefficients::new(alpha, 1.0);
                zip_map(x, upstream, grad_x, |v, g| elu_grad(v, c, g));
            }
            Activation::Selu => {
                let c = EluCoefficients::new(SELU_ALPHA, SELU_SCALE);
                zip_map(x, upstream, grad_x, |v, g| elu_grad(v, c, g));
            }
            Activation::Softplus { beta, threshold } => {
                let c = SoftplusCoefficients::new(beta, threshold);
                zip_map(x, upstream, grad_x, |v, g| softplus_grad(v, c, g));
            }
            Activation::Mish => zip_map(x, upstream, grad_x, mish_grad),
            Activation::LogSigmoid => zip_map(x, upstream, grad_x, log_sigmoid_grad),
        }
    }

    /// The function's name in `nabla`'s contract (`"leaky_relu"`, `"hard_swish"`, ...); SiLU is
    /// `"swish"` with β = 1.
    pub fn name(self) -> &'static str {
        match self {
            Activation::Identity => "identity",
            Activation::Step => "step",
            Activation::Sigmoid => "sigmoid",
            Activation::Tanh => "tanh",
            Activation::Relu => "relu",
            Activation::LeakyRelu { .. } => "leaky_relu",
            Activation::Swish { .. } => "swish",
            Activation::HardSwish => "hard_swish",
            Activation::Relu6 => "relu6",
            Activation::HardSigmoid => "hard_sigmoid",
            Activation::Gelu => "gelu",
            Activation::GeluTanh => "gelu_tanh",
            Activation::Elu { .. } => "elu",
            Activation::Selu => "selu",
            Activation::Softplus { .. } => "softplus",
            Activation::Mish => "mish",
            Activation::LogSigmoid => "log_sigmoid",
        }
    }

    /// Builds an activation from its contract name (see [`ACTIVATION_NAMES`]; `silu` is swish
    /// with β = 1) and optional parameters: `alpha` for `leaky_relu` (default 0.01) and `elu`
    /// (default 1), `beta` for `swish` (default 1) and `softplus` (default 1, threshold 20).
    ///
    /// # Errors
    /// [`Error::UnknownActivation`] for a name not in [`ACTIVATION_NAMES`];
    /// [`Error::UnexpectedParameter`] when a parameter is given to a function that does not take
    /// it (including a `beta` other than 1 for `silu`, whose β is fixed at 1);
    /// [`Error::InvalidParameter`] for a parameter that is NaN or infinite, or a softplus β of 0.
    ///
    /// ```
    /// use nabla_tensor::Activation;
    /// assert_eq!(
    ///     Activation::parse("leaky_relu", Some(0.2), None).unwrap(),
    ///     Activation::LeakyRelu { alpha: 0.2 }
    /// );
    /// assert!(Activation::parse("relu", Some(0.2), None).is_err());
    /// assert!(Activation::parse("swishy", None, None).is_err());
    /// ```
    pub fn parse(name: &str, alpha: Option<f64>, beta: Option<f64>) -> Result<Activation> {
        let takes_alpha = matches!(name, "leaky_relu" | "elu");
        // silu is swish with β fixed at 1: `--beta 1` restates it, any other β contradicts it.
        let takes_beta =
            matches!(name, "swish" | "softplus") || (name == "silu" && beta == Some(1.0));
        if !ACTIVATION_NAMES.contains(&name) {
            return Err(Error::UnknownActivation {
                name: name.to_string(),
            });
        }
        let canonical = canonical_name(name);
        if alpha.is_some() && !takes_alpha {
            return Err(Error::UnexpectedParameter {
                activation: canonical,
                parameter: "alpha",
            });
        }
        if beta.is_some() && !takes_beta {
            return Err(Error::UnexpectedParameter {
                activation: canonical,
                parameter: "beta",
            });
        }
        let finite = |param: &'static str, v: f64| {
            if v.is_finite() {
                Ok(v)
            } else {
                Err(Error::InvalidParameter {
                    name: param,
                    value: v,
                    reason: "it must be a finite number",
                })
            }
        };
        let alpha = alpha.map(|a| finite("alpha", a)).transpose()?;
        let beta = beta.map(|b| finite("beta", b)).transpose()?;
        Ok(match name {
            "identity" => Activation::Identity,
            "step" => Activation::Step,
            "sigmoid" => Activation::Sigmoid,
            "tanh" => Activation::Tanh,
            "relu" => Activation::Relu,
            "leaky_relu" => Activation::LeakyRelu {
                alpha: alpha.unwrap_or(0.01),
            },
            "swish" => Activation::Swish {
                beta: beta.unwrap_or(1.0),
            },
            "silu" => Activation::Swish { beta: 1.0 },
            "hard_swish" => Activation::HardSwish,
            "relu6" => Activation::Relu6,
            "hard_sigmoid" => Activation::HardSigmoid,
            "gelu" => Activation::Gelu,
            "gelu_tanh" => Activation::GeluTanh,
            "elu" => Activation::Elu {
                alpha: alpha.unwrap_or(1.0),
            },
            "selu" => Activation::Selu,
            "softplus" => {
                let beta = beta.unwrap_or(1.0);
                if beta == 0.0 {
                    return Err(Error::InvalidParameter {
                        name: "beta",
                        value: beta,
                        reason: "softplus divides by β, so it must not be 0",
                    });
                }
                Activation::Softplus {
                    beta,
                    threshold: 20.0,
                }
            }
            "mish" => Activation::Mish,
            _ => Activation::LogSigmoid,
        })
    }

    /// The parameters, as `(name, value)` pairs for a JSON `params` object: `alpha` for
    /// leaky_relu and elu, `beta` for swish, `beta` and `threshold` for softplus, and SELU's
    /// fixed `alpha` and `scale`; empty for the others.
    pub fn params(self) -> Vec<(&'static str, f64)> {
        match self {
            Activation::LeakyRelu { alpha } | Activation::Elu { alpha } => vec![("alpha", alpha)],
            Activation::Swish { beta } => vec![("beta", beta)],
            Activation::Softplus { beta, threshold } => {
                vec![("beta", beta), ("threshold", threshold)]
            }
            Activation::Selu => vec![("alpha", SELU_ALPHA), ("scale", SELU_SCALE)],
            _ => Vec::new(),
        }
    }

    /// Every activation with its default parameters, in the contract's order, `identity` last.
    pub fn all() -> &'static [Activation] {
        &ALL
    }
}

/// An accepted name as a `'static` string.
fn canonical_name(name: &str) -> &'static str {
    ACTIVATION_NAMES
        .iter()
        .copied()
        .find(|n| *n == name)
        .unwrap_or("activation")
}

/// ∂/∂β of swish `x·σ(βx)`, for a trainable β:
///
/// ```text
/// ∂f/∂β = x²·σ(βx)·(1 − σ(βx))
/// ```
///
/// computed in PyTorch autograd's order, `((x·(1−σ))·σ)·x`.
///
/// ```
/// use nabla_tensor::swish_beta_derivative;
/// assert_eq!(swish_beta_derivative(2.0_f64, 0.0), 1.0); // 4 · ½ · ½
/// ```
#[inline]
pub fn swish_beta_derivative<T: Float>(x: T, beta: T) -> T {
    let s = sigmoid(x * beta);
    x * (T::one() - s) * s * x
}

#[inline(always)]
fn map<T: Float>(x: &[T], out: &mut [T], f: impl Fn(T) -> T) {
    for (o, &v) in out.iter_mut().zip(x) {
        *o = f(v);
    }
}

#[inline(always)]
fn zip_map<T: Float>(a: &[T], g: &[T], out: &mut [T], f: impl Fn(T, T) -> T) {
    for ((o, &v), &gv) in out.iter_mut().zip(a).zip(g) {
        *o = f(v, gv);
    }
}

#[inline(always)]
fn c<T: Float>(v: f64) -> T {
    T::from_f64(v)
}

/// A parameter in `T`, saturating at `±T::MAX` rather than overflowing to ±∞ (β = 1e300 is a
/// valid f64 swish parameter but has no f32 value; `0·∞` would then make NaN).
#[inline(always)]
fn param<T: Float>(v: f64) -> T {
    let t = T::from_f64(v);
    if t.is_infinite() {
        t.signum() * T::max_value()
    } else {
        t
    }
}

#[inline(always)]
fn step<T: Float>(x: T) -> T {
    if x > T::zero() {
        T::one()
    } else {
        T::zero()
    }
}

/// `1/(1 + e^(−x))`, PyTorch's formula: 0 (not NaN) at x = −∞ and 1 at +∞.
#[inline(always)]
fn sigmoid<T: Float>(x: T) -> T {
    T::one() / (T::one() + (-x).exp())
}

/// `g·(1−y)·y` from the output.
#[inline(always)]
fn sigmoid_grad<T: Float>(y: T, g: T) -> T {
    g * (T::one() - y) * y
}

/// `g·(1−y²)` from the output.
#[inline(always)]
fn tanh_grad<T: Float>(y: T, g: T) -> T {
    g * (T::one() - y * y)
}

/// PyTorch's threshold kernel: `x ≤ 0 ? 0 : x` (NaN passes through).
#[inline(always)]
fn relu<T: Float>(x: T) -> T {
    if x <= T::zero() {
        T::zero()
    } else {
        x
    }
}

#[inline(always)]
fn relu_grad<T: Float>(x: T, g: T) -> T {
    if x > T::zero() {
        g
    } else {
        T::zero()
    }
}

#[inline(always)]
fn leaky_relu<T: Float>(x: T, alpha: T) -> T {
    if x > T::zero() {
        x
    } else {
        x * alpha
    }
}

#[inline(always)]
fn leaky_relu_grad<T: Float>(x: T, alpha: T, g: T) -> T {
    if x > T::zero() {
        g
    } else {
        g * alpha
    }
}

/// PyTorch's `silu`: `x/(1 + e^(−x))`.
#[inline(always)]
fn silu<T: Float>(x: T) -> T {
    x / (T::one() + (-x).exp())
}

/// PyTorch's `silu_backward`: `g·σ·(1 + x(1−σ))`.
#[inline(always)]
fn silu_grad<T: Float>(x: T, g: T) -> T {
    let s = sigmoid(x);
    g * s * (T::one() + x * (T::one() - s))
}

/// `x·σ(βx)`, as autograd composes `x * torch.sigmoid(beta * x)`.
#[inline(always)]
fn swish<T: Float>(x: T, beta: T) -> T {
    x * sigmoid(x * beta)
}

/// Autograd of `x * sigmoid(beta * x)`: `g·σ + ((g·x)·(1−σ)·σ)·β`. The product is formed from
/// the small factors outwards, so a huge β times a vanishing `σ(1−σ)` stays 0 (never ∞·0).
#[inline(always)]
fn swish_grad<T: Float>(x: T, beta: T, g: T) -> T {
    let s = sigmoid(x * beta);
    g * s + g * x * (T::one() - s) * s * beta
}

#[inline(always)]
fn hard_swish<T: Float>(x: T) -> T {
    let three = c::<T>(3.0);
    let six = c::<T>(6.0);
    if x >= three {
        // PyTorch's `x·6/6` is `x` (to the last bit, or one ulp off); `x` itself cannot
        // overflow where `x·6` would (|x| > MAX/6).
        x
    } else {
        x * (x + three).max(T::zero()).min(six) / six
    }
}

/// PyTorch 2.15: 0 for `x ≤ −3`, `g·(x/3 + ½)` for `−3 < x < 3`, `g` for `x ≥ 3`.
#[inline(always)]
fn hard_swish_grad<T: Float>(x: T, g: T) -> T {
    let three = c::<T>(3.0);
    if x <= -three {
        T::zero()
    } else if x < three {
        g * (x / three + c(0.5))
    } else {
        g
    }
}

#[inline(always)]
fn relu6<T: Float>(x: T) -> T {
    let six = c::<T>(6.0);
    if x <= T::zero() {
        T::zero()
    } else if x >= six {
        six
    } else {
        x
    }
}

/// PyTorch's `hardtanh_backward(0, 6)`: 0 at and beyond both kinks.
#[inline(always)]
fn relu6_grad<T: Float>(x: T, g: T) -> T {
    if x <= T::zero() || x >= c(6.0) {
        T::zero()
    } else {
        g
    }
}

#[inline(always)]
fn hard_sigmoid<T: Float>(x: T) -> T {
    let six = c::<T>(6.0);
    (x + c(3.0)).max(T::zero()).min(six) / six
}

/// PyTorch's constant is `1.0f / 6.0f`, an f32, even for f64 tensors.
#[inline(always)]
fn hard_sigmoid_grad<T: Float>(x: T, g: T) -> T {
    let three = c::<T>(3.0);
    if x > -three && x < three {
        g * c(f64::from(1.0f32 / 6.0f32))
    } else {
        T::zero()
    }
}

#[inline(always)]
fn gelu<T: Float>(x: T) -> T {
    let k_alpha = c::<T>(std::f64::consts::FRAC_1_SQRT_2);
    x * c(0.5) * (T::one() + (x * k_alpha).erf())
}

#[inline(always)]
fn gelu_grad<T: Float>(x: T, g: T) -> T {
    use std::f64::consts::{FRAC_1_SQRT_2, FRAC_2_SQRT_PI};
    let k_alpha = c::<T>(FRAC_1_SQRT_2);
    let k_beta = c::<T>(FRAC_2_SQRT_PI * FRAC_1_SQRT_2 * 0.5);
    let cdf = c::<T>(0.5) * (T::one() + (x * k_alpha).erf());
    let pdf = k_beta * (x * x * c(-0.5)).exp();
    g * (cdf + x * pdf)
}

#[inline(always)]
fn gelu_tanh_beta<T: Float>() -> T {
    use std::f64::consts::{FRAC_2_SQRT_PI, SQRT_2};
    c(SQRT_2 * FRAC_2_SQRT_PI * 0.5)
}

#[inline(always)]
fn gelu_tanh<T: Float>(x: T) -> T {
    let k_kappa = c::<T>(0.044715);
    let x_cube = x * x * x;
    let inner = gelu_tanh_beta::<T>() * (x + k_kappa * x_cube);
    c::<T>(0.5) * x * (T::one() + inner.tanh())
}

/// PyTorch's formula; where `1 − tanh²` is exactly 0 the right-hand term is taken as 0, so that
/// an infinite `x²` (|x| ≳ 1.8e19 in f32) does not give ∞·0 = NaN.
#[inline(always)]
fn gelu_tanh_grad<T: Float>(x: T, g: T) -> T {
    let k_beta = gelu_tanh_beta::<T>();
    let k_kappa = c::<T>(0.044715);
    let x_sq = x * x;
    let x_cube = x_sq * x;
    let inner = k_beta * (x + k_kappa * x_cube);
    let tanh_inner = inner.tanh();
    let left = c::<T>(0.5) * x;
    let right = T::one() + tanh_inner;
    let left_derivative = c::<T>(0.5) * right;
    let tanh_derivative = T::one() - tanh_inner * tanh_inner;
    let right_derivative = if tanh_derivative == T::zero() {
        T::zero()
    } else {
        let inner_derivative = k_beta * (T::one() + c::<T>(3.0) * k_kappa * x_sq);
        left * tanh_derivative * inner_derivative
    };
    g * (left_derivative + right_derivative)
}

/// PyTorch's ELU coefficients, rounded to `T` as its kernel rounds them:
/// `negcoef = α·scale` (product in `T`), `poscoef = scale`.
#[derive(Clone, Copy)]
struct EluCoefficients<T> {
    negcoef: T,
    poscoef: T,
}

impl<T: Float> EluCoefficients<T> {
    #[inline(always)]
    fn new(alpha: f64, scale: f64) -> Self {
        EluCoefficients {
            negcoef: param::<T>(alpha) * c::<T>(scale),
            poscoef: c(scale),
        }
    }
}

/// `x ≤ 0 ? (eˣ − 1)·negcoef : x·poscoef` — `exp(x) − 1`, as PyTorch, not `expm1`.
#[inline(always)]
fn elu<T: Float>(x: T, k: EluCoefficients<T>) -> T {
    if x <= T::zero() {
        (x.exp() - T::one()) * k.negcoef
    } else {
        x * k.poscoef
    }
}

#[inline(always)]
fn elu_grad<T: Float>(x: T, k: EluCoefficients<T>, g: T) -> T {
    if x <= T::zero() {
        g * k.negcoef * x.exp()
    } else {
        g * k.poscoef
    }
}

#[inline(always)]
fn selu_value<T: Float>(x: T) -> T {
    elu(x, EluCoefficients::new(SELU_ALPHA, SELU_SCALE))
}

/// Softplus's β and threshold in `T`, and the largest `βx` whose `exp` is finite.
#[derive(Clone, Copy)]
struct SoftplusCoefficients<T> {
    beta: T,
    threshold: T,
    max_exp_arg: T,
}

impl<T: Float> SoftplusCoefficients<T> {
    #[inline(always)]
    fn new(beta: f64, threshold: f64) -> Self {
        SoftplusCoefficients {
            beta: param(beta),
            threshold: c(threshold),
            max_exp_arg: T::max_value().ln(),
        }
    }
}

/// PyTorch: `βx > threshold ? x : log1p(exp(βx))/β`. Where `exp(βx)` would overflow (only when
/// the threshold is set above `ln(MAX)`), `βx + log1p(exp(−βx))` gives the finite answer.
#[inline(always)]
fn softplus<T: Float>(x: T, k: SoftplusCoefficients<T>) -> T {
    let z = x * k.beta;
    if z > k.threshold {
        x
    } else if z <= k.max_exp_arg {
        z.exp().ln_1p() / k.beta
    } else {
        (z + (-z).exp().ln_1p()) / k.beta
    }
}

/// PyTorch: `βx > threshold ? g : g·e^(βx)/(e^(βx) + 1)`; past `ln(MAX)` the equal
/// `g/(1 + e^(−βx))` avoids ∞/∞.
#[inline(always)]
fn softplus_grad<T: Float>(x: T, k: SoftplusCoefficients<T>, g: T) -> T {
    let z = x * k.beta;
    if z > k.threshold {
        g
    } else if z <= k.max_exp_arg {
        let e = z.exp();
        g * e / (e + T::one())
    } else {
        g / (T::one() + (-z).exp())
    }
}

/// `x·tanh(log1p(eˣ))`: at x → +∞ the chain gives tanh(∞) = 1, so no NaN.
#[inline(always)]
fn mish<T: Float>(x: T) -> T {
    x * x.exp().ln_1p().tanh()
}

#[inline(always)]
fn mish_grad<T: Float>(x: T, g: T) -> T {
    let s = sigmoid(x);
    let tsp = x.exp().ln_1p().tanh();
    g * (tsp + x * s * (T::one() - tsp * tsp))
}

/// `min(x, 0) − log1p(e^(−|x|))`.
#[inline(always)]
fn log_sigmoid<T: Float>(x: T) -> T {
    x.min(T::zero()) - (-x.abs()).exp().ln_1p()
}

/// PyTorch's `log_sigmoid_backward` with `b = e^(−|x|)`:
/// `(x < 0 ? 1 − b/(1+b) : b/(1+b))·g`.
#[inline(always)]
fn log_sigmoid_grad<T: Float>(x: T, g: T) -> T {
    let b = (-x.abs()).exp();
    let q = b / (T::one() + b);
    if x < T::zero() {
        (T::one() - q) * g
    } else {
        q * g
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXTREMES: [f64; 10] = [
        0.0, -0.0, 1e-7, -1e-7, 1e4, -1e4, 1e30, -1e30, 3.0e38, -3.0e38,
    ];

    #[test]
    fn no_nan_or_inf_at_finite_extremes_in_f32_and_f64() {
        let mut acts: Vec<Activation> = Activation::all().to_vec();
        acts.extend([
            Activation::Swish { beta: 0.0 },
            Activation::Swish { beta: 10.0 },
            Activation::Swish { beta: 1e300 },
            Activation::Swish { beta: -2.0 },
            Activation::Softplus {
                beta: 1.0,
                threshold: 1e6,
            },
            Activation::Softplus {
                beta: -0.5,
                threshold: 20.0,
            },
            Activation::Elu { alpha: 2.5 },
            Activation::LeakyRelu { alpha: 0.3 },
        ]);
        for act in acts {
            for &x in &EXTREMES {
                let (v, d) = (act.value(x), act.derivative(x));
                assert!(
                    v.is_finite() && d.is_finite(),
                    "{act:?} f64 at {x}: {v} {d}"
                );
                let x32 = x as f32;
                let (v, d) = (act.value(x32), act.derivative(x32));
                assert!(
                    v.is_finite() && d.is_finite(),
                    "{act:?} f32 at {x32}: {v} {d}"
                );
            }
        }
    }

    #[test]
    fn kinks_follow_pytorch() {
        assert_eq!(Activation::Relu.derivative(0.0_f64), 0.0);
        assert_eq!(
            Activation::LeakyRelu { alpha: 0.01 }.derivative(0.0_f64),
            0.01
        );
        assert_eq!(Activation::Relu6.derivative(0.0_f64), 0.0);
        assert_eq!(Activation::Relu6.derivative(6.0_f64), 0.0);
        assert_eq!(Activation::Relu6.derivative(5.999_f64), 1.0);
        assert_eq!(Activation::HardSwish.derivative(-3.0_f64), 0.0);
        assert_eq!(Activation::HardSwish.derivative(3.0_f64), 1.0);
        assert_eq!(Activation::HardSwish.derivative(0.0_f64), 0.5);
        assert_eq!(Activation::HardSigmoid.derivative(-3.0_f64), 0.0);
        assert_eq!(Activation::HardSigmoid.derivative(3.0_f64), 0.0);
        assert_eq!(
            Activation::HardSigmoid.derivative(0.0_f64),
            0.1666666716337204
        );
        assert_eq!(Activation::Elu { alpha: 2.0 }.derivative(0.0_f64), 2.0);
        assert_eq!(
            Activation::Selu.derivative(0.0_f64),
            SELU_ALPHA * SELU_SCALE
        );
        assert_eq!(Activation::Step.value(0.0_f64), 0.0);
        assert_eq!(Activation::Step.value(1e-300_f64), 1.0);
        assert_eq!(Activation::Step.derivative(1.0_f64), 0.0);
        assert_eq!(Activation::LogSigmoid.derivative(0.0_f64), 0.5);
    }

    #[test]
    fn swish_beta_zero_is_half_x_and_large_beta_is_relu() {
        let s0 = Activation::Swish { beta: 0.0 };
        for x in [-2.0_f64, -1e-7, 0.0, 0.3, 2.0, 1e4] {
            assert_eq!(s0.value(x), x / 2.0);
            assert_eq!(s0.derivative(x), 0.5);
        }
        for beta in [1e3, 1e6, 1e300] {
            let s = Activation::Swish { beta };
            for x in [-2.0_f64, -0.5, 0.5, 2.0, 1e4, -1e4] {
                // |x·σ(βx) − relu(x)| = |x|·σ(−β|x|) ≤ 0.5·e^(−500) here.
                let (v, r) = (s.value(x), Activation::Relu.value(x));
                assert!((v - r).abs() < 1e-200, "β={beta} x={x}: {v} vs {r}");
                let (d, dr) = (s.derivative(x), Activation::Relu.derivative(x));
                assert!((d - dr).abs() < 1e-200, "β={beta} x={x}: {d} vs {dr}");
            }
        }
        // β = 1 is SiLU: x/(1+e^(−x)).
        let silu = Activation::parse("silu", None, None).unwrap();
        assert_eq!(silu, Activation::Swish { beta: 1.0 });
        assert!((silu.value(1.0_f64) - 1.0 / (1.0 + (-1.0_f64).exp())).abs() < 1e-16);
    }

    #[test]
    fn swish_general_beta_matches_central_differences() {
        for beta in [0.5, 2.0, -1.5] {
            let s = Activation::Swish { beta };
            for x in [-3.0_f64, -0.7, 0.2, 1.9] {
                let h = 1e-6;
                let fd = (s.value(x + h) - s.value(x - h)) / (2.0 * h);
                assert!((s.derivative(x) - fd).abs() < 1e-8, "β={beta} x={x}");
                let fb = (x * sigmoid((beta + h) * x) - x * sigmoid((beta - h) * x)) / (2.0 * h);
                assert!((swish_beta_derivative(x, beta) - fb).abs() < 1e-8);
            }
        }
    }

    #[test]
    fn every_derivative_matches_central_differences_away_from_kinks() {
        let mut acts: Vec<Activation> = Activation::all().to_vec();
        acts.push(Activation::Softplus {
            beta: 2.0,
            threshold: 20.0,
        });
        for act in acts {
            for x in [-5.3_f64, -2.2, -0.9, -0.2, 0.4, 1.1, 2.7, 4.4, 7.1] {
                let h = 1e-6;
                let fd = (act.value(x + h) - act.value(x - h)) / (2.0 * h);
                let d = act.derivative(x);
                assert!(
                    (d - fd).abs() < 1e-7 * (1.0 + d.abs()),
                    "{act:?} at {x}: {d} vs {fd}"
                );
            }
        }
    }

    #[test]
    fn slices_match_scalars_in_both_precisions() {
        let xs: Vec<f64> = (-40..=40).map(|i| f64::from(i) * 0.37).collect();
        let xs32: Vec<f32> = xs.iter().map(|&v| v as f32).collect();
        let up: Vec<f64> = xs.iter().map(|v| 0.5 + v.sin()).collect();
        let up32: Vec<f32> = up.iter().map(|&v| v as f32).collect();
        let mut acts: Vec<Activation> = Activation::all().to_vec();
        acts.push(Activation::Swish { beta: 2.0 });
        for act in acts {
            let mut y = vec![0.0; xs.len()];
            let mut g = vec![0.0; xs.len()];
            act.forward(&xs, &mut y);
            act.backward(&xs, &y, &up, &mut g);
            for i in 0..xs.len() {
                assert_eq!(y[i], act.value(xs[i]));
                let want = act.derivative(xs[i]) * up[i];
                assert!(
                    (g[i] - want).abs() <= 8.0 * f64::EPSILON * up[i].abs() * xs[i].abs().max(2.0),
                    "{act:?}"
                );
            }
            let mut y = vec![0.0f32; xs.len()];
            let mut g = vec![0.0f32; xs.len()];
            act.forward(&xs32, &mut y);
            act.backward(&xs32, &y, &up32, &mut g);
            for i in 0..xs.len() {
                assert_eq!(y[i], act.value(xs32[i]));
                let want = act.derivative(xs32[i]) * up32[i];
                assert!(
                    (g[i] - want).abs()
                        <= 8.0 * f32::EPSILON * up32[i].abs() * xs32[i].abs().max(2.0),
                    "{act:?}"
                );
            }
        }
    }

    #[test]
    fn parse_defaults_names_and_errors() {
        for &act in Activation::all() {
            assert_eq!(Activation::parse(act.name(), None, None).unwrap(), act);
        }
        assert_eq!(
            Activation::parse("elu", Some(0.5), None).unwrap(),
            Activation::Elu { alpha: 0.5 }
        );
        assert_eq!(
            Activation::parse("softplus", None, Some(2.0)).unwrap(),
            Activation::Softplus {
                beta: 2.0,
                threshold: 20.0
            }
        );
        assert!(matches!(
            Activation::parse("ReLU", None, None),
            Err(Error::UnknownActivation { .. })
        ));
        assert!(matches!(
            Activation::parse("tanh", None, Some(1.0)),
            Err(Error::UnexpectedParameter {
                activation: "tanh",
                parameter: "beta"
            })
        ));
        assert!(matches!(
            Activation::parse("silu", None, Some(2.0)),
            Err(Error::UnexpectedParameter { .. })
        ));
        assert_eq!(
            Activation::parse("silu", None, Some(1.0)).unwrap(),
            Activation::Swish { beta: 1.0 }
        );
        assert!(matches!(
            Activation::parse("swish", Some(1.0), None),
            Err(Error::UnexpectedParameter { .. })
        ));
        assert!(matches!(
            Activation::parse("leaky_relu", Some(f64::NAN), None),
            Err(Error::InvalidParameter { name: "alpha", .. })
        ));
        assert!(matches!(
            Activation::parse("swish", None, Some(f64::INFINITY)),
            Err(Error::InvalidParameter { name: "beta", .. })
        ));
        assert!(matches!(
            Activation::parse("softplus", None, Some(0.0)),
            Err(Error::InvalidParameter { name: "beta", .. })
        ));
        assert_eq!(Activation::all().len(), ACTIVATION_NAMES.len() - 1);
    }

    #[test]
    fn params_name_the_parameters() {
        assert_eq!(
            Activation::LeakyRelu { alpha: 0.2 }.params(),
            vec![("alpha", 0.2)]
        );
        assert_eq!(
            Activation::Swish { beta: 3.0 }.params(),
            vec![("beta", 3.0)]
        );
        assert!(Activation::Relu.params().is_empty());
    }

    #[test]
    fn hard_swish_of_huge_f32_inputs_does_not_overflow() {
        // PyTorch's x·6/6 overflows to ∞ for x > MAX/6; nabla returns x for x ≥ 3.
        assert_eq!(Activation::HardSwish.value(3.0e38_f32), 3.0e38);
        assert_eq!(Activation::HardSwish.value(f64::MAX), f64::MAX);
        assert_eq!(Activation::HardSwish.value(3.0_f64), 3.0);
        assert_eq!(Activation::HardSwish.value(2.0_f64), 2.0 * 5.0 / 6.0);
    }

    #[test]
    fn swish_beta_beyond_f32_range_saturates_instead_of_nan() {
        let s = Activation::Swish { beta: 1e300 };
        assert_eq!(s.value(0.0_f32), 0.0);
        assert_eq!(s.derivative(0.0_f32), 0.5);
        assert_eq!(s.value(-2.0_f32), 0.0);
        assert_eq!(s.value(2.0_f32), 2.0);
    }

    proptest::proptest! {
        #[test]
        fn derivative_is_the_slope_for_any_parameters(
            x in -12.0_f64..12.0,
            alpha in -2.0_f64..2.0,
            beta in -4.0_f64..4.0,
            sp_beta in 0.1_f64..4.0,
        ) {
            let acts = [
                Activation::LeakyRelu { alpha },
                Activation::Elu { alpha },
                Activation::Swish { beta },
                Activation::Softplus { beta: sp_beta, threshold: 20.0 },
                Activation::Sigmoid, Activation::Tanh, Activation::Gelu, Activation::GeluTanh,
                Activation::Mish, Activation::LogSigmoid, Activation::Selu, Activation::Relu,
                Activation::Relu6, Activation::HardSwish, Activation::HardSigmoid,
            ];
            // Stay clear of the kinks (0, ±3, 6) and of softplus's switch at βx = threshold.
            let near = |k: f64| (x - k).abs() < 1e-4;
            proptest::prop_assume!(!(near(0.0) || near(3.0) || near(-3.0) || near(6.0)));
            proptest::prop_assume!((x * sp_beta - 20.0).abs() > 1e-3);
            for act in acts {
                let h = 1e-6;
                let fd = (act.value(x + h) - act.value(x - h)) / (2.0 * h);
                let d = act.derivative(x);
                proptest::prop_assert!(
                    (d - fd).abs() < 1e-6 * (1.0 + d.abs() + x.abs()),
                    "{:?} at {}: {} vs {}", act, x, d, fd
                );
            }
        }
    }

    #[test]
    fn softplus_past_ln_max_stays_finite_and_exact() {
        let sp = Activation::Softplus {
            beta: 1.0,
            threshold: 1e9,
        };
        assert_eq!(sp.value(1000.0_f64), 1000.0);
        assert_eq!(sp.derivative(1000.0_f64), 1.0);
        assert_eq!(sp.value(100.0_f32), 100.0);
        // Below the threshold PyTorch's own formula is used.
        let d = Activation::Softplus {
            beta: 1.0,
            threshold: 20.0,
        };
        assert_eq!(d.value(2.0_f64), 2.0_f64.exp().ln_1p());
        assert_eq!(d.value(21.0_f64), 21.0);
    }
}
