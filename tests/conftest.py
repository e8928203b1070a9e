"""Shared test set-up: the repository on sys.path, one Playwright and one Chromium per run."""

import itertools
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def playwright_instance():  # type: ignore[no-untyped-def]
    """One Playwright for the whole run: its sync API allows one instance per process."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance):  # type: ignore[no-untyped-def]
    """Debian's Chromium (fails loudly when missing: browser tests never skip)."""
    from tests.e2e.server import launch_chromium

    b = launch_chromium(playwright_instance)
    try:
        yield b
    finally:
        b.close()


def raw_programs() -> list[dict[str, str]]:
    """data/programs.csv read with the csv module only: expected values independent of the code under test."""
    import csv

    with open(ROOT / "data" / "programs.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def sv_tasks(year: int, sido: str | None = None) -> int:
    """Named Smart Village tasks of a year (shares of SV-<year>), optionally in one 시도 (2024 name)."""
    return sum(
        1
        for r in raw_programs()
        if r["project_id"] == f"SV-{year}" and r["record_role"] == "share" and (sido is None or r["sido"] == sido)
    )


_DB_NUMBERS = itertools.count(1)


@pytest.fixture(scope="session")
def pg_url():  # type: ignore[no-untyped-def]
    """One throwaway PostgreSQL cluster per run (tests/pg.py); each test takes a fresh database in it."""
    from tests import pg

    with pg.cluster() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):  # type: ignore[no-untyped-def]
    """An empty store's URL, once per backend: SQLite in tmp_path, a new database in the shared cluster."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    from tests import pg

    name = f"t{next(_DB_NUMBERS)}_{request.param}"  # unique: a failed test's open pool cannot block the next
    return pg.fresh_database(request.getfixturevalue("pg_url"), name)
