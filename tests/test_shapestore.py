"""The opening map's display geometry stored at build time (issue 15: a first map without the GeoPackage)."""

from __future__ import annotations

import json
import logging

import pytest

from geo import boundaries, paths
from geo.maps import geometry, shapestore


@pytest.fixture
def clean():
    shapestore.clear()
    yield
    shapestore.clear()


def test_the_store_is_of_todays_geopackage_and_code(clean):
    doc = json.loads(shapestore.store_path().read_text(encoding="utf-8"))
    assert doc["key"] == shapestore.key(), "display_geometry.json is stale: run python -m geo build-start"
    fresh = shapestore.compute_entries()
    assert sorted(doc["entries"]) == sorted(fresh)
    for name, value in fresh.items():
        assert doc["entries"][name] == value, f"{name}: stored ≠ computed; run python -m geo build-start"


def test_a_stored_call_returns_what_the_function_returns(clean):
    """Tuples stay tuples, and f("sido") is the stored f("sido", "national")."""
    for fn, args in shapestore.OPENING:
        function = getattr(geometry, fn)
        got, want = function(*args), function.compute(*args)
        assert got == want and type(got) is type(want), fn
    assert geometry.geometry_json("sido") is geometry.geometry_json("sido", "national")
    assert len(geometry.layer_codes("sigungu")) == boundaries.EXPECTED_COUNTS["sigungu"]
    points = geometry.representative_points("sido")
    assert len(points) == 17 and all(type(p) is tuple and 33 < p[0] < 39 and 124 < p[1] < 132 for p in points.values())


def test_a_stale_or_damaged_store_costs_speed_not_answers(tmp_path, monkeypatch, caplog, clean):
    path = tmp_path / shapestore.STORE_NAME
    monkeypatch.setattr(shapestore, "store_path", lambda: path)
    want = geometry.base_geometry.compute("national")
    assert shapestore._entries() == {}  # none yet: computed, no warning
    shapestore.write(path)
    assert path.stat().st_mode & 0o777 == 0o644  # renamed from a private temporary name
    assert len(shapestore._entries()) == len(shapestore.OPENING)
    assert geometry.base_geometry("national") == want

    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["entries"][shapestore.entry_name("base_geometry", ("national",))] = ["{}", "{}"]
    doc["key"] = "0" * 64  # as if the GeoPackage had been rebuilt since
    path.write_text(json.dumps(doc), encoding="utf-8")
    shapestore.clear()
    assert geometry.base_geometry("national") == want  # the old entry is not served

    path.write_text('{"format": 1, "key": "', encoding="utf-8")  # half-written
    shapestore.clear()
    with caplog.at_level(logging.WARNING, logger="geo.maps.shapestore"):
        assert geometry.base_geometry("national") == want
    assert "not used" in caplog.text and str(path) in caplog.text


def test_the_key_follows_the_geopackage(tmp_path, monkeypatch):
    before = shapestore.key()
    copy = tmp_path / boundaries.GPKG.name
    copy.write_bytes(boundaries.GPKG.read_bytes()[:-1] + b"\0")
    monkeypatch.setattr(paths, "GPKG", copy)
    assert shapestore.key() != before
    copy.unlink()
    assert shapestore.key() != before  # a missing file is its own state: nothing stored is used
