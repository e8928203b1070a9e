"""Class breaks in NumPy (issue 30): the same bins as mapclassify, without its import in a rerun."""

import subprocess
import sys
import warnings
from pathlib import Path

import mapclassify
import numpy as np
import pytest

from geo.maps import classes

ROOT = Path(__file__).resolve().parent.parent


def value_sets(n: int = 160):
    """Amounts as the records have them: uniform, long-tailed with one decimal, small counts, ties."""
    rng = np.random.default_rng(30)
    for trial in range(n):
        size, k = int(rng.integers(6, 260)), int(rng.integers(2, 8))
        y = [
            rng.random(size) * 1000,
            np.round(rng.lognormal(3, 1.5, size), 1),
            rng.integers(1, 20, size).astype(float),
            np.round(rng.exponential(50, size), 0),
        ][trial % 4]
        if len(np.unique(y)) > k:
            yield tuple(np.sort(y)), k


@pytest.mark.parametrize("scheme", ["natural_breaks", "quantiles"])
def test_numpy_breaks_are_mapclassifys_bin_for_bin(scheme):
    cls = mapclassify.FisherJenks if scheme == "natural_breaks" else mapclassify.Quantiles
    compared = 0
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore")
        for values, k in value_sets():
            want = tuple(sorted({float(b) for b in cls(np.asarray(values), k=k).bins}))
            assert classes._mapclassify_breaks(values, k, scheme) == want, (len(values), k)
            compared += 1
    assert compared > 100


def test_the_bundled_records_breaks_are_unchanged():
    """The 시군구 lifetime totals and the 2024 국비 by 시도: what the maps drew before."""
    from geo import join, programs

    records = join.attach(programs.load_programs().records)
    for level, metric in (("sigungu", "life_total"), ("sido", "budget_2024_national"), ("sigungu", "records")):
        y = join.aggregate(records, level, metric)["value"].dropna().sort_values()
        values = tuple(float(v) for v in y)
        if len(set(values)) <= 5:
            continue
        want = tuple(sorted({float(b) for b in mapclassify.FisherJenks(np.asarray(values), k=5).bins}))
        assert classes._mapclassify_breaks(values, 5, "natural_breaks") == want


def test_a_view_not_in_the_store_is_classed_without_scipy():
    """bench_app's slowest change (사업 유형 back to 전체 with 연도 2024) imported mapclassify mid-rerun:
    2.8-3.3 s. A fresh interpreter classes unseen values and never imports SciPy or scikit-learn."""
    code = (
        "import sys; from geo.maps import classes\n"
        "bins, _ = classes.classify([1.5, 2, 3, 7, 11, 13, 40, 41, 90, 91.5, 300], 5, 'natural_breaks')\n"
        "q, _ = classes.classify(list(range(1, 40)), 4, 'quantiles')\n"
        "print(len(bins), len(q), sorted(m for m in ('mapclassify', 'scipy', 'sklearn') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["5", "4", "[]"], out.stdout + out.stderr
