"""The programs table: its schema, loading (see geo/csvread.py for encodings and delimiters) and validation.

Officials edit ``data/programs.csv`` in Excel, which in Korea often saves CP949. A file with a
few bad rows must still load: every problem is reported at once (file, spreadsheet row,
column, value, what was expected), bad rows are rejected and good rows kept. The checks are
declared in two tables of rules (CELL_RULES, ROW_RULES) that become pandera schemas, one for
errors and one for warnings, not hand-written if-chains. A file that is no table at all (a
workbook, binary data, an empty file) comes back as one file-level error, never as a traceback.

Row numbers are what a spreadsheet shows: the header is row 1, the first data row is row 2.
Text is kept raw (no HTML escaping here): the map escapes it when it renders.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pandas as pd

from geo import csvread, headers, paths, sheets

if TYPE_CHECKING:
    import pandera.pandas as pa
from geo.program_checks import (  # noqa: F401 (the vocabulary: part of this module's API)
    ANNUAL_COLUMNS,
    BUDGET_COLUMNS,
    CELL_RULES,
    COLUMNS,
    FALSE_WORDS,
    FIELDS,
    FIELDS_EN,
    LAT_MAX,
    LAT_MIN,
    LIFE_COLUMNS,
    LON_MAX,
    LON_MIN,
    MAX_AMOUNT,
    MAX_CELL,
    PRECISIONS,
    PROGRAM_TYPES,
    REQUIRED_COLUMNS,
    ROLES,
    ROW_RULES,
    TEXT_COLUMNS,
    TRUE_WORDS,
    CellRule,
    RowRule,
    context,
    is_num,
    num,
    point_sigungu,
    to_bool,
)

DATA_DIR = paths.DATA_DIR  # KDIM_DATA_DIR points the app and the CLI at another copy of data/
DATA_FILE = DATA_DIR / "programs.csv"


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Issue:
    """One problem in one cell (or the header, row 1; or the whole file, row None)."""

    severity: str  # "error" (row rejected) or "warning" (row kept)
    file: str
    row: int | None
    column: str | None
    value: str
    expected: str
    message: str
    place: str = ""  # a workbook's cell as Excel names it: 'Sheet1!F12'
    header: str = ""  # the file's own header of the column, when it differs from the schema's name

    def __str__(self) -> str:
        where = self.file + (f", {self.place}" if self.place else f", row {self.row}" if self.row is not None else "")
        where += f", column {self.column}" if self.column else ""
        where += f" ({self.header})" if self.header and self.header != self.column else ""
        return f"{self.severity.upper()}: {where}: {self.message}"


@dataclass
class ProgramLoad:
    """The accepted records, every issue found, and the encoding the file was read with."""

    records: pd.DataFrame
    issues: list[Issue] = field(default_factory=list)
    encoding: str | None = None
    file: str = ""
    n_rows: int = 0  # data rows read (blank lines not counted)
    rejected_rows: list[int] = field(default_factory=list)
    delimiter: str = ","
    mapping: dict[str, str] = field(default_factory=dict)  # file header → schema column, when not the schema's
    left_out: list[str] = field(default_factory=list)  # the file's columns not read
    raw: pd.DataFrame | None = None  # every data row's cells as text under the schema's columns (for merge)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when no row was rejected and the file itself was readable."""
        return not self.errors

    def report(self) -> str:
        """Human-readable report, one line per issue, for the CLI and the app."""
        head = (
            f"{self.file}: read as {self.encoding or 'unknown encoding'}{_delimiter_words(self.delimiter)}; "
            f"{self.n_rows} data rows, "
            f"{len(self.records)} accepted, {len(self.rejected_rows)} rejected; "
            f"{len(self.errors)} errors, {len(self.warnings)} warnings"
        )
        return "\n".join([head, *self.mapping_lines(), *(str(i) for i in self.issues)])

    def mapping_lines(self) -> list[str]:
        """What an officials' header was read as, and what was left out (empty for the schema's own header)."""
        if not self.mapping:
            return []
        lines = ["columns read as: " + ", ".join(f"{k} → {v}" for k, v in self.mapping.items())]
        if "location_precision" not in self.mapping.values():
            lines.append("location_precision: not in the file; each row's is the finest place it names (시군구, 시도)")
        if self.left_out:
            lines.append("columns left out: " + ", ".join(self.left_out))
        return lines


_DELIMITER_NAMES = {";": "semicolon", "\t": "tab", "|": "bar"}


def _delimiter_words(d: str) -> str:
    return "" if d == "," else f" ({_DELIMITER_NAMES.get(d, repr(d))}-separated)"


# --------------------------------------------------------------------------- the schemas
#
# geo.program_checks declares every check in two tables (CELL_RULES, ROW_RULES); _schema() turns
# them into pandera schemas, one per severity. Each check carries a unique ``error`` key (pandera
# reports it in failure_cases["check"]); _RULES maps it back to the column to blame and what was
# expected.


@dataclass(frozen=True)
class _Rule:
    column: str
    expected: str
    problem: str
    detail: Callable[[pd.Series], str] | None = None  # row (data + context) → extra message text


_RULES: dict[str, _Rule] = {"field_uniqueness": _Rule("id", "a unique id", "duplicate id (an earlier row has it)")}


def _cell_check(rule: CellRule, col: str) -> pa.Check:
    import pandera.pandas as pa

    key = f"{col}: {rule.problem}"
    _RULES[key] = _Rule(col, rule.expected, rule.problem)
    if rule.vector:
        return pa.Check(rule.ok, error=key)
    fn = rule.ok
    return pa.Check(lambda v: fn(str(v)), element_wise=True, error=key)


def _schema(severity: str) -> pa.DataFrameSchema:
    """The pandera schema of one severity, built from CELL_RULES and ROW_RULES."""
    import pandera.pandas as pa

    cols = {}
    for c in COLUMNS:  # every cell is already text (dtype None: no per-column dtype pass, 3x faster)
        checks = [_cell_check(r, c) for r in CELL_RULES if r.severity == severity and c in r.columns]
        unique = c == "id" and severity == "error"
        if checks or unique:
            cols[c] = pa.Column(None, checks, unique=unique, report_duplicates="exclude_first")
    checks = []
    for r in ROW_RULES:
        if r.severity == severity:
            _RULES[r.key] = _Rule(r.column, r.expected, r.problem, r.detail)
            checks.append(pa.Check(r.ok, error=r.key))
    return pa.DataFrameSchema(cols, checks=checks)


@cache
def schemas() -> tuple[pa.DataFrameSchema, pa.DataFrameSchema, pa.DataFrameSchema]:
    """The error, warning and header schemas, built on first use: pandera is imported for a
    validation only (a server's first page reads the bundled records from geo.prepared).
    The header schema reports missing and extra columns (pandera's strict mode)."""
    import pandera.pandas as pa

    header = pa.DataFrameSchema({c: pa.Column(None, required=c in REQUIRED_COLUMNS) for c in COLUMNS}, strict=True)
    return _schema("error"), _schema("warning"), header


# --------------------------------------------------------------------------- loading


def _read_bytes(source: str | Path | bytes | IO[Any], name: str | None) -> tuple[bytes, str]:
    if isinstance(source, bytes | bytearray):
        return bytes(source), name or "<bytes>"
    if isinstance(source, str | Path):
        p = Path(source)
        return p.read_bytes(), name or str(p)
    data = source.read()
    if isinstance(data, str):
        data = data.encode("utf-8")
    return data, name or str(getattr(source, "name", "<upload>"))


def _header_issues(header: list[str], fname: str, row: int = 1) -> tuple[list[Issue], bool]:
    """Duplicate, missing and extra columns; True when every row must be rejected."""
    issues: list[Issue] = []
    reject_all = False
    for h, n in Counter(header).items():
        if n > 1 and h:
            where = ", ".join(str(i + 1) for i, x in enumerate(header) if x == h)
            reject_all |= h in COLUMNS
            tail = ": every row is rejected (which one is meant?)" if h in COLUMNS else ""
            issues.append(
                Issue(
                    "error",
                    fname,
                    row,
                    h,
                    h,
                    "each column once",
                    f"column {h!r} appears {n} times (columns {where}){tail}",
                )
            )
    import pandera.errors

    try:
        schemas()[2].validate(pd.DataFrame(columns=list(dict.fromkeys(header)), dtype=str), lazy=True)
    except pandera.errors.SchemaErrors as exc:
        for fc in exc.failure_cases.to_dict("records"):
            col = str(fc["failure_case"])
            if fc["check"] == "column_in_schema":
                expected = "one of the documented columns (data/README.md)"
                issues.append(Issue("warning", fname, row, col, col, expected, f"extra column {col!r} ignored"))
            elif fc["check"] == "column_in_dataframe":
                reject_all = True
                msg = f"missing required column {col!r}: every row is rejected"
                issues.append(Issue("error", fname, row, col, "", f"a column named {col!r}", msg))
    for col in COLUMNS:
        if col not in header and col not in REQUIRED_COLUMNS:
            msg = f"missing optional column {col!r}: read as empty"
            issues.append(Issue("warning", fname, row, col, "", f"a column named {col!r}", msg))
    return issues, reject_all


def _frame(table: csvread.Table, fname: str) -> tuple[pd.DataFrame, list[Issue], set[int]]:
    """Cells → a text DataFrame indexed by spreadsheet row; rows with too many cells are rejected."""
    header = table.header
    issues: list[Issue] = []
    bad_shape: set[int] = set()
    recs: list[dict[str, str]] = []
    for n, cells in table.rows:
        extra = [c for c in cells[len(header) :] if c.strip()]
        if extra:
            bad_shape.add(n)
            value = _short(table.delimiter.join(extra))
            msg = f"row has {len(cells)} cells but the header has {len(header)}"
            issues.append(Issue("error", fname, n, None, value, f"{len(header)} cells like the header", msg))
        rec = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header) if h in COLUMNS}
        recs.append({c: rec.get(c, "") for c in COLUMNS})
    index = pd.Index([n for n, _ in table.rows], name="row")
    df = pd.DataFrame(recs, index=index, columns=list(COLUMNS), dtype=object).fillna("").astype(str)
    return df, issues, bad_shape


def _short(value: str, limit: int = 200) -> str:
    """A value as a report shows it: long cells cut, so one 1 MB cell does not make a 1 MB report."""
    return value if len(value) <= limit else f"{value[:limit]}… ({len(value):,} characters)"


def _no_records() -> pd.DataFrame:
    """No records, with every column the join expects (a refused file must not crash the page)."""
    empty = pd.DataFrame(columns=list(COLUMNS), dtype=str)
    return _typed(empty, pd.DataFrame(index=empty.index))


def _refused(fname: str, exc: csvread.FileRefused, encoding: str | None = None) -> ProgramLoad:
    issue = Issue("error", fname, exc.row, None, exc.value, exc.expected, exc.message)
    return ProgramLoad(_no_records(), [issue], encoding, fname)


def read_table(data: bytes, *, sheet: str | None = None) -> csvread.Table:
    """A workbook's sheet (geo/sheets.py) or a CSV (geo/csvread.py) as header and rows."""
    if sheets.workbook_kind(data):
        return sheets.read_table(data, headers.is_known, sheet=sheet)
    return csvread.read_table(data, set(COLUMNS))


def load_programs(
    source: str | Path | bytes | IO[Any] = DATA_FILE,
    *,
    name: str | None = None,
    sheet: str | None = None,
    mapping: dict[str, str] | None = None,
) -> ProgramLoad:
    """Read and validate a programs CSV or workbook; return the good rows and every problem found.

    ``source`` is a path, raw bytes (e.g. a Streamlit upload) or a file-like object; ``name``
    is what the report calls the file; ``sheet`` a workbook's sheet (default: the first);
    ``mapping`` the file's headers → schema columns (default: geo.headers' guess when the header
    is not the schema's). A file that is not a table at all comes back as one file-level error,
    never as an exception (except OSError for a path that cannot be opened).
    """
    data, fname = _read_bytes(source, name)
    try:
        table = read_table(data, sheet=sheet)
    except csvread.FileRefused as exc:
        return _refused(fname, exc)
    if mapping is None and headers.needs_mapping(table.header):
        mapping = {c.found: c.column for c in headers.guess(table.header)}
    left_out: list[str] = []
    if mapping is not None:
        table, left_out = headers.apply(table, mapping)
    load = _validate(table, fname)
    load.mapping, load.left_out = {k: v for k, v in (mapping or {}).items() if v}, left_out
    quiet = mapping is not None  # the mapping lines say which columns were read: no warning per absent one
    load.issues = [_placed(i, table) for i in load.issues if not (quiet and i.message.startswith("missing optional"))]
    return load


def _placed(issue: Issue, table: csvread.Table) -> Issue:
    """The issue with its cell named as Excel does (a workbook) and the file's own header (a mapped file)."""
    j = table.header.index(issue.column) if issue.column in table.header else None
    label = table.labels[j] if j is not None and table.labels else ""
    place = ""
    if table.sheet is not None and issue.row is not None:
        col = (table.positions[j] if table.positions else table.first_column + j) if j is not None else None
        place = sheets.cell_ref(table.sheet, issue.row, col if col is None or col >= 0 else None)
    return dataclasses.replace(issue, place=place, header=label) if place or label else issue


def _validate(table: csvread.Table, fname: str) -> ProgramLoad:
    """The checks of a table already read (and mapped to the schema's columns)."""
    issues = [
        Issue("warning", fname, n, table.header[j] if j is not None and j < len(table.header) else None, v, exp, msg)
        for n, j, v, exp, msg in table.notes
    ]
    if not any(table.header):
        expected = "a header row with the column names"
        issues.append(Issue("error", fname, table.header_row, None, "", expected, "file has no header"))
        return ProgramLoad(_no_records(), issues, table.encoding, fname, 0, [], table.delimiter)
    header_issues, reject_all = _header_issues(table.header, fname, table.header_row)
    df, shape_issues, rejected = _frame(table, fname)
    issues += header_issues + shape_issues
    if df.empty:
        issues.append(Issue("warning", fname, None, None, "", "one row per record", "no data rows below the header"))
        return ProgramLoad(
            _typed(df, pd.DataFrame(index=df.index)), issues, table.encoding, fname, 0, [], table.delimiter, raw=df
        )

    ctx = context(df)
    full = pd.concat([df, ctx], axis=1)
    if reject_all:
        rejected |= set(df.index)
    missing = {c for c in REQUIRED_COLUMNS if c not in table.header}
    for severity, schema in zip(("error", "warning"), schemas()[:2], strict=True):
        for issue in _schema_issues(schema, full, fname, severity, skip_columns=missing):
            issues.append(issue)
            if severity == "error" and issue.row is not None:
                rejected.add(issue.row)

    good = df.drop(index=sorted(rejected & set(df.index)))
    issues.extend(_cross_row_issues(good, fname))
    issues.sort(key=lambda i: (i.row or 0, 0 if i.severity == "error" else 1, i.column or ""))
    records = _typed(good, ctx.loc[good.index])
    n_rej = sorted(rejected & set(df.index))
    return ProgramLoad(records, issues, table.encoding, fname, len(df), n_rej, table.delimiter, raw=df)


def _schema_issues(
    schema: pa.DataFrameSchema, full: pd.DataFrame, fname: str, severity: str, skip_columns: set[str]
) -> list[Issue]:
    """Run one schema lazily and turn its failure cases into one Issue per (row, check)."""
    import pandera.errors

    try:
        schema.validate(full, lazy=True)
        return []
    except pandera.errors.SchemaErrors as exc:
        fc = exc.failure_cases
    out: list[Issue] = []
    seen: set[tuple[int, str]] = set()
    for rec in fc.to_dict("records"):
        key = str(rec["check"])
        rule = _RULES.get(key)
        idx = rec["index"]
        if rule is None or idx is None or (isinstance(idx, float) and math.isnan(idx)):
            continue
        row = int(idx)
        if (row, key) in seen or rule.column in skip_columns:
            continue
        seen.add((row, key))
        r = full.loc[row]
        value = _short(str(r[rule.column]))
        detail = rule.detail(r) if rule.detail else ""
        msg = f"{rule.problem}: {value!r}{detail}; expected {rule.expected}"
        out.append(Issue(severity, fname, row, rule.column, value, rule.expected, msg))
    return out


def _cross_row_issues(good: pd.DataFrame, fname: str) -> list[Issue]:
    """Warnings that need several rows: shares without their whole, shares above the whole."""
    out: list[Issue] = []
    role = good["record_role"].str.strip().replace("", "whole")
    pid = good["project_id"].str.strip().where(good["project_id"].str.strip() != "", good["id"].str.strip())
    wholes = {p: n for p, n, r in zip(pid, good.index, role, strict=True) if r == "whole"}
    for n, p, r in zip(good.index, pid, role, strict=True):
        if r == "share" and p not in wholes:
            out.append(
                Issue(
                    "warning",
                    fname,
                    n,
                    "project_id",
                    p,
                    "the id of a 'whole' row",
                    f"share of project {p!r}, which has no whole row: its amounts count on their own",
                )
            )
    for col in BUDGET_COLUMNS:
        vals = good[col].map(lambda v: num(v) if is_num(v) else None)
        for p, wrow in wholes.items():
            w = vals.get(wrow)
            parts = vals[(pid == p) & (role == "share")].dropna()
            if w is not None and not pd.isna(w) and len(parts) and parts.sum() > w + 1e-9:
                out.append(
                    Issue(
                        "warning",
                        fname,
                        wrow,
                        col,
                        str(good.at[wrow, col]),
                        f"at least the sum of its shares ({parts.sum():g})",
                        f"shares of {p!r} add up to {parts.sum():g}, more than the whole's {w:g}",
                    )
                )
    return out


def _typed(df: pd.DataFrame, ctx: pd.DataFrame) -> pd.DataFrame:
    """Accepted rows with real types: numbers as floats (NaN = not published), codes resolved."""
    out = df.copy()
    for c in (*BUDGET_COLUMNS, "lat", "lon"):
        out[c] = [(num(v) if is_num(v) else None) for v in df[c]]
        out[c] = pd.to_numeric(out[c], errors="coerce").astype(float) + 0.0  # + 0.0: "-0" reads as 0
    for c in ("year", "annual_year"):
        out[c] = pd.array([int(v) if str(v).strip() else None for v in df[c]], dtype="Int64")
    out["bottom_up"] = pd.array([to_bool(v) for v in df["bottom_up"]], dtype="boolean")
    out["record_role"] = df["record_role"].str.strip().replace("", "whole")
    out["project_id"] = df["project_id"].str.strip().where(df["project_id"].str.strip() != "", df["id"].str.strip())
    for c in ("id", "location_precision", "field", "program_type", "specialty", "region_group"):
        out[c] = df[c].str.strip()
    out["sido_code"] = ctx["_sido_code"] if "_sido_code" in ctx else ""
    out["sigungu_code"] = ctx["_sgg_code"] if "_sgg_code" in ctx else ""
    if "_sgg_code" in ctx:  # a 시군구 without a 시도 still gives the 시도
        out["sido_code"] = out["sido_code"].where(out["sido_code"] != "", out["sigungu_code"].str[:2])
    out.index.name = "row"
    return out


# --------------------------------------------------------------------------- CLI


def _cli_validate(args: argparse.Namespace) -> int:
    """Print each file's report; 1 when a row is rejected or a file cannot be opened."""
    status = 0
    for path in args.file or [str(DATA_FILE)]:
        try:
            result = load_programs(path, sheet=args.sheet)
        except OSError as exc:
            print(f"ERROR: {path}: cannot be opened ({exc.strerror or exc}); expected a readable CSV file or workbook")
            status = 1
            continue
        print(result.report())
        status |= 1 if result.errors else 0
    return status


def register_cli(sub: argparse._SubParsersAction) -> None:
    """`python -m geo validate FILE.csv|FILE.xlsx ...`: print every problem; exit 1 when a row is rejected."""
    p = sub.add_parser(
        "validate", help="validate programs CSVs (UTF-8, UTF-16, CP949; , ; or tab) and workbooks (.xlsx .xls .ods)"
    )
    p.add_argument("file", nargs="*", help="CSV or workbook files (default: data/programs.csv)")
    p.add_argument("--sheet", help="the workbook's sheet to read (default: the first worksheet)")
    p.set_defaults(func=_cli_validate)
