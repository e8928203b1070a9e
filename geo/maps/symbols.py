"""Totals as proportional circles: the scale, the three reference circles, the colours.

Amounts (억원) and counts are totals: a choropleth of them lets a large 시도 dominate by its area,
whatever its value (Datawrapper's and Axis Maps' advice: choropleths for rates and shares,
symbols for totals). A circle's *area* is proportional to its value (radius ∝ √value), one scale
per map (two years side by side share one), the largest value drawn at ``max_radius`` pixels.
The web map (geo/web/kdim.js ``circles``) and the briefing sheet (geo/briefing/draw_map.py)
read the same :class:`CircleScale`, so a circle means the same on screen and on paper.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

REPRESENTATIONS = ("circle", "fill")  # 표현: 원 / 색
CIRCLE_FILL = "#0072B2"  # Okabe-Ito blue: clear of the stars, the village dots and the 권역 lines
CIRCLE_OPACITY = 0.72  # regions' outlines stay visible through a circle
CIRCLE_EDGE = "#ffffff"  # a thin outline: where overlapping circles meet
VALUED_FILL = "#e3ded1"  # a region with a value: a light neutral under its circle
MIN_RADIUS = 2.5  # px: the smallest value stays visible (its area is then a little too large)
MAX_RADIUS = {"sido": 30.0, "sigungu": 17.0}  # px at the laptop's type size (MapSettings.marker_px 22)


@dataclass(frozen=True)
class CircleScale:
    """One map's circle scale: ``radius(v) = max_radius · √(v / vmax)``, and its three reference values."""

    vmax: float
    max_radius: float
    refs: tuple[float, ...]  # the legend's circles, largest first, rounded

    def radius(self, v: float) -> float:
        """The circle's radius in px (0 for no value or a value ≤ 0)."""
        if not (self.vmax > 0) or v is None or not math.isfinite(v) or v <= 0:
            return 0.0
        return max(MIN_RADIUS, self.max_radius * math.sqrt(v / self.vmax))


def nice(v: float) -> float:
    """``v`` rounded down to one significant digit (1,234 → 1,000; 0.37 → 0.3; 7 → 7)."""
    if v <= 0 or not math.isfinite(v):
        return 0.0
    p = 10.0 ** math.floor(math.log10(v))
    return round(math.floor(v / p + 1e-9) * p, 12)


def reference_values(vmax: float, integers: bool = False) -> tuple[float, ...]:
    """Three rounded values for the legend: about the largest, a quarter and a sixteenth of it
    (radii about 1, ½ and ¼ of the largest), distinct and positive; counts stay whole."""
    out: list[float] = []
    for f in (1, 4, 16):
        r = nice(vmax / f)
        if integers:
            r = float(math.floor(r))
        if r > 0 and all(abs(r - o) > 1e-9 for o in out):
            out.append(r)
    if integers and len(out) < 3 and vmax >= 2 and 1.0 not in out:  # a few tasks: 1 as the small reference
        out.append(1.0)
    return tuple(out)


def circle_scale(values: Iterable[float], level: str, *, marker_px: int = 22, integers: bool = False) -> CircleScale:
    """The scale of one map (or of two maps side by side: pass both years' values)."""
    present = [float(v) for v in values if v is not None and math.isfinite(float(v)) and float(v) > 0]
    vmax = max(present) if present else 0.0
    rmax = MAX_RADIUS.get(level, MAX_RADIUS["sigungu"]) * marker_px / 22
    return CircleScale(vmax, round(rmax, 2), reference_values(vmax, integers) if vmax else ())


def check_represent(represent: str) -> str:
    if represent not in REPRESENTATIONS:
        raise ValueError(f"represent must be one of {REPRESENTATIONS}, not {represent!r}")
    return represent
