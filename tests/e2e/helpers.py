"""Page helpers shared by the e2e tests and benchmarks/load.py (Playwright sync API).

Selectors use the app's own labels from geo.i18n, so a reworded label does not break a test
and a test never hard-codes a string the app does not show.
"""

from __future__ import annotations

import time
from typing import Any

from playwright.sync_api import Frame, FrameLocator, Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from geo.i18n import t

MAP_IFRAME = "iframe[title='streamlit_folium.st_folium']"
SIDEBAR = "section[data-testid='stSidebar']"
REGION_PATHS = "path.kdim-region"  # the choropleth: one SVG path per 시도 / 시군구 (maps.choropleth_layer)
SETTLE_S = 0.3

# Inside the map iframe: the choropleth's fills in feature order (one entry per unit).
FILLS_JS = "() => Array.from(document.querySelectorAll('path.kdim-region')).map(p => p.getAttribute('fill'))"


def wait_script_done(page: Page, *, expect_run: bool = True, timeout: float = 30.0) -> None:
    """Wait until Streamlit has run the script: [data-test-script-state='notRunning'] and a settle.

    ``expect_run``: an interaction has just happened, so first give the rerun a moment to start
    (it may also have finished already; a fast rerun is not an error).
    """
    if expect_run:
        try:
            page.wait_for_selector("[data-test-script-state='running']", timeout=1_500, state="attached")
        except PlaywrightTimeout:
            pass
    page.wait_for_selector("[data-test-script-state='notRunning']", timeout=timeout * 1000, state="attached")
    time.sleep(SETTLE_S)


def open_app(page: Page, url: str, *, n_regions: int | None = 17) -> None:
    """Open the app and wait until the script has finished and the map has drawn its regions."""
    page.goto(url, wait_until="domcontentloaded")
    wait_script_done(page, expect_run=False, timeout=60)
    if n_regions is not None:
        wait_region_count(page, n_regions)


def map_locator(page: Page) -> FrameLocator:
    return page.frame_locator(MAP_IFRAME)


def map_frame(page: Page, timeout: float = 30.0) -> Frame:
    """The streamlit_folium iframe as a Frame (for evaluate / wait_for_function)."""
    handle = page.wait_for_selector(MAP_IFRAME, timeout=timeout * 1000, state="attached")
    frame = handle.content_frame()
    if frame is None:
        raise AssertionError("streamlit_folium iframe has no content frame")
    return frame


def wait_region_count(page: Page, n: int, timeout: float = 30.0) -> None:
    frame = map_frame(page)
    frame.wait_for_function(f"() => document.querySelectorAll({REGION_PATHS!r}).length === {n}", timeout=timeout * 1000)


def region_count(page: Page) -> int:
    return map_locator(page).locator(REGION_PATHS).count()


def fills(page: Page) -> list[str]:
    return map_frame(page).evaluate(FILLS_JS)


def wait_fills_change(page: Page, before: list[str], timeout: float = 20.0) -> list[str]:
    """Wait until the choropleth's fills differ from ``before`` (the map updated in place)."""
    frame = map_frame(page)
    frame.wait_for_function(
        "before => { const f = Array.from(document.querySelectorAll('path.kdim-region'))"
        ".map(p => p.getAttribute('fill')); return f.length > 0 && JSON.stringify(f) !== JSON.stringify(before); }",
        arg=before,
        timeout=timeout * 1000,
    )
    time.sleep(SETTLE_S)
    return fills(page)


def sidebar(page: Page) -> Locator:
    return page.locator(SIDEBAR)


def select(page: Page, label: str, option: str) -> None:
    """Choose ``option`` in the sidebar select box labelled ``label``.

    Streamlit 1.67 draws st.selectbox as a react-aria combobox (``input[role=combobox]`` named by
    the label) whose options open in a ``listbox``.
    """
    box = sidebar(page).get_by_role("combobox", name=label, exact=True)
    box.click()
    page.get_by_role("option", name=option, exact=True).click()


def click_radio(page: Page, option: str) -> None:
    sidebar(page).locator("[data-testid='stRadio'] label").filter(has_text=option).first.click()


def metrics(page: Page) -> dict[str, str]:
    """The KPI figures: {label: value} from st.metric."""
    out = {}
    for m in page.locator("[data-testid='stMetric']").all():
        label = m.locator("[data-testid='stMetricLabel']").inner_text().strip()
        value = m.locator("[data-testid='stMetricValue']").inner_text().strip()
        out[label] = value
    return out


def wait_metrics(page: Page, want: dict[str, str], timeout: float = 30.0) -> dict[str, str]:
    """Poll the KPI figures until they equal ``want`` (a rerun may still be painting)."""
    deadline = time.monotonic() + timeout
    got = metrics(page)
    while got != want and time.monotonic() < deadline:
        time.sleep(0.2)
        got = metrics(page)
    return got


def record_count(page: Page, lang: str = "ko") -> int:
    """The KPI '기록 수' as an int."""
    return int(metrics(page)[t("kpi_records", lang)].replace(",", ""))


def table_rows(page: Page, index: int = -1) -> int:
    """Data rows of an st.dataframe (the last one on the page: the record table by default).

    The glide data grid draws on a canvas; for screen readers it keeps a ``table[role=grid]``
    whose ``aria-rowcount`` counts every row of the data (header included), not just the rows
    in view. The grid renders lazily, so it is scrolled into view first.
    """
    frame = page.locator("[data-testid='stDataFrame']").nth(index)
    frame.scroll_into_view_if_needed()
    grid = frame.locator("table[role='grid']")
    grid.wait_for(state="attached", timeout=15_000)
    return int(grid.get_attribute("aria-rowcount") or 0) - 1


def map_point(page: Page, lat: float, lon: float) -> tuple[float, float]:
    """Page coordinates of a (lat, lon) on the Leaflet map (streamlit-folium keeps ``window.map``)."""
    frame = map_frame(page)
    xy = frame.evaluate(
        "([lat, lon]) => { if (!window.map || !window.map.latLngToContainerPoint) return null;"
        " const p = window.map.latLngToContainerPoint([lat, lon]);"
        " const r = window.map.getContainer().getBoundingClientRect(); return [p.x + r.left, p.y + r.top]; }",
        [lat, lon],
    )
    assert xy, "the streamlit_folium iframe exposes no Leaflet map as window.map"
    box = page.locator(MAP_IFRAME).bounding_box()
    assert box is not None
    return box["x"] + xy[0], box["y"] + xy[1]


def candidate_points(code: str, n: int = 9) -> list[tuple[float, float]]:
    """Points inside a 시도 (by the app's own geometry), spread over it, centre first."""
    from geo import boundaries, maps

    geom = boundaries.load_layer("sido").set_index("code").geometry[code]
    x0, y0, x1, y1 = geom.bounds
    lat, lon = maps.representative_points("sido")[code]
    grid = [(y0 + (y1 - y0) * (i + 0.5) / n, x0 + (x1 - x0) * (j + 0.5) / n) for i in range(n) for j in range(n)]
    grid.sort(key=lambda p: (p[0] - lat) ** 2 + (p[1] - lon) ** 2)
    return [p for p in grid if maps.region_at("sido", *p) == code]


def visible_point(page: Page, code: str, selector: str = REGION_PATHS) -> tuple[float, float]:
    """A (lat, lon) of region ``code`` where the topmost element in the map matches ``selector``:
    not under the title box, the legend, a marker or a label (their place depends on the
    language, the window size and the data)."""
    frame = map_frame(page)
    for lat, lon in candidate_points(code):
        x, y = map_point(page, lat, lon)
        box = page.locator(MAP_IFRAME).bounding_box()
        assert box is not None
        hit = frame.evaluate(
            "([x, y, sel]) => { const e = document.elementFromPoint(x, y); return !!e && e.matches(sel); }",
            [x - box["x"], y - box["y"], selector],
        )
        if hit:
            return lat, lon
    raise AssertionError(f"no point of {code} on the map is free of boxes and markers ({selector})")


def hover_tooltip(page: Page, lat: float, lon: float) -> str:
    """Move the mouse onto a point of the map and return the Leaflet tooltip's text."""
    page.locator(MAP_IFRAME).scroll_into_view_if_needed()
    x, y = map_point(page, lat, lon)
    page.mouse.move(x - 15, y - 15)
    page.mouse.move(x, y, steps=4)
    tip = map_locator(page).locator(".leaflet-tooltip").last
    tip.wait_for(state="visible", timeout=10_000)
    return tip.inner_text().strip()


LAYERS_ON_JS = """(names) => {
  const labels = [...document.querySelectorAll('.leaflet-control-layers-overlays label')]
    .filter(l => !names.length || names.some(n => l.textContent.includes(n)));
  const off = labels.map(l => l.querySelector('input')).filter(b => b && !b.checked);
  off.forEach(b => b.click());
  return off.length;
}"""


def layers_on(page: Page, *names: str) -> int:
    """Turn on, in the map's layer switch, the layers named (all without names) that start off
    (the opening view's symbol layers: geo.maps.switch_layers); returns how many were off."""
    return map_frame(page).evaluate(LAYERS_ON_JS, list(names))


def show_layers(page: Page, until: str, timeout: float = 20.0) -> None:
    """Turn every layer of the switch on until ``until`` is in the map (a rerun may still replace
    the groups, each new one starting off again)."""
    deadline = time.monotonic() + timeout
    while True:
        layers_on(page)
        if map_locator(page).locator(until).count() or time.monotonic() > deadline:
            return
        time.sleep(0.3)


def map_title(page: Page) -> str:
    return map_locator(page).locator(".kdim-title").inner_text().strip()


def view_summary(page: Page) -> dict[str, Any]:
    """What a shared link must reproduce: map title, KPIs, the choropleth's fills."""
    return {"title": map_title(page), "metrics": metrics(page), "fills": fills(page)}
