"""Programs ↔ 2024 regions ↔ polygons: placement, filters and aggregates.

Why the care: amounts in the sources cover different spans (a 2024 국비 amount, a 3-year
국비 total, a 5-year project total) and some projects are shared by several 시도. So:

- every metric names one column and one span (``METRICS``); an aggregate never adds a
  lifetime total to a one-year amount;
- a project with a ``whole`` row and ``share`` rows is counted once: each share counts where
  it is, and only the remainder of the whole (whole − given shares) counts at the whole's
  own location (a 권역, or "multi-region, split not published");
- a ``national`` record belongs to no region: it is in the national total as "not regional",
  never smeared over regions.

How much of the official aggregates the records itemize is geo.reconcile's question.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from geo import policy_areas, regions
from geo.programs import ANNUAL_COLUMNS, BUDGET_COLUMNS, LIFE_COLUMNS

LEVELS = ("sido", "sigungu", "region_group")
_FINE = {"site", "emd_centroid", "sigungu"}  # placed at a 시군구
_SIDO_OK = _FINE | {"sido"}


# --------------------------------------------------------------------------- metrics


@dataclass(frozen=True)
class Metric:
    """One explicit measure: which column, which span, and how to label it."""

    key: str
    column: str | None  # None = count records
    year: int | None  # annual amounts: the budget year; None for lifetime totals and counts
    label_ko: str
    label_en: str
    span: str  # what the number covers, for legends and tooltips


def _annual(year: int, part: str) -> Metric:
    ko = {"total": "총액", "national": "국비", "local": "지방비"}[part]
    return Metric(
        f"budget_{year}_{part}",
        f"annual_{part}",
        year,
        f"{year}년 {ko} (억원)",
        f"{year} {part} budget (억원)",
        f"the {year} budget year only",
    )


METRICS: dict[str, Metric] = {
    "budget_2024_national": _annual(2024, "national"),
    "budget_2024_total": _annual(2024, "total"),
    "budget_2024_local": _annual(2024, "local"),
    "budget_2025_national": _annual(2025, "national"),
    "budget_2025_total": _annual(2025, "total"),
    "budget_2026_national": _annual(2026, "national"),
    "budget_2026_total": _annual(2026, "total"),
    "life_total": Metric(
        "life_total",
        "life_total",
        None,
        "사업기간 총액 (발표 기준, 억원)",
        "Announced total over the program's life (억원)",
        "each program's own announced period (e.g. 2023–2025); periods differ",
    ),
    "life_national": Metric(
        "life_national",
        "life_national",
        None,
        "사업기간 국비 총액 (억원)",
        "Announced national funding over the program's life (억원)",
        "each program's own announced period; periods differ",
    ),
    "life_local": Metric(
        "life_local",
        "life_local",
        None,
        "사업기간 지방비 총액 (억원)",
        "Announced local funding over the program's life (억원)",
        "each program's own announced period; periods differ",
    ),
    "records": Metric("records", None, None, "기록 수", "Number of records", "all years"),
}


def get_metric(key: str) -> Metric:
    """A metric by key; 'budget_<year>_<total|national|local>' works for any year."""
    if key in METRICS:
        return METRICS[key]
    parts = key.split("_")
    if len(parts) == 3 and parts[0] == "budget" and parts[1].isdigit() and parts[2] in ("total", "national", "local"):
        return _annual(int(parts[1]), parts[2])
    raise KeyError(f"unknown metric {key!r}; known: {', '.join(METRICS)} or budget_<year>_<part>")


def money_metric(metric: str | Metric, year: int | None) -> Metric:
    """The budget a view's first figure sums (the page, the sheet and the deck alike): the map's
    own amount; when the map counts records, the chosen year's 국비 (one year's count beside
    that year's money), or over all years the announced lifetime totals."""
    m = metric if isinstance(metric, Metric) else get_metric(metric)
    if m.column is not None:
        return m
    return get_metric(f"budget_{year}_national") if year is not None else METRICS["life_total"]


# --------------------------------------------------------------------------- attaching


def _emd_points(records: pd.DataFrame) -> pd.DataFrame:
    """Centroid of the named 읍면동 polygon(s) for emd_centroid rows without coordinates.

    Several 읍면동 joined by '·' (e.g. 우동·재송동) give the centroid of their union. The
    centroid is computed in EPSG:5179 (metres); if it falls outside the polygons (a bay,
    a horseshoe-shaped 면) the polygon's representative point is used and the note says so.
    """
    out = pd.DataFrame({"lat": math.nan, "lon": math.nan, "emd_code": "", "placement_note": ""}, index=records.index)
    want = records[
        (records["location_precision"] == "emd_centroid") & records["lat"].isna() & (records["sigungu_code"] != "")
    ]
    if want.empty:
        return out
    import geopandas  # here, not at the top: the first page reads stored records (geo/paths.py)
    import shapely

    from geo import boundaries

    emd = boundaries.load_layer("emd")
    # Only the 읍면동 of the units named, in metres (centroids are computed in EPSG:5179).
    emd_m = emd[emd["sigungu_code"].isin(set(want["sigungu_code"]))].to_crs(5179)
    for idx, r in want.iterrows():
        names = [n.strip() for n in str(r["emd"]).replace(",", "·").split("·") if n.strip()]
        hit = emd_m[(emd_m["sigungu_code"] == r["sigungu_code"]) & emd_m["name_ko"].isin(names)]
        found = set(hit["name_ko"])
        if not found:
            out.at[idx, "placement_note"] = f"읍면동 {r['emd']!r} not found in {r['sigungu_code']}; not placed"
            continue
        geom = shapely.union_all(hit.geometry.values)
        pt = geom.centroid
        note = "centroid of " + "·".join(sorted(found))
        if not geom.contains(pt):
            pt = geom.representative_point()
            note = "representative point (centroid falls outside) of " + "·".join(sorted(found))
        missing = [n for n in names if n not in found]
        if missing:
            note += f"; not found: {'·'.join(missing)}"
        ll = geopandas.GeoSeries([pt], crs=5179).to_crs(4326).iloc[0]
        out.at[idx, "lat"] = round(ll.y, 6)
        out.at[idx, "lon"] = round(ll.x, 6)
        out.at[idx, "emd_code"] = ",".join(sorted(hit["code"].astype(str)))
        out.at[idx, "placement_note"] = note
    return out


def _group_of(r: pd.Series) -> str:
    if r["sido_code"] and r["location_precision"] in _SIDO_OK:
        return regions.region_group_of(r["sido_code"])
    groups = [g.strip() for g in str(r["region_group"]).split("|") if g.strip()]
    if r["location_precision"] == "region_group" and len(groups) == 1 and groups[0] in regions.REGION_GROUPS:
        return groups[0]
    return ""


def attach(records: pd.DataFrame) -> pd.DataFrame:
    """Add 2024 codes, placement and de-duplicated ('effective') amounts to loaded records.

    Columns added: ``placed_by`` (code | point | emd_centroid | none), ``sigungu_code``/
    ``sido_code`` filled from a point when the row names none, ``lat``/``lon`` for
    emd_centroid rows, ``emd_code``, ``placement_note``, ``at_sigungu``/``at_sido``/
    ``at_region_group`` (the code the record counts under at each level, '' if above it),
    ``not_regional`` and ``eff_<budget column>`` (amounts with shares taken out of wholes).
    """
    if "eff_life_total" in records.columns:
        return records
    df = records.copy()
    df["placed_by"] = "code"
    # Rows with a point but no named 시군구: point-in-polygon.
    from geo.program_checks import point_sigungu

    need = (df["sigungu_code"] == "") & df["lat"].notna() & df["lon"].notna()
    if need.any():
        codes = point_sigungu(df.loc[need, "lat"], df.loc[need, "lon"])
        df.loc[need, "sigungu_code"] = codes
        df.loc[need & (df["sido_code"] == ""), "sido_code"] = codes.str[:2]
        df.loc[need, "placed_by"] = "point"
    pts = _emd_points(df)
    got = pts["lat"].notna()
    df.loc[got, "lat"] = pts.loc[got, "lat"]
    df.loc[got, "lon"] = pts.loc[got, "lon"]
    df.loc[got, "placed_by"] = "emd_centroid"
    df["emd_code"] = pts["emd_code"]
    df["placement_note"] = pts["placement_note"]
    df.loc[(df["sido_code"] == "") & (df["placed_by"] == "code"), "placed_by"] = "none"

    prec = df["location_precision"]
    df["at_sigungu"] = df["sigungu_code"].where(prec.isin(_FINE), "")
    df["at_sido"] = df["sido_code"].where(prec.isin(_SIDO_OK), "")
    df["at_region_group"] = df.apply(_group_of, axis=1) if len(df) else ""
    df["not_regional"] = prec == "national"

    # Effective amounts: a whole with shares keeps only what its shares do not account for.
    for col in BUDGET_COLUMNS:
        df[col] = pd.to_numeric(df[col], errors="coerce")  # an empty load has text columns
        eff = df[col].copy()
        shares = df[df["record_role"] == "share"]
        share_sum = shares.groupby("project_id")[col].sum(min_count=1)
        is_whole = df["record_role"] == "whole"
        has_share = df["project_id"].isin(shares["project_id"]) & is_whole
        rem = df.loc[has_share, col] - df.loc[has_share, "project_id"].map(share_sum).astype(float).fillna(0)
        eff.loc[has_share] = rem.clip(lower=0)
        df[f"eff_{col}"] = eff
    df["start_year"], df["end_year"] = period_years(df)
    return df


def period_years(records: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Each record's first and last year of its period (NaN where it names none). ``attach``
    keeps them as columns: parsing the period text was most of the year filter's time."""
    return tuple(  # type: ignore[return-value]
        pd.to_numeric(records[c].astype(str).str[:4], errors="coerce").astype(float)
        for c in ("period_start", "period_end")
    )


# --------------------------------------------------------------------------- filters


@dataclass(frozen=True)
class Filters:
    """What the app's widgets select; None means 'any'."""

    region_group: str | None = None
    sido_code: str | None = None
    sigungu_code: str | None = None
    specialty: str | None = None
    field: str | None = None
    program_type: str | None = None
    year: int | None = None
    area: str | None = None  # 'decline' | 'interest' | 'other': 시군구 designation (geo.policy_areas)


def active_in(records: pd.DataFrame, year: int) -> pd.Series:
    """Records running in ``year``: their amount year, their period, or (no end) their year."""
    if "start_year" in records.columns:
        start, end = records["start_year"], records["end_year"]
    else:
        start, end = period_years(records)
    in_period = start.notna() & end.notna() & (start <= year) & (end >= year)
    by_year = end.isna() & (records["year"] == year)
    by_amount = records["annual_year"] == year
    return (in_period | by_year.fillna(False) | by_amount.fillna(False)).astype(bool)


def apply_filters(records: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """Records matching every set filter. Region filters keep only records placed in the region."""
    df = attach(records)
    keep = pd.Series(True, index=df.index)
    f = filters
    if f.region_group:
        if f.region_group in regions.SUPER_GROUPS:
            in_sido = df["at_sido"].isin(regions.sido_codes_in_group(f.region_group))
        else:
            in_sido = df["at_region_group"] == f.region_group
        named = df["region_group"].str.split("|").map(lambda gs: f.region_group in [g.strip() for g in gs])
        keep &= in_sido | named
    if f.sido_code:
        keep &= df["at_sido"] == f.sido_code
    if f.sigungu_code:
        keep &= df["at_sigungu"] == f.sigungu_code
    if f.specialty:
        keep &= df["specialty"] == f.specialty
    if f.field:
        keep &= df["field"] == f.field
    if f.program_type:
        keep &= df["program_type"] == f.program_type
    if f.year is not None:
        keep &= active_in(df, f.year)
    if f.area:  # only records placed at a 시군구 can lie in one; coarser ones are left out
        keep &= policy_areas.in_area(df["at_sigungu"], f.area)
    return df[keep]


# --------------------------------------------------------------------------- aggregates


def metric_values(df: pd.DataFrame, metric: Metric) -> pd.Series:
    """Per-record value of a metric (NaN where the record has no amount on that span)."""
    if metric.column is None:
        return pd.Series(1.0, index=df.index)
    v = df[f"eff_{metric.column}"].astype(float)
    if metric.year is not None:
        v = v.where(df["annual_year"] == metric.year)
    return v


def _metric_columns(df: pd.DataFrame, metric: Metric, *cols: str | None) -> list[str]:
    """``cols`` and what ``metric_values`` reads, once each, in that order (a narrow copy)."""
    want = [*cols, "annual_year"] + ([f"eff_{metric.column}"] if metric.column is not None else [])
    return [c for c in dict.fromkeys(want) if c is not None and c in df.columns]


def _names(s: pd.Series) -> str:
    """One group's names (``_names_by_group``'s rule), joined."""
    return " · ".join(_names_by_group([0] * len(s), s.tolist()).get(0, ()))


def _names_by_group(groups: list[int], names: list[Any]) -> dict[int, dict[str, None]]:
    """Each group's distinct non-blank names, in their first order."""
    out: dict[int, dict[str, None]] = {}
    for c, x in zip(groups, names, strict=True):
        text = str(x)
        if text.strip():
            out.setdefault(c, {})[text] = None
    return out


def _region_name(level: str, code: str, lang: str) -> str:
    if level == "region_group":
        return code if lang == "ko" else regions.REGION_GROUPS_EN.get(code, code)
    return regions.name(code, lang)


def aggregate(records: pd.DataFrame, level: str, metric: str | Metric, by: str | None = None) -> pd.DataFrame:
    """Per-region totals of one metric at 'sido', 'sigungu' or 'region_group'.

    Columns: code, name_ko, name_en, value (NaN when no record there has an amount on the
    metric's span), n_records (records placed there), n_with_value, programs_ko, programs_en
    (for tooltips; raw text, escape when rendering), span, and ``by`` (field, program_type,
    specialty, annual_year or year) when given. Records above the level (a 시도-wide share in a
    시군구 map, a multi-region remainder, a national program) are not in any row: see
    ``breakdown`` for them.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}")
    m = metric if isinstance(metric, Metric) else get_metric(metric)
    df = attach(records)
    col = f"at_{level}"
    # only the columns read here: copying every column of 16,400 records was most of the cost
    df = df.loc[df[col] != "", _metric_columns(df, m, col, "id", "name_ko", "name_en", by)]
    df["_v"] = metric_values(df, m)
    keys = ["code"] + ([by] if by else [])
    df["code"] = df[col]
    if df.empty:
        return pd.DataFrame(
            columns=[
                *keys,
                "name_ko",
                "name_en",
                "value",
                "n_records",
                "n_with_value",
                "programs_ko",
                "programs_en",
                "span",
            ]
        )
    g = df.groupby(keys, dropna=False, sort=True)
    # column-wise (a Python function per group was most of a view's time): the sums with groupby's
    # own min_count, each group's names in one pass over its rows (ngroup: the row's group, in
    # the order of the result)
    out = g.agg(n_records=("id", "size"), n_with_value=("_v", "count")).reset_index()
    out.insert(len(keys), "value", g["_v"].sum(min_count=1).to_numpy())
    group = g.ngroup().tolist()
    for lang in ("ko", "en"):
        names = _names_by_group(group, df[f"name_{lang}"].tolist())
        out[f"programs_{lang}"] = [" · ".join(names.get(i, ())) for i in range(len(out))]
    if m.column is None:
        out["value"] = out["n_records"].astype(float)
    out.insert(1 if not by else 2, "name_ko", [_region_name(level, c, "ko") for c in out["code"]])
    out.insert(2 if not by else 3, "name_en", [_region_name(level, c, "en") for c in out["code"]])
    out["span"] = m.span
    return out


def breakdown(records: pd.DataFrame, level: str, metric: str | Metric) -> pd.DataFrame:
    """Where the national total of a metric sits relative to a map level.

    Rows: placed (in a region of that level), above_level (placed, but coarser than the level:
    e.g. a 시도-wide share on a 시군구 map), unallocated (multi-region remainders whose split is
    not published), not_regional (national programs), total. The parts add up to the total.
    """
    m = metric if isinstance(metric, Metric) else get_metric(metric)
    df = attach(records)
    df = df[_metric_columns(df, m, f"at_{level}", "at_sido", "at_region_group", "not_regional", "name_ko")].copy()
    df["_v"] = metric_values(df, m)
    placed = df[f"at_{level}"] != ""
    national = df["not_regional"]
    regional_somewhere = (df["at_sido"] != "") | (df["at_region_group"] != "")
    cats = {
        "placed": placed,
        "above_level": ~placed & regional_somewhere & ~national,
        "unallocated": ~placed & ~regional_somewhere & ~national,
        "not_regional": national,
    }
    rows = []
    for cat, mask in cats.items():
        sub = df[mask]
        rows.append(
            {
                "category": cat,
                "value": sub["_v"].sum(min_count=1) if m.column else float(len(sub)),
                "n_records": len(sub),
                "n_with_value": int(sub["_v"].notna().sum()),
                "programs_ko": _names(sub.loc[sub["_v"].notna() | (m.column is None), "name_ko"]),
            }
        )
    total = df["_v"].sum(min_count=1) if m.column else float(len(df))
    rows.append(
        {
            "category": "total",
            "value": total,
            "n_records": len(df),
            "n_with_value": int(df["_v"].notna().sum()),
            "programs_ko": "",
        }
    )
    out = pd.DataFrame(rows)
    out["span"] = m.span
    return out


def total(records: pd.DataFrame, metric: str | Metric, **where: object) -> float:
    """National total of a metric (each project once), optionally for matching column values."""
    m = metric if isinstance(metric, Metric) else get_metric(metric)
    df = attach(records)
    for k, v in where.items():
        df = df[df[k] == v]
    v = metric_values(df, m)
    return float(v.sum()) if m.column else float(len(df))


__all__ = [
    "ANNUAL_COLUMNS", "LIFE_COLUMNS", "METRICS", "Filters", "Metric", "aggregate", "apply_filters", "attach",
    "breakdown", "get_metric", "total",
]  # fmt: skip
