"""The sidebar: language, presets, filters (cascading), the year comparison, map settings, upload."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from geo import i18n, maps, programs, regions, view
from geo.i18n import t
from ui.state import ALL, apply_preset, apply_preset_reset

log = logging.getLogger("app")


UPLOAD_LIMIT_MB = 5


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


MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!|<>~$&])")  # what makes a link, emphasis, math or HTML


def plain(text: str) -> str:
    """Text a user chose (a file name) as literal Markdown: no link, emphasis, math or HTML
    made from ``[x](javascript:…)``, ``*…*``, ``$…$`` or ``<img …>`` in a name."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


def upload_box(lang: str) -> None:
    sb = st.sidebar
    sb.subheader(t("upload", lang))
    up = sb.file_uploader(t("upload", lang), type=["csv"], help=t("upload_help", lang), label_visibility="collapsed")
    sb.radio(
        t("upload_mode", lang), ("add", "replace"), key="w_upload_mode", horizontal=True,
        format_func=lambda v: t(f"upload_{v}", lang),
    )  # fmt: skip
    if up is not None:
        data = up.getvalue()
        digest = hashlib.sha256(data).hexdigest()[:16]
        if len(data) > UPLOAD_LIMIT_MB * 1024 * 1024:
            sb.error(t("upload_too_big", lang, name=plain(up.name), size=len(data) / 1e6, limit=UPLOAD_LIMIT_MB))
        elif st.session_state.get("upload", {}).get("digest") != digest:
            try:
                result = programs.load_programs(data, name=up.name)
            except Exception as exc:  # a file we cannot even parse: say so, keep the app running
                log.exception("upload failed")
                sb.error(f"{plain(up.name)}: {plain(str(exc))}")
                result = None
            if result is not None:
                st.session_state["upload"] = {"digest": digest, "name": plain(up.name), "load": result}
    info = st.session_state.get("upload")
    if info:
        res: programs.ProgramLoad = info["load"]
        n_rej = len(res.rejected_rows)
        msg = t(
            "upload_result", lang, name=info["name"], encoding=res.encoding,
            n_ok=len(res.records), n_rej=n_rej, n_warn=len(res.warnings),
        )  # fmt: skip
        (sb.warning if res.issues else sb.success)(msg)
        if res.issues:
            issues = pd.DataFrame(
                [
                    {"severity": i.severity, "row": i.row, "column": i.column, "value": i.value,
                     "expected": i.expected, "message": i.message}
                    for i in res.issues
                ]
            )  # fmt: skip
            sb.dataframe(issues, hide_index=True, width="stretch")
        sb.button(t("upload_clear", lang), on_click=lambda: st.session_state.pop("upload", None))
