"""The 인구감소지역 filter in Chromium (issue 28): a link with ?area=decline&level=sigungu shows the
filtered view and the share line, draws the designations' outlines (one path per kind, their
legend rows, the layer switch's entry), passes axe, and the box works by keyboard alone; a
designated region's keyboard stop names its designation.
"""

from __future__ import annotations

import time

import pytest
from a11y import report, run_axe
from helpers import layers_on, map_frame, open_app, sidebar, wait_script_done
from playwright.sync_api import expect
from server import REPO
from test_placement import settled

from geo import join, programs
from geo.i18n import t

pytestmark = pytest.mark.e2e

VIEWPORT = {"width": 1366, "height": 768}
OUT = REPO / "tests" / "artifacts" / "axe"
SHARE = "인구감소지역 비중 (시군구 89/229곳 = 38.9%)"
DECLINE = "인구감소지역 (행정안전부 지정)"
LAYER = "인구감소지역·관심지역 (행정안전부 지정)"
# per kind: its line paths, how many rings they draw (one "M" per ring), whether its legend row shows
DRAWN = """() => ['decline', 'interest'].map(k => {
  const ps = [...document.querySelectorAll('path.kdim-policy-line.kdim-policy-' + k)];
  const row = document.querySelector('.kdim-lg-policy-' + k);
  return {paths: ps.length, rings: ps.reduce((n, p) => n + (p.getAttribute('d').match(/M/g) || []).length, 0),
          row: row && !row.hidden && row.getBoundingClientRect().height > 0 ? row.innerText : null};
})"""


def n_records(**filters: object) -> int:
    return len(join.apply_filters(programs.load_programs().records, join.Filters(**filters)))


def test_area_link_shows_the_share_and_passes_axe(new_page, app_server, screenshot_dir) -> None:
    page = new_page(viewport=VIEWPORT)
    open_app(page, app_server.url + "/?area=decline&level=sigungu&year=all", n_regions=229)
    map_frame(page).wait_for_selector(".kdim-legend", state="attached")
    line = page.locator("[data-testid='stCaptionContainer']").filter(has_text=SHARE)
    expect(line).to_be_visible(timeout=20_000)
    expect(page.locator(".kdim-alt-summary")).to_contain_text(SHARE)  # the text alternative says it too
    assert f"기록 {n_records(area='decline')}/{n_records(area='decline')}건 (100.0%)" in line.inner_text()
    box = sidebar(page).get_by_role("combobox", name=t("area", "ko"), exact=True)
    expect(box).to_have_value(t("area_units", "ko", label=t("area_decline", "ko"), n=89))
    frame = map_frame(page)
    frame.wait_for_selector("path.kdim-policy-line", state="attached", timeout=20_000)
    decline, interest = frame.evaluate(DRAWN)
    assert decline["paths"] == interest["paths"] == 1, (decline, interest)
    assert decline["rings"] >= 89 and interest["rings"] >= 18, (decline, interest)
    assert decline["row"] and "89곳" in decline["row"], decline
    assert interest["row"] and "18곳" in interest["row"], interest
    switch = frame.locator(".leaflet-control-layers-overlays label", has_text=LAYER)
    expect(switch.locator("input")).to_be_checked()
    page.screenshot(path=str(screenshot_dir / "area_decline_sigungu.png"), full_page=True)
    assert layers_on(page) == 3  # the symbol layers start off in a view with no program type
    placed = settled(page)  # test_placement's measure: nothing collides with the new legend rows either
    assert placed["marks"] > 0 and (placed["pairs"], placed["under"]) == ([], []), placed
    found = report("area_decline", run_axe(page), OUT)
    assert not found, f"area_decline: axe found {found}"
    # turned off in the layer switch: the outlines and their legend rows go
    switch.locator("input").uncheck()
    frame.wait_for_function("() => !document.querySelector('path.kdim-policy-line')", timeout=10_000)
    assert [d["row"] for d in frame.evaluate(DRAWN)] == [None, None]


def test_without_an_area_the_layer_waits_in_the_switch(new_page, app_server) -> None:
    page = new_page(viewport=VIEWPORT)
    open_app(page, app_server.url + "/?level=sigungu&year=all", n_regions=229)
    frame = map_frame(page)
    frame.wait_for_selector(".kdim-legend", state="attached")
    switch = frame.locator(".leaflet-control-layers-overlays label", has_text=LAYER)
    expect(switch.locator("input")).not_to_be_checked(timeout=10_000)
    assert frame.evaluate("() => document.querySelectorAll('path.kdim-policy-line').length") == 0
    assert [d["row"] for d in frame.evaluate(DRAWN)] == [None, None]
    switch.locator("input").check()  # turned on: both kinds outlined, their rows shown
    frame.wait_for_selector("path.kdim-policy-line", state="attached", timeout=10_000)
    decline, interest = frame.evaluate(DRAWN)
    assert (decline["paths"], interest["paths"]) == (1, 1) and decline["row"] and interest["row"]


def test_a_designated_regions_keyboard_stop_names_it(new_page, app_server) -> None:
    page = new_page(viewport=VIEWPORT)
    open_app(page, app_server.url + "/?area=decline&level=sigungu&year=all", n_regions=229)
    frame = map_frame(page)
    frame.wait_for_selector("path.kdim-policy-line", state="attached", timeout=20_000)
    # 영양군 (47750), an 인구감소지역: its stop (its region, or its circle) says so
    stop = frame.locator(f"[tabindex='0'][aria-label^='경상북도 영양군'][aria-label*='{DECLINE}']")
    expect(stop).to_have_count(1)
    stop.focus()
    expect(frame.locator(".kdim-tip-box", has_text=DECLINE)).to_be_visible(timeout=10_000)
    assert DECLINE not in (frame.locator("[tabindex='0'][aria-label^='서울특별시 종로구']").get_attribute("aria-label"))


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
