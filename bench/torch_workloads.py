"""PyTorch (and numpy) versions of nabla's benchmark workloads, timed the way `nabla bench` times
them: one warm-up repetition, then repetitions of whole units for at least --seconds each.

Prints one JSON object shaped like `nabla bench --format json`. Run by bench/compare.py.

    python3 bench/torch_workloads.py --workload mlp784_b128 --threads 1 --repeats 1 --seconds 1
"""

import argparse
import json
import os
import resource
import time


def peak_rss_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def cpu_seconds():
    t = os.times()
    return t.user + t.system


def build(name, torch, np):
    """Returns (run_unit, rows_per_unit) for a workload name."""
    if name.startswith("mlp784_b"):
        batch = int(name[len("mlp784_b"):])
        g = torch.Generator().manual_seed(0)
        model = torch.nn.Sequential(
            torch.nn.Linear(784, 512), torch.nn.ReLU(),
            torch.nn.Linear(512, 512), torch.nn.ReLU(),
            torch.nn.Linear(512, 10),
        )
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        loss_fn = torch.nn.CrossEntropyLoss()
        batches = [(torch.randn(batch, 784, generator=g), torch.randint(0, 10, (batch,), generator=g)) for _ in range(4)]
        state = {"i": 0}

        def unit():
            x, y = batches[state["i"] % 4]
            state["i"] += 1
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
            return loss.item()

        return unit, batch
    if name == "tiny221":
        model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Sigmoid(), torch.nn.Linear(2, 1))
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        loss_fn = torch.nn.BCEWithLogitsLoss()
        x, y = torch.tensor([[0.5, 1.0]]), torch.tensor([[1.0]])

        def unit():
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
            return loss.item()

        return unit, 1
    if name == "digits_epoch":
        # nabla's embedded copy of scikit-learn's digits (1797 rows; the last column is the digit).
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crates", "nn", "data", "digits.csv.gz")
        table = np.loadtxt(path, delimiter=",", skiprows=1)
        data_x, data_y = table[:, :64], table[:, 64].astype(np.int64)
        rng = np.random.default_rng(0)
        order = rng.permutation(len(data_y))
        train = order[: len(order) - 450]
        x = data_x[train].astype(np.float32)
        x = (x - x.mean(0)) / np.where(x.std(0) > 0, x.std(0), 1.0)
        xt, yt = torch.from_numpy(x), torch.from_numpy(data_y[train])
        model = torch.nn.Sequential(torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10))
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        loss_fn = torch.nn.CrossEntropyLoss()
        g = torch.Generator().manual_seed(0)

        def unit():
            perm = torch.randperm(len(yt), generator=g)
            loss = None
            for i in range(0, len(yt), 32):
                idx = perm[i : i + 32]
                opt.zero_grad()
                loss = loss_fn(model(xt[idx]), yt[idx])
                loss.backward()
                opt.step()
            return loss.item()

        return unit, len(yt)
    if name.startswith("gemm_") or name.startswith("numpy_gemm_"):
        numpy_side = name.startswith("numpy_")
        m, n, k = (int(v) for v in name.split("_")[-1].split("x"))
        if numpy_side:
            a = np.random.default_rng(0).standard_normal((m, k)).astype(np.float32)
            b = np.random.default_rng(1).standard_normal((k, n)).astype(np.float32)
            return (lambda: float((a @ b)[0, 0])), 2 * m * n * k
        a, b = torch.randn(m, k), torch.randn(k, n)
        return (lambda: float(torch.mm(a, b)[0, 0])), 2 * m * n * k
    raise SystemExit(f"unknown workload {name}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--workload", required=True)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--seconds", type=float, default=1.0)
    args = p.parse_args()
    import numpy as np

    if all(name.startswith("numpy_") for name in args.workload.split(",")):
        torch = None  # numpy alone: keep PyTorch's own BLAS and threads out of the process
    else:
        import torch

        torch.set_num_threads(args.threads)
    rows = []
    for name in args.workload.split(","):
        unit, rows_per_unit = build(name, torch, np)
        times, cpus = [], []
        for rep in range(args.repeats + 1):
            start, cpu0, units = time.perf_counter(), cpu_seconds(), 0
            while units == 0 or time.perf_counter() - start < args.seconds:
                unit()
                units += 1
            if rep > 0:
                times.append((time.perf_counter() - start) / units)
                cpus.append((cpu_seconds() - cpu0) / units)
        times.sort()
        cpus.sort()
        rows.append({
            "workload": name,
            "rows_per_unit": rows_per_unit,
            "unit_seconds": {"median": times[len(times) // 2], "min": times[0], "max": times[-1], "all": times},
            "rows_per_second": rows_per_unit / times[len(times) // 2],
            "cpu_seconds_per_unit": cpus[len(cpus) // 2],
        })
    print(json.dumps({
        "framework": "torch" if torch else "numpy",
        "torch": torch.__version__ if torch else None,
        "numpy": np.__version__,
        "threads": args.threads,
        "peak_rss_mib": peak_rss_mib(),
        "workloads": rows,
    }))


if __name__ == "__main__":
    main()
