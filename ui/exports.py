"""The downloads: CSV, standalone HTML, the PNG/PDF sheet, the PowerPoint deck and the 한글
보고서, each made only when its button is clicked."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from geo import compare, dataset, export, maps, view
from geo.i18n import t
from geo.view import ViewState


def exports(v: view.View, state: ViewState, data: dataset.DataSet) -> None:
    """Download buttons; each file is made only when its button is clicked (Streamlit runs the
    callable then), so filter changes never pay for an export nobody asked for."""
    lang = state.lang
    st.subheader(t("exports", lang))
    stem = "kdim_" + "_".join(f"{k}-{x}" for k, x in sorted(view.to_query(state).items()) if k not in ("lang",))
    stem = stem.strip("_")[:80] or "kdim"
    sheet = briefing_arguments(state, data.reconciliation)
    scenes = st.multiselect(
        t("deck_scenes", lang), ["current", *view.PRESETS], default=["current", *view.PRESETS], key="w_deck",
        format_func=lambda k: t("deck_current", lang) if k == "current" else t(f"preset_{k}", lang),
    )  # fmt: skip
    buttons = [
        ("export_csv", "csv", "text/csv", lambda: export.records_csv(v.table)),
        ("export_html", "html", "text/html", lambda: export_html(state, v, data)),
        ("export_png", "png", "image/png", lambda: briefing_file("png", data.records, sheet)),
        ("export_pdf", "pdf", "application/pdf", lambda: briefing_file("pdf", data.records, sheet)),
        ("export_pptx", "pptx", PPTX, lambda: deck_file(data, state, scenes)),
        ("export_hwpx", "hwpx", HWPX, lambda: report_file(data.records, sheet)),
    ]
    row = st.container(horizontal=True, wrap=True)  # each button as wide as its label; a row wraps, never cuts one
    for label, ext, mime, make in buttons:
        row.download_button(
            t(label, lang), make, file_name=f"{stem}.{ext}", mime=mime, key=f"dl_{ext}", on_click="ignore"
        )


def export_html(state: ViewState, v: view.View, data: dataset.DataSet) -> bytes:
    """The map as one offline HTML page, with its table; a comparison's change map and change table."""
    settings = maps.MapSettings.projector(height="100vh", scheme=state.scheme, represent=state.represent)
    if state.compare_year is None:
        m = maps.build_map(**view.map_arguments(v, settings))
        title = maps.page_title(level=state.level, metric=state.metric, lang=state.lang, filters=state.filters())
        alternative = maps.summary_html(
            v.values, metric=state.metric, lang=state.lang, title=title, share=v.policy_line
        )
    else:
        cmp = dataset.compared(data, state)
        m = maps.build_map(**compare.map_arguments(v, cmp, settings))
        title = compare.title(state)
        alternative = maps.change_html(compare.change_frame(cmp, state.lang), lang=state.lang, title=title)
    return export.standalone_html(m, lang=state.lang, title=title, alternative=alternative).encode("utf-8")


def briefing_arguments(state: ViewState, reconciliation: pd.DataFrame) -> dict:
    return {
        "filters": state.filters(),
        "level": state.level,
        "metric": state.metric,
        "lang": state.lang,
        "settings": maps.MapSettings(scheme=state.scheme, represent=state.represent),
        "layers": maps.sheet_layers(state.program_type, state.specialty),  # the web map's scene
        "reconciliation": reconciliation,
        "compare_year": state.compare_year,  # a comparison's sheet draws the change, as the page does
    }


PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def deck_file(data: dataset.DataSet, state: ViewState, scenes: Sequence[str]) -> bytes:
    """The PowerPoint deck of the ticked scenes (the current view and presets; made on click)."""
    from geo import deck

    chosen = [state if k == "current" else k for k in scenes] or None
    return deck.deck_pptx(
        data.records, lang=state.lang, scenes=chosen, reconciliation=data.reconciliation,
        coverage=data.coverage_by_year.get(state.lang),
    )  # fmt: skip


HWPX = "application/hwp+zip"  # the type 한글 registers for .hwpx


def report_file(records: pd.DataFrame, kwargs: dict) -> bytes:
    """The one-page 한글 보고서 of the view (a second or two; made on click)."""
    from geo import report

    return report.report_hwpx(records, **kwargs)


def briefing_file(kind: str, records: pd.DataFrame, kwargs: dict) -> bytes:
    """The one-page PNG or PDF sheet of the view (a second or two; made on click)."""
    from geo import briefing

    render = briefing.briefing_png if kind == "png" else briefing.briefing_pdf
    return render(records, **kwargs)
