"""Class breaks stored beside the display layers (issue 15: start-up without mapclassify)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from geo import serve
from geo.maps import breakstore, classes

ROOT = Path(__file__).resolve().parent.parent


def test_the_store_covers_every_first_view_of_the_bundled_data():
    """Fails when data/programs.csv changed without `python -m geo build-start` (merge runs it)."""
    breakstore.clear()
    classes.breaks.cache_clear()
    classes.COMPUTED.clear()
    serve.classify_first_views()
    assert classes.COMPUTED == {}, "views classed by mapclassify at start: run python -m geo build-start"


def test_stored_breaks_are_what_mapclassify_computes():
    doc = json.loads(breakstore.store_path().read_text(encoding="utf-8"))
    assert doc["format"] == breakstore.FORMAT and doc["breaks"]
    classes.breaks.cache_clear()
    classes.COMPUTED.clear()
    with breakstore.bypassed():
        serve.classify_first_views()
    classes.breaks.cache_clear()
    assert classes.COMPUTED == {k: tuple(v) for k, v in doc["breaks"].items()}


def test_a_damaged_store_costs_speed_not_answers(tmp_path, monkeypatch, caplog):
    values = tuple(float(v) for v in (1, 2, 3, 5, 8, 13, 21, 34, 55, 89))
    want = classes.breaks.__wrapped__(values, 5, "natural_breaks")
    (tmp_path / breakstore.STORE_NAME).write_text("{not json", encoding="utf-8")
    monkeypatch.setattr(breakstore.paths, "SHAPES_DIR", tmp_path)
    breakstore.clear()
    try:
        assert breakstore.stored(values, 5, "natural_breaks") is None
        assert classes.breaks.__wrapped__(values, 5, "natural_breaks") == want
        assert breakstore.STORE_NAME in caplog.text and "computed" in caplog.text
        path = breakstore.write({breakstore.key(values, 5, "natural_breaks"): want})
        assert path.stat().st_mode & 0o777 == 0o644 and not list(tmp_path.glob(".*"))  # renamed, no leftovers
        assert breakstore.stored(values, 5, "natural_breaks") == want
        assert breakstore.stored(values[:-1], 5, "natural_breaks") is None  # other data: no entry
    finally:
        monkeypatch.undo()
        breakstore.clear()


@pytest.mark.parametrize("scheme", ["natural_breaks", "quantiles"])
def test_the_key_is_the_values_k_and_scheme(scheme):
    v = (1.0, 2.0, 3.0)
    assert breakstore.key(v, 5, scheme) != breakstore.key(v, 4, scheme)
    assert breakstore.key(v, 5, scheme) != breakstore.key((1.0, 2.0, 3.5), 5, scheme)
    other = "quantiles" if scheme == "natural_breaks" else "natural_breaks"
    assert breakstore.key(v, 5, scheme) != breakstore.key(v, 5, other)


def test_the_warm_up_never_imports_mapclassify():
    """What the opening page needs (serve.warm_up) classes its maps from the store."""
    code = (
        "import sys; from geo import serve; serve.warm_up(); "
        "print(sorted(m for m in ('mapclassify', 'scipy', 'sklearn') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout
