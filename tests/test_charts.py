"""The figures as bar tables: rows, numbers and bar lengths from the view's tables, escaped."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pandas as pd
import pytest

from geo import charts, join, programs, view


@pytest.fixture(scope="module")
def records() -> pd.DataFrame:
    return join.attach(programs.load_programs().records)


class Rows(HTMLParser):
    """The table's body rows as (row header or None, series, number, bar width %, bar class)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list] = []
        self.caption = ""
        self._in: str | None = None
        self._row: list | None = None

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        a = dict(attrs)
        if tag == "tr":
            self._row = [None, "", "", None, None]
        elif tag == "caption":
            self._in = "caption"
        elif self._row is not None and tag == "th" and a.get("scope") == "row":
            self._in = "th"
        elif self._row is not None and tag == "td" and "class" not in a:
            self._in = "series"
        elif tag == "span" and "kdim-bar" in (a.get("class") or ""):
            self._row[3] = float(re.fullmatch(r"width:([\d.]+)%", a["style"]).group(1))
            self._row[4] = a["class"].split()[-1]
        elif tag == "span" and a.get("class") == "kdim-num":
            self._in = "num"

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag == "tr" and self._row is not None and self._row[1]:
            self.rows.append(self._row)
        if tag in ("tr",):
            self._row = None
        self._in = None

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self._in == "caption":
            self.caption += data
        elif self._in == "th":
            self._row[0] = data
        elif self._in == "series":
            self._row[1] = data
        elif self._in == "num":
            self._row[2] = data


def parse(html: str) -> Rows:
    p = Rows()
    p.feed(html)
    return p


def test_the_field_table_pairs_official_and_itemized_with_their_numbers(records: pd.DataFrame) -> None:
    v = view.compute(records, view.ViewState())
    p = parse(charts.html("field", v.by_field, "ko", "분야별 예산 (2024)"))
    assert p.caption == "분야별 예산 (2024)"
    assert len(p.rows) == len(v.by_field) == 8
    first = v.by_field.iloc[0]
    assert p.rows[0][:3] == [first["field"], first["kind"], f"{first['value']:,.1f}"]
    top = v.by_field["value"].max()  # one scale: both series are 억원
    for row, (_, r) in zip(p.rows, v.by_field.iterrows(), strict=True):
        assert row[3] == pytest.approx(r["value"] / top * 100, abs=0.06)
    assert {row[4] for row in p.rows} == {"kdim-s0", "kdim-s1"}


def test_the_year_table_scales_budgets_and_counts_apart_and_keeps_their_colours(records: pd.DataFrame) -> None:
    v = view.compute(records, view.ViewState(region_group="호남권"))
    p = parse(charts.html("year", v.by_year, "ko", "연도별"))
    budget, count = "연간 예산 (억원)", "기록 수"
    counts = {int(r[0]): r for r in _with_headers(p.rows) if r[1] == count}
    assert sum(int(r[2]) for r in counts.values()) == v.by_year["records"].sum()
    assert max(r[3] for r in counts.values()) == 100.0  # the largest count fills its bar
    budgets = [r for r in _with_headers(p.rows) if r[1] == budget]
    assert max(r[3] for r in budgets) == 100.0
    assert {r[4] for r in budgets} == {"kdim-s0"} and {r[4] for r in counts.values()} == {"kdim-s1"}


def _with_headers(rows: list[list]) -> list[list]:
    """Rows under a rowspan header get that header."""
    out, last = [], None
    for r in rows:
        last = r[0] if r[0] is not None else last
        out.append([last, *r[1:]])
    return out


def test_regions_come_largest_first_within_their_kind(records: pd.DataFrame) -> None:
    v = view.compute(records, view.ViewState())
    rows = charts.data("region", v.by_region, "ko")
    for _, group in rows.groupby("kind", sort=False):
        assert list(group["value"]) == sorted(group["value"], reverse=True)
    assert sorted(rows["region"]) == sorted(v.by_region["region"])


def test_every_text_is_escaped() -> None:
    hostile = '<img src=x onerror="alert(1)">'
    frame = pd.DataFrame({"field": [hostile, "b"], "kind": ["k<b>", "k<b>"], "value": [2.0, 1.0]})
    out = charts.html("field", frame, "en", f"caption {hostile}")
    assert "<img" not in out and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in out
    assert "k&lt;b&gt;" in out and "<b>" not in out


def test_unknown_chart_or_language_is_refused() -> None:
    frame = pd.DataFrame({"field": ["a"], "kind": ["k"], "value": [1.0]})
    with pytest.raises(ValueError, match="chart must be one of"):
        charts.html("pie", frame, "ko", "")
    with pytest.raises(ValueError, match="lang must be one of"):
        charts.html("field", frame, "fr", "")
