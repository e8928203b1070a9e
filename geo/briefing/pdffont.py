"""TrueType outlines of the Korean face, for the PDF only.

Noto Sans CJK has CFF (PostScript) outlines. matplotlib's PDF backend embeds any font as a
TrueType CIDFont (FontFile2), which must hold TrueType outlines: poppler copes, Acrobat may
not (matplotlib issues #2869, #20870). So, for the PDF only, the glyphs the sheet uses are
subset from the collection's Korean face and converted to TrueType outlines (fontTools cu2qu,
a matplotlib dependency); shapes and advance widths are unchanged, so the layout is the same.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text

from geo.briefing.style import FONT_FAMILY, FONT_FILES, FONT_PACKAGE, FontMissingError, font_paths
from geo.files import atomic_write

if TYPE_CHECKING:
    from fontTools.ttLib import TTFont

PDF_FONT_DIR = Path(tempfile.gettempdir()) / "kdim-briefing-fonts"

_MAXP_ZEROS = (
    "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs", "maxStackElements",
    "maxSizeOfInstructions", "maxComponentElements", "maxPoints", "maxContours", "maxCompositePoints",
    "maxCompositeContours", "maxComponentDepth",
)  # fmt: skip


def _face_index(path: Path) -> int:
    from fontTools.ttLib import TTCollection

    coll = TTCollection(str(path), lazy=True)
    for i, f in enumerate(coll.fonts):
        if f["name"].getDebugName(1) == FONT_FAMILY:
            return i
    raise FontMissingError(f"{path} has no {FONT_FAMILY!r} face; reinstall {FONT_PACKAGE}")


def _subset_font(src: Path, chars: str) -> TTFont:
    """The collection's Korean face cut down to these characters (still CFF outlines)."""
    from fontTools import subset

    opts = subset.Options()
    opts.font_number = _face_index(src)
    opts.layout_features = ["kern", "liga", "locl", "ccmp"]
    opts.notdef_outline = True
    opts.drop_tables += ["FFTM", "PfEd", "VORG", "vhea", "vmtx", "BASE"]
    font = subset.load_font(str(src), opts)
    sub = subset.Subsetter(opts)
    sub.populate(text=chars)
    sub.subset(font)
    return font


def _to_truetype(font: TTFont) -> None:
    """Replace the CFF outlines by quadratic TrueType ones, with the tables that go with them."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    for name in order:
        glyf.glyphs[name].recalcBounds(glyf)
    del font["CFF "]
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for k in _MAXP_ZEROS:
        setattr(maxp, k, 0)
    maxp.numGlyphs = len(order)
    font["maxp"] = maxp
    maxp.recalc(font)
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    font.sfntVersion = "\x00\x01\x00\x00"


def truetype_subset(weight: str, chars: str) -> Path:
    """A TrueType-outline subset of the Korean face for these characters (cached per set, on disk too)."""
    return _subset_file(font_paths()[weight], weight, chars)


@cache
def _subset_file(src: Path, weight: str, chars: str) -> Path:
    """Keyed by the source file too: KDIM_FONT_DIR may point elsewhere between two sheets."""
    digest = hashlib.sha1(f"{src}|{weight}|{chars}".encode()).hexdigest()[:16]
    out = PDF_FONT_DIR / f"noto-kr-{weight}-{digest}.ttf"
    if out.is_file():
        return out
    font = _subset_font(src, chars)
    _to_truetype(font)
    PDF_FONT_DIR.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    font.save(buf)
    atomic_write(out, buf.getvalue())  # two servers may make the same subset at once
    return out


def use_truetype_fonts(fig: Figure) -> None:
    """Point every text of the figure at TrueType subsets of the same face (PDF only)."""
    texts = [t for t in fig.findobj(Text) if t.get_text()]
    chars = "".join(sorted({c for t in texts for c in t.get_text()} | set(" 0123456789")))
    files = {w: truetype_subset(w, chars) for w in FONT_FILES}
    for t in texts:
        bold = t.get_fontweight() in ("bold", 700, "700")
        t.set_fontproperties(FontProperties(fname=files["bold" if bold else "regular"], size=t.get_fontsize()))
