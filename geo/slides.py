"""PowerPoint text and shapes for the briefing deck: 맑은 고딕 for Latin and Hangul, wrapping
boxes without auto-fit, titles in their placeholders, named filled shapes marked decorative.

Why apart from geo.deck: these are how any slide is drawn; geo.deck says what each slide holds.
"""

from __future__ import annotations

import math
import re
from typing import Any

from lxml import etree
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Inches, Pt

FONT = "맑은 고딕"  # Malgun Gothic: on every Korean Windows PC, so the deck looks the same everywhere
INK, MUTED, ACCENT, CARD = "1f2a36", "5b6670", "253494", "f3f5f8"  # geo.briefing.style's colours
_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
_WIDE = re.compile(r"[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uff00-\uffef]")  # Hangul, CJK, full-width


def set_font(run: Any, size: float, *, bold: bool = False, color: str = INK) -> None:
    """맑은 고딕 as the Latin and the East-Asian face (a:latin and a:ea), size, weight, colour."""
    f = run.font
    f.name = FONT
    f.size = Pt(size)
    f.bold = bold
    f.color.rgb = RGBColor.from_string(color)
    rpr = run._r.get_or_add_rPr()
    rpr.set("lang", "ko-KR" if _HANGUL.search(run.text or "") else "en-US")
    ea = rpr.find(qn("a:ea"))
    if ea is None:
        ea = etree.SubElement(rpr, qn("a:ea"))
        rpr.find(qn("a:latin")).addnext(ea)  # schema order: latin, ea, cs
    ea.set("typeface", FONT)


def add_paragraph(tf: Any, text: str, size: float, *, bold: bool = False, color: str = INK, space: float = 4,
                  align: Any = None) -> Any:  # fmt: skip
    """One paragraph of one run at the end of a text frame (the frame's empty first one is reused)."""
    p = tf.paragraphs[0] if len(tf.paragraphs) == 1 and not tf.paragraphs[0].runs else tf.add_paragraph()
    run = p.add_run()
    run.text = text
    set_font(run, size, bold=bold, color=color)
    p.space_after = Pt(space)
    if align is not None:
        p.alignment = align
    return p


def text_height(text: str, width: float, size: float) -> float:
    """About how tall (inches) a paragraph wraps in a text box ``width`` wide: Hangul is one em
    wide in 맑은 고딕, other characters about half one. python-pptx has no renderer to ask, and
    the notes under the cards vary (a comparison adds a line), so the legend moves down with them."""
    em = size / 72
    wide = sum(1.0 if _WIDE.match(ch) else 0.55 for ch in text) * em
    return max(1, math.ceil(wide / (width - 0.2))) * em * 1.2


def box(slide: Any, x: float, y: float, w: float, h: float, name: str | None = None) -> Any:
    """A wrapping text frame at a place (inches), no auto-fit: sizes stay as set; named for the
    selection pane (and for tests to find it)."""
    shape = slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
    if name:
        shape.name = name
    tf = shape.text_frame
    tf.word_wrap = True
    tf.auto_size = MSO_AUTO_SIZE.NONE
    return tf


def title(slide: Any, text: str, size: float, box: tuple[float, float, float, float]) -> None:
    """The slide's title in its title placeholder, placed for 16:9 (the template is 4:3)."""
    ph = slide.shapes.title
    ph.left, ph.top, ph.width, ph.height = (Inches(v) for v in box)
    tf = ph.text_frame
    tf.clear()
    tf.word_wrap = True
    tf.vertical_anchor = MSO_ANCHOR.MIDDLE
    p = tf.paragraphs[0]
    p.alignment = PP_ALIGN.LEFT
    run = p.add_run()
    run.text = text
    set_font(run, size, bold=True, color=ACCENT)
    left, top, width, height = box
    rect(slide, MSO_SHAPE.RECTANGLE, left, top + height, width, 0.04, ACCENT, "rule")  # the sheet's accent rule


def rect(slide: Any, shape: Any, x: float, y: float, w: float, h: float, fill: str, name: str) -> Any:
    """A filled shape without outline (legend swatches, cards), named for the selection pane."""
    s = slide.shapes.add_shape(shape, Inches(x), Inches(y), Inches(w), Inches(h))
    s.fill.solid()
    s.fill.fore_color.rgb = RGBColor.from_string(fill.lstrip("#"))
    s.line.fill.background()
    s.name = name
    s.shadow.inherit = False
    mark_decorative(s)
    return s


DECORATIVE_URI = "{C183D7F6-B498-43B3-948B-1728B52AA6E4}"  # Office's 'mark as decorative' extension
DECORATIVE_NS = "http://schemas.microsoft.com/office/drawing/2017/decorative"


def mark_decorative(shape: Any) -> None:
    """Mark a shape decorative (rules, card backgrounds, swatches whose label is text beside them):
    screen readers skip it and PowerPoint's accessibility checker asks no alt text for it."""
    c_nv_pr = shape._element.nvSpPr.cNvPr
    ext_lst = etree.SubElement(c_nv_pr, qn("a:extLst"))
    ext = etree.SubElement(ext_lst, qn("a:ext"), uri=DECORATIVE_URI)
    etree.SubElement(ext, f"{{{DECORATIVE_NS}}}decorative", nsmap={"adec": DECORATIVE_NS}, val="1")
