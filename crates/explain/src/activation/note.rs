//! A paragraph on each activation's properties — where the gradient vanishes, where it is not
//! differentiable, whether it is zero-centred, its relative cost — as `nabla activation` prints it
//! under the values. The figures in it are the ones the atlas ([`super::atlas`]) measures.

use nabla_tensor::Activation;

/// The paragraph on `act`'s properties; `None` for a function the engine gained after this text
/// was written.
///
/// ```
/// use nabla_tensor::Activation;
/// let text = nabla_explain::activation::note(Activation::Relu).unwrap();
/// assert!(text.contains("dying ReLU"));
/// ```
pub fn note(act: Activation) -> Option<&'static str> {
    let text = match act {
        Activation::Identity => {
            "Identity never saturates and is differentiable everywhere with derivative 1; it \
             is zero-centred and costs nothing, but a network of identity layers is one \
             linear map."
        }
        Activation::Step => {
            "The binary step is 1 for x > 0 and 0 otherwise. Its derivative is 0 everywhere \
             (and undefined at the jump at 0), so no gradient flows through it: it cannot be \
             trained by gradient descent. Not zero-centred (outputs 0 or 1); cheap."
        }
        Activation::Sigmoid => {
            "The sigmoid squashes to (0, 1). Its derivative σ(1−σ) is at most 0.25 (at 0) \
             and falls below 1e-3 for |x| > 6.9: deep stacks of sigmoids suffer vanishing \
             gradients. Differentiable everywhere; not zero-centred (outputs are positive, \
             so the next layer's gradients share a sign); one exp per element."
        }
        Activation::Tanh => {
            "tanh squashes to (−1, 1) and is zero-centred. Its derivative 1−tanh² is 1 at 0 \
             and falls below 1e-3 for |x| > 4.1 (vanishing gradients when saturated). \
             Differentiable everywhere; one tanh per element."
        }
        Activation::Relu => {
            "ReLU passes positive inputs unchanged and zeroes the rest. The gradient is 1 for \
             x > 0 and 0 for x ≤ 0 (PyTorch takes 0 at the kink): units stuck in the \
             negative region stop learning (\"dying ReLU\"). Not differentiable at 0; not \
             zero-centred; the cheapest nonlinearity (one compare)."
        }
        Activation::LeakyRelu { .. } => {
            "Leaky ReLU keeps a small slope α for x ≤ 0 (PyTorch's derivative at 0 is α), so \
             the gradient never vanishes. Not differentiable at 0 (for α ≠ 1); not \
             zero-centred; cheap (one compare and a multiply)."
        }
        Activation::Swish { .. } => {
            "Swish x·σ(βx) is smooth and non-monotonic: for β = 1 (SiLU) it dips to −0.278 at \
             x ≈ −1.28 and its gradient falls below 1e-3 only for x < −9.0. β = 0 gives x/2 \
             (linear); as β grows it approaches ReLU. β may be learned (∂f/∂β = \
             x²σ(βx)(1−σ(βx))). Differentiable everywhere; not zero-centred; one exp per \
             element."
        }
        Activation::HardSwish => {
            "Hard swish x·ReLU6(x+3)/6 is the piecewise-quadratic swish of small devices: no \
             exp at all. The gradient is 0 for x ≤ −3, x/3 + ½ between −3 and 3, and 1 for \
             x ≥ 3 (PyTorch's conventions at the kinks), so it is not differentiable at ±3 and \
             the gradient vanishes for x ≤ −3. Not zero-centred; cheap."
        }
        Activation::Relu6 => {
            "ReLU6 clips to [0, 6]: the gradient is 1 strictly between 0 and 6 and 0 elsewhere \
             (PyTorch takes 0 at both kinks), so it vanishes for x ≤ 0 and x ≥ 6. Not \
             differentiable at 0 and 6; not zero-centred; cheap."
        }
        Activation::HardSigmoid => {
            "Hard sigmoid ReLU6(x+3)/6 is a piecewise-linear sigmoid on [0, 1]: the gradient \
             is 1/6 for −3 < x < 3 and 0 for |x| ≥ 3 (it vanishes outside). Not \
             differentiable at ±3; not zero-centred; cheap."
        }
        Activation::Gelu => {
            "GELU x·Φ(x) weights the input by the normal CDF. Smooth and non-monotonic (minimum \
             −0.170 at x ≈ −0.75); the gradient falls below 1e-3 for x < −3.8. Differentiable \
             everywhere; not zero-centred; one erf per element (exp too for the derivative)."
        }
        Activation::GeluTanh => {
            "GELU with the tanh approximation ½x(1 + tanh(√(2/π)(x + 0.044715x³))), within \
             about 1e-3 of the exact GELU. Smooth and non-monotonic; the gradient falls below \
             1e-3 for x < −3.7. Not zero-centred; one tanh per element."
        }
        Activation::Elu { .. } => {
            "ELU is x for x > 0 and α(eˣ − 1) below, saturating at −α; its derivative αeˣ \
             (α at 0, as PyTorch) falls below 1e-3 for x < ln(1e-3/α). Differentiable \
             everywhere only when α = 1; its negative outputs push mean activations toward \
             zero. One exp per element."
        }
        Activation::Selu => {
            "SELU is λ·ELU(x, α) with α ≈ 1.6733 and λ ≈ 1.0507, chosen so activations keep \
             zero mean and unit variance through layers (self-normalising). The derivative \
             jumps from λα ≈ 1.758 (PyTorch's value at 0) to λ, so it is not differentiable at \
             0; it falls below 1e-3 for x < −7.5. One exp per element."
        }
        Activation::Softplus { .. } => {
            "Softplus ln(1 + e^(βx))/β is a smooth ReLU; past βx > threshold (PyTorch: 20) it \
             is taken as x. Its derivative is σ(βx), below 1e-3 for βx < −6.9. Differentiable \
             everywhere; not zero-centred (always positive); an exp and a log per element."
        }
        Activation::Mish => {
            "Mish x·tanh(softplus(x)) is smooth and non-monotonic (minimum −0.309 at \
             x ≈ −1.19); the gradient falls below 1e-3 for x < −9.0. Differentiable \
             everywhere; not zero-centred; the most expensive here (exp, log1p and tanh)."
        }
        Activation::LogSigmoid => {
            "log σ(x) = min(x, 0) − ln(1 + e^(−|x|)), computed without overflow. The \
             derivative 1 − σ(x) is 1 for very negative x and falls below 1e-3 for x > 6.9. \
             Differentiable everywhere; not zero-centred (always negative); an exp and a \
             log1p per element."
        }
        _ => return None,
    };
    Some(text)
}
