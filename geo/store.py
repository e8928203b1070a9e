"""The shared store: every data version's records, submissions, accounts, sessions and the audit log.

Why a database and not files: several replicas (and several machines) read the same records
while officials submit and reviewers approve; each approval must appear whole, everywhere, or not
at all. One interface (SQLAlchemy Core) over SQLite in WAL mode, the embedded default (a file
beside the data), or PostgreSQL (``KDIM_STORE_URL=postgresql+psycopg://...``).

Each version keeps its full record set, the cells as the file had them (text), so "the state
at version N" is one query, a rollback copies an old version's rows, and the seed exports
byte-identical to ``data/programs.csv``. A version is written in one transaction: a writer killed
half-way leaves the old version current. Version ids are given, not generated (parent + 1), so
two approvals racing for the same next version cannot both win. The audit log is append-only:
this module has an insert for it and no update or delete.

Every database failure reaches callers as one ``StoreError`` whose message is a sentence a page
can show (read-only file, missing or unreachable database).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from geo import paths

DEFAULT_FILE = "store.sqlite3"
KINDS = ("seed", "approve", "rollback")
STATUSES = ("pending", "approved", "rejected", "conflict")
INSERT_CHUNK = 50

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    """The default clock (UTC, aware); functions that compare times take a clock so tests can move it."""
    return datetime.now(UTC)


class StoreError(RuntimeError):
    """The store cannot do what was asked; ``str()`` is one sentence for the page or the shell."""


class VersionRaceError(StoreError):
    """Another version was written between reading the current one and writing the next."""


meta = sa.MetaData()
T = sa.DateTime(timezone=True)
versions = sa.Table(
    "versions",
    meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("created_at", T, nullable=False),
    sa.Column("author", sa.String(200), nullable=False),
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Column("file_digest", sa.String(64), nullable=False),  # the seed file's or the submission's file
    sa.Column("state_digest", sa.String(64), nullable=False),  # sha256 of this version exported as CSV
    sa.Column("parent", sa.Integer, nullable=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("record_ids", sa.Text, nullable=False, default=""),  # records added/changed/removed, JSON list
    sa.Column("submission_id", sa.Integer, nullable=True),
    sa.Column("n_records", sa.Integer, nullable=False),
)
version_records = sa.Table(
    "version_records",
    meta,
    sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("record_id", sa.String(200), nullable=False),
    sa.Column("cells", sa.Text, nullable=False),  # JSON list of text cells, programs.COLUMNS order
)
submissions = sa.Table(
    "submissions",
    meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("author", sa.String(200), nullable=False),
    sa.Column("base_version", sa.Integer, nullable=False),
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Column("file_name", sa.String(500), nullable=False),
    sa.Column("file_bytes", sa.LargeBinary, nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("rows", sa.Text, nullable=False),  # JSON: the accepted rows' text cells
    sa.Column("diff", sa.Text, nullable=False),  # JSON: added / changed (old → new) / removed
    sa.Column("refused", sa.Text, nullable=False, default="[]"),  # JSON: rows refused and why
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("reviewer", sa.String(200), nullable=True),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("conflicts", sa.Text, nullable=True),  # JSON: record ids changed since base_version
    sa.Column("version_id", sa.Integer, nullable=True),  # the version its approval made
    sa.Column("created_at", T, nullable=False),
    sa.Column("decided_at", T, nullable=True),
)
users = sa.Table(
    "users",
    meta,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("scope", sa.Text, nullable=False),  # JSON list of 시도/시군구 codes, or ["*"]
    sa.Column("failures", sa.Integer, nullable=False, default=0),
    sa.Column("locked_until", T, nullable=True),
    sa.Column("created_at", T, nullable=False),
)
sessions = sa.Table(
    "sessions",
    meta,
    sa.Column("token_hash", sa.String(64), primary_key=True),  # sha256 of the token; never the token
    sa.Column("user_name", sa.String(200), nullable=False),
    sa.Column("created_at", T, nullable=False),
    sa.Column("expires_at", T, nullable=False),
)
audit = sa.Table(
    "audit",
    meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", T, nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("target", sa.String(500), nullable=False, default=""),
    sa.Column("detail", sa.Text, nullable=False, default=""),
)


# The audit log is append-only in the database too: an UPDATE or DELETE of its rows is refused
# whoever sends it (a bug, a console), not only absent from this code.
_APPEND_ONLY_SQLITE = tuple(
    f"CREATE TRIGGER IF NOT EXISTS audit_no_{op.lower()} BEFORE {op} ON audit "
    "BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END"
    for op in ("UPDATE", "DELETE")
)
_APPEND_ONLY_POSTGRESQL = (
    "CREATE OR REPLACE FUNCTION kdim_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'audit rows are append-only'; END $$",
    "CREATE OR REPLACE TRIGGER audit_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit "
    "FOR EACH STATEMENT EXECUTE FUNCTION kdim_audit_append_only()",
)


@dataclass(frozen=True)
class Version:
    """One row of the history."""

    id: int
    created_at: datetime
    author: str
    note: str
    file_digest: str
    state_digest: str
    parent: int | None
    kind: str
    record_ids: list[str]
    submission_id: int | None
    n_records: int


def default_url() -> str:
    """SQLite beside the data files (``KDIM_DATA_DIR``)."""
    return f"sqlite:///{paths.DATA_DIR / DEFAULT_FILE}"


def configured_url() -> str | None:
    """``KDIM_STORE_URL`` when set: the app uses a store only then (otherwise it is today's viewer)."""
    return os.environ.get("KDIM_STORE_URL") or None


def digest(data: bytes) -> str:
    """sha256 hex: file and state digests, session tokens."""
    return hashlib.sha256(data).hexdigest()


def as_utc(t: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every time here is UTC."""
    if t is None or t.tzinfo is not None:
        return t
    return t.replace(tzinfo=UTC)


def _sentence(exc: Exception, url: str) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0] if str(exc) else type(exc).__name__
    low = text.lower()
    where = _display_url(url)
    if "readonly" in low or "read-only" in low or "read only" in low:
        return f"The data store {where} is read-only: nothing can be saved ({text})."
    if "unable to open" in low or "no such file" in low or "does not exist" in low:
        return f"The data store {where} is missing or cannot be opened ({text})."
    if "no such table" in low or "undefined table" in low or "relation" in low:
        return f"The data store {where} has not been set up (run `python -m geo store init`) ({text})."
    if "connection" in low or "could not connect" in low:
        return f"The data store {where} cannot be reached ({text})."
    return f"The data store {where} failed: {text}."


def _display_url(url: str) -> str:
    """The URL without a password."""
    try:
        u = sa.make_url(url)
        if u.get_backend_name() == "sqlite":  # the file, as the administrator knows it
            return (u.database or ":memory:").removeprefix("file:")
        return u.render_as_string(hide_password=True)
    except Exception:  # a malformed URL: shown as nothing (it may hold a password)
        return "(unparsable URL)"


class Store:
    """One database: open with ``open_store()``; every method is one transaction."""

    def __init__(self, url: str, *, create: bool = True):
        self.url = url
        try:
            u = sa.make_url(url)
        except sa.exc.ArgumentError as exc:
            raise StoreError(f"KDIM_STORE_URL is not a database URL: {exc}.") from exc
        self.is_sqlite = u.get_backend_name() == "sqlite"
        self.file: Path | None = None
        if self.is_sqlite and u.database and not u.database.startswith("file:") and u.database != ":memory:":
            db = Path(u.database)
            if not create and not db.exists():
                raise StoreError(f"The data store {db} is missing.")
            if not db.parent.is_dir():
                raise StoreError(f"The data store {db} is missing: its folder {db.parent} does not exist.")
            self.file = db
        kwargs: dict[str, Any] = {"future": True}
        if self.is_sqlite:
            kwargs["connect_args"] = {"timeout": 10}
        else:
            kwargs["pool_pre_ping"] = True
        self.engine = sa.create_engine(url, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
            event.listen(self.engine, "begin", _sqlite_begin)

    @contextmanager
    def tx(self, *, write: bool = True) -> Iterator[sa.Connection]:
        """A transaction; any database error becomes a StoreError sentence.

        On SQLite a writing transaction starts with BEGIN IMMEDIATE: it waits for the write lock
        before reading, so "read the current version, write the next" cannot interleave with
        another writer (a deferred one would fail with "database is locked" instead of losing the
        race cleanly). Readers (``write=False``) never wait for a writer (WAL).
        """
        try:
            with self.engine.connect() as conn:
                if write:
                    conn = conn.execution_options(kdim_write=True)
                with conn.begin():
                    yield conn
        except StoreError:
            raise
        except sa.exc.IntegrityError as exc:
            raise StoreError(_sentence(exc, self.url)) from exc
        except (sa.exc.OperationalError, sa.exc.ProgrammingError, sa.exc.DatabaseError, OSError) as exc:
            raise StoreError(_sentence(exc, self.url)) from exc

    def create(self) -> None:
        """Create the tables that are missing (idempotent); a new SQLite file is private to its owner
        (it holds password hashes and the audit log; SQLite gives its -wal and -shm files the same mode)."""
        new_file = self.file is not None and not self.file.exists()
        if new_file:
            assert self.file is not None
            self.file.touch(mode=0o600)
            os.chmod(self.file, 0o600)
        with self.tx() as conn:
            if not self.is_sqlite:  # replicas starting together: one creates, the others wait and see it made
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(4242026)")
            meta.create_all(conn)
            for statement in _APPEND_ONLY_SQLITE if self.is_sqlite else _APPEND_ONLY_POSTGRESQL:
                conn.exec_driver_sql(statement)

    def close(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------------ versions

    def current_version(self) -> int:
        """The newest version id (0 when empty): one indexed query, cheap enough to poll."""
        with self.tx(write=False) as conn:
            return int(conn.execute(sa.select(sa.func.max(versions.c.id))).scalar() or 0)

    def version(self, vid: int) -> Version:
        with self.tx(write=False) as conn:
            row = conn.execute(sa.select(versions).where(versions.c.id == vid)).mappings().first()
        if row is None:
            raise StoreError(f"There is no version {vid}.")
        return _version(row)

    def history(self) -> list[Version]:
        """Every version, newest first."""
        with self.tx(write=False) as conn:
            rows = conn.execute(sa.select(versions).order_by(versions.c.id.desc())).mappings().all()
        return [_version(r) for r in rows]

    def rows(self, vid: int | None = None) -> list[list[str]]:
        """The text cells of every record of version ``vid`` (default: current), in file order."""
        with self.tx(write=False) as conn:
            if vid is None:
                vid = conn.execute(sa.select(sa.func.max(versions.c.id))).scalar()
            q = sa.select(version_records.c.cells).where(version_records.c.version_id == vid)
            cells = conn.execute(q.order_by(version_records.c.position)).scalars().all()
            if not cells and vid is not None:
                exists = conn.execute(sa.select(versions.c.id).where(versions.c.id == vid)).first()
                if exists is None:
                    raise StoreError(f"There is no version {vid}.")
        return [json.loads(c) for c in cells]

    def add_version(
        self,
        rows: Iterable[list[str]],
        *,
        parent: int | None,
        author: str,
        kind: str,
        note: str = "",
        file_digest: str,
        state_digest: str,
        record_ids: Iterable[str] = (),
        submission_id: int | None = None,
        audit_entry: tuple[str, str, str] | None = None,
        conn: sa.Connection | None = None,
        clock: Clock = utcnow,
    ) -> int:
        """Write version parent+1 with ``rows`` in one transaction (or inside ``conn``'s); return its id.

        Raises VersionRaceError when parent is no longer the current version.
        """
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        fields = {
            "author": author,
            "note": note,
            "file_digest": file_digest,
            "state_digest": state_digest,
            "parent": parent,
            "kind": kind,
            "record_ids": json.dumps(list(record_ids), ensure_ascii=False),
            "submission_id": submission_id,
        }
        if conn is not None:
            return self._write_version(conn, rows, fields, audit_entry, clock)
        with self.tx() as c:
            return self._write_version(c, rows, fields, audit_entry, clock)

    def _write_version(
        self, conn: sa.Connection, rows: Iterable[list[str]], fields: dict[str, Any],
        audit_entry: tuple[str, str, str] | None, clock: Clock,
    ) -> int:  # fmt: skip
        parent = fields["parent"]
        current = conn.execute(sa.select(sa.func.max(versions.c.id))).scalar()
        if current != parent:
            raise VersionRaceError(
                f"Version {current} was written meanwhile (this change was based on version {parent}); try again."
            )
        vid = (parent or 0) + 1
        try:
            conn.execute(versions.insert().values(id=vid, created_at=clock(), n_records=0, **fields))
        except sa.exc.IntegrityError as exc:
            raise VersionRaceError(f"Version {vid} was written meanwhile; try again.") from exc
        n = 0
        batch: list[dict[str, Any]] = []
        for cells in rows:
            text = json.dumps(cells, ensure_ascii=False)
            batch.append({"version_id": vid, "position": n, "record_id": cells[0], "cells": text})
            n += 1
            if len(batch) >= INSERT_CHUNK:
                conn.execute(version_records.insert(), batch)
                batch = []
        if batch:
            conn.execute(version_records.insert(), batch)
        conn.execute(versions.update().where(versions.c.id == vid).values(n_records=n))
        if audit_entry:
            self.log(*audit_entry, conn=conn, clock=clock)
        return vid

    # ------------------------------------------------------------------ audit

    def log(
        self, actor: str, action: str, target: str = "", detail: str = "", *, conn: sa.Connection | None = None,
        clock: Clock = utcnow,
    ) -> None:  # fmt: skip
        """Append one audit row (never the password or a token: callers pass names and ids)."""
        values = {"at": clock(), "actor": actor, "action": action, "target": target, "detail": detail}
        if conn is not None:
            conn.execute(audit.insert().values(**values))
            return
        with self.tx() as c:
            c.execute(audit.insert().values(**values))

    def audit_log(self, *, limit: int | None = None) -> list[dict[str, Any]]:
        """Audit rows, oldest first."""
        q = sa.select(audit).order_by(audit.c.id)
        if limit:
            q = q.limit(limit)
        with self.tx(write=False) as conn:
            return [dict(r, at=as_utc(r["at"])) for r in conn.execute(q).mappings()]


def _version(row: Any) -> Version:
    return Version(
        id=row["id"],
        created_at=as_utc(row["created_at"]),  # type: ignore[arg-type]
        author=row["author"],
        note=row["note"] or "",
        file_digest=row["file_digest"],
        state_digest=row["state_digest"],
        parent=row["parent"],
        kind=row["kind"],
        record_ids=json.loads(row["record_ids"] or "[]"),
        submission_id=row["submission_id"],
        n_records=row["n_records"],
    )


def _sqlite_begin(conn: sa.Connection) -> None:
    """SQLAlchemy's recipe for pysqlite: the driver leaves BEGIN to us (see ``_sqlite_pragmas``)."""
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("kdim_write") else "BEGIN")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    """WAL: readers never wait for the writer, so replicas keep serving while a version is written."""
    dbapi_conn.isolation_level = None  # no implicit BEGIN from the driver: _sqlite_begin emits it
    cur = dbapi_conn.cursor()
    try:
        cur.execute("PRAGMA busy_timeout=10000")
        cur.execute("PRAGMA foreign_keys=ON")
        mode = cur.execute("PRAGMA journal_mode").fetchone()[0]
        if mode != "wal":
            try:
                cur.execute("PRAGMA journal_mode=WAL")
            except Exception:  # a read-only file stays in its mode; reads still work
                pass
        cur.execute("PRAGMA synchronous=NORMAL")
    finally:
        cur.close()


def seed_rows(seed: Path) -> list[list[str]]:
    """The seed file's text cells, as ``geo merge`` reads them (so the export is byte-identical)."""
    from geo import merge

    table = merge.raw_table(seed.read_bytes(), "utf-8-sig")
    return table.astype(str).values.tolist()


def rows_csv(rows: list[list[str]]) -> bytes:
    """Records as programs.csv bytes, written the way ``geo merge`` writes the bundled file."""
    import pandas as pd

    from geo import merge, programs

    return merge.csv_bytes(pd.DataFrame(rows, columns=list(programs.COLUMNS), dtype=str))


def open_store(url: str | None = None, *, seed: Path | None = None, create: bool = True) -> Store:
    """Open the store at ``url`` (default: ``KDIM_STORE_URL`` or SQLite under the data folder).

    With ``create`` the tables are made and, when there is no version yet, version 1 is seeded from
    ``seed`` (default ``data/programs.csv``, author "seed"). Without it a missing SQLite file is a
    StoreError (the app's viewer then keeps the bundled data).
    """
    store = Store(url or configured_url() or default_url(), create=create)
    if create:
        store.create()
        if store.current_version() == 0:
            seed_store(store, seed or paths.DATA_DIR / "programs.csv")
    return store


def open_configured() -> tuple[Store | None, str]:
    """For the app: the configured store, or (None, a sentence) when it is not set or not usable.

    No ``KDIM_STORE_URL``: (None, "") and the app is the viewer of the bundled data, as before.
    A store that fails: (None, why), which the page shows while it keeps the bundled data.
    """
    url = configured_url()
    if url is None:
        return None, ""
    try:
        return open_store(url), ""
    except StoreError as exc:
        return None, str(exc)


def version_csv(store: Store, vid: int | None = None) -> bytes:
    """A version's records as programs.csv bytes (what the app loads per data version)."""
    return rows_csv(store.rows(vid))


def seed_store(store: Store, seed: Path) -> int:
    """Version 1 from ``seed``; a store that already has a version is left alone."""
    data = seed.read_bytes()
    rows = seed_rows(seed)
    try:
        return store.add_version(
            rows,
            parent=None,
            author="seed",
            kind="seed",
            note=f"seeded from {seed.name}",
            file_digest=digest(data),
            state_digest=digest(rows_csv(rows)),
            record_ids=[],
            audit_entry=("seed", "seed", seed.name, f"{len(rows)} records, sha256 {digest(data)}"),
        )
    except VersionRaceError:  # another replica seeded it first
        return 1


def _cli_store(args: Any) -> int:
    import sys

    try:
        store = open_store(args.url, create=args.store_cmd == "init")
        v = store.version(store.current_version())
    except StoreError as exc:
        print(f"store {args.store_cmd}: {exc}", file=sys.stderr)
        return 1
    when = f"{v.created_at:%Y-%m-%d %H:%M:%S} UTC"
    print(f"{_display_url(store.url)}: version {v.id} ({v.kind}, {when}, {v.author}), {v.n_records} records")
    return 0


def register_cli(sub: Any) -> None:
    """`python -m geo store init|status`."""
    p = sub.add_parser("store", help="the shared store: create and seed it (init), or show its version (status)")
    p.add_argument("store_cmd", choices=("init", "status"), metavar="init|status")
    p.add_argument("--url", help="database URL (default: KDIM_STORE_URL, else SQLite under the data folder)")
    p.set_defaults(func=_cli_store)
