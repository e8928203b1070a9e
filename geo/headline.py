"""The first figure of a view: which year the opening view shows, which years a figure sums,
and the official total it stands beside.

Why its own module: an official must be able to read the headline figure at a glance and trust it.
The opening view is the latest year with an official national total (data/official_totals.csv), so
recording next year's total moves it with no code change; a figure always says which years it
sums; and where an official total covers exactly the view, the figure says how much of it the
records itemize ("공식 5,770억원 중 1,699.2억원(29.4%)이 기록으로 확인").
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

import pandas as pd

from geo import i18n
from geo.coverage import fmt_eok
from geo.join import Filters, Metric
from geo.reconcile import OFFICIAL_FILE


def opening_year(path: str | Path = OFFICIAL_FILE) -> int | None:
    """The latest year with an official national budget total (``TOTAL_<year>_BUDGET`` in
    data/official_totals.csv): the year the opening view shows. Recording next year's total
    moves the opening view to it, with no code change. None when no total is recorded."""
    try:
        with open(path, encoding="utf-8", newline="") as f:
            ids = [row.get("id", "") for row in csv.DictReader(f)]
    except OSError:
        return None
    years = [int(m.group(1)) for i in ids if (m := re.fullmatch(r"TOTAL_(\d{4})_BUDGET", i or ""))]
    return max(years) if years else None


OPENING_YEAR = opening_year()  # read once per process
# The opening view answers one question: the latest official year's 국비, by 시도, beside its official
# total. A lifetime total (plans of later years included) is a choice the user makes, never the default.
OPENING_METRIC = f"budget_{OPENING_YEAR}_national" if OPENING_YEAR else "records"


def span_title(money: Metric, records: pd.DataFrame, lang: str) -> str:
    """The first figure's title, naming the years it sums: "2024년 국비", or "사업기간 총액
    (2019–2030)" for lifetime totals, with the years the records' periods span."""
    if money.year is not None:
        part = money.column.removeprefix("annual_") if money.column else "total"
        return i18n.t(f"kpi_year_{part}", lang, year=money.year)
    has = records[money.column].notna() if money.column and money.column in records else records.index == records.index
    starts = pd.to_numeric(records.loc[has, "period_start"].astype(str).str[:4], errors="coerce").dropna()
    ends = pd.to_numeric(records.loc[has, "period_end"].astype(str).str[:4], errors="coerce").dropna()
    years = sorted({*starts.astype(int), *ends.astype(int)})
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else (str(years[0]) if years else "—")
    return i18n.t("kpi_life", lang, span=span)


# A view with one of these filters alone (and its year) has an official budget to stand beside.
_OFFICIAL_BUDGET = {None: "TOTAL_{y}_BUDGET", "smart_village": "SV_{y}_BUDGET"}


def official_total(money: Metric, filters: Filters) -> tuple[float, str] | None:
    """(value, id) of the official 국비 total the view's first figure is part of: the year's whole
    program, or its Smart Village line, when the view is otherwise unfiltered. None when the
    figure is not a one-year 국비, or no official figure covers exactly the view."""
    if money.year is None or money.column != "annual_national":
        return None
    f = filters
    narrowed = (f.region_group, f.sido_code, f.sigungu_code, f.specialty, f.field, getattr(f, "area", None))
    if any(narrowed) or f.program_type not in _OFFICIAL_BUDGET:
        return None
    key = _OFFICIAL_BUDGET[f.program_type].format(y=money.year)
    hit = official_table()[lambda d: d["id"] == key]
    return (float(hit["value"].iloc[0]), key) if not hit.empty else None


def official_words(total: float, official: tuple[float, str] | None, lang: str) -> str:
    """The line under the first figure that makes it reconcile to the official total ("공식 5,770억원 중
    1,699.2억원(29.4%)이 기록으로 확인"); empty when there is none to stand beside."""
    if official is None:
        return ""
    value = 0.0 if pd.isna(total) else float(total)
    share = f"{value / official[0]:.1%}" if official[0] else "—"
    return i18n.t("kpi_official", lang, official=fmt_eok(official[0]), records=fmt_eok(value), share=share)


@cache
def official_table() -> pd.DataFrame:
    """data/official_totals.csv, read once per process (read-only)."""
    from geo.reconcile import load_official

    return load_official()
