"""geo/report.py: the one-page 한글 (HWPX) 보고서 of a view, checked as a reader would read it.

python-hwpx's package checks first (``validate_package``, the document's schema check), then
``rhwp-python`` (a separate HWP/HWPX parser and renderer) reads each file back in a subprocess
(tests/rhwp_read.py, with Debian's FreeType preloaded): one page, the title, the figures and the
region names in its text and table, the map picture byte for byte, and page 1 rendered with the
picture's pixels on it. Every figure is compared with what geo.briefing computes for the view.
"""

from __future__ import annotations

import io
import json
import math
import os
import re
import subprocess
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from hwpx import HwpxDocument
from hwpx.tools.package_validator import validate_package
from PIL import Image

from geo import briefing, dataset, i18n, join, maps, regions, report, view
from geo.briefing.figures import class_range
from geo.cli import main
from geo.view import PRESETS, ViewState
from tests.conftest import ROOT

FREETYPE = "/lib/x86_64-linux-gnu/libfreetype.so.6"  # Debian libfreetype6 (scripts/setup_system.sh)
BUILT = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
HONAM_EN = ViewState(lang="en", level="sigungu", region_group="호남권")
CHANGE = ViewState(level="sido", metric="budget_2024_national", year=2024, compare_year=2023)


@pytest.fixture(scope="module")
def data() -> dataset.DataSet:
    return dataset.bundled()


def arguments(data: dataset.DataSet, state: ViewState) -> dict:
    """What the app's download passes (ui.exports.briefing_arguments), with a fixed date."""
    return {
        "filters": state.filters(), "level": state.level, "metric": state.metric, "lang": state.lang,
        "settings": maps.MapSettings(scheme=state.scheme), "reconciliation": data.reconciliation,
        "compare_year": state.compare_year, "built": BUILT,
    }  # fmt: skip


def sheet(data: dataset.DataSet, state: ViewState) -> briefing.SheetData:
    """The sheet's numbers for the same view: what the report must say."""
    return briefing.sheet_data(
        data.records, state.filters(), level=state.level, metric=state.metric, lang=state.lang,
        settings=maps.MapSettings(scheme=state.scheme), layers=("districts", "village"),
        reconciliation=data.reconciliation, compare_year=state.compare_year,
    )  # fmt: skip


def read_back(hwpx: bytes, tmp: Path) -> dict:
    """rhwp's reading of the file (pages, text, tables, pictures) and its page 1 as an image."""
    assert Path(FREETYPE).exists(), f"{FREETYPE} missing: run scripts/setup_system.sh (libfreetype6)"
    path, png = tmp / "report.hwpx", tmp / "page1.png"
    path.write_bytes(hwpx)
    env = {**os.environ, "LD_PRELOAD": FREETYPE}
    run = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "rhwp_read.py"), str(path), str(png)],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    out = json.loads(run.stdout)
    out["page1"] = np.asarray(Image.open(png).convert("RGB")).astype(int)
    return out


def package_ok(hwpx: bytes) -> None:
    """python-hwpx's own checks: the package (ZIP, mimetype, container, manifest) and the XML schemas."""
    pkg = validate_package(hwpx)
    assert pkg.ok, pkg.errors
    assert not HwpxDocument.open(hwpx).validate().issues


def picture_on_page(hwpx: bytes, page: np.ndarray) -> tuple[int, int]:
    """(pixels of the map's sea colour on the rendered page, pixels the picture's sea should cover there)."""
    with zipfile.ZipFile(io.BytesIO(hwpx)) as z:
        (name,) = [n for n in z.namelist() if n.startswith("BinData/")]
        pic = np.asarray(Image.open(io.BytesIO(z.read(name))).convert("RGB")).astype(int)
        section = z.read("Contents/section0.xml").decode("utf-8")
    colours, counts = np.unique(pic.reshape(-1, 3), axis=0, return_counts=True)
    sea = colours[counts.argmax()]  # the map's most common colour: its sea
    share = counts.max() / counts.sum()
    w, h = (int(x) for x in re.search(r'<hp:curSz width="(\d+)" height="(\d+)"', section).groups())
    px_per_unit = page.shape[1] / (report.PAGE_MM[0] * 7200 / 25.4)
    expected = share * w * h * px_per_unit**2
    found = int((np.abs(page - sea).max(axis=2) <= 8).sum())
    return found, int(expected)


# --------------------------------------------------------------------------- what it says


def test_every_figure_is_the_sheets(data) -> None:
    state = PRESETS["budget"]
    c = report.content(data.records, **arguments(data, state))
    d = sheet(data, state)
    assert c.title == d.title() == "시도별 2024년 국비 (억원)"
    assert c.meta[0] == "2026. 12. 7.  지방 디지털 혁신 지도"
    assert c.meta[1].startswith(f"{i18n.t('filters', 'ko')}: {view.filter_words(state)}  |  ")
    text = "\n".join(t for _k, t in c.lines)
    assert f"{d.figs.budget_label} {maps.fmt_number(d.figs.budget)}억원" in text  # 1,699.2억원
    assert f"사업 기록 {d.figs.n_records}건, 대상 지자체 {d.figs.n_lgs}곳" in text
    assert [t for k, t in c.lines if k == "item"][-len(d.figs.coverage) :] == list(d.figs.coverage)
    assert "2024년 국비: 공식 5,770억원 중" in text  # the official total, from data/official_totals.csv
    assert [k for k, _t in c.lines].count("box") == 2
    top = d.cls.values.sort_values(ascending=False, kind="stable").head(report.TOP_N)
    assert [r[1] for r in c.table[1:]] == [regions.name(code, "ko") for code in top.index]
    assert [r[2] for r in c.table[1:]] == [maps.fmt_number(v) for v in top]
    counts = join.aggregate(d.sel, "sido", state.metric).set_index("code")["n_records"]
    assert [int(r[3]) for r in c.table[1:]] == [int(counts[code]) for code in top.index]
    total = d.cls.values.sum()
    assert [r[4] for r in c.table[1:]] == [f"{100 * v / total:.1f}%" for v in top]
    assert c.source.startswith("자료: 사업: ") and "국토지리정보원" in c.source
    assert [x.label for x in c.legend][: len(d.cls.bins)] == [
        f"{class_range(b, False, 'ko')} ({b.count}곳)" for b in d.cls.bins
    ]
    assert any(x.symbol == "★" for x in c.legend)  # the districts the map stars
    # totals as circles: the key names them (their sizes are drawn in the picture's corner)
    assert d.cls.circles is not None and ("●", maps.CIRCLE_FILL) in [(x.symbol, x.colour) for x in c.legend]


def test_the_official_figures_sources_are_the_rows_the_coverage_lines_read(data) -> None:
    rec = data.reconciliation
    hosts = {k: maps.source_hosts(rec[rec["id"] == k]) for k in ("TOTAL_2024_BUDGET", "SV_2024_TASKS")}
    assert all(hosts.values())
    assert report.official_hosts(rec, join.Filters(program_type="smart_village")) == hosts["SV_2024_TASKS"]
    assert report.official_hosts(rec, join.Filters(program_type="ai_convergence")) == hosts["TOTAL_2024_BUDGET"]
    both = report.official_hosts(rec, join.Filters())
    assert set(both) == set(hosts["SV_2024_TASKS"]) | set(hosts["TOTAL_2024_BUDGET"])
    c = report.content(data.records, **arguments(data, PRESETS["sv2024"]))
    assert ("detail", f"공식 수치 출처: {', '.join(hosts['SV_2024_TASKS'])} (data/official_totals.csv)") in c.lines


def test_a_comparison_ranks_the_largest_changes(data) -> None:
    c = report.content(data.records, **arguments(data, CHANGE))
    d = sheet(data, CHANGE)
    assert c.title == d.title() and "2023" in c.title and "2024" in c.title
    top = d.cls.values.sort_values(ascending=False, kind="stable", key=lambda v: v.abs()).head(report.TOP_N)
    assert c.table[0] == ["순위", "지역", d.legend_title()]
    assert [r[2] for r in c.table[1:]] == [maps.fmt_signed(v) for v in top]
    assert any(k == "detail" and t.startswith("주요 수치는 2024년 기준. 2023년:") for k, t in c.lines)


# --------------------------------------------------------------------------- as a reader reads it


def test_korean_report_reads_back_as_one_page_with_its_figures_and_map(data, tmp_path) -> None:
    state = PRESETS["budget"]
    hwpx = report.report_hwpx(data.records, **arguments(data, state))
    package_ok(hwpx)
    meta = HwpxDocument.open(hwpx).parts.metadata
    assert (meta.title, meta.creator) == ("시도별 2024년 국비 (억원)", "지방 디지털 혁신 지도"), meta
    got = read_back(hwpx, tmp_path)
    c = report.content(data.records, **arguments(data, state))
    assert got["pages"] == 1
    text = got["text"]
    assert c.title in text and "2026. 12. 7." in text
    for _kind, line in c.lines:
        assert line in text  # □/○/- lines: key figures, coverage, the official figures' source
    assert "□ 주요 수치" in text and "○ 사업 기록" in text
    assert c.source in text
    (table,) = got["tables"]
    for row in c.table:
        assert "".join(f"<td>{v}</td>" for v in row) in table  # header, names, values, shares
    (pic,) = got["pictures"]
    assert pic["bytes"] == len(c.png) and pic["bytes"] > 50_000  # the map panel, whole
    found, expected = picture_on_page(hwpx, got["page1"])
    assert found > 0.8 * expected > 20_000, (found, expected)  # the map is drawn on the page, at its size
    bottom = np.where((got["page1"] < 200).any(axis=2).any(axis=1))[0].max()
    assert bottom < got["page1"].shape[0] * (1 - report.MARGIN_MM[3] / report.PAGE_MM[1])  # inside the margin


def test_english_report_of_a_region_group(data, tmp_path) -> None:
    hwpx = report.report_hwpx(data.records, **arguments(data, HONAM_EN))
    package_ok(hwpx)
    got = read_back(hwpx, tmp_path)
    d = sheet(data, HONAM_EN)
    assert got["pages"] == 1
    assert d.title() in got["text"] and "7 December 2026" in got["text"]
    assert f"Filters: {view.filter_words(HONAM_EN)}" in got["text"] and "Honam" in got["text"]
    assert f"{d.figs.n_records} program records, {d.figs.n_lgs} local governments" in got["text"]
    assert "□ Key figures" in got["text"] and "□ Coverage of the official figures (national)" in got["text"]
    top = d.cls.values.sort_values(ascending=False, kind="stable").head(report.TOP_N)
    assert len(top) >= 1
    for code in top.index:
        assert regions.name(code, "en") in got["tables"][0]
        assert code[:2] in ("29", "46", "52")  # 광주, 전남, 전북: 호남권
    assert "Sources: programs:" in got["text"]
    found, expected = picture_on_page(hwpx, got["page1"])
    assert found > 0.8 * expected > 20_000, (found, expected)


def test_the_fullest_pages_stay_one_page_in_english(data, tmp_path) -> None:
    """English runs longer than Korean: the reports with the least room left (a comparison, whose
    figures have a line more; the AI and districts presets: most legend rows) stay on one page,
    their lowest ink above the bottom margin, as rhwp lays them out."""
    for state in [CHANGE.replace(lang="en"), PRESETS["ai"].replace(lang="en"), PRESETS["districts"].replace(lang="en")]:
        got = read_back(report.report_hwpx(data.records, **arguments(data, state)), tmp_path)
        assert got["pages"] == 1, state
        page = got["page1"]
        bottom = np.where((page < 200).any(axis=2).any(axis=1))[0].max()
        assert bottom < page.shape[0] * (1 - report.MARGIN_MM[3] / report.PAGE_MM[1]), state


def test_every_scene_fits_one_page_by_the_estimate() -> None:
    """The map shrinks when the text is long (the estimate errs long; rhwp checks the real page above)."""
    long = report.Content(
        lang="ko", title="가" * 80, meta=["나" * 120] * 3, lines=[("item", "다" * 150)] * 12, legend_title="범례",
        legend=[report.LegendItem("■", "#000000", "라" * 20)] * 8, alt="", top_heading="상위 지역",
        table=[["1"] * 5] * 6, source="마" * 200, built=BUILT, png=b"",
    )  # fmt: skip
    assert report.map_height_mm(long) == report.MAP_MIN_MM
    short = report.Content(
        lang="ko", title="가", meta=["나"], lines=[], legend_title="", legend=[], alt="", top_heading="",
        table=[["1"]], source="", built=BUILT, png=b"",
    )  # fmt: skip
    assert report.map_height_mm(short) == report.MAP_MAX_MM


# --------------------------------------------------------------------------- the command, the app


def test_export_report_command(tmp_path, capsys) -> None:
    out = tmp_path / "sub" / "honam.hwpx"
    args = ["export-report", str(out), "--lang", "en", "--level", "sigungu", "--region-group", "호남권"]
    assert main(args) == 0
    said = capsys.readouterr().out
    size = out.stat().st_size
    assert re.fullmatch(rf"wrote {re.escape(str(out))}: A4 보고서, {size:,} bytes, [\d.]+ s\n", said)
    package_ok(out.read_bytes())
    assert not list(out.parent.glob(".*.tmp"))  # written through geo.files.atomic_write
    assert main(["export-report", str(tmp_path / "x.hwpx"), "--sido", "아틀란티스"]) == 2
    assert "export-report:" in capsys.readouterr().out and not (tmp_path / "x.hwpx").exists()
    assert main(["export-report", str(tmp_path / "y.hwpx"), "--vs", "2023", "--year", "all"]) == 2
    assert "--vs needs --year" in capsys.readouterr().out
    # without --year, the opening view's year (as the app's ?vs=2023): 2024 against 2023
    assert main(["export-report", str(tmp_path / "z.hwpx"), "--vs", "2023"]) == 0
    assert "2023" in zipfile.ZipFile(tmp_path / "z.hwpx").read("Contents/section0.xml").decode()


def test_the_apps_sixth_download_is_the_report_of_the_view(monkeypatch) -> None:
    """AppTest: the 한글 보고서 button of a filtered view; its file is made on click, so the
    callable the button registered is run here (recorded as Streamlit's media manager gets it)."""
    from streamlit.runtime.media_file_manager import MediaFileManager
    from streamlit.testing.v1 import AppTest

    made: dict[str, object] = {}
    real = MediaFileManager.add_deferred

    def record(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        made[file_name] = data_callable
        return real(self, data_callable, mimetype, coordinates, file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["group"] = "호남권"
    at.query_params["level"] = "sigungu"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    buttons = at.get("download_button")
    assert len(buttons) == 6
    (button,) = [b for b in buttons if b.proto.id.endswith("dl_hwpx")]
    assert button.proto.label == i18n.t("export_hwpx", "ko") == "한글 보고서"
    (name,) = [n for n in made if str(n).endswith(".hwpx")]
    assert "group-호남권" in name and "level-sigungu" in name
    hwpx = made[name]()
    package_ok(hwpx)
    section = zipfile.ZipFile(io.BytesIO(hwpx)).read("Contents/section0.xml").decode("utf-8")
    assert "시군구별 2024년 국비 (억원)" in section and "권역: 호남권" in section  # the opening view's metric
    data = dataset.bundled()
    d = sheet(data, ViewState(level="sigungu", region_group="호남권"))
    assert f"사업 기록 {d.figs.n_records}건" in section
    assert not math.isnan(d.figs.budget) and f"{maps.fmt_number(d.figs.budget)}억원" in section
