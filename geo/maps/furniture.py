"""The map's furniture: title, filters in words, legend and source line (plain HTML, no branca)."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import pandas as pd

from geo import regions
from geo.maps.choropleth import ChoroplethResult
from geo.maps.classes import ClassBin
from geo.maps.markup import esc, fmt_number, fmt_signed, js_json
from geo.maps.policy import legend_rows
from geo.maps.style import (
    DEFAULT_SETTINGS,
    OUTSIDE_FILL,
    SPECIALTIES,
    MapSettings,
    district_svg,
    village_svg,
)
from geo.maps.symbols import CIRCLE_EDGE, CIRCLE_FILL, CIRCLE_OPACITY, VALUED_FILL, CircleScale
from geo.maps.text import (
    FILTER_LABELS,
    FILTER_VALUE_LABELS,
    LEVEL_LABEL,
    metric_label,
    metric_year,
    region_name,
    specialty_title,
    t,
)


def control_script(position: str, css_class: str, inner_html: str, label: str | None = None) -> str:
    """A Leaflet control that lives exactly as long as its feature group is on the map; with a
    ``label`` it is a named region a screen reader lists (title, legend, sources)."""
    return (
        f"var HTML = {js_json(inner_html)};\n"
        f"return kdim.control(PARENT, {js_json(position)}, {js_json(css_class)}, HTML, {js_json(label)});\n"
    )


def describe_filters(filters: Any, lang: str = "ko") -> list[str]:
    """Filters written out in words ("권역: 호남권"), for the title block and briefing mode."""
    if filters is None:
        return []
    if dataclasses.is_dataclass(filters) and not isinstance(filters, type):
        items = dataclasses.asdict(filters)
    elif isinstance(filters, Mapping):
        items = dict(filters)
    else:
        items = dict(vars(filters))
    out = []
    for key, v in items.items():
        if v is None or v == "" or (isinstance(v, (list, tuple, set, frozenset)) and not v):
            continue
        vals = list(v) if isinstance(v, (list, tuple, set, frozenset)) else [v]
        if isinstance(v, (set, frozenset)):
            vals = sorted(vals, key=str)
        shown = []
        for x in vals:
            sx = str(x)
            if key in ("sido", "sigungu", "sido_code", "sigungu_code", "sidos", "sigungus") and sx.isdigit():
                sx = region_name(sx, lang)
            elif key in ("region_group", "region_groups") and lang == "en":
                sx = regions.REGION_GROUPS_EN.get(sx, sx)
            elif key in FILTER_VALUE_LABELS:
                sx = FILTER_VALUE_LABELS[key].get(sx, {}).get(lang, sx)
            shown.append(sx)
        label = FILTER_LABELS.get(key, {}).get(lang, key)
        out.append(f"{label}: {', '.join(shown)}")
    return out


def year_of(filters: Any) -> str:
    if filters is None:
        return ""
    get = filters.get if isinstance(filters, Mapping) else (lambda k, d=None: getattr(filters, k, d))
    for k in ("year", "years"):
        v = get(k, None)
        if v is None or v == "" or (isinstance(v, (list, tuple, set, frozenset)) and not v):
            continue
        if isinstance(v, (list, tuple, set, frozenset)):
            ys = sorted(int(x) for x in v)
            return str(ys[0]) if len(ys) == 1 else f"{ys[0]}–{ys[-1]}"
        return str(v)
    lo, hi = get("year_from", None), get("year_to", None)
    if lo or hi:
        return f"{lo or ''}–{hi or ''}"
    return ""


def page_title(*, level: str, metric: str, lang: str, filters: Any = None) -> str:
    """Plain-text title of a view, e.g. "2024년 시군구별 사업기간 총액 (발표 기준) (억원)"."""
    mlabel, unit = metric_label(metric, lang)
    year = year_of(filters)
    if year and str(metric_year(metric)) == year:  # "2024년 국비" names it: not "2024년 시도별 2024년 국비"
        year = None
    lvl = LEVEL_LABEL[level][lang]
    if lang == "ko":
        title = t(lang, "title", year=f"{year}년 " if year else "", level=lvl, metric=mlabel)
    else:
        title = t(lang, "title", year=f", {year}" if year else "", level=lvl, metric=mlabel)
    return f"{title} ({unit})" if unit else title


def title_html(*, level: str, metric: str, lang: str, filters: Any = None, title: str | None = None) -> str:
    """Title block: what is shown (metric, level, year) and the filters in words."""
    if title is None:
        title = page_title(level=level, metric=metric, lang=lang, filters=filters)
    words = describe_filters(filters, lang)
    sub = f'<div class="kdim-subtitle">{esc(t(lang, "filters"))}: {esc(" · ".join(words))}</div>' if words else ""
    return f'<div class="kdim-title">{esc(title)}</div>{sub}'


def class_range(b: ClassBin, signed: bool, lang: str) -> str:
    """A class's range as the legends write it ("120 – 400"; a change: "+5 – +80", "0 (변화 없음)")."""
    if signed and b.lo == b.hi == 0:
        return f"0 ({t(lang, 'no_change')})"
    fmt = fmt_signed if signed else fmt_number
    return fmt(b.lo) if b.lo == b.hi else f"{fmt(b.lo)} – {fmt(b.hi)}"


def circle_legend_svg(scale: CircleScale, px_font: int = 13) -> str:
    """The three reference circles, nested on one baseline, each with its rounded value to the
    right on a leader line (labels kept a line apart where the circles' tops are closer)."""
    if not scale.refs:
        return ""
    rmax = scale.radius(scale.refs[0])
    line = px_font * 1.15
    tops = [2 * (rmax - scale.radius(v)) for v in scale.refs]  # y of each circle's top, from the largest's
    ys: list[float] = []
    for y in tops:
        ys.append(max(y, ys[-1] + line) if ys else y)
    pad = px_font * 0.6  # half a line above the first label
    height = max(2 * rmax, ys[-1] + px_font * 0.4) + pad + 2
    label_w = px_font * 0.62 * max(len(fmt_number(v)) for v in scale.refs)
    cx, lx = rmax + 1, 2 * rmax + 14
    width = lx + 4 + label_w
    parts = []
    for v, top, y in zip(scale.refs, tops, ys, strict=True):  # largest first: the small ones drawn over it
        r = scale.radius(v)
        parts.append(
            f'<circle class="kdim-ref" data-value="{v!r}" cx="{cx:.1f}" cy="{pad + top + r:.1f}" r="{r:.1f}" '
            f'fill="{CIRCLE_FILL}" fill-opacity="{CIRCLE_OPACITY}" stroke="{CIRCLE_EDGE}" stroke-width="1"/>'
            f'<polyline points="{cx:.1f},{pad + top:.1f} {lx - 6:.1f},{pad + top:.1f} {lx - 2:.1f},{pad + y:.1f}" '
            f'fill="none" stroke="#777" stroke-width="0.7"/>'
            f'<text x="{lx:.1f}" y="{pad + y + px_font * 0.35:.1f}" font-size="{px_font}">{esc(fmt_number(v))}</text>'
        )
    return (
        f'<svg class="kdim-circles-key" width="{width:.0f}" height="{height:.0f}" role="img" '
        f'aria-label="{esc(", ".join(fmt_number(v) for v in scale.refs))}">{"".join(parts)}</svg>'
    )


def _specialty_svg(shown: Sequence[Any], px: int) -> str:
    """The 권역 outlines' line styles, one short square each, side by side."""
    w = 20 * len(shown)
    rects = "".join(
        f'<rect x="{2 + 20 * i}" y="2" width="16" height="16" fill="none" stroke="{s.colour}" stroke-width="3"'
        + (f' stroke-dasharray="{s.dash}"' if s.dash else "")
        + "/>"
        for i, s in enumerate(shown)
    )
    return f'<svg width="{px * len(shown)}" height="{px}" viewBox="0 0 {w} 20" aria-hidden="true">{rects}</svg>'


def legend_html(
    result: ChoroplethResult | None,
    *,
    lang: str,
    markers: Sequence[str] = ("districts", "village", "specialties"),
    specialties: Iterable[str] | None = None,
    settings: MapSettings = DEFAULT_SETTINGS,
    level: str | None = None,
    area: str | None = None,
    off: Collection[str] = (),
    counts: bool = True,
    title_tag: str = "h4",
) -> str:
    """Legend: metric title with units, one row per class (its data range and, with ``counts``,
    how many regions it holds), no-data, markers; with a ``level``, the 인구감소지역 layer's rows
    where it is drawn (geo/maps/policy.py). A marker layer in ``off`` starts off (in the layer
    switch): its row is hidden until kdim.js shows it with the layer (class ``kdim-lg-<layer>``),
    so the legend lists what is drawn. ``title_tag="p"``: the title as a paragraph
    (``p.kdim-lg-title``) where a heading would be the page's (Streamlit's markdown links each)."""
    parts = []
    if result is not None:
        mlabel, unit = metric_label(result.metric, lang)
        mlabel = result.label or mlabel
        tag, cls = ("h4", "") if title_tag == "h4" else ("p", ' class="kdim-lg-title"')
        parts.append(f"<{tag}{cls}>{esc(mlabel)}{f' ({esc(unit)})' if unit else ''}</{tag}>")
        if result.circles is not None:
            parts.append(
                f'<div class="row kdim-circle-key">{circle_legend_svg(result.circles, settings.font_px)}</div>'
            )
            parts.append(
                f'<div class="row kdim-valued-row"><span class="sw" style="background:{VALUED_FILL}"></span>'
                f"<span>{esc(t(lang, 'valued'))}</span></div>"
            )
        for b in result.bins:
            rng = class_range(b, result.signed, lang)
            parts.append(
                f'<div class="row kdim-class" data-lo="{b.lo!r}" data-hi="{b.hi!r}">'
                f'<span class="sw" style="background:{b.colour}" aria-hidden="true"></span>'
                f"<span>{esc(rng)}</span>" + (f' <span class="n">({b.count})</span>' if counts else "") + "</div>"
            )
        if result.has_nodata or (not result.bins and result.circles is None):
            parts.append(
                f'<div class="row kdim-nodata-row"><span class="sw nodata"></span>'
                f"<span>{esc(t(lang, 'nodata_legend'))}</span></div>"
            )
        if result.has_outside:
            parts.append(
                f'<div class="row"><span class="sw" style="background:{OUTSIDE_FILL};border-color:#ccc"></span>'
                f"<span>{esc(t(lang, 'outside'))}</span></div>"
            )
    rows = []
    px = max(settings.swatch_px, 14)

    def row(layer: str, body: str) -> str:
        hidden = " hidden" if layer in off else ""
        return f'<div class="row kdim-lg-{layer}"{hidden}>{body}</div>'

    if "districts" in markers:
        rows.append(row("districts", f"{district_svg(px)}<span>{esc(t(lang, 'district'))}</span>"))
    if "village" in markers:  # one row: a site is a dot, a count known only per region a number
        count = f'<span class="kdim-count" style="min-width:{px}px;height:{px}px;line-height:{px - 4}px">3</span>'
        rows.append(row("village", f"{village_svg(px)}{count}<span>{esc(t(lang, 'village_row'))}</span>"))
    if "specialties" in markers:
        wanted = None if specialties is None else {str(s) for s in specialties}
        shown = [s for s in SPECIALTIES if wanted is None or s.key in wanted]
        # one 권역: its own line and name; several: one row, their lines side by side (named on the map)
        words = specialty_title(shown[0], lang) if len(shown) == 1 else t(lang, "specialties_row")
        if shown:
            rows.append(row("specialties", f"{_specialty_svg(shown, px)}<span>{esc(words)}</span>"))
    if level is not None:
        rows.extend(legend_rows(level, area, lang, px))
    if rows:
        if parts:
            parts.append('<div class="sep"></div>')
        parts.extend(rows)
    return "".join(parts)


def source_hosts(records: pd.DataFrame | None) -> list[str]:
    """The sources' host names, sorted (each address read once: many records share one)."""
    hosts = set()
    if records is not None and "source_url" in getattr(records, "columns", []):
        for u in set(records["source_url"].dropna().astype(str).tolist()):
            h = urlsplit(u).hostname or ""
            h = h.removeprefix("www.").removeprefix("m.")
            if h:
                hosts.add(h)
    return sorted(hosts)


def source_html(records: pd.DataFrame | None, lang: str) -> str:
    """Source line: the programs' sources (host names, plain text) and the boundaries' licence."""
    hosts = source_hosts(records)
    if hosts:
        shown = ", ".join(hosts[:8]) + (f" {t(lang, 'and_more', n=len(hosts) - 8)}" if len(hosts) > 8 else "")
        prog = t(lang, "source_programs", sources=shown)
    else:
        prog = t(lang, "source_programs", sources=t(lang, "source_default"))
    return f"{esc(t(lang, 'source'))}: {esc(prog)} · {esc(t(lang, 'source_boundaries'))}"
