"""Exports of the current view: a standalone offline HTML map and the records as CSV.

- :func:`standalone_html`: the folium page with Leaflet and markercluster inlined (CSS images
  as ``data:`` URIs), so the file opens from disk, by e-mail or on a USB stick with no network.
  :func:`external_refs` lists anything that would still load from the network; the export
  refuses to write a page that has one (unless a tile server was configured on purpose).
- :func:`records_csv`: UTF-8 with BOM (Excel in Korea opens it as UTF-8 instead of CP949)
  and text cells neutralised against formula injection (``=``, ``+``, ``-``, ``@``, tab, CR).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from typing import Any

import folium
import pandas as pd

from geo import offline

# What a browser would fetch by itself: src/href attributes, CSS url(...) and @import.
_EXTERNAL_RE = re.compile(
    r"""(?:\b(?:src|href|srcset|poster|data)\s*=\s*["']?\s*(?:https?:)?//"""
    r"""|url\(\s*["']?\s*(?:https?:)?//"""
    r"""|@import\s+(?:url\()?\s*["']?\s*(?:https?:)?//)""",
    re.IGNORECASE,
)


# Any URL at all, except XML namespace names (an SVG's xmlns is an identifier, never fetched).
_ANY_URL_RE = re.compile(
    r"(?:https?:)?//(?!www\.w3\.org/(?:2000/svg|1999/xlink|1999/xhtml))[a-z0-9.-]+\.[a-z]{2,}", re.IGNORECASE
)


def external_refs(html_text: str, *, strict: bool = False) -> list[str]:
    """Snippets of references that would make a browser load something from a network.

    Default: src/href/url()/@import references. ``strict``: any URL in the page (scripts
    could build requests from a string), except XML namespace names such as the SVG one.
    """
    found = [html_text[max(0, m.start() - 40) : m.end() + 60] for m in _EXTERNAL_RE.finditer(html_text)]
    if strict:
        # The vendored files keep their licence banners (which name leafletjs.com): skip their
        # exact inlined text, which the load check above has already covered.
        rest = html_text
        for a in offline.ASSETS:
            if a.kind in ("js", "css"):
                rest = rest.replace(offline.inline_text(a.name), "")
        found += [rest[max(0, m.start() - 40) : m.end() + 60] for m in _ANY_URL_RE.finditer(rest)]
    return found


def standalone_html(m: folium.Map, *, lang: str | None = None, title: str | None = None) -> str:
    """One self-contained HTML page of a map: no http(s) script, stylesheet, font or image.

    Raises ValueError if an external reference remains (e.g. a tile URL was configured),
    because a file that silently needs the internet is what this export exists to avoid.
    """
    page = m.get_root().render()
    page = offline.inline_assets(page)
    if lang:
        page = page.replace("<html>", f'<html lang="{lang}">', 1)
    if title:
        import html

        page = page.replace("<head>", f"<head>\n    <title>{html.escape(title)}</title>", 1)
    tiles = [c for c in m._children.values() if isinstance(c, folium.TileLayer)]
    refs = external_refs(page, strict=True)
    if refs and not tiles:
        raise ValueError(f"standalone map still references the network: {refs[:3]}")
    return page


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d+)*)(?:[eE][+-]?\d+)?$")


def neutralise_cell(value: Any) -> Any:
    """Prefix an apostrophe to text that a spreadsheet would run as a formula.

    Numbers (and text that is just a signed number, like "-12.5") stay as they are: a
    negative budget must remain a number, and "-12.5" cannot execute anything.
    """
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def _flatten(value: Any) -> Any:
    if isinstance(value, (list, tuple, set, frozenset)):
        return "; ".join(str(v) for v in value)
    return value


def records_csv(df: pd.DataFrame, columns: Iterable[str] | None = None) -> bytes:
    """Records as CSV bytes for Excel: UTF-8 with BOM, formula-like text cells neutralised."""
    out = df if columns is None else df[list(columns)]
    out = out.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
            continue
        out[col] = s.map(lambda v: neutralise_cell(_flatten(v)))
    out.columns = [neutralise_cell(str(c)) for c in out.columns]
    buf = io.StringIO()
    out.to_csv(buf, index=False, lineterminator="\r\n")
    return buf.getvalue().encode("utf-8-sig")


def export_map_html(
    *,
    level: str = "sigungu",
    lang: str = "ko",
    metric: str | None = None,
    settings: Any = None,
    emd: str | None = None,
    records: pd.DataFrame | None = None,
    **filter_values: Any,
) -> str:
    """The standalone map for a set of filters (what ``python -m geo export-map`` writes).

    ``filter_values`` are geo.join.Filters fields (region_group, sido_code, sigungu_code,
    specialty, field, program_type, year); ``records`` defaults to data/programs.csv.
    """
    from geo import maps
    from geo.join import Filters, aggregate, apply_filters
    from geo.programs import load_programs

    if records is None:
        records = load_programs().records
    fields = set(Filters.__dataclass_fields__)
    given = {k: v for k, v in filter_values.items() if v not in (None, "", [], ())}
    unknown = sorted(set(given) - fields)
    if unknown:
        raise ValueError(f"filters not supported by geo.join.Filters: {unknown}")
    filters = Filters(**given)
    filtered = apply_filters(records, filters)
    metric = metric or maps.DEFAULT_METRIC
    values = aggregate(filtered, level, metric)
    m = maps.build_map(
        values,
        filtered,
        level=level,
        metric=metric,
        lang=lang,
        filters=filters,
        focus=maps.focus_codes(level, filters),
        specialties=[filters.specialty] if filters.specialty else None,
        settings=settings or maps.DEFAULT_SETTINGS,
        selected_sigungu=emd,
    )
    return standalone_html(m, lang=lang, title=maps.page_title(level=level, metric=metric, lang=lang, filters=filters))
