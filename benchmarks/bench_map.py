"""Benchmark the offline map against ``GeoDataFrame.explore()`` on the same 시군구 layer and metric.

Run:  python benchmarks/bench_map.py [--metric life_total] [--runs 5] [--no-browser]

Three figures, each as a ratio measured in this one run (targets from issue 4):

1. Python time to build the map after warm-up (build + render to HTML):
   ours ≥ 20× faster than explore(), target < 100 ms.
2. HTML payload of the national 시군구 map: ours ≤ 1/8 of explore(), target < 1 MB. Ours is the
   standalone export (Leaflet and markercluster inlined, ~190 kB of it); explore()'s page links
   its libraries from CDNs, so its size excludes them (the comparison favours explore()).
3. Headless Chromium (Debian chromium via Playwright): time from navigation to all polygons
   drawn, ≥ 2× faster. Both pages are opened from disk, one at a time: each page is left for a
   blank one once idle, so none measures another's leftover work. explore()'s CDN requests are answered
   from local files with zero latency (Leaflet from xstatic; the others as empty files) and its
   tile requests are aborted, so explore() is measured as if on a perfect network.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo import boundaries, export, maps, offline  # noqa: E402
from geo.join import Filters, aggregate, apply_filters  # noqa: E402
from geo.programs import load_programs  # noqa: E402
from tests.e2e.server import CHROMIUM, launch_chromium  # noqa: E402


def timed(fn, runs: int) -> tuple[float, object]:
    """Median wall time of ``runs`` calls (after the caller's warm-up) and the last result."""
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def browser_times(pages: dict[str, tuple[Path, str]], n_regions: int, runs: int) -> dict[str, list[float]]:
    """Navigation→drawn times per page (path, selector of a drawn region), interleaved runs."""
    from playwright.sync_api import sync_playwright

    leaflet_js = offline.asset_bytes("leaflet")
    leaflet_css = offline.asset_bytes("leaflet_css")

    served = {a.url: a for a in offline.ASSETS}

    def route(r):
        url = r.request.url
        path = "/" + url.split("://", 1)[-1].split("/", 1)[-1] if url.startswith("file://") else ""
        if path in served:  # our page as the app serves it: /app/static/vendor/... from disk
            a = served[path]
            ctype = {"js": "application/javascript", "css": "text/css"}.get(a.kind, "image/png")
            return r.fulfill(status=200, content_type=ctype, body=offline.asset_bytes(a.name))
        if url.startswith(("file://", "data:")):
            return r.continue_()
        if url.endswith("leaflet.js"):
            return r.fulfill(status=200, content_type="application/javascript", body=leaflet_js)
        if url.endswith("leaflet.css"):
            return r.fulfill(status=200, content_type="text/css", body=leaflet_css)
        if url.endswith(".js"):
            return r.fulfill(status=200, content_type="application/javascript", body=b"")
        if url.endswith(".css"):
            return r.fulfill(status=200, content_type="text/css", body=b"")
        return r.abort()  # tiles, fonts

    def one(page, path: Path, selector: str) -> float:
        page.goto("about:blank")
        page.goto(path.as_uri(), wait_until="commit")
        handle = page.wait_for_function(
            f"""() => document.querySelectorAll({selector!r}).length >= {n_regions}
                       ? performance.now() : false""",
            polling="raf",
            timeout=60000,
        )
        drawn = float(handle.json_value()) / 1000.0
        # Let the page finish what follows its draw (paint, placement, explore()'s 9 MB heap) and
        # leave it, so that it does not share the CPU with the next page's measured load.
        page.evaluate("() => new Promise(r => requestIdleCallback(() => r(), {timeout: 3000}))")
        page.goto("about:blank")
        return drawn

    res: dict[str, list[float]] = {name: [] for name in pages}
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            tabs = {}
            for name, (path, sel) in pages.items():
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.route("**/*", route)
                one(page, path, sel)  # warm the browser's caches and compiler
                tabs[name] = (page, path, sel)
            for _ in range(runs):  # interleaved, so a busy moment hits all alike
                for name, (page, path, sel) in tabs.items():
                    res[name].append(one(page, path, sel))
        finally:
            browser.close()
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--metric", default=maps.DEFAULT_METRIC)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--explore-runs", type=int, default=2, help="explore() takes seconds per run")
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--keep", metavar="DIR", help="also write both pages into DIR")
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore")

    records = apply_filters(load_programs().records, Filters())
    values = aggregate(records, "sigungu", args.metric)
    layer = boundaries.load_layer("sigungu")
    gdf = layer.merge(values[["code", "value"]], on="code", how="left")
    n = len(layer)

    def ours_page() -> str:
        return maps.render_html(maps.build_map(values, records, level="sigungu", metric=args.metric))

    def explore_page() -> str:
        return gdf.explore(column="value").get_root().render()

    ours_page()  # warm-up: geometry encoded and cached once per process
    explore_page()
    t_ours, _ = timed(ours_page, max(args.runs, 10))
    t_explore, html_explore = timed(explore_page, args.explore_runs)
    standalone = export.standalone_html(maps.build_map(values, records, level="sigungu", metric=args.metric))
    size_ours = len(standalone.encode("utf-8"))
    size_linked = len(ours_page().encode("utf-8"))
    size_explore = len(str(html_explore).encode("utf-8"))

    print(f"시군구 layer: {n} units, metric {args.metric!r}, {int(values['value'].notna().sum())} with a value")
    print(
        f"1. Python build+render, warm (median): ours {t_ours * 1000:.1f} ms · explore() {t_explore:.2f} s"
        f" → {t_explore / t_ours:.0f}× faster (target ≥ 20×, < 100 ms)"
    )
    print(
        f"2. HTML payload: ours {size_ours / 1e6:.2f} MB standalone ({size_linked / 1e6:.2f} MB with "
        f"/app/static links) · explore() {size_explore / 1e6:.2f} MB (CDN-linked)"
        f" → 1/{size_explore / size_ours:.1f} (target ≤ 1/8, < 1 MB)"
    )
    if not args.no_browser and Path(CHROMIUM).exists():
        with tempfile.TemporaryDirectory() as tmp:
            files = {
                "ours (app: /app/static)": ("linked.html", ours_page(), "path.kdim-region"),
                "ours (standalone file)": ("ours.html", standalone, "path.kdim-region"),
                "explore()": ("explore.html", str(html_explore), ".leaflet-overlay-pane path.leaflet-interactive"),
            }
            out_dir = Path(args.keep) if args.keep else Path(tmp)
            out_dir.mkdir(parents=True, exist_ok=True)
            pages = {}
            for name, (fname, text, sel) in files.items():
                (out_dir / fname).write_text(text, encoding="utf-8")
                pages[name] = (out_dir / fname, sel)
            res = browser_times(pages, n, args.runs)
        med = {k: statistics.median(v) for k, v in res.items()}
        best = {k: min(v) for k, v in res.items()}
        ex_med, ex_best = med.pop("explore()"), best.pop("explore()")
        print(
            f"3. Chromium navigation → {n} polygons drawn, median (best) of {args.runs} interleaved runs:"
            f" explore() {ex_med * 1000:.0f} ms ({ex_best * 1000:.0f})"
        )
        for k in med:
            print(
                f"   {k}: {med[k] * 1000:.0f} ms ({best[k] * 1000:.0f}) → {ex_med / med[k]:.1f}× faster"
                f" ({ex_best / best[k]:.1f}× best-to-best) (target ≥ 2×)"
            )
    else:
        print("3. Chromium: skipped (--no-browser or /usr/bin/chromium missing)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
