"""The programs table loads cleanly, and each kind of bad input gets the message it should."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

from geo.programs import COLUMNS, DATA_FILE, load_programs
from tests.conftest import sv_tasks

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def real():
    return load_programs(DATA_FILE)


def test_real_file_loads_without_errors_or_warnings(real):
    assert real.encoding == "utf-8"
    assert real.errors == [], real.report()
    assert real.warnings == [], real.report()
    assert len(real.records) == real.n_rows > 40


def test_every_row_has_a_source(real):
    r = real.records
    assert r["source_url"].str.match(r"^https?://").all()
    assert (r["source_date"].str.strip() != "").all()


def test_no_invented_coordinates(real):
    # No source publishes coordinates: lat/lon come only from 읍면동 polygons at join time.
    assert real.records["lat"].isna().all() and real.records["lon"].isna().all()
    assert "site" not in set(real.records["location_precision"])


def test_smart_village_2024_tasks_are_sigungu_or_sido(real):
    r = real.records
    tasks = r[(r["project_id"] == "SV-2024") & (r["record_role"] == "share")]
    assert len(tasks) == sv_tasks(2024)
    assert set(tasks["location_precision"]) <= {"sigungu", "sido", "emd_centroid"}
    assert set(tasks.loc[tasks["location_precision"] == "sido", "sido_code"]) == {"28"}  # 인천, no 시군구 given


def test_codes_are_2024(real):
    r = real.records.set_index("id")
    assert r.at["SV-2024-11", "sigungu_code"] == "27720"  # 군위군 under 대구
    assert r.at["SV-2020-WANJU", "sido_code"] == "52"  # 전북특별자치도
    assert r.at["SV-2019-SAMCHEOK", "sigungu_code"] == "51230"  # 강원 51
    assert r.at["DID-GYEONGNAM-CHANGWON", "sigungu_code"] == "48120"  # 의창구 → 창원시


# --------------------------------------------------------------------------- bad inputs


def _good_row(**changes: str) -> dict[str, str]:
    with open(DATA_FILE, encoding="utf-8") as f:
        base = next(r for r in csv.DictReader(f) if r["id"] == "BS-BLOCKCHAIN")
    base["note"] = "테스트"  # plain text that CP949 can encode
    base.update(changes)
    return base


def _write(path: Path, rows: list[dict[str, str]], encoding: str = "utf-8", header: list[str] | None = None) -> Path:
    header = header or list(COLUMNS)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=header, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def _issue(load, row: int, column: str):
    hits = [i for i in load.issues if i.row == row and i.column == column]
    assert hits, load.report()
    return hits[0]


def test_cp949_file_is_read_and_says_so(tmp_path):
    p = _write(tmp_path / "cp949.csv", [_good_row(id="X1"), _good_row(id="X2", sido="부산")], "cp949")
    load = load_programs(p)
    assert load.encoding == "cp949"
    assert load.errors == []
    assert list(load.records["name_ko"]) == ["부산 블록체인 특화 클러스터"] * 2
    assert "read as cp949" in load.report()


def test_bom_file_is_read_and_says_so(tmp_path):
    p = _write(tmp_path / "bom.csv", [_good_row(id="X1")], "utf-8-sig")
    load = load_programs(p)
    assert load.encoding == "utf-8-sig"
    assert load.errors == [] and len(load.records) == 1
    assert load.records.index[0] == 2  # first data row is spreadsheet row 2


def test_bytes_and_file_like_inputs(tmp_path):
    p = _write(tmp_path / "a.csv", [_good_row(id="X1")])
    assert len(load_programs(p.read_bytes(), name="upload.csv").records) == 1
    with open(p, "rb") as f:
        assert load_programs(f).file == str(p)


def test_missing_and_extra_columns(tmp_path):
    header = [c for c in COLUMNS if c not in ("source_url", "emd")] + ["remarks"]
    p = _write(tmp_path / "cols.csv", [_good_row(id="X1", remarks="x")], header=header)
    load = load_programs(p)
    missing = _issue(load, 1, "source_url")
    assert missing.severity == "error" and "missing required column 'source_url'" in missing.message
    assert _issue(load, 1, "emd").severity == "warning"
    extra = _issue(load, 1, "remarks")
    assert extra.severity == "warning" and "extra column 'remarks'" in extra.message
    assert load.records.empty and load.rejected_rows == [2]


def test_bad_budgets(tmp_path):
    p = _write(
        tmp_path / "b.csv",
        [_good_row(id="X1", annual_total="62억"), _good_row(id="X2", life_total="-200"), _good_row(id="X3")],
    )
    load = load_programs(p)
    a = _issue(load, 2, "annual_total")
    assert (a.severity, a.value) == ("error", "62억") and "not a number" in a.message and "억원" in a.expected
    b = _issue(load, 3, "life_total")
    assert b.severity == "error" and "negative budget" in b.message
    assert list(load.records["id"]) == ["X3"]  # the good row survives
    assert load.rejected_rows == [2, 3]


def test_unknown_region_lists_closest_names(tmp_path):
    p = _write(
        tmp_path / "r.csv",
        [
            _good_row(id="X1", sido="부산광여시"),
            _good_row(id="X2", sido="경상북도", sigungu="구미식", location_precision="sigungu"),
        ],
    )
    load = load_programs(p)
    a = _issue(load, 2, "sido")
    assert a.severity == "error" and "unknown 시도" in a.message and "부산광역시" in a.message
    b = _issue(load, 3, "sigungu")
    assert "unknown 시군구" in b.message and "구미시" in b.message


def test_point_outside_korea_and_swapped(tmp_path):
    rows = [
        _good_row(id="X1", lat="35.68", lon="139.76"),  # Tokyo
        _good_row(id="X2", lat="129.16", lon="35.17"),  # swapped
    ]
    load = load_programs(_write(tmp_path / "p.csv", rows))
    a = _issue(load, 2, "lat")
    assert a.severity == "error" and "outside South Korea" in a.message
    b = _issue(load, 3, "lat")
    assert b.severity == "error" and "look swapped" in b.message
    assert not [i for i in load.issues if i.row == 3 and "outside" in i.message]


def test_point_in_a_different_sigungu_is_a_warning(tmp_path):
    # 부산시청 (연제구) named as 해운대구: kept, but reported.
    row = _good_row(id="X1", sigungu="해운대구", lat="35.1798", lon="129.0750", location_precision="site")
    load = load_programs(_write(tmp_path / "w.csv", [row]))
    w = _issue(load, 2, "lat")
    assert w.severity == "warning" and "연제구" in w.message and "해운대구" in w.message
    assert len(load.records) == 1


def test_duplicate_ids_and_period_order(tmp_path):
    rows = [
        _good_row(id="X1"),
        _good_row(id="X1"),
        _good_row(id="X3", period_start="2026", period_end="2024"),
    ]
    load = load_programs(_write(tmp_path / "d.csv", rows))
    d = _issue(load, 3, "id")
    assert d.severity == "error" and "duplicate id" in d.message
    e = _issue(load, 4, "period_end")
    assert e.severity == "error" and "ends before it starts" in e.message
    assert list(load.records["id"]) == ["X1"]


def test_all_problems_reported_at_once(tmp_path):
    rows = [_good_row(id="X1", annual_total="abc", sido="없는도", period_start="2026", period_end="2024")]
    load = load_programs(_write(tmp_path / "m.csv", rows))
    assert {i.column for i in load.errors} >= {"annual_total", "sido", "period_end"}
    for i in load.issues:
        assert i.file.endswith("m.csv") and i.row == 2 and i.expected


def test_cli_validate_exit_codes(tmp_path):
    bad = _write(tmp_path / "bad.csv", [_good_row(id="X1", annual_total="-1")])
    run = [sys.executable, "-m", "geo", "validate"]
    ok = subprocess.run([*run, str(DATA_FILE)], cwd=ROOT, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "0 errors" in ok.stdout
    ko = subprocess.run([*run, str(bad)], cwd=ROOT, capture_output=True, text=True)
    assert ko.returncode == 1 and "negative budget" in ko.stdout


def test_programs_module_keeps_the_house_rules() -> None:
    """Under 600 lines, no import of geo.export (it closed an import circle), no private name of program_checks."""
    import ast

    src = (ROOT / "geo" / "programs.py").read_text(encoding="utf-8")
    assert len(src.splitlines()) < 600
    tree = ast.parse(src)
    imported = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert not any(n.module == "geo.export" for n in imported)
    assert not any(isinstance(n, ast.Import) and any(a.name == "geo.export" for a in n.names) for n in ast.walk(tree))
    private = [a.name for n in imported if n.module == "geo.program_checks" for a in n.names if a.name.startswith("_")]
    assert private == []
