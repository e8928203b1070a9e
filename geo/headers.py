"""Officials' own column names (사업명, 국비, 시군구 …) → the programs schema's columns.

A ministry's or a 시도's sheet has its own headers. This table maps the usual ones, and each
choice carries the reason a person can check. Spans are where a wrong guess changes a figure:

- 총사업비 / 총국비 / 총지방비 are amounts over the project's period: ``life_*``.
- 국비, 지방비, 사업비 without 총 are one year's amounts (``annual_*``) **only** when the sheet
  also has a year column (연도, 사업연도, 예산연도 …, mapped to ``annual_year``) or the header
  names its year (2024년 국비); otherwise they are read as amounts over the period (``life_*``),
  since a year's amount without its year cannot be placed on the map's year.
- Amounts in another unit (백만원, 천원, 만원, 원) are left out: the schema holds 억원 and
  nothing here converts figures silently.
- 사업기간 "2024~2026" fills period_start and period_end.
- When no column gives the location precision, it is derived per row from the finest place the
  row names (시군구 → sigungu, 시도 → sido, 권역 → region_group), and the report says so.

Columns not in the table are left out and listed. The app shows the guess for the user to
confirm or change before the records are read.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from geo import csvread
from geo.program_checks import COLUMNS, REQUIRED_COLUMNS

PERIOD = "period"  # one "2024~2026" column → period_start and period_end
TARGETS: tuple[str, ...] = (*COLUMNS, PERIOD)

# normalised header (no spaces, dots or brackets) → schema column; amounts and years are decided below.
NAMES: dict[str, str] = {
    "사업명": "name_ko", "과제명": "name_ko", "사업과제명": "name_ko", "세부사업명": "name_ko", "과제": "name_ko",
    "사업": "name_ko", "명칭": "name_ko", "영문명": "name_en", "영문사업명": "name_en",
    "사업코드": "id", "과제번호": "id", "관리번호": "id", "사업번호": "id", "id": "id",
    "사업유형": "program_type", "유형": "program_type", "분야": "field", "사업분야": "field",
    "특화분야": "specialty", "특화": "specialty", "권역": "region_group",
    "시도": "sido", "광역": "sido", "광역자치단체": "sido", "광역시도": "sido",
    "시군구": "sigungu", "기초": "sigungu", "기초자치단체": "sigungu", "지자체": "sigungu", "시군": "sigungu",
    "읍면동": "emd", "거점": "site_name", "거점명": "site_name", "장소": "site_name", "위치": "site_name",
    "위도": "lat", "경도": "lon", "위치정밀도": "location_precision",
    "사업기간": PERIOD, "기간": PERIOD, "시작": "period_start", "시작일": "period_start", "착수": "period_start",
    "종료": "period_end", "종료일": "period_end", "완료": "period_end", "상향식": "bottom_up",
    "주관기관": "lead_org", "수행기관": "lead_org", "주관": "lead_org", "전담기관": "lead_org",
    "출처": "source_url", "출처url": "source_url", "근거": "source_url", "url": "source_url",
    "출처일": "source_date", "발표일": "source_date", "보도일": "source_date", "공고일": "source_date",
    "출처비고": "source_ref", "보도자료": "source_ref", "자료": "source_ref", "비고": "note", "참고": "note",
    "선정연도": "year", "지정연도": "year", "기준연도": "year", "연도구분": "year",
}  # fmt: skip
YEAR_WORDS = ("연도", "년도", "사업연도", "예산연도", "회계연도")
AMOUNT_WORDS = {"국비": "national", "지방비": "local", "사업비": "total", "예산": "total", "총사업비": "total"}
OTHER_UNITS = ("백만원", "천원", "만원")


@dataclass(frozen=True)
class Choice:
    """One found column: the schema column it is read as ('' = left out) and why."""

    found: str
    column: str
    why: str


def normalise(header: str) -> str:
    """'국비 (억원)' → '국비', ' 사업 기간 ' → '사업기간': what the table is keyed by."""
    t = unicodedata.normalize("NFKC", str(header)).lower()
    t = re.sub(r"\((?:억원|억|단위:?억원)\)", "", t)
    return re.sub(r"[\s·ㆍ._\-/]", "", t)


def _unit(header: str) -> str | None:
    t = unicodedata.normalize("NFKC", str(header)).replace(" ", "")
    if "억" in t:
        return None
    return next((u for u in OTHER_UNITS if u in t), "원" if re.search(r"\(원\)|단위:?원", t) else None)


def is_known(header: str) -> bool:
    """True for a schema column or a header the table maps (how a sheet's header row is recognised)."""
    n = normalise(header)
    return header.strip() in COLUMNS or n in NAMES or n in YEAR_WORDS or _amount(n) is not None


def _amount(n: str) -> tuple[str, bool, str | None] | None:
    """(part, over the period?, year named in the header) for an amount header, else None."""
    n = re.sub(r"\(.*?\)", "", n)
    year = re.search(r"(20\d\d)년?", n)
    core = re.sub(r"20\d\d년?", "", n)
    whole = core.startswith("총")
    core = core.removeprefix("총")
    for word, part in AMOUNT_WORDS.items():
        if core == word.removeprefix("총"):
            return part, whole or word == "총사업비", year.group(1) if year else None
    return None


def guess(header: list[str]) -> list[Choice]:
    """The table's reading of each found column, with its reason (see the module docstring)."""
    norm = [normalise(h) for h in header]
    has_year = any(n in YEAR_WORDS for n in norm)
    out = []
    for h, n in zip(header, norm, strict=True):
        if not h.strip():
            continue
        if h.strip() in COLUMNS:
            out.append(Choice(h, h.strip(), "the schema's own name"))
        elif (unit := _unit(h)) is not None:
            out.append(Choice(h, "", f"amount in {unit}, not 억원: convert it before loading"))
        elif n in YEAR_WORDS:
            out.append(Choice(h, "annual_year", "the year the 국비/지방비/사업비 columns are for"))
        elif (a := _amount(n)) is not None:
            part, whole, year = a
            if whole:
                out.append(Choice(h, f"life_{part}", "총 …: the amount over the project's period"))
            elif has_year or year:
                why = f"one year's amount ({'the header names ' + year if year else 'the sheet has a year column'})"
                out.append(Choice(h, f"annual_{part}", why))
            else:
                out.append(Choice(h, f"life_{part}", "no year column: read as the amount over the project's period"))
        elif n in NAMES:
            out.append(Choice(h, NAMES[n], "usual name"))
        else:
            out.append(Choice(h, "", "not a column of the schema"))
    return out


def needs_mapping(header: list[str]) -> bool:
    """True when the header is not the schema's (a required column is missing) but the table knows some of it."""
    names = {h.strip() for h in header}
    return not set(REQUIRED_COLUMNS) <= names and any(c.column and c.column not in names for c in guess(header))


def _split_period(text: str) -> tuple[str, str]:
    """'2024~2026' or '2024.03 - 2026.12' → ('2024', '2026') / ('2024-03', '2026-12')."""
    parts = re.split(r"\s*[~∼～–—]\s*|\s+-\s+", text.strip(), maxsplit=1)
    fixed = [re.sub(r"^(\d{4})[./](\d{1,2})(?:[./](\d{1,2}))?\.?$", _iso, p.strip()) for p in parts]
    return (fixed[0], fixed[1]) if len(fixed) == 2 else (fixed[0], "")


def _iso(m: re.Match[str]) -> str:
    return f"{m.group(1)}-{int(m.group(2)):02d}" + (f"-{int(m.group(3)):02d}" if m.group(3) else "")


def precision_of(cells: dict[str, str]) -> str:
    """The finest place a row names: the derived location_precision ('' when it names none)."""
    for col, precision in (("sigungu", "sigungu"), ("sido", "sido"), ("region_group", "region_group")):
        if cells.get(col, "").strip():
            return precision
    return ""


def apply(table: csvread.Table, mapping: dict[str, str]) -> tuple[csvread.Table, list[str]]:
    """The table with the mapped columns under their schema names (others left out); the left-out headers."""
    positions = [j for j, h in enumerate(table.header) if mapping.get(h)]
    left_out = [h for h in table.header if h.strip() and not mapping.get(h)]
    header: list[str] = []
    for j in positions:
        col = mapping[table.header[j]]
        header += ["period_start", "period_end"] if col == PERIOD else [col]
    derive = "location_precision" not in header
    rows = []
    for n, cells in table.rows:
        out: list[str] = []
        for j in positions:
            v = cells[j] if j < len(cells) else ""
            out += list(_split_period(v)) if mapping[table.header[j]] == PERIOD else [v]
        if derive:
            out.append(precision_of(dict(zip(header, out, strict=False))))
        rows.append((n, out))
    cols = [table.first_column + j for j in positions for _ in range(2 if mapping[table.header[j]] == PERIOD else 1)]
    labels = [table.header[j] for j in positions for _ in range(2 if mapping[table.header[j]] == PERIOD else 1)]
    if derive:
        header.append("location_precision")
        cols.append(-1)
        labels.append("")
    notes = [(n, None, v, exp, msg) for n, _j, v, exp, msg in table.notes]  # the columns moved: keep the row
    new = csvread.Table(header, rows, table.encoding, table.delimiter, notes, table.sheet, 0, table.header_row)
    new.positions, new.labels = cols, labels
    return new, left_out
