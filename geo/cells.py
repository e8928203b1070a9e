"""One spreadsheet cell's safety: text a spreadsheet would run as a formula.

Both the validator (a warning on such a cell) and every export (an apostrophe in front of it)
use this rule, so what the report says and what the export does agree. It sits below both
(no imports from geo) so neither has to import the other.
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d+)*)(?:[eE][+-]?\d+)?$")


def neutralise_cell(value: Any) -> Any:
    """Prefix an apostrophe to text that a spreadsheet would run as a formula.

    Numbers (and text that is just a signed number, like "-12.5") stay as they are: a
    negative budget must remain a number, and "-12.5" cannot execute anything.
    """
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(FORMULA_START) and not PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def formula_free(value: str) -> bool:
    """True when the cell is safe as it is (the validator's check)."""
    return neutralise_cell(value) == value
