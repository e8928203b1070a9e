"""The hostile corpus through the loader API and the CLI: each case gets exactly its outcome."""

from __future__ import annotations

import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

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


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], subprocess.CompletedProcess]:
    """The real command (`python -m geo validate`) over every case at once; its report per file."""
    folder = tmp_path_factory.mktemp("corpus")
    paths = {}
    for n, case in enumerate(CASES):
        p = folder / f"case{n:03d}.csv"
        p.write_bytes(case.data)
        paths[case.name] = str(p)
    run = subprocess.run(
        [sys.executable, "-m", "geo", "validate", *paths.values()], cwd=ROOT, capture_output=True, text=True
    )
    sections: dict[str, str] = {}
    for name, p in paths.items():
        begin = run.stdout.index(f"{p}: read as")
        nxt = [run.stdout.find(f"{q}: read as", begin + 1) for q in paths.values()]
        stop = min([i for i in nxt if i > begin] or [len(run.stdout)])
        sections[name] = run.stdout[begin:stop].strip()
    return sections, run


def test_cli_prints_no_traceback(cli_run: tuple[dict[str, str], subprocess.CompletedProcess]) -> None:
    _, run = cli_run
    assert run.stderr == "" and "Traceback" not in run.stdout, run.stderr[-2000:]
    assert run.returncode == 1  # the corpus has rejected rows


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_cli_validate(case: Case, cli_run: tuple[dict[str, str], subprocess.CompletedProcess]) -> None:
    """The CLI's report for the case: the same counts and messages the loader gives."""
    report = cli_run[0][case.name]
    head = report.splitlines()[0]
    n_errors = int(head.rsplit("; ", 1)[1].split(" errors")[0])
    assert (n_errors > 0) == (case.outcome in ("reject", "refuse")), report
    if case.outcome == "read":
        assert head.endswith("0 errors, 0 warnings"), report
    for e in case.expects:
        where = f", row {e.row}" if e.row is not None else ""
        where += f", column {e.column}" if e.column else ""
        lines = [ln for ln in report.splitlines() if ln.startswith(e.severity.upper()) and e.fragment in ln]
        assert any(f"{where}: " in ln for ln in lines), f"{e} not in\n{report}"


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
    assert load.errors and seconds < 30 and peak < 200e6  # ~2 s alone, ~7 s on a loaded 2-core CI
