"""Load test: N browser pages applying filters against one local server (issue 6).

Starts ``streamlit run app.py`` itself on a free localhost port (tests/e2e/server.py), or with
``--url`` loads a server that already runs on this machine (e.g. nginx in front of replicas,
scripts/run_cluster.sh; ``--pids`` names its server processes for CPU and memory), opens N
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
    python benchmarks/load.py --url http://127.0.0.1:8080/ --pids 1234,1235   # a running cluster

Target (issue 6): 0 errors and p95 under 1.5 s at 10 pages on a 2-core machine. Browsers and
server share the machine here (each official has a PC of their own), so the figures include
ten browsers' drawing time on the server's two cores.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import random
import statistics
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "e2e"))

from server import CHROMIUM, CHROMIUM_ARGS, StreamlitServer, is_local_url, rss_kb  # noqa: E402

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


def browser_cpu(server_roots: list[int]) -> dict[str, float]:
    """CPU seconds of this script's child processes, per kind, except the server side (the
    ``server_roots`` and their descendants: a Streamlit server, or a cluster's script, nginx and
    replicas)."""
    server = set(server_roots)
    for root in server_roots:
        server.update(descendants(root))
    out: dict[str, float] = {}
    for p in descendants(os.getpid()):
        if p not in server:
            kind = process_kind(p)
            out[kind] = out.get(kind, 0.0) + cpu_seconds(p)
    return out


@dataclass
class Target:
    """What the pages load: a URL, and the server processes to measure when they are known."""

    url: str
    label: str = "one local server"
    server_pids: Callable[[], list[int]] = list  # Streamlit processes: CPU and resident memory
    server_roots: Callable[[], list[int]] = list  # this script's children that are the server side
    log_tail: Callable[[], str] = str

    def rss_kb(self) -> int | None:
        sizes = [kb for kb in map(rss_kb, self.server_pids()) if kb]
        return sum(sizes) if sizes else None

    def cpu_s(self) -> float | None:
        pids = self.server_pids()
        return sum(map(cpu_seconds, pids)) if pids else None


def local_server(srv: StreamlitServer) -> Target:
    """The server load.py started itself (its pid measured, its log read for errors)."""

    def pids() -> list[int]:
        return [srv.pid] if srv.pid else []

    return Target(srv.url, "one local server", pids, pids, lambda: srv.log_tail(400))


def running_server(url: str, pids: list[int]) -> Target:
    """A server started elsewhere (``--url``); ``pids``: its Streamlit processes, if known."""
    label = f"{url} ({len(pids)} server process(es) measured)" if pids else f"{url} (server processes not measured)"
    return Target(url.rstrip("/"), label, lambda: [p for p in pids if Path(f"/proc/{p}").exists()])


def check_reachable(url: str) -> None:
    """Fail with a message (not a traceback) when nothing answers at the URL's /_stcore/health."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"{url}/_stcore/health", timeout=10) as r:
            if r.read().strip() == b"ok":
                return
    except OSError as exc:
        raise SystemExit(f"no Streamlit server answers at {url}/_stcore/health: {exc}") from None
    raise SystemExit(f"{url}/_stcore/health did not answer 'ok': is it this app?")


def sample_rss(target: Target, stats: Stats, stop: threading.Event) -> None:
    while not stop.is_set():
        kb = target.rss_kb()
        if kb:
            stats.rss_kb.append(kb)
        stop.wait(0.5)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def _mb(kb: int | None) -> float | None:
    return round(kb / 1024, 1) if kb else None


def _delta(a: float | None, b: float | None) -> float | None:
    return round(b - a, 1) if a is not None and b is not None else None


async def main_async(args: argparse.Namespace, target: Target | None = None) -> dict:
    """Run the load against ``target``, or ``--url``, or a server this starts; returns the figures."""
    from playwright.async_api import async_playwright

    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} not found: apt-get install chromium")
    offline.ensure_static_assets()
    stats = Stats()
    with contextlib.ExitStack() as stack:
        if target is None and args.url:
            target = running_server(args.url, args.pids)
        if target is None:
            target = local_server(stack.enter_context(StreamlitServer()))
        check_reachable(target.url)
        rss_start = target.rss_kb()
        stop = threading.Event()
        sampler = threading.Thread(target=sample_rss, args=(target, stats, stop), daemon=True)
        sampler.start()
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            # Open the pages a few at a time (a cold start of ten sessions at once measures
            # start-up, not filter changes), then let all of them change filters together.
            gate = asyncio.Semaphore(args.open_concurrency)

            async def opened(i: int) -> Client | None:
                async with gate:
                    return await open_page(i, browser, target.url, args.timeout, stats)

            clients = [c for c in await asyncio.gather(*(opened(i) for i in range(args.pages))) if c]
            rss_open = target.rss_kb()
            deadline = time.monotonic() + args.seconds
            cpu0 = (target.cpu_s(), browser_cpu(target.server_roots()), os.times())
            t0 = time.perf_counter()
            think = parse_think(args.think)  # checked in main
            await asyncio.gather(
                *(
                    change_filters(c, deadline, args.timeout, think, stats, random.Random(f"{args.seed}:{c.i}"))
                    for c in clients
                )
            )
            wall = time.perf_counter() - t0
            cpu1 = (target.cpu_s(), browser_cpu(target.server_roots()), os.times())
            for c in clients:
                await c.ctx.close()
            await browser.close()
        stop.set()
        sampler.join()
        rss_end = target.rss_kb()
        log_errors = [ln for ln in target.log_tail().splitlines() if "Traceback" in ln or "Error" in ln]
    times = sorted(stats.map_times)
    page = sorted(stats.page_times)
    return {
        "target": target.label,
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
        "server_cpu_s": _delta(cpu0[0], cpu1[0]),
        "browser_cpu_s": round(sum(cpu1[1].values()) - sum(cpu0[1].values()), 1),
        "browser_cpu_by_kind_s": {
            k: round(v - cpu0[1].get(k, 0.0), 1) for k, v in sorted(cpu1[1].items()) if v - cpu0[1].get(k, 0.0) >= 0.1
        },
        "driver_cpu_s": round(sum(cpu1[2][:2]) - sum(cpu0[2][:2]), 1),
        "load_average": [round(x, 1) for x in os.getloadavg()],
        "server_rss_mb_start": _mb(rss_start),
        "server_rss_mb_pages_open": _mb(rss_open),
        "server_rss_mb_peak": _mb(max(stats.rss_kb)) if stats.rss_kb else None,
        "server_rss_mb_end": _mb(rss_end),
    }


def parse_pids(text: str) -> list[int]:
    """'1234,1235' → [1234, 1235]."""
    try:
        pids = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        pids = []
    if not pids or min(pids) < 1:
        raise argparse.ArgumentTypeError(f"expected process ids separated by commas, got {text!r}")
    return pids


def build_parser() -> argparse.ArgumentParser:
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
    ap.add_argument(
        "--url",
        help="load a server already running on this machine (e.g. http://127.0.0.1:8080/, nginx of"
        " scripts/run_cluster.sh) instead of starting one",
    )
    ap.add_argument(
        "--pids",
        default="",
        help="with --url: the server's Streamlit process ids (comma-separated, e.g. the replicas in"
        " RUN/replicas.tsv) for CPU and memory; without it those figures are omitted",
    )
    ap.add_argument("--json", action="store_true", help="print the result as JSON only")
    return ap


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = build_parser()
    args = ap.parse_args(argv)
    if not 1 <= args.pages <= 30:
        ap.error("--pages must be between 1 and 30")
    try:
        parse_think(args.think)
    except argparse.ArgumentTypeError as exc:
        ap.error(f"--think: {exc}")
    if args.url is not None:
        if not args.url.startswith(("http://", "https://")) or not is_local_url(args.url):
            ap.error(f"--url: expected an http:// URL on this machine (localhost, 127.0.0.1, [::1]), got {args.url!r}")
        args.url = args.url.rstrip("/")
    if args.pids and not args.url:
        ap.error("--pids goes with --url (without --url, load.py measures the server it starts)")
    try:
        args.pids = parse_pids(args.pids) if args.pids else []
    except argparse.ArgumentTypeError as exc:
        ap.error(f"--pids: {exc}")
    return args


def report(res: dict) -> None:
    print(
        f"load: {res['pages']} pages for {res['seconds']:.0f} s against {res['target']} (think time {res['think_s']} s)"
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
    server = (
        f"server {res['server_cpu_s']} s ({res['server_cpu_s'] / n:.2f} s per change)"
        if res["server_cpu_s"] is not None
        else "server not measured"
    )
    print(
        f"  CPU during the {res['wall_s']} s of changes: {server}, Chromium {res['browser_cpu_s']} s,"
        f" this script {res['driver_cpu_s']} s; load average {res['load_average']} on {os.cpu_count()} CPUs"
    )
    kinds = ", ".join(f"{k} {v} s" for k, v in res["browser_cpu_by_kind_s"].items())
    print(f"  Chromium CPU by process kind: {kinds}")
    print(f"  page open → map drawn (p50): {res['page_open_s_p50']} s")
    if res["server_rss_mb_start"] is None:
        print("  server RSS: not measured (no server process ids)")
    else:
        print(
            f"  server RSS: start {res['server_rss_mb_start']} MB   pages open {res['server_rss_mb_pages_open']} MB"
            f"   peak {res['server_rss_mb_peak']} MB"
            f"   end {res['server_rss_mb_end']} MB"
        )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    res = asyncio.run(main_async(args))
    if args.json:
        print(json.dumps(res, ensure_ascii=False, indent=2))
    else:
        report(res)
    ok = res["errors"] == 0 and res["p95_s"] is not None and res["p95_s"] < args.target_p95
    print(f"  target (0 errors, map p95 < {args.target_p95} s): {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
