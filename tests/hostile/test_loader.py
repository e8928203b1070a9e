"""The hostile corpus through the loader API and the CLI: each case gets exactly its outcome."""

from __future__ import annotations

import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from geo import cli
from geo.programs import ProgramLoad, load_programs
from tests.hostile.corpus import Case, cases

ROOT = Path(__file__).resolve().parents[2]
CASES = cases()


def assert_outcome(case: Case, load: ProgramLoad) -> None:
    """The load matches the case's outcome, its expected issues, and names where each problem is."""
    report = load.report()
    for i in load.issues:
        assert i.file == load.file and i.message and i.expected, i
        if i.severity == "error" and i.row not in (None, 1) and case.outcome != "refuse":
            assert i.column or "cells" in i.message, i  # a row error names its column (or the shape)
    if case.outcome == "read":
        assert load.issues == [], report
    elif case.outcome == "warn":
        assert load.errors == [] and load.warnings, report
    elif case.outcome == "reject":
        assert load.errors and (load.rejected_rows or load.records.empty), report
        assert all(i.row is not None for i in load.errors), report
    else:
        assert case.outcome == "refuse"
        assert load.records.empty and [i.row for i in load.errors if i.row in (None, 1) or i.column is None], report
    for e in case.expects:
        hits = [
            i
            for i in load.issues
            if i.severity == e.severity and i.row == e.row and i.column == e.column and e.fragment in i.message
        ]
        assert hits, f"{case.name}: no {e} in\n{report}"
    if case.records is not None:
        assert len(load.records) == case.records, report
    if case.encoding:
        assert load.encoding == case.encoding, report
    if case.delimiter:
        assert load.delimiter == case.delimiter, report
    if case.check:
        case.check(load)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_loader(case: Case) -> None:
    assert_outcome(case, load_programs(case.data, name=f"{case.name}.csv"))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_cli_validate(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "upload.csv"
    path.write_bytes(case.data)
    code = cli.main(["validate", str(path)])
    out = capsys.readouterr()
    assert out.err == "" and "Traceback" not in out.out
    assert out.out.startswith(f"{path}: read as")
    assert code == (1 if case.outcome in ("reject", "refuse") else 0), out.out
    load = load_programs(path)
    assert out.out.strip() == load.report()


def test_cli_whole_corpus_in_one_process_prints_no_traceback(tmp_path: Path) -> None:
    """The real command over every case at once: reports on stdout, nothing on stderr."""
    paths = []
    for n, case in enumerate(CASES):
        p = tmp_path / f"case{n:03d}.csv"
        p.write_bytes(case.data)
        paths.append(str(p))
    run = subprocess.run([sys.executable, "-m", "geo", "validate", *paths], cwd=ROOT, capture_output=True, text=True)
    assert run.stderr == "", run.stderr[-2000:]
    assert run.returncode == 1
    for p in paths:
        assert f"{p}: read as" in run.stdout


def test_200k_rows_time_and_memory_are_bounded(capsys: pytest.CaptureFixture[str]) -> None:
    """The validator stops at MAX_ROWS: a 200,000-row file is refused fast and in bounded memory."""
    data = next(c for c in CASES if c.name == "200,000 rows").data
    tracemalloc.start()
    t0 = time.perf_counter()
    load = load_programs(data, name="big.csv")
    seconds = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    with capsys.disabled():
        print(f"\n200,000 rows ({len(data) / 1e6:.1f} MB): {seconds:.2f} s, peak {peak / 1e6:.0f} MB traced")
    assert load.errors and seconds < 10 and peak < 200e6
