"""Benchmark: the load test through nginx with 1 and then 2 replicas, and the failover time.

Starts ``scripts/run_cluster.sh`` (tests/e2e/cluster.py) with 1 replica, runs benchmarks/load.py's
pages through nginx, stops it, then the same with 2 replicas; prints map p95 and errors for each
and the ratio (2 replicas over 1). Then, on a 2-replica cluster, opens a page with a view in its
URL, kills the replica serving it and times how long until the page's requests reach the other
replica and until the view has been rerun there (tests/e2e/cluster.py fail_over).

    python benchmarks/bench_cluster.py                   # 10 pages, 90 s, think time 5-15 s
    python benchmarks/bench_cluster.py --think 0         # back to back (capacity)
    python benchmarks/bench_cluster.py --seconds 45 --failovers 3

The pages' Chromium runs on the same 2 cores as the replicas and nginx: a second replica can
only use what the browsers leave, so the ratio here is a floor of what separate machines give.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "e2e"))
sys.path.insert(0, str(REPO / "benchmarks"))

import load  # noqa: E402
from cluster import Cluster, alive, fail_over  # noqa: E402
from server import launch_chromium  # noqa: E402


def cluster_target(c: Cluster) -> load.Target:
    """load.py's view of a cluster: its nginx URL, the replicas' pids and logs."""

    def tails() -> str:
        return "\n".join(r.log.read_text(errors="replace") for r in c.replicas if r.log.exists())

    return load.Target(
        c.url,
        f"nginx with {c.n} replica(s)",
        server_pids=lambda: [r.pid for r in c.replicas if alive(r.pid)],
        server_roots=lambda: [c.proc.pid] if c.proc else [],  # the script, nginx and the replicas
        log_tail=tails,
    )


def measure_failover(n_times: int) -> list[dict]:
    from helpers import open_app
    from playwright.sync_api import sync_playwright

    out = []
    with sync_playwright() as p:
        browser = launch_chromium(p)
        for _ in range(n_times):
            with Cluster(2) as c:
                ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ko-KR")
                page = ctx.new_page()
                open_app(page, c.url + "/?group=호남권")
                fo = fail_over(c, page, limit=30.0)
                out.append({"reconnect_s": fo.reconnect_s, "view_s": fo.view_s, "same_view": fo.after == fo.before})
                ctx.close()
            c.remove_run_dir()
        browser.close()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=90)
    ap.add_argument("--think", default="5-15", help="as load.py --think (0: back to back)")
    ap.add_argument("--failovers", type=int, default=1, help="failover measurements (a fresh 2-replica cluster each)")
    args = ap.parse_args(argv)
    load_args = load.parse_args(["--pages", str(args.pages), "--seconds", str(args.seconds), "--think", args.think])

    results = {}
    for n in (1, 2):
        with Cluster(n) as c:
            results[n] = asyncio.run(load.main_async(load_args, cluster_target(c)))
        c.remove_run_dir()
        load.report(results[n])
        print()
    failovers = measure_failover(args.failovers) if args.failovers > 0 else []

    one, two = results[1], results[2]
    print(f"cluster through nginx: {args.pages} pages, {args.seconds:.0f} s, think time {args.think} s")
    head = ("replicas", "map p50", "map p95", "page p95", "changes/s", "errors")
    print("  " + "  ".join(f"{h:>9}" for h in head) + "  RSS peak (all replicas)")
    for n, r in results.items():
        row = (n, r["p50_s"], r["p95_s"], r["page_p95_s"], r["changes_per_s"], r["errors"])
        print("  " + "  ".join(f"{v!s:>9}" for v in row) + f"  {r['server_rss_mb_peak']} MB")
    if one["p95_s"] and two["p95_s"]:
        print(
            f"  ratio 2/1 replicas: map p95 {two['p95_s'] / one['p95_s']:.2f}"
            f"   changes/s {two['changes_per_s'] / max(one['changes_per_s'], 1e-9):.2f}"
        )
    if failovers:
        view = [f["view_s"] for f in failovers]
        print(
            f"  failover ({len(failovers)}x, replica killed under an open page with ?group=호남권):"
            f" requests on the other replica after {statistics.median(f['reconnect_s'] for f in failovers):.1f} s,"
            f" view rerun there after {statistics.median(view):.1f} s (median; max {max(view):.1f} s);"
            f" same view: {all(f['same_view'] for f in failovers)}"
        )
    print(f"  load average {[round(x, 1) for x in os.getloadavg()]} on {os.cpu_count()} CPUs")
    return 0 if one["errors"] == 0 and two["errors"] == 0 and all(f["same_view"] for f in failovers) else 1


if __name__ == "__main__":
    sys.exit(main())
