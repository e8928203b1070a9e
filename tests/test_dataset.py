"""The per-process data cache: one load however many sessions ask at once, bounded views."""

from __future__ import annotations

import threading
import time

import pytest

from geo import dataset, programs, view


@pytest.fixture(autouse=True)
def fresh():
    dataset.clear()
    yield
    dataset.clear()


def test_bundled_is_prepared_once_and_shared() -> None:
    a, b = dataset.bundled(), dataset.bundled()
    assert a is b
    assert a.key == dataset.BUNDLED
    assert len(a.records) == len(programs.load_programs().records)
    assert {"sido_code", "sigungu_code"} <= set(a.records.columns)
    assert any("99" in line for line in a.coverage["ko"])  # "13 of 99 Smart Village tasks"
    assert set(a.coverage) == {"ko", "en"}
    assert len(a.reconciliation) > 0


def test_concurrent_callers_wait_for_one_load(monkeypatch) -> None:
    calls = []
    real = programs.load_programs

    def slow(*args, **kwargs):
        calls.append(threading.current_thread().name)
        time.sleep(0.3)
        return real(*args, **kwargs)

    monkeypatch.setattr(programs, "load_programs", slow)
    monkeypatch.setattr(dataset.prepared, "read", lambda: None)  # the store stale: every caller would load
    dataset.clear()
    got = []
    threads = [threading.Thread(target=lambda: got.append(dataset.bundled())) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(calls) == 1
    assert len({id(g) for g in got}) == 1


def test_views_are_computed_once_per_state() -> None:
    data = dataset.bundled()
    s = view.ViewState(region_group="호남권")
    v1, v2 = dataset.computed(data, s), dataset.computed(data, view.ViewState(region_group="호남권"))
    assert v1 is v2
    assert v1.kpis == view.compute(data.records, s, coverage=data.coverage["ko"]).kpis
    assert dataset.computed(data, view.ViewState()) is not v1


def test_view_cache_is_bounded(monkeypatch) -> None:
    monkeypatch.setattr(dataset._views, "size", 3)
    data = dataset.bundled()
    states = [view.ViewState(year=y) for y in (2019, 2020, 2021, 2022)]
    first = dataset.computed(data, states[0])
    for s in states[1:]:
        dataset.computed(data, s)
    assert len(dataset._views.items) == 3
    assert dataset.computed(data, states[0]) is not first  # evicted, computed again


def test_a_failed_load_is_not_remembered(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(programs, "DATA_FILE", tmp_path / "programs.csv")
    with pytest.raises(Exception, match=r"programs\.csv"):
        dataset.bundled_load()
    monkeypatch.undo()
    assert len(dataset.bundled_load().records) > 0
