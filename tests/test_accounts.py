"""Accounts: argon2 hashes, roles and scopes, lockout and session expiry (clock injected), audit rows,
the trusted-proxy header, and the `user` command."""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from geo import accounts, store
from geo.accounts import PermissionDenied, SignInError, User

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "programs.csv"
ADMIN = User("root-admin", "admin")
PW = "correct horse 26"


class Clock:
    """A clock the test moves (no sleeps)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real argon2id at a low cost: the tests check the logic, not the work factor (the CPU is shared)."""
    from argon2 import PasswordHasher

    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def db(tmp_path: Path) -> store.Store:
    s = store.open_store(f"sqlite:///{tmp_path / 's.db'}", seed=SEED)
    yield s
    s.close()


def test_passwords_are_stored_as_argon2_hashes_only(db: store.Store) -> None:
    accounts.add_user(db, ADMIN, "busan", PW, "editor", ["26"])
    with db.engine.connect() as conn:
        (h,) = conn.execute(sa.select(store.users.c.password_hash)).one()
    assert h.startswith("$argon2id$") and PW not in h
    assert accounts.list_users(db, ADMIN) == [
        {"name": "busan", "role": "editor", "scope": ("26",), "failures": 0, "locked_until": None}
    ]


def test_lockout_after_five_wrong_passwords_for_one_minute(store_url: str) -> None:
    db = store.open_store(store_url, seed=SEED)
    clock = Clock()
    accounts.add_user(db, ADMIN, "busan", PW, "editor", ["26"], clock=clock)
    for _ in range(4):
        with pytest.raises(SignInError, match=r"^Wrong user name or password\.$"):
            accounts.sign_in(db, "busan", "wrong password", clock=clock)
    assert accounts.sign_in(db, "busan", PW, clock=clock).user.name == "busan"  # success resets the count
    for _ in range(5):
        with pytest.raises(SignInError, match=r"^Wrong user name or password\.$"):
            accounts.sign_in(db, "busan", "wrong password", clock=clock)
    with pytest.raises(SignInError, match="locked until 09:01:00 UTC after 5 wrong passwords"):
        accounts.sign_in(db, "busan", PW, clock=clock)  # the right password is refused while locked
    clock.advance(seconds=59)
    with pytest.raises(SignInError, match="locked"):
        accounts.sign_in(db, "busan", PW, clock=clock)
    clock.advance(seconds=1)
    session = accounts.sign_in(db, "busan", PW, clock=clock)
    assert session.user == User("busan", "editor", ("26",))
    actions = [(a["action"], a["detail"]) for a in db.audit_log() if a["target"] == "busan"]
    assert [a for a, _ in actions].count("sign_in_failure") == 11 and [a for a, _ in actions].count("lockout") == 1
    assert actions[-1][0] == "sign_in" and ("lockout", "locked until 2026-12-07T09:01:00+00:00") in actions
    assert all(PW not in a["detail"] and session.token not in a["detail"] for a in db.audit_log())
    db.close()


def test_unknown_user_fails_like_a_wrong_password_and_is_logged(db: store.Store) -> None:
    with pytest.raises(SignInError, match=r"^Wrong user name or password\.$"):
        accounts.sign_in(db, "nobody-here", PW)
    last = db.audit_log()[-1]
    assert (last["actor"], last["action"], last["detail"]) == ("nobody-here", "sign_in_failure", "unknown user")


def test_sessions_expire_and_tokens_are_stored_hashed(db: store.Store) -> None:
    clock = Clock()
    accounts.add_user(db, ADMIN, "rev", PW, "reviewer")
    s = accounts.sign_in(db, "rev", PW, clock=clock, session_for=timedelta(hours=1))
    assert accounts.session_user(db, s.token, clock=clock) == User("rev", "reviewer", ("*",))
    with db.engine.connect() as conn:
        (th,) = conn.execute(sa.select(store.sessions.c.token_hash)).one()
    assert th == store.digest(s.token.encode()) and th != s.token
    clock.advance(minutes=59, seconds=59)
    assert accounts.session_user(db, s.token, clock=clock) is not None
    clock.advance(seconds=1)
    assert accounts.session_user(db, s.token, clock=clock) is None
    assert accounts.session_user(db, "forged", clock=clock) is None and accounts.session_user(db, None) is None
    s2 = accounts.sign_in(db, "rev", PW, clock=clock)
    accounts.sign_out(db, s2.token, clock=clock)
    assert accounts.session_user(db, s2.token, clock=clock) is None
    s3 = accounts.sign_in(db, "rev", PW, clock=clock)
    accounts.remove_user(db, ADMIN, "rev")  # a removed account's session ends with it
    assert accounts.session_user(db, s3.token, clock=clock) is None


@pytest.mark.parametrize("role", ["viewer", "editor", "reviewer"])
def test_only_admins_manage_users(db: store.Store, role: str) -> None:
    actor = User("someone", role)
    for call in (
        lambda: accounts.add_user(db, actor, "x", PW, "admin"),
        lambda: accounts.remove_user(db, actor, "x"),
        lambda: accounts.set_password(db, actor, "x", PW),
        lambda: accounts.list_users(db, actor),
    ):
        with pytest.raises(PermissionDenied, match=f"someone \\({role}\\) may not users"):
            call()
    with pytest.raises(PermissionDenied, match="Sign in first"):
        accounts.require(None, "view")


def test_roles_grant_exactly_their_capabilities() -> None:
    table = {
        r: sorted(a for a in ("view", "submit", "review", "rollback", "users") if User("u", r).can(a))
        for r in accounts.ROLES
    }
    assert table == {
        "viewer": ["view"],
        "editor": ["submit", "view"],
        "reviewer": ["review", "rollback", "view"],
        "admin": ["review", "rollback", "submit", "users", "view"],
    }


def test_scopes_are_2024_codes_and_cover_their_sigungu(db: store.Store) -> None:
    with pytest.raises(accounts.AccountError, match="region '45' is not a 2024 시도"):
        accounts.add_user(db, ADMIN, "jb", PW, "editor", ["45"])  # 전라북도's old code: 52 since 2024
    with pytest.raises(accounts.AccountError, match="role 'boss'"):
        accounts.add_user(db, ADMIN, "x", PW, "boss")
    with pytest.raises(accounts.AccountError, match="at least 10 characters"):
        accounts.add_user(db, ADMIN, "x", "short", "viewer")
    u = accounts.add_user(db, ADMIN, "jb", PW, "editor", ["52", "26440"])
    assert u.scope == ("52", "26440") and u.scope_words() == "전북특별자치도 (52), 부산광역시 강서구 (26440)"
    assert u.in_scope("52", "52111") and u.in_scope("26", "26440")
    assert not u.in_scope("26", "26350") and not u.in_scope("", "")
    with pytest.raises(accounts.AccountError, match="already exists"):
        accounts.add_user(db, ADMIN, "jb", PW, "viewer")


def test_trusted_proxy_header_only_when_enabled(db: store.Store, monkeypatch: pytest.MonkeyPatch) -> None:
    accounts.add_user(db, ADMIN, "sso-kim", PW, "reviewer")
    headers = {"x-remote-user": "sso-kim"}
    monkeypatch.delenv(accounts.PROXY_ENV, raising=False)
    assert accounts.proxy_user(db, headers) is None
    monkeypatch.setenv(accounts.PROXY_ENV, "1")
    assert accounts.proxy_user(db, headers) == User("sso-kim", "reviewer", ("*",))
    assert accounts.proxy_user(db, {"X-Remote-User": "stranger"}) is None
    assert [(a["actor"], a["action"]) for a in db.audit_log()[-2:]] == [
        ("sso-kim", "sign_in"),
        ("stranger", "sign_in_failure"),
    ]


def test_user_command_reads_the_password_from_standard_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    from geo import cli

    url = f"sqlite:///{tmp_path / 's.db'}"
    monkeypatch.setenv("KDIM_STORE_URL", url)

    def geo(*args: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))  # not a tty: the first line is the password
        code = cli.main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    assert geo("user", "add", "busan", "--role", "editor", "--region", "26", stdin=PW + "\n") == (
        0, "added busan: editor, 부산광역시 (26)\n", "",
    )  # fmt: skip
    geo("user", "add", "rev", "--role", "reviewer", stdin=PW + "\n")
    assert geo("user", "list")[1].splitlines() == ["busan\teditor\t26", "rev\treviewer\t*"]
    code, _, err = geo("user", "add", "x", "--role", "editor", "--region", "99", stdin=PW + "\n")
    assert code == 1 and "region '99' is not a 2024" in err
    assert geo("user", "password", "busan", stdin="another password\n")[0] == 0
    s = store.open_store(url)
    assert accounts.sign_in(s, "busan", "another password").user.name == "busan"
    assert geo("user", "remove", "busan")[1] == "removed busan\n"
    assert [u["name"] for u in accounts.list_users(s, ADMIN)] == ["rev"]
    acts = [(a["action"], a["target"]) for a in s.audit_log()]
    assert acts[1:4] == [("user_add", "busan"), ("user_add", "rev"), ("user_password", "busan")]
    assert acts[-1] == ("user_remove", "busan") and all(a["actor"].startswith("shell:") for a in s.audit_log()[1:4])
    s.close()
