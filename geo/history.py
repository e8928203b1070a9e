"""History and undo: the versions of the shared store, a rollback, and the current records as a CSV.

Why a rollback is a new version: history is never rewritten, so "who changed this figure and when"
stays answerable after an undo, and replicas polling the version number see the undo like any
other change. ``export-csv`` writes the records as ``data/programs.csv`` is written (the seed
exports byte-identical), through ``files.atomic_write``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from geo import accounts
from geo import store as st
from geo.accounts import User
from geo.files import atomic_write
from geo.submissions import diff_rows


def rollback(store: st.Store, user: User | None, version: int, note: str = "", *, clock: st.Clock = st.utcnow) -> int:
    """A new version whose records equal ``version``'s (reviewers and admins); return its id."""
    user = accounts.require(user, "rollback")
    target = store.rows(version)  # StoreError when there is no such version
    current = store.current_version()
    if version == current:
        raise st.StoreError(f"Version {version} is already the current version; nothing to roll back.")
    now = store.rows(current)
    d = diff_rows(now, target)
    kept = {r[0].strip() for r in target}
    removed = [r[0].strip() for r in now if r[0].strip() not in kept]
    ids = [*d.added, *d.changed, *removed]
    data = st.rows_csv(target)
    return store.add_version(
        target,
        parent=current,
        author=user.name,
        kind="rollback",
        note=note or f"rollback to version {version}",
        file_digest=store.version(version).state_digest,
        state_digest=st.digest(data),
        record_ids=ids,
        audit_entry=(user.name, "rollback", f"version {version}", f"new version {current + 1}: {','.join(ids)}"),
        clock=clock,
    )


def export_csv(store: st.Store, out: Path, version: int | None = None) -> int:
    """Write a version's records (default: the current one) to ``out``; return the number of records."""
    rows = store.rows(version)
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(out, st.rows_csv(rows))
    return len(rows)


def history_lines(store: st.Store) -> list[str]:
    """One block per version, newest first: id, kind, when (UTC), who, records, note, digests."""
    out: list[str] = []
    for v in store.history():
        ids = ", ".join(v.record_ids) if v.record_ids else "(all records)" if v.kind == "seed" else "(none)"
        sub = f", submission {v.submission_id}" if v.submission_id else ""
        out.append(f"v{v.id}  {v.kind:<8} {v.created_at:%Y-%m-%d %H:%M:%S} UTC  {v.author}{sub}  {v.n_records} records")
        out.append(f"    records: {ids}")
        if v.note:
            out.append(f"    note: {v.note}")
        out.append(f"    file sha256 {v.file_digest}  state sha256 {v.state_digest}")
    return out


def audit_lines(store: st.Store, limit: int | None = None) -> list[str]:
    """The audit log, oldest first (the last ``limit`` rows): when, who, what, on what, detail."""
    rows = store.audit_log()
    if limit:
        rows = rows[-limit:]
    return [
        f"{a['at']:%Y-%m-%d %H:%M:%S} UTC  {a['actor']}  {a['action']}  {a['target']}  {a['detail']}".rstrip()
        for a in rows
    ]


def _cli(args: argparse.Namespace) -> int:
    try:
        store = st.open_store()
        if args.command == "history":
            print("\n".join(history_lines(store)))
        elif args.command == "audit":
            print("\n".join(audit_lines(store, args.limit)))
        elif args.command == "rollback":
            vid = rollback(store, accounts.shell_admin(), args.version, args.note or "")
            print(f"version {vid}: the records of version {args.version} ({store.version(vid).n_records} records)")
        elif args.command == "export-csv":
            n = export_csv(store, Path(args.out), args.version)
            which = f"version {args.version}" if args.version else f"version {store.current_version()} (current)"
            print(f"wrote {args.out}: {n} records of {which}")
    except (st.StoreError, accounts.PermissionDenied, OSError) as exc:
        print(f"{args.command}: {exc}", file=sys.stderr)
        return 1
    return 0


def register_cli(sub: argparse._SubParsersAction) -> None:
    """`python -m geo history`, `audit`, `rollback VERSION`, `export-csv OUT.csv`."""
    p = sub.add_parser("history", help="the shared store's versions: who, when, which records, note, digests")
    p.set_defaults(func=_cli)
    p = sub.add_parser(
        "audit", help="the audit log: sign-ins, failures, lockouts, submissions, reviews, rollbacks, accounts"
    )
    p.add_argument("--limit", type=int, help="only the last N rows")
    p.set_defaults(func=_cli)
    p = sub.add_parser("rollback", help="a new version equal to VERSION's records (history is kept)")
    p.add_argument("version", type=int, metavar="VERSION")
    p.add_argument("--note", help="why (kept in the history)")
    p.set_defaults(func=_cli)
    p = sub.add_parser("export-csv", help="write the current (or --version N) records as programs.csv")
    p.add_argument("out", metavar="OUT.csv")
    p.add_argument("--version", type=int, help="an earlier version (default: the current one)")
    p.set_defaults(func=_cli)
