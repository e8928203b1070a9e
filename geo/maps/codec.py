"""The geometry codec: GeoJSON whose rings are Google encoded polylines, decoded in the page.

Each ring is an encoded polyline (precision 5, lat,lng order, the format of Google's Polyline
Algorithm): delta + zigzag + 5-bit varint in the characters ``?``..``~``. kdim.js decodes it
straight into L.LatLng objects (until issue 30 with the vendored ``@mapbox/polyline`` 1.2.1, whose
[lat, lng] arrays were made only to be thrown away).
About 4x smaller than GeoJSON text.

Why this format (benchmarks/bench_codec.py, 2026-12-01; ratios to the home-made encoding it
replaced, a base64-alphabet varint in lon,lat order; browser figures are medians of 21 page
loads in headless Chromium):

| layer | format | payload | gzip | decode + draw | + paint |
|---|---|---|---|---|---|
| 시군구 | encoded polyline | 141,982 B (1.00×) | 84,192 B (1.00×) | 144 ms (1.07×) | 187 ms (1.07×) |
| 시군구 | TopoJSON (1e-5° grid) | 219,608 B (1.55×) | 84,069 B (1.00×) | 129 ms (0.95×) | 192 ms (1.10×) |
| 시도 | encoded polyline | 68,217 B (1.00×) | 46,039 B (1.00×) | 65 ms (1.04×) | 108 ms (1.04×) |
| 시도 | TopoJSON (1e-5° grid) | 128,773 B (1.89×) | 51,615 B (1.12×) | 64 ms (1.02×) | 98 ms (0.95×) |

A second run (a busier machine, so slower throughout) timing this module and kdim.js as
shipped: 시군구 decode + draw 1.09×, + paint 1.05×; 시도 0.79×, 0.92×.

The home-made one was 141,585 B / 68,010 B embedded. The rule was "prefer a standard whose
payload and draw time are within 10%": the polyline is (payload +0.3%, the odd ``\\`` that
JSON escapes; draw +4..9%), TopoJSON is not (its shared arcs are decimal integer arrays: 1.5-1.9×
the embedded text, though gzip evens it out). Python encoding stays here, vectorised like the
old one and checked against the PyPI ``polyline`` package by the benchmark and Google's own
example by the tests; no new runtime dependency.

The whole national 시군구 page (standalone export, navigation → 229 polygons drawn, the
benchmarks/bench_map.py measure) did not get measurably slower: in three paired runs,
interleaved in one Chromium on a busy 2-CPU machine, medians were 486 → 585, 596 → 609 and
603 → 523 ms (before → after); its payload grew by the decoder, 499,492 → 506,485 B.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely

from geo.maps.markup import js_json

PRECISION = 5  # decimals, as geo.boundaries rounds the display layers (~1 m)
COORD_SCALE = 10**PRECISION


def _varints(values: np.ndarray) -> str:
    """Zigzag + 5-bit varint of a flat int array, each 5 bits + 63 as one character."""
    zz = np.where(values < 0, ~(values << 1), values << 1).astype(np.int64)
    out = []
    for v in zz.tolist():
        while v >= 32:
            out.append(chr(((v & 31) | 32) + 63))
            v >>= 5
        out.append(chr(v + 63))
    return "".join(out)


def encode_ring(coords: np.ndarray, scale: int = COORD_SCALE) -> str:
    """One ring ([[lon, lat], ...]) as an encoded polyline (lat,lng order, as the format has it)."""
    ints = np.rint(np.asarray(coords, dtype=float)[:, 1::-1] * scale).astype(np.int64)
    deltas = np.diff(ints, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    return _varints(deltas.ravel())


def decode_ring(text: str, scale: int = COORD_SCALE) -> list[list[float]]:
    """Inverse of encode_ring, back to [[lon, lat], ...] (tests read the embedded geometry with it)."""
    vals, v, shift = [], 0, 0
    for ch in text:
        c = ord(ch) - 63
        v |= (c & 31) << shift
        shift += 5
        if not c & 32:
            vals.append(~(v >> 1) if v & 1 else v >> 1)
            v, shift = 0, 0
    arr = np.cumsum(np.asarray(vals, dtype=np.int64).reshape(-1, 2), axis=0)
    return (arr[:, ::-1] / scale).tolist()


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


def feature_collection(codes: Sequence[str], geoms: np.ndarray) -> str:
    """Encoded GeoJSON text with ``id`` = code and no properties (styles travel separately)."""
    feats = []
    for c, g in zip(codes, geoms, strict=True):
        geom = _encode_geometry(g)
        if geom is not None:
            feats.append({"type": "Feature", "id": str(c), "properties": {}, "geometry": geom})
    return js_json({"type": "FeatureCollection", "precision": PRECISION, "features": feats})
