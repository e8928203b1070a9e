"""One command-line entry with a subcommand per job.

Each module that offers a command defines ``register_cli(subparsers)``; its parser
sets ``func`` to a callable taking the parsed args and returning an exit code.
Modules are imported only when listed here, so adding a command is one line. ``serve``
imports only its own module: the app's start-up should not wait for the other commands'
libraries (its warm-up imports what the app needs, while Streamlit boots).
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMAND_MODULES = (
    "geo.boundaries",
    "geo.programs",
    "geo.reconcile",
    "geo.export",
    "geo.site",
    "geo.deck",
    "geo.report",
    "geo.merge",
    "geo.policy_shares",
    "geo.store",
    "geo.accounts",
    "geo.history",
    "geo.serve",
)


def _prepare_static(args: argparse.Namespace) -> int:
    from geo import offline

    path = offline.ensure_static_assets()
    print(f"Leaflet assets ready under {path}")
    return 0


def build_parser(modules: tuple[str, ...] = COMMAND_MODULES) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m geo",
        description="지방 디지털 혁신 지도 — data and map commands.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p = sub.add_parser(
        "prepare-static",
        help="copy Leaflet files from the xstatic packages into static/ (served by the app)",
    )
    p.set_defaults(func=_prepare_static)
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # module not written yet
                continue
            raise
        register = getattr(module, "register_cli", None)
        if register is not None:
            register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(("geo.serve",) if argv[:1] == ["serve"] else COMMAND_MODULES)
    args, extra = parser.parse_known_args(argv)
    if extra:  # only `serve` passes options through (to streamlit run)
        if not hasattr(args, "streamlit_args"):
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        args.streamlit_args = [*extra, *args.streamlit_args]
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
