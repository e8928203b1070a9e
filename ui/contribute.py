"""The editor's page: upload a file, see what it would change (a list and a map), write a note, submit;
and the status of their own submissions.

Why through ``geo.submissions`` only: it reads the file with the same loader as ``python -m geo
validate`` (CSV now; spreadsheets once the loader reads them), refuses rows outside the editor's
regions and checks the role on the server. Nothing here changes what viewers see: a submission
waits for a reviewer. Everything a user typed or uploaded is escaped before it becomes HTML.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable

import pandas as pd
import streamlit as st

from geo import store as gs
from geo import submissions
from geo.accounts import PermissionDenied, User
from geo.i18n import t
from ui.upload import plain  # text a user chose, as literal Markdown

log = logging.getLogger("app")
FILE_TYPES = ["csv", "tsv", "txt", "xlsx", "xlsm", "xls", "ods"]  # what the loader is asked to read
ShowMap = Callable[[bytes, str], None]  # (records as a programs file, widget key) → figures and map


def diff_html(diff: submissions.Diff, lang: str, names: dict[str, str] | None = None) -> str:
    """The diff as an escaped HTML list: added ids (with their names), changed cells old → new."""
    names = names or {}
    e = html.escape
    added = e(t("diff_added", lang))
    items = [
        f"<li><strong>{added}</strong> {e(i)}" + (f" — {e(names[i])}" if names.get(i) else "") + "</li>"
        for i in diff.added
    ]
    for rid, cols in diff.changed.items():
        cells = "; ".join(f"{e(c)}: {e(old or '—')} → {e(new or '—')}" for c, (old, new) in cols.items())
        items.append(f"<li><strong>{e(t('diff_changed', lang))}</strong> {e(rid)}: {cells}</li>")
    if not items:
        return f"<p>{e(t('diff_none', lang))}</p>"
    return '<ul class="kdim-diff">' + "".join(items) + "</ul>"


def status_label(status: str, lang: str) -> str:
    return t(f"status_{status}", lang)


def submissions_frame(subs: list[submissions.Submission], lang: str) -> pd.DataFrame:
    """Submissions as a table (id, file, author, status, reason or conflicts, when, version)."""
    rows = [
        {
            t("col_submission", lang): f"#{s.id}",
            t("col_file", lang): s.file_name,
            t("col_author", lang): s.author,
            t("col_status", lang): status_label(s.status, lang),
            t("col_reason", lang): s.reason or ", ".join(s.conflicts),
            t("col_when", lang): f"{s.created_at:%Y-%m-%d %H:%M}",
            t("col_version", lang): "" if s.version_id is None else str(s.version_id),
        }
        for s in subs
    ]
    return pd.DataFrame(rows)


def submit_page(lang: str, s: gs.Store, user: User, show_map: ShowMap) -> None:
    """Upload → the checker's messages, refused rows, the diff (list and map) → note → 제출."""
    st.subheader(t("page_submit", lang))
    st.caption(t("submit_intro", lang))
    if done := st.session_state.pop("submit_done", None):
        st.success(t("submit_done", lang, id=done))
    n = st.session_state.get("submit_n", 0)  # a new key empties the uploader after a submission
    up = st.file_uploader(t("submit_file", lang), type=FILE_TYPES, key=f"w_submit_file_{n}")
    if up is not None:
        try:
            _preview_and_submit(lang, s, user, up.name, up.getvalue(), show_map)
        except (PermissionDenied, gs.StoreError) as exc:
            st.error(t("submit_failed", lang, error=plain(str(exc))))
    st.subheader(t("my_submissions", lang))
    try:
        mine = submissions.list_submissions(s, user)
    except (PermissionDenied, gs.StoreError) as exc:
        st.error(t("submit_failed", lang, error=plain(str(exc))))
        return
    if mine:
        st.dataframe(submissions_frame(mine, lang), hide_index=True, width="stretch", key="my_submissions")
    else:
        st.caption(t("no_submissions", lang))


def _preview_and_submit(lang: str, s: gs.Store, user: User, name: str, data: bytes, show_map: ShowMap) -> None:
    try:
        p = submissions.preview(s, user, data, name)
    except Exception as exc:  # a file the loader cannot even read: one message, the page keeps running
        log.exception("submission preview")
        st.error(t("submit_failed", lang, error=plain(str(exc))))
        return
    with st.expander(t("submit_report", lang), expanded=bool(p.errors)):
        st.code(p.report, language=None)
    if p.errors:
        lines = "\n".join(f"- {plain(e)}" for e in p.errors[:50])
        st.error(t("submit_errors", lang, name=plain(name)) + "\n\n" + lines)
        return
    if p.refused:
        st.warning(t("submit_refused", lang) + "\n\n" + "\n".join(f"- {plain(r['reason'])}" for r in p.refused))
    st.markdown(f"**{t('diff_title', lang)}**")
    st.html(diff_html(p.diff, lang, {r[0]: r[4] for r in p.rows}))
    if not p.diff.added and not p.diff.changed:
        return
    st.caption(t("preview_map", lang))
    show_map(submissions.merged_records(s, p.rows)[2], "map_submit")
    with st.form("submit_form"):
        note = st.text_area(t("submit_note", lang), key="w_submit_note", max_chars=2000)
        sent = st.form_submit_button(t("submit_button", lang))
    if sent:
        try:
            sid, _ = submissions.submit(s, user, data, name, note)
        except (submissions.SubmissionRefused, PermissionDenied, gs.StoreError) as exc:
            st.error(t("submit_failed", lang, error=plain(str(exc))))
            return
        st.session_state["submit_done"] = sid
        st.session_state["submit_n"] = st.session_state.get("submit_n", 0) + 1
        st.rerun()
