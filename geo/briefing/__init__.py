"""One-page briefing sheet of the current view, as PNG or PDF, drawn with matplotlib.

Why a separate static renderer: officials print the view or drop it into a slide deck, and a
Leaflet page cannot be printed reliably or pasted as one picture. The sheet is what the web map
shows, frozen: same metric, same class breaks and palette (``geo.maps.classify`` and its
constants), same hatched 'no data', same filters written out in words, plus key figures and
the source line.

Choices:

- A4 landscape (297 × 210 mm), not 16:9: the sheet is meant to be printed and filed, and Korean
  offices print on A4; a landscape A4 image still fills a 16:9 projector well (bars at the
  sides only), while a 16:9 page printed on A4 wastes a quarter of the paper. The projector
  case proper is served by the app's browser briefing mode.
- Korean text uses Noto Sans CJK from Debian ``fonts-noto-cjk``, registered by path.
- Text from data is drawn with ``parse_math=False`` and usetex off, so a ``$`` in a name or a
  filter value never starts mathtext; matplotlib does not interpret HTML, so hostile text is
  printed literally.
- Deterministic: no creation date in the PDF, no Software chunk in the PNG; fonts are embedded
  as TrueType subsets (pdf.fonttype 42), which also keeps the text extractable.
- Fast: geometry comes from the 'national' display band and is turned into matplotlib paths
  once per (level, band); no pyplot (no global figure state, safe in a Streamlit server).

One module per question; this package re-exports the public names, so callers write
``from geo import briefing; briefing.briefing_png(...)``:

| module | answers |
|---|---|
| ``text`` | what the sheet says (its ko/en words, the title, short region names) |
| ``style`` | how it looks (page, colours, the Korean font, literal text, wrapping) |
| ``figures`` | the numbers (selection, classes, :class:`KeyFigures`, coverage) |
| ``draw_map`` | the map panel (fills, outlines, markers, labels) |
| ``sheet`` | the layout (header, key figures, coverage, legend, footer) and PNG/PDF writing |
| ``pdffont`` | TrueType outlines of the font for the PDF |
"""

from geo.briefing.figures import KeyFigures, SheetData, key_figures, sheet_data
from geo.briefing.sheet import briefing_figure, briefing_pdf, briefing_png, map_png
from geo.briefing.style import (
    DEFAULT_DPI,
    FONT_FAMILY,
    FONT_PACKAGE,
    PAGE_IN,
    PAGE_MM,
    FontMissingError,
    font_paths,
)
from geo.briefing.text import TEXT, sheet_title

__all__ = [
    "DEFAULT_DPI",
    "FONT_FAMILY",
    "FONT_PACKAGE",
    "PAGE_IN",
    "PAGE_MM",
    "TEXT",
    "FontMissingError",
    "KeyFigures",
    "SheetData",
    "briefing_figure",
    "briefing_pdf",
    "briefing_png",
    "font_paths",
    "key_figures",
    "map_png",
    "sheet_data",
    "sheet_title",
]
