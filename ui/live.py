"""The page's side of the live data path: a tiny periodic check that reruns an open page when the
store's data version changes, and the words that name the version on the page.

Why a fragment: ``st.fragment(run_every=…)`` reruns only this function on a timer, so an idle
open page costs one cached lookup every few seconds (``geo.live`` asks the database at most every
``POLL_S`` per replica, however many pages are open). When the version moved it reruns the whole
page; the view lives in the widgets and the URL, so the official keeps their filters, level and
selection and sees the new figures.
"""

from __future__ import annotations

import logging

import streamlit as st

from geo import live
from geo import store as gs
from geo.i18n import t

log = logging.getLogger("app")
EVERY_S = 2.0  # how often an open page checks (a change shows within EVERY_S + POLL_S + preparing it)
SHOWN = "data_version"  # session_state: the version this page was drawn from


@st.fragment(run_every=EVERY_S)
def watch() -> None:
    """Rerun the page when the store's current version is not the one it shows."""
    s, _ = live.open_store()
    if s is None:
        return
    try:
        now = live.current_version(s)
    except gs.StoreError:  # the page already says so (or will, on its next run)
        return
    if now != st.session_state.get(SHOWN):
        st.rerun(scope="app")


def version_words(state: live.Live, lang: str) -> str:
    """ "데이터 버전 12 (2026-12-07)", or "" for the bundled data (no store, or a failed one)."""
    if not state.version or state.created_at is None:
        return ""
    return t("data_version", lang, n=state.version, date=f"{state.created_at:%Y-%m-%d}")
