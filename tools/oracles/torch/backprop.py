#!/usr/bin/env python3
"""Golden outputs for `nabla backprop`: each spec's forward and backward pass and optimizer step in PyTorch.

First (re)writes specs/random_NN.json: seeded random networks (1-3 layers, widths 1-4, batches 1-4)
that cycle through every activation, loss and optimizer. Then reads every spec in crates/cli/tests/fixtures/backprop/specs/*.json (nabla's backprop spec format:
input(s), target(s), layers with weight [out][in], bias and activation, loss, optional optimizer)
and writes crates/cli/tests/fixtures/backprop/expected/<same name>.json with what PyTorch computes in
float64:

  layers      per layer: net = F.linear(x, W, b) and out = f(net)  (one sample: [units];
              a batch: [samples][units], as nabla prints them)
  loss        the loss with PyTorch's default reduction (mean)
  gradients   per layer: weight.grad, bias.grad, delta = d loss / d net and out = d loss / d out
              (both through retain_grad)
  updated     per layer: weight and bias after one torch.optim step (single-tensor path,
              foreach=False), when the spec has an optimizer
  torch, numpy, python   the versions used

Losses: bce = F.binary_cross_entropy, bce_with_logits = F.binary_cross_entropy_with_logits,
mse = F.mse_loss, cross_entropy = F.cross_entropy with class indices when every target row is
one-hot (one 1, all else 0) and with the target rows as probabilities otherwise.

Usage (from the repository root):  python3 tools/oracles/torch/backprop.py
Requires: torch, numpy.
"""

import json
import platform
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "crates" / "cli" / "tests" / "fixtures" / "backprop"
DTYPE = torch.float64


def step(x):
    # nabla's step: 1 for x > 0, else 0, derivative 0 (heaviside keeps no gradient; + 0·x keeps
    # it in the graph).
    return torch.heaviside(x.detach(), torch.zeros((), dtype=x.dtype)) + x * 0.0


def activation(layer):
    """The PyTorch function for a layer's activation, with nabla's defaults."""
    name = layer.get("activation", "identity")
    alpha = layer.get("alpha")
    beta = layer.get("beta")
    if name == "identity":
        return lambda x: x
    if name == "step":
        return step
    if name == "sigmoid":
        return torch.sigmoid
    if name == "tanh":
        return torch.tanh
    if name == "relu":
        return F.relu
    if name == "leaky_relu":
        a = 0.01 if alpha is None else alpha
        return lambda x: F.leaky_relu(x, a)
    if name in ("swish", "silu"):
        b = 1.0 if beta is None else beta
        if b == 1.0:
            return F.silu
        return lambda x: x * torch.sigmoid(b * x)
    if name == "hard_swish":
        return F.hardswish
    if name == "relu6":
        return F.relu6
    if name == "hard_sigmoid":
        return F.hardsigmoid
    if name == "gelu":
        return F.gelu
    if name == "gelu_tanh":
        return lambda x: F.gelu(x, approximate="tanh")
    if name == "elu":
        a = 1.0 if alpha is None else alpha
        return lambda x: F.elu(x, a)
    if name == "selu":
        return F.selu
    if name == "softplus":
        b = 1.0 if beta is None else beta
        return lambda x: F.softplus(x, b, 20.0)
    if name == "mish":
        return F.mish
    if name == "log_sigmoid":
        return F.logsigmoid
    raise ValueError(f"unknown activation {name}")


def one_hot_class(row):
    ones = [i for i, v in enumerate(row) if v == 1.0]
    zeros = [v for v in row if v == 0.0]
    if len(ones) == 1 and len(zeros) == len(row) - 1:
        return ones[0]
    return None


def loss_fn(name, out, targets):
    t = torch.tensor(targets, dtype=DTYPE)
    if name == "bce":
        return F.binary_cross_entropy(out, t)
    if name == "bce_with_logits":
        return F.binary_cross_entropy_with_logits(out, t)
    if name == "mse":
        return F.mse_loss(out, t)
    if name == "cross_entropy":
        classes = [one_hot_class(r) for r in targets]
        if all(c is not None for c in classes):
            return F.cross_entropy(out, torch.tensor(classes, dtype=torch.long))
        return F.cross_entropy(out, t)
    raise ValueError(f"unknown loss {name}")


def optimizer(config, params):
    """torch.optim for nabla's optimizer names and snake_case hyperparameters."""
    c = dict(config)
    name = c.pop("name")
    betas = (c.pop("beta1", 0.9), c.pop("beta2", 0.999))
    if name == "sgd":
        return torch.optim.SGD(params, foreach=False, **{"lr": 1e-3, **c})
    if name == "momentum":
        return torch.optim.SGD(params, foreach=False, **{"lr": 1e-3, "momentum": 0.9, **c})
    if name == "nesterov":
        return torch.optim.SGD(
            params, foreach=False, nesterov=True, **{"lr": 1e-3, "momentum": 0.9, **c}
        )
    if name == "adam":
        return torch.optim.Adam(params, foreach=False, betas=betas, **{"lr": 1e-3, **c})
    if name == "adamw":
        return torch.optim.AdamW(params, foreach=False, betas=betas, **{"lr": 1e-3, **c})
    if name == "rmsprop":
        return torch.optim.RMSprop(params, foreach=False, **{"lr": 1e-2, **c})
    if name == "adagrad":
        return torch.optim.Adagrad(params, foreach=False, **{"lr": 1e-2, **c})
    if name == "adadelta":
        return torch.optim.Adadelta(params, foreach=False, **{"lr": 1.0, **c})
    if name == "nadam":
        return torch.optim.NAdam(params, foreach=False, betas=betas, **{"lr": 2e-3, **c})
    if name == "radam":
        return torch.optim.RAdam(params, foreach=False, betas=betas, **{"lr": 1e-3, **c})
    raise ValueError(f"unknown optimizer {name}")


def floats(t):
    return t.detach().tolist()


def run(spec):
    batched = "inputs" in spec
    inputs = spec["inputs"] if batched else [spec["input"]]
    if batched:
        targets = [t if isinstance(t, list) else [t] for t in spec["targets"]]
    else:
        t = spec["target"]
        targets = [t if isinstance(t, list) else [t]]
    classes = len(spec["layers"][-1]["weight"])
    if spec["loss"] == "cross_entropy" and len(targets[0]) == 1 and classes > 1:
        # One class index per sample: PyTorch's class-index form (as one-hot rows here).
        targets = [[1.0 if k == int(t[0]) else 0.0 for k in range(classes)] for t in targets]
    x = torch.tensor(inputs, dtype=DTYPE)
    params = []
    nets, outs = [], []
    h = x
    for layer in spec["layers"]:
        w = torch.tensor(layer["weight"], dtype=DTYPE, requires_grad=True)
        b = torch.tensor(layer["bias"], dtype=DTYPE, requires_grad=True)
        params += [w, b]
        net = F.linear(h, w, b)
        out = activation(layer)(net)
        net.retain_grad()
        out.retain_grad()
        nets.append(net)
        outs.append(out)
        h = out
    loss = loss_fn(spec["loss"], h, targets)
    loss.backward()

    def shaped(t):
        v = floats(t)
        return v if batched else v[0]

    result = {
        "layers": [{"net": shaped(n), "out": shaped(o)} for n, o in zip(nets, outs)],
        "loss": loss.item(),
        "gradients": {
            "layers": [
                {
                    "weight": floats(params[2 * i].grad),
                    "bias": floats(params[2 * i + 1].grad),
                    "delta": shaped(nets[i].grad),
                    "out": shaped(outs[i].grad),
                }
                for i in range(len(nets))
            ]
        },
    }
    if spec.get("optimizer"):
        opt = optimizer(spec["optimizer"], params)
        opt.step()
        result["updated"] = {
            "layers": [
                {"weight": floats(params[2 * i]), "bias": floats(params[2 * i + 1])}
                for i in range(len(nets))
            ]
        }
    return result


ACTIVATIONS = [
    ("step", {}), ("sigmoid", {}), ("tanh", {}), ("relu", {}), ("leaky_relu", {"alpha": 0.1}),
    ("swish", {"beta": 0.5}), ("silu", {}), ("hard_swish", {}), ("relu6", {}),
    ("hard_sigmoid", {}), ("gelu", {}), ("gelu_tanh", {}), ("elu", {"alpha": 1.5}), ("selu", {}),
    ("softplus", {"beta": 2.0}), ("mish", {}), ("log_sigmoid", {}), ("identity", {}),
]
LOSSES = ["bce", "bce_with_logits", "mse", "cross_entropy"]
OPTIMIZERS = [
    {"name": "sgd", "lr": 0.3}, {"name": "momentum", "lr": 0.1, "weight_decay": 0.01},
    {"name": "nesterov", "lr": 0.05}, {"name": "rmsprop", "lr": 0.01, "centered": True, "momentum": 0.5},
    {"name": "adam", "lr": 0.02}, {"name": "adamw", "lr": 0.02}, {"name": "adagrad", "lr": 0.1, "lr_decay": 0.01},
    {"name": "adadelta"}, {"name": "nadam"}, {"name": "radam", "weight_decay": 0.1},
]
RANDOM_SPECS = 18


def random_specs():
    """Seeded random networks over every activation, loss and optimizer: specs/random_NN.json."""
    rng = np.random.default_rng(20261127)
    specs = []
    for n in range(RANDOM_SPECS):
        widths = [int(rng.integers(1, 5)) for _ in range(int(rng.integers(2, 5)))]
        loss = LOSSES[n % len(LOSSES)]
        if loss == "cross_entropy":
            widths[-1] = max(widths[-1], 2)
        batch = int(rng.integers(1, 5))
        rnd = lambda *shape: np.round(rng.normal(0.0, 1.0, shape), 4).tolist()
        layers = []
        for l in range(1, len(widths)):
            name, params = ACTIVATIONS[(n * 3 + l) % len(ACTIVATIONS)]
            if l == len(widths) - 1:
                name, params = ("sigmoid", {}) if loss == "bce" else ("identity", {})
            layer = {"weight": rnd(widths[l], widths[l - 1]), "bias": rnd(widths[l])}
            layer["activation"] = name
            layer.update(params)
            layers.append(layer)
        k = widths[-1]
        if loss in ("bce", "bce_with_logits"):
            targets = np.round(rng.uniform(0, 1, (batch, k)), 3).tolist()
        elif loss == "mse":
            targets = rnd(batch, k)
        elif n % 2 == 0:
            targets = np.eye(k)[rng.integers(0, k, batch)].tolist()
        else:
            targets = np.round(rng.uniform(0, 1, (batch, k)), 3).tolist()
        spec = {"name": f"random network {n} (seeded, tools/oracles/torch/backprop.py)"}
        if batch == 1 and n % 3 == 0:
            spec.update({"input": rnd(widths[0]), "target": targets[0]})
        else:
            spec.update({"inputs": rnd(batch, widths[0]), "targets": targets})
        spec["layers"] = layers
        spec["loss"] = loss
        spec["optimizer"] = OPTIMIZERS[n % len(OPTIMIZERS)]
        specs.append(spec)
    return specs


def main():
    torch.set_default_dtype(DTYPE)
    for n, spec in enumerate(random_specs()):
        path = FIXTURES / "specs" / f"random_{n:02}.json"
        path.write_text(json.dumps(spec) + "\n")
    specs = sorted((FIXTURES / "specs").glob("*.json"))
    out_dir = FIXTURES / "expected"
    out_dir.mkdir(parents=True, exist_ok=True)
    versions = {
        "torch": torch.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }
    for path in specs:
        spec = json.loads(path.read_text())
        result = run(spec)
        result.update(versions)
        (out_dir / path.name).write_text(json.dumps(result, indent=1) + "\n")
        print(f"{path.name}: loss {result['loss']!r}", file=sys.stderr)


if __name__ == "__main__":
    main()
