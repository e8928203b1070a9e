"""Benchmark the map's geometry codec against two standard formats, on the 시군구 and 시도 layers.

Run:  PYTHONPATH=/tmp/codec-pip python benchmarks/bench_codec.py [--runs 9] [--npm /tmp/codec-npm/node_modules]

Needs, outside the repository (nothing here is a dependency of the app):
  pip install --target /tmp/codec-pip polyline==2.0.4 topojson==2.2   (numpy, shapely already there)
  cd /tmp/codec-npm && npm install @mapbox/polyline@1.2.1 topojson-client@3.1.0

The layers are what the map draws: ``boundaries.display_layer(level, "national")`` after
``geometry.drop_islets``. Three formats of the same coordinates (all on the 1e-5° grid):

- ``varint``   the home-made codec the map shipped until 2026-12-01 (kept below as the baseline:
               GeoJSON with delta + zigzag + 5-bit varint ring strings in a base64 alphabet,
               lon,lat), decoded by that version of kdim.js's ``ring`` straight into L.LatLng;
- ``polyline`` the same GeoJSON with Google encoded polyline rings (precision 5, lat,lng order;
               encoded by PyPI ``polyline``, checked ring for ring against a vectorised encoder),
               decoded by npm ``@mapbox/polyline`` ``decode()`` into [lat, lng] arrays, then
               L.LatLng through ``coordsToLatLng``;
- ``polyline (app)`` what the map ships now: geo/maps/codec.py's encoder and geo/web/shapes.js's
               ``kdimGeo``, decoding into one Float64Array store, drawn by its packed shapes
               (``kdimShapes.shapes``; issue 30; it used the vendored @mapbox/polyline until then);
- ``topojson`` a TopoJSON topology (PyPI ``topojson``, arcs shared, quantized to a fixed 1e-5°
               transform so no precision is lost or added), decoded by npm ``topojson-client``
               ``feature()`` into GeoJSON, which L.geoJSON reads as usual.

Figures per format and layer, each also as a ratio to ``varint`` measured in the same run:
payload (the text as embedded in the page, JSON-escaped), its gzip size, Python encode time
(median), and in headless Chromium (Debian chromium via Playwright, the project's flags) the
median over interleaved page loads of: decode; decode + L.geoJSON(...).addTo(map) (Leaflet builds
the SVG paths synchronously); that until the next frame has been painted; and navigation →
painted (which includes parsing the embedded payload).
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench_map import timed  # noqa: E402  (median of runs: one helper for both benchmarks)

from geo import boundaries, offline  # noqa: E402
from geo.maps.codec import COORD_SCALE, feature_collection  # noqa: E402
from geo.maps.geometry import drop_islets  # noqa: E402
from geo.maps.markup import js_json  # noqa: E402
from tests.e2e.server import CHROMIUM, launch_chromium  # noqa: E402

FORMATS = ("varint", "polyline", "polyline (app)", "topojson")
LEVELS = ("sigungu", "sido")
METRICS = ("decode", "decode+draw", "…+painted", "navigation→painted")
TOPO_TRANSFORM = {"scale": [1.0 / COORD_SCALE, 1.0 / COORD_SCALE], "translate": [124.0, 33.0]}


# --------------------------------------------------------------------------- encoders

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def varint_ring(coords: np.ndarray) -> str:
    """The baseline: geo/maps/codec.py's ring encoding before encoded polylines (lon,lat, base64)."""
    ints = np.rint(np.asarray(coords, dtype=float)[:, :2] * COORD_SCALE).astype(np.int64)
    d = np.diff(ints, axis=0, prepend=np.zeros((1, 2), dtype=np.int64)).ravel()
    zz = np.where(d < 0, -2 * d - 1, 2 * d).astype(np.int64)
    out = []
    for v in zz.tolist():
        while v >= 32:
            out.append(_B64[(v & 31) | 32])
            v >>= 5
        out.append(_B64[v])
    return "".join(out)


def polyline_vectorised(coords: np.ndarray) -> str:
    """Google encoded polyline (precision 5, lat,lng) of [[lon, lat], ...]: a check on PyPI polyline."""
    ints = np.rint(np.asarray(coords, dtype=float)[:, 1::-1] * COORD_SCALE).astype(np.int64)
    d = np.diff(ints, axis=0, prepend=np.zeros((1, 2), dtype=np.int64)).ravel()
    zz = np.where(d < 0, ~(d << 1), d << 1)
    out = []
    for v in zz.tolist():
        while v >= 32:
            out.append(chr(((v & 31) | 32) + 63))
            v >>= 5
        out.append(chr(v + 63))
    return "".join(out)


def ring_collection(codes: list[str], geoms: np.ndarray, encode, **top) -> str:
    """The map's FeatureCollection layout, each ring one string from ``encode``."""

    def poly(p: shapely.Polygon) -> list[str]:
        return [encode(shapely.get_coordinates(r)) for r in (p.exterior, *p.interiors)]

    feats = []
    for c, g in zip(codes, geoms, strict=True):
        if g.geom_type == "Polygon":
            geom = {"type": "Polygon", "coordinates": poly(g)}
        else:
            geom = {"type": "MultiPolygon", "coordinates": [poly(p) for p in shapely.get_parts(g)]}
        feats.append({"type": "Feature", "id": str(c), "properties": {}, "geometry": geom})
    return js_json({"type": "FeatureCollection", **top, "features": feats})


def topojson_text(codes: list[str], geoms: np.ndarray, gdf) -> str:
    import topojson

    frame = gdf[["code"]].set_geometry(geoms, crs=gdf.crs)
    topo = topojson.Topology(frame, prequantize=TOPO_TRANSFORM, toposimplify=False, topology=True).to_dict()
    for g in topo["objects"]["data"]["geometries"]:  # id = code, no properties (as today)
        g["id"] = g.pop("properties")["code"]
    topo.pop("bbox", None)
    return js_json(topo)


def encodings(level: str, runs: int) -> dict[str, tuple[str, float]]:
    import polyline

    gdf = boundaries.display_layer(level, "national")
    codes = [str(c) for c in gdf["code"]]
    geoms = drop_islets(gdf.geometry.values)

    def pypi(coords: np.ndarray) -> str:
        return polyline.encode(np.asarray(coords)[:, 1::-1].tolist(), 5)

    rings = [r for g in geoms for p in shapely.get_parts(g) for r in (p.exterior, *p.interiors)]
    for r in rings:  # the vectorised encoder is the PyPI package's output, ring for ring
        xy = shapely.get_coordinates(r)
        assert pypi(xy) == polyline_vectorised(xy), level
    fns = {
        "varint": lambda: ring_collection(codes, geoms, varint_ring, scale=COORD_SCALE),
        "polyline": lambda: ring_collection(codes, geoms, pypi),
        "polyline (app)": lambda: feature_collection(codes, geoms),
        "topojson": lambda: topojson_text(codes, geoms, gdf),
    }
    out = {}
    for name, fn in fns.items():
        fn()  # warm-up
        t, text = timed(fn, runs)
        out[name] = (text, t)
    t_vec, _ = timed(lambda: ring_collection(codes, geoms, polyline_vectorised), runs)
    out["polyline, vectorised encoder"] = (out["polyline"][0], t_vec)
    return out


# --------------------------------------------------------------------------- pages

_VARINT_JS = """(function () {
  var ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  var TBL = new Int8Array(128);
  for (var i = 0; i < ALPHABET.length; i++) TBL[ALPHABET.charCodeAt(i)] = i;
  function ring(s, scale) {
    var out = [], i = 0, x = 0, y = 0, n = s.length, v, mul, c;
    while (i < n) {
      v = 0; mul = 1;
      do { c = TBL[s.charCodeAt(i++)]; v += (c & 31) * mul; mul *= 32; } while (c & 32);
      x += (v % 2) ? -(v + 1) / 2 : v / 2;
      v = 0; mul = 1;
      do { c = TBL[s.charCodeAt(i++)]; v += (c & 31) * mul; mul *= 32; } while (c & 32);
      y += (v % 2) ? -(v + 1) / 2 : v / 2;
      out.push(new L.LatLng(y / scale, x / scale));
    }
    return out;
  }
  window.varintGeo = function (fc) {
    var sc = fc.scale;
    fc.features.forEach(function (f) {
      var g = f.geometry;
      if (g.type === 'Polygon') g.coordinates = g.coordinates.map(function (r) { return ring(r, sc); });
      else g.coordinates = g.coordinates.map(function (p) { return p.map(function (r) { return ring(r, sc); }); });
    });
    return fc;
  };
})();"""  # kdim.js's decoder before encoded polylines, as it was

_DECODERS = {
    "varint": ("varintGeo", "function (ll) { return ll; }"),
    "polyline (app)": ("kdimGeo", ""),  # drawn by kdimShapes.shapes (page_html)
    "polyline": (
        """function (fc) {
  function ring(s) { return polyline.decode(s, 5); }
  fc.features.forEach(function (f) {
    var g = f.geometry;
    if (g.type === 'Polygon') g.coordinates = g.coordinates.map(ring);
    else g.coordinates = g.coordinates.map(function (p) { return p.map(ring); });
  });
  return fc;
}""",
        "function (c) { return new L.LatLng(c[0], c[1]); }",
    ),
    "topojson": ("function (t) { return topojson.feature(t, t.objects.data); }", "undefined"),
}


def page_html(fmt: str, payload: str, npm: Path) -> str:
    libs = []
    if fmt == "varint":
        libs.append(_VARINT_JS)
    elif fmt == "polyline (app)":
        libs.append(offline.inline_text("shapesjs"))
    elif fmt == "polyline":
        src = (npm / "@mapbox/polyline/src/polyline.js").read_text(encoding="utf-8")
        libs.append(f"(function () {{ var module = {{exports: {{}}}};\n{src}\nwindow.polyline = module.exports; }})();")
    else:
        libs.append((npm / "topojson-client/dist/topojson-client.min.js").read_text(encoding="utf-8"))
    decode, ll = _DECODERS[fmt]
    style = "{style: function () { return {weight: 0.6, color: '#555', fillColor: '#9ecae1', fillOpacity: 0.8}; }}"
    if fmt == "polyline (app)":  # the app's own shapes, drawn from the decoder's store (shapes.js)
        draw = f"kdimShapes.shapes(fc, {style})"
    else:
        draw = f"L.geoJSON(fc, L.extend({{coordsToLatLng: {ll}}}, {style}))"
    return f"""<!doctype html><html><head><meta charset="utf-8">
<style>{offline.inline_text("leaflet_css")}</style>
<script>{offline.inline_text("leaflet")}</script>
{"".join(f"<script>{x}</script>" for x in libs)}
</head><body style="margin:0"><div id="map" style="width:1280px;height:900px"></div>
<script>
var map = L.map('map', {{zoomControl: false, attributionControl: false}});
map.fitBounds([[33.11, 124.61], [38.62, 131.88]], {{padding: [8, 8], animate: false}});
var DATA = {payload};
var t0 = performance.now();
var fc = ({decode})(DATA);
var t1 = performance.now();
{draw}.addTo(map);
var t2 = performance.now();
requestAnimationFrame(function () {{ setTimeout(function () {{
  window.kdimBench = [t0, t1, t2, performance.now(), document.querySelectorAll('.leaflet-overlay-pane path').length];
}}, 0); }});
</script></body></html>"""


def browser_times(pages: dict[tuple[str, str], Path], runs: int) -> dict[tuple[str, str], dict[str, list[float]]]:
    from playwright.sync_api import sync_playwright

    def one(page, path: Path) -> dict[str, float]:
        page.goto("about:blank")
        page.goto(path.as_uri(), wait_until="commit")
        t0, t1, t2, t3, n = page.wait_for_function("() => window.kdimBench || false", timeout=60000).json_value()
        assert n > 0, path
        return {"decode": t1 - t0, "decode+draw": t2 - t0, "…+painted": t3 - t0, "navigation→painted": t3}

    def local_only(r) -> None:
        return r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort()

    res: dict[tuple[str, str], dict[str, list[float]]] = {}
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            tabs = {}
            for key, path in pages.items():
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.route("**/*", local_only)
                one(page, path)  # warm the caches and compiler
                tabs[key] = page
                res[key] = {}
            for _ in range(runs):  # interleaved, so a busy moment hits all alike
                for key, page in tabs.items():
                    for k, v in one(page, pages[key]).items():
                        res[key].setdefault(k, []).append(v)
        finally:
            browser.close()
    return res


# --------------------------------------------------------------------------- report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=9, help="browser page loads per format and layer (≥ 5)")
    ap.add_argument("--encode-runs", type=int, default=5)
    ap.add_argument("--npm", type=Path, default=Path("/tmp/codec-npm/node_modules"))
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore")

    enc = {lvl: encodings(lvl, args.encode_runs) for lvl in LEVELS}
    browser: dict = {}
    if not args.no_browser and Path(CHROMIUM).exists():
        with tempfile.TemporaryDirectory() as tmp:
            pages = {}
            for lvl in LEVELS:
                for fmt in FORMATS:
                    path = Path(tmp) / f"{lvl}-{fmt.replace(' ', '_')}.html"
                    path.write_text(page_html(fmt, enc[lvl][fmt][0], args.npm), encoding="utf-8")
                    pages[(lvl, fmt)] = path
            times = browser_times(pages, args.runs)
            browser = {k: {m: statistics.median(v) for m, v in d.items()} for k, d in times.items()}

    print(f"Browser: median of {args.runs} interleaved page loads; encode: median of {args.encode_runs}.")
    head = f"{'layer':8} {'format':30} {'payload B':>17} {'gzip B':>15} {'encode ms':>15}"
    head += "".join(f" {m + ' ms':>22}" for m in METRICS)
    print(head)
    for lvl in LEVELS:
        base_text, base_t = enc[lvl]["varint"]
        b_pay, b_gz = len(base_text.encode()), len(gzip.compress(base_text.encode(), 9))
        for fmt, (text, t) in enc[lvl].items():
            pay, gz = len(text.encode()), len(gzip.compress(text.encode(), 9))
            row = f"{lvl:8} {fmt:30} {pay:>9,} ({pay / b_pay:4.2f}×) {gz:>7,} ({gz / b_gz:4.2f}×)"
            row += f" {t * 1000:>7.1f} ({t / base_t:4.2f}×)"
            b = browser.get((lvl, fmt))
            if b:
                for m in METRICS:
                    row += f" {b[m]:>13.1f} ({b[m] / browser[(lvl, 'varint')][m]:4.2f}×)"
            print(row)
    if not browser:
        print("Chromium: skipped (--no-browser or /usr/bin/chromium missing)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
