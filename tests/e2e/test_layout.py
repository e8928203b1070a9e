"""Map first (issue 15): at 1366×768 and 1920×1080 the map starts within the first 200 px, fills
the rest of the window, and the view's focus fills the map; coverage is one click away, and shown
in briefing mode. Screenshots of each first screen go to tests/artifacts/screenshots/.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from a11y import report, run_axe
from helpers import MAP_IFRAME, map_frame, open_app, wait_script_done
from playwright.sync_api import expect

from geo import compare, maps
from geo.i18n import t
from geo.view import ViewState

pytestmark = pytest.mark.e2e
AXE_OUT = Path(__file__).resolve().parents[2] / "tests" / "artifacts" / "axe"

SIZES = [(1366, 768), (1920, 1080)]
TOP_MAX = 200  # px: the map's top edge is on the first screen of a laptop
BOTTOM_GAP = 48  # px: the map reaches the window's bottom, less the page's margin
FILL = 0.88  # the focus spans this share of the map's box in its tighter direction (zoom steps of 0.1)

# Pixel box, inside the map frame, of the bounds the view fits (the map is window.map there), and
# the margins kdim.js kept free of the map's boxes (title, legend, source line) when it fitted.
FOCUS_BOX_JS = """([s, w, n, e]) => {
  const a = window.map.latLngToContainerPoint([n, w]), b = window.map.latLngToContainerPoint([s, e]);
  const c = window.map.getContainer().getBoundingClientRect();
  const p = window.map._kdimPadding || {left: 0, top: 0, right: 0, bottom: 0};
  return {x0: a.x, y0: a.y, x1: b.x, y1: b.y, w: c.width, h: c.height, zoom: window.map.getZoom(),
          moved: !!window.map._kdimMoved, pl: p.left, pt: p.top, pr: p.right, pb: p.bottom};
}"""

# How much of each region inside the focus the map's own boxes hide, sampled where the region's
# fill is (SVG isPointInFill) and asking the browser what is on top there (elementFromPoint).
HIDDEN_JS = """() => {
  const FURNITURE = '.kdim-titlebox, .kdim-legend, .kdim-source, .leaflet-control-layers, .leaflet-control-zoom';
  const out = [];
  document.querySelectorAll('path.kdim-region[aria-label]').forEach(path => {
    const r = path.getBoundingClientRect(), inv = path.getScreenCTM().inverse();
    let inside = 0, hidden = 0;
    for (let i = 0; i < 12; i++) for (let j = 0; j < 12; j++) {
      const x = r.left + (i + 0.5) * r.width / 12, y = r.top + (j + 0.5) * r.height / 12;
      if (!path.isPointInFill(new DOMPoint(x, y).matrixTransform(inv))) continue;
      inside++;
      const top = document.elementFromPoint(x, y);
      if (!top || top.closest(FURNITURE) || x < 0 || y < 0 || x > innerWidth || y > innerHeight) hidden++;
    }
    const name = path.getAttribute('aria-label').split(':')[0];
    if (inside && hidden / inside > 0.5) out.push(`${name} ${hidden}/${inside}`);
  });
  return out;
}"""


def map_box(page) -> dict[str, float]:
    frame = page.locator(MAP_IFRAME).first
    expect(frame).to_be_visible(timeout=30_000)  # a first page may finish its script before the frame mounts
    box = frame.bounding_box()
    assert box is not None, "no map frame"
    return box


def focus_fill(page, bounds: list[list[float]], timeout: float = 10.0) -> dict[str, float]:
    """The focus's pixel box once the map has settled: the frame's CSS and the page's layout change
    its size after the first fit, and the refit follows on the next frame, which a loaded machine
    may draw late; so wait until the focus both fills the box and lies inside it."""
    (s, w), (n, e) = bounds
    frame = map_frame(page)
    frame.wait_for_function("() => window.map && document.querySelector('path.kdim-region')", timeout=30_000)
    deadline = time.monotonic() + timeout
    while True:
        b = frame.evaluate(FOCUS_BOX_JS, [s, w, n, e])
        free_w, free_h = b["w"] - b["pl"] - b["pr"], b["h"] - b["pt"] - b["pb"]  # what the boxes leave
        fx, fy = (b["x1"] - b["x0"]) / free_w, (b["y1"] - b["y0"]) / free_h
        inside = (b["x0"] >= b["pl"] - 1 and b["y0"] >= b["pt"] - 1
                  and b["x1"] <= b["w"] - b["pr"] + 1 and b["y1"] <= b["h"] - b["pb"] + 1)  # fmt: skip
        if (max(fx, fy) >= FILL and inside) or time.monotonic() > deadline:
            return {**b, "fx": fx, "fy": fy}
        time.sleep(0.25)


# The page's text boxes above the map (the title, the view line, the briefing title): none may
# overlap another. Streamlit gives a heading's container a negative bottom margin, which pulled
# the view line up over the title once the header was made compact.
TEXT_OVERLAPS_JS = """
(mapTop) => {
  const els = [...document.querySelectorAll('.block-container h1, .block-container h2, .block-container p')]
    .filter(e => e.offsetParent !== null && !e.closest('[data-testid="stSidebar"]'));
  const boxes = els.map(e => [e, e.getBoundingClientRect()])
    .filter(([e, r]) => r.width > 0 && r.height > 0 && r.top < mapTop);
  const out = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const [a, ra] = boxes[i], [b, rb] = boxes[j];
    if (a.contains(b) || b.contains(a)) continue;
    const dx = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
    const dy = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
    const what = `${a.textContent.slice(0, 30)} / ${b.textContent.slice(0, 30)}`;
    if (dx > 1 && dy > 1) out.push(`${what}: ${dy.toFixed(0)} px`);
  }
  return out;
}
"""


def assert_map_first(page, bounds: list[list[float]], height: int) -> dict[str, float]:
    box = map_box(page)
    overlaps = page.evaluate(TEXT_OVERLAPS_JS, box["y"])
    assert not overlaps, f"text above the map overlaps: {overlaps}"
    assert box["y"] <= TOP_MAX, f"the map starts {box['y']:.0f} px down the page (≤ {TOP_MAX} asked)"
    bottom = box["y"] + box["height"]
    assert height - BOTTOM_GAP <= bottom <= height + 1, f"the map ends at {bottom:.0f} px in a {height} px window"
    f = focus_fill(page, bounds)
    assert max(f["fx"], f["fy"]) >= FILL, f"the focus fills {f['fx']:.0%} × {f['fy']:.0%} of the map's free part"
    assert f["x0"] >= f["pl"] - 1 and f["y0"] >= f["pt"] - 1, f
    assert f["x1"] <= f["w"] - f["pr"] + 1 and f["y1"] <= f["h"] - f["pb"] + 1, f
    # the margins kept for the boxes leave most of the map to the map
    assert f["w"] - f["pl"] - f["pr"] >= 0.5 * f["w"] and f["h"] - f["pt"] - f["pb"] >= 0.6 * f["h"], f
    hidden = map_frame(page).evaluate(HIDDEN_JS)
    for _ in range(20):  # a loaded machine draws the legend and refits a moment after the first fit
        if not hidden:
            break
        page.wait_for_timeout(250)
        hidden = map_frame(page).evaluate(HIDDEN_JS)
    assert not hidden, f"regions mostly under the map's title, legend or source line: {hidden}"
    wide = page.evaluate("() => document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth")
    assert wide <= 1, f"the page scrolls sideways by {wide} px"
    return {**box, **f}


@pytest.mark.parametrize("mode", ["app", "briefing"])
@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_map_fills_the_first_screen(new_page, app_server, screenshot_dir, mode, width, height) -> None:
    page = new_page(viewport={"width": width, "height": height})
    open_app(page, app_server.url + ("/?brief=1" if mode == "briefing" else ""))
    got = assert_map_first(page, maps.focus_bounds("sido", None), height)
    path = screenshot_dir / f"first_screen_{mode}_{width}x{height}.png"
    page.screenshot(path=str(path))
    print(f"{mode} {width}x{height}: map top {got['y']:.0f} px, height {got['height']:.0f} px, "
          f"country fills {got['fx']:.0%} × {got['fy']:.0%}; screenshot: {path}")  # fmt: skip
    if mode == "briefing":  # coverage always shown in briefing mode
        expect(page.get_by_text(coverage_lines_ko()[0], exact=False)).to_be_visible()


@pytest.mark.parametrize("mode", ["app", "briefing"])
def test_no_municipality_hides_under_the_maps_boxes(new_page, app_server, mode) -> None:
    """The 시군구 map at 1366×768: 강화군 and 옹진군 lie where the title box is, 서귀포시 where the
    source line is; the fit keeps every one of the 229 mostly in view (assert_map_first)."""
    page = new_page(viewport={"width": 1366, "height": 768})
    open_app(page, app_server.url + ("/?level=sigungu&brief=1" if mode == "briefing" else "/?level=sigungu"),
             n_regions=None)  # fmt: skip
    bounds = maps.focus_bounds("sigungu", None)
    assert_map_first(page, bounds, 768)
    if mode == "briefing":
        return
    # The layer switch opened (a pointer resting on it, as in a CI run) while the map refits: the
    # margin beside it would send the view east past the map's bounds, which Leaflet undoes, and
    # 울릉 lay under the switch. Such a margin is not taken: the focus stays inside the one kept.
    map_frame(page).evaluate("""() => {
      document.querySelector('.leaflet-control-layers').classList.add('leaflet-control-layers-expanded');
      window.map.fire('resize');
    }""")
    f = focus_fill(page, bounds)
    assert f["x1"] <= f["w"] - f["pr"] + 1 and f["y1"] <= f["h"] - f["pb"] + 1, f
    assert f["x0"] >= f["pl"] - 1 and f["y0"] >= f["pt"] - 1, f


def coverage_lines_ko() -> list[str]:
    """The coverage lines the page shows (every year's box), from the same data."""
    from geo import dataset

    lines = [line for year in dataset.bundled().coverage_by_year["ko"].values() for line in year]
    assert lines, "no coverage lines for the bundled data"
    return lines


def test_coverage_is_one_click_away(page, app_server) -> None:
    open_app(page, app_server.url)
    first = coverage_lines_ko()[0]
    expect(page.get_by_text(first, exact=False)).not_to_be_visible()
    page.get_by_text(t("coverage_title", "ko"), exact=True).click()
    expect(page.get_by_text(first, exact=False)).to_be_visible()


def test_a_region_filter_fits_its_units_and_a_resize_refits(new_page, app_server) -> None:
    page = new_page(viewport={"width": 1366, "height": 768})
    open_app(page, app_server.url + "/?group=호남권", n_regions=None)
    state = ViewState(region_group="호남권")
    bounds = maps.focus_bounds("sido", maps.focus_codes("sido", state.filters()))
    assert bounds != maps.focus_bounds("sido", None)
    assert_map_first(page, bounds, 768)
    page.set_viewport_size({"width": 1920, "height": 1080})
    wait_script_done(page, expect_run=False)
    got = assert_map_first(page, bounds, 1080)
    assert got["height"] > 900, got  # the frame grew with the window, and the fit followed it


def test_years_compared_from_a_url(new_page, app_server, screenshot_dir) -> None:
    """?year=2024&vs=2023 draws the change with a signed legend (side=1: the test below)."""
    page = new_page(viewport={"width": 1920, "height": 1080})
    open_app(page, app_server.url + "/?year=2024&vs=2023&level=sido")
    frame = map_frame(page)
    frame.wait_for_selector(".kdim-legend", state="visible")
    legend = frame.locator(".kdim-legend").inner_text()
    assert "변화 (2023→2024)" in legend and "+" in legend, legend
    assert frame.locator(".kdim-subtitle").inner_text().endswith("연도: 2023 → 2024")
    page.screenshot(path=str(screenshot_dir / "compare_change_1920x1080.png"))


LAND_FILL = 0.8  # side by side: the country (the base land's drawn box) spans this share of each frame's height

# The base land layer's drawn box (kdim.base, pane kdim-land) in the map frame, and the frame's size.
LAND_BOX_JS = """() => {
  const c = window.map.getContainer().getBoundingClientRect();
  let t = Infinity, b = -Infinity, l = Infinity, r = -Infinity;
  document.querySelectorAll('.leaflet-kdim-land-pane path').forEach(p => {
    const q = p.getBoundingClientRect();
    if (!q.width && !q.height) return;
    t = Math.min(t, q.top); b = Math.max(b, q.bottom); l = Math.min(l, q.left); r = Math.max(r, q.right);
  });
  return {t: t - c.top, b: b - c.top, l: l - c.left, r: r - c.left, w: c.width, h: c.height};
}"""


def land_fill(frame, timeout: float = 15.0) -> dict[str, float]:
    """The land's box once the map has settled (the frame's CSS sizes it after the first fit, and
    a loaded machine refits late): its share of the frame's height, whether it lies inside it."""
    frame.wait_for_function("() => window.map && document.querySelector('.leaflet-kdim-land-pane path')",
                            timeout=30_000)  # fmt: skip
    deadline, last = time.monotonic() + timeout, None
    while True:  # settled: two readings alike, a quarter second apart
        b = frame.evaluate(LAND_BOX_JS)
        fill = (min(b["b"], b["h"]) - max(b["t"], 0)) / b["h"]
        inside = b["t"] >= -1 and b["l"] >= -1 and b["b"] <= b["h"] + 1 and b["r"] <= b["w"] + 1
        if (fill >= LAND_FILL and inside and b == last) or time.monotonic() > deadline:
            return {**b, "fill": fill, "inside": inside}
        last = b
        time.sleep(0.25)


@pytest.mark.parametrize("mode", ["app", "briefing"])
@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_two_years_side_by_side(new_page, app_server, screenshot_dir, mode, width, height) -> None:
    """side=1: the two years' maps level across the main area under one title naming both years,
    each year named above its map, no title or legend box in either, one legend below both (the
    briefing's: the choropleth's classes; the app's: the circles), and the country filling at
    least 80 % of each frame's height."""
    page = new_page(viewport={"width": width, "height": height})
    query = "/?year=2024&vs=2023&side=1" + ("&brief=1&repr=fill" if mode == "briefing" else "")
    page.goto(app_server.url + query, wait_until="domcontentloaded")
    wait_script_done(page, expect_run=False, timeout=60)
    frames = page.locator(MAP_IFRAME)
    expect(frames).to_have_count(2, timeout=30_000)
    fills = []
    for i in range(2):
        expect(frames.nth(i)).to_be_visible(timeout=30_000)
        inner = frames.nth(i).element_handle().content_frame()
        inner.wait_for_function("() => document.querySelectorAll('path.kdim-region').length === 17", timeout=30_000)
        assert inner.locator(".kdim-titlebox").count() == 0 and inner.locator(".kdim-legend").count() == 0
        fills.append(land_fill(inner))
    boxes = [frames.nth(i).bounding_box() for i in range(2)]
    assert boxes[0] and boxes[1]
    assert boxes[0]["x"] + boxes[0]["width"] <= boxes[1]["x"] + 1, boxes  # side by side, not stacked
    assert abs(boxes[0]["y"] - boxes[1]["y"]) <= 1 and abs(boxes[0]["height"] - boxes[1]["height"]) <= 1, boxes
    for box, f in zip(boxes, fills, strict=True):
        assert box["y"] <= TOP_MAX and box["y"] + box["height"] <= height + 1, box  # the whole map on the first screen
        assert f["inside"] and f["fill"] >= LAND_FILL, f"the country fills {f['fill']:.0%} of the map's height: {f}"
    # one title naming both years, and each year above its map
    state = ViewState(year=2024, compare_year=2023, side_by_side=True)
    title = page.locator(".kdim-brief-title" if mode == "briefing" else "p.kdim-view strong")
    expect(title).to_have_text(compare.side_title(state))
    assert "2023 · 2024" in compare.side_title(state)
    years = page.locator("p.kdim-pair-year")
    expect(years).to_have_text([t("side_year", "ko", year=2023), t("side_year", "ko", year=2024)])
    for i in range(2):
        yb = years.nth(i).bounding_box()
        assert yb and yb["y"] + yb["height"] <= boxes[i]["y"] + 1 and abs(yb["x"] - boxes[i]["x"]) <= 2, (yb, boxes[i])
    # one legend, outside the frames and below both, with the classes (or reference circles)
    legend = page.locator(".kdim-pair-legend")
    expect(legend).to_have_count(1)
    expect(legend).to_be_visible()
    lb = legend.bounding_box()
    assert lb and lb["y"] >= max(b["y"] + b["height"] for b in boxes) - 1, (lb, boxes)
    assert lb["y"] + lb["height"] <= height + 1, lb  # on the first screen with the maps (a projector's too)
    if mode == "briefing":
        assert legend.locator(".kdim-class").count() >= 3
    else:
        expect(legend.locator(".kdim-circle-key svg circle")).to_have_count(3)
    font = legend.locator(".row span").first.evaluate("e => getComputedStyle(e).fontSize")
    assert font == ("20px" if mode == "briefing" else "14px"), font  # the in-map legend's type size
    assert "2023" not in legend.locator(".kdim-lg-title").inner_text()  # the shared legend names no single year
    path = screenshot_dir / f"compare_side_by_side_{'briefing_' if mode == 'briefing' else ''}{width}x{height}.png"
    page.screenshot(path=str(path))
    print(f"side by side {mode} {width}x{height}: frames {boxes[0]['width']:.0f}×{boxes[0]['height']:.0f} px at "
          f"y {boxes[0]['y']:.0f}; land fills {fills[0]['fill']:.1%} / {fills[1]['fill']:.1%} of their height; "
          f"screenshot: {path}")  # fmt: skip
    found = report(f"side_by_side_{mode}_{width}x{height}", run_axe(page), AXE_OUT)
    assert not found, f"axe found {found}"
