"""geo/site.py: the static briefing site (``python -m geo export-site``), built for real and read back.

One reduced site (a preset, a 권역 and a 시도; no sheets) is built once for the module; the file
counts are derived from the scenes, levels and languages rather than written down. The default
build's sheets are checked on one scene through the command line. The Chromium test opens the
index from ``file://`` with every other request blocked and follows links to three maps.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pandas as pd
import pytest
from hwpx.tools.package_validator import validate_package

from geo import boundaries, coverage, dataset, export, i18n, offline, policy_areas, regions, site, view
from geo.cli import main
from tests.conftest import ROOT, raw_programs

CHOSEN = ("ai", "group-honam", "sido-52")  # one scene of each kind
HOSTILE = '=HYPERLINK("x")<img src=x onerror=alert(1)>'


class Links(HTMLParser):
    """Every URL a page would load or link to: (tag, attribute, value)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for k, v in attrs:
            if k in ("href", "src") and v is not None:
                self.found.append((tag, k, v))


def links(path: Path) -> list[tuple[str, str, str]]:
    p = Links()
    p.feed(path.read_text(encoding="utf-8"))
    return p.found


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, site.Written, list[site.Scene], list[str]]:
    out = tmp_path_factory.mktemp("site") / "out"
    logs: list[str] = []
    chosen = site.select(CHOSEN)
    w = site.build(out, chosen, sheets="none", log=logs.append)
    return out, w, chosen, logs


def expected_maps(chosen: list[site.Scene]) -> set[str]:
    return {site.map_file(s, lvl, lang) for s in chosen for lvl in view.LEVELS for lang in i18n.LANGS}


# --------------------------------------------------------------------------- scenes


def test_scenes_are_every_preset_group_and_sido() -> None:
    every = site.scenes()
    n = len(view.PRESETS) + len(policy_areas.AREAS) + len(regions.REGION_GROUPS) + len(regions.SUPER_GROUPS)
    n += len(regions.SIDO)
    assert len(every) == n == len({s.slug for s in every})
    assert [s.slug for s in every[: len(view.PRESETS)]] == list(view.PRESETS)
    assert {s.state.region_group for s in every if s.kind == "groups"} == {
        *regions.REGION_GROUPS,
        *regions.SUPER_GROUPS,
    }
    assert {s.state.sido_code for s in every if s.kind == "sido"} == set(regions.SIDO["sido_code"])
    assert [s.slug for s in every if s.kind == "areas"] == ["area-decline", "area-interest", "area-other"]
    assert {s.state.area for s in every if s.kind == "areas"} == set(policy_areas.AREAS)
    assert all(re.fullmatch(r"[a-z0-9-]+", s.slug) for s in every)  # safe folder names and URLs
    assert all(s.names["ko"] and s.names["en"] for s in every)
    assert [s.slug for s in site.select(["groups"])] == [s.slug for s in every if s.kind == "groups"]
    with pytest.raises(ValueError, match="unknown scene"):
        site.select(["없는장면"])
    hangul = re.compile("[가-힣]")
    for s in every:  # the English index names every scene and its filter without Korean words
        assert not hangul.search(s.names["en"]), s.slug
        assert not hangul.search(view.filter_words(s.at(s.state.level, "en"))), s.slug


# --------------------------------------------------------------------------- the files written


def test_site_writes_a_map_per_scene_level_language_and_static_once(built) -> None:
    out, w, chosen, logs = built
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    maps = {f for f in files if "/map-" in f}
    assert maps == expected_maps(chosen)
    assert len(maps) == len(chosen) * len(view.LEVELS) * len(i18n.LANGS)
    assert {f for f in files if f.endswith(".csv")} == {site.csv_file(s, lang) for s in chosen for lang in i18n.LANGS}
    assert not [f for f in files if f.endswith((".png", ".pdf")) and not f.startswith("static/")]  # sheets="none"
    assert w.pages == len(maps) + len(site.INDEX)
    # Leaflet, markercluster and the map's own files: once, under static/, byte for byte what the app serves
    for a in offline.ASSETS:
        assert (out / "static" / a.rel).read_bytes() == offline.asset_bytes(a.name)
    assert [p.name for p in out.rglob("*.js")] == ["map.js"]  # Leaflet in the one bundle
    assert all(p.stat().st_size < 1_000_000 for p in out.rglob("map-*.html"))  # geometry only, no Leaflet inside
    # the marker lists what was written (and nothing is left half-written or beside OUT)
    marker = json.loads((out / site.MARKER).read_text(encoding="utf-8"))
    assert marker["kind"] == site.SITE_KIND and marker["scenes"] == list(CHOSEN)
    assert set(marker["files"]) == files - {site.MARKER}
    assert not [p for p in out.rglob("*.part")]
    assert sorted(p.name for p in out.parent.iterdir()) == ["out"]
    assert len(logs) == len(chosen) and logs[0].startswith("[export-site] 1/3 ai")
    assert all(oct(p.stat().st_mode)[-3:] == ("755" if p.is_dir() else "644") for p in [out, *out.rglob("*")])


def test_every_link_resolves_and_nothing_leaves_the_site(built) -> None:
    out, _w, chosen, _logs = built
    pages = sorted(out.rglob("*.html"))
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert export.external_refs(text, strict=True) == [], page
        assert offline.URL_PREFIX not in text
        for _tag, _attr, url in links(page):
            parts = urlsplit(url)
            assert not parts.scheme and not parts.netloc and not url.startswith("/"), (page, url)
            if not parts.path and parts.fragment:  # a skip link: its target is on the same page
                assert f'id="{parts.fragment}"' in text, (page, url)
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_file() and target.is_relative_to(out.resolve()), (page, url)
        if page.name.startswith("map-"):  # Leaflet linked from ../static/, not inlined
            scripts = [u for t, a, u in links(page) if t == "script"]
            assert scripts == [f"../static/{a.rel}" for a in offline.ASSETS if a.kind == "js"]
            assert "L.Map = " not in text and "leaflet-1.9.3/leaflet.js */" not in text
    index_links = {u for _t, _a, u in links(out / "index.html")} | {u for _t, _a, u in links(out / "index.en.html")}
    assert expected_maps(chosen) <= index_links
    assert {"static/site.css", "index.en.html", "index.html"} <= index_links


def test_index_shows_the_apps_figures_with_their_sources(built) -> None:
    out, _w, chosen, _logs = built
    data = dataset.bundled()
    ko = (out / "index.html").read_text(encoding="utf-8")
    en = (out / "index.en.html").read_text(encoding="utf-8")
    assert '<html lang="ko">' in ko and '<html lang="en">' in en
    assert "지방 디지털 혁신 지도" in ko and "Korea Regional Digital Innovation Map" in en
    assert i18n.t("source_line", "ko") in ko and "National Geographic Information Institute" in en
    assert re.search(r"작성: \d{4}-\d\d-\d\d \d\d:\d\d KST \(\d\d:\d\d UTC\)", ko)
    # the record count and the 2024 budget, read independently of the code under test
    assert f"기록 {len(raw_programs()):,}건" in ko
    with open(ROOT / "data" / "official_totals.csv", encoding="utf-8-sig", newline="") as fh:
        official = {r["id"]: r for r in csv.DictReader(fh)}
    assert f"공식 {int(official['TOTAL_2024_BUDGET']['value']):,}억원" in ko
    for lang, page in (("ko", ko), ("en", en)):
        for lines in coverage.coverage_by_year(data.records, lang).values():
            assert all(f"<li>{export_escape(x)}</li>" in page for x in lines)
        for s in chosen:
            v = view.compute(data.records, s.at(s.state.level, lang))
            row = page[page.index(f'<tr id="{s.slug}">') :].split("</tr>", 1)[0]
            assert export_escape(s.names[lang]) in row
            for key in ("budget", "records", "lgs", "budget_title"):
                assert export_escape(v.kpis[key]) in row, (s.slug, key)


def export_escape(text: str) -> str:
    from geo.maps.markup import esc

    return esc(text)


def test_csv_is_the_record_table_neutralised(built) -> None:
    out, _w, chosen, _logs = built
    data = dataset.bundled()
    for s in chosen:
        raw = (out / site.csv_file(s, "ko")).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8
        got = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", dtype=str)
        table = view.compute(data.records, s.at(s.state.level, "ko")).table
        assert got["id"].tolist() == table["id"].tolist() and len(got) > 0
    assert "Honam" in (out / site.csv_file(chosen[1], "en")).read_text(encoding="utf-8-sig")


def test_hostile_record_text_is_escaped_and_neutralised(tmp_path: Path) -> None:
    from geo import programs

    raw = programs.load_programs().records.copy()
    i = raw.index[raw["sido"].astype(str).str.startswith("전북")][0]
    raw.loc[i, "name_ko"] = HOSTILE
    data = dataset.prepare("hostile-site-test", raw)
    out = tmp_path / "site"
    site.build(out, site.select(["sido-52"]), sheets="none", data=data, log=lambda _m: None)
    text = (out / site.csv_file(site.select(["sido-52"])[0], "ko")).read_text(encoding="utf-8-sig")
    assert "'" + HOSTILE.replace('"', '""') in text  # a spreadsheet shows it, never runs it
    for page in out.rglob("*.html"):
        assert "<img src=x" not in page.read_text(encoding="utf-8")
    sido_map = (out / site.map_file(site.select(["sido-52"])[0], "sido", "ko")).read_text("utf-8")
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in sido_map  # the 시도 popup lists it, escaped


# --------------------------------------------------------------------------- OUT: refuse, replace, never half


def test_refuses_a_folder_that_is_not_a_site(tmp_path: Path, capsys) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("내 메모", encoding="utf-8")
    with pytest.raises(site.SiteError, match="not a briefing site"):
        site.build(mine, site.select(["sido-50"]), sheets="none", log=lambda _m: None)
    assert main(["export-site", str(mine), "--scenes", "sido-50", "--sheets", "none"]) == 2
    assert f"export-site: {mine} exists and is not a briefing site" in capsys.readouterr().err
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]
    (tmp_path / "file.html").write_text("x")
    with pytest.raises(site.SiteError, match="is a file"):
        site.check_target(tmp_path / "file.html")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.html", "mine"]  # no temporary folder left
    (tmp_path / "empty").mkdir()
    site.check_target(tmp_path / "empty")  # an empty folder has nothing to lose


def test_a_build_that_fails_midway_leaves_the_previous_site_whole(tmp_path: Path) -> None:
    out = tmp_path / "site"
    site.build(out, site.select(["sido-50"]), sheets="none", log=lambda _m: None)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def crash(_msg: str) -> None:
        raise KeyboardInterrupt  # as Ctrl-C after the first scene

    with pytest.raises(KeyboardInterrupt):
        site.build(out, site.select(["sido-51", "sido-52"]), sheets="none", log=crash)
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_a_killed_build_leaves_the_site_whole_and_its_folder_is_cleared_next_time(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    out = tmp_path / "site"
    site.build(out, site.select(["sido-50"]), sheets="none", log=lambda _m: None)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    cmd = [sys.executable, "-m", "geo", "export-site", str(out), "--scenes", "sido-51,sido-52", "--sheets", "none"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        for line in proc.stderr:  # killed (as by the OOM killer or a power cut) after its first scene
            if line.startswith("[export-site] 1/2"):
                proc.send_signal(signal.SIGKILL)
                break
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    left = [p for p in tmp_path.iterdir() if p.name != "site"]
    assert len(left) == 1 and left[0].name.startswith(".site.tmp-") and (left[0] / "sido-51").is_dir()
    logs: list[str] = []
    site.build(out, site.select(["sido-50"]), sheets="none", log=logs.append)
    assert [p.name for p in tmp_path.iterdir()] == ["site"]
    assert logs[0] == f"[export-site] cleared {left[0].name}, left by a build that was killed"


def test_default_build_writes_sheets_and_replaces_the_previous_site(tmp_path: Path, capsys) -> None:
    out = tmp_path / "site"
    scene = site.select(["sv2024"])[0]
    assert main(["export-site", str(out), "--scenes", "sv2024"]) == 0  # default: sheets at the scene's level
    summary = capsys.readouterr()
    pages = len(view.LEVELS) * len(i18n.LANGS) + len(site.INDEX)
    assert re.search(rf"wrote .*: {pages} pages \(1 scenes\), \d+ files, [\d.]+ MB, in [\d.]+ s", summary.out)
    assert "[export-site] 1/1 sv2024" in summary.err
    for lang in i18n.LANGS:
        png = (out / site.sheet_file(scene, scene.state.level, lang, "png")).read_bytes()
        pdf = (out / site.sheet_file(scene, scene.state.level, lang, "pdf")).read_bytes()
        assert png.startswith(b"\x89PNG") and len(png) > 50_000 and pdf.startswith(b"%PDF")
    sheets = sorted(p.name for p in (out / scene.slug).glob("sheet-*"))
    assert sheets == sorted(f"sheet-{scene.state.level}.{lang}.{e}" for lang in i18n.LANGS for e in ("png", "pdf"))
    reports = sorted(p.name for p in (out / scene.slug).glob("report-*"))  # one 한글 보고서 per language
    assert reports == sorted(f"report-{scene.state.level}.{lang}.hwpx" for lang in i18n.LANGS)
    for lang in i18n.LANGS:
        hwpx = (out / site.report_file(scene, scene.state.level, lang)).read_bytes()
        assert validate_package(hwpx).ok
        section = zipfile.ZipFile(io.BytesIO(hwpx)).read("Contents/section0.xml").decode("utf-8")
        state = scene.at(scene.state.level, lang)
        assert view.filter_words(state) in section  # the scene's own view, in its language
    index = (out / "index.html").read_text(encoding="utf-8")
    assert f'href="{site.sheet_file(scene, scene.state.level, "ko", "pdf")}"' in index
    assert f'href="{site.report_file(scene, scene.state.level, "ko")}"' in index
    assert f'href="{site.report_file(scene, scene.state.level, "en")}"' in (out / "index.en.html").read_text("utf-8")
    assert site.tr("sheet_note_natural", "ko") in index
    # a second build replaces the first (the sheets go: not merged), and refuses nothing: it is a site
    assert main(["export-site", str(out), "--scenes", "sv2024", "--sheets", "none"]) == 0
    assert not list((out / scene.slug).glob("sheet-*")) and not list((out / scene.slug).glob("report-*"))
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


# --------------------------------------------------------------------------- in Chromium, from file://, offline


def test_index_to_maps_in_chromium_offline(built, browser) -> None:
    out, _w, chosen, _logs = built
    blocked, errors, loaded = [], [], []
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

        def route(r) -> None:  # type: ignore[no-untyped-def]
            url = r.request.url
            if url.startswith("file://") and Path(unquote(urlsplit(url).path)).resolve().is_relative_to(out.resolve()):
                loaded.append(url)
                r.continue_()
            elif url.startswith("data:"):
                r.continue_()
            else:
                blocked.append(url)
                r.abort()

        page.route("**/*", route)
        visits = [(chosen[0], "sido", "ko"), (chosen[1], "sigungu", "ko"), (chosen[2], "sigungu", "en")]
        for scene, level, lang in visits:
            index, href = site.INDEX[lang], site.map_file(scene, level, lang)
            page.goto((out / index).as_uri())
            assert page.locator("h1").inner_text() == site.tr("title", lang)
            page.click(f'a[href="{href}"]')
            page.wait_for_url(f"**/{href}")
            n = len(boundaries.load_layer(level))
            page.wait_for_function(f"document.querySelectorAll('path.kdim-region').length === {n}", timeout=20000)
            assert page.eval_on_selector_all("path.kdim-region", "els => els.length") == n
            assert page.eval_on_selector_all("path.kdim-region:not(.kdim-nodata)", "els => els.length") > 0
            assert page.locator(".kdim-legend").count() == 1
            assert page.title().startswith(f"{scene.names[lang]} — ")
            back = page.locator("a.kdim-site-back")
            assert back.get_attribute("href") == f"../{index}"
        assert any(u.endswith(f"/static/{offline.asset('mapjs').rel}") for u in loaded)
        page.wait_for_timeout(200)
        assert blocked == [] and errors == []
    finally:
        page.close()
