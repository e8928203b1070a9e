"""The PowerPoint deck: slides, titles, figures, the coverage table, fonts, alt text, the map, the CLI.

Each deck is built once per module (a map render per scene costs about a second) and read
back with python-pptx; expected values come from geo.briefing / geo.join / geo.view, which
compute what the app and the PNG sheet show, or from the CSV files read with the csv module.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from pptx import Presentation
from pptx.oxml.ns import qn
from pptx.util import Pt

from geo import briefing, cli, coverage, deck, i18n, maps, view
from geo.briefing.draw_map import MAP_RECT
from geo.briefing.sheet import MAP_PAD_IN
from geo.join import attach
from geo.programs import load_programs
from geo.reconcile import reconcile
from tests.conftest import ROOT, raw_programs

LANGS = ("ko", "en")
BUILT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")


@pytest.fixture(scope="module")
def records() -> pd.DataFrame:
    return attach(load_programs().records)


@pytest.fixture(scope="module")
def rec_table(records: pd.DataFrame) -> pd.DataFrame:
    return reconcile(records)


@pytest.fixture(scope="module")
def decks(records: pd.DataFrame, rec_table: pd.DataFrame) -> dict[str, bytes]:
    """The default deck in each language, built once."""
    return {lang: deck.deck_pptx(records, lang=lang, reconciliation=rec_table, built=BUILT) for lang in LANGS}


def _open(data: bytes) -> Any:
    return Presentation(io.BytesIO(data))


def _shape(slide: Any, name: str) -> Any:
    hits = [s for s in slide.shapes if s.name == name]
    assert len(hits) == 1, f"{name!r}: {[s.name for s in slide.shapes]}"
    return hits[0]


def _runs(prs: Any) -> list[tuple[int, bool, Any]]:
    """Every text run of the deck as (slide index, is it in a title placeholder, run)."""
    out = []
    for i, slide in enumerate(prs.slides):
        for shape in slide.shapes:
            frames = []
            if shape.has_text_frame:
                frames.append(shape.text_frame)
            if getattr(shape, "has_table", False):
                frames += [c.text_frame for row in shape.table.rows for c in row.cells]
            is_title = shape.is_placeholder and shape == slide.shapes.title
            out += [(i, is_title, r) for tf in frames for p in tf.paragraphs for r in p.runs]
    return out


def _presets(lang: str) -> list[view.ViewState]:
    return [s.replace(lang=lang) for s in view.PRESETS.values()]


@pytest.mark.parametrize("lang", LANGS)
def test_slide_count_and_size(decks: dict[str, bytes], lang: str) -> None:
    prs = _open(decks[lang])
    assert len(prs.slides) == 1 + len(view.PRESETS) + 1  # title, a slide per preset, coverage
    assert abs(prs.slide_width / prs.slide_height - 16 / 9) < 0.01


@pytest.mark.parametrize("lang", LANGS)
def test_titles_are_in_title_placeholders(decks: dict[str, bytes], lang: str) -> None:
    slides = list(_open(decks[lang]).slides)
    titles = [s.shapes.title.text_frame.text if s.shapes.title is not None else None for s in slides]
    expected_scenes = [
        briefing.sheet_title(level=s.level, metric=s.metric, lang=lang, filters=s.filters()) for s in _presets(lang)
    ]
    assert titles == [i18n.t("app_title", lang), *expected_scenes, briefing.TEXT[lang]["coverage"]]


@pytest.mark.parametrize("lang", LANGS)
def test_key_figures_and_filters_match_the_briefing(
    decks: dict[str, bytes], records: pd.DataFrame, rec_table: pd.DataFrame, lang: str
) -> None:
    slides = list(_open(decks[lang]).slides)[1:-1]
    for slide, state in zip(slides, _presets(lang), strict=True):
        figs = briefing.key_figures(
            records, state.filters(), level=state.level, metric=state.metric, lang=lang, reconciliation=rec_table
        )
        expected = {
            "budget": maps.fmt_number(figs.budget) if figs.budget == figs.budget else "—",
            "records": maps.fmt_number(figs.n_records),
            "lgs": maps.fmt_number(figs.n_lgs),
        }
        for key, number in expected.items():
            paras = _shape(slide, f"figure {key}").text_frame.paragraphs
            assert paras[1].runs[0].text == number, (state, key)
        assert figs.n_records > 0  # every preset shows something
        words = _shape(slide, "filters").text_frame.text
        assert words == f"{i18n.t('filters', lang)}: {view.filter_words(state)}"
        assert _shape(slide, "sources").text_frame.text.startswith(briefing.TEXT[lang]["source"])


@pytest.mark.parametrize("lang", LANGS)
def test_coverage_table_is_the_reconciliation(decks: dict[str, bytes], records: pd.DataFrame, lang: str) -> None:
    slide = list(_open(decks[lang]).slides)[-1]
    tables = [s for s in slide.shapes if getattr(s, "has_table", False)]
    assert len(tables) == 1
    cells = [[c.text_frame.text for c in row.cells] for row in tables[0].table.rows]
    rec = reconcile(records).set_index("id")
    keys = [k.format(y=y) for y in coverage.coverage_years(rec.reset_index()) for k in coverage.COVERAGE_KEYS]
    keys = [k for k in keys if k in rec.index]
    lines = coverage.coverage_lines(records, lang)
    assert len(cells) == 1 + len(keys) == 1 + len(lines)
    assert cells[0][3:5] == [i18n.t("official", lang), i18n.t("itemized", lang)]
    for row, key, line in zip(cells[1:], keys, lines, strict=True):
        r = rec.loc[key]
        assert row[0] == r["metric_ko" if lang == "ko" else "metric_en"]
        assert row[1] == str(r["year"])
        assert row[3:6] == [view.fmt_eok(r["official"]), view.fmt_eok(r["records"]), view.fmt_eok(r["gap"])]
        assert row[6] == line
    # the official figure as the CSV states it (read without the code under test)
    with open(ROOT / "data" / "official_totals.csv", encoding="utf-8-sig", newline="") as fh:
        official = {r["id"]: r["value"] for r in csv.DictReader(fh)}
    first = cells[1 + keys.index("TOTAL_2024_BUDGET")]
    assert first[3].replace(",", "") == official["TOTAL_2024_BUDGET"]


def test_title_slide_dates_and_scenes(decks: dict[str, bytes]) -> None:
    text = _open(decks["ko"]).slides[0].placeholders[1].text_frame.text
    latest = max((r["source_date"] for r in raw_programs() if r["source_date"]), key=lambda d: (d + "-99-99")[:10])
    assert f"자료 기준일 {latest}" in text
    assert "작성일 2026-03-01" in text
    for key in view.PRESETS:
        assert i18n.t(f"preset_{key}", "ko") in text


@pytest.mark.parametrize("lang", LANGS)
def test_fonts_and_sizes(decks: dict[str, bytes], lang: str) -> None:
    """Every run (so every Korean one) carries 맑은 고딕 as latin and ea face; titles ≥ 28 pt, the rest ≥ 14 pt."""
    runs = _runs(_open(decks[lang]))
    korean = [r for _, _, r in runs if HANGUL.search(r.text)]
    assert len(korean) >= 10  # not vacuous: the English deck too has Korean (억원, 국토지리정보원)
    for _i, _t, r in runs:
        rpr = r._r.find(qn("a:rPr"))
        assert rpr.find(qn("a:latin")).get("typeface") == "맑은 고딕", r.text
        assert rpr.find(qn("a:ea")).get("typeface") == "맑은 고딕", r.text
    for _i, is_title, r in runs:
        assert r.font.size is not None and r.font.size >= Pt(28 if is_title else 14), (r.text, r.font.size)
    if lang == "en":  # English labels: a Korean word in a title is a name or a unit, never a label
        titles = [r.text for _, t, r in runs if t]
        assert not any(HANGUL.search(re.sub(r"\(억원\)", "", t)) for t in titles), titles


@pytest.mark.parametrize("lang", LANGS)
def test_pictures_have_alt_text(decks: dict[str, bytes], lang: str) -> None:
    slides = list(_open(decks[lang]).slides)[1:-1]
    for slide, state in zip(slides, _presets(lang), strict=True):
        pics = [s for s in slide.shapes if s.shape_type == 13]
        assert len(pics) == 1
        descr = pics[0]._element.nvPicPr.cNvPr.get("descr")
        title = briefing.sheet_title(level=state.level, metric=state.metric, lang=lang, filters=state.filters())
        assert descr and title in descr and view.filter_words(state) in descr
        for shape in slide.shapes:  # every other shape is text, or marked decorative (rules, swatches)
            if shape.shape_type == 13 or (shape.has_text_frame and shape.text_frame.text.strip()):
                continue
            ext = shape._element.xpath("./p:nvSpPr/p:cNvPr/a:extLst/a:ext/*[local-name()='decorative']")
            assert ext and ext[0].get("val") == "1", shape.name


def test_map_picture_renders_the_map(decks: dict[str, bytes], records: pd.DataFrame, rec_table: pd.DataFrame) -> None:
    """The budget scene's embedded map: its pixel size, and that it is a drawn map, not a blank frame.

    Threshold: fitted to the national extent (Jeju and Ulleungdo included), Korea's land fills
    about a quarter of the frame (0.24 measured for every preset: the land is drawn on all of
    them, hatched where there is no data); a failed or empty render is sea colour and white
    only (≈0). So more than 0.15 of the pixels must be neither, and every class colour of the
    legend must fill some pixels: its totals are circles (the regions with a value a light
    neutral, the circles over them translucent blue).
    """
    index = list(view.PRESETS).index("budget")
    slide = list(_open(decks["ko"]).slides)[1 + index]
    pic = next(s for s in slide.shapes if s.shape_type == 13)
    img = Image.open(io.BytesIO(pic.image.blob)).convert("RGB")
    w_in = MAP_RECT[2] * briefing.PAGE_IN[0] + 2 * MAP_PAD_IN
    h_in = MAP_RECT[3] * briefing.PAGE_IN[1] + 2 * MAP_PAD_IN
    assert abs(img.width - w_in * deck.MAP_DPI) <= 1 and abs(img.height - h_in * deck.MAP_DPI) <= 1, img.size
    assert abs(pic.width / pic.height - img.width / img.height) < 0.01  # placed undistorted
    rgb = np.asarray(img).reshape(-1, 3).astype(np.int64)
    codes, n = np.unique(rgb[:, 0] << 16 | rgb[:, 1] << 8 | rgb[:, 2], return_counts=True)
    counts = Counter({(c >> 16, c >> 8 & 255, c & 255): k for c, k in zip(codes.tolist(), n.tolist(), strict=True)})
    sea = tuple(int(maps.DEFAULT_SETTINGS.sea_colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    blank = counts[sea] + counts[(255, 255, 255)]
    assert 1 - blank / (img.width * img.height) > 0.15
    state = view.PRESETS["budget"]
    data = briefing.sheet_data(records, state.filters(), level=state.level, metric=state.metric, lang="ko",
                               settings=maps.MapSettings(scheme=state.scheme), layers=deck.scene_layers(state),
                               reconciliation=rec_table)  # fmt: skip
    assert data.cls.circles is not None and not data.cls.bins

    def rgb(hex_colour: str) -> np.ndarray:
        return np.array([int(hex_colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)])

    seen = maps.CIRCLE_OPACITY * rgb(maps.CIRCLE_FILL) + (1 - maps.CIRCLE_OPACITY) * rgb(maps.VALUED_FILL)
    assert counts[tuple(rgb(maps.VALUED_FILL).tolist())] > 50
    near = np.abs(np.asarray(img).reshape(-1, 3).astype(float) - seen).max(axis=1) <= 3
    assert int(near.sum()) > 50  # a circle over a valued region
    # the reference circles in the lower right corner (the slide's text legend cannot draw a size):
    # over the key's white box a circle is the fill blended with white, in the sea's corner
    corner = np.asarray(img)[-img.height // 4 :, -img.width // 4 :].reshape(-1, 3).astype(float)
    on_white = maps.CIRCLE_OPACITY * rgb(maps.CIRCLE_FILL) + (1 - maps.CIRCLE_OPACITY) * rgb("#ffffff")
    assert int((np.abs(corner - on_white).max(axis=1) <= 4).sum()) > 500
    _classes, _symbols = deck.legend_rows(deck.Scene(state, "budget", "", data, b"", ()))
    assert ("dot", maps.CIRCLE_FILL) in [(k, c) for k, c, _ in _classes]


def test_same_input_same_bytes(decks: dict[str, bytes], records: pd.DataFrame, rec_table: pd.DataFrame) -> None:
    again = deck.deck_pptx(records, lang="en", reconciliation=rec_table, built=BUILT)
    assert again == decks["en"]


def test_cli_writes_the_deck(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "brief" / "deck.pptx"
    assert cli.main(["export-deck", str(out), "--lang", "en", "--scene", "budget", "--scene", "ai"]) == 0
    prs = Presentation(str(out))
    assert len(prs.slides) == 1 + 2 + 1
    assert prs.slides[1].shapes.title.text_frame.text == briefing.sheet_title(
        level="sido", metric="budget_2024_national", lang="en", filters=view.PRESETS["budget"].filters()
    )
    said = capsys.readouterr().out
    assert "4 slides" in said and " MB" in said and " s" in said
    assert [p.name for p in out.parent.iterdir()] == ["deck.pptx"]  # no temporary file left


def test_cli_bad_scene_exits_2_with_the_valid_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "deck.pptx"
    with pytest.raises(SystemExit) as exc:
        cli.main(["export-deck", str(out), "--scene", "nosuch"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "nosuch" in err and all(name in err for name in view.PRESETS) and "Traceback" not in err
    assert not out.exists()


def test_no_records_still_give_a_deck(records: pd.DataFrame) -> None:
    """An upload that replaced every record with none: the slides say so instead of failing."""
    prs = _open(deck.deck_pptx(records.head(0), scenes=["budget"], built=BUILT))
    assert len(prs.slides) == 3
    budget = _shape(prs.slides[1], "figure budget").text_frame.paragraphs[1].runs[0].text
    records_n = _shape(prs.slides[1], "figure records").text_frame.paragraphs[1].runs[0].text
    assert (budget, records_n) == ("—", "0")
    assert "—" in prs.slides[0].placeholders[1].text_frame.text  # no source date to state


def test_unknown_scene_in_the_function(records: pd.DataFrame) -> None:
    with pytest.raises(deck.UnknownSceneError, match="valid scenes: " + ", ".join(view.PRESETS)):
        deck.deck_pptx(records, scenes=["districts", "nosuch"])
