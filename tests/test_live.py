"""geo/live.py: which records a replica serves with a shared store, and how fast it sees a new version."""

from __future__ import annotations

import time

import pytest

from geo import accounts, dataset, live, store, submissions
from tests.test_contribute_app import busan_file


@pytest.fixture
def shared(tmp_path, monkeypatch):
    monkeypatch.setenv("KDIM_STORE_URL", f"sqlite:///{tmp_path / 'store.sqlite3'}")
    live.reset()
    s = store.open_store()
    yield s
    s.close()
    live.reset()


def test_no_store_is_the_bundled_viewer(monkeypatch):
    monkeypatch.delenv("KDIM_STORE_URL", raising=False)
    live.reset()
    lv = live.now()
    assert (lv.data, lv.store, lv.version, lv.message) == (None, None, 0, "")
    assert not live.configured()


def test_versions_keyed_polled_and_prepared_once(shared, monkeypatch):
    monkeypatch.setattr(live, "POLL_S", 600.0)  # the replica's poll interval, stretched to see its cache
    lv = live.now()
    assert lv.version == 1 and lv.message == ""
    assert lv.data is dataset.bundled()  # the seed is data/programs.csv: the build-time prepared store

    editor = accounts.User("kim", "editor", ("26",))
    sid, _ = submissions.submit(shared, editor, busan_file(), "busan.csv")
    assert submissions.approve(shared, accounts.User("lee", "reviewer", ("*",)), sid) == 2
    assert live.now().version == 1  # asked less than POLL_S ago: the replica's cached answer
    monkeypatch.setattr(live, "POLL_S", 0.5)
    time.sleep(0.5)
    lv2 = live.now()
    assert lv2.version == 2 and lv2.data is not None
    assert lv2.data.key.startswith("store-v2-")
    rec = lv2.data.records.set_index("id").loc["BS-BLOCKCHAIN"]
    assert (rec["annual_national"], rec["annual_total"]) == (35, 66)
    assert lv2.raw is not None and len(lv2.raw) == len(dataset.bundled().records)
    assert live.now().data is lv2.data  # prepared once per version
    assert f"{lv2.created_at:%Y-%m-%d}" == f"{store.utcnow():%Y-%m-%d}"


def test_with_timeout_only_for_postgresql():
    assert (
        live.with_timeout("postgresql+psycopg://k:pw@db/kdim") == "postgresql+psycopg://k:pw@db/kdim?connect_timeout=5"
    )
    assert live.with_timeout("postgresql+psycopg://k@db/kdim?connect_timeout=2").endswith("connect_timeout=2")
    assert live.with_timeout("sqlite:////srv/kdim/store.sqlite3") == "sqlite:////srv/kdim/store.sqlite3"
