"""The programs table's vocabulary, cell parsers, row checks and the two rule tables that name them.

Each check returns True where a cell or row is fine. Values are raw text (as the CSV holds
them); the parsers here turn them into numbers, dates and 2024 region codes.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from geo import csvread, regions
from geo.cells import formula_free

TRUE_WORDS = {"true", "yes", "y", "1", "예", "o"}
FALSE_WORDS = {"false", "no", "n", "0", "아니오", "x"}
# lon/lat box around South Korea incl. 독도 and 마라도 (same as geo.boundaries.KOREA_BOUNDS)
LON_MIN, LAT_MIN, LON_MAX, LAT_MAX = 124.5, 33.0, 132.0, 38.7
MAX_AMOUNT = 1_000_000.0  # 억원 (100조원): the whole national budget is ~6,000,000억; no program is near this
ANNUAL_COLUMNS = ("annual_total", "annual_national", "annual_local")

# --------------------------------------------------------------------------- vocabulary

COLUMNS: tuple[str, ...] = (
    "id", "project_id", "record_role", "year", "name_ko", "name_en", "program_type", "field",
    "specialty", "region_group", "sido", "sigungu", "emd", "site_name", "lat", "lon",
    "location_precision", "annual_year", "annual_total", "annual_national", "annual_local",
    "life_total", "life_national", "life_local", "period_start", "period_end", "bottom_up",
    "lead_org", "source_url", "source_ref", "source_date", "note",
)  # fmt: skip
REQUIRED_COLUMNS: tuple[str, ...] = ("id", "name_ko", "location_precision", "source_url", "source_date")
LIFE_COLUMNS = ("life_total", "life_national", "life_local")
BUDGET_COLUMNS: tuple[str, ...] = ANNUAL_COLUMNS + LIFE_COLUMNS
FIELDS: tuple[str, ...] = ("거점 조성", "신기술 융합·확산", "지역사회 포용", "디지털 인재 양성")
FIELDS_EN: dict[str, str] = {
    "거점 조성": "Hubs",
    "신기술 융합·확산": "New-technology convergence",
    "지역사회 포용": "Community inclusion",
    "디지털 인재 양성": "Digital talent",
}
PROGRAM_TYPES: tuple[str, ...] = (
    "innovation_district", "ai_convergence", "smart_village", "blockchain_cluster", "metaverse_hub",
    "digital_twin", "digital_talent", "national_program", "other",
)  # fmt: skip
# From finest to coarsest. A record is placed at this precision (see data/README.md).
PRECISIONS: tuple[str, ...] = (
    "site", "emd_centroid", "sigungu", "sido", "region_group", "multi_region", "national",
)  # fmt: skip
ROLES = ("whole", "share")

# Free text: where a spreadsheet formula could hide (checked for = + - @ tab CR at the start).
TEXT_COLUMNS: tuple[str, ...] = (
    "id", "project_id", "name_ko", "name_en", "specialty", "sido", "sigungu", "emd", "site_name",
    "lead_org", "source_url", "source_ref", "note",
)  # fmt: skip
MAX_CELL = csvread.MAX_CELL


# --------------------------------------------------------------------------- parsing helpers


def num(text: str) -> float | None:
    """A number in 억원: '63', '93.5', '1,039' (thousands commas allowed); '' → None."""
    t = str(text).strip().replace(",", "")
    if not t:
        return None
    v = float(t)
    if math.isnan(v) or math.isinf(v):
        raise ValueError(text)
    return v


def is_num(text: str) -> bool:
    try:
        num(text)
        return True
    except ValueError:
        return False


def nonneg(text: str) -> bool:
    try:
        v = num(text)
    except ValueError:
        return True  # reported by the numeric check
    return v is None or v >= 0


def plausible(text: str) -> bool:
    try:
        v = num(text)
    except ValueError:
        return True  # reported by the numeric check
    return v is None or v <= MAX_AMOUNT


def _nfkc(text: str) -> str:
    """Full-width letters and ideographic spaces as their plain forms (ＢＵＳＡＮ → BUSAN)."""
    return unicodedata.normalize("NFKC", str(text))


_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


def date_bounds(text: str) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """First and last day a 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' covers; None if empty or bad."""
    m = _DATE.match(str(text).strip())
    if not m:
        return None
    y, mo, d = m.group(1), m.group(2), m.group(3)
    try:
        if d:
            start = pd.Timestamp(f"{y}-{mo}-{d}")
            return start, start
        if mo:
            start = pd.Timestamp(f"{y}-{mo}-01")
            return start, start + pd.offsets.MonthEnd(0)
        return pd.Timestamp(f"{y}-01-01"), pd.Timestamp(f"{y}-12-31")
    except ValueError:
        return None


def is_date(text: str) -> bool:
    return str(text).strip() == "" or date_bounds(text) is not None


def is_year(text: str) -> bool:
    t = str(text).strip()
    return t == "" or (t.isdigit() and 1990 <= int(t) <= 2100)


def to_bool(text: str) -> bool | None:
    t = str(text).strip().lower()
    if t in TRUE_WORDS:
        return True
    if t in FALSE_WORDS:
        return False
    return None


# --------------------------------------------------------------------------- region context


def _resolve_sido(text: str) -> tuple[str, str, list[str]]:
    """(code, note, suggestions): code '' when unresolved, suggestions then say what is close."""
    if not str(text).strip():
        return "", "", []
    try:
        r = regions.resolve(_nfkc(text), level="sido")
        return r.code, r.note, []
    except regions.UnknownRegionError as exc:
        return "", "", exc.suggestions or regions.suggest(text)


def _resolve_sigungu(text: str, sido_text: str) -> tuple[str, str, list[str]]:
    if not str(text).strip():
        return "", "", []
    sido_code = _resolve_sido(sido_text)[0] if str(sido_text).strip() else ""
    try:
        r = regions.resolve(_nfkc(text), sido=sido_code or None, level="sigungu")
        return r.code, r.note, []
    except regions.UnknownRegionError as exc:
        sugg = list(exc.suggestions)
        if sido_code and not isinstance(exc, regions.AmbiguousRegionError):
            # "구미식" alone is too short to match "경상북도 구미시": ask with the 시도 in front.
            near = regions.suggest(f"{regions.name(sido_code)} {text}")
            sugg = [n for n in near if n != regions.name(sido_code)] + [n for n in sugg if n not in near]
        return "", "", sugg[:5] or regions.suggest(text)


def point_sigungu(lat: pd.Series, lon: pd.Series) -> pd.Series:
    """2024 시군구 code under each point ('' outside every polygon; NaN rows skipped)."""
    out = pd.Series("", index=lat.index, dtype=object)
    ok = lat.notna() & lon.notna()
    if not ok.any():
        return out
    import geopandas as gpd  # heavy: only when a row has coordinates

    from geo import boundaries

    layer = boundaries.load_layer("sigungu")[["code", "geometry"]]
    pts = gpd.GeoDataFrame(index=lat.index[ok], geometry=gpd.points_from_xy(lon[ok], lat[ok]), crs=4326)
    hit = gpd.sjoin(pts, layer, how="left", predicate="within")
    hit = hit[~hit.index.duplicated(keep="first")]
    out.loc[hit.index] = hit["code"].fillna("").astype(str)
    return out


def context(df: pd.DataFrame) -> pd.DataFrame:
    """Derived columns the checks need (resolved codes, parsed points), prefixed with '_'."""
    ctx = pd.DataFrame(index=df.index)
    sido = [_resolve_sido(v) for v in df["sido"]]
    sgg = [_resolve_sigungu(v, s) for v, s in zip(df["sigungu"], df["sido"], strict=True)]
    ctx["_sido_code"] = [c for c, _, _ in sido]
    ctx["_sido_note"] = [n for _, n, _ in sido]
    ctx["_sido_sugg"] = [s for _, _, s in sido]
    ctx["_sgg_code"] = [c for c, _, _ in sgg]
    ctx["_sgg_note"] = [n for _, n, _ in sgg]
    ctx["_sgg_sugg"] = [s for _, _, s in sgg]

    def num_or_nan(v: str) -> float:
        try:
            x = num(v)
        except ValueError:
            return math.nan
        return math.nan if x is None else x

    ctx["_lat"] = df["lat"].map(num_or_nan).astype(float)
    ctx["_lon"] = df["lon"].map(num_or_nan).astype(float)
    inside = ctx["_lat"].between(LAT_MIN, LAT_MAX) & ctx["_lon"].between(LON_MIN, LON_MAX)
    ctx["_pt_sgg"] = point_sigungu(ctx["_lat"].where(inside), ctx["_lon"].where(inside))
    return ctx


def blank(s: pd.Series) -> pd.Series:
    return s.astype(str).str.strip() == ""


def suggestions_text(names: list[str]) -> str:
    return f"; closest valid names: {', '.join(names)}" if names else ""


def point_detail(r: pd.Series) -> str:
    named = r["_sgg_code"] or r["_sido_code"]
    where = regions.name(r["_pt_sgg"]) if r["_pt_sgg"] else "no 시군구"
    return f"the point lies in {where}, not in the named {regions.name(named)}"


def point_in_named(d: pd.DataFrame) -> pd.Series:
    named = d["_sgg_code"].where(d["_sgg_code"] != "", d["_sido_code"])
    has = (d["_pt_sgg"] != "") & (named != "")
    same = pd.Series(
        [p.startswith(n) if len(n) == 2 else p == n for p, n in zip(d["_pt_sgg"], named, strict=True)],
        index=d.index,
    )
    return ~has | same


def latlon_pair(d: pd.DataFrame) -> pd.Series:
    return blank(d["lat"]) == blank(d["lon"])


def swapped(d: pd.DataFrame) -> pd.Series:
    lat, lon = d["_lat"], d["_lon"]
    return ~(lat.between(LON_MIN, LON_MAX) & lon.between(LAT_MIN, LAT_MAX))


def outside(d: pd.DataFrame) -> pd.Series:
    lat, lon = d["_lat"], d["_lon"]
    none = lat.isna() | lon.isna()
    inside = lat.between(LAT_MIN, LAT_MAX) & lon.between(LON_MIN, LON_MAX)
    return none | inside | ~swapped(d)  # swapped points get the swap message only


def no_polygon(d: pd.DataFrame) -> pd.Series:
    inside = d["_lat"].between(LAT_MIN, LAT_MAX) & d["_lon"].between(LON_MIN, LON_MAX)
    return ~inside | (d["_pt_sgg"] != "")


def period_order(d: pd.DataFrame) -> pd.Series:
    out = []
    for s, e in zip(d["period_start"], d["period_end"], strict=True):
        bs, be = date_bounds(s), date_bounds(e)
        out.append(bs is None or be is None or be[1] >= bs[0])
    return pd.Series(out, index=d.index)


def needs(precision: str, cols: tuple[str, ...]) -> Callable[[pd.DataFrame], pd.Series]:
    def check(d: pd.DataFrame) -> pd.Series:
        has = pd.Series(True, index=d.index)
        for c in cols:
            has &= ~blank(d[c])
        return (d["location_precision"].str.strip() != precision) | has

    return check


def national_has_no_region(d: pd.DataFrame) -> pd.Series:
    return (d["location_precision"].str.strip() != "national") | (blank(d["sido"]) & blank(d["sigungu"]))


def annual_year_given(d: pd.DataFrame) -> pd.Series:
    any_amount = pd.Series(False, index=d.index)
    for c in ANNUAL_COLUMNS:
        any_amount |= ~blank(d[c])
    return ~any_amount | ~blank(d["annual_year"])


def parts_within_total(prefix: str) -> Callable[[pd.DataFrame], pd.Series]:
    def check(d: pd.DataFrame) -> pd.Series:
        out = []
        for t, n, loc in zip(d[f"{prefix}_total"], d[f"{prefix}_national"], d[f"{prefix}_local"], strict=True):
            try:
                tv, nv, lv = num(t), num(n), num(loc)
            except ValueError:
                out.append(True)
                continue
            out.append(tv is None or (nv or 0) + (lv or 0) <= tv + 1e-9)
        return pd.Series(out, index=d.index)

    return check


def region_group_ok(v: str) -> bool:
    names = [p.strip() for p in str(v).split("|") if p.strip()]
    return all(p in regions.REGION_GROUPS or p in regions.SUPER_GROUPS for p in names)


def group_matches_sido(d: pd.DataFrame) -> pd.Series:
    out = []
    for g, code in zip(d["region_group"], d["_sido_code"], strict=True):
        groups = [p.strip() for p in str(g).split("|") if p.strip()]
        if not groups or not code or not region_group_ok(g):
            out.append(True)
            continue
        out.append(any(code in regions.sido_codes_in_group(x) for x in groups))
    return pd.Series(out, index=d.index)


# --------------------------------------------------------------------------- the rules
#
# Two tables declare every check: CELL_RULES (one cell at a time) and ROW_RULES (a row, with
# the derived '_' columns). geo.programs turns them into pandera schemas, one per severity.


@dataclass(frozen=True)
class CellRule:
    """A check of single cells in each of ``columns``; ``vector`` checks take the whole Series."""

    columns: tuple[str, ...]
    ok: Callable[[str], bool] | Callable[[pd.Series], pd.Series]
    expected: str
    problem: str
    severity: str = "error"
    vector: bool = False


@dataclass(frozen=True)
class RowRule:
    """A check that needs several cells of a row; ``key`` is '<column>: <what>'."""

    key: str
    ok: Callable[[pd.DataFrame], pd.Series]
    expected: str
    problem: str
    detail: Callable[[pd.Series], str] | None = None
    severity: str = "error"

    @property
    def column(self) -> str:
        return self.key.split(":")[0]


def _one_of(values: tuple[str, ...]) -> Callable[[str], bool]:
    return lambda v: v.strip() in ("", *values)


_GROUPS = (*regions.REGION_GROUPS, *regions.SUPER_GROUPS)
_AMOUNT = f"an amount of 0 to {MAX_AMOUNT:,.0f} 억원"

CELL_RULES: tuple[CellRule, ...] = (
    CellRule(REQUIRED_COLUMNS, lambda v: v.strip() != "", "a value (required)", "empty"),
    CellRule(("id",), lambda v: not re.search(r"\s", v.strip()), "an id without spaces", "contains spaces"),
    CellRule(("record_role",), _one_of(ROLES), "whole or share (empty = whole)", "unknown role"),
    CellRule(("year", "annual_year"), is_year, "a year such as 2024 (1990–2100)", "not a year"),
    CellRule(("field",), _one_of(FIELDS), "one of " + ", ".join(FIELDS) + " (or empty)", "unknown field"),
    CellRule(
        ("region_group",), region_group_ok, f"권역: {', '.join(_GROUPS)} (several separated by |)", "unknown 권역"
    ),
    CellRule(("location_precision",), _one_of(PRECISIONS), "one of " + ", ".join(PRECISIONS), "unknown precision"),
    CellRule(BUDGET_COLUMNS, is_num, "a number in 억원 without unit (e.g. 63 or 93.5)", "not a number"),
    CellRule(BUDGET_COLUMNS, nonneg, "an amount of 0 or more", "negative budget"),
    CellRule(BUDGET_COLUMNS, plausible, _AMOUNT, "amount too large to be a program budget"),
    CellRule(("lat", "lon"), is_num, "a decimal degree number (WGS84)", "not a number"),
    CellRule(("period_start", "period_end", "source_date"), is_date, "a date: YYYY, YYYY-MM or YYYY-MM-DD",
             "not a date"),
    CellRule(
        ("source_url",),
        lambda v: v.strip() == "" or re.match(r"^https?://\S+$", v.strip()) is not None,
        "an http(s) address",
        "not a web address",
    ),
    CellRule(("bottom_up",), lambda v: v.strip() == "" or to_bool(v) is not None, "true or false (or empty)",
             "not true/false"),
    CellRule(COLUMNS, lambda s: s.str.len() <= MAX_CELL, f"at most {MAX_CELL:,} characters", "cell too long",
             vector=True),
    CellRule(("program_type",), _one_of(PROGRAM_TYPES), "one of " + ", ".join(PROGRAM_TYPES),
             "unknown program_type", "warning"),
    CellRule(
        TEXT_COLUMNS,
        formula_free,  # the export's own rule (geo.cells), so report and export agree
        "text that does not start with = + - @, tab or CR (a spreadsheet runs it as a formula)",
        "starts like a spreadsheet formula; exports prefix it with an apostrophe",
        "warning",
    ),
)  # fmt: skip

ROW_RULES: tuple[RowRule, ...] = (
    RowRule("sido: unknown", lambda d: blank(d["sido"]) | (d["_sido_code"] != ""),
            "a 2024 시도 name, alias or code", "unknown 시도", lambda r: suggestions_text(r["_sido_sugg"])),
    RowRule("sigungu: unknown", lambda d: blank(d["sigungu"]) | (d["_sgg_code"] != ""),
            "a 2024 시군구 name, alias or code (add the 시도 when the name is shared)", "unknown 시군구",
            lambda r: suggestions_text(r["_sgg_sugg"])),
    RowRule("sigungu: other sido",
            lambda d: (d["_sgg_code"] == "") | (d["_sido_code"] == "") | (d["_sgg_code"].str[:2] == d["_sido_code"]),
            "a 시군구 inside the row's 시도", "시군구 not in the named 시도",
            lambda r: f"; {regions.name(r['_sgg_code'])} is not in {regions.name(r['_sido_code'])}"),
    RowRule("lat: pair", latlon_pair, "both lat and lon, or neither", "only one coordinate"),
    RowRule("lat: swapped", swapped, "lat 33–38.7 and lon 124.5–132", "lat/lon look swapped",
            lambda r: f"; lat {r['lat']} and lon {r['lon']}"),
    RowRule("lat: outside", outside, "a point in South Korea (lat 33–38.7, lon 124.5–132)",
            "point outside South Korea", lambda r: f"; lat {r['lat']}, lon {r['lon']}"),
    RowRule("period_end: order", period_order, "period_end on or after period_start", "period ends before it starts",
            lambda r: f"; starts {r['period_start']}"),
    RowRule("annual_year: missing", annual_year_given, "the year the annual_* amounts cover",
            "annual amount without its year"),
    RowRule("lat: site", needs("site", ("lat", "lon")), "lat and lon for precision 'site'",
            "site without coordinates"),
    RowRule("emd: emd_centroid", needs("emd_centroid", ("emd", "sigungu")),
            "emd and sigungu for precision 'emd_centroid'", "emd_centroid without 읍면동 and 시군구"),
    RowRule("sigungu: precision", needs("sigungu", ("sigungu",)), "a sigungu for precision 'sigungu'",
            "precision sigungu without 시군구"),
    RowRule("sido: precision", needs("sido", ("sido",)), "a sido for precision 'sido'", "precision sido without 시도"),
    RowRule("region_group: precision", needs("region_group", ("region_group",)),
            "a 권역 for precision 'region_group'", "precision region_group without 권역"),
    RowRule("sido: national", national_has_no_region, "no 시도/시군구 for precision 'national'",
            "national record names a region"),
    # warnings: the row is kept
    RowRule("lat: other sigungu", point_in_named, "a point inside the named region", "point in a different 시군구",
            lambda r: "; " + point_detail(r), "warning"),
    RowRule("lat: no polygon", no_polygon, "a point on land inside a 시군구",
            "point not inside any 시군구 (sea or outside South Korea?)", None, "warning"),
    RowRule("annual_total: parts", parts_within_total("annual"), "annual_national + annual_local ≤ annual_total",
            "parts exceed the total", None, "warning"),
    RowRule("life_total: parts", parts_within_total("life"), "life_national + life_local ≤ life_total",
            "parts exceed the total", None, "warning"),
    RowRule("sido: alias", lambda d: d["_sido_note"] == "", "the 2024 name", "older name or alias resolved",
            lambda r: f"; read as {regions.name(r['_sido_code'])} ({r['_sido_note']})", "warning"),
    RowRule("sigungu: alias", lambda d: d["_sgg_note"] == "", "the 2024 name", "older name or alias resolved",
            lambda r: f"; read as {regions.name(r['_sgg_code'])} ({r['_sgg_note']})", "warning"),
    RowRule("region_group: sido", group_matches_sido, "the 권역 of the row's 시도", "권역 does not contain the 시도",
            None, "warning"),
)  # fmt: skip
