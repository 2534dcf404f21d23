"""Golden values and input gradients of every nabla loss and reduction, from PyTorch.

Writes crates/tensor/tests/fixtures/losses.json: for mse, binary_cross_entropy (on
probabilities), binary_cross_entropy_with_logits and cross_entropy (class indices and soft
targets), each reduction (mean, sum, none), float64 and float32: the inputs, the targets, an
upstream gradient, PyTorch's loss and the autograd gradient with respect to the input.

Run from the repository root:  python3 tools/oracles/torch/losses.py
"""

import json
import platform
import sys

import numpy as np
import torch
import torch.nn.functional as F

OUT = "crates/tensor/tests/fixtures/losses.json"
SEED = 5150
REDUCTIONS = ("mean", "sum", "none")


def datasets(rng):
    """(loss, label, input, target, extra) tuples in float64 numpy form."""
    out = []
    # mse
    out.append(("mse", "random", rng.standard_normal(9) * 2, rng.standard_normal(9), {}))
    out.append(("mse", "extreme", np.array([1e4, -1e4, 0.0, 1e-7, 3.0, -50.0]),
                np.array([-1e4, 1e4, 0.0, -1e-7, 3.0, 50.0]), {}))
    # binary cross-entropy on probabilities: random, then 0, 1 and 1e-300 with hard and soft targets
    out.append(("bce", "random", rng.uniform(0.01, 0.99, 10), rng.uniform(0, 1, 10), {}))
    out.append(("bce", "extreme",
                np.array([0.0, 1.0, 0.0, 1.0, 1e-300, 1e-300, 1 - 1e-16, 0.5, 1e-7, 1.0 - 1e-7]),
                np.array([1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.3, 0.5, 0.9, 0.2]), {}))
    # with logits
    out.append(("bce_with_logits", "random", rng.standard_normal(10) * 3, rng.uniform(0, 1, 10), {}))
    out.append(("bce_with_logits", "extreme",
                np.array([1e4, -1e4, 1e4, -1e4, 50.0, -50.0, 0.0, 1e-7, 20.0, -20.0]),
                np.array([0.0, 1.0, 1.0, 0.0, 0.3, 0.7, 0.5, 1.0, 0.0, 1.0]), {}))
    # cross-entropy with class indices
    for label, (b, k, scale) in {"indices_small": (1, 2, 1.0), "indices_random": (6, 5, 2.0),
                                 "indices_wide": (3, 32, 4.0)}.items():
        logits = rng.standard_normal(b * k) * scale
        idx = rng.integers(0, k, b)
        out.append(("cross_entropy", label, logits, None, {"classes": k, "indices": idx.tolist()}))
    logits = np.array([1e4, -1e4, 0.0, -1e4, 1e4, 5.0, 50.0, -50.0, 0.0, 1e-7, 0.0, -1e-7])
    out.append(("cross_entropy", "indices_extreme", logits, None,
                {"classes": 3, "indices": [1, 0, 2, 1]}))
    # cross-entropy with soft / unnormalised non-negative targets (and an all-zero row)
    b, k = 5, 4
    soft = rng.uniform(0, 1, b * k)
    soft[4 * k:5 * k] = 0.0
    soft[0:k] = [0.0, 1.0, 0.0, 0.0]  # one-hot row
    soft[k:2 * k] *= 3.0  # sums to more than one
    out.append(("cross_entropy", "soft_random", rng.standard_normal(b * k) * 2, soft, {"classes": k}))
    out.append(("cross_entropy", "soft_extreme",
                np.array([1e4, -1e4, 0.0, 1e4, -50.0, 50.0]),
                np.array([0.25, 0.5, 0.25, 0.0, 2.0, 1.0]), {"classes": 3}))
    return out


def torch_loss(name, x, t, extra, reduction):
    if name == "mse":
        return F.mse_loss(x, t, reduction=reduction)
    if name == "bce":
        return F.binary_cross_entropy(x, t, reduction=reduction)
    if name == "bce_with_logits":
        return F.binary_cross_entropy_with_logits(x, t, reduction=reduction)
    k = extra["classes"]
    xb = x.reshape(-1, k)
    if "indices" in extra:
        return F.cross_entropy(xb, torch.tensor(extra["indices"]), reduction=reduction)
    return F.cross_entropy(xb, t.reshape(-1, k), reduction=reduction)


def main():
    rng = np.random.default_rng(SEED)
    cases = []
    for name, label, x_np, t_np, extra in datasets(rng):
        for reduction in REDUCTIONS:
            up_seed = rng.uniform(0.5, 1.5, 64)
            for dtype in (torch.float64, torch.float32):
                x = torch.tensor(x_np, dtype=dtype, requires_grad=True)
                t = None if t_np is None else torch.tensor(t_np, dtype=dtype)
                loss = torch_loss(name, x, t, extra, reduction)
                up = torch.tensor(up_seed[: loss.numel()], dtype=dtype).reshape(loss.shape)
                (g,) = torch.autograd.grad(loss, x, up)
                loss = loss.detach().reshape(-1)
                assert torch.isfinite(loss).all() and torch.isfinite(g).all(), (name, label)
                case = {
                    "loss": name,
                    "label": label,
                    "reduction": reduction,
                    "dtype": str(dtype).replace("torch.", ""),
                    "input": [float(v) for v in x.detach()],
                    "upstream": [float(v) for v in up.reshape(-1)],
                    "value": [float(v) for v in loss],
                    "grad": [float(v) for v in g],
                }
                if t is not None:
                    case["target"] = [float(v) for v in t]
                if "classes" in extra:
                    case["classes"] = extra["classes"]
                if "indices" in extra:
                    case["target_indices"] = extra["indices"]
                cases.append(case)
    out = {
        "generator": "tools/oracles/torch/losses.py",
        "torch": torch.__version__,
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cases": cases,
    }
    with open(OUT, "w") as fh:
        json.dump(out, fh, separators=(",", ":"))
        fh.write("\n")
    print(f"wrote {OUT}: {len(cases)} cases")


if __name__ == "__main__":
    main()
