"""The app as a browser draws it, offline: map, filters, click, shared links, briefing mode,
language, a hostile upload and the downloads (issue 6).

Expected figures come from geo.view.compute on the same data: the browser must show what the
model computes. Every test runs in a fresh browser context (a fresh Streamlit session), and
the ``new_page`` fixture fails the test if anything tried to leave localhost.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from helpers import (
    REGION_PATHS,
    click_radio,
    fills,
    hover_tooltip,
    layers_on,
    map_frame,
    map_locator,
    map_point,
    map_title,
    metrics,
    open_app,
    record_count,
    select,
    show_layers,
    sidebar,
    table_rows,
    view_summary,
    visible_point,
    wait_fills_change,
    wait_metrics,
    wait_region_count,
    wait_script_done,
)
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from geo import i18n, maps, regions, view
from geo.i18n import t
from geo.view import ViewState

pytestmark = pytest.mark.e2e

N_SIDO = 17
N_SIGUNGU = 229
REPO = Path(__file__).resolve().parents[2]
HOSTILE = "<img src=x onerror=alert(1)>"
HOSTILE_FILE = "<img src=x onerror=alert(2)>.csv"
# Catches a script run by injected markup even where a dialog would be blocked.
XSS_PROBE = """
(() => {
  for (const k of ['alert', 'confirm', 'prompt']) {
    const orig = window[k];
    window[k] = function (...a) { window.__kdimXss = (window.__kdimXss || 0) + 1; return orig.apply(this, a); };
  }
})();
"""


@pytest.fixture(scope="module")
def model():
    """The app's data and view model, to compute what each view must show."""
    from geo import join, programs, view

    records = join.attach(programs.load_programs().records)
    return lambda state: view.compute(records, state)


def shot(page, directory: Path, name: str) -> Path:
    path = directory / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    print(f"screenshot: {path}")
    return path


def query(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


# [district labels drawn, what they run over]: each label against every other marker (stars,
# Smart Village sites and count badges, clusters, 권역 labels) and the other labels; with
# ``controls``, the boxes on the map too (legend, title, layer list, source line). A marker under
# the label's own star (a cluster in the same city) cannot be avoided.
LABEL_OVERLAPS_JS = """(controls) => {
  // what is shown: the placement (kdim.js placePass) hides what gives way until a zoom-in
  const shown = e => getComputedStyle(e).visibility !== 'hidden';
  const icons = [...document.querySelectorAll('.leaflet-marker-pane > *')].filter(shown);
  const labels = [...document.querySelectorAll('.leaflet-marker-pane .kdim-label')].filter(shown);
  const hit = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const over = [];
  labels.forEach((l, i) => {
    const r = l.getBoundingClientRect(), own = l.parentElement.getBoundingClientRect();
    const name = e => l.textContent + ' / ' + (e.textContent || e.className);
    icons.forEach(m => {
      const b = m.getBoundingClientRect();
      if (!m.contains(l) && !hit(own, b) && hit(r, b)) over.push(name(m));
    });
    labels.forEach((o, j) => { if (j > i && hit(r, o.getBoundingClientRect())) over.push(name(o)); });
    if (controls) document.querySelectorAll('.leaflet-control').forEach(c => {
      if (hit(r, c.getBoundingClientRect())) over.push(l.textContent + ' / control ' + c.className);
    });
  });
  return [labels.length, over];
}"""


def assert_labels_clear(page, controls: bool = False) -> None:
    """All four district labels drawn, none over another marker or label, nor with ``controls``
    under the legend and the other boxes (placement runs just after the layers are added, so
    give it a moment before reading the answer)."""
    frame = map_frame(page)
    with contextlib.suppress(PlaywrightTimeout):
        frame.wait_for_function(f"c => ({LABEL_OVERLAPS_JS})(c)[1].length === 0", arg=controls, timeout=5_000)
    assert frame.evaluate(LABEL_OVERLAPS_JS, controls) == [4, []]


# --------------------------------------------------------------------------- scenarios


def test_first_page_draws_the_national_map(page, app_server, model, screenshot_dir) -> None:
    open_app(page, app_server.url)
    expect(page.locator("h1")).to_contain_text(t("app_title", "ko"))
    frame = map_locator(page)
    # One choropleth path per 시도, and nothing else carries that class.
    assert frame.locator(REGION_PATHS).count() == N_SIDO
    # The totals are circles (표현: 원), one per 시도 with a value above zero, in their own pane.
    expected = model(ViewState())
    n_circles = int((expected.values["value"] > 0).sum())
    assert frame.locator(".leaflet-kdim-circles-pane path.kdim-circle").count() == n_circles > 0
    # Its question is the totals: the 권역 AI outlines, stars and Smart Village marks wait, off, in
    # the layer switch (geo.maps.switch_layers), and the legend lists none of them.
    assert frame.locator("path.kdim-specialty").count() == 0 and frame.locator(".kdim-icon-district").count() == 0
    assert frame.locator("path.leaflet-interactive").count() == N_SIDO + n_circles
    expect(frame.locator(".kdim-legend .kdim-lg-districts")).to_be_hidden()
    # Land and 시도 borders (not interactive) are drawn in their own panes.
    assert frame.locator(".leaflet-kdim-land-pane path").count() == 1
    assert frame.locator(".leaflet-kdim-borders-pane path").count() == 1
    expected = model(ViewState())
    assert map_title(page) == maps.page_title(level="sido", metric=view.OPENING_METRIC, lang="ko")
    assert record_count(page) == len(expected.records)
    classed = [f for f in fills(page) if f not in (maps.NODATA_FILL, maps.OUTSIDE_FILL)]
    assert len(classed) == expected.values["value"].notna().sum()
    expect(frame.locator(".kdim-legend")).to_be_visible()
    shot(page, screenshot_dir, "01_national_map")
    # Turned on: the four outlines; 경남 창원's label moves off 부산 센텀시티 (kdim.js placement)
    # and, on this laptop-sized map, no label runs over anything, the legend included.
    assert layers_on(page) == 3
    expect(frame.locator("path.kdim-specialty")).to_have_count(len(maps.SPECIALTIES))
    expect(frame.locator(".kdim-legend .kdim-lg-districts")).to_be_visible()
    assert_labels_clear(page, controls=True)


# [groups the map holds, of which on the map]: streamlit-folium keeps the groups it added in
# window.feature_group; old ones must be let go, or every filter change leaks a map's worth.
LIVE_GROUPS_JS = "() => [window.feature_group.length, window.feature_group.filter(g => window.map.hasLayer(g)).length]"


def test_region_group_filter_changes_map_and_table(page, app_server, model, screenshot_dir) -> None:
    open_app(page, app_server.url)
    before, rows_before = fills(page), table_rows(page)
    held, shown = map_frame(page).evaluate(LIVE_GROUPS_JS)
    assert held == shown + 3 and shown > 0  # the three symbol layers that start off are held, not shown
    assert rows_before == record_count(page)

    select(page, t("region_group", "ko"), "호남권")
    after = wait_fills_change(page, before)
    wait_script_done(page)

    inside = set(regions.sido_codes_in_group("호남권"))
    expected = model(ViewState(region_group="호남권"))
    assert len(after) == N_SIDO
    assert after.count(maps.OUTSIDE_FILL) == N_SIDO - len(inside)
    assert map_locator(page).locator("path.kdim-outside").count() == N_SIDO - len(inside)
    assert record_count(page) == len(expected.records) < rows_before
    assert table_rows(page) == len(expected.records)
    assert query(page).get("group") == "호남권"
    expect(map_locator(page).locator(".kdim-subtitle")).to_contain_text("호남권")
    page.locator("iframe[title='streamlit_folium.st_folium']").scroll_into_view_if_needed()
    shot(page, screenshot_dir, "02_filtered_honam")

    select(page, t("region_group", "ko"), "수도권")
    wait_fills_change(page, after)
    wait_script_done(page)
    assert map_frame(page).evaluate(LIVE_GROUPS_JS) == [held, shown]


def test_specialty_filter_changes_map_and_table(page, app_server, model) -> None:
    open_app(page, app_server.url)
    before, rows_before = fills(page), table_rows(page)
    select(page, t("specialty", "ko"), i18n.label(i18n.SPECIALTIES, "agriculture", "ko"))
    after = wait_fills_change(page, before)
    wait_script_done(page)

    expected = model(ViewState(specialty="agriculture"))
    # With the default metric (lifetime total) the 호남 shares carry no amount of their own: the
    # 426억 sits at 권역 level, so every 시도 is hatched "no data" (the KPI note says so).
    with_value = expected.values.dropna(subset=["value"])
    assert after != before
    classed = [f for f in after if f not in (maps.NODATA_FILL, maps.OUTSIDE_FILL)]
    assert len(classed) == len(with_value)
    assert after.count(maps.NODATA_FILL) == N_SIDO - len(with_value)
    assert record_count(page) == len(expected.records) < rows_before
    assert table_rows(page) == len(expected.records)
    assert query(page).get("spec") == "agriculture"


def test_clicking_a_region_opens_its_panel(page, app_server) -> None:
    open_app(page, app_server.url)
    expect(page.get_by_text(t("click_hint", "ko"))).to_be_visible()
    page.locator("iframe[title='streamlit_folium.st_folium']").scroll_into_view_if_needed()
    # A point of 강원 not under a box or label (a click on the specialty outline reaches the map too).
    x, y = map_point(page, *visible_point(page, "51", "path.leaflet-interactive"))
    page.mouse.click(x, y)
    header = f"{t('panel', 'ko')}: {regions.name('51', 'ko')}"
    expect(page.get_by_text(header)).to_be_visible(timeout=20_000)
    wait_script_done(page, expect_run=False)
    assert query(page).get("sel") == "51"
    assert page.get_by_role("button", name=t("panel_close", "ko")).is_visible()
    # A region's circle (its popup opens, and Leaflet stops the click there): the region is chosen too
    x, y = map_point(page, *visible_point(page, "26", "path.kdim-circle"))
    page.mouse.click(x, y)
    expect(page.get_by_text(f"{t('panel', 'ko')}: {regions.name('26', 'ko')}")).to_be_visible(timeout=20_000)
    assert map_locator(page).locator(".leaflet-popup-content").count() == 1


def test_preset_and_copied_url_reproduce_the_view(new_page, app_server, model) -> None:
    page = new_page()
    open_app(page, app_server.url)
    sidebar(page).get_by_role("button", name=t("preset_sv2024", "ko"), exact=True).click()
    wait_region_count(page, N_SIGUNGU)
    wait_script_done(page)
    q = query(page)
    assert q.get("level") == "sigungu" and q.get("type") == "smart_village" and q.get("year") is None, page.url
    expected = model(ViewState(level="sigungu", metric="records", program_type="smart_village", year=2024))
    want = {t(f"kpi_{k}", "ko"): expected.kpis[k] for k in ("records", "lgs")}
    want[expected.kpis["budget_title"]] = expected.kpis["budget"]  # "2024년 국비": the figure names its year
    assert wait_metrics(page, want) == want
    first = view_summary(page)
    assert first["title"] == maps.page_title(
        level="sigungu", metric="records", lang="ko", filters=expected.state.filters()
    )
    url = page.url

    other = new_page()  # a new context: a new Streamlit session, as when a colleague opens the link
    open_app(other, url, n_regions=N_SIGUNGU)
    assert wait_metrics(other, want) == want
    second = view_summary(other)
    assert second["title"] == first["title"]
    assert second["metrics"] == first["metrics"]
    assert second["fills"] == first["fills"]
    assert len(second["fills"]) == N_SIGUNGU
    assert query(other) == q


def test_briefing_mode_hides_sidebar_and_shows_large_title(new_page, app_server, screenshot_dir) -> None:
    page = new_page(viewport={"width": 1920, "height": 1080})
    open_app(page, app_server.url)
    side = sidebar(page)
    expect(side).to_be_visible()
    side.get_by_text(t("briefing", "ko"), exact=True).click()
    title = page.locator(".kdim-brief-title")
    expect(title).to_be_visible(timeout=20_000)
    wait_script_done(page)
    wait_region_count(page, N_SIDO)
    map_frame(page).wait_for_selector(".kdim-legend", state="visible")
    shot(page, screenshot_dir, "03_briefing_1920x1080")  # before the checks: a person looks at it either way

    expect(side).not_to_be_visible()
    assert query(page).get("brief") == "1"
    expect(title).to_have_text(maps.page_title(level="sido", metric=view.OPENING_METRIC, lang="ko"))
    expect(page.locator(".kdim-brief-filter")).to_be_visible()
    expect(page.locator(".kdim-brief-source")).to_contain_text(t("source_line", "ko")[:10])
    # No sidebar: the map takes the page's width less the figures column beside it.
    box = page.locator("iframe[title='streamlit_folium.st_folium']").bounding_box()
    assert box is not None and box["x"] < 40 and box["width"] >= 1920 * 0.65, box
    # "Large title": geo/web/briefing.css asks for 2.4rem (38.4 px); 36 px is the floor for the back of a room.
    size = float(title.evaluate("e => getComputedStyle(e).fontSize").removesuffix("px"))
    assert size >= 36, f"the briefing title is drawn at {size}px (briefing.css asks for 2.4rem)"
    assert layers_on(page) == 3  # the folded layer switch still turns them on
    assert_labels_clear(page, controls=True)  # projector-size labels, clear of the legend too

    page.get_by_role("button", name=t("briefing_exit", "ko")).click()
    expect(side).to_be_visible(timeout=20_000)


def test_language_switch_changes_tooltip(page, app_server) -> None:
    open_app(page, app_server.url)
    # 경기도 has no specialty outline over it, so its own tooltip shows (where no box covers it).
    tip_ko = hover_tooltip(page, *visible_point(page, "41"))
    assert regions.name("41", "ko") in tip_ko, tip_ko
    metric_ko = maps.metric_label(view.OPENING_METRIC, "ko")[0]
    assert metric_ko in tip_ko

    click_radio(page, "English")
    expect(page.locator("h1")).to_contain_text(t("app_title", "en"), timeout=20_000)
    wait_script_done(page)
    frame = map_frame(page)
    frame.wait_for_function(
        "t => { const e = document.querySelector('.kdim-title'); return e && e.textContent.trim() === t; }",
        arg=maps.page_title(level="sido", metric=view.OPENING_METRIC, lang="en"),
    )
    page.mouse.move(5, 5)
    tip_en = hover_tooltip(page, *visible_point(page, "41"))
    assert regions.name("41", "en") in tip_en, tip_en
    assert maps.metric_label(view.OPENING_METRIC, "en")[0] in tip_en, tip_en
    assert regions.name("41", "ko") not in tip_en and metric_ko not in tip_en
    assert query(page).get("lang") == "en"
    assert layers_on(page) == 3
    assert_labels_clear(page)  # the longer English labels find room too


def hostile_csv() -> bytes:
    with (REPO / "data" / "programs.csv").open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        header = list(reader.fieldnames or [])
        row = next(r for r in reader if r["id"] == "DID-BUSAN-CENTUM")
    row.update(id="E2E-HOSTILE-1", project_id="E2E-HOSTILE-1", record_role="whole", name_ko=HOSTILE, name_en=HOSTILE)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, header, lineterminator="\n")
    writer.writeheader()
    writer.writerow(row)
    return buf.getvalue().encode("utf-8")


def assert_no_injection(page, guard) -> None:
    assert not guard.dialogs, f"a dialog fired: {guard.dialogs}"
    for frame in page.frames:
        assert frame.evaluate("() => window.__kdimXss || 0") == 0, f"injected script ran in {frame.url}"
        assert frame.locator("img[src='x']").count() == 0, f"injected <img> in {frame.url}"
    hits = [u for u in guard.requests if urlsplit(u).path.endswith("/x")]
    assert not hits, f"the injected image was requested: {hits}"


def test_hostile_upload_is_shown_as_text(page, app_server, guard) -> None:
    page.add_init_script(XSS_PROBE)
    open_app(page, app_server.url)
    before = record_count(page)
    sidebar(page).locator("input[type='file']").set_input_files(
        {"name": HOSTILE_FILE, "mimeType": "text/csv", "buffer": hostile_csv()}
    )
    # The upload is validated and added for this session: one more record, the message names the file.
    expect(sidebar(page).get_by_text(HOSTILE_FILE).first).to_be_visible(timeout=20_000)
    wait_script_done(page)
    page.wait_for_function(
        "n => { const m = Array.from(document.querySelectorAll('[data-testid=stMetricValue]'))"
        ".map(e => e.textContent); return m.some(v => v.trim() === String(n)); }",
        arg=before + 1,
    )
    assert record_count(page) == before + 1
    # On the map (its layer turned on): the district marker's label shows the name as text.
    show_layers(page, ".kdim-icon-district")
    label = map_locator(page).locator(".kdim-icon-district .kdim-label").filter(has_text=HOSTILE)
    expect(label).to_have_count(1, timeout=20_000)
    assert HOSTILE in label.evaluate("e => e.textContent")  # as text (the placement may hide it until a zoom-in)
    assert_no_injection(page, guard)

    # Replace the bundled data: the table holds only the hostile row, shown as text.
    click_radio(page, t("upload_replace", "ko"))
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('[data-testid=stMetricValue]'))"
        ".some(e => e.textContent.trim() === '1')"
    )
    wait_script_done(page)
    assert table_rows(page) == 1
    cell = page.locator("[data-testid='stDataFrame']").last.locator("td[aria-colindex='2']").first
    expect(cell).to_have_text(HOSTILE)
    # Hover the marker (its layer turned on again: the rerun drew it off): its tooltip shows the name as text too.
    show_layers(page, ".kdim-icon-district")
    marker = map_locator(page).locator(".kdim-icon-district").first
    marker.hover()
    tip = map_locator(page).locator(".leaflet-tooltip").filter(has_text=HOSTILE)
    expect(tip).to_have_count(1, timeout=10_000)
    assert_no_injection(page, guard)

    # The detectors work: markup injected on purpose into the map frame is caught by all three.
    map_frame(page).evaluate("() => document.body.insertAdjacentHTML('beforeend', '<img src=x onerror=alert(3)>')")
    page.wait_for_timeout(500)
    with pytest.raises(AssertionError, match="dialog fired"):
        assert_no_injection(page, guard)
    assert map_frame(page).evaluate("() => window.__kdimXss || 0") == 1
    assert map_locator(page).locator("img[src='x']").count() == 1
    guard.dialogs.clear()


def test_downloads_arrive_and_open(page, new_page, app_server, download_dir, guard) -> None:
    open_app(page, app_server.url)
    n_records = record_count(page)
    page.get_by_role("heading", name=t("exports", "ko")).scroll_into_view_if_needed()

    def download(label: str) -> Path:
        with page.expect_download(timeout=90_000) as info:  # PNG/PDF are rendered on click
            page.get_by_role("button", name=label, exact=True).click()
        d = info.value
        path = download_dir / d.suggested_filename
        d.save_as(path)
        print(f"download: {path} ({path.stat().st_size} bytes)")
        return path

    csv_path = download(t("export_csv", "ko"))
    data = csv_path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), data[:8]
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == [
        "id", "name", "region", "type", "field", "year", "annual_year", "annual", "life", "period", "precision",
        "source",
    ]  # fmt: skip
    assert len(rows) - 1 == n_records

    html_path = download(t("export_html", "ko"))
    assert html_path.suffix == ".html"

    png = download(t("export_png", "ko")).read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert 20_000 < len(png) < 20_000_000, len(png)
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width >= 800 and height >= 500, (width, height)
    pdf = download(t("export_pdf", "ko")).read_bytes()
    assert pdf.startswith(b"%PDF"), pdf[:8]
    assert b"%%EOF" in pdf[-1024:]
    # The deck: the current view and every preset ticked by default, then the coverage slide.
    from pptx import Presentation

    deck = Presentation(str(download(t("export_pptx", "ko"))))
    titles = [s.shapes.title.text for s in deck.slides if s.shapes.title is not None]
    assert len(deck.slides) == 1 + 1 + len(view.PRESETS) + 1, titles
    assert maps.page_title(level="sido", metric=view.OPENING_METRIC, lang="ko") in titles[1], titles
    # The 한글 보고서 of the view: a package python-hwpx accepts, the view's title in its text
    # (tests/test_report.py reads it back with rhwp: one page, figures, table, picture).
    from hwpx.tools.package_validator import validate_package

    hwpx_path = download(t("export_hwpx", "ko"))
    assert hwpx_path.suffix == ".hwpx" and validate_package(hwpx_path).ok
    with zipfile.ZipFile(hwpx_path) as z:
        assert z.read("mimetype") == b"application/hwp+zip"
        text = z.read("Contents/section0.xml").decode()
        assert maps.page_title(level="sido", metric=view.OPENING_METRIC, lang="ko") in text

    # The exported map, opened from disk with every network request blocked, still draws.
    offline = new_page()
    offline.context.unroute("**/*")
    blocked: list[str] = []

    def only_files(route) -> None:  # type: ignore[no-untyped-def]
        if route.request.url.startswith(("file:", "data:", "blob:", "about:")):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort("blockedbyclient")

    offline.context.route("**/*", only_files)
    offline.goto(html_path.resolve().as_uri())
    offline.wait_for_function(f"() => document.querySelectorAll({REGION_PATHS!r}).length === {N_SIDO}")
    assert offline.locator(".kdim-legend").is_visible()
    assert offline.locator(".kdim-title").inner_text().strip() == maps.page_title(
        level="sido", metric=view.OPENING_METRIC, lang="ko"
    )
    assert not blocked, f"the exported HTML tried to load: {blocked}"
    assert not [e for e in guard.page_errors if "kdim" in e.lower() or "leaflet" in e.lower()], guard.page_errors


def test_no_script_errors_on_first_page(page, app_server, guard) -> None:
    """The page and the map load without uncaught JavaScript errors."""
    open_app(page, app_server.url)
    assert metrics(page)
    assert not guard.page_errors, guard.page_errors


def test_english_page_has_english_labels(page, app_server) -> None:
    open_app(page, app_server.url + "/?lang=en")
    expect(page.locator("h1")).to_have_text(re.compile(re.escape(t("app_title", "en"))))
    first = t("kpi_year_national", "en", year=view.OPENING_YEAR)  # the opening view's figure names its year
    assert set(metrics(page)) == {first, t("kpi_records", "en"), t("kpi_lgs", "en")}
