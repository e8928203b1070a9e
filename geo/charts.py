"""Vega-Lite charts (through Altair) for the figures beside the map: specs apart from their data.

A spec holds no data and depends only on the chart and the language, so it stays the same when
a filter changes and the app passes the data separately (``st.vega_lite_chart(data, spec)``).
Streamlit's frontend then swaps the data into the existing Vega view instead of compiling and
drawing the chart anew: about a third of the browser's work per filter change when the specs
carried their data. Streamlit's frontend ships Vega, so the charts need no network.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import TYPE_CHECKING

import pandas as pd

from geo import i18n

if TYPE_CHECKING:
    import altair as alt

CHARTS = ("field", "region", "year")


def _legend() -> alt.Legend:
    import altair as alt

    return alt.Legend(orient="bottom")


@cache
def _spec(name: str, lang: str) -> dict:
    import altair as alt  # here, not at the top: about 0.5 s a first page spends before its map otherwise

    if lang not in i18n.LANGS:
        raise ValueError(f"lang must be one of {i18n.LANGS}, not {lang!r}")
    if name == "field":  # 2024 budget per field: the official figure beside what the records itemize
        chart = alt.Chart().mark_bar().encode(
            y=alt.Y("field:N", title=None, sort=None),
            x=alt.X("value:Q", title=i18n.t("eok", lang)),
            color=alt.Color("kind:N", title=None, legend=_legend()),
            yOffset="kind:N",
            tooltip=["field:N", "kind:N", alt.Tooltip("value:Q", format=",.1f")],
        )  # fmt: skip
    elif name == "region":  # the map's metric per 시도 and per 권역, largest first
        chart = alt.Chart().mark_bar().encode(
            y=alt.Y("region:N", title=None, sort="-x"),
            x=alt.X("value:Q", title=None),
            color=alt.Color("kind:N", title=None, legend=_legend()),
            tooltip=["region:N", "kind:N", alt.Tooltip("value:Q", format=",.1f")],
        )  # fmt: skip
    elif name == "year":  # annual amounts by budget year beside record counts by start year
        chart = alt.Chart().mark_bar().encode(
            x=alt.X("year:O", title=None),
            y=alt.Y("value:Q", title=None),
            color=alt.Color("series:N", title=None, legend=_legend()),
            xOffset="series:N",
            tooltip=["year:O", "series:N", "value:Q"],
        )  # fmt: skip
    else:
        raise ValueError(f"chart must be one of {CHARTS}, not {name!r}")
    out = chart.to_dict()
    # Altair's placeholders for a chart without data ({"name": "empty"} and a dataset of one
    # empty row) would be drawn as an extra "undefined" bar; the data comes from the app.
    out.pop("data", None)
    out.pop("datasets", None)
    return out


def spec(name: str, lang: str) -> dict:
    """The data-free Vega-Lite spec of a chart (a fresh copy: callers may add to it)."""
    return copy.deepcopy(_spec(name, lang))


def data(name: str, frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The rows a chart draws, from the view's table of the same name (view.View.by_*)."""
    if name != "year":
        return frame
    long = frame.melt("year", var_name="series", value_name="value").dropna()
    names = {"budget": i18n.t("col_annual", lang), "records": i18n.t("kpi_records", lang)}
    long["series"] = long["series"].map(names)
    return long.reset_index(drop=True)
