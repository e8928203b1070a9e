"""The live data path: which records a replica serves when a shared store is configured.

Why a module of its own: every replica reads the same store (``KDIM_STORE_URL``) and must
notice a new version (an approval, a rollback) within seconds, without a restart, while a
replica without a store stays exactly the viewer of the bundled data. Here, without Streamlit:
the store opened once per process (retried after a failure), ``current_version()`` polled at
most every ``POLL_S`` seconds per process however many pages ask, and each version's records
prepared once per process under a key that names the version (so ``geo.dataset``'s views and
every cache above them key on the data version). A version whose records are exactly
``data/programs.csv`` (the seed) uses the build-time prepared store: no slower start.

Any store failure (missing, read-only, unreachable) becomes one sentence for the page and the
bundled records: the viewer keeps working.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
import sqlalchemy as sa

from geo import dataset, programs
from geo import store as st

log = logging.getLogger(__name__)
POLL_S = 1.0  # a replica asks the database for the current version at most this often
RETRY_S = 10.0  # a store that failed to open is tried again after this long
MAX_VERSIONS = 4  # versions' records kept per process (the current one and a few before it)
CONNECT_TIMEOUT_S = 5  # PostgreSQL: a host that drops packets must not hold a page for minutes


@dataclass(frozen=True)
class Live:
    """What a page works on: the data set, its version (0: bundled) and a sentence if the store failed."""

    data: dataset.DataSet | None  # None: no store configured or usable (the page uses the bundled data)
    raw: pd.DataFrame | None  # the version's validated records before attaching (an upload's base)
    version: int
    created_at: datetime | None
    message: str  # the store's failure, one sentence; "" when all is well
    store: st.Store | None


_lock = threading.Lock()
_opened: dict[str, object] = {}  # url -> (store | None, message, time)
_polled: dict[str, tuple[float, int, str]] = {}  # url -> (time, version, message)
_versions: dict[str, tuple[dataset.DataSet, pd.DataFrame | None, datetime]] = {}
_seed_digest: list[str] = []


def configured() -> bool:
    """True when ``KDIM_STORE_URL`` is set: the app then reads the store (and offers sign-in)."""
    return st.configured_url() is not None


def open_store() -> tuple[st.Store | None, str]:
    """The configured store, opened (created and seeded if new) once per process; (None, why) on failure."""
    url = st.configured_url()
    if url is None:
        return None, ""
    with _lock:
        got = _opened.get(url)
        if got is not None:
            s, msg, at = got  # type: ignore[misc]
            if s is not None or time.monotonic() - at < RETRY_S:
                return s, msg
        try:
            s, msg = st.open_store(with_timeout(url)), ""
        except st.StoreError as exc:
            s, msg = None, str(exc)
        if msg:
            log.warning("store: %s", msg)
        _opened[url] = (s, msg, time.monotonic())
        return s, msg


def with_timeout(url: str) -> str:
    """A PostgreSQL URL with a connect timeout (unless it sets its own); other URLs unchanged."""
    try:
        u = sa.make_url(url)
    except sa.exc.ArgumentError:
        return url  # Store() says what is wrong with it
    if u.get_backend_name() != "postgresql" or "connect_timeout" in u.query:
        return url
    return u.update_query_dict({"connect_timeout": str(CONNECT_TIMEOUT_S)}).render_as_string(hide_password=False)


def current_version(s: st.Store) -> int:
    """The store's current version, asked at most every ``POLL_S`` seconds per process (StoreError)."""
    now = time.monotonic()
    with _lock:
        got = _polled.get(s.url)
        if got is not None and now - got[0] < POLL_S:
            if got[2]:
                raise st.StoreError(got[2])
            return got[1]
    try:
        vid, msg = s.current_version(), ""
    except st.StoreError as exc:
        vid, msg = 0, str(exc)
    with _lock:
        _polled[s.url] = (now, vid, msg)
    if msg:
        raise st.StoreError(msg)
    return vid


def _bundled_digest() -> str:
    if not _seed_digest:
        try:
            _seed_digest.append(hashlib.sha256(programs.DATA_FILE.read_bytes()).hexdigest())
        except OSError:
            _seed_digest.append("")
    return _seed_digest[0]


def version_data(s: st.Store, vid: int) -> tuple[dataset.DataSet, pd.DataFrame | None, datetime]:
    """Version ``vid``'s records prepared (once per process), its raw records and its date.

    The records equal to the bundled file (the seed, a rollback to it) come from the build-time
    store; the raw records are then None (``dataset.bundled_load()`` reads them when an upload needs them).
    """
    key = f"{s.url}#{vid}"
    with _lock:
        if key in _versions:
            return _versions[key]
    v = s.version(vid)
    if v.state_digest == _bundled_digest():
        got: tuple[dataset.DataSet, pd.DataFrame | None, datetime] = (dataset.bundled(), None, v.created_at)
    else:
        load = programs.load_programs(st.version_csv(s, vid), name=f"data version {vid}")
        data = dataset.prepare(f"store-v{vid}-{v.state_digest[:16]}", load.records)
        got = (data, load.records, v.created_at)
    with _lock:
        _versions[key] = got
        while len(_versions) > MAX_VERSIONS:
            _versions.pop(next(iter(_versions)))
    return got


def now() -> Live:
    """The records a page should show now: the store's current version, or the bundled data with
    the store's failure as a sentence (or nothing to say when no store is configured)."""
    s, msg = open_store()
    if s is None:
        return Live(None, None, 0, None, msg, None)
    try:
        vid = current_version(s)
        data, raw, created = version_data(s, vid)
    except st.StoreError as exc:
        return Live(None, None, 0, None, str(exc), s)
    except Exception as exc:  # records the app cannot prepare: the page keeps the bundled data and says why
        log.exception("data version from the store")
        return Live(None, None, 0, None, f"{type(exc).__name__}: {exc}", s)
    return Live(data, raw, vid, created, "", s)


def reset() -> None:
    """Forget opened stores, polls and versions (tests that point KDIM_STORE_URL elsewhere)."""
    with _lock:
        for got in _opened.values():
            s = got[0]  # type: ignore[index]
            if s is not None:
                s.close()  # type: ignore[attr-defined]
        _opened.clear()
        _polled.clear()
        _versions.clear()
        _seed_digest.clear()
