"""Reading data is part of the job: `nabla regress` on a large CSV against pandas + statsmodels.

    cargo build --release -p nabla-cli -p nabla-nn --example read_csv
    python3 bench/regress_end_to_end.py

Writes (once, seeded) /tmp/nabla_regress_200000x50.csv: 200,000 rows of y and 49 regressors, the
errors AR(1) with ρ = 0.5, numbers written with 10 significant digits (about 133 MB). Then, in
the same run and alternating which goes first, each repetition times by wall clock:

  - the whole `nabla regress FILE --y y --format json` process;
  - the whole Python job a user writes: interpreter start-up, pandas read_csv, statsmodels OLS,
    its summary, Durbin–Watson and Breusch–Godfrey (one lag, as nabla's default);
  - CSV ingestion alone: pandas read_csv (C parser, timed inside Python) against nabla's reader
    (the `read_csv` example: Dataset::from_csv, every column an f64 feature, timed inside Rust).

The same ingestion comparison runs on /tmp/nabla_pixels_10000x785.csv (784 pixel columns in
0..255, mostly 0, and a label: the shape `nabla train --data FILE --target label` reads).

Prints medians and the ratios (above 1: nabla is faster). --threads sets the threads nabla may
use (RAYON_NUM_THREADS); pandas' parser is single-threaded.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

PYTHON_JOB = r"""
import sys
import pandas as pd
import statsmodels.api as sm
from statsmodels.stats.diagnostic import acorr_breusch_godfrey
from statsmodels.stats.stattools import durbin_watson
frame = pd.read_csv(sys.argv[1])
y = frame["y"]
x = sm.add_constant(frame.drop(columns=["y"]))
fit = sm.OLS(y, x).fit()
summary = str(fit.summary())
dw = durbin_watson(fit.resid)
bg = acorr_breusch_godfrey(fit, nlags=1)
print(len(summary), dw, bg[0], bg[1])
"""

PANDAS_READ = r"""
import sys, time
import pandas as pd
start = time.perf_counter()
frame = pd.read_csv(sys.argv[1])
print(time.perf_counter() - start, frame.shape[0], frame.shape[1])
"""


def generate(path, rows, cols, seed):
    import numpy as np

    if os.path.exists(path):
        return
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((rows, cols - 1))
    beta = rng.uniform(-2, 2, cols - 1)
    e = np.empty(rows)
    shocks = rng.standard_normal(rows)
    e[0] = shocks[0]
    for t in range(1, rows):
        e[t] = 0.5 * e[t - 1] + shocks[t]
    y = 1.0 + x @ beta + e
    table = np.column_stack([y, x])
    header = ",".join(["y"] + [f"x{j}" for j in range(1, cols)])
    tmp = path + ".part"
    np.savetxt(tmp, table, delimiter=",", fmt="%.10g", header=header, comments="")
    os.replace(tmp, path)


def generate_pixels(path, rows, seed):
    import numpy as np

    if os.path.exists(path):
        return
    rng = np.random.default_rng(seed)
    pixels = np.where(rng.random((rows, 784)) < 0.8, 0, rng.integers(0, 256, (rows, 784)))
    table = np.column_stack([pixels, rng.integers(0, 10, rows)])
    header = ",".join([f"p{j}" for j in range(784)] + ["label"])
    tmp = path + ".part"
    np.savetxt(tmp, table, delimiter=",", fmt="%d", header=header, comments="")
    os.replace(tmp, path)


def wall(cmd, env):
    start = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
    return time.perf_counter() - start, out.stdout


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=200_000)
    p.add_argument("--cols", type=int, default=50)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--nabla", default=os.path.join(ROOT, "target", "release", "nabla"))
    p.add_argument("--reader", default=os.path.join(ROOT, "target", "release", "examples", "read_csv"))
    args = p.parse_args()
    for exe in (args.nabla, args.reader):
        if not os.path.exists(exe):
            sys.exit(f"{exe} not found: run `cargo build --release -p nabla-cli -p nabla-nn --example read_csv`")
    path = f"/tmp/nabla_regress_{args.rows}x{args.cols}.csv"
    generate(path, args.rows, args.cols, args.seed)
    size_mb = os.path.getsize(path) / 1e6
    env = dict(os.environ, RAYON_NUM_THREADS=str(args.threads), OMP_NUM_THREADS="1",
               OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    env.pop("OPENBLAS_CORETYPE", None)
    nabla_cmd = [args.nabla, "regress", path, "--y", "y", "--format", "json"]
    python_cmd = [sys.executable, "-c", PYTHON_JOB, path]
    pixels = "/tmp/nabla_pixels_10000x785.csv"
    generate_pixels(pixels, 10_000, args.seed)
    pixels_mb = os.path.getsize(pixels) / 1e6
    times = {k: [] for k in ("nabla_regress", "python_job", "pandas_read", "nabla_read", "pandas_pixels", "nabla_pixels")}
    # Warm the page cache and check both sides read every row.
    _, out = wall(nabla_cmd, env)
    assert json.loads(out)["n"] == args.rows, "nabla read a different number of rows"
    for rep in range(args.repeats):
        order = ["nabla", "python"] if rep % 2 == 0 else ["python", "nabla"]
        for side in order:
            if side == "nabla":
                times["nabla_regress"].append(wall(nabla_cmd, env)[0])
                _, out = wall([args.reader, path], env)
                read = json.loads(out)
                assert read["rows"] == args.rows and read["columns"] == args.cols
                times["nabla_read"].append(read["seconds"])
                _, out = wall([args.reader, pixels], env)
                times["nabla_pixels"].append(json.loads(out)["seconds"])
            else:
                times["python_job"].append(wall(python_cmd, env)[0])
                _, out = wall([sys.executable, "-c", PANDAS_READ, path], env)
                seconds, rows, cols = out.split()
                assert int(rows) == args.rows and int(cols) == args.cols
                times["pandas_read"].append(float(seconds))
                _, out = wall([sys.executable, "-c", PANDAS_READ, pixels], env)
                times["pandas_pixels"].append(float(out.split()[0]))
    med = {k: statistics.median(v) for k, v in times.items()}
    spread = {k: (min(v), max(v)) for k, v in times.items()}
    print(f"{path}: {args.rows} rows x {args.cols} columns, {size_mb:.0f} MB; {args.repeats} repetitions, "
          f"nabla on {args.threads} thread(s); median [min, max] seconds")
    rows = [
        ("whole `nabla regress` process", "nabla_regress"),
        ("whole Python job (read_csv + OLS + summary + DW + BG)", "python_job"),
        ("pandas read_csv", "pandas_read"),
        ("nabla Dataset::from_csv", "nabla_read"),
        (f"pandas read_csv, 10,000 x 785 pixels ({pixels_mb:.0f} MB)", "pandas_pixels"),
        ("nabla Dataset::from_csv, 10,000 x 785 pixels", "nabla_pixels"),
    ]
    for name, key in rows:
        lo, hi = spread[key]
        mb = pixels_mb if key.endswith("pixels") else size_mb
        extra = f"  ({mb / med[key]:.0f} MB/s)" if key.endswith(("read", "pixels")) else ""
        print(f"  {name:<55} {med[key]:7.3f} [{lo:.3f}, {hi:.3f}]{extra}")
    print(f"  end to end: Python job / nabla regress        = {med['python_job'] / med['nabla_regress']:.2f}x")
    print(f"  ingestion:  pandas read_csv / nabla Dataset   = {med['pandas_read'] / med['nabla_read']:.2f}x")
    print(f"  784 pixels: pandas read_csv / nabla Dataset   = {med['pandas_pixels'] / med['nabla_pixels']:.2f}x")
    return med


if __name__ == "__main__":
    main()
