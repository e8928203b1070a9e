"""Memory per session (issue 12 item 3): server RSS with 1, 10 and 30 open sessions, and the slope.

Starts one ``python -m geo serve`` (tests/e2e/server.py) and opens sessions that each draw the
first map and make one filter change (the 권역 box), and stay open. After each step (default 1,
10, 30 sessions) it prints the server's resident memory (/proc VmRSS), then the slope in MB per
additional session: least squares over the steps and between the last two, each also as a
fraction of the 1-session RSS measured in the same run. Then it closes every session and prints
the RSS once the server has dropped them (``server.disconnectedSessionTTL`` is set short here so
that happens within seconds instead of after Streamlit's default 2 minutes).

Sessions are light websocket clients by default: each speaks Streamlit's protocol over
``/_stcore/stream`` as the browser does (BackMsg ``rerun_script`` with the widget state of the
change; ForwardMsgs read to ``script_finished``), so 30 sessions fit on 2 cores. The server does
the same work for them as for a browser, except what a browser would ask for afterwards over
HTTP (component files, which are static). ``--browser`` opens real Chromium pages instead
(benchmarks/load.py's page: map drawn, one filter change shown), to cross-check the figure.

``--trace`` starts the server with KDIM_TRACEMALLOC (geo/serve.py): at each step the server dumps
a tracemalloc snapshot, and the script prints the Python heap and the top allocations that grew
between the first and the second step. Tracing inflates RSS: read its RSS figures as relative.

    python benchmarks/bench_sessions.py                    # 1, 10, 30 websocket sessions
    python benchmarks/bench_sessions.py --browser --steps 1,10   # the same with Chromium pages
    python benchmarks/bench_sessions.py --trace --steps 1,10     # where the heap goes

Target (issue 12): ≤ 10 MB per additional session.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "e2e"))

from server import StreamlitServer  # noqa: E402

from geo import i18n  # noqa: E402

GROUP_LABEL = i18n.t("region_group", "ko")
CHANGES = ["호남권", "수도권", "충청권", "동남권", "대경권", "강원권", "제주권"]
TIMEOUT_S = 300.0
SESSION_TTL_S = 5  # server.disconnectedSessionTTL for this run
CONCURRENT = 3  # sessions opened at once (the machine's 2 cores)


# --------------------------------------------------------------------------- a light session


@dataclass
class WsSession:
    """One Streamlit session driven over its websocket, as the browser's script runner does."""

    i: int
    ws: object = None
    widgets: dict[str, str] = field(default_factory=dict)  # label -> widget id
    map_bytes: int = 0  # size of the map component's arguments in the last run
    texts: list[str] = field(default_factory=list)
    reader: asyncio.Task | None = None

    async def open(self, url: str) -> None:
        import websockets

        self.ws = await websockets.connect(
            url.replace("http", "ws", 1) + "/_stcore/stream",
            subprotocols=["streamlit"],
            origin=url,
            max_size=None,
            open_timeout=TIMEOUT_S,
        )
        await self.run([])
        group = self.widgets.get(GROUP_LABEL)
        if not group:
            raise RuntimeError(f"session {self.i}: no {GROUP_LABEL} box in the page")
        if not self.map_bytes:
            raise RuntimeError(f"session {self.i}: the page drew no map")
        choice = CHANGES[self.i % len(CHANGES)]
        await self.run([(group, choice)])
        if not any(choice in text for text in self.texts):
            raise RuntimeError(f"session {self.i}: the page does not show {choice} after the change")
        self.reader = asyncio.create_task(self.drain())  # keep reading, as an open page does

    async def run(self, changes: list[tuple[str, str]]) -> None:
        """Send a rerun with these selectbox values; read ForwardMsgs until the script finished."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = BackMsg()
        msg.rerun_script.query_string = ""
        for wid, value in changes:
            w = msg.rerun_script.widget_states.widgets.add()
            w.id = wid
            w.string_value = value
        await self.ws.send(msg.SerializeToString())
        self.texts, self.map_bytes = [], 0
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), max(1.0, deadline - time.monotonic()))
            fwd = ForwardMsg.FromString(raw)
            kind = fwd.WhichOneof("type")
            if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                self.note(fwd.delta.new_element)
            elif kind == "script_finished":
                if fwd.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                    return
                if fwd.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    raise RuntimeError(f"session {self.i}: script finished with {fwd.script_finished}")

    def note(self, el: object) -> None:
        kind = el.WhichOneof("type")
        if kind == "selectbox":
            self.widgets[el.selectbox.label] = el.selectbox.id
        elif kind == "component_instance":
            self.map_bytes = len(el.component_instance.json_args)
        elif kind == "markdown":
            self.texts.append(el.markdown.body)

    async def drain(self) -> None:
        try:
            async for _ in self.ws:
                pass
        except Exception:  # closed: nothing more to read
            return

    async def close(self) -> None:
        if self.reader:
            self.reader.cancel()
        await self.ws.close()


async def open_ws_sessions(url: str, first: int, n: int) -> list[WsSession]:
    """Open sessions first..first+n-1, a few at a time."""
    gate = asyncio.Semaphore(CONCURRENT)

    async def one(i: int) -> WsSession:
        async with gate:
            s = WsSession(i)
            await s.open(url)
            return s

    return list(await asyncio.gather(*(one(i) for i in range(first, first + n))))


# --------------------------------------------------------------------------- Chromium pages


class Browser:
    """Chromium pages as benchmarks/load.py opens them; each makes one filter change."""

    def __init__(self) -> None:
        self.pw = self.browser = None
        self.pages: list[object] = []

    async def start(self) -> None:
        from load import CHROMIUM, CHROMIUM_ARGS  # load.py is beside this file
        from playwright.async_api import async_playwright

        self.pw = await async_playwright().start()
        self.browser = await self.pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

    async def open(self, url: str, first: int, n: int) -> list[object]:
        from load import Stats, open_page
        from soak import change

        stats = Stats()
        for i in range(first, first + n):  # one at a time: each page is a renderer on 2 cores
            c = await open_page(i, self.browser, url, TIMEOUT_S / 4, stats)
            if c is None:
                raise RuntimeError("; ".join(stats.errors))
            await change(c, CHANGES[i % len(CHANGES)], stats)
            if stats.errors:
                raise RuntimeError("; ".join(stats.errors))
            self.pages.append(c)
        return self.pages[-n:]

    async def close_pages(self) -> None:
        for c in self.pages:
            await c.ctx.close()
        self.pages.clear()

    async def stop(self) -> None:
        await self.close_pages()
        await self.browser.close()
        await self.pw.stop()


# --------------------------------------------------------------------------- figures


def mb(kb: int | None) -> float:
    return (kb or 0) / 1024


def settled_rss(srv: StreamlitServer, seconds: float = 3.0) -> float:
    """RSS in MB once the server is idle: the last of a few readings over ``seconds``."""
    time.sleep(seconds)
    return mb(srv.rss_kb())


def wait_warm(srv: StreamlitServer) -> float:
    """Seconds until geo.serve's warm-up is done (its log line), so the first session's figure
    is a session's and not the process-wide caches being filled."""
    from geo.serve import WARM_DONE

    t0 = time.monotonic()
    while time.monotonic() - t0 < TIMEOUT_S:
        if WARM_DONE in srv.log_path.read_text(errors="replace"):
            return time.monotonic() - t0
        time.sleep(0.5)
    raise RuntimeError(f"no warm-up line in the server log:\n{srv.log_tail()}")


def slope(points: list[tuple[int, float]]) -> float:
    """Least-squares MB per session over (sessions, MB) points."""
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else float("nan")


def report(points: list[tuple[int, float]], closed: float | None, label: str) -> None:
    base = points[0][1]
    print(f"\n{label}: server RSS")
    for n, rss in points:
        print(f"  {n:3d} sessions: {rss:7.1f} MB  ({rss / base:4.2f}x the 1-session RSS)")
    if closed is not None:
        print(f"  all closed:   {closed:7.1f} MB  ({closed / base:4.2f}x)")
    if len(points) >= 2:
        fit = slope(points)
        (n1, r1), (n2, r2) = points[-2], points[-1]
        last = (r2 - r1) / (n2 - n1)
        for name, value in (f"least squares over {len(points)} steps", fit), (f"{n1} -> {n2} sessions", last):
            print(f"  slope, {name:28s} {value:6.2f} MB per session ({value / base * 100:4.1f} % of 1-session RSS)")
        print(f"  target <= 10 MB per additional session: {'met' if fit <= 10 and last <= 10 else 'NOT met'}")


def heap_dump(srv: StreamlitServer, trace_dir: Path, n: int) -> object:
    """Ask the server for its n-th tracemalloc snapshot (SIGUSR1) and load it."""
    import tracemalloc

    path = trace_dir / f"heap-{n}.snap"
    os.kill(srv.pid, signal.SIGUSR1)
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        if path.exists() and (trace_dir / f"heap-{n}.txt").exists():
            return tracemalloc.Snapshot.load(str(path))
        time.sleep(0.5)
    raise RuntimeError(f"no heap dump {path} from the server:\n{srv.log_tail()}")


def print_heap_diff(snaps: list[tuple[int, object]], top: int = 12) -> None:
    """Python heap at each step and, between consecutive steps, what grew most."""
    for n, snap in snaps:
        total = sum(s.size for s in snap.statistics("filename"))
        print(f"  Python heap (tracemalloc, traced since the warm-up) at {n:3d} sessions: {total / 1e6:7.1f} MB")
    for (n1, a), (n2, b) in itertools.pairwise(snaps):
        print(f"\n  top growth from {n1} to {n2} sessions, by traceback (MB per added session):")
        for stat in b.compare_to(a, "traceback")[:top]:
            per = stat.size_diff / 1e6 / (n2 - n1)
            print(f"  {stat.size_diff / 1e6:+8.2f} MB ({per:+.3f}/session) {stat.count_diff:+8d} blocks")
            for line in stat.traceback.format()[-6:]:
                print(f"      {line}")


# --------------------------------------------------------------------------- the run


async def reopen(srv: StreamlitServer, n: int) -> None:
    """Open and close ``n`` sessions once more: the memory the first ones freed is reused
    (RSS bounded), or the server grows with every new session (a leak)."""
    t0 = time.perf_counter()
    sessions = await open_ws_sessions(srv.url, 1000, n)
    rss = await asyncio.to_thread(settled_rss, srv)
    print(f"{n:3d} new websocket sessions open ({time.perf_counter() - t0:.0f} s): {rss:7.1f} MB", flush=True)
    for s in sessions:
        await s.close()
    closed = await asyncio.to_thread(settled_rss, srv, SESSION_TTL_S + 10)
    print(f"all closed again, {SESSION_TTL_S + 10} s later: {closed:7.1f} MB", flush=True)


async def bench(args: argparse.Namespace) -> int:
    steps = sorted({int(x) for x in args.steps.split(",")})
    trace_dir = Path(tempfile.mkdtemp(prefix="kdim-heap-")) if args.trace else None
    env = {"KDIM_TRACEMALLOC": str(trace_dir)} if trace_dir else {}
    extra = ("--server.disconnectedSessionTTL", str(SESSION_TTL_S))
    label = "Chromium pages" if args.browser else "websocket sessions"
    points: list[tuple[int, float]] = []
    snaps: list[tuple[int, object]] = []
    with StreamlitServer(warm=True, startup_timeout=TIMEOUT_S, extra_args=extra, env=env) as srv:
        browser = Browser() if args.browser else None
        if browser:
            await browser.start()
        sessions: list[WsSession] = []
        warm = await asyncio.to_thread(wait_warm, srv)
        print(f"server pid {srv.pid}, warmed up in {warm:.0f} s, no session: {settled_rss(srv):.1f} MB", flush=True)
        opened = 0
        for n in steps:
            t0 = time.perf_counter()
            if browser:
                await browser.open(srv.url, opened, n - opened)
            else:
                sessions += await open_ws_sessions(srv.url, opened, n - opened)
            opened = n
            rss = await asyncio.to_thread(settled_rss, srv)
            points.append((n, rss))
            size = f", map arguments {sessions[-1].map_bytes / 1e6:.1f} MB" if sessions else ""
            print(f"{n:3d} {label} open ({time.perf_counter() - t0:.0f} s{size}): {rss:7.1f} MB", flush=True)
            if trace_dir:
                snaps.append((n, await asyncio.to_thread(heap_dump, srv, trace_dir, len(snaps) + 1)))
        if browser:
            await browser.stop()
        for s in sessions:
            await s.close()
        closed = await asyncio.to_thread(settled_rss, srv, SESSION_TTL_S + 10)
        print(f"all closed, {SESSION_TTL_S + 10} s later: {closed:7.1f} MB", flush=True)
        if trace_dir:
            closed_heap = await asyncio.to_thread(heap_dump, srv, trace_dir, len(snaps) + 1)
        if not browser and not trace_dir:
            await reopen(srv, steps[-1])
    report(points, closed, label)
    if snaps:
        print_heap_diff(snaps)
        total = sum(st.size for st in closed_heap.statistics("filename"))
        print(f"  Python heap (tracemalloc) with all closed: {total / 1e6:7.1f} MB")
        print(f"\n  heap dumps (snapshots and top allocations): {trace_dir}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", default="1,10,30", help="open sessions at each step (default 1,10,30)")
    parser.add_argument("--browser", action="store_true", help="Chromium pages instead of websocket sessions")
    parser.add_argument("--trace", action="store_true", help="tracemalloc in the server; print the heap's growth")
    return asyncio.run(bench(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
