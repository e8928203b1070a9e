"""The current view: filters, level, metric, language and selection, and what follows from them.

The app's widgets, its URL (``st.query_params``), the briefing presets and the exports all
speak this one ``ViewState``; ``compute`` turns it into the figures, chart tables and record
table that every part of the page shows, so they cannot disagree. No Streamlit here.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from geo import i18n, policy_areas, regions
from geo.coverage import coverage_lines, fmt_eok
from geo.headline import OPENING_METRIC, OPENING_YEAR, official_table, official_total, official_words, span_title
from geo.join import METRICS, Filters, aggregate, apply_filters, attach, breakdown, get_metric, money_metric
from geo.maps.records import DATA_VERSION
from geo.memo import Memo
from geo.policy_shares import figure_line, shares
from geo.programs import FIELDS, FIELDS_EN, PROGRAM_TYPES

if TYPE_CHECKING:  # maps pulls in folium; view is imported without it
    from geo.maps import MapSettings

LEVELS = ("sido", "sigungu")
SCHEMES = ("natural_breaks", "quantiles")
REPRESENTATIONS = ("circle", "fill")  # geo.maps.symbols.REPRESENTATIONS (view imports no folium)
MAP_METRICS = (
    "life_total", "life_national", "budget_2024_national", "budget_2024_total",
    "budget_2025_national", "budget_2026_national", "records",
)  # fmt: skip
SPECIALTIES = ("manufacturing", "agriculture", "healthcare", "disaster_safety")
YEARS = tuple(range(2019, 2031))  # what a URL may ask for; the app offers record_years()
ALL_YEARS = "all"  # the URL's word for "every year" (the opening view has a year, so None needs a word)


@dataclass(frozen=True)
class ViewState:
    """Everything that defines what the page shows; frozen so it can key caches."""

    lang: str = "ko"
    level: str = "sido"
    metric: str = OPENING_METRIC
    scheme: str = "natural_breaks"
    region_group: str | None = None
    sido_code: str | None = None
    sigungu_code: str | None = None
    specialty: str | None = None
    field: str | None = None
    program_type: str | None = None
    year: int | None = OPENING_YEAR
    compare_year: int | None = None  # with ``year``: the map shows the change from this year (geo.compare)
    side_by_side: bool = False  # a comparison as the two years' maps side by side instead of the change
    selected: str | None = None  # a clicked 시도 or 시군구 code
    emd: bool = False  # draw the 읍면동 of the selected 시군구
    briefing: bool = False
    area: str | None = None  # 'decline' | 'interest' | 'other': the 시군구 designation (geo.policy_areas)
    represent: str = "circle"  # totals as proportional circles, or "fill" (a choropleth); URL repr=circle|fill

    def filters(self) -> Filters:
        """The record filters of this view (the fields it shares with geo.join.Filters)."""
        return Filters(**{f.name: getattr(self, f.name) for f in dataclasses.fields(Filters)})

    def replace(self, **changes: object) -> ViewState:
        return dataclasses.replace(self, **changes)


# Short, stable URL keys: a link pasted in a chat stays readable.
QUERY_KEYS = {
    "lang": "lang",
    "level": "level",
    "metric": "metric",
    "scheme": "scheme",
    "region_group": "group",
    "sido_code": "sido",
    "sigungu_code": "sgg",
    "specialty": "spec",
    "field": "field",
    "program_type": "type",
    "year": "year",
    "compare_year": "vs",
    "side_by_side": "side",
    "selected": "sel",
    "emd": "emd",
    "briefing": "brief",
    "area": "area",
    "represent": "repr",
}

PRESETS: dict[str, ViewState] = {
    # Lifetime totals over all years (each program's announced period): the year filter says so.
    "districts": ViewState(level="sigungu", metric="life_total", program_type="innovation_district", year=None),
    "ai": ViewState(level="sido", metric="life_total", program_type="ai_convergence", year=None),
    "sv2024": ViewState(level="sigungu", metric="records", program_type="smart_village", year=2024),
    "budget": ViewState(level="sido", metric=OPENING_METRIC, year=OPENING_YEAR),  # = the opening view
}


def _valid_region_group(v: str) -> bool:
    return v in regions.REGION_GROUPS or v in regions.SUPER_GROUPS


def _check(name: str, value: str) -> object:
    """Parse one URL value; raise ValueError with what was expected."""
    if name == "lang" and value in i18n.LANGS:
        return value
    if name == "level" and value in LEVELS:
        return value
    if name == "metric":
        get_metric(value)  # raises KeyError on an unknown metric
        return value
    if name == "scheme" and value in SCHEMES:
        return value
    if name == "represent" and value in REPRESENTATIONS:
        return value
    if name == "region_group" and _valid_region_group(value):
        return value
    if name == "sido_code":
        return regions.resolve(value, level="sido").code
    if name in ("sigungu_code",):
        return regions.resolve(value, level="sigungu").code
    if name == "selected":
        return regions.resolve(value).code
    if name == "specialty" and value in SPECIALTIES + tuple(i18n.SPECIALTIES):
        return value
    if name == "field" and value in FIELDS:
        return value
    if name == "program_type" and value in PROGRAM_TYPES:
        return value
    if name in ("year", "compare_year") and value.isdigit() and int(value) in YEARS:
        return int(value)
    if name == "year" and value == ALL_YEARS:
        return None
    if name == "area" and value in policy_areas.AREAS:
        return value
    if name in ("briefing", "emd", "side_by_side") and value in ("0", "1"):
        return value == "1"
    raise ValueError(f"{QUERY_KEYS[name]}={value!r}")


def from_query(params: Mapping[str, str]) -> tuple[ViewState, list[str]]:
    """A view from URL parameters; values that do not parse are ignored and listed."""
    changes: dict[str, object] = {}
    ignored: list[str] = []
    for name, key in QUERY_KEYS.items():
        raw = params.get(key)
        if raw is None or raw == "":
            continue
        try:
            changes[name] = _check(name, str(raw))
        except (ValueError, KeyError):
            ignored.append(f"{key}={raw}")
    return consistent(ViewState(**changes)), ignored


def to_query(state: ViewState) -> dict[str, str]:
    """URL parameters of a view; defaults are left out so links stay short."""
    default = ViewState()
    out = {}
    for name, key in QUERY_KEYS.items():
        v = getattr(state, name)
        if v == getattr(default, name):
            continue
        if v is None:
            if name == "year":  # every year, where the opening view has one
                out[key] = ALL_YEARS
            continue
        out[key] = ("1" if v else "0") if isinstance(v, bool) else str(v)
    return out


def year_arg(text: str) -> int | None:
    """A command's --year: a year, or 'all' for every year (the opening view has one by default)."""
    return None if text == ALL_YEARS else int(text)


def consistent(state: ViewState) -> ViewState:
    """Drop region filters that contradict each other (a 시군구 outside the chosen 시도…)."""
    s = state
    if s.sido_code and s.region_group:
        if s.sido_code not in regions.sido_codes_in_group(s.region_group):
            s = s.replace(sido_code=None, sigungu_code=None)
    if s.sigungu_code:
        sgg_sido = regions.sido_of(s.sigungu_code)
        if (s.sido_code and sgg_sido != s.sido_code) or (
            s.region_group and sgg_sido not in regions.sido_codes_in_group(s.region_group)
        ):
            s = s.replace(sigungu_code=None)
    if s.emd and not (s.selected and len(s.selected) == 5):
        s = s.replace(emd=False)
    if s.compare_year is not None and (s.year is None or s.compare_year == s.year):
        s = s.replace(compare_year=None)  # a comparison needs a second, different year
    if s.side_by_side and s.compare_year is None:
        s = s.replace(side_by_side=False)
    return s


def preset(name: str, lang: str) -> ViewState:
    """A briefing scene in the current language."""
    return PRESETS[name].replace(lang=lang)


# --------------------------------------------------------------------------- options


def sido_options(region_group: str | None) -> list[str]:
    """시도 codes for the 시도 box, limited to the chosen 권역 (cascading)."""
    if region_group:
        return regions.sido_codes_in_group(region_group)
    return regions.SIDO["sido_code"].tolist()


def sigungu_options(sido_code: str | None, region_group: str | None) -> list[str]:
    sgg = regions.SIGUNGU
    if sido_code:
        return sgg.loc[sgg["sido_code"] == sido_code, "sigungu_code"].tolist()
    if region_group:
        return sgg.loc[sgg["sido_code"].isin(regions.sido_codes_in_group(region_group)), "sigungu_code"].tolist()
    return sgg["sigungu_code"].tolist()


def metric_label(metric: str, lang: str) -> str:
    m = get_metric(metric)
    return m.label_ko if lang == "ko" else m.label_en


def field_label(value: str, lang: str) -> str:
    return value if lang == "ko" else FIELDS_EN.get(value, value)


# --------------------------------------------------------------------------- computed view


@dataclass
class View:
    """What the page shows for a state."""

    state: ViewState
    records: pd.DataFrame  # filtered, attached records
    values: pd.DataFrame  # per-code aggregate at the map level
    kpis: dict[str, str]
    coverage: list[str]
    by_field: pd.DataFrame
    by_region: pd.DataFrame
    by_year: pd.DataFrame
    table: pd.DataFrame
    panel: dict[str, object] | None = None
    notes: list[str] = field(default_factory=list)
    figures: dict[str, float] = field(default_factory=dict)  # the kpis as numbers (a comparison's deltas)
    policy_line: str = ""  # the share of the view in 인구감소지역 against 89 of 229 (geo.policy_shares)


def record_years(records: pd.DataFrame) -> tuple[int, ...]:
    """Years in which at least one record runs (its year, period or budget year): the year filter's choices."""
    from geo.join import active_in

    return tuple(y for y in YEARS if len(records) and bool(active_in(records, y).any()))


def compute(all_records: pd.DataFrame, state: ViewState, coverage: list[str] | None = None) -> View:
    """Filter, aggregate and tabulate the records for a view (all parts share this)."""
    lang = state.lang
    filtered = apply_filters(all_records, state.filters())
    metric = get_metric(state.metric)
    values = aggregate(filtered, state.level, metric)
    money = money_metric(metric, state.year)
    bd = breakdown(filtered, state.level, money).set_index("category")
    total = bd.at["total", "value"]
    unit = f" {i18n.t('eok', lang)}"
    lgs = filtered.loc[filtered["at_sigungu"] != "", "at_sigungu"].nunique()
    official = official_total(money, state.filters())
    kpis = {
        "budget": (fmt_eok(total) + unit) if not pd.isna(total) else i18n.t("kpi_no_amount", lang),
        "budget_title": span_title(money, filtered, lang),
        "budget_label": money.label_ko if lang == "ko" else money.label_en,
        "official": official_words(total, official, lang),
        "records": f"{len(filtered):,}",
        "lgs": f"{lgs:,}",
    }
    notes = []
    placed = bd.at["placed", "value"]
    if not pd.isna(placed) and not pd.isna(total) and placed != total:
        notes.append(i18n.t(f"placed_{state.level}", lang, value=fmt_eok(placed) + unit))
    for cat in ("not_regional", "above_level", "unallocated"):
        v = bd.at[cat, "value"]
        if not pd.isna(v) and v > 0:
            notes.append(f"{i18n.t(cat, lang)}: {fmt_eok(v)}{unit}")
    by_field = _by_field(all_records, filtered, lang)
    by_region = _by_region(filtered, state, metric, lang, values if state.level == "sido" else None)
    by_year = _by_year(filtered, lang)
    table = version_table(all_records, filtered, lang)
    panel = region_panel(filtered, state) if state.selected else None
    try:
        policy_line = figure_line(shares(filtered, money), lang)
    except policy_areas.PolicyAreaError as exc:  # the page keeps working; the line says why it is missing
        policy_line = i18n.t("area_table_error", lang, error=exc.problems[0])
    return View(
        state=state,
        records=filtered,
        values=values,
        kpis=kpis,
        coverage=coverage if coverage is not None else coverage_lines(all_records, lang),
        by_field=by_field,
        by_region=by_region,
        by_year=by_year,
        table=table,
        panel=panel,
        notes=notes,
        figures={
            "budget": float(total),
            "records": float(len(filtered)),
            "lgs": float(lgs),
            "placed": float(placed),
            "official": math.nan if official is None else official[0],
        },
        policy_line=policy_line,
    )


def _by_field(all_records: pd.DataFrame, filtered: pd.DataFrame, lang: str) -> pd.DataFrame:
    """2024 budget by the four fields: the official figure beside what the records itemize."""
    off = official_table()
    rows = []
    fmap = {"FIELD_2024_HUB": 0, "FIELD_2024_TECH": 1, "FIELD_2024_INCLUSION": 2, "FIELD_2024_TALENT": 3}
    m = get_metric("budget_2024_national")
    vals = filtered["eff_annual_national"].where(filtered["annual_year"] == m.year)
    for key, i in fmap.items():
        f = FIELDS[i]
        hit = off[off["id"] == key]
        if not hit.empty:
            rows.append(
                {
                    "field": field_label(f, lang),
                    "kind": i18n.t("official", lang),
                    "value": hit["value"].iloc[0],
                }
            )
        rows.append(
            {
                "field": field_label(f, lang),
                "kind": i18n.t("itemized", lang),
                "value": float(vals[filtered["field"] == f].sum()),
            }
        )
    return pd.DataFrame(rows)


def _by_region(
    filtered: pd.DataFrame, state: ViewState, metric: object, lang: str, sido: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The metric per 시도 and per 권역 (the chart beside the map; 시군구 bars would not fit).
    ``sido``: the map's own 시도 aggregate, when it has one (not summed twice)."""
    agg = sido if sido is not None else aggregate(filtered, "sido", metric)
    grp = aggregate(filtered, "region_group", metric)
    name = "name_ko" if lang == "ko" else "name_en"
    out = pd.concat(
        [
            agg.assign(kind=i18n.t("sido", lang))[[name, "value", "kind"]],
            grp.assign(kind=i18n.t("region_group", lang))[[name, "value", "kind"]],
        ]
    ).rename(columns={name: "region"})
    return out.dropna(subset=["value"]).reset_index(drop=True)


def _by_year(filtered: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Annual amounts by their budget year and record counts by start year."""
    ann = filtered.dropna(subset=["annual_year"]).groupby("annual_year")["eff_annual_national"].sum(min_count=1)
    cnt = filtered.groupby("year").size()
    years = sorted(set(ann.index.dropna().astype(int)) | set(cnt.index.dropna().astype(int)))
    return pd.DataFrame(
        {
            "year": years,
            "budget": [float(ann.get(y, math.nan)) for y in years],
            "records": [int(cnt.get(y, 0)) for y in years],
        }
    )


def _region_text(r: Mapping[str, Any], lang: str) -> str:
    if r["at_sigungu"]:
        return regions.name(r["at_sigungu"], lang)
    if r["at_sido"]:
        return regions.name(r["at_sido"], lang)
    if r["at_region_group"]:
        g = r["at_region_group"]
        return g if lang == "ko" else regions.REGION_GROUPS_EN.get(g, g)
    if r["not_regional"]:
        return i18n.t("not_regional", lang)
    return i18n.t("unallocated", lang)


_TABLE_CELLS = (
    "id", "name_ko", "name_en", "at_sigungu", "at_sido", "at_region_group", "not_regional", "program_type", "field",
    "year", "annual_year", "annual_national", "annual_total", "life_total", "life_national", "period_start",
    "period_end", "location_precision", "source_url",
)  # fmt: skip


_REGION_CELLS = ("at_sigungu", "at_sido", "at_region_group", "not_regional")


def record_table(filtered: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The record table as shown and exported: one row per record, budgets with their span."""

    def period(start: object, end: object) -> str:
        a, b = str(start or ""), str(end or "")
        return f"{a}–{b}" if a and b else a or b

    def num(v: object) -> float:
        try:
            return float(v)
        except (TypeError, ValueError):
            return math.nan

    # column by column (iterrows made a Series per record: 3 s for 16,400 records); a label is
    # looked up once per distinct value
    c = {k: filtered[k].tolist() for k in _TABLE_CELLS}
    rows = [dict(zip(_REGION_CELLS, vals, strict=True)) for vals in zip(*(c[k] for k in _REGION_CELLS), strict=True)]
    types = {v: i18n.label(i18n.PROGRAM_TYPES, v, lang) for v in set(c["program_type"])}
    fields = {v: field_label(v, lang) if v else "" for v in set(c["field"])}

    def whole(v: object) -> int | None:
        return int(v) if not pd.isna(v) else None

    def first(a: object, b: object) -> float:
        return num(b) if pd.isna(num(a)) else num(a)

    table = {
        "id": c["id"],
        "name": c["name_ko"] if lang == "ko" else c["name_en"],
        "region": [_region_text(r, lang) for r in rows],
        "type": [types[v] for v in c["program_type"]],
        "field": [fields[v] for v in c["field"]],
        "year": [whole(v) for v in c["year"]],
        "annual_year": [whole(v) for v in c["annual_year"]],
        "annual": [first(a, b) for a, b in zip(c["annual_total"], c["annual_national"], strict=True)],
        "life": [first(a, b) for a, b in zip(c["life_total"], c["life_national"], strict=True)],
        "period": [period(a, b) for a, b in zip(c["period_start"], c["period_end"], strict=True)],
        "precision": c["location_precision"],
        "source": c["source_url"],
    }
    return pd.DataFrame(table, columns=list(table))


_TABLES: Memo[pd.DataFrame] = Memo(4)  # (data version, language) -> the version's whole record table
_WHOLE_NUMBERS = ("year", "annual_year")  # float only where one is missing


def version_table(all_records: pd.DataFrame, filtered: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``record_table(filtered, lang)``, cut from its data version's whole table, made once per
    version and language: the table is per record, so a filter change need only pick rows
    (16,400 records: ~40 ms a change). Frames without a version are tabulated directly."""
    version = all_records.attrs.get(DATA_VERSION)
    if version is None or filtered.empty:
        return record_table(filtered, lang)

    def whole_table() -> pd.DataFrame:
        records = attach(all_records)
        return record_table(records, lang).set_axis(records.index)

    out = _TABLES.get((str(version), lang), whole_table).loc[filtered.index].reset_index(drop=True)
    for c in _WHOLE_NUMBERS:  # as record_table gives them: int where none is missing, None where all are
        if out[c].dtype.kind == "f" and out[c].notna().all():
            out[c] = out[c].astype("int64")
        elif out[c].isna().all():
            out[c] = pd.Series([None] * len(out), dtype=object)
    return out


def region_panel(filtered: pd.DataFrame, state: ViewState) -> dict[str, object]:
    """What the clicked region's panel shows: its records, budget by field and by type."""
    code = state.selected or ""
    col = "at_sido" if len(code) == 2 else "at_sigungu"
    here = filtered[filtered[col] == code]
    metric = get_metric(state.metric)
    lang = state.lang
    vals = here[f"eff_{metric.column}"] if metric.column else pd.Series(1.0, index=here.index)
    if metric.year is not None:
        vals = vals.where(here["annual_year"] == metric.year)
    by_field = (
        pd.DataFrame({"k": here["field"].map(lambda f: field_label(f, lang) if f else "—"), "v": vals})
        .groupby("k")["v"]
        .sum(min_count=1)
    )
    by_type = (
        pd.DataFrame({"k": here["program_type"].map(lambda x: i18n.label(i18n.PROGRAM_TYPES, x, lang)), "v": vals})
        .groupby("k")["v"]
        .sum(min_count=1)
    )
    return {
        "code": code,
        "name": regions.name(code, lang),
        "metric": metric_label(state.metric, lang),
        "total": vals.sum(min_count=1),
        "by_field": by_field.reset_index().rename(columns={"k": i18n.t("col_field", lang), "v": "value"}),
        "by_type": by_type.reset_index().rename(columns={"k": i18n.t("col_type", lang), "v": "value"}),
        "records": record_table(here, lang),
        "is_sigungu": len(code) == 5,
        "designation": designation_words(code, lang),
    }


def designation_words(code: str, lang: str) -> str:
    """The clicked 시군구's designation ("인구감소지역 (행정안전부 지정)"), '' for none or a 시도."""
    from geo.maps.policy import region_lines

    return " · ".join(region_lines(code, "sigungu", lang)) if len(code) == 5 else ""


def specialties_shown(state: ViewState) -> list[str] | None:
    """권역 AI outlines to draw: the chosen specialty only, or all four (None)."""
    return [state.specialty] if state.specialty in SPECIALTIES else None


def map_arguments(v: View, settings: MapSettings) -> dict[str, Any]:
    """The keyword arguments of ``maps.overlay_layers`` and ``maps.build_map`` for a view.

    One place, so the page, its HTML export and the server's warm-up draw the same map (the
    warm-up fills the caches the page reads only if it asks for the very same layers).
    """
    from geo.maps import focus_codes, scene_layers, switch_layers

    state = v.state
    filters = state.filters()
    return {
        "values": v.values,
        "records": v.records,
        "level": state.level,
        "metric": state.metric,
        "lang": state.lang,
        "filters": filters,
        "focus": focus_codes(state.level, filters),
        "selected_sigungu": state.selected if state.emd and state.selected else None,
        "specialties": specialties_shown(state),
        "layers": scene_layers(state.program_type, state.specialty),
        "off": switch_layers(state.program_type, state.specialty),
        "settings": settings,
    }


def filter_words(state: ViewState) -> str:
    """The current filter written out in words (briefing mode, exports); in a comparison the
    year is both years ("연도: 2023 → 2024"), not the later one alone."""
    from geo.maps import describe_filters

    words = describe_filters(state.filters(), state.lang)
    if state.compare_year is not None and state.year is not None:
        year = describe_filters({"year": state.year}, state.lang)[0]
        both = f"{year.removesuffix(str(state.year))}{state.compare_year} → {state.year}"
        words = [both if w == year else w for w in words]
    return " · ".join(words) if words else i18n.t("filter_words_none", state.lang)


def merge_upload(bundled: pd.DataFrame, uploaded: pd.DataFrame, mode: str) -> tuple[pd.DataFrame, list[str]]:
    """Records for a session with an upload: added to the bundled ones, or replacing them.

    In "add" mode, uploaded rows whose id is already bundled are left out (and listed): an id
    names one record, and silently keeping two would count it twice.
    """
    if mode == "replace":
        return uploaded, []
    if mode != "add":
        raise ValueError(f"mode must be 'add' or 'replace', not {mode!r}")
    clash = sorted(set(uploaded["id"]) & set(bundled["id"]))
    kept = uploaded[~uploaded["id"].isin(clash)]
    return pd.concat([bundled, kept], ignore_index=True), clash


def metric_keys() -> list[str]:
    """Metrics offered in the app (each names its span): the opening view's first."""
    return [OPENING_METRIC, *(m for m in MAP_METRICS if m in METRICS and m != OPENING_METRIC)]
