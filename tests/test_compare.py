"""Two years compared (issue 15): the change per region, its classes and words, the URL, the page."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from test_app import map_args, run_app

from geo import compare, dataset, join, maps, view
from geo.maps.classes import class_of, classify_change
from geo.maps.style import BRBG_FALL, BRBG_RISE, BRBG_ZERO
from geo.view import ViewState


@pytest.fixture(scope="module")
def records() -> pd.DataFrame:
    return dataset.bundled().records


def by_hand(records: pd.DataFrame, state: ViewState, year: int, level: str = "sido") -> dict[str, tuple[float, int]]:
    """{code: (value, n)} of the records running in ``year``, summed here without geo.compare."""
    f = join.apply_filters(records, state.replace(year=year, compare_year=None).filters())
    m = compare.metric_in(state.metric, year)
    vals = join.metric_values(f, m)
    out: dict[str, tuple[float, int]] = {}
    for code, v in zip(f[f"at_{level}"], vals, strict=True):
        if not code:
            continue
        total, n = out.get(code, (float("nan"), 0))
        if not pd.isna(v):
            total = v if pd.isna(total) else total + v
        out[code] = (total, n + 1)
    return out


@pytest.mark.parametrize("metric", ["records", "life_total", "budget_2024_national"])
def test_the_change_is_after_minus_before_and_a_missing_amount_is_a_gap(records, metric):
    state = view.consistent(ViewState(metric=metric, year=2024, compare_year=2023))
    cmp = compare.compare(records, state)
    a, b = by_hand(records, state, 2023), by_hand(records, state, 2024)
    assert set(cmp.change["code"]) == set(a) | set(b)
    for r in cmp.change.itertuples():
        (va, na), (vb, nb) = a.get(r.code, (float("nan"), 0)), b.get(r.code, (float("nan"), 0))
        assert (r.n_before, r.n_after) == (na, nb), r.code
        if (na and pd.isna(va)) or (nb and pd.isna(vb)):
            assert pd.isna(r.value), (r.code, "an unpublished amount must not read as a change")
        else:
            assert r.value == pytest.approx((vb if nb else 0) - (va if na else 0)), r.code
    if metric == "records":  # counts are never unknown
        assert cmp.change["value"].notna().all()
        assert cmp.change["value"].sum() == sum(n for _, n in b.values()) - sum(n for _, n in a.values())


def test_annual_budgets_follow_the_year():
    assert compare.metric_in("budget_2024_national", 2023).key == "budget_2023_national"
    assert compare.metric_in("budget_2024_total", 2025).key == "budget_2025_total"
    assert compare.metric_in("life_total", 2023).key == "life_total"
    state = ViewState(metric="budget_2024_national", year=2025, compare_year=2024)
    assert compare.title(state) == "시도별 연간 국비 변화, 2024→2025 (억원)"
    assert (
        compare.title(state.replace(lang="en", metric="records"))
        == "Change in number of records by province, 2024→2025 (records)"
    )


def test_diverging_classes_split_at_zero_and_darken_outwards():
    bins = classify_change([-50, -3, -2, 0, 0, 1, 5, 80, 120])
    assert [b.colour for b in bins] == [*reversed(BRBG_FALL[3]), BRBG_ZERO, *BRBG_RISE[3]]
    assert sum(b.count for b in bins) == 9
    assert all(b.hi < 0 for b in bins[:3]) and bins[3].lo == bins[3].hi == 0 and all(b.lo > 0 for b in bins[4:])
    assert [class_of(v, bins) for v in (-50, -2, 0, 1, 120)] == [0, 2, 3, 4, 6]
    only_rises = classify_change([2, 4])
    assert [b.colour for b in only_rises] == list(BRBG_RISE[2])


def legend_rows(html: str) -> list[str]:
    """The legend's class labels as the browser would read them."""
    m = re.search(r'var HTML = ("\\u003ch4\\u003e.*?");', html)
    assert m, "no legend"
    text = json.loads(m.group(1))
    return re.findall(r'kdim-class"[^>]*><span class="sw"[^>]*></span><span>([^<]*)</span>', text)


def test_the_change_map_has_a_signed_legend_and_both_years_in_its_tooltips(records):
    state = view.consistent(ViewState(metric="records", year=2024, compare_year=2023))
    v = view.compute(records, state)
    cmp = compare.compare(records, state)
    html = maps.render_html(maps.build_map(**compare.map_arguments(v, cmp, maps.MapSettings())))
    rows = legend_rows(html)
    assert rows and any(r.startswith("+") for r in rows)
    assert "기록 수 변화 (2023→2024)" in html
    assert "조건: 연도: 2023 → 2024\\u003c/div" in html  # the title block names both years, not 2024 alone
    busan = cmp.change.set_index("code").loc["26"]
    assert f"2023: 기록 {busan.n_before}건" in html and f"2024: 기록 {busan.n_after}건" in html


def test_side_by_side_maps_share_one_set_of_classes(records):
    state = view.consistent(ViewState(metric="life_total", year=2024, compare_year=2023, side_by_side=True))
    v = view.compute(records, state)
    cmp = compare.compare(records, state)
    legends = []
    for which, year in (("before", 2023), ("after", 2024)):
        args = compare.map_arguments(v, cmp, maps.MapSettings(), which)
        html = maps.render_html(maps.build_map(**args))
        assert f"{year}년 시도별" in args["title"] and args["filters"].year == year
        legends.append([re.sub(r"\s*\(\d+\)$", "", r) for r in legend_rows(html)])
    assert legends[0] == legends[1]  # same ranges, same colours: a colour means one amount on both


@pytest.mark.parametrize(
    ("metric", "lang", "want"),
    [
        ("budget_2024_national", "ko", "시도별 연간 국비 (억원): 2023 · 2024"),
        ("budget_2024_national", "en", "Annual national budget by province (KRW 100 million): 2023 · 2024"),
        ("records", "ko", "시도별 기록 수 (건): 2023 · 2024"),
        ("records", "en", "Number of records by province (records): 2023 · 2024"),
    ],
)
def test_two_years_side_by_side_are_titled_by_what_both_show(metric, lang, want):
    """Issue 29 part 5: one title above both maps names what they show and both years; not a
    change ("변화"), which neither map draws."""
    state = ViewState(metric=metric, lang=lang, year=2024, compare_year=2023, side_by_side=True)
    assert compare.side_title(state) == want
    assert "변화" not in compare.side_title(state) and "Change" not in compare.side_title(state)
    assert "변화" in compare.title(state) or "Change" in compare.title(state)  # the change map's own title


@pytest.mark.parametrize("represent", ["fill", "circle"])
def test_the_shared_legend_has_each_maps_rows_once_and_both_years_sources(records, represent):
    """The one legend below the two maps: the rows of each in-map legend (same classes or the
    same reference circles), no count per class (they differ by year), no single year in its
    title; the one source line names both years' sources."""
    state = view.consistent(ViewState(year=2024, compare_year=2023, side_by_side=True, represent=represent))
    v = view.compute(records, state)
    cmp = compare.compare(records, state)
    settings = maps.MapSettings(represent=represent)
    shared = compare.side_legend(v, cmp, settings)
    assert shared.startswith('<p class="kdim-lg-title">연간 국비 (억원)</p>'), shared[:80]
    assert "<h4>" not in shared and '<span class="n">' not in shared
    for which in ("before", "after"):
        html = maps.render_html(maps.build_map(**compare.map_arguments(v, cmp, settings, which)))
        legend = json.loads(re.search(r'var HTML = ("\\u003ch4\\u003e.*?");', html).group(1))
        inner = re.sub(r' <span class="n">\(\d+\)</span>', "", legend.split("</h4>", 1)[1])
        # a layer off in the map's switch (no program type) is not in the shared legend, which
        # cannot follow the switch; its rows, and a separator left with no row, are all that differ
        inner = re.sub(r'<div class="row kdim-lg-\w+" hidden>.*?</span></div>', "", inner)
        inner = inner.removesuffix('<div class="sep"></div>')
        assert shared.split("</p>", 1)[1] == inner  # the same rows (this view has 'no data' in both years)
    if represent == "circle":
        assert shared.count('class="kdim-ref"') == 3
    else:
        assert shared.count("kdim-class") >= 3
    hosts = set(maps.source_hosts(cmp.records_before)) | set(maps.source_hosts(cmp.records_after))
    source = compare.side_source(cmp, "ko")
    assert source.startswith("자료: 사업: ") and "경계:" in source
    assert len(hosts) > len(maps.source_hosts(cmp.records_after))  # 2023 adds sources the 2024 map alone lacks
    assert f"외 {len(hosts) - 8}건" in source


def test_the_url_keeps_both_years_and_drops_a_comparison_without_a_year():
    state, ignored = view.from_query({"year": "2024", "vs": "2023", "side": "1"})
    assert (state.year, state.compare_year, state.side_by_side, ignored) == (2024, 2023, True, [])
    assert view.to_query(state) == {"vs": "2023", "side": "1"}  # 2024 is the opening view's year
    assert view.from_query({"vs": "2023"})[0].year == 2024  # the opening year, against 2023
    assert view.from_query({"year": "all", "vs": "2023"})[0].compare_year is None  # no year to compare it with
    assert view.from_query({"year": "2024", "vs": "2024"})[0].compare_year is None
    assert view.from_query({"year": "2024", "vs": "abc"})[1] == ["vs=abc"]


def test_the_filter_line_names_both_years_of_a_comparison():
    s, _ = view.from_query({"year": "2024", "vs": "2023", "group": "호남권"})
    assert view.filter_words(s) == "권역: 호남권 · 연도: 2023 → 2024"
    assert view.filter_words(s.replace(lang="en")) == "region: Honam · year: 2023 → 2024"
    assert view.filter_words(s.replace(compare_year=None)) == "권역: 호남권 · 연도: 2024"


def test_the_page_draws_the_change_and_the_two_years(records):
    at = run_app(year="2024", vs="2023", metric="life_total")
    assert not at.error
    assert at.query_params["vs"] == "2023"
    args = map_args(at)
    assert "사업기간 총액 (발표 기준) 변화 (2023→2024)" in args["feature_group"]
    deltas = [m.proto.delta for m in at.metric]
    state = view.consistent(ViewState(year=2024, compare_year=2023, metric="life_total"))
    after, before = view.compute(records, state), view.compute(records, state.replace(year=2023, compare_year=None))
    want = maps.fmt_signed(after.figures["records"] - before.figures["records"])
    assert any(d.startswith(want + " (2023년 대비)") for d in deltas), deltas
    assert any(df.value.shape[0] == len(compare.compare(records, state).change) for df in at.dataframe)

    at = run_app(year="2024", vs="2023", side="1")
    maps_drawn = [c for c in at.get("component_instance") if c.proto.component_name.endswith("st_folium")]
    assert len(maps_drawn) == 2
    groups = [json.loads(c.proto.json_args)["feature_group"] for c in maps_drawn]
    for g in groups:  # no title or legend box in either map: one title above both, one legend below
        assert "kdim-titlebox" not in g and "kdim-legend" not in g and "kdim-source" not in g
    assert "2023년 국비" in groups[0] and "2024년 국비" in groups[1] and "2024년" not in groups[0]  # each its year
    side_state = ViewState(year=2024, compare_year=2023, side_by_side=True)
    texts = [m.proto.body for m in at.markdown]
    assert any(compare.side_title(side_state) in x for x in texts), texts
    assert sum("kdim-pair-legend" in x for x in texts) == 1
