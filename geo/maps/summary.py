"""The map in words and as a table: its text alternative (WCAG 1.1.1, KWCAG 적절한 대체 텍스트).

A choropleth says "these regions have the most"; someone who cannot see it gets the same
figures here: a one-paragraph summary (title, metric, the top regions by value) and an HTML
table of those regions, placed below the map in the app and in the standalone export. Every
value is escaped (:func:`geo.maps.markup.esc`); the figures come from the same per-region frame
the map is drawn from (``geo.join.aggregate``, via ``geo.view``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from geo.maps.markup import esc, fmt_number, fmt_signed
from geo.maps.records import values_frame
from geo.maps.text import metric_label, region_name

TOP_N = 10
SECTION_ID = "kdim-map-table"
MAP_START_ID = "kdim-map-start"  # where the sidebar's skip link lands: just before the map

WORDS: dict[str, dict[str, str]] = {
    "ko": {
        "heading": "지도 내용 (표)",
        "summary": "{title}. {metric} 값이 있는 지역 {k}곳. 가장 큰 곳: {top}.",
        "none": "{title}. {metric} 값이 있는 지역이 없습니다.",
        "caption": "{title}: 값이 큰 지역 {n}곳",
        "rank": "순위",
        "region": "지역",
        "records": "사업 기록 (건)",
        "skip_map": "지도 건너뛰기 (지도 내용 표로)",
        "skip_filters": "필터 건너뛰기 (지도로)",
        "change": "{title}. 증가 {up}곳, 감소 {down}곳, 변화 없음 {same}곳, "
        "금액이 공개되지 않아 변화를 알 수 없는 곳 {gap}곳.",
        "change_caption": "{title}: 지역 {n}곳의 두 해와 변화",
    },
    "en": {
        "heading": "The map as a table",
        "summary": "{title}. {k} regions have a value of {metric}. Highest: {top}.",
        "none": "{title}. No region has a value of {metric}.",
        "caption": "{title}: the {n} regions with the highest values",
        "rank": "Rank",
        "region": "Region",
        "records": "Program records",
        "skip_map": "Skip the map (to the map as a table)",
        "skip_filters": "Skip the filters (to the map)",
        "change": "{title}. {up} regions rose, {down} fell, {same} did not change, {gap} have no published amount "
        "to compare.",
        "change_caption": "{title}: both years and the change in {n} regions",
    },
}


def top_regions(values: pd.DataFrame | Mapping[str, float] | None, n: int = TOP_N) -> pd.DataFrame:
    """The ``n`` regions with the largest value (ties by code), with ``code``, ``value``, ``n_records``."""
    df = values_frame(values).reset_index()
    if "code" not in df.columns:
        df = df.rename(columns={df.columns[0]: "code"})
    df = df[pd.to_numeric(df["value"], errors="coerce").notna()].copy()
    df["value"] = df["value"].astype(float)
    if "n_records" not in df.columns:
        df["n_records"] = math.nan
    df["code"] = df["code"].astype(str)
    df = df.sort_values(["value", "code"], ascending=[False, True], kind="mergesort")
    return df[["code", "value", "n_records"]].head(n).reset_index(drop=True)


def table_rows(values: pd.DataFrame | Mapping[str, float] | None, lang: str, n: int = TOP_N) -> list[list[str]]:
    """The table's body as text: rank, region name, value, record count (what the page shows)."""
    out = []
    for i, r in enumerate(top_regions(values, n).itertuples(index=False), start=1):
        recs = "" if pd.isna(r.n_records) else fmt_number(r.n_records)
        out.append([str(i), region_name(r.code, lang), fmt_number(r.value), recs])
    return out


def skip_link(lang: str, target: str = SECTION_ID, words: str = "skip_map") -> str:
    """A link past the map to its table (hidden until focused: page.css); ``target=MAP_START_ID,
    words="skip_filters"``: the sidebar's, past the filters to the map."""
    return f'<a class="kdim-skip" href="#{esc(target)}">{esc(WORDS[lang][words])}</a>'


def change_html(table: pd.DataFrame, *, lang: str, title: str) -> str:
    """A comparison's text alternative (geo.compare.change_frame): how many regions rose and
    fell, then every region's two years and change, in the section the skip link targets."""
    w = WORDS[lang]
    change = table.iloc[:, 3]
    counts = {"up": (change > 0).sum(), "down": (change < 0).sum(), "same": (change == 0).sum()}
    para = w["change"].format(title=title, gap=int(change.isna().sum()), **{k: int(v) for k, v in counts.items()})
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in table.columns)

    def cell(i: int, v: object) -> str:
        if pd.isna(v):
            return "—"
        fmt = fmt_signed if i == 3 else fmt_number  # the fourth column is the change
        return fmt(float(v)) or "0"

    body = "".join(
        f'<tr><th scope="row">{esc(r[0])}</th>' + "".join(f"<td>{esc(cell(i, v))}</td>" for i, v in enumerate(r) if i)
        + "</tr>"
        for r in table.itertuples(index=False)
    )  # fmt: skip
    return _section(lang, para, w["change_caption"].format(title=title, n=len(table)), head, body)


def _section(lang: str, para: str, caption: str, head: str, body: str) -> str:
    """The text alternative's section: heading, paragraph, a scrollable captioned table (HTML cells given)."""
    return (
        f'<section class="kdim-alt" id="{SECTION_ID}" tabindex="-1" aria-labelledby="{SECTION_ID}-h">'
        f'<h2 id="{SECTION_ID}-h">{esc(WORDS[lang]["heading"])}</h2>'
        f'<p class="kdim-alt-summary">{esc(para)}</p>'
        f'<div class="kdim-alt-scroll" role="region" tabindex="0" aria-labelledby="{SECTION_ID}-c">'
        f'<table class="kdim-alt-table"><caption id="{SECTION_ID}-c">{esc(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div></section>"
    )


def summary_html(
    values: pd.DataFrame | Mapping[str, float] | None,
    *,
    metric: str,
    lang: str,
    title: str,
    n: int = TOP_N,
    share: str = "",
) -> str:
    """The map's summary paragraph and its top-regions table, as one section of escaped HTML.
    ``share``: the view's share in 인구감소지역 (geo/policy_shares.py figure_line), a sentence of its own."""
    w = WORDS[lang]
    mlabel, unit = metric_label(metric, lang)
    rows = table_rows(values, lang, n)
    k = len(top_regions(values, n=10**6))
    if rows:
        top = ", ".join(f"{r[1]} {r[2]}{(' ' + unit) if unit else ''}" for r in rows[:3])
        para = w["summary"].format(title=title, metric=mlabel, k=k, top=top)
    else:
        para = w["none"].format(title=title, metric=mlabel)
    if share:
        para = f"{para} {share.rstrip('.')}."
    head = "".join(
        f'<th scope="col">{esc(h)}</th>'
        for h in (w["rank"], w["region"], f"{mlabel} ({unit})" if unit else mlabel, w["records"])
    )
    body = "".join(
        f'<tr><td>{esc(r[0])}</td><th scope="row">{esc(r[1])}</th><td>{esc(r[2])}</td><td>{esc(r[3])}</td></tr>'
        for r in rows
    )
    return _section(lang, para, w["caption"].format(title=title, n=len(rows)), head, body)
