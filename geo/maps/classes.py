"""Class breaks of the choropleth (mapclassify's Fisher-Jenks and quantiles, in NumPy), shared by the
web map and the briefing sheet."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from geo.maps import breakstore
from geo.maps.style import BRBG_FALL, BRBG_RISE, BRBG_ZERO, FILL_PALETTES, MAX_CLASSES, SCHEMES


@dataclass(frozen=True)
class ClassBin:
    lo: float  # smallest value in the class
    hi: float  # largest value in the class
    colour: str
    count: int


def classify(values: Iterable[float], k: int = 5, scheme: str = "natural_breaks") -> tuple[list[ClassBin], list[float]]:
    """Class bins (covering every value) and their upper bounds.

    Natural breaks are mapclassify's Fisher-Jenks; quantiles are mapclassify's Quantiles.
    With fewer distinct values than k, each value is a class.
    Quantile ties that would make empty classes are dropped.
    """
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {SCHEMES}, not {scheme!r}")
    y = np.asarray([float(v) for v in values if v is not None and math.isfinite(float(v))])
    if y.size == 0:
        return [], []
    k = max(1, min(int(k), MAX_CLASSES))
    uniq = np.unique(y)
    if uniq.size <= k:
        uppers = [float(u) for u in uniq]
    else:
        uppers = list(breaks(tuple(np.sort(y)), k, scheme))
    uppers[-1] = max(uppers[-1], float(y.max()))
    idx = np.searchsorted(np.asarray(uppers), y, side="left")
    members = [y[idx == i] for i in range(len(uppers))]
    kept = [(float(m.min()), float(m.max()), int(m.size)) for m in members if m.size]
    palette = FILL_PALETTES[len(kept)]
    bins = [ClassBin(lo, hi, palette[i], n) for i, (lo, hi, n) in enumerate(kept)]
    return bins, [b.hi for b in bins]


def classify_change(values: Iterable[float], k: int = 3, scheme: str = "natural_breaks") -> list[ClassBin]:
    """Diverging bins for a change: up to ``k`` classes of falls, "no change", up to ``k`` of rises.

    Each side is classed on its own (by size of the change), so a few large rises do not fold
    every fall into one class; colours darken away from zero on both sides (BrBG).
    """
    y = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    k = max(1, min(int(k), 3))
    falls, _ = classify([-v for v in y if v < 0], k, scheme)
    rises, _ = classify([v for v in y if v > 0], k, scheme)
    out = [ClassBin(-b.hi, -b.lo, BRBG_FALL[len(falls)][i], b.count) for i, b in reversed(list(enumerate(falls)))]
    zeros = sum(1 for v in y if v == 0)
    if zeros:
        out.append(ClassBin(0.0, 0.0, BRBG_ZERO, zeros))
    out += [dataclasses.replace(b, colour=BRBG_RISE[len(rises)][i]) for i, b in enumerate(rises)]
    return out


def recount(bins: Sequence[ClassBin], values: Iterable[float]) -> list[ClassBin]:
    """The same bins counting other values (two years' maps sharing one set of classes)."""
    counts = [0] * len(bins)
    for v in values:
        i = class_of(v, bins)
        if i is not None:
            counts[i] += 1
    return [dataclasses.replace(b, count=n) for b, n in zip(bins, counts, strict=True)]


COMPUTED: dict[str, tuple[float, ...]] = {}  # breaks mapclassify computed in this process (build-start)


@lru_cache(maxsize=256)
def breaks(values: tuple[float, ...], k: int, scheme: str) -> tuple[float, ...]:
    """Upper class bounds as mapclassify computes them, cached: a filter state seen before costs
    nothing. FisherJenks is exact and deterministic (mapclassify's NaturalBreaks samples at
    random); in NumPy it takes ~1 ms for the ~25 regions the records reach and a few ms for all
    229 시군구, with no SciPy import in a rerun. The views opened first are read from the store
    beside the display layers (geo.maps.breakstore).
    """
    hit = breakstore.stored(values, k, scheme)
    if hit is not None:
        return hit
    out = _mapclassify_breaks(values, k, scheme)
    COMPUTED[breakstore.key(values, k, scheme)] = out
    return out


def _mapclassify_breaks(values: tuple[float, ...], k: int, scheme: str) -> tuple[float, ...]:
    """mapclassify's bins, in NumPy: its import (SciPy, scikit-learn: ~1 s and ~100 MB) never
    happens in a rerun. tests/test_classes.py checks them equal to mapclassify's, bin for bin."""
    y = np.asarray(values, dtype="f8")
    bins = quantile_bins(y, k) if scheme == "quantiles" or y.size > 2000 else fisher_jenks_bins(np.sort(y), k)
    return tuple(sorted({float(b) for b in bins}))


def quantile_bins(y: np.ndarray, k: int) -> np.ndarray:
    """mapclassify.Quantiles: the k quantiles (linear interpolation, as scipy's scoreatpercentile),
    ties collapsed."""
    w = 100.0 / k
    p = np.arange(w, 100 + w, w)
    if p[-1] > 100.0:
        p[-1] = 100.0
    a = np.sort(y)
    out = []
    for per in p:  # scipy.stats.scoreatpercentile's own arithmetic (np.percentile differs in the last bit)
        idx = per / 100.0 * (a.shape[0] - 1)
        i = int(idx)
        if i == idx:
            out.append(float(a[i]))
        else:
            weights = np.array([(i + 1 - idx), (idx - i)], float)
            out.append(float(np.add.reduce(a[i : i + 2] * weights) / weights.sum()))
    return np.unique(np.asarray(out, dtype="f8"))


def fisher_jenks_bins(x: np.ndarray, k: int) -> np.ndarray:
    """mapclassify.FisherJenks on sorted ``x``: the same dynamic programme (in float32, as its
    numba kernel), with the inner loop over class starts done as arrays. Ties go to the later
    start, as its ``>=`` does. ~5 ms for the 229 시군구."""
    n = len(x)
    f32 = np.float32
    first = np.zeros((n + 1, k + 1), dtype=np.int64)  # mat1: where the last class starts
    cost = np.zeros((n + 1, k + 1), dtype=f32)  # mat2: within-class variance of the best split
    first[1, 1:] = 1
    cost[2:, 1:] = np.inf
    xs = x.astype(f32)
    for end in range(2, n + 1):
        vals = xs[end - 1 :: -1]  # m = 1..end: values[end - m]
        s1 = np.cumsum(vals, dtype=f32)
        s2 = np.cumsum(vals * vals, dtype=f32)
        w = np.arange(1, end + 1, dtype=f32)
        v = s2 - (s1 * s1) / w
        starts = end - np.arange(1, end + 1) + 1  # i3
        inner = starts - 1 >= 1  # i4 != 0
        for j in range(2, k + 1):
            cand = v[inner] + cost[starts[inner] - 1, j - 1]
            best = cand.min()
            if cost[end, j] >= best:
                last = len(cand) - 1 - int(np.argmin(cand[::-1]))  # the later start among equals
                first[end, j] = starts[inner][last]
                cost[end, j] = best
        first[end, 1] = 1
        cost[end, 1] = v[-1]
    kclass = np.zeros(k + 1, dtype=x.dtype)
    kclass[k] = x[n - 1]
    kclass[0] = x[0]
    at = n
    for c in range(k, 1, -1):
        pivot = first[at, c]
        kclass[c - 1] = x[int(pivot - 2)]
        at = int(pivot - 1)
    return kclass[1:]


def class_of(value: float, bins: Sequence[ClassBin]) -> int | None:
    """Index of the bin holding value (bins cover the data exactly; gaps go up)."""
    if value is None or not math.isfinite(value):
        return None
    for i, b in enumerate(bins):
        if value <= b.hi:
            return i
    return len(bins) - 1 if bins else None
