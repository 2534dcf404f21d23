"""Golden values and derivatives of every nabla activation, from PyTorch.

Writes crates/tensor/tests/fixtures/activations.json: for each activation and parameter setting,
in float64 and float32, the inputs x, PyTorch's f(x) and its autograd derivative f'(x) (the
gradient of sum(f(x)) with respect to x), plus swish's derivative with respect to a trainable beta.

Run from the repository root:  python3 tools/oracles/torch/activations.py
The versions used are recorded in the fixture and in tools/oracles/torch/README.md.
"""

import json
import math
import platform
import sys

import numpy as np
import torch
import torch.nn.functional as F

OUT = "crates/tensor/tests/fixtures/activations.json"
SEED = 20260527


def grid():
    """The fixed grid (kinks, tiny, large) plus seeded random points."""
    base = [0.0, 1e-7, 1e-300, 0.5, 1.0, 2.5, 3.0, 6.0, 20.0, 50.0, 1e3, 1e4]
    pts = set()
    for b in base:
        pts.add(b)
        pts.add(-b)
    # Neighbours of every kink (hard_swish/hard_sigmoid at ±3, relu6 at 0 and 6).
    for k in (-3.0, 3.0, 6.0, 0.0):
        pts.add(math.nextafter(k, math.inf))
        pts.add(math.nextafter(k, -math.inf))
        pts.add(k + 1e-9)
        pts.add(k - 1e-9)
    rng = np.random.default_rng(SEED)
    pts.update(float(v) for v in rng.uniform(-8.0, 8.0, 48))
    pts.update(float(v) for v in rng.uniform(-40.0, 40.0, 16))
    pts.update(float(v) for v in rng.standard_normal(16) * 0.1)
    # Near the minima of swish/gelu/mish, where the derivative crosses zero.
    pts.update([-1.2784645427610737, -0.7517916, -1.1924, -0.5, -1.5])
    return sorted(pts)


def swish(beta):
    if beta == 1.0:
        return F.silu  # nabla's swish with beta = 1 is PyTorch's silu kernel
    return lambda x: x * torch.sigmoid(beta * x)


def step(x):
    # PyTorch has no differentiable step; nabla's contract: 1 for x > 0, else 0, derivative 0.
    # heaviside(x, 0) gives the value; multiplying by x*0 + 1 keeps it in the graph with a zero
    # gradient, so the derivative below is autograd's, not typed in.
    return torch.heaviside(x.detach(), torch.zeros((), dtype=x.dtype)) + x * 0.0


CASES = [
    ("identity", {}, lambda x: x * 1.0),
    ("step", {}, step),
    ("sigmoid", {}, torch.sigmoid),
    ("tanh", {}, torch.tanh),
    ("relu", {}, F.relu),
    ("relu6", {}, F.relu6),
    ("hard_swish", {}, F.hardswish),
    ("hard_sigmoid", {}, F.hardsigmoid),
    ("gelu", {}, F.gelu),
    ("gelu_tanh", {}, lambda x: F.gelu(x, approximate="tanh")),
    ("selu", {}, F.selu),
    ("mish", {}, F.mish),
    ("log_sigmoid", {}, F.logsigmoid),
]
for a in (0.01, 0.2, 1.5):
    CASES.append(("leaky_relu", {"alpha": a}, lambda x, a=a: F.leaky_relu(x, a)))
for a in (1.0, 0.5, 2.0):
    CASES.append(("elu", {"alpha": a}, lambda x, a=a: F.elu(x, a)))
for b in (0.0, 0.5, 1.0, 2.0, 10.0, -1.5):
    CASES.append(("swish", {"beta": b}, swish(b)))
for b, t in ((1.0, 20.0), (2.0, 20.0), (0.5, 10.0), (3.0, 50.0), (-1.0, 20.0)):
    CASES.append(
        ("softplus", {"beta": b, "threshold": t}, lambda x, b=b, t=t: F.softplus(x, b, t))
    )


def run_case(f, xs, dtype):
    x = torch.tensor(xs, dtype=dtype, requires_grad=True)
    y = f(x)
    (g,) = torch.autograd.grad(y, x, torch.ones_like(y))
    y = y.detach()
    assert torch.isfinite(y).all() and torch.isfinite(g).all(), "non-finite PyTorch output"
    return [float(v) for v in x.detach()], [float(v) for v in y], [float(v) for v in g]


def main():
    torch.manual_seed(SEED)
    xs = grid()
    cases = []
    for dtype in (torch.float64, torch.float32):
        dname = str(dtype).replace("torch.", "")
        for name, params, f in CASES:
            x, v, d = run_case(f, xs, dtype)
            cases.append(
                {"name": name, "params": params, "dtype": dname, "x": x, "value": v,
                 "derivative": d}
            )
    beta_cases = []
    for dtype in (torch.float64, torch.float32):
        dname = str(dtype).replace("torch.", "")
        for beta in (0.0, 0.5, 1.0, 2.0, 10.0):
            x = torch.tensor(xs, dtype=dtype)
            b = torch.full_like(x, beta, requires_grad=True)
            y = x * torch.sigmoid(b * x)
            (gb,) = torch.autograd.grad(y, b, torch.ones_like(y))
            assert torch.isfinite(gb).all()
            beta_cases.append(
                {"beta": beta, "dtype": dname, "x": [float(v) for v in x],
                 "beta_derivative": [float(v) for v in gb]}
            )
    out = {
        "generator": "tools/oracles/torch/activations.py",
        "torch": torch.__version__,
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cases": cases,
        "swish_beta": beta_cases,
    }
    with open(OUT, "w") as fh:
        json.dump(out, fh, separators=(",", ":"))
        fh.write("\n")
    print(f"wrote {OUT}: {len(cases)} cases x {len(xs)} points, {len(beta_cases)} beta cases")


if __name__ == "__main__":
    main()
