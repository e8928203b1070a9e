"""Cell parsers and row checks of the programs table: the predicates geo/programs.py's rule tables name.

Each check returns True where a cell or row is fine. Values are raw text (as the CSV holds
them); the parsers here turn them into numbers, dates and 2024 region codes.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable

import pandas as pd

from geo import regions

TRUE_WORDS = {"true", "yes", "y", "1", "예", "o"}
FALSE_WORDS = {"false", "no", "n", "0", "아니오", "x"}
# lon/lat box around South Korea incl. 독도 and 마라도 (same as geo.boundaries.KOREA_BOUNDS)
LON_MIN, LAT_MIN, LON_MAX, LAT_MAX = 124.5, 33.0, 132.0, 38.7
MAX_AMOUNT = 1_000_000.0  # 억원 (100조원): the whole national budget is ~6,000,000억; no program is near this
ANNUAL_COLUMNS = ("annual_total", "annual_national", "annual_local")


# --------------------------------------------------------------------------- parsing helpers


def _num(text: str) -> float | None:
    """A number in 억원: '63', '93.5', '1,039' (thousands commas allowed); '' → None."""
    t = str(text).strip().replace(",", "")
    if not t:
        return None
    v = float(t)
    if math.isnan(v) or math.isinf(v):
        raise ValueError(text)
    return v


def _is_num(text: str) -> bool:
    try:
        _num(text)
        return True
    except ValueError:
        return False


def _nonneg(text: str) -> bool:
    try:
        v = _num(text)
    except ValueError:
        return True  # reported by the numeric check
    return v is None or v >= 0


def _plausible(text: str) -> bool:
    try:
        v = _num(text)
    except ValueError:
        return True  # reported by the numeric check
    return v is None or v <= MAX_AMOUNT


def _nfkc(text: str) -> str:
    """Full-width letters and ideographic spaces as their plain forms (ＢＵＳＡＮ → BUSAN)."""
    return unicodedata.normalize("NFKC", str(text))


_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


def _date_bounds(text: str) -> tuple[pd.Timestamp, pd.Timestamp] | None:
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


def _is_date(text: str) -> bool:
    return str(text).strip() == "" or _date_bounds(text) is not None


def _is_year(text: str) -> bool:
    t = str(text).strip()
    return t == "" or (t.isdigit() and 1990 <= int(t) <= 2100)


def _bool(text: str) -> bool | None:
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


def _context(df: pd.DataFrame) -> pd.DataFrame:
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
            x = _num(v)
        except ValueError:
            return math.nan
        return math.nan if x is None else x

    ctx["_lat"] = df["lat"].map(num_or_nan).astype(float)
    ctx["_lon"] = df["lon"].map(num_or_nan).astype(float)
    inside = ctx["_lat"].between(LAT_MIN, LAT_MAX) & ctx["_lon"].between(LON_MIN, LON_MAX)
    ctx["_pt_sgg"] = point_sigungu(ctx["_lat"].where(inside), ctx["_lon"].where(inside))
    return ctx


def _blank(s: pd.Series) -> pd.Series:
    return s.astype(str).str.strip() == ""


def _sugg(names: list[str]) -> str:
    return f"; closest valid names: {', '.join(names)}" if names else ""


def _point_detail(r: pd.Series) -> str:
    named = r["_sgg_code"] or r["_sido_code"]
    where = regions.name(r["_pt_sgg"]) if r["_pt_sgg"] else "no 시군구"
    return f"the point lies in {where}, not in the named {regions.name(named)}"


def _point_in_named(d: pd.DataFrame) -> pd.Series:
    named = d["_sgg_code"].where(d["_sgg_code"] != "", d["_sido_code"])
    has = (d["_pt_sgg"] != "") & (named != "")
    same = pd.Series(
        [p.startswith(n) if len(n) == 2 else p == n for p, n in zip(d["_pt_sgg"], named, strict=True)],
        index=d.index,
    )
    return ~has | same


def _latlon_pair(d: pd.DataFrame) -> pd.Series:
    return _blank(d["lat"]) == _blank(d["lon"])


def _swapped(d: pd.DataFrame) -> pd.Series:
    lat, lon = d["_lat"], d["_lon"]
    return ~(lat.between(LON_MIN, LON_MAX) & lon.between(LAT_MIN, LAT_MAX))


def _outside(d: pd.DataFrame) -> pd.Series:
    lat, lon = d["_lat"], d["_lon"]
    none = lat.isna() | lon.isna()
    inside = lat.between(LAT_MIN, LAT_MAX) & lon.between(LON_MIN, LON_MAX)
    return none | inside | ~_swapped(d)  # swapped points get the swap message only


def _no_polygon(d: pd.DataFrame) -> pd.Series:
    inside = d["_lat"].between(LAT_MIN, LAT_MAX) & d["_lon"].between(LON_MIN, LON_MAX)
    return ~inside | (d["_pt_sgg"] != "")


def _period_order(d: pd.DataFrame) -> pd.Series:
    out = []
    for s, e in zip(d["period_start"], d["period_end"], strict=True):
        bs, be = _date_bounds(s), _date_bounds(e)
        out.append(bs is None or be is None or be[1] >= bs[0])
    return pd.Series(out, index=d.index)


def _needs(precision: str, cols: tuple[str, ...]) -> Callable[[pd.DataFrame], pd.Series]:
    def check(d: pd.DataFrame) -> pd.Series:
        has = pd.Series(True, index=d.index)
        for c in cols:
            has &= ~_blank(d[c])
        return (d["location_precision"].str.strip() != precision) | has

    return check


def _national_has_no_region(d: pd.DataFrame) -> pd.Series:
    return (d["location_precision"].str.strip() != "national") | (_blank(d["sido"]) & _blank(d["sigungu"]))


def _annual_year_given(d: pd.DataFrame) -> pd.Series:
    any_amount = pd.Series(False, index=d.index)
    for c in ANNUAL_COLUMNS:
        any_amount |= ~_blank(d[c])
    return ~any_amount | ~_blank(d["annual_year"])


def _parts_within_total(prefix: str) -> Callable[[pd.DataFrame], pd.Series]:
    def check(d: pd.DataFrame) -> pd.Series:
        out = []
        for t, n, loc in zip(d[f"{prefix}_total"], d[f"{prefix}_national"], d[f"{prefix}_local"], strict=True):
            try:
                tv, nv, lv = _num(t), _num(n), _num(loc)
            except ValueError:
                out.append(True)
                continue
            out.append(tv is None or (nv or 0) + (lv or 0) <= tv + 1e-9)
        return pd.Series(out, index=d.index)

    return check


def _region_group_ok(v: str) -> bool:
    names = [p.strip() for p in str(v).split("|") if p.strip()]
    return all(p in regions.REGION_GROUPS or p in regions.SUPER_GROUPS for p in names)


def _group_matches_sido(d: pd.DataFrame) -> pd.Series:
    out = []
    for g, code in zip(d["region_group"], d["_sido_code"], strict=True):
        groups = [p.strip() for p in str(g).split("|") if p.strip()]
        if not groups or not code or not _region_group_ok(g):
            out.append(True)
            continue
        out.append(any(code in regions.sido_codes_in_group(x) for x in groups))
    return pd.Series(out, index=d.index)
