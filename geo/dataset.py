"""The records a page works on, prepared once per server process, and the views computed from them.

Loading, validating and attaching data/programs.csv costs one to three seconds in a fresh
process: the bundled records come from the store built with them (geo.prepared) when it is of
today's data and code, and are prepared here otherwise. Held here (not in Streamlit's caches) so
that ``python -m geo serve`` can prepare the opening view while Streamlit boots, and the first
visitor finds it ready. Every session shares these objects: they are read-only.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import pandas as pd

from geo import compare, i18n, join, prepared, programs, reconcile, view
from geo.coverage import coverage_by_year
from geo.maps.records import mark_version
from geo.memo import Memo

BUNDLED = "bundled"
MAX_VIEWS = 256  # computed views kept per process (a view is a few hundred kB at most)
MAX_DATASETS = 32  # bundled + the uploads of recent sessions


@dataclass(frozen=True)
class DataSet:
    """Records with 2024 codes and placement, their coverage lines and reconciliation."""

    key: str  # "bundled", or what identifies an upload (mode and file digest)
    records: pd.DataFrame
    coverage: dict[str, list[str]]  # per language
    reconciliation: pd.DataFrame
    coverage_by_year: dict[str, dict[int, list[str]]] = field(default_factory=dict)  # lang -> year -> lines
    years: tuple[int, ...] = ()  # years in which a record runs: the year filter's choices

    def __post_init__(self) -> None:
        # the records name their data version, and every filtered frame of them too (pandas keeps
        # ``attrs``): the map works out each record's marker once per version (geo.maps.records)
        mark_version(self.records, self.key)


_datasets = Memo(MAX_DATASETS)
_views = Memo(MAX_VIEWS)
_bundled_load = Memo(1)
_stored = Memo(1)


def bundled_load() -> programs.ProgramLoad:
    """data/programs.csv read and validated once per process (raises if it cannot be read)."""
    return _bundled_load.get(programs.DATA_FILE, lambda: programs.load_programs(programs.DATA_FILE))


def _make(key: str, raw: pd.DataFrame) -> DataSet:
    records = join.attach(raw)
    rec = reconcile.reconcile(records)
    by_year = {lang: coverage_by_year(records, lang, rec=rec) for lang in i18n.LANGS}
    lines = {lang: [line for lines in by_year[lang].values() for line in lines] for lang in i18n.LANGS}
    return DataSet(key, records, lines, rec, by_year, view.record_years(records))


def prepare(key: str, raw: pd.DataFrame) -> DataSet:
    """Attach, describe and reconcile a set of validated records, once per ``key``."""
    return _datasets.get(key, lambda: _make(key, raw))


def stored() -> prepared.Prepared | None:
    """The build-time store of the bundled data set, read once per process (None: not usable)."""
    return _stored.get("store", prepared.read)


def bundled() -> DataSet:
    """The bundled records, prepared: from the build-time store when it is of today's files, else from
    data/programs.csv (raises if it cannot be read)."""

    def make() -> DataSet:
        if (p := stored()) is not None:
            return DataSet(BUNDLED, p.records, p.coverage, p.reconciliation, p.coverage_by_year, p.years)
        return _make(BUNDLED, bundled_load().records)

    return _datasets.get(BUNDLED, make)


def bundled_errors() -> int:
    """How many errors loading data/programs.csv gave (rows rejected), without loading it again."""
    p = stored()
    return p.n_errors if p is not None else len(bundled_load().errors)


def fresh_bundled() -> prepared.Prepared:
    """The bundled data set computed from the files, ignoring any store (what `build-start` writes)."""
    load = programs.load_programs(programs.DATA_FILE)
    d = _make(BUNDLED, load.records)
    return prepared.Prepared(d.records, d.reconciliation, d.coverage, d.coverage_by_year, d.years, len(load.errors))


def computed(data: DataSet, state: view.ViewState) -> view.View:
    """The view of ``state`` over ``data``, computed once per (data set, state)."""
    return _views.get((data.key, state), lambda: view.compute(data.records, state, coverage=data.coverage[state.lang]))


def compared(data: DataSet, state: view.ViewState) -> compare.Comparison:
    """The two-year comparison of ``state`` over ``data``, computed once per (data set, state)."""
    return _views.get(("compare", data.key, state), lambda: compare.compare(data.records, state))


def problems() -> list[str]:
    """Sentences for the page about data files that could not be used (the boundary file, so far)."""
    # Not imported: nothing has read the file yet (the first map reads the stores, geo/paths.py),
    # and importing it here would cost the first page GeoPandas.
    boundaries = sys.modules.get("geo.boundaries")
    return boundaries.problems() if boundaries is not None else []


def clear() -> None:
    """Forget everything (tests; a rebuilt data file)."""
    for c in (_datasets, _views, _bundled_load, _stored):
        c.clear()
