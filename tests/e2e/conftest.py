"""Fixtures for the real-browser tests: one Streamlit server and one Chromium for the session,
a fresh browser context (and so a fresh Streamlit session) per test, no request off localhost.

Run: ``python -m pytest tests/e2e`` (or ``-m e2e``). Needs Debian's /usr/bin/chromium and the
static Leaflet files (``python -m geo prepare-static``; the fixture prepares them too).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # `import server, helpers` from the tests (tests/ is not a package)

from server import REPO, StreamlitServer, is_local_url  # noqa: E402

ARTIFACTS = REPO / "tests" / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
DOWNLOADS = ARTIFACTS / "downloads"


@pytest.fixture(scope="session")
def app_server() -> Iterator[StreamlitServer]:
    """`streamlit run app.py` on a free port, stopped (process group killed) at the end."""
    from geo import offline

    offline.ensure_static_assets()  # what `python -m geo prepare-static` does
    srv = StreamlitServer()
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


# `playwright_instance` and `browser` (one Chromium per test session) live in tests/conftest.py:
# Playwright's sync API allows one instance per process, shared with tests/test_export.py.


class NetworkGuard:
    """Aborts and records every request that would leave this machine."""

    def __init__(self) -> None:
        self.blocked: list[str] = []
        self.requests: list[str] = []
        self.websockets: list[str] = []
        self.page_errors: list[str] = []
        self.dialogs: list[str] = []

    def route(self, route) -> None:  # type: ignore[no-untyped-def]
        url = route.request.url
        if is_local_url(url):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort("blockedbyclient")

    def attach(self, context) -> None:  # type: ignore[no-untyped-def]
        context.route("**/*", self.route)
        context.on("request", lambda r: self.requests.append(r.url))
        context.on("page", self.attach_page)

    def attach_page(self, page) -> None:  # type: ignore[no-untyped-def]
        page.on("websocket", lambda ws: self.websockets.append(ws.url))
        page.on("pageerror", lambda e: self.page_errors.append(str(e)))

        def on_dialog(d) -> None:  # type: ignore[no-untyped-def]
            self.dialogs.append(f"{d.type}: {d.message}")
            d.dismiss()

        page.on("dialog", on_dialog)

    def off_host(self) -> list[str]:
        ws = [u for u in self.websockets if not is_local_url(u.replace("ws://", "http://", 1))]
        return self.blocked + ws


def make_context(browser, guard: NetworkGuard, **kwargs):  # type: ignore[no-untyped-def]
    kwargs.setdefault("viewport", {"width": 1400, "height": 1000})
    kwargs.setdefault("accept_downloads", True)
    kwargs.setdefault("locale", "ko-KR")
    ctx = browser.new_context(**kwargs)
    ctx.set_default_timeout(30_000)
    guard.attach(ctx)
    return ctx


@pytest.fixture
def guard() -> NetworkGuard:
    return NetworkGuard()


@pytest.fixture
def guarded_pages(browser, guard):  # type: ignore[no-untyped-def]
    """Factory: a page in a fresh context (own Streamlit session), network-guarded, for any server.

    At teardown the test fails if any page tried to reach a host other than localhost.
    """
    contexts = []

    def factory(**kwargs):  # type: ignore[no-untyped-def]
        ctx = make_context(browser, guard, **kwargs)
        contexts.append(ctx)
        return ctx.new_page()

    yield factory
    for ctx in contexts:
        ctx.close()
    off = guard.off_host()
    assert not off, f"requests left localhost (blocked): {sorted(set(off))}"


@pytest.fixture
def new_page(guarded_pages, app_server):  # type: ignore[no-untyped-def]
    """Factory of guarded pages, with the session's Streamlit server running (``app_server.url``)."""
    return guarded_pages


@pytest.fixture
def page(new_page):  # type: ignore[no-untyped-def]
    return new_page()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(scope="session")
def download_dir() -> Path:
    DOWNLOADS.mkdir(parents=True, exist_ok=True)
    return DOWNLOADS
