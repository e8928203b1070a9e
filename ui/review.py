"""The reviewer's page: pending submissions with their diff and map preview; approve, or reject with a reason.

Why the buttons call ``geo.submissions`` in callbacks: the outcome (a new data version, a
conflict, a refusal) is known before the page is drawn again, so the list below already shows
it. The role and the rules (nobody approves their own submission, conflicts against the base
version) are checked there, on the server, whatever the page shows.
"""

from __future__ import annotations

import logging

import streamlit as st

from geo import store as gs
from geo import submissions
from geo.accounts import PermissionDenied, User
from geo.i18n import t
from ui.contribute import ShowMap, diff_html, submissions_frame
from ui.upload import plain

log = logging.getLogger("app")
OPEN = ("pending", "conflict")
ERRORS = (submissions.SubmissionRefused, submissions.SubmissionConflict, PermissionDenied, gs.StoreError)


def review_page(lang: str, s: gs.Store, user: User, show_map: ShowMap) -> None:
    """Every open submission as a box (diff, refused rows, note, conflict); the decided ones as a table."""
    st.subheader(t("page_review", lang))
    st.caption(t("review_intro", lang))
    for kind, text in st.session_state.pop("review_msgs", []):
        (st.success if kind == "ok" else st.error)(text)
    try:
        subs = submissions.list_submissions(s, user)
    except ERRORS as exc:
        st.error(t("review_failed", lang, error=plain(str(exc))))
        return
    waiting = [x for x in subs if x.status in OPEN]
    if not waiting:
        st.caption(t("review_none", lang))
    for sub in waiting:
        with st.container(border=True, key=f"review_{sub.id}"):
            _item(lang, s, user, sub, show_map)
    decided = [x for x in subs if x.status not in OPEN]
    if decided:
        st.markdown(f"**{t('review_decided', lang)}**")
        st.dataframe(submissions_frame(decided, lang), hide_index=True, width="stretch", key="decided")


def _item(lang: str, s: gs.Store, user: User, sub: submissions.Submission, show_map: ShowMap) -> None:
    when = f"{sub.created_at:%Y-%m-%d %H:%M} UTC"
    st.markdown(f"**{plain(t('review_item', lang, id=sub.id, author=sub.author, file=sub.file_name, when=when))}**")
    status = t("status_" + sub.status, lang)
    st.caption(f"{t('review_base', lang, n=sub.base_version)} · {t('col_status', lang)}: {status}")
    if sub.note:
        st.text(sub.note)
    if sub.conflicts:
        st.warning(t("review_conflict", lang, ids=plain(", ".join(sub.conflicts))))
    st.html(diff_html(sub.diff, lang))
    if sub.refused:
        st.caption(t("submit_refused", lang) + ": " + "; ".join(plain(r["reason"]) for r in sub.refused))
    if st.toggle(t("review_show_map", lang), key=f"rv_map_{sub.id}"):
        try:
            show_map(submissions.submission_records(s, user, sub.id), f"map_review_{sub.id}")
        except ERRORS as exc:
            st.error(t("review_failed", lang, error=plain(str(exc))))
    left, right = st.columns([1, 2])
    if sub.status == "pending":
        args = (lang, s, user, sub.id)
        left.button(t("review_approve", lang), key=f"rv_ok_{sub.id}", type="primary", on_click=_approve, args=args)
    with right:
        st.text_input(t("review_reason", lang), key=f"rv_reason_{sub.id}", max_chars=1000)
        st.button(t("review_reject", lang), key=f"rv_no_{sub.id}", on_click=_reject, args=(lang, s, user, sub.id))


def _say(kind: str, text: str) -> None:
    st.session_state.setdefault("review_msgs", []).append((kind, text))


def _approve(lang: str, s: gs.Store, user: User, sid: int) -> None:
    try:
        vid = submissions.approve(s, user, sid)
    except ERRORS as exc:
        _say("error", t("review_failed", lang, error=plain(str(exc))))
        return
    _say("ok", t("review_approved", lang, id=sid, version=vid))


def _reject(lang: str, s: gs.Store, user: User, sid: int) -> None:
    reason = st.session_state.get(f"rv_reason_{sid}", "")
    try:
        submissions.reject(s, user, sid, reason)
    except ERRORS as exc:
        _say("error", t("review_failed", lang, error=plain(str(exc))))
        return
    _say("ok", t("review_rejected", lang, id=sid))
