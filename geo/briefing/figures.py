"""The numbers on the sheet: the selection, its classes (as the web map has them), key figures, coverage.

Nothing here draws: every number the sheet prints is computed once in :func:`sheet_data`, so
the drawing modules only place it, and the app can reuse :func:`key_figures` without matplotlib.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import pandas as pd

from geo import join, maps
from geo.briefing.text import as_filters, say, sheet_title, span_words
from geo.maps.furniture import class_range  # noqa: F401 (the sheet's and the deck's legends: the web legend's words)
from geo.reconcile import reconcile

if TYPE_CHECKING:
    from geo.view import ViewState


@dataclass(frozen=True)
class KeyFigures:
    """The numbers a briefing states next to the map (the app's figure row can use them too)."""

    budget: float  # NaN when no record in the selection has an amount on the span
    budget_metric: str
    budget_label: str
    budget_span: str
    placed: float  # part of the budget drawn on the map (at the map's level)
    n_records: int
    n_lgs: int  # 시군구-level local governments reached
    n_sido: int
    coverage: tuple[str, ...]  # reconciliation lines, national


def _coverage_lines(records: pd.DataFrame, filters: join.Filters, lang: str, table: pd.DataFrame | None) -> list[str]:
    """The reconciliation lines that matter for this view (national; they ignore region filters)."""
    rec = reconcile(records) if table is None else table
    by_id = {r["id"]: r for r in rec.to_dict("records")}
    year = filters.year or 2024
    out = []
    want_sv = filters.program_type in (None, "smart_village")
    want_budget = filters.program_type != "smart_village"
    b = by_id.get(f"TOTAL_{year}_BUDGET") or by_id.get("TOTAL_2024_BUDGET")
    if want_budget and b is not None and not math.isnan(b["records"]):
        df = join.attach(records)
        y = int(str(b["year"])[:4])
        n = int(df.loc[(df["record_role"] == "whole") & (df["annual_year"] == y), "annual_national"].notna().sum())
        official, rec_n = maps.fmt_number(b["official"]), maps.fmt_number(b["records"]) or "0"
        out.append(say(lang, "cov_budget", y=y, official=official, rec=rec_n, n=n))
    s = by_id.get(f"SV_{year}_TASKS") or by_id.get("SV_2024_TASKS")
    if want_sv and s is not None and not math.isnan(s["records"]):
        official, rec_n = maps.fmt_number(s["official"]), maps.fmt_number(s["records"]) or "0"
        out.append(say(lang, "cov_sv", y=s["year"], official=official, rec=rec_n))
    return out


def key_figures(
    records: pd.DataFrame,
    filters: Any = None,
    *,
    level: str = "sigungu",
    metric: str = maps.DEFAULT_METRIC,
    lang: str = "ko",
    reconciliation: pd.DataFrame | None = None,
) -> KeyFigures:
    """Budget in the selection (with its span), records, local governments, coverage lines.

    ``records`` are all records (uploads included); the filters are applied here. A count
    metric has no money: its budget is the year's 국비, or over all years the lifetime totals
    (``join.money_metric``, as the page).
    """
    maps.check_lang(lang)
    f = as_filters(filters)
    return selection_figures(records, join.apply_filters(records, f), f, level, metric, lang, reconciliation)


def selection_figures(
    records: pd.DataFrame,
    sel: pd.DataFrame,
    f: join.Filters,
    level: str,
    metric: str,
    lang: str,
    reconciliation: pd.DataFrame | None,
) -> KeyFigures:
    """:func:`key_figures` of a selection already made, so the sheet filters the records once."""
    m = join.get_metric(metric)
    bm = join.money_metric(m, f.year)
    vals = join.metric_values(sel, bm)
    budget = float(vals.sum()) if vals.notna().any() else math.nan
    placed_mask = sel[f"at_{level}"] != ""
    placed = float(vals[placed_mask].sum()) if vals[placed_mask].notna().any() else 0.0
    label, _unit = maps.metric_label(bm.key, lang)
    return KeyFigures(
        budget=budget,
        budget_metric=bm.key,
        budget_label=label,
        budget_span=span_words(bm, lang),
        placed=placed,
        n_records=len(sel),
        n_lgs=int(sel.loc[sel["at_sigungu"] != "", "at_sigungu"].nunique()),
        n_sido=int(sel.loc[sel["at_sido"] != "", "at_sido"].nunique()),
        coverage=tuple(_coverage_lines(records, f, lang, reconciliation)),
    )


def budget_notes(figs: KeyFigures, level: str, lang: str) -> list[str]:
    """What the budget figure adds up, and how much of it the map places at its level, in words."""
    notes = [f"{say(lang, 'budget')} = {figs.budget_label}: {figs.budget_span}"]
    if not math.isnan(figs.budget):
        rest = figs.budget - figs.placed
        if abs(rest) < 1e-9:
            notes.append(say(lang, "on_map_all"))
        else:
            placed = f"{maps.fmt_number(figs.placed) or '0'}억원"
            where = say(lang, f"level_{level}")
            notes.append(say(lang, "on_map", placed=placed, rest=f"{maps.fmt_number(rest)}억원", level=where))
    return notes


def before_note(data: SheetData) -> str | None:
    """A comparison's key figures are the later year's; this line gives the earlier year's and the change."""
    a, b = data.figs_before, data.figs
    if a is None or data.compare_year is None:
        return None

    def pair(before: float, after: float, unit: str) -> str:
        if math.isnan(before):
            return "—"
        shown = f"{maps.fmt_number(before)}{unit}"
        return shown if math.isnan(after) else f"{shown} ({maps.fmt_signed(after - before) or '0'})"

    return say(
        data.lang, "before_figs", after=data.filters.year, before=data.compare_year,
        budget=pair(a.budget, b.budget, "억원"), n=pair(a.n_records, b.n_records, say(data.lang, "records_unit")),
        lgs=pair(a.n_lgs, b.n_lgs, say(data.lang, "lgs_unit")),
    )  # fmt: skip


@dataclass
class Classes:
    """The choropleth's classes for this view: bins, each unit's fill, and the units without one."""

    bins: list[maps.ClassBin]
    fill: dict[str, str]  # code -> colour
    nodata: list[str]
    outside: list[str]
    values: pd.Series  # in-scope values by code
    circles: maps.CircleScale | None = None  # totals as circles (then ``fill`` is the neutral of a valued region)


def classes(
    values: pd.DataFrame,
    level: str,
    focus: Iterable[str] | None,
    settings: maps.MapSettings,
    *,
    diverging: bool = False,
    metric: str | None = None,
) -> Classes:
    """The web map's classification (same function, same inputs as maps.choropleth_layer);
    ``diverging`` for a change between two years (falls, no change, rises, as the web map)."""
    df = maps.values_frame(values)
    codes = maps.layer_codes(level)
    focus_set = set(codes) if focus is None else {str(c) for c in focus}
    in_scope = [c for c in codes if c in focus_set]
    vals = df["value"].reindex(in_scope)
    present = vals.dropna().tolist()
    circles = None
    if settings.represent == "circle" and not diverging:  # as maps.choropleth_layer's circles
        bins: list[maps.ClassBin] = []
        circles = maps.circle_scale(
            present, level, integers=join.get_metric(metric).column is None if metric else False
        )
    elif diverging:
        bins = maps.classify_change(present, 3, settings.scheme)  # as maps.choropleth's change map
    else:
        bins, _ = maps.classify(present, settings.k, settings.scheme)
    fill, nodata, outside = {}, [], []
    for c in codes:
        if c not in focus_set:
            outside.append(c)
            continue
        if circles is not None:
            i = 0 if pd.notna(vals.get(c)) else None
        else:
            i = maps.class_of(vals.get(c, math.nan), bins)
        if i is None:
            nodata.append(c)
        else:
            fill[c] = maps.VALUED_FILL if circles is not None else bins[i].colour
    return Classes(bins, fill, nodata, outside, vals.dropna(), circles)


@dataclass(frozen=True)
class SheetData:
    """Everything one sheet shows, computed before drawing: the view, its selection and numbers."""

    filters: join.Filters
    sel: pd.DataFrame  # the selected records
    level: str
    metric: str
    lang: str
    settings: maps.MapSettings
    layers: tuple[str, ...]
    specialties: tuple[str, ...]  # 특화 outlines to draw: the filtered one, or all if the layer is on
    focus: tuple[str, ...] | None  # the units in the selection's region, None for all of Korea
    cls: Classes
    figs: KeyFigures
    compare_year: int | None = None  # a comparison: the map shows the change from this year to filters.year
    figs_before: KeyFigures | None = None  # the earlier year's figures (a comparison)

    @property
    def signed(self) -> bool:
        """The values are changes (the legend and the labels write + and −)."""
        return self.compare_year is not None

    def state(self) -> ViewState:
        """The view this sheet shows, as geo.view and geo.compare read one."""
        return _state(self.filters, self.level, self.metric, self.lang, self.compare_year)

    def legend_title(self) -> str:
        """The legend's heading with its unit: the metric, or its change between the two years."""
        name, unit = maps.metric_label(self.metric, self.lang)[0], self.unit()
        if self.compare_year is not None:
            from geo import compare

            name = compare.label(self.state())
        return f"{name} ({unit})" if unit else name

    def unit(self) -> str:
        """The unit of the mapped values (a comparison's: an annual budget's without its year)."""
        if self.compare_year is not None:
            from geo import compare

            return compare.metric_name(self.metric, self.lang)[1]
        return maps.metric_label(self.metric, self.lang)[1]

    def title(self) -> str:
        """The map's title, as the web map has it (a comparison's names both years)."""
        if self.compare_year is not None:
            from geo import compare

            return compare.title(self.state())
        return sheet_title(level=self.level, metric=self.metric, lang=self.lang, filters=self.filters)

    @cached_property
    def policy_line(self) -> str:
        """The selection's share in 인구감소지역 against 89 of 229 시군구 (the page's line, geo/policy_shares.py);
        none for a comparison (its figures already take two years' lines, and the page has no room)."""
        from geo import policy_areas
        from geo.policy_shares import figure_line, shares

        if self.compare_year is not None:
            return ""
        try:
            return figure_line(shares(self.sel, join.money_metric(self.metric, self.filters.year)), self.lang)
        except policy_areas.PolicyAreaError:
            return ""

    @property
    def policy_codes(self) -> dict[str, list[str]]:
        """The designated 시군구 the map outlines, per kind: as the web map's default (at the 시군구
        level with an area filter; geo/maps/policy.py), else none."""
        from geo.maps.policy import area_of_filters, policy_codes, policy_shown

        if self.compare_year is not None or not policy_shown(self.level, area_of_filters(self.filters))[1]:
            return {}
        return policy_codes()

    @cached_property
    def rows(self) -> list[dict[str, Any]]:
        """The selected records as dicts, as the marker layers read them."""
        return self.sel.to_dict("records")


def sheet_data(
    records: pd.DataFrame,
    filters: Any,
    *,
    level: str,
    metric: str,
    lang: str,
    settings: maps.MapSettings,
    layers: Iterable[str],
    reconciliation: pd.DataFrame | None,
    compare_year: int | None = None,
) -> SheetData:
    """Filter, aggregate and classify once; check the language and level before any drawing.

    With ``compare_year`` (and a year in the filters) the map is the web map's comparison: the
    change per region from ``compare_year`` to the filters' year (geo.compare), classed as it
    is (diverging); the key figures are the later year's, with the earlier year's beside them.
    """
    maps.check_lang(lang)
    if level not in maps.LEVELS:
        raise ValueError(f"level must be one of {maps.LEVELS}, not {level!r}")
    f = as_filters(filters)
    if compare_year is not None and (f.year is None or f.year == compare_year):
        raise ValueError(f"a comparison with {compare_year} needs another year in the filters, not {f.year!r}")
    sel = join.apply_filters(records, f)
    figs_before = None
    if compare_year is None:
        values = join.aggregate(sel, level, metric)
    else:
        from geo import compare

        cmp = compare.compare(records, _state(f, level, metric, lang, compare_year))
        values = cmp.change
        before = dataclasses.replace(f, year=compare_year)
        before_metric = compare.metric_in(metric, compare_year).key
        figs_before = selection_figures(records, cmp.records_before, before, level, before_metric, lang, reconciliation)
    focus = maps.focus_codes(level, f)
    layers = tuple(layers)
    keys = {s.key for s in maps.SPECIALTIES}
    specialties = [f.specialty] if f.specialty and f.specialty in keys else []
    if "specialties" in layers and not specialties:
        specialties = [s.key for s in maps.SPECIALTIES]
    return SheetData(
        filters=f,
        sel=sel,
        level=level,
        metric=metric,
        lang=lang,
        settings=settings,
        layers=layers,
        specialties=tuple(specialties),
        focus=focus,
        cls=classes(values, level, focus, settings, diverging=compare_year is not None, metric=metric),
        figs=selection_figures(records, sel, f, level, metric, lang, reconciliation),
        compare_year=compare_year,
        figs_before=figs_before,
    )


def _state(f: join.Filters, level: str, metric: str, lang: str, compare_year: int | None) -> ViewState:
    from geo.view import ViewState

    return ViewState(lang=lang, level=level, metric=metric, compare_year=compare_year, **dataclasses.asdict(f))
