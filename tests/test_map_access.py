"""What the map page gives screen readers and keyboards, read from the page Python writes
(issue 17; the browser side is tests/e2e/test_keyboard.py and test_access.py).

- the viewport lets people zoom (folium's header forbids it);
- each region inside the filter and each marker carries an accessible name built from its
  tooltip's figures, in the page's language; title, legend and source line are named regions;
- the map's text alternative (summary and table) holds the top regions geo.join computes, escaped.
"""

from __future__ import annotations

import html
import json
import re

import pandas as pd
import pytest

from geo import export, join, maps, programs, regions
from geo.join import Filters

HAEUNDAE = "26350"
HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def records() -> pd.DataFrame:
    return join.attach(programs.load_programs().records)


def blob(page: str, marker: str) -> object:
    obj, _ = json.JSONDecoder().raw_decode(page, page.index(marker) + len(marker))
    return obj


def page_of(records: pd.DataFrame, lang: str, **filters: object) -> str:
    f = Filters(**filters)
    sel = join.apply_filters(records, f)
    values = join.aggregate(sel, "sigungu", "life_total")
    m = maps.build_map(values, sel, level="sigungu", lang=lang, filters=f, focus=maps.focus_codes("sigungu", f))
    return maps.render_html(m)


def test_viewport_allows_zoom(records: pd.DataFrame) -> None:
    for page in (maps.render_html(maps.base_map("sido", "ko")), export.export_map_html(level="sido")):
        metas = re.findall(r"<meta[^>]*viewport[^>]*>", page)
        assert metas == [maps.elements.VIEWPORT_META], metas
        assert "user-scalable" not in page and "maximum-scale" not in page


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_regions_are_named_from_their_tooltip(records: pd.DataFrame, lang: str) -> None:
    page = page_of(records, lang, sido_code="26")
    names = blob(page, "var A = ")
    assert set(names) == {c for c in maps.layer_codes("sigungu") if c.startswith("26")}  # muted ones are not stops
    label, lat, lon = names[HAEUNDAE]
    assert label.startswith(f"{regions.name(HAEUNDAE, lang)}: {maps.metric_label('life_total', lang)[0]}: 110 ")
    assert maps.region_at("sigungu", lat, lon) == HAEUNDAE  # Enter "clicks" inside the region
    tips = blob(page, "T = ")
    tip_text = html.unescape(re.sub(r"<[^>]+>", " ", tips[HAEUNDAE]))
    for part in label.split(": ", 1)[1].split(", "):
        assert part in tip_text, (part, tip_text)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_markers_and_furniture_are_named(records: pd.DataFrame, lang: str) -> None:
    page = page_of(records, lang)
    blobs = [json.JSONDecoder().raw_decode(page, d.end())[0] for d in re.finditer(r", D = ", page)]
    stars = next(b for b in blobs if b.get("icon") and set(b["icon"]) == {"d"})  # markers.point_columns
    names = stars["name"]
    assert len(names) == 4 and all(names), names
    centum = next(n for n in names if "센텀" in n or "Centum" in n)
    assert maps.text.t(lang, "district") in centum
    for key in ("map_title_region", "legend_region", "source_region"):
        assert json.dumps(maps.text.t(lang, key), ensure_ascii=False) in page
    assert "kdim.clusterIcon(" in page


def test_hostile_names_stay_text(records: pd.DataFrame) -> None:
    recs = records.copy()
    i = recs.index[recs["id"] == "DID-BUSAN-CENTUM"][0]
    recs.loc[i, "name_ko"] = HOSTILE
    m = maps.build_map(join.aggregate(recs, "sigungu", "life_total"), recs, level="sigungu")
    page = maps.render_html(m)
    assert HOSTILE not in page  # every name is JSON with < escaped; kdim.js sets aria-label as text
    section = maps.summary_html({"26350": 1.0}, metric="life_total", lang="ko", title=HOSTILE)
    assert HOSTILE not in section and html.escape(HOSTILE) in section


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_table_rows_are_the_top_regions(records: pd.DataFrame, lang: str) -> None:
    values = join.aggregate(records, "sigungu", "life_total")
    ranked = values.dropna(subset=["value"]).sort_values(["value", "code"], ascending=[False, True])
    rows = maps.table_rows(values, lang)
    assert [r[1] for r in rows] == [regions.name(c, lang) for c in ranked["code"].head(maps.summary.TOP_N)]
    assert [r[2] for r in rows] == [maps.fmt_number(v) for v in ranked["value"].head(maps.summary.TOP_N)]
    section = maps.summary_html(values, metric="life_total", lang=lang, title="T")
    cells = [html.unescape(c) for c in re.findall(r'<th scope="row">(.*?)</th>', section)]
    assert cells == [r[1] for r in rows]
    assert "<caption id=" in section and section.count('scope="col"') == 4


def test_export_carries_the_table_and_skip_link(records: pd.DataFrame) -> None:
    page = export.export_map_html(level="sido", lang="en")
    assert page.index('class="kdim-skip"') < page.index('class="folium-map"') < page.index('class="kdim-alt"')
    assert "/* page.css */" in page
    values = join.aggregate(records, "sido", "life_total")
    want = [r[1] for r in maps.table_rows(values, "en")]
    got = [html.unescape(c) for c in re.findall(r'<th scope="row">(.*?)</th>', page)]
    assert got == want
    assert not export.external_refs(page, strict=True)
