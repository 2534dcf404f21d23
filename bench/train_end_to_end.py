"""The job a user runs: the whole `nabla train` process against PyTorch's bare training loop.

    cargo build --release -p nabla-cli && python3 bench/train_end_to_end.py

For each recipe on the embedded digits set (the default 64 → 10 at batch 32, and 512-512 at batch
128; 30 epochs of Adam, lr 1e-3), each repetition times one fresh `nabla train --quiet --threads N`
process by wall clock (start-up, data loading, the per-epoch metrics and the final evaluation
included) and one PyTorch loop as a user writes it (tensors preloaded, randperm indexing,
zero_grad / forward / backward / step, torch.set_num_threads(N), only the loop timed), alternating
which goes first. Two pairs are timed:

- `running`: nabla's default per-epoch train metrics (the running metrics of the epoch's batches,
  no extra pass) against PyTorch's bare loop;
- `full`: `nabla train --train-metrics full` (an evaluation-mode pass over the training rows after
  every epoch) against the PyTorch loop with the same per-epoch evaluation (`model.eval()`, one
  `no_grad` forward over the training rows, loss and accuracy, `model.train()`).

Prints medians and the ratio PyTorch ÷ nabla (above 1: nabla is faster), and the load average.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RECIPES = {"default": ([64], 32), "512x512": ([512, 512], 128)}

TORCH_LOOP = r"""
import sys, time
import numpy as np, torch
hidden, batch, epochs, threads = [int(v) for v in sys.argv[1].split(",")], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
evaluate = sys.argv[6] == "full"
torch.set_num_threads(threads)
table = np.loadtxt(sys.argv[5], delimiter=",", skiprows=1)
x, y = table[:, :64].astype(np.float32), table[:, 64].astype(np.int64)
order = np.random.default_rng(0).permutation(len(y))[: len(y) - 450]
x = x[order]
x = (x - x.mean(0)) / np.where(x.std(0) > 0, x.std(0), 1.0)
xt, yt = torch.from_numpy(x), torch.from_numpy(y[order])
layers, width = [], 64
for h in hidden:
    layers += [torch.nn.Linear(width, h), torch.nn.ReLU()]
    width = h
model = torch.nn.Sequential(*layers, torch.nn.Linear(width, 10))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = torch.nn.CrossEntropyLoss()
g = torch.Generator().manual_seed(0)
start = time.perf_counter()
for _ in range(epochs):
    perm = torch.randperm(len(yt), generator=g)
    for i in range(0, len(yt), batch):
        idx = perm[i : i + batch]
        opt.zero_grad()
        loss_fn(model(xt[idx]), yt[idx]).backward()
        opt.step()
    if evaluate:
        model.eval()
        with torch.no_grad():
            out = model(xt)
            metrics = (loss_fn(out, yt).item(), (out.argmax(1) == yt).float().mean().item())
        model.train()
print(time.perf_counter() - start)
"""


def nabla_seconds(nabla, hidden, batch, epochs, threads, metrics, env):
    cmd = [nabla, "train", "--hidden", ",".join(map(str, hidden)), "--batch", str(batch),
           "--epochs", str(epochs), "--threads", str(threads), "--train-metrics", metrics,
           "--quiet", "--format", "json"]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def torch_seconds(hidden, batch, epochs, threads, metrics, env):
    data = os.path.join(ROOT, "crates", "nn", "data", "digits.csv.gz")
    out = subprocess.run([sys.executable, "-c", TORCH_LOOP, ",".join(map(str, hidden)), str(batch),
                          str(epochs), str(threads), data, metrics], check=True, capture_output=True, text=True,
                         env=env)
    return float(out.stdout.strip())


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--nabla", default=os.path.join(ROOT, "target", "release", "nabla"))
    args = p.parse_args()
    env = dict(os.environ, RAYON_NUM_THREADS=str(args.threads), OMP_NUM_THREADS=str(args.threads))
    print(f"threads {args.threads}, {args.epochs} epochs of Adam on digits, median of {args.repeats}, "
          f"load average {os.getloadavg()[0]:.2f} before")
    print(f"{'recipe':<10} {'train metrics':<14} {'nabla process s':>16} {'PyTorch loop s':>15} {'PyTorch ÷ nabla':>16}")
    for name, (hidden, batch) in RECIPES.items():
        for metrics in ("running", "full"):
            ours, theirs = [], []
            for r in range(args.repeats):
                timed = [lambda: ours.append(nabla_seconds(args.nabla, hidden, batch, args.epochs, args.threads,
                                                           metrics, env)),
                         lambda: theirs.append(torch_seconds(hidden, batch, args.epochs, args.threads, metrics, env))]
                for run in (timed if r % 2 == 0 else timed[::-1]):
                    run()
            a, b = statistics.median(ours), statistics.median(theirs)
            print(f"{name:<10} {metrics:<14} {a:>16.3f} {b:>15.3f} {b / a:>16.2f}")
    print(f"load average {os.getloadavg()[0]:.2f} after")


if __name__ == "__main__":
    main()
