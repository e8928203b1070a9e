"""The sheet's map panel: the web map's fills, outlines, markers and labels, drawn with matplotlib.

Geometry comes from the 'national' display band and is turned into matplotlib paths once per
(level, band). Labels are placed greedily around their point and skipped where they would
cover another label, a star or the frame, as the web map's labels move off each other.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import shapely
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.transforms import Bbox

from geo import boundaries, maps
from geo.briefing.figures import SheetData
from geo.briefing.style import INK, PAGE_IN, font
from geo.briefing.text import say, short_name
from geo.maps.policy import CASING, CASING_WEIGHT, POLICY_COLOUR, POLICY_STYLES

MAP_RECT = (0.025, 0.075, 0.585, 0.785)  # left, bottom, width, height in figure fractions

# a district label with its year, at its place: (lon, lat, label)
District = tuple[float, float, str]
LabelItem = tuple[float, float, str, dict[str, Any]]

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


def specialty_dash(s: maps.Specialty) -> list[float] | None:
    """The web map's SVG dash pattern of a 특화 outline, at matplotlib's scale (None: solid)."""
    return [float(x) / 2 for x in s.dash.split()] if s.dash else None


# --------------------------------------------------------------------------- frame and fills


def _frame(fig: Figure, sea: str) -> Any:
    ax = fig.add_axes(MAP_RECT)
    ax.set_facecolor(sea)
    for side in ax.spines.values():
        side.set_edgecolor("#c9d3dc")
        side.set_linewidth(0.6)
    ax.set_xticks([])
    ax.set_yticks([])
    return ax


def _fit(ax: Any, codes: Sequence[str], bounds: np.ndarray, focus: Sequence[str] | None) -> np.ndarray:
    """Fit the view to the focus units (or all of Korea); return which units are in view."""
    view_codes = set(focus) if focus else None
    sel_b = bounds if view_codes is None else bounds[[c in view_codes for c in codes]]
    x0, y0 = sel_b[:, 0].min(), sel_b[:, 1].min()
    x1, y1 = sel_b[:, 2].max(), sel_b[:, 3].max()
    lat0 = (y0 + y1) / 2
    aspect = 1 / math.cos(math.radians(lat0))
    # pad, then widen the box to the axes' shape so the map fills the frame
    padx, pady = (x1 - x0) * 0.04 + 0.02, (y1 - y0) * 0.04 + 0.02
    x0, x1, y0, y1 = x0 - padx, x1 + padx, y0 - pady, y1 + pady
    axw, axh = MAP_RECT[2] * PAGE_IN[0], MAP_RECT[3] * PAGE_IN[1]
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
    return (bounds[:, 2] >= x0) & (bounds[:, 0] <= x1) & (bounds[:, 3] >= y0) & (bounds[:, 1] <= y1)


def _fills(ax: Any, data: SheetData) -> None:
    """Outside, no-data (hatched) and classed units, then the 시도 borders on top."""
    codes, paths, bounds = _paths(data.level, data.settings.band)
    visible = _fit(ax, codes, bounds, data.focus)
    idx = {c: i for i, c in enumerate(codes)}

    def draw(which: Sequence[str], **kw: Any) -> None:
        ps = [paths[idx[c]] for c in which if c in idx and visible[idx[c]]]
        if ps:
            ax.add_collection(PathCollection(ps, **kw), autolim=False)

    cls = data.cls
    edge_lw = 0.25 if data.level == "sigungu" else 0.6
    draw(cls.outside, facecolor=maps.OUTSIDE_FILL, edgecolor="#d0d0d0", linewidths=edge_lw, zorder=1)
    draw(cls.nodata, facecolor=maps.NODATA_FILL, edgecolor="#9a9a9a", hatchcolor=maps.NODATA_HATCH,
         hatch="//////", linewidths=edge_lw, zorder=1)  # fmt: skip
    filled = sorted(cls.fill)
    draw(filled, facecolors=[cls.fill[c] for c in filled], edgecolor="white", linewidths=edge_lw, zorder=2)
    _, s_paths, _ = _paths("sido", data.settings.band)
    ax.add_collection(
        PathCollection(list(s_paths), facecolor="none", edgecolor="#555555", linewidths=0.8, zorder=3),
        autolim=False,
    )


def _specialties(ax: Any, data: SheetData) -> None:
    """The 특화 outlines, dashed as on the web map."""
    if not data.specialties:
        return
    outlines = _specialty_outlines(data.settings.band)
    for s in maps.SPECIALTIES:
        if s.key in data.specialties:
            dash = specialty_dash(s)
            ls = (0, dash) if dash else "solid"
            ax.add_collection(
                PathCollection([outlines[s.key]], facecolor="none", edgecolor=s.colour, linewidths=2.2,
                               linestyle=ls, zorder=4),
                autolim=False,
            )  # fmt: skip


def policy_linestyle(key: str) -> tuple[float, Any]:
    """The web map's line of a designation (geo/maps/policy.py) at matplotlib's scale: width and style."""
    st = POLICY_STYLES[key]
    dash = [float(x) for x in st["dashArray"].split()] if st["dashArray"] else None
    return st["weight"] * 0.6, (0, dash) if dash else "solid"


def _policy(ax: Any, data: SheetData) -> None:
    """The 인구감소지역 / 관심지역 outlines: a white casing, then the kind's black line (as the web map)."""
    codes, paths, _ = _paths(data.level, data.settings.band)
    idx = {c: i for i, c in enumerate(codes)}
    for key, want in data.policy_codes.items():
        ps = [paths[idx[c]] for c in want if c in idx]
        if not ps:
            continue
        lw, ls = policy_linestyle(key)
        casing = PathCollection(ps, facecolor="none", edgecolor=CASING, linewidths=CASING_WEIGHT * 0.6, zorder=3.5)
        line = PathCollection(ps, facecolor="none", edgecolor=POLICY_COLOUR, linewidths=lw, linestyle=ls, zorder=3.6)
        line.set_gid(f"kdim-policy-{key}")
        ax.add_collection(casing, autolim=False)
        ax.add_collection(line, autolim=False)


CIRCLE_PT_PER_PX = 0.8  # the web map's circle radii (px at a laptop's size) on the A4 panel, in points


def circle_points(data: SheetData) -> list[tuple[str, float, float, float]]:
    """(code, lon, lat, radius in points) of each circle, largest first (drawn first: small ones on top)."""
    scale = data.cls.circles
    if scale is None:
        return []
    rp = maps.representative_points(data.level)
    vals = data.cls.values
    out = []
    for c, v in sorted(vals.items(), key=lambda cv: (-cv[1], cv[0])):
        r = scale.radius(float(v))
        if r > 0 and c in rp:
            lat, lon = rp[c]
            out.append((str(c), lon, lat, r * CIRCLE_PT_PER_PX))
    return out


def _circles(ax: Any, data: SheetData) -> None:
    """Totals as proportional circles (geo.maps.symbols: the web map's scale), thin white outline."""
    pts = circle_points(data)
    if pts:
        ax.scatter([p[1] for p in pts], [p[2] for p in pts], s=[(2 * p[3]) ** 2 for p in pts], marker="o",
                   c=maps.CIRCLE_FILL, alpha=maps.CIRCLE_OPACITY, edgecolors=maps.CIRCLE_EDGE, linewidths=0.8,
                   zorder=5, plotnonfinite=False)  # fmt: skip


def reference_circles(scale: maps.CircleScale, *, gap_pt: float) -> list[tuple[float, float, float, float]]:
    """The legend's reference circles, nested on one baseline, largest first, as (value, radius,
    circle top, label height) in points above the baseline: each label at its circle's top, or
    ``gap_pt`` under the label above it. Shared by the sheet's legend and the pictures' key."""
    out: list[tuple[float, float, float, float]] = []
    for v in scale.refs:
        r = scale.radius(v) * CIRCLE_PT_PER_PX
        label = 2 * r if not out else min(2 * r, out[-1][3] - gap_pt)
        out.append((v, r, 2 * r, label))
    return out


def circle_key(ax: Any, renderer: Any, data: SheetData) -> Bbox | None:
    """The three reference circles in the panel's lower right corner, on the map's own scale, for
    pictures shown without the sheet's legend (the deck's slide, the 보고서): their text legend
    cannot draw a size. Returns the key's box (labels keep out of it), None without circles."""
    scale = data.cls.circles
    if scale is None or not scale.refs:
        return None
    ext = ax.get_window_extent(renderer)
    pt = ax.figure.dpi / 72  # display px per point
    rmax = scale.radius(scale.refs[0]) * CIRCLE_PT_PER_PX
    w_pt, h_pt = 2 * rmax + 44, 2 * rmax + 24
    x0, y0 = ext.x1 - (w_pt + 6) * pt, ext.y0 + 6 * pt
    to_axes = ax.transAxes.inverted()
    (ax0, ay0), (ax1, ay1) = to_axes.transform([(x0, y0), (x0 + w_pt * pt, y0 + h_pt * pt)])
    ax.add_patch(Rectangle((ax0, ay0), ax1 - ax0, ay1 - ay0, transform=ax.transAxes, facecolor="white",
                           edgecolor="#bbbbbb", lw=0.5, alpha=0.92, zorder=11))  # fmt: skip
    unit = maps.metric_label(data.metric, data.lang)[1]
    ax.text(ax0 + 4 * pt / ext.width, ay1 - 3 * pt / ext.height, unit, transform=ax.transAxes, ha="left", va="top",
            fontproperties=font(7), color=INK, parse_math=False, zorder=12)  # fmt: skip
    cx = x0 + (4 + rmax) * pt
    base = y0 + 4 * pt
    for v, r, top, label in reference_circles(scale, gap_pt=9):
        (px, py), (top_x, top_y), (tx, ty) = to_axes.transform(
            [(cx, base + r * pt), (cx, base + top * pt), (cx + (rmax + 6) * pt, base + label * pt)]
        )
        ax.plot([top_x, tx], [top_y, ty], transform=ax.transAxes, color="#777777", lw=0.5, zorder=13)
        ax.scatter([px], [py], s=[(2 * r) ** 2], marker="o", c=maps.CIRCLE_FILL, alpha=maps.CIRCLE_OPACITY,
                   edgecolors=maps.CIRCLE_EDGE, linewidths=0.8, transform=ax.transAxes, zorder=12,
                   clip_on=False)  # fmt: skip
        ax.text(tx + 2 * pt / ext.width, ty, maps.fmt_number(v), transform=ax.transAxes, ha="left", va="center",
                fontproperties=font(7), color=INK, parse_math=False, zorder=12)  # fmt: skip
    return Bbox.from_bounds(x0, y0, w_pt * pt, h_pt * pt)


# --------------------------------------------------------------------------- markers and labels


def _star(ax: Any, xs: Sequence[float], ys: Sequence[float], size: float) -> None:
    ax.scatter(xs, ys, marker="*", s=size, c=maps.DISTRICT_COLOUR, edgecolors="white", linewidths=0.9, zorder=9)


def _villages(ax: Any, rows: Sequence[dict[str, Any]]) -> None:
    pts = [(r["lon"], r["lat"]) for r in rows if r.get("program_type") == "smart_village"
           and pd.notna(r.get("lat")) and pd.notna(r.get("lon"))]  # fmt: skip
    if pts:
        xs, ys = zip(*pts, strict=True)
        ax.scatter(xs, ys, s=22, c=maps.VILLAGE_COLOUR, edgecolors="white", linewidths=0.8, zorder=7)


def _districts(ax: Any, rows: Sequence[dict[str, Any]], lang: str) -> list[District]:
    """Stars at the districts (their point, else their 시군구's); the labels they will carry."""
    rep = maps.representative_points("sigungu")
    districts = []
    for r in sorted(rows, key=lambda r: str(r.get("id", ""))):
        if r.get("program_type") != "innovation_district":
            continue
        if pd.notna(r.get("lat")) and pd.notna(r.get("lon")):
            lon, lat = float(r["lon"]), float(r["lat"])
        elif str(r.get("sigungu_code", "")) in rep:
            lat, lon = rep[str(r["sigungu_code"])]
        else:
            continue  # the national program line itself has no place
        short = maps.district_label(maps.record_name(r, lang), lang)
        year = maps.record_year(r)
        districts.append((lon, lat, f"{short} ({year})" if year else short))
    if districts:
        _star(ax, [d[0] for d in districts], [d[1] for d in districts], 230)
    return districts


def _region_labels(data: SheetData) -> list[LabelItem]:
    """Every 시도 on a 시도 map; the ten highest-valued units (largest changes) on a 시군구 map."""
    rp = maps.representative_points(data.level)
    if data.level == "sido":
        codes = _paths("sido", data.settings.band)[0]  # in drawing order, as the labels are placed
        named = [c for c in codes if data.focus is None or c in set(data.focus)]
    else:
        key = (lambda v: v.abs()) if data.signed else None  # a comparison: the largest changes
        named = list(data.cls.values.sort_values(ascending=False, kind="stable", key=key).index[:10])
    items = []
    for c in named:
        if c in rp:
            lat, lon = rp[c]
            items.append((lon, lat, short_name(c, data.level, data.lang), {"size": 7.5, "color": "#333333"}))
    return items


OFFSETS = [((7, 0), "left", "center"), ((-7, 0), "right", "center"), ((0, 7), "center", "bottom"),
           ((0, -7), "center", "top"), ((7, 9), "left", "bottom"), ((7, -9), "left", "top")]  # fmt: skip


def _place_labels(ax: Any, renderer: Any, items: Sequence[LabelItem], taken: list[Bbox]) -> int:
    """Greedy placement in the order given (the web map's priorities: districts, then regions):
    each label tries right, left, above, below and two corners against the boxes already taken
    (matplotlib's window extents); one that fits nowhere is left out. Returns how many were."""
    ax_box = ax.get_window_extent(renderer)
    left_out = 0
    for x, y, label, style in items:
        for (dx, dy), ha, va in OFFSETS:
            t = ax.annotate(
                label,
                (x, y),
                xytext=(dx, dy),
                textcoords="offset points",
                ha=ha,
                va=va,
                fontproperties=font(style.get("size", 8), style.get("bold", False)),
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
                t.set_gid("kdim-placed")
                break
            t.remove()
        else:
            left_out += 1
    return left_out


def _left_out_note(ax: Any, renderer: Any, n: int, lang: str, taken: list[Bbox]) -> None:
    """ "+N" in the panel's lower left corner: the names the map had no room for (the table beside
    the map and the web map, zoomed in, have them)."""
    if not n:
        return
    box = {"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.9}
    t = ax.text(0.01, 0.012, say(lang, "left_out", n=n), transform=ax.transAxes, ha="left", va="bottom",
                fontproperties=font(7.5), color=INK, parse_math=False, zorder=11, bbox=box)  # fmt: skip
    t.set_gid("kdim-placed")
    taken.append(t.get_window_extent(renderer))


def map_panel(fig: Figure, renderer: Any, data: SheetData, *, key: bool = False) -> list[District]:
    """Draw the map on the sheet's left; return the districts drawn (the legend lists their star).
    ``key``: the circles' reference sizes inside the panel (:func:`circle_key`; a picture without
    the sheet's legend)."""
    ax = _frame(fig, data.settings.sea_colour)
    _fills(ax, data)
    _policy(ax, data)
    _specialties(ax, data)
    _circles(ax, data)
    rows = data.rows
    if "village" in data.layers:
        _villages(ax, rows)
    districts = _districts(ax, rows, data.lang) if "districts" in data.layers else []
    taken: list[Bbox] = []  # star boxes are obstacles for every label
    inset = circle_key(ax, renderer, data) if key else None
    for lon, lat, _ in districts:
        px, py = ax.transData.transform((lon, lat))
        taken.append(Bbox.from_extents(px - 9, py - 9, px + 9, py + 9))
    style = {"size": 8.5, "bold": True, "color": maps.DISTRICT_COLOUR, "zorder": 10}
    items: list[LabelItem] = [(lon, lat, label, style) for lon, lat, label in districts]
    corner = ax.get_window_extent(renderer)
    note_box = Bbox.from_bounds(corner.x0, corner.y0, corner.width * 0.3, corner.height * 0.05)
    taken += [note_box] + ([inset] if inset is not None else [])
    left_out = _place_labels(ax, renderer, items + _region_labels(data), taken)
    taken.remove(note_box)  # the note's own place is free for the note
    _left_out_note(ax, renderer, left_out, data.lang, taken)
    return districts
