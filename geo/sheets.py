"""Bytes of a workbook (.xlsx, .xlsm, .xls, .ods) → header and rows, the way geo/csvread.py reads a CSV.

Officials hold the missing figures in Excel, so a workbook is read as it is, never "save it as
CSV". ``python-calamine`` (Rust, no formula engine: a formula cell gives the value Excel last
computed) reads every format. What it cannot bound, we bound first: calamine holds a whole sheet
in memory as a dense grid, so a .xlsx whose cells reach row 1,048,576 would cost gigabytes. Before
calamine sees a zip container, the declared uncompressed sizes are checked (a zip bomb is refused
from its directory) and the chosen sheet's XML is streamed with a cap, stopping at the first row
past the limit; an .ods sheet's rows are counted the same way (repeated rows with values count
each time), and a .xls's cell records are walked (geo/biff.py): calamine grids every sheet of
those two formats on opening, so all their sheets together are held to MAX_CELLS.

The header row is found under title rows and merged title cells: the first of the first rows
that names the most known columns. Cells become the text a CSV would hold: whole numbers without
".0", dates as YYYY-MM-DD. Row numbers are the sheet's own, so every message can name the cell as
Excel does (``Sheet1!F12``). Nothing here raises anything but :class:`csvread.FileRefused`.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable

from geo import biff, csvread

MAX_UNZIPPED = 200 * 2**20  # declared bytes of all members: a 20,000-row sheet is ~30 MB of XML
MAX_RATIO = 500  # a member unpacking to 500× its packed size is a bomb (sheet XML packs ~10-30×)
MAX_COLUMNS = 200  # columns of the chosen sheet (the schema has 32)
MAX_CELLS = 4_000_000  # cells of all sheets of a .xls or .ods (calamine grids them all on opening, ~32 B each)
HEADER_SEARCH = 30  # rows searched for the header (title rows, notes above the table)
MAX_SHEET_ROWS = csvread.MAX_ROWS + HEADER_SEARCH
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED = "EncryptedPackage".encode("utf-16-le")  # the stream an encrypted .xlsx keeps in a CFB file
KINDS = {"xlsx": "Excel workbook (.xlsx)", "xls": "Excel 97-2003 workbook (.xls)", "ods": "OpenDocument spreadsheet"}
EXTENSIONS = ("xlsx", "xlsm", "xls", "ods")  # what the app's upload offers besides csv
_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*?\sr=\"(\d+)\"")
_ROW_ANY = re.compile(rb"<(?:\w+:)?row[\s>/]")
_CELL = re.compile(rb"<(?:\w+:)?c\b[^>]*?\sr=\"([A-Z]{1,3})\d+\"")


def workbook_kind(data: bytes) -> str | None:
    """'xlsx' (also .xlsm), 'xls', 'ods' or 'encrypted' when ``data`` is a workbook calamine reads; else None."""
    if data.startswith(CFB_MAGIC):
        return "encrypted" if ENCRYPTED in data[:1_000_000] else "xls"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return None
        if "xl/workbook.xml" in names or any(n.startswith("xl/") for n in names):
            return "xlsx"
        if "content.xml" in names:
            return "ods"
    return None


def column_letter(j: int) -> str:
    """0 → A, 25 → Z, 26 → AA: the column as Excel names it."""
    out = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        out = chr(65 + r) + out
    return out


def _letters_to_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def cell_ref(sheet: str, row: int, col: int | None) -> str:
    """'Sheet1!F12' (or 'Sheet1!12:12' for a whole row); a name with spaces or signs is quoted as Excel does."""
    name = sheet if re.fullmatch(r"\w+", sheet) else "'" + sheet.replace("'", "''") + "'"
    return f"{name}!{column_letter(col)}{row}" if col is not None else f"{name}!{row}:{row}"


def _refuse(message: str, expected: str = "a worksheet with a header row and one row per record") -> None:
    raise csvread.FileRefused(message, expected)


def _check_zip(data: bytes) -> zipfile.ZipFile:
    """The container's own directory: too many members, too many bytes unpacked, or a bomb's ratio."""
    z = zipfile.ZipFile(io.BytesIO(data))
    infos = z.infolist()
    total = sum(i.file_size for i in infos)
    if len(infos) > 10_000 or total > MAX_UNZIPPED:
        _refuse(
            f"unpacks to {total / 2**20:,.0f} MB in {len(infos):,} parts (as the file itself declares), more than "
            f"the {MAX_UNZIPPED // 2**20} MB a programs table needs; is this the right file? "
            "Copy the table into a new workbook and load that",
            f"a workbook of at most {MAX_UNZIPPED // 2**20} MB unpacked",
        )
    for i in infos:
        if i.file_size > 10 * 2**20 and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            _refuse(
                f"part {i.filename!r} unpacks {i.file_size // max(i.compress_size, 1):,} times its size "
                "(a zip bomb, not a spreadsheet); it was not unpacked",
                "a workbook saved by a spreadsheet program",
            )
    return z


def _sheet_paths(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its XML part, from xl/workbook.xml and its relationships."""
    import xml.etree.ElementTree as ET

    try:
        book = ET.fromstring(z.read("xl/workbook.xml"))
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ET.ParseError):
        return {}
    target = {r.get("Id"): r.get("Target", "") for r in rels}
    out = {}
    for s in book.iter():
        if s.tag.endswith("}sheet"):
            rid = next((v for k, v in s.attrib.items() if k.endswith("}id")), None)
            t = target.get(rid, "").lstrip("/")
            out[s.get("name", "")] = t if t.startswith("xl/") else f"xl/{t}"
    return out


def _scan_rows(z: zipfile.ZipFile, part: str, sheet: str) -> None:
    """Stream the sheet's XML (never whole in memory) and stop at the first row past the limit."""
    if part not in z.namelist():
        return
    tail = b""
    count = 0
    with z.open(part) as f:
        while chunk := f.read(1 << 20):
            buf = tail + chunk
            rows = [int(m) for m in _ROW.findall(buf)]
            count += len(_ROW_ANY.findall(chunk))
            widest = max((_letters_to_index(m) for m in _CELL.findall(buf)), default=0)
            last = max(rows, default=0)
            if last > MAX_SHEET_ROWS or count > MAX_SHEET_ROWS:
                _refuse(
                    f"sheet {sheet!r} has rows down to row {max(last, count):,} at least; at most "
                    f"{csvread.MAX_ROWS:,} data rows are read. Delete the rows below the table "
                    "(or split it into files of at most that many rows) and load it again",
                    f"at most {csvread.MAX_ROWS:,} data rows",
                )
            if widest >= MAX_COLUMNS:
                _refuse(
                    f"sheet {sheet!r} has cells out to column {column_letter(widest)}; at most {MAX_COLUMNS} "
                    "columns are read. Delete the columns right of the table and load it again",
                    f"at most {MAX_COLUMNS} columns",
                )
            tail = buf[-256:]


_T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_O = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def _scan_ods(z: zipfile.ZipFile) -> None:
    """Every .ods sheet's rows counted as streamed (repeated rows with values count each time; the empty
    repeated rows LibreOffice writes to a sheet's end do not): calamine expands every sheet on opening."""
    import xml.etree.ElementTree as ET

    rows, name, total = 0, None, 0
    with z.open("content.xml") as f:
        for event, el in ET.iterparse(f, events=("start", "end")):
            if event == "start":
                if el.tag == f"{_T}table":
                    name, rows = el.get(f"{_T}name"), 0
                continue
            if el.tag != f"{_T}table-row":
                if el.tag == f"{_T}table":
                    el.clear()
                continue
            cells = [c for c in el if c.get(f"{_O}value-type") or len(c)]
            if cells:
                repeat = int(el.get(f"{_T}number-rows-repeated", "1"))
                rows += repeat
                wide = sum(int(c.get(f"{_T}number-columns-repeated", "1")) for c in cells)
                total += repeat * wide
                if rows > MAX_SHEET_ROWS or wide > MAX_COLUMNS:
                    _too_big(name or "", rows, wide)
                if total > MAX_CELLS:
                    _refuse(
                        f"its sheets hold more than {MAX_CELLS:,} cells of values; delete the sheets other than the "
                        "records and load it again",
                        f"at most {MAX_CELLS:,} cells",
                    )
            el.clear()


def _scan_xls(data: bytes) -> None:
    """Each worksheet's last cell, from the .xls's records (geo/biff.py), before calamine grids them all."""
    import struct

    try:
        found = biff.extents(biff.workbook_stream(data))
    except (biff.NotCompound, struct.error, IndexError, ValueError):
        return  # not a compound file the walker follows: calamine says what is wrong with it
    for k, e in enumerate(found, start=1):
        if e.rows + 1 > MAX_SHEET_ROWS or e.cols + 1 > MAX_COLUMNS:
            _too_big(f"{k} of {len(found)}", e.rows + 1, e.cols + 1)
    if sum(e.cells for e in found) > MAX_CELLS:
        _refuse(
            f"its {len(found)} sheets span {sum(e.cells for e in found):,} cells from A1 to their last cells, more "
            f"than the {MAX_CELLS:,} this program reads; delete the sheets other than the records and load it again",
            f"at most {MAX_CELLS:,} cells",
        )


def _too_big(sheet: str, rows: int, cols: int) -> None:
    _refuse(
        f"sheet {sheet!r} has at least {rows:,} rows × {cols:,} columns of values; at most {csvread.MAX_ROWS:,} "
        f"data rows and {MAX_COLUMNS} columns are read. Delete what lies outside the table and load it again",
        f"at most {csvread.MAX_ROWS:,} data rows",
    )


def cell_text(value: object) -> str:
    """A cell as the text a CSV holds: 63.0 → '63', a date → 'YYYY-MM-DD', True → 'true'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else format(value, ".15g")
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _find_header(rows: list[list[str]], is_known: Callable[[str], bool]) -> int:
    """Index of the header among the first rows: the one naming the most known columns (2 at least)."""
    best, best_n = None, 1
    for i, cells in enumerate(rows[:HEADER_SEARCH]):
        n = sum(1 for c in cells if c.strip() and is_known(c))
        if n > best_n:
            best, best_n = i, n
    if best is not None:
        return best
    return next((i for i, cells in enumerate(rows) if any(c.strip() for c in cells)), 0)


def _open(data: bytes, kind: str) -> object:
    import python_calamine as pc

    try:
        return pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except pc.PasswordError:
        _refuse(
            "is protected with a password; open it in Excel, remove the password "
            "(File › Info › Protect Workbook › Encrypt with Password: empty), save and load it again",
            "a workbook without a password",
        )
    except Exception as exc:  # calamine's errors name the broken part; the user needs one sentence
        _refuse(
            f"looks like an {KINDS.get(kind, 'workbook')} but cannot be read ({str(exc)[:160]}); open it in Excel "
            "or 한셀, save it again as .xlsx and load that",
            "a workbook saved by a spreadsheet program",
        )
    raise AssertionError  # unreachable: _refuse raises


def open_book(data: bytes) -> tuple[str, object, zipfile.ZipFile | None, list[str]]:
    """(kind, calamine workbook, zip or None, worksheet names), after every check that must come before
    calamine opens the file (it reads every .ods sheet on opening); refused with one sentence otherwise."""
    kind = workbook_kind(data)
    if kind == "encrypted":
        _refuse(
            "is an Excel workbook protected with a password (encrypted); open it in Excel, remove the password "
            "(File › Info › Protect Workbook › Encrypt with Password: empty), save and load it again",
            "a workbook without a password",
        )
    if kind not in KINDS:
        _refuse("is not a workbook this program reads (.xlsx, .xlsm, .xls, .ods)", "a workbook or a CSV file")
    z = _check_zip(data) if kind in ("xlsx", "ods") else None
    if z is not None and kind == "xlsx" and not any(n.startswith("xl/worksheets/") for n in z.namelist()):
        other = sorted({n.split("/")[1] for n in z.namelist() if n.startswith(("xl/macrosheets/", "xl/chartsheets/"))})
        _refuse(
            f"has no worksheet, only {' and '.join(other) or 'no sheets'} (macros are never run here); copy the table "
            "into a worksheet, save it as .xlsx and load that",
            "a worksheet with the records",
        )
    if z is not None and kind == "ods":
        _scan_ods(z)
    if kind == "xls":
        _scan_xls(data)
    wb = _open(data, kind)
    metas = list(wb.sheets_metadata)  # type: ignore[attr-defined]
    sheets = [m.name for m in metas if str(m.typ).endswith(".WorkSheet")]
    if not sheets:
        kinds = ", ".join(sorted({str(m.typ).rsplit(".", 1)[-1] for m in metas})) or "nothing"
        _refuse(
            f"has no worksheet, only {kinds} (macros are never run here); copy the table into a worksheet, "
            "save it as .xlsx and load that",
            "a worksheet with the records",
        )
    return kind, wb, z, sheets


def worksheets(data: bytes) -> list[str]:
    """The worksheets of a workbook a user can choose from ([] for a CSV or a file that is refused)."""
    if workbook_kind(data) not in KINDS:
        return []
    try:
        return open_book(data)[3]
    except csvread.FileRefused:
        return []


def read_table(data: bytes, is_known: Callable[[str], bool], *, sheet: str | None = None) -> csvread.Table:
    """The sheet (the first worksheet, or ``sheet``) as a Table whose row numbers are the sheet's own."""
    kind, wb, z, sheets = open_book(data)
    name = sheet if sheet is not None else sheets[0]
    if name not in sheets:
        _refuse(f"has no worksheet {name!r}; its worksheets are: {', '.join(sheets)}", "the name of a worksheet")
    if z is not None and kind == "xlsx":
        _scan_rows(z, _sheet_paths(z).get(name, ""), name)

    grid = wb.get_sheet_by_name(name)  # type: ignore[attr-defined]
    if grid.height > MAX_SHEET_ROWS or grid.width > MAX_COLUMNS:
        _too_big(name, grid.height, grid.width)
    start = grid.start or (0, 0)
    rows = [[cell_text(v) for v in r] for r in grid.iter_rows()]
    if not any(c.strip() for r in rows for c in r):
        _refuse(
            f"sheet {name!r} has no cells with text or numbers (only pictures, charts or formatting?); "
            "put the records in a table with a header row, or choose another sheet (--sheet NAME)",
            "a header row with the column names, then one row per record",
        )
    return _table(rows, start, name, kind, is_known, len(sheets))


def _table(
    rows: list[list[str]], start: tuple[int, int], name: str, kind: str, is_known: Callable[[str], bool], n: int
) -> csvread.Table:
    h = _find_header(rows, is_known)
    header = [c.strip() for c in rows[h]]
    body = [(start[0] + i + 1, cells) for i, cells in enumerate(rows) if i > h and any(c.strip() for c in cells)]
    if len(body) > csvread.MAX_ROWS:
        _refuse(f"has more than {csvread.MAX_ROWS:,} data rows", f"at most {csvread.MAX_ROWS:,} data rows")
    row = start[0] + h + 1
    words = f"{KINDS[kind]}, sheet {name!r}" + (f" (1 of {n})" if n > 1 else "")
    words += f", header in row {row} (the rows above it not read)" if row > 1 else ""
    return csvread.Table(header, body, words, ",", [], sheet=name, first_column=start[1], header_row=row)
