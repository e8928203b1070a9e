"""Class breaks of the choropleth (mapclassify), shared by the web map and the briefing sheet."""

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
    """Upper class bounds from mapclassify, cached: a filter state seen before costs nothing.

    mapclassify.FisherJenks is exact and deterministic (its NaturalBreaks samples at random).
    Without numba it takes ~1 ms for the ~25 regions the records reach and ~0.1 s for all
    229 시군구, once per distinct set of values. The views opened first are read from the
    store beside the display layers (geo.maps.breakstore): no mapclassify import at start.
    """
    hit = breakstore.stored(values, k, scheme)
    if hit is not None:
        return hit
    out = _mapclassify_breaks(values, k, scheme)
    COMPUTED[breakstore.key(values, k, scheme)] = out
    return out


def _mapclassify_breaks(values: tuple[float, ...], k: int, scheme: str) -> tuple[float, ...]:
    import warnings

    import mapclassify

    y = np.asarray(values)
    cls = mapclassify.Quantiles if scheme == "quantiles" or y.size > 2000 else mapclassify.FisherJenks
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Numba not installed")
        return tuple(sorted({float(b) for b in cls(y, k=k).bins}))


def class_of(value: float, bins: Sequence[ClassBin]) -> int | None:
    """Index of the bin holding value (bins cover the data exactly; gaps go up)."""
    if value is None or not math.isfinite(value):
        return None
    for i, b in enumerate(bins):
        if value <= b.hi:
            return i
    return len(bins) - 1 if bins else None
