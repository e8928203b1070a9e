"""Reading program records and per-region values for the map: names, years, places, budgets.

Shared by the map layers and the briefing sheet, so both describe a record the same way.
"""

from __future__ import annotations

import itertools
import math
import re
import weakref
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pandas as pd

from geo.maps.markup import with_unit
from geo.maps.text import BUDGET_UNIT, TEXT, t
from geo.memo import Memo


def values_frame(values: pd.DataFrame | Mapping[str, float] | None) -> pd.DataFrame:
    """Normalise the per-code values: index = code, columns value, n_records, programs…"""
    if values is None:
        return pd.DataFrame(columns=["value", "n_records"]).rename_axis("code")
    if isinstance(values, Mapping):
        df = pd.DataFrame({"value": pd.Series(values, dtype=float)})
        df.index = df.index.astype(str)
        return df.rename_axis("code")
    df = values.copy()
    if "code" in df.columns:
        df = df.set_index("code")
    df.index = df.index.astype(str)
    if "value" not in df.columns:
        raise ValueError("values needs a 'value' column (the metric per code)")
    df["value"] = pd.to_numeric(df["value"], errors="coerce")
    return df


def program_names(row: Mapping[str, Any], lang: str) -> list[str]:
    """Program names of a per-region row (a list, or text joined by " · " or ";")."""
    for col in (f"programs_{lang}", "programs", f"program_names_{lang}", "program_names", "names"):
        v = row.get(col)
        if v is None or (isinstance(v, float) and math.isnan(v)):
            continue
        if isinstance(v, str):
            return [p.strip() for p in re.split(r"\s·\s|[;\n]", v) if p.strip()]
        if isinstance(v, Iterable):
            return [str(p) for p in v if p is not None and str(p).strip()]
    return []


def num(row: Mapping[str, Any], *cols: str) -> float | None:
    """The first finite number among ``cols`` (budgets may sit in any of several columns)."""
    for c in cols:
        v = row.get(c)
        try:
            f = float(v)
        except (TypeError, ValueError):
            continue
        if math.isfinite(f):
            return f
    return None


def rec(row: Mapping[str, Any], col: str) -> str:
    """A record's cell as text, empty for missing (NaN, None, NA)."""
    v = row.get(col)
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return ""
    return str(v)


def record_name(row: Mapping[str, Any], lang: str) -> str:
    """The name to show in ``lang``, falling back to Korean, English, then the id."""
    return rec(row, f"name_{lang}") or rec(row, "name_ko") or rec(row, "name_en") or rec(row, "id")


def record_year(row: Mapping[str, Any]) -> str:
    """The record's year as "2024", or "" when it has none."""
    y = row.get("year")
    try:
        return str(int(float(y)))
    except (TypeError, ValueError):
        return ""


# A budget line's amounts: the first finite of each three (total, then 국비)
BUDGET_COLUMNS = ("life_total", "annual_total", "budget_total", "life_national", "annual_national", "budget_national")

# The cells the map's layers read of a record (its name, type, place, year and amounts): what
# ``records_list`` hands them, so a layer never pays for the other thirty columns.
MAP_COLUMNS = (
    "id", "program_type", "record_role", "year", "name_ko", "name_en", "specialty", "emd", "lat", "lon",
    "location_precision", "sido_code", "sigungu_code", *BUDGET_COLUMNS,
)  # fmt: skip


def records_list(
    records: pd.DataFrame | None, *, types: Iterable[str] = (), columns: Iterable[str] = MAP_COLUMNS
) -> list[dict[str, Any]]:
    """Records as plain dicts (the layers loop over them once): only rows of the program
    ``types`` (all without), only the ``columns`` the map reads, read column by column.

    Why: ``DataFrame.to_dict("records")`` boxes every cell of every column one by one (pandas's
    Arrow-backed strings slowest of all); at a hundred times today's records it took 85 % of a
    map's build. A column's ``tolist`` is one call, and a layer's type picks its few rows first.
    """
    if records is None or len(records) == 0:
        return []
    cols = [c for c in columns if c in records.columns]
    df = records[cols]  # the cells read, before any row is picked (a take copies every column)
    types = tuple(types)
    if types and "program_type" in records.columns:
        df = df[records["program_type"].isin(types).to_numpy()]
        if len(df) == 0:
            return []
    data = [df[c].tolist() for c in cols]
    return [dict(zip(cols, cells, strict=True)) for cells in zip(*data, strict=True)]


DATA_VERSION = "kdim_data_version"  # records.attrs key: which data version the records are (geo.dataset)
# (version, kind, language) -> {record id: what the layer made of it}; a few versions' worth
_PER_RECORD: Memo[dict[Any, Any]] = Memo(24)
_WHOLE: weakref.WeakValueDictionary[str, pd.DataFrame] = weakref.WeakValueDictionary()  # (mark_version)
_MARKS = itertools.count(1)


def mark_version(records: pd.DataFrame, version: str) -> str:
    """Name ``records`` data version ``version`` (``attrs``, which every filtered frame of them
    keeps) and remember the whole set (weakly), so that the first map of the version works out
    every record at once: a later filter change, even to every year at once, only looks up.

    The name is ``version@n``, new at every call: two record sets given the same version (the
    bundled data read from two folders in one process) never share what was worked out."""
    token = f"{version}@{next(_MARKS)}"
    records.attrs[DATA_VERSION] = token
    _WHOLE[token] = records
    return token


def per_record(
    records: pd.DataFrame | None,
    kind: str,
    lang: str,
    make: Callable[[dict[str, Any]], Any],
    *,
    rows: Callable[[pd.DataFrame], Any] | None = None,
    columns: Iterable[str] = MAP_COLUMNS,
) -> list[Any]:
    """``make(row)`` for each record (those ``rows(records)`` selects, a boolean mask), in order.

    Once per data version: records that name their version (``attrs[DATA_VERSION]``, set by
    geo.dataset) keep each record's result by id, so a filter change only looks them up; other
    frames (a test's, an export of a hand-made frame) are worked out each time.
    """
    if records is None or len(records) == 0:
        return []

    def chosen(df: pd.DataFrame) -> pd.DataFrame:
        return df[rows(df)] if rows is not None else df

    version = records.attrs.get(DATA_VERSION)
    if version is None or "id" not in records.columns:
        return [make(row) for row in records_list(chosen(records), columns=columns)]

    def every_record() -> dict[Any, Any]:  # the version's first map: all its records at once
        whole = _WHOLE.get(str(version))
        if whole is None or "id" not in whole.columns:
            return {}
        return {row["id"]: make(row) for row in records_list(chosen(whole), columns=columns)}

    memo = _PER_RECORD.get((str(version), kind, lang), every_record)
    id_col = records["id"] if rows is None else records["id"][rows(records)]  # the ids only: no copy of the rest
    ids = id_col.tolist()
    missing = [i for i in ids if i not in memo]
    if missing:
        fresh = records.loc[id_col.index[id_col.isin(missing).to_numpy()], [c for c in columns if c in records.columns]]
        for row in records_list(fresh, columns=columns):
            memo[row["id"]] = make(row)
    return [memo[i] for i in ids]


def of_type(*types: str) -> Callable[[pd.DataFrame], Any]:
    """``per_record``'s rows: the records of these program types (none where the column is missing)."""

    def rows(df: pd.DataFrame) -> Any:
        if "program_type" not in df.columns:
            return pd.Series(False, index=df.index)
        return df["program_type"].isin(types)

    return rows


def is_type(row: Mapping[str, Any], *types: str) -> bool:
    """Is the record one of these program types?"""
    return rec(row, "program_type") in types


def latlon(row: Mapping[str, Any]) -> tuple[float, float] | None:
    """(lat, lon) of a record placed by the join (published or 읍면동 centroid), else None."""
    lat, lon = num(row, "lat"), num(row, "lon")
    if lat is None or lon is None:
        return None
    return (round(lat, 5), round(lon, 5))


def row_code(row: Mapping[str, Any], level: str) -> str:
    """The record's 2024 code at ``level`` (sido or sigungu), "" if unknown."""
    return rec(row, f"{level}_code")


def precision_text(row: Mapping[str, Any], lang: str, placed_at: str) -> str:
    """How exactly a marker is placed, in words (never implying a site that is not published)."""
    prec = rec(row, "location_precision")
    if placed_at != "record":
        return t(lang, f"precision_{placed_at}")
    key = f"precision_{prec}"
    return TEXT[lang].get(key, prec)


def budget_line(row: Mapping[str, Any], lang: str) -> str | None:
    """ "예산 110 억원 · 국비 63 억원", or None when the record has no amount."""
    parts = []
    for cols, label in ((BUDGET_COLUMNS[:3], "budget"), (BUDGET_COLUMNS[3:], "national")):
        v = num(row, *cols)
        if v is not None:
            parts.append(f"{t(lang, label)} {with_unit(v, BUDGET_UNIT)}")
    return " · ".join(parts) or None


def place(row: Mapping[str, Any]) -> tuple[tuple[float, float] | None, str]:
    """Where a point record goes, and on what grounds (never a made-up site)."""
    ll = latlon(row)
    if ll is not None:
        return ll, "record"
    return None, ""


_DISTRICT_SUFFIX = re.compile(
    r"\s*\(?\s*(?:국가\s*)?디지털\s*혁신지구\s*\)?\s*$|\s*\(?\s*(?:national\s+)?digital innovation district\s*\)?\s*$",
    re.IGNORECASE,
)


def short_district_name(name: str) -> str:
    """ "부산 센텀시티 국가 디지털 혁신지구" → "부산 센텀시티" for a label; tooltips keep the full name."""
    return _DISTRICT_SUFFIX.sub("", name).strip() or name


def district_label(name: str, lang: str) -> str:
    """A district's map label: its short name ("부산 센텀시티"); in English its first two words, the
    province and the place ("Chungbuk Ochang" of "Chungbuk Ochang Science Industrial Complex"),
    short enough to place beside its star. The tooltip and the panel keep the full name."""
    short = short_district_name(name)
    return " ".join(short.split()[:2]) if lang == "en" else short
