"""geo/files.py: a file is replaced whole or not at all, and a killed writer's temporary is cleared."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from geo import files


def test_the_file_is_replaced_whole_and_readable_by_others(tmp_path: Path) -> None:
    target = tmp_path / "store.json"
    target.write_bytes(b"old")
    files.atomic_write(target, b"new contents")
    assert target.read_bytes() == b"new contents"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644  # mkstemp's 0600 would hide it from nginx
    assert [p.name for p in tmp_path.iterdir()] == ["store.json"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "store.json"
    target.write_bytes(b"old")
    with pytest.raises(TypeError):
        files.atomic_write(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["store.json"]


def test_a_killed_writers_temporary_is_cleared_and_a_live_ones_is_left(tmp_path: Path) -> None:
    target = tmp_path / "store.json"
    old = tmp_path / ".store.json.abc123.tmp"
    live = tmp_path / ".store.json.def456.tmp"
    old.write_bytes(b"half")
    live.write_bytes(b"being written")
    past = time.time() - files.STALE_S - 60
    os.utime(old, (past, past))
    files.atomic_write(target, b"x")
    assert not old.exists() and live.exists()
