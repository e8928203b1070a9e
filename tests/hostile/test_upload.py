"""The hostile corpus through the app's upload box (AppTest): the same report, the bundled data kept, no traceback.

One AppTest session takes the cases in turn, as one official trying file after file would. A
case with accepted rows costs ~4 s here (the page recomputes its view and map), so by default
the text-column payloads run for name_ko, sido and source_url only (one per kind of check);
KDIM_HOSTILE_FULL=1 runs all 165 (~10 min).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo import dataset
from geo.programs import load_programs
from tests.hostile.corpus import Case, cases

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
FULL = os.environ.get("KDIM_HOSTILE_FULL") == "1"
SAMPLE_COLUMNS = ("name_ko", "sido", "source_url")


def _sampled(case: Case) -> bool:
    text_case = case.name.startswith(("HTML in ", "javascript: in ", "formula "))
    return FULL or not text_case or case.name.rsplit(" in ", 1)[1] in SAMPLE_COLUMNS


CASES = [c for c in cases() if _sampled(c)]
UPLOAD_LIMIT = 5 * 1024 * 1024


@pytest.fixture(scope="module")
def session() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["year"] = "all"  # every record (the opening view shows the latest official year's)
    at.run()
    assert not at.exception
    return at


def records_metric(at: AppTest) -> int:
    return int(next(m.value for m in at.metric if m.label == "기록 수").replace(",", ""))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_upload(case: Case, session: AppTest) -> None:
    at = session
    data = case.data
    name = f"case-{CASES.index(case):03d}.csv"  # what the report calls the upload
    bundled = len(dataset.bundled_load().records)
    at.file_uploader[0].upload(name, data, "text/csv").run()
    assert not at.exception, ["\n".join(e.stack_trace) for e in at.exception]
    shown = " ".join(e.value for e in [*at.sidebar.error, *at.sidebar.warning, *at.sidebar.success])
    if len(data) > UPLOAD_LIMIT:
        assert name in shown and "5 MB" in shown
        return
    load = load_programs(data, name=name)
    assert name in shown, shown
    assert records_metric(at) == bundled + len(load.records)  # "add" mode: the bundled records stay
    if load.issues:
        issues = at.sidebar.dataframe[-1].value
        assert list(issues["message"]) == [i.message for i in load.issues]
        assert list(issues["row"].fillna(0).astype(int)) == [i.row or 0 for i in load.issues]
