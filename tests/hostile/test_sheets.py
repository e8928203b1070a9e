"""Hostile workbooks: each is refused or read with one clear sentence, no traceback and bounded memory.

The files are made here, in tmp_path, small on disk: a sheet reaching row 1,048,576 (dense and
sparse), zip bombs (declared size, ratio), formulas, a sheet of pictures only, an encrypted
workbook, a workbook with no cells, a workbook whose only sheet is a macro sheet.
"""

from __future__ import annotations

import io
import resource
import subprocess
import sys
import time
import tracemalloc
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import xlsxwriter
from PIL import Image

from geo import csvread, sheets
from geo.programs import COLUMNS, load_programs
from tests.hostile.corpus import BASE

ROOT = Path(__file__).resolve().parents[2]
SHEET = "xl/worksheets/sheet1.xml"


def _skeleton() -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    wb.add_worksheet().write(0, 0, "id")
    wb.close()
    return buf.getvalue()


def _replace(path: Path, parts: dict[str, Iterator[bytes]]) -> Path:
    """The skeleton workbook with ``parts`` streamed in (never whole in memory)."""
    src = zipfile.ZipFile(io.BytesIO(_skeleton()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for info in src.infolist():
            if info.filename not in parts:
                z.writestr(info.filename, src.read(info.filename))
        for name, chunks in parts.items():
            with z.open(name, "w", force_zip64=True) as f:
                for chunk in chunks:
                    f.write(chunk)
    return path


def _sheet_xml(rows: Iterator[bytes]) -> Iterator[bytes]:
    ns = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    yield b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet ' + ns + b"><sheetData>"
    yield from rows
    yield b"</sheetData></worksheet>"


def _header_row() -> bytes:
    cells = "".join(
        f'<c r="{sheets.column_letter(j)}1" t="inlineStr"><is><t>{c}</t></is></c>' for j, c in enumerate(COLUMNS)
    )
    return f'<row r="1">{cells}</row>'.encode()


def _million_rows() -> Iterator[bytes]:
    yield _header_row()
    for start in range(2, 1_048_577, 4096):
        stop = min(start + 4096, 1_048_577)
        yield b"".join(b'<row r="%d"><c><v>1</v></c></row>' % n for n in range(start, stop))


def _zeros(n_mb: int) -> Iterator[bytes]:
    block = bytes(1 << 20)
    for _ in range(n_mb):
        yield block


def make_dense(tmp: Path) -> Path:
    return _replace(tmp / "dense.xlsx", {SHEET: _sheet_xml(_million_rows())})


def make_sparse(tmp: Path) -> Path:
    last = b'<row r="1048576"><c r="A1048576"><v>1</v></c></row>'
    return _replace(tmp / "sparse.xlsx", {SHEET: _sheet_xml(iter([_header_row(), last]))})


def make_bomb(tmp: Path) -> Path:
    return _replace(tmp / "bomb.xlsx", {"xl/media/image1.png": _zeros(300)})


def make_ratio_bomb(tmp: Path) -> Path:
    return _replace(tmp / "ratio.xlsx", {"xl/media/image1.png": _zeros(60)})


def make_formulas(tmp: Path) -> Path:
    path = tmp / "formulas.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    row = BASE | {"note": '=HYPERLINK("http://evil.example","click")', "name_en": "@SUM(A1)"}
    for j, c in enumerate(COLUMNS):
        ws.write_string(0, j, c)
        if c == "annual_total":
            ws.write_formula(1, j, "=31+31", None, 62)  # Excel's last computed value is read, never recomputed
        else:
            ws.write_string(1, j, row.get(c, ""))
    wb.close()
    return path


def make_images_only(tmp: Path) -> Path:
    png = tmp / "dot.png"
    Image.new("RGB", (20, 20), "red").save(png)
    path = tmp / "images.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet().insert_image("B2", str(png))
    wb.close()
    return path


def make_empty(tmp: Path) -> Path:
    path = tmp / "empty.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet()
    wb.close()
    return path


def make_encrypted(tmp: Path) -> Path:
    """What Excel writes for 'Encrypt with Password': an OLE compound file holding an EncryptedPackage stream."""
    header = sheets.CFB_MAGIC + bytes(504)
    directory = "EncryptedInfo".encode("utf-16-le").ljust(128, b"\0")
    directory += "EncryptedPackage".encode("utf-16-le").ljust(128, b"\0")
    path = tmp / "locked.xlsx"
    path.write_bytes(header + directory + bytes(4096))
    return path


def make_macro_only(tmp: Path) -> Path:
    """A workbook whose one sheet is an Excel 4 macro sheet (xl/macrosheets/), nothing to read."""
    src = zipfile.ZipFile(io.BytesIO(_skeleton()))
    path = tmp / "macro.xlsm"
    with zipfile.ZipFile(path, "w") as z:
        for info in src.infolist():
            data = src.read(info.filename)
            name = info.filename.replace("worksheets/sheet1.xml", "macrosheets/sheet1.xml")
            if info.filename in ("[Content_Types].xml", "xl/_rels/workbook.xml.rels"):
                data = data.replace(b"worksheets/sheet1.xml", b"macrosheets/sheet1.xml")
                data = data.replace(
                    b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet",
                    b"http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet",
                )
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml",
                    b"application/vnd.ms-excel.macrosheet+xml",
                )
            z.writestr(name, data)
    return path


ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)
ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
)
# What LibreOffice writes below a table: the sheet's remaining empty rows, as one repeated row.
ODS_TRAILING = (
    '<table:table-row table:number-rows-repeated="1048570">'
    '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
)


def ods(rows: list[list[object]], extra: str = ODS_TRAILING) -> bytes:
    """An OpenDocument spreadsheet as LibreOffice saves one (one sheet, 'Sheet1'), plus ``extra`` rows."""
    from xml.sax.saxutils import escape

    def cell(v: object) -> str:
        if isinstance(v, int | float):
            value = f'office:value-type="float" office:value="{v}"'
            return f"<table:table-cell {value}><text:p>{v}</text:p></table:table-cell>"
        return f'<table:table-cell office:value-type="string"><text:p>{escape(str(v))}</text:p></table:table-cell>'

    body = "".join("<table:table-row>" + "".join(cell(v) for v in r) + "</table:table-row>" for r in rows)
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NS} office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Sheet1">{body}{extra}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", ODS_MANIFEST)
        z.writestr("content.xml", content)
    return buf.getvalue()


def make_ods_repeated(tmp: Path) -> Path:
    """One row of values repeated 1,048,570 times: 300 bytes on disk, 1.9 GB once calamine expands it."""
    row = (
        '<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="30" '
        'office:value-type="float" office:value="1"/></table:table-row>'
    )
    path = tmp / "repeated.ods"
    path.write_bytes(ods([list(COLUMNS)], extra=row))
    return path


def make_xls_far_cell(tmp: Path) -> Path:
    """A real .xls (xlwt) whose three sheets each hold a cell at IV65536: 6 KB on disk, 1.5 GB in calamine."""
    import xlwt

    wb = xlwt.Workbook()
    for k in range(3):
        ws = wb.add_sheet(f"s{k}")
        ws.write(0, 0, "id")
        ws.write(65535, 255, 1)
    path = tmp / "far.xls"
    wb.save(str(path))
    return path


def make_xls_many_sheets(tmp: Path) -> Path:
    """Twelve sheets, each within the row and column limits, together over MAX_CELLS."""
    import xlwt

    wb = xlwt.Workbook()
    for k in range(12):
        ws = wb.add_sheet(f"s{k}")
        ws.write(0, 0, "id")
        ws.write(19_999, 19, 1)
    path = tmp / "many.xls"
    wb.save(str(path))
    return path


CASES = {
    "1,048,576 rows": (make_dense, "has rows down to row"),
    "cell at A1048576": (make_sparse, "has rows down to row 1,048,576"),
    "zip bomb (300 MB declared)": (make_bomb, "unpacks to 300 MB"),
    "zip bomb (ratio)": (make_ratio_bomb, "a zip bomb, not a spreadsheet"),
    "images only": (make_images_only, "has no cells with text or numbers (only pictures"),
    "empty workbook": (make_empty, "has no cells with text or numbers"),
    "encrypted": (make_encrypted, "protected with a password (encrypted)"),
    "macro sheet only": (make_macro_only, "has no worksheet, only macrosheets (macros are never run here)"),
    ".xls cell at IV65536": (make_xls_far_cell, "sheet '1 of 3' has at least 65,536 rows × 256 columns"),
    ".xls sheets over the cell limit": (make_xls_many_sheets, "its 12 sheets span 4,800,000 cells"),
    ".ods row repeated 1,048,570 times": (make_ods_repeated, "has at least 1,048,571 rows × 30 columns of values"),
}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("sheets")
    out = {name: make(tmp) for name, (make, _) in CASES.items()}
    out["formulas"] = make_formulas(tmp)
    return out


def test_files_are_small_on_disk(files: dict[str, Path]) -> None:
    sizes = {n: p.stat().st_size for n, p in files.items()}
    assert all(s < 3_000_000 for s in sizes.values()), sizes


@pytest.mark.parametrize("name", list(CASES))
def test_refused_with_one_sentence_in_bounded_memory(name: str, files: dict[str, Path]) -> None:
    tracemalloc.start()
    t0 = time.perf_counter()
    load = load_programs(files[name])
    seconds = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    fragment = CASES[name][1]
    assert load.records.empty and len(load.errors) == 1, load.report()
    assert fragment in load.errors[0].message and load.errors[0].row is None, load.report()
    assert seconds < 20 and peak < 60e6, (seconds, peak)


def test_formulas_read_as_values_and_formula_text_warned(files: dict[str, Path]) -> None:
    load = load_programs(files["formulas"])
    assert load.ok and len(load.records) == 1, load.report()
    assert load.records.iloc[0]["annual_total"] == 62.0
    warned = {(i.column, i.place) for i in load.warnings}
    note = f"Sheet1!{sheets.column_letter(COLUMNS.index('note'))}2"
    name_en = f"Sheet1!{sheets.column_letter(COLUMNS.index('name_en'))}2"
    assert warned == {("note", note), ("name_en", name_en)}, load.report()


def test_cli_over_every_case_no_traceback_and_bounded_process_memory(files: dict[str, Path], tmp_path: Path) -> None:
    """The real command over every hostile workbook: one sentence each; the process's peak RSS (Rust's
    allocations included) no more than 150 MB above the same command on a five-row CSV."""
    small = tmp_path / "small.csv"
    small.write_text(",".join(COLUMNS) + "\n" + ",".join(BASE.get(c, "") for c in COLUMNS) + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "geo", "validate", str(small)], cwd=ROOT, capture_output=True, check=True)
    base = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    run = subprocess.run(
        [sys.executable, "-m", "geo", "validate", *map(str, files.values())], cwd=ROOT, capture_output=True, text=True
    )
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert run.stderr == "" and "Traceback" not in run.stdout, run.stderr[-2000:]
    assert run.returncode == 1
    for name, (_, fragment) in CASES.items():
        assert f"ERROR: {files[name]}: " in run.stdout and fragment in run.stdout, name
    assert peak - base < 150 * 1024, (base, peak)  # KiB


def test_ods_as_libreoffice_saves_it_is_read(tmp_path: Path) -> None:
    """A LibreOffice .ods ends with its sheet's empty rows as one repeated row: read, not refused."""
    rows = [list(COLUMNS), [BASE.get(c, "") for c in COLUMNS]]
    rows[1][COLUMNS.index("annual_total")] = 62
    path = tmp_path / "lo.ods"
    path.write_bytes(ods(rows))
    load = load_programs(path)
    assert load.ok and len(load.records) == 1 and load.encoding == "OpenDocument spreadsheet, sheet 'Sheet1'"
    assert load.records.iloc[0]["annual_total"] == 62.0 and load.records.iloc[0]["sido_code"] == "26"


def test_row_limit_matches_the_csv_limit() -> None:
    assert sheets.MAX_SHEET_ROWS == csvread.MAX_ROWS + sheets.HEADER_SEARCH
