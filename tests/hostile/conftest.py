"""The hostile corpus's size in the terminal summary, so CI logs show how much was run."""

from __future__ import annotations

from tests.hostile.corpus import cases


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # type: ignore[no-untyped-def]
    terminalreporter.write_line(f"hostile corpus: {len(cases())} cases")
