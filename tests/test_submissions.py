"""Submissions, review, conflicts, history and rollback on a real store (SQLite; the main flow also on PostgreSQL)."""

from __future__ import annotations

import csv
import getpass
import io
from pathlib import Path

import pytest

from geo import history, merge, store, submissions
from geo.accounts import PermissionDenied, User
from geo.submissions import SubmissionConflict, SubmissionRefused

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "programs.csv"
BUSAN_ED = User("busan-ed", "editor", ("26",))
DAEGU_ED = User("daegu-ed", "editor", ("27",))
ALL_ED = User("all-ed", "editor", ("*",))
REVIEWER = User("rev", "reviewer")
ADMIN = User("adm", "admin")
VIEWER = User("see", "viewer")


def seed_rows() -> list[dict[str, str]]:
    with open(SEED, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def upload(*changes: tuple[str, dict[str, str]]) -> bytes:
    """A CSV of seed rows (by id; a new id copies a 부산 row) with some cells changed, as an editor saves it."""
    by_id = {r["id"]: r for r in seed_rows()}
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(by_id[next(iter(by_id))]), lineterminator="\r\n")
    w.writeheader()
    for rid, cells in changes:
        base = by_id.get(rid) or {**by_id["BS-BLOCKCHAIN"], "project_id": rid}  # a new id: a 부산 record
        w.writerow({**base, "id": rid, **cells})
    return out.getvalue().encode("utf-8")


@pytest.fixture
def db(tmp_path: Path) -> store.Store:
    s = store.open_store(f"sqlite:///{tmp_path / 's.db'}", seed=SEED)
    yield s
    s.close()


def test_busan_editor_submits_daegu_row_refused_reviewer_approves(store_url: str) -> None:
    db = store.open_store(store_url, seed=SEED)
    data = upload(("BS-BLOCKCHAIN", {"annual_total": "63.5"}), ("DID-DAEGU-SUSEONG", {"life_total": "999"}))
    sid, p = submissions.submit(db, BUSAN_ED, data, "busan.csv", "2024 결산 반영")
    assert p.refused == [
        {
            "row": 3,
            "id": "DID-DAEGU-SUSEONG",
            "region": "27260",
            "reason": "busan.csv, row 3: 대구광역시 수성구 (27260) is outside busan-ed's regions (부산광역시 (26))",
        }
    ]
    assert p.diff.changed == {"BS-BLOCKCHAIN": {"annual_total": ["62", "63.5"]}} and p.diff.added == []
    assert p.diff.lines() == ["~ BS-BLOCKCHAIN: annual_total: '62' → '63.5'"]
    assert db.current_version() == 1  # nothing changes for viewers before review
    (s,) = submissions.list_submissions(db, REVIEWER, "pending")
    assert (s.id, s.author, s.base_version, s.note, s.status) == (sid, "busan-ed", 1, "2024 결산 반영", "pending")
    assert submissions.submission_file(db, REVIEWER, sid) == ("busan.csv", data)  # the file is kept
    preview = submissions.programs.load_programs(submissions.submission_records(db, REVIEWER, sid), name="preview")
    amounts = dict(zip(preview.records["id"], preview.records["annual_total"], strict=True))
    assert preview.ok and len(preview.records) == 164 and amounts["BS-BLOCKCHAIN"] == 63.5  # the map preview's records
    with pytest.raises(PermissionDenied, match="daegu-ed \\(editor\\) may not read submission"):
        submissions.submission_records(db, DAEGU_ED, sid)
    vid = submissions.approve(db, REVIEWER, sid)
    assert vid == 2 and db.current_version() == 2
    rows = {r[0]: r for r in db.rows()}
    col = list(merge.programs.COLUMNS).index("annual_total")
    assert rows["BS-BLOCKCHAIN"][col] == "63.5" and rows["DID-DAEGU-SUSEONG"] == [*seed_row("DID-DAEGU-SUSEONG")]
    v = db.version(2)
    assert (v.author, v.kind, v.record_ids, v.note, v.file_digest) == (
        "rev",
        "approve",
        ["BS-BLOCKCHAIN"],
        "2024 결산 반영",
        store.digest(data),
    )
    (mine,) = submissions.list_submissions(db, BUSAN_ED)  # the editor sees the outcome
    assert (mine.status, mine.reviewer, mine.version_id) == ("approved", "rev", 2)
    assert [a["action"] for a in db.audit_log()] == ["seed", "submit", "approve"]
    db.close()


def seed_row(rid: str) -> list[str]:
    return [c.strip() for c in next(r for r in seed_rows() if r["id"] == rid).values()]


def test_every_seed_row_uploaded_again_is_unchanged(db: store.Store) -> None:
    """The loader's typed records turned back into text equal the bundled file's cells, all 164 rows."""
    with pytest.raises(SubmissionRefused, match=r"nothing to submit \(every row equals the current version\)"):
        submissions.submit(db, ADMIN, SEED.read_bytes(), "programs.csv")
    p = submissions.preview(db, ADMIN, SEED.read_bytes(), "programs.csv")
    assert len(p.diff.unchanged) == 164 and not p.diff.changed and not p.refused


@pytest.mark.parametrize("user", [None, VIEWER, REVIEWER])
def test_only_editors_and_admins_submit(db: store.Store, user: User | None) -> None:
    data = upload(("BS-BLOCKCHAIN", {"annual_total": "63"}))
    with pytest.raises(PermissionDenied, match="Sign in first" if user is None else "may not submit"):
        submissions.submit(db, user, data, "x.csv")
    with pytest.raises(PermissionDenied):
        submissions.preview(db, user, data, "x.csv")


@pytest.mark.parametrize("user", [None, VIEWER, BUSAN_ED, ALL_ED])
def test_only_reviewers_and_admins_approve_reject_rollback(db: store.Store, user: User | None) -> None:
    sid, _ = submissions.submit(
        db, ALL_ED if user is not ALL_ED else BUSAN_ED, upload(("BS-BLOCKCHAIN", {"annual_total": "63"})), "x.csv"
    )
    with pytest.raises(PermissionDenied):
        submissions.approve(db, user, sid)
    with pytest.raises(PermissionDenied):
        submissions.reject(db, user, sid, "no")
    with pytest.raises(PermissionDenied):
        history.rollback(db, user, 1)
    assert db.current_version() == 1 and submissions.list_submissions(db, REVIEWER)[0].status == "pending"


def test_who_sees_which_submissions(db: store.Store) -> None:
    a, _ = submissions.submit(db, BUSAN_ED, upload(("BS-BLOCKCHAIN", {"annual_total": "63"})), "b.csv")
    b, _ = submissions.submit(db, DAEGU_ED, upload(("DID-DAEGU-SUSEONG", {"life_total": "5"})), "d.csv")
    assert [s.id for s in submissions.list_submissions(db, REVIEWER)] == [b, a]
    assert [s.id for s in submissions.list_submissions(db, ADMIN)] == [b, a]
    assert [s.id for s in submissions.list_submissions(db, BUSAN_ED)] == [a]
    with pytest.raises(PermissionDenied, match="see \\(viewer\\) may not see submissions"):
        submissions.list_submissions(db, VIEWER)
    with pytest.raises(PermissionDenied, match="may not read submission"):
        submissions.submission_file(db, BUSAN_ED, b)


def test_nobody_approves_their_own_submission(db: store.Store) -> None:
    sid, _ = submissions.submit(db, ADMIN, upload(("BS-BLOCKCHAIN", {"annual_total": "63"})), "x.csv")
    with pytest.raises(PermissionDenied, match="adm may not approve their own submission"):
        submissions.approve(db, ADMIN, sid)
    assert submissions.approve(db, REVIEWER, sid) == 2


def test_an_id_of_another_region_cannot_be_taken_over(db: store.Store) -> None:
    data = upload(("DID-DAEGU-SUSEONG", {"sido": "부산광역시", "sigungu": "해운대구"}))
    with pytest.raises(SubmissionRefused, match=r"id DID-DAEGU-SUSEONG is a record of 대구광역시 수성구 \(27260\)"):
        submissions.submit(db, BUSAN_ED, data, "x.csv")


def test_invalid_rows_refuse_the_file_naming_row_and_column(db: store.Store) -> None:
    with pytest.raises(SubmissionRefused) as err:
        submissions.submit(db, BUSAN_ED, upload(("BS-BLOCKCHAIN", {"annual_total": "많이"})), "bad.csv")
    assert "bad.csv has 1 error(s)" in str(err.value) and "bad.csv, row 2, column annual_total" in str(err.value)
    assert submissions.list_submissions(db, REVIEWER) == []


def test_second_change_to_the_same_record_is_a_conflict(db: store.Store) -> None:
    first, _ = submissions.submit(db, BUSAN_ED, upload(("BS-BLOCKCHAIN", {"annual_total": "63"})), "a.csv")
    second, _ = submissions.submit(db, ALL_ED, upload(("BS-BLOCKCHAIN", {"annual_total": "70"})), "b.csv")
    other, _ = submissions.submit(db, DAEGU_ED, upload(("DID-DAEGU-SUSEONG", {"life_total": "5"})), "c.csv")
    assert submissions.approve(db, REVIEWER, first) == 2
    with pytest.raises(SubmissionConflict, match=r"changed after version 1 \(now 2\): BS-BLOCKCHAIN") as err:
        submissions.approve(db, REVIEWER, second)
    assert err.value.record_ids == ["BS-BLOCKCHAIN"]
    s = next(s for s in submissions.list_submissions(db, REVIEWER) if s.id == second)
    assert (s.status, s.conflicts) == ("conflict", ["BS-BLOCKCHAIN"])
    col = list(merge.programs.COLUMNS).index("annual_total")
    assert {r[0]: r for r in db.rows()}["BS-BLOCKCHAIN"][col] == "63"  # not overwritten
    assert submissions.approve(db, REVIEWER, other) == 3  # another record, also based on v1: merges on top
    assert {r[0]: r for r in db.rows()}["BS-BLOCKCHAIN"][col] == "63"
    with pytest.raises(SubmissionRefused, match="is conflict, not pending"):
        submissions.approve(db, REVIEWER, second)
    submissions.reject(db, REVIEWER, second, "resubmit against version 3")
    assert [a["action"] for a in db.audit_log()][-3:] == ["conflict", "approve", "reject"]


def test_reject_needs_a_reason_and_ends_the_submission(db: store.Store) -> None:
    sid, _ = submissions.submit(db, BUSAN_ED, upload(("BS-BLOCKCHAIN", {"annual_total": "63"})), "a.csv")
    with pytest.raises(SubmissionRefused, match="needs a reason"):
        submissions.reject(db, REVIEWER, sid, "  ")
    submissions.reject(db, REVIEWER, sid, "출처가 없습니다")
    (s,) = submissions.list_submissions(db, BUSAN_ED)
    assert (s.status, s.reason, s.reviewer) == ("rejected", "출처가 없습니다", "rev")
    with pytest.raises(SubmissionRefused, match="is rejected, not pending"):
        submissions.approve(db, REVIEWER, sid)
    assert db.current_version() == 1


def test_a_submission_decided_meanwhile_is_not_approved_twice(db: store.Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two reviewers on one submission: the one who reads it pending but writes second writes nothing."""
    sid, _ = submissions.submit(db, BUSAN_ED, upload(("BS-BLOCKCHAIN", {"annual_total": "63"})), "a.csv")
    real = submissions.merged_records

    def other_reviewer_first(*args, **kw):  # type: ignore[no-untyped-def]
        submissions.reject(db, ADMIN, sid, "출처 확인 필요")  # lands between the first read and the write
        return real(*args, **kw)

    monkeypatch.setattr(submissions, "merged_records", other_reviewer_first)
    with pytest.raises(SubmissionRefused, match="was decided by another reviewer meanwhile"):
        submissions.approve(db, REVIEWER, sid)
    assert db.current_version() == 1
    (s,) = submissions.list_submissions(db, REVIEWER)
    assert (s.status, s.reviewer, s.version_id) == ("rejected", "adm", None)


def test_new_record_is_added(db: store.Store) -> None:
    sid, p = submissions.submit(db, BUSAN_ED, upload(("BS-NEW-2027", {"name_ko": "부산 신규 과제"})), "n.csv")
    assert p.diff.added == ["BS-NEW-2027"]
    submissions.approve(db, REVIEWER, sid)
    rows = db.rows()
    assert len(rows) == 165 and rows[-1][0] == "BS-NEW-2027" and db.version(2).record_ids == ["BS-NEW-2027"]


def test_rollback_export_and_history_commands(
    db: store.Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    from geo import cli

    monkeypatch.setenv("KDIM_STORE_URL", db.url)
    before = tmp_path / "before.csv"
    assert cli.main(["export-csv", str(before)]) == 0
    assert before.read_bytes() == SEED.read_bytes()
    sid, _ = submissions.submit(
        db, BUSAN_ED, upload(("BS-BLOCKCHAIN", {"annual_total": "63"}), ("BS-NEW-2027", {})), "a.csv", "결산"
    )
    submissions.approve(db, REVIEWER, sid)
    changed = tmp_path / "changed.csv"
    cli.main(["export-csv", str(changed)])
    assert changed.read_bytes() != SEED.read_bytes() and b"BS-NEW-2027" in changed.read_bytes()
    capsys.readouterr()
    assert cli.main(["rollback", "1", "--note", "잘못된 값"]) == 0
    assert capsys.readouterr().out == "version 3: the records of version 1 (164 records)\n"
    after = tmp_path / "after.csv"
    cli.main(["export-csv", str(after)])
    assert after.read_bytes() == before.read_bytes() == SEED.read_bytes()
    v3 = db.version(3)
    assert (v3.kind, v3.parent, v3.note, v3.state_digest) == (
        "rollback",
        2,
        "잘못된 값",
        store.digest(SEED.read_bytes()),
    )
    assert v3.record_ids == ["BS-BLOCKCHAIN", "BS-NEW-2027"]
    capsys.readouterr()
    cli.main(["history"])
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("v3  rollback ") and out[0].endswith(f"  shell:{getpass.getuser()}  164 records")
    assert out[1] == "    records: BS-BLOCKCHAIN, BS-NEW-2027" and out[2] == "    note: 잘못된 값"
    assert [line.split()[0] for line in out if line.startswith("v")] == ["v3", "v2", "v1"]
    assert "    records: BS-BLOCKCHAIN, BS-NEW-2027" in out and "rev, submission 1  165 records" in "\n".join(out)
    cli.main(["export-csv", str(tmp_path / "v2.csv"), "--version", "2"])
    assert (tmp_path / "v2.csv").read_bytes() == changed.read_bytes()
    assert cli.main(["rollback", "9"]) == 1 and "There is no version 9." in capsys.readouterr().err
    assert [a["action"] for a in db.audit_log()] == ["seed", "submit", "approve", "rollback"]
    capsys.readouterr()
    assert cli.main(["audit", "--limit", "2"]) == 0
    approve_line, rollback_line = capsys.readouterr().out.splitlines()
    assert approve_line.endswith(" UTC  rev  approve  submission 1  version 2: BS-NEW-2027,BS-BLOCKCHAIN")
    assert rollback_line.endswith(
        f"  shell:{getpass.getuser()}  rollback  version 1  new version 3: BS-BLOCKCHAIN,BS-NEW-2027"
    )


def test_a_cp949_semicolon_file_diffs_like_its_utf8_twin(db: store.Store) -> None:
    """Excel's Korean CSV (CP949, here with semicolons) goes through the same loader: the same diff."""
    utf8 = upload(("BS-BLOCKCHAIN", {"annual_total": "63", "note": "결산 반영"}))
    rows = list(csv.reader(io.StringIO(utf8.decode("utf-8"))))
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    cp949 = out.getvalue().encode("cp949")
    a = submissions.preview(db, BUSAN_ED, utf8, "utf8.csv")
    b = submissions.preview(db, BUSAN_ED, cp949, "excel.csv")
    assert b.ok and b.rows == a.rows and b.diff == a.diff
    assert b.diff.changed["BS-BLOCKCHAIN"]["annual_total"] == ["62", "63"]
    assert b.diff.changed["BS-BLOCKCHAIN"]["note"][1] == "결산 반영"
