"""Bytes → header and rows of a CSV, the way spreadsheet programs actually save them.

Korean offices export from Excel, 한셀 and LibreOffice: "CSV UTF-8" (with BOM), plain CSV in
CP949/EUC-KR, "Unicode text" (UTF-16 with BOM, tab-separated), semicolon-separated CSV from
European locales, and now and then a workbook renamed to .csv. Each is either read (saying
how) or refused with one sentence that says what the file is and what to do. Nothing here
raises anything but :class:`FileRefused`.

Decoding uses the stdlib's BOM constants (``codecs``), delimiter detection ``csv.Sniffer``,
and workbook detection ``zipfile``; this module only orders them and words the outcome.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
import zipfile
from dataclasses import dataclass, field

MAX_ROWS = 20_000  # data rows; the national program has ~60 records: more is not a programs file
MAX_CELL = 10_000  # characters in one cell (a long note is ~500)
DELIMITERS = ",;\t|"
# BOM → codec, longest first (the UTF-32 LE BOM begins with the UTF-16 LE one).
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
FALLBACKS = ("utf-8", "cp949")  # cp949 is a superset of EUC-KR, so EUC-KR files read as cp949
SAVE_AS_CSV = "in Excel: File › Save As › 'CSV UTF-8 (쉼표로 분리)'"


class FileRefused(Exception):
    """The file as a whole cannot be read as a table; ``str()`` is the sentence for the user."""

    def __init__(self, message: str, expected: str, row: int | None = None, value: str = ""):
        super().__init__(message)
        self.message, self.expected, self.row, self.value = message, expected, row, value


@dataclass
class Table:
    """A decoded, split file: header cells, (spreadsheet row, cells), and what was repaired."""

    header: list[str]
    rows: list[tuple[int, list[str]]]
    encoding: str
    delimiter: str
    # (row, column index or None, value, expected, message): repairs the user should know about
    notes: list[tuple[int | None, int | None, str, str, str]] = field(default_factory=list)
    sheet: str | None = None  # a workbook's sheet (geo/sheets.py): messages then name cells as Excel does
    first_column: int = 0  # the sheet column of header cell 0
    header_row: int = 1  # the row the header was found in
    positions: list[int] = field(default_factory=list)  # sheet column of each header cell, when mapped (-1: derived)
    labels: list[str] = field(default_factory=list)  # the file's own header of each column, when mapped


def _container(data: bytes) -> str | None:
    """What a binary container is, if ``data`` is one (a renamed workbook, archive, PDF)."""
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            names = []
        if any(n.startswith("xl/") for n in names):
            return "an Excel workbook (.xlsx)"
        if "content.xml" in names or any(n.startswith("Contents/") for n in names):
            return "an OpenDocument or 한셀 spreadsheet"
        return "a ZIP archive"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "an Excel 97-2003 workbook (.xls)"
    if data.startswith(b"%PDF"):
        return "a PDF document"
    return None


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding that read it: a BOM's codec, else UTF-8, else CP949."""
    kind = _container(data)
    if kind:
        raise FileRefused(
            f"this is {kind}, not a CSV file; save it as CSV ({SAVE_AS_CSV}) and load that",
            "a CSV text file",
        )
    for bom, codec in BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec.removesuffix("-sig")), codec
            except UnicodeDecodeError as exc:
                raise FileRefused(
                    f"starts with a {codec.upper()} byte-order mark but byte {exc.start + len(bom)} is not "
                    f"{codec.upper()}; "
                    f"save it again ({SAVE_AS_CSV})",
                    f"{codec.upper()} text throughout",
                ) from exc
    first_error = 0
    for codec in FALLBACKS:
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError as exc:
            if codec.startswith("utf-8") and exc.reason == "unexpected end of data":
                # A save or copy cut short mid-character: the text before it is whole; the cut last row
                # is then reported like any short row.
                return data[: exc.start].decode(codec), codec
            first_error = first_error or exc.start
    raise FileRefused(
        f"cannot be read as UTF-8, UTF-16 or CP949 text (byte {first_error}: "
        f"0x{data[first_error : first_error + 1].hex()}); is it a text file? Save it as CSV ({SAVE_AS_CSV})",
        "UTF-8, UTF-8 with BOM, UTF-16 with BOM or CP949 text",
    )


def _check_text(text: str) -> None:
    """Refuse binary data that happened to decode (control characters are not spreadsheet text)."""
    if not text.strip("\ufeff \t\r\n\x00"):
        raise FileRefused("file is empty", "a header row with the column names, then one row per record", row=1)
    sample = text[:65536]
    ctrl = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\t\r\n")
    if ctrl > max(8, len(sample) // 100):
        raise FileRefused(
            f"looks like binary data, not text ({ctrl} control characters in the first {len(sample)}); "
            f"save it as CSV ({SAVE_AS_CSV})",
            "a CSV text file",
        )


def sniff_delimiter(text: str, known: set[str]) -> str:
    """The delimiter: csv.Sniffer's guess, unless another one splits the header into more known names."""
    lines = text.lstrip("\ufeff").splitlines()
    head = lines[0] if lines else ""

    def known_in_header(d: str) -> int:
        return sum(c.strip().strip('"') in known for c in head.split(d))

    try:
        guess = csv.Sniffer().sniff("\n".join(lines[:20]), delimiters=DELIMITERS).delimiter
    except csv.Error:
        guess = ","
    best = max(DELIMITERS, key=known_in_header)
    return best if known_in_header(best) > known_in_header(guess) else guess


def _clean(cells: list[str], n: int, notes: list) -> list[str]:
    """Drop NUL bytes and stray byte-order marks from cells; note each repair with its row and column."""
    out = []
    for j, c in enumerate(cells):
        if "\x00" in c or "\ufeff" in c:
            what = "NUL bytes" if "\x00" in c else "a byte-order mark (U+FEFF) inside the file"
            fixed = c.replace("\x00", "").replace("\ufeff", "")
            notes.append((n, j, fixed[:80], "text without control characters", f"{what} removed"))
            c = fixed
        out.append(c)
    return out


def read_table(data: bytes, known: set[str]) -> Table:
    """Decode, sniff and split ``data``; blank rows are skipped, row numbers are what a spreadsheet shows."""
    text, encoding = decode(data)
    _check_text(text)
    text = text.removeprefix("\ufeff")
    delimiter = sniff_delimiter(text, known)
    notes: list[tuple[int | None, int | None, str, str, str]] = []
    old_limit = csv.field_size_limit()
    csv.field_size_limit(max(old_limit, len(text) + 1))  # a long cell is reported per row, not by csv
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        header: list[str] = []
        rows: list[tuple[int, list[str]]] = []
        for n, cells in enumerate(reader, start=1):
            cells = _clean(cells, n, notes)
            if n == 1:
                header = [c.strip() for c in cells]
            elif any(c.strip() for c in cells):
                if len(rows) >= MAX_ROWS:
                    raise FileRefused(
                        f"has more than {MAX_ROWS:,} data rows (stopped reading at row {n:,}); "
                        "is this the right file? Split it into files of at most that many rows",
                        f"at most {MAX_ROWS:,} data rows",
                        row=n,
                    )
                rows.append((n, cells))
    except csv.Error as exc:  # e.g. an unterminated quote at the end of the file
        raise FileRefused(
            f"is not well-formed CSV at row {reader.line_num}: {exc}", "quotes closed on the row they open"
        ) from exc
    return Table(header, rows, encoding, delimiter, notes)
