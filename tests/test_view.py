"""The view state and what it computes: figures, panel, URL, presets, uploads, labels."""

import pandas as pd
import pytest

from geo import coverage, headline, i18n, join, programs, reconcile, view
from geo.view import ViewState
from tests.conftest import sv_tasks


@pytest.fixture(scope="module")
def records():
    return join.attach(programs.load_programs().records)


def test_busan_figures_on_their_own_span(records):
    """부산: 센텀 110 (2023–25) + 영남 share 90 (2024–26) + 블록체인 200 (2024–26), lifetime totals."""
    v = view.compute(records, ViewState(sido_code="26", metric="life_total", selected="26"))
    assert v.kpis["budget"] == "400 억원"
    assert v.kpis["budget_label"] == join.METRICS["life_total"].label_ko
    assert v.panel["name"] == "부산광역시" and v.panel["total"] == 400
    assert set(v.panel["records"]["id"]) >= {"DID-BUSAN-CENTUM", "YN-MFG-BUSAN", "BS-BLOCKCHAIN"}
    # the 2024 amount is a different metric: only the blockchain cluster's 62억 is a 2024 amount
    v24 = view.compute(records, ViewState(sido_code="26", metric="budget_2024_total"))
    assert v24.kpis["budget"] == "62 억원"


def test_record_count_metric_shows_that_years_budget(records):
    """A count of one year's records stands beside that year's 국비, not lifetime totals of other years."""
    v = view.compute(records, ViewState(metric="records", program_type="smart_village", year=2024))
    assert v.kpis["budget_label"] == join.get_metric("budget_2024_national").label_ko
    assert v.kpis["budget_title"] == "2024년 국비"
    assert v.kpis["official"] == "공식 1,039억원 중 1,039억원(100.0%)이 기록으로 확인"  # SV_2024_BUDGET
    assert int(v.kpis["records"]) == len(v.table) == len(v.records)
    assert v.values["value"].sum() == v.values["n_records"].sum()
    # over all years, the lifetime totals, and the title says which years they sum
    v_all = view.compute(records, ViewState(metric="records", program_type="smart_village", year=None))
    assert v_all.kpis["budget_label"] == join.METRICS["life_total"].label_ko
    assert v_all.kpis["budget_title"].startswith("사업기간 총액 (") and "합산)" in v_all.kpis["budget_title"]


def test_opening_view_is_the_latest_official_year(records):
    """One question: the latest year with an official total, its 국비 by 시도, beside that total."""
    assert view.OPENING_YEAR == 2024  # TOTAL_2024_BUDGET is the latest recorded national total
    state = ViewState()
    assert (state.level, state.metric, state.year) == ("sido", "budget_2024_national", 2024)
    assert view.PRESETS["budget"] == state
    v = view.compute(records, state)
    assert v.kpis["budget_title"] == "2024년 국비"
    assert v.kpis["budget"] == "1,699.2 억원"
    assert v.kpis["official"] == "공식 5,770억원 중 1,699.2억원(29.4%)이 기록으로 확인"
    # the figure reconciles to the official total line beside the map
    assert "2024 국비: 공식 5,770억원 중 1,699.2억원이 기록으로 확인됨" in coverage.coverage_lines(records, "ko")
    # and its parts add up: placed on the map + national + coarser + unpublished split = the figure
    parts = [float(n.rsplit(": ", 1)[1].removesuffix(" 억원").replace(",", "")) for n in v.notes]
    assert v.notes[0] == "지도에 배분 (시도 단위): 172.3 억원"
    assert sum(parts) == pytest.approx(1699.2)
    en = view.compute(records, state.replace(lang="en"))
    assert en.kpis["official"] == "1,699.2 of the official 5,770 (KRW 100 million) itemized in records (29.4%)"
    assert "억" not in en.kpis["budget"] + en.kpis["budget_title"] + " ".join(en.notes)
    # a lifetime total is never the default, and a narrowed view has no national total to stand beside
    assert "life" not in state.metric
    assert view.compute(records, state.replace(sido_code="26")).kpis["official"] == ""


def test_opening_year_moves_with_the_official_totals(tmp_path):
    """Recording next year's total moves the opening view to it, with no code change."""
    src = reconcile.OFFICIAL_FILE.read_text(encoding="utf-8")
    row = "TOTAL_2025_BUDGET,합계,Total,2025,national,1,억원,budget,false,https://example.org,x,2025-01-01,\n"
    (tmp_path / "o.csv").write_text(src.rstrip("\n") + "\n" + row, encoding="utf-8")
    assert headline.opening_year(tmp_path / "o.csv") == 2025
    (tmp_path / "none.csv").write_text(src.splitlines()[0] + "\n", encoding="utf-8")
    assert headline.opening_year(tmp_path / "none.csv") is None
    assert headline.opening_year(tmp_path / "missing.csv") is None


def test_national_program_is_not_smeared_over_regions(records):
    v = view.compute(records, ViewState(metric="budget_2024_national", level="sido"))
    assert any(n.startswith("지역 구분 없음") and "217" in n for n in v.notes)
    assert "NAT-BASIC-2024" in set(v.table["id"])


def test_field_chart_pairs_official_and_itemized(records):
    v = view.compute(records, ViewState(lang="en"))
    official = v.by_field[v.by_field["kind"] == "Official"].set_index("field")["value"]
    assert official.to_dict() == {
        "Hubs": 531, "New-technology convergence": 1408, "Community inclusion": 1656, "Digital talent": 2175,
    }  # fmt: skip
    itemized = v.by_field[v.by_field["kind"] == "Itemized in records"].set_index("field")["value"]
    assert (itemized <= official).all()


def test_coverage_lines_in_both_languages(records):
    assert f"스마트빌리지 2024: 과제 99개 중 {sv_tasks(2024)}개 명시" in coverage.coverage_lines(records, "ko")
    assert f"Smart Village 2024: {sv_tasks(2024)} of 99 tasks itemized" in coverage.coverage_lines(records, "en")


def test_url_says_every_year_where_the_opening_view_has_one():
    state = ViewState(year=None, metric="life_total")
    assert view.to_query(state) == {"metric": "life_total", "year": "all"}
    assert view.from_query(view.to_query(state)) == (state, [])
    assert view.to_query(ViewState()) == {}


def test_url_round_trip_and_bad_values():
    state = ViewState(lang="en", level="sigungu", region_group="영남권", sido_code="26", year=2023, briefing=True)
    q = view.to_query(state)
    assert q == {"lang": "en", "level": "sigungu", "group": "영남권", "sido": "26", "year": "2023", "brief": "1"}
    assert view.from_query(q) == (state, [])
    s, ignored = view.from_query({"sido": "전라북도", "sgg": "해운대구", "year": "abc"})
    assert s.sido_code == "52" and s.sigungu_code is None  # 해운대구 is not in 전북: dropped
    assert ignored == ["year=abc"]


def test_representation_in_the_url():
    """Totals are circles unless the URL asks for colours (repr=fill); the default stays out of links."""
    assert ViewState().represent == "circle" and "repr" not in view.to_query(ViewState())
    assert view.to_query(ViewState(represent="fill")) == {"repr": "fill"}
    assert view.from_query({"repr": "fill"}) == (ViewState(represent="fill"), [])
    assert view.from_query({"repr": "pie"}) == (ViewState(), ["repr=pie"])


def test_presets_are_the_four_scenes():
    assert set(view.PRESETS) == {"districts", "ai", "sv2024", "budget"}
    assert view.preset("sv2024", "en") == ViewState(
        lang="en", level="sigungu", metric="records", program_type="smart_village", year=2024
    )


def test_merge_upload_add_replace_and_clash(records):
    raw = programs.load_programs().records
    mine = raw[raw["id"].isin(["SV-2024-08"])].assign(id=["UP-1"])
    both, clash = view.merge_upload(raw, pd.concat([mine, raw.head(1)]), "add")
    assert clash == [raw["id"].iloc[0]] and len(both) == len(raw) + 1
    only, clash = view.merge_upload(raw, mine, "replace")
    assert list(only["id"]) == ["UP-1"] and clash == []
    with pytest.raises(ValueError):
        view.merge_upload(raw, mine, "merge")


def test_every_label_in_both_languages():
    for key, entry in i18n.UI.items():
        assert set(entry) == {"ko", "en"}, key
        assert entry["ko"].strip() and entry["en"].strip(), key


@pytest.mark.parametrize(
    "state",
    [
        ViewState(),
        ViewState(sido_code="26", metric="life_total", level="sigungu"),
        ViewState(region_group="호남권", metric="budget_2024_national"),
        ViewState(program_type="smart_village", year=2024, metric="records", level="sigungu"),
        ViewState(lang="en", specialty="manufacturing"),
    ],
)
def test_briefing_sheet_states_the_same_figures_as_the_page(records, state):
    """The PNG/PDF sheet computes its figures itself; an official must never see two answers."""
    from geo import briefing

    page = view.compute(records, state)
    sheet = briefing.key_figures(records, state.filters(), level=state.level, metric=state.metric, lang=state.lang)
    assert page.kpis["records"] == f"{sheet.n_records:,}"
    assert page.kpis["lgs"] == f"{sheet.n_lgs:,}"
    expected = view.fmt_eok(sheet.budget) + " " + i18n.t("eok", state.lang)
    assert page.kpis["budget"] == (expected if sheet.budget == sheet.budget else i18n.t("kpi_no_amount", state.lang))


def test_map_arguments_carry_the_view_drill_down_and_specialty(records):
    """The page, the HTML export and the warm-up draw from these: the drill-down and the chosen
    권역 specialty reach the map, and the 읍면동 layer only when the view turned it on."""
    from geo import maps

    state = ViewState(level="sigungu", selected="43110", emd=True, specialty="disaster_safety")  # 청주시
    args = view.map_arguments(view.compute(records, state), maps.MapSettings())
    assert args["selected_sigungu"] == "43110"
    assert args["specialties"] == ["disaster_safety"]
    assert (args["level"], args["metric"], args["lang"]) == ("sigungu", view.OPENING_METRIC, "ko")
    assert "오창읍" in maps.render_html(maps.build_map(**args))
    off = view.map_arguments(view.compute(records, state.replace(emd=False)), maps.MapSettings())
    assert off["selected_sigungu"] is None
    assert "오창읍" not in maps.render_html(maps.build_map(**off))


@pytest.mark.parametrize(
    "state",
    [
        ViewState(),
        ViewState(year=None),
        ViewState(program_type="smart_village", year=2024),
        ViewState(region_group="호남권"),
        ViewState(sido_code="26", lang="en"),
        ViewState(field="거점 조성", year=2023),
        ViewState(specialty="manufacturing", year=2019),  # no record: an empty table
    ],
)
def test_table_cut_from_the_versions_table_equals_the_filtered_table(state) -> None:
    """A filter change picks its rows from the data version's whole table (made once per version
    and language): cell for cell and dtype for dtype what record_table of the filtered records gives."""
    from geo import dataset

    data = dataset.bundled()
    assert data.records.attrs.get(view.DATA_VERSION).startswith(data.key + "@")
    filtered = join.apply_filters(data.records, state.filters())
    got = view.compute(data.records, state, coverage=[]).table
    pd.testing.assert_frame_equal(got, view.record_table(filtered, state.lang))
    assert len(got) == len(filtered)


def test_year_filter_reads_the_attached_years_as_the_period_text_says(records) -> None:
    """attach keeps each period's years as columns; active_in gives the same answer without them."""
    raw = records.drop(columns=["start_year", "end_year"])
    assert records["start_year"].notna().sum() > 0
    for year in (2019, 2023, 2024, 2026, 2030):
        with_cols, without = join.active_in(records, year), join.active_in(raw, year)
        assert with_cols.equals(without), year
        assert with_cols.sum() > 0 or year == 2019
