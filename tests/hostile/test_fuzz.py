"""Fuzzing: arbitrary bytes and CSV-shaped text into the loader, arbitrary URLs into view.from_query.

The only outcomes allowed are a report (ProgramLoad) or a valid view state: any other
exception fails. No example database is kept (database=None), so nothing is written to the
repository; the example counts keep this file under ~60 s in CI.
"""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo import view
from geo.programs import COLUMNS, ProgramLoad, load_programs
from tests.hostile.corpus import BASE, FORMULAS, HTML, JS

FUZZ = settings(database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Cells worth trying: the base row's own values, the corpus's payloads, and anything at all.
CELL = st.one_of(
    st.sampled_from([*BASE.values(), HTML, JS, *FORMULAS.values(), "", " ", "NaN", "1e308", "-0", "전라북도"]),
    st.text(max_size=40),
)


def _is_report(load: ProgramLoad) -> None:
    assert isinstance(load, ProgramLoad)
    text = load.report()
    assert text.startswith(load.file)
    for i in load.issues:
        assert i.severity in ("error", "warning") and i.message and i.expected
    assert len(load.records) + len(load.rejected_rows) == load.n_rows or load.errors


@settings(FUZZ, max_examples=150)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_give_a_report(data: bytes) -> None:
    _is_report(load_programs(data, name="fuzz.csv"))


@settings(FUZZ, max_examples=20)
@given(
    header=st.lists(st.sampled_from([*COLUMNS, "extra", ""]), min_size=1, max_size=40),
    rows=st.lists(st.lists(CELL, max_size=40), max_size=4),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
)
def test_csv_shaped_text_gives_a_report(
    header: list[str], rows: list[list[str]], delimiter: str, encoding: str
) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter)
    w.writerow(header)
    w.writerows(rows)
    _is_report(load_programs(buf.getvalue().encode(encoding, errors="surrogatepass"), name="fuzz.csv"))


@settings(FUZZ, max_examples=20)
@given(st.lists(st.sampled_from(list(BASE)), min_size=0, max_size=6), st.data())
def test_base_row_with_fuzzed_cells_gives_a_report(columns: list[str], data: st.DataObject) -> None:
    rec = dict(BASE)
    for c in columns:
        rec[c] = data.draw(CELL)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(COLUMNS))
    w.writeheader()
    w.writerow(rec)
    _is_report(load_programs(buf.getvalue().encode("utf-8", errors="surrogatepass"), name="fuzz.csv"))


QUERY_VALUES = st.one_of(
    st.text(max_size=30), st.sampled_from(["1", "0", "26", "26110", "호남권", "2024", "en", "decline", "other"])
)


@settings(FUZZ, max_examples=200)
@given(st.dictionaries(st.one_of(st.sampled_from(list(view.QUERY_KEYS.values())), st.text(max_size=8)), QUERY_VALUES))
def test_arbitrary_query_gives_a_valid_state(params: dict[str, str]) -> None:
    state, ignored = view.from_query(params)
    assert isinstance(state, view.ViewState) and isinstance(ignored, list)
    assert view.consistent(state) == state
    again, ignored_again = view.from_query(view.to_query(state))
    assert again == state and ignored_again == []  # a state's own URL reads back as the same state
