"""Built boundary layers on the real NGII data: counts, 2024 codes, topology, SGIS input, bad files."""

import hashlib
import shutil

import geopandas as gpd
import numpy as np
import pyogrio
import pyproj
import pytest
import shapely

from geo import boundaries, regions
from geo.boundaries import BoundaryFileError


@pytest.fixture(scope="module")
def sido():
    return boundaries.load_layer("sido")


@pytest.fixture(scope="module")
def sigungu():
    return boundaries.load_layer("sigungu")


@pytest.fixture(scope="module")
def emd():
    return boundaries.load_layer("emd")


def test_counts(sido, sigungu, emd):
    assert len(sido) == 17
    assert len(sigungu) == 229
    assert 4900 <= len(emd) <= 5100


def test_codes_and_names_match_the_2024_table(sido, sigungu):
    assert sorted(sido["code"]) == sorted(regions.SIDO["sido_code"])
    table = regions.SIGUNGU.set_index("sigungu_code")
    s = sigungu.set_index("code")
    assert sorted(s.index) == sorted(table.index)
    assert (s["name_ko"] == table.loc[s.index, "name_ko"]).all()
    assert (s["sido_code"] == table.loc[s.index, "sido_code"]).all()
    assert (s["kind"] == table.loc[s.index, "kind"]).all()


def test_2024_corrections(sido, sigungu, emd):
    s = sigungu.set_index("code")
    assert s.at["27720", "name_ko"] == "군위군" and s.at["27720", "sido_code"] == "27"
    assert s.at["41670", "name_ko"] == "여주시"
    assert s.at["28177", "name_ko"] == "미추홀구"
    assert s.at["43110", "name_ko"] == "청주시"
    for name in ("전라북도", "여주군", "청원군", "서울시성북구", "수원시장안구", "덕양구", "처인구"):
        assert name not in set(sido["name_ko"]) | set(sigungu["name_ko"])
    assert not sigungu["code"].str.startswith(("42", "45")).any()
    assert set(sido.loc[sido["code"].isin(["51", "52"]), "name_ko"]) == {"강원특별자치도", "전북특별자치도"}
    # 군위군's 읍면동 belong to 대구 now
    gunwi = emd[emd["sigungu_code"] == "27720"]
    assert len(gunwi) >= 8 and (gunwi["code"].str[:5] == "27720").all() and (gunwi["sido_code"] == "27").all()


def test_gunwi_lies_inside_daegu(sido, sigungu):
    daegu = sido.set_index("code").geometry["27"]
    gunwi = sigungu.set_index("code").geometry["27720"]
    assert shapely.area(shapely.difference(gunwi, daegu)) < 1e-9
    # 대구 is ~1,500 km² with 군위 (~880 without)
    area_km2 = gpd.GeoSeries([daegu], crs=4326).to_crs(5179).area.iloc[0] / 1e6
    assert 1400 < area_km2 < 1600


def test_every_polygon_valid(sido, sigungu, emd):
    for layer in (sido, sigungu, emd):
        assert shapely.is_valid(layer.geometry.values).all()
        assert not layer.geometry.is_empty.any()
        assert set(layer.geom_type) <= {"Polygon", "MultiPolygon"}


def test_sido_and_sigungu_are_valid_coverages(sido, sigungu):
    assert shapely.coverage_is_valid(sigungu.geometry.values)
    assert shapely.coverage_is_valid(sido.geometry.values)


def test_no_overlaps_between_cities_and_their_gu(sigungu):
    s = sigungu.to_crs(5179).set_index("code")
    # 천안시 and 창원시 came both as city and 구 polygons: one polygon each, sane areas (km²)
    assert 600 < s.geometry["44130"].area / 1e6 < 680
    assert 700 < s.geometry["48120"].area / 1e6 < 780


def test_emd_within_parent(sigungu, emd):
    parents = sigungu.set_index("code").geometry.loc[emd["sigungu_code"]].values
    outside = shapely.area(shapely.difference(emd.geometry.values, parents))
    assert outside.max() < 1e-10  # degrees²: floating-point noise only
    assert set(emd["sigungu_code"]) == set(sigungu["code"])
    assert (emd["sido_code"] == emd["sigungu_code"].str[:2]).all()


def test_union_of_sigungu_equals_union_of_sido_and_the_bundle(sido, sigungu):
    u_sgg = shapely.union_all(sigungu.geometry.values)
    u_sido = shapely.union_all(sido.geometry.values)
    assert shapely.symmetric_difference(u_sgg, u_sido).area < 1e-8
    # against the bundle's own independent 시도 layer: within 0.5% nationally
    bundle = boundaries._bundle("sido")
    u_bundle = shapely.union_all(bundle.geometry.values)
    assert shapely.symmetric_difference(u_sido, u_bundle).area / u_bundle.area < 0.005


def test_display_layer_is_small_valid_coverage(sigungu):
    disp = boundaries.display_layer("sigungu", "national")
    assert len(disp) == 229 and list(disp["code"]) == list(sigungu["code"])
    assert shapely.coverage_is_valid(disp.geometry.values)
    assert shapely.is_valid(disp.geometry.values).all()
    text = boundaries.display_geojson("sigungu", "national")
    assert len(text.encode()) <= 1_000_000
    assert "군위군" in text  # UTF-8, not \\u escapes
    coords = shapely.get_coordinates(disp.geometry.values)
    on_grid = np.isclose(coords * 1e5, np.round(coords * 1e5), atol=1e-6).all(axis=1)
    assert on_grid.mean() > 0.999


def test_display_emd_of_one_unit():
    d = boundaries.display_emd("26350")
    assert len(d) > 3 and (d["sigungu_code"] == "26350").all()
    assert set(d["name_ko"]) >= {"우동", "재송동"}


def test_written_layers_are_byte_identical(tmp_path, sido, sigungu, emd):
    layers = {"sido": sido, "sigungu": sigungu, "emd": emd}
    a, b = tmp_path / "a.gpkg", tmp_path / "b.gpkg"
    boundaries.write_layers(layers, a)
    boundaries.write_layers(layers, b)
    assert hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest()


def test_build_from_bundle_reproduces_the_committed_file(tmp_path):
    """The full build (about a minute) gives exactly the bytes in data/shapefiles/."""
    out = tmp_path / "built.gpkg"
    boundaries.build_boundaries(out)
    assert out.read_bytes() == boundaries.GPKG.read_bytes()


# --------------------------------------------------------------------------- SGIS input


def _write_sgis(sigungu_subset: gpd.GeoDataFrame, path, *, crs=5179, cpg=False, codes=None) -> None:
    """An SGIS-style shapefile: EPSG:5179, CP949 attributes, SIG_CD / SIG_KOR_NM / SIG_ENG_NM."""
    g = sigungu_subset.to_crs(crs)
    sg = gpd.GeoDataFrame(
        {
            "SIG_CD": codes if codes is not None else g["code"].values,
            "SIG_KOR_NM": g["name_ko"].values,
            "SIG_ENG_NM": g["name_en"].values,
        },
        geometry=g.geometry.values,
        crs=g.crs,
    )
    pyogrio.write_dataframe(sg, path, encoding="cp949")
    if not cpg:
        path.with_suffix(".cpg").unlink(missing_ok=True)


def test_reads_sgis_shapefile_in_5179_cp949(tmp_path, sigungu):
    subset = sigungu[sigungu["sido_code"].isin(["27", "52"])]
    shp = tmp_path / "bnd_sigungu_00_2024_2024.shp"
    # old codes as an older SGIS file would carry them: 전북 45xxx, 군위 under 경북
    old = [("45" + c[2:]) if c.startswith("52") else ("47720" if c == "27720" else c) for c in subset["code"]]
    _write_sgis(subset, shp, codes=old)
    raw = shp.with_suffix(".dbf").read_bytes()
    assert "군위군".encode("cp949") in raw  # really CP949 on disk
    level, layer = boundaries.read_sgis(shp)
    assert level == "sigungu"
    assert sorted(layer["code"]) == sorted(subset["code"])
    got = layer.set_index("code")
    assert got.at["27720", "name_ko"] == "군위군" and got.at["27720", "sido_code"] == "27"
    assert got.at["52710", "name_ko"] == "완주군"
    assert layer.crs.to_epsg() == 4326
    src = subset.set_index("code").geometry
    for code in ("27720", "52710"):
        assert shapely.symmetric_difference(got.geometry[code], src[code]).area < 1e-6


def test_sgis_general_gu_merge_into_their_city(tmp_path, sigungu):
    suwon = sigungu.set_index("code").geometry["41110"]
    x0, y0, x1, y1 = suwon.bounds
    mid = (x0 + x1) / 2
    halves = [
        suwon.intersection(shapely.box(x0, y0, mid, y1)),
        suwon.intersection(shapely.box(mid, y0, x1, y1)),
    ]
    four = gpd.GeoDataFrame(
        {
            "code": ["41111", "41113"],
            "name_ko": ["장안구", "권선구"],
            "name_en": ["Jangan-gu", "Gwonseon-gu"],
        },
        geometry=halves,
        crs=4326,
    )
    shp = tmp_path / "gu.shp"
    _write_sgis(four, shp)
    level, layer = boundaries.read_sgis(shp)
    assert level == "sigungu"
    assert list(layer["code"]) == ["41110"] and layer["name_ko"].iloc[0] == "수원시"
    assert shapely.symmetric_difference(layer.geometry.iloc[0], suwon).area < 1e-6


# --------------------------------------------------------------------------- bad files


def test_missing_file_named(tmp_path):
    with pytest.raises(BoundaryFileError, match=r"nope\.shp: file not found"):
        boundaries.read_sgis(tmp_path / "nope.shp")
    with pytest.raises(BoundaryFileError, match=r"nope\.gpkg: file not found"):
        boundaries.read_built(tmp_path / "nope.gpkg", "sido")


def test_truncated_geopackage_named(tmp_path):
    bad = tmp_path / "truncated.gpkg"
    bad.write_bytes(boundaries.GPKG.read_bytes()[:50_000])
    with pytest.raises(BoundaryFileError, match=r"truncated\.gpkg .*cannot be read.*build-boundaries"):
        boundaries.read_built(bad, "sigungu")
    # the bundled default keeps working
    assert len(boundaries.load_layer("sigungu")) == 229


def test_truncated_shapefile_named(tmp_path, sigungu):
    shp = tmp_path / "cut.shp"
    _write_sgis(sigungu.head(3), shp)
    shp.write_bytes(shp.read_bytes()[:200])
    with pytest.raises(BoundaryFileError, match=r"cut\.shp"):
        boundaries.read_sgis(shp)


def test_foreign_crs_named(tmp_path, sigungu):
    shp = tmp_path / "wrong_prj.shp"
    _write_sgis(sigungu.head(3), shp)  # coordinates in 5179 …
    shp.with_suffix(".prj").write_text(pyproj.CRS(4326).to_wkt("WKT1_ESRI"))  # … labelled WGS84
    with pytest.raises(BoundaryFileError, match=r"wrong_prj\.shp: coordinates fall outside South Korea.*EPSG:5179"):
        boundaries.read_sgis(shp)
    noprj = tmp_path / "noprj.shp"
    _write_sgis(sigungu.head(3), noprj)
    noprj.with_suffix(".prj").unlink()
    with pytest.raises(BoundaryFileError, match=r"noprj\.shp: no coordinate system.*EPSG:5179"):
        boundaries.read_sgis(noprj)


def test_wrong_layer_contents_named(tmp_path, sigungu):
    wrong = tmp_path / "few.gpkg"
    pyogrio.write_dataframe(sigungu.head(5), wrong, layer="sigungu")
    with pytest.raises(BoundaryFileError, match=r"few\.gpkg \(layer sigungu\): 5 features; expected 229"):
        boundaries.read_built(wrong, "sigungu")


def test_unreadable_default_falls_back_without_overwriting(tmp_path, monkeypatch):
    broken = tmp_path / "korea_admin_2024.gpkg"
    shutil.copy(boundaries.GPKG, broken)
    broken.write_bytes(broken.read_bytes()[:10_000])
    before = broken.read_bytes()
    monkeypatch.setattr(boundaries, "GPKG", broken)
    boundaries.load_layer.cache_clear()
    monkeypatch.setattr(boundaries, "_layers_in_memory", lambda: {"sido": "in-memory"})
    try:
        assert boundaries.load_layer("sido") == "in-memory"
        assert broken.read_bytes() == before  # the user's file is left as it was
    finally:
        boundaries.load_layer.cache_clear()
        boundaries._problems.clear()  # the page's sentence about the broken copy: not for later tests
