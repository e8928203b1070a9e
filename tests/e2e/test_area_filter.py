"""The 인구감소지역 filter in Chromium (issue 28): a link with ?area=decline&level=sigungu shows the
filtered view and the share line, passes axe, and the box works by keyboard alone.

The map layer of the designations (outlines in the layer switch) is part 2 of the issue and not
drawn yet; these tests cover the filter and the figure.
"""

from __future__ import annotations

import time

import pytest
from a11y import report, run_axe
from helpers import map_frame, open_app, sidebar, wait_script_done
from playwright.sync_api import expect
from server import REPO

from geo import join, programs
from geo.i18n import t

pytestmark = pytest.mark.e2e

VIEWPORT = {"width": 1366, "height": 768}
OUT = REPO / "tests" / "artifacts" / "axe"
SHARE = "인구감소지역 비중 (시군구 89/229곳 = 38.9%)"


def n_records(**filters: object) -> int:
    return len(join.apply_filters(programs.load_programs().records, join.Filters(**filters)))


def test_area_link_shows_the_share_and_passes_axe(new_page, app_server, screenshot_dir) -> None:
    page = new_page(viewport=VIEWPORT)
    open_app(page, app_server.url + "/?area=decline&level=sigungu&year=all", n_regions=229)
    map_frame(page).wait_for_selector(".kdim-legend", state="attached")
    line = page.get_by_text(SHARE)
    expect(line).to_be_visible(timeout=20_000)
    assert f"기록 {n_records(area='decline')}/{n_records(area='decline')}건 (100.0%)" in line.inner_text()
    box = sidebar(page).get_by_role("combobox", name=t("area", "ko"), exact=True)
    expect(box).to_have_value(t("area_units", "ko", label=t("area_decline", "ko"), n=89))
    page.screenshot(path=str(screenshot_dir / "area_decline_sigungu.png"), full_page=True)
    found = report("area_decline", run_axe(page), OUT)
    assert not found, f"area_decline: axe found {found}"


def test_the_area_box_works_by_keyboard(new_page, app_server) -> None:
    page = new_page(viewport=VIEWPORT)
    open_app(page, app_server.url + "/?year=all", n_regions=17)
    year = sidebar(page).get_by_role("combobox", name=t("year", "ko"), exact=True)
    year.focus()
    box = sidebar(page).get_by_role("combobox", name=t("area", "ko"), exact=True)
    stops = []  # after the year box: the area box's help button, then the box
    for _ in range(3):
        page.keyboard.press("Tab")
        stops.append(page.evaluate("() => document.activeElement.outerHTML.slice(0, 80)"))
        if box.evaluate("e => e === document.activeElement"):
            break
    assert box.evaluate("e => e === document.activeElement"), (
        f"Tab from the year box did not reach the area box: {stops}"
    )
    page.keyboard.press("ArrowDown")  # opens the list
    expect(page.get_by_role("listbox")).to_be_visible(timeout=10_000)
    page.keyboard.type("그 밖의")
    page.keyboard.press("Enter")
    wait_script_done(page)
    deadline = time.monotonic() + 20
    while "area=other" not in page.url and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "area=other" in page.url, page.url
    n = n_records(area="other")
    metric = page.locator("[data-testid='stMetric']").filter(has_text=t("kpi_records", "ko"))
    expect(metric.locator("[data-testid='stMetricValue']")).to_have_text(str(n), timeout=20_000)
