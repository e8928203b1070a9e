"""The 인구감소지역 filter on the page (AppTest): the sidebar box, the URL and the share line."""

from __future__ import annotations

import re

import pytest

from geo import join, programs
from tests.test_app import metric, run_app


@pytest.fixture(scope="module")
def records():
    return join.attach(programs.load_programs().records)


def count(records, **filters) -> int:
    return len(join.apply_filters(records, join.Filters(**filters)))


def captions(at) -> str:
    return " | ".join(c.value for c in at.caption)


def test_a_link_with_area_decline_opens_the_filtered_view_with_its_share(records):
    at = run_app(area="decline", level="sigungu", year="all")
    assert at.selectbox(key="w_area").value == "decline"
    assert metric(at, "기록 수") == str(count(records, area="decline")) == "25"
    assert "인구감소지역 비중 (시군구 89/229곳 = 38.9%): 기록 25/25건 (100.0%)" in captions(at)
    assert dict(at.query_params.items()) == {"area": "decline", "level": "sigungu", "year": "all"}
    assert any("인구감소지역 구분 (행정안전부 지정): 인구감소지역" in m.value for m in at.markdown)


def test_the_sidebar_box_filters_and_a_preset_clears_it(records):
    at = run_app(year="all")
    assert "기록 25/89건 (28.1%)" in captions(at)  # the whole set's share, before any filter
    box = at.selectbox(key="w_area")
    assert box.options == ["전체", "인구감소지역 (89곳)", "관심지역 (18곳)", "그 밖의 시군구 (122곳)"]
    box.select("other").run()
    assert metric(at, "기록 수") == str(count(records, area="other")) == "59"
    assert at.query_params["area"] == "other"
    at.button(key="preset_sv2024").click().run()
    assert at.selectbox(key="w_area").value == "" and "area" not in at.query_params
    assert metric(at, "기록 수") == str(count(records, program_type="smart_village", year=2024))
    assert "스마트빌리지 과제 11/30개 (36.7%)" in captions(at)


def test_english_labels_of_the_box_and_line():
    at = run_app(lang="en", area="interest", year="all")
    box = at.selectbox(key="w_area")
    assert box.label == "Population-decline designation (Ministry of the Interior)"
    assert box.options[1:] == [
        "Population-decline areas (89)",
        "Population-decline areas of concern (18)",
        "Other municipalities (122)",
    ]
    line = next(c.value for c in at.caption if c.value.startswith("Share in population-decline areas"))
    assert "records 0 of 5 (0.0%)" in line and not re.search("[가-힣]", line)


def test_the_clicked_regions_panel_names_its_designation():
    at = run_app(level="sigungu", sel="47750", year="all")  # 영양군, an 인구감소지역
    assert any(m.value == "**인구감소지역 (행정안전부 지정)**" for m in at.markdown)
    at = run_app(level="sigungu", sel="11110", year="all")  # 종로구: none
    assert not any("행정안전부 지정)**" in m.value for m in at.markdown)
