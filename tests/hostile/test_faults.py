"""Faults on disk: the boundary file missing, truncated or replaced; programs.csv missing or half-written;
data/ read-only. The user gets a sentence saying what is wrong and what to do, the page still
draws what it can, and nothing on disk is changed by the app or the CLI.

Each test works on a copy of the repository's data in a temp dir (KDIM_DATA_DIR for a new
process; the module paths for AppTest, which runs in this process).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo import boundaries, dataset, maps, paths, programs, view

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
REAL_GPKG = boundaries.GPKG


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with its sha256: equal before and after = nothing changed."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "data", tmp_path / "data", ignore=shutil.ignore_patterns("cache"))
    return tmp_path / "data"


def _clear_caches() -> None:
    dataset.clear()
    for module in (boundaries, maps, view):
        for obj in vars(module).values():
            if callable(getattr(obj, "cache_clear", None)):
                obj.cache_clear()
    boundaries._problems.clear()


@pytest.fixture
def pointed(data_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The app's paths moved to the copy; the real layers stand in for the one-minute in-memory rebuild."""
    monkeypatch.setattr(programs, "DATA_FILE", data_copy / "programs.csv")
    for module in (paths, boundaries):  # boundaries.GPKG is paths.GPKG; the stores read the latter
        monkeypatch.setattr(module, "GPKG", data_copy / "shapefiles" / REAL_GPKG.name)
    real = {lv: boundaries.read_built(REAL_GPKG, lv) for lv in boundaries.LEVELS}
    monkeypatch.setattr(boundaries, "_layers_in_memory", lambda: real)
    _clear_caches()
    yield data_copy
    _clear_caches()


def run_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["year"] = "all"  # every record (the opening view shows the latest official year's)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def records_metric(at: AppTest) -> int:
    return int(next(m.value for m in at.metric if m.label == "기록 수").replace(",", ""))


def has_map(at: AppTest) -> bool:
    return any(c.proto.component_name.endswith("st_folium") for c in at.get("component_instance"))


GPKG_FAULTS = {
    "missing": lambda p: p.unlink(),
    "truncated": lambda p: p.write_bytes(p.read_bytes()[:20_000]),
    "replaced by another file": lambda p: shutil.copy(p.parent.parent / "programs.csv", p),
}


@pytest.mark.parametrize("fault", list(GPKG_FAULTS))
def test_boundary_file_fault_is_said_and_the_page_draws(fault: str, pointed: Path) -> None:
    GPKG_FAULTS[fault](boundaries.GPKG)
    before = snapshot(pointed)
    at = run_page()
    said = " ".join(w.value for w in at.warning)
    assert boundaries.GPKG.name in said and "python -m geo build-boundaries" in said, said
    assert ("is missing" if fault == "missing" else "cannot be read") in said
    assert has_map(at) and records_metric(at) == len(dataset.bundled_load().records)
    assert snapshot(pointed) == before  # not rebuilt, not overwritten


def test_half_written_programs_csv_keeps_the_whole_rows(pointed: Path) -> None:
    csv_path = pointed / "programs.csv"
    data = csv_path.read_bytes()
    csv_path.write_bytes(data[: len(data) // 2])  # a copy or save stopped half-way, mid-row
    before = snapshot(pointed)
    load = programs.load_programs(csv_path)
    at = run_page()
    said = " ".join(e.value for e in at.error)
    assert "rows rejected" in said and "python -m geo validate" in said, said
    assert 0 < records_metric(at) == len(load.records) < load.n_rows + 1
    assert has_map(at)
    assert snapshot(pointed) == before


def test_missing_programs_csv_says_so_and_draws_the_map(pointed: Path) -> None:
    (pointed / "programs.csv").unlink()
    at = run_page()
    said = " ".join(e.value for e in at.error)
    assert "programs.csv" in said and "python -m geo validate" in said
    assert records_metric(at) == 0 and has_map(at)
    assert not (pointed / "programs.csv").exists()  # not recreated


def test_read_only_data_dir_changes_nothing(pointed: Path) -> None:
    """A read-only data/ (as on a locked-down office PC): the page and an upload work, nothing is written."""
    for p in [pointed, *pointed.rglob("*")]:
        p.chmod(p.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        before = snapshot(pointed)
        at = run_page()
        n = records_metric(at)
        row = programs.DATA_FILE.read_bytes().splitlines()
        upload = b"\n".join([row[0], row[1].replace(b",", b"-RO,", 1)]) + b"\n"
        at.file_uploader[0].upload("mine.csv", upload, "text/csv").run()
        assert not at.exception
        assert records_metric(at) == n + 1
        assert snapshot(pointed) == before
    finally:
        for p in [pointed, *pointed.rglob("*")]:
            p.chmod(p.stat().st_mode | stat.S_IWUSR)


def test_cli_reads_kdim_data_dir_and_changes_nothing(data_copy: Path) -> None:
    """KDIM_DATA_DIR moves the CLI's default file; a missing one is a sentence and exit 1, no traceback."""
    env = {**os.environ, "KDIM_DATA_DIR": str(data_copy)}
    before = snapshot(data_copy)
    ok = subprocess.run([sys.executable, "-m", "geo", "validate"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert ok.returncode == 0 and ok.stdout.startswith(f"{data_copy / 'programs.csv'}: read as"), ok.stdout + ok.stderr
    (data_copy / "programs.csv").unlink()
    ko = subprocess.run([sys.executable, "-m", "geo", "validate"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert ko.returncode == 1 and ko.stderr == ""
    assert "programs.csv: cannot be opened (No such file or directory)" in ko.stdout
    assert set(snapshot(data_copy)) == set(before) - {"programs.csv"}
