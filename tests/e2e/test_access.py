"""Accessibility (issue 17): axe-core with the WCAG 2.0/2.1 A and AA rules over every kind of page,
at 1366×768 with every off-host request blocked (the ``new_page`` guard fails a test that tries).

Pages: the app in Korean and English, briefing mode, a 시군구 view of 부산 with 해운대구's panel
open, two years compared, the upload report of a CSV with errors, the standalone HTML export, the
map iframe alone, and the static briefing site's indexes and one of its maps. axe runs from the
top document with ``iframes: true`` (the map is an iframe), so each app page's count includes
the map. Each test prints the violated rules (id, impact, nodes) and fails on any.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from a11y import framed_nodes, report, run_axe
from helpers import MAP_IFRAME, map_frame, open_app, sidebar, wait_script_done
from playwright.sync_api import expect

from geo import maps, regions
from geo.i18n import t

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "tests" / "artifacts" / "axe"
VIEWPORT = {"width": 1366, "height": 768}
HAEUNDAE = "26350"
N_SIDO, N_BUSAN = 17, 16


def assert_clean(name: str, results: dict, *, framed: bool) -> None:
    found = report(name, results, OUT)
    if framed:  # the map's own document was checked, not just the iframe element around it
        assert framed_nodes(results) > 0, "axe reported nothing inside the map iframe"
    assert not found, f"{name}: axe found {found}"


def open_view(new_page, url: str, n_regions: int | None):  # type: ignore[no-untyped-def]
    page = new_page(viewport=VIEWPORT)
    open_app(page, url, n_regions=n_regions)
    map_frame(page).wait_for_selector(".kdim-legend", state="attached")
    return page


@pytest.mark.parametrize(
    ("name", "query", "n_regions"),
    [
        ("app_ko", "", N_SIDO),
        ("app_en", "?lang=en", N_SIDO),
        ("briefing", "?brief=1", N_SIDO),
        ("busan_sigungu_panel", f"?level=sigungu&sido=26&sel={HAEUNDAE}", 229),
        ("years_compared", "?year=2024&vs=2023", N_SIDO),
        ("app_fill_en", "?lang=en&repr=fill", N_SIDO),  # the choropleth (표현: 색); the others draw circles
    ],
)
def test_app_page_has_no_axe_violations(new_page, app_server, name: str, query: str, n_regions: int) -> None:
    page = open_view(new_page, app_server.url + "/" + query, n_regions)
    if name == "busan_sigungu_panel":
        expect(page.get_by_text(f"{t('panel', 'ko')}: {regions.name(HAEUNDAE, 'ko')}")).to_be_visible()
    if name == "briefing":
        expect(page.locator(".kdim-brief-title")).to_be_visible()
    # The page and the map say the language they are in (Streamlit's and streamlit-folium's say "en").
    lang = "en" if "lang=en" in query else "ko"
    page.wait_for_function("l => document.documentElement.lang === l", arg=lang)
    assert map_frame(page).evaluate("() => document.documentElement.lang") == lang
    assert page.locator(MAP_IFRAME).get_attribute("aria-label") == maps.text.t(lang, "frame_name")
    assert_clean(name, run_axe(page), framed=True)


# Each caption's text colour over the first opaque background behind it (axe leaves text below the
# fold "incomplete" rather than measuring it: the map fills the first screen, captions sit under it).
CAPTION_COLOURS_JS = """() => [...document.querySelectorAll('[data-testid=stCaptionContainer] p')].map(e => {
  let b = e, bg = 'rgba(0, 0, 0, 0)', opacity = 1;
  for (let a = e; a; a = a.parentElement) opacity *= parseFloat(getComputedStyle(a).opacity);
  while (b && (bg = getComputedStyle(b).backgroundColor).endsWith(', 0)')) b = b.parentElement;
  return [e.textContent.slice(0, 40), getComputedStyle(e).color, opacity, b ? bg : 'rgb(255, 255, 255)'];
})"""


def test_every_caption_has_text_contrast(new_page, app_server) -> None:
    """WCAG 1.4.3 / KWCAG 5.4.3 for the grey captions, measured directly: ≥ 4.5:1."""
    from coloraide import Color

    page = open_view(new_page, app_server.url + f"/?sel={HAEUNDAE[:2]}", N_SIDO)
    found = page.evaluate(CAPTION_COLOURS_JS)
    assert len(found) >= 5, found
    low = []
    for text, fg, opacity, bg in found:  # Streamlit fades captions with opacity: 0.6 on their container
        back = Color(bg)
        ink = Color(fg)
        ratio = Color.mix(back, ink.clone().set("alpha", 1), ink.get("alpha") * opacity, space="srgb").contrast(back)
        if ratio < 4.5:
            low.append((text, fg, bg, round(ratio, 2)))
    print(f"\n{len(found)} captions, {len(low)} under 4.5:1 {low[:3]}")
    assert not low


def csv_with_errors() -> bytes:
    """Two rows from data/programs.csv spoiled: an unknown 시도 and a budget that is not a number."""
    with (REPO / "data" / "programs.csv").open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        header = list(reader.fieldnames or [])
        row = next(r for r in reader if r["id"] == "DID-BUSAN-CENTUM")
    bad_region = {**row, "id": "A11Y-1", "project_id": "A11Y-1", "record_role": "whole", "sido": "없는도"}
    bad_budget = {**row, "id": "A11Y-2", "project_id": "A11Y-2", "record_role": "whole", "life_total": "abc"}
    buf = io.StringIO()
    writer = csv.DictWriter(buf, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows([bad_region, bad_budget])
    return buf.getvalue().encode("utf-8")


def test_upload_report_has_no_axe_violations(new_page, app_server) -> None:
    page = open_view(new_page, app_server.url, N_SIDO)
    sidebar(page).locator("input[type='file']").set_input_files(
        {"name": "errors.csv", "mimeType": "text/csv", "buffer": csv_with_errors()}
    )
    expect(sidebar(page).get_by_text("errors.csv").first).to_be_visible(timeout=20_000)
    wait_script_done(page)
    issues = sidebar(page).locator("[data-testid='stDataFrame']")
    expect(issues).to_have_count(1, timeout=20_000)
    issues.scroll_into_view_if_needed()
    assert_clean("upload_report", run_axe(page), framed=True)


def test_map_iframe_alone_has_no_axe_violations(new_page, app_server) -> None:
    page = open_view(new_page, app_server.url, N_SIDO)
    frame = map_frame(page)
    results = run_axe(frame, iframes=False)
    assert results["url"].startswith(app_server.url), results["url"]
    assert_clean("map_iframe", results, framed=False)


def test_standalone_export_has_no_axe_violations(guarded_pages, tmp_path: Path) -> None:
    out = tmp_path / "map.html"
    subprocess.run([sys.executable, "-m", "geo", "export-map", str(out)], cwd=REPO, check=True, timeout=300)
    page = guarded_pages(viewport=VIEWPORT)
    page.goto(out.as_uri())
    # export-map's default is the app's opening view: 국비 by 시도, its symbol layers off in the switch
    page.wait_for_function("() => document.querySelectorAll('path.kdim-region').length === 17")
    assert page.evaluate("() => document.documentElement.lang") == "ko"
    assert_clean("standalone_export", run_axe(page), framed=False)


@pytest.fixture(scope="module")
def briefing_site(tmp_path_factory) -> Path:
    """A small static briefing site (a preset and a 권역, no sheets): its index and maps are pages too."""
    out = tmp_path_factory.mktemp("site") / "site"
    cmd = [sys.executable, "-m", "geo", "export-site", str(out), "--scenes", "ai,group-honam", "--sheets", "none"]
    subprocess.run(cmd, cwd=REPO, check=True, timeout=600, capture_output=True)
    return out


@pytest.mark.parametrize("page_name", ["index.html", "index.en.html", "map"])
def test_briefing_site_pages_have_no_axe_violations(guarded_pages, briefing_site: Path, page_name: str) -> None:
    page = guarded_pages(viewport=VIEWPORT)
    if page_name == "map":
        target = sorted(briefing_site.glob("*/map-sigungu.ko.html"))[0]
    else:
        target = briefing_site / page_name
    page.goto(target.as_uri())
    if page_name == "map":
        page.wait_for_function("() => document.querySelectorAll('path.kdim-region').length === 229")
    assert page.evaluate("() => document.documentElement.lang") == ("en" if ".en." in page_name else "ko")
    assert_clean(f"site_{page_name}", run_axe(page), framed=False)
