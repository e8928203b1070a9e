"""The sidebar's upload: a CSV or a workbook, checked, for this browser session only.

A file whose header is not the schema's (an official's own sheet: 사업명, 국비, 시군구 …) is
not read at once: the page shows how each found column would be read (geo.headers' guess, one
select per column) and the records are read only when the user confirms ("이 대응으로 읽기").
"""

from __future__ import annotations

import hashlib
import logging
import re

import pandas as pd
import streamlit as st

from geo import csvread, headers, programs, sheets
from geo.i18n import t

log = logging.getLogger("app")
UPLOAD_LIMIT_MB = 5
UPLOAD_TYPES = ["csv", "xlsx", "xlsm", "xls", "ods"]
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!|<>~$&])")  # what makes a link, emphasis, math or HTML


def plain(text: str) -> str:
    """Text a user chose (a file name) as literal Markdown: no link, emphasis, math or HTML
    made from ``[x](javascript:…)``, ``*…*``, ``$…$`` or ``<img …>`` in a name."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _found_header(data: bytes, sheet: str | None) -> list[str] | None:
    """The header the file would be read with, when it needs a mapping (None: read it as it is)."""
    try:
        header = programs.read_table(data, sheet=sheet).header
    except csvread.FileRefused:
        return None  # load_programs reports it
    return header if headers.needs_mapping(header) else None


def _load(data: bytes, name: str, digest: str, sheet: str | None, mapping: dict[str, str] | None = None) -> None:
    try:
        result = programs.load_programs(data, name=name, sheet=sheet, mapping=mapping)
    except Exception as exc:  # a file we cannot even parse: say so, keep the app running
        log.exception("upload failed")
        st.sidebar.error(f"{plain(name)}: {plain(str(exc))}")
        return
    st.session_state["upload"] = {"digest": digest, "name": plain(name), "load": result}
    st.session_state.pop("upload_pending", None)


def mapping_form(lang: str) -> None:
    """One select per found column (default: the table's guess); the records are read on confirm."""
    pend = st.session_state["upload_pending"]
    sb = st.sidebar
    sb.markdown(f"**{t('upload_map_title', lang)}**")
    sb.caption(t("upload_map_help", lang, name=plain(pend["name"])))
    options = ["", *headers.TARGETS]
    with sb.form(f"upload_map_{pend['digest']}"):
        chosen = {}
        for j, c in enumerate(headers.guess(pend["header"])):
            chosen[c.found] = st.selectbox(
                plain(c.found), options, index=options.index(c.column), key=f"w_map_{pend['digest']}_{j}",
                format_func=lambda v: t("upload_map_skip", lang) if v == "" else v, help=c.why,
            )  # fmt: skip
        if st.form_submit_button(t("upload_map_read", lang), type="primary"):
            _load(pend["data"], pend["name"], pend["digest"], pend["sheet"], mapping=chosen)
            st.rerun()


def upload_box(lang: str) -> None:
    sb = st.sidebar
    sb.subheader(t("upload", lang))
    up = sb.file_uploader(
        t("upload", lang), type=UPLOAD_TYPES, help=t("upload_help", lang), label_visibility="collapsed"
    )
    sb.radio(
        t("upload_mode", lang), ("add", "replace"), key="w_upload_mode", horizontal=True,
        format_func=lambda v: t(f"upload_{v}", lang),
    )  # fmt: skip
    if up is not None:
        data = up.getvalue()
        digest = hashlib.sha256(data).hexdigest()[:16]
        if len(data) > UPLOAD_LIMIT_MB * 1024 * 1024:
            sb.error(t("upload_too_big", lang, name=plain(up.name), size=len(data) / 1e6, limit=UPLOAD_LIMIT_MB))
        else:
            _take(data, up.name, digest, lang)
    if st.session_state.get("upload_pending"):
        mapping_form(lang)
    info = st.session_state.get("upload")
    if info:
        upload_report(info, lang)


def _take(data: bytes, name: str, digest: str, lang: str) -> None:
    """Read a new upload (or its newly chosen sheet); a header that is not the schema's waits for the mapping."""
    known = st.session_state.setdefault("upload_sheets", {})
    if digest not in known:  # the workbook's sheets, opened once per file (not on every rerun)
        known.clear()
        known[digest] = sheets.worksheets(data)
    names = known[digest]
    sheet = None
    if len(names) > 1:
        sheet = st.sidebar.selectbox(t("upload_sheet", lang), names, key=f"w_upload_sheet_{digest}")
        digest = f"{digest}-{names.index(sheet)}"
    seen = {st.session_state.get(k, {}).get("digest") for k in ("upload", "upload_pending")}
    if digest in seen:
        return
    header = _found_header(data, sheet)
    if header is None:
        _load(data, name, digest, sheet)
    else:
        pending = {"digest": digest, "name": name, "data": data, "header": header, "sheet": sheet}
        st.session_state["upload_pending"] = pending


def upload_report(info: dict, lang: str) -> None:
    """What the upload gave: counts, the mapping used, every issue with its place."""
    sb = st.sidebar
    res: programs.ProgramLoad = info["load"]
    msg = t(
        "upload_result", lang, name=info["name"], encoding=plain(res.encoding or ""),
        n_ok=len(res.records), n_rej=len(res.rejected_rows), n_warn=len(res.warnings),
    )  # fmt: skip
    (sb.warning if res.issues else sb.success)(msg)
    for line in res.mapping_lines():
        sb.caption(plain(line))
    if res.issues:
        rows = [
            {"severity": i.severity, "row": i.row, "column": i.column, "value": i.value,
             "expected": i.expected, "message": i.message}
            | ({"place": i.place} if i.place else {})
            for i in res.issues
        ]  # fmt: skip
        sb.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    sb.button(t("upload_clear", lang), on_click=lambda: st.session_state.pop("upload", None))
