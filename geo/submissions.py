"""Submissions and review: an editor's file becomes a pending change; a reviewer's approval makes a version.

Why a review step: the map is shown to ministers; a figure changes only after a second person has
seen what changes (added records, changed cells old → new). The file is read with the same loader
as ``python -m geo validate`` (``programs.load_programs``) and merged with the same rules as
``python -m geo merge`` (``merge.merge_tables``: an existing id replaces its row, a new id is
added, nothing is removed, the merged file must validate). An editor may change only records of
their regions: a row outside them is refused naming the row and its region, and so is a row whose
id belongs to a record of another region. A submission based on version B whose records another
version changed after B is flagged ``conflict`` (naming them) instead of overwriting that change.

Every function takes the acting user and checks its role here, on the server (``accounts.require``).
The pages (upload, review screen) call these functions; nothing here imports Streamlit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa

from geo import accounts, merge, programs
from geo import store as st
from geo.accounts import PermissionDenied, User

COLUMNS = programs.COLUMNS


class SubmissionRefused(ValueError):
    """The file cannot be submitted (unreadable, invalid rows, nothing in scope); the message says why."""


class SubmissionConflict(RuntimeError):
    """Records of the submission were changed by another version after its base version."""

    def __init__(self, message: str, record_ids: list[str]):
        super().__init__(message)
        self.record_ids = record_ids


@dataclass
class Diff:
    """What a change does to the current records: ids added, cells changed (old → new), ids removed."""

    added: list[str] = field(default_factory=list)
    changed: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # id -> column -> [old, new]
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def as_json(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False)

    def record_ids(self) -> list[str]:
        return [*self.added, *self.changed, *self.removed]

    def lines(self) -> list[str]:
        """The diff in words (CLI, logs; the page draws its own table)."""
        out = [f"+ {i}" for i in self.added]
        for rid, cols in self.changed.items():
            out += [f"~ {rid}: {c}: {old!r} → {new!r}" for c, (old, new) in cols.items()]
        return out + [f"- {i}" for i in self.removed]


@dataclass
class Preview:
    """What submitting a file would do: the reader's report, rows refused (and why), the diff."""

    file_name: str
    report: str
    errors: list[str]
    refused: list[dict[str, Any]]  # {"row", "id", "region", "reason"}
    rows: list[list[str]]  # accepted rows' text cells, COLUMNS order
    diff: Diff
    base_version: int

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


@dataclass(frozen=True)
class Submission:
    """A stored submission as the review screen and its editor see it."""

    id: int
    author: str
    base_version: int
    note: str
    file_name: str
    digest: str
    status: str
    diff: Diff
    refused: list[dict[str, Any]]
    reviewer: str | None
    reason: str | None
    conflicts: list[str]
    version_id: int | None
    created_at: datetime
    decided_at: datetime | None


def _cell(v: Any) -> str:
    """A typed cell back to text: numbers as the shortest exact decimal, booleans as true/false.

    For the bundled file this gives every cell exactly as written (checked in the tests), so an
    unchanged row uploaded again diffs as unchanged.
    """
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        text = repr(v)
        return text[:-2] if text.endswith(".0") else text
    return str(v).strip()


def record_cells(records: pd.DataFrame) -> list[list[str]]:
    """The accepted records of a ProgramLoad as text cells in COLUMNS order (whatever the file type)."""
    return [[_cell(r[c]) for c in COLUMNS] for r in records[list(COLUMNS)].astype(object).to_dict("records")]


def _region_words(sido_code: str, sigungu_code: str) -> str:
    from geo import regions

    code = sigungu_code or sido_code
    return f"{regions.name(code)} ({code})" if code else "no 시도/시군구 (national or 권역-level)"


def diff_rows(old: list[list[str]], new: list[list[str]]) -> Diff:
    """``new`` merged into ``old`` by id, as ``geo merge`` would (nothing removed); cells compared stripped."""
    by_id = {r[0].strip(): r for r in old}
    d = Diff()
    for r in new:
        rid = r[0].strip()
        if rid not in by_id:
            d.added.append(rid)
            continue
        cols = {
            c: [o.strip(), n.strip()] for c, o, n in zip(COLUMNS, by_id[rid], r, strict=True) if o.strip() != n.strip()
        }
        if cols:
            d.changed[rid] = cols
        else:
            d.unchanged.append(rid)
    return d


def preview(store: st.Store, user: User | None, data: bytes, name: str) -> Preview:
    """Read ``data`` (CSV or any file the loader reads) and say what submitting it would change."""
    accounts.require(user, "submit")
    assert user is not None
    load = programs.load_programs(data, name=name)
    base = store.current_version()
    current = store.rows(base)
    if not load.ok:
        errors = [str(i) for i in load.errors]
        return Preview(name, load.report(), errors, [], [], Diff(), base)
    old_codes = _codes_by_id(current)
    refused: list[dict[str, Any]] = []
    rows: list[list[str]] = []
    for (n, rec), cells in zip(load.records.iterrows(), record_cells(load.records), strict=True):
        sido, sgg = str(rec["sido_code"] or ""), str(rec["sigungu_code"] or "")
        reason = ""
        if not user.in_scope(sido, sgg):
            reason = f"{_region_words(sido, sgg)} is outside {user.name}'s regions ({user.scope_words()})"
        elif cells[0] in old_codes and not user.in_scope(*old_codes[cells[0]]):
            reason = (
                f"id {cells[0]} is a record of {_region_words(*old_codes[cells[0]])}, "
                f"outside {user.name}'s regions ({user.scope_words()})"
            )
        if reason:
            refused.append(
                {"row": int(n), "id": cells[0], "region": sgg or sido, "reason": f"{name}, row {n}: {reason}"}
            )
        else:
            rows.append(cells)
    return Preview(name, load.report(), [], refused, rows, diff_rows(current, rows), base)


def _codes_by_id(rows: list[list[str]]) -> dict[str, tuple[str, str]]:
    """Each current record's (시도, 시군구) codes, read with the loader (so aliases resolve as on the map)."""
    load = programs.load_programs(st.rows_csv(rows), name="current version")
    return {
        str(r["id"]): (str(r["sido_code"] or ""), str(r["sigungu_code"] or ""))
        for r in load.records[["id", "sido_code", "sigungu_code"]].to_dict("records")
    }


def submit(
    store: st.Store, user: User | None, data: bytes, name: str, note: str = "", *, clock: st.Clock = st.utcnow
) -> tuple[int, Preview]:
    """Store the file's in-scope rows as a pending submission (the file itself is kept with it).

    Refused (SubmissionRefused) when the loader rejects a row, or nothing in scope changes anything.
    """
    p = preview(store, user, data, name)
    assert user is not None
    if p.errors:
        raise SubmissionRefused(
            f"{name} has {len(p.errors)} error(s); fix them and submit again:\n" + "\n".join(p.errors)
        )
    if not p.diff.added and not p.diff.changed:
        why = "; ".join(r["reason"] for r in p.refused) or "every row equals the current version"
        raise SubmissionRefused(f"{name}: nothing to submit ({why}).")
    with store.tx() as conn:
        sid = conn.execute(
            st.submissions.insert()
            .values(
                author=user.name,
                base_version=p.base_version,
                note=note,
                file_name=name,
                file_bytes=data,
                digest=st.digest(data),
                rows=json.dumps(p.rows, ensure_ascii=False),
                diff=p.diff.as_json(),
                refused=json.dumps(p.refused, ensure_ascii=False),
                status="pending",
                created_at=clock(),
            )
            .returning(st.submissions.c.id)
        ).scalar_one()
        detail = f"{name}, sha256 {st.digest(data)}, base v{p.base_version}, records {','.join(p.diff.record_ids())}"
        store.log(user.name, "submit", f"submission {sid}", detail, conn=conn, clock=clock)
    return sid, p


def _submission(row: Any) -> Submission:
    d = json.loads(row["diff"])
    return Submission(
        id=row["id"],
        author=row["author"],
        base_version=row["base_version"],
        note=row["note"] or "",
        file_name=row["file_name"],
        digest=row["digest"],
        status=row["status"],
        diff=Diff(d["added"], d["changed"], d["removed"], d["unchanged"]),
        refused=json.loads(row["refused"] or "[]"),
        reviewer=row["reviewer"],
        reason=row["reason"],
        conflicts=json.loads(row["conflicts"] or "[]"),
        version_id=row["version_id"],
        created_at=st.as_utc(row["created_at"]),  # type: ignore[arg-type]
        decided_at=st.as_utc(row["decided_at"]),
    )


_LIST_COLUMNS = [c for c in st.submissions.c if c.name not in ("file_bytes", "rows")]


def list_submissions(store: st.Store, user: User | None, status: str | None = None) -> list[Submission]:
    """Reviewers see every submission; editors their own (to see the outcome); viewers none. Newest first."""
    user = accounts.require(user, "view")
    q = sa.select(*_LIST_COLUMNS).order_by(st.submissions.c.id.desc())
    if not user.can("review"):
        if not user.can("submit"):
            raise PermissionDenied(f"{user.name} ({user.role}) may not see submissions.")
        q = q.where(st.submissions.c.author == user.name)
    if status:
        q = q.where(st.submissions.c.status == status)
    with store.tx(write=False) as conn:
        return [_submission(r) for r in conn.execute(q).mappings()]


def submission_file(store: st.Store, user: User | None, sid: int) -> tuple[str, bytes]:
    """The submitted file as it was uploaded (reviewers, and its author)."""
    user = accounts.require(user, "view")
    with store.tx() as conn:
        row = conn.execute(sa.select(st.submissions).where(st.submissions.c.id == sid)).mappings().first()
    if row is None:
        raise SubmissionRefused(f"There is no submission {sid}.")
    if not (user.can("review") or (user.can("submit") and row["author"] == user.name)):
        raise PermissionDenied(f"{user.name} ({user.role}) may not read submission {sid}.")
    return row["file_name"], row["file_bytes"]


def find_conflicts(store: st.Store, base_version: int, rows: list[list[str]], current: int) -> list[str]:
    """Ids of ``rows`` whose record differs between ``base_version`` and ``current`` (added, changed or removed)."""
    if current == base_version:
        return []
    ids = {r[0].strip() for r in rows}
    before = {r[0].strip(): r for r in store.rows(base_version) if r[0].strip() in ids}
    after = {r[0].strip(): r for r in store.rows(current) if r[0].strip() in ids}
    return sorted(i for i in ids if before.get(i) != after.get(i))


def _pending(conn: sa.Connection, sid: int) -> Any:
    row = conn.execute(sa.select(st.submissions).where(st.submissions.c.id == sid)).mappings().first()
    if row is None:
        raise SubmissionRefused(f"There is no submission {sid}.")
    return row


def approve(store: st.Store, reviewer: User | None, sid: int, *, clock: st.Clock = st.utcnow) -> int:
    """Merge a pending submission into the current version (a new version); return the version id.

    A submission cannot be approved by its own author. Records changed since its base version make
    it a ``conflict`` (SubmissionConflict names them); a merged file that would not validate is
    refused and the submission stays pending.
    """
    reviewer = accounts.require(reviewer, "review")
    with store.tx(write=False) as conn:
        row = _pending(conn, sid)
    if row["status"] != "pending":
        raise SubmissionRefused(f"Submission {sid} is {row['status']}, not pending.")
    if row["author"] == reviewer.name:
        raise PermissionDenied(f"{reviewer.name} may not approve their own submission {sid}: another reviewer must.")
    rows = json.loads(row["rows"])
    current = store.current_version()
    conflicts = find_conflicts(store, row["base_version"], rows, current)
    if conflicts:
        why = f"changed after version {row['base_version']} (now {current}): {', '.join(conflicts)}"
        with store.tx() as conn:
            conn.execute(
                st.submissions.update()
                .where(st.submissions.c.id == sid)
                .values(status="conflict", conflicts=json.dumps(conflicts), reviewer=reviewer.name, decided_at=clock())
            )
            store.log(reviewer.name, "conflict", f"submission {sid}", why, conn=conn, clock=clock)
        raise SubmissionConflict(f"Submission {sid} conflicts: its records were {why}.", conflicts)
    merged, result, out = merged_records(store, rows, current)
    check = programs.load_programs(out, name=f"version {current} + submission {sid}")
    if check.errors:
        raise SubmissionRefused(
            f"The merged records would not validate; submission {sid} stays pending:\n{check.report()}"
        )
    ids = [*result.added, *result.changed]
    with store.tx() as conn:
        decided = (
            st.submissions.update()
            .where(st.submissions.c.id == sid, st.submissions.c.status == "pending")
            .values(status="approved", reviewer=reviewer.name, decided_at=clock())
        )
        if conn.execute(decided).rowcount != 1:  # another reviewer decided it meanwhile: nothing is written
            raise SubmissionRefused(f"Submission {sid} was decided by another reviewer meanwhile.")
        vid = store.add_version(
            merged,
            parent=current,
            author=reviewer.name,
            kind="approve",
            note=row["note"] or "",
            file_digest=row["digest"],
            state_digest=st.digest(out),
            record_ids=ids,
            submission_id=sid,
            audit_entry=(reviewer.name, "approve", f"submission {sid}", f"version {current + 1}: {','.join(ids)}"),
            conn=conn,
            clock=clock,
        )
        conn.execute(st.submissions.update().where(st.submissions.c.id == sid).values(version_id=vid))
    return vid


def merged_records(
    store: st.Store, rows: list[list[str]], version: int | None = None
) -> tuple[list[list[str]], merge.MergeResult, bytes]:
    """``rows`` merged into ``version``'s records (default: current) by ``geo merge``'s rules:
    the merged text cells, what was added/changed, and the merged file's bytes (what the map of a
    preview loads with ``programs.load_programs``)."""
    old = pd.DataFrame(store.rows(version), columns=list(COLUMNS), dtype=str)
    result = merge.MergeResult()
    merged = merge.merge_tables(old, pd.DataFrame(rows, columns=list(COLUMNS), dtype=str), result)
    return merged.astype(str).values.tolist(), result, merge.csv_bytes(merged)


def submission_records(store: st.Store, user: User | None, sid: int) -> bytes:
    """The current records with submission ``sid`` merged in, as a file: the review screen's map preview."""
    user = accounts.require(user, "view")
    with store.tx(write=False) as conn:
        row = _pending(conn, sid)
    if not (user.can("review") or (user.can("submit") and row["author"] == user.name)):
        raise PermissionDenied(f"{user.name} ({user.role}) may not read submission {sid}.")
    return merged_records(store, json.loads(row["rows"]))[2]


def reject(store: st.Store, reviewer: User | None, sid: int, reason: str, *, clock: st.Clock = st.utcnow) -> None:
    """Reject a pending (or conflicting) submission with a reason its editor will read."""
    reviewer = accounts.require(reviewer, "review")
    if not reason.strip():
        raise SubmissionRefused("A rejection needs a reason (the editor reads it).")
    with store.tx() as conn:
        row = _pending(conn, sid)
        if row["status"] not in ("pending", "conflict"):
            raise SubmissionRefused(f"Submission {sid} is {row['status']}, not pending.")
        conn.execute(
            st.submissions.update()
            .where(st.submissions.c.id == sid)
            .values(status="rejected", reviewer=reviewer.name, reason=reason.strip(), decided_at=clock())
        )
        store.log(reviewer.name, "reject", f"submission {sid}", reason.strip(), conn=conn, clock=clock)
