"""Chart specs carry no data, so a filter change only swaps the data into the drawn chart."""

from __future__ import annotations

import pandas as pd
import pytest

from geo import charts, join, programs, view


@pytest.fixture(scope="module")
def records() -> pd.DataFrame:
    return join.attach(programs.load_programs().records)


@pytest.mark.parametrize("name", charts.CHARTS)
def test_spec_has_no_data_and_depends_only_on_language(name: str) -> None:
    spec = charts.spec(name, "ko")
    # Altair's placeholders ({"name": "empty"}, a dataset of one empty row) would add an
    # "undefined" bar next to the app's data.
    assert "data" not in spec and "datasets" not in spec
    assert spec == charts.spec(name, "ko")
    assert spec["mark"] == {"type": "bar"}
    fields = {enc["field"] for enc in spec["encoding"].values() if isinstance(enc, dict) and "field" in enc}
    assert "value" in fields


def test_spec_is_a_copy() -> None:
    charts.spec("field", "ko")["width"] = 1
    assert "width" not in charts.spec("field", "ko")


def test_unknown_chart_or_language_is_refused() -> None:
    with pytest.raises(ValueError, match="chart must be one of"):
        charts.spec("pie", "ko")
    with pytest.raises(ValueError, match="lang must be one of"):
        charts.spec("field", "fr")


def test_data_columns_match_the_spec_fields(records: pd.DataFrame) -> None:
    for state in (view.ViewState(), view.ViewState(region_group="호남권"), view.ViewState(lang="en")):
        v = view.compute(records, state)
        frames = {"field": v.by_field, "region": v.by_region, "year": v.by_year}
        for name in charts.CHARTS:
            spec, rows = charts.spec(name, state.lang), charts.data(name, frames[name], state.lang)
            fields = {e["field"] for e in spec["encoding"].values() if isinstance(e, dict) and "field" in e}
            assert fields <= set(rows.columns), (name, fields, list(rows.columns))
            assert rows["value"].notna().all()


def test_year_rows_are_budget_and_record_series(records: pd.DataFrame) -> None:
    v = view.compute(records, view.ViewState(region_group="호남권"))
    rows = charts.data("year", v.by_year, "ko")
    assert set(rows["series"]) <= {"연간 예산 (억원)", "기록 수"}
    per_year = rows[rows["series"] == "기록 수"].set_index("year")["value"]
    assert per_year.sum() == v.by_year["records"].sum()
