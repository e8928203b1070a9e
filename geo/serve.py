"""`python -m geo serve`: start the app with its heavy imports and map layers warmed up.

A fresh Streamlit server runs app.py only when the first visitor arrives, so that visitor
waits for every import (mapclassify alone pulls in scipy and scikit-learn, ~1.5 s) and for the
display geometry. Here a background thread does that work while Streamlit boots, in the same
process, so the module-level caches it fills serve every session.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)
APP = Path(__file__).resolve().parent.parent / "app.py"


def warm_up() -> float:
    """Import what app.py imports and build the national display geometry; returns seconds."""
    t = time.perf_counter()
    # Not streamlit_folium: a component declared before Streamlit's runtime exists is served as 404.
    import altair  # noqa: F401
    import mapclassify  # noqa: F401

    from geo import briefing, maps, offline, programs  # noqa: F401

    offline.ensure_static_assets()
    for level in maps.LEVELS:
        maps.geometry_json(level, "national")
        maps.build_map(None, None, level=level, lang="ko")
    programs.load_programs(programs.DATA_FILE)  # also loads the 시군구 layer it checks points against
    return time.perf_counter() - t


def _warm_in_background() -> None:
    try:
        log.info("warm-up done in %.1fs", warm_up())
    except Exception:  # the app still works cold; say why it is slower
        log.exception("warm-up failed")


def _cli_serve(args: argparse.Namespace) -> int:
    threading.Thread(target=_warm_in_background, name="kdim-warm-up", daemon=True).start()
    from streamlit.web import cli as stcli

    sys.argv = ["streamlit", "run", str(APP), *args.streamlit_args]
    return int(stcli.main() or 0)


def register_cli(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve",
        help="run the app (streamlit run app.py) with imports and map layers warmed up while it boots",
        description="Start the Streamlit app; extra arguments go to `streamlit run` (e.g. --server.port 8502).",
    )
    p.add_argument("streamlit_args", nargs=argparse.REMAINDER, help="options for streamlit run")
    p.set_defaults(func=_cli_serve)
