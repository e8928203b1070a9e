"""The 2024 region table and the resolver: counts, names, codes, aliases, errors."""

import pytest

from geo import regions
from geo.regions import AmbiguousRegionError, UnknownRegionError, resolve


def test_seventeen_sido_with_2024_codes_and_region_groups():
    sido = regions.SIDO.set_index("sido_code")
    assert len(sido) == 17
    assert sido.at["51", "name_ko"] == "강원특별자치도"
    assert sido.at["52", "name_ko"] == "전북특별자치도"
    assert "42" not in sido.index and "45" not in sido.index
    assert set(sido["region_group"]) == set(regions.REGION_GROUPS)
    assert sido.groupby("region_group").size().to_dict() == {
        "수도권": 3, "강원권": 1, "충청권": 4, "호남권": 3, "대경권": 2, "동남권": 3, "제주권": 1,
    }  # fmt: skip
    assert sido["name_en"].str.len().gt(0).all()


def test_229_local_units_by_kind():
    sgg = regions.SIGUNGU
    assert len(sgg) == 229 and sgg["sigungu_code"].is_unique
    assert sgg["kind"].value_counts().to_dict() == {
        "군": 82,
        "시": 75,
        "구": 69,
        "행정시": 2,
        "특별자치시": 1,
    }
    assert (sgg["sigungu_code"].str[:2] == sgg["sido_code"]).all()
    assert sgg["name_en"].str.match(r"^[A-Z][A-Za-z-]+$").all()
    # no name of an older era: 여주군, 청원군, 인천 남구, 시도-prefixed names like 서울시성북구
    assert not sgg["name_ko"].isin(["여주군", "청원군"]).any()
    assert set(sgg.loc[sgg["name_ko"] == "남구", "sido_code"]) == {"26", "27", "29", "31"}
    assert not sgg["name_ko"].str.contains("시.+구$").any()


def test_2024_units_in_their_2024_sido():
    sgg = regions.SIGUNGU.set_index("sigungu_code")
    assert sgg.at["27720", "name_ko"] == "군위군" and sgg.at["27720", "sido_code"] == "27"
    assert sgg.at["41670", "name_ko"] == "여주시"
    assert sgg.at["28177", "name_ko"] == "미추홀구"
    assert sgg.at["43110", "name_ko"] == "청주시"
    assert sgg.at["52710", "name_ko"] == "완주군"
    assert sgg.at["51110", "name_ko"] == "춘천시"
    assert not sgg.index.str.startswith(("42", "45")).any()
    assert regions.name("27720") == "대구광역시 군위군"
    assert regions.name("36110") == "세종특별자치시"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("부산", "26"),
        ("부산시", "26"),
        ("부산광역시", "26"),
        ("Busan", "26"),
        ("busan", "26"),
        ("강원도", "51"),
        ("Gangwon-do", "51"),
        ("전라북도", "52"),
        ("전북", "52"),
        ("Jeollabuk-do", "52"),
        ("세종", "36"),
        ("광주", "29"),
        ("45", "52"),
        ("42", "51"),
        ("대구 군위군", "27720"),
        ("경북 군위군", "27720"),
        ("47720", "27720"),
        ("부천시 원미구", "41190"),
        ("수원시장안구", "41110"),
        ("수원시 장안구", "41110"),
        ("고양시 덕양구", "41280"),
        ("덕양구", "41280"),
        ("청주시 청원구", "43110"),
        ("청원군", "43110"),
        ("여주군", "41670"),
        ("41730", "41670"),
        ("인천 남구", "28177"),
        ("28170", "28177"),
        ("45710", "52710"),
        ("전라북도 완주군", "52710"),
        ("42110", "51110"),
        ("해운대구", "26350"),
        ("부산 해운대구", "26350"),
        ("Haeundae-gu", "26350"),
        ("경기 광주시", "41610"),
        ("성남", "41130"),
        ("26350101", "26350"),
    ],
)
def test_resolver_aliases(text, code):
    assert resolve(text).code == code


def test_resolver_notes_the_change_it_applied():
    assert "2024-01-18" in resolve("전라북도").note
    assert "2023-07-01" in resolve("47720").note
    assert "원미구" in resolve("부천시 원미구").note


def test_resolver_level_and_sido_hint():
    assert resolve("중구", sido="부산").code == "26110"
    assert resolve("고성군", sido="강원").code == "51820"
    assert resolve("세종", level="sigungu").code == "36110"
    with pytest.raises(UnknownRegionError):
        resolve("부산", level="sigungu")


def test_ambiguous_name_lists_the_candidates():
    with pytest.raises(AmbiguousRegionError) as exc:
        resolve("중구")
    assert "서울특별시 중구" in exc.value.suggestions and "부산광역시 중구" in exc.value.suggestions
    assert "ambiguous" in str(exc.value) and "서울특별시 중구" in str(exc.value)


@pytest.mark.parametrize(
    ("typo", "expected"),
    [("부산광역시 해운대", "부산광역시 해운대구"), ("Busna", "Busan"), ("경기도 성남군", "경기도 성남시")],
)
def test_unknown_name_suggests_closest_valid_names(typo, expected):
    with pytest.raises(UnknownRegionError) as exc:
        resolve(typo)
    assert expected in exc.value.suggestions
    assert repr(typo) in str(exc.value) and expected in str(exc.value)


def test_unknown_code_and_empty():
    with pytest.raises(UnknownRegionError, match="not a 2024"):
        resolve("99999")
    with pytest.raises(UnknownRegionError, match="empty"):
        resolve("  ")


def test_crosswalk_has_a_date_for_every_change():
    cw = regions.CROSSWALK
    assert cw["changed_on"].str.match(r"^\d{4}-\d{2}-\d{2}$").all()
    assert set(cw["new_code"]) <= set(regions.SIGUNGU["sigungu_code"]) | set(regions.SIDO["sido_code"])


def test_region_groups_and_yeongnam():
    assert regions.sido_codes_in_group("영남권") == ["26", "27", "31", "47", "48"]
    assert regions.sido_codes_in_group("충청권") == ["30", "36", "43", "44"]
    assert regions.region_group_of("51") == "강원권"
