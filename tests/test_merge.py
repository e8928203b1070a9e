"""The path by which an official adds next year's records: template -> validate -> merge."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from geo import merge, programs
from geo.cli import main

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "programs.csv"

NEW_ROW = {
    "id": "TEST-2026-NEW",
    "year": "2026",
    "name_ko": "시험 과제 <b>굵게</b>",
    "program_type": "smart_village",
    "sido": "전북",
    "sigungu": "무주군",
    "location_precision": "sigungu",
    "source_url": "https://www.korea.kr/news/policyNewsView.do?newsId=1",
    "source_ref": "test",
    "source_date": "2026-01-02",
}


@pytest.fixture
def bundled(tmp_path: Path) -> Path:
    """A copy of the bundled file to merge into (the real one is never touched by tests)."""
    target = tmp_path / "data" / "programs.csv"
    target.parent.mkdir()
    shutil.copy(DATA, target)
    return target


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def _write(path: Path, rows: list[dict[str, str]], delimiter: str = ",", encoding: str = "utf-8") -> Path:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(programs.COLUMNS), delimiter=delimiter, lineterminator="\r\n")
    w.writeheader()
    for r in rows:
        w.writerow({c: r.get(c, "") for c in programs.COLUMNS})
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def test_template_has_header_example_and_dictionary(tmp_path: Path, bundled: Path, capsys) -> None:
    out = tmp_path / "new.csv"
    assert main(["template", str(out)]) == 0
    rows = _rows(out)
    assert list(rows[0]) == list(programs.COLUMNS) and len(rows) == 1
    assert rows[0]["id"] == merge.EXAMPLE_ID and rows[0]["source_url"].startswith("https://")
    dictionary = _rows(tmp_path / "new_dictionary.csv")
    assert [d["column"] for d in dictionary] == list(programs.COLUMNS)
    assert {d["column"] for d in dictionary if d["required"] == "yes"} == set(programs.REQUIRED_COLUMNS)
    assert "smart_village" in next(d["meaning"] for d in dictionary if d["column"] == "program_type")
    # the untouched template validates and merging it changes nothing
    assert programs.load_programs(out).ok
    before = bundled.read_bytes()
    assert main(["merge", str(out), "--into", str(bundled)]) == 0
    assert "unchanged 1" in capsys.readouterr().out
    assert bundled.read_bytes() == before and not (bundled.parent / "backup").exists()


def test_merge_adds_and_changes_and_keeps_a_copy(tmp_path: Path, bundled: Path, capsys) -> None:
    old = _rows(bundled)
    changed = dict(next(r for r in old if r["id"] == "SV-2024-05"))
    changed["note"] = "corrected note"
    # CP949, as Korean Excel saves it
    new = _write(tmp_path / "next.csv", [NEW_ROW, changed], encoding="cp949")
    before = bundled.read_bytes()
    assert main(["merge", str(new), "--into", str(bundled)]) == 0
    out = capsys.readouterr().out
    assert "added 1, changed 1, unchanged 0, rejected 0" in out
    assert "+ TEST-2026-NEW" in out and "~ SV-2024-05: note" in out
    after = _rows(bundled)
    assert len(after) == len(old) + 1
    assert [r["id"] for r in after[: len(old)]] == [r["id"] for r in old]  # order kept, new id last
    assert after[-1]["name_ko"] == "시험 과제 <b>굵게</b>"  # raw text, escaped only when drawn
    assert next(r for r in after if r["id"] == "SV-2024-05")["note"] == "corrected note"
    backups = list((bundled.parent / "backup").glob("programs-*.csv"))
    assert len(backups) == 1 and backups[0].read_bytes() == before
    assert programs.load_programs(bundled).ok
    assert not list(bundled.parent.glob(".programs.csv.*.tmp"))


def test_merge_with_a_rejected_row_changes_nothing(tmp_path: Path, bundled: Path, capsys) -> None:
    bad = dict(NEW_ROW, id="TEST-BAD", source_url="javascript:alert(1)")
    new = _write(tmp_path / "bad.csv", [NEW_ROW, bad])
    before = bundled.read_bytes()
    assert main(["merge", str(new), "--into", str(bundled)]) == 1
    out = capsys.readouterr().out
    assert "bad.csv, row 3, column source_url" in out  # the validator's report: file, row, column
    assert "nothing written" in out
    assert bundled.read_bytes() == before and not (bundled.parent / "backup").exists()


def test_merge_of_duplicate_ids_changes_nothing(tmp_path: Path, bundled: Path, capsys) -> None:
    new = _write(tmp_path / "dup.csv", [NEW_ROW, dict(NEW_ROW, name_ko="다른 이름")])
    before = bundled.read_bytes()
    assert main(["merge", str(new), "--into", str(bundled)]) == 1
    assert "nothing written" in capsys.readouterr().out
    assert bundled.read_bytes() == before


def test_merge_of_unreadable_file_says_so(tmp_path: Path, bundled: Path, capsys) -> None:
    missing = tmp_path / "nope.csv"
    assert main(["merge", str(missing), "--into", str(bundled)]) in (1, 2)
    assert "nope.csv" in capsys.readouterr().out


def test_kill_during_merge_leaves_old_or_new_whole(tmp_path: Path, bundled: Path) -> None:
    """kill -9 at many moments of a merge: the file is always the old one or the new one, whole."""
    # 240 kB of text so the write is not instantaneous (the validator, not the write, is most of the time)
    rows = [dict(NEW_ROW, id=f"TEST-KILL-{i:05d}", note="가" * 4_000) for i in range(20)]
    new = _write(tmp_path / "big.csv", rows)
    old = bundled.read_bytes()
    code = "import sys; from geo import merge; merge.merge(sys.argv[1], sys.argv[2])"
    cmd = [sys.executable, "-c", code, str(new), str(bundled)]
    t0 = time.monotonic()
    subprocess.run(cmd, cwd=ROOT, check=True)
    full = time.monotonic() - t0
    merged = bundled.read_bytes()
    assert merged != old
    for i in range(6):
        bundled.write_bytes(old)
        proc = subprocess.Popen(cmd, cwd=ROOT)
        time.sleep(full * (0.5 + 0.5 * i / 6))  # from validating NEW.csv through the write
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        now = bundled.read_bytes()
        assert now in (old, merged), f"half-written file after kill #{i} ({len(now)} bytes)"
    assert programs.load_programs(bundled).ok


def test_bundled_sources_are_web_addresses_dated_no_later_than_today() -> None:
    """Every record's source can be opened and was published by now (no invented future source)."""
    rows = _rows(DATA)
    today = dt.date.today().isoformat()
    bad_url = [r["id"] for r in rows if not r["source_url"].startswith(("http://", "https://"))]
    bad_date = [r["id"] for r in rows if not r["source_date"] or r["source_date"] > today]
    assert bad_url == [] and bad_date == []
