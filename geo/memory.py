"""A long-running server gives freed memory back: fewer malloc arenas, garbage collected, pages returned.

Streamlit runs each script run in a thread, and glibc gives threads malloc arenas of their own
(up to eight per core), each keeping what was freed in it for reuse. Python frees a rerun's
objects (the map's HTML is a few MB of strings), but the process's resident memory creeps up
as reruns land in other arenas and stays up after sessions close. A closed session is a web of
reference cycles, freed only by a full collection, which Streamlit's post-script collection
would run after every rerun (off here: .streamlit/config.toml). ``python -m geo serve`` sets:

- ``M_ARENA_MAX`` = 2 (what ``MALLOC_ARENA_MAX=2`` sets; left alone when that is set), before
  Streamlit starts its threads;
- after the warm-up, ``gc.freeze()``: what it loaded (imports, the bundled data, the opening
  views) is never scanned again, so a full collection takes microseconds to milliseconds
  instead of a few hundred;
- every minute, from a daemon thread, a full collection then ``malloc_trim(0)``: free pages go
  back to the system (ctypes releases the GIL for the call).

Elsewhere than glibc (musl, macOS) only the collections are done. ``benchmarks/soak.py``
measures the effect.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import os
import threading
import time
from functools import cache

log = logging.getLogger(__name__)
M_ARENA_MAX = -8  # glibc malloc.h
ARENAS = 2
TRIM_EVERY_S = 60.0


@cache
def _libc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL(None)
    except OSError:
        return None
    return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


def trim() -> bool:
    """Return free heap pages to the system now; False where there is no glibc."""
    libc = _libc()
    return bool(libc and libc.malloc_trim(0))


def freeze() -> int:
    """Collect, then move every object left to the permanent generation (after the warm-up:
    what it holds lives as long as the process). Returns how many objects were frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def _give_back_forever(every_s: float) -> None:
    while True:
        time.sleep(every_s)
        gc.collect()
        trim()


def tune(every_s: float = TRIM_EVERY_S) -> bool:
    """Cap the malloc arenas (glibc) and start the thread that collects and trims every
    ``every_s``. Call it before any other thread starts: an arena made before the cap stays.
    Returns whether glibc's controls are there."""
    libc = _libc()
    if libc is not None and "MALLOC_ARENA_MAX" not in os.environ and not libc.mallopt(M_ARENA_MAX, ARENAS):
        log.warning("mallopt(M_ARENA_MAX, %d) refused", ARENAS)
    threading.Thread(target=_give_back_forever, args=(every_s,), name="kdim-give-back", daemon=True).start()
    return libc is not None
