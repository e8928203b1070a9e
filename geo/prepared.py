"""The bundled records prepared at build time, so a fresh server's first page skips their preparation.

Reading data/programs.csv, validating it (pandera, imported for it alone), attaching it to the
2024 map and reconciling it with the official totals costs 1.5–3 s of a fresh server's first
page. ``python -m geo build-start`` (and ``python -m geo merge``) stores the result in
``data/prepared/``: the records and the reconciliation as Parquet, the coverage lines, years and
the load's counts as JSON. Standard formats, not pickle: reading the store runs no code.

The store is keyed by a digest of every file the result depends on, the data (programs.csv,
official_totals.csv, the GeoPackage, geo/tables/) and the code that computes it. Any change, a
missing or damaged store: the records are prepared as before (a slower start, the same page).
The app only reads the store; it is written at build time, to temporary names then renamed.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from geo import paths, programs, reconcile

log = logging.getLogger(__name__)
FORMAT = 1
META = "prepared.json"
TABLES = ("records", "reconciliation")  # each stored as <name>.parquet
_GEO = Path(__file__).resolve().parent
# The code that turns the files into a data set: a change here must not be served from an old store.
CODE = (
    "programs.py", "program_checks.py", "csvread.py", "regions.py", "join.py", "reconcile.py", "view.py", "i18n.py",
    "dataset.py", "coverage.py", "headline.py",
)  # fmt: skip


@dataclass(frozen=True)
class Prepared:
    """What the store holds: a data set's parts and the counts of the load that produced it."""

    records: pd.DataFrame
    reconciliation: pd.DataFrame
    coverage: dict[str, list[str]]
    coverage_by_year: dict[str, dict[int, list[str]]]
    years: tuple[int, ...]
    n_errors: int  # the load's error issues (the page says how many rows were rejected)


def store_dir() -> Path:
    return programs.DATA_DIR / "prepared"


def inputs() -> list[Path]:
    """Every file the bundled data set is computed from."""
    tables = sorted((_GEO / "tables").glob("*.csv"))
    code = [_GEO / name for name in CODE]
    return [programs.DATA_FILE, reconcile.OFFICIAL_FILE, paths.GPKG, *tables, *code]


def key() -> str:
    """A digest of the inputs' contents (a missing file counts as its own state)."""
    h = hashlib.sha256(f"format {FORMAT}".encode())
    for path in inputs():
        h.update(f"\0{path.name}\0".encode())
        try:
            with path.open("rb") as f:
                h.update(hashlib.file_digest(f, "sha256").digest())
        except OSError:
            h.update(b"missing")
    return h.hexdigest()


def read() -> Prepared | None:
    """The stored data set if it was built from exactly today's inputs, else None (then: compute)."""
    folder = store_dir()
    try:
        meta = json.loads((folder / META).read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT or meta.get("key") != key():
            log.info("%s is not of today's data or code: the records are prepared at start", folder)
            return None
        frames = {name: pd.read_parquet(folder / f"{name}.parquet") for name in TABLES}
        by_year = {lang: {int(y): list(v) for y, v in d.items()} for lang, d in meta["coverage_by_year"].items()}
        return Prepared(
            frames["records"],
            frames["reconciliation"],
            {lang: list(v) for lang, v in meta["coverage"].items()},
            by_year,
            tuple(int(y) for y in meta["years"]),
            int(meta["n_errors"]),
        )
    except FileNotFoundError:
        return None
    except Exception as exc:  # a damaged store costs speed only; pyarrow raises its own kinds
        log.warning("%s not used (%s: %s): the records are prepared at start", folder, type(exc).__name__, exc)
        return None


def _shown(path: Path) -> str:
    """A path as the JSON names it: within the checkout when it is there (KDIM_DATA_DIR may not be)."""
    return str(path.relative_to(_GEO.parent)) if path.is_relative_to(_GEO.parent) else str(path)


def write(p: Prepared) -> Path:
    """Store ``p`` under today's key: the tables first, the JSON that names the key last, so a
    reader never takes tables of another build for this one."""
    folder = store_dir()
    folder.mkdir(parents=True, exist_ok=True)
    meta = {
        "format": FORMAT,
        "about": __doc__.splitlines()[0],
        "key": key(),
        "inputs": [_shown(path) for path in inputs()],
        "n_records": len(p.records),
        "n_errors": p.n_errors,
        "years": list(p.years),
        "coverage": p.coverage,
        "coverage_by_year": p.coverage_by_year,
    }
    (folder / META).unlink(missing_ok=True)  # between the two writes, no store is better than a mixed one
    from geo.files import atomic_write  # temporary name beside the file, flushed, renamed

    for name, frame in (("records", p.records), ("reconciliation", p.reconciliation)):
        plain = frame.copy(deep=False)
        plain.attrs = {}  # not the data version this process named them (parquet keeps attrs)
        atomic_write(folder / f"{name}.parquet", plain.to_parquet())
    atomic_write(folder / META, (json.dumps(meta, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    return folder
