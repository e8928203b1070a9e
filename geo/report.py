"""Any view as a one-page 한글 (HWPX) 보고서, for officials who write their reports in 한글.

Why a 한글 document: the PNG/PDF sheet and the deck are pictures and slides; a 보고서 is
edited, cut and pasted into a bigger 보고서. So this is a real HWPX document written with
``python-hwpx`` (Apache-2.0, lxml only): text as paragraphs in the 보고서's usual shape
(□ headings, ○ items, - details), the top regions as a table with explicit row heights, the
sheet's map panel (``briefing.map_png``, the drawing the sheet and the deck use) as a picture
with its alt text in the picture's description (``hp:shapeComment``), the legend as text with
coloured symbols, and the source line.

Every number comes from ``geo.briefing`` (``sheet_data``: the selection, classes and
``KeyFigures`` the sheet prints) or ``geo.reconcile``; nothing here adds up records. Text is set
in 함초롬바탕/함초롬돋움, the faces 한글 installs on every government PC. One A4 page, portrait:
the map's height is chosen from how many lines the rest takes (:func:`map_height_mm`).

The document is built by :func:`report_hwpx`, which takes the view arguments the PNG/PDF sheet
takes (``ui.exports.briefing_arguments``); ``python -m geo export-report OUT.hwpx`` writes one.
"""

from __future__ import annotations

import argparse
import io
import math
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from geo import i18n, join, maps, regions, view
from geo.export import add_filter_arguments, state_from_args
from geo.maps.policy import POLICY_COLOUR
from geo.maps.text import t as map_text
from geo.reconcile import reconcile

if TYPE_CHECKING:
    from geo.briefing import SheetData

SERIF, SANS = "함초롬바탕", "함초롬돋움"  # installed with 한글 (Hancom Office) on every government PC
PAGE_MM, MARGIN_MM = (210.0, 297.0), (18.0, 18.0, 14.0, 12.0)  # A4 portrait; left, right, top, bottom
TEXT_W_MM = PAGE_MM[0] - MARGIN_MM[0] - MARGIN_MM[1]
MAP_DPI = 200  # ≈ 1,380 px wide: ≈ 300 dpi at the 100-120 mm it is printed; ≈ 100 kB in 256 colours
MAP_MAX_MM, MAP_MIN_MM = 120.0, 70.0  # the map picture's height
TOP_N = 5  # rows of the top-regions table, as on the sheet
ROW_MM, HEAD_MM = 6.5, 10.5  # row heights, set: a table with default sizes renders rows a few pixels high;
# the header row has room for two lines (the metric's name with its unit)
INK, MUTED = "#1F2A36", "#5B6670"
KST = timezone(timedelta(hours=9), "KST")
# (size pt, font, bold, colour) per kind of line; the line heights (mm) are what a line takes at 160 %
STYLES: dict[str, tuple[float, str, bool, str]] = {
    "title": (18, SANS, True, INK),
    "meta": (10, SANS, False, MUTED),
    "box": (13, SANS, True, INK),  # □
    "item": (11.5, SERIF, False, INK),  # ○
    "detail": (10, SERIF, False, INK),  # -
    "legend": (9, SANS, False, INK),
    "cell": (9.5, SANS, False, INK),
    "head": (9.5, SANS, True, INK),
    "source": (8, SANS, False, MUTED),
}

TEXT: dict[str, dict[str, str]] = {
    "ko": {
        "date": "{y}. {m}. {d}.",
        "made_by": "지방 디지털 혁신 지도",
        "as_of": "자료 기준일 {d}",
        "figures": "주요 수치",
        "budget_line": "{label} {value} ({span})",
        "budget_only": "{label} {value}",
        "count_line": "사업 기록 {n}건, 대상 지자체 {lgs}곳 (시군구 기준, 시도 {sido}곳)",
        "no_budget": "금액이 공개된 기록 없음",
        "coverage": "공식 통계 대비 수록 범위 (전국)",
        "official_from": "공식 수치 출처: {hosts} (data/official_totals.csv)",
        "no_coverage": "이 조건에 해당하는 공식 통계 없음",
        "map": "지도",
        "legend": "범례",
        "top": "상위 지역",
        "top_change": "변화가 큰 지역",
        "no_top": "값이 있는 지역 없음",
        "col_rank": "순위",
        "col_region": "지역",
        "col_records": "사업 기록(건)",
        "col_share": "지도 합계 대비",
        "alt": "{title} 지도. {legend}",
    },
    "en": {
        "date": "{d} {month} {y}",
        "made_by": "Korea Regional Digital Innovation Map",
        "as_of": "data as of {d}",
        "figures": "Key figures",
        "budget_line": "{label}: {value} ({span})",
        "budget_only": "{label}: {value}",
        "count_line": "{n} program records, {lgs} local governments ({sido} provinces)",
        "no_budget": "no record with a published amount",
        "coverage": "Coverage of the official figures (national)",
        "official_from": "Official figures from: {hosts} (data/official_totals.csv)",
        "no_coverage": "no official figure applies to these filters",
        "map": "Map",
        "legend": "Legend",
        "top": "Top regions",
        "top_change": "Largest changes",
        "no_top": "no region has a value",
        "col_rank": "Rank",
        "col_region": "Region",
        "col_records": "Records",
        "col_share": "Share of map total",
        "alt": "Map: {title}. {legend}",
    },
}


def _say(lang: str, key: str, **kw: Any) -> str:
    s = TEXT[lang][key]
    return s.format(**kw) if kw else s


def report_date(when: datetime, lang: str) -> str:
    """The day in Korea (officials' date, whatever the server's clock) as a Korean 보고서 writes it
    (2026. 12. 7.), or in English (7 December 2026)."""
    day = when.astimezone(KST)
    return _say(lang, "date", y=day.year, m=day.month, d=day.day, month=f"{day:%B}")


# --------------------------------------------------------------------------- what the report says


@dataclass(frozen=True)
class LegendItem:
    """One key entry: a symbol drawn in a colour, then its words."""

    symbol: str  # ■ class, ▨ no data, □ outside, ★ district, ● village, ━ 특화 outline
    colour: str
    label: str


@dataclass(frozen=True)
class Content:
    """Everything the page says, computed before any HWPX is written (tests read it directly)."""

    lang: str
    title: str
    meta: list[str]  # date and maker; filters in words with the metric's span; data as of
    lines: list[tuple[str, str]]  # (kind: box/item/detail, text) of the figures and the coverage
    legend_title: str
    legend: list[LegendItem]
    alt: str
    top_heading: str
    table: list[list[str]]  # header row first
    source: str
    built: datetime
    png: bytes = field(repr=False)


def official_hosts(rec: pd.DataFrame, filters: join.Filters) -> list[str]:
    """Where the official figures of the coverage lines were published: the source hosts of the
    rows the sheet's coverage lines read (the year's budget and Smart Village totals, else 2024's;
    the budget unless the view is Smart Village only, Smart Village unless another type)."""
    ids = set(rec["id"])
    year = filters.year or 2024
    wanted = []
    for kind, shown in (("TOTAL_{}_BUDGET", filters.program_type != "smart_village"),
                        ("SV_{}_TASKS", filters.program_type in (None, "smart_village"))):  # fmt: skip
        row = next((k for k in (kind.format(year), kind.format(2024)) if k in ids), None)
        if shown and row is not None:
            wanted.append(row)
    return maps.source_hosts(rec[rec["id"].isin(wanted)])


def figure_lines(data: SheetData, rec: pd.DataFrame) -> list[tuple[str, str]]:
    """The □/○/- lines: the key figures as the sheet words them, then the coverage of the official totals."""
    from geo.briefing.figures import before_note, budget_notes
    from geo.briefing.text import say

    lang, figs = data.lang, data.figs
    lines = [("box", _say(lang, "figures"))]
    if math.isnan(figs.budget):
        lines.append(("item", f"{figs.budget_label}: {_say(lang, 'no_budget')}"))
    else:
        value = f"{maps.fmt_number(figs.budget)}억원"
        if figs.budget_metric == data.metric:  # the header line already gives the metric's span
            lines.append(("item", _say(lang, "budget_only", label=figs.budget_label, value=value)))
        else:
            span = figs.budget_span
            lines.append(("item", _say(lang, "budget_line", label=figs.budget_label, value=value, span=span)))
        lines += [("detail", n) for n in budget_notes(figs, data.level, lang)[1:]]  # [0] is the span, said above
    counts = _say(lang, "count_line", n=maps.fmt_number(figs.n_records), lgs=figs.n_lgs, sido=figs.n_sido)
    lines.append(("item", counts))
    if data.policy_line:  # the view's share in 인구감소지역 against 89 of 229 시군구 (geo/policy_shares.py)
        lines.append(("item", data.policy_line))
    note = before_note(data)
    if note:
        lines.append(("detail", note))
    lines.append(("box", say(lang, "coverage")))
    lines += [("item", c) for c in figs.coverage] or [("item", _say(lang, "no_coverage"))]
    hosts = official_hosts(rec, data.filters) if figs.coverage else []
    if hosts:
        lines.append(("detail", _say(lang, "official_from", hosts=", ".join(hosts))))
    return lines


def legend_items(data: SheetData, districts: int) -> list[LegendItem]:
    """The map's key: classes with their region counts, no data, outside, then the map's symbols."""
    from geo.briefing.figures import class_range
    from geo.briefing.text import say

    lang, cls = data.lang, data.cls
    items = [
        LegendItem("■", b.colour, f"{class_range(b, data.signed, lang)} {say(lang, 'regions_n', n=b.count)}")
        for b in cls.bins
    ]
    if cls.circles is not None:  # the sizes are in the picture's corner (briefing.draw_map.circle_key)
        items.append(
            LegendItem("●", maps.CIRCLE_FILL, f"{say(lang, 'valued')} {say(lang, 'regions_n', n=len(cls.fill))}")
        )
    if cls.nodata or not cls.bins:
        items.append(
            LegendItem("▨", maps.NODATA_HATCH, f"{say(lang, 'nodata')} {say(lang, 'regions_n', n=len(cls.nodata))}")
        )
    if cls.outside:
        items.append(LegendItem("■", maps.OUTSIDE_FILL, say(lang, "outside")))
    if districts:
        items.append(LegendItem("★", maps.DISTRICT_COLOUR, say(lang, "district")))
    if "village" in data.layers and any(
        r.get("program_type") == "smart_village" and pd.notna(r.get("lat")) for r in data.rows
    ):
        items.append(LegendItem("●", maps.VILLAGE_COLOUR, say(lang, "village")))
    items += [
        LegendItem("━", s.colour, maps.specialty_title(s, lang)) for s in maps.SPECIALTIES if s.key in data.specialties
    ]
    marks = {"decline": "━", "interest": "┅"}  # the outlines' solid and dotted black lines
    items += [
        LegendItem(marks[k], POLICY_COLOUR, map_text(lang, f"policy_row_{k}", n=len(codes)))
        for k, codes in data.policy_codes.items()
        if codes
    ]
    return items


def top_table(data: SheetData) -> list[list[str]]:
    """The highest-valued regions (a comparison: the largest changes, either way), as the sheet
    ranks them, with each one's records and share of the mapped total; header row first."""
    lang, cls, level = data.lang, data.cls, data.level
    key = (lambda v: v.abs()) if data.signed else None
    top = cls.values.sort_values(ascending=False, kind="stable", key=key).head(TOP_N)
    fmt = maps.fmt_signed if data.signed else maps.fmt_number
    header = [_say(lang, "col_rank"), _say(lang, "col_region"), data.legend_title()]
    if data.signed:
        return [header] + [
            [str(i), regions.name(str(c), lang), fmt(v) or "0"] for i, (c, v) in enumerate(top.items(), 1)
        ]
    counted = join.get_metric(data.metric).column is None  # the value is already the records' count
    counts = join.aggregate(data.sel, level, data.metric).set_index("code")["n_records"]
    total = float(cls.values.sum())
    rows = [header + ([] if counted else [_say(lang, "col_records")]) + [_say(lang, "col_share")]]
    for i, (c, v) in enumerate(top.items(), 1):
        share = f"{100 * float(v) / total:.1f}%" if total > 0 else "—"
        n = [] if counted else [maps.fmt_number(int(counts.get(str(c), 0)))]
        rows.append([str(i), regions.name(str(c), lang), fmt(v) or "0", *n, share])
    return rows


def content(
    records: pd.DataFrame,
    filters: Any = None,
    *,
    level: str = "sigungu",
    metric: str = maps.DEFAULT_METRIC,
    lang: str = "ko",
    settings: maps.MapSettings = maps.DEFAULT_SETTINGS,
    layers: tuple[str, ...] = ("districts", "village"),
    reconciliation: pd.DataFrame | None = None,
    compare_year: int | None = None,
    built: datetime | None = None,
    dpi: int = MAP_DPI,
) -> Content:
    """What the report of a view says and shows (the sheet's numbers and map), in ``lang``."""
    from geo import briefing
    from geo.briefing.text import source_words, span_words
    from geo.deck import data_as_of

    records = join.attach(records)
    rec = reconcile(records) if reconciliation is None else reconciliation
    data = briefing.sheet_data(
        records, filters, level=level, metric=metric, lang=lang, settings=settings, layers=layers,
        reconciliation=rec, compare_year=compare_year,
    )  # fmt: skip
    png, districts = briefing.map_png(data, dpi=dpi)
    png = compact_png(png)
    built = built or datetime.now(UTC)
    state = data.state()
    span = span_words(join.get_metric(metric), lang, compare_year)
    meta = [
        f"{report_date(built, lang)}  {_say(lang, 'made_by')}",
        f"{i18n.t('filters', lang)}: {view.filter_words(state)}  |  {span}",
        _say(lang, "as_of", d=data_as_of(records)),
    ]
    legend = legend_items(data, len(districts))
    words = "; ".join(f"{x.symbol} {x.label}" for x in legend)
    return Content(
        lang=lang,
        title=data.title(),
        meta=meta,
        lines=figure_lines(data, rec),
        legend_title=data.legend_title(),
        legend=legend,
        alt=_say(lang, "alt", title=data.title(), legend=f"{data.legend_title()}: {words}"),
        top_heading=_say(lang, "top_change" if data.signed else "top"),
        table=top_table(data),
        source=source_words(data.sel, lang, shown=6),
        built=built,
        png=png,
    )


def compact_png(png: bytes) -> bytes:
    """The map in 256 colours, not dithered: a third of the bytes, no difference to see (its fills
    are flat; only the anti-aliased edges and labels have more colours). The site holds one per
    scene and language, and a 보고서 is mailed around."""
    from PIL import Image

    buf = io.BytesIO()
    im = Image.open(io.BytesIO(png)).convert("RGB")
    im.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(buf, "PNG", optimize=True)
    return buf.getvalue()


# --------------------------------------------------------------------------- the page


def map_height_mm(c: Content) -> float:
    """The map's height: what the page has left once the text and the table take their lines.

    Line heights are estimated at 160 % line spacing with a character width of about one em for
    Hangul and half for the rest; the estimate errs long, so the page never spills onto a second.
    """

    def lines_of(text: str, pt: float, indent_mm: float = 0.0) -> int:
        em = pt * 0.3528  # mm
        width = sum(em if ord(ch) > 0x2E80 else em * 0.55 for ch in text)
        return max(1, math.ceil(width / (TEXT_W_MM - indent_mm - 2)))

    def height(kind: str, text: str, indent: float = 0.0) -> float:
        pt = STYLES[kind][0]
        return lines_of(text, pt, indent) * pt * 0.3528 * 1.6 + (2.5 if kind == "box" else 0.8)

    used = height("title", c.title) + 3 + sum(height("meta", m) for m in c.meta) + 3
    used += sum(height(kind, text, {"item": 6, "detail": 12}.get(kind, 0)) for kind, text in c.lines)
    legend = f"{c.legend_title}: " + "  ".join(f"{x.symbol} {x.label}" for x in c.legend)
    used += height("legend", legend) + 2
    used += height("box", c.top_heading) + HEAD_MM + (len(c.table) - 1) * ROW_MM + 3
    used += height("source", c.source) + 2
    room = PAGE_MM[1] - MARGIN_MM[2] - MARGIN_MM[3] - used - 2  # 2 mm to spare
    return max(MAP_MIN_MM, min(MAP_MAX_MM, room))


class _Writer:
    """The document and its character/paragraph shapes, made once per kind of line."""

    def __init__(self) -> None:
        from hwpx import HwpxDocument

        self.doc = HwpxDocument.new()
        self.doc.page.setup(
            width_mm=PAGE_MM[0], height_mm=PAGE_MM[1], margin_left_mm=MARGIN_MM[0], margin_right_mm=MARGIN_MM[1],
            margin_top_mm=MARGIN_MM[2], margin_bottom_mm=MARGIN_MM[3], header_margin_mm=0, footer_margin_mm=0,
        )  # fmt: skip
        for face in (SERIF, SANS):
            self.doc.styles.ensure_font(face)
        self.runs: dict[tuple[str, str | None], str] = {}

    def run(self, kind: str, colour: str | None = None) -> str:
        """The charPr id of a kind of line (optionally in another colour)."""
        key = (kind, colour)
        if key not in self.runs:
            size, face, bold, ink = STYLES[kind]
            self.runs[key] = self.doc.styles.ensure_run(font=face, size=size, bold=bold, color=colour or ink)
        return self.runs[key]

    def fmt(self, paragraph: Any, **kw: Any) -> None:
        """Line spacing 160 % (한글's default), left-aligned unless said otherwise (justified English
        spreads its words apart)."""
        kw.setdefault("alignment", "LEFT")
        self.doc.styles.apply_paragraph_format(paragraphs=[paragraph], line_spacing_percent=160, **kw)

    def para(self, kind: str, text: str, **kw: Any) -> Any:
        p = self.doc.add_paragraph(text, char_pr_id_ref=self.run(kind), inherit_style=False)
        self.fmt(p, **kw)
        return p


def _hwp(mm: float) -> int:
    """Millimetres in HWPUNIT (1/7200 inch)."""
    return round(mm * 7200 / 25.4)


_INDENT = {"box": (0.0, 1.5), "item": (4.0, 0.4), "detail": (9.0, 0.2)}  # left indent mm, space before pt
_MARK = {"box": "□ ", "item": "○ ", "detail": "- "}


def _write_lines(w: _Writer, c: Content) -> None:
    for kind, text in c.lines:
        left, before = _INDENT[kind]
        w.para(kind, _MARK[kind] + text, indent_left_mm=left, spacing_before_pt=before * 4)


def _write_map(w: _Writer, c: Content) -> None:
    """The map picture (centred, its alt text in the description) and the legend under it."""
    from PIL import Image

    px_w, px_h = Image.open(io.BytesIO(c.png)).size
    h = map_height_mm(c)
    pic = w.doc.add_picture(c.png, "png", width_mm=h * px_w / px_h, height_mm=h, align="CENTER")
    el = pic.element
    comment = el.find("{*}shapeComment")
    if comment is None:
        comment = el.makeelement(el.tag.replace("pic", "shapeComment"), {})
        el.append(comment)
    comment.text = c.alt
    legend = w.doc.add_paragraph("", include_run=False, inherit_style=False)
    legend.add_run(f"{c.legend_title}:  ", char_pr_id_ref=w.run("legend"))
    for item in c.legend:
        legend.add_run(item.symbol, char_pr_id_ref=w.run("legend", item.colour))
        label = item.label.replace(" ", "\u00a0")  # a line breaks between entries, not inside one
        legend.add_run(f"\u00a0{label}   ", char_pr_id_ref=w.run("legend"), expand_special_characters=True)
    w.fmt(legend, alignment="CENTER", spacing_after_pt=2)


def _write_table(w: _Writer, c: Content) -> None:
    """The top regions: a header row, numbers right-aligned, every row ``ROW_MM`` high."""
    w.para("box", _MARK["box"] + c.top_heading, spacing_before_pt=6)
    rows = c.table
    if len(rows) == 1:
        w.para("item", _MARK["item"] + _say(c.lang, "no_top"), indent_left_mm=4)
        return
    cols = len(rows[0])
    weights = {5: [1, 4, 3, 2, 2], 4: [1, 5, 3, 2], 3: [1, 5, 4]}[cols]
    heights = [_hwp(HEAD_MM)] + [_hwp(ROW_MM)] * (len(rows) - 1)
    table = w.doc.add_table(len(rows), cols, width=_hwp(TEXT_W_MM), height=sum(heights), char_pr_id_ref=w.run("cell"))
    table.set_column_widths(weights)
    for i, values in enumerate(rows):
        for j, value in enumerate(values):
            cell = table.cell(i, j)
            cell.set_size(height=heights[i])
            cell.text = value
            p = cell.paragraphs[0]
            if i == 0:
                for r in p.runs:
                    r.char_pr_id_ref = w.run("head")
                table.set_cell_shading(i, j, "#E8ECF4")
            w.fmt(p, alignment="CENTER" if i == 0 or j == 0 else ("LEFT" if j == 1 else "RIGHT"))


def write_hwpx(c: Content) -> bytes:
    """The page: title, date and filters, □/○/- lines, map and legend, table, source line."""
    w = _Writer()
    first = w.doc.paragraphs[0]
    first.text = c.title
    for r in first.runs:
        r.char_pr_id_ref = w.run("title")
    w.fmt(first, alignment="CENTER", spacing_after_pt=6)
    for m in c.meta:
        w.para("meta", m, alignment="RIGHT")
    _write_lines(w, c)
    _write_map(w, c)
    _write_table(w, c)
    w.para("source", c.source, spacing_before_pt=6)
    stamp = c.built.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    # the blank document's own author, date and (Korean) language go; ours are set below
    w.doc.parts.clear_document_metadata(keep=("language",) if c.lang == "ko" else (), timestamp=stamp)
    w.doc.parts.set_document_metadata(
        title=c.title, creator=_say(c.lang, "made_by"), subject=c.meta[1], created_date=stamp, modified_date=stamp
    )  # 한글's 문서 정보
    return w.doc.to_bytes()


def report_hwpx(records: pd.DataFrame, filters: Any = None, **view_args: Any) -> bytes:
    """The one-page 보고서 of a view as HWPX bytes.

    Takes what ``briefing.briefing_png`` takes (``ui.exports.briefing_arguments``: filters,
    level, metric, lang, settings, reconciliation, compare_year), plus ``built`` (the date
    printed; default now, UTC) and ``dpi`` (the map picture's).
    """
    return write_hwpx(content(records, filters, **view_args))


# --------------------------------------------------------------------------- CLI


def _cli_report(args: argparse.Namespace) -> int:
    from geo import briefing
    from geo.files import atomic_write
    from geo.programs import load_programs

    t0 = time.perf_counter()
    try:
        state = state_from_args(args)
        data = report_hwpx(
            load_programs().records, state.filters(), level=state.level, metric=state.metric, lang=state.lang,
            settings=maps.MapSettings(scheme=state.scheme, represent=state.represent), compare_year=state.compare_year,
            layers=maps.sheet_layers(state.program_type, state.specialty),  # the web map's scene
        )  # fmt: skip
    except (ValueError, KeyError, briefing.FontMissingError) as exc:  # unknown region, metric, filter; no font
        print(f"export-report: {exc}")
        return 2
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(out, data)
    print(f"wrote {out}: A4 보고서, {len(data):,} bytes, {time.perf_counter() - t0:.1f} s")
    return 0


def register_cli(sub: argparse._SubParsersAction) -> None:
    """`python -m geo export-report OUT.hwpx [--lang en] [view options as export-map takes]`."""
    p = sub.add_parser(
        "export-report",
        help="write a view as a one-page 한글 (HWPX) 보고서",
        description="Write a .hwpx: one A4 page with the view's title, date and filters, its key figures and "
        "the coverage of the official totals, the map with its legend, the top regions and the sources.",
    )
    p.add_argument("out", metavar="OUT.hwpx")
    p.add_argument("--lang", choices=maps.LANGS, default="ko")
    p.add_argument("--level", choices=maps.LEVELS, default="sido")
    p.add_argument("--metric", default=view.ViewState().metric, choices=view.metric_keys())
    add_filter_arguments(p)
    p.add_argument(
        "--year", type=view.year_arg, default=view.ViewState().year,
        help="programs running in this year (default: the opening view's year, as the app); 'all' for every year",
    )  # fmt: skip
    p.add_argument("--vs", type=int, metavar="YEAR", help="compare with this earlier year (the change map)")
    p.add_argument("--scheme", choices=maps.SCHEMES, default="natural_breaks")
    p.set_defaults(func=_cli_report)
