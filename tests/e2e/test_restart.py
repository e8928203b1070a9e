"""The server killed during a session and restarted on the same port: the open page reconnects
by itself and shows the same view, rebuilt from its URL (issue 14, faults).
"""

from __future__ import annotations

import contextlib
import os
import signal
import time

import pytest

from geo import i18n
from tests.e2e.conftest import make_context
from tests.e2e.helpers import fills, metrics, open_app, select, wait_fills_change, wait_metrics, wait_script_done
from tests.e2e.server import StreamlitServer

pytestmark = pytest.mark.e2e


def kill_hard(srv: StreamlitServer) -> None:
    """SIGKILL the server's process group, as a crash or an OOM killer would (no clean shutdown)."""
    assert srv.proc is not None
    with contextlib.suppress(ProcessLookupError):
        os.killpg(srv.proc.pid, signal.SIGKILL)
    srv.proc.wait(timeout=10)
    srv.stop()  # closes the log; the process is already gone


def _crash_and_restart(browser, guard, then) -> None:  # type: ignore[no-untyped-def]
    """Open a view by URL, SIGKILL the server, restart it on the same port, wait for the page to reconnect."""
    srv = StreamlitServer().start()
    second = None
    ctx = make_context(browser, guard)
    try:
        page = ctx.new_page()
        sockets: list[object] = []
        page.on("websocket", lambda ws: sockets.append(ws))  # Streamlit's connection: a new one = reconnected
        open_app(page, f"{srv.url}/?group=호남권&metric=budget_2024_national")
        want = (fills(page), metrics(page), page.url)
        assert "group=" in want[2] and want[1]

        kill_hard(srv)
        second = StreamlitServer(port=srv.port).start()
        deadline = time.monotonic() + 90
        while len(sockets) < 2 and time.monotonic() < deadline:  # the page retries by itself
            page.wait_for_timeout(500)
        assert len(sockets) >= 2, "the page did not reconnect to the restarted server"
        wait_script_done(page, expect_run=True, timeout=60)
        then(page, *want)
        assert page.locator("[data-testid='stException']").count() == 0
        assert not guard.off_host()
    finally:
        ctx.close()
        for s in (srv, second):
            if s is not None:
                s.stop()


def query(page) -> dict[str, str]:  # type: ignore[no-untyped-def]
    from urllib.parse import parse_qs, urlsplit

    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


def test_killed_server_restarted_page_shows_the_same_view(browser, guard) -> None:  # type: ignore[no-untyped-def]
    def same_view(page, want_fills, want_metrics, want_url) -> None:  # type: ignore[no-untyped-def]
        assert wait_metrics(page, want_metrics, timeout=30) == want_metrics
        assert fills(page) == want_fills
        assert page.url == want_url  # the view lives in the URL, so it survives the restart

    _crash_and_restart(browser, guard, same_view)


def test_filters_work_after_the_restart(browser, guard) -> None:  # type: ignore[no-untyped-def]
    def change_and_back(page, want_fills, want_metrics, want_url) -> None:  # type: ignore[no-untyped-def]
        select(page, i18n.t("region_group", "ko"), "수도권")
        assert wait_fills_change(page, want_fills) != want_fills
        wait_script_done(page)
        assert query(page).get("group") == "수도권"  # the change itself, not a reset to 전체
        select(page, i18n.t("region_group", "ko"), "호남권")
        wait_script_done(page)
        assert wait_metrics(page, want_metrics) == want_metrics and fills(page) == want_fills

    _crash_and_restart(browser, guard, change_and_back)
