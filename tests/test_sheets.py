"""Workbooks read directly (.xlsx and .ods, via python-calamine) and officials' own column names mapped."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import xlsxwriter

from geo import headers, merge, programs, sheets

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "programs.csv"


def _geo(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geo", *args], cwd=ROOT, capture_output=True, text=True)


def _csv_rows(n: int) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(DATA.read_text(encoding="utf-8-sig"))))[:n]


def _book(path: Path, rows: list[list[object]], *, sheet: str = "Sheet1", title: str | None = None) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet(sheet)
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    top = 0
    if title:
        ws.merge_range(0, 0, 0, 6, title)
        top = 2
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            if isinstance(v, dt.date):
                ws.write_datetime(top + i, j, dt.datetime(v.year, v.month, v.day), date)
            elif v != "" and v is not None:
                ws.write(top + i, j, v)
    wb.add_worksheet("빈 시트")
    wb.close()
    return path


def test_five_rows_saved_by_pandas_read_like_the_csv(tmp_path: Path) -> None:
    """The issue's own case: five rows of data/programs.csv saved as .xlsx validate with the CSV's figures."""
    rows = _csv_rows(5)
    pd.DataFrame(rows).to_excel(tmp_path / "five.xlsx", index=False)
    xl = programs.load_programs(tmp_path / "five.xlsx")
    buf = io.StringIO()
    pd.DataFrame(rows).to_csv(buf, index=False)
    ref = programs.load_programs(buf.getvalue().encode(), name="five.csv")
    assert xl.ok and xl.issues == [] and len(xl.records) == 5, xl.report()
    assert xl.encoding == "Excel workbook (.xlsx), sheet 'Sheet1'"
    pd.testing.assert_frame_equal(
        xl.records[["id", "annual_national", "sido_code", "source_date"]].reset_index(drop=True),
        ref.records[["id", "annual_national", "sido_code", "source_date"]].reset_index(drop=True),
    )


def test_title_rows_text_numbers_dates_and_excel_places(tmp_path: Path) -> None:
    base = _csv_rows(1)[0]
    cols = list(programs.COLUMNS)
    good = dict(base, id="XL-1", annual_national="1,039", annual_total="2,000", source_date=dt.date(2024, 1, 17))
    bad = dict(base, id="XL-2", annual_national="abc")
    rows = [cols, [good[c] for c in cols], [bad[c] for c in cols]]
    path = _book(tmp_path / "t.xlsx", rows, sheet="사업 목록", title="2024년 지역 디지털 혁신 사업")
    load = programs.load_programs(path)
    assert load.n_rows == 2 and list(load.records["id"]) == ["XL-1"], load.report()
    rec = load.records.iloc[0]
    assert rec["annual_national"] == 1039.0 and rec["source_date"] == "2024-01-17"
    col = sheets.column_letter(cols.index("annual_national"))
    err = load.errors[0]
    assert (err.row, err.column, err.value, err.place) == (5, "annual_national", "abc", f"'사업 목록'!{col}5")
    assert f"'사업 목록'!{col}5, column annual_national: not a number: 'abc'" in load.report()
    head = "Excel workbook (.xlsx), sheet '사업 목록' (1 of 2), header in row 3 (the rows above it not read)"
    assert load.encoding == head


def two_sheets(path: Path) -> Path:
    """A cover sheet first, the records on the second sheet ('data')."""
    base = _csv_rows(1)[0] | {"id": "TWO-1", "project_id": "", "record_role": "whole"}
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("표지").write(0, 0, "표지입니다")
    ws = wb.add_worksheet("data")
    for j, c in enumerate(programs.COLUMNS):
        ws.write(0, j, c)
        ws.write(1, j, base[c])
    wb.close()
    return path


def test_sheet_by_name_and_unknown_sheet(tmp_path: Path) -> None:
    path = two_sheets(tmp_path / "two.xlsx")
    assert programs.load_programs(path).errors  # the first sheet is the cover
    assert programs.load_programs(path, sheet="data").ok
    run = _geo("validate", str(path), "--sheet", "없음")
    assert run.returncode == 1 and "has no worksheet '없음'; its worksheets are: 표지, data" in run.stdout


def _officials(path: Path) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("사업목록")
    ws.merge_range("A1:H1", "2025년 지역 디지털 사업 현황 (단위: 억원)")
    ws.write_row(2, 0, ["연번", "사업코드", "사업명", "시도", "시군구", "연도", "국비", "지방비", "사업기간"])
    ws.write_row(2, 9, ["주관기관", "출처", "출처일", "사업비(백만원)"])
    src = "https://www.msit.go.kr/bbs/view.do?nttSeqNo=3183803"
    ws.write_row(3, 0, [1, "OFF-2025-01", "해운대 블록체인 실증", "부산광역시", "해운대구", 2025, "1,039", 20.5])
    ws.write_row(3, 8, ["2025~2027", "부산테크노파크", src, "2025-01-17", 3000])
    ws.write_row(4, 0, [2, "OFF-2025-02", "대구 AI 실증", "대구", "", 2025, 12, 3, "2025.03 ~ 2026.12", "", src])
    ws.write_datetime(4, 11, dt.datetime(2025, 1, 17), wb.add_format({"num_format": "yyyy-mm-dd"}))
    wb.close()
    return path


def test_officials_headers_are_mapped_with_spans_said(tmp_path: Path) -> None:
    load = programs.load_programs(_officials(tmp_path / "off.xlsx"))
    assert load.ok and len(load.records) == 2, load.report()
    assert load.mapping["국비"] == "annual_national" and load.mapping["연도"] == "annual_year"
    assert load.mapping["사업기간"] == headers.PERIOD and load.left_out == ["연번", "사업비(백만원)"]
    r = load.records.set_index("id")
    assert r.at["OFF-2025-01", "annual_national"] == 1039.0 and r.at["OFF-2025-01", "sigungu_code"] == "26350"
    assert list(r["location_precision"]) == ["sigungu", "sido"]  # derived: the finest place each row names
    assert (r.at["OFF-2025-02", "period_start"], r.at["OFF-2025-02", "period_end"]) == ("2025-03", "2026-12")
    assert "columns read as: 사업코드 → id, 사업명 → name_ko" in load.report()
    assert "columns left out: 연번, 사업비(백만원)" in load.report()


def test_amount_without_a_year_column_is_over_the_period() -> None:
    guess = {c.found: c.column for c in headers.guess(["사업명", "국비", "총사업비", "2024년 지방비"])}
    assert guess == {
        "사업명": "name_ko", "국비": "life_national", "총사업비": "life_total", "2024년 지방비": "annual_local"
    }  # fmt: skip
    with_year = {c.found: c.column for c in headers.guess(["사업명", "예산연도", "국비", "국비(천원)"])}
    assert with_year == {"사업명": "name_ko", "예산연도": "annual_year", "국비": "annual_national", "국비(천원)": ""}


def test_merge_reads_a_workbook_with_officials_headers(tmp_path: Path) -> None:
    target = tmp_path / "data" / "programs.csv"
    target.parent.mkdir()
    shutil.copy(DATA, target)
    result = merge.merge(_officials(tmp_path / "off.xlsx"), target)
    assert result.written and result.added == ["OFF-2025-01", "OFF-2025-02"], result.summary()
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig")))}
    assert rows["OFF-2025-01"]["annual_national"] == "1,039" and rows["OFF-2025-01"]["period_end"] == "2027"
    assert programs.load_programs(target).ok


def test_cli_validate_and_merge_print_the_mapping(tmp_path: Path) -> None:
    path = _officials(tmp_path / "off.xlsx")
    target = tmp_path / "data" / "programs.csv"
    target.parent.mkdir()
    shutil.copy(DATA, target)
    run = _geo("validate", str(path))
    assert run.returncode == 0 and "columns left out: 연번, 사업비(백만원)" in run.stdout, run.stdout + run.stderr
    run = _geo("merge", str(path), "--into", str(target))
    assert run.returncode == 0 and "columns read as: 사업코드 → id" in run.stdout, run.stdout
    assert "added 2" in run.stdout, run.stdout


def test_xlsm_with_macros_is_read_and_its_macros_never_run(tmp_path: Path) -> None:
    """A macro-enabled workbook's sheet is read like any other; its VBA project is never opened."""
    vba = tmp_path / "vbaProject.bin"
    vba.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024))  # not even a valid project: never read
    path = tmp_path / "macro.xlsm"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    base = _csv_rows(1)[0] | {"id": "XLSM-1", "project_id": "", "record_role": "whole"}
    for j, c in enumerate(programs.COLUMNS):
        ws.write(0, j, c)
        ws.write(1, j, base[c])
    wb.add_vba_project(str(vba))
    wb.close()
    load = programs.load_programs(path)
    assert load.ok and list(load.records["id"]) == ["XLSM-1"], load.report()


def test_xls_written_by_xlwt_is_read(tmp_path: Path) -> None:
    """A real Excel 97-2003 file (BIFF8, written by xlwt): the records, numbers and Excel places as in .xlsx."""
    import xlwt

    rows = _csv_rows(2)
    rows[1] = rows[1] | {"life_total": "abc"}
    wb = xlwt.Workbook()
    ws = wb.add_sheet("목록")
    for j, c in enumerate(programs.COLUMNS):
        ws.write(0, j, c)
        for i, r in enumerate(rows, start=1):
            v = f"XLS-{i}" if c == "id" else r[c]
            ws.write(i, j, float(v) if c == "life_national" and v else v)
    path = tmp_path / "old.xls"
    wb.save(str(path))
    load = programs.load_programs(path)
    assert load.encoding == "Excel 97-2003 workbook (.xls), sheet '목록'" and load.n_rows == 2, load.report()
    assert list(load.records["id"]) == ["XLS-1"]
    col = sheets.column_letter(programs.COLUMNS.index("life_total"))
    assert [(i.place, i.value) for i in load.errors] == [(f"목록!{col}3", "abc")], load.report()
