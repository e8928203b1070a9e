"""Geometry for display: encoded layers cached per (level, band), islets, bounds, clicks.

Built once per process and cached: a filter change never re-encodes geometry. The opening
map's values come from the build-time store (shapestore); geo.boundaries (GeoPandas, pyogrio)
is imported inside the functions, when a value is not stored.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import shapely

from geo.maps import shapestore
from geo.maps.codec import feature_collection
from geo.maps.style import SPECIALTIES, SPECIALTY_MIN_PART_DEG2


def _points(v: dict[str, list[float]]) -> dict[str, tuple[float, float]]:
    """A stored {code: [lat, lon]} as the functions return it."""
    return {k: (p[0], p[1]) for k, p in v.items()}


@shapestore.stored()
def geometry_json(level: str, band: str = "national") -> str:
    """Display geometry of a level as encoded GeoJSON text, built once per (level, band).

    Islets under ISLET_KM2 are left out of the drawing (a quarter of a pixel at the national
    zoom, yet 40% of the 시군구 vertices and 3,300 of its 4,200 rings: the browser's time).
    Joins and clicks (region_at) use the full layer, so nothing is lost but ink.
    """
    from geo import boundaries

    gdf = boundaries.display_layer(level, band)
    return feature_collection(list(gdf["code"]), drop_islets(gdf.geometry.values))


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


@shapestore.stored(tuple)
def base_geometry(band: str = "national") -> tuple[str, str]:
    """The quiet basemap: land (Korea's outline, islets under ~1 km² left out) and the 시도
    borders as lines between neighbours only (coastlines come with the choropleth).

    Drawing the 17 full 시도 polygons twice (fill below, outline above the choropleth) cost
    as much browser time as the whole 시군구 layer; these two are about a tenth of it.
    """
    from geo import boundaries

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
        feature_collection(["land"], np.array([shapely.MultiPolygon(land)], dtype=object)),
        feature_collection(["borders"], np.array([lines], dtype=object)),
    )


@shapestore.stored(tuple)
def layer_codes(level: str) -> tuple[str, ...]:
    """Codes of a layer's units in drawing order."""
    from geo import boundaries

    return tuple(boundaries.load_layer(level)["code"])


@shapestore.stored(_points)
def representative_points(level: str) -> dict[str, tuple[float, float]]:
    """(lat, lon) inside each unit: where a count badge or a fallback marker sits."""
    from geo import boundaries

    gdf = boundaries.load_layer(level)
    pts = shapely.point_on_surface(gdf.geometry.values)
    return {c: (round(p.y, 5), round(p.x, 5)) for c, p in zip(gdf["code"], pts, strict=True)}


@shapestore.stored(lambda v: (v[0], _points(v[1])))
def specialty_geometry(band: str) -> tuple[str, dict[str, tuple[float, float]]]:
    """Each specialty's 권역 as one outline (its 시도 merged) and a label point."""
    from geo import boundaries

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
    return feature_collection([s.key for s in SPECIALTIES], np.array(geoms, dtype=object)), labels


@cache
def emd_geometry(sigungu_code: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """읍면동 of one 시군구, simplified as one small coverage (only that unit is loaded)."""
    from geo import boundaries

    emd = boundaries.emd_of(sigungu_code)
    if emd.empty:
        return '{"type":"FeatureCollection","features":[]}', ()
    tol = boundaries.DISPLAY_TOLERANCE_M["local"] / 111_320.0
    simple = shapely.coverage_simplify(emd.geometry.values, tol)
    rounded = shapely.set_precision(simple, 10.0**-boundaries.COORD_DECIMALS, mode="pointwise")
    codes = list(emd["code"])
    return feature_collection(codes, rounded), tuple(zip(codes, emd["name_ko"], strict=True))


@shapestore.stored()
def bounds_of(level: str, codes: tuple[str, ...] | None = None) -> list[list[float]]:
    """[[south, west], [north, east]] of some units (all of Korea if codes is None)."""
    from geo import boundaries

    gdf = boundaries.load_layer(level)
    if codes:
        gdf = gdf[gdf["code"].isin(codes)]
    # plain floats, as the stored copy gives them back: numpy's rounding of a float64 can differ
    # in the last digit, and the base map's centre then moved (128.2454 or 128.2455) with the
    # path that first filled the memo (a test that worked the bounds out, or the store)
    x0, y0, x1, y1 = (float(v) for v in gdf.total_bounds)
    return [[round(y0, 4), round(x0, 4)], [round(y1, 4), round(x1, 4)]]


@cache
def _tree(level: str) -> tuple[shapely.STRtree, tuple[str, ...]]:
    from geo import boundaries

    gdf = boundaries.load_layer(level)
    return shapely.STRtree(gdf.geometry.values), tuple(gdf["code"])


def region_at(level: str, lat: float, lon: float) -> str | None:
    """Code of the unit containing a clicked point (for st_folium's ``last_clicked``)."""
    tree, codes = _tree(level)
    hits = tree.query(shapely.Point(lon, lat), predicate="intersects")
    return codes[int(hits[0])] if len(hits) else None
