"""Text made safe for the page: HTML escaping, JSON for inline scripts, numbers as sources print them."""

from __future__ import annotations

import html
import json
import math
from typing import Any


def esc(value: Any) -> str:
    """Text from data, made safe for HTML (quotes too: it may end up in an attribute)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


def js_json(obj: Any) -> str:
    """JSON for inline <script>: no raw <, >, & (so no </script> or <!-- can appear)."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def fmt_number(v: float | int | None) -> str:
    """Budget figures as the sources print them: 5,770 · 93.5 · 0.75."""
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return ""
    v = float(v)
    if v == int(v):
        return f"{int(v):,}"
    if abs(v) >= 10:
        return f"{v:,.1f}".rstrip("0").rstrip(".")
    return f"{v:,.2f}".rstrip("0").rstrip(".")


def fmt_signed(v: float | int | None) -> str:
    """A change with its sign: +80 · −3.5 · 0 (a true minus sign, as printed figures use)."""
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return ""
    if v == 0:
        return "0"
    return ("+" if v > 0 else "\u2212") + fmt_number(abs(v))


def with_unit(v: float, unit: str) -> str:
    """A figure with its unit: "5,770 억원"."""
    return f"{fmt_number(v)} {unit}".strip()
