"""The 2024 administrative map of Korea: names, codes, 권역, and what people type.

Everything above this module speaks in 2024 codes. The tables live beside this file
(``geo/tables/``) so that a change of the map is a data change in one place:

- ``sido_2024.csv``: 17 시도 with code, Korean/English names and 권역;
- ``sigungu_2024.csv``: the 229 local-level units (226 기초 local governments,
  제주시/서귀포시 and 세종) with code, parent 시도 and kind;
- ``general_gu_2024.csv``: 일반구 (non-autonomous districts) and the city they belong to;
- ``crosswalk.csv``: older codes and names → 2024, with the date of each change.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

TABLES = Path(__file__).with_name("tables")

REGION_GROUPS: tuple[str, ...] = ("수도권", "강원권", "충청권", "호남권", "대경권", "동남권", "제주권")
REGION_GROUPS_EN: dict[str, str] = {
    "수도권": "Capital Region",
    "강원권": "Gangwon",
    "충청권": "Chungcheong",
    "호남권": "Honam",
    "대경권": "Daegu-Gyeongbuk",
    "동남권": "Southeast (Busan-Ulsan-Gyeongnam)",
    "제주권": "Jeju",
}
# 영남 (used by the regional AI specialty) is 대경권 + 동남권.
SUPER_GROUPS: dict[str, tuple[str, ...]] = {"영남권": ("대경권", "동남권")}
# English names of the super groups too: every English label reads REGION_GROUPS_EN.get(group).
REGION_GROUPS_EN["영남권"] = "Yeongnam (Daegu-Gyeongbuk + Southeast)"

LEVELS = ("sido", "sigungu")


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(TABLES / name, dtype=str, keep_default_na=False)


SIDO: pd.DataFrame = _read("sido_2024.csv")
SIDO["region_group_en"] = SIDO["region_group"].map(REGION_GROUPS_EN)

SIGUNGU: pd.DataFrame = _read("sigungu_2024.csv")
_sido_name = SIDO.set_index("sido_code")["name_ko"]
_sido_en = SIDO.set_index("sido_code")["short_en"]
SIGUNGU["full_ko"] = SIGUNGU["sido_code"].map(_sido_name) + " " + SIGUNGU["name_ko"]
SIGUNGU["full_en"] = SIGUNGU["name_en"] + ", " + SIGUNGU["sido_code"].map(_sido_en)
# 세종 is both a 시도 and its own single local unit: one name, not "세종특별자치시 세종특별자치시".
SIGUNGU.loc[SIGUNGU["sigungu_code"] == "36110", ["full_ko", "full_en"]] = ["세종특별자치시", "Sejong"]
SIGUNGU["region_group"] = SIGUNGU["sido_code"].map(SIDO.set_index("sido_code")["region_group"])

GENERAL_GU: pd.DataFrame = _read("general_gu_2024.csv")
CROSSWALK: pd.DataFrame = _read("crosswalk.csv")


@dataclass(frozen=True)
class Region:
    """A 2024 unit that a text or code resolved to, with how it was matched."""

    level: str  # "sido" or "sigungu"
    code: str
    name_ko: str
    name_en: str
    sido_code: str
    note: str = ""  # e.g. the administrative change applied ("전라북도 → 전북특별자치도, 2024-01-18")

    @property
    def full_ko(self) -> str:
        return self.name_ko if self.level == "sido" else str(_SGG_ROW[self.code]["full_ko"])


class UnknownRegionError(ValueError):
    """No 2024 unit matches; ``suggestions`` lists the closest valid names."""

    lead = "unknown region"
    hint = "closest valid names"

    def __init__(self, text: str, suggestions: list[str], reason: str = "") -> None:
        self.text = text
        self.suggestions = suggestions
        hint = f"; {self.hint}: {', '.join(suggestions)}" if suggestions else ""
        super().__init__(f"{self.lead} {text!r}{': ' + reason if reason else ''}{hint}")


class AmbiguousRegionError(UnknownRegionError):
    """The text names several 2024 units (e.g. 중구); the 시도 must be given."""

    lead = "ambiguous region"
    hint = "did you mean one of"


_SIDO_ROW = {r["sido_code"]: r for r in SIDO.to_dict("records")}
_SGG_ROW = {r["sigungu_code"]: r for r in SIGUNGU.to_dict("records")}
_GU_ROW = {r["gu_code"]: r for r in GENERAL_GU.to_dict("records")}


def _key(text: str) -> str:
    """Normalise for matching: NFC, lower case, no spaces, dots, hyphens or commas."""
    text = unicodedata.normalize("NFC", str(text)).strip().lower()
    return re.sub(r"[\s\-.,·()_/]+", "", text)


def _sido(code: str, note: str = "") -> Region:
    r = _SIDO_ROW[code]
    return Region("sido", code, r["name_ko"], r["name_en"], code, note)


def _sigungu(code: str, note: str = "") -> Region:
    r = _SGG_ROW[code]
    return Region("sigungu", code, r["name_ko"], r["name_en"], r["sido_code"], note)


def _change_note(row: dict) -> str:
    return f"{row['change']} ({row['changed_on']})"


@cache
def _crosswalk_rows() -> tuple[tuple[dict, ...], tuple[dict, ...]]:
    """The crosswalk's code rows and prefix rows, in table order (read once: 30 ms a lookup before)."""
    rows = CROSSWALK.to_dict("records")
    return tuple(r for r in rows if r["match"] == "code"), tuple(r for r in rows if r["match"] == "prefix")


def crosswalk_code(code: str) -> tuple[str, str]:
    """Map a 시도 (2-digit) or 시군구 (5-digit) code of any era to 2024, with a note.

    일반구 codes roll up into their city. Unknown codes come back unchanged with an
    empty note; callers check membership in SIDO/SIGUNGU.
    """
    code = str(code).strip()
    notes: list[str] = []
    by_code, by_prefix = _crosswalk_rows()
    for row in by_code:
        if code == row["old_code"]:
            code = row["new_code"]
            notes.append(_change_note(row))
    for row in by_prefix:
        if code.startswith(row["old_code"]) and len(code) >= 2:
            code = row["new_code"] + code[len(row["old_code"]) :]
            notes.append(_change_note(row))
    if len(code) == 5 and code in _GU_ROW:
        gu = _GU_ROW[code]
        notes.append(f"일반구 {gu['name_ko']} rolled up into {_SGG_ROW[gu['city_code']]['name_ko']}")
        code = gu["city_code"]
    return code, "; ".join(notes)


def _sido_variants(code: str) -> set[str]:
    r = _SIDO_ROW[code]
    out = {r["name_ko"], r["short_ko"], r["name_en"], r["short_en"]}
    if r["name_ko"].endswith("시"):  # 서울특별시 → 서울시, 부산광역시 → 부산시
        out.add(r["short_ko"] + "시")
    en = r["short_en"]
    out |= {f"{en} city", f"{en}-si", f"{en}-do", f"{en} province", f"{en} metropolitan city"}
    return out


def _old_sido_names() -> dict[str, tuple[str, str]]:
    """Old 시도 names → (2024 code, note) from the crosswalk, plus common English forms."""
    out: dict[str, tuple[str, str]] = {}
    for row in CROSSWALK[(CROSSWALK["level"] == "sido")].to_dict("records"):
        out[row["old_name"]] = (row["new_code"], _change_note(row))
    out.update(
        {
            "전북도": ("52", ""),
            "전라북도청": ("52", ""),
            "Jeollabuk-do": ("52", "전라북도 → 전북특별자치도 (2024-01-18)"),
            "North Jeolla": ("52", ""),
            "Gangwon-do": ("51", "강원도 → 강원특별자치도 (2023-06-11)"),
            "Gangwon Province": ("51", ""),
            "South Jeolla": ("46", ""),
            "North Chungcheong": ("43", ""),
            "South Chungcheong": ("44", ""),
            "North Gyeongsang": ("47", ""),
            "South Gyeongsang": ("48", ""),
        }
    )
    return out


@dataclass
class _Index:
    sido: dict[str, tuple[str, str]]
    sigungu: dict[str, set[tuple[str, str]]]
    display: list[str]


def _add(index: dict[str, set[tuple[str, str]]], key: str, code: str, note: str = "") -> None:
    index.setdefault(_key(key), set()).add((code, note))


@cache
def _index() -> _Index:
    sido: dict[str, tuple[str, str]] = {}
    for code in _SIDO_ROW:
        for v in _sido_variants(code):
            sido[_key(v)] = (code, "")
    for name, (code, note) in _old_sido_names().items():
        sido.setdefault(_key(name), (code, note))

    # Old 시도 names that still qualify a 시군구 ("전라북도 완주군", "경북 군위군").
    prefixes: dict[str, list[tuple[str, str]]] = {c: [(v, "") for v in _sido_variants(c)] for c in _SIDO_ROW}
    for name, (code, note) in _old_sido_names().items():
        prefixes[code].append((name, note))

    sgg: dict[str, set[tuple[str, str]]] = {}

    def add_with_prefixes(name: str, code: str, sido_code: str, note: str = "") -> None:
        _add(sgg, name, code, note)
        for p, pnote in prefixes[sido_code]:
            _add(sgg, p + name, code, "; ".join(x for x in (pnote, note) if x))

    for code, r in _SGG_ROW.items():
        names = {r["name_ko"], r["name_en"]}
        if r["kind"] in ("시", "행정시") and len(r["name_ko"]) > 2:
            names.add(r["name_ko"][:-1])  # 수원시 → 수원 (2-letter stems like 광주 stay 시도 names)
            names.add(r["name_en"].removesuffix("-si"))
        if r["kind"] == "특별자치시":  # 세종: the 시도 is its own single local unit
            names |= _sido_variants(r["sido_code"])
        for n in names:
            add_with_prefixes(n, code, r["sido_code"])
    # 일반구: "수원시장안구", "부천시 원미구", "덕양구", "고양시 덕양구"
    for gu in _GU_ROW.values():
        city = _SGG_ROW[gu["city_code"]]
        note = f"일반구 {gu['name_ko']} rolled up into {city['name_ko']}"
        for n in (city["name_ko"] + gu["name_ko"], city["name_ko"][:-1] + gu["name_ko"]):
            add_with_prefixes(n, gu["city_code"], city["sido_code"], note)
        if gu["name_ko"] not in ("남구", "북구"):  # 포항 남구/북구 clash with 자치구 names
            add_with_prefixes(gu["name_ko"], gu["city_code"], city["sido_code"], note)
    # Older names and codes from the crosswalk ("여주군", "청원군", "인천 남구" → 미추홀구, "경북 군위군").
    for row in CROSSWALK[(CROSSWALK["level"] == "sigungu")].to_dict("records"):
        new = _SGG_ROW[row["new_code"]]
        note = _change_note(row)
        old = row["old_name"]
        _add(sgg, old, row["new_code"], note)
        if " " in old:  # "인천광역시 남구": the bare 남구 stays ambiguous, "인천 남구" resolves
            add_with_prefixes(old.split(" ", 1)[1], row["new_code"], new["sido_code"], note)
            sgg[_key(old.split(" ", 1)[1])].discard((row["new_code"], note))
        else:
            add_with_prefixes(old, row["new_code"], new["sido_code"], note)
    # 군위군 under its old 시도 (경상북도) still resolves, with the note.
    gunwi = CROSSWALK[CROSSWALK["old_code"] == "47720"].iloc[0].to_dict()
    for p, _ in prefixes["47"]:
        _add(sgg, p + "군위군", "27720", _change_note(gunwi))

    display = sorted(set(SIDO["name_ko"]) | set(SIDO["name_en"]) | set(SIGUNGU["full_ko"]) | set(SIGUNGU["full_en"]))
    return _Index(sido, sgg, display)


def suggest(text: str, n: int = 5) -> list[str]:
    """The closest valid 2024 names to what was typed (for error messages)."""
    idx = _index()
    t = str(text).strip()
    by_key = {_key(d): d for d in idx.display}
    close = difflib.get_close_matches(_key(t), list(by_key), n=n, cutoff=0.5)
    out = [by_key[k] for k in close]
    # Also names that contain the typed text ("성남" → 경기도 성남시).
    if len(out) < n and _key(t):
        out += [d for d in idx.display if _key(t) in _key(d) and d not in out][: n - len(out)]
    return out[:n]


def resolve(text: str | int, *, sido: str | None = None, level: str | None = None) -> Region:
    """Return the 2024 unit for a name, alias or code of any era.

    ``sido`` (any form) narrows an ambiguous 시군구 name such as 중구. ``level`` limits
    the answer to "sido" or "sigungu". Raises UnknownRegionError (with suggestions) or
    AmbiguousRegionError.
    """
    raw = "" if text is None else str(text).strip()
    if not raw or raw.lower() == "nan":
        raise UnknownRegionError(raw, [], "empty")
    if level is not None and level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    sido_code = resolve(sido, level="sido").code if sido else None
    if raw.isdigit():
        return _resolve_code(raw, level)
    idx = _index()
    key = _key(raw)
    if level in (None, "sido") and key in idx.sido:
        code, note = idx.sido[key]
        return _sido(code, note)
    if level in (None, "sigungu") and key in idx.sigungu:
        hits = idx.sigungu[key]
        if sido_code:
            hits = {h for h in hits if _SGG_ROW[h[0]]["sido_code"] == sido_code} or hits
        codes = {c for c, _ in hits}
        if len(codes) == 1:
            code = next(iter(codes))
            note = sorted(n for _, n in hits)[-1]
            return _sigungu(code, note)
        options = sorted(_SGG_ROW[c]["full_ko"] for c in codes)
        raise AmbiguousRegionError(raw, options, f"{len(options)} units have this name; add the 시도")
    raise UnknownRegionError(raw, suggest(raw))


def _resolve_code(code: str, level: str | None) -> Region:
    if len(code) >= 8:  # 읍면동 or 법정동 code: its first five digits are the 시군구
        code = code[:5]
    new, note = crosswalk_code(code)
    if len(new) == 2 and new in _SIDO_ROW and level in (None, "sido"):
        return _sido(new, note)
    if len(new) == 5 and new in _SGG_ROW and level in (None, "sigungu"):
        return _sigungu(new, note)
    raise UnknownRegionError(code, [], "not a 2024 시도 (2 digits) or 시군구 (5 digits) code")


def sido_of(code: str) -> str:
    """The 2-digit 시도 code of a 2024 시군구 (or 시도) code."""
    return code[:2] if len(code) == 2 else str(_SGG_ROW[code]["sido_code"])


def region_group_of(sido_code: str) -> str:
    return str(_SIDO_ROW[sido_code]["region_group"])


def sido_codes_in_group(group: str) -> list[str]:
    """시도 codes of a 권역, or of 영남권 (대경권 + 동남권)."""
    groups = SUPER_GROUPS.get(group, (group,))
    if not set(groups) <= set(REGION_GROUPS):
        raise UnknownRegionError(group, list(REGION_GROUPS) + list(SUPER_GROUPS), "not a 권역")
    return SIDO.loc[SIDO["region_group"].isin(groups), "sido_code"].tolist()


def name(code: str, lang: str = "ko", *, full: bool = True) -> str:
    """Display name of a 2024 code in Korean or English (full names carry the 시도 for 시군구)."""
    if len(code) == 2:
        return str(_SIDO_ROW[code]["name_ko" if lang == "ko" else "name_en"])
    r = _SGG_ROW[code]
    if full:
        return str(r["full_ko" if lang == "ko" else "full_en"])
    return str(r["name_ko" if lang == "ko" else "name_en"])
