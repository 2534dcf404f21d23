#!/usr/bin/env python3
"""Golden fixtures for nabla-stats and `nabla regress`.

For every case it writes the data as CSV and a JSON fixture with the answers of
  * statsmodels (OLS summary: params, bse, t, p, conf_int, R², F, llf, AIC, BIC, condition number,
    Durbin-Watson statistic),
  * R (lm / summary.lm, lmtest::dwtest exact p-values by Pan's algorithm and its normal
    approximation, lmtest::bgtest Chisq and F forms), through r_reference.R,
  * an independent exact Durbin-Watson computation: numpy's symmetric eigensolver on M·A·M of the
    retained design, then Imhof's (1961) formula integrated by scipy.integrate.quad,
  * for Longley, NIST's certified values.

Usage: python3 tools/oracles/stats/generate.py   (from the repository root; needs statsmodels,
pandas, scipy and Rscript with lmtest; see README.md for the versions used). CI never runs it.
"""
import json
import os
import platform
import subprocess
import sys
import tempfile

import numpy as np
import pandas as pd
import scipy
import statsmodels
import statsmodels.api as sm
from scipy import integrate
from statsmodels.stats.stattools import durbin_watson

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
OUT = os.path.join(ROOT, "crates", "stats", "tests", "fixtures")
DATA = os.path.join(OUT, "data")
HERE = os.path.dirname(os.path.abspath(__file__))

# NIST StRD Longley, certified values (intercept first).
NIST_LONGLEY = {
    "estimate": [-3482258.63459582, 15.0618722713733, -0.358191792925910e-01,
                 -2.02022980381683, -1.03322686717359, -0.511041056535807e-01,
                 1829.15146461355],
    "std_error": [890420.383607373, 84.9149257747669, 0.334910077722432e-01,
                  0.488399681651699, 0.214274163161675, 0.226073200069370,
                  455.478499142212],
    "sigma": 304.854073561965,
    "r_squared": 0.995479004577296,
    "rss": 836424.055505915,
    "f_statistic": 330.285339234588,
}


def r_versions():
    out = subprocess.run(["Rscript", "-e", "cat(R.version.string, '|', as.character(packageVersion('lmtest')))"],
                         check=True, capture_output=True, text=True).stdout
    r, lm = out.split("|")
    return r.strip(), lm.strip()


def versions():
    r, lmtest = r_versions()
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "pandas": pd.__version__,
        "statsmodels": statsmodels.__version__,
        "R": r,
        "lmtest": lmtest,
    }


def difference_matrix(n):
    a = 2.0 * np.eye(n) - np.eye(n, k=1) - np.eye(n, k=-1)
    a[0, 0] = a[-1, -1] = 1.0
    return a


def retained_columns(x, tol=1e-7):
    """Columns kept by R's rule: in order, drop a column whose part orthogonal to the kept
    ones is below tol·|R_11| (checked with numpy's QR of the kept columns)."""
    kept = []
    r11 = None
    for j in range(x.shape[1]):
        trial = kept + [j]
        r = np.linalg.qr(x[:, trial], mode="r")
        if r11 is None:
            r11 = abs(r[0, 0])
        if abs(r[-1, -1]) >= tol * r11 and r11 > 0:
            kept = trial
    return kept


def imhof_lower(c):
    """P(sum c_i z_i^2 <= 0) by Imhof's formula: 1/2 - (1/pi) int_0^inf sin(theta)/(u rho) du."""
    c = np.asarray(c)

    def f(u):
        if u == 0.0:
            return 0.5 * np.sum(c)
        theta = 0.5 * np.sum(np.arctan(c * u))
        log_rho = 0.25 * np.sum(np.log1p((c * u) ** 2))
        with np.errstate(over="ignore"):
            return np.sin(theta) / (u * np.exp(log_rho))

    total, pieces = 0.0, [0.0, 1.0, 10.0, 100.0, 1e3, 1e4, np.inf]
    for a, b in zip(pieces[:-1], pieces[1:]):
        v, _ = integrate.quad(f, a, b, limit=2000, epsabs=1e-15, epsrel=1e-13)
        total += v
    return 0.5 - total / np.pi


def independent_dw(x, resid):
    n = len(resid)
    kept = retained_columns(x)
    q, _ = np.linalg.qr(x[:, kept])
    m = np.eye(n) - q @ q.T
    ev = np.linalg.eigvalsh(m @ difference_matrix(n) @ m)
    ev = np.sort(ev)[len(kept):]
    d = float(np.sum(np.diff(resid) ** 2) / np.sum(resid ** 2))
    greater = imhof_lower(ev - d)
    less = 1.0 - greater
    return {
        "method": "numpy.linalg.eigvalsh of M·A·M + Imhof (1961) by scipy.integrate.quad",
        "statistic": d,
        "p_greater": float(greater),
        "p_less": float(less),
        "p_two_sided": float(min(1.0, 2.0 * min(greater, less))),
    }


def bounds_quantile(lam, alpha):
    """The alpha-quantile of sum(lam z^2)/sum(z^2): brentq on Imhof's CDF."""
    from scipy.optimize import brentq
    if len(lam) == 1 or lam[-1] - lam[0] < 1e-15:
        return float(lam[0])
    return float(brentq(lambda d: imhof_lower(lam - d) - alpha, lam[0] + 1e-12, lam[-1] - 1e-12,
                        xtol=1e-14, rtol=1e-14))


def bounds_fixture(vers):
    """d_L and d_U from Durbin and Watson's bounding distributions, computed independently."""
    rows = []
    for n in (6, 10, 15, 20, 30, 50, 100, 200):
        lam = 4.0 * np.sin(np.pi * np.arange(1, n) / (2.0 * n)) ** 2
        for kp in range(0, 6):
            k = kp + 1
            if n - k < 1:
                continue
            for alpha in (0.05, 0.01):
                rows.append({"n": n, "k_prime": kp, "alpha": alpha,
                             "d_l": bounds_quantile(lam[: n - k], alpha),
                             "d_u": bounds_quantile(lam[kp:], alpha)})
    return {
        "generated_by": "tools/oracles/stats/generate.py",
        "method": "eigenvalues 4 sin^2(pi j / 2n); d_L from j = 1..n-k, d_U from j = k'+1..n-1; "
                  "alpha-quantile by scipy.optimize.brentq on Imhof's CDF (scipy.integrate.quad)",
        "versions": vers,
        "bounds": rows,
    }


def statsmodels_answers(y, x, names):
    res = sm.OLS(y, x).fit()
    ci = res.conf_int(0.05)
    return {
        "estimate": res.params.tolist(),
        "std_error": res.bse.tolist(),
        "t": res.tvalues.tolist(),
        "p_value": res.pvalues.tolist(),
        "ci_low": ci[:, 0].tolist(),
        "ci_high": ci[:, 1].tolist(),
        "r_squared": float(res.rsquared),
        "adj_r_squared": float(res.rsquared_adj),
        "f_statistic": float(res.fvalue) if res.df_model > 0 else None,
        "f_p_value": float(res.f_pvalue) if res.df_model > 0 else None,
        "sigma": float(np.sqrt(res.scale)),
        "log_likelihood": float(res.llf),
        "aic": float(res.aic),
        "bic": float(res.bic),
        "condition_number": float(np.linalg.cond(x)),
        "df_resid": float(res.df_resid),
        "durbin_watson": float(durbin_watson(res.resid)),
        "residuals": res.resid.tolist(),
        "fitted": res.fittedvalues.tolist(),
    }


def parse_r(path):
    out = {}
    with open(path) as fh:
        for line in fh:
            key, _, rest = line.strip().partition(" ")
            if key in ("r_version", "lmtest_version"):
                out[key] = rest
                continue
            vals = [None if v == "NA" else float(v) for v in rest.split()]
            out[key] = vals if len(vals) != 1 or key in (
                "estimate", "std_error", "t", "p_value", "ci_low", "ci_high", "residuals", "fitted") else vals[0]
    return out


def ar1_case(name, rho, n, seed):
    rng = np.random.default_rng(seed)
    t = np.arange(n, dtype=float)
    x = 10.0 + 0.1 * t + rng.normal(0.0, 1.0, n)
    u = np.empty(n)
    u[0] = rng.normal(0.0, 1.0) / np.sqrt(1.0 - rho ** 2)
    for i in range(1, n):
        u[i] = rho * u[i - 1] + rng.normal(0.0, 1.0)
    y = 1.0 + 2.0 * x + u
    return name, pd.DataFrame({"x": x, "y": y}), "y", ["x"], True, 2, (
        f"synthetic: y = 1 + 2x + u, u AR(1) with rho = {rho}, n = {n}, numpy default_rng({seed})")


def cases(rdir):
    out = []
    textbook = pd.DataFrame({
        "x": [48.9, 50.4, 52.9, 55, 56.8, 58.8, 61.2, 62.5, 64.7, 68],
        "y": [40.8, 42.5, 44.9, 46.1, 47.4, 49.1, 51.5, 53.5, 54.2, 57.3]})
    out.append(("textbook", textbook, "y", ["x"], True, 1, "MISSION.md reference problem"))
    longley = sm.datasets.longley.load_pandas().data
    out.append(("longley", longley, "TOTEMP", ["GNPDEFL", "GNP", "UNEMP", "ARMED", "POP", "YEAR"],
                True, 1, "NIST StRD Longley (statsmodels.datasets.longley)"))
    rsets = [
        ("cars", "dist", ["speed"], 1),
        ("women", "weight", ["height"], 1),
        ("mtcars", "mpg", ["wt", "hp"], 2),
        ("lifecyclesavings", "sr", ["pop15", "pop75", "dpi", "ddpi"], 1),
        ("trees", "Volume", ["Girth", "Height"], 1),
        ("stackloss", "stack_loss", ["air_flow", "water_temp", "acid_conc"], 2),
        ("faithful", "eruptions", ["waiting"], 1),
    ]
    for name, y, xs, order in rsets:
        df = pd.read_csv(os.path.join(rdir, name + ".csv"))
        out.append((name, df, y, xs, True, order, f"R data set '{name}'"))
    cars = pd.read_csv(os.path.join(rdir, "cars.csv"))
    out.append(("cars_no_intercept", cars, "dist", ["speed"], False, 1, "R data set 'cars', no intercept"))
    out.append(ar1_case("ar1_rho_neg", -0.9, 60, 11))
    out.append(ar1_case("ar1_rho_zero", 0.0, 60, 12))
    out.append(ar1_case("ar1_rho_pos", 0.9, 60, 13))
    out.append(ar1_case("ar1_n500", 0.1, 500, 14))
    rng = np.random.default_rng(21)
    n = 40
    x1 = rng.normal(0.0, 1.0, n)
    x2 = x1 + 1e-6 * rng.normal(0.0, 1.0, n)
    yv = 3.0 + x1 + 2.0 * x2 + rng.normal(0.0, 0.5, n)
    out.append(("near_collinear", pd.DataFrame({"x1": x1, "x2": x2, "y": yv}), "y", ["x1", "x2"], True, 1,
                "synthetic: x2 = x1 + 1e-6·noise, numpy default_rng(21)"))
    rng = np.random.default_rng(23)
    x1 = rng.normal(0.0, 1.0, n)
    x2 = x1 + 1e-8 * rng.normal(0.0, 1.0, n)
    yv = 3.0 + x1 + 2.0 * x2 + rng.normal(0.0, 0.5, n)
    out.append(("near_aliased", pd.DataFrame({"x1": x1, "x2": x2, "y": yv}), "y", ["x1", "x2"], True, 1,
                "synthetic: x2 = x1 + 1e-8·noise, below R's 1e-7 tolerance (aliased), numpy default_rng(23)"))
    rng = np.random.default_rng(22)
    n = 30
    a = rng.normal(0.0, 1.0, n)
    b = rng.normal(0.0, 1.0, n)
    yv = 1.0 + a - b + rng.normal(0.0, 0.3, n)
    out.append(("rank_deficient", pd.DataFrame({"a": a, "b": b, "c": a + b, "y": yv}), "y", ["a", "b", "c"],
                True, 1, "synthetic: c = a + b exactly (aliased), numpy default_rng(22)"))
    return out


def main():
    os.makedirs(DATA, exist_ok=True)
    vers = versions()
    with tempfile.TemporaryDirectory() as tmp:
        rdir = os.path.join(tmp, "rdata")
        os.makedirs(rdir)
        subprocess.run(["Rscript", os.path.join(HERE, "r_reference.R"), "--export", rdir], check=True)
        work = os.path.join(tmp, "cases")
        os.makedirs(work)
        all_cases = cases(rdir)
        for name, df, y, xs, intercept, order, source in all_cases:
            df = df[xs + [y]] if y not in xs else df
            # 17 significant digits: the CSV holds exactly the doubles every tool fits.
            df.to_csv(os.path.join(DATA, name + ".csv"), index=False, float_format="%.17g")
            df.to_csv(os.path.join(work, name + ".csv"), index=False, float_format="%.17g")
            with open(os.path.join(work, name + ".spec"), "w") as fh:
                fh.write(f"{y}\n{' '.join(xs)}\n{'intercept' if intercept else 'none'}\n{order}\n")
        subprocess.run(["Rscript", os.path.join(HERE, "r_reference.R"), work], check=True)
        with open(os.path.join(OUT, "dw_bounds.json"), "w") as fh:
            json.dump(bounds_fixture(vers), fh, indent=1)
            fh.write("\n")
        for name, df, y, xs, intercept, order, source in all_cases:
            data = pd.read_csv(os.path.join(DATA, name + ".csv"))
            yv = data[y].to_numpy(float)
            x = data[xs].to_numpy(float)
            names = xs[:]
            if intercept:
                x = np.column_stack([np.ones(len(yv)), x])
                names = ["intercept"] + names
            fixture = {
                "case": name,
                "source": source,
                "generated_by": "tools/oracles/stats/generate.py",
                "versions": vers,
                "csv": f"data/{name}.csv",
                "y": y,
                "x": xs,
                "intercept": intercept,
                "bg_order": order,
                "names": names,
                "statsmodels": statsmodels_answers(yv, x, names),
                "r": parse_r(os.path.join(work, name + ".r.txt")),
            }
            kept = retained_columns(x)
            beta = np.linalg.lstsq(x[:, kept], yv, rcond=None)[0]
            resid = yv - x[:, kept] @ beta
            fixture["independent_exact"] = independent_dw(x, resid)
            if name == "longley":
                fixture["nist_certified"] = NIST_LONGLEY
            with open(os.path.join(OUT, name + ".json"), "w") as fh:
                json.dump(fixture, fh, indent=1)
                fh.write("\n")
            print(f"{name}: n={len(yv)} written", file=sys.stderr)


if __name__ == "__main__":
    main()
