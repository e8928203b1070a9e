"""The Excel template: what it offers (labels, frozen header, drop-downs, dictionary), and that a filled
template validates and merges with no edits (filled with openpyxl, as another program would)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from geo import merge, programs, regions, xltemplate

ROOT = Path(__file__).resolve().parent.parent


def _geo(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "geo", *args], cwd=ROOT, capture_output=True, text=True, env=env or os.environ.copy()
    )


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tpl") / "new.xlsx"
    run = _geo("template", str(out))
    assert run.returncode == 0 and "drop-down lists" in run.stdout, run.stdout + run.stderr
    assert not (out.parent / "new_dictionary.csv").exists()
    return out


def test_the_sheet_to_fill(template: Path) -> None:
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames == [xltemplate.SHEET, xltemplate.DICT_SHEET, xltemplate.LISTS_SHEET]
    assert wb[xltemplate.LISTS_SHEET].sheet_state == "hidden"
    ws = wb[xltemplate.SHEET]
    assert [c.value for c in ws[2]] == list(programs.COLUMNS)
    assert ws["E1"].value == "사업명 *" and ws["K1"].value == "시도" and ws["L1"].value == "시군구"
    assert ws.freeze_panes == "B3" and ws.column_dimensions["E"].width > 30
    example = {c: ws.cell(3, j + 1).value for j, c in enumerate(programs.COLUMNS)}
    assert example["id"] == merge.EXAMPLE_ID and example["sido"] == "부산광역시" and example["life_national"] == 63
    rules = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert rules["L3:L1003"] == "INDIRECT($K3)"
    lists = wb[xltemplate.LISTS_SHEET]
    by_name = {lists.cell(1, k).value: k for k in range(1, lists.max_column + 1)}
    for col, values in (("program_type", programs.PROGRAM_TYPES), ("location_precision", programs.PRECISIONS),
                        ("field", programs.FIELDS), ("sido", tuple(regions.SIDO["name_ko"]))):  # fmt: skip
        k = by_name[col]
        got = [lists.cell(r, k).value for r in range(2, len(values) + 2)]
        assert tuple(got) == values and lists.cell(len(values) + 2, k).value is None
        letter = openpyxl.utils.get_column_letter(k)
        j = programs.COLUMNS.index(col) + 1
        target = f"{openpyxl.utils.get_column_letter(j)}3:{openpyxl.utils.get_column_letter(j)}1003"
        assert rules[target] == f"'{xltemplate.LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
    # One named range per 시도, together the 229 units of the 2024 map.
    units = []
    for name in regions.SIDO["name_ko"]:
        ref = wb.defined_names[name].attr_text
        units += [c.value for row in lists[ref.split("!")[1].replace("$", "")] for c in row]
    assert len(units) == 229 and set(units) == set(regions.SIGUNGU["name_ko"])
    assert wb[xltemplate.DICT_SHEET]["A2"].value == "id" and wb[xltemplate.DICT_SHEET].max_row == 33


def test_filled_template_validates_and_merges(template: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(template)
    ws = wb[xltemplate.SHEET]
    new = {
        "id": "XL-2026-MUJU", "year": 2026, "name_ko": "무주 스마트빌리지 시험", "program_type": "smart_village",
        "sido": "전북특별자치도", "sigungu": "무주군", "location_precision": "sigungu", "annual_year": 2026,
        "annual_national": 3.5, "source_url": "https://www.korea.kr/news/policyNewsView.do?newsId=1",
        "source_date": "2026-01-02",
    }  # fmt: skip
    for j, c in enumerate(programs.COLUMNS, start=1):
        ws.cell(4, j, new.get(c))
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    env = os.environ | {"KDIM_DATA_DIR": str(data)}
    run = _geo("validate", str(filled), env=env)
    assert run.returncode == 0 and "2 data rows, 2 accepted, 0 rejected; 0 errors" in run.stdout, run.stdout
    run = _geo("merge", str(filled), env=env)
    assert run.returncode == 0 and "added 1, changed 0, unchanged 1" in run.stdout, run.stdout + run.stderr
    merged = programs.load_programs(data / "programs.csv")
    assert merged.ok and merged.records.set_index("id").at["XL-2026-MUJU", "sigungu_code"] == "52730"
    assert merged.records.set_index("id").at["XL-2026-MUJU", "annual_national"] == 3.5
