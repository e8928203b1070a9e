"""Officials update the shared map themselves (issue 26), in real browsers, on two real replicas behind
nginx sharing one SQLite store: an editor for 부산 signs in by keyboard, uploads a file with one
부산 row and one 대구 row (the 대구 row refused, naming it), submits; a reviewer in another browser
context approves; a third, signed-out context on the other replica shows the new 부산 figure
within 10 s without a reload and with its view (URL filters) kept; ``python -m geo rollback``
brings the old figure back the same way, and ``python -m geo export-csv`` before and after is
byte-identical. axe-core checks the sign-in and review panels.

One test function (one cluster start) on purpose: the steps depend on each other and a cluster
costs most of the time.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from a11y import report, run_axe
from cluster import Cluster, route_key
from conftest import SCREENSHOTS
from helpers import click_radio, metrics, sidebar, wait_script_done
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from server import REPO

from geo import accounts, store
from geo.i18n import t

pytestmark = pytest.mark.e2e

LIVE_LIMIT_S = 10.0
EDITOR, EDITOR_PW = "kim-busan", "busan-password-1"
REVIEWER, REVIEWER_PW = "lee-review", "review-password-1"
BUDGET = t("kpi_year_national", "ko", year=2024)


def upload_file(folder: Path) -> Path:
    """A workbook as an official saves it: BS-BLOCKCHAIN (부산, 2024 국비 31억) with 국비 35 / total 66,
    and a new 대구 row (refused)."""
    import openpyxl

    with open(REPO / "data" / "programs.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    busan = dict(next(r for r in rows if r["id"] == "BS-BLOCKCHAIN"))
    busan.update(annual_national="35", annual_total="66")
    daegu = dict(busan, id="TEST-DAEGU-1", project_id="TEST-DAEGU-1", name_ko="대구 시험 기록", sido="대구광역시")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "사업목록"
    sheet.append(list(rows[0]))
    for row in (busan, daegu):
        sheet.append([row[c] for c in rows[0]])
    path = folder / "busan-2024.xlsx"
    book.save(path)
    return path


def open_signin_page(page, url: str) -> None:  # type: ignore[no-untyped-def]
    """The first page of a freshly started replica, up to its sign-in form. One CI run (of many)
    saw a first page whose script never finished within 90 s on a loaded machine while the same
    test took 28-80 s in every other run: that page is reloaded once, as a person would, and the
    form must then come (the failure is kept in the log)."""
    signin = sidebar(page).get_by_label(t("signin_name", "ko"), exact=True)
    page.goto(url, wait_until="domcontentloaded")
    try:
        signin.wait_for(timeout=60_000)
    except PlaywrightTimeout:
        print(f"\nfirst page of {url}: no sign-in form after 60 s; reloaded once")
        page.reload(wait_until="domcontentloaded")
        signin.wait_for(timeout=60_000)
    wait_script_done(page, expect_run=False, timeout=60)


def geo_cli(url: str, *args: str) -> str:
    env = {**os.environ, "KDIM_STORE_URL": url}
    done = subprocess.run([sys.executable, "-m", "geo", *args], cwd=REPO, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def wait_figure(page, want: str, since: float, what: str, limit: float = LIVE_LIMIT_S) -> float:  # type: ignore[no-untyped-def]
    """Poll the page's 2024년 국비 until it shows ``want``; the seconds since ``since``."""
    while metrics(page).get(BUDGET) != want:
        if time.monotonic() - since > limit:
            raise AssertionError(f"{what}: {metrics(page).get(BUDGET)!r}, not {want!r}, after {limit} s")
        time.sleep(0.2)
    return time.monotonic() - since


def axe_clean(page, name: str) -> None:  # type: ignore[no-untyped-def]
    found = report(name, run_axe(page), SCREENSHOTS.parent / "axe")
    assert not found, f"{name}: axe found {found}"


def sign_in_by_keyboard(page, name: str, password: str) -> int:  # type: ignore[no-untyped-def]
    """Tab from the top of the page to the user-name box, type, Tab, type, Enter; the Tab presses."""
    label = t("signin_name", "ko")
    page.locator("body").focus()
    for n in range(1, 150):  # noqa: B007 (n is returned)
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.getAttribute('aria-label')") == label:
            break
    else:
        raise AssertionError("Tab never reached the sign-in form's user name")
    page.keyboard.type(name)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.type") == "password"
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    wait_script_done(page)
    return n


def sign_in(page, name: str, password: str) -> None:  # type: ignore[no-untyped-def]
    sidebar(page).get_by_label(t("signin_name", "ko"), exact=True).fill(name)
    sidebar(page).get_by_label(t("signin_password", "ko"), exact=True).fill(password)
    sidebar(page).get_by_role("button", name=t("signin", "ko"), exact=True).click()
    wait_script_done(page)


def test_editor_submits_reviewer_approves_every_replica_shows_it(guarded_pages, tmp_path) -> None:
    folder = Path(tempfile.mkdtemp(prefix="kdim-store-"))
    url = f"sqlite:///{folder / 'store.sqlite3'}"
    s = store.open_store(url)
    admin = accounts.shell_admin()
    accounts.add_user(s, admin, EDITOR, EDITOR_PW, "editor", ["26"])
    accounts.add_user(s, admin, REVIEWER, REVIEWER_PW, "reviewer")
    s.close()
    before_csv = tmp_path / "before.csv"
    geo_cli(url, "export-csv", str(before_csv))
    assert before_csv.read_bytes() == (REPO / "data" / "programs.csv").read_bytes()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    with Cluster(2, env={"KDIM_STORE_URL": url}) as cluster:
        # The editor: the sign-in form by keyboard alone (axe on the page with the form first).
        editor = guarded_pages()
        open_signin_page(editor, cluster.url + "/")
        axe_clean(editor, "contribute_signin")
        form = sidebar(editor).locator("[data-testid='stForm']")
        form.scroll_into_view_if_needed()
        form.screenshot(path=str(SCREENSHOTS / "contribute_signin.png"))
        presses = sign_in_by_keyboard(editor, EDITOR, EDITOR_PW)
        sidebar(editor).get_by_text("kim-busan (편집자, 부산광역시)").wait_for(timeout=15_000)
        print(f"\nsign-in reached by {presses} Tab presses")

        click_radio(editor, t("page_submit", "ko"))
        wait_script_done(editor)
        box = editor.locator("[data-testid='stFileUploader']").filter(has_text=t("submit_file", "ko"))
        box.locator("input[type=file]").set_input_files(str(upload_file(tmp_path)))
        refused = "busan-2024.xlsx, row 3: 대구광역시 (27) is outside kim-busan's regions (부산광역시 (26))"
        editor.get_by_text(refused).wait_for(timeout=60_000)
        diff = editor.locator("ul.kdim-diff li")
        assert diff.all_inner_texts() == ["변경 BS-BLOCKCHAIN: annual_total: 62 → 66; annual_national: 31 → 35"]
        editor.locator("iframe[title='streamlit_folium.st_folium']").wait_for()  # the preview map
        editor.screenshot(path=str(SCREENSHOTS / "contribute_preview.png"), full_page=True)
        editor.get_by_label(t("submit_note", "ko")).fill("부산 블록체인 2024 국비 정정")
        editor.get_by_role("button", name=t("submit_button", "ko"), exact=True).click()
        editor.get_by_text(t("submit_done", "ko", id=1)).wait_for(timeout=30_000)
        editor.screenshot(path=str(SCREENSHOTS / "contribute_submit.png"), full_page=True)

        # The reviewer, in another browser context.
        reviewer = guarded_pages()
        open_signin_page(reviewer, cluster.url + "/")
        sign_in(reviewer, REVIEWER, REVIEWER_PW)
        click_radio(reviewer, t("page_review", "ko"))
        wait_script_done(reviewer)
        reviewer.get_by_text("BS-BLOCKCHAIN: annual_total: 62 → 66; annual_national: 31 → 35").wait_for()
        axe_clean(reviewer, "contribute_review")
        reviewer.screenshot(path=str(SCREENSHOTS / "contribute_review.png"), full_page=True)
        review_replica = cluster.upstreams_of(route_key(reviewer))[-1]

        # A signed-out official on the other replica, with a view in the URL (부산, 2024 국비).
        for _ in range(12):
            viewer = guarded_pages()
            viewer.goto(cluster.url + "/?sido=26", wait_until="domcontentloaded")
            if cluster.upstreams_of(route_key(viewer))[-1] != review_replica:
                break
            viewer.context.close()
        else:
            raise AssertionError("nginx sent 12 new browsers to the reviewer's replica")
        wait_script_done(viewer, expect_run=False, timeout=90)
        wait_figure(viewer, "31 억원", time.monotonic(), "부산's 2024 국비 before the approval", limit=60)
        viewer.evaluate("() => { window.__kdimNoReload = true; }")

        t0 = time.monotonic()
        reviewer.get_by_role("button", name=t("review_approve", "ko"), exact=True).click()
        reviewer.get_by_text(t("review_approved", "ko", id=1, version=2)).wait_for(timeout=LIVE_LIMIT_S * 1000)
        shown_s = wait_figure(viewer, "35 억원", t0, "the approved figure on the other replica")
        print(f"approval → the other replica's open page shows it: {shown_s:.1f} s")
        assert viewer.evaluate("() => window.__kdimNoReload === true"), "the page was reloaded"
        assert "sido=26" in viewer.url
        assert sidebar(viewer).get_by_role("combobox", name=t("sido", "ko"), exact=True).input_value() == "부산광역시"
        viewer.get_by_text("데이터 버전 2 (", exact=False).first.wait_for()
        viewer.screenshot(path=str(SCREENSHOTS / "contribute_live.png"))

        # Undo from the shell: a new version equal to version 1, on every replica the same way.
        t1 = time.monotonic()
        geo_cli(url, "rollback", "1", "--note", "e2e")
        t2 = time.monotonic()  # the new version exists from here (the command's own start-up is before)
        back_s = wait_figure(viewer, "31 억원", t2, "the rolled-back figure")
        print(f"rollback command {t2 - t1:.1f} s, then the open page shows the old figure: {back_s:.1f} s")
        assert viewer.evaluate("() => window.__kdimNoReload === true") and "sido=26" in viewer.url

    after_csv = tmp_path / "after.csv"
    geo_cli(url, "export-csv", str(after_csv))
    assert after_csv.read_bytes() == before_csv.read_bytes()
    history = geo_cli(url, "history")
    assert [line.split()[:2] for line in history.splitlines() if line.startswith("v")] == [
        ["v3", "rollback"], ["v2", "approve"], ["v1", "seed"],
    ], history  # fmt: skip
    shutil.rmtree(folder, ignore_errors=True)


def test_trusted_proxy_header_signs_in_only_a_known_account(guarded_pages, tmp_path) -> None:
    """KDIM_TRUST_PROXY_USER=1: the user comes from the proxy's X-Remote-User header (as nginx would
    set it) with the role from the store; no password form; an unknown name signs nobody in."""
    from server import StreamlitServer

    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    s = store.open_store(url)
    accounts.add_user(s, accounts.shell_admin(), REVIEWER, REVIEWER_PW, "reviewer")
    env = {"KDIM_STORE_URL": url, "KDIM_TRUST_PROXY_USER": "1"}
    with StreamlitServer(env=env) as server:
        known = guarded_pages(extra_http_headers={"X-Remote-User": REVIEWER})
        known.goto(server.url + "/", wait_until="domcontentloaded")
        wait_script_done(known, expect_run=False, timeout=90)
        sidebar(known).get_by_text("lee-review (검토자, 모든 지역)").wait_for(timeout=30_000)
        assert sidebar(known).get_by_label(t("signin_password", "ko"), exact=True).count() == 0
        assert sidebar(known).get_by_role("button", name=t("signout", "ko")).count() == 0  # the proxy signs out

        stranger = guarded_pages(extra_http_headers={"X-Remote-User": "admin"})
        stranger.goto(server.url + "/", wait_until="domcontentloaded")
        wait_script_done(stranger, expect_run=False, timeout=90)
        sidebar(stranger).get_by_text(t("signin_title", "ko"), exact=True).wait_for()
        assert sidebar(stranger).get_by_text("admin (", exact=False).count() == 0
        assert stranger.get_by_role("radio", name=t("page_review", "ko")).count() == 0
    rows = [(r["actor"], r["action"], r["detail"]) for r in s.audit_log() if r["detail"] == "trusted proxy header"]
    assert rows == [(REVIEWER, "sign_in", "trusted proxy header"), ("admin", "sign_in_failure", "trusted proxy header")]
    s.close()
