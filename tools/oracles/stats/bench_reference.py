#!/usr/bin/env python3
"""Reference timings for nabla-stats' benchmark (`cargo bench -p nabla-stats`), on the same
machine: ordinary least squares at n = 1e6, p = 50 with numpy.linalg.lstsq and statsmodels OLS
(fit plus the summary statistics nabla computes eagerly), and R's lmtest::dwtest exact p-value
(Pan's algorithm on the eigenvalues of M·A) at n = 100, 1000, 2000.

Usage: python3 tools/oracles/stats/bench_reference.py [--repeat 3] [--skip-r]
Prints one line per measurement: name, best wall time in seconds over the repeats.
"""
import argparse
import subprocess
import time

import numpy as np
import statsmodels.api as sm


def best(f, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-r", action="store_true")
    args = ap.parse_args()

    n, p = 1_000_000, 50
    rng = np.random.default_rng(0)
    x = np.column_stack([np.ones(n), rng.uniform(-1, 1, (n, p - 1))])
    y = x @ np.arange(p, dtype=float) + rng.uniform(-1, 1, n)

    t = best(lambda: np.linalg.lstsq(x, y, rcond=None), args.repeat)
    print(f"numpy.linalg.lstsq n=1e6 p=50: {t:.3f} s")

    def statsmodels_fit():
        res = sm.OLS(y, x).fit()
        # What nabla's fit computes eagerly.
        return (res.params, res.bse, res.tvalues, res.pvalues, res.conf_int(), res.rsquared,
                res.rsquared_adj, res.fvalue, res.f_pvalue, res.llf, res.aic, res.bic,
                res.condition_number, res.resid, res.fittedvalues)

    t = best(statsmodels_fit, args.repeat)
    print(f"statsmodels OLS fit + summary statistics n=1e6 p=50: {t:.3f} s")

    if not args.skip_r:
        for n_dw in (100, 1000, 2000):
            script = f"""
suppressPackageStartupMessages(library(lmtest))
set.seed(1); n <- {n_dw}; x <- rnorm(n); y <- 1 + 2 * x + rnorm(n)
t <- system.time(dwtest(y ~ x, exact = TRUE))[["elapsed"]]
cat(t)
"""
            out = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, check=True)
            print(f"R lmtest::dwtest exact n={n_dw}: {float(out.stdout):.3f} s")


if __name__ == "__main__":
    main()
