"""Files written whole or not at all: a temporary name beside the target, flushed, then renamed.

Why one helper: the stores, the merged records, the deck and the font cache are read by other
processes (replicas, nginx, the next build) while they are written; a reader must see the old
file or the new one, never half of one, and a killed writer must not leave its temporary behind
for ever.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

STALE_S = 600  # a temporary older than this was left by a killed writer (a live one takes seconds)


def atomic_write(path: Path, data: bytes, *, mode: int = 0o644) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder (same file system,
    so the rename is atomic); readable by whoever runs the app (``mode``), flushed to disk first."""
    now = time.time()
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        try:
            if now - stale.stat().st_mtime > STALE_S:
                stale.unlink()
        except FileNotFoundError:
            pass
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)  # mkstemp makes it private
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
