"""Where the data files are: one place, importable without pandas or GeoPandas.

The first page reads stored layers and class breaks; it needs their paths, not the code that
builds them (geo/boundaries.py imports GeoPandas, pyogrio and shapely: 0.2–0.3 s of a cold start).
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# KDIM_DATA_DIR points the app and the CLI at another copy of data/ (tests, a staging copy).
DATA_DIR = Path(os.environ.get("KDIM_DATA_DIR") or ROOT / "data")
SHAPES_DIR = DATA_DIR / "shapefiles"
GPKG = SHAPES_DIR / "korea_admin_2024.gpkg"
