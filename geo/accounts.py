"""Accounts on a closed network: argon2 password hashes, roles with region scopes, expiring sessions,
lockout, and every sign-in and failure in the audit log.

Why here and not an identity provider: the ministries' networks (망분리) have none the app may call.
An administrator creates accounts on the server (``python -m geo user add``). Where a ministry's
single sign-on sits in front (nginx sets ``X-Remote-User``), ``proxy_user`` trusts that header,
but only when ``KDIM_TRUST_PROXY_USER=1``: anyone who can reach the app directly could send the
header, so the app must then listen on loopback only (README, "Accounts").

Roles (``ROLES``) grant capabilities (``CAN``); every action checks them here, on the server,
through ``require``: a hidden button is not a permission. Secrets never reach the store or the
log in clear: passwords as argon2 hashes, session tokens as their sha256.
"""

from __future__ import annotations

import argparse
import getpass
import json
import secrets
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from geo import store as st

ROLES = ("viewer", "editor", "reviewer", "admin")
CAN: dict[str, frozenset[str]] = {
    "viewer": frozenset({"view"}),
    "editor": frozenset({"view", "submit"}),
    "reviewer": frozenset({"view", "review", "rollback"}),
    "admin": frozenset({"view", "submit", "review", "rollback", "users"}),
}
ALL = "*"
MAX_FAILURES = 5
LOCK_FOR = timedelta(minutes=1)
SESSION_FOR = timedelta(hours=8)
MIN_PASSWORD = 10
PROXY_HEADER = "X-Remote-User"
PROXY_ENV = "KDIM_TRUST_PROXY_USER"

HASHER = PasswordHasher()  # argon2id, the library's defaults (RFC 9106 low-memory profile)
_DUMMY_HASH = HASHER.hash("not a password: verified for unknown names, so they take as long")


class PermissionDenied(PermissionError):
    """The acting user's role or scope does not allow this action (the message says which)."""


class SignInError(ValueError):
    """Wrong name or password, or a locked account: one message that does not say which name exists."""


class AccountError(ValueError):
    """A bad account request (unknown role or region, duplicate name, short password)."""


@dataclass(frozen=True)
class User:
    """Who acts: a name, a role and (editors) the region codes they may change; ``("*",)`` = all."""

    name: str
    role: str
    scope: tuple[str, ...] = (ALL,)

    def can(self, action: str) -> bool:
        return action in CAN.get(self.role, frozenset())

    def in_scope(self, sido_code: str, sigungu_code: str) -> bool:
        """A record is in scope when its 시도 or its 시군구 is listed (a 시도 code covers its 시군구)."""
        if ALL in self.scope:
            return True
        return any(c and (c == sido_code or c == sigungu_code) for c in self.scope)

    def scope_words(self) -> str:
        if ALL in self.scope:
            return "all regions"
        from geo import regions

        return ", ".join(f"{regions.name(c)} ({c})" for c in self.scope)


@dataclass(frozen=True)
class Session:
    """A signed-in session: ``token`` goes to the browser (cookie) and is stored only hashed."""

    token: str
    user: User
    expires_at: datetime


def shell_admin() -> User:
    """Who acts from the server's shell (CLI): whoever can run it can read the database anyway."""
    try:
        who = getpass.getuser()
    except Exception:  # no login name (a container): still an administrator at the shell
        who = "unknown"
    return User(f"shell:{who}", "admin", (ALL,))


def require(user: User | None, action: str) -> User:
    """``user`` if its role allows ``action``; PermissionDenied otherwise (also for nobody signed in)."""
    if user is None:
        raise PermissionDenied(f"Sign in first: {action} needs an account.")
    if not user.can(action):
        raise PermissionDenied(f"{user.name} ({user.role}) may not {action}.")
    return user


def check_scope(codes: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Codes of 2024 시도 (2 digits) or 시군구 (5 digits), or ``*``; AccountError naming a bad one."""
    from geo import regions

    out: list[str] = []
    for c in codes:
        c = str(c).strip()
        if c == ALL:
            return (ALL,)
        known = set(regions.SIDO["sido_code"]) if len(c) == 2 else set(regions.SIGUNGU["sigungu_code"])
        if c not in known:
            raise AccountError(f"region {c!r} is not a 2024 시도 (2 digits) or 시군구 (5 digits) code")
        out.append(c)
    return tuple(out) or (ALL,)


def _user(row: Mapping) -> User:
    return User(row["name"], row["role"], tuple(json.loads(row["scope"])))


def add_user(
    store: st.Store, actor: User, name: str, password: str, role: str, scope: list[str] | tuple[str, ...] = (ALL,),
    *, clock: st.Clock = st.utcnow,
) -> User:  # fmt: skip
    """Create an account (admins only); the password is stored as an argon2 hash."""
    require(actor, "users")
    name = name.strip()
    if not name or len(name) > 200 or any(ch.isspace() for ch in name):
        raise AccountError(f"user name {name!r}: expected 1–200 characters without spaces")
    if role not in ROLES:
        raise AccountError(f"role {role!r}: expected one of {', '.join(ROLES)}")
    _check_password(password)
    codes = check_scope(scope) if role in ("editor",) else (ALL,)
    with store.tx() as conn:
        if conn.execute(sa.select(st.users.c.name).where(st.users.c.name == name)).first():
            raise AccountError(f"user {name!r} already exists")
        conn.execute(
            st.users.insert().values(
                name=name,
                password_hash=HASHER.hash(password),
                role=role,
                scope=json.dumps(list(codes)),
                failures=0,
                locked_until=None,
                created_at=clock(),
            )
        )
        store.log(actor.name, "user_add", name, f"role {role}, scope {','.join(codes)}", conn=conn, clock=clock)
    return User(name, role, codes)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"password: expected at least {MIN_PASSWORD} characters")


def remove_user(store: st.Store, actor: User, name: str, *, clock: st.Clock = st.utcnow) -> None:
    """Delete an account and its sessions (admins only); its audit rows stay."""
    require(actor, "users")
    with store.tx() as conn:
        if conn.execute(st.users.delete().where(st.users.c.name == name)).rowcount == 0:
            raise AccountError(f"no user {name!r}")
        conn.execute(st.sessions.delete().where(st.sessions.c.user_name == name))
        store.log(actor.name, "user_remove", name, conn=conn, clock=clock)


def set_password(store: st.Store, actor: User, name: str, password: str, *, clock: st.Clock = st.utcnow) -> None:
    """A new password (admins only); unlocks the account and ends its sessions."""
    require(actor, "users")
    _check_password(password)
    with store.tx() as conn:
        q = st.users.update().where(st.users.c.name == name)
        if conn.execute(q.values(password_hash=HASHER.hash(password), failures=0, locked_until=None)).rowcount == 0:
            raise AccountError(f"no user {name!r}")
        conn.execute(st.sessions.delete().where(st.sessions.c.user_name == name))
        store.log(actor.name, "user_password", name, conn=conn, clock=clock)


def list_users(store: st.Store, actor: User) -> list[dict]:
    """Name, role, scope, lock state (admins only; never the hashes)."""
    require(actor, "users")
    cols = [st.users.c.name, st.users.c.role, st.users.c.scope, st.users.c.failures, st.users.c.locked_until]
    with store.tx(write=False) as conn:
        rows = conn.execute(sa.select(*cols).order_by(st.users.c.name)).mappings().all()
    return [dict(r, scope=tuple(json.loads(r["scope"])), locked_until=st.as_utc(r["locked_until"])) for r in rows]


def get_user(store: st.Store, name: str) -> User | None:
    with store.tx(write=False) as conn:
        row = conn.execute(sa.select(st.users).where(st.users.c.name == name)).mappings().first()
    return _user(row) if row else None


def sign_in(
    store: st.Store, name: str, password: str, *, clock: st.Clock = st.utcnow, session_for: timedelta = SESSION_FOR
) -> Session:
    """Check the password; a session on success. Five wrong passwords in a row lock the account for
    a minute (a locked account refuses even the right password). Every outcome is audited (the
    audit rows and the failure count are committed before the refusal is raised)."""
    now = clock()
    with store.tx() as conn:
        row = conn.execute(sa.select(st.users).where(st.users.c.name == name)).mappings().first()
        refusal = _check_sign_in(store, conn, row, name, password, now, clock)
        if refusal is None:
            conn.execute(st.sessions.delete().where(st.sessions.c.expires_at <= now))
            token = secrets.token_urlsafe(32)
            expires = now + session_for
            values = {"token_hash": st.digest(token.encode()), "user_name": name, "created_at": now}
            conn.execute(st.sessions.insert().values(**values, expires_at=expires))
            store.log(name, "sign_in", name, f"session until {expires.isoformat()}", conn=conn, clock=clock)
    if refusal is not None:
        raise SignInError(refusal)
    return Session(token, _user(row), expires)


def _check_sign_in(
    store: st.Store, conn: sa.Connection, row: Mapping | None, name: str, password: str, now: datetime,
    clock: st.Clock,
) -> str | None:  # fmt: skip
    """None when the password is right and the account open; else the refusal (counted and audited)."""
    wrong = "Wrong user name or password."
    if row is None:
        _verify(_DUMMY_HASH, password)  # as slow as a real check: timing does not tell which names exist
        store.log(name[:200], "sign_in_failure", name[:200], "unknown user", conn=conn, clock=clock)
        return wrong
    locked = st.as_utc(row["locked_until"])
    if locked is not None and locked > now:
        store.log(name, "sign_in_failure", name, f"locked until {locked.isoformat()}", conn=conn, clock=clock)
        return f"This account is locked until {locked:%H:%M:%S} UTC after {MAX_FAILURES} wrong passwords."
    q = st.users.update().where(st.users.c.name == name)
    if _verify(row["password_hash"], password):
        values: dict = {"failures": 0, "locked_until": None}
        if HASHER.check_needs_rehash(row["password_hash"]):
            values["password_hash"] = HASHER.hash(password)
        conn.execute(q.values(**values))
        return None
    failures = (0 if locked is not None else row["failures"]) + 1
    store.log(name, "sign_in_failure", name, f"wrong password ({failures})", conn=conn, clock=clock)
    if failures >= MAX_FAILURES:
        until = now + LOCK_FOR
        conn.execute(q.values(failures=0, locked_until=until))
        store.log(name, "lockout", name, f"locked until {until.isoformat()}", conn=conn, clock=clock)
    else:
        conn.execute(q.values(failures=failures, locked_until=None))
    return wrong


def _verify(hash_: str, password: str) -> bool:
    try:
        return HASHER.verify(hash_, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def session_user(store: st.Store, token: str | None, *, clock: st.Clock = st.utcnow) -> User | None:
    """The user of a live session; None for no token, an unknown one, an expired one or a removed user."""
    if not token:
        return None
    with store.tx(write=False) as conn:
        q = sa.select(st.sessions.c.expires_at, st.users).join(st.users, st.users.c.name == st.sessions.c.user_name)
        row = conn.execute(q.where(st.sessions.c.token_hash == st.digest(token.encode()))).mappings().first()
        if row is None:
            return None
        if st.as_utc(row["expires_at"]) <= clock():
            return None  # expired (removed at the next sign-in: a page view does not write)
    return _user(row)


def sign_out(store: st.Store, token: str, *, clock: st.Clock = st.utcnow) -> None:
    """End a session (audited under its user's name)."""
    with store.tx() as conn:
        th = st.digest(token.encode())
        name = conn.execute(sa.select(st.sessions.c.user_name).where(st.sessions.c.token_hash == th)).scalar()
        if name is not None:
            conn.execute(st.sessions.delete().where(st.sessions.c.token_hash == th))
            store.log(name, "sign_out", name, conn=conn, clock=clock)


def proxy_user(
    store: st.Store, headers: Mapping[str, str], *, trusted: bool | None = None, clock: st.Clock = st.utcnow
) -> User | None:
    """The account named by the proxy's ``X-Remote-User`` header, only in trusted-proxy mode.

    ``trusted`` defaults to ``KDIM_TRUST_PROXY_USER=1``. The account must exist here (its role and
    scope come from this store, never from a header); an unknown name is audited and gets None.
    """
    import os

    if trusted is None:
        trusted = os.environ.get(PROXY_ENV, "") == "1"
    if not trusted:
        return None
    name = next((v for k, v in headers.items() if k.lower() == PROXY_HEADER.lower()), "").strip()
    if not name:
        return None
    user = get_user(store, name)
    store.log(name[:200], "sign_in" if user else "sign_in_failure", name[:200], "trusted proxy header", clock=clock)
    return user


# --------------------------------------------------------------------------- CLI


def _read_password(prompt: str = "password: ") -> str:
    """Typed (not echoed) at a terminal; the first line of standard input otherwise (scripts)."""
    if sys.stdin.isatty():
        first = getpass.getpass(prompt)
        if getpass.getpass("again: ") != first:
            raise AccountError("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _cli_user(args: argparse.Namespace) -> int:
    actor = shell_admin()
    try:
        store = st.open_store()
        if args.user_cmd == "add":
            codes = [c for part in args.region or [] for c in part.split(",") if c.strip()]
            user = add_user(store, actor, args.name, _read_password(), args.role, codes or [ALL])
            print(f"added {user.name}: {user.role}, {user.scope_words()}")
        elif args.user_cmd == "list":
            for u in list_users(store, actor):
                lock = f", locked until {u['locked_until']:%H:%M:%S} UTC" if u["locked_until"] else ""
                print(f"{u['name']}\t{u['role']}\t{','.join(u['scope'])}{lock}")
        elif args.user_cmd == "remove":
            remove_user(store, actor, args.name)
            print(f"removed {args.name}")
        elif args.user_cmd == "password":
            set_password(store, actor, args.name, _read_password())
            print(f"new password set for {args.name}; its sessions are ended")
    except (AccountError, PermissionDenied, st.StoreError) as exc:
        print(f"user {args.user_cmd}: {exc}", file=sys.stderr)
        return 1
    return 0


def register_cli(sub: argparse._SubParsersAction) -> None:
    """`python -m geo user add|list|remove|password`."""
    p = sub.add_parser("user", help="accounts of the shared store: add, list, remove, password")
    us = p.add_subparsers(dest="user_cmd", metavar="ACTION", required=True)
    a = us.add_parser("add", help="create an account (password typed, or the first line of standard input)")
    a.add_argument("name")
    a.add_argument("--role", choices=ROLES, required=True)
    a.add_argument(
        "--region", action="append", help="editor's 시도/시군구 code (repeat or comma-separate; default all)"
    )
    us.add_parser("list", help="accounts, roles, regions and locks")
    r = us.add_parser("remove", help="delete an account (its audit rows stay)")
    r.add_argument("name")
    w = us.add_parser("password", help="set a new password (typed or from standard input); ends its sessions")
    w.add_argument("name")
    p.set_defaults(func=_cli_user)
