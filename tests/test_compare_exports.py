"""Two years compared, in the exports: the PNG/PDF sheet, the deck and the HTML page draw the change
map the page draws (geo.compare), not the later year's map under a "2023 → 2024" filter line."""

from __future__ import annotations

import io
import math
import re
import subprocess

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from pptx import Presentation

from geo import briefing, compare, dataset, deck, export, maps, view
from geo.briefing.style import ACCENT
from geo.maps.classes import class_of, classify_change
from geo.maps.style import BRBG_FALL, BRBG_RISE, YLGNBU
from geo.view import ViewState
from ui.exports import briefing_arguments, export_html


def _text(pdf: bytes) -> str:
    """The PDF's text in drawing order (-raw keeps a wrapped note together; -layout interleaves the map's labels)."""
    out = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True)
    return re.sub(r"\s+", " ", out.stdout.decode("utf-8"))


@pytest.fixture(scope="module")
def data() -> dataset.DataSet:
    return dataset.bundled()


def _state(lang: str = "ko", **kw: object) -> ViewState:
    return view.consistent(ViewState(lang=lang, year=2024, compare_year=2023, **kw))


@pytest.mark.parametrize(("level", "metric"), [("sido", "budget_2024_national"), ("sigungu", "records")])
def test_the_sheet_classes_the_change_as_the_web_map(data: dataset.DataSet, level: str, metric: str) -> None:
    state = _state(level=level, metric=metric)
    sheet = briefing.sheet_data(
        data.records, state.filters(), level=level, metric=metric, lang="ko", settings=maps.MapSettings(),
        layers=("districts",), reconciliation=data.reconciliation, compare_year=2023,
    )  # fmt: skip
    change = compare.compare(data.records, state).change.set_index("code")["value"]
    present = change.dropna()
    assert len(present) > 5 and (present > 0).any() and (present < 0).any()
    assert sheet.cls.bins == classify_change(present.tolist(), 3, "natural_breaks")
    for code, v in present.items():
        assert sheet.cls.fill[code] == sheet.cls.bins[class_of(v, sheet.cls.bins)].colour, code
    assert set(sheet.cls.nodata) == set(maps.layer_codes(level)) - set(present.index)
    # the key figures are 2024's; the earlier year's are those of the records running in 2023
    cmp = compare.compare(data.records, state)
    assert sheet.figs.n_records == len(cmp.records_after)
    assert sheet.figs_before is not None and sheet.figs_before.n_records == len(cmp.records_before)
    assert len(cmp.records_before) != len(cmp.records_after)


def test_a_comparison_needs_two_different_years(data: dataset.DataSet) -> None:
    for filters in ({}, {"year": 2023}):
        with pytest.raises(ValueError, match="needs another year"):
            briefing.briefing_png(data.records, filters, level="sido", compare_year=2023)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_pdf_of_a_comparison_says_what_changed(data: dataset.DataSet, lang: str) -> None:
    state = _state(lang, level="sido", metric="records")
    kwargs = briefing_arguments(state, data.reconciliation)
    assert kwargs["compare_year"] == 2023
    text = _text(briefing.briefing_pdf(data.records, **kwargs))
    assert compare.title(state) in text
    assert view.filter_words(state) in text  # 연도: 2023 → 2024
    assert compare.label(state) in text  # the legend: 기록 수 변화 (2023→2024)
    cmp = compare.compare(data.records, state)
    rises = cmp.change["value"][cmp.change["value"] > 0]
    assert f"+{maps.fmt_number(rises.max())}" in text  # a signed class range
    before = f"{maps.fmt_number(len(cmp.records_before))}{'건' if lang == 'ko' else ''}"
    delta = maps.fmt_signed(len(cmp.records_after) - len(cmp.records_before))
    assert f"{before} ({delta})" in text
    one_year = _text(briefing.briefing_pdf(data.records, **{**kwargs, "compare_year": None}))
    assert compare.label(state) not in one_year and "2023 → 2024" not in one_year


def test_the_png_of_a_comparison_is_filled_brown_and_teal(data: dataset.DataSet) -> None:
    state = _state(level="sido", metric="records")
    kwargs = briefing_arguments(state, data.reconciliation)

    def share(png: bytes, palette: set[str]) -> float:
        px = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3)
        want = np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in palette])
        return float((px[:, None, :] == want[None, :, :]).all(axis=2).any(axis=1).mean())

    brbg = set().union(*BRBG_FALL.values(), *BRBG_RISE.values())
    ylgnbu = set().union(*YLGNBU.values()) - brbg - {ACCENT}  # the sheet's accent rule is YlGnBu's darkest blue
    # the one-year sheet as a choropleth (표현: 색; by default its counts are circles)
    fill = maps.MapSettings(scheme=state.scheme, represent="fill")
    sheets = (kwargs, {**kwargs, "compare_year": None, "settings": fill})
    change, year = (briefing.briefing_png(data.records, **k, dpi=60) for k in sheets)
    assert share(change, brbg) > 0.05 and share(change, ylgnbu) < 0.001
    assert share(year, ylgnbu) > 0.05 and share(year, brbg) < 0.001


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_deck_slide_of_a_comparison(data: dataset.DataSet, lang: str) -> None:
    state = _state(lang, level="sigungu", metric="records")
    pptx = deck.deck_pptx(data.records, lang=lang, scenes=[state], reconciliation=data.reconciliation)
    prs = Presentation(io.BytesIO(pptx))
    assert len(prs.slides) == 3  # title, the scene, coverage
    slide = prs.slides[1]
    assert slide.shapes.title.text_frame.text == compare.title(state)
    texts = {s.name: s.text_frame.text for s in slide.shapes if s.has_text_frame}
    assert texts["filters"].endswith(view.filter_words(state))
    assert ("2023년:" if lang == "ko" else "2023:") in texts["budget notes"]
    legend = [n.removeprefix("legend ") for n in texts if n.startswith("legend ")]
    assert any(re.match(r"\+\d", t) for t in legend) and any(t.startswith("\u2212") for t in legend), legend
    pic = next(s for s in slide.shapes if s.shape_type == 13)
    alt = pic._element.nvPicPr.cNvPr.get("descr")
    assert ("청록색은 증가" if lang == "ko" else "teal fills are rises") in alt
    sources = next(s for s in slide.shapes if s.name == "sources")
    for s in slide.shapes:  # the legend, now longer, stays above the sources line
        if s.name.startswith("legend "):
            assert s.top + s.height <= sources.top, s.name


def test_the_html_export_of_a_comparison_is_the_change_map_and_its_table(data: dataset.DataSet) -> None:
    state = _state(level="sido", metric="life_total")
    v = dataset.computed(data, state)
    page = export_html(state, v, data).decode("utf-8")
    assert export.external_refs(page, strict=True) == []
    assert f"<title>{compare.title(state)}</title>" in page
    assert compare.label(state) in page  # the legend of the change
    cmp = compare.compare(data.records, state)
    table = page[page.index('id="kdim-map-table"') :]
    assert table.count("<tr>") == len(cmp.change) + 1  # every region, and the header
    up = int((cmp.change["value"] > 0).sum())
    assert f"증가 {up}곳" in table
    gap = int(cmp.change["value"].isna().sum())
    assert f"변화를 알 수 없는 곳 {gap}곳" in table


def test_the_change_table_escapes_and_signs() -> None:
    frame = pd.DataFrame(
        {"지역": ["<b>x</b>", "y"], "2023": [1.0, math.nan], "2024": [3.5, 2.0], "변화": [2.5, math.nan],
         "기록 2023": [1, 0], "기록 2024": [2, 1]}
    )  # fmt: skip
    html = maps.change_html(frame, lang="ko", title="t")
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert "<td>+2.5</td>" in html and "<td>—</td>" in html
    assert "증가 1곳, 감소 0곳, 변화 없음 0곳" in html
