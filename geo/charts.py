"""Vega-Lite chart specs (through Altair) for the figures beside the map.

Specs are plain dicts so the app can cache them per view: Altair validates a spec when it is
converted, which costs more than drawing it. Streamlit's frontend ships Vega, so the charts
need no network.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from geo import i18n


def _legend() -> alt.Legend:
    return alt.Legend(orient="bottom")


def by_field(df: pd.DataFrame, lang: str) -> dict:
    """2024 budget per field: the official figure beside what the records itemize."""
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            y=alt.Y("field:N", title=None, sort=None),
            x=alt.X("value:Q", title=i18n.t("eok", lang)),
            color=alt.Color("kind:N", title=None, legend=_legend()),
            yOffset="kind:N",
            tooltip=["field", "kind", alt.Tooltip("value:Q", format=",.1f")],
        )
        .to_dict()
    )


def by_region(df: pd.DataFrame) -> dict:
    """The map's metric per 시도 and per 권역, largest first."""
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            y=alt.Y("region:N", title=None, sort="-x"),
            x=alt.X("value:Q", title=None),
            color=alt.Color("kind:N", title=None, legend=_legend()),
            tooltip=["region", "kind", alt.Tooltip("value:Q", format=",.1f")],
        )
        .to_dict()
    )


def by_year(df: pd.DataFrame, lang: str) -> dict:
    """Annual amounts by budget year beside record counts by start year."""
    long = df.melt("year", var_name="series", value_name="value").dropna()
    names = {"budget": i18n.t("col_annual", lang), "records": i18n.t("kpi_records", lang)}
    long["series"] = long["series"].map(names)
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("year:O", title=None),
            y=alt.Y("value:Q", title=None),
            color=alt.Color("series:N", title=None, legend=_legend()),
            xOffset="series:N",
            tooltip=["year", "series", "value"],
        )
        .to_dict()
    )
