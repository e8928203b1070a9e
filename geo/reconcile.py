"""The official figures against the records: how much of each figure the records itemize.

``data/official_totals.csv`` holds the aggregates the ministry published (the 2024 budget of
5,770억원 in 56 programs, the Smart Village tasks, ...), each with its source. ``reconcile``
adds up the attached records the way each figure counts (one rule per kind of figure, years
read from the figure's id) and gives the gap and a coverage sentence; a figure the records
cannot add up to (a target, a share of an unknown whole) has no records value and says why.
The app, the briefing sheet, the deck and ``python -m geo reconcile`` all show this table.
"""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from geo import regions
from geo.join import attach, total
from geo.programs import FIELDS_EN, load_programs

OFFICIAL_FILE = Path(__file__).resolve().parent.parent / "data" / "official_totals.csv"


def load_official(path: str | Path = OFFICIAL_FILE) -> pd.DataFrame:
    """The official aggregates (one row per figure, with its source)."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    df["value"] = pd.to_numeric(df["value"])
    return df


def _fmt(x: float) -> str:
    return f"{x:,.1f}".removesuffix(".0") if not math.isnan(x) else "—"


def _sv_items(df: pd.DataFrame, y0: int, y1: int) -> pd.DataFrame:
    """Smart Village tasks/sites (not the program-year totals) with year in [y0, y1]."""
    sv = df[(df["program_type"] == "smart_village") & (df["location_precision"] != "multi_region")]
    return sv[(sv["year"] >= y0) & (sv["year"] <= y1)]


def _span(year: str) -> tuple[int, int]:
    """ "2024" -> (2024, 2024); "2019-2022" -> (2019, 2022)."""
    a, _, b = str(year).partition("-")
    return int(a), int(b or a)


# Each official figure is reconciled by the first rule whose pattern matches its id. A rule gets
# the figure's row, the attached records and the whole official table, and returns
# (records' value or NaN, coverage sentence). Years come from the id, so 2025 and 2026 figures
# reconcile like 2024's without new code.
_Rule = Callable[[dict, pd.DataFrame, pd.DataFrame], tuple[float, str]]


def _r_total_budget(o: dict, df: pd.DataFrame, off: pd.DataFrame) -> tuple[float, str]:
    y, val = _span(o["year"])[0], float(o["value"])
    rec = total(df, f"budget_{y}_national")
    n = int(df.loc[(df["record_role"] == "whole") & (df["annual_year"] == y), "annual_national"].notna().sum())
    return rec, f"{y} 국비: {_fmt(rec)} of {_fmt(val)}억 itemized in {n} program records"


def _r_total_programs(o: dict, df: pd.DataFrame, off: pd.DataFrame) -> tuple[float, str]:
    y = _span(o["year"])[0]
    w = df[(df["record_role"] == "whole") & (df["annual_year"] == y) & df["annual_national"].notna()]
    return float(len(w)), f"{len(w)} of {int(float(o['value']))} programs itemized with a {y} amount"


def _r_field(o: dict, df: pd.DataFrame, off: pd.DataFrame) -> tuple[float, str]:
    y, fld = _span(o["year"])[0], o["note"].split("=", 1)[1]
    rec = total(df, f"budget_{y}_national", field=fld)
    unknown = total(df[df["field"] == ""], f"budget_{y}_national")
    return rec, (
        f"{FIELDS_EN.get(fld, fld)} ({fld}): {_fmt(rec)} of {_fmt(float(o['value']))}억 itemized; "
        f"{_fmt(unknown)}억 of itemized {y} 국비 has no field in the sources"
    )


def _r_sv_budget(o: dict, df: pd.DataFrame, off: pd.DataFrame) -> tuple[float, str]:
    y0, y1 = _span(o["year"])
    line = total(df, f"budget_{y0}_national", program_type="smart_village") if y0 == y1 else 0.0
    if line > 0:  # the program's own budget line for that year (per-task budgets mostly unpublished)
        return line, f"Smart Village {y0} budget as one national line; per-task budgets not published"
    items = _sv_items(df, y0, y1)
    rec = float(items["annual_total"].sum()) + float(items["annual_national"].sum())
    what = "억 (sum of per-site amounts in those years)"
    return rec, f"Smart Village {o['year']}: {_fmt(rec)} of {_fmt(float(o['value']))} {what} itemized"


def _r_sv_tasks(o: dict, df: pd.DataFrame, off: pd.DataFrame) -> tuple[float, str]:
    y0, y1 = _span(o["year"])
    items = _sv_items(df, y0, y1)
    what = "tasks" if y0 == y1 else "tasks/sites"
    return float(len(items)), f"Smart Village {o['year']}: {len(items)} of {int(float(o['value']))} {what} itemized"


def _r_sv_lgs(o: dict, df: pd.DataFrame, off: pd.DataFrame) -> tuple[float, str]:
    y0, y1 = _span(o["year"])
    items = _sv_items(df, y0, y1)
    lg = items["sigungu_code"].where(items["sigungu_code"] != "", items["sido_code"])
    sido_only = sorted({regions.name(c) for c in items.loc[items["sigungu_code"] == "", "sido_code"] if c})
    text = f"Smart Village {o['year']}: {lg.nunique()} of {int(float(o['value']))} local governments named"
    if sido_only:
        text += f"; {len(sido_only)} ({', '.join(sido_only)}) counted only at 시도 level"
    return float(lg.nunique()), text


def _r_sv_tasks_sido(o: dict, df: pd.DataFrame, off: pd.DataFrame) -> tuple[float, str]:
    y0, y1 = _span(o["year"])
    n = int((_sv_items(df, y0, y1)["sido_code"] == o["scope"]).sum())
    return float(n), (
        f"Smart Village {o['year']} in {regions.name(o['scope'])}: {n} of {int(float(o['value']))} tasks itemized"
    )


def _r_bottom_up(o: dict, df: pd.DataFrame, off: pd.DataFrame) -> tuple[float, str]:
    y, val = _span(o["year"])[0], float(o["value"])
    amt = total(df[df["bottom_up"].fillna(False).astype(bool)], f"budget_{y}_national")
    tot = float(off.loc[off["id"] == f"TOTAL_{y}_BUDGET", "value"].iloc[0])
    rec = round(100 * amt / tot, 1)
    return rec, (
        f"records flagged bottom-up: {_fmt(amt)}억 = {rec}% of {_fmt(tot)}억 "
        f"(official {val}% ≈ {_fmt(tot * val / 100)}억); others not flagged in the sources"
    )


def _r_districts(o: dict, df: pd.DataFrame, off: pd.DataFrame) -> tuple[float, str]:
    d = df[(df["program_type"] == "innovation_district") & (df["location_precision"] != "multi_region")]
    years = sorted({int(y) for y in d["year"].dropna()})
    span = f"{years[0]}–{years[-1]}" if years else "none yet"
    return float(len(d)), f"{len(d)} districts selected ({span}) of the {int(float(o['value']))}+ targeted by 2030"


def _r_not_itemized(o: dict, df: pd.DataFrame, off: pd.DataFrame) -> tuple[float, str]:
    y = _span(o["year"])[0]
    return math.nan, f"not itemized: the sources do not say which records are among the new programs of {y}"


_RULES: tuple[tuple[str, _Rule], ...] = (
    (r"TOTAL_\d{4}_BUDGET", _r_total_budget),
    (r"TOTAL_\d{4}_PROGRAMS", _r_total_programs),
    (r"FIELD_\d{4}_\w+", _r_field),
    (r"SV_\d{4}(?:_\d{4})?_BUDGET", _r_sv_budget),
    (r"SV_\d{4}(?:_\d{4})?_TASKS", _r_sv_tasks),
    (r"SV_\d{4}(?:_\d{4})?_LGS", _r_sv_lgs),
    (r"SV_\d{4}_TASKS_[A-Z]+", _r_sv_tasks_sido),  # one 시도 (SV_2024_TASKS_DAEGU), not sub-kinds
    (r"BOTTOM_UP_\d{4}_SHARE", _r_bottom_up),
    (r"TARGET_2030_DISTRICTS", _r_districts),
    (r"NEW_\d{4}_\w+", _r_not_itemized),
)


def _reconcile_one(o: dict, df: pd.DataFrame, off: pd.DataFrame) -> tuple[float, str]:
    for pattern, rule in _RULES:
        if re.fullmatch(pattern, o["id"]) and (rule is not _r_field or "=" in str(o["note"])):
            return rule(o, df, off)
    if o["kind"] == "target":
        return math.nan, "target; not a sum of records"
    return math.nan, "not reconcilable from program records"


def reconcile(records: pd.DataFrame, official: pd.DataFrame | None = None) -> pd.DataFrame:
    """For each official figure: the official value, the records' sum, the gap and the coverage.

    ``complete`` is True when the records itemize the figure fully (gap 0). Figures the records
    cannot add up to (targets, percentages of unknown parts) have records = NaN and a coverage
    sentence saying why.
    """
    off = load_official() if official is None else official
    df = attach(records)
    rows = []
    for o in off.to_dict("records"):
        val = float(o["value"])
        rec, cov = _reconcile_one(o, df, off)
        gap = val - rec if not math.isnan(rec) else math.nan
        rows.append(
            {
                "id": o["id"],
                "metric_ko": o["metric_ko"],
                "metric_en": o["metric_en"],
                "year": o["year"],
                "official": val,
                "unit": o["unit"],
                "records": rec,
                "gap": gap,
                "complete": (not math.isnan(gap)) and abs(gap) < 1e-9 and o["kind"] != "share",
                "coverage": cov,
                "derived": o["derived"] == "true",
                "source_url": o["source_url"],
            }
        )
    return pd.DataFrame(rows)


def format_reconcile(table: pd.DataFrame) -> str:
    """Plain-text report: one line per official figure, then its coverage sentence."""
    lines = []
    for r in table.to_dict("records"):
        head = (
            f"{r['id']:<26} {r['metric_ko']} ({r['year']}): official {_fmt(r['official'])} {r['unit']}"
            f"{' (derived)' if r['derived'] else ''}; records {_fmt(r['records'])}; gap {_fmt(r['gap'])}"
            f"{'; complete' if r['complete'] else ''}"
        )
        lines += [head, f"    {r['coverage']}", f"    source: {r['source_url']}"]
    return "\n".join(lines)


def _cli_reconcile(args: argparse.Namespace) -> int:
    load = load_programs(args.file)
    if load.errors:
        print(load.report())
    table = reconcile(load.records, load_official(args.official))
    print(format_reconcile(table))
    return 1 if load.errors else 0


def register_cli(sub: argparse._SubParsersAction) -> None:
    """`python -m geo reconcile`: official figures vs the records, with gaps and coverage."""
    from geo.programs import DATA_FILE

    p = sub.add_parser("reconcile", help="compare the records with the official totals")
    p.add_argument("file", nargs="?", default=str(DATA_FILE), help="programs CSV (default: data/programs.csv)")
    p.add_argument("--official", default=str(OFFICIAL_FILE), help="official totals CSV")
    p.set_defaults(func=_cli_reconcile)
