"""Exports of the current view: a standalone offline HTML map and the records as CSV.

- :func:`standalone_html`: the folium page with Leaflet and markercluster inlined (CSS images
  as ``data:`` URIs), so the file opens from disk, by e-mail or on a USB stick with no network.
  :func:`external_refs` lists anything that would still load from the network; the export
  refuses to write a page that has one (unless a tile server was configured on purpose).
- :func:`records_csv`: UTF-8 with BOM (Excel in Korea opens it as UTF-8 instead of CP949)
  and text cells neutralised against formula injection (``=``, ``+``, ``-``, ``@``, tab, CR).
"""

from __future__ import annotations

import argparse
import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import folium
import pandas as pd

from geo import maps, offline, regions
from geo.cells import neutralise_cell

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


def standalone_html(
    m: folium.Map,
    *,
    lang: str | None = None,
    title: str | None = None,
    asset_prefix: str | None = None,
    alternative: str | None = None,
) -> str:
    """One self-contained HTML page of a map: no http(s) script, stylesheet, font or image.

    ``asset_prefix`` (e.g. ``"../static/"``): link Leaflet and kdim.js from that relative
    folder (filled by ``offline.write_assets``) instead of inlining them, for a site of many
    maps sharing one copy. ``alternative``: the map as words and a table
    (``maps.summary_html``), placed below the map with a skip link to it first on the page.
    Raises ValueError if an external reference remains (e.g. a tile URL was configured),
    because a file that silently needs the internet is what this export exists to avoid, or
    if a link to the app's own server is left.
    """
    page = m.get_root().render()
    page = offline.inline_assets(page) if asset_prefix is None else offline.link_assets(page, asset_prefix)
    if offline.URL_PREFIX in page:
        raise ValueError(f"standalone map still links the app's server ({offline.URL_PREFIX})")
    if alternative:
        page = with_alternative(page, alternative, lang or "ko")
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


def with_alternative(page: str, section: str, lang: str) -> str:
    """The export's page with its text alternative: page.css, a skip link, the section after the map."""
    css = (offline.WEB_DIR / "page.css").read_text(encoding="utf-8").replace("</style", "<\\/style")
    page = page.replace("</head>", f"<style>/* page.css */\n{css}\n</style>\n</head>", 1)
    page = page.replace("<body>", f"<body>\n    {maps.skip_link(lang)}", 1)
    return page.replace("</body>", f"{section}\n</body>", 1)


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
    title = maps.page_title(level=level, metric=metric, lang=lang, filters=filters)
    alternative = maps.summary_html(values, metric=metric, lang=lang, title=title)
    return standalone_html(m, lang=lang, title=title, alternative=alternative)


def view_html(v: Any, settings: Any = None, *, asset_prefix: str | None = None) -> str:
    """The standalone map of a computed ``geo.view.View``: the page's own map, with its title.

    Through ``view.map_arguments``, the one translation of a view into map layers, so a file
    shows what the app shows for the same view.
    """
    from geo import view

    state = v.state
    settings = settings or maps.MapSettings(scheme=state.scheme, represent=state.represent)
    m = maps.build_map(**view.map_arguments(v, settings))
    title = maps.page_title(level=state.level, metric=state.metric, lang=state.lang, filters=state.filters())
    alternative = maps.summary_html(v.values, metric=state.metric, lang=state.lang, title=title, share=v.policy_line)
    return standalone_html(m, lang=state.lang, title=title, asset_prefix=asset_prefix, alternative=alternative)


# --------------------------------------------------------------------------- CLI


FILTER_OPTIONS = (  # (option, help): the view's filters as export-map and export-report take them
    ("--region-group", "권역, e.g. 호남권, 영남권"),
    ("--sido", "시도 name or code, e.g. 전북, 52"),
    ("--sigungu", "시군구 name or code, e.g. 청주시"),
    ("--specialty", "manufacturing, agriculture, healthcare, disaster_safety…"),
    ("--field", "분야, e.g. '거점 조성'"),
    ("--program-type", "e.g. smart_village, innovation_district"),
)


def add_filter_arguments(p: argparse.ArgumentParser) -> None:
    """The filter options every export command shares (their defaults: no filter)."""
    for option, text in FILTER_OPTIONS:
        p.add_argument(option, help=text)


def filter_values(args: argparse.Namespace) -> dict[str, str | None]:
    """Those options as geo.join.Filters fields, region names or codes resolved to 2024 codes
    (an unknown name raises KeyError/ValueError, which the commands print)."""

    def code(text: str | None, level: str) -> str | None:
        return regions.resolve(text, level=level).code if text else None

    return {
        "region_group": args.region_group, "sido_code": code(args.sido, "sido"),
        "sigungu_code": code(args.sigungu, "sigungu"), "specialty": args.specialty, "field": args.field,
        "program_type": args.program_type,
    }  # fmt: skip


def state_from_args(args: Any) -> Any:
    """The view a command's options describe (``export-map``, ``export-report``): region names or
    codes resolved; the options a command lacks (``--vs``, ``--repr``, ``--emd``) at the view's
    defaults. Returns a ``geo.view.ViewState``."""
    from geo import view

    vs, emd = getattr(args, "vs", None), getattr(args, "emd", None)
    if vs is not None and args.year is None:
        raise ValueError("--vs needs --year (the later year of the comparison)")
    selected = regions.resolve(emd, level="sigungu").code if emd else None
    return view.ViewState(
        lang=args.lang, level=args.level, metric=args.metric, scheme=args.scheme,
        represent=getattr(args, "repr", view.ViewState().represent), **filter_values(args), year=args.year,
        compare_year=vs, selected=selected, emd=selected is not None,
    )  # fmt: skip


def _cli_export(args: argparse.Namespace) -> int:
    """The view the options describe, drawn as the app draws it (``view_html``): its defaults are
    the app's opening view (국비 of the latest year with an official total, by 시도, as circles)."""
    from geo import dataset

    make = maps.MapSettings.projector if args.projector else maps.MapSettings
    settings = make(k=args.k, scheme=args.scheme, represent=args.repr)
    try:
        state = state_from_args(args)
        html_text = view_html(dataset.computed(dataset.bundled(), state), settings)
    except (ValueError, KeyError) as exc:  # unknown region, metric or filter: say so, no traceback
        print(f"export-map: {exc}")
        return 2
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html_text, encoding="utf-8")
    print(f"wrote {out} ({len(html_text.encode('utf-8')) / 1e6:.2f} MB, offline)")
    return 0


def register_cli(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export-map",
        help="write the map as one standalone offline HTML file",
        description="Write the interactive map (filters applied) as one HTML file with Leaflet inlined: "
        "it opens from disk with no network.",
    )
    p.add_argument("out", metavar="OUT.html")
    from geo import view

    view_defaults = view.ViewState()
    p.add_argument("--level", choices=maps.LEVELS, default=view_defaults.level)
    p.add_argument("--lang", choices=maps.LANGS, default="ko")
    p.add_argument(
        "--metric",
        default=view_defaults.metric,
        help="a geo.join metric: life_total, life_national, records, budget_2024_national… "
        "(default: the opening view's, as the app)",
    )
    add_filter_arguments(p)
    p.add_argument(
        "--year", type=view.year_arg, default=view_defaults.year,
        help="programs running in this year (default: the opening view's year, as the app); 'all' for every year",
    )  # fmt: skip
    p.add_argument("--repr", choices=maps.REPRESENTATIONS, default=view_defaults.represent,
                   help="totals as proportional circles (default) or colours (fill)")  # fmt: skip
    p.add_argument("--emd", metavar="SIGUNGU", help="draw the 읍면동 of this 시군구 (drill-down)")
    p.add_argument(
        "--k", type=int, default=5, choices=range(1, maps.MAX_CLASSES + 1), metavar="K",
        help=f"number of classes, 1 to {maps.MAX_CLASSES} (default 5; more cannot be told apart with "
        "colour-vision deficiency)",
    )  # fmt: skip
    p.add_argument("--scheme", choices=maps.SCHEMES, default="natural_breaks")
    p.add_argument("--projector", action="store_true", help="large type for a projector")
    p.set_defaults(func=_cli_export)
