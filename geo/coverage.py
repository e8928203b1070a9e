"""What the records cover of the official figures, per year, in the words the app shows beside
the map (and the site, the deck and the 보고서 repeat): "2024 국비: 공식 5,770억원 중 1,699.2억원이
기록으로 확인됨". Computed once per data version (geo/dataset.py) from ``geo.reconcile``.
"""

from __future__ import annotations

import math

import pandas as pd

from geo import regions
from geo.reconcile import reconcile


def fmt_eok(v: float) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    return f"{v:,.1f}".removesuffix(".0")


COVERAGE_KEYS = ("TOTAL_{y}_BUDGET", "TOTAL_{y}_PROGRAMS", "SV_{y}_TASKS", "SV_{y}_LGS")


def coverage_years(table: pd.DataFrame, first: int = 2024) -> list[int]:
    """Years from ``first`` on that have at least one of the headline official figures."""
    ids = set(table["id"])
    years = {int(y) for y in table["year"].astype(str) if y.isdigit() and int(y) >= first}
    return sorted(y for y in years if any(k.format(y=y) in ids for k in COVERAGE_KEYS))


def coverage_lines(all_records: pd.DataFrame, lang: str, years: list[int] | None = None) -> list[str]:
    """The reconciliation lines the app shows beside the map (what keeps the map honest), per year."""
    return [line for lines in coverage_by_year(all_records, lang, years).values() for line in lines]


def coverage_by_year(
    all_records: pd.DataFrame, lang: str, years: list[int] | None = None, rec: pd.DataFrame | None = None
) -> dict[int, list[str]]:
    """{year: its coverage lines}: 2024 and each later year with official figures, side by side.
    ``rec``: ``reconcile(all_records)`` when the caller has it (a second costs a second)."""
    rec = reconcile(all_records) if rec is None else rec
    by_id = rec.set_index("id")
    out: dict[int, list[str]] = {}
    for y in years or coverage_years(rec):
        lines = []
        for k in COVERAGE_KEYS:
            key = k.format(y=y)
            if key in by_id.index:
                r = by_id.loc[key]
                text = str(r["coverage"])
                lines.append(_coverage_ko(key, r, text, y) if lang == "ko" else _coverage_en(key, r, text, y))
        out[y] = lines
    return out


def _coverage_en(key: str, r: pd.Series, text: str, y: int) -> str:
    """English coverage lines, free of Korean words (names of places excepted)."""
    n, of = fmt_eok(float(r["records"])), fmt_eok(float(r["official"]))
    if key == f"TOTAL_{y}_BUDGET":
        return f"{y} national budget: {n} of the official {of}억원 itemized in records"
    if key == f"SV_{y}_LGS" and ";" in text:
        rest = text.split(";", 1)[1]
        names = rest[rest.find("(") + 1 : rest.find(")")]
        en = ", ".join(regions.resolve(x.strip()).name_en for x in names.split(",") if x.strip())
        return f"Smart Village {y}: {n} of {of} local governments named (known only at province level: {en})"
    return text


def _coverage_ko(key: str, r: pd.Series, text: str, y: int) -> str:
    """Korean wording of the coverage lines that the app puts in front of officials."""
    n, of = fmt_eok(float(r["records"])), fmt_eok(float(r["official"]))
    if key == f"TOTAL_{y}_BUDGET":
        return f"{y} 국비: 공식 {of}억원 중 {n}억원이 기록으로 확인됨"
    if key == f"TOTAL_{y}_PROGRAMS":
        return f"{y} 사업: 공식 {of}개 중 {n}개 사업의 금액이 기록됨"
    if key == f"SV_{y}_TASKS":
        return f"스마트빌리지 {y}: 과제 {of}개 중 {n}개 명시"
    if key == f"SV_{y}_LGS":
        rest = text.split(";", 1)[1].strip() if ";" in text else ""
        at_sido = rest.split(" ", 1)[0] if rest else ""
        tail = f" (시도 단위로만 확인: {rest[rest.find('(') + 1 : rest.find(')')]})" if at_sido else ""
        return f"스마트빌리지 {y}: 지자체 {of}곳 중 {n}곳 확인{tail}"
    return text
