"""The 인구감소지역 layer and share in the exports (issue 28, part 4): the PNG/PDF sheet, the
deck, the 한글 보고서, the standalone HTML and the text alternative below the map."""

from __future__ import annotations

import csv
from pathlib import Path

import matplotlib
import pytest
from matplotlib.figure import Figure

from geo import briefing, dataset, deck, export, maps, report, view
from geo.view import ViewState

CSV = Path(__file__).resolve().parent.parent / "data" / "policy_areas.csv"
DECLINE = ViewState(level="sigungu", area="decline", year=None)
PLAIN = ViewState(level="sigungu", year=None)
SHARE = "인구감소지역 비중 (시군구 89/229곳 = 38.9%)"


def designated() -> dict[str, int]:
    with open(CSV, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {
        "decline": sum(r["kind"] == "인구감소지역" for r in rows),
        "interest": sum(r["kind"] == "관심지역" for r in rows),
    }


@pytest.fixture(scope="module")
def data() -> dataset.DataSet:
    return dataset.bundled()


def sheet(data: dataset.DataSet, state: ViewState) -> briefing.SheetData:
    return briefing.sheet_data(
        data.records, state.filters(), level=state.level, metric=state.metric, lang=state.lang,
        settings=maps.MapSettings(), layers=("districts", "village"), reconciliation=data.reconciliation,
    )  # fmt: skip


def drawn_sheet(data: dataset.DataSet, state: ViewState) -> Figure:
    from geo.briefing.sheet import briefing_figure
    from geo.briefing.style import rc

    with matplotlib.rc_context(rc()):
        return briefing_figure(
            data.records, state.filters(), level=state.level, metric=state.metric, lang=state.lang,
            layers=("districts", "village"), reconciliation=data.reconciliation,
        )  # fmt: skip


def test_sheet_outlines_the_designated_regions_with_a_legend_row_and_the_share(data) -> None:
    fig = drawn_sheet(data, DECLINE)
    ax = fig.axes[0]
    lines = {c.get_gid(): c for c in ax.collections if (c.get_gid() or "").startswith("kdim-policy-")}
    want = designated()
    assert {k.removeprefix("kdim-policy-"): len(c.get_paths()) for k, c in lines.items()} == want
    rows = [a for a in fig.artists if (a.get_gid() or "").startswith("policy:")]
    assert [a.get_gid() for a in rows] == ["policy:decline", "policy:interest"]
    text = "\n".join(t.get_text().replace("\n", " ") for t in fig.texts)
    assert "인구감소지역 (89곳, 굵은 실선)" in text and "관심지역 (18곳, 굵은 점선)" in text
    d = sheet(data, DECLINE)
    squeezed = "".join(text.split())  # the note is wrapped to the column
    assert d.policy_line.startswith(SHARE) and "".join(d.policy_line.split()) in squeezed


def test_sheet_without_an_area_has_no_outlines_and_no_legend_row(data) -> None:
    fig = drawn_sheet(data, PLAIN)
    assert not [c for c in fig.axes[0].collections if (c.get_gid() or "").startswith("kdim-policy-")]
    assert not [a for a in fig.artists if (a.get_gid() or "").startswith("policy:")]
    squeezed = "".join("".join(t.get_text() for t in fig.texts).split())
    assert "".join(SHARE.split()) in squeezed  # the figure is said whatever the filter
    assert sheet(data, ViewState(level="sido", area="decline")).policy_codes == {}  # nothing outlined by 시도


def test_report_says_the_share_as_an_item_and_lists_the_outlines(data) -> None:
    args = {"filters": DECLINE.filters(), "level": "sigungu", "metric": DECLINE.metric, "lang": "ko",
            "settings": maps.MapSettings(), "reconciliation": data.reconciliation}  # fmt: skip
    c = report.content(data.records, **args)
    d = sheet(data, DECLINE)
    assert ("item", d.policy_line) in c.lines and d.policy_line.startswith(SHARE)
    labels = [(x.symbol, x.label) for x in c.legend]
    assert ("━", "인구감소지역 (89곳, 굵은 실선)") in labels and ("┅", "관심지역 (18곳, 굵은 점선)") in labels
    plain = report.content(data.records, **{**args, "filters": PLAIN.filters()})
    assert not any("굵은" in x.label for x in plain.legend)


def test_deck_scene_lists_the_outlines(data) -> None:
    scene = deck.render_scene(data.records, DECLINE, reconciliation=data.reconciliation, dpi=40)
    _classes, symbols = deck.legend_rows(scene)
    assert [s for s in symbols if s[1] == "#000000" and "곳, 굵은" in s[2]] == [
        ("line", "#000000", "인구감소지역 (89곳, 굵은 실선)"),
        ("dotted", "#000000", "관심지역 (18곳, 굵은 점선)"),
    ]
    assert scene.data.policy_line.startswith(SHARE)


def test_text_alternative_and_standalone_html_say_the_share(data) -> None:
    v = view.compute(data.records, DECLINE)
    assert v.policy_line.startswith(SHARE)
    section = maps.summary_html(v.values, metric=DECLINE.metric, lang="ko", title="T", share=v.policy_line)
    para = section.split('<p class="kdim-alt-summary">')[1].split("</p>")[0]
    assert SHARE in para
    hostile = maps.summary_html({}, metric="life_total", lang="ko", title="T", share="<b>x</b>")
    assert "<b>x</b>" not in hostile and "&lt;b&gt;x&lt;/b&gt;" in hostile
    page = export.view_html(v)
    assert SHARE in page and page.count("kdim.policy(PARENT") == 1
