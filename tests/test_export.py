"""geo/export.py: standalone offline HTML (checked in a real browser with networking blocked) and CSV."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from geo import boundaries, export, maps, offline
from geo.join import Filters, aggregate, apply_filters
from geo.programs import load_programs

HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def records() -> pd.DataFrame:
    return apply_filters(load_programs().records, Filters())


# --------------------------------------------------------------------------- standalone HTML


def test_standalone_has_everything_inline(records: pd.DataFrame) -> None:
    m = maps.build_map(aggregate(records, "sido", "records"), records, level="sido", metric="records")
    html_text = export.standalone_html(m, lang="ko", title="제목 <b>")
    assert "<script src=" not in html_text and "<link " not in html_text
    assert export.external_refs(html_text) == []
    assert export.external_refs(html_text, strict=True) == []
    assert "/app/static/" not in html_text
    assert "L.markerClusterGroup" in html_text and "leaflet-1.9.3/leaflet.js" in html_text  # inlined, named
    assert "url(data:image/png;base64," in html_text  # leaflet.css images inlined
    assert "sourceMappingURL" not in html_text
    assert '<html lang="ko">' in html_text and "<title>제목 &lt;b&gt;</title>" in html_text


def test_standalone_refuses_hidden_network_use(records: pd.DataFrame) -> None:
    m = maps.build_map(None, records, level="sido")
    m.get_root().header.add_child(__import__("branca").element.JavascriptLink("https://cdn.example.com/x.js"), name="x")
    with pytest.raises(ValueError, match="network"):
        export.standalone_html(m)


def test_optional_tile_layer_is_allowed_on_purpose() -> None:
    settings = maps.MapSettings(tile_url="https://tiles.intranet.example/{z}/{x}/{y}.png", tile_attribution="x")
    m = maps.build_map(None, None, level="sido", settings=settings)
    html_text = export.standalone_html(m)  # no error: the tile server was configured deliberately
    assert "tiles.intranet.example" in html_text
    assert "tiles.intranet.example" not in maps.render_html(maps.build_map(None, None, level="sido"))


def test_cli_export_map(tmp_path: Path) -> None:
    from geo.cli import main

    out = tmp_path / "map.html"
    assert main(["export-map", str(out), "--level", "sido", "--lang", "en", "--region-group", "호남권"]) == 0
    text = out.read_text(encoding="utf-8")
    assert export.external_refs(text, strict=True) == []
    assert "Honam" in text and '<html lang="en">' in text
    assert main(["export-map", str(tmp_path / "x.html"), "--sido", "없는도"]) == 2  # message, no traceback


def test_cli_export_map_defaults_to_the_opening_view(tmp_path: Path) -> None:
    """Issue 29: the file of `export-map OUT.html` is the app's opening view (the latest year with
    an official total, its 국비 by 시도, as circles, the symbol layers off in the switch), the same
    bytes as the app's own export of that view; --year all --repr fill still give the old map."""
    from geo import dataset, view
    from geo.cli import main

    out = tmp_path / "map.html"
    assert main(["export-map", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text == export.view_html(dataset.computed(dataset.bundled(), view.ViewState()))
    assert "<title>시도별 2024년 국비 (억원)</title>" in text, re.findall(r"<title>.*?</title>", text)
    assert text.count("kdim.startOff(PARENT") == 3
    assert main(["export-map", str(out), "--year", "all", "--metric", "life_total", "--repr", "fill"]) == 0
    assert "kdim-circles-key" not in out.read_text(encoding="utf-8")  # the legend has no reference circles


# --------------------------------------------------------------------------- in a browser, offline


def _hostile_inputs(records: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    values = aggregate(records, "sigungu", "life_total")
    values.loc[values["code"] == "27260", "programs_ko"] = HOSTILE  # 대구 수성구
    recs = records.copy()
    i = recs.index[(recs["program_type"] == "smart_village") & recs["lat"].notna()][0]
    recs.loc[i, "name_ko"] = HOSTILE
    return values, recs


def test_exported_map_draws_offline_in_chromium(tmp_path: Path, records: pd.DataFrame, browser) -> None:
    """``browser``: the session's Debian Chromium (tests/conftest.py); fails loudly, never skips."""
    values, recs = _hostile_inputs(records)
    filters = {"field": HOSTILE}
    m = maps.build_map(values, recs, level="sigungu", metric="life_total", lang="ko", filters=filters)
    path = tmp_path / "map.html"
    path.write_text(export.standalone_html(m, lang="ko"), encoding="utf-8")

    sv = recs[recs["program_type"] == "smart_village"]
    n_points = int(sv["lat"].notna().sum())
    n_regions = len(boundaries.load_layer("sigungu"))
    blocked, errors, dialogs = [], [], []
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

        def route(r):  # only the file itself (and inline data: URIs) may load
            if r.request.url.startswith(("file://", "data:")):
                r.continue_()
            else:
                blocked.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.goto(path.as_uri())
        page.wait_for_function(f"document.querySelectorAll('path.kdim-region').length === {n_regions}", timeout=15000)
        count = lambda sel: page.eval_on_selector_all(sel, "els => els.length")  # noqa: E731
        assert count("path.kdim-region") == n_regions
        assert count("path.kdim-nodata") == n_regions - int(values["value"].notna().sum())
        assert count("path.kdim-specialty") == len(maps.SPECIALTIES)
        assert count(".kdim-icon-district") == 4
        # Smart Village sites: each either drawn or inside a cluster icon (one the placement hid
        # until a zoom-in is still there, with its count: textContent, not the rendered innerText)
        clustered = page.eval_on_selector_all(
            ".marker-cluster",
            "els => els.reduce((s, e) => s + parseInt(e.querySelector('span').textContent || '0'), 0)",
        )
        assert count(".kdim-icon-village") + clustered == n_points
        assert count(".kdim-icon-count") > 0
        # hatching is a pattern fill, not the grey of a zero
        fill = page.eval_on_selector("path.kdim-nodata", "e => getComputedStyle(e).fill")
        assert "url(" in fill and "kdim-hatch" in fill
        # legend, title, source line are drawn; attribution is plain text
        assert "자료 없음" in page.inner_text(".kdim-legend")
        assert HOSTILE in page.inner_text(".kdim-titlebox")  # shown as text
        assert "국토지리정보원" in page.inner_text(".kdim-source")
        assert page.eval_on_selector_all(".leaflet-control-attribution a", "els => els.length") == 0
        # tooltips: hostile program name and hostile site name appear as text, run nothing
        tip = page.evaluate(
            """() => {
              const name = Object.keys(window).find(k => k.startsWith('kdim_choropleth_'));
              let text = '';
              window[name].eachLayer(l => { if (l.feature.id === '27260') {  // a click (a tap) on 수성구
                  l.fire('click', {latlng: l.getBounds().getCenter(), originalEvent: new MouseEvent('click')}, true);
                  text = document.querySelector('.leaflet-popup-content').innerText; } });
              return text;
            }"""
        )
        assert "대구광역시 수성구" in tip and HOSTILE in tip
        assert page.eval_on_selector_all("img[src='x']", "els => els.length") == 0
        page.wait_for_timeout(200)
        assert dialogs == [] and errors == [] and blocked == []
    finally:
        page.close()


# --------------------------------------------------------------------------- CSV


def test_records_csv_is_excel_safe() -> None:
    df = pd.DataFrame(
        {
            "name": ['=HYPERLINK("http://x")', "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", "정상 이름", "-12.5"],
            "budget": [1.5, -3.0, 0.0, 10.0, None, 2.0, 3.0, 4.0],
            "programs": [["a", "b"], [], ["=c"], ["d"], ["e"], ["f"], ["g"], ["h"]],
        }
    )
    data = export.records_csv(df)
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False)
    assert back["name"].tolist() == [
        '\'=HYPERLINK("http://x")',
        "'+SUM(A1)",
        "'-2+3",
        "'@cmd",
        "'\tx",
        "'\rx",
        "정상 이름",
        "-12.5",
    ]
    assert back["programs"].tolist()[:3] == ["a; b", "", "'=c"]
    budgets = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")["budget"]
    assert pd.api.types.is_float_dtype(budgets) and budgets.iloc[1] == -3.0  # negative stays a number


def test_records_csv_of_real_records_round_trips(records: pd.DataFrame) -> None:
    data = export.records_csv(records, columns=["id", "name_ko", "life_total", "source_url"])
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert back["id"].tolist() == records["id"].tolist()
    assert back["name_ko"].tolist() == records["name_ko"].tolist()
    assert json.dumps(back.columns.tolist()) == json.dumps(["id", "name_ko", "life_total", "source_url"])


def test_neutralise_cell() -> None:
    assert export.neutralise_cell("=1+1") == "'=1+1"
    assert export.neutralise_cell("-5") == "-5"
    assert export.neutralise_cell("-5 + cmd") == "'-5 + cmd"
    assert export.neutralise_cell(-5) == -5
    assert export.neutralise_cell("") == ""


def test_assets_digest_is_stable() -> None:
    assert offline.assets_digest() == offline.assets_digest()
