"""`python -m geo serve`: Streamlit starts without waiting for the heavy imports, and the warm-up
leaves the opening page's data, view, class breaks and chart specs in the caches app.py reads."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

from geo import dataset, maps, serve, view

ROOT = Path(__file__).resolve().parent.parent


def test_serve_command_imports_no_heavy_library() -> None:
    code = (
        "import sys; from geo import cli; p = cli.build_parser(('geo.serve',));"
        "args, extra = p.parse_known_args(['serve', '--server.port', '1']);"
        "print(args.command, sorted(m for m in ('geopandas', 'folium', 'pandas', 'streamlit') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["serve", "[]"]


def test_warm_up_fills_what_the_opening_page_reads() -> None:
    dataset.clear()
    maps.breaks.cache_clear()
    assert serve.warm_up() > 0
    opening, _ = view.from_query({})
    data = dataset.bundled()
    assert (data.key, opening) in dataset._views.items
    for name in view.PRESETS:
        assert (data.key, view.preset(name, opening.lang)) in dataset._views.items
    # the opening page and the presets draw their totals as circles: no class breaks to read
    # (the choropleth's, for 표현: 색, are stored at build time: geo.maps.breakstore)
    assert opening.represent == "circle" and maps.breaks.cache_info().currsize == 0
    assert set(serve.WARM_PARTS) == {"imports", "records", "opening map", "presets and levels"}


def test_heap_dumps_are_opt_in_and_written_on_sigusr1(tmp_path: Path) -> None:
    code = (
        "import os, signal, sys; from geo import serve;"
        "assert signal.getsignal(signal.SIGUSR1) == signal.SIG_DFL;"  # importing installs nothing
        "serve.enable_heap_dumps(sys.argv[1]); keep = [bytes(1000) for _ in range(100)];"
        "os.kill(os.getpid(), signal.SIGUSR1); os.kill(os.getpid(), signal.SIGUSR1)"
    )
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=ROOT, check=True, timeout=120)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["heap-1.snap", "heap-1.txt", "heap-2.snap", "heap-2.txt"]
    assert (tmp_path / "heap-2.txt").read_text().startswith("traced ")


def test_the_warm_up_starts_once_the_server_is_up() -> None:
    """Run during Streamlit's boot, the warm-up's imports delayed the health check by as long as
    they took; it now waits for the runtime, and its line says when it started."""
    from tests.e2e.server import StreamlitServer

    t0 = time.monotonic()
    with StreamlitServer(warm=True) as srv:
        healthy = time.monotonic() - t0
        deadline = time.monotonic() + 120
        while serve.WARM_DONE not in (log := srv.log_tail(200)) and time.monotonic() < deadline:
            time.sleep(0.1)
    line = next(x for x in log.splitlines() if serve.WARM_DONE in x)
    started = float(re.search(r"started ([\d.]+) s after launch, when the server was up", line)[1])
    assert 0 < started <= healthy + 0.5, (started, healthy, line)
    assert log.index("You can now view") < log.index(serve.WARM_DONE), log


def test_the_warm_up_switches_threads_often_and_restores_the_interval(monkeypatch, capsys) -> None:
    """While it imports, the warm-up hands the GIL back every 0.5 ms, so Streamlit's thread serves
    the first browser's page shell between its steps; afterwards Python's interval is back."""
    seen: list[float] = []
    monkeypatch.setattr(serve, "wait_for_server", lambda: 0.0)
    monkeypatch.setattr(serve, "warm_up", lambda: seen.append(sys.getswitchinterval()) or 0.0)
    monkeypatch.setattr("geo.memory.freeze", lambda: None)  # not this process's heap
    before = sys.getswitchinterval()
    serve._warm_in_background()
    assert seen == [serve.WARM_SWITCH_S] and serve.WARM_SWITCH_S < before
    assert sys.getswitchinterval() == before
    assert serve.WARM_DONE in capsys.readouterr().err
