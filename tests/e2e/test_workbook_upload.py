"""The upload in a real browser takes an Excel workbook; a sheet with officials' own column names shows its
column mapping (one select per found column) for the user to confirm, by mouse or keyboard, and it passes axe."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from a11y import report, run_axe
from helpers import open_app, record_count, sidebar, wait_script_done
from playwright.sync_api import expect

from tests.test_sheets import _csv_rows, _officials

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "tests" / "artifacts"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VIEWPORT = {"width": 1366, "height": 900}
ACTIVE_TEXT_JS = "() => (document.activeElement && (document.activeElement.innerText || '')).trim()"


def _wait_count(page, n: int) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_function(
        "n => Array.from(document.querySelectorAll('[data-testid=stMetricValue]'))"
        ".some(e => e.textContent.trim().replace(/,/g, '') === String(n))",
        arg=n,
        timeout=60_000,
    )


def test_xlsx_upload_shows_the_accepted_count(new_page, app_server) -> None:
    page = new_page(viewport=VIEWPORT)
    open_app(page, app_server.url + "/?year=all")
    before = record_count(page)
    rows = [r | {"id": f"E2E-XL-{n}", "project_id": "", "record_role": "whole"} for n, r in enumerate(_csv_rows(2))]
    buf = io.BytesIO()
    pd.DataFrame(rows).to_excel(buf, index=False)
    sidebar(page).locator("input[type='file']").set_input_files(
        {"name": "two.xlsx", "mimeType": XLSX, "buffer": buf.getvalue()}
    )
    expect(sidebar(page).get_by_text("2행 사용, 0행 거부").first).to_be_visible(timeout=30_000)
    expect(sidebar(page).get_by_text("Excel workbook").first).to_be_visible()
    wait_script_done(page)
    _wait_count(page, before + 2)
    assert record_count(page) == before + 2


def test_officials_sheet_mapping_by_keyboard_and_axe(new_page, app_server, tmp_path: Path) -> None:
    page = new_page(viewport=VIEWPORT)
    open_app(page, app_server.url + "/?year=all")
    before = record_count(page)
    data = _officials(tmp_path / "off.xlsx").read_bytes()
    sidebar(page).locator("input[type='file']").set_input_files({"name": "off.xlsx", "mimeType": XLSX, "buffer": data})
    button = sidebar(page).get_by_role("button", name="이 대응으로 읽기")
    expect(button).to_be_visible(timeout=30_000)
    wait_script_done(page)
    # One select per found column, each named by the file's own header and showing the table's guess.
    guk = sidebar(page).get_by_role("combobox", name="국비")
    expect(guk).to_have_count(1)
    expect(guk).to_have_value("annual_national")
    expect(sidebar(page).get_by_role("combobox", name="연번")).to_have_value("— 읽지 않음")
    assert record_count(page) == before  # nothing read before the user confirms
    form = sidebar(page).locator("[data-testid='stForm']")
    form.scroll_into_view_if_needed()
    OUT.mkdir(parents=True, exist_ok=True)
    form.screenshot(path=str(OUT / "upload_mapping.png"))
    found = report("upload_mapping", run_axe(page), OUT / "axe")
    assert not found, found
    # Keyboard only: from the first select, Tab reaches the button; Enter reads the records.
    sidebar(page).get_by_role("combobox", name="연번").focus()
    for _ in range(80):
        if page.evaluate(ACTIVE_TEXT_JS) == "이 대응으로 읽기":
            break
        page.keyboard.press("Tab")
    else:
        raise AssertionError("the button '이 대응으로 읽기' is not reachable by Tab from the mapping's selects")
    page.keyboard.press("Enter")
    expect(sidebar(page).get_by_text("2행 사용, 0행 거부").first).to_be_visible(timeout=30_000)
    expect(sidebar(page).get_by_text("columns left out: 연번").first).to_be_visible()
    wait_script_done(page)
    _wait_count(page, before + 2)
