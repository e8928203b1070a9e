"""The sidebar: language, presets, filters (cascading), the year comparison, map settings, upload."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from geo import i18n, maps, policy_areas, programs, regions, view
from geo.i18n import t
from ui.state import ALL, apply_preset, apply_preset_reset
from ui.upload import upload_box


def no_longer_offered(key: str, options: Sequence[object]) -> bool:
    """The box's value is not among its options (a cascading filter changed above it).

    A key not (yet) in the session state is not stale: in a session's first run after a
    reconnect the browser's value is known only once the widget is drawn (ui.state.first_run).
    """
    return key in st.session_state and st.session_state[key] not in (ALL, *options)


def sidebar(lang: str, fmt_none: str, years: Sequence[int]) -> None:
    sb = st.sidebar
    sb.html(maps.skip_link(lang, maps.MAP_START_ID, "skip_filters"))  # the first tab stop of the page
    sb.radio(
        t("language", lang),
        i18n.LANGS,
        key="w_lang",
        format_func=lambda v: {"ko": "한국어", "en": "English"}[v],
        horizontal=True,
    )
    sb.subheader(t("presets", lang))
    for name in view.PRESETS:
        sb.button(t(f"preset_{name}", lang), key=f"preset_{name}", on_click=apply_preset, args=(name,), width="stretch")
    sb.button(t("preset_reset", lang), on_click=apply_preset_reset, width="stretch")

    sb.subheader(t("filters", lang))

    def optional_select(label: str, key: str, options: Sequence, show: Callable[[Any], str]) -> None:
        """A select box whose first choice is 전체/All; a value no longer offered resets to it."""
        if no_longer_offered(key, options):
            st.session_state[key] = ALL
        sb.selectbox(
            t(label, lang), [ALL, *options], key=key,
            format_func=lambda v: fmt_none if v == ALL else show(v),
        )  # fmt: skip

    def group_name(g: str) -> str:
        return g if lang == "ko" else regions.REGION_GROUPS_EN.get(g, g)

    def region_name(code: str) -> str:
        return regions.name(code, lang)

    # Cascading: each box's options depend on the boxes drawn before it.
    optional_select("region_group", "w_group", [*regions.REGION_GROUPS, *regions.SUPER_GROUPS], group_name)
    group = st.session_state.get("w_group") or None
    optional_select("sido", "w_sido", view.sido_options(group), region_name)
    sido = st.session_state.get("w_sido") or None
    optional_select("sigungu", "w_sgg", view.sigungu_options(sido, group), region_name)
    optional_select("specialty", "w_spec", view.SPECIALTIES, lambda v: i18n.label(i18n.SPECIALTIES, v, lang))
    optional_select("field", "w_field", programs.FIELDS, lambda v: view.field_label(v, lang))
    optional_select(
        "program_type", "w_type", list(i18n.PROGRAM_TYPES), lambda v: i18n.label(i18n.PROGRAM_TYPES, v, lang)
    )
    optional_select("year", "w_year", list(years), str)
    area_box(lang, fmt_none)
    compare_box(lang, years)

    sb.subheader(t("map_settings", lang))
    sb.radio(
        t("level", lang),
        view.LEVELS,
        key="w_level",
        format_func=lambda v: t(f"level_{v}", lang),
        horizontal=True,
    )
    sb.selectbox(
        t("metric", lang),
        view.metric_keys(),
        key="w_metric",
        format_func=lambda m: view.metric_label(m, lang),
    )
    sb.radio(
        t("represent", lang),
        view.REPRESENTATIONS,
        key="w_repr",
        format_func=lambda v: t(f"represent_{v}", lang),
        horizontal=True,
        # a change between two years is always coloured (a signed value has no area)
        disabled=bool(st.session_state.get("w_vs")) and not st.session_state.get("w_side"),
        help=t("represent_help", lang),
    )
    sb.radio(
        t("scheme", lang),
        view.SCHEMES,
        key="w_scheme",
        format_func=lambda v: t(f"scheme_{v}", lang),
        horizontal=True,
    )
    sb.toggle(t("briefing", lang), key="w_brief")
    upload_box(lang)


def area_box(lang: str, fmt_none: str) -> None:
    """The 인구감소지역 filter: decline / interest / other 시군구, each with its number of units."""
    try:
        table = policy_areas.load()
    except policy_areas.PolicyAreaError as exc:  # the rest of the sidebar still works
        st.sidebar.warning(t("area_table_error", lang, error=exc.problems[0]))
        return
    units = {"decline": table.count(policy_areas.DECLINE), "interest": table.count(policy_areas.INTEREST)}
    units["other"] = policy_areas.n_sigungu() - units["decline"] - units["interest"]

    def show(v: str) -> str:
        return fmt_none if v == ALL else t("area_units", lang, label=t(f"area_{v}", lang), n=units[v])

    st.sidebar.selectbox(
        t("area", lang), [ALL, *policy_areas.AREAS], key="w_area", format_func=show, help=t("area_help", lang)
    )


def compare_box(lang: str, years: Sequence[int]) -> None:
    """The second year of a comparison (offered once a year is chosen) and the side-by-side switch."""
    sb = st.sidebar
    year = st.session_state.get("w_year") or None
    options = [y for y in years if y != year]
    if no_longer_offered("w_vs", options):
        st.session_state["w_vs"] = ALL
    sb.selectbox(
        t("compare_year", lang), [ALL, *options], key="w_vs", disabled=year is None, help=t("compare_help", lang),
        format_func=lambda v: t("compare_none", lang) if v == ALL else str(v),
    )  # fmt: skip
    sb.toggle(t("side_by_side", lang), key="w_side", disabled=year is None or not st.session_state.get("w_vs"))
