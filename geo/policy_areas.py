"""The 인구감소지역 and 관심지역 designations: which 2024 시군구 are which, from a sourced table.

``data/policy_areas.csv`` names the 89 인구감소지역 and 18 관심지역 by 2024 code, each row with
the public source that names it; ``data/policy_area_counts.csv`` holds how many units each
designation gives per 시도. Both are checked when read, the way the records are: a code that is
not a 2024 시군구, a code twice, an unknown kind, a missing source or counts per 시도 that differ
from the designation are refused with the file, row, column and value. Everything else asks this
module what kind a code is (``kind_of``), or which records sit in an area (``in_area``). It reads
only its two files and geo/regions.py, so geo/join.py can filter by area without a cycle; the
shares of a view are in geo/policy_shares.py.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd

from geo import regions

DATA = Path(__file__).resolve().parent.parent / "data"
TABLE_FILE = DATA / "policy_areas.csv"
COUNTS_FILE = DATA / "policy_area_counts.csv"

DECLINE = "인구감소지역"
INTEREST = "관심지역"
KINDS = (DECLINE, INTEREST)
# The view's ?area= values: a kind, or "other" (a 시군구 in neither).
AREAS = {"decline": DECLINE, "interest": INTEREST, "other": None}
TABLE_COLUMNS = (
    "sigungu_code", "sido_code", "sido_ko", "name_ko", "kind", "notice", "notice_date",
    "source_url", "source_ref", "source_date", "note",
)  # fmt: skip
REQUIRED = ("sigungu_code", "kind", "notice", "notice_date", "source_url", "source_ref", "source_date")
COUNTS_COLUMNS = ("kind", "sido_code", "sido_ko", "expected", "source_url", "source_ref", "note")


class PolicyAreaError(ValueError):
    """A designation table that cannot be trusted; ``problems`` lists each bad cell."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class PolicyAreas:
    """The checked table: kind per 2024 시군구 code, and the rows with their sources."""

    kinds: dict[str, str]  # sigungu_code -> kind
    rows: tuple[dict[str, str], ...]
    expected: dict[tuple[str, str], int]  # (kind, sido_code) -> units the designation gives

    by_kind: dict[str, frozenset[str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # each region's tooltip asks for a kind's codes: grouped once, not per question
        groups: dict[str, set[str]] = {}
        for c, k in self.kinds.items():
            groups.setdefault(k, set()).add(c)
        object.__setattr__(self, "by_kind", {k: frozenset(v) for k, v in groups.items()})

    def codes(self, kind: str) -> frozenset[str]:
        return self.by_kind.get(kind, frozenset())

    def count(self, kind: str) -> int:
        return sum(1 for k in self.kinds.values() if k == kind)


def _read(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """Rows of a UTF-8 CSV (BOM allowed), refused whole if a column is missing."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            rows = [{k: (v or "").strip() for k, v in r.items() if k is not None} for r in reader]
    except FileNotFoundError as exc:
        raise PolicyAreaError([f"{path}: file not found"]) from exc
    except UnicodeDecodeError as exc:
        raise PolicyAreaError([f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})"]) from exc
    missing = [c for c in columns if c not in header]
    if missing:
        raise PolicyAreaError(
            [f"{path}, row 1 (header): missing column(s) {', '.join(missing)}; expected {', '.join(columns)}"]
        )
    return rows


def _check_rows(path: Path, rows: list[dict[str, str]]) -> list[str]:
    """Per-cell problems of the table (row numbers as a spreadsheet shows them: header = row 1)."""
    problems: list[str] = []
    seen: dict[str, int] = {}
    valid = set(regions.SIGUNGU["sigungu_code"])
    for i, r in enumerate(rows, start=2):
        where = f"{path}, row {i}"
        for col in REQUIRED:
            if not r.get(col):
                problems.append(f"{where}, column {col}: empty; every designation needs its {col}")
        code = r.get("sigungu_code", "")
        if code and code not in valid:
            hint = ""
            try:
                new, note = regions.crosswalk_code(code)
                if new in valid and new != code:
                    hint = f" (the 2024 code is {new}: {note})"
            except (KeyError, ValueError):
                pass
            problems.append(f"{where}, column sigungu_code: value {code!r} is not a 2024 시군구 code{hint}")
        elif code in seen:
            problems.append(f"{where}, column sigungu_code: value {code!r} already given in row {seen[code]}")
        elif code:
            seen[code] = i
            if r.get("sido_code") and r["sido_code"] != regions.sido_of(code):
                problems.append(
                    f"{where}, column sido_code: value {r['sido_code']!r}; {code} is in 시도 {regions.sido_of(code)}"
                )
        kind = r.get("kind", "")
        if kind and kind not in KINDS:
            problems.append(f"{where}, column kind: value {kind!r}; expected one of {', '.join(KINDS)}")
        url = r.get("source_url", "")
        if url and not url.startswith(("http://", "https://")):
            problems.append(f"{where}, column source_url: value {url!r}; expected an http(s) address")
    return problems


def _check_counts(path: Path, rows: list[dict[str, str]], counts_path: Path, counts: list[dict[str, str]]) -> list[str]:
    """Units per kind and 시도 in the table against what the designations give."""
    problems: list[str] = []
    expected: dict[tuple[str, str], int] = {}
    for i, r in enumerate(counts, start=2):
        key = (r.get("kind", ""), r.get("sido_code", ""))
        if key[0] not in KINDS or not r.get("expected", "").isdigit() or not r.get("source_url"):
            problems.append(
                f"{counts_path}, row {i}: kind, expected (a whole number) and source_url are required; got {r}"
            )
            continue
        expected[key] = int(r["expected"])
    got = Counter(
        (r["kind"], regions.sido_of(r["sigungu_code"]))
        for r in rows
        if r.get("kind") in KINDS and r.get("sigungu_code") in set(regions.SIGUNGU["sigungu_code"])
    )
    for key in sorted(set(expected) | set(got)):
        if got.get(key, 0) != expected.get(key, 0):
            kind, sido = key
            problems.append(
                f"{path}: {kind} in {regions.name(sido)} ({sido}): {got.get(key, 0)} rows, "
                f"but {counts_path.name} expects {expected.get(key, 0)}"
            )
    return problems


def load_table(path: str | Path = TABLE_FILE, counts_path: str | Path = COUNTS_FILE) -> PolicyAreas:
    """Read and check the designation table; raise PolicyAreaError naming every bad cell."""
    path, counts_path = Path(path), Path(counts_path)
    rows = _read(path, TABLE_COLUMNS)
    counts = _read(counts_path, COUNTS_COLUMNS)
    problems = _check_rows(path, rows)
    problems += _check_counts(path, rows, counts_path, counts)
    if problems:
        raise PolicyAreaError(problems)
    expected = {(r["kind"], r["sido_code"]): int(r["expected"]) for r in counts}
    return PolicyAreas({r["sigungu_code"]: r["kind"] for r in rows}, tuple(rows), expected)


@cache
def load() -> PolicyAreas:
    """The bundled table, read and checked once per process (read-only)."""
    return load_table()


def kind_of(code: str) -> str | None:
    """인구감소지역, 관심지역 or None for a 2024 시군구 code (any other code: None)."""
    return load().kinds.get(str(code))


def area_of(code: str) -> str | None:
    """The ?area= key a 2024 시군구 falls in ("decline", "interest", "other"); None for a non-시군구 code."""
    if str(code) not in set(regions.SIGUNGU["sigungu_code"]):
        return None
    kind = kind_of(code)
    return next((k for k, v in AREAS.items() if v == kind), "other")


def in_area(sigungu_codes: pd.Series, area: str) -> pd.Series:
    """True where a code (a record's ``at_sigungu``) lies in the area; '' (not placed at a 시군구) is never in one."""
    if area not in AREAS:
        raise ValueError(f"area must be one of {', '.join(AREAS)}, not {area!r}")
    kinds = sigungu_codes.map(load().kinds)
    placed = sigungu_codes.astype(str) != ""
    if AREAS[area] is None:
        return placed & kinds.isna()
    return (kinds == AREAS[area]).fillna(False).astype(bool)


def n_sigungu() -> int:
    """The 시군구-level units of the 2024 map (229): the denominator of '89 of 229'."""
    return len(regions.SIGUNGU)


__all__ = [
    "AREAS", "DECLINE", "INTEREST", "KINDS", "PolicyAreaError", "PolicyAreas", "area_of", "in_area", "kind_of",
    "load", "load_table", "n_sigungu",
]  # fmt: skip
