"""The 인구감소지역 / 관심지역 layer (issue 28, part 2): what the map page carries, read back."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import folium
import pandas as pd
import pytest

from geo import maps, view
from geo.join import Filters, aggregate, apply_filters
from geo.maps.policy import POLICY_STYLES
from geo.programs import load_programs

CSV = Path(__file__).resolve().parent.parent / "data" / "policy_areas.csv"


def csv_codes() -> dict[str, set[str]]:
    with open(CSV, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {
        "decline": {r["sigungu_code"] for r in rows if r["kind"] == "인구감소지역"},
        "interest": {r["sigungu_code"] for r in rows if r["kind"] == "관심지역"},
    }


@pytest.fixture(scope="module")
def records() -> pd.DataFrame:
    return apply_filters(load_programs().records, Filters())


def page(records: pd.DataFrame, level: str, area: str | None, lang: str = "ko") -> str:
    f = Filters(area=area)
    values = aggregate(apply_filters(records, f), level, "life_total")
    m = maps.build_map(values, records, level=level, metric="life_total", lang=lang, filters=f)
    return maps.render_html(m)


def blobs(html_text: str, marker: str) -> list:
    dec = json.JSONDecoder()
    return [dec.raw_decode(html_text, m.end())[0] for m in re.finditer(re.escape(marker), html_text)]


def legend(html_text: str) -> str:
    controls = [json.loads(x) for x in re.findall(r"var HTML = (\"(?:[^\"\\]|\\.)*\");", html_text)]
    return next(c for c in controls if "<h4>" in c)


def test_layer_names_exactly_the_designated_codes(records: pd.DataFrame) -> None:
    want = csv_codes()
    assert (len(want["decline"]), len(want["interest"])) == (89, 18)
    (data,) = blobs(page(records, "sigungu", "decline"), "kdim.policy(PARENT, ")
    assert {k: set(v) for k, v in data["codes"].items()} == want
    assert all(len(v) == len(set(v)) for v in data["codes"].values())
    # no second copy of the polygons: the layer's script holds codes and styles only
    assert "kdimGeo" not in json.dumps(data) and len(json.dumps(data)) < 3000


def test_layer_in_the_switch_on_with_an_area_off_without(records: pd.DataFrame) -> None:
    on = page(records, "sigungu", "decline")
    off = page(records, "sigungu", None)
    name = json.dumps("인구감소지역·관심지역 (행정안전부 지정)") + " : feature_group_"  # the layer switch's entry
    for html_text in (on, off):
        assert html_text.count("kdim.policy(PARENT") == 1
        assert html_text.count(name) == 1
    rows_on = re.findall(r'<div class="row kdim-lg-policy[^"]*"( hidden)?>', legend(on))
    rows_off = re.findall(r'<div class="row kdim-lg-policy[^"]*"( hidden)?>', legend(off))
    assert rows_on == ["", ""], "both kinds' rows shown while the layer is on"
    assert rows_off == [" hidden", " hidden"], "rows wait for the layer switch"
    assert "인구감소지역 (89곳" in legend(on) and "관심지역 (18곳" in legend(on)


def test_sido_level_counts_in_the_legend_and_tooltips(records: pd.DataFrame) -> None:
    with_area = page(records, "sido", "decline")
    assert "kdim.policy(PARENT" not in with_area
    lg = legend(with_area)
    assert "kdim-lg-policy-sido" in lg and "인구감소지역 89곳 · 관심지역 18곳" in lg
    assert "kdim-lg-policy" not in legend(page(records, "sido", None))
    want = csv_codes()
    tips = blobs(with_area, "T = ")[0]  # the choropleth's (the first group)
    d = sum(1 for c in want["decline"] if c.startswith("47"))
    i = sum(1 for c in want["interest"] if c.startswith("47"))
    assert f"인구감소지역 {d}곳 · 관심지역 {i}곳" in tips["47"]  # 경북
    assert "인구감소지역" not in tips["11"]  # 서울: none


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_tooltip_and_keyboard_name_say_the_designation(records: pd.DataFrame, lang: str) -> None:
    html_text = page(records, "sigungu", None, lang)
    tips = blobs(html_text, "T = ")[0]  # the choropleth's (the first group)
    names = blobs(html_text, "var A = ")[0]
    want = csv_codes()
    words = {
        "ko": ("인구감소지역 (행정안전부 지정)", "관심지역 (행정안전부 지정)"),
        "en": ("Population-decline area (designated", "Population-decline area of concern"),
    }[lang]
    for code, tip in tips.items():
        assert (words[0] in tip) == (code in want["decline"]), code
        assert (words[1] in tip) == (code in want["interest"]), code
    for code, entry in names.items():
        assert (words[0] in entry[0]) == (code in want["decline"]), code
    assert words[0] in names["47750"][0]  # 영양군
    assert not any(w in names["11110"][0] for w in words)  # 종로구


def test_title_names_the_area_filter_in_words(records: pd.DataFrame) -> None:
    title = maps.title_html(level="sigungu", metric="life_total", lang="ko", filters=Filters(area="decline"))
    words = " · ".join(maps.describe_filters(Filters(area="interest"), "en"))
    assert "area: decline" not in title
    assert words == "Population-decline designation (Ministry of the Interior): Population-decline areas of concern"
    state = view.ViewState(area="decline", level="sigungu")
    assert "인구감소지역 구분 (행정안전부 지정): 인구감소지역" in view.filter_words(state)
    assert "인구감소지역 구분 (행정안전부 지정): 인구감소지역" in title


def test_panel_names_the_designation(records: pd.DataFrame) -> None:
    state = view.ViewState(selected="47750", level="sigungu")
    assert view.region_panel(records, state)["designation"] == "인구감소지역 (행정안전부 지정)"
    assert view.region_panel(records, view.ViewState(selected="11110"))["designation"] == ""
    assert view.region_panel(records, view.ViewState(selected="47"))["designation"] == ""


def test_kinds_differ_by_line_not_colour_alone() -> None:
    assert POLICY_STYLES["decline"]["dashArray"] != POLICY_STYLES["interest"]["dashArray"]


def test_layer_draws_nothing_twice_in_the_groups(records: pd.DataFrame) -> None:
    f = Filters(area="interest")
    groups = maps.overlay_layers(aggregate(records, "sigungu", "life_total"), records, level="sigungu", filters=f)
    names = [g.layer_name for g in groups]
    assert names.count("인구감소지역·관심지역 (행정안전부 지정)") == 1
    g = next(g for g in groups if g.layer_name.startswith("인구감소지역·"))
    assert g.control is True and isinstance(g, folium.FeatureGroup)
    (on,) = blobs(maps.render_html(folium.Map().add_child(g)), "kdim.policy(PARENT, ")
    off_groups = maps.overlay_layers(None, records, level="sigungu", filters=Filters())
    off_group = next(g for g in off_groups if g.layer_name.startswith("인구감소지역·"))
    (off,) = blobs(maps.render_html(folium.Map().add_child(off_group)), "kdim.policy(PARENT, ")
    # kdim.policy takes an 'off' layer off the map itself (streamlit-folium adds every group)
    assert (on["on"], off["on"]) == (True, False)
