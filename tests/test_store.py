"""The store on SQLite and on a real PostgreSQL: seed, versions, atomic writes, clear errors."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from geo import store

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "programs.csv"


def test_seed_is_version_one_and_exports_byte_identical(store_url: str) -> None:
    s = store.open_store(store_url, seed=SEED)
    try:
        assert s.current_version() == 1
        (v,) = s.history()
        assert (v.id, v.author, v.kind, v.parent, v.n_records) == (1, "seed", "seed", None, 164)
        assert v.file_digest == v.state_digest == store.digest(SEED.read_bytes())
        assert store.rows_csv(s.rows()) == SEED.read_bytes()
        assert store.rows_csv(s.rows(1)) == SEED.read_bytes()
        assert s.rows()[0][0] == SEED.read_text(encoding="utf-8").splitlines()[1].split(",")[0]
        assert [a["action"] for a in s.audit_log()] == ["seed"]
    finally:
        s.close()
    again = store.open_store(store_url, seed=SEED)  # a second start (another replica) does not re-seed
    assert again.current_version() == 1 and len(again.history()) == 1
    again.close()


def test_versions_chain_and_a_stale_parent_loses(store_url: str) -> None:
    s = store.open_store(store_url, seed=SEED)
    rows = s.rows()
    rows[0] = [rows[0][0], *["x"] * (len(rows[0]) - 1)]
    kw = {"author": "kim", "kind": "approve", "file_digest": "f" * 64, "state_digest": "s" * 64}
    assert s.add_version(rows[:10], parent=1, record_ids=[rows[0][0]], **kw) == 2
    assert s.current_version() == 2
    assert len(s.rows()) == 10 and s.rows()[0][1] == "x" and len(s.rows(1)) == 164
    with pytest.raises(store.VersionRaceError, match="Version 2 was written meanwhile"):
        s.add_version(rows, parent=1, **kw)
    assert s.current_version() == 2 and len(s.rows()) == 10
    v2 = s.version(2)
    assert (v2.parent, v2.author, v2.record_ids, v2.n_records) == (1, "kim", [rows[0][0]], 10)
    with pytest.raises(store.StoreError, match="There is no version 9"):
        s.rows(9)
    s.close()


def test_sqlite_runs_in_wal_mode_in_a_private_file(tmp_path: Path) -> None:
    s = store.open_store(f"sqlite:///{tmp_path / 's.db'}", seed=SEED)
    with s.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    s.close()
    modes = {p.name: p.stat().st_mode & 0o777 for p in tmp_path.iterdir()}
    assert modes["s.db"] == 0o600 and all(m == 0o600 for m in modes.values()), modes


def test_default_url_is_under_the_data_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KDIM_STORE_URL", raising=False)
    assert store.configured_url() is None
    assert store.default_url() == f"sqlite:///{store.paths.DATA_DIR / 'store.sqlite3'}"
    monkeypatch.setenv("KDIM_STORE_URL", "postgresql+psycopg://u@db/kdim")
    assert store.configured_url() == "postgresql+psycopg://u@db/kdim"


KILLED_WRITER = """
import sys, time
from pathlib import Path
from geo import store
s = store.open_store(sys.argv[1])
rows = s.rows()
def slow():
    for i, r in enumerate(rows):
        if i == 120:  # two chunks are inserted inside the transaction: say so, then hang
            Path(sys.argv[2]).write_text("mid")
            time.sleep(60)
        yield r
s.add_version(slow(), parent=1, author="k", kind="approve", file_digest="0"*64, state_digest="0"*64)
"""


def test_a_writer_killed_mid_transaction_leaves_the_old_version(store_url: str, tmp_path: Path) -> None:
    s = store.open_store(store_url, seed=SEED)
    marker = tmp_path / "mid"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, store_url, str(marker)], env=env, cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert proc.poll() is None, "the writer ended before reaching the middle"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        if s.is_sqlite:  # a reader is not blocked by the open write (WAL)
            assert s.current_version() == 1
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    s.close()
    s = store.open_store(store_url, seed=SEED)
    assert s.current_version() == 1
    assert store.rows_csv(s.rows()) == SEED.read_bytes()
    with s.engine.connect() as conn:  # no orphan rows of the half-written version
        assert conn.execute(sa.select(sa.func.count()).select_from(store.version_records)).scalar() == 164
    kw = {"author": "k", "kind": "approve", "file_digest": "0" * 64, "state_digest": "0" * 64}
    assert s.add_version(s.rows(), parent=1, **kw) == 2
    s.close()


def test_read_only_database_is_one_sentence_and_reads_still_work(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    store.open_store(f"sqlite:///{db}", seed=SEED).close()
    ro = store.Store(f"sqlite:///file:{db}?mode=ro&uri=true")
    assert ro.current_version() == 1 and len(ro.rows()) == 164
    with pytest.raises(store.StoreError) as err:
        ro.add_version([], parent=1, author="k", kind="approve", file_digest="", state_digest="")
    assert str(err.value).startswith(f"The data store {db} is read-only: nothing can be saved")
    assert err.value.__cause__ is not None


def test_missing_database_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(store.StoreError, match=r"The data store .*nothere\.db is missing\."):
        store.open_store(f"sqlite:///{tmp_path / 'nothere.db'}", create=False)
    with pytest.raises(store.StoreError, match=r"its folder .*no/such does not exist"):
        store.open_store(f"sqlite:///{tmp_path / 'no' / 'such' / 's.db'}")
    empty = store.Store(f"sqlite:///{tmp_path / 'empty.db'}")  # a file without tables
    with pytest.raises(store.StoreError, match="has not been set up"):
        empty.current_version()


def test_unreachable_postgresql_is_one_sentence() -> None:
    from tests import pg

    url = f"postgresql+psycopg://kdim:secret@127.0.0.1:{pg.free_port()}/kdim?connect_timeout=2"
    with pytest.raises(store.StoreError) as err:
        store.open_store(url)
    msg = str(err.value)
    assert msg.startswith("The data store postgresql+psycopg://kdim:***@127.0.0.1:") and "cannot be reached" in msg
    assert "secret" not in msg


def test_the_database_refuses_to_change_audit_rows(store_url: str) -> None:
    s = store.open_store(store_url, seed=SEED)
    s.log("kim", "sign_in", "kim")
    for sql in ("UPDATE audit SET actor = 'someone else'", "DELETE FROM audit"):
        with pytest.raises(store.StoreError, match="audit rows are append-only"):
            with s.tx() as conn:
                conn.exec_driver_sql(sql)
    assert [(a["actor"], a["action"]) for a in s.audit_log()] == [("seed", "seed"), ("kim", "sign_in")]
    s.close()
    store.open_store(store_url, seed=SEED).close()  # the triggers are made again without error


def test_no_code_path_updates_or_deletes_audit_rows() -> None:
    for path in (ROOT / "geo").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for bad in ("audit.update", "audit.delete", "UPDATE audit", "DELETE FROM audit"):
            assert bad not in text, f"{path.name} has {bad}"


def test_store_command_and_the_apps_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    from geo import cli

    monkeypatch.delenv("KDIM_STORE_URL", raising=False)
    assert store.open_configured() == (None, "")  # no store configured: the app stays the viewer
    url = f"sqlite:///{tmp_path / 's.db'}"
    assert cli.main(["store", "status", "--url", url]) == 1
    assert capsys.readouterr().err == f"store status: The data store {tmp_path / 's.db'} is missing.\n"
    assert cli.main(["store", "init", "--url", url]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{tmp_path / 's.db'}: version 1 (seed, ") and out.endswith(", seed), 164 records\n")
    monkeypatch.setenv("KDIM_STORE_URL", url)
    s, why = store.open_configured()
    assert why == "" and s is not None and store.version_csv(s) == SEED.read_bytes()
    gone = tmp_path / "gone"
    monkeypatch.setenv("KDIM_STORE_URL", f"sqlite:///{gone / 's.db'}")
    s, why = store.open_configured()
    assert s is None and why == f"The data store {gone / 's.db'} is missing: its folder {gone} does not exist."


def test_two_writers_racing_for_the_next_version_one_wins_cleanly(store_url: str) -> None:
    """Writer A holds its transaction open mid-way; B, started meanwhile on the same parent, loses
    with VersionRaceError (on SQLite BEGIN IMMEDIATE makes it wait, not fail with "database is locked")."""
    import threading

    s = store.open_store(store_url, seed=SEED)
    rows = s.rows()
    b_started = threading.Event()
    outcome: dict[str, object] = {}
    kw = {"parent": 1, "kind": "approve", "file_digest": "0" * 64, "state_digest": "0" * 64}

    def slow_rows():  # type: ignore[no-untyped-def]
        for i, r in enumerate(rows):
            if i == 100:  # A's transaction is open and its version row written: now B starts
                tb.start()
                assert b_started.wait(10)
                time.sleep(0.5)  # B is now waiting on the lock (SQLite) or on A's new version row (PostgreSQL)
            yield r

    def b() -> None:
        b_started.set()
        try:
            outcome["b"] = s.add_version(rows, author="b", **kw)
        except store.StoreError as exc:
            outcome["b"] = exc

    tb = threading.Thread(target=b)
    assert s.add_version(slow_rows(), author="a", **kw) == 2
    tb.join(20)
    assert isinstance(outcome["b"], store.VersionRaceError), outcome["b"]
    assert str(outcome["b"]).startswith("Version 2 was written meanwhile")
    assert s.current_version() == 2 and s.version(2).author == "a" and len(s.rows()) == 164
    s.close()


def test_replicas_starting_together_seed_once(store_url: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(3) as pool:
        stores = list(pool.map(lambda _: store.open_store(store_url, seed=SEED), range(3)))
    assert [s.current_version() for s in stores] == [1, 1, 1]
    assert len(stores[0].history()) == 1 and len(stores[0].rows()) == 164
    assert [a["action"] for a in stores[0].audit_log()] == ["seed"]
    for s in stores:
        s.close()
