"""The briefing scenes as a PowerPoint deck (16:9), for officials who brief with slides.

Why a deck and not only the PNG sheet: briefings are given from PowerPoint, and officials edit
the slides. So each part is a real PowerPoint object: titles in title placeholders (outline,
accessibility checker), figures and legend as text, the coverage figures as a table, the map a
picture with alt text for screen readers.

Slides: a title slide; one slide per scene (the presets of ``geo.view.PRESETS`` by default,
or the views the caller passes): the briefing sheet's map panel (``briefing.map_png``, the
same drawing as the sheet), its title, key figures, filters in words, legend and source line;
a last slide with the reconciliation of the official figures, the rows the app shows.

Every number comes from ``geo.briefing`` (``sheet_data``/``key_figures``) or
``geo.reconcile.reconcile``; nothing here adds up records. Text is set in 맑은 고딕 for both the
Latin and the East-Asian typeface (PowerPoint takes Hangul glyphs from ``a:ea``), at sizes
readable from the back of a meeting room: titles 28 pt and up, everything else 14 pt and up.
"""

from __future__ import annotations

import argparse
import io
import math
import time
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.dml import MSO_PATTERN
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Inches, Pt

from geo import coverage, i18n, join, maps, view
from geo.maps.policy import POLICY_COLOUR
from geo.maps.text import t as map_text
from geo.reconcile import reconcile
from geo.slides import CARD, INK, MUTED, add_paragraph, box, rect, set_font, text_height, title
from geo.view import PRESETS, ViewState

if TYPE_CHECKING:  # geo.briefing pulls in matplotlib: imported where a deck is built, so that
    from geo.briefing import SheetData  # every other `python -m geo` command starts without it

SLIDE_W, SLIDE_H = 13.333, 7.5  # inches, 16:9
TITLE_PT, COVER_PT, BODY_PT, SMALL_PT, NUMBER_PT = 28, 40, 16, 14, 24
MAP_DPI = 150  # ≈1030 × 980 px for a 5.4-inch picture: sharp on a 1920×1080 projector, ~250 kB a map
MAP_BOX = (0.4, 1.45, 6.0, 5.4)  # left, top, max width, max height of the map picture (inches)
COL_X, COL_W = 6.55, 6.4  # the text column beside the map
FIGURE_KEYS = ("budget", "records", "lgs")  # the cards, in order (shape names "figure <key>")
SOURCES_Y = 6.88  # top of the sources line (inches); the legend stays above it

TEXT: dict[str, dict[str, str]] = {
    "ko": {
        "shows": "브리핑 장면 {n}개: {names}",
        "built": "작성일 {d}",
        "as_of": "자료 기준일 {d} (사업 기록 출처의 최신 날짜)",
        "col_metric": "항목",
        "col_year": "연도",
        "col_unit": "단위",
        "col_gap": "차이",
        "col_note": "설명",
        "table_note": "기록 합계는 data/programs.csv에 개별로 수록된 금액·건수이며, 차이 = 공식 발표 − 기록 합계. "
        "공식 수치 출처: {hosts}",
        "alt_map": "{title} 지도. {filters}.",
        "alt_classes": " 색이 진할수록 값이 큽니다: {lo}–{hi} {unit}, 값이 있는 지역 {n}곳, 자료 없음(빗금) {nd}곳.",
        "alt_none": " 값이 있는 지역이 없습니다 (모든 지역 자료 없음).",
        "alt_change": " 갈색은 감소, 청록색은 증가, 색이 진할수록 변화가 큽니다: {lo}–{hi} {unit}, "
        "값이 있는 지역 {n}곳, 자료 없음(빗금) {nd}곳.",
        "alt_districts": " 별표: 국가 디지털 혁신지구 {n}곳 ({names}).",
        "alt_villages": " 붉은 점: 스마트빌리지 과제 위치 {n}곳.",
        "alt_specialties": " 색 테두리: 권역별 인공지능 특화 ({names}).",
        "unit_programs": "개",
        "unit_tasks": "개",
        "unit_local governments": "곳",
    },
    "en": {
        "shows": "{n} briefing scenes: {names}",
        "built": "Built {d}",
        "as_of": "Data as of {d} (latest source date of the program records)",
        "col_metric": "Figure",
        "col_year": "Year",
        "col_unit": "Unit",
        "col_gap": "Gap",
        "col_note": "What it means",
        "table_note": "Itemized: amounts and counts recorded one by one in data/programs.csv; gap = official − "
        "itemized. Official figures from: {hosts}",
        "alt_map": "Map: {title}. {filters}.",
        "alt_classes": " Darker fills are higher values: {lo}–{hi} {unit}, {n} regions with a value, {nd} without "
        "data (hatched).",
        "alt_none": " No region has a value (all without data).",
        "alt_change": " Brown fills are falls, teal fills are rises, darker for larger changes: {lo} to {hi} {unit}, "
        "{n} regions with a value, {nd} without data (hatched).",
        "alt_districts": " Stars: {n} national digital innovation districts ({names}).",
        "alt_villages": " Red dots: {n} Smart Village task sites.",
        "alt_specialties": " Coloured outlines: regional AI specialties ({names}).",
    },
}


def say(lang: str, key: str, **kw: Any) -> str:
    """The briefing sheet's words (geo.briefing.text.TEXT): a slide says what the sheet says."""
    from geo.briefing.text import say as sheet_say

    return sheet_say(lang, key, **kw)


def _say(lang: str, key: str, **kw: Any) -> str:
    """The deck's own words (what neither the app nor the sheet says) in a language."""
    s = TEXT[lang][key]
    return s.format(**kw) if kw else s


class UnknownSceneError(ValueError):
    """A scene name that is not a preset: the message lists the valid names."""


# --------------------------------------------------------------------------- scenes


@dataclass(frozen=True)
class Scene:
    """One scene, computed before any slide is laid out: its view, words, numbers and map."""

    state: ViewState
    name: str  # the preset's label, or the title for a view that is not a preset
    title: str
    data: SheetData  # selection, classes, key figures, as the sheet computes them
    png: bytes
    districts: tuple[tuple[float, float, str], ...]  # what the map starred


def scene_states(scenes: Iterable[str | ViewState] | None, lang: str) -> list[ViewState]:
    """The views to show: preset names or ViewStates (default: every preset), in the deck's language."""
    items = list(PRESETS) if scenes is None else list(scenes)
    out = []
    for s in items:
        if isinstance(s, ViewState):
            out.append(s.replace(lang=lang, briefing=False))
        elif s in PRESETS:
            out.append(PRESETS[s].replace(lang=lang))
        else:
            raise UnknownSceneError(f"unknown scene {s!r}; valid scenes: {', '.join(PRESETS)}")
    return out


def scene_name(state: ViewState) -> str:
    """A preset's label (브리핑 장면 button) when the view is one, else its title and filters."""
    from geo.briefing import sheet_title

    for key, preset in PRESETS.items():
        if state.replace(lang=preset.lang, briefing=False) == preset:
            return i18n.t(f"preset_{key}", state.lang)
    if state.compare_year is not None:
        from geo import compare

        return f"{compare.title(state)} — {view.filter_words(state)}"
    heading = sheet_title(level=state.level, metric=state.metric, lang=state.lang, filters=state.filters())
    return f"{heading} — {view.filter_words(state)}"


def scene_layers(state: ViewState) -> tuple[str, ...]:
    """The map's symbol layers, as the web map's scene has them (maps.scene_layers): a scene about
    one kind of program draws that kind's symbols only."""
    return maps.sheet_layers(state.program_type, state.specialty)


def render_scene(
    records: pd.DataFrame, state: ViewState, *, reconciliation: pd.DataFrame | None, dpi: int = MAP_DPI
) -> Scene:
    """A scene's numbers (geo.briefing.sheet_data, as the sheet computes them) and its map picture."""
    from geo import briefing

    data = briefing.sheet_data(
        records, state.filters(), level=state.level, metric=state.metric, lang=state.lang,
        settings=maps.MapSettings(scheme=state.scheme, represent=state.represent), layers=scene_layers(state),
        reconciliation=reconciliation, compare_year=state.compare_year,
    )  # fmt: skip
    png, districts = briefing.map_png(data, dpi=dpi)
    return Scene(state, scene_name(state), data.title(), data, png, tuple(districts))


def alt_text(scene: Scene) -> str:
    """What the map shows, in words, for the picture's alt text (screen readers, the outline)."""
    data, lang = scene.data, scene.state.lang
    text = _say(
        lang, "alt_map", title=scene.title, filters=f"{i18n.t('filters', lang)}: {view.filter_words(scene.state)}"
    )
    cls = data.cls
    if cls.bins:
        fmt = maps.fmt_signed if data.signed else maps.fmt_number
        lo, hi = fmt(cls.bins[0].lo) or "0", fmt(cls.bins[-1].hi) or "0"
        key = "alt_change" if data.signed else "alt_classes"
        text += _say(lang, key, lo=lo, hi=hi, unit=data.unit(), n=len(cls.values), nd=len(cls.nodata))
    else:
        text += _say(lang, "alt_none")
    if scene.districts:
        names = ", ".join(d[2] for d in scene.districts)
        text += _say(lang, "alt_districts", n=len(scene.districts), names=names)
    if n_villages(data):
        text += _say(lang, "alt_villages", n=n_villages(data))
    if data.specialties:
        names = ", ".join(maps.specialty_title(s, lang) for s in maps.SPECIALTIES if s.key in data.specialties)
        text += _say(lang, "alt_specialties", names=names)
    return text


def n_villages(data: SheetData) -> int:
    """Smart Village task sites the map draws as dots (0 when the layer is off)."""
    rows = data.rows if "village" in data.layers else []
    return sum(1 for r in rows if r.get("program_type") == "smart_village" and pd.notna(r.get("lat")))


def data_as_of(records: pd.DataFrame) -> str:
    """The latest publication date among the records' sources (YYYY, YYYY-MM or YYYY-MM-DD)."""
    dates = records["source_date"].dropna().astype(str).str.strip() if "source_date" in records else pd.Series()
    dates = dates[dates != ""]
    return max(dates, key=lambda d: (d + "-99-99")[:10]) if len(dates) else "—"


# --------------------------------------------------------------------------- slides


def _title_slide(prs: Any, lang: str, scenes: Sequence[Scene], records: pd.DataFrame, built: datetime) -> None:
    """The product, what the deck shows, when it was built, how recent the data is, the sources."""
    slide = prs.slides.add_slide(prs.slide_layouts[0])
    title(slide, i18n.t("app_title", lang), COVER_PT, (0.8, 1.3, 11.7, 1.3))
    sub = slide.placeholders[1]
    sub.left, sub.top, sub.width, sub.height = Inches(0.8), Inches(2.8), Inches(11.7), Inches(4.0)
    tf = sub.text_frame
    tf.clear()
    tf.word_wrap = True
    names = " · ".join(s.name for s in scenes)
    add_paragraph(tf, i18n.t("app_subtitle", lang), 20, align=PP_ALIGN.LEFT, space=10)
    add_paragraph(tf, _say(lang, "shows", n=len(scenes), names=names), 18, align=PP_ALIGN.LEFT, space=10)
    add_paragraph(tf, _say(lang, "built", d=built.date().isoformat()), BODY_PT, color=MUTED, align=PP_ALIGN.LEFT)
    add_paragraph(tf, _say(lang, "as_of", d=data_as_of(records)), BODY_PT, color=MUTED, align=PP_ALIGN.LEFT)
    add_paragraph(tf, i18n.t("source_line", lang), SMALL_PT, color=MUTED, align=PP_ALIGN.LEFT)


def _cards(slide: Any, scene: Scene, y: float) -> float:
    """The key figures as three cards (label, large number and unit, a note), worded as the sheet
    words them; returns the next y."""
    lang, figs = scene.state.lang, scene.data.figs
    has_budget = not math.isnan(figs.budget)  # NaN when no record in the selection has an amount
    cards = [
        (say(lang, "budget"), maps.fmt_number(figs.budget) if has_budget else "—", "억원" if has_budget else ""),
        (say(lang, "records"), maps.fmt_number(figs.n_records), say(lang, "records_unit")),
        (say(lang, "lgs"), maps.fmt_number(figs.n_lgs), say(lang, "lgs_unit")),
    ]
    subs = ["" if has_budget else say(lang, "no_amount"), "", say(lang, "lgs_sub", n=figs.n_sido)]
    widths, h, gap = (2.2, 1.7, 2.3), 1.2, 0.1  # the budget and its unit, a count, a count with its 시도
    for i, (label, number, unit) in enumerate(cards):
        x, w = COL_X + sum(widths[:i]) + i * gap, widths[i]
        rect(slide, MSO_SHAPE.RECTANGLE, x, y, w, h, CARD, f"card {label}")
        tf = box(slide, x + 0.05, y + 0.02, w - 0.1, h - 0.04, name=f"figure {FIGURE_KEYS[i]}")
        add_paragraph(tf, label, SMALL_PT, color=MUTED, space=0)
        p = add_paragraph(tf, number, NUMBER_PT if len(number) <= 7 else 20, bold=True, space=0)
        if unit:
            run = p.add_run()
            run.text = f" {unit}"
            set_font(run, SMALL_PT)
        if subs[i]:
            add_paragraph(tf, subs[i], SMALL_PT, color=MUTED, space=0)
    return y + h + 0.1


def legend_rows(scene: Scene) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """The map's key as (kind, colour, label): classes (with region counts) and the map's symbols."""
    from geo.briefing.figures import class_range

    data, lang = scene.data, scene.state.lang
    cls = data.cls
    classes = []
    for b in cls.bins:
        rng = class_range(b, data.signed, lang)
        classes.append(("fill", b.colour, f"{rng} {say(lang, 'regions_n', n=b.count)}"))
    if cls.circles is not None:  # the sizes are in the picture's corner (briefing.draw_map.circle_key)
        classes.append(("dot", maps.CIRCLE_FILL, f"{say(lang, 'valued')} {say(lang, 'regions_n', n=len(cls.fill))}"))
    if cls.nodata or not cls.bins:
        classes.append(
            ("nodata", maps.NODATA_FILL, f"{say(lang, 'nodata')} {say(lang, 'regions_n', n=len(cls.nodata))}")
        )
    if cls.outside:
        classes.append(("fill", maps.OUTSIDE_FILL, say(lang, "outside")))
    symbols = []
    if scene.districts:
        symbols.append(("star", maps.DISTRICT_COLOUR, say(lang, "district")))
    if n_villages(data):
        symbols.append(("dot", maps.VILLAGE_COLOUR, say(lang, "village")))
    for s in maps.SPECIALTIES:
        if s.key in data.specialties:
            symbols.append(("line", s.colour, maps.specialty_title(s, lang)))
    kinds = {"decline": "line", "interest": "dotted"}  # the outlines' solid and dotted black lines
    for key, codes in data.policy_codes.items():
        if codes:
            symbols.append((kinds[key], POLICY_COLOUR, map_text(lang, f"policy_row_{key}", n=len(codes))))
    return classes, symbols


def _legend(slide: Any, scene: Scene, y: float) -> float:
    """The metric (or its change) with its unit, then classes (left) and symbols (right); returns the next y."""
    tf = box(slide, COL_X, y, COL_W, 0.4)
    add_paragraph(tf, scene.data.legend_title(), BODY_PT, bold=True, space=0)
    y += 0.42
    classes, symbols = legend_rows(scene)
    # 0.3 in a row; closer (not under 14 pt text's 0.24 in) when a comparison's classes would reach the sources
    row = min(0.3, max(0.24, (SOURCES_Y - 0.05 - y) / max(len(classes), len(symbols), 1)))
    for col, rows in enumerate((classes, symbols)):
        x = COL_X + col * 3.25
        for i, (kind, colour, label) in enumerate(rows):
            ry = y + i * row
            shape = {"star": MSO_SHAPE.STAR_5_POINT, "dot": MSO_SHAPE.OVAL}.get(kind, MSO_SHAPE.RECTANGLE)
            sw, sh = (0.24, 0.24) if kind in ("star", "dot") else (0.34, 0.08 if kind in ("line", "dotted") else 0.22)
            s = rect(slide, shape, x + (0.34 - sw) / 2, ry + (0.3 - sh) / 2, sw, sh, colour, f"legend {label}")
            if kind == "dotted":  # 관심지역: a dotted black line, as on the map
                s.fill.patterned()
                s.fill.pattern = MSO_PATTERN.DASHED_VERTICAL
                s.fill.fore_color.rgb = RGBColor.from_string(colour.lstrip("#"))
                s.fill.back_color.rgb = RGBColor.from_string("FFFFFF")
            if kind not in ("line", "dotted"):
                s.line.color.rgb = RGBColor.from_string("777777")
                s.line.width = Pt(0.5)
            if kind == "nodata":  # hatched, as on the map
                s.fill.patterned()
                s.fill.pattern = MSO_PATTERN.WIDE_UPWARD_DIAGONAL
                s.fill.fore_color.rgb = RGBColor.from_string(maps.NODATA_HATCH.lstrip("#"))
                s.fill.back_color.rgb = RGBColor.from_string(maps.NODATA_FILL.lstrip("#"))
            tf = box(slide, x + 0.38, ry - 0.04, 2.85, row)
            tf.margin_top = tf.margin_bottom = Emu(0)
            add_paragraph(tf, label, SMALL_PT, space=0)
    return y + row * max(len(classes), len(symbols)) + 0.1


def _scene_slide(prs: Any, scene: Scene) -> None:
    """Title; the map (with alt text) on the left; filters, figures, notes and legend on the right; sources."""
    from geo.briefing.figures import before_note, budget_notes
    from geo.briefing.text import source_words

    lang = scene.state.lang
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    title(slide, scene.title, TITLE_PT, (0.4, 0.25, 12.5, 1.1))
    x, y, max_w, max_h = MAP_BOX
    pic = slide.shapes.add_picture(io.BytesIO(scene.png), Inches(x), Inches(y), height=Inches(max_h))
    if pic.width > Inches(max_w):  # a wider map: fit the width instead
        ratio = Inches(max_w) / pic.width
        pic.width, pic.height = Inches(max_w), int(pic.height * ratio)
    pic.name = f"map {scene.name}"
    pic._element.nvPicPr.cNvPr.set("descr", alt_text(scene))
    tf = box(slide, COL_X, y - 0.05, COL_W, 0.5, name="filters")
    add_paragraph(tf, f"{i18n.t('filters', lang)}: {view.filter_words(scene.state)}", BODY_PT, bold=True, space=0)
    cy = _cards(slide, scene, y + 0.45)
    notes = [*budget_notes(scene.data.figs, scene.data.level, lang), before_note(scene.data), scene.data.policy_line]
    notes = [n for n in notes if n]
    h = max(1.05, 0.1 + sum(text_height(n, COL_W, SMALL_PT) for n in notes))
    tf = box(slide, COL_X, cy, COL_W, h, name="budget notes")
    for note in notes:
        add_paragraph(tf, note, SMALL_PT, color=MUTED, space=0)
    _legend(slide, scene, cy + h)
    tf = box(slide, 0.4, SOURCES_Y, 12.5, 0.6, name="sources")
    add_paragraph(tf, source_words(scene.data.sel, lang, shown=4), SMALL_PT, color=MUTED, space=0)


@dataclass(frozen=True)
class CoverageRow:
    """One row of the coverage table: an official figure and what the records itemize of it."""

    key: str
    metric: str
    year: str
    unit: str
    official: str
    records: str
    gap: str
    note: str  # the app's coverage line for this figure


def coverage_rows(
    records: pd.DataFrame,
    lang: str,
    reconciliation: pd.DataFrame | None = None,
    by_year: dict[int, list[str]] | None = None,
) -> list[CoverageRow]:
    """The official figures the app shows beside the map (coverage.coverage_by_year), one row each.

    ``reconciliation`` and ``by_year`` are the app's cached ``reconcile.reconcile`` table and
    ``coverage.coverage_by_year`` lines (both computed here when None).
    """
    rec = reconcile(records) if reconciliation is None else reconciliation
    by_id = rec.set_index("id")
    rows = []
    for y, lines in (coverage.coverage_by_year(records, lang) if by_year is None else by_year).items():
        keys = [k.format(y=y) for k in coverage.COVERAGE_KEYS if k.format(y=y) in by_id.index]
        for key, line in zip(keys, lines, strict=True):
            r = by_id.loc[key]
            unit = str(r["unit"])
            rows.append(CoverageRow(
                key=key, metric=str(r["metric_ko" if lang == "ko" else "metric_en"]), year=str(r["year"]),
                unit=TEXT[lang].get(f"unit_{unit}", unit), official=view.fmt_eok(float(r["official"])),
                records=view.fmt_eok(float(r["records"])), gap=view.fmt_eok(float(r["gap"])), note=line,
            ))  # fmt: skip
    return rows


def _coverage_slide(prs: Any, records: pd.DataFrame, lang: str, rec: pd.DataFrame, by_year: Any) -> None:
    """The official figures against the records as a PowerPoint table, with where the figures come from."""
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    title(slide, say(lang, "coverage"), TITLE_PT, (0.4, 0.25, 12.5, 1.0))
    rows = coverage_rows(records, lang, rec, by_year)
    widths = [2.6, 0.8, 1.5, 1.1, 1.25, 1.05, 4.2]  # 12.5 in; the unit column holds 'local governments'
    shape = slide.shapes.add_table(len(rows) + 1, len(widths), Inches(0.4), Inches(1.4), Inches(sum(widths)),
                                   Inches(0.45 * (len(rows) + 1)))  # fmt: skip
    shape.name = say(lang, "coverage")
    table = shape.table
    for j, w in enumerate(widths):
        table.columns[j].width = Inches(w)
    header = [_say(lang, k) for k in ("col_metric", "col_year", "col_unit")] + [i18n.t("official", lang),
              i18n.t("itemized", lang), _say(lang, "col_gap"), _say(lang, "col_note")]  # fmt: skip
    cells = [header] + [[r.metric, r.year, r.unit, r.official, r.records, r.gap, r.note] for r in rows]
    for i, values in enumerate(cells):
        for j, value in enumerate(values):
            cell = table.cell(i, j)
            cell.text_frame.clear()
            cell.text_frame.word_wrap = True
            p = cell.text_frame.paragraphs[0]
            if 3 <= j <= 5 and i > 0:
                p.alignment = PP_ALIGN.RIGHT
            run = p.add_run()
            run.text = value
            set_font(run, SMALL_PT, bold=i == 0, color="FFFFFF" if i == 0 else INK)
    hosts = maps.source_hosts(rec[rec["id"].isin([r.key for r in rows])])
    tf = box(slide, 0.4, 6.55, 12.5, 0.85, name="sources")
    add_paragraph(tf, _say(lang, "table_note", hosts=", ".join(hosts) or "—"), SMALL_PT, color=MUTED, space=0)


# --------------------------------------------------------------------------- the deck


def deck_pptx(
    records: pd.DataFrame,
    *,
    lang: str = "ko",
    scenes: Iterable[str | ViewState] | None = None,
    reconciliation: pd.DataFrame | None = None,
    coverage: dict[int, list[str]] | None = None,
    built: datetime | None = None,
    dpi: int = MAP_DPI,
) -> bytes:
    """The briefing deck as .pptx bytes: title slide, one slide per scene, the coverage table.

    ``records``: all records of the session (uploads included), as the PNG sheet takes them;
    ``scenes``: preset names and/or ViewStates (the user's ticked scenes, the current view),
    default every preset; each is shown in ``lang``. ``reconciliation``: the cached
    ``reconcile.reconcile`` table and ``coverage`` the ``coverage.coverage_by_year(records, lang)`` lines
    (the app's ``DataSet.reconciliation`` and ``DataSet.coverage_by_year[lang]``; computed here
    if None). ``built``: the date on the title slide (default now, UTC). Raises
    UnknownSceneError for a name that is not a preset.
    """
    maps.check_lang(lang)
    states = scene_states(scenes, lang)
    records = join.attach(records)  # once, not in every function below (a no-op on attached records)
    rec = reconcile(records) if reconciliation is None else reconciliation
    rendered = [render_scene(records, s, reconciliation=rec, dpi=dpi) for s in states]
    built = built or datetime.now(UTC)
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_W), Inches(SLIDE_H)
    props = prs.core_properties
    props.title, props.language = i18n.t("app_title", lang), "ko-KR" if lang == "ko" else "en-US"
    props.author = props.last_modified_by = i18n.t("app_title", lang)
    props.created = props.modified = built.replace(tzinfo=None)
    props.revision = 1
    _title_slide(prs, lang, rendered, records, built)
    for scene in rendered:
        _scene_slide(prs, scene)
    _coverage_slide(prs, records, lang, rec, coverage)
    buf = io.BytesIO()
    prs.save(buf)
    return same_bytes(buf.getvalue(), built)


def same_bytes(pptx: bytes, when: datetime) -> bytes:
    """The package with every zip entry dated ``when`` (python-pptx stamps the clock time), so the
    same records, scenes and date give the same file, as the PNG and PDF sheets do."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(pptx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6]), src.read(info),
                         compress_type=zipfile.ZIP_DEFLATED)  # fmt: skip
    return out.getvalue()


# --------------------------------------------------------------------------- CLI


def _cli_deck(args: argparse.Namespace) -> int:
    from geo import briefing
    from geo.files import atomic_write  # temporary file beside OUT, renamed: a killed export leaves no half deck
    from geo.programs import load_programs

    t0 = time.perf_counter()
    try:
        states = scene_states(args.scene or None, args.lang)
        data = deck_pptx(load_programs().records, lang=args.lang, scenes=states)
    except (UnknownSceneError, briefing.FontMissingError) as exc:
        print(f"export-deck: {exc}")
        return 2
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(out, data)
    n = len(states) + 2
    print(f"wrote {out}: {n} slides, {len(data) / 1e6:.2f} MB, {time.perf_counter() - t0:.1f} s")
    return 0


def register_cli(sub: argparse._SubParsersAction) -> None:
    """`python -m geo export-deck OUT.pptx [--lang en] [--scene NAME ...]`."""
    p = sub.add_parser(
        "export-deck",
        help="write the briefing scenes as a PowerPoint deck (16:9)",
        description="Write a .pptx: a title slide, one slide per briefing scene (map, figures, filters, "
        "legend, sources) and the coverage of the official figures as a table.",
    )
    p.add_argument("out", metavar="OUT.pptx")
    p.add_argument("--lang", choices=maps.LANGS, default="ko")
    p.add_argument(
        "--scene",
        action="append",
        choices=list(PRESETS),
        metavar="NAME",
        help=f"a scene to include, repeatable, in order (default: all): {', '.join(PRESETS)}",
    )
    p.set_defaults(func=_cli_deck)
