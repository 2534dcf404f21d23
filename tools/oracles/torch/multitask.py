"""Two full-batch SGD steps of a multi-task network under each loss balancing, from PyTorch.

Writes crates/nn/tests/fixtures/multitask_steps.json for crates/nn/tests/multitask.rs. A trunk
(3-5-4, tanh after every layer) feeds heads 4-3-k (tanh hidden) for three tasks: `a` (3 classes,
softmax cross-entropy), `b` (binary, BCE with logits), `c` (regression, MSE), on 12 rows where
some labels are missing (each task's loss is the mean over its labelled rows). Every case runs
two steps of plain SGD (lr 0.1) on all rows at once, in float64:

  fixed        Σ w_t L_t with w = (1, 0.5, 2)
  uncertainty  Σ c_t e^{-s_t} L_t + s_t / 2, c = (1, 1, 1/2), s = 0 at the start, s trained by SGD
  gradnorm     Σ w_t L_t; after each step w_t ← w_t − η sign(G_t − Ḡ r_t^α) n_t, floored at 1e-6,
               rescaled to sum 3 (α 1.5, η 0.025; n_t = ‖∇_W L_t‖ at the last trunk weight)
  pcgrad       tasks a and b only (two tasks: the projection order does not matter); shared
               gradients projected off each other when they conflict, then summed

Layout: {"torch", "numpy", "python", "x": [[..]], "labels": {"a": [..|null], "b", "c"},
         "trunk": [{"weight", "bias"}], "heads": {"a": [{"weight", "bias"}], ...},
         "cases": [{"name", "tasks": [..], "weights": [..] | null,
                    "losses": [[L_t per task] per step], "balanced": [loss per step],
                    "task_weights": [[after each step]], "log_variances": [[..]] | null,
                    "trunk": [{"weight", "bias"}] after two steps, "heads": {..} after,
                    "conflict"?: [whether the two shared gradients conflicted, per step] (pcgrad)}]}
Run from the repository root:  python3 tools/oracles/torch/multitask.py
"""

import json
import platform

import numpy as np
import torch
import torch.nn.functional as F

OUT = "crates/nn/tests/fixtures/multitask_steps.json"
torch.manual_seed(13)  # a seed where the pcgrad case conflicts on both steps
DT = torch.float64
N = 12
LR = 0.1

x = torch.randn(N, 3, dtype=DT)
labels = {
    "a": [0, None, 2, 1, None, 2, 0, 1, 1, 2, 0, 1],
    "b": [None, 1, 0, 1, 0, None, 1, None, 0, 0, 1, 1],
    "c": [0.5, -1.2, None, None, 0.3, 1.7, -0.4, 0.9, 0.0, None, None, -2.1],
}
kinds = {"a": "classes", "b": "binary", "c": "regression"}
outputs = {"a": 3, "b": 1, "c": 1}


def linear(i, o):
    return {"weight": torch.randn(o, i, dtype=DT) * 0.6, "bias": torch.randn(o, dtype=DT) * 0.2}


trunk0 = [linear(3, 5), linear(5, 4)]
heads0 = {t: [linear(4, 3), linear(3, outputs[t])] for t in "abc"}


def clone(layers):
    return [{k: v.clone().requires_grad_(True) for k, v in l.items()} for l in layers]


def forward(trunk, heads, tasks):
    h = x
    for l in trunk:
        h = torch.tanh(h @ l["weight"].T + l["bias"])
    outs = {}
    for t in tasks:
        g = h
        for i, l in enumerate(heads[t]):
            g = g @ l["weight"].T + l["bias"]
            if i < len(heads[t]) - 1:
                g = torch.tanh(g)
        outs[t] = g
    return outs


def task_loss(t, out):
    rows = [i for i, v in enumerate(labels[t]) if v is not None]
    y = torch.tensor([labels[t][i] for i in rows], dtype=DT)
    o = out[rows]
    if kinds[t] == "classes":
        return F.cross_entropy(o, y.long())
    if kinds[t] == "binary":
        return F.binary_cross_entropy_with_logits(o[:, 0], y)
    return F.mse_loss(o[:, 0], y)


def params_of(trunk, heads, tasks):
    ps = [p for l in trunk for p in (l["weight"], l["bias"])]
    for t in tasks:
        ps += [p for l in heads[t] for p in (l["weight"], l["bias"])]
    return ps


def dump(layers):
    return [{k: v.detach().tolist() for k, v in l.items()} for l in layers]


def run(name, tasks, weights=None):
    trunk = clone(trunk0)
    heads = {t: clone(heads0[t]) for t in tasks}
    params = params_of(trunk, heads, tasks)
    n_shared = 2 * len(trunk)
    w = list(weights) if weights is not None else [1.0] * len(tasks)
    s = torch.zeros(len(tasks), dtype=DT, requires_grad=True)
    consts = [0.5 if kinds[t] == "regression" else 1.0 for t in tasks]
    initial = None
    record = {"name": name, "tasks": tasks, "weights": weights, "losses": [], "balanced": [],
              "task_weights": [], "log_variances": [] if name == "uncertainty" else None}
    for step in range(2):
        outs = forward(trunk, heads, tasks)
        losses = [task_loss(t, outs[t]) for t in tasks]
        record["losses"].append([l.item() for l in losses])
        if name == "fixed":
            total = sum(wi * l for wi, l in zip(w, losses))
            grads = torch.autograd.grad(total, params)
        elif name == "uncertainty":
            total = sum(c * torch.exp(-s[i]) * l + s[i] / 2 for i, (c, l) in enumerate(zip(consts, losses)))
            grads = torch.autograd.grad(total, params + [s])
            with torch.no_grad():
                s -= LR * grads[-1]
            grads = grads[:-1]
        elif name == "gradnorm":
            total = sum(wi * l for wi, l in zip(w, losses))
            per = [torch.autograd.grad(l, params, retain_graph=True, allow_unused=True) for l in losses]
            per = [[torch.zeros_like(p) if g is None else g for g, p in zip(gs, params)] for gs in per]
            grads = [sum(wi * gs[k] for wi, gs in zip(w, per)) for k in range(len(params))]
            if initial is None:
                initial = [l.item() for l in losses]
            norms = [gs[n_shared - 2].norm().item() for gs in per]
            G = [wi * n for wi, n in zip(w, norms)]
            gbar = sum(G) / len(G)
            ratios = [l.item() / l0 for l, l0 in zip(losses, initial)]
            rbar = sum(ratios) / len(ratios)
            new = []
            for wi, gi, ni, ri in zip(w, G, norms, ratios):
                diff = gi - gbar * (ri / rbar) ** 1.5
                sign = (diff > 0) - (diff < 0)
                new.append(max(wi - 0.025 * sign * ni, 1e-6))
            w = [v * len(new) / sum(new) for v in new]
        else:  # pcgrad, two tasks
            total = sum(wi * l for wi, l in zip(w, losses))
            per = [torch.autograd.grad(l, params, retain_graph=True, allow_unused=True) for l in losses]
            per = [[torch.zeros_like(p) if g is None else wi * g for g, p in zip(gs, params)]
                   for wi, gs in zip(w, per)]
            flat = [torch.cat([g.reshape(-1) for g in gs[:n_shared]]) for gs in per]
            record.setdefault("conflict", []).append(bool(torch.dot(flat[0], flat[1]) < 0))
            merged = torch.zeros_like(flat[0])
            for t in range(len(flat)):
                pc = flat[t].clone()
                for j in range(len(flat)):
                    if j != t and torch.dot(pc, flat[j]) < 0:
                        pc = pc - torch.dot(pc, flat[j]) / torch.dot(flat[j], flat[j]) * flat[j]
                merged += pc
            grads = []
            k = 0
            for p in params[:n_shared]:
                grads.append(merged[k:k + p.numel()].reshape(p.shape))
                k += p.numel()
            grads += [sum(gs[i] for gs in per) for i in range(n_shared, len(params))]
        record["balanced"].append(total.item())
        with torch.no_grad():
            for p, g in zip(params, grads):
                p -= LR * g
        if name == "uncertainty":
            record["log_variances"].append(s.detach().tolist())
            record["task_weights"].append([c * torch.exp(-v).item() for c, v in zip(consts, s.detach())])
        else:
            record["task_weights"].append(list(w))
    record["trunk"] = dump(trunk)
    record["heads"] = {t: dump(heads[t]) for t in tasks}
    return record


cases = [
    run("fixed", ["a", "b", "c"], [1.0, 0.5, 2.0]),
    run("uncertainty", ["a", "b", "c"]),
    run("gradnorm", ["a", "b", "c"]),
    run("pcgrad", ["a", "b"]),
]
out = {
    "torch": torch.__version__, "numpy": np.__version__, "python": platform.python_version(),
    "x": x.tolist(), "labels": labels,
    "trunk": dump(trunk0), "heads": {t: dump(heads0[t]) for t in "abc"},
    "cases": cases,
}
with open(OUT, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", OUT)
