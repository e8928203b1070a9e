"""How the map looks: palettes, colours, the 권역 specialties' line styles, marker symbols and
the sizes a briefing may change (:class:`MapSettings`).

Colours are chosen for colour-vision deficiency (ColorBrewer YlGnBu fills up to 5 classes,
cividis for 6 to 8, Okabe-Ito lines, ColorBrewer markers) and never carry meaning alone
(hatching for no data, dashes for specialties, a value label on every legend class).
tests/test_colours.py simulates deuteranopia, protanopia and tritanopia over all of them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

SCHEMES = ("natural_breaks", "quantiles")


# ColorBrewer YlGnBu (sequential, colour-blind safe, prints in greyscale), per class count.
YLGNBU: dict[int, tuple[str, ...]] = {
    3: ("#edf8b1", "#7fcdbb", "#2c7fb8"),
    4: ("#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"),
    5: ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"),
    6: ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"),
    7: ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"),
    8: ("#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"),
    9: ("#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#253494", "#081d58"),
}
YLGNBU[1] = ("#41b6c4",)
YLGNBU[2] = ("#a1dab4", "#2c7fb8")

# ColorBrewer BrBG (diverging, colour-blind safe) for a change between two years: brown falls,
# teal rises, darker away from zero, by the number of classes on that side (the outer classes
# of the 3-, 5- and 9-class schemes: the palest ones sit too close to the grey of "no change").
# Not purple-orange: the districts' stars stand out from it, and the Smart Village dots are red.
BRBG_FALL: dict[int, tuple[str, ...]] = {
    1: ("#d8b365",),
    2: ("#dfc27d", "#a6611a"),
    3: ("#dfc27d", "#bf812d", "#8c510a"),
}
BRBG_RISE: dict[int, tuple[str, ...]] = {
    1: ("#5ab4ac",),
    2: ("#80cdc1", "#018571"),
    3: ("#80cdc1", "#35978f", "#01665e"),
}
BRBG_ZERO = "#f5f5f5"

# cividis (the viridis family's colour-vision-deficiency design, Nuñez et al. 2018), sampled evenly
# from matplotlib's map and reversed so that, as with YlGnBu, darker means more. From 6 classes on,
# YlGnBu's light neighbours merge under tritanopia/protanopia (ΔE2000 down to 2.8 at 9 classes);
# cividis keeps them ≥ 8 up to 8 classes, and no sequential scheme tested does at 9.
CIVIDIS_R: dict[int, tuple[str, ...]] = {
    6: ("#fee838", "#c8b866", "#948e77", "#666970", "#35456c", "#00224e"),
    7: ("#fee838", "#d2c060", "#a59c74", "#7d7c78", "#575d6d", "#2a3f6d", "#00224e"),
    8: ("#fee838", "#d9c55c", "#b1a570", "#8e8978", "#6c6e72", "#4c556c", "#213b6e", "#00224e"),
}
MAX_CLASSES = 8
FILL_PALETTES: dict[int, tuple[str, ...]] = {**{k: YLGNBU[k] for k in range(1, 6)}, **CIVIDIS_R}
"""The choropleth's classes by class count: what :func:`geo.maps.classes.classify` paints."""

NODATA_FILL = "#ededed"  # grey + hatching: never confused with the lightest class (#ffffcc)
NODATA_HATCH = "#c2c2c2"
OUTSIDE_FILL = "#f4f4f2"  # regions outside the region filter: present, muted, no value


@dataclass(frozen=True)
class Specialty:
    """A 권역's regional AI specialty (S0, S1): which 시도, which colour and line."""

    key: str  # value of the records' ``specialty`` column
    group_ko: str
    group_en: str
    name_ko: str
    name_en: str
    sido: tuple[str, ...]  # 2024 시도 codes
    colour: str  # Okabe-Ito (colour-blind safe), distinct from the YlGnBu fills
    dash: str  # a second cue besides colour


SPECIALTIES: tuple[Specialty, ...] = (
    Specialty(
        "manufacturing",
        "영남",
        "Yeongnam",
        "제조",
        "Manufacturing",
        ("26", "27", "31", "47", "48"),
        "#D55E00",
        "",
    ),
    Specialty("agriculture", "호남", "Honam", "농업", "Agriculture", ("29", "46", "52"), "#009E73", "10 6"),
    Specialty("healthcare", "강원", "Gangwon", "의료·건강", "Health care", ("51",), "#CC79A7", "2 5"),
    Specialty(
        "disaster_safety",
        "충청",
        "Chungcheong",
        "재난안전",
        "Disaster safety",
        ("30", "36", "43", "44"),
        "#E69F00",
        "12 4 2 4",
    ),
)
SPECIALTY_BY_KEY = {s.key: s for s in SPECIALTIES}

# ColorBrewer Greys' darkest (was PuOr's purple #5e3c99, which under deuteranopia sits within
# ΔE2000 3.8 of YlGnBu's dark blue it is drawn on): black stays ≥ 17 from every fill.
DISTRICT_COLOUR = "#000000"
SPECIALTY_MIN_PART_DEG2 = 0.004  # ~40 km²: smaller islands get no specialty outline
# ColorBrewer YlOrRd's darkest (was RdBu's #b2182b, which under deuteranopia sits within ΔE2000 3.6
# of BrBG's dark brown in a comparison map): ≥ 11 from every fill and from the black stars.
VILLAGE_COLOUR = "#800026"


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class MapSettings:
    """Sizes and choices that a briefing may change; frozen so it can key a cache."""

    height: str = "100%"
    font_px: int = 14  # tooltips, popups, legend text
    title_px: int = 20
    label_px: int = 13  # marker and specialty labels
    marker_px: int = 22
    swatch_px: int = 18
    k: int = 5
    scheme: str = "natural_breaks"  # or "quantiles"
    # totals as proportional circles ("circle") or as a choropleth ("fill"); a change between two
    # years is always a (diverging) choropleth: a signed value has no area (geo.maps.symbols)
    represent: str = "circle"
    band: str = "national"  # boundaries display band for sido/sigungu geometry
    tile_url: str | None = None  # e.g. an intranet XYZ server; None = no tiles (offline)
    tile_attribution: str = ""
    sea_colour: str = "#c6d9e7"
    land_colour: str = "#fbfaf6"
    max_programs: int = 12  # program names listed in a popup before "and n more"
    legend_position: str = "bottomright"
    title_position: str = "topleft"
    # Leaflet's zoom/fade animations redraw the whole map for every frame; on PCs without a GPU
    # (the usual VDI desk on a separated network) software raster doubles the cost of a view change.
    animate: bool = False

    @classmethod
    def projector(cls, **changes: Any) -> MapSettings:
        """Large type for a 1920×1080 projector at the back of a room."""
        base = cls(font_px=20, title_px=32, label_px=18, marker_px=30, swatch_px=26)
        return dataclasses.replace(base, **changes)


DEFAULT_SETTINGS = MapSettings()


def page_css(settings: MapSettings) -> str:
    """The per-map part of the page CSS: custom properties that geo/web/kdim.css reads."""
    s = settings
    return (
        f":root {{ --kdim-sea: {s.sea_colour}; --kdim-font: {s.font_px}px; --kdim-title: {s.title_px}px;"
        f" --kdim-label: {s.label_px}px; --kdim-marker: {s.marker_px}px; --kdim-swatch: {s.swatch_px}px;"
        f" --kdim-nodata: {NODATA_FILL}; --kdim-hatch: {NODATA_HATCH}; --kdim-village: {VILLAGE_COLOUR}; }}"
    )


def district_svg(px: int) -> str:
    """The star of a national digital innovation district (inline SVG: no icon font)."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{px}" height="{px}" viewBox="0 0 24 24" aria-hidden="true">'
        f'<path d="M12 1.5l3.1 6.6 7.2.9-5.3 5 1.4 7.1L12 17.6 5.6 21.1 7 14 1.7 9l7.2-.9z" '
        f'fill="{DISTRICT_COLOUR}" stroke="#fff" stroke-width="1.5"/></svg>'
    )


def village_svg(px: int) -> str:
    """The dot of a Smart Village task site."""
    r = px // 2
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{px}" height="{px}" viewBox="0 0 {px} {px}"'
        ' aria-hidden="true">'
        f'<circle cx="{r}" cy="{r}" r="{r - 2}" fill="{VILLAGE_COLOUR}" stroke="#fff" stroke-width="2"/>'
        "</svg>"
    )
