"""Sign-in and sign-out in the sidebar, and who is signed in (only when a shared store is configured).

Why the token lives only in ``st.session_state``: it is the proof of a signed-in session, and a
URL is shared, logged and kept in browser history; a page reload signs out, which is the safer
default on shared office PCs. Every check that matters happens on the server in
``geo.accounts`` / ``geo.submissions``; this module only asks them. Behind a ministry's single
sign-on (``KDIM_TRUST_PROXY_USER=1``) the user comes from the proxy's ``X-Remote-User`` header
(``st.context.headers``), read once per session (each reading is audited).
"""

from __future__ import annotations

import logging
import os

import streamlit as st

from geo import accounts, regions
from geo import store as gs
from geo.accounts import User
from geo.i18n import t
from ui.upload import plain

log = logging.getLogger("app")
TOKEN = "auth_token"  # session_state key of the session token (never in the URL)
PROXY = "auth_proxy_user"  # the proxy's user name, once read


def proxy_trusted() -> bool:
    """The opt-in single sign-on mode (README, "Single sign-on in front")."""
    return os.environ.get(accounts.PROXY_ENV, "") == "1"


def current_user(s: gs.Store | None) -> User | None:
    """The signed-in user of this browser session, checked against the store on every run."""
    if s is None:
        return None
    try:
        if proxy_trusted():
            return _proxy_user(s)
        token = st.session_state.get(TOKEN)
        user = accounts.session_user(s, token)
    except gs.StoreError:
        log.exception("signed-in user")
        return None
    if token and user is None:  # expired, ended by a new password, or the account removed
        st.session_state.pop(TOKEN, None)
        st.session_state["auth_note"] = "signin_expired"
    return user


def _proxy_user(s: gs.Store) -> User | None:
    if PROXY not in st.session_state:
        user = accounts.proxy_user(s, dict(st.context.headers), trusted=True)
        st.session_state[PROXY] = user.name if user else ""
    name = st.session_state[PROXY]
    return accounts.get_user(s, name) if name else None


def scope_words(user: User, lang: str) -> str:
    if accounts.ALL in user.scope:
        return t("scope_all", lang)
    return ", ".join(regions.name(c, lang) for c in user.scope)


def panel(lang: str, s: gs.Store | None, user: User | None) -> None:
    """The sidebar's sign-in form, or who is signed in with a sign-out button."""
    if s is None:
        return
    sb = st.sidebar
    sb.subheader(t("signin_title", lang))
    if note := st.session_state.pop("auth_note", None):
        sb.info(t(note, lang))
    if user is not None:
        role = t(f"role_{user.role}", lang)
        sb.caption(t("signed_in_as", lang, name=user.name, role=role, scope=scope_words(user, lang)))
        if not proxy_trusted():
            sb.button(t("signout", lang), key="signout", on_click=_sign_out, args=(s,))
        return
    if proxy_trusted():
        return  # the proxy signs people in; no password form here
    with sb.form("signin", clear_on_submit=True, enter_to_submit=True):
        name = st.text_input(t("signin_name", lang), key="w_signin_name", autocomplete="username")
        password = st.text_input(
            t("signin_password", lang), key="w_signin_password", type="password", autocomplete="current-password"
        )
        sent = st.form_submit_button(t("signin", lang))
    if sent:
        try:
            session = accounts.sign_in(s, name.strip(), password)
        except (accounts.SignInError, gs.StoreError) as exc:
            sb.error(t("signin_failed", lang, error=plain(str(exc))))
            return
        st.session_state[TOKEN] = session.token
        st.rerun()


def _sign_out(s: gs.Store) -> None:
    token = st.session_state.pop(TOKEN, None)
    st.session_state.pop("w_page", None)
    if token:
        try:
            accounts.sign_out(s, token)
        except gs.StoreError:
            log.exception("sign out")


def page_choice(lang: str, user: User | None) -> str:
    """The signed-in user's choice of page: the map, submitting (editors) or reviewing (reviewers)."""
    if user is None:
        return "map"
    pages = ["map"] + [p for p, cap in (("submit", "submit"), ("review", "review")) if user.can(cap)]
    if len(pages) == 1:
        return "map"
    if st.session_state.get("w_page") not in pages:
        st.session_state["w_page"] = "map"
    return st.sidebar.radio(t("work_page", lang), pages, key="w_page", format_func=lambda p: t(f"page_{p}", lang))
