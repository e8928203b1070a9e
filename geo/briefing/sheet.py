"""The sheet's layout: header, map panel, key figures, coverage, legend, top regions, footer; PNG/PDF.

Each part draws itself at a place on an A4 landscape page (figure fractions); the right-hand
column is laid out top-down, each part returning where the next one starts.
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Iterable
from typing import Any

import matplotlib
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.transforms import Bbox

from geo import join, maps, regions, view
from geo.briefing.draw_map import (
    CIRCLE_PT_PER_PX,
    MAP_RECT,
    District,
    map_panel,
    policy_linestyle,
    reference_circles,
    specialty_dash,
)
from geo.briefing.figures import SheetData, before_note, budget_notes, class_range, sheet_data
from geo.briefing.pdffont import use_truetype_fonts
from geo.briefing.style import (
    ACCENT,
    CARD,
    DEFAULT_DPI,
    MUTED,
    PAGE_IN,
    RULE,
    bottom_of,
    draw_text,
    font_paths,
    rc,
    wrap,
)
from geo.briefing.text import say, short_name, source_words, span_words
from geo.maps.policy import CASING, CASING_WEIGHT, POLICY_COLOUR
from geo.maps.text import t as map_text

_RENDER_LOCK = threading.Lock()  # rcParams are process-wide: one briefing renders at a time

X = 0.64  # left edge of the right-hand column
COLUMN = 0.32  # its text width
SWATCH_W, SWATCH_H, ROW = 0.026, 0.022, 0.03  # legend rows
MAP_PAD_IN = 0.02  # map_png's margin around the map frame (inches): keeps the frame's hairline in

# --------------------------------------------------------------------------- header and footer


def _header(fig: Figure, data: SheetData, title: str | None) -> None:
    """The title (the web map's), the filters in words with the metric's span, an accent rule."""
    lang = data.lang
    draw_text(fig, 0.03, 0.945, title or data.title(), 21, bold=True, va="center", gid="briefing-title")
    if data.compare_year is not None:  # "연도: 2023 → 2024", as the page's filter line
        sub = f"{say(lang, 'filters')}: {view.filter_words(data.state())}"
    else:
        words = maps.describe_filters(data.filters, lang)
        sub = f"{say(lang, 'filters')}: " + (" · ".join(words) if words else say(lang, "no_filters"))
    sub += f"   |   {span_words(join.get_metric(data.metric), lang, data.compare_year)}"
    draw_text(fig, 0.03, 0.898, sub, 10.5, color=MUTED, va="center")
    fig.add_artist(Rectangle((0.03, 0.872), 0.945, 0.004, transform=fig.transFigure, color=ACCENT, lw=0))


def _footer(fig: Figure, renderer: Any, data: SheetData) -> None:
    """The sources (the selection's hosts, the boundaries' licence) and the map's name."""
    lang = data.lang
    source = source_words(data.sel, lang)
    fig.add_artist(Rectangle((0.03, 0.052), 0.945, 0.0012, transform=fig.transFigure, color=RULE, lw=0))
    draw_text(fig, 0.03, 0.03, wrap(source, renderer, fig, 7, 0.80), 7, color=MUTED, va="center", gid="briefing-source")
    draw_text(fig, 0.975, 0.03, say(lang, "footer"), 7.5, bold=True, color=ACCENT, ha="right", va="center")


# --------------------------------------------------------------------------- key figures and coverage


def _key_figures(fig: Figure, renderer: Any, data: SheetData) -> float:
    """Three cards (budget, records, local governments) under a heading; returns the next y."""
    lang, figs = data.lang, data.figs
    y = 0.835
    draw_text(fig, X, y, say(lang, "figures"), 12, bold=True, va="top")
    y -= 0.045
    has_budget = not math.isnan(figs.budget)
    cards = [
        (say(lang, "budget"), maps.fmt_number(figs.budget) if has_budget else "—", "억원" if has_budget else ""),
        (say(lang, "records"), maps.fmt_number(figs.n_records), say(lang, "records_unit")),
        (say(lang, "lgs"), maps.fmt_number(figs.n_lgs), say(lang, "lgs_unit")),
    ]
    cw, ch, gap = 0.108, 0.105, 0.0065
    for i, (label, number, unit_s) in enumerate(cards):
        cx = X + i * (cw + gap)
        fig.add_artist(Rectangle((cx, y - ch), cw, ch, transform=fig.transFigure, facecolor=CARD, edgecolor="none"))
        fig.add_artist(Rectangle((cx, y - ch), 0.003, ch, transform=fig.transFigure, color=ACCENT, lw=0))
        draw_text(fig, cx + 0.01, y - 0.014, label, 8.5, color=MUTED, va="top")
        num = draw_text(fig, cx + 0.01, y - 0.064, number, 19 if len(number) <= 7 else 15, bold=True, va="baseline")
        if unit_s:
            nb = num.get_window_extent(renderer).transformed(fig.transFigure.inverted())
            draw_text(fig, nb.x1 + 0.003, y - 0.064, unit_s, 9, va="baseline")
    if not has_budget:
        draw_text(fig, X + 0.01, y - ch + 0.012, say(lang, "no_amount"), 6.8, color=MUTED, va="bottom")
    sub = say(lang, "lgs_sub", n=figs.n_sido)
    draw_text(fig, X + cw + gap + cw + gap + 0.01, y - ch + 0.012, sub, 6.8, color=MUTED, va="bottom")
    return y - (ch + 0.018)


def _budget_notes(fig: Figure, renderer: Any, data: SheetData, y: float) -> float:
    """What the budget adds up, and how much of it the map places at its level; returns the next y."""
    notes = [*budget_notes(data.figs, data.level, data.lang), before_note(data), data.policy_line]
    for note in filter(None, notes):
        t = draw_text(fig, X, y, wrap(note, renderer, fig, 8, COLUMN), 8, color=MUTED, va="top", linespacing=1.3)
        y = bottom_of(t, renderer, fig) - 0.006
    return y - 0.02


def _coverage(fig: Figure, renderer: Any, data: SheetData, y: float) -> float:
    """How much of the official national totals the records itemize; returns the next y."""
    if not data.figs.coverage:
        return y
    draw_text(fig, X, y, say(data.lang, "coverage"), 9.5, bold=True, va="top")
    y -= 0.03
    for line in data.figs.coverage:
        text = "• " + wrap(line, renderer, fig, 8.5, COLUMN)
        t = draw_text(fig, X + 0.008, y, text, 8.5, va="top", linespacing=1.3)
        y = bottom_of(t, renderer, fig) - 0.008
    return y - 0.012


# --------------------------------------------------------------------------- legend


def _swatch(fig: Figure, x: float, y: float, colour: str, **kw: Any) -> None:
    fig.add_artist(
        Rectangle((x, y - SWATCH_H), SWATCH_W, SWATCH_H, transform=fig.transFigure, facecolor=colour,
                  edgecolor="#777777", lw=0.5, **kw)
    )  # fmt: skip


def _legend_circles(fig: Figure, data: SheetData, y: float) -> float:
    """The three reference circles, nested on one baseline, values to the right; returns the next y."""
    scale = data.cls.circles
    if scale is None or not scale.refs:
        return y
    k = CIRCLE_PT_PER_PX / 72  # points → inches
    rmax = scale.radius(scale.refs[0]) * k
    cx = X + 0.005 + rmax / PAGE_IN[0]
    base = y - 2 * rmax / PAGE_IN[1]
    frac = 1 / 72 / PAGE_IN[1]  # points → the page's height fraction
    last = None
    for v, r, top, label in reference_circles(scale, gap_pt=0.016 / frac):
        fig.add_artist(Line2D([cx], [base + r * frac], transform=fig.transFigure, marker="o", markersize=2 * r,
                              lw=0, color=maps.CIRCLE_FILL, alpha=maps.CIRCLE_OPACITY,
                              markeredgecolor=maps.CIRCLE_EDGE))  # fmt: skip
        ty = last = base + label * frac
        fig.add_artist(Line2D([cx, cx + rmax / PAGE_IN[0] + 0.008], [base + top * frac, ty], transform=fig.transFigure,
                              color="#777777", lw=0.5))  # fmt: skip
        draw_text(fig, cx + rmax / PAGE_IN[0] + 0.01, ty, maps.fmt_number(v), 8.5, va="center")
    return min(base, (last or base) - 0.01) - 0.012


def _legend_classes(fig: Figure, data: SheetData, y: float) -> float:
    """One row per class (range, number of regions) or the reference circles and the neutral of a
    valued region, then no data and outside; returns the next y."""
    cls, lang = data.cls, data.lang
    lx = X + 0.005
    n_unit = say(lang, "regions_n", n="{n}")
    rows = []
    if cls.circles is not None:
        y = _legend_circles(fig, data, y)
        rows.append(((maps.VALUED_FILL,), {}, say(lang, "valued"), n_unit.format(n=len(cls.fill))))
    for b in cls.bins:
        rows.append(((b.colour,), {}, class_range(b, data.signed, lang), n_unit.format(n=b.count)))
    if cls.nodata or (not cls.bins and cls.circles is None):
        hatch = {"hatch": "//////", "hatchcolor": maps.NODATA_HATCH}
        rows.append(((maps.NODATA_FILL,), hatch, say(lang, "nodata"), n_unit.format(n=len(cls.nodata))))
    if cls.outside:
        rows.append(((maps.OUTSIDE_FILL,), {}, say(lang, "outside"), None))
    for (colour,), kw, label, count in rows:
        _swatch(fig, lx, y, colour, **kw)
        draw_text(fig, lx + SWATCH_W + 0.01, y - SWATCH_H / 2, label, 9.5, va="center")
        if count is not None:
            draw_text(fig, X + 0.2, y - SWATCH_H / 2, count, 8.5, color=MUTED, va="center")
        y -= ROW
    return y


def _marker_rows(data: SheetData, districts: list[District]) -> list[tuple[str, str]]:
    """The symbols the map shows: district stars, village dots, 특화 outlines (kind, label)."""
    lang = data.lang
    rows = []
    if districts:
        rows.append(("district", say(lang, "district")))
    recs = data.rows
    if "village" in data.layers and any(
        r.get("program_type") == "smart_village" and pd.notna(r.get("lat")) for r in recs
    ):
        rows.append(("village", say(lang, "village")))
    for s in maps.SPECIALTIES:
        if s.key in data.specialties:
            rows.append((s.key, maps.specialty_title(s, lang)))
    for key, codes in data.policy_codes.items():  # 인구감소지역 / 관심지역, only when outlined
        if codes:
            rows.append((f"policy:{key}", map_text(lang, f"policy_row_{key}", n=len(codes))))
    return rows


def _legend_markers(fig: Figure, data: SheetData, districts: list[District], y: float) -> float:
    """A row per symbol on the map, drawn as the map draws it; returns the next y."""
    rows = _marker_rows(data, districts)
    if rows:
        y -= 0.006
    lx = X + 0.005
    for kind, label in rows:
        cx, cy = lx + SWATCH_W / 2, y - SWATCH_H / 2
        if kind == "district":
            mark = Line2D([cx], [cy], transform=fig.transFigure, marker="*", markersize=15,
                          color=maps.DISTRICT_COLOUR, markeredgecolor="white", lw=0)  # fmt: skip
        elif kind == "village":
            mark = Line2D([cx], [cy], transform=fig.transFigure, marker="o", markersize=6.5,
                          color=maps.VILLAGE_COLOUR, markeredgecolor="white", lw=0)  # fmt: skip
        elif kind.startswith("policy:"):
            lw, ls = policy_linestyle(kind.split(":")[1])
            fig.add_artist(Line2D([lx, lx + SWATCH_W], [cy, cy], transform=fig.transFigure, color="#999999",
                                  lw=CASING_WEIGHT * 0.6 + 0.8))  # fmt: skip
            fig.add_artist(Line2D([lx, lx + SWATCH_W], [cy, cy], transform=fig.transFigure, color=CASING,
                                  lw=CASING_WEIGHT * 0.6))  # fmt: skip
            mark = Line2D([lx, lx + SWATCH_W], [cy, cy], transform=fig.transFigure, color=POLICY_COLOUR, lw=lw,
                          linestyle=ls, gid=kind)  # fmt: skip
        else:
            s = next(s for s in maps.SPECIALTIES if s.key == kind)
            dash = specialty_dash(s)
            mark = Line2D([lx, lx + SWATCH_W], [cy, cy], transform=fig.transFigure, color=s.colour,
                          lw=2.2, linestyle=(0, dash) if dash else "solid")  # fmt: skip
        fig.add_artist(mark)
        draw_text(fig, lx + SWATCH_W + 0.01, cy, label, 9, va="center")
        y -= ROW * 0.9
    return y


def _legend(fig: Figure, renderer: Any, data: SheetData, districts: list[District], y: float) -> float:
    """A rule, the metric (or its change) with its unit, the classes and the map's symbols; returns the next y."""
    fig.add_artist(Rectangle((X, y + 0.004), 0.335, 0.0015, transform=fig.transFigure, color=RULE, lw=0))
    y -= 0.012
    title = data.legend_title()
    t = draw_text(
        fig, X, y, wrap(title, renderer, fig, 10, COLUMN, bold=True), 10, bold=True, va="top", linespacing=1.2
    )
    y = bottom_of(t, renderer, fig) - 0.012
    y = _legend_classes(fig, data, y)
    return _legend_markers(fig, data, districts, y)


def _top_regions(fig: Figure, data: SheetData, y: float) -> None:
    """The five highest-valued regions (a comparison: the five largest changes, either way) as
    bars in their class colour, if the column has room."""
    cls, level, lang = data.cls, data.level, data.lang
    unit = data.unit()
    key = (lambda v: v.abs()) if data.signed else None
    top = cls.values.sort_values(ascending=False, kind="stable", key=key).head(5)
    if not len(top) or y - 0.04 - 0.026 * len(top) <= 0.085:
        return
    y -= 0.02
    draw_text(fig, X, y, say(lang, "top_change" if data.signed else "top"), 9.5, bold=True, va="top")
    y -= 0.03
    vmax = float(top.abs().max()) or 1.0
    fmt = maps.fmt_signed if data.signed else maps.fmt_number
    for c, v in top.items():
        nm = regions.name(str(c), lang) if level == "sigungu" else short_name(str(c), level, lang)
        draw_text(fig, X + 0.005, y, nm, 8.5, va="top")
        bw = 0.1 * abs(float(v)) / vmax
        fig.add_artist(
            Rectangle((X + 0.17, y - 0.017), bw, 0.013, transform=fig.transFigure,
                      facecolor=cls.fill.get(str(c), "#41b6c4"), edgecolor="#777777", lw=0.4)
        )  # fmt: skip
        draw_text(fig, X + 0.175 + bw, y - 0.0105, f"{fmt(v) or '0'} {unit}".strip(), 8, color=MUTED, va="center")
        y -= 0.026


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
    compare_year: int | None = None,
) -> Figure:
    """The briefing sheet as a matplotlib Figure (no pyplot); see briefing_png/briefing_pdf.

    Must run inside ``style.rc()`` settings (the public functions do that).
    """
    data = sheet_data(records, filters, level=level, metric=metric, lang=lang, settings=settings, layers=layers,
                      reconciliation=reconciliation, compare_year=compare_year)  # fmt: skip
    font_paths()
    fig = Figure(figsize=PAGE_IN, facecolor="white")
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    _header(fig, data, title)
    fig.set_label(title or data.title())  # the PDF's Title
    districts = map_panel(fig, renderer, data)
    y = _key_figures(fig, renderer, data)
    y = _budget_notes(fig, renderer, data, y)
    y = _coverage(fig, renderer, data, y)
    y = _legend(fig, renderer, data, districts, y)
    _top_regions(fig, data, y)
    _footer(fig, renderer, data)
    return fig


def _render(fmt: str, dpi: int, kwargs: dict[str, Any]) -> bytes:
    font_paths()
    buf = io.BytesIO()
    with _RENDER_LOCK, matplotlib.rc_context(rc()):
        fig = briefing_figure(**kwargs)
        if fmt == "png":
            fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
        else:
            title = kwargs.get("title") or fig.get_label()
            use_truetype_fonts(fig)
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
    compare_year: int | None = None,
    dpi: int = DEFAULT_DPI,
) -> bytes:
    """The one-page briefing sheet (A4 landscape) as PNG bytes, for slides and messages.

    ``records``: all records (the app's session records, uploads included; attached or not);
    ``filters``: a geo.join.Filters (or a mapping of its fields); ``settings``: the web map's
    MapSettings so the class count and scheme match. ``reconciliation``: a cached
    ``geo.reconcile.reconcile`` table (computed here if None). ``compare_year`` (with a year in the
    filters): the sheet of the web map's comparison, the change per region between the years.
    """
    return _render(
        "png",
        dpi,
        dict(records=records, filters=filters, level=level, metric=metric, lang=lang, title=title,
             settings=settings, layers=layers, reconciliation=reconciliation, compare_year=compare_year),
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
    compare_year: int | None = None,
) -> bytes:
    """The same sheet as a one-page vector PDF (A4 landscape) for printing; text stays searchable."""
    return _render(
        "pdf",
        0,
        dict(records=records, filters=filters, level=level, metric=metric, lang=lang, title=title,
             settings=settings, layers=layers, reconciliation=reconciliation, compare_year=compare_year),
    )  # fmt: skip


def map_png(data: SheetData, *, dpi: int = DEFAULT_DPI) -> tuple[bytes, list[District]]:
    """The sheet's map panel alone, cropped to its frame, as PNG; and the districts it starred.

    For slides, which set their own title, figures and legend text beside the picture: the map
    is drawn by the same :func:`map_panel` on the same page geometry, so a slide and the sheet
    of one view show the same map.
    """
    font_paths()
    buf = io.BytesIO()
    with _RENDER_LOCK, matplotlib.rc_context(rc()):
        fig = Figure(figsize=PAGE_IN, facecolor="white")
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        districts = map_panel(fig, FigureCanvasAgg(fig).get_renderer(), data, key=True)
        x, y, w, h = MAP_RECT
        pad = MAP_PAD_IN
        box = Bbox.from_bounds(x * PAGE_IN[0] - pad, y * PAGE_IN[1] - pad, w * PAGE_IN[0] + 2 * pad,
                               h * PAGE_IN[1] + 2 * pad)  # fmt: skip
        fig.savefig(buf, format="png", dpi=dpi, bbox_inches=box, metadata={"Software": None})
    return buf.getvalue(), districts
