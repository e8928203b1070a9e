"""Next year's records without editing code: a template to fill, then a checked merge.

``python -m geo template OUT.csv`` writes the header, one example row (a real, sourced record
copied from the bundled file, so merging the untouched template changes nothing) and
``OUT_dictionary.csv``: every column, whether it is required, what it means and what it allows.

``python -m geo merge NEW.csv`` validates NEW.csv with the same loader as ``validate``, then
adds its new ids and replaces the rows whose id already exists, and reports what was added,
changed and left unchanged. The bundled file is rewritten only when no row of NEW.csv is
rejected and the merged file validates as a whole; the old file is first copied to
``data/backup/``; the new one is written to a temporary name in the same folder and renamed, so
a merge killed mid-write leaves either the old file or the new one, whole.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from geo import programs, xltemplate
from geo.files import atomic_write

BACKUP_DIR_NAME = "backup"
EXAMPLE_ID = "DID-BUSAN-CENTUM"  # a fully sourced record with amounts, a place and a period

# column -> (required, meaning and allowed values); the long form is data/README.md.
DICTIONARY: dict[str, tuple[bool, str]] = {
    "id": (True, "unique record id, no spaces (e.g. SV-2026-GB-01); an existing id replaces that row"),
    "project_id": (False, "project a record belongs to; empty = its own id (shares of one project share it)"),
    "record_role": (False, "whole (default) or share (a regional part of a project whose whole row has the total)"),
    "year": (False, "reference year: selection year of a site, task year, start year (YYYY)"),
    "name_ko": (True, "program / site / task name as the source prints it"),
    "name_en": (False, "English name"),
    "program_type": (False, " | ".join(programs.PROGRAM_TYPES)),
    "field": (False, "only where the source assigns it: " + " | ".join(programs.FIELDS)),
    "specialty": (False, "manufacturing | agriculture | healthcare | disaster_safety | blockchain | metaverse …"),
    "region_group": (
        False,
        "권역 of 권역-level rows: 수도권 강원권 충청권 호남권 대경권 동남권 제주권 영남권 (several: |)",
    ),
    "sido": (False, "시도: 2024 name, alias (부산, 전라북도) or code"),
    "sigungu": (False, "시군구 (229 local units; 일반구 roll up to their city)"),
    "emd": (False, "읍면동 (법정동 names); several joined by ·"),
    "site_name": (False, "the site as the source names it"),
    "lat": (False, "WGS84 latitude, only if a source publishes coordinates"),
    "lon": (False, "WGS84 longitude, only if a source publishes coordinates"),
    "location_precision": (True, " | ".join(programs.PRECISIONS)),
    "annual_year": (False, "the budget year the annual_* amounts cover (required if any annual_* is given)"),
    "annual_total": (False, "amount for annual_year only, 억원"),
    "annual_national": (False, "국비 for annual_year, 억원"),
    "annual_local": (False, "지방비 for annual_year, 억원"),
    "life_total": (False, "announced total over period_start–period_end, 억원"),
    "life_national": (False, "국비 over the period, 억원"),
    "life_local": (False, "지방비 over the period, 억원"),
    "period_start": (False, "YYYY, YYYY-MM or YYYY-MM-DD"),
    "period_end": (False, "YYYY, YYYY-MM or YYYY-MM-DD (a derived end is said so in note)"),
    "bottom_up": (False, "true when the source says local governments plan it (상향식); empty = not stated"),
    "lead_org": (False, "lead agency where given"),
    "source_url": (True, "http(s) address of the source of the row's facts"),
    "source_ref": (False, "publisher and article id, plus secondary sources"),
    "source_date": (True, "publication date of the source, YYYY-MM-DD (or YYYY-MM), not in the future"),
    "note": (False, "spans, derivations, what is not published"),
}


@dataclass
class MergeResult:
    """What a merge did (or would have done) and why it stopped, if it did."""

    added: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)  # id -> columns that differ
    unchanged: list[str] = field(default_factory=list)
    rejected: list[int] = field(default_factory=list)  # spreadsheet rows of NEW.csv
    report: str = ""  # the validator's report
    written: bool = False
    backup: Path | None = None
    stopped: str = ""  # why nothing was written

    def summary(self) -> str:
        lines = [self.report] if self.report else []
        lines.append(
            f"added {len(self.added)}, changed {len(self.changed)}, unchanged {len(self.unchanged)}, "
            f"rejected {len(self.rejected)}"
        )
        lines += [f"  + {i}" for i in self.added]
        lines += [f"  ~ {i}: {', '.join(cols)}" for i, cols in self.changed.items()]
        if self.stopped:
            lines.append(f"nothing written: {self.stopped}")
        elif self.written:
            lines.append(f"written; the old file is kept as {self.backup}")
        return "\n".join(lines)


def raw_table(data: bytes, encoding: str) -> pd.DataFrame:
    """Cells as the file has them (text), for copying rows verbatim into the bundled file."""
    text = data.decode(encoding)
    dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=dialect.delimiter)
    df.columns = [str(c).strip() for c in df.columns]
    return df.reindex(columns=list(programs.COLUMNS), fill_value="")


def csv_bytes(df: pd.DataFrame) -> bytes:
    buf = io.StringIO()
    df.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue().encode("utf-8")


def merge_tables(old: pd.DataFrame, new: pd.DataFrame, result: MergeResult) -> pd.DataFrame:
    """The merged table: old rows in their order (replaced where NEW has the id), then NEW's new ids."""
    old_by_id = {r["id"]: r for r in old.to_dict("records")}
    replace: dict[str, dict[str, str]] = {}
    for r in new.to_dict("records"):
        rid = r["id"].strip()
        r = {k: v.strip() if isinstance(v, str) else v for k, v in r.items()}
        if rid not in old_by_id:
            result.added.append(rid)
            replace[rid] = r
            continue
        cols = [c for c in programs.COLUMNS if str(old_by_id[rid].get(c, "")).strip() != r.get(c, "")]
        if cols:
            result.changed[rid] = cols
            replace[rid] = r
        else:
            result.unchanged.append(rid)
    rows = [replace.get(rid, r) for rid, r in old_by_id.items()]
    rows += [replace[rid] for rid in result.added]
    return pd.DataFrame(rows, columns=list(programs.COLUMNS))


def merge(
    new_file: str | Path, target: str | Path = programs.DATA_FILE, *, dry_run: bool = False, sheet: str | None = None
) -> MergeResult:
    """Merge ``new_file`` (CSV or workbook) into ``target`` if every row of it is accepted; see the module docstring."""
    target, new_file = Path(target), Path(new_file)
    result = MergeResult()
    loaded = programs.load_programs(new_file, sheet=sheet)
    result.report, result.rejected = loaded.report(), list(loaded.rejected_rows)
    if loaded.errors:
        result.stopped = f"{new_file} has {len(loaded.errors)} error(s); fix them and merge again"
        return result
    old_bytes = target.read_bytes()
    new = loaded.raw if loaded.raw is not None else pd.DataFrame(columns=list(programs.COLUMNS))
    merged = merge_tables(raw_table(old_bytes, "utf-8-sig"), new.reset_index(drop=True), result)
    out = csv_bytes(merged)
    check = programs.load_programs(out, name=f"{target.name} (merged)")
    if check.errors:
        result.report += "\n" + check.report()
        result.stopped = "the merged file would have errors (e.g. the same id twice); see above"
        return result
    if dry_run or not (result.added or result.changed):
        result.stopped = "dry run" if dry_run else "no new or changed rows"
        return result
    backup_dir = target.parent / BACKUP_DIR_NAME
    backup_dir.mkdir(exist_ok=True)
    result.backup = backup_dir / f"{target.stem}-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}{target.suffix}"
    shutil.copy2(target, result.backup)
    atomic_write(target, out)
    result.written = True
    return result


def write_template(out: str | Path, source: str | Path = programs.DATA_FILE) -> tuple[Path, Path | None]:
    """Write the template (header + one real example row) and its data dictionary beside it;
    OUT.xlsx is the Excel template (geo/xltemplate.py: drop-downs, dictionary sheet), no second file."""
    out = Path(out)
    table = raw_table(Path(source).read_bytes(), "utf-8-sig")
    example = table[table["id"] == EXAMPLE_ID].head(1)
    if out.suffix.lower() == ".xlsx":
        return xltemplate.write(out, example.to_dict("records")[0], DICTIONARY, Path(source)), None
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(out, csv_bytes(example))
    dict_path = out.with_name(f"{out.stem}_dictionary.csv")
    rows = [
        {"column": c, "required": "yes" if DICTIONARY[c][0] else "", "meaning": DICTIONARY[c][1]}
        for c in programs.COLUMNS
    ]
    buf = io.StringIO()
    pd.DataFrame(rows).to_csv(buf, index=False, lineterminator="\n")
    atomic_write(dict_path, buf.getvalue().encode("utf-8-sig"))  # BOM: Excel opens it as UTF-8
    return out, dict_path


def _cli_template(args: argparse.Namespace) -> int:
    out, dict_path = write_template(args.out)
    if dict_path is None:
        print(
            f"wrote {out}: sheet '{xltemplate.SHEET}' to fill (one example row: {EXAMPLE_ID}; drop-down lists "
            f"for 시도, 시군구, 사업 유형, 분야, 특화 분야, 위치 정밀도); sheet '{xltemplate.DICT_SHEET}' says what "
            "each column means"
        )
    else:
        print(f"wrote {out} (header and one example row: {EXAMPLE_ID}) and {dict_path} (what each column means)")
    print(f"fill it, then: python -m geo validate {out} && python -m geo merge {out}")
    return 0


def _cli_merge(args: argparse.Namespace) -> int:
    try:
        result = merge(args.file, args.into, dry_run=args.dry_run, sheet=args.sheet)
    except (OSError, UnicodeDecodeError, csv.Error, pd.errors.ParserError) as exc:
        print(f"merge: {args.file}: cannot be read ({exc}); nothing written")
        return 2
    print(result.summary())
    if result.written and Path(args.into).resolve() == programs.DATA_FILE.resolve():
        from geo import serve  # the stored records and class breaks follow the bundled file

        print("\n".join(serve.build_start()))
    failed = result.stopped not in ("", "dry run", "no new or changed rows")
    return 1 if result.rejected or failed else 0


def register_cli(sub: argparse._SubParsersAction) -> None:
    """`python -m geo template OUT.csv` and `python -m geo merge NEW.csv`."""
    p = sub.add_parser(
        "template", help="write a programs template: OUT.xlsx (drop-down lists, dictionary sheet) or OUT.csv"
    )
    p.add_argument("out", metavar="OUT.xlsx|OUT.csv")
    p.set_defaults(func=_cli_template)
    p = sub.add_parser(
        "merge",
        help="add/replace records from NEW.csv in data/programs.csv (only if no row is rejected)",
        description="Validate NEW.csv; if no row is rejected, add its new ids and replace rows with the same id, "
        "keep a copy of the old file in data/backup/, and report what was added and changed.",
    )
    p.add_argument("file", metavar="NEW.csv", help="a CSV or a workbook (.xlsx .xlsm .xls .ods)")
    p.add_argument("--into", default=str(programs.DATA_FILE), help="the file to merge into (default data/programs.csv)")
    p.add_argument("--dry-run", action="store_true", help="report what would change, write nothing")
    p.add_argument("--sheet", help="the workbook's sheet to read (default: the first worksheet)")
    p.set_defaults(func=_cli_merge)
