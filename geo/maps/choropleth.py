"""The choropleth: classed fills per unit, hatched 'no data', muted outside the region filter."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import folium
import pandas as pd

from geo.maps.classes import ClassBin, class_of, classify, classify_change, recount
from geo.maps.elements import Script
from geo.maps.geometry import geometry_json, layer_codes, representative_points
from geo.maps.markup import esc, fmt_number, fmt_signed, js_json, with_unit
from geo.maps.policy import region_lines
from geo.maps.records import num, program_names, values_frame
from geo.maps.style import DEFAULT_SETTINGS, NODATA_FILL, NODATA_HATCH, OUTSIDE_FILL, MapSettings
from geo.maps.symbols import (
    CIRCLE_EDGE,
    CIRCLE_FILL,
    CIRCLE_OPACITY,
    VALUED_FILL,
    CircleScale,
    check_represent,
    circle_scale,
)
from geo.maps.text import DEFAULT_METRIC, LEVELS, check_lang, metric_label, region_name, t


def _tooltip_lines(
    lang: str, mlabel: str, unit: str, row: Mapping[str, Any] | None, outside: bool, signed: bool = False
) -> list[str]:
    """What a region's tooltip says after its name, as plain text (the tooltip and the name a
    screen reader hears are built from these same lines)."""
    if outside:
        return [t(lang, "outside")]
    v = None if row is None else num(row, "value")
    if v is None:
        shown = t(lang, "nodata")
    else:
        shown = f"{fmt_signed(v)} {unit}".strip() if signed else with_unit(v, unit)
    lines = [f"{mlabel}: {shown}"]
    if row is not None:
        n = num(row, "n_records")
        if n is not None:
            text = f"{t(lang, 'records')}: {fmt_number(n)}{t(lang, 'records_unit')}"
            nv = num(row, "n_with_value")
            if nv is not None and nv != n and unit:
                text += " " + t(lang, "with_amount", n=fmt_number(nv))
            lines.append(text)
        detail = row.get(f"detail_{lang}")  # a comparison's two years, written out
        if isinstance(detail, str) and detail:
            lines += detail.split("\n")
    return lines


def _tooltip_html(name: str, lines: list[str], outside: bool) -> str:
    body = [f"<i>{esc(x)}</i>" if outside else esc(x) for x in lines]
    return '<div class="kdim-tip">' + "<br>".join([f"<b>{esc(name)}</b>", *body]) + "</div>"


def accessible_name(name: str, lines: list[str]) -> str:
    """A region's name for a screen reader: "부산광역시 해운대구: 사업기간 총액 …: 12 억원, 사업 기록: 3건"."""
    return f"{name}: {', '.join(lines)}"


def _popup_html(tip: str, row: Mapping[str, Any] | None, lang: str, settings: MapSettings) -> str | None:
    names = [] if row is None else program_names(row, lang)
    if not names:
        return None
    shown = names[: settings.max_programs]
    items = "".join(f"<li>{esc(p)}</li>" for p in shown)
    more = len(names) - len(shown)
    tail = f"<li>{esc(t(lang, 'and_more', n=more))}</li>" if more > 0 else ""
    return f"{tip}<div><b>{esc(t(lang, 'programs'))}</b><ul>{items}{tail}</ul></div>"


def _styles(bins: list[ClassBin]) -> list[dict[str, Any]]:
    """Leaflet path styles: one per class, then 'no data' (hatched), then 'outside the filter' (muted)."""
    base = {"weight": 0.6, "color": "#ffffff", "opacity": 1, "fillOpacity": 0.9}
    styles: list[dict[str, Any]] = [
        {**base, "fillColor": b.colour, "className": "kdim-region kdim-c" + str(i)} for i, b in enumerate(bins)
    ]
    styles.append(
        {
            **base,
            "fillColor": NODATA_FILL,
            "color": "#9a9a9a",
            "dashArray": "3 3",
            "className": "kdim-region kdim-nodata",
        },
    )
    styles.append(
        {
            **base,
            "fillColor": OUTSIDE_FILL,
            "color": "#d0d0d0",
            "fillOpacity": 1,
            "className": "kdim-region kdim-outside",
        },
    )
    return styles


def _circle_styles() -> list[dict[str, Any]]:
    """Circles mode: a region with a value is a light neutral (its circle says how much), then
    'no data' (hatched) and 'outside' as in the choropleth."""
    base = {"weight": 0.6, "color": "#ffffff", "opacity": 1, "fillOpacity": 1}
    return [{**base, "fillColor": VALUED_FILL, "className": "kdim-region kdim-valued"}, *_styles([])]


def _circles(order: list[tuple[str, float]], scale: CircleScale) -> dict[str, Any]:
    """The circles as two arrays (codes, radii in px), largest first so small ones sit on top;
    their place and name are the regions' (kdim.js reads them from A)."""
    order = sorted(order, key=lambda cv: (-cv[1], cv[0]))
    style = {"color": CIRCLE_EDGE, "weight": 1, "opacity": 1, "fillColor": CIRCLE_FILL,
             "fillOpacity": CIRCLE_OPACITY, "className": "kdim-circle"}  # fmt: skip
    return {"c": [c for c, _ in order], "r": [round(scale.radius(v), 2) for _, v in order], "s": style}


def _bins(
    present: list[float], settings: MapSettings, diverging: bool, breaks_from: Sequence[float] | None
) -> list[ClassBin]:
    """The classes: of these values; of a change (diverging); or of other values too (two years)."""
    if diverging:
        return classify_change(present, 3, settings.scheme)
    if breaks_from is None:
        return classify(present, settings.k, settings.scheme)[0]
    return recount(classify(breaks_from, settings.k, settings.scheme)[0], present)


@dataclass
class ChoroplethResult:
    """What a legend needs to know about a drawn choropleth."""

    bins: list[ClassBin]
    has_nodata: bool
    has_outside: bool
    metric: str
    n_features: int
    styles: dict[str, dict[str, Any]] = field(default_factory=dict)
    label: str | None = None  # the legend's title when not the metric's own (a comparison)
    signed: bool = False  # values are changes: the legend writes +/−
    circles: CircleScale | None = None  # totals drawn as circles: their scale (the legend's reference circles)
    n_circles: int = 0


def _region_texts(
    df: pd.DataFrame,
    vals: pd.Series,
    level: str,
    metric: str,
    lang: str,
    settings: MapSettings,
    focus_set: set[str],
    label_unit: tuple[str, str],
    bins: list[ClassBin] | None,
    n_styles: int,
    diverging: bool,
) -> tuple[dict[str, int], dict[str, str], dict[str, str], dict[str, list[Any]]]:
    """Per region: its style index (a class, or a circle's valued fill when ``bins`` is None; the
    last two styles are 'no data' and 'outside the filter'), tooltip, popup and accessible name
    with a point inside it (kdim.js's C, T, P and A)."""
    mlabel, unit = label_unit
    nodata_idx, outside_idx = n_styles - 2, n_styles - 1
    cls: dict[str, int] = {}
    tips: dict[str, str] = {}
    pops: dict[str, str] = {}
    names: dict[str, list[Any]] = {}  # code -> [accessible name, lat, lon inside]: kdim.js's A
    inside = representative_points(level)
    rows = df.to_dict("index")
    for c in layer_codes(level):
        name = region_name(c, lang)
        row = rows.get(c)
        if row is not None:
            row = {**row, "_metric": metric}
        designation = region_lines(c, level, lang)  # 인구감소지역 / 관심지역 (a 시도: its counts)
        if c not in focus_set:
            cls[c] = outside_idx
            tips[c] = _tooltip_html(name, [*_tooltip_lines(lang, mlabel, unit, None, True), *designation], outside=True)
            continue
        ci = (0 if pd.notna(vals.get(c)) else None) if bins is None else class_of(vals.get(c, float("nan")), bins)
        cls[c] = nodata_idx if ci is None else ci
        lines = [*_tooltip_lines(lang, mlabel, unit, row, False, signed=diverging), *designation]
        tips[c] = _tooltip_html(name, lines, outside=False)
        if c in inside:
            names[c] = [accessible_name(name, lines), *inside[c]]
        pop = _popup_html(tips[c], row, lang, settings)
        if pop:
            pops[c] = pop
    return cls, tips, pops, names


def choropleth_layer(
    values: pd.DataFrame | Mapping[str, float] | None,
    *,
    level: str = "sigungu",
    metric: str = DEFAULT_METRIC,
    lang: str = "ko",
    focus: Iterable[str] | None = None,
    settings: MapSettings = DEFAULT_SETTINGS,
    label: str | None = None,
    diverging: bool = False,
    breaks_from: Sequence[float] | None = None,
) -> tuple[folium.FeatureGroup, ChoroplethResult]:
    """Choropleth of one metric per unit: classed fills, hatched 'no data', muted outside focus.

    ``values`` has a ``code`` (column or index) and ``value``; optional ``n_records``,
    ``budget_total``, ``budget_national`` and ``programs`` (list or ';'-separated) feed the
    tooltip and popup. ``focus`` lists the codes inside the region filter; units outside it
    are drawn muted instead of as 'no data' (they were filtered out, not missing).
    A comparison passes ``diverging`` (values are changes: falls, no change, rises) or, for two
    years side by side, ``breaks_from`` (both years' values: one set of classes for both maps),
    and its ``label`` for the legend and tooltips.
    With ``settings.represent == "circle"`` (and not a change) each region with a value gets a
    proportional circle (geo.maps.symbols) over a light neutral fill instead of a class colour.
    """
    check_lang(lang)
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    df = values_frame(values)
    codes = layer_codes(level)
    focus_set = set(codes) if focus is None else {str(c) for c in focus}
    in_scope = [c for c in codes if c in focus_set]
    vals = df["value"].reindex(in_scope)
    circles = check_represent(settings.represent) == "circle" and not diverging
    scale = None
    if circles:
        bins: list[ClassBin] = []
        both = vals.dropna().tolist() if breaks_from is None else list(breaks_from)
        scale = circle_scale(both, level, marker_px=settings.marker_px, integers=metric == "records")
        style_list = _circle_styles()
    else:
        bins = _bins(vals.dropna().tolist(), settings, diverging, breaks_from)
        style_list = _styles(bins)
    mlabel, unit = metric_label(metric, lang)
    mlabel = label or mlabel

    cls, tips, pops, names = _region_texts(
        df, vals, level, metric, lang, settings, focus_set, (mlabel, unit), bins if not circles else None,
        len(style_list), diverging,
    )  # fmt: skip
    has_nodata = len(style_list) - 2 in cls.values()
    has_outside = len(style_list) - 1 in cls.values()

    name = f"{mlabel} ({t(lang, 'level_' + level)})"
    fg = folium.FeatureGroup(name=name, overlay=True, control=True, show=True)
    K = None
    if scale is not None:
        K = _circles([(c, float(vals[c])) for c in names if scale.radius(float(vals[c])) > 0], scale)
    code = (
        f"kdim.defs({js_json(NODATA_FILL)}, {js_json(NODATA_HATCH)});\n"
        f"var S = {js_json(style_list)}, C = {js_json(cls)}, T = {js_json(tips)}, P = {js_json(pops)};\n"
        f"var A = {js_json(names)}, K = {js_json(K)};\n"
        f"return kdim.choropleth(PARENT, kdimGeo({geometry_json(level, settings.band)}), S, C, T, P, A, K);\n"
    )
    fg.add_child(Script(code, "KdimChoropleth"))
    styles = {c: style_list[i] for c, i in cls.items()}
    result = ChoroplethResult(bins, has_nodata, has_outside, metric, len(codes), styles, label, diverging)
    result.circles, result.n_circles = scale, len(K["c"]) if K else 0
    return fg, result
