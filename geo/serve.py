"""`python -m geo serve`: start the app with its heavy imports and map layers warmed up.

A fresh Streamlit server runs app.py only when the first visitor arrives, so that visitor
waits for every import, for the bundled records (read from the store ``build-start`` writes,
geo.prepared; validated and attached when it is stale, 1–3 s) and for the display geometry.
Class breaks come from a store too (geo.maps.breakstore): no mapclassify at start. Here a background
thread does that work in the same process, so the module-level caches it fills (geo.dataset,
geo.maps) serve every session. It starts when Streamlit's server is up, not before: sharing the
GIL with Streamlit's boot, it delayed the health check by as long as it ran. While it runs, the
GIL switch interval is 0.5 ms instead of 5: the first browser is then loading Streamlit's page
shell from the same process, and each of its requests waited up to 5 ms for the warm-up's turn.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import sys
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)
APP = Path(__file__).resolve().parent.parent / "app.py"


WARM_SWITCH_S = 0.0005  # the GIL switch interval during the warm-up (Python's default: 0.005)
WARM_PARTS: dict[str, float] = {}  # seconds of each part of the last warm-up (the WARM_DONE line says them)


def warm_up() -> float:
    """Prepare what the opening page needs, in the order it needs it; returns seconds.

    The imports app.py makes, the bundled records (geo.dataset), the opening view, its map
    layers and class breaks; then the other map level and the presets.
    The first visitor's script finds all of it in the caches it reads. :data:`WARM_PARTS`
    keeps the time of each part, so a slow start says where its seconds went.
    """
    t0 = mark = time.perf_counter()

    def part(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        WARM_PARTS[name] = now - mark
        mark = now

    WARM_PARTS.clear()
    # Not streamlit_folium: a component declared before Streamlit's runtime exists is served as 404.
    from geo import dataset, live, maps, offline, programs, view

    part("imports")
    offline.ensure_static_assets()
    data = dataset.bundled()
    if live.configured():  # KDIM_STORE_URL: the store's current version is what the first page shows
        data = live.now().data or data
        # and the next version is prepared on every replica within seconds of an approval: import
        # the validator and the preparation's code now (1-2 s), not while an open page waits for it
        empty = programs.load_programs(",".join(programs.COLUMNS).encode(), name="(warm-up)").records
        dataset.prepare("warm-up-empty", empty)
    part("records")
    opening, _ = view.from_query({})
    states = [opening, *(view.preset(name, opening.lang) for name in view.PRESETS)]
    for i, state in enumerate(states):  # the opening view first
        v = dataset.computed(data, state)
        settings = maps.MapSettings(scheme=state.scheme, represent=state.represent)  # as app.draw_map
        maps.base_map(state.level, state.lang, settings)
        maps.overlay_layers(**view.map_arguments(v, settings))
        if i == 0:
            part("opening map")
    for level in maps.LEVELS:
        maps.geometry_json(level, "national")
    part("presets and levels")
    return time.perf_counter() - t0


def warm_words() -> str:
    """The last warm-up's parts in words: "imports 1.2 s, records 2.0 s, …"."""
    return ", ".join(f"{k} {v:.1f} s" for k, v in WARM_PARTS.items())


def first_states() -> list:
    """The views visitors open first: the opening view, the presets, each level × metric × scheme."""
    from geo import maps, view

    opening, _ = view.from_query({})
    states = [opening, *(view.preset(name, opening.lang) for name in view.PRESETS)]
    states += [s.replace(scheme=other) for s in list(states) for other in maps.SCHEMES]
    states += [
        view.ViewState(level=level, metric=metric, scheme=scheme)
        for level in maps.LEVELS
        for metric in view.MAP_METRICS
        for scheme in maps.SCHEMES
    ]
    return list(dict.fromkeys(states))


def classify_first_views() -> int:
    """Class the choropleth of every first view (what the opening pages ask of geo.maps.classes)."""
    from geo import dataset, maps, view

    data = dataset.bundled()
    states = first_states()
    for state in states:
        # the classes are the choropleth's ("표현: 색"), whichever the view draws first
        args = view.map_arguments(
            dataset.computed(data, state), maps.MapSettings(scheme=state.scheme, represent="fill")
        )
        maps.choropleth_layer(
            args["values"], level=state.level, metric=state.metric, lang=state.lang,
            focus=args["focus"], settings=args["settings"],
        )  # fmt: skip
    return len(states)


def build_breaks() -> tuple[Path, int, int]:
    """Compute the first views' class breaks with mapclassify and store them (geo.maps.breakstore).
    Returns the file, the value sets stored and the views classed."""
    from geo.maps import breakstore, classes

    classes.COMPUTED.clear()
    classes.breaks.cache_clear()
    with breakstore.bypassed():
        n_views = classify_first_views()
    classes.breaks.cache_clear()
    return breakstore.write(dict(classes.COMPUTED)), len(classes.COMPUTED), n_views


def build_records() -> tuple[Path, int]:
    """Prepare the bundled records from the files and store them (geo.prepared); the folder and
    the number of records. Then the views are those of the stored records."""
    from geo import dataset, prepared

    fresh = dataset.fresh_bundled()
    folder = prepared.write(fresh)
    dataset.clear()
    return folder, len(fresh.records)


def build_start() -> list[str]:
    """Everything a fast start reads, rebuilt (merge runs it): the records, their class breaks,
    and the opening map's display geometry."""
    from geo.maps import shapestore

    folder, n_records = build_records()
    path, n, n_views = build_breaks()
    shapes, n_shapes = shapestore.write()
    return [
        f"wrote {folder}: the bundled data set prepared ({n_records} records)",
        f"wrote {path}: class breaks of {n} value sets ({n_views} views)",
        f"wrote {shapes}: display geometry of the opening map ({n_shapes} layers and tables)",
    ]


def _cli_build_start(args: argparse.Namespace) -> int:
    print("\n".join(build_start()))
    return 0


WARM_DONE = "kdim: warm-up done"  # benchmarks/bench_app.py waits for this line
TRACE_ENV = "KDIM_TRACEMALLOC"  # a directory: trace Python allocations, dump them on SIGUSR1
TRACE_FRAMES = 12


SERVER_WAIT = 60.0  # seconds the warm-up waits for Streamlit's server before it starts anyway


def wait_for_server(timeout: float = SERVER_WAIT) -> float:
    """Wait until Streamlit's runtime has started (the server answers); returns seconds waited.

    The warm-up's imports hold the GIL: run during Streamlit's boot they delay its health check
    and the first page by as much. Once the server is up, the first visitor's browser spends a
    second or two loading Streamlit's frontend, which is when the warm-up runs best."""
    from streamlit import config
    from streamlit.runtime import Runtime, RuntimeState

    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:  # the runtime first (by then the options are read) ...
        if Runtime.exists() and Runtime.instance().state != RuntimeState.INITIAL:
            break
        time.sleep(0.05)
    host = config.get_option("server.address") or "127.0.0.1"
    where = ("127.0.0.1" if host in ("0.0.0.0", "::") else host, int(config.get_option("server.port")))
    while time.monotonic() - t0 < timeout:  # ... then its port: the runtime starts a second before it listens
        try:
            socket.create_connection(where, timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.05)
    return time.monotonic() - t0


def _warm_in_background() -> None:
    try:
        waited = wait_for_server()
        interval = sys.getswitchinterval()
        sys.setswitchinterval(WARM_SWITCH_S)
        try:
            seconds = warm_up()
        finally:
            sys.setswitchinterval(interval)
    except Exception:  # the app still works cold; say why it is slower
        log.exception("warm-up failed")
        return
    from geo import memory

    memory.freeze()  # what the warm-up loaded stays: later collections skip it
    if os.environ.get(TRACE_ENV):  # opt-in heap dumps: trace from here on (enable_heap_dumps)
        import tracemalloc

        tracemalloc.start(TRACE_FRAMES)
    # Streamlit leaves our loggers unconfigured: say it on stderr, beside Streamlit's own lines.
    print(
        f"{WARM_DONE} in {seconds:.1f} s ({warm_words()}), started {waited:.1f} s after launch, when the server was up",
        file=sys.stderr,
        flush=True,
    )


def enable_heap_dumps(out_dir: str) -> None:
    """Opt-in memory profiling (benchmarks/bench_sessions.py): on each SIGUSR1, write
    ``heap-N.snap`` (a tracemalloc snapshot) and ``heap-N.txt`` (the top allocations by
    traceback) into ``out_dir``. Off unless KDIM_TRACEMALLOC names a directory: tracing slows
    the server and takes memory of its own. Tracing starts when the warm-up is done (traced,
    the imports and warm-up take minutes), so the snapshots hold what sessions added."""
    import linecache
    import tracemalloc

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    count = iter(range(1, 1_000_000))

    def dump(signum: int, frame: object) -> None:
        if not tracemalloc.is_tracing():
            tracemalloc.start(TRACE_FRAMES)
        n = next(count)
        # Not the dumps' own allocations: tracemalloc's, and the source lines its report reads.
        mine = [tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, linecache.__file__)]
        snap = tracemalloc.take_snapshot().filter_traces(mine)
        snap.dump(str(out / f"heap-{n}.snap"))
        current, peak = tracemalloc.get_traced_memory()
        lines = [f"traced {current / 1e6:.1f} MB (peak {peak / 1e6:.1f} MB)"]
        for stat in snap.statistics("traceback")[:25]:
            lines.append(f"{stat.size / 1e6:8.2f} MB {stat.count:8d} blocks")
            lines.extend(f"    {line}" for line in stat.traceback.format()[-2 * TRACE_FRAMES :])
        (out / f"heap-{n}.txt").write_text("\n".join(lines) + "\n")

    signal.signal(signal.SIGUSR1, dump)


def _cli_serve(args: argparse.Namespace) -> int:
    from geo import memory

    memory.tune()  # before any other thread: the arenas they get are capped
    if os.environ.get(TRACE_ENV):
        enable_heap_dumps(os.environ[TRACE_ENV])
    threading.Thread(target=_warm_in_background, name="kdim-warm-up", daemon=True).start()
    from streamlit.web import cli as stcli

    sys.argv = ["streamlit", "run", str(APP), *args.streamlit_args]
    return int(stcli.main() or 0)


def register_cli(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve",
        help="run the app (streamlit run app.py) with imports and map layers warmed up once the server is up",
        description="Start the Streamlit app; extra arguments go to `streamlit run` (e.g. --server.port 8502).",
    )
    p.add_argument("streamlit_args", nargs=argparse.REMAINDER, help="options for streamlit run")
    p.set_defaults(func=_cli_serve)
    b = sub.add_parser(
        "build-start",
        help="store what the first page reads: prepared records, first views' class breaks, opening map geometry",
        description="Validate, attach and reconcile data/programs.csv and store the result in data/prepared/ "
        "(keyed by the digest of its data and code files); then compute with mapclassify the class breaks of "
        "the opening view, the presets and each level × metric × scheme, and store them in "
        "data/shapefiles/class_breaks.json; then encode the opening map's display geometry and store it in "
        "data/shapefiles/display_geometry.json. The first page then draws without pandera, mapclassify, "
        "reconciliation or reading the GeoPackage. `merge` runs it after changing data/programs.csv.",
    )
    b.set_defaults(func=_cli_build_start)
