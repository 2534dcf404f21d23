"""Parameter gradients of small MLPs from PyTorch autograd, for nabla's tape tests.

Writes crates/tensor/tests/fixtures/mlp_gradients.json: a list of networks (depth 1-3, widths
2-32, batches 1-16, every nabla activation at least once, BCE / BCE-with-logits / softmax
cross-entropy with index and soft targets / MSE heads), each with its weights, inputs, targets
and PyTorch's forward values (net and out per layer), loss, and weight and bias gradients, all in
float64 from fixed seeds. Layout per network:

  {"name", "layers": [{"weight": [[..]] (out x in), "bias": [..], "activation": NAME,
                       "alpha"?: a, "beta"?: b}],
   "loss": "mse" | "bce" | "bce_with_logits" | "cross_entropy",
   "inputs": [[..]] (batch x in), "targets": [[..]] (batch x out),
   "target_indices"?: [..] (cross-entropy with class indices; targets then holds the one-hot rows),
   "expected": {"loss", "layers": [{"weight_grad", "bias_grad", "net", "out"}]}}

Reductions are PyTorch's defaults (mean over elements; over the batch for cross-entropy).
Run from the repository root:  python3 tools/oracles/torch/mlp_gradients.py
"""

import json
import math

import numpy as np
import torch
import torch.nn.functional as F

OUT = "crates/tensor/tests/fixtures/mlp_gradients.json"
SEED = 77


def activation(name, alpha=None, beta=None):
    """PyTorch's definition of each nabla activation (swish beta != 1 composed as autograd sees it)."""
    if name == "identity":
        return lambda x: x
    if name == "step":
        return lambda x: torch.heaviside(x.detach(), torch.zeros((), dtype=x.dtype)) + x * 0.0
    if name == "swish":
        b = 1.0 if beta is None else beta
        return F.silu if b == 1.0 else (lambda x: x * torch.sigmoid(b * x))
    if name == "leaky_relu":
        return lambda x: F.leaky_relu(x, 0.01 if alpha is None else alpha)
    if name == "elu":
        return lambda x: F.elu(x, 1.0 if alpha is None else alpha)
    if name == "softplus":
        return lambda x: F.softplus(x, 1.0 if beta is None else beta, 20.0)
    table = {
        "sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": F.relu, "relu6": F.relu6,
        "hard_swish": F.hardswish, "hard_sigmoid": F.hardsigmoid, "gelu": F.gelu,
        "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"), "selu": F.selu, "mish": F.mish,
        "log_sigmoid": F.logsigmoid,
    }
    return table[name]


# (name, widths, [(activation, params)] per layer, loss, batch, input scale)
NETWORKS = [
    ("textbook_2_2_1_sigmoid_bce", [2, 2, 1], [("sigmoid", {}), ("sigmoid", {})], "bce", 1, None),
    ("relu_mse", [3, 8, 2], [("relu", {}), ("identity", {})], "mse", 5, 2.0),
    ("tanh_leaky_bce_logits", [4, 16, 8, 1],
     [("tanh", {}), ("leaky_relu", {"alpha": 0.2}), ("identity", {})], "bce_with_logits", 8, 1.5),
    ("gelu_ce_indices", [5, 12, 6, 3],
     [("gelu", {}), ("gelu_tanh", {}), ("identity", {})], "cross_entropy_indices", 7, 2.0),
    ("swish_mish_ce_soft", [6, 10, 4],
     [("swish", {"beta": 0.5}), ("mish", {})], "cross_entropy_soft", 4, 2.0),
    ("elu_selu_mse", [3, 32, 5, 2],
     [("elu", {"alpha": 0.7}), ("selu", {}), ("identity", {})], "mse", 16, 1.5),
    ("softplus_logsigmoid_mse", [2, 6, 3, 1],
     [("softplus", {"beta": 2.0}), ("log_sigmoid", {}), ("identity", {})], "mse", 3, 2.0),
    ("hard_swish_relu6_ce_indices", [4, 20, 5],
     [("hard_swish", {}), ("relu6", {})], "cross_entropy_indices", 10, 4.0),
    ("hard_sigmoid_bce", [3, 7, 2], [("relu", {}), ("hard_sigmoid", {})], "bce", 6, 2.0),
    ("step_silu_mse", [4, 6, 2], [("step", {}), ("swish", {})], "mse", 6, 1.0),
    ("linear_regression", [5, 1], [("identity", {})], "mse", 12, 1.0),
    ("logistic_regression", [3, 1], [("sigmoid", {})], "bce", 9, 1.0),
    ("swish10_elu_bce_logits", [2, 9, 4, 1],
     [("swish", {"beta": 10.0}), ("elu", {}), ("identity", {})], "bce_with_logits", 5, 1.0),
    ("softplus_sigmoid_bce", [2, 4, 1], [("softplus", {}), ("sigmoid", {})], "bce", 16, 2.0),
    ("relu_ce_one_hot_soft", [8, 16, 10],
     [("relu", {}), ("identity", {})], "cross_entropy_soft_one_hot", 2, 1.0),
]


def textbook():
    w = [np.array([[1.0, 1.0], [-1.0, -1.0]]), np.array([[0.8, -1.0]])]
    b = [np.array([1.0, 2.0]), np.array([-1.0])]
    return w, b, np.array([[0.5, 1.0]]), np.array([[1.0]])


def build(rng, name, widths, acts, loss, batch, scale):
    if scale is None:
        weights, biases, inputs, targets = textbook()
    else:
        weights, biases = [], []
        for fan_in, fan_out in zip(widths[:-1], widths[1:]):
            bound = 1.5 / math.sqrt(fan_in)
            weights.append(rng.uniform(-bound, bound, (fan_out, fan_in)))
            biases.append(rng.uniform(-0.5, 0.5, fan_out))
        inputs = rng.standard_normal((batch, widths[0])) * scale
        out = widths[-1]
        if loss == "mse":
            targets = rng.standard_normal((batch, out))
        elif loss in ("bce", "bce_with_logits"):
            targets = rng.uniform(0, 1, (batch, out))
            targets[::2] = np.round(targets[::2])  # hard labels in every other row
        elif loss == "cross_entropy_indices" or loss == "cross_entropy_soft_one_hot":
            idx = rng.integers(0, out, batch)
            targets = np.eye(out)[idx]
        else:  # soft, unnormalised non-negative targets
            targets = rng.uniform(0, 1, (batch, out))
            targets[0] *= 2.5
    return weights, biases, inputs, targets


def forward_backward(weights, biases, acts, loss, inputs, targets):
    ws = [torch.tensor(w, requires_grad=True) for w in weights]
    bs = [torch.tensor(b, requires_grad=True) for b in biases]
    h = torch.tensor(inputs)
    nets, outs = [], []
    for w, b, (name, params) in zip(ws, bs, acts):
        net = F.linear(h, w, b)
        h = activation(name, params.get("alpha"), params.get("beta"))(net)
        nets.append(net)
        outs.append(h)
    t = torch.tensor(targets)
    if loss == "mse":
        j = F.mse_loss(h, t)
    elif loss == "bce":
        j = F.binary_cross_entropy(h, t)
    elif loss == "bce_with_logits":
        j = F.binary_cross_entropy_with_logits(h, t)
    elif loss == "cross_entropy_indices":
        j = F.cross_entropy(h, t.argmax(dim=1))
    else:
        j = F.cross_entropy(h, t)
    j.backward()
    return j, nets, outs, ws, bs


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(SEED)
    nets_out = []
    seen = set()
    for name, widths, acts, loss, batch, scale in NETWORKS:
        weights, biases, inputs, targets = build(rng, name, widths, acts, loss, batch, scale)
        j, nets, outs, ws, bs = forward_backward(weights, biases, acts, loss, inputs, targets)
        assert math.isfinite(j.item())
        layers = []
        for w, b, (act, params) in zip(weights, biases, acts):
            layer = {"weight": w.tolist(), "bias": b.tolist(), "activation": act}
            layer.update(params)
            layers.append(layer)
            seen.add(act)
        expected_layers = []
        for w, b, net, out in zip(ws, bs, nets, outs):
            assert torch.isfinite(w.grad).all() and torch.isfinite(b.grad).all()
            expected_layers.append({
                "weight_grad": w.grad.tolist(), "bias_grad": b.grad.tolist(),
                "net": net.detach().tolist(), "out": out.detach().tolist(),
            })
        entry = {
            "name": name,
            "layers": layers,
            "loss": "cross_entropy" if loss.startswith("cross_entropy") else loss,
            "inputs": inputs.tolist(),
            "targets": targets.tolist(),
            "expected": {"loss": j.item(), "layers": expected_layers},
        }
        if loss == "cross_entropy_indices":
            entry["target_indices"] = [int(i) for i in targets.argmax(axis=1)]
        nets_out.append(entry)
    all_names = {"identity", "step", "sigmoid", "tanh", "relu", "leaky_relu", "swish", "hard_swish",
                 "relu6", "hard_sigmoid", "gelu", "gelu_tanh", "elu", "selu", "softplus", "mish",
                 "log_sigmoid"}
    assert all_names <= seen, all_names - seen
    with open(OUT, "w") as fh:
        json.dump(nets_out, fh, separators=(",", ":"))
        fh.write("\n")
    print(f"wrote {OUT}: {len(nets_out)} networks (torch {torch.__version__})")


if __name__ == "__main__":
    main()
