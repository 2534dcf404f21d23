"""Model files between PyTorch and nabla, both ways, for crates/nn/tests/model_file.rs.

Writes into crates/nn/tests/fixtures/model_file/:

  torch_*.safetensors   MLPs built in PyTorch as nn.Sequential(Linear, Act, [Dropout], ..., Linear),
                        saved with safetensors.torch.save_file(model.state_dict(), path,
                        metadata=...) using nabla's metadata keys (docs/models.md).
  torch_plain_classes_f32.safetensors + .metadata.json
                        the torch_classes_f32 weights saved without metadata (a plain state_dict)
                        and its metadata as a JSON file, for `nabla predict --metadata`.
  torch_expected.json   for each torch_* file: its state_dict (every value, exactly), some raw input
                        rows (in the model's feature order), and PyTorch's eval-mode outputs,
                        probabilities (softmax / sigmoid in the model's dtype), labels and
                        regression values (out * target_std + target_mean, in float64).
  nabla_expected.json   for each nabla_*.safetensors (written by nabla: `cargo test -p nabla-nn
                        --test model_file -- --ignored write_nabla_fixtures`): the file loaded in
                        PyTorch (safe_open for the metadata, load_state_dict(strict=True) into the
                        nn.Sequential the metadata describes) and PyTorch's outputs on raw inputs.

Run from the repository root, after writing the nabla_* files:
    python3 tools/oracles/torch/model_file.py
"""

import json
import math
import os
import platform

import numpy as np
import safetensors
import torch
import torch.nn as nn
from safetensors import safe_open
from safetensors.torch import load_file, save_file

DIR = "crates/nn/tests/fixtures/model_file"
SEED = 2024


def activation_module(name, params):
    """The torch.nn module for a nabla activation name and its parameters."""
    if name == "relu":
        return nn.ReLU()
    if name == "tanh":
        return nn.Tanh()
    if name == "sigmoid":
        return nn.Sigmoid()
    if name == "leaky_relu":
        return nn.LeakyReLU(params.get("alpha", 0.01))
    if name == "elu":
        return nn.ELU(params.get("alpha", 1.0))
    if name == "swish":
        beta = params.get("beta", 1.0)
        if beta == 1.0:
            return nn.SiLU()
        raise ValueError("swish with beta != 1 has no torch.nn module; use a custom one")
    if name == "softplus":
        return nn.Softplus(params.get("beta", 1.0), params.get("threshold", 20.0))
    if name == "gelu":
        return nn.GELU()
    if name == "gelu_tanh":
        return nn.GELU(approximate="tanh")
    if name == "selu":
        return nn.SELU()
    if name == "mish":
        return nn.Mish()
    if name == "hard_swish":
        return nn.Hardswish()
    if name == "relu6":
        return nn.ReLU6()
    if name == "hard_sigmoid":
        return nn.Hardsigmoid()
    if name == "log_sigmoid":
        return nn.LogSigmoid()
    if name == "identity":
        return nn.Identity()
    raise ValueError(f"no torch.nn module for {name}")


def sequential(widths, act, params, dropout):
    layers = []
    for i, (a, b) in enumerate(zip(widths[:-1], widths[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(widths) - 2:
            layers.append(activation_module(act, params))
            if dropout > 0:
                layers.append(nn.Dropout(dropout))
    return nn.Sequential(*layers)


def metadata(widths, act, params, dropout, names, means, stds, target, task, classes,
             target_mean=None, target_std=None):
    m = {
        "nabla_format_version": "1",
        "widths": json.dumps(widths),
        "activation": act,
        "activation_params": json.dumps(params),
        "dropout": json.dumps(dropout),
        "feature_names": json.dumps(names),
        "feature_means": json.dumps(means),
        "feature_stds": json.dumps(stds),
        "target": target,
        "task": task,
        "classes": json.dumps(classes),
    }
    if task == "regression":
        m["target_mean"] = json.dumps(target_mean)
        m["target_std"] = json.dumps(target_std)
    return m


def predictions(model, meta, raw):
    """PyTorch's eval-mode outputs for raw rows, decoded as nabla documents."""
    dtype = next(model.parameters()).dtype
    means = torch.tensor(json.loads(meta["feature_means"]), dtype=torch.float64)
    stds = torch.tensor(json.loads(meta["feature_stds"]), dtype=torch.float64)
    x = ((torch.tensor(raw, dtype=torch.float64) - means) / stds).to(dtype)
    model.eval()
    with torch.no_grad():
        out = model(x)
    result = {"standardized": x.double().tolist(), "outputs": out.double().tolist()}
    task = meta["task"]
    if task == "classes":
        result["probabilities"] = torch.softmax(out, dim=1).double().tolist()
        result["labels"] = torch.argmax(out, dim=1).tolist()
    elif task == "binary":
        p = torch.sigmoid(out[:, 0]).double()
        result["probabilities"] = torch.stack([1.0 - p, p], dim=1).tolist()
        result["labels"] = (out[:, 0] > 0).long().tolist()
    else:
        mean, std = json.loads(meta["target_mean"]), json.loads(meta["target_std"])
        result["values"] = (out[:, 0].double() * std + mean).tolist()
    return result


TORCH_MODELS = [
    # name, dtype, widths, activation, params, dropout, task, classes
    ("torch_classes_f32", torch.float32, [4, 8, 5, 3], "tanh", {}, 0.2, "classes",
     ["setosa", "versicolor", "virginica"]),
    ("torch_regression_f64", torch.float64, [3, 6, 1], "leaky_relu", {"alpha": 0.2}, 0.0,
     "regression", []),
    ("torch_binary_f64", torch.float64, [5, 7, 4, 1], "softplus", {"beta": 2.0, "threshold": 10.0},
     0.5, "binary", ["benign", "malignant"]),
    ("torch_classes_f64_gelu", torch.float64, [2, 16, 4], "gelu_tanh", {}, 0.0, "classes",
     ["a", "b", "c", "d"]),
]


def torch_side(versions):
    rng = np.random.default_rng(SEED)
    expected = {"versions": versions, "models": {}}
    for i, (name, dtype, widths, act, params, dropout, task, classes) in enumerate(TORCH_MODELS):
        torch.manual_seed(SEED + i)
        model = sequential(widths, act, params, dropout).to(dtype)
        d = widths[0]
        names = [f"f{j}_{name.split('_')[1]}" for j in range(d)]
        means = [float(v) for v in rng.normal(0, 10, d)]
        stds = [float(v) for v in rng.uniform(0.5, 4, d)]
        target_mean = float(rng.normal(100, 30)) if task == "regression" else None
        target_std = float(rng.uniform(5, 20)) if task == "regression" else None
        meta = metadata(widths, act, params, dropout, names, means, stds, "label" if task != "regression" else "y",
                        task, classes, target_mean, target_std)
        path = os.path.join(DIR, name + ".safetensors")
        save_file(model.state_dict(), path, metadata=meta)
        raw = (np.array(means) + np.array(stds) * rng.normal(0, 1.5, (9, d))).tolist()
        entry = {
            "file": name + ".safetensors",
            "dtype": str(dtype).replace("torch.", ""),
            "state_dict": {k: v.double().flatten().tolist() for k, v in model.state_dict().items()},
            "shapes": {k: list(v.shape) for k, v in model.state_dict().items()},
            "metadata": meta,
            "raw": raw,
        }
        entry.update(predictions(model, meta, raw))
        if name == "torch_classes_f32":
            # The same weights as a plain state_dict (no metadata), with the metadata beside it
            # as a JSON file whose values are JSON values (not strings), for `--metadata`.
            plain = "torch_plain_classes_f32"
            save_file(model.state_dict(), os.path.join(DIR, plain + ".safetensors"))
            sidecar = {k: (v if k in ("activation", "target", "task") else json.loads(v))
                       for k, v in meta.items() if k != "nabla_format_version"}
            with open(os.path.join(DIR, plain + ".metadata.json"), "w") as f:
                json.dump(sidecar, f, indent=1)
                f.write("\n")
            entry["plain_file"] = plain + ".safetensors"
            entry["plain_metadata"] = plain + ".metadata.json"
        expected["models"][name] = entry
    with open(os.path.join(DIR, "torch_expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


def nabla_side(versions):
    rng = np.random.default_rng(SEED + 100)
    expected = {"versions": versions, "models": {}}
    files = sorted(f for f in os.listdir(DIR) if f.startswith("nabla_") and f.endswith(".safetensors"))
    for file in files:
        path = os.path.join(DIR, file)
        with safe_open(path, framework="pt") as f:
            meta = f.metadata()
        widths = json.loads(meta["widths"])
        params = json.loads(meta["activation_params"])
        dropout = json.loads(meta["dropout"])
        state = load_file(path)
        dtype = next(iter(state.values())).dtype
        model = sequential(widths, meta["activation"], params, dropout).to(dtype)
        model.load_state_dict(state, strict=True)  # names and shapes must match exactly
        means = np.array(json.loads(meta["feature_means"]))
        stds = np.array(json.loads(meta["feature_stds"]))
        raw = (means + stds * rng.normal(0, 1.5, (7, widths[0]))).tolist()
        entry = {"file": file, "dtype": str(dtype).replace("torch.", ""), "raw": raw,
                 "state_dict_names": sorted(model.state_dict().keys())}
        entry.update(predictions(model, meta, raw))
        expected["models"][file[: -len(".safetensors")]] = entry
    with open(os.path.join(DIR, "nabla_expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


def main():
    os.makedirs(DIR, exist_ok=True)
    versions = {
        "torch": torch.__version__,
        "safetensors": safetensors.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }
    torch.set_num_threads(1)
    torch_side(versions)
    nabla_side(versions)


if __name__ == "__main__":
    main()
