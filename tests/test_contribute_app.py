"""The pages of the shared store through AppTest: the app reading the store (its data version on the
page, a failed store as one sentence), sign-in (good, wrong password, lockout), an editor's
submission (a row outside their region refused, the diff), a reviewer's approval and rejection,
and a signed-out page that shows the approved figure. Real SQLite stores in tmp_path, real argon2.
"""

from __future__ import annotations

import csv
import io
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo import accounts, live, store
from geo.i18n import t
from tests.conftest import raw_programs

APP = str(Path(__file__).resolve().parent.parent / "app.py")
EDITOR, EDITOR_PW = "kim-busan", "busan-password-1"
REVIEWER, REVIEWER_PW = "lee-review", "review-password-1"
BUDGET = t("kpi_year_national", "ko", year=2024)  # the opening view's first figure: 2024년 국비


@pytest.fixture
def shared(request, tmp_path, monkeypatch):
    """A fresh store (SQLite in tmp_path; PostgreSQL when parametrized so) seeded from
    data/programs.csv, with an editor for 부산 (26) and a reviewer."""
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    if getattr(request, "param", "sqlite") == "postgresql":
        from tests import pg

        url = pg.fresh_database(request.getfixturevalue("pg_url"), f"app_{tmp_path.name[-20:].lower()}")
    monkeypatch.setenv("KDIM_STORE_URL", url)
    live.reset()
    s = store.open_store()
    admin = accounts.shell_admin()
    accounts.add_user(s, admin, EDITOR, EDITOR_PW, "editor", ["26"])
    accounts.add_user(s, admin, REVIEWER, REVIEWER_PW, "reviewer")
    yield s
    s.close()
    live.reset()


def run(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown(elements) -> list[str]:  # type: ignore[no-untyped-def]
    """What alert boxes say, read as text (the page writes user text as literal Markdown: ``\\(``)."""
    return [e.value.replace("\\", "") for e in elements]


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.sidebar.text_input(key="w_signin_name").input(name)
    at.sidebar.text_input(key="w_signin_password").input(password)
    next(b for b in at.sidebar.button if b.label == t("signin", "ko")).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def busan_file() -> bytes:
    """BS-BLOCKCHAIN (부산, 2024: 국비 31억) with 국비 35 and total 66, and a new 대구 row."""
    rows = raw_programs()
    busan = dict(next(r for r in rows if r["id"] == "BS-BLOCKCHAIN"))
    assert (busan["annual_national"], busan["annual_total"]) == ("31", "62")
    busan.update(annual_national="35", annual_total="66")
    daegu = dict(busan, id="TEST-DAEGU-1", project_id="TEST-DAEGU-1", name_ko="대구 시험 기록", sido="대구광역시")
    out = io.StringIO()
    w = csv.DictWriter(out, list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows([busan, daegu])
    return out.getvalue().encode("utf-8")


def test_no_store_no_sign_in(monkeypatch):
    """Without KDIM_STORE_URL the page is today's viewer: no sign-in, no version in the source line."""
    monkeypatch.delenv("KDIM_STORE_URL", raising=False)
    live.reset()
    at = run()
    assert not [x for x in at.sidebar.text_input]
    assert t("signin_title", "ko") not in [s.value for s in at.sidebar.subheader]
    assert at.caption[-1].value == t("source_line", "ko")


def test_store_version_on_page_and_signed_out_figures(shared):
    at = run()
    today = f"{store.utcnow():%Y-%m-%d}"
    assert at.caption[-1].value == f"{t('source_line', 'ko')} · 데이터 버전 1 ({today})"
    assert metric(at, BUDGET) == "1,699.2 억원"  # the seed is the bundled file: the same figures
    assert [x.label for x in at.sidebar.text_input] == ["사용자 이름", "비밀번호"]
    assert not at.warning and not at.error
    en = run(lang="en")
    assert en.caption[-1].value == f"{t('source_line', 'en')} · Data version 1 ({today})"
    assert [x.label for x in en.sidebar.text_input] == ["User name", "Password"]
    assert t("signin_title", "en") in [s.value for s in en.sidebar.subheader]


@pytest.mark.parametrize("where", ["missing", "unreachable"])
def test_failed_store_is_one_sentence_and_bundled_data(tmp_path, monkeypatch, where):
    missing = tmp_path / "no-such-folder" / "store.sqlite3"
    urls = {"missing": f"sqlite:///{missing}", "unreachable": "postgresql+psycopg://kdim@127.0.0.1:1/kdim"}
    monkeypatch.setenv("KDIM_STORE_URL", urls[where])
    live.reset()
    try:
        at = run()
        (err,) = shown(at.error)
        assert err.startswith("공유 저장소를 쓸 수 없어 내장 데이터를 보여 줍니다: The data store")
        expected = {
            "missing": [str(missing), "is missing"],
            "unreachable": ["kdim@127.0.0.1:1/kdim", "cannot be reached"],
        }[where]
        assert all(part in err for part in expected), err
        assert metric(at, BUDGET) == "1,699.2 억원"
        assert at.caption[-1].value == t("source_line", "ko")  # no version: the bundled data
    finally:
        live.reset()


def test_read_only_store_shows_its_version_and_refuses_writes_in_a_sentence(shared, tmp_path, monkeypatch):
    """A store opened read-only (a read-only mount) still serves its records; a sign-in, which
    writes (the audit row, the session), is refused in one sentence."""
    path = tmp_path / "store.sqlite3"
    monkeypatch.setenv("KDIM_STORE_URL", f"sqlite:///file:{path}?mode=ro&uri=true")
    live.reset()
    at = run()
    assert not at.error
    assert at.caption[-1].value.endswith("· 데이터 버전 1 (" + f"{store.utcnow():%Y-%m-%d})")
    sign_in(at, EDITOR, EDITOR_PW)
    (err,) = shown(at.sidebar.error)
    assert err.startswith(f"로그인하지 못했습니다: The data store {path} is read-only: nothing can be saved")
    assert "auth_token" not in at.session_state


def test_sign_in_wrong_password_lockout_and_sign_out(shared):
    at = sign_in(run(), EDITOR, "not-the-password")
    assert shown(at.sidebar.error) == ["로그인하지 못했습니다: Wrong user name or password."]
    for _ in range(4):
        sign_in(at, EDITOR, "still-wrong-password")
    at = sign_in(at, EDITOR, EDITOR_PW)  # locked: even the right password is refused
    (err,) = shown(at.sidebar.error)
    assert err.startswith("로그인하지 못했습니다: This account is locked until ")
    assert "after 5 wrong passwords" in err
    assert not any("kim-busan (" in c.value for c in at.sidebar.caption)
    actions = [(r["actor"], r["action"]) for r in shared.audit_log()]
    assert actions.count((EDITOR, "sign_in_failure")) == 6 and (EDITOR, "lockout") in actions
    assert "auth_token" not in at.session_state

    at = sign_in(run(), REVIEWER, REVIEWER_PW)
    assert [c.value for c in at.sidebar.caption if REVIEWER in c.value] == ["lee-review (검토자, 모든 지역)"]
    assert at.session_state["auth_token"] and at.query_params.get("auth_token") is None
    assert "auth_token" not in str(dict(at.query_params))
    next(b for b in at.sidebar.button if b.label == "로그아웃").click().run()
    assert "auth_token" not in at.session_state
    assert [x.label for x in at.sidebar.text_input] == ["사용자 이름", "비밀번호"]


@pytest.mark.parametrize("shared", ["sqlite", "postgresql"], indirect=True)
def test_submit_review_and_live_figure(shared):
    viewer = run(sido="26")
    before = metric(viewer, BUDGET)
    assert before == "31 억원"  # 부산's 2024 국비 in the records: BS-BLOCKCHAIN's 31억

    editor = sign_in(run(), EDITOR, EDITOR_PW)
    editor.sidebar.radio(key="w_page").set_value("submit").run()
    editor.file_uploader[0].upload("busan.csv", busan_file(), "text/csv").run()
    assert not editor.exception, [e.value for e in editor.exception]
    (warn,) = shown(editor.warning)
    assert "busan.csv, row 3: 대구광역시 (27) is outside kim-busan's regions (부산광역시 (26))" in warn
    diff = next(h.proto.body for h in editor.get("html") if "kdim-diff" in h.proto.body)
    assert "BS-BLOCKCHAIN: annual_total: 62 → 66; annual_national: 31 → 35" in diff and "DAEGU" not in diff
    assert metric(editor, BUDGET) == "1,703.2 억원"  # the preview's figures: 1,699.2 + 4 (all of Korea, 2024)
    editor.text_area(key="w_submit_note").input("부산 블록체인 2024 국비 정정")
    next(b for b in editor.button if b.label == "제출").click().run()
    assert [s.value for s in editor.success] == [t("submit_done", "ko", id=1)]
    assert shared.current_version() == 1  # nothing changes for viewers before a review

    reviewer = sign_in(run(), REVIEWER, REVIEWER_PW)
    reviewer.sidebar.radio(key="w_page").set_value("review").run()
    assert "BS-BLOCKCHAIN: annual_total: 62 → 66" in "".join(h.proto.body for h in reviewer.get("html"))
    reviewer.button(key="rv_ok_1").click().run()
    assert [s.value for s in reviewer.success] == [t("review_approved", "ko", id=1, version=2)]
    assert shared.current_version() == 2

    time.sleep(live.POLL_S)  # the replica's poll of the version
    viewer.run()
    assert metric(viewer, BUDGET) == "35 억원"
    assert viewer.query_params["sido"] in ("26", ["26"]) and viewer.session_state["w_sido"] == "26"  # the view kept
    assert viewer.caption[-1].value.endswith(f"데이터 버전 2 ({datetime.now(UTC):%Y-%m-%d})")

    editor.run()
    mine = editor.dataframe[-1].value
    assert list(mine["상태"]) == ["승인"] and list(mine["반영 버전"]) == ["2"]


def test_reject_with_reason_reaches_the_editor(shared):
    from geo import submissions

    editor = accounts.User(EDITOR, "editor", ("26",))
    sid, _ = submissions.submit(shared, editor, busan_file(), "busan.csv", "note")
    reviewer = sign_in(run(), REVIEWER, REVIEWER_PW)
    reviewer.sidebar.radio(key="w_page").set_value("review").run()
    reviewer.button(key=f"rv_no_{sid}").click().run()  # no reason: refused by geo.submissions
    assert shown(reviewer.error) == ["처리하지 못했습니다: A rejection needs a reason (the editor reads it)."]
    reviewer.text_input(key=f"rv_reason_{sid}").input("출처 URL이 없습니다")
    reviewer.button(key=f"rv_no_{sid}").click().run()
    assert [s.value for s in reviewer.success] == [t("review_rejected", "ko", id=sid)]
    page = sign_in(run(), EDITOR, EDITOR_PW)
    page.sidebar.radio(key="w_page").set_value("submit").run()
    mine = page.dataframe[-1].value
    assert list(mine["상태"]) == ["반려"] and list(mine["사유·충돌 기록"]) == ["출처 URL이 없습니다"]
    assert shared.current_version() == 1


def test_conflict_is_flagged_on_the_review_page(shared):
    """Two editors change the same record from version 1; once the first is approved, approving the
    second is refused and the submission is flagged as a conflict naming the record."""
    from geo import submissions

    admin = accounts.shell_admin()
    accounts.add_user(shared, admin, "park-busan", "park-password-1", "editor", ["26"])
    kim, park = accounts.User(EDITOR, "editor", ("26",)), accounts.User("park-busan", "editor", ("26",))
    first, _ = submissions.submit(shared, kim, busan_file(), "kim.csv")
    second, _ = submissions.submit(shared, park, busan_file().replace(b",35,", b",36,"), "park.csv")
    submissions.approve(shared, accounts.User(REVIEWER, "reviewer", ("*",)), first)

    reviewer = sign_in(run(), REVIEWER, REVIEWER_PW)
    reviewer.sidebar.radio(key="w_page").set_value("review").run()
    reviewer.button(key=f"rv_ok_{second}").click().run()
    (err,) = shown(reviewer.error)
    assert err.startswith(
        f"처리하지 못했습니다: Submission {second} conflicts: its records were changed after version 1"
    )
    assert "BS-BLOCKCHAIN" in err
    assert shown(reviewer.warning) == [t("review_conflict", "ko", ids="BS-BLOCKCHAIN")]
    assert f"rv_ok_{second}" not in [b.key for b in reviewer.button]  # a conflict can only be rejected
    assert shared.current_version() == 2


def test_hostile_file_name_and_cells_stay_text(shared):
    """A file name and cells made of Markdown and HTML are shown as text: no link, no tag."""
    hostile = "<img src=x onerror=alert(1)>[x](javascript:alert(1))"
    data = busan_file().replace("부산 블록체인 특화 클러스터".encode(), hostile.encode(), 1)  # its name_ko
    editor = sign_in(run(), EDITOR, EDITOR_PW)
    editor.sidebar.radio(key="w_page").set_value("submit").run()
    editor.file_uploader[0].upload(f"{hostile}.csv", data, "text/csv").run()
    (warn,) = [w.value for w in editor.warning]
    assert "[x](javascript" not in warn and "\\[x\\]\\(javascript:alert\\(1\\)\\)" in warn
    assert "<img" not in warn.replace("\\<img", "")
    diff = next(h.proto.body for h in editor.get("html") if "kdim-diff" in h.proto.body)
    assert "<img" not in diff and "&lt;img src=x onerror=alert(1)&gt;" in diff
