"""Display geometry stored beside the GeoPackage, so a fresh server's first map reads no geometry.

The opening map's layers (the 시도 and 시군구 coverages encoded for the browser, the land and
border lines, the specialty 권역 outlines, the label points, the codes and bounds) are pure
functions of the GeoPackage. Computing them reads the GeoPackage with pyogrio and merges
coverages with shapely: 0.5–1 s of a first page, or of the warm-up thread that shares the GIL
with Streamlit's boot. ``python -m geo build-start`` stores them in
``data/shapefiles/display_geometry.json``, keyed by a digest of the GeoPackage and of the code
that computes them. Any change, or a missing or damaged file: they are computed as before (a
slower start, the same map). JSON, not pickle: reading the store runs no code.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import logging
from collections.abc import Callable
from functools import cache, wraps
from pathlib import Path
from typing import Any

from geo import paths

log = logging.getLogger(__name__)
STORE_NAME = "display_geometry.json"
FORMAT = 1
_MAPS = Path(__file__).resolve().parent
# The code the stored values come from: a change here must not be served from an old store.
CODE = (_MAPS.parent / "boundaries.py", _MAPS / "geometry.py", _MAPS / "codec.py", _MAPS / "style.py")
_FUNCTIONS: dict[str, Callable[..., Any]] = {}


def store_path() -> Path:
    return paths.SHAPES_DIR / STORE_NAME


def key() -> str:
    """A digest of the GeoPackage and the code (a missing file counts as its own state)."""
    h = hashlib.sha256(f"format {FORMAT}".encode())
    for path in (paths.GPKG, *CODE):
        h.update(f"\0{path.name}\0".encode())
        try:
            with path.open("rb") as f:
                h.update(hashlib.file_digest(f, "sha256").digest())
        except OSError:
            h.update(b"missing")
    return h.hexdigest()


def entry_name(function: str, args: tuple) -> str:
    return json.dumps([function, list(args)], ensure_ascii=False, separators=(",", ":"))


@cache
def _entries() -> dict[str, Any]:
    path = store_path()
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if doc.get("format") != FORMAT or doc.get("key") != key():
            log.info("%s is not of today's GeoPackage or code: display geometry is computed", path)
            return {}
        return dict(doc["entries"])
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, KeyError, TypeError) as exc:  # a damaged file costs speed only
        log.warning("%s not used (%s): display geometry is computed", path, exc)
        return {}


def stored(thaw: Callable[[Any], Any] = lambda v: v) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a geometry function: cached per call, read from the store when it holds the call.

    ``thaw`` turns the JSON value back into what the function returns (tuples, not lists).
    Arguments are bound to the signature first, so f("sido") and f("sido", "national") are one entry.
    """

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(fn)

        @cache
        @wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            hit = _entries().get(entry_name(fn.__name__, bound.args))
            return thaw(hit) if hit is not None else fn(*bound.args)

        wrapper.compute = fn  # type: ignore[attr-defined]
        _FUNCTIONS[fn.__name__] = wrapper
        return wrapper

    return decorate


# What the opening views draw (issue 15): both levels at the national zoom, all of Korea.
OPENING: tuple[tuple[str, tuple], ...] = (
    ("geometry_json", ("sido", "national")),
    ("geometry_json", ("sigungu", "national")),
    ("base_geometry", ("national",)),
    ("specialty_geometry", ("national",)),
    ("representative_points", ("sido",)),
    ("representative_points", ("sigungu",)),
    ("layer_codes", ("sido",)),
    ("layer_codes", ("sigungu",)),
    ("bounds_of", ("sido", None)),
    ("bounds_of", ("sigungu", None)),
)


def compute_entries() -> dict[str, Any]:
    """Every OPENING entry computed afresh from the GeoPackage, as JSON values."""
    from geo.maps import geometry  # noqa: F401  (registers the stored functions)

    return {entry_name(f, args): json.loads(json.dumps(_FUNCTIONS[f].compute(*args))) for f, args in OPENING}


def write(path: Path | None = None) -> tuple[Path, int]:
    """Compute and store the OPENING entries under today's key (temporary name, then renamed)."""
    from geo.files import atomic_write

    path = path or store_path()
    entries = compute_entries()
    doc = {"format": FORMAT, "about": __doc__.splitlines()[0], "key": key(), "entries": entries}
    atomic_write(path, (json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8"))
    clear()
    return path, len(entries)


def clear() -> None:
    """Forget the loaded store and every cached result (tests; after a rebuild)."""
    _entries.cache_clear()
    for fn in _FUNCTIONS.values():
        fn.cache_clear()  # type: ignore[attr-defined]
