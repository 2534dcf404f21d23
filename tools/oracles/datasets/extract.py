"""Extract nabla's embedded data sets and write the golden file its tests read.

Run from the repository root:

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install -r tools/oracles/datasets/requirements.txt
    /tmp/venv/bin/python tools/oracles/datasets/extract.py

Writes
  crates/nn/data/{digits,iris,wine,breast_cancer,diabetes}.csv.gz
      one header row (scikit-learn's feature names, then the target column),
      then one row per sample; class targets are scikit-learn's class indices,
      the diabetes target is the raw disease-progression number.  Every number
      is written in Python's shortest round-trip form, so Rust parses the very
      same f64 that scikit-learn's loader returns.
  crates/nn/data/penguins.csv.gz
      palmerpenguins' data/penguins.csv, byte for byte, gzip-compressed.
  crates/nn/tests/fixtures/datasets.json
      what scikit-learn / pandas / numpy say about each data set (counts,
      names, column means and population standard deviations, first and last
      rows) and StandardScaler fits on fixed training subsets, which the
      Rust tests compare against nabla's embedded loaders and Standardizer; the
      train/test sizes scikit-learn's train_test_split gives for a grid of float
      test sizes; and the permutations of shuffle_reference.py (an independent
      Python ChaCha8 + Fisher-Yates) that nabla's splits and batches must equal.

gzip files are written with mtime 0 so that a rerun produces identical bytes.
"""

import csv
import gzip
import io
import json
import os
import sys
from importlib import metadata, resources

import numpy as np
import pandas as pd
import sklearn
from sklearn import datasets
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

import shuffle_reference

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
DATA_DIR = os.path.join(ROOT, "crates", "nn", "data")
FIXTURE = os.path.join(ROOT, "crates", "nn", "tests", "fixtures", "datasets.json")


def fmt(x):
    """Shortest round-trip text of a float; integers without a decimal point."""
    x = float(x)
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


def write_gz(name, text_bytes):
    path = os.path.join(DATA_DIR, name)
    with open(path, "wb") as f:
        f.write(gzip.compress(text_bytes, compresslevel=9, mtime=0))
    return path


def write_table(name, feature_names, target_name, X, y, integer_target):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(list(feature_names) + [target_name])
    for row, t in zip(X, y):
        w.writerow([fmt(v) for v in row] + [str(int(t)) if integer_target else fmt(t)])
    return write_gz(name, buf.getvalue().encode("utf-8"))


def summary(X):
    X = np.asarray(X, dtype=np.float64)
    return {
        "n_samples": int(X.shape[0]),
        "n_features": int(X.shape[1]),
        "column_mean": [float(v) for v in X.mean(axis=0)],
        "column_std": [float(v) for v in X.std(axis=0, ddof=0)],
        "first_row": [float(v) for v in X[0]],
        "last_row": [float(v) for v in X[-1]],
        # Every value weighted by its position (k = i*d + j + 1, row-major): catches any
        # reordering or altered value that the moments above would miss.
        "position_weighted_sum": float(
            np.sum(X.reshape(-1) * np.arange(1, X.size + 1, dtype=np.float64))
        ),
    }


def scaler_case(X, seed, train_fraction):
    """StandardScaler fitted on a fixed subset (numpy's own permutation)."""
    X = np.asarray(X, dtype=np.float64)
    rng = np.random.default_rng(seed)
    perm = rng.permutation(X.shape[0])
    n_train = int(round(train_fraction * X.shape[0]))
    train, test = perm[:n_train], perm[n_train:]
    sc = StandardScaler().fit(X[train])
    probe = test[:5]
    return {
        "train_indices": [int(i) for i in train],
        "mean": [float(v) for v in sc.mean_],
        "scale": [float(v) for v in sc.scale_],
        "probe_indices": [int(i) for i in probe],
        "probe_transformed": [[float(v) for v in row] for row in sc.transform(X[probe])],
    }


# (nabla name, loader, target column name, kwargs)
CLASSIFICATION = [
    ("digits", datasets.load_digits, "digit", {}),
    ("iris", datasets.load_iris, "species", {}),
    ("wine", datasets.load_wine, "class", {}),
    ("breast_cancer", datasets.load_breast_cancer, "diagnosis", {}),
]


def main():
    os.makedirs(DATA_DIR, exist_ok=True)
    fixture = {
        "generator": "tools/oracles/datasets/extract.py",
        "versions": {
            "python": sys.version.split()[0],
            "scikit-learn": sklearn.__version__,
            "palmerpenguins": metadata.version("palmerpenguins"),
            "numpy": np.__version__,
            "pandas": pd.__version__,
        },
        "datasets": {},
        "standardize": {},
    }

    for name, loader, target_name, kwargs in CLASSIFICATION:
        b = loader(**kwargs)
        X, y = b.data, b.target
        write_table(f"{name}.csv.gz", b.feature_names, target_name, X, y, True)
        entry = summary(X)
        entry.update(
            {
                "feature_names": [str(s) for s in b.feature_names],
                "target": target_name,
                "class_names": [str(s) for s in b.target_names],
                "class_counts": [int(c) for c in np.bincount(y)],
                "first_label": int(y[0]),
                "last_label": int(y[-1]),
            }
        )
        fixture["datasets"][name] = entry

    # Diabetes: the raw (unscaled) features, as scikit-learn's scaled=False.
    b = datasets.load_diabetes(scaled=False)
    write_table("diabetes.csv.gz", b.feature_names, "progression", b.data, b.target, False)
    entry = summary(b.data)
    entry.update(
        {
            "feature_names": list(b.feature_names),
            "target": "progression",
            "target_mean": float(np.mean(b.target)),
            "target_std": float(np.std(b.target)),
            "first_target": float(b.target[0]),
            "last_target": float(b.target[-1]),
        }
    )
    fixture["datasets"]["diabetes"] = entry

    # Palmer penguins: the package's CSV verbatim.
    raw = (resources.files("palmerpenguins") / "data" / "penguins.csv").read_bytes()
    write_gz("penguins.csv.gz", raw)
    from palmerpenguins import load_penguins

    df = load_penguins()
    features = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm"]
    complete = df.dropna(subset=features)
    # Line numbers as a user counts them in the CSV file: header = line 1.
    dropped_lines = [int(i) + 2 for i in df.index.difference(complete.index)]
    species = sorted(complete["species"].unique())
    sexes = sorted(complete["sex"].dropna().unique())
    entry = summary(complete[features].to_numpy())
    entry.update(
        {
            "rows_in_file": int(len(df)),
            "dropped_lines": dropped_lines,
            "feature_names": features,
            "species_names": species,
            "species_counts": [int((complete["species"] == s).sum()) for s in species],
            "sex_names": sexes,
            "sex_counts": [int((complete["sex"] == s).sum()) for s in sexes],
            "sex_missing": int(complete["sex"].isna().sum()),
            "body_mass_missing": int(complete["body_mass_g"].isna().sum()),
            "body_mass_mean": float(complete["body_mass_g"].mean()),
            "body_mass_std": float(complete["body_mass_g"].std(ddof=0)),
        }
    )
    fixture["datasets"]["penguins"] = entry

    # StandardScaler (population std; scale 1 for constant columns) on fixed subsets.
    for name, loader, seed in [
        ("iris", datasets.load_iris, 1),
        ("wine", datasets.load_wine, 2),
        ("digits", datasets.load_digits, 3),
    ]:
        fixture["standardize"][name] = scaler_case(loader().data, seed, 0.75)
    fixture["standardize"]["diabetes"] = scaler_case(
        datasets.load_diabetes(scaled=False).data, 4, 0.75
    )

    sizes = []
    for n in [1, 2, 3, 7, 10, 150, 178, 442, 569, 1797]:
        for t in [0.01, 0.1, 0.2, 0.25, 0.3, 1 / 3, 0.5, 0.7, 0.99]:
            idx = list(range(n))
            try:
                train, test = train_test_split(idx, test_size=t, random_state=0)
                sizes.append({"n": n, "test_fraction": t, "n_train": len(train), "n_test": len(test)})
            except ValueError:
                sizes.append({"n": n, "test_fraction": t, "n_train": None, "n_test": None})
    fixture["split_sizes"] = sizes
    fixture["shuffle"] = shuffle_reference.cases()

    os.makedirs(os.path.dirname(FIXTURE), exist_ok=True)
    with open(FIXTURE, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
