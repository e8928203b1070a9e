"""The view as the page holds it: widget keys ↔ ViewState, the URL on a session's first run,
presets and the buttons that change the view from a callback."""

from __future__ import annotations

import logging

import streamlit as st

from geo import view
from geo.view import ViewState

log = logging.getLogger("app")


WIDGETS = {  # ViewState field → widget key
    "lang": "w_lang",
    "level": "w_level",
    "metric": "w_metric",
    "scheme": "w_scheme",
    "region_group": "w_group",
    "sido_code": "w_sido",
    "sigungu_code": "w_sgg",
    "specialty": "w_spec",
    "field": "w_field",
    "program_type": "w_type",
    "year": "w_year",
    "compare_year": "w_vs",
    "side_by_side": "w_side",
    "briefing": "w_brief",
    "emd": "w_emd",
    "area": "w_area",
    "represent": "w_repr",
}


ALL = ""  # the "전체 / All" choice of a select box (None would show Streamlit's placeholder)


def state_from_widgets() -> ViewState:
    s = st.session_state
    values = {name: s[key] for name, key in WIDGETS.items() if key in s}
    values = {k: (None if v == ALL else v) for k, v in values.items()}
    values = {k: v for k, v in values.items() if v is not None or k in OPTIONAL}
    return view.consistent(ViewState(**values, selected=s.get("selected")))


OPTIONAL = {
    "region_group", "sido_code", "sigungu_code", "specialty", "field", "program_type", "year", "compare_year", "area",
}  # fmt: skip


def put_state(state: ViewState, keep: frozenset[str] = frozenset()) -> None:
    """Write a view into the widgets' keys (before they are drawn: presets, URL, first run),
    except the widget keys in ``keep``."""
    for name, key in WIDGETS.items():
        if key not in keep:
            v = getattr(state, name)
            st.session_state[key] = ALL if v is None else v
    st.session_state["selected"] = state.selected


def sent_widget_keys() -> frozenset[str]:
    """Widget keys whose values the browser sent with this run.

    In a new session Streamlit has not yet mapped keys to widget ids, so ``key in
    st.session_state`` is False even when the browser sent the widget's value; the sent values
    sit under their ids (``$$ID-<hash>-<key>``) in the session's widget state. Streamlit is
    pinned (requirements.txt); tests/e2e/test_restart.py fails if this stops working.
    """
    try:
        from streamlit.runtime.state.session_state_proxy import get_session_state

        ids = list(get_session_state()._state._new_widget_state.keys())
    except Exception:  # another Streamlit: the URL wins, as before
        log.exception("widget state of a new session")
        return frozenset()
    return frozenset(key for key in WIDGETS.values() if any(i.endswith("-" + key) for i in ids))


def first_run() -> None:
    """A session's first run: the view from the URL. After a server restart or a failover the
    page reconnects to a new session whose first run already carries the widgets' values (the
    change the user just made): those win over the URL, which still shows the view before it."""
    state, ignored = view.from_query(st.query_params.to_dict())
    put_state(state, keep=sent_widget_keys())
    st.session_state["init"] = True
    st.session_state["ignored"] = ignored


def apply_preset(name: str) -> None:
    put_state(view.preset(name, st.session_state.get("w_lang", "ko")))


def apply_preset_reset() -> None:
    put_state(ViewState(lang=st.session_state.get("w_lang", "ko")))


def clear_selection() -> None:
    st.session_state["selected"] = None
    st.session_state["w_emd"] = False


def leave_briefing() -> None:
    st.session_state["w_brief"] = False
