#!/usr/bin/env python3
"""Golden learning rates per epoch for `nabla train --schedule SPEC`.

For each case, builds the torch.optim optimizer that `nabla train --optimizer NAME --lr LR`
uses and the torch.optim.lr_scheduler object that SPEC names, then runs the epoch loop the way
PyTorch's recipes do: read the rate, take the epoch's optimizer steps, call scheduler.step().
The rate read at the start of epoch e is the rate used during epoch e: the `lr` of entry e of
nabla's JSON `history` and `--log` records.

SPEC (the `--schedule` syntax) maps to PyTorch as
  step:EVERY:GAMMA             StepLR(step_size=EVERY, gamma=GAMMA)
  exponential:GAMMA            ExponentialLR(gamma=GAMMA)
  cosine:T_MAX[:ETA_MIN]       CosineAnnealingLR(T_max=T_MAX, eta_min=ETA_MIN or 0)
  linear:START:END:ITERS       LinearLR(start_factor=START, end_factor=END, total_iters=ITERS)

Writes crates/cli/tests/fixtures/train_schedules.json, read by crates/cli/tests/cli/train.rs.

Usage (from the repository root):  python3 tools/oracles/torch/schedules.py
Requires: torch (its version is recorded in the fixture).
"""

import json
import platform
import sys
from pathlib import Path

import torch
from torch.optim import lr_scheduler

ROOT = Path(__file__).resolve().parents[3]
FIXTURE = ROOT / "crates" / "cli" / "tests" / "fixtures" / "train_schedules.json"

# (spec, optimizer, lr, epochs): decays, warm-ups, a cosine past T_MAX (PyTorch's recurrence
# climbs back up), and rates that do not round exactly in binary.
CASES = [
    ("step:3:0.5", "sgd", 0.1, 12),
    ("step:7:0.1", "adam", 0.01, 24),
    ("exponential:0.9", "adam", 0.003, 15),
    ("exponential:0.95", "sgd", 0.07, 20),
    ("cosine:10", "sgd", 0.1, 25),
    ("cosine:6:0.0001", "adam", 0.002, 20),
    ("linear:0.25:1:4", "sgd", 0.2, 10),
    ("linear:1:0.1:5", "rmsprop", 0.01, 9),
    ("linear:0.3333333333333333:1:5", "adam", 0.001, 8),
]


def optimizer(name, params, lr):
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr)
    raise ValueError(name)


def scheduler(spec, opt):
    kind, *fields = spec.split(":")
    if kind == "step":
        return lr_scheduler.StepLR(opt, step_size=int(fields[0]), gamma=float(fields[1]))
    if kind == "exponential":
        return lr_scheduler.ExponentialLR(opt, gamma=float(fields[0]))
    if kind == "cosine":
        eta_min = float(fields[1]) if len(fields) > 1 else 0.0
        return lr_scheduler.CosineAnnealingLR(opt, T_max=int(fields[0]), eta_min=eta_min)
    if kind == "linear":
        return lr_scheduler.LinearLR(opt, start_factor=float(fields[0]),
                                     end_factor=float(fields[1]), total_iters=int(fields[2]))
    raise ValueError(spec)


def trace(spec, name, lr, epochs):
    weight = torch.nn.Parameter(torch.zeros(3, dtype=torch.float64))
    opt = optimizer(name, [weight], lr)
    sched = scheduler(spec, opt)
    rates = []
    for _ in range(epochs):
        rates.append(opt.param_groups[0]["lr"])
        weight.grad = torch.ones_like(weight)
        opt.step()
        sched.step()
    return rates


def main():
    cases = [{"schedule": spec, "optimizer": name, "lr": lr, "epochs": epochs,
              "history_lr": trace(spec, name, lr, epochs)}
             for spec, name, lr, epochs in CASES]
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    FIXTURE.write_text(json.dumps({
        "torch": torch.__version__,
        "python": platform.python_version(),
        "generator": "tools/oracles/torch/schedules.py",
        "cases": cases,
    }, indent=1) + "\n")
    print(f"{len(cases)} schedules written to {FIXTURE}", file=sys.stderr)


if __name__ == "__main__":
    main()
