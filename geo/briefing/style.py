"""How the sheet looks: the page, its colours, the Korean font, and text set literally.

Korean text uses Noto Sans CJK from Debian ``fonts-noto-cjk``, registered by path (the font
cache may predate the package). ``KDIM_FONT_DIR`` names another folder holding the same files
(the offline bundle's ``run.sh`` points it at the bundled copy, for targets without apt fonts);
it is read each time the font is looked up, so a server or a test can change it while running.
A missing font is an error naming the folder, the files and both ways to provide them, never a
page of tofu boxes.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

PAGE_MM = (297.0, 210.0)  # A4 landscape
PAGE_IN = (PAGE_MM[0] / 25.4, PAGE_MM[1] / 25.4)
DEFAULT_DPI = 200  # 2339 × 1654 px: sharp on a 1920×1080 projector and in print

FONT_DIR = Path("/usr/share/fonts/opentype/noto")
FONT_DIR_ENV = "KDIM_FONT_DIR"  # another folder with FONT_FILES (the offline bundle's fonts/)
FONT_FILES = {"regular": "NotoSansCJK-Regular.ttc", "bold": "NotoSansCJK-Bold.ttc"}
FONT_FAMILY = "Noto Sans CJK KR"  # the Korean face of the collection
FONT_PACKAGE = "fonts-noto-cjk"

INK = "#1f2a36"
MUTED = "#5b6670"
ACCENT = "#253494"  # darkest YlGnBu class: ties the header rule to the map
CARD = "#f3f5f8"
RULE = "#d5dbe1"  # thin separators


class FontMissingError(RuntimeError):
    """The Korean font is not installed: say which file and which package provides it."""


def current_font_dir() -> Path:
    """Where the font is looked for now: ``$KDIM_FONT_DIR`` if set, else Debian's folder."""
    return Path(os.environ.get(FONT_DIR_ENV) or FONT_DIR)


def font_paths(font_dir: Path | str | None = None) -> dict[str, Path]:
    """Register the Noto Sans CJK files with matplotlib by path; fail clearly if absent.

    ``font_dir`` defaults to :func:`current_font_dir` at call time (not at import), so setting
    ``KDIM_FONT_DIR`` after the module was imported still takes effect.
    """
    return _register(Path(font_dir) if font_dir is not None else current_font_dir())


@cache
def _register(folder: Path) -> dict[str, Path]:
    """Register once per folder (matplotlib's font list only grows; re-adding would duplicate)."""
    paths = {k: folder / f for k, f in FONT_FILES.items()}
    missing = [p.name for p in paths.values() if not p.is_file()]
    if missing:
        raise FontMissingError(
            f"Korean font not found in {folder}: {', '.join(missing)} missing. Install it with "
            f"`apt-get install -y {FONT_PACKAGE}` (Debian/Ubuntu package {FONT_PACKAGE}, in {FONT_DIR}), "
            f"or set {FONT_DIR_ENV} to a folder holding {' and '.join(FONT_FILES.values())}."
        )
    for p in paths.values():
        font_manager.fontManager.addfont(str(p))
    family = {f.name for f in font_manager.fontManager.ttflist if f.fname in {str(p) for p in paths.values()}}
    if FONT_FAMILY not in family:
        raise FontMissingError(f"{FONT_FAMILY!r} not found in {[str(p) for p in paths.values()]}")
    return paths


def font(size: float, bold: bool = False) -> FontProperties:
    """The Korean face at a size; registers the font first, so no call can fall back to tofu."""
    font_paths()
    return FontProperties(family=FONT_FAMILY, weight="bold" if bold else "normal", size=size)


def rc() -> dict[str, Any]:
    """matplotlib settings a render runs under: our font, no TeX, embeddable and deterministic output."""
    return {
        "font.family": FONT_FAMILY,
        "text.usetex": False,
        "axes.unicode_minus": False,
        "pdf.fonttype": 42,
        "svg.hashsalt": "kdim",
        "hatch.linewidth": 0.6,
        "path.simplify": True,
    }


def draw_text(ax_or_fig: Any, x: float, y: float, s: str, size: float, *, bold: bool = False, **kw: Any) -> Any:
    """Text from data, literally: no mathtext (a '$' stays a '$'), no TeX."""
    kw.setdefault("color", INK)
    return ax_or_fig.text(x, y, s, fontproperties=font(size, bold), parse_math=False, usetex=False, **kw)


def wrap(text: str, renderer: Any, fig: Figure, size: float, width: float, bold: bool = False) -> str:
    """Wrap on spaces to a width in figure fractions, measured with the font (Korean is wide)."""
    prop = font(size, bold)
    full = fig.bbox.width

    def fits(s: str) -> bool:
        w, _h, _d = renderer.get_text_width_height_descent(s, prop, ismath=False)
        return w / full <= width

    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        cand = f"{line} {word}" if line else word
        if line and not fits(cand):
            lines.append(line)
            line = word
        else:
            line = cand
    lines.append(line)
    return "\n".join(lines)


def bottom_of(artist: Any, renderer: Any, fig: Figure) -> float:
    """Where a drawn text ends, in figure fractions: the next line of the column starts below it."""
    return artist.get_window_extent(renderer).transformed(fig.transFigure.inverted()).y0
