"""The bundled data set stored at build time (issue 15: a first page without pandera or reconciliation)."""

from __future__ import annotations

import csv
import json
import logging
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from geo import dataset, prepared, programs

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def fresh() -> prepared.Prepared:
    return dataset.fresh_bundled()


@pytest.fixture
def clean_caches():
    dataset.clear()
    yield
    dataset.clear()


def assert_same(a: prepared.Prepared, b: prepared.Prepared) -> None:
    pd.testing.assert_frame_equal(a.records, b.records, check_exact=True)
    pd.testing.assert_frame_equal(a.reconciliation, b.reconciliation, check_exact=True)
    for name in ("coverage", "coverage_by_year", "years", "n_errors"):
        assert getattr(a, name) == getattr(b, name), name


def test_the_store_is_of_todays_data_and_code(fresh):
    """Fails when data/, geo/tables/ or the code that prepares the records changed without
    `python -m geo build-start` (merge runs it): the app would still be right, but slow to start."""
    stored = prepared.read()
    assert stored is not None, "data/prepared/ is not of today's files: run python -m geo build-start"
    assert_same(stored, fresh)
    assert len(stored.records) == 164 and stored.years[0] == 2019 and stored.n_errors == 0
    assert stored.coverage["ko"] and stored.coverage_by_year["en"][2024]


def test_the_page_takes_the_stored_records(clean_caches, monkeypatch):
    def not_again(*args, **kwargs):
        raise AssertionError("data/programs.csv validated again although the store is of today's files")

    monkeypatch.setattr(programs, "load_programs", not_again)
    data = dataset.bundled()
    assert data.key == dataset.BUNDLED and len(data.records) == 164 and dataset.bundled_errors() == 0


def test_a_changed_input_is_not_served_from_the_store(tmp_path, monkeypatch, clean_caches, fresh):
    """Another budget in programs.csv: another key, so the records are prepared from the file."""
    with programs.DATA_FILE.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    first = fresh.records.iloc[0]
    row = next(r for r in rows[1:] if r[0] == first["id"])
    row[rows[0].index("note")] = "edited after the store was built"
    changed = tmp_path / "programs.csv"
    with changed.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    monkeypatch.setattr(programs, "DATA_FILE", changed)
    assert prepared.key() != json.loads((prepared.store_dir() / prepared.META).read_text(encoding="utf-8"))["key"]
    assert prepared.read() is None
    data = dataset.bundled()
    assert data.records.loc[data.records["id"] == first["id"], "note"].item() == "edited after the store was built"


def test_a_damaged_store_costs_speed_not_answers(tmp_path, monkeypatch, caplog, fresh):
    monkeypatch.setattr(programs, "DATA_DIR", tmp_path)  # the store's folder; the inputs stay the bundled ones
    assert prepared.read() is None  # none yet: no warning, the records are prepared
    folder = prepared.write(fresh)
    assert folder == tmp_path / "prepared"
    assert sorted(p.name for p in folder.iterdir()) == ["prepared.json", "reconciliation.parquet", "records.parquet"]
    assert all(p.stat().st_mode & 0o777 == 0o644 for p in folder.iterdir())  # renamed from private temp names
    assert_same(prepared.read(), fresh)
    parquet = folder / "records.parquet"
    parquet.write_bytes(parquet.read_bytes()[:1000])  # half-written, as if the disk filled
    with caplog.at_level(logging.WARNING, logger="geo.prepared"):
        assert prepared.read() is None
    assert "not used" in caplog.text and "prepared at start" in caplog.text
    (folder / prepared.META).write_text("{not json", encoding="utf-8")
    assert prepared.read() is None
    prepared.write(fresh)  # a rebuild repairs it
    assert_same(prepared.read(), fresh)


def test_the_first_map_needs_no_validator_charts_classifier_or_geopandas():
    """The imports app.py makes and the opening view's map: pandera, Altair and mapclassify are
    imported later (an upload, the charts below the map, a view whose breaks are not stored), and
    GeoPandas and pyogrio only when a layer is not stored (geo/maps/shapestore.py): without them
    the GeoPackage cannot have been read."""
    code = (
        "import sys; import streamlit, folium, streamlit_folium\n"
        "from geo import charts, compare, dataset, maps, offline, programs, regions, view\n"
        "import ui.exports, ui.sidebar, ui.state\n"
        "data = dataset.bundled(); state, _ = view.from_query({}); v = dataset.computed(data, state)\n"
        "args = view.map_arguments(v, maps.MapSettings(scheme=state.scheme))\n"
        "maps.base_map(state.level, state.lang, args['settings']); maps.overlay_layers(**args)\n"
        "assert dataset.problems() == []\n"
        "heavy = ('pandera', 'altair', 'mapclassify', 'scipy', 'geopandas', 'pyogrio', 'geo.boundaries')\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout
