"""The map's cost as the records grow: the bundled records ×1, ×10, ×100 (issue 30).

Run:  python benchmarks/bench_scale.py [--sizes 1,10,100] [--runs 5] [--changes 12] [--no-app] [--no-browser]

The larger sets are synthetic copies of the bundled records with new ids (``-x2``, ``-x3`` …;
a project's whole and share rows stay one project per copy), made in a temporary data folder
for this run only: nothing is written to data/. Per size it prints:

- aggregate: ``join.aggregate`` of the opening view and of the densest view (시군구, every year);
- map build+render: ``maps.build_map`` + ``render_html`` of the same two views (warm, median),
  and the first one of the data version (cold: geometry encoded, each record's marker worked
  out, as a server pays once per version);
- page payload: the standalone HTML of the densest view;
- browser draw: headless Chromium, navigation → every 시군구 polygon drawn, standalone file;
- filter change p50/p95 in a running app (AppTest in a fresh interpreter pointed at the copy
  with ``KDIM_DATA_DIR``, the changes of ``bench_app.py``), and that interpreter's peak memory.

Each figure is also printed as a ratio to the ×1 figure of the same run; ×1's build is set
against ``GeoDataFrame.explore()`` measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_app import pct  # noqa: E402
from benchmarks.bench_map import browser_times, timed  # noqa: E402
from geo import export, maps, programs  # noqa: E402
from geo.join import aggregate, apply_filters, attach  # noqa: E402
from geo.maps.records import DATA_VERSION  # noqa: E402

APP_CHANGES = """
import json, resource, statistics, sys, time
sys.path.insert(0, {root!r})
from streamlit.testing.v1 import AppTest
from benchmarks.bench_app import CHANGES
at = AppTest.from_file({app!r}, default_timeout=600)
t = time.perf_counter(); at.run(); first = time.perf_counter() - t
at.run()
change = []
for i in range({n}):
    key, value = CHANGES[i % len(CHANGES)]
    t = time.perf_counter()
    at.selectbox(key=key).set_value(value).run()
    change.append(time.perf_counter() - t)
    assert not at.exception, at.exception
print(json.dumps({{"first": first, "change": change,
                  "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def scaled_csv(raw: bytes, k: int) -> bytes:
    """programs.csv with every record repeated ``k`` times under new ids (copy 1 keeps its ids)."""
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(rows[0].keys()), lineterminator="\n")
    w.writeheader()
    for copy in range(1, k + 1):
        tag = "" if copy == 1 else f"-x{copy}"
        for r in rows:
            w.writerow(r | {"id": r["id"] + tag, "project_id": (r["project_id"] + tag) if r["project_id"] else ""})
    return out.getvalue().encode("utf-8")


def data_copy(tmp: Path, k: int) -> Path:
    """A data folder for ``k`` copies: the boundary files linked, the records scaled."""
    d = tmp / f"data-x{k}"
    (d / "shapefiles").mkdir(parents=True)
    for f in (ROOT / "data" / "shapefiles").iterdir():
        if f.suffix in (".gpkg", ".md"):
            (d / "shapefiles" / f.name).symlink_to(f)
    shutil.copy(ROOT / "data" / "official_totals.csv", d / "official_totals.csv")
    (d / "programs.csv").write_bytes(scaled_csv((ROOT / "data" / "programs.csv").read_bytes(), k))
    return d


def map_figures(records, runs: int) -> dict[str, float | str]:
    """Aggregate and build+render times of the opening view and the densest view, and payloads."""
    from geo import view

    out: dict[str, float | str] = {}
    views = {"opening": view.ViewState(), "dense": view.ViewState(level="sigungu", metric="records", year=None)}
    settings = maps.MapSettings()
    for name, state in views.items():
        # The page's figures as the app computes them (the reconciliation is once per data version).
        t_view, v = timed(lambda s=state: view.compute(records, s, coverage=[]), runs)
        t_agg, _ = timed(lambda s=state: aggregate(apply_filters(records, s.filters()), s.level, s.metric), runs)
        args = view.map_arguments(v, settings)
        t0 = time.perf_counter()
        maps.render_html(maps.build_map(**args))  # cold: geometry encoded, records worked out, once
        out[f"{name}_cold_ms"] = (time.perf_counter() - t0) * 1000
        t_map, html = timed(lambda a=args: maps.render_html(maps.build_map(**a)), runs)
        out[f"{name}_aggregate_ms"] = t_agg * 1000
        out[f"{name}_compute_ms"] = t_view * 1000
        out[f"{name}_map_ms"] = t_map * 1000
        out[f"{name}_linked_kb"] = len(html.encode("utf-8")) / 1e3
        if name == "dense":
            out["dense_standalone"] = export.standalone_html(maps.build_map(**args), lang="ko")
    return out


def app_figures(data_dir: Path, n: int) -> dict[str, float]:
    code = APP_CHANGES.format(root=str(ROOT), app=str(ROOT / "app.py"), n=n)
    env = dict(os.environ, KDIM_DATA_DIR=str(data_dir))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env)
    if out.returncode:
        raise RuntimeError(out.stderr[-3000:])
    got = json.loads(out.stdout.strip().splitlines()[-1])
    return {
        "first_s": got["first"],
        "p50_ms": pct(got["change"], 0.5) * 1000,
        "p95_ms": pct(got["change"], 0.95) * 1000,
        "maxrss_mb": got["maxrss_mb"],
    }


def explore_ms(records) -> float:
    from geo import boundaries
    from geo.join import aggregate

    values = aggregate(records, "sigungu", "records")
    gdf = boundaries.load_layer("sigungu").merge(values[["code", "value"]], on="code", how="left")
    gdf.explore(column="value").get_root().render()
    t, _ = timed(lambda: gdf.explore(column="value").get_root().render(), 2)
    return t * 1000


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1,10,100")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--changes", type=int, default=12)
    ap.add_argument("--no-app", action="store_true", help="skip the running app's filter changes")
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore")
    sizes = [int(s) for s in args.sizes.split(",")]
    rows: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        pages = {}
        for k in sizes:
            d = data_copy(tmp, k)
            load = programs.load_programs(d / "programs.csv")
            assert load.ok, load.report()[:2000]
            records = attach(load.records)
            # as geo.dataset marks a data version: the map works out each record once per version
            records.attrs[DATA_VERSION] = f"bench-x{k}"
            row: dict[str, float] = {"records": float(len(records))}
            figs = map_figures(records, args.runs)
            standalone = str(figs.pop("dense_standalone"))
            row |= {key: float(v) for key, v in figs.items()}
            row["dense_standalone_kb"] = len(standalone.encode("utf-8")) / 1e3
            (tmp / f"x{k}.html").write_text(standalone, encoding="utf-8")
            pages[f"x{k}"] = (tmp / f"x{k}.html", "path.kdim-region")
            if k == 1:
                row["explore_ms"] = explore_ms(records)
            if not args.no_app:
                row |= app_figures(d, args.changes)
            rows[k] = row
            print(f"×{k}: {len(records):,} records measured", flush=True)
        if not args.no_browser:
            from geo.boundaries import load_layer

            res = browser_times(pages, len(load_layer("sigungu")), args.runs)
            for k in sizes:
                rows[k]["draw_ms"] = statistics.median(res[f"x{k}"]) * 1000
    print_table(rows, sizes)
    return 0


COLUMNS = (
    ("records", "records", "{:,.0f}"),
    ("opening_aggregate_ms", "opening view: filter+aggregate (ms)", "{:.1f}"),
    ("opening_compute_ms", "opening view: all figures and tables (ms)", "{:.0f}"),
    ("opening_cold_ms", "opening view: first map of a data version (ms)", "{:.0f}"),
    ("opening_map_ms", "opening view: map build+render (ms)", "{:.0f}"),
    ("dense_aggregate_ms", "시군구, all years: filter+aggregate (ms)", "{:.1f}"),
    ("dense_compute_ms", "시군구, all years: all figures and tables (ms)", "{:.0f}"),
    ("dense_cold_ms", "시군구, all years: first map of the version (ms)", "{:.0f}"),
    ("dense_map_ms", "시군구, all years: map build+render (ms)", "{:.0f}"),
    ("dense_linked_kb", "시군구 page payload, app (kB)", "{:,.0f}"),
    ("dense_standalone_kb", "시군구 page payload, standalone (kB)", "{:,.0f}"),
    ("draw_ms", "browser: navigation → polygons (ms)", "{:.0f}"),
    ("first_s", "app: first run (s)", "{:.1f}"),
    ("p50_ms", "app: filter change p50 (ms)", "{:.0f}"),
    ("p95_ms", "app: filter change p95 (ms)", "{:.0f}"),
    ("maxrss_mb", "app: peak memory (MB)", "{:.0f}"),
)


def print_table(rows: dict[int, dict[str, float]], sizes: list[int]) -> None:
    """One line per figure, one column per size, with the ratio to ×1 in brackets."""
    base = rows[sizes[0]]
    head = "figure".ljust(42) + "".join(f"×{k}".rjust(22) for k in sizes)
    print(head)
    for key, label, fmt in COLUMNS:
        if key not in base:
            continue
        cells = []
        for k in sizes:
            v = rows[k].get(key)
            if v is None:
                cells.append("—".rjust(22))
                continue
            ratio = f" ({v / base[key]:.1f}×)" if k != sizes[0] and base[key] else ""
            cells.append((fmt.format(v) + ratio).rjust(22))
        print(label.ljust(42) + "".join(cells))
    if "explore_ms" in base:
        e = base["explore_ms"]
        print(
            f"×1 against explore() of the same 시군구 layer (same run): explore() {e:.0f} ms; "
            f"ours {base['dense_map_ms']:.0f} ms → {e / base['dense_map_ms']:.0f}× faster (target ≥ 40×)"
        )
    top = rows[sizes[-1]]
    print(
        f"targets at ×{sizes[-1]}: build+render {top['dense_map_ms']:.0f} ms (≤ 100 ms)"
        + (f"; filter change p95 {top['p95_ms']:.0f} ms (≤ 300 ms)" if "p95_ms" in top else "")
    )


if __name__ == "__main__":
    raise SystemExit(main())
