"""Soak: does the server's memory stay flat over a long session and many sessions? (issue 14)

Starts ``streamlit run app.py`` on a free port (tests/e2e/server.py), then in one headless
Chromium:

1. one page makes ``--changes`` (default 500) 권역 filter changes back to back, each waited
   for until the map shows it (the same mechanics as benchmarks/load.py);
2. ``--sessions`` (default 20) pages open, draw the map, change one filter and close, in turn.

It prints the server's resident memory (/proc VmRSS) after every 100 changes and every 5
sessions. Target: flat — after the first 100 changes, no growth beyond 5 % (the first 100
fill the per-process caches: views, map layers). Exit status 1 when the target is missed
or a change fails.

    python benchmarks/soak.py
    python benchmarks/soak.py --changes 200 --sessions 10
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO / "tests" / "e2e"))

from load import (  # noqa: E402 (load.py sets up sys.path for geo and the e2e server)
    ALL,
    CHROMIUM,
    CHROMIUM_ARGS,
    FILLS_JS,
    GROUPS,
    UPDATED_JS,
    Client,
    Stats,
    n_outside,
    open_page,
    wait_not_running,
)
from server import StreamlitServer  # noqa: E402

from geo import i18n, offline  # noqa: E402

TIMEOUT_S = 30.0


async def change(c: Client, group: str, stats: Stats) -> None:
    """Choose ``group`` in the 권역 box and wait until the map and then the page have updated."""
    page, ms = c.page, TIMEOUT_S * 1000
    box = page.locator("section[data-testid='stSidebar']").get_by_role(
        "combobox", name=i18n.t("region_group", "ko"), exact=True
    )
    before = await c.frame.evaluate(FILLS_JS)
    await box.click(timeout=ms)
    await page.get_by_role("option", name=group, exact=True).click(timeout=ms)
    t0 = time.perf_counter()
    try:
        await c.frame.wait_for_function(UPDATED_JS, arg=[before, n_outside(group)], timeout=ms)
        await wait_not_running(page, ms)
        stats.page_times.append(time.perf_counter() - t0)
    except Exception as exc:
        stats.errors.append(f"{group}: not shown within {TIMEOUT_S:.0f} s ({type(exc).__name__})")
        await wait_not_running(page, ms * 2)
        c.frame = await (await page.wait_for_selector("iframe[title='streamlit_folium.st_folium']")).content_frame()


def mb(kb: int | None) -> float:
    return (kb or 0) / 1024


async def soak(args: argparse.Namespace) -> int:
    from playwright.async_api import async_playwright

    offline.ensure_static_assets()
    stats = Stats()
    rss: list[tuple[str, float]] = []
    with StreamlitServer(warm=True) as srv:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            c = await open_page(0, browser, srv.url, TIMEOUT_S, stats)
            if c is None:
                print("\n".join(stats.errors))
                return 1
            rss.append(("opened", mb(srv.rss_kb())))
            print(f"server RSS after opening:        {rss[-1][1]:7.1f} MB", flush=True)
            groups = (g for g in itertools.cycle(GROUPS))
            current = ALL
            for n in range(1, args.changes + 1):
                group = next(groups)
                if group == current:  # choosing the shown value does not rerun the script
                    group = next(groups)
                current = group
                await change(c, group, stats)
                if n % 100 == 0:
                    rss.append((f"{n} changes", mb(srv.rss_kb())))
                    print(f"server RSS after {n:4d} changes:  {rss[-1][1]:7.1f} MB", flush=True)
            await c.ctx.close()
            for s in range(1, args.sessions + 1):
                c = await open_page(s, browser, srv.url, TIMEOUT_S, stats)
                if c is not None:
                    await change(c, GROUPS[s % len(GROUPS)] if GROUPS[s % len(GROUPS)] != ALL else "호남권", stats)
                    await c.ctx.close()
                if s % 5 == 0:
                    await asyncio.sleep(1)  # let the server notice the closed sessions
                    rss.append((f"{s} sessions", mb(srv.rss_kb())))
                    print(f"server RSS after {s:4d} sessions: {rss[-1][1]:7.1f} MB", flush=True)
            await browser.close()
    return report(rss, stats)


def report(rss: list[tuple[str, float]], stats: Stats) -> int:
    """Growth after the first 100 changes, and the verdict."""
    base = next((v for k, v in rss if k == "100 changes"), rss[0][1])
    peak_after = max(v for _, v in rss[1:]) if len(rss) > 1 else base
    growth = (peak_after - base) / base * 100 if base else 0.0
    times = sorted(stats.page_times)
    p50 = times[len(times) // 2] if times else float("nan")
    print(f"changes: {len(times)} shown, {len(stats.errors)} errors; page update p50 {p50:.2f} s")
    print(f"growth after the first 100 changes: {growth:+.1f} % (target ≤ 5 %)")
    for e in stats.errors[:10]:
        print("ERROR:", e)
    return 0 if growth <= 5.0 and not stats.errors else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=500, help="filter changes in one session (default 500)")
    parser.add_argument("--sessions", type=int, default=20, help="sessions opened and closed in turn (default 20)")
    return asyncio.run(soak(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
