"""Figures for the Streamlit app (issue 5): cold start to first map, server time of a filter change.

Run: python benchmarks/bench_app.py [--changes 12]

Prints, measured in this run on this machine:
- cold start (browser): `streamlit run app.py` or `python -m geo serve` started → health check
  answers → a fresh Chromium page has drawn the map's polygons (median of 5 server starts; the ways are taken in turn);
- the floor of that figure: the same for a one-polygon streamlit-folium page (FLOOR_APP), i.e.
  what Streamlit's boot, its frontend, the component's iframe and Leaflet cost before any work
  of this app;
- first visitor of a started server: `python -m geo serve` has finished its start-up (its
  warm-up says so in the log), then the first page opens; a second visitor as the baseline;
- where that time goes: when each step of a first page happened (PHASES), per way;
- cold start (server only): a fresh interpreter runs the script once (imports, data, map);
- filter change: the server's script time for a rerun after one widget change (AppTest, warm),
  p50/p95 over several changes, with a rerun that changes nothing as the baseline (ratio).
Targets: cold start under 4 s, filter change under 300 ms.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SERVER_ONLY = """
import time, sys
t = time.perf_counter()
sys.path.insert(0, {root!r})
from streamlit.testing.v1 import AppTest
at = AppTest.from_file({app!r}, default_timeout=120)
at.run()
assert not at.exception, at.exception
print(time.perf_counter() - t)
"""

FLOOR_APP = """
import sys

import folium
import streamlit as st
from streamlit_folium import st_folium

sys.path.insert(0, {root!r})
from geo import offline  # the same Leaflet files, served by the same static folder


class Map(folium.Map):
    default_js = list(offline.JS_LINKS)
    default_css = list(offline.CSS_LINKS)


st.title("floor")
m = Map(location=[36.3, 127.8], zoom_start=7, tiles=None)
square = [[[126.0, 35.0], [128.0, 35.0], [128.0, 37.0], [126.0, 37.0], [126.0, 35.0]]]
folium.GeoJson({{"type": "Polygon", "coordinates": square}}).add_to(m)
st_folium(m, key="map", height=640, returned_objects=[])
"""

CHANGES = [
    ("w_group", "호남권"),
    ("w_group", ""),
    ("w_spec", "manufacturing"),
    ("w_spec", ""),
    ("w_type", "smart_village"),
    ("w_year", 2024),
    ("w_type", ""),
    ("w_year", ""),
    ("w_sido", "26"),
    ("w_sido", ""),
    ("w_field", "거점 조성"),
    ("w_field", ""),
]


# What a first page waits for, in order (bench_app prints the median time of each step).
PHASES = (
    ("server up", "the health check answers"),
    ("browser page", "Chromium started, a page opened (the same for every way)"),
    ("page shell", "Streamlit's HTML and script bundle loaded (DOMContentLoaded)"),
    ("websocket", "the frontend connected to the server"),
    ("map delta", "the largest message before the map frame: the script's output with the map"),
    ("map frame", "the component's iframe is in the page"),
    ("leaflet", "Leaflet's map container exists in the iframe"),
    ("polygons", "the first region polygon is drawn"),
)


def open_until_map(page, url: str, marks: dict[str, float] | None = None) -> None:  # type: ignore[no-untyped-def]
    """Open the page with every outside request refused at once (as on a separated network: the
    floor page's folium asks for CDN files) and wait until Leaflet has drawn a polygon; with
    ``marks``, note when each of PHASES after "browser page" happened (perf_counter)."""
    from tests.e2e.helpers import MAP_IFRAME
    from tests.e2e.server import is_local_url

    marks = {} if marks is None else marks
    frames: list[tuple[float, int]] = []

    def on_socket(ws) -> None:  # type: ignore[no-untyped-def]
        marks.setdefault("websocket", time.perf_counter())
        ws.on("framereceived", lambda payload: frames.append((time.perf_counter(), len(payload))))

    page.on("domcontentloaded", lambda _page: marks.setdefault("page shell", time.perf_counter()))
    page.on("websocket", on_socket)
    page.route("**/*", lambda r: r.continue_() if is_local_url(r.request.url) else r.abort())
    page.goto(url)
    page.wait_for_selector(MAP_IFRAME, state="attached", timeout=60_000)
    marks["map frame"] = time.perf_counter()
    inner = page.frame_locator(MAP_IFRAME)
    inner.locator(".leaflet-container").wait_for(state="attached", timeout=60_000)
    marks["leaflet"] = time.perf_counter()
    inner.locator("path.leaflet-interactive").first.wait_for(timeout=60_000)
    marks["polygons"] = time.perf_counter()
    before = [f for f in frames if f[0] <= marks["map frame"]]
    if before:
        marks["map delta"] = max(before, key=lambda f: f[1])[0]


def browser_cold_start(warm: bool = False, app: str = "app.py") -> tuple[float, float, dict[str, float]]:
    """Server process start → polygons drawn in a fresh browser page, health → drawn (s), and
    when each of PHASES happened (s after launch)."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.server import StreamlitServer, launch_chromium

    t0 = time.perf_counter()
    with StreamlitServer(warm=warm, app=app) as srv, sync_playwright() as p:
        healthy = time.perf_counter()
        browser = launch_chromium(p)
        page = browser.new_page()
        marks = {"server up": healthy, "browser page": time.perf_counter()}
        open_until_map(page, srv.url, marks)
        done = time.perf_counter()
        browser.close()
    return done - t0, done - healthy, {k: v - t0 for k, v in marks.items()}


def first_visitors() -> tuple[float, float, float]:
    """`geo serve` started and warmed up → first visitor's map (s), second visitor's, start-up (s)."""
    from playwright.sync_api import sync_playwright

    from geo.serve import WARM_DONE
    from tests.e2e.server import StreamlitServer, launch_chromium

    t0 = time.perf_counter()
    with StreamlitServer(warm=True) as srv, sync_playwright() as p:
        deadline = time.monotonic() + 120
        while WARM_DONE not in srv.log_tail(200):
            if time.monotonic() > deadline:
                raise RuntimeError(f"no {WARM_DONE!r} in the server log:\n{srv.log_tail()}")
            time.sleep(0.1)
        ready = time.perf_counter() - t0
        print(next(line for line in srv.log_tail(200).splitlines() if WARM_DONE in line).strip())
        browser = launch_chromium(p)
        times = []
        for _ in range(2):
            ctx = browser.new_context()
            page = ctx.new_page()
            t = time.perf_counter()
            open_until_map(page, srv.url)
            times.append(time.perf_counter() - t)
            ctx.close()
        browser.close()
    return times[0], times[1], ready


def server_cold_start() -> float:
    code = SERVER_ONLY.format(root=str(ROOT), app=str(ROOT / "app.py"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return float(out.stdout.strip().splitlines()[-1])


def filter_changes(n: int) -> tuple[list[float], list[float]]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.run()  # warm: caches filled, first-rerun costs paid
    noop, change = [], []
    for i in range(n):
        t = time.perf_counter()
        at.run()
        noop.append(time.perf_counter() - t)
        key, value = CHANGES[i % len(CHANGES)]
        widget = at.selectbox(key=key)
        t = time.perf_counter()
        widget.set_value(value).run()
        change.append(time.perf_counter() - t)
        assert not at.exception, at.exception
    return noop, change


def phase_table(runs: dict[str, list[tuple[float, float, dict[str, float]]]]) -> str:
    """Each phase's median time after launch per way, and the step from the phase before."""
    names = list(runs)
    lines = ["where a first page's time goes (median s after launch; in brackets: since the step before):"]
    lines.append("  " + " | ".join(["step".ljust(13), *(n.ljust(22) for n in names)]))
    previous = dict.fromkeys(names, 0.0)
    for key, what in PHASES:
        cells = []
        for n in names:
            got = [r[2][key] for r in runs[n] if key in r[2]]
            if not got:
                cells.append("—".ljust(22))
                continue
            at = statistics.median(got)
            cells.append(f"{at:5.2f} (+{at - previous[n]:.2f})".ljust(22))
            previous[n] = at
        lines.append("  " + " | ".join([key.ljust(13), *cells]) + f"  {what}")
    return "\n".join(lines)


def spread(runs: list[tuple[float, float, dict[str, float]]]) -> str:
    xs = sorted(r[0] for r in runs)
    return f"launch → map {xs[0]:.2f}–{xs[-1]:.2f} s"


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q * (len(xs) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--changes", type=int, default=12)
    ap.add_argument("--starts", type=int, default=5, help="server starts per way, taken in turn")
    args = ap.parse_args()
    subprocess.run([sys.executable, "-m", "geo", "prepare-static"], check=True, cwd=ROOT, capture_output=True)

    ways = (("floor", False), ("streamlit run app.py", False), ("python -m geo serve", True))
    runs: dict[str, list[tuple[float, float, dict[str, float]]]] = {how: [] for how, _ in ways}
    with tempfile.TemporaryDirectory() as tmp:
        floor_app = Path(tmp) / "floor_app.py"
        floor_app.write_text(FLOOR_APP.format(root=str(ROOT)), encoding="utf-8")
        (Path(tmp) / "static").symlink_to(ROOT / "static")  # Streamlit serves static/ beside the script
        # Round robin, not one way after the other: a machine that slows down or speeds up during
        # the run moves the floor and the app alike, and their ratio stays fair.
        for _ in range(args.starts):
            for how, warm in ways:
                runs[how].append(browser_cold_start(warm, str(floor_app) if how == "floor" else "app.py"))
    floor = statistics.median(r[0] for r in runs["floor"])
    print(
        f"floor: a one-polygon streamlit-folium page via `streamlit run` (browser): launch → map {floor:.2f} s;"
        f" server healthy → map {statistics.median(r[1] for r in runs['floor']):.2f} s"
        f" (median of {args.starts}; {spread(runs['floor'])})"
    )
    for how, _ in ways[1:]:
        launch = statistics.median(r[0] for r in runs[how])
        first = statistics.median(r[1] for r in runs[how])
        print(
            f"cold start to first map via `{how}` (browser): launch → map {launch:.2f} s"
            f" ({launch / floor:.2f}× the floor); server healthy → map for the first visitor {first:.2f} s"
            f" (median of {args.starts}; {spread(runs[how])}; target < 4 s)"
        )
    print(phase_table(runs))
    visits = [first_visitors() for _ in range(args.starts)]
    first, second, ready = (statistics.median(v[i] for v in visits) for i in range(3))
    print(
        f"first visitor of a started `python -m geo serve` (start-up done {ready:.2f} s after launch):"
        f" page opened → map {first:.2f} s; second visitor {second:.2f} s; ratio {first / second:.2f}×"
        f" (median of {len(visits)}; target < 4 s)"
    )
    server = [server_cold_start() for _ in range(args.starts)]
    print(f"cold start, server script only (fresh interpreter): median {statistics.median(server):.2f} s")
    noop, change = filter_changes(args.changes)
    base = statistics.median(noop)
    print(
        f"filter change, server script time: p50 {pct(change, 0.5) * 1000:.0f} ms, "
        f"p95 {pct(change, 0.95) * 1000:.0f} ms over {len(change)} changes (target < 300 ms); "
        f"baseline rerun without change p50 {base * 1000:.0f} ms; ratio {pct(change, 0.5) / base:.2f}×"
    )


if __name__ == "__main__":
    main()
