"""The 인구감소지역/관심지역 table (data/policy_areas.csv) and the shares of a view in each area.

Expected values are read with the csv module or written out by hand (the 2024 Smart Village
tasks in 인구감소지역 were checked one by one against data/programs.csv and the table).
"""

import csv
import math
import re
import shutil
from collections import Counter

import pytest

from geo import policy_areas, policy_shares
from geo.join import Filters, apply_filters
from geo.programs import load_programs
from tests.conftest import ROOT

TABLE = ROOT / "data" / "policy_areas.csv"
COUNTS = ROOT / "data" / "policy_area_counts.csv"


def _rows(path=TABLE):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _sigungu_codes():
    with open(ROOT / "geo" / "tables" / "sigungu_2024.csv", encoding="utf-8", newline="") as fh:
        return {r["sigungu_code"]: r for r in csv.DictReader(fh)}


def test_89_decline_and_18_interest_rows_on_valid_2024_codes():
    rows = _rows()
    kinds = Counter(r["kind"] for r in rows)
    assert kinds == {"인구감소지역": 89, "관심지역": 18}
    sgg = _sigungu_codes()
    assert len(sgg) == 229
    codes = [r["sigungu_code"] for r in rows]
    assert len(set(codes)) == 107  # no code twice
    assert set(codes) <= set(sgg)
    for r in rows:  # the name and 시도 written beside the code agree with the 2024 table
        assert sgg[r["sigungu_code"]]["name_ko"] == r["name_ko"], r
        assert sgg[r["sigungu_code"]]["sido_code"] == r["sido_code"], r
        assert r["source_url"].startswith("http") and r["source_ref"] and r["source_date"], r
    table = policy_areas.load()
    assert table.count(policy_areas.DECLINE) == 89 and table.count(policy_areas.INTEREST) == 18


def test_counts_per_sido_as_the_designations_give_them():
    got = Counter((r["kind"], r["sido_code"]) for r in _rows())
    decline = {k[1]: n for k, n in got.items() if k[0] == "인구감소지역"}
    # 2021 고시: 부산 3, 대구 2, 인천 2, 경기 2, 강원 12, 충북 6, 충남 9, 전북 10, 전남 16, 경북 16, 경남 11;
    # 군위군 moved from 경북 to 대구 on 2023-07-01.
    assert decline == {
        "26": 3, "27": 3, "28": 2, "41": 2, "51": 12, "43": 6, "44": 9, "52": 10, "46": 16, "47": 15, "48": 11,
    }  # fmt: skip
    interest = {k[1]: n for k, n in got.items() if k[0] == "관심지역"}
    assert interest == {"26": 2, "28": 1, "29": 1, "30": 3, "41": 2, "51": 4, "52": 1, "47": 2, "48": 2}
    assert policy_areas.load().expected == {k: n for k, n in got.items()}


def test_lookups_and_the_gunwi_move():
    assert policy_areas.kind_of("27720") == "인구감소지역"  # 군위군, 대구광역시 since 2023-07-01
    assert policy_areas.kind_of("47720") is None  # its old 경북 code is not a 2024 code
    assert policy_areas.kind_of("51150") == "관심지역"  # 강릉시
    assert policy_areas.kind_of("11110") is None  # 종로구
    assert policy_areas.area_of("46810") == "decline"  # 강진군
    assert policy_areas.area_of("30110") == "interest"  # 대전 동구
    assert policy_areas.area_of("41130") == "other"  # 성남시
    assert policy_areas.area_of("26") is None  # a 시도 is in no area
    gunwi = next(r for r in _rows() if r["sigungu_code"] == "27720")
    assert "47720" in gunwi["note"] and "2023-07-01" in gunwi["note"]


def _damaged(tmp_path, edit):
    rows = _rows()
    edit(rows)
    path = tmp_path / "policy_areas.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    shutil.copy(COUNTS, tmp_path / "counts.csv")
    return path, tmp_path / "counts.csv"


def test_a_damaged_copy_is_refused_naming_file_row_column_and_value(tmp_path):
    def edit(rows):
        rows[4]["sigungu_code"] = "99999"  # not a 2024 code (row 6 in a spreadsheet)
        rows[10]["kind"] = "소멸지역"
        rows[20]["sigungu_code"] = rows[21]["sigungu_code"]  # a code twice
        rows[30]["source_url"] = ""

    path, counts = _damaged(tmp_path, edit)
    with pytest.raises(policy_areas.PolicyAreaError) as exc:
        policy_areas.load_table(path, counts)
    msg = str(exc.value)
    assert f"{path}, row 6, column sigungu_code: value '99999' is not a 2024 시군구 code" in msg
    assert f"{path}, row 12, column kind: value '소멸지역'; expected one of 인구감소지역, 관심지역" in msg
    assert f"{path}, row 23, column sigungu_code: value '{_rows()[21]['sigungu_code']}' already given in row 22" in msg
    assert f"{path}, row 32, column source_url: empty" in msg


def test_an_old_code_is_refused_with_its_2024_code_and_counts_are_checked(tmp_path):
    def edit(rows):
        row = next(r for r in rows if r["sigungu_code"] == "27720")
        row["sigungu_code"] = "47720"  # 군위군 under its 경북 code

    path, counts = _damaged(tmp_path, edit)
    with pytest.raises(policy_areas.PolicyAreaError) as exc:
        policy_areas.load_table(path, counts)
    msg = str(exc.value)
    assert (
        "value '47720' is not a 2024 시군구 code (the 2024 code is 27720: 군위군 moved from 경상북도 to 대구광역시"
        in msg
    )
    assert "인구감소지역 in 대구광역시 (27): 2 rows, but counts.csv expects 3" in msg


def test_a_missing_column_or_file_is_refused(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("sigungu_code,kind\n27720,인구감소지역\n", encoding="utf-8")
    with pytest.raises(policy_areas.PolicyAreaError, match=r"row 1 \(header\): missing column\(s\) sido_code"):
        policy_areas.load_table(bad, COUNTS)
    with pytest.raises(policy_areas.PolicyAreaError, match="file not found"):
        policy_areas.load_table(tmp_path / "none.csv", COUNTS)


@pytest.fixture(scope="module")
def records():
    return load_programs(ROOT / "data" / "programs.csv").records


def test_shares_of_the_2024_smart_village_tasks(records):
    view = apply_filters(records, Filters(year=2024, program_type="smart_village"))
    s = policy_shares.shares(view, "budget_2024_national")
    # By hand: 32 named 2024 tasks, 2 placed only at 인천광역시 (SV-2024-03, SV-2024-IC-01); of the
    # 30 at a 시군구, 11 in 인구감소지역: 부여, 군위, 성주, 강화, 옹진, 홍천, 태백, 횡성, 보령, 공주, 무주.
    assert (s.tasks.decline, s.tasks.interest, s.tasks.other) == (11, 0, 19)
    assert s.tasks.n_not_attributable == 3  # the two 시도-level tasks and the program total SV-2024
    assert s.tasks.not_attributable == 2
    assert s.tasks.share() == pytest.approx(11 / 30)
    # 2024 국비 of the tasks: 광명 12.81, 보령 2.8 (인구감소지역), 달서 10.0; SV-2024's 1,039 less those.
    assert s.budget.decline == pytest.approx(2.8)
    assert s.budget.attributable == pytest.approx(25.61)
    assert s.budget.not_attributable == pytest.approx(1039 - 25.61)
    assert s.n_budget == 3
    assert s.units == {"decline": 89, "interest": 18, "other": 122, "total": 229}
    assert s.unit_share() == pytest.approx(89 / 229)


def test_shares_of_the_whole_record_set_add_up(records):
    s = policy_shares.shares(records, "life_total")
    from tests.conftest import raw_programs

    raw = raw_programs()
    assert s.records.attributable + s.records.n_not_attributable == len(raw) == 164
    assert (s.records.decline, s.records.interest, s.records.other) == (25, 5, 59)
    assert s.tasks.decline == 25 and s.tasks.attributable == 74
    assert s.records.share() == pytest.approx(25 / 89)
    line = policy_shares.figure_line(s, "ko")
    assert line.startswith("인구감소지역 비중 (시군구 89/229곳 = 38.9%): 기록 25/89건 (28.1%)")
    assert "스마트빌리지 과제 25/74개 (33.8%)" in line and "시군구에 배정되지 않은 기록 75건은 제외" in line
    assert "89 of 229 municipalities = 38.9%" in policy_shares.figure_line(s, "en")


def test_an_empty_view_has_no_share(records):
    s = policy_shares.shares(records.iloc[0:0], "life_total")
    assert s.records.attributable == 0 and math.isnan(s.records.share())
    assert "—" in policy_shares.figure_line(s, "ko")


def test_the_area_filter_keeps_only_records_placed_in_the_area(records):
    decline = apply_filters(records, Filters(area="decline"))
    assert len(decline) == 25
    assert {policy_areas.kind_of(c) for c in decline["at_sigungu"]} == {"인구감소지역"}
    other = apply_filters(records, Filters(area="other"))
    interest = apply_filters(records, Filters(area="interest"))
    assert len(decline) + len(interest) + len(other) == 89  # the 75 above the 시군구 are in none
    assert (other["at_sigungu"] != "").all()
    with pytest.raises(ValueError, match="area must be one of decline, interest, other"):
        apply_filters(records, Filters(area="rural"))


def test_cli_prints_counts_and_shares(capsys):
    from geo.cli import main

    assert main(["policy-areas", "--year", "2024", "--type", "smart_village"]) == 0
    out = capsys.readouterr().out
    assert "인구감소지역: 89 시군구 (부산광역시 3, 대구광역시 3," in out
    assert "관심지역: 18 시군구" in out
    assert "Smart Village tasks: 인구감소지역 11 of 30 (36.7%)" in out
    assert "시군구 units: 인구감소지역 89 of 229 (38.9%)" in out


# --------------------------------------------------------------------------- the view (?area=)


def test_area_round_trips_through_the_url_and_bad_values_are_named():
    from geo import view

    state = view.ViewState(level="sigungu", area="decline")
    q = view.to_query(state)
    assert q == {"level": "sigungu", "area": "decline"}
    assert view.from_query(q) == (state, [])
    again, ignored = view.from_query({"area": "rural"})
    assert again.area is None and ignored == ["area=rural"]
    assert all(p.area is None for p in view.PRESETS.values())  # a preset clears the area filter


def test_filter_words_name_the_area_in_each_language():
    from geo import view

    state = view.ViewState(area="interest", year=2024)
    assert view.filter_words(state) == "연도: 2024 · 인구감소지역 구분 (행정안전부 지정): 관심지역"
    en = view.filter_words(state.replace(lang="en"))
    assert en.endswith("Population-decline designation (Ministry of the Interior): Population-decline areas of concern")
    assert not re.search("[가-힣]", en)


def test_the_view_figures_follow_the_area_filter(records):
    from geo import view

    v = view.compute(records, view.ViewState(level="sigungu", area="decline", year=None))
    assert v.kpis["records"] == "25"
    assert set(v.values["code"]) <= policy_areas.load().codes(policy_areas.DECLINE)
    assert v.policy_line.startswith("인구감소지역 비중 (시군구 89/229곳 = 38.9%): 기록 25/25건 (100.0%)")
    whole = view.compute(records, view.ViewState(lang="en", year=None))
    assert whole.policy_line.startswith(
        "Share in population-decline areas (89 of 229 municipalities = 38.9%): records 25 of 89 (28.1%)"
    )
    assert "75 records not placed at a municipality are left out" in whole.policy_line
