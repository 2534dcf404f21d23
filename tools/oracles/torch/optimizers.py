#!/usr/bin/env python3
"""Golden traces for nabla's optimizers, learning-rate schedules and gradient clipping.

Runs torch.optim (single-tensor path, float64) on nabla's four 2-D test functions and writes
the fixtures that crates/nn/tests/optim_golden.rs reads:

  crates/nn/tests/fixtures/optim_trajectories.json  every optimizer x every function, from
      PyTorch's defaults and from >= 2 non-default hyperparameter sets, 200 steps each
      (every point stored), plus optimizer + schedule + clipping pipelines
  crates/nn/tests/fixtures/optim_schedules.json     StepLR, ExponentialLR, CosineAnnealingLR,
      LinearLR learning-rate traces
  crates/nn/tests/fixtures/optim_clip.json          clip_grad_norm_ inputs, norms and outputs

The gradient of each test function is the analytic one, written with the same operations in the
same order as crates/nn/src/test_functions.rs (and checked here against autograd), so that the
fixtures test the optimizer update rules and nothing else.

Usage (from the repository root):  python3 tools/oracles/torch/optimizers.py
       python3 tools/oracles/torch/optimizers.py --timing   (step times only; writes nothing)
Requires: torch, numpy (versions are recorded in the fixtures).
"""

import json
import math
import platform
import sys
from pathlib import Path

import numpy as np
import torch

torch.set_default_dtype(torch.float64)  # optimizer scalar state (NAdam's mu_product) in f64

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "crates" / "nn" / "tests" / "fixtures"
STEPS = 200


# --- the four test functions (same operation order as test_functions.rs) -------------------

def beale_terms(x, y):
    y2 = y * y
    y3 = y2 * y
    return 1.5 - x + x * y, 2.25 - x + x * y2, 2.625 - x + x * y3


def value(name, x, y):
    if name == "rosenbrock":
        a = 1.0 - x
        b = y - x * x
        return a * a + 100.0 * (b * b)
    if name == "quadratic":
        return 0.5 * (x * x + 50.0 * (y * y))
    if name == "beale":
        a, b, c = beale_terms(x, y)
        return a * a + b * b + c * c
    if name == "himmelblau":
        u = x * x + y - 11.0
        v = x + y * y - 7.0
        return u * u + v * v
    raise ValueError(name)


def gradient(name, x, y):
    if name == "rosenbrock":
        b = y - x * x
        return [-2.0 * (1.0 - x) - 400.0 * x * b, 200.0 * b]
    if name == "quadratic":
        return [x, 50.0 * y]
    if name == "beale":
        a, b, c = beale_terms(x, y)
        y2 = y * y
        y3 = y2 * y
        return [
            2.0 * a * (y - 1.0) + 2.0 * b * (y2 - 1.0) + 2.0 * c * (y3 - 1.0),
            2.0 * a * x + 2.0 * b * (2.0 * x * y) + 2.0 * c * (3.0 * x * y2),
        ]
    if name == "himmelblau":
        u = x * x + y - 11.0
        v = x + y * y - 7.0
        return [4.0 * x * u + 2.0 * v, 2.0 * u + 4.0 * y * v]
    raise ValueError(name)


def check_gradients_against_autograd():
    rng = np.random.default_rng(7)
    for name in FUNCTIONS:
        for _ in range(50):
            x0, y0 = rng.uniform(-3, 3, size=2)
            p = torch.tensor([x0, y0], requires_grad=True)
            value(name, p[0], p[1]).backward()
            analytic = gradient(name, float(x0), float(y0))
            for a, b in zip(analytic, p.grad.tolist()):
                assert abs(a - b) <= 1e-12 * max(1.0, abs(b)), (name, x0, y0, a, b)


FUNCTIONS = ["rosenbrock", "quadratic", "beale", "himmelblau"]
STARTS = {
    "rosenbrock": [[-1.5, 2.0], [0.5, -0.5]],
    "quadratic": [[1.5, 0.8], [-1.0, -0.3]],
    "beale": [[1.0, 1.5], [-1.0, -1.0]],
    "himmelblau": [[0.0, 0.0], [-1.0, 1.5]],
}

# --- optimizers: nabla's names and snake_case keys -> torch.optim ---------------------------

KEYS = {
    "sgd": ["lr", "weight_decay"],
    "momentum": ["lr", "momentum", "dampening", "weight_decay"],
    "nesterov": ["lr", "momentum", "weight_decay"],
    "rmsprop": ["lr", "alpha", "eps", "weight_decay", "momentum", "centered"],
    "adam": ["lr", "beta1", "beta2", "eps", "weight_decay", "amsgrad"],
    "adamw": ["lr", "beta1", "beta2", "eps", "weight_decay", "amsgrad"],
    "adagrad": ["lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps"],
    "adadelta": ["lr", "rho", "eps", "weight_decay"],
    "nadam": ["lr", "beta1", "beta2", "eps", "weight_decay", "momentum_decay"],
    "radam": ["lr", "beta1", "beta2", "eps", "weight_decay"],
}


def make_optimizer(name, params, overrides):
    kw = dict(overrides)
    if "beta1" in kw or "beta2" in kw:
        defaults = {"adam": (0.9, 0.999), "adamw": (0.9, 0.999), "nadam": (0.9, 0.999),
                    "radam": (0.9, 0.999)}[name]
        kw["betas"] = (kw.pop("beta1", defaults[0]), kw.pop("beta2", defaults[1]))
    if name == "sgd":
        return torch.optim.SGD(params, foreach=False, **kw)
    if name == "momentum":
        kw.setdefault("momentum", 0.9)
        return torch.optim.SGD(params, foreach=False, **kw)
    if name == "nesterov":
        kw.setdefault("momentum", 0.9)
        return torch.optim.SGD(params, nesterov=True, foreach=False, **kw)
    cls = {"rmsprop": torch.optim.RMSprop, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW,
           "adagrad": torch.optim.Adagrad, "adadelta": torch.optim.Adadelta,
           "nadam": torch.optim.NAdam, "radam": torch.optim.RAdam}[name]
    return cls(params, foreach=False, **kw)


def group_hyperparameters(name, opt):
    """The param group torch actually uses, under nabla's keys (checks the implied ones)."""
    g = opt.param_groups[0]
    flat = dict(g)
    if "betas" in flat:
        flat["beta1"], flat["beta2"] = (float(b) for b in flat["betas"])
    if name == "sgd":
        assert g["momentum"] == 0 and not g["nesterov"], g
    if name == "nesterov":
        assert g["nesterov"] and g["dampening"] == 0, g
    if name in ("nadam", "radam"):
        assert not g["decoupled_weight_decay"], g
    out = {}
    for k in KEYS[name]:
        v = flat[k]
        out[k] = bool(v) if isinstance(v, bool) else float(v)
    return out


# Non-default hyperparameter sets per optimizer (each run on every function from the first start).
VARIANTS = {
    "sgd": [{"weight_decay": 0.1}, {"lr": 5e-4, "weight_decay": 0.01}],
    "momentum": [{"dampening": 0.5}, {"momentum": 0.5, "weight_decay": 0.05, "lr": 2e-3}],
    "nesterov": [{"momentum": 0.7}, {"weight_decay": 0.1, "lr": 5e-4}],
    "rmsprop": [{"centered": True}, {"momentum": 0.5, "alpha": 0.9},
                {"weight_decay": 0.1, "eps": 1e-4, "centered": True, "momentum": 0.3}],
    "adam": [{"amsgrad": True}, {"beta1": 0.3, "beta2": 0.9, "weight_decay": 0.1},
             {"lr": 0.05}],
    "adamw": [{"amsgrad": True, "weight_decay": 0.1}, {"lr": 0.01, "beta1": 0.8}],
    "adagrad": [{"lr_decay": 0.01, "initial_accumulator_value": 0.1},
                {"weight_decay": 0.1, "eps": 1e-6, "lr": 0.1}],
    "adadelta": [{"rho": 0.5, "eps": 1e-4}, {"weight_decay": 0.1, "lr": 0.5}],
    "nadam": [{"momentum_decay": 0.01, "weight_decay": 0.1}, {"beta1": 0.5, "lr": 0.01}],
    "radam": [{"weight_decay": 0.1}, {"beta2": 0.9, "lr": 0.01},
              {"beta1": 0.3, "eps": 1e-6, "lr": 2e-3}],
}


def run(name, overrides, function, start, steps=STEPS, schedule=None, clip=None):
    p = torch.tensor(start, dtype=torch.float64)
    opt = make_optimizer(name, [p], overrides)
    hyper = group_hyperparameters(name, opt)
    sched = make_scheduler(opt, schedule) if schedule else None
    xs, ys = [float(p[0])], [float(p[1])]
    for _ in range(steps):
        g = gradient(function, float(p[0]), float(p[1]))
        p.grad = torch.tensor(g, dtype=torch.float64)
        if clip is not None:
            torch.nn.utils.clip_grad_norm_([p], clip)
        opt.step()
        if sched:
            sched.step()
        x, y = float(p[0]), float(p[1])
        if not (math.isfinite(x) and math.isfinite(y)):
            raise SystemExit(f"{name} {overrides} on {function} from {start} diverged; "
                             "pick a smaller lr for the fixture")
        xs.append(x)
        ys.append(y)
    return hyper, xs, ys


# --- schedules -----------------------------------------------------------------------------

def make_scheduler(opt, spec):
    kind = spec["kind"]
    if kind == "step":
        return torch.optim.lr_scheduler.StepLR(opt, step_size=spec["step_size"], gamma=spec["gamma"])
    if kind == "exponential":
        return torch.optim.lr_scheduler.ExponentialLR(opt, gamma=spec["gamma"])
    if kind == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=spec["t_max"],
                                                          eta_min=spec["eta_min"])
    if kind == "linear":
        return torch.optim.lr_scheduler.LinearLR(opt, start_factor=spec["start_factor"],
                                                 end_factor=spec["end_factor"],
                                                 total_iters=spec["total_iters"])
    raise ValueError(kind)


SCHEDULES = [
    ({"kind": "step", "step_size": 3, "gamma": 0.5}, 0.1, 20),
    ({"kind": "step", "step_size": 7, "gamma": 0.1}, 1.0, 30),
    ({"kind": "exponential", "gamma": 0.9}, 0.05, 60),
    ({"kind": "exponential", "gamma": 1.01}, 1e-3, 60),
    ({"kind": "cosine", "t_max": 10, "eta_min": 0.001}, 0.1, 45),
    ({"kind": "cosine", "t_max": 7, "eta_min": 0.0}, 1.0, 40),
    ({"kind": "cosine", "t_max": 1, "eta_min": 0.01}, 0.5, 6),
    ({"kind": "linear", "start_factor": 1.0 / 3, "end_factor": 1.0, "total_iters": 5}, 0.01, 12),
    ({"kind": "linear", "start_factor": 0.1, "end_factor": 0.9, "total_iters": 20}, 0.3, 30),
    ({"kind": "linear", "start_factor": 1.0, "end_factor": 0.0, "total_iters": 8}, 0.2, 12),
]


def schedule_traces():
    out = []
    for spec, base_lr, epochs in SCHEDULES:
        p = torch.zeros(1)
        opt = torch.optim.SGD([p], lr=base_lr)
        sched = make_scheduler(opt, spec)
        lrs = [float(opt.param_groups[0]["lr"])]
        for _ in range(epochs):
            opt.step()
            sched.step()
            lrs.append(float(opt.param_groups[0]["lr"]))
        out.append({"schedule": spec, "base_lr": base_lr, "lr": lrs})
    return out


# --- clipping ------------------------------------------------------------------------------

def clip_cases():
    rng = np.random.default_rng(2024)
    shapes_list = [[3], [4, 5], [1, 7, 2], [10]]
    out = []
    for scale, max_norm in [(1.0, 1.0), (10.0, 2.5), (0.01, 1.0), (3.0, 0.0), (1.0, 100.0)]:
        grads = [rng.normal(scale=scale, size=s) for s in shapes_list]
        tensors = [torch.zeros(s, requires_grad=True) for s in shapes_list]
        for t, g in zip(tensors, grads):
            t.grad = torch.tensor(g)
        norm = torch.nn.utils.clip_grad_norm_(tensors, max_norm)
        out.append({
            "max_norm": max_norm,
            "grads": [g.ravel().tolist() for g in grads],
            "total_norm": float(norm),
            "clipped": [t.grad.ravel().tolist() for t in tensors],
        })
    zero = [torch.zeros(3, requires_grad=True)]
    zero[0].grad = torch.zeros(3)
    norm = torch.nn.utils.clip_grad_norm_(zero, 1.0)
    out.append({"max_norm": 1.0, "grads": [[0.0, 0.0, 0.0]], "total_norm": float(norm),
                "clipped": [zero[0].grad.tolist()]})
    return out


# --- main ----------------------------------------------------------------------------------

def versions():
    return {"torch": torch.__version__, "numpy": np.__version__,
            "python": platform.python_version(), "generator": "tools/oracles/torch/optimizers.py"}


def timing():
    """Milliseconds per step on 670k f32 parameters, one thread, best of 5 x 20 steps."""
    import time
    torch.set_num_threads(1)
    classes = {"sgd": torch.optim.SGD, "momentum": torch.optim.SGD, "nesterov": torch.optim.SGD,
               "rmsprop": torch.optim.RMSprop, "adam": torch.optim.Adam,
               "adamw": torch.optim.AdamW, "adagrad": torch.optim.Adagrad,
               "adadelta": torch.optim.Adadelta, "nadam": torch.optim.NAdam,
               "radam": torch.optim.RAdam}
    extra = {"sgd": {"lr": 1e-3}, "momentum": {"lr": 1e-3, "momentum": 0.9},
             "nesterov": {"lr": 1e-3, "momentum": 0.9, "nesterov": True}}
    for name, cls in classes.items():
        row = []
        for foreach in (False, True):
            p = torch.randn(670_000, dtype=torch.float32, requires_grad=True)
            p.grad = torch.randn(670_000, dtype=torch.float32) * 1e-2
            opt = cls([p], foreach=foreach, **extra.get(name, {}))
            for _ in range(3):
                opt.step()
            best = float("inf")
            for _ in range(5):
                start = time.perf_counter()
                for _ in range(20):
                    opt.step()
                best = min(best, (time.perf_counter() - start) / 20 * 1e3)
            row.append(best)
        print(f"{name:<9} single-tensor {row[0]:.3f} ms, foreach {row[1]:.3f} ms per step")


def main():
    if "--timing" in sys.argv:
        timing()
        return
    check_gradients_against_autograd()
    cases = []
    for name in KEYS:
        for function in FUNCTIONS:
            for start in STARTS[function]:
                hyper, xs, ys = run(name, {}, function, start)
                cases.append({"optimizer": name, "overrides": {}, "hyperparameters": hyper,
                              "function": function, "start": start, "x": xs, "y": ys})
            for overrides in VARIANTS[name]:
                start = STARTS[function][0]
                hyper, xs, ys = run(name, overrides, function, start)
                cases.append({"optimizer": name, "overrides": overrides, "hyperparameters": hyper,
                              "function": function, "start": start, "x": xs, "y": ys})
    pipelines = []
    for name, overrides, function, schedule, clip in [
        ("momentum", {"lr": 2e-3}, "rosenbrock",
         {"kind": "cosine", "t_max": 50, "eta_min": 1e-4}, 5.0),
        ("adam", {"lr": 0.05}, "beale", {"kind": "step", "step_size": 40, "gamma": 0.5}, 1.0),
        ("rmsprop", {"lr": 0.02}, "himmelblau",
         {"kind": "linear", "start_factor": 0.25, "end_factor": 1.0, "total_iters": 30}, None),
        ("sgd", {"lr": 0.03}, "quadratic", {"kind": "exponential", "gamma": 0.99}, 2.0),
    ]:
        start = STARTS[function][0]
        hyper, xs, ys = run(name, overrides, function, start, schedule=schedule, clip=clip)
        pipelines.append({"optimizer": name, "overrides": overrides, "hyperparameters": hyper,
                          "function": function, "start": start, "schedule": schedule,
                          "clip": clip, "x": xs, "y": ys})
    FIXTURES.mkdir(parents=True, exist_ok=True)
    (FIXTURES / "optim_trajectories.json").write_text(json.dumps(
        {**versions(), "steps": STEPS, "cases": cases, "pipelines": pipelines},
        separators=(",", ":")) + "\n")
    (FIXTURES / "optim_schedules.json").write_text(json.dumps(
        {**versions(), "cases": schedule_traces()}, indent=1) + "\n")
    (FIXTURES / "optim_clip.json").write_text(json.dumps(
        {**versions(), "cases": clip_cases()}, indent=1) + "\n")
    print(f"{len(cases)} trajectories, {len(pipelines)} pipelines, "
          f"{len(SCHEDULES)} schedules written to {FIXTURES}", file=sys.stderr)


if __name__ == "__main__":
    main()
