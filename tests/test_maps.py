"""geo/maps.py and geo/offline.py: layers present, offline, escaped, classed, bilingual, deterministic.

Assertions read the rendered HTML the way geopandas' test_explore.py does: cheap and exact.
The geometry and marker data sit in the page as JSON; helpers below pull them back out.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import subprocess
import sys
from pathlib import Path

import folium
import pandas as pd
import pytest
import streamlit_folium as sf

from geo import boundaries, export, maps, offline
from geo.join import Filters, aggregate, apply_filters
from geo.programs import load_programs

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = "<img src=x onerror=alert(1)>"
HOSTILE_ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def records() -> pd.DataFrame:
    return apply_filters(load_programs().records, Filters())


@pytest.fixture(scope="module")
def values(records: pd.DataFrame) -> pd.DataFrame:
    return aggregate(records, "sigungu", "life_total")


@pytest.fixture(scope="module")
def page(values: pd.DataFrame, records: pd.DataFrame) -> str:
    m = maps.build_map(values, records, level="sigungu", metric="life_total", lang="ko", filters=Filters())
    return maps.render_html(m)


def json_blobs(html_text: str, marker: str) -> list:
    """Every JSON value that follows ``marker`` in the page (marker ends just before it)."""
    dec = json.JSONDecoder()
    out = []
    for m in re.finditer(re.escape(marker), html_text):
        obj, _ = dec.raw_decode(html_text, m.end())
        out.append(obj)
    return out


def geojson_layers(html_text: str) -> list[dict]:
    return json_blobs(html_text, "kdimGeo(")


def marker_arrays(html_text: str) -> list[list[dict]]:
    """Each marker script's markers, one dict per marker, from its columns (markers.point_columns)."""
    return [[{k: v[i] for k, v in cols.items() if k != "n"} for i in range(cols["n"])]
            for cols in json_blobs(html_text, ", D = ")]  # fmt: skip


def script_tables(html_text: str, name: str) -> list[dict]:
    """The per-code tables of the choropleth script (S, C, T, P)."""
    return json_blobs(html_text, f"{name} = ")


# --------------------------------------------------------------------------- offline assets


def test_static_assets_copied_once(tmp_path: Path) -> None:
    vendor = offline.ensure_static_assets(tmp_path)
    files = {a.rel: vendor / a.rel for a in offline.ASSETS}
    assert all(p.is_file() for p in files.values())
    bundle = files[offline.asset("mapjs").rel].read_text(encoding="utf-8")
    leaflet = bundle.split("/* leaflet.markercluster-")[0]
    assert leaflet.startswith("/* leaflet-1.9.3/leaflet.js */\n")  # first: the others need L
    assert "leafletjs.com" not in leaflet.split("*/", 2)[2]  # attribution link made plain text
    assert len(leaflet) > 140_000 and "sourceMappingURL" not in bundle
    parts = [line for line in bundle.splitlines() if re.fullmatch(r"/\* [\w./-]+\.js \*/", line)]
    assert parts == [f"/* {offline.asset(n).rel} */" for n in offline.asset("mapjs").parts]
    css = files[offline.asset("mapcss").rel].read_text(encoding="utf-8")
    for url in re.findall(r"url\(([^)#]+)\)", css):  # Leaflet's images, found from the bundle's folder
        assert (files[offline.asset("mapcss").rel].parent / url).resolve().is_file(), url
    stamps = {k: p.stat().st_mtime_ns for k, p in files.items()}
    offline.ensure_static_assets(tmp_path)
    assert stamps == {k: p.stat().st_mtime_ns for k, p in files.items()}  # idempotent: no rewrite


def test_offline_map_classes_do_not_touch_folium() -> None:
    import folium
    import folium.plugins

    maps.base_map()
    # folium's own class lists are untouched (still its CDN links)
    assert all(url.startswith("https://") for _, url in folium.Map.default_js + folium.Map.default_css)
    assert all(url.startswith("https://") for _, url in folium.plugins.MarkerCluster.default_js)
    for _, url in maps.OfflineMap.default_js + maps.OfflineMap.default_css:
        assert url.startswith("/app/static/vendor/")
    for _, url in maps.OfflineMarkerCluster.default_js + maps.OfflineMarkerCluster.default_css:
        assert url.startswith("/app/static/vendor/")


def test_no_external_url_in_rendered_page(page: str) -> None:
    assert export.external_refs(page) == []
    srcs = re.findall(r'<script[^>]*\bsrc="([^"]+)"', page)
    hrefs = re.findall(r'<link[^>]*\bhref="([^"]+)"', page)
    assert srcs and hrefs
    assert all(u.startswith("/app/static/vendor/") for u in srcs + hrefs), srcs + hrefs
    # Beyond tags: no URL at all in our own code, except the SVG namespace name.
    assert export.external_refs(page, strict=True) == []
    for bad in ("leaflet.awesome", "font-awesome", "fontawesome", "bootstrap", "jquery", "d3.v", "L.AwesomeMarkers"):
        assert bad not in page.lower() if bad.islower() else bad not in page


def test_external_ref_detector_finds_each_kind() -> None:
    cases = [
        '<script src="https://cdn.jsdelivr.net/x.js"></script>',
        "<link rel='stylesheet' href='//cdnjs.cloudflare.com/a.css'>",
        '<img src="http://example.com/a.png">',
        "<style>@font-face{src:url(https://fonts.gstatic.com/a.woff2)}</style>",
        '<style>@import "https://fonts.googleapis.com/css";</style>',
    ]
    for c in cases:
        assert export.external_refs(c), c
    assert export.external_refs('<a href="#x">x</a><svg xmlns="http://www.w3.org/2000/svg"></svg>', strict=True) == []


# --------------------------------------------------------------------------- layers present


def test_feature_counts_per_layer(page: str, records: pd.DataFrame) -> None:
    layers = geojson_layers(page)
    by_first_id = {fc["features"][0]["id"]: fc for fc in layers}
    # base: land (one outline) and 시도 borders (one set of lines); 시군구 choropleth; specialties
    assert len(layers) == 4
    assert by_first_id["land"]["features"][0]["geometry"]["type"] == "MultiPolygon"
    assert by_first_id["borders"]["features"][0]["geometry"]["type"] == "MultiLineString"
    choro = next(fc for fc in layers if len(fc["features"]) > 17)
    assert {f["id"] for f in choro["features"]} == set(boundaries.load_layer("sigungu")["code"])
    assert len(choro["features"]) == 229
    spec = next(fc for fc in layers if fc["features"][0]["id"] == maps.SPECIALTIES[0].key)
    assert [f["id"] for f in spec["features"]] == [s.key for s in maps.SPECIALTIES]
    # one class or no-data style for every 시군구
    cls = script_tables(page, "C")[0]
    assert set(cls) == {f["id"] for f in choro["features"]}


def test_sido_level_has_17_features(values: pd.DataFrame, records: pd.DataFrame) -> None:
    recs = records
    html_text = maps.render_html(
        maps.build_map(aggregate(recs, "sido", "records"), recs, level="sido", metric="records")
    )
    counts = sorted(len(fc["features"]) for fc in geojson_layers(html_text))
    assert counts == [1, 1, 4, 17]
    ids = next(fc for fc in geojson_layers(html_text) if len(fc["features"]) == 17)
    assert {f["id"] for f in ids["features"]} == set(boundaries.load_layer("sido")["code"])


def test_embedded_geometry_round_trips() -> None:
    fc = json.loads(maps.geometry_json("sido"))
    gdf = boundaries.display_layer("sido", "national").set_index("code")
    f = next(x for x in fc["features"] if x["id"] == "50")  # 제주
    g = gdf.loc["50"].geometry
    rings = f["geometry"]["coordinates"]
    first = rings[0] if f["geometry"]["type"] == "Polygon" else rings[0][0]
    ext = g.exterior if g.geom_type == "Polygon" else max(g.geoms, key=lambda p: p.area).exterior
    import shapely

    got = maps.decode_ring(first)
    if f["geometry"]["type"] == "MultiPolygon":
        got_all = [maps.decode_ring(p[0]) for p in rings]
        got = max(got_all, key=len)
    assert len(got) == len(shapely.get_coordinates(ext))


def test_rings_are_google_encoded_polylines() -> None:
    # The worked example of Google's Polyline Algorithm: (38.5, -120.2), (40.7, -120.95), (43.252, -126.453).
    pts = [[-120.2, 38.5], [-120.95, 40.7], [-126.453, 43.252]]  # [lon, lat], as shapely gives them
    text = maps.encode_ring(pts)
    assert text == "_p~iF~ps|U_ulLnnqC_mqNvxq`@"
    assert maps.decode_ring(text) == pts
    assert all(63 <= ord(ch) <= 126 for ch in maps.encode_ring([[124.61268, 33.11452], [131.87818, 38.61349]]))


def test_markers_and_counts(page: str, records: pd.DataFrame) -> None:
    arrays = marker_arrays(page)
    flat = [p for arr in arrays for p in arr]
    districts = [p for p in flat if p["icon"] == "d"]
    assert len(districts) == 4
    labels = sorted(p["label"] for p in districts)
    assert labels == [
        "경남 창원 디지털 혁신밸리 (2024)",
        "대구 수성알파시티 (2023)",
        "부산 센텀시티 (2023)",
        "충북 오창 과학산업단지 (2024)",
    ]
    sv = records[records["program_type"] == "smart_village"]
    points = [p for p in flat if p["icon"] == "v"]
    assert len(points) == int(sv["lat"].notna().sum())
    badges = [p for p in flat if p["icon"].startswith("c")]
    placed_by_count = sv[sv["lat"].isna() & ((sv["at_sigungu"] != "") | (sv["at_sido"] != ""))]
    assert sum(int(p["icon"][1:].split(":")[0]) for p in badges) == len(placed_by_count)
    # a count badge says it is a count, not a site
    assert all("지점 아님" in p["tip"] for p in badges)
    # the national Smart Village total (multi_region) is not placed anywhere
    assert not any("SV-2024" == p.get("id") for p in flat)


def test_circles_counting_records_take_the_place_of_their_badges(records: pd.DataFrame) -> None:
    """Issue 29: in the Smart Village scene the circles count the tasks per 시군구, so a 시군구's
    badge would repeat its circle; a task known only per 시도 keeps its badge (no 시도 circle
    counts it). With colours instead of circles, every badge is back."""
    from geo import view

    state = view.preset("sv2024", "ko")
    v = view.compute(records, state)
    args = view.map_arguments(v, maps.MapSettings(represent="circle"))
    badges = [p for arr in marker_arrays(maps.render_html(maps.build_map(**args))) for p in arr
              if p["icon"].startswith("c")]  # fmt: skip
    sv = v.records[v.records["program_type"] == "smart_village"]
    only_sido = sv[sv["lat"].isna() & (sv["at_sigungu"] == "") & (sv["at_sido"] != "")]
    assert all(len(p["icon"].split(":")[1]) == 2 for p in badges), badges  # 시도 codes only
    assert sum(int(p["icon"][1:].split(":")[0]) for p in badges) == len(only_sido)
    filled = view.map_arguments(v, maps.MapSettings(represent="fill"))
    again = [p for arr in marker_arrays(maps.render_html(maps.build_map(**filled))) for p in arr
             if p["icon"].startswith("c")]  # fmt: skip
    by_region = sv[sv["lat"].isna() & ((sv["at_sigungu"] != "") | (sv["at_sido"] != ""))]
    assert sum(int(p["icon"][1:].split(":")[0]) for p in again) == len(by_region) > len(only_sido)


def test_emd_layer_only_for_selected_sigungu(values: pd.DataFrame, records: pd.DataFrame) -> None:
    code = "43110"  # 청주시
    m = maps.build_map(values, records, selected_sigungu=code)
    html_text = maps.render_html(m)
    fcs = geojson_layers(html_text)
    n_emd = len(boundaries.emd_of(code))
    assert n_emd > 10
    assert n_emd in [len(fc["features"]) for fc in fcs]
    assert len(fcs) == 5
    names = set(boundaries.emd_of(code)["name_ko"])
    assert "오창읍" in names and "오창읍" in html_text


# --------------------------------------------------------------------------- escaping


def test_hostile_names_are_escaped_everywhere(values: pd.DataFrame, records: pd.DataFrame) -> None:
    vals = values.copy()
    vals["programs_ko"] = HOSTILE
    recs = records.copy()
    sv = recs.index[(recs["program_type"] == "smart_village") & recs["lat"].notna()][0]
    dd = recs.index[recs["program_type"] == "innovation_district"][-1]
    cnt = recs.index[(recs["program_type"] == "smart_village") & recs["lat"].isna() & (recs["at_sigungu"] != "")][0]
    spec = recs.index[recs["specialty"] == "manufacturing"][0]
    for i in (sv, dd, cnt, spec):
        recs.loc[i, "name_ko"] = HOSTILE
    recs["source_url"] = "https://evil.example/" + HOSTILE
    filters = {"field": HOSTILE, "year": 2024}
    m = maps.build_map(vals, recs, filters=filters, title=None)
    html_text = maps.render_html(m)
    assert "<img" not in html_text
    assert "onerror=alert(1)>" not in html_text
    # it is there, as text: tooltips/popups (JSON), legend and title (control HTML)
    decoded = json.dumps([json_blobs(html_text, k) for k in ("T = ", "P = ", ", D = ")], ensure_ascii=False)
    assert decoded.count(HOSTILE_ESCAPED) >= 5
    controls = [json.loads(x) for x in re.findall(r"var HTML = (\"(?:[^\"\\]|\\.)*\");", html_text)]
    title = next(c for c in controls if "kdim-title" in c)
    assert HOSTILE_ESCAPED in title and HOSTILE not in title
    assert "<img" not in "".join(controls)
    # the page title of a standalone export
    assert HOSTILE_ESCAPED in maps.title_html(level="sido", metric="records", lang="en", filters={"field": HOSTILE})


def test_js_json_cannot_close_a_script() -> None:
    s = maps.js_json({"x": "</script><script>alert(1)</script>", "y": "<!--", "z": "a&b"})
    assert "<" not in s and ">" not in s and "&" not in s
    assert json.loads(s)["x"] == "</script><script>alert(1)</script>"


# --------------------------------------------------------------------------- classes and no-data


@pytest.mark.parametrize("scheme", maps.SCHEMES)
@pytest.mark.parametrize("k", [1, 3, 5, 7, 9])
def test_legend_classes_cover_the_data(scheme: str, k: int) -> None:
    import numpy as np

    rng = np.random.default_rng(k)
    y = [*np.round(rng.lognormal(3, 1.2, 200), 1).tolist(), 0.0, 0.0]
    bins, _ = maps.classify(y, k, scheme)
    assert 1 <= len(bins) <= k
    assert sum(b.count for b in bins) == len(y)
    assert bins[0].lo == min(y) and bins[-1].hi == max(y)
    for a, b in itertools.pairwise(bins):
        assert a.hi < b.lo  # ordered, no overlap
    for v in y:
        i = maps.class_of(v, bins)
        assert bins[i].lo <= v <= bins[i].hi
    assert len({b.colour for b in bins}) == len(bins)


def test_fewer_unique_values_than_k() -> None:
    bins, _ = maps.classify([5, 5, 7, 7, 7], k=5)
    assert [(b.lo, b.hi, b.count) for b in bins] == [(5, 5, 2), (7, 7, 3)]
    assert maps.classify([], k=5) == ([], [])
    assert len(maps.classify([3.0], k=5)[0]) == 1


FILL = maps.MapSettings(represent="fill")  # the choropleth ("표현: 색"); totals default to circles


def test_nodata_is_not_zero_and_legend_matches_styles() -> None:
    values = {"11110": 0.0, "11140": 10.0, "11170": 250.0, "11200": 1000.0}
    _, res = maps.choropleth_layer(values, level="sigungu", metric="life_total", lang="ko", settings=FILL)
    assert res.has_nodata
    zero, nodata = res.styles["11110"], res.styles["11215"]
    assert "kdim-nodata" in nodata["className"] and nodata["fillColor"] == maps.NODATA_FILL
    assert "kdim-nodata" not in zero["className"] and zero["fillColor"] == res.bins[0].colour
    assert zero["fillColor"] != nodata["fillColor"]
    for code, v in values.items():
        b = res.bins[maps.class_of(v, res.bins)]
        assert res.styles[code]["fillColor"] == b.colour and b.lo <= v <= b.hi
    legend = maps.legend_html(res, lang="ko")
    assert legend.count('class="row kdim-class"') == len(res.bins)
    assert "자료 없음" in legend and "sw nodata" in legend
    assert "(억원)" in legend


def test_totals_are_circles_by_default_area_proportional_largest_first() -> None:
    values = {"11110": 0.0, "11140": 10.0, "11170": 250.0, "11200": 1000.0, "26440": 40.0}
    fg, res = maps.choropleth_layer(values, level="sigungu", metric="life_total", lang="ko")
    K = json_blobs(maps.render_html(folium.Map().add_child(fg)), "K = ")[0]
    # no circle for a zero, one per positive value, largest first (the small ones drawn on top)
    assert K["c"] == ["11200", "11170", "26440", "11140"]
    s = res.circles
    assert s is not None and s.vmax == 1000.0 and K["r"][0] == s.max_radius
    # area ∝ value: r² / value is the same for every circle above the minimum radius
    ratios = [r * r / values[c] for c, r in zip(K["c"], K["r"], strict=True) if r > maps.symbols.MIN_RADIUS]
    assert len(ratios) >= 3 and max(ratios) / min(ratios) < 1.01
    assert s.refs == (1000.0, 200.0, 60.0)  # rounded: ~max, ~max/4, ~max/16
    # regions with a value: one light neutral, whatever the value; without records: hatched
    assert {res.styles[c]["fillColor"] for c in values} == {maps.VALUED_FILL}
    assert "kdim-nodata" in res.styles["11215"]["className"] and res.bins == []
    legend = maps.legend_html(res, lang="en")
    assert legend.count('class="kdim-ref"') == 3 and 'data-value="200.0"' in legend
    assert "kdim-class" not in legend and "circle area = value" in legend and "sw nodata" in legend
    # a change between two years stays a (diverging) choropleth: a signed value has no area
    _, change = maps.choropleth_layer({"11110": -5.0, "11140": 8.0}, level="sigungu", diverging=True)
    assert change.circles is None and change.bins


def test_count_references_are_whole_and_the_scale_is_shared() -> None:
    assert maps.reference_values(3, integers=True) == (3.0, 1.0)
    assert maps.reference_values(47, integers=True) == (40.0, 10.0, 2.0)
    assert maps.reference_values(0.9) == (0.9, 0.2, 0.05)
    # two years side by side: one scale from both years' values
    _, res = maps.choropleth_layer({"11": 100.0}, level="sido", breaks_from=[100.0, 400.0])
    assert res.circles.vmax == 400.0 and res.circles.radius(100.0) == res.circles.max_radius / 2


def test_focus_mutes_outside_regions(values: pd.DataFrame) -> None:
    focus = maps.focus_codes("sigungu", Filters(region_group="호남권"))
    assert focus and all(c[:2] in ("29", "46", "52") for c in focus)
    _, res = maps.choropleth_layer(values, level="sigungu", focus=focus, settings=FILL)
    outside = [c for c, s in res.styles.items() if "kdim-outside" in s["className"]]
    assert len(outside) == 229 - len(focus)
    assert maps.focus_codes("sido", Filters(sigungu_code="43110")) == ("43",)
    assert maps.focus_codes("sigungu", Filters()) is None


# --------------------------------------------------------------------------- languages


def test_both_languages(values: pd.DataFrame, records: pd.DataFrame) -> None:
    pages = {lang: maps.render_html(maps.build_map(values, records, lang=lang)) for lang in maps.LANGS}
    tips = {lang: json.dumps(json_blobs(p, "T = ")[0], ensure_ascii=False) for lang, p in pages.items()}
    assert "대구광역시 수성구" in tips["ko"] and "Suseong-gu, Daegu" in tips["en"]
    assert "Suseong-gu" not in tips["ko"] and "수성구" not in tips["en"]
    assert "국가 디지털 혁신지구" in pages["ko"] and "National digital innovation districts" in pages["en"]
    assert "스마트빌리지" in pages["ko"] and "Smart Village" in pages["en"]
    assert "Program records" in tips["en"] and "사업 기록" in tips["ko"]
    with pytest.raises(ValueError):
        maps.base_map(lang="fr")


def test_title_and_filters_in_words() -> None:
    t = maps.title_html(
        level="sigungu",
        metric="life_total",
        lang="ko",
        filters=Filters(region_group="호남권", specialty="agriculture", year=2024),
    )
    assert "2024년 시군구별" in t and "권역: 호남권" in t and "특화: 농업" in t
    e = maps.title_html(level="sido", metric="records", lang="en", filters=Filters(sido_code="52"))
    assert "by province" in e and "province: Jeonbuk State" in e


# --------------------------------------------------------------------------- determinism and speed


def test_identical_inputs_give_identical_bytes(values: pd.DataFrame, records: pd.DataFrame, page: str) -> None:
    again = maps.render_html(
        maps.build_map(values, records, level="sigungu", metric="life_total", lang="ko", filters=Filters())
    )
    assert again == page
    # and in a fresh process (no state shared with this one)
    code = (
        "from geo import maps; from geo.join import Filters, aggregate, apply_filters;"
        "from geo.programs import load_programs; import hashlib, sys;"
        "r = apply_filters(load_programs().records, Filters()); v = aggregate(r, 'sigungu', 'life_total');"
        "h = maps.render_html(maps.build_map(v, r, level='sigungu', metric='life_total', lang='ko',"
        " filters=Filters())); sys.stdout.write(hashlib.sha256(h.encode()).hexdigest())"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == hashlib.sha256(page.encode()).hexdigest()


def test_base_map_key_is_stable_across_filters(records: pd.DataFrame) -> None:
    """What streamlit-folium hashes (the base map script) does not depend on the filters."""
    keys, fgs = set(), []
    for f in (Filters(), Filters(region_group="호남권"), Filters(program_type="smart_village")):
        recs = apply_filters(records, f)
        m = maps.base_map("sigungu", "ko")
        groups = maps.overlay_layers(
            aggregate(recs, "sigungu", "records"),
            recs,
            metric="records",
            filters=f,
            focus=maps.focus_codes("sigungu", f),
        )
        m.get_root().render()
        keys.add(sf.generate_js_hash(sf._get_map_string(m), "map", False))
        fgs.append("".join(sf._get_feature_group_string(g, map=m, idx=i) for i, g in enumerate(groups)))
        assert "https://" not in sf._get_header(m)
    assert len(keys) == 1
    assert len(set(fgs)) == 3


@pytest.mark.parametrize(
    ("boxes", "want"),
    [
        (("title", "legend", "source"), {"kdim-titlebox", "kdim-legend", "kdim-source"}),  # the default
        (("source",), {"kdim-source"}),
        ((), set()),  # two years side by side: the page draws the title, legend and source line outside
    ],
)
def test_the_notes_group_carries_the_boxes_asked_for(records: pd.DataFrame, boxes, want) -> None:
    """overlay_layers(boxes=...): the last (uncontrolled) group holds only the boxes named, and
    always the fit; the other groups do not change."""
    args = {"values": aggregate(records, "sido", "records"), "records": records, "level": "sido", "metric": "records"}
    groups = maps.overlay_layers(**args, boxes=boxes)
    notes = maps.render_html(folium.Map().add_child(groups[-1]))
    drawn = set(re.findall(r'"kdim-box (kdim-titlebox|kdim-legend)"|"(kdim-source)"', notes))
    assert {a or b for a, b in drawn} == want
    # a title left out of the boxes stays in the frame for screen readers only
    assert ('"kdim-sr kdim-title-sr"' in notes) == ("title" not in boxes)
    assert "kdim.fit(PARENT" in notes and "var HTML" in notes
    default = maps.overlay_layers(**args)
    m = maps.base_map("sido", "ko")
    m.get_root().render()
    scripts = [[sf._get_feature_group_string(g, map=m, idx=i) for i, g in enumerate(gs[:-1])]
               for gs in (groups, default)]  # fmt: skip
    assert scripts[0] == scripts[1]


def test_feature_groups_replace_not_accumulate(records: pd.DataFrame) -> None:
    """streamlit-folium pushes each group onto window.feature_group and never empties it; our
    first group's script empties it before any push, so old layers are not kept alive."""
    m = maps.base_map("sido", "ko")
    groups = maps.overlay_layers(aggregate(records, "sido", "records"), records, level="sido", metric="records")
    m.get_root().render()
    js = "".join(sf._get_feature_group_string(g, map=m, idx=i) for i, g in enumerate(groups))
    reset, first_push = js.index("window.feature_group = [];"), js.index("window.feature_group.push(")
    assert reset < first_push
    assert js.count("window.feature_group = [];") == 1
    assert js.count("window.feature_group.push(") == len(groups)


def test_animations_off_unless_asked() -> None:
    """Zoom and fade animations redraw the map every frame (software raster on GPU-less PCs)."""
    quiet = maps.render_html(maps.base_map("sido", "ko"))
    assert '"zoomAnimation": false' in quiet and '"fadeAnimation": false' in quiet
    lively = maps.render_html(maps.base_map("sido", "ko", maps.MapSettings(animate=True)))
    assert "zoomAnimation" not in lively


def test_national_sigungu_export_under_1mb(values: pd.DataFrame, records: pd.DataFrame) -> None:
    html_text = export.standalone_html(maps.build_map(values, records, level="sigungu"))
    assert len(html_text.encode("utf-8")) < 1_000_000


def test_region_at() -> None:
    assert maps.region_at("sigungu", 36.642, 127.489) == "43110"  # 청주시청 근처
    assert maps.region_at("sido", 33.38, 126.55) == "50"
    assert maps.region_at("sido", 36.0, 131.5) is None  # sea


@pytest.mark.parametrize("lang", maps.LANGS)
def test_each_scene_draws_and_lists_only_what_it_asks(records: pd.DataFrame, lang: str) -> None:
    """Issue 29, part 4: a preset's layers follow its question; the legend lists what is drawn
    (≤ 7 classes, ≤ 3 symbol rows); titles name a year once; English units are English."""
    from geo import view

    want = {"districts": {"districts"}, "ai": {"specialties"}, "sv2024": {"village"}, "budget": set()}
    for name, symbols in want.items():
        state = view.preset(name, lang)
        v = view.compute(records, state)
        args = view.map_arguments(v, maps.MapSettings(represent=state.represent))
        layers = set(args["layers"]) - {"choropleth"}
        assert layers == symbols, name
        # the opening view (no type) offers the other symbols off, in the layer switch; a type's scene none
        assert set(args["off"]) == ({"districts", "village", "specialties"} if name == "budget" else set()), name
        groups = maps.overlay_layers(**args)
        html_text = maps.render_html(folium.Map().add_child(groups[-1]))
        controls = [json.loads(x) for x in re.findall(r"var HTML = (\"(?:[^\"\\]|\\.)*\");", html_text)]
        legend = next(c for c in controls if "<h4>" in c)
        shown = re.findall(r'<div class="row kdim-lg-(\w+)">', legend)
        hidden = re.findall(r'<div class="row kdim-lg-(\w+)" hidden>', legend)
        assert set(shown) == layers and set(hidden) == set(args["off"]), (name, shown, hidden)
        assert len(shown) <= 3, (name, legend)
        assert legend.count("kdim-class") <= 7
        drawn = maps.render_html(maps.build_map(**{k: a for k, a in args.items() if k != "settings"}))
        assert drawn.count("kdim.startOff(") == len(args["off"]), name
        title = maps.page_title(level=state.level, metric=state.metric, lang=lang, filters=state.filters())
        assert title.count("2024") <= 1, title
        if lang == "en":
            assert "억원" not in title and "억원" not in legend, (title, legend)
