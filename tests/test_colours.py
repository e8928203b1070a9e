"""Colour-vision-safe defaults (issue 17): the choropleth's classes and the markers stay apart for
people with deuteranopia, protanopia and tritanopia, and nothing is told by colour alone.

Simulation: coloraide's ``Color.filter('deutan' | 'protan' | 'tritan')`` at full severity
(Brettel/Viénot dichromat models). Difference: CIEDE2000 (ΔE00).

Threshold, ``MIN_DE = 8``: a ΔE00 of about 1 is the just-noticeable difference for two large
patches side by side under controlled light (and ~2.3 in the older ΔE76 that the often-quoted
"JND 2.3" refers to). A choropleth asks more: a small polygon is matched to a legend swatch
some distance away, on an uncalibrated office monitor or a washed-out projector, with the
simulation itself an approximation. We ask about 3.5 such JNDs (2.3 × 3.5 ≈ 8), the margin
at which Brewer-style sequential classes remain distinguishable when not adjacent; below it
neighbouring classes are "same colour" in practice. Markers are drawn on fills, so they must
clear every fill by the same margin.
"""

from __future__ import annotations

import itertools
import re

import matplotlib
import pytest
from coloraide import Color

from geo import maps
from geo.maps.style import BRBG_FALL, BRBG_RISE, BRBG_ZERO, CIVIDIS_R, FILL_PALETTES, MAX_CLASSES, YLGNBU

MIN_DE = 8.0
CVD = ("deutan", "protan", "tritan")
VISIONS = (None, *CVD)
# Every class count the map can draw: the app and the briefing sheet use k=5 (fewer classes when
# fewer distinct values), ``export-map --k`` any of 1..MAX_CLASSES.
CLASS_COUNTS = tuple(range(2, MAX_CLASSES + 1))
# A comparison's diverging classes (geo.maps.classes.classify_change): up to 3 falls (darkest
# first), "no change" when some region did not change, up to 3 rises, as the legend lists them.
DIVERGING = {
    f"{nf}f{z}z{nr}r": (*reversed(BRBG_FALL.get(nf, ())), *([BRBG_ZERO] * z), *BRBG_RISE.get(nr, ()))
    for nf in range(4)
    for z in (0, 1)
    for nr in range(4)
    if nf + z + nr >= 2
}
# What a marker may be drawn on: every class colour, no data, outside the filter, land, sea.
BACKGROUNDS = sorted(
    {c for p in FILL_PALETTES.values() for c in p}
    | {c for p in DIVERGING.values() for c in p}
    | {maps.NODATA_FILL, maps.OUTSIDE_FILL, maps.DEFAULT_SETTINGS.land_colour, maps.DEFAULT_SETTINGS.sea_colour}
)
MARKERS = {"district": maps.DISTRICT_COLOUR, "village": maps.VILLAGE_COLOUR}


def seen(hex_colour: str, vision: str | None) -> Color:
    c = Color(hex_colour)
    return c if vision is None else c.filter(vision)


def delta(a: str, b: str, vision: str | None) -> float:
    return seen(a, vision).delta_e(seen(b, vision), method="2000")


def neighbour_min(palette: tuple[str, ...], vision: str | None) -> float:
    return min(delta(a, b, vision) for a, b in itertools.pairwise(palette))


@pytest.mark.parametrize("k", CLASS_COUNTS)
@pytest.mark.parametrize("vision", VISIONS, ids=lambda v: v or "normal")
def test_neighbouring_classes_stay_apart(k: int, vision: str | None) -> None:
    palette = FILL_PALETTES[k]
    assert len(palette) == k
    got = neighbour_min(palette, vision)
    print(f"\nk={k} {vision or 'normal'}: min ΔE2000 between neighbouring classes {got:.1f}")
    assert got >= MIN_DE, f"{k} classes under {vision}: neighbours only ΔE2000 {got:.1f} apart"


@pytest.mark.parametrize("shape", sorted(DIVERGING))
@pytest.mark.parametrize("vision", VISIONS, ids=lambda v: v or "normal")
def test_comparison_classes_stay_apart(shape: str, vision: str | None) -> None:
    got = neighbour_min(DIVERGING[shape], vision)
    print(f"\nBrBG {shape} {vision or 'normal'}: min ΔE2000 between neighbouring classes {got:.1f}")
    assert got >= MIN_DE, f"comparison classes {shape} under {vision}: neighbours only ΔE2000 {got:.1f} apart"


def test_default_fills_are_colorbrewer_or_viridis_family() -> None:
    """1–5 classes: ColorBrewer YlGnBu as published (checked against matplotlib's copy of the
    ramp); 6–8: cividis samples (matplotlib's cividis). Each lies on its family's ramp."""

    def on_ramp(hex_colour: str, name: str) -> float:
        cmap = matplotlib.colormaps[name]
        ramp = [matplotlib.colors.to_hex(cmap(i / 255)) for i in range(256)]
        return min(Color(hex_colour).delta_e(Color(r), method="2000") for r in ramp)

    for k in range(1, 6):
        assert FILL_PALETTES[k] == YLGNBU[k]
        for c in YLGNBU[k]:
            assert on_ramp(c, "YlGnBu") < 3.0, c
    for k, palette in CIVIDIS_R.items():
        assert FILL_PALETTES[k] == palette
        for c in palette:
            assert on_ramp(c, "cividis") < 1.0, c
        lightness = [Color(c).convert("lab").get("lightness") for c in palette]
        assert lightness == sorted(lightness, reverse=True), "darker must mean more, as with YlGnBu"


@pytest.mark.parametrize("vision", VISIONS, ids=lambda v: v or "normal")
def test_markers_stand_apart_from_each_other_and_every_fill(vision: str | None) -> None:
    between = delta(MARKERS["district"], MARKERS["village"], vision)
    worst = {name: min((delta(c, b, vision), b) for b in BACKGROUNDS) for name, c in MARKERS.items()}
    print(f"\n{vision or 'normal'}: district/village ΔE2000 {between:.1f}; closest fill {worst}")
    assert between >= MIN_DE
    for name, (d, fill) in worst.items():
        assert d >= MIN_DE, f"{name} marker under {vision} only ΔE2000 {d:.1f} from fill {fill}"


def over(colour: str, alpha: float, under: str) -> str:
    """``colour`` at ``alpha`` over ``under`` (what the eye sees of a translucent circle)."""
    a, b = Color(colour).convert("srgb"), Color(under).convert("srgb")
    return Color("srgb", [alpha * x + (1 - alpha) * y for x, y in zip(a.coords(), b.coords(), strict=True)]).to_string(
        hex=True
    )


@pytest.mark.parametrize("vision", VISIONS, ids=lambda v: v or "normal")
def test_circles_stand_apart_from_what_they_sit_on_and_what_sits_on_them(vision: str | None) -> None:
    """Totals' circles (geo.maps.symbols) are translucent: as seen over the valued regions'
    neutral, no data, outside, land and sea, they clear those by MIN_DE, and the stars and village
    dots drawn over them clear the circle. The neutral itself differs from land and 'outside'."""
    unders = (maps.VALUED_FILL, maps.NODATA_FILL, maps.OUTSIDE_FILL, maps.DEFAULT_SETTINGS.land_colour,
              maps.DEFAULT_SETTINGS.sea_colour)  # fmt: skip
    for under in unders:
        seen_circle = over(maps.CIRCLE_FILL, maps.CIRCLE_OPACITY, under)
        d = delta(seen_circle, under, vision)
        assert d >= MIN_DE, f"circle over {under} under {vision}: ΔE2000 {d:.1f}"
        for name, marker in MARKERS.items():
            d = delta(marker, seen_circle, vision)
            assert d >= MIN_DE, f"{name} on a circle over {under} under {vision}: ΔE2000 {d:.1f}"
    assert delta(maps.VALUED_FILL, maps.DEFAULT_SETTINGS.land_colour, vision) >= 5
    assert delta(maps.VALUED_FILL, maps.OUTSIDE_FILL, vision) >= 5


def test_specialty_outlines_are_okabe_ito() -> None:
    okabe_ito = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"}
    assert {s.colour for s in maps.SPECIALTIES} <= okabe_ito
    assert len({s.dash for s in maps.SPECIALTIES}) == len(maps.SPECIALTIES), "each has its own dash too"


@pytest.mark.parametrize("vision", VISIONS, ids=lambda v: v or "normal")
def test_policy_outlines_clear_every_fill_and_the_specialty_outlines(vision: str | None) -> None:
    """The 인구감소지역 / 관심지역 outlines (geo/maps/policy.py) are black on a white casing: the
    line clears every fill and every 권역 AI outline colour by MIN_DE, and the casing clears the
    line; the two kinds differ by their dash (not by colour) and neither dash is a 권역's nor the
    'no data' edge's."""
    from geo.maps.choropleth import _styles
    from geo.maps.policy import CASING, CASING_WEIGHT, POLICY_STYLES

    for key, style in POLICY_STYLES.items():
        d, fill = min((delta(style["color"], b, vision), b) for b in BACKGROUNDS)
        assert d >= MIN_DE, f"{key} outline under {vision} only ΔE2000 {d:.1f} from fill {fill}"
        for s in maps.SPECIALTIES:
            assert delta(style["color"], s.colour, vision) >= MIN_DE, (key, s.key, vision)
        assert delta(style["color"], CASING, vision) >= MIN_DE
        assert style["weight"] < CASING_WEIGHT  # the casing shows on both sides of the line
    dashes = [POLICY_STYLES[k]["dashArray"] or "" for k in ("decline", "interest")]
    assert len(set(dashes)) == 2, "the kinds are told apart by their line"
    nodata = next(st for st in _styles([]) if "kdim-nodata" in st["className"])
    assert not set(dashes) & ({s.dash for s in maps.SPECIALTIES if s.dash} | {nodata["dashArray"]})
    assert all(st["weight"] >= 3 * nodata["weight"] for st in POLICY_STYLES.values())  # that edge is thin and grey


@pytest.mark.parametrize("k", [1, *CLASS_COUNTS])
def test_every_legend_class_carries_its_value_label(k: int) -> None:
    """Nothing told by colour alone: each class row names its range and count in text."""
    values = [5.0, 5.0, 5.0] if k == 1 else [float(v) for v in range(1, 200, 3)]
    bins, _ = maps.classify(values, k=k)
    result = maps.ChoroplethResult(bins, has_nodata=True, has_outside=True, metric="life_total", n_features=len(bins))
    html = maps.legend_html(result, lang="ko")
    rows = re.findall(r'<div class="row kdim-class"[^>]*>(.*?)</div>', html)
    assert len(rows) == len(bins) == k
    for b, row in zip(bins, rows, strict=True):
        text = re.sub(r"<[^>]+>", " ", row)
        assert maps.fmt_number(b.lo) in text and maps.fmt_number(b.hi) in text and f"({b.count})" in text, text
    text = re.sub(r"<[^>]+>", " ", html)
    for words in ("자료 없음", "선택 범위 밖", "국가 디지털 혁신지구", "스마트빌리지 과제 (점: 위치"):
        assert words in text, words


def _bar_colours() -> dict[str, str]:
    """The bar tables' two series colours, as geo/web/page.css sets them."""
    from pathlib import Path

    css = (Path(maps.__file__).resolve().parent.parent / "web" / "page.css").read_text(encoding="utf-8")
    return dict(re.findall(r"\.kdim-(s[01]) \{ background: (#[0-9a-f]{6}); \}", css))


@pytest.mark.parametrize("vision", VISIONS)
def test_chart_bars_stand_out_from_white_and_from_each_other(vision: str | None) -> None:
    bars = _bar_colours()
    assert set(bars) == {"s0", "s1"}
    for colour in bars.values():  # WCAG 1.4.11: a bar against the page, 3:1 at least
        assert Color(colour).contrast("#ffffff") >= 3.0, colour
    assert delta(bars["s0"], bars["s1"], vision) >= MIN_DE
