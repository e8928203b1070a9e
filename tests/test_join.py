"""Joins and aggregates on the real data: each project counted once, each amount on its own span."""

from __future__ import annotations

import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

from geo import boundaries
from geo.join import Filters, aggregate, apply_filters, attach, breakdown, total
from geo.programs import load_programs
from geo.reconcile import load_official, reconcile
from tests.conftest import raw_programs, sv_tasks

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def recs():
    return attach(load_programs().records)


# The records whose sums were checked by hand (the 51 of the first release). Later research added
# more records to the same regions; these tests check the join's arithmetic on the hand-checked set.
_LATER = re.compile(r"^(E2[56]-|P24-|SV-20(22|23|25|26)\b|SV-2024-[A-Z]{2}-)")


@pytest.fixture(scope="module")
def hand():
    raw = load_programs().records
    return attach(raw[~raw["id"].str.match(_LATER)])


def _row(df, code):
    hit = df[df["code"] == code]
    assert len(hit) == 1, df
    return hit.iloc[0]


def test_busan_hand_checked(hand):
    # 센텀시티 110억 (2023–2025) + 영남 제조 share 90억 (2024–2026) + 블록체인 200억 (2024–2026).
    life = _row(aggregate(hand, "sido", "life_total"), "26")
    assert life["value"] == 110 + 90 + 200
    assert life["n_records"] == 3
    assert "부산 센텀시티" in life["programs_ko"] and "블록체인" in life["programs_ko"]
    assert "Busan Centum City" in life["programs_en"]
    # 2024 budget year: only the blockchain cluster publishes one (62억 = 국비 31 + 시비 31).
    assert _row(aggregate(hand, "sido", "budget_2024_total"), "26")["value"] == 62
    assert _row(aggregate(hand, "sido", "budget_2024_national"), "26")["value"] == 31
    # 국비 over each program's life: 센텀 63; the 영남 share's split is not published; 블록체인 none.
    assert _row(aggregate(hand, "sido", "life_national"), "26")["value"] == 63
    # At 시군구 level only 센텀시티 (해운대구) is placed; the 시도-wide records sit above the level.
    haeundae = _row(aggregate(hand, "sigungu", "life_total"), "26350")
    assert (haeundae["value"], haeundae["n_records"]) == (110, 1)


def test_yeongnam_not_double_counted(hand):
    life = aggregate(hand, "sido", "life_total").set_index("code")["value"]
    assert (life["26"], life["31"], life["48"]) == (110 + 90 + 200, 90, 90 + 163)  # 부산, 울산, 경남
    assert life["27"] == 90 and life["47"] == 90 + 180  # 대구; 경북 share + 구미 메타버스 허브
    yn = hand[hand["project_id"] == "YN-MFG"]
    assert yn["eff_life_total"].sum() == 450  # 5 × 90 + whole remainder 0
    assert total(hand[hand["project_id"] == "YN-MFG"], "life_total") == 450
    # The 2024 국비 100억 has no published split: counted once, as unallocated.
    b = breakdown(hand, "sido", "budget_2024_national").set_index("category")
    assert "제조업 인공지능융합기반 조성" in b.at["unallocated", "programs_ko"]
    assert b.at["total", "value"] == total(hand, "budget_2024_national")
    parts = b.drop(index="total")["value"].fillna(0).sum()
    assert math.isclose(parts, b.at["total", "value"])


def test_chungcheong_split_by_given_share_only(hand):
    life = aggregate(hand, "sido", "life_total").set_index("code")
    assert life.at["43", "value"] >= 171  # 충북 share (plus the 오창 district 90 and none else)
    assert life.at["43", "value"] == 171 + 90
    assert math.isnan(life.at["30", "value"])  # 대전 share amount not published
    grp = aggregate(hand, "region_group", "life_total").set_index("code")
    # 충청권: 충북 share 171 + remainder 189 on the 권역 + 오창 90; never 4 × 360.
    assert grp.at["충청권", "value"] == 360 + 90


def test_national_program_is_not_regional(recs):
    b = breakdown(recs, "sido", "budget_2024_national").set_index("category")
    assert b.at["not_regional", "value"] == 217
    for level in ("sido", "sigungu", "region_group"):
        agg = aggregate(recs, level, "budget_2024_national")
        assert "지역 디지털 기초체력 지원" not in " ".join(agg["programs_ko"])


def test_spans_are_never_mixed(hand):
    assert total(hand, "budget_2024_national") == 217 + 103 + 100 + 93.5 + 31 + 1039
    assert total(hand, "budget_2023_national") == 80  # 충청 2023
    # Lifetime totals are their own metric: 2024 amounts never leak into them.
    assert total(hand, "life_total") == 110 + 90 + 163 + 360 + 450 + 450 + 426 + 200 + 180


def test_emd_centroids_come_from_the_polygons(recs):
    emd = boundaries.load_layer("emd")
    placed = recs[recs["location_precision"] == "emd_centroid"]
    assert placed["lat"].notna().all() and (placed["placed_by"] == "emd_centroid").all()
    centum = placed[placed["id"] == "DID-BUSAN-CENTUM"].iloc[0]
    polys = emd[(emd["sigungu_code"] == "26350") & emd["name_ko"].isin(["우동", "재송동"])]
    assert len(polys) == 2
    import shapely

    assert shapely.union_all(polys.geometry.values).contains(shapely.Point(centum["lon"], centum["lat"]))


def test_filters(recs, hand):
    assert set(apply_filters(hand, Filters(sido_code="26"))["id"]) == {
        "DID-BUSAN-CENTUM",
        "YN-MFG-BUSAN",
        "BS-BLOCKCHAIN",
    }
    yn = apply_filters(recs, Filters(region_group="영남권", specialty="manufacturing"))
    assert len(yn) == 6  # the whole and its five shares
    sv24 = apply_filters(recs, Filters(program_type="smart_village", year=2024))
    named = {r["id"] for r in raw_programs() if r["program_type"] == "smart_village" and r["year"] == "2024"}
    assert set(sv24.loc[sv24["year"] == 2024, "id"]) == named  # the 2024 line and its named tasks
    assert len(named) == 1 + sv_tasks(2024)
    assert len(apply_filters(recs, Filters(field="거점 조성", year=2025))) == 4  # the districts running in 2025


def test_reconcile_real_data(recs):
    table = reconcile(recs, load_official()).set_index("id")
    assert table.at["SV_2024_BUDGET", "complete"]
    assert f"{sv_tasks(2024)} of 99 tasks itemized" in table.at["SV_2024_TASKS", "coverage"]
    assert "인천광역시" in table.at["SV_2024_LGS", "coverage"]
    assert table.at["SV_2024_TASKS_DAEGU", "records"] == sv_tasks(2024, "대구광역시")
    # Field totals reconcile exactly where complete; nowhere do records exceed the official figure.
    for fid in ("FIELD_2024_HUB", "FIELD_2024_TECH", "FIELD_2024_INCLUSION", "FIELD_2024_TALENT"):
        r = table.loc[fid]
        assert r["records"] <= r["official"]
        assert r["complete"] == (r["gap"] == 0)
    assert table.at["FIELD_2024_HUB", "records"] == 103
    assert table.at["FIELD_2024_TECH", "records"] == 100 + 93.5
    official = load_official().set_index("id")["value"]
    assert sum(official[f] for f in table.index if f.startswith("FIELD_2024_")) == official["TOTAL_2024_BUDGET"]
    # 8 program lines and 3 talent shares of 10억
    assert table.at["TOTAL_2024_BUDGET", "gap"] == pytest.approx(5770 - 1699.2)


def test_cli_reconcile():
    out = subprocess.run([sys.executable, "-m", "geo", "reconcile"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert f"Smart Village 2024: {sv_tasks(2024)} of 99 tasks itemized" in out.stdout
