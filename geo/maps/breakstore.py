"""Class breaks stored beside the display layers, so the opening page draws without mapclassify.

Importing mapclassify pulls in scipy.stats and scikit-learn: 1.5–4 s of a server's start, spent
before the first map can be classed. The breaks of the views a visitor opens first (the opening
view, the presets, each level and metric) are computed once by ``python -m geo build-start`` (and
by ``python -m geo merge``) and stored in ``data/shapefiles/class_breaks.json``, keyed by the exact
values, k and scheme. A key is a digest of the values themselves, so an entry can never be used
for other data: a view not in the file, or data changed since, is computed by mapclassify as before.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from geo import paths

log = logging.getLogger(__name__)
STORE_NAME = "class_breaks.json"
FORMAT = 1
_use = True  # off while build-start recomputes every entry


def store_path() -> Path:
    return paths.SHAPES_DIR / STORE_NAME


def key(values: Sequence[float], k: int, scheme: str) -> str:
    """The entry's name: a digest of the sorted values (as mapclassify receives them), k and scheme."""
    text = json.dumps([scheme, int(k), [float(v) for v in values]], separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@cache
def _entries() -> dict[str, tuple[float, ...]]:
    path = store_path()
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if doc.get("format") != FORMAT:
            raise ValueError(f"format {doc.get('format')!r}, expected {FORMAT}")
        return {str(k): tuple(float(x) for x in v) for k, v in doc["breaks"].items()}
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:  # a damaged file costs speed only
        log.warning("%s not used (%s): class breaks are computed", path, exc)
        return {}


def stored(values: Sequence[float], k: int, scheme: str) -> tuple[float, ...] | None:
    """The stored breaks of exactly these values, or None."""
    return _entries().get(key(values, k, scheme)) if _use else None


@contextmanager
def bypassed() -> Iterator[None]:
    """Compute every break afresh (building the store must not copy an old one)."""
    global _use
    _use = False
    try:
        yield
    finally:
        _use = True


def write(entries: dict[str, tuple[float, ...]], path: Path | None = None) -> Path:
    """Write the store (to a temporary name, then renamed: a reader never sees half a file)."""
    path = path or store_path()
    doc = {"format": FORMAT, "about": __doc__.splitlines()[0], "breaks": dict(sorted(entries.items()))}
    from geo.files import atomic_write

    atomic_write(path, (json.dumps(doc, ensure_ascii=False, indent=0) + "\n").encode("utf-8"))
    _entries.cache_clear()
    return path


def clear() -> None:
    """Forget the loaded store (tests; after a rebuild)."""
    _entries.cache_clear()
