"""The map's reading of records (geo/maps/records.py, issue 30): column by column, once per data
version. What the layers get must be what ``DataFrame.to_dict`` gave, cell for cell, and a
filter change must not work any record out again."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from geo import dataset, maps, view
from geo.maps import records as mrec


@pytest.fixture(scope="module")
def data() -> dataset.DataSet:
    return dataset.bundled()


def same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b or (pd.isna(a) and pd.isna(b))  # type: ignore[arg-type]


def test_records_list_is_to_dict_of_the_map_columns(data: dataset.DataSet) -> None:
    recs = data.records
    got = mrec.records_list(recs)
    cols = [c for c in mrec.MAP_COLUMNS if c in recs.columns]
    want = recs[cols].to_dict("records")
    assert len(got) == len(want) == len(recs)
    assert all(set(g) == set(cols) for g in got)
    bad = [(w["id"], c) for g, w in zip(got, want, strict=True) for c in cols if not same(g[c], w[c])]
    assert bad == []
    sv = mrec.records_list(recs, types=("smart_village",))
    assert [r["id"] for r in sv] == recs.loc[recs["program_type"] == "smart_village", "id"].tolist()
    assert mrec.records_list(recs, types=("no_such_type",)) == []
    assert mrec.records_list(None) == [] and mrec.records_list(recs.iloc[:0]) == []


def test_each_record_is_worked_out_once_per_data_version(data: dataset.DataSet) -> None:
    assert data.records.attrs[mrec.DATA_VERSION].startswith(data.key + "@")
    calls: list[str] = []

    def make(row: dict) -> str:
        calls.append(row["id"])
        return f"{row['id']}:{row['program_type']}"

    kind = "test-once"
    rows = mrec.of_type("smart_village")
    first = view.compute(data.records, view.ViewState(level="sigungu", program_type="smart_village", year=2024))
    a = mrec.per_record(first.records, kind, "ko", make, rows=rows)
    assert len(a) == int((first.records["program_type"] == "smart_village").sum()) > 0
    # the version's first map works out every record of the version (mark_version kept the whole
    # set), each once: no later filter, even every year at once, works any out again
    every = int((data.records["program_type"] == "smart_village").sum())
    assert len(calls) == len(set(calls)) == every > len(a)
    wider = view.compute(data.records, view.ViewState(level="sigungu", program_type="smart_village", year=None))
    b = mrec.per_record(wider.records, kind, "ko", make, rows=rows)
    assert len(b) > len(a) and len(calls) == every
    sv_ids = wider.records.loc[wider.records["program_type"] == "smart_village", "id"]
    assert b == [f"{i}:smart_village" for i in sv_ids]
    assert mrec.per_record(wider.records, kind, "ko", make, rows=rows) == b and len(calls) == every
    # a frame that names no version (a test's, a hand-made export) is worked out every time
    plain = wider.records.copy()
    plain.attrs = {}
    n = len(calls)
    assert mrec.per_record(plain, kind, "ko", make, rows=rows) == b and len(calls) == n + len(b)


def test_a_map_of_a_versioned_view_is_the_map_of_the_same_records_unversioned(data: dataset.DataSet) -> None:
    """The memo changes nothing drawn: the same bytes as the records worked out afresh."""
    for state in (view.preset("sv2024", "ko"), view.ViewState(level="sigungu", year=None), view.preset("ai", "en")):
        v = view.compute(data.records, state)
        args = view.map_arguments(v, maps.MapSettings())
        versioned = maps.render_html(maps.build_map(**args))
        plain = v.records.copy()
        plain.attrs = {}
        assert maps.render_html(maps.build_map(**{**args, "records": plain})) == versioned
