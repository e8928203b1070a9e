"""How much of a view reaches the 인구감소지역: records, budget and Smart Village tasks, against 89 of 229.

A record counts in an area only when it is placed at a 시군구 or finer (``at_sigungu``: a site,
a 읍면동, a 시군구) inside one. A record placed only at a 시도, a 권역, across regions or nationally
cannot be attributed: it is counted and reported apart, never guessed into an area. The budget
is the view's money metric (geo/join.py METRICS, each project once), so the shares add up with
the figures beside the map. ``python -m geo policy-areas`` prints the table's counts and the shares.
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass

import pandas as pd

from geo import i18n, policy_areas, regions
from geo.join import Filters, Metric, apply_filters, attach, get_metric, metric_values

PARTS = ("decline", "interest", "other")
# Smart Village program-year totals (SV-2024 …) are not tasks: they are placed across regions.
_TOTAL_PRECISION = ("multi_region", "national")


@dataclass(frozen=True)
class Part:
    """One measure of the view split by area: sums in each area, and what sits above the 시군구."""

    decline: float
    interest: float
    other: float
    not_attributable: float  # the measure on records not placed at a 시군구
    n_not_attributable: int  # how many such records

    @property
    def attributable(self) -> float:
        return self.decline + self.interest + self.other

    def share(self, area: str = "decline") -> float:
        """Fraction of the attributable measure in an area (NaN when nothing is attributable)."""
        whole = self.attributable
        return getattr(self, area) / whole if whole else math.nan


@dataclass(frozen=True)
class Shares:
    """Records, budget and Smart Village tasks of a view by area, and the units' own shares."""

    records: Part
    budget: Part
    tasks: Part
    metric: Metric  # what the budget part sums
    n_budget: int  # attributable records with an amount on the metric's span
    units: dict[str, int]  # decline / interest / other / total 시군구 (89, 18, 122, 229)

    def unit_share(self, area: str = "decline") -> float:
        return self.units[area] / self.units["total"]


def is_task(records: pd.DataFrame) -> pd.Series:
    """Smart Village tasks and sites: the program's records other than its program-year totals."""
    sv = records["program_type"] == "smart_village"
    totals = (records["record_role"] == "whole") & records["location_precision"].isin(_TOTAL_PRECISION)
    return sv & ~totals


def _part(values: pd.Series, area: pd.Series) -> Part:
    """Sum ``values`` per area key ('' = not attributable)."""
    sums = values.groupby(area).sum()
    return Part(
        decline=float(sums.get("decline", 0.0)),
        interest=float(sums.get("interest", 0.0)),
        other=float(sums.get("other", 0.0)),
        not_attributable=float(sums.get("", 0.0)),
        n_not_attributable=int((area == "").sum()),
    )


def money_metric(metric: str | Metric) -> Metric:
    """The budget the view's figures show: its metric, or the lifetime total when it counts records."""
    m = metric if isinstance(metric, Metric) else get_metric(metric)
    return m if m.column is not None else get_metric("life_total")


def area_keys(records: pd.DataFrame) -> pd.Series:
    """Per record: 'decline', 'interest', 'other', or '' when it is not placed at a 시군구."""
    at = records["at_sigungu"].astype(str)
    kinds = at.map(policy_areas.load().kinds)
    key = kinds.map({policy_areas.DECLINE: "decline", policy_areas.INTEREST: "interest"}).fillna("other")
    return key.where(at != "", "")


def shares(records: pd.DataFrame, metric: str | Metric = "life_total") -> Shares:
    """The view's records, budget (``metric``'s money) and Smart Village tasks by area."""
    df = attach(records)
    area = area_keys(df)
    money = money_metric(metric)
    amounts = metric_values(df, money)
    table = policy_areas.load()
    units = {"decline": table.count(policy_areas.DECLINE), "interest": table.count(policy_areas.INTEREST)}
    units["total"] = policy_areas.n_sigungu()
    units["other"] = units["total"] - units["decline"] - units["interest"]
    tasks = is_task(df)
    return Shares(
        records=_part(pd.Series(1.0, index=df.index), area),
        budget=_part(amounts.fillna(0.0), area),
        tasks=_part(tasks.astype(float), area),
        metric=money,
        n_budget=int((amounts.notna() & (area != "")).sum()),
        units=units,
    )


def _pct(x: float) -> str:
    return "—" if math.isnan(x) else f"{100 * x:.1f}%"


def _num(x: float) -> str:
    return f"{x:,.1f}".removesuffix(".0")


def figure_line(s: Shares, lang: str) -> str:
    """One sentence for beside the map: the view's share in 인구감소지역 against 89 of 229."""
    r, b, t = s.records, s.budget, s.tasks
    parts = [
        i18n.t("area_share_records", lang, n=_num(r.decline), of=_num(r.attributable), pct=_pct(r.share())),
    ]
    if b.attributable:
        parts.append(i18n.t("area_share_budget", lang, n=_num(b.decline), of=_num(b.attributable), pct=_pct(b.share())))
    if t.attributable:
        parts.append(i18n.t("area_share_tasks", lang, n=_num(t.decline), of=_num(t.attributable), pct=_pct(t.share())))
    head = i18n.t("area_share_head", lang, n=s.units["decline"], of=s.units["total"], pct=_pct(s.unit_share()))
    tail = i18n.t("area_share_apart", lang, n=r.n_not_attributable) if r.n_not_attributable else ""
    return f"{head}: {'; '.join(parts)}{tail}"


def report(records: pd.DataFrame, metric: str | Metric, lang: str = "ko") -> list[str]:
    """The lines `python -m geo policy-areas` prints for a set of records."""
    s = shares(records, metric)
    label = s.metric.label_ko if lang == "ko" else s.metric.label_en
    out = [f"records: {len(records)}; placed at a 시군구: {_num(s.records.attributable)}; "
           f"not attributable (시도, 권역, multi-region or national): {s.records.n_not_attributable}"]  # fmt: skip
    rows = (("records", s.records, ""), (f"budget [{label}]", s.budget, " 억원"), ("Smart Village tasks", s.tasks, ""))
    for name, p, unit in rows:
        out.append(
            f"{name}: 인구감소지역 {_num(p.decline)}{unit} of {_num(p.attributable)}{unit} ({_pct(p.share())}); "
            f"관심지역 {_num(p.interest)}{unit} ({_pct(p.share('interest'))}); other {_num(p.other)}{unit}; "
            f"not attributable {_num(p.not_attributable)}{unit}"
        )
    out.append(f"budget amounts on the metric's span: {s.n_budget} attributable records ({s.metric.span})")
    out.append(
        f"시군구 units: 인구감소지역 {s.units['decline']} of {s.units['total']} ({_pct(s.unit_share())}), "
        f"관심지역 {s.units['interest']} ({_pct(s.unit_share('interest'))})"
    )
    return out


def _cli(args: argparse.Namespace) -> int:
    from geo.programs import load_programs

    try:
        table = policy_areas.load_table(args.table, args.counts)
    except policy_areas.PolicyAreaError as exc:
        print(f"policy areas refused:\n{exc}")
        return 1
    by_sido: dict[str, list[str]] = {}
    for (kind, sido), n in sorted(table.expected.items()):
        by_sido.setdefault(kind, []).append(f"{regions.name(sido)} {n}")
    for kind in policy_areas.KINDS:
        print(f"{kind}: {table.count(kind)} 시군구 ({', '.join(by_sido.get(kind, []))})")
    loaded = load_programs(args.file)
    metric = args.metric or (f"budget_{args.year}_national" if args.year else "life_total")
    records = apply_filters(loaded.records, Filters(year=args.year, program_type=args.type))
    what = ", ".join(
        x for x in (f"year {args.year}" if args.year else "", f"type {args.type}" if args.type else "") if x
    )
    print(f"\nview: {what or 'all records'} ({args.file})")
    for line in report(records, metric):
        print(line)
    return 0


def register_cli(sub: argparse._SubParsersAction) -> None:
    """`python -m geo policy-areas`: the designation table's counts and the shares of a view in each area."""
    from geo.programs import DATA_FILE, PROGRAM_TYPES

    p = sub.add_parser("policy-areas", help="인구감소지역/관심지역 counts and the shares of records, budget and tasks")
    p.add_argument("file", nargs="?", default=str(DATA_FILE), help="programs CSV (default: data/programs.csv)")
    p.add_argument("--year", type=int, default=None, help="records running that year (as the app's year filter)")
    p.add_argument("--type", choices=sorted(PROGRAM_TYPES), default=None, help="program type, e.g. smart_village")
    p.add_argument("--metric", default=None, help="budget metric (default: budget_<year>_national, or life_total)")
    p.add_argument("--table", default=str(policy_areas.TABLE_FILE), help="designation table")
    p.add_argument("--counts", default=str(policy_areas.COUNTS_FILE), help="expected counts per 시도")
    p.set_defaults(func=_cli)


__all__ = ["PARTS", "Part", "Shares", "area_keys", "figure_line", "is_task", "money_metric", "report", "shares"]
