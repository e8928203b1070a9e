"""Two years side by side (``?year=2024&vs=2023&side=1``): both years' maps level across the main
area, each with its year above it, under the page's one title (``compare.side_title``), and one
legend and one source line below both (``compare.side_legend``, ``compare.side_source``).

Why: two maps each with its own title box, legend and source line left the country a small part
of each narrow frame, and said the same things twice. Here the frames hold the land only (the
layer switch folded away) and are sized a little wider than tall (geo/web/side.css), so Korea
fills their height; the figures go below the maps, not beside them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import streamlit as st

from geo import compare, maps, view
from geo.i18n import t
from geo.maps import text as map_text
from geo.maps.markup import esc
from geo.view import ViewState

CSS = Path(__file__).resolve().parent.parent / "geo" / "web" / "side.css"
STAGE_KEY = "kdim_pair"  # the two maps' container (side.css sizes the frames under .st-key-kdim_pair)
BOXES: tuple[str, ...] = ()  # the map's own boxes left in each frame: the title, legend and source go outside

DrawMap = Callable[[ViewState, Callable[[], dict], str, int], dict | None]  # app.draw_map


def stage_key(state: ViewState) -> str:
    """The stage's container key: app.css sizes one map's frame under ``kdim_stage`` and stacks
    its columns on a laptop, which two maps side by side must not inherit."""
    return "kdim_pair_stage" if state.side_by_side else "kdim_stage"


def parts(state: ViewState, spec: Sequence[float], gap: str = "medium") -> tuple[Any, Any]:
    """The stage's two parts, the map(s) and the figures: beside each other, or for two years
    side by side one under the other (the maps then take the main area's full width)."""
    if state.side_by_side:
        return st.container(), st.container()
    left, right = st.columns(list(spec), gap=gap)
    return left, right


def pair(
    v: view.View, state: ViewState, cmp: compare.Comparison, settings: maps.MapSettings, draw: DrawMap, height: int
) -> list[dict | None]:
    """Both years' maps (the app's ``draw_map`` for each, without their title and legend boxes),
    each year named above its map, then the shared legend and source line. Returns what each
    map reported (its last click)."""
    lang = state.lang
    size = " kdim-pair-projector" if state.briefing else ""  # the projector's type (side.css)
    st.html(CSS)
    outs: list[dict | None] = []
    with st.container(key=STAGE_KEY):
        columns = st.columns(2, gap="small")
        for col, which, year in zip(columns, ("before", "after"), (cmp.before, cmp.after), strict=True):
            with col:
                st.html(f'<p class="kdim-pair-year{size}">{esc(t("side_year", lang, year=year))}</p>')
                make = lambda w=which: {**compare.map_arguments(v, cmp, settings, w), "boxes": BOXES}  # noqa: E731
                outs.append(draw(state, make, f"map_{which}", height))
    legend(v, state, cmp, settings)
    return outs


def legend(v: view.View, state: ViewState, cmp: compare.Comparison, settings: maps.MapSettings) -> None:
    """The one legend of both maps (the in-map legend's rows and type sizes: the projector's in
    briefing mode) and their one source line naming both years' sources."""
    lang = state.lang
    size = " kdim-pair-projector" if state.briefing else ""
    rows = compare.side_legend(v, cmp, settings)  # escaped by geo.maps.furniture
    label = esc(map_text.t(lang, "legend_region"))
    # st.markdown, not st.html: st.html keeps HTML only (DOMPurify's html profile), and the legend's
    # circles, star and line samples are inline SVG
    st.markdown(
        f'<div class="kdim-pair-legend{size}" role="region" aria-label="{label}">{rows}</div>'
        f'<p class="kdim-pair-source{size}">{compare.side_source(cmp, lang)}</p>',
        unsafe_allow_html=True,
    )
