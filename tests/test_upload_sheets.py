"""The app's upload takes workbooks, and asks before reading a sheet with officials' own column names (AppTest)."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geo import dataset
from tests.test_sheets import _csv_rows, _officials, two_sheets

ROOT = Path(__file__).resolve().parent.parent
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def records_metric(at: AppTest) -> int:
    return int(next(m.value for m in at.metric if m.label == "기록 수").replace(",", ""))


@pytest.fixture(scope="module")
def at() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["year"] = "all"  # every record (the opening view shows the latest official year's)
    at.run()
    assert not at.exception
    return at


def test_xlsx_upload_is_read_at_once(at: AppTest) -> None:
    rows = [r | {"id": f"UP-{n}", "project_id": "", "record_role": "whole"} for n, r in enumerate(_csv_rows(3))]
    buf = io.BytesIO()
    pd.DataFrame(rows).to_excel(buf, index=False)
    bundled = len(dataset.bundled_load().records)
    at.file_uploader[0].upload("three.xlsx", buf.getvalue(), XLSX).run()
    assert not at.exception, [e.stack_trace for e in at.exception]
    shown = " ".join(e.value for e in [*at.sidebar.success, *at.sidebar.warning, *at.sidebar.error])
    assert "three.xlsx (Excel workbook" in shown and "3행 사용, 0행 거부, 경고 0건" in shown, shown
    assert records_metric(at) == bundled + 3


def test_officials_sheet_waits_for_the_mapping(at: AppTest, tmp_path: Path) -> None:
    data = _officials(tmp_path / "off.xlsx").read_bytes()
    bundled = len(dataset.bundled_load().records)
    at.file_uploader[0].upload("off.xlsx", data, XLSX).run()
    assert not at.exception
    found = ["연번", "사업코드", "사업명", "시도", "시군구", "연도", "국비", "지방비", "사업기간", "주관기관", "출처"]
    boxes = {s.label: s for s in at.sidebar.selectbox if s.key and s.key.startswith("w_map_")}
    assert list(boxes)[: len(found)] == found
    assert boxes["국비"].value == "annual_national" and boxes["연번"].value == ""
    assert records_metric(at) == bundled + 3  # the previous upload is still the one in use
    boxes["주관기관"].select("")  # the user leaves 주관기관 out, then confirms
    next(b for b in at.sidebar.button if b.label == "이 대응으로 읽기").click().run()
    assert not at.exception
    shown = " ".join(e.value for e in [*at.sidebar.success, *at.sidebar.warning, *at.sidebar.error])
    assert "off.xlsx" in shown and "2행 사용" in shown, shown
    captions = " ".join(c.value for c in at.sidebar.caption).replace("\\", "")
    assert "columns left out: 연번, 주관기관, 사업비(백만원)" in captions, captions
    assert records_metric(at) == bundled + 2


def test_a_workbooks_sheet_is_chosen(at: AppTest, tmp_path: Path) -> None:
    data = two_sheets(tmp_path / "two.xlsx").read_bytes()
    bundled = len(dataset.bundled_load().records)
    at.file_uploader[0].upload("two.xlsx", data, XLSX).run()
    assert not at.exception
    box = next(s for s in at.sidebar.selectbox if s.label == "읽을 시트")
    assert box.options == ["표지", "data"] and box.value == "표지"
    assert records_metric(at) == bundled  # the cover sheet has no records
    box.select("data").run()
    assert not at.exception
    shown = " ".join(e.value for e in [*at.sidebar.success, *at.sidebar.warning, *at.sidebar.error])
    assert "two.xlsx" in shown and "1행 사용, 0행 거부" in shown, shown
    assert records_metric(at) == bundled + 1
