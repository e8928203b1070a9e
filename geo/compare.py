"""Two years compared: what changed per region between the view's year and an earlier one.

A view with ``year`` and ``compare_year`` (URL ``year=2024&vs=2023``) is read as "the records
running in each year, on the view's metric"; an annual budget metric follows the year
(``budget_2023_national`` against ``budget_2024_national``). The change is after − before per
region. A region with records in a year whose amounts are not published has no change to show:
it is drawn as a gap (hatched, its tooltip says why), never as a zero. No Streamlit here.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from geo import i18n
from geo.join import Metric, aggregate, apply_filters, get_metric

if TYPE_CHECKING:
    from geo.maps import MapSettings
    from geo.view import View, ViewState

PARTS = {
    "ko": {"national": "연간 국비", "total": "연간 총액", "local": "연간 지방비"},
    "en": {"national": "Annual national budget", "total": "Annual budget", "local": "Annual local budget"},
}


def metric_in(metric: str, year: int) -> Metric:
    """The view's metric as it applies to ``year``: annual budgets follow the year."""
    m = get_metric(metric)
    if m.year is None:
        return m
    return get_metric(f"budget_{year}_{m.key.rsplit('_', 1)[1]}")


def metric_name(metric: str, lang: str) -> tuple[str, str]:
    """(name, unit) of the compared measure: an annual budget without its year."""
    from geo.maps import metric_label

    m = get_metric(metric)
    name, unit = metric_label(metric, lang)
    if m.year is not None:
        name = PARTS[lang][m.key.rsplit("_", 1)[1]]
    if lang == "en":  # "Change in number of records", "Change in annual national budget"
        name = name[:1].lower() + name[1:]
    return name, unit


def label(state: ViewState) -> str:
    """The legend's title: "기록 수 변화 (2023→2024)"."""
    name, _ = metric_name(state.metric, state.lang)
    span = f"{state.compare_year}→{state.year}"
    return f"{name} 변화 ({span})" if state.lang == "ko" else f"Change in {name} ({span})"


def title(state: ViewState) -> str:
    """The page's and map's title for a comparison, with its unit."""
    from geo.maps.text import LEVEL_LABEL

    name, unit = metric_name(state.metric, state.lang)
    lvl = LEVEL_LABEL[state.level][state.lang]  # "시도별" / "by province"
    span = f"{state.compare_year}→{state.year}"
    text = f"{lvl} {name} 변화, {span}" if state.lang == "ko" else f"Change in {name} {lvl}, {span}"
    return f"{text} ({unit})" if unit else text


def side_title(state: ViewState) -> str:
    """The page's title for the two years side by side: what both maps show, then both years
    ("시도별 연간 국비 (억원): 2023 · 2024"). Not :func:`title`: neither map draws a change."""
    from geo.maps.text import LEVEL_LABEL

    name, unit = metric_name(state.metric, state.lang)
    lvl = LEVEL_LABEL[state.level][state.lang]
    text = f"{lvl} {name}" if state.lang == "ko" else f"{name[:1].upper()}{name[1:]} {lvl}"
    text = f"{text} ({unit})" if unit else text
    return f"{text}: {state.compare_year} · {state.year}"


@dataclass(frozen=True)
class Comparison:
    """Both years' per-region values and the change between them, at the view's level."""

    before: int
    after: int
    values_before: pd.DataFrame  # geo.join.aggregate of the earlier year
    values_after: pd.DataFrame
    records_before: pd.DataFrame  # the records running in each year (the markers of its map)
    records_after: pd.DataFrame
    change: pd.DataFrame  # code, value (the change), value_before/after, n_before/after, detail_ko/en


def _side(all_records: pd.DataFrame, state: ViewState, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    records = apply_filters(all_records, state.replace(year=year, compare_year=None).filters())
    return records, aggregate(records, state.level, metric_in(state.metric, year))


WORDS = {
    "ko": {"none": "기록 없음", "n": "기록 {n}건", "no_amount": "금액 없음"},
    "en": {"none": "no records", "n": "{n} records", "no_amount": "no amount published"},
}


def _detail(year: int, value: float, n: int, unit: str, lang: str, counts: bool) -> str:
    """One year of a region's tooltip: "2023: 120 억원 (기록 2건)", or why there is no figure."""
    from geo.maps import fmt_number

    w = WORDS[lang]
    if not n:
        return f"{year}: {w['none']}"
    records = w["n"].format(n=f"{n:,}")
    if counts:
        return f"{year}: {records}"
    shown = w["no_amount"] if pd.isna(value) else f"{fmt_number(value)} {unit}".strip()
    return f"{year}: {shown} ({records})"


def compare(all_records: pd.DataFrame, state: ViewState) -> Comparison:
    """The change per region of the view's metric from ``compare_year`` to ``year``."""
    if state.year is None or state.compare_year is None:
        raise ValueError("a comparison needs both year and compare_year")
    a, b = state.compare_year, state.year
    (rec_a, before), (rec_b, after) = _side(all_records, state, a), _side(all_records, state, b)
    keep = ["code", "value", "n_records", "n_with_value"]
    m = before[keep].merge(after[keep], on="code", how="outer", suffixes=("_before", "_after"))
    for side in ("before", "after"):
        m[f"n_{side}"] = m.pop(f"n_records_{side}").fillna(0).astype(int)
        m.pop(f"n_with_value_{side}")
    # A year with records but no published amount leaves the change unknown (NaN); a year with
    # no record there counts as nothing.
    va = m["value_before"].where(m["n_before"] > 0, 0.0)
    vb = m["value_after"].where(m["n_after"] > 0, 0.0)
    m["value"] = vb - va
    m["n_records"] = m["n_after"]
    names = after.set_index("code")[["programs_ko", "programs_en"]] if len(after) else None
    if names is not None:
        m = m.join(names, on="code")
    counts = get_metric(state.metric).column is None
    for lang in i18n.LANGS:
        _, unit = metric_name(state.metric, lang)
        m[f"detail_{lang}"] = [
            _detail(a, r.value_before, r.n_before, unit, lang, counts)
            + "\n"
            + _detail(b, r.value_after, r.n_after, unit, lang, counts)
            for r in m.itertuples()
        ]
    return Comparison(a, b, before, after, rec_a, rec_b, m.sort_values("code").reset_index(drop=True))


def change_frame(cmp: Comparison, lang: str) -> pd.DataFrame:
    """Each region's two years and the change (what the change map colours), with the record
    counts: the page's table and the exports' text alternative. A year without records is blank."""
    from geo import regions

    ch = cmp.change
    records = i18n.t("kpi_records", lang)
    return pd.DataFrame(
        {
            i18n.t("col_region", lang): [regions.name(c, lang) for c in ch["code"]],
            str(cmp.before): ch["value_before"].where(ch["n_before"] > 0),
            str(cmp.after): ch["value_after"].where(ch["n_after"] > 0),
            i18n.t("col_change", lang): ch["value"],
            f"{records} {cmp.before}": ch["n_before"],
            f"{records} {cmp.after}": ch["n_after"],
        }
    )


def map_arguments(v: View, cmp: Comparison, settings: MapSettings, which: str = "change") -> dict[str, Any]:
    """``view.map_arguments`` for one map of a comparison: the change, or one year of two
    side by side (both years' values make one set of classes, so a colour means the same)."""
    from geo import view
    from geo.maps import page_title

    state = v.state
    args = view.map_arguments(v, settings)
    if which == "change":
        options = {"label": label(state), "diverging": True}
        # the title block's filter line names both years (연도: 2023 → 2024), as the page's does
        filters = {**dataclasses.asdict(state.filters()), "year": f"{cmp.before} → {cmp.after}"}
        return {**args, "values": cmp.change, "filters": filters, "title": title(state), "choropleth": options}
    if which not in ("before", "after"):
        raise ValueError(f"which must be change, before or after, not {which!r}")
    values = cmp.values_before if which == "before" else cmp.values_after
    records = cmp.records_before if which == "before" else cmp.records_after
    year = cmp.before if which == "before" else cmp.after
    both = pd.concat([cmp.values_before["value"], cmp.values_after["value"]]).dropna().tolist()
    metric = metric_in(state.metric, year).key
    shown = state.replace(year=year, compare_year=None)
    return {
        **args,
        "values": values,
        "records": records,
        "filters": shown.filters(),
        "metric": metric,
        "title": page_title(level=state.level, metric=metric, lang=state.lang, filters=shown.filters()),
        "choropleth": {"breaks_from": both},
    }


def side_legend(v: View, cmp: Comparison, settings: MapSettings) -> str:
    """The one legend of the two years side by side, which the page draws below both maps (none
    is drawn in them): the in-map legend's rows for the classes or circles the two maps share
    (``breaks_from``), 'no data' and 'outside the filter' when either map has them. No count per
    class: it differs by year, and the table below the maps gives each region's two values."""
    from geo.maps import choropleth_layer, legend_html
    from geo.maps.policy import area_of_filters

    results = []
    for which in ("before", "after"):
        a = map_arguments(v, cmp, settings, which)
        if "choropleth" in a["layers"]:
            _, r = choropleth_layer(a["values"], level=a["level"], metric=a["metric"], lang=a["lang"],
                                    focus=a["focus"], settings=settings, **a["choropleth"])  # fmt: skip
            results.append(r)
    merged = None
    if results:
        name, _ = metric_name(v.state.metric, v.state.lang)
        merged = dataclasses.replace(
            results[-1],
            has_nodata=any(r.has_nodata for r in results),
            has_outside=any(r.has_outside for r in results),
            label=name[:1].upper() + name[1:],
        )
    markers = [k for k in ("districts", "village", "specialties") if k in a["layers"]]
    policy_level = a["level"] if results else None  # the 인구감소지역 rows, as overlay_layers gives them
    return legend_html(merged, lang=a["lang"], markers=markers, specialties=a["specialties"], settings=settings,
                       level=policy_level, area=area_of_filters(a["filters"]), counts=False,
                       title_tag="p")  # fmt: skip


def side_source(cmp: Comparison, lang: str) -> str:
    """The two maps' one source line (HTML, escaped): the hosts of both years' records' sources
    and the boundaries' licence, said once below both maps rather than wrapped into each."""
    from geo.maps import source_html

    return source_html(pd.concat([cmp.records_before, cmp.records_after], ignore_index=True), lang)
