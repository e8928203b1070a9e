"""The figures beside the map as bar tables: HTML tables whose cells carry their bar and number.

They were Vega-Lite charts. Measured in Chromium (benchmarks/bench_app.py and a page without
them), the three charts cost about 1.1 s of a first page's browser time before the map was drawn:
Streamlit loads and compiles Vega for them, on the same main thread as the map's frame. A table
is also its own text alternative (WCAG 1.1.1: a screen reader reads the categories, series and
numbers; a chart canvas said nothing), prints as it shows, and needs no script.

Each chart is a ``<table>``: one row per category and series, the bar a ``<span>`` whose width is
the value's share of the largest in its unit (억원 with 억원, counts with counts: the year chart's
two series are not drawn on one scale), the number printed beside it. Colour is never the only cue: every row names its
series. Every text is escaped; the styles are in geo/web/page.css (``.kdim-bars``).
"""

from __future__ import annotations

import math

import pandas as pd

from geo import i18n
from geo.maps.markup import esc

CHARTS = ("field", "region", "year")
# Per chart: its category column and its series column.
_COLUMNS = {"field": ("field", "kind"), "region": ("region", "kind"), "year": ("year", "series")}
_HEAD = {
    "ko": {"field": "분야", "region": "지역", "year": "연도", "series": "구분", "value": "값"},
    "en": {"field": "Field", "region": "Region", "year": "Year", "series": "Series", "value": "Value"},
}
_NOTE = {
    "ko": "막대 길이는 단위(억원, 건)마다 가장 큰 값에 견줍니다.",
    "en": "Bar lengths compare each value with the largest in its unit (억원, count).",
}


def data(name: str, frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The rows a chart draws (category, series, value), from the view's table of the same name
    (view.View.by_*); regions largest first within their kind, as the map's legend reads."""
    if name not in CHARTS:
        raise ValueError(f"chart must be one of {CHARTS}, not {name!r}")
    if lang not in i18n.LANGS:
        raise ValueError(f"lang must be one of {i18n.LANGS}, not {lang!r}")
    if name == "region":
        kinds = list(dict.fromkeys(frame["kind"]))
        order = frame.assign(_k=frame["kind"].map(kinds.index)).sort_values(["_k", "value"], ascending=[True, False])
        return order.drop(columns="_k").reset_index(drop=True)
    if name != "year":
        return frame
    long = frame.melt("year", var_name="series", value_name="value").dropna()
    names = {"budget": i18n.t("col_annual", lang), "records": i18n.t("kpi_records", lang)}
    long["series"] = long["series"].map(names)
    return long.sort_values("year", kind="stable").reset_index(drop=True)  # budget, then records


def _series(name: str, frame: pd.DataFrame, lang: str) -> list[str]:
    """A chart's series in a fixed order (its colours do not swap when a filter empties one)."""
    if name == "year":
        return [i18n.t("col_annual", lang), i18n.t("kpi_records", lang)]
    return list(dict.fromkeys(frame["kind"]))


def _number(value: float, count: bool) -> str:
    return f"{value:,.0f}" if count else f"{value:,.1f}"


def html(name: str, frame: pd.DataFrame, lang: str, caption: str) -> str:
    """The chart ``name`` of the view's table ``frame`` as a bar table, captioned ``caption``."""
    rows = data(name, frame, lang)
    cat, ser = _COLUMNS[name]
    head = _HEAD[lang]
    series = [x for x in _series(name, frame, lang) if x in set(rows[ser])]
    colour = {x: i % 2 for i, x in enumerate(_series(name, frame, lang))}
    counts = {s: s == i18n.t("kpi_records", lang) for s in series}
    unit_top = {c: float(rows.loc[rows[ser].map(counts) == c, "value"].max()) for c in set(counts.values())}
    top = {s: unit_top[counts[s]] for s in series}  # one scale per unit: 억원 with 억원, counts with counts
    body = []
    for category, group in rows.groupby(cat, sort=False):
        for j, (_, r) in enumerate(group.iterrows()):
            v = float(r["value"])
            s = r[ser]
            width = 0.0 if not top[s] or math.isnan(v) else max(0.0, v / top[s] * 100)
            first = f'<th scope="row" rowspan="{len(group)}">{esc(category)}</th>' if j == 0 else ""
            bar = f'<span class="kdim-bar kdim-s{colour[s]}" style="width:{width:.1f}%"></span>'
            body.append(
                f'<tr>{first}<td>{esc(s)}</td><td class="kdim-bar-cell">{bar}'
                f'<span class="kdim-num">{esc(_number(v, counts[s]))}</span></td></tr>'
            )
    note = f'<p class="kdim-bars-note">{esc(_NOTE[lang])}</p>' if len(unit_top) > 1 else ""
    return (
        f'<div class="kdim-bars-wrap"><table class="kdim-bars" data-chart="{esc(name)}">'
        f"<caption>{esc(caption)}</caption><thead><tr>"
        f'<th scope="col">{esc(head[cat])}</th><th scope="col">{esc(head["series"])}</th>'
        f'<th scope="col">{esc(head["value"])}</th></tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>{note}</div>"
    )
