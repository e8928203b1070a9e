"""The map by keyboard and screen reader, its table, and 200 % zoom (issue 17).

- Keyboard only: from the top of the page, Tab to 해운대구's shape (its accessible name is what its
  tooltip says), Enter: its popup names its programs and the app's panel opens, as a click does.
- The table below the map holds the top regions that geo.view computes for the view.
- 200 % zoom at 1366×768: no page-wide horizontal scroll, the map shows, a filter still works.
"""

from __future__ import annotations

import time

import pytest
from helpers import map_frame, map_locator, open_app, sidebar, wait_script_done
from playwright.sync_api import expect

from geo import join, maps, programs, regions, view
from geo.i18n import t
from geo.view import ViewState

pytestmark = pytest.mark.e2e

VIEWPORT = {"width": 1366, "height": 768}
HAEUNDAE = "26350"
MAX_TABS = 400

# The focused element's accessible name, through same-origin iframes (the map is one).
ACTIVE_NAME_JS = """() => {
  let d = document, e = d.activeElement;
  while (e && e.tagName === 'IFRAME' && e.contentDocument) { d = e.contentDocument; e = d.activeElement; }
  if (!e || e === d.body) return '';
  return (e.getAttribute('aria-label') || e.innerText || e.value || '').trim().slice(0, 300);
}"""


@pytest.fixture(scope="module")
def model():  # type: ignore[no-untyped-def]
    records = join.attach(programs.load_programs().records)
    return lambda state: view.compute(records, state)


def tab_to(page, prefix: str, limit: int = MAX_TABS) -> int:  # type: ignore[no-untyped-def]
    """Press Tab until the focused element's name starts with ``prefix``; returns the presses."""
    for n in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate(ACTIVE_NAME_JS).startswith(prefix):
            return n
    raise AssertionError(f"{prefix!r} not reached in {limit} Tab presses (last: {page.evaluate(ACTIVE_NAME_JS)!r})")


def test_keyboard_reaches_haeundae_and_enter_opens_it(new_page, app_server) -> None:
    page = new_page(viewport=VIEWPORT)
    open_app(page, app_server.url + "/?level=sigungu&sido=26&metric=life_total&year=all", n_regions=229)
    map_frame(page).wait_for_selector("path.kdim-region[tabindex='0']", state="attached")
    name = regions.name(HAEUNDAE, "ko")
    presses = tab_to(page, name)
    label = page.evaluate(ACTIVE_NAME_JS)
    print(f"\nTab presses from the top of the page to {name}: {presses} ({label!r})")
    # The name says what the tooltip shows: metric, amount and records.
    assert maps.metric_label("life_total", "ko")[0] in label and "억원" in label and "사업 기록" in label, label
    frame = map_frame(page)
    ring = frame.evaluate("() => getComputedStyle(document.activeElement).stroke")
    assert ring in ("rgb(0, 0, 0)", "#000"), f"no focus ring on the focused region: stroke {ring}"
    page.keyboard.press("Enter")
    popup = map_locator(page).locator(".leaflet-popup-content")
    expect(popup).to_be_visible(timeout=10_000)
    assert "센텀시티" in popup.inner_text(), popup.inner_text()
    # The same as a click: the app's panel for 해운대구 opens, naming its records.
    expect(page.get_by_text(f"{t('panel', 'ko')}: {name}")).to_be_visible(timeout=20_000)


def test_circles_are_tab_stops_named_as_their_regions(new_page, app_server, model) -> None:
    """Totals as circles: one keyboard stop per circle, named as its region (the region's own
    path is then no stop), largest first; Enter opens its popup; the sidebar offers 원 / 색."""
    page = new_page(viewport=VIEWPORT)
    open_app(page, app_server.url + "/?level=sido", n_regions=17)
    v = model(ViewState(level="sido"))
    valued = v.values.dropna(subset=["value"])
    valued = valued[valued["value"] > 0].sort_values(["value", "code"], ascending=[False, True])
    circles = map_locator(page).locator("path.kdim-circle[role='button'][tabindex='0']")
    expect(circles).to_have_count(len(valued), timeout=20_000)
    names = [circles.nth(i).get_attribute("aria-label") or "" for i in range(circles.count())]
    assert [n.split(":")[0] for n in names] == [regions.name(c, "ko") for c in valued["code"]]
    stops = map_locator(page).locator("path.kdim-region[tabindex='0']")
    assert stops.count() == 17 - len(valued)  # the regions without a circle (no value) stay stops
    circles.first.focus()
    page.keyboard.press("Enter")
    expect(map_locator(page).locator(".leaflet-popup-content")).to_be_visible(timeout=10_000)
    radio = page.locator("[data-testid=stSidebar]").get_by_role("radiogroup", name=t("represent", "ko"))
    expect(radio).to_be_visible()
    assert radio.get_by_role("radio").count() == 2


def test_skip_links_pass_the_filters_then_the_map(new_page, app_server) -> None:
    """Among the page's first tab stops (Streamlit's own English "Skip to main content" comes
    first), ours skips the sidebar to the map; the next one after it skips the map."""
    page = new_page(viewport=VIEWPORT)
    open_app(page, app_server.url, n_regions=17)
    assert tab_to(page, maps.summary.WORDS["ko"]["skip_filters"], limit=3) <= 2
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE_NAME_JS) == maps.summary.WORDS["ko"]["skip_map"]
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.classList.contains('kdim-alt-scroll')")


def test_space_opens_a_district_marker(new_page, app_server) -> None:
    """The opening view draws the totals only: the districts' layer waits in the layer switch, off,
    and Space on its checkbox turns it on (with its legend row); Space on a star opens its popup."""
    page = new_page(viewport=VIEWPORT)
    open_app(page, app_server.url, n_regions=17)
    star = map_locator(page).locator(".kdim-icon-district[role='button'][tabindex='0']")
    expect(star).to_have_count(0)
    switch = map_locator(page).locator(".leaflet-control-layers-overlays label", has_text="국가 디지털 혁신지구")
    switch.locator("input").focus()
    page.keyboard.press(" ")
    expect(star).to_have_count(4, timeout=20_000)
    expect(map_locator(page).locator(".kdim-legend .kdim-lg-districts")).to_be_visible()
    names = [star.nth(i).get_attribute("aria-label") or "" for i in range(4)]
    assert any(n.startswith("부산 센텀시티") for n in names), names
    i = next(i for i, n in enumerate(names) if n.startswith("부산 센텀시티"))
    star.nth(i).focus()
    page.keyboard.press(" ")
    popup = map_locator(page).locator(".leaflet-popup-content")
    expect(popup).to_be_visible(timeout=10_000)
    assert "센텀시티" in popup.inner_text()


def test_map_table_rows_are_the_top_regions_of_the_view(new_page, app_server, model) -> None:
    page = new_page(viewport=VIEWPORT)
    open_app(page, app_server.url + "/?level=sigungu&metric=life_total&year=all", n_regions=229)
    v = model(ViewState(level="sigungu", metric="life_total", year=None))
    expected = maps.top_regions(v.values)
    want = [
        [str(i), regions.name(c, "ko"), maps.fmt_number(x), maps.fmt_number(n)]
        for i, (c, x, n) in enumerate(expected.itertuples(index=False), start=1)
    ]
    rows = page.locator("table.kdim-alt-table tbody tr")
    expect(rows).to_have_count(len(want))
    got = [[c.strip() for c in rows.nth(i).locator("th, td").all_inner_texts()] for i in range(rows.count())]
    assert got == want
    # Same top regions as geo.join.aggregate ranks them, independently.
    agg = join.aggregate(v.records, "sigungu", "life_total").dropna(subset=["value"])
    agg = agg.sort_values(["value", "code"], ascending=[False, True]).head(len(want))
    assert [r[1] for r in got] == [regions.name(c, "ko") for c in agg["code"]]
    # A screen reader reads a summary with the same top regions.
    summary = page.locator(".kdim-alt-summary").inner_text()
    assert all(r[1] in summary for r in got[:3]), summary


def test_200_percent_zoom_keeps_the_page_usable(new_page, app_server, screenshot_dir) -> None:
    """Browser zoom at 200 % on a 1366×768 screen = a 683×384 CSS-pixel viewport at device scale 2
    (what Chromium's zoom does to layout: media queries and widths see half the pixels). CSS
    ``zoom`` on the root would not change the viewport media queries see, so it is not used."""
    page = new_page(viewport={"width": 683, "height": 384}, device_scale_factor=2)
    open_app(page, app_server.url, n_regions=17)
    overflow = page.evaluate("() => { const s = document.scrollingElement; return [s.scrollWidth, s.clientWidth]; }")
    assert overflow[0] <= overflow[1] + 1, f"the page scrolls sideways at 200 %: {overflow}"
    iframe = page.locator("iframe[title='streamlit_folium.st_folium']")
    iframe.scroll_into_view_if_needed()
    box = iframe.bounding_box()
    assert box is not None and box["width"] >= 300 and box["height"] >= 200, box
    expect(map_locator(page).locator(".kdim-legend")).to_be_attached()
    # The filters: Streamlit folds the sidebar on a narrow window; open it and use one.
    if not sidebar(page).is_visible():
        page.locator("[data-testid='stExpandSidebarButton']").first.click()
    expect(sidebar(page)).to_be_visible()
    # Operated as a zoomed-in user would: the list is short on screen, so type and pick.
    box = sidebar(page).get_by_role("combobox", name=t("region_group", "ko"), exact=True)
    box.scroll_into_view_if_needed()
    box.click()
    page.keyboard.type("호남권")
    page.get_by_role("option", name="호남권", exact=True).click()
    wait_script_done(page)
    deadline = time.monotonic() + 20
    while "group=" not in page.url and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "group=" in page.url, page.url
    width = page.evaluate("() => [document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]")
    assert width[0] <= width[1] + 1, width
    page.screenshot(path=str(screenshot_dir / "a11y_zoom200.png"))
