"""A throwaway PostgreSQL cluster for the store tests: initdb in a temporary folder, pg_ctl start
on a free loopback port (its unix socket in the same folder), stopped at the end.

Debian's `postgresql` package provides the binaries (/usr/lib/postgresql/*/bin; scripts/setup_system.sh
installs it without starting its service). PostgreSQL refuses to run as root, so as root the
cluster runs as `nobody` (runuser) in a folder chowned to it.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def pg_bin() -> Path:
    """The newest installed PostgreSQL's bin folder (fails loudly when missing: these tests never skip)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parent.parent.name))
    if not found:
        raise RuntimeError("PostgreSQL is not installed (run scripts/setup_system.sh: Debian package postgresql)")
    return Path(found[-1]).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_user(cmd: list[str], user: str | None) -> list[str]:
    return ["runuser", "-u", user, "--", *cmd] if user else cmd


@contextmanager
def cluster() -> Iterator[str]:
    """Yield a SQLAlchemy URL of a fresh database; stop the server and remove its folder afterwards."""
    bin_dir = pg_bin()
    user = "nobody" if os.geteuid() == 0 else None
    tmp = Path(tempfile.mkdtemp(prefix="kdim-pg-"))
    data = tmp / "data"
    if user:
        pw = pwd.getpwnam(user)
        os.chown(tmp, pw.pw_uid, pw.pw_gid)
    port = free_port()
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    run = {"check": True, "capture_output": True, "env": env, "cwd": tmp}
    subprocess.run(
        _as_user(
            [str(bin_dir / "initdb"), "-D", str(data), "-U", "kdim", "-A", "trust", "-E", "UTF8", "--no-sync"], user
        ),
        **run,
    )
    opts = f"-h 127.0.0.1 -p {port} -k {tmp} -F -c fsync=off -c full_page_writes=off"
    subprocess.run(
        _as_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(tmp / "log"), "-w", "start"], user),
        **run,
    )
    try:
        yield f"postgresql+psycopg://kdim@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], user),
            capture_output=True,
            env=env,
            cwd=tmp,
        )
        shutil.rmtree(tmp, ignore_errors=True)


def fresh_database(admin_url: str, name: str) -> str:
    """A new empty database in the cluster (one per test that needs a clean store)."""
    import sqlalchemy as sa

    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + "/" + name
