"""Figures for the boundary layers (issue 2): display payload, displacement, load times.

Run: python benchmarks/bench_boundaries.py

Prints, measured in this run:
- the national 시군구 display layer as GeoJSON (bytes) against the raw bundle rendered by
  ``GeoDataFrame.explore()`` (the baseline), whether it is still a valid coverage, and its
  displacement from the clean source (Hausdorff distance per unit, metres: p50/p95/max);
- the time to load the three built layers cold (a fresh interpreter: import + read) and
  warm (the cached call in the same process).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo import boundaries  # noqa: E402

COLD = """
import time, sys
t0 = time.perf_counter()
sys.path.insert(0, {root!r})
from geo import boundaries
t1 = time.perf_counter()
for level in boundaries.LEVELS:
    boundaries.load_layer(level)
t2 = time.perf_counter()
print(f"{{t1 - t0:.3f}} {{t2 - t1:.3f}}")
"""


def displacement_m(source, display) -> np.ndarray:
    """Hausdorff distance between each source polygon and its display version, in metres."""
    src = source.to_crs(5179).geometry.values
    dis = display.to_crs(5179).geometry.values
    return shapely.hausdorff_distance(src, dis)


def main() -> None:
    raw = boundaries._bundle("sigungu")
    raw["budget"] = np.arange(len(raw), dtype=float)  # a metric column, as the map would colour
    t = time.perf_counter()
    explore_html = raw.explore(column="budget").get_root().render()
    explore_s = time.perf_counter() - t
    explore_bytes = len(explore_html.encode())

    for band in boundaries.DISPLAY_TOLERANCE_M:
        boundaries.display_layer.cache_clear()
        boundaries.display_geojson.cache_clear()
        t = time.perf_counter()
        text = boundaries.display_geojson("sigungu", band)
        build_s = time.perf_counter() - t
        disp = boundaries.display_layer("sigungu", band)
        d = displacement_m(boundaries.load_layer("sigungu"), disp)
        n_coords = int(shapely.get_num_coordinates(disp.geometry.values).sum())
        print(
            f"시군구 display [{band:8s} tol {boundaries.DISPLAY_TOLERANCE_M[band]:5.0f} m]: "
            f"{len(text.encode()) / 1e6:.3f} MB GeoJSON, {n_coords:,} vertices, "
            f"valid coverage {shapely.coverage_is_valid(disp.geometry.values)}, "
            f"displacement p50 {np.percentile(d, 50):.0f} m / p95 {np.percentile(d, 95):.0f} m / "
            f"max {d.max():.0f} m, ready in {build_s:.2f} s (stored layer read + GeoJSON)"
        )
    national = len(boundaries.display_geojson("sigungu", "national").encode())
    src_vertices = int(shapely.get_num_coordinates(boundaries.load_layer("sigungu").geometry.values).sum())
    print(
        f"baseline: raw bundle 시군구 via GeoDataFrame.explore(): {explore_bytes / 1e6:.2f} MB HTML "
        f"in {explore_s:.2f} s; clean source {src_vertices:,} vertices"
    )
    print(f"ratio national display GeoJSON / explore() HTML: 1/{explore_bytes / national:.1f}")

    colds = []
    for _ in range(3):
        out = subprocess.run(
            [sys.executable, "-c", COLD.format(root=str(ROOT))], capture_output=True, text=True, check=True
        )
        imp, read = map(float, out.stdout.split())
        colds.append((imp, read))
    imp, read = np.median(np.array(colds), axis=0)
    boundaries.load_layer.cache_clear()
    for level in boundaries.LEVELS:
        boundaries.load_layer(level)
    t = time.perf_counter()
    for _ in range(100):
        for level in boundaries.LEVELS:
            boundaries.load_layer(level)
    warm = (time.perf_counter() - t) / 100
    print(
        f"load all three layers: cold {read * 1000:.0f} ms read (+{imp * 1000:.0f} ms imports, "
        f"median of 3 fresh processes); warm {warm * 1e6:.1f} µs (cached); "
        f"cold/warm ratio {read / warm:,.0f}×"
    )


if __name__ == "__main__":
    main()
