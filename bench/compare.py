"""nabla against PyTorch on the same workloads, in the same run, alternating.

    cargo build --release -p nabla-cli && python3 bench/compare.py

For each thread count (1 and 2) and each workload, every repetition starts one fresh `nabla bench`
process and one fresh PyTorch process (alternating which goes first), each doing a warm-up and one
timed repetition of at least --seconds. The table gives medians over --repeats (≥ 5) repetitions,
min and max, the ratio nabla ÷ PyTorch in rows (or FLOP) per second, and each process's peak RSS;
under each MLP row, the step's GEMM-bound limit (its products alone, timed by `nabla bench` in
the same process) and the fraction of it the step reaches.
GEMM rows compare with numpy (OpenBLAS) as well. The f64 row runs nabla only (f64 ÷ f32 time).
Then bench/regress_end_to_end.py runs the regression job on a generated 200,000 × 50 CSV: the whole
`nabla regress` process against pandas + statsmodels, and CSV ingestion against pandas' read_csv
(--no-regress skips it; it needs pandas and statsmodels, and the `read_csv` example built).

The machine is judged busy when, in a single-threaded run, a process got less than 85% of a core
(CPU time ÷ wall time), or the load average exceeded the thread count; the table then says so.
Without PyTorch installed, only nabla's numbers are printed.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORKLOADS = ["mlp784_b128", "mlp784_b32", "tiny221", "digits_epoch"]
GEMMS = ["gemm_128x512x784", "gemm_32x512x784", "gemm_128x512x512", "gemm_32x512x512"]


def run_json(cmd, env):
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout)


def loadavg():
    return os.getloadavg()[0]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--seconds", type=float, default=0.5)
    p.add_argument("--threads", default="1,2")
    p.add_argument("--nabla", default=os.path.join(ROOT, "target", "release", "nabla"))
    p.add_argument("--workloads", default=",".join(WORKLOADS + GEMMS))
    p.add_argument("--no-regress", action="store_true", help="skip the regress end-to-end comparison")
    args = p.parse_args()
    if args.repeats < 5:
        sys.exit("--repeats: at least 5")
    if not os.path.exists(args.nabla):
        sys.exit(f"{args.nabla} not found: run `cargo build --release -p nabla-cli` first")
    try:
        import torch  # noqa: F401

        have_torch = True
    except ImportError:
        have_torch = False
        print("PyTorch is not installed: nabla's numbers only", file=sys.stderr)

    env = dict(os.environ)
    # Older OpenBLAS builds need these on some CPUs; they slow a current numpy, so drop them here.
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    workloads = args.workloads.split(",")
    busy_notes = []
    results = {}  # (framework, threads, workload) -> list of (unit seconds, cpu seconds, rss)
    max_load = 0.0
    for threads in (int(t) for t in args.threads.split(",")):
        tenv = dict(env, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
        for rep in range(args.repeats):
            for w in workloads:
                runs = [("nabla", [args.nabla, "bench", "--workload", w, "--threads", str(threads), "--repeats", "1",
                                   "--seconds", str(args.seconds), "--format", "json", "--quiet"])]
                if have_torch:
                    runs.append(("torch", [sys.executable, os.path.join(HERE, "torch_workloads.py"), "--workload", w,
                                           "--threads", str(threads), "--repeats", "1", "--seconds", str(args.seconds)]))
                    if w.startswith("gemm_"):
                        runs.append(("numpy", [sys.executable, os.path.join(HERE, "torch_workloads.py"), "--workload",
                                               "numpy_" + w, "--threads", str(threads), "--repeats", "1", "--seconds",
                                               str(args.seconds)]))
                if rep % 2 == 1:
                    runs.reverse()
                for framework, cmd in runs:
                    max_load = max(max_load, loadavg())
                    out = run_json(cmd, tenv)
                    row = out["workloads"][0]
                    t, cpu = row["unit_seconds"]["median"], row["cpu_seconds_per_unit"]
                    if threads == 1 and cpu > 0 and cpu / t < 0.85:
                        busy_notes.append(f"{framework} {w} (1 thread) got {cpu / t:.0%} of a core")
                    results.setdefault((framework, threads, w), []).append((t, cpu, out["peak_rss_mib"], row["rows_per_unit"]))
                    if "gemm_bound" in row:
                        results.setdefault(("nabla_gemms", threads, w), []).append(row["gemm_bound"])
        if "mlp784_b128" in workloads:
            f64 = []
            for _ in range(args.repeats):
                out = run_json([args.nabla, "bench", "--workload", "mlp784_b128,digits_epoch", "--threads", str(threads), "--repeats", "1",
                                "--seconds", str(args.seconds), "--dtype", "f64", "--format", "json", "--quiet"], tenv)
                for row in out["workloads"]:
                    results.setdefault(("nabla_f64", threads, row["workload"]), []).append(
                        (row["unit_seconds"]["median"], row["cpu_seconds_per_unit"], out["peak_rss_mib"], row["rows_per_unit"]))

    print(f"machine: {os.cpu_count()} cores; {platform_line()}")
    print(f"nabla: {args.nabla}; torch: {torch_version()}; repeats {args.repeats}, ≥{args.seconds} s each; max load average {max_load:.2f}")
    if busy_notes or max_load > max(int(t) for t in args.threads.split(",")) + 0.5:
        print("WARNING: THE MACHINE WAS BUSY during this run; ratios are less reliable:")
        for note in busy_notes[:10]:
            print(f"  - {note}")
        if max_load > 2.5:
            print(f"  - load average reached {max_load:.2f}")
    header = f"{'workload':<18}{'thr':>4}  {'nabla median':>13} {'(min–max)':>21}  {'torch median':>13} {'(min–max)':>21}  {'nabla÷torch':>11}  {'RSS nabla/torch MiB':>20}"
    print(header)
    print("-" * len(header))
    for threads in (int(t) for t in args.threads.split(",")):
        for w in workloads:
            n = results.get(("nabla", threads, w))
            if not n:
                continue
            tr = results.get(("torch", threads, w))
            line = f"{w:<18}{threads:>4}  {fmt_time(n)}"
            if tr:
                ratio = statistics.median(x[0] for x in tr) / statistics.median(x[0] for x in n)
                rss = f"{max(x[2] for x in n):.0f}/{max(x[2] for x in tr):.0f}"
                line += f"  {fmt_time(tr)}  {ratio:>10.2f}×  {rss:>20}"
            print(line)
            bound = results.get(("nabla_gemms", threads, w))
            if bound:
                limit = statistics.median(b["seconds"] for b in bound)
                step = statistics.median(x[0] for x in n)
                flop = bound[0]["flop"]
                print(f"{'  GEMM-bound':<18}{threads:>4}  {human(limit):>13} ({flop / 1e6:.1f} MFLOP at {flop / limit / 1e9:.1f} GFLOP/s): "
                      f"the step reaches {limit / step:.0%} of it")
            npy = results.get(("numpy", threads, w))
            if npy:
                ratio = statistics.median(x[0] for x in npy) / statistics.median(x[0] for x in n)
                gflops = lambda rs: rs[0][3] / statistics.median(x[0] for x in rs) / 1e9
                print(f"{'  vs numpy':<18}{threads:>4}  nabla {gflops(n):.1f} GFLOP/s, numpy (OpenBLAS) {gflops(npy):.1f} GFLOP/s: nabla at {ratio:.0%} of numpy's speed")
            if tr and w.startswith("gemm_"):
                pass
        for w in ("mlp784_b128", "digits_epoch"):
            f64, f32 = results.get(("nabla_f64", threads, w)), results.get(("nabla", threads, w))
            if f64 and f32:
                print(f"{w + ' f64':<18}{threads:>4}  {fmt_time(f64)}  f64 ÷ f32 time: {statistics.median(x[0] for x in f64) / statistics.median(x[0] for x in f32):.2f}")

    if not args.no_regress:
        print()
        subprocess.run([sys.executable, os.path.join(HERE, "regress_end_to_end.py"), "--repeats", str(args.repeats),
                        "--threads", str(max(int(t) for t in args.threads.split(","))),
                        "--nabla", args.nabla], check=True)


def fmt_time(rows):
    ts = [r[0] for r in rows]
    med = statistics.median(ts)
    return f"{human(med):>13} {'(' + human(min(ts)) + '–' + human(max(ts)) + ')':>21}"


def human(seconds):
    if seconds < 1e-3:
        return f"{seconds * 1e6:.2f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.3f} ms"
    return f"{seconds:.3f} s"


def platform_line():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def torch_version():
    try:
        import torch

        return torch.__version__
    except ImportError:
        return "not installed"


if __name__ == "__main__":
    main()
