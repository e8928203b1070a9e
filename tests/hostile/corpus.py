"""The hostile-input corpus: every file a spreadsheet program, a tired official or an attacker may hand us.

Each :class:`Case` is generated here (no binary fixtures in the repository) and carries the
outcome it must get:

- ``read``: no issue at all, every row accepted;
- ``warn``: rows accepted, warnings only;
- ``reject``: some row rejected, with an error naming its row and column;
- ``refuse``: the file as a whole is refused with one file-level error (no records).

``expects`` lists issues that must be present: (severity, row, column, fragment of the message).
"""

from __future__ import annotations

import codecs
import csv
import io
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from geo.programs import COLUMNS, TEXT_COLUMNS

BASE: dict[str, str] = {
    "id": "X1", "project_id": "X1", "record_role": "whole", "year": "2024", "name_ko": "부산 블록체인 특화 클러스터",
    "name_en": "Busan blockchain cluster", "program_type": "blockchain_cluster", "specialty": "blockchain",
    "sido": "부산광역시", "location_precision": "sido", "annual_year": "2024", "annual_total": "62",
    "annual_national": "31", "annual_local": "31", "life_total": "200", "period_start": "2024", "period_end": "2026",
    "lead_org": "부산테크노파크", "source_url": "https://www.itdaily.kr/news/articleView.html?idxno=221257",
    "source_ref": "itdaily idxno=221257", "source_date": "2024-03", "note": "테스트",
}  # fmt: skip


@dataclass(frozen=True)
class Expect:
    severity: str
    row: int | None
    column: str | None
    fragment: str


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[], bytes]
    outcome: str  # read | warn | reject | refuse
    expects: tuple[Expect, ...] = ()
    records: int | None = None  # accepted rows, when the case pins it
    encoding: str | None = None
    delimiter: str | None = None
    check: Callable[[object], None] | None = field(default=None, compare=False)  # extra assertions on the load

    @property
    def data(self) -> bytes:
        return self.make()


def row(**changes: str) -> dict[str, str]:
    return BASE | changes


def table(
    rows: list[dict[str, str]],
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
    header: list[str] | None = None,
    eol: str = "\r\n",
    bom: bytes = b"",
) -> bytes:
    """A CSV as a spreadsheet program would save it (csv module quoting)."""
    header = header or list(COLUMNS)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=header, extrasaction="ignore", delimiter=delimiter, lineterminator=eol)
    w.writeheader()
    w.writerows(rows)
    return bom + buf.getvalue().encode(encoding)


def one(**changes: str) -> Callable[[], bytes]:
    return lambda: table([row(**changes)])


def _xlsx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
    return buf.getvalue()


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("programs.csv", ",".join(COLUMNS))
    return buf.getvalue()


def _garbage() -> bytes:
    return random.Random(14).randbytes(4096)


def _many_rows(n: int = 200_000) -> bytes:
    head = "id,name_ko,location_precision,source_url,source_date\n"
    return (head + "".join(f"R{i},n,national,https://a.kr,2024\n" for i in range(n))).encode()


def _nul_cell() -> bytes:
    return table([row(note="테\x00스트")])


def _bom_middle() -> bytes:
    # two exports pasted together: the second one's BOM lands inside row 3's first cell
    return table([row(id="X1")]) + codecs.BOM_UTF8 + table([row(id="X2")]).split(b"\r\n", 1)[1]


def _duplicate_header() -> bytes:
    header = [*COLUMNS, "name_ko"]
    return table([row()], header=header)


def E(row: int | None, column: str | None, fragment: str) -> Expect:
    return Expect("error", row, column, fragment)


def W(row: int | None, column: str | None, fragment: str) -> Expect:
    return Expect("warning", row, column, fragment)


def _file_cases() -> list[Case]:
    utf16 = table([row(), row(id="X2")], encoding="utf-16-le", delimiter="\t", bom=codecs.BOM_UTF16_LE)
    return [
        Case("empty file", lambda: b"", "refuse", (E(1, None, "file is empty"),)),
        Case("whitespace only", lambda: b" \r\n\r\n  \n", "refuse", (E(1, None, "file is empty"),)),
        Case("header only", lambda: table([]), "warn", (W(None, None, "no data rows"),), records=0),
        Case("binary garbage", _garbage, "refuse", (E(None, None, "cannot be read as UTF-8, UTF-16 or CP949"),)),
        Case("xlsx renamed .csv", _xlsx, "refuse",
             (E(None, None, "looks like an Excel workbook (.xlsx) but cannot be read"),)),
        Case("xls (OLE2) renamed", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "refuse",
             (E(None, None, "Excel 97-2003 workbook (.xls) but cannot be read"),)),
        Case("zip archive", _zip, "refuse", (E(None, None, "a ZIP archive"),)),
        Case("pdf renamed", lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "refuse", (E(None, None, "a PDF document"),)),
        Case("NUL-heavy binary", lambda: b"id,\x00\x00\x00\x01\x02" * 300, "refuse", (E(None, None, "binary data"),)),
        Case("UTF-16 LE with BOM (Excel 'Unicode text', tab)", lambda: utf16, "read", records=2,
             encoding="utf-16-le", delimiter="\t"),
        Case("UTF-16 BE with BOM", lambda: table([row()], encoding="utf-16-be", bom=codecs.BOM_UTF16_BE), "read",
             records=1, encoding="utf-16-be"),
        Case("UTF-32 LE with BOM", lambda: table([row()], encoding="utf-32-le", bom=codecs.BOM_UTF32_LE), "read",
             records=1, encoding="utf-32-le"),
        Case("UTF-8 with BOM", lambda: table([row()], encoding="utf-8-sig"), "read", records=1, encoding="utf-8-sig"),
        Case("CP949", lambda: table([row(), row(id="X2", name_ko="똠방각하 펲시")], encoding="cp949"), "read",
             records=2, encoding="cp949"),
        Case("EUC-KR", lambda: table([row()], encoding="euc-kr"), "read", records=1, encoding="cp949"),
        Case("UTF-16 BOM then odd byte", lambda: codecs.BOM_UTF16_LE + "id".encode("utf-16-le") + b"\x00\xd8",
             "refuse", (E(None, None, "byte-order mark"),)),
        Case("BOM in the middle", _bom_middle, "warn", (W(3, "id", "byte-order mark"),), records=2),
        Case("NUL bytes in a cell", _nul_cell, "warn", (W(2, "note", "NUL bytes removed"),), records=1),
        Case("CR-only line ends (old Mac)", lambda: table([row(), row(id="X2")], eol="\r"), "read", records=2),
        Case("CRLF line ends", lambda: table([row(), row(id="X2")], eol="\r\n"), "read", records=2),
        Case("quoted newlines", lambda: table([row(note="첫 줄\n둘째 줄\r\n셋째"), row(id="X2")]), "read", records=2,
             check=lambda load: _assert_rows(load, [2, 3])),
        Case("semicolon-separated", lambda: table([row(), row(id="X2")], delimiter=";"), "read", records=2,
             delimiter=";"),
        Case("tab-separated", lambda: table([row(), row(id="X2")], delimiter="\t"), "read", records=2, delimiter="\t"),
        Case("bar-separated", lambda: table([row(), row(id="X2")], delimiter="|"), "read", records=2, delimiter="|"),
        Case("duplicate header", _duplicate_header, "reject", (E(1, "name_ko", "appears 2 times"),), records=0),
        Case("one cell of 1 MB", one(note="가" * 1_048_576), "reject", (E(2, "note", "cell too long"),), records=0),
        Case("200,000 rows", _many_rows, "refuse", (E(20_002, None, "more than 20,000 data rows"),)),
        Case("row longer than the header", lambda: table([row()]).rstrip(b"\r\n") + b",extra,cells\r\n", "reject",
             (E(2, None, "row has 34 cells but the header has 32"),), records=0),
        Case("unterminated quote", lambda: table([row()]) + b'X9,"never closed\n', "reject", records=1),
        Case("required column missing", lambda: table([row()], header=[c for c in COLUMNS if c != "source_url"]),
             "reject", (E(1, "source_url", "missing required column"),), records=0),
    ]  # fmt: skip


def _assert_rows(load, rows: list[int]) -> None:  # type: ignore[no-untyped-def]
    assert list(load.records.index) == rows


def _value_cases() -> list[Case]:
    def amount(v: str) -> dict[str, str]:
        return {"annual_total": v, "annual_national": "", "annual_local": ""}

    return [
        Case("budget NaN", one(**amount("NaN")), "reject", (E(2, "annual_total", "not a number: 'NaN'"),)),
        Case("budget inf", one(**amount("inf")), "reject", (E(2, "annual_total", "not a number: 'inf'"),)),
        Case("budget -Infinity", one(**amount("-Infinity")), "reject", (E(2, "annual_total", "not a number"),)),
        Case("budget 1e308", one(**amount("1e308")), "reject", (E(2, "annual_total", "amount too large"),)),
        Case("budget negative zero", one(**amount("-0")), "read", records=1,
             check=lambda load: _assert_amount(load, 0.0, positive_zero=True)),
        Case("budget '1,039'", one(**amount("1,039")), "read", records=1,
             check=lambda load: _assert_amount(load, 1039)),
        Case("budget '63억'", one(**amount("63억")), "reject", (E(2, "annual_total", "not a number: '63억'"),)),
        Case("budget negative", one(**amount("-5")), "reject", (E(2, "annual_total", "negative budget"),)),
        Case("budget full-width digits", one(**amount("６３")), "read", records=1,
             check=lambda load: _assert_amount(load, 63)),
        Case("date 2024-02-30", one(source_date="2024-02-30"), "reject", (E(2, "source_date", "not a date"),)),
        Case("date 2023-02-29", one(source_date="2023-02-29"), "reject", (E(2, "source_date", "not a date"),)),
        Case("date month 13", one(period_start="2024-13"), "reject", (E(2, "period_start", "not a date"),)),
        Case("date as Excel serial", one(source_date="45366"), "reject", (E(2, "source_date", "not a date"),)),
        Case("year 1899", one(year="1899"), "reject", (E(2, "year", "not a year"),)),
        Case("period ends before it starts", one(period_start="2026", period_end="2024"), "reject",
             (E(2, "period_end", "ends before it starts"),)),
    ]  # fmt: skip


def _assert_amount(load, value: float, positive_zero: bool = False) -> None:  # type: ignore[no-untyped-def]
    got = float(load.records["annual_total"].iloc[0])
    assert got == value
    if positive_zero:
        assert str(got) == "0.0"  # not "-0.0" in tables and exports


def _place_cases() -> list[Case]:
    def site(lat: str, lon: str, **more: str) -> Callable[[], bytes]:
        return one(lat=lat, lon=lon, location_precision="site", **more)

    return [
        Case("point at sea (off 부산)", site("35.00", "129.60"), "warn", (W(2, "lat", "not inside any 시군구"),)),
        Case("point in North Korea (평양)", site("39.03", "125.75"), "reject", (E(2, "lat", "outside South Korea"),)),
        Case("point in North Korea (개성, inside the box)", site("37.97", "126.55"), "warn",
             (W(2, "lat", "not inside any 시군구"),)),
        Case("point in Japan (東京)", site("35.68", "139.76"), "reject", (E(2, "lat", "outside South Korea"),)),
        Case("point in Japan (対馬, inside the box)", site("34.42", "129.33"), "warn",
             (W(2, "lat", "not inside any 시군구"),)),
        Case("lat/lon swapped", site("129.07", "35.18"), "reject", (E(2, "lat", "look swapped"),)),
        Case("only lat", one(lat="35.18"), "reject", (E(2, "lat", "only one coordinate"),)),
        Case("old name 전라북도", one(sido="전라북도"), "warn", (W(2, "sido", "read as 전북특별자치도"),)),
        Case("old name 강원도", one(sido="강원도"), "warn", (W(2, "sido", "read as 강원특별자치도"),)),
        Case("old name 청원군", one(sido="충청북도", sigungu="청원군", location_precision="sigungu"), "warn",
             (W(2, "sigungu", "청주시"),)),
        Case("old name 여주군", one(sido="경기도", sigungu="여주군", location_precision="sigungu"), "warn",
             (W(2, "sigungu", "여주시"),)),
        Case("stray spaces in names", one(id=" X1 ", sido="  부산광역시 ", name_ko=" 부산 "), "read", records=1),
        Case("full-width 시도 (ＢＵＳＡＮ)", one(sido="ＢＵＳＡＮ"), "read", records=1),
        Case("ideographic space in 시도", one(sido="부산광역시\u3000"), "read", records=1),
        Case("full-width id", one(id="ＸＩ"), "read", records=1),
        Case("unknown 시도 with suggestions", one(sido="부산광여시"), "reject", (E(2, "sido", "부산광역시"),)),
    ]  # fmt: skip


HTML = "<script>alert(1)</script>"
JS = "javascript:alert(1)"
FORMULAS = {"=": '=HYPERLINK("http://x.invalid","클릭")', "+": "+1+1", "-": "-2+3", "@": "@SUM(A1)",
            "tab": "\t=1+1", "CR": "\r=1+1"}  # fmt: skip
# Text columns whose own check rejects a value that is not a name or address.
_REJECTS = {"sido": "unknown 시도", "sigungu": "unknown 시군구", "source_url": "not a web address"}


def _text_cases() -> list[Case]:
    out: list[Case] = []
    for col in TEXT_COLUMNS:
        for label, value in (("HTML", HTML), ("javascript:", JS)):
            if col in _REJECTS:
                out.append(Case(f"{label} in {col}", one(**{col: value}), "reject", (E(2, col, _REJECTS[col]),)))
            else:
                out.append(Case(f"{label} in {col}", one(**{col: value}), "read", records=1))
        for label, value in FORMULAS.items():
            expects = [W(2, col, "starts like a spreadsheet formula")]
            if col in _REJECTS:
                expects.append(E(2, col, _REJECTS[col]))
            outcome = "reject" if col in _REJECTS else "warn"
            out.append(Case(f"formula {label} in {col}", one(**{col: value}), outcome, tuple(expects)))
    return out


def cases() -> list[Case]:
    """Every case, in a stable order (test ids are the case names)."""
    return [*_file_cases(), *_value_cases(), *_place_cases(), *_text_cases()]
