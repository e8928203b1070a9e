"""Shared test set-up: the repository on sys.path, one Playwright and one Chromium per run."""

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
