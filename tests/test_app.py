"""The Streamlit page through streamlit.testing.v1.AppTest: filters, presets, URL, language, uploads.

The folium map appears as a component instance whose ``json_args`` carry the map script, the
JS/CSS links and the component key: no link may leave localhost, and a filter change must
keep the key (the map updates in place instead of reloading).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo import charts, dataset, join, programs, view
from tests.conftest import sv_tasks

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
HOSTILE = "<img src=x onerror=alert(1)>"


def run_app(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def map_args(at: AppTest) -> dict:
    (comp,) = [c for c in at.get("component_instance") if c.proto.component_name.endswith("st_folium")]
    return json.loads(comp.proto.json_args)


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def widget(at: AppTest, key: str):
    return at.get_by_key(key) if hasattr(at, "get_by_key") else None


@pytest.fixture(scope="module")
def records():
    return join.attach(programs.load_programs().records)


def expected_count(records, **filters) -> int:
    return len(join.apply_filters(records, join.Filters(**filters)))


def test_first_page_has_figures_map_and_coverage(records):
    at = run_app()
    assert at.title[0].value == "지방 디지털 혁신 지도"
    # the opening view: the latest year with an official total, its 국비, beside that total
    assert metric(at, "기록 수") == f"{expected_count(records, year=2024):,}"
    assert metric(at, "2024년 국비") == "1,699.2 억원"
    captions = " ".join(c.value for c in at.caption)
    assert "공식 5,770억원 중 1,699.2억원(29.4%)이 기록으로 확인" in captions
    assert "지도에 배분 (시도 단위): 172.3 억원" in captions
    info = " ".join(i.value for i in at.info)
    assert f"스마트빌리지 2024: 과제 99개 중 {sv_tasks(2024)}개 명시" in info
    assert "공식 5,770억원" in info
    assert not at.error


def test_map_component_links_stay_on_localhost():
    args = map_args(run_app())
    links = args["js_links"] + args["css_links"]
    assert links and all(link.startswith("/app/static/vendor/") for link in links)
    for part in ("script", "header", "html", "feature_group", "layer_control"):
        text = str(args[part])
        assert not re.search(r"""(src|href)\s*=\s*["']?https?://""", text), part
        assert not re.search(r"""url\(\s*["']?https?://""", text), part
        assert "cdn." not in text and "unpkg" not in text


def test_filter_change_updates_in_place_with_the_same_key(records):
    at = run_app()
    before = map_args(at)
    at.selectbox(key="w_group").select("호남권").run()
    after = map_args(at)
    assert after["key"] == before["key"]  # same component: no reload, no flicker
    assert after["script"] == before["script"]
    assert after["feature_group"] != before["feature_group"]
    assert metric(at, "기록 수") == f"{expected_count(records, region_group='호남권', year=2024):,}"
    assert at.query_params["group"] == "호남권"


def test_the_figures_are_bar_tables_that_follow_the_filter(records):
    """Three HTML bar tables (geo/charts.py), no Vega-Lite chart; a filter changes their numbers."""

    def tables(at: AppTest) -> list[str]:
        bodies = [e.proto.body for e in at.get("html") if "kdim-bars" in getattr(e.proto, "body", "")]
        return [b for b in bodies if 'class="kdim-bars"' in b]

    at = run_app()
    before = tables(at)
    assert [re.search(r'data-chart="(\w+)"', b).group(1) for b in before] == list(charts.CHARTS)
    assert not at.get("vega_lite_chart")
    at.selectbox(key="w_group").select("호남권").run()
    after = tables(at)
    assert len(after) == 3 and after != before
    n = expected_count(records, region_group="호남권", year=2024)
    counts = re.findall(
        r'기록 수</td><td class="kdim-bar-cell"><span[^>]*></span><span class="kdim-num">([\d,]+)<', after[2]
    )
    assert sum(int(c.replace(",", "")) for c in counts) == n


def test_cascading_region_filters():
    at = run_app()
    at.selectbox(key="w_group").select("호남권").run()
    sido_opts = at.selectbox(key="w_sido").options
    assert sido_opts[1:] == ["광주광역시", "전북특별자치도", "전라남도"]
    at.selectbox(key="w_sido").select("전라남도").run()
    sgg_opts = at.selectbox(key="w_sgg").options
    assert "전라남도 나주시" in sgg_opts and len(sgg_opts) == 1 + 22
    assert not any("해운대구" in o for o in sgg_opts)
    # a 권역 that excludes the chosen 시도 resets it
    at.selectbox(key="w_group").select("수도권").run()
    assert at.selectbox(key="w_sido").value in ("", "전체")


def test_specialty_and_type_filters_reach_every_view(records):
    at = run_app()
    at.selectbox(key="w_spec").select("제조 (영남)").run()
    n = expected_count(records, specialty="manufacturing", year=2024)
    assert metric(at, "기록 수") == str(n)
    assert len(at.dataframe[-1].value) == n  # the record table shows the same selection
    assert at.query_params["spec"] == "manufacturing"


def test_presets_one_click_each(records):
    at = run_app()
    at.button(key="preset_sv2024").click().run()
    assert at.query_params["type"] == "smart_village" and "year" not in at.query_params  # 2024 = the opening year
    assert at.radio(key="w_level").value == "sigungu"
    assert metric(at, "기록 수") == str(expected_count(records, program_type="smart_village", year=2024))
    at.button(key="preset_districts").click().run()
    assert metric(at, "기록 수") == str(expected_count(records, program_type="innovation_district"))
    assert at.query_params["year"] == "all"  # lifetime totals: every year, said in the link
    at.button(key="preset_budget").click().run()
    assert at.selectbox(key="w_metric").value == "budget_2024_national"
    at.button(key="preset_ai").click().run()
    assert at.radio(key="w_level").value == "sido"
    assert at.query_params["type"] == "ai_convergence"


def test_query_params_round_trip():
    state = view.ViewState(
        lang="en", level="sigungu", metric="records", region_group="호남권", sido_code="46",
        specialty="agriculture", year=2024, selected="46170",
    )  # fmt: skip
    q = view.to_query(state)
    again, ignored = view.from_query(q)
    assert again == state and not ignored
    at = run_app(**q)
    assert at.radio(key="w_lang").value == "en"
    assert at.radio(key="w_level").value == "sigungu"
    assert at.selectbox(key="w_group").value == "호남권"
    assert at.selectbox(key="w_sido").value == "46"
    assert at.selectbox(key="w_spec").value == "agriculture"
    assert dict(at.query_params.items()) == q  # the page writes back the same link
    assert any("Selected region: Naju-si" in s.value for s in at.subheader)


def test_bad_query_values_are_ignored_and_named():
    at = run_app(group="화성권", year="1999", level="sido")
    warning = " ".join(w.value for w in at.warning)
    assert "group=화성권" in warning and "year=1999" in warning
    assert at.selectbox(key="w_group").value == ""


def test_language_switch_changes_every_label():
    at = run_app()
    at.radio(key="w_lang").set_value("en").run()
    assert at.title[0].value == "Korea Regional Digital Innovation Map"
    assert [m.label for m in at.metric] == ["2024 national budget", "Records", "Local governments reached"]
    assert f"Smart Village 2024: {sv_tasks(2024)} of 99 tasks itemized" in " ".join(i.value for i in at.info)
    args = map_args(at)
    assert "2024 national budget" in args["feature_group"] or "2024 national budget" in args["layer_control"]
    labels = [s.label for s in at.selectbox]
    assert not any(re.search("[가-힣]", label) and "(" not in label for label in labels), labels


def _csv_rows(rows: list[dict]) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(programs.COLUMNS))
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _real_row(row_id: str) -> dict:
    with open(programs.DATA_FILE, encoding="utf-8-sig", newline="") as f:
        return next(r for r in csv.DictReader(f) if r["id"] == row_id)


# the markers' column "name" (markers.point_columns): a JSON array of strings (escapes included)
NAME_FIELD = r'"name":\[((?:"(?:[^"\\]|\\.)*"|null|,)*)\]'


def test_upload_good_file_adds_rows_for_the_session(records):
    row = _real_row("SV-2024-08") | {"id": "UP-1", "name_ko": HOSTILE, "name_en": HOSTILE}
    at = run_app(year="all")
    at.file_uploader[0].upload("mine.csv", _csv_rows([row]), "text/csv").run()
    assert not at.exception
    assert metric(at, "기록 수") == f"{len(records) + 1:,}"
    status = [s.value for s in at.sidebar.success] + [w.value for w in at.sidebar.warning]
    assert any("mine.csv" in s and "1행 사용" in s and "0행 거부" in s for s in status)
    # the hostile name reaches the map only escaped
    fg = map_args(at)["feature_group"]
    # Accessible names (markers' "name", the choropleth's A table) are plain text that kdim.js
    # sets with setAttribute('aria-label'), never parsed as HTML: they carry the name as typed.
    names = [n for col in re.findall(NAME_FIELD, fg) for n in json.loads(f"[{col}]") if n]
    assert any(HOSTILE in n for n in names)
    fg = re.sub(NAME_FIELD, "", fg)
    fg = re.sub(r"var A = \{.*?\};\n", "", fg)
    decoded = fg.replace("\\u003c", "<").replace("\\u003e", ">").replace("\\u0026", "&")
    assert HOSTILE not in decoded and "&lt;img src=x onerror=alert(1)&gt;" in decoded
    # the repository's data is untouched
    assert "UP-1" not in programs.DATA_FILE.read_text(encoding="utf-8")
    at.radio(key="w_upload_mode").set_value("replace").run()
    assert metric(at, "기록 수") == "1"


def test_upload_bad_file_lists_problems_and_keeps_good_rows(records):
    good = _real_row("SV-2024-10") | {"id": "UP-GOOD"}
    bad = _real_row("SV-2024-10") | {"id": "UP-BAD", "sigungu": "없는구", "life_total": "-5"}
    at = run_app(year="all")
    at.file_uploader[0].upload("bad.csv", _csv_rows([good, bad]), "text/csv").run()
    assert not at.exception
    assert metric(at, "기록 수") == f"{len(records) + 1:,}"
    frames = [d.value for d in at.sidebar.dataframe]
    issues = frames[-1]
    errors = issues[issues["severity"] == "error"]
    assert set(errors["row"]) == {3}
    assert any("없는구" in str(m) and "closest valid names" in str(m) for m in errors["message"])
    assert {"sigungu", "life_total"} <= set(errors["column"])


def test_upload_over_the_size_limit_is_refused():
    at = run_app()
    big = b"id\n" + b"x" * (6 * 1024 * 1024)
    at.file_uploader[0].upload("huge.csv", big, "text/csv").run()
    assert not at.exception
    assert any("huge.csv" in e.value and "5 MB" in e.value for e in at.sidebar.error)


def test_briefing_mode_writes_the_filter_in_words():
    at = run_app(group="호남권", brief="1")
    md = " ".join(m.value for m in at.markdown)
    assert 'class="kdim-brief-title"' in md and "권역: 호남권" in md
    assert at.button(key="exit_brief")  # the sidebar is hidden by briefing.css: tests/e2e checks what Chromium shows
    at.button(key="exit_brief").click().run()
    assert "brief" not in at.query_params


def test_missing_data_file_is_reported_and_the_app_runs(tmp_path, monkeypatch):
    monkeypatch.setattr(programs, "DATA_FILE", tmp_path / "programs.csv")
    dataset.clear()
    try:
        at = AppTest.from_file(APP, default_timeout=90)
        at.run()
        assert not at.exception
        text = " ".join(e.value for e in at.error)
        assert "programs.csv" in text and "python -m geo validate" in text
        assert metric(at, "기록 수") == "0"
    finally:
        dataset.clear()


def test_an_uploaded_file_name_is_shown_as_literal_text():
    """A name is the user's text: no link, emphasis, math or HTML made from it in the messages."""
    name = "[x](javascript:alert(1)) *b* $1$ <img src=x>.csv"
    at = run_app()
    at.file_uploader[0].upload(name, b"not,a,programs,file\n1,2,3,4\n", "text/csv").run()
    assert not at.exception
    shown = [m.value for m in (*at.sidebar.warning, *at.sidebar.success, *at.sidebar.error)]
    assert shown and all("](javascript" not in m for m in shown), shown
    assert any(r"\[x\]\(javascript:alert\(1\)\) \*b\* \$1\$ \<img src=x\>.csv" in m for m in shown), shown
