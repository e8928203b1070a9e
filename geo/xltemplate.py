"""The Excel template for next year's records: ``python -m geo template OUT.xlsx``.

The CSV template says nothing about allowed values until ``validate`` runs. This workbook says
it while the official types: Korean labels above the machine names (the row the loader reads),
a frozen header, one real example row (as the CSV template: merging it untouched changes
nothing), and drop-down lists from the same tables the validator uses: 시도 and, once a 시도 is
chosen, only its 시군구 (the 229 units of the 2024 map; a named range per 시도 and INDIRECT),
사업 유형, 분야, 특화 분야, 위치 정밀도, 기록 구분, 상향식, 권역. The lists live on a hidden sheet;
a second sheet is the data dictionary. Written with XlsxWriter, read back by geo/sheets.py.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from geo import i18n, programs, regions
from geo.files import atomic_write

SHEET, DICT_SHEET, LISTS_SHEET = "입력", "항목 설명", "목록"
ROWS = 1000  # rows with drop-downs below the header
FIRST = 2  # 0-based row of the example (labels in row 1, machine names in row 2)

LABELS: dict[str, str] = {
    "id": "기록 ID", "project_id": "사업 ID", "record_role": "기록 구분", "year": "기준연도", "name_ko": "사업명",
    "name_en": "영문 사업명", "program_type": "사업 유형", "field": "분야", "specialty": "특화 분야",
    "region_group": "권역", "sido": "시도", "sigungu": "시군구", "emd": "읍면동", "site_name": "거점명",
    "lat": "위도", "lon": "경도", "location_precision": "위치 정밀도", "annual_year": "예산연도",
    "annual_total": "연 사업비(억원)", "annual_national": "연 국비(억원)", "annual_local": "연 지방비(억원)",
    "life_total": "총사업비(억원)", "life_national": "총 국비(억원)", "life_local": "총 지방비(억원)",
    "period_start": "사업 시작", "period_end": "사업 종료", "bottom_up": "상향식", "lead_org": "주관기관",
    "source_url": "출처 URL", "source_ref": "출처 비고", "source_date": "출처일", "note": "비고",
}  # fmt: skip
WIDE = {"name_ko": 34, "name_en": 30, "source_url": 40, "source_ref": 26, "note": 40, "lead_org": 20, "site_name": 20}
NUMERIC = ("year", "annual_year", "lat", "lon", *programs.BUDGET_COLUMNS)


def specialties(source: Path = programs.DATA_FILE) -> list[str]:
    """The specialties the app names, then those the records already use (the cell stays free text)."""
    used = pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8-sig")["specialty"]
    return list(dict.fromkeys([*i18n.SPECIALTIES, *sorted(v.strip() for v in used if v.strip())]))


def lists(source: Path = programs.DATA_FILE) -> dict[str, list[str]]:
    """Column → its allowed values (the validator's tables)."""
    return {
        "program_type": list(programs.PROGRAM_TYPES),
        "field": list(programs.FIELDS),
        "specialty": specialties(source),
        "location_precision": list(programs.PRECISIONS),
        "record_role": list(programs.ROLES),
        "bottom_up": ["true", "false"],
        "region_group": [*regions.REGION_GROUPS, *regions.SUPER_GROUPS],
        "sido": list(regions.SIDO["name_ko"]),
    }


def _col(c: str) -> str:
    from geo.sheets import column_letter

    return column_letter(programs.COLUMNS.index(c))


def workbook_bytes(example: dict[str, str], dictionary: dict[str, tuple[bool, str]], source: Path) -> bytes:
    """The template workbook (see the module docstring): ``example`` is the row shown filled in,
    ``dictionary`` column → (required, meaning) for the dictionary sheet (geo.merge's)."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False, "strings_to_urls": False})
    head = wb.add_format({"bold": True, "bg_color": "#DDE7F0", "border": 1, "text_wrap": True, "valign": "top"})
    names = wb.add_format({"font_color": "#555555", "bg_color": "#F2F2F2", "border": 1, "font_size": 9})
    req = wb.add_format({"bold": True, "bg_color": "#F9D9A8", "border": 1, "text_wrap": True, "valign": "top"})
    text = wb.add_format({"num_format": "@"})
    ws = wb.add_worksheet(SHEET)
    for j, c in enumerate(programs.COLUMNS):
        ws.write_string(0, j, LABELS[c] + (" *" if c in programs.REQUIRED_COLUMNS else ""), req if c in
                        programs.REQUIRED_COLUMNS else head)  # fmt: skip
        ws.write_string(1, j, c, names)
        ws.set_column(j, j, WIDE.get(c, 13), None if c in NUMERIC else text)
    ws.set_row(0, 32)
    ws.freeze_panes(FIRST, 1)
    for j, c in enumerate(programs.COLUMNS):
        v = str(example.get(c, ""))
        if c in NUMERIC and v.strip():
            ws.write_number(FIRST, j, float(v.replace(",", "")))
        elif v:
            ws.write_string(FIRST, j, v)
    _dictionary_sheet(wb, head, dictionary)
    _lists_sheet(wb, ws, lists(source))
    ws.activate()
    wb.close()
    return buf.getvalue()


def _lists_sheet(wb: object, ws: object, values: dict[str, list[str]]) -> None:
    """The hidden sheet of lists, a named range per 시도's 시군구, and the drop-downs that use them."""
    from geo.sheets import column_letter

    ls = wb.add_worksheet(LISTS_SHEET)  # type: ignore[attr-defined]
    last = FIRST + ROWS
    for k, (col, vals) in enumerate(values.items()):
        ls.write_string(0, k, col)
        ls.write_column(1, k, vals)
        ref = f"='{LISTS_SHEET}'!${column_letter(k)}$2:${column_letter(k)}${len(vals) + 1}"
        strict = col not in ("specialty",)  # a specialty not in the list is allowed (free text)
        ws.data_validation(  # type: ignore[attr-defined]
            FIRST, programs.COLUMNS.index(col), last, programs.COLUMNS.index(col),
            {"validate": "list", "source": ref, "error_type": "stop" if strict else "information",
             "input_title": LABELS[col], "input_message": "목록에서 고르세요"},
        )  # fmt: skip
    k0 = len(values)
    for n, (code, name) in enumerate(zip(regions.SIDO["sido_code"], regions.SIDO["name_ko"], strict=True)):
        units = list(regions.SIGUNGU.loc[regions.SIGUNGU["sido_code"] == code, "name_ko"])
        letter = column_letter(k0 + n)
        ls.write_string(0, k0 + n, name)
        ls.write_column(1, k0 + n, units)
        wb.define_name(name, f"='{LISTS_SHEET}'!${letter}$2:${letter}${len(units) + 1}")  # type: ignore[attr-defined]
    sido, sgg = _col("sido"), programs.COLUMNS.index("sigungu")
    ws.data_validation(  # type: ignore[attr-defined]
        FIRST, sgg, last, sgg,
        {"validate": "list", "source": f"=INDIRECT(${sido}{FIRST + 1})", "error_type": "stop",
         "input_title": LABELS["sigungu"], "input_message": "시도를 먼저 고르면 그 시도의 시군구만 나옵니다"},
    )  # fmt: skip
    ls.hide()


def _dictionary_sheet(wb: object, head: object, dictionary: dict[str, tuple[bool, str]]) -> None:
    ds = wb.add_worksheet(DICT_SHEET)  # type: ignore[attr-defined]
    for j, h in enumerate(("항목 (열 이름)", "한글 이름", "필수", "뜻과 허용 값")):
        ds.write_string(0, j, h, head)
    for i, c in enumerate(programs.COLUMNS, start=1):
        required, meaning = dictionary[c]
        ds.write_row(i, 0, [c, LABELS[c], "필수" if required else "", meaning])
    ds.set_column(0, 0, 20)
    ds.set_column(1, 1, 18)
    ds.set_column(2, 2, 6)
    ds.set_column(3, 3, 100)
    ds.freeze_panes(1, 0)


def write(out: str | Path, example: dict[str, str], dictionary: dict[str, tuple[bool, str]], source: Path) -> Path:
    """Write the template workbook to ``out`` whole (temporary name, then renamed)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(out, workbook_bytes(example, dictionary, source))
    return out
