"""Load test: N browser pages applying filters against one local server (issue 6).

Starts ``streamlit run app.py`` itself on a free localhost port (tests/e2e/server.py), opens N
pages (default 10, up to 30) in one headless Chromium, and has each page switch the 권역 filter
in a loop for a bounded time. For every change it measures the time from choosing the option
to the updated map: the choropleth's fills changed to what that 권역 must show (units outside
it muted; the legend, title and zoom change in the same browser task). It also measures the
time until the whole page has settled (Streamlit's script state back at ``notRunning``: the
figures, charts and table below the map updated too). Reports errors, p50/p95/max,
CPU per change (server and Chromium) and the server's resident memory (from /proc; psutil is
not a dependency).

Each page is one official: after the map has updated, it reads it for a think time drawn
uniformly from ``--think`` (default 5-15 s), and the pages start at random offsets so they do
not move in step. ``--think 0`` changes filters back to back: a capacity test, where the
latency is the queue of every page's work on the shared cores.

    python benchmarks/load.py                  # 10 officials, 90 s
    python benchmarks/load.py --think 0        # back to back
    python benchmarks/load.py --pages 30 --seconds 120

Target (issue 6): 0 errors and p95 under 1.5 s at 10 pages on a 2-core machine. Browsers and
server share the machine here (each official has a PC of their own), so the figures include
ten browsers' drawing time on the server's two cores.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "e2e"))

from server import CHROMIUM, CHROMIUM_ARGS, StreamlitServer, is_local_url  # noqa: E402

from geo import i18n, offline, regions  # noqa: E402

MAP_IFRAME = "iframe[title='streamlit_folium.st_folium']"
N_SIDO = 17
ALL = i18n.t("all", "ko")
# Consecutive choices always differ, so every change must redraw the map.
GROUPS = ["수도권", "호남권", "충청권", ALL, "동남권", "대경권", "강원권", ALL, "제주권", "영남권"]
OUTSIDE_FILL = "#f4f4f2"  # geo.maps.OUTSIDE_FILL (not imported: geo.maps loads the boundaries)

UPDATED_JS = f"""
([before, outside]) => {{
  const f = Array.from(document.querySelectorAll('path.kdim-region')).map(p => p.getAttribute('fill'));
  return f.length === {N_SIDO} && JSON.stringify(f) !== JSON.stringify(before)
    && f.filter(x => x === '{OUTSIDE_FILL}').length === outside;
}}
"""
FILLS_JS = "() => Array.from(document.querySelectorAll('path.kdim-region')).map(p => p.getAttribute('fill'))"


def n_outside(group: str) -> int:
    return 0 if group == ALL else N_SIDO - len(regions.sido_codes_in_group(group))


@dataclass
class Stats:
    page_times: list[float] = field(default_factory=list)  # until the script finished (whole page)
    map_times: list[float] = field(default_factory=list)  # until the fills changed (the map updated)
    errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)
    open_s: list[float] = field(default_factory=list)


async def wait_not_running(page, timeout_ms: float) -> None:  # type: ignore[no-untyped-def]
    await page.wait_for_selector("[data-test-script-state='notRunning']", state="attached", timeout=timeout_ms)


@dataclass
class Client:
    i: int
    ctx: object
    page: object
    frame: object


async def open_page(i: int, browser, url: str, timeout_s: float, stats: Stats) -> Client | None:  # type: ignore[no-untyped-def]
    """A page in its own context (own Streamlit session), network-guarded, with the map drawn."""
    ctx = await browser.new_context(viewport={"width": 1400, "height": 1000})

    async def route(r) -> None:  # type: ignore[no-untyped-def]
        if is_local_url(r.request.url):
            await r.continue_()
        else:
            stats.blocked.append(r.request.url)
            await r.abort("blockedbyclient")

    await ctx.route("**/*", route)
    page = await ctx.new_page()
    page.on("pageerror", lambda e: stats.errors.append(f"page {i}: JS error: {e}"))
    ms = timeout_s * 1000 * 4
    try:
        t0 = time.perf_counter()
        await page.goto(url, wait_until="domcontentloaded", timeout=ms)
        await wait_not_running(page, ms)
        # Through a frame locator, which finds the iframe afresh if Streamlit replaces it.
        regions_drawn = page.frame_locator(MAP_IFRAME).locator("path.kdim-region")
        await regions_drawn.nth(N_SIDO - 1).wait_for(state="attached", timeout=ms)
        frame = await (await page.wait_for_selector(MAP_IFRAME, state="attached", timeout=ms)).content_frame()
        stats.open_s.append(time.perf_counter() - t0)
    except Exception as exc:
        stats.errors.append(f"page {i}: opening: {type(exc).__name__}: {str(exc).splitlines()[0]}")
        await ctx.close()
        return None
    return Client(i, ctx, page, frame)


def parse_think(text: str) -> tuple[float, float]:
    """'5-15' → (5, 15); '10' → (10, 10); '0' → back to back."""
    error = argparse.ArgumentTypeError(f"expected MIN-MAX seconds with 0 <= MIN <= MAX, got {text!r}")
    lo, _, hi = text.partition("-")
    try:
        bounds = (float(lo), float(hi or lo))
    except ValueError:
        raise error from None
    if not 0 <= bounds[0] <= bounds[1]:
        raise error
    return bounds


async def change_filters(
    c: Client, deadline: float, timeout_s: float, think: tuple[float, float], stats: Stats, rng: random.Random
) -> None:
    """Switch the 권역 filter until the deadline; time each change until the map shows it."""
    page, frame, ms = c.page, c.frame, timeout_s * 1000
    if think[1]:
        await asyncio.sleep(rng.uniform(0, think[1]))  # officials do not start in step
    box = page.locator("section[data-testid='stSidebar']").get_by_role(
        "combobox", name=i18n.t("region_group", "ko"), exact=True
    )
    start = c.i % len(GROUPS)  # pages start at different points of the cycle
    current = ALL  # a fresh page shows everything
    try:
        for group in itertools.islice(itertools.cycle(GROUPS), start, None):
            if time.monotonic() > deadline:
                break
            if group == current:  # choosing the shown value does not rerun the script
                continue
            current = group
            before = await frame.evaluate(FILLS_JS)
            await box.click(timeout=ms)
            option = page.get_by_role("option", name=group, exact=True)
            await option.wait_for(timeout=ms)
            t0 = time.perf_counter()
            await option.click(timeout=ms)
            try:
                await frame.wait_for_function(UPDATED_JS, arg=[before, n_outside(group)], timeout=ms)
                t_map = time.perf_counter() - t0
                await wait_not_running(page, ms)
            except Exception as exc:
                stats.errors.append(
                    f"page {c.i}: {group}: map not updated within {timeout_s:.0f} s ({type(exc).__name__})"
                )
                await wait_not_running(page, ms * 2)
                frame = await (await page.wait_for_selector(MAP_IFRAME, state="attached")).content_frame()
                continue
            stats.page_times.append(time.perf_counter() - t0)
            stats.map_times.append(t_map)
            if await page.locator("[data-testid='stException']").count():
                stats.errors.append(f"page {c.i}: {group}: the app shows an exception")
            if think[1]:
                await asyncio.sleep(rng.uniform(*think))
    except Exception as exc:
        stats.errors.append(f"page {c.i}: {type(exc).__name__}: {str(exc).splitlines()[0]}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a live process (from /proc/<pid>/stat)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def descendants(root: int) -> list[int]:
    """Live descendants of a process (here: the Playwright driver and its Chromium)."""
    children: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(d.name))
    out, todo = [], [root]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def process_kind(pid: int) -> str:
    """Chromium's --type= (renderer, gpu-process, utility…), 'browser' or the program's name."""
    try:
        # Chromium rewrites its command line as one space-separated string.
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").replace("\0", " ").split()
    except OSError:
        return "gone"
    kind = next((a.split("=", 1)[1] for a in argv if a.startswith("--type=")), None)
    if kind:
        return kind
    return "browser" if argv and "chrom" in argv[0] else Path(argv[0] if argv else "?").name


def browser_cpu(server_pid: int | None) -> dict[str, float]:
    """CPU seconds of this script's child processes except the Streamlit server, per kind."""
    out: dict[str, float] = {}
    for p in descendants(os.getpid()):
        if p != server_pid:
            kind = process_kind(p)
            out[kind] = out.get(kind, 0.0) + cpu_seconds(p)
    return out


def sample_rss(srv: StreamlitServer, stats: Stats, stop: threading.Event) -> None:
    while not stop.is_set():
        kb = srv.rss_kb()
        if kb:
            stats.rss_kb.append(kb)
        stop.wait(0.5)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


async def main_async(args: argparse.Namespace) -> dict:
    from playwright.async_api import async_playwright

    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} not found: apt-get install chromium")
    offline.ensure_static_assets()
    stats = Stats()
    with StreamlitServer() as srv:
        rss_start = srv.rss_kb()
        stop = threading.Event()
        sampler = threading.Thread(target=sample_rss, args=(srv, stats, stop), daemon=True)
        sampler.start()
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            # Open the pages a few at a time (a cold start of ten sessions at once measures
            # start-up, not filter changes), then let all of them change filters together.
            gate = asyncio.Semaphore(args.open_concurrency)

            async def opened(i: int) -> Client | None:
                async with gate:
                    return await open_page(i, browser, srv.url, args.timeout, stats)

            clients = [c for c in await asyncio.gather(*(opened(i) for i in range(args.pages))) if c]
            rss_open = srv.rss_kb()
            deadline = time.monotonic() + args.seconds
            cpu0 = (cpu_seconds(srv.pid), browser_cpu(srv.pid), os.times())
            t0 = time.perf_counter()
            think = parse_think(args.think)  # checked in main
            await asyncio.gather(
                *(
                    change_filters(c, deadline, args.timeout, think, stats, random.Random(f"{args.seed}:{c.i}"))
                    for c in clients
                )
            )
            wall = time.perf_counter() - t0
            cpu1 = (cpu_seconds(srv.pid), browser_cpu(srv.pid), os.times())
            for c in clients:
                await c.ctx.close()
            await browser.close()
        stop.set()
        sampler.join()
        rss_end = srv.rss_kb()
        log_errors = [ln for ln in srv.log_tail(400).splitlines() if "Traceback" in ln or "Error" in ln]
    times = sorted(stats.map_times)
    page = sorted(stats.page_times)
    return {
        "pages": args.pages,
        "seconds": args.seconds,
        "think_s": args.think,
        "changes_per_s": round(len(times) / wall, 2),
        "wall_s": round(wall, 1),
        "changes": len(times),
        "errors": len(stats.errors) + len(stats.blocked),
        "error_samples": stats.errors[:10] + [f"blocked: {u}" for u in sorted(set(stats.blocked))[:10]],
        "server_log_errors": log_errors[:10],
        "page_open_s_p50": round(pct(stats.open_s, 50), 2) if stats.open_s else None,
        "p50_s": round(pct(times, 50), 3) if times else None,
        "p95_s": round(pct(times, 95), 3) if times else None,
        "max_s": round(times[-1], 3) if times else None,
        "page_p50_s": round(pct(page, 50), 3) if page else None,
        "page_p95_s": round(pct(page, 95), 3) if page else None,
        "page_max_s": round(page[-1], 3) if page else None,
        "server_cpu_s": round(cpu1[0] - cpu0[0], 1),
        "browser_cpu_s": round(sum(cpu1[1].values()) - sum(cpu0[1].values()), 1),
        "browser_cpu_by_kind_s": {
            k: round(v - cpu0[1].get(k, 0.0), 1) for k, v in sorted(cpu1[1].items()) if v - cpu0[1].get(k, 0.0) >= 0.1
        },
        "driver_cpu_s": round(sum(cpu1[2][:2]) - sum(cpu0[2][:2]), 1),
        "load_average": [round(x, 1) for x in os.getloadavg()],
        "server_rss_mb_start": round(rss_start / 1024, 1) if rss_start else None,
        "server_rss_mb_pages_open": round(rss_open / 1024, 1) if rss_open else None,
        "server_rss_mb_peak": round(max(stats.rss_kb) / 1024, 1) if stats.rss_kb else None,
        "server_rss_mb_end": round(rss_end / 1024, 1) if rss_end else None,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=10, help="concurrent browser pages (1-30, default 10)")
    ap.add_argument("--seconds", type=float, default=90, help="how long each page keeps changing filters")
    ap.add_argument("--timeout", type=float, default=15, help="seconds before a change counts as an error")
    ap.add_argument(
        "--think",
        default="5-15",
        help="seconds a page reads the map after each change, drawn uniformly from MIN-MAX (default 5-15;"
        " 0: back to back, a capacity test)",
    )
    ap.add_argument("--seed", default="kdim", help="seed of the think times and start offsets")
    ap.add_argument("--open-concurrency", type=int, default=2, help="pages opened at the same time (warm-up)")
    ap.add_argument("--target-p95", type=float, default=1.5)
    ap.add_argument("--json", action="store_true", help="print the result as JSON only")
    args = ap.parse_args(argv)
    if not 1 <= args.pages <= 30:
        ap.error("--pages must be between 1 and 30")
    try:
        parse_think(args.think)
    except argparse.ArgumentTypeError as exc:
        ap.error(f"--think: {exc}")
    res = asyncio.run(main_async(args))
    if args.json:
        print(json.dumps(res, ensure_ascii=False, indent=2))
    else:
        print(
            f"load: {res['pages']} pages for {res['seconds']:.0f} s against one local server"
            f" (think time {res['think_s']} s)"
        )
        print(f"  filter changes measured: {res['changes']} ({res['changes_per_s']} per s)   errors: {res['errors']}")
        for e in res["error_samples"]:
            print(f"    {e}")
        for e in res["server_log_errors"]:
            print(f"    server log: {e}")
        print(f"  filter change → updated map: p50 {res['p50_s']} s   p95 {res['p95_s']} s   max {res['max_s']} s")
        print(
            f"  filter change → whole page settled (figures, charts, table too): p50 {res['page_p50_s']} s"
            f"   p95 {res['page_p95_s']} s   max {res['page_max_s']} s"
        )
        n = max(res["changes"], 1)
        print(
            f"  CPU during the {res['wall_s']} s of changes: server {res['server_cpu_s']} s"
            f" ({res['server_cpu_s'] / n:.2f} s per change), Chromium {res['browser_cpu_s']} s,"
            f" this script {res['driver_cpu_s']} s; load average {res['load_average']} on {os.cpu_count()} CPUs"
        )
        kinds = ", ".join(f"{k} {v} s" for k, v in res["browser_cpu_by_kind_s"].items())
        print(f"  Chromium CPU by process kind: {kinds}")
        print(f"  page open → map drawn (p50): {res['page_open_s_p50']} s")
        print(
            f"  server RSS: start {res['server_rss_mb_start']} MB   pages open {res['server_rss_mb_pages_open']} MB"
            f"   peak {res['server_rss_mb_peak']} MB"
            f"   end {res['server_rss_mb_end']} MB"
        )
    ok = res["errors"] == 0 and res["p95_s"] is not None and res["p95_s"] < args.target_p95
    print(f"  target (0 errors, map p95 < {args.target_p95} s): {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
