"""The 인구감소지역 / 관심지역 layer: the designated 시군구 outlined, one path per kind.

No second copy of the polygons: the layer sends the codes of each kind (geo/policy_areas.py,
from data/policy_areas.csv) and kdim.js (``kdim.policy``) outlines those features of the
시군구 geometry the choropleth already sent. 인구감소지역 are a thick black solid line,
관심지역 a thick black dotted line, both on a white casing: apart from the 권역 AI outlines
(coloured, weight 4, their own dashes) and from the grey dashed edge of hatched 'no data'.

When is it drawn (``policy_shown``): at the 시군구 level the layer is always in the layer
switch, turned on when the view filters by area (``?area=decline|interest|other``) and off
otherwise; at the 시도 level there is nothing to outline legibly (a 시도 holds up to 16
designated 시군구), so with an area filter the legend says how many there are and each 시도's
tooltip says its own counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import folium

from geo import policy_areas
from geo.maps.elements import Script
from geo.maps.markup import esc, js_json
from geo.maps.text import check_lang, t

KEYS = ("decline", "interest")  # the ?area= keys of the two kinds, in drawing order
CASING = "#ffffff"
POLICY_COLOUR = "#000000"  # black clears every fill (tests/test_colours.py), the kind is told by the dash
POLICY_STYLES: dict[str, dict[str, Any]] = {
    "decline": {"color": POLICY_COLOUR, "weight": 1.8, "opacity": 1, "dashArray": None},
    "interest": {"color": POLICY_COLOUR, "weight": 2.2, "opacity": 1, "dashArray": "1 4", "lineCap": "round"},
}
CASING_WEIGHT = 3.6


def _designated() -> dict[str, frozenset[str]]:
    """The designated 시군구 per ?area= key; empty when the table cannot be read."""
    try:
        table = policy_areas.load()
    except policy_areas.PolicyAreaError:
        return {k: frozenset() for k in KEYS}
    return {k: table.codes(policy_areas.AREAS[k]) for k in KEYS}


def policy_codes() -> dict[str, list[str]]:
    """The designated 시군구 per ?area= key, sorted; empty when the table cannot be read."""
    return {k: sorted(v) for k, v in _designated().items()}


def area_of_filters(filters: Any) -> str | None:
    """The view's ?area= value from its filters (a Filters, a mapping or None)."""
    if filters is None:
        return None
    get = filters.get if isinstance(filters, Mapping) else (lambda k, d=None: getattr(filters, k, d))
    area = get("area", None)
    return area if area in policy_areas.AREAS else None


def policy_shown(level: str, area: str | None) -> tuple[bool, bool]:
    """(in the layer switch, turned on): see the module's note."""
    if level != "sigungu":
        return False, False
    return True, bool(area)


def region_lines(code: str, level: str, lang: str) -> list[str]:
    """What a region's tooltip and keyboard name say of the designation: a 시군구's kind, a 시도's counts."""
    codes = _designated()
    if level == "sigungu":
        return [t(lang, f"policy_{k}") for k in KEYS if code in codes[k]]
    d = sum(1 for c in codes["decline"] if c.startswith(code))
    i = sum(1 for c in codes["interest"] if c.startswith(code))
    return [t(lang, "policy_sido", d=d, i=i)] if d or i else []


def line_svg(key: str, px: int) -> str:
    """The legend's sample of a kind's line: the casing, then the line."""
    s = POLICY_STYLES[key]
    dash = f' stroke-dasharray="{s["dashArray"]}" stroke-linecap="round"' if s["dashArray"] else ""
    y = px // 2
    return (
        f'<svg width="{px * 2}" height="{px}" viewBox="0 0 {px * 2} {px}" aria-hidden="true">'
        f'<line x1="2" y1="{y}" x2="{px * 2 - 2}" y2="{y}" stroke="#999" stroke-width="{CASING_WEIGHT + 1}"/>'
        f'<line x1="2" y1="{y}" x2="{px * 2 - 2}" y2="{y}" stroke="{CASING}" stroke-width="{CASING_WEIGHT}"/>'
        f'<line x1="2" y1="{y}" x2="{px * 2 - 2}" y2="{y}" stroke="{s["color"]}" stroke-width="{s["weight"]}"{dash}/>'
        "</svg>"
    )


def legend_rows(level: str, area: str | None, lang: str, px: int) -> list[str]:
    """The legend's rows for the layer (class kdim-lg-policy; ``hidden`` while the layer is off:
    kdim.js shows them when the layer is turned on in the layer switch). None when nothing is drawn."""
    codes = policy_codes()
    control, on = policy_shown(level, area)
    if control:
        hidden = "" if on else " hidden"
        return [
            f'<div class="row kdim-lg-policy kdim-lg-policy-{k}"{hidden}>{line_svg(k, px)}'
            f"<span>{esc(t(lang, f'policy_row_{k}', n=len(codes[k])))}</span></div>"
            for k in KEYS
            if codes[k]
        ]
    if level == "sido" and area and any(codes.values()):
        text = t(lang, "policy_sido_row", d=len(codes["decline"]), i=len(codes["interest"]))
        return [f'<div class="row kdim-lg-policy kdim-lg-policy-sido"><span>{esc(text)}</span></div>']
    return []


def policy_layer(level: str, area: str | None, *, lang: str = "ko") -> folium.FeatureGroup | None:
    """The outlines as a layer of the layer switch (None where none is drawn: the 시도 level)."""
    check_lang(lang)
    control, on = policy_shown(level, area)
    if not control:
        return None
    data = {"codes": policy_codes(), "styles": POLICY_STYLES, "casing": {"color": CASING, "weight": CASING_WEIGHT},
            "on": on}  # fmt: skip
    # Always added (streamlit-folium adds every group whatever its ``show``): kdim.policy takes
    # an 'off' layer off the map at its first add, so the app and the exports start alike.
    fg = folium.FeatureGroup(name=t(lang, "layer_policy"), overlay=True, control=True, show=True)
    fg.add_child(Script(f"return kdim.policy(PARENT, {js_json(data)});\n", "KdimPolicy"))
    return fg
